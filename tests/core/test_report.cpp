// report: the summary JSON (whole documents) and the error CSV (exact bytes).
#include <catch2/catch.hpp>

#include <deque>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "preflight/report.h"

using preflight::failed_row;
using preflight::report_builder;
using preflight::report_options;
using preflight::row_failure;
using preflight::summary;

namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

/// Keeps a message made at run time alive for the whole test run (row_failure holds views).
std::string_view keep(std::string text) {
  static std::deque<std::string> store;
  return store.emplace_back(std::move(text));
}

/// A failed row that owns its text, so tests can write rows as literals.
struct row_spec {
  uint64_t line = 0;
  uint64_t offset = 0;
  std::vector<std::string> cells;
  std::vector<std::pair<std::string, std::string>> record;
  std::vector<row_failure> failures;
};

void add_failed(report_builder& b, const row_spec& r) {
  const std::vector<std::string_view> cells(r.cells.begin(), r.cells.end());
  std::vector<std::pair<std::string_view, std::string_view>> record;
  for (const auto& [k, v] : r.record) record.emplace_back(k, v);
  failed_row row;
  row.line = r.line;
  row.offset = r.offset;
  row.cells = cells;
  row.record = record;
  row.failures = r.failures;
  b.add_failed_row(row);
}

const std::vector<std::string> client_headers{"fname", "lname", "email", "notes"};

row_spec row_line3() {
  return {3, 40, {"", "Smith", "not-an-email", "=1+2"},
          {{"first_name", ""}, {"last_name", "Smith"}, {"email", "not-an-email"}},
          {{"first_name", "required", "The first name field is required."},
           {"email", "email", "The email field must be a valid email address."}}};
}

row_spec row_line5_ragged() {
  return {5, 90, {"Bo", "Li", ""},
          {{"first_name", "Bo"}, {"last_name", "Li"}, {"email", ""}},
          {{"email", "required", "The email field is required."},
           {"_row", "columns", "Row has 3 cells; the header has 4."}}};
}

row_spec simple_row(uint64_t line, std::string_view field, std::string_view rule) {
  row_spec r;
  r.line = line;
  r.offset = line * 10;
  r.cells = {"v" + std::to_string(line)};
  r.record = {{std::string(field), r.cells[0]}};
  r.failures = {{field, rule, keep("The " + std::string(field) + " field failed " + std::string(rule) + ".")}};
  return r;
}

const std::string expected_client_csv =
    std::string(bom) +
    "\"line\",\"fname\",\"lname\",\"email\",\"notes\",\"errors\"\r\n"
    "\"3\",\"\",\"Smith\",\"not-an-email\",\"'=1+2\","
    "\"The first name field is required.\nThe email field must be a valid email address.\"\r\n"
    // A short row is padded, so its messages stay under "errors".
    "\"5\",\"Bo\",\"Li\",\"\",\"\",\"The email field is required.\nRow has 3 cells; the header has 4.\"\r\n";

/// The small scenario of the whole-document test: two clean rows, two failed, a warning.
summary client_scenario(std::string& error_csv) {
  summary s;
  s.type = "clients";
  s.singular = "client";
  s.mode = "store";
  s.headers = client_headers;
  s.mapping = {{"fname", "first_name"}, {"lname", "last_name"}, {"email", "email"}};
  s.error_report_filename = "clients-errors.csv";
  s.engine_version = "0.1.0";
  s.laravel = "10";
  s.blank_lines = 1;
  s.lines = 6;
  s.bytes = 120;
  s.encoding = "utf-8";
  s.encoding_reason = "valid UTF-8";
  s.delimiter_reason = "',' splits 5 rows into 4 fields each";
  s.constants = {{"send_welcome_email", "0"}};
  s.unmapped_columns = {"notes"};
  s.batches = 1;
  s.batch_rows = 2;

  report_builder b(s);
  b.begin_error_csv(client_headers);
  b.add_clean_row();
  add_failed(b, row_line3());
  b.add_clean_row();
  b.add_warning("trailing_empty_cells", "", "Row ends with empty cells.", 5);
  add_failed(b, row_line5_ragged());
  b.finish();
  error_csv = b.take_error_csv();
  return s;
}

}  // namespace

