#!/usr/bin/env bash
# Compares `preflight validate` builds on one file, runs interleaved (A, B, A, B, …), and
# prints each build's best and median CPU time and the MB/s they make.
#
#   bench/ab-cli.sh [-n RUNS] FILE CLI_A CLI_B [CLI_C …]
#
# Why interleaved, and CPU time: this project's build machines are shared virtual machines
# whose speed drifts by tens of percent within minutes. Two builds timed minutes apart can
# differ by more than the change being measured; timed in turns, a slow spell hits both
# alike. A build of an older commit for comparison: `git worktree add /tmp/old COMMIT`, then
# `cmake --preset native` and `cmake --build --preset native --target preflight` in it
# (node_modules must be there too: link it from this checkout).
set -euo pipefail
runs=7
if [ "${1:-}" = "-n" ]; then runs="$2"; shift 2; fi
if [ $# -lt 3 ]; then
  echo "usage: bench/ab-cli.sh [-n RUNS] FILE CLI_A CLI_B [CLI_C …]" >&2
  exit 2
fi
file="$1"; shift
bytes=$(stat -c %s "$file")
times=$(mktemp)
trap 'rm -f "$times"' EXIT

# cpu_ms CLI: the CPU time of one validate run, in milliseconds (perf when it has a
# task clock here, else GNU time's 10 ms resolution).
cpu_ms() {
  if command -v perf >/dev/null 2>&1; then
    local ms
    ms=$(perf stat -x, -e task-clock "$1" validate --type clients --mode validate --today 2026-01-15 "$file" \
      2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }')
    if [ -n "$ms" ]; then echo "$ms"; return; fi
  fi
  /usr/bin/time -f "%U %S" "$1" validate --type clients --mode validate --today 2026-01-15 "$file" \
    2>&1 >/dev/null | tail -n 1 | awk '{ print ($1 + $2) * 1000 }'
}

for _ in $(seq "$runs"); do
  for cli in "$@"; do echo "$cli $(cpu_ms "$cli")" >>"$times"; done
done
for cli in "$@"; do
  awk -v cli="$cli" '$1 == cli { print $NF }' "$times" | sort -n | awk -v cli="$cli" -v b="$bytes" '
    { t[NR] = $1 }
    END {
      med = t[int((NR + 1) / 2)]
      printf "%-44s best %7.1f ms (%6.1f MB/s)   median %7.1f ms (%6.1f MB/s)   runs %d\n",
             cli, t[1], b / t[1] / 1e3, med, b / med / 1e3, NR }'
done
