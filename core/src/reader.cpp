// reader.cpp — sniff once, then decode and tokenize chunk by chunk.
#include "preflight/reader.h"

namespace preflight {

namespace {

/// The encoding to use when the caller forces one: the file's BOM is still a BOM when it
/// belongs to that encoding (forcing UTF-8 on a UTF-8-with-BOM file must not keep U+FEFF).
encoding_guess forced_guess(encoding forced, const encoding_guess& natural) {
  encoding_guess g;
  g.enc = forced;
  g.reason = "set by user";
  const bool bom_matches = natural.bom_bytes > 0 &&
                           (natural.enc == forced || (natural.enc == encoding::utf8_bom && forced == encoding::utf8));
  g.bom_bytes = bom_matches ? natural.bom_bytes : 0;
  if (forced == encoding::utf8 && g.bom_bytes == 3) g.enc = encoding::utf8_bom;
  return g;
}

}  // namespace

reader::reader(reader_options options) : options_(std::move(options)) {
  if (options_.sniff_bytes == 0) options_.sniff_bytes = 1;
}

void reader::start(bool whole_file) {
  // Detect on exactly the first sniff_bytes, however the caller chunked them: the same
  // file must give the same answers whatever its chunk sizes.
  const std::string_view sniffed = std::string_view(head_).substr(0, options_.sniff_bytes);
  const bool sniffed_all = whole_file && sniffed.size() == head_.size();
  guess_ = detect_encoding(sniffed, sniffed_all);
  if (options_.forced_encoding) guess_ = forced_guess(*options_.forced_encoding, guess_);
  dec_.emplace(guess_.enc, guess_.bom_bytes);

  decoded_.clear();
  dec_->feed(sniffed, decoded_);
  if (sniffed_all) dec_->finish(decoded_);
  dialect_ = detect_dialect(decoded_, options_.dialect, sniffed_all);
  tok_.emplace(dialect_, options_.limits);

  if (!sniffed_all) {  // the rest of what was held, and the end if there is no more
    dec_->feed(std::string_view(head_).substr(sniffed.size()), decoded_);
    if (whole_file) dec_->finish(decoded_);
  }
  for (const decode_issue& i : dec_->take_issues()) issues_.push_back(i);
  tok_->push(decoded_);
  head_.clear();
  head_.shrink_to_fit();
}

void reader::decode(std::string_view bytes) {
  tok_->release_input();  // decoded_ may be overwritten below (a no-op once next() was false)
  const std::string_view text = dec_->feed_view(bytes, decoded_);
  for (const decode_issue& i : dec_->take_issues()) issues_.push_back(i);
  tok_->push(text);
}

void reader::feed(std::string_view bytes) {
  if (finished_) return;
  bytes_in_ += bytes.size();
  if (tok_) {
    decode(bytes);
    return;
  }
  head_.append(bytes);
  if (head_.size() >= options_.sniff_bytes) start(false);
}

void reader::finish() {
  if (finished_) return;
  finished_ = true;
  if (!tok_) {
    start(true);
  } else {
    tok_->release_input();  // as in decode()
    decoded_.clear();
    dec_->finish(decoded_);
    for (const decode_issue& i : dec_->take_issues()) issues_.push_back(i);
    tok_->push(decoded_);
  }
  tok_->close();
}

bool reader::next(reader_row& out) {
  if (!tok_ || !tok_->next(out.row)) return false;
  const csv_row& row = out.row;
  // Asked for every row, in order: for UTF-16 and Windows-1252 this also lets the decoder
  // drop its line checkpoints as it goes.
  out.original_offset = dec_->original_offset(row.offset);
  out.issues.clear();
  const uint64_t row_end = row.offset + row.length;
  while (!issues_.empty() && issues_.front().decoded_offset < row.offset) {
    issues_.pop_front();
    ++stray_issues_;
  }
  while (!issues_.empty() && issues_.front().decoded_offset <= row_end) {
    out.issues.push_back(issues_.front());
    issues_.pop_front();
  }
  return true;
}

}  // namespace preflight
