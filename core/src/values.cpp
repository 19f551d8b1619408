// values.cpp — leaf parsers for cell values (see values.h for the contract of each).
//
// Every function here is a straight scan over the bytes of a string_view: no allocation,
// no locale, no exceptions. Where PHP and a convenient library disagree (fast_float
// accepts "inf" and rejects a leading '+', PHP the opposite), the syntax is checked here
// first and the library only converts text already known to be valid.
#include "preflight/values.h"

#include <fast_float/fast_float.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <limits>
#include <system_error>

// x86-64 always has SSE2, and WebAssembly built with -msimd128 has SIMD128; elsewhere the
// portable SWAR code below is used, and PREFLIGHT_NO_SIMD forces it (so it can be tested).
#if defined(__SSE2__) && !defined(PREFLIGHT_NO_SIMD)
#define PREFLIGHT_SSE2 1
#include <emmintrin.h>
#elif defined(__wasm_simd128__) && !defined(PREFLIGHT_NO_SIMD)
#define PREFLIGHT_WASM_SIMD 1
#include <wasm_simd128.h>
#endif

namespace preflight {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Unaligned loads, for the word-at-a-time code: the first byte is the lowest.
static_assert(std::endian::native == std::endian::little, "the SWAR code reads the first byte lowest");

inline uint64_t load8(const char* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline uint64_t load4(const char* p) noexcept {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// PHP's is_numeric whitespace: " \t\n\r\v\f".
constexpr bool is_php_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
// filter_var's trim set (php_filter_int): space, \t, \r, \v, \0, \n — no \f.
constexpr bool is_filter_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\0';
}

template <class Pred>
constexpr std::string_view trim_if(std::string_view s, Pred pred) noexcept {
  size_t b = 0, e = s.size();
  while (b < e && pred(s[b])) ++b;
  while (e > b && pred(s[e - 1])) --e;
  return s.substr(b, e - b);
}

constexpr bool is_leap(int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// At namespace scope: a table local to the function is rebuilt on the stack per call.
constexpr std::array<int, 12> month_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

constexpr int days_in_month(int64_t y, int m) noexcept {
  return (m == 2 && is_leap(y)) ? 29 : month_days[static_cast<size_t>(m - 1)];
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
constexpr int64_t days_from_civil(int64_t y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// 0 = Sunday … 6 = Saturday (PHP's "w").
constexpr int weekday(int64_t y, int m, int d) noexcept {
  const int64_t days = days_from_civil(y, m, d);  // 1970-01-01 was a Thursday (4)
  return static_cast<int>(((days % 7) + 7 + 4) % 7);
}

// Reads 1..max_digits digits at s[i]; returns the count read (0 = none).
size_t read_digits(std::string_view s, size_t i, size_t max_digits, int& value) noexcept {
  size_t n = 0;
  value = 0;
  while (i + n < s.size() && n < max_digits && is_digit(s[i + n])) {
    value = value * 10 + (s[i + n] - '0');
    ++n;
  }
  return n;
}

// " HH:MM[:SS]" or "THH:MM[:SS]" at s[i..]; the whole rest must be the time.
date_error parse_time_suffix(std::string_view s, size_t i, date_value& out) noexcept {
  if (i == s.size()) return date_error::ok;
  if (s[i] != ' ' && s[i] != 'T') return date_error::bad_syntax;
  ++i;
  while (s[i - 1] == ' ' && i < s.size() && s[i] == ' ') ++i;  // "01/02/2024  10:00"
  int h = 0, m = 0, sec = 0;
  const size_t hn = read_digits(s, i, 2, h);
  if (hn == 0) return date_error::bad_syntax;
  i += hn;
  if (i >= s.size() || s[i] != ':') return date_error::bad_syntax;
  if (read_digits(s, ++i, 2, m) != 2) return date_error::bad_syntax;
  i += 2;
  if (i < s.size()) {
    if (s[i] != ':' || read_digits(s, ++i, 2, sec) != 2) return date_error::bad_syntax;
    i += 2;
  }
  if (i != s.size()) return date_error::bad_syntax;
  if (h > 23 || m > 59 || sec > 59) return date_error::impossible_date;
  out.hour = static_cast<uint8_t>(h);
  out.minute = static_cast<uint8_t>(m);
  out.second = static_cast<uint8_t>(sec);
  out.has_time = true;
  return date_error::ok;
}

inline date_error check_calendar(int year, int month, int day) noexcept {
  // PHP's checkdate() accepts years 1..32767; four digits give at most 9999.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return date_error::impossible_date;
  }
  return date_error::ok;
}

constexpr std::array<std::string_view, 7> day_names{"Sunday", "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names{"January", "February", "March",     "April",
                                                       "May",     "June",     "July",      "August",
                                                       "September", "October", "November", "December"};

// Matches one of `names` (full or its 3-letter abbreviation) at s[i]; returns its index or -1.
int match_name(std::string_view s, size_t i, bool abbreviated, const std::string_view* names, size_t count,
               size_t& consumed) noexcept {
  for (size_t k = 0; k < count; ++k) {
    const std::string_view name = abbreviated ? names[k].substr(0, 3) : names[k];
    if (s.substr(i, name.size()) == name) {
      consumed = name.size();
      return static_cast<int>(k);
    }
  }
  return -1;
}

// A fixed-width field ("d", "m", "H", "i", "s", "y"): exactly `width` digits.
bool read_fixed(std::string_view s, size_t& i, size_t width, int& value) noexcept {
  if (read_digits(s, i, width, value) != width) return false;
  i += width;
  return true;
}

// An unpadded field ("j", "n", "G", "g"): 1–2 digits, no leading zero unless the value is 0.
bool read_unpadded(std::string_view s, size_t& i, int& value) noexcept {
  const size_t n = read_digits(s, i, 2, value);
  if (n == 0 || (n == 2 && s[i] == '0')) return false;
  i += n;
  return true;
}

}  // namespace

namespace {

// The same count in fewer and shorter steps, for every year a date_value holds: Neri and
// Schneider's form ("Euclidean affine functions and their application to calendar
// algorithms", 2022; libstdc++'s chrono uses it). Years run from March, so the leap day
// ends a year, and are shifted by a multiple of 400 years that makes every int32 year
// positive: no quotient needs a sign fix-up, and no 64-bit product can overflow. What
// depends on the month alone is a table. Months outside 1-12 (out of contract) go to
// days_from_civil, which keeps its answers for them.
constexpr int64_t civil_year_shift = 5'368'710ll * 400;  // 2,147,484,000 > 2^31

// year / 100 as one multiply and shift: the multiplier is 2^37 / 100 rounded up, i.e.
// (2^37 + 28) / 100, so the product overshoots year / 100 by year * 28 / (100 * 2^37),
// under 1/100 (and the quotient exact) while year < 2^37 / 28, about 4.9e9. Shifted
// years stay under 4.3e9.
constexpr uint64_t centuries_of(uint64_t year) noexcept { return (year * 1'374'389'535ull) >> 37; }

// Days from the shifted origin to the start of the March-based `year`.
constexpr int64_t days_before_shifted_year(uint64_t year) noexcept {
  const uint64_t centuries = centuries_of(year);
  return static_cast<int64_t>(1461 * year / 4 - centuries + centuries / 4);
}

// What depends on the month alone, indexed by month 1-12: the year offset (the shift, less
// one for January and February, which count in the March-based year before) and the day
// offset (days from the March-based year's start to the month's day 0, less the epoch's
// count). Two arrays side by side, so one base address and the month times 8 reach both.
struct civil_month_table {
  std::array<int64_t, 13> year_offset{};
  std::array<int64_t, 13> day_offset{};
};

constexpr civil_month_table civil_months = [] {
  constexpr int64_t month_start_from_march[13] = {0, 306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275};
  // 1970-01-01 is day 306 of the March-based year 1969.
  constexpr int64_t epoch = days_before_shifted_year(1969 + civil_year_shift) + 306;
  civil_month_table t;
  for (size_t m = 1; m <= 12; ++m) {
    t.year_offset[m] = civil_year_shift - (m < 3 ? 1 : 0);
    t.day_offset[m] = month_start_from_march[m] - 1 - epoch;
  }
  return t;
}();

// Month 1-12, any year and day a date_value holds.
constexpr int64_t days_from_civil_fast(int32_t y, unsigned m, unsigned d) noexcept {
  const uint64_t year = static_cast<uint64_t>(y + civil_months.year_offset[m]);
  return days_before_shifted_year(year) + civil_months.day_offset[m] + d;
}

static_assert(days_from_civil_fast(1970, 1, 1) == 0 && days_from_civil_fast(2000, 3, 1) == 11017);
static_assert(days_from_civil_fast(std::numeric_limits<int32_t>::min(), 1, 1) ==
              days_from_civil(std::numeric_limits<int32_t>::min(), 1, 1));
static_assert(days_from_civil_fast(std::numeric_limits<int32_t>::max(), 12, 31) ==
              days_from_civil(std::numeric_limits<int32_t>::max(), 12, 31));

}  // namespace

int64_t date_value::epoch_seconds() const noexcept {
  const int64_t days =
      month - 1u < 12u ? days_from_civil_fast(year, month, day) : days_from_civil(year, month, day);
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

namespace {

// Nonzero when a byte of x is not 0..9 (x: ASCII digits with '0' taken off by xor, so a
// non-digit is above 9), and then its lowest high bit is in the lowest such byte: adding
// 0x76 sets the high bit of a byte over 9 and leaves 0..9 under it. Only a byte of 0x8A
// or more carries into the next, and it has its own high bit already, so the carry can
// blur the bytes above the first non-digit but never hide it.
constexpr uint64_t non_digit_values(uint64_t x) noexcept {
  return ((x + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
}

// 16-bit lanes of two digits each, from eight digit values (0..9 each, the first one in
// the lowest byte): each lane's first digit times ten plus its second, with no carry
// between lanes (fast_float's parse_eight_digits_unrolled, first step).
constexpr uint64_t two_digit_lanes(uint64_t digits) noexcept {
  return ((digits * (10 * 256 + 1)) >> 8) & 0x00FF00FF00FF00FFull;
}

// The number eight digit values spell: three multiplies instead of eight dependent steps
// (the rest of parse_eight_digits_unrolled; its first mask is not needed, the values are
// already bare).
constexpr uint32_t eight_digits_value(uint64_t digits) noexcept {
  const uint64_t fours = (two_digit_lanes(digits) * (100 * 65536 + 1)) >> 16;  // 32-bit lanes of four digits
  return static_cast<uint32_t>(((fours & 0x0000FFFF0000FFFFull) * (10000 * (uint64_t{1} << 32) + 1)) >> 32);
}

// The length of each month in a common year, for every two-digit month: 0 for the months
// that do not exist, so one lookup also rejects them.
constexpr std::array<uint8_t, 100> common_month_days{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// The two shapes nearly every date cell has, "DD/MM/YYYY" (or with '-' / '.') and
// "YYYY-MM-DD", read straight from their fixed positions. Returns false for anything else
// (including a shape match with a non-digit in it), and the general parser then decides;
// when it returns true, the general parser would have given the same answer.
//
// Either shape's eight digits are first gathered into one word as "DDMMYYYY" (two loads
// cover the ten bytes, shifts and masks move the fields), so one test finds a non-digit
// anywhere and two multiplies read all three numbers.
bool parse_fixed_date(std::string_view s, date_value& out, date_error& result) noexcept {
  if (s.size() != 10) return false;
  const char* p = s.data();
  const uint64_t head = load8(p), tail = load8(p + 2);  // bytes 0..7 and 2..9
  uint64_t ddmmyyyy;
  const char sep = p[2];
  if (sep == p[5] && static_cast<unsigned char>(sep - '-') <= '/' - '-') {  // '-', '.' or '/'
    // DD?MM?YYYY: DD is head bytes 0-1, MM head bytes 3-4, YYYY tail bytes 4-7.
    ddmmyyyy = (head & 0xFFFF) | ((head >> 8) & 0xFFFF0000) | (tail & 0xFFFFFFFF00000000ull);
  } else if (p[4] == '-' && p[7] == '-') {
    // YYYY-MM-DD: YYYY is head bytes 0-3, MM head bytes 5-6, DD tail bytes 6-7.
    ddmmyyyy = (tail >> 48) | ((head >> 24) & 0xFFFF0000) | (head << 32);
  } else {
    return false;
  }
  const uint64_t digits = ddmmyyyy ^ 0x3030303030303030ull;  // each byte 0..9 if a digit
  if (non_digit_values(digits) != 0) return false;
  // 16-bit lanes DD, MM, CC, YY; then CC * 100 + YY, which eight_digits_value's second
  // step leaves in the top lane.
  const uint64_t pairs = two_digit_lanes(digits);
  const int year = static_cast<int>((pairs * (100 * 65536 + 1)) >> 48);
  const unsigned day = pairs & 0xFF, month = (pairs >> 16) & 0xFF;
  out = date_value{};
  out.year = year;
  out.month = static_cast<uint8_t>(month);
  out.day = static_cast<uint8_t>(day);
  // check_calendar's answer: year 0 and days past the month's end are impossible. Only
  // February 29 needs the leap-year rule, and only after the common year has refused it.
  constexpr uint64_t february_29 = (uint64_t{2} << 16) | 29;
  const bool exists = year != 0 && (day - 1 < common_month_days[month] ||
                                    ((pairs & 0xFF00FF) == february_29 && is_leap(year)));
  result = exists ? date_error::ok : date_error::impossible_date;
  return true;
}

// Every shape parse_fixed_date leaves open. Kept out of line: the common shapes then take
// no stack frame and save no registers.
[[gnu::noinline]] date_error parse_date_general(std::string_view s, date_value& out) noexcept;

}  // namespace

date_error parse_date(std::string_view s, date_value& out) noexcept {
  if (date_error fixed = date_error::ok; parse_fixed_date(s, out, fixed)) return fixed;
  return parse_date_general(s, out);
}

namespace {

date_error parse_date_general(std::string_view s, date_value& out) noexcept {
  s = trim_if(s, [](char c) { return c == ' ' || c == '\t'; });
  if (s.empty()) return date_error::empty;
  out = date_value{};

  // A bare integer: in a date column that is almost always Excel's serial day number.
  size_t lead = 0;
  while (lead < s.size() && is_digit(s[lead])) ++lead;
  if (lead == s.size()) {
    if (lead > 7) return date_error::bad_syntax;
    int serial = 0;
    read_digits(s, 0, 7, serial);
    return (serial >= 1 && serial <= 2958465) ? date_error::excel_serial : date_error::bad_syntax;
  }

  int a = 0, b = 0, c = 0;
  size_t i = 0;
  if (lead == 4) {  // ISO: YYYY-MM-DD (month and day may drop the leading zero)
    read_digits(s, 0, 4, a);
    i = 4;
    if (s[i] != '-') return date_error::bad_syntax;
    const size_t mn = read_digits(s, ++i, 2, b);
    if (mn == 0) return date_error::bad_syntax;
    i += mn;
    if (i >= s.size() || s[i] != '-') return date_error::bad_syntax;
    const size_t dn = read_digits(s, ++i, 2, c);
    if (dn == 0) return date_error::bad_syntax;
    i += dn;
    if (i < s.size() && is_digit(s[i])) return date_error::bad_syntax;
    out.year = a;
    out.month = static_cast<uint8_t>(b);
    out.day = static_cast<uint8_t>(c);
  } else if (lead == 1 || lead == 2) {  // DD/MM/YYYY with one separator kind throughout
    read_digits(s, 0, 2, a);
    i = lead;
    const char sep = s[i];
    if (sep != '/' && sep != '-' && sep != '.') return date_error::bad_syntax;
    const size_t mn = read_digits(s, ++i, 2, b);
    if (mn == 0) return date_error::bad_syntax;
    i += mn;
    if (i >= s.size() || s[i] != sep) return date_error::bad_syntax;
    const size_t yn = read_digits(s, ++i, 4, c);
    i += yn;
    if (i < s.size() && is_digit(s[i])) return date_error::bad_syntax;
    if (yn == 2) {
      // Validate the rest so "01/02/24 garbage" is a syntax error, not a year question.
      date_value ignored;
      if (parse_time_suffix(s, i, ignored) == date_error::bad_syntax) return date_error::bad_syntax;
      return date_error::two_digit_year;
    }
    if (yn != 4) return date_error::bad_syntax;
    out.year = c;
    out.month = static_cast<uint8_t>(b);
    out.day = static_cast<uint8_t>(a);
  } else {
    return date_error::bad_syntax;
  }

  const date_error time = parse_time_suffix(s, i, out);
  if (time != date_error::ok) return time;
  return check_calendar(out.year, out.month, out.day);
}

}  // namespace

// Laravel's date_format rule is `createFromFormat('!'.$format, $value)` followed by
// `$date->format($format) == $value`. That round trip makes every field canonical: "d"
// needs two digits, "M" needs "Jan" and not "jan", an overflowing date (31/02) reformats
// differently and so fails. We parse the canonical form directly and check the calendar,
// which gives the same answer without formatting anything. Fields missing from the format
// take the '!' reset values (1970-01-01 00:00:00).
bool parse_date_format(std::string_view s, std::string_view php_format, date_value& out) noexcept {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int weekday_seen = -1;  // D / l
  int hour_raw = -1;      // as read, before AM/PM
  bool hour_is_12h = false;
  int meridian = -1;  // 0 = AM, 1 = PM
  bool has_time = false;
  size_t i = 0;

  for (size_t f = 0; f < php_format.size(); ++f) {
    const char fc = php_format[f];
    int v = 0;
    size_t consumed = 0;
    switch (fc) {
      case 'd':
        if (!read_fixed(s, i, 2, v) || v < 1 || v > 31) return false;
        day = v;
        break;
      case 'j':
        if (!read_unpadded(s, i, v) || v < 1 || v > 31) return false;
        day = v;
        break;
      case 'm':
        if (!read_fixed(s, i, 2, v) || v < 1 || v > 12) return false;
        month = v;
        break;
      case 'n':
        if (!read_unpadded(s, i, v) || v < 1 || v > 12) return false;
        month = v;
        break;
      case 'Y':
        if (!read_fixed(s, i, 4, v)) return false;
        year = v;
        break;
      case 'y':  // PHP: 00–69 → 2000–2069, 70–99 → 1970–1999
        if (!read_fixed(s, i, 2, v)) return false;
        year = v < 70 ? 2000 + v : 1900 + v;
        break;
      case 'H':
      case 'G':
        if (!(fc == 'H' ? read_fixed(s, i, 2, v) : read_unpadded(s, i, v)) || v > 23) return false;
        hour_raw = v;
        hour_is_12h = false;
        has_time = true;
        break;
      case 'h':
      case 'g':
        if (!(fc == 'h' ? read_fixed(s, i, 2, v) : read_unpadded(s, i, v)) || v < 1 || v > 12) return false;
        hour_raw = v;
        hour_is_12h = true;
        has_time = true;
        break;
      case 'i':
        if (!read_fixed(s, i, 2, v) || v > 59) return false;
        minute = v;
        has_time = true;
        break;
      case 's':
        if (!read_fixed(s, i, 2, v) || v > 59) return false;
        second = v;
        has_time = true;
        break;
      case 'A':
      case 'a': {
        const std::string_view am = fc == 'A' ? "AM" : "am", pm = fc == 'A' ? "PM" : "pm";
        if (s.substr(i, 2) == am) {
          meridian = 0;
        } else if (s.substr(i, 2) == pm) {
          meridian = 1;
        } else {
          return false;
        }
        i += 2;
        break;
      }
      case 'D':
      case 'l':
        weekday_seen = match_name(s, i, fc == 'D', day_names.data(), day_names.size(), consumed);
        if (weekday_seen < 0) return false;
        i += consumed;
        break;
      case 'M':
      case 'F':
        v = match_name(s, i, fc == 'M', month_names.data(), month_names.size(), consumed);
        if (v < 0) return false;
        month = v + 1;
        i += consumed;
        break;
      case '\\':  // escaped literal
        if (++f == php_format.size()) return false;
        [[fallthrough]];
      default:
        if (i >= s.size() || s[i] != php_format[f]) return false;
        ++i;
        break;
    }
  }
  if (i != s.size()) return false;

  if (hour_raw >= 0) {
    hour = hour_raw;
    if (meridian >= 0) {
      // timelib refuses a meridian after an hour above 12; otherwise 12 AM is 0, 1 PM is 13.
      if (hour > 12) return false;
      if (meridian == 0 && hour == 12) hour = 0;
      if (meridian == 1 && hour != 12) hour += 12;
      // A 24-hour field must still print as read ("02" with PM reformats as "14").
      if (!hour_is_12h && hour != hour_raw) return false;
    }
    // Without a meridian a 12-hour "h" is taken as is: "12" is noon and reformats as "12".
  } else if (meridian >= 0) {
    return false;  // "A meridian can only come after an hour has been found"
  }

  if (check_calendar(year, month, day) != date_error::ok) return false;
  if (weekday_seen >= 0 && weekday_seen != weekday(year, month, day)) return false;

  out = date_value{};
  out.year = year;
  out.month = static_cast<uint8_t>(month);
  out.day = static_cast<uint8_t>(day);
  out.hour = static_cast<uint8_t>(hour);
  out.minute = static_cast<uint8_t>(minute);
  out.second = static_cast<uint8_t>(second);
  out.has_time = has_time;
  return true;
}

namespace {

// SWAR ("SIMD within a register") byte tests, as fast_float does for digits: eight bytes
// at a time, each result byte's high bit set where the test holds. Bytes must be ASCII.
constexpr uint64_t ones = 0x0101010101010101ull;
constexpr uint64_t highs = 0x8080808080808080ull;

constexpr uint64_t bytes_in_range(uint64_t w, uint8_t lo, uint8_t hi) noexcept {
  const uint64_t at_least_lo = w + ones * static_cast<uint64_t>(0x80 - lo);  // high bit: byte >= lo
  const uint64_t above_hi = w + ones * static_cast<uint64_t>(0x7F - hi);     // high bit: byte > hi
  return at_least_lo & ~above_hi & highs;
}

/// High bit set in each byte that is not a hexadecimal digit. A non-ASCII byte may upset
/// its neighbours' results (a carry), but it is reported itself, so any nonzero answer
/// still means "not all hex".
[[maybe_unused]] constexpr uint64_t non_hex(uint64_t w) noexcept {
  const uint64_t digits = bytes_in_range(w, '0', '9');
  const uint64_t letters = bytes_in_range(w | (ones * 0x20), 'a', 'f');
  return (w & highs) | (~(digits | letters) & highs);
}

// ── 16 bytes at a time: SSE2 on x86-64, SIMD128 on WebAssembly, SWAR elsewhere ──────────
// Just what is_uuid and is_email need: byte equality and unsigned ranges, as a lane mask,
// and the lanes' high bits as 16 bits (bit i for byte i).
#if PREFLIGHT_SSE2
using bytes16 = __m128i;
inline bytes16 load16(const char* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline bytes16 from_words(uint64_t lo, uint64_t hi) noexcept {
  return _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo));
}
inline bytes16 either(bytes16 a, bytes16 b) noexcept { return _mm_or_si128(a, b); }
inline bytes16 equal(bytes16 x, char c) noexcept { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); }
// lo <= byte <= hi, unsigned, for ranges under 128 bytes wide: the add moves lo..hi to the
// bottom of the signed bytes (-128 …), and every other byte above them, so one signed
// compare decides.
inline bytes16 in_range(bytes16 x, char lo, char hi) noexcept {
  const __m128i d = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(0x80 - static_cast<unsigned char>(lo))));
  return _mm_cmplt_epi8(d, _mm_set1_epi8(static_cast<char>(-128 + (hi - lo) + 1)));
}
inline bytes16 ascii_lower(bytes16 x) noexcept { return _mm_or_si128(x, _mm_set1_epi8(0x20)); }
inline unsigned lane_bits(bytes16 m) noexcept { return static_cast<unsigned>(_mm_movemask_epi8(m)); }
#elif PREFLIGHT_WASM_SIMD
using bytes16 = v128_t;
inline bytes16 load16(const char* p) noexcept { return wasm_v128_load(p); }
inline bytes16 from_words(uint64_t lo, uint64_t hi) noexcept {
  return wasm_i64x2_make(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
}
inline bytes16 either(bytes16 a, bytes16 b) noexcept { return wasm_v128_or(a, b); }
inline bytes16 equal(bytes16 x, char c) noexcept { return wasm_i8x16_eq(x, wasm_i8x16_splat(c)); }
inline bytes16 in_range(bytes16 x, char lo, char hi) noexcept {
  return wasm_u8x16_le(wasm_i8x16_sub(x, wasm_i8x16_splat(lo)), wasm_i8x16_splat(static_cast<int8_t>(hi - lo)));
}
inline bytes16 ascii_lower(bytes16 x) noexcept { return wasm_v128_or(x, wasm_i8x16_splat(0x20)); }
inline unsigned lane_bits(bytes16 m) noexcept { return static_cast<unsigned>(wasm_i8x16_bitmask(m)); }
#else
// Two words, each byte's high bit the lane's answer. The tests run on the low seven bits
// (no carry can cross into the next byte) and a byte with its high bit set is in no
// range: the ranges here are all ASCII.
struct bytes16 {
  uint64_t lo, hi;
};
inline bytes16 load16(const char* p) noexcept { return {load8(p), load8(p + 8)}; }
inline bytes16 from_words(uint64_t lo, uint64_t hi) noexcept { return {lo, hi}; }
inline bytes16 either(bytes16 a, bytes16 b) noexcept { return {a.lo | b.lo, a.hi | b.hi}; }
constexpr uint64_t ascii_in_range(uint64_t w, char lo, char hi) noexcept {
  return bytes_in_range(w & ~highs, static_cast<uint8_t>(lo), static_cast<uint8_t>(hi)) & ~w;
}
inline bytes16 in_range(bytes16 x, char lo, char hi) noexcept {
  return {ascii_in_range(x.lo, lo, hi), ascii_in_range(x.hi, lo, hi)};
}
inline bytes16 equal(bytes16 x, char c) noexcept { return in_range(x, c, c); }
inline bytes16 ascii_lower(bytes16 x) noexcept { return {x.lo | (ones * 0x20), x.hi | (ones * 0x20)}; }
constexpr uint64_t pack_high_bits(uint64_t flags) noexcept {
  return (((flags & highs) >> 7) * 0x0102040810204080ull) >> 56;
}
inline unsigned lane_bits(bytes16 m) noexcept {
  return static_cast<unsigned>(pack_high_bits(m.lo) | pack_high_bits(m.hi) << 8);
}
#endif

}  // namespace

bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  const char* p = s.data();
#if PREFLIGHT_SSE2 || PREFLIGHT_WASM_SIMD
  // Hex digits everywhere but 8 13 18 23, which hold dashes: bytes 0-15, 16-31, and 32-35
  // as the top lanes of bytes 20-35.
  const auto hex = [](bytes16 x) {
    return uint64_t{lane_bits(either(in_range(x, '0', '9'), in_range(ascii_lower(x), 'a', 'f')))};
  };
  const uint64_t lanes = hex(load16(p)) | hex(load16(p + 16)) << 16 | (hex(load16(p + 20)) >> 12) << 32;
  constexpr uint64_t dashes = (uint64_t{1} << 8) | (uint64_t{1} << 13) | (uint64_t{1} << 18) | (uint64_t{1} << 23);
  return ((lanes | dashes) == 0xFFFFFFFFFull) & (p[8] == '-') & (p[13] == '-') & (p[18] == '-') & (p[23] == '-');
#else
  // 8-4-4-4-12 hex digits, packed into four 8-byte words (byte order does not matter),
  // checked together with the dashes: one branch for the whole value.
  const uint64_t bad = non_hex(load8(p)) | non_hex(load4(p + 9) | (load4(p + 14) << 32)) |
                       non_hex(load4(p + 19) | (load4(p + 24) << 32)) | non_hex(load8(p + 28));
  return (bad == 0) & (p[8] == '-') & (p[13] == '-') & (p[18] == '-') & (p[23] == '-');
#endif
}

namespace {

// Byte classes for is_email. atext: RFC 5322 atext plus any byte of a UTF-8 sequence
// (RFC 6531 allows non-ASCII letters). label: what a domain label may hold.
// never_unquoted: a byte that no address can hold outside a quoted local part — not
// atext, not in a label, not in an IP literal ("[192.0.2.1]", "[IPv6:…]").
// plain: letters, digits and @ . - + _ ', the bytes the 16-at-a-time path decides.
constexpr uint8_t atext_class = 1, label_class = 2, never_unquoted_class = 4, plain_class = 8;
constexpr std::array<uint8_t, 256> email_classes = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    if (is_alpha(ch) || is_digit(ch) || c >= 0x80) t[static_cast<size_t>(c)] = atext_class | label_class;
    if (c <= 0x20 || c == 0x7F) t[static_cast<size_t>(c)] = never_unquoted_class;
  }
  for (const char c : std::string_view("!#$%&'*+-/=?^_`{|}~")) t[static_cast<unsigned char>(c)] |= atext_class;
  for (const char c : std::string_view("\"(),;<>\\")) t[static_cast<unsigned char>(c)] |= never_unquoted_class;
  t['-'] |= label_class;
  for (int c = 0; c < 128; ++c) {
    if (is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c))) t[static_cast<size_t>(c)] |= plain_class;
  }
  for (const char c : std::string_view("@.-+_'")) t[static_cast<unsigned char>(c)] |= plain_class;
  return t;
}();

// Quoted string: printable ASCII (space included, as RFC 5322 qcontent + FWS) or UTF-8,
// with \" and \\ pairs. It must be the whole local part.
bool is_valid_quoted_local(std::string_view local) noexcept {
  if (local.size() < 2 || local.front() != '"' || local.back() != '"') return false;
  for (size_t i = 1; i + 1 < local.size(); ++i) {
    const auto c = static_cast<unsigned char>(local[i]);
    if (c == '\\') {
      if (++i + 1 >= local.size()) return false;
      continue;
    }
    if (c == '"' || (c < 0x20) || c == 0x7f) return false;
  }
  return true;
}

bool is_valid_ip_literal(std::string_view body) noexcept {
  // "[192.0.2.1]" or "[IPv6:2001:db8::1]": checked for shape, not for every RFC 4291 form.
  if (body.substr(0, 5) == "IPv6:") {
    body.remove_prefix(5);
    if (body.empty()) return false;
    for (const char c : body) {
      if (!is_hex(c) && c != ':' && c != '.') return false;
    }
    return true;
  }
  int parts = 0;
  size_t i = 0;
  while (i <= body.size()) {
    int v = 0;
    const size_t n = read_digits(body, i, 3, v);
    if (n == 0 || v > 255) return false;
    i += n;
    ++parts;
    if (i == body.size()) break;
    if (body[i] != '.') return false;
    ++i;
  }
  return parts == 4;
}

// The end of the run of bytes of class `cls` starting at i: four table lookups per bound
// check while at least four bytes are left, then one at a time.
inline size_t skip_class(const unsigned char* p, size_t i, size_t n, uint8_t cls) noexcept {
  while (n - i >= 4 && (email_classes[p[i]] & email_classes[p[i + 1]] & email_classes[p[i + 2]] &
                        email_classes[p[i + 3]] & cls) != 0) {
    i += 4;
  }
  while (i < n && (email_classes[p[i]] & cls) != 0) ++i;
  return i;
}

// Dot-separated labels of letters, digits and hyphens (1–63 bytes, no hyphen at either end).
bool is_valid_domain(std::string_view domain) noexcept {
  const size_t n = domain.size();
  if (n == 0 || n > 255) return false;
  if (domain.front() == '[') {
    return domain.back() == ']' && is_valid_ip_literal(domain.substr(1, n - 2));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(domain.data());
  size_t i = 0;
  while (true) {
    const size_t start = i;
    i = skip_class(p, i, n, label_class);
    const size_t len = i - start;
    if (len == 0 || len > 63 || p[start] == '-' || p[i - 1] == '-') return false;
    if (i == n) return true;
    if (p[i] != '.') return false;
    ++i;
  }
}

}  // namespace

namespace {

/// p[0..n) for 3 <= n <= 16 in the low lanes, zeros above, reading no byte past p + n:
/// two overlapping loads per half, the second one shifted into place (the overlap holds
/// the same bytes twice, so OR keeps them).
inline bytes16 load_short(const char* p, size_t n) noexcept {
  uint64_t lo = 0, hi = 0;
  if (n >= 8) {
    lo = load8(p);
    if (n > 8) hi = load8(p + n - 8) >> (8 * (16 - n));
  } else if (n >= 4) {
    lo = load4(p) | load4(p + n - 4) << (8 * (n - 4));
  } else {  // n == 3
    lo = uint64_t{static_cast<unsigned char>(p[0])} | uint64_t{static_cast<unsigned char>(p[1])} << 8 |
         uint64_t{static_cast<unsigned char>(p[2])} << 16;
  }
  return from_words(lo, hi);
}

/// Where an address's common bytes and separators are, one bit per byte (bit i for s[i]).
struct email_masks {
  uint64_t common = 0;     // letters, digits, '@' and '.': nearly every byte of an address
  uint64_t at = 0;
  uint64_t separator = 0;  // '@' or '.'
};

/// Adds a chunk's bytes (at s[shift..]) to the masks.
inline void classify_email_chunk(bytes16 x, size_t shift, email_masks& m) noexcept {
  const bytes16 alnum = either(in_range(x, '0', '9'), in_range(ascii_lower(x), 'a', 'z'));
  const bytes16 at = equal(x, '@'), separator = either(at, equal(x, '.'));
  const auto bits = [shift](bytes16 v) { return uint64_t{lane_bits(v)} << shift; };
  m.common |= bits(either(alnum, separator));
  m.at |= bits(at);
  m.separator |= bits(separator);
}

/// is_email byte by byte, for every address: the reference the masks follow.
[[gnu::noinline]] bool is_email_exact(std::string_view s) noexcept {
  if (s.empty()) return false;
  if (s.front() == '"') {
    const size_t at = s.rfind('@');
    return at != std::string_view::npos && is_valid_quoted_local(s.substr(0, at)) && is_valid_domain(s.substr(at + 1));
  }
  // Dot-atom local part: runs of atext separated by single dots, up to the '@' ('@' is not
  // atext; a second '@' later is not a label character, so the domain check refuses it).
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (true) {
    const size_t start = i;
    i = skip_class(p, i, n, atext_class);
    if (i == start || i == n) return false;  // leading, trailing or double dot; no '@'
    if (p[i] == '@') break;
    if (p[i] != '.') return false;
    ++i;
  }
  return is_valid_domain(s.substr(i + 1));
}

/// The rules of the exact scan, as masks of an address of n bytes. Exactly one '@'; no
/// '@' or '.' at either end or next to another; in the domain none of the local-only
/// bytes and no '-' at a label's start or end. The domain is at most 62 bytes, so no label
/// can be over 63.
inline bool email_masks_valid(size_t n, uint64_t at, uint64_t sep, uint64_t dash, uint64_t local_only) noexcept {
  const uint64_t last = uint64_t{1} << (n - 1);
  const uint64_t domain = ~((at << 1) - 1);  // the masks are clear past the end
  const uint64_t bad = (at & (at - 1)) | (sep & (1 | last)) | (sep & (sep >> 1)) | (local_only & domain) |
                       (dash & domain & ((sep << 1) | (sep >> 1) | last));
  return at != 0 && bad == 0;
}

/// An address of 3–64 bytes with bytes besides the common ones, at the lanes in `rare`:
/// each is looked up on its own. '-' and the local-only bytes join the masks; at the
/// first byte that is none of these the masks cannot decide, and the exact scan does,
/// unless no unquoted address may hold that byte anywhere (space, control, comma, …): then
/// "jane doe@example.com" is invalid without it. Out of line, as the usual address needs
/// none of this: it then takes no stack frame.
[[gnu::noinline]] bool is_email_with_rare_bytes(std::string_view s, uint64_t at, uint64_t separator,
                                                uint64_t rare) noexcept {
  uint64_t dash = 0;
  uint64_t local_only = 0;  // plus, underscore, apostrophe: atext, but no label may hold them
  for (; rare != 0; rare &= rare - 1) {
    const auto c = static_cast<unsigned char>(s[static_cast<size_t>(std::countr_zero(rare))]);
    const uint8_t cls = email_classes[c];
    if ((cls & plain_class) == 0) return (s[0] == '"' || (cls & never_unquoted_class) == 0) && is_email_exact(s);
    (c == '-' ? dash : local_only) |= rare & (0 - rare);
  }
  return email_masks_valid(s.size(), at, separator, dash, local_only);
}

}  // namespace

bool is_email(std::string_view s) noexcept {
  // The usual address (3–64 bytes of letters, digits and @ . - + _ ') is decided from
  // masks. The vector pass finds only the common bytes and the separators; any others go
  // to is_email_with_rare_bytes.
  const size_t n = s.size();
  if (n < 3 || n > 64) return is_email_exact(s);
  const char* p = s.data();
  email_masks m;
  if (n <= 16) {
    classify_email_chunk(load_short(p, n), 0, m);  // the padding lanes are zeros: in no mask
  } else {
    // Whole chunks, then the last 16 bytes (their overlap agrees with what is there).
    classify_email_chunk(load16(p), 0, m);
    for (size_t at = 16; at + 16 < n; at += 16) classify_email_chunk(load16(p + at), at, m);
    classify_email_chunk(load16(p + n - 16), n - 16, m);
  }
  const uint64_t lanes = (uint64_t{2} << (n - 1)) - 1;  // bits 0..n-1 (n = 64 wraps round to all)
  if (m.common != lanes) return is_email_with_rare_bytes(s, m.at, m.separator, lanes & ~m.common);
  return email_masks_valid(n, m.at, m.separator, 0, 0);
}

namespace {

/// The values of p[0..n) as digits, 1 <= n <= 8, right-aligned in a word behind zeros
/// ("4328860" gives 0,4,3,2,8,8,6,0 from the lowest byte up), reading no byte outside
/// them: two overlapping 4-byte loads (or three bytes), '0' taken off by xor, then the
/// shift that both right-aligns and drops the lanes past the end. A byte that is no digit
/// stays over 9 (see non_digit_values).
inline uint64_t load_digit_values8(const char* p, size_t n) noexcept {
  uint64_t w;
  if (n >= 4) {
    w = load4(p) | load4(p + n - 4) << (8 * (n - 4));
  } else {
    w = uint64_t{static_cast<unsigned char>(p[0])} | uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2)) |
        uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1));
  }
  return (w ^ 0x3030303030303030ull) << ((0 - 8 * n) & 63);  // 64 - 8n, and 0 for n = 8
}

}  // namespace

