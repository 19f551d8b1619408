# wasm-setup-O3.cmake — injected with -DCMAKE_PROJECT_INCLUDE=… by bench/wasm-variants.sh
# (variant O3-setup-O3), so no project CMake file changes: compiles the once-per-session
# setup code with -O3 like the rest, undoing the -Os the project's CMake files give it (see
# the top-level CMakeLists.txt), to show what that -Os buys.
function(preflight_bench_setup_o3)
  set_source_files_properties(${PREFLIGHT_SETUP_SOURCES} PROPERTIES COMPILE_OPTIONS "-O3")
  # wasm/ is its own directory scope: source properties must be set there.
  set_source_files_properties("${CMAKE_SOURCE_DIR}/wasm/helpers.cpp" "${CMAKE_SOURCE_DIR}/wasm/bindings.cpp"
    DIRECTORY "${CMAKE_SOURCE_DIR}/wasm" PROPERTIES COMPILE_OPTIONS "-O3")
endfunction()
# After the whole top-level directory (and wasm/) has been read.
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL preflight_bench_setup_o3)
