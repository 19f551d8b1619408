// session: the stages together — modes, mapping, bad input, accounting, and the chunking
// invariant end to end. Most cases use a small custom type ("people") loaded at run time,
// so they pin the session's behaviour rather than the built-in schemas' contents.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "preflight/session.h"

using namespace preflight;

namespace {

constexpr const char* people_schema = R"({
  "type": "people", "singular": "person", "label": "People", "key": "uuid",
  "fields": [
    {"name": "uuid", "label": "UUID", "type": "uuid", "rules": "nullable|uuid",
     "modes": {"store": "prohibited", "update": "required|uuid"}},
    {"name": "first_name", "label": "First name", "type": "string", "rules": "required|string|max:20"},
    {"name": "email", "label": "Email", "type": "email", "rules": "nullable|email"},
    {"name": "age", "label": "Age", "type": "integer", "rules": "nullable|integer|between:0,130"},
    {"name": "send_welcome_email", "label": "Send welcome email", "type": "boolean", "rules": "required|boolean"}
  ]
})";

schema_registry registry() {
  auto reg = schema_registry::builtin();
  REQUIRE(reg.ok());
  schema_registry r = std::move(reg).value();
  REQUIRE(r.load_json(people_schema, "people.json").ok());
  return r;
}

struct outcome {
  status st;
  std::string json;
  std::string errors_csv;
  std::string batches;
  summary sum;
};

outcome run(std::string_view file, session_options opt, size_t chunk = 0, std::string_view type = "people") {
  static const schema_registry reg = registry();
  opt.today = "2026-01-15";
  opt.batches = true;
  auto opened = session::open(reg, type, opt);
  REQUIRE(opened.ok());
  session s = std::move(opened).value();
  outcome o;
  auto drain = [&] {
    o.errors_csv += s.take_error_csv();
    batch b;
    while (s.next_batch(b)) o.batches += b.csv;
  };
  if (chunk == 0) chunk = file.size() ? file.size() : 1;
  for (size_t i = 0; i < file.size() && o.st.ok(); i += chunk) {
    o.st = s.feed(file.substr(i, chunk));
    drain();
  }
  if (o.st.ok()) o.st = s.finish();
  drain();
  o.json = s.summary_json(0);
  o.sum = s.result_summary();
  return o;
}

std::vector<std::string> messages_of(const summary& s, size_t entry, const std::string& field) {
  for (const auto& fm : s.errors.at(entry).errors)
    if (fm.field == field) return fm.messages;
  return {};
}

}  // namespace

TEST_CASE("session.clean_and_failed_rows_are_counted_once", "[session]") {
  const std::string file =
      "first_name,email,age,send_welcome_email\n"
      "Ada,ada@example.com,36,1\n"
      "Alan,not-an-email,41,0\n"
      ",grace@example.com,200,maybe\n"
      "Linus,linus@example.com,,true\n";
  outcome o = run(file, {});
  REQUIRE(o.st.ok());
  CHECK(o.sum.total_jobs == 4);
  CHECK(o.sum.failed_jobs == 2);
  CHECK(o.sum.clean_rows == 2);
  CHECK(o.sum.total_jobs == o.sum.clean_rows + o.sum.failed_jobs);
  REQUIRE(o.sum.errors.size() == 2);
  CHECK(o.sum.errors[0].line == 3);
  CHECK(messages_of(o.sum, 0, "email") == std::vector<std::string>{"The email field must be a valid email address."});
  CHECK(o.sum.errors[1].line == 4);
  CHECK(messages_of(o.sum, 1, "first_name") == std::vector<std::string>{"The first name field is required."});
  CHECK(messages_of(o.sum, 1, "age") == std::vector<std::string>{"The age field must be between 0 and 130."});
  CHECK(messages_of(o.sum, 1, "send_welcome_email") ==
        std::vector<std::string>{"The send welcome email field must be true or false."});
  // Clean rows go to the batch with canonical headers, in schema order.
  CHECK(o.batches ==
        "first_name,email,age,send_welcome_email\r\nAda,ada@example.com,36,1\r\nLinus,linus@example.com,,true\r\n");
}

