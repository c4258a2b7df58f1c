#include "harness/peer/h2_server_connection.h"

#include "harness/codec/http2_error_codes.h"
#include "harness/peer/blocking_io.h"

namespace wsspec::peer {
namespace {

// A client sends its WebSocket frames after the 200 (RFC 8441 5); what it sends on a stream
// that waits for its turn is kept up to this much per stream and per connection, the rest
// dropped (nghttp2 gives the window back as it hands data over, so flow control does not
// bound it).
constexpr std::size_t early_data_limit = 1U << 20;
constexpr std::size_t early_data_connection_limit = 8U << 20;
// Streams one connection may have open at once (RFC 9113 6.5.2 recommends no fewer than
// 100); they wait their turn in a queue, which this bounds.
constexpr std::uint32_t max_concurrent_streams = 100;
constexpr auto close_write_grace = std::chrono::seconds(1);
constexpr auto close_read_grace = std::chrono::milliseconds(100);
// After wsspec resets a stream: how long the connection is watched for the client tearing it
// all down (RFC 9113 5.4.2: a stream error leaves the connection open).
constexpr auto reset_watch = std::chrono::milliseconds(300);
constexpr std::uint32_t no_error = 0;

h2::SessionOptions server_windows() {
    h2::SessionOptions o;
    o.stream_window = h2_server_stream_window;
    o.connection_window = h2_server_connection_window;
    o.max_concurrent_streams = max_concurrent_streams;
    return o;
}

}  // namespace

class H2ServerConnection::StreamTransport final : public SessionTransport {
  public:
    StreamTransport(H2ServerConnection& connection, std::int32_t id)
        : connection_(connection), id_(id) {
        connection_.streams_[id_].transport = this;
    }
    ~StreamTransport() override {
        const auto it = connection_.streams_.find(id_);
        if (it == connection_.streams_.end()) return;
        connection_.early_total_ -= it->second.early.size();
        connection_.streams_.erase(it);
    }
    StreamTransport(const StreamTransport&) = delete;
    StreamTransport& operator=(const StreamTransport&) = delete;

    void start(Handlers handlers) override {
        handlers_ = std::move(handlers);
        started_ = true;
    }

    void write(std::string bytes, std::function<void(const std::string& error)> done) override {
        if (ended_ || !connection_.socket_open_ || !connection_.h2_.stream_open(id_)) {
            done("the stream is closed");
            return;
        }
        write_done_ = std::move(done);
        connection_.h2_.send(id_, bytes);
        connection_.flush();
    }

    bool run_until(const std::function<bool()>& done, Clock::time_point deadline) override {
        return connection_.run_until(done, deadline);
    }

    void close() override {
        if (closing_) return;
        closing_ = true;
        ended_ = true;
        write_done_ = {};
        // RFC 8441 5: END_STREAM is the orderly close (TCP's FIN); the connection stays.
        if (connection_.socket_open_ && connection_.h2_.stream_open(id_)) {
            connection_.h2_.end_stream(id_);
            connection_.flush();
        }
    }

    void settle() override {
        connection_.run_until([this] { return !connection_.writing_; },
                              Clock::now() + close_write_grace);
    }

    // Client role (wsspec the server): our half of the stream ends without a Close frame,
    // END_STREAM (the orderly TCP close of RFC 8441 5) or RST_STREAM (the abortive one).
    StreamEnd end_stream(bool reset, const std::string& error_code,
                         Clock::time_point deadline) override {
        StreamEnd out;
        if (!connection_.socket_open_ || !connection_.h2_.stream_open(id_)) {
            out.note = "the stream is already gone";
            return out;
        }
        if (!reset) {
            connection_.h2_.end_stream(id_);
            connection_.flush();
            out.note = "we ended our half of the stream (END_STREAM) without a Close frame";
            return out;
        }
        // The case parser accepts only RFC 9113 names, so the lookup finds the code.
        const std::uint32_t code = codec::http2_error_code(error_code).value_or(no_error);
        end(false, "we reset the stream");
        connection_.h2_.reset(id_, code);
        connection_.flush();
        out.note = "we reset the stream (RST_STREAM " + error_code + ")";
        connection_.run_until([this] { return !connection_.open(); },
                              std::min(deadline, Clock::now() + reset_watch));
        // A client may close a connection it no longer needs; a GOAWAY with an error code
        // says it took the stream's reset for a connection error.
        if (connection_.goaway_code_ && *connection_.goaway_code_ != no_error) {
            out.lapse = "the client ended the whole connection with GOAWAY " +
                        h2::error_code_name(*connection_.goaway_code_) + " after RST_STREAM " +
                        error_code +
                        " on one stream (RFC 9113 5.4.2: a stream error leaves the connection "
                        "open)";
        } else if (!connection_.open()) {
            out.note += "; the client then closed the connection";
        }
        return out;
    }

