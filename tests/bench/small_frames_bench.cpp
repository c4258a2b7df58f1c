// Receiving many small masked text frames (16-byte payloads, client to server): wsspec's
// Connection::receive against Boost.Beast's websocket::stream::read, both fed from memory.
//
// Each iteration delivers the same pre-serialized buffer of `frame_count` frames. Both
// sides pay for exactly one copy of it per iteration, and it is timed: ours must copy
// because it unmasks in place, and Beast's stream receives its input by
// test::stream::append(), which copies into the stream's buffer.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "tests/bench/bench_payloads.h"

namespace wsspec::bench {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

constexpr std::size_t frame_count = 4096;
constexpr std::size_t payload_size = 16;

// Masked text frames as a client sends them, each with its own key (RFC 6455 5.3).
std::string masked_frames() {
    const std::vector<std::string> payloads = short_messages(payload_size, frame_count);
    std::string wire;
    codec::FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(codec::Opcode::text);
    spec.masked = true;
    std::uint32_t seed = 0x12345678;
    for (const std::string& p : payloads) {
        seed = seed * 1664525u + 1013904223u;
        std::memcpy(spec.mask_key.data(), &seed, 4);
        codec::append_frame(wire, spec, p);
    }
    return wire;
}

class CountingHandler : public codec::ConnectionHandler {
  public:
    void on_message(codec::MessageType, std::string_view payload) override {
        ++messages;
        bytes += payload.size();
    }
    std::size_t messages = 0;
    std::size_t bytes = 0;
};

void bm_ours(benchmark::State& state) {
    const std::string wire = masked_frames();
    std::vector<std::uint8_t> work(wire.size());
    // A server writes unmasked frames: the seed is never used, any value will do.
    codec::Connection conn(codec::Role::server, {}, 1);
    CountingHandler handler;
    for (auto _ : state) {
        std::memcpy(work.data(), wire.data(), wire.size());
        handler.messages = 0;
        conn.receive(work.data(), work.size(), handler);
        if (handler.messages != frame_count) {
            state.SkipWithError("codec did not deliver every message");
            return;
        }
        benchmark::DoNotOptimize(handler.bytes);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frame_count));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

constexpr std::string_view upgrade_request =
    "GET / HTTP/1.1\r\n"
    "Host: localhost\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

void bm_beast(benchmark::State& state) {
    const std::string wire = masked_frames();
    boost::asio::io_context ioc;
    // The client end only collects what the server writes (the handshake response).
    beast::test::stream client(ioc);
    websocket::stream<beast::test::stream> ws(ioc);
    ws.next_layer().connect(client);
    // Beast has no way to start a stream already open: do the handshake once, untimed.
    ws.next_layer().append({upgrade_request.data(), upgrade_request.size()});
    ws.accept();
    client.clear();

    beast::flat_buffer buffer;
    std::size_t bytes = 0;
    for (auto _ : state) {
        ws.next_layer().append({wire.data(), wire.size()});
        for (std::size_t i = 0; i < frame_count; ++i) {
            ws.read(buffer);
            bytes += buffer.size();
            buffer.consume(buffer.size());
        }
        benchmark::DoNotOptimize(bytes);
    }
    if (bytes != state.iterations() * frame_count * payload_size) {
        state.SkipWithError("Beast did not deliver every message");
        return;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frame_count));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

const bool registered = [] {
    benchmark::RegisterBenchmark("small_frames/ours/16B", bm_ours);
    benchmark::RegisterBenchmark("small_frames/beast/16B", bm_beast);
    return true;
}();

}  // namespace
}  // namespace wsspec::bench
