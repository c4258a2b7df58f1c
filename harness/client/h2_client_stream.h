// `wsspec client` over HTTP/2 (RFC 8441): one WebSocket on one stream of its own HTTP/2
// connection, as blocking steps each bounded by a deadline (the echo client's habit). It
// waits for the server's SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 before the extended CONNECT
// (RFC 8441 3), and then carries the WebSocket's bytes as the stream's DATA, within the
// server's flow-control windows (RFC 9113 6.9).
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/h2/h2_session.h"
#include "harness/peer/byte_stream.h"

namespace wsspec::client {

class H2ClientStream final : h2::H2Handler {
  public:
    using Clock = std::chrono::steady_clock;

    // `stream`: connected (TLS past its handshake with "h2" agreed by ALPN, or plain TCP).
    H2ClientStream(peer::asio::io_context& io, std::unique_ptr<peer::ByteStream> stream);
    ~H2ClientStream() override;
    H2ClientStream(const H2ClientStream&) = delete;
    H2ClientStream& operator=(const H2ClientStream&) = delete;

    struct Response {
        std::string error;  // empty: a final response arrived (any status)
        int status = 0;
        std::vector<h2::Header> headers;
    };
    Response open(const h2::WebSocketRequest& request, Clock::time_point deadline);
    // Sends all of `bytes` on the stream; false when the stream or connection broke, or the
    // server's window stayed shut until `deadline`.
    bool write(std::string_view bytes, Clock::time_point deadline);
    // Appends what arrived on the stream; false once the server ended it (END_STREAM or
    // RST_STREAM), the connection broke, or nothing came before `deadline`.
    bool read(std::string& into, Clock::time_point deadline);
    // RFC 8441 5: our END_STREAM (the orderly close), then the connection goes.
    void close(Clock::time_point deadline);
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    bool pump(Clock::time_point deadline);  // one read from the socket into the session
    bool flush(Clock::time_point deadline);

    void on_response(std::int32_t stream, int status, const std::vector<h2::Header>& h) override;
    void on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) override;
    void on_remote_end(std::int32_t stream) override;
    void on_stream_closed(std::int32_t stream, std::uint32_t error_code) override;

    peer::asio::io_context& io_;
    std::unique_ptr<peer::ByteStream> stream_;
    h2::H2Session h2_;
    std::int32_t id_ = -1;
    std::optional<Response> response_;
    std::string received_;
    bool ended_ = false;
    bool socket_open_ = true;
    std::string error_;
    std::array<std::uint8_t, 64 * 1024> rx_{};
};

}  // namespace wsspec::client
