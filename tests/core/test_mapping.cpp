// mapping: parsing the map request, normalising headers, resolving and suggesting.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "preflight/mapping.h"

using namespace preflight;

namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

field_def make_field(std::string name, field_type type, std::string label,
                     std::vector<std::string> values = {}) {
  field_def f;
  f.name = std::move(name);
  f.type = type;
  f.label = std::move(label);
  f.values = std::move(values);
  f.case_insensitive = !f.values.empty();
  return f;
}

/// A clients-like type built by hand (names, types and enums from the spec, no aliases),
/// so the suggestion tests do not depend on the schema files.
import_type clients_type() {
  import_type t;
  t.name = "clients";
  t.singular = "client";
  t.label = "Clients";
  t.key = "uuid";
  t.fields = {
      make_field("uuid", field_type::uuid, "UUID"),
      make_field("email", field_type::email, "Email"),
      make_field("assigned_advisor", field_type::string, "Assigned advisor"),
      make_field("assigned_adviser_uuid", field_type::uuid, "Assigned adviser UUID"),
      make_field("administrator_uuid", field_type::uuid, "Administrator UUID"),
      make_field("first_name", field_type::string, "First name"),
      make_field("last_name", field_type::string, "Last name"),
      make_field("send_welcome_email", field_type::boolean, "Send welcome email"),
      make_field("title", field_type::string, "Title"),
      make_field("middle_name", field_type::string, "Middle name"),
      make_field("phone", field_type::phone, "Phone"),
      make_field("introduced_by_uuid", field_type::uuid, "Introduced by UUID"),
      make_field("date_of_birth", field_type::date, "Date of birth"),
      make_field("gender", field_type::enumeration, "Gender",
                 {"male", "female", "non-binary", "transgender", "intersex", "other", "unknown"}),
      make_field("ni_number", field_type::string, "NI number"),
      make_field("smoker_status", field_type::enumeration, "Smoker status",
                 {"smoker", "non-smoker", "vaper", "ex-smoker", "never-smoked", "unknown"}),
      make_field("is_prospect", field_type::boolean, "Is prospect"),
      make_field("first_contact_date", field_type::date, "First contact date"),
      make_field("nationalities", field_type::list, "Nationalities"),
      make_field("height", field_type::integer, "Height"),
  };
  return t;
}

std::vector<uint8_t> required_for(const import_type& t, std::vector<std::string_view> names) {
  std::vector<uint8_t> r(t.fields.size(), 0);
  for (size_t i = 0; i < t.fields.size(); ++i)
    for (auto n : names)
      if (t.fields[i].name == n) r[i] = 1;
  return r;
}

header_set headers_of(std::vector<std::string_view> raw) { return normalize_headers(raw); }

mapping_spec parse_ok(std::string_view json) {
  auto r = parse_mapping_json(json, "mapping.json");
  INFO(r.error().message);
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string parse_error(std::string_view json) {
  auto r = parse_mapping_json(json, "mapping.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::bad_mapping);
  return r.error().message;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// parse_mapping_json / mapping_json

TEST_CASE("mapping.parse_api_array_form", "[mapping]") {
  const auto m = parse_ok(R"({"headers":[{"email":"email","last_name":"lname","first_name":"fname"}]})");
  CHECK(m.columns == pairs{{"email", "email"}, {"last_name", "lname"}, {"first_name", "fname"}});
  CHECK(m.constants.empty());
}

TEST_CASE("mapping.parse_merges_several_objects_in_the_array", "[mapping]") {
  const auto m = parse_ok(R"({"headers":[{"email":"E-mail"},{},{"first_name":"First Name"}]})");
  CHECK(m.columns == pairs{{"email", "E-mail"}, {"first_name", "First Name"}});
}

TEST_CASE("mapping.parse_single_object_form_and_constants", "[mapping]") {
  const auto m = parse_ok(R"({
    "headers": {"first_name": "fname", "gender": "Sex"},
    "constants": {"send_welcome_email": "1", "height": 180, "value": 0.10,
                  "is_prospect": true, "has_will": false, "title": null, "nickname": ""}
  })");
  CHECK(m.columns == pairs{{"first_name", "fname"}, {"gender", "Sex"}});
  // Numbers keep their JSON text; booleans become "true"/"false"; null gives no constant.
  CHECK(m.constants == pairs{{"send_welcome_email", "1"}, {"height", "180"}, {"value", "0.10"},
                             {"is_prospect", "true"}, {"has_will", "false"}, {"nickname", ""}});
}

TEST_CASE("mapping.parse_null_or_blank_header_leaves_field_unmapped", "[mapping]") {
  const auto m = parse_ok(R"({"headers":[{"email":null,"first_name":"","last_name":"  ","title":"Title"}]})");
  CHECK(m.columns == pairs{{"title", "Title"}});
}

TEST_CASE("mapping.parse_unescapes_keys_and_values", "[mapping]") {
  const auto m = parse_ok(R"({"headers":{"first_name":"Pr\u00e9nom \"1\"","__proto__":"x"}})");
  CHECK(m.columns == pairs{{"first_name", "Pr\xC3\xA9nom \"1\""}, {"__proto__", "x"}});
}

