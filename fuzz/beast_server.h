// Boost.Beast as a differential peer: the same client byte stream through a
// websocket::stream<test::stream> in the server role, after the same canned handshake as
// run_wsspec_server (server_outcome.h). Beast's frame parser lives inside its stream
// (stream::impl_type::parse_fh), so the stream is the smallest way to drive it.
#pragma once

#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "fuzz/server_outcome.h"
#include "harness/codec/frame_header.h"

namespace wsspec::fuzz {

// The code of the Close frame Beast wrote after its handshake response, or 0.
inline std::uint16_t close_code_written(std::string_view wire) {
    const std::size_t head_end = wire.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return 0;
    std::size_t pos = head_end + 4;
    codec::FrameRules rules;
    rules.receiver = codec::Role::client;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(wire.data());
    while (pos < wire.size()) {
        codec::FrameHeader header;
        const auto r = codec::parse_frame_header(bytes + pos, wire.size() - pos, header, rules);
        if (r.status != codec::ParseStatus::complete) return 0;
        pos += r.consumed;
        if (header.payload_length > wire.size() - pos) return 0;
        if (header.opcode == static_cast<std::uint8_t>(codec::Opcode::close) &&
            header.payload_length >= 2) {
            return static_cast<std::uint16_t>((bytes[pos] << 8) | bytes[pos + 1]);
        }
        pos += header.payload_length;
    }
    return 0;
}

inline ServerOutcome run_beast_server(const std::uint8_t* data, std::size_t size) {
    namespace beast = boost::beast;
    namespace websocket = beast::websocket;
    ServerOutcome outcome;
    boost::asio::io_context ioc;
    websocket::stream<beast::test::stream> ws(ioc);
    beast::test::stream client(ioc);  // receives what Beast writes
    ws.next_layer().connect(client);
    ws.next_layer().append({canned_request.data(), canned_request.size()});
    ws.next_layer().append({reinterpret_cast<const char*>(data), size});
    ws.next_layer().close_remote();  // end of input reads as EOF
    ws.read_message_max(compared_message_limit);

    beast::error_code ec;
    ws.accept(ec);
    FUZZ_CHECK(!ec, "Beast rejected the canned request");
    beast::flat_buffer buffer;
    for (;;) {
        ws.read(buffer, ec);
        if (ec) break;
        outcome.messages.emplace_back(!ws.got_text(), beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
    }
    if (ec == websocket::error::closed) {
        outcome.end = ServerOutcome::End::closed;
        outcome.close_code = ws.reason().code;
    } else if (ec == boost::asio::error::eof) {
        outcome.end = ServerOutcome::End::incomplete;
    } else {
        outcome.end = ServerOutcome::End::failed;
        const auto written = client.str();
        outcome.close_code = close_code_written({written.data(), written.size()});
    }
    return outcome;
}

}  // namespace wsspec::fuzz