TEST_CASE("report.error_csv_exact_bytes", "[report]") {
  std::string csv;
  const summary s = client_scenario(csv);
  CHECK(csv == expected_client_csv);
  CHECK(s.error_report_size == expected_client_csv.size());
}

TEST_CASE("report.error_csv_neutralises_headers_and_messages", "[report]") {
  summary s;
  report_builder b(s);
  const std::vector<std::string> headers{"=cmd|' /C calc'!A0", "-x", "ok"};
  b.begin_error_csv(headers);
  add_failed(b, {7, 0, {"@SUM(A1)", "a\";=1", "+1"}, {}, {{"_row", "columns", "-- bad row"}}});
  CHECK(b.take_error_csv() ==
        std::string(bom) +
            "\"line\",\"'=cmd|' /C calc'!A0\",\"'-x\",\"ok\",\"errors\"\r\n"
            "\"7\",\"'@SUM(A1)\",\"a\"\";=1\",\"'+1\",\"'-- bad row\"\r\n");
}

TEST_CASE("report.error_csv_lazy_header_without_begin", "[report]") {
  summary s;
  report_builder b(s);
  add_failed(b, {1, 0, {"a", "b"}, {}, {{"_row", "encoding", "Invalid UTF-8 at column 2."}}});
  CHECK(b.take_error_csv() ==
        std::string(bom) + "\"line\",\"errors\"\r\n\"1\",\"a\",\"b\",\"Invalid UTF-8 at column 2.\"\r\n");
}

TEST_CASE("report.begin_error_csv_twice_writes_one_header", "[report]") {
  summary s;
  report_builder b(s);
  const std::vector<std::string> headers{"h"};
  b.begin_error_csv(headers);
  b.begin_error_csv(headers);
  CHECK(b.take_error_csv() == std::string(bom) + "\"line\",\"h\",\"errors\"\r\n");
}

TEST_CASE("report.take_error_csv_drains_and_bytes_keep_counting", "[report]") {
  summary s;
  report_builder b(s);
  const std::vector<std::string> headers{"h"};
  b.begin_error_csv(headers);
  const std::string part1 = b.take_error_csv();
  CHECK(part1 == std::string(bom) + "\"line\",\"h\",\"errors\"\r\n");
  CHECK(b.take_error_csv().empty());
  add_failed(b, simple_row(2, "h", "required"));
  const std::string part2 = b.take_error_csv();
  CHECK(part2 == "\"2\",\"v2\",\"The h field failed required.\"\r\n");
  CHECK(b.error_csv_bytes() == part1.size() + part2.size());
  b.finish();
  CHECK(s.error_report_size == part1.size() + part2.size());
}

TEST_CASE("report.error_csv_off_builds_nothing_but_counts", "[report]") {
  summary s;
  report_options opt;
  opt.error_csv = false;
  report_builder b(s, opt);
  const std::vector<std::string> headers{"h"};
  b.begin_error_csv(headers);
  add_failed(b, simple_row(2, "h", "required"));
  b.add_clean_row();
  b.finish();
  CHECK(b.take_error_csv().empty());
  CHECK(b.error_csv_bytes() == 0);
  CHECK(s.failed_jobs == 1);
  CHECK(s.clean_rows == 1);
  CHECK(s.errors.size() == 1);
  REQUIRE(s.errors_by_field.size() == 1);
  CHECK(s.errors_by_field[0].name == "h");
}

TEST_CASE("report.errors_capped_while_counts_go_on", "[report]") {
  summary s;
  report_options opt;
  opt.max_errors = 2;
  report_builder b(s, opt);
  for (uint64_t line = 2; line < 7; ++line) add_failed(b, simple_row(line, "email", "email"));
  b.finish();
  CHECK(s.failed_jobs == 5);
  REQUIRE(s.errors.size() == 2);
  CHECK(s.errors[0].line == 2);
  CHECK(s.errors[0].offset == 20);
  CHECK(s.errors[1].line == 3);
  REQUIRE(s.errors_by_field.size() == 1);
  CHECK(s.errors_by_field[0].count == 5);
  REQUIRE(s.errors_by_rule.size() == 1);
  CHECK(s.errors_by_rule[0].count == 5);
  // The error CSV is not capped: every failed row is in it.
  const std::string csv = b.take_error_csv();
  CHECK(csv.find("\"6\",\"v6\"") != std::string::npos);
}

