// Tests for csv.h: RFC 4180 quoting, line ends, blank lines, the sep= skip, lenient quotes,
// unterminated-quote recovery, limits with bounded memory, and the core invariant: any
// chunking of the input gives the same rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/csv.h"

using preflight::csv_limits;
using preflight::csv_row;
using preflight::dialect;
using preflight::row_problem;
using preflight::tokenizer;

namespace {

// ---- running the tokenizer -------------------------------------------------------------------

struct got_row {
  std::vector<std::string> fields;
  uint64_t line = 0, end_line = 0, offset = 0, length = 0;
  row_problem problem = row_problem::none;
  uint32_t problem_column = 0;
  uint64_t problem_line = 0;
  bool stray = false;
};

struct run_result {
  std::vector<got_row> rows;
  uint64_t blank_lines = 0;
  uint64_t lines = 0;
  uint64_t consumed = 0;
  size_t max_buffered = 0;  // largest buffered() seen after draining
};

dialect make_dialect(char delimiter = ',', uint32_t skip_bytes = 0) {
  dialect d;
  d.delimiter.value = delimiter;
  d.skip_bytes = skip_bytes;
  return d;
}

got_row copy_row(const csv_row& r) {
  got_row g;
  for (std::string_view f : r.fields) g.fields.emplace_back(f);
  g.line = r.line;
  g.end_line = r.end_line;
  g.offset = r.offset;
  g.length = r.length;
  g.problem = r.problem;
  g.problem_column = r.problem_column;
  g.problem_line = r.problem_line;
  g.stray = r.stray_quote;
  return g;
}

/// Closes the tokenizer, drains its last rows with `drain` and records its counters in `r`.
template <class Drain>
run_result& finish_run(tokenizer& t, run_result& r, Drain&& drain) {
  t.close();
  drain();
  r.blank_lines = t.blank_lines();
  r.lines = t.lines();
  r.consumed = t.consumed();
  return r;
}

/// Pushes `input` in chunks of `chunk` bytes (0: all at once), draining after every push.
run_result run(std::string_view input, const dialect& d, csv_limits limits, size_t chunk = 0) {
  tokenizer t(d, limits);
  run_result r;
  csv_row row;
  const auto drain = [&] {
    while (t.next(row)) r.rows.push_back(copy_row(row));
    r.max_buffered = std::max(r.max_buffered, t.buffered());
  };
  if (chunk == 0) chunk = std::max<size_t>(input.size(), 1);
  for (size_t i = 0; i < input.size(); i += chunk) {
    t.push(input.substr(i, chunk));
    drain();
  }
  return finish_run(t, r, drain);
}

/// A chunk the way a streaming caller holds it: its own heap buffer, scribbled over and
/// freed once the tokenizer is done with it (ASan reports any later read).
struct owned_chunk {
  std::unique_ptr<char[]> bytes;
  size_t size = 0;
  explicit owned_chunk(std::string_view text) : bytes(new char[text.size()]), size(text.size()) {
    std::memcpy(bytes.get(), text.data(), text.size());
  }
  [[nodiscard]] std::string_view view() const { return {bytes.get(), size}; }
  void release() {
    std::memset(bytes.get(), '#', size);
    bytes.reset();
  }
};

/// Like run(), under the in-place contract at its weakest: `pushes_per_drain` chunks are
/// pushed before draining, each from its own buffer that is overwritten and freed as soon as
/// next() has returned false. Rows are held as views across next() calls and copied only
/// then (problem rows, whose views last until the next next(), at once), so a view that does
/// not live until the next push(), or that points into a freed chunk, shows up.
run_result run_released(std::string_view input, const dialect& d, csv_limits limits, size_t chunk,
                        size_t pushes_per_drain = 1) {
  tokenizer t(d, limits);
  run_result r;
  csv_row row;
  std::vector<owned_chunk> live;
  std::vector<std::vector<std::string_view>> held;
  std::vector<got_row> meta;
  const auto drain = [&] {
    while (t.next(row)) {
      meta.push_back(copy_row(row));
      if (row.views_reused) {
        held.emplace_back();
      } else {
        held.emplace_back(row.fields.begin(), row.fields.end());
      }
    }
    for (size_t k = 0; k < held.size(); ++k) {
      if (!held[k].empty()) meta[k].fields.assign(held[k].begin(), held[k].end());
      r.rows.push_back(meta[k]);
    }
    held.clear();
    meta.clear();
    for (owned_chunk& c : live) c.release();
    live.clear();
  };
  if (chunk == 0) chunk = std::max<size_t>(input.size(), 1);
  size_t pushed = 0;
  for (size_t i = 0; i < input.size(); i += chunk) {
    live.emplace_back(input.substr(i, chunk));
    t.push(live.back().view());
    if (++pushed % pushes_per_drain == 0) drain();
  }
  return finish_run(t, r, drain);
}

std::string visible(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

// One line per row, so Catch prints a readable diff when two runs differ.
std::string describe_row(const std::vector<std::string>& fields, uint64_t line, uint64_t end_line,
                         uint64_t offset, row_problem problem, uint32_t column, uint64_t problem_line,
                         bool stray) {
  std::string s = "L" + std::to_string(line) + "-" + std::to_string(end_line) + " @" + std::to_string(offset) + " [";
  for (size_t k = 0; k < fields.size(); ++k) s += (k ? "|" : "") + visible(fields[k]);
  s += "]";
  if (problem != row_problem::none) {
    s += std::string(" ") + preflight::row_problem_name(problem) + " col=" + std::to_string(column);
    if (problem == row_problem::unterminated_quote) s += " quote_line=" + std::to_string(problem_line);
  }
  if (stray) s += " stray";
  return s + "\n";
}

std::string describe(const run_result& r, bool with_lengths = true) {
  std::string s;
  for (const got_row& g : r.rows) {
    s += describe_row(g.fields, g.line, g.end_line, g.offset, g.problem, g.problem_column, g.problem_line, g.stray);
    if (with_lengths) s += "  length=" + std::to_string(g.length) + "\n";
  }
  s += "blank=" + std::to_string(r.blank_lines);
  if (with_lengths) s += " lines=" + std::to_string(r.lines) + " consumed=" + std::to_string(r.consumed);
  return s;
}

// ---- the case tables ---------------------------------------------------------------------------

struct want_row {
  std::vector<std::string> fields;
  uint64_t line = 0, end_line = 0, offset = 0;
  row_problem problem = row_problem::none;
  uint32_t problem_column = 0;
  uint64_t problem_line = 0;
  bool stray = false;
};

struct csv_case {
  const char* name;
  std::string input;
  std::vector<want_row> rows;
  uint64_t blank_lines = 0;
  char delimiter = ',';
  uint32_t skip_bytes = 0;
  csv_limits limits = {};
};

std::string describe(const std::vector<want_row>& rows, uint64_t blank_lines) {
  std::string s;
  for (const want_row& w : rows)
    s += describe_row(w.fields, w.line, w.end_line, w.offset, w.problem, w.problem_column, w.problem_line, w.stray);
  return s + "blank=" + std::to_string(blank_lines);
}

void check_cases(const std::vector<csv_case>& cases) {
  for (const csv_case& c : cases) {
    INFO("case " << c.name << ": " << visible(c.input));
    const run_result r = run(c.input, make_dialect(c.delimiter, c.skip_bytes), c.limits);
    CHECK(describe(r, false) == describe(c.rows, c.blank_lines));
  }
}

constexpr row_problem unterminated = row_problem::unterminated_quote;

const std::vector<csv_case>& quoting_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "plain",
       .input = "a,b,c\n1,2,3\n",
       .rows = {{.fields = {"a", "b", "c"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"1", "2", "3"}, .line = 2, .end_line = 2, .offset = 6}}},
      {.name = "quoted_fields",
       .input = "\"a\",\"b c\",\"\"\n",
       .rows = {{.fields = {"a", "b c", ""}, .line = 1, .end_line = 1, .offset = 0}}},
      {.name = "doubled_quotes",
       .input = "\"say \"\"hi\"\"\",x\n\"\"\"\",\"a\"\"\"\n",
       .rows = {{.fields = {"say \"hi\"", "x"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"\"", "a\""}, .line = 2, .end_line = 2, .offset = 15}}},
      {.name = "delimiter_inside_quotes",
       .input = "\"a,b\",c\n",
       .rows = {{.fields = {"a,b", "c"}, .line = 1, .end_line = 1, .offset = 0}}},
      {.name = "lf_inside_quotes",
       .input = "\"a\nb\",c\nd,e\n",
       .rows = {{.fields = {"a\nb", "c"}, .line = 1, .end_line = 2, .offset = 0},
                {.fields = {"d", "e"}, .line = 3, .end_line = 3, .offset = 8}}},
      {.name = "crlf_inside_quotes",
       .input = "\"a\r\nb\",c\r\nd,e\r\n",
       .rows = {{.fields = {"a\r\nb", "c"}, .line = 1, .end_line = 2, .offset = 0},
                {.fields = {"d", "e"}, .line = 3, .end_line = 3, .offset = 10}}},
      {.name = "cr_inside_quotes",
       .input = "\"a\rb\",c\rd\r",
       .rows = {{.fields = {"a\rb", "c"}, .line = 1, .end_line = 2, .offset = 0},
                {.fields = {"d"}, .line = 3, .end_line = 3, .offset = 8}}},
      {.name = "lf_inside_quotes_of_crlf_file",
       .input = "a,\"x\ny\"\r\nb,c\r\n",
       .rows = {{.fields = {"a", "x\ny"}, .line = 1, .end_line = 2, .offset = 0},
                {.fields = {"b", "c"}, .line = 3, .end_line = 3, .offset = 9}}},
      {.name = "several_breaks_inside_quotes",
       .input = "\"\n\n\r\n\r\",x\ny\n",
       .rows = {{.fields = {"\n\n\r\n\r", "x"}, .line = 1, .end_line = 5, .offset = 0},
                {.fields = {"y"}, .line = 6, .end_line = 6, .offset = 10}}},
  };
  return cases;
}

