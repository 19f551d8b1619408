// regex.cpp — the PCRE subset of regex.h in three steps: a parser that builds a small tree,
// a code generator that flattens it into an instruction vector, and a backtracking VM with
// an explicit stack and a step budget.
//
// Why backtracking: Laravel runs PCRE, whose answers (lazy quantifiers, alternation order,
// `$` before a final newline) are defined by a backtracking search. For yes/no answers the
// order does not change the result, but it keeps the engine small, and the step budget
// plays the part of PHP's pcre.backtrack_limit (also 1,000,000): a pattern that would hang
// ends in "too complex" instead.
//
// Speed: runs of one-character items (`\d{6}`, `[A-Z]+`, `.*`) are a single `repeat`
// instruction that scans forward and gives characters back one at a time, with one stack
// entry for the whole run, so typical validation patterns never allocate and rarely push.
#include "preflight/regex.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>
#include "text.h"

namespace preflight {

namespace regex_internal {

constexpr uint64_t k_step_budget = 1'000'000;     ///< VM steps per search (PHP's backtrack_limit)
constexpr size_t k_max_instructions = 20'000;     ///< after expanding {m,n} over groups
constexpr size_t k_max_literal_bytes = 1u << 20;  ///< literal pool, after expansion
// Parser and code generator recurse once per group level (~1 KB of stack per level). PCRE2
// allows 250, but Emscripten's default stack is 64 KB, and validation patterns nest 2 or 3 deep.
constexpr int k_max_nesting = 32;
constexpr uint32_t k_max_repeat = 65'535;         ///< PCRE's largest number in {m,n}
constexpr uint32_t k_unbounded = UINT32_MAX;
constexpr uint32_t k_none = UINT32_MAX;
constexpr uint32_t k_max_code_point = 0x10FFFF;

struct cp_range {
  uint32_t lo;
  uint32_t hi;
};

/// A set of characters that one step of the VM consumes. Byte mode: `bits` covers all 256
/// bytes. UTF-8 mode: `bits` covers ASCII only and `wide` the code points from U+0080
/// (sorted, disjoint); `wide_negated` flips membership for those, so [^a] needs no table.
struct char_set {
  std::array<uint64_t, 4> bits{};
  std::vector<cp_range> wide;
  bool wide_negated = false;
  bool utf8 = false;  ///< consumes a whole code point; false when only ASCII can match

