#include "harness/client/h2_client_stream.h"

#include "harness/peer/blocking_io.h"

namespace wsspec::client {
namespace {

// Windows as the other HTTP/2 peers of wsspec (h2_transport.h): 16 MiB messages do not
// wait for a WINDOW_UPDATE per 64 KiB.
constexpr std::uint32_t stream_window = 1U << 20;
constexpr std::uint32_t connection_window = 1U << 24;

h2::SessionOptions client_windows() {
    h2::SessionOptions o;
    o.stream_window = stream_window;
    o.connection_window = connection_window;
    return o;
}

}  // namespace

H2ClientStream::H2ClientStream(peer::asio::io_context& io, std::unique_ptr<peer::ByteStream> stream)
    : io_(io), stream_(std::move(stream)), h2_(h2::Role::client, client_windows(), *this) {}

H2ClientStream::~H2ClientStream() {
    if (socket_open_) stream_->close();
}

H2ClientStream::Response H2ClientStream::open(const h2::WebSocketRequest& request,
                                              Clock::time_point deadline) {
    Response out;
    if (!flush(deadline)) {  // our preface and SETTINGS
        out.error = "connection preface not sent: " + error_;
        return out;
    }
    // RFC 8441 3: no extended CONNECT before the server's SETTINGS enabled it.
    while (!h2_.settings_received()) {
        if (!pump(deadline)) {
            out.error = "no HTTP/2 SETTINGS from the server (" + error_ + ")";
            return out;
        }
    }
    if (!h2_.connect_protocol_enabled()) {
        out.error =
            "the server's SETTINGS do not enable extended CONNECT "
            "(SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, RFC 8441 3)";
        return out;
    }
    id_ = h2_.open_websocket(request);
    if (id_ < 0) {
        out.error = h2_.error();
        return out;
    }
    if (!flush(deadline)) {
        out.error = "extended CONNECT not sent: " + error_;
        return out;
    }
    while (!response_) {
        if (ended_ || !pump(deadline)) {
            out.error = "no response to the extended CONNECT (" +
                        (error_.empty() ? std::string("the stream ended") : error_) + ")";
            return out;
        }
    }
    return *response_;
}

bool H2ClientStream::write(std::string_view bytes, Clock::time_point deadline) {
    if (ended_ && !h2_.stream_open(id_)) return false;
    h2_.send(id_, bytes);
    for (;;) {
        if (!flush(deadline)) return false;
        if (h2_.unsent(id_) == 0) return true;
        // The server's window is shut: its WINDOW_UPDATE (or the end of the stream) comes in.
        if (!h2_.stream_open(id_) || !pump(deadline)) return false;
    }
}

bool H2ClientStream::read(std::string& into, Clock::time_point deadline) {
    while (received_.empty()) {
        if (ended_ || !pump(deadline)) return false;
    }
    into += received_;
    received_.clear();
    return true;
}

void H2ClientStream::close(Clock::time_point deadline) {
    if (!socket_open_) return;
    if (id_ > 0 && h2_.stream_open(id_)) h2_.end_stream(id_);
    flush(deadline);
    stream_->close();
    socket_open_ = false;
}

bool H2ClientStream::pump(Clock::time_point deadline) {
    if (!socket_open_) return false;
    const peer::ReadResult read = peer::read_some_until(io_, *stream_, peer::asio::buffer(rx_),
                                                        deadline, [this] { stream_->close(); });
    if (!read.ok()) {
        error_ = read.timed_out ? "timed out" : read.error.message();
        socket_open_ = false;
        return false;
    }
    if (!h2_.receive({rx_.data(), read.bytes})) {
        error_ = h2_.error();
        flush(deadline);  // nghttp2's GOAWAY
        return false;
    }
    // WINDOW_UPDATE, SETTINGS ACK, and DATA the server's window now allows.
    return flush(deadline);
}

bool H2ClientStream::flush(Clock::time_point deadline) {
    const std::string out = h2_.take_output();
    if (out.empty()) return socket_open_;
    bool done = false;
    peer::error_code ec;
    stream_->async_write(peer::asio::buffer(out), [&](peer::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!peer::run_until_done(io_, done, deadline, [this] { stream_->close(); }) || ec) {
        error_ = ec ? ec.message() : "write timed out";
        socket_open_ = false;
        return false;
    }
    return true;
}

void H2ClientStream::on_response(std::int32_t stream, int status,
                                 const std::vector<h2::Header>& headers) {
    if (stream != id_ || response_) return;
    response_ = Response{{}, status, headers};
}

void H2ClientStream::on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) {
    if (stream == id_) received_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void H2ClientStream::on_remote_end(std::int32_t stream) {
    // RFC 8441 5: the server's END_STREAM is its orderly TCP close.
    if (stream == id_) ended_ = true;
}

void H2ClientStream::on_stream_closed(std::int32_t stream, std::uint32_t error_code) {
    if (stream != id_) return;
    ended_ = true;
    if (error_code != 0 && error_.empty())
        error_ = "stream reset by the server: RST_STREAM " + h2::error_code_name(error_code);
}

}  // namespace wsspec::client