TEST_CASE("mapping.parse_errors_name_file_and_path", "[mapping]") {
  CHECK(parse_error(R"({"headers":[{"first_name":5}]})") ==
        R"(mapping.json: "headers"[0]."first_name" must be a string)");
  CHECK(parse_error(R"({"headers":[{"email":"e"},{"first_name":["a"]}]})") ==
        R"(mapping.json: "headers"[1]."first_name" must be a string)");
  CHECK(parse_error(R"({"headers":{"first_name":true}})") ==
        R"(mapping.json: "headers"."first_name" must be a string)");
  CHECK(parse_error(R"({"headers":{"a\"b":1}})") == R"(mapping.json: "headers"."a\"b" must be a string)");
  CHECK(parse_error(R"({"header":{}})") ==
        R"(mapping.json: unknown key "header" (expected "headers" or "constants"))");
  CHECK(parse_error(R"({"headers":"email"})") ==
        R"(mapping.json: "headers" must be an object or an array of objects)");
  CHECK(parse_error(R"({"headers":[{"email":"e"}, 3]})") == R"(mapping.json: "headers"[1] must be an object)");
  CHECK(parse_error(R"({"constants":["1"]})") == R"(mapping.json: "constants" must be an object)");
  CHECK(parse_error(R"({"constants":{"title":{"a":1}}})") ==
        R"(mapping.json: "constants"."title" must be a string, number or boolean)");
  CHECK(parse_error(R"([{"email":"e"}])") == "mapping.json: the top level must be an object");
  CHECK(parse_error(R"("headers")") == "mapping.json: the top level must be an object");
  CHECK(parse_error("") == R"(mapping.json: the mapping is empty (expected {"headers": …}))");
  CHECK(parse_error("  \n ") == R"(mapping.json: the mapping is empty (expected {"headers": …}))");
  CHECK(parse_error(R"({"headers":[{"":"x"}]})") == R"(mapping.json: "headers"[0] has an empty field name)");
  CHECK(parse_error(R"({"headers":[],"headers":[]})") == R"(mapping.json: key "headers" is given twice)");
  CHECK(parse_error(R"({"constants":{},"constants":{}})") == R"(mapping.json: key "constants" is given twice)");
}

TEST_CASE("mapping.parse_field_given_twice", "[mapping]") {
  CHECK(parse_error(R"({"headers":[{"email":"a"},{"email":"b"}]})") ==
        R"(mapping.json: field "email" is given twice ("headers"[0]."email" and "headers"[1]."email"))");
  CHECK(parse_error(R"({"headers":{"email":"a","email":"b"}})") ==
        R"(mapping.json: "headers"."email" is given twice)");
  CHECK(parse_error(R"({"constants":{"title":"Mr","title":"Dr"}})") ==
        R"(mapping.json: "constants"."title" is given twice)");
  // A field both mapped and constant is legal JSON; resolve_mapping reports it.
  const auto m = parse_ok(R"({"headers":{"title":"T"},"constants":{"title":"Mr"}})");
  CHECK(m.columns.size() == 1);
  CHECK(m.constants.size() == 1);
}

