#include "harness/fuzzer/fuzz_engine.h"

#include <algorithm>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "harness/cases/case_writer.h"
#include "harness/codec/constants.h"
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
constexpr std::size_t signature_event_kinds = 4;
// The corpus keeps at most this many inputs (the oldest non-seed ones go first).
constexpr std::size_t max_corpus = 4096;

const char* outcome_name(DerivedOutcome o) {
    switch (o) {
        case DerivedOutcome::clean_close:
            return "clean-close";
        case DerivedOutcome::fail:
            return "fail";
        case DerivedOutcome::incomplete:
            return "incomplete";
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
    bool ran = false;  // false: skipped (incomplete)
    Derivation d;
    oracle::Observation obs;
    oracle::Judgement j;
    std::string kind;  // empty: no finding
    std::string finding_signature;
    std::string response_signature;
    bool tolerated = false;
    std::string crash;
};

// `exact_code`: the close code itself (feedback), or only whether it was one the case allows
// (findings: our random close codes come back echoed, and should not make one bug many).
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

// RFC-allowed answers the derived expectations cannot express (one close expectation per
// case): a 1009 refusal of a large message (10.4), and failing a frame whose length is not
// in its minimal form (5.2 puts that MUST on the sender; a receiver may insist).
bool tolerated_failure(const Execution& x) {
    const auto& obs = x.obs;
    const bool peer_failed = !obs.closed_by_me && (obs.close_received || obs.peer_closed_tcp);
    if (x.d.largest_message >= large_message_bytes && obs.remote_close_code &&
        *obs.remote_close_code == codec::close_code::message_too_big) {
        return true;
    }
    if (x.d.non_minimal_length && peer_failed &&
        (!obs.remote_close_code || *obs.remote_close_code == codec::close_code::protocol_error)) {
        return true;
    }
    return false;
}

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

class Engine {
  public:
    Engine(const std::vector<const cases::Case*>& seeds, const FuzzSettings& settings)
        : seeds_(seeds), settings_(settings), rng_(settings.seed) {}

    FuzzStats run();
    void loop();

  private:
    Execution execute(const std::vector<cases::Step>& body, bool judge_only_liveness = false);
    void classify(Execution& x);
    void ensure_server();
    std::optional<std::string> check_crash(const oracle::Observation& obs);
    void on_finding(const FuzzInput& input, Execution x);
    std::vector<cases::Step> minimize(std::vector<cases::Step> body, const Execution& first,
                                      std::size_t& runs);
    bool liveness();
    bool should_stop() const;
    void progress(bool final_point);
    void log(const std::string& line) const {
        if (settings_.log) settings_.log(line);
    }
    double elapsed() const {
        return std::chrono::duration<double>(Clock::now() - started_).count();
    }

    const std::vector<const cases::Case*>& seeds_;
    const FuzzSettings& settings_;
    Rng rng_;
    FuzzStats stats_;
    std::vector<FuzzInput> corpus_;
    std::size_t seed_count_ = 0;
    std::set<std::string> known_findings_;
    Clock::time_point started_ = Clock::now();
    Clock::time_point last_progress_ = Clock::now();
    std::size_t since_liveness_ = 0;
};

bool Engine::should_stop() const {
    if (settings_.stop && settings_.stop->load()) return true;
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
    if (obs.peer_closed_tcp && !obs.close_received) {
        const auto until = Clock::now() + exit_grace;
        while (sup->running() && Clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!sup->exited()) return std::nullopt;
    if (!sup->crashed()) {
        auto d = sup->check_exit();
        return d ? std::optional<std::string>("the server exited: " + *d) : std::nullopt;
    }
    return sup->check_exit();
}

void Engine::classify(Execution& x) {
    x.response_signature = base_signature(x, true);
    std::string kinds;
    for (const auto& e : x.obs.events) {
        if (kinds.size() >= signature_event_kinds) break;
        kinds += event_letter(e.kind);
    }
    x.response_signature += "|ev=" + kinds;
    if (!x.crash.empty()) {
        x.kind = "crash";
    } else if (!x.obs.connect_error.empty() || !x.obs.handshake.completed) {
        x.kind = "liveness";
    } else if (!oracle::passed(x.j, false)) {
        if (tolerated_failure(x)) {
            x.tolerated = true;
            return;
        }
        // Waiting for the answer to our Close (or to a message before it) that never came.
        x.kind = x.obs.timed_out && x.d.outcome == DerivedOutcome::clean_close ? "hang" : "judge";
    }
    if (x.kind == "crash") {
        // One crash signature per way of dying ("killed by signal 11"), not per response.
        x.finding_signature = "crash|" + x.crash.substr(0, x.crash.find(';'));
    } else if (!x.kind.empty()) {
        x.finding_signature = x.kind + "|" + base_signature(x, false);
    }
}

Execution Engine::execute(const std::vector<cases::Step>& body, bool liveness_check) {
    Execution x;
    DerivationSettings ds;
    ds.answer_timeout_ms = settings_.answer_timeout_ms;
    x.d = derive_expectations(body, ds);
    // Not judged: octets that end inside a frame (no answer is required), and a frame whose
    // header announces more than the reference limit (64 MiB): whether a server fails it
    // with 1009 or waits for the payload depends on its own limit (RFC 6455 10.4).
    if (x.d.outcome == DerivedOutcome::incomplete ||
        x.d.error == codec::ErrorKind::message_too_big) {
        return x;
    }
    x.ran = true;
    ensure_server();
    x.obs = peer::run_case_as_client(x.d.c, settings_.client);
    if (auto died = check_crash(x.obs)) {
        x.crash = *died;
        x.obs.peer_crash = *died;
    }
    x.j = oracle::judge(x.d.c, x.obs, cases::Role::server);
    classify(x);
    // The liveness check's own oracle: a handshake and the echo. How the connection then
    // ends is judged as for any input.
    const bool echoed = std::any_of(x.obs.events.begin(), x.obs.events.end(), [](const auto& e) {
        return e.kind == oracle::ObservedEvent::Kind::message;
    });
    if (liveness_check && !x.kind.empty() && x.kind != "crash" && !echoed) {
        x.kind = "liveness";
        x.finding_signature = x.kind + "|" + base_signature(x, false);
    }
    return x;
}

std::vector<cases::Step> Engine::minimize(std::vector<cases::Step> body, const Execution& first,
                                          std::size_t& runs) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(settings_.minimize_time_s));
    const auto same = [&](const std::vector<cases::Step>& candidate) {
        if (runs >= settings_.minimize_budget || Clock::now() >= until ||
            (settings_.stop && settings_.stop->load()))
            return false;
        ++runs;
        const Execution x = execute(candidate);
        return x.ran && x.finding_signature == first.finding_signature;
    };
    // 1. Drop runs of steps, halving the run length down to one step (ddmin-like: a long
    // valid prefix before the error goes in a few tries), from the end first.
    for (std::size_t chunk = std::max<std::size_t>(body.size() / 2, 1); chunk >= 1; chunk /= 2) {
        for (std::size_t end = body.size(); end > 0 && body.size() > 1;) {
            const std::size_t begin = end >= chunk ? end - chunk : 0;
            if (end - begin >= body.size()) {
                end = begin;
                continue;
            }
            auto candidate = body;
            candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(begin),
                            candidate.begin() + static_cast<std::ptrdiff_t>(end));
            if (same(candidate)) body = std::move(candidate);
            end = std::min(begin, body.size());
        }
        if (chunk == 1) break;
    }
    // 2. Shrink payloads: halve each while the finding stays.
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (int round = 0; round < 8; ++round) {
            auto candidate = body;
            bool changed = false;
            if (auto* f = std::get_if<cases::FrameStep>(&candidate[i])) {
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
            } else if (auto* r = std::get_if<cases::RawStep>(&candidate[i])) {
                if (r->bytes.size() < 2) break;
                r->bytes.resize(r->bytes.size() / 2);
                changed = true;
            }
            if (!changed || !same(candidate)) break;
            body = std::move(candidate);
        }
    }
    return body;
}

