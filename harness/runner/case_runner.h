// Runs selected cases against a server under test, `jobs` at a time, each case on its own
// connection and io_context, and judges each as it finishes. Results keep catalog order.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/oracle/case_outcome.h"
#include "harness/peer/scripted_client.h"
#include "harness/runner/process_resources.h"

namespace wsspec::runner {

struct RunHooks {
    // Called before each case (e.g. make sure a supervised server is up); may throw.
    std::function<void()> before_case;
    // Called after each case with what was observed; returns a description if the
    // supervised peer died.
    std::function<std::optional<std::string>(const oracle::Observation&)> after_case;
    // What the supervised peer holds, for cases with resource limits (sampled before and
    // after them); nothing when it cannot be read.
    std::function<std::optional<ResourceUsage>()> sample_resources;
    // Progress: called once per finished case, from worker threads (serialized).
    std::function<void(const oracle::CaseOutcome&, std::size_t done, std::size_t total)> on_done;
};

struct ServerRunSettings {
    peer::ClientSettings client;
    unsigned jobs = 1;
    const std::atomic<bool>* stop = nullptr;  // set to stop after the running cases
};

std::vector<oracle::CaseOutcome> run_server_cases(const std::vector<const cases::Case*>& selected,
                                                  const ServerRunSettings& settings,
                                                  const RunHooks& hooks);

}  // namespace wsspec::runner
