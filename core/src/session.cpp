// session.cpp — drives the stages for one import. Each step is a small member of
// session::impl, in data-flow order: sniff → decode → tokenize → header → samples →
// mapping → per-row checks → report and batches.
#include "preflight/session.h"

#include <algorithm>
#include <deque>
#include <bit>
#include <cstring>
#include <string>

#include "preflight/reader.h"
#include "text.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace preflight {

using text::is_blank;
using text::in_quotes;

namespace {

/// splitmix64's finaliser: spreads FNV's weak low bits over the whole word.
uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Hash of a key value, ignoring ASCII case and surrounding spaces (UUIDs compare that way).
uint64_t hash_key(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    h = (h ^ u) * 0x100000001b3ULL;
  }
  return mix64(h);
}

/// The keys seen so far, as 64-bit hashes in an open-addressing table (0 = empty slot).
/// 16 bytes per key at the usual load of 1/2; a false duplicate needs a 64-bit collision.
/// Memory is capped: the table stops growing at the size that holds `max_keys` at a load of
/// 3/4, and from then on new keys are still compared with the ones held but not added.
class key_set {
 public:
  enum class outcome : uint8_t { added, seen, not_held };

  explicit key_set(size_t max_keys = 0) : max_keys_(max_keys), max_slots_(std::bit_ceil(max_keys / 3 * 4 + 4)) {}

  outcome insert(uint64_t h) {
    if (h == 0) h = 1;
    if ((size_ + 1) * 2 > slots_.size() && slots_.size() < max_slots_) grow();
    if (slots_.empty()) return outcome::not_held;
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return outcome::seen;
      if (slots_[i] == 0) {
        if (size_ >= max_keys_) return outcome::not_held;
        slots_[i] = h;
        ++size_;
        return outcome::added;
      }
    }
  }
  [[nodiscard]] size_t size() const noexcept { return size_; }

 private:
  void grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(std::min(max_slots_, std::max<size_t>(1024, old.size() * 2)), 0);
    size_ = 0;
    for (uint64_t h : old)
      if (h != 0) insert(h);
  }
  size_t max_keys_;
  size_t max_slots_;
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

std::string hex_byte(uint8_t b) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out = "0x";
  out.push_back(digits[b >> 4]);
  out.push_back(digits[b & 0xF]);
  return out;
}

/// "clients.csv" → "clients-errors.csv".
std::string error_report_name(std::string_view file_name) {
  const size_t slash = file_name.find_last_of("/\\");
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const size_t dot = file_name.rfind('.');
  std::string stem(dot == std::string_view::npos || dot == 0 ? file_name : file_name.substr(0, dot));
  if (stem.empty()) stem = "import";
  return stem + "-errors.csv";
}

/// Copies a row's cell views into the block.
void copy_views(std::string_view* to, std::span<const std::string_view> from) noexcept {
#if defined(__wasm_simd128__)
  // std::copy would call Emscripten's memcpy, which moves a word at a time behind a call;
  // a view is 8 bytes on wasm32, so here two go in each inlined 16-byte move.
  const char* src = reinterpret_cast<const char*>(from.data());
  char* dst = reinterpret_cast<char*>(to);
  const size_t bytes = from.size_bytes();
  size_t i = 0;
  for (; i + 16 <= bytes; i += 16) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  if (i < bytes) std::memcpy(dst + i, src + i, bytes - i);  // one view left
#else
  std::copy(from.begin(), from.end(), to);
#endif
}

/// True when every cell is blank (Excel leaves ",,,," lines below the data).
bool all_blank(std::span<const std::string_view> cells) noexcept {
  return std::all_of(cells.begin(), cells.end(), [](std::string_view c) { return is_blank(c); });
}

}  // namespace

/// What the session keeps about a row besides its cells.
struct row_meta {
  uint64_t line = 0, end_line = 0, offset = 0, length = 0;
  uint64_t original_offset = 0;
  row_problem problem = row_problem::none;
  uint32_t problem_column = 0;
  uint64_t problem_line = 0;
  bool stray_quote = false;
  std::vector<decode_issue> issues;  // byte problems inside the row (rare; usually empty)
};

