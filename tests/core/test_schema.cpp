// test_schema.cpp — the built-in import types, the schema loader's messages, the registry.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../../core/src/embedded_schemas.h"
#include "preflight/schema.h"
#include "simdjson.h"

using namespace preflight;

namespace {

const schema_registry& builtin_registry() {
  static const schema_registry reg = [] {
    auto r = schema_registry::builtin();
    if (!r.ok()) FAIL(r.error().message);
    return std::move(r).value();
  }();
  return reg;
}

const import_type& type_named(std::string_view name) {
  const import_type* t = builtin_registry().find(name);
  REQUIRE(t != nullptr);
  return *t;
}

const field_def& field_named(const import_type& t, std::string_view name) {
  const int i = t.find_field(name);
  INFO("field " << name << " of " << t.name);
  REQUIRE(i >= 0);
  return t.fields[static_cast<size_t>(i)];
}

/// The single rules of a field in the default mode: "a|b" and ["c"] → {a, b, c}. A regex
/// rule may hold a pipe only in the array form, so array entries are not split.
std::vector<std::string> single_rules(const std::vector<std::string>& rule_strings, bool split) {
  std::vector<std::string> out;
  for (const std::string& s : rule_strings) {
    if (!split || s.rfind("regex:", 0) == 0 || s.rfind("not_regex:", 0) == 0) { out.push_back(s); continue; }
    size_t start = 0;
    while (true) {
      const size_t bar = s.find('|', start);
      out.push_back(s.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  }
  return out;
}

std::vector<std::string> rules_of(const field_def& f) { return single_rules(f.rules, f.rules.size() == 1); }

bool has_rule(const field_def& f, std::string_view rule) {
  const auto rules = rules_of(f);
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

std::string normalized(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

const std::string sci_rule = R"(not_regex:/^[+-]?\d(\.\d+)?E[+-]?\d+$/i)";

/// Parses `json` as bad.json and returns the failure message (fails the test on success).
std::string schema_error(const std::string& json) {
  auto r = parse_schema_json(json, "bad.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::bad_schema);
  return r.error().message;
}

// A valid two-field schema that the malformed cases below each break in one place.
std::string schema_with_fields(const std::string& fields, const std::string& extra_top = "") {
  return R"({"type":"things","singular":"thing","label":"Things","key":"uuid",)" + extra_top +
         R"("fields":[)" + fields + "]}";
}
const std::string uuid_field =
    R"({"name":"uuid","label":"UUID","type":"uuid","rules":"nullable|uuid","modes":{"store":"prohibited","update":"required|uuid"}})";

}  // namespace

TEST_CASE("schema.builtin_has_nine_types_sorted", "[schema]") {
  const auto& types = builtin_registry().types();
  std::vector<std::string> names;
  for (const auto& t : types) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"business_staff_members", "charges", "clients", "group_scheme_members",
                                          "notes", "plans", "premiums", "tasks", "valuations"});
  const std::map<std::string, std::string> singular{
      {"business_staff_members", "business_staff_member"}, {"charges", "charge"}, {"clients", "client"},
      {"group_scheme_members", "group_scheme_member"}, {"notes", "note"}, {"plans", "plan"},
      {"premiums", "premium"}, {"tasks", "task"}, {"valuations", "valuation"}};
  for (const auto& t : types) {
    INFO(t.name);
    CHECK(t.singular == singular.at(t.name));
    CHECK_FALSE(t.label.empty());
    CHECK_FALSE(t.description.empty());
    CHECK(t.boolean_true == std::vector<std::string>{"1", "true", "yes"});
    CHECK(t.boolean_false == std::vector<std::string>{"0", "false", "no"});
    CHECK(t.boolean_case_insensitive);
    CHECK(t.key == (t.name == "valuations" ? "" : "uuid"));
  }
  CHECK(builtin_registry().find("circles") == nullptr);
  CHECK(builtin_registry().find("") == nullptr);
}

TEST_CASE("schema.embedded_files_match_their_types", "[schema]") {
  const auto files = detail::embedded_schema_files();
  REQUIRE(files.size() == 9);
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) CHECK(files[i - 1].name < files[i].name);
    auto r = parse_schema_json(files[i].text, files[i].name);
    REQUIRE(r.ok());
    CHECK(std::string(files[i].name) == r.value().name + ".json");
  }
}

TEST_CASE("schema.every_field_is_complete", "[schema]") {
  for (const auto& t : builtin_registry().types()) {
    for (const auto& f : t.fields) {
      INFO(t.name << "." << f.name);
      CHECK_FALSE(f.name.empty());
      CHECK_FALSE(f.label.empty());
      CHECK_FALSE(f.rules.empty());
      CHECK_FALSE(f.description.empty());
      CHECK_FALSE(f.source.empty());
      CHECK(parse_field_type(field_type_name(f.type)) == f.type);
      if (f.type == field_type::enumeration) CHECK_FALSE(f.values.empty());
      // Laravel: an empty cell is null, so an optional field must say `nullable` or its
      // other rules fail on every blank cell.
      if (!has_rule(f, "required")) CHECK(has_rule(f, "nullable"));
      // The compiler derives `in:` from "values"; writing both would check twice.
      for (const auto& r : rules_of(f)) CHECK(r.rfind("in:", 0) != 0);
      if (f.name.size() > 5 && f.name.substr(f.name.size() - 5) == "_uuid") CHECK(f.type == field_type::uuid);
      if (f.type == field_type::uuid) CHECK(has_rule(f, "uuid"));
      if (f.type == field_type::date || f.type == field_type::datetime) CHECK(has_rule(f, "date"));
      if (f.type == field_type::boolean) CHECK(has_rule(f, "boolean"));
      if (f.type == field_type::email) CHECK(has_rule(f, "email"));
    }
  }
}

TEST_CASE("schema.aliases_do_not_collide_across_fields", "[schema]") {
  for (const auto& t : builtin_registry().types()) {
    std::map<std::string, std::string> owner;  // normalised header → field
    for (const auto& f : t.fields) {
      std::vector<std::string> spellings = f.aliases;
      spellings.push_back(f.name);
      for (const auto& s : spellings) {
        const std::string n = normalized(s);
        INFO(t.name << ": \"" << s << "\" of " << f.name);
        CHECK_FALSE(n.empty());
        auto [it, inserted] = owner.emplace(n, f.name);
        if (!inserted) CHECK(it->second == f.name);
      }
    }
  }
}

TEST_CASE("schema.key_uuid_has_per_mode_rules", "[schema]") {
  for (const auto& t : builtin_registry().types()) {
    if (t.key.empty()) continue;
    INFO(t.name);
    const field_def& key = field_named(t, t.key);
    CHECK(key.type == field_type::uuid);
    CHECK(key.rules == std::vector<std::string>{"nullable|uuid"});
    CHECK(key.store_rules == std::vector<std::string>{"prohibited"});
    CHECK(key.update_rules == std::vector<std::string>{"required|uuid"});
    CHECK(key.validate_rules.empty());
    CHECK(&t.rules_for(key, import_mode::store) == &key.store_rules);
    CHECK(&t.rules_for(key, import_mode::update) == &key.update_rules);
    CHECK(&t.rules_for(key, import_mode::validate) == &key.rules);
  }
  const auto& clients = type_named("clients");
  const field_def& email = field_named(clients, "email");
  CHECK(&clients.rules_for(email, import_mode::store) == &email.rules);
  CHECK(&clients.rules_for(email, import_mode::update) == &email.rules);
}

TEST_CASE("schema.clients_facts", "[schema]") {
  const auto& t = type_named("clients");
  for (const char* name : {"uuid", "title", "first_name", "last_name", "email", "phone", "date_of_birth", "gender",
                           "marital_status", "ni_number", "send_welcome_email", "type", "is_prospect", "value",
                           "first_contact_date"}) {
    CHECK(t.find_field(name) >= 0);
  }
  CHECK(t.find_field("name") == -1);  // export-only, ignored by the importer
  CHECK(t.find_field("Email") == -1);  // names are exact; aliases do the fuzzy part

  const field_def& welcome = field_named(t, "send_welcome_email");
  CHECK(welcome.rules == std::vector<std::string>{"required|boolean"});
  CHECK(welcome.type == field_type::boolean);
  CHECK(welcome.label == "Send welcome email");

  const field_def& gender = field_named(t, "gender");
  CHECK(gender.type == field_type::enumeration);
  CHECK(gender.values ==
        std::vector<std::string>{"male", "female", "non-binary", "transgender", "intersex", "other", "unknown"});
  CHECK(gender.case_insensitive);
  CHECK(gender.inferred);
  CHECK(gender.source == "S11");

  const field_def& marital = field_named(t, "marital_status");
  CHECK(marital.values.size() == 12);
  CHECK(marital.values.front() == "single");
  CHECK(marital.values.back() == "unknown");
  CHECK(field_named(t, "smoker_status").values ==
        std::vector<std::string>{"smoker", "non-smoker", "vaper", "ex-smoker", "never-smoked", "unknown"});

  const field_def& email = field_named(t, "email");
  CHECK(email.type == field_type::email);
  CHECK(email.rules == std::vector<std::string>{"nullable|email|max:255"});
  for (const char* alias : {"e-mail", "email address"}) {
    CHECK(std::find(email.aliases.begin(), email.aliases.end(), alias) != email.aliases.end());
  }
  const field_def& last = field_named(t, "last_name");
  CHECK(std::find(last.aliases.begin(), last.aliases.end(), "surname") != last.aliases.end());
  const field_def& dob = field_named(t, "date_of_birth");
  CHECK(std::find(dob.aliases.begin(), dob.aliases.end(), "dob") != dob.aliases.end());
  CHECK(has_rule(dob, "before:today"));

  CHECK(field_named(t, "value").type == field_type::money);
  CHECK(has_rule(field_named(t, "value"), "integer"));
  CHECK(field_named(t, "administrator_uuid").aliases.front() == "assigned_administrator_uuid");
  CHECK(field_named(t, "is_prospect").rules == std::vector<std::string>{"nullable|boolean"});
}

TEST_CASE("schema.excel_scientific_notation_guard_on_id_fields", "[schema]") {
  const std::vector<std::pair<std::string, std::string>> id_fields{
      {"clients", "phone"}, {"clients", "ni_number"}, {"plans", "policy_number"},
      {"group_scheme_members", "policy_number"}, {"business_staff_members", "payroll_number"}};
  for (const auto& [type, field] : id_fields) {
    INFO(type << "." << field);
    CHECK(has_rule(field_named(type_named(type), field), sci_rule));
  }
  CHECK_FALSE(has_rule(field_named(type_named("clients"), "email"), sci_rule));
}

TEST_CASE("schema.plans_facts", "[schema]") {
  const auto& t = type_named("plans");
  CHECK(field_named(t, "client_uuid").rules == std::vector<std::string>{"required|uuid"});
  const field_def& type = field_named(t, "type");
  CHECK(type.type == field_type::enumeration);
  CHECK(type.values == std::vector<std::string>{"annuity", "cash_account", "fixed_asset", "general_insurance",
                                                "group_protection", "investment", "loan_credit", "mortgage",
                                                "pension", "protection_policy"});
  CHECK(type.inferred);
  CHECK(has_rule(type, "nullable"));  // required only by the JSON API: not enforced
  CHECK(field_named(t, "status").values == std::vector<std::string>{"active", "inactive", "proposed"});
  CHECK(field_named(t, "status").case_insensitive);
  const field_def& reason = field_named(t, "inactive_reason");
  CHECK(reason.values.size() == 33);
  CHECK(std::find(reason.values.begin(), reason.values.end(), "not_proceeded_with") != reason.values.end());
  CHECK(field_named(t, "plan_type").type == field_type::string);
  CHECK(field_named(t, "opened_at").rules == std::vector<std::string>{"nullable|date"});
}

TEST_CASE("schema.required_columns_from_the_spec", "[schema]") {
  const auto& charges = type_named("charges");
  CHECK(field_named(charges, "adviser_uuid").rules == std::vector<std::string>{"required|uuid"});
  const field_def& origin = field_named(charges, "payment_origin");
  CHECK(origin.rules == std::vector<std::string>{"required"});
  CHECK(origin.values == std::vector<std::string>{"client", "provider", "unknown"});
  CHECK(has_rule(field_named(charges, "plan_uuid"), "required_without:client_uuid"));
  CHECK(has_rule(field_named(charges, "plan_uuid"), "nullable"));
  CHECK(field_named(charges, "client_uuid").rules == std::vector<std::string>{"nullable|uuid"});

  const auto& premiums = type_named("premiums");
  CHECK(field_named(premiums, "amount").rules ==
        std::vector<std::string>{"nullable|required_without:percentage|integer"});
  CHECK(field_named(premiums, "transfer_type").values == std::vector<std::string>{"switch", "transfer"});

  const auto& staff = type_named("business_staff_members");
  CHECK(field_named(staff, "account_uuid").rules == std::vector<std::string>{"required|uuid"});
  CHECK(field_named(staff, "hired_at").rules == std::vector<std::string>{"required|date"});
  CHECK(has_rule(field_named(staff, "left_at"), "after_or_equal:hired_at"));
  CHECK(field_named(staff, "basic_annual_salary").type == field_type::money);

  const auto& members = type_named("group_scheme_members");
  CHECK(field_named(members, "group_scheme_plan_uuid").rules == std::vector<std::string>{"required|uuid"});
  CHECK(field_named(members, "client_uuid").rules == std::vector<std::string>{"required|uuid"});
  CHECK(field_named(members, "inactive_status").values == field_named(type_named("plans"), "inactive_reason").values);

  // Types without an import guide enforce no required column (everything there is inferred).
  for (const char* name : {"tasks", "notes", "valuations"}) {
    for (const auto& f : type_named(name).fields) {
      INFO(name << "." << f.name);
      CHECK_FALSE(has_rule(f, "required"));
      CHECK(f.inferred);
    }
  }
  CHECK(field_named(type_named("tasks"), "priority").values ==
        std::vector<std::string>{"low", "medium", "high", "highest"});
  CHECK(field_named(type_named("notes"), "type").values == std::vector<std::string>{"call", "note", "meeting", "email"});
}

TEST_CASE("schema.mode_and_field_type_names", "[schema]") {
  CHECK(std::string(mode_name(import_mode::validate)) == "validate");
  CHECK(std::string(mode_name(import_mode::store)) == "store");
  CHECK(std::string(mode_name(import_mode::update)) == "update");
  CHECK(parse_mode("store") == import_mode::store);
  CHECK(parse_mode("update") == import_mode::update);
  CHECK(parse_mode("validate") == import_mode::validate);
  CHECK_FALSE(parse_mode("create").has_value());
  CHECK_FALSE(parse_mode("Store").has_value());
  CHECK_FALSE(parse_mode("").has_value());

  const std::vector<std::string> names{"string", "text", "uuid", "email", "phone", "integer", "decimal",
                                       "money", "boolean", "date", "datetime", "enumeration", "list"};
  for (size_t i = 0; i < names.size(); ++i) {
    const auto t = static_cast<field_type>(i);
    CHECK(field_type_name(t) == names[i]);
    CHECK(parse_field_type(names[i]) == t);
  }
  CHECK_FALSE(parse_field_type("enum").has_value());
  CHECK_FALSE(parse_field_type("String").has_value());
}

TEST_CASE("schema.parse_minimal_schema_defaults", "[schema]") {
  auto r = parse_schema_json(R"({"type":"pets","fields":[{"name":"pet_name","type":"string","rules":["nullable","regex:/^a|b$/"]}]})",
                             "pets.json");
  REQUIRE(r.ok());
  const import_type& t = r.value();
  CHECK(t.singular == "pets");
  CHECK(t.label == "Pets");
  CHECK(t.key.empty());
  CHECK(t.boolean_true == std::vector<std::string>{"1", "true"});
  CHECK(t.boolean_false == std::vector<std::string>{"0", "false"});
  REQUIRE(t.fields.size() == 1);
  CHECK(t.fields[0].label == "Pet name");
  CHECK(t.fields[0].rules == std::vector<std::string>{"nullable", "regex:/^a|b$/"});
  CHECK(t.fields[0].aliases.empty());
  CHECK_FALSE(t.fields[0].inferred);
  CHECK_FALSE(t.fields[0].case_insensitive);
}

TEST_CASE("schema.validate_mode_rules", "[schema]") {
  auto r = parse_schema_json(
      R"({"type":"pets","fields":[{"name":"n","type":"string","rules":"nullable","modes":{"validate":["string"]}}]})",
      "pets.json");
  REQUIRE(r.ok());
  const import_type& t = r.value();
  CHECK(t.rules_for(t.fields[0], import_mode::validate) == std::vector<std::string>{"string"});
  CHECK(t.rules_for(t.fields[0], import_mode::store) == std::vector<std::string>{"nullable"});
}

TEST_CASE("schema.load_json_replaces_and_adds", "[schema]") {
  schema_registry reg = builtin_registry();
  REQUIRE(reg.types().size() == 9);

  status s = reg.load_json(R"({"type":"clients","singular":"client","key":"uuid","fields":[)" + uuid_field +
                               R"(,{"name":"loyalty_tier","label":"Loyalty tier","type":"enumeration","rules":"nullable","values":["gold","silver"]}]})",
                           "custom_clients.json");
  REQUIRE(s.ok());
  CHECK(reg.types().size() == 9);
  const import_type* clients = reg.find("clients");
  REQUIRE(clients != nullptr);
  CHECK(clients->fields.size() == 2);
  CHECK(clients->find_field("loyalty_tier") == 1);
  CHECK(clients->find_field("send_welcome_email") == -1);

  s = reg.load_json(R"({"type":"custom_things","fields":[{"name":"a","type":"integer","rules":"nullable|integer"}]})",
                    "custom_things.json");
  REQUIRE(s.ok());
  std::vector<std::string> names;
  for (const auto& t : reg.types()) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"business_staff_members", "charges", "clients", "custom_things",
                                          "group_scheme_members", "notes", "plans", "premiums", "tasks", "valuations"});
  REQUIRE(reg.find("custom_things") != nullptr);
  CHECK(reg.find("custom_things")->fields[0].type == field_type::integer);

  // A failed load changes nothing.
  s = reg.load_json(R"({"type":"plans","fields":[]})", "broken_plans.json");
  CHECK(s.code == errc::bad_schema);
  CHECK(s.message == "broken_plans.json: \"fields\" must not be empty");
  CHECK(reg.types().size() == 10);
  CHECK(reg.find("plans")->fields.size() == type_named("plans").fields.size());
  // The builtin registry this copy came from is untouched.
  CHECK(type_named("clients").find_field("send_welcome_email") >= 0);
}

