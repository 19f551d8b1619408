// mapping.cpp — stage 4: parse a mapping, make the header row usable, check a mapping
// against a file and a type, and suggest one.
//
// Nothing here is on the per-cell hot path: it runs once per import over the header row
// (and, for suggestions, over at most 50 sample rows), so it favours plain strings and
// clear code over avoiding allocations.
#include "preflight/mapping.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "preflight/json.h"
#include "simdjson.h"
#include "text.h"

namespace preflight {

namespace {

// ---------------------------------------------------------------------------------------
// Text helpers

using text::is_blank;
using text::in_quotes;
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_alpha(char c) noexcept { return is_upper(c) || is_lower(c); }
constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_lower(char c) noexcept { return text::ascii_lower(c); }

std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

/// The key under which two headers count as the same: ASCII case and spaces/tabs ignored,
/// so "First Name", "first name" and "FirstName" collide (and a mapping may use any).
std::string match_key(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!is_blank(c)) out.push_back(to_lower(c));
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

std::string number_text(size_t n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  return std::string(buf, r.ptr);
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), so
/// "frist" is one edit from "first".
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, before[j - 2] + 1);
      current[j] = best;
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

/// Index of the candidate closest to `name` (ASCII case ignored), or -1 when none is close
/// enough to be worth a "did you mean".
int closest(std::string_view name, const std::vector<std::string_view>& candidates) {
  const std::string key = to_lower(name);
  const size_t limit = std::max<size_t>(1, key.size() / 3);
  int best = -1;
  size_t best_distance = limit + 1;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const size_t d = edit_distance(key, to_lower(candidates[i]));
    if (d < best_distance && d < key.size()) {
      best_distance = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// parse_mapping_json

namespace ondemand = simdjson::ondemand;

/// Reads the map endpoint's body with simdjson On-Demand, which, unlike the DOM parser,
/// can say where in the text it stopped when the JSON is broken.
class mapping_reader {
 public:
  mapping_reader(std::string_view text, std::string_view file_name)
      : text_(text), file_(file_name) {}

  result<mapping_spec> read() {
    const simdjson::padded_string padded(text_);
    base_ = padded.data();
    ondemand::parser parser;
    if (auto e = parser.iterate(padded).get(doc_)) {
      if (e == simdjson::EMPTY) return fail("the mapping is empty (expected {\"headers\": …})");
      return json_error(e, false);
    }
    ondemand::json_type top{};
    if (auto e = doc_.type().get(top)) return json_error(e);
    if (top != ondemand::json_type::object) return fail("the top level must be an object");
    ondemand::object object;
    if (auto e = doc_.get_object().get(object)) return json_error(e);
    bool seen_headers = false, seen_constants = false;
    for (auto field_result : object) {
      ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return json_error(e);
      std::string key;
      if (auto e = read_key(field, key)) return json_error(e);
      status s;
      if (key == "headers") {
        if (seen_headers) return fail("key \"headers\" is given twice");
        seen_headers = true;
        s = read_headers(field.value());
      } else if (key == "constants") {
        if (seen_constants) return fail("key \"constants\" is given twice");
        seen_constants = true;
        s = read_constants(field.value());
      } else {
        return fail("unknown key " + json_quoted(key) + " (expected \"headers\" or \"constants\")");
      }
      if (!s.ok()) return s;
    }
    if (!doc_.at_end()) return json_error(simdjson::TRAILING_CONTENT);
    return std::move(spec_);
  }

 private:
  status fail(std::string_view message) const {
    std::string m(file_);
    m.append(": ");
    m.append(message);
    return status::fail(errc::bad_mapping, std::move(m));
  }

  /// "invalid JSON at line 2, column 5: <simdjson's reason>", the position when simdjson
  /// can still tell where it stopped.
  status json_error(simdjson::error_code e, bool has_position = true) {
    std::string m = "invalid JSON";
    const char* where = nullptr;
    // Where On-Demand stops is only meaningful for errors it finds while walking the
    // tokens; an unbalanced document is noticed up front, at the first byte.
    has_position = has_position && e != simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
    if (has_position && !doc_.current_location().get(where) && where >= base_ &&
        where <= base_ + text_.size()) {
      const auto offset = static_cast<size_t>(where - base_);
      size_t line = 1, line_start = 0;
      for (size_t i = 0; i < offset; ++i)
        if (text_[i] == '\n') { ++line; line_start = i + 1; }
      m += " at line " + number_text(line) + ", column " + number_text(offset - line_start + 1);
    }
    m += ": ";
    m += simdjson::error_message(e);
    return fail(m);
  }

  static std::string json_quoted(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
  }

  static simdjson::error_code read_key(ondemand::field& field, std::string& out) {
    std::string_view key;
    if (auto e = field.unescaped_key(false).get(key)) return e;
    out.assign(key);
    return simdjson::SUCCESS;
  }

  status read_headers(ondemand::value value) {
    ondemand::json_type t{};
    if (auto e = value.type().get(t)) return json_error(e);
    if (t == ondemand::json_type::object) {
      ondemand::object object;
      if (auto e = value.get_object().get(object)) return json_error(e);
      return read_header_object(object, "\"headers\"");
    }
    if (t != ondemand::json_type::array) return fail("\"headers\" must be an object or an array of objects");
    ondemand::array array;
    if (auto e = value.get_array().get(array)) return json_error(e);
    size_t index = 0;
    for (auto element_result : array) {
      ondemand::value element;
      if (auto e = std::move(element_result).get(element)) return json_error(e);
      const std::string path = "\"headers\"[" + number_text(index++) + "]";
      if (auto e = element.type().get(t)) return json_error(e);
      if (t != ondemand::json_type::object) return fail(path + " must be an object");
      ondemand::object object;
      if (auto e = element.get_object().get(object)) return json_error(e);
      status s = read_header_object(object, path);
      if (!s.ok()) return s;
    }
    return status::success();
  }

  status read_header_object(ondemand::object& object, const std::string& path) {
    for (auto field_result : object) {
      ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return json_error(e);
      std::string name;
      if (auto e = read_key(field, name)) return json_error(e);
      if (name.empty()) return fail(path + " has an empty field name");
      const std::string value_path = path + "." + json_quoted(name);
      ondemand::value value = field.value();
      ondemand::json_type t{};
      if (auto e = value.type().get(t)) return json_error(e);
      // null or "" leaves the field unmapped: mapping forms send every field, chosen or not.
      if (t == ondemand::json_type::null) {
        if (auto e = value.is_null().error()) return json_error(e);
        continue;
      }
      if (t != ondemand::json_type::string) return fail(value_path + " must be a string");
      std::string_view header;
      if (auto e = value.get_string().get(header)) return json_error(e);
      if (trim_blanks(header).empty()) continue;
      status s = note_field(name, value_path, field_paths_);
      if (!s.ok()) return s;
      spec_.columns.emplace_back(std::move(name), std::string(header));
    }
    return status::success();
  }

  status read_constants(ondemand::value value) {
    ondemand::json_type t{};
    if (auto e = value.type().get(t)) return json_error(e);
    if (t != ondemand::json_type::object) return fail("\"constants\" must be an object");
    ondemand::object object;
    if (auto e = value.get_object().get(object)) return json_error(e);
    for (auto field_result : object) {
      ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return json_error(e);
      std::string name;
      if (auto e = read_key(field, name)) return json_error(e);
      if (name.empty()) return fail("\"constants\" has an empty field name");
      const std::string value_path = "\"constants\"." + json_quoted(name);
      ondemand::value v = field.value();
      if (auto e = v.type().get(t)) return json_error(e);
      std::string text;
      switch (t) {
        case ondemand::json_type::string: {
          std::string_view s;
          if (auto e = v.get_string().get(s)) return json_error(e);
          text.assign(s);
          break;
        }
        case ondemand::json_type::number: {
          // Keep the number as written ("0.10" stays "0.10"); get_double only validates it.
          std::string_view token = v.raw_json_token();
          while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                                    token.back() == '\n' || token.back() == '\r'))
            token.remove_suffix(1);
          double ignored = 0;
          if (auto e = v.get_double().get(ignored)) return json_error(e);
          text.assign(token);
          break;
        }
        case ondemand::json_type::boolean: {
          bool b = false;
          if (auto e = v.get_bool().get(b)) return json_error(e);
          text = b ? "true" : "false";
          break;
        }
        case ondemand::json_type::null:
          if (auto e = v.is_null().error()) return json_error(e);
          continue;  // no constant
        default:
          return fail(value_path + " must be a string, number or boolean");
      }
      status s = note_field(name, value_path, constant_paths_);
      if (!s.ok()) return s;
      spec_.constants.emplace_back(std::move(name), std::move(text));
    }
    return status::success();
  }

  /// Remembers where a field was given, so a second mention names both places.
  status note_field(const std::string& name, const std::string& path,
                    std::unordered_map<std::string, std::string>& seen) const {
    const auto [it, inserted] = seen.emplace(name, path);
    if (inserted) return status::success();
    if (it->second == path) return fail(path + " is given twice");
    return fail("field " + json_quoted(name) + " is given twice (" + it->second + " and " + path + ")");
  }

  std::string_view text_;
  std::string_view file_;
  const char* base_ = nullptr;
  ondemand::document doc_;
  mapping_spec spec_;
  std::unordered_map<std::string, std::string> field_paths_;     // field → first path
  std::unordered_map<std::string, std::string> constant_paths_;  // field → first path
};

}  // namespace

