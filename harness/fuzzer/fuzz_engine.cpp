#include "harness/fuzzer/fuzz_engine.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_writer.h"
#include "harness/codec/constants.h"
#include "harness/fuzzer/finding_signature.h"
#include "harness/fuzzer/handshake_mutator.h"
#include "harness/fuzzer/response_mutator.h"
#include "harness/runner/process_resources.h"
#include "harness/runner/process_supervisor.h"

namespace wsspec::fuzzer {
namespace {

using Clock = std::chrono::steady_clock;

// A message at least this large may be refused with 1009 by a server with a smaller limit
// than `wsspec serve`'s: RFC 6455 10.4 lets an implementation limit frame and message sizes
// ("Message Too Big", 7.4.1). Such a refusal is tolerated, not a finding.
constexpr std::uint64_t large_message_bytes = 16 * 1024;
// How long a crash may take to show after the connection ended.
constexpr auto exit_grace = std::chrono::milliseconds(200);
// fuzz-client, checking a crash again: how long a driver's application may take to act on
// a message after the case ended.
constexpr auto late_crash_grace = std::chrono::milliseconds(500);
// How long descriptors that grew during a resource measurement may take to be released
// (above a close timeout of 10 s), and how often they are counted meanwhile.
constexpr auto descriptor_settle = std::chrono::seconds(12);
constexpr auto descriptor_settle_poll = std::chrono::milliseconds(250);
// A liveness check that could not connect is tried once more after this pause.
constexpr auto liveness_retry_pause = std::chrono::seconds(1);
constexpr std::size_t signature_event_kinds = 4;
// The corpus keeps at most this many inputs (the oldest non-seed ones go first).
constexpr std::size_t max_corpus = 4096;
// Parents: this share from the catalog seeds, the rest from the corpus by tournament.
constexpr unsigned seed_parent_percent = 35;
constexpr int tournament_size = 3;
// Resource oracle: inputs after a (re)start before the level is taken (caches, pools and
// the allocator settle), the growth after one input that feedback notices, how many inputs
// after which the server grew are kept as suspects and how many are run again.
constexpr std::size_t warmup_inputs = 50;
constexpr std::size_t measure_warmup_inputs = 5;
constexpr std::uint64_t grew_bytes = 512 * 1024;
constexpr std::size_t kept_grown = 512;
constexpr std::size_t resource_suspects = 4;
constexpr double resource_minimize_time_s = 60;
// Single inputs after which the server held this much more are suspects on their own, run
// again every so often (a few kept, the largest).
constexpr std::uint64_t suspect_bytes = 768 * 1024;
constexpr std::size_t kept_suspects = 8;
constexpr auto suspect_check_interval = std::chrono::seconds(15);
// ... as long as those checks took at most this share of the run: each runs its input some
// twenty times on a fresh peer, which takes seconds per run with a client whose library
// waits out a close timeout after it fails a connection (python-websockets).
constexpr double suspect_check_share = 0.2;
// A finding that rests on a deadline is confirmed with at least this long to answer, at most
// once per signature in this interval (a server that is slow for a while is not re-checked
// on every input).
constexpr std::uint32_t patient_timeout_ms = 5000;
constexpr auto patient_check_interval = std::chrono::seconds(30);

const char* outcome_name(DerivedOutcome o) {
    switch (o) {
        case DerivedOutcome::clean_close:
            return "clean-close";
        case DerivedOutcome::fail:
            return "fail";
        case DerivedOutcome::incomplete:
            return "incomplete";
        case DerivedOutcome::undefined:
            return "undefined";
    }
    return "?";
}

char event_letter(oracle::ObservedEvent::Kind k) {
    switch (k) {
        case oracle::ObservedEvent::Kind::message:
            return 'm';
        case oracle::ObservedEvent::Kind::ping:
            return 'i';
        case oracle::ObservedEvent::Kind::pong:
            return 'o';
        case oracle::ObservedEvent::Kind::mark:
            return 'k';
    }
    return '?';
}

struct Execution {
    bool ran = false;               // false: skipped (incomplete)
    bool edited_handshake = false;  // the input changes the opening request
    Derivation d;
    oracle::Observation obs;
    oracle::Judgement j;
    std::string kind;  // empty: no finding
    std::string finding_signature;
    std::string response_signature;
    std::string divergence;
    bool tolerated = false;
    std::string crash;
};

// `exact_code`: the close code itself (feedback), or only whether it was one the case allows.
std::string base_signature(const Execution& x, bool exact_code) {
    std::string s = x.j.behavior + "|" + x.j.behavior_close + "|close=";
    if (!x.obs.remote_close_code) {
        s += x.obs.close_received ? "empty" : "none";
    } else if (exact_code) {
        s += std::to_string(*x.obs.remote_close_code);
    } else {
        const auto& allowed = x.d.c.expect_close.codes;
        s += std::find(allowed.begin(), allowed.end(), *x.obs.remote_close_code) != allowed.end()
                 ? "allowed"
                 : "other";
    }
    s += x.obs.failed_by_me ? "|we-failed" : (x.obs.peer_closed_tcp ? "|peer-closed" : "|open");
    if (x.obs.timed_out) s += "|timeout";
    if (!x.obs.peer_violation_kind.empty()) s += "|viol=" + x.obs.peer_violation_kind;
    s += "|exp=" + std::string(outcome_name(x.d.outcome));
    if (x.d.error != codec::ErrorKind::none)
        s += ":" + std::string(codec::error_kind_name(x.d.error));
    return s;
}

// What the server answered to an edited opening request: the status and the header names
// it sent, in order ("response shapes" are peer behaviour worth keeping an input for).
std::string handshake_shape(const oracle::Observation& obs) {
    std::string s = "|hs=" + std::to_string(obs.handshake.status);
    for (const auto& [name, value] : obs.handshake.headers)
        s += "," + name;
    return s;
}

// RFC-allowed answers the derived expectations cannot express (one close expectation per
// case): a 1009 refusal of a large message (10.4), failing a frame whose length is not in
// its minimal form (5.2 puts that MUST on the sender; a receiver may insist), and waiting
// for the rest of a text message before judging its UTF-8 (8.1 does not say when).
bool tolerated_failure(const Execution& x) {
    const auto& obs = x.obs;
    const bool peer_failed = !obs.closed_by_me && (obs.close_received || obs.peer_closed_tcp);
    if (std::max(x.d.largest_message, x.d.largest_announced) >= large_message_bytes &&
        obs.remote_close_code && *obs.remote_close_code == codec::close_code::message_too_big) {
        return true;
    }
    // (Whoever closed first: our Close may be on its way when the peer fails the frame.)
    const bool peer_ended = obs.close_received || obs.peer_closed_tcp;
    if (x.d.non_minimal_length && (peer_failed || peer_ended) &&
        (!obs.remote_close_code || *obs.remote_close_code == codec::close_code::protocol_error)) {
        return true;
    }
    if (x.d.server_may_wait && x.j.behavior != oracle::verdict::failed) {
        // Failing in the short while it is given is right too, however it then ends.
        const auto& allowed = x.d.c.expect_close.codes;
        if (!obs.remote_close_code ||
            std::find(allowed.begin(), allowed.end(), *obs.remote_close_code) != allowed.end())
            return true;
    }
    return false;
}

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

// The last output lines of a crashed peer, from the description ProcessSupervisor::check_exit
// gives ("killed by signal 6 (SIGABRT); last output:\n...").
std::string output_tail(const std::string& crash) {
    static constexpr std::string_view marker = "; last output:\n";
    const auto at = crash.find(marker);
    return at == std::string::npos ? std::string() : crash.substr(at + marker.size());
}

std::string mib(std::uint64_t bytes) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(1);
    s << static_cast<double>(bytes) / (1 << 20) << " MiB";
    return s.str();
}

// A frame-by-frame outline of an input ("hs,b-,O,c,C"): with its seed, which suspects of a
// leak were already run again.
std::string input_shape(const FuzzInput& in) {
    std::string s = in.handshake ? "hs" : in.response ? "rs" : "";
    for (const auto& step : in.steps) {
        if (!s.empty()) s += ",";
        if (const auto* f = std::get_if<cases::FrameStep>(&step)) {
            static constexpr const char* letters = "ctb34567CIO?????";
            s += letters[f->opcode & 0xF];
            if (!f->fin) s += "-";
        } else if (std::holds_alternative<cases::RawStep>(step)) {
            s += "raw";
        } else {
            s += "sleep";
        }
    }
    return s;
}

bool agreed_extension(const oracle::Observation& obs) {
    if (obs.handshake.deflate_agreed) return true;
    return std::any_of(obs.handshake.headers.begin(), obs.handshake.headers.end(),
                       [](const auto& h) {
                           return h.first == "sec-websocket-extensions" &&
                                  h.second.find_first_not_of(" \t,") != std::string::npos;
                       });
}

// Steps that can follow themselves on one connection: up to a Close (which ends it), and
// with a message left open closed by an empty final fragment (RFC 6455 5.4), so the next
// copy may start one.
std::vector<cases::Step> repeatable_steps(const std::vector<cases::Step>& steps) {
    constexpr std::uint8_t op_cont = 0, op_text = 1, op_binary = 2, op_close = 8;
    std::vector<cases::Step> out;
    bool open = false;
    for (const auto& s : steps) {
        if (const auto* f = std::get_if<cases::FrameStep>(&s)) {
            if (f->opcode == op_close) break;
            if (f->opcode == op_text || f->opcode == op_binary) open = !f->fin;
            if (f->opcode == op_cont && f->fin) open = false;
        }
        out.push_back(s);
    }
    if (open) {
        cases::FrameStep last;
        last.opcode = op_cont;
        last.mask_key = 0x0F1E2D3C;
        last.payload.kind = cases::Payload::Kind::hex;
        out.emplace_back(std::move(last));
    }
    return out;
}

FuzzInput liveness_input() {
    cases::FrameStep hello;
    hello.mask_key = 0x11223344;
    hello.payload.kind = cases::Payload::Kind::text;
    hello.payload.text = "wsspec liveness";
    FuzzInput input;
    input.steps = {hello};
    input.origin = "liveness";
    input.mutations = {"none"};
    return input;
}

struct ResourceGrowth {
    std::int64_t rss = 0;  // bytes
    std::int64_t fds = 0;
};

class Engine {
  public:
    Engine(const std::vector<const cases::Case*>& seeds, const FuzzSettings& settings)
        : seeds_(seeds),
          settings_(settings),
          rng_(settings.seed),
          corpus_dir_(settings.corpus_dir) {}

