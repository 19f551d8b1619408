// test_values.cpp — the leaf parsers, table by table, against the PHP/Laravel behaviour
// each one mirrors (see values.h).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "preflight/values.h"

using namespace preflight;

namespace {

date_value make_date(int32_t y, int mo, int d, int h = -1, int mi = 0, int s = 0) {
  date_value v;
  v.year = y;
  v.month = static_cast<uint8_t>(mo);
  v.day = static_cast<uint8_t>(d);
  if (h >= 0) {
    v.has_time = true;
    v.hour = static_cast<uint8_t>(h);
    v.minute = static_cast<uint8_t>(mi);
    v.second = static_cast<uint8_t>(s);
  }
  return v;
}

}  // namespace

TEST_CASE("values.parse_date_accepts_uk_and_iso_forms", "[values]") {
  struct row {
    std::string_view text;
    date_value expected;
  };
  const row rows[] = {
      {"28/06/1999", make_date(1999, 6, 28)},
      {"1/2/2024", make_date(2024, 2, 1)},
      {"01-02-2024", make_date(2024, 2, 1)},
      {"1.2.2024", make_date(2024, 2, 1)},
      {"2024-02-01", make_date(2024, 2, 1)},
      {"2024-2-1", make_date(2024, 2, 1)},
      {"  28/06/1999 ", make_date(1999, 6, 28)},
      {"29/02/2024", make_date(2024, 2, 29)},
      {"29/02/2000", make_date(2000, 2, 29)},
      {"31/12/9999", make_date(9999, 12, 31)},
      {"28/06/1999 14:05", make_date(1999, 6, 28, 14, 5)},
      {"28/06/1999 14:05:09", make_date(1999, 6, 28, 14, 5, 9)},
      {"2024-02-01T09:30", make_date(2024, 2, 1, 9, 30)},
      {"2024-02-01T09:30:59", make_date(2024, 2, 1, 9, 30, 59)},
      {"2024-02-01 9:30", make_date(2024, 2, 1, 9, 30)},
      {"2024-02-01 00:00:00", make_date(2024, 2, 1, 0, 0, 0)},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    date_value got;
    REQUIRE(parse_date(r.text, got) == date_error::ok);
    CHECK(got == r.expected);
  }
}

TEST_CASE("values.parse_date_rejects_with_reason", "[values]") {
  struct row {
    std::string_view text;
    date_error expected;
  };
  const row rows[] = {
      {"", date_error::empty},
      {"   ", date_error::empty},
      {"31/02/2024", date_error::impossible_date},
      {"29/02/2023", date_error::impossible_date},
      {"29/02/1900", date_error::impossible_date},
      {"01/00/2024", date_error::impossible_date},
      {"01/13/2024", date_error::impossible_date},
      {"13/13/2000", date_error::impossible_date},
      {"00/01/2024", date_error::impossible_date},
      {"2024-13-01", date_error::impossible_date},
      {"2024-04-31", date_error::impossible_date},
      {"0000-01-01", date_error::impossible_date},
      {"01/02/2024 24:00", date_error::impossible_date},
      {"01/02/2024 12:60", date_error::impossible_date},
      {"01/02/2024 12:00:60", date_error::impossible_date},
      {"45123", date_error::excel_serial},
      {"1", date_error::excel_serial},
      {"2958465", date_error::excel_serial},
      {"2958466", date_error::bad_syntax},
      {"0", date_error::bad_syntax},
      {"20240101", date_error::bad_syntax},
      {"01/02/24", date_error::two_digit_year},
      {"1-2-99", date_error::two_digit_year},
      {"01/02/24 10:00", date_error::two_digit_year},
      {"01/02/24x", date_error::bad_syntax},
      {"01/02-2024", date_error::bad_syntax},
      {"01/02/202", date_error::bad_syntax},
      {"01/02/20245", date_error::bad_syntax},
      {"2024/02/01", date_error::bad_syntax},
      {"2024-02-01x", date_error::bad_syntax},
      {"2024-02-011", date_error::bad_syntax},
      {"001/02/2024", date_error::bad_syntax},
      {"01/02/2024 10", date_error::bad_syntax},
      {"01/02/2024 10:0", date_error::bad_syntax},
      {"01/02/2024 10:00:", date_error::bad_syntax},
      {"01/02/2024 10:00 pm", date_error::bad_syntax},
      {"01/02/2024T", date_error::bad_syntax},
      {"Feb 1 2024", date_error::bad_syntax},
      {"yesterday", date_error::bad_syntax},
      {"45123.5", date_error::bad_syntax},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    date_value got;
    CHECK(parse_date(r.text, got) == r.expected);
  }
}

TEST_CASE("values.epoch_seconds", "[values]") {
  CHECK(make_date(1970, 1, 1).epoch_seconds() == 0);
  CHECK(make_date(1970, 1, 2).epoch_seconds() == 86400);
  CHECK(make_date(1969, 12, 31, 23, 59, 59).epoch_seconds() == -1);
  CHECK(make_date(2000, 3, 1).epoch_seconds() == 951868800);
  CHECK(make_date(2024, 2, 29, 12, 30, 15).epoch_seconds() == 1709209815);
  CHECK(make_date(1900, 1, 1).epoch_seconds() == -2208988800);
}

