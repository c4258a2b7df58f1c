// What fuzz-server and fuzz-client print and write at the end of a run: the summary lines,
// each finding with the command that replays it, and fuzz.json.
#pragma once

#include <filesystem>
#include <string>

#include "harness/fuzzer/fuzz_engine.h"

namespace wsspec::cli {

// Prints the summary and the findings (each with `replay` followed by its file), writes
// REPORT_DIR/fuzz.json when `report_dir` is set; returns the exit status (1: findings,
// otherwise 2 when the run stopped early, else 0).
int finish_fuzz_run(const fuzzer::FuzzStats& stats, const fuzzer::FuzzSettings& settings,
                    const std::string& command, const std::string& target,
                    const std::string& replay, const std::filesystem::path& report_dir);

}  // namespace wsspec::cli
