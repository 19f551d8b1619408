#!/usr/bin/env bash
# Prints the Wasm module's size, raw and gzipped (-9), and checks the budget: 300 KB
# gzipped for preflight.wasm plus its JS glue together. Exit status 1 when over budget.
#   scripts/wasm-size.sh [build/wasm]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build/wasm}"
budget=$((300 * 1000))
total_raw=0
total_gz=0
printf '%-16s %10s %10s\n' file raw gzip
for f in preflight.wasm preflight.js; do
  path="$dir/$f"
  [ -f "$path" ] || { echo "wasm-size: $path not found (run scripts/build.sh wasm)" >&2; exit 2; }
  raw=$(wc -c <"$path")
  gz=$(gzip -9 -c "$path" | wc -c)
  printf '%-16s %10d %10d\n' "$f" "$raw" "$gz"
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
done
printf '%-16s %10d %10d  (budget %d gzipped: %s)\n' total "$total_raw" "$total_gz" "$budget" \
  "$([ "$total_gz" -le "$budget" ] && echo ok || echo OVER)"
[ "$total_gz" -le "$budget" ]
