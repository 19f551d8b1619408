#!/usr/bin/env bash
# Runs the real-browser tests (tests/e2e/): headless Chromium driven by playwright-core loads
# pages that use the library (web/src/) from a loopback static server with a strict CSP, and
# validates fixtures and a generated 100+ MB file in the worker. Assumes the builds exist,
# like scripts/test-wasm.sh: scripts/build.sh wasm (the module) and scripts/build.sh native
# (the CLI the results are compared with).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/require.sh
require wasm native chromium node:playwright-core node:better-sqlite3
require_done test-browser

echo "== browser tests: the library and its worker in headless Chromium, under a strict CSP"
node --test tests/e2e/
