// bench_random.h — the benchmarks' one random source: xorshift64*, seeded the same way every
// run, so every run of a benchmark generates the same input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bench_support {

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

}  // namespace bench_support