TEST_CASE("schema.error_invalid_json", "[schema]") {
  const std::string msg = schema_error(R"({"type":"things",)");
  CHECK(msg.rfind("bad.json: invalid JSON: ", 0) == 0);
  CHECK(msg.size() > std::string("bad.json: invalid JSON: ").size());  // simdjson's own text follows
  CHECK(schema_error("") .rfind("bad.json: invalid JSON: ", 0) == 0);
  CHECK(schema_error("[1,2]") == "bad.json: the top level must be an object, not an array");
}

TEST_CASE("schema.error_unknown_keys", "[schema]") {
  CHECK(schema_error(R"({"type":"things","feilds":[]})") ==
        "bad.json: unknown key \"feilds\" (did you mean \"fields\"?)");
  CHECK(schema_error(R"({"type":"things","zzzzzzzz":1,"fields":[]})")
            .find("bad.json: unknown key \"zzzzzzzz\" (expected one of: type, singular, label, key,") == 0);
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,{"name":"email","type":"email","rule":"nullable|email"})")) ==
        "bad.json: fields[1] (\"email\"): unknown key \"rule\" (did you mean \"rules\"?)");
  CHECK(schema_error(schema_with_fields(uuid_field, R"("boolean_values":{"true":["y"],"flase":["n"]},)")) ==
        "bad.json: \"boolean_values\" has unknown key \"flase\" (did you mean \"false\"?)");
  CHECK(schema_error(schema_with_fields(
            R"({"name":"uuid","type":"uuid","rules":"nullable|uuid","modes":{"create":"prohibited"}})")) ==
        "bad.json: fields[0] (\"uuid\"): \"modes\" has unknown mode \"create\" (expected one of: store, update, validate)");
  CHECK(schema_error(schema_with_fields(
            R"({"name":"uuid","type":"uuid","rules":"nullable|uuid","rules":"uuid"})")) ==
        "bad.json: fields[0] (\"uuid\"): duplicate key \"rules\"");
}

