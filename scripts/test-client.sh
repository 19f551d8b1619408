#!/usr/bin/env bash
# Runs the import API client's tests: web/src/api-client.js, batch-poster.js and
# resume-store.js against the real reference server (web/server/, in-process on loopback
# with a temporary SQLite database) — every endpoint and error, the batch poster end to end
# in store and update mode, under each injected fault, and resumed after an abort
# (tests/client/, Node) — then in headless Chromium: IndexedDB persistence across a reload
# mid-run and the Web Lock between two tabs (tests/e2e/client-resume.test.mjs).
# Assumes the builds exist: scripts/build.sh wasm (the engine that builds the batches, and
# the one the server validates with) and scripts/build.sh native.
#
#   scripts/test-client.sh              both
#   scripts/test-client.sh --node-only  only tests/client/ (scripts/test-browser.sh already
#                                       runs every tests/e2e/ file, this one included)
set -euo pipefail
cd "$(dirname "$0")/.."

node_only=0
case "${1:-}" in
  "") ;;
  --node-only) node_only=1 ;;
  *) echo "usage: scripts/test-client.sh [--node-only]" >&2; exit 2 ;;
esac

source scripts/lib/require.sh
require wasm native node:better-sqlite3 node:playwright-core
[ "$node_only" -eq 1 ] || require chromium
require_done test-client

echo "== client tests (Node): the API client, the batch poster and resume, against the reference server"
node --test tests/client/

[ "$node_only" -eq 1 ] && exit 0
echo "== client tests (Chromium): resume from IndexedDB after a reload, one tab per run (Web Lock)"
node --test tests/e2e/client-resume.test.mjs