    FuzzStats run();

  private:
    using Predicate = std::function<bool(const FuzzInput&)>;

    void loop();
    // `answer_timeout_ms` 0: the run's.
    Execution execute(const FuzzInput& input, bool liveness_check = false,
                      std::uint32_t answer_timeout_ms = 0);
    bool still_there_when_patient(const FuzzInput& input, const Execution& x);
    void classify(Execution& x);
    void ensure_server();
    std::optional<std::string> check_crash(const oracle::Observation& obs);
    void on_finding(const FuzzInput& input, Execution x);
    bool crashes_again(const FuzzInput& input, const std::string& signature);
    FuzzInput minimize(FuzzInput input, const Predicate& same, std::size_t& runs, double time_s);
    bool liveness(bool first = false);
    const FuzzInput& choose_parent();
    // The resource oracle.
    void sample_resources(const FuzzInput& input, Execution& x);
    void on_resource_growth(bool memory, std::uint64_t growth);
    bool try_suspect(const FuzzInput& suspect, bool memory, const std::string& during);
    void check_suspects();
    std::optional<ResourceGrowth> measure(const FuzzInput& input, std::size_t repeats,
                                          Execution* last = nullptr);
    bool grows(const ResourceGrowth& g, bool memory, std::size_t repeats) const;
    void write_finding(Finding& f);
    bool should_stop() const;
    bool found_enough() const;
    bool run_over() const;
    void load_corpus();
    void save_to_corpus(
        const Execution& x);  // interrupted, or the time is up (not counting --runs)
    void progress(bool final_point);
    void log(const std::string& line) const {
        if (settings_.log) settings_.log(line);
    }
    double elapsed() const {
        return std::chrono::duration<double>(Clock::now() - started_).count();
    }

    struct CorpusEntry {
        FuzzInput input;
        std::string signature;
    };
    struct Grown {  // an input after which the server held more than before it
        FuzzInput input;
        std::int64_t rss = 0;
        std::int64_t fds = 0;
    };