TEST_CASE("schema.error_wrong_json_types", "[schema]") {
  CHECK(schema_error(R"({"type":7,"fields":[]})") == "bad.json: \"type\" must be a string, not a number");
  CHECK(schema_error(R"({"type":"things","fields":{}})") ==
        "bad.json: \"fields\" must be an array of objects, not an object");
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,"email")")) ==
        "bad.json: fields[1]: a field must be an object, not a string");
  CHECK(schema_error(schema_with_fields(
            R"({"name":"gender","type":"enumeration","rules":"nullable","values":"male,female"})")) ==
        "bad.json: fields[0] (\"gender\"): \"values\" must be an array of strings, not a string");
  CHECK(schema_error(schema_with_fields(R"({"name":"email","type":"email","rules":"nullable","aliases":["e-mail",3]})")) ==
        "bad.json: fields[0] (\"email\"): \"aliases\" must be an array of strings; [1] is a number");
  CHECK(schema_error(schema_with_fields(R"({"name":"email","type":"email","rules":{"all":"email"}})")) ==
        "bad.json: fields[0] (\"email\"): \"rules\" must be a rule string or an array of rule strings, not an object");
  CHECK(schema_error(schema_with_fields(R"({"name":"email","type":"email","rules":"nullable","inferred":"yes"})")) ==
        "bad.json: fields[0] (\"email\"): \"inferred\" must be true or false, not a string");
  CHECK(schema_error(schema_with_fields(R"({"name":"email","type":"email","rules":"nullable","modes":{"store":false}})")) ==
        "bad.json: fields[0] (\"email\"): \"modes\".\"store\" must be a rule string or an array of rule strings, not a boolean");
  CHECK(schema_error(schema_with_fields(uuid_field, R"("boolean_values":{"true":"yes"},)")) ==
        "bad.json: \"boolean_values\".\"true\" must be an array of strings, not a string");
}

