#!/usr/bin/env bash
# Runs every test. This is the command CI runs (.ci/run), on a clean clone of a fresh
# Debian 12 machine: it installs what is missing first (scripts/setup.sh all).
#
#   1. native: the core's Catch2 tests per stage, the CLI's tests and every fixture
#   2. wasm:   the Emscripten build, its size budget, the same Catch2 tests under Node, and
#              the bindings' tests (parity with the CLI on every fixture, offsets past
#              4 GiB, a 1 GiB stream under a 64 MB heap)
#   3. browser: headless Chromium under a strict CSP: the library and its worker, the batch
#              poster's resume after a reload, and the <preflight-importer> element end to
#              end against the reference server (every tests/e2e/ file)
#   4. server: the reference import API on loopback, with its SQLite file and the Wasm engine
#   5. client: the API client and the batch poster against that server, under every fault
#   6. asan:   the native tests again under AddressSanitizer and UBSan
#
# Each phase prints its time, so the budget (under 20 minutes on 2 cores) is easy to watch.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
phase_started=$SECONDS
phase_name=""
phase() {
  [ -z "$phase_name" ] || echo "-- $phase_name: $((SECONDS - phase_started)) s"
  phase_name="$1"
  phase_started=$SECONDS
  echo "== $1"
}
trap 'echo "-- $phase_name: $((SECONDS - phase_started)) s; total $((SECONDS - started)) s"' EXIT

phase "set-up"
scripts/setup.sh all

phase "native build and tests"
scripts/build.sh native
ctest --preset native

phase "WebAssembly build and tests"
scripts/test-wasm.sh

phase "browser tests"
scripts/test-browser.sh

phase "reference server tests"
scripts/test-server.sh

phase "import API client tests"
scripts/test-client.sh --node-only

phase "AddressSanitizer + UBSan build and tests"
scripts/build.sh asan
ctest --preset asan
