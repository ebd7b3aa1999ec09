#!/usr/bin/env bash
# The whole test suite: dependencies, typecheck, lint, format, client build, then every vitest test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --test

step() { echo; echo "» $*"; }
step "typecheck (tsc --noEmit)"; npx tsc --noEmit -p .
step "lint (oxlint)"; npx oxlint --deny-warnings server client shared scripts tests bench
step "format (prettier --check)"; npx prettier --check --log-level warn .
step "client build (vite)"; npx vite build --logLevel warn

mkdir -p test-artifacts
step "tests (vitest)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
# A plain closing line that any CI can read.
node -e '
  const r = require("./test-artifacts/vitest.json");
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
