// csv.cpp — the streaming RFC 4180 tokenizer (see csv.h for the contract).
//
// How it works
// - push() does not copy: next() scans the caller's text where it is. When it runs out,
//   the unfinished row's bytes are copied into carry_; after the next push() that row is
//   completed there with just the new text it needs, and the rest is scanned in place
//   (push(), own_from(), take_pending()).
// - scan() is a small resumable state machine (state_, scan_). Every state can stop at the
//   end of the buffer and pick up there after the next push(), so a row split across many
//   pushes is scanned once, never again from its start.
// - Stop bytes are found with bit masks, two per 64 bytes (the delimiter's; the quote's, CR's
//   and LF's, the "specials"), computed for a 4 KiB window at a time in a branch-free loop
//   (AVX2 when the CPU has it, picked at run time; else SSE2, or SIMD128 on WebAssembly, or
//   portable SWAR).
// - The common case (well-formed fields, plain or quoted, a row ended by a line break) runs
//   in scan_simple_fields(), a tight loop over the masks: a run of delimiter bits before the
//   next special is a run of plain fields, recorded without reading a byte. At anything else
//   it hands the field over, from its start, to scan(), which knows every rule.
// - Inside quotes only the quote matters: delimiters are passed over, line breaks counted.
// - Fields are string_views written as they are found; own_from() moves the views of the row
//   in progress with the bytes. Quoted fields with "" (or text after the closing quote) are
//   unescaped into an arena of fixed blocks when the row is handed out.
//
// Limits, and why every decision is tied to a byte position
// The same text must give the same rows whatever the chunking. So a limit never fires "when
// the buffer happens to end": it fires for the first byte position at which the field or
// the row is too long (field_limit_ is the smallest such position). We only *notice* it at
// the next place we look (a stop byte or the buffer end), but what we report depends only
// on which limit was crossed first and on the fields completed before it.
// Once a row has a problem, its completed fields are copied into scratch_ and the rest of
// the row is scanned without being kept (skipping_), still quote-aware, so memory stays
// bounded by the limits plus one chunk.
#include "preflight/csv.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

// The block masks use SSE2 on x86-64, SIMD128 on WebAssembly when it is enabled, and
// portable SWAR otherwise (or when PREFLIGHT_CSV_SWAR is defined, to test and time it).
#if defined(PREFLIGHT_CSV_SWAR)
#define PREFLIGHT_CSV_MASK_SWAR 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#define PREFLIGHT_CSV_MASK_SSE2 1
// On x86-64 an AVX2 kernel is compiled too and picked at run time when the CPU has it.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PREFLIGHT_CSV_MASK_AVX2 1
#endif
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define PREFLIGHT_CSV_MASK_WASM 1
#else
#define PREFLIGHT_CSV_MASK_SWAR 1
#endif

namespace preflight {

const char* row_problem_name(row_problem p) noexcept {
  switch (p) {
    case row_problem::none: return "none";
    case row_problem::unterminated_quote: return "unterminated_quote";
    case row_problem::field_too_large: return "field_too_large";
    case row_problem::row_too_large: return "row_too_large";
    case row_problem::too_many_columns: return "too_many_columns";
  }
  return "unknown";
}

namespace {

constexpr size_t npos = std::numeric_limits<size_t>::max();
// Limits are clamped so that a row and a cut field together stay below 4 GiB.
constexpr uint32_t max_limit = (1u << 31) - 1;

// ---- SWAR: 8 bytes at once in a uint64_t --------------------------------------------------

constexpr uint64_t ones = 0x0101010101010101ull;
constexpr uint64_t highs = 0x8080808080808080ull;

constexpr uint64_t broadcast(char c) noexcept { return ones * static_cast<uint8_t>(c); }

inline uint64_t load8(const char* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;  // byte k of the text is bits 8k..8k+7
}

/// 0x80 in the lowest zero byte of v (and maybe above it: only the lowest is exact).
constexpr uint64_t zero_bytes(uint64_t v) noexcept { return (v - ones) & ~v & highs; }

#if PREFLIGHT_CSV_MASK_SWAR
/// 0x80 in exactly the bytes of w equal to the byte broadcast in `pattern` (the add never
/// carries out of a byte, so there are no false positives).
constexpr uint64_t equal_bytes(uint64_t w, uint64_t pattern) noexcept {
  constexpr uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
  const uint64_t v = w ^ pattern;
  return ~(((v & low7) + low7) | v | low7);
}

/// Gathers the top bit of each byte into 8 bits, byte k -> bit k (a portable movemask).
constexpr uint64_t pack_high_bits(uint64_t flags) noexcept {
  return ((flags >> 7) * 0x0102040810204080ull) >> 56;
}
#endif

/// The index of the lowest set bit of m (m != 0). On x86-64 one tzcnt: std::countr_zero
/// adds a sign extension of its int and a dependency-breaking xor, a sixth of the hot loop's
/// instructions. (On CPUs without BMI1 tzcnt runs as bsf, which agrees for m != 0.)
inline size_t lowest_bit(uint64_t m) noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  uint64_t index;
  __asm__("tzcnt %1, %0" : "=r"(index) : "r"(m) : "cc");
  return index;
#else
  return static_cast<size_t>(std::countr_zero(m));
#endif
}

/// First CR or LF in [i, n), or n.
size_t find_line_break(const char* b, size_t i, size_t n) noexcept {
  for (; i + 8 <= n; i += 8) {
    const uint64_t w = load8(b + i);
    const uint64_t m = zero_bytes(w ^ broadcast('\n')) | zero_bytes(w ^ broadcast('\r'));
    if (m != 0) return i + (static_cast<size_t>(std::countr_zero(m)) >> 3);
  }
  while (i < n && b[i] != '\n' && b[i] != '\r') ++i;
  return i;
}

/// Unescapes a quoted field's raw bytes (starting with its opening quote) into `out`:
/// inside the quotes "" is one quote and a lone quote closes them; after that every byte
/// is literal (Python csv: `"ab"c"d` -> `abc"d`). Returns the bytes written (<= len).
/// Fields are short, so 8 bytes at a time with SWAR rather than a memchr and a memcpy call
/// per run: `out` must have room for len + unescape_slack bytes (whole words are stored).
constexpr size_t unescape_slack = 8;
size_t unescape(const char* in, size_t len, char quote, char* out) noexcept {
  const uint64_t quotes = broadcast(quote);
  size_t w = 0;
  size_t i = 1;  // past the opening quote
  while (i < len) {
    if (i + 8 <= len) {
      const uint64_t found = zero_bytes(load8(in + i) ^ quotes);
      std::memcpy(out + w, in + i, 8);
      if (found == 0) {
        w += 8;
        i += 8;
        continue;
      }
      const size_t run = static_cast<size_t>(std::countr_zero(found)) >> 3;  // bytes before the quote
      w += run;
      i += run;
    } else {
      while (i < len && in[i] != quote) out[w++] = in[i++];
      if (i == len) break;
    }
    // in[i] is a quote.
    if (i + 1 < len && in[i + 1] == quote) {  // "" -> "
      out[w++] = quote;
      i += 2;
      continue;
    }
    std::memcpy(out + w, in + i + 1, len - i - 1);  // the closing quote: the rest is literal
    w += len - i - 1;
    break;
  }
  return w;
}

}  // namespace

