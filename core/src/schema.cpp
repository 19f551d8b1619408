// schema.cpp — import types: schema JSON parsed with simdjson's DOM, and the registry.
//
// A schema file is small and read once, so the loader favours messages over speed: every
// key is checked against the keys it may hold (a typo such as "rule" would otherwise drop
// a field's rules silently), and every problem names the file, the field and what is
// wrong, in one line a person can act on.
#include "preflight/schema.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

#include "embedded_schemas.h"
#include "preflight/json.h"
#include "simdjson.h"
#include "text.h"

namespace preflight {

namespace {

// In enum order.
constexpr std::array<const char*, 3> mode_names{"validate", "store", "update"};
constexpr std::array<const char*, 13> field_type_names{
    "string", "text", "uuid", "email", "phone", "integer", "decimal",
    "money", "boolean", "date", "datetime", "enumeration", "list"};

constexpr std::array<std::string_view, 7> top_level_keys{
    "type", "singular", "label", "key", "description", "boolean_values", "fields"};
constexpr std::array<std::string_view, 11> field_keys{
    "name", "label", "aliases", "type", "rules", "modes", "values",
    "case_insensitive", "description", "source", "inferred"};
constexpr std::array<std::string_view, 3> boolean_values_keys{"true", "false", "case_insensitive"};
constexpr std::array<std::string_view, 3> mode_keys{"store", "update", "validate"};

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* json_type_name(element_type t) noexcept {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

using text::ascii_lower;

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

/// Levenshtein distance, for "did you mean" hints on misspelt keys and type names.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitution = diagonal + (ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// ` (did you mean "rules"?)` when one candidate is close, else ` (expected one of: a, b)`.
template <class Names>
std::string hint(std::string_view got, const Names& candidates) {
  std::string_view best;
  size_t best_distance = 3;  // more than two edits away is not a typo
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(got, c);
    if (d < best_distance) { best = c; best_distance = d; }
  }
  if (!best.empty()) return " (did you mean \"" + std::string(best) + "\"?)";
  std::string out = " (expected one of: ";
  bool first = true;
  for (std::string_view c : candidates) {
    if (!first) out += ", ";
    out += c;
    first = false;
  }
  out += ")";
  return out;
}

/// "send_welcome_email" → "Send welcome email": the default label of a field or type.
std::string humanize(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

template <class Keys>
bool is_one_of(std::string_view key, const Keys& keys) noexcept {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

/// Turns one schema file into an import_type, stopping at the first problem. Keeps the
/// position (which field) so every message can say where the problem is.
class schema_reader {
 public:
  explicit schema_reader(std::string_view file_name) : file_(file_name) {}

  status read(std::string_view json, import_type& out) {
    simdjson::dom::parser parser;
    element root;
    if (auto err = parser.parse(json.data(), json.size()).get(root)) {
      return fail(std::string("invalid JSON: ") + simdjson::error_message(err));
    }
    simdjson::dom::object top;
    if (root.get_object().get(top)) {
      return fail(std::string("the top level must be an object, not ") + json_type_name(root.type()));
    }
    if (status s = check_keys(top, top_level_keys, ""); !s.ok()) return s;

    if (status s = read_required_string(top, "type", out.name); !s.ok()) return s;
    if (status s = read_optional_string(top, "singular", out.singular); !s.ok()) return s;
    if (status s = read_optional_string(top, "label", out.label); !s.ok()) return s;
    if (status s = read_optional_string(top, "key", out.key); !s.ok()) return s;
    if (status s = read_optional_string(top, "description", out.description); !s.ok()) return s;
    if (out.singular.empty()) out.singular = out.name;
    if (out.label.empty()) out.label = humanize(out.name);

    element booleans;
    if (top["boolean_values"].get(booleans) == simdjson::SUCCESS) {
      if (status s = read_boolean_values(booleans, out); !s.ok()) return s;
    }

    element fields;
    if (top["fields"].get(fields) != simdjson::SUCCESS) return fail("missing \"fields\"");
    simdjson::dom::array field_array;
    if (fields.get_array().get(field_array)) {
      return fail(std::string("\"fields\" must be an array of objects, not ") + json_type_name(fields.type()));
    }
    if (field_array.size() == 0) return fail("\"fields\" must not be empty");

    out.fields.reserve(field_array.size());
    for (element f : field_array) {
      field_def def;
      if (status s = read_field(f, out.fields.size(), def); !s.ok()) return s;
      out.fields.push_back(std::move(def));
    }
    field_index_ = -1;
    field_name_.clear();

    if (!out.key.empty() && out.find_field(out.key) < 0) {
      return fail("\"key\" names \"" + out.key + "\", which is not a field");
    }
    return status::success();
  }

 private:
  /// "clients.json: fields[3] ("gender"): <problem>"
  status fail(std::string problem) const {
    std::string msg(file_);
    msg += ": ";
    if (field_index_ >= 0) {
      msg += "fields[" + std::to_string(field_index_) + "]";
      if (!field_name_.empty()) msg += " (\"" + field_name_ + "\")";
      msg += ": ";
    }
    msg += problem;
    return status::fail(errc::bad_schema, std::move(msg));
  }

  /// Every key must be known and appear once. `where` prefixes the key in messages
  /// ("boolean_values" → `"boolean_values" has unknown key "yes"`).
  template <class Keys>
  status check_keys(simdjson::dom::object obj, const Keys& known, std::string_view where) const {
    std::vector<std::string_view> seen;
    const std::string place = where.empty() ? std::string() : "\"" + std::string(where) + "\" has ";
    for (auto member : obj) {
      const std::string_view key = member.key;
      if (!is_one_of(key, known)) {
        return fail(place + "unknown key \"" + std::string(key) + "\"" + hint(key, known));
      }
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        return fail(place + "duplicate key \"" + std::string(key) + "\"");
      }
      seen.push_back(key);
    }
    return status::success();
  }

  status read_required_string(simdjson::dom::object obj, std::string_view key, std::string& out) const {
    element e;
    if (obj[key].get(e) != simdjson::SUCCESS) return fail("missing \"" + std::string(key) + "\"");
    if (status s = read_string(e, key, out); !s.ok()) return s;
    if (out.empty()) return fail("\"" + std::string(key) + "\" must not be empty");
    return status::success();
  }

  status read_optional_string(simdjson::dom::object obj, std::string_view key, std::string& out) const {
    element e;
    if (obj[key].get(e) != simdjson::SUCCESS) return status::success();
    return read_string(e, key, out);
  }

  status read_string(element e, std::string_view key, std::string& out) const {
    std::string_view s;
    if (e.get_string().get(s)) {
      return fail("\"" + std::string(key) + "\" must be a string, not " + json_type_name(e.type()));
    }
    out.assign(s);
    return status::success();
  }

  status read_bool(element e, std::string_view key, bool& out) const {
    if (e.get_bool().get(out)) {
      return fail("\"" + std::string(key) + "\" must be true or false, not " + json_type_name(e.type()));
    }
    return status::success();
  }

  /// An array of non-empty strings. `what` names it in messages ("values", "modes"."store").
  status read_string_array(element e, std::string_view what, std::vector<std::string>& out) const {
    simdjson::dom::array arr;
    if (e.get_array().get(arr)) {
      return fail(std::string(what) + " must be an array of strings, not " + json_type_name(e.type()));
    }
    size_t i = 0;
    for (element item : arr) {
      std::string_view s;
      if (item.get_string().get(s)) {
        return fail(std::string(what) + " must be an array of strings; [" + std::to_string(i) + "] is " +
                    json_type_name(item.type()));
      }
      if (s.empty()) return fail(std::string(what) + "[" + std::to_string(i) + "] must not be empty");
      out.emplace_back(s);
      ++i;
    }
    return status::success();
  }

  /// A rule string, or an array of rule strings (the form a regex containing `|` needs).
  status read_rules(element e, std::string_view what, std::vector<std::string>& out) const {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
      if (s.empty()) return fail(std::string(what) + " must not be empty");
      out.emplace_back(s);
      return status::success();
    }
    if (e.type() != element_type::ARRAY) {
      return fail(std::string(what) + " must be a rule string or an array of rule strings, not " +
                  json_type_name(e.type()));
    }
    if (status st = read_string_array(e, what, out); !st.ok()) return st;
    if (out.empty()) return fail(std::string(what) + " must not be empty");
    return status::success();
  }

  status read_boolean_values(element e, import_type& out) const {
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) {
      return fail(std::string("\"boolean_values\" must be an object, not ") + json_type_name(e.type()));
    }
    if (status s = check_keys(obj, boolean_values_keys, "boolean_values"); !s.ok()) return s;
    element part;
    if (obj["case_insensitive"].get(part) == simdjson::SUCCESS) {
      if (status s = read_bool(part, "boolean_values\".\"case_insensitive", out.boolean_case_insensitive); !s.ok()) return s;
    }
    if (obj["true"].get(part) == simdjson::SUCCESS) {
      out.boolean_true.clear();
      if (status s = read_string_array(part, "\"boolean_values\".\"true\"", out.boolean_true); !s.ok()) return s;
      if (out.boolean_true.empty()) return fail("\"boolean_values\".\"true\" must not be empty");
    }
    if (obj["false"].get(part) == simdjson::SUCCESS) {
      out.boolean_false.clear();
      if (status s = read_string_array(part, "\"boolean_values\".\"false\"", out.boolean_false); !s.ok()) return s;
      if (out.boolean_false.empty()) return fail("\"boolean_values\".\"false\" must not be empty");
    }
    for (const std::string& t : out.boolean_true) {
      for (const std::string& f : out.boolean_false) {
        if (t == f || (out.boolean_case_insensitive && equal_ignoring_case(t, f))) {
          return fail("\"boolean_values\": \"" + t + "\" is both true and false");
        }
      }
    }
    return status::success();
  }

