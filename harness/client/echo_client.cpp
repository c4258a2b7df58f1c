#include "harness/client/echo_client.h"

#include <array>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "harness/client/h2_client_stream.h"
#include "harness/codec/accept_key.h"
#include "harness/codec/close_payload.h"
#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/http_head.h"
#include "harness/codec/permessage_deflate.h"
#include "harness/peer/blocking_io.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/entropy.h"
#include "harness/peer/tcp_connect.h"
#include "harness/runner/run_in_parallel.h"

namespace wsspec::client {
namespace {

namespace asio = peer::asio;
using peer::error_code;
using peer::tcp;
using Clock = std::chrono::steady_clock;

// RFC 6455 7.1.1: after the closing handshake the server closes TCP first; the client
// waits this long for that before closing itself.
constexpr auto server_close_wait = std::chrono::seconds(2);
// Limit on the server's response head: a client bounds what it buffers (RFC 6455 10.4).
constexpr codec::HttpHeadLimits response_limits{16 * 1024, 100};
// Endpoint answers are one message; a case's echoes need not be kept at all. A server that
// streams messages cannot make the client keep more than these (STYLE 6).
constexpr std::size_t kept_messages = 16;
constexpr std::size_t kept_message_bytes = 64 * 1024;

std::string percent_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += hex[ch >> 4];
            out += hex[ch & 0xF];
        }
    }
    return out;
}

// The accepted permessage-deflate element, as the server wrote it (for --verbose).
std::string deflate_element(const std::vector<std::string>& accepted) {
    for (const auto& element : accepted) {
        const std::string_view name = codec::permessage_deflate_name;
        if (element.compare(0, name.size(), name) == 0 &&
            (element.size() == name.size() || element[name.size()] == ';' ||
             element[name.size()] == ' '))
            return element;
    }
    return {};
}

// One connection: blocking steps, each bounded by a deadline, over a private io_context.
class EchoConnection : codec::ConnectionHandler {
  public:
    EchoConnection(const EchoClientOptions& options)
        : options_(options),
          socket_(io_),
          codec_(codec::Role::client, limits(options), peer::random_mask_seed()) {}

    ConnectionResult run(const std::string& target) {
        const auto handshake_deadline =
            Clock::now() + std::chrono::milliseconds(options_.handshake_timeout_ms);
        const std::string timeout_note = " within the handshake timeout (" +
                                         std::to_string(options_.handshake_timeout_ms) + " ms)";
        if (!connect(handshake_deadline)) return std::move(result_);
        if (options_.url.http2) return run_over_h2(target, handshake_deadline);
        // wss://: TLS first, then the upgrade as over plain TCP (RFC 6455 3, 4.1).
        if (std::string error = open_stream("", handshake_deadline); !error.empty())
            return finish(std::move(error));
        const std::string key = peer::random_handshake_key();
        codec::ClientRequestOptions request;
        request.host = options_.url.host_header();
        request.target = target;
        request.key = key;
        std::vector<codec::PerMessageDeflateOffer> offers;
        if (options_.permessage_deflate) {
            offers.push_back(*options_.permessage_deflate);
            request.extensions.push_back(codec::format_offer(offers.back()));
        }
        if (!write(codec::build_client_request(request), handshake_deadline))
            return finish("request not sent" + timeout_note);

        std::string head_bytes;
        codec::HttpResponseHead head;
        for (;;) {
            const auto parsed = codec::parse_response_head(head_bytes.data(), head_bytes.size(),
                                                           head, response_limits);
            if (parsed.complete()) {
                head_bytes.erase(0, parsed.consumed);
                break;
            }
            if (parsed.status == codec::HeadParseStatus::error)
                return finish("bad response head: " + std::string(parsed.reason));
            if (!read_more(head_bytes, handshake_deadline))
                return finish("no complete response head" + timeout_note);
        }
        // RFC 6455 4.1: validate the response; on any problem fail the WebSocket
        // connection, which before it is open means: send nothing and close TCP.
        const codec::ResponseValidation validation = codec::validate_response(head, request);
        if (!validation.ok()) {
            const bool accept_problem =
                validation.error.kind == codec::ResponseErrorKind::wrong_accept ||
                validation.error.kind == codec::ResponseErrorKind::missing_accept;
            if (!(accept_problem && options_.defects.has(ClientDefect::accept_bad_accept_key))) {
                return finish("handshake refused: " +
                              (validation.error.reason.empty()
                                   ? std::string(validation.error.requirement)
                                   : validation.error.reason));
            }
        }
        if (validation.ok()) {
            // RFC 7692 7: an answer no offer allows fails the connection (before it opens:
            // nothing is sent, TCP is closed).
            const codec::ClientNegotiation deflate =
                codec::check_permessage_deflate_response(validation.accepted.extensions, offers);
            if (!deflate.ok()) {
                return finish(
                    "handshake refused: permessage-deflate answer does not fit the "
                    "offer (RFC 7692 " +
                    std::string(deflate.error.rfc_section) + "): " + deflate.error.reason);
            }
            if (deflate.agreed) {
                codec_.use_extension(
                    codec::make_permessage_deflate(codec::Role::client, *deflate.agreed));
                result_.extension = deflate_element(validation.accepted.extensions);
            }
        }
        return echo(head_bytes);
    }