// ---- stop-byte masks ---------------------------------------------------------------------

namespace {

/// The bytes that stop an unquoted field, as two 64-bit masks per 64 bytes: `delimiters`
/// (bit k set when p[k] is the delimiter) and `specials` (the quote, CR or LF). Split because
/// most stops are delimiters: the hot loop walks a run of delimiter bits without looking at
/// the bytes, and a quoted field walks only the specials (its delimiters are text).
struct stop_bytes {
#if PREFLIGHT_CSV_MASK_SSE2
  __m128i delimiter, quote, cr, lf;
  stop_bytes(char d, char q) noexcept
      : delimiter(_mm_set1_epi8(d)), quote(_mm_set1_epi8(q)), cr(_mm_set1_epi8('\r')), lf(_mm_set1_epi8('\n')) {}
  void masks64(const char* p, uint64_t& delimiters, uint64_t& specials) const noexcept {
    uint64_t d = 0;
    uint64_t s = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i special =
          _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, lf)));
      d |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, delimiter)))) << (16 * k);
      s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(special))) << (16 * k);
    }
    delimiters = d;
    specials = s;
  }
#elif PREFLIGHT_CSV_MASK_WASM
  v128_t delimiter, quote, cr, lf;
  stop_bytes(char d, char q) noexcept
      : delimiter(wasm_i8x16_splat(d)), quote(wasm_i8x16_splat(q)), cr(wasm_i8x16_splat('\r')),
        lf(wasm_i8x16_splat('\n')) {}
  void masks64(const char* p, uint64_t& delimiters, uint64_t& specials) const noexcept {
    // Two 32-bit halves: wasm32 has no cheap 64-bit shifts of the bitmasks into one word.
    uint32_t d[2] = {0, 0};
    uint32_t s[2] = {0, 0};
    for (int k = 0; k < 4; ++k) {
      const v128_t x = wasm_v128_load(p + 16 * k);
      const v128_t special =
          wasm_v128_or(wasm_i8x16_eq(x, quote), wasm_v128_or(wasm_i8x16_eq(x, cr), wasm_i8x16_eq(x, lf)));
      d[k >> 1] |= static_cast<uint32_t>(wasm_i8x16_bitmask(wasm_i8x16_eq(x, delimiter))) << (16 * (k & 1));
      s[k >> 1] |= static_cast<uint32_t>(wasm_i8x16_bitmask(special)) << (16 * (k & 1));
    }
    delimiters = d[0] | uint64_t{d[1]} << 32;
    specials = s[0] | uint64_t{s[1]} << 32;
  }
#else
  uint64_t delimiter, quote;
  stop_bytes(char d, char q) noexcept : delimiter(broadcast(d)), quote(broadcast(q)) {}
  void masks64(const char* p, uint64_t& delimiters, uint64_t& specials) const noexcept {
    uint64_t d = 0;
    uint64_t s = 0;
    for (int k = 0; k < 8; ++k) {
      const uint64_t w = load8(p + 8 * k);
      const uint64_t special =
          equal_bytes(w, quote) | equal_bytes(w, broadcast('\r')) | equal_bytes(w, broadcast('\n'));
      d |= pack_high_bits(equal_bytes(w, delimiter)) << (8 * k);
      s |= pack_high_bits(special) << (8 * k);
    }
    delimiters = d;
    specials = s;
  }
#endif
};

/// The baseline kernel (SSE2, SIMD128 or SWAR, whichever this build has).
void stop_masks_baseline(const char* p, size_t blocks, char delimiter, char quote, uint64_t* delimiters,
                         uint64_t* specials) noexcept {
  const stop_bytes stops(delimiter, quote);
  for (size_t k = 0; k < blocks; ++k) stops.masks64(p + (k << 6), delimiters[k], specials[k]);
}

#if PREFLIGHT_CSV_MASK_AVX2
// AVX2: 32 bytes a compare, so half the instructions of SSE2 for the same masks. Compiled for
// AVX2 whatever the build flags, and only called when the CPU has it (the tokenizer's
// constructor asks csv_kernel_available() once).
// A separate function rather than a lambda: a lambda would not inherit the target.
struct avx2_bits {
  uint32_t delimiters, specials;
};
__attribute__((target("avx2"))) inline avx2_bits stop_bits_avx2(const char* p, __m256i delimiter, __m256i quote,
                                                               __m256i cr, __m256i lf) noexcept {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i special =
      _mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_or_si256(_mm256_cmpeq_epi8(x, cr), _mm256_cmpeq_epi8(x, lf)));
  return {static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, delimiter))),
          static_cast<uint32_t>(_mm256_movemask_epi8(special))};
}

__attribute__((target("avx2"))) void stop_masks_avx2(const char* p, size_t blocks, char delimiter, char quote,
                                                     uint64_t* delimiters, uint64_t* specials) noexcept {
  const __m256i d = _mm256_set1_epi8(delimiter);
  const __m256i q = _mm256_set1_epi8(quote);
  const __m256i cr = _mm256_set1_epi8('\r');
  const __m256i lf = _mm256_set1_epi8('\n');
  for (size_t k = 0; k < blocks; ++k) {
    const char* block = p + (k << 6);
    const avx2_bits lo = stop_bits_avx2(block, d, q, cr, lf);
    const avx2_bits hi = stop_bits_avx2(block + 32, d, q, cr, lf);
    delimiters[k] = lo.delimiters | uint64_t{hi.delimiters} << 32;
    specials[k] = lo.specials | uint64_t{hi.specials} << 32;
  }
}

