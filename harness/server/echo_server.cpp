#include "harness/server/echo_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>
#include "harness/peer/asio_include.h"

#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"
#include "harness/codec/permessage_deflate.h"
#include "harness/peer/blocking_io.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/entropy.h"
#include "harness/server/h2c_echo_server.h"

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
// accept() fails at once, again and again, while the process is out of descriptors (EMFILE,
// ENFILE) or kernel memory: the connection stays in the backlog. Retrying at once spins a
// core, so the retries back off, doubling up to the maximum.
constexpr auto accept_retry_first = std::chrono::milliseconds(10);
constexpr auto accept_retry_max = std::chrono::milliseconds(1000);
// Descriptors the process needs besides connections (listener, stdio, epoll, ...).
constexpr rlim_t reserved_descriptors = 16;
// What a connection beyond --max-connections gets (RFC 7231 6.6.4), written without waiting.
constexpr std::string_view over_capacity_response =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

using Clock = std::chrono::steady_clock;
// Connections open now; shared by the listener and every session (which may outlive it).
using OpenCount = std::shared_ptr<std::atomic<std::size_t>>;

class Session : public std::enable_shared_from_this<Session>, codec::ConnectionHandler {
  public:
    Session(tcp::socket socket, const EchoServerOptions& options, OpenCount open,
            std::shared_ptr<MemoryBudget> budget)
        : socket_(std::move(socket)),
          timer_(socket_.get_executor()),
          late_timer_(socket_.get_executor()),
          options_(options),
          connection_(codec::Role::server, limits_for(options), peer::random_mask_seed()),
          open_count_(std::move(open)),
          budget_(std::move(budget)) {
        ++*open_count_;
    }
    ~Session() override { --*open_count_; }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() {
        timer_.expires_after(handshake_timeout);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec && !self->open_) self->close_now();
        });
        read_handshake();
    }

  private:
    static codec::ConnectionLimits limits_for(const EchoServerOptions& options) {
        return options.defects.limits(options.max_message_size, all_defects());
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
            return send_and_linger(codec::build_reject_response(
                codec::malformed_request_rejection(std::string(parsed.reason))));
        }
        const auto validation = codec::validate_request(request);
        if (!validation.ok()) {
            return send_and_linger(codec::build_reject_response(validation.rejection));
        }
        codec::ServerAcceptOptions accept;
        accept.extra_headers.push_back({"Server", options_.server_name});
        const codec::ServerNegotiation deflate = negotiate_deflate(validation.request);
        if (deflate.agreed) accept.extensions.push_back(deflate.response);
        const auto response = codec::build_accept_response(validation.request, accept);
        if (!response.ok()) return close_now();
        // RFC 7692 6: from the first frame on, RSV1 marks a compressed message.
        if (deflate.agreed) {
            codec::PerMessageDeflateOptions deflate_options;
            deflate_options.compression_level = options_.deflate_level;
            connection_.use_extension(codec::make_permessage_deflate(
                codec::Role::server, *deflate.agreed, deflate_options));
        }
        if (options_.verbose) log_connection(validation.request, deflate);
        open_ = true;
        timer_.cancel();
        last_read_ = Clock::now();
        watch_idle();
        out_ = response.bytes;
        if (variant(peer::Variant::heartbeat_ping))
            connection_.write_ping(out_, peer::heartbeat_payload);
        if (variant(peer::Variant::unsolicited_pong))
            connection_.write_pong(out_, peer::heartbeat_payload);
        // Frames pipelined right behind the request belong to the WebSocket connection.
        std::string rest = head_.substr(parsed.consumed);
        head_.clear();
        head_.shrink_to_fit();
        if (!rest.empty()) {
            connection_.receive(reinterpret_cast<std::uint8_t*>(rest.data()), rest.size(), *this);
            write_pending_pong();
            check_budget();
        }
        flush_then_continue();
    }

    // RFC 7692 5: the first acceptable permessage-deflate offer, under --pmd-* policy.
    codec::ServerNegotiation negotiate_deflate(const codec::AcceptedRequest& request) const {
        if (!options_.permessage_deflate || request.extensions.empty()) return {};
        return codec::negotiate_permessage_deflate(request.extensions,
                                                   *options_.permessage_deflate);
    }

    // --verbose: one line per connection, whole, so threads do not interleave them.
    void log_connection(const codec::AcceptedRequest& request,
                        const codec::ServerNegotiation& deflate) {
        static std::mutex log_mutex;
        error_code ec;
        const auto remote = socket_.remote_endpoint(ec);
        std::ostringstream line;
        line << "wsspec serve: " << (ec ? std::string("?") : remote.address().to_string()) << ":"
             << (ec ? 0 : remote.port()) << " open";
        if (deflate.agreed) {
            line << ", " << deflate.response;
        } else if (!request.extensions.empty()) {
            line << ", no extension";
        }
        for (const auto& declined : deflate.declined)
            line << " (offer " << declined.index + 1 << " declined: " << declined.reason << ")";
        line << "\n";
        const std::lock_guard lock(log_mutex);
        std::cout << line.str() << std::flush;
    }

    // Writes everything queued, then either reads on or winds the connection down.
    void flush_then_continue() {
        if (out_.empty()) return after_flush();
        if (hold_for_late_pong_) {  // late-pong: the Pong and what follows wait, in order
            hold_for_late_pong_ = false;
            late_timer_.expires_after(std::chrono::milliseconds(peer::late_pong_ms));
            late_timer_.async_wait([self = shared_from_this()](error_code ec) {
                if (ec) return self->close_now();
                self->flush_then_continue();
            });
            return;
        }
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
                                    self->last_read_ = Clock::now();
                                    self->connection_.receive(self->in_.data(), n, *self);
                                    self->write_pending_pong();
                                    self->check_budget();
                                    self->flush_then_continue();
                                });
    }

    // --idle-timeout: a connection that sends nothing for that long is closed, so idle
    // clients cannot hold connections (and descriptors) forever. The timer is not reset on
    // every read; it checks the time of the last read when it fires.
    void watch_idle() {
        if (options_.idle_timeout_s == 0 || finished_) return;
        const auto idle = std::chrono::seconds(options_.idle_timeout_s);
        timer_.expires_at(last_read_ + idle);
        timer_.async_wait([self = shared_from_this(), idle](error_code ec) {
            if (ec || self->finished_) return;  // cancelled, or lingering (its own timer)
            if (Clock::now() - self->last_read_ >= idle) return self->close_now();
            self->watch_idle();
        });
    }

    // --- codec events ---------------------------------------------------------------------
    void on_message(codec::MessageType type, std::string_view payload) override {
        if (finished_) return;
        if (payload.empty() && options_.defects.has(Defect::drop_empty_messages)) return;
        if (options_.defects.has(Defect::text_as_binary)) type = codec::MessageType::binary;
        write_pending_pong();  // frames leave in the order of what they answer
        peer::append_echo(out_, connection_, options_.variants, type, payload);
    }

    bool variant(peer::Variant v) const { return options_.variants.has(v); }

    // latest-pong-only: the Pong to the most recent Ping of those read so far, written before
    // anything else is (RFC 6455 5.5.3).
    void write_pending_pong() {
        if (!pending_pong_) return;
        connection_.write_pong(out_, *pending_pong_);
        pending_pong_.reset();
    }

    void on_ping(std::string_view payload) override {
        if (finished_ || options_.defects.has(Defect::no_pong)) return;
        const std::string_view answer =
            options_.defects.has(Defect::wrong_pong_payload) ? std::string_view{} : payload;
        if (variant(peer::Variant::latest_pong_only)) {
            pending_pong_ = std::string(answer);
            return;
        }
        hold_for_late_pong_ = variant(peer::Variant::late_pong);
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
            connection_ = codec::Connection(codec::Role::server, limits_for(options_),
                                            peer::random_mask_seed());
            return;
        }
        // RFC 6455 5.5.1: answer with a Close, typically echoing the status code.
        write_pending_pong();
        std::optional<std::uint16_t> code = close.code;
        if (options_.defects.has(Defect::wrong_close_reply))
            code = codec::close_code::internal_error;
        if (peer::append_close_reply(out_, connection_, options_.variants, code) !=
            codec::WriteStatus::written)
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

    // --memory-budget: the message this connection assembles took all connections past the
    // budget. The connection is failed with 1013 (Try Again Later: the server is overloaded)
    // and what it held is given back at once.
    void check_budget() {
        if (budget_.hold(connection_.buffered_bytes()) || finished_) return;
        connection_.write_close(out_, codec::close_code::try_again_later,
                                "server memory budget exhausted");
        finished_ = true;
        connection_ =
            codec::Connection(codec::Role::server, limits_for(options_), peer::random_mask_seed());
        budget_.hold(0);
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
    asio::steady_timer late_timer_;  // late-pong
    const EchoServerOptions& options_;
    codec::Connection connection_;
    std::string head_;
    std::array<std::uint8_t, read_chunk> in_{};
    std::string out_;
    std::string writing_;
    bool open_ = false;
    bool finished_ = false;
    Clock::time_point last_read_;
    OpenCount open_count_;
    BudgetShare budget_;
    std::optional<std::string> pending_pong_;  // latest-pong-only
    bool hold_for_late_pong_ = false;          // late-pong
};

