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

/// Appends `cell` with every '"' doubled (no surrounding quotes).
void append_doubling_quotes(std::string& out, std::string_view cell) {
  size_t start = 0;
  for (size_t q = cell.find('"'); q != std::string_view::npos; q = cell.find('"', q + 1)) {
    out.append(cell.data() + start, q + 1 - start);  // up to and including the quote
    out.push_back('"');
    start = q + 1;
  }
  out.append(cell.data() + start, cell.size() - start);
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
  if (policy == csv_cell_policy::exact) {
    if (!needs_quotes(cell, delimiter)) {
      out.append(cell);
      return;
    }
    out.push_back('"');
    append_doubling_quotes(out, cell);
    out.push_back('"');
    return;
  }
  // neutralised: always quoted, so a delimiter or quote inside can never open a new cell
  // whose first byte escaped the test below (OWASP's breakout case).
  out.push_back('"');
  if (is_formula_trigger(cell)) out.push_back('\'');
  append_doubling_quotes(out, cell);
  out.push_back('"');
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
  bool first = true;
  for (const std::string_view cell : cells) {
    if (!first) out.push_back(delimiter);
    first = false;
    append_csv_cell(out, cell, policy, delimiter);
  }
  out.append(line_end);
}

}  // namespace preflight