const std::vector<csv_case>& line_end_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "lf",
       .input = "a\nb\n",
       .rows = {{.fields = {"a"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"b"}, .line = 2, .end_line = 2, .offset = 2}}},
      {.name = "crlf",
       .input = "a\r\nb\r\n",
       .rows = {{.fields = {"a"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"b"}, .line = 2, .end_line = 2, .offset = 3}}},
      {.name = "cr",
       .input = "a\rb\r",
       .rows = {{.fields = {"a"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"b"}, .line = 2, .end_line = 2, .offset = 2}}},
      {.name = "mixed",
       .input = "a\r\nb\nc\rd\n",
       .rows = {{.fields = {"a"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"b"}, .line = 2, .end_line = 2, .offset = 3},
                {.fields = {"c"}, .line = 3, .end_line = 3, .offset = 5},
                {.fields = {"d"}, .line = 4, .end_line = 4, .offset = 7}}},
      {.name = "missing_final_line_end",
       .input = "a,b\nc,d",
       .rows = {{.fields = {"a", "b"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"c", "d"}, .line = 2, .end_line = 2, .offset = 4}}},
      {.name = "missing_final_line_end_after_quote",
       .input = "a,\"b\"",
       .rows = {{.fields = {"a", "b"}, .line = 1, .end_line = 1, .offset = 0}}},
      {.name = "trailing_delimiter_at_eof",
       .input = "a,",
       .rows = {{.fields = {"a", ""}, .line = 1, .end_line = 1, .offset = 0}}},
      {.name = "empty_input", .input = "", .rows = {}},
      {.name = "cr_cr_is_a_blank_line",
       .input = "a\r\rb",
       .rows = {{.fields = {"a"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"b"}, .line = 3, .end_line = 3, .offset = 3}},
       .blank_lines = 1},
  };
  return cases;
}

const std::vector<csv_case>& blank_and_sep_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "blank_lines_skipped_and_counted",
       .input = "\n\na\n\r\n\rb\n\n",
       .rows = {{.fields = {"a"}, .line = 3, .end_line = 3, .offset = 2},
                {.fields = {"b"}, .line = 6, .end_line = 6, .offset = 7}},
       .blank_lines = 5},
      {.name = "delimiters_only_is_a_row",
       .input = ",,\n",
       .rows = {{.fields = {"", "", ""}, .line = 1, .end_line = 1, .offset = 0}}},
      {.name = "spaces_only_is_a_row",
       .input = "   \n",
       .rows = {{.fields = {"   "}, .line = 1, .end_line = 1, .offset = 0}}},
      {.name = "only_blank_lines", .input = "\r\n\r\n", .rows = {}, .blank_lines = 2},
      {.name = "sep_line_lf",
       .input = "sep=;\na;b\n",
       .rows = {{.fields = {"a", "b"}, .line = 2, .end_line = 2, .offset = 6}},
       .delimiter = ';',
       .skip_bytes = 6},
      {.name = "sep_line_crlf",
       .input = "sep=;\r\na;b\r\n",
       .rows = {{.fields = {"a", "b"}, .line = 2, .end_line = 2, .offset = 7}},
       .delimiter = ';',
       .skip_bytes = 7},
      {.name = "sep_line_cr",
       .input = "sep=|\ra|b",
       .rows = {{.fields = {"a", "b"}, .line = 2, .end_line = 2, .offset = 6}},
       .delimiter = '|',
       .skip_bytes = 6},
      {.name = "sep_line_then_blank_line",
       .input = "sep=,\n\nx\n",
       .rows = {{.fields = {"x"}, .line = 3, .end_line = 3, .offset = 7}},
       .blank_lines = 1,
       .skip_bytes = 6},
      {.name = "sep_line_alone", .input = "sep=;", .rows = {}, .delimiter = ';', .skip_bytes = 5},
  };
  return cases;
}

