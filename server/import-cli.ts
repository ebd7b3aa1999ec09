// `diemcau import points FILE [--db FILE|URL] [--valid-only] [--dry-run]` and
// `diemcau export points --format csv|xlsx --out FILE [--db FILE|URL] [--delimiter ,|;]`. argv is what
// follows "import" / "export"; the exit code is returned (0 done, 1 refused or errors, 2 usage).
import { existsSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ImportPreview } from '../shared/import';
import { ValidationError, cliLang } from './errors';
import { argvWords, isArgvError } from './cli-words';
import { inLang, words } from '../shared/words';
import { exportPointsCsv, exportPointsXlsx } from './exporter';
import {
  applyImport,
  COLUMN_LABELS,
  ImportFileError,
  ImportRefusedError,
  MAX_IMPORT_BYTES,
  previewImport,
} from './importer';
import { tooLarge } from './importer/errors';
import { Inventory } from './inventory/inventory';
import { openStore, parseStoreSpec } from './store/open';

export interface ImportCliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

const DEFAULT_DB = 'data/diemcau.sqlite';

const IMPORT_USAGE = `Cách dùng: diemcau import points FILE [--db FILE|URL] [--valid-only] [--dry-run]

Nhập danh sách điểm cầu từ tệp CSV (UTF-8) hoặc XLSX. Cột nhận theo tiêu đề (tiếng Việt hoặc tiếng Anh):
Tên điểm cầu, Xã/Phường (hoặc Đơn vị, Mã đơn vị), Địa chỉ IP — bắt buộc; Mã điểm cầu, Cấp, Phòng họp,
Địa chỉ, IP dự phòng, Cán bộ kỹ thuật, Số điện thoại — tuỳ chọn. Điểm cầu đã có (cùng mã) được cập nhật.
  --db FILE|URL  cơ sở dữ liệu: tệp SQLite (mặc định ${DEFAULT_DB}) hoặc postgres://…
  --valid-only   nhập các dòng hợp lệ, bỏ qua các dòng có lỗi
  --dry-run      chỉ xem trước, không ghi gì
Khi còn dòng lỗi mà không có --valid-only thì không nhập gì (mã thoát 1).
`;

const EXPORT_USAGE = `Cách dùng: diemcau export points --format csv|xlsx --out FILE [--db FILE|URL] [--delimiter ,|;]

Xuất toàn bộ điểm cầu ra tệp CSV (UTF-8 có BOM) hoặc XLSX; tệp nhập lại được bằng diemcau import points.
  --out -        (chỉ với CSV) in ra màn hình
`;

/** A flag parseArgs refused, in the CLI's language. */
function argvText(err: unknown): string {
  return isArgvError(err) ? inLang(argvWords(err), cliLang()) : String((err as Error).message);
}

