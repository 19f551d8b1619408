// bench_tokenizer.cpp — how fast does the CSV tokenizer go on a realistic clients file?
//
// Generates in memory a clients-like CSV (15 columns, ~170 bytes a row, ~5% quoted fields,
// some of them with commas, doubled quotes and line breaks; 1,000,000 rows), then tokenizes
// it pushed in 1 MiB chunks, touching every field, and prints the best of 3 runs. The 4th
// argument `baseline` times the baseline mask kernel (SSE2/SIMD128/SWAR) instead of the best
// one for this CPU (AVX2 on most x86-64).
//
//   g++ -std=c++20 -O2 -Icore/include core/src/csv.cpp bench/bench_tokenizer.cpp
//       -o build/dev/bench_tokenizer && build/dev/bench_tokenizer [rows [runs [chunk KiB [baseline]]]]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "preflight/csv.h"

#include "bench_random.h"

namespace {

using bench_support::rng;  // deterministic: every run sees the same input

const char* const first_names[] = {"Anna", "Jan", "Marie", "Lukas", "Sofia", "Jonas", "Emma", "Paul",
                                   "Lena", "Felix", "Mia", "Noah", "Hannah", "Elias", "Lea", "Ben"};
const char* const last_names[] = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
                                  "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter"};
const char* const companies[] = {"Acme GmbH", "Globex AG", "Initech", "Umbrella KG", "Hooli",
                                 "Stark Industries", "Wayne Enterprises", "Soylent Corp"};
const char* const streets[] = {"Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee",
                               "Schillerstraße", "Am Markt", "Kirchplatz", "Bergstraße"};
const char* const cities[] = {"Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart",
                              "Düsseldorf", "Leipzig", "Dortmund", "Essen"};
const char* const countries[] = {"DE", "AT", "CH", "NL", "FR"};
const char* const statuses[] = {"active", "inactive", "lead", "prospect"};
const char* const notes[] = {"", "", "", "VIP customer", "call back", "prefers email",
                             "met at fair", "pays late"};
// The ~5% of fields that need quotes: commas, doubled quotes, line breaks.
const char* const quoted_values[] = {
    "\"Smith, John\"", "\"Acme, Inc.\"", "\"said \"\"hello\"\" twice\"", "\"line one\nline two\"",
    "\"Suite 5, 2nd floor\"", "\"a \"\"quoted\"\" name\"", "\"first\r\nsecond\"", "\"x, y and z\""};

template <size_t N>
const char* pick(rng& r, const char* const (&list)[N]) {
  return list[r.below(N)];
}

void append_number(std::string& s, uint64_t v, int width) {
  char buf[24];
  int len = 0;
  do {
    buf[len++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 || len < width);
  while (len > 0) s += buf[--len];
}

std::string make_clients_csv(size_t rows) {
  rng r;
  std::string s =
      "id,first_name,last_name,email,phone,company,street,city,zip,country,birth_date,"
      "created_at,revenue,status,notes\n";
  s.reserve(rows * 180);
  for (size_t i = 0; i < rows; ++i) {
    const char* first = pick(r, first_names);
    const char* last = pick(r, last_names);
    for (int col = 0; col < 15; ++col) {
      if (col > 0) s += ',';
      if (col > 0 && r.chance(5)) {  // a quoted field
        s += pick(r, quoted_values);
        continue;
      }
      switch (col) {
        case 0: append_number(s, 100000 + i, 1); break;
        case 1: s += first; break;
        case 2: s += last; break;
        case 3:
          s += first;
          s += '.';
          s += last;
          s += "@example-mail.com";
          break;
        case 4:
          s += "+49 ";
          append_number(s, 100 + r.below(900), 3);
          s += ' ';
          append_number(s, r.below(10000000), 7);
          break;
        case 5: s += pick(r, companies); break;
        case 6:
          s += pick(r, streets);
          s += ' ';
          append_number(s, 1 + r.below(200), 1);
          break;
        case 7: s += pick(r, cities); break;
        case 8: append_number(s, 10000 + r.below(90000), 5); break;
        case 9: s += pick(r, countries); break;
        case 10:
          append_number(s, 1950 + r.below(55), 4);
          s += '-';
          append_number(s, 1 + r.below(12), 2);
          s += '-';
          append_number(s, 1 + r.below(28), 2);
          break;
        case 11:
          s += "2024-";
          append_number(s, 1 + r.below(12), 2);
          s += '-';
          append_number(s, 1 + r.below(28), 2);
          s += " 12:";
          append_number(s, r.below(60), 2);
          s += ":00";
          break;
        case 12:
          append_number(s, r.below(100000), 1);
          s += '.';
          append_number(s, r.below(100), 2);
          break;
        case 13: s += pick(r, statuses); break;
        case 14: s += pick(r, notes); break;
      }
    }
    s += r.chance(50) ? "\r\n" : "\n";
  }
  return s;
}

/// CPU time of this thread: the machine is shared, so wall time alone is noisy.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct outcome {
  double seconds = 0;  // wall
  double cpu = 0;      // thread CPU
  uint64_t rows = 0;
  uint64_t field_bytes = 0;  // so the work cannot be optimised away
};

