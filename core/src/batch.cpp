// batch.cpp — clean rows as CSV batches under canonical headers (exact cells, CRLF).
//
// add() writes the row straight into the open batch; only the rare row that would push a
// batch past max_bytes is moved (through the reused `row_` scratch) into the next one.
// A batch is closed as soon as no further row can join it, so the host can post it
// without waiting for the next row.
#include "preflight/batch.h"

#include <algorithm>
#include <utility>

#include "preflight/csv_writer.h"

namespace preflight {

namespace {

constexpr auto exact = csv_cell_policy::exact;
/// What the first batch reserves before we know how large rows are.
constexpr size_t first_batch_reserve = 64u << 10;

}  // namespace

batch_writer::batch_writer(std::vector<std::string> headers, batch_options options)
    : headers_(std::move(headers)), options_(options) {
  if (options_.max_rows == 0) options_.max_rows = 1;  // a batch always holds at least one row
  const std::vector<std::string_view> views(headers_.begin(), headers_.end());
  append_csv_row(header_line_, views, exact);
}

void batch_writer::start_batch() {
  current_ = batch{};
  current_.index = closed_;
  // Batches of one file tend to be alike: reserve what the last one took, never more
  // than a batch may hold.
  const size_t guess = size_hint_ != 0 ? size_hint_ : first_batch_reserve;
  const size_t cap = static_cast<size_t>(std::min<uint64_t>(options_.max_bytes, SIZE_MAX));
  current_.csv.reserve(std::max(std::min(guess, cap), header_line_.size()));
  current_.csv.append(header_line_);
  open_ = true;
}

void batch_writer::add(std::span<const std::string_view> values, uint64_t line) {
  if (!open_) start_batch();
  const size_t mark = current_.csv.size();
  append_csv_row(current_.csv, values, exact);
  if (current_.rows != 0 && current_.csv.size() > options_.max_bytes) {
    // This row would pass max_bytes: it opens the next batch instead.
    row_.assign(current_.csv, mark);
    current_.csv.resize(mark);
    flush();
    start_batch();
    current_.csv.append(row_);
  }
  if (current_.rows == 0) current_.first_line = line;
  current_.last_line = line;
  ++current_.rows;
  ++rows_total_;
  // Full by rows, or so full that any next row (at least "\r\n") would pass max_bytes;
  // this also gives an oversized single row its own batch.
  if (current_.rows >= options_.max_rows || current_.csv.size() >= options_.max_bytes) flush();
}

void batch_writer::flush() {
  if (!open_) return;
  open_ = false;
  if (current_.rows == 0) return;  // a batch is only opened for a row; kept for safety
  size_hint_ = current_.csv.size();
  ready_.push_back(std::move(current_));
  ++closed_;
}

bool batch_writer::next(batch& out) {
  if (ready_.empty()) return false;
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace preflight
