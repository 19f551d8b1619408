// batch_writer: canonical header, exact cells, CRLF, splitting by rows and by bytes.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/batch.h"
#include "preflight/csv.h"

using preflight::batch;
using preflight::batch_options;
using preflight::batch_writer;

namespace {

using rows_t = std::vector<std::vector<std::string>>;

/// A deliberately tiny, strict RFC 4180 reader (',' and '"', CRLF records) so a batch can
/// be checked by parsing it back. Throws on anything that is not well-formed.
rows_t parse_rfc4180(std::string_view text) {
  rows_t rows;
  std::vector<std::string> row;
  std::string cell;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {  // quoted cell
      ++i;
      for (;;) {
        if (i >= text.size()) throw std::runtime_error("unterminated quote");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.push_back(text[i++]);
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') throw std::runtime_error("quote in unquoted cell");
        cell.push_back(text[i++]);
      }
    }
    row.push_back(std::move(cell));
    cell.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") throw std::runtime_error("record not ended by CRLF");
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
  }
  return rows;
}

std::vector<batch> drain(batch_writer& w) {
  std::vector<batch> out;
  batch b;
  while (w.next(b)) out.push_back(std::move(b));
  return out;
}

void add(batch_writer& w, std::vector<std::string_view> values, uint64_t line) { w.add(values, line); }

}  // namespace

TEST_CASE("batch.header_and_exact_rows", "[batch]") {
  batch_writer w({"first_name", "last_name", "email"});
  add(w, {"Ann", "O'Neil, Jr", "ann@example.com"}, 2);
  add(w, {"=1+2", "say \"hi\"", ""}, 3);
  add(w, {" lead", "multi\nline", "x@y.z"}, 5);
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 1);
  const batch& b = batches[0];
  CHECK(b.index == 0);
  CHECK(b.rows == 3);
  CHECK(b.first_line == 2);
  CHECK(b.last_line == 5);
  CHECK(b.csv ==
        "first_name,last_name,email\r\n"
        "Ann,\"O'Neil, Jr\",ann@example.com\r\n"
        "=1+2,\"say \"\"hi\"\"\",\r\n"  // exact: never neutralised, quoted only where needed
        "\" lead\",\"multi\nline\",x@y.z\r\n");
  CHECK(w.rows_written() == 3);
  CHECK(w.batches_closed() == 1);
}

TEST_CASE("batch.parses_back_to_the_same_values", "[batch]") {
  const std::vector<std::vector<std::string>> values{
      {"a", "b,c", "d\"e"}, {"", "\r\n", " x "}, {"caf\xC3\xA9", "=HYPERLINK(\"u\")", "\t"}};
  batch_writer w({"h1", "h 2", "h,3"});
  uint64_t line = 2;
  for (const auto& v : values) {
    const std::vector<std::string_view> views(v.begin(), v.end());
    w.add(views, line++);
  }
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 1);
  rows_t expected{{"h1", "h 2", "h,3"}};
  expected.insert(expected.end(), values.begin(), values.end());
  CHECK(parse_rfc4180(batches[0].csv) == expected);
}

TEST_CASE("batch.single_column_empty_value_survives", "[batch]") {
  batch_writer w({"note"});
  add(w, {""}, 2);
  add(w, {"x"}, 3);
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 1);
  CHECK(batches[0].csv == "note\r\n\"\"\r\nx\r\n");
  CHECK(parse_rfc4180(batches[0].csv) == rows_t{{"note"}, {""}, {"x"}});
}

TEST_CASE("batch.split_by_rows", "[batch]") {
  batch_writer w({"n"}, batch_options{2, 1u << 20});
  for (uint64_t i = 1; i <= 5; ++i) {
    const std::string v = std::to_string(i);
    add(w, {v}, i + 1);
  }
  // Full batches close as soon as they are full, before flush().
  CHECK(w.batches_closed() == 2);
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].csv == "n\r\n1\r\n2\r\n");
  CHECK(batches[1].csv == "n\r\n3\r\n4\r\n");
  CHECK(batches[2].csv == "n\r\n5\r\n");
  CHECK(batches[0].index == 0);
  CHECK(batches[1].index == 1);
  CHECK(batches[2].index == 2);
  CHECK(batches[1].rows == 2);
  CHECK(batches[2].rows == 1);
  CHECK(batches[1].first_line == 4);
  CHECK(batches[1].last_line == 5);
  CHECK(batches[2].first_line == 6);
  CHECK(batches[2].last_line == 6);
  CHECK(w.rows_written() == 5);
}

TEST_CASE("batch.split_by_bytes", "[batch]") {
  // Header "id\r\n" = 4 bytes; each row "aaaa\r\n" = 6 bytes. 16 bytes fit header + 2 rows.
  batch_writer w({"id"}, batch_options{1000, 16});
  for (uint64_t i = 0; i < 5; ++i) add(w, {"aaaa"}, 10 + i);
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 3);
  for (const batch& b : batches) CHECK(b.csv.size() <= 16);
  CHECK(batches[0].csv == "id\r\naaaa\r\naaaa\r\n");
  CHECK(batches[1].csv == "id\r\naaaa\r\naaaa\r\n");
  CHECK(batches[2].csv == "id\r\naaaa\r\n");
  CHECK(batches[1].first_line == 12);
  CHECK(batches[2].first_line == 14);
}

