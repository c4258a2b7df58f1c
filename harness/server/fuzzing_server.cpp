#include "harness/server/fuzzing_server.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "harness/codec/constants.h"
#include "harness/codec/http_head.h"
#include "harness/oracle/judge.h"

namespace wsspec::server {
namespace {

using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Autobahn gives a client no time limit for its request; we give it this much.
constexpr auto request_timeout = std::chrono::seconds(10);
constexpr auto poll_interval = std::chrono::milliseconds(50);
// A crash tears the driver's connections down, so the case it was running usually ends
// (as a closed connection) a moment before the exit is noticed.
constexpr auto crash_window = std::chrono::milliseconds(1500);
// /getCaseStatus waits for a case that has not finished; beyond the longest case
// timeout plus this, it answers null.
constexpr auto status_wait_margin = std::chrono::seconds(10);
// Endpoint answers (count, info, status) are tiny; this bounds their closing handshake.
constexpr std::uint32_t endpoint_timeout_ms = 5000;
// Once judged, a case keeps only the start of each payload (reports show a prefix).
constexpr std::size_t kept_payload_bytes = 1024;

void trim_payloads(oracle::Observation& obs) {
    for (auto& e : obs.events) {
        if (e.payload.size() > kept_payload_bytes) {
            e.payload.resize(kept_payload_bytes);
            e.payload.shrink_to_fit();
        }
    }
}

// Runs `io` until `done` or the deadline; past the deadline closes the stream (which ends
// the pending operation) and returns false.
bool run_until_done(asio::io_context& io, peer::ByteStream& stream, const bool& done,
                    Clock::time_point deadline) {
    io.restart();
    io.run_until(deadline);
    if (done) return true;
    stream.close();
    io.restart();
    io.run();
    return false;
}

// Writes all of `data` (a short HTTP answer) within request_timeout.
void write_within_timeout(asio::io_context& io, peer::ByteStream& stream, const std::string& data) {
    bool done = false;
    stream.async_write(asio::buffer(data), [&](error_code, std::size_t) { done = true; });
    run_until_done(io, stream, done, Clock::now() + request_timeout);
}

// wss://: the TLS handshake, within request_timeout (a client that never starts one, or
// speaks plain HTTP, ends here).
bool tls_handshake(asio::io_context& io, peer::ByteStream& stream) {
    bool done = false;
    error_code ec;
    stream.async_tls_handshake([&](error_code e) {
        ec = e;
        done = true;
    });
    return run_until_done(io, stream, done, Clock::now() + request_timeout) && !ec;
}

// Reads the client's request head within request_timeout. On a malformed head answers 400.
bool read_request(asio::io_context& io, peer::ByteStream& stream, peer::ClientRequest& request) {
    const auto deadline = Clock::now() + request_timeout;
    std::string buffer;
    std::array<char, 4096> chunk{};
    for (;;) {
        const auto parsed =
            codec::parse_request_head(buffer.data(), buffer.size(), request.head, {64 * 1024, 200});
        if (parsed.complete()) {
            request.raw = buffer.substr(0, parsed.consumed);
            request.leftover = buffer.substr(parsed.consumed);
            return true;
        }
        if (parsed.status == codec::HeadParseStatus::error) {
            const std::string body = "malformed request: " + std::string(parsed.reason) + "\n";
            const std::string response =
                "HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body;
            write_within_timeout(io, stream, response);
            return false;
        }
        bool done = false;
        error_code ec;
        std::size_t n = 0;
        stream.async_read_some(asio::buffer(chunk), [&](error_code e, std::size_t k) {
            ec = e;
            n = k;
            done = true;
        });
        if (!run_until_done(io, stream, done, deadline) || ec) return false;
        buffer.append(chunk.data(), n);
    }
}

// A plain HTTP error for requests that name no valid endpoint or case.
void refuse(asio::io_context& io, peer::ByteStream& stream, int status, std::string_view reason,
            const std::string& why) {
    const std::string body = why + "\n";
    const std::string response =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
        "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    write_within_timeout(io, stream, response);
    stream.close();
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

struct FuzzingServer::Connection {
    std::thread thread;
    std::atomic<bool> done{false};
};

FuzzingServer::FuzzingServer(FuzzingServerOptions options)
    : options_(std::move(options)), acceptor_(io_), poll_timer_(io_) {}

FuzzingServer::~FuzzingServer() {
    for (auto& conn : connections_) {
        if (conn->thread.joinable()) conn->thread.join();
    }
}

std::string FuzzingServer::run() {
    const tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
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
    // Cases in flight finish within their own timeouts.
    for (auto& conn : connections_) {
        if (conn->thread.joinable()) conn->thread.join();
    }
    connections_.clear();
    return stop_reason_;
}

void FuzzingServer::accept_next() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            auto conn = std::make_shared<Connection>();
            {
                std::lock_guard lock(mutex_);
                ++active_;
                last_activity_ = Clock::now();
                connections_.push_back(conn);
            }
            // Each connection runs on its own thread with its own io_context, because a case
            // session drives its event loop itself; the socket moves there by its handle.
            const auto protocol = socket.local_endpoint(ec).protocol();
            const auto handle = socket.release(ec);
            conn->thread = std::thread([this, conn, protocol, handle] {
                asio::io_context io;
                tcp::socket moved(io);
                error_code assign_ec;
                moved.assign(protocol, handle, assign_ec);
                auto stream = options_.tls ? std::make_unique<peer::ByteStream>(
                                                 std::move(moved), options_.tls,
                                                 asio::ssl::stream_base::server)
                                           : std::make_unique<peer::ByteStream>(std::move(moved));
                peer::ClientRequest request;
                if (!assign_ec && (!options_.tls || tls_handshake(io, *stream)) &&
                    read_request(io, *stream, request)) {
                    dispatch(io, std::move(stream), request);
                }
                {
                    std::lock_guard lock(mutex_);
                    --active_;
                    last_activity_ = Clock::now();
                }
                conn->done = true;
            });
        }
        accept_next();
    });
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
                       complete_locked()) {
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

bool FuzzingServer::complete_locked() const {
    if (results_.empty()) return false;
    for (const auto& [agent, results] : results_) {
        for (const auto& r : results) {
            if (r.outcome.ran || r.running) {
                if (r.running) return false;
                continue;
            }
            if (!runner::agent_case_excluded(options_.exclude_agent_cases, agent, r.outcome.c->id))
                return false;
        }
    }
    return true;
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

void FuzzingServer::dispatch(asio::io_context& io, std::unique_ptr<peer::ByteStream> stream,
                             peer::ClientRequest& request) {
    const RequestTarget target = parse_request_target(request.head.target);
    const std::string& path = target.path;
    const auto bad_case = [&] {
        refuse(io, *stream, codec::http_status::bad_request, "Bad Request",
               "case=N (1.." + std::to_string(options_.cases.size()) +
                   ") or casetuple=ID is required");
    };
    const auto agent = target.param("agent");
    if (path == "/getCaseCount") {
        answer_message(io, std::move(stream), request, std::to_string(options_.cases.size()));
    } else if (path == "/getCaseInfo") {
        const auto index = case_index(target);
        if (!index) return bad_case();
        const cases::Case& c = *options_.cases[*index - 1];
        const nlohmann::json info = {{"id", c.id},
                                     {"description", plain_description(c.description)}};
        answer_message(io, std::move(stream), request, info.dump());
    } else if (path == "/getCaseStatus") {
        const auto index = case_index(target);
        if (!index) return bad_case();
        if (!agent) {
            return refuse(io, *stream, codec::http_status::bad_request, "Bad Request",
                          "agent=NAME is required");
        }
        const auto behavior = wait_for_status(*index, *agent);
        const nlohmann::json status = {
            {"behavior", behavior ? nlohmann::json(*behavior) : nlohmann::json(nullptr)}};
        answer_message(io, std::move(stream), request, status.dump());
    } else if (path == "/runCase") {
        const auto index = case_index(target);
        if (!index) return bad_case();
        if (!agent || agent->empty()) {
            return refuse(io, *stream, codec::http_status::bad_request, "Bad Request",
                          "agent=NAME is required");
        }
        if (runner::agent_case_excluded(options_.exclude_agent_cases, *agent,
                                        options_.cases[*index - 1]->id)) {
            // Autobahn: an excluded case is skipped with a Close and leaves no result.
            return answer_message(io, std::move(stream), request, std::nullopt);
        }
        run_case(io, std::move(stream), request, *index, *agent);
    } else if (path == "/updateReports") {
        if (options_.on_update_reports) {
            const AgentResults all = results();
            std::lock_guard lock(callback_mutex_);
            options_.on_update_reports(all);
        }
        answer_message(io, std::move(stream), request, std::nullopt);
        if (target.param("shutdownOnComplete") == std::optional<std::string>("true"))
            request_stop("updateReports with shutdownOnComplete=true");
    } else if (path == "/stopServer") {
        answer_message(io, std::move(stream), request, std::nullopt);
        request_stop("stopServer");
    } else {
        refuse(io, *stream, 404, "Not Found",
               "unknown endpoint " + path +
                   " (getCaseCount, getCaseInfo, getCaseStatus, runCase, updateReports, "
                   "stopServer)");
    }
}

void FuzzingServer::answer_message(asio::io_context& io, std::unique_ptr<peer::ByteStream> stream,
                                   const peer::ClientRequest& request,
                                   std::optional<std::string> message) {
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
    peer::run_case_as_server(endpoint, io, std::move(stream), request, options_.case_settings);
}

void FuzzingServer::run_case(asio::io_context& io, std::unique_ptr<peer::ByteStream> stream,
                             const peer::ClientRequest& request, std::size_t index,
                             const std::string& agent) {
    const cases::Case& c = *options_.cases[index - 1];
    {
        std::lock_guard lock(mutex_);
        auto [it, fresh] = results_.try_emplace(agent);
        if (fresh) {
            it->second.resize(options_.cases.size());
            for (std::size_t i = 0; i < options_.cases.size(); ++i) {
                it->second[i].outcome.c = options_.cases[i];
                it->second[i].outcome.index = i + 1;
            }
        }
        Result& r = it->second[index - 1];
        r.running = true;
        r.started = Clock::now();
    }
    oracle::Observation obs =
        peer::run_case_as_server(c, io, std::move(stream), request, options_.case_settings);
    oracle::Judgement judgement = oracle::judge(c, obs, cases::Role::client);
    trim_payloads(obs);
    oracle::CaseOutcome done;
    {
        std::lock_guard lock(mutex_);
        Result& r = results_[agent][index - 1];
        r.outcome.obs = std::move(obs);
        r.outcome.judgement = std::move(judgement);
        r.outcome.ran = true;
        r.running = false;
        r.ended = Clock::now();
        done = r.outcome;
    }
    results_changed_.notify_all();
    if (options_.on_case_done) {
        std::lock_guard lock(callback_mutex_);
        options_.on_case_done(agent, done);
    }
}

std::optional<std::string> FuzzingServer::wait_for_status(std::size_t index,
                                                          const std::string& agent) {
    std::uint32_t longest_ms = options_.case_settings.default_timeout_ms;
    for (const auto* c : options_.cases)
        longest_ms = std::max(longest_ms, c->timeout_ms);
    const auto limit = Clock::now() + std::chrono::milliseconds(longest_ms) + status_wait_margin;
    std::unique_lock lock(mutex_);
    std::optional<std::string> behavior;
    results_changed_.wait_until(lock, limit, [&] {
        const auto it = results_.find(agent);
        if (it != results_.end() && it->second[index - 1].outcome.ran) {
            behavior = it->second[index - 1].outcome.judgement.behavior;
            return true;
        }
        return stopping_;
    });
    return behavior;
}

AgentResults FuzzingServer::results() const {
    std::lock_guard lock(mutex_);
    AgentResults out;
    for (const auto& [agent, results] : results_) {
        auto& list = out[agent];
        for (const auto& r : results)
            list.push_back(r.outcome);
    }
    return out;
}

std::string FuzzingServer::attribute_crash(Clock::time_point when, const std::string& description) {
    std::lock_guard lock(mutex_);
    Result* victim = nullptr;
    for (auto& [agent, results] : results_) {
        for (auto& r : results) {
            const bool at_crash =
                r.running || (r.outcome.ran && r.ended + crash_window >= when && r.started <= when);
            if (at_crash && (!victim || r.started > victim->started)) victim = &r;
        }
    }
    if (!victim || !victim->outcome.ran) return {};
    victim->outcome.obs.peer_crash = description;
    victim->outcome.judgement =
        oracle::judge(*victim->outcome.c, victim->outcome.obs, cases::Role::client);
    return victim->outcome.c->id;
}

}  // namespace wsspec::server
