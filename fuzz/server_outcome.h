// What a WebSocket server made of a client's byte stream, in terms two implementations
// can be compared on: the messages it delivered, and how the stream ended for it.
// `run_wsspec_server` is wsspec's codec; beast_server.h runs Boost.Beast the same way.
// Both first accept the same canned opening handshake, then read frames until the input
// ends, the peer closes or the connection fails, answering pings and closes as a server
// would, so the two do the same work (this is what the frames/frames_beast speed
// comparison in tools/fuzz.sh measures).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fixed_mask_seed.h"
#include "fuzz/fuzz_check.h"
#include "harness/codec/connection.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"

namespace wsspec::fuzz {

// The RFC 6455 1.2 example request.
constexpr std::string_view canned_request =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

// Boost.Beast's default read_message_max; wsspec's server side uses the same limit here.
constexpr std::uint64_t compared_message_limit = 16 * 1024 * 1024;

struct ServerOutcome {
    enum class End : std::uint8_t {
        incomplete,  // input ended with no verdict (possibly inside a frame)
        closed,      // the client sent a valid Close; close_code is its code (0: none)
        failed,      // the server failed the connection; close_code is what it sent
    };
    End end = End::incomplete;
    std::uint16_t close_code = 0;
    codec::ErrorKind error = codec::ErrorKind::none;     // wsspec only
    std::vector<std::pair<bool, std::string>> messages;  // (binary, payload)
};

namespace detail {

class ServerSide : public codec::ConnectionHandler {
  public:
    ServerSide(codec::Connection& connection, std::string& wire, ServerOutcome& outcome)
        : connection_(connection), wire_(wire), outcome_(outcome) {}
    void on_message(codec::MessageType type, std::string_view payload) override {
        outcome_.messages.emplace_back(type == codec::MessageType::binary, std::string(payload));
    }
    void on_ping(std::string_view payload) override { connection_.write_pong(wire_, payload); }
    void on_close(const codec::ClosePayload& close) override {
        outcome_.end = ServerOutcome::End::closed;
        outcome_.close_code = close.code.value_or(0);
        connection_.write_close(wire_, close.code.value_or(codec::close_code::normal));
    }
    void on_error(const codec::ProtocolError& error) override {
        outcome_.end = ServerOutcome::End::failed;
        outcome_.close_code = error.close_code;
        outcome_.error = error.kind;
        connection_.write_close(wire_, error.close_code);
    }

  private:
    codec::Connection& connection_;
    std::string& wire_;
    ServerOutcome& outcome_;
};

}  // namespace detail

inline ServerOutcome run_wsspec_server(const std::uint8_t* data, std::size_t size) {
    ServerOutcome outcome;
    codec::HttpRequestHead head;
    const auto parsed =
        codec::parse_request_head(canned_request.data(), canned_request.size(), head);
    FUZZ_CHECK(parsed.complete(), "canned request did not parse");
    const codec::RequestValidation validation = codec::validate_request(head);
    FUZZ_CHECK(validation.ok(), "canned request rejected");
    std::string wire = codec::build_accept_response(validation.request).bytes;

    codec::ConnectionLimits limits;
    limits.max_message_size = compared_message_limit;
    limits.reject_non_minimal_length = true;  // as Beast does (RFC 6455 5.2 binds senders)
    codec::Connection connection(codec::Role::server, limits, fixed_mask_seed);
    detail::ServerSide side(connection, wire, outcome);
    std::vector<std::uint8_t> bytes(data, data + size);  // receive() unmasks in place
    connection.receive(bytes.data(), bytes.size(), side);
    return outcome;
}

}  // namespace wsspec::fuzz
