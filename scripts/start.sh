#!/usr/bin/env bash
# The README's first command: install what is missing, build the dashboard when its sources are newer
# than the build, then start diemcau with SQLite and the demo province.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

if [ ! -f client/dist/index.html ] || [ -n "$(find client/src client/index.html shared vite.config.ts -newer client/dist/index.html -print -quit)" ]; then
  echo "» building the dashboard"
  npx vite build --logLevel warn
fi

mkdir -p data
# As root on Linux, --demo puts the demo province's points in the network lab (docs/LAB.md) with faults
# on a loop; elsewhere it stays on loopback and says why. `npm start -- --demo-lab off` keeps loopback.
# exec: Ctrl-C reaches the server itself, which stops first and then takes its lab down.
exec node bin/diemcau.mjs serve --config config/demo.yaml --db data/demo.sqlite --port "${PORT:-8080}" --demo "$@"
