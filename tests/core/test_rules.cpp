// test_rules.cpp — rule compilation, Laravel's check semantics, and the exact message text
// in both wordings (the messages are the contract with the server: compared verbatim).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/regex.h"
#include "preflight/rules.h"

#if defined(__unix__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#endif

using namespace preflight;
using strings = std::vector<std::string>;

namespace {

field_def make_field(std::string name, strings rules, strings values = {}, bool case_insensitive = false) {
  field_def f;
  f.name = std::move(name);
  f.rules = std::move(rules);
  if (!values.empty()) {
    f.type = field_type::enumeration;
    f.values = std::move(values);
  }
  f.case_insensitive = case_insensitive;
  return f;
}

import_type make_type(std::vector<field_def> fields) {
  import_type t;
  t.name = "clients";
  t.singular = "client";
  t.key = "uuid";
  t.boolean_true = {"1", "true", "yes"};
  t.boolean_false = {"0", "false", "no"};
  t.boolean_case_insensitive = true;
  t.fields = std::move(fields);
  return t;
}

rule_set compile_or_fail(const import_type& t, laravel_version w = laravel_version::v10,
                         import_mode mode = import_mode::validate, std::string today = "2024-06-15") {
  rule_options o;
  o.wording = w;
  o.today = std::move(today);
  auto r = rule_set::compile(t, mode, o);
  INFO(r.error().message);
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string compile_error(const import_type& t, import_mode mode = import_mode::validate) {
  rule_options o;
  o.today = "2024-06-15";
  auto r = rule_set::compile(t, mode, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::bad_rule);
  return r.error().message;
}

/// Runs one row: `cells` maps field name → cell text; a field not named is not present.
strings run(const rule_set& rs, const std::map<std::string, std::string>& cells, std::vector<violation>* keep = nullptr) {
  const import_type& t = rs.type();
  std::vector<std::string_view> values(t.fields.size());
  std::vector<uint8_t> present(t.fields.size(), 0);
  for (const auto& [name, text] : cells) {
    const int f = t.find_field(name);
    REQUIRE(f >= 0);
    values[static_cast<size_t>(f)] = text;
    present[static_cast<size_t>(f)] = 1;
  }
  std::vector<violation> out;
  const bool ok = rs.check_row(values, present, out);
  CHECK(ok == out.empty());
  strings messages;
  for (const violation& v : out) messages.push_back(rs.message(v));
  if (keep) *keep = out;
  return messages;
}

/// One field named "ref_code" (shown as "ref code") with `rule`, checked on one value.
struct single_case {
  std::string rule;
  std::optional<std::string> value;  // nullopt = not present
  strings v9, v10;                   // expected messages; empty = passes
};

void run_single(const single_case& c) {
  const import_type t = make_type({make_field("ref_code", {c.rule})});
  for (const laravel_version w : {laravel_version::v9, laravel_version::v10}) {
    const rule_set rs = compile_or_fail(t, w);
    std::map<std::string, std::string> cells;
    if (c.value) cells["ref_code"] = *c.value;
    INFO("rule " << c.rule << ", value " << (c.value ? "\"" + *c.value + "\"" : std::string("(not present)"))
                 << ", wording " << (w == laravel_version::v9 ? "9" : "10"));
    CHECK(run(rs, cells) == (w == laravel_version::v9 ? c.v9 : c.v10));
  }
}

const std::nullopt_t absent = std::nullopt;

}  // namespace

TEST_CASE("rules.display_attribute_is_laravel_snake", "[rules]") {
  CHECK(display_attribute("send_welcome_email") == "send welcome email");
  CHECK(display_attribute("email") == "email");
  CHECK(display_attribute("dateOfBirth") == "date of birth");
  CHECK(display_attribute("Date of birth") == "date of birth");
  CHECK(display_attribute("ni_number") == "ni number");
  CHECK(display_attribute("address_line_1") == "address line 1");
  CHECK(display_attribute("UUID") == "u u i d");
  CHECK(display_attribute("client_UUID") == "client  u u i d");
  CHECK(display_attribute("") == "");
}

TEST_CASE("rules.presence_rules", "[rules]") {
  const std::vector<single_case> cases = {
      {"required", "x", {}, {}},
      {"required", "", {"The ref code field is required."}, {"The ref code field is required."}},
      {"required", " \t", {"The ref code field is required."}, {"The ref code field is required."}},
      {"required", absent, {"The ref code field is required."}, {"The ref code field is required."}},
      {"prohibited", absent, {}, {}},
      {"prohibited", "", {}, {}},
      {"prohibited", "  ", {}, {}},
      {"prohibited", "x", {"The ref code field is prohibited."}, {"The ref code field is prohibited."}},
      {"present", "", {}, {}},
      {"present", absent, {"The ref code field must be present."}, {"The ref code field must be present."}},
      {"filled", absent, {}, {}},
      {"filled", "x", {}, {}},
      {"filled", "", {"The ref code field must have a value."}, {"The ref code field must have a value."}},
      {"nullable|filled", "", {"The ref code field must have a value."}, {"The ref code field must have a value."}},
  };
  for (const auto& c : cases) run_single(c);
}

TEST_CASE("rules.type_rules", "[rules]") {
  const strings str9{"The ref code must be a string."}, str10{"The ref code field must be a string."};
  const strings em9{"The ref code must be a valid email address."}, em10{"The ref code field must be a valid email address."};
  const strings uu9{"The ref code must be a valid UUID."}, uu10{"The ref code field must be a valid UUID."};
  const strings int9{"The ref code must be an integer."}, int10{"The ref code field must be an integer."};
  const strings num9{"The ref code must be a number."}, num10{"The ref code field must be a number."};
  const strings boo{"The ref code field must be true or false."};
  const strings dt9{"The ref code is not a valid date."}, dt10{"The ref code field must be a valid date."};
  const strings df9{"The ref code does not match the format Y-m-d."}, df10{"The ref code field must match the format Y-m-d."};
  const std::vector<single_case> cases = {
      {"string", "abc", {}, {}},
      {"string", "", str9, str10},  // null and not nullable: checked, and fails
      {"nullable|string", "", {}, {}},
      {"string", "   ", {}, {}},  // whitespace-only: only implicit rules run
      {"email", " \t ", {}, {}},
      {"integer", "  ", {}, {}},
      {"required|email", "  ", {"The ref code field is required."}, {"The ref code field is required."}},
      {"string", absent, {}, {}},
      {"email", "jane@example.com", {}, {}},
      {"email", "jane@", em9, em10},
      {"email", "", em9, em10},
      {"uuid", "123e4567-e89b-12d3-a456-426614174000", {}, {}},
      {"uuid", "123e4567", uu9, uu10},
      {"integer", "-12", {}, {}},
      {"integer", "1.5", int9, int10},
      {"integer", "012", int9, int10},
      {"numeric", " 1.5e3 ", {}, {}},
      {"numeric", "1,5", num9, num10},
      {"boolean", "1", {}, {}},
      {"boolean", "TRUE", {}, {}},
      {"boolean", "no", {}, {}},
      {"boolean", "maybe", boo, boo},
      {"boolean", "", boo, boo},
      {"date", "28/06/1999", {}, {}},
      {"date", "1999-06-28 10:30", {}, {}},
      {"date", "31/02/2024", dt9, dt10},
      {"date", "45123", dt9, dt10},
      {"date_format:Y-m-d", "2024-01-31", {}, {}},
      {"date_format:Y-m-d", "31/01/2024", df9, df10},
      {"date_format:Y-m-d", "2024-02-30", df9, df10},
      {"date_format:\"D, d M Y\"", "Thu, 01 Feb 2024", {}, {}},
  };
  for (const auto& c : cases) run_single(c);
}

TEST_CASE("rules.list_rules", "[rules]") {
  const strings sel{"The selected ref code is invalid."};
  const std::vector<single_case> cases = {
      {"in:alpha,beta", "beta", {}, {}},
      {"in:alpha,beta", "gamma", sel, sel},
      {"in:alpha,beta", "Beta", sel, sel},
      {"in:alpha,beta", "", sel, sel},
      {"in:\"a,b\",c", "a,b", {}, {}},
      {"not_in:alpha,beta", "alpha", sel, sel},
      {"not_in:alpha,beta", "gamma", {}, {}},
  };
  for (const auto& c : cases) run_single(c);
}

TEST_CASE("rules.size_rules_string_and_numeric", "[rules]") {
  const std::vector<single_case> cases = {
      {"max:3", "abc", {}, {}},
      {"max:3", "\xC3\xA9\xC3\xA9\xC3\xA9", {}, {}},  // 3 characters, 6 bytes
      {"max:3", "abcd",
       {"The ref code must not be greater than 3 characters."},
       {"The ref code field must not be greater than 3 characters."}},
      {"max:3", "1234",  // no numeric rule: a number is measured in characters
       {"The ref code must not be greater than 3 characters."},
       {"The ref code field must not be greater than 3 characters."}},
      {"integer|max:10", "10", {}, {}},
      {"integer|max:10", "11",
       {"The ref code must not be greater than 10."},
       {"The ref code field must not be greater than 10."}},
      {"numeric|max:2.5", "2.51",
       {"The ref code must not be greater than 2.5."},
       {"The ref code field must not be greater than 2.5."}},
      {"min:2", "a", {"The ref code must be at least 2 characters."}, {"The ref code field must be at least 2 characters."}},
      {"min:2", "", {"The ref code must be at least 2 characters."}, {"The ref code field must be at least 2 characters."}},
      {"numeric|min:2", "1.5", {"The ref code must be at least 2."}, {"The ref code field must be at least 2."}},
      {"numeric|min:2", "100", {}, {}},
      {"between:2,4", "abcde",
       {"The ref code must be between 2 and 4 characters."},
       {"The ref code field must be between 2 and 4 characters."}},
      {"between:2,4", "abcd", {}, {}},
      {"numeric|between:1,9.5", "10",
       {"The ref code must be between 1 and 9.5."},
       {"The ref code field must be between 1 and 9.5."}},
      {"size:3", "ab", {"The ref code must be 3 characters."}, {"The ref code field must be 3 characters."}},
      {"size:3", "abc", {}, {}},
      {"integer|size:3", "4", {"The ref code must be 3."}, {"The ref code field must be 3."}},
      {"integer|size:3", "3", {}, {}},
      {"digits:4", "0123", {}, {}},
      {"digits:4", "123a", {"The ref code must be 4 digits."}, {"The ref code field must be 4 digits."}},
      {"digits:4", "12345", {"The ref code must be 4 digits."}, {"The ref code field must be 4 digits."}},
      {"digits_between:2,4", "12345",
       {"The ref code must be between 2 and 4 digits."},
       {"The ref code field must be between 2 and 4 digits."}},
      {"digits_between:2,4", "123", {}, {}},
  };
  for (const auto& c : cases) run_single(c);
}

TEST_CASE("rules.size_rule_uses_numeric_value_only_for_numbers", "[rules]") {
  // integer fails on "abcd", and max measures its 4 characters — with the numeric message,
  // because the field has a numeric rule (Laravel picks the message by rule, not value).
  const import_type t = make_type({make_field("ref_code", {"integer|max:3"})});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"ref_code", "abcd"}}) ==
        strings{"The ref code field must be an integer.", "The ref code field must not be greater than 3."});
  CHECK(rs.is_numeric(0));
}

