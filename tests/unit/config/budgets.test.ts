// [H18.2] The inventory file within budgets, each refusal naming its limit: size (checked before the
// file is read), nesting (before `yaml` composes it: its composer recursed once per level, and a
// second deep file in one process crashed Node), anchors and aliases, what one alias may expand to,
// duplicate keys found without comparing each key to all before it, and only the first syntax error.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventoryFile, parseInventoryText } from '../../../server/config/load';
import { MAX_CONFIG_BYTES, MAX_YAML_ALIASES } from '../../../server/config/yaml-budget';
import { ValidationError } from '../../../server/errors';
import { stepsOf } from '../../../server/parsing/work';

const dir = mkdtempSync(join(tmpdir(), 'dc-h18-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected the file to be refused');
}

const parse = (text: string) => (): unknown => parseInventoryText(text, 'h.yaml');

/** A mapping of n keys, each of seven names repeated: every key after the seventh is a duplicate. */
const keys = (n: number): string => Array.from({ length: n }, (_, i) => `k${i % 7}: v`).join('\n');

describe('[H18.2] inventory file budgets', () => {
  it('[H18.2] refuses deep nesting before composing it, as often as it comes (no stack overflow, no crash)', () => {
    for (let round = 0; round < 3; round++) {
      for (const text of ['['.repeat(1_000), '{'.repeat(100_000), '- '.repeat(5_000), `k:\n${'  - '.repeat(200)}`]) {
        expect(issues(parse(text))).toEqual([
          expect.stringMatching(/^h\.yaml:[12]: cú pháp YAML: lồng nhau quá sâu \(hơn 64 cấp\)$/),
        ]);
      }
    }
    // What it cost does not depend on how deep the file goes beyond the limit.
    expect(stepsOf(() => issues(parse('['.repeat(1_000_000))))).toBe(stepsOf(() => issues(parse('['.repeat(1_000)))));
  });

  it('[H18.2] refuses more anchors and aliases than the budget, at the first one over', () => {
    const text = `a: &a x\nb: [${Array(MAX_YAML_ALIASES + 500)
      .fill('*a')
      .join(', ')}]\n`;
    expect(issues(parse(text))).toEqual([
      `h.yaml:2: cú pháp YAML: quá nhiều neo và bí danh YAML (& và *): tối đa ${MAX_YAML_ALIASES}`,
    ]);
  });

  it('[H18.2] refuses an alias standing for too many nodes (billion laughs), naming the limit', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [n, p] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
    ]) {
      lines.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(', ')}]`);
    }
    lines.push('units: *d');
    expect(issues(parse(lines.join('\n')))).toEqual([
      'h.yaml: cú pháp YAML: bí danh YAML (*) mở rộng quá lớn: mỗi bí danh tối đa 100 nút',
    ]);
  });

  it('[H18.2] sizes the file before reading it', () => {
    const file = join(dir, 'lon.yaml');
    writeFileSync(file, 'units: []\n');
    truncateSync(file, MAX_CONFIG_BYTES + 1024 * 1024);
    expect(issues(() => loadInventoryFile(file))).toEqual([`${file}: tệp: tệp quá lớn (17,0 MB, tối đa 16,0 MB)`]);
  });

  it('[H18.2] still finds duplicate keys, by line, in one pass', () => {
    expect(issues(parse('units: []\npoints: []\nunits: []\n'))).toEqual([
      'h.yaml:3:1: cú pháp YAML: khoá “units” lặp lại trong cùng một nhóm: mỗi khoá chỉ được viết một lần',
    ]);
    const [a, b] = [4_000, 8_000].map((n) => stepsOf(() => issues(parse(keys(n)))));
    expect((b as number) / (a as number)).toBeLessThan(2.5);
  });

  it('[H18.2] [WE2] reports only the first of many syntax errors', () => {
    const found = issues(parse(`k: ${'!x '.repeat(100)}v`));
    expect(found).toEqual(['h.yaml:1:7: cú pháp YAML: một nút chỉ được có một thẻ !']);
  });
});
