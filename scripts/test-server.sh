#!/usr/bin/env bash
# Runs the reference import server's tests (tests/server/) against real servers on loopback:
# in-process and as child processes of the CLI, each with a temporary SQLite file, and the
# project's Wasm engine from build/wasm (build it first: scripts/build.sh wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

for f in build/wasm/preflight.js build/wasm/preflight.wasm; do
  if [ ! -f "$f" ]; then
    echo "test-server: $f is missing; build the Wasm engine first (NODE_PATH=/usr/share/nodejs scripts/build.sh wasm)" >&2
    exit 2
  fi
done
if ! node -e "require('better-sqlite3')" 2>/dev/null; then
  echo "test-server: better-sqlite3 is not installed (npm ci)" >&2
  exit 2
fi

node --test tests/server/ "$@"
