// rules.cpp — stage 5: Laravel rule strings compiled once, checked per row.
//
// Compilation does all the string work: it splits rule strings, looks rule names up,
// parses numbers, resolves other-field names to indexes, folds enum values, compiles
// regexes and turns literal dates ("today", "2024-01-31") into epoch seconds. What is left
// for `check_row` is, per field, a fast verdict and an exact path:
// - The fast verdict covers the usual cells. Which fields to visit comes from the row's
//   `present` flags eight at a time (a wide type with a few mapped fields skips the rest in
//   one step); a null in a nullable field is skipped; a filled cell runs the field's
//   `filled_check`s, a compact list without the rules that cannot fail on a filled cell
//   (required, string…), the common checks calling the leaf parsers directly.
// - Any other cell, and a filled one that fails some check, goes through check_field,
//   which runs the field's `compiled_rule`s one by one with Laravel's skipping, `bail` and
//   implicit-stop semantics, and records each failure as two integers. So the verdict only
//   has to be right about "passes"; the violations always come from the one exact path.
// The Laravel message is rendered only when a report asks.
//
// Where Laravel's behaviour depends on PHP's loose comparisons in ways nobody relies on,
// the comment at that spot says what we do instead and why.
#include "preflight/rules.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <utility>

#include "preflight/regex.h"

namespace preflight {
namespace {

// ───────────────────────────── rule names ─────────────────────────────

struct rule_spec {
  std::string_view name;
  rule_kind kind;
};

constexpr std::array<rule_spec, 36> rule_specs{{
    {"required", rule_kind::required},
    {"required_if", rule_kind::required_if},
    {"required_unless", rule_kind::required_unless},
    {"required_with", rule_kind::required_with},
    {"required_with_all", rule_kind::required_with_all},
    {"required_without", rule_kind::required_without},
    {"required_without_all", rule_kind::required_without_all},
    {"prohibited", rule_kind::prohibited},
    {"nullable", rule_kind::nullable},
    {"bail", rule_kind::bail},
    {"present", rule_kind::present},
    {"filled", rule_kind::filled},
    {"string", rule_kind::string},
    {"email", rule_kind::email},
    {"uuid", rule_kind::uuid},
    {"integer", rule_kind::integer},
    {"numeric", rule_kind::numeric},
    {"boolean", rule_kind::boolean},
    {"date", rule_kind::date},
    {"date_format", rule_kind::date_format},
    {"in", rule_kind::in},
    {"not_in", rule_kind::not_in},
    {"max", rule_kind::max},
    {"min", rule_kind::min},
    {"between", rule_kind::between},
    {"size", rule_kind::size},
    {"digits", rule_kind::digits},
    {"digits_between", rule_kind::digits_between},
    {"regex", rule_kind::regex},
    {"not_regex", rule_kind::not_regex},
    {"after", rule_kind::after},
    {"after_or_equal", rule_kind::after_or_equal},
    {"before", rule_kind::before},
    {"before_or_equal", rule_kind::before_or_equal},
    {"date_equals", rule_kind::date_equals},
    {"distinct", rule_kind::distinct},
}};

// Laravel's implicit rules run even when the attribute is missing or empty, and a failed
// implicit rule stops the attribute's remaining rules (Validator::shouldStopValidating).
constexpr bool is_implicit(rule_kind k) noexcept {
  switch (k) {
    case rule_kind::required:
    case rule_kind::required_if:
    case rule_kind::required_unless:
    case rule_kind::required_with:
    case rule_kind::required_with_all:
    case rule_kind::required_without:
    case rule_kind::required_without_all:
    case rule_kind::prohibited:
    case rule_kind::present:
    case rule_kind::filled:
      return true;
    default:
      return false;
  }
}

// ───────────────────────────── small text helpers ─────────────────────────────

constexpr char fold(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// PHP trim()'s default set: " \t\n\r\0\x0B". Laravel's `required` uses trim($value) === ''.
constexpr bool is_trim_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\x0B';
}

bool is_blank_slow(std::string_view v) noexcept {
  for (const char c : v) {
    if (!is_trim_space(c)) return false;
  }
  return true;
}

/// Empty, or only PHP trim() whitespace. Every trim character is at most ' ', so one
/// comparison settles the usual cell.
inline bool is_blank(std::string_view v) noexcept {
  return v.empty() || (static_cast<unsigned char>(v.front()) <= ' ' && is_blank_slow(v));
}

std::string_view trim_ascii(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// PHP str_getcsv(): comma-separated, fields optionally in double quotes with "" inside.
std::vector<std::string> split_parameters(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      // str_getcsv keeps anything between the closing quote and the comma.
      while (i < text.size() && text[i] != ',') field += text[i++];
    } else {
      while (i < text.size() && text[i] != ',') field += text[i++];
    }
    out.push_back(std::move(field));
    if (i >= text.size()) break;
    ++i;  // the comma
  }
  return out;
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

// ───────────────────────────── compiled form ─────────────────────────────

/// One value of required_if / required_unless, read every way the check may compare it.
struct dependent_value {
  std::string text;
  int8_t boolean = -1;   // 1 / 0 when the text is one of the type's boolean spellings
  bool is_null = false;  // the literal "null", which Laravel matches against a missing value
  bool numeric = false;  // PHP 8 compares two numeric strings as numbers ("1.0" == "1")
  double number = 0;
};

// n (0..8) bytes as a zero-padded little-endian word, with fixed-size loads only (a
// variable-length memcpy becomes a library call). Two overlapping loads agree on the
// bytes they share, so OR-ing them is exact. The shifts (and the byte masks below) think
// in little-endian byte order, which both targets (x86-64, WebAssembly) have.
static_assert(std::endian::native == std::endian::little, "rules.cpp assumes a little-endian host");
[[gnu::always_inline]] inline uint64_t load_partial(const char* p, size_t n) noexcept {
  const auto byte = [&](size_t k) { return static_cast<uint64_t>(static_cast<unsigned char>(p[k])); };
  if (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return uint64_t{lo} | uint64_t{hi} << ((n - 4) * 8);
  }
  if (n >= 2) return byte(0) | byte(1) << 8 | byte(n - 1) << ((n - 1) * 8);
  return n == 1 ? byte(0) : 0;
}

/// Up to sixteen bytes of a value as two little-endian words, zero past its end.
struct word_pair {
  uint64_t lo = 0;  // bytes [0, 8)
  uint64_t hi = 0;  // bytes [8, 16)
};

/// Exactly the first min(n, 16) bytes at p (reads nothing past them).
inline word_pair load_head_exact(const char* p, size_t n) noexcept {
  word_pair w;
  w.lo = load_partial(p, n < 8 ? n : 8);
  if (n > 8) w.hi = load_partial(p + 8, n < 16 ? n - 8 : 8);
  return w;
}

/// For a length n in 0..16, all-ones in the bytes [0, n) of a two-word window and zero
/// after. A table, so that masking a window costs a load and no branch on n: the lengths
/// in a column vary at random, and branches on them mispredict.
constexpr std::array<word_pair, 17> window_masks = [] {
  std::array<word_pair, 17> masks{};
  for (size_t n = 0; n <= 16; ++n) {
    for (size_t k = 0; k < n; ++k) (k < 8 ? masks[n].lo : masks[n].hi) |= uint64_t{0xFF} << (k % 8 * 8);
  }
  return masks;
}();

// Sixteen bytes from p, which may run past the end of the value there. The caller makes sure
// they stay inside p's 4 KiB page, and p points at a byte of the value, so the page is
// readable: memory is mapped in whole pages on x86-64 (and WebAssembly's linear memory is a
// whole number of 64 KiB pages), so the read cannot fault. The bytes past the value are
// masked off and never decide anything. AddressSanitizer would still report them (they may
// lie in a redzone), and UBSan's object-size check may know the value's object is shorter:
// neither applies to this one function. __builtin_memcpy of a constant size is a plain
// load even in the sanitizer build (a call to memcpy would be intercepted and checked).
__attribute__((no_sanitize("address", "object-size"))) inline word_pair load_window_within_page(
    const char* p) noexcept {
  word_pair w;
  __builtin_memcpy(&w.lo, p, 8);
  __builtin_memcpy(&w.hi, p + 8, 8);
  return w;
}

/// The first min(n, 16) bytes at p (n <= 16), zero-padded. Usually one over-reading window
/// load and a mask; when the window would cross into the next page (about one value in 270),
/// or there is no byte at p to vouch for its page, the exact loads.
[[gnu::always_inline]] inline word_pair load_head(const char* p, size_t n) noexcept {
  constexpr uintptr_t page = 4096;
  if (n != 0 && (reinterpret_cast<uintptr_t>(p) & (page - 1)) <= page - 16) [[likely]] {
    const word_pair w = load_window_within_page(p);
    const word_pair keep = window_masks[n];
    return word_pair{w.lo & keep.lo, w.hi & keep.hi};
  }
  return load_head_exact(p, n);
}

/// A small set of strings looked up without allocating: a hash table keyed by the first
/// sixteen bytes. A lookup loads the value's first sixteen bytes once (load_head), hashes
/// them and compares them and the length with one slot's in a single test: a slot keeps its item's first sixteen bytes (the lists' items
/// nearly all fit), and the rest of a longer item as whole words (equal_past_16).
///
/// Case-insensitive tables keep their items folded to lower case and, with each word of an
/// item, the 0x20 bit in each byte where it has a letter: OR-ing that into the value's word
/// accepts either case of exactly those letters, so the value itself is never folded. Their
/// hash sees 0x20 set in every byte, which maps the two cases of a letter together
/// (hash_word).
///
/// build() looks for a multiplier that gives every item a slot of its own (the lists are
/// short and fixed), so a lookup reads one slot; when none is found it falls back to linear
/// probing. Used for in / not_in lists and for boolean spellings.
class string_table {
  static constexpr size_t longest_item = std::numeric_limits<uint32_t>::max() / 2;
  static constexpr uint64_t empty_length = ~uint64_t{0};  // longer than any string_view

  struct slot {
    word_pair head;         // bytes [0, 16) of the key (the item, folded when case-insensitive)
    word_pair either_case;  // letters_of(head)
    uint64_t length = empty_length;
    int32_t index = -1;
    uint32_t tail_offset = 0;  // a key longer than 16 bytes: its tail in tails_
  };
  /// A word of a key past its first sixteen bytes, and letters_of it.
  struct tail_word {
    uint64_t key = 0;
    uint64_t either_case = 0;
  };

 public:
  /// `items` in order; find() returns the index of the first equal item.
  void build(const std::vector<std::string>& items, bool fold_case) {
    fold_ = fold_case;
    blank_start_ = false;
    hash_fold_ = fold_case ? 0x2020202020202020ull : 0;
    // Distinct keys only, each with its item's first index.
    std::vector<std::pair<std::string, int32_t>> distinct;
    for (size_t k = 0; k < items.size(); ++k) {
      if (items[k].size() > longest_item) continue;  // no cell is that long
      const std::string key = key_of(items[k]);
      const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const auto& d) { return d.first == key; });
      if (!seen) distinct.emplace_back(key, static_cast<int32_t>(k));
      blank_start_ = blank_start_ || (!key.empty() && static_cast<unsigned char>(key.front()) <= ' ');
    }
    size_t capacity = 4;
    while (capacity < distinct.size() * 2) capacity *= 2;
    // A multiplier under which no two items share a slot, trying up to 8x the capacity.
    perfect_ = false;
    for (size_t cap = capacity; cap <= capacity * 8 && !perfect_; cap *= 2) {
      for (uint64_t attempt = 0; attempt < 64 && !perfect_; ++attempt) {
        const uint64_t multiplier = 0x9E3779B97F4A7C15ull + attempt * 0x632BE59BD9B4E019ull;
        std::vector<bool> used(cap, false);
        bool clash = false;
        for (const auto& d : distinct) {
          const size_t at = hash(hash_word(d.first), multiplier) & (cap - 1);
          if (used[at]) {
            clash = true;
            break;
          }
          used[at] = true;
        }
        if (!clash) {
          perfect_ = true;
          capacity = cap;
          multiplier_ = multiplier;
        }
      }
    }
    slots_.assign(capacity, slot{});
    mask_ = capacity - 1;
    tails_.clear();
    for (const auto& [key, index] : distinct) {
      slot entry;
      entry.head = load_head_exact(key.data(), key.size());
      entry.either_case = letters_of(entry.head);
      entry.length = key.size();
      entry.index = index;
      entry.tail_offset = static_cast<uint32_t>(tails_.size());
      if (key.size() > 16) {
        for (size_t i = 16; i + 8 < key.size(); i += 8) add_tail_word(word_at(key, i));
        add_tail_word(word_at(key, key.size() - 8));
      }
      size_t at = hash(hash_word(key), multiplier_) & mask_;
      while (slots_[at].index >= 0) at = (at + 1) & mask_;
      slots_[at] = entry;
    }
  }

