// csv_writer.cpp — RFC 4180 cells and rows, in the two policies of csv_writer.h.
//
// Both the batches (per clean row) and the error report go through here, so quoting
// lives in one place. Cells are scanned once and copied in runs between quotes.
#include "preflight/csv_writer.h"

#include <cstdint>
#include <cstring>
#include "text.h"

namespace preflight {

namespace {

using text::is_blank;

/// Nonzero when some byte of `word` equals the byte repeated in `pattern` (the classic
/// "has zero byte" test on word ^ pattern; exact, no false positives).
constexpr uint64_t has_byte(uint64_t word, uint64_t pattern) noexcept {
  constexpr uint64_t ones = 0x0101010101010101ull;
  constexpr uint64_t highs = 0x8080808080808080ull;
  const uint64_t x = word ^ pattern;
  return (x - ones) & ~x & highs;
}

/// `exact` policy: quote only what a reader would otherwise split or trim.
/// Per cell on the batch path, so the scan goes 8 bytes at a time (SWAR).
bool needs_quotes(std::string_view cell, char delimiter) noexcept {
  if (cell.empty()) return false;
  // Leading/trailing blanks are quoted because many readers (and spreadsheets) trim them.
  if (is_blank(cell.front()) || is_blank(cell.back())) return true;
  constexpr uint64_t ones = 0x0101010101010101ull;
  const uint64_t quote = ones * '"', cr = ones * '\r', lf = ones * '\n';
  const uint64_t delim = ones * static_cast<unsigned char>(delimiter);
  const char* p = cell.data();
  size_t n = cell.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (has_byte(word, quote) | has_byte(word, cr) | has_byte(word, lf) | has_byte(word, delim)) return true;
  }
  if (n == 0) return false;
  // The tail is padded with copies of the cell's first byte: a match in the padding means
  // the cell itself holds that byte, so the answer stays exact without a byte loop.
  uint64_t word = ones * static_cast<unsigned char>(cell.front());
  std::memcpy(&word, p, n);
  return (has_byte(word, quote) | has_byte(word, cr) | has_byte(word, lf) | has_byte(word, delim)) != 0;
}

/// True when `cell` holds a '"' (SWAR, 8 bytes a step): most cells have none and are copied
/// in one piece.
bool has_quote(std::string_view cell) noexcept {
  constexpr uint64_t quote = 0x0101010101010101ull * '"';
  const char* p = cell.data();
  size_t n = cell.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (has_byte(word, quote)) return true;
  }
  for (; n > 0; ++p, --n)
    if (*p == '"') return true;
  return false;
}

/// Copies `bytes` to `w` and returns the end. An empty view may have a null data(), which
/// memcpy must never be given, even with a zero length.
char* write_bytes(char* w, std::string_view bytes) noexcept {
  if (bytes.empty()) return w;
  std::memcpy(w, bytes.data(), bytes.size());
  return w + bytes.size();
}

// The writers below write through a raw cursor into room reserved once per cell or row
// (at most twice the cell plus three bytes: every quote doubled, two quotes, one
// apostrophe): std::string::push_back per byte costs a capacity check and, in
// Emscripten's libc++, a call.

/// Writes `cell` with every '"' doubled (no surrounding quotes).
char* write_doubling_quotes(char* w, std::string_view cell) noexcept {
  if (!has_quote(cell)) return write_bytes(w, cell);
  for (const char c : cell) {
    *w++ = c;
    if (c == '"') *w++ = '"';
  }
  return w;
}

constexpr size_t max_written(std::string_view cell) noexcept { return 2 * cell.size() + 3; }

char* write_cell(char* w, std::string_view cell, csv_cell_policy policy, char delimiter) noexcept {
  if (policy == csv_cell_policy::exact) {
    if (!needs_quotes(cell, delimiter)) return write_bytes(w, cell);
    *w++ = '"';
    w = write_doubling_quotes(w, cell);
    *w++ = '"';
    return w;
  }
  // neutralised: always quoted, so a delimiter or quote inside can never open a new cell
  // whose first byte escaped the test below (OWASP's breakout case).
  *w++ = '"';
  if (is_formula_trigger(cell)) *w++ = '\'';
  w = write_doubling_quotes(w, cell);
  *w++ = '"';
  return w;
}

}  // namespace

bool is_formula_trigger(std::string_view cell) noexcept {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=': case '+': case '-': case '@':
    case '\t': case '\r': case '\n': case '\0':
      return true;
    default:
      return false;
  }
}

void append_csv_cell(std::string& out, std::string_view cell, csv_cell_policy policy, char delimiter) {
  const size_t at = out.size();
  out.resize(at + max_written(cell));
  char* const end = write_cell(out.data() + at, cell, policy, delimiter);
  out.resize(static_cast<size_t>(end - out.data()));
}

void append_csv_row(std::string& out, std::span<const std::string_view> cells, csv_cell_policy policy,
                    char delimiter, std::string_view line_end) {
  // A row of one empty cell would be written as a bare line end, which readers skip as a
  // blank line: the row would vanish. Quoting it keeps the row.
  if (cells.size() == 1 && cells.front().empty() && policy == csv_cell_policy::exact) {
    out.append("\"\"");
    out.append(line_end);
    return;
  }
  size_t room = line_end.size();
  for (const std::string_view cell : cells) room += max_written(cell) + 1;  // + the delimiter
  const size_t at = out.size();
  out.resize(at + room);
  char* w = out.data() + at;
  bool first = true;
  for (const std::string_view cell : cells) {
    if (!first) *w++ = delimiter;
    first = false;
    w = write_cell(w, cell, policy, delimiter);
  }
  w = write_bytes(w, line_end);
  out.resize(static_cast<size_t>(w - out.data()));
}

}  // namespace preflight
