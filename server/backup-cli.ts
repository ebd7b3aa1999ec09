// `diemcau backup --db FILE|URL --out FILE`: a copy of the database, taken while the server runs
// (server/store/backup.ts does the copying; restoring is by hand, docs/DEPLOY.md). An existing --out
// is never overwritten: the copy is made under a temporary name beside it and hard-linked into place,
// which fails if the name was taken meanwhile, so no half-written backup ever carries the name.
// argv is what follows "backup"; the exit code is returned (0 done, 1 refused or failed, 2 usage).
import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { argvWords, isArgvError } from './cli-words';
import { cliLang } from './errors';
import { inLang, words, type Words } from '../shared/words';
import { BackupError, backupPostgres, backupSqlite, type BackupResult } from './store/backup';
import { StoreSpecError, parseStoreSpec } from './store/open';

/** Where the command writes: the process's streams, or a test's. */
export interface BackupCliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

const DEFAULT_DB = 'data/diemcau.sqlite';
const FORMS_EN = 'a file path, sqlite:PATH, postgres://… or postgresql://…';

export const BACKUP_USAGE = `Cách dùng: diemcau backup --db FILE|URL --out FILE

Sao lưu cơ sở dữ liệu trong lúc máy chủ vẫn chạy:
  SQLite      bản sao nhất quán (sao lưu trực tuyến), rồi mở lại bản sao để kiểm tra
  PostgreSQL  pg_dump --format=custom (cần gói postgresql-client)
  --db FILE|URL  cơ sở dữ liệu: tệp SQLite (mặc định ${DEFAULT_DB}) hoặc postgres://…
  --out FILE     tệp sao lưu; không ghi đè tệp đã có
Khôi phục: xem docs/DEPLOY.md.
`;

const mb = (n: number, lang: 'vi' | 'en'): string => {
  const s = (n / 1024 / 1024).toFixed(1);
  return lang === 'vi' ? s.replace('.', ',') : s;
};

/** `--out`'s own refusals: taken, or nowhere to write. */
function checkOut(out: string): void {
  if (existsSync(out)) {
    throw new BackupError(
      `Tệp ${out} đã có: không ghi đè. Chọn tên khác, hoặc tự xóa tệp cũ nếu chắc chắn.`,
      `${out} exists: not overwritten. Choose another name, or remove the old file yourself if you are sure.`,
    );
  }
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BackupError(`Không có thư mục ${dir}.`, `No directory ${dir}.`);
  }
}

/** Gives the finished copy its name, refusing (and keeping nothing) if the name was taken meanwhile. */
function publish(tmp: string, out: string): void {
  try {
    linkSync(tmp, out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') checkOut(out);
    // A file system without hard links: an exclusive copy refuses an existing name as well.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    copyFileSync(tmp, out, constants.COPYFILE_EXCL);
  }
}

function doneWords(db: string, out: string, r: BackupResult, ms: number): Words {
  const kind = r.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const s = (ms / 1000).toFixed(1);
  return words(
    `Đã sao lưu ${db} vào ${out} (${kind}, lược đồ phiên bản ${r.version}, ${mb(r.bytes, 'vi')} MB, ${s.replace('.', ',')} giây).`,
    `Backed up ${db} to ${out} (${kind}, schema version ${r.version}, ${mb(r.bytes, 'en')} MB, ${s} s).`,
  );
}

/** What --db names, for messages: a URL without its password. */
function shownDb(db: string, kind: 'sqlite' | 'postgres'): string {
  if (kind === 'sqlite') return db;
  const u = new URL(db);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

/** parseStoreSpec's refusal in words (it names the scheme only: a URL may hold a password). */
function specWords(err: StoreSpecError): Words {
  const forms = words('đường dẫn tệp, sqlite:PATH, postgres://… hoặc postgresql://…', FORMS_EN);
  if (err.scheme === null) return words(`--db trống: hãy dùng ${forms.vi}`, `--db is empty: use ${forms.en}`);
  return words(
    `--db: không dùng được “${err.scheme}://…”: hãy dùng ${forms.vi}`,
    `--db: "${err.scheme}://…" is not supported: use ${forms.en}`,
  );
}

export async function runBackupCli(argv: string[], io: BackupCliIo): Promise<number> {
  const lang = cliLang();
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        db: { type: 'string', default: DEFAULT_DB },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    if (!isArgvError(err)) throw err;
    io.stderr.write(`${inLang(argvWords(err), lang)}\n\n${BACKUP_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(BACKUP_USAGE);
    return 0;
  }
  if (!values.out) {
    io.stderr.write(`${inLang(words('Thiếu --out FILE.', 'Missing --out FILE.'), lang)}\n\n${BACKUP_USAGE}`);
    return 2;
  }
  const out = values.out;
  // Beside --out, so the final link stays on one file system; removed whatever happens.
  const tmp = join(dirname(out), `.${basename(out)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    const spec = parseStoreSpec(values.db);
    checkOut(out);
    const started = performance.now();
    if (spec.kind === 'sqlite' && !existsSync(spec.file)) {
      throw new BackupError(`Không tìm thấy cơ sở dữ liệu ${spec.file}.`, `Database ${spec.file} not found.`);
    }
    const result = spec.kind === 'sqlite' ? await backupSqlite(spec.file, tmp) : await backupPostgres(spec.url, tmp);
    publish(tmp, out);
    io.stdout.write(
      `${inLang(doneWords(shownDb(values.db, spec.kind), out, result, performance.now() - started), lang)}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      io.stderr.write(`${err.messageIn(lang)}\n`);
      return 1;
    }
    if (err instanceof StoreSpecError) {
      io.stderr.write(`${inLang(specWords(err), lang)}\n`);
      return 1;
    }
    // The file system's or SQLite's refusal (disk full, no permission), as they word it.
    if (err instanceof Error && 'code' in err) {
      io.stderr.write(`${inLang(words(`Sao lưu thất bại: ${err.message}`, `Backup failed: ${err.message}`), lang)}\n`);
      return 1;
    }
    throw err;
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
}
