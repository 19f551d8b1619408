// Tests for decode.h: detection, every encoding, streaming splits, issues and positions.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "preflight/decode.h"

using preflight::decode_issue;
using preflight::decode_issue_kind;
using preflight::decoder;
using preflight::detect_encoding;
using preflight::encoding;

namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s += static_cast<char>(static_cast<unsigned char>(b));
  return s;
}

std::string utf16(std::u16string_view text, bool little_endian, bool with_bom) {
  std::string s;
  if (with_bom) s += little_endian ? bytes({0xFF, 0xFE}) : bytes({0xFE, 0xFF});
  for (char16_t u : text) {
    const auto lo = static_cast<char>(u & 0xFF);
    const auto hi = static_cast<char>(u >> 8);
    if (little_endian) {
      s += lo;
      s += hi;
    } else {
      s += hi;
      s += lo;
    }
  }
  return s;
}

// One line per issue, so Catch prints a readable diff when two lists differ.
std::string describe(const std::vector<decode_issue>& issues) {
  std::string s;
  for (const decode_issue& i : issues) {
    s += preflight::decode_issue_name(i.kind);
    s += " decoded=" + std::to_string(i.decoded_offset);
    s += " original=" + std::to_string(i.original_offset);
    s += " byte=" + std::to_string(i.byte) + "\n";
  }
  return s;
}

struct decoded {
  std::string text;
  std::vector<decode_issue> issues;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
};

// Feeds `input` in chunks of `chunk` bytes (0 = all at once) and finishes.
decoded decode(std::string_view input, encoding enc, uint32_t bom, size_t chunk = 0) {
  decoder d(enc, bom);
  decoded r;
  if (chunk == 0) chunk = input.size() + 1;
  for (size_t at = 0; at < input.size(); at += chunk) d.feed(input.substr(at, chunk), r.text);
  d.finish(r.text);
  r.issues = d.take_issues();
  r.bytes_in = d.bytes_in();
  r.bytes_out = d.bytes_out();
  return r;
}

const std::string euro = "\xE2\x82\xAC";
const std::string ldquo = "\xE2\x80\x9C";
const std::string rdquo = "\xE2\x80\x9D";
const std::string endash = "\xE2\x80\x93";
const std::string e_acute = "\xC3\xA9";
const std::string trade = "\xE2\x84\xA2";
const std::string fffd = "\xEF\xBF\xBD";

}  // namespace

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.encoding_names_round_trip", "[decode]") {
  for (encoding e : {encoding::utf8, encoding::utf8_bom, encoding::utf16le, encoding::utf16be,
                     encoding::windows1252}) {
    REQUIRE(preflight::parse_encoding_name(preflight::encoding_name(e)) == e);
  }
  CHECK(std::string(preflight::encoding_name(encoding::windows1252)) == "windows-1252");
  CHECK(std::string(preflight::encoding_name(encoding::utf8_bom)) == "utf-8-bom");
}

TEST_CASE("decode.encoding_labels_follow_whatwg", "[decode]") {
  using preflight::parse_encoding_name;
  CHECK(parse_encoding_name("latin1") == encoding::windows1252);
  CHECK(parse_encoding_name("ISO-8859-1") == encoding::windows1252);
  CHECK(parse_encoding_name("ascii") == encoding::windows1252);
  CHECK(parse_encoding_name("CP1252") == encoding::windows1252);
  CHECK(parse_encoding_name(" UTF8 ") == encoding::utf8);
  CHECK(parse_encoding_name("utf-16") == encoding::utf16le);
  CHECK(parse_encoding_name("UTF-16BE") == encoding::utf16be);
  CHECK(parse_encoding_name("utf-8-sig") == encoding::utf8_bom);
  CHECK_FALSE(parse_encoding_name("shift_jis").has_value());
  CHECK_FALSE(parse_encoding_name("").has_value());
  CHECK_FALSE(parse_encoding_name("utf-88").has_value());
}

