// report.h — stage 7a: the summary (in the import resource's shape) and the error CSV.
//
// The summary has the fields of the API's import resource — type, mode, headers, mapping,
// status, total_jobs, progress, jobs_remaining, failed_jobs, errors, error_report — and
// keeps everything preflight adds under one extra key, "preflight", so a consumer that
// knows the API reads it unchanged. `errors` holds at most 25 entries shaped as in the
// API: {"client": {field: value…}, "errors": {field: [messages…]}}; the line of each entry
// is in preflight.error_lines at the same index.
//
// Invariant, checked by tests: total_jobs = clean_rows + failed_jobs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight {

struct field_messages {
  std::string field;                  ///< canonical field, or "_row" for row-level problems
  std::vector<std::string> messages;  ///< in rule order
};

struct error_entry {
  uint64_t line = 0;    ///< physical line where the row starts
  uint64_t offset = 0;  ///< byte offset of the row in the original file
  std::vector<std::pair<std::string, std::string>> record;  ///< field → value, as mapped
  std::vector<field_messages> errors;
};

struct warning_entry {
  std::string code;     ///< "blank_in_update", "stray_quote", "trailing_empty_cells", …
  std::string field;    ///< field or CSV header it concerns ("" when none)
  std::string message;  ///< one sentence, shown as text
  uint64_t count = 0;   ///< occurrences
  std::vector<uint64_t> lines;  ///< first lines where it occurs (up to 10)
};

struct count_entry {
  std::string name;
  uint64_t count = 0;
};

struct summary {
  // — the import resource —
  std::string type, singular, mode;
  std::string status = "completed";  ///< "completed", or "failed" for an unusable file
  std::vector<std::string> headers;
  std::vector<std::pair<std::string, std::string>> mapping;  ///< CSV header → field
  uint64_t total_jobs = 0;
  int progress = 0;
  uint64_t jobs_remaining = 0;
  uint64_t failed_jobs = 0;
  std::vector<error_entry> errors;  ///< ≤ max_errors
  std::string error_report_filename;  ///< "" → error_report is null
  uint64_t error_report_size = 0;

  // — under "preflight" —
  std::string engine_version;
  std::string laravel;  ///< "9" or "10"
  uint64_t clean_rows = 0;
  uint64_t blank_lines = 0;
  uint64_t lines = 0;        ///< physical lines read
  uint64_t bytes = 0;        ///< original bytes read
  std::string encoding, encoding_reason;
  bool encoding_set_by_user = false;
  char delimiter = ',';
  bool delimiter_set_by_user = false;
  std::string delimiter_reason;
  bool has_header = true, has_header_set_by_user = false;
  bool sep_line = false;
  std::vector<std::pair<std::string, std::string>> constants;  ///< field → value
  std::vector<std::string> unmapped_columns;
  std::vector<count_entry> errors_by_field;  ///< rows failing per field, most first
  std::vector<count_entry> errors_by_rule;   ///< failures per rule, most first
  std::vector<warning_entry> warnings;
  uint64_t warning_count = 0;
  uint64_t batches = 0, batch_rows = 0;
  std::string fatal_code, fatal_message;  ///< set when status is "failed"
};

/// The summary as JSON (pretty-printed with `indent` spaces; 0 = compact).
std::string summary_json(const summary& s, int indent = 2);

/// One reason a row failed.
struct row_failure {
  std::string_view field;  ///< canonical field, or "_row"
  std::string_view rule;   ///< rule name for counts: "required", "columns", "encoding", …
  std::string_view message;  ///< read only during add_failed_row
};

/// Everything about one failed row the report needs; views are only read during the call.
struct failed_row {
  uint64_t line = 0;
  uint64_t offset = 0;
  std::span<const std::string_view> cells;  ///< the row's cells as in the file
  std::span<const std::pair<std::string_view, std::string_view>> record;  ///< field → value
  std::span<const row_failure> failures;
};

struct report_options {
  uint32_t max_errors = 25;        ///< entries kept in summary.errors
  uint32_t max_warning_lines = 10; ///< lines kept per warning
  bool error_csv = true;           ///< build the error CSV at all
};

/// Accumulates rows into a summary and streams the error CSV.
///
/// The error CSV (UTF-8 with BOM, CRLF) has the columns `line`, the file's headers, and
/// `errors` (one message per line inside the cell); every cell is neutralised
/// (csv_writer.h), the header cells included. A row with fewer cells than headers is
/// padded with empty cells; the extra cells of a longer row come after `errors`.
class report_builder {
 public:
  report_builder(summary& s, report_options options = {});

  /// Writes the error CSV's header row. Call once, before the first failed row.
  void begin_error_csv(std::span<const std::string> headers);
  void add_clean_row();
  void add_failed_row(const failed_row& row);
  /// Whether the next failed row will become an `errors` entry (its record is then read).
  [[nodiscard]] bool wants_entry() const noexcept { return s_.errors.size() < options_.max_errors; }
  /// Whether the next failed row's messages are read at all (an entry, or the error CSV).
  /// When not, the caller may leave row_failure::message empty: only counts are kept,
  /// which spares rendering a message for every failed row of a big file.
  [[nodiscard]] bool wants_messages() const noexcept { return wants_entry() || options_.error_csv; }
  /// Counts a warning, grouped by (code, field); the message of the first one is kept.
  void add_warning(std::string_view code, std::string_view field, std::string_view message, uint64_t line);
  /// Sorts the counts and fills totals; call once at the end.
  void finish();

  /// Drains the error CSV bytes produced so far (the host writes them out as it goes).
  std::string take_error_csv();
  [[nodiscard]] uint64_t error_csv_bytes() const noexcept { return csv_bytes_; }

 private:
  summary& s_;
  report_options options_;
  std::string csv_;
  uint64_t csv_bytes_ = 0;
  size_t csv_columns_ = 0;  // headers in the error CSV (0: none given)
  std::vector<std::pair<std::string, uint64_t>> by_field_, by_rule_;
  std::string scratch_;
};

}  // namespace preflight