namespace {

/// parse_integer for what the word path leaves: 9+ bytes (up to 18 plain digits cannot
/// overflow: a loop), and anything with a byte that is not a digit, whose first such
/// byte is at i. Out of line, so the word path takes no stack frame.
[[gnu::noinline]] bool parse_integer_rest(std::string_view s, size_t i, int64_t& out) noexcept {
  const size_t n = s.size();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (n - 9 < 10) {
    uint64_t acc = 0;
    for (; i < n; ++i) {
      const unsigned d = unsigned{p[i]} - unsigned{'0'};
      if (d > 9) break;
      acc = acc * 10 + d;
    }
    if (i == n) {
      if (p[0] == '0') return false;  // no leading zeros
      out = static_cast<int64_t>(acc);
      return true;
    }
  }
  // A digit run then something other than trailing whitespace ("12,500", "1.75m"):
  // neither a sign nor leading space came first, so nothing can make it valid.
  if (i > 0 && !is_filter_space(static_cast<char>(p[i]))) return false;
  s = trim_if(s, is_filter_space);
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || (s[0] == '0' && s.size() > 1)) return false;
  // Accumulate as a negative number so INT64_MIN fits.
  constexpr int64_t min = std::numeric_limits<int64_t>::min();
  int64_t acc = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    const int d = c - '0';
    if (acc < (min + d) / 10) return false;
    acc = acc * 10 - d;
  }
  if (!negative) {
    if (acc == min) return false;
    acc = -acc;
  }
  out = acc;
  return true;
}

}  // namespace

