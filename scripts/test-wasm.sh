#!/usr/bin/env bash
# Builds the WebAssembly preset and runs its tests: the core's Catch2 suite compiled with
# Emscripten and run under Node (ctest --preset wasm), the size budget, and the Node tests
# of the bindings (tests/wasm/: parity with the native CLI on every fixture, errors, and
# offsets past 4 GiB). The parity tests need the native CLI: scripts/build.sh native first.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs  # Debian's emscripten finds acorn there

echo "== wasm build"
scripts/build.sh wasm
echo "== wasm size"
scripts/wasm-size.sh
echo "== core tests under Node (Emscripten build)"
ctest --preset wasm
echo "== Wasm bindings: parity with the native CLI, errors, offsets past 4 GiB"
if [ ! -x build/native/preflight ]; then
  echo "test-wasm: build/native/preflight is missing (run scripts/build.sh native)" >&2
  exit 2
fi
node --test tests/wasm/
