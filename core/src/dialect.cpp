// dialect.cpp — stage 2: sniff the delimiter and the header row from the decoded head.
//
// Phases, in order (each one small function below):
//   1. the Excel `sep=X` line,
//   2. the delimiter: every candidate splits the first rows quote-aware, and the one that
//      splits the most rows into the same number of fields wins,
//   3. the header: the first row is data, not a header, when one of its cells has the
//      shape of a value (e-mail, date, UUID, number) that the rows below share.
// Nothing here is on the per-row hot path: it runs once per file over at most 64 KiB.
#include "preflight/dialect.h"

#include <array>
#include <charconv>
#include <vector>
#include "text.h"

namespace preflight {

std::string delimiter_name(char d) {
  switch (d) {
    case ',': return "comma";
    case ';': return "semicolon";
    case '\t': return "tab";
    case '|': return "pipe";
    default: break;
  }
  std::string s = "'";
  s += d;
  s += '\'';
  return s;
}

namespace {

// How many rows of the head the delimiter and header phases look at.
constexpr size_t max_sniff_rows = 200;
constexpr size_t max_header_sample_rows = 20;

// In priority order: a candidate only beats an earlier one with strictly better evidence.
// Only the separators spreadsheets write: ':' would split times and URLs in one-column files.
constexpr std::array<char, 4> delimiter_candidates{{',', ';', '\t', '|'}};

using text::ascii_lower;

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The delimiter as it reads in a sentence: "';'", or "tab" (a quoted tab is invisible).
std::string delimiter_in_prose(char d) {
  if (d == '\t') return "tab";
  std::string s = "'";
  s += d;
  s += '\'';
  return s;
}

// ---------------------------------------------------------------------------------------
// Phase 1: the `sep=` line
// ---------------------------------------------------------------------------------------

struct sep_line {
  bool found = false;
  char delimiter = ',';
  uint32_t length = 0;  // the line and its line break
};

// `sep=X` (any case) as the whole first line, X a single ASCII character, then \r\n, \n,
// \r or the end of the input. Excel writes and reads this to name the delimiter.
sep_line find_sep_line(std::string_view head, char quote) {
  sep_line s;
  constexpr std::string_view prefix = "sep=";
  if (head.size() < prefix.size() + 1) return s;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(head[i]) != prefix[i]) return s;
  }
  const char x = head[prefix.size()];
  const bool is_line_break = x == '\n' || x == '\r';
  const bool is_ascii = static_cast<unsigned char>(x) < 0x80;
  if (is_line_break || !is_ascii || x == quote) return s;

  size_t end = prefix.size() + 1;
  if (end < head.size()) {
    if (head[end] == '\r') {
      ++end;
      if (end < head.size() && head[end] == '\n') ++end;
    } else if (head[end] == '\n') {
      ++end;
    } else {
      return s;  // more text on the line: not a sep line ("sep=;x")
    }
  }
  s.found = true;
  s.delimiter = x;
  s.length = static_cast<uint32_t>(end);
  return s;
}

// ---------------------------------------------------------------------------------------
// A small quote-aware record reader shared by phases 2 and 3
// ---------------------------------------------------------------------------------------

// Reads records the way the tokenizer will: a quote opens a quoted field only at the start
// of a field; inside it, a doubled quote is a literal quote and line breaks are data.
class record_reader {
 public:
  record_reader(std::string_view text, char delimiter, char quote, bool take_final_line)
      : text_(text), delimiter_(delimiter), quote_(quote), take_final_line_(take_final_line) {}

  /// The next record that is not a blank line, as raw cells (quotes not removed yet).
  /// False when there is no further complete record.
  bool next(std::vector<std::string_view>& cells) {
    while (read_one(cells)) {
      const bool blank_line = cells.size() == 1 && cells[0].empty();
      if (!blank_line) return true;
    }
    return false;
  }

 private:
  enum class state : uint8_t { field_start, unquoted, quoted, quote_in_quoted };

