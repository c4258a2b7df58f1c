#include "harness/server/echo_server.h"

#include <array>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>
#include "harness/peer/asio_include.h"

#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"
#include "harness/peer/blocking_io.h"

namespace wsspec::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t read_chunk = 64 * 1024;
// After our Close (or a failure) we stop sending and read until the client closes, so our
// Close frame is not destroyed by a TCP reset (RFC 6455 7.1.1: the server closes first,
// but must not lose what it sent). Bounded, so a silent client cannot hold the socket.
constexpr auto linger_timeout = std::chrono::seconds(2);
constexpr auto handshake_timeout = std::chrono::seconds(10);

class Session : public std::enable_shared_from_this<Session>, codec::ConnectionHandler {
  public:
    Session(tcp::socket socket, const EchoServerOptions& options)
        : socket_(std::move(socket)),
          timer_(socket_.get_executor()),
          options_(options),
          connection_(codec::Role::server, limits_for(options)) {}

    void start() {
        timer_.expires_after(handshake_timeout);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec && !self->open_) self->close_now();
        });
        read_handshake();
    }

  private:
    static codec::ConnectionLimits limits_for(const EchoServerOptions& options) {
        codec::ConnectionLimits limits;
        limits.max_message_size = options.max_message_size;
        options.defects.apply(limits, all_defects());
        return limits;
    }

    void read_handshake() {
        const std::size_t old = head_.size();
        head_.resize(old + 4096);
        socket_.async_read_some(asio::buffer(head_.data() + old, 4096),
                                [self = shared_from_this(), old](error_code ec, std::size_t n) {
                                    self->head_.resize(old + n);
                                    if (ec) return self->close_now();
                                    self->on_handshake_bytes();
                                });
    }

    void on_handshake_bytes() {
        codec::HttpRequestHead request;
        const auto parsed = codec::parse_request_head(head_.data(), head_.size(), request);
        if (parsed.status == codec::HeadParseStatus::need_more) return read_handshake();
        if (parsed.status == codec::HeadParseStatus::error) {
            codec::RequestRejection rejection;
            rejection.kind = codec::RequestRejectKind::method_not_get;  // any kind: 400 below
            rejection.http_status = codec::http_status::bad_request;
            rejection.reason = std::string(parsed.reason);
            return send_and_linger(codec::build_reject_response(rejection));
        }
        const auto validation = codec::validate_request(request);
        if (!validation.ok()) {
            return send_and_linger(codec::build_reject_response(validation.rejection));
        }
        codec::ServerAcceptOptions accept;
        accept.extra_headers.push_back({"Server", options_.server_name});
        const auto response = codec::build_accept_response(validation.request, accept);
        if (!response.ok()) return close_now();
        open_ = true;
        timer_.cancel();
        out_ = response.bytes;
        // Frames pipelined right behind the request belong to the WebSocket connection.
        std::string rest = head_.substr(parsed.consumed);
        head_.clear();
        head_.shrink_to_fit();
        if (!rest.empty()) {
            connection_.receive(reinterpret_cast<std::uint8_t*>(rest.data()), rest.size(), *this);
        }
        flush_then_continue();
    }

    // Writes everything queued, then either reads on or winds the connection down.
    void flush_then_continue() {
        if (out_.empty()) return after_flush();
        writing_.swap(out_);
        out_.clear();
        asio::async_write(socket_, asio::buffer(writing_),
                          [self = shared_from_this()](error_code ec, std::size_t) {
                              self->writing_.clear();
                              if (ec) return self->close_now();
                              self->flush_then_continue();
                          });
    }

    void after_flush() {
        if (finished_) return linger();
        read_frames();
    }

    void read_frames() {
        socket_.async_read_some(asio::buffer(in_),
                                [self = shared_from_this()](error_code ec, std::size_t n) {
                                    if (ec) return self->close_now();
                                    self->connection_.receive(self->in_.data(), n, *self);
                                    self->flush_then_continue();
                                });
    }

    // --- codec events ---------------------------------------------------------------------
    void on_message(codec::MessageType type, std::string_view payload) override {
        if (finished_) return;
        if (payload.empty() && options_.defects.has(Defect::drop_empty_messages)) return;
        if (options_.defects.has(Defect::text_as_binary)) type = codec::MessageType::binary;
        connection_.write_message(out_, type, payload);
    }

    void on_ping(std::string_view payload) override {
        if (finished_ || options_.defects.has(Defect::no_pong)) return;
        const std::string_view answer =
            options_.defects.has(Defect::wrong_pong_payload) ? std::string_view{} : payload;
        if (connection_.write_pong(out_, answer) != codec::WriteStatus::written)
            append_unchecked(codec::Opcode::pong, answer);
    }

    void on_close(const codec::ClosePayload& close) override {
        if (options_.defects.has(Defect::no_close_reply)) {
            finished_ = true;
            return;
        }
        if (options_.defects.has(Defect::pong_after_close)) {
            // Keep reading as if nothing happened; answers pings that follow the Close.
            connection_ = codec::Connection(codec::Role::server, limits_for(options_));
            return;
        }
        // RFC 6455 5.5.1: answer with a Close, typically echoing the status code.
        std::optional<std::uint16_t> code = close.code;
        if (options_.defects.has(Defect::wrong_close_reply))
            code = codec::close_code::internal_error;
        if (connection_.write_close(out_, code, {}) != codec::WriteStatus::written)
            append_unchecked(codec::Opcode::close, codec::close_payload(code, {}));
        finished_ = true;
    }

    // The codec's writers refuse frames RFC 6455 forbids. That only happens here when a
    // defect waives a rule (accept-long-control, accept-bad-close-code): a server that does
    // not check a rule echoes what it got -- a 126-octet Pong, a Close with code 0 -- so
    // the frame is written as it is.
    void append_unchecked(codec::Opcode opcode, std::string_view payload) {
        codec::FrameSpec spec;
        spec.opcode = static_cast<std::uint8_t>(opcode);
        codec::append_frame(out_, spec, payload);
    }

    void on_error(const codec::ProtocolError& error) override {
        // RFC 6455 7.1.7: fail the connection -- send a Close with the code, then close.
        const std::uint16_t code = options_.defects.has(Defect::fail_with_wrong_code)
                                       ? codec::close_code::normal
                                       : error.close_code;
        connection_.write_close(out_, code, error.reason.substr(0, 120));
        finished_ = true;
    }

    // --- shutdown ---------------------------------------------------------------------------
    void send_and_linger(std::string bytes) {
        finished_ = true;
        out_ = std::move(bytes);
        flush_then_continue();
    }

    void linger() {
        error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        timer_.expires_after(linger_timeout);
        timer_.async_wait([self = shared_from_this()](error_code e) {
            if (!e) self->close_now();
        });
        drain();
    }

    void drain() {
        socket_.async_read_some(asio::buffer(in_),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec) return self->close_now();
                                    self->drain();
                                });
    }

    void close_now() {
        error_code ec;
        timer_.cancel();
        socket_.close(ec);
    }

    tcp::socket socket_;
    asio::steady_timer timer_;
    const EchoServerOptions& options_;
    codec::Connection connection_;
    std::string head_;
    std::array<std::uint8_t, read_chunk> in_{};
    std::string out_;
    std::string writing_;
    bool open_ = false;
    bool finished_ = false;
};