TEST_CASE("report.default_cap_is_25", "[report]") {
  summary s;
  report_builder b(s);
  for (uint64_t line = 1; line <= 30; ++line) add_failed(b, simple_row(line, "x", "required"));
  b.finish();
  CHECK(s.errors.size() == 25);
  CHECK(s.failed_jobs == 30);
}

TEST_CASE("report.field_once_per_row_rule_once_per_failure", "[report]") {
  summary s;
  report_builder b(s);
  // One row failing two rules on the same field, and one on another field.
  add_failed(b, {2, 0, {"x"}, {}, {{"email", "required_with", "m1"}, {"email", "email", "m2"}, {"phone", "regex", "m3"}}});
  add_failed(b, {3, 0, {"x"}, {}, {{"email", "email", "m4"}}});
  b.finish();
  REQUIRE(s.errors_by_field.size() == 2);
  CHECK(s.errors_by_field[0].name == "email");
  CHECK(s.errors_by_field[0].count == 2);  // two rows, not three failures
  CHECK(s.errors_by_field[1].name == "phone");
  CHECK(s.errors_by_field[1].count == 1);
  REQUIRE(s.errors_by_rule.size() == 3);
  CHECK(s.errors_by_rule[0].name == "email");
  CHECK(s.errors_by_rule[0].count == 2);
  CHECK(s.errors_by_rule[1].name == "regex");  // ties: by name
  CHECK(s.errors_by_rule[2].name == "required_with");
  // The summary entry groups messages by field, in order of first failure.
  REQUIRE(s.errors.size() == 2);
  REQUIRE(s.errors[0].errors.size() == 2);
  CHECK(s.errors[0].errors[0].field == "email");
  CHECK(s.errors[0].errors[0].messages == std::vector<std::string>{"m1", "m2"});
  CHECK(s.errors[0].errors[1].field == "phone");
  CHECK(s.errors[0].errors[1].messages == std::vector<std::string>{"m3"});
}

TEST_CASE("report.counts_sorted_by_count_then_name", "[report]") {
  summary s;
  report_builder b(s);
  add_failed(b, simple_row(2, "zeta", "r"));
  add_failed(b, simple_row(3, "beta", "r"));
  add_failed(b, simple_row(4, "zeta", "r"));
  add_failed(b, simple_row(5, "alpha", "r"));
  b.finish();
  REQUIRE(s.errors_by_field.size() == 3);
  CHECK(s.errors_by_field[0].name == "zeta");
  CHECK(s.errors_by_field[1].name == "alpha");
  CHECK(s.errors_by_field[2].name == "beta");
}

TEST_CASE("report.counts_tell_names_apart_past_their_first_bytes", "[report]") {
  // Names are told apart by length and first eight bytes first: names that share those,
  // or differ only in length, or hold bytes past the ASCII range, are still distinct.
  const std::vector<std::string> names = {"date_of_birth", "date_of_death", "date_of", "date_o", "", "a",
                                          "assigned_adviser_uuid", "assigned_advisor_uuid", "caf\xC3\xA9", "caf\xC3\xA8"};
  summary s;
  report_builder b(s);
  uint64_t line = 2;
  for (size_t k = 0; k < names.size(); ++k) {
    for (size_t times = 0; times <= k; ++times) {  // name k fails k + 1 times
      // A copy, so no two calls pass the same address for a name.
      const std::string field = names[k];
      add_failed(b, simple_row(line++, field, field));
    }
  }
  b.finish();
  REQUIRE(s.errors_by_field.size() == names.size());
  REQUIRE(s.errors_by_rule.size() == names.size());
  for (size_t k = 0; k < names.size(); ++k) {
    const size_t at = names.size() - 1 - k;  // most first
    CHECK(s.errors_by_field[at].name == names[k]);
    CHECK(s.errors_by_field[at].count == k + 1);
    CHECK(s.errors_by_rule[at].name == names[k]);
    CHECK(s.errors_by_rule[at].count == k + 1);
  }
}