struct session::impl {
  const import_type* type = nullptr;
  session_options opt;
  rule_set rules;
  summary sum;
  report_builder report;

  // Reading.
  reader rd;
  reader_row current;  // reused
  bool finished = false, failed = false;
  row_meta meta;       // of the row being processed, reused

  // Header, samples and mapping.
  bool header_done = false, mapping_done = false;
  header_set headers;
  std::vector<std::vector<std::string>> samples;
  std::vector<row_meta> sample_meta;
  std::vector<suggestion> suggested;
  resolved_mapping map;
  std::vector<uint8_t> present;
  std::vector<uint16_t> batch_fields;  // schema fields sent in batches, in schema order
  std::optional<batch_writer> batches;
  int key_field = -1;
  bool check_duplicate_keys = false;
  key_set keys;
  bool keys_warned = false;

  // Per-row scratch, reused so the row loop does not allocate.
  std::vector<std::string_view> cells, values, batch_values;
  std::vector<violation> violations;
  std::vector<row_failure> failures;
  std::deque<std::string> row_messages;  // the failures' messages made for this row (not the rules' cached ones)
  std::vector<std::pair<std::string_view, std::string_view>> record;
  std::vector<std::pair<size_t, size_t>> mapped_columns;  // (schema field, CSV column), set by resolve()

  // Rows waiting for the column-wise rule checks (flush_block): plain rows, held as views
  // of the fed bytes or the tokenizer's storage, both valid until feed()/finish() returns
  // (see reader.h).
  struct queued_row {
    uint64_t line = 0;
    uint64_t original_offset = 0;
  };
  static constexpr size_t block_capacity = 128;        // rows: their cells stay in L1/L2
  std::vector<queued_row> block_rows;
  std::vector<std::string_view> block_cells;  // block_capacity rows × the header's column count; the
                                              // first block_rows.size() rows are in use
  std::vector<uint64_t> suspects;             // check_block's verdicts
  row_meta block_meta;                        // reused for a queued row being settled

  session_progress prog;

  impl(const import_type& t, session_options o, rule_set r)
      : type(&t), opt(std::move(o)), rules(std::move(r)), report(sum, opt.report), rd(reader_settings(opt)),
        keys(opt.max_keys) {}

  static reader_options reader_settings(const session_options& o) {
    reader_options r;
    r.forced_encoding = o.forced_encoding;
    r.dialect = o.dialect;
    r.limits = o.limits;
    r.sniff_bytes = o.sniff_bytes;
    return r;
  }

  // — failure of the whole import —
  status fail(errc code, std::string message) {
    failed = true;
    // What was read before the import stopped: everything when it stopped at the end, else
    // up to the row it stopped at (the same whatever the chunk sizes).
    sum.lines = rd.finished() ? rd.lines() : meta.end_line;
    sum.bytes = rd.finished() ? rd.bytes_in() : meta.original_offset;
    sum.blank_lines = rd.blank_lines();
    sum.status = "failed";
    sum.fatal_code = errc_name(code);
    sum.fatal_message = message;
    return status::fail(code, std::move(message));
  }

  // — reading —
  status drain_rows();
  void note_reader_settings();

  // — header, samples, mapping —
  status take_header(const csv_row& row);
  status resolve();
  status replay_samples();

  // — rows —
  void process_row(const row_meta& m, std::span<const std::string_view> fields);
  /// A row is counted as read, and the per-row scratch is emptied.
  void begin_row_checks() {
    ++prog.rows_read;
    failures.clear();
    if (!row_messages.empty()) row_messages.clear();  // a deque's clear() is not free
    violations.clear();
  }
  /// Mapped cells into `values`, in schema order (constants and unmapped fields were set
  /// once in resolve(); only mapped cells change).
  void map_values(std::span<const std::string_view> fields) {
    for (const auto& [f, col] : mapped_columns) values[f] = fields[col];
  }
  bool queue_row(const reader_row& r);
  void flush_block();
  void check_key(const row_meta& m, std::string_view key);
  void settle_row(const row_meta& m, std::span<const std::string_view> fields);
  void check_bytes(const row_meta& m, std::span<const std::string_view> fields);
  bool check_cell_count(size_t count, std::span<const std::string_view> fields, uint64_t line);
  void fail_row(const row_meta& m, std::span<const std::string_view> fields);
  void warn_stray_quote(const row_meta& m);
  /// Holds a message made for this row until the row is reported.
  std::string_view keep(std::string message) { return row_messages.emplace_back(std::move(message)); }
  void warn_keys_not_held(const row_meta& m);
  void warn_blank_updates(const row_meta& m, std::span<const std::string_view> fields);
  bool skip_empty_row(const row_meta& m, std::span<const std::string_view> fields);
  std::string structural_message(const row_meta& m) const;
  std::string_view column_label(size_t column) const;