TEST_CASE("mapping.parse_invalid_json_gives_position", "[mapping]") {
  const std::string structure =
      "TAPE_ERROR: The JSON document has an improper structure: missing or superfluous commas, braces, "
      "missing keys, etc.";
  // Missing comma: the position is the unexpected second object.
  CHECK(parse_error("{\n  \"headers\": [{\"email\": \"a\"} {\"x\": \"b\"}]\n}") ==
        "mapping.json: invalid JSON at line 2, column 30: " + structure);
  CHECK(parse_error(R"({"headers":[{"email" "a"}]})") == "mapping.json: invalid JSON at line 1, column 22: " + structure);
  CHECK(parse_error(R"({"headers":{"email":"a"},})") == "mapping.json: invalid JSON at line 1, column 26: " + structure);
  CHECK(parse_error(R"({"constants":{"a":12x}})") ==
        "mapping.json: invalid JSON at line 1, column 19: NUMBER_ERROR: Problem while parsing a number");
  // Found before any token is read: no position to give.
  CHECK(parse_error(R"({"headers":[]} x)") ==
        "mapping.json: invalid JSON: INCOMPLETE_ARRAY_OR_OBJECT: JSON document ended early in the middle of an "
        "object or array.");
  CHECK(parse_error(R"({"headers":{"email":"abc}})") ==
        "mapping.json: invalid JSON: UNCLOSED_STRING: A string is opened, but never closed.");
  CHECK(parse_error("{\"headers\":{\"email\":\"\xFF\"}}") ==
        "mapping.json: invalid JSON: UTF8_ERROR: The input is not valid UTF-8");
  // A bare word where a string belongs is reported as the wrong type.
  CHECK(parse_error("{\n  \"headers\": [{\"email\": tru}]\n}") ==
        R"(mapping.json: "headers"[0]."email" must be a string)");
}

TEST_CASE("mapping.json_writes_api_body_and_round_trips", "[mapping]") {
  mapping_spec m;
  m.columns = {{"first_name", "fname"}, {"email", "E-mail \"work\""}};
  CHECK(mapping_json(m) == R"({"headers":[{"first_name":"fname","email":"E-mail \"work\""}]})");
  m.constants = {{"send_welcome_email", "1"}, {"height", "180"}};
  const std::string text = mapping_json(m);
  CHECK(text == R"({"headers":[{"first_name":"fname","email":"E-mail \"work\""}],)"
                R"("constants":{"send_welcome_email":"1","height":"180"}})");
  const auto back = parse_ok(text);
  CHECK(back.columns == m.columns);
  CHECK(back.constants == m.constants);
  CHECK(mapping_json(mapping_spec{}) == R"({"headers":[{}]})");
}

// ---------------------------------------------------------------------------------------
// normalize_headers

TEST_CASE("mapping.normalize_trims_and_strips_stray_bom", "[mapping]") {
  const auto h = headers_of({"\xEF\xBB\xBF" "email", "  First Name\t", "\tlname "});
  CHECK(h.names == std::vector<std::string>{"email", "First Name", "lname"});
  CHECK(h.original == std::vector<std::string>{"email", "  First Name\t", "\tlname "});
  CHECK(h.warnings.empty());
  // A BOM is only stray at the start of the first header.
  CHECK(headers_of({"a", "\xEF\xBB\xBF" "b"}).names[1] == "\xEF\xBB\xBF" "b");
}

TEST_CASE("mapping.normalize_names_empty_headers", "[mapping]") {
  const auto h = headers_of({"email", "", "  ", "name"});
  CHECK(h.names == std::vector<std::string>{"email", "column_2", "column_3", "name"});
  CHECK(h.warnings == std::vector<std::string>{R"(Column 2 has no header; it is named "column_2".)",
                                               R"(Column 3 has no header; it is named "column_3".)"});
  // A real header called column_2 keeps its name; the empty one moves aside.
  const auto taken = headers_of({"a", "", "column_2"});
  CHECK(taken.names == std::vector<std::string>{"a", "column_2_2", "column_2"});
  CHECK(taken.warnings == std::vector<std::string>{R"(Column 2 has no header; it is named "column_2_2".)"});
}

