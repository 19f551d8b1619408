#!/usr/bin/env bash
# The engine's speed and memory on a realistic 1,000,000-row clients file.
#
#   scripts/bench.sh [ROWS]      (default 1000000; the file is generated once under build/bench/)
#
# Prints MB/s, rows/s and peak resident memory (best of 3 runs, single thread) for
#   parse      — decode + sniff + tokenize, rows printed as JSON to /dev/null
#   validate   — the whole pipeline: map + every rule + the summary
#   validate+  — the same, also writing the error CSV and the clean batches
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
scripts/setup.sh
command -v /usr/bin/time >/dev/null 2>&1 || {
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq time >/dev/null
}
scripts/build.sh native >/dev/null

data="build/bench/clients-${rows}.csv"
if [ ! -f "$data" ]; then
  echo "generating $data …"
  node scripts/gen-clients.mjs --rows "$rows" --invalid 0.03 --seed 1 --out "$data"
fi
bytes=$(stat -c %s "$data")
cli=build/native/preflight
out=build/bench/out
mkdir -p "$out"

# run LABEL CMD…: best wall time of 3 runs and the peak RSS of that run.
run() {
  local label="$1"; shift
  local best="" best_rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || true
    read -r secs rss < <(tail -n 1 "$out/time.txt")  # time prefixes a line on a non-zero exit
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_rss=$rss; fi
  done
  awk -v l="$label" -v s="$best" -v b="$bytes" -v r="$rows" -v m="$best_rss" 'BEGIN {
    if (s <= 0) s = 0.001;
    printf "%-10s %8.1f MB/s %12.0f rows/s %8.2f s   peak RSS %6.1f MB\n", l, b / s / 1e6, r / s, s, m / 1024 }'
}

echo "file: $data — $(awk -v b="$bytes" 'BEGIN{printf "%.1f MB", b/1e6}'), $rows data rows"
run parse     "$cli" parse "$data"
run validate  "$cli" validate --type clients --mode validate --today 2026-01-15 "$data"
run validate+ "$cli" validate --type clients --mode validate --today 2026-01-15 \
  --errors-csv "$out/errors.csv" --batches "$out/batches" "$data"
"$cli" validate --type clients --mode validate --today 2026-01-15 --compact "$data" >"$out/summary.json" || true
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`rows: ${s.total_jobs} read, ${s.preflight.clean_rows} clean, ${s.failed_jobs} failed (${(100 * s.failed_jobs / s.total_jobs).toFixed(1)}%)`);
' "$out/summary.json"
