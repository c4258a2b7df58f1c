// How a fuzz target splits a byte stream into reads. One input byte chooses the plan, so
// the stream after it stays the exact bytes a peer would send (seeds taken from the case
// catalog go deep at once) while the fuzzer still varies the chunking cheaply:
//   low 4 bits  k: chunk sizes are drawn from 1 .. 2^k (k == 0: the whole stream at once)
//   high 4 bits: seed of the generator that draws them
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace wsspec::fuzz {

class ChunkPlan {
  public:
    explicit ChunkPlan(std::uint8_t plan)
        : max_log2_(plan & 0x0F), state_(0x9E3779B97F4A7C15ULL ^ (plan >> 4)) {}

    // Size of the next read, given `left` bytes still to deliver (left > 0).
    std::size_t next(std::size_t left) {
        if (max_log2_ == 0) return left;
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        const std::size_t max = std::size_t{1} << max_log2_;
        return std::min<std::size_t>(left, 1 + state_ % max);
    }

  private:
    unsigned max_log2_;
    std::uint64_t state_;
};

}  // namespace wsspec::fuzz
