#!/usr/bin/env bash
# Builds the Wasm module with other compiler/linker flags, each in its own directory
# (build/wasm-var/NAME), without touching the CMake files or build/wasm: the flags go in on
# the cmake command line. Then times each variant cold (first file in a fresh process) and
# warm (the same file again in that process) with bench/run-wasm.mjs.
#
#   bench/wasm-variants.sh [FILE] [NAME…]     (default: build/bench/clients-1000000.csv, all)
#
# RUNS=3 by default (best counts). A variant is "NAME|CXX_FLAGS_RELEASE|EXE_LINKER_FLAGS|PROJECT_INCLUDE".
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs  # Debian's emscripten finds acorn there
file="${1:-build/bench/clients-1000000.csv}"
shift || true
variants=(
  "O3-simd|-O3 -msimd128|"                       # the wasm preset's flags (setup code at -Os)
  "O2-simd|-O2 -msimd128|"
  "Os-simd|-Os -msimd128|"
  "O3-nosimd|-O3|"
  # The core's SSE2 paths (values.cpp, csv.cpp) through Emscripten's SSE2-on-SIMD128 headers;
  # values.cpp's SWAR non_hex() is then unused, which -Werror would refuse.
  "O3-simd-sse2|-O3 -msimd128 -msse2 -Wno-error=unused-function|"
  # memcpy → memory.copy instead of a call out to JS (_emscripten_memcpy_big). Does not link
  # with Debian's 3.1.6 / LLVM 14: "'atomics' feature must be used in order to use
  # thread-local storage" (the system libraries' TLS); kept to show it.
  "O3-simd-bulk|-O3 -msimd128 -mbulk-memory|"
  "O3-simd-lto|-O3 -msimd128 -flto|"
  "O3-simd-emmalloc|-O3 -msimd128|-sMALLOC=emmalloc"
  # The project compiles the setup code at -Os (top-level CMakeLists.txt); this variant puts
  # it back to -O3 (bench/wasm-setup-O3.cmake, a CMAKE_PROJECT_INCLUDE), to show the difference.
  "O3-setup-O3|-O3 -msimd128||bench/wasm-setup-O3.cmake"
)
wanted=("$@")

for v in "${variants[@]}"; do
  IFS='|' read -r name cxx link include <<<"$v"
  if ((${#wanted[@]})) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  dir="build/wasm-var/$name"
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -G Ninja -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE=/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake \
      -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=$cxx" "-DCMAKE_EXE_LINKER_FLAGS=$link" \
      ${include:+"-DCMAKE_PROJECT_INCLUDE=$PWD/$include"} -DPREFLIGHT_DEVELOPER_MODE=OFF >"$dir.configure.log" 2>&1
  fi
  # Always: the core may have changed since the last run (ninja is quick when it has not).
  echo "building $name ($cxx${link:+ | link: $link}) …" >&2
  ninja -C "$dir" preflight_wasm >"$dir.build.log" 2>&1 || { echo "  $name: build failed, see $dir.build.log" >&2; continue; }
  raw=$(stat -c %s "$dir/preflight.wasm")
  gz=$(gzip -9c "$dir/preflight.wasm" | wc -c)
  best_cold="" best_warm=""
  for _ in $(seq "${RUNS:-3}"); do
    read -r cold warm < <(node bench/run-wasm.mjs "$file" --dir "$dir" --passes 2 | node -e '
      const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.seconds, r.warmSeconds)')
    if [ -z "$best_cold" ] || awk "BEGIN{exit !($cold < $best_cold)}"; then best_cold=$cold; fi
    if [ -z "$best_warm" ] || awk "BEGIN{exit !($warm < $best_warm)}"; then best_warm=$warm; fi
  done
  awk -v n="$name" -v c="$best_cold" -v w="$best_warm" -v r="$raw" -v g="$gz" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%-18s cold %6.3f s   warm %6.3f s   wasm %7.1f KB (%6.1f KB gz)   load %s\n", n, c, w, r / 1024, g / 1024, l }'
done