class Listener {
  public:
    Listener(asio::io_context& io, const EchoServerOptions& options,
             std::shared_ptr<MemoryBudget> budget)
        : io_(io),
          acceptor_(io),
          retry_timer_(io),
          options_(options),
          open_(std::make_shared<std::atomic<std::size_t>>(0)),
          budget_(std::move(budget)) {}

    std::uint16_t listen() {
        const tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
        peer::open_listening_acceptor(acceptor_, endpoint);
        accept();
        return acceptor_.local_endpoint().port();
    }

    void stop() {
        error_code ec;
        acceptor_.close(ec);
        retry_timer_.cancel();
    }

  private:
    void accept() {
        acceptor_.async_accept(asio::make_strand(io_), [this](error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (ec) return retry_accept_later(ec);
            retry_delay_ = accept_retry_first;
            if (open_->load() >= options_.max_connections) {
                refuse(std::move(socket));
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<Session>(std::move(socket), options_, open_, budget_)->start();
            }
            accept();
        });
    }

    void retry_accept_later(const error_code& ec) {
        if (!accept_failing_) {
            std::cerr << "wsspec serve: accept failed: " << ec.message() << "; retrying with "
                      << "back-off (connections wait in the backlog)\n";
        }
        accept_failing_ = true;
        retry_timer_.expires_after(retry_delay_);
        retry_delay_ = std::min(retry_delay_ * 2, accept_retry_max);
        retry_timer_.async_wait([this](error_code e) {
            if (!e) accept();
        });
    }