TEST_CASE("report.warnings_grouped_by_code_and_field", "[report]") {
  summary s;
  report_options opt;
  opt.max_warning_lines = 3;
  report_builder b(s, opt);
  for (uint64_t line = 2; line <= 6; ++line) b.add_warning("blank_in_update", "email", "first message", line);
  b.add_warning("blank_in_update", "phone", "phone message", 4);
  b.add_warning("stray_quote", "", "A quote inside an unquoted cell was kept.", 9);
  b.add_warning("blank_in_update", "email", "later message", 20);
  b.finish();
  REQUIRE(s.warnings.size() == 3);
  CHECK(s.warnings[0].code == "blank_in_update");
  CHECK(s.warnings[0].field == "email");
  CHECK(s.warnings[0].message == "first message");
  CHECK(s.warnings[0].count == 6);
  CHECK(s.warnings[0].lines == std::vector<uint64_t>{2, 3, 4});
  CHECK(s.warnings[1].field == "phone");
  CHECK(s.warnings[1].count == 1);
  CHECK(s.warnings[2].code == "stray_quote");
  CHECK(s.warnings[2].lines == std::vector<uint64_t>{9});
  CHECK(s.warning_count == 8);
}

TEST_CASE("report.total_jobs_is_clean_plus_failed", "[report]") {
  summary s;
  report_builder b(s);
  for (uint64_t i = 0; i < 40; ++i) {
    if (i % 3 == 0) {
      add_failed(b, simple_row(i + 2, "f", "required"));
    } else {
      b.add_clean_row();
    }
    CHECK(s.total_jobs == s.clean_rows + s.failed_jobs);
  }
  b.finish();
  CHECK(s.failed_jobs == 14);
  CHECK(s.clean_rows == 26);
  CHECK(s.total_jobs == 40);
  CHECK(s.progress == 100);
  CHECK(s.jobs_remaining == 0);
}

TEST_CASE("report.summary_json_whole_document", "[report]") {
  std::string csv;
  const summary s = client_scenario(csv);
  const std::string size = std::to_string(expected_client_csv.size());
  CHECK(size == "261");  // pins the number written below
  CHECK(preflight::summary_json(s, 0) ==
        R"({"type":"clients","mode":"store","headers":["fname","lname","email","notes"],)"
        R"("mapping":{"fname":"first_name","lname":"last_name","email":"email"},"status":"completed",)"
        R"("total_jobs":4,"progress":100,"jobs_remaining":0,"failed_jobs":2,"errors":[)"
        R"({"client":{"first_name":"","last_name":"Smith","email":"not-an-email"},)"
        R"("errors":{"first_name":["The first name field is required."],)"
        R"("email":["The email field must be a valid email address."]}},)"
        R"({"client":{"first_name":"Bo","last_name":"Li","email":""},)"
        R"("errors":{"email":["The email field is required."],"_row":["Row has 3 cells; the header has 4."]}}],)"
        R"("error_report":{"filename":"clients-errors.csv","extension":"csv","size":"261","status":"uploaded"},)"
        R"("preflight":{"engine_version":"0.1.0","laravel":"10","clean_rows":2,"blank_lines":1,"lines":6,)"
        R"("bytes":120,"encoding":{"name":"utf-8","reason":"valid UTF-8","set_by_user":false},)"
        R"("dialect":{"delimiter":",","delimiter_name":"comma","set_by_user":false,)"
        R"("reason":"',' splits 5 rows into 4 fields each","has_header":true,"has_header_set_by_user":false,)"
        R"("sep_line":false},"constants":{"send_welcome_email":"0"},"unmapped_columns":["notes"],)"
        R"("error_lines":[{"line":3,"offset":40},{"line":5,"offset":90}],)"
        R"("errors_by_field":[{"field":"email","count":2},{"field":"_row","count":1},{"field":"first_name","count":1}],)"
        R"("errors_by_rule":[{"rule":"required","count":2},{"rule":"columns","count":1},{"rule":"email","count":1}],)"
        R"("warnings":[{"code":"trailing_empty_cells","field":"","message":"Row ends with empty cells.",)"
        R"("count":1,"lines":[5]}],"warning_count":1,"batches":{"count":1,"rows":2}}})");
  // Same input, same bytes.
  std::string csv2;
  CHECK(preflight::summary_json(client_scenario(csv2), 0) == preflight::summary_json(s, 0));
}