  private:
    // RFC 8441: the opening handshake is an extended CONNECT on a stream of a connection of
    // our own; 200 opens the WebSocket, whose bytes are that stream's DATA.
    ConnectionResult run_over_h2(const std::string& target, Clock::time_point deadline) {
        // RFC 9113 3.2: HTTP/2 over TLS is agreed by ALPN with the token "h2".
        if (std::string error = open_stream("h2", deadline); !error.empty())
            return finish(std::move(error));
        h2_ = std::make_unique<H2ClientStream>(io_, std::move(stream_));
        h2::WebSocketRequest request;
        request.scheme = options_.url.tls ? "https" : "http";  // RFC 8441 5
        request.authority = options_.url.host_header();
        request.path = target;
        std::vector<codec::PerMessageDeflateOffer> offers;
        if (options_.permessage_deflate) {
            offers.push_back(*options_.permessage_deflate);
            request.extensions.push_back(codec::format_offer(offers.back()));
        }
        const H2ClientStream::Response response = h2_->open(request, deadline);
        if (!response.error.empty()) return finish(response.error);
        // RFC 8441 5: 200 accepts; anything else is no WebSocket (and the stream is done).
        constexpr int status_ok = 200;
        if (response.status != status_ok) {
            return finish("handshake refused: the extended CONNECT was answered with " +
                          std::to_string(response.status) + ", not 200 (RFC 8441 5)");
        }
        std::vector<codec::HttpHeader> as_http;
        for (const auto& h : response.headers) {
            if (h.name == "sec-websocket-extensions") as_http.push_back({h.name, h.value});
            // RFC 6455 4.1 via RFC 8441 5: no subprotocol was offered, so none may be chosen.
            if (h.name == "sec-websocket-protocol")
                return finish("handshake refused: a subprotocol was selected but none offered");
        }
        std::vector<std::string> accepted;
        for (std::string_view e : codec::header_list_elements(as_http, "sec-websocket-extensions"))
            accepted.emplace_back(e);
        // RFC 6455 4.1 (via RFC 8441 5): an extension the client did not offer fails the
        // connection; only permessage-deflate is ever offered.
        for (const std::string& element : accepted) {
            const std::string name = element.substr(0, element.find_first_of("; \t"));
            if (offers.empty() || name != "permessage-deflate") {
                return finish("handshake refused: the server selected the extension \"" + name +
                              "\", which was not offered (RFC 6455 4.1)");
            }
        }
        const codec::ClientNegotiation deflate =
            codec::check_permessage_deflate_response(accepted, offers);
        if (!deflate.ok()) {
            return finish(
                "handshake refused: permessage-deflate answer does not fit the offer (RFC 7692 " +
                std::string(deflate.error.rfc_section) + "): " + deflate.error.reason);
        }
        if (deflate.agreed) {
            codec_.use_extension(
                codec::make_permessage_deflate(codec::Role::client, *deflate.agreed));
            result_.extension = deflate_element(accepted);
        }
        std::string none;
        return echo(none);
    }