TEST_CASE("session.laravel_9_wording", "[session]") {
  session_options opt;
  opt.wording = laravel_version::v9;
  outcome o = run("first_name,email,send_welcome_email\nAda,nope,1\n", opt);
  REQUIRE(o.sum.errors.size() == 1);
  CHECK(messages_of(o.sum, 0, "email") == std::vector<std::string>{"The email must be a valid email address."});
  CHECK(o.sum.laravel == "9");
}

TEST_CASE("session.store_mode_requires_blank_keys", "[session]") {
  session_options opt;
  opt.mode = import_mode::store;
  outcome o = run(
      "uuid,first_name,send_welcome_email\n"
      ",Ada,1\n"
      "4d94adac-7d98-4a3e-b307-652953eec54b,Alan,0\n",
      opt);
  CHECK(o.sum.failed_jobs == 1);
  CHECK(messages_of(o.sum, 0, "uuid") == std::vector<std::string>{"The uuid field is prohibited."});
}

TEST_CASE("session.update_mode_keys_duplicates_and_blank_warnings", "[session]") {
  session_options opt;
  opt.mode = import_mode::update;
  outcome o = run(
      "uuid,first_name,email,send_welcome_email\n"
      "4d94adac-7d98-4a3e-b307-652953eec54b,Ada,,1\n"
      ",Alan,alan@example.com,0\n"
      "4D94ADAC-7D98-4A3E-B307-652953EEC54B,Ada again,ada@example.com,1\n"
      "not-a-uuid,Grace,,1\n",
      opt);
  CHECK(o.sum.total_jobs == 4);
  CHECK(o.sum.failed_jobs == 3);
  CHECK(messages_of(o.sum, 0, "uuid") == std::vector<std::string>{"The uuid field is required."});
  CHECK(messages_of(o.sum, 1, "uuid") == std::vector<std::string>{"The uuid field has a duplicate value."});
  CHECK(o.sum.errors[1].line == 4);
  CHECK(messages_of(o.sum, 2, "uuid") == std::vector<std::string>{"The uuid field must be a valid UUID."});
  bool blank_warning = false;
  for (const warning_entry& w : o.sum.warnings) {
    if (w.code == "blank_in_update" && w.field == "email") {
      blank_warning = true;
      CHECK(w.count == 1);  // line 5 fails anyway: it will not be sent
      CHECK(w.lines == std::vector<uint64_t>{2});
    }
  }
  CHECK(blank_warning);
}

TEST_CASE("session.duplicate_key_check_memory_is_capped", "[session]") {
  // Three keys held at most: a repeat of a held key is still a duplicate after the cap, a
  // repeat of a key met after it is not (and a warning says so, once, at the first such row).
  session_options opt;
  opt.mode = import_mode::update;
  opt.max_keys = 3;
  std::string file = "uuid,first_name,send_welcome_email\n";
  const auto key = [](int k) { return "4d94adac-7d98-4a3e-b307-65295300000" + std::to_string(k); };
  for (int k = 1; k <= 5; ++k) file += key(k) + ",P" + std::to_string(k) + ",1\n";  // lines 2-6
  file += key(2) + ",again,1\n";  // line 7: held, reported
  file += key(5) + ",again,1\n";  // line 8: not held, not reported
  for (size_t chunk : {size_t{0}, size_t{7}}) {
    outcome o = run(file, opt, chunk);
    REQUIRE(o.st.ok());
    CHECK(o.sum.total_jobs == 7);
    CHECK(o.sum.failed_jobs == 1);
    REQUIRE(o.sum.errors.size() == 1);
    CHECK(o.sum.errors[0].line == 7);
    CHECK(messages_of(o.sum, 0, "uuid") == std::vector<std::string>{"The uuid field has a duplicate value."});
    int limited = 0;
    for (const warning_entry& w : o.sum.warnings) {
      if (w.code != "duplicate_check_limited") continue;
      ++limited;
      CHECK(w.field == "uuid");
      CHECK(w.lines == std::vector<uint64_t>{5});
      CHECK(w.message.find("first 3 distinct values") != std::string::npos);
    }
    CHECK(limited == 1);
  }
}