TEST_CASE("report.summary_json_failed_file_pretty", "[report]") {
  summary s;
  s.type = "notes";
  s.singular = "note";
  s.mode = "validate";
  s.status = "failed";
  s.engine_version = "0.1.0";
  s.laravel = "9";
  s.encoding = "utf-16le";
  s.encoding_reason = "BOM";
  s.delimiter = '\t';
  s.delimiter_set_by_user = true;
  s.delimiter_reason = "set by user";
  s.has_header = false;
  s.has_header_set_by_user = true;
  s.fatal_code = "empty_file";
  s.fatal_message = "The file has no rows.";
  report_builder b(s);
  b.finish();
  CHECK(preflight::summary_json(s) == R"({
  "type": "notes",
  "mode": "validate",
  "headers": [],
  "mapping": {},
  "status": "failed",
  "total_jobs": 0,
  "progress": 100,
  "jobs_remaining": 0,
  "failed_jobs": 0,
  "errors": [],
  "error_report": null,
  "preflight": {
    "engine_version": "0.1.0",
    "laravel": "9",
    "clean_rows": 0,
    "blank_lines": 0,
    "lines": 0,
    "bytes": 0,
    "encoding": {
      "name": "utf-16le",
      "reason": "BOM",
      "set_by_user": false
    },
    "dialect": {
      "delimiter": "\t",
      "delimiter_name": "tab",
      "set_by_user": true,
      "reason": "set by user",
      "has_header": false,
      "has_header_set_by_user": true,
      "sep_line": false
    },
    "constants": {},
    "unmapped_columns": [],
    "error_lines": [],
    "errors_by_field": [],
    "errors_by_rule": [],
    "warnings": [],
    "warning_count": 0,
    "batches": {
      "count": 0,
      "rows": 0
    },
    "error": {
      "code": "empty_file",
      "message": "The file has no rows."
    }
  }
})");
}

TEST_CASE("report.record_key_falls_back_when_singular_is_empty", "[report]") {
  summary s;
  report_builder b(s);
  add_failed(b, {2, 0, {"x"}, {{"f", "x"}}, {{"f", "r", "m"}}});
  b.finish();
  const std::string json = preflight::summary_json(s, 0);
  CHECK(json.find(R"("errors":[{"record":{"f":"x"},"errors":{"f":["m"]}}])") != std::string::npos);
  CHECK(json.find(R"("error_report":null)") != std::string::npos);
  CHECK(json.find(R"("error":{)") == std::string::npos);  // only for a failed file
}

TEST_CASE("report.error_csv_keeps_messages_under_errors_for_ragged_rows", "[report]") {
  preflight::summary s;
  preflight::report_options o;
  preflight::report_builder b(s, o);
  const std::vector<std::string> headers{"a", "b"};
  b.begin_error_csv(headers);
  const std::vector<std::string_view> long_row{"1", "2", "3", "4"};
  const std::vector<preflight::row_failure> failures{{"_row", "columns", "The row has 4 cells but the header has 2 columns."}};
  preflight::failed_row r;
  r.line = 7;
  r.cells = long_row;
  r.failures = failures;
  b.add_failed_row(r);
  const std::vector<std::string_view> short_row{"x"};
  r.line = 8;
  r.cells = short_row;
  b.add_failed_row(r);
  CHECK(b.take_error_csv() ==
        "\xEF\xBB\xBF\"line\",\"a\",\"b\",\"errors\"\r\n"
        "\"7\",\"1\",\"2\",\"The row has 4 cells but the header has 2 columns.\",\"3\",\"4\"\r\n"
        "\"8\",\"x\",\"\",\"The row has 4 cells but the header has 2 columns.\"\r\n");
}
