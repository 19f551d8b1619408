// error.h — import-level errors as values.
//
// The core never throws (it is compiled with -fno-exceptions, and nothing may cross the
// Wasm boundary as an exception). A call that can fail for the whole import returns a
// `status` or a `result<T>`. Problems that belong to one row (a bad cell, a ragged row) are
// not errors at this level: they are data, collected by the report (see report.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace preflight {

/// Why a whole import (or one call) cannot go on. `ok` is zero, so `if (code)` reads naturally.
enum class errc : uint8_t {
  ok = 0,
  invalid_argument,        ///< a caller-supplied option is malformed or out of range
  unknown_type,            ///< the import type is not in the schema registry
  unknown_mode,            ///< the mode is not store, update or validate
  bad_schema,              ///< a schema JSON file is malformed
  bad_rule,                ///< a rule string in a schema cannot be compiled
  bad_mapping,             ///< the mapping JSON is malformed or names unknown fields/headers
  missing_required_field,  ///< a required field is neither mapped nor given a constant
  empty_file,              ///< no bytes, only a BOM, or only blank lines
  no_header,               ///< the file has no header row (or nothing after the sep= line)
  bad_header,              ///< the header row is unusable (too many columns, too long)
  invalid_state,           ///< API misuse: feed after finish, summary before finish, …
};

/// A short, stable name for the code ("bad_mapping"), used in JSON and by the JS layer.
const char* errc_name(errc code) noexcept;

/// The outcome of a call: a code and, when it failed, a message naming what was wrong
/// (the file, line, column or field). A default-constructed status is success.
struct status {
  errc code = errc::ok;
  std::string message;

  [[nodiscard]] bool ok() const noexcept { return code == errc::ok; }
  static status success() { return {}; }
  static status fail(errc c, std::string msg) { return status{c, std::move(msg)}; }
};

/// A value or the status that explains why there is none.
///
///   auto r = schema_registry::builtin();
///   if (!r.ok()) { report(r.error().message); return; }
///   schema_registry reg = std::move(r).value();
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  result(status error) : error_(std::move(error)) {}  // NOLINT: implicit on purpose

  [[nodiscard]] bool ok() const noexcept { return value_.has_value(); }
  [[nodiscard]] const status& error() const noexcept { return error_; }
  [[nodiscard]] T& value() & { return *value_; }
  [[nodiscard]] const T& value() const& { return *value_; }
  [[nodiscard]] T value() && { return std::move(*value_); }

  /// simdjson style: moves the value into `out` when there is one; returns the code.
  [[nodiscard]] errc get(T& out) && {
    if (value_) out = std::move(*value_);
    return error_.code;
  }

 private:
  std::optional<T> value_;
  status error_;
};

}  // namespace preflight