    // The connected socket as a byte stream: plain, or TLS (wss://, h2://) after its handshake,
    // offering `alpn` when given, which the server must then select. An error, or empty.
    std::string open_stream(const std::string& alpn, Clock::time_point deadline) {
        if (!options_.url.tls) {
            stream_ = std::make_unique<peer::ByteStream>(std::move(socket_));
            return {};
        }
        try {
            auto ctx = peer::make_client_tls_context(options_.tls, options_.url.host, alpn);
            stream_ = std::make_unique<peer::ByteStream>(std::move(socket_), ctx,
                                                         asio::ssl::stream_base::client);
        } catch (const std::exception& e) {
            return std::string("TLS setup failed: ") + e.what();
        }
        error_code addr_ec;
        asio::ip::make_address(options_.url.host, addr_ec);
        if (addr_ec) stream_->set_sni(options_.url.host);
        bool done = false;
        error_code ec;
        stream_->async_tls_handshake([&](error_code e) {
            ec = e;
            done = true;
        });
        if (!peer::run_until_done(io_, done, deadline, [&] { stream_->close(); }) || ec)
            return "TLS handshake failed: " + (ec ? ec.message() : std::string("timed out"));
        if (!alpn.empty() && stream_->alpn_selected() != alpn) {
            return "the TLS server did not agree to \"" + alpn + "\" by ALPN (RFC 7301; " +
                   (alpn == "h2" ? "RFC 9113 3.2)" : "RFC 8441)");
        }
        return {};
    }

    // The open WebSocket: echo until the server closes (either transport).
    ConnectionResult echo(std::string& head_bytes) {
        result_.opened = true;
        if (variant(peer::Variant::heartbeat_ping))
            codec_.write_ping(out_, peer::heartbeat_payload);
        if (variant(peer::Variant::unsolicited_pong))
            codec_.write_pong(out_, peer::heartbeat_payload);
        if (!head_bytes.empty()) receive(head_bytes);
        while (!done_) {
            if (hold_for_late_pong_) {  // late-pong: the Pong and what follows wait, in order
                hold_for_late_pong_ = false;
                std::this_thread::sleep_for(std::chrono::milliseconds(peer::late_pong_ms));
            }
            if (!flush()) break;
            if (done_) break;
            std::string chunk;
            if (!read_more(chunk)) break;
            receive(chunk);
        }
        flush();
        // The server closes TCP once the closing handshake is over (RFC 6455 7.1.1).
        if (wait_for_server_close_) {
            const auto until = Clock::now() + server_close_wait;
            std::string ignored;
            while (read_more(ignored, until))
                ignored.clear();
        }
        return finish({});
    }

    static codec::ConnectionLimits limits(const EchoClientOptions& options) {
        return options.defects.limits(options.max_message_size, all_client_defects());
    }

    ConnectionResult finish(std::string error) {
        if (result_.error.empty()) result_.error = std::move(error);
        if (h2_) h2_->close(Clock::now() + server_close_wait);
        error_code ec;
        if (stream_) stream_->close();
        socket_.close(ec);
        return std::move(result_);
    }

    bool connect(Clock::time_point deadline) {
        result_.error = peer::connect_tcp(io_, socket_, options_.url, deadline);
        return result_.error.empty();
    }

    // Runs the io_context until `done` or the deadline; on timeout cancels the operation.
    bool run_until(const bool& done, Clock::time_point deadline) {
        return peer::run_until_done(io_, done, deadline, [this] { cancel(); });
    }

    void cancel() {
        error_code ec;
        if (stream_) stream_->socket().cancel(ec);
        socket_.cancel(ec);
    }

