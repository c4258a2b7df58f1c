#include "harness/server/fuzzing_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <nlohmann/json.hpp>
#include <system_error>

#include "harness/codec/constants.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"
#include "harness/oracle/judge.h"
#include "harness/peer/blocking_io.h"

namespace wsspec::server {
namespace {

using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto poll_interval = std::chrono::milliseconds(50);
// A crash tears the driver's connections down, so the case it was running usually ends
// (as a closed connection) a moment before the exit is noticed.
constexpr auto crash_window = std::chrono::milliseconds(1500);
// /getCaseStatus waits for a case that has not finished; beyond the longest case timeout plus
// this, it answers null.
constexpr auto status_wait_margin = std::chrono::seconds(10);
// Endpoint answers (count, info, status) are tiny; this bounds their closing handshake.
constexpr std::uint32_t endpoint_timeout_ms = 5000;
// Once judged, a case keeps only the start of each payload (reports show a prefix).
constexpr std::size_t kept_payload_bytes = 1024;
// After accept() fails for lack of resources, accepting resumes after this pause (the
// failure repeats at once otherwise, and the loop would spin).
constexpr auto accept_retry_delay = std::chrono::milliseconds(50);
// The request head a client may send (it carries only a path and a few headers).
constexpr codec::HttpHeadLimits request_head_limits{64 * 1024, 200};
constexpr int http_forbidden = 403;
constexpr int http_not_found = 404;
constexpr int http_service_unavailable = 503;

void trim_payloads(oracle::Observation& obs) {
    for (auto& e : obs.events) {
        if (e.payload.size() > kept_payload_bytes) {
            e.payload.resize(kept_payload_bytes);
            e.payload.shrink_to_fit();
        }
    }
}

std::string plain_http_error(int status, std::string_view reason, const std::string& why) {
    const std::string body = why + "\n";
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
           "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

// Writes all of `data` (a short HTTP answer) within `timeout`.
void write_within_timeout(asio::io_context& io, peer::ByteStream& stream, const std::string& data,
                          std::chrono::milliseconds timeout) {
    bool done = false;
    stream.async_write(asio::buffer(data), [&](error_code, std::size_t) { done = true; });
    peer::run_until_done(io, done, Clock::now() + timeout, [&] { stream.close(); });
}

// wss://: the TLS handshake, within `timeout` (a client that never starts one, or speaks
// plain HTTP, ends here).
bool tls_handshake(asio::io_context& io, peer::ByteStream& stream,
                   std::chrono::milliseconds timeout) {
    bool done = false;
    error_code ec;
    stream.async_tls_handshake([&](error_code e) {
        ec = e;
        done = true;
    });
    return peer::run_until_done(io, done, Clock::now() + timeout, [&] { stream.close(); }) && !ec;
}

// The codec's 400 answer (RFC 6455 4.2.1 / 4.2.2: an invalid handshake or a resource the
// server does not have), then close.
void reject_request(asio::io_context& io, peer::ByteStream& stream, std::string_view rfc_section,
                    std::string reason, std::chrono::milliseconds timeout) {
    codec::RequestRejection rejection;
    rejection.http_status = codec::http_status::bad_request;
    rejection.rfc_section = rfc_section;
    rejection.reason = std::move(reason);
    write_within_timeout(io, stream, codec::build_reject_response(rejection), timeout);
    stream.close();
}

enum class RequestRead { complete, malformed, timed_out, closed };

// Reads the client's request head within `timeout`. On a malformed head answers 400.
RequestRead read_request(asio::io_context& io, peer::ByteStream& stream,
                         peer::ClientRequest& request, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string buffer;
    std::array<char, 4096> chunk{};
    for (;;) {
        const auto parsed = codec::parse_request_head(buffer.data(), buffer.size(), request.head,
                                                      request_head_limits);
        if (parsed.complete()) {
            request.raw = buffer.substr(0, parsed.consumed);
            request.leftover = buffer.substr(parsed.consumed);
            return RequestRead::complete;
        }
        if (parsed.status == codec::HeadParseStatus::error) {
            reject_request(io, stream, "4.2.1", "malformed request: " + std::string(parsed.reason),
                           timeout);
            return RequestRead::malformed;
        }
        const peer::ReadResult read = peer::read_some_until(io, stream, asio::buffer(chunk),
                                                            deadline, [&] { stream.close(); });
        if (read.timed_out) return RequestRead::timed_out;
        if (read.error) return RequestRead::closed;
        buffer.append(chunk.data(), read.bytes);
    }
}

std::optional<std::size_t> parse_count(const std::string& s) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

// Autobahn's getCaseInfo: the description up to the first '<', whitespace collapsed.
std::string plain_description(const std::string& description) {
    std::string out;
    bool space = false;
    for (char ch : description.substr(0, description.find('<'))) {
        if (std::isspace(static_cast<unsigned char>(ch))) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += ch;
    }
    return out;
}

}  // namespace

// One request to the endpoints: an HTTP/1.1 Upgrade request on its own connection, or an
// extended CONNECT on a stream of an HTTP/2 connection (RFC 8441). Whatever answers it (an
// endpoint's message, a case, a refusal) goes through here, once.
class FuzzingServer::Exchange {
  public:
    explicit Exchange(asio::io_context& io) : io(io) {}
    virtual ~Exchange() = default;
    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    [[nodiscard]] virtual const std::string& target() const = 0;
    [[nodiscard]] virtual std::optional<std::string_view> origin() const = 0;
    // Answers the handshake as `c` says and runs it.
    virtual oracle::Observation run(const cases::Case& c,
                                    const peer::ServerCaseSettings& settings) = 0;
    // A plain HTTP error for what is not a handshake problem.
    virtual void refuse(int status, std::string_view reason, const std::string& why,
                        std::chrono::milliseconds timeout) = 0;
    // The handshake's 400 (RFC 6455 4.2.1 / 4.2.2).
    virtual void reject(std::string_view rfc_section, std::string reason,
                        std::chrono::milliseconds timeout) = 0;
    // The socket to watch for the client hanging up while an answer waits; null: none to
    // watch (an HTTP/2 stream shares its connection).
    virtual peer::ByteStream* watchable() = 0;
    virtual void close() = 0;