  status complete();
};

// ───────────────────────────── reading ─────────────────────────────

/// Copies what the reader detected (or was told) into the summary, once it knows.
void session::impl::note_reader_settings() {
  const encoding_guess& g = rd.detected_encoding();
  sum.encoding = encoding_name(g.enc);
  sum.encoding_reason = g.reason;
  sum.encoding_set_by_user = rd.encoding_set_by_user();
  const dialect& d = rd.detected_dialect();
  sum.delimiter = d.delimiter.value;
  sum.delimiter_set_by_user = d.delimiter.set_by_user;
  sum.delimiter_reason = d.reason;
  sum.has_header = d.has_header.value;
  sum.has_header_set_by_user = d.has_header.set_by_user;
  sum.sep_line = d.sep_line;
}

status session::impl::drain_rows() {
  if (rd.started() && sum.encoding.empty()) note_reader_settings();
  while (!failed && rd.next(current)) {
    const csv_row& row = current.row;
    if (mapping_done && queue_row(current)) continue;
    flush_block();  // rows are settled in file order
    meta.line = row.line;
    meta.end_line = row.end_line;
    meta.offset = row.offset;
    meta.length = row.length;
    meta.original_offset = current.original_offset;
    meta.problem = row.problem;
    meta.problem_column = row.problem_column;
    meta.problem_line = row.problem_line;
    meta.stray_quote = row.stray_quote;
    meta.issues = current.issues;

    if (!header_done) {
      if (status st = take_header(row); !st.ok()) return st;
      if (rd.detected_dialect().has_header.value) continue;  // otherwise the first row is data as well
    }
    if (!mapping_done) {
      samples.emplace_back(row.fields.begin(), row.fields.end());
      sample_meta.push_back(meta);
      if (samples.size() >= opt.sample_rows) {
        if (status st = resolve(); !st.ok()) return st;
        if (status st = replay_samples(); !st.ok()) return st;
      }
      continue;
    }
    process_row(meta, row.fields);
  }
  flush_block();  // the rows' views end with this feed()
  return status::success();
}

// ───────────────────────────── header, samples, mapping ─────────────────────────────

status session::impl::take_header(const csv_row& row) {
  header_done = true;
  prog.header_ready = true;
  if (row.problem == row_problem::too_many_columns || row.problem == row_problem::row_too_large ||
      row.problem == row_problem::field_too_large) {
    return fail(errc::bad_header, opt.file_name + ": the header row on line " + std::to_string(row.line) +
                                      " is unusable (" + row_problem_name(row.problem) + "); the limit is " +
                                      std::to_string(opt.limits.max_columns) + " columns of at most " +
                                      std::to_string(opt.limits.max_field_bytes) + " bytes.");
  }
  if (row.problem == row_problem::unterminated_quote) {
    return fail(errc::bad_header, opt.file_name + ": the header row has a quote opened on line " +
                                      std::to_string(row.problem_line) + " that is never closed.");
  }
  if (rd.detected_dialect().has_header.value) {
    headers = normalize_headers(row.fields);
  } else {
    const std::vector<std::string_view> unnamed(row.fields.size());
    headers = normalize_headers(unnamed);
  }
  if (rd.detected_dialect().has_header.value) {  // without a header, column_N is the plan
    for (size_t i = 0; i < headers.warnings.size(); ++i)
      report.add_warning("header_renamed", headers.names[headers.renamed[i]], headers.warnings[i], row.line);
  }
  if (!meta.issues.empty()) {
    report.add_warning("header_encoding", "", "The header row contains bytes that are not valid UTF-8 or NUL bytes.",
                       row.line);
  }
  sum.headers = headers.names;
  return status::success();
}

