#include "harness/peer/h2_transport.h"

#include "harness/codec/http2_error_codes.h"

#include "harness/codec/frame_writer.h"
#include "harness/peer/blocking_io.h"
#include "harness/peer/entropy.h"

namespace wsspec::peer {
namespace {
h2::SessionOptions client_windows(std::uint32_t stream_window) {
    h2::SessionOptions o;
    o.stream_window = stream_window;
    o.connection_window = h2_connection_window;
    return o;
}

constexpr int status_ok = 200;  // RFC 8441 5
constexpr std::uint16_t close_normal = 1000;
constexpr std::uint8_t opcode_continuation = 0x0;
constexpr std::uint8_t opcode_text = 0x1;
constexpr std::uint8_t opcode_close = 0x8;
constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_16 = 126;
constexpr std::uint8_t length_64 = 127;

// A masked client frame (RFC 6455 5.3) for a side stream.
std::string client_frame(std::uint8_t opcode, std::string_view payload) {
    codec::FrameSpec spec;
    spec.opcode = opcode;
    spec.masked = true;
    const auto key = static_cast<std::uint32_t>(random_mask_seed());
    spec.mask_key = {static_cast<std::uint8_t>(key >> 24), static_cast<std::uint8_t>(key >> 16),
                     static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
    std::string out;
    codec::append_frame(out, spec, payload);
    return out;
}

// What a side stream's server bytes hold: its first text message and whether a Close came.
// Only what a conforming echo sends is read; anything else is reported as it is.
struct SideReading {
    std::string text;
    bool text_complete = false;
    bool close = false;
    std::string problem;
};
SideReading read_side(std::string_view rx) {
    SideReading r;
    std::size_t at = 0;
    while (at + 2 <= rx.size() && r.problem.empty()) {
        const auto b0 = static_cast<std::uint8_t>(rx[at]);
        const auto b1 = static_cast<std::uint8_t>(rx[at + 1]);
        std::uint64_t len = b1 & 0x7f;
        std::size_t header = 2;
        if (len == length_16 || len == length_64) {
            const std::size_t n = len == length_16 ? 2 : 8;
            if (at + 2 + n > rx.size()) break;
            len = 0;
            for (std::size_t i = 0; i < n; ++i)
                len = (len << 8) | static_cast<std::uint8_t>(rx[at + 2 + i]);
            header += n;
        }
        if ((b1 & mask_bit) != 0) r.problem = "a masked server frame (RFC 6455 5.1)";
        if (at + header + len > rx.size()) break;
        const std::string_view payload = rx.substr(at + header, len);
        const std::uint8_t opcode = b0 & 0x0f;
        if ((opcode == opcode_text || opcode == opcode_continuation) && !r.text_complete) {
            r.text.append(payload);
            r.text_complete = (b0 & fin_bit) != 0;
        } else if (opcode == opcode_close) {
            r.close = true;
        }
        at += header + len;
    }
    return r;
}
}  // namespace

H2Transport::H2Transport(asio::io_context& io, std::unique_ptr<ByteStream> stream,
                         std::uint32_t stream_window)
    : io_(io),
      stream_(std::move(stream)),
      h2_(h2::Role::client, client_windows(stream_window), *this) {}

H2Transport::OpenResult H2Transport::open(const h2::WebSocketRequest& request,
                                          Clock::time_point deadline) {
    return open(h2::websocket_request_fields(request), true, deadline);
}

H2Transport::OpenResult H2Transport::open(const std::vector<h2::Header>& fields,
                                          bool wait_for_settings, Clock::time_point deadline) {
    read_more();
    flush();  // our preface and SETTINGS
    OpenResult out;
    if (!wait_for_settings) return send_request(fields, deadline);
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
    return send_request(fields, deadline);
}

H2Transport::OpenResult H2Transport::send_request(const std::vector<h2::Header>& fields,
                                                  Clock::time_point deadline) {
    OpenResult out;
    stream_id_ = h2_.open_stream(fields);
    if (stream_id_ < 0) {
        out.failure = h2_.error();
        return out;
    }
    flush();
    run_until(
        [&] { return response_.has_value() || ended_ || !socket_open_ || !h2_.error().empty(); },
        deadline);
    if (response_) return *response_;
    // RFC 9113 5.4.1: a GOAWAY's code says why the connection went; streams it left
    // unprocessed are closed here with REFUSED_STREAM, which is ours, not the server's.
    if (goaway_code_) {
        out.stream_error_frame = "GOAWAY";
        out.stream_error = h2::error_code_name(*goaway_code_);
    } else if (reset_code_) {
        out.stream_error_frame = "RST_STREAM";
        out.stream_error = h2::error_code_name(*reset_code_);
    }
    out.timed_out = !ended_ && socket_open_ && h2_.error().empty();
    out.failure = out.timed_out ? "no response to the extended CONNECT within the case timeout"
                  : !h2_.error().empty() ? h2_.error()
                  : !out.stream_error.empty()
                      ? out.stream_error_frame + " " + out.stream_error + " instead of a response"
                      : "the stream or connection ended without a response";
    return out;
}

H2Transport::StreamEnd H2Transport::run_extra_streams(const h2::WebSocketRequest& base,
                                                      std::uint32_t count,
                                                      Clock::time_point deadline) {
    StreamEnd out;
    h2::WebSocketRequest request = base;
    request.extensions.clear();  // the side streams' frames are uncompressed
    std::vector<std::int32_t> ids;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::int32_t id = h2_.open_websocket(request);
        if (id < 0) {
            out.lapse = "could not open stream " + std::to_string(i + 1) + ": " + h2_.error();
            return out;
        }
        side_[id].text = "wsspec stream " + std::to_string(id);
        ids.push_back(id);
    }
    flush();
    const auto settled = [&](std::int32_t id) {
        const SideStream& s = side_[id];
        if (s.reset || s.ended || (s.status != 0 && s.status != status_ok)) return true;
        const SideReading r = read_side(s.rx);
        return r.close || !r.problem.empty();
    };
    run_until(
        [&] {
            return !socket_open_ ||
                   std::all_of(ids.begin(), ids.end(), [&](auto id) { return settled(id); });
        },
        deadline);
    std::string lapses, failures;
    for (const std::int32_t id : ids) {
        const SideStream& s = side_[id];
        const SideReading r = read_side(s.rx);
        std::string what;
        const std::string name = "stream " + std::to_string(id);
        if (!r.problem.empty()) {
            failures += (failures.empty() ? "" : "; ") + name + ": " + r.problem;
            continue;
        }
        if (r.text_complete && r.text != s.text) {
            // RFC 9113 5: each stream is its own sequence of frames; another stream's data
            // here is the server mixing up WebSockets.
            failures += (failures.empty() ? "" : "; ") + name + " echoed \"" +
                        r.text.substr(0, 64) + "\" instead of \"" + s.text +
                        "\" (RFC 9113 5: streams are independent)";
            continue;
        }
        if (r.text_complete && r.close) continue;
        if (s.status == 0) {
            what = s.reset ? "reset with RST_STREAM " + h2::error_code_name(*s.reset) +
                                 " before a response"
                           : "no response";
        } else if (s.status != status_ok) {
            what = "answered " + std::to_string(s.status);
        } else {
            what = r.text_complete ? "echoed, but no Close reply" : "no echo of \"" + s.text + "\"";
        }
        lapses += (lapses.empty() ? "" : "; ") + name + ": " + what;
    }
    if (!lapses.empty())
        out.lapse = "WebSocket streams beside the first were not all served (" + lapses + ")";
    out.failure = failures;
    out.note =
        std::to_string(count) + " more WebSocket stream(s) on this connection: " +
        (failures.empty() && lapses.empty() ? "each echoed its message and closed"
                                            : failures + (failures.empty() ? "" : "; ") + lapses);
    // Our halves end too; the server has ended or will end its own.
    for (const std::int32_t id : ids) {
        if (h2_.stream_open(id)) h2_.end_stream(id);
    }
    flush();
    return out;
}

H2Transport::StreamEnd H2Transport::end_stream(bool reset, const std::string& error_code,
                                               Clock::time_point deadline) {
    StreamEnd out;
    if (stream_id_ < 0 || !socket_open_) {
        out.note = "the stream is already gone";
        return out;
    }
    if (!reset) {
        // RFC 8441 5: END_STREAM is the orderly close of TCP; the server's half stays open.
        h2_.end_stream(stream_id_);
        flush();
        out.note = "we ended our half of the stream (END_STREAM) without a Close frame";
        return out;
    }
    // The case parser accepts only RFC 9113 names, so the lookup finds the code.
    const std::uint32_t code = codec::http2_error_code(error_code).value_or(0);
    ended_ = true;  // the session hears nothing more of this stream
    h2_.reset(stream_id_, code);
    flush();
    out.note = "we reset the stream (RST_STREAM " + error_code + ")";
    // RFC 9113 5.4.2 / 6.4: RST_STREAM ends one stream; the connection goes on serving others.
    const StreamEnd probed = run_extra_streams(probe_request_, 1, deadline);
    out.failure = probed.failure;
    if (!probed.lapse.empty()) {
        out.lapse = "after RST_STREAM " + error_code +
                    " on one stream the connection no longer served a new WebSocket stream (" +
                    probed.lapse + ")";
    }
    out.note += "; probe: " + probed.note;
    return out;
}

void H2Transport::start(Handlers handlers) {
    handlers_ = std::move(handlers);
    started_ = true;
    // What came on the stream with the 200 (in the same read) is the session's like the rest:
    // counted, logged and budgeted. So is an end that came with it (RST_STREAM, GOAWAY, a
    // connection error).
    if (!early_.empty() && !closing_) {
        delivering_ = std::exchange(early_, {});
        handlers_.received(
            {reinterpret_cast<std::uint8_t*>(delivering_.data()), delivering_.size()});
    }
    if (ended_ && !closing_) handlers_.ended(ended_eof_, ended_why_);
}

void H2Transport::on_response(std::int32_t stream, int status,
                              const std::vector<h2::Header>& headers) {
    if (const auto it = side_.find(stream); it != side_.end()) {
        it->second.status = status;
        // The Close follows the echo (on_data): a server may answer a Close at once and drop
        // what its application had not echoed yet.
        if (status == status_ok) h2_.send(stream, client_frame(opcode_text, it->second.text));
        return;
    }
    if (stream != stream_id_ || response_) return;
    response_ = OpenResult{};
    response_->status = status;
    response_->headers = headers;
}

void H2Transport::on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) {
    if (const auto it = side_.find(stream); it != side_.end()) {
        // Bounded: a side stream's echo is one short message and a Close.
        constexpr std::size_t side_limit = 4096;
        SideStream& side = it->second;
        if (side.rx.size() < side_limit)
            side.rx.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        if (!side.close_sent && read_side(side.rx).text_complete) {
            side.close_sent = true;
            const std::string close_body = {static_cast<char>(close_normal >> 8),
                                            static_cast<char>(close_normal & 0xff)};
            h2_.send(stream, client_frame(opcode_close, close_body));
        }
        return;
    }
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
    if (const auto it = side_.find(stream); it != side_.end()) it->second.ended = true;
    if (stream == stream_id_) end(true, {});
}

