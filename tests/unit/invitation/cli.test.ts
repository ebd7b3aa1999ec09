import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvitationCli } from '../../../server/invitation/cli';
import { buildDocx } from './files';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'tests/fixtures/invitations');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, unknown>;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInvitationCli(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'diemcau-invitation-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('diemcau invitation parse', () => {
  it('--json prints exactly the draft, without evidence', async () => {
    const file = 'giay-moi-thanh-hoa-2023-khung-gio.txt';
    const { code, out, err } = await run('parse', join(FIXTURES, file), '--json');
    expect([code, err]).toEqual([0, '']);
    const json = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'kind',
      'title',
      'start',
      'startDate',
      'lineTest',
      'registrationDeadline',
      'levels',
      'venue',
      'contacts',
    ]);
    expect(json).toEqual(expected[file]);
    expect(out).not.toContain('evidence');
  });

  it('prints a Vietnamese summary with the source of each value', async () => {
    const { code, out } = await run('parse', join(FIXTURES, 'giay-moi-quang-tri-2025-hai-cap.txt'));
    expect(code).toBe(0);
    expect(out).toMatch(/Hình thức:\s+trực tuyến/);
    expect(out).toMatch(/Bắt đầu:\s+15\/08\/2025 08:00/);
    expect(out).toMatch(/Chạy thử đường truyền:\s+14\/08\/2025 14:30/);
    expect(out).toMatch(/Hạn gửi danh sách điểm cầu:\s+12\/08\/2025 16:00/);
    expect(out).toMatch(/Cấp có điểm cầu:\s+tỉnh, xã/);
    expect(out).toContain('Hoàng Minh Tuấn — Trung tâm Công báo - Tin học tỉnh — 0913 294 787');
    expect(out).toContain('Chạy thử: «');
    expect(out).toContain('chạy thử kỹ thuật tại tất cả các điểm cầu vào lúc 14 giờ 30, thứ Năm, ngày 14/8/2025');
  });

  it('says an in-person meeting has no connection points, and gives a date without an hour as such', async () => {
    const { out } = await run('parse', join(FIXTURES, 'ke-hoach-doi-thoai-thai-nguyen-2023.txt'));
    expect(out).toMatch(/Hình thức:\s+trực tiếp \(không có điểm cầu\)/);
    expect(out).toMatch(/Bắt đầu:\s+13\/10\/2023 \(chưa rõ giờ\)/);
    expect(out).not.toContain('Chạy thử đường truyền');
  });

  it('reads a .docx the same way', async () => {
    const text = readFileSync(join(FIXTURES, 'giay-moi-nghe-an-2021-ngay-bang-chu.txt'), 'utf8');
    const file = join(dir, 'giay moi (1).docx');
    writeFileSync(file, buildDocx(text.split('\n')));
    const { code, out } = await run('parse', file, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(expected['giay-moi-nghe-an-2021-ngay-bang-chu.txt']);
  });

  it('exits 1 with a clear message for files it cannot read', async () => {
    const doc = join(dir, 'giay-moi.doc');
    writeFileSync(doc, 'x');
    expect(await run('parse', doc)).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/\.docx/) });
    expect(await run('parse', join(dir, 'missing.pdf'))).toMatchObject({
      code: 1,
      err: expect.stringContaining('Không tìm thấy tệp'),
    });
  });

  it('exits 2 with the usage on wrong arguments, 0 on --help', async () => {
    for (const argv of [[], ['parse'], ['show', 'x.txt'], ['parse', 'a.txt', 'b.txt'], ['parse', 'a.txt', '--bogus']]) {
      const r = await run(...argv);
      expect({ argv, code: r.code, usage: r.err.includes('diemcau invitation parse FILE [--json]') }).toEqual({
        argv,
        code: 2,
        usage: true,
      });
    }
    const help = await run('--help');
    expect([help.code, help.out.startsWith('Cách dùng')]).toEqual([0, true]);
  });

  it('runs as a real process through bin/diemcau.mjs', async () => {
    const file = 'giay-moi-doi-thoai-phu-nu-2022.txt';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin/diemcau.mjs'), 'invitation', 'parse', join(FIXTURES, file), '--json'],
      { cwd: ROOT, timeout: 20_000 },
    );
    expect(JSON.parse(stdout)).toMatchObject(expected[file] as object);
  });
});
