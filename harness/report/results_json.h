// wsspec.json: the full results of a run, the one source every other report is made from.
// Versioned and documented in reports/wsspec-results.schema.json.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "harness/report/run_info.h"
#include "harness/runner/case_runner.h"

namespace wsspec::report {

inline constexpr int results_format_version = 1;

nlohmann::json results_to_json(const RunInfo& info,
                               const std::vector<runner::CaseOutcome>& outcomes, bool strict);

// One case's record (also used for Autobahn-shaped per-case files).
nlohmann::json case_to_json(const runner::CaseOutcome& outcome);

}  // namespace wsspec::report