TEST_CASE("values.parse_date_format_accepts_canonical_values", "[values]") {
  struct row {
    std::string_view value, format;
    date_value expected;
  };
  const row rows[] = {
      {"28/06/1999", "d/m/Y", make_date(1999, 6, 28)},
      {"2024-02-29", "Y-m-d", make_date(2024, 2, 29)},
      {"1/2/2024", "j/n/Y", make_date(2024, 2, 1)},
      {"31/12/24", "d/m/y", make_date(2024, 12, 31)},
      {"01/01/70", "d/m/y", make_date(1970, 1, 1)},
      {"01/01/69", "d/m/y", make_date(2069, 1, 1)},
      {"2024-02-01 14:05:09", "Y-m-d H:i:s", make_date(2024, 2, 1, 14, 5, 9)},
      {"2024-02-01 9:05", "Y-m-d G:i", make_date(2024, 2, 1, 9, 5)},
      {"2024-02-01 02:05 PM", "Y-m-d h:i A", make_date(2024, 2, 1, 14, 5)},
      {"2024-02-01 12:05 am", "Y-m-d h:i a", make_date(2024, 2, 1, 0, 5)},
      {"2024-02-01 12:05 PM", "Y-m-d g:i A", make_date(2024, 2, 1, 12, 5)},
      {"2024-02-01 02:05 AM", "Y-m-d H:i A", make_date(2024, 2, 1, 2, 5)},
      {"Thu, 01 Feb 2024", "D, d M Y", make_date(2024, 2, 1)},
      {"Thursday 1 February 2024", "l j F Y", make_date(2024, 2, 1)},
      {"2024", "Y", make_date(2024, 1, 1)},
      {"31", "d", make_date(1970, 1, 31)},
      {"14:05", "H:i", make_date(1970, 1, 1, 14, 5)},
      {"2024T01", "Y\\Tm", make_date(2024, 1, 1)},
  };
  for (const auto& r : rows) {
    INFO(r.value << " / " << r.format);
    date_value got;
    REQUIRE(parse_date_format(r.value, r.format, got));
    CHECK(got == r.expected);
  }
}

TEST_CASE("values.parse_date_format_is_strict", "[values]") {
  struct row {
    std::string_view value, format;
  };
  const row rows[] = {
      {"1/2/2024", "d/m/Y"},         // d and m need two digits
      {"01/02/2024", "j/n/Y"},       // j and n have no leading zero
      {"31/02/2024", "d/m/Y"},       // impossible
      {"29/02/2023", "d/m/Y"},
      {"29/02", "d/m"},              // year 1970 (reset) is not leap
      {"00/02/2024", "d/m/Y"},
      {"01/13/2024", "d/m/Y"},
      {"2024-02-01", "d/m/Y"},
      {"2024-02-01 ", "Y-m-d"},      // trailing text
      {" 2024-02-01", "Y-m-d"},
      {"2024-02-0", "Y-m-d"},
      {"24-02-01", "Y-m-d"},
      {"24:00", "H:i"},
      {"12:60", "H:i"},
      {"00:05 AM", "h:i A"},         // h is 01–12
      {"02:05 pm", "h:i A"},         // A is upper case
      {"02:05 PM", "H:i A"},         // reformats as 14
      {"13:05 PM", "H:i A"},
      {"AM", "A"},                   // meridian without an hour
      {"Mon, 01 Feb 2024", "D, d M Y"},  // 2024-02-01 is a Thursday
      {"Thu, 01 feb 2024", "D, d M Y"},
      {"", "Y-m-d"},
      {"2024", "Y-m-d"},
      {"2024-01", "Y\\-m\\"},        // dangling escape
  };
  for (const auto& r : rows) {
    INFO(r.value << " / " << r.format);
    date_value got;
    CHECK_FALSE(parse_date_format(r.value, r.format, got));
  }
}

