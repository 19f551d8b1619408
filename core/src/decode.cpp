// decode.cpp — stage 1: bytes in UTF-8 / UTF-16 / Windows-1252 → UTF-8, with positions.
//
// Layout: names and labels, then a scalar UTF-8 classifier (WHATWG's decoder rules, used
// where simdjson's fast validator says "invalid" and we need exact positions), then
// detection, then the decoder, one feed function per encoding family.
#include "preflight/decode.h"

#include <array>
#include <charconv>
#include <cstring>

// simdjson's single header trips our -Wconversion flags; it is third-party code, so we
// silence those two warnings for the include only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#include "simdjson.h"
#include "text.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif
#pragma GCC diagnostic pop

namespace preflight {

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

const char* encoding_name(encoding e) noexcept {
  switch (e) {
    case encoding::utf8: return "utf-8";
    case encoding::utf8_bom: return "utf-8-bom";
    case encoding::utf16le: return "utf-16le";
    case encoding::utf16be: return "utf-16be";
    case encoding::windows1252: return "windows-1252";
  }
  return "unknown";
}

namespace {

using text::ascii_lower;

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

struct encoding_label {
  std::string_view label;
  encoding enc;
};

// Our own names first, then the WHATWG Encoding Standard labels for the three encodings we
// support (https://encoding.spec.whatwg.org/#names-and-labels), plus Python's "utf-8-sig".
// WHATWG sends latin1, iso-8859-1 and ascii to windows-1252, and "utf-16" to UTF-16LE.
constexpr std::array<encoding_label, 40> encoding_labels{{
    {"utf-8", encoding::utf8},
    {"utf8", encoding::utf8},
    {"unicode-1-1-utf-8", encoding::utf8},
    {"unicode11utf8", encoding::utf8},
    {"unicode20utf8", encoding::utf8},
    {"x-unicode20utf8", encoding::utf8},
    {"utf-8-bom", encoding::utf8_bom},
    {"utf8-bom", encoding::utf8_bom},
    {"utf-8-sig", encoding::utf8_bom},
    {"utf8-sig", encoding::utf8_bom},
    {"utf-16le", encoding::utf16le},
    {"utf16le", encoding::utf16le},
    {"utf-16", encoding::utf16le},
    {"utf16", encoding::utf16le},
    {"csunicode", encoding::utf16le},
    {"iso-10646-ucs-2", encoding::utf16le},
    {"ucs-2", encoding::utf16le},
    {"unicode", encoding::utf16le},
    {"unicodefeff", encoding::utf16le},
    {"utf-16be", encoding::utf16be},
    {"utf16be", encoding::utf16be},
    {"unicodefffe", encoding::utf16be},
    {"windows-1252", encoding::windows1252},
    {"cp1252", encoding::windows1252},
    {"x-cp1252", encoding::windows1252},
    {"ansi_x3.4-1968", encoding::windows1252},
    {"ascii", encoding::windows1252},
    {"us-ascii", encoding::windows1252},
    {"cp819", encoding::windows1252},
    {"csisolatin1", encoding::windows1252},
    {"ibm819", encoding::windows1252},
    {"iso-8859-1", encoding::windows1252},
    {"iso-ir-100", encoding::windows1252},
    {"iso8859-1", encoding::windows1252},
    {"iso88591", encoding::windows1252},
    {"iso_8859-1", encoding::windows1252},
    {"iso_8859-1:1987", encoding::windows1252},
    {"l1", encoding::windows1252},
    {"latin1", encoding::windows1252},
    {"latin-1", encoding::windows1252},
}};

}  // namespace

std::optional<encoding> parse_encoding_name(std::string_view name) noexcept {
  // WHATWG trims ASCII whitespace around a label before matching it.
  while (!name.empty() && is_ascii_space(name.front())) name.remove_prefix(1);
  while (!name.empty() && is_ascii_space(name.back())) name.remove_suffix(1);
  for (const encoding_label& l : encoding_labels) {
    if (equals_ignoring_case(name, l.label)) return l.enc;
  }
  return std::nullopt;
}

const char* decode_issue_name(decode_issue_kind k) noexcept {
  switch (k) {
    case decode_issue_kind::invalid_utf8: return "invalid_utf8";
    case decode_issue_kind::nul_byte: return "nul_byte";
    case decode_issue_kind::unpaired_surrogate: return "unpaired_surrogate";
    case decode_issue_kind::odd_byte_count: return "odd_byte_count";
    case decode_issue_kind::truncated_utf8: return "truncated_utf8";
  }
  return "unknown";
}

namespace {

// ---------------------------------------------------------------------------------------
// Scalar UTF-8 classification (the slow path: only runs where simdjson found a problem)
// ---------------------------------------------------------------------------------------

enum class utf8_status : uint8_t {
  valid,       ///< a well-formed sequence of `length` bytes
  invalid,     ///< an ill-formed sequence; `length` bytes are its maximal subpart
  incomplete,  ///< well-formed so far, but the input ends after `length` bytes
};

struct utf8_step {
  utf8_status status;
  uint8_t length;  // always >= 1
};

// How many continuation bytes a lead byte wants, and the allowed range of the *first*
// continuation byte. The narrowed ranges are what reject overlongs (E0, F0), UTF-16
// surrogates encoded in UTF-8 (ED: CESU-8) and code points above U+10FFFF (F4).
// 0x80–0xC1 and 0xF5–0xFF can never start a sequence: `needs` is 0 for them.
struct utf8_lead {
  uint8_t needs;
  uint8_t lower;
  uint8_t upper;
};

constexpr utf8_lead lead_info(uint8_t b) noexcept {
  if (b >= 0xC2 && b <= 0xDF) return {1, 0x80, 0xBF};
  if (b == 0xE0) return {2, 0xA0, 0xBF};
  if (b == 0xED) return {2, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {2, 0x80, 0xBF};
  if (b == 0xF0) return {3, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {3, 0x80, 0xBF};
  if (b == 0xF4) return {3, 0x80, 0x8F};
  return {0, 0, 0};
}

// Classifies the sequence at the start of `p[0..n)`, n >= 1. This is the WHATWG UTF-8
// decoder: an ill-formed sequence is reported over its maximal subpart, so `C0 80` is two
// problems (C0 can never lead; 80 is then a lone continuation byte), and `E2 82 41` is one
// (E2 82) followed by a valid 'A'.
utf8_step classify_utf8(const uint8_t* p, size_t n) noexcept {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) return {utf8_status::valid, 1};
  const utf8_lead lead = lead_info(b0);
  if (lead.needs == 0) return {utf8_status::invalid, 1};
  for (uint8_t i = 1; i <= lead.needs; ++i) {
    if (i >= n) return {utf8_status::incomplete, i};
    const uint8_t lower = (i == 1) ? lead.lower : uint8_t{0x80};
    const uint8_t upper = (i == 1) ? lead.upper : uint8_t{0xBF};
    if (p[i] < lower || p[i] > upper) return {utf8_status::invalid, i};
  }
  return {utf8_status::valid, static_cast<uint8_t>(lead.needs + 1)};
}

bool is_continuation(uint8_t b) noexcept { return (b & 0xC0) == 0x80; }

// The length of `p[0..n)` without a final multi-byte sequence that the end of the buffer
// cuts short (at most 3 bytes are held back). Only the last lead byte can be cut: a
// sequence is at most 4 bytes, so a lead more than 3 bytes from the end is complete.
size_t utf8_clean_prefix(const uint8_t* p, size_t n) noexcept {
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const uint8_t b = p[n - back];
    if (is_continuation(b)) continue;
    const utf8_lead lead = lead_info(b);
    if (lead.needs >= back) return n - back;  // needs more bytes than are left
    return n;
  }
  return n;
}

// Eight ASCII bytes, none of them NUL? (The SWAR zero-byte test: a byte is zero iff
// subtracting 1 borrows into its high bit while its own high bit was clear.)
bool is_plain_ascii_word(const uint8_t* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  constexpr uint64_t high_bits = 0x8080808080808080ULL;
  constexpr uint64_t ones = 0x0101010101010101ULL;
  const bool any_high = (w & high_bits) != 0;
  const bool any_zero = ((w - ones) & ~w & high_bits) != 0;
  return !any_high && !any_zero;
}

// The offset of the first ill-formed byte of `p[0..n)`, or n if there is none. A sequence
// cut by the end counts as ill-formed only when `end_is_final`.
size_t first_invalid_utf8(const uint8_t* p, size_t n, bool end_is_final) noexcept {
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const utf8_step s = classify_utf8(p + i, n - i);
    if (s.status == utf8_status::invalid) return i;
    if (s.status == utf8_status::incomplete) return end_is_final ? i : n;
    i += s.length;
  }
  return n;
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_hex_byte(std::string& out, uint8_t b) {
  constexpr char digits[] = "0123456789ABCDEF";
  out += "0x";
  out += digits[b >> 4];
  out += digits[b & 0x0F];
}

// ---------------------------------------------------------------------------------------
// Detection helpers
// ---------------------------------------------------------------------------------------

struct nul_counts {
  size_t even = 0;  // NULs at even offsets: the high byte of ASCII in UTF-16BE
  size_t odd = 0;   // NULs at odd offsets: the high byte of ASCII in UTF-16LE
};

nul_counts count_nuls(std::string_view head) noexcept {
  nul_counts c;
  const void* from = head.data();
  size_t left = head.size();
  while (left > 0) {
    const void* hit = std::memchr(from, 0, left);
    if (hit == nullptr) break;
    const size_t pos = static_cast<size_t>(static_cast<const char*>(hit) - head.data());
    if (pos % 2 == 0) {
      ++c.even;
    } else {
      ++c.odd;
    }
    from = head.data() + pos + 1;
    left = head.size() - pos - 1;
  }
  return c;
}

// Text in UTF-16 has a NUL in every code unit below U+0100, which for CSV (delimiters,
// digits, line breaks, Latin letters) is most of them. A UTF-8 file with a stray NUL or
// two has nothing like that. We want NULs in at least a quarter of the code-unit slots on
// one side, and at least three times as many as on the other side (a file of all NULs is
// not UTF-16).
bool looks_like_utf16(size_t nuls_here, size_t nuls_there, size_t code_units) noexcept {
  const bool enough = code_units > 0 && nuls_here * 4 >= code_units;
  const bool one_sided = nuls_here >= 3 * nuls_there + 1;
  return enough && one_sided;
}

}  // namespace

encoding_guess detect_encoding(std::string_view head, bool is_whole_file) noexcept {
  encoding_guess g;
  const auto* p = reinterpret_cast<const uint8_t*>(head.data());
  const size_t n = head.size();

  // Excel's order: UTF-8 BOM, UTF-16LE BOM, UTF-16BE BOM, then everything else.
  if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
    g.enc = encoding::utf8_bom;
    g.bom_bytes = 3;
    g.reason = "UTF-8 BOM";
    return g;
  }
  if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
    g.enc = encoding::utf16le;
    g.bom_bytes = 2;
    g.reason = "UTF-16LE BOM";
    return g;
  }
  if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
    g.enc = encoding::utf16be;
    g.bom_bytes = 2;
    g.reason = "UTF-16BE BOM";
    return g;
  }

  const nul_counts nuls = count_nuls(head);
  const size_t code_units = n / 2;
  if (looks_like_utf16(nuls.odd, nuls.even, code_units)) {
    g.enc = encoding::utf16le;
    g.reason = "NUL pattern of UTF-16LE without BOM";
    return g;
  }
  if (looks_like_utf16(nuls.even, nuls.odd, code_units)) {
    g.enc = encoding::utf16be;
    g.reason = "NUL pattern of UTF-16BE without BOM";
    return g;
  }

  // A partial head may end inside a character; that is a cut, not an error.
  const size_t checked = is_whole_file ? n : utf8_clean_prefix(p, n);
  if (simdjson::validate_utf8(head.data(), checked)) {
    g.enc = encoding::utf8;
    g.reason = (n == 0) ? "empty input; assuming UTF-8" : "valid UTF-8";
    return g;
  }

  const size_t bad = first_invalid_utf8(p, n, is_whole_file);
  g.enc = encoding::windows1252;
  g.reason = "invalid UTF-8 at byte ";
  append_uint(g.reason, bad);
  if (bad < n) {
    g.reason += " (";
    append_hex_byte(g.reason, p[bad]);
    g.reason += ")";
  }
  g.reason += "; bytes look like Windows-1252";
  return g;
}

