// `wsspec test-client` over HTTP/2 (RFC 8441 in the server role): one connection a client
// under test opened, cleartext with prior knowledge or TLS with "h2" agreed by ALPN. The
// connection advertises SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 3), hands out the
// client's requests one at a time (each extended CONNECT asks for one endpoint or case, as
// an HTTP/1.1 request does), and gives the case session a SessionTransport over the DATA of
// the stream it accepted. Streams a client opens while a case runs wait their turn: a case
// session drives the connection's event loop itself.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "harness/h2/h2_session.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/session_transport.h"

namespace wsspec::peer {

// The server's windows: as the client transport's (h2_transport.h), so 16 MiB messages do not
// stall per 64 KiB.
constexpr std::uint32_t h2_server_stream_window = 1U << 20;
constexpr std::uint32_t h2_server_connection_window = 1U << 24;

class H2ServerConnection final : h2::H2Handler {
  public:
    H2ServerConnection(asio::io_context& io, std::unique_ptr<ByteStream> stream);
    ~H2ServerConnection() override;
    H2ServerConnection(const H2ServerConnection&) = delete;
    H2ServerConnection& operator=(const H2ServerConnection&) = delete;

    struct Request {
        std::int32_t stream = 0;
        std::vector<h2::Header> headers;  // as received, pseudo-header fields first
    };
    // Runs the connection until a client's request is complete (nghttp2 checked it against
    // RFC 9113 8), the connection ends, or `deadline`.
    std::optional<Request> next_request(Clock::time_point deadline);
    // Answers `stream`; a 2xx opens it for WebSocket data (RFC 8441 5), others end it.
    bool respond(std::int32_t stream, int status, const std::vector<h2::Header>& headers);
    // The case session's transport over `stream` (answered with 200). Its close() ends our
    // half of the stream with END_STREAM, the orderly close of RFC 8441 5; the connection
    // stays for the client's next request.
    std::unique_ptr<SessionTransport> stream_transport(std::int32_t stream);
    // DATA that arrived on `stream` before its transport started.
    std::string take_early_data(std::int32_t stream);
    // Writes what is queued (a refusal, GOAWAY) and closes the socket, bounded.
    void close();
    // SETTINGS to the client (a case changing the connection, RFC 9113 6.5); "" or why not.
    std::string send_settings(const std::vector<std::pair<std::int32_t, std::uint32_t>>& settings);
    // A case left the connection in a state later requests must not inherit: no more
    // requests are taken (close() says GOAWAY NO_ERROR first, as it always does).
    void retire() { retired_ = true; }
    [[nodiscard]] bool retired() const { return retired_; }
    [[nodiscard]] bool open() const { return socket_open_ && h2_.alive(); }
    [[nodiscard]] const std::string& error() const { return h2_.error(); }
    [[nodiscard]] ByteStream& byte_stream() { return *stream_; }

    // For the stream transport.
    bool run_until(const std::function<bool()>& done, Clock::time_point deadline);
    void flush();

  private:
    class StreamTransport;
    friend class StreamTransport;

    struct StreamState {
        std::string early;  // bounded: a client waits for the 200 before sending much
        bool remote_ended = false;
        std::optional<std::uint32_t> reset;
        StreamTransport* transport = nullptr;
    };

    void read_more();
    void notify_write_done();

    void on_request(std::int32_t stream, const std::vector<h2::Header>& headers) override;
    void on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) override;
    void on_remote_end(std::int32_t stream) override;
    void on_stream_closed(std::int32_t stream, std::uint32_t error_code) override;
    void on_goaway(std::uint32_t error_code) override;

    asio::io_context& io_;
    std::unique_ptr<ByteStream> stream_;
    h2::H2Session h2_;
    std::deque<Request> requests_;
    std::map<std::int32_t, StreamState> streams_;
    std::size_t early_total_ = 0;  // the early data of all streams_
    bool socket_open_ = true;
    bool retired_ = false;
    std::optional<std::uint32_t> goaway_code_;  // the client's GOAWAY
    bool reading_ = false;
    bool writing_ = false;
    std::array<std::uint8_t, 64 * 1024> rx_{};
    std::string tx_;
    std::string delivering_;
};

}  // namespace wsspec::peer
