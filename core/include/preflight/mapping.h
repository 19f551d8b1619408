// mapping.h — stage 4: which CSV column feeds which import field.
//
// Directions (kept exactly as the API has them):
// - the map request is field → CSV header: {"headers":[{"first_name":"fname"}]}
// - the import resource's `mapping` is CSV header → field: {"fname":"first_name"}
// Constants fill fields the file lacks: {"constants":{"send_welcome_email":"1"}}.
//
// Suggestions score every (header, field) pair from the normalised names, the schema's
// labels and aliases, edit distance, and the column's sample values (a column of e-mail
// addresses is probably `email`), then assign greedily, best score first, one field per
// header.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "preflight/error.h"
#include "preflight/schema.h"

namespace preflight {

struct mapping_spec {
  std::vector<std::pair<std::string, std::string>> columns;    ///< field → CSV header
  std::vector<std::pair<std::string, std::string>> constants;  ///< field → value
};

/// Parses the map endpoint's body. Accepts "headers" as an array of objects (the API's
/// form) or as one object, and an optional "constants" object. Errors name the file and
/// the offending key: `mapping.json: "headers"[0]."first_name" must be a string`.
/// A null or blank header leaves the field unmapped (forms send every field); constants
/// may be strings, numbers (kept as written) or booleans ("true"/"false"); null is none.
result<mapping_spec> parse_mapping_json(std::string_view json, std::string_view file_name);
/// Writes {"headers":[{field: header,…}],"constants":{…}}; "constants" is left out when
/// empty, so the text is exactly the map endpoint's request body.
std::string mapping_json(const mapping_spec& m);

/// The header row made usable: empty names become "column_N" (1-based) and duplicates
/// are renamed "name_2", "name_3" (case- and space-insensitive comparison), each with a
/// warning. Surrounding spaces are trimmed.
struct header_set {
  std::vector<std::string> names;      ///< unique, non-empty: what mappings refer to
  std::vector<std::string> original;   ///< as in the file
  std::vector<std::string> warnings;   ///< one sentence per renamed header
  std::vector<size_t> renamed;         ///< the column each warning is about, aligned with warnings
};
header_set normalize_headers(std::span<const std::string_view> raw);

struct resolved_mapping {
  std::vector<int> column_of_field;          ///< per schema field: CSV column or -1
  std::vector<int> constant_of_field;        ///< per schema field: index into constants or -1
  std::vector<std::string> constants;        ///< constant values
  std::vector<int> field_of_column;          ///< per CSV column: schema field or -1
  std::vector<std::string> unmapped_columns; ///< CSV headers no field takes (ignored)
  /// Resource direction, in CSV column order: CSV header → field.
  std::vector<std::pair<std::string, std::string>> resource_mapping;
};

/// Checks a mapping against the file's headers and the type. Errors (bad_mapping) name
/// the problem: an unknown field, a header the file lacks, a field mapped twice, a
/// constant for a mapped field. `required[i]` marks fields that must be mapped or given a
/// constant; a miss is missing_required_field naming every such field.
result<resolved_mapping> resolve_mapping(const mapping_spec& m, const header_set& headers,
                                         const import_type& type, std::span<const uint8_t> required);

struct suggestion {
  std::string header;  ///< CSV header (normalised name)
  int column = -1;    ///< 0-based CSV column
  std::string field;   ///< suggested field, empty when none scores above the floor
  double confidence = 0;  ///< 0..1
  std::string reason;  ///< "exact name", "alias \"e-mail\"", "similar name", "values look like e-mail addresses", …
  std::vector<std::pair<std::string, double>> alternatives;  ///< next best fields (up to 3)
};

/// Suggests a field for every header. `samples` are the first data rows (cells by column).
std::vector<suggestion> suggest_mapping(const header_set& headers,
                                        std::span<const std::vector<std::string>> samples,
                                        const import_type& type);
/// The suggestions at or above `min_confidence`, as a mapping.
mapping_spec mapping_from_suggestions(std::span<const suggestion> s, double min_confidence);
/// JSON for `preflight suggest`: {"type":…,"headers":[…],"suggestions":[…],"mapping":{…}}.
std::string suggestions_json(const import_type& type, const header_set& headers,
                             std::span<const suggestion> s, double min_confidence);

}  // namespace preflight