// The same masks with the specials found by one table lookup instead of three compares and
// two ors: vpshufb maps each byte to table[its low 4 bits] (to 0 when its top bit is set),
// and a byte is special when that entry is the byte itself. Usable when the quote is ASCII
// and its low 4 bits differ from LF's (0xA) and CR's (0xD): see lookup_fits().
constexpr bool lookup_fits(char quote) noexcept {
  const auto q = static_cast<unsigned char>(quote);
  return q < 0x80 && (q & 15) != ('\n' & 15) && (q & 15) != ('\r' & 15);
}

__attribute__((target("avx2"))) inline avx2_bits stop_bits_avx2_lookup(const char* p, __m256i delimiter,
                                                                      __m256i table) noexcept {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i special = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, x), x);
  return {static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, delimiter))),
          static_cast<uint32_t>(_mm256_movemask_epi8(special))};
}

__attribute__((target("avx2"))) void stop_masks_avx2_lookup(const char* p, size_t blocks, char delimiter, char quote,
                                                            uint64_t* delimiters, uint64_t* specials) noexcept {
  // 0xFF (never an ASCII byte) where no special byte has those low 4 bits.
  alignas(16) char entries[16];
  std::memset(entries, 0xFF, sizeof entries);
  entries['\n' & 15] = '\n';
  entries['\r' & 15] = '\r';
  entries[quote & 15] = quote;
  const __m128i lane = _mm_load_si128(reinterpret_cast<const __m128i*>(entries));
  const __m256i table = _mm256_broadcastsi128_si256(lane);  // vpshufb looks up within each 16-byte lane
  const __m256i d = _mm256_set1_epi8(delimiter);
  for (size_t k = 0; k < blocks; ++k) {
    const char* block = p + (k << 6);
    const avx2_bits lo = stop_bits_avx2_lookup(block, d, table);
    const avx2_bits hi = stop_bits_avx2_lookup(block + 32, d, table);
    delimiters[k] = lo.delimiters | uint64_t{hi.delimiters} << 32;
    specials[k] = lo.specials | uint64_t{hi.specials} << 32;
  }
}
#endif

using stop_masks_fn = void (*)(const char*, size_t, char, char, uint64_t*, uint64_t*) noexcept;

stop_masks_fn kernel_fn(detail::csv_kernel k, char quote) noexcept {
#if PREFLIGHT_CSV_MASK_AVX2
  if (k == detail::csv_kernel::avx2) return lookup_fits(quote) ? stop_masks_avx2_lookup : stop_masks_avx2;
#else
  (void)k;
  (void)quote;
#endif
  return stop_masks_baseline;
}

// Test hook (see csv.h): which kernel new tokenizers use; unset picks the best available.
bool kernel_forced = false;
detail::csv_kernel forced_kernel = detail::csv_kernel::baseline;

}  // namespace

namespace detail {

bool csv_kernel_available(csv_kernel k) noexcept {
  if (k == csv_kernel::baseline) return true;
#if PREFLIGHT_CSV_MASK_AVX2
  return __builtin_cpu_supports("avx2") != 0;
#else
  return false;
#endif
}

void csv_stop_masks(csv_kernel k, const char* p, size_t blocks, char delimiter, char quote, uint64_t* delimiters,
                    uint64_t* specials) noexcept {
  kernel_fn(csv_kernel_available(k) ? k : csv_kernel::baseline, quote)(p, blocks, delimiter, quote, delimiters,
                                                                      specials);
}

void csv_force_kernel(csv_kernel k, bool force) noexcept {
  forced_kernel = k;
  kernel_forced = force;
}

}  // namespace detail

/// Masks the window that starts at `from`: a branch-free loop over 64-byte blocks.
__attribute__((noinline)) void tokenizer::fill_window(const char* b, size_t from, size_t n) noexcept {
  const char delimiter = dialect_.delimiter.value;
  const char quote = dialect_.quote;
  const stop_masks_fn masks = stop_masks_;
  win_base_ = from;
  win_end_ = from + std::min(n - from, window_blocks * 64);
  const size_t full = (win_end_ - from) >> 6;
  masks(b + from, full, delimiter, quote, win_delimiters_, win_specials_);
  const size_t tail = (win_end_ - from) & 63;
  if (tail != 0) {  // the last, short block is padded, the padding's bits cleared
    char padded[64] = {};
    std::memcpy(padded, b + from + (full << 6), tail);
    masks(padded, 1, delimiter, quote, win_delimiters_ + full, win_specials_ + full);
    const uint64_t kept = (uint64_t{1} << tail) - 1;
    win_delimiters_[full] &= kept;
    win_specials_[full] &= kept;
  }
}

/// The first stop byte at or after `from` inside the window; npos when the window does not
/// hold `from` or has no stop byte after it.
inline size_t tokenizer::next_stop_in_window(size_t from) const noexcept {
  if (from - win_base_ >= win_end_ - win_base_) return npos;
  const size_t offset = from - win_base_;
  size_t k = offset >> 6;
  uint64_t m = (win_delimiters_[k] | win_specials_[k]) & (~uint64_t{0} << (offset & 63));
  const size_t blocks = (win_end_ - win_base_ + 63) >> 6;
  while (m == 0) {
    if (++k == blocks) return npos;
    m = win_delimiters_[k] | win_specials_[k];
  }
  return win_base_ + (k << 6) + static_cast<size_t>(std::countr_zero(m));
}

/// The first stop byte at or after `from`, or n.
inline size_t tokenizer::next_stop(const char* b, size_t from, size_t n) noexcept {
  for (;;) {
    const size_t p = next_stop_in_window(from);
    if (p != npos) return p;
    if (from - win_base_ < win_end_ - win_base_) from = win_end_;  // none left in the window
    if (from >= n) return n;
    fill_window(b, from, n);
  }
}

// ---- input ---------------------------------------------------------------------------------

