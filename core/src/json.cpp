// json.cpp — the one place where JSON text is escaped and punctuated.
#include "preflight/json.h"

#include <algorithm>
#include <cmath>
#include <charconv>
#include <cstdio>

#include "text.h"

namespace preflight {


void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  auto flush_run = [&](size_t end) { out.append(s.data() + run_start, end - run_start); };
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) { ++i; continue; }  // plain ASCII: copied in runs
    if (c >= 0x80) {
      uint32_t cp = 0;
      const size_t len = text::decode_utf8(s, i, cp);
      if (len != 0) { i += len; continue; }
      flush_run(i);
      out.append("\\ufffd");
      run_start = ++i;
      continue;
    }
    flush_run(i);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
    }
    run_start = ++i;
  }
  flush_run(s.size());
  out.push_back('"');
}

void json_writer::newline() {
  if (indent_ <= 0) return;
  out_.push_back('\n');
  out_.append(first_.size() * static_cast<size_t>(indent_), ' ');
}

void json_writer::before_value() {
  if (after_key_) {  // the key already placed the separator
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;  // top-level value
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
  newline();
}

void json_writer::begin_object() {
  before_value();
  out_.push_back('{');
  first_.push_back(true);
}

void json_writer::end_object() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_.push_back('}');
}

void json_writer::begin_array() {
  before_value();
  out_.push_back('[');
  first_.push_back(true);
}

void json_writer::end_array() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_.push_back(']');
}

void json_writer::key(std::string_view k) {
  before_value();
  append_json_string(out_, k);
  out_.append(indent_ > 0 ? ": " : ":");
  after_key_ = true;
}

void json_writer::value(std::string_view s) {
  before_value();
  append_json_string(out_, s);
}

void json_writer::value(bool b) {
  before_value();
  out_.append(b ? "true" : "false");
}

void json_writer::value(int64_t n) {
  before_value();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
}

void json_writer::value(uint64_t n) {
  before_value();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
}

void json_writer::value_fixed(double d, int decimals) {
  before_value();
  decimals = std::clamp(decimals, 0, 9);
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  constexpr double exact_limit = 9007199254740992.0;  // 2^53: integers past it lose units
  const double scaled = d * static_cast<double>(scale);
  if (!std::isfinite(scaled) || std::fabs(scaled) >= exact_limit) {
    out_.append("null");
    return;
  }
  const int64_t units = std::llround(scaled);
  if (units < 0) out_.push_back('-');
  const uint64_t magnitude = units < 0 ? static_cast<uint64_t>(-units) : static_cast<uint64_t>(units);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, magnitude / static_cast<uint64_t>(scale));
  out_.append(buf, r.ptr);
  if (decimals == 0) return;
  out_.push_back('.');
  r = std::to_chars(buf, buf + sizeof buf, magnitude % static_cast<uint64_t>(scale));
  out_.append(static_cast<size_t>(decimals) - static_cast<size_t>(r.ptr - buf), '0');
  out_.append(buf, r.ptr);
}

void json_writer::null() {
  before_value();
  out_.append("null");
}

void json_writer::raw(std::string_view json_text) {
  before_value();
  out_.append(json_text);
}

}  // namespace preflight
