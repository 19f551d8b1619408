#!/usr/bin/env bash
# Configures and builds one preset: native (default), asan or wasm.
#   scripts/build.sh [native|asan|wasm]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-native}"
if [ "$preset" = wasm ]; then
  export NODE_PATH=/usr/share/nodejs  # Debian's emscripten finds acorn there
fi
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