    asio::io_context& io;
};

namespace {

class Http1Exchange final : public FuzzingServer::Exchange {
  public:
    Http1Exchange(asio::io_context& io, std::unique_ptr<peer::ByteStream> stream,
                  peer::ClientRequest& request)
        : Exchange(io), stream_(std::move(stream)), request_(request) {}
    const std::string& target() const override { return request_.head.target; }
    std::optional<std::string_view> origin() const override {
        return request_origin(request_.head);
    }
    oracle::Observation run(const cases::Case& c,
                            const peer::ServerCaseSettings& settings) override {
        return peer::run_case_as_server(c, io, std::move(stream_), request_, settings);
    }
    void refuse(int status, std::string_view reason, const std::string& why,
                std::chrono::milliseconds timeout) override {
        write_within_timeout(io, *stream_, plain_http_error(status, reason, why), timeout);
        stream_->close();
    }
    void reject(std::string_view rfc_section, std::string reason,
                std::chrono::milliseconds timeout) override {
        reject_request(io, *stream_, rfc_section, std::move(reason), timeout);
    }
    peer::ByteStream* watchable() override { return stream_.get(); }
    void close() override { stream_->close(); }

  private:
    std::unique_ptr<peer::ByteStream> stream_;
    peer::ClientRequest& request_;
};

class Http2Exchange final : public FuzzingServer::Exchange {
  public:
    Http2Exchange(asio::io_context& io, peer::H2ServerConnection& connection,
                  peer::H2ServerConnection::Request request)
        : Exchange(io), connection_(connection), request_(std::move(request)) {
        // The extended CONNECT's :path is the HTTP/1.1 request target (RFC 8441 5).
        if (const std::string* path = h2::find_header(request_.headers, ":path")) target_ = *path;
        if (const std::string* o = h2::find_header(request_.headers, "origin")) origin_ = *o;
    }
    const std::string& target() const override { return target_; }
    std::optional<std::string_view> origin() const override { return origin_; }
    oracle::Observation run(const cases::Case& c,
                            const peer::ServerCaseSettings& settings) override {
        return peer::run_case_as_h2_server(c, connection_, request_, settings);
    }
    void refuse(int status, std::string_view, const std::string& why,
                std::chrono::milliseconds) override {
        connection_.respond(request_.stream, status,
                            {{"content-length", "0"}, {"wsspec-refusal", why}});
    }
    void reject(std::string_view, std::string reason, std::chrono::milliseconds) override {
        connection_.respond(request_.stream, codec::http_status::bad_request,
                            {{"content-length", "0"}, {"wsspec-refusal", reason}});
    }
    peer::ByteStream* watchable() override { return nullptr; }
    void close() override {}

