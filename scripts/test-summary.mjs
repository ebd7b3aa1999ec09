// Reads vitest's JSON report and prints the plain closing line any CI can read:
// `tests: N passed, N failed, N skipped`. With CI=true a skipped test is a failure: CI runs as root on
// a machine that has fping, nftables and Chromium, so a test skipped for lack of one hides a gap.
// Exit code: 0 when nothing failed (and, on CI, nothing was skipped), 1 otherwise.
import { readFileSync } from 'node:fs';

const out = (line) => process.stdout.write(`${line}\n`);
const file = process.argv[2] ?? 'test-artifacts/vitest.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = [];
for (const f of r.testResults ?? []) {
  for (const t of f.assertionResults ?? []) {
    if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo') {
      skipped.push(`${f.name.replace(`${process.cwd()}/`, '')}: ${t.fullName}`);
    }
  }
}
const onCi = process.env.CI === 'true';
if (skipped.length > 0) {
  out(`\n${onCi ? 'skipped on CI (a failure here)' : 'skipped'}:`);
  for (const s of skipped) out(`  - ${s}`);
}
const failed = r.numFailedTests + (onCi ? skipped.length : 0);
const shownSkipped = onCi ? 0 : skipped.length;
const passed = r.numPassedTests;
out(`\ntests: ${passed} passed, ${failed} failed, ${shownSkipped} skipped`);
process.exitCode = failed > 0 || r.success === false ? 1 : 0;