void H2Transport::on_goaway(std::uint32_t error_code) {
    goaway_code_ = error_code;
}

void H2Transport::on_reset(std::int32_t stream, std::uint32_t /*error_code*/) {
    if (stream == stream_id_) reset_received_ = true;
}

void H2Transport::on_stream_closed(std::int32_t stream, std::uint32_t error_code) {
    if (const auto it = side_.find(stream); it != side_.end()) {
        it->second.ended = true;
        if (error_code != 0) it->second.reset = error_code;
        return;
    }
    if (stream != stream_id_) return;
    // Only an RST_STREAM the server sent is its reset; nghttp2 also closes a stream with a
    // code itself: REFUSED_STREAM past a GOAWAY's last stream id (5.4.1), or the code of the
    // RST_STREAM wsspec sent for the server's stream error.
    if (error_code != 0 && reset_received_) {
        reset_code_ = error_code;
        return end(false, "stream reset by the server: RST_STREAM " +
                              h2::error_code_name(error_code) + " (RFC 8441 5: an abortive close)");
    }
    if (error_code == 0) return end(true, {});
    end(false, !h2_.error().empty() ? h2_.error()
               : goaway_code_       ? "the server ended the connection with GOAWAY " +
                                    h2::error_code_name(*goaway_code_) + " before the stream ended"
                              : "the stream was closed with " + h2::error_code_name(error_code) +
                                    (h2_.last_invalid_frame().empty()
                                         ? std::string()
                                         : " after an invalid " + h2_.last_invalid_frame()));
}

void H2Transport::end(bool eof, const std::string& why) {
    if (ended_) return;
    ended_ = true;
    ended_eof_ = eof;
    ended_why_ = why;  // for start(), when the stream ends before the session is attached
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
        h2_.receive({rx_.data(), n});
        flush();  // WINDOW_UPDATE, SETTINGS ACK, and DATA the peer's window now allows
        if (!h2_.error().empty()) {
            // A connection error (nghttp2's own GOAWAY, just flushed): nothing more is read
            // (RFC 9113 5.4.1), and the case hears why now, not at its timeout.
            end(false, h2_.error());
            return;
        }
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
    return run_io_until(io_, done, deadline);
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
