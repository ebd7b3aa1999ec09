// Issue 18.4: an inventory file without a single unit (empty, only comments, `{}`, `units: []`) is
// refused with an error naming the file, by `check-config` and by `serve --config` alike, before the
// database is touched. A file with units and nothing else is still fine (points can be imported).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../server/cli';
import { loadInventoryFile, parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';

const dir = mkdtempSync(join(tmpdir(), 'dc-empty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EMPTY: [string, string][] = [
  ['an empty file', ''],
  ['only blank lines', '\n\n  \n'],
  ['only comments', '# Tỉnh Hà Tĩnh — danh sách điểm cầu\n# (chưa điền)\n'],
  ['an empty YAML document', '---\n'],
  ['null', 'null\n'],
  ['{}', '{}\n'],
  ['units: []', 'units: []\n'],
  ['every list empty', 'units: []\npoints: []\nmeetings: []\n'],
  ['JSON with no units', '{ "units": [], "points": [], "meetings": [] }'],
];

const REASON = /units”: tệp không có đơn vị nào: cần ít nhất một đơn vị hành chính/;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdout, stderr });
  return { code, out, err };
}

describe('[H18.4] an inventory file without units', () => {
  for (const [what, text] of EMPTY) {
    it(`[H18.4] refuses ${what}, naming the file`, () => {
      let caught: unknown;
      try {
        parseInventoryText(text, 'demo.yaml');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      const err = caught as ValidationError;
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0]).toMatchObject({ file: 'demo.yaml', path: 'units' });
      expect(err.message).toMatch(/^demo\.yaml(:\d+:\d+)?: trường “units”: /);
      expect(err.message).toMatch(REASON);
    });
  }

  it('[H18.4] check-config FILE exits 1 with the file named on stderr', async () => {
    for (const [i, [, text]] of EMPTY.entries()) {
      const file = join(dir, `empty-${i}.yaml`);
      writeFileSync(file, text);
      expect(() => loadInventoryFile(file)).toThrow(REASON);
      const r = await run(['check-config', file]);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(`${file}`);
      expect(r.err).toMatch(REASON);
    }
  });

  it('[H18.4] serve --config refuses it before creating the database', async () => {
    const file = join(dir, 'khong-co-gi.yaml');
    writeFileSync(file, '# chưa có đơn vị nào\n');
    const db = join(dir, 'data', 'never.sqlite');
    const r = await run(['serve', '--config', file, '--db', db, '--port', '0', '--host', '127.0.0.1']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}: trường “units”: tệp không có đơn vị nào`);
    expect(existsSync(db)).toBe(false);
  });

  it('[WE3] check-config answers in English with DIEMCAU_LANG=en, in Vietnamese otherwise', async () => {
    const file = join(dir, 'tab.yaml');
    writeFileSync(file, 'units:\n  - id: P\n\tname: X\n');
    const before = process.env.DIEMCAU_LANG;
    try {
      process.env.DIEMCAU_LANG = 'en';
      const en = await run(['check-config', file]);
      expect(en).toMatchObject({
        code: 1,
        err: `${file}:3:1: YAML syntax: a tab at the start of the line: indent with spaces, not tabs\n`,
      });
      delete process.env.DIEMCAU_LANG;
      const vi = await run(['check-config', file]);
      expect(vi.err).toBe(
        `${file}:3:1: cú pháp YAML: có ký tự tab ở đầu dòng: thụt lề bằng dấu cách, không dùng tab\n`,
      );
    } finally {
      if (before === undefined) delete process.env.DIEMCAU_LANG;
      else process.env.DIEMCAU_LANG = before;
    }
  });

  it('[H18.4] accepts the demo province and a file holding only units', async () => {
    expect((await run(['check-config', 'config/demo.yaml'])).code).toBe(0);
    const file = join(dir, 'chi-don-vi.yaml');
    writeFileSync(file, 'units:\n  - { id: HT, name: Tỉnh Hà Tĩnh, level: province }\n');
    const r = await run(['check-config', file]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('1 units, 0 points, 0 meetings — OK');
  });
});