TEST_CASE("decode.issue_names", "[decode]") {
  CHECK(std::string(preflight::decode_issue_name(decode_issue_kind::invalid_utf8)) ==
        "invalid_utf8");
  CHECK(std::string(preflight::decode_issue_name(decode_issue_kind::nul_byte)) == "nul_byte");
  CHECK(std::string(preflight::decode_issue_name(decode_issue_kind::unpaired_surrogate)) ==
        "unpaired_surrogate");
  CHECK(std::string(preflight::decode_issue_name(decode_issue_kind::odd_byte_count)) ==
        "odd_byte_count");
  CHECK(std::string(preflight::decode_issue_name(decode_issue_kind::truncated_utf8)) ==
        "truncated_utf8");
}

// ---------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.detect_boms", "[decode]") {
  auto g = detect_encoding(bytes({0xEF, 0xBB, 0xBF, 'a', ',', 'b'}), true);
  CHECK(g.enc == encoding::utf8_bom);
  CHECK(g.bom_bytes == 3);
  CHECK(g.reason == "UTF-8 BOM");

  g = detect_encoding(bytes({0xFF, 0xFE, 'a', 0}), true);
  CHECK(g.enc == encoding::utf16le);
  CHECK(g.bom_bytes == 2);
  CHECK(g.reason == "UTF-16LE BOM");

  g = detect_encoding(bytes({0xFE, 0xFF, 0, 'a'}), true);
  CHECK(g.enc == encoding::utf16be);
  CHECK(g.bom_bytes == 2);

  // A BOM on its own is still a BOM (the "BOM only" file).
  g = detect_encoding(bytes({0xEF, 0xBB, 0xBF}), true);
  CHECK(g.enc == encoding::utf8_bom);
}

TEST_CASE("decode.detect_utf8_and_ascii", "[decode]") {
  auto g = detect_encoding("email,name\r\na@b.c,Zo" "\xC3\xAB\r\n", true);
  CHECK(g.enc == encoding::utf8);
  CHECK(g.bom_bytes == 0);
  CHECK(g.reason == "valid UTF-8");

  g = detect_encoding("", true);
  CHECK(g.enc == encoding::utf8);
  CHECK(g.reason == "empty input; assuming UTF-8");
}

TEST_CASE("decode.detect_windows1252_names_first_bad_byte", "[decode]") {
  // "caf\xE9," : é in Windows-1252 is 0xE9 followed by ',' — not a UTF-8 continuation.
  const std::string head = "name\ncaf" + bytes({0xE9}) + ",x " + bytes({0x93}) + "q" +
                           bytes({0x94}) + "\n";
  const auto g = detect_encoding(head, false);
  CHECK(g.enc == encoding::windows1252);
  CHECK(g.bom_bytes == 0);
  CHECK(g.reason == "invalid UTF-8 at byte 8 (0xE9); bytes look like Windows-1252");
}

TEST_CASE("decode.detect_cut_sequence_in_partial_head_is_not_an_error", "[decode]") {
  const std::string head = "a,b\nx," + bytes({0xE2, 0x82});  // € cut after two bytes
  CHECK(detect_encoding(head, false).enc == encoding::utf8);
  const auto whole = detect_encoding(head, true);
  CHECK(whole.enc == encoding::windows1252);
  CHECK(whole.reason == "invalid UTF-8 at byte 6 (0xE2); bytes look like Windows-1252");
}

TEST_CASE("decode.detect_utf16_without_bom_by_nul_pattern", "[decode]") {
  const std::u16string text = u"email\tname\r\na@b.c\tAnn\r\n";
  auto g = detect_encoding(utf16(text, true, false), true);
  CHECK(g.enc == encoding::utf16le);
  CHECK(g.bom_bytes == 0);
  CHECK(g.reason == "NUL pattern of UTF-16LE without BOM");

  g = detect_encoding(utf16(text, false, false), true);
  CHECK(g.enc == encoding::utf16be);
  CHECK(g.reason == "NUL pattern of UTF-16BE without BOM");
}

