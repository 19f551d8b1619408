// csv.h — stage 3: the streaming RFC 4180 tokenizer (decoded UTF-8 in, rows out).
//
// Push/pull: `push()` decoded bytes in chunks of any size, then call `next()` until it
// returns false; after the last chunk call `close()` and drain again. Feeding the same
// text in 1-byte chunks or all at once gives identical rows (tests check this as a
// property). Fields are views: into the pushed text itself for plain fields (and quoted
// ones without ""), into an unescape arena for quoted fields with "". A row never
// allocates per cell, and the pushed text is not copied: it is scanned where it is.
//
// IMPORTANT, the lifetime contract:
// - The caller keeps the bytes passed to push() alive and unchanged until next() has
//   returned false, or until the next push() if that comes first. When next() runs out of
//   input it copies the unfinished row's bytes (bounded by max_row_bytes, plus an open
//   quote's line) into the tokenizer's own storage; a push() before that copies what is
//   left unread. After either, the caller may overwrite or free its chunk. release_input()
//   does the same on demand.
// - The views in a `csv_row` stay valid until the next push(), across next() calls, and
//   only while the bytes they view are alive: a field views the caller's chunk it came from
//   (so it dies with that chunk), or tokenizer-owned storage (a row that straddled two
//   chunks, an unescaped field) that lives until the next push().
// - Exception: a problem row's fields (`views_reused`) last only until the next next().
//   `fields` itself (the span's array) is reused by every next().
//
// What it tolerates, and how it reports it (never a crash, never a silently lost row):
// - CRLF, LF and lone CR line ends, mixed in one file; a missing final line end.
// - Blank lines (no bytes at all between two line ends) are skipped and counted.
// - A quote inside an unquoted field, or text after a closing quote, is kept literally and
//   flagged (`stray_quote`), as Excel and Python's csv module do.
// - An unterminated quote: when the input ends inside quotes, or a quoted field grows past
//   `max_field_bytes`, the row is cut at the end of the physical line where the quote
//   opened, reported with `problem = unterminated_quote` and `problem_line` = that line, and
//   tokenizing resumes on the next line. Nothing after it is swallowed.
// - A field longer than `max_field_bytes`, a row longer than `max_row_bytes` or with more
//   than `max_columns` fields: the row is reported with its problem, its extra bytes are
//   skipped without being held in memory, and tokenizing resumes at the row's end.
//
// What a problem row's `fields` hold (its line, end_line, offset and length are always the
// whole row's, skipped bytes included):
// - field_too_large: the fields before the oversized one (problem_column of them).
// - row_too_large: the fields that ended within the first max_row_bytes of the row.
// - too_many_columns: the first max_columns fields.
// - unterminated_quote: the fields before the quoted field, then that field's raw text from
//   after its quote to the end of that line ("" not unescaped), cut to max_field_bytes. The
//   row ends at that line end. A quoted field whose text grows past max_field_bytes is
//   reported this way too, even if it closes later: it cannot be told apart from a stray
//   quote without holding it all.
// A field's length counts its raw bytes, without the two quotes of a quoted field. Limits
// are clamped to 2^31 - 1 bytes, and max_columns to at least 1.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/dialect.h"

namespace preflight {

struct csv_limits {
  uint32_t max_field_bytes = 1u << 20;  ///< 1 MiB per cell (Excel's own cap is 32,767 chars)
  uint32_t max_row_bytes = 4u << 20;    ///< 4 MiB per row
  uint32_t max_columns = 4096;          ///< fields per row
};

enum class row_problem : uint8_t {
  none = 0,
  unterminated_quote,  ///< a quoted field never closed (see problem_line)
  field_too_large,     ///< a field longer than max_field_bytes (problem_column says which)
  row_too_large,       ///< a row longer than max_row_bytes
  too_many_columns,    ///< more than max_columns fields
};
const char* row_problem_name(row_problem p) noexcept;

struct csv_row {
  uint64_t line = 0;      ///< physical line (1-based) where the row starts
  uint64_t end_line = 0;  ///< physical line where it ends (> line when a quoted field spans lines)
  uint64_t offset = 0;    ///< decoded byte offset of the row's first byte
  uint64_t length = 0;    ///< decoded bytes of the row, without its line break
  std::span<const std::string_view> fields;  ///< unquoted, unescaped cell values
  row_problem problem = row_problem::none;
  uint32_t problem_column = 0;  ///< 0-based field index the problem is in
  uint64_t problem_line = 0;    ///< for unterminated_quote: the line where the quote opened
  bool stray_quote = false;     ///< a quote appeared where RFC 4180 allows none (kept literally)
  /// The fields are views of a scratch buffer that the next next() reuses: only for a
  /// problem row. When false, every field (plain, quoted, or unescaped "") stays valid until
  /// the next push(), across next() calls, while the pushed bytes it came from are alive (see
  /// the contract at the top): a caller may hold such rows until then.
  bool views_reused = false;
};

namespace detail {
/// The kernels that compute the tokenizer's stop-byte masks: `baseline` is SSE2 on x86-64,
/// SIMD128 on WebAssembly, SWAR elsewhere; `avx2` is picked at run time when the CPU has it.
/// Exposed so tests can check that every kernel gives the same masks and rows.
enum class csv_kernel : uint8_t { baseline, avx2 };
/// Whether this build and CPU can run kernel k.
bool csv_kernel_available(csv_kernel k) noexcept;
/// For `blocks` blocks of 64 bytes (kernel k, or baseline when k is not available): bit j of
/// delimiters[k] is set when p[64 k + j] is the delimiter, bit j of specials[k] when it is the
/// quote, CR or LF (a byte can be in both when the delimiter is one of those).
void csv_stop_masks(csv_kernel k, const char* p, size_t blocks, char delimiter, char quote, uint64_t* delimiters,
                    uint64_t* specials) noexcept;
/// Test hook, not thread-safe: tokenizers constructed while `force` is set use kernel k
/// (when available) instead of the best one.
void csv_force_kernel(csv_kernel k, bool force) noexcept;
}  // namespace detail

class tokenizer {
 public:
  explicit tokenizer(const dialect& d, csv_limits limits = {});

