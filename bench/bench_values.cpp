// bench_values.cpp — how fast are the leaf value parsers (values.h) on clients-like cells?
//
// Generates, deterministically, 8,192 cells per function shaped like the clients export
// (e-mails "first.last123@provider.example", ~5% of them broken the ways real files are;
// dates DD/MM/YYYY with some ISO, impossible and junk ones; integers, amounts with
// thousands separators, signs and leading zeros; uuids), then calls the function on them
// in a loop. Prints ns/call and M calls/s, best of 5 runs in process CPU time (the machine
// is shared: wall time there mostly measures the neighbours).
//
//   cmake --build --preset native --target bench_values && build/native/bench_values [calls [name]]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/values.h"

#include "bench_random.h"

using namespace preflight;

namespace {

using bench_support::rng;  // deterministic: every run sees the same input

constexpr size_t cells_per_set = 8192;

const char* const first_names[] = {"florence", "mia", "oliver", "amelia", "jack", "isla", "harry",
                                   "ava", "george", "emily", "noah", "sophia", "leo", "grace", "jo"};
const char* const last_names[] = {"smith", "williams", "jones", "taylor", "brown", "davies", "evans",
                                  "wilson", "thomas", "johnson", "roberts", "o'neill", "walker"};
const char* const providers[] = {"btinternet.example", "post.example.org", "outlook.example",
                                 "gmail.example.com", "mail.example.co.uk", "sky.example"};

std::string two(size_t n) { return std::string{static_cast<char>('0' + n / 10 % 10), static_cast<char>('0' + n % 10)}; }
std::string four(size_t n) { return two(n / 100) + two(n % 100); }

std::vector<std::string> make_emails(rng& r) {
  std::vector<std::string> out;
  for (size_t i = 0; i < cells_per_set; ++i) {
    const std::string first = first_names[r.below(std::size(first_names))];
    const std::string last = last_names[r.below(std::size(last_names))];
    const std::string provider = providers[r.below(std::size(providers))];
    const std::string number = std::to_string(r.below(r.chance(80) ? 1000 : 100));
    switch (r.chance(5) ? r.below(4) : 9) {
      case 0: out.push_back(first + "." + last + " @" + provider); break;     // a space
      case 1: out.push_back(first + "." + last + "." + provider); break;      // no @
      case 2: out.push_back(first + "." + last + "@"); break;                 // no domain
      case 3: out.push_back(first + "..." + last + number + "@" + provider); break;
      default: out.push_back(first + "." + last + number + "@" + provider); break;
    }
  }
  return out;
}

std::vector<std::string> make_dates(rng& r) {
  std::vector<std::string> out;
  const char* const junk[] = {"", "n/a", "yesterday", "45123", "1/2/24", "2024/02/01", "01/02/2024 10:30"};
  for (size_t i = 0; i < cells_per_set; ++i) {
    const size_t year = 1930 + r.below(95), month = 1 + r.below(12);
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    const size_t short_month = month == 4 || month == 6 || month == 9 || month == 11;
    const size_t day = 1 + r.below(month == 2 ? (leap ? 29 : 28) : 31 - short_month);
    const size_t kind = r.below(100);
    if (kind < 90) {
      out.push_back(two(day) + "/" + two(month) + "/" + four(year));
    } else if (kind < 95) {
      out.push_back(four(year) + "-" + two(month) + "-" + two(day));
    } else if (kind < 97) {
      out.push_back(r.chance(50) ? "31/02/" + four(year) : "30/13/" + four(year));  // impossible
    } else {
      out.push_back(junk[r.below(std::size(junk))]);
    }
  }
  return out;
}

std::vector<std::string> make_integers(rng& r) {
  std::vector<std::string> out;
  const char* const odd[] = {"0", "12,500", "-17", "007", "£250", " 42", "+5", "1.5", ""};
  for (size_t i = 0; i < cells_per_set; ++i) {
    if (r.chance(85)) {
      out.push_back(std::to_string(r.chance(80) ? 1000000 + r.below(9000000) : 10000 + r.below(990000)));
    } else {
      out.push_back(odd[r.below(std::size(odd))]);
    }
  }
  return out;
}

std::vector<std::string> make_numerics(rng& r) {
  std::vector<std::string> out;
  const char* const odd[] = {"12,500", "£250", "1e3", "-17.25", " 42", ""};
  for (size_t i = 0; i < cells_per_set; ++i) {
    if (r.chance(80)) {
      out.push_back(std::to_string(1000 + r.below(9000000)));
    } else if (r.chance(75)) {
      out.push_back(std::to_string(r.below(100000)) + "." + two(r.below(100)));
    } else {
      out.push_back(odd[r.below(std::size(odd))]);
    }
  }
  return out;
}

std::vector<std::string> make_uuids(rng& r) {
  std::vector<std::string> out;
  const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < cells_per_set; ++i) {
    std::string u;
    for (size_t k = 0; k < 36; ++k) u += (k == 8 || k == 13 || k == 18 || k == 23) ? '-' : hex[r.below(16)];
    if (r.chance(4)) u[r.below(36)] = 'g';
    if (r.chance(1)) u.pop_back();
    out.push_back(u);
  }
  return out;
}

