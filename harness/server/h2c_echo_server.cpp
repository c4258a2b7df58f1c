#include "harness/server/h2c_echo_server.h"

#include <array>
#include <map>

#include "harness/codec/connection.h"
#include "harness/codec/http_head.h"
#include "harness/codec/permessage_deflate.h"
#include "harness/h2/h2_session.h"
#include "harness/peer/allowed_variants.h"
#include "harness/peer/blocking_io.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/entropy.h"

namespace wsspec::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t read_chunk = 64 * 1024;
constexpr int status_ok = 200;
// Streams one connection may carry at once, announced as SETTINGS_MAX_CONCURRENT_STREAMS
// (RFC 9113 6.5.2); a client opening more is refused, it cannot make us hold more codecs.
constexpr std::uint32_t max_websockets_per_connection = 100;
constexpr int status_service_unavailable = 503;
// Windows as the client transport's (h2_transport.h): 16 MiB messages without a stall per
// 64 KiB.
constexpr std::uint32_t stream_window = 1U << 20;
constexpr std::uint32_t connection_window = 1U << 24;
constexpr int tls_handshake_timeout_s = 10;

// One WebSocket on one stream: the codec's echo, as echo_server.cpp's Session does it
// (without its injected defects: those are an HTTP/1.1 listener feature).
class StreamEcho final : public codec::ConnectionHandler {
  public:
    StreamEcho(const EchoServerOptions& options, std::shared_ptr<MemoryBudget> budget)
        : options_(options),
          connection_(codec::Role::server,
                      DefectSet{}.limits(options.max_message_size, all_defects()),
                      peer::random_mask_seed()),
          budget_(std::move(budget)) {}

    codec::Connection& connection() { return connection_; }

    // --memory-budget (memory_budget.h): past it, the stream's WebSocket is failed with 1013
    // and what it held is given back.
    void check_budget() {
        if (budget_.hold(connection_.buffered_bytes()) || finished) return;
        connection_.write_close(out, codec::close_code::try_again_later,
                                "server memory budget exhausted");
        finished = true;
        connection_ = codec::Connection(codec::Role::server, codec::ConnectionLimits{},
                                        peer::random_mask_seed());
        budget_.hold(0);
    }
    std::string out;
    bool finished = false;

    void on_message(codec::MessageType type, std::string_view payload) override {
        if (!finished) peer::append_echo(out, connection_, options_.variants, type, payload);
    }
    void on_ping(std::string_view payload) override {
        if (!finished) connection_.write_pong(out, payload);
    }
    void on_close(const codec::ClosePayload& close) override {
        // RFC 6455 5.5.1: answer with a Close; then END_STREAM (RFC 8441 5).
        peer::append_close_reply(out, connection_, options_.variants, close.code);
        finished = true;
    }
    void on_error(const codec::ProtocolError& error) override {
        // RFC 6455 7.1.7: fail the connection with the code the codec names.
        connection_.write_close(out, error.close_code, error.reason.substr(0, 120));
        finished = true;
    }

  private:
    const EchoServerOptions& options_;
    codec::Connection connection_;
    BudgetShare budget_;
};

h2::SessionOptions server_windows() {
    h2::SessionOptions o;
    o.stream_window = stream_window;
    o.connection_window = connection_window;
    o.max_concurrent_streams = max_websockets_per_connection;
    return o;
}

class H2cConnection : public std::enable_shared_from_this<H2cConnection>, h2::H2Handler {
  public:
    H2cConnection(std::unique_ptr<peer::ByteStream> stream, const EchoServerOptions& options,
                  std::shared_ptr<std::atomic<std::size_t>> open,
                  std::shared_ptr<MemoryBudget> budget)
        : stream_(std::move(stream)),
          options_(options),
          h2_(h2::Role::server, server_windows(), *this),
          open_(std::move(open)),
          budget_(std::move(budget)) {
        ++*open_;
    }
    ~H2cConnection() override { --*open_; }
    H2cConnection(const H2cConnection&) = delete;
    H2cConnection& operator=(const H2cConnection&) = delete;