result<mapping_spec> parse_mapping_json(std::string_view json, std::string_view file_name) {
  return mapping_reader(json, file_name).read();
}

std::string mapping_json(const mapping_spec& m) {
  json_writer w;
  w.begin_object();
  w.key("headers");
  w.begin_array();
  w.begin_object();
  for (const auto& [field, header] : m.columns) {
    w.key(field);
    w.value(header);
  }
  w.end_object();
  w.end_array();
  // Left out when empty so the text is exactly the map endpoint's request body.
  if (!m.constants.empty()) {
    w.key("constants");
    w.begin_object();
    for (const auto& [field, value] : m.constants) {
      w.key(field);
      w.value(value);
    }
    w.end_object();
  }
  w.end_object();
  return w.take();
}

// ---------------------------------------------------------------------------------------
// normalize_headers

header_set normalize_headers(std::span<const std::string_view> raw) {
  header_set h;
  const size_t n = raw.size();
  h.names.resize(n);
  h.original.reserve(n);
  std::vector<std::string_view> trimmed(n);
  for (size_t i = 0; i < n; ++i) {
    std::string_view s = raw[i];
    // A host that did not strip the byte order mark leaves it glued to the first header.
    if (i == 0 && s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
    h.original.emplace_back(s);
    trimmed[i] = trim_blanks(s);
  }

  // Real headers keep their names; the first of each spelling wins. Every real name is
  // reserved up front so a generated "email_2" never collides with a real "email_2".
  std::unordered_set<std::string> taken;
  std::unordered_map<std::string, size_t> first_column;  // key → column of first use
  std::vector<int> duplicate_of(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (trimmed[i].empty()) continue;
    std::string key = match_key(trimmed[i]);
    taken.insert(key);
    const auto [it, inserted] = first_column.emplace(std::move(key), i);
    if (inserted) h.names[i].assign(trimmed[i]);
    else duplicate_of[i] = static_cast<int>(it->second);
  }

  auto unused_name = [&taken](std::string base, size_t first_suffix) {
    std::string name = first_suffix == 0 ? base : base + "_" + number_text(first_suffix);
    for (size_t k = first_suffix == 0 ? 2 : first_suffix + 1; taken.count(match_key(name)); ++k)
      name = base + "_" + number_text(k);
    taken.insert(match_key(name));
    return name;
  };

  for (size_t i = 0; i < n; ++i) {
    const std::string column = number_text(i + 1);
    if (trimmed[i].empty()) {
      h.names[i] = unused_name("column_" + column, 0);
      h.warnings.push_back("Column " + column + " has no header; it is named " + in_quotes(h.names[i]) + ".");
      h.renamed.push_back(i);
    } else if (duplicate_of[i] >= 0) {
      const auto first = static_cast<size_t>(duplicate_of[i]);
      h.names[i] = unused_name(std::string(trimmed[i]), 2);
      h.warnings.push_back("Header " + in_quotes(h.names[first]) + " appears in columns " +
                           number_text(first + 1) + " and " + column + "; column " + column +
                           " is renamed " + in_quotes(h.names[i]) + ".");
      h.renamed.push_back(i);
    }
  }
  return h;
}

// ---------------------------------------------------------------------------------------
// resolve_mapping

namespace {

std::vector<std::string_view> field_names(const import_type& type) {
  std::vector<std::string_view> names;
  names.reserve(type.fields.size());
  for (const auto& f : type.fields) names.emplace_back(f.name);
  return names;
}

std::string unknown_field_message(std::string_view prefix, std::string_view field, const import_type& type) {
  const auto names = field_names(type);
  std::string m = std::string(prefix) + in_quotes(field);
  if (const int i = closest(field, names); i >= 0)
    m += " (did you mean " + in_quotes(names[static_cast<size_t>(i)]) + "?)";
  return m;
}

/// Exact name first, then ignoring case and spaces (normalize_headers made those keys unique).
int find_column(const header_set& headers, std::string_view header) {
  for (size_t i = 0; i < headers.names.size(); ++i)
    if (headers.names[i] == header) return static_cast<int>(i);
  const std::string key = match_key(trim_blanks(header));
  for (size_t i = 0; i < headers.names.size(); ++i)
    if (match_key(headers.names[i]) == key) return static_cast<int>(i);
  return -1;
}

std::string missing_header_message(std::string_view header, const header_set& headers) {
  std::string m = "header " + in_quotes(header) + " is not in the file";
  constexpr size_t few_headers = 10;  // more than this and the list stops helping
  const auto& names = headers.names;
  std::vector<std::string> keys;
  keys.reserve(names.size());
  for (const auto& n : names) keys.push_back(match_key(n));
  const std::vector<std::string_view> key_views(keys.begin(), keys.end());
  if (const int i = closest(match_key(header), key_views); i >= 0) {
    m += " (did you mean " + in_quotes(names[static_cast<size_t>(i)]) + "?)";
  } else if (names.empty()) {
    m += " (the file has no headers)";
  } else if (names.size() <= few_headers) {
    std::vector<std::string> list;
    for (const auto& n : names) list.push_back(in_quotes(n));
    m += " (its headers are " + join(list, ", ") + ")";
  }
  return m;
}

}  // namespace

result<resolved_mapping> resolve_mapping(const mapping_spec& m, const header_set& headers,
                                         const import_type& type, std::span<const uint8_t> required) {
  resolved_mapping r;
  const size_t field_count = type.fields.size();
  const size_t column_count = headers.names.size();
  r.column_of_field.assign(field_count, -1);
  r.constant_of_field.assign(field_count, -1);
  r.field_of_column.assign(column_count, -1);

  std::vector<std::string> problems;
  for (const auto& [field, header] : m.columns) {
    const int f = type.find_field(field);
    if (f < 0) {
      problems.push_back(unknown_field_message("unknown field ", field, type));
      continue;
    }
    const int c = find_column(headers, header);
    if (c < 0) {
      problems.push_back(missing_header_message(header, headers));
      continue;
    }
    const auto fi = static_cast<size_t>(f);
    const auto ci = static_cast<size_t>(c);
    if (r.column_of_field[fi] >= 0) {
      const auto& earlier = headers.names[static_cast<size_t>(r.column_of_field[fi])];
      problems.push_back("field " + in_quotes(field) + " is mapped twice (to " + in_quotes(earlier) +
                         " and " + in_quotes(headers.names[ci]) + ")");
      continue;
    }
    if (r.field_of_column[ci] >= 0) {
      // The importer feeds one column to one field.
      const auto& earlier = type.fields[static_cast<size_t>(r.field_of_column[ci])].name;
      problems.push_back("column " + in_quotes(headers.names[ci]) + " is mapped to both " +
                         in_quotes(earlier) + " and " + in_quotes(field));
      continue;
    }
    r.column_of_field[fi] = c;
    r.field_of_column[ci] = f;
  }

  for (const auto& [field, value] : m.constants) {
    const int f = type.find_field(field);
    if (f < 0) {
      problems.push_back(unknown_field_message("constant for unknown field ", field, type));
      continue;
    }
    const auto fi = static_cast<size_t>(f);
    if (r.column_of_field[fi] >= 0) {
      problems.push_back("field " + in_quotes(field) + " is both mapped (to " +
                         in_quotes(headers.names[static_cast<size_t>(r.column_of_field[fi])]) +
                         ") and given a constant");
      continue;
    }
    if (r.constant_of_field[fi] >= 0) {
      problems.push_back("field " + in_quotes(field) + " is given two constants");
      continue;
    }
    r.constant_of_field[fi] = static_cast<int>(r.constants.size());
    r.constants.push_back(value);
  }
  if (!problems.empty()) return status::fail(errc::bad_mapping, join(problems, "; "));

  std::vector<std::string> missing;
  for (size_t i = 0; i < field_count && i < required.size(); ++i)
    if (required[i] && r.column_of_field[i] < 0 && r.constant_of_field[i] < 0)
      missing.push_back(in_quotes(type.fields[i].name));
  if (missing.size() == 1)
    return status::fail(errc::missing_required_field,
                        "required field " + missing[0] + " is not mapped and has no constant value");
  if (!missing.empty())
    return status::fail(errc::missing_required_field, "required fields " + join(missing, ", ") +
                                                          " are not mapped and have no constant value");

  for (size_t c = 0; c < column_count; ++c) {
    const int f = r.field_of_column[c];
    if (f < 0) r.unmapped_columns.push_back(headers.names[c]);
    else r.resource_mapping.emplace_back(headers.names[c], type.fields[static_cast<size_t>(f)].name);
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// suggest_mapping

namespace {

constexpr double suggestion_floor = 0.45;   // below this a header gets no field
constexpr double alternative_floor = 0.25;  // below this a field is not worth listing
constexpr size_t max_alternatives = 3;
constexpr size_t max_sample_rows = 50;

/// Latin-1 letters (U+00C0–U+00FF, UTF-8 C3 80–C3 BF) without their accents. The empty
/// entries are × and ÷, which separate words.
constexpr std::string_view latin1_letters[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

/// Lowercase words joined by "_": accents of Latin-1 letters dropped, anything that is not
/// a letter or digit a separator, and camelCase, "NINumber" and "address1" split into
/// words. "E-mail Address" → "e_mail_address", "DateOfBirth" → "date_of_birth".
/// Bytes of other scripts are kept as they are.
std::string normalize_name(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool separate = false;  // a word boundary is pending
  char prev = 0;          // previous ASCII letter or digit in its original case; 0 after a separator
  auto put = [&](std::string_view piece) {
    if (separate && !out.empty()) out.push_back('_');
    separate = false;
    out.append(piece);
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const bool pair = i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0u) == 0x80u;
      if (c == '\xC3' && pair) {
        const auto index = static_cast<size_t>(static_cast<unsigned char>(s[++i]) - 0x80u);
        const std::string_view letters = latin1_letters[index];
        if (letters.empty()) { separate = true; prev = 0; continue; }
        const bool upper = index < 32;
        if (upper && is_lower(prev)) separate = true;
        put(letters);
        prev = upper ? 'A' : 'a';
        continue;
      }
      if (c == '\xC2' && pair) { ++i; separate = true; prev = 0; continue; }  // NBSP, «, °, …
      put(std::string_view(&s[i], 1));
      prev = 0;
      continue;
    }
    if (!is_alpha(c) && !is_digit(c)) { separate = true; prev = 0; continue; }
    if (prev != 0) {
      const bool camel = is_lower(prev) && is_upper(c);
      const bool letter_digit = is_digit(prev) != is_digit(c);
      const bool acronym_end = is_upper(prev) && is_upper(c) && i + 1 < s.size() && is_lower(s[i + 1]);
      if (camel || letter_digit || acronym_end) separate = true;
    }
    const char lower = to_lower(c);
    put(std::string_view(&lower, 1));
    prev = c;
  }
  return out;
}

std::string without_separators(std::string_view normalised) {
  std::string out;
  out.reserve(normalised.size());
  for (char c : normalised)
    if (c != '_') out.push_back(c);
  return out;
}

// Words that mean the same in export headers. Applied to both sides after stemming; a
// value with a space expands to several words.
struct synonym { std::string_view word, canonical; };
constexpr synonym synonyms[] = {
    {"dob", "date birth"},       {"birthdate", "date birth"}, {"birthday", "date birth"},
    {"dateofbirth", "date birth"},
    {"fname", "first name"},     {"forename", "first name"},  {"firstname", "first name"},
    {"givenname", "first name"}, {"given", "first"},
    {"lname", "last name"},      {"surname", "last name"},    {"lastname", "last name"},
    {"familyname", "last name"}, {"family", "last"},          {"middlename", "middle name"},
    {"tel", "phone"},            {"telephone", "phone"},      {"mobile", "phone"},
    {"cell", "phone"},           {"cellphone", "phone"},      {"mob", "phone"},
    {"mail", "email"},           {"emailaddress", "email"},
    {"nino", "ni"},              {"nin", "ni"},
    {"zip", "postcode"},         {"zipcode", "postcode"},     {"postalcode", "postcode"},
    {"sex", "gender"},           {"advisor", "adviser"},      {"admin", "administrator"},
    {"id", "uuid"},              {"guid", "uuid"},
    {"no", "number"},            {"num", "number"},           {"nr", "number"},
    {"addr", "address"},         {"introducer", "introduced"},
};
// Two words that make one: "e mail", "email address", "phone number", "post code".
struct bigram { std::string_view first, second, merged; };
constexpr bigram bigrams[] = {
    {"e", "email", "email"},     {"email", "address", "email"},  {"phone", "number", "phone"},
    {"post", "code", "postcode"}, {"postal", "code", "postcode"}, {"national", "insurance", "ni"},
};
constexpr std::string_view stop_words[] = {"a",  "an", "and", "are", "at",     "be",  "by", "do",
                                           "does", "for", "if", "in", "is", "n", "of", "on",
                                           "or", "please", "the", "to", "y", "you", "your"};
// Words that say little about which field is meant: a header may add or drop them.
constexpr std::string_view minor_words[] = {"assigned", "client", "contact", "customer", "main",
                                            "name", "number", "primary", "uuid"};

template <size_t n>
bool contains(const std::string_view (&list)[n], std::string_view w) noexcept {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

bool is_minor(std::string_view w) noexcept {
  return contains(minor_words, w) || std::all_of(w.begin(), w.end(), is_digit);
}

/// Plural words to singular, crudely but the same on both sides: "nationalities" →
/// "nationality", "forenames" → "forename"; "status", "address", "yes" stay.
std::string stem(std::string_view w) {
  if (w.size() > 4 && w.ends_with("ies")) return std::string(w.substr(0, w.size() - 3)) + "y";
  if (w.size() > 3 && w.back() == 's' && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is"))
    return std::string(w.substr(0, w.size() - 1));
  return std::string(w);
}

struct word_set {
  std::vector<std::string> words;  ///< canonical words, sorted, unique
  bool rewritten = false;          ///< a synonym or abbreviation was applied
};

bool merge_one_bigram(std::vector<std::string>& words) {
  for (size_t i = 0; i + 1 < words.size(); ++i)
    for (const auto& b : bigrams)
      if (words[i] == b.first && words[i + 1] == b.second) {
        words[i] = b.merged;
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        return true;
      }
  return false;
}

word_set canonical_words(std::string_view normalised) {
  word_set set;
  std::vector<std::string> words;
  size_t start = 0;
  while (start <= normalised.size()) {
    size_t end = normalised.find('_', start);
    if (end == std::string_view::npos) end = normalised.size();
    if (end > start) {
      std::string w = stem(normalised.substr(start, end - start));
      const auto* syn = std::find_if(std::begin(synonyms), std::end(synonyms),
                                     [&w](const synonym& s) { return s.word == w; });
      if (syn == std::end(synonyms)) {
        words.push_back(std::move(w));
      } else {
        set.rewritten = true;
        std::string_view rest = syn->canonical;
        for (size_t space; (space = rest.find(' ')) != std::string_view::npos; rest.remove_prefix(space + 1))
          words.emplace_back(rest.substr(0, space));
        words.emplace_back(rest);
      }
    }
    start = end + 1;
  }
  while (merge_one_bigram(words)) set.rewritten = true;
  std::erase_if(words, [](const std::string& w) { return contains(stop_words, w); });
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  set.words = std::move(words);
  return set;
}

enum class form_kind : uint8_t { name, label, alias };

/// One way of writing a name (a header, or a field's name, label or alias), prepared once.
struct name_form {
  form_kind kind = form_kind::name;
  std::string text;        ///< as written, for reasons
  std::string normalised;  ///< normalize_name(text)
  std::string compact;     ///< normalised without separators
  word_set words;
};

name_form make_form(std::string_view text, form_kind kind) {
  name_form f;
  f.kind = kind;
  f.text.assign(text);
  f.normalised = normalize_name(text);
  f.compact = without_separators(f.normalised);
  f.words = canonical_words(f.normalised);
  return f;
}

struct field_profile {
  std::vector<name_form> forms;             ///< name first, then label and aliases
  std::vector<std::string> normalised_values;  ///< enum values, normalised
};

struct scored {
  double score = 0;
  std::string reason;
};

void offer(scored& best, double score, std::string reason) {
  if (score > best.score) {
    best.score = score;
    best.reason = std::move(reason);
  }
}

/// Same words → 0.85; the same apart from minor words ("Adviser" vs assigned_adviser_uuid)
/// → 0.8–0.81; otherwise, when at least half the (weighted) words are shared, 0.6–0.75.
scored word_score(const word_set& header, const word_set& field) {
  scored s;
  if (header.words.empty() || field.words.empty()) return s;
  if (header.words == field.words) {
    s.score = 0.85;
    s.reason = header.rewritten || field.rewritten ? "common abbreviation or synonym" : "same words";
    return s;
  }
  double shared = 0, all = 0, field_weight = 0;
  size_t header_extra = 0, field_extra = 0;  // words only one side has
  bool extra_major = false, shares_major = false;
  auto weight = [](std::string_view w) { return is_minor(w) ? 0.25 : 1.0; };
  for (const auto& w : header.words) {
    all += weight(w);
    if (std::binary_search(field.words.begin(), field.words.end(), w)) {
      shared += weight(w);
      shares_major = shares_major || !is_minor(w);
    } else {
      ++header_extra;
      extra_major = extra_major || !is_minor(w);
    }
  }
  for (const auto& w : field.words) {
    field_weight += weight(w);
    if (!std::binary_search(header.words.begin(), header.words.end(), w)) {
      all += weight(w);
      ++field_extra;
      extra_major = extra_major || !is_minor(w);
    }
  }
  // Sharing only "name" or "uuid" with a field named by other words says nothing.
  if (shared < 0.5 * field_weight) return s;
  if (!shares_major && field_extra != 0) return s;
  // One side is the other plus minor words: "Adviser" ⊂ assigned_adviser_uuid, "Client
  // ID" ⊃ uuid. Swapping a minor word for another ("first name" vs "first contact") does
  // not count.
  if (!extra_major && (header_extra == 0 || field_extra == 0)) {
    s.score = std::max(0.8, 0.82 - 0.01 * static_cast<double>(header_extra + field_extra));
    s.reason = "similar words";
    return s;
  }
  const double overlap = shared / all;
  if (overlap >= 0.5) {
    s.score = 0.45 + 0.3 * overlap;
    s.reason = "shares words";
  }
  return s;
}

double edit_similarity(std::string_view a, std::string_view b) {
  const size_t longest = std::max(a.size(), b.size());
  constexpr size_t longest_compared = 64;  // longer names are not typos of each other
  if (longest == 0 || longest > longest_compared) return 0;
  return 1.0 - static_cast<double>(edit_distance(a, b)) / static_cast<double>(longest);
}

/// Whether two normalised names are the same words give or take typos: as many words, in
/// the same order, each pair starting with the same letter and at most one edit apart per
/// four letters ("frist_nme" ~ "first_name", but not "client_id" ~ "client_kind").
bool same_words_but_typos(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const size_t end_a = std::min(a.find('_'), a.size());
    const size_t end_b = std::min(b.find('_'), b.size());
    const std::string_view word_a = a.substr(0, end_a), word_b = b.substr(0, end_b);
    const size_t allowed = std::max<size_t>(1, std::max(word_a.size(), word_b.size()) / 4);
    if (word_a.front() != word_b.front() || edit_distance(word_a, word_b) > allowed) return false;
    a.remove_prefix(std::min(end_a + 1, a.size()));
    b.remove_prefix(std::min(end_b + 1, b.size()));
  }
  return a.empty() && b.empty();
}

scored name_score(std::string_view raw_header, const name_form& header, const field_def& field,
                  const field_profile& profile) {
  scored best;
  if (header.normalised.empty()) return best;
  for (const name_form& f : profile.forms) {
    if (f.normalised.empty()) continue;
    if (header.normalised == f.normalised) {
      if (f.kind == form_kind::name) offer(best, 1.0, raw_header == field.name ? "exact name" : "same name");
      else offer(best, 0.95, (f.kind == form_kind::label ? "label " : "alias ") + in_quotes(f.text));
    }
    if (header.compact == f.compact) offer(best, 0.9, "same name without separators");
    const scored words = word_score(header.words, f.words);
    offer(best, words.score, words.reason);
    constexpr double similarity_floor = 0.7;
    if (header.normalised == f.normalised || !same_words_but_typos(header.normalised, f.normalised)) continue;
    const double similarity = edit_similarity(header.normalised, f.normalised);
    if (similarity >= similarity_floor)
      offer(best, 0.5 + (similarity - similarity_floor) / (1.0 - similarity_floor) * 0.25, "similar name");
  }
  return best;
}

// --- What sample values look like. Looser than the validator's rules on purpose: a column
// of US dates or "Yes"/"No" is still a date or boolean column, even if the validator will
// then reject its values.

bool looks_like_email(std::string_view s) noexcept {
  const size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.find(' ') != std::string_view::npos) return false;
  const std::string_view domain = s.substr(at + 1);
  const size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot != 0 && domain.back() != '.';
}

bool looks_like_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

/// Reads a run of 1..max_digits digits; 0 when there is none.
size_t digit_run(std::string_view s, size_t at, size_t max_digits, unsigned& value) noexcept {
  size_t n = 0;
  value = 0;
  while (at + n < s.size() && is_digit(s[at + n]) && n < max_digits + 1) {
    value = value * 10 + static_cast<unsigned>(s[at + n] - '0');
    ++n;
  }
  return n <= max_digits ? n : 0;
}

bool is_month_name(std::string_view w) noexcept {
  constexpr std::string_view months[] = {"january", "february", "march",     "april",   "may",      "june",
                                         "july",    "august",   "september", "october", "november", "december"};
  if (w.size() < 3) return false;
  const std::string lower = to_lower(w);
  return std::any_of(std::begin(months), std::end(months),
                     [&lower](std::string_view m) { return m.starts_with(lower); });
}

/// 28/06/1999, 6-28-99, 1999-06-28, 28.06.1999, "28 Jun 1999", each optionally followed by a time.
bool looks_like_date(std::string_view s) noexcept {
  size_t end = s.find_first_of(" T");
  // "28 Jun 1999": day, month name, year.
  if (end != std::string_view::npos && end > 0 && s[end] == ' ') {
    unsigned day = 0, year = 0;
    const size_t second_space = s.find(' ', end + 1);
    if (digit_run(s, 0, 2, day) == end && day >= 1 && day <= 31 && second_space != std::string_view::npos &&
        is_month_name(s.substr(end + 1, second_space - end - 1)) &&
        digit_run(s, second_space + 1, 4, year) == 4)
      return true;
  }
  const std::string_view date = s.substr(0, end);
  if (end != std::string_view::npos && (end + 1 >= s.size() || !is_digit(s[end + 1]))) return false;
  unsigned a = 0, b = 0, c = 0;
  const size_t la = digit_run(date, 0, 4, a);
  if (la == 0 || la >= date.size()) return false;
  const char sep = date[la];
  if (sep != '/' && sep != '-' && sep != '.') return false;
  const size_t lb = digit_run(date, la + 1, 2, b);
  if (lb == 0 || la + 1 + lb >= date.size() || date[la + 1 + lb] != sep) return false;
  const size_t lc = digit_run(date, la + lb + 2, 4, c);
  if (lc == 0 || la + lb + 2 + lc != date.size()) return false;
  if (la == 4) return lc <= 2 && b >= 1 && b <= 12 && c >= 1 && c <= 31;  // year first
  if (la > 2 || (lc != 2 && lc != 4)) return false;
  return a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12);
}

bool looks_like_integer(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  constexpr size_t max_digits = 18;
  return !s.empty() && s.size() <= max_digits && std::all_of(s.begin(), s.end(), is_digit);
}

/// 12, -3.5, £1,250.00, $7, €0.99
bool looks_like_decimal(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  for (std::string_view currency : {"\xC2\xA3", "$", "\xE2\x82\xAC"})
    if (s.starts_with(currency)) { s.remove_prefix(currency.size()); break; }
  bool digits = false, point = false;
  for (char c : s) {
    if (is_digit(c)) digits = true;
    else if (c == '.' && !point) point = true;
    else if (c != ',' || point) return false;
  }
  return digits;
}

/// 07700 900123, +44 7700 900123, (020) 7946-0000, 443330509960
bool looks_like_phone(std::string_view s) noexcept {
  size_t digits = 0;
  for (char c : s) {
    if (is_digit(c)) ++digits;
    else if (c != ' ' && c != '+' && c != '(' && c != ')' && c != '-' && c != '.') return false;
  }
  constexpr size_t min_digits = 9, max_digits = 15;
  if (digits < min_digits || digits > max_digits) return false;
  const size_t first = s.find_first_not_of(" (");
  return s[first] == '+' || s[first] == '0' || s.substr(first).starts_with("44");
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == to_lower(y); });
}

