// bench_rules.cpp — how fast does rule_set::check_row go on clients-like rows?
//
// Builds a 16-field clients-like import type by hand (uuid, names, email, phone with the
// scientific-notation not_regex, date of birth before today, enums, booleans, integers),
// generates 1,024 distinct rows (about 8% of them with one bad cell, ~25% of the optional
// cells empty), then checks 1,000,000 rows cycling through them. Prints the best of 5 runs
// as ns/row and cells/s, in process CPU time (the machines this runs on are shared, and
// wall time there mostly measures the neighbours).
//
//   g++ -std=c++20 -O2 -Icore/include -Icore/src -isystem node_modules/@nozbe/simdjson/src
//       -DSIMDJSON_EXCEPTIONS=0 bench/bench_rules.cpp core/src/{rules,values,regex,schema,json,error}.cpp
//       <generated embedded_schemas.cpp> build/dev/simdjson.o -o build/dev/bench_rules
//   build/dev/bench_rules [rows]
// (schema.cpp is needed only for import_type::find_field and rules_for.)
#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/rules.h"

using namespace preflight;

namespace {

/// xorshift64*: deterministic, so every run checks the same rows.
struct rng {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  bool chance(size_t percent) { return below(100) < percent; }
};

field_def field(std::string name, std::string rules, std::vector<std::string> values = {}) {
  field_def f;
  f.name = std::move(name);
  f.rules = {std::move(rules)};
  if (!values.empty()) {
    f.type = field_type::enumeration;
    f.values = std::move(values);
    f.case_insensitive = true;
  }
  return f;
}

import_type clients_like() {
  import_type t;
  t.name = "clients";
  t.singular = "client";
  t.key = "uuid";
  t.boolean_true = {"1", "true", "yes"};
  t.boolean_false = {"0", "false", "no"};
  const std::string text = "nullable|string|max:255";
  t.fields = {
      field("uuid", "nullable|uuid"),
      field("first_name", "required|string|max:255"),
      field("last_name", "required|string|max:255"),
      field("email", "nullable|email|max:255"),
      field("phone", "nullable|string|max:255|not_regex:/^[+-]?\\d(\\.\\d+)?E[+-]?\\d+$/i"),
      field("date_of_birth", "nullable|date|before:today"),
      field("gender", "nullable", {"male", "female", "non-binary", "transgender", "intersex", "other", "unknown"}),
      field("marital_status", "nullable",
            {"single", "cohabiting", "married", "divorced", "civil-partnership", "dissolved-civil-partnership",
             "widowed", "separated", "engaged", "in-relationship", "other", "unknown"}),
      field("send_welcome_email", "required|boolean"),
      field("is_uk_resident", "nullable|boolean"),
      field("height", "nullable|integer"),
      field("value", "nullable|integer|min:0"),
      field("ni_number", text),
      field("title", text),
      field("first_contact_date", "nullable|date"),
      field("assigned_adviser_uuid", "nullable|uuid"),
  };
  return t;
}

const char* const first_names[] = {"Anna", "Jan", "Marie", "Lukas", "Sofia", "Jonas", "Emma", "Paul", "Zoë", "Siân"};
const char* const last_names[] = {"Smith", "Jones", "Taylor", "Brown", "O'Neill", "Müller", "Evans", "Wilson"};
const char* const genders[] = {"male", "Female", "non-binary", "other", "unknown", "MALE"};
const char* const maritals[] = {"single", "married", "divorced", "widowed", "civil-partnership", "in-relationship"};
const char* const booleans[] = {"1", "0", "true", "false", "Yes", "no"};
const char* const titles[] = {"Mr", "Mrs", "Ms", "Dr", "Mx"};

std::string uuid_text(rng& r) {
  static const char hex[] = "0123456789abcdef";
  std::string s(36, '-');
  for (size_t i = 0; i < 36; ++i) {
    if (i != 8 && i != 13 && i != 18 && i != 23) s[i] = hex[r.below(16)];
  }
  return s;
}

std::string two(size_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::vector<std::string> make_row(rng& r) {
  std::vector<std::string> row(16);
  const auto maybe = [&](std::string s) { return r.chance(25) ? std::string() : s; };
  row[0] = maybe(uuid_text(r));
  row[1] = first_names[r.below(std::size(first_names))];
  row[2] = last_names[r.below(std::size(last_names))];
  row[3] = maybe(row[1] + "." + std::to_string(r.below(10000)) + "@example.co.uk");
  row[4] = maybe("07" + std::to_string(100000000 + r.below(899999999)));
  row[5] = maybe(two(1 + r.below(28)) + "/" + two(1 + r.below(12)) + "/" + std::to_string(1940 + r.below(70)));
  row[6] = maybe(genders[r.below(std::size(genders))]);
  row[7] = maybe(maritals[r.below(std::size(maritals))]);
  row[8] = booleans[r.below(std::size(booleans))];
  row[9] = maybe(booleans[r.below(std::size(booleans))]);
  row[10] = maybe(std::to_string(150 + r.below(50)));
  row[11] = maybe(std::to_string(r.below(10000000)));
  row[12] = maybe("AB " + std::to_string(10 + r.below(89)) + " 34 56 C");
  row[13] = maybe(titles[r.below(std::size(titles))]);
  row[14] = maybe(std::to_string(2000 + r.below(24)) + "-" + two(1 + r.below(12)) + "-" + two(1 + r.below(28)));
  row[15] = maybe(uuid_text(r));
  if (r.chance(8)) {  // one bad cell
    switch (r.below(6)) {
      case 0: row[3] = "not-an-email"; break;
      case 1: row[4] = "4.47912E+11"; break;
      case 2: row[5] = "31/02/1980"; break;
      case 3: row[6] = "mail"; break;
      case 4: row[8] = ""; break;
      default: row[10] = "1.75m"; break;
    }
  }
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? static_cast<size_t>(std::strtoull(argv[1], nullptr, 10)) : 1000000;
  const import_type type = clients_like();
  rule_options options;
  options.today = "2024-06-15";
  auto compiled = rule_set::compile(type, import_mode::store, options);
  if (!compiled.ok()) {
    std::fprintf(stderr, "compile failed: %s\n", compiled.error().message.c_str());
    return 1;
  }
  const rule_set rules = std::move(compiled).value();

  // The cells live back to back in one buffer, as they do in a CSV chunk the tokenizer
  // has just read (and so is still in cache when the session checks the row).
  constexpr size_t distinct_rows = 1024;
  rng r;
  std::string buffer;
  std::vector<std::pair<size_t, size_t>> spans;  // offset, length; row-major, 16 per row
  for (size_t i = 0; i < distinct_rows; ++i) {
    for (const std::string& cell : make_row(r)) {
      spans.emplace_back(buffer.size(), cell.size());
      buffer += cell;
    }
  }
  std::vector<std::string_view> views;
  views.reserve(spans.size());
  for (const auto& [offset, length] : spans) views.emplace_back(buffer.data() + offset, length);
  const std::vector<uint8_t> present(16, 1);
  const std::span<const uint8_t> present_span(present);

  std::vector<violation> out;
  out.reserve(64);
  double best_seconds = 1e30;
  size_t failed_rows = 0, violations = 0;
  for (int run = 0; run < 5; ++run) {
    failed_rows = violations = 0;
    const std::clock_t start = std::clock();
    for (size_t i = 0; i < rows; ++i) {
      const std::span<const std::string_view> row(views.data() + (i % distinct_rows) * 16, 16);
      out.clear();
      if (!rules.check_row(row, present_span, out)) {
        ++failed_rows;
        violations += out.size();
      }
    }
    best_seconds = std::min(best_seconds, static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC);
  }
  const double ns_per_row = best_seconds * 1e9 / static_cast<double>(rows);
  const double cells_per_second = static_cast<double>(rows * 16) / best_seconds;
  std::printf("check_row: %zu rows x 16 fields, best of 5 (CPU time): %.1f ns/row, %.1f M cells/s (%zu rows failed, %zu violations)\n",
              rows, ns_per_row, cells_per_second / 1e6, failed_rows, violations);
  return 0;
}
