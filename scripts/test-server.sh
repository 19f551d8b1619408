#!/usr/bin/env bash
# Runs the reference import server's tests (tests/server/) against real servers on loopback:
# in-process and as child processes of the CLI, each with a temporary SQLite file, and the
# project's Wasm engine from build/wasm (build it first: scripts/build.sh wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/require.sh
require wasm node:better-sqlite3
require_done test-server

node --test tests/server/ "$@"
