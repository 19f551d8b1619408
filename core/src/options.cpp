// options.cpp — a host's options JSON → session_options (see options.h).
//
// Runs once per session, so it favours plain code over speed. simdjson On-Demand (error
// codes only, as the core is built with -fno-exceptions) reads the object key by key;
// "mapping" and "constants" are handed, as their raw JSON text, to parse_mapping_json so
// the map endpoint's format has exactly one reader.
#include "preflight/options.h"

#include <cstdint>
#include <string>
#include <vector>

#include "preflight/decode.h"
#include "preflight/json.h"
#include "preflight/mapping.h"
#include "simdjson.h"

namespace preflight {

namespace {

namespace ondemand = simdjson::ondemand;

constexpr std::string_view expected_keys =
    "mode, laravel, today, encoding, delimiter, hasHeader, mapping, constants, batches, batchRows, "
    "batchBytes, errorCsv, fileName, limits, sniffBytes, sampleRows, autoMapConfidence";
constexpr std::string_view expected_limit_keys = "maxFieldBytes, maxRowBytes, maxColumns, maxKeys";

std::string json_quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

/// "a string", "an object", … — what a value was, for "must be X (got Y)" messages.
const char* json_type_phrase(ondemand::json_type t) noexcept {
  switch (t) {
    case ondemand::json_type::array: return "an array";
    case ondemand::json_type::object: return "an object";
    case ondemand::json_type::number: return "a number";
    case ondemand::json_type::string: return "a string";
    case ondemand::json_type::boolean: return "a boolean";
    case ondemand::json_type::null: return "null";
  }
  return "an unknown value";
}

/// The CLI's --delimiter spellings: one character (not a quote or a line break), or a name.
bool parse_delimiter_text(std::string_view text, char& out) noexcept {
  if (text == "tab" || text == "\\t" || text == "\t") out = '\t';
  else if (text == "comma") out = ',';
  else if (text == "semicolon") out = ';';
  else if (text == "pipe") out = '|';
  else if (text.size() == 1 && text[0] != '"' && text[0] != '\r' && text[0] != '\n' &&
           static_cast<unsigned char>(text[0]) < 0x80)
    out = text[0];
  else return false;
  return true;
}

class options_reader {
 public:
  explicit options_reader(std::string_view text) : text_(text) {}

  result<session_options> read() {
    const simdjson::padded_string padded(text_);
    base_ = padded.data();
    ondemand::parser parser;
    if (auto e = parser.iterate(padded).get(doc_)) {
      if (e == simdjson::EMPTY) return fail("the options are empty (expected a JSON object such as {\"mode\": \"store\"})");
      return json_error(e, false);
    }
    ondemand::json_type top{};
    if (auto e = doc_.type().get(top)) return json_error(e);
    if (top != ondemand::json_type::object) return fail(std::string("the options must be a JSON object (got ") + json_type_phrase(top) + ")");
    ondemand::object object;
    if (auto e = doc_.get_object().get(object)) return json_error(e);
    const status st = for_each_key(object, "", [&](const std::string& key, const std::string&, ondemand::value v) -> status {
      return read_option(key, v);
    });
    if (!st.ok()) return st;
    if (!doc_.at_end()) return json_error(simdjson::TRAILING_CONTENT);
    return std::move(opt_);
  }

 private:
  /// Calls `each(key, path, value)` for every key of `object` in order, where path is
  /// `prefix` + the quoted key (how messages name it); stops at the first failure. A key
  /// given twice is an error: JSON leaves it undefined, and a host that sends it has a bug.
  template <class Each>
  status for_each_key(ondemand::object& object, const std::string& prefix, Each&& each) {
    std::vector<std::string> seen;
    for (auto field_result : object) {
      ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return json_error(e);
      std::string_view raw_key;
      if (auto e = field.unescaped_key(false).get(raw_key)) return json_error(e);
      std::string key(raw_key);
      const std::string path = prefix + json_quoted(key);
      for (const std::string& k : seen)
        if (k == key) return fail("key " + path + " is given twice");
      seen.push_back(key);
      if (status s = each(key, path, field.value()); !s.ok()) return s;
    }
    return status::success();
  }

  // ── one key ──