const std::vector<csv_case>& stray_quote_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "quote_inside_unquoted_field",
       .input = "a,b\"c,d\n",
       .rows = {{.fields = {"a", "b\"c", "d"}, .line = 1, .end_line = 1, .offset = 0, .stray = true}}},
      {.name = "text_after_closing_quote",
       .input = "\"ab\"cd,e\n",
       .rows = {{.fields = {"abcd", "e"}, .line = 1, .end_line = 1, .offset = 0, .stray = true}}},
      {.name = "quote_in_text_after_closing_quote",
       .input = "\"ab\"c\"d,e\n",
       .rows = {{.fields = {"abc\"d", "e"}, .line = 1, .end_line = 1, .offset = 0, .stray = true}}},
      {.name = "space_before_quote",
       .input = "a, \"b\"\n",
       .rows = {{.fields = {"a", " \"b\""}, .line = 1, .end_line = 1, .offset = 0, .stray = true}}},
      {.name = "stray_flag_is_per_row",
       .input = "a\"\nb\n",
       .rows = {{.fields = {"a\""}, .line = 1, .end_line = 1, .offset = 0, .stray = true},
                {.fields = {"b"}, .line = 2, .end_line = 2, .offset = 3}}},
  };
  return cases;
}

const std::vector<csv_case>& unterminated_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "eof_inside_quotes_recovers_the_lines_after",
       .input = "a,\"b,c\nd,e\nf,g\n",
       .rows = {{.fields = {"a", "b,c"}, .line = 1, .end_line = 1, .offset = 0, .problem = unterminated,
                 .problem_column = 1, .problem_line = 1},
                {.fields = {"d", "e"}, .line = 2, .end_line = 2, .offset = 7},
                {.fields = {"f", "g"}, .line = 3, .end_line = 3, .offset = 11}}},
      {.name = "eof_inside_quotes_on_the_last_line",
       .input = "x\ny,\"zz",
       .rows = {{.fields = {"x"}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"y", "zz"}, .line = 2, .end_line = 2, .offset = 2, .problem = unterminated,
                 .problem_column = 1, .problem_line = 2}}},
      {.name = "runaway_quote_mid_file_cut_by_field_limit",
       .input = "1,\"ab\n2,3\n4,5\n6,\"7\"\n",
       .rows = {{.fields = {"1", "ab"}, .line = 1, .end_line = 1, .offset = 0, .problem = unterminated,
                 .problem_column = 1, .problem_line = 1},
                {.fields = {"2", "3"}, .line = 2, .end_line = 2, .offset = 6},
                {.fields = {"4", "5"}, .line = 3, .end_line = 3, .offset = 10},
                {.fields = {"6", "7"}, .line = 4, .end_line = 4, .offset = 14}},
       .limits = {.max_field_bytes = 8}},
      {.name = "quote_opened_on_the_second_line_of_a_row",
       .input = "\"a\nb\",\"c\nd\ne\n",
       .rows = {{.fields = {"a\nb", "c"}, .line = 1, .end_line = 2, .offset = 0, .problem = unterminated,
                 .problem_column = 1, .problem_line = 2},
                {.fields = {"d"}, .line = 3, .end_line = 3, .offset = 9},
                {.fields = {"e"}, .line = 4, .end_line = 4, .offset = 11}}},
      {.name = "cut_at_crlf",
       .input = "a,\"b\r\nc\r\n",
       .rows = {{.fields = {"a", "b"}, .line = 1, .end_line = 1, .offset = 0, .problem = unterminated,
                 .problem_column = 1, .problem_line = 1},
                {.fields = {"c"}, .line = 2, .end_line = 2, .offset = 6}}},
      {.name = "cut_field_is_raw_text",  // "" is not unescaped in a field that never closed
       .input = "\"a\"\"b\nc\n",
       .rows = {{.fields = {"a\"\"b"}, .line = 1, .end_line = 1, .offset = 0, .problem = unterminated,
                 .problem_column = 0, .problem_line = 1},
                {.fields = {"c"}, .line = 2, .end_line = 2, .offset = 6}}},
  };
  return cases;
}

const std::vector<csv_case>& limit_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "field_too_large",
       .input = "ab,cdefgh,ij\nk\n",
       .rows = {{.fields = {"ab"}, .line = 1, .end_line = 1, .offset = 0, .problem = row_problem::field_too_large,
                 .problem_column = 1},
                {.fields = {"k"}, .line = 2, .end_line = 2, .offset = 13}},
       .limits = {.max_field_bytes = 4}},
      {.name = "fields_at_the_limit_are_fine",
       .input = "abcd,\"efgh\",\"ij\"\"\"\n",
       .rows = {{.fields = {"abcd", "efgh", "ij\""}, .line = 1, .end_line = 1, .offset = 0}},
       .limits = {.max_field_bytes = 4}},
      {.name = "quoted_field_too_large_is_an_unterminated_quote",
       .input = "\"abcd\",x\ny\n",
       .rows = {{.fields = {"abc"}, .line = 1, .end_line = 1, .offset = 0, .problem = unterminated,
                 .problem_column = 0, .problem_line = 1},
                {.fields = {"y"}, .line = 2, .end_line = 2, .offset = 9}},
       .limits = {.max_field_bytes = 3}},
      {.name = "row_too_large",
       .input = "abc,def,ghi,jkl\nx\n",
       .rows = {{.fields = {"abc", "def"}, .line = 1, .end_line = 1, .offset = 0,
                 .problem = row_problem::row_too_large, .problem_column = 2},
                {.fields = {"x"}, .line = 2, .end_line = 2, .offset = 16}},
       .limits = {.max_row_bytes = 10}},
      {.name = "field_and_row_limit_crossed_at_once_is_field_too_large",
       .input = "abcdef\nx\n",
       .rows = {{.fields = {}, .line = 1, .end_line = 1, .offset = 0, .problem = row_problem::field_too_large,
                 .problem_column = 0},
                {.fields = {"x"}, .line = 2, .end_line = 2, .offset = 7}},
       .limits = {.max_field_bytes = 4, .max_row_bytes = 4}},
      {.name = "row_at_the_limit_is_fine",
       .input = "abc,def\n",
       .rows = {{.fields = {"abc", "def"}, .line = 1, .end_line = 1, .offset = 0}},
       .limits = {.max_row_bytes = 7}},
      {.name = "too_many_columns",
       .input = "a,b,c,d\ne,f\n",
       .rows = {{.fields = {"a", "b"}, .line = 1, .end_line = 1, .offset = 0,
                 .problem = row_problem::too_many_columns, .problem_column = 2},
                {.fields = {"e", "f"}, .line = 2, .end_line = 2, .offset = 8}},
       .limits = {.max_columns = 2}},
      {.name = "skipped_tail_is_quote_aware",
       .input = "a,\"b\nc\",d\ne\n",
       .rows = {{.fields = {"a"}, .line = 1, .end_line = 2, .offset = 0,
                 .problem = row_problem::too_many_columns, .problem_column = 1},
                {.fields = {"e"}, .line = 3, .end_line = 3, .offset = 10}},
       .limits = {.max_columns = 1}},
      {.name = "row_too_large_then_runaway_quote",
       .input = "a,b,\"cdefghij\nx,y\n",
       .rows = {{.fields = {"a", "b"}, .line = 1, .end_line = 1, .offset = 0,
                 .problem = row_problem::row_too_large, .problem_column = 2},
                {.fields = {"x", "y"}, .line = 2, .end_line = 2, .offset = 14}},
       .limits = {.max_field_bytes = 4, .max_row_bytes = 6}},
  };
  return cases;
}