TEST_CASE("rules.regex_rules", "[rules]") {
  const strings fmt9{"The ref code format is invalid."}, fmt10{"The ref code field format is invalid."};
  const std::vector<single_case> cases = {
      {"regex:/^[A-Z]{2}\\d{4}$/", "AB1234", {}, {}},
      {"regex:/^[A-Z]{2}\\d{4}$/", "ab1234", fmt9, fmt10},
      {"regex:/^[A-Z]{2}\\d{4}$/i", "ab1234", {}, {}},
      {"regex:/^(a|b)$/", "b", {}, {}},  // a whole-element regex keeps its '|'
      {"regex:/^a$/", "", fmt9, fmt10},
      {"not_regex:/^\\d+(\\.\\d+)?E[+-]\\d+$/", "4.47912E+11", fmt9, fmt10},
      {"not_regex:/^\\d+(\\.\\d+)?E[+-]\\d+$/", "447912000000", {}, {}},
      {"nullable|not_regex:/^x/", "", {}, {}},
  };
  for (const auto& c : cases) run_single(c);
}

TEST_CASE("rules.date_comparisons_with_literals", "[rules]") {
  const std::vector<single_case> cases = {
      {"after:2024-01-01", "02/01/2024", {}, {}},
      {"after:2024-01-01", "2024-01-01",
       {"The ref code must be a date after 2024-01-01."},
       {"The ref code field must be a date after 2024-01-01."}},
      {"after_or_equal:2024-01-01", "01/01/2024", {}, {}},
      {"after_or_equal:2024-01-01", "31/12/2023",
       {"The ref code must be a date after or equal to 2024-01-01."},
       {"The ref code field must be a date after or equal to 2024-01-01."}},
      {"before:01/01/2024", "31/12/2023", {}, {}},
      {"before:01/01/2024", "2024-01-01",
       {"The ref code must be a date before 01/01/2024."},
       {"The ref code field must be a date before 01/01/2024."}},
      {"before_or_equal:2024-01-01", "2024-01-01", {}, {}},
      {"before_or_equal:2024-01-01", "2024-01-01 00:00:01",
       {"The ref code must be a date before or equal to 2024-01-01."},
       {"The ref code field must be a date before or equal to 2024-01-01."}},
      {"date_equals:2024-01-01", "1/1/2024", {}, {}},
      {"date_equals:2024-01-01", "2024-01-02",
       {"The ref code must be a date equal to 2024-01-01."},
       {"The ref code field must be a date equal to 2024-01-01."}},
      {"after:2024-01-01", "not a date",
       {"The ref code must be a date after 2024-01-01."},
       {"The ref code field must be a date after 2024-01-01."}},
      // A value that is not a date: PHP compares null with the timestamp as booleans, so
      // before/before_or_equal pass (the `date` rule reports it) and the others fail.
      {"before:2024-01-01", "31/02/2020", {}, {}},
      {"before_or_equal:2024-01-01", "not a date", {}, {}},
      {"after_or_equal:2024-01-01", "31/02/2025",
       {"The ref code must be a date after or equal to 2024-01-01."},
       {"The ref code field must be a date after or equal to 2024-01-01."}},
      {"date_equals:2024-01-01", "not a date",
       {"The ref code must be a date equal to 2024-01-01."},
       {"The ref code field must be a date equal to 2024-01-01."}},
      // options.today is 2024-06-15 in these tests
      {"before:today", "14/06/2024", {}, {}},
      {"before:today", "15/06/2024",
       {"The ref code must be a date before today."},
       {"The ref code field must be a date before today."}},
      {"after:tomorrow", "17/06/2024", {}, {}},
      {"after:tomorrow", "16/06/2024",  // tomorrow is midnight, as strtotime("tomorrow")
       {"The ref code must be a date after tomorrow."},
       {"The ref code field must be a date after tomorrow."}},
      {"after:tomorrow", "16/06/2024 00:01", {}, {}},
      {"after_or_equal:yesterday", "14/06/2024", {}, {}},
      {"date_format:d.m.Y|after:31.12.2023", "01.01.2024", {}, {}},
  };
  for (const auto& c : cases) run_single(c);
}

