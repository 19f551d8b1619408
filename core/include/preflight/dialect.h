// dialect.h — stage 2: sniff the CSV dialect from the first part of the (decoded) file.
//
// Phases, each a small function: the Excel `sep=` line, then the delimiter (candidates
// , ; TAB |, scored by how consistently they split the first rows outside quotes), then
// whether the first row is a header. Every option remembers whether the user set it or it
// was detected (DuckDB's CSVOption idea): detection never overrides the user, and the
// summary says which it was.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight {

/// A value with its provenance.
template <class T>
struct sniffed {
  T value{};
  bool set_by_user = false;
};

struct dialect {
  sniffed<char> delimiter{','};
  char quote = '"';
  sniffed<bool> has_header{true};
  /// Bytes of decoded input to skip before the first row: the `sep=X` line and its line
  /// break (0 when there is none). Lines are still counted: the first row is then line 2.
  uint32_t skip_bytes = 0;
  bool sep_line = false;  ///< an Excel `sep=` line named the delimiter
  /// A short human explanation of the delimiter guess, e.g. "';' splits 200 rows into 7
  /// fields each" or "named by the sep= line".
  std::string reason;
};

/// What the caller pins down; anything left empty is detected.
struct dialect_options {
  std::optional<char> delimiter;
  std::optional<bool> has_header;
  std::optional<char> quote;
};

/// Sniffs the dialect from `head`, the first decoded bytes of the file (the session passes
/// up to 64 KiB, cut at a line break when it can). `is_whole_file` tells that `head` is all
/// there is. Never fails: with no evidence it falls back to ',' and a header row.
dialect detect_dialect(std::string_view head, const dialect_options& options, bool is_whole_file);

/// "comma", "semicolon", "tab", "pipe" or the character itself — for messages.
std::string delimiter_name(char d);

}  // namespace preflight