void Engine::on_finding(const FuzzInput& input, Execution x) {
    if (!known_findings_.insert(x.finding_signature).second) return;
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
    log("finding " + f.id + " (" + f.kind + ") after " + std::to_string(f.exec) + " inputs, " +
        std::to_string(static_cast<long long>(f.at_s)) + " s; minimizing");

    std::vector<cases::Step> body = input.steps;
    std::exception_ptr stopped;  // the server could not be restarted while minimizing
    if (x.kind != "liveness") {
        try {
            body = minimize(body, x, f.minimize_runs);
            Execution again = execute(body);
            ++f.minimize_runs;
            if (again.ran && again.finding_signature == x.finding_signature)
                x = std::move(again);
            else
                body = input.steps;  // flaky after minimizing: keep what was found
        } catch (const std::exception&) {
            stopped = std::current_exception();
            body = input.steps;
        }
    }
    f.steps_minimized = body.size();
    f.c = x.d.c;
    f.c.id = f.id;
    const bool never_failed = x.d.outcome == DerivedOutcome::fail && !x.obs.close_received &&
                              !x.obs.peer_closed_tcp && x.obs.closed_by_me == x.d.closed_by_me;
    if (!x.crash.empty())
        f.result = x.crash;
    else if (never_failed)
        f.result = "The server did not fail the connection within " +
                   std::to_string(settings_.answer_timeout_ms) + " ms after " + x.d.rule +
                   " (RFC 6455 7.1.7); wsspec dropped it. " + x.j.behavior + "/" +
                   x.j.behavior_close + ": " + x.j.result_close;
    else if (x.j.behavior != oracle::verdict::failed)
        f.result = x.j.behavior_close + ": " + x.j.result_close;
    else
        f.result = x.j.result;
    f.expected = x.j.expected;
    f.observed = x.j.observed;
    std::string mutations;
    for (const auto& m : f.mutations)
        mutations += (mutations.empty() ? "" : ", ") + m;
    f.c.description = one_line("Fuzz finding (" + f.kind + "): " + f.c.description);
    f.c.requirement += " [wsspec fuzz-server: oracle " + f.kind + ", input seed " +
                       std::to_string(f.seed) + ", run seed " + std::to_string(settings_.seed) +
                       ", from case " + f.origin + " by " + mutations + "; found after " +
                       std::to_string(f.exec) + " inputs; observed: " + one_line(f.result) + "]";
    if (!settings_.findings_dir.empty()) {
        std::filesystem::create_directories(settings_.findings_dir);
        f.file = settings_.findings_dir / (f.id + ".json");
        std::ofstream out(f.file, std::ios::binary);
        out << cases::case_file_text("fz", "wsspec fuzz-server finding " + f.id, {f.c});
    }
    log("finding " + f.id + " minimized to " + std::to_string(f.steps_minimized) + " of " +
        std::to_string(f.steps_found) + " steps in " + std::to_string(f.minimize_runs) + " runs" +
        (f.file.empty() ? "" : "; written to " + f.file.string()));
    stats_.findings.push_back(std::move(f));
    if (stopped) std::rethrow_exception(stopped);  // after the finding is kept and written
}

