// options: a host's options JSON → session_options.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "preflight/options.h"

using namespace preflight;

namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

session_options parse_ok(std::string_view json) {
  auto r = parse_session_options(json);
  INFO(json << " → " << r.error().message);
  REQUIRE(r.ok());
  return std::move(r).value();
}

status parse_error(std::string_view json) {
  auto r = parse_session_options(json);
  INFO(json);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("options.empty_object_gives_the_defaults", "[options]") {
  const session_options o = parse_ok("{}");
  const session_options d;
  CHECK(o.mode == d.mode);
  CHECK(o.wording == laravel_version::v10);
  CHECK(o.today.empty());
  CHECK_FALSE(o.forced_encoding.has_value());
  CHECK_FALSE(o.dialect.delimiter.has_value());
  CHECK_FALSE(o.dialect.has_header.has_value());
  CHECK_FALSE(o.mapping.has_value());
  CHECK(o.constants.empty());
  CHECK(o.batches == false);
  CHECK(o.batch.max_rows == 1000);
  CHECK(o.batch.max_bytes == (5u << 20));
  CHECK(o.report.error_csv == true);
  CHECK(o.file_name == "input.csv");
  CHECK(o.limits.max_field_bytes == d.limits.max_field_bytes);
  CHECK(o.sniff_bytes == d.sniff_bytes);
  CHECK(o.sample_rows == d.sample_rows);
  CHECK(o.auto_map_confidence == d.auto_map_confidence);
}

TEST_CASE("options.every_key", "[options]") {
  const session_options o = parse_ok(R"({
    "mode": "update", "laravel": "9", "today": "2026-01-15", "encoding": "latin1",
    "delimiter": ";", "hasHeader": false,
    "mapping": {"headers": [{"first_name": "Forename"}, {"email": "E-mail"}], "constants": {"type": "individual"}},
    "constants": {"send_welcome_email": 0, "is_prospect": true, "title": "Dr"},
    "batches": true, "batchRows": 400, "batchBytes": 9007199254740992, "errorCsv": false,
    "fileName": "clients.csv",
    "limits": {"maxFieldBytes": 100, "maxRowBytes": 200, "maxColumns": 30, "maxKeys": 1000},
    "sniffBytes": 2048, "sampleRows": 7, "autoMapConfidence": 0.5
  })");
  CHECK(o.mode == import_mode::update);
  CHECK(o.wording == laravel_version::v9);
  CHECK(o.today == "2026-01-15");
  REQUIRE(o.forced_encoding.has_value());
  CHECK(*o.forced_encoding == encoding::windows1252);
  CHECK(o.dialect.delimiter == std::optional<char>(';'));
  CHECK(o.dialect.has_header == std::optional<bool>(false));
  REQUIRE(o.mapping.has_value());
  CHECK(o.mapping->columns == pairs{{"first_name", "Forename"}, {"email", "E-mail"}});
  CHECK(o.mapping->constants == pairs{{"type", "individual"}});
  CHECK(o.constants == pairs{{"send_welcome_email", "0"}, {"is_prospect", "true"}, {"title", "Dr"}});
  CHECK(o.batches);
  CHECK(o.batch.max_rows == 400);
  CHECK(o.batch.max_bytes == 9007199254740992ull);
  CHECK_FALSE(o.report.error_csv);
  CHECK(o.file_name == "clients.csv");
  CHECK(o.limits.max_field_bytes == 100);
  CHECK(o.limits.max_row_bytes == 200);
  CHECK(o.limits.max_columns == 30);
  CHECK(o.max_keys == 1000);
  CHECK(o.sniff_bytes == 2048);
  CHECK(o.sample_rows == 7);
  CHECK(o.auto_map_confidence == 0.5);
}

TEST_CASE("options.null_means_not_given", "[options]") {
  const session_options o = parse_ok(
      R"({"mode": null, "encoding": null, "delimiter": null, "hasHeader": null, "mapping": null,)"
      R"( "constants": null, "batchRows": null, "limits": {"maxColumns": null}, "fileName": null})");
  CHECK(o.mode == import_mode::validate);
  CHECK_FALSE(o.forced_encoding.has_value());
  CHECK_FALSE(o.dialect.delimiter.has_value());
  CHECK_FALSE(o.dialect.has_header.has_value());
  CHECK_FALSE(o.mapping.has_value());
  CHECK(o.batch.max_rows == 1000);
  CHECK(o.limits.max_columns == 4096);
  CHECK(o.file_name == "input.csv");
}