bool looks_like_boolean(std::string_view s, const import_type& type) noexcept {
  for (std::string_view word : {"true", "false", "yes", "no", "y", "n", "1", "0"})
    if (equals_ignoring_case(s, word)) return true;
  auto listed = [s](const std::vector<std::string>& words) {
    return std::any_of(words.begin(), words.end(), [s](const std::string& w) { return equals_ignoring_case(s, w); });
  };
  return listed(type.boolean_true) || listed(type.boolean_false);
}

enum class value_kind : uint8_t { none, email, uuid, date, boolean, integer, decimal, phone, enumeration };

value_kind kind_of(field_type t) noexcept {
  switch (t) {
    case field_type::email: return value_kind::email;
    case field_type::uuid: return value_kind::uuid;
    case field_type::date:
    case field_type::datetime: return value_kind::date;
    case field_type::boolean: return value_kind::boolean;
    case field_type::integer: return value_kind::integer;
    case field_type::decimal:
    case field_type::money: return value_kind::decimal;
    case field_type::phone: return value_kind::phone;
    case field_type::enumeration: return value_kind::enumeration;
    case field_type::string:
    case field_type::text:
    case field_type::list: break;
  }
  return value_kind::none;
}

/// The kind of values a field expects, or none when it takes any text.
value_kind kind_of(const field_def& f, const field_profile& p) noexcept {
  const value_kind k = kind_of(f.type);
  return k == value_kind::enumeration && p.normalised_values.empty() ? value_kind::none : k;
}