  /// What find() reads, by value: a column loop copies it once, and the copy stays in
  /// registers (read through `this`, its fields would be reloaded after every store to the
  /// suspect flags, which may alias them as far as the compiler knows).
  class lookup {
   public:
    [[nodiscard, gnu::always_inline]] int32_t find(std::string_view v) const noexcept {
      const word_pair head = head_of(v);
      const size_t at = home_of(head);
      if (holds(slots_[at], v, head)) return slots_[at].index;
      // The rest is out of line, so that the usual lookup keeps its values in registers.
      return perfect_ ? -1 : probe_after(at, v, head);
    }
    /// Whether some item starts with a byte up to ' ' (PHP trim() whitespace, a control
    /// byte): otherwise no value starting with one is found.
    [[nodiscard]] bool has_blank_start() const noexcept { return blank_start_; }
    /// find(v) >= 0, without reading the index.
    [[nodiscard, gnu::always_inline]] bool contains(std::string_view v) const noexcept {
      const word_pair head = head_of(v);
      const size_t at = home_of(head);
      return holds(slots_[at], v, head) || (!perfect_ && probe_after(at, v, head) >= 0);
    }

   private:
    [[nodiscard, gnu::always_inline]] static word_pair head_of(std::string_view v) noexcept {
      return load_head(v.data(), v.size() < 16 ? v.size() : 16);
    }
    /// The slot where v's key would be, with a perfect multiplier (else where probing starts).
    [[nodiscard, gnu::always_inline]] size_t home_of(word_pair head) const noexcept {
      return hash(hash_word(head, hash_fold_), multiplier_) & mask_;
    }

    /// Whether slot s holds v, whose first sixteen bytes are `head`. A slot of another
    /// length differs, and so does an empty one (no value is that long).
    [[nodiscard, gnu::always_inline]] bool holds(const slot& s, std::string_view v, word_pair head) const noexcept {
      const uint64_t differ = ((head.lo | s.either_case.lo) ^ s.head.lo) |
                              ((head.hi | s.either_case.hi) ^ s.head.hi) | (s.length ^ v.size());
      return differ == 0 && (v.size() <= 16 || equal_past_16(v, tails_ + s.tail_offset));
    }

    /// Linear probing past slot `at` (which did not hold v), up to an empty slot.
    [[gnu::noinline]] int32_t probe_after(size_t at, std::string_view v, word_pair head) const noexcept {
      for (size_t k = at; slots_[k].index >= 0;) {
        k = (k + 1) & mask_;
        if (holds(slots_[k], v, head)) return slots_[k].index;
      }
      return -1;
    }

    friend class string_table;
    const slot* slots_ = nullptr;
    const tail_word* tails_ = nullptr;
    size_t mask_ = 0;
    uint64_t multiplier_ = 0;
    uint64_t hash_fold_ = 0;
    bool perfect_ = false;
    bool blank_start_ = false;
  };

  [[nodiscard]] lookup view() const noexcept {
    lookup l;
    l.slots_ = slots_.data();
    l.tails_ = tails_.data();
    l.mask_ = mask_;
    l.multiplier_ = multiplier_;
    l.hash_fold_ = hash_fold_;
    l.perfect_ = perfect_;
    l.blank_start_ = blank_start_;
    return l;
  }

  [[nodiscard, gnu::always_inline]] int32_t find(std::string_view v) const noexcept { return view().find(v); }

 private:
  /// The item as lookups compare it: ASCII letters folded to lower case when
  /// case-insensitive (bytes from 0x80 unchanged: UTF-8 is not folded).
  [[nodiscard]] std::string key_of(std::string_view item) const {
    std::string key(item);
    if (fold_) {
      for (char& c : key) c = fold(c);
    }
    return key;
  }

  /// The 0x20 bit of each byte of a folded key's word that is a letter (none when
  /// case-sensitive).
  [[nodiscard]] uint64_t letters_of(uint64_t w) const noexcept {
    uint64_t bits = 0;
    for (size_t k = 0; k < 8 && fold_; ++k) {
      const auto c = static_cast<char>(w >> (k * 8));
      if (c >= 'a' && c <= 'z') bits |= uint64_t{0x20} << (k * 8);
    }
    return bits;
  }
  [[nodiscard]] word_pair letters_of(word_pair head) const noexcept {
    return word_pair{letters_of(head.lo), letters_of(head.hi)};
  }
  void add_tail_word(uint64_t key_word) { tails_.push_back(tail_word{key_word, letters_of(key_word)}); }

  [[nodiscard]] uint64_t hash_word(std::string_view key) const noexcept {
    return hash_word(load_head_exact(key.data(), key.size()), hash_fold_);
  }

  /// Bytes [i, i+8) of v as a word (i + 8 <= v.size()).
  [[nodiscard]] static uint64_t word_at(std::string_view v, size_t i) noexcept {
    uint64_t w;
    std::memcpy(&w, v.data() + i, 8);
    return w;
  }

  /// Whether a value of a key's length (> 16) agrees with it from byte 16 on: the key's
  /// tail words are those at 16, 24, … before the last, then its last eight bytes (which
  /// may overlap the word before), so every load is a whole word inside the value.
  [[gnu::noinline]] static bool equal_past_16(std::string_view v, const tail_word* tail) noexcept {
    const auto equal = [&](size_t i) { return (word_at(v, i) | tail->either_case) == tail->key; };
    size_t i = 16;
    for (; i + 8 < v.size(); i += 8, ++tail) {
      if (!equal(i)) return false;
    }
    return equal(v.size() - 8);
  }

  /// What the hash reads of a key or value: its two head words combined (items often share
  /// a first word: "administration", "administrator"), with 0x20 set in every byte when
  /// case-insensitive (`fold`), which maps the two cases of a letter together. Two values
  /// that agree outside those bits (as a value and the key it matches do) give one word.
  [[nodiscard]] static uint64_t hash_word(word_pair head, uint64_t fold) noexcept { return (head.lo ^ head.hi) | fold; }

  /// Multiplicative hashing of what hash_word gives (the slot comes from the product's
  /// bits 40 and up, the well-mixed ones).
  [[nodiscard]] static uint64_t hash(uint64_t word, uint64_t multiplier) noexcept { return (word * multiplier) >> 40; }

  std::vector<tail_word> tails_;
  std::vector<slot> slots_ = std::vector<slot>(1);  // empty until build(): find() reads a slot
  size_t mask_ = 0;
  uint64_t multiplier_ = 0x9E3779B97F4A7C15ull;
  uint64_t hash_fold_ = 0;
  bool fold_ = false;
  bool perfect_ = false;
  bool blank_start_ = false;  // see lookup::has_blank_start
};

// ───────────────────────────── regex prefilter ─────────────────────────────

/// 256 bits, one per byte value.
struct byte_set {
  std::array<uint64_t, 4> bits{};

  [[nodiscard]] bool has(unsigned char b) const noexcept { return ((bits[b >> 6] >> (b & 63u)) & 1u) != 0; }
  void add(unsigned char b) noexcept { bits[b >> 6] |= uint64_t{1} << (b & 63u); }
  void add_range(unsigned lo, unsigned hi) noexcept {
    for (unsigned b = lo; b <= hi; ++b) add(static_cast<unsigned char>(b));
  }
  void add_all() noexcept { bits.fill(~uint64_t{0}); }
  void merge(const byte_set& o) noexcept {
    for (size_t w = 0; w < 4; ++w) bits[w] |= o.bits[w];
  }
  [[nodiscard]] int count() const noexcept {
    int n = 0;
    for (const uint64_t w : bits) n += std::popcount(w);
    return n;
  }
};

/// Necessary conditions for a `regex:` pattern to match, read from its source when the rule
/// is compiled, so that check_row can skip regex::search on cells that cannot match. On the
/// clients phone column, /^[+-]?\d(\.\d+)?E[+-]?\d+$/i needs an 'E' or 'e' somewhere, and a
/// phone number has none: the check is a short byte scan instead of a VM run.
///
/// Both conditions are supersets, never guesses: the analysis understands a plain subset
/// of the syntax (literals, escaped punctuation, \d \w \s and their negations, classes
/// without POSIX names, `.`, groups as opaque units, greedy and lazy quantifiers, anchors)
/// and gives up — no prefilter — on anything else (top-level alternation, \x, \p, back
/// references, non-ASCII in the pattern, unknown flags). Every class escape also admits
/// all bytes from 0x80 (Unicode classes and case partners under /u start with those).
/// A cell that fails a condition gets the answer search() would give: no match (which is
/// also what an exhausted step budget would mean for both regex and not_regex).
class regex_prefilter {
 public:
  static regex_prefilter analyse(std::string_view source) {
    regex_prefilter out;
    std::vector<atom> atoms;
    if (!parse(source, atoms)) return out;
    out.find_required(atoms);
    out.find_first(atoms);
    return out;
  }

  /// True when `s` certainly does not match (so search() would return false).
  /// Inline for the usual cell (up to sixteen bytes, a few required bytes); the rest out of
  /// line.
  [[nodiscard, gnu::always_inline]] bool cannot_match(std::string_view s) const noexcept {
    if (s.empty()) return has_first_ || has_required_;
    if (first_byte_ok_[static_cast<unsigned char>(s.front())] == 0) return true;
    if (!has_required_) return false;
    if (required_pattern_count_ > 0 && s.size() <= 16) return !window_has_required(load_head(s.data(), s.size()));
    return !contains_required(s);
  }

 private:
  /// Bytes b with (b | either) == value, in every byte of the words: one byte (either 0),
  /// or two that differ only in the bit `either`.
  struct byte_pattern {
    uint64_t either = 0;
    uint64_t value = 0;
  };
  static constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

  enum class atom_kind : uint8_t { consume, group, start, boundary, end };
  struct atom {
    atom_kind kind = atom_kind::consume;
    byte_set set;       // consume: the bytes a match of one repetition can start with
    uint32_t min = 1;   // repetitions at least
  };

  struct flags {
    bool caseless = false, utf8 = false, multiline = false;
  };

  static constexpr std::array<uint8_t, 256> all_bytes_ok() noexcept {
    std::array<uint8_t, 256> ok{};
    ok.fill(1);
    return ok;
  }

  static constexpr bool is_alnum(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static void add_char(byte_set& set, char c, const flags& f) noexcept {
    const auto b = static_cast<unsigned char>(c);
    set.add(b);
    if (f.caseless && b >= 'a' && b <= 'z') set.add(static_cast<unsigned char>(b - 32));
    if (f.caseless && b >= 'A' && b <= 'Z') set.add(static_cast<unsigned char>(b + 32));
  }

  /// \d \w \s (and the negations, as everything; all admit bytes from 0x80, where Unicode
  /// digits and letters start under /u). False for an escape letter it does not know.
  static bool add_class_escape(byte_set& set, char letter) noexcept {
    switch (letter) {
      case 'd': set.add_range('0', '9'); break;
      case 'w':
        set.add_range('0', '9');
        set.add_range('A', 'Z');
        set.add_range('a', 'z');
        set.add('_');
        break;
      case 's':
        set.add_range('\t', '\r');
        set.add(' ');
        break;
      case 'D':
      case 'W':
      case 'S': set.add_all(); return true;
      default: return false;
    }
    set.add_range(0x80, 0xFF);
    return true;
  }

  /// A single character an escape stands for (\t \n \r \f, escaped punctuation), or -1.
  static int escaped_char(char c) noexcept {
    switch (c) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'f': return '\f';
      default: break;
    }
    if (is_alnum(c) || static_cast<unsigned char>(c) >= 0x80) return -1;
    return static_cast<unsigned char>(c);
  }

  // Splits "/pattern/flags" (delimiter / # or ~) and parses the pattern into top-level atoms.
  static bool parse(std::string_view source, std::vector<atom>& atoms) {
    if (source.empty()) return false;
    const char delimiter = source.front();
    if (delimiter != '/' && delimiter != '#' && delimiter != '~') return false;
    size_t close = 1;
    for (; close < source.size() && source[close] != delimiter; ++close) {
      if (source[close] == '\\') ++close;
    }
    if (close >= source.size()) return false;
    flags f;
    for (const char c : source.substr(close + 1)) {
      switch (c) {
        case 'i': f.caseless = true; break;
        case 'u': f.utf8 = true; break;
        case 'm': f.multiline = true; break;
        case 's':
        case 'D':
        case ' ':
        case '\n':
        case '\r': break;
        default: return false;
      }
    }
    const std::string_view p = source.substr(1, close - 1);
    for (const char c : p) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    size_t i = 0;
    while (i < p.size()) {
      atom a;
      const char c = p[i];
      if (c == '\\') {
        if (i + 1 >= p.size()) return false;
        const char e = p[i + 1];
        i += 2;
        if (e == 'A') {
          a.kind = atom_kind::start;
        } else if (e == 'b' || e == 'B') {
          a.kind = atom_kind::boundary;
        } else if (e == 'z' || e == 'Z') {
          a.kind = atom_kind::end;
        } else if (!add_class_escape(a.set, e)) {
          const int ch = escaped_char(e);
          if (ch < 0) return false;
          add_char(a.set, static_cast<char>(ch), f);
        }
      } else if (c == '[') {
        if (!parse_class(p, i, f, a.set)) return false;
      } else if (c == '(') {
        if (!skip_group(p, i)) return false;
        a.kind = atom_kind::group;
      } else if (c == '.') {
        a.set.add_all();
        ++i;
      } else if (c == '^') {
        a.kind = f.multiline ? atom_kind::boundary : atom_kind::start;
        ++i;
      } else if (c == '$') {
        a.kind = atom_kind::end;
        ++i;
      } else if (c == '|' || c == ')' || c == ']' || c == '{' || c == '}' || c == '*' || c == '+' || c == '?') {
        return false;  // alternation, or a quantifier with nothing to repeat: not handled
      } else {
        add_char(a.set, c, f);
        ++i;
      }
      // Under /u a character is a code point, and with /i its case partners reach past
      // ASCII (k and the Kelvin sign): its first byte may be any lead byte.
      if (f.utf8 && a.kind == atom_kind::consume) a.set.add_range(0x80, 0xFF);
      if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?' || p[i] == '{')) {
        if (a.kind != atom_kind::consume && a.kind != atom_kind::group) return false;
        if (!parse_quantifier(p, i, a.min)) return false;
      }
      atoms.push_back(a);
    }
    return true;
  }