TEST_CASE("decode.detect_a_few_nuls_stay_utf8", "[decode]") {
  std::string head = "id,name,notes\n1,Ann,hello\n2,Bob,wor";
  head += '\0';
  head += "ld\n3,Cy,x\n";
  head += '\0';
  auto g = detect_encoding(head, true);
  CHECK(g.enc == encoding::utf8);

  // All NULs is not UTF-16 either: no one-sided pattern.
  g = detect_encoding(std::string(64, '\0'), true);
  CHECK(g.enc == encoding::utf8);
}

// ---------------------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.utf8_passes_through", "[decode]") {
  const std::string input = "a,b\n" + e_acute + "," + euro + "\n";
  const auto r = decode(input, encoding::utf8, 0);
  CHECK(r.text == input);
  CHECK(r.issues.empty());
  CHECK(r.bytes_in == input.size());
  CHECK(r.bytes_out == input.size());
}

TEST_CASE("decode.utf8_bom_is_stripped_even_when_split", "[decode]") {
  const std::string input = bytes({0xEF, 0xBB, 0xBF}) + "email\n";
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{2}}) {
    const auto r = decode(input, encoding::utf8_bom, 3, chunk);
    CHECK(r.text == "email\n");
    CHECK(r.bytes_in == input.size());
    CHECK(r.bytes_out == 6);
  }
}

TEST_CASE("decode.utf8_multibyte_split_across_chunks", "[decode]") {
  const std::string input = "x" + e_acute + euro + "\xF0\x9F\x98\x80" "y";
  for (size_t split = 0; split <= input.size(); ++split) {
    decoder d(encoding::utf8);
    std::string out;
    d.feed(std::string_view(input).substr(0, split), out);
    d.feed(std::string_view(input).substr(split), out);
    d.finish(out);
    INFO("split at " << split);
    CHECK(out == input);
    CHECK(d.issues().empty());
  }
}

TEST_CASE("decode.feed_view_matches_feed_and_copies_nothing_for_utf8", "[decode]") {
  // Every pair of cuts, with a BOM, a multibyte run, an invalid byte and a NUL: the views
  // joined must equal what feed() appends, with the same issues at the same offsets.
  const std::string input = "\xEF\xBB\xBF" "a" + e_acute + euro + "\xFF" + std::string(1, '\0') + "\xF0\x9F\x98\x80" "z";
  for (size_t cut1 = 0; cut1 <= input.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= input.size(); ++cut2) {
      decoder by_view(encoding::utf8_bom, 3);
      decoder by_copy(encoding::utf8_bom, 3);
      std::string joined, copied, scratch;
      for (const std::string_view piece : {std::string_view(input).substr(0, cut1),
                                           std::string_view(input).substr(cut1, cut2 - cut1),
                                           std::string_view(input).substr(cut2)}) {
        const std::string_view v = by_view.feed_view(piece, scratch);
        const bool inside_piece = v.empty() || (v.data() >= piece.data() && v.data() + v.size() <= piece.data() + piece.size());
        // Nothing pending and past the BOM: the text is the caller's own bytes.
        if (v.data() != scratch.data()) CHECK(inside_piece);
        joined.append(v);
        by_copy.feed(piece, copied);
      }
      by_view.finish(joined);
      by_copy.finish(copied);
      INFO("cuts at " << cut1 << ", " << cut2);
      CHECK(joined == copied);
      REQUIRE(by_view.issues().size() == by_copy.issues().size());
      for (size_t k = 0; k < by_view.issues().size(); ++k) {
        CHECK(by_view.issues()[k].decoded_offset == by_copy.issues()[k].decoded_offset);
        CHECK(by_view.issues()[k].original_offset == by_copy.issues()[k].original_offset);
      }
      CHECK(by_view.bytes_in() == by_copy.bytes_in());
      CHECK(by_view.bytes_out() == by_copy.bytes_out());
    }
  }
  // The hot path really is a view: one clean chunk comes back as the same pointer.
  decoder d(encoding::utf8);
  std::string scratch;
  const std::string clean = "name,email\nAda,ada@example.com\n";
  CHECK(d.feed_view(clean, scratch).data() == clean.data());
}