TEST_CASE("batch.exactly_full_by_bytes_closes", "[batch]") {
  // Header 4 + row 6 = 10 = max_bytes: the batch is full; the next row starts a new one.
  batch_writer w({"id"}, batch_options{1000, 10});
  add(w, {"aaaa"}, 2);
  CHECK(w.batches_closed() == 1);
  add(w, {"bb"}, 3);
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 2);
  CHECK(batches[0].csv == "id\r\naaaa\r\n");
  CHECK(batches[1].csv == "id\r\nbb\r\n");
}

TEST_CASE("batch.oversized_row_gets_its_own_batch", "[batch]") {
  batch_writer w({"id"}, batch_options{1000, 16});
  const std::string big(40, 'x');
  add(w, {"a"}, 2);
  add(w, {big}, 3);
  add(w, {"b"}, 4);
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].csv == "id\r\na\r\n");
  CHECK(batches[1].csv == "id\r\n" + big + "\r\n");
  CHECK(batches[1].rows == 1);
  CHECK(batches[1].first_line == 3);
  CHECK(batches[1].last_line == 3);
  CHECK(batches[2].csv == "id\r\nb\r\n");
  CHECK(w.rows_written() == 3);
}

TEST_CASE("batch.empty_input_gives_no_batch", "[batch]") {
  batch_writer w({"a", "b"});
  w.flush();
  w.flush();
  batch b;
  CHECK_FALSE(w.next(b));
  CHECK(w.batches_closed() == 0);
  CHECK(w.rows_written() == 0);
}

TEST_CASE("batch.deterministic", "[batch]") {
  auto build = [] {
    batch_writer w({"k", "v"}, batch_options{3, 64});
    for (uint64_t i = 0; i < 20; ++i) {
      const std::string k = "key" + std::to_string(i);
      const std::string v = (i % 3 == 0) ? "a,b" : std::string(static_cast<size_t>(i), 'v');
      add(w, {k, v}, i + 2);
    }
    w.flush();
    return drain(w);
  };
  const auto a = build();
  const auto b = build();
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() > 3);
  uint64_t rows = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].csv == b[i].csv);
    CHECK(a[i].index == i);
    CHECK(a[i].rows <= 3);
    CHECK(a[i].csv.size() <= 64);  // no row here is larger than a batch
    CHECK(a[i].first_line == rows + 2);
    rows += a[i].rows;
    CHECK(a[i].last_line == rows + 1);
    CHECK(parse_rfc4180(a[i].csv).size() == a[i].rows + 1);
  }
  CHECK(rows == 20);
}

TEST_CASE("batch.next_drains_in_order_while_streaming", "[batch]") {
  batch_writer w({"n"}, batch_options{1, 1u << 20});
  batch b;
  CHECK_FALSE(w.next(b));
  add(w, {"1"}, 2);
  REQUIRE(w.next(b));  // available at once: a 1-row batch is full
  CHECK(b.csv == "n\r\n1\r\n");
  CHECK_FALSE(w.next(b));
  add(w, {"2"}, 3);
  add(w, {"3"}, 4);
  REQUIRE(w.next(b));
  CHECK(b.index == 1);
  REQUIRE(w.next(b));
  CHECK(b.index == 2);
  CHECK(b.csv == "n\r\n3\r\n");
}

TEST_CASE("batch.zero_max_rows_means_one", "[batch]") {
  batch_writer w({"n"}, batch_options{0, 1u << 20});
  add(w, {"1"}, 2);
  add(w, {"2"}, 3);
  w.flush();
  CHECK(drain(w).size() == 2);
}

TEST_CASE("batch.parses_back_through_the_tokenizer", "[batch]") {
  // Cross-check with the engine's own reader: what we post is what it would read.
  const std::vector<std::vector<std::string>> values{
      {"a", "b,c", "d\"e"}, {"", "\r\n", " x "}, {"caf\xC3\xA9", "line1\nline2", "\t"}, {"", "", ""}};
  batch_writer w({"h1", "h 2", "h,3"});
  uint64_t line = 2;
  for (const auto& v : values) {
    const std::vector<std::string_view> views(v.begin(), v.end());
    w.add(views, line++);
  }
  w.flush();
  const auto batches = drain(w);
  REQUIRE(batches.size() == 1);

  preflight::tokenizer t{preflight::dialect{}};
  t.push(batches[0].csv);
  t.close();
  rows_t got;
  preflight::csv_row row;
  while (t.next(row)) {
    CHECK(row.problem == preflight::row_problem::none);
    CHECK_FALSE(row.stray_quote);
    got.emplace_back(row.fields.begin(), row.fields.end());
  }
  rows_t expected{{"h1", "h 2", "h,3"}};
  expected.insert(expected.end(), values.begin(), values.end());
  CHECK(got == expected);
  CHECK(t.blank_lines() == 0);
}