const std::vector<csv_case>& delimiter_cases() {
  static const std::vector<csv_case> cases = {
      {.name = "semicolon",
       .input = "a;b,c;\"d;e\"\n",
       .rows = {{.fields = {"a", "b,c", "d;e"}, .line = 1, .end_line = 1, .offset = 0}},
       .delimiter = ';'},
      {.name = "tab",
       .input = "a\tb\t\"c\td\"\n",
       .rows = {{.fields = {"a", "b", "c\td"}, .line = 1, .end_line = 1, .offset = 0}},
       .delimiter = '\t'},
      {.name = "pipe",
       .input = "a|b|\nc|d,e|f\n",
       .rows = {{.fields = {"a", "b", ""}, .line = 1, .end_line = 1, .offset = 0},
                {.fields = {"c", "d,e", "f"}, .line = 2, .end_line = 2, .offset = 5}},
       .delimiter = '|'},
  };
  return cases;
}

std::vector<const std::vector<csv_case>*> all_tables() {
  return {&quoting_cases(), &line_end_cases(), &blank_and_sep_cases(), &stray_quote_cases(),
          &unterminated_cases(), &limit_cases(), &delimiter_cases()};
}

/// Every chunking the property test tries: 1..64, 4096, and all at once (0).
std::vector<size_t> chunk_sizes() {
  std::vector<size_t> sizes;
  for (size_t s = 1; s <= 64; ++s) sizes.push_back(s);
  sizes.push_back(4096);
  return sizes;
}

void check_chunking(std::string_view input, const dialect& d, csv_limits limits) {
  const std::string whole = describe(run(input, d, limits, 0));
  for (size_t chunk : chunk_sizes()) {
    INFO("chunk " << chunk << " input " << visible(input));
    REQUIRE(describe(run(input, d, limits, chunk)) == whole);
    REQUIRE(describe(run_released(input, d, limits, chunk)) == whole);
    REQUIRE(describe(run_released(input, d, limits, chunk, 2)) == whole);
  }
}

// ---- a random CSV corpus ---------------------------------------------------------------------

struct corpus_rng {
  std::mt19937_64 engine;
  explicit corpus_rng(uint64_t seed) : engine(seed) {}
  size_t below(size_t n) { return static_cast<size_t>(engine() % n); }
  bool chance(size_t percent) { return below(100) < percent; }
};

const char* const line_ends[] = {"\n", "\r\n", "\r"};

/// A field's text: letters, with quotes, delimiters, CR, LF and CRLF mixed in.
std::string random_text(corpus_rng& rng, char delimiter) {
  static const char* const pieces[] = {"a", "bc", " ", "\"", "\r", "\n", "\r\n", "x y"};
  std::string s;
  const size_t n = rng.below(5);
  for (size_t k = 0; k < n; ++k) {
    if (rng.chance(15)) {
      s += delimiter;
    } else {
      s += pieces[rng.below(std::size(pieces))];
    }
  }
  return s;
}

/// Well-formed-ish CSV with some damage (stray quotes, blank lines, an odd lone quote).
std::string random_csv(corpus_rng& rng, char delimiter) {
  std::string s;
  const size_t rows = 1 + rng.below(8);
  for (size_t r = 0; r < rows; ++r) {
    if (rng.chance(10)) s += line_ends[rng.below(3)];  // a blank line
    const size_t fields = 1 + rng.below(5);
    for (size_t f = 0; f < fields; ++f) {
      if (f > 0) s += delimiter;
      std::string text = random_text(rng, delimiter);
      if (rng.chance(50)) {
        std::string quoted = "\"";
        for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        s += quoted + "\"";
        if (rng.chance(5)) s += "tail";  // text after the closing quote
      } else {
        for (char c : text)  // unquoted: keep only what cannot end the field
          if (c != '\r' && c != '\n' && c != delimiter) s += c;
      }
    }
    if (rng.chance(3)) s += "\"";  // a quote that may never close
    if (r + 1 < rows || rng.chance(70)) s += line_ends[rng.below(3)];
  }
  return s;
}

/// Pure noise over the bytes that matter.
std::string random_noise(corpus_rng& rng) {
  static const char alphabet[] = {'a', 'b', ',', '"', '\r', '\n', ' ', ';'};
  std::string s;
  const size_t n = rng.below(120);
  for (size_t k = 0; k < n; ++k) s += alphabet[rng.below(std::size(alphabet))];
  return s;
}

}  // namespace

// ---- table-driven cases -------------------------------------------------------------------------

TEST_CASE("csv.quoting", "[csv]") { check_cases(quoting_cases()); }
TEST_CASE("csv.line_ends", "[csv]") { check_cases(line_end_cases()); }
TEST_CASE("csv.blank_lines_and_sep_skip", "[csv]") { check_cases(blank_and_sep_cases()); }
TEST_CASE("csv.stray_quotes", "[csv]") { check_cases(stray_quote_cases()); }
TEST_CASE("csv.unterminated_quote", "[csv]") { check_cases(unterminated_cases()); }
TEST_CASE("csv.limits", "[csv]") { check_cases(limit_cases()); }
TEST_CASE("csv.delimiters", "[csv]") { check_cases(delimiter_cases()); }