bool Engine::liveness() {
    ++stats_.liveness_checks;
    since_liveness_ = 0;
    cases::FrameStep hello;
    hello.mask_key = 0x11223344;
    hello.payload.kind = cases::Payload::Kind::text;
    hello.payload.text = "wsspec liveness";
    FuzzInput input;
    input.steps = {hello};
    input.origin = "liveness";
    input.mutations = {"none"};
    Execution x = execute(input.steps, true);
    if (x.kind.empty()) return true;
    on_finding(input, std::move(x));
    return false;
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
            corpus_.push_back(std::move(in));
        }
    }
    seed_count_ = corpus_.size();
    if (corpus_.empty()) throw std::runtime_error("no usable seed cases (frames to mutate)");
    log("fuzz-server: " + std::to_string(corpus_.size()) + " seeds from " +
        std::to_string(seeds_.size()) + " cases, run seed " + std::to_string(settings_.seed));
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

void Engine::loop() {
    liveness();
    while (!should_stop()) {
        // Half the inputs start from a seed, half from what feedback kept.
        const std::size_t parent = rng_.percent(50) && corpus_.size() > seed_count_
                                       ? seed_count_ + rng_.below(corpus_.size() - seed_count_)
                                       : rng_.below(seed_count_);
        FuzzInput child = corpus_[parent];
        child.seed = rng_.next();
        Rng local(child.seed);
        if (!mutate(child, local, settings_.limits)) continue;
        Execution x = execute(child.steps);
        if (!x.ran) {
            ++stats_.skipped;
            progress(false);
            continue;
        }
        ++stats_.execs;
        ++since_liveness_;
        ++stats_.outcomes[outcome_name(x.d.outcome)];
        if (x.tolerated) ++stats_.tolerated;
        if (stats_.signatures[x.response_signature]++ == 0) {
            if (corpus_.size() >= max_corpus)
                corpus_.erase(corpus_.begin() + static_cast<std::ptrdiff_t>(seed_count_));
            corpus_.push_back(child);
        }
        if (!x.kind.empty()) {
            on_finding(child, std::move(x));
            liveness();
        } else if (since_liveness_ >= settings_.liveness_every) {
            liveness();
        }
        progress(false);
    }
}

}  // namespace