  // * + ? {m} {m,} {m,n}, then an optional lazy '?'. A possessive '+' is not handled.
  static bool parse_quantifier(std::string_view p, size_t& i, uint32_t& min) {
    const char q = p[i++];
    if (q == '*' || q == '?') {
      min = 0;
    } else if (q == '+') {
      // min stays
    } else {
      uint64_t m = 0;
      size_t digits = 0;
      while (i < p.size() && p[i] >= '0' && p[i] <= '9' && digits < 6) m = m * 10 + static_cast<uint64_t>(p[i++] - '0'), ++digits;
      if (digits == 0 || digits == 6 || i >= p.size()) return false;
      if (p[i] == ',') {
        ++i;
        while (i < p.size() && p[i] >= '0' && p[i] <= '9') ++i;
      }
      if (i >= p.size() || p[i] != '}') return false;
      ++i;
      min = static_cast<uint32_t>(m);
    }
    if (i < p.size() && p[i] == '?') ++i;
    if (i < p.size() && (p[i] == '+' || p[i] == '*' || p[i] == '?' || p[i] == '{')) return false;
    return true;
  }

  // A class at p[i] == '['; leaves i after its ']'. A negated class is every byte.
  static bool parse_class(std::string_view p, size_t& i, const flags& f, byte_set& set) {
    ++i;
    bool negated = false;
    if (i < p.size() && p[i] == '^') {
      negated = true;
      ++i;
    }
    bool first = true;
    while (true) {
      if (i >= p.size()) return false;
      char c = p[i];
      if (c == ']' && !first) {
        ++i;
        break;
      }
      first = false;
      if (c == '[' && i + 1 < p.size() && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) return false;
      int lo = -1;
      if (c == '\\') {
        if (i + 1 >= p.size()) return false;
        const char e = p[i + 1];
        i += 2;
        if (add_class_escape(set, e)) continue;
        lo = e == 'b' ? '\b' : escaped_char(e);
        if (lo < 0) return false;
      } else {
        lo = static_cast<unsigned char>(c);
        ++i;
      }
      // A range lo-hi (a '-' before the closing ']' is a literal).
      if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
        int hi = -1;
        if (p[i + 1] == '\\') {
          if (i + 2 >= p.size()) return false;
          const char e = p[i + 2];
          hi = e == 'b' ? '\b' : escaped_char(e);
          i += 3;
        } else {
          hi = static_cast<unsigned char>(p[i + 1]);
          i += 2;
        }
        if (hi < lo) return false;
        for (int b = lo; b <= hi; ++b) add_char(set, static_cast<char>(b), f);
        continue;
      }
      add_char(set, static_cast<char>(lo), f);
    }
    if (negated) set.add_all();
    return true;
  }

  // A group at p[i] == '('; leaves i after its ')'. Its contents stay unread.
  static bool skip_group(std::string_view p, size_t& i) {
    int depth = 0;
    while (i < p.size()) {
      const char c = p[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '[') {
        // Skip the class: ']' right after '[' or '[^' is a literal.
        ++i;
        if (i < p.size() && p[i] == '^') ++i;
        if (i < p.size() && p[i] == ']') ++i;
        while (i < p.size() && p[i] != ']') {
          if (p[i] == '[' && i + 1 < p.size() && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) return false;
          i += p[i] == '\\' ? size_t{2} : size_t{1};
        }
        if (i >= p.size()) return false;
        ++i;
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) {
        ++i;
        return true;
      }
      ++i;
    }
    return false;
  }

  // Every match passes through each top-level atom; one that must repeat at least once
  // puts one of its set's bytes in the subject. The smallest such set filters best.
  void find_required(const std::vector<atom>& atoms) {
    int best = 256;
    for (const atom& a : atoms) {
      if (a.kind != atom_kind::consume || a.min == 0) continue;
      const int n = a.set.count();
      if (n < best) {
        best = n;
        required_ = a.set;
      }
    }
    has_required_ = best < 256;
    // A set of a few nonzero bytes ("E or e") is searched for sixteen bytes at a time.
    if (!has_required_ || best > static_cast<int>(required_patterns_.size()) || required_.has(0)) return;
    std::vector<uint8_t> bytes;
    for (unsigned b = 1; b < 256; ++b) {
      if (required_.has(static_cast<unsigned char>(b))) bytes.push_back(static_cast<uint8_t>(b));
    }
    // Pair bytes that differ in one bit (a letter and its other case), one pattern a pair.
    std::vector<bool> paired(bytes.size(), false);
    std::vector<byte_pattern> patterns;
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (paired[i]) continue;
      uint8_t either = 0;
      for (size_t j = i + 1; j < bytes.size() && either == 0; ++j) {
        if (!paired[j] && std::popcount(static_cast<unsigned>(bytes[i] ^ bytes[j])) == 1) {
          either = static_cast<uint8_t>(bytes[i] ^ bytes[j]);
          paired[j] = true;
        }
      }
      patterns.push_back(byte_pattern{ones * either, ones * (bytes[i] | either)});
    }
    std::copy(patterns.begin(), patterns.end(), required_patterns_.begin());
    required_pattern_count_ = static_cast<uint32_t>(patterns.size());
  }

  // Whether s holds one of the required bytes: with patterns, sixteen bytes (a load_head
  // window) at a time, else byte by byte with the bit set.
  // A byte b is one when (b | either) == value for one of the patterns: per word, such a
  // byte becomes zero in (w | either) ^ value, and (x - ones) & ~x & highs is nonzero
  // exactly when x has a zero byte. Zero padding matches no pattern (the required bytes are
  // nonzero, and a pattern's pair never includes 0).
  [[gnu::noinline]] bool contains_required(std::string_view s) const noexcept {
    if (required_pattern_count_ == 0) {
      return std::any_of(s.begin(), s.end(), [&](char c) { return required_.has(static_cast<unsigned char>(c)); });
    }
    const char* p = s.data();
    size_t left = s.size();
    for (; left > 16; p += 16, left -= 16) {
      if (window_has_required(load_head_exact(p, 16))) return true;
    }
    return window_has_required(load_head(p, left));
  }

  [[nodiscard]] bool window_has_required(word_pair w) const noexcept {
    // The first pattern inline, the others out of line: the usual set ("E or e") has just
    // the one.
    return zero_bytes(w, required_patterns_[0]) != 0 || (required_pattern_count_ > 1 && other_patterns_match(w));
  }

  [[gnu::noinline]] bool other_patterns_match(word_pair w) const noexcept {
    uint64_t hit = 0;
    for (uint32_t k = 1; k < required_pattern_count_; ++k) hit |= zero_bytes(w, required_patterns_[k]);
    return hit != 0;
  }

  /// The high bit of each byte of w that matches the pattern (and maybe of bytes above one
  /// that does: exact about whether there is one).
  [[nodiscard]] static uint64_t zero_bytes(word_pair w, const byte_pattern& pattern) noexcept {
    const uint64_t lo = (w.lo | pattern.either) ^ pattern.value;
    const uint64_t hi = (w.hi | pattern.either) ^ pattern.value;
    return (((lo - ones) & ~lo) | ((hi - ones) & ~hi)) & highs;
  }

  // Anchored at the start: the first byte of the subject is consumed by the first atom
  // that must repeat, or by one of the optional atoms before it.
  void find_first(const std::vector<atom>& atoms) {
    if (atoms.empty() || atoms.front().kind != atom_kind::start) return;
    byte_set first;
    for (size_t k = 1; k < atoms.size(); ++k) {
      const atom& a = atoms[k];
      switch (a.kind) {
        case atom_kind::start:
        case atom_kind::boundary: continue;
        case atom_kind::end:
        case atom_kind::group: return;
        case atom_kind::consume:
          first.merge(a.set);
          if (a.min > 0) {
            if (first.count() < 256) {
              for (unsigned b = 0; b < 256; ++b) first_byte_ok_[b] = first.has(static_cast<unsigned char>(b)) ? 1 : 0;
              has_first_ = true;
            }
            return;
          }
          break;
      }
    }
  }

  // Which first bytes a match may start with, one byte each (a table look-up is cheaper
  // than a bit test); every byte without that condition.
  std::array<uint8_t, 256> first_byte_ok_ = all_bytes_ok();
  byte_set required_;
  std::array<byte_pattern, 4> required_patterns_{};
  uint32_t required_pattern_count_ = 0;  // 0: scan with the bit set
  bool has_first_ = false;
  bool has_required_ = false;
};

struct compiled_rule {
  rule_kind kind = rule_kind::required;
  bool implicit = false;
  bool has_other = false;     // after/before…: the parameter names another field
  uint16_t other = 0;         // required_if/unless, date comparisons: the other field
  uint32_t list_begin = 0;    // field refs (required_with…) or dependent values (required_if…)
  uint32_t list_count = 0;
  double a = 0, b = 0;        // max/min/size/digits (a), between/digits_between (a, b)
  int64_t date = 0;           // literal date parameter, epoch seconds
  int32_t aux = -1;           // index of the regex, value set or date format
};

/// What a rule does to a *filled* cell (present, not whitespace-only), the usual case.
/// Presence rules have nothing left to do there and are left out; the common type checks
/// get their own case in check_row's loop, and everything else goes through passes().
enum class filled_op : uint8_t {
  none,       // nothing to check
  general,    // passes(rules[param])
  fail,       // prohibited
  uuid,
  email,
  integer,
  boolean,
  date,
  in,         // param: the value set
  not_in,
  max_chars,  // max on a field that is not numeric: param is the rule
  size,       // max / min / between / size otherwise: param is the rule
  date_vs_literal,  // after… against a literal date, on a field without date_format
  regex,      // regex / not_regex: param is the rule
};

struct filled_check {
  filled_op op = filled_op::none;
  uint32_t param = 0;        // the rule (general, regex, max_chars), or the value set (in, not_in)
  uint32_t limit = 0;        // max_chars: a byte length that certainly passes
};

/// What check_row reads for every field it visits, kept apart from field_plan so the hot
/// loop touches one small record per field: the field's first check on a filled cell
/// inline (most fields have one), the others in impl::filled_checks.
struct field_fast {
  filled_check first;
  uint32_t more_begin = 0;   // further checks: filled_checks[more_begin, more_end)
  uint32_t more_end = 0;
  bool skip_null = false;    // nullable without implicit rules: a null cell has nothing to check
  bool reads_row = false;    // a check compares with another field (after:other…): not column-wise
};

struct field_plan {
  uint32_t rule_begin = 0;   // into impl::rules
  uint32_t check_end = 0;    // rules checked by check_row end here (distinct comes after)
  uint16_t distinct_index = 0;
  bool nullable = false;
  bool bail = false;
  bool numeric = false;      // has numeric or integer: size rules compare numbers
  bool boolean = false;      // has boolean: required_if on it compares boolean meanings
  bool has_implicit = false;
  bool always_required = false;
  int32_t date_format = -1;  // the field's own date_format, for its date comparisons
};

/// Everything compile() produces; rule_set::impl is exactly this.
struct compiled_tables {
  const import_type* type = nullptr;
  laravel_version wording = laravel_version::v10;
  std::vector<field_plan> fields;
  std::vector<compiled_rule> rules;
  std::vector<field_fast> fast;                // parallel to `fields`
  std::vector<filled_check> filled_checks;
  std::vector<std::vector<std::string>> params;  // parallel to `rules`: parameters as written
  std::vector<uint16_t> field_refs;
  std::vector<dependent_value> dependent_values;
  std::vector<string_table> sets;
  std::vector<regex> regexes;
  std::vector<regex_prefilter> regex_filters;  // parallel to `regexes`
  std::vector<std::string> date_formats;
  string_table booleans;             // the type's true spellings, then its false ones
  size_t boolean_true_count = 0;
  // Which fields check_row visits, eight fields to a word, one byte each (0x80 = yes), in
  // the layout present_bits() gives the row's `present` flags: a field with rules to check
  // when it is present, and a field with an implicit rule (required…) always.
  std::vector<uint64_t> visit_if_present;
  std::vector<uint64_t> visit_always;