// ---------------------------------------------------------------------------------------
// decoder
// ---------------------------------------------------------------------------------------

namespace {

// Windows-1252 0x80–0x9F, from the WHATWG index (index-windows-1252.txt). The five bytes
// that code page leaves undefined (81 8D 8F 90 9D) map to the C1 control of the same value,
// as WHATWG does. 0xA0–0xFF equal U+00A0–U+00FF, so they need no table.
constexpr std::array<uint16_t, 32> cp1252_high{{
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80–87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 88–8F
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90–97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 98–9F
}};

constexpr uint32_t replacement_character = 0xFFFD;

// Writes `cp` as UTF-8 into `buf`; returns the byte count (1–4).
uint32_t encode_utf8(uint32_t cp, char* buf) noexcept {
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (cp >> 18));
  buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

bool is_high_surrogate(uint32_t u) noexcept { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(uint32_t u) noexcept { return u >= 0xDC00 && u <= 0xDFFF; }

// A byte that the 1252 fast path cannot copy as is: non-ASCII, or one that needs a note
// (NUL → issue, CR/LF → checkpoint).
bool needs_attention_1252(uint8_t b) noexcept {
  return b >= 0x80 || b == 0 || b == '\n' || b == '\r';
}

// The same test for eight bytes at once (SWAR): a byte equals X iff (byte ^ X) is zero.
bool word_needs_attention_1252(const uint8_t* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  constexpr uint64_t ones = 0x0101010101010101ULL;
  constexpr uint64_t high_bits = 0x8080808080808080ULL;
  auto has_zero_byte = [](uint64_t v) { return ((v - ones) & ~v & high_bits) != 0; };
  const bool any_high = (w & high_bits) != 0;
  return any_high || has_zero_byte(w) || has_zero_byte(w ^ (ones * '\n')) ||
         has_zero_byte(w ^ (ones * '\r'));
}

// The end of the run of bytes from `i` that the 1252 decoder can copy unchanged.
size_t plain_run_end_1252(const uint8_t* p, size_t i, size_t n) noexcept {
  while (i + 8 <= n && !word_needs_attention_1252(p + i)) i += 8;
  while (i < n && !needs_attention_1252(p[i])) ++i;
  return i;
}

}  // namespace

decoder::decoder(encoding enc, uint32_t skip_bom) : enc_(enc), skip_bom_(skip_bom) {}

void decoder::note(decode_issue_kind k, uint64_t decoded, uint64_t original, uint8_t byte) {
  issues_.push_back(decode_issue{k, decoded, original, byte});
}

std::string_view decoder::feed_view(std::string_view in, std::string& scratch) {
  const bool pass_through = (enc_ == encoding::utf8 || enc_ == encoding::utf8_bom) && pending_.empty() &&
                            bytes_in_ >= skip_bom_;
  if (!pass_through || in.empty()) {
    scratch.clear();
    feed(in, scratch);
    return scratch;
  }
  const size_t body = check_utf8_body(in);
  bytes_in_ += in.size();
  return in.substr(0, body);
}

void decoder::feed(std::string_view in, std::string& out) {
  // The BOM may itself arrive split over several feeds; bytes_in_ says how much of it has
  // been dropped already.
  if (bytes_in_ < skip_bom_) {
    const uint64_t bom_left = skip_bom_ - bytes_in_;
    const size_t drop = in.size() < bom_left ? in.size() : static_cast<size_t>(bom_left);
    in.remove_prefix(drop);
    bytes_in_ += drop;
  }
  if (in.empty()) return;
  switch (enc_) {
    case encoding::utf8:
    case encoding::utf8_bom: feed_utf8(in, out); break;
    case encoding::utf16le:
    case encoding::utf16be: feed_utf16(in, out); break;
    case encoding::windows1252: feed_1252(in, out); break;
  }
  bytes_in_ += in.size();
}

// --- UTF-8 -----------------------------------------------------------------------------
//
// Bytes pass through unchanged, valid or not, so decoded offset = original offset − BOM.
// bytes_in_ is the original offset of in[0] while a feed function runs.

namespace {

// The first 0x00 in [from, end), or nullptr. memchr is cheap natively (AVX2), but
// Emscripten's (musl's) reads one 32-bit word at a time, and this scan sees every byte
// of the file: on Wasm, 16 bytes are checked at once first.
const char* find_nul(const char* from, const char* end) noexcept {
#if defined(__wasm_simd128__)
  const v128_t zero = wasm_i8x16_splat(0);
  for (; end - from >= 16; from += 16) {
    const v128_t eq = wasm_i8x16_eq(wasm_v128_load(from), zero);
    if (wasm_v128_any_true(eq)) return from + __builtin_ctz(static_cast<unsigned>(wasm_i8x16_bitmask(eq)));
  }
#endif
  return static_cast<const char*>(std::memchr(from, 0, static_cast<size_t>(end - from)));
}

// Records a NUL issue for every 0x00 in `bytes`.
void note_nuls(std::string_view bytes, uint64_t decoded_base, uint64_t original_base,
               std::vector<decode_issue>& issues) {
  const char* from = bytes.data();
  const char* end = bytes.data() + bytes.size();
  while (from < end) {
    const char* hit = find_nul(from, end);
    if (hit == nullptr) return;
    const auto pos = static_cast<uint64_t>(static_cast<const char*>(hit) - bytes.data());
    issues.push_back({decode_issue_kind::nul_byte, decoded_base + pos, original_base + pos, 0});
    from = static_cast<const char*>(hit) + 1;
  }
}

// The scalar pass over a buffer that simdjson rejected: one issue per ill-formed sequence
// (and per NUL), in file order. The bytes themselves are appended by the caller.
void note_utf8_problems(const uint8_t* p, size_t n, uint64_t decoded_base,
                        uint64_t original_base, std::vector<decode_issue>& issues) {
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && is_plain_ascii_word(p + i)) {
      i += 8;
      continue;
    }
    const utf8_step s = classify_utf8(p + i, n - i);
    if (s.status == utf8_status::valid) {
      if (p[i] == 0) {
        issues.push_back({decode_issue_kind::nul_byte, decoded_base + i, original_base + i, 0});
      }
    } else {
      // `incomplete` cannot happen here (the caller held back a cut final sequence), but if
      // it did, calling it invalid is the safe answer.
      issues.push_back(
          {decode_issue_kind::invalid_utf8, decoded_base + i, original_base + i, p[i]});
    }
    i += s.length;
  }
}