    // Over --max-connections: answer 503 if the socket takes it right away, and close.
    // What the client already sent is read first, so closing does not reset the connection
    // (and discard the 503) because of unread data.
    void refuse(tcp::socket socket) {
        if (!at_capacity_warned_) {
            std::cerr << "wsspec serve: " << options_.max_connections
                      << " connections open (--max-connections); refusing new ones with 503\n";
            at_capacity_warned_ = true;
        }
        error_code ec;
        socket.non_blocking(true, ec);
        std::array<char, 4096> discard{};
        socket.read_some(asio::buffer(discard), ec);
        socket.write_some(asio::buffer(over_capacity_response), ec);
        socket.shutdown(tcp::socket::shutdown_send, ec);
        socket.close(ec);
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    const EchoServerOptions& options_;
    OpenCount open_;
    std::shared_ptr<MemoryBudget> budget_;
    std::chrono::milliseconds retry_delay_ = accept_retry_first;
    bool accept_failing_ = false;
    bool at_capacity_warned_ = false;
};

// More connections than descriptors: say so at start (the connections beyond the
// descriptor limit wait in the backlog while accept() backs off).
void warn_about_descriptor_limit(const EchoServerOptions& options) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
    if (options.max_connections + reserved_descriptors > limit.rlim_cur) {
        std::cerr << "wsspec serve: --max-connections " << options.max_connections
                  << " is more than the descriptor limit allows (ulimit -n " << limit.rlim_cur
                  << "); connections beyond it wait until others close\n";
    }
}

}  // namespace