  /// 1 or 0 when `v` is one of the type's boolean spellings, else -1.
  [[nodiscard]] int8_t boolean_meaning(std::string_view v) const noexcept {
    const int32_t k = booleans.find(v);
    if (k < 0) return -1;
    return static_cast<size_t>(k) < boolean_true_count ? int8_t{1} : int8_t{0};
  }
};

// ───────────────────────────── per-row checks ─────────────────────────────

/// Read access to a row that tolerates short spans (a missing entry is "not present").
struct row_view {
  std::span<const std::string_view> values;
  std::span<const uint8_t> present;
  // A row of a row_block: field f's value is cells[column_of_field[f]] when that is >= 0
  // (a mapped field), else values[f] (a constant or nothing). Unset for check_row, whose
  // caller passed the values in schema order.
  std::span<const std::string_view> cells;
  std::span<const int> column_of_field;

  [[nodiscard]] bool is_present(size_t f) const noexcept { return f < present.size() && present[f] != 0; }
  [[nodiscard]] std::string_view value(size_t f) const noexcept {
    if (f < column_of_field.size() && column_of_field[f] >= 0) {
      const auto column = static_cast<size_t>(column_of_field[f]);
      return column < cells.size() ? cells[column] : std::string_view{};
    }
    return f < values.size() ? values[f] : std::string_view{};
  }
  /// Laravel's validateRequired on field f: present, not null, not whitespace-only.
  [[nodiscard]] bool filled(size_t f) const noexcept { return is_present(f) && !is_blank(value(f)); }
};

/// The cell under check, with the parses that several rules share done at most once.
struct cell {
  std::string_view value;
  bool present;
  bool is_null;
  int8_t numeric_state = -1;  // -1 unknown, 0 no, 1 yes
  int8_t date_state = -1;
  double number = 0;
  date_value date_read;

  /// PHP is_numeric, and the number (for size rules).
  bool numeric() noexcept {
    if (numeric_state < 0) numeric_state = parse_numeric(value, number) ? 1 : 0;
    return numeric_state == 1;
  }
  /// Laravel `integer` (FILTER_VALIDATE_INT).
  bool integer() noexcept {
    int64_t n = 0;
    if (!parse_integer(value, n)) return false;
    // Plain digits (no surrounding whitespace, which FILTER_VALIDATE_INT and is_numeric
    // trim differently) are the same number for is_numeric: spare the size rules a parse.
    if (numeric_state < 0 && static_cast<unsigned char>(value.front()) > ' ' &&
        static_cast<unsigned char>(value.back()) > ' ') {
      numeric_state = 1;
      number = static_cast<double>(n);
    }
    return true;
  }
  /// parse_date (the `date` rule, and date comparisons on a field without date_format).
  bool date() noexcept {
    if (date_state < 0) date_state = parse_date(value, date_read) == date_error::ok ? 1 : 0;
    return date_state == 1;
  }
  /// The same, as epoch seconds (for date comparisons only: `date` needs no epoch).
  bool date(int64_t& out) noexcept {
    if (!date()) return false;
    out = date_read.epoch_seconds();
    return true;
  }
};

bool php_equal_strings(std::string_view a, const dependent_value& b) noexcept {
  if (a == b.text) return true;
  if (!b.numeric) return false;
  double x = 0;
  return parse_numeric(a, x) && x == b.number;
}

// required_if / required_unless: does the other field's value match one of the rule's
// values? Laravel (parseDependentRuleParameters) converts the values to booleans when the
// other field has `boolean`, and to null when the other value is null, then runs in_array.
// With a CSV string on the other side PHP's loose == makes "false" equal true, so for a
// boolean field we compare meanings through the type's spellings instead.
int match_dependent(const compiled_tables& m, const compiled_rule& r, const row_view& row) noexcept {
  const size_t o = r.other;
  const std::string_view other = row.value(o);
  const bool other_null = !row.is_present(o) || other.empty();
  const bool other_boolean = m.fields[o].boolean;
  const int8_t other_meaning = other_boolean && !other_null ? m.boolean_meaning(other) : int8_t{-1};
  for (uint32_t k = 0; k < r.list_count; ++k) {
    const dependent_value& dv = m.dependent_values[r.list_begin + k];
    bool hit;
    if (other_null) {
      hit = dv.is_null;
    } else if (other_meaning >= 0 && dv.boolean >= 0) {
      hit = other_meaning == dv.boolean;
    } else {
      hit = php_equal_strings(other, dv);
    }
    if (hit) return static_cast<int>(k);
  }
  return -1;
}

// Laravel's checkDateTimeOrder reads with the field's date_format first, then falls back
// to a general parse; our general parse is the importer's DD/MM/YYYY or ISO.
bool read_formatted_date(const compiled_tables& m, const field_plan& fp, std::string_view v, int64_t& epoch) noexcept {
  date_value d;
  if (fp.date_format < 0 || !parse_date_format(v, m.date_formats[static_cast<size_t>(fp.date_format)], d)) {
    return false;
  }
  epoch = d.epoch_seconds();
  return true;
}

bool read_date(const compiled_tables& m, const field_plan& fp, std::string_view v, int64_t& epoch) noexcept {
  if (read_formatted_date(m, fp, v, epoch)) return true;
  date_value d;
  if (parse_date(v, d) != date_error::ok) return false;
  epoch = d.epoch_seconds();
  return true;
}

bool digits_only(std::string_view v) noexcept {
  for (const char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Laravel's getSize for max / min / between / size: the number itself when the field is
// numeric and the value is a number, else the length in characters (mb_strlen; null
// counts as 0).
inline bool size_rule_passes(const field_plan& fp, const compiled_rule& r, cell& c) noexcept {
  double size;
  if (fp.numeric && c.numeric()) {
    size = c.number;
  } else if (r.kind == rule_kind::max && static_cast<double>(c.value.size()) <= r.a) {
    return true;  // code points never outnumber bytes: skip counting
  } else {
    size = static_cast<double>(utf8_length(c.value));
  }
  switch (r.kind) {
    case rule_kind::max: return size <= r.a;
    case rule_kind::min: return size >= r.a;
    case rule_kind::between: return size >= r.a && size <= r.b;
    default: return size == r.a;
  }
}

// As on the server: a value that is not a date parses to null, and PHP compares null with
// a timestamp as booleans (false against true). So before and before_or_equal pass, and
// the field's `date` rule alone reports the value, while after, after_or_equal and
// date_equals fail as well.
constexpr bool unreadable_date_passes(rule_kind k) noexcept {
  return k == rule_kind::before || k == rule_kind::before_or_equal;
}

constexpr bool dates_in_order(rule_kind k, int64_t mine, int64_t theirs) noexcept {
  switch (k) {
    case rule_kind::after: return mine > theirs;
    case rule_kind::after_or_equal: return mine >= theirs;
    case rule_kind::before: return mine < theirs;
    case rule_kind::before_or_equal: return mine <= theirs;
    default: return mine == theirs;
  }
}

/// regex / not_regex (`kind`) on a value the prefilter lets through: runs the search (out
/// of line: most values never get here).
[[gnu::noinline]] bool regex_search_passes(const regex& re, rule_kind kind, std::string_view v) noexcept {
  bool too_complex = false;
  const bool found = re.search(v, &too_complex);
  // preg_match returns false when PCRE gives up: `false > 0` fails regex, while
  // `false < 1` passes not_regex. We keep both outcomes.
  if (too_complex) return kind == rule_kind::not_regex;
  return (kind == rule_kind::regex) == found;
}

/// regex / not_regex (`kind`) on a value that is a string, given the rule's prefilter.
[[gnu::always_inline]] inline bool regex_rule_passes(const regex_prefilter& filter, const regex& re, rule_kind kind,
                                                     std::string_view v) noexcept {
  // A cell the prefilter rules out gets search()'s answer without running it.
  if (filter.cannot_match(v)) return kind == rule_kind::not_regex;
  return regex_search_passes(re, kind, v);
}

inline bool regex_rule_passes(const compiled_tables& m, const compiled_rule& r, std::string_view v) noexcept {
  const auto index = static_cast<size_t>(r.aux);
  return regex_rule_passes(m.regex_filters[index], m.regexes[index], r.kind, v);
}

/// max on a field that is not numeric, on a filled cell: `limit` is a byte length that
/// certainly passes (code points never outnumber bytes), so only a long value is counted.
inline bool within_max_chars(std::string_view v, uint32_t limit, double max) noexcept {
  return v.size() <= limit || static_cast<double>(utf8_length(v)) <= max;
}

// violation::detail of a required_if whose other field was null: Laravel then shows
// :value as "empty" (getDisplayableValue), whatever the parameter said.
constexpr uint16_t other_was_null = 0x8000;

// Out of line: check_row's loop handles the common rules itself and stays small.
[[gnu::noinline]] bool passes(const compiled_tables& m, const field_plan& fp, const compiled_rule& r, cell& c,
                              const row_view& row, uint16_t& detail) noexcept {
  const std::string_view v = c.value;
  switch (r.kind) {
    case rule_kind::required:
      return c.present && !is_blank(v);
    case rule_kind::required_if: {
      if (!row.is_present(r.other)) return true;  // Laravel: `! Arr::has($data, $other)` passes
      const int hit = match_dependent(m, r, row);
      if (hit < 0) return true;
      detail = static_cast<uint16_t>(hit);
      if (row.value(r.other).empty()) detail = static_cast<uint16_t>(detail | other_was_null);
      return c.present && !is_blank(v);
    }
    case rule_kind::required_unless:
      return match_dependent(m, r, row) >= 0 || (c.present && !is_blank(v));
    case rule_kind::required_with:
    case rule_kind::required_with_all:
    case rule_kind::required_without:
    case rule_kind::required_without_all: {
      uint32_t filled = 0;
      for (uint32_t k = 0; k < r.list_count; ++k) filled += row.filled(m.field_refs[r.list_begin + k]) ? 1U : 0U;
      bool needed = false;
      switch (r.kind) {
        case rule_kind::required_with: needed = filled > 0; break;
        case rule_kind::required_with_all: needed = filled == r.list_count; break;
        case rule_kind::required_without: needed = filled < r.list_count; break;
        default: needed = filled == 0; break;
      }
      return !needed || (c.present && !is_blank(v));
    }
    case rule_kind::prohibited:
      return !(c.present && !is_blank(v));
    case rule_kind::present:
      return c.present;
    case rule_kind::filled:
      return !c.present || !is_blank(v);
    case rule_kind::nullable:
    case rule_kind::bail:
    case rule_kind::distinct:
      return true;
    // From here on the rule runs only on a present value (null when not nullable).
    case rule_kind::string:
      return !c.is_null;
    case rule_kind::email:
      return !c.is_null && is_email(v);
    case rule_kind::uuid:
      return is_uuid(v);
    case rule_kind::integer: {
      return c.integer();
    }
    case rule_kind::numeric:
      return c.numeric();
    case rule_kind::boolean:
      return !c.is_null && m.boolean_meaning(v) >= 0;
    case rule_kind::date:
      return c.date();
    case rule_kind::date_format: {
      date_value d;
      return !c.is_null && parse_date_format(v, m.date_formats[static_cast<size_t>(r.aux)], d);
    }
    case rule_kind::in:
      // (string) null is '' in Laravel, which no real list contains.
      return m.sets[static_cast<size_t>(r.aux)].find(v) >= 0;
    case rule_kind::not_in:
      return m.sets[static_cast<size_t>(r.aux)].find(v) < 0;
    case rule_kind::max:
    case rule_kind::min:
    case rule_kind::between:
    case rule_kind::size:
      return size_rule_passes(fp, r, c);
    case rule_kind::digits:
      return digits_only(v) && static_cast<double>(v.size()) == r.a;
    case rule_kind::digits_between:
      return digits_only(v) && static_cast<double>(v.size()) >= r.a && static_cast<double>(v.size()) <= r.b;
    case rule_kind::regex:
    case rule_kind::not_regex:
      if (c.is_null) return false;  // Laravel: neither a string nor a number
      return regex_rule_passes(m, r, v);
    case rule_kind::after:
    case rule_kind::after_or_equal:
    case rule_kind::before:
    case rule_kind::before_or_equal:
    case rule_kind::date_equals: {
      int64_t mine = 0, theirs = r.date;
      if (c.is_null) return false;  // Laravel: neither a string nor a number
      if (!(read_formatted_date(m, fp, v, mine) || c.date(mine))) return unreadable_date_passes(r.kind);
      if (r.has_other) {
        // The other field's value being empty or unreadable makes the comparison
        // meaningless in PHP (a failed strtotime); rather than guess, the rule passes and
        // that field's own rules report its value.
        const std::string_view other = row.value(r.other);
        if (!row.is_present(r.other) || is_blank(other)) return true;
        if (!read_date(m, fp, other, theirs)) return true;
      }
      return dates_in_order(r.kind, mine, theirs);
    }
  }
  return true;
}

// ───────────────────────────── messages ─────────────────────────────

struct wording_pair {
  std::string_view v9, v10;
};

wording_pair template_for(rule_kind k, bool numeric) noexcept {
  switch (k) {
    case rule_kind::required: return {"The :attribute field is required.", "The :attribute field is required."};
    case rule_kind::required_if:
      return {"The :attribute field is required when :other is :value.",
              "The :attribute field is required when :other is :value."};
    case rule_kind::required_unless:
      return {"The :attribute field is required unless :other is in :values.",
              "The :attribute field is required unless :other is in :values."};
    case rule_kind::required_with:
      return {"The :attribute field is required when :values is present.",
              "The :attribute field is required when :values is present."};
    case rule_kind::required_with_all:
      return {"The :attribute field is required when :values are present.",
              "The :attribute field is required when :values are present."};
    case rule_kind::required_without:
      return {"The :attribute field is required when :values is not present.",
              "The :attribute field is required when :values is not present."};
    case rule_kind::required_without_all:
      return {"The :attribute field is required when none of :values are present.",
              "The :attribute field is required when none of :values are present."};
    case rule_kind::prohibited: return {"The :attribute field is prohibited.", "The :attribute field is prohibited."};
    case rule_kind::present: return {"The :attribute field must be present.", "The :attribute field must be present."};
    case rule_kind::filled: return {"The :attribute field must have a value.", "The :attribute field must have a value."};
    case rule_kind::string: return {"The :attribute must be a string.", "The :attribute field must be a string."};
    case rule_kind::email:
      return {"The :attribute must be a valid email address.", "The :attribute field must be a valid email address."};
    case rule_kind::uuid: return {"The :attribute must be a valid UUID.", "The :attribute field must be a valid UUID."};
    case rule_kind::integer: return {"The :attribute must be an integer.", "The :attribute field must be an integer."};
    case rule_kind::numeric: return {"The :attribute must be a number.", "The :attribute field must be a number."};
    case rule_kind::boolean:
      return {"The :attribute field must be true or false.", "The :attribute field must be true or false."};
    case rule_kind::date: return {"The :attribute is not a valid date.", "The :attribute field must be a valid date."};
    case rule_kind::date_format:
      return {"The :attribute does not match the format :format.", "The :attribute field must match the format :format."};
    case rule_kind::in:
    case rule_kind::not_in: return {"The selected :attribute is invalid.", "The selected :attribute is invalid."};
    case rule_kind::max:
      return numeric ? wording_pair{"The :attribute must not be greater than :max.",
                                    "The :attribute field must not be greater than :max."}
                     : wording_pair{"The :attribute must not be greater than :max characters.",
                                    "The :attribute field must not be greater than :max characters."};
    case rule_kind::min:
      return numeric ? wording_pair{"The :attribute must be at least :min.", "The :attribute field must be at least :min."}
                     : wording_pair{"The :attribute must be at least :min characters.",
                                    "The :attribute field must be at least :min characters."};
    case rule_kind::between:
      return numeric ? wording_pair{"The :attribute must be between :min and :max.",
                                    "The :attribute field must be between :min and :max."}
                     : wording_pair{"The :attribute must be between :min and :max characters.",
                                    "The :attribute field must be between :min and :max characters."};
    case rule_kind::size:
      return numeric ? wording_pair{"The :attribute must be :size.", "The :attribute field must be :size."}
                     : wording_pair{"The :attribute must be :size characters.",
                                    "The :attribute field must be :size characters."};
    case rule_kind::digits:
      return {"The :attribute must be :digits digits.", "The :attribute field must be :digits digits."};
    case rule_kind::digits_between:
      return {"The :attribute must be between :min and :max digits.",
              "The :attribute field must be between :min and :max digits."};
    case rule_kind::regex:
    case rule_kind::not_regex: return {"The :attribute format is invalid.", "The :attribute field format is invalid."};
    case rule_kind::after:
      return {"The :attribute must be a date after :date.", "The :attribute field must be a date after :date."};
    case rule_kind::after_or_equal:
      return {"The :attribute must be a date after or equal to :date.",
              "The :attribute field must be a date after or equal to :date."};
    case rule_kind::before:
      return {"The :attribute must be a date before :date.", "The :attribute field must be a date before :date."};
    case rule_kind::before_or_equal:
      return {"The :attribute must be a date before or equal to :date.",
              "The :attribute field must be a date before or equal to :date."};
    case rule_kind::date_equals:
      return {"The :attribute must be a date equal to :date.", "The :attribute field must be a date equal to :date."};
    case rule_kind::distinct:
      return {"The :attribute field has a duplicate value.", "The :attribute field has a duplicate value."};
    case rule_kind::nullable:
    case rule_kind::bail: break;
  }
  return {"The :attribute is invalid.", "The :attribute field is invalid."};
}

struct placeholder {
  std::string_view name;  // without the colon
  std::string value;
};

// One left-to-right pass: a replaced value is never scanned again, so an attribute that
// happens to contain ":min" stays as it is.
std::string render(std::string_view tmpl, std::span<const placeholder> subs) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == ':') {
      size_t j = i + 1;
      while (j < tmpl.size() && ((tmpl[j] >= 'a' && tmpl[j] <= 'z') || tmpl[j] == '_')) ++j;
      const std::string_view name = tmpl.substr(i + 1, j - i - 1);
      const auto hit = std::find_if(subs.begin(), subs.end(), [&](const placeholder& p) { return p.name == name; });
      if (hit != subs.end()) {
        out += hit->value;
        i = j;
        continue;
      }
    }
    out += tmpl[i++];
  }
  return out;
}