TEST_CASE("values.is_uuid", "[values]") {
  CHECK(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  CHECK(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
  CHECK(is_uuid("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(is_uuid(""));
  CHECK_FALSE(is_uuid("123e4567e89b12d3a456426614174000"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-4266141740000"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456_426614174000"));
  CHECK_FALSE(is_uuid(" 123e4567-e89b-12d3-a456-426614174000"));
  CHECK_FALSE(is_uuid("{123e4567-e89b-12d3-a456-426614174000}"));
}

TEST_CASE("values.is_email", "[values]") {
  const std::string_view good[] = {
      "jane@example.com",
      "jane.doe+tag@mail.example.co.uk",
      "j@e.c",
      "user@localhost",
      "o'brien@example.ie",
      "!#$%&'*+-/=?^_`{|}~@example.com",
      "\"john doe\"@example.com",
      "\"a@b\"@example.com",
      "\"quote\\\"d\"@example.com",
      "jane@[192.0.2.1]",
      "jane@[IPv6:2001:db8::1]",
      "jos\xC3\xA9@exampl\xC3\xA9.fr",
      "jane@sub-domain.example.com",
      "1234@123.456",
  };
  for (auto e : good) {
    INFO(e);
    CHECK(is_email(e));
  }
  const std::string_view bad[] = {
      "",
      "jane",
      "@example.com",
      "jane@",
      "jane@@example.com",
      "ja@ne@example.com",
      "jane doe@example.com",
      " jane@example.com",
      "jane@example.com ",
      ".jane@example.com",
      "jane.@example.com",
      "ja..ne@example.com",
      "jane@example..com",
      "jane@.example.com",
      "jane@example.com.",
      "jane@-example.com",
      "jane@example-.com",
      "jane@exa_mple.com",
      "jane@exa mple.com",
      "jane(comment)@example.com",
      "\"unterminated@example.com",
      "jane@[192.0.2.256]",
      "jane@[192.0.2]",
      "jane@[]",
      "jane,doe@example.com",
  };
  for (auto e : bad) {
    INFO(e);
    CHECK_FALSE(is_email(e));
  }
  // A 64-character label is too long; 63 is fine.
  const std::string label63(63, 'a'), label64(64, 'a');
  CHECK(is_email("x@" + label63 + ".com"));
  CHECK_FALSE(is_email("x@" + label64 + ".com"));
}

TEST_CASE("values.parse_integer_is_filter_validate_int", "[values]") {
  struct row {
    std::string_view text;
    int64_t expected;
  };
  const row good[] = {
      {"0", 0},
      {"+0", 0},
      {"-0", 0},
      {"7", 7},
      {"-7", -7},
      {"+42", 42},
      {" 42 ", 42},
      {"\t42\n", 42},
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<int64_t>::min()},
  };
  for (const auto& r : good) {
    INFO(r.text);
    int64_t got = 123;
    REQUIRE(parse_integer(r.text, got));
    CHECK(got == r.expected);
  }
  const std::string_view bad[] = {
      "", " ", "+", "-", "00", "01", "-01", "+007", "1.0", "1e3", "1,000", "1 000", "0x1A",
      "9223372036854775808", "-9223372036854775809", "99999999999999999999", "abc", "12a", "--1", "\f1",
  };
  for (auto b : bad) {
    INFO(b);
    int64_t got = 123;
    CHECK_FALSE(parse_integer(b, got));
    CHECK(got == 123);
  }
}

TEST_CASE("values.parse_numeric_is_php8_is_numeric", "[values]") {
  struct row {
    std::string_view text;
    double expected;
  };
  const row good[] = {
      {"1", 1},      {" 1", 1},          {"1 ", 1},        {"\t\n1.5\f\v", 1.5}, {".5", 0.5},
      {"5.", 5},     {"-.5", -0.5},      {"+.5", 0.5},     {"1e3", 1000},        {"1E3", 1000},
      {"-1.5E-3", -0.0015}, {"1.e3", 1000}, {"+7", 7},     {"007", 7},           {"0", 0},
      {"123456789012345678901234567890", 1.2345678901234568e29},
  };
  for (const auto& r : good) {
    INFO(r.text);
    double got = -1;
    REQUIRE(parse_numeric(r.text, got));
    CHECK(got == Approx(r.expected));
  }
  double big = 0;
  REQUIRE(parse_numeric("1e999", big));
  CHECK(std::isinf(big));

  const std::string_view bad[] = {
      "", " ", ".", "-", "+", "-.", "1,5", "1,000", "0x1A", "1e", "1e+", "e3", "1.2.3", "1 2",
      "inf", "NaN", "--1", "+-1", "1_000", "£5", "5%", "1.5e3.2",
  };
  for (auto b : bad) {
    INFO(b);
    double got = -1;
    CHECK_FALSE(parse_numeric(b, got));
  }
}

TEST_CASE("values.utf8_length_counts_code_points", "[values]") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("Jos\xC3\xA9") == 4);              // é: 2 bytes
  CHECK(utf8_length("\xE2\x82\xAC" "5") == 2);         // €: 3 bytes
  CHECK(utf8_length("\xF0\x9F\x98\x80") == 1);         // emoji: 4 bytes
}

TEST_CASE("values.excel_damage_detectors", "[values]") {
  CHECK(looks_like_scientific_notation("4.47912E+11"));
  CHECK(looks_like_scientific_notation("4E+11"));
  CHECK(looks_like_scientific_notation("-1.5e-3"));
  CHECK_FALSE(looks_like_scientific_notation("1e3"));  // a plain exponent is not Excel's display
  CHECK_FALSE(looks_like_scientific_notation("447912000000"));
  CHECK_FALSE(looks_like_scientific_notation("4.E+11"));
  CHECK_FALSE(looks_like_scientific_notation("E+11"));
  CHECK_FALSE(looks_like_scientific_notation("4.47912E+"));

  CHECK(looks_like_excel_serial_date("45123"));
  CHECK(looks_like_excel_serial_date("45123.5"));
  CHECK(looks_like_excel_serial_date("1"));
  CHECK_FALSE(looks_like_excel_serial_date("0"));
  CHECK_FALSE(looks_like_excel_serial_date("2958466"));
  CHECK_FALSE(looks_like_excel_serial_date("45123."));
  CHECK_FALSE(looks_like_excel_serial_date("28/06/1999"));
  CHECK_FALSE(looks_like_excel_serial_date("-45123"));
  CHECK_FALSE(looks_like_excel_serial_date(""));
}

// ── the fast paths agree with the general code ───────────────────────────────
//
// parse_date reads "DD/MM/YYYY" and "YYYY-MM-DD" (exactly ten bytes) from fixed
// positions, and parse_integer reads up to 18 plain digits in one loop. A leading space
// sends the same text through the general parser (which trims it), so each fast answer
// can be checked against the general one.

TEST_CASE("values.parse_date_fixed_shapes_match_the_general_parser", "[values]") {
  auto same = [](const std::string& s) {
    date_value fast, general;
    const date_error a = parse_date(s, fast);
    const date_error b = parse_date(" " + s, general);
    INFO(s);
    REQUIRE(a == b);
    if (a == date_error::ok) CHECK(fast == general);
  };
  auto two = [](int n) { return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10); };
  size_t checked = 0;
  for (int year : {1, 999, 1900, 1970, 2000, 2023, 2024, 2100, 9999}) {
    const std::string y = std::to_string(year + 10000).substr(1);
    for (int month = 0; month <= 13; ++month) {
      for (int day = 0; day <= 32; ++day) {
        same(two(day) + "/" + two(month) + "/" + y);
        same(two(day) + "-" + two(month) + "-" + y);
        same(two(day) + "." + two(month) + "." + y);
        same(y + "-" + two(month) + "-" + two(day));
        checked += 4;
      }
    }
  }
  CHECK(checked == 9 * 14 * 33 * 4);
  // Every byte of both shapes replaced by each awkward character.
  for (const std::string base : {"29/02/2024", "2024-02-29", "31.12.1999", "01-01-2000"}) {
    for (size_t i = 0; i < base.size(); ++i) {
      for (const char c : std::string_view("09/-.: Tx\x7f\x80\xff\x00", 13)) {
        std::string s = base;
        s[i] = c;
        same(s);
      }
    }
  }
  // Mixed separators and near shapes are not read as dates by either path.
  date_value d;
  CHECK(parse_date("01/02-2024", d) == date_error::bad_syntax);
  CHECK(parse_date("2024/02/29", d) == date_error::bad_syntax);
  CHECK(parse_date("2024-02-30", d) == date_error::impossible_date);
  CHECK(parse_date("29.02.2023", d) == date_error::impossible_date);
  REQUIRE(parse_date("29.02.2024", d) == date_error::ok);
  CHECK(d == make_date(2024, 2, 29));
}

