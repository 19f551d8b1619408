// batch.h — stage 7b: the clean rows, mapped to canonical field names, as CSV batches
// ready to post to the import API (one batch = one import).
//
// Batches are deterministic: the same file, mapping and options give the same bytes, so
// a resumed upload can rebuild a batch and check its hash before re-sending it. A batch
// is closed when adding the next row would pass `max_rows` or `max_bytes` (a single row
// larger than max_bytes still gets a batch of its own rather than being lost).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

struct batch_options {
  uint32_t max_rows = 1000;          ///< rows per batch
  uint64_t max_bytes = 5u << 20;     ///< bytes per batch, header included (5 MiB)
};

struct batch {
  uint32_t index = 0;        ///< 0-based, in file order
  uint32_t rows = 0;
  uint64_t first_line = 0;   ///< physical line of the first row in the source file
  uint64_t last_line = 0;    ///< physical line of the last row
  std::string csv;           ///< header row + rows, UTF-8, CRLF line ends, no BOM
};

class batch_writer {
 public:
  /// `headers` are the canonical field names, in the order the values will come.
  batch_writer(std::vector<std::string> headers, batch_options options = {});

  /// Adds one clean row (values aligned with the headers; empty view = empty cell).
  void add(std::span<const std::string_view> values, uint64_t line);
  /// Closes the open batch (call at the end of the file).
  void flush();
  /// Takes the next completed batch; false when none is ready.
  bool next(batch& out);

  [[nodiscard]] uint32_t batches_closed() const noexcept { return closed_; }
  [[nodiscard]] uint64_t rows_written() const noexcept { return rows_total_; }
  [[nodiscard]] const std::vector<std::string>& headers() const noexcept { return headers_; }

 private:
  void start_batch();
  std::vector<std::string> headers_;
  batch_options options_;
  std::string header_line_;
  batch current_;
  bool open_ = false;
  std::string row_;  // scratch for one row, reused
  std::deque<batch> ready_;
  uint32_t closed_ = 0;
  uint64_t rows_total_ = 0;
  size_t size_hint_ = 0;  // bytes of the last closed batch: what the next one reserves
};

}  // namespace preflight
