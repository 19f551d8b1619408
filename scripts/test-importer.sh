#!/usr/bin/env bash
# Runs the <preflight-importer> tests: headless Chromium (playwright-core) drives the demo
# page (web/demo/) served by the real reference server (web/server/, started by each test
# file on a random loopback port with a temporary SQLite database and a strict CSP).
# Covers every step in validate, store and update mode, exact counts and messages against
# the native CLI, records in the server's database, a reload mid-import, keyboard-only
# use and a 100,000-row table. Screenshots of each step go to build/screenshots/.
#
# Assumes the builds exist, like scripts/test-browser.sh: scripts/build.sh wasm (the engine)
# and scripts/build.sh native (the CLI the results are compared with).
#
#   scripts/test-importer.sh                 # all of them (tests/e2e/importer-*.test.mjs)
#   scripts/test-importer.sh keyboard        # only tests/e2e/importer-keyboard.test.mjs
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/require.sh
require wasm native chromium node:playwright-core node:better-sqlite3
require_done test-importer

if [ $# -gt 0 ]; then
  files=()
  for name in "$@"; do files+=("tests/e2e/importer-$name.test.mjs"); done
else
  files=(tests/e2e/importer-*.test.mjs)
fi
echo "== importer tests: ${files[*]}"
echo "   (screenshots: build/screenshots/)"
node --test "${files[@]}"
