#!/usr/bin/env bash
# Runs the real-browser tests (tests/e2e/): headless Chromium driven by playwright-core loads
# pages that use the library (web/src/) from a loopback static server with a strict CSP, and
# validates fixtures and a generated 100+ MB file in the worker. Assumes the builds exist,
# like scripts/test-wasm.sh: scripts/build.sh wasm (the module) and scripts/build.sh native
# (the CLI the results are compared with).
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${PREFLIGHT_CHROMIUM:-/usr/bin/chromium}"
missing=0
if [ ! -f build/wasm/preflight.js ] || [ ! -f build/wasm/preflight.wasm ]; then
  echo "test-browser: build/wasm/preflight.{js,wasm} is missing (run scripts/build.sh wasm)" >&2
  missing=1
fi
if [ ! -x build/native/preflight ]; then
  echo "test-browser: build/native/preflight is missing (run scripts/build.sh native)" >&2
  missing=1
fi
if [ ! -x "$chromium" ]; then
  echo "test-browser: Chromium is missing at $chromium (apt-get install chromium, or set PREFLIGHT_CHROMIUM)" >&2
  missing=1
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "test-browser: node_modules/playwright-core is missing (run npm ci)" >&2
  missing=1
fi
[ "$missing" -eq 0 ] || exit 2

echo "== browser tests: the library and its worker in headless Chromium, under a strict CSP"
node --test tests/e2e/