  private:
    peer::H2ServerConnection& connection_;
    peer::H2ServerConnection::Request request_;
    std::string target_;
    std::optional<std::string> origin_;
};

}  // namespace

struct FuzzingServer::Connection {
    std::thread thread;
    tcp::socket::protocol_type protocol = tcp::v4();
    tcp::socket::native_handle_type handle = -1;  // owned until serve() assigns it
    std::atomic<bool> done{false};
};

FuzzingServer::FuzzingServer(FuzzingServerOptions options)
    : options_(std::move(options)),
      acceptor_(io_),
      poll_timer_(io_),
      accept_retry_timer_(io_),
      book_(options_.cases, options_.max_agents) {}

FuzzingServer::~FuzzingServer() {
    for (auto& conn : connections_) {
        if (conn->thread.joinable()) conn->thread.join();
    }
    if (spare_fd_ >= 0) ::close(spare_fd_);
}

std::string FuzzingServer::run() {
    const tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    peer::open_listening_acceptor(acceptor_, endpoint);
    // Non-blocking, so the accept-and-close of on_accept_error never waits.
    acceptor_.non_blocking(true);
    spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    last_activity_ = Clock::now();
    if (options_.on_listening) options_.on_listening(acceptor_.local_endpoint().port());
    accept_next();
    check_stop();
    io_.run();

    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    results_changed_.notify_all();
    error_code ec;
    acceptor_.close(ec);
    poll_timer_.cancel();
    accept_retry_timer_.cancel();
    // Cases in flight finish within their own timeouts.
    for (auto& conn : connections_) {
        if (conn->thread.joinable()) conn->thread.join();
    }
    connections_.clear();
    return stop_reason_;
}

void FuzzingServer::warn(const std::string& text) {
    if (!options_.on_warning) return;
    std::lock_guard lock(callback_mutex_);
    options_.on_warning(text);
}

void FuzzingServer::accept_next() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) return on_accept_error(ec);
        admit(std::move(socket));
        accept_next();
    });
}

void FuzzingServer::on_accept_error(const error_code& ec) {
    const bool out_of_descriptors = ec.value() == EMFILE || ec.value() == ENFILE;
    std::size_t dropped = 0;
    if (out_of_descriptors && spare_fd_ >= 0) {
        // The connection stays queued (and the failure repeats) until it is accepted. The
        // spare descriptor makes room to accept the waiting ones and close them at once,
        // so clients are refused instead of left hanging, and the server goes on.
        ::close(spare_fd_);
        spare_fd_ = -1;
        for (;;) {
            const int fd = ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) break;
            ::close(fd);
            ++dropped;
        }
        spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = counts_.refused_no_resources == 0;
        counts_.refused_no_resources += std::max<std::size_t>(dropped, 1);
    }
    if (first) {
        warn("cannot accept connections: " + ec.message() +
             "; refusing them until resources are free again");
    }
    accept_retry_timer_.expires_after(accept_retry_delay);
    accept_retry_timer_.async_wait([this](error_code e) {
        if (!e) accept_next();
    });
}