TEST_CASE("decode.utf8_invalid_kinds_with_exact_offsets", "[decode]") {
  // offset:           0    1    2    3    4    5    6    7    8    9   10   11   12   13
  const std::string input = bytes({'a', 0xC0, 0xAF, 'b', 0xED, 0xA0, 0x80, 'c', 0xF4, 0x90, 0x80,
                                   0x80, 0x80, 'd', 0xE2, 0x82, 'e', 0xF5, 'f'});
  const auto r = decode(input, encoding::utf8, 0);
  CHECK(r.text == input);  // passed through unchanged
  REQUIRE(r.issues.size() == 12);
  const std::vector<std::pair<uint64_t, int>> expected = {
      {1, 0xC0},   // overlong lead: never valid
      {2, 0xAF},   // then a lone continuation byte
      {4, 0xED},   // CESU-8 surrogate: ED must be followed by 80–9F
      {5, 0xA0}, {6, 0x80},
      {8, 0xF4},   // above U+10FFFF: F4 must be followed by 80–8F
      {9, 0x90}, {10, 0x80}, {11, 0x80}, {12, 0x80},
      {14, 0xE2},  // E2 82 then 'e': one ill-formed sequence of two bytes
      {17, 0xF5},  // F5 can never start a sequence
  };
  size_t k = 0;
  for (const auto& [offset, byte] : expected) {
    INFO("issue " << k);
    CHECK(r.issues[k].kind == decode_issue_kind::invalid_utf8);
    CHECK(r.issues[k].decoded_offset == offset);
    CHECK(r.issues[k].original_offset == offset);
    CHECK(r.issues[k].byte == byte);
    ++k;
  }
}

TEST_CASE("decode.utf8_overlong_three_byte_and_lone_continuation", "[decode]") {
  const std::string input = bytes({0xE0, 0x80, 0xAF, 0x80, 'z'});
  const auto r = decode(input, encoding::utf8, 0);
  REQUIRE(r.issues.size() == 4);
  for (size_t k = 0; k < 4; ++k) {
    CHECK(r.issues[k].kind == decode_issue_kind::invalid_utf8);
    CHECK(r.issues[k].original_offset == k);
  }
  CHECK(r.text == input);
}

TEST_CASE("decode.utf8_offsets_with_bom", "[decode]") {
  const std::string input = bytes({0xEF, 0xBB, 0xBF, 'a', ',', 0x93, '\n'});
  const auto r = decode(input, encoding::utf8_bom, 3);
  CHECK(r.text == bytes({'a', ',', 0x93, '\n'}));
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].kind == decode_issue_kind::invalid_utf8);
  CHECK(r.issues[0].decoded_offset == 2);
  CHECK(r.issues[0].original_offset == 5);
  CHECK(r.issues[0].byte == 0x93);
}

TEST_CASE("decode.utf8_truncated_at_end_of_file", "[decode]") {
  const std::string input = "ab" + bytes({0xF0, 0x9F, 0x98});
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{2}}) {
    const auto r = decode(input, encoding::utf8, 0, chunk);
    CHECK(r.text == input);
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].kind == decode_issue_kind::truncated_utf8);
    CHECK(r.issues[0].original_offset == 2);
    CHECK(r.issues[0].byte == 0xF0);
  }
}