TEST_CASE("csv.lengths_lines_and_consumed", "[csv]") {
  const run_result r = run("ab,c\r\n\"x\"\"y\",z\rw", make_dialect(), {});
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0].length == 4);
  CHECK(r.rows[1].offset == 6);
  CHECK(r.rows[1].length == 8);
  CHECK(r.rows[2].offset == 15);
  CHECK(r.rows[2].length == 1);
  CHECK(r.lines == 3);
  CHECK(r.consumed == 16);

  CHECK(run("a\nb\n", make_dialect(), {}).lines == 2);
  CHECK(run("a\nb", make_dialect(), {}).lines == 2);
  CHECK(run("", make_dialect(), {}).lines == 0);
  const run_result blank = run("\n", make_dialect(), {});
  CHECK(blank.lines == 1);
  CHECK(blank.blank_lines == 1);
  CHECK(blank.consumed == 1);
  // A problem row's length covers its skipped bytes too.
  const run_result big = run("ab,cdefgh,ij\nk\n", make_dialect(), {.max_field_bytes = 4});
  REQUIRE(big.rows.size() == 2);
  CHECK(big.rows[0].length == 12);
  CHECK(big.consumed == 15);
}

TEST_CASE("csv.views_survive_until_next", "[csv]") {
  tokenizer t(make_dialect(), {});
  t.push("\"a\"\"b\",\"c\"\"d\",e\n");
  csv_row row;
  REQUIRE(t.next(row));
  REQUIRE(row.fields.size() == 3);
  // Both unescaped fields live in scratch: the second must not have moved the first.
  CHECK(row.fields[0] == "a\"b");
  CHECK(row.fields[1] == "c\"d");
  CHECK(row.fields[2] == "e");
  CHECK_FALSE(t.next(row));
}

TEST_CASE("csv.plain_views_survive_until_next_push", "[csv]") {
  // Views of plain fields (and of quoted fields without "") point into the tokenizer's
  // buffer, which only push() changes: callers may hold them over several next() calls.
  // Rows long enough to span several 64-byte blocks and 4 KiB mask windows.
  std::string input;
  for (int r = 0; r < 300; ++r)
    input += "plain" + std::to_string(r) + ",\"quoted " + std::to_string(r) + "\",\"x\"\"y\"," + std::string(20, 'z') + "\n";
  tokenizer t(make_dialect(), {});
  t.push(input);
  csv_row row;
  std::vector<std::string_view> held;  // the plain and simple quoted fields of every row
  size_t rows = 0;
  while (t.next(row)) {
    REQUIRE(row.fields.size() == 4);
    held.push_back(row.fields[0]);
    held.push_back(row.fields[1]);
    held.push_back(row.fields[3]);
    ++rows;
  }
  REQUIRE(rows == 300);
  for (size_t r = 0; r < rows; ++r) {
    CHECK(held[3 * r] == "plain" + std::to_string(r));
    CHECK(held[3 * r + 1] == "quoted " + std::to_string(r));
    CHECK(held[3 * r + 2] == std::string(20, 'z'));
  }
}

TEST_CASE("csv.crlf_split_across_pushes", "[csv]") {
  tokenizer t(make_dialect(), {});
  csv_row row;
  t.push("a,b\r");
  REQUIRE(t.next(row));  // the CR ends the row at once; the LF may come later
  CHECK(row.fields.size() == 2);
  CHECK_FALSE(t.next(row));
  t.push("\nc\r");
  REQUIRE(t.next(row));
  CHECK(row.line == 2);  // the LF completed a CRLF: not a blank line
  CHECK(row.offset == 5);
  t.close();
  CHECK_FALSE(t.next(row));
  CHECK(t.blank_lines() == 0);
  CHECK(t.lines() == 2);
}

TEST_CASE("csv.row_problem_names", "[csv]") {
  CHECK(std::string(preflight::row_problem_name(row_problem::none)) == "none");
  CHECK(std::string(preflight::row_problem_name(row_problem::unterminated_quote)) == "unterminated_quote");
  CHECK(std::string(preflight::row_problem_name(row_problem::field_too_large)) == "field_too_large");
  CHECK(std::string(preflight::row_problem_name(row_problem::row_too_large)) == "row_too_large");
  CHECK(std::string(preflight::row_problem_name(row_problem::too_many_columns)) == "too_many_columns");
}

// ---- round trip against a known answer -------------------------------------------------------

TEST_CASE("csv.round_trip_random_rows", "[csv]") {
  // Write random rows the RFC 4180 way, then read them back: fields, lines and offsets are
  // known exactly from the writing.
  corpus_rng rng(20240611);
  for (int doc = 0; doc < 200; ++doc) {
    const char delimiter = ",;\t|"[rng.below(4)];
    std::string text;
    std::vector<want_row> want;
    uint64_t line = 1;
    const size_t rows = 1 + rng.below(10);
    for (size_t r = 0; r < rows; ++r) {
      want_row w{.fields = {}, .line = line, .end_line = 0, .offset = text.size()};
      const size_t fields = 1 + rng.below(6);
      for (size_t f = 0; f < fields; ++f) {
        std::string value = random_text(rng, delimiter);
        const bool must_quote = value.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos ||
                                (fields == 1 && value.empty());  // an empty line would be blank
        if (f > 0) text += delimiter;
        if (must_quote || rng.chance(20)) {
          text += '"';
          for (char c : value) {
            if (c == '"') text += '"';
            text += c;
          }
          text += '"';
          for (size_t k = 0; k < value.size(); ++k)  // breaks inside quotes count as lines
            if (value[k] == '\r' || (value[k] == '\n' && (k == 0 || value[k - 1] != '\r'))) ++line;
        } else {
          text += value;
        }
        w.fields.push_back(value);
      }
      w.end_line = line;
      want.push_back(w);
      text += line_ends[rng.below(3)];
      ++line;
    }
    INFO("document " << visible(text));
    const run_result whole = run(text, make_dialect(delimiter), {});
    CHECK(describe(whole, false) == describe(want, 0));
    CHECK(describe(run(text, make_dialect(delimiter), {}, 1 + rng.below(9)), false) == describe(want, 0));
  }
}

// ---- the mask kernels, and documents many windows long ------------------------------------

