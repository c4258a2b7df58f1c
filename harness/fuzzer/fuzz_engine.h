// The live fuzzer's loop (`wsspec fuzz-server`): seeds from the catalog, structured
// mutations (mutator.h, handshake_mutator.h), expectations derived from the reference codec
// (expectation_derivation.h), one connection per input through the same scripted client
// test-server uses, and the same judge. Oracles:
//
//   judge     the judge FAILED the input against the derived expectations
//   hang      we waited for an answer a conforming server must give (an echo, a Pong, the
//             reply to our Close) and none came before the deadline
//   crash     with --exec: the supervised server exited or was killed during the input
//   liveness  a fresh connection cannot complete a handshake and one echo (checked every
//             N inputs and after each finding), or the server cannot be reached at all
//   resource  with --exec: the server's resident memory or open descriptors grew past a
//             limit over their level after its start, and one input, run again on a fresh
//             server, makes them grow
//
// Feedback: an input is kept in the in-memory corpus when its response signature (verdicts,
// close code, who failed the connection, the first event kinds, the violation, the
// handshake answer, where it parted from the expectations, resource growth) is new; parents
// are drawn favouring inputs whose signature is rare. Findings are deduplicated by (oracle,
// finding_signature.h), minimized, and written as catalog case files.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/fuzzer/expectation_derivation.h"
#include "harness/fuzzer/mutator.h"
#include "harness/oracle/judge.h"
#include "harness/peer/scripted_client.h"

namespace wsspec::runner {
class ProcessSupervisor;
}

namespace wsspec::fuzzer {

struct FuzzSettings {
    peer::ClientSettings client;
    // The peer under test: a server (fuzz-server: each input is a connection wsspec opens
    // with `client`), or a client (fuzz-client: `run_case` hands each input to the next
    // connection the client makes, and returns what it did).
    cases::Role peer = cases::Role::server;
    std::function<oracle::Observation(const cases::Case&)> run_case;
    std::uint64_t seed = 1;
    std::optional<std::uint64_t> runs;  // stop after this many inputs
    double time_s = 60;                 // otherwise after this long
    std::size_t max_findings = 0;       // and once this many findings are kept (0: never)
    std::uint32_t answer_timeout_ms = 1000;
    std::size_t liveness_every = 250;  // inputs between liveness checks
    std::size_t minimize_budget = 40;  // executions spent minimizing one finding
    double minimize_time_s = 10;       // and at most this long
    MutationLimits limits;
    // Resource oracle (with --exec): growth over the server's level after start (or restart)
    // that makes a finding, and the runs of one input that confirm it on a fresh server.
    std::uint64_t rss_limit_bytes = 32ULL << 20;
    std::size_t fd_limit = 64;
    std::size_t resource_repeats = 16;
    std::filesystem::path findings_dir;  // empty: findings are not written as files
    // --corpus: inputs that made a new response signature are written here as case files
    // (fzc.<hash of the steps>.json), and every case file here is loaded into the corpus at
    // the start. Several runs (and machines sharing the directory) only ever add files.
    std::filesystem::path corpus_dir;
    const std::atomic<bool>* stop = nullptr;
    runner::ProcessSupervisor* supervisor = nullptr;  // --exec
    std::function<void(const std::string&)> log;      // progress lines and notes
};

// The run of a finding's minimized case that confirmed it: what the report shows as the
// reproducer's wire log, events, handshake and verdicts.
struct FindingRun {
    oracle::Observation obs;
    oracle::Judgement judgement;
};

struct Finding {
    std::string id;    // fz.1.N
    std::string kind;  // judge, hang, crash, liveness, resource
    std::string signature;
    std::uint64_t seed = 0;
    std::string origin;
    std::vector<std::string> mutations;
    FuzzInput input;     // minimized
    cases::Case c;       // minimized, with the derived expectations
    std::string result;  // the judge's reason, or the crash description
    std::string expected, observed;
    std::size_t exec = 0;  // when it was found
    double at_s = 0;
    std::size_t steps_found = 0, steps_minimized = 0, minimize_runs = 0;
    std::filesystem::path file;
    // crash: the peer's last output lines (where a sanitizer report ends up), also in `result`.
    std::string output_tail;
    // The confirming run of `c` (for a resource finding, the last run of the measurement);
    // nullopt when none finished.
    std::optional<FindingRun> replay;
};

struct TimelinePoint {
    double t = 0;
    std::size_t execs = 0, corpus = 0, signatures = 0, findings = 0;
};

struct FuzzStats {
    std::size_t execs = 0;
    std::size_t skipped = 0;       // inputs not run: they end inside a frame (nothing to judge)
    std::size_t tolerated = 0;     // failures the RFC allows (1009 on large messages, ...)
    std::size_t slow = 0;          // deadline findings the server answered when given longer
    std::size_t unreproduced = 0;  // judge / hang findings their input did not make again
    std::size_t liveness_checks = 0;
    std::size_t restarts = 0;
    std::size_t corpus = 0;
    std::size_t corpus_loaded = 0;      // inputs read from --corpus at the start
    std::size_t corpus_saved = 0;       // ... and written to it
    std::size_t handshake_refused = 0;  // inputs with an edited handshake the server refused
    std::size_t extension_agreed = 0;   // ... or answered agreeing to an extension (not judged)
    std::size_t request_body = 0;  // ... or accepted a request that announces content (not judged)
    std::size_t invalid_request_accepted = 0;      // ... or one RFC 6455 4.2.1 refuses (not judged)
    std::uint64_t rss_baseline = 0, rss_peak = 0;  // bytes, of the supervised server
    std::size_t fds_baseline = 0, fds_peak = 0;
    std::unordered_map<std::string, std::size_t> signatures;  // response signature -> inputs
    std::map<std::string, std::size_t> outcomes;              // derived outcome -> inputs
    std::vector<Finding> findings;
    std::vector<TimelinePoint> timeline;
    double elapsed_s = 0;
    bool interrupted = false;
    std::string error;  // why the run ended early (the supervised server cannot be restarted)
    [[nodiscard]] std::map<std::string, std::size_t> findings_by_kind() const;
    [[nodiscard]] std::string summary_line() const;
};

FuzzStats run_fuzzer(const std::vector<const cases::Case*>& seeds, const FuzzSettings& settings);

// The rate of plain connections -- connect, handshake, one echo, close -- through the same
// scripted client, without mutation or judging: what the fuzzer's execs/s compare with.
struct RawRate {
    std::size_t connections = 0, failures = 0;
    double seconds = 0;
    [[nodiscard]] double per_second() const { return seconds > 0 ? connections / seconds : 0; }
};
RawRate measure_raw_rate(const FuzzSettings& settings, double seconds);

}  // namespace wsspec::fuzzer