TEST_CASE("values.parse_integer_fast_path_matches_the_general_parser", "[values]") {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  };
  const std::string_view alphabet("00123456789,. -+", 16);
  size_t accepted = 0;
  for (int k = 0; k < 20000; ++k) {
    std::string s;
    const size_t length = next() % 21;
    for (size_t i = 0; i < length; ++i) s += alphabet[next() % (i == 0 || k % 4 ? 11 : alphabet.size())];
    int64_t fast = -1, general = -2;
    const bool a = parse_integer(s, fast);
    const bool b = parse_integer(" " + s, general);
    INFO(s);
    REQUIRE(a == b);
    if (a) {
      CHECK(fast == general);
      ++accepted;
    }
  }
  CHECK(accepted > 1000);  // the generator does reach the accepting path
  int64_t n = 0;
  CHECK(parse_integer("999999999999999999", n));  // 18 digits: the fast path
  CHECK(n == 999999999999999999);
  CHECK(parse_integer("9223372036854775807", n));  // 19: the general one
  CHECK(n == std::numeric_limits<int64_t>::max());
  CHECK_FALSE(parse_integer("9223372036854775808", n));
  CHECK_FALSE(parse_integer("12,500", n));
  CHECK_FALSE(parse_integer("007", n));
  CHECK(parse_integer("7 ", n));
  CHECK(n == 7);
}