#if defined(__wasm_simd128__)
// On Wasm, simdjson has no SIMD kernel (its fallback validates a word at a time) and the
// NUL search is a second pass. Most 64-byte blocks of a real file are plain ASCII, and
// most others hold only two-byte sequences (accented Latin letters, £): both kinds are
// settled here, with SIMD128, for validation and the NUL search at once, and only the
// rest goes to simdjson. Natively, simdjson's AVX2 kernel and memchr beat skipping blocks
// (measured: +1.4% instructions on the clients benchmark file, whose rows are 22%
// non-ASCII), so this stays a Wasm path.

// Whether the 64 bytes at p are all plain ASCII (1..0x7F: no NUL, nothing to validate).
bool plain_ascii_block(const uint8_t* p) noexcept {
  // A byte is plain when, read as signed, it is above zero.
  const v128_t low = wasm_i8x16_min(wasm_v128_load(p), wasm_v128_load(p + 16));
  const v128_t high = wasm_i8x16_min(wasm_v128_load(p + 32), wasm_v128_load(p + 48));
  return wasm_i8x16_all_true(wasm_i8x16_gt(wasm_i8x16_min(low, high), wasm_i8x16_splat(0)));
}

// The bytes of a 64-byte block by kind, one bit per byte (bit k for p[k]).
struct byte_kinds {
  uint64_t high = 0;          // 0x80..0xFF
  uint64_t continuation = 0;  // 0x80..0xBF
  uint64_t lead2 = 0;         // 0xC2..0xDF: starts a two-byte sequence
  uint64_t nul = 0;
};