TEST_CASE("session.explicit_mapping_and_constants", "[session]") {
  session_options opt;
  mapping_spec m;
  m.columns = {{"first_name", "Given"}, {"email", "Mail"}};
  m.constants = {{"send_welcome_email", "0"}};
  opt.mapping = m;
  outcome o = run("Given,Mail,Ignored\nAda,ada@example.com,x\n", opt);
  REQUIRE(o.st.ok());
  CHECK(o.sum.failed_jobs == 0);
  CHECK(o.sum.mapping == std::vector<std::pair<std::string, std::string>>{{"Given", "first_name"}, {"Mail", "email"}});
  CHECK(o.sum.unmapped_columns == std::vector<std::string>{"Ignored"});
  CHECK(o.batches == "first_name,email,send_welcome_email\r\nAda,ada@example.com,0\r\n");
}

TEST_CASE("session.unmapped_required_field_fails_the_import", "[session]") {
  outcome o = run("first_name\nAda\n", {});
  CHECK(o.st.code == errc::missing_required_field);
  CHECK(o.st.message.find("send_welcome_email") != std::string::npos);
  CHECK(o.sum.status == "failed");
  CHECK(o.sum.total_jobs == 0);
}

TEST_CASE("session.unusable_files", "[session]") {
  CHECK(run("", {}).st.code == errc::empty_file);
  CHECK(run("\xEF\xBB\xBF", {}).st.code == errc::empty_file);
  CHECK(run("\n\n\r\n", {}).st.code == errc::no_header);
  outcome header_only = run("first_name,send_welcome_email\r\n", {});
  CHECK(header_only.st.ok());
  CHECK(header_only.sum.total_jobs == 0);
}

TEST_CASE("session.ragged_rows", "[session]") {
  outcome o = run(
      "first_name,send_welcome_email\n"
      "Ada\n"
      "Alan,1,extra\n"
      "Grace,1,,\n",
      {});
  CHECK(o.sum.total_jobs == 3);
  CHECK(o.sum.failed_jobs == 2);
  CHECK(messages_of(o.sum, 0, "_row") == std::vector<std::string>{"The row has 1 cell but the header has 2 columns."});
  CHECK(messages_of(o.sum, 1, "_row") == std::vector<std::string>{"The row has 3 cells but the header has 2 columns."});
  REQUIRE(!o.sum.warnings.empty());
  CHECK(o.sum.warnings[0].code == "trailing_empty_cells");
  CHECK(o.sum.warnings[0].lines == std::vector<uint64_t>{4});
}

TEST_CASE("session.unterminated_quote_loses_no_row", "[session]") {
  outcome o = run(
      "first_name,send_welcome_email\n"
      "Ada,1\n"
      "\"Alan,1\n"
      "Grace,1\n"
      "Linus,0\n",
      {});
  CHECK(o.sum.total_jobs == 4);
  CHECK(o.sum.failed_jobs == 1);
  CHECK(o.sum.errors[0].line == 3);
  const auto msgs = messages_of(o.sum, 0, "_row");
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].find("opened on line 3") != std::string::npos);
}

TEST_CASE("session.windows_1252_is_decoded", "[session]") {
  outcome o = run("first_name,send_welcome_email\n\x80uro \x93quoted\x94,yes\nJos\xE9,1\n", {});
  CHECK(o.sum.encoding == "windows-1252");
  CHECK(o.sum.failed_jobs == 1);  // "yes" is not accepted by the custom type's booleans
  REQUIRE(o.sum.errors.size() == 1);
  CHECK(o.sum.errors[0].record[0].second == "\xE2\x82\xAC" "uro \xE2\x80\x9Cquoted\xE2\x80\x9D");
  CHECK(o.batches.find("Jos\xC3\xA9,1") != std::string::npos);
}

TEST_CASE("session.utf16le_with_bom_tab_separated", "[session]") {
  const std::string text = "first_name\tsend_welcome_email\r\nZo\xC3\xAB\t1\r\n";
  std::string utf16 = "\xFF\xFE";
  for (size_t i = 0; i < text.size(); ++i) {  // the ASCII and é → UTF-16LE by hand
    if (static_cast<unsigned char>(text[i]) == 0xC3) {
      utf16 += '\xEB';
      utf16 += '\0';
      ++i;
      continue;
    }
    utf16 += text[i];
    utf16 += '\0';
  }
  outcome o = run(utf16, {});
  REQUIRE(o.st.ok());
  CHECK(o.sum.encoding == "utf-16le");
  CHECK(o.sum.delimiter == '\t');
  CHECK(o.batches == "first_name,send_welcome_email\r\nZo\xC3\xAB,1\r\n");
}