status session::impl::resolve() {
  mapping_done = true;
  suggested = suggest_mapping(headers, samples, *type);
  prog.mapping_ready = true;

  mapping_spec spec = opt.mapping ? *opt.mapping : mapping_from_suggestions(suggested, opt.auto_map_confidence);
  for (const auto& c : opt.constants) spec.constants.push_back(c);

  const size_t field_count = type->fields.size();
  std::vector<uint8_t> required(field_count, 0);
  for (size_t f = 0; f < field_count; ++f) required[f] = rules.always_required(static_cast<uint16_t>(f)) ? 1 : 0;

  auto resolved = resolve_mapping(spec, headers, *type, required);
  if (!resolved.ok()) {
    std::string message = opt.file_name + ": " + resolved.error().message;
    if (!opt.mapping && resolved.error().code == errc::missing_required_field) {
      if (!message.empty() && message.back() != '.') message += '.';
      message += " No column was recognised for it with enough confidence; pass a mapping.";
    }
    return fail(resolved.error().code, std::move(message));
  }
  map = std::move(resolved).value();

  present.assign(field_count, 0);
  for (size_t f = 0; f < field_count; ++f)
    present[f] = (map.column_of_field[f] >= 0 || map.constant_of_field[f] >= 0) ? 1 : 0;
  values.assign(field_count, std::string_view{});
  for (size_t f = 0; f < field_count; ++f) {
    if (map.column_of_field[f] >= 0)
      mapped_columns.emplace_back(f, static_cast<size_t>(map.column_of_field[f]));
    else if (map.constant_of_field[f] >= 0)
      values[f] = map.constants[static_cast<size_t>(map.constant_of_field[f])];
  }
  block_cells.resize(block_capacity * headers.names.size());  // queue_row's rows: a fixed block

  sum.mapping = map.resource_mapping;
  sum.unmapped_columns = map.unmapped_columns;
  for (size_t f = 0; f < field_count; ++f)
    if (map.constant_of_field[f] >= 0)
      sum.constants.emplace_back(type->fields[f].name, map.constants[static_cast<size_t>(map.constant_of_field[f])]);

  key_field = type->key.empty() ? -1 : type->find_field(type->key);
  check_duplicate_keys = key_field >= 0 && map.column_of_field[static_cast<size_t>(key_field)] >= 0 &&
                         opt.mode != import_mode::store;

  if (opt.batches) {
    std::vector<std::string> names;
    for (size_t f = 0; f < field_count; ++f) {
      if (!present[f]) continue;
      batch_fields.push_back(static_cast<uint16_t>(f));
      names.push_back(type->fields[f].name);
    }
    batch_values.assign(batch_fields.size(), std::string_view{});
    batches.emplace(std::move(names), opt.batch);
  }
  if (opt.report.error_csv) report.begin_error_csv(headers.original);
  return status::success();
}

status session::impl::replay_samples() {
  for (size_t i = 0; i < samples.size(); ++i) {
    cells.assign(samples[i].begin(), samples[i].end());
    process_row(sample_meta[i], cells);
  }
  sample_meta.clear();
  sample_meta.shrink_to_fit();
  return status::success();
}

// ───────────────────────────── rows ─────────────────────────────

std::string_view session::impl::column_label(size_t column) const {
  return column < headers.names.size() ? std::string_view(headers.names[column]) : std::string_view("(extra)");
}

std::string session::impl::structural_message(const row_meta& m) const {
  const std::string column = in_quotes(column_label(m.problem_column));
  switch (m.problem) {
    case row_problem::unterminated_quote:
      return "The quoted value in column " + column + " opened on line " + std::to_string(m.problem_line) +
             " is never closed; the row was cut at the end of that line and reading went on with the next line.";
    case row_problem::field_too_large:
      return "The value in column " + column + " is longer than " + std::to_string(opt.limits.max_field_bytes) +
             " bytes; it was not read.";
    case row_problem::row_too_large:
      return "The row is longer than " + std::to_string(opt.limits.max_row_bytes) + " bytes; it was not read.";
    case row_problem::too_many_columns:
      return "The row has more than " + std::to_string(opt.limits.max_columns) + " cells; it was not read.";
    case row_problem::none: break;
  }
  return {};
}

