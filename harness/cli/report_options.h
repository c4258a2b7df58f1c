// The report options every run command shares (--report-dir, --format, --strict, --quiet,
// --baseline, --shard), and the end of a run: write the reports, print the summary, and
// decide the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/report/run_info.h"
#include "harness/runner/case_runner.h"

namespace wsspec::cli {

struct ReportOptions {
    std::string report_dir = "wsspec-report";
    std::string formats = "all";  // comma-separated: json, autobahn, html, junit, all
    std::string
        baseline;       // expected non-OK cases, a previous wsspec.json, or an Autobahn index.json
    std::string shard;  // "I/N": run the I-th of N deterministic slices of the selection
    bool strict = false;
    bool quiet = false;
    void add_to(CLI::App& cmd);
};

// The shard of `selected` that --shard asks for (all of it when not set).
std::vector<const cases::Case*> apply_shard(const ReportOptions& options,
                                            const std::vector<const cases::Case*>& selected);

// Writes the requested reports into report_dir, prints the summary, and returns the exit
// status: 0 no failures (or none beyond the baseline), 1 failures, 130 interrupted.
int finish_run(const ReportOptions& options, const report::RunInfo& info,
               const std::vector<runner::CaseOutcome>& outcomes, bool color);

}  // namespace wsspec::cli
