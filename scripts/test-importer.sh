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

chromium="${PREFLIGHT_CHROMIUM:-/usr/bin/chromium}"
missing=0
for file in build/wasm/preflight.js build/wasm/preflight.wasm; do
  [ -f "$file" ] || { echo "test-importer: $file is missing (run scripts/build.sh wasm)" >&2; missing=1; }
done
[ -x build/native/preflight ] || { echo "test-importer: build/native/preflight is missing (run scripts/build.sh native)" >&2; missing=1; }
[ -x "$chromium" ] || { echo "test-importer: Chromium is missing at $chromium (apt-get install chromium, or set PREFLIGHT_CHROMIUM)" >&2; missing=1; }
[ -d node_modules/playwright-core ] || { echo "test-importer: node_modules/playwright-core is missing (run npm ci)" >&2; missing=1; }
[ -d node_modules/better-sqlite3 ] || { echo "test-importer: node_modules/better-sqlite3 is missing (run scripts/setup.sh)" >&2; missing=1; }
[ "$missing" -eq 0 ] || exit 2

if [ $# -gt 0 ]; then
  files=()
  for name in "$@"; do files+=("tests/e2e/importer-$name.test.mjs"); done
else
  files=(tests/e2e/importer-*.test.mjs)
fi
echo "== importer tests: ${files[*]}"
echo "   (screenshots: build/screenshots/)"
node --test "${files[@]}"
