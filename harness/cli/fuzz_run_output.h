// What fuzz-server and fuzz-client share: the options that bound and record a run, and
// what they print and write at its end (the summary lines, each finding with the command
// that replays it, and fuzz.json).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <string>

#include "harness/fuzzer/fuzz_engine.h"

namespace wsspec::cli {

// --time / --runs, --seed, --findings, --corpus, --report-dir.
struct FuzzRunOptions {
    double time_s = 60;
    std::uint64_t runs = 0;
    std::uint64_t seed = 0;
    std::string findings_dir;
    std::string report_dir;
    std::string corpus_dir;
    bool seed_given = false;
    bool runs_given = false;

    // The --seed given, else a random one (printed with the run, so it can be replayed).
    [[nodiscard]] std::uint64_t chosen_seed() const;
};

void add_fuzz_run_options(CLI::App& cmd, FuzzRunOptions& o);
// In the command's callback: which of --seed and --runs were given.
void note_given_fuzz_run_options(const CLI::App& cmd, FuzzRunOptions& o);

// Prints the summary and the findings (each with `replay` followed by its file), writes
// REPORT_DIR/fuzz.json when `report_dir` is set; returns the exit status (1: findings,
// otherwise 2 when the run stopped early, else 0).
int finish_fuzz_run(const fuzzer::FuzzStats& stats, const fuzzer::FuzzSettings& settings,
                    const std::string& command, const std::string& target,
                    const std::string& replay, const std::filesystem::path& report_dir);

}  // namespace wsspec::cli
