// text.h — small text helpers the stages share (internal: not part of the public API).
//
// ASCII case folding, blanks, quoting for messages, and a scalar UTF-8 decoder. The bulk
// UTF-8 check of whole chunks is simdjson's (decode.cpp); this one serves the places that
// walk a single value: JSON escaping, regex matching, finding the cell with a bad byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace preflight::text {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// A space or a tab: what spreadsheets pad cells and headers with.
constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

/// True when every character is a space or a tab (so also for an empty view).
constexpr bool is_blank(std::string_view s) noexcept {
  for (char c : s)
    if (!is_blank(c)) return false;
  return true;
}

/// `"s"` — how messages name a header, a field or a value.
inline std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

constexpr bool is_continuation(unsigned char b) noexcept { return (b & 0xC0u) == 0x80u; }

/// Length of the well-formed UTF-8 sequence at s[i], storing its code point in `cp`; 0 when
/// the bytes there are not UTF-8 (overlong forms, surrogates and values past U+10FFFF are
/// not, as RFC 3629 says). Requires i < s.size().
constexpr size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len = 0;
  uint32_t min_cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1Fu; min_cp = 0x80; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { len = 3; cp = b0 & 0x0Fu; min_cp = 0x800; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { len = 4; cp = b0 & 0x07u; min_cp = 0x10000; }
  else return 0;
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (!is_continuation(b)) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/// True when the whole value is well-formed UTF-8. Cells are mostly ASCII, so runs of it
/// are skipped 8 bytes at a time.
inline bool is_valid_utf8(std::string_view s) noexcept {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    if (n - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = decode_utf8(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace preflight::text
