// json.h — a small streaming JSON writer (output only; input goes through simdjson).
//
// Every JSON text the core produces (summary, suggestions, types, parsed rows) is written
// through this one class, so escaping lives in one place. It appends to a std::string and
// tracks commas itself:
//
//   json_writer w;
//   w.begin_object(); w.key("type"); w.value("clients"); w.key("rows"); w.value(uint64_t{3});
//   w.end_object();   // {"type":"clients","rows":3}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

class json_writer {
 public:
  /// `indent` > 0 pretty-prints with that many spaces per level; 0 writes compact JSON.
  explicit json_writer(int indent = 0) : indent_(indent) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(bool b);
  void value(int64_t n);
  void value(uint64_t n);
  void value(int n) { value(static_cast<int64_t>(n)); }
  /// A number with exactly `decimals` (0-9) digits after the point, rounded half away from
  /// zero, as printf's %.Nf would print it for values already rounded to that many places.
  /// Non-finite numbers and magnitudes past 2^53 / 10^decimals are written as null. Integer
  /// arithmetic only: Emscripten 3.1.6's libc++ lacks floating-point std::to_chars.
  void value_fixed(double d, int decimals);
  void null();
  /// Inserts already-valid JSON text as one value.
  void raw(std::string_view json_text);

  [[nodiscard]] const std::string& str() const noexcept { return out_; }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void before_value();
  void newline();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
  int indent_;
};

/// Appends `s` to `out` as a JSON string literal (with quotes). Invalid UTF-8 bytes are
/// written as \ufffd so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

}  // namespace preflight