TEST_CASE("mapping.normalize_renames_duplicates", "[mapping]") {
  const auto h = headers_of({"id", "name", "email", "x", "y", "z", "Email "});
  CHECK(h.names == std::vector<std::string>{"id", "name", "email", "x", "y", "z", "Email_2"});
  CHECK(h.warnings ==
        std::vector<std::string>{R"(Header "email" appears in columns 3 and 7; column 7 is renamed "Email_2".)"});

  // Numbers already used by real headers are skipped; spaces do not make names different.
  const auto g = headers_of({"email", "email_2", "EMAIL", "email"});
  CHECK(g.names == std::vector<std::string>{"email", "email_2", "EMAIL_3", "email_4"});
  CHECK(g.warnings == std::vector<std::string>{
                          R"(Header "email" appears in columns 1 and 3; column 3 is renamed "EMAIL_3".)",
                          R"(Header "email" appears in columns 1 and 4; column 4 is renamed "email_4".)"});
  const auto spaced = headers_of({"E Mail", "e_mail", "email", "E-mail", " e mail"});
  CHECK(spaced.names == std::vector<std::string>{"E Mail", "e_mail", "email_2", "E-mail", "e mail_3"});
  CHECK(spaced.warnings.size() == 2);
  CHECK(spaced.warnings[0] == R"(Header "E Mail" appears in columns 1 and 3; column 3 is renamed "email_2".)");
}

TEST_CASE("mapping.normalize_treats_any_name_as_plain_text", "[mapping]") {
  const auto h = headers_of({"__proto__", "constructor", "__proto__", "hasOwnProperty"});
  CHECK(h.names == std::vector<std::string>{"__proto__", "constructor", "__proto___2", "hasOwnProperty"});
  CHECK(h.warnings.size() == 1);
  CHECK(headers_of({}).names.empty());
}

// ---------------------------------------------------------------------------------------
// resolve_mapping

TEST_CASE("mapping.resolve_fills_both_directions", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"fname", "Notes", "lname", "EMAIL", "Sex"});
  mapping_spec m;
  m.columns = {{"email", "EMAIL"}, {"last_name", "lname"}, {"first_name", "fname"}, {"gender", "sex"}};
  m.constants = {{"send_welcome_email", "1"}};
  const auto required = required_for(type, {"send_welcome_email", "first_name"});
  auto r = resolve_mapping(m, headers, type, required);
  INFO(r.error().message);
  REQUIRE(r.ok());
  const auto& v = r.value();
  CHECK(v.field_of_column == std::vector<int>{5, -1, 6, 1, 13});
  CHECK(v.column_of_field[1] == 3);
  CHECK(v.column_of_field[5] == 0);
  CHECK(v.column_of_field[13] == 4);  // "sex" matched "Sex" ignoring case
  CHECK(v.column_of_field[0] == -1);
  CHECK(v.constant_of_field[7] == 0);
  CHECK(v.constant_of_field[5] == -1);
  CHECK(v.constants == std::vector<std::string>{"1"});
  CHECK(v.unmapped_columns == std::vector<std::string>{"Notes"});
  CHECK(v.resource_mapping ==
        pairs{{"fname", "first_name"}, {"lname", "last_name"}, {"EMAIL", "email"}, {"Sex", "gender"}});
}

TEST_CASE("mapping.resolve_matches_exact_header_before_relaxed", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"First Name", "first name", "FirstName"});
  REQUIRE(headers.names == std::vector<std::string>{"First Name", "first name_2", "FirstName_3"});
  mapping_spec m;
  m.columns = {{"first_name", "first name_2"}, {"last_name", "first  name"}};
  auto r = resolve_mapping(m, headers, type, {});
  REQUIRE(r.ok());
  CHECK(r.value().field_of_column == std::vector<int>{6, 5, -1});
}