    const std::vector<const cases::Case*>& seeds_;
    const FuzzSettings& settings_;
    Rng rng_;
    FuzzStats stats_;
    std::vector<CorpusEntry> corpus_;
    std::set<std::string> saved_;              // ids of the case files in --corpus
    std::optional<FuzzInput> previous_input_;  // the input run before the current one
    std::filesystem::path corpus_dir_;         // --corpus (cleared when it cannot be written)
    std::size_t seed_count_ = 0;
    std::set<std::string> known_findings_;
    Clock::time_point started_ = Clock::now();
    Clock::time_point last_progress_ = Clock::now();
    std::size_t since_liveness_ = 0;
    // Resource oracle state, per start of the server.
    runner::ProcessGroupSampler sampler_;
    int epoch_ = -1;  // the supervisor's restart count the state belongs to
    std::size_t epoch_samples_ = 0;
    std::optional<runner::ResourceUsage> baseline_, last_usage_;
    std::deque<Grown> grown_;
    std::vector<Grown> suspects_;  // the largest single-input growths, across restarts
    std::set<std::string> tested_;
    std::map<std::string, Clock::time_point> next_patient_check_;
    Clock::duration suspect_check_time_{};  // spent in check_suspects() so far
    Clock::time_point next_suspect_check_ = Clock::now() + suspect_check_interval;
    std::uint64_t rss_limit_ = 0;
    std::size_t fd_limit_ = 0;
    bool measuring_ = false;
};

bool Engine::run_over() const {
    return (settings_.stop && settings_.stop->load()) ||
           (!settings_.runs && elapsed() >= settings_.time_s);
}

// --max-findings reached.
bool Engine::found_enough() const {
    return settings_.max_findings != 0 && stats_.findings.size() >= settings_.max_findings;
}

bool Engine::should_stop() const {
    if (settings_.stop && settings_.stop->load()) return true;
    if (found_enough()) return true;
    if (settings_.runs) return stats_.execs >= *settings_.runs;
    return elapsed() >= settings_.time_s;
}

void Engine::ensure_server() {
    if (settings_.supervisor == nullptr || settings_.supervisor->running()) return;
    settings_.supervisor->start();  // throws when it cannot come back: the run ends
    ++stats_.restarts;
}

std::optional<std::string> Engine::check_crash(const oracle::Observation& obs) {
    auto* sup = settings_.supervisor;
    if (sup == nullptr) return std::nullopt;
    // A server that dies takes its connections with it: give the exit time to show.
    const bool dropped = obs.peer_closed_tcp && !obs.close_received;
    const bool no_response = obs.handshake.attempted && obs.handshake.status == 0;
    if (dropped || no_response) {
        const auto until = Clock::now() + exit_grace;
        while (sup->running() && Clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!sup->exited()) return std::nullopt;
    if (!sup->crashed()) {
        auto d = sup->check_exit();
        // A client's driver loop ends by itself (it ran the cases it asked for): it is
        // started again. A server has no business exiting.
        if (settings_.peer == cases::Role::client) return std::nullopt;
        return d ? std::optional<std::string>("the server exited: " + *d) : std::nullopt;
    }
    return sup->check_exit();
}

void Engine::classify(Execution& x) {
    x.divergence = divergence(x.d, x.obs, x.j);
    x.response_signature = base_signature(x, true);
    std::string kinds;
    for (const auto& e : x.obs.events) {
        if (kinds.size() >= signature_event_kinds) break;
        kinds += event_letter(e.kind);
    }
    x.response_signature += "|ev=" + kinds + "|div=" + x.divergence;
    if (x.edited_handshake || !x.obs.handshake.completed)
        x.response_signature += handshake_shape(x.obs);
    if (!x.crash.empty()) {
        x.kind = "crash";
        x.finding_signature = "crash|" + crash_signature(x.crash);
        return;
    }
    if (!x.obs.connect_error.empty()) {
        x.kind = "liveness";
        x.finding_signature = "liveness|unreachable";
        return;
    }
    if (!x.obs.handshake.completed) {
        // An edited request may be refused, or the connection dropped: the server's call.
        if (x.edited_handshake) {
            ++stats_.handshake_refused;
            return;
        }
        x.kind = "liveness";
        x.finding_signature =
            "liveness|no-handshake:" + (x.obs.handshake.status == 0
                                            ? std::string("no-response")
                                            : std::to_string(x.obs.handshake.status));
        return;
    }
    // (As the server, wsspec declines every extension a client offers.)
    if (settings_.peer == cases::Role::server && agreed_extension(x.obs)) {
        // An edited request offered an extension and the server took it: the frames mean
        // something else then (RSV1, compressed payloads) than the derivation assumes.
        ++stats_.extension_agreed;
        return;
    } else if (settings_.peer == cases::Role::server && x.edited_handshake &&
               announces_body(*x.d.c.handshake)) {
        // The server accepted a request with content: it may read our frames as that content
        // (RFC 9112 6), so they are not judged as frames (a crash still counts, above).
        ++stats_.request_body;
        return;
    } else if (settings_.peer == cases::Role::server && x.edited_handshake &&
               reference_refuses_request(x.obs.handshake.request)) {
        // The server took a request RFC 6455 4.2.1 has it refuse (HTTP/1.0, a key twice,
        // ...): what it does next is outside the RFC, and the taking itself is what the
        // catalog's hs.* cases judge (a crash still counts, above).
        ++stats_.invalid_request_accepted;
        return;
    } else if (!oracle::passed(x.j, false)) {
        if (tolerated_failure(x)) {
            x.tolerated = true;
            return;
        }
        // Waiting for an answer that never came, where one was due.
        const bool waited = x.obs.timed_out && !x.obs.close_received && !x.obs.peer_closed_tcp;
        const bool answers_missing = x.divergence.rfind("missing-", 0) == 0;
        x.kind = waited && (x.d.outcome == DerivedOutcome::clean_close || answers_missing)
                     ? "hang"
                     : "judge";
    }
    if (x.kind == "hang") {
        // A peer that stopped answering shows it by whichever answer the input happened to
        // owe first (a Pong, an echo, the Close reply): a black box does not tell one such
        // bug from another, so a run reports one.
        x.finding_signature = "hang|stopped-answering";
    } else if (!x.kind.empty()) {
        x.finding_signature =
            x.kind + "|" + (x.divergence.empty() ? base_signature(x, false) : x.divergence);
        // A client that went on after a response it must refuse: one finding per rule.
        if (!x.d.response_error.empty())
            x.finding_signature = x.kind + "|response-accepted:" + x.d.response_error;
    }
}

Execution Engine::execute(const FuzzInput& input, bool liveness_check,
                          std::uint32_t answer_timeout_ms) {
    Execution x;
    DerivationSettings ds;
    ds.answer_timeout_ms = answer_timeout_ms != 0 ? answer_timeout_ms : settings_.answer_timeout_ms;
    ds.peer = settings_.peer;
    // The liveness check needs its echo, not just a clean close.
    ds.await_answers_before_close = liveness_check;
    x.d = derive_expectations(input.steps, ds);
    x.d.c.handshake = input.handshake;
    x.edited_handshake = input.handshake.has_value();
    if (input.response) {
        x.d.c.handshake_response = input.response;
        const ResponseJudgement judged = judge_response(*input.response);
        if (!judged.judged) return x;
        if (judged.error) expect_response_refused(x.d, *judged.error, ds.answer_timeout_ms);
    }
    // Not judged: octets that end inside a frame (no answer is required), a Close whose code
    // no range of RFC 6455 7.4.2 holds (5000 and up: no answer defined), and a frame whose
    // header announces more than the reference limit (64 MiB): whether a server fails it
    // with 1009 or waits for the payload depends on its own limit (RFC 6455 10.4).
    if (x.d.outcome == DerivedOutcome::incomplete || x.d.outcome == DerivedOutcome::undefined ||
        x.d.error == codec::ErrorKind::message_too_big) {
        return x;
    }
    x.ran = true;
    ensure_server();
    if (settings_.run_case) {
        x.obs = settings_.run_case(x.d.c);
    } else {
        peer::ClientSettings client = settings_.client;
        if (answer_timeout_ms != 0) client.default_timeout_ms = answer_timeout_ms;
        x.obs = peer::run_case_as_client(x.d.c, client);
    }
    if (auto died = check_crash(x.obs)) {
        x.crash = *died;
        x.obs.peer_crash = *died;
    }
    if (x.crash.empty() && !x.obs.connect_error.empty() && settings_.supervisor != nullptr &&
        !settings_.supervisor->running()) {
        // fuzz-client: the driver exited before it took the input (a crash already told,
        // or its loop's end); it is started again for the next one.
        x.ran = false;
        return x;
    }
    x.j = oracle::judge(x.d.c, x.obs, settings_.peer);
    classify(x);
    // The liveness check's own oracle: a handshake and the echo. How the connection then
    // ends is judged as for any input.
    const bool echoed = std::any_of(x.obs.events.begin(), x.obs.events.end(), [](const auto& e) {
        return e.kind == oracle::ObservedEvent::Kind::message;
    });
    if (liveness_check && !x.kind.empty() && x.kind != "crash" && x.kind != "liveness" && !echoed) {
        x.kind = "liveness";
        x.finding_signature = "liveness|no-echo";
    }
    return x;
}

FuzzInput Engine::minimize(FuzzInput input, const Predicate& same_finding, std::size_t& runs,
                           double time_s) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(time_s));
    const auto same = [&](const FuzzInput& candidate) {
        if (runs >= settings_.minimize_budget || Clock::now() >= until ||
            (settings_.stop && settings_.stop->load()))
            return false;
        ++runs;
        return same_finding(candidate);
    };
    // 0. The handshake: the default request, else fewer edits and smaller fields.
    if (input.handshake) {
        FuzzInput candidate = input;
        candidate.handshake.reset();
        if (same(candidate)) {
            input = std::move(candidate);
        } else {
            const cases::HandshakeRequest defaults;
            auto& hs = *input.handshake;
            for (std::size_t i = hs.headers.size(); i-- > 0 && hs.headers.size() > 1;) {
                candidate = input;
                candidate.handshake->headers.erase(candidate.handshake->headers.begin() +
                                                   static_cast<std::ptrdiff_t>(i));
                if (same(candidate)) input = std::move(candidate);
            }
            const auto reset = [&](auto field) {
                candidate = input;
                auto& target = candidate.handshake.value().*field;
                if (target == defaults.*field) return;
                target = defaults.*field;
                if (same(candidate)) input = std::move(candidate);
            };
            reset(&cases::HandshakeRequest::method);
            reset(&cases::HandshakeRequest::target);
            reset(&cases::HandshakeRequest::http_version);
            reset(&cases::HandshakeRequest::chop);
            for (std::size_t i = 0; i < input.handshake->headers.size(); ++i) {
                for (int round = 0; round < 8; ++round) {
                    candidate = input;
                    auto& value = candidate.handshake->headers[i].second;
                    if (value.size() < 64) break;
                    value.resize(value.size() / 2);
                    if (!same(candidate)) break;
                    input = std::move(candidate);
                }
            }
        }
    }
    // 0b. Our response (fuzz-client): the default 101, else fewer fields, no pieces.
    if (input.response) {
        FuzzInput candidate = input;
        candidate.response.reset();
        if (same(candidate)) {
            input = std::move(candidate);
        } else {
            for (std::size_t i = input.response->headers.size();
                 i-- > 0 && input.response->headers.size() > 1;) {
                candidate = input;
                candidate.response->headers.erase(candidate.response->headers.begin() +
                                                  static_cast<std::ptrdiff_t>(i));
                if (same(candidate)) input = std::move(candidate);
            }
            if (input.response->chop != 0) {
                candidate = input;
                candidate.response->chop = 0;
                if (same(candidate)) input = std::move(candidate);
            }
        }
    }
    // 1. Drop runs of steps, halving the run length down to one step (ddmin-like: a long
    // valid prefix before the error goes in a few tries), from the end first. A finding in
    // the handshake may lose every step.
    auto& body = input.steps;
    const std::size_t keep = input.handshake || input.response ? 0 : 1;
    for (std::size_t chunk = std::max<std::size_t>(body.size() / 2, 1); chunk >= 1; chunk /= 2) {
        for (std::size_t end = body.size(); end > 0 && body.size() > keep;) {
            const std::size_t begin = end >= chunk ? end - chunk : 0;
            if (end - begin > body.size() - keep) {
                end = begin;
                continue;
            }
            FuzzInput candidate = input;
            candidate.steps.erase(candidate.steps.begin() + static_cast<std::ptrdiff_t>(begin),
                                  candidate.steps.begin() + static_cast<std::ptrdiff_t>(end));
            if (same(candidate)) input = std::move(candidate);
            end = std::min(begin, body.size());
        }
        if (chunk == 1) break;
    }
    // 2. Shrink payloads: halve each while the finding stays; then writes in one piece.
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (int round = 0; round < 8; ++round) {
            FuzzInput candidate = input;
            bool changed = false;
            if (auto* f = std::get_if<cases::FrameStep>(&candidate.steps[i])) {
                const std::string p = f->payload.materialize();
                if (p.size() < 2 || f->payload.kind == cases::Payload::Kind::close) break;
                if (f->payload.kind == cases::Payload::Kind::pattern) {
                    f->payload.length /= 2;
                } else {
                    f->payload.kind = cases::Payload::Kind::hex;
                    // Keep the tail: what makes text invalid is as often at the end.
                    f->payload.bytes =
                        round % 2 == 0 ? p.substr(p.size() / 2) : p.substr(0, p.size() / 2);
                }
                if (f->length) f->length.reset();
                changed = true;
            } else if (auto* r = std::get_if<cases::RawStep>(&candidate.steps[i])) {
                if (r->bytes.size() < 2) break;
                r->bytes.resize(r->bytes.size() / 2);
                changed = true;
            }
            if (!changed || !same(candidate)) break;
            input = std::move(candidate);
        }
    }
    for (std::size_t i = 0; i < body.size(); ++i) {
        FuzzInput candidate = input;
        std::uint64_t* chop = nullptr;
        if (auto* f = std::get_if<cases::FrameStep>(&candidate.steps[i])) chop = &f->chop;
        if (auto* r = std::get_if<cases::RawStep>(&candidate.steps[i])) chop = &r->chop;
        if (chop == nullptr || *chop == 0) continue;
        *chop = 0;
        if (same(candidate)) input = std::move(candidate);
    }
    return input;
}