  /// Adds decoded text, scanned in place: keep it alive and unchanged until next() returns
  /// false (or the next push()). Invalidates views from earlier rows.
  void push(std::string_view text);
  /// Copies what the tokenizer still needs of the pushed text into its own storage, so the
  /// caller may reuse that memory now. Rows already handed out still view it. A no-op once
  /// next() has returned false (which does this itself).
  void release_input();
  /// Marks the end of input: the final row may lack a line break.
  void close();
  /// Yields the next complete row; false when more input is needed (or, after close(), at
  /// the end). Skipped blank lines are counted in blank_lines().
  bool next(csv_row& out);

  [[nodiscard]] uint64_t blank_lines() const noexcept { return blank_lines_; }
  /// Physical lines seen so far (complete lines, plus a final unterminated one after close).
  [[nodiscard]] uint64_t lines() const noexcept;
  /// Decoded bytes handed out as rows or skipped so far.
  [[nodiscard]] uint64_t consumed() const noexcept { return consumed_; }
  /// Decoded bytes of an incomplete row held in the tokenizer's own storage (bounded by
  /// max_row_bytes plus an open quote's line), plus pushed text not scanned yet.
  [[nodiscard]] size_t buffered() const noexcept;

 private:
  // Implementation state; see csv.cpp. Kept here so the tokenizer lives on the stack.
  // Positions are indices into the text being scanned (in_), shifted when it changes.
  enum class state : uint8_t {
    prefix,        // skipping dialect.skip_bytes (the sep= line)
    row_start,     // at the first byte of a line: a line break here is a blank line
    after_cr,      // a CR ended the last line: an LF here completes a CRLF
    field_start,   // at the first byte of a field: a quote here opens a quoted field
    unquoted,      // inside an unquoted field (or the tail after a closing quote)
    quoted,        // inside a quoted field
    quoted_quote,  // just after a quote inside a quoted field: closing, or the first of ""
    skip_line,     // discarding the rest of a physical line (a cut unterminated quote)
  };
  enum class field_kind : uint8_t {
    plain,    // view the bytes as they are
    quoted,   // "..." without "" or trailing text: view the inner bytes
    complex,  // needs unescaping into the arena ("" pairs, text after the closing quote)
  };
  enum class scan_result : uint8_t { need_input, row_ready };

  scan_result scan();
  bool scan_simple_fields(const char* b, size_t& i, size_t n, size_t cap) noexcept;
  [[nodiscard]] size_t simple_cap(size_t i, size_t n) const noexcept;
  bool end_simple_row(size_t fields, size_t at);
  size_t next_stop(const char* b, size_t from, size_t n) noexcept;
  size_t next_stop_in_window(size_t from) const noexcept;
  void fill_window(const char* b, size_t from, size_t n) noexcept;
  bool finish_input();
  void own_from(size_t from, std::string_view extra, bool rows_out);
  void take_pending();
  void scan_in_place(std::string_view text);
  void shift_positions(size_t drop) noexcept;
  char* unescape_room(size_t bytes);
  void emit(csv_row& out);
  void emit_simple(csv_row& out);
  void clear_problem() noexcept;
  void unescape_complex();
  void begin_row(size_t i);
  void open_quote(size_t i);
  void add_field(size_t i, bool at_delimiter);
  void add_field_slow(size_t i, bool at_delimiter);
  void grow_fields();
  void size_rows() noexcept;
  void on_limit(size_t p, bool quote_open);
  void hold_row(row_problem p, uint32_t column, size_t cut_begin, size_t cut_end);
  void cut_unterminated(size_t p);
  void finish_row(size_t end, uint64_t end_line);
  void end_line_break(size_t i);
  [[nodiscard]] bool in_row() const noexcept;
  [[nodiscard]] size_t keep_from() const noexcept;
  [[nodiscard]] size_t plain_limit(size_t start) const noexcept;
  [[nodiscard]] size_t open_quote_limit(size_t start) const noexcept;
  [[nodiscard]] size_t closed_quote_limit(size_t start) const noexcept;