TEST_CASE("schema.error_missing_members", "[schema]") {
  CHECK(schema_error(R"({"fields":[]})") == "bad.json: missing \"type\"");
  CHECK(schema_error(R"({"type":""})") == "bad.json: \"type\" must not be empty");
  CHECK(schema_error(R"({"type":"things"})") == "bad.json: missing \"fields\"");
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,{"type":"email","rules":"nullable"})")) ==
        "bad.json: fields[1]: missing \"name\"");
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,{"name":"email","rules":"nullable"})")) ==
        "bad.json: fields[1] (\"email\"): missing \"type\"");
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,{"name":"email","type":"email"})")) ==
        "bad.json: fields[1] (\"email\"): missing \"rules\"");
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,{"name":"email","type":"email","rules":""})")) ==
        "bad.json: fields[1] (\"email\"): \"rules\" must not be empty");
  CHECK(schema_error(schema_with_fields(uuid_field + R"(,{"name":"email","type":"email","rules":[]})")) ==
        "bad.json: fields[1] (\"email\"): \"rules\" must not be empty");
}

TEST_CASE("schema.error_bad_field_definitions", "[schema]") {
  CHECK(schema_error(schema_with_fields(R"({"name":"email","type":"email","rules":"nullable|email"},)" + uuid_field +
                                        R"(,{"name":"email","type":"string","rules":"nullable"})")) ==
        "bad.json: fields[2] (\"email\"): duplicate field name (first at fields[0])");
  CHECK(schema_error(schema_with_fields(R"({"name":"gender","type":"enum","rules":"nullable"})"))
            .find("bad.json: fields[0] (\"gender\"): unknown type \"enum\"") == 0);
  CHECK(schema_error(schema_with_fields(R"({"name":"n","type":"strng","rules":"nullable"})")) ==
        "bad.json: fields[0] (\"n\"): unknown type \"strng\" (did you mean \"string\"?)");
  CHECK(schema_error(schema_with_fields(R"({"name":"gender","type":"enumeration","rules":"nullable"})")) ==
        "bad.json: fields[0] (\"gender\"): type \"enumeration\" needs \"values\"");
  CHECK(schema_error(schema_with_fields(R"({"name":"gender","type":"enumeration","rules":"nullable","values":[]})")) ==
        "bad.json: fields[0] (\"gender\"): \"values\" must not be empty");
  CHECK(schema_error(schema_with_fields(
            R"({"name":"gender","type":"enumeration","rules":"nullable","case_insensitive":true,"values":["Male","male"]})")) ==
        "bad.json: fields[0] (\"gender\"): \"values\" lists \"male\" twice");
  CHECK(schema_error(schema_with_fields(R"({"name":"n","type":"string","rules":"nullable","values":["a"]})")) ==
        "bad.json: fields[0] (\"n\"): \"values\" is only for enumeration and list fields, not string");
  CHECK(schema_error(R"({"type":"things","key":"id","fields":[)" + uuid_field + "]}") ==
        "bad.json: \"key\" names \"id\", which is not a field");
  CHECK(schema_error(schema_with_fields(uuid_field, R"("boolean_values":{"true":["Y"],"false":["y"]},)")) ==
        "bad.json: \"boolean_values\": \"Y\" is both true and false");
}

