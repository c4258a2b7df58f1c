#include "harness/peer/h2_transport.h"

namespace wsspec::peer {
namespace {
h2::SessionOptions client_windows() {
    h2::SessionOptions o;
    o.stream_window = h2_stream_window;
    o.connection_window = h2_connection_window;
    return o;
}
}  // namespace

H2Transport::H2Transport(asio::io_context& io, std::unique_ptr<ByteStream> stream)
    : io_(io), stream_(std::move(stream)), h2_(h2::Role::client, client_windows(), *this) {}

H2Transport::OpenResult H2Transport::open(const h2::WebSocketRequest& request,
                                          Clock::time_point deadline) {
    read_more();
    flush();  // our preface and SETTINGS
    OpenResult out;
    // RFC 8441 3: no extended CONNECT before the server's SETTINGS said it understands it.
    run_until([&] { return h2_.settings_received() || !socket_open_ || !h2_.error().empty(); },
              deadline);
    if (!h2_.settings_received()) {
        out.timed_out = socket_open_ && h2_.error().empty();
        out.failure = !h2_.error().empty() ? h2_.error()
                      : socket_open_       ? "no HTTP/2 SETTINGS from the server within the case "
                                             "timeout"
                                           : "the server closed the connection before its "
                                             "HTTP/2 SETTINGS";
        return out;
    }
    if (!h2_.connect_protocol_enabled()) {
        out.failure =
            "the server's SETTINGS do not enable extended CONNECT "
            "(SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, RFC 8441 3)";
        return out;
    }
    stream_id_ = h2_.open_websocket(request);
    if (stream_id_ < 0) {
        out.failure = h2_.error();
        return out;
    }
    flush();
    run_until([&] { return response_.has_value() || ended_ || !socket_open_; }, deadline);
    if (response_) return *response_;
    out.timed_out = !ended_ && socket_open_;
    out.failure = out.timed_out ? "no response to the extended CONNECT within the case timeout"
                                : "the stream or connection ended without a response";
    return out;
}

std::string H2Transport::take_early_data() {
    return std::exchange(early_, {});
}

void H2Transport::start(Handlers handlers) {
    handlers_ = std::move(handlers);
    started_ = true;
}

void H2Transport::on_response(std::int32_t stream, int status,
                              const std::vector<h2::Header>& headers) {
    if (stream != stream_id_ || response_) return;
    response_ = OpenResult{{}, status, headers, false};
}

void H2Transport::on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) {
    if (stream != stream_id_ || closing_) return;
    if (!started_) {
        early_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        return;
    }
    // The session may change the bytes in place (unmasking): hand it a copy.
    delivering_.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    handlers_.received({reinterpret_cast<std::uint8_t*>(delivering_.data()), delivering_.size()});
}

void H2Transport::on_remote_end(std::int32_t stream) {
    if (stream == stream_id_) end(true, {});
}

void H2Transport::on_stream_closed(std::int32_t stream, std::uint32_t error_code) {
    if (stream != stream_id_) return;
    end(error_code == 0, "stream reset by the server: RST_STREAM " +
                             h2::error_code_name(error_code) + " (RFC 8441 5: an abortive close)");
}

void H2Transport::end(bool eof, const std::string& why) {
    if (ended_) return;
    ended_ = true;
    if (started_ && !closing_) handlers_.ended(eof, why);
}

void H2Transport::read_more() {
    if (!socket_open_ || reading_) return;
    reading_ = true;
    stream_->async_read_some(asio::buffer(rx_), [this](error_code ec, std::size_t n) {
        reading_ = false;
        if (ec) {
            if (!socket_open_) return;
            socket_open_ = false;
            error_code ignored;
            stream_->socket().close(ignored);
            end(ec == asio::error::eof, ec.message());
            if (write_done_) std::exchange(write_done_, {})(ec.message());
            return;
        }
        if (!h2_.receive({rx_.data(), n})) {
            end(false, h2_.error());
        }
        flush();  // WINDOW_UPDATE, SETTINGS ACK, and DATA the peer's window now allows
        if (closing_ && !h2_.alive()) return;
        read_more();
    });
}

void H2Transport::flush() {
    if (writing_ || !socket_open_) return maybe_done();
    tx_ = h2_.take_output();
    if (tx_.empty()) {
        maybe_done();
        if (closing_) {
            socket_open_ = false;
            stream_->close();
        }
        return;
    }
    writing_ = true;
    stream_->async_write(asio::buffer(tx_), [this](error_code ec, std::size_t) {
        writing_ = false;
        if (ec) {
            socket_open_ = false;
            if (write_done_) std::exchange(write_done_, {})(ec.message());
            end(false, ec.message());
            return;
        }
        flush();
    });
}

void H2Transport::maybe_done() {
    if (!write_done_ || writing_) return;
    if (h2_.unsent(stream_id_) != 0) return;  // waits for the server's WINDOW_UPDATE
    std::exchange(write_done_, {})(std::string{});
}

void H2Transport::write(std::string bytes, std::function<void(const std::string& error)> done) {
    if (!socket_open_ || ended_) {
        done("the stream is closed");
        return;
    }
    write_done_ = std::move(done);
    h2_.send(stream_id_, bytes);
    flush();
}

bool H2Transport::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
    while (!done()) {
        if (Clock::now() >= deadline) return false;
        if (io_.stopped()) io_.restart();
        if (io_.run_one_until(deadline) == 0 && io_.stopped()) {
            io_.restart();
            return done();
        }
    }
    return true;
}

void H2Transport::close() {
    if (closing_) return;
    closing_ = true;
    ended_ = true;
    write_done_ = {};
    if (!socket_open_) return;
    // RFC 8441 5: END_STREAM is the orderly close of the stream, then the connection goes.
    if (stream_id_ > 0) h2_.end_stream(stream_id_);
    flush();
}

void H2Transport::settle() {
    // A write in flight (say our Close reply) finishes first, then the socket closes and the
    // read it aborts completes; both bounded. The io_context may hold other work that is not
    // ours to wait for, so this runs only until our own operations are done.
    run_until([this] { return !writing_; }, Clock::now() + std::chrono::seconds(1));
    if (socket_open_) {
        socket_open_ = false;
        stream_->close();
    }
    run_until([this] { return !reading_ && !writing_; },
              Clock::now() + std::chrono::milliseconds(100));
}

}  // namespace wsspec::peer
