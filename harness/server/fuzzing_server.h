// `wsspec test-client`'s server: the WebSocket endpoints of Autobahn|Testsuite's
// fuzzingserver, so a client library's existing driver loop runs unchanged.
//
//   /getCaseCount                      one text message: the number of cases, then Close
//   /getCaseInfo?case=N                {"id": ..., "description": ...}, then Close
//   /getCaseStatus?case=N&agent=A      {"behavior": ...} once the case has finished
//   /runCase?case=N&agent=A            runs case N (1-based, sorted selection; or
//                                      casetuple=1.1.1) with wsspec as the server
//   /updateReports?agent=A             writes the reports; shutdownOnComplete=true stops
//   /stopServer                        stops the server
//
// Every connection gets its own thread and io_context (a case's session runs its own event
// loop), so a driver may run cases in parallel; at most max_connections at a time (more
// get 503 and are closed at once), each bounded by request_timeout until its request is
// read. Results are kept per agent (agent_results.h). Browser origins other than local
// ones are refused (origin_policy.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/cases/case.h"
#include "harness/oracle/case_outcome.h"
#include "harness/peer/scripted_server.h"
#include "harness/runner/autobahn_spec.h"
#include "harness/server/agent_results.h"
#include "harness/server/origin_policy.h"
#include "harness/server/request_target.h"

namespace wsspec::server {

namespace asio = peer::asio;
using tcp = peer::tcp;

// Budgets (STYLE 6) for what clients can make the server hold: connections (each a thread
// and three descriptors: socket, epoll, eventfd) and the time one may take to send its
// request (an idle connection is closed then).
inline constexpr std::size_t default_max_connections = 64;
inline constexpr std::chrono::milliseconds default_request_timeout{10000};

// What the server refused or dropped, for the end-of-run message.
struct FuzzingServerCounts {
    std::size_t accepted = 0;
    std::size_t refused_busy = 0;          // over max_connections: 503
    std::size_t refused_no_resources = 0;  // out of descriptors, threads or memory: closed
    std::size_t refused_origin = 0;        // 403 for a browser origin not allowed
    std::size_t refused_agents = 0;        // a new agent beyond max_agents: 503
    std::size_t request_timeouts = 0;      // no complete request within request_timeout
};

struct FuzzingServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9001;  // 0: any free port
    // wss://: every connection starts with a TLS handshake with this server context
    // (peer::make_server_tls_context); null: plain ws://.
    std::shared_ptr<asio::ssl::context> tls;
    // WebSockets over HTTP/2 (RFC 8441): every connection speaks HTTP/2 (prior knowledge, or
    // "h2" agreed by ALPN on `tls`), advertises SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 and takes
    // each extended CONNECT's :path as an HTTP/1.1 request target; its streams are served one
    // at a time.
    bool http2 = false;
    std::vector<const cases::Case*> cases;  // selected and sorted: runCase?case=N is cases[N-1]
    std::vector<runner::AgentCaseExclusion> exclude_agent_cases;
    peer::ServerCaseSettings case_settings;
    // Stop once every agent seen has run every case it is not excluded from and no
    // connection arrived for `completion_grace` (room for a last updateReports).
    bool stop_when_complete = true;
    std::chrono::milliseconds completion_grace{1000};
    // Stop when no connection was open or opened for this long (0: never). A driver that
    // hangs, or never connects for a case, then cannot hold the run forever.
    std::chrono::milliseconds idle_timeout{0};
    std::size_t max_connections = default_max_connections;
    std::size_t max_agents = default_max_agents;
    std::chrono::milliseconds request_timeout = default_request_timeout;
    OriginPolicy origins;
    // Called once the socket listens, with the port actually bound.
    std::function<void(std::uint16_t)> on_listening;
    // A case finished and was judged (serialized with the other callbacks).
    std::function<void(const std::string& agent, const oracle::CaseOutcome&)> on_case_done;
    // /updateReports: write reports for every agent (serialized with the other callbacks).
    std::function<void(const AgentResults&)> on_update_reports;
    // Polled about every 50 ms; true stops the server (Ctrl-C, the driver exited).
    std::function<bool()> should_stop;
    // Something went wrong without stopping the server (a report could not be written,
    // descriptors ran out); one line of text (serialized with the other callbacks).
    std::function<void(const std::string&)> on_warning;
    // fuzz-client: cases made on demand instead of `cases`. /getCaseCount answers
    // `dynamic_case_count`; /runCase (any case number) runs the case `take_case` hands over
    // -- nothing: the connection is closed -- and gives what the client did, with the case's
    // ticket, to `case_observed`, unjudged and unbooked.
    std::function<std::optional<std::pair<std::uint64_t, cases::Case>>()> take_case;
    std::function<void(std::uint64_t, oracle::Observation)> case_observed;
    std::size_t dynamic_case_count = 0;
};

class FuzzingServer {
  public:
    explicit FuzzingServer(FuzzingServerOptions options);
    ~FuzzingServer();
    FuzzingServer(const FuzzingServer&) = delete;
    FuzzingServer& operator=(const FuzzingServer&) = delete;

    // Listens and serves until something stops the server; returns why, in words. Throws
    // boost::system::system_error if it cannot listen.
    std::string run();

    // Every agent's outcomes in case order (ran == false: not run). Call after run().
    AgentResults results() const;
    FuzzingServerCounts counts() const;

    // The driver process died at `when`: the case it was running then (or had just
    // finished, its connection torn down by the death) is FAILED with `description`.
    // Returns the id of that case, or "" if no case was running.
    std::string attribute_crash(std::chrono::steady_clock::time_point when,
                                const std::string& description);

    // One request to answer (an HTTP/1.1 connection or an HTTP/2 stream; fuzzing_server.cpp).
    class Exchange;

  private:
    struct Connection;

    void serve_http2(asio::io_context& io, std::unique_ptr<peer::ByteStream> stream);

    void accept_next();
    void on_accept_error(const boost::system::error_code& ec);
    void admit(tcp::socket socket);
    void serve(Connection& conn);
    void dispatch(Exchange& exchange);
    void warn(const std::string& text);
    void dispatch_dynamic(Exchange& exchange, const std::string& path);
    void run_case(Exchange& exchange, std::size_t index, const std::string& agent);
    void answer_message(Exchange& exchange, std::optional<std::string> message);
    std::optional<std::string> wait_for_status(Exchange& exchange, std::size_t index,
                                               const std::string& agent, bool& peer_gone);
    std::optional<std::size_t> case_index(const RequestTarget& target) const;
    void request_stop(std::string why);
    void check_stop();

    FuzzingServerOptions options_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    asio::steady_timer poll_timer_;
    asio::steady_timer accept_retry_timer_;
    int spare_fd_ = -1;  // given up when descriptors run out, to accept and close one

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable results_changed_;
    AgentResultBook book_;
    std::list<std::shared_ptr<Connection>> connections_;
    std::size_t active_ = 0;
    FuzzingServerCounts counts_;
    std::chrono::steady_clock::time_point last_activity_;
    bool stopping_ = false;
    std::string stop_reason_;
    std::mutex callback_mutex_;  // callbacks run one at a time
};

}  // namespace wsspec::server
