// `diemcau import points` and `diemcau export points`, driven in-process on a real SQLite file.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli, runImportCli } from '../../../server/import-cli';
import { openTestInventory, POINTS, type TestInventory } from '../../unit/importer/province';

const LIST = join(import.meta.dirname, '..', '..', 'fixtures', 'import', 'danh-sach-can-loc.csv');
let t: TestInventory;

beforeEach(async () => {
  t = await openTestInventory();
  t.closeStore();
});
afterEach(() => {
  t.dispose();
});

async function run(fn: typeof runImportCli, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await fn(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

const importPoints = (...args: string[]) => run(runImportCli, ['points', ...args, '--db', t.dbFile]);

describe('diemcau import points', () => {
  it('previews with --dry-run and writes nothing', async () => {
    const before = await t.reload();
    const r = await importPoints(LIST, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 dòng — 2 mới, 1 cập nhật, 0 không đổi, 0 lỗi');
    expect(r.out).toContain('tiêu đề ở dòng 4');
    expect(r.out).toContain('“Xã/Phường” → Đơn vị');
    expect(r.out).toContain('chưa ghi gì');
    expect(await t.reload()).toEqual(before);
  });

  it('imports, and a second run changes nothing', async () => {
    const first = await importPoints(LIST);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Đã nhập: 2 mới, 1 cập nhật, 0 không đổi.');
    const stored = await t.reload();
    expect(stored.points.map((p) => p.code)).toContain('HT-CL-NGHEN');
    const second = await importPoints(LIST);
    expect(second.out).toContain('Đã nhập: 0 mới, 0 cập nhật, 3 không đổi.');
    expect(await t.reload()).toEqual(stored);
  });

  it('refuses a file with errors (exit 1, every error listed), and imports its valid rows with --valid-only', async () => {
    const file = join(t.dir, 'loi.csv');
    writeFileSync(file, 'Tên điểm cầu,Đơn vị,IP\nA,Thạch Kim,127.30.11.1\nB,Thạch Kim,-f\nC,Xã Ma,127.30.11.3\n');
    const before = await t.reload();
    const refused = await importPoints(file);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('dòng 3: Địa chỉ IP “-f” không hợp lệ');
    expect(refused.out).toContain('dòng 4: Đơn vị: không tìm thấy đơn vị “Xã Ma”');
    expect(refused.err).toContain('2 dòng có lỗi nên chưa nhập gì');
    expect(await t.reload()).toEqual(before);

    const valid = await importPoints(file, '--valid-only');
    expect(valid.code).toBe(0);
    expect(valid.out).toContain('Đã nhập: 1 mới, 0 cập nhật, 0 không đổi; bỏ qua 2 dòng lỗi.');
  });

  it('refuses a file it cannot read, a missing database and bad usage', async () => {
    const file = join(t.dir, 'win.csv');
    writeFileSync(file, Buffer.from([0x54, 0xea, 0x6e, 0x0a]));
    const enc = await importPoints(file);
    expect(enc.code).toBe(1);
    expect(enc.err).toContain('CSV UTF-8');

    const missingDb = join(t.dir, 'typo.sqlite');
    const noDb = await run(runImportCli, ['points', LIST, '--db', missingDb]);
    expect(noDb.code).toBe(1);
    expect(noDb.err).toContain('Không tìm thấy cơ sở dữ liệu');
    expect(existsSync(missingDb)).toBe(false);

    expect((await importPoints(join(t.dir, 'none.csv'))).err).toContain('Không tìm thấy tệp');
    expect((await run(runImportCli, ['units', LIST])).code).toBe(2);
    const bogus = await run(runImportCli, ['points', LIST, '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/^Không có tùy chọn “--bogus”/);
  });

  it('[WE8] says the same refusals in English with DIEMCAU_LANG=en', async () => {
    const before = process.env.DIEMCAU_LANG;
    process.env.DIEMCAU_LANG = 'en';
    try {
      const file = join(t.dir, 'win.csv');
      writeFileSync(file, Buffer.from([0x54, 0xea, 0x6e, 0x0a]));
      const enc = await importPoints(file);
      expect(enc.code).toBe(1);
      expect(enc.err).toMatch(/^The file is not UTF-8 \(a stray byte on line 1; /);
      const missingDb = join(t.dir, 'typo.sqlite');
      expect((await run(runImportCli, ['points', LIST, '--db', missingDb])).err).toBe(
        `Database ${missingDb} not found (give it with --db).\n`,
      );
      expect((await importPoints(join(t.dir, 'none.csv'))).err).toMatch(/^File not found: /);
      expect((await run(runImportCli, ['points', LIST, '--bogus'])).err).toMatch(/^Unknown option "--bogus"/);
      const empty = join(t.dir, 'empty.csv');
      writeFileSync(empty, '');
      expect((await importPoints(empty)).err).toBe('The file is empty: there is no data in it.\n');
    } finally {
      if (before === undefined) delete process.env.DIEMCAU_LANG;
      else process.env.DIEMCAU_LANG = before;
    }
    const empty = join(t.dir, 'empty.csv');
    expect((await importPoints(empty)).err).toBe('Tệp rỗng: không có dữ liệu nào.\n');
  });
});

describe('diemcau export points', () => {
  it.each(['csv', 'xlsx'])('writes %s that imports back unchanged', async (format) => {
    const out = join(t.dir, `diem-cau.${format}`);
    const r = await run(runExportCli, ['points', '--format', format, '--out', out, '--db', t.dbFile]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Đã xuất ${POINTS.length} điểm cầu`);
    const back = await importPoints(out, '--dry-run');
    expect(back.out).toContain(`${POINTS.length} dòng — 0 mới, 0 cập nhật, ${POINTS.length} không đổi, 0 lỗi`);
  });

  it('prints CSV to standard output with --out -, and refuses bad usage', async () => {
    const r = await run(runExportCli, [
      'points',
      '--format',
      'csv',
      '--out',
      '-',
      '--delimiter',
      ';',
      '--db',
      t.dbFile,
    ]);
    expect(r.out.split('\r\n')[0]).toBe(
      '\ufeffMã điểm cầu;Tên điểm cầu;Cấp;Đơn vị;Mã đơn vị;Phòng họp;Địa chỉ;Địa chỉ IP;IP dự phòng;Thiết bị đầu cuối;Cán bộ kỹ thuật;Số điện thoại;Trạm đo',
    );
    expect((await run(runExportCli, ['points', '--format', 'pdf', '--out', 'x'])).code).toBe(2);
    expect((await run(runExportCli, ['points', '--format', 'xlsx', '--out', '-'])).code).toBe(2);
  });
});
