// report.cpp — the summary JSON (import resource shape + "preflight") and the error CSV.
//
// The builder is fed once per row. Clean rows only bump two counters; failed rows are
// counted, the first `max_errors` are kept whole for the summary, and every one is
// streamed into the error CSV, which the host drains with take_error_csv().
#include "preflight/report.h"

#include <algorithm>
#include <charconv>

#include "preflight/csv_writer.h"
#include "preflight/dialect.h"
#include "preflight/json.h"

namespace preflight {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view crlf = "\r\n";
constexpr auto neutral = csv_cell_policy::neutralised;

/// Decimal text of `n` in `buf` (no allocation, no locale).
std::string_view decimal(char (&buf)[24], uint64_t n) noexcept {
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  return {buf, static_cast<size_t>(r.ptr - buf)};
}

// ---- counting -------------------------------------------------------------------------

/// Adds one to `name`'s count. The lists hold one entry per distinct field or rule (tens
/// at most), so a linear search beats hashing and keeps first-seen order.
void bump(std::vector<std::pair<std::string, uint64_t>>& counts, std::string_view name) {
  for (auto& [n, c] : counts) {
    if (n == name) {
      ++c;
      return;
    }
  }
  counts.emplace_back(std::string(name), 1);
}

/// True when an earlier failure of the same row already named this field, so the field
/// is counted once per row however many of its rules failed.
bool field_seen_earlier(std::span<const row_failure> failures, size_t index) noexcept {
  for (size_t i = 0; i < index; ++i) {
    if (failures[i].field == failures[index].field) return true;
  }
  return false;
}

/// Most first, then by name, so the order never depends on the order rows came in.
std::vector<count_entry> sorted_counts(const std::vector<std::pair<std::string, uint64_t>>& counts) {
  std::vector<count_entry> out;
  out.reserve(counts.size());
  for (const auto& [name, count] : counts) out.push_back(count_entry{name, count});
  std::sort(out.begin(), out.end(), [](const count_entry& a, const count_entry& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
  return out;
}

/// The summary entry for a failed row: failures grouped by field, fields in the order
/// they first failed, messages in rule order.
error_entry make_error_entry(const failed_row& row) {
  error_entry e;
  e.line = row.line;
  e.offset = row.offset;
  e.record.reserve(row.record.size());
  for (const auto& [field, value] : row.record) e.record.emplace_back(std::string(field), std::string(value));
  for (const row_failure& f : row.failures) {
    auto group = std::find_if(e.errors.begin(), e.errors.end(),
                              [&](const field_messages& m) { return m.field == f.field; });
    if (group == e.errors.end()) {
      e.errors.push_back(field_messages{std::string(f.field), {}});
      group = e.errors.end() - 1;
    }
    group->messages.emplace_back(f.message);
  }
  return e;
}

/// The error CSV's first bytes: BOM (so Excel reads UTF-8), then line, <headers…>, errors.
void append_error_csv_header(std::string& csv, std::span<const std::string> headers) {
  csv.append(utf8_bom);
  append_csv_cell(csv, "line", neutral);
  for (const std::string& h : headers) {
    csv.push_back(',');
    append_csv_cell(csv, h, neutral);
  }
  csv.push_back(',');
  append_csv_cell(csv, "errors", neutral);
  csv.append(crlf);
}

// ---- summary JSON ---------------------------------------------------------------------

void write_string_pairs(json_writer& w, const std::vector<std::pair<std::string, std::string>>& pairs) {
  w.begin_object();
  for (const auto& [k, v] : pairs) {
    w.key(k);
    w.value(v);
  }
  w.end_object();
}

void write_strings(json_writer& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const std::string& item : items) w.value(item);
  w.end_array();
}

void write_counts(json_writer& w, std::string_view name_key, const std::vector<count_entry>& counts) {
  w.begin_array();
  for (const count_entry& c : counts) {
    w.begin_object();
    w.key(name_key);
    w.value(c.name);
    w.key("count");
    w.value(c.count);
    w.end_object();
  }
  w.end_array();
}

/// One entry of `errors`, in the API's shape: {"<singular>": {…}, "errors": {field: […]}}.
void write_error_entry(json_writer& w, std::string_view record_key, const error_entry& e) {
  w.begin_object();
  w.key(record_key);
  write_string_pairs(w, e.record);
  w.key("errors");
  w.begin_object();
  for (const field_messages& m : e.errors) {
    w.key(m.field);
    write_strings(w, m.messages);
  }
  w.end_object();
  w.end_object();
}

/// The API's error_report object, reduced to what preflight knows; size is a string, as
/// the API sends it.
void write_error_report(json_writer& w, const summary& s) {
  if (s.error_report_filename.empty()) {
    w.null();
    return;
  }
  char buf[24];
  w.begin_object();
  w.key("filename");
  w.value(s.error_report_filename);
  w.key("extension");
  w.value("csv");
  w.key("size");
  w.value(decimal(buf, s.error_report_size));
  w.key("status");
  w.value("uploaded");
  w.end_object();
}

void write_encoding(json_writer& w, const summary& s) {
  w.begin_object();
  w.key("name");
  w.value(s.encoding);
  w.key("reason");
  w.value(s.encoding_reason);
  w.key("set_by_user");
  w.value(s.encoding_set_by_user);
  w.end_object();
}

void write_dialect(json_writer& w, const summary& s) {
  w.begin_object();
  w.key("delimiter");
  w.value(std::string_view(&s.delimiter, 1));
  w.key("delimiter_name");
  w.value(delimiter_name(s.delimiter));
  w.key("set_by_user");
  w.value(s.delimiter_set_by_user);
  w.key("reason");
  w.value(s.delimiter_reason);
  w.key("has_header");
  w.value(s.has_header);
  w.key("has_header_set_by_user");
  w.value(s.has_header_set_by_user);
  w.key("sep_line");
  w.value(s.sep_line);
  w.end_object();
}

void write_warnings(json_writer& w, const std::vector<warning_entry>& warnings) {
  w.begin_array();
  for (const warning_entry& x : warnings) {
    w.begin_object();
    w.key("code");
    w.value(x.code);
    w.key("field");
    w.value(x.field);
    w.key("message");
    w.value(x.message);
    w.key("count");
    w.value(x.count);
    w.key("lines");
    w.begin_array();
    for (const uint64_t line : x.lines) w.value(line);
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

void write_preflight(json_writer& w, const summary& s) {
  w.begin_object();
  w.key("engine_version");
  w.value(s.engine_version);
  w.key("laravel");
  w.value(s.laravel);
  w.key("clean_rows");
  w.value(s.clean_rows);
  w.key("blank_lines");
  w.value(s.blank_lines);
  w.key("lines");
  w.value(s.lines);
  w.key("bytes");
  w.value(s.bytes);
  w.key("encoding");
  write_encoding(w, s);
  w.key("dialect");
  write_dialect(w, s);
  w.key("constants");
  write_string_pairs(w, s.constants);
  w.key("unmapped_columns");
  write_strings(w, s.unmapped_columns);
  w.key("error_lines");  // aligned with the top-level `errors`
  w.begin_array();
  for (const error_entry& e : s.errors) {
    w.begin_object();
    w.key("line");
    w.value(e.line);
    w.key("offset");
    w.value(e.offset);
    w.end_object();
  }
  w.end_array();
  w.key("errors_by_field");
  write_counts(w, "field", s.errors_by_field);
  w.key("errors_by_rule");
  write_counts(w, "rule", s.errors_by_rule);
  w.key("warnings");
  write_warnings(w, s.warnings);
  w.key("warning_count");
  w.value(s.warning_count);
  w.key("batches");
  w.begin_object();
  w.key("count");
  w.value(s.batches);
  w.key("rows");
  w.value(s.batch_rows);
  w.end_object();
  if (s.status == "failed") {
    w.key("error");
    w.begin_object();
    w.key("code");
    w.value(s.fatal_code);
    w.key("message");
    w.value(s.fatal_message);
    w.end_object();
  }
  w.end_object();
}

}  // namespace

std::string summary_json(const summary& s, int indent) {
  json_writer w(indent);
  w.begin_object();
  w.key("type");
  w.value(s.type);
  w.key("mode");
  w.value(s.mode);
  w.key("headers");
  write_strings(w, s.headers);
  w.key("mapping");
  write_string_pairs(w, s.mapping);
  w.key("status");
  w.value(s.status);
  w.key("total_jobs");
  w.value(s.total_jobs);
  w.key("progress");
  w.value(s.progress);
  w.key("jobs_remaining");
  w.value(s.jobs_remaining);
  w.key("failed_jobs");
  w.value(s.failed_jobs);
  w.key("errors");
  w.begin_array();
  // The API names the record after the type's singular ("client"); never leave it blank.
  const std::string_view record_key = s.singular.empty() ? std::string_view("record") : s.singular;
  for (const error_entry& e : s.errors) write_error_entry(w, record_key, e);
  w.end_array();
  w.key("error_report");
  write_error_report(w, s);
  w.key("preflight");
  write_preflight(w, s);
  w.end_object();
  return w.take();
}

// ---- report_builder -------------------------------------------------------------------

report_builder::report_builder(summary& s, report_options options) : s_(s), options_(options) {}

void report_builder::begin_error_csv(std::span<const std::string> headers) {
  if (!options_.error_csv || csv_bytes_ != 0) return;  // off, or already started
  const size_t before = csv_.size();
  append_error_csv_header(csv_, headers);
  csv_bytes_ += csv_.size() - before;
  csv_columns_ = headers.size();
}

void report_builder::add_clean_row() {
  ++s_.clean_rows;
  ++s_.total_jobs;
}

void report_builder::add_failed_row(const failed_row& row) {
  ++s_.failed_jobs;
  ++s_.total_jobs;
  for (size_t i = 0; i < row.failures.size(); ++i) {
    bump(by_rule_, row.failures[i].rule);
    if (!field_seen_earlier(row.failures, i)) bump(by_field_, row.failures[i].field);
  }
  if (s_.errors.size() < options_.max_errors) s_.errors.push_back(make_error_entry(row));
  if (!options_.error_csv) return;

  const size_t before = csv_.size();
  if (csv_bytes_ == 0) append_error_csv_header(csv_, {});  // no header row was given
  char buf[24];
  append_csv_cell(csv_, decimal(buf, row.line), neutral);
  // The row's cells as in the file, kept under their headers so the messages always sit
  // in the "errors" column: a short row is padded with empty cells, and the extra cells of
  // a long row follow the messages.
  const size_t columns = csv_columns_ == 0 ? row.cells.size() : csv_columns_;
  for (size_t c = 0; c < columns; ++c) {
    csv_.push_back(',');
    append_csv_cell(csv_, c < row.cells.size() ? row.cells[c] : std::string_view(), neutral);
  }
  // One message per line inside the cell; messages already name their field.
  scratch_.clear();
  for (size_t i = 0; i < row.failures.size(); ++i) {
    if (i != 0) scratch_.push_back('\n');
    scratch_.append(row.failures[i].message);
  }
  csv_.push_back(',');
  append_csv_cell(csv_, scratch_, neutral);
  for (size_t c = columns; c < row.cells.size(); ++c) {
    csv_.push_back(',');
    append_csv_cell(csv_, row.cells[c], neutral);
  }
  csv_.append(crlf);
  csv_bytes_ += csv_.size() - before;
}

void report_builder::add_warning(std::string_view code, std::string_view field, std::string_view message,
                                 uint64_t line) {
  auto it = std::find_if(s_.warnings.begin(), s_.warnings.end(),
                         [&](const warning_entry& w) { return w.code == code && w.field == field; });
  if (it == s_.warnings.end()) {
    s_.warnings.push_back(warning_entry{std::string(code), std::string(field), std::string(message), 0, {}});
    it = s_.warnings.end() - 1;
  }
  ++it->count;
  if (it->lines.size() < options_.max_warning_lines) it->lines.push_back(line);
}

void report_builder::finish() {
  s_.errors_by_field = sorted_counts(by_field_);
  s_.errors_by_rule = sorted_counts(by_rule_);
  s_.progress = 100;
  s_.jobs_remaining = 0;
  uint64_t occurrences = 0;
  for (const warning_entry& w : s_.warnings) occurrences += w.count;
  s_.warning_count = occurrences;
  s_.error_report_size = csv_bytes_;
}

std::string report_builder::take_error_csv() {
  std::string out;
  out.swap(csv_);
  return out;
}

}  // namespace preflight