std::string join_display_attributes(std::span<const std::string> names, std::string_view sep) {
  std::string out;
  for (size_t k = 0; k < names.size(); ++k) {
    if (k) out += sep;
    out += display_attribute(names[k]);
  }
  return out;
}

// ───────────────────────────── compilation ─────────────────────────────

int64_t system_today_epoch() {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int64_t>(days.time_since_epoch().count()) * 86400;
}

class compiler {
 public:
  compiler(const import_type& type, import_mode mode, const rule_options& options, compiled_tables& out)
      : type_(type), mode_(mode), options_(options), m_(out) {}

  status run() {
    if (type_.fields.size() > std::numeric_limits<uint16_t>::max()) {
      return status::fail(errc::bad_rule, type_.name + ": too many fields");
    }
    if (status s = resolve_today(); !s.ok()) return s;
    m_.type = &type_;
    m_.wording = options_.wording;
    std::vector<std::string> spellings = type_.boolean_true;
    spellings.insert(spellings.end(), type_.boolean_false.begin(), type_.boolean_false.end());
    m_.boolean_true_count = type_.boolean_true.size();
    m_.booleans.build(spellings, type_.boolean_case_insensitive);

    // First pass: the per-field flags other fields' rules depend on (a required_if on a
    // boolean field, a date comparison on a field with date_format).
    m_.fields.resize(type_.fields.size());
    for (size_t f = 0; f < type_.fields.size(); ++f) {
      if (status s = split_field(f); !s.ok()) return s;
    }
    for (size_t f = 0; f < type_.fields.size(); ++f) {
      if (status s = compile_field(f); !s.ok()) return s;
    }
    const size_t words = (type_.fields.size() + 7) / 8;
    m_.visit_if_present.assign(words, 0);
    m_.visit_always.assign(words, 0);

    for (size_t f = 0; f < type_.fields.size(); ++f) {
      const field_plan& fp = m_.fields[f];
      if (fp.rule_begin == fp.check_end) continue;
      const uint64_t bit = uint64_t{0x80} << ((f % 8) * 8);
      m_.visit_if_present[f / 8] |= bit;
      if (fp.has_implicit) m_.visit_always[f / 8] |= bit;

    }
    return status::success();
  }

 private:
  struct piece {
    std::string text;  // "max:255", as written (trimmed)
    std::string_view name;
    std::vector<std::string> params;
    bool has_params = false;
    rule_kind kind = rule_kind::required;
  };

  status resolve_today() {
    if (options_.today.empty()) {
      today_ = system_today_epoch();
      return status::success();
    }
    date_value d;
    if (parse_date(options_.today, d) != date_error::ok || d.has_time) {
      return status::fail(errc::invalid_argument,
                          "rule option \"today\" must be a date such as 2024-01-31, not " + quoted(options_.today));
    }
    today_ = d.epoch_seconds();
    return status::success();
  }

  status fail(size_t f, std::string what) const {
    return status::fail(errc::bad_rule, type_.name + ": field " + quoted(type_.fields[f].name) + ": " + what);
  }

  // Splits field f's rule strings into named pieces and records the field-level flags.
  status split_field(size_t f) {
    const field_def& def = type_.fields[f];
    std::vector<piece>& pieces = pieces_.emplace_back();
    for (const std::string& element : type_.rules_for(def, mode_)) {
      const std::string_view e = trim_ascii(element);
      // A whole element that is a regex keeps its '|' (the array form exists for this).
      if (e.starts_with("regex:") || e.starts_with("not_regex:")) {
        if (status s = add_piece(f, e, pieces); !s.ok()) return s;
        continue;
      }
      size_t start = 0;
      bool after_regex = false;
      while (start <= e.size()) {
        size_t bar = e.find('|', start);
        if (bar == std::string_view::npos) bar = e.size();
        const std::string_view text = trim_ascii(e.substr(start, bar - start));
        if (!text.empty()) {
          if (status s = add_piece(f, text, pieces); !s.ok()) {
            // "nullable|regex:/^(a|b)$/" splits inside the pattern; say how to write it.
            if (after_regex) s.message += " (a regex containing | must be an array element of its own)";
            return s;
          }
          after_regex = after_regex || pieces.back().kind == rule_kind::regex ||
                        pieces.back().kind == rule_kind::not_regex;
        }
        start = bar + 1;
      }
    }
    field_plan& fp = m_.fields[f];
    for (const piece& p : pieces) {
      switch (p.kind) {
        case rule_kind::nullable: fp.nullable = true; break;
        case rule_kind::bail: fp.bail = true; break;
        case rule_kind::numeric:
        case rule_kind::integer: fp.numeric = true; break;
        case rule_kind::boolean: fp.boolean = true; break;
        case rule_kind::required: fp.always_required = true; break;
        default: break;
      }
      if (is_implicit(p.kind)) fp.has_implicit = true;
    }
    return status::success();
  }

  status add_piece(size_t f, std::string_view text, std::vector<piece>& pieces) {
    piece p;
    p.text = std::string(text);
    const size_t colon = text.find(':');
    const std::string_view name = trim_ascii(text.substr(0, colon));
    const auto spec = std::find_if(rule_specs.begin(), rule_specs.end(), [&](const rule_spec& r) { return r.name == name; });
    if (spec == rule_specs.end()) return fail(f, "unknown rule " + quoted(name));
    p.kind = spec->kind;
    p.name = spec->name;
    if (colon != std::string_view::npos) {
      p.has_params = true;
      const std::string_view rest = text.substr(colon + 1);
      if (p.kind == rule_kind::regex || p.kind == rule_kind::not_regex) {
        p.params.emplace_back(rest);
      } else {
        p.params = split_parameters(rest);
      }
    }
    pieces.push_back(std::move(p));
    return status::success();
  }