TEST_CASE("mapping.resolve_reports_unknown_fields_and_headers", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"fname", "lname", "Email"});
  auto error_of = [&](mapping_spec m) {
    auto r = resolve_mapping(m, headers, type, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::bad_mapping);
    return r.error().message;
  };
  CHECK(error_of({{{"frist_name", "fname"}}, {}}) == R"(unknown field "frist_name" (did you mean "first_name"?))");
  CHECK(error_of({{{"First_Name", "fname"}}, {}}) == R"(unknown field "First_Name" (did you mean "first_name"?))");
  CHECK(error_of({{{"shoe_size", "fname"}}, {}}) == R"(unknown field "shoe_size")");
  CHECK(error_of({{{"email", "Emial"}}, {}}) == R"(header "Emial" is not in the file (did you mean "Email"?))");
  CHECK(error_of({{{"email", "contact"}}, {}}) ==
        R"(header "contact" is not in the file (its headers are "fname", "lname", "Email"))");
  CHECK(error_of({{}, {{"shoe_size", "9"}}}) == R"(constant for unknown field "shoe_size")");
  CHECK(error_of({{}, {{"titel", "Mr"}}}) == R"(constant for unknown field "titel" (did you mean "title"?))");
  // Several problems are reported together.
  CHECK(error_of({{{"frist_name", "fname"}, {"email", "Emial"}}, {}}) ==
        R"(unknown field "frist_name" (did you mean "first_name"?); header "Emial" is not in the file (did you mean "Email"?))");

  std::vector<std::string_view> many;
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back("col" + std::to_string(i) + "_something");
  for (const auto& n : names) many.push_back(n);
  auto r = resolve_mapping({{{"email", "Email"}}, {}}, normalize_headers(many), type, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == R"(header "Email" is not in the file)");
}

TEST_CASE("mapping.resolve_reports_conflicts", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"fname", "lname", "Email"});
  auto error_of = [&](mapping_spec m) {
    auto r = resolve_mapping(m, headers, type, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::bad_mapping);
    return r.error().message;
  };
  CHECK(error_of({{{"email", "Email"}, {"first_name", "email"}}, {}}) ==
        R"(column "Email" is mapped to both "email" and "first_name")");
  CHECK(error_of({{{"email", "Email"}, {"email", "fname"}}, {}}) ==
        R"(field "email" is mapped twice (to "Email" and "fname"))");
  CHECK(error_of({{{"title", "fname"}}, {{"title", "Mr"}}}) ==
        R"(field "title" is both mapped (to "fname") and given a constant)");
  CHECK(error_of({{}, {{"title", "Mr"}, {"title", "Dr"}}}) == R"(field "title" is given two constants)");
}

TEST_CASE("mapping.resolve_requires_required_fields", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"fname", "lname", "Email"});
  const auto required = required_for(type, {"first_name", "send_welcome_email", "date_of_birth"});
  mapping_spec m;
  m.columns = {{"first_name", "fname"}};
  auto r = resolve_mapping(m, headers, type, required);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::missing_required_field);
  CHECK(r.error().message ==
        R"(required fields "send_welcome_email", "date_of_birth" are not mapped and have no constant value)");

  m.constants = {{"date_of_birth", "01/01/1970"}};
  r = resolve_mapping(m, headers, type, required);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::missing_required_field);
  CHECK(r.error().message == R"(required field "send_welcome_email" is not mapped and has no constant value)");

  m.constants.emplace_back("send_welcome_email", "0");
  CHECK(resolve_mapping(m, headers, type, required).ok());

  // A bad mapping is reported before missing fields (a typo often explains both).
  m.columns.emplace_back("frist_name", "lname");
  m.constants.clear();
  r = resolve_mapping(m, headers, type, required);
  CHECK(r.error().code == errc::bad_mapping);
}

TEST_CASE("mapping.resolve_accepts_parsed_api_body", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"fname", "lname", "email"});
  const auto m = parse_ok(R"({"headers":[{"email":"email","last_name":"lname","first_name":"fname"}]})");
  auto r = resolve_mapping(m, headers, type, {});
  REQUIRE(r.ok());
  // The seed's resource mapping, header → field.
  CHECK(r.value().resource_mapping == pairs{{"fname", "first_name"}, {"lname", "last_name"}, {"email", "email"}});
  CHECK(r.value().unmapped_columns.empty());
}