  status read_modes(element e, field_def& f) const {
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) {
      return fail(std::string("\"modes\" must be an object, not ") + json_type_name(e.type()));
    }
    std::vector<std::string_view> seen;
    for (auto member : obj) {
      const std::string_view mode = member.key;
      if (!is_one_of(mode, mode_keys)) {
        return fail("\"modes\" has unknown mode \"" + std::string(mode) + "\"" + hint(mode, mode_keys));
      }
      if (std::find(seen.begin(), seen.end(), mode) != seen.end()) {
        return fail("\"modes\" has duplicate key \"" + std::string(mode) + "\"");
      }
      seen.push_back(mode);
      std::vector<std::string>& target = mode == "store" ? f.store_rules
                                         : mode == "update" ? f.update_rules
                                                            : f.validate_rules;
      if (status s = read_rules(member.value, "\"modes\".\"" + std::string(mode) + "\"", target); !s.ok()) return s;
    }
    return status::success();
  }

  status read_field(element e, size_t index, field_def& f) {
    field_index_ = static_cast<int>(index);
    field_name_.clear();
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) {
      return fail(std::string("a field must be an object, not ") + json_type_name(e.type()));
    }
    // The name first, so every later message can quote it.
    if (status s = read_required_string(obj, "name", f.name); !s.ok()) return s;
    field_name_ = f.name;
    if (status s = check_keys(obj, field_keys, ""); !s.ok()) return s;