TEST_CASE("decode.utf8_nul_bytes_are_issues_and_kept", "[decode]") {
  std::string input = "a,b\nc";
  input += '\0';
  input += ",d\n";
  input += '\0';
  const auto r = decode(input, encoding::utf8, 0);
  CHECK(r.text == input);
  REQUIRE(r.issues.size() == 2);
  CHECK(r.issues[0].kind == decode_issue_kind::nul_byte);
  CHECK(r.issues[0].decoded_offset == 5);
  CHECK(r.issues[1].original_offset == 9);
}

TEST_CASE("decode.take_issues_empties_the_list", "[decode]") {
  decoder d(encoding::utf8);
  std::string out;
  d.feed(bytes({'a', 0x80}), out);
  CHECK(d.issues().size() == 1);
  CHECK(d.take_issues().size() == 1);
  CHECK(d.issues().empty());
  d.feed(bytes({0x80}), out);
  CHECK(d.take_issues().at(0).original_offset == 2);
}

TEST_CASE("decode.feed_appends_without_clearing", "[decode]") {
  decoder d(encoding::windows1252);
  std::string out = "kept:";
  d.feed("ab", out);
  d.finish(out);
  CHECK(out == "kept:ab");
  CHECK(d.bytes_out() == 2);
}

// ---------------------------------------------------------------------------------------
// Windows-1252
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.windows1252_smart_quotes_euro_dash", "[decode]") {
  const std::string input = bytes({0x80, ' ', 0x93, 'h', 'i', 0x94, ' ', 0x96, ' ', 'c', 'a', 'f',
                                   0xE9, 0x99, '\n'});
  const auto r = decode(input, encoding::windows1252, 0);
  CHECK(r.text == euro + " " + ldquo + "hi" + rdquo + " " + endash + " caf" + e_acute + trade +
                      "\n");
  CHECK(r.issues.empty());
  CHECK(r.bytes_in == input.size());
  CHECK(r.bytes_out == r.text.size());
}

TEST_CASE("decode.windows1252_full_high_table", "[decode]") {
  // The WHATWG index for 0x80–0x9F; undefined bytes map to the C1 control of that value.
  const uint32_t expected[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
  };
  for (int b = 0x80; b <= 0xFF; ++b) {
    const uint32_t cp = b < 0xA0 ? expected[b - 0x80] : static_cast<uint32_t>(b);
    std::string want;
    if (cp < 0x800) {
      want += static_cast<char>(0xC0 | (cp >> 6));
      want += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      want += static_cast<char>(0xE0 | (cp >> 12));
      want += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      want += static_cast<char>(0x80 | (cp & 0x3F));
    }
    INFO("byte " << b);
    CHECK(decode(bytes({b}), encoding::windows1252, 0).text == want);
  }
}

TEST_CASE("decode.windows1252_ascii_and_nul", "[decode]") {
  std::string input = "plain ascii, 123\r\n";
  input += '\0';
  const auto r = decode(input, encoding::windows1252, 0);
  CHECK(r.text == input);
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].kind == decode_issue_kind::nul_byte);
  CHECK(r.issues[0].original_offset == 18);
  CHECK(r.issues[0].decoded_offset == 18);
}

// ---------------------------------------------------------------------------------------
// UTF-16
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.utf16le_and_be_with_bom", "[decode]") {
  const std::u16string text = u"name\tcity\r\nZo\u00EB\t\u20AC\r\n";
  const std::string want = "name\tcity\r\nZo" + bytes({0xC3, 0xAB}) + "\t" + euro + "\r\n";
  for (bool le : {true, false}) {
    const auto r = decode(utf16(text, le, true), le ? encoding::utf16le : encoding::utf16be, 2);
    CHECK(r.text == want);
    CHECK(r.issues.empty());
    CHECK(r.bytes_in == 2 + 2 * text.size());
    CHECK(r.bytes_out == want.size());
  }
}