std::map<std::string, std::size_t> FuzzStats::findings_by_kind() const {
    std::map<std::string, std::size_t> out = {
        {"judge", 0}, {"hang", 0}, {"crash", 0}, {"liveness", 0}};
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

FuzzStats run_fuzzer(const std::vector<const cases::Case*>& seeds, const FuzzSettings& settings) {
    Engine engine(seeds, settings);
    return engine.run();
}

std::string fuzz_report_json(const FuzzStats& stats, const FuzzSettings& settings,
                             const std::string& target) {
    using nlohmann::json;
    json j;
    j["tool"] = "wsspec";
    j["mode"] = "fuzz-server";
    j["target"] = target;
    j["seed"] = settings.seed;
    j["options"] = {{"runs", settings.runs ? json(*settings.runs) : json(nullptr)},
                    {"time_s", settings.time_s},
                    {"answer_timeout_ms", settings.answer_timeout_ms},
                    {"liveness_every", settings.liveness_every},
                    {"exec", settings.supervisor != nullptr}};
    j["duration_s"] = stats.elapsed_s;
    j["execs"] = stats.execs;
    j["execs_per_s"] = stats.elapsed_s > 0 ? static_cast<double>(stats.execs) / stats.elapsed_s : 0;
    j["skipped_inputs"] = stats.skipped;
    j["tolerated"] = stats.tolerated;
    j["liveness_checks"] = stats.liveness_checks;
    j["restarts"] = stats.restarts;
    j["corpus"] = stats.corpus;
    j["signatures"] = stats.signatures.size();
    j["outcomes"] = stats.outcomes;
    j["interrupted"] = stats.interrupted;
    if (!stats.error.empty()) j["error"] = stats.error;
    j["findings_by_kind"] = stats.findings_by_kind();
    json timeline = json::array();
    for (const auto& p : stats.timeline) {
        timeline.push_back({{"t", p.t},
                            {"execs", p.execs},
                            {"corpus", p.corpus},
                            {"signatures", p.signatures},
                            {"findings", p.findings}});
    }
    j["timeline"] = std::move(timeline);
    json findings = json::array();
    for (const auto& f : stats.findings) {
        findings.push_back({{"id", f.id},
                            {"kind", f.kind},
                            {"signature", f.signature},
                            {"seed", f.seed},
                            {"origin", f.origin},
                            {"mutations", f.mutations},
                            {"exec", f.exec},
                            {"at_s", f.at_s},
                            {"steps_found", f.steps_found},
                            {"steps_minimized", f.steps_minimized},
                            {"minimize_runs", f.minimize_runs},
                            {"result", f.result},
                            {"expected", f.expected},
                            {"observed", f.observed},
                            {"file", f.file.string()},
                            {"case", cases::case_to_json(f.c)}});
    }
    j["findings"] = std::move(findings);
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wsspec::fuzzer