TEST_CASE("options.laravel_accepts_numbers_and_strings", "[options]") {
  CHECK(parse_ok(R"({"laravel": 9})").wording == laravel_version::v9);
  CHECK(parse_ok(R"({"laravel": 10})").wording == laravel_version::v10);
  CHECK(parse_ok(R"({"laravel": "10"})").wording == laravel_version::v10);
  for (const char* bad : {R"({"laravel": "11"})", R"({"laravel": 9.5})", R"({"laravel": true})"}) {
    const status s = parse_error(bad);
    CHECK(s.code == errc::invalid_argument);
    CHECK(s.message == R"(options: "laravel" must be "9" or "10")");
  }
}

TEST_CASE("options.delimiter_names_as_the_cli", "[options]") {
  CHECK(parse_ok(R"({"delimiter": "tab"})").dialect.delimiter == std::optional<char>('\t'));
  CHECK(parse_ok(R"({"delimiter": "\t"})").dialect.delimiter == std::optional<char>('\t'));
  CHECK(parse_ok(R"({"delimiter": "comma"})").dialect.delimiter == std::optional<char>(','));
  CHECK(parse_ok(R"({"delimiter": "semicolon"})").dialect.delimiter == std::optional<char>(';'));
  CHECK(parse_ok(R"({"delimiter": "pipe"})").dialect.delimiter == std::optional<char>('|'));
  CHECK(parse_ok(R"({"delimiter": "^"})").dialect.delimiter == std::optional<char>('^'));
  for (const char* bad : {R"({"delimiter": "\""})", R"({"delimiter": ";;"})", R"({"delimiter": ""})",
                          R"({"delimiter": "\n"})", R"({"delimiter": "é"})"}) {
    const status s = parse_error(bad);
    CHECK(s.code == errc::invalid_argument);
    CHECK(s.message.starts_with(R"(options: "delimiter" is )"));
  }
}

TEST_CASE("options.unknown_key_is_named", "[options]") {
  const status s = parse_error(R"({"mode": "store", "batchrows": 5})");
  CHECK(s.code == errc::invalid_argument);
  CHECK(s.message.starts_with(R"(options: unknown key "batchrows" (expected mode, laravel, )"));
  const status l = parse_error(R"({"limits": {"maxCells": 5}})");
  CHECK(l.code == errc::invalid_argument);
  CHECK(l.message == R"(options: unknown key "limits"."maxCells" (expected maxFieldBytes, maxRowBytes, maxColumns, maxKeys))");
}

TEST_CASE("options.wrong_types_name_the_key", "[options]") {
  struct expectation {
    const char* json;
    const char* message;
  };
  const expectation cases[] = {
      {R"({"mode": 1})", R"(options: "mode" must be a string (got a number))"},
      {R"({"today": ["2026-01-15"]})", R"(options: "today" must be a string (got an array))"},
      {R"({"hasHeader": "false"})", R"(options: "hasHeader" must be true or false (got a string))"},
      {R"({"batches": 1})", R"(options: "batches" must be true or false (got a number))"},
      {R"({"errorCsv": {}})", R"(options: "errorCsv" must be true or false (got an object))"},
      {R"({"batchRows": "400"})", R"(options: "batchRows" must be a positive integer (got a string))"},
      {R"({"batchRows": 0})", R"(options: "batchRows" must be a positive integer, not 0)"},
      {R"({"batchRows": -3})", R"(options: "batchRows" must be a positive integer, not -3)"},
      {R"({"batchRows": 1.5})", R"(options: "batchRows" must be a positive integer, not 1.5)"},
      {R"({"batchRows": 4294967296})", R"(options: "batchRows" must be at most 4294967295, not 4294967296)"},
      {R"({"batchBytes": 9007199254740993})", R"(options: "batchBytes" must be a positive integer, not 9007199254740993)"},
      {R"({"sniffBytes": false})", R"(options: "sniffBytes" must be a positive integer (got a boolean))"},
      {R"({"limits": {"maxColumns": 0}})", R"(options: "limits"."maxColumns" must be a positive integer, not 0)"},
      {R"({"limits": 5})", R"(options: "limits" must be an object (got a number))"},
      {R"({"fileName": ""})", R"(options: "fileName" must not be empty)"},
      {R"({"autoMapConfidence": 1.5})", R"(options: "autoMapConfidence" must be a number from 0 to 1)"},
      {R"({"autoMapConfidence": "high"})", R"(options: "autoMapConfidence" must be a number from 0 to 1 (got a string))"},
      {R"({"mapping": [{"first_name": "x"}]})",
       R"(options: "mapping" must be an object such as {"headers": [...]} (got an array))"},
      {R"({"constants": "send_welcome_email=1"})", R"(options: "constants" must be an object of field: value (got a string))"},
      {R"({"encoding": "ebcdic"})",
       R"(options: "encoding" is "ebcdic", not a known encoding (expected utf-8, utf-16le, utf-16be or windows-1252))"},
      {R"({"mode": "store", "mode": "update"})", R"(options: key "mode" is given twice)"},
      {R"({"limits": {"maxColumns": 5, "maxColumns": 6}})", R"(options: key "limits"."maxColumns" is given twice)"},
      {R"([])", R"(options: the options must be a JSON object (got an array))"},
  };
  for (const expectation& c : cases) {
    const status s = parse_error(c.json);
    CHECK(s.code == errc::invalid_argument);
    CHECK(s.message == c.message);
  }
}

