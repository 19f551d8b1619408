// schema.h — the import types: fields, labels, aliases, rule strings, enum values.
//
// The nine types the API accepts live as JSON files in core/schemas/, embedded in the
// binary at build time (see embedded_schemas.h, generated) and parsed with simdjson.
// A caller can load a replacement or an extra type at run time — a CRM's custom fields
// arrive as JSON of the same shape. What the public sources only imply (is `gender`
// case-insensitive? which strings count as booleans?) is data in these files, not code.
//
// File shape (one type per file):
// {
//   "type": "clients", "singular": "client", "label": "Clients",
//   "key": "uuid",                                   // the record's own key column
//   "description": "…",                              // optional
//   "boolean_values": {"true": ["1","true"], "false": ["0","false"],    // optional
//                      "case_insensitive": true},
//   "fields": [
//     { "name": "email", "label": "Email", "aliases": ["e-mail", "email address"],
//       "type": "email", "rules": "nullable|email|max:255",
//       "values": [...], "case_insensitive": true,  // for enums
//       "modes": {"store": "prohibited", "update": "required|uuid"},  // per-mode rules
//                                                  // (keys: store, update, validate)
//       "description": "…", "source": "S11", "inferred": false }
//   ]
// }
// `rules` is a Laravel rule string, or an array of rule strings (needed for a regex with |).
// Required: "type", "fields", and per field "name", "type", "rules". Labels and "singular"
// default from the names; unknown keys are errors (a typo must not drop a rule silently).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/error.h"

namespace preflight {

enum class import_mode : uint8_t { validate, store, update };
const char* mode_name(import_mode m) noexcept;
std::optional<import_mode> parse_mode(std::string_view name) noexcept;

/// The kind of value a field holds: drives suggestions (sample values) and the column
/// type shown to users. Validation itself comes from the rule string.
enum class field_type : uint8_t { string, text, uuid, email, phone, integer, decimal, money, boolean, date, datetime, enumeration, list };
const char* field_type_name(field_type t) noexcept;
std::optional<field_type> parse_field_type(std::string_view name) noexcept;

struct field_def {
  std::string name;                  ///< canonical import header, e.g. "send_welcome_email"
  std::string label;                 ///< human label, e.g. "Send welcome email"
  std::vector<std::string> aliases;  ///< other header spellings seen in exports
  field_type type = field_type::string;
  std::vector<std::string> rules;    ///< rule strings (each may hold several rules split by |)
  std::vector<std::string> store_rules;   ///< replace `rules` in store mode when non-empty
  std::vector<std::string> update_rules;  ///< replace `rules` in update mode when non-empty
  std::vector<std::string> validate_rules;  ///< replace `rules` in validate mode when non-empty
  std::vector<std::string> values;   ///< allowed values for an enumeration (in:… is derived)
  bool case_insensitive = false;     ///< enum values compare case-insensitively
  bool inferred = false;             ///< the spec marks this field or its rules as inference
  std::string description;
  std::string source;                ///< spec source tags, e.g. "S1, S11"
};

struct import_type {
  std::string name;      ///< "clients"
  std::string singular;  ///< "client" — the key of the failed row in `errors`
  std::string label;     ///< "Clients"
  std::string key;       ///< key column name, "uuid"; empty when records have none
  std::string description;  ///< what the file knows and what it infers, for people
  std::vector<std::string> boolean_true{"1", "true"};
  std::vector<std::string> boolean_false{"0", "false"};
  bool boolean_case_insensitive = true;
  std::vector<field_def> fields;

  /// Index of the field with this canonical name, or -1.
  [[nodiscard]] int find_field(std::string_view field_name) const noexcept;
  /// The rule strings in force for a field in a mode (per-mode rules replace `rules`).
  [[nodiscard]] const std::vector<std::string>& rules_for(const field_def& f, import_mode m) const noexcept;
};

/// Parses one schema file. Errors name the file, the field (by index and name) and the
/// problem: "clients.json: fields[3] ("gender"): "values" must be an array of strings".
result<import_type> parse_schema_json(std::string_view json, std::string_view file_name);

/// The set of import types an import can use.
class schema_registry {
 public:
  /// The nine built-in types, parsed from the embedded JSON. Fails only if a built-in
  /// file is broken (a test guards against that).
  static result<schema_registry> builtin();

  /// Adds a type, or replaces the one with the same name (a CRM's custom fields).
  status load_json(std::string_view json, std::string_view file_name);

  [[nodiscard]] const import_type* find(std::string_view type_name) const noexcept;
  [[nodiscard]] const std::vector<import_type>& types() const noexcept { return types_; }

 private:
  std::vector<import_type> types_;  // kept sorted by name
};

/// Writes the registry (or one type) as JSON, for `preflight types --json` and the JS API.
std::string types_json(const schema_registry& reg);

}  // namespace preflight