TEST_CASE("decode.utf16_surrogate_pair_split_at_every_byte", "[decode]") {
  // U+1F600 is D83D DE00.
  const std::u16string text = u"a\U0001F600b";
  const std::string want = "a\xF0\x9F\x98\x80" "b";
  for (bool le : {true, false}) {
    const std::string input = utf16(text, le, true);
    const encoding enc = le ? encoding::utf16le : encoding::utf16be;
    for (size_t split = 0; split <= input.size(); ++split) {
      decoder d(enc, 2);
      std::string out;
      d.feed(std::string_view(input).substr(0, split), out);
      d.feed(std::string_view(input).substr(split), out);
      d.finish(out);
      INFO("le=" << le << " split at " << split);
      CHECK(out == want);
      CHECK(d.issues().empty());
    }
    const auto bytewise = decode(input, enc, 2, 1);
    CHECK(bytewise.text == want);
    CHECK(bytewise.issues.empty());
  }
}

TEST_CASE("decode.utf16_unpaired_surrogates_become_fffd", "[decode]") {
  // high + 'x', lone low, high at the very end.
  const std::u16string text = {u'a', char16_t(0xD83D), u'x', char16_t(0xDE00), u'b',
                               char16_t(0xD800)};
  const std::string input = utf16(text, true, true);
  const auto r = decode(input, encoding::utf16le, 2);
  CHECK(r.text == "a" + fffd + "x" + fffd + "b" + fffd);
  REQUIRE(r.issues.size() == 3);
  CHECK(r.issues[0].kind == decode_issue_kind::unpaired_surrogate);
  CHECK(r.issues[0].original_offset == 4);
  CHECK(r.issues[0].decoded_offset == 1);
  CHECK(r.issues[0].byte == 0x3D);  // the first byte of D83D in little endian
  CHECK(r.issues[1].original_offset == 8);
  CHECK(r.issues[1].decoded_offset == 5);
  CHECK(r.issues[2].original_offset == 12);
  CHECK(r.issues[2].decoded_offset == 9);
}

TEST_CASE("decode.utf16_odd_byte_count", "[decode]") {
  const std::string input = utf16(u"ab", true, true) + bytes({0x41});
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{2}, size_t{3}}) {
    const auto r = decode(input, encoding::utf16le, 2, chunk);
    CHECK(r.text == "ab" + fffd);
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].kind == decode_issue_kind::odd_byte_count);
    CHECK(r.issues[0].original_offset == 6);
    CHECK(r.issues[0].decoded_offset == 2);
    CHECK(r.issues[0].byte == 0x41);
  }
}

TEST_CASE("decode.utf16_nul_code_unit_is_emitted_and_recorded", "[decode]") {
  const std::u16string text = {u'a', u',', char16_t(0), u'\n'};
  const auto r = decode(utf16(text, false, true), encoding::utf16be, 2);
  CHECK(r.text == std::string("a,\0\n", 4));
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].kind == decode_issue_kind::nul_byte);
  CHECK(r.issues[0].decoded_offset == 2);
  CHECK(r.issues[0].original_offset == 6);
}

TEST_CASE("decode.utf16_without_bom_decodes_from_offset_zero", "[decode]") {
  const std::string input = utf16(u"id\n7\n", true, false);
  decoder d(encoding::utf16le, 0);
  std::string out;
  d.feed(input, out);
  d.finish(out);
  CHECK(out == "id\n7\n");
  CHECK(d.original_offset(0) == 0);
  CHECK(d.original_offset(3) == 6);
}

// ---------------------------------------------------------------------------------------
// original_offset
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.original_offset_utf8_is_decoded_plus_bom", "[decode]") {
  decoder plain(encoding::utf8);
  CHECK(plain.original_offset(0) == 0);
  CHECK(plain.original_offset(1234) == 1234);
  decoder with_bom(encoding::utf8_bom, 3);
  CHECK(with_bom.original_offset(0) == 3);
  CHECK(with_bom.original_offset(10) == 13);
}