    std::string type_name;
    if (status s = read_required_string(obj, "type", type_name); !s.ok()) return s;
    if (auto t = parse_field_type(type_name)) {
      f.type = *t;
    } else {
      return fail("unknown type \"" + type_name + "\"" + hint(type_name, field_type_names));
    }

    element part;
    if (obj["rules"].get(part) != simdjson::SUCCESS) return fail("missing \"rules\"");
    if (status s = read_rules(part, "\"rules\"", f.rules); !s.ok()) return s;

    if (status s = read_optional_string(obj, "label", f.label); !s.ok()) return s;
    if (f.label.empty()) f.label = humanize(f.name);
    if (status s = read_optional_string(obj, "description", f.description); !s.ok()) return s;
    if (status s = read_optional_string(obj, "source", f.source); !s.ok()) return s;
    if (obj["aliases"].get(part) == simdjson::SUCCESS) {
      if (status s = read_string_array(part, "\"aliases\"", f.aliases); !s.ok()) return s;
    }
    if (obj["case_insensitive"].get(part) == simdjson::SUCCESS) {
      if (status s = read_bool(part, "case_insensitive", f.case_insensitive); !s.ok()) return s;
    }
    if (obj["inferred"].get(part) == simdjson::SUCCESS) {
      if (status s = read_bool(part, "inferred", f.inferred); !s.ok()) return s;
    }
    if (obj["modes"].get(part) == simdjson::SUCCESS) {
      if (status s = read_modes(part, f); !s.ok()) return s;
    }
    if (obj["values"].get(part) == simdjson::SUCCESS) {
      if (status s = read_values(part, f); !s.ok()) return s;
    } else if (f.type == field_type::enumeration) {
      return fail("type \"enumeration\" needs \"values\"");
    }
    return status::success();
  }

  status read_values(element e, field_def& f) const {
    if (f.type != field_type::enumeration && f.type != field_type::list) {
      return fail(std::string("\"values\" is only for enumeration and list fields, not ") +
                  field_type_name(f.type));
    }
    if (status s = read_string_array(e, "\"values\"", f.values); !s.ok()) return s;
    if (f.values.empty()) return fail("\"values\" must not be empty");
    for (size_t i = 0; i < f.values.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const bool same = f.case_insensitive ? equal_ignoring_case(f.values[i], f.values[j])
                                             : f.values[i] == f.values[j];
        if (same) return fail("\"values\" lists \"" + f.values[i] + "\" twice");
      }
    }
    return status::success();
  }

  std::string_view file_;
  int field_index_ = -1;     // the field being read, or -1 outside `fields`
  std::string field_name_;   // its name once known
};