void Engine::write_finding(Finding& f) {
    std::string mutations;
    for (const auto& m : f.mutations)
        mutations += (mutations.empty() ? "" : ", ") + m;
    f.c.description = one_line("Fuzz finding (" + f.kind + "): " + f.c.description);
    f.c.requirement += std::string(" [wsspec ") +
                       (settings_.peer == cases::Role::server ? "fuzz-server" : "fuzz-client") +
                       ": oracle " + f.kind + ", input seed " + std::to_string(f.seed) +
                       ", run seed " + std::to_string(settings_.seed) + ", from case " + f.origin +
                       " by " + mutations + "; found after " + std::to_string(f.exec) +
                       " inputs; observed: " + one_line(f.result) + "]";
    if (!settings_.findings_dir.empty()) {
        std::filesystem::create_directories(settings_.findings_dir);
        f.file = settings_.findings_dir / (f.id + ".json");
        std::ofstream out(f.file, std::ios::binary);
        out << cases::case_file_text("fz", "wsspec fuzz-server finding " + f.id, {f.c});
    }
    log("finding " + f.id + " minimized to " + std::to_string(f.steps_minimized) + " of " +
        std::to_string(f.steps_found) + " steps in " + std::to_string(f.minimize_runs) + " runs" +
        (f.file.empty() ? "" : "; written to " + f.file.string()));
}