outcome tokenize(std::string_view text, size_t chunk) {
  preflight::dialect d;
  preflight::tokenizer t(d);
  preflight::csv_row row;
  outcome o;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_seconds();
  const auto drain = [&] {
    while (t.next(row)) {
      ++o.rows;
      for (std::string_view f : row.fields) o.field_bytes += f.size();
    }
  };
  for (size_t i = 0; i < text.size(); i += chunk) {
    t.push(text.substr(i, chunk));
    drain();
  }
  t.close();
  drain();
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  o.cpu = thread_seconds() - cpu_start;
  return o;
}

/// Calibration: memchr-count the LFs, the floor any tokenizer has to beat.
double memchr_seconds(std::string_view text) {
  const double start = thread_seconds();
  size_t lines = 0;
  for (const char* p = text.data(); (p = static_cast<const char*>(
                                          std::memchr(p, '\n', static_cast<size_t>(text.data() + text.size() - p)))) != nullptr;
       ++p)
    ++lines;
  const double t = thread_seconds() - start;
  if (lines == 0) std::printf("no lines?\n");
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? static_cast<size_t>(std::strtoull(argv[1], nullptr, 10)) : 1'000'000;
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const size_t chunk = argc > 3 ? static_cast<size_t>(std::strtoull(argv[3], nullptr, 10)) << 10 : size_t{1} << 20;
  using preflight::detail::csv_kernel;
  const bool baseline = argc > 4 && std::strcmp(argv[4], "baseline") == 0;
  if (baseline) preflight::detail::csv_force_kernel(csv_kernel::baseline, true);
  const bool avx2 = !baseline && preflight::detail::csv_kernel_available(csv_kernel::avx2);
  const std::string text = make_clients_csv(rows);
  std::printf("input: %zu rows, %.1f MB, %.1f bytes/row\n", rows, static_cast<double>(text.size()) / 1e6,
              static_cast<double>(text.size()) / static_cast<double>(rows));
  const double mb = static_cast<double>(text.size()) / 1e6;
  double memchr_best = 1e9;
  for (int run = 0; run < 3; ++run) memchr_best = std::min(memchr_best, memchr_seconds(text));
  std::printf("calibration: memchr over all LFs %.0f MB/s\n", mb / memchr_best);
  outcome best;
  best.seconds = best.cpu = 1e9;
  for (int run = 0; run < runs; ++run) {
    const outcome o = tokenize(text, chunk);
    best.seconds = std::min(best.seconds, o.seconds);
    if (o.cpu < best.cpu) {
      best.cpu = o.cpu;
      best.rows = o.rows;
      best.field_bytes = o.field_bytes;
    }
  }
  if (best.cpu <= 0) best.cpu = best.seconds;  // no thread CPU clock (WebAssembly): use wall time
  std::printf("tokenize (%zu KiB chunks, %s masks, best of %d): %.0f MB/s  %.2f M rows/s by thread CPU time (%.3f s); "
              "%.0f MB/s wall\n  rows %llu, field bytes %llu\n",
              chunk >> 10, avx2 ? "AVX2" : "baseline", runs, mb / best.cpu, static_cast<double>(best.rows) / best.cpu / 1e6, best.cpu, mb / best.seconds,
              static_cast<unsigned long long>(best.rows), static_cast<unsigned long long>(best.field_bytes));
  return 0;
}