  [[nodiscard]] bool has_byte(unsigned char b) const noexcept {
    return ((bits[b >> 6] >> (b & 63u)) & 1u) != 0;
  }
  void add_byte(unsigned char b) noexcept { bits[b >> 6] |= uint64_t{1} << (b & 63u); }
  [[nodiscard]] bool has_wide(uint32_t cp) const noexcept {
    const auto it = std::upper_bound(wide.begin(), wide.end(), cp,
                                     [](uint32_t c, const cp_range& r) { return c < r.lo; });
    const bool inside = it != wide.begin() && cp <= (it - 1)->hi;
    return inside != wide_negated;
  }
};

enum class op : uint8_t {
  str,     ///< a = literal pool offset, b = length; flag = caseless (pool is lower-cased)
  set,     ///< a = set index: one character
  repeat,  ///< a = set index, b = min, c = max; flag = greedy
  split,   ///< try a, and on failure b
  jmp,     ///< continue at a
  mark,    ///< register a = position (restored on backtracking)
  check,   ///< fail when position == register a: an empty loop iteration
  assert,  ///< a = assertion
  match,
};

enum class assertion : uint32_t {
  start,                 ///< \A, or ^ without m
  start_of_line,         ///< ^ with m: at 0 or after a \n that is not the last byte
  end_or_final_newline,  ///< $ (PCRE default) and \Z
  end,                   ///< \z, and $ with D
  end_of_line,           ///< $ with m
  word_boundary,
  not_word_boundary,
  word_boundary_unicode,  ///< \b with u: word characters per Unicode (PCRE2_UCP)
  not_word_boundary_unicode,
};

struct inst {
  op code;
  uint8_t flag;
  uint32_t a;
  uint32_t b;
  uint32_t c;
};

/// The compiled form, shared by the code generator and the VM.
struct compiled {
  std::vector<inst> code;
  std::vector<char_set> sets;
  std::string literals;
  uint32_t registers = 0;
  bool utf8 = false;
  bool anchored = false;         ///< starts with \A (or ^ without m): try offset 0 only
  bool can_match_empty = false;  ///< some path reaches `match` without consuming
  std::array<uint64_t, 4> first_bytes{};  ///< bytes that can start a match
  uint32_t prefix_offset = 0;    ///< a case-sensitive literal every match starts with
  uint32_t prefix_length = 0;
};

}  // namespace regex_internal

struct regex::program {
  std::string source;
  regex_internal::compiled prog;
};

namespace {

using namespace regex_internal;

// ── characters ──────────────────────────────────────────────────────────────

constexpr bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alpha(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_ascii_alnum(unsigned char c) noexcept { return is_digit(c) || is_ascii_alpha(c); }
constexpr bool is_word_byte(unsigned char c) noexcept { return is_ascii_alnum(c) || c == '_'; }
constexpr unsigned char ascii_lower(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
}
using text::is_continuation;
constexpr int hex_value(unsigned char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using text::decode_utf8;

/// Decodes a sequence already known to be valid (the subject was checked once up front).
inline size_t decode_valid_utf8(const unsigned char* p, uint32_t& cp) noexcept {
  const unsigned char b0 = p[0];
  if (b0 < 0xE0) { cp = ((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu); return 2; }
  if (b0 < 0xF0) { cp = ((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu); return 3; }
  cp = ((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
  return 4;
}

using text::is_valid_utf8;

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0u | (cp >> 6)));
    out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0u | (cp >> 12)));
    out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
  } else {
    out.push_back(static_cast<char>(0xF0u | (cp >> 18)));
    out.push_back(static_cast<char>(0x80u | ((cp >> 12) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
  }
}

// ── Unicode categories (the u flag) ─────────────────────────────────────────
//
// PHP's /u sets PCRE2_UTF *and* PCRE2_UCP, so under u the classes \d \w \s, \b and the
// POSIX classes follow Unicode properties, and \p{..} is common in Laravel rules
// (/^[\pL\s-]+$/u for names). This table is the general category of every code point,
// reduced to the major class (with Nd apart): one entry per run of equal category,
// `start << 4 | category`. Generated from Unicode 14.0 (the version of PCRE2 10.42 and of
// Python 3.11's unicodedata) by walking U+0000..U+10FFFF with unicodedata.category.
enum unicode_category : uint8_t { uc_other = 0, uc_letter, uc_mark, uc_decimal, uc_number_other,
                                  uc_punctuation, uc_symbol, uc_separator };
constexpr uint8_t uc_bit(unicode_category c) noexcept { return static_cast<uint8_t>(1u << c); }
constexpr uint8_t uc_numbers = uc_bit(uc_decimal) | uc_bit(uc_number_other);
constexpr uint8_t uc_word = uc_bit(uc_letter) | uc_numbers;  // \w under UCP (PCRE2 10.42), plus _

constexpr uint32_t k_unicode_runs[] = {
    0x0u, 0x207u, 0x215u, 0x246u, 0x255u, 0x2b6u, 0x2c5u, 0x303u, 0x3a5u, 0x3c6u, 0x3f5u, 0x411u,
    0x5b5u, 0x5e6u, 0x5f5u, 0x606u, 0x611u, 0x7b5u, 0x7c6u, 0x7d5u, 0x7e6u, 0x7f0u, 0xa07u, 0xa15u,
    0xa26u, 0xa75u, 0xa86u, 0xaa1u, 0xab5u, 0xac6u, 0xad0u, 0xae6u, 0xb24u, 0xb46u, 0xb51u, 0xb65u,
    0xb86u, 0xb94u, 0xba1u, 0xbb5u, 0xbc4u, 0xbf5u, 0xc01u, 0xd76u, 0xd81u, 0xf76u, 0xf81u, 0x2c26u,
    0x2c61u, 0x2d26u, 0x2e01u, 0x2e56u, 0x2ec1u, 0x2ed6u, 0x2ee1u, 0x2ef6u, 0x3002u, 0x3701u,
    0x3756u, 0x3761u, 0x3780u, 0x37a1u, 0x37e5u, 0x37f1u, 0x3800u, 0x3846u, 0x3861u, 0x3875u,
    0x3881u, 0x38b0u, 0x38c1u, 0x38d0u, 0x38e1u, 0x3a20u, 0x3a31u, 0x3f66u, 0x3f71u, 0x4826u,
    0x4832u, 0x48a1u, 0x5300u, 0x5311u, 0x5570u, 0x5591u, 0x55a5u, 0x5601u, 0x5895u, 0x58b0u,
    0x58d6u, 0x5900u, 0x5912u, 0x5be5u, 0x5bf2u, 0x5c05u, 0x5c12u, 0x5c35u, 0x5c42u, 0x5c65u,
    0x5c72u, 0x5c80u, 0x5d01u, 0x5eb0u, 0x5ef1u, 0x5f35u, 0x5f50u, 0x6066u, 0x6095u, 0x60b6u,
    0x60c5u, 0x60e6u, 0x6102u, 0x61b5u, 0x61c0u, 0x61d5u, 0x6201u, 0x64b2u, 0x6603u, 0x66a5u,
    0x66e1u, 0x6702u, 0x6711u, 0x6d45u, 0x6d51u, 0x6d62u, 0x6dd0u, 0x6de6u, 0x6df2u, 0x6e51u,
    0x6e72u, 0x6e96u, 0x6ea2u, 0x6ee1u, 0x6f03u, 0x6fa1u, 0x6fd6u, 0x6ff1u, 0x7005u, 0x70e0u,
    0x7101u, 0x7112u, 0x7121u, 0x7302u, 0x74b0u, 0x74d1u, 0x7a62u, 0x7b11u, 0x7b20u, 0x7c03u,
    0x7ca1u, 0x7eb2u, 0x7f41u, 0x7f66u, 0x7f75u, 0x7fa1u, 0x7fb0u, 0x7fd2u, 0x7fe6u, 0x8001u,
    0x8162u, 0x81a1u, 0x81b2u, 0x8241u, 0x8252u, 0x8281u, 0x8292u, 0x82e0u, 0x8305u, 0x83f0u,
    0x8401u, 0x8592u, 0x85c0u, 0x85e5u, 0x85f0u, 0x8601u, 0x86b0u, 0x8701u, 0x8886u, 0x8891u,
    0x88f0u, 0x8982u, 0x8a01u, 0x8ca2u, 0x8e20u, 0x8e32u, 0x9041u, 0x93a2u, 0x93d1u, 0x93e2u,
    0x9501u, 0x9512u, 0x9581u, 0x9622u, 0x9645u, 0x9663u, 0x9705u, 0x9711u, 0x9812u, 0x9840u,
    0x9851u, 0x98d0u, 0x98f1u, 0x9910u, 0x9931u, 0x9a90u, 0x9aa1u, 0x9b10u, 0x9b21u, 0x9b30u,
    0x9b61u, 0x9ba0u, 0x9bc2u, 0x9bd1u, 0x9be2u, 0x9c50u, 0x9c72u, 0x9c90u, 0x9cb2u, 0x9ce1u,
    0x9cf0u, 0x9d72u, 0x9d80u, 0x9dc1u, 0x9de0u, 0x9df1u, 0x9e22u, 0x9e40u, 0x9e63u, 0x9f01u,
    0x9f26u, 0x9f44u, 0x9fa6u, 0x9fc1u, 0x9fd5u, 0x9fe2u, 0x9ff0u, 0xa012u, 0xa040u, 0xa051u,
    0xa0b0u, 0xa0f1u, 0xa110u, 0xa131u, 0xa290u, 0xa2a1u, 0xa310u, 0xa321u, 0xa340u, 0xa351u,
    0xa370u, 0xa381u, 0xa3a0u, 0xa3c2u, 0xa3d0u, 0xa3e2u, 0xa430u, 0xa472u, 0xa490u, 0xa4b2u,
    0xa4e0u, 0xa512u, 0xa520u, 0xa591u, 0xa5d0u, 0xa5e1u, 0xa5f0u, 0xa663u, 0xa702u, 0xa721u,
    0xa752u, 0xa765u, 0xa770u, 0xa812u, 0xa840u, 0xa851u, 0xa8e0u, 0xa8f1u, 0xa920u, 0xa931u,
    0xaa90u, 0xaaa1u, 0xab10u, 0xab21u, 0xab40u, 0xab51u, 0xaba0u, 0xabc2u, 0xabd1u, 0xabe2u,
    0xac60u, 0xac72u, 0xaca0u, 0xacb2u, 0xace0u, 0xad01u, 0xad10u, 0xae01u, 0xae22u, 0xae40u,
    0xae63u, 0xaf05u, 0xaf16u, 0xaf20u, 0xaf91u, 0xafa2u, 0xb000u, 0xb012u, 0xb040u, 0xb051u,
    0xb0d0u, 0xb0f1u, 0xb110u, 0xb131u, 0xb290u, 0xb2a1u, 0xb310u, 0xb321u, 0xb340u, 0xb351u,
    0xb3a0u, 0xb3c2u, 0xb3d1u, 0xb3e2u, 0xb450u, 0xb472u, 0xb490u, 0xb4b2u, 0xb4e0u, 0xb552u,
    0xb580u, 0xb5c1u, 0xb5e0u, 0xb5f1u, 0xb622u, 0xb640u, 0xb663u, 0xb706u, 0xb711u, 0xb724u,
    0xb780u, 0xb822u, 0xb831u, 0xb840u, 0xb851u, 0xb8b0u, 0xb8e1u, 0xb910u, 0xb921u, 0xb960u,
    0xb991u, 0xb9b0u, 0xb9c1u, 0xb9d0u, 0xb9e1u, 0xba00u, 0xba31u, 0xba50u, 0xba81u, 0xbab0u,
    0xbae1u, 0xbba0u, 0xbbe2u, 0xbc30u, 0xbc62u, 0xbc90u, 0xbca2u, 0xbce0u, 0xbd01u, 0xbd10u,
    0xbd72u, 0xbd80u, 0xbe63u, 0xbf04u, 0xbf36u, 0xbfb0u, 0xc002u, 0xc051u, 0xc0d0u, 0xc0e1u,
    0xc110u, 0xc121u, 0xc290u, 0xc2a1u, 0xc3a0u, 0xc3c2u, 0xc3d1u, 0xc3e2u, 0xc450u, 0xc462u,
    0xc490u, 0xc4a2u, 0xc4e0u, 0xc552u, 0xc570u, 0xc581u, 0xc5b0u, 0xc5d1u, 0xc5e0u, 0xc601u,
    0xc622u, 0xc640u, 0xc663u, 0xc700u, 0xc775u, 0xc784u, 0xc7f6u, 0xc801u, 0xc812u, 0xc845u,
    0xc851u, 0xc8d0u, 0xc8e1u, 0xc910u, 0xc921u, 0xca90u, 0xcaa1u, 0xcb40u, 0xcb51u, 0xcba0u,
    0xcbc2u, 0xcbd1u, 0xcbe2u, 0xcc50u, 0xcc62u, 0xcc90u, 0xcca2u, 0xcce0u, 0xcd52u, 0xcd70u,
    0xcdd1u, 0xcdf0u, 0xce01u, 0xce22u, 0xce40u, 0xce63u, 0xcf00u, 0xcf11u, 0xcf30u, 0xd002u,
    0xd041u, 0xd0d0u, 0xd0e1u, 0xd110u, 0xd121u, 0xd3b2u, 0xd3d1u, 0xd3e2u, 0xd450u, 0xd462u,
    0xd490u, 0xd4a2u, 0xd4e1u, 0xd4f6u, 0xd500u, 0xd541u, 0xd572u, 0xd584u, 0xd5f1u, 0xd622u,
    0xd640u, 0xd663u, 0xd704u, 0xd796u, 0xd7a1u, 0xd800u, 0xd812u, 0xd840u, 0xd851u, 0xd970u,
    0xd9a1u, 0xdb20u, 0xdb31u, 0xdbc0u, 0xdbd1u, 0xdbe0u, 0xdc01u, 0xdc70u, 0xdca2u, 0xdcb0u,
    0xdcf2u, 0xdd50u, 0xdd62u, 0xdd70u, 0xdd82u, 0xde00u, 0xde63u, 0xdf00u, 0xdf22u, 0xdf45u,
    0xdf50u, 0xe011u, 0xe312u, 0xe321u, 0xe342u, 0xe3b0u, 0xe3f6u, 0xe401u, 0xe472u, 0xe4f5u,
    0xe503u, 0xe5a5u, 0xe5c0u, 0xe811u, 0xe830u, 0xe841u, 0xe850u, 0xe861u, 0xe8b0u, 0xe8c1u,
    0xea40u, 0xea51u, 0xea60u, 0xea71u, 0xeb12u, 0xeb21u, 0xeb42u, 0xebd1u, 0xebe0u, 0xec01u,
    0xec50u, 0xec61u, 0xec70u, 0xec82u, 0xece0u, 0xed03u, 0xeda0u, 0xedc1u, 0xee00u, 0xf001u,
    0xf016u, 0xf045u, 0xf136u, 0xf145u, 0xf156u, 0xf182u, 0xf1a6u, 0xf203u, 0xf2a4u, 0xf346u,
    0xf352u, 0xf366u, 0xf372u, 0xf386u, 0xf392u, 0xf3a5u, 0xf3e2u, 0xf401u, 0xf480u, 0xf491u,
    0xf6d0u, 0xf712u, 0xf855u, 0xf862u, 0xf881u, 0xf8d2u, 0xf980u, 0xf992u, 0xfbd0u, 0xfbe6u,
    0xfc62u, 0xfc76u, 0xfcd0u, 0xfce6u, 0xfd05u, 0xfd56u, 0xfd95u, 0xfdb0u, 0x10001u, 0x102b2u,
    0x103f1u, 0x10403u, 0x104a5u, 0x10501u, 0x10562u, 0x105a1u, 0x105e2u, 0x10611u, 0x10622u,
    0x10651u, 0x10672u, 0x106e1u, 0x10712u, 0x10751u, 0x10822u, 0x108e1u, 0x108f2u, 0x10903u,
    0x109a2u, 0x109e6u, 0x10a01u, 0x10c60u, 0x10c71u, 0x10c80u, 0x10cd1u, 0x10ce0u, 0x10d01u,
    0x10fb5u, 0x10fc1u, 0x12490u, 0x124a1u, 0x124e0u, 0x12501u, 0x12570u, 0x12581u, 0x12590u,
    0x125a1u, 0x125e0u, 0x12601u, 0x12890u, 0x128a1u, 0x128e0u, 0x12901u, 0x12b10u, 0x12b21u,
    0x12b60u, 0x12b81u, 0x12bf0u, 0x12c01u, 0x12c10u, 0x12c21u, 0x12c60u, 0x12c81u, 0x12d70u,
    0x12d81u, 0x13110u, 0x13121u, 0x13160u, 0x13181u, 0x135b0u, 0x135d2u, 0x13605u, 0x13694u,
    0x137d0u, 0x13801u, 0x13906u, 0x139a0u, 0x13a01u, 0x13f60u, 0x13f81u, 0x13fe0u, 0x14005u,
    0x14011u, 0x166d6u, 0x166e5u, 0x166f1u, 0x16807u, 0x16811u, 0x169b5u, 0x169d0u, 0x16a01u,
    0x16eb5u, 0x16ee4u, 0x16f11u, 0x16f90u, 0x17001u, 0x17122u, 0x17160u, 0x171f1u, 0x17322u,
    0x17355u, 0x17370u, 0x17401u, 0x17522u, 0x17540u, 0x17601u, 0x176d0u, 0x176e1u, 0x17710u,
    0x17722u, 0x17740u, 0x17801u, 0x17b42u, 0x17d45u, 0x17d71u, 0x17d85u, 0x17db6u, 0x17dc1u,
    0x17dd2u, 0x17de0u, 0x17e03u, 0x17ea0u, 0x17f04u, 0x17fa0u, 0x18005u, 0x180b2u, 0x180e0u,
    0x180f2u, 0x18103u, 0x181a0u, 0x18201u, 0x18790u, 0x18801u, 0x18852u, 0x18871u, 0x18a92u,
    0x18aa1u, 0x18ab0u, 0x18b01u, 0x18f60u, 0x19001u, 0x191f0u, 0x19202u, 0x192c0u, 0x19302u,
    0x193c0u, 0x19406u, 0x19410u, 0x19445u, 0x19463u, 0x19501u, 0x196e0u, 0x19701u, 0x19750u,
    0x19801u, 0x19ac0u, 0x19b01u, 0x19ca0u, 0x19d03u, 0x19da4u, 0x19db0u, 0x19de6u, 0x1a001u,
    0x1a172u, 0x1a1c0u, 0x1a1e5u, 0x1a201u, 0x1a552u, 0x1a5f0u, 0x1a602u, 0x1a7d0u, 0x1a7f2u,
    0x1a803u, 0x1a8a0u, 0x1a903u, 0x1a9a0u, 0x1aa05u, 0x1aa71u, 0x1aa85u, 0x1aae0u, 0x1ab02u,
    0x1acf0u, 0x1b002u, 0x1b051u, 0x1b342u, 0x1b451u, 0x1b4d0u, 0x1b503u, 0x1b5a5u, 0x1b616u,
    0x1b6b2u, 0x1b746u, 0x1b7d5u, 0x1b7f0u, 0x1b802u, 0x1b831u, 0x1ba12u, 0x1bae1u, 0x1bb03u,
    0x1bba1u, 0x1be62u, 0x1bf40u, 0x1bfc5u, 0x1c001u, 0x1c242u, 0x1c380u, 0x1c3b5u, 0x1c403u,
    0x1c4a0u, 0x1c4d1u, 0x1c503u, 0x1c5a1u, 0x1c7e5u, 0x1c801u, 0x1c890u, 0x1c901u, 0x1cbb0u,
    0x1cbd1u, 0x1cc05u, 0x1cc80u, 0x1cd02u, 0x1cd35u, 0x1cd42u, 0x1ce91u, 0x1ced2u, 0x1cee1u,
    0x1cf42u, 0x1cf51u, 0x1cf72u, 0x1cfa1u, 0x1cfb0u, 0x1d001u, 0x1dc02u, 0x1e001u, 0x1f160u,
    0x1f181u, 0x1f1e0u, 0x1f201u, 0x1f460u, 0x1f481u, 0x1f4e0u, 0x1f501u, 0x1f580u, 0x1f591u,
    0x1f5a0u, 0x1f5b1u, 0x1f5c0u, 0x1f5d1u, 0x1f5e0u, 0x1f5f1u, 0x1f7e0u, 0x1f801u, 0x1fb50u,
    0x1fb61u, 0x1fbd6u, 0x1fbe1u, 0x1fbf6u, 0x1fc21u, 0x1fc50u, 0x1fc61u, 0x1fcd6u, 0x1fd01u,
    0x1fd40u, 0x1fd61u, 0x1fdc0u, 0x1fdd6u, 0x1fe01u, 0x1fed6u, 0x1ff00u, 0x1ff21u, 0x1ff50u,
    0x1ff61u, 0x1ffd6u, 0x1fff0u, 0x20007u, 0x200b0u, 0x20105u, 0x20287u, 0x202a0u, 0x202f7u,
    0x20305u, 0x20446u, 0x20455u, 0x20526u, 0x20535u, 0x205f7u, 0x20600u, 0x20704u, 0x20711u,
    0x20720u, 0x20744u, 0x207a6u, 0x207d5u, 0x207f1u, 0x20804u, 0x208a6u, 0x208d5u, 0x208f0u,
    0x20901u, 0x209d0u, 0x20a06u, 0x20c10u, 0x20d02u, 0x20f10u, 0x21006u, 0x21021u, 0x21036u,
    0x21071u, 0x21086u, 0x210a1u, 0x21146u, 0x21151u, 0x21166u, 0x21191u, 0x211e6u, 0x21241u,
    0x21256u, 0x21261u, 0x21276u, 0x21281u, 0x21296u, 0x212a1u, 0x212e6u, 0x212f1u, 0x213a6u,
    0x213c1u, 0x21406u, 0x21451u, 0x214a6u, 0x214e1u, 0x214f6u, 0x21504u, 0x21831u, 0x21854u,
    0x218a6u, 0x218c0u, 0x21906u, 0x23085u, 0x230c6u, 0x23295u, 0x232b6u, 0x24270u, 0x24406u,
    0x244b0u, 0x24604u, 0x249c6u, 0x24ea4u, 0x25006u, 0x27685u, 0x27764u, 0x27946u, 0x27c55u,
    0x27c76u, 0x27e65u, 0x27f06u, 0x29835u, 0x29996u, 0x29d85u, 0x29dc6u, 0x29fc5u, 0x29fe6u,
    0x2b740u, 0x2b766u, 0x2b960u, 0x2b976u, 0x2c001u, 0x2ce56u, 0x2ceb1u, 0x2cef2u, 0x2cf21u,
    0x2cf40u, 0x2cf95u, 0x2cfd4u, 0x2cfe5u, 0x2d001u, 0x2d260u, 0x2d271u, 0x2d280u, 0x2d2d1u,
    0x2d2e0u, 0x2d301u, 0x2d680u, 0x2d6f1u, 0x2d705u, 0x2d710u, 0x2d7f2u, 0x2d801u, 0x2d970u,
    0x2da01u, 0x2da70u, 0x2da81u, 0x2daf0u, 0x2db01u, 0x2db70u, 0x2db81u, 0x2dbf0u, 0x2dc01u,
    0x2dc70u, 0x2dc81u, 0x2dcf0u, 0x2dd01u, 0x2dd70u, 0x2dd81u, 0x2ddf0u, 0x2de02u, 0x2e005u,
    0x2e2f1u, 0x2e305u, 0x2e506u, 0x2e525u, 0x2e5e0u, 0x2e806u, 0x2e9a0u, 0x2e9b6u, 0x2ef40u,
    0x2f006u, 0x2fd60u, 0x2ff06u, 0x2ffc0u, 0x30007u, 0x30015u, 0x30046u, 0x30051u, 0x30074u,
    0x30085u, 0x30126u, 0x30145u, 0x30206u, 0x30214u, 0x302a2u, 0x30305u, 0x30311u, 0x30366u,
    0x30384u, 0x303b1u, 0x303d5u, 0x303e6u, 0x30400u, 0x30411u, 0x30970u, 0x30992u, 0x309b6u,
    0x309d1u, 0x30a05u, 0x30a11u, 0x30fb5u, 0x30fc1u, 0x31000u, 0x31051u, 0x31300u, 0x31311u,
    0x318f0u, 0x31906u, 0x31924u, 0x31966u, 0x31a01u, 0x31c06u, 0x31e40u, 0x31f01u, 0x32006u,
    0x321f0u, 0x32204u, 0x322a6u, 0x32484u, 0x32506u, 0x32514u, 0x32606u, 0x32804u, 0x328a6u,
    0x32b14u, 0x32c06u, 0x34001u, 0x4dc06u, 0x4e001u, 0xa48d0u, 0xa4906u, 0xa4c70u, 0xa4d01u,
    0xa4fe5u, 0xa5001u, 0xa60d5u, 0xa6101u, 0xa6203u, 0xa62a1u, 0xa62c0u, 0xa6401u, 0xa66f2u,
    0xa6735u, 0xa6742u, 0xa67e5u, 0xa67f1u, 0xa69e2u, 0xa6a01u, 0xa6e64u, 0xa6f02u, 0xa6f25u,
    0xa6f80u, 0xa7006u, 0xa7171u, 0xa7206u, 0xa7221u, 0xa7896u, 0xa78b1u, 0xa7cb0u, 0xa7d01u,
    0xa7d20u, 0xa7d31u, 0xa7d40u, 0xa7d51u, 0xa7da0u, 0xa7f21u, 0xa8022u, 0xa8031u, 0xa8062u,
    0xa8071u, 0xa80b2u, 0xa80c1u, 0xa8232u, 0xa8286u, 0xa82c2u, 0xa82d0u, 0xa8304u, 0xa8366u,
    0xa83a0u, 0xa8401u, 0xa8745u, 0xa8780u, 0xa8802u, 0xa8821u, 0xa8b42u, 0xa8c60u, 0xa8ce5u,
    0xa8d03u, 0xa8da0u, 0xa8e02u, 0xa8f21u, 0xa8f85u, 0xa8fb1u, 0xa8fc5u, 0xa8fd1u, 0xa8ff2u,
    0xa9003u, 0xa90a1u, 0xa9262u, 0xa92e5u, 0xa9301u, 0xa9472u, 0xa9540u, 0xa95f5u, 0xa9601u,
    0xa97d0u, 0xa9802u, 0xa9841u, 0xa9b32u, 0xa9c15u, 0xa9ce0u, 0xa9cf1u, 0xa9d03u, 0xa9da0u,
    0xa9de5u, 0xa9e01u, 0xa9e52u, 0xa9e61u, 0xa9f03u, 0xa9fa1u, 0xa9ff0u, 0xaa001u, 0xaa292u,
    0xaa370u, 0xaa401u, 0xaa432u, 0xaa441u, 0xaa4c2u, 0xaa4e0u, 0xaa503u, 0xaa5a0u, 0xaa5c5u,
    0xaa601u, 0xaa776u, 0xaa7a1u, 0xaa7b2u, 0xaa7e1u, 0xaab02u, 0xaab11u, 0xaab22u, 0xaab51u,
    0xaab72u, 0xaab91u, 0xaabe2u, 0xaac01u, 0xaac12u, 0xaac21u, 0xaac30u, 0xaadb1u, 0xaade5u,
    0xaae01u, 0xaaeb2u, 0xaaf05u, 0xaaf21u, 0xaaf52u, 0xaaf70u, 0xab011u, 0xab070u, 0xab091u,
    0xab0f0u, 0xab111u, 0xab170u, 0xab201u, 0xab270u, 0xab281u, 0xab2f0u, 0xab301u, 0xab5b6u,
    0xab5c1u, 0xab6a6u, 0xab6c0u, 0xab701u, 0xabe32u, 0xabeb5u, 0xabec2u, 0xabee0u, 0xabf03u,
    0xabfa0u, 0xac001u, 0xd7a40u, 0xd7b01u, 0xd7c70u, 0xd7cb1u, 0xd7fc0u, 0xf9001u, 0xfa6e0u,
    0xfa701u, 0xfada0u, 0xfb001u, 0xfb070u, 0xfb131u, 0xfb180u, 0xfb1d1u, 0xfb1e2u, 0xfb1f1u,
    0xfb296u, 0xfb2a1u, 0xfb370u, 0xfb381u, 0xfb3d0u, 0xfb3e1u, 0xfb3f0u, 0xfb401u, 0xfb420u,
    0xfb431u, 0xfb450u, 0xfb461u, 0xfbb26u, 0xfbc30u, 0xfbd31u, 0xfd3e5u, 0xfd406u, 0xfd501u,
    0xfd900u, 0xfd921u, 0xfdc80u, 0xfdcf6u, 0xfdd00u, 0xfdf01u, 0xfdfc6u, 0xfe002u, 0xfe105u,
    0xfe1a0u, 0xfe202u, 0xfe305u, 0xfe530u, 0xfe545u, 0xfe626u, 0xfe635u, 0xfe646u, 0xfe670u,
    0xfe685u, 0xfe696u, 0xfe6a5u, 0xfe6c0u, 0xfe701u, 0xfe750u, 0xfe761u, 0xfefd0u, 0xff015u,
    0xff046u, 0xff055u, 0xff0b6u, 0xff0c5u, 0xff103u, 0xff1a5u, 0xff1c6u, 0xff1f5u, 0xff211u,
    0xff3b5u, 0xff3e6u, 0xff3f5u, 0xff406u, 0xff411u, 0xff5b5u, 0xff5c6u, 0xff5d5u, 0xff5e6u,
    0xff5f5u, 0xff661u, 0xffbf0u, 0xffc21u, 0xffc80u, 0xffca1u, 0xffd00u, 0xffd21u, 0xffd80u,
    0xffda1u, 0xffdd0u, 0xffe06u, 0xffe70u, 0xffe86u, 0xffef0u, 0xfffc6u, 0xfffe0u, 0x100001u,
    0x1000c0u, 0x1000d1u, 0x100270u, 0x100281u, 0x1003b0u, 0x1003c1u, 0x1003e0u, 0x1003f1u,
    0x1004e0u, 0x100501u, 0x1005e0u, 0x100801u, 0x100fb0u, 0x101005u, 0x101030u, 0x101074u,
    0x101340u, 0x101376u, 0x101404u, 0x101796u, 0x1018a4u, 0x1018c6u, 0x1018f0u, 0x101906u,
    0x1019d0u, 0x101a06u, 0x101a10u, 0x101d06u, 0x101fd2u, 0x101fe0u, 0x102801u, 0x1029d0u,
    0x102a01u, 0x102d10u, 0x102e02u, 0x102e14u, 0x102fc0u, 0x103001u, 0x103204u, 0x103240u,
    0x1032d1u, 0x103414u, 0x103421u, 0x1034a4u, 0x1034b0u, 0x103501u, 0x103762u, 0x1037b0u,
    0x103801u, 0x1039e0u, 0x1039f5u, 0x103a01u, 0x103c40u, 0x103c81u, 0x103d05u, 0x103d14u,
    0x103d60u, 0x104001u, 0x1049e0u, 0x104a03u, 0x104aa0u, 0x104b01u, 0x104d40u, 0x104d81u,
    0x104fc0u, 0x105001u, 0x105280u, 0x105301u, 0x105640u, 0x1056f5u, 0x105701u, 0x1057b0u,
    0x1057c1u, 0x1058b0u, 0x1058c1u, 0x105930u, 0x105941u, 0x105960u, 0x105971u, 0x105a20u,
    0x105a31u, 0x105b20u, 0x105b31u, 0x105ba0u, 0x105bb1u, 0x105bd0u, 0x106001u, 0x107370u,
    0x107401u, 0x107560u, 0x107601u, 0x107680u, 0x107801u, 0x107860u, 0x107871u, 0x107b10u,
    0x107b21u, 0x107bb0u, 0x108001u, 0x108060u, 0x108081u, 0x108090u, 0x1080a1u, 0x108360u,
    0x108371u, 0x108390u, 0x1083c1u, 0x1083d0u, 0x1083f1u, 0x108560u, 0x108575u, 0x108584u,
    0x108601u, 0x108776u, 0x108794u, 0x108801u, 0x1089f0u, 0x108a74u, 0x108b00u, 0x108e01u,
    0x108f30u, 0x108f41u, 0x108f60u, 0x108fb4u, 0x109001u, 0x109164u, 0x1091c0u, 0x1091f5u,
    0x109201u, 0x1093a0u, 0x1093f5u, 0x109400u, 0x109801u, 0x109b80u, 0x109bc4u, 0x109be1u,
    0x109c04u, 0x109d00u, 0x109d24u, 0x10a001u, 0x10a012u, 0x10a040u, 0x10a052u, 0x10a070u,
    0x10a0c2u, 0x10a101u, 0x10a140u, 0x10a151u, 0x10a180u, 0x10a191u, 0x10a360u, 0x10a382u,
    0x10a3b0u, 0x10a3f2u, 0x10a404u, 0x10a490u, 0x10a505u, 0x10a590u, 0x10a601u, 0x10a7d4u,
    0x10a7f5u, 0x10a801u, 0x10a9d4u, 0x10aa00u, 0x10ac01u, 0x10ac86u, 0x10ac91u, 0x10ae52u,
    0x10ae70u, 0x10aeb4u, 0x10af05u, 0x10af70u, 0x10b001u, 0x10b360u, 0x10b395u, 0x10b401u,
    0x10b560u, 0x10b584u, 0x10b601u, 0x10b730u, 0x10b784u, 0x10b801u, 0x10b920u, 0x10b995u,
    0x10b9d0u, 0x10ba94u, 0x10bb00u, 0x10c001u, 0x10c490u, 0x10c801u, 0x10cb30u, 0x10cc01u,
    0x10cf30u, 0x10cfa4u, 0x10d001u, 0x10d242u, 0x10d280u, 0x10d303u, 0x10d3a0u, 0x10e604u,
    0x10e7f0u, 0x10e801u, 0x10eaa0u, 0x10eab2u, 0x10ead5u, 0x10eae0u, 0x10eb01u, 0x10eb20u,
    0x10f001u, 0x10f1d4u, 0x10f271u, 0x10f280u, 0x10f301u, 0x10f462u, 0x10f514u, 0x10f555u,
    0x10f5a0u, 0x10f701u, 0x10f822u, 0x10f865u, 0x10f8a0u, 0x10fb01u, 0x10fc54u, 0x10fcc0u,
    0x10fe01u, 0x10ff70u, 0x110002u, 0x110031u, 0x110382u, 0x110475u, 0x1104e0u, 0x110524u,
    0x110663u, 0x110702u, 0x110711u, 0x110732u, 0x110751u, 0x110760u, 0x1107f2u, 0x110831u,
    0x110b02u, 0x110bb5u, 0x110bd0u, 0x110be5u, 0x110c22u, 0x110c30u, 0x110d01u, 0x110e90u,
    0x110f03u, 0x110fa0u, 0x111002u, 0x111031u, 0x111272u, 0x111350u, 0x111363u, 0x111405u,
    0x111441u, 0x111452u, 0x111471u, 0x111480u, 0x111501u, 0x111732u, 0x111745u, 0x111761u,
    0x111770u, 0x111802u, 0x111831u, 0x111b32u, 0x111c11u, 0x111c55u, 0x111c92u, 0x111cd5u,
    0x111ce2u, 0x111d03u, 0x111da1u, 0x111db5u, 0x111dc1u, 0x111dd5u, 0x111e00u, 0x111e14u,
    0x111f50u, 0x112001u, 0x112120u, 0x112131u, 0x1122c2u, 0x112385u, 0x1123e2u, 0x1123f0u,
    0x112801u, 0x112870u, 0x112881u, 0x112890u, 0x1128a1u, 0x1128e0u, 0x1128f1u, 0x1129e0u,
    0x1129f1u, 0x112a95u, 0x112aa0u, 0x112b01u, 0x112df2u, 0x112eb0u, 0x112f03u, 0x112fa0u,
    0x113002u, 0x113040u, 0x113051u, 0x1130d0u, 0x1130f1u, 0x113110u, 0x113131u, 0x113290u,
    0x1132a1u, 0x113310u, 0x113321u, 0x113340u, 0x113351u, 0x1133a0u, 0x1133b2u, 0x1133d1u,
    0x1133e2u, 0x113450u, 0x113472u, 0x113490u, 0x1134b2u, 0x1134e0u, 0x113501u, 0x113510u,
    0x113572u, 0x113580u, 0x1135d1u, 0x113622u, 0x113640u, 0x113662u, 0x1136d0u, 0x113702u,
    0x113750u, 0x114001u, 0x114352u, 0x114471u, 0x1144b5u, 0x114503u, 0x1145a5u, 0x1145c0u,
    0x1145d5u, 0x1145e2u, 0x1145f1u, 0x114620u, 0x114801u, 0x114b02u, 0x114c41u, 0x114c65u,
    0x114c71u, 0x114c80u, 0x114d03u, 0x114da0u, 0x115801u, 0x115af2u, 0x115b60u, 0x115b82u,
    0x115c15u, 0x115d81u, 0x115dc2u, 0x115de0u, 0x116001u, 0x116302u, 0x116415u, 0x116441u,
    0x116450u, 0x116503u, 0x1165a0u, 0x116605u, 0x1166d0u, 0x116801u, 0x116ab2u, 0x116b81u,
    0x116b95u, 0x116ba0u, 0x116c03u, 0x116ca0u, 0x117001u, 0x1171b0u, 0x1171d2u, 0x1172c0u,
    0x117303u, 0x1173a4u, 0x1173c5u, 0x1173f6u, 0x117401u, 0x117470u, 0x118001u, 0x1182c2u,
    0x1183b5u, 0x1183c0u, 0x118a01u, 0x118e03u, 0x118ea4u, 0x118f30u, 0x118ff1u, 0x119070u,
    0x119091u, 0x1190a0u, 0x1190c1u, 0x119140u, 0x119151u, 0x119170u, 0x119181u, 0x119302u,
    0x119360u, 0x119372u, 0x119390u, 0x1193b2u, 0x1193f1u, 0x119402u, 0x119411u, 0x119422u,
    0x119445u, 0x119470u, 0x119503u, 0x1195a0u, 0x119a01u, 0x119a80u, 0x119aa1u, 0x119d12u,
    0x119d80u, 0x119da2u, 0x119e11u, 0x119e25u, 0x119e31u, 0x119e42u, 0x119e50u, 0x11a001u,
    0x11a012u, 0x11a0b1u, 0x11a332u, 0x11a3a1u, 0x11a3b2u, 0x11a3f5u, 0x11a472u, 0x11a480u,
    0x11a501u, 0x11a512u, 0x11a5c1u, 0x11a8a2u, 0x11a9a5u, 0x11a9d1u, 0x11a9e5u, 0x11aa30u,
    0x11ab01u, 0x11af90u, 0x11c001u, 0x11c090u, 0x11c0a1u, 0x11c2f2u, 0x11c370u, 0x11c382u,
    0x11c401u, 0x11c415u, 0x11c460u, 0x11c503u, 0x11c5a4u, 0x11c6d0u, 0x11c705u, 0x11c721u,
    0x11c900u, 0x11c922u, 0x11ca80u, 0x11ca92u, 0x11cb70u, 0x11d001u, 0x11d070u, 0x11d081u,
    0x11d0a0u, 0x11d0b1u, 0x11d312u, 0x11d370u, 0x11d3a2u, 0x11d3b0u, 0x11d3c2u, 0x11d3e0u,
    0x11d3f2u, 0x11d461u, 0x11d472u, 0x11d480u, 0x11d503u, 0x11d5a0u, 0x11d601u, 0x11d660u,
    0x11d671u, 0x11d690u, 0x11d6a1u, 0x11d8a2u, 0x11d8f0u, 0x11d902u, 0x11d920u, 0x11d932u,
    0x11d981u, 0x11d990u, 0x11da03u, 0x11daa0u, 0x11ee01u, 0x11ef32u, 0x11ef75u, 0x11ef90u,
    0x11fb01u, 0x11fb10u, 0x11fc04u, 0x11fd56u, 0x11ff20u, 0x11fff5u, 0x120001u, 0x1239a0u,
    0x124004u, 0x1246f0u, 0x124705u, 0x124750u, 0x124801u, 0x125440u, 0x12f901u, 0x12ff15u,
    0x12ff30u, 0x130001u, 0x1342f0u, 0x144001u, 0x146470u, 0x168001u, 0x16a390u, 0x16a401u,
    0x16a5f0u, 0x16a603u, 0x16a6a0u, 0x16a6e5u, 0x16a701u, 0x16abf0u, 0x16ac03u, 0x16aca0u,
    0x16ad01u, 0x16aee0u, 0x16af02u, 0x16af55u, 0x16af60u, 0x16b001u, 0x16b302u, 0x16b375u,
    0x16b3c6u, 0x16b401u, 0x16b445u, 0x16b456u, 0x16b460u, 0x16b503u, 0x16b5a0u, 0x16b5b4u,
    0x16b620u, 0x16b631u, 0x16b780u, 0x16b7d1u, 0x16b900u, 0x16e401u, 0x16e804u, 0x16e975u,
    0x16e9b0u, 0x16f001u, 0x16f4b0u, 0x16f4f2u, 0x16f501u, 0x16f512u, 0x16f880u, 0x16f8f2u,
    0x16f931u, 0x16fa00u, 0x16fe01u, 0x16fe25u, 0x16fe31u, 0x16fe42u, 0x16fe50u, 0x16ff02u,
    0x16ff20u, 0x170001u, 0x187f80u, 0x188001u, 0x18cd60u, 0x18d001u, 0x18d090u, 0x1aff01u,
    0x1aff40u, 0x1aff51u, 0x1affc0u, 0x1affd1u, 0x1afff0u, 0x1b0001u, 0x1b1230u, 0x1b1501u,
    0x1b1530u, 0x1b1641u, 0x1b1680u, 0x1b1701u, 0x1b2fc0u, 0x1bc001u, 0x1bc6b0u, 0x1bc701u,
    0x1bc7d0u, 0x1bc801u, 0x1bc890u, 0x1bc901u, 0x1bc9a0u, 0x1bc9c6u, 0x1bc9d2u, 0x1bc9f5u,
    0x1bca00u, 0x1cf002u, 0x1cf2e0u, 0x1cf302u, 0x1cf470u, 0x1cf506u, 0x1cfc40u, 0x1d0006u,
    0x1d0f60u, 0x1d1006u, 0x1d1270u, 0x1d1296u, 0x1d1652u, 0x1d16a6u, 0x1d16d2u, 0x1d1730u,
    0x1d17b2u, 0x1d1836u, 0x1d1852u, 0x1d18c6u, 0x1d1aa2u, 0x1d1ae6u, 0x1d1eb0u, 0x1d2006u,
    0x1d2422u, 0x1d2456u, 0x1d2460u, 0x1d2e04u, 0x1d2f40u, 0x1d3006u, 0x1d3570u, 0x1d3604u,
    0x1d3790u, 0x1d4001u, 0x1d4550u, 0x1d4561u, 0x1d49d0u, 0x1d49e1u, 0x1d4a00u, 0x1d4a21u,
    0x1d4a30u, 0x1d4a51u, 0x1d4a70u, 0x1d4a91u, 0x1d4ad0u, 0x1d4ae1u, 0x1d4ba0u, 0x1d4bb1u,
    0x1d4bc0u, 0x1d4bd1u, 0x1d4c40u, 0x1d4c51u, 0x1d5060u, 0x1d5071u, 0x1d50b0u, 0x1d50d1u,
    0x1d5150u, 0x1d5161u, 0x1d51d0u, 0x1d51e1u, 0x1d53a0u, 0x1d53b1u, 0x1d53f0u, 0x1d5401u,
    0x1d5450u, 0x1d5461u, 0x1d5470u, 0x1d54a1u, 0x1d5510u, 0x1d5521u, 0x1d6a60u, 0x1d6a81u,
    0x1d6c16u, 0x1d6c21u, 0x1d6db6u, 0x1d6dc1u, 0x1d6fb6u, 0x1d6fc1u, 0x1d7156u, 0x1d7161u,
    0x1d7356u, 0x1d7361u, 0x1d74f6u, 0x1d7501u, 0x1d76f6u, 0x1d7701u, 0x1d7896u, 0x1d78a1u,
    0x1d7a96u, 0x1d7aa1u, 0x1d7c36u, 0x1d7c41u, 0x1d7cc0u, 0x1d7ce3u, 0x1d8006u, 0x1da002u,
    0x1da376u, 0x1da3b2u, 0x1da6d6u, 0x1da752u, 0x1da766u, 0x1da842u, 0x1da856u, 0x1da875u,
    0x1da8c0u, 0x1da9b2u, 0x1daa00u, 0x1daa12u, 0x1dab00u, 0x1df001u, 0x1df1f0u, 0x1e0002u,
    0x1e0070u, 0x1e0082u, 0x1e0190u, 0x1e01b2u, 0x1e0220u, 0x1e0232u, 0x1e0250u, 0x1e0262u,
    0x1e02b0u, 0x1e1001u, 0x1e12d0u, 0x1e1302u, 0x1e1371u, 0x1e13e0u, 0x1e1403u, 0x1e14a0u,
    0x1e14e1u, 0x1e14f6u, 0x1e1500u, 0x1e2901u, 0x1e2ae2u, 0x1e2af0u, 0x1e2c01u, 0x1e2ec2u,
    0x1e2f03u, 0x1e2fa0u, 0x1e2ff6u, 0x1e3000u, 0x1e7e01u, 0x1e7e70u, 0x1e7e81u, 0x1e7ec0u,
    0x1e7ed1u, 0x1e7ef0u, 0x1e7f01u, 0x1e7ff0u, 0x1e8001u, 0x1e8c50u, 0x1e8c74u, 0x1e8d02u,
    0x1e8d70u, 0x1e9001u, 0x1e9442u, 0x1e94b1u, 0x1e94c0u, 0x1e9503u, 0x1e95a0u, 0x1e95e5u,
    0x1e9600u, 0x1ec714u, 0x1ecac6u, 0x1ecad4u, 0x1ecb06u, 0x1ecb14u, 0x1ecb50u, 0x1ed014u,
    0x1ed2e6u, 0x1ed2f4u, 0x1ed3e0u, 0x1ee001u, 0x1ee040u, 0x1ee051u, 0x1ee200u, 0x1ee211u,
    0x1ee230u, 0x1ee241u, 0x1ee250u, 0x1ee271u, 0x1ee280u, 0x1ee291u, 0x1ee330u, 0x1ee341u,
    0x1ee380u, 0x1ee391u, 0x1ee3a0u, 0x1ee3b1u, 0x1ee3c0u, 0x1ee421u, 0x1ee430u, 0x1ee471u,
    0x1ee480u, 0x1ee491u, 0x1ee4a0u, 0x1ee4b1u, 0x1ee4c0u, 0x1ee4d1u, 0x1ee500u, 0x1ee511u,
    0x1ee530u, 0x1ee541u, 0x1ee550u, 0x1ee571u, 0x1ee580u, 0x1ee591u, 0x1ee5a0u, 0x1ee5b1u,
    0x1ee5c0u, 0x1ee5d1u, 0x1ee5e0u, 0x1ee5f1u, 0x1ee600u, 0x1ee611u, 0x1ee630u, 0x1ee641u,
    0x1ee650u, 0x1ee671u, 0x1ee6b0u, 0x1ee6c1u, 0x1ee730u, 0x1ee741u, 0x1ee780u, 0x1ee791u,
    0x1ee7d0u, 0x1ee7e1u, 0x1ee7f0u, 0x1ee801u, 0x1ee8a0u, 0x1ee8b1u, 0x1ee9c0u, 0x1eea11u,
    0x1eea40u, 0x1eea51u, 0x1eeaa0u, 0x1eeab1u, 0x1eebc0u, 0x1eef06u, 0x1eef20u, 0x1f0006u,
    0x1f02c0u, 0x1f0306u, 0x1f0940u, 0x1f0a06u, 0x1f0af0u, 0x1f0b16u, 0x1f0c00u, 0x1f0c16u,
    0x1f0d00u, 0x1f0d16u, 0x1f0f60u, 0x1f1004u, 0x1f10d6u, 0x1f1ae0u, 0x1f1e66u, 0x1f2030u,
    0x1f2106u, 0x1f23c0u, 0x1f2406u, 0x1f2490u, 0x1f2506u, 0x1f2520u, 0x1f2606u, 0x1f2660u,
    0x1f3006u, 0x1f6d80u, 0x1f6dd6u, 0x1f6ed0u, 0x1f6f06u, 0x1f6fd0u, 0x1f7006u, 0x1f7740u,
    0x1f7806u, 0x1f7d90u, 0x1f7e06u, 0x1f7ec0u, 0x1f7f06u, 0x1f7f10u, 0x1f8006u, 0x1f80c0u,
    0x1f8106u, 0x1f8480u, 0x1f8506u, 0x1f85a0u, 0x1f8606u, 0x1f8880u, 0x1f8906u, 0x1f8ae0u,
    0x1f8b06u, 0x1f8b20u, 0x1f9006u, 0x1fa540u, 0x1fa606u, 0x1fa6e0u, 0x1fa706u, 0x1fa750u,
    0x1fa786u, 0x1fa7d0u, 0x1fa806u, 0x1fa870u, 0x1fa906u, 0x1faad0u, 0x1fab06u, 0x1fabb0u,
    0x1fac06u, 0x1fac60u, 0x1fad06u, 0x1fada0u, 0x1fae06u, 0x1fae80u, 0x1faf06u, 0x1faf70u,
    0x1fb006u, 0x1fb930u, 0x1fb946u, 0x1fbcb0u, 0x1fbf03u, 0x1fbfa0u, 0x200001u, 0x2a6e00u,
    0x2a7001u, 0x2b7390u, 0x2b7401u, 0x2b81e0u, 0x2b8201u, 0x2cea20u, 0x2ceb01u, 0x2ebe10u,
    0x2f8001u, 0x2fa1e0u, 0x300001u, 0x3134b0u, 0xe01002u, 0xe01f00u,
};

unicode_category category_of(uint32_t cp) noexcept {
  const uint32_t key = (cp << 4) | 0xFu;
  const uint32_t* it = std::upper_bound(std::begin(k_unicode_runs), std::end(k_unicode_runs), key);
  return static_cast<unicode_category>(*(it - 1) & 0xFu);
}

/// Appends the ranges of every code point up to `max_cp` whose category is in `mask`.
void append_category_ranges(uint8_t mask, uint32_t max_cp, std::vector<cp_range>& out) {
  constexpr size_t count = std::size(k_unicode_runs);
  for (size_t k = 0; k < count; ++k) {
    const uint32_t lo = k_unicode_runs[k] >> 4;
    if (lo > max_cp) break;
    if ((mask & uc_bit(static_cast<unicode_category>(k_unicode_runs[k] & 0xFu))) == 0) continue;
    const uint32_t hi = k + 1 < count ? (k_unicode_runs[k + 1] >> 4) - 1 : k_max_code_point;
    out.push_back({lo, std::min(hi, max_cp)});
  }
}

/// Simple case partners for the `iu` flags: ASCII, Latin-1, Latin Extended-A, and the basic
/// Greek and Cyrillic alphabets. PCRE folds all of Unicode; these cover European names.
template <class F>
void for_each_case_partner(uint32_t cp, F&& add) {
  // PCRE's caseless sets of three: k K U+212A (Kelvin), s S U+017F (long s), å Å U+212B.
  if (cp == 'k' || cp == 'K' || cp == 0x212A || cp == 's' || cp == 'S' || cp == 0x17F ||
      cp == 0xE5 || cp == 0xC5 || cp == 0x212B) {
    const bool k = cp == 'k' || cp == 'K' || cp == 0x212A;
    const bool s = cp == 's' || cp == 'S' || cp == 0x17F;
    const std::array<uint32_t, 3> trio = k ? std::array<uint32_t, 3>{'k', 'K', 0x212A}
                                       : s ? std::array<uint32_t, 3>{'s', 'S', 0x17F}
                                           : std::array<uint32_t, 3>{0xE5, 0xC5, 0x212B};
    for (uint32_t t : trio) if (t != cp) add(t);
    return;
  }
  if (cp >= 'A' && cp <= 'Z') { add(cp + 32); return; }
  if (cp >= 'a' && cp <= 'z') { add(cp - 32); return; }
  if (cp == 0xB5) { add(0x39C); add(0x3BC); return; }
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) { add(cp + 32); return; }
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) { add(cp - 32); return; }
  if (cp == 0xFF) { add(0x178); return; }
  if (cp == 0x178) { add(0xFF); return; }
  if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
    add(cp ^ 1u);
    return;
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
    add((cp & 1u) != 0 ? cp + 1 : cp - 1);
    return;
  }
  if (cp == 0x3A3 || cp == 0x3C2 || cp == 0x3C3) {  // Σ σ ς
    for (uint32_t s : {0x3A3u, 0x3C2u, 0x3C3u}) if (s != cp) add(s);
    return;
  }
  if (cp == 0x39C || cp == 0x3BC) { add(cp == 0x39C ? 0x3BCu : 0x39Cu); add(0xB5); return; }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) { add(cp + 32); return; }
  if (cp >= 0x3B1 && cp <= 0x3C9) { add(cp - 32); return; }
  if (cp >= 0x400 && cp <= 0x40F) { add(cp + 0x50); return; }
  if (cp >= 0x450 && cp <= 0x45F) { add(cp - 0x50); return; }
  if (cp >= 0x410 && cp <= 0x42F) { add(cp + 32); return; }
  if (cp >= 0x430 && cp <= 0x44F) { add(cp - 32); return; }
}

void normalize(std::vector<cp_range>& ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const cp_range& x, const cp_range& y) { return x.lo < y.lo; });
  size_t out = 0;
  for (const cp_range& r : ranges) {
    if (out > 0 && r.lo <= ranges[out - 1].hi + 1) {
      ranges[out - 1].hi = std::max(ranges[out - 1].hi, r.hi);
    } else {
      ranges[out++] = r;
    }
  }
  ranges.resize(out);
}