TEST_CASE("session.invalid_utf8_in_a_mapped_column_fails_the_row", "[session]") {
  // Past the sniffing window the encoding is settled as UTF-8, so a stray 0x93 is an error.
  std::string file = "first_name,send_welcome_email,ignored\n";
  for (int i = 0; i < 150; ++i) file += "Ada" + std::to_string(i) + ",1,x\n";
  const size_t bad_offset = file.size() + 3;
  file += "Bad\x93name,1,x\nOk,1,\xFF\n";
  session_options opt;
  opt.sniff_bytes = 1024;  // the file is bigger than the window
  outcome o = run(file, opt, 512);
  REQUIRE(o.st.ok());
  CHECK(o.sum.encoding == "utf-8");
  CHECK(o.sum.failed_jobs == 1);
  const auto msgs = messages_of(o.sum, 0, "first_name");
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].find("not valid UTF-8") != std::string::npos);
  CHECK(msgs[0].find("byte " + std::to_string(bad_offset)) != std::string::npos);
  bool warned = false;
  for (const warning_entry& w : o.sum.warnings) warned |= w.code == "encoding_in_ignored_column";
  CHECK(warned);
}

TEST_CASE("session.error_csv_is_neutralised_and_has_line_numbers", "[session]") {
  outcome o = run("first_name,send_welcome_email\n=HYPERLINK(\"x\"),maybe\n", {});
  CHECK(o.errors_csv ==
        "\xEF\xBB\xBF\"line\",\"first_name\",\"send_welcome_email\",\"errors\"\r\n"
        "\"2\",\"'=HYPERLINK(\"\"x\"\")\",\"maybe\",\"The send welcome email field must be true or false.\"\r\n");
  CHECK(o.sum.error_report_filename == "input-errors.csv");
  CHECK(o.sum.error_report_size == o.errors_csv.size());
}

TEST_CASE("session.same_output_for_every_chunk_size", "[session]") {
  std::string file = "first_name,email,age,send_welcome_email,notes\r\n";
  for (int i = 0; i < 600; ++i) {
    file += "Name" + std::to_string(i) + ",";
    file += (i % 13 ? "p" + std::to_string(i) + "@example.com" : std::string("broken")) + ",";
    file += std::to_string(i % 150) + "," + std::to_string(i % 3) + ",";
    file += i % 4 ? "\"multi\nline, \"\"quoted\"\"\"" : "plain";
    file += i % 7 ? "\r\n" : "\n";
    if (i % 50 == 0) file += "\r\n";  // blank lines
  }
  session_options opt;
  opt.sniff_bytes = 1024;
  opt.sample_rows = 5;
  opt.batch.max_rows = 64;
  const outcome whole = run(file, opt);
  REQUIRE(whole.st.ok());
  CHECK(whole.sum.total_jobs == 600);
  CHECK(whole.sum.blank_lines == 12);
  CHECK(whole.sum.total_jobs == whole.sum.clean_rows + whole.sum.failed_jobs);
  for (size_t chunk : std::initializer_list<size_t>{1, 2, 3, 7, 64, 1000, 1023, 1025, 4096}) {
    const outcome part = run(file, opt, chunk);
    INFO("chunk size " << chunk);
    CHECK(part.json == whole.json);
    CHECK(part.errors_csv == whole.errors_csv);
    CHECK(part.batches == whole.batches);
  }
}

TEST_CASE("session.suggested_mapping_when_none_is_given", "[session]") {
  static const schema_registry reg = registry();
  auto opened = session::open(reg, "clients", {});
  REQUIRE(opened.ok());
  session s = std::move(opened).value();
  REQUIRE(s.feed("First Name,Surname,E-mail,Send Welcome Email\nAda,Lovelace,ada@example.com,1\n").ok());
  REQUIRE(s.finish().ok());
  const summary& sum = s.result_summary();
  CHECK(sum.mapping == std::vector<std::pair<std::string, std::string>>{{"First Name", "first_name"},
                                                                        {"Surname", "last_name"},
                                                                        {"E-mail", "email"},
                                                                        {"Send Welcome Email", "send_welcome_email"}});
  CHECK(s.suggestions().size() == 4);
  CHECK(s.progress().rows_read == 1);
}