    bool write(const std::string& bytes, std::optional<Clock::time_point> until = std::nullopt) {
        if (bytes.empty()) return true;
        if (h2_) {
            return h2_->write(
                bytes,
                until.value_or(Clock::now() + std::chrono::milliseconds(options_.read_timeout_ms)));
        }
        bool done = false;
        error_code ec;
        stream_->async_write(asio::buffer(bytes), [&](error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        return run_until(done, until.value_or(Clock::now() + std::chrono::milliseconds(
                                                                 options_.read_timeout_ms))) &&
               !ec;
    }

    bool read_more(std::string& into, std::optional<Clock::time_point> until = std::nullopt) {
        const auto deadline =
            until.value_or(Clock::now() + std::chrono::milliseconds(options_.read_timeout_ms));
        if (h2_) return h2_->read(into, deadline);
        const peer::ReadResult read =
            peer::read_some_until(io_, *stream_, asio::buffer(rx_), deadline, [this] { cancel(); });
        if (!read.ok()) return false;
        into.append(reinterpret_cast<const char*>(rx_.data()), read.bytes);
        return true;
    }

    bool flush() {
        if (out_.empty()) return true;
        std::string bytes;
        bytes.swap(out_);
        return write(bytes);
    }

    void receive(std::string& bytes) {
        if (done_) return;
        codec_.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), *this);
        write_pending_pong();
    }

    bool variant(peer::Variant v) const { return options_.variants.has(v); }

    // latest-pong-only: the Pong to the most recent Ping of those read so far, written before
    // anything else is (RFC 6455 5.5.3).
    void write_pending_pong() {
        if (!pending_pong_) return;
        const std::string payload = std::move(*pending_pong_);
        pending_pong_.reset();
        send(codec::Opcode::pong, payload);
    }

    // Frames go through the codec (which keeps the close state); the no-mask defect then
    // writes the same frame unmasked instead.
    void send(codec::Opcode opcode, std::string_view payload,
              std::optional<std::uint16_t> close_code = std::nullopt) {
        std::string framed;
        switch (opcode) {
            case codec::Opcode::text:
                codec_.write_message(framed, codec::MessageType::text, payload);
                break;
            case codec::Opcode::binary:
                codec_.write_message(framed, codec::MessageType::binary, payload);
                break;
            case codec::Opcode::pong:
                codec_.write_pong(framed, payload);
                break;
            case codec::Opcode::close:
                codec_.write_close(framed, close_code, payload);
                break;
            default:
                return;
        }
        if (!options_.defects.has(ClientDefect::no_mask)) {
            out_ += framed;
            return;
        }
        codec::FrameSpec spec;
        spec.opcode = static_cast<std::uint8_t>(opcode);
        spec.masked = false;
        codec::append_frame(out_, spec,
                            opcode == codec::Opcode::close
                                ? codec::close_payload(close_code, payload)
                                : std::string(payload));
    }

    // --- what the server sent ---------------------------------------------------------------
    void on_message(codec::MessageType type, std::string_view payload) override {
        if (result_.messages.size() < kept_messages)
            result_.messages.emplace_back(payload.substr(0, kept_message_bytes));
        if (closing_) return;
        const bool binary = type == codec::MessageType::binary ||
                            options_.defects.has(ClientDefect::text_as_binary);
        write_pending_pong();  // frames leave in the order of what they answer
        if (!options_.variants.empty() && options_.defects.empty()) {
            peer::append_echo(out_, codec_, options_.variants,
                              binary ? codec::MessageType::binary : codec::MessageType::text,
                              payload);
            return;
        }
        send(binary ? codec::Opcode::binary : codec::Opcode::text, payload);
    }

    void on_ping(std::string_view payload) override {
        if (closing_ || options_.defects.has(ClientDefect::no_pong)) return;
        if (variant(peer::Variant::latest_pong_only)) {
            pending_pong_ = std::string(payload);
            return;
        }
        hold_for_late_pong_ = variant(peer::Variant::late_pong);
        send(codec::Opcode::pong, payload);  // RFC 6455 5.5.2, same application data (5.5.3)
    }

