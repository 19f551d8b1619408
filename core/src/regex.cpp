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

namespace preflight {

namespace regex_internal {

constexpr uint64_t k_step_budget = 1'000'000;     ///< VM steps per search (PHP's backtrack_limit)
constexpr size_t k_max_instructions = 20'000;     ///< after expanding {m,n} over groups
constexpr size_t k_max_literal_bytes = 1u << 20;  ///< literal pool, after expansion
constexpr int k_max_nesting = 250;                ///< PCRE2's default parenthesis nesting limit
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
  uint32_t prefix_length = 0;    ///< a case-sensitive literal every match starts with
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
constexpr bool is_continuation(unsigned char c) noexcept { return (c & 0xC0u) == 0x80u; }
constexpr int hex_value(unsigned char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Length of the valid UTF-8 sequence at s[i] (storing its code point), or 0 when invalid:
/// overlong forms, surrogates and values past U+10FFFF are invalid, as in PCRE.
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { cp = b0; return 1; }
  size_t len = 0;
  uint32_t min_cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1Fu; min_cp = 0x80; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { len = 3; cp = b0 & 0x0Fu; min_cp = 0x800; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { len = 4; cp = b0 & 0x07u; min_cp = 0x10000; }
  else return 0;
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (!is_continuation(b)) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min_cp || cp > k_max_code_point || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/// Decodes a sequence already known to be valid (the subject was checked once up front).
inline size_t decode_valid_utf8(const unsigned char* p, uint32_t& cp) noexcept {
  const unsigned char b0 = p[0];
  if (b0 < 0xE0) { cp = ((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu); return 2; }
  if (b0 < 0xF0) { cp = ((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu); return 3; }
  cp = ((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
  return 4;
}

bool is_valid_utf8(std::string_view s) noexcept {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII runs, 8 bytes at a time: cells are mostly ASCII.
    if (n - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) { i += 8; continue; }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) { ++i; continue; }
    uint32_t cp = 0;
    const size_t len = decode_utf8(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

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

/// Simple case partners for the `iu` flags: ASCII, Latin-1, Latin Extended-A, and the basic
/// Greek and Cyrillic alphabets. PCRE folds all of Unicode; these cover European names.
template <class F>
void for_each_case_partner(uint32_t cp, F&& add) {
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

bool has_case_partner(uint32_t cp) {
  bool any = false;
  for_each_case_partner(cp, [&](uint32_t) { any = true; });
  return any;
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
      {0x41, 0x5A}, {0x61, 0x7A}, {0xB5, 0xB5}, {0xC0, 0x17E}, {0x391, 0x3C9}, {0x400, 0x45F}};
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
std::vector<cp_range> class_escape_ranges(unsigned char letter, bool utf8) {
  std::vector<cp_range> r;
  switch (ascii_lower(letter)) {
    case 'd': r = {{'0', '9'}}; break;
    case 'w': r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; break;
    case 's': r = {{'\t', '\r'}, {' ', ' '}}; break;  // PCRE2: \t \n \v \f \r and space
    case 'h':
      r = {{'\t', '\t'}, {' ', ' '}, {0xA0, 0xA0}};
      if (utf8) r.insert(r.end(), {{0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200A},
                                   {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}});
      break;
    case 'v':
      r = {{'\n', '\r'}, {0x85, 0x85}};
      if (utf8) r.push_back({0x2028, 0x2029});
      break;
    default: break;
  }
  if (letter >= 'A' && letter <= 'Z') return complement(std::move(r), utf8 ? k_max_code_point : 0xFF);
  return r;
}

/// POSIX classes inside brackets ([:alpha:]), ASCII as in PCRE without UCP.
bool posix_class_ranges(std::string_view name, std::vector<cp_range>& r) {
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
  else return false;
  return true;
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
    // With iu a non-ASCII letter becomes a set of its partners; ASCII folds in the VM.
    if (f_.caseless && f_.utf8 && cp >= 0x80 && has_case_partner(cp)) {
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
        return anchor(assertion::word_boundary, "\\b");
      case 'B': return anchor(assertion::not_word_boundary, "\\B");
      case 'A': return anchor(assertion::start, "\\A");
      case 'z': return anchor(assertion::end, "\\z");
      case 'Z': return anchor(assertion::end_or_final_newline, "\\Z");
      case 'p':
      case 'P': return fail(at, "Unicode properties (\\p, \\P) are not supported");
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

  /// At '[' inside a class: a POSIX class [:name:] adds its ranges and returns 1; 0 when the
  /// '[' is an ordinary character; -1 on an unknown name.
  int parse_posix_class(std::vector<cp_range>& ranges) {
    if (peek(1) != ':') return 0;
    size_t j = i_ + 2;
    const bool negated = j < p_.size() && p_[j] == '^';
    if (negated) ++j;
    const size_t name_start = j;
    while (j < p_.size() && is_ascii_alpha(static_cast<unsigned char>(p_[j]))) ++j;
    if (j + 1 >= p_.size() || p_[j] != ':' || p_[j + 1] != ']') return 0;
    std::vector<cp_range> r;
    if (!posix_class_ranges(p_.substr(name_start, j - name_start), r)) {
      fail(i_, "unknown POSIX class name");
      return -1;
    }
    // [:upper:] and [:lower:] match every letter under i: the general folding does that.
    if (negated) r = complement(std::move(r), f_.utf8 ? k_max_code_point : 0xFFu);
    ranges.insert(ranges.end(), r.begin(), r.end());
    i_ = j + 2;
    return 1;
  }

  uint32_t parse_class() {
    const size_t open = i_;
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
        } else if (peek() == '[' && peek(1) == ':') {
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
  if (first.code == op::str && first.flag == 0 && first.b >= 2) p.prefix_length = first.b;
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
  const std::string_view prefix(p.literals.data(), p.prefix_length);

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
