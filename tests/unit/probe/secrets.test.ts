import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSecretRef, resolveSecret, SecretError } from '../../../server/probe/secrets';

const dir = mkdtempSync(join(tmpdir(), 'diemcau-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASS = 'S3cr3t-Ph@ss';

async function refusal(p: Promise<unknown>): Promise<SecretError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SecretError);
  return err as SecretError;
}

describe('resolveSecret', () => {
  it('[CO1] reads an environment variable', async () => {
    expect(await resolveSecret({ env: 'POLY_PASS' }, { env: { POLY_PASS: PASS } })).toBe(PASS);
  });

  it('[CO1] a missing or empty variable is an error naming it, in Vietnamese and English', async () => {
    const err = await refusal(resolveSecret({ env: 'POLY_PASS' }, { env: {} }));
    expect(err.ref).toBe('env POLY_PASS');
    expect(err.words.vi).toContain('biến môi trường chưa được đặt');
    expect(err.words.vi).toContain('POLY_PASS');
    expect(err.words.en).toContain('environment variable is not set');
    const blank = await refusal(resolveSecret({ env: 'POLY_PASS' }, { env: { POLY_PASS: '  ' } }));
    expect(blank.words.en).toContain('empty');
  });

  it('[CO1] reads a key of a YAML map and of a JSON map; relative paths resolve against baseDir', async () => {
    writeFileSync(join(dir, 'codecs.yaml'), `ht-01: '${PASS}'\nht-02: "other"\n`);
    writeFileSync(join(dir, 'codecs.json'), JSON.stringify({ 'ht-01': PASS }));
    expect(await resolveSecret({ file: join(dir, 'codecs.yaml'), key: 'ht-01' })).toBe(PASS);
    expect(await resolveSecret({ file: 'codecs.yaml', key: 'ht-02' }, { baseDir: dir })).toBe('other');
    expect(await resolveSecret({ file: join(dir, 'codecs.json'), key: 'ht-01' })).toBe(PASS);
  });

  it('[CO1] without a key the whole file, trimmed, is the secret', async () => {
    writeFileSync(join(dir, 'one.txt'), `\n  ${PASS}\n\n`);
    expect(await resolveSecret({ file: join(dir, 'one.txt') })).toBe(PASS);
  });

  it('[CO1] a rewritten file is read again (rotation without restart), also through a rename', async () => {
    const file = join(dir, 'rotate.yaml');
    writeFileSync(file, `room: 'old-pass'\n`);
    expect(await resolveSecret({ file, key: 'room' })).toBe('old-pass');
    writeFileSync(file, `room: 'new-pass'\n`);
    // Same mtime as before: the size and ctime still tell the change.
    utimesSync(file, new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    expect(await resolveSecret({ file, key: 'room' })).toBe('new-pass');
    writeFileSync(join(dir, 'rotate.tmp'), `room: 'third-pass'\n`);
    renameSync(join(dir, 'rotate.tmp'), file);
    expect(await resolveSecret({ file, key: 'room' })).toBe('third-pass');
  });

  it('[CO1] errors name the file and key but never the secret nor a line of the file', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, `ht-01: '${PASS}'\nht-02: [unclosed ${PASS}\n`);
    const broken = await refusal(resolveSecret({ file, key: 'ht-01' }));
    expect(broken.words.vi).toContain('không phải YAML/JSON hợp lệ');
    expect(broken.words.en).toContain(file);
    writeFileSync(join(dir, 'list.yaml'), `- ${PASS}\n`);
    writeFileSync(join(dir, 'num.yaml'), `room: 0123\n`);
    writeFileSync(join(dir, 'empty.txt'), '\n \n');
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(70 * 1024));
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => resolveSecret({ file, key: 'ht-01' }), 'YAML'],
      [() => resolveSecret({ file: join(dir, 'absent.yaml'), key: 'x' }), 'file not found'],
      [() => resolveSecret({ file: join(dir, 'codecs.yaml'), key: 'ht-99' }), 'no such key'],
      [() => resolveSecret({ file: dir }), 'not a regular file'],
      [() => resolveSecret({ file: join(dir, 'list.yaml'), key: 'a' }), 'map of key'],
      [() => resolveSecret({ file: join(dir, 'num.yaml'), key: 'room' }), 'quote the password'],
      [() => resolveSecret({ file: join(dir, 'empty.txt') }), 'empty'],
      [() => resolveSecret({ file: join(dir, 'big.txt') }), 'larger than 64 KiB'],
    ];
    for (const [run, en] of cases) {
      const err = await refusal(run());
      expect(err.words.en).toContain(en);
      for (const text of [err.message, err.words.vi, err.words.en, String(err.stack)]) expect(text).not.toContain(PASS);
    }
  });

  it('describes references for logs and errors', () => {
    expect(describeSecretRef({ env: 'A' })).toBe('env A');
    expect(describeSecretRef({ file: '/x.yaml', key: 'k' })).toBe('file /x.yaml, key k');
    expect(describeSecretRef({ file: '/x.txt' })).toBe('file /x.txt');
  });
});