namespace {

// is_email as a plain scan, the way the rule reads (values.h): the reference for the
// 16-bytes-at-a-time path. Quoted local parts and IP literals are left to the other tests.
bool reference_is_email(std::string_view s) {
  const auto atext = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
  };
  const auto label = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 || c == '-';
  };
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (const char c : local) {
    if (c != '.' && !atext(static_cast<unsigned char>(c))) return false;
  }
  if (domain.empty() || domain.size() > 255) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = domain.find('.', start);
    const std::string_view part = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 63 || part.front() == '-' || part.back() == '-') return false;
    for (const char c : part) {
      if (!label(static_cast<unsigned char>(c))) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

TEST_CASE("values.is_email_matches_a_plain_scan", "[values]") {
  uint64_t state = 0x2545F4914F6CDD1Dull;
  auto next = [&] {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  };
  // Mostly letters, with the separators often enough to land on every chunk boundary.
  const std::string_view alphabet("abcXYZ019..--@@+_!~ \xC3\xA9");
  size_t valid = 0;
  for (int k = 0; k < 50000; ++k) {
    std::string s;
    const size_t length = next() % 80;
    for (size_t i = 0; i < length; ++i) s += alphabet[next() % alphabet.size()];
    if (!s.empty() && s.front() == '"') continue;
    const size_t at = s.find('@');
    if (at != std::string::npos && at + 1 < s.size() && s[at + 1] == '[') continue;
    INFO(s);
    REQUIRE(is_email(s) == reference_is_email(s));
    valid += reference_is_email(s) ? size_t{1} : size_t{0};
  }
  CHECK(valid > 100);
  // Addresses of every length around the 16-byte chunks, with the '@' and the dots moved
  // across the boundaries.
  for (size_t length = 3; length <= 70; ++length) {
    for (size_t at = 1; at + 1 < length; ++at) {
      std::string s(length, 'a');
      s[at] = '@';
      INFO(s);
      CHECK(is_email(s) == reference_is_email(s));
      for (size_t dot = 0; dot < length; ++dot) {
        if (dot == at) continue;
        for (const char c : {'.', '-'}) {
          std::string t = s;
          t[dot] = c;
          INFO(t);
          CHECK(is_email(t) == reference_is_email(t));
          if (dot + 1 < length && dot + 1 != at) {
            t[dot + 1] = '.';
            CHECK(is_email(t) == reference_is_email(t));
          }
        }
      }
    }
  }
}

TEST_CASE("values.is_uuid_checks_every_position", "[values]") {
  const std::string good = "123e4567-e89b-12d3-a456-426614174000";
  REQUIRE(is_uuid(good));
  for (size_t i = 0; i < good.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    for (const char c : std::string_view("0aFfG-g/:@`\x7f\x80\xff ", 16)) {
      std::string s = good;
      s[i] = c;
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      INFO(i << " " << static_cast<int>(static_cast<unsigned char>(c)));
      CHECK(is_uuid(s) == (dash ? c == '-' : hex));
    }
  }
}

// ── the second round of fast paths ───────────────────────────────────────────
//
// is_email settles the plain addresses (letters, digits, . - + _ ' @; up to 64 bytes)
// from byte-class masks, valid or not, and calls an address with a space, control byte,
// comma, … invalid without a full scan. A string over 64 bytes always takes the exact
// scan, and 64 letters in front of a local part that starts with a letter change nothing,
// so the exact answer for s is is_email(64 letters + s).

namespace {

struct xorshift {
  uint64_t state;
  uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
};

bool exact_is_email(const std::string& s) { return is_email(std::string(64, 'q') + s); }

/// A literal's bytes, NULs included.
template <size_t N>
std::string_view all_bytes(const char (&s)[N]) {
  return {s, N - 1};
}

}  // namespace

TEST_CASE("values.is_email_fast_verdicts_match_the_exact_scan", "[values]") {
  xorshift rng{0x9E3779B97F4A7C15ull};
  // The plain bytes, often, and every byte that settles or unsettles the fast path.
  const std::string_view alphabet = all_bytes("abZ09.-@'+_.@ \t\",()[]:;<>\\\x7f\x01\x00\x80\xC3\xA9!~");
  size_t valid = 0, settled_invalid = 0;
  for (int k = 0; k < 200000; ++k) {
    std::string s(1, "aZ7"[k % 3]);
    const size_t length = 2 + rng.next() % 66;
    const size_t common = k % 2 ? 13 : alphabet.size();  // half the strings: plain bytes only
    for (size_t i = 1; i < length; ++i) s += alphabet[rng.next() % common];
    if (k % 4 < 3) {  // mostly one '@' (a random string seldom has exactly one)
      for (char& c : s) c = c == '@' ? 'x' : c;
      s[1 + rng.next() % (length - 1)] = '@';
    }
    INFO(s);
    const bool exact = exact_is_email(s);
    REQUIRE(is_email(s) == exact);
    if (exact) ++valid;
    if (!exact && s.find_first_of(std::string_view(" \t,\x7f\x01\x00", 6)) != std::string::npos) ++settled_invalid;
  }
  CHECK(valid > 1500);
  CHECK(settled_invalid > 2000);
  // Every length the short load handles, with the '@' and a '.' at every position.
  for (size_t length = 3; length <= 17; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (size_t dot = 0; dot < length; ++dot) {
        std::string s(length, 'k');
        s[dot] = '.';
        s[at] = '@';
        if (s[0] != 'k') continue;
        INFO(s);
        CHECK(is_email(s) == exact_is_email(s));
      }
    }
  }
}