TEST_CASE("options.unknown_mode_has_its_own_code", "[options]") {
  const status s = parse_error(R"({"mode": "upsert"})");
  CHECK(s.code == errc::unknown_mode);
  CHECK(s.message == R"(options: "mode" is "upsert" (expected "validate", "store" or "update"))");
}

TEST_CASE("options.mapping_errors_come_from_the_mapping_reader", "[options]") {
  const status s = parse_error(R"({"mapping": {"headers": [{"first_name": 5}]}})");
  CHECK(s.code == errc::bad_mapping);
  CHECK(s.message == R"(options.mapping: "headers"[0]."first_name" must be a string)");
  const status k = parse_error(R"({"mapping": {"header": []}})");
  CHECK(k.code == errc::bad_mapping);
  CHECK(k.message.starts_with(R"(options.mapping: unknown key "header")"));
  const status c = parse_error(R"({"constants": {"type": [1]}})");
  CHECK(c.code == errc::bad_mapping);
  CHECK(c.message.starts_with(R"(options: "constants"."type" must be)"));
}

TEST_CASE("options.mapping_keeps_values_as_the_map_endpoint", "[options]") {
  // The same rules as parse_mapping_json: blank and null headers leave a field unmapped,
  // numbers are kept as written.
  const session_options o = parse_ok(
      R"({"mapping": {"headers": {"first_name": "fname", "last_name": "", "email": null},)"
      R"( "constants": {"amount": 0.10}}})");
  REQUIRE(o.mapping.has_value());
  CHECK(o.mapping->columns == pairs{{"first_name", "fname"}});
  CHECK(o.mapping->constants == pairs{{"amount", "0.10"}});
}

TEST_CASE("options.malformed_json_says_where", "[options]") {
  const status e = parse_error("");
  CHECK(e.code == errc::invalid_argument);
  CHECK(e.message.starts_with("options: the options are empty"));
  const status u = parse_error(R"({"mode": "store")");
  CHECK(u.code == errc::invalid_argument);
  CHECK(u.message.starts_with("options: invalid JSON: "));
  const status b = parse_error("{\"mode\": \"store\",\n \"batches\": tru}");
  CHECK(b.code == errc::invalid_argument);
  CHECK(b.message.starts_with("options: invalid JSON at line 2, column 13: "));
  const status t = parse_error(R"({"mode": "store"} {})");
  CHECK(t.code == errc::invalid_argument);
  CHECK(t.message.starts_with("options: invalid JSON"));
}

TEST_CASE("options.open_a_session_with_them", "[options]") {
  auto reg = schema_registry::builtin();
  REQUIRE(reg.ok());
  auto s = session::open(reg.value(), "clients", parse_ok(R"({"mode": "store", "batches": true, "batchRows": 1})"));
  REQUIRE(s.ok());
  REQUIRE(s.value().feed("first_name,last_name,email,send_welcome_email\nAda,Lovelace,ada@example.com,1\n").ok());
  REQUIRE(s.value().finish().ok());
  CHECK(s.value().result_summary().mode == "store");
  batch b;
  REQUIRE(s.value().next_batch(b));
  CHECK(b.rows == 1);
}