std::vector<cp_range> complement(std::vector<cp_range> ranges, uint32_t max_cp) {
  normalize(ranges);
  std::vector<cp_range> out;
  uint32_t next = 0;
  for (const cp_range& r : ranges) {
    if (r.lo > next) out.push_back({next, r.lo - 1});
    next = r.hi + 1;
  }
  if (next <= max_cp) out.push_back({next, max_cp});
  return out;
}

void add_case_partners(std::vector<cp_range>& ranges, bool utf8) {
  // Only these stretches have partners, so a huge range costs no more than they do.
  static constexpr cp_range k_fold_domains[] = {
      {0x41, 0x5A}, {0x61, 0x7A}, {0xB5, 0xB5}, {0xC0, 0x17F}, {0x391, 0x3C9}, {0x400, 0x45F},
      {0x212A, 0x212B}};
  const size_t count = ranges.size();
  for (size_t k = 0; k < count; ++k) {
    const cp_range r = ranges[k];
    for (const cp_range& d : k_fold_domains) {
      if (!utf8 && d.lo >= 0x80) break;  // byte mode folds ASCII only, as PCRE's C tables do
      const uint32_t lo = std::max(r.lo, d.lo);
      const uint32_t hi = std::min(r.hi, d.hi);
      for (uint32_t cp = lo; cp <= hi && lo <= hi; ++cp) {
        for_each_case_partner(cp, [&](uint32_t partner) { ranges.push_back({partner, partner}); });
      }
    }
  }
}