TEST_CASE("rules.after_other_field", "[rules]") {
  const import_type t = make_type({make_field("start_date", {"nullable|date"}),
                                   make_field("endDate", {"nullable|date|after:start_date"})});
  const rule_set v10 = compile_or_fail(t, laravel_version::v10);
  const rule_set v9 = compile_or_fail(t, laravel_version::v9);
  CHECK(run(v10, {{"start_date", "01/01/2024"}, {"endDate", "02/01/2024"}}).empty());
  CHECK(run(v10, {{"start_date", "01/01/2024"}, {"endDate", "01/01/2024"}}) ==
        strings{"The end date field must be a date after start date."});
  CHECK(run(v9, {{"start_date", "01/01/2024"}, {"endDate", "2023-12-31"}}) ==
        strings{"The end date must be a date after start date."});
  // The other value empty, missing or not a date: the comparison passes (its own rules report it).
  CHECK(run(v10, {{"start_date", ""}, {"endDate", "01/01/2024"}}).empty());
  CHECK(run(v10, {{"endDate", "01/01/2024"}}).empty());
  CHECK(run(v10, {{"start_date", "soon"}, {"endDate", "01/01/2024"}}) ==
        strings{"The start date field must be a valid date."});
}

TEST_CASE("rules.nullable_and_null", "[rules]") {
  const import_type t = make_type({
      make_field("email", {"nullable|email|max:255"}),
      make_field("phone", {"string|max:20"}),
      make_field("age", {"integer"}),
  });
  const rule_set rs = compile_or_fail(t);
  // email is nullable: skipped. phone and age are not: null is checked and fails.
  CHECK(run(rs, {{"email", ""}, {"phone", ""}, {"age", ""}}) ==
        strings{"The phone field must be a string.", "The age field must be an integer."});
  // Not present: nothing runs (no implicit rules here).
  CHECK(run(rs, {}).empty());
}

TEST_CASE("rules.implicit_failure_stops_the_field", "[rules]") {
  const import_type t = make_type({make_field("first_name", {"required|string|min:2"})});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"first_name", ""}}) == strings{"The first name field is required."});
  CHECK(run(rs, {}) == strings{"The first name field is required."});
  CHECK(run(rs, {{"first_name", "J"}}) == strings{"The first name field must be at least 2 characters."});
}

TEST_CASE("rules.bail_stops_at_first_failure", "[rules]") {
  const import_type t = make_type({make_field("a", {"email|max:5"}), make_field("b", {"bail|email|max:5"})});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"a", "not-an-email"}, {"b", "not-an-email"}}) ==
        strings{"The a field must be a valid email address.",
                "The a field must not be greater than 5 characters.",
                "The b field must be a valid email address."});
}

TEST_CASE("rules.required_on_unmapped_field", "[rules]") {
  const import_type t = make_type({
      make_field("send_welcome_email", {"required|boolean"}),
      make_field("phone", {"nullable|string"}),
      make_field("uuid", {"nullable|uuid"}),
  });
  import_type typed = t;
  typed.fields[2].store_rules = {"prohibited"};
  typed.fields[2].update_rules = {"required|uuid"};
  const rule_set rs = compile_or_fail(typed);
  CHECK(rs.always_required(0));
  CHECK_FALSE(rs.always_required(1));
  CHECK_FALSE(rs.always_required(2));
  CHECK(run(rs, {{"phone", "1"}}) == strings{"The send welcome email field is required."});
  CHECK(run(rs, {{"send_welcome_email", "maybe"}}) == strings{"The send welcome email field must be true or false."});

  const rule_set store = compile_or_fail(typed, laravel_version::v10, import_mode::store);
  CHECK_FALSE(store.always_required(2));
  CHECK(run(store, {{"send_welcome_email", "1"}, {"uuid", "123e4567-e89b-12d3-a456-426614174000"}}) ==
        strings{"The uuid field is prohibited."});
  CHECK(run(store, {{"send_welcome_email", "1"}, {"uuid", ""}}).empty());

  const rule_set update = compile_or_fail(typed, laravel_version::v10, import_mode::update);
  CHECK(update.always_required(2));
  CHECK(run(update, {{"send_welcome_email", "1"}}) == strings{"The uuid field is required."});
  CHECK(run(update, {{"send_welcome_email", "1"}, {"uuid", "nope"}}) == strings{"The uuid field must be a valid UUID."});
}