    // From the connection.
    void deliver(std::span<const std::uint8_t> bytes) {
        if (ended_) return;
        // The session may change the bytes in place (unmasking): hand it a copy.
        delivering_.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        handlers_.received(
            {reinterpret_cast<std::uint8_t*>(delivering_.data()), delivering_.size()});
    }
    void end(bool eof, const std::string& why) {
        if (ended_) return;
        ended_ = true;
        if (started_) handlers_.ended(eof, why);
        if (write_done_) std::exchange(write_done_, {})(why.empty() ? "stream ended" : why);
    }
    void write_progress() {
        if (!write_done_ || connection_.writing_) return;
        if (connection_.h2_.unsent(id_) != 0) return;  // waits for the client's WINDOW_UPDATE
        std::exchange(write_done_, {})(std::string{});
    }
    [[nodiscard]] bool started() const { return started_; }

  private:
    H2ServerConnection& connection_;
    std::int32_t id_;
    Handlers handlers_;
    bool started_ = false;
    bool ended_ = false;
    bool closing_ = false;
    std::function<void(const std::string&)> write_done_;
    std::string delivering_;
};

H2ServerConnection::H2ServerConnection(asio::io_context& io, std::unique_ptr<ByteStream> stream)
    : io_(io), stream_(std::move(stream)), h2_(h2::Role::server, server_windows(), *this) {}

H2ServerConnection::~H2ServerConnection() {
    close();
}

std::optional<H2ServerConnection::Request> H2ServerConnection::next_request(
    Clock::time_point deadline) {
    read_more();
    flush();  // our SETTINGS (SETTINGS_ENABLE_CONNECT_PROTOCOL = 1) first of all
    run_until([this] { return !requests_.empty() || !open(); }, deadline);
    // Requests still queued when the client has closed the connection are not run: nothing
    // could answer them.
    if (!socket_open_) requests_.clear();
    if (requests_.empty()) return std::nullopt;
    Request r = std::move(requests_.front());
    requests_.pop_front();
    return r;
}

bool H2ServerConnection::respond(std::int32_t stream, int status,
                                 const std::vector<h2::Header>& headers) {
    const bool ok = h2_.respond(stream, status, headers);
    flush();
    return ok;
}

std::unique_ptr<SessionTransport> H2ServerConnection::stream_transport(std::int32_t stream) {
    return std::make_unique<StreamTransport>(*this, stream);
}

std::string H2ServerConnection::take_early_data(std::int32_t stream) {
    const auto it = streams_.find(stream);
    if (it == streams_.end()) return {};
    early_total_ -= it->second.early.size();
    return std::exchange(it->second.early, {});
}

std::string H2ServerConnection::send_settings(
    const std::vector<std::pair<std::int32_t, std::uint32_t>>& settings) {
    if (!h2_.submit_settings(settings)) return h2_.error_note();
    flush();
    return {};
}

void H2ServerConnection::close() {
    // RFC 9113 6.8: an endpoint SHOULD send GOAWAY before it closes the connection (a
    // retired one, one idle past the request timeout, the server stopping).
    if (socket_open_ && h2_.alive()) h2_.terminate(no_error);
    if (!socket_open_) {
        run_until([this] { return !reading_ && !writing_; }, Clock::now() + close_read_grace);
        return;
    }
    flush();  // a GOAWAY nghttp2 queued for a broken connection goes out first
    run_until([this] { return !writing_; }, Clock::now() + close_write_grace);
    socket_open_ = false;
    stream_->close();
    run_until([this] { return !reading_ && !writing_; }, Clock::now() + close_read_grace);
}

bool H2ServerConnection::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
    return run_io_until(io_, done, deadline);
}