int run_echo_server(const EchoServerOptions& options) {
    if (options.threads < 1 || options.threads > max_threads) {
        std::cerr << "wsspec serve: --threads must be 1.." << max_threads << ", got "
                  << options.threads << "\n";
        return 2;
    }
    if (options.max_connections < 1) {
        std::cerr << "wsspec serve: --max-connections must be at least 1\n";
        return 2;
    }
    warn_about_descriptor_limit(options);
    asio::io_context io;
    // One budget for every connection, over either listener.
    const auto budget = std::make_shared<MemoryBudget>(options.memory_budget);
    Listener listener(io, options, budget);
    std::uint16_t port = 0;
    try {
        port = listener.listen();
    } catch (const boost::system::system_error& e) {
        std::cerr << "wsspec serve: cannot listen on " << options.host << ":" << options.port
                  << ": " << e.code().message() << "\n";
        return 2;
    }
    H2cListener h2c(io, options, nullptr, budget);
    std::uint16_t h2c_port = 0;
    if (options.h2c) {
        try {
            h2c_port = h2c.listen(options.h2c_host, options.h2c_port);
        } catch (const boost::system::system_error& e) {
            std::cerr << "wsspec serve: cannot listen on " << options.h2c_host << ":"
                      << options.h2c_port << " (h2c): " << e.code().message() << "\n";
            return 2;
        }
    }
    std::shared_ptr<asio::ssl::context> tls;
    if (options.h2) {
        try {
            tls = peer::make_server_tls_context(options.cert_file, options.key_file);
        } catch (const std::exception& e) {
            std::cerr << "wsspec serve: " << e.what() << "\n";
            return 2;
        }
    }
    H2cListener h2(io, options, tls, budget);
    std::uint16_t h2_port = 0;
    if (options.h2) {
        try {
            h2_port = h2.listen(options.h2_host, options.h2_port);
        } catch (const boost::system::system_error& e) {
            std::cerr << "wsspec serve: cannot listen on " << options.h2_host << ":"
                      << options.h2_port << " (h2): " << e.code().message() << "\n";
            return 2;
        }
    }
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](error_code, int) {
        listener.stop();
        h2c.stop();
        h2.stop();
        io.stop();
    });
    if (options.on_listening) options.on_listening(port);
    if (options.h2c && options.on_h2c_listening) options.on_h2c_listening(h2c_port);
    if (options.h2 && options.on_h2_listening) options.on_h2_listening(h2_port);
    std::vector<std::thread> pool;
    try {
        for (unsigned i = 1; i < options.threads; ++i)
            pool.emplace_back([&] { io.run(); });
    } catch (const std::system_error& e) {
        // Joinable threads must not be destroyed: stop the ones that started.
        std::cerr << "wsspec serve: cannot start " << options.threads
                  << " I/O threads: " << e.what() << "\n";
        listener.stop();
        io.stop();
        for (auto& t : pool)
            t.join();
        return 2;
    }
    io.run();
    for (auto& t : pool)
        t.join();
    return 0;
}

}  // namespace wsspec::server
