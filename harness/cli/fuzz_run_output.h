// What fuzz-server and fuzz-client share: the options that bound and record a run, and
// what they print and write at its end (the summary lines, each finding with the command
// that replays it, fuzz.json and the HTML page made from it).
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/fuzzer/fuzz_engine.h"

namespace wsspec::cli {

// --time / --runs, --max-findings, --seed, --findings, --corpus, --report-dir, and the
// oracles' limits (--timeout, --liveness-every, --rss-limit, --fd-limit).
struct FuzzRunOptions {
    double time_s = 60;
    std::uint64_t runs = 0;
    std::uint64_t seed = 0;
    std::string findings_dir;
    std::string report_dir;
    std::string corpus_dir;
    // Stop once this many distinct findings are kept (0: never; with -j, the run ends when
    // one worker has them).
    std::size_t max_findings = 0;
    std::uint32_t timeout_ms = 1000;
    std::size_t liveness_every = 250;
    std::uint64_t rss_limit_mib = 32;
    std::size_t fd_limit = 64;
    std::size_t jobs = 1;
    bool seed_given = false;
    bool runs_given = false;

    // The --seed given, else a random one (printed with the run, so it can be replayed).
    [[nodiscard]] std::uint64_t chosen_seed() const;
};

// `peer`: "server" or "client", the program under test, in the options' help.
void add_fuzz_run_options(CLI::App& cmd, FuzzRunOptions& o, const std::string& peer);
// In the command's callback: which of --seed and --runs were given.
void note_given_fuzz_run_options(const CLI::App& cmd, FuzzRunOptions& o);
// The run's bounds, oracle limits and output directories into `settings` (findings default
// to REPORT_DIR/findings), which stops when `stop` is set and logs to stdout.
void apply_fuzz_run_options(const FuzzRunOptions& o, fuzzer::FuzzSettings& settings,
                            const std::atomic<bool>* stop);

// The run summary, timeline and findings as fuzz.json holds them: each finding with its
// minimized case, the crashed peer's last output, and the confirming run of its case as a
// case record of wsspec.json (report::case_to_json: verdicts, events, handshake and the wire
// log, budgeted as for test-server). Every string from the peer is escaped (utf8_escape.h).
nlohmann::json fuzz_report_json(const fuzzer::FuzzStats& stats,
                                const fuzzer::FuzzSettings& settings, const std::string& target);

// REPORT_DIR/fuzz.json and REPORT_DIR/index.html (report::fuzz_html_report), each written to
// a temporary file and renamed into place. Returns the path of fuzz.json.
std::filesystem::path write_fuzz_reports(const nlohmann::json& run,
                                         const std::filesystem::path& report_dir);

// Prints the summary and the findings (each with `replay` followed by its file), writes
// fuzz.json and index.html into `report_dir` when it is set; returns the exit status (1:
// findings, otherwise 2 when the run stopped early, else 0).
int finish_fuzz_run(const fuzzer::FuzzStats& stats, const fuzzer::FuzzSettings& settings,
                    const std::string& command, const std::string& target,
                    const std::string& replay, const std::filesystem::path& report_dir);

}  // namespace wsspec::cli