/// Turns the ranges a class lists into the set the VM tests. Case partners are added before
/// negation, so /[^a]/i excludes both a and A, as in PCRE.
char_set make_set(std::vector<cp_range> ranges, bool negated, bool caseless, bool utf8) {
  if (caseless) add_case_partners(ranges, utf8);
  normalize(ranges);
  char_set cs;
  if (!utf8) {
    for (const cp_range& r : ranges) {
      for (uint32_t b = r.lo; b <= r.hi && b <= 0xFF; ++b) cs.add_byte(static_cast<unsigned char>(b));
    }
    if (negated) for (uint64_t& w : cs.bits) w = ~w;
    return cs;
  }
  for (const cp_range& r : ranges) {
    for (uint32_t b = r.lo; b <= r.hi && b < 0x80; ++b) cs.add_byte(static_cast<unsigned char>(b));
    if (r.hi >= 0x80) cs.wide.push_back({std::max(r.lo, 0x80u), r.hi});
  }
  if (negated) {
    cs.bits[0] = ~cs.bits[0];
    cs.bits[1] = ~cs.bits[1];
    cs.wide_negated = true;
  }
  cs.utf8 = cs.wide_negated || !cs.wide.empty();
  return cs;
}

/// The ranges of \d \w \s \h \v (lower-case letter); upper case gives the complement.
/// With u they follow Unicode (PCRE2_UCP): \d = Nd, \w = L N _, \s = Z \h \v.
std::vector<cp_range> class_escape_ranges(unsigned char letter, bool utf8) {
  std::vector<cp_range> r;
  const unsigned char lower = ascii_lower(letter);
  if (lower == 'h' || lower == 's') {
    r = {{'\t', '\t'}, {' ', ' '}, {0xA0, 0xA0}};
    if (utf8) r.insert(r.end(), {{0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200A},
                                 {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}});
  }
  if (lower == 'v' || lower == 's') {
    r.insert(r.end(), {{'\n', '\r'}, {0x85, 0x85}});
    if (utf8) r.push_back({0x2028, 0x2029});
  }
  if (lower == 's') {
    if (utf8) {
      append_category_ranges(uc_bit(uc_separator), k_max_code_point, r);
    } else {
      r = {{'\t', '\r'}, {' ', ' '}};  // without u: ASCII only (no 0x85, no 0xA0)
    }
  } else if (lower == 'd') {
    if (utf8) append_category_ranges(uc_bit(uc_decimal), k_max_code_point, r);
    else r = {{'0', '9'}};
  } else if (lower == 'w') {
    if (utf8) append_category_ranges(uc_word, k_max_code_point, r);
    else r = {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}};
    r.push_back({'_', '_'});
  }
  if (letter >= 'A' && letter <= 'Z') return complement(std::move(r), utf8 ? k_max_code_point : 0xFF);
  return r;
}