// A finding that rests on a deadline (a hang, a failure that never came, a liveness check
// that timed out) is run once more with a patient deadline: a server that was only slow
// then (a loaded machine, a pause of its own) answers, and it is not a finding.
bool Engine::still_there_when_patient(const FuzzInput& input, const Execution& x) {
    if (!x.obs.timed_out || x.kind == "crash") return true;
    auto& next = next_patient_check_[x.finding_signature];
    if (Clock::now() < next) {
        ++stats_.slow;
        return false;
    }
    next = Clock::now() + patient_check_interval;
    const std::uint32_t patient =
        std::max<std::uint32_t>(patient_timeout_ms, settings_.answer_timeout_ms * 5);
    const Execution again = execute(input, x.kind == "liveness", patient);
    // fuzz-client: the handoff stops waiting when the run is over, so the answer says nothing.
    if (settings_.peer == cases::Role::client && run_over()) return false;
    if (again.finding_signature == x.finding_signature) return true;
    ++stats_.slow;
    log("not a finding: with " + std::to_string(patient) + " ms to answer, the server did (" +
        x.finding_signature + " at " + std::to_string(settings_.answer_timeout_ms) + " ms)");
    return false;
}

// fuzz-client: whether `input` makes the driver crash the same way again. Its application
// may act on a message after the case ended (the library already answered our Close), so
// the exit is given a while to show.
bool Engine::crashes_again(const FuzzInput& input, const std::string& signature) {
    const Execution again = execute(input);
    if (!again.ran) return false;
    if (again.finding_signature == signature) return true;
    if (settings_.supervisor == nullptr || !again.crash.empty()) return false;
    const auto until = Clock::now() + late_crash_grace;
    while (settings_.supervisor->running() && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto died = check_crash(oracle::Observation{});
    return died && "crash|" + crash_signature(*died) == signature;
}

void Engine::on_finding(const FuzzInput& input_found, Execution x) {
    if (known_findings_.count(x.finding_signature) != 0) return;
    // fuzz-client: the handoff stops waiting for the client when the run is over, so what
    // it saw then says nothing.
    if (settings_.peer == cases::Role::client && run_over()) return;
    if (!still_there_when_patient(input_found, x)) return;
    FuzzInput input = input_found;
    if (x.kind == "crash" && settings_.peer == cases::Role::client && previous_input_) {
        // A client's application may act on a message after its library closed the
        // connection (a queued echo): the crash then shows in the next input. The one that
        // reproduces it is the finding.
        const auto reproduces = [&](const FuzzInput& in) {
            return crashes_again(in, x.finding_signature);
        };
        if (!reproduces(input)) {
            if (!reproduces(*previous_input_)) {
                // Not told which input did it: found again later, by one that reproduces.
                log("not a finding yet: the client crashed (" + x.finding_signature +
                    "), and neither this input nor the one before makes it crash again");
                return;
            }
            input = *previous_input_;
        }
    }
    known_findings_.insert(x.finding_signature);
    Finding f;
    f.kind = x.kind;
    f.signature = x.finding_signature;
    f.seed = input.seed;
    f.origin = input.origin;
    f.mutations = input.mutations;
    f.exec = stats_.execs;
    f.at_s = elapsed();
    f.steps_found = input.steps.size();
    f.id = "fz.1." + std::to_string(stats_.findings.size() + 1);
    log("finding " + f.id + " (" + f.kind + ": " + f.signature.substr(f.kind.size() + 1) +
        ") after " + std::to_string(f.exec) + " inputs, " +
        std::to_string(static_cast<long long>(f.at_s)) + " s; minimizing");

    FuzzInput minimized = input;
    std::exception_ptr stopped;  // the server could not be restarted while minimizing
    if (x.kind != "liveness") {
        try {
            const std::string signature = x.finding_signature;
            minimized = minimize(
                input,
                [&](const FuzzInput& candidate) {
                    if (x.kind == "crash" && settings_.peer == cases::Role::client)
                        return crashes_again(candidate, signature);
                    const Execution again = execute(candidate);
                    return again.ran && again.finding_signature == signature;
                },
                f.minimize_runs, settings_.minimize_time_s);
            // The reproducer of a deadline finding is checked with the patient deadline.
            const std::uint32_t patient =
                x.obs.timed_out
                    ? std::max<std::uint32_t>(patient_timeout_ms, settings_.answer_timeout_ms * 5)
                    : 0;
            Execution again = execute(minimized, false, patient);
            ++f.minimize_runs;
            if (again.ran && again.finding_signature == x.finding_signature) {
                x = std::move(again);
            } else {
                minimized = input;  // flaky after minimizing: keep what was found
                // A judge or hang finding whose input no longer does it, even given the
                // patient deadline, was the machine's (a stall under load), not the peer's.
                if ((x.kind == "judge" || x.kind == "hang") && f.minimize_runs > 1) {
                    const Execution original = execute(input, false, patient);
                    ++f.minimize_runs;
                    if (!original.ran || original.finding_signature != x.finding_signature) {
                        known_findings_.erase(x.finding_signature);
                        ++stats_.unreproduced;
                        log("not a finding: " + f.id + " did not happen again (" +
                            x.finding_signature + ")");
                        return;
                    }
                }
            }
        } catch (const std::exception&) {
            stopped = std::current_exception();
            minimized = input;
        }
    }
    f.input = minimized;
    f.steps_minimized = minimized.steps.size();
    f.c = x.d.c;
    f.c.id = f.id;
    const bool never_failed = x.d.outcome == DerivedOutcome::fail && !x.obs.close_received &&
                              !x.obs.peer_closed_tcp && x.obs.closed_by_me == x.d.closed_by_me;
    if (!x.crash.empty())
        f.result = x.crash;
    else if (never_failed && !x.d.response_error.empty())
        f.result = "The client went on after our opening handshake response, which breaks " +
                   x.d.rule + " (it MUST _Fail the WebSocket Connection_): " + x.j.result;
    else if (never_failed)
        f.result =
            std::string(settings_.peer == cases::Role::server ? "The server" : "The client") +
            " did not fail the connection within " + std::to_string(settings_.answer_timeout_ms) +
            " ms after " + x.d.rule + " (RFC 6455 7.1.7); wsspec dropped it. " + x.j.behavior +
            "/" + x.j.behavior_close + ": " + x.j.result_close;
    else if (x.j.behavior != oracle::verdict::failed)
        f.result = x.j.behavior_close + ": " + x.j.result_close;
    else
        f.result = x.j.result;
    f.expected = x.j.expected;
    f.observed = x.j.observed;
    if (!x.crash.empty()) f.output_tail = output_tail(x.crash);
    if (x.ran) f.replay = FindingRun{std::move(x.obs), std::move(x.j)};
    write_finding(f);
    stats_.findings.push_back(std::move(f));
    if (stopped) std::rethrow_exception(stopped);  // after the finding is kept and written
}

bool Engine::liveness(bool first) {
    ++stats_.liveness_checks;
    since_liveness_ = 0;
    const FuzzInput input = liveness_input();
    Execution x = execute(input, true);
    if (x.kind.empty()) return true;
    if (!first && !x.obs.connect_error.empty()) {
        // One connection that did not come (a connect timeout on a loaded machine) is not
        // a dead peer yet: try again after a pause.
        std::this_thread::sleep_for(liveness_retry_pause);
        x = execute(input, true);
        if (x.kind.empty()) return true;
    }
    // Nothing to fuzz: a server that cannot be reached is a setup error at the start, and
    // the end of the run later; one that cannot take a handshake and an echo at the start
    // is a finding, and the end of the run.
    const bool unreachable = !x.obs.connect_error.empty();
    const std::string who = settings_.peer == cases::Role::server ? "server" : "client";
    if (first && unreachable) {
        throw std::runtime_error(settings_.peer == cases::Role::server
                                     ? "cannot connect to the server: " + x.obs.connect_error
                                     : x.obs.connect_error);
    }
    const std::string why =
        unreachable ? "no connection with the " + who + " any more: " + x.obs.connect_error
                    : "the " + who +
                          " does not complete a handshake and one "
                          "echo at the start";
    const bool stop = (first && x.kind == "liveness") || unreachable;
    on_finding(input, std::move(x));
    if (stop) throw std::runtime_error(why);
    return false;
}

// ---- the resource oracle ---------------------------------------------------------------

// After each input: what the server holds now, against the previous sample (which input
// made it grow) and against its level once warmed up after its start (the limit).
void Engine::sample_resources(const FuzzInput& input, Execution& x) {
    auto* sup = settings_.supervisor;
    if (sup == nullptr || measuring_ || !sup->running()) return;
    if (sup->restarts() != epoch_) {
        epoch_ = sup->restarts();
        sampler_.reset(sup->process_group());
        epoch_samples_ = 0;
        baseline_.reset();
        last_usage_.reset();
        grown_.clear();
    }
    const runner::ResourceUsage now = sampler_.sample();
    if (now.processes == 0) return;
    ++epoch_samples_;
    if (last_usage_) {
        const auto rss = static_cast<std::int64_t>(now.rss_bytes) -
                         static_cast<std::int64_t>(last_usage_->rss_bytes);
        const auto fds =
            static_cast<std::int64_t>(now.fds) - static_cast<std::int64_t>(last_usage_->fds);
        if (rss >= static_cast<std::int64_t>(grew_bytes)) x.response_signature += "|rss+";
        if (fds > 0) x.response_signature += "|fd+";
        if (rss > 0 || fds > 0) {
            grown_.push_back({input, rss, fds});
            if (grown_.size() > kept_grown) grown_.pop_front();
        }
        if (rss >= static_cast<std::int64_t>(suspect_bytes) || fds > 0) {
            suspects_.push_back({input, rss, fds});
            if (suspects_.size() > kept_suspects) {
                suspects_.erase(std::min_element(
                    suspects_.begin(), suspects_.end(),
                    [](const Grown& a, const Grown& b) { return a.rss + a.fds < b.rss + b.fds; }));
            }
        }
    }
    last_usage_ = now;
    if (epoch_samples_ == warmup_inputs) {
        baseline_ = now;
        stats_.rss_baseline = now.rss_bytes;
        stats_.fds_baseline = now.fds;
    }
    stats_.rss_peak = std::max(stats_.rss_peak, now.rss_bytes);
    stats_.fds_peak = std::max(stats_.fds_peak, now.fds);
    if (!baseline_) return;
    if (now.rss_bytes > baseline_->rss_bytes + rss_limit_) {
        on_resource_growth(true, now.rss_bytes - baseline_->rss_bytes);
    } else if (now.fds > baseline_->fds + fd_limit_) {
        on_resource_growth(false, now.fds - baseline_->fds);
    }
}

// Runs `input` `repeats` times on a freshly started server, after a warm-up, and says how
// much more it then holds. Nothing when the server died on the way.
std::optional<ResourceGrowth> Engine::measure(const FuzzInput& input, std::size_t repeats,
                                              Execution* last) {
    auto* sup = settings_.supervisor;
    measuring_ = true;
    epoch_ = -1;  // the main loop starts over on this server
    sup->start();
    ++stats_.restarts;
    runner::ProcessGroupSampler sampler(sup->process_group());
    const FuzzInput warm = liveness_input();
    for (std::size_t i = 0; i < measure_warmup_inputs; ++i)
        execute(warm);
    const runner::ResourceUsage before = sampler.sample();
    bool died = false;
    for (std::size_t i = 0; i < repeats && !died; ++i) {
        Execution x = execute(input);
        died = x.kind == "crash";
        if (last != nullptr) *last = std::move(x);
    }
    runner::ResourceUsage after = sampler.sample();
    // Descriptors a server releases after a while are not kept for good: a connection it
    // failed or closed may stay open for its close timeout (python-websockets: 10 s, when
    // octets it stopped reading hide our FIN). Give them that long to go.
    const auto settle_until = Clock::now() + descriptor_settle;
    while (!died && after.processes != 0 && after.fds > before.fds && Clock::now() < settle_until) {
        std::this_thread::sleep_for(descriptor_settle_poll);
        after = sampler.sample();
    }
    measuring_ = false;
    if (died || before.processes == 0 || after.processes == 0) return std::nullopt;
    return ResourceGrowth{
        static_cast<std::int64_t>(after.rss_bytes) - static_cast<std::int64_t>(before.rss_bytes),
        static_cast<std::int64_t>(after.fds) - static_cast<std::int64_t>(before.fds)};
}

// Growth that confirms a suspect: a quarter of the limit over the repeated runs (memory), or
// a descriptor kept on half of them.
bool Engine::grows(const ResourceGrowth& g, bool memory, std::size_t repeats) const {
    if (memory) return g.rss >= static_cast<std::int64_t>(settings_.rss_limit_bytes / 4);
    return g.fds >= static_cast<std::int64_t>(std::max(settings_.fd_limit / 4, repeats / 2));
}

// Runs a suspect again on a fresh server; when it makes the server grow, minimizes it and
// writes the finding (unless one of the same shape is known). True when confirmed.
bool Engine::try_suspect(const FuzzInput& suspect, bool memory, const std::string& during) {
    // One finding per resource and run: a black box does not tell one leak from another
    // reached by other steps (fix it, run again).
    const std::string signature = std::string("resource|") + (memory ? "rss" : "fds");
    if (known_findings_.count(signature) != 0) return true;
    if (!tested_.insert(std::to_string(suspect.seed) + input_shape(suspect)).second) return false;
    const std::size_t repeats = settings_.resource_repeats;
    const auto g = measure(suspect, repeats);
    if (!g || !grows(*g, memory, repeats)) return false;
    const std::string what = memory ? "resident memory" : "open file descriptors";
    // The steps `repeats` times over one connection: a case file replays that. A leak per
    // connection (in the handshake, at the close) needs as many connections instead.
    const auto repeated = [&](const FuzzInput& in) {
        FuzzInput out = in;
        out.steps.clear();
        const auto unit = repeatable_steps(in.steps);
        for (std::size_t i = 0; i < repeats; ++i)
            out.steps.insert(out.steps.end(), unit.begin(), unit.end());
        return out;
    };
    const auto grows_over_one_connection = [&](const FuzzInput& in) {
        const auto r = measure(repeated(in), 1);
        return r && grows(*r, memory, repeats);
    };
    bool one_connection = grows_over_one_connection(suspect);
    Finding f;
    f.kind = "resource";
    f.seed = suspect.seed;
    f.origin = suspect.origin;
    f.mutations = suspect.mutations;
    f.exec = stats_.execs;
    f.at_s = elapsed();
    f.steps_found = suspect.steps.size();
    f.minimize_runs = 2;
    FuzzInput minimized = minimize(
        suspect,
        [&](const FuzzInput& candidate) {
            if (one_connection) return grows_over_one_connection(candidate);
            const auto again = measure(candidate, repeats);
            return again && grows(*again, memory, repeats);
        },
        f.minimize_runs, resource_minimize_time_s);
    if (!one_connection) one_connection = grows_over_one_connection(minimized);
    f.signature = signature;
    known_findings_.insert(signature);
    f.id = "fz.1." + std::to_string(stats_.findings.size() + 1);
    const FuzzInput reproducer = one_connection ? repeated(minimized) : minimized;
    Execution last;
    const auto measured = measure(reproducer, one_connection ? 1 : repeats, &last);
    ++f.minimize_runs;
    if (last.ran) f.replay = FindingRun{std::move(last.obs), std::move(last.j)};
    f.input = reproducer;
    f.steps_minimized = minimized.steps.size();
    DerivationSettings ds;
    ds.answer_timeout_ms = settings_.answer_timeout_ms;
    ds.peer = settings_.peer;
    Derivation d = derive_expectations(reproducer.steps, ds);
    d.c.handshake = reproducer.handshake;
    d.c.handshake_response = reproducer.response;
    f.c = d.c;
    f.c.id = f.id;
    const std::uint64_t limit_kib = settings_.rss_limit_bytes / 4 / 1024;
    const std::size_t fd_limit = std::max(settings_.fd_limit / 4, repeats / 2);
    cases::ResourceLimits limits;
    if (memory)
        limits.rss_growth_kib = limit_kib;
    else
        limits.fd_growth = fd_limit;
    f.c.resource_limits = limits;
    const auto grown_by = [&](const ResourceGrowth& r) {
        return memory ? mib(static_cast<std::uint64_t>(std::max<std::int64_t>(r.rss, 0)))
                      : std::to_string(r.fds) + " descriptors";
    };
    f.result = "The server's " + what + " grew by " +
               (measured ? grown_by(*measured) : std::string("(not measured again)")) + " over " +
               (one_connection
                    ? "one connection repeating these steps " + std::to_string(repeats) + " times"
                    : std::to_string(repeats) + " connections each sending them") +
               " (limit " +
               (memory ? std::to_string(limit_kib) + " KiB" : std::to_string(fd_limit)) + "); " +
               during;
    f.c.description = "The steps, repeated, must not make the server keep " + what + " for good (" +
                      f.c.description + ")";
    f.c.rfc.push_back("RFC 6455 10.4");
    f.c.requirement =
        "RFC 6455 10.4: \"Implementations that have implementation- and/or platform-specific "
        "limitations regarding the frame size or total message size after reassembly from "
        "multiple frames MUST protect themselves against exceeding those limits\"; a server that "
        "keeps resources after the messages that needed them are gone runs out of them. " +
        f.c.requirement;
    log("finding " + f.id + " (resource: " + (memory ? "rss" : "fds") + ") after " +
        std::to_string(f.exec) + " inputs, " + std::to_string(static_cast<long long>(f.at_s)) +
        " s");
    write_finding(f);
    stats_.findings.push_back(std::move(f));
    return true;
}

void Engine::on_resource_growth(bool memory, std::uint64_t growth) {
    const std::string what = memory ? "resident memory" : "open file descriptors";
    const std::string amount = memory ? mib(growth) : std::to_string(growth);
    log("resource: the server's " + what + " grew by " + amount + " over its level after " +
        "start; looking for the input that does it");
    // Suspects: the inputs after which it grew most, on this server.
    std::vector<Grown> suspects(grown_.begin(), grown_.end());
    std::stable_sort(suspects.begin(), suspects.end(), [&](const Grown& a, const Grown& b) {
        return memory ? a.rss > b.rss : a.fds > b.fds;
    });
    // Later events need twice the growth: a leak that is already reported (or cannot be
    // pinned on one input) is not chased again and again.
    (memory ? rss_limit_ : fd_limit_) *= 2;
    std::size_t tried = 0;
    for (const Grown& suspect : suspects) {
        if (tried++ >= resource_suspects || should_stop()) break;
        if (try_suspect(suspect.input, memory,
                        "during the run it grew by " + amount + " over its level after start."))
            return;
    }
    log("resource: no single input makes the server grow when run again; going on");
    epoch_ = -1;
    settings_.supervisor->start();  // a fresh level to measure from
    ++stats_.restarts;
}

// Between limit events (a server that crashes or is restarted often never accumulates
// enough): now and then, the input after which the server grew most is run again.
void Engine::check_suspects() {
    if (suspects_.empty() || Clock::now() < next_suspect_check_) return;
    next_suspect_check_ = Clock::now() + suspect_check_interval;
    if (std::chrono::duration<double>(suspect_check_time_).count() >
        suspect_check_share * elapsed()) {
        return;
    }
    struct Timed {
        Clock::duration& total;
        Clock::time_point started;
        ~Timed() { total += Clock::now() - started; }
    } timed{suspect_check_time_, Clock::now()};
    const auto best =
        std::max_element(suspects_.begin(), suspects_.end(),
                         [](const Grown& a, const Grown& b) { return a.rss < b.rss; });
    const Grown suspect = *best;
    suspects_.erase(best);
    const bool memory = suspect.rss >= static_cast<std::int64_t>(grew_bytes);
    try_suspect(suspect.input, memory,
                "after it the server had grown by " +
                    (memory ? mib(static_cast<std::uint64_t>(suspect.rss))
                            : std::to_string(suspect.fds) + " descriptors") +
                    " during the run.");
}

// Parents: the catalog seeds, or what feedback kept, favouring the rarest response
// signatures (a small tournament: the least common of three draws).
const FuzzInput& Engine::choose_parent() {
    if (!rng_.percent(seed_parent_percent) && corpus_.size() > seed_count_) {
        const std::size_t kept = corpus_.size() - seed_count_;
        std::size_t best = seed_count_ + rng_.below(kept);
        for (int i = 1; i < tournament_size; ++i) {
            const std::size_t other = seed_count_ + rng_.below(kept);
            if (stats_.signatures[corpus_[other].signature] <
                stats_.signatures[corpus_[best].signature])
                best = other;
        }
        return corpus_[best].input;
    }
    return corpus_[rng_.below(seed_count_)].input;
}

// A summary line about once a second; the final point only goes into the timeline (the
// command prints the last line itself).
void Engine::progress(bool final_point) {
    const auto now = Clock::now();
    if (!final_point && now - last_progress_ < std::chrono::seconds(1)) return;
    last_progress_ = now;
    stats_.elapsed_s = elapsed();
    stats_.corpus = corpus_.size();
    stats_.timeline.push_back({stats_.elapsed_s, stats_.execs, corpus_.size(),
                               stats_.signatures.size(), stats_.findings.size()});
    log(stats_.summary_line());
}

FuzzStats Engine::run() {
    for (const auto* c : seeds_) {
        FuzzInput in;
        if (seed_from_case(*c, rng_, settings_.limits, in)) {
            in.mutations = {"seed"};
            corpus_.push_back({std::move(in), "seed"});
        }
    }
    seed_count_ = corpus_.size();
    if (corpus_.empty()) throw std::runtime_error("no usable seed cases (frames to mutate)");
    load_corpus();
    rss_limit_ = settings_.rss_limit_bytes;
    fd_limit_ = settings_.fd_limit;
    log(std::string(settings_.peer == cases::Role::server ? "fuzz-server: " : "fuzz-client: ") +
        std::to_string(seed_count_) + " seeds from " + std::to_string(seeds_.size()) +
        " cases, run seed " + std::to_string(settings_.seed) +
        (settings_.corpus_dir.empty() ? std::string()
                                      : "; " + std::to_string(stats_.corpus_loaded) +
                                            " inputs from " + settings_.corpus_dir.string()));
    try {
        loop();
    } catch (const std::exception& e) {
        // The supervised server cannot be restarted: stop, keeping what was found.
        stats_.error = e.what();
    }
    stats_.interrupted = settings_.stop && settings_.stop->load();
    progress(true);
    return stats_;
}

// --corpus: the kept inputs of earlier runs, read as case files (a file that does not load
// is skipped with a note).
void Engine::load_corpus() {
    if (corpus_dir_.empty() || !std::filesystem::is_directory(corpus_dir_)) return;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(corpus_dir_)) {
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());  // the same order on every run: reproducible
    for (const auto& file : files) {
        if (corpus_.size() >= max_corpus) break;
        try {
            for (const auto& c : cases::load_catalog(file)) {
                FuzzInput in;
                if (!seed_from_case(c, rng_, settings_.limits, in)) continue;
                in.origin = c.id;
                in.mutations = {"corpus"};
                saved_.insert(c.id);
                corpus_.push_back({std::move(in), "corpus"});
                ++stats_.corpus_loaded;
            }
        } catch (const std::exception& e) {
            log("corpus: skipped " + file.string() + ": " + one_line(e.what()));
        }
    }
}