TEST_CASE("values.is_email_plain_and_odd_bytes", "[values]") {
  CHECK(is_email("o'neill@example.com"));
  CHECK(is_email("first_last+tag@example.co.uk"));
  CHECK(is_email("a-b@c-d.e"));
  CHECK(is_email("-a-@b.c"));       // '-' is atext: either end of the local part is fine
  CHECK(is_email("a@b"));
  CHECK(is_email("a@1.2"));
  CHECK_FALSE(is_email("jane@o'neill.com"));
  CHECK_FALSE(is_email("jane@exa+mple.com"));
  CHECK_FALSE(is_email("jane@example.-com"));
  CHECK_FALSE(is_email("jane@example-.com"));
  CHECK_FALSE(is_email("jane@-example.com"));
  CHECK_FALSE(is_email("jane@example.com-"));
  CHECK_FALSE(is_email("jane.@example.com"));
  CHECK_FALSE(is_email("jane@.example.com"));
  CHECK_FALSE(is_email("a@b@c"));
  CHECK_FALSE(is_email("@@@"));
  CHECK_FALSE(is_email("ab@"));
  CHECK_FALSE(is_email("florence.smith0.btinternet.example"));
  CHECK_FALSE(is_email("florence.smith @btinternet.example"));
  CHECK_FALSE(is_email("florence.smith@"));
  CHECK_FALSE(is_email(std::string_view("jane\0@example.com", 17)));
  CHECK_FALSE(is_email("jane\t@example.com"));
  CHECK_FALSE(is_email("jane@example.com\x7f"));
  CHECK_FALSE(is_email("ja,ne@example.com"));
  CHECK_FALSE(is_email("jane@exam(ple).com"));
  // Bytes the plain masks do not decide: the exact scan does.
  CHECK(is_email("\"jane doe\"@example.com"));
  CHECK(is_email("\"ja,ne\"@example.com"));
  CHECK(is_email("\"a\\\x01\"@example.com"));
  CHECK(is_email("jane@[192.0.2.1]"));
  CHECK(is_email("jane@[IPv6:2001:db8::1]"));
  CHECK(is_email("jos\xC3\xA9@example.com"));
  CHECK(is_email("a{b}|c@example.com"));
  CHECK_FALSE(is_email("jane@[192.0.2.1"));
  CHECK_FALSE(is_email("jane@ex[ample.com"));
  // 64 bytes is the fast path's limit; 65 takes the exact scan.
  for (const size_t length : {size_t{63}, size_t{64}, size_t{65}}) {
    std::string s = std::string(length - 12, 'a') + "@example.com";
    INFO(length);
    CHECK(is_email(s));
    s[length - 12] = '.';
    CHECK_FALSE(is_email(s));
  }
}

namespace {

// Howard Hinnant's days_from_civil, as values.cpp has it for every year: the reference
// for the 32-bit form epoch_seconds uses within ±1,000,000 years.
int64_t reference_days(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

date_value raw_date(int32_t y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  date_value v;
  v.year = y;
  v.month = static_cast<uint8_t>(mo);
  v.day = static_cast<uint8_t>(d);
  v.hour = static_cast<uint8_t>(h);
  v.minute = static_cast<uint8_t>(mi);
  v.second = static_cast<uint8_t>(s);
  return v;
}

/// Counts the dates epoch_seconds gets wrong and remembers the first (one assertion for
/// millions of dates keeps the test quick, under Node too).
struct epoch_checker {
  size_t checked = 0, wrong = 0;
  std::string first_wrong;
  void operator()(int32_t y, int m, int d, int h = 0, int mi = 0, int s = 0) {
    ++checked;
    if (raw_date(y, m, d, h, mi, s).epoch_seconds() == reference_days(y, m, d) * 86400 + h * 3600 + mi * 60 + s) {
      return;
    }
    if (wrong++ == 0) first_wrong = std::to_string(y) + "-" + std::to_string(m) + "-" + std::to_string(d);
  }
};

}  // namespace

TEST_CASE("values.epoch_seconds_matches_days_from_civil", "[values]") {
  epoch_checker check_epoch;
  // Every day of years 0–9999 (what parse_date and parse_date_format give).
  for (int32_t y = 0; y <= 9999; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= 31; ++d) check_epoch(y, m, d);
    }
  }
  // Years across the 32-bit form's range and past it, every month value a byte holds
  // (0 and 13+ are out of contract but keep their old answers), days 0–255, times.
  const int32_t years[] = {std::numeric_limits<int32_t>::min(), -2'000'000, -1'000'001, -1'000'000, -999'999,
                           -400, -1, 1, 1582, 1970, 2000, 2100, 10'000, 999'999, 1'000'000, 1'000'001,
                           2'000'000, std::numeric_limits<int32_t>::max()};
  for (const int32_t y : years) {
    for (int m = 0; m <= 255; ++m) {
      for (int d : {0, 1, 28, 29, 30, 31, 32, 255}) check_epoch(y, m, d, 23, 59, 59);
    }
  }
  xorshift rng{0x2545F4914F6CDD1Dull};
  for (int k = 0; k < 200000; ++k) {
    const auto y = static_cast<int32_t>(static_cast<int64_t>(rng.next() % 2'200'001) - 1'100'000);
    const auto below = [&](uint64_t n) { return static_cast<int>(rng.next() % n); };
    check_epoch(y, 1 + below(12), below(32), below(24), below(60), below(60));
  }
  INFO("first wrong: " << check_epoch.first_wrong);
  CHECK(check_epoch.wrong == 0);
  CHECK(check_epoch.checked == 10000 * 12 * 31 + 18 * 256 * 8 + 200000);
}