byte_kinds kinds_of_block(const uint8_t* p) noexcept {
  const auto bits = [](v128_t hits, int shift) { return uint64_t{wasm_i8x16_bitmask(hits)} << shift; };
  byte_kinds k;
  for (int part = 0; part < 4; ++part) {
    const v128_t x = wasm_v128_load(p + 16 * part);
    const int shift = 16 * part;
    k.high |= bits(x, shift);
    k.continuation |= bits(wasm_i8x16_eq(wasm_v128_and(x, wasm_u8x16_splat(0xC0)), wasm_u8x16_splat(0x80)), shift);
    k.lead2 |= bits(wasm_v128_and(wasm_u8x16_ge(x, wasm_u8x16_splat(0xC2)), wasm_u8x16_le(x, wasm_u8x16_splat(0xDF))),
                    shift);
    k.nul |= bits(wasm_i8x16_eq(x, wasm_i8x16_splat(0)), shift);
  }
  return k;
}

// Whether a block is valid UTF-8 made of ASCII (no NUL) and two-byte sequences only, given
// whether the byte before it opened a sequence; sets `lead_open` for the next block. Every
// continuation byte must follow a lead byte, and every lead byte precede one.
bool two_byte_text_block(const uint8_t* p, bool& lead_open) noexcept {
  const byte_kinds k = kinds_of_block(p);
  const uint64_t other_high = k.high & ~k.continuation & ~k.lead2;
  if (other_high != 0 || k.nul != 0 || k.continuation != ((k.lead2 << 1) | uint64_t{lead_open})) return false;
  lead_open = (k.lead2 >> 63) != 0;
  return true;
}
#endif

