// Tests for dialect.h: the sep= line, delimiter scoring, header detection, user overrides.
#include <catch2/catch.hpp>

#include <string>

#include "preflight/dialect.h"

using preflight::detect_dialect;
using preflight::dialect;
using preflight::dialect_options;

namespace {

dialect sniff(std::string_view head, bool is_whole_file = true) {
  return detect_dialect(head, dialect_options{}, is_whole_file);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

TEST_CASE("dialect.delimiter_names", "[dialect]") {
  CHECK(preflight::delimiter_name(',') == "comma");
  CHECK(preflight::delimiter_name(';') == "semicolon");
  CHECK(preflight::delimiter_name('\t') == "tab");
  CHECK(preflight::delimiter_name('|') == "pipe");
  CHECK(preflight::delimiter_name(':') == "':'");
  CHECK(preflight::delimiter_name('#') == "'#'");
}

// ---------------------------------------------------------------------------------------
// Delimiters
// ---------------------------------------------------------------------------------------

TEST_CASE("dialect.each_delimiter", "[dialect]") {
  struct sample {
    const char* text;
    char delimiter;
    const char* reason;
  };
  const sample samples[] = {
      {"first_name,last_name,email\nAnn,Lee,a@x.io\nBo,Chan,b@x.io\n", ',',
       "',' splits 3 of 3 rows into 3 fields"},
      {"first_name;last_name;email\nAnn;Lee;a@x.io\nBo;Chan;b@x.io\n", ';',
       "';' splits 3 of 3 rows into 3 fields"},
      {"first_name\tlast_name\temail\r\nAnn\tLee\ta@x.io\r\n", '\t',
       "tab splits 2 of 2 rows into 3 fields"},
      {"first_name|last_name\nAnn|Lee\nBo|Chan\nCy|Dee\n", '|',
       "'|' splits 4 of 4 rows into 2 fields"},
  };
  // ':' is no candidate: times and URLs in a one-column file must not split.
  CHECK(sniff("a:b:c\nd:e:f\n").delimiter.value == ',');
  for (const sample& s : samples) {
    const dialect d = sniff(s.text);
    INFO(s.text);
    CHECK(d.delimiter.value == s.delimiter);
    CHECK_FALSE(d.delimiter.set_by_user);
    CHECK(d.reason == s.reason);
    CHECK(d.quote == '"');
    CHECK(d.skip_bytes == 0);
    CHECK_FALSE(d.sep_line);
  }
}

TEST_CASE("dialect.quoted_delimiters_do_not_count", "[dialect]") {
  // A naive count sees more commas than semicolons on every line. Quote-aware, ',' splits
  // only where a quote does not open at a field start, which varies from row to row.
  const char* text =
      "\"name, full\";\"notes, with, commas\";id\n"
      "\"Lee, Ann\";\"likes a, b, c\";1\n"
      "\"Chan, Bo\";\"x, y\";2\n"
      "\"Dee, Cy\";\"plain\";3\n";
  const dialect d = sniff(text);
  CHECK(d.delimiter.value == ';');
  CHECK(d.reason == "';' splits 4 of 4 rows into 3 fields");
  // Every field quoted, commas inside each: ',' never splits at all.
  const dialect all_quoted = sniff("\"a,b\"|\"c,d,e\"\n\"f\"|\"g,h\"\n");
  CHECK(all_quoted.delimiter.value == '|');
  CHECK(all_quoted.reason == "'|' splits 2 of 2 rows into 2 fields");
}

TEST_CASE("dialect.quoted_field_spanning_lines_is_one_row", "[dialect]") {
  const char* text =
      "name|notes|id\n"
      "Ann|\"line one\nline two; with | pipe\"|1\n"
      "Bo|\"say \"\"hi\"\"\"|2\n";
  const dialect d = sniff(text);
  CHECK(d.delimiter.value == '|');
  CHECK(d.reason == "'|' splits 3 of 3 rows into 3 fields");
}

TEST_CASE("dialect.decimal_commas_in_a_semicolon_file", "[dialect]") {
  const dialect d = sniff("name;amount;rate\nA;1,5;0,25\nB;2,25;1,75\nC;3;4\n");
  CHECK(d.delimiter.value == ';');
  CHECK(d.reason == "';' splits 4 of 4 rows into 3 fields");
}

TEST_CASE("dialect.ties_go_to_the_earlier_candidate", "[dialect]") {
  // ',' and ';' both split the one row into two fields: ',' comes first.
  CHECK(sniff("a,b;c\n").delimiter.value == ',');
  // More fields beats priority at equal consistency.
  CHECK(sniff("a,b;c;d\n").delimiter.value == ';');
}

TEST_CASE("dialect.blank_lines_are_not_rows", "[dialect]") {
  const dialect d = sniff("a;b\n\n1;2\r\n\r\n3;4\n");
  CHECK(d.delimiter.value == ';');
  CHECK(d.reason == "';' splits 3 of 3 rows into 2 fields");
}

TEST_CASE("dialect.final_partial_line_is_ignored_unless_whole_file", "[dialect]") {
  const std::string text = "a;b\n1;2\nx,y,z,w,v";
  CHECK(sniff(text, false).reason == "';' splits 2 of 2 rows into 2 fields");
  CHECK(sniff(text, true).reason == "';' splits 2 of 3 rows into 2 fields");
}

TEST_CASE("dialect.head_without_any_line_break", "[dialect]") {
  // A partial head that is one long first line: that line is still the best evidence.
  const dialect d = sniff("id;name;email;phone;notes", false);
  CHECK(d.delimiter.value == ';');
  CHECK(d.reason == "';' splits 1 of 1 row into 5 fields");
}

TEST_CASE("dialect.looks_at_200_rows", "[dialect]") {
  std::string text = "a|b|c\n";
  for (int i = 0; i < 300; ++i) text += "1|2|3\n";
  CHECK(sniff(text).reason == "'|' splits 200 of 200 rows into 3 fields");
}

TEST_CASE("dialect.most_consistent_count_wins", "[dialect]") {
  // ',' splits every row into 2 fields; ';' splits some rows into 3 and others into 2.
  const char* text = "a,b\nc;d;e,f\ng,h\ni,j\nk;l,m\n";
  const dialect d = sniff(text);
  CHECK(d.delimiter.value == ',');
  CHECK(d.reason == "',' splits 5 of 5 rows into 2 fields");
}

TEST_CASE("dialect.single_column_falls_back_to_comma", "[dialect]") {
  const dialect d = sniff("email\na@x.io\nb@x.io\n");
  CHECK(d.delimiter.value == ',');
  CHECK_FALSE(d.delimiter.set_by_user);
  CHECK(d.reason == "no candidate splits the rows into several fields; assuming ','");
  CHECK(d.has_header.value);
}

TEST_CASE("dialect.empty_input", "[dialect]") {
  for (const char* text : {"", "\n\n", "\r\n"}) {
    const dialect d = sniff(text);
    INFO("text of " << std::string(text).size() << " bytes");
    CHECK(d.delimiter.value == ',');
    CHECK(d.reason == "no rows to sniff; assuming ','");
    CHECK(d.has_header.value);
    CHECK_FALSE(d.has_header.set_by_user);
    CHECK(d.skip_bytes == 0);
  }
}

// ---------------------------------------------------------------------------------------
// The sep= line
// ---------------------------------------------------------------------------------------

TEST_CASE("dialect.sep_line_with_every_line_break", "[dialect]") {
  struct sample {
    std::string text;
    uint32_t skip;
  };
  const sample samples[] = {
      {"sep=;\r\na,b;c\n1,5;2\n", 7},
      {"sep=;\na,b;c\n1,5;2\n", 6},
      {"sep=;\ra,b;c\r1,5;2\r", 6},
      {"SEP=;\r\na,b;c\n", 7},
      {"Sep=;", 5},
  };
  for (const sample& s : samples) {
    const dialect d = sniff(s.text);
    INFO(s.text);
    CHECK(d.sep_line);
    CHECK(d.delimiter.value == ';');
    CHECK_FALSE(d.delimiter.set_by_user);
    CHECK(d.skip_bytes == s.skip);
    CHECK(d.reason == "named by the sep= line");
  }
}

TEST_CASE("dialect.sep_line_tab", "[dialect]") {
  const dialect d = sniff("sep=\t\nname\tcity\nAnn\tRome\n");
  CHECK(d.sep_line);
  CHECK(d.delimiter.value == '\t');
  CHECK(d.skip_bytes == 6);
}

TEST_CASE("dialect.not_a_sep_line", "[dialect]") {
  for (const char* text : {"sep=;x\na;b\n", "sep=\na;b\n", "sep:;\na;b\n", "se", "sep="}) {
    const dialect d = sniff(text);
    INFO(text);
    CHECK_FALSE(d.sep_line);
    CHECK(d.skip_bytes == 0);
  }
}

TEST_CASE("dialect.sep_line_is_skipped_before_header_detection", "[dialect]") {
  // Without skipping, the first row would be "sep=;" and the header test would see it.
  const dialect d = sniff("sep=;\n2024-01-01;a@x.io\n2024-01-02;b@x.io\n");
  CHECK(d.delimiter.value == ';');
  CHECK_FALSE(d.has_header.value);
}

// ---------------------------------------------------------------------------------------
// User options
// ---------------------------------------------------------------------------------------

TEST_CASE("dialect.user_delimiter_wins_but_sep_line_is_still_skipped", "[dialect]") {
  dialect_options opts;
  opts.delimiter = '|';
  const dialect d = detect_dialect("sep=;\na;b\n1;2\n", opts, true);
  CHECK(d.delimiter.value == '|');
  CHECK(d.delimiter.set_by_user);
  CHECK(d.sep_line);
  CHECK(d.skip_bytes == 6);
  CHECK(d.reason == "set by user");
}

TEST_CASE("dialect.user_delimiter_over_sniffing", "[dialect]") {
  dialect_options opts;
  opts.delimiter = ';';
  const dialect d = detect_dialect("a,b,c\n1,2,3\n", opts, true);
  CHECK(d.delimiter.value == ';');
  CHECK(d.delimiter.set_by_user);
}

TEST_CASE("dialect.user_header_choice_wins", "[dialect]") {
  dialect_options opts;
  opts.has_header = true;
  // Sniffing alone would call this first row data.
  const dialect forced = detect_dialect("a@x.io,1\nb@x.io,2\n", opts, true);
  CHECK(forced.has_header.value);
  CHECK(forced.has_header.set_by_user);
  CHECK_FALSE(sniff("a@x.io,1\nb@x.io,2\n").has_header.value);

  opts.has_header = false;
  const dialect none = detect_dialect("email,id\na@x.io,2\n", opts, true);
  CHECK_FALSE(none.has_header.value);
  CHECK(none.has_header.set_by_user);
}

TEST_CASE("dialect.user_quote_is_used_for_sniffing", "[dialect]") {
  dialect_options opts;
  opts.quote = '\'';
  const dialect d = detect_dialect("'a;b',c\n'd;e',f\n'g;h',i\n", opts, true);
  CHECK(d.quote == '\'');
  CHECK(d.delimiter.value == ',');
  CHECK(d.reason == "',' splits 3 of 3 rows into 2 fields");
  // With the default quote, the ' is data and ';' splits too: both 3 rows into 2 fields,
  // and ',' wins on priority — so check a case where the quote changes the answer.
  const dialect dq = detect_dialect("'a;b;c',d\n'e;f;g',h\n", opts, true);
  CHECK(dq.delimiter.value == ',');
  CHECK(sniff("'a;b;c',d\n'e;f;g',h\n").delimiter.value == ';');
}

// ---------------------------------------------------------------------------------------
// Header detection
// ---------------------------------------------------------------------------------------

TEST_CASE("dialect.header_row_over_data", "[dialect]") {
  const dialect d = sniff(
      "id,email,date_of_birth,uuid\n"
      "1,a@x.io,31/01/1980,123e4567-e89b-12d3-a456-426614174000\n"
      "2,b@x.io,1985-07-04,223e4567-e89b-12d3-a456-426614174000\n");
  CHECK(d.has_header.value);
  CHECK_FALSE(d.has_header.set_by_user);
}

TEST_CASE("dialect.no_header_when_first_row_is_data", "[dialect]") {
  const char* by_email = "Ann,a@x.io\nBo,b@x.io\nCy,c@x.io\n";
  const char* by_date = "Ann;31/01/1980\nBo;04.07.1985\n";
  const char* by_iso_date = "Ann;2024-01-31T10:00\nBo;2024-02-01\n";
  const char* by_uuid =
      "123e4567-e89b-12d3-a456-426614174000|x\n"
      "223E4567-E89B-12D3-A456-426614174000|y\n";
  const char* by_number = "Ann\t-12\nBo\t3,5\nCy\t7\n";
  for (const char* text : {by_email, by_date, by_iso_date, by_uuid, by_number}) {
    INFO(text);
    CHECK_FALSE(sniff(text).has_header.value);
  }
}

TEST_CASE("dialect.empty_first_cells_do_not_make_data", "[dialect]") {
  // The first row's empty cells sit over numbers, but empty says nothing.
  const dialect d = sniff("name,,\nAnn,1,2\nBo,3,4\n");
  CHECK(d.has_header.value);
}

TEST_CASE("dialect.header_needs_the_shape_shared_below", "[dialect]") {
  // "2024" looks like a number, but the column below holds names: still a header.
  CHECK(sniff("name,2024\nAnn,Rome\nBo,Oslo\n").has_header.value);
  // A title line with another width is not data, whatever its cells look like.
  CHECK(sniff("2024-01-31\nid,name\n1,Ann\n2,Bo\n2,Bo\n").has_header.value);
  // Even when it has the shape of the first column (an export date over dated rows).
  CHECK(sniff("31/01/2024\n01/02/2024;Ann;x\n02/02/2024;Bo;y\n").has_header.value);
  CHECK_FALSE(sniff("31/01/2024;Cy;z\n01/02/2024;Ann;x\n02/02/2024;Bo;y\n").has_header.value);
}

TEST_CASE("dialect.single_row_file", "[dialect]") {
  CHECK(sniff("email,name\n").has_header.value);
  CHECK_FALSE(sniff("a@x.io,Ann\n").has_header.value);
}

TEST_CASE("dialect.quoted_cells_are_unquoted_for_header_detection", "[dialect]") {
  CHECK_FALSE(sniff("\"Ann\",\" 42 \"\n\"Bo\",\"7\"\n").has_header.value);
  CHECK(sniff("\"name\",\"age\"\n\"Bo\",\"7\"\n").has_header.value);
}
