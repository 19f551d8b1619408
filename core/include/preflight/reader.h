// reader.h — stages 1–3 as one streaming piece: bytes in, rows out.
//
// Holds the first `sniff_bytes` to detect the encoding (decode.h) and the dialect
// (dialect.h), then decodes and tokenizes (csv.h) every chunk as it comes. Each row comes
// with its byte offset in the original file and the decoder's issues (invalid UTF-8, NUL
// bytes) that fall inside it. The session and `preflight parse` both read through it, so
// the sniffing rules live once.
//
//   reader r(options);
//   r.feed(chunk);  while (r.next(row)) …;   // repeat per chunk
//   r.finish();     while (r.next(row)) …;
//
// IMPORTANT, lifetimes (the tokenizer's contract, csv.h, passed on):
// - UTF-8 chunks are tokenized in place: keep the bytes passed to feed() alive and
//   unchanged until next() has returned false, or until the next feed()/finish() if that
//   comes first (it copies what is left unread). Then the chunk may be reused or freed.
//   UTF-16 and Windows-1252 are decoded into the reader's buffer, which it overwrites only
//   at the next feed()/finish(), after letting the tokenizer copy what it still needs.
// - A row's views stay valid until the next feed()/finish(), across next() calls, while the
//   chunk they came from is alive (a UTF-8 row not straddling chunks views the caller's
//   bytes; the others view reader/tokenizer storage); a problem row's
//   (`row.views_reused`) only until the next next().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/csv.h"
#include "preflight/decode.h"
#include "preflight/dialect.h"

namespace preflight {

struct reader_options {
  std::optional<encoding> forced_encoding;  ///< skip detection (a matching BOM is still skipped)
  dialect_options dialect;
  csv_limits limits;
  uint32_t sniff_bytes = 64u << 10;  ///< bytes held before detecting the encoding and dialect
};

/// A row and where it came from.
struct reader_row {
  csv_row row;                       ///< views valid until the next feed()/finish() while the
                                     ///< fed bytes live; until the next next() if row.views_reused
  uint64_t original_offset = 0;      ///< byte offset of the row in the original file
  std::vector<decode_issue> issues;  ///< bad bytes inside the row (usually none)
};

class reader {
 public:
  explicit reader(reader_options options = {});

  /// Feeds the next bytes of the file: keep them alive until next() returns false (above).
  void feed(std::string_view bytes);
  /// No more bytes. Afterwards `next()` drains the last rows.
  void finish();
  /// The next complete row; false when more input is needed (or at the end after finish()).
  bool next(reader_row& out);

  /// True once the encoding and dialect are known (after sniff_bytes, or at finish()).
  [[nodiscard]] bool started() const noexcept { return tok_.has_value(); }
  /// True once finish() was called.
  [[nodiscard]] bool finished() const noexcept { return finished_; }
  [[nodiscard]] const encoding_guess& detected_encoding() const noexcept { return guess_; }
  [[nodiscard]] bool encoding_set_by_user() const noexcept { return options_.forced_encoding.has_value(); }
  [[nodiscard]] const dialect& detected_dialect() const noexcept { return dialect_; }
  /// Original bytes fed so far, and whether any of them is more than a BOM.
  [[nodiscard]] uint64_t bytes_in() const noexcept { return bytes_in_; }
  [[nodiscard]] bool only_bom() const noexcept { return started() && dec_->bytes_out() == 0; }
  [[nodiscard]] uint64_t blank_lines() const noexcept { return tok_ ? tok_->blank_lines() : 0; }
  [[nodiscard]] uint64_t lines() const noexcept { return tok_ ? tok_->lines() : 0; }
  /// Issues found outside any row (in blank lines or the sep= line), dropped but counted.
  [[nodiscard]] uint64_t issues_outside_rows() const noexcept { return stray_issues_; }

 private:
  void start(bool whole_file);
  void decode(std::string_view bytes);

  reader_options options_;
  std::string head_;
  uint64_t bytes_in_ = 0;
  bool finished_ = false;
  encoding_guess guess_;
  dialect dialect_;
  std::optional<decoder> dec_;
  std::optional<tokenizer> tok_;
  std::string decoded_;  // one chunk's UTF-8, reused
  std::deque<decode_issue> issues_;
  uint64_t stray_issues_ = 0;
};

}  // namespace preflight