namespace {

/// A scalar reference for the stop-byte masks: the delimiter's, and the specials' (quote, CR,
/// LF).
struct split_masks {
  std::vector<uint64_t> delimiters, specials;
};
split_masks reference_masks(std::string_view s, char delimiter, char quote) {
  split_masks m{std::vector<uint64_t>(s.size() / 64), std::vector<uint64_t>(s.size() / 64)};
  for (size_t k = 0; k < s.size() / 64 * 64; ++k) {
    const char c = s[k];
    if (c == delimiter) m.delimiters[k / 64] |= uint64_t{1} << (k % 64);
    if (c == quote || c == '\r' || c == '\n') m.specials[k / 64] |= uint64_t{1} << (k % 64);
  }
  return m;
}

/// Restores automatic kernel selection when a test that forced one ends (even by throwing).
struct forced_kernel {
  explicit forced_kernel(preflight::detail::csv_kernel k) { preflight::detail::csv_force_kernel(k, true); }
  ~forced_kernel() { preflight::detail::csv_force_kernel(preflight::detail::csv_kernel::baseline, false); }
  forced_kernel(const forced_kernel&) = delete;
  forced_kernel& operator=(const forced_kernel&) = delete;
};

/// Round-trip rows (RFC 4180 writing, so the answer is known) long enough to span many 4 KiB
/// mask windows, with quoted fields that cross 64-byte blocks and window edges.
struct written_doc {
  std::string text;
  std::vector<want_row> want;
};

written_doc write_long_doc(corpus_rng& rng, char delimiter, size_t min_bytes) {
  written_doc d;
  uint64_t line = 1;
  while (d.text.size() < min_bytes) {
    want_row w{.fields = {}, .line = line, .end_line = 0, .offset = d.text.size()};
    const size_t fields = 1 + rng.below(20);
    for (size_t f = 0; f < fields; ++f) {
      std::string value;
      if (rng.chance(3)) {  // now and then a field longer than a block or two
        value.assign(1 + rng.below(300), 'L');
        if (rng.chance(50)) value[rng.below(value.size())] = delimiter;
      } else {
        value = random_text(rng, delimiter);
      }
      const bool must_quote = value.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos ||
                              (fields == 1 && value.empty());
      if (f > 0) d.text += delimiter;
      if (must_quote || rng.chance(10)) {
        d.text += '"';
        for (char c : value) {
          if (c == '"') d.text += '"';
          d.text += c;
        }
        d.text += '"';
        for (size_t k = 0; k < value.size(); ++k)
          if (value[k] == '\r' || (value[k] == '\n' && (k == 0 || value[k - 1] != '\r'))) ++line;
      } else {
        d.text += value;
      }
      w.fields.push_back(value);
    }
    w.end_line = line;
    d.want.push_back(w);
    d.text += line_ends[rng.below(3)];
    ++line;
  }
  return d;
}

}  // namespace

TEST_CASE("csv.mask_kernels_agree", "[csv]") {
  using preflight::detail::csv_kernel;
  corpus_rng rng(777);
  static const char bytes[] = {'a', ',', ';', '"', '\'', '\r', '\n', '\t', '|', '\0', ' ', '\x80', '\xff', '\x8d', '\x8a'};
  for (int doc = 0; doc < 300; ++doc) {
    const size_t blocks = rng.below(9);
    std::string s(blocks * 64 + rng.below(3), 'x');  // an odd tail the kernels must not read
    for (char& c : s) c = rng.chance(50) ? bytes[rng.below(std::size(bytes))] : static_cast<char>(rng.below(256));
    const char delimiter = rng.chance(80) ? ",;\t|"[rng.below(4)] : static_cast<char>(rng.below(256));
    // Quotes that the AVX2 kernel finds by table lookup ('"', '\''), and some it cannot: their
    // low 4 bits are LF's or CR's, or they are not ASCII.
    const char quote = rng.chance(70) ? '"' : "'*=\x8a\x82"[rng.below(5)];
    const split_masks want = reference_masks(s, delimiter, quote);
    const auto first_blocks = [blocks](const std::vector<uint64_t>& v) {
      return std::vector<uint64_t>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(blocks));
    };
    for (const csv_kernel k : {csv_kernel::baseline, csv_kernel::avx2}) {
      if (!preflight::detail::csv_kernel_available(k)) continue;
      std::vector<uint64_t> delimiters(blocks + 1, 0xDEADBEEFull);
      std::vector<uint64_t> specials(blocks + 1, 0xDEADBEEFull);
      preflight::detail::csv_stop_masks(k, s.data(), blocks, delimiter, quote, delimiters.data(), specials.data());
      INFO("kernel " << static_cast<int>(k) << " blocks " << blocks << " delimiter " << int(delimiter));
      CHECK(first_blocks(delimiters) == want.delimiters);
      CHECK(first_blocks(specials) == want.specials);
      CHECK(delimiters[blocks] == 0xDEADBEEFull);  // nothing written past the last block
      CHECK(specials[blocks] == 0xDEADBEEFull);
    }
  }
}

TEST_CASE("csv.long_documents_every_kernel_and_chunking", "[csv]") {
  // Many 4 KiB windows: block and window edges fall inside fields, quoted fields, CRLFs and
  // "" pairs. Every kernel, and chunkings around the window size, must give the known rows.
  using preflight::detail::csv_kernel;
  corpus_rng rng(31337);
  for (int doc = 0; doc < 6; ++doc) {
    const char delimiter = ",;\t|"[rng.below(4)];
    const written_doc d = write_long_doc(rng, delimiter, 40000 + rng.below(20000));
    const std::string want = describe(d.want, 0);
    for (const csv_kernel k : {csv_kernel::baseline, csv_kernel::avx2}) {
      if (!preflight::detail::csv_kernel_available(k)) continue;
      const forced_kernel use(k);
      for (const size_t chunk : {size_t{0}, size_t{1}, size_t{7}, size_t{63}, size_t{64}, size_t{65}, size_t{4095},
                                 size_t{4096}, size_t{4097}, size_t{10000}}) {
        INFO("doc " << doc << " kernel " << static_cast<int>(k) << " chunk " << chunk);
        CHECK(describe(run(d.text, make_dialect(delimiter), {}, chunk), false) == want);
      }
    }
  }
}

TEST_CASE("csv.stops_at_block_and_window_edges", "[csv]") {
  // The hot loop reads stop bits a 64-byte block at a time from a 4 KiB window, and clears
  // those at or past its limit bound inside a block. Slide a row with every kind of stop (a
  // quoted field with a delimiter, "" and a CRLF, an empty field, CRLF and LF row ends) across
  // block and window edges, with limits that fall inside a block, for every kernel and
  // chunking: the rows must be the known ones.
  using preflight::detail::csv_kernel;
  for (const csv_kernel k : {csv_kernel::baseline, csv_kernel::avx2}) {
    if (!preflight::detail::csv_kernel_available(k)) continue;
    const forced_kernel use(k);
    for (size_t shift = 4096 - 70; shift <= 4096 + 70; ++shift) {
      const std::string lead(shift, 'x');
      const std::string text = lead + ",\"a,\"\"b\r\nc\",,d\r\ne,\"f\"\ng\n";
      const std::vector<want_row> want = {
          {.fields = {lead, "a,\"b\r\nc", "", "d"}, .line = 1, .end_line = 2, .offset = 0},
          {.fields = {"e", "f"}, .line = 3, .end_line = 3, .offset = shift + 16},
          {.fields = {"g"}, .line = 4, .end_line = 4, .offset = shift + 22},
      };
      for (const size_t chunk : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{4096}}) {
        INFO("kernel " << static_cast<int>(k) << " shift " << shift << " chunk " << chunk);
        CHECK(describe(run(text, make_dialect(), {}, chunk), false) == describe(want, 0));
      }
      // A field limit that ends inside a block: the long first field is too large.
      const csv_limits small{.max_field_bytes = static_cast<uint32_t>(shift - 1)};
      const run_result r = run(text, make_dialect(), small);
      REQUIRE(r.rows.size() == 3);
      CHECK(r.rows[0].problem == row_problem::field_too_large);
      CHECK(r.rows[1].fields == want[1].fields);
    }
  }
}