  dialect dialect_;
  csv_limits limits_;
  // The text being scanned, [in_, in_ + in_size_): the caller's chunk in place, or carry_.
  // carry_ holds an unfinished row's bytes when a chunk ran out (next() returned false);
  // after the next push() the row is completed in carry_ with just enough of the new text
  // (pending_), and scanning then moves on to the rest of that text in place.
  const char* in_ = nullptr;
  size_t in_size_ = 0;
  bool in_carry_ = true;       // in_ is carry_.data()
  std::string_view pending_;   // the pushed text after what carry_ took of it
  // Owned buffers are vectors, not strings: moving a vector keeps its bytes where they are
  // (a short string's would move), and rows handed out may view them.
  std::vector<char> carry_;
  std::vector<char> spare_;    // the previous carry_: rows handed out from it live until push()
  std::vector<std::vector<char>> retired_;  // carries replaced while rows viewed them (rare)
  uint64_t consumed_at_push_ = 0;  // consumed_ at the last push(): has a row been handed out since?
  uint64_t pushed_ = 0;        // decoded bytes pushed so far
  uint64_t base_offset_ = 0;   // decoded offset of in_[0]
  // Unescaped fields: fixed blocks (never resized, so earlier views stay put), reused from
  // the first block on after every push().
  struct arena_block {
    std::unique_ptr<char[]> bytes;
    size_t size = 0;
  };
  std::vector<arena_block> arena_;
  size_t arena_block_ = 0;     // the block being filled
  size_t arena_used_ = 0;      // bytes of it taken
  size_t scan_ = 0;            // where scanning resumes
  state state_ = state::prefix;
  uint32_t prefix_left_ = 0;   // skip_bytes still to skip
  bool prefix_cr_ = false;     // the last skipped byte was a CR
  bool closed_ = false;
  bool row_ready_ = false;     // a slow path finished a row
  char last_byte_ = '\n';      // last byte pushed (for lines() after close)
  uint64_t line_ = 1;          // physical line at scan_
  uint64_t consumed_ = 0;
  uint64_t blank_lines_ = 0;

  // The row being scanned (or just finished).
  size_t pos_ = 0;             // its first byte (stale while skipping_)
  uint64_t row_offset_ = 0;    // absolute offset of its first byte
  uint64_t row_line_ = 1;
  uint64_t row_end_ = 0;       // absolute offset of its end (its line break, or EOF)
  uint64_t end_line_ = 1;
  size_t row_limit_ = 0;       // first position at which the row is too long
  // Its fields, as views of in_ (moved with their bytes when in_ changes), or of scratch_
  // for a problem row. Used as an array: nfields_ recorded, grown by the slow path.
  std::vector<std::string_view> fields_;
  size_t nfields_ = 0;
  size_t field_room_ = 0;      // the fast path records fields while nfields_ < field_room_
  size_t row_room_ = 0;        // field_room_ at a row's start: min(max_columns - 1, fields_ size)
  size_t row_span_ = 0;        // a row's first field is handed over before i + row_span_
  std::vector<uint32_t> complex_;  // which fields are unescaped when the row is handed out
  size_t complex_bytes_ = 0;   // their raw bytes
  std::vector<size_t> moving_;  // own_from(): the row's field offsets while its bytes move
  std::string scratch_;        // the held fields of a problem row
  row_problem problem_ = row_problem::none;
  uint32_t problem_column_ = 0;
  uint64_t problem_line_ = 0;
  bool stray_quote_ = false;
  bool skipping_ = false;      // the row has a problem: its fields are held, the rest skipped

  // The field being scanned.
  size_t field_start_ = 0;     // its first byte (the opening quote for quoted fields)
  size_t field_limit_ = 0;     // first position at which a limit fires (see on_limit)
  size_t handed_over_ = SIZE_MAX;  // the field start where scan_simple_fields() last gave up
  field_kind kind_ = field_kind::plain;
  uint64_t quote_line_ = 0;    // line where the open quoted field's quote is
  size_t quote_eol_ = 0;       // first line break after that quote (npos: none yet)

  // The stop-byte masks of a window of up to 4 KiB of in_, [win_base_, win_end_): bit j of
  // win_delimiters_[k] is set when in_[win_base_ + 64 k + j] is the delimiter, of
  // win_specials_[k] when it is the quote, CR or LF. A pure function of the bytes, so it
  // stays valid until in_ changes.
  static constexpr size_t window_blocks = 64;
  // The kernel that computes them (SSE2/SIMD128/SWAR, or AVX2 picked at run time).
  void (*stop_masks_)(const char* p, size_t blocks, char delimiter, char quote, uint64_t* delimiters,
                      uint64_t* specials) noexcept = nullptr;
  size_t win_base_ = 0;
  size_t win_end_ = 0;
  uint64_t win_delimiters_[window_blocks] = {};
  uint64_t win_specials_[window_blocks] = {};
};

}  // namespace preflight