/// Calls check(from, to) for the stretches of [0, n) that need UTF-8 validation and a NUL
/// search, in order: all of it, or on Wasm what is left once the blocks settled above are
/// skipped. A stretch starts at a character boundary and ends before a plain block (or at
/// n), so it holds whole sequences only, and its verdict is that of those bytes in the file.
template <class Check>
void for_each_stretch_to_check(const uint8_t* p, size_t n, Check&& check) {
#if defined(__wasm_simd128__)
  size_t i = 0;
  bool lead_open = false;  // p[i - 1] starts a two-byte sequence
  while (i + 64 <= n) {
    if ((!lead_open && plain_ascii_block(p + i)) || two_byte_text_block(p + i, lead_open)) {
      i += 64;
      continue;
    }
    const size_t from = lead_open ? i - 1 : i;  // where the character under way starts
    size_t end = i + 64;
    while (end + 64 <= n && !plain_ascii_block(p + end)) end += 64;
    if (end + 64 > n) end = n;  // a short last block is never skipped
    check(from, end);
    i = end;
    lead_open = false;
  }
  if (i < n || lead_open) check(lead_open ? i - 1 : i, n);
#else
  (void)p;
  if (n != 0) check(size_t{0}, n);
#endif
}

}  // namespace

void decoder::feed_utf8(std::string_view in, std::string& out) {
  uint64_t original = bytes_in_;  // original offset of in[0]

  // 1. Finish a sequence that the previous feed cut: move bytes over one at a time (at most
  //    3) and let pending_ drain as a tiny stream of its own until it is empty or again
  //    an unfinished sequence.
  while (!pending_.empty() && !in.empty()) {
    pending_ += in.front();
    in.remove_prefix(1);
    ++original;
    while (!pending_.empty()) {
      const auto* q = reinterpret_cast<const uint8_t*>(pending_.data());
      const utf8_step s = classify_utf8(q, pending_.size());
      if (s.status == utf8_status::incomplete) break;
      const uint64_t at = original - pending_.size();
      if (s.status == utf8_status::invalid) {
        note(decode_issue_kind::invalid_utf8, bytes_out_, at, q[0]);
      } else if (q[0] == 0) {
        note(decode_issue_kind::nul_byte, bytes_out_, at, 0);
      }
      out.append(pending_, 0, s.length);
      bytes_out_ += s.length;
      pending_.erase(0, s.length);
    }
  }
  if (in.empty()) return;

  // 2. The clean body, validated in one go (the hot path), and the cut sequence held back.
  const size_t body = check_utf8_body(in, original);
  out.append(in.substr(0, body));
}