/// Too few cells fail the row; too many fail it unless the extra cells are empty (Excel
/// writes trailing delimiters), which is only a warning. Never padded or cut silently.
bool session::impl::check_cell_count(size_t count, std::span<const std::string_view> fields, uint64_t line) {
  const size_t expected = headers.names.size();
  if (count == expected) return true;
  if (count > expected &&
      std::all_of(fields.begin() + static_cast<std::ptrdiff_t>(expected), fields.end(),
                  [](std::string_view c) { return c.empty(); })) {
    report.add_warning("trailing_empty_cells", "",
                       "Some rows end with empty cells beyond the header's columns; they were ignored.", line);
    return true;
  }
  std::string message = "The row has " + std::to_string(count) + (count == 1 ? " cell" : " cells") +
                        " but the header has " + std::to_string(expected) + " columns.";
  failures.push_back({"_row", "columns", keep(std::move(message))});
  return false;
}

/// Finds the cells that hold the bytes the decoder flagged. In a mapped column they fail
/// the row; in an ignored column they are only a warning (the column is not sent).
void session::impl::check_bytes(const row_meta& m, std::span<const std::string_view> fields) {
  const decode_issue* bad_utf8 = nullptr;   // invalid or truncated UTF-8 (passed through)
  const decode_issue* nul = nullptr;        // NUL bytes (passed through)
  const decode_issue* bad_utf16 = nullptr;  // broken UTF-16 (became U+FFFD)
  for (const decode_issue& i : m.issues) {
    const decode_issue** slot = i.kind == decode_issue_kind::nul_byte ? &nul
                                : (i.kind == decode_issue_kind::invalid_utf8 || i.kind == decode_issue_kind::truncated_utf8)
                                    ? &bad_utf8
                                    : &bad_utf16;
    if (*slot == nullptr) *slot = &i;
  }
  constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  bool located = false;
  for (size_t c = 0; c < fields.size(); ++c) {
    const std::string_view cell = fields[c];
    const std::string where = "The value in column " + in_quotes(column_label(c));
    std::string message;
    std::string_view rule;
    if (bad_utf8 && !text::is_valid_utf8(cell)) {
      rule = "encoding";
      message = where + " has bytes that are not valid UTF-8 (first bad byte " + hex_byte(bad_utf8->byte) +
                " at byte " + std::to_string(bad_utf8->original_offset) +
                " of the file); save the file as UTF-8, or choose its real encoding (often windows-1252).";
    } else if (nul && cell.find('\0') != std::string_view::npos) {
      rule = "nul_byte";
      message = where + " contains a NUL byte (byte " + std::to_string(nul->original_offset) + " of the file).";
    } else if (bad_utf16 && cell.find(replacement) != std::string_view::npos) {
      rule = "encoding";
      message = where + " has a broken UTF-16 character (" + decode_issue_name(bad_utf16->kind) + " at byte " +
                std::to_string(bad_utf16->original_offset) + " of the file); it was read as U+FFFD.";
    } else {
      continue;
    }
    located = true;
    const int f = c < map.field_of_column.size() ? map.field_of_column[c] : -1;
    if (f >= 0) {
      failures.push_back({type->fields[static_cast<size_t>(f)].name, rule, keep(std::move(message))});
    } else {
      report.add_warning(rule == "nul_byte" ? "nul_in_ignored_column" : "encoding_in_ignored_column", column_label(c),
                         message, m.line);
    }
  }
  if (!located) {  // the bytes were in a line break or a quote: still report them
    failures.push_back({"_row", "encoding",
                        keep("The row has bytes that could not be read as text (first at byte " +
                             std::to_string(m.issues.front().original_offset) + " of the file).")});
  }
}

void session::impl::warn_stray_quote(const row_meta& m) {
  report.add_warning("stray_quote", "",
                     "A quote character appears inside an unquoted value or after a closing quote; it was kept as text.",
                     m.line);
}