TEST_CASE("values.parse_integer_word_path_matches_the_general_parser", "[values]") {
  // Up to 8 bytes are read as one word; " " + s takes the general parser (which trims).
  auto same = [](const std::string& s) {
    int64_t fast = -1, general = -2;
    const bool a = parse_integer(s, fast);
    const bool b = parse_integer(" " + s, general);
    INFO(s);
    REQUIRE(a == b);
    if (a) REQUIRE(fast == general);
    return a;
  };
  xorshift rng{0xD1B54A32D192ED03ull};
  const std::string_view alphabet = all_bytes("0123456789/:+- \t\v\f\r\n\x00\x80\xff,.");
  size_t accepted = 0;
  for (int k = 0; k < 300000; ++k) {
    std::string s;
    const size_t length = 1 + rng.next() % 10;
    for (size_t i = 0; i < length; ++i) s += alphabet[rng.next() % (k % 3 ? 10 : alphabet.size())];
    if (same(s)) ++accepted;
  }
  CHECK(accepted > 50000);
  // Each length 1–9 with every digit at the front and the back, and the boundaries.
  for (size_t length = 1; length <= 9; ++length) {
    for (char first = '0'; first <= '9'; ++first) {
      for (char last = '0'; last <= '9'; ++last) {
        std::string s(length, '5');
        s.front() = first;
        s.back() = last;
        same(s);
      }
    }
  }
  int64_t n = 0;
  CHECK(parse_integer("99999999", n));
  CHECK(n == 99999999);
  CHECK(parse_integer("10000000", n));
  CHECK(n == 10000000);
  CHECK(parse_integer("4328860", n));
  CHECK(n == 4328860);
  CHECK(parse_integer("0", n));
  CHECK(n == 0);
  CHECK_FALSE(parse_integer("007", n));
  CHECK_FALSE(parse_integer("00000000", n));
  CHECK_FALSE(parse_integer("12,500", n));
  CHECK_FALSE(parse_integer("1234567/", n));
  CHECK_FALSE(parse_integer("1234567:", n));
  CHECK(parse_integer(std::string_view("12\0", 3), n));  // \0 is in filter_var's trim set
  CHECK(n == 12);
  CHECK(parse_integer("-17", n));
  CHECK(n == -17);
  CHECK(parse_integer("1234567\n", n));
  CHECK(n == 1234567);
  CHECK_FALSE(parse_integer("1234567\f", n));  // \f is not in filter_var's trim set
}

TEST_CASE("values.parse_numeric_digits_path_matches_the_general_parser", "[values]") {
  // Up to 8 plain digits are read as one word; " " + s takes the general parser.
  xorshift rng{0x8CB92BA72F3D8DD7ull};
  const std::string_view alphabet = all_bytes("0123456789/:+-. \t\ve\x00\x80");
  size_t accepted = 0;
  for (int k = 0; k < 200000; ++k) {
    std::string s;
    const size_t length = 1 + rng.next() % 10;
    for (size_t i = 0; i < length; ++i) s += alphabet[rng.next() % (k % 3 ? 10 : alphabet.size())];
    double fast = -1, general = -2;
    const bool a = parse_numeric(s, fast);
    const bool b = parse_numeric(" " + s, general);
    INFO(s);
    REQUIRE(a == b);
    if (a) {
      REQUIRE(fast == general);
      ++accepted;
    }
  }
  CHECK(accepted > 50000);
  double x = 0;
  CHECK(parse_numeric("00000007", x));
  CHECK(x == 7);
  CHECK(parse_numeric("99999999", x));
  CHECK(x == 99999999);
  CHECK(parse_numeric("4328860", x));
  CHECK(x == 4328860);
  CHECK_FALSE(parse_numeric("12,500", x));
}