size_t decoder::check_utf8_body(std::string_view in) { return check_utf8_body(in, bytes_in_); }

size_t decoder::check_utf8_body(std::string_view in, uint64_t original) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const size_t body = utf8_clean_prefix(p, in.size());
  for_each_stretch_to_check(p, body, [&](size_t from, size_t to) {
    const std::string_view stretch = in.substr(from, to - from);
    if (simdjson::validate_utf8(stretch.data(), stretch.size())) {
      note_nuls(stretch, bytes_out_ + from, original + from, issues_);
    } else {
      note_utf8_problems(p + from, stretch.size(), bytes_out_ + from, original + from, issues_);
    }
  });
  bytes_out_ += body;
  pending_.assign(in.substr(body));  // a final sequence that this chunk cuts
  return body;
}

// --- UTF-16 ----------------------------------------------------------------------------

void decoder::put_code_point(uint32_t cp, uint64_t orig_start, uint32_t orig_width,
                             std::string& out) {
  char buf[4];
  const uint32_t len = encode_utf8(cp, buf);
  if (cp == 0) note(decode_issue_kind::nul_byte, bytes_out_, orig_start, 0);
  out.append(buf, len);
  bytes_out_ += len;
  // A row can start right after any line break we emit: remember where that is.
  if (cp == '\n' || cp == '\r') checkpoints_.push_back({bytes_out_, orig_start + orig_width});
}