TEST_CASE("decode.original_offset_rows_in_utf16", "[decode]") {
  // Rows: "h\u00E9\r\n" (CRLF), "\u20AC,x\n" (LF), "y\r" (CR), "z".
  const std::u16string text = u"h\u00E9\r\n\u20AC,x\ny\rz";
  const std::string input = utf16(text, true, true);
  decoder d(encoding::utf16le, 2);
  std::string out;
  for (size_t at = 0; at < input.size(); at += 3) d.feed(input.substr(at, 3), out);
  d.finish(out);
  REQUIRE(out == "h" + e_acute + "\r\n" + euro + ",x\ny\rz");
  // Decoded row starts: 0, 5 (after CRLF), 11 (after LF), 13 (after CR).
  CHECK(d.original_offset(0) == 2);
  CHECK(d.original_offset(5) == 2 + 4 * 2);
  CHECK(d.original_offset(5) == 10);  // asking twice is allowed
  CHECK(d.original_offset(11) == 2 + 8 * 2);
  CHECK(d.original_offset(13) == 2 + 10 * 2);
}

TEST_CASE("decode.original_offset_rows_in_windows1252", "[decode]") {
  // "caf\xE9\r\n\x80\n\x93q\x94\rz": multi-byte output makes decoded and original differ.
  const std::string input = bytes({'c', 'a', 'f', 0xE9, '\r', '\n', 0x80, '\n', 0x93, 'q', 0x94,
                                   '\r', 'z'});
  decoder d(encoding::windows1252);
  std::string out;
  d.feed(input, out);
  d.finish(out);
  REQUIRE(out == "caf" + e_acute + "\r\n" + euro + "\n" + ldquo + "q" + rdquo + "\rz");
  CHECK(d.original_offset(0) == 0);
  CHECK(d.original_offset(7) == 6);    // after CRLF
  CHECK(d.original_offset(11) == 8);   // after "€\n"
  CHECK(d.original_offset(19) == 12);  // after "“q”\r"
}

TEST_CASE("decode.original_offset_misuse_gives_a_lower_bound", "[decode]") {
  decoder d(encoding::windows1252);
  std::string out;
  d.feed(bytes({'a', '\n', 0xE9, 'b', '\n', 'c'}), out);
  // 3 is inside the row that starts at decoded 2 (original 2): the answer is that start.
  CHECK(d.original_offset(3) == 2);
  // Far past the data: the last checkpoint (decoded 6, original 5).
  CHECK(d.original_offset(100) == 5);
  // Going backwards is misuse too: no crash, still a lower bound of what is kept.
  CHECK(d.original_offset(0) == 0);
}

// ---------------------------------------------------------------------------------------
// Property: the chunking never changes the output or the issues
// ---------------------------------------------------------------------------------------

TEST_CASE("decode.chunk_size_never_changes_the_result", "[decode]") {
  struct sample {
    std::string input;
    encoding enc;
    uint32_t bom;
  };
  std::string nul_and_bad = "id,name\n1,Zo" + e_acute + "\n2,";
  nul_and_bad += '\0';
  nul_and_bad += bytes({0xC0, 0xAF, 0xE2, 0x82, ',', 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x80,
                        0xF4, 0x90, 0x80, 0x80, '\n', 0xE2, 0x82});
  std::string long_valid;
  for (int i = 0; i < 300; ++i) {
    long_valid += "row " + std::to_string(i) + "," + euro + e_acute + "\n";
  }

  const std::vector<sample> samples = {
      {nul_and_bad, encoding::utf8, 0},
      {bytes({0xEF, 0xBB, 0xBF}) + long_valid, encoding::utf8_bom, 3},
      {long_valid + bytes({0x80, 0x80}), encoding::utf8, 0},
      {bytes({0x80, 0x93, 'a', 0x94, '\r', '\n', 0x00, 0xFF, '\r', 'x'}), encoding::windows1252, 0},
      {utf16(u"a\U0001F600b\r\nc\u20AC\0d\n", true, true) + bytes({0x3D, 0xD8, 'x', 0}),
       encoding::utf16le, 2},
      {utf16(u"x\U0001F600\nz", false, true) + bytes({0x00}), encoding::utf16be, 2},
      {utf16(std::u16string(1, char16_t(0xDC00)) + u"k", true, false), encoding::utf16le, 0},
  };

  std::vector<size_t> chunk_sizes;
  for (size_t c = 1; c <= 17; ++c) chunk_sizes.push_back(c);
  chunk_sizes.push_back(4096);

  for (size_t s = 0; s < samples.size(); ++s) {
    const sample& smp = samples[s];
    const auto whole = decode(smp.input, smp.enc, smp.bom);
    for (size_t chunk : chunk_sizes) {
      const auto parts = decode(smp.input, smp.enc, smp.bom, chunk);
      INFO("sample " << s << " chunk " << chunk);
      CHECK(parts.text == whole.text);
      CHECK(describe(parts.issues) == describe(whole.issues));
      CHECK(parts.bytes_out == whole.bytes_out);
    }
  }
  // The samples do exercise issues (so the comparison above compares something).
  CHECK(decode(samples[0].input, encoding::utf8, 0).issues.size() == 12);
}