tokenizer::tokenizer(const dialect& d, csv_limits limits) : dialect_(d), limits_(limits) {
  limits_.max_field_bytes = std::min(limits_.max_field_bytes, max_limit);
  limits_.max_row_bytes = std::min(limits_.max_row_bytes, max_limit);
  limits_.max_columns = std::max(limits_.max_columns, 1u);
  prefix_left_ = d.skip_bytes;
  // The mask kernel is picked once per tokenizer: the best this CPU runs, unless a test
  // forces one.
  using detail::csv_kernel;
  const csv_kernel k = kernel_forced ? forced_kernel : csv_kernel::avx2;
  stop_masks_ = kernel_fn(detail::csv_kernel_available(k) ? k : csv_kernel::baseline, d.quote);
  // Enough fields that the hot loop rarely stops for room (it grows when a row needs more).
  fields_.resize(std::min<size_t>(limits_.max_columns, 1024));
  size_rows();
}

// The caller's text is scanned where it is. Only an unfinished row is copied, when a chunk
// runs out (next() returning false calls release_input()), and the next push() completes it
// in carry_ before moving on to the new text in place (take_pending()).
void tokenizer::push(std::string_view text) {
  if (closed_ || text.empty()) return;
  // The views handed out so far end here: their storage may be reused.
  retired_.clear();
  arena_block_ = 0;
  arena_used_ = 0;
  // Usually carry_ already holds just the unfinished row (or nothing). Otherwise earlier
  // text was pushed and not read to the end: copy what is left of it while it is alive.
  const size_t from = std::min(keep_from(), in_size_);
  if (!in_carry_ || !pending_.empty() || from > 0) own_from(from, pending_, false);
  pending_ = {};
  pushed_ += text.size();
  last_byte_ = text.back();
  consumed_at_push_ = consumed_;
  if (in_size_ == 0) {
    scan_in_place(text);  // no row to complete
  } else {
    pending_ = text;
  }
}

void tokenizer::release_input() {
  if (in_carry_ && pending_.empty()) return;
  // A row handed out since the last push() may view carry_: then it must not move.
  own_from(std::min(keep_from(), in_size_), pending_, !in_carry_ || consumed_ != consumed_at_push_);
  pending_ = {};
}

// Makes carry_ the text being scanned: in_[from, in_size_), then `extra`. Positions and the
// row's field views follow their bytes. rows_out: rows handed out since the last push() may
// view carry_, so its bytes must stay put and a fresh buffer takes over.
void tokenizer::own_from(size_t from, std::string_view extra, bool rows_out) {
  const bool move_fields = in_row() && !skipping_ && nfields_ > 0;
  if (move_fields) {  // as offsets: the old bytes may be gone once carry_ grows
    moving_.resize(nfields_);
    for (size_t k = 0; k < nfields_; ++k) moving_[k] = static_cast<size_t>(fields_[k].data() - in_);
  }
  if (in_carry_ && !rows_out) {
    carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(from));
  } else {
    std::vector<char> fresh = std::move(spare_);  // its rows ended at the last push()
    fresh.assign(in_ + from, in_ + in_size_);
    if (in_carry_) {
      retired_.push_back(std::move(carry_));
    } else {
      spare_ = std::move(carry_);
    }
    carry_ = std::move(fresh);
  }
  carry_.insert(carry_.end(), extra.begin(), extra.end());
  in_ = carry_.data();
  in_size_ = carry_.size();
  in_carry_ = true;
  shift_positions(from);
  if (move_fields) {
    for (size_t k = 0; k < nfields_; ++k)
      fields_[k] = std::string_view(in_ + (moving_[k] - from), fields_[k].size());
  }
}

// The scan reached the end of carry_ and pending_ holds more text. A row still open is
// completed in carry_, a line at a time (it may go on inside quotes); once none is open,
// the rest is scanned in place.
void tokenizer::take_pending() {
  const size_t from = std::min(keep_from(), in_size_);
  if (from == in_size_) {
    const std::string_view rest = pending_;
    pending_ = {};
    scan_in_place(rest);
    return;
  }
  const size_t line_end = find_line_break(pending_.data(), 0, pending_.size());
  const size_t take = std::min(line_end + 1, pending_.size());
  own_from(from, pending_.substr(0, take), consumed_ != consumed_at_push_);
  pending_.remove_prefix(take);
}

// Scans `text` where it is, after the end of in_ (nothing of which is needed any more).
void tokenizer::scan_in_place(std::string_view text) {
  shift_positions(in_size_);
  in_ = text.data();
  in_size_ = text.size();
  in_carry_ = false;
}

// The text being scanned now starts `drop` bytes further on.
void tokenizer::shift_positions(size_t drop) noexcept {
  base_offset_ += drop;
  const auto shift = [drop](size_t& x) { x = x == npos ? npos : (x > drop ? x - drop : 0); };
  shift(scan_);
  shift(pos_);
  shift(row_limit_);
  shift(field_start_);
  shift(field_limit_);
  shift(quote_eol_);
  win_base_ = win_end_ = 0;  // the masked window is of other bytes
  handed_over_ = npos;       // with more bytes, the fast path may get further
}

void tokenizer::close() { closed_ = true; }

bool tokenizer::in_row() const noexcept {
  return state_ == state::field_start || state_ == state::unquoted || state_ == state::quoted ||
         state_ == state::quoted_quote;
}

size_t tokenizer::keep_from() const noexcept {
  if (!in_row()) return scan_;
  if (!skipping_) return pos_;
  // While skipping we still keep an open quoted field: if it never closes, we resume at
  // the end of the line where it opened, so those bytes must still be here.
  return state_ == state::quoted || state_ == state::quoted_quote ? field_start_ : scan_;
}

uint64_t tokenizer::lines() const noexcept {
  const bool unterminated_last_line = closed_ && pushed_ > 0 && last_byte_ != '\n' && last_byte_ != '\r';
  return line_ - 1 + (unterminated_last_line ? 1 : 0);
}

size_t tokenizer::buffered() const noexcept {
  return (in_carry_ ? in_size_ - std::min(keep_from(), in_size_) : 0) + pending_.size();
}

// ---- output --------------------------------------------------------------------------------

