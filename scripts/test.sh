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
# The plain closing line any CI can read; with CI=true a skipped test counts as failed.
node scripts/test-summary.mjs test-artifacts/vitest.json || status=1
exit "$status"