  status compile_field(size_t f) {
    const field_def& def = type_.fields[f];
    field_plan& fp = m_.fields[f];
    std::vector<piece>& pieces = pieces_[f];

    // The field's date_format (if any) is needed by its date comparisons, whatever the order.
    for (const piece& p : pieces) {
      if (p.kind == rule_kind::date_format && p.params.size() == 1) {
        fp.date_format = static_cast<int32_t>(m_.date_formats.size());
        m_.date_formats.push_back(p.params[0]);
        break;
      }
    }

    // An enumeration's values are its `in` list: a bare `in` takes them where it stands,
    // and a field without any in/not_in rule gets one at the end. (List fields hold
    // several values in one cell, so their values are not a whole-cell `in`.)
    const bool derive_in = !def.values.empty() && def.type != field_type::list &&
                           std::none_of(pieces.begin(), pieces.end(), [](const piece& p) {
                             return p.kind == rule_kind::in || p.kind == rule_kind::not_in;
                           });
    if (derive_in) {
      piece p;
      p.text = "in";
      p.name = "in";
      p.kind = rule_kind::in;
      pieces.push_back(std::move(p));
    }

    // check_row stops before the distinct rules (the session raises those: duplicate
    // keys), so they go last; every field gets one so distinct_violation has an index.
    std::vector<compiled_rule> checked, distinct;
    std::vector<std::vector<std::string>> checked_params, distinct_params;
    bool required_seen = false;
    for (const piece& p : pieces) {
      compiled_rule r;
      if (status s = compile_rule(f, p, r); !s.ok()) return s;
      // nullable and bail never fail: they live on as the field's flags, and leaving them
      // out of the list saves check_row a dispatch each. `string` fails only on null, which
      // never reaches it when the field is nullable or a bare `required` before it has
      // already stopped the field; then it is dropped too.
      if (p.kind == rule_kind::nullable || p.kind == rule_kind::bail) continue;
      if (p.kind == rule_kind::string && !p.has_params && (fp.nullable || required_seen)) continue;
      required_seen = required_seen || p.kind == rule_kind::required;
      (r.kind == rule_kind::distinct ? distinct : checked).push_back(r);
      (r.kind == rule_kind::distinct ? distinct_params : checked_params).push_back(p.params);
    }
    if (distinct.empty()) {
      distinct.emplace_back().kind = rule_kind::distinct;
      distinct_params.emplace_back();
    }
    if (checked.size() + distinct.size() > std::numeric_limits<uint16_t>::max()) return fail(f, "too many rules");
    fp.rule_begin = static_cast<uint32_t>(m_.rules.size());
    fp.check_end = fp.rule_begin + static_cast<uint32_t>(checked.size());
    m_.rules.insert(m_.rules.end(), checked.begin(), checked.end());
    m_.rules.insert(m_.rules.end(), distinct.begin(), distinct.end());
    m_.params.insert(m_.params.end(), checked_params.begin(), checked_params.end());
    m_.params.insert(m_.params.end(), distinct_params.begin(), distinct_params.end());
    fp.distinct_index = static_cast<uint16_t>(fp.check_end - fp.rule_begin);
    add_filled_checks(f, fp);
    return status::success();
  }

  // The field's checks on a filled cell, in rule order.
  void add_filled_checks(size_t f, const field_plan& fp) {
    if (m_.fast.size() < m_.fields.size()) m_.fast.resize(m_.fields.size());
    field_fast& ff = m_.fast[f];
    ff.skip_null = fp.nullable && !fp.has_implicit;
    bool first = true;
    ff.more_begin = static_cast<uint32_t>(m_.filled_checks.size());
    for (uint32_t i = fp.rule_begin; i < fp.check_end; ++i) {
      const compiled_rule& r = m_.rules[i];
      filled_check k;
      k.op = filled_op::general;
      k.param = i;
      switch (r.kind) {
        // On a filled cell these pass: it is present and not blank, whatever the other fields.
        case rule_kind::required:
        case rule_kind::required_if:
        case rule_kind::required_unless:
        case rule_kind::required_with:
        case rule_kind::required_with_all:
        case rule_kind::required_without:
        case rule_kind::required_without_all:
        case rule_kind::present:
        case rule_kind::filled:
        case rule_kind::string:  // fails only on null
          continue;
        case rule_kind::prohibited: k.op = filled_op::fail; break;
        case rule_kind::uuid: k.op = filled_op::uuid; break;
        case rule_kind::email: k.op = filled_op::email; break;
        case rule_kind::integer: k.op = filled_op::integer; break;
        case rule_kind::boolean: k.op = filled_op::boolean; break;
        case rule_kind::date: k.op = filled_op::date; break;
        case rule_kind::in:
          k.op = filled_op::in;
          k.param = static_cast<uint32_t>(r.aux);
          break;
        case rule_kind::not_in:
          k.op = filled_op::not_in;
          k.param = static_cast<uint32_t>(r.aux);
          break;
        case rule_kind::max:
          if (!fp.numeric) {
            k.op = filled_op::max_chars;
            // size <= a for a whole size is size <= floor(a); anything longer is counted.
            const double cap = std::numeric_limits<uint32_t>::max();
            k.limit = r.a <= 0 ? 0 : static_cast<uint32_t>(std::min(r.a, cap));
          } else {
            k.op = filled_op::size;
          }
          break;
        case rule_kind::min:
        case rule_kind::between:
        case rule_kind::size: k.op = filled_op::size; break;
        case rule_kind::after:
        case rule_kind::after_or_equal:
        case rule_kind::before:
        case rule_kind::before_or_equal:
        case rule_kind::date_equals:
          if (!r.has_other && fp.date_format < 0) k.op = filled_op::date_vs_literal;
          ff.reads_row = ff.reads_row || r.has_other;
          break;
        case rule_kind::regex:
        case rule_kind::not_regex: k.op = filled_op::regex; break;
        default: break;
      }
      if (first) {
        ff.first = k;
        first = false;
      } else {
        m_.filled_checks.push_back(k);
      }
    }
    ff.more_end = static_cast<uint32_t>(m_.filled_checks.size());
  }

  status bad_param(size_t f, const piece& p, std::string_view why) const {
    return fail(f, "rule " + quoted(p.text) + ": " + std::string(why));
  }

  status need_params(size_t f, const piece& p, size_t at_least, size_t at_most) const {
    const size_t n = p.params.size();
    if (n >= at_least && n <= at_most) return status::success();
    std::string why = "needs ";
    if (at_least == at_most) {
      why += std::to_string(at_least) + (at_least == 1 ? " parameter" : " parameters");
    } else if (at_most == std::numeric_limits<size_t>::max()) {
      why += "at least " + std::to_string(at_least) + (at_least == 1 ? " parameter" : " parameters");
    } else {
      why += std::to_string(at_least) + " to " + std::to_string(at_most) + " parameters";
    }
    return bad_param(f, p, why);
  }

  status number_param(size_t f, const piece& p, size_t k, bool whole, double& out) const {
    const std::string& text = p.params[k];
    if (whole) {
      int64_t n = 0;
      if (!parse_integer(text, n) || n < 0) return bad_param(f, p, quoted(text) + " is not a whole number");
      out = static_cast<double>(n);
      return status::success();
    }
    if (!parse_numeric(text, out)) return bad_param(f, p, quoted(text) + " is not a number");
    return status::success();
  }

  status field_param(size_t f, const piece& p, size_t k, uint16_t& out) const {
    const int idx = type_.find_field(p.params[k]);
    if (idx < 0) return bad_param(f, p, quoted(p.params[k]) + " is not a field of " + type_.name);
    out = static_cast<uint16_t>(idx);
    return status::success();
  }

  status compile_rule(size_t f, const piece& p, compiled_rule& r) {
    const size_t any = std::numeric_limits<size_t>::max();
    r.kind = p.kind;
    r.implicit = is_implicit(p.kind);
    switch (p.kind) {
      case rule_kind::required_if:
      case rule_kind::required_unless: {
        if (status s = need_params(f, p, 2, any); !s.ok()) return s;
        if (status s = field_param(f, p, 0, r.other); !s.ok()) return s;
        r.list_begin = static_cast<uint32_t>(m_.dependent_values.size());
        r.list_count = static_cast<uint32_t>(p.params.size() - 1);
        const bool other_boolean = m_.fields[r.other].boolean;
        for (size_t k = 1; k < p.params.size(); ++k) {
          dependent_value dv;
          dv.text = p.params[k];
          dv.is_null = dv.text == "null";
          if (other_boolean) dv.boolean = m_.boolean_meaning(dv.text);
          dv.numeric = parse_numeric(dv.text, dv.number);
          m_.dependent_values.push_back(std::move(dv));
        }
        break;
      }
      case rule_kind::required_with:
      case rule_kind::required_with_all:
      case rule_kind::required_without:
      case rule_kind::required_without_all: {
        if (status s = need_params(f, p, 1, any); !s.ok()) return s;
        r.list_begin = static_cast<uint32_t>(m_.field_refs.size());
        r.list_count = static_cast<uint32_t>(p.params.size());
        for (size_t k = 0; k < p.params.size(); ++k) {
          uint16_t idx = 0;
          if (status s = field_param(f, p, k, idx); !s.ok()) return s;
          m_.field_refs.push_back(idx);
        }
        break;
      }
      case rule_kind::max:
      case rule_kind::min:
      case rule_kind::size:
      case rule_kind::digits: {
        if (status s = need_params(f, p, 1, 1); !s.ok()) return s;
        if (status s = number_param(f, p, 0, p.kind == rule_kind::digits, r.a); !s.ok()) return s;
        break;
      }
      case rule_kind::between:
      case rule_kind::digits_between: {
        if (status s = need_params(f, p, 2, 2); !s.ok()) return s;
        const bool whole = p.kind == rule_kind::digits_between;
        if (status s = number_param(f, p, 0, whole, r.a); !s.ok()) return s;
        if (status s = number_param(f, p, 1, whole, r.b); !s.ok()) return s;
        if (r.a > r.b) return bad_param(f, p, "the minimum is above the maximum");
        break;
      }
      case rule_kind::after:
      case rule_kind::after_or_equal:
      case rule_kind::before:
      case rule_kind::before_or_equal:
      case rule_kind::date_equals: {
        if (status s = need_params(f, p, 1, 1); !s.ok()) return s;
        if (status s = date_param(f, p, r); !s.ok()) return s;
        break;
      }
      case rule_kind::date_format: {
        if (status s = need_params(f, p, 1, 1); !s.ok()) return s;
        if (status s = check_date_format(f, p); !s.ok()) return s;
        r.aux = static_cast<int32_t>(m_.date_formats.size());
        m_.date_formats.push_back(p.params[0]);
        break;
      }
      case rule_kind::in:
      case rule_kind::not_in: {
        const field_def& def = type_.fields[f];
        const std::vector<std::string>* members = &p.params;
        if (!p.has_params) {
          if (p.kind == rule_kind::not_in || def.values.empty()) {
            return bad_param(f, p, p.kind == rule_kind::in ? "needs values (the field lists none)" : "needs values");
          }
          members = &def.values;
        }
        r.aux = static_cast<int32_t>(m_.sets.size());
        m_.sets.emplace_back().build(*members, def.case_insensitive);
        break;
      }
      case rule_kind::regex:
      case rule_kind::not_regex: {
        if (status s = need_params(f, p, 1, 1); !s.ok()) return s;
        auto compiled = regex::compile(p.params[0]);
        if (!compiled.ok()) return bad_param(f, p, compiled.error().message);
        r.aux = static_cast<int32_t>(m_.regexes.size());
        m_.regexes.push_back(std::move(compiled).value());
        m_.regex_filters.push_back(regex_prefilter::analyse(m_.regexes.back().source()));
        break;
      }
      default:
        if (p.has_params) return bad_param(f, p, "takes no parameters");
        break;
    }
    return status::success();
  }

  // A date comparison's parameter: another field, else a literal date (read with the
  // field's date_format first, as Laravel does), else today / tomorrow / yesterday.
  status date_param(size_t f, const piece& p, compiled_rule& r) const {
    const std::string& text = p.params[0];
    const int idx = type_.find_field(text);
    if (idx >= 0) {
      r.has_other = true;
      r.other = static_cast<uint16_t>(idx);
      return status::success();
    }
    date_value d;
    const int32_t own_format = m_.fields[f].date_format;
    if ((own_format >= 0 && parse_date_format(text, m_.date_formats[static_cast<size_t>(own_format)], d)) ||
        parse_date(text, d) == date_error::ok) {
      r.date = d.epoch_seconds();
      return status::success();
    }
    if (text == "today") {
      r.date = today_;
    } else if (text == "tomorrow") {
      r.date = today_ + 86400;
    } else if (text == "yesterday") {
      r.date = today_ - 86400;
    } else {
      return bad_param(f, p, quoted(text) + " is neither a field of " + type_.name +
                                 " nor a date (DD/MM/YYYY, YYYY-MM-DD, today, tomorrow, yesterday)");
    }
    return status::success();
  }

  // parse_date_format knows d j m n Y y H G h g i s A a D l M F; PHP knows more letters
  // (U, e, T…), and one of those read as a literal would silently never match.
  status check_date_format(size_t f, const piece& p) const {
    constexpr std::string_view supported = "djmnYyHGhgisAaDlMF";
    const std::string& format = p.params[0];
    for (size_t i = 0; i < format.size(); ++i) {
      const char c = format[i];
      if (c == '\\') {
        ++i;
        continue;
      }
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (letter && supported.find(c) == std::string_view::npos) {
        return bad_param(f, p, "format character " + quoted(std::string_view(&format[i], 1)) + " is not supported");
      }
    }
    return status::success();
  }

  const import_type& type_;
  import_mode mode_;
  const rule_options& options_;
  compiled_tables& m_;
  std::vector<std::vector<piece>> pieces_;
  int64_t today_ = 0;
};

}  // namespace

struct rule_set::impl : compiled_tables {
  /// Rendered messages by (rule, detail): a file with many failures repeats the same few
  /// messages, rendered once each. Node-based, so references stay valid as it grows.
  mutable std::unordered_map<uint64_t, std::string> messages;
};

// ───────────────────────────── public API ─────────────────────────────

// rule_specs lists the rules in rule_kind's order, so a kind is its own index.
constexpr bool specs_in_kind_order() {
  for (size_t k = 0; k < rule_specs.size(); ++k)
    if (static_cast<size_t>(rule_specs[k].kind) != k) return false;
  return true;
}
static_assert(specs_in_kind_order() && rule_specs.size() == static_cast<size_t>(rule_kind::distinct) + 1);

