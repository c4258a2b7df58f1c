// The report options every run command shares (--report-dir, --format, --strict, --quiet,
// --baseline, --shard), and the end of a run: write the reports, print the summary, and
// decide the exit status. Mode-agnostic: test-server and test-client both end here.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/oracle/case_outcome.h"
#include "harness/report/baseline.h"
#include "harness/report/report_files.h"
#include "harness/report/run_info.h"
#include "harness/report/wire_excerpt.h"

namespace wsspec::cli {

struct ReportOptions {
    std::string report_dir = "wsspec-report";
    std::string formats = "all";  // comma-separated: json, autobahn, html, junit, all
    std::string
        baseline;       // expected non-OK cases, a previous wsspec.json, or an Autobahn index.json
    std::string shard;  // "I/N": run the I-th of N deterministic slices of the selection
    bool strict = false;
    bool quiet = false;
    bool full_wire_log = false;  // passing cases keep their whole wire log too
    report::CheckRules rules;    // --strict-changes; fail_on_new: --fail-on-new
    bool fail_on_new = false;
    void add_to(CLI::App& cmd);
    [[nodiscard]] report::WireLogPolicy wire_log() const {
        return full_wire_log ? report::WireLogPolicy::full : report::WireLogPolicy::excerpt_passing;
    }
};

using report::ReportFormats;
// "json,html" -> {json, html}; "all" -> everything. Throws CLI::ValidationError.
ReportFormats parse_formats(const std::string& list);
// CLI11 check for a --format value (the message parse_formats gives, or empty).
std::string check_formats(const std::string& list);

// The shard of `selected` that --shard asks for (all of it when not set); see
// runner/case_shard.h for how cases are dealt out. Throws CLI::ValidationError when the
// shard would be empty.
std::vector<const cases::Case*> apply_shard(const ReportOptions& options,
                                            const std::vector<const cases::Case*>& selected);

// What --shard records in the results (nullopt without --shard): I/N and the selection it
// was cut from, so `wsspec report --merge` can find missing shards and mismatched catalogs.
std::optional<report::ShardInfo> shard_record(const ReportOptions& options,
                                              const std::vector<const cases::Case*>& selected);

// Checks `run` against the baseline file, records the result in run["baseline"], prints
// it, and returns the check. Throws std::runtime_error when the baseline cannot be read.
report::BaselineCheck apply_baseline(nlohmann::json& run, const std::string& baseline_file,
                                     const report::CheckRules& rules, std::ostream& out,
                                     bool color);

// Whether a baseline check fails the command: regressions always, new failing cases only
// with --fail-on-new.
bool check_fails(const report::BaselineCheck& check, bool fail_on_new);

// Prints regressions, fixes and known failures against a baseline (or an older run).
void print_baseline_check(std::ostream& out, const report::BaselineCheck& check,
                          const std::string& against, bool color);

// `wsspec report`: the results are incomplete (missing shards, an interrupted run), so a CI
// job that reports them must not pass (docs/ci.md lists every status).
inline constexpr int exit_incomplete_results = 3;

// One agent's run: what it ran and how.
struct AgentRun {
    report::RunInfo info;
    const std::vector<oracle::CaseOutcome>* outcomes = nullptr;
};

// Writes the requested reports into report_dir (one set of files for every agent, as
// Autobahn's index.json holds every agent), prints each agent's summary, and returns the
// exit status: 0 no failures (or, with --baseline, no regressions), 1 failures
// (regressions), 2 the baseline could not be read (the reports are still written), 130
// interrupted. Headings name the agents when there are several.
int finish_runs(const ReportOptions& options, const std::vector<AgentRun>& agents, bool color);

// finish_runs for a single run.
int finish_run(const ReportOptions& options, const report::RunInfo& info,
               const std::vector<oracle::CaseOutcome>& outcomes, bool color);

}  // namespace wsspec::cli