void write_rules(json_writer& w, const std::vector<std::string>& rules) {
  std::string joined;
  for (const std::string& r : rules) {
    if (!joined.empty()) joined += '|';
    joined += r;
  }
  w.value(joined);
}

void write_strings(json_writer& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const std::string& s : items) w.value(s);
  w.end_array();
}

void write_field(json_writer& w, const field_def& f) {
  w.begin_object();
  w.key("name"); w.value(f.name);
  w.key("label"); w.value(f.label);
  w.key("type"); w.value(field_type_name(f.type));
  w.key("rules"); write_rules(w, f.rules);
  if (!f.store_rules.empty() || !f.update_rules.empty() || !f.validate_rules.empty()) {
    w.key("modes");
    w.begin_object();
    if (!f.store_rules.empty()) { w.key("store"); write_rules(w, f.store_rules); }
    if (!f.update_rules.empty()) { w.key("update"); write_rules(w, f.update_rules); }
    if (!f.validate_rules.empty()) { w.key("validate"); write_rules(w, f.validate_rules); }
    w.end_object();
  }
  if (!f.values.empty()) {
    w.key("values"); write_strings(w, f.values);
    w.key("case_insensitive"); w.value(f.case_insensitive);
  }
  w.key("aliases"); write_strings(w, f.aliases);
  w.key("description"); w.value(f.description);
  w.key("source"); w.value(f.source);
  w.key("inferred"); w.value(f.inferred);
  w.end_object();
}

void write_type(json_writer& w, const import_type& t) {
  w.begin_object();
  w.key("type"); w.value(t.name);
  w.key("singular"); w.value(t.singular);
  w.key("label"); w.value(t.label);
  w.key("key"); w.value(t.key);
  w.key("description"); w.value(t.description);
  w.key("boolean_values");
  w.begin_object();
  w.key("true"); write_strings(w, t.boolean_true);
  w.key("false"); write_strings(w, t.boolean_false);
  w.key("case_insensitive"); w.value(t.boolean_case_insensitive);
  w.end_object();
  w.key("fields");
  w.begin_array();
  for (const field_def& f : t.fields) write_field(w, f);
  w.end_array();
  w.end_object();
}

