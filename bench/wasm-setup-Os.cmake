# wasm-setup-Os.cmake — injected with -DCMAKE_PROJECT_INCLUDE=… by bench/wasm-variants.sh
# (variant O3-setup-Os), so no project CMake file changes: compiles the once-per-session
# setup code (schema and options JSON, mapping suggestions, dialect sniffing, simdjson, the
# Embind layer) with -Os, and the per-row hot path (tokenizer, decoder, rules, values,
# regex, session) with the preset's -O3. Why: V8 tiers up the huge inlined setup functions
# too (they run a lot, once), and TurboFan's compile time grows faster than function size,
# so on a 2-core machine those compiles compete with the first file's rows.
function(preflight_bench_setup_os)
  foreach(file IN ITEMS core/src/schema.cpp core/src/mapping.cpp core/src/options.cpp core/src/json.cpp
                        core/src/dialect.cpp node_modules/@nozbe/simdjson/src/simdjson.cpp)
    set_source_files_properties("${CMAKE_SOURCE_DIR}/${file}" PROPERTIES COMPILE_OPTIONS "-Os")
  endforeach()
  # wasm/ is its own directory scope: source properties must be set there.
  set_source_files_properties("${CMAKE_SOURCE_DIR}/wasm/helpers.cpp" "${CMAKE_SOURCE_DIR}/wasm/bindings.cpp"
    DIRECTORY "${CMAKE_SOURCE_DIR}/wasm" PROPERTIES COMPILE_OPTIONS "-Os")
endfunction()
# After the whole top-level directory (and wasm/) has been read.
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL preflight_bench_setup_os)