// ---------------------------------------------------------------------------------------
// suggest_mapping

TEST_CASE("mapping.suggest_realistic_export_headers", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"First Name", "Surname", "E-mail Address", "DOB", "Mobile", "Gender",
                                   "Send Welcome Email?", "NI Number", "Favourite Colour"});
  const std::vector<std::vector<std::string>> rows = {
      {"Ada", "Lovelace", "ada@example.com", "10/12/1815", "07700 900123", "Female", "1", "AB 12 34 56 C", "blue"},
      {"Alan", "Turing", "alan@example.org", "23/06/1912", "+44 7700 900456", "male", "0", "CD123456D", "green"},
      {"Grace", "Hopper", "grace@example.net", "1906-12-09", "07700900789", "Female", "yes", "", "red"},
  };
  const auto s = suggest_mapping(headers, rows, type);
  REQUIRE(s.size() == 9);
  const std::vector<std::pair<std::string_view, std::string_view>> expected = {
      {"First Name", "first_name"}, {"Surname", "last_name"},      {"E-mail Address", "email"},
      {"DOB", "date_of_birth"},     {"Mobile", "phone"},           {"Gender", "gender"},
      {"Send Welcome Email?", "send_welcome_email"},               {"NI Number", "ni_number"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(s[i].header << " → " << s[i].field << " (" << s[i].confidence << ", " << s[i].reason << ")");
    CHECK(s[i].header == expected[i].first);
    CHECK(s[i].column == static_cast<int>(i));
    CHECK(s[i].field == expected[i].second);
    CHECK(s[i].confidence >= 0.8);
    CHECK(s[i].confidence <= 1.0);
  }
  CHECK(s[0].confidence == 1.0);
  CHECK(s[0].reason == "same name");
  CHECK(s[3].reason == "common abbreviation or synonym; values look like dates");
  CHECK(s[3].confidence == 0.9);
  CHECK(s[5].reason == R"(same name; values are allowed values of "gender")");
  CHECK(s[8].field.empty());
  CHECK(s[8].confidence == 0.0);
  CHECK(s[8].reason == "no field matches");
}

TEST_CASE("mapping.suggest_by_values_for_a_meaningless_header", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"Column A", "Column C"});
  const std::vector<std::vector<std::string>> rows = {
      {"x", "ada@example.com"}, {"y", "alan@example.org"}, {"z", " grace@example.net "}, {"w", ""}};
  const auto s = suggest_mapping(headers, rows, type);
  REQUIRE(s.size() == 2);
  CHECK(s[0].field.empty());
  CHECK(s[1].field == "email");
  CHECK(s[1].confidence == 0.8);
  CHECK(s[1].reason == "values look like e-mail addresses");
  // With only two sample cells the same evidence counts for less.
  const std::vector<std::vector<std::string>> two = {{"x", "ada@example.com"}, {"y", "alan@example.org"}};
  CHECK(suggest_mapping(headers, two, type)[1].confidence == 0.6);
}

TEST_CASE("mapping.suggest_values_contradict_a_misleading_header", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"Date of Birth"});
  const std::vector<std::vector<std::string>> rows = {
      {"ada@example.com"}, {"alan@example.org"}, {"grace@example.net"}, {"linus@example.fi"}};
  const auto s = suggest_mapping(headers, rows, type);
  REQUIRE(s.size() == 1);
  CHECK(s[0].field == "email");
  CHECK(s[0].reason == "values look like e-mail addresses");
  REQUIRE_FALSE(s[0].alternatives.empty());
  CHECK(s[0].alternatives[0].first == "date_of_birth");
  CHECK(s[0].alternatives[0].second == 0.3);

  // The same header with dates keeps its name match.
  const std::vector<std::vector<std::string>> dates = {{"28/06/1999"}, {"1999-06-28"}, {"3 Jan 2001"}};
  const auto d = suggest_mapping(headers, dates, type);
  CHECK(d[0].field == "date_of_birth");
  CHECK(d[0].confidence == 1.0);
  CHECK(d[0].reason == "same name; values look like dates");
}