TEST_CASE("rules.required_if_and_unless", "[rules]") {
  const import_type t = make_type({
      make_field("send_welcome_email", {"nullable|boolean"}),
      make_field("welcome_note", {"nullable|required_if:send_welcome_email,true"}),
      make_field("type", {"nullable|string"}),
      make_field("entity_name", {"required_if:type,entity,trust"}),
      make_field("first_name", {"required_unless:type,entity,trust"}),
      make_field("reason", {"required_if:type,null"}),
  });
  const rule_set rs = compile_or_fail(t);
  const std::string welcome = "The welcome note field is required when send welcome email is true.";
  // Boolean other field: compared by meaning through the type's spellings.
  CHECK(run(rs, {{"send_welcome_email", "1"}, {"type", "x"}, {"first_name", "J"}}) == strings{welcome});
  CHECK(run(rs, {{"send_welcome_email", "YES"}, {"type", "x"}, {"first_name", "J"}}) == strings{welcome});
  CHECK(run(rs, {{"send_welcome_email", "false"}, {"type", "x"}, {"first_name", "J"}}).empty());
  CHECK(run(rs, {{"send_welcome_email", "0"}, {"type", "x"}, {"first_name", "J"}}).empty());
  CHECK(run(rs, {{"send_welcome_email", "1"}, {"welcome_note", "Hi"}, {"type", "x"}, {"first_name", "J"}}).empty());
  // Other field not present: required_if passes.
  CHECK(run(rs, {{"type", "x"}, {"first_name", "J"}}).empty());

  // Several values: :value names the one that matched; string comparison is case-sensitive.
  CHECK(run(rs, {{"type", "trust"}}) == strings{"The entity name field is required when type is trust."});
  CHECK(run(rs, {{"type", "entity"}}) == strings{"The entity name field is required when type is entity."});
  CHECK(run(rs, {{"type", "Entity"}}) ==
        strings{"The first name field is required unless type is in entity, trust."});
  CHECK(run(rs, {{"type", "entity"}, {"entity_name", "Acme"}}).empty());
  // required_unless with the other field missing: null is not in the list, so required;
  // required_if passes when the other field is missing altogether.
  CHECK(run(rs, {}) == strings{"The first name field is required unless type is in entity, trust."});
  // required_if:type,null matches an empty type, and Laravel shows a null value as "empty".
  CHECK(run(rs, {{"type", ""}}) == strings{"The first name field is required unless type is in entity, trust.",
                                           "The reason field is required when type is empty."});
}

TEST_CASE("rules.required_with_and_without", "[rules]") {
  const import_type t = make_type({
      make_field("plan_uuid", {"nullable"}),
      make_field("client_uuid", {"nullable"}),
      make_field("w", {"required_with:plan_uuid,client_uuid"}),
      make_field("wa", {"required_with_all:plan_uuid,client_uuid"}),
      make_field("wo", {"required_without:plan_uuid,client_uuid"}),
      make_field("woa", {"required_without_all:plan_uuid,client_uuid"}),
  });
  const rule_set rs = compile_or_fail(t);
  const std::string w = "The w field is required when plan uuid / client uuid is present.";
  const std::string wa = "The wa field is required when plan uuid / client uuid are present.";
  const std::string wo = "The wo field is required when plan uuid / client uuid is not present.";
  const std::string woa = "The woa field is required when none of plan uuid / client uuid are present.";
  CHECK(run(rs, {}) == strings{wo, woa});
  CHECK(run(rs, {{"plan_uuid", "p"}}) == strings{w, wo});
  CHECK(run(rs, {{"plan_uuid", "p"}, {"client_uuid", "  "}}) == strings{w, wo});  // blank counts as missing
  CHECK(run(rs, {{"plan_uuid", "p"}, {"client_uuid", "c"}}) == strings{w, wa});
  CHECK(run(rs, {{"plan_uuid", "p"}, {"client_uuid", "c"}, {"w", "1"}, {"wa", "1"}}).empty());
  CHECK(run(rs, {{"wo", "1"}, {"woa", "1"}}).empty());
}

TEST_CASE("rules.enum_values_become_in", "[rules]") {
  const strings genders{"male", "female", "non-binary", "transgender", "intersex", "other", "unknown"};
  const import_type t = make_type({
      make_field("gender", {"nullable"}, genders, true),
      make_field("strict_gender", {"nullable"}, genders, false),
      make_field("status", {"required|in"}, {"active", "inactive", "proposed"}, true),
  });
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"gender", "MALE"}, {"strict_gender", "male"}, {"status", "Active"}}).empty());
  CHECK(run(rs, {{"gender", "Non-Binary"}, {"strict_gender", "Male"}, {"status", "gone"}}) ==
        strings{"The selected strict gender is invalid.", "The selected status is invalid."});
  CHECK(run(rs, {{"gender", "mal"}, {"status", "active"}}) == strings{"The selected gender is invalid."});
  CHECK(run(rs, {{"gender", ""}, {"status", "active"}}).empty());  // nullable
  CHECK(run(rs, {{"status", ""}}) == strings{"The status field is required."});
}

TEST_CASE("rules.in_with_many_values_case_insensitive", "[rules]") {
  // Fourteen members: the hashed table probes past collisions; every member and its upper-case
  // form are found, and near misses (prefix, suffix, trailing space) are not.
  const strings cats{"adhoc", "administration", "adjustment", "bond_renewal", "clawback", "dss_rebate", "fund",
                     "indemnity", "initial_fee", "level", "non_indemnity", "one_off", "ongoing_fee", "other_fee"};
  const import_type t = make_type({make_field("category", {"nullable"}, cats, true)});
  const rule_set rs = compile_or_fail(t);
  for (const std::string& c : cats) {
    INFO(c);
    CHECK(run(rs, {{"category", c}}).empty());
    std::string upper = c;
    for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
    CHECK(run(rs, {{"category", upper}}).empty());
  }
  for (const std::string bad : {"a", "zzz", "adhocx", "adho", "other_fees", "ADHOC "}) {
    INFO(bad);
    CHECK(run(rs, {{"category", bad}}) == strings{"The selected category is invalid."});
  }
}

TEST_CASE("rules.distinct_violation_and_kinds", "[rules]") {
  const import_type t = make_type({make_field("uuid", {"nullable|uuid"}), make_field("email", {"nullable|email"})});
  const rule_set v9 = compile_or_fail(t, laravel_version::v9);
  const violation d = v9.distinct_violation(0);
  CHECK(d.field == 0);
  CHECK(v9.kind(d) == rule_kind::distinct);
  CHECK(v9.message(d) == "The uuid field has a duplicate value.");
  CHECK(std::string(rule_name(v9.kind(d))) == "distinct");
  CHECK(v9.wording() == laravel_version::v9);

  std::vector<violation> out;
  CHECK(run(v9, {{"uuid", "x"}, {"email", "y"}}, &out).size() == 2);
  REQUIRE(out.size() == 2);
  CHECK(v9.kind(out[0]) == rule_kind::uuid);
  CHECK(out[0].rule_index == 0);  // nullable is a flag, not a compiled rule
  CHECK(v9.kind(out[1]) == rule_kind::email);
  CHECK(out[1].field == 1);
}

TEST_CASE("rules.check_row_appends", "[rules]") {
  const import_type t = make_type({make_field("email", {"email"})});
  const rule_set rs = compile_or_fail(t);
  const std::vector<std::string_view> bad{"x"}, good{"a@b.co"};
  const std::vector<uint8_t> present{1};
  std::vector<violation> out;
  CHECK_FALSE(rs.check_row(bad, present, out));
  CHECK(out.size() == 1);
  CHECK(rs.check_row(good, present, out));  // passes: nothing added, nothing removed
  CHECK(out.size() == 1);
  CHECK_FALSE(rs.check_row(bad, present, out));
  CHECK(out.size() == 2);
}