// --corpus: a kept input as a case file named by a hash of its steps (the same input from
// another run or machine gets the same name). Written to a temporary name, then renamed.
void Engine::save_to_corpus(const Execution& x) {
    if (corpus_dir_.empty()) return;
    cases::Case c = x.d.c;
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : c.steps)
        steps.push_back(cases::step_to_json(s));
    // The request edits are part of the input: the same steps after another request are
    // another input (and seed_from_case reads them back).
    if (c.handshake) steps.push_back(cases::case_to_json(c)["handshake"]);
    char id[40];
    std::snprintf(id, sizeof id, "fzc.%016llx",
                  static_cast<unsigned long long>(std::hash<std::string>{}(steps.dump())));
    c.id = id;
    if (!saved_.insert(c.id).second) return;
    try {
        std::filesystem::create_directories(corpus_dir_);
        const auto path = corpus_dir_ / (c.id + ".json");
        const auto tmp = corpus_dir_ / (c.id + ".json.tmp" + std::to_string(settings_.seed));
        {
            std::ofstream out(tmp, std::ios::binary);
            out << cases::case_file_text("fzc", "wsspec fuzz corpus input", {c});
        }
        std::filesystem::rename(tmp, path);
        ++stats_.corpus_saved;
    } catch (const std::exception& e) {
        log("corpus: cannot write to " + corpus_dir_.string() + ": " + e.what());
        corpus_dir_.clear();
    }
}