double cpu_seconds() {
  timespec t{};
  // Emscripten has no process CPU clock (a Wasm build of this bench measures wall time).
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) != 0) clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// Only the functions whose name contains this (argv[2]), for perf and quick looks.
const char* only = "";

/// The loop's own cost, for reading the figures below: a call that does almost nothing.
[[gnu::noinline]] uint64_t view_size(std::string_view s) noexcept { return s.size(); }

/// Calls fn(cell) `calls` times cycling through the cells; prints the best of 5 runs.
template <class Cell, class Fn>
void bench(const char* name, const std::vector<Cell>& cells, size_t calls, Fn fn) {
  if (std::string_view(name).find(only) == std::string_view::npos) return;
  double best = 1e30;
  uint64_t sink = 0;
  for (int run = 0; run < 5; ++run) {
    const double start = cpu_seconds();
    for (size_t done = 0; done < calls;) {
      for (size_t i = 0; i < cells.size() && done < calls; ++i, ++done) sink += fn(cells[i]);
    }
    best = std::min(best, cpu_seconds() - start);
  }
  const double ns = best * 1e9 / static_cast<double>(calls);
  std::printf("%-26s %7.2f ns/call %8.1f M calls/s   (check %llu)\n", name, ns, 1e3 / ns,
              static_cast<unsigned long long>(sink % 1000003));
}

}  // namespace

int main(int argc, char** argv) {
  const size_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20'000'000;
  if (argc > 2) only = argv[2];
  rng r;
  const auto emails = make_emails(r);
  const auto dates = make_dates(r);
  const auto integers = make_integers(r);
  const auto numerics = make_numerics(r);
  const auto uuids = make_uuids(r);
  std::vector<std::string_view> email_views(emails.begin(), emails.end()), date_views(dates.begin(), dates.end()),
      integer_views(integers.begin(), integers.end()), numeric_views(numerics.begin(), numerics.end()),
      uuid_views(uuids.begin(), uuids.end());
  // The addresses the usual export has: letters, digits and dots, all valid.
  std::vector<std::string_view> plain_email_views;
  for (const auto e : email_views) {
    if (is_email(e) && e.find('\'') == std::string_view::npos) plain_email_views.push_back(e);
  }
  std::vector<date_value> parsed;
  for (const auto d : date_views) {
    date_value v;
    if (parse_date(d, v) == date_error::ok) parsed.push_back(v);
  }

  bench("(loop, no-op call)", email_views, calls, view_size);
  bench("is_email", email_views, calls, [](std::string_view s) { return uint64_t{is_email(s)}; });
  bench("is_email (plain, valid)", plain_email_views, calls, [](std::string_view s) { return uint64_t{is_email(s)}; });
  bench("parse_date", date_views, calls, [](std::string_view s) {
    date_value d;
    const auto e = parse_date(s, d);
    return static_cast<uint64_t>(e) + d.day;
  });
  bench("epoch_seconds", parsed, calls, [](const date_value& d) { return static_cast<uint64_t>(d.epoch_seconds()); });
  bench("parse_date+epoch_seconds", date_views, calls, [](std::string_view s) {
    date_value d;
    return parse_date(s, d) == date_error::ok ? static_cast<uint64_t>(d.epoch_seconds()) : uint64_t{1};
  });
  bench("parse_integer", integer_views, calls, [](std::string_view s) {
    int64_t n = 0;
    return parse_integer(s, n) ? static_cast<uint64_t>(n) : uint64_t{7};
  });
  bench("parse_numeric", numeric_views, calls, [](std::string_view s) {
    double x = 0;
    return parse_numeric(s, x) ? static_cast<uint64_t>(x) : uint64_t{7};
  });
  bench("is_uuid", uuid_views, calls, [](std::string_view s) { return uint64_t{is_uuid(s)}; });
  bench("utf8_length", email_views, calls, [](std::string_view s) { return uint64_t{utf8_length(s)}; });
  return 0;
}