TEST_CASE("rules.rule_names", "[rules]") {
  CHECK(std::string(rule_name(rule_kind::required_without_all)) == "required_without_all");
  CHECK(std::string(rule_name(rule_kind::date_equals)) == "date_equals");
  CHECK(std::string(rule_name(rule_kind::not_regex)) == "not_regex");
}

TEST_CASE("rules.compile_errors_name_type_field_and_rule", "[rules]") {
  const auto error_for = [](std::string rule, strings values = {}) {
    return compile_error(make_type({make_field("start_date", {"nullable|date"}), make_field("gender", {rule}, values)}));
  };
  CHECK(error_for("nullable|in_list") == "clients: field \"gender\": unknown rule \"in_list\"");
  CHECK(error_for("Required") == "clients: field \"gender\": unknown rule \"Required\"");
  CHECK(error_for("max:abc") == "clients: field \"gender\": rule \"max:abc\": \"abc\" is not a number");
  CHECK(error_for("max") == "clients: field \"gender\": rule \"max\": needs 1 parameter");
  CHECK(error_for("between:1") == "clients: field \"gender\": rule \"between:1\": needs 2 parameters");
  CHECK(error_for("between:5,1") == "clients: field \"gender\": rule \"between:5,1\": the minimum is above the maximum");
  CHECK(error_for("digits:-1") == "clients: field \"gender\": rule \"digits:-1\": \"-1\" is not a whole number");
  CHECK(error_for("required_if:nope,1") ==
        "clients: field \"gender\": rule \"required_if:nope,1\": \"nope\" is not a field of clients");
  CHECK(error_for("required_if:start_date") ==
        "clients: field \"gender\": rule \"required_if:start_date\": needs at least 2 parameters");
  CHECK(error_for("required_with:start_date,nope") ==
        "clients: field \"gender\": rule \"required_with:start_date,nope\": \"nope\" is not a field of clients");
  CHECK(error_for("before:someday") ==
        "clients: field \"gender\": rule \"before:someday\": \"someday\" is neither a field of clients nor a date "
        "(DD/MM/YYYY, YYYY-MM-DD, today, tomorrow, yesterday)");
  CHECK(error_for("date_format:U") == "clients: field \"gender\": rule \"date_format:U\": format character \"U\" is not supported");
  CHECK(error_for("string:x") == "clients: field \"gender\": rule \"string:x\": takes no parameters");
  CHECK(error_for("in") == "clients: field \"gender\": rule \"in\": needs values (the field lists none)");
  CHECK(error_for("nullable|regex:/^(a|b)$/") ==
        "clients: field \"gender\": unknown rule \"b)$/\" (a regex containing | must be an array element of its own)");
  CHECK(error_for("regex:/(/").starts_with("clients: field \"gender\": rule \"regex:/(/\": "));
  CHECK(error_for("not_in", {"a"}) == "clients: field \"gender\": rule \"not_in\": needs values");

  // The mode picks the rule strings, so only the mode's own errors show.
  import_type t = make_type({make_field("uuid", {"nullable|uuid"})});
  t.fields[0].update_rules = {"required|uid"};
  rule_options o;
  CHECK(rule_set::compile(t, import_mode::store, o).ok());
  CHECK(compile_error(t, import_mode::update) == "clients: field \"uuid\": unknown rule \"uid\"");
}

TEST_CASE("rules.bad_today_option", "[rules]") {
  const import_type t = make_type({make_field("d", {"before:today"})});
  rule_options o;
  o.today = "2024-13-01";
  auto r = rule_set::compile(t, import_mode::validate, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::invalid_argument);
  CHECK(r.error().message == "rule option \"today\" must be a date such as 2024-01-31, not \"2024-13-01\"");
  o.today.clear();  // the system date
  CHECK(rule_set::compile(t, import_mode::validate, o).ok());
}

TEST_CASE("rules.rule_string_splitting", "[rules]") {
  // Pieces around '|' are trimmed and empty pieces skipped; several array elements add up.
  const import_type t = make_type({make_field("code", {" nullable | string |", "max:4"})});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"code", "abcde"}}) == strings{"The code field must not be greater than 4 characters."});
  CHECK(run(rs, {{"code", ""}}).empty());
}

TEST_CASE("rules.string_before_required_still_checks_null", "[rules]") {
  // Laravel runs rules in order: `string` on null fails (it is not implicit, so the field
  // goes on), then `required` fails too. With `required` first, only required reports.
  const import_type t = make_type({make_field("a", {"string|required"}), make_field("b", {"required|string"})});
  const rule_set rs = compile_or_fail(t, laravel_version::v9);
  CHECK(run(rs, {{"a", ""}, {"b", ""}}) ==
        strings{"The a must be a string.", "The a field is required.", "The b field is required."});
}

TEST_CASE("rules.date_comparison_reads_the_field_date_format", "[rules]") {
  const import_type t = make_type({make_field("start", {"nullable|date_format:d.m.Y"}),
                                   make_field("end", {"nullable|after_or_equal:start|date_format:d.m.Y"})});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"start", "02.01.2024"}, {"end", "02.01.2024"}}).empty());
  CHECK(run(rs, {{"start", "02.01.2024"}, {"end", "01.01.2024"}}) ==
        strings{"The end field must be a date after or equal to start."});
  CHECK(run(rs, {{"start", "02.01.2024"}, {"end", "2024-01-01"}}) ==
        strings{"The end field must be a date after or equal to start.",
                "The end field must match the format d.m.Y."});
}

TEST_CASE("rules.integer_then_size_uses_the_number", "[rules]") {
  const import_type t = make_type({make_field("age", {"nullable|integer|min:18|max:120"})});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"age", "18"}}).empty());
  CHECK(run(rs, {{"age", " 120 "}}).empty());  // trimmed by both FILTER_VALIDATE_INT and is_numeric
  CHECK(run(rs, {{"age", "17"}}) == strings{"The age field must be at least 18."});
  CHECK(run(rs, {{"age", "121"}}) == strings{"The age field must not be greater than 120."});
  CHECK(run(rs, {{"age", "-5"}}) == strings{"The age field must be at least 18."});
}

TEST_CASE("rules.builtin_schemas_compile_in_every_mode", "[rules]") {
  auto reg = schema_registry::builtin();
  INFO(reg.error().message);
  REQUIRE(reg.ok());
  REQUIRE_FALSE(reg.value().types().empty());
  for (const import_type& t : reg.value().types()) {
    for (const import_mode mode : {import_mode::validate, import_mode::store, import_mode::update}) {
      rule_options o;
      o.today = "2024-06-15";
      auto r = rule_set::compile(t, mode, o);
      INFO(t.name << " in " << mode_name(mode) << ": " << r.error().message);
      CHECK(r.ok());
    }
  }
}