TEST_CASE("decode.utf8_issues_are_found_wherever_they_sit_in_plain_text", "[decode]") {
  // The validators work in blocks (simdjson's 64 bytes; on Wasm, 64-byte blocks of plain
  // ASCII or two-byte sequences are settled apart): a problem (or a valid sequence) must be
  // read the same at any position, before, on or after a block edge, alone or with another
  // one a block or two later.
  const std::string plain(400, 'a');
  struct insert {
    std::string bytes;
    std::vector<std::pair<size_t, decode_issue_kind>> issues;  // (offset in the insert, kind)
  };
  constexpr auto bad = decode_issue_kind::invalid_utf8;
  const std::vector<insert> inserts = {
      {bytes({0xFF}), {{0, bad}}},
      {std::string(1, '\0'), {{0, decode_issue_kind::nul_byte}}},
      {bytes({0xE2, 0x82}), {{0, bad}}},  // cut before 'a'
      {euro, {}},
      {bytes({0xF0, 0x9F, 0x98, 0x80}), {}},
      {e_acute, {}},
      {e_acute + e_acute + "x" + bytes({0xC2, 0xA3}), {}},  // two-byte sequences in a row
      {bytes({0xC3}), {{0, bad}}},                         // a lead byte, then 'a'
      {bytes({0xA9}), {{0, bad}}},                         // a continuation byte alone
      {bytes({0xC3, 0xC3, 0xA9}), {{0, bad}}},             // a lead byte cut by another
      {bytes({0xC1, 0xBF}), {{0, bad}, {1, bad}}},         // overlong, never valid
      {e_acute + std::string(1, '\0') + euro, {{2, decode_issue_kind::nul_byte}}},
  };
  for (const insert& first : inserts) {
    for (size_t at = 0; at < 200; ++at) {
      for (const size_t gap : {size_t{0}, size_t{64}, size_t{131}}) {
        std::string input = plain;
        input.replace(at, first.bytes.size(), first.bytes);
        std::vector<std::pair<uint64_t, decode_issue_kind>> expected;
        for (const auto& [offset, kind] : first.issues) expected.emplace_back(at + offset, kind);
        if (gap != 0) {  // a second problem further on
          const size_t second = at + first.bytes.size() + gap;
          input[second] = '\0';
          expected.emplace_back(second, decode_issue_kind::nul_byte);
        }
        const auto r = decode(input, encoding::utf8, 0);
        INFO("issues " << describe(r.issues) << " at " << at << " gap " << gap);
        CHECK(r.text == input);
        REQUIRE(r.issues.size() == expected.size());
        for (size_t k = 0; k < expected.size(); ++k) {
          CHECK(r.issues[k].decoded_offset == expected[k].first);
          CHECK(r.issues[k].kind == expected[k].second);
        }
      }
    }
  }
}