// ---- the core invariant -----------------------------------------------------------------------

TEST_CASE("csv.chunking_property_cases", "[csv]") {
  for (const auto* table : all_tables()) {
    for (const csv_case& c : *table) {
      INFO("case " << c.name);
      check_chunking(c.input, make_dialect(c.delimiter, c.skip_bytes), c.limits);
    }
  }
}

TEST_CASE("csv.chunking_property_random_corpus", "[csv]") {
  corpus_rng rng(42);
  const csv_limits tiny{.max_field_bytes = 6, .max_row_bytes = 24, .max_columns = 4};
  for (int doc = 0; doc < 150; ++doc) {
    const char delimiter = rng.chance(80) ? ',' : ';';
    const std::string text = rng.chance(25) ? random_noise(rng) : random_csv(rng, delimiter);
    const uint32_t skip = rng.chance(10) ? static_cast<uint32_t>(rng.below(8)) : 0;
    check_chunking(text, make_dialect(delimiter, skip), {});
    check_chunking(text, make_dialect(delimiter, skip), tiny);
  }
}

// ---- memory stays bounded, time stays linear ----------------------------------------------

TEST_CASE("csv.huge_unquoted_field_memory_bounded", "[csv]") {
  const std::string input = "a," + std::string(10u << 20, 'x') + ",b\nnext\n";
  const run_result r = run(input, make_dialect(), {}, 64u << 10);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].fields == std::vector<std::string>{"a"});
  CHECK(r.rows[0].problem == row_problem::field_too_large);
  CHECK(r.rows[0].problem_column == 1);
  CHECK(r.rows[0].length == input.size() - 6);
  CHECK(r.rows[1].fields == std::vector<std::string>{"next"});
  CHECK(r.rows[1].line == 2);
  CHECK(r.max_buffered <= (1u << 20) + (64u << 10) + 16);
}

TEST_CASE("csv.huge_runaway_quote_memory_bounded", "[csv]") {
  // A quote that never closes, over 10 MB of 100-byte lines: the row is cut at the first
  // line end and every line after it comes back as its own row.
  std::string input = "id,\"start\n";
  const std::string line = std::string(99, 'y') + "\n";
  const size_t lines = (10u << 20) / line.size();
  for (size_t k = 0; k < lines; ++k) input += line;
  const run_result r = run(input, make_dialect(), {}, 64u << 10);
  REQUIRE(r.rows.size() == 1 + lines);
  CHECK(r.rows[0].fields == std::vector<std::string>{"id", "start"});
  CHECK(r.rows[0].problem == row_problem::unterminated_quote);
  CHECK(r.rows[0].problem_line == 1);
  CHECK(r.rows[1].line == 2);
  CHECK(r.rows[1].fields == std::vector<std::string>{std::string(99, 'y')});
  CHECK(r.rows.back().line == 1 + lines);
  CHECK(r.max_buffered <= (1u << 20) + 2 * (64u << 10));
}

TEST_CASE("csv.huge_quoted_field_on_one_line_memory_bounded", "[csv]") {
  const std::string input = "id,\"" + std::string(10u << 20, 'q') + "\",z\nnext\n";
  const run_result r = run(input, make_dialect(), {}, 64u << 10);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].problem == row_problem::unterminated_quote);
  CHECK(r.rows[0].fields.size() == 2);
  CHECK(r.rows[0].fields[1].size() == (1u << 20));  // cut to max_field_bytes
  CHECK(r.rows[0].length == input.size() - 6);
  CHECK(r.rows[1].fields == std::vector<std::string>{"next"});
  CHECK(r.max_buffered <= (1u << 20) + 2 * (64u << 10));
}

TEST_CASE("csv.huge_row_memory_bounded", "[csv]") {
  std::string input;
  for (int k = 0; k < 2'000'000; ++k) input += "ab,";  // 6 MB of short fields
  input += "end\nnext\n";
  const run_result r = run(input, make_dialect(), {.max_columns = 10'000'000}, 64u << 10);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].problem == row_problem::row_too_large);
  // The fields that ended within the first 4 MiB: "ab," is 3 bytes a field.
  CHECK(r.rows[0].problem_column == (4u << 20) / 3);
  CHECK(r.rows[0].fields.size() == (4u << 20) / 3);
  CHECK(r.rows[1].line == 2);
  CHECK(r.max_buffered <= (4u << 20) + (64u << 10) + 16);
}

TEST_CASE("csv.one_byte_pushes_are_linear", "[csv]") {
  // 4 MB in one quoted field, one byte per push: a rescan from the row start on every push
  // would be ~10^13 steps and never finish; a resumable scan takes a moment.
  std::string input = "k,\"" + std::string(4u << 20, 'v') + "\",w\n";
  tokenizer t(make_dialect(), {.max_field_bytes = 8u << 20, .max_row_bytes = 16u << 20});
  csv_row row;
  size_t rows = 0;
  for (char c : input) {
    t.push(std::string_view(&c, 1));
    while (t.next(row)) {
      ++rows;
      CHECK(row.fields.size() == 3);
      CHECK(row.fields[1].size() == (4u << 20));
    }
  }
  t.close();
  while (t.next(row)) ++rows;
  CHECK(rows == 1);
}

// ---- in-place scanning: the caller's chunks and the views' lifetimes ---------------------------