    void on_close(const codec::ClosePayload& close) override {
        if (options_.defects.has(ClientDefect::no_close_reply)) {
            done_ = true;  // drop TCP without answering
            return;
        }
        // RFC 6455 5.5.1: answer with a Close echoing the status code, then let the server
        // close TCP.
        write_pending_pong();
        if (!closing_ && !options_.variants.empty() && options_.defects.empty()) {
            peer::append_close_reply(out_, codec_, options_.variants, close.code);
        } else if (!closing_ && options_.defects.has(ClientDefect::accept_bad_close_code) &&
                   close.code && !codec::is_valid_close_code(*close.code)) {
            // The codec refuses to write an invalid code; a client that does not check codes
            // echoes what it got.
            codec::FrameSpec spec;
            spec.opcode = static_cast<std::uint8_t>(codec::Opcode::close);
            spec.masked = true;
            spec.mask_key = codec_.next_mask_key();
            codec::append_frame(out_, spec, codec::close_payload(close.code, {}));
        } else if (!closing_) {
            send(codec::Opcode::close, {}, close.code);
        }
        closing_ = true;
        done_ = true;
        wait_for_server_close_ = true;
    }

    void on_error(const codec::ProtocolError& error) override {
        // RFC 6455 7.1.7: fail the connection with the code the broken rule names.
        if (!closing_) send(codec::Opcode::close, {}, error.close_code);
        result_.error =
            std::string(error.reason) + " (RFC 6455 " + std::string(error.rfc_section) + ")";
        closing_ = true;
        done_ = true;
        wait_for_server_close_ = true;
    }

    const EchoClientOptions& options_;
    asio::io_context io_;
    tcp::socket socket_;
    std::unique_ptr<peer::ByteStream> stream_;  // over socket_, once connected (HTTP/1.1)
    std::unique_ptr<H2ClientStream> h2_;        // h2c://, h2:// (RFC 8441)
    codec::Connection codec_;
    std::array<std::uint8_t, 64 * 1024> rx_{};
    std::string out_;
    bool closing_ = false;
    bool done_ = false;
    std::optional<std::string> pending_pong_;  // latest-pong-only
    bool hold_for_late_pong_ = false;          // late-pong
    bool wait_for_server_close_ = false;
    ConnectionResult result_;
};

std::string base_path(const peer::TargetUrl& url) {
    std::string path = url.path.substr(0, url.path.find('?'));
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    return path;
}

}  // namespace

ConnectionResult run_connection(const EchoClientOptions& options, const std::string& target) {
    EchoConnection connection(options);
    return connection.run(target);
}

int run_echo_client(const EchoClientOptions& options, std::ostream& err) {
    const std::string base = base_path(options.url);
    const std::string agent = percent_encode(options.agent);

    const ConnectionResult count = run_connection(options, base + "/getCaseCount");
    std::size_t cases = 0;
    try {
        if (count.messages.empty()) throw std::invalid_argument("no message");
        cases = std::stoul(count.messages.front());
    } catch (const std::exception&) {
        err << "wsspec client: getCaseCount failed: "
            << (count.error.empty() ? "no case count received" : count.error) << "\n";
        return 1;
    }

    std::atomic<std::size_t> next{1};
    std::mutex progress_mutex;
    const auto worker = [&] {
        for (;;) {
            if (options.stop && options.stop->load()) return;
            const std::size_t n = next.fetch_add(1);
            if (n > cases) return;
            const ConnectionResult r = run_connection(
                options, base + "/runCase?case=" + std::to_string(n) + "&agent=" + agent);
            if (options.progress) {
                std::lock_guard lock(progress_mutex);
                *options.progress << "case " << n << "/" << cases
                                  << (r.extension.empty() ? "" : " [" + r.extension + "]")
                                  << (r.error.empty() ? "" : ": " + r.error) << "\n";
            }
        }
    };
    runner::run_in_parallel(options.jobs, cases, worker);
    if (options.stop && options.stop->load()) return 130;

    if (options.update_reports) {
        const ConnectionResult update =
            run_connection(options, base + "/updateReports?agent=" + agent);
        if (!update.opened) {
            err << "wsspec client: updateReports failed: " << update.error << "\n";
            return 1;
        }
    }
    return 0;
}

}  // namespace wsspec::client