TEST_CASE("mapping.suggest_uuid_fields_by_name_words", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"Adviser", "Introducer ID", "Client ID"});
  const std::vector<std::vector<std::string>> uuids = {
      {"3f0e8a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
       "8fe0e696-f18f-4d17-995c-1853de405e6e"},
      {"746217ad-a4e7-4faf-aa76-e61e8cad3bc9", "065680d5-6407-42c6-8544-da5fb975ebfe",
       "cfff9049-96fb-49a4-b1ec-603528905b8c"},
      {"e9bce3c1-6448-44e2-acb6-490b3c177d64", "8a497f64-f701-4970-894f-e0dd83e7713d",
       "b55c4979-b676-48e9-bc03-815b40d595a4"}};
  const auto s = suggest_mapping(headers, uuids, type);
  CHECK(s[0].field == "assigned_adviser_uuid");
  CHECK(s[0].confidence >= 0.8);
  CHECK(s[1].field == "introduced_by_uuid");
  CHECK(s[2].field == "uuid");

  // Names rather than UUIDs under "Adviser": the name field, not the UUID one.
  const std::vector<std::vector<std::string>> people = {{"Jane Smith"}, {"Raj Patel"}, {"Jane Smith"}};
  const auto p = suggest_mapping(headers_of({"Adviser"}), people, type);
  CHECK(p[0].field == "assigned_advisor");
  CHECK(p[0].confidence >= 0.8);
}

TEST_CASE("mapping.suggest_one_field_per_header_and_alternatives", "[mapping]") {
  const auto type = clients_type();
  const auto s = suggest_mapping(headers_of({"Email", "E-mail", "Phone", "Telephone"}), {}, type);
  CHECK(s[0].field == "email");
  CHECK(s[0].confidence == 1.0);
  CHECK(s[1].field.empty());
  CHECK(s[1].reason == "the fields it matches are mapped to other columns");
  CHECK(s[1].alternatives == std::vector<std::pair<std::string, double>>{{"email", 0.9}});
  CHECK(s[2].field == "phone");
  CHECK(s[3].field.empty());
  CHECK(s[3].alternatives.front().first == "phone");
  for (const auto& one : s) CHECK(one.alternatives.size() <= 3);
}

TEST_CASE("mapping.suggest_name_normalisation", "[mapping]") {
  const auto type = clients_type();
  const auto s = suggest_mapping(
      headers_of({"FirstName", "LAST_NAME", "Prénom", "niNumber", "date-of-birth", "Frist Nme", "Sex"}), {}, type);
  CHECK(s[0].field == "first_name");
  CHECK(s[0].confidence == 1.0);
  CHECK(s[1].field == "last_name");
  CHECK(s[1].confidence == 1.0);
  CHECK(s[2].field.empty());  // no French synonyms: not a guess
  CHECK(s[3].field == "ni_number");
  CHECK(s[4].field == "date_of_birth");
  CHECK(s[5].field.empty());  // first_name is taken, and no other field is near
  const auto typo = suggest_mapping(headers_of({"Frist Nme"}), {}, type);
  CHECK(typo[0].field == "first_name");
  CHECK(typo[0].confidence == 0.58);
  CHECK(typo[0].reason == "similar name");
  CHECK(s[6].field == "gender");
  CHECK(s[6].confidence == 0.85);
  CHECK(s[6].reason == "common abbreviation or synonym");
}

TEST_CASE("mapping.suggest_is_deterministic", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"Name", "Mail", "Phone 2", "Phone 1", "Birthday", "Notes", "", "Adviser"});
  const std::vector<std::vector<std::string>> rows = {{"A", "a@b.co", "0123456789", "0123456780", "1/2/2000"}};
  const auto first = suggestions_json(type, headers, suggest_mapping(headers, rows, type), 0.8);
  for (int i = 0; i < 3; ++i)
    CHECK(suggestions_json(type, headers, suggest_mapping(headers, rows, type), 0.8) == first);
}