/// Kinds distinctive enough to suggest a field from values alone.
bool suggests_by_values(value_kind k) noexcept {
  return k != value_kind::none && k != value_kind::integer && k != value_kind::decimal;
}

std::string kind_phrase(value_kind k) {
  switch (k) {
    case value_kind::email: return "values look like e-mail addresses";
    case value_kind::uuid: return "values look like UUIDs";
    case value_kind::date: return "values look like dates";
    case value_kind::boolean: return "values look like yes/no values";
    case value_kind::integer: return "values look like whole numbers";
    case value_kind::decimal: return "values look like numbers";
    case value_kind::phone: return "values look like phone numbers";
    case value_kind::enumeration:
    case value_kind::none: break;
  }
  return {};
}

std::string value_phrase(const field_def& f, value_kind k) {
  return k == value_kind::enumeration ? "values are allowed values of " + in_quotes(f.name) : kind_phrase(k);
}

/// What a column's sample cells look like.
struct column_profile {
  size_t cells = 0;  ///< non-empty sample cells
  size_t email = 0, uuid = 0, date = 0, boolean = 0, integer = 0, decimal = 0, phone = 0;
  std::vector<std::string> normalised;  ///< the cells through normalize_name, for enum values

  [[nodiscard]] double share(size_t count) const noexcept {
    return cells == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(cells);
  }
  [[nodiscard]] double share_of(value_kind k) const noexcept {
    switch (k) {
      case value_kind::email: return share(email);
      case value_kind::uuid: return share(uuid);
      case value_kind::date: return share(date);
      case value_kind::boolean: return share(boolean);
      case value_kind::integer: return share(integer);
      case value_kind::decimal: return share(decimal);
      case value_kind::phone: return share(phone);
      case value_kind::enumeration:
      case value_kind::none: break;
    }
    return 1.0;
  }
  /// A kind that nearly all cells have and that only fields of that kind accept, or none.
  [[nodiscard]] value_kind dominant_kind() const noexcept {
    constexpr size_t min_cells = 2;
    constexpr double dominant_share = 0.8;
    if (cells < min_cells) return value_kind::none;
    for (value_kind k : {value_kind::email, value_kind::uuid, value_kind::date})
      if (share_of(k) >= dominant_share) return k;
    return value_kind::none;
  }
};

