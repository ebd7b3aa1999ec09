#!/usr/bin/env bash
# Installs what diemcau needs on a Debian-like machine: Debian packages when run as root (otherwise
# prints the exact command), then npm packages when node_modules is missing or older than the lock.
# Usage: scripts/ensure-deps.sh [--test]   (--test adds what the test suite needs: chromium, nftables…)
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "diemcau needs Node.js >= 20.19 (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# command -> Debian package
declare -A pkgs=([fping]=fping [ping]=iputils-ping [pdftotext]=poppler-utils)
# The PDF report embeds Liberation Serif 2 (Times New Roman's metrics; version 1, fonts-liberation, has
# no Vietnamese letters) from the system's fonts, as an administrative document's typeface (docs/REPORT.md).
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || pkgs+=([fc-liberation2]=fonts-liberation2)
# The demo runs its points in the network lab when these are present (docs/LAB.md).
pkgs+=([nft]=nftables [ip]=iproute2 [python3]=python3)
pkgs+=([sipp]=sip-tester) # the demo lab's room endpoints (SIPp answering OPTIONS)
if [ "${1:-}" = "--test" ]; then
  # The SIP probe tests run real SIP stacks (docs/probes/sip.md).
  pkgs+=([chromium]=chromium [sipp]=sip-tester [kamailio]=kamailio)
  # The official-PDF test shows that Liberation 1.07 (no ơ, ư) is refused: it needs that font present.
  [ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || pkgs+=([fc-liberation1]=fonts-liberation)
fi
missing=()
for cmd in "${!pkgs[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/usr/bin/$cmd" ] || missing+=("${pkgs[$cmd]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "» installing Debian packages: ${missing[*]}"
    # The package lists may be absent on a fresh machine; update once, quietly.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
  else
    echo "diemcau needs these Debian packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install -y ${missing[*]}" >&2
    if [ "${1:-}" = "--test" ]; then exit 1; fi
    echo "(continuing: the portable ping engine is used where fping is missing)" >&2
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "» installing npm packages (better-sqlite3 may build from source: ~2 minutes)"
  # `npm ci`: exactly the lock file, and a refusal if package.json and the lock disagree, so a lock
  # out of sync fails here, in CI, instead of installing something nobody tested. It never rewrites
  # the lock, so `npm start` leaves the tree clean.
  npm ci --no-audit --no-fund --loglevel=error
fi