async function readBounded(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = (err as Error).message;
    throw new ImportFileError(
      'bad-file',
      code === 'ENOENT'
        ? words(`Không tìm thấy tệp: ${file}`, `File not found: ${file}`)
        : words(`Không đọc được ${file}: ${why}`, `Cannot read ${file}: ${why}`),
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new ImportFileError('bad-file', words(`${file} không phải là tệp.`, `${file} is not a file.`));
    if (stat.size > MAX_IMPORT_BYTES) throw tooLarge(stat.size);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

async function openInventory(db: string): Promise<{ inventory: Inventory; close(): Promise<void> }> {
  // A mistyped path would otherwise create an empty database, where every unit is unknown.
  const spec = parseStoreSpec(db);
  if (spec.kind === 'sqlite' && !existsSync(spec.file))
    throw new ImportFileError(
      'bad-file',
      words(
        `Không tìm thấy cơ sở dữ liệu ${db} (chỉ định bằng --db).`,
        `Database ${db} not found (give it with --db).`,
      ),
    );
  const store = await openStore(db);
  try {
    return { inventory: await Inventory.open(store), close: () => store.close() };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** The row's point code as written in the file, when it has a usable one. */
function codeOf(r: ImportPreview['rows'][number]): string | null {
  const code = r.cells.code?.trim();
  return code && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(code) ? code : null;
}

/** The preview as a technician reads it in a terminal. */
export function formatPreview(file: string, p: ImportPreview): string {
  const c = p.counts;
  const total = c.new + c.updated + c.unchanged + c.invalid;
  const lines = [
    `${file} (${p.format.toUpperCase()}${p.sheet ? `, trang “${p.sheet}”` : ''}, tiêu đề ở dòng ${p.headerRow}): ` +
      `${total} dòng — ${c.new} mới, ${c.updated} cập nhật, ${c.unchanged} không đổi, ${c.invalid} lỗi`,
    `Cột: ${p.columns.map((m) => `“${m.header}” → ${COLUMN_LABELS[m.column]}`).join('; ')}`,
  ];
  if (p.ignoredHeaders.length > 0) lines.push(`Bỏ qua cột: ${p.ignoredHeaders.map((h) => `“${h}”`).join(', ')}`);
  const errors = p.rows.flatMap((r) => r.errors.map((e) => ({ e, code: r.point?.code ?? codeOf(r) })));
  if (errors.length > 0) {
    lines.push('Lỗi:');
    for (const { e, code } of errors) {
      // Most messages begin with their column's name already.
      const label = e.column ? COLUMN_LABELS[e.column] : null;
      const where = label && !e.message.startsWith(label) ? `, cột ${label}` : '';
      const point = code ? ` (điểm cầu ${code})` : '';
      lines.push(`  dòng ${e.row}${point}${where}: ${e.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function runImportCli(argv: string[], io: ImportCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string', default: DEFAULT_DB },
        'valid-only': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr.write(`${argvText(err)}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(IMPORT_USAGE);
    return 0;
  }
  const [what, file, ...extra] = positionals;
  if (what !== 'points' || !file || extra.length > 0) {
    io.stderr.write(IMPORT_USAGE);
    return 2;
  }
  let db;
  try {
    const bytes = await readBounded(file);
    db = await openInventory(values.db);
    const preview = await previewImport(bytes, db.inventory.data(), file);
    io.stdout.write(formatPreview(file, preview));
    if (values['dry-run']) {
      io.stdout.write('Chạy thử (--dry-run): chưa ghi gì.\n');
      return preview.counts.invalid > 0 ? 1 : 0;
    }
    const report = await applyImport(db.inventory, preview, values['valid-only']);
    const skipped = report.skippedRows.length > 0 ? `; bỏ qua ${report.skippedRows.length} dòng lỗi` : '';
    io.stdout.write(
      `Đã nhập: ${report.created.length} mới, ${report.updated.length} cập nhật, ${report.unchanged} không đổi${skipped}.\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ImportFileError || err instanceof ImportRefusedError || err instanceof ValidationError) {
      io.stderr.write(`${err.messageIn(cliLang())}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db?.close();
  }
}

export async function runExportCli(argv: string[], io: ImportCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string', default: DEFAULT_DB },
        format: { type: 'string' },
        out: { type: 'string' },
        delimiter: { type: 'string', default: ',' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr.write(`${argvText(err)}\n\n${EXPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(EXPORT_USAGE);
    return 0;
  }
  const format = values.format;
  const delimiter = values.delimiter;
  if (
    positionals.length !== 1 ||
    positionals[0] !== 'points' ||
    (format !== 'csv' && format !== 'xlsx') ||
    !values.out ||
    (delimiter !== ',' && delimiter !== ';') ||
    (values.out === '-' && format === 'xlsx')
  ) {
    io.stderr.write(EXPORT_USAGE);
    return 2;
  }
  let db;
  try {
    db = await openInventory(values.db);
    const data = db.inventory.data();
    const content = format === 'csv' ? exportPointsCsv(data, delimiter) : await exportPointsXlsx(data);
    if (values.out === '-') {
      io.stdout.write(content as string);
      return 0;
    }
    await writeFile(values.out, content);
    io.stdout.write(`Đã xuất ${data.points.length} điểm cầu ra ${values.out}.\n`);
    return 0;
  } catch (err) {
    if (err instanceof ImportFileError) {
      io.stderr.write(`${err.messageIn(cliLang())}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db?.close();
  }
}