bool tokenizer::next(csv_row& out) {
  row_ready_ = false;
  // The common case, without the state machine: a row that starts inside the buffer and
  // that the hot loop reads to its line break. Anything else (a blank line, the buffer end,
  // a field the hot loop hands over) goes to scan(), which picks up exactly where this
  // stopped, as if it had got there itself.
  if (state_ == state::row_start) [[likely]] {
    const size_t i = scan_;
    const size_t n = in_size_;
    const char* const b = in_;
    if (i < n && b[i] != '\n' && b[i] != '\r') {
      begin_row(i);
      state_ = state::field_start;
      size_t at = i;
      // simple_cap() for a row's first field, with its limits folded into row_span_.
      if (scan_simple_fields(b, at, n, std::min(n, i + row_span_))) {
        emit_simple(out);
        return true;
      }
      scan_ = at;
    }
  }
  for (;;) {
    if (scan() == scan_result::row_ready) {
      emit(out);
      return true;
    }
    if (pending_.empty()) break;
    take_pending();  // a row straddled the last two chunks
  }
  if (closed_ && finish_input()) {
    emit(out);
    return true;
  }
  release_input();  // so the caller may release its chunk now
  return false;
}

// Quoted fields with "" (or text after the closing quote) are unescaped into the arena when
// the row is handed out, where they stay until the next push(). Out of line: most rows have
// none.
__attribute__((noinline)) void tokenizer::unescape_complex() {
  const size_t reserved = complex_bytes_ + unescape_slack;  // unescaping never lengthens a field
  char* const room = unescape_room(reserved);
  size_t w = 0;
  for (const uint32_t k : complex_) {
    const std::string_view raw = fields_[k];
    const size_t len = unescape(raw.data(), raw.size(), dialect_.quote, room + w);
    fields_[k] = std::string_view(room + w, len);
    w += len;
  }
  arena_used_ -= reserved - w;  // give back the slack and what the "" pairs saved
  complex_.clear();
}

// `bytes` of arena that stay put until the next push(): blocks are never resized, only
// added, and reused from the first one after each push().
char* tokenizer::unescape_room(size_t bytes) {
  constexpr size_t block_bytes = 64u << 10;
  while (arena_block_ < arena_.size() && arena_used_ + bytes > arena_[arena_block_].size) {
    ++arena_block_;
    arena_used_ = 0;
  }
  if (arena_block_ == arena_.size()) {
    const size_t size = std::max(block_bytes, bytes);
    arena_.push_back({std::unique_ptr<char[]>(new char[size]), size});
  }
  char* const room = arena_[arena_block_].bytes.get() + arena_used_;
  arena_used_ += bytes;
  return room;
}

// emit() for a row the fast path read from its start: no problem, no stray quote, on one
// physical line unless a quoted field spanned lines. Constants instead of members.
inline void tokenizer::emit_simple(csv_row& out) {
  if (!complex_.empty()) [[unlikely]] unescape_complex();
  out.line = row_line_;
  out.end_line = end_line_;
  out.offset = row_offset_;
  out.length = row_end_ - row_offset_;
  out.fields = std::span<const std::string_view>(fields_.data(), nfields_);
  out.problem = row_problem::none;
  out.problem_column = 0;
  out.problem_line = 0;
  out.stray_quote = false;
  out.views_reused = false;
}

inline void tokenizer::emit(csv_row& out) {
  out.views_reused = problem_ != row_problem::none;
  if (!complex_.empty()) unescape_complex();
  out.line = row_line_;
  out.end_line = end_line_;
  out.offset = row_offset_;
  out.length = row_end_ - row_offset_;
  out.fields = std::span<const std::string_view>(fields_.data(), nfields_);
  out.problem = problem_;
  out.problem_column = problem_column_;
  out.problem_line = problem_line_;
  out.stray_quote = stray_quote_;
}

// ---- the scanner ---------------------------------------------------------------------------

tokenizer::scan_result tokenizer::scan() {
  const char* const b = in_;
  const size_t n = in_size_;
  const char quote = dialect_.quote;
  const char delimiter = dialect_.delimiter.value;
  size_t i = scan_;
  char c = 0;
  // Stops at the buffer end; state_ already says where to pick up.
  const auto suspend = [this](size_t at) {
    scan_ = at;
    return scan_result::need_input;
  };

dispatch:
  switch (state_) {
    case state::prefix: goto prefix;
    case state::row_start: goto row_start;
    case state::after_cr: goto after_cr;
    case state::field_start: goto field_start;
    case state::unquoted: goto unquoted;
    case state::quoted: goto quoted;
    case state::quoted_quote: goto quoted_quote;
    case state::skip_line: goto skip_line;
  }

prefix:
  // The sep= line is skipped, but its line break still counts (the header is then line 2).
  while (prefix_left_ > 0) {
    if (i == n) return suspend(i);
    c = b[i++];
    --prefix_left_;
    if (c == '\r' || (c == '\n' && !prefix_cr_)) ++line_;
    prefix_cr_ = c == '\r';
  }
  consumed_ = base_offset_ + i;
  state_ = prefix_cr_ ? state::after_cr : state::row_start;
  goto dispatch;

after_cr:
  // A CR ended the last line as the buffer ended; now we see whether an LF follows.
  if (i == n) return suspend(i);
  if (b[i] == '\n') consumed_ = base_offset_ + ++i;
  state_ = state::row_start;
  goto row_start;

row_start:
  if (i == n) return suspend(i);
  c = b[i];
  if (c == '\n' || c == '\r') {  // a blank line: no bytes at all between two line ends
    ++blank_lines_;
    end_line_break(i);
    i = scan_;
    goto dispatch;
  }
  begin_row(i);
  goto field_start;

field_start:
  state_ = state::field_start;
  if (!skipping_ && i != handed_over_) {  // the common case, in a tight loop
    if (scan_simple_fields(b, i, n, simple_cap(i, n))) return scan_result::row_ready;
  }
  field_start_ = i;
  kind_ = field_kind::plain;
  field_limit_ = plain_limit(i);
  if (i == n) {
    if (i >= field_limit_) on_limit(i, false);
    return suspend(i);
  }
  if (b[i] == quote) {
    open_quote(i);
    ++i;
    goto quoted;
  }
  goto unquoted;

unquoted:
  state_ = state::unquoted;
  for (;;) {
    i = next_stop(b, i, n);
    if (i == n) {
      if (i >= field_limit_) on_limit(i, false);  // at most holds the row: no jump
      return suspend(i);
    }
    c = b[i];
    if (c == delimiter) {
      add_field(i, true);
      ++i;
      goto field_start;
    }
    if (c != quote) break;  // CR or LF: the row ends here
    stray_quote_ = true;    // a quote inside an unquoted field is kept literally
    ++i;
  }
  add_field(i, false);
  goto row_end;

quoted:
  // Inside quotes only the quote matters: delimiters are passed over, line breaks counted.
  state_ = state::quoted;
  for (;;) {
    i = next_stop(b, i, n);
    if (i == n) break;
    c = b[i];
    if (c == quote) break;
    if (c == '\r' || (c == '\n' && b[i - 1] != '\r')) {  // b[i - 1] is at worst the opening quote
      ++line_;
      if (quote_eol_ == npos) quote_eol_ = i;  // where an unterminated quote will be cut
    }
    ++i;
  }
  if (i >= field_limit_) {  // the field (or the row) got too long while the quote was open
    scan_ = i;
    on_limit(i, true);
    if (row_ready_) return scan_result::row_ready;
    i = scan_;
    goto dispatch;
  }
  if (i == n) return suspend(i);
  ++i;  // past the quote
  goto quoted_quote;

quoted_quote:
  state_ = state::quoted_quote;
  if (i == n) return suspend(i);
  c = b[i];
  if (c == quote) {  // "" inside quotes: one literal quote
    kind_ = field_kind::complex;
    ++i;
    goto quoted;
  }
  // The previous quote closed the field.
  field_limit_ = closed_quote_limit(field_start_);
  if (c == delimiter) {
    add_field(i, true);
    ++i;
    goto field_start;
  }
  if (c == '\n' || c == '\r') {
    add_field(i, false);
    goto row_end;
  }
  // Text after the closing quote is appended literally (Python csv: "ab"cd -> abcd).
  stray_quote_ = true;
  kind_ = field_kind::complex;
  goto unquoted;

skip_line:
  state_ = state::skip_line;
  i = find_line_break(b, i, n);
  if (i == n) return suspend(i);
  goto row_end;

row_end:
  // b[i] is the CR or LF that ends the row.
  finish_row(i, line_);
  end_line_break(i);
  return scan_result::row_ready;
}