/// POSIX classes inside brackets ([:alpha:]): ASCII without u, Unicode categories with it
/// (as PCRE2_UCP maps them). 1 on success, 0 for an unknown name, -1 when refused under u.
int posix_class_ranges(std::string_view name, bool utf8, std::vector<cp_range>& r) {
  if (utf8) {
    if (name == "alpha") { append_category_ranges(uc_bit(uc_letter), k_max_code_point, r); return 1; }
    if (name == "alnum") { append_category_ranges(uc_word, k_max_code_point, r); return 1; }
    if (name == "digit") { append_category_ranges(uc_bit(uc_decimal), k_max_code_point, r); return 1; }
    if (name == "word") { r = class_escape_ranges('w', true); return 1; }
    if (name == "space") {
      r = {{'\t', '\r'}};
      append_category_ranges(uc_bit(uc_separator), k_max_code_point, r);
      return 1;
    }
    if (name == "blank") { r = class_escape_ranges('h', true); return 1; }
    if (name == "cntrl") { r = {{0, 0x1F}, {0x7F, 0x9F}}; return 1; }
    if (name == "punct") {  // PCRE2: P, and S below U+0100
      append_category_ranges(uc_bit(uc_punctuation), k_max_code_point, r);
      append_category_ranges(uc_bit(uc_symbol), 0xFF, r);
      return 1;
    }
    // Under UCP these need the finer categories (Lu, Ll, Cf) that the table leaves out.
    if (name == "upper" || name == "lower" || name == "graph" || name == "print") return -1;
  }
  if (name == "alpha") r = {{'A', 'Z'}, {'a', 'z'}};
  else if (name == "digit") r = {{'0', '9'}};
  else if (name == "alnum") r = {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}};
  else if (name == "upper") r = {{'A', 'Z'}};
  else if (name == "lower") r = {{'a', 'z'}};
  else if (name == "space") r = {{'\t', '\r'}, {' ', ' '}};
  else if (name == "blank") r = {{'\t', '\t'}, {' ', ' '}};
  else if (name == "punct") r = {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}};
  else if (name == "xdigit") r = {{'0', '9'}, {'A', 'F'}, {'a', 'f'}};
  else if (name == "word") r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
  else if (name == "cntrl") r = {{0, 0x1F}, {0x7F, 0x7F}};
  else if (name == "graph") r = {{'!', '~'}};
  else if (name == "print") r = {{' ', '~'}};
  else if (name == "ascii") r = {{0, 0x7F}};
  else return 0;
  return 1;
}

/// \p{..} names: the major general categories, Nd, and Any. 0 when not supported.
uint8_t property_mask(std::string_view name) {
  if (name == "L") return uc_bit(uc_letter);
  if (name == "M") return uc_bit(uc_mark);
  if (name == "N") return uc_numbers;
  if (name == "Nd") return uc_bit(uc_decimal);
  if (name == "P") return uc_bit(uc_punctuation);
  if (name == "S") return uc_bit(uc_symbol);
  if (name == "Z") return uc_bit(uc_separator);
  if (name == "C") return uc_bit(uc_other);
  if (name == "Any") return 0xFF;
  return 0;
}

// ── parser: pattern text → tree ─────────────────────────────────────────────

struct pattern_flags {
  bool caseless = false;         // i
  bool utf8 = false;             // u
  bool dotall = false;           // s
  bool multiline = false;        // m
  bool dollar_end_only = false;  // D
};

enum class node_kind : uint8_t { empty, literal, set, assertion, group, concat, alternation, repeat };

struct node {
  node_kind kind = node_kind::empty;
  uint32_t value = 0;  ///< literal: code point (a byte without u); set: index; assertion: kind; group/repeat: child
  uint32_t min = 0;
  uint32_t max = 0;
  bool greedy = true;
  size_t pos = 0;  ///< offset in the pattern, for messages
  std::vector<uint32_t> kids;
};

/// What one escape sequence stands for.
struct escape {
  enum class kind : uint8_t { character, set, assertion } what = kind::character;
  uint32_t code_point = 0;
  std::vector<cp_range> ranges;
  assertion anchor = assertion::start;
};

class parser {
 public:
  parser(std::string_view pattern, const pattern_flags& f, std::vector<char_set>& sets)
      : p_(pattern), f_(f), sets_(sets) {}

  /// The root node, or k_none with `error` and `error_pos` set.
  uint32_t parse() {
    if (f_.utf8) {
      for (size_t i = 0; i < p_.size();) {
        uint32_t cp = 0;
        const size_t len = decode_utf8(p_, i, cp);
        if (len == 0) { fail(i, "invalid UTF-8 in the pattern (u flag)"); return k_none; }
        i += len;
      }
    }
    const uint32_t root = parse_alternation(0);
    if (!error.empty()) return k_none;
    if (i_ < p_.size()) { fail(i_, "unmatched closing parenthesis"); return k_none; }
    return root;
  }

  std::vector<node> nodes;
  std::string error;
  size_t error_pos = 0;

 private:
  std::string_view p_;
  size_t i_ = 0;
  pattern_flags f_;
  std::vector<char_set>& sets_;
  uint32_t dot_set_ = k_none;

  bool fail(size_t pos, std::string message) {
    if (error.empty()) {
      error = std::move(message);
      error_pos = pos;
    }
    return false;
  }
  [[nodiscard]] bool at_end() const noexcept { return i_ >= p_.size(); }
  [[nodiscard]] unsigned char peek(size_t k = 0) const noexcept {
    return i_ + k < p_.size() ? static_cast<unsigned char>(p_[i_ + k]) : 0;
  }

  uint32_t add(node n) {
    nodes.push_back(std::move(n));
    return static_cast<uint32_t>(nodes.size() - 1);
  }
  uint32_t add_set(char_set cs) {
    sets_.push_back(std::move(cs));
    return static_cast<uint32_t>(sets_.size() - 1);
  }
  uint32_t set_node(char_set cs, size_t pos) {
    node n;
    n.kind = node_kind::set;
    n.value = add_set(std::move(cs));
    n.pos = pos;
    return add(std::move(n));
  }

  /// One literal character of the pattern: a code point with u, else a byte.
  uint32_t read_char() {
    if (!f_.utf8 || peek() < 0x80) return static_cast<unsigned char>(p_[i_++]);
    uint32_t cp = 0;
    i_ += decode_valid_utf8(reinterpret_cast<const unsigned char*>(p_.data() + i_), cp);
    return cp;
  }

  uint32_t literal_node(uint32_t cp, size_t pos) {
    // With iu a letter whose partners are not all ASCII (é, k with the Kelvin sign)
    // becomes a set of its partners; plain ASCII letters fold in the VM's `str`.
    bool needs_set = false;
    if (f_.caseless && f_.utf8) {
      for_each_case_partner(cp, [&](uint32_t partner) { needs_set = needs_set || cp >= 0x80 || partner >= 0x80; });
    }
    if (needs_set) {
      return set_node(make_set({{cp, cp}}, false, true, true), pos);
    }
    node n;
    n.kind = node_kind::literal;
    n.value = cp;
    n.pos = pos;
    return add(std::move(n));
  }

  uint32_t parse_alternation(int depth) {
    const size_t start = i_;
    std::vector<uint32_t> branches;
    branches.push_back(parse_sequence(depth));
    while (error.empty() && !at_end() && peek() == '|') {
      ++i_;
      branches.push_back(parse_sequence(depth));
    }
    if (!error.empty()) return k_none;
    if (branches.size() == 1) return branches[0];
    node n;
    n.kind = node_kind::alternation;
    n.pos = start;
    n.kids = std::move(branches);
    return add(std::move(n));
  }