  bool read_one(std::vector<std::string_view>& cells) {
    cells.clear();
    if (pos_ >= text_.size()) return false;
    size_t cell_start = pos_;
    state st = state::field_start;
    for (size_t i = pos_; i < text_.size(); ++i) {
      const char c = text_[i];
      if (st == state::quoted) {
        if (c == quote_) st = state::quote_in_quoted;
        continue;
      }
      if (st == state::quote_in_quoted && c == quote_) {  // "" inside quotes
        st = state::quoted;
        continue;
      }
      if (c == delimiter_) {
        cells.push_back(text_.substr(cell_start, i - cell_start));
        cell_start = i + 1;
        st = state::field_start;
      } else if (c == '\n' || c == '\r') {
        cells.push_back(text_.substr(cell_start, i - cell_start));
        const bool crlf = c == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n';
        pos_ = i + (crlf ? 2 : 1);
        return true;
      } else if (st == state::field_start && c == quote_) {
        st = state::quoted;
      } else {
        st = state::unquoted;  // also text after a closing quote, kept literally
      }
    }
    // The text ends without a line break: a row only if the text is all there is.
    if (!take_final_line_) {
      pos_ = text_.size();
      return false;
    }
    cells.push_back(text_.substr(cell_start));
    pos_ = text_.size();
    return true;
  }