  status read_option(const std::string& key, ondemand::value v) {
    ondemand::json_type t{};
    if (auto e = v.type().get(t)) return json_error(e);
    // null means "not given": a JS host may send every key of a form.
    if (t == ondemand::json_type::null) {
      if (auto e = v.is_null().error()) return json_error(e);
      return status::success();
    }
    const std::string name = json_quoted(key);
    if (key == "mode") return read_mode(name, v, t);
    if (key == "laravel") return read_laravel(name, v, t);
    if (key == "today") return read_string(name, v, t, opt_.today);
    if (key == "encoding") return read_encoding(name, v, t);
    if (key == "delimiter") return read_delimiter(name, v, t);
    if (key == "hasHeader") {
      bool b = false;
      if (status s = read_bool(name, v, t, b); !s.ok()) return s;
      opt_.dialect.has_header = b;
      return status::success();
    }
    if (key == "mapping") return read_mapping(name, v, t);
    if (key == "constants") return read_constants(name, v, t);
    if (key == "batches") return read_bool(name, v, t, opt_.batches);
    if (key == "batchRows") return read_count32(name, v, t, opt_.batch.max_rows);
    if (key == "batchBytes") return read_count(name, v, t, opt_.batch.max_bytes);
    if (key == "errorCsv") return read_bool(name, v, t, opt_.report.error_csv);
    if (key == "fileName") {
      if (status s = read_string(name, v, t, opt_.file_name); !s.ok()) return s;
      if (opt_.file_name.empty()) return fail(name + " must not be empty");
      return status::success();
    }
    if (key == "limits") return read_limits(name, v, t);
    if (key == "sniffBytes") return read_count32(name, v, t, opt_.sniff_bytes);
    if (key == "sampleRows") return read_count32(name, v, t, opt_.sample_rows);
    if (key == "autoMapConfidence") return read_confidence(name, v, t);
    return fail("unknown key " + name + " (expected " + std::string(expected_keys) + ")");
  }

  status read_mode(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    std::string text;
    if (status s = read_string(name, v, t, text); !s.ok()) return s;
    auto m = parse_mode(text);
    if (!m) {
      return status::fail(errc::unknown_mode, "options: " + name + " is " + json_quoted(text) +
                                                  " (expected \"validate\", \"store\" or \"update\")");
    }
    opt_.mode = *m;
    return status::success();
  }

  status read_laravel(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    std::string text;
    if (t == ondemand::json_type::number) {
      uint64_t n = 0;
      if (v.get_uint64().get(n) == simdjson::SUCCESS && (n == 9 || n == 10)) text = n == 9 ? "9" : "10";
    } else if (t == ondemand::json_type::string) {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return json_error(e);
      text.assign(s);
    }
    if (text == "9") opt_.wording = laravel_version::v9;
    else if (text == "10") opt_.wording = laravel_version::v10;
    else return fail(name + " must be \"9\" or \"10\"");
    return status::success();
  }

  status read_encoding(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    std::string text;
    if (status s = read_string(name, v, t, text); !s.ok()) return s;
    auto enc = parse_encoding_name(text);
    if (!enc) {
      return fail(name + " is " + json_quoted(text) +
                  ", not a known encoding (expected utf-8, utf-16le, utf-16be or windows-1252)");
    }
    opt_.forced_encoding = enc;
    return status::success();
  }

  status read_delimiter(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    std::string text;
    if (status s = read_string(name, v, t, text); !s.ok()) return s;
    char c = ',';
    if (!parse_delimiter_text(text, c)) {
      return fail(name + " is " + json_quoted(text) +
                  " (expected one character, \"tab\", \"comma\", \"semicolon\" or \"pipe\")");
    }
    opt_.dialect.delimiter = c;
    return status::success();
  }

  /// The map endpoint's body, read by parse_mapping_json from its own JSON text.
  status read_mapping(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    if (t != ondemand::json_type::object) return wrong_type(name, "an object such as {\"headers\": [...]}", t);
    std::string_view raw;
    if (auto e = v.raw_json().get(raw)) return json_error(e);
    auto spec = parse_mapping_json(raw, "options.mapping");
    if (!spec.ok()) return spec.error();
    opt_.mapping = std::move(spec).value();
    return status::success();
  }

  /// Constants follow the map endpoint's "constants" rules, so they go through the same
  /// reader: {"constants": <the value>}.
  status read_constants(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    if (t != ondemand::json_type::object) return wrong_type(name, "an object of field: value", t);
    std::string_view raw;
    if (auto e = v.raw_json().get(raw)) return json_error(e);
    std::string wrapped = "{\"constants\":";
    wrapped.append(raw);
    wrapped.push_back('}');
    auto spec = parse_mapping_json(wrapped, "options");
    if (!spec.ok()) return spec.error();
    for (auto& c : spec.value().constants) opt_.constants.push_back(std::move(c));
    return status::success();
  }

