// permessage-deflate through the codec against zlib called directly on the same data with
// the same settings: what the extension layer (framing, chunked inflation into the
// reassembly buffer, limits) costs on top of compression itself. Target: under 10%. And
// against Boost.Beast's permessage-deflate on the same data, a whole WebSocket stack doing
// the same work with its own port of zlib (boost::beast::zlib).
//
//   deflate_compress/{ours,zlib,beast}/<size>   Connection::write_message vs
//                                               deflate(Z_SYNC_FLUSH) vs websocket::stream::
//                                               write
//   deflate_inflate/{ours,zlib,beast}/<size>    Connection::receive of a frame vs inflate()
//                                               vs websocket::stream::read
//   deflate_inflate_w9/{ours,zlib,beast}/<size> the same with a 9-bit window agreed, where
//                                               wsspec also decodes each message once more
//                                               to check its distances exactly
//                                               (permessage_deflate.h): the price of that
//                                               (zlib and Beast check a distance only
//                                               against what they hold)
//   deflate_inflate{,_w9}_mixed/...             the same over 64 different messages in
//                                               turn. Repeating one message lets the branch
//                                               predictor learn much of it, which flatters
//                                               one decoding pass (zlib alone) more than two
//                                               (ours below 15 bits)
//
// Binary messages (UTF-8 validation is measured in utf8_bench); no context takeover, so
// every message is independent and the loop can repeat one. Beast runs in the server role
// over an in-memory beast::test::stream, after one untimed handshake that agrees the same
// parameters (compression level 6, memory level 8, as ours): it writes unmasked frames and
// reads masked ones, so its inflate rows also unmask the compressed bytes (a few percent
// of the inflated size), and each round appends the frame to its input (one copy).
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <string>
#include <string_view>
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

// ---- Boost.Beast ----------------------------------------------------------------------

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// A Beast server stream with permessage-deflate agreed by an untimed handshake: no context
// takeover either way, the client's window as given.
class BeastDeflateServer {
  public:
    explicit BeastDeflateServer(int client_window_bits) : client_(ioc_), ws_(ioc_) {
        ws_.next_layer().connect(client_);
        std::string request =
            "GET / HTTP/1.1\r\n"
            "Host: localhost\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; "
            "client_no_context_takeover; client_max_window_bits=";
        request += std::to_string(client_window_bits) + "\r\n\r\n";
        ws_.next_layer().append(request);
        websocket::permessage_deflate pmd;
        pmd.server_enable = true;
        pmd.compLevel = level;
        pmd.memLevel = mem_level;
        ws_.set_option(pmd);
        ws_.binary(true);
        ws_.accept();
        accepted_ = client_.str().find("permessage-deflate") != std::string::npos;
        client_.clear();
    }

    [[nodiscard]] bool deflate_agreed() const { return accepted_; }
    websocket::stream<beast::test::stream>& ws() { return ws_; }
    beast::test::stream& client() { return client_; }

  private:
    boost::asio::io_context ioc_;
    beast::test::stream client_;  // receives what the server writes
    websocket::stream<beast::test::stream> ws_;
    bool accepted_ = false;
};

void bm_compress_beast(benchmark::State& state, std::size_t size) {
    const std::string payload = json_text(size);
    BeastDeflateServer server(15);
    if (!server.deflate_agreed()) {
        state.SkipWithError("Beast did not agree to permessage-deflate");
        return;
    }
    // Once, untimed: what Beast writes is compressed and reads back as the payload.
    server.ws().write(boost::asio::buffer(payload));
    const auto view = server.client().str();
    const std::string written(view.data(), view.size());
    server.client().clear();
    codec::Connection reader(codec::Role::client, {}, 1);
    reader.use_extension(codec::make_permessage_deflate(codec::Role::client, no_takeover));
    CountingHandler check;
    std::vector<std::uint8_t> wire(written.begin(), written.end());
    if (written.size() >= size || !reader.receive(wire.data(), wire.size(), check) ||
        check.bytes != size) {
        state.SkipWithError("Beast's compressed message did not read back");
        return;
    }
    for (auto _ : state) {
        server.ws().write(boost::asio::buffer(payload));
        server.client().clear();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void bm_inflate_beast(benchmark::State& state, std::size_t size, PerMessageDeflateParams agreed) {
    const std::string payload = json_text(size);
    // The same compressed message as the other rows, from a client (masked).
    codec::Connection client(codec::Role::client, {}, 1);
    client.use_extension(codec::make_permessage_deflate(codec::Role::client, agreed));
    std::string frame;
    client.write_message(frame, codec::MessageType::binary, payload);
    BeastDeflateServer server(agreed.client_max_window_bits);
    if (!server.deflate_agreed()) {
        state.SkipWithError("Beast did not agree to permessage-deflate");
        return;
    }
    beast::flat_buffer buffer;
    std::size_t bytes = 0;
    for (auto _ : state) {
        server.ws().next_layer().append({frame.data(), frame.size()});
        beast::error_code ec;
        server.ws().read(buffer, ec);
        if (ec) {
            state.SkipWithError(("Beast failed to read the message: " + ec.message()).c_str());
            return;
        }
        bytes += buffer.size();
        buffer.consume(buffer.size());
    }
    if (bytes != state.iterations() * size) state.SkipWithError("wrong output");
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
        benchmark::RegisterBenchmark(("deflate_compress/beast/" + n).c_str(), bm_compress_beast,
                                     size);
        benchmark::RegisterBenchmark(("deflate_inflate/ours/" + n).c_str(), bm_inflate_ours, size,
                                     no_takeover);
        benchmark::RegisterBenchmark(("deflate_inflate/zlib/" + n).c_str(), bm_inflate_zlib, size,
                                     15);
        benchmark::RegisterBenchmark(("deflate_inflate/beast/" + n).c_str(), bm_inflate_beast, size,
                                     no_takeover);
        benchmark::RegisterBenchmark(("deflate_inflate_w9/ours/" + n).c_str(), bm_inflate_ours,
                                     size, no_takeover_w9);
        benchmark::RegisterBenchmark(("deflate_inflate_w9/zlib/" + n).c_str(), bm_inflate_zlib,
                                     size, 9);
        benchmark::RegisterBenchmark(("deflate_inflate_w9/beast/" + n).c_str(), bm_inflate_beast,
                                     size, no_takeover_w9);
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
