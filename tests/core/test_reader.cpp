// Tests for reader.h with the tokenizer scanning in place: every encoding, any chunking, the
// caller's buffer overwritten as soon as next() has returned false (or only at the next
// feed()), and rows that must come out the same in every case.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/reader.h"

using preflight::encoding;
using preflight::reader;
using preflight::reader_options;
using preflight::reader_row;

namespace {

/// Every row as one line: its fields, offsets and issues.
std::string describe(const reader_row& r) {
  std::string s = "L" + std::to_string(r.row.line) + " @" + std::to_string(r.row.offset) + "/" +
                  std::to_string(r.original_offset) + " [";
  for (size_t k = 0; k < r.row.fields.size(); ++k) {
    if (k) s += "|";
    s += r.row.fields[k];
  }
  s += "] " + std::string(preflight::row_problem_name(r.row.problem));
  for (const auto& i : r.issues) s += " issue@" + std::to_string(i.original_offset);
  return s + "\n";
}

/// Feeds `bytes` in chunks of `chunk` (0: at once) from one reused buffer, overwritten with
/// garbage once next() has returned false. With `drain_late`, two chunks are fed before
/// draining (each from its own buffer, alive until then).
std::string read_all(std::string_view bytes, size_t chunk, bool drain_late, std::optional<encoding> forced) {
  reader_options o;
  o.sniff_bytes = 16;  // short, so that most of the input is read in place
  o.forced_encoding = forced;
  reader rd(o);
  reader_row row;
  std::string out;
  std::vector<std::unique_ptr<std::string>> buffers;
  // Rows are kept as views until next() returns false, then described: they must be valid
  // that long (problem rows excepted: they last until the next next()).
  std::vector<std::pair<std::string, std::vector<std::string_view>>> held;
  const auto drain = [&] {
    while (rd.next(row)) {
      if (row.row.views_reused) {
        held.emplace_back(describe(row), std::vector<std::string_view>{});
      } else {
        held.emplace_back(describe(row), std::vector<std::string_view>(row.row.fields.begin(), row.row.fields.end()));
      }
    }
    for (auto& [text, views] : held) {
      std::string again;
      for (size_t k = 0; k < views.size(); ++k) again += (k ? "|" : "") + std::string(views[k]);
      if (!views.empty()) CHECK(text.find("[" + again + "]") != std::string::npos);
      out += text;
    }
    held.clear();
    for (auto& b : buffers) b->assign(b->size(), '\x7f');
    buffers.clear();
  };
  if (chunk == 0) chunk = std::max<size_t>(bytes.size(), 1);
  size_t fed = 0;
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    buffers.push_back(std::make_unique<std::string>(bytes.substr(i, chunk)));
    rd.feed(*buffers.back());
    if (!drain_late || ++fed % 2 == 0) drain();
  }
  rd.finish();
  drain();
  return out;
}

std::string utf16le(std::string_view ascii_or_latin1) {
  std::string s = "\xFF\xFE";
  for (const char c : ascii_or_latin1) {
    s += c;
    s += '\0';
  }
  return s;
}

std::string utf16be(std::string_view ascii) {
  std::string s = "\xFE\xFF";
  for (const char c : ascii) {
    s += '\0';
    s += c;
  }
  return s;
}

const std::string text =
    "name,note,city\r\n"
    "ann,\"says \"\"hi\"\"\",York\r\n"
    "bob,\"two\r\nlines\",Leeds\r\n"
    "\r\n"
    "cy,plain,\"Hull\"\r\n"
    "dee,\"open,never closed\r\n"
    "eve,x,y\r\n";

std::string check_every_chunking(const std::string& bytes, std::optional<encoding> forced = std::nullopt) {
  const std::string whole = read_all(bytes, 0, false, forced);
  for (size_t chunk = 1; chunk <= 70; ++chunk) {
    INFO("chunk " << chunk);
    CHECK(read_all(bytes, chunk, false, forced) == whole);
    CHECK(read_all(bytes, chunk, true, forced) == whole);
  }
  return whole;
}

const std::string text_rows =
    "L1 @0/0 [name|note|city] none\n"
    "L2 @16/16 [ann|says \"hi\"|York] none\n"
    "L3 @40/40 [bob|two\r\nlines|Leeds] none\n"
    "L6 @66/66 [cy|plain|Hull] none\n"
    "L7 @83/83 [dee|open,never closed] unterminated_quote\n"
    "L8 @107/107 [eve|x|y] none\n";

}  // namespace

TEST_CASE("reader.utf8_in_place_any_chunking", "[reader]") { CHECK(check_every_chunking(text) == text_rows); }

TEST_CASE("reader.utf8_split_sequences_any_chunking", "[reader]") {
  // Multi-byte characters cut by chunk ends go through the reader's own decode buffer.
  check_every_chunking("n\xC3\xA4me,c\xE2\x82\xACty\n\"\xC3\xBC\"\"\xC3\xB6\",\xF0\x9F\x98\x80\nbad,\xC3\n");
}

TEST_CASE("reader.utf16_any_chunking", "[reader]") {
  const std::string le = check_every_chunking(utf16le(text), encoding::utf16le);
  CHECK(le.find("[ann|says \"hi\"|York]") != std::string::npos);
  CHECK(le.find("[bob|two\r\nlines|Leeds]") != std::string::npos);
  CHECK(check_every_chunking(utf16be(text), encoding::utf16be).find("[eve|x|y]") != std::string::npos);
}

TEST_CASE("reader.windows1252_any_chunking", "[reader]") {
  // é and € in Windows-1252, decoded into the reader's buffer, overwritten every feed.
  const std::string rows =
      check_every_chunking("name,price\ncaf\xE9,\"\x80 5\"\"\"\nna\xEFve,\"a\r\nb\"\n", encoding::windows1252);
  CHECK(rows.find("[caf\xC3\xA9|\xE2\x82\xAC 5\"]") != std::string::npos);
}
