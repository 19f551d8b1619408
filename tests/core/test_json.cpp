// json_writer: punctuation, escaping, pretty printing.
#include <catch2/catch.hpp>

#include "preflight/json.h"

using preflight::json_writer;

TEST_CASE("json.compact_object_and_array", "[json]") {
  json_writer w;
  w.begin_object();
  w.key("type"); w.value("clients");
  w.key("rows"); w.value(uint64_t{3});
  w.key("neg"); w.value(int64_t{-2});
  w.key("ok"); w.value(true);
  w.key("none"); w.null();
  w.key("list"); w.begin_array(); w.value("a"); w.value(1); w.begin_object(); w.end_object(); w.end_array();
  w.key("empty"); w.begin_array(); w.end_array();
  w.end_object();
  CHECK(w.str() == R"({"type":"clients","rows":3,"neg":-2,"ok":true,"none":null,"list":["a",1,{}],"empty":[]})");
}

TEST_CASE("json.pretty_printing", "[json]") {
  json_writer w(2);
  w.begin_object();
  w.key("a"); w.begin_array(); w.value(1); w.value(2); w.end_array();
  w.key("b"); w.begin_object(); w.end_object();
  w.end_object();
  CHECK(w.str() == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
}

TEST_CASE("json.string_escaping", "[json]") {
  std::string out;
  static constexpr char text[] = "q\" b\\ n\n r\r t\t \x01 \x1f";
  preflight::append_json_string(out, std::string_view(text, sizeof text - 1));
  CHECK(out == R"("q\" b\\ n\n r\r t\t \u0001 \u001f")");
}

TEST_CASE("json.utf8_kept_and_invalid_bytes_replaced", "[json]") {
  std::string out;
  preflight::append_json_string(out, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(out == "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  out.clear();
  preflight::append_json_string(out, "a\x93z \xC3 \xED\xA0\x80");  // 1252 quote, truncated, surrogate
  CHECK(out == R"("a\ufffdz \ufffd \ufffd\ufffd\ufffd")");
}

TEST_CASE("json.fixed_decimals_and_non_finite", "[json]") {
  json_writer w;
  w.begin_array();
  w.value_fixed(0.85, 2); w.value_fixed(1e300 * 1e300, 2); w.value_fixed(2.0, 2); w.value_fixed(0.05, 2);
  w.value_fixed(-1.5, 1); w.value_fixed(-0.004, 2); w.value_fixed(7.6, 0); w.value_fixed(1e300, 2);
  w.end_array();
  CHECK(w.str() == "[0.85,null,2.00,0.05,-1.5,0.00,8,null]");
}

TEST_CASE("json.raw_inserts_text", "[json]") {
  json_writer w;
  w.begin_object(); w.key("x"); w.raw("[1,2]"); w.key("y"); w.value("z"); w.end_object();
  CHECK(w.str() == R"({"x":[1,2],"y":"z"})");
}