std::string_view rule_name(rule_kind k) noexcept {
  const auto index = static_cast<size_t>(k);
  return index < rule_specs.size() ? rule_specs[index].name : "unknown";
}

result<rule_set> rule_set::compile(const import_type& type, import_mode mode, const rule_options& options) {
  auto m = std::make_unique<impl>();
  compiler c(type, mode, options, *m);
  if (status s = c.run(); !s.ok()) return s;
  return rule_set(std::move(m));
}

namespace {

/// The `present` flags of fields [base, base+8) as one byte each, 0x80 for a present field
/// and 0 otherwise (fields from `count` on are not present).
inline uint64_t present_bits(const uint8_t* present, size_t base, size_t count) noexcept {
  uint64_t w = 0;
  if (base + 8 <= count) {
    std::memcpy(&w, present + base, 8);
  } else {
    for (size_t k = base; k < count; ++k) w |= static_cast<uint64_t>(present[k]) << ((k - base) * 8);
  }
  constexpr uint64_t lows = 0x7F7F7F7F7F7F7F7Full;
  return (((w & lows) + lows) | w) & ~lows;  // high bit of each nonzero byte
}

/// Runs field f's rules on its cell exactly as Laravel would and appends the failures.
/// check_row comes here only for the cells its fast verdict does not settle: a filled cell
/// that fails some check, and the unusual empty ones (required, not nullable, blank…).
[[gnu::noinline]] void check_field(const compiled_tables& m, const row_view& row, size_t f, bool present,
                                   std::vector<violation>& out) {
  const field_plan& fp = m.fields[f];
  const std::string_view value = row.value(f);
  // Laravel runs a non-implicit rule only on a present attribute whose value is not a
  // whitespace-only string (presentOrRuleIsImplicit), and not null when the attribute is
  // nullable (isNotNullIfMarkedAsNullable). A null that is not nullable is checked.
  const bool run_all = present && (value.empty() ? !fp.nullable : !is_blank(value));
  if (!run_all && !fp.has_implicit) return;
  cell c{value, present, value.empty(), -1, -1, 0, date_value{}};
  for (uint32_t i = fp.rule_begin, end = fp.check_end; i < end; ++i) {
    const compiled_rule& r = m.rules[i];
    if (!run_all && !r.implicit) continue;
    uint16_t detail = 0;
    if (passes(m, fp, r, c, row, detail)) continue;
    out.push_back(violation{static_cast<uint16_t>(f), static_cast<uint16_t>(i - fp.rule_begin), detail});
    // `bail` stops at the first failure; a failed implicit rule always stops the field.
    if (fp.bail || r.implicit) break;
  }
}

/// One check on a filled cell (present, not whitespace-only): the common rules are a case
/// each, calling the leaf parsers directly; the rest go through passes().
/// `op` is check.op, passed apart so that a caller with a constant op (check_column) gets
/// the one case inlined without the switch.
[[gnu::always_inline]] inline bool passes_filled(const compiled_tables& m, size_t f, filled_op op,
                                                 const filled_check& check, cell& c, const row_view& row) noexcept {
  const std::string_view v = c.value;
  switch (op) {
    case filled_op::none: return true;
    case filled_op::general: {
      uint16_t detail = 0;
      return passes(m, m.fields[f], m.rules[check.param], c, row, detail);
    }
    case filled_op::fail: return false;
    case filled_op::uuid: return is_uuid(v);
    case filled_op::email: return is_email(v);
    case filled_op::integer: {
      return c.integer();
    }
    case filled_op::boolean: return m.booleans.find(v) >= 0;
    case filled_op::date: return c.date();
    case filled_op::in: return m.sets[check.param].find(v) >= 0;
    case filled_op::not_in: return m.sets[check.param].find(v) < 0;
    case filled_op::max_chars: return within_max_chars(v, check.limit, m.rules[check.param].a);
    case filled_op::size: return size_rule_passes(m.fields[f], m.rules[check.param], c);
    case filled_op::date_vs_literal: {
      const compiled_rule& r = m.rules[check.param];
      int64_t mine = 0;
      if (!c.date(mine)) return unreadable_date_passes(r.kind);
      return dates_in_order(r.kind, mine, r.date);
    }
    case filled_op::regex: return regex_rule_passes(m, m.rules[check.param], v);
  }
  return true;
}

/// The further checks of a field with more than one (its first passed).
[[gnu::noinline]] bool more_checks_pass(const compiled_tables& m, size_t f, const field_fast& ff, cell& c,
                                        const row_view& row) noexcept {
  for (uint32_t k = ff.more_begin; k < ff.more_end; ++k) {
    const filled_check& check = m.filled_checks[k];
    if (!passes_filled(m, f, check.op, check, c, row)) return false;
  }
  return true;
}

/// The fast verdict on a present cell: true when it certainly has nothing to report — a
/// filled cell (every PHP trim() character is at most ' ', so a first byte above that
/// means not blank) for which `checks(c)` holds, or a null in a nullable field without
/// implicit rules. False sends the cell to check_field for the exact violations.
/// `TestBlankStart` false leaves a filled cell whose first byte is PHP trim() whitespace (or
/// a control byte) to `checks`, for checks that certainly fail such a value anyway.
template <bool TestBlankStart = true, class Checks>
[[gnu::always_inline]] inline bool fast_verdict_with(bool skip_null, std::string_view value, cell& c,
                                                     Checks&& checks) noexcept {
  if (value.empty()) return skip_null;
  if (TestBlankStart && static_cast<unsigned char>(value.front()) <= ' ') return false;
  c.value = value;
  c.numeric_state = -1;
  c.date_state = -1;
  return checks(c);
}

/// Every check of field f on a filled cell: the first (`first_op` is ff.first.op, see
/// passes_filled), then the others.
[[gnu::always_inline]] inline bool filled_checks_pass(const compiled_tables& m, size_t f, const field_fast& ff,
                                                      filled_op first_op, cell& c, const row_view& row) noexcept {
  return passes_filled(m, f, first_op, ff.first, c, row) &&
         (ff.more_begin == ff.more_end || more_checks_pass(m, f, ff, c, row));
}

/// fast_verdict_with all of the field's checks.
[[gnu::always_inline]] inline bool fast_verdict(const compiled_tables& m, size_t f, const field_fast& ff,
                                                filled_op first_op, std::string_view value, cell& c,
                                                const row_view& row) noexcept {
  return fast_verdict_with(ff.skip_null, value, c,
                           [&](cell& filled) { return filled_checks_pass(m, f, ff, first_op, filled, row); });
}

/// check_block's loop down one column: marks the rows whose cell fails the fast verdict
/// (`TestBlankStart` as for fast_verdict_with).
template <bool TestBlankStart = true, class Checks>
[[gnu::always_inline]] inline void mark_column(const field_fast& ff, const std::string_view* cell_at, size_t stride,
                                               size_t rows, uint64_t* flags, size_t words, uint64_t bit,
                                               Checks&& checks) noexcept {
  cell c{{}, true, false, -1, -1, 0, date_value{}};
  const bool skip_null = ff.skip_null;
  const std::string_view* const end = cell_at + rows * stride;
  for (; cell_at != end; cell_at += stride, flags += words) {
    if (!fast_verdict_with<TestBlankStart>(skip_null, *cell_at, c, checks)) *flags |= bit;
  }
}

/// passes_filled(…, Op, …) as check_block runs it down a column, with what the check reads
/// copied out of the tables once per column so that the loop keeps it in registers: read
/// through `m`, it would be reloaded after every store to the suspect flags, which the
/// compiler must assume may alias it. Ops without a specialisation read the tables.
template <filled_op Op>
class column_check {
 public:
  column_check(const compiled_tables& m, size_t f, const filled_check& check) noexcept : m_(m), f_(f), check_(check) {}
  [[gnu::always_inline]] bool operator()(cell& c) const noexcept {
    const row_view no_row{};  // column-wise checks never read another field (see reads_row)
    return passes_filled(m_, f_, Op, check_, c, no_row);
  }

 private:
  const compiled_tables& m_;
  size_t f_;
  const filled_check& check_;
};

/// in and boolean: the value must be one of a table's items.
class member_check {
 public:
  explicit member_check(string_table::lookup items) noexcept : items_(items) {}
  [[gnu::always_inline]] bool operator()(const cell& c) const noexcept { return items_.contains(c.value); }
  /// See mark_column.
  [[nodiscard]] bool fails_blank_starts() const noexcept { return !items_.has_blank_start(); }

 private:
  string_table::lookup items_;
};

template <>
class column_check<filled_op::in> : public member_check {
 public:
  column_check(const compiled_tables& m, size_t, const filled_check& check) noexcept
      : member_check(m.sets[check.param].view()) {}
};

template <>
class column_check<filled_op::boolean> : public member_check {
 public:
  column_check(const compiled_tables& m, size_t, const filled_check&) noexcept : member_check(m.booleans.view()) {}
};

template <>
class column_check<filled_op::not_in> {
 public:
  column_check(const compiled_tables& m, size_t, const filled_check& check) noexcept : set_(m.sets[check.param].view()) {}
  [[gnu::always_inline]] bool operator()(const cell& c) const noexcept { return !set_.contains(c.value); }

 private:
  string_table::lookup set_;
};

template <>
class column_check<filled_op::max_chars> {
 public:
  column_check(const compiled_tables& m, size_t, const filled_check& check) noexcept
      : limit_(check.limit), max_(m.rules[check.param].a) {}
  [[gnu::always_inline]] bool operator()(const cell& c) const noexcept { return within_max_chars(c.value, limit_, max_); }

 private:
  uint32_t limit_;
  double max_;
};

template <>
class column_check<filled_op::regex> {
 public:
  column_check(const compiled_tables& m, size_t, const filled_check& check) noexcept
      : filter_(m.regex_filters[static_cast<size_t>(m.rules[check.param].aux)]),
        regex_(m.regexes[static_cast<size_t>(m.rules[check.param].aux)]),
        kind_(m.rules[check.param].kind) {}
  [[gnu::always_inline]] bool operator()(const cell& c) const noexcept {
    if (filter_.cannot_match(c.value)) return kind_ == rule_kind::not_regex;
    // A not_regex value the prefilter lets through nearly always matches (the filter asks
    // for what the pattern needs, and such patterns single out a few odd values, like a
    // phone number in E notation): it would fail here and check_field would search again.
    // Leave the one search to check_field.
    if (kind_ == rule_kind::not_regex) return false;
    return regex_search_passes(regex_, kind_, c.value);
  }

 private:
  regex_prefilter filter_;  // a copy: see column_check
  const regex& regex_;
  rule_kind kind_;
};

template <>
class column_check<filled_op::date> {
 public:
  column_check(const compiled_tables&, size_t, const filled_check&) noexcept {}
  // The date read into a local rather than the cell: nothing else reads it.
  [[gnu::always_inline]] bool operator()(const cell& c) const noexcept {
    date_value d;
    return parse_date(c.value, d) == date_error::ok;
  }
};

/// `date` then after / before… a literal date (date_vs_literal), on one parse: the
/// comparison becomes a range of epoch seconds, worked out once per column.
class date_in_range_check {
 public:
  date_in_range_check(const compiled_tables& m, const filled_check& second) noexcept {
    const compiled_rule& r = m.rules[second.param];
    constexpr int64_t lowest = std::numeric_limits<int64_t>::min(), highest = std::numeric_limits<int64_t>::max();
    const int64_t t = r.date;
    switch (r.kind) {  // as dates_in_order(r.kind, mine, t)
      case rule_kind::after: earliest_ = t == highest ? highest : t + 1, empty_ = t == highest; break;
      case rule_kind::after_or_equal: earliest_ = t; break;
      case rule_kind::before: latest_ = t == lowest ? lowest : t - 1, empty_ = t == lowest; break;
      case rule_kind::before_or_equal: latest_ = t; break;
      default: earliest_ = latest_ = t; break;
    }
  }
  [[gnu::always_inline]] bool operator()(const cell& c) const noexcept {
    date_value d;
    if (parse_date(c.value, d) != date_error::ok) return false;  // `date` fails
    const int64_t mine = d.epoch_seconds();
    return earliest_ <= mine && mine <= latest_ && !empty_;
  }