/// Once, at the first key the duplicate check can no longer hold (see key_set).
void session::impl::warn_keys_not_held(const row_meta& m) {
  if (keys_warned) return;
  keys_warned = true;
  const std::string& name = type->fields[static_cast<size_t>(key_field)].name;
  report.add_warning("duplicate_check_limited", name,
                     "Duplicate " + display_attribute(name) + " values are checked against the first " +
                         std::to_string(keys.size()) +
                         " distinct values only (the memory limit of the check); from this line on, new values are "
                         "not remembered, so a repeat of one of them is not reported.",
                     m.line);
}

/// In update mode a blank cell in a mapped column erases the value on the server: worth
/// a warning for every row that will be sent.
void session::impl::warn_blank_updates(const row_meta& m, std::span<const std::string_view> fields) {
  for (size_t f = 0; f < values.size(); ++f) {
    const int col = map.column_of_field[f];
    if (col < 0 || static_cast<size_t>(col) >= fields.size() || !is_blank(values[f])) continue;
    if (static_cast<int>(f) == key_field) continue;  // the key's own rule reports it
    const std::string& name = type->fields[f].name;
    report.add_warning("blank_in_update", name,
                       "Blank cells in column " + in_quotes(headers.names[static_cast<size_t>(col)]) +
                           " will erase the " + display_attribute(name) + " of existing records.",
                       m.line);
  }
}

void session::impl::fail_row(const row_meta& m, std::span<const std::string_view> fields) {
  // Messages and the record are only built when the report will read them: past the
  // first entries, without an error CSV, a failed row costs only its counts.
  const bool messages = report.wants_messages();
  for (const violation& v : violations)
    failures.push_back({type->fields[v.field].name, rule_name(rules.kind(v)),
                        messages ? std::string_view(rules.message(v)) : std::string_view()});
  record.clear();
  if (report.wants_entry()) {
    for (size_t f = 0; f < type->fields.size(); ++f) {
      const int col = map.column_of_field[f];
      if (col >= 0 && static_cast<size_t>(col) < fields.size())
        record.emplace_back(type->fields[f].name, fields[static_cast<size_t>(col)]);
      else if (map.constant_of_field[f] >= 0)
        record.emplace_back(type->fields[f].name, map.constants[static_cast<size_t>(map.constant_of_field[f])]);
    }
  }
  failed_row row;
  row.line = m.line;
  row.offset = m.original_offset;
  row.cells = fields;
  row.record = record;
  row.failures = failures;
  report.add_failed_row(row);
  ++prog.rows_failed;
}

/// A row whose cells are all empty (Excel leaves ",,,," lines below the data) is not a
/// record: it is skipped, and listed as a warning so no line goes unaccounted for.
bool session::impl::skip_empty_row(const row_meta& m, std::span<const std::string_view> fields) {
  if (m.problem != row_problem::none || !m.issues.empty() || !all_blank(fields)) return false;
  report.add_warning("empty_row", "", "Rows whose cells are all empty were skipped.", m.line);
  return true;
}

void session::impl::process_row(const row_meta& m, std::span<const std::string_view> fields) {
  if (skip_empty_row(m, fields)) return;
  begin_row_checks();
  if (m.stray_quote) warn_stray_quote(m);

  bool cells_usable = true;
  if (m.problem != row_problem::none) {
    failures.push_back({"_row", row_problem_name(m.problem), keep(structural_message(m))});
    cells_usable = false;
  } else {
    cells_usable = check_cell_count(fields.size(), fields, m.line);
  }
  if (!m.issues.empty()) check_bytes(m, fields);

  if (cells_usable) {
    map_values(fields);
    rules.check_row(values, present, violations);
    if (check_duplicate_keys) check_key(m, values[static_cast<size_t>(key_field)]);
  }
  settle_row(m, fields);
}

/// The duplicate-key check on a row's key (rows in file order: a later repeat fails).
void session::impl::check_key(const row_meta& m, std::string_view key) {
  const key_set::outcome seen = is_blank(key) ? key_set::outcome::added : keys.insert(hash_key(key));
  if (seen == key_set::outcome::not_held) warn_keys_not_held(m);
  if (seen == key_set::outcome::seen) {
    // In field order, as Laravel lists a row's messages.
    const violation dup = rules.distinct_violation(static_cast<uint16_t>(key_field));
    auto at = std::find_if(violations.begin(), violations.end(), [&](const violation& v) { return v.field > dup.field; });
    violations.insert(at, dup);
  }
}