void decoder::feed_utf16(std::string_view in, std::string& out) {
  const bool little_endian = enc_ == encoding::utf16le;
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const size_t n = in.size();
  size_t i = 0;

  // Each code unit is read at `i`; a unit split by the previous feed starts in pending_.
  auto unit_from = [little_endian](uint8_t first, uint8_t second) -> uint32_t {
    return little_endian ? (uint32_t{second} << 8 | first) : (uint32_t{first} << 8 | second);
  };

  while (true) {
    // Fast path: a run of ASCII code units (not NUL, CR or LF) needs no surrogate state,
    // no issue and no checkpoint; write them straight out.
    if (pending_.empty() && pending_high_surrogate_ == 0) {
      const size_t run_start = i;
      while (i + 2 <= n) {
        const uint32_t u = unit_from(p[i], p[i + 1]);
        if (u >= 0x80 || u == 0 || u == '\n' || u == '\r') break;
        out += static_cast<char>(u);
        i += 2;
      }
      bytes_out_ += (i - run_start) / 2;
    }
    uint32_t unit;
    uint64_t unit_original;  // original offset of the unit's first byte
    uint8_t unit_first_byte;
    if (!pending_.empty()) {
      if (i >= n) break;
      unit_first_byte = static_cast<uint8_t>(pending_[0]);
      unit = unit_from(unit_first_byte, p[i]);
      unit_original = bytes_in_ - 1;
      pending_.clear();
      i += 1;
    } else {
      if (i + 2 > n) break;
      unit_first_byte = p[i];
      unit = unit_from(p[i], p[i + 1]);
      unit_original = bytes_in_ + i;
      i += 2;
    }

    if (pending_high_surrogate_ != 0) {
      const uint32_t high = pending_high_surrogate_;
      pending_high_surrogate_ = 0;
      if (is_low_surrogate(unit)) {
        const uint32_t cp = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00);
        put_code_point(cp, pending_high_orig_, 4, out);
        continue;
      }
      // The high surrogate has no partner: it becomes U+FFFD, and `unit` is read afresh.
      const uint8_t high_first_byte =
          static_cast<uint8_t>(little_endian ? (high & 0xFF) : (high >> 8));
      note(decode_issue_kind::unpaired_surrogate, bytes_out_, pending_high_orig_,
           high_first_byte);
      put_code_point(replacement_character, pending_high_orig_, 2, out);
    }
    if (is_high_surrogate(unit)) {
      pending_high_surrogate_ = unit;
      pending_high_orig_ = unit_original;
      continue;
    }
    if (is_low_surrogate(unit)) {
      note(decode_issue_kind::unpaired_surrogate, bytes_out_, unit_original, unit_first_byte);
      put_code_point(replacement_character, unit_original, 2, out);
      continue;
    }
    put_code_point(unit, unit_original, 2, out);
  }
  // An odd byte left over is the first half of the next unit.
  if (i < n) pending_.assign(in.substr(i));
}

