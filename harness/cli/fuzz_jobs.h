// `wsspec fuzz-server -j N`: N worker processes fuzz the same server at once, each the same
// command line with its own --seed (seed + i), --report-dir (REPORT_DIR/worker-i) and
// findings, sharing --corpus when one is given (libFuzzer's -jobs, AFL's -M/-S on one
// machine). The parent waits for them and merges their fuzz.json into REPORT_DIR/fuzz.json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wsspec::cli {

// Exit status as for one run: 1 findings, 2 a worker could not run, 0 otherwise.
int run_fuzz_jobs(std::size_t jobs, std::uint64_t seed, const std::string& report_dir);

}  // namespace wsspec::cli