TEST_CASE("values.utf8_length_matches_a_byte_count", "[values]") {
  // Eight bytes at a time, then one at a time: every length and alignment of mixed text.
  const std::string_view pieces[] = {"a",    "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                     "\x80", "\xBF",     "\xFF",         "\x7F"};
  xorshift rng{0x94D049BB133111EBull};
  for (int k = 0; k < 20000; ++k) {
    std::string s;
    const size_t count = rng.next() % 30;
    for (size_t i = 0; i < count; ++i) s += pieces[rng.next() % std::size(pieces)];
    size_t expected = 0;
    for (const char c : s) expected += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    INFO(s);
    REQUIRE(utf8_length(s) == expected);
  }
}

// ── the third round: one word per date, one vector pass per address ──────────

TEST_CASE("values.parse_date_fixed_shapes_match_the_general_parser_every_year", "[values]") {
  // The fast path reads DD?MM?YYYY and YYYY-MM-DD from one word; " " + s takes the general
  // parser. Every year 0000-9999 at the month ends that depend on it (and just past them).
  size_t checked = 0, valid = 0;
  const auto same = [&](const std::string& s) {
    date_value fast, general;
    const date_error a = parse_date(s, fast);
    const date_error b = parse_date(" " + s, general);
    ++checked;
    if (a == date_error::ok) ++valid;
    if (a != b || (a == date_error::ok && !(fast == general))) {
      FAIL_CHECK(s);
    }
  };
  const auto digits = [](int n, int width) {
    std::string t(static_cast<size_t>(width), '0');
    for (int i = width - 1; i >= 0; --i, n /= 10) t[static_cast<size_t>(i)] = static_cast<char>('0' + n % 10);
    return t;
  };
  for (int year = 0; year <= 9999; ++year) {
    const std::string y = digits(year, 4);
    for (const auto& [day, month] : {std::pair{28, 2}, {29, 2}, {30, 2}, {31, 1}, {32, 1}, {30, 4}, {31, 4},
                                     {31, 12}, {1, 0}, {1, 13}, {0, 6}}) {
      same(digits(day, 2) + "/" + digits(month, 2) + "/" + y);
      same(y + "-" + digits(month, 2) + "-" + digits(day, 2));
    }
  }
  CHECK(checked == 10000 * 11 * 2);
  CHECK(valid == 9999 * 4 * 2 + 2424 * 2);  // four real dates a year, and 2,424 leap years in 1-9999
  // Random strings of 8-12 bytes, mostly digits with the separators where the shapes have
  // them, and every byte value now and then.
  uint64_t state = 0x243F6A8885A308D3ull;
  const auto next = [&] {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  };
  const std::string_view separators("/-.-:T ", 7);
  for (int k = 0; k < 300000; ++k) {
    const size_t length = 8 + next() % 5;
    const bool iso = k % 2 == 0;
    std::string s;
    for (size_t i = 0; i < length; ++i) {
      const bool separator = iso ? (i == 4 || i == 7) : (i == 2 || i == 5);
      s += separator ? separators[next() % (k % 3 ? 3 : separators.size())] : static_cast<char>('0' + next() % 10);
    }
    if (k % 5 == 0) s[next() % length] = static_cast<char>(next() % 256);
    same(s);
  }
}

TEST_CASE("values.epoch_seconds_matches_days_from_civil_for_any_year", "[values]") {
  // The fast form covers every int32 year (months 1-12, any day byte).
  epoch_checker check_epoch;
  xorshift rng{0x9E3779B97F4A7C15ull};
  for (int k = 0; k < 300000; ++k) {
    const auto y = static_cast<int32_t>(static_cast<uint32_t>(rng.next()));
    const auto below = [&](uint64_t n) { return static_cast<int>(rng.next() % n); };
    check_epoch(y, 1 + below(12), below(256), below(24), below(60), below(60));
  }
  // The years around the shift's multiples of 400 and the century boundaries.
  for (const int32_t base : {-2'147'483'600, -400, 0, 1600, 2'147'483'200}) {
    for (int32_t dy = -1; dy <= 401; dy += 4) {
      for (int m = 1; m <= 12; ++m) check_epoch(base + dy, m, 1 + (m * 7) % 28);
    }
  }
  INFO("first wrong: " << check_epoch.first_wrong);
  CHECK(check_epoch.wrong == 0);
}

TEST_CASE("values.is_email_every_byte_at_every_position", "[values]") {
  // Addresses of the lengths around the 16-byte chunks, each byte replaced by every byte
  // value. The exact answer: a string with a 62-letter label added to its domain is over
  // 64 bytes, which only the exact scan reads, and the label changes no verdict.
  const auto exact = [](const std::string& s) { return is_email(s + "." + std::string(62, 'q')); };
  size_t valid = 0;
  const std::string bases[] = {"a@b",
                               "ab.cd@ef.gh.ijk",
                               "first.last12@post.example",
                               "florence.smith0@btinternet.example",
                               "o-neill_x+y@mail-host.example.co.uk",
                               std::string(40, 'k') + "@" + std::string(23, 'd')};
  for (const std::string& base : bases) {
    for (size_t i = 0; i < base.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string s = base;
        s[i] = static_cast<char>(b);
        if (is_email(s) != exact(s)) FAIL_CHECK(s);
        if (is_email(s)) ++valid;
      }
    }
  }
  CHECK(valid > 5000);
}

TEST_CASE("values.parse_integer_every_byte_at_every_position", "[values]") {
  // Digit strings of 1-9 bytes (the word path and the loop), each byte replaced by every
  // byte value: bytes from 0x8A up carry in the word's digit test.
  for (size_t length = 1; length <= 9; ++length) {
    for (size_t i = 0; i < length; ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string s = std::string("918273645").substr(0, length);
        s[i] = static_cast<char>(b);
        int64_t fast = -1, general = -2;
        const bool a = parse_integer(s, fast);
        const bool g = parse_integer(" " + s, general);
        if (a != g || (a && fast != general)) FAIL_CHECK(s);
      }
    }
  }
}
