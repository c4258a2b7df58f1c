#include "harness/cli/report_options.h"

#include <algorithm>
#include <iostream>

#include "harness/cases/case_selection.h"
#include "harness/report/results_json.h"
#include "harness/report/summary_table.h"
#include "harness/runner/case_shard.h"

namespace wsspec::cli {
namespace {

// Exit statuses of test runs (harness/cli/main.cpp): 1 failures, 2 configuration error,
// 130 interrupted.
constexpr int exit_failures = 1;
constexpr int exit_config_error = 2;
constexpr int exit_interrupted = 130;

// Listing every known failure would bury the regressions; the reports have them all.
constexpr std::size_t known_failures_listed = 20;

}  // namespace

void ReportOptions::add_to(CLI::App& cmd) {
    cmd.add_option("--report-dir", report_dir, "Directory for the reports")->capture_default_str();
    cmd.add_option("--format", formats,
                   "Reports to write, comma-separated: json (wsspec.json), autobahn (index.json "
                   "and per-case files), html (index.html), junit (junit.xml), all")
        ->capture_default_str()
        ->check(check_formats);
    cmd.add_option("--baseline", baseline,
                   "Known results: a wsspec baseline, a previous wsspec.json or an Autobahn "
                   "index.json; the run fails only on regressions")
        ->check(CLI::ExistingFile);
    cmd.add_option("--shard", shard,
                   "Run only shard I of N (e.g. 2/4); merge the shards' wsspec.json files "
                   "with 'wsspec report --merge'")
        ->check([](const std::string& value) {
            return runner::parse_shard_spec(value)
                       ? std::string()
                       : "expected I/N with 1 <= I <= N, got '" + value + "'";
        });
    cmd.add_flag("--fail-on-new", fail_on_new,
                 "With --baseline: also fail when a case the baseline run never ran fails");
    cmd.add_flag("--strict-changes", rules.strict_changes,
                 "With --baseline: a failing case whose verdicts changed is a regression");
    cmd.add_flag("--strict", strict, "Count NON-STRICT results as failures");
    cmd.add_flag("--full-wire-log", full_wire_log,
                 "Keep the whole wire log of passing cases too (default: their first and last "
                 "16 entries; cases that do not pass always keep theirs)");
    cmd.add_flag("-q,--quiet", quiet, "No progress output");
}

namespace {

// Why `list` is not a --format value; empty when it is. The option's name is added by
// whoever shows the message (CLI11 for a check, parse_formats for its exception).
std::string format_list_error(const std::string& list, ReportFormats* out) {
    ReportFormats f;
    const auto names = cases::split_globs(list);
    if (names.empty()) return "no report format given";
    for (const auto& name : names) {
        if (name == "all") {
            f = {true, true, true, true};
        } else if (name == "json") {
            f.json = true;
        } else if (name == "autobahn") {
            f.autobahn = true;
        } else if (name == "html") {
            f.html = true;
        } else if (name == "junit") {
            f.junit = true;
        } else {
            return "unknown report format '" + name + "' (json, autobahn, html, junit, all)";
        }
    }
    if (out) *out = f;
    return {};
}

}  // namespace

std::string check_formats(const std::string& list) {
    return format_list_error(list, nullptr);
}

ReportFormats parse_formats(const std::string& list) {
    ReportFormats f;
    if (const std::string error = format_list_error(list, &f); !error.empty())
        throw CLI::ValidationError("--format", error);
    return f;
}

std::vector<const cases::Case*> apply_shard(const ReportOptions& options,
                                            const std::vector<const cases::Case*>& selected) {
    if (options.shard.empty()) return selected;
    const auto spec = runner::parse_shard_spec(options.shard);
    if (!spec) throw CLI::ValidationError("--shard", "expected I/N with 1 <= I <= N");
    auto part = runner::shard_of(selected, *spec);
    if (part.empty()) {
        throw CLI::ValidationError("--shard", "shard " + options.shard + " of " +
                                                  std::to_string(selected.size()) +
                                                  " selected cases is empty");
    }
    return part;
}

std::optional<report::ShardInfo> shard_record(const ReportOptions& options,
                                              const std::vector<const cases::Case*>& selected) {
    if (options.shard.empty()) return std::nullopt;
    const auto spec = runner::parse_shard_spec(options.shard);
    if (!spec) return std::nullopt;
    report::ShardInfo info{spec->index, spec->count, {}};
    info.selected.reserve(selected.size());
    for (const cases::Case* c : selected)
        info.selected.push_back(c->id);
    return info;
}

void print_baseline_check(std::ostream& out, const report::BaselineCheck& check,
                          const std::string& against, bool color) {
    const char* red = color ? "\033[31m" : "";
    const char* green = color ? "\033[32m" : "";
    const char* reset = color ? "\033[0m" : "";
    out << "against " << against << ": " << check.regressions.size() << " regressions, "
        << check.fixed.size() << " now pass, " << check.known.size() << " known failures, "
        << check.changed.size() << " changed, " << check.new_cases.size() << " new cases ("
        << check.new_failures() << " not passing)\n";
    for (const auto& c : check.regressions) {
        out << red << "  REGRESSION " << c.id << reset << "  " << c.before << " -> " << c.now
            << (c.reason.empty() ? "" : ": " + c.reason) << "\n";
    }
    for (const auto& c : check.fixed) {
        out << green << "  NOW PASSES " << c.id << reset << "  " << c.before << " -> " << c.now
            << (c.reason.empty() ? "" : " (was: " + c.reason + ")") << "\n";
    }
    for (const auto& c : check.changed)
        out << "  changed    " << c.id << "  " << c.before << " -> " << c.now << "\n";
    std::size_t listed = 0;
    for (const auto& c : check.known) {
        if (++listed > known_failures_listed) {
            out << "  ... and " << check.known.size() - known_failures_listed
                << " more known failures\n";
            break;
        }
        out << "  known      " << c.id << "  " << c.now << (c.reason.empty() ? "" : ": " + c.reason)
            << "\n";
    }
    listed = 0;
    for (const auto& c : check.new_cases) {
        if (!c.fails) continue;
        if (++listed > known_failures_listed) {
            out << "  ... and " << check.new_failures() - known_failures_listed
                << " more new cases not passing\n";
            break;
        }
        out << "  NEW        " << c.id << "  " << c.now << (c.reason.empty() ? "" : ": " + c.reason)
            << "\n";
    }
}

bool check_fails(const report::BaselineCheck& check, bool fail_on_new) {
    return !check.regressions.empty() || (fail_on_new && check.new_failures() > 0);
}

report::BaselineCheck apply_baseline(nlohmann::json& run, const std::string& baseline_file,
                                     const report::CheckRules& rules, std::ostream& out,
                                     bool color) {
    const report::Baseline baseline =
        report::load_baseline(baseline_file, run.value("agent", std::string()));
    report::BaselineCheck check = report::check_against(baseline, run, rules);
    run["baseline"] = report::to_json(check, baseline);
    print_baseline_check(out, check, "baseline " + baseline_file, color);
    return check;
}

int finish_runs(const ReportOptions& options, const std::vector<AgentRun>& agents, bool color) {
    int status = 0;
    bool complete = true;
    std::vector<nlohmann::json> runs;
    runs.reserve(agents.size());
    for (const AgentRun& agent : agents) {
        complete = complete && agent.info.complete;
        auto results = report::results_to_json(agent.info, *agent.outcomes, options.strict,
                                               options.wire_log());
        if (agents.size() > 1) std::cout << "== agent " << agent.info.agent << " ==\n";
        report::print_summary(std::cout, *agent.outcomes, options.strict, color);

        int agent_status = results["summary"]["failed"].get<int>() > 0 ? exit_failures : 0;
        if (!options.baseline.empty()) {
            try {
                report::CheckRules rules = options.rules;
                rules.strict = options.strict;
                const auto check =
                    apply_baseline(results, options.baseline, rules, std::cout, color);
                results["baseline"]["fail_on_new"] = options.fail_on_new;
                agent_status = check_fails(check, options.fail_on_new) ? exit_failures : 0;
            } catch (const std::exception& e) {
                std::cerr << "wsspec: " << e.what() << "\n";
                agent_status = exit_config_error;
            }
        }
        status = std::max(status, agent_status);
        runs.push_back(std::move(results));  // no copy: a run with wire logs is large
    }

    const auto written =
        report::write_reports(runs, options.report_dir, parse_formats(options.formats));
    const char* incomplete = complete ? "" : " (incomplete: interrupted)";
    double ms = 0;
    for (const auto& w : written) {
        std::cout << (w.path.filename() == "wsspec.json" ? "results: " : "report: ")
                  << w.path.string() << incomplete << "\n";
        ms += w.ms;
    }
    if (!options.quiet && !written.empty())
        std::cout << "reports written in " << static_cast<long long>(ms + 0.5) << " ms\n";
    if (!complete) return exit_interrupted;
    return status;
}

int finish_run(const ReportOptions& options, const report::RunInfo& info,
               const std::vector<oracle::CaseOutcome>& outcomes, bool color) {
    return finish_runs(options, {AgentRun{info, &outcomes}}, color);
}

}  // namespace wsspec::cli
