// csv_writer: exact quoting for the CRM, neutralised cells for spreadsheets.
// Expected outputs are exact bytes (robustness.md §3 test vectors).
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "preflight/csv_writer.h"

using preflight::append_csv_cell;
using preflight::append_csv_row;
using preflight::csv_cell_policy;
using namespace std::string_literals;

namespace {

std::string neutralised(std::string_view cell) {
  std::string out;
  append_csv_cell(out, cell, csv_cell_policy::neutralised);
  return out;
}

std::string exact(std::string_view cell, char delimiter = ',') {
  std::string out;
  append_csv_cell(out, cell, csv_cell_policy::exact, delimiter);
  return out;
}

}  // namespace

TEST_CASE("csv_writer.neutralised_formula_vectors", "[csv_writer]") {
  CHECK(neutralised("=1+2") == "\"'=1+2\"");
  CHECK(neutralised("=1+2\nx") == "\"'=1+2\nx\"");  // Papa 5.7.1's regex misses this one
  CHECK(neutralised("\n=1+2") == "\"'\n=1+2\"");
  CHECK(neutralised("@SUM(A1)") == "\"'@SUM(A1)\"");
  CHECK(neutralised("+1+1") == "\"'+1+1\"");
  CHECK(neutralised("-1-1") == "\"'-1-1\"");
  CHECK(neutralised("\t=1") == "\"'\t=1\"");
  CHECK(neutralised("\r=1") == "\"'\r=1\"");
  CHECK(neutralised("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(neutralised("=cmd|' /C calc'!A0") == "\"'=cmd|' /C calc'!A0\"");
}

TEST_CASE("csv_writer.neutralised_breakouts_stay_in_one_cell", "[csv_writer]") {
  // The delimiter and the quote are inside the quoted cell; nothing can start a new one.
  CHECK(neutralised("a,=1") == "\"a,=1\"");
  CHECK(neutralised("a\";=1") == "\"a\"\";=1\"");
  // OWASP's own examples.
  CHECK(neutralised("=1+2\";=1+2") == "\"'=1+2\"\";=1+2\"");
  CHECK(neutralised("=1+2'\" ;,=1+2") == "\"'=1+2'\"\" ;,=1+2\"");
}

TEST_CASE("csv_writer.neutralised_nul_bytes", "[csv_writer]") {
  CHECK(neutralised("\0=1"s) == "\"'\0=1\""s);  // leading NUL: prefixed (ASVS 1.2.10)
  CHECK(neutralised("a\0b"s) == "\"a\0b\""s);   // embedded NUL: kept, no prefix
  CHECK(neutralised("\0"s) == "\"'\0\""s);
}

TEST_CASE("csv_writer.neutralised_plain_cells_are_quoted_unchanged", "[csv_writer]") {
  CHECK(neutralised("") == "\"\"");
  CHECK(neutralised("Smith") == "\"Smith\"");
  CHECK(neutralised(" =1") == "\" =1\"");  // only the first byte is tested
  CHECK(neutralised("1=2") == "\"1=2\"");
  CHECK(neutralised("'quoted'") == "\"'quoted'\"");  // an apostrophe is not a trigger
}

TEST_CASE("csv_writer.is_formula_trigger", "[csv_writer]") {
  using preflight::is_formula_trigger;
  for (const char c : "=+-@\t\r\n"s + '\0') {
    INFO("byte " << static_cast<int>(c));
    CHECK(is_formula_trigger(std::string(1, c) + "x"));
  }
  CHECK_FALSE(is_formula_trigger(""));
  CHECK_FALSE(is_formula_trigger("x=1"));
  CHECK_FALSE(is_formula_trigger(" =1"));
  CHECK_FALSE(is_formula_trigger("'=1"));
  CHECK_FALSE(is_formula_trigger("\xEF\xBC\x9D" "1"));  // fullwidth '=' is text
}

TEST_CASE("csv_writer.exact_quotes_only_when_needed", "[csv_writer]") {
  CHECK(exact("") == "");
  CHECK(exact("Smith") == "Smith");
  CHECK(exact("=1+2") == "=1+2");  // values are never altered for the CRM
  CHECK(exact("-5") == "-5");
  CHECK(exact("a,b") == "\"a,b\"");
  CHECK(exact("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(exact("\"") == "\"\"\"\"");
  CHECK(exact("a\nb") == "\"a\nb\"");
  CHECK(exact("a\rb") == "\"a\rb\"");
  CHECK(exact(" a") == "\" a\"");
  CHECK(exact("a ") == "\"a \"");
  CHECK(exact("\ta") == "\"\ta\"");
  CHECK(exact("a\t") == "\"a\t\"");
  CHECK(exact("a b") == "a b");  // inner blanks are safe
  CHECK(exact("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("csv_writer.exact_respects_the_delimiter", "[csv_writer]") {
  CHECK(exact("a,b", ';') == "a,b");
  CHECK(exact("a;b", ';') == "\"a;b\"");
  CHECK(exact("a|b", '|') == "\"a|b\"");
  CHECK(exact("a;b", ',') == "a;b");
}

TEST_CASE("csv_writer.rows", "[csv_writer]") {
  std::string out;
  const std::vector<std::string_view> cells{"a", "b c", "x,y", ""};
  append_csv_row(out, cells, csv_cell_policy::exact);
  CHECK(out == "a,b c,\"x,y\",\r\n");

  out.clear();
  append_csv_row(out, cells, csv_cell_policy::neutralised, ';', "\n");
  CHECK(out == "\"a\";\"b c\";\"x,y\";\"\"\n");

  out = "keep:";  // appends, never clears
  const std::vector<std::string_view> two{"1", "=2"};
  append_csv_row(out, two, csv_cell_policy::neutralised);
  CHECK(out == "keep:\"1\",\"'=2\"\r\n");
}

TEST_CASE("csv_writer.single_empty_cell_row_is_not_a_blank_line", "[csv_writer]") {
  std::string out;
  const std::vector<std::string_view> one_empty{""};
  append_csv_row(out, one_empty, csv_cell_policy::exact);
  CHECK(out == "\"\"\r\n");
  out.clear();
  const std::vector<std::string_view> two_empty{"", ""};
  append_csv_row(out, two_empty, csv_cell_policy::exact);
  CHECK(out == ",\r\n");
}

TEST_CASE("csv_writer.exact_scan_matches_a_byte_by_byte_reference", "[csv_writer]") {
  // The exact-policy scan reads 8 bytes at a time; check every length and position
  // against the obvious rule, with filler bytes from ASCII and from the high half.
  auto reference = [](std::string_view cell, char delimiter) {
    if (cell.empty()) return false;
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    if (blank(cell.front()) || blank(cell.back())) return true;
    for (const char c : cell) {
      if (c == '"' || c == '\r' || c == '\n' || c == delimiter) return true;
    }
    return false;
  };
  const std::string fillers = "a\x80\xFF\x01\x2B\x3B\x21\x7F";  // '+' ';' '!' near the specials
  const std::string specials = "\",\r\n;";
  int checked = 0;
  for (const char fill : fillers) {
    for (size_t len = 1; len <= 19; ++len) {
      for (const char delimiter : {',', ';', '\t', '|'}) {
        const std::string plain(len, fill);
        const bool want_plain = reference(plain, delimiter);
        CHECK((exact(plain, delimiter).front() == '"') == want_plain);
        for (size_t pos = 0; pos < len; ++pos) {
          for (const char sp : specials) {
            std::string cell = plain;
            cell[pos] = sp;
            const bool want = reference(cell, delimiter);
            const std::string got = exact(cell, delimiter);
            INFO("len " << len << " pos " << pos << " byte " << static_cast<int>(sp) << " delim "
                        << static_cast<int>(delimiter));
            REQUIRE((got.size() != cell.size()) == want);  // quoted exactly when the rule says
            ++checked;
          }
        }
      }
    }
  }
  CHECK(checked == 8 * 4 * 5 * (19 * 20 / 2));
}