void H2ServerConnection::read_more() {
    if (!socket_open_ || reading_) return;
    reading_ = true;
    stream_->async_read_some(asio::buffer(rx_), [this](error_code ec, std::size_t n) {
        reading_ = false;
        if (ec) {
            if (!socket_open_) return;
            socket_open_ = false;
            error_code ignored;
            stream_->socket().close(ignored);
            for (auto& [id, state] : streams_) {
                if (state.transport) state.transport->end(ec == asio::error::eof, ec.message());
            }
            return;
        }
        h2_.receive({rx_.data(), n});
        flush();  // WINDOW_UPDATE, SETTINGS ACK, and DATA the client's window now allows
        if (h2_.error().empty()) return read_more();
        // A connection error (nghttp2's own GOAWAY, just flushed): nothing more is read (RFC
        // 9113 5.4.1), and the streams' cases hear why now.
        for (auto& [id, state] : streams_) {
            if (state.transport) state.transport->end(false, h2_.error());
        }
    });
}

void H2ServerConnection::flush() {
    if (writing_ || !socket_open_) return notify_write_done();
    tx_ = h2_.take_output();
    if (tx_.empty()) return notify_write_done();
    writing_ = true;
    stream_->async_write(asio::buffer(tx_), [this](error_code ec, std::size_t) {
        writing_ = false;
        if (ec) {
            socket_open_ = false;
            for (auto& [id, state] : streams_) {
                if (state.transport) state.transport->end(false, ec.message());
            }
            return;
        }
        flush();
    });
}

void H2ServerConnection::notify_write_done() {
    for (auto& [id, state] : streams_) {
        if (state.transport) state.transport->write_progress();
    }
}

void H2ServerConnection::on_request(std::int32_t stream, const std::vector<h2::Header>& headers) {
    streams_[stream];
    requests_.push_back({stream, headers});
}

void H2ServerConnection::on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) {
    const auto it = streams_.find(stream);
    if (it == streams_.end()) return;
    StreamState& state = it->second;
    if (state.transport && state.transport->started()) {
        state.transport->deliver(bytes);
        return;
    }
    const std::size_t room =
        std::min(early_data_limit - std::min(early_data_limit, state.early.size()),
                 early_data_connection_limit - std::min(early_data_connection_limit, early_total_));
    const std::size_t kept = std::min(room, bytes.size());
    state.early.append(reinterpret_cast<const char*>(bytes.data()), kept);
    early_total_ += kept;
}

void H2ServerConnection::on_goaway(std::uint32_t error_code) {
    goaway_code_ = error_code;
}

void H2ServerConnection::on_remote_end(std::int32_t stream) {
    const auto it = streams_.find(stream);
    if (it == streams_.end()) return;
    it->second.remote_ended = true;
    // RFC 8441 5: the client's END_STREAM is its orderly TCP close.
    if (it->second.transport) it->second.transport->end(true, {});
}

void H2ServerConnection::on_stream_closed(std::int32_t stream, std::uint32_t error_code) {
    const auto it = streams_.find(stream);
    if (it == streams_.end()) return;
    if (error_code != 0) it->second.reset = error_code;
    if (it->second.transport) {
        it->second.transport->end(error_code == 0, error_code == 0
                                                       ? std::string{}
                                                       : "stream reset by the client: RST_STREAM " +
                                                             h2::error_code_name(error_code) +
                                                             " (RFC 8441 5: an abortive close)");
        return;
    }
    // A request still waiting for its turn stays queued; nghttp2 forgot the stream, so its
    // answer will simply not be sent.
    early_total_ -= it->second.early.size();
    streams_.erase(it);
}

}  // namespace wsspec::peer