void FuzzingServer::admit(tcp::socket socket) {
    auto conn = std::make_shared<Connection>();
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        // Refused connections are not activity: a flood must not keep an idle run alive.
        if (active_ >= options_.max_connections) {
            ++counts_.refused_busy;
            // Best effort, without blocking the accept loop: a short 503 when the socket
            // buffer takes it (plain ws:// only; a TLS client could not read it), then close.
            if (!options_.tls) {
                const std::string answer =
                    plain_http_error(http_service_unavailable, "Service Unavailable",
                                     "too many connections (at most " +
                                         std::to_string(options_.max_connections) + " at a time)");
                ::send(socket.native_handle(), answer.data(), answer.size(),
                       MSG_DONTWAIT | MSG_NOSIGNAL);
            }
            error_code ec;
            socket.close(ec);
            return;
        }
        ++active_;
        ++counts_.accepted;
        last_activity_ = Clock::now();
        connections_.push_back(conn);
    }
    error_code ec;
    conn->protocol = socket.local_endpoint(ec).protocol();
    conn->handle = socket.release(ec);
    try {
        // Each connection runs on its own thread with its own io_context, because a case
        // session drives its event loop itself; the socket moves there by its handle.
        conn->thread = std::thread([this, conn] { serve(*conn); });
    } catch (const std::system_error& e) {
        ::close(conn->handle);
        conn->handle = -1;
        bool first = false;
        {
            std::lock_guard lock(mutex_);
            --active_;
            --counts_.accepted;
            first = counts_.refused_no_resources == 0;
            ++counts_.refused_no_resources;
            conn->done = true;
        }
        if (first) warn(std::string("cannot start a connection thread: ") + e.what());
    }
}

void FuzzingServer::serve(Connection& conn) {
    try {
        asio::io_context io;  // may throw when descriptors run out (epoll, eventfd)
        tcp::socket socket(io);
        error_code ec;
        socket.assign(conn.protocol, conn.handle, ec);
        if (ec) throw boost::system::system_error(ec);
        conn.handle = -1;  // the socket owns it now
        auto stream = options_.tls
                          ? std::make_unique<peer::ByteStream>(std::move(socket), options_.tls,
                                                               asio::ssl::stream_base::server)
                          : std::make_unique<peer::ByteStream>(std::move(socket));
        const bool secured = !options_.tls || tls_handshake(io, *stream, options_.request_timeout);
        if (options_.http2) {
            if (secured) serve_http2(io, std::move(stream));
        } else {
            peer::ClientRequest request;
            const RequestRead read =
                secured ? read_request(io, *stream, request, options_.request_timeout)
                        : RequestRead::timed_out;
            if (read == RequestRead::timed_out) {
                std::lock_guard lock(mutex_);
                ++counts_.request_timeouts;
            }
            if (read == RequestRead::complete) {
                Http1Exchange exchange(io, std::move(stream), request);
                dispatch(exchange);
            }
        }
    } catch (const std::exception& e) {
        if (conn.handle >= 0) ::close(conn.handle);
        conn.handle = -1;
        bool first = false;
        {
            std::lock_guard lock(mutex_);
            first = counts_.refused_no_resources == 0;
            ++counts_.refused_no_resources;
        }
        if (first) warn(std::string("a connection failed: ") + e.what());
    }
    {
        std::lock_guard lock(mutex_);
        --active_;
        last_activity_ = Clock::now();
    }
    conn.done = true;
}