  std::string_view text_;
  char delimiter_;
  char quote_;
  bool take_final_line_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------
// Phase 2: the delimiter
// ---------------------------------------------------------------------------------------

struct candidate_score {
  char delimiter = ',';
  size_t rows = 0;             // records read (blank lines skipped)
  size_t modal_fields = 0;     // the most common field count (ties: the larger count)
  size_t consistent_rows = 0;  // records with modal_fields fields; 0 unless modal_fields > 1
};

candidate_score score_candidate(std::string_view body, char delimiter, char quote,
                                bool take_final_line) {
  candidate_score score;
  score.delimiter = delimiter;
  struct count_frequency {
    size_t fields;
    size_t rows;
  };
  std::vector<count_frequency> histogram;
  std::vector<std::string_view> cells;
  record_reader reader(body, delimiter, quote, take_final_line);
  while (score.rows < max_sniff_rows && reader.next(cells)) {
    ++score.rows;
    bool seen = false;
    for (count_frequency& h : histogram) {
      if (h.fields == cells.size()) {
        ++h.rows;
        seen = true;
        break;
      }
    }
    if (!seen) histogram.push_back({cells.size(), 1});
  }
  for (const count_frequency& h : histogram) {
    const bool more_common = h.rows > score.consistent_rows;
    const bool as_common_but_wider =
        h.rows == score.consistent_rows && h.fields > score.modal_fields;
    if (more_common || as_common_but_wider) {
      score.modal_fields = h.fields;
      score.consistent_rows = h.rows;
    }
  }
  // A "delimiter" that never splits a row is no delimiter at all.
  if (score.modal_fields <= 1) score.consistent_rows = 0;
  return score;
}

// True when `challenger` is better evidence than `best` (DuckDB-style: each criterion is a
// named boolean, in order of weight).
bool beats(const candidate_score& challenger, const candidate_score& best) {
  // The strongest evidence: more rows agree on one field count (> 1).
  const bool more_consistent_rows = challenger.consistent_rows > best.consistent_rows;
  const bool as_consistent = challenger.consistent_rows == best.consistent_rows;
  // At equal agreement, the candidate that splits rows into more fields explains more of
  // the structure (a ',' inside every "1,5" of a ';' file gives fewer fields than ';').
  const bool more_fields = challenger.modal_fields > best.modal_fields;
  // Remaining ties go to the earlier candidate: the caller tries them in priority order
  // and only replaces the best on a strict win.
  return more_consistent_rows || (as_consistent && more_fields);
}

struct delimiter_guess {
  bool found = false;
  candidate_score score;
};

delimiter_guess guess_delimiter(std::string_view body, char quote, bool take_final_line) {
  delimiter_guess guess;
  for (char candidate : delimiter_candidates) {
    if (candidate == quote) continue;
    const candidate_score score = score_candidate(body, candidate, quote, take_final_line);
    if (score.consistent_rows == 0) continue;
    if (!guess.found || beats(score, guess.score)) {
      guess.found = true;
      guess.score = score;
    }
  }
  return guess;
}

// "';' splits 200 of 200 rows into 7 fields"
std::string explain(const candidate_score& s) {
  std::string r = delimiter_in_prose(s.delimiter);
  r += " splits ";
  append_uint(r, s.consistent_rows);
  r += " of ";
  append_uint(r, s.rows);
  r += s.rows == 1 ? " row into " : " rows into ";
  append_uint(r, s.modal_fields);
  r += " fields";
  return r;
}

// ---------------------------------------------------------------------------------------
// Phase 3: the header row
// ---------------------------------------------------------------------------------------

// What a cell's text looks like. A header cell is a label ("Email", "Date of birth"), so
// it looks like none of these; a data cell often looks like one.
enum class value_shape : uint8_t { none, number, date, email, uuid };

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Trims spaces and removes the surrounding quotes of a raw cell (doubled quotes inside are
// left doubled: no shape below contains a quote, so that cannot matter).
std::string_view cell_text(std::string_view raw, char quote) {
  while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  if (raw.size() >= 2 && raw.front() == quote && raw.back() == quote) {
    raw = raw.substr(1, raw.size() - 2);
    while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
    while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  }
  return raw;
}

// Reads 1..max_digits digits at `i`; returns how many (0 when there are none).
size_t digits_at(std::string_view s, size_t i, size_t max_digits) {
  size_t n = 0;
  while (i + n < s.size() && n < max_digits && is_digit(s[i + n])) ++n;
  return n;
}

// -12, 3.5, 0,75 (a decimal comma, as in ';' files).
bool looks_like_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t whole = digits_at(s, i, s.size());
  if (whole == 0) return false;
  i += whole;
  if (i == s.size()) return true;
  if (s[i] != '.' && s[i] != ',') return false;
  ++i;
  const size_t fraction = digits_at(s, i, s.size());
  return fraction > 0 && i + fraction == s.size();
}

// yyyy-mm-dd, or dd/mm/yyyy (also with '.' or '-'), optionally followed by a time.
bool looks_like_date(std::string_view s) {
  auto small_number = [](std::string_view t, size_t at, size_t len) {
    unsigned v = 0;
    for (size_t k = 0; k < len; ++k) v = v * 10 + static_cast<unsigned>(t[at + k] - '0');
    return v;
  };
  auto time_may_follow = [&s](size_t at) {
    return at == s.size() || s[at] == 'T' || s[at] == ' ';
  };
  // yyyy-mm-dd
  if (digits_at(s, 0, 4) == 4 && s.size() >= 8 && s[4] == '-') {
    const size_t m = digits_at(s, 5, 2);
    if (m == 0 || 5 + m >= s.size() || s[5 + m] != '-') return false;
    const size_t d = digits_at(s, 6 + m, 2);
    if (d == 0) return false;
    const unsigned month = small_number(s, 5, m);
    const unsigned day = small_number(s, 6 + m, d);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && time_may_follow(6 + m + d);
  }
  // dd/mm/yyyy (or mm/dd/yyyy: either way it is a date)
  const size_t a = digits_at(s, 0, 2);
  if (a == 0 || a >= s.size()) return false;
  const char sep = s[a];
  if (sep != '/' && sep != '.' && sep != '-') return false;
  const size_t b = digits_at(s, a + 1, 2);
  if (b == 0 || a + 1 + b >= s.size() || s[a + 1 + b] != sep) return false;
  const size_t year_at = a + 2 + b;
  if (digits_at(s, year_at, 4) != 4) return false;
  const unsigned first = small_number(s, 0, a);
  const unsigned second = small_number(s, a + 1, b);
  const bool plausible = first >= 1 && second >= 1 && first <= 31 && second <= 31 &&
                         (first <= 12 || second <= 12);
  return plausible && time_may_follow(year_at + 4);
}

// local@domain.tld, with no spaces; deliberately loose (validation proper comes later).
bool looks_like_email(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.find(' ') != std::string_view::npos) return false;
  const std::string_view domain = s.substr(at + 1);
  const size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

// 8-4-4-4-12 hex digits.
bool looks_like_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool hyphen_slot = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen_slot ? s[i] != '-' : !is_hex_digit(s[i])) return false;
  }
  return true;
}