 private:
  int64_t earliest_ = std::numeric_limits<int64_t>::min();
  int64_t latest_ = std::numeric_limits<int64_t>::max();
  bool empty_ = false;  // after the latest time there is, or before the earliest
};

/// mark_column for a field with one check, `Op`: one instance per op, so the check is
/// inlined and the loop has no dispatch in it.
template <filled_op Op>
void check_column(const compiled_tables& m, size_t f, const std::string_view* cell_at, size_t stride, size_t rows,
                  uint64_t* flags, size_t words, uint64_t bit) noexcept {
  const field_fast& ff = m.fast[f];
  const column_check<Op> check(m, f, ff.first);
  if constexpr (requires { check.fails_blank_starts(); }) {
    if (check.fails_blank_starts()) return mark_column<false>(ff, cell_at, stride, rows, flags, words, bit, check);
  }
  mark_column(ff, cell_at, stride, rows, flags, words, bit, check);
}

/// mark_column for a field with exactly two checks, `Op` then `Op2` (email then max, max
/// then not_regex, date then before:today…): both inlined.
template <filled_op Op, filled_op Op2>
void check_column2(const compiled_tables& m, size_t f, const std::string_view* cell_at, size_t stride, size_t rows,
                   uint64_t* flags, size_t words, uint64_t bit) noexcept {
  const field_fast& ff = m.fast[f];
  const column_check<Op> first(m, f, ff.first);
  const column_check<Op2> second(m, f, m.filled_checks[ff.more_begin]);
  mark_column(ff, cell_at, stride, rows, flags, words, bit, [&](cell& c) { return first(c) && second(c); });
}

/// date then date_vs_literal (a date of birth before today): date_in_range_check.
template <>
void check_column2<filled_op::date, filled_op::date_vs_literal>(const compiled_tables& m, size_t f,
                                                                const std::string_view* cell_at, size_t stride,
                                                                size_t rows, uint64_t* flags, size_t words,
                                                                uint64_t bit) noexcept {
  const field_fast& ff = m.fast[f];
  const date_in_range_check check(m, m.filled_checks[ff.more_begin]);
  mark_column(ff, cell_at, stride, rows, flags, words, bit, check);
}

/// mark_column for any other field (three checks or more, or an unusual pair).
void check_column_any(const compiled_tables& m, size_t f, const std::string_view* cell_at, size_t stride, size_t rows,
                      uint64_t* flags, size_t words, uint64_t bit) noexcept {
  const field_fast& ff = m.fast[f];
  const row_view no_row{};
  mark_column(ff, cell_at, stride, rows, flags, words, bit,
              [&](cell& c) { return filled_checks_pass(m, f, ff, ff.first.op, c, no_row); });
}

using column_checker = void (*)(const compiled_tables&, size_t, const std::string_view*, size_t, size_t, uint64_t*,
                                size_t, uint64_t) noexcept;

/// check_column2 for the pairs of checks that common fields have, or null.
column_checker pair_checker_for(filled_op first, filled_op second) noexcept {
  using op = filled_op;
  if (first == op::email && second == op::max_chars) return check_column2<op::email, op::max_chars>;
  if (first == op::max_chars && second == op::regex) return check_column2<op::max_chars, op::regex>;
  if (first == op::max_chars && second == op::email) return check_column2<op::max_chars, op::email>;
  if (first == op::date && second == op::date_vs_literal) return check_column2<op::date, op::date_vs_literal>;
  if (first == op::integer && second == op::size) return check_column2<op::integer, op::size>;
  if (first == op::general && second == op::size) return check_column2<op::general, op::size>;
  return nullptr;
}

/// check_column for a field whose one check is `op`.
column_checker single_checker_for(filled_op op) noexcept {
  switch (op) {
    case filled_op::none: return check_column<filled_op::none>;
    case filled_op::general: return check_column<filled_op::general>;
    case filled_op::fail: return check_column<filled_op::fail>;
    case filled_op::uuid: return check_column<filled_op::uuid>;
    case filled_op::email: return check_column<filled_op::email>;
    case filled_op::integer: return check_column<filled_op::integer>;
    case filled_op::boolean: return check_column<filled_op::boolean>;
    case filled_op::date: return check_column<filled_op::date>;
    case filled_op::in: return check_column<filled_op::in>;
    case filled_op::not_in: return check_column<filled_op::not_in>;
    case filled_op::max_chars: return check_column<filled_op::max_chars>;
    case filled_op::size: return check_column<filled_op::size>;
    case filled_op::date_vs_literal: return check_column<filled_op::date_vs_literal>;
    case filled_op::regex: return check_column<filled_op::regex>;
  }
  return check_column_any;
}

/// The column loop for field `ff`'s checks.
column_checker column_checker_for(const compiled_tables& m, const field_fast& ff) noexcept {
  switch (ff.more_end - ff.more_begin) {
    case 0: return single_checker_for(ff.first.op);
    case 1: {
      const column_checker pair = pair_checker_for(ff.first.op, m.filled_checks[ff.more_begin].op);
      return pair != nullptr ? pair : check_column_any;
    }
    default: return check_column_any;
  }
}

/// Calls visit(f) for the fields check_row visits, in field order, given the `present`
/// flags: a field with rules to check when it is present, and one with an implicit rule
/// (required…) always. Eight fields at a time: a wide type with a few mapped fields skips
/// the rest in one step.
template <class Visit>
[[gnu::always_inline]] inline void for_each_visited(const compiled_tables& m, std::span<const uint8_t> present,
                                                    Visit&& visit) {
  const size_t field_count = m.fields.size();
  const size_t present_count = std::min(present.size(), field_count);
  for (size_t base = 0, w = 0; base < field_count; base += 8, ++w) {
    const uint64_t here = present_bits(present.data(), base, present_count);
    uint64_t bits = (here & m.visit_if_present[w]) | m.visit_always[w];
    while (bits != 0) {
      const auto bit = static_cast<unsigned>(std::countr_zero(bits));
      bits &= bits - 1;
      visit(base + bit / 8, ((here >> bit) & 1u) != 0);
    }
  }
}

}  // namespace

bool rule_set::check_row(std::span<const std::string_view> values, std::span<const uint8_t> present,
                         std::vector<violation>& out) const {
  const impl& m = *impl_;
  const row_view row{values, present, {}, {}};
  const size_t violations_before = out.size();
  cell c{{}, true, false, -1, -1, 0, date_value{}};
  for_each_visited(m, present, [&](size_t f, bool is_present) {
    const field_fast& ff = m.fast[f];
    if (is_present && fast_verdict(m, f, ff, ff.first.op, row.value(f), c, row)) return;
    check_field(m, row, f, is_present, out);
  });
  return out.size() == violations_before;
}

size_t rule_set::suspect_words() const noexcept { return (impl_->fields.size() + 63) / 64; }

void rule_set::check_block(const row_block& block, std::span<uint64_t> suspects) const {
  const impl& m = *impl_;
  const size_t words = suspect_words();
  const size_t rows = block.rows;
  std::fill_n(suspects.begin(), rows * words, uint64_t{0});
  const row_view no_row{};  // column-wise checks never read another field (see reads_row)
  cell c{{}, true, false, -1, -1, 0, date_value{}};
  for_each_visited(m, block.present, [&](size_t f, bool is_present) {
    const field_fast& ff = m.fast[f];
    uint64_t* flags = suspects.data() + f / 64;
    const uint64_t bit = uint64_t{1} << (f % 64);
    const int column = f < block.column_of_field.size() ? block.column_of_field[f] : -1;
    bool all_suspect = !is_present || ff.reads_row;
    if (!all_suspect && column < 0) {  // a constant: the same verdict for every row
      const std::string_view fixed = f < block.fixed_values.size() ? block.fixed_values[f] : std::string_view{};
      if (fast_verdict(m, f, ff, ff.first.op, fixed, c, no_row)) return;
      all_suspect = true;
    }
    if (all_suspect) {
      for (size_t r = 0; r < rows; ++r) flags[r * words] |= bit;
      return;
    }
    column_checker_for(m, ff)(m, f, block.cells.data() + column, block.row_stride, rows, flags, words, bit);
  });
}

bool rule_set::check_fields(const row_block& block, size_t r, std::span<const uint64_t> row_suspects,
                            std::vector<violation>& out) const {
  const impl& m = *impl_;
  const row_view row{block.fixed_values, block.present, block.cells.subspan(r * block.row_stride, block.row_stride),
                     block.column_of_field};
  const size_t violations_before = out.size();
  for (size_t w = 0; w < row_suspects.size(); ++w) {
    for (uint64_t bits = row_suspects[w]; bits != 0; bits &= bits - 1) {
      const size_t f = w * 64 + static_cast<size_t>(std::countr_zero(bits));
      if (f < m.fields.size()) check_field(m, row, f, row.is_present(f), out);
    }
  }
  return out.size() == violations_before;
}

const std::string& rule_set::message(const violation& v) const {
  const impl& m = *impl_;
  const uint64_t key = (uint64_t{m.fields[v.field].rule_begin} + v.rule_index) << 16 | v.detail;
  auto [at, added] = m.messages.try_emplace(key);
  if (added) at->second = render_message(v);
  return at->second;
}

std::string rule_set::render_message(const violation& v) const {
  const impl& m = *impl_;
  const field_plan& fp = m.fields[v.field];
  const size_t index = fp.rule_begin + v.rule_index;
  const compiled_rule& r = m.rules[index];
  const std::vector<std::string>& params = m.params[index];
  const wording_pair pair = template_for(r.kind, fp.numeric);
  const std::string_view tmpl = m.wording == laravel_version::v9 ? pair.v9 : pair.v10;

  std::array<placeholder, 4> subs;
  size_t n = 0;
  subs[n++] = {"attribute", display_attribute(m.type->fields[v.field].name)};
  const auto param = [&](size_t k) { return k < params.size() ? params[k] : std::string(); };
  switch (r.kind) {
    case rule_kind::required_if:
      subs[n++] = {"other", display_attribute(param(0))};
      subs[n++] = {"value", (v.detail & other_was_null) ? std::string("empty")
                                                          : param(static_cast<size_t>(v.detail & ~other_was_null) + 1)};
      break;
    case rule_kind::required_unless: {
      std::string values;
      for (size_t k = 1; k < params.size(); ++k) {
        if (k > 1) values += ", ";
        values += params[k];
      }
      subs[n++] = {"other", display_attribute(param(0))};
      subs[n++] = {"values", std::move(values)};
      break;
    }
    case rule_kind::required_with:
    case rule_kind::required_with_all:
    case rule_kind::required_without:
    case rule_kind::required_without_all:
      subs[n++] = {"values", join_display_attributes(params, " / ")};
      break;
    case rule_kind::max: subs[n++] = {"max", param(0)}; break;
    case rule_kind::min: subs[n++] = {"min", param(0)}; break;
    case rule_kind::size: subs[n++] = {"size", param(0)}; break;
    case rule_kind::digits: subs[n++] = {"digits", param(0)}; break;
    case rule_kind::between:
    case rule_kind::digits_between:
      subs[n++] = {"min", param(0)};
      subs[n++] = {"max", param(1)};
      break;
    case rule_kind::date_format: subs[n++] = {"format", param(0)}; break;
    case rule_kind::after:
    case rule_kind::after_or_equal:
    case rule_kind::before:
    case rule_kind::before_or_equal:
    case rule_kind::date_equals:
      // Laravel's replaceBefore: a parameter strtotime cannot read is taken as an
      // attribute name and displayed like one.
      subs[n++] = {"date", r.has_other ? display_attribute(param(0)) : param(0)};
      break;
    default: break;
  }
  return render(tmpl, std::span<const placeholder>(subs.data(), n));
}

violation rule_set::distinct_violation(uint16_t field) const {
  return violation{field, impl_->fields[field].distinct_index, 0};
}

rule_kind rule_set::kind(const violation& v) const noexcept {
  return impl_->rules[impl_->fields[v.field].rule_begin + v.rule_index].kind;
}

bool rule_set::always_required(uint16_t field) const noexcept {
  return field < impl_->fields.size() && impl_->fields[field].always_required;
}

bool rule_set::is_numeric(uint16_t field) const noexcept {
  return field < impl_->fields.size() && impl_->fields[field].numeric;
}

const import_type& rule_set::type() const noexcept { return *impl_->type; }
laravel_version rule_set::wording() const noexcept { return impl_->wording; }

rule_set::rule_set(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
rule_set::rule_set(rule_set&&) noexcept = default;
rule_set& rule_set::operator=(rule_set&&) noexcept = default;
rule_set::~rule_set() = default;

// Laravel: str_replace('_', ' ', Str::snake($name)). Str::snake leaves an all-lowercase
// name alone (ctype_lower); otherwise it upper-cases each word's first letter (ucwords),
// drops whitespace, puts '_' before every upper-case letter that follows a character, and
// lower-cases the result. So "dateOfBirth" and "Date of birth" both give "date of birth".
std::string display_attribute(std::string_view name) {
  const bool all_lower = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  std::string out;
  if (all_lower) {
    out = std::string(name);
  } else {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    std::string words;  // ucwords, then whitespace removed
    bool word_start = true;
    for (const char c : name) {
      if (is_space(c)) {
        word_start = true;
        continue;
      }
      words += (word_start && c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      word_start = false;
    }
    out.reserve(words.size() + 8);
    for (size_t i = 0; i < words.size(); ++i) {
      const char c = words[i];
      if (i > 0 && c >= 'A' && c <= 'Z') out += '_';
      out += fold(c);
    }
  }
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

}  // namespace preflight
