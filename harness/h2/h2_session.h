// One HTTP/2 connection carrying WebSockets (RFC 8441), sans-IO like the codec: feed it the
// bytes read from the socket (receive), write what take_output() returns, and hear about
// settings, requests, responses, stream DATA and stream ends through H2Handler. nghttp2's
// session API does the framing, HPACK, flow control and RFC 9113 message checks; this layer
// adds the extended CONNECT of RFC 8441 on top: the client's request, the server's answer,
// and each stream's bytes as a queue the peer's flow-control window drains.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct nghttp2_session;

namespace wsspec::h2 {

enum class Role { client, server };

struct Header {
    std::string name;  // lowercase, as HTTP/2 carries it (RFC 9113 8.2.1)
    std::string value;
};

// RFC 9113 6.5.2: the default SETTINGS_INITIAL_WINDOW_SIZE.
constexpr std::uint32_t default_window_size = 65535;
// RFC 9113 6.5.2: SETTINGS_INITIAL_WINDOW_SIZE.
constexpr std::int32_t settings_initial_window_size = 0x4;
// RFC 8441 3: SETTINGS_ENABLE_CONNECT_PROTOCOL.
constexpr std::int32_t settings_enable_connect_protocol = 0x8;

struct SessionOptions {
    // What we let the peer send on each stream before our WINDOW_UPDATE (RFC 9113 6.9.2).
    std::uint32_t stream_window = default_window_size;
    // The same for the whole connection.
    std::uint32_t connection_window = default_window_size;
    // SETTINGS_MAX_CONCURRENT_STREAMS we announce (RFC 9113 6.5.2); nghttp2 refuses streams
    // past it with RST_STREAM REFUSED_STREAM. Unset: no limit announced.
    std::optional<std::uint32_t> max_concurrent_streams;
};

class H2Handler {
  public:
    virtual ~H2Handler() = default;
    // The peer's SETTINGS frame (not an ACK) arrived.
    virtual void on_settings() {}
    // Server: a request's header block is complete and passed nghttp2's RFC 9113 checks.
    virtual void on_request(std::int32_t /*stream*/, const std::vector<Header>& /*headers*/) {}
    // Client: the final response's header block (:status in `status`).
    virtual void on_response(std::int32_t /*stream*/, int /*status*/,
                             const std::vector<Header>& /*headers*/) {}
    virtual void on_data(std::int32_t /*stream*/, std::span<const std::uint8_t> /*bytes*/) {}
    // The peer set END_STREAM: it sends no more on this stream (RFC 8441 5: the orderly
    // close of a TCP connection).
    virtual void on_remote_end(std::int32_t /*stream*/) {}
    // The stream is gone: error_code 0 after both ends, else RST_STREAM's code.
    virtual void on_stream_closed(std::int32_t /*stream*/, std::uint32_t /*error_code*/) {}
    virtual void on_goaway(std::uint32_t /*error_code*/) {}
    // The peer sent RST_STREAM (on_stream_closed follows; it also comes for closes that are
    // not the peer's reset).
    virtual void on_reset(std::int32_t /*stream*/, std::uint32_t /*error_code*/) {}
};

// The extended CONNECT of RFC 8441 4 and 5.
struct WebSocketRequest {
    std::string scheme = "http";
    std::string authority;
    std::string path = "/";
    std::vector<std::string> subprotocols;  // sec-websocket-protocol
    std::vector<std::string> extensions;    // sec-websocket-extensions
    std::string origin;
};

class H2Session {
  public:
    // Queues our connection preface and SETTINGS (a server's with
    // SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, RFC 8441 3).
    H2Session(Role role, const SessionOptions& options, H2Handler& handler);
    ~H2Session();
    H2Session(const H2Session&) = delete;
    H2Session& operator=(const H2Session&) = delete;

    // Feeds bytes from the peer; false (and error()) when the connection is broken. A
    // connection error nghttp2 answers with its own GOAWAY shows in error() once that GOAWAY
    // is taken by take_output().
    bool receive(std::span<const std::uint8_t> bytes);
    // Everything there is to write now (frames, and DATA as far as windows allow).
    std::string take_output();
    // False once neither side has anything more to say (GOAWAY exchanged, or an error).
    [[nodiscard]] bool alive() const;
    [[nodiscard]] const std::string& error() const { return error_; }
    // Why the last submit_settings was refused (the connection is not broken by it).
    [[nodiscard]] const std::string& error_note() const { return error_note_; }