TEST_CASE("csv.in_place_every_split_into_three_chunks", "[csv]") {
  // Every pair of cut points: rows straddling two and three chunks, chunks ending at a row
  // end, on the CR of a CRLF, inside "" and inside a quoted line break.
  const std::string input = "id,\"a\"\"b\",c\r\n\"multi\r\nline\",\"x\"\"\"\nplain,,z\r\"q\"\n\n\"end\"\"\",w";
  const dialect d = make_dialect();
  for (const csv_limits limits : {csv_limits{}, csv_limits{.max_field_bytes = 5, .max_row_bytes = 12, .max_columns = 3}}) {
    const std::string whole = describe(run(input, d, limits, 0));
    for (size_t i = 1; i < input.size(); ++i) {
      for (size_t j = i + 1; j < input.size(); ++j) {
        INFO("cuts " << i << " " << j);
        tokenizer t(d, limits);
        run_result r;
        csv_row row;
        std::vector<got_row> rows;
        for (const std::string_view part :
             {std::string_view(input).substr(0, i), std::string_view(input).substr(i, j - i),
              std::string_view(input).substr(j)}) {
          owned_chunk c(part);
          t.push(c.view());
          while (t.next(row)) r.rows.push_back(copy_row(row));
          c.release();
        }
        finish_run(t, r, [&] {
          while (t.next(row)) r.rows.push_back(copy_row(row));
        });
        REQUIRE(describe(r) == whole);
      }
    }
  }
}

TEST_CASE("csv.unescaped_views_survive_until_next_push", "[csv]") {
  // Fields with "" are unescaped into storage that lives until the next push(), like plain
  // fields: enough of them to fill several arena blocks.
  std::string input;
  for (int r = 0; r < 3000; ++r)
    input += "\"x\"\"" + std::to_string(r) + "\",\"" + std::string(40, 'q') + "\"\"\",p" + std::to_string(r) + "\n";
  owned_chunk c(input);
  tokenizer t(make_dialect(), {});
  t.push(c.view());
  csv_row row;
  std::vector<std::string_view> held;
  while (t.next(row)) {
    CHECK_FALSE(row.views_reused);
    held.insert(held.end(), row.fields.begin(), row.fields.end());
  }
  REQUIRE(held.size() == 3 * 3000);
  for (size_t r = 0; r < 3000; ++r) {
    CHECK(held[3 * r] == "x\"" + std::to_string(r));
    CHECK(held[3 * r + 1] == std::string(40, 'q') + "\"");
    CHECK(held[3 * r + 2] == "p" + std::to_string(r));
  }
  c.release();
}

TEST_CASE("csv.caller_may_reuse_its_buffer_after_next_returns_false", "[csv]") {
  // One buffer, refilled for every chunk (as the Wasm binding does): rows straddling chunks
  // come out whole, and the rows of a chunk stay valid until its buffer is refilled.
  const std::string input = "name,note\r\nann,\"says \"\"hi\"\"\"\r\nbob,\"two\r\nlines\"\r\ncy,plain\r\n";
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    INFO("chunk " << chunk);
    tokenizer t(make_dialect(), {});
    std::string buffer;
    std::vector<std::string> got;
    csv_row row;
    for (size_t i = 0; i < input.size(); i += chunk) {
      buffer.assign(input.substr(i, chunk));
      t.push(buffer);
      std::vector<std::string_view> held;
      while (t.next(row)) held.insert(held.end(), row.fields.begin(), row.fields.end());
      got.insert(got.end(), held.begin(), held.end());
      buffer.assign(buffer.size(), '#');
    }
    t.close();
    while (t.next(row)) got.insert(got.end(), row.fields.begin(), row.fields.end());
    CHECK(got == std::vector<std::string>{"name", "note", "ann", "says \"hi\"", "bob", "two\r\nlines", "cy", "plain"});
  }
}

TEST_CASE("csv.rows_after_a_cut_quote_inside_the_carry_survive", "[csv]") {
  // A quote that opens at the end of one chunk and runs away in the next: the row is cut at
  // the quote's line end and the lines after it are read again from the tokenizer's own
  // copy, then a new quote sends it back for more input. The rows handed out before that
  // must keep their bytes until the next push().
  const csv_limits limits{.max_field_bytes = 8};
  const std::string first = "h1,h2\na,\"x";
  const std::string second = "1\nr2\nr3\nr4\nr5\nr6\nr7\nb,\"c\nd\"\nlast,row\n";
  const std::string whole = describe(run(first + second, make_dialect(), limits, 0));
  tokenizer t(make_dialect(), limits);
  owned_chunk one(first);
  owned_chunk two(second);
  csv_row row;
  run_result r;
  t.push(one.view());
  while (t.next(row)) r.rows.push_back(copy_row(row));
  one.release();
  t.push(two.view());
  std::vector<std::vector<std::string_view>> held;
  std::vector<got_row> meta;
  while (t.next(row)) {
    meta.push_back(copy_row(row));
    held.emplace_back(row.views_reused ? std::vector<std::string_view>{} : std::vector<std::string_view>(row.fields.begin(), row.fields.end()));
  }
  for (size_t k = 0; k < meta.size(); ++k) {
    if (!held[k].empty()) meta[k].fields.assign(held[k].begin(), held[k].end());
    r.rows.push_back(meta[k]);
  }
  two.release();
  finish_run(t, r, [&] {
    while (t.next(row)) r.rows.push_back(copy_row(row));
  });
  CHECK(describe(r) == whole);
  REQUIRE(r.rows.size() == 10);
  CHECK(r.rows[1].problem == row_problem::unterminated_quote);
  CHECK(r.rows[2].fields == std::vector<std::string>{"r2"});
  CHECK(r.rows[8].fields == std::vector<std::string>{"b", "c\nd"});
}

TEST_CASE("csv.in_place_problem_rows_across_chunks", "[csv]") {
  // Too-long fields and rows skipped across chunk boundaries, and an unterminated quote cut
  // at a line end, with the chunks released after each drain.
  std::string input = "a,b\n" + std::string(300, 'x') + ",y\n\"open," + std::string(50, 'o') + "\nnext,1\n";
  for (int k = 0; k < 40; ++k) input += "f" + std::to_string(k) + ",";
  input += "end\n" + std::string(60, 'r') + "," + std::string(60, 'v') + "," + std::string(60, 's') + "," + std::string(60, 't') + ",u\nlast,\"q\"\"\"\n";
  const csv_limits limits{.max_field_bytes = 64, .max_row_bytes = 200, .max_columns = 30};
  const std::string whole = describe(run(input, make_dialect(), limits, 0));
  CHECK(whole.find("field_too_large") != std::string::npos);
  CHECK(whole.find("unterminated_quote") != std::string::npos);
  CHECK(whole.find("too_many_columns") != std::string::npos);
  CHECK(whole.find("row_too_large") != std::string::npos);
  for (const size_t chunk : std::vector<size_t>{1, 2, 3, 5, 17, 31, 64, 99, 128, 257}) {
    INFO("chunk " << chunk);
    CHECK(describe(run_released(input, make_dialect(), limits, chunk)) == whole);
    CHECK(describe(run_released(input, make_dialect(), limits, chunk, 3)) == whole);
  }
}