// One bound for the hot loop from a field starting at i, that stands for every limit: the
// field and row limits, the buffer end, and the room for fields (each field takes at least
// one byte, so a stop before i + room never records one too many). Stopping early only
// hands the field to scan(), which then decides exactly.
inline size_t tokenizer::simple_cap(size_t i, size_t n) const noexcept {
  const size_t room = field_room_ > nfields_ ? field_room_ - nfields_ : 0;
  return std::min({row_limit_, n, i + limits_.max_field_bytes + 1, i + room});
}

// The hot loop (inlined into next() and scan(): its entry is a good part of a row's cost):
// from the start of a field, records well-formed fields, plain or quoted, up to the line
// break that ends the row. At anything else (a stray quote, text after a
// closing quote, a field or row near a limit, many fields, the buffer end) it hands the
// field it is at over to scan(), from its first byte: `i` is then that field's start.
// Returns true when it finished the row.
//
// `cap` (see simple_cap()) stands for every limit. Stop bits at or past it are cleared as
// blocks are loaded, so the loop never checks it per field.
//
// It walks the window's split masks a 64-byte block at a time: the delimiter bits before
// the block's first special byte (quote, CR, LF) end plain fields, so a plain field costs a
// bit scan and a store, without reading its byte or checking a limit. Only specials are
// looked at one by one; inside a quoted field only specials are visited at all.
__attribute__((always_inline)) inline bool tokenizer::scan_simple_fields(const char* b, size_t& i, size_t n,
                                                                         size_t cap) noexcept {
  const char delimiter = dialect_.delimiter.value;
  const char quote = dialect_.quote;
  std::string_view* const first = fields_.data();
  std::string_view* out = first + nfields_;
  const char* field = b + i;  // the first byte of the field being scanned
  // The cursor: block k of the window, whose first byte is `at`; `delims` and `specials`
  // are its stop bits not visited yet, below cap. Locals, as are the window bounds: the
  // field stores would otherwise make the compiler reload members.
  size_t win_base = win_base_;
  size_t win_end = win_end_;
  const char* plain_end = b + std::min(cap, win_end);  // blocks that end by here need no clipping
  const char* at = b;
  size_t k = 0;
  uint64_t delims = 0;
  uint64_t specials = 0;
  // Puts the cursor at position `from` (masking a new window if needed); false at cap.
  const auto seek = [&](size_t from) __attribute__((always_inline)) {
    if (from >= cap) return false;
    if (from - win_base >= win_end - win_base) [[unlikely]] {
      fill_window(b, from, n);
      win_base = win_base_;
      win_end = win_end_;
      plain_end = b + std::min(cap, win_end);
    }
    const size_t offset = from - win_base;
    const size_t block = from - (offset & 63);
    const uint64_t from_on = ~uint64_t{0} << (offset & 63);
    k = offset >> 6;
    at = b + block;
    delims = win_delimiters_[k] & from_on;
    specials = win_specials_[k] & from_on;
    if (cap - block < 64) {
      const uint64_t below_cap = (uint64_t{1} << (cap - block)) - 1;
      delims &= below_cap;
      specials &= below_cap;
    }
    return true;
  };
  // Moves the cursor to the next block; false at cap. Only the last blocks before cap or
  // the window's end take the longer way (clip, or mask the next window).
  const auto next_block = [&]() __attribute__((always_inline)) {
    if (plain_end - at >= 128) [[likely]] {
      at += 64;
      ++k;
      delims = win_delimiters_[k];
      specials = win_specials_[k];
      return true;
    }
    return seek(static_cast<size_t>(at - b) + 64);
  };
  // The next special byte at or after the cursor (false at cap), its bit then cleared.
  const auto next_special = [&](const char*& found) __attribute__((always_inline)) {
    while (specials == 0) {
      if (!next_block()) return false;
    }
    found = at + lowest_bit(specials);
    specials &= specials - 1;
    return true;
  };
  const auto record = [&](const char* end) __attribute__((always_inline)) {
    *out++ = std::string_view(field, static_cast<size_t>(end - field));
  };
  // Each delimiter bit in `ends` (this block) ends a plain field.
  const auto record_plain = [&](uint64_t ends) __attribute__((always_inline)) {
    while (ends != 0) {
      const char* const end = at + lowest_bit(ends);
      record(end);
      field = end + 1;
      ends &= ends - 1;
    }
  };

  if (!seek(i)) goto hand_over;
  for (;;) {
    if (specials == 0) {  // the common block: every stop in it is a delimiter
      record_plain(delims);
      if (!next_block()) goto hand_over;
      continue;
    }
    {
      // The delimiters before the block's first special end plain fields. A delimiter that
      // is also a special byte (a rare dialect) is left to the special's checks, which test
      // the quote first as scan() does.
      const uint64_t through_special = specials ^ (specials - 1);  // bits up to the first special
      record_plain(delims & through_special & ~specials);
      delims &= ~through_special;
    }
    const char* const stop = at + lowest_bit(specials);
    specials &= specials - 1;
    if (*stop == quote) {
      if (stop != field) goto hand_over;  // a stray quote inside the field
      // Quoted: walk the specials after the opening quote (delimiters are text). Line breaks
      // are text too (counted, committed only if the field is taken), "" is a quote; the
      // closing quote must be followed by a delimiter or a line break.
      uint64_t breaks = 0;
      bool escaped = false;
      const char* q = stop;
      for (;;) {
        if (!next_special(q)) goto hand_over;
        if (*q == quote) {
          // The closing quote, or the first of "". At cap, the field is handed over either way
          // (and b[n] may not be readable: the caller's bytes end there).
          if (static_cast<size_t>(q + 1 - b) >= cap || q[1] != quote) break;
          escaped = true;
          const char* second = nullptr;
          if (!next_special(second)) goto hand_over;  // past the second quote of ""
        } else if (*q != delimiter && (*q == '\r' || q[-1] != '\r')) {
          ++breaks;  // CRLF is one line break
        }
      }
      const size_t after_at = static_cast<size_t>(q - b) + 1;
      if (after_at >= cap) goto hand_over;
      const char after = b[after_at];
      if (after != delimiter && after != '\n' && after != '\r') goto hand_over;
      if (escaped) {  // unescaped when the row is handed out
        complex_.push_back(static_cast<uint32_t>(out - first));
        complex_bytes_ += static_cast<size_t>(q + 1 - field);
        record(q + 1);
      } else {
        ++field;
        record(q);
      }
      line_ += breaks;
      if (after != delimiter) return end_simple_row(static_cast<size_t>(out - first), after_at);
      field = b + after_at + 1;
      if (!seek(after_at + 1)) goto hand_over;
      continue;
    }
    record(stop);
    if (*stop != delimiter) return end_simple_row(static_cast<size_t>(out - first), static_cast<size_t>(stop - b));
    field = stop + 1;  // a delimiter that is also CR or LF
  }
hand_over:
  nfields_ = static_cast<size_t>(out - first);
  i = static_cast<size_t>(field - b);
  handed_over_ = i;
  return false;
}