void FuzzingServer::serve_http2(asio::io_context& io, std::unique_ptr<peer::ByteStream> stream) {
    // RFC 9113 3.2: over TLS, HTTP/2 is what ALPN agreed on; a client that did not offer "h2"
    // gets nothing it could read as HTTP/1.1 from here.
    if (options_.tls && stream->alpn_selected() != "h2") {
        warn("a TLS client did not agree to \"h2\" by ALPN (RFC 9113 3.2); connection closed");
        return stream->close();
    }
    peer::H2ServerConnection connection(io, std::move(stream));
    // Each request is answered before the next is read; a connection without a request for
    // request_timeout is closed, as an HTTP/1.1 one is (counted only before its first one:
    // later it is a client keeping its connection for more).
    bool served = false;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
        }
        auto request = connection.next_request(Clock::now() + options_.request_timeout);
        if (!request) {
            if (connection.open() && !served) {
                std::lock_guard lock(mutex_);
                ++counts_.request_timeouts;
            }
            break;
        }
        {
            std::lock_guard lock(mutex_);
            last_activity_ = Clock::now();
        }
        served = true;
        Http2Exchange exchange(io, connection, std::move(*request));
        dispatch(exchange);
        if (connection.retired()) break;
    }
    connection.close();
}

void FuzzingServer::check_stop() {
    // Join the threads of finished connections (only this thread touches connections_'
    // threads, so a finished one joins at once).
    {
        std::lock_guard lock(mutex_);
        connections_.remove_if([](const std::shared_ptr<Connection>& c) {
            if (!c->done) return false;
            if (c->thread.joinable()) c->thread.join();
            return true;
        });
    }
    if (options_.should_stop && options_.should_stop()) request_stop("stop requested");
    {
        std::lock_guard lock(mutex_);
        const auto quiet = Clock::now() - last_activity_;
        if (!stopping_ && active_ == 0) {
            if (options_.idle_timeout.count() > 0 && quiet >= options_.idle_timeout) {
                stopping_ = true;
                stop_reason_ = "no connection for " +
                               std::to_string(options_.idle_timeout.count() / 1000) + " s";
            } else if (options_.stop_when_complete && quiet >= options_.completion_grace &&
                       book_.complete(options_.exclude_agent_cases)) {
                stopping_ = true;
                stop_reason_ = "every agent has run every case";
            }
        }
        if (stopping_) {
            error_code ec;
            acceptor_.close(ec);
            io_.stop();
            return;
        }
    }
    poll_timer_.expires_after(poll_interval);
    poll_timer_.async_wait([this](error_code ec) {
        if (!ec) check_stop();
    });
}

void FuzzingServer::request_stop(std::string why) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            stopping_ = true;
            stop_reason_ = std::move(why);
        }
    }
    results_changed_.notify_all();
    asio::post(io_, [this] {
        error_code ec;
        acceptor_.close(ec);
        io_.stop();
    });
}

std::optional<std::size_t> FuzzingServer::case_index(const RequestTarget& target) const {
    if (const auto n = target.param("case")) {
        const auto index = parse_count(*n);
        if (index && *index >= 1 && *index <= options_.cases.size()) return index;
        return std::nullopt;
    }
    if (const auto tuple = target.param("casetuple")) {
        for (std::size_t i = 0; i < options_.cases.size(); ++i) {
            if (options_.cases[i]->id == *tuple) return i + 1;
        }
    }
    return std::nullopt;
}

