// Unmasking (RFC 6455 5.3) a payload in place, by size: wsspec's apply_mask against
// Boost.Beast's mask_inplace, a plain 64-bit word XOR loop, and memcpy of the same bytes
// (a memory-bandwidth yardstick: it reads and writes as much as an in-place XOR does).
#include <benchmark/benchmark.h>

#include <boost/beast/websocket/detail/mask.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "harness/codec/masking.h"
#include "tests/bench/bench_payloads.h"

namespace wsspec::bench {
namespace {

namespace beast_ws = boost::beast::websocket::detail;

constexpr codec::MaskKey key = {0x37, 0xFA, 0x21, 0x3D};

struct UnmaskCase {
    const char* name;
    std::size_t size;
};
constexpr UnmaskCase cases[] = {
    {"16B", 16}, {"125B", 125}, {"1KiB", kib}, {"1MiB", mib}, {"64MiB", 64 * mib},
};

// What a straightforward implementation gets: one 64-bit XOR per 8 bytes, then bytes.
void word_xor(std::uint8_t* data, std::size_t size) {
    std::uint64_t key_word;
    std::uint8_t bytes[8];
    for (int i = 0; i < 8; ++i)
        bytes[i] = key[i & 3];
    std::memcpy(&key_word, bytes, 8);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data + i, 8);
        w ^= key_word;
        std::memcpy(data + i, &w, 8);
    }
    for (; i < size; ++i)
        data[i] ^= key[i & 3];
}

void bm_ours(benchmark::State& state, std::size_t size) {
    std::vector<std::uint8_t> data(size, 0x5A);
    for (auto _ : state) {
        codec::apply_mask(data.data(), size, key);
        benchmark::DoNotOptimize(data.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_beast(benchmark::State& state, std::size_t size) {
    std::vector<std::uint8_t> data(size, 0x5A);
    beast_ws::prepared_key prepared;
    std::memcpy(prepared.data(), key.data(), 4);
    for (auto _ : state) {
        // Beast rotates the key after a partial word, as its reader does between reads.
        beast_ws::mask_inplace(boost::asio::mutable_buffer(data.data(), size), prepared);
        benchmark::DoNotOptimize(data.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_word64(benchmark::State& state, std::size_t size) {
    std::vector<std::uint8_t> data(size, 0x5A);
    for (auto _ : state) {
        word_xor(data.data(), size);
        benchmark::DoNotOptimize(data.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_memcpy(benchmark::State& state, std::size_t size) {
    std::vector<std::uint8_t> src(size, 0x5A);
    std::vector<std::uint8_t> dst(size);
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), size);
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// Names are family/implementation/case; tools/bench_codec_summary.py groups by them.
const bool registered = [] {
    for (const UnmaskCase& c : cases) {
        const std::string suffix = std::string("/") + c.name;
        benchmark::RegisterBenchmark(("unmask/ours" + suffix).c_str(), bm_ours, c.size);
        benchmark::RegisterBenchmark(("unmask/beast" + suffix).c_str(), bm_beast, c.size);
        benchmark::RegisterBenchmark(("unmask/word64" + suffix).c_str(), bm_word64, c.size);
        benchmark::RegisterBenchmark(("unmask/memcpy" + suffix).c_str(), bm_memcpy, c.size);
    }
    return true;
}();

}  // namespace
}  // namespace wsspec::bench
