// embedded_schemas.h — the built-in schema files, compiled into the binary.
//
// The definition is generated at build time by cmake/embed_files.cmake from
// core/schemas/*.json (one entry per file, sorted by file name), so the engine needs no
// file system — in the browser there is none. The generated .cpp includes this header
// by name, so core/src must be on its include path.
#pragma once

#include <span>
#include <string_view>

namespace preflight::detail {

struct embedded_file {
  std::string_view name;  ///< file name without directory, e.g. "clients.json"
  std::string_view text;  ///< the file's bytes, unchanged
};

/// Every embedded schema file, sorted by name. The views point at static storage.
std::span<const embedded_file> embedded_schema_files() noexcept;

}  // namespace preflight::detail