  uint32_t parse_sequence(int depth) {
    const size_t start = i_;
    std::vector<uint32_t> items;
    while (!at_end() && peek() != '|' && peek() != ')') {
      uint32_t atom = parse_atom(depth);
      if (atom == k_none) return k_none;
      atom = parse_quantifiers(atom);
      if (atom == k_none) return k_none;
      items.push_back(atom);
    }
    if (items.size() == 1) return items[0];
    node n;
    n.kind = items.empty() ? node_kind::empty : node_kind::concat;
    n.pos = start;
    n.kids = std::move(items);
    return add(std::move(n));
  }

  /// 1 when a quantifier starts at `at` (bounds in min/max, its end in `end`), 0 when not
  /// (a `{` that is not a quantifier is a literal, as in PCRE), -1 on a malformed one.
  int quantifier_at(size_t at, uint32_t& min, uint32_t& max, size_t& end) {
    if (at >= p_.size()) return 0;
    const char c = p_[at];
    if (c == '*' || c == '+' || c == '?') {
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : k_unbounded;
      end = at + 1;
      return 1;
    }
    if (c != '{') return 0;
    size_t j = at + 1;
    auto read_number = [&](uint64_t& v) {
      size_t digits = 0;
      v = 0;
      while (j < p_.size() && is_digit(static_cast<unsigned char>(p_[j]))) {
        if (v <= k_max_repeat) v = v * 10 + static_cast<uint64_t>(p_[j] - '0');
        ++j;
        ++digits;
      }
      return digits;
    };
    uint64_t lo = 0;
    uint64_t hi = 0;
    if (read_number(lo) == 0) {
      // {,n}: a literal before PCRE2 10.43, {0,n} from it on. PHP versions disagree, so refuse.
      if (j < p_.size() && p_[j] == ',') {
        ++j;
        if (read_number(hi) > 0 && j < p_.size() && p_[j] == '}') {
          fail(at, "quantifier {,n} is not supported (its meaning differs across PCRE versions; write {0,n})");
          return -1;
        }
      }
      return 0;
    }
    if (j < p_.size() && p_[j] == '}') {
      hi = lo;
    } else if (j < p_.size() && p_[j] == ',') {
      ++j;
      const size_t digits = read_number(hi);
      if (j >= p_.size() || p_[j] != '}') return 0;
      if (digits == 0) hi = k_unbounded;
    } else {
      return 0;
    }
    end = j + 1;
    if (lo > k_max_repeat || (hi != k_unbounded && hi > k_max_repeat)) {
      fail(at, "number too big in {} quantifier (the limit is 65535)");
      return -1;
    }
    if (hi < lo) {
      fail(at, "numbers out of order in {} quantifier");
      return -1;
    }
    min = static_cast<uint32_t>(lo);
    max = static_cast<uint32_t>(hi);
    return 1;
  }

  uint32_t parse_quantifiers(uint32_t atom) {
    uint32_t min = 0;
    uint32_t max = 0;
    size_t end = 0;
    const int q = quantifier_at(i_, min, max, end);
    if (q < 0) return k_none;
    if (q == 0) return atom;
    if (nodes[atom].kind == node_kind::assertion) {
      fail(i_, "quantifier does not follow a repeatable item");
      return k_none;
    }
    const size_t at = i_;
    i_ = end;
    bool greedy = true;
    if (peek() == '?' && !at_end()) {
      greedy = false;
      ++i_;
    } else if (peek() == '+' && !at_end()) {
      fail(i_, "possessive quantifiers (*+ ++ ?+ {n}+) are not supported");
      return k_none;
    }
    uint32_t min2 = 0;
    uint32_t max2 = 0;
    size_t end2 = 0;
    const int q2 = quantifier_at(i_, min2, max2, end2);
    if (q2 < 0) return k_none;
    if (q2 > 0) {
      fail(i_, "quantifier does not follow a repeatable item");
      return k_none;
    }
    node n;
    n.kind = node_kind::repeat;
    n.value = atom;
    n.min = min;
    n.max = max;
    n.greedy = greedy;
    n.pos = at;
    return add(std::move(n));
  }

  uint32_t parse_atom(int depth) {
    const size_t at = i_;
    const unsigned char c = peek();
    switch (c) {
      case '(': return parse_group(depth);
      case '[': return parse_class();
      case '.': {
        ++i_;
        if (dot_set_ == k_none) {
          std::vector<cp_range> all{{0, f_.utf8 ? k_max_code_point : 0xFFu}};
          if (!f_.dotall) all = complement({{'\n', '\n'}}, f_.utf8 ? k_max_code_point : 0xFFu);
          dot_set_ = add_set(make_set(std::move(all), false, false, f_.utf8));
        }
        node n;
        n.kind = node_kind::set;
        n.value = dot_set_;
        n.pos = at;
        return add(std::move(n));
      }
      case '^':
      case '$': {
        ++i_;
        node n;
        n.kind = node_kind::assertion;
        n.pos = at;
        assertion a = assertion::start;
        if (c == '^') a = f_.multiline ? assertion::start_of_line : assertion::start;
        else if (f_.multiline) a = assertion::end_of_line;
        else a = f_.dollar_end_only ? assertion::end : assertion::end_or_final_newline;
        n.value = static_cast<uint32_t>(a);
        return add(std::move(n));
      }
      case '\\': {
        escape e;
        if (!parse_escape(false, e)) return k_none;
        if (e.what == escape::kind::character) return literal_node(e.code_point, at);
        if (e.what == escape::kind::set) return set_node(make_set(std::move(e.ranges), false, f_.caseless, f_.utf8), at);
        node n;
        n.kind = node_kind::assertion;
        n.value = static_cast<uint32_t>(e.anchor);
        n.pos = at;
        return add(std::move(n));
      }
      case '*':
      case '+':
      case '?':
        fail(at, "quantifier does not follow a repeatable item");
        return k_none;
      case '{': {
        uint32_t min = 0;
        uint32_t max = 0;
        size_t end = 0;
        const int q = quantifier_at(i_, min, max, end);
        if (q < 0) return k_none;
        if (q > 0) {
          fail(at, "quantifier does not follow a repeatable item");
          return k_none;
        }
        ++i_;
        return literal_node('{', at);
      }
      default: {
        const uint32_t cp = read_char();
        return literal_node(cp, at);
      }
    }
  }

  uint32_t parse_group(int depth) {
    const size_t open = i_;
    if (depth >= k_max_nesting) {
      fail(open, "parentheses are nested too deeply");
      return k_none;
    }
    ++i_;
    if (peek() == '?' && !at_end()) {
      const unsigned char k = peek(1);
      const unsigned char k2 = peek(2);
      if (k == ':') {
        i_ += 2;
      } else if (k == ')') {  // (?) sets no options: PCRE accepts it as nothing
        i_ += 2;
        node n;
        n.pos = open;
        return add(std::move(n));
      } else {
        const char* what = nullptr;
        if (k == '=') what = "lookahead (?=...) is not supported";
        else if (k == '!') what = "negative lookahead (?!...) is not supported";
        else if (k == '<' && k2 == '=') what = "lookbehind (?<=...) is not supported";
        else if (k == '<' && k2 == '!') what = "negative lookbehind (?<!...) is not supported";
        else if (k == '<' || k == 'P' || k == '\'') what = "named groups (?<name>...) are not supported";
        else if (k == '>') what = "atomic groups (?>...) are not supported";
        else if (k == '#') what = "comments (?#...) are not supported";
        else if (k == '|') what = "branch reset groups (?|...) are not supported";
        else if (k == '(') what = "conditional groups (?(...)...) are not supported";
        else if (k == 'R' || k == '&' || is_digit(k) || ((k == '+' || k == '-') && is_digit(k2)))
          what = "recursion and subroutine calls (?R) are not supported";
        else if (is_ascii_alpha(k) || k == '-' || k == '^')
          what = "inline flags (?i) are not supported; put flags after the closing delimiter";
        else what = "unrecognized character after (?";
        fail(open, what);
        return k_none;
      }
    } else if (peek() == '*' && !at_end()) {
      fail(open, "(*VERB) constructs are not supported");
      return k_none;
    }
    const uint32_t inner = parse_alternation(depth + 1);
    if (inner == k_none) return k_none;
    if (at_end() || peek() != ')') {
      fail(open, "missing closing parenthesis");
      return k_none;
    }
    ++i_;
    node n;
    n.kind = node_kind::group;
    n.value = inner;
    n.pos = open;
    return add(std::move(n));
  }

  /// After \p or \P: a one-letter name or {Name} / {^Name}. Without u the properties
  /// apply to the bytes read as Latin-1, as in PCRE.
  bool parse_property(size_t at, bool negated, escape& e) {
    std::string_view name;
    if (at_end()) return fail(at, "malformed \\p or \\P escape");
    if (peek() == '{') {
      const size_t close = p_.find('}', i_);
      if (close == std::string_view::npos) return fail(at, "malformed \\p or \\P escape");
      name = p_.substr(i_ + 1, close - i_ - 1);
      i_ = close + 1;
      if (!name.empty() && name[0] == '^') {
        negated = !negated;
        name.remove_prefix(1);
      }
    } else {
      name = p_.substr(i_, 1);
      ++i_;
    }
    const uint8_t mask = property_mask(name);
    if (mask == 0) {
      return fail(at, "Unicode property \\p{" + std::string(name) +
                          "} is not supported (supported: L M N Nd P S Z C Any)");
    }
    const uint32_t max_cp = f_.utf8 ? k_max_code_point : 0xFFu;
    std::vector<cp_range> r;
    append_category_ranges(mask, max_cp, r);
    e.what = escape::kind::set;
    e.ranges = negated ? complement(std::move(r), max_cp) : std::move(r);
    return true;
  }

  /// At a backslash. Outside a class \b is a word boundary; inside it is a backspace.
  bool parse_escape(bool in_class, escape& e) {
    const size_t at = i_;
    ++i_;
    if (at_end()) return fail(at, "pattern ends with a backslash");
    const unsigned char c = peek();
    e.what = escape::kind::character;
    if (!is_ascii_alnum(c)) {  // \. \/ \\ \- … and any non-ASCII character stand for themselves
      e.code_point = read_char();
      return true;
    }
    ++i_;
    auto character = [&](uint32_t cp) {
      e.code_point = cp;
      return true;
    };
    auto anchor = [&](assertion a, const char* name) {
      if (in_class) return fail(at, std::string("escape ") + name + " is not allowed in a character class");
      e.what = escape::kind::assertion;
      e.anchor = a;
      return true;
    };
    switch (c) {
      case 't': return character('\t');
      case 'n': return character('\n');
      case 'r': return character('\r');
      case 'f': return character('\f');
      case 'e': return character(0x1B);
      case 'a': return character(0x07);
      case '0': {  // \0, \0o, \0oo: octal, as in PCRE
        uint32_t v = 0;
        for (int k = 0; k < 2 && !at_end() && peek() >= '0' && peek() <= '7'; ++k) v = v * 8 + static_cast<uint32_t>(p_[i_++] - '0');
        return character(v);
      }
      case 'x': {
        uint32_t v = 0;
        if (peek() == '{' && !at_end()) {
          ++i_;
          size_t digits = 0;
          while (!at_end() && hex_value(peek()) >= 0) {
            if (v <= k_max_code_point) v = v * 16 + static_cast<uint32_t>(hex_value(peek()));
            ++i_;
            ++digits;
          }
          if (digits == 0 || at_end() || peek() != '}') return fail(at, "malformed \\x{...} escape");
          ++i_;
          if (!f_.utf8 && v > 0xFF) return fail(at, "character code point value in \\x{} is too large (over 0xff without the u flag)");
          if (v > k_max_code_point) return fail(at, "character code point value in \\x{} is too large");
          if (v >= 0xD800 && v <= 0xDFFF) return fail(at, "surrogate code points are not allowed in \\x{}");
          return character(v);
        }
        for (int k = 0; k < 2 && !at_end() && hex_value(peek()) >= 0; ++k) {
          v = v * 16 + static_cast<uint32_t>(hex_value(peek()));
          ++i_;
        }
        return character(v);
      }
      case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
      case 'h': case 'H': case 'v': case 'V':
        e.what = escape::kind::set;
        e.ranges = class_escape_ranges(c, f_.utf8);
        return true;
      case 'b':
        if (in_class) return character(0x08);
        return anchor(f_.utf8 ? assertion::word_boundary_unicode : assertion::word_boundary, "\\b");
      case 'B':
        return anchor(f_.utf8 ? assertion::not_word_boundary_unicode : assertion::not_word_boundary, "\\B");
      case 'A': return anchor(assertion::start, "\\A");
      case 'z': return anchor(assertion::end, "\\z");
      case 'Z': return anchor(assertion::end_or_final_newline, "\\Z");
      case 'p':
      case 'P': return parse_property(at, c == 'P', e);
      case 'k':
      case 'g': return fail(at, "backreferences (\\k, \\g) are not supported");
      case 'R': case 'X': case 'K': case 'G': case 'Q': case 'E': case 'N':
      case 'C': case 'c': case 'o': case 'u': case 'U': case 'l': case 'L':
        return fail(at, std::string("escape \\") + static_cast<char>(c) + " is not supported");
      default:
        if (is_digit(c)) {
          return fail(at, in_class ? "octal escapes other than \\0 are not supported"
                                   : "backreferences (\\1) are not supported");
        }
        return fail(at, std::string("unrecognized escape \\") + static_cast<char>(c));
    }
  }