column_profile profile_column(std::span<const std::vector<std::string>> samples, size_t column,
                              const import_type& type) {
  column_profile p;
  const size_t rows = std::min(samples.size(), max_sample_rows);
  for (size_t r = 0; r < rows; ++r) {
    if (column >= samples[r].size()) continue;  // a short (ragged) row
    const std::string_view cell = trim_blanks(samples[r][column]);
    if (cell.empty()) continue;
    ++p.cells;
    p.email += looks_like_email(cell);
    p.uuid += looks_like_uuid(cell);
    const bool date = looks_like_date(cell);
    p.date += date;
    p.boolean += looks_like_boolean(cell, type);
    p.integer += looks_like_integer(cell);
    p.decimal += looks_like_decimal(cell);
    p.phone += !date && looks_like_phone(cell);
    p.normalised.push_back(normalize_name(cell));
  }
  return p;
}

double fit(value_kind k, const field_profile& f, const column_profile& p) {
  if (k != value_kind::enumeration) return p.share_of(k);
  size_t allowed = 0;
  for (const auto& cell : p.normalised)
    allowed += std::find(f.normalised_values.begin(), f.normalised_values.end(), cell) != f.normalised_values.end();
  return p.share(allowed);
}

/// Confidence from values alone, lower when several fields expect the same kind of value.
double value_only_base(size_t fields_of_kind) noexcept {
  switch (fields_of_kind) {
    case 1: return 0.8;
    case 2: return 0.6;
    case 3: return 0.5;
    default: return 0.4;
  }
}

