// permessage-deflate through the codec against zlib called directly on the same data with
// the same settings: what the extension layer (framing, chunked inflation into the
// reassembly buffer, limits) costs on top of compression itself. Target: under 10%.
//
//   deflate_compress/{ours,zlib}/<size>   Connection::write_message vs deflate(Z_SYNC_FLUSH)
//   deflate_inflate/{ours,zlib}/<size>    Connection::receive of a frame vs inflate()
//   deflate_inflate_w9/{ours,zlib}/<size> the same with a 9-bit window agreed, where wsspec
//                                         also decodes each message once more to check its
//                                         distances exactly (permessage_deflate.h): the price
//                                         of that
//   deflate_inflate{,_w9}_mixed/...       the same over 64 different messages in turn.
//                                         Repeating one message lets the branch predictor
//                                         learn much of it, which flatters one decoding pass
//                                         (zlib alone) more than two (ours below 15 bits)
//
// Binary messages (UTF-8 validation is measured in utf8_bench); no context takeover, so
// every message is independent and the loop can repeat one.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "harness/codec/connection.h"
#include "harness/codec/permessage_deflate.h"
#include "tests/bench/bench_payloads.h"

namespace wsspec::bench {
namespace {

using codec::PerMessageDeflateParams;

constexpr int level = 6;
constexpr int mem_level = 8;

const PerMessageDeflateParams no_takeover{true, true, 15, 15};
const PerMessageDeflateParams no_takeover_w9{true, true, 9, 9};

std::string zlib_compress(z_stream& z, const std::string& in, std::string& out) {
    out.resize(deflateBound(&z, in.size()) + 64);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out - 4);
    deflateReset(&z);
    return out;
}

void bm_compress_ours(benchmark::State& state, std::size_t size) {
    const std::string payload = json_text(size);
    codec::Connection server(codec::Role::server, {}, 1);
    server.use_extension(codec::make_permessage_deflate(codec::Role::server, no_takeover));
    std::string out;
    for (auto _ : state) {
        out.clear();
        server.write_message(out, codec::MessageType::binary, payload);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_compress_zlib(benchmark::State& state, std::size_t size) {
    const std::string payload = json_text(size);
    z_stream z{};
    deflateInit2(&z, level, Z_DEFLATED, -15, mem_level, Z_DEFAULT_STRATEGY);
    std::string out;
    for (auto _ : state) {
        zlib_compress(z, payload, out);
        benchmark::DoNotOptimize(out.data());
    }
    deflateEnd(&z);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

class CountingHandler : public codec::ConnectionHandler {
  public:
    void on_message(codec::MessageType, std::string_view payload) override {
        bytes += payload.size();
    }
    std::size_t bytes = 0;
};

void bm_inflate_ours(benchmark::State& state, std::size_t size, PerMessageDeflateParams agreed) {
    const std::string payload = json_text(size);
    codec::Connection server(codec::Role::server, {}, 1);
    server.use_extension(codec::make_permessage_deflate(codec::Role::server, agreed));
    std::string frame;
    server.write_message(frame, codec::MessageType::binary, payload);
    // Unmasked server frames are not modified by receive(): one buffer serves every round.
    std::vector<std::uint8_t> wire(frame.begin(), frame.end());
    codec::Connection client(codec::Role::client, {}, 1);
    client.use_extension(codec::make_permessage_deflate(codec::Role::client, agreed));
    CountingHandler handler;
    for (auto _ : state) {
        client.receive(wire.data(), wire.size(), handler);
    }
    if (handler.bytes != state.iterations() * size) state.SkipWithError("wrong output");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// More different messages than a branch predictor can learn.
constexpr std::size_t mixed_count = 64;

void bm_inflate_ours_mixed(benchmark::State& state, std::size_t size,
                           PerMessageDeflateParams agreed) {
    codec::Connection server(codec::Role::server, {}, 1);
    server.use_extension(codec::make_permessage_deflate(codec::Role::server, agreed));
    std::vector<std::vector<std::uint8_t>> wires;
    for (const std::string& payload : short_messages(size, mixed_count)) {
        std::string frame;
        server.write_message(frame, codec::MessageType::binary, payload);
        wires.emplace_back(frame.begin(), frame.end());
    }
    codec::Connection client(codec::Role::client, {}, 1);
    client.use_extension(codec::make_permessage_deflate(codec::Role::client, agreed));
    CountingHandler handler;
    std::size_t next = 0;
    for (auto _ : state) {
        std::vector<std::uint8_t>& wire = wires[next++ % wires.size()];
        client.receive(wire.data(), wire.size(), handler);
    }
    if (handler.bytes != state.iterations() * size) state.SkipWithError("wrong output");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_inflate_zlib_mixed(benchmark::State& state, std::size_t size, int bits) {
    z_stream d{};
    deflateInit2(&d, level, Z_DEFLATED, -bits, mem_level, Z_DEFAULT_STRATEGY);
    std::vector<std::string> compressed;
    for (const std::string& payload : short_messages(size, mixed_count)) {
        std::string c;
        zlib_compress(d, payload, c);
        compressed.push_back(c + std::string("\x00\x00\xff\xff", 4));
    }
    deflateEnd(&d);
    z_stream z{};
    inflateInit2(&z, -bits);
    std::string out(size, '\0');
    std::size_t next = 0;
    for (auto _ : state) {
        std::string& c = compressed[next++ % compressed.size()];
        z.next_in = reinterpret_cast<Bytef*>(c.data());
        z.avail_in = static_cast<uInt>(c.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        inflate(&z, Z_SYNC_FLUSH);
        benchmark::DoNotOptimize(out.data());
        inflateReset(&z);
    }
    inflateEnd(&z);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_inflate_zlib(benchmark::State& state, std::size_t size, int bits) {
    const std::string payload = json_text(size);
    z_stream d{};
    deflateInit2(&d, level, Z_DEFLATED, -bits, mem_level, Z_DEFAULT_STRATEGY);
    std::string compressed;
    zlib_compress(d, payload, compressed);
    deflateEnd(&d);
    compressed.append("\x00\x00\xff\xff", 4);
    z_stream z{};
    inflateInit2(&z, -bits);
    std::string out(size, '\0');
    for (auto _ : state) {
        z.next_in = reinterpret_cast<Bytef*>(compressed.data());
        z.avail_in = static_cast<uInt>(compressed.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        inflate(&z, Z_SYNC_FLUSH);
        benchmark::DoNotOptimize(out.data());
        inflateReset(&z);
    }
    inflateEnd(&z);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

const bool registered = [] {
    const std::pair<const char*, std::size_t> sizes[] = {
        {"1KiB", kib}, {"16KiB", 16 * kib}, {"128KiB", 128 * kib}};
    for (const auto& [name, size] : sizes) {
        const std::string n = name;
        benchmark::RegisterBenchmark(("deflate_compress/ours/" + n).c_str(), bm_compress_ours,
                                     size);
        benchmark::RegisterBenchmark(("deflate_compress/zlib/" + n).c_str(), bm_compress_zlib,
                                     size);
        benchmark::RegisterBenchmark(("deflate_inflate/ours/" + n).c_str(), bm_inflate_ours, size,
                                     no_takeover);
        benchmark::RegisterBenchmark(("deflate_inflate/zlib/" + n).c_str(), bm_inflate_zlib, size,
                                     15);
        benchmark::RegisterBenchmark(("deflate_inflate_w9/ours/" + n).c_str(), bm_inflate_ours,
                                     size, no_takeover_w9);
        benchmark::RegisterBenchmark(("deflate_inflate_w9/zlib/" + n).c_str(), bm_inflate_zlib,
                                     size, 9);
        benchmark::RegisterBenchmark(("deflate_inflate_mixed/ours/" + n).c_str(),
                                     bm_inflate_ours_mixed, size, no_takeover);
        benchmark::RegisterBenchmark(("deflate_inflate_mixed/zlib/" + n).c_str(),
                                     bm_inflate_zlib_mixed, size, 15);
        benchmark::RegisterBenchmark(("deflate_inflate_w9_mixed/ours/" + n).c_str(),
                                     bm_inflate_ours_mixed, size, no_takeover_w9);
        benchmark::RegisterBenchmark(("deflate_inflate_w9_mixed/zlib/" + n).c_str(),
                                     bm_inflate_zlib_mixed, size, 9);
    }
    return true;
}();

}  // namespace
}  // namespace wsspec::bench
