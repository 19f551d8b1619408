// session.h — one import checked end to end: the API a host (CLI, Wasm, server) uses.
//
//   auto reg = preflight::schema_registry::builtin().value();
//   preflight::session_options opt;
//   opt.mode = preflight::import_mode::store;
//   auto s = preflight::session::open(reg, "clients", opt);   // result<session>
//   if (!s.ok()) { /* s.error().message names the problem */ }
//   for (each chunk of the file) if (auto st = s.value().feed(chunk); !st.ok()) break;
//   s.value().finish();
//   std::string json = s.value().summary_json();
//
// Data flows one way: decode → dialect → tokenize → map → validate → report + batches.
// The first `sniff_bytes` are held to detect the encoding and dialect; the first
// `sample_rows` data rows are held to suggest a mapping (when none is given) and are then
// checked like every other row. After that, memory is bounded by the chunk size, the
// tokenizer's limits and the report caps — plus 16 bytes per keyed row for the
// duplicate-key check when the key column is mapped, up to `max_keys` keys (16 MiB for the
// default; past it a warning says the check is limited).
//
// IMPORTANT: a failing status from feed()/finish() is import-level (unusable file,
// unmapped required field): the summary then has status "failed" and the session accepts
// no more input. Row-level problems never fail a call: they go to the report.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "preflight/batch.h"
#include "preflight/csv.h"
#include "preflight/decode.h"
#include "preflight/dialect.h"
#include "preflight/error.h"
#include "preflight/mapping.h"
#include "preflight/report.h"
#include "preflight/rules.h"
#include "preflight/schema.h"

namespace preflight {

/// The engine's version, reported in every summary.
inline constexpr const char* engine_version = "0.1.0";

struct session_options {
  import_mode mode = import_mode::validate;
  laravel_version wording = laravel_version::v10;
  std::string today;                      ///< YYYY-MM-DD for before:today; "" = system date
  std::optional<encoding> forced_encoding;
  dialect_options dialect;
  csv_limits limits;
  /// Distinct key values the duplicate-key check remembers (16 bytes each at most 3/4 load:
  /// 1.5 M keys fit a 16 MiB table). Later new keys are compared but not remembered.
  uint32_t max_keys = 1'500'000;
  /// The mapping in the map endpoint's format; none → the confident suggestions.
  std::optional<mapping_spec> mapping;
  /// Constants added to whatever mapping is used (field → value).
  std::vector<std::pair<std::string, std::string>> constants;
  double auto_map_confidence = 0.8;
  report_options report;
  bool batches = false;
  batch_options batch;
  uint32_t sniff_bytes = 64u << 10;
  uint32_t sample_rows = 50;
  /// The name shown for the file in messages and the error report's file name.
  std::string file_name = "input.csv";
};

/// Live counters, for progress bars.
struct session_progress {
  uint64_t bytes_read = 0;
  uint64_t rows_read = 0;
  uint64_t rows_failed = 0;
  bool header_ready = false;
  bool mapping_ready = false;  ///< suggestions() is filled (even if the mapping then failed)
  bool finished = false;
};

class session {
 public:
  /// Compiles the type's rules for the mode. Fails with unknown_type (listing the known
  /// types) or bad_rule.
  static result<session> open(const schema_registry& registry, std::string_view type, session_options options);

  /// Feeds the next bytes of the file, in any chunk size.
  status feed(std::string_view bytes);
  /// No more bytes: flushes the last row, closes the last batch, completes the summary.
  status finish();

  /// The summary so far (complete after finish()).
  [[nodiscard]] const summary& result_summary() const noexcept;
  [[nodiscard]] std::string summary_json(int indent = 2) const;

  /// Drains the error CSV produced so far (UTF-8 with BOM; see report.h).
  std::string take_error_csv();
  /// Takes the next complete batch of clean rows (only when options.batches).
  bool next_batch(batch& out);

  /// Once the header and the sample rows are in (or after finish()): the file's headers
  /// and the mapping suggestions for every header.
  [[nodiscard]] const header_set& headers() const noexcept;
  [[nodiscard]] const std::vector<suggestion>& suggestions() const noexcept;
  [[nodiscard]] std::string suggestions_json() const;
  /// The first data rows as parsed (cells by column), for previews.
  [[nodiscard]] const std::vector<std::vector<std::string>>& sample_rows() const noexcept;

  [[nodiscard]] session_progress progress() const noexcept;
  [[nodiscard]] const import_type& type() const noexcept;

  session(session&&) noexcept;
  session& operator=(session&&) noexcept;
  ~session();

 private:
  struct impl;
  explicit session(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace preflight