void Engine::loop() {
    liveness(true);
    // The inputs loaded from --corpus run once first: their response signatures are known
    // then (an input is kept for a new one), and what they find now is found at once.
    for (std::size_t i = seed_count_; i < corpus_.size() && !should_stop(); ++i) {
        const FuzzInput input = corpus_[i].input;
        Execution x = execute(input);
        if (!x.ran) continue;
        ++stats_.execs;
        ++since_liveness_;
        corpus_[i].signature = x.response_signature;
        ++stats_.signatures[x.response_signature];
        if (!x.kind.empty()) {
            on_finding(input, std::move(x));
            liveness();
        }
        progress(false);
    }
    while (!should_stop()) {
        FuzzInput child = choose_parent();
        child.seed = rng_.next();
        Rng local(child.seed);
        if (!mutate(child, local, settings_.limits)) continue;
        Execution x = execute(child);
        if (should_stop()) break;  // an input cut short by the end of the run says nothing
        if (!x.ran) {
            ++stats_.skipped;
            progress(false);
            continue;
        }
        ++stats_.execs;
        ++since_liveness_;
        ++stats_.outcomes[outcome_name(x.d.outcome)];
        if (x.tolerated) ++stats_.tolerated;
        if (x.kind.empty()) sample_resources(child, x);
        // Inputs that make findings are not parents (AFL keeps crashes out of its queue too):
        // their children would mostly find the same again, at the cost of a restart each.
        if (stats_.signatures[x.response_signature]++ == 0 && x.kind.empty()) {
            if (corpus_.size() >= max_corpus)
                corpus_.erase(corpus_.begin() + static_cast<std::ptrdiff_t>(seed_count_));
            corpus_.push_back({child, x.response_signature});
            save_to_corpus(x);
        }
        if (!x.kind.empty()) {
            on_finding(child, std::move(x));
            if (!should_stop()) liveness();
        } else if (since_liveness_ >= settings_.liveness_every) {
            liveness();
        }
        if (settings_.supervisor != nullptr) check_suspects();
        previous_input_ = std::move(child);
        progress(false);
    }
    if (found_enough())
        log("fuzz: stopping after " + std::to_string(stats_.findings.size()) +
            " findings (--max-findings)");
}

}  // namespace