    void start() {
        if (!stream_->is_tls()) return begin();
        // A TLS handshake that never completes holds the connection no longer than a request
        // may take on the HTTP/1.1 listener.
        handshake_timer_.expires_after(std::chrono::seconds(tls_handshake_timeout_s));
        handshake_timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec && !self->handshaken_) self->close();
        });
        stream_->async_tls_handshake([self = shared_from_this()](error_code ec) {
            self->handshaken_ = true;
            self->handshake_timer_.cancel();
            if (ec) return self->close();
            self->begin();
        });
    }

  private:
    void begin() {
        flush();  // our SETTINGS, with SETTINGS_ENABLE_CONNECT_PROTOCOL = 1
        read();
    }

    void read() {
        stream_->async_read_some(asio::buffer(in_),
                                 [self = shared_from_this()](error_code ec, std::size_t n) {
                                     if (ec) return self->close();
                                     if (!self->h2_.receive({self->in_.data(), n})) {
                                         // nghttp2 queued its GOAWAY; send it, then close.
                                         self->broken_ = true;
                                     }
                                     self->flush();
                                     if (!self->broken_) self->read();
                                 });
    }

    void flush() {
        if (writing_) return;
        writing_buf_ = h2_.take_output();
        if (writing_buf_.empty()) {
            if (broken_ || !h2_.alive()) close();
            return;
        }
        writing_ = true;
        stream_->async_write(asio::buffer(writing_buf_),
                             [self = shared_from_this()](error_code ec, std::size_t) {
                                 self->writing_ = false;
                                 if (ec) return self->close();
                                 self->flush();
                             });
    }

    void close() { stream_->close(); }

    void on_request(std::int32_t stream, const std::vector<h2::Header>& headers) override {
        const h2::RequestCheck check = h2::check_websocket_request(headers);
        if (check.status != 0) {
            std::vector<h2::Header> answer = check.headers;
            answer.push_back({"content-length", "0"});
            h2_.respond(stream, check.status, answer);
            return;
        }
        if (echoes_.size() >= max_websockets_per_connection) {
            h2_.respond(stream, status_service_unavailable, {{"content-length", "0"}});
            return;
        }
        auto echo = std::make_unique<StreamEcho>(options_, budget_);
        std::vector<h2::Header> answer = {{"server", options_.server_name}};
        // RFC 7692 via RFC 8441 5: the extension offer rides in sec-websocket-extensions.
        if (options_.permessage_deflate) {
            std::vector<codec::HttpHeader> as_http;
            for (const auto& h : headers) {
                if (h.name == "sec-websocket-extensions") as_http.push_back({h.name, h.value});
            }
            std::vector<std::string> offers;
            for (std::string_view e :
                 codec::header_list_elements(as_http, "sec-websocket-extensions"))
                offers.emplace_back(e);
            if (!offers.empty()) {
                const codec::ServerNegotiation deflate =
                    codec::negotiate_permessage_deflate(offers, *options_.permessage_deflate);
                if (deflate.agreed) {
                    answer.push_back({"sec-websocket-extensions", deflate.response});
                    codec::PerMessageDeflateOptions deflate_options;
                    deflate_options.compression_level = options_.deflate_level;
                    echo->connection().use_extension(codec::make_permessage_deflate(
                        codec::Role::server, *deflate.agreed, deflate_options));
                }
            }
        }
        if (!h2_.respond(stream, status_ok, answer)) return;
        echoes_[stream] = std::move(echo);
    }

    void on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) override {
        const auto it = echoes_.find(stream);
        if (it == echoes_.end() || it->second->finished) return;
        StreamEcho& echo = *it->second;
        scratch_.assign(bytes.begin(), bytes.end());  // the codec unmasks in place
        echo.connection().receive(scratch_.data(), scratch_.size(), echo);
        echo.check_budget();
        if (!echo.out.empty()) {
            h2_.send(stream, echo.out);
            echo.out.clear();
        }
        if (echo.finished) h2_.end_stream(stream);
    }

    void on_remote_end(std::int32_t stream) override {
        // The client's END_STREAM is its TCP close (RFC 8441 5): nothing more will come.
        h2_.end_stream(stream);
    }

    void on_stream_closed(std::int32_t stream, std::uint32_t) override { echoes_.erase(stream); }

    std::unique_ptr<peer::ByteStream> stream_;
    asio::steady_timer handshake_timer_{stream_->socket().get_executor()};
    bool handshaken_ = false;
    const EchoServerOptions& options_;
    h2::H2Session h2_;
    std::shared_ptr<std::atomic<std::size_t>> open_;
    std::shared_ptr<MemoryBudget> budget_;
    std::map<std::int32_t, std::unique_ptr<StreamEcho>> echoes_;
    std::array<std::uint8_t, read_chunk> in_{};
    std::vector<std::uint8_t> scratch_;
    std::string writing_buf_;
    bool writing_ = false;
    bool broken_ = false;
};

}  // namespace

H2cListener::H2cListener(asio::io_context& io, const EchoServerOptions& options,
                         std::shared_ptr<asio::ssl::context> tls,
                         std::shared_ptr<MemoryBudget> budget)
    : io_(io),
      acceptor_(io),
      options_(options),
      tls_(std::move(tls)),
      open_(std::make_shared<std::atomic<std::size_t>>(0)),
      budget_(budget ? std::move(budget) : std::make_shared<MemoryBudget>(options.memory_budget)) {
    if (tls_) peer::select_alpn(*tls_, "h2");  // RFC 9113 3.2
}

std::uint16_t H2cListener::listen(const std::string& host, std::uint16_t port) {
    const tcp::endpoint endpoint(asio::ip::make_address(host), port);
    peer::open_listening_acceptor(acceptor_, endpoint);
    accept();
    return acceptor_.local_endpoint().port();
}

void H2cListener::stop() {
    error_code ec;
    acceptor_.close(ec);
}

void H2cListener::accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec && open_->load() < options_.max_connections) {
            socket.set_option(tcp::no_delay(true), ec);
            auto stream = tls_ ? std::make_unique<peer::ByteStream>(std::move(socket), tls_,
                                                                    asio::ssl::stream_base::server)
                               : std::make_unique<peer::ByteStream>(std::move(socket));
            std::make_shared<H2cConnection>(std::move(stream), options_, open_, budget_)->start();
        }
        accept();
    });
}

}  // namespace wsspec::server
