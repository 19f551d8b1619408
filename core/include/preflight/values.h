// values.h — leaf parsers for cell values, in the from_chars style: a view in, a small
// result out, no allocation, no exceptions. The rule checks (rules.h) are built on these.
// Each follows the PHP/Laravel behaviour the server applies, noted per function.
#pragma once

#include <cstdint>
#include <string_view>

namespace preflight {

/// A calendar date (proleptic Gregorian), optionally with a time of day.
struct date_value {
  int32_t year = 0;
  uint8_t month = 0, day = 0;
  uint8_t hour = 0, minute = 0, second = 0;
  bool has_time = false;
  /// Seconds since 1970-01-01T00:00:00, for before/after comparisons.
  [[nodiscard]] int64_t epoch_seconds() const noexcept;
  friend bool operator==(const date_value&, const date_value&) = default;
};

enum class date_error : uint8_t {
  ok = 0,
  empty,
  bad_syntax,        ///< not DD/MM/YYYY, YYYY-MM-DD (optionally with HH:MM[:SS])
  impossible_date,   ///< 31/02/2024, month 13, …
  excel_serial,      ///< a bare number such as 45123: an Excel date serial (bad_syntax too)
  two_digit_year,    ///< 01/02/24: refused rather than guessed
};

/// The import guides' dates: DD/MM/YYYY (1–2 digit day and month, `/`, `-` or `.`
/// separators) and ISO YYYY-MM-DD, each optionally followed by ` HH:MM` or ` HH:MM:SS`
/// (or `T` before the time). Leading/trailing spaces are ignored. Impossible dates fail.
date_error parse_date(std::string_view s, date_value& out) noexcept;

/// PHP DateTime::createFromFormat semantics for the format characters d j m n Y y H G h g
/// i s A a D l M F and literal characters, with the `date_format` rule's strictness
/// (the whole value must match; the date must exist).
bool parse_date_format(std::string_view s, std::string_view php_format, date_value& out) noexcept;

/// Laravel `uuid`: 8-4-4-4-12 hexadecimal digits, either case.
bool is_uuid(std::string_view s) noexcept;

/// Laravel `email` (default RFCValidation, approximated): one @, a non-empty local part of
/// atext characters and dots (no leading/trailing/double dot) or a quoted string, a domain
/// of dot-separated labels (letters, digits, hyphens, no leading/trailing hyphen) or an IP
/// literal in brackets; UTF-8 letters are allowed (RFC 6531). No spaces.
bool is_email(std::string_view s) noexcept;

/// Laravel `integer` = PHP filter_var(FILTER_VALIDATE_INT): optional surrounding
/// whitespace, optional sign, no leading zeros ("0" alone is fine), fits in int64.
bool parse_integer(std::string_view s, int64_t& out) noexcept;

/// Laravel `numeric` = PHP is_numeric: optional leading and trailing whitespace, optional
/// sign, digits with an optional fraction and exponent (".5", "5.", "1e3"); no hex, no
/// thousands separators. Parsed with fast_float.
bool parse_numeric(std::string_view s, double& out) noexcept;

/// Number of Unicode code points (mb_strlen), for max/min/between on strings.
size_t utf8_length(std::string_view s) noexcept;

/// Excel damage detectors (for warnings and hints, not rules).
bool looks_like_scientific_notation(std::string_view s) noexcept;  ///< 4.47912E+11
bool looks_like_excel_serial_date(std::string_view s) noexcept;    ///< 45123

}  // namespace preflight