// check_row skips regex::search when a cheap reading of the pattern proves that a value
// cannot match (an anchored pattern's possible first bytes; a byte every match must
// contain). The answer must always be search()'s: patterns the reading understands,
// patterns it gives up on, and values on both sides.
TEST_CASE("rules.regex_prefilter_agrees_with_search", "[rules]") {
  const strings patterns{
      "/^[+-]?\\d(\\.\\d+)?E[+-]?\\d+$/i", "/^[A-Z]{2}\\d{6}$/", "/\\d{3}/", "/^(?:abc|def)x/", "/a|b/",
      "/^a*b/", "/^\\s*$/", "/^.{0}x/", "/x{0}y/", "/^k/iu", "/^K/i", "/[^abc]/", "/^[]a]/", "/^[a-]/",
      "/^\\w+@/", "/^\\/path/", "#^a/b#", "~^x~", "/^\\bfoo/", "/^$/", "/\\x41/",
      "/^a{2,}?b/", "/^(a)+$/", "/^[[:alpha:]]+$/", "/\\Ax/", "/^x/m", "/E/i", "/e/", "/^\\D/", "/^[\\d.]+$/",
      "/^[a-c]+\\.[x-z]/i", "/\\t/", "/^\\S+\\s/", "/^é/u", "/^.$/su", "/^\\-?\\d+/", "/[Ee]/",
  };
  strings values{"a", "b", "x", "y", "E", "e", "4.47912E+11", "4.47912e+11", "+1E5", "-1e-5", "1E", "07700900123",
                 "+44 7700 900123", "AB123456", "ab123456", "abcx", "defx", "k", "K", "\xE2\x84\xAA", "foo", "xfoo",
                 "/path", "a/b", "]a", "-", "x\ny", "aab", "aaab", "ba", "\xC3\xA9", "\xC3\xA9t\xC3\xA9", "\xFF", "A",
                 "AA", "1.2.3", "abc.X", "ABC.y", "a\tb", "word rest", "-12", "12", "@", "x@", "E e E", "\xC3"};
  // And short random strings over the characters the patterns care about.
  uint64_t state = 0x9E3779B97F4A7C15ull;
  const std::string_view alphabet("aAbBeEkKxXyz019+-.@/ \t\n]\xC3\xA9");
  for (int k = 0; k < 300; ++k) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint64_t bits = state * 0x2545F4914F6CDD1Dull;
    std::string v;
    const size_t length = 1 + bits % 12;
    for (size_t i = 0; i < length; ++i, bits /= alphabet.size()) v += alphabet[bits % alphabet.size()];
    values.push_back(v);
  }
  size_t matched = 0;
  for (const std::string& pattern : patterns) {
    auto compiled = regex::compile(pattern);
    INFO(pattern);
    REQUIRE(compiled.ok());
    const import_type t = make_type({make_field("want", {"regex:" + pattern}), make_field("refuse", {"not_regex:" + pattern})});
    const rule_set rs = compile_or_fail(t);
    for (const std::string& v : values) {
      bool blank = true;
      for (const char c : v) blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v');
      if (blank) continue;  // whitespace-only cells skip both rules
      bool too_complex = false;
      const bool found = compiled.value().search(v, &too_complex);
      INFO("value \"" << v << "\"");
      CHECK(run(rs, {{"want", v}}).empty() == (found && !too_complex));
      CHECK(run(rs, {{"refuse", v}}).empty() == (!found || too_complex));
      matched += found ? 1 : 0;
    }
  }
  CHECK(matched > 200);  // both outcomes are exercised
}

// in / not_in lists of every size from 1 to 40, with items longer than one and two
// words and items that differ only past byte 8 or 16: each is found (in any case when
// the field is case-insensitive, in its own case otherwise), and near misses are not.
TEST_CASE("rules.in_lists_of_every_size", "[rules]") {
  for (const bool fold : {true, false}) {
    for (size_t size = 1; size <= 40; ++size) {
      strings items;
      for (size_t k = 0; k < size; ++k) {
        switch (k % 4) {
          case 0: items.push_back("v" + std::to_string(k)); break;
          case 1: items.push_back("long-value-number-" + std::to_string(k)); break;
          case 2: items.push_back("same_prefix_" + std::to_string(k)); break;
          default: items.push_back(std::string(k, 'q')); break;
        }
      }
      const import_type t = make_type({make_field("kind", {"nullable"}, items, fold)});
      const rule_set rs = compile_or_fail(t);
      const strings invalid{"The selected kind is invalid."};
      for (const std::string& item : items) {
        INFO("size " << size << ", item " << item << ", fold " << fold);
        CHECK(run(rs, {{"kind", item}}).empty());
        std::string upper = item;
        for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
        CHECK(run(rs, {{"kind", upper}}).empty() == (fold || upper == item));
        CHECK(run(rs, {{"kind", item + "x"}}) == invalid);
        CHECK(run(rs, {{"kind", item.substr(0, item.size() - 1) + "#"}}) == invalid);
      }
      CHECK(run(rs, {{"kind", "same_prefix_999"}}) == invalid);
      CHECK(run(rs, {{"kind", "long-value-number-999"}}) == invalid);
    }
  }
}

// The usual cell gets a quick pass/fail verdict and only a failing field is checked again
// rule by rule; the violations must be the rule-by-rule ones, in order, with bail and
// implicit stops, whichever rules the verdict handles itself.
TEST_CASE("rules.failing_cells_report_every_rule_in_order", "[rules]") {
  const import_type t = make_type({
      make_field("code", {"nullable|string|max:3|regex:/^[a-z]+$/|min:2"}),
      make_field("count", {"nullable|integer|min:5|max:9"}),
      make_field("day", {"nullable|date|after:2024-01-01|before:today"}),
      make_field("strict", {"bail|nullable|integer|min:5|max:9"}),
      make_field("kind", {"nullable|in:a,b|not_in:b"}),
      make_field("gone", {"prohibited|string"}),
  });
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"code", "ab"}, {"count", "7"}, {"day", "2024-03-01"}, {"strict", "6"}, {"kind", "a"}}).empty());
  CHECK(run(rs, {{"code", "ABCD"}}) == strings{"The code field must not be greater than 3 characters.",
                                                 "The code field format is invalid."});
  CHECK(run(rs, {{"code", "A"}}) == strings{"The code field format is invalid.",
                                              "The code field must be at least 2 characters."});
  CHECK(run(rs, {{"count", "3"}}) == strings{"The count field must be at least 5."});
  // Not a number: min counts its characters, and the message keeps the numeric wording.
  CHECK(run(rs, {{"count", "x"}}) == strings{"The count field must be an integer.",
                                               "The count field must be at least 5."});
  CHECK(run(rs, {{"strict", "x"}}) == strings{"The strict field must be an integer."});
  CHECK(run(rs, {{"day", "2023-06-01"}}) == strings{"The day field must be a date after 2024-01-01."});
  CHECK(run(rs, {{"day", "2030-06-01"}}) == strings{"The day field must be a date before today."});
  CHECK(run(rs, {{"day", "soon"}}) == strings{"The day field must be a valid date.",
                                                "The day field must be a date after 2024-01-01."});
  CHECK(run(rs, {{"kind", "b"}}) == strings{"The selected kind is invalid."});
  CHECK(run(rs, {{"kind", "c"}}) == strings{"The selected kind is invalid."});
  CHECK(run(rs, {{"gone", "x"}}) == strings{"The gone field is prohibited."});
  CHECK(run(rs, {{"gone", " "}}).empty());
  // Leading whitespace before a value: still filled, checked the same way.
  CHECK(run(rs, {{"count", " 7"}}).empty());
  CHECK(run(rs, {{"count", " 3"}}) == strings{"The count field must be at least 5."});
}