bool by_name(const import_type& a, std::string_view name) noexcept { return a.name < name; }

}  // namespace

const char* mode_name(import_mode m) noexcept {
  const auto i = static_cast<size_t>(m);
  return i < mode_names.size() ? mode_names[i] : "unknown";
}

std::optional<import_mode> parse_mode(std::string_view name) noexcept {
  for (size_t i = 0; i < mode_names.size(); ++i) {
    if (name == mode_names[i]) return static_cast<import_mode>(i);
  }
  return std::nullopt;
}

const char* field_type_name(field_type t) noexcept {
  const auto i = static_cast<size_t>(t);
  return i < field_type_names.size() ? field_type_names[i] : "unknown";
}

std::optional<field_type> parse_field_type(std::string_view name) noexcept {
  for (size_t i = 0; i < field_type_names.size(); ++i) {
    if (name == field_type_names[i]) return static_cast<field_type>(i);
  }
  return std::nullopt;
}

int import_type::find_field(std::string_view field_name) const noexcept {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<std::string>& import_type::rules_for(const field_def& f, import_mode m) const noexcept {
  switch (m) {
    case import_mode::store:
      if (!f.store_rules.empty()) return f.store_rules;
      break;
    case import_mode::update:
      if (!f.update_rules.empty()) return f.update_rules;
      break;
    case import_mode::validate:
      if (!f.validate_rules.empty()) return f.validate_rules;
      break;
  }
  return f.rules;
}

result<import_type> parse_schema_json(std::string_view json, std::string_view file_name) {
  import_type t;
  // Defaults come from import_type; a file's "boolean_values" replaces them.
  schema_reader reader(file_name);
  if (status s = reader.read(json, t); !s.ok()) return s;

  // Duplicate names would make a mapping ambiguous: refuse them here, once.
  for (size_t i = 0; i < t.fields.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (t.fields[i].name == t.fields[j].name) {
        return status::fail(errc::bad_schema, std::string(file_name) + ": fields[" + std::to_string(i) +
                                                  "] (\"" + t.fields[i].name + "\"): duplicate field name (first at fields[" +
                                                  std::to_string(j) + "])");
      }
    }
  }
  return t;
}

result<schema_registry> schema_registry::builtin() {
  schema_registry reg;
  for (const detail::embedded_file& file : detail::embedded_schema_files()) {
    result<import_type> parsed = parse_schema_json(file.text, file.name);
    if (!parsed.ok()) return parsed.error();
    import_type t = std::move(parsed).value();
    // Two built-in files naming the same type is a packaging mistake, not a replacement.
    if (reg.find(t.name) != nullptr) {
      return status::fail(errc::bad_schema, std::string(file.name) + ": type \"" + t.name +
                                                "\" is already defined by another built-in file");
    }
    auto at = std::lower_bound(reg.types_.begin(), reg.types_.end(), t.name, by_name);
    reg.types_.insert(at, std::move(t));
  }
  return reg;
}

status schema_registry::load_json(std::string_view json, std::string_view file_name) {
  result<import_type> parsed = parse_schema_json(json, file_name);
  if (!parsed.ok()) return parsed.error();
  import_type t = std::move(parsed).value();
  auto at = std::lower_bound(types_.begin(), types_.end(), t.name, by_name);
  if (at != types_.end() && at->name == t.name) {
    *at = std::move(t);
  } else {
    types_.insert(at, std::move(t));
  }
  return status::success();
}

const import_type* schema_registry::find(std::string_view type_name) const noexcept {
  auto at = std::lower_bound(types_.begin(), types_.end(), type_name, by_name);
  return (at != types_.end() && at->name == type_name) ? &*at : nullptr;
}

std::string types_json(const schema_registry& reg) {
  json_writer w;
  w.begin_array();
  for (const import_type& t : reg.types()) write_type(w, t);
  w.end_array();
  return w.take();
}

}  // namespace preflight
