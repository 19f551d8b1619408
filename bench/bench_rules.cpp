// bench_rules.cpp — how fast does rule_set::check_row go on clients-like rows?
//
// Builds a 16-field clients-like import type by hand (uuid, names, email, phone with the
// scientific-notation not_regex, date of birth before today, enums, booleans, integers),
// generates 1,024 distinct rows (about 8% of them with one bad cell, ~25% of the optional
// cells empty), then checks 1,000,000 rows cycling through them. Prints the best of 5 runs
// as ns/row and cells/s, in process CPU time (the machines this runs on are shared, and
// wall time there mostly measures the neighbours). A second line does the same with the
// built-in clients type (58 fields, the same 16 mapped), as `preflight validate` sees a
// typical export. A third line checks the same rows 128 at a time, column by column
// (check_block), as the session does.
//
//   cmake --build --preset native && build/native/bench_rules [rows]
#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/rules.h"
#include "preflight/schema.h"

#include "bench_random.h"

using namespace preflight;

namespace {

using bench_support::rng;  // deterministic: every run sees the same input

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

/// A timed check: ns per row (best of 5 runs, process CPU time), and the rows that failed
/// and their violations in a run.
struct timing {
  double ns_per_row;
  size_t failed_rows, violations;
};

/// Best of 5 runs of `one_run(out, failed_rows, violations)`, which checks `rows` rows and
/// counts the failing ones and their violations into the two counters.
template <class Run>
timing best_of_5(size_t rows, Run&& one_run) {
  std::vector<violation> out;
  out.reserve(64);
  double best_seconds = 1e30;
  size_t failed_rows = 0, violations = 0;
  for (int run = 0; run < 5; ++run) {
    failed_rows = violations = 0;
    const std::clock_t start = std::clock();
    one_run(out, failed_rows, violations);
    best_seconds = std::min(best_seconds, static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC);
  }
  return {best_seconds * 1e9 / static_cast<double>(rows), failed_rows, violations};
}

/// Counts one checked row into the run's counters.
void count(bool passed, const std::vector<violation>& out, size_t& failed_rows, size_t& violations) {
  if (passed) return;
  ++failed_rows;
  violations += out.size();
}

/// `rows` rows one at a time, cycling through the distinct rows in `views` (`width` values each).
timing time_rows(const rule_set& rules, const std::vector<std::string_view>& views, size_t width,
                 const std::vector<uint8_t>& present, size_t rows) {
  const size_t distinct_rows = views.size() / width;
  const std::span<const uint8_t> present_span(present);
  return best_of_5(rows, [&](std::vector<violation>& out, size_t& failed_rows, size_t& violations) {
    for (size_t i = 0; i < rows; ++i) {
      const std::span<const std::string_view> row(views.data() + (i % distinct_rows) * width, width);
      out.clear();
      count(rules.check_row(row, present_span, out), out, failed_rows, violations);
    }
  });
}

/// The same rows a block of 128 at a time, as the session checks them: check_block down
/// the columns of `cells` (16 a row, the CSV's order), then check_fields on the rows with a
/// suspect field, as the session does.
timing time_blocks(const rule_set& rules, const std::vector<std::string_view>& cells, const std::vector<int>& column_of,
                   const std::vector<uint8_t>& present, size_t rows) {
  constexpr size_t columns = 16, block_rows = 128;
  const size_t distinct_rows = cells.size() / columns;  // a multiple of block_rows
  const size_t words = rules.suspect_words();
  std::vector<uint64_t> suspects(block_rows * words);
  const std::vector<std::string_view> fixed(column_of.size());
  return best_of_5(rows, [&](std::vector<violation>& out, size_t& failed_rows, size_t& violations) {
    for (size_t i = 0; i < rows; i += block_rows) {
      const size_t first = i % distinct_rows;
      const size_t n = std::min(block_rows, rows - i);
      rule_set::row_block block;
      block.cells = std::span<const std::string_view>(cells.data() + first * columns, n * columns);
      block.rows = n;
      block.row_stride = columns;
      block.column_of_field = column_of;
      block.fixed_values = fixed;
      block.present = present;
      rules.check_block(block, suspects);
      for (size_t r = 0; r < n; ++r) {
        const std::span<const uint64_t> row_suspects(suspects.data() + r * words, words);
        if (std::all_of(row_suspects.begin(), row_suspects.end(), [](uint64_t w) { return w == 0; })) continue;
        out.clear();
        count(rules.check_fields(block, r, row_suspects, out), out, failed_rows, violations);
      }
    }
  });
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

  const timing own = time_rows(rules, views, 16, std::vector<uint8_t>(16, 1), rows);
  std::printf("check_row: %zu rows x 16 fields, best of 5 (CPU time): %.1f ns/row, %.1f M cells/s (%zu rows failed, %zu violations)\n",
              rows, own.ns_per_row, 16e3 / own.ns_per_row, own.failed_rows, own.violations);

  // The same cells in the built-in clients type, where they are 16 of its 58 fields.
  auto registry = schema_registry::builtin();
  const import_type* builtin = registry.ok() ? registry.value().find("clients") : nullptr;
  if (builtin == nullptr) return 0;
  auto compiled_builtin = rule_set::compile(*builtin, import_mode::validate, options);
  if (!compiled_builtin.ok()) {
    std::fprintf(stderr, "compile failed: %s\n", compiled_builtin.error().message.c_str());
    return 1;
  }
  const size_t width = builtin->fields.size();
  std::vector<int> column_of(width, -1);
  for (size_t c = 0; c < type.fields.size(); ++c) {
    const int f = builtin->find_field(type.fields[c].name);
    if (f >= 0) column_of[static_cast<size_t>(f)] = static_cast<int>(c);
  }
  std::vector<uint8_t> wide_present(width, 0);
  std::vector<std::string_view> wide_views(distinct_rows * width);
  for (size_t f = 0; f < width; ++f) {
    if (column_of[f] < 0) continue;
    wide_present[f] = 1;
    for (size_t i = 0; i < distinct_rows; ++i) wide_views[i * width + f] = views[i * 16 + static_cast<size_t>(column_of[f])];
  }
  const timing wide = time_rows(compiled_builtin.value(), wide_views, width, wide_present, rows);
  std::printf("check_row: %zu rows, built-in clients (%zu fields, %zu mapped), best of 5 (CPU time): %.1f ns/row (%zu rows failed, %zu violations)\n",
              rows, width, static_cast<size_t>(std::count(wide_present.begin(), wide_present.end(), 1)), wide.ns_per_row,
              wide.failed_rows, wide.violations);
  const timing blocks = time_blocks(compiled_builtin.value(), views, column_of, wide_present, rows);
  std::printf("check_block: %zu rows, built-in clients, 128-row blocks + exact checks of suspect rows, best of 5 (CPU time): %.1f ns/row (%zu rows failed, %zu violations)\n",
              rows, blocks.ns_per_row, blocks.failed_rows, blocks.violations);
  return 0;
}