bool parse_integer(std::string_view s, int64_t& out) noexcept {
  // Fast path: up to 8 plain digits in one word. The rest (more digits, a sign,
  // surrounding whitespace, …) is parse_integer_rest's.
  const size_t n = s.size();
  if (n - 1 >= 8) return parse_integer_rest(s, 0, out);
  const uint64_t digits = load_digit_values8(s.data(), n);
  const uint64_t bad = non_digit_values(digits);
  if (bad != 0) {
    return parse_integer_rest(s, static_cast<size_t>(std::countr_zero(bad)) / 8 - (8 - n), out);  // the padding is digits
  }
  if (s[0] == '0' && n > 1) return false;  // no leading zeros
  out = eight_digits_value(digits);
  return true;
}

bool parse_numeric(std::string_view s, double& out) noexcept {
  // Fast path: 1–8 plain digits (leading zeros are fine here) are an exact integer, the
  // double fast_float would give.
  if (const size_t n = s.size(); n - 1 < 8) {
    const uint64_t digits = load_digit_values8(s.data(), n);
    if (non_digit_values(digits) == 0) {
      out = eight_digits_value(digits);
      return true;
    }
  }
  s = trim_if(s, is_php_space);
  if (s.empty()) return false;
  size_t i = 0;
  const bool plus = s[0] == '+';
  if (s[0] == '+' || s[0] == '-') ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;  // "", ".", "-", "+."
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;  // "1e", "1e+"
  }
  if (i != s.size()) return false;
  // fast_float has no leading '+'; PHP turns overflow into INF, which fast_float also gives.
  const std::string_view digits = plus ? s.substr(1) : s;
  double value = 0;
  const auto r = fast_float::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (r.ptr != digits.data() + digits.size()) return false;
  out = value;
  return true;
}

