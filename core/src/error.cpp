// error.cpp — names of the import-level error codes.
#include "preflight/error.h"

namespace preflight {

const char* errc_name(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::unknown_type: return "unknown_type";
    case errc::unknown_mode: return "unknown_mode";
    case errc::bad_schema: return "bad_schema";
    case errc::bad_rule: return "bad_rule";
    case errc::bad_mapping: return "bad_mapping";
    case errc::missing_required_field: return "missing_required_field";
    case errc::empty_file: return "empty_file";
    case errc::no_header: return "no_header";
    case errc::bad_header: return "bad_header";
    case errc::invalid_state: return "invalid_state";
  }
  return "unknown";
}

}  // namespace preflight