std::map<std::string, std::size_t> FuzzStats::findings_by_kind() const {
    std::map<std::string, std::size_t> out = {
        {"judge", 0}, {"hang", 0}, {"crash", 0}, {"liveness", 0}, {"resource", 0}};
    for (const auto& f : findings)
        ++out[f.kind];
    return out;
}

std::string FuzzStats::summary_line() const {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(1);
    const double rate = elapsed_s > 0 ? static_cast<double>(execs) / elapsed_s : 0;
    s << "fuzz: " << elapsed_s << " s, " << execs << " execs (" << rate << "/s), corpus " << corpus
      << ", signatures " << signatures.size() << ", findings";
    for (const auto& [kind, n] : findings_by_kind())
        s << " " << kind << "=" << n;
    return s.str();
}

RawRate measure_raw_rate(const FuzzSettings& settings, double seconds) {
    DerivationSettings ds;
    ds.answer_timeout_ms = settings.answer_timeout_ms;
    ds.peer = settings.peer;
    const Derivation d = derive_expectations(liveness_input().steps, ds);
    RawRate r;
    const auto start = Clock::now();
    const auto until =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < until && !(settings.stop && settings.stop->load())) {
        const oracle::Observation obs = settings.run_case
                                            ? settings.run_case(d.c)
                                            : peer::run_case_as_client(d.c, settings.client);
        const bool echoed = !obs.events.empty() && obs.close_received;
        ++(echoed ? r.connections : r.failures);
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

FuzzStats run_fuzzer(const std::vector<const cases::Case*>& seeds, const FuzzSettings& settings) {
    Engine engine(seeds, settings);
    return engine.run();
}

}  // namespace wsspec::fuzzer