TEST_CASE("rules.check_block_agrees_with_check_row", "[rules]") {
  // The column-wise verdicts plus the exact checks of the suspect fields must give every
  // row exactly check_row's violations, in order: over random rows drawn from good, bad,
  // blank and empty cells, with unmapped fields, a constant, and checks that read another
  // field (after:start), which check_block leaves to the exact path. The fields cover the
  // one-check loops and every two-check pair check_block inlines (email+max, max+not_regex,
  // date+before, integer+between, numeric+min).
  const import_type t = make_type({
      make_field("uuid", {"nullable|uuid"}),
      make_field("name", {"required|string|max:5"}),
      make_field("email", {"nullable|email|max:20"}),
      make_field("phone", {"nullable|string|max:12|not_regex:/^[+-]?\\d(\\.\\d+)?E[+-]?\\d+$/i"}),
      make_field("start", {"nullable|date|before:today"}),
      make_field("end", {"nullable|date|after:start"}),
      make_field("kind", {"nullable"}, {"a", "b"}, true),
      make_field("flag", {"required|boolean"}),
      make_field("count", {"nullable|integer|between:1,100"}),
      make_field("amount", {"nullable|numeric|min:0"}),
      make_field("note", {"required_if:flag,1|string"}),
      make_field("unmapped", {"nullable|string"}),
      make_field("fixed", {"nullable|in:x,y"}),
  });
  const rule_set rs = compile_or_fail(t);
  const std::vector<strings> pool = {
      {"", "123e4567-e89b-12d3-a456-426614174000", "nope", " "},
      {"", "Ann", "Annabelle", " ", "\tBo"},
      {"", "a@b.co", "a@b", "very.long.address@example.com", " x@y.z"},
      {"", "07700900123", "4.47E+11", "1e5", "0770090012345678"},
      {"", "01/02/2000", "31/02/2000", "2030-01-01", "soon"},
      {"", "2024-01-01", "1999-01-01", "x"},
      {"", "a", "B", "c"},
      {"", "1", "no", "maybe"},
      {"", "7", "0", "007", "x", "101"},
      {"", "1.5", "-2", "abc"},
      {"", "why", " "},
  };
  // Columns 0..10 map fields 0..10; "unmapped" has no column; "fixed" is a constant.
  const size_t columns = pool.size();
  std::vector<int> column_of_field(t.fields.size(), -1);
  for (size_t c = 0; c < columns; ++c) column_of_field[c] = static_cast<int>(c);
  std::vector<uint8_t> present(t.fields.size(), 1);
  present[11] = 0;
  std::vector<std::string_view> fixed(t.fields.size());
  for (const char* constant : {"x", "z"}) {
    fixed[12] = constant;
    uint64_t seed = 7;
    const auto next = [&seed] { return (seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    const size_t rows = 300;
    std::vector<std::string_view> cells(rows * columns);
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < columns; ++c) {  // the good value (index 1) most of the time
        const size_t pick = next() % (pool[c].size() * 4);
        cells[r * columns + c] = pool[c][pick < pool[c].size() ? pick : 1];
      }

    rule_set::row_block block;
    block.cells = cells;
    block.rows = rows;
    block.row_stride = columns;
    block.column_of_field = column_of_field;
    block.fixed_values = fixed;
    block.present = present;
    const size_t words = rs.suspect_words();
    std::vector<uint64_t> suspects(rows * words, ~uint64_t{0});  // check_block clears them
    rs.check_block(block, suspects);

    size_t failing = 0;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<std::string_view> values = fixed;
      for (size_t c = 0; c < columns; ++c) values[c] = cells[r * columns + c];
      std::vector<violation> expected, got;
      const bool passes = rs.check_row(values, present, expected);
      const std::span<const uint64_t> row_suspects(suspects.data() + r * words, words);
      const bool suspect = std::any_of(row_suspects.begin(), row_suspects.end(), [](uint64_t w) { return w != 0; });
      if (suspect) CHECK(rs.check_fields(block, r, row_suspects, got) == passes);
      INFO("row " << r << " with constant " << constant);
      CHECK((suspect || passes));  // a row with no suspect field has no violation
      REQUIRE(got.size() == expected.size());
      for (size_t k = 0; k < got.size(); ++k) {
        CHECK(got[k].field == expected[k].field);
        CHECK(got[k].rule_index == expected[k].rule_index);
        CHECK(got[k].detail == expected[k].detail);
      }
      failing += passes ? 0 : 1;
    }
    CHECK(failing > rows / 4);  // the pool really exercises failures
    if (fixed[12] == "x") CHECK(failing < rows);  // and passes ("z" fails every row)
  }
}

namespace {

/// A 4 KiB page to place a value so that it ends exactly at the page's end. Natively the
/// page after it is mapped without access, so a load that wrongly reads past the page
/// faults; under Emscripten (no page protection) it is an ordinary aligned buffer.
class page_buffer {
 public:
  static constexpr size_t page = 4096;

  page_buffer() {
#if defined(__unix__) && !defined(__EMSCRIPTEN__)
    void* mapped = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(mapped != MAP_FAILED);
    memory_ = static_cast<char*>(mapped);
    REQUIRE(mprotect(memory_ + page, page, PROT_NONE) == 0);
#else
    memory_ = static_cast<char*>(std::aligned_alloc(page, 2 * page));
    REQUIRE(memory_ != nullptr);
#endif
  }
  ~page_buffer() {
#if defined(__unix__) && !defined(__EMSCRIPTEN__)
    munmap(memory_, 2 * page);
#else
    std::free(memory_);
#endif
  }
  page_buffer(const page_buffer&) = delete;
  page_buffer& operator=(const page_buffer&) = delete;

  /// `text` copied to end at the page's end; the view points there.
  std::string_view at_page_end(std::string_view text) {
    REQUIRE(text.size() <= page);
    char* start = memory_ + page - text.size();
    std::memcpy(start, text.data(), text.size());
    return {start, text.size()};
  }