double round2(double x) noexcept { return std::round(x * 100.0) / 100.0; }

field_profile make_field_profile(const field_def& f) {
  field_profile p;
  p.forms.push_back(make_form(f.name, form_kind::name));
  if (!f.label.empty()) p.forms.push_back(make_form(f.label, form_kind::label));
  for (const auto& a : f.aliases) p.forms.push_back(make_form(a, form_kind::alias));
  if (f.type == field_type::enumeration)
    for (const auto& v : f.values) p.normalised_values.push_back(normalize_name(v));
  return p;
}

}  // namespace

std::vector<suggestion> suggest_mapping(const header_set& headers, std::span<const std::vector<std::string>> samples,
                                        const import_type& type) {
  const size_t columns = headers.names.size();
  const size_t fields = type.fields.size();
  std::vector<field_profile> profiles;
  std::vector<value_kind> kinds;
  profiles.reserve(fields);
  for (const auto& f : type.fields) {
    profiles.push_back(make_field_profile(f));
    kinds.push_back(kind_of(f, profiles.back()));
  }

  // scores[c * fields + f]: how well column c fits field f.
  std::vector<scored> scores(columns * fields);
  std::vector<double> fits(fields);
  for (size_t c = 0; c < columns; ++c) {
    const name_form header = make_form(headers.names[c], form_kind::name);
    const column_profile values = profile_column(samples, c, type);
    for (size_t f = 0; f < fields; ++f) fits[f] = fit(kinds[f], profiles[f], values);
    const value_kind dominant = values.dominant_kind();
    const double sample_weight = values.cells >= 3 ? 1.0 : 0.75;  // one or two cells prove little
    for (size_t f = 0; f < fields; ++f) {
      const field_def& field = type.fields[f];
      const value_kind kind = kinds[f];
      scored s = name_score(headers.names[c], header, field, profiles[f]);
      constexpr double good_fit = 0.8;
      if (values.cells > 0 && kind != value_kind::none) {
        if (s.score > 0 && fits[f] >= good_fit) {
          s.score = std::min(1.0, s.score + 0.05);
          s.reason += "; " + value_phrase(field, kind);
        } else if (s.score > 0 && dominant != value_kind::none && dominant != kind) {
          s.score *= 0.3;  // the name says one thing, the values clearly another
          s.reason += ", but " + kind_phrase(dominant);
        }
        if (suggests_by_values(kind) && fits[f] >= good_fit) {
          size_t same_kind = 0;
          for (size_t g = 0; g < fields; ++g)
            same_kind += kinds[g] == kind && (kind != value_kind::enumeration || fits[g] >= good_fit);
          const double by_values = value_only_base(same_kind) * fits[f] * sample_weight;
          offer(s, by_values, value_phrase(field, kind));
        }
      }
      scores[c * fields + f] = std::move(s);
    }
  }

  // Greedy assignment, best score first; ties go to the earlier column, then field.
  struct candidate {
    double score;
    size_t column, field;
  };
  std::vector<candidate> candidates;
  for (size_t c = 0; c < columns; ++c)
    for (size_t f = 0; f < fields; ++f)
      if (scores[c * fields + f].score >= suggestion_floor) candidates.push_back({scores[c * fields + f].score, c, f});
  std::sort(candidates.begin(), candidates.end(), [](const candidate& a, const candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.column != b.column) return a.column < b.column;
    return a.field < b.field;
  });
  constexpr size_t none = static_cast<size_t>(-1);
  std::vector<size_t> field_of(columns, none);
  std::vector<bool> field_taken(fields, false);
  std::vector<bool> had_candidate(columns, false);
  for (const candidate& k : candidates) {
    had_candidate[k.column] = true;
    if (field_of[k.column] != none || field_taken[k.field]) continue;
    field_of[k.column] = k.field;
    field_taken[k.field] = true;
  }

  std::vector<suggestion> out(columns);
  std::vector<size_t> order(fields);
  for (size_t c = 0; c < columns; ++c) {
    suggestion& s = out[c];
    s.header = headers.names[c];
    s.column = static_cast<int>(c);
    const scored* row = scores.data() + c * fields;
    if (field_of[c] != none) {
      s.field = type.fields[field_of[c]].name;
      s.confidence = round2(row[field_of[c]].score);
      s.reason = row[field_of[c]].reason;
    } else {
      s.reason = had_candidate[c] ? "the fields it matches are mapped to other columns" : "no field matches";
    }
    for (size_t f = 0; f < fields; ++f) order[f] = f;
    std::stable_sort(order.begin(), order.end(), [row](size_t a, size_t b) { return row[a].score > row[b].score; });
    for (size_t f : order) {
      if (s.alternatives.size() == max_alternatives || row[f].score < alternative_floor) break;
      if (f != field_of[c]) s.alternatives.emplace_back(type.fields[f].name, round2(row[f].score));
    }
  }
  return out;
}