// --- Windows-1252 ----------------------------------------------------------------------

void decoder::feed_1252(std::string_view in, std::string& out) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    // Copy a run of plain ASCII in one append.
    const size_t run_end = plain_run_end_1252(p, i, n);
    if (run_end > i) {
      out.append(in.data() + i, run_end - i);
      bytes_out_ += run_end - i;
      i = run_end;
      if (i >= n) break;
    }
    const uint8_t b = p[i];
    uint32_t cp = b;
    if (b >= 0x80 && b < 0xA0) cp = cp1252_high[b - 0x80];
    put_code_point(cp, bytes_in_ + i, 1, out);
    ++i;
  }
}

// --- End of input ----------------------------------------------------------------------

void decoder::finish(std::string& out) {
  const uint64_t pending_original = bytes_in_ - pending_.size();
  switch (enc_) {
    case encoding::utf8:
    case encoding::utf8_bom: {
      // A held-back sequence that never completed: the first ill-formed part is a
      // truncated sequence; anything after it is classified as usual. Bytes pass through.
      size_t i = 0;
      const auto* p = reinterpret_cast<const uint8_t*>(pending_.data());
      while (i < pending_.size()) {
        const utf8_step s = classify_utf8(p + i, pending_.size() - i);
        if (s.status == utf8_status::incomplete) {
          note(decode_issue_kind::truncated_utf8, bytes_out_ + i, pending_original + i, p[i]);
        } else if (s.status == utf8_status::invalid) {
          note(decode_issue_kind::invalid_utf8, bytes_out_ + i, pending_original + i, p[i]);
        } else if (p[i] == 0) {
          note(decode_issue_kind::nul_byte, bytes_out_ + i, pending_original + i, 0);
        }
        i += s.length;
      }
      out.append(pending_);
      bytes_out_ += pending_.size();
      break;
    }
    case encoding::utf16le:
    case encoding::utf16be: {
      if (pending_high_surrogate_ != 0) {
        const uint32_t high = pending_high_surrogate_;
        const uint8_t first = static_cast<uint8_t>(enc_ == encoding::utf16le ? (high & 0xFF)
                                                                             : (high >> 8));
        pending_high_surrogate_ = 0;
        note(decode_issue_kind::unpaired_surrogate, bytes_out_, pending_high_orig_, first);
        put_code_point(replacement_character, pending_high_orig_, 2, out);
      }
      if (!pending_.empty()) {
        note(decode_issue_kind::odd_byte_count, bytes_out_, pending_original,
             static_cast<uint8_t>(pending_[0]));
        put_code_point(replacement_character, pending_original, 1, out);
      }
      break;
    }
    case encoding::windows1252: break;  // every byte is a character: nothing is held back
  }
  pending_.clear();
}

// --- Positions -------------------------------------------------------------------------

uint64_t decoder::original_offset(uint64_t decoded_offset) {
  if (enc_ == encoding::utf8 || enc_ == encoding::utf8_bom) return decoded_offset + skip_bom_;
  // Keep the greatest checkpoint at or before the asked offset at the front: it is the
  // answer now, and (queries being non-decreasing) the best lower bound for a later misuse.
  while (checkpoints_.size() >= 2 && checkpoints_[1].decoded <= decoded_offset) {
    checkpoints_.pop_front();
  }
  if (!checkpoints_.empty() && checkpoints_.front().decoded <= decoded_offset) {
    return checkpoints_.front().original;
  }
  // Before the first line break: only offset 0 is a row start, and it sits after the BOM.
  return skip_bom_;
}

}  // namespace preflight
