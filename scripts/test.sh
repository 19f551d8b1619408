#!/usr/bin/env bash
# Runs every test: set-up, the native build's unit and CLI tests, then the same suites
# under AddressSanitizer and UBSan. This is the command CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== native build and tests"
scripts/build.sh native
ctest --preset native

echo "== AddressSanitizer + UBSan build and tests"
scripts/build.sh asan
ctest --preset asan