  status read_limits(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    if (t != ondemand::json_type::object) return wrong_type(name, "an object", t);
    ondemand::object object;
    if (auto e = v.get_object().get(object)) return json_error(e);
    return for_each_key(object, name + ".", [&](const std::string& key, const std::string& path, ondemand::value value) -> status {
      ondemand::json_type vt{};
      if (auto e = value.type().get(vt)) return json_error(e);
      if (vt == ondemand::json_type::null) {  // not given
        if (auto e = value.is_null().error()) return json_error(e);
        return status::success();
      }
      if (key == "maxFieldBytes") return read_count32(path, value, vt, opt_.limits.max_field_bytes);
      if (key == "maxRowBytes") return read_count32(path, value, vt, opt_.limits.max_row_bytes);
      if (key == "maxColumns") return read_count32(path, value, vt, opt_.limits.max_columns);
      if (key == "maxKeys") return read_count32(path, value, vt, opt_.max_keys);
      return fail("unknown key " + path + " (expected " + std::string(expected_limit_keys) + ")");
    });
  }

  status read_confidence(const std::string& name, ondemand::value& v, ondemand::json_type t) {
    if (t != ondemand::json_type::number) return wrong_type(name, "a number from 0 to 1", t);
    double d = 0;
    if (auto e = v.get_double().get(d)) return json_error(e);
    if (!(d >= 0 && d <= 1)) return fail(name + " must be a number from 0 to 1");
    opt_.auto_map_confidence = d;
    return status::success();
  }

  // ── typed values ──

  status read_string(const std::string& name, ondemand::value& v, ondemand::json_type t, std::string& out) {
    if (t != ondemand::json_type::string) return wrong_type(name, "a string", t);
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_error(e);
    out.assign(s);
    return status::success();
  }

  status read_bool(const std::string& name, ondemand::value& v, ondemand::json_type t, bool& out) {
    if (t != ondemand::json_type::boolean) return wrong_type(name, "true or false", t);
    if (auto e = v.get_bool().get(out)) return json_error(e);
    return status::success();
  }

  /// A positive integer (1 to 2^53, what a JS number holds exactly).
  status read_count(const std::string& name, ondemand::value& v, ondemand::json_type t, uint64_t& out) {
    constexpr uint64_t max_exact = uint64_t{1} << 53;
    if (t != ondemand::json_type::number) return wrong_type(name, "a positive integer", t);
    uint64_t n = 0;
    if (v.get_uint64().get(n) != simdjson::SUCCESS || n == 0 || n > max_exact)
      return fail(name + " must be a positive integer, not " + token_text(v));
    out = n;
    return status::success();
  }

  status read_count32(const std::string& name, ondemand::value& v, ondemand::json_type t, uint32_t& out) {
    uint64_t n = 0;
    if (status s = read_count(name, v, t, n); !s.ok()) return s;
    if (n > UINT32_MAX) return fail(name + " must be at most 4294967295, not " + token_text(v));
    out = static_cast<uint32_t>(n);
    return status::success();
  }

  // ── errors ──

  /// A number as written, for messages ("1.5", "-3").
  static std::string token_text(ondemand::value& v) {
    std::string_view token = v.raw_json_token();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' || token.back() == '\r'))
      token.remove_suffix(1);
    if (token.size() > 40) return std::string(token.substr(0, 40)) + "…";
    return std::string(token);
  }

  static status fail(const std::string& message) {
    return status::fail(errc::invalid_argument, "options: " + message);
  }

  static status wrong_type(const std::string& name, std::string_view expected, ondemand::json_type got) {
    return fail(name + " must be " + std::string(expected) + " (got " + json_type_phrase(got) + ")");
  }

  /// "invalid JSON at line 2, column 5: <simdjson's reason>".
  status json_error(simdjson::error_code e, bool has_position = true) {
    std::string m = "invalid JSON";
    const char* where = nullptr;
    // An unbalanced document is noticed up front, before any position means anything.
    has_position = has_position && e != simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
    if (has_position && !doc_.current_location().get(where) && where >= base_ && where <= base_ + text_.size()) {
      const auto offset = static_cast<size_t>(where - base_);
      size_t line = 1, line_start = 0;
      for (size_t i = 0; i < offset; ++i)
        if (text_[i] == '\n') {
          ++line;
          line_start = i + 1;
        }
      m += " at line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
    }
    m += ": ";
    m += simdjson::error_message(e);
    return fail(m);
  }

  std::string_view text_;
  const char* base_ = nullptr;
  ondemand::document doc_;
  session_options opt_;
};

}  // namespace

result<session_options> parse_session_options(std::string_view json) {
  return options_reader(json).read();
}

}  // namespace preflight