TEST_CASE("schema.types_json_round_trips", "[schema]") {
  const std::string text = types_json(builtin_registry());
  simdjson::dom::parser parser;
  simdjson::dom::array types;
  REQUIRE(parser.parse(text).get_array().get(types) == simdjson::SUCCESS);
  REQUIRE(types.size() == 9);

  std::vector<std::string> names;
  simdjson::dom::object clients;
  for (simdjson::dom::element t : types) {
    std::string_view name;
    REQUIRE(t["type"].get_string().get(name) == simdjson::SUCCESS);
    names.emplace_back(name);
    if (name == "clients") REQUIRE(t.get_object().get(clients) == simdjson::SUCCESS);
  }
  CHECK(names.front() == "business_staff_members");
  CHECK(names.back() == "valuations");
  REQUIRE(names.size() == 9);

  std::string_view sv;
  REQUIRE(clients["singular"].get_string().get(sv) == simdjson::SUCCESS);
  CHECK(sv == "client");
  simdjson::dom::array fields;
  REQUIRE(clients["fields"].get_array().get(fields) == simdjson::SUCCESS);
  CHECK(fields.size() == type_named("clients").fields.size());

  bool saw_uuid = false, saw_gender = false, saw_phone = false;
  for (simdjson::dom::element f : fields) {
    std::string_view fname;
    REQUIRE(f["name"].get_string().get(fname) == simdjson::SUCCESS);
    REQUIRE(f["label"].get_string().get(sv) == simdjson::SUCCESS);
    REQUIRE(f["type"].get_string().get(sv) == simdjson::SUCCESS);
    REQUIRE(f["rules"].get_string().get(sv) == simdjson::SUCCESS);
    simdjson::dom::array aliases;
    REQUIRE(f["aliases"].get_array().get(aliases) == simdjson::SUCCESS);
    if (fname == "uuid") {
      saw_uuid = true;
      CHECK(sv == "nullable|uuid");
      REQUIRE(f["modes"]["store"].get_string().get(sv) == simdjson::SUCCESS);
      CHECK(sv == "prohibited");
      REQUIRE(f["modes"]["update"].get_string().get(sv) == simdjson::SUCCESS);
      CHECK(sv == "required|uuid");
    } else {
      simdjson::dom::element modes;
      CHECK(f["modes"].get(modes) == simdjson::NO_SUCH_FIELD);
    }
    if (fname == "gender") {
      saw_gender = true;
      simdjson::dom::array values;
      REQUIRE(f["values"].get_array().get(values) == simdjson::SUCCESS);
      CHECK(values.size() == 7);
      bool ci = false;
      REQUIRE(f["case_insensitive"].get_bool().get(ci) == simdjson::SUCCESS);
      CHECK(ci);
    }
    if (fname == "phone") {
      saw_phone = true;
      REQUIRE(f["rules"].get_string().get(sv) == simdjson::SUCCESS);
      CHECK(sv == "nullable|string|max:255|" + sci_rule);
    }
  }
  CHECK(saw_uuid);
  CHECK(saw_gender);
  CHECK(saw_phone);

  // Array-form rules are joined with | for display.
  schema_registry reg;
  REQUIRE(reg.load_json(R"({"type":"pets","fields":[{"name":"n","type":"string","rules":["nullable","regex:/^a|b$/"]}]})",
                        "pets.json")
              .ok());
  CHECK(types_json(reg) ==
        R"([{"type":"pets","singular":"pets","label":"Pets","key":"","description":"",)"
        R"("boolean_values":{"true":["1","true"],"false":["0","false"],"case_insensitive":true},)"
        R"("fields":[{"name":"n","label":"N","type":"string","rules":"nullable|regex:/^a|b$/","aliases":[],)"
        R"("description":"","source":"","inferred":false}]}])");
  CHECK(types_json(schema_registry{}) == "[]");
}