    // Whether the peer's SETTINGS allowed extended CONNECT (RFC 8441 3).
    [[nodiscard]] bool connect_protocol_enabled() const;
    [[nodiscard]] bool settings_received() const { return settings_received_; }

    // Client: opens a stream with the extended CONNECT; the stream id, or -1 (error()).
    std::int32_t open_websocket(const WebSocketRequest& request);
    // Client: opens a stream whose request carries exactly `fields`, in order, names as
    // given (conformance cases send malformed requests on purpose); -1 (error()) if nghttp2
    // refuses to.
    std::int32_t open_stream(const std::vector<Header>& fields);
    // Server: answers with `status`; a 2xx keeps the stream open for DATA, others end it.
    bool respond(std::int32_t stream, int status, const std::vector<Header>& headers = {});
    // Queues a SETTINGS frame with these (identifier, value) pairs (RFC 9113 6.5); false if
    // nghttp2 refuses them.
    bool submit_settings(const std::vector<std::pair<std::int32_t, std::uint32_t>>& settings);
    // Ends the connection with GOAWAY `error_code` (RFC 9113 6.8) once queued frames are sent.
    void terminate(std::uint32_t error_code);
    // Resets a stream (RST_STREAM with `error_code`, RFC 9113 6.4).
    void reset(std::int32_t stream, std::uint32_t error_code);

    // Queues bytes for the stream's DATA frames.
    void send(std::int32_t stream, std::string_view bytes);
    // END_STREAM once what is queued has been sent.
    void end_stream(std::int32_t stream);
    // Bytes queued on the stream and not yet framed (waiting for window).
    [[nodiscard]] std::size_t unsent(std::int32_t stream) const;
    [[nodiscard]] bool stream_open(std::int32_t stream) const;

    // nghttp2's callbacks, public for the C trampolines.
    struct Outgoing {
        std::string bytes;
        std::size_t offset = 0;
        bool end = false;
        bool deferred = false;
        bool provider_attached = false;
    };
    struct Incoming {
        std::vector<Header> headers;
        int status = 0;
    };
    H2Handler& handler() { return *handler_; }
    std::map<std::int32_t, Outgoing>& outgoing() { return outgoing_; }
    std::map<std::int32_t, Incoming>& incoming() { return incoming_; }
    void note_settings() { settings_received_ = true; }
    // nghttp2 found a frame of the peer's invalid (`what`: the frame and nghttp2's reason).
    void note_invalid_frame(std::string what) { invalid_frame_ = std::move(what); }
    [[nodiscard]] const std::string& last_invalid_frame() const { return invalid_frame_; }
    // We are sending GOAWAY: with an error code, nghttp2 ended the connection for an error of
    // the peer's (mem_recv still returned a count), which error() says from then on.
    void note_goaway_sent(std::uint32_t error_code);
    Role role() const { return role_; }

  private:
    void resume(std::int32_t stream);

    Role role_;
    H2Handler* handler_;
    nghttp2_session* session_ = nullptr;
    std::map<std::int32_t, Outgoing> outgoing_;
    std::map<std::int32_t, Incoming> incoming_;
    std::deque<std::vector<Header>> sent_fields_;  // open_stream's names, uncopied by nghttp2
    bool settings_received_ = false;
    std::string error_;
    std::string error_note_;     // a refused submission (the connection goes on)
    std::string invalid_frame_;  // the last frame nghttp2 found invalid, and why
};

// The extended CONNECT's fields for `request` (RFC 8441 4 and 5), pseudo-header fields first.
std::vector<Header> websocket_request_fields(const WebSocketRequest& request);

// RFC 9113 7: the name of an error code ("PROTOCOL_ERROR"), for notes and reports.
std::string error_code_name(std::uint32_t code);

// Server: whether an extended CONNECT asks for a WebSocket, and if not, the status to give
// (RFC 8441 4 and 5; RFC 9110 15.6.2 501 for an unknown :protocol). 0: acceptable.
struct RequestCheck {
    int status = 0;
    std::string reason;
    std::vector<Header> headers;  // for the refusal, beside content-length
};
RequestCheck check_websocket_request(const std::vector<Header>& headers);

const std::string* find_header(const std::vector<Header>& headers, std::string_view name);

}  // namespace wsspec::h2