class Listener {
  public:
    Listener(asio::io_context& io, const EchoServerOptions& options)
        : io_(io), acceptor_(io), options_(options) {}

    std::uint16_t listen() {
        const tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
        peer::open_listening_acceptor(acceptor_, endpoint);
        accept();
        return acceptor_.local_endpoint().port();
    }

    void stop() {
        error_code ec;
        acceptor_.close(ec);
    }

  private:
    void accept() {
        acceptor_.async_accept(asio::make_strand(io_), [this](error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<Session>(std::move(socket), options_)->start();
            }
            accept();
        });
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    const EchoServerOptions& options_;
};

}  // namespace

int run_echo_server(const EchoServerOptions& options) {
    asio::io_context io;
    Listener listener(io, options);
    std::uint16_t port = 0;
    try {
        port = listener.listen();
    } catch (const boost::system::system_error& e) {
        std::cerr << "wsspec serve: cannot listen on " << options.host << ":" << options.port
                  << ": " << e.code().message() << "\n";
        return 2;
    }
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](error_code, int) {
        listener.stop();
        io.stop();
    });
    if (options.on_listening) options.on_listening(port);
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < std::max(1U, options.threads); ++i)
        pool.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : pool)
        t.join();
    return 0;
}

}  // namespace wsspec::server