TEST_CASE("mapping.suggestions_json_and_mapping_feed_back", "[mapping]") {
  const auto type = clients_type();
  const auto headers = headers_of({"fname", "Surname", "Notes"});
  const auto s = suggest_mapping(headers, {}, type);
  const std::string json = suggestions_json(type, headers, s, 0.8);
  CHECK(json ==
        R"({"type":"clients","headers":["fname","Surname","Notes"],"suggestions":[)"
        R"({"header":"fname","column":0,"field":"first_name","confidence":0.85,)"
        R"("reason":"common abbreviation or synonym","alternatives":[]},)"
        R"({"header":"Surname","column":1,"field":"last_name","confidence":0.85,)"
        R"("reason":"common abbreviation or synonym","alternatives":[]},)"
        R"({"header":"Notes","column":2,"field":null,"confidence":0.00,"reason":"no field matches","alternatives":[]}],)"
        R"("mapping":{"headers":[{"first_name":"fname","last_name":"Surname"}]}})");

  const auto confident = mapping_from_suggestions(s, 0.8);
  CHECK(confident.columns == pairs{{"first_name", "fname"}, {"last_name", "Surname"}});
  CHECK(mapping_from_suggestions(s, 0.86).columns.empty());
  CHECK(mapping_from_suggestions(s, 0.85).columns.size() == 2);

  // The "mapping" member is a map request body: parse it back and resolve it.
  const auto body = json.substr(json.find("\"mapping\":") + 10, json.size() - json.find("\"mapping\":") - 11);
  const auto parsed = parse_ok(body);
  auto r = resolve_mapping(parsed, headers, type, {});
  REQUIRE(r.ok());
  CHECK(r.value().unmapped_columns == std::vector<std::string>{"Notes"});
}

// ---------------------------------------------------------------------------------------
// Against the built-in schemas

TEST_CASE("mapping.suggest_builtin_clients_export", "[mapping]") {
  auto registry = schema_registry::builtin();
  INFO(registry.error().message);
  REQUIRE(registry.ok());
  const import_type* clients = registry.value().find("clients");
  REQUIRE(clients != nullptr);
  const auto headers =
      headers_of({"First Name", "Surname", "E-mail Address", "DOB", "Mobile", "Gender", "Send Welcome Email?",
                  "NI Number", "Known As", "Marital Status", "Adviser", "Created At"});
  const std::vector<std::vector<std::string>> rows = {
      {"Ada", "Lovelace", "ada@example.com", "10/12/1815", "07700 900123", "Female", "1", "AB123456C", "", "Married",
       "Jane Smith", "2024-01-02 10:00"}};
  const auto s = suggest_mapping(headers, rows, *clients);
  const std::vector<std::string_view> expected = {
      "first_name", "last_name",      "email",          "date_of_birth", "phone",            "gender",
      "send_welcome_email", "ni_number", "nickname", "marital_status", "assigned_advisor"};
  REQUIRE(s.size() == expected.size() + 1);
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(s[i].header << " → " << s[i].field << " (" << s[i].confidence << ", " << s[i].reason << ")");
    CHECK(s[i].field == expected[i]);
    CHECK(s[i].confidence >= 0.8);
  }
  CHECK(s.back().field.empty());  // export-only column
  const auto m = mapping_from_suggestions(s, 0.8);
  CHECK(m.columns.size() == expected.size());
}

TEST_CASE("mapping.suggest_every_builtin_field_name_maps_to_itself", "[mapping]") {
  auto registry = schema_registry::builtin();
  REQUIRE(registry.ok());
  REQUIRE(registry.value().types().size() == 9);
  for (const import_type& type : registry.value().types()) {
    std::vector<std::string_view> names;
    for (const auto& f : type.fields) names.push_back(f.name);
    const auto s = suggest_mapping(normalize_headers(names), {}, type);
    REQUIRE(s.size() == names.size());
    for (size_t i = 0; i < s.size(); ++i) {
      INFO(type.name << ": " << s[i].header << " → " << s[i].field);
      CHECK(s[i].field == names[i]);
      CHECK(s[i].confidence == 1.0);
      CHECK(s[i].reason == "exact name");
    }
    // And the suggested mapping resolves cleanly.
    const auto r = resolve_mapping(mapping_from_suggestions(s, 0.8), normalize_headers(names), type, {});
    CHECK(r.ok());
  }
}
