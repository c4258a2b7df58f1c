// The live fuzzer's one source of randomness: splitmix64, small, fast and fully determined
// by its seed, so that `--seed` (and the per-input seed a finding records) makes every
// mutation again.
#pragma once

#include <cstdint>
#include <vector>

namespace wsspec::fuzzer {

class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }  // 0 .. n-1
    bool percent(unsigned p) { return below(100) < p; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(below(v.size()))];
    }

  private:
    std::uint64_t state_;
};

}  // namespace wsspec::fuzzer