  /// The end of a POSIX-class-like item [:...:] [.....] [=...=] starting at `at` (the
  /// '['), or npos: PCRE's own test (check_posix_syntax), so we refuse what it refuses.
  [[nodiscard]] size_t posix_syntax_end(size_t at) const {
    if (at + 1 >= p_.size()) return std::string_view::npos;
    const char terminator = p_[at + 1];
    if (terminator != ':' && terminator != '.' && terminator != '=') return std::string_view::npos;
    for (size_t j = at + 2; j < p_.size(); ++j) {
      const char c = p_[j];
      const char next = j + 1 < p_.size() ? p_[j + 1] : '\0';
      if (c == '\\' && (next == ']' || next == '\\')) ++j;
      else if ((c == '[' && next == terminator) || c == ']') return std::string_view::npos;
      else if (c == terminator && next == ']') return j + 2;
    }
    return std::string_view::npos;
  }

  /// At '[' inside a class: a POSIX class [:name:] adds its ranges and returns 1; 0 when the
  /// '[' is an ordinary character; -1 on an error.
  int parse_posix_class(std::vector<cp_range>& ranges) {
    const size_t end = posix_syntax_end(i_);
    if (end == std::string_view::npos) return 0;
    if (p_[i_ + 1] != ':') {
      fail(i_, "POSIX collating elements [. .] and [= =] are not supported");
      return -1;
    }
    size_t j = i_ + 2;
    const bool negated = p_[j] == '^';
    if (negated) ++j;
    const size_t name_start = j;
    j = end - 2;
    std::vector<cp_range> r;
    std::string_view name = p_.substr(name_start, j - name_start);
    // PCRE without u: caseless [:upper:] and [:lower:] are [:alpha:]. With u they are
    // \p{Lu} and \p{Ll}, which caseless does not widen, and which the table lacks.
    if (f_.caseless && !f_.utf8 && (name == "upper" || name == "lower")) name = "alpha";
    const int found = posix_class_ranges(name, f_.utf8, r);
    if (found == 0) {
      fail(i_, "unknown POSIX class name");
      return -1;
    }
    if (found < 0) {
      fail(i_, "POSIX class [:" + std::string(name) + ":] is not supported with the u flag");
      return -1;
    }
    if (negated) r = complement(std::move(r), f_.utf8 ? k_max_code_point : 0xFFu);
    ranges.insert(ranges.end(), r.begin(), r.end());
    i_ = end;
    return 1;
  }

  uint32_t parse_class() {
    const size_t open = i_;
    if (posix_syntax_end(open) != std::string_view::npos) {
      fail(open, "POSIX named classes like [:alpha:] are supported only inside a class ([[:alpha:]])");
      return k_none;
    }
    ++i_;
    bool negated = false;
    if (peek() == '^' && !at_end()) {
      negated = true;
      ++i_;
    }
    std::vector<cp_range> ranges;
    bool leading_bracket = false;
    for (bool first = true;; first = false) {
      if (at_end()) {
        if (leading_bracket) {
          fail(open, "empty character class [] (PCRE reads a leading ] as a literal, so the class never closes)");
        } else {
          fail(open, "missing terminating ] for character class");
        }
        return k_none;
      }
      const unsigned char c = peek();
      if (c == ']' && !first) {
        ++i_;
        break;
      }
      if (c == ']') leading_bracket = true;
      const size_t item_at = i_;
      uint32_t lo = 0;
      if (c == '[') {
        const int posix = parse_posix_class(ranges);
        if (posix < 0) return k_none;
        if (posix > 0) {
          if (peek() == '-' && peek(1) != ']' && i_ + 1 < p_.size()) {
            fail(i_, "invalid range in character class");
            return k_none;
          }
          continue;
        }
        lo = read_char();
      } else if (c == '\\') {
        escape e;
        if (!parse_escape(true, e)) return k_none;
        if (e.what == escape::kind::set) {
          ranges.insert(ranges.end(), e.ranges.begin(), e.ranges.end());
          if (peek() == '-' && peek(1) != ']' && i_ + 1 < p_.size()) {
            fail(i_, "invalid range in character class");
            return k_none;
          }
          continue;
        }
        lo = e.code_point;
      } else {
        lo = read_char();
      }
      uint32_t hi = lo;
      if (peek() == '-' && i_ + 1 < p_.size() && peek(1) != ']') {
        const size_t dash = i_;
        ++i_;
        if (peek() == '\\') {
          escape e;
          if (!parse_escape(true, e)) return k_none;
          if (e.what == escape::kind::set) {
            fail(dash, "invalid range in character class");
            return k_none;
          }
          hi = e.code_point;
        } else if (peek() == '[' && posix_syntax_end(i_) != std::string_view::npos) {
          fail(dash, "invalid range in character class");
          return k_none;
        } else {
          hi = read_char();
        }
        if (hi < lo) {
          fail(item_at, "range out of order in character class");
          return k_none;
        }
      }
      ranges.push_back({lo, hi});
    }
    return set_node(make_set(std::move(ranges), negated, f_.caseless, f_.utf8), open);
  }
};

// ── code generator: tree → instructions ─────────────────────────────────────

class emitter {
 public:
  emitter(const std::vector<node>& nodes, compiled& out, bool caseless)
      : nodes_(nodes), out_(out), caseless_(caseless), register_of_(nodes.size(), k_none) {}

  /// Emits the whole program; false (with error_pos) when expansion makes it too large.
  bool emit_program(uint32_t root) {
    emit(root);
    push({op::match, 0, 0, 0, 0});
    return !too_large_;
  }

  size_t error_pos = 0;

 private:
  const std::vector<node>& nodes_;
  compiled& out_;
  bool caseless_;
  std::vector<uint32_t> register_of_;
  std::string pending_;  // a run of literal characters not yet emitted as one `str`
  bool too_large_ = false;
  size_t repeat_pos_ = 0;

  void flush_literal() {
    if (pending_.empty()) return;
    const auto offset = static_cast<uint32_t>(out_.literals.size());
    out_.literals += pending_;
    out_.code.push_back({op::str, caseless_ ? uint8_t{1} : uint8_t{0}, offset,
                         static_cast<uint32_t>(pending_.size()), 0});
    pending_.clear();
    check_size();
  }
  void check_size() {
    if (!too_large_ && (out_.code.size() > k_max_instructions || out_.literals.size() > k_max_literal_bytes)) {
      too_large_ = true;
      error_pos = repeat_pos_;
    }
  }
  /// Appends one instruction and returns its index (pending literals go first).
  uint32_t push(inst in) {
    flush_literal();
    out_.code.push_back(in);
    check_size();
    return static_cast<uint32_t>(out_.code.size() - 1);
  }
  /// The index the next instruction will have: a jump target.
  uint32_t label() {
    flush_literal();
    return static_cast<uint32_t>(out_.code.size());
  }

  [[nodiscard]] bool nullable(uint32_t id) const {
    const node& n = nodes_[id];
    switch (n.kind) {
      case node_kind::empty:
      case node_kind::assertion: return true;
      case node_kind::literal:
      case node_kind::set: return false;
      case node_kind::group: return nullable(n.value);
      case node_kind::repeat: return n.min == 0 || nullable(n.value);
      case node_kind::concat:
        return std::all_of(n.kids.begin(), n.kids.end(), [&](uint32_t k) { return nullable(k); });
      case node_kind::alternation:
        return std::any_of(n.kids.begin(), n.kids.end(), [&](uint32_t k) { return nullable(k); });
    }
    return false;
  }

  /// The set of a node that always consumes exactly one character, or k_none.
  uint32_t single_character_set(uint32_t id) {
    const node& n = nodes_[id];
    switch (n.kind) {
      case node_kind::set: return n.value;
      case node_kind::literal:
        out_.sets.push_back(make_set({{n.value, n.value}}, false, caseless_, out_.utf8));
        return static_cast<uint32_t>(out_.sets.size() - 1);
      case node_kind::group: return single_character_set(n.value);
      case node_kind::concat: return n.kids.size() == 1 ? single_character_set(n.kids[0]) : k_none;
      default: return k_none;
    }
  }

  void emit(uint32_t id) {
    if (too_large_) return;
    const node& n = nodes_[id];
    switch (n.kind) {
      case node_kind::empty: return;
      case node_kind::literal:
        // The pool holds ASCII lower-cased when caseless (the VM folds the subject the same
        // way); non-ASCII letters with partners were turned into sets by the parser.
        if (out_.utf8 && n.value >= 0x80) {
          append_utf8(pending_, n.value);
        } else {
          const auto b = static_cast<unsigned char>(n.value);
          pending_.push_back(static_cast<char>(caseless_ ? ascii_lower(b) : b));
        }
        return;
      case node_kind::set: push({op::set, 0, n.value, 0, 0}); return;
      case node_kind::assertion: push({op::assert, 0, n.value, 0, 0}); return;
      case node_kind::group: emit(n.value); return;
      case node_kind::concat:
        for (uint32_t k : n.kids) emit(k);
        return;
      case node_kind::alternation: emit_alternation(n); return;
      case node_kind::repeat: emit_repeat(id); return;
    }
  }

  void emit_alternation(const node& n) {
    std::vector<uint32_t> exits;
    for (size_t k = 0; k + 1 < n.kids.size(); ++k) {
      const uint32_t split = push({op::split, 0, 0, 0, 0});
      out_.code[split].a = label();
      emit(n.kids[k]);
      exits.push_back(push({op::jmp, 0, 0, 0, 0}));
      out_.code[split].b = label();
    }
    emit(n.kids.back());
    const uint32_t end = label();
    for (uint32_t e : exits) out_.code[e].a = end;
  }

  uint32_t register_for(uint32_t id) {
    // Copies of one loop (from an enclosing {m,n}) run one after another, never nested,
    // so they can share a register: backtracking restores it.
    if (register_of_[id] == k_none) register_of_[id] = out_.registers++;
    return register_of_[id];
  }

  void patch_split(uint32_t split, uint32_t body, uint32_t exit, bool greedy) {
    out_.code[split].a = greedy ? body : exit;
    out_.code[split].b = greedy ? exit : body;
  }

  void emit_repeat(uint32_t id) {
    const node& n = nodes_[id];
    repeat_pos_ = n.pos;
    if (n.max == 0) return;
    const uint32_t one = single_character_set(n.value);
    if (one != k_none) {
      if (n.min == 1 && n.max == 1) push({op::set, 0, one, 0, 0});
      else push({op::repeat, n.greedy ? uint8_t{1} : uint8_t{0}, one, n.min, n.max});
      return;
    }
    if (n.min == 1 && n.max == 1) {
      emit(n.value);
      return;
    }
    if (n.max != k_unbounded) {
      for (uint32_t k = 0; k < n.min && !too_large_; ++k) emit(n.value);
      // x{2,4} = x x (x (x)?)?: once an optional copy is skipped, the rest are too.
      std::vector<std::pair<uint32_t, uint32_t>> optional;  // (split, body)
      for (uint32_t k = n.min; k < n.max && !too_large_; ++k) {
        const uint32_t split = push({op::split, 0, 0, 0, 0});
        optional.emplace_back(split, label());
        emit(n.value);
      }
      const uint32_t end = label();
      if (too_large_) return;
      for (const auto& [split, body] : optional) patch_split(split, body, end, n.greedy);
      return;
    }
    // Unbounded. A body that can match empty gets mark/check, so an iteration that
    // consumed nothing ends the loop instead of spinning (PCRE's rule too).
    const uint32_t reg = nullable(n.value) ? register_for(id) : k_none;
    for (uint32_t k = 1; k < n.min && !too_large_; ++k) emit(n.value);
    if (n.min == 0) {
      const uint32_t loop = label();
      const uint32_t split = push({op::split, 0, 0, 0, 0});
      const uint32_t body = label();
      if (reg != k_none) push({op::mark, 0, reg, 0, 0});
      emit(n.value);
      if (reg != k_none) push({op::check, 0, reg, 0, 0});
      push({op::jmp, 0, loop, 0, 0});
      patch_split(split, body, label(), n.greedy);
    } else {
      const uint32_t body = label();
      if (reg != k_none) push({op::mark, 0, reg, 0, 0});
      emit(n.value);
      const uint32_t split = push({op::split, 0, 0, 0, 0});
      const uint32_t again = label();
      if (reg != k_none) push({op::check, 0, reg, 0, 0});
      push({op::jmp, 0, body, 0, 0});
      patch_split(split, again, label(), n.greedy);
    }
  }
};

/// Bytes that can begin a match, by walking the program from 0 through every path that
/// has not consumed yet. Assertions are stepped over: a superset is still correct.
void analyse_start(compiled& p) {
  auto add_set_bytes = [&](const char_set& cs) {
    for (size_t w = 0; w < 4; ++w) p.first_bytes[w] |= cs.bits[w];
    if (cs.utf8) {
      for (unsigned b = 0xC2; b <= 0xF4; ++b) p.first_bytes[b >> 6] |= uint64_t{1} << (b & 63u);
    }
  };
  auto add_byte = [&](unsigned char b) { p.first_bytes[b >> 6] |= uint64_t{1} << (b & 63u); };
  std::vector<bool> seen(p.code.size(), false);
  std::vector<uint32_t> todo{0};
  while (!todo.empty()) {
    const uint32_t pc = todo.back();
    todo.pop_back();
    if (seen[pc]) continue;
    seen[pc] = true;
    const inst& in = p.code[pc];
    switch (in.code) {
      case op::str: {
        const auto b = static_cast<unsigned char>(p.literals[in.a]);
        add_byte(b);
        if (in.flag != 0 && is_ascii_alpha(b)) add_byte(static_cast<unsigned char>(b - 32));
        break;
      }
      case op::set: add_set_bytes(p.sets[in.a]); break;
      case op::repeat:
        add_set_bytes(p.sets[in.a]);
        if (in.b == 0) todo.push_back(pc + 1);
        break;
      case op::split: todo.push_back(in.b); todo.push_back(in.a); break;
      case op::jmp: todo.push_back(in.a); break;
      case op::mark:
      case op::check:
      case op::assert: todo.push_back(pc + 1); break;
      case op::match: p.can_match_empty = true; break;
    }
  }
  const inst& first = p.code[0];
  p.anchored = first.code == op::assert && static_cast<assertion>(first.a) == assertion::start;
  if (first.code == op::str && first.flag == 0 && first.b >= 2) {
    p.prefix_offset = first.a;
    p.prefix_length = first.b;
  }
}