size_t utf8_length(std::string_view s) noexcept {
  // Code points are the bytes that do not continue a sequence (10xxxxxx). Eight at a time:
  // a continuation byte has bit 7 set and bit 6 clear; the multiply sums the eight flags.
  const char* p = s.data();
  const size_t size = s.size();
  size_t n = 0, i = 0;
  for (; i + 8 <= size; i += 8) {
    const uint64_t w = load8(p + i);
    const uint64_t continuation = (w & ~(w << 1) & highs) >> 7;
    n += 8 - static_cast<size_t>((continuation * ones) >> 56);
  }
  for (; i < size; ++i) n += (static_cast<unsigned char>(p[i]) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool looks_like_scientific_notation(std::string_view s) noexcept {
  // Excel's display of a long number: mantissa, 'E', a signed exponent ("4.47912E+11").
  s = trim_if(s, is_php_space);
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (int_digits == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac;
    if (frac == 0) return false;
  }
  if (i >= s.size() || to_lower(s[i]) != 'e') return false;
  ++i;
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return false;
  ++i;
  size_t exp_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
  return exp_digits > 0 && i == s.size();
}

bool looks_like_excel_serial_date(std::string_view s) noexcept {
  // A serial day number (1 = 1900-01-01 … 2958465 = 9999-12-31), optionally with the
  // fraction Excel uses for the time of day ("45123.5").
  s = trim_if(s, is_php_space);
  size_t i = 0;
  int64_t serial = 0;
  while (i < s.size() && is_digit(s[i]) && i < 8) serial = serial * 10 + (s[i++] - '0');
  if (i == 0 || serial < 1 || serial > 2958465) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac;
    if (frac == 0) return false;
  }
  return i == s.size();
}

}  // namespace preflight