/// A checked row becomes a clean row (and goes to the batches) or a failed one.
void session::impl::settle_row(const row_meta& m, std::span<const std::string_view> fields) {
  if (failures.empty() && violations.empty()) {
    report.add_clean_row();
    if (opt.mode == import_mode::update) warn_blank_updates(m, fields);
    if (batches) {
      for (size_t i = 0; i < batch_fields.size(); ++i) batch_values[i] = values[batch_fields[i]];
      batches->add(batch_values, m.line);
    }
    return;
  }
  fail_row(m, fields);
}

/// Queues a plain row for flush_block: one that is well formed (no structural problem, no
/// bad bytes, no stray quote, as many cells as the header, not all blank), which is nearly
/// every row. Its views are copied, not its bytes. Anything else returns false and takes
/// the row-at-a-time path.
bool session::impl::queue_row(const reader_row& r) {
  const csv_row& row = r.row;
  const size_t columns = headers.names.size();
  // Only a problem row's views end before the next feed() (views_reused): never queued.
  if (row.problem != row_problem::none || row.views_reused || row.stray_quote || !r.issues.empty() ||
      row.fields.size() != columns)
    return false;
  if (all_blank(row.fields)) return false;  // skipped with a warning by process_row
  if (block_rows.size() == block_capacity) flush_block();
  copy_views(block_cells.data() + block_rows.size() * columns, row.fields);
  block_rows.push_back({row.line, r.original_offset});
  return true;
}

/// Checks the queued rows column by column (rule_set::check_block), then settles them in
/// file order: rows with no suspect field are clean without looking at them again; the
/// others get the exact checks of their suspect fields only.
void session::impl::flush_block() {
  const size_t rows = block_rows.size();
  if (rows == 0) return;
  const size_t columns = headers.names.size();
  const size_t words = rules.suspect_words();
  suspects.resize(rows * words);
  rule_set::row_block block;
  block.cells = std::span<const std::string_view>(block_cells.data(), rows * columns);
  block.rows = rows;
  block.row_stride = columns;
  block.column_of_field = map.column_of_field;
  block.fixed_values = values;  // constants (and nothing for unmapped fields), set by resolve()
  block.present = present;
  rules.check_block(block, suspects);

  // check_duplicate_keys says the key field is mapped to a column.
  const size_t key_column = check_duplicate_keys ? static_cast<size_t>(map.column_of_field[static_cast<size_t>(key_field)]) : 0;
  // Only these read a row's values in schema order (check_fields reads the block).
  const bool clean_rows_need_values = batches.has_value() || opt.mode == import_mode::update;
  for (size_t r = 0; r < rows; ++r) {
    const std::span<const std::string_view> fields(block_cells.data() + r * columns, columns);
    const std::span<const uint64_t> row_suspects(suspects.data() + r * words, words);
    const bool suspect = std::any_of(row_suspects.begin(), row_suspects.end(), [](uint64_t w) { return w != 0; });
    block_meta.line = block_rows[r].line;  // what settling reads, with original_offset
    block_meta.original_offset = block_rows[r].original_offset;
    begin_row_checks();
    if (suspect) rules.check_fields(block, r, row_suspects, violations);
    if (clean_rows_need_values) map_values(fields);
    if (check_duplicate_keys) check_key(block_meta, fields[key_column]);
    settle_row(block_meta, fields);
  }
  block_rows.clear();
}

// ───────────────────────────── the end ─────────────────────────────

