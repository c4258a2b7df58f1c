// Boost.Beast's permessage-deflate as a differential peer: a websocket::stream<test::stream>
// in the server role (as beast_server.h drives it), which accepts a canned request offering
// permessage-deflate with the client's window bits and context takeover chosen by the
// caller, then reads the client's (masked) frames with its own inflater, boost::beast::zlib
// -- a C++ port of zlib's inflate, independent of the zlib wsspec links.
#pragma once

#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_check.h"

namespace wsspec::fuzz {

struct BeastDeflateOutcome {
    std::vector<std::pair<bool, std::string>> messages;  // (text, payload)
    // Why reading stopped: boost::asio::error::eof when every frame was read.
    boost::system::error_code error;
};

// `client_window_bits` and `client_no_context_takeover` are what the client (the sender of
// `frames`) agrees to compress with; Beast answers the offer with the same values.
inline BeastDeflateOutcome run_beast_deflate_server(int client_window_bits,
                                                    bool client_no_context_takeover,
                                                    std::uint64_t max_message_size,
                                                    std::string_view frames) {
    namespace beast = boost::beast;
    namespace websocket = beast::websocket;
    std::string request =
        "GET /chat HTTP/1.1\r\n"
        "Host: server.example.com\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=";
    request += std::to_string(client_window_bits);
    if (client_no_context_takeover) request += "; client_no_context_takeover";
    request += "\r\n\r\n";

    BeastDeflateOutcome outcome;
    boost::asio::io_context ioc;
    websocket::stream<beast::test::stream> ws(ioc);
    beast::test::stream client(ioc);  // receives what Beast writes
    ws.next_layer().connect(client);
    ws.next_layer().append(request);
    ws.next_layer().append({frames.data(), frames.size()});
    ws.next_layer().close_remote();  // end of input reads as EOF
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    // Beast answers an offered client_max_window_bits=N with min(N, this): 15 keeps N,
    // including 8, which Beast's own options refuse (set_option_pmd takes 9..15) but its
    // inflater takes (inflate_stream::reset: 8..15).
    pmd.client_max_window_bits = 15;
    pmd.client_no_context_takeover = client_no_context_takeover;
    ws.set_option(pmd);
    ws.read_message_max(max_message_size);

    beast::error_code ec;
    ws.accept(ec);
    FUZZ_CHECK(!ec, "Beast rejected the canned request");
    // The agreement must be the one the caller asked for, or nothing compares.
    const auto written = client.str();
    const std::string_view response(written.data(), written.size());
    const std::string agreed_bits = "client_max_window_bits=" + std::to_string(client_window_bits);
    FUZZ_CHECK(
        response.find("permessage-deflate") != std::string_view::npos &&
            (client_window_bits == 15 || response.find(agreed_bits) != std::string_view::npos) &&
            client_no_context_takeover ==
                (response.find("client_no_context_takeover") != std::string_view::npos),
        "Beast did not agree to the offered permessage-deflate parameters");
    beast::flat_buffer buffer;
    for (;;) {
        ws.read(buffer, ec);
        if (ec) break;
        outcome.messages.emplace_back(ws.got_text(), beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
    }
    outcome.error = ec;
    return outcome;
}

}  // namespace wsspec::fuzz