value_shape shape_of(std::string_view text) {
  if (text.empty()) return value_shape::none;
  if (looks_like_uuid(text)) return value_shape::uuid;
  if (looks_like_date(text)) return value_shape::date;
  if (looks_like_number(text)) return value_shape::number;
  if (looks_like_email(text)) return value_shape::email;
  return value_shape::none;
}

// The first row is a header unless it looks like data: some cell has a value's shape, the
// rows below have that same shape in that column, and the row has as many fields as the
// rows below usually do. Empty cells say nothing. With no rows below, a cell with a value's
// shape is enough. With no rows at all, it is a header (the safe default: a header-only
// file is a clear message later; a lost first row is not).
bool first_row_is_header(std::string_view body, char delimiter, char quote, bool take_final_line) {
  record_reader reader(body, delimiter, quote, take_final_line);
  std::vector<std::string_view> first;
  if (!reader.next(first)) return true;

  std::vector<std::vector<std::string_view>> below;
  std::vector<std::string_view> cells;
  while (below.size() < max_header_sample_rows && reader.next(cells)) below.push_back(cells);

  if (below.empty()) {
    for (std::string_view raw : first) {
      if (shape_of(cell_text(raw, quote)) != value_shape::none) return false;
    }
    return true;
  }

  // The usual field count of the rows below (ties: the first seen).
  size_t usual_fields = below[0].size();
  size_t usual_count = 0;
  for (const auto& row : below) {
    size_t count = 0;
    for (const auto& other : below) count += other.size() == row.size() ? 1u : 0u;
    if (count > usual_count) {
      usual_count = count;
      usual_fields = row.size();
    }
  }
  const bool same_width_as_data = first.size() == usual_fields;
  if (!same_width_as_data) return true;  // a title line or a header over ragged data

  for (size_t column = 0; column < first.size(); ++column) {
    const value_shape shape = shape_of(cell_text(first[column], quote));
    if (shape == value_shape::none) continue;
    size_t filled = 0;
    size_t same_shape = 0;
    for (const auto& row : below) {
      if (column >= row.size()) continue;
      const std::string_view text = cell_text(row[column], quote);
      if (text.empty()) continue;
      ++filled;
      if (shape_of(text) == shape) ++same_shape;
    }
    const bool column_shares_the_shape = filled > 0 && same_shape * 2 > filled;
    if (column_shares_the_shape) return false;
  }
  return true;
}

}  // namespace

dialect detect_dialect(std::string_view head, const dialect_options& options, bool is_whole_file) {
  dialect d;
  if (options.quote) d.quote = *options.quote;

  // Phase 1: an Excel sep= line names the delimiter, and is never data.
  const sep_line sep = find_sep_line(head, d.quote);
  if (sep.found) {
    d.sep_line = true;
    d.skip_bytes = sep.length;
  }
  const std::string_view body = head.substr(d.skip_bytes);

  // Phase 2: the delimiter. The user's choice wins over the sep= line, which wins over
  // sniffing.
  if (options.delimiter) {
    d.delimiter = {*options.delimiter, true};
    d.reason = "set by user";
  } else if (sep.found) {
    d.delimiter = {sep.delimiter, false};
    d.reason = "named by the sep= line";
  } else {
    delimiter_guess guess = guess_delimiter(body, d.quote, is_whole_file);
    // A head without a single line break (one huge first line): its only line is still
    // better evidence than none.
    if (!guess.found && !is_whole_file) guess = guess_delimiter(body, d.quote, true);
    if (guess.found) {
      d.delimiter = {guess.score.delimiter, false};
      d.reason = explain(guess.score);
    } else {
      d.delimiter = {',', false};
      const bool has_text = body.find_first_not_of(" \t\r\n") != std::string_view::npos;
      d.reason = has_text ? "no candidate splits the rows into several fields; assuming ','"
                          : "no rows to sniff; assuming ','";
    }
  }

  // Phase 3: the header row.
  if (options.has_header) {
    d.has_header = {*options.has_header, true};
  } else {
    d.has_header = {first_row_is_header(body, d.delimiter.value, d.quote, is_whole_file), false};
  }
  return d;
}

}  // namespace preflight