status session::impl::complete() {
  if (rd.bytes_in() == 0) return fail(errc::empty_file, opt.file_name + " is empty (0 bytes).");
  if (rd.only_bom()) return fail(errc::empty_file, opt.file_name + " holds only a byte-order mark.");
  if (!header_done) {
    return fail(errc::no_header, opt.file_name + " has no header row: it holds only blank lines" +
                                     std::string(rd.detected_dialect().sep_line ? " after its sep= line." : "."));
  }
  if (!mapping_done) {
    if (status st = resolve(); !st.ok()) return st;
    if (status st = replay_samples(); !st.ok()) return st;
  }
  if (batches) batches->flush();
  finished = true;
  prog.finished = true;
  sum.blank_lines = rd.blank_lines();
  sum.lines = rd.lines();
  sum.bytes = rd.bytes_in();
  if (batches) {
    sum.batches = batches->batches_closed();
    sum.batch_rows = batches->rows_written();
  }
  report.finish();
  if (opt.report.error_csv && sum.failed_jobs > 0) {
    sum.error_report_filename = error_report_name(opt.file_name);
    sum.error_report_size = report.error_csv_bytes();
  }
  return status::success();
}

// ───────────────────────────── public API ─────────────────────────────

result<session> session::open(const schema_registry& registry, std::string_view type_name, session_options options) {
  const import_type* type = registry.find(type_name);
  if (type == nullptr) {
    std::string known;
    for (const import_type& t : registry.types()) known += (known.empty() ? "" : ", ") + t.name;
    return status::fail(errc::unknown_type,
                        "unknown import type \"" + std::string(type_name) + "\" (expected one of: " + known + ")");
  }
  if (options.auto_map_confidence < 0 || options.auto_map_confidence > 1)
    return status::fail(errc::invalid_argument, "auto_map_confidence must be between 0 and 1");
  if (options.batch.max_rows == 0 || options.batch.max_bytes == 0)
    return status::fail(errc::invalid_argument, "batch limits must be at least 1 row and 1 byte");
  if (options.limits.max_columns == 0 || options.limits.max_field_bytes == 0 || options.limits.max_row_bytes == 0)
    return status::fail(errc::invalid_argument, "tokenizer limits must be positive");
  if (options.sniff_bytes < 1024) options.sniff_bytes = 1024;
  if (options.sample_rows == 0) options.sample_rows = 1;

  rule_options ro;
  ro.wording = options.wording;
  ro.today = options.today;
  auto compiled = rule_set::compile(*type, options.mode, ro);
  if (!compiled.ok()) return compiled.error();

  auto p = std::make_unique<impl>(*type, std::move(options), std::move(compiled).value());
  p->sum.type = type->name;
  p->sum.singular = type->singular;
  p->sum.mode = mode_name(p->opt.mode);
  p->sum.engine_version = engine_version;
  p->sum.laravel = p->opt.wording == laravel_version::v9 ? "9" : "10";
  return session(std::move(p));
}

status session::feed(std::string_view bytes) {
  impl& s = *impl_;
  if (s.failed) return status::fail(errc::invalid_state, "the import already failed: " + s.sum.fatal_message);
  if (s.finished) return status::fail(errc::invalid_state, "feed() after finish()");
  s.prog.bytes_read += bytes.size();
  s.rd.feed(bytes);
  return s.drain_rows();
}

status session::finish() {
  impl& s = *impl_;
  if (s.failed) return status::fail(errc::invalid_state, "the import already failed: " + s.sum.fatal_message);
  if (s.finished) return status::fail(errc::invalid_state, "finish() called twice");
  s.rd.finish();
  if (status st = s.drain_rows(); !st.ok()) return st;
  return s.complete();
}

const summary& session::result_summary() const noexcept { return impl_->sum; }
std::string session::summary_json(int indent) const { return preflight::summary_json(impl_->sum, indent); }
std::string session::take_error_csv() { return impl_->report.take_error_csv(); }
bool session::next_batch(batch& out) { return impl_->batches && impl_->batches->next(out); }
const header_set& session::headers() const noexcept { return impl_->headers; }
const std::vector<suggestion>& session::suggestions() const noexcept { return impl_->suggested; }
const std::vector<std::vector<std::string>>& session::sample_rows() const noexcept { return impl_->samples; }
session_progress session::progress() const noexcept { return impl_->prog; }
const import_type& session::type() const noexcept { return *impl_->type; }

std::string session::suggestions_json() const {
  return preflight::suggestions_json(*impl_->type, impl_->headers, impl_->suggested, impl_->opt.auto_map_confidence);
}

session::session(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;
session::~session() = default;

}  // namespace preflight