// The fast path's row ends at the line break at in_[at], after `fields` fields.
inline bool tokenizer::end_simple_row(size_t fields, size_t at) {
  nfields_ = fields;
  finish_row(at, line_);
  end_line_break(at);
  return true;
}

bool tokenizer::finish_input() {
  const size_t n = in_size_;
  switch (state_) {
    case state::prefix:
    case state::row_start:
    case state::after_cr: return false;  // nothing pending
    case state::quoted:
      cut_unterminated(n);  // the input ended inside quotes
      return true;
    case state::quoted_quote:  // the last byte closed the quote
      field_limit_ = closed_quote_limit(field_start_);
      [[fallthrough]];
    case state::field_start:
    case state::unquoted: add_field(n, false); [[fallthrough]];
    case state::skip_line:
      // The last row has no line break.
      finish_row(n, line_);
      scan_ = n;
      state_ = state::row_start;
      return true;
  }
  return false;
}

// ---- rows ----------------------------------------------------------------------------------

inline void tokenizer::begin_row(size_t i) {
  pos_ = i;
  row_offset_ = base_offset_ + i;
  row_line_ = line_;
  row_limit_ = i + limits_.max_row_bytes + 1;
  nfields_ = 0;
  field_room_ = row_room_;
  complex_bytes_ = 0;  // complex_ is emptied when the row is handed out or held
  // Only slow paths set these (hold_row() all of them, a stray quote stray_quote_): one
  // test instead of five stores on nearly every row.
  if (problem_ != row_problem::none || stray_quote_) [[unlikely]] clear_problem();
}

void tokenizer::clear_problem() noexcept {
  problem_ = row_problem::none;
  problem_column_ = 0;
  problem_line_ = 0;
  stray_quote_ = false;
  skipping_ = false;
}

inline void tokenizer::finish_row(size_t end, uint64_t end_line) {
  row_end_ = base_offset_ + end;
  end_line_ = end_line;
  consumed_ = row_end_;  // its line break, if any, is added when passed
}

// Steps over the line break at in_[i]. CRLF is one line break; when the CR is the last
// byte we have, after_cr decides once the next byte comes.
inline void tokenizer::end_line_break(size_t i) {
  ++line_;
  size_t next = i + 1;
  state_ = state::row_start;
  if (in_[i] == '\r') {
    if (next == in_size_) {
      state_ = state::after_cr;
    } else if (in_[next] == '\n') {
      ++next;
    }
  }
  consumed_ = base_offset_ + next;
  scan_ = next;
}

// ---- fields and limits ---------------------------------------------------------------------

// A field's length counts its raw bytes, minus the two quotes of a quoted field. Its limit
// is the first position at which the field, or the row, has grown too long.
size_t tokenizer::plain_limit(size_t start) const noexcept {
  return skipping_ ? npos : std::min(start + limits_.max_field_bytes + 1, row_limit_);
}
size_t tokenizer::open_quote_limit(size_t start) const noexcept {
  // While skipping, an open quote is still watched: if it runs away, we resume at the end
  // of the line where it opened instead of swallowing the rest of the file.
  const size_t runaway = start + limits_.max_field_bytes + 2;
  return skipping_ ? runaway : std::min(runaway, row_limit_);
}
size_t tokenizer::closed_quote_limit(size_t start) const noexcept {
  return skipping_ ? npos : std::min(start + limits_.max_field_bytes + 3, row_limit_);
}