 private:
  char* memory_ = nullptr;
};

/// Checks one value of field 0 column-wise (check_block, as the session does) and row-wise
/// (check_row) and requires the two to agree; returns whether it passes.
bool passes_both_ways(const rule_set& rs, std::string_view value) {
  const size_t fields = rs.type().fields.size();
  std::vector<std::string_view> cells(fields);
  cells[0] = value;
  std::vector<uint8_t> present(fields, 0);
  present[0] = 1;
  std::vector<int> column_of_field(fields, -1);
  column_of_field[0] = 0;
  const std::vector<std::string_view> fixed(fields);
  rule_set::row_block block;
  block.cells = cells;
  block.rows = 1;
  block.row_stride = fields;
  block.column_of_field = column_of_field;
  block.fixed_values = fixed;
  block.present = present;
  std::vector<uint64_t> suspects(rs.suspect_words());
  rs.check_block(block, suspects);
  std::vector<violation> out;
  const bool row_passes = rs.check_row(cells, present, out);
  const bool suspect = std::any_of(suspects.begin(), suspects.end(), [](uint64_t w) { return w != 0; });
  CHECK((suspect || row_passes));  // no suspect bit: no violation
  if (suspect) {
    std::vector<violation> exact;
    CHECK(rs.check_fields(block, 0, suspects, exact) == row_passes);
  }
  return row_passes;
}

std::string upper_ascii(std::string s) {
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return s;
}

}  // namespace

// in lists are hashed tables compared sixteen bytes at a time, with the value's bytes read
// by one load that may run past its end (never past its page). Items of every length from
// 1 to 20 (so 8, 16 and past, where the compare changes), each found in any case when the
// list is case-insensitive; values one byte shorter or longer, or differing in their last
// byte, or longer than every item, not found; the same values placed to end exactly at a
// page end; non-ASCII bytes, which folding leaves alone.
TEST_CASE("rules.in_lists_compare_every_length_and_page_ends", "[rules]") {
  strings items;
  for (size_t n = 1; n <= 20; ++n) {
    std::string item;
    for (size_t k = 0; k < n; ++k) item += static_cast<char>('a' + (k * 7 + n) % 26);
    items.push_back(item);
  }
  items.push_back("caf\xC3\xA9-cr\xC3\xA8me");  // non-ASCII: É is not é to a byte fold
  items.push_back("x-1 2");
  page_buffer buffer;
  for (const bool fold : {true, false}) {
    const import_type t = make_type({make_field("kind", {"nullable"}, items, fold)});
    const rule_set rs = compile_or_fail(t);
    for (const std::string& item : items) {
      INFO("item \"" << item << "\", fold " << fold);
      CHECK(passes_both_ways(rs, item));
      CHECK(passes_both_ways(rs, buffer.at_page_end(item)));
      const std::string upper = upper_ascii(item);
      CHECK(passes_both_ways(rs, upper) == (fold || upper == item));
      CHECK(passes_both_ways(rs, buffer.at_page_end(upper)) == (fold || upper == item));
      CHECK_FALSE(passes_both_ways(rs, item + "a"));
      CHECK_FALSE(passes_both_ways(rs, buffer.at_page_end(item + "a")));
      if (item.size() > 1) CHECK_FALSE(passes_both_ways(rs, item.substr(0, item.size() - 1)));
      std::string last_changed = item;
      last_changed.back() = static_cast<char>(last_changed.back() ^ 0x01);
      CHECK_FALSE(passes_both_ways(rs, last_changed));
      CHECK_FALSE(passes_both_ways(rs, buffer.at_page_end(last_changed)));
      CHECK_FALSE(passes_both_ways(rs, " " + item));  // a leading blank is not trimmed
      std::string with_nul = item;
      with_nul += '\0';
      CHECK_FALSE(passes_both_ways(rs, with_nul));
    }
    CHECK_FALSE(passes_both_ways(rs, "caf\xC3\x89-cr\xC3\xA8me"));  // É, not é
    CHECK_FALSE(passes_both_ways(rs, std::string(21, 'a')));      // past the longest item
    CHECK_FALSE(passes_both_ways(rs, std::string(4096, 'q')));
    CHECK_FALSE(passes_both_ways(rs, buffer.at_page_end(std::string(4096, 'q'))));
    CHECK_FALSE(passes_both_ways(rs, buffer.at_page_end("@")));   // '@' | 0x20 is '`'
    CHECK_FALSE(passes_both_ways(rs, "X-1\x00"
                                     "2"));
  }
}

// An empty item, an item starting with a blank, and letters next to the bytes that differ
// from them only in bit 0x20 ('@' and '`', '[' and '{'): case folding must not make them
// equal, and a value starting with a blank is still looked up when an item does.
TEST_CASE("rules.in_lists_fold_letters_only", "[rules]") {
  const import_type t = make_type({make_field("kind", {"nullable|in:\" a\",a@,a[,_x,"}),
                                   make_field("folded", {"nullable"}, {"a@", "a[", "_x", "\tz"}, true)});
  const rule_set rs = compile_or_fail(t);
  CHECK(run(rs, {{"kind", " a"}}).empty());
  CHECK(run(rs, {{"kind", "a@"}}).empty());
  CHECK(run(rs, {{"kind", "a`"}}) == strings{"The selected kind is invalid."});
  CHECK(run(rs, {{"kind", "a{"}}) == strings{"The selected kind is invalid."});
  CHECK(run(rs, {{"kind", "A@"}}) == strings{"The selected kind is invalid."});
  CHECK(run(rs, {{"folded", "A@"}}).empty());
  CHECK(run(rs, {{"folded", "a`"}}) == strings{"The selected folded is invalid."});
  CHECK(run(rs, {{"folded", "A{"}}) == strings{"The selected folded is invalid."});
  CHECK(run(rs, {{"folded", "_X"}}).empty());
  CHECK(run(rs, {{"folded", "\x7Fx"}}) == strings{"The selected folded is invalid."});
  CHECK(run(rs, {{"folded", "\tZ"}}).empty());
  CHECK(run(rs, {{"folded", ")z"}}) == strings{"The selected folded is invalid."});
}

// The regex prefilter reads a value sixteen bytes at a time with the same over-reading load:
// values ending at a page end, of every length around 16, with the required byte first,
// last or absent, get search()'s answer.
TEST_CASE("rules.regex_prefilter_at_page_ends", "[rules]") {
  const std::string pattern = "/^[+-]?\\d(\\.\\d+)?E[+-]?\\d+$/i";
  auto compiled = regex::compile(pattern);
  REQUIRE(compiled.ok());
  const import_type t = make_type({make_field("phone", {"nullable|not_regex:" + pattern})});
  const rule_set rs = compile_or_fail(t);
  page_buffer buffer;
  for (size_t n = 1; n <= 34; ++n) {
    for (const std::string& v : {std::string(n, '7'), "1e" + std::string(n, '5'), "4.4" + std::string(n, '9') + "E+1",
                                 std::string(n, '0') + "e", "9" + std::string(n, 'x') + "E"}) {
      bool too_complex = false;
      const bool found = compiled.value().search(v, &too_complex);
      INFO("value \"" << v << "\"");
      CHECK(passes_both_ways(rs, v) == (!found || too_complex));
      CHECK(passes_both_ways(rs, buffer.at_page_end(v)) == (!found || too_complex));
    }
  }
}
