#!/usr/bin/env bash
# Issue 3's comparison benchmark: on one generated clients file, the native CLI, the Wasm
# engine under Node and Papa Parse + ajv, each in its own process; prints MB/s, rows/s,
# wall and CPU seconds, peak RSS, rows read and failing rows for each, and the ratios
# against the targets (Wasm ≥ 60% of native, ≥ 10× Papa Parse + ajv).
#
#   scripts/bench-compare.sh [ROWS]   (default 1000000; the file is generated once under build/bench/)
#
# Environment: RUNS (engine runs, best counts; default 3), PAPA_RUNS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
scripts/setup.sh wasm
command -v /usr/bin/time >/dev/null 2>&1 || {
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq time >/dev/null
}
scripts/build.sh native >/dev/null
scripts/build.sh wasm >/dev/null

data="build/bench/clients-${rows}.csv"
if [ ! -f "$data" ]; then
  echo "generating $data …"
  node scripts/gen-clients.mjs --rows "$rows" --invalid 0.03 --seed 1 --out "$data"
fi
node bench/compare.mjs --file "$data" --runs "${RUNS:-3}" --papa-runs "${PAPA_RUNS:-2}"