mapping_spec mapping_from_suggestions(std::span<const suggestion> s, double min_confidence) {
  mapping_spec m;
  constexpr double tolerance = 1e-9;  // confidences are rounded to 2 decimals
  for (const auto& one : s)
    if (!one.field.empty() && one.confidence + tolerance >= min_confidence) m.columns.emplace_back(one.field, one.header);
  return m;
}

std::string suggestions_json(const import_type& type, const header_set& headers, std::span<const suggestion> s,
                             double min_confidence) {
  json_writer w;
  w.begin_object();
  w.key("type");
  w.value(type.name);
  w.key("headers");
  w.begin_array();
  for (const auto& h : headers.names) w.value(h);
  w.end_array();
  w.key("suggestions");
  w.begin_array();
  for (const auto& one : s) {
    w.begin_object();
    w.key("header");
    w.value(one.header);
    w.key("column");
    w.value(one.column);
    w.key("field");
    if (one.field.empty()) w.null();
    else w.value(one.field);
    w.key("confidence");
    w.value_fixed(one.confidence, 2);
    w.key("reason");
    w.value(one.reason);
    w.key("alternatives");
    w.begin_array();
    for (const auto& [field, confidence] : one.alternatives) {
      w.begin_object();
      w.key("field");
      w.value(field);
      w.key("confidence");
      w.value_fixed(confidence, 2);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("mapping");
  w.raw(mapping_json(mapping_from_suggestions(s, min_confidence)));
  w.end_object();
  return w.take();
}

}  // namespace preflight