void FuzzingServer::dispatch(Exchange& exchange) {
    const auto timeout = options_.request_timeout;
    if (!options_.origins.allows(exchange.origin())) {
        {
            std::lock_guard lock(mutex_);
            ++counts_.refused_origin;
        }
        return exchange.refuse(http_forbidden, "Forbidden",
                               "origin not allowed (wsspec test-client --allowed-origin)", timeout);
    }
    const RequestTarget target = parse_request_target(exchange.target());
    const std::string& path = target.path;
    // RFC 6455 4.2.2: a resource the server does not have gets an HTTP error.
    const auto bad_case = [&] {
        exchange.reject(
            "4.2.2",
            "case=N (1.." + std::to_string(options_.cases.size()) + ") or casetuple=ID is required",
            timeout);
    };
    if (options_.take_case) return dispatch_dynamic(exchange, path);
    const auto agent = target.param("agent");
    const auto bad_agent = [&]() -> bool {
        const std::string problem = agent_name_problem(agent.value_or(""));
        if (problem.empty()) return false;
        exchange.reject("4.2.2", problem, timeout);
        return true;
    };
    if (path == "/getCaseCount") {
        answer_message(exchange, std::to_string(options_.cases.size()));
    } else if (path == "/getCaseInfo") {
        const auto index = case_index(target);
        if (!index) return bad_case();
        const cases::Case& c = *options_.cases[*index - 1];
        const nlohmann::json info = {{"id", c.id},
                                     {"description", plain_description(c.description)}};
        answer_message(exchange,
                       info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else if (path == "/getCaseStatus") {
        const auto index = case_index(target);
        if (!index) return bad_case();
        if (bad_agent()) return;
        bool peer_gone = false;
        const auto behavior = wait_for_status(exchange, *index, *agent, peer_gone);
        if (peer_gone) return exchange.close();  // nobody left to answer
        const nlohmann::json status = {
            {"behavior", behavior ? nlohmann::json(*behavior) : nlohmann::json(nullptr)}};
        answer_message(exchange, status.dump());
    } else if (path == "/runCase") {
        const auto index = case_index(target);
        if (!index) return bad_case();
        if (bad_agent()) return;
        if (runner::agent_case_excluded(options_.exclude_agent_cases, *agent,
                                        options_.cases[*index - 1]->id)) {
            // Autobahn: an excluded case is skipped with a Close and leaves no result.
            return answer_message(exchange, std::nullopt);
        }
        run_case(exchange, *index, *agent);
    } else if (path == "/updateReports") {
        if (options_.on_update_reports) {
            const AgentResults all = results();
            std::lock_guard lock(callback_mutex_);
            try {
                options_.on_update_reports(all);
            } catch (const std::exception& e) {
                // The results stay; the reports are written again at the end of the run.
                if (options_.on_warning)
                    options_.on_warning(std::string("updateReports: ") + e.what());
            }
        }
        answer_message(exchange, std::nullopt);
        if (target.param("shutdownOnComplete") == std::optional<std::string>("true"))
            request_stop("updateReports with shutdownOnComplete=true");
    } else if (path == "/stopServer") {
        answer_message(exchange, std::nullopt);
        request_stop("stopServer");
    } else {
        exchange.refuse(http_not_found, "Not Found",
                        "unknown endpoint " + path +
                            " (getCaseCount, getCaseInfo, getCaseStatus, runCase, updateReports, "
                            "stopServer)",
                        timeout);
    }
}

void FuzzingServer::dispatch_dynamic(Exchange& exchange, const std::string& path) {
    if (path == "/getCaseCount") {
        answer_message(exchange, std::to_string(options_.dynamic_case_count));
    } else if (path == "/getCaseInfo") {
        answer_message(exchange,
                       R"({"id": "fz", "description": "an input made by wsspec fuzz-client"})");
    } else if (path == "/getCaseStatus") {
        answer_message(exchange, R"({"behavior": "OK"})");
    } else if (path == "/runCase") {
        auto taken = options_.take_case();
        if (!taken) return answer_message(exchange, std::nullopt);
        oracle::Observation obs = exchange.run(taken->second, options_.case_settings);
        if (options_.case_observed) options_.case_observed(taken->first, std::move(obs));
    } else if (path == "/updateReports" || path == "/stopServer") {
        answer_message(exchange, std::nullopt);
    } else {
        exchange.refuse(http_not_found, "Not Found",
                        "unknown endpoint " + path +
                            " (getCaseCount, getCaseInfo, getCaseStatus, runCase, updateReports)",
                        options_.request_timeout);
    }
}

void FuzzingServer::answer_message(Exchange& exchange, std::optional<std::string> message) {
    // The endpoints are a tiny case of their own: (one text message,) then a clean close.
    cases::Case endpoint;
    endpoint.id = "endpoint";
    endpoint.roles = {cases::Role::client};
    endpoint.timeout_ms = endpoint_timeout_ms;
    if (message) {
        cases::FrameStep text;
        text.opcode = static_cast<std::uint8_t>(codec::Opcode::text);
        text.payload.text = std::move(*message);
        endpoint.steps.emplace_back(std::move(text));
    }
    endpoint.steps.emplace_back(cases::CloseStep{});
    exchange.run(endpoint, options_.case_settings);
}

void FuzzingServer::run_case(Exchange& exchange, std::size_t index, const std::string& agent) {
    const cases::Case& c = *options_.cases[index - 1];
    bool admitted = false;
    {
        std::lock_guard lock(mutex_);
        admitted = book_.start(agent, index, Clock::now());
        counts_.refused_agents = book_.refused_agents();
    }
    if (!admitted) {
        return exchange.refuse(
            http_service_unavailable, "Service Unavailable",
            "too many agents (at most " + std::to_string(options_.max_agents) + ")",
            options_.request_timeout);
    }
    oracle::Observation obs = exchange.run(c, options_.case_settings);
    oracle::Judgement judgement = oracle::judge(c, obs, cases::Role::client);
    trim_payloads(obs);
    oracle::CaseOutcome done;
    {
        std::lock_guard lock(mutex_);
        done = book_.finish(agent, index, std::move(obs), std::move(judgement), Clock::now());
    }
    results_changed_.notify_all();
    if (options_.on_case_done) {
        std::lock_guard lock(callback_mutex_);
        options_.on_case_done(agent, done);
    }
}

std::optional<std::string> FuzzingServer::wait_for_status(Exchange& exchange, std::size_t index,
                                                          const std::string& agent,
                                                          bool& peer_gone) {
    asio::io_context& io = exchange.io;
    peer::ByteStream* const watched = exchange.watchable();
    std::uint32_t longest_ms = options_.case_settings.default_timeout_ms;
    for (const auto* c : options_.cases)
        longest_ms = std::max(longest_ms, c->timeout_ms);
    const auto limit = Clock::now() + std::chrono::milliseconds(longest_ms) + status_wait_margin;
    // A client that hangs up while we wait releases its connection at once: watch the
    // socket for readability (EOF) without consuming anything a handshake might need.
    bool watching = watched != nullptr;
    if (watched)
        watched->socket().async_wait(tcp::socket::wait_read, [&](error_code ec) {
            watching = false;
            if (ec) {
                peer_gone = ec != asio::error::operation_aborted;
                return;
            }
            char byte = 0;
            const auto n =
                ::recv(watched->socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
            peer_gone = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        });
    std::unique_lock lock(mutex_);
    // A case not finished yet (running, or about to be run) is waited for, as Autobahn's
    // drivers expect; the wait ends early when the client hangs up or the server stops.
    while (!stopping_ && !peer_gone &&
           book_.state(agent, index) != AgentResultBook::CaseState::done && Clock::now() < limit) {
        results_changed_.wait_until(lock, std::min(limit, Clock::now() + poll_interval));
        lock.unlock();
        io.restart();
        io.poll();
        lock.lock();
    }
    std::optional<std::string> behavior = book_.behavior(agent, index);
    lock.unlock();
    if (watching) {
        error_code ec;
        watched->socket().cancel(ec);
        io.restart();
        while (watching && io.run_one() > 0) {
        }
    }
    return behavior;
}

AgentResults FuzzingServer::results() const {
    std::lock_guard lock(mutex_);
    return book_.snapshot();
}

FuzzingServerCounts FuzzingServer::counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

std::string FuzzingServer::attribute_crash(Clock::time_point when, const std::string& description) {
    std::lock_guard lock(mutex_);
    return book_.attribute_crash(when, crash_window, description);
}

}  // namespace wsspec::server