void tokenizer::open_quote(size_t i) {
  kind_ = field_kind::quoted;
  quote_line_ = line_;
  quote_eol_ = npos;
  field_limit_ = open_quote_limit(i);
}

// A field ended at i (a delimiter or a line break). One compare for both size limits, one
// for the column count (which also says whether fields_ has room).
inline void tokenizer::add_field(size_t i, bool at_delimiter) {
  if (i >= field_limit_ || nfields_ >= field_room_) [[unlikely]] {
    add_field_slow(i, at_delimiter);
    return;
  }
  const char* start = in_ + field_start_;
  const size_t len = i - field_start_;
  switch (kind_) {
    case field_kind::plain: fields_[nfields_] = std::string_view(start, len); break;
    case field_kind::quoted: fields_[nfields_] = std::string_view(start + 1, len - 2); break;
    case field_kind::complex:  // unescaped when the row is handed out
      fields_[nfields_] = std::string_view(start, len);
      complex_.push_back(static_cast<uint32_t>(nfields_));
      complex_bytes_ += len;
      break;
  }
  ++nfields_;
}

void tokenizer::add_field_slow(size_t i, bool at_delimiter) {
  if (skipping_) return;  // the row already has its problem; the rest is not kept
  if (i >= field_limit_) {
    on_limit(i, false);
    return;
  }
  if (nfields_ == fields_.size()) grow_fields();
  field_room_ = npos;  // let the fast path record it
  add_field(i, at_delimiter);
  field_room_ = row_room_;
  // A delimiter after the max_columns-th field means at least one field too many.
  if (at_delimiter && nfields_ >= limits_.max_columns)
    hold_row(row_problem::too_many_columns, limits_.max_columns, npos, npos);
}

void tokenizer::grow_fields() {
  fields_.resize(fields_.size() * 2);
  size_rows();
}

// What limits a row's fields, computed once per size of fields_ rather than once a row.
void tokenizer::size_rows() noexcept {
  row_room_ = std::min<size_t>(limits_.max_columns - 1, fields_.size());
  row_span_ = std::min<size_t>({size_t{limits_.max_row_bytes} + 1, size_t{limits_.max_field_bytes} + 1, row_room_});
}

// Position p is at or past field_limit_: find which limit was crossed first (the field's,
// or the row's; a tie goes to the field) and act on it. quote_open: the field is a quoted
// field whose closing quote has not been seen.
void tokenizer::on_limit(size_t p, bool quote_open) {
  if (skipping_) {  // only a runaway open quote sets a limit while skipping
    if (quote_open) cut_unterminated(p);
    return;
  }
  size_t field_cross = field_start_ + limits_.max_field_bytes + 1;
  if (kind_ != field_kind::plain) field_cross += quote_open ? 1 : 2;
  const auto column = static_cast<uint32_t>(nfields_);
  if (field_cross <= row_limit_) {
    if (quote_open) {
      cut_unterminated(p);
    } else {
      hold_row(row_problem::field_too_large, column, npos, npos);
    }
    return;
  }
  hold_row(row_problem::row_too_large, column, npos, npos);
  // Still inside quotes: keep watching for a runaway quote (possibly already at p).
  field_limit_ = quote_open ? open_quote_limit(field_start_) : npos;
  if (quote_open && p >= field_limit_) cut_unterminated(p);
}

// The row has a problem: copy its completed fields (and, for a cut quote, the cut field,
// in_[cut_begin, cut_end)) into scratch_, so in_ need not keep them, and skip the rest.
void tokenizer::hold_row(row_problem p, uint32_t column, size_t cut_begin, size_t cut_end) {
  size_t total = cut_begin == npos ? 0 : cut_end - cut_begin;
  for (size_t k = 0; k < nfields_; ++k) total += fields_[k].size();
  if (cut_begin != npos && nfields_ == fields_.size()) grow_fields();
  scratch_.resize(total + unescape_slack);
  char* out = scratch_.data();
  size_t w = 0;
  size_t next_complex = 0;
  for (size_t k = 0; k < nfields_; ++k) {
    const std::string_view f = fields_[k];
    size_t len = f.size();
    if (next_complex < complex_.size() && complex_[next_complex] == k) {
      len = unescape(f.data(), f.size(), dialect_.quote, out + w);
      ++next_complex;
    } else {
      std::memcpy(out + w, f.data(), len);
    }
    fields_[k] = std::string_view(out + w, len);
    w += len;
  }
  if (cut_begin != npos) {
    const size_t len = cut_end - cut_begin;
    std::memcpy(out + w, in_ + cut_begin, len);
    fields_[nfields_++] = std::string_view(out + w, len);
  }
  complex_.clear();
  complex_bytes_ = 0;
  problem_ = p;
  problem_column_ = column;
  problem_line_ = p == row_problem::unterminated_quote ? quote_line_ : 0;
  skipping_ = true;
  field_room_ = 0;  // every later field end goes to the slow path, which ignores it
  field_limit_ = npos;
}

// The quoted field that opened at field_start_ never closed (the input ended at p) or ran
// past max_field_bytes (noticed at p). Cut the row at the end of the line where the quote
// opened and resume there, unquoted, so nothing after a stray quote is swallowed.
void tokenizer::cut_unterminated(size_t p) {
  if (!skipping_) {
    // The open field gets the raw text after its quote, up to that line end, cut to the
    // field limit.
    const size_t begin = field_start_ + 1;
    const size_t end = std::min({quote_eol_ == npos ? p : quote_eol_, p, begin + limits_.max_field_bytes});
    hold_row(row_problem::unterminated_quote, static_cast<uint32_t>(nfields_), begin, end);
  }
  if (quote_eol_ != npos) {
    line_ = quote_line_;
    finish_row(quote_eol_, line_);
    end_line_break(quote_eol_);
    row_ready_ = true;
  } else if (closed_ && p == in_size_) {
    finish_row(p, line_);  // the quote's line is the last one
    scan_ = p;
    state_ = state::row_start;
    row_ready_ = true;
  } else {
    scan_ = p;  // no line break since the quote: drop the rest of this line
    state_ = state::skip_line;
  }
}

}  // namespace preflight
