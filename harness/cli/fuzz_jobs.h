// `wsspec fuzz-server -j N` / `fuzz-client -j N`: N worker processes fuzz at once, each the
// same command line with its own --seed (seed + i), --report-dir (REPORT_DIR/worker-i) and
// findings (and, for fuzz-client, its own --listen and driver), sharing --corpus when one is
// given (libFuzzer's -jobs, AFL's -M/-S on one machine). The parent waits for them and
// merges their fuzz.json into REPORT_DIR/fuzz.json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wsspec::cli {

struct FuzzJobsSpec {
    std::string command = "fuzz-server";  // for messages
    // Options each worker gets of its own besides --seed and --report-dir (fuzz-client: its
    // --listen, so each driver connects to its own worker), by worker index from 0; options
    // of these names are left out of the command line the workers copy.
    std::vector<std::string> own_option_names;
    std::function<std::vector<std::string>(std::size_t)> own_options;
    // --max-findings was given: once one worker ends with findings, the others are stopped
    // as by Ctrl-C (their reports so far are merged).
    bool stop_on_findings = false;
};

// In a worker (started by run_fuzz_jobs): the parent's death (even by SIGKILL) interrupts
// this process as Ctrl-C would, so it stops, writes its report and ends the programs it
// started instead of fuzzing on alone. Call after install_interrupt_handler(); elsewhere
// it does nothing.
void follow_jobs_parent();

// Exit status as for one run: 1 findings, 2 a worker could not run, 0 otherwise.
int run_fuzz_jobs(std::size_t jobs, std::uint64_t seed, const std::string& report_dir,
                  const FuzzJobsSpec& spec = {});

}  // namespace wsspec::cli
