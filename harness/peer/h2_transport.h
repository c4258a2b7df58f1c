// A case session's transport over one WebSocket stream of an HTTP/2 connection (RFC 8441):
// the stream's DATA is the byte stream the session reads and writes. open() does what the
// HTTP/1.1 Upgrade does over TCP: it waits for the server's SETTINGS_ENABLE_CONNECT_PROTOCOL,
// sends the extended CONNECT and reads the response. The END_STREAM of the server is the
// session's "peer closed the connection"; close() ends our half of the stream (RFC 8441 5).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>

#include "harness/h2/h2_session.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/session_transport.h"

namespace wsspec::peer {

// Windows large enough that 12.*/13.* messages of 16 MiB do not wait for a WINDOW_UPDATE
// round trip per 64 KiB (RFC 9113 6.9.2 default), small enough to stay a budget.
constexpr std::uint32_t h2_stream_window = 1U << 20;
constexpr std::uint32_t h2_connection_window = 1U << 24;

class H2Transport final : public SessionTransport, h2::H2Handler {
  public:
    // `stream_window`: our SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 6.5.2).
    H2Transport(asio::io_context& io, std::unique_ptr<ByteStream> stream,
                std::uint32_t stream_window = h2_stream_window);

    struct OpenResult {
        std::string failure;  // empty: a response arrived (any status)
        int status = 0;
        std::vector<h2::Header> headers;
        bool timed_out = false;
        // No final response: the stream's RST_STREAM (or the connection's GOAWAY) and its
        // RFC 9113 7 error code name.
        std::string stream_error_frame;
        std::string stream_error;
    };
    OpenResult open(const h2::WebSocketRequest& request, Clock::time_point deadline);
    // The same with the request's fields as given; `wait_for_settings` false sends them
    // before the server's SETTINGS arrived (RFC 8441 3 cases).
    OpenResult open(const std::vector<h2::Header>& fields, bool wait_for_settings,
                    Clock::time_point deadline);
    // RFC 9113 5: `count` more WebSocket streams on this connection (the request `base`),
    // each sending one text message and a Close, all at once; what the server got wrong.
    StreamEnd run_extra_streams(const h2::WebSocketRequest& base, std::uint32_t count,
                                Clock::time_point deadline);

    void start(Handlers handlers) override;
    void write(std::string bytes, std::function<void(const std::string& error)> done) override;
    bool run_until(const std::function<bool()>& done, Clock::time_point deadline) override;
    void close() override;
    void settle() override;
    StreamEnd end_stream(bool reset, const std::string& error_code,
                         Clock::time_point deadline) override;

    // The request the probe after a reset sends (the case's own, without its edits).
    void set_probe_request(h2::WebSocketRequest r) { probe_request_ = std::move(r); }

  private:
    OpenResult send_request(const std::vector<h2::Header>& fields, Clock::time_point deadline);
    void read_more();
    void flush();
    void maybe_done();
    void end(bool eof, const std::string& why);

    void on_response(std::int32_t stream, int status, const std::vector<h2::Header>& h) override;
    void on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) override;
    void on_remote_end(std::int32_t stream) override;
    void on_stream_closed(std::int32_t stream, std::uint32_t error_code) override;
    void on_goaway(std::uint32_t error_code) override;
    void on_reset(std::int32_t stream, std::uint32_t error_code) override;

    // A stream beside the case's own (extra_streams, the probe after a reset).
    struct SideStream {
        std::string text;  // what it sent
        int status = 0;
        std::string rx;  // the server's WebSocket bytes
        bool ended = false;
        bool close_sent = false;
        std::optional<std::uint32_t> reset;
    };
    std::map<std::int32_t, SideStream> side_;

    asio::io_context& io_;
    std::unique_ptr<ByteStream> stream_;
    h2::H2Session h2_;
    std::int32_t stream_id_ = -1;
    Handlers handlers_;
    bool started_ = false;
    bool socket_open_ = true;
    bool ended_ = false;  // handlers_.ended given, or close() called
    bool closing_ = false;
    bool reading_ = false;
    bool writing_ = false;
    std::optional<OpenResult> response_;
    h2::WebSocketRequest probe_request_;
    std::optional<std::uint32_t> reset_code_;  // RST_STREAM on our stream
    bool reset_received_ = false;              // the server sent it (not nghttp2's close)
    bool ended_eof_ = false;                   // how it ended, for start()
    std::string ended_why_;
    std::optional<std::uint32_t> goaway_code_;  // the connection's GOAWAY
    std::string early_;  // DATA that came with the response, before start() hands it over
    std::string delivering_;
    std::function<void(const std::string&)> write_done_;
    std::array<std::uint8_t, 64 * 1024> rx_{};
    std::string tx_;
};

}  // namespace wsspec::peer
