// decode.h — stage 1: bytes in any supported encoding → UTF-8, with original positions.
//
// The decode stage owns encodings: hosts never transcode. It detects UTF-8 (with or
// without BOM), UTF-16 LE/BE (by BOM, or by the NUL pattern of a BOM-less file) and
// Windows-1252, and turns them into UTF-8 for the stages after it. It streams: input may be
// split anywhere, including inside a multi-byte sequence or a surrogate pair.
//
// Policy for bad bytes: invalid UTF-8 in a UTF-8 file is passed through unchanged (so
// decoded offsets stay equal to original offsets minus the BOM) and recorded as a
// `decode_issue`; the session fails the row that contains it, naming line and column.
// NUL bytes are recorded the same way. UTF-16 errors (unpaired surrogates, an odd final
// byte) become U+FFFD in the output and are recorded.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight {

enum class encoding : uint8_t {
  utf8,         ///< UTF-8 without BOM (also pure ASCII)
  utf8_bom,     ///< UTF-8 with EF BB BF
  utf16le,      ///< UTF-16 little endian (with FF FE, or detected without BOM)
  utf16be,      ///< UTF-16 big endian (with FE FF, or detected without BOM)
  windows1252,  ///< Excel's "CSV (Comma delimited)" on Western machines; also latin1
};

/// "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252".
const char* encoding_name(encoding e) noexcept;
/// Accepts the names above and common labels (utf8, latin1, iso-8859-1, cp1252, ascii…),
/// case-insensitively. WHATWG maps latin1/iso-8859-1/ascii to windows-1252; so do we.
std::optional<encoding> parse_encoding_name(std::string_view name) noexcept;

struct encoding_guess {
  encoding enc = encoding::utf8;
  uint32_t bom_bytes = 0;  ///< bytes of BOM at the start of the file (0, 2 or 3)
  /// Why: "BOM", "valid UTF-8", "NUL pattern of UTF-16LE without BOM", "invalid UTF-8 at
  /// byte N; bytes look like Windows-1252", … — shown to the user next to the guess.
  std::string reason;
};

/// Guesses the encoding from the first bytes of the file (pass up to 64 KiB; `is_whole_file`
/// says there is no more, so a truncated multi-byte sequence at the end is an error, not a cut).
encoding_guess detect_encoding(std::string_view head, bool is_whole_file) noexcept;

enum class decode_issue_kind : uint8_t {
  invalid_utf8,       ///< a byte sequence that is not UTF-8 (in a UTF-8 file)
  nul_byte,           ///< a 0x00 byte (U+0000 in UTF-16)
  unpaired_surrogate, ///< UTF-16 high/low surrogate without its partner (output U+FFFD)
  odd_byte_count,     ///< UTF-16 file with an odd number of bytes (last byte → U+FFFD)
  truncated_utf8,     ///< the file ends inside a UTF-8 sequence
};
const char* decode_issue_name(decode_issue_kind k) noexcept;

struct decode_issue {
  decode_issue_kind kind;
  uint64_t decoded_offset;   ///< where in the UTF-8 output the problem sits
  uint64_t original_offset;  ///< byte offset in the original file
  uint8_t byte;              ///< the first offending byte (0 where not meaningful)
};

/// Streaming converter to UTF-8.
///
///   decoder d(guess.enc, guess.bom_bytes);
///   std::string utf8;
///   d.feed(chunk1, utf8); d.feed(chunk2, utf8); d.finish(utf8);
///
/// IMPORTANT: `feed` appends to `out`; it never clears it. Issues accumulate in `issues()`
/// until the caller takes them with `take_issues()` (the session does so per chunk, which
/// keeps memory bounded).
class decoder {
 public:
  /// `skip_bom` bytes at the start of the input are dropped (they must be the BOM).
  explicit decoder(encoding enc, uint32_t skip_bom = 0);

  /// Converts `in` and appends the UTF-8 to `out`. A sequence split at the end of `in` is
  /// held back until the next call.
  void feed(std::string_view in, std::string& out);
  /// The same as feed(), returning the decoded text of this call instead of appending
  /// it: for UTF-8 (which passes through unchanged) a view of `in` itself, so the hot path
  /// copies nothing; otherwise a view of `scratch`, which is overwritten. Valid until the
  /// caller changes `in` or `scratch`.
  std::string_view feed_view(std::string_view in, std::string& scratch);
  /// No more input: flushes what was held back (as U+FFFD / an issue if incomplete).
  void finish(std::string& out);

  [[nodiscard]] encoding enc() const noexcept { return enc_; }
  [[nodiscard]] uint64_t bytes_in() const noexcept { return bytes_in_; }
  [[nodiscard]] uint64_t bytes_out() const noexcept { return bytes_out_; }

  [[nodiscard]] const std::vector<decode_issue>& issues() const noexcept { return issues_; }
  std::vector<decode_issue> take_issues() { return std::exchange(issues_, {}); }

  /// The original byte offset of a decoded offset that is a row start: 0, or just after a
  /// line break ('\n', or a '\r' not followed by '\n') that this decoder emitted.
  /// For UTF-8 this is exact for every offset (decoded + BOM). For the other encodings the
  /// decoder keeps a checkpoint after every line break it emits; calls must come in
  /// non-decreasing order, and checkpoints before the asked offset are dropped, so memory
  /// stays bounded by what has been decoded but not yet asked about.
  uint64_t original_offset(uint64_t decoded_offset);

 private:
  void feed_utf8(std::string_view in, std::string& out);
  /// Validates UTF-8 text whose first byte is at original offset `original` (default:
  /// bytes_in_), records its issues, holds back a sequence cut at its end; returns how
  /// many bytes are complete (they pass through unchanged).
  size_t check_utf8_body(std::string_view in);
  size_t check_utf8_body(std::string_view in, uint64_t original);
  void feed_utf16(std::string_view in, std::string& out);
  void feed_1252(std::string_view in, std::string& out);
  void put_code_point(uint32_t cp, uint64_t orig_start, uint32_t orig_width, std::string& out);
  void note(decode_issue_kind k, uint64_t decoded, uint64_t original, uint8_t byte);

  encoding enc_;
  uint32_t skip_bom_;
  uint64_t bytes_in_ = 0;   // original bytes consumed so far (including BOM)
  uint64_t bytes_out_ = 0;  // UTF-8 bytes produced so far
  std::string pending_;     // bytes of an incomplete sequence held back between feeds
  std::vector<decode_issue> issues_;
  struct checkpoint { uint64_t decoded; uint64_t original; };
  std::deque<checkpoint> checkpoints_;  // only for non-UTF-8 encodings
  uint32_t pending_high_surrogate_ = 0;
  uint64_t pending_high_orig_ = 0;
};

}  // namespace preflight