TEST_CASE("session.open_rejects_unknown_types_and_bad_options", "[session]") {
  static const schema_registry reg = registry();
  auto r = session::open(reg, "client", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == errc::unknown_type);
  CHECK(r.error().message.find("clients") != std::string::npos);
  session_options bad;
  bad.batch.max_rows = 0;
  CHECK(session::open(reg, "people", bad).error().code == errc::invalid_argument);
}

TEST_CASE("session.feed_after_finish_is_an_error", "[session]") {
  static const schema_registry reg = registry();
  session s = session::open(reg, "people", {}).value();
  REQUIRE(s.feed("first_name,send_welcome_email\nAda,1\n").ok());
  REQUIRE(s.finish().ok());
  CHECK(s.feed("x").code == errc::invalid_state);
  CHECK(s.finish().code == errc::invalid_state);
}

TEST_CASE("session.rows_are_settled_in_file_order_whatever_their_path", "[session]") {
  // Plain rows are checked a block at a time; unusual ones (ragged, stray quote, all
  // empty, bad bytes, a row too big to copy into the block) one at a time, after the block
  // before them. Interleaved, every row must still come out once, in file order: in the
  // errors, the error CSV and the batches.
  std::string file = "first_name,email,age,send_welcome_email,notes\n";
  const std::string huge(70'000, 'x');  // unescaped into the tokenizer's scratch buffer
  std::vector<std::string> clean_names;
  size_t failed = 0;
  for (int i = 0; i < 400; ++i) {
    const std::string name = "N" + std::to_string(i);
    bool bad = false;
    switch (i % 9) {
      case 0: file += name + ",x@example.com,5,1,\"say \"\"hi\"\"\"\n"; break;   // escaped quotes
      case 1: file += name + ",not-an-email,5,1,n\n"; bad = true; break;
      case 2: file += name + ",x@example.com,5\n"; bad = true; break;           // too few cells
      case 3: file += name + ",x@example.com,5,1,a\"b\n"; break;                // stray quote
      case 4: file += ",,,,\n"; break;                                          // all empty: skipped
      case 5: file += name + ",x@example.com,5,1,\"" + huge + "\"\"\"\n"; break;  // too big to copy
      case 6: file += name + ",x@example.com,500,1,n\n"; bad = true; break;
      case 7: file += name + ",x\xff@example.com,5,1,n\n"; bad = true; break;     // invalid UTF-8
      default: file += name + ",x@example.com,5,1,n\n"; break;
    }
    if (i % 9 == 4) continue;
    if (bad) ++failed; else clean_names.push_back(name);
  }
  session_options opt;
  opt.sniff_bytes = 1024;
  opt.sample_rows = 3;
  opt.report.max_errors = 1000;
  opt.limits.max_field_bytes = 100'000;
  for (size_t chunk : std::initializer_list<size_t>{0, 1000, 65536}) {
    INFO("chunk size " << chunk);
    const outcome o = run(file, opt, chunk);
    REQUIRE(o.st.ok());
    CHECK(o.sum.total_jobs == clean_names.size() + failed);
    CHECK(o.sum.failed_jobs == failed);
    REQUIRE(o.sum.errors.size() == failed);
    for (size_t k = 1; k < o.sum.errors.size(); ++k) CHECK(o.sum.errors[k - 1].line < o.sum.errors[k].line);
    // The batches hold the clean rows' names in file order.
    std::vector<std::string> batched;
    size_t at = 0;
    while ((at = o.batches.find('\n', at)) != std::string::npos) {
      ++at;
      const size_t comma = o.batches.find(',', at);
      if (comma == std::string::npos) break;
      const std::string first = o.batches.substr(at, comma - at);
      if (first != "first_name") batched.push_back(first);
    }
    CHECK(batched == clean_names);
  }
}