// ── the VM ──────────────────────────────────────────────────────────────────

enum class frame_kind : uint32_t {
  resume,     ///< continue at pc, pos
  restore,    ///< register pc = pos
  give_back,  ///< greedy repeat at pc ended at pos; may shrink down to aux
  take_more,  ///< lazy repeat at pc stopped at pos after aux matches; may take one more
};

struct frame {
  uint32_t pc;
  frame_kind kind;
  size_t pos;
  size_t aux;
};

/// The backtracking stack: a fixed buffer in the caller's frame, spilling to the heap only
/// for deep searches. search() stays const and thread-safe, and allocates nothing usually.
template <class T, size_t N>
class scratch_stack {
 public:
  scratch_stack() noexcept : data_(inline_), capacity_(N) {}
  scratch_stack(const scratch_stack&) = delete;
  scratch_stack& operator=(const scratch_stack&) = delete;

  void push(const T& v) {
    if (size_ == capacity_) grow();
    data_[size_++] = v;
  }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  T pop() noexcept { return data_[--size_]; }
  void clear() noexcept { size_ = 0; }

 private:
  void grow() {
    if (data_ == inline_) {
      heap_.assign(inline_, inline_ + size_);
    }
    heap_.resize(capacity_ * 2);
    data_ = heap_.data();
    capacity_ = heap_.size();
  }

  T inline_[N];
  std::vector<T> heap_;
  T* data_;
  size_t capacity_;
  size_t size_ = 0;
};

enum class run_result : uint8_t { no_match, match, exhausted };

/// \w under UCP, for the character starting at p (valid UTF-8).
bool is_word_code_point(const unsigned char* p) noexcept {
  if (*p < 0x80) return is_word_byte(*p);
  uint32_t cp = 0;
  decode_valid_utf8(p, cp);
  return (uc_word & uc_bit(category_of(cp))) != 0;
}

bool assertion_holds(assertion a, const unsigned char* s, size_t n, size_t pos) noexcept {
  switch (a) {
    case assertion::start: return pos == 0;
    case assertion::start_of_line: return pos == 0 || (s[pos - 1] == '\n' && pos != n);
    case assertion::end_or_final_newline: return pos == n || (pos + 1 == n && s[pos] == '\n');
    case assertion::end: return pos == n;
    case assertion::end_of_line: return pos == n || s[pos] == '\n';
    case assertion::word_boundary:
    case assertion::not_word_boundary: {
      const bool before = pos > 0 && is_word_byte(s[pos - 1]);
      const bool after = pos < n && is_word_byte(s[pos]);
      return (before != after) == (a == assertion::word_boundary);
    }
    case assertion::word_boundary_unicode:
    case assertion::not_word_boundary_unicode: {
      bool before = false;
      if (pos > 0) {
        size_t p = pos - 1;
        while (p > 0 && is_continuation(s[p])) --p;
        before = is_word_code_point(s + p);
      }
      const bool after = pos < n && is_word_code_point(s + pos);
      return (before != after) == (a == assertion::word_boundary_unicode);
    }
  }
  return false;
}

/// Length of the character at s[pos] when `cs` holds it, else 0 (also at the end).
inline size_t match_one(const char_set& cs, const unsigned char* s, size_t n, size_t pos) noexcept {
  if (pos >= n) return 0;
  const unsigned char b = s[pos];
  if (b < 0x80 || !cs.utf8) return cs.has_byte(b) ? 1 : 0;
  uint32_t cp = 0;
  const size_t len = decode_valid_utf8(s + pos, cp);
  return cs.has_wide(cp) ? len : 0;
}

class machine {
 public:
  machine(const compiled& p, std::string_view subject, size_t* registers) noexcept
      : p_(p), s_(reinterpret_cast<const unsigned char*>(subject.data())), n_(subject.size()),
        regs_(registers) {}

  /// One attempt at `start`. Steps accumulate across attempts: the budget is per search.
  run_result run(size_t start) {
    stack_.clear();
    uint32_t pc = 0;
    size_t pos = start;
    for (;;) {
      if (++steps_ > k_step_budget) return run_result::exhausted;
      const inst& in = p_.code[pc];
      bool ok = true;
      switch (in.code) {
        case op::str: {
          const size_t len = in.b;
          const auto* lit = reinterpret_cast<const unsigned char*>(p_.literals.data() + in.a);
          if (n_ - pos < len) {
            ok = false;
          } else if (in.flag == 0) {
            ok = std::memcmp(s_ + pos, lit, len) == 0;
          } else {
            for (size_t k = 0; k < len && ok; ++k) ok = ascii_lower(s_[pos + k]) == lit[k];
          }
          if (ok) { pos += len; ++pc; }
          break;
        }
        case op::set: {
          const size_t len = match_one(p_.sets[in.a], s_, n_, pos);
          ok = len != 0;
          if (ok) { pos += len; ++pc; }
          break;
        }
        case op::repeat: ok = run_repeat(in, pc, pos); break;
        case op::split:
          stack_.push({in.b, frame_kind::resume, pos, 0});
          pc = in.a;
          break;
        case op::jmp: pc = in.a; break;
        case op::mark:
          stack_.push({in.a, frame_kind::restore, regs_[in.a], 0});
          regs_[in.a] = pos;
          ++pc;
          break;
        case op::check:
          ok = regs_[in.a] != pos;
          ++pc;
          break;
        case op::assert:
          ok = assertion_holds(static_cast<assertion>(in.a), s_, n_, pos);
          ++pc;
          break;
        case op::match: return run_result::match;
      }
      if (!ok) {
        const run_result r = backtrack(pc, pos);
        if (r != run_result::match) return r;  // `match` here means "resumed"
      }
    }
  }

 private:
  const compiled& p_;
  const unsigned char* s_;
  size_t n_;
  size_t* regs_;
  uint64_t steps_ = 0;
  scratch_stack<frame, 64> stack_;

  /// Scans a run of one-character items; leaves one frame to revisit the choice.
  bool run_repeat(const inst& in, uint32_t& pc, size_t& pos) {
    const char_set& cs = p_.sets[in.a];
    size_t p = pos;
    uint32_t count = 0;
    while (count < in.b) {
      const size_t len = match_one(cs, s_, n_, p);
      if (len == 0) return false;
      p += len;
      ++count;
    }
    if (in.flag != 0) {  // greedy: take all, give back later
      const size_t min_end = p;
      while (count < in.c) {
        const size_t len = match_one(cs, s_, n_, p);
        if (len == 0) break;
        p += len;
        ++count;
      }
      if (p > min_end) stack_.push({pc, frame_kind::give_back, p, min_end});
    } else if (count < in.c) {
      stack_.push({pc, frame_kind::take_more, p, count});
    }
    steps_ += count;
    pos = p;
    ++pc;
    return true;
  }

  /// Pops to the newest choice point and resumes there; `match` means resumed.
  run_result backtrack(uint32_t& pc, size_t& pos) {
    for (;;) {
      if (stack_.empty()) return run_result::no_match;
      if (++steps_ > k_step_budget) return run_result::exhausted;
      const frame f = stack_.pop();
      switch (f.kind) {
        case frame_kind::resume:
          pc = f.pc;
          pos = f.pos;
          return run_result::match;
        case frame_kind::restore: regs_[f.pc] = f.pos; break;
        case frame_kind::give_back: {
          size_t p = f.pos - 1;
          if (p_.sets[p_.code[f.pc].a].utf8) while (is_continuation(s_[p])) --p;
          if (p > f.aux) stack_.push({f.pc, frame_kind::give_back, p, f.aux});
          pc = f.pc + 1;
          pos = p;
          return run_result::match;
        }
        case frame_kind::take_more: {
          const inst& in = p_.code[f.pc];
          const size_t len = match_one(p_.sets[in.a], s_, n_, f.pos);
          if (len == 0) break;
          const size_t count = f.aux + 1;
          if (count < in.c) stack_.push({f.pc, frame_kind::take_more, f.pos + len, count});
          pc = f.pc + 1;
          pos = f.pos + len;
          return run_result::match;
        }
      }
    }
  }
};

status compile_error(std::string_view rule, std::string_view problem, size_t pos) {
  std::string m = "regex \"";
  m.append(rule);
  m += "\": ";
  m.append(problem);
  m += " at position ";
  m += std::to_string(pos);
  return status::fail(errc::bad_rule, std::move(m));
}

constexpr bool is_space(unsigned char c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

// ── public API ──────────────────────────────────────────────────────────────

result<regex> regex::compile(std::string_view rule) {
  // Delimiters as PHP's preg_* find them: skip leading space; the delimiter is any
  // non-alphanumeric, non-backslash character; brackets pair up and nest; a backslash
  // hides the next character; flags follow the closing delimiter.
  size_t i = 0;
  while (i < rule.size() && is_space(static_cast<unsigned char>(rule[i]))) ++i;
  if (i == rule.size()) return compile_error(rule, "empty pattern, missing delimiters (write /.../)", i);
  const auto open = static_cast<unsigned char>(rule[i]);
  if (is_ascii_alnum(open) || open == '\\' || open < 0x21 || open >= 0x7F) {
    return compile_error(rule, "missing delimiters: the pattern must start with a delimiter such as / # ~ (write /.../)", i);
  }
  unsigned char close = open;
  if (open == '(') close = ')';
  else if (open == '[') close = ']';
  else if (open == '{') close = '}';
  else if (open == '<') close = '>';
  size_t j = i + 1;
  int depth = 1;
  for (; j < rule.size(); ++j) {
    const auto c = static_cast<unsigned char>(rule[j]);
    if (c == '\\' && j + 1 < rule.size()) {
      ++j;
    } else if (c == close && --depth == 0) {
      break;
    } else if (c == open && close != open) {
      ++depth;
    }
  }
  if (j >= rule.size()) {
    return compile_error(rule, std::string("missing closing delimiter '") + static_cast<char>(close) + "'", rule.size());
  }
  const size_t pattern_at = i + 1;
  const std::string_view pattern = rule.substr(pattern_at, j - pattern_at);

  pattern_flags f;
  for (size_t k = j + 1; k < rule.size(); ++k) {
    const char c = rule[k];
    switch (c) {
      case 'i': f.caseless = true; break;
      case 'u': f.utf8 = true; break;
      case 's': f.dotall = true; break;
      case 'm': f.multiline = true; break;
      case 'D': f.dollar_end_only = true; break;
      case ' ': case '\n': case '\r': break;  // PHP skips these too
      case 'x': return compile_error(rule, "flag x (extended) is not supported", k);
      case 'A': case 'U': case 'S': case 'X': case 'J': case 'n': case 'e':
        return compile_error(rule, std::string("flag ") + c + " is not supported", k);
      default: return compile_error(rule, std::string("unknown flag '") + c + "'", k);
    }
  }

  auto prog = std::make_unique<program>();
  prog->source.assign(rule);
  compiled& out = prog->prog;
  out.utf8 = f.utf8;
  parser ps(pattern, f, out.sets);
  const uint32_t root = ps.parse();
  if (root == k_none) return compile_error(rule, ps.error, pattern_at + ps.error_pos);
  emitter em(ps.nodes, out, f.caseless);
  if (!em.emit_program(root)) {
    return compile_error(rule, "pattern too large after expanding {} repeats", pattern_at + em.error_pos);
  }
  analyse_start(out);
  return regex(std::move(prog));
}

bool regex::search(std::string_view s, bool* too_complex) const noexcept {
  if (too_complex != nullptr) *too_complex = false;
  if (!prog_) return false;
  const compiled& p = prog_->prog;
  // preg_match fails on a subject that is not valid UTF-8 under /u; Laravel then fails
  // `regex` and passes `not_regex`, which is what `false` here gives the caller.
  if (p.utf8 && !is_valid_utf8(s)) return false;

  size_t inline_regs[8];
  std::vector<size_t> heap_regs;
  size_t* regs = inline_regs;
  if (p.registers > 8) {
    heap_regs.resize(p.registers);
    regs = heap_regs.data();
  }
  machine vm(p, s, regs);
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  const std::string_view prefix(p.literals.data() + p.prefix_offset, p.prefix_length);

  auto finish = [&](run_result r) {
    if (r == run_result::exhausted && too_complex != nullptr) *too_complex = true;
    return r == run_result::match;
  };
  if (p.anchored) return finish(vm.run(0));
  for (size_t start = 0; start <= n; ++start) {
    if (!p.can_match_empty) {
      if (p.prefix_length != 0) {
        start = s.find(prefix, start);
        if (start == std::string_view::npos) break;
      } else {
        while (start < n && ((p.first_bytes[bytes[start] >> 6] >> (bytes[start] & 63u)) & 1u) == 0) ++start;
        if (start == n) break;
      }
    }
    if (p.utf8 && start < n && is_continuation(bytes[start])) continue;  // PCRE steps by character
    const run_result r = vm.run(start);
    if (r != run_result::no_match) return finish(r);
  }
  return false;
}

const std::string& regex::source() const noexcept {
  static const std::string moved_from;
  return prog_ ? prog_->source : moved_from;
}

regex::regex(std::unique_ptr<program> p) : prog_(std::move(p)) {}
regex::regex(regex&&) noexcept = default;
regex& regex::operator=(regex&&) noexcept = default;
regex::regex(const regex& other) : prog_(other.prog_ ? std::make_unique<program>(*other.prog_) : nullptr) {}
regex& regex::operator=(const regex& other) {
  if (this != &other) prog_ = other.prog_ ? std::make_unique<program>(*other.prog_) : nullptr;
  return *this;
}
regex::~regex() = default;

}  // namespace preflight
