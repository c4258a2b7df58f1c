#include "harness/cli/report_command.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "harness/cases/case_loader.h"
#include "harness/cli/catalog_location.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/report_options.h"
#include "harness/report/atomic_file.h"
#include "harness/report/baseline.h"
#include "harness/report/compare_writer.h"
#include "harness/report/fuzz_html_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/results_merge.h"
#include "harness/report/transport_label.h"

namespace wsspec::cli {
namespace {

// The exit statuses of `wsspec report` (docs/ci.md): 0 written; 1 regressions (--baseline,
// --compare), new failing cases (--fail-on-new) or failures (--fail-on-failures); 2 bad
// input; 3 incomplete results (exit_incomplete_results). Failures in the results alone do
// not fail re-rendering: the test run that made them already said so.
constexpr int exit_failures = 1;

struct ReportCommandOptions {
    std::vector<std::string> inputs;   // --from / --merge
    std::vector<std::string> compare;  // OLD NEW
    std::string report_dir = "wsspec-report";
    std::string formats = "all";
    std::string baseline;
    std::string write_baseline;
    std::string agent;
    bool strict = false;
    bool fail_on_failures = false;
    bool fail_on_new = false;
    bool strict_changes = false;
    bool reports_asked = false;  // --report-dir or --format given
    bool report_dir_given = false;
};

bool use_color() {
    const char* no_color = std::getenv("NO_COLOR");
    return stdout_is_tty() && !(no_color && *no_color);
}

// The one run of `file` to compare: the agent named, else the only one.
nlohmann::json single_run(const std::string& file, const std::string& agent) {
    const auto runs = report::merge_runs(report::load_runs(file), nullptr);
    for (const auto& r : runs) {
        if (!agent.empty() && r.value("agent", "") == agent) return r;
    }
    if (runs.size() == 1) return runs.front();
    std::string names;
    for (const auto& r : runs)
        names += (names.empty() ? "" : ", ") + r.value("agent", std::string());
    throw std::runtime_error(file + ": holds several agents (" + names +
                             "); name one with --agent");
}

int compare(const ReportCommandOptions& o) {
    const std::string& old_file = o.compare[0];
    const std::string& new_file = o.compare[1];
    nlohmann::json now = single_run(new_file, o.agent);
    const report::CheckRules rules{o.strict || now.value("strict", false), o.strict_changes};
    const std::string agent = o.agent.empty() ? now.value("agent", "") : o.agent;
    const report::Baseline old = report::load_baseline(old_file, agent);
    const report::BaselineCheck check = report::check_against(old, now, rules);
    const bool color = use_color();
    // Which transport each side ran over (an h1 run against an h2 run of the same server);
    // a baseline file or an Autobahn index.json names none.
    std::string old_transport;
    try {
        old_transport = report::transport_of_run(single_run(old_file, agent));
    } catch (const std::exception&) {
    }
    const std::string new_transport = report::transport_of_run(now);
    if (!old_transport.empty() || !new_transport.empty()) {
        std::cout << "old " << old_file << ": " << (old_transport.empty() ? "?" : old_transport)
                  << "\nnew " << new_file << ": " << (new_transport.empty() ? "?" : new_transport)
                  << "\n";
    }
    print_baseline_check(std::cout, check, old_file, color);
    if (!check.missing.empty()) {
        std::cout << "  only in " << old_file << ": " << check.missing.size() << " cases";
        std::size_t shown = 0;
        for (const auto& id : check.missing) {
            if (++shown > 20) {
                std::cout << " ...";
                break;
            }
            std::cout << " " << id;
        }
        std::cout << "\n";
    }
    const std::string incomplete = report::incompleteness(now);
    if (!incomplete.empty()) std::cout << new_file << ": " << incomplete << "\n";
    const report::Comparison c{.old_file = old_file,
                               .new_file = new_file,
                               .agent = agent,
                               .old_transport = old_transport,
                               .new_transport = new_transport,
                               .rules = rules,
                               .fail_on_new = o.fail_on_new,
                               .failed = check_fails(check, o.fail_on_new)};
    for (const auto& w : report::write_compare(report::compare_json(c, check, old), o.report_dir))
        std::cout << "report: " << w.path.string() << "\n";
    if (!incomplete.empty()) return exit_incomplete_results;
    return c.failed ? exit_failures : 0;
}

// Titles of the case groups from the catalog, for results recorded before cases carried
// their group's title (the HTML page titles its sections with them). None when every case
// has one, or when no catalog can be read: the page then shows the ids alone.
report::GroupTitles catalog_group_titles(const std::vector<nlohmann::json>& runs) {
    bool missing = false;
    for (const auto& run : runs) {
        for (const auto& c : report::array_at(run, "cases")) {
            const auto title = c.find("group_title");
            missing = missing || title == c.end() || !title->is_string() ||
                      title->get_ref<const std::string&>().empty();
        }
    }
    report::GroupTitles titles;
    if (!missing) return titles;
    try {
        for (const auto& c : cases::load_catalog(default_catalog_dir()))
            titles.emplace(c.group, c.group_title);
    } catch (const std::exception&) {
        titles.clear();
    }
    return titles;
}

// A fuzz run's report (fuzz.json of fuzz-server / fuzz-client), or nullopt for anything else
// (results, an Autobahn index.json: read by load_runs). A results document names its format
// at the start, so only other files are parsed here.
std::optional<nlohmann::json> read_fuzz_report(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.find("\"wsspec-results") != std::string::npos) return std::nullopt;
    in.clear();
    in.seekg(0);
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!report::is_fuzz_report(doc)) return std::nullopt;
    return doc;
}

// `--from DIR/fuzz.json`: the run's page again, into --report-dir (default: next to the file).
int render_fuzz(const ReportCommandOptions& o, const nlohmann::json& run) {
    if (!o.baseline.empty() || !o.write_baseline.empty() || o.strict || o.fail_on_new ||
        o.strict_changes) {
        throw std::runtime_error(o.inputs.front() +
                                 ": a fuzz run's report; only --report-dir and --format html "
                                 "apply to it");
    }
    if (!parse_formats(o.formats).html)
        throw std::runtime_error(o.inputs.front() + ": a fuzz run's report renders as html only");
    const std::filesystem::path dir = o.report_dir_given
                                          ? std::filesystem::path(o.report_dir)
                                          : std::filesystem::path(o.inputs.front()).parent_path();
    std::filesystem::create_directories(dir.empty() ? "." : dir);
    const auto path = (dir.empty() ? std::filesystem::path(".") : dir) / "index.html";
    report::write_file_atomically(path, report::fuzz_html_report(run, path.parent_path()));
    const auto& findings = report::array_at(run, "findings");
    std::cout << run.value("mode", "") << " " << run.value("target", "") << ": "
              << run.value("execs", 0ULL) << " inputs, " << findings.size() << " findings"
              << (run.value("interrupted", false) ? " (interrupted)" : "") << "\n";
    std::cout << "report: " << path.string() << "\n";
    return o.fail_on_failures && !findings.empty() ? exit_failures : 0;
}

int render(const ReportCommandOptions& o) {
    for (const auto& file : o.inputs) {
        auto fuzz = read_fuzz_report(file);
        if (!fuzz) continue;
        if (o.inputs.size() != 1) {
            throw std::runtime_error(file +
                                     ": a fuzz run's report cannot be merged (wsspec "
                                     "fuzz-server -j N merges its workers' reports)");
        }
        return render_fuzz(o, *fuzz);
    }
    // Runs are moved from here on, never copied: their wire logs are most of their size.
    std::vector<nlohmann::json> parts;
    for (const auto& file : o.inputs) {
        for (auto& run : report::load_runs(file))
            parts.push_back(std::move(run));
    }
    std::vector<std::string> warnings;
    std::vector<nlohmann::json> runs = report::merge_runs(std::move(parts), &warnings);
    for (const auto& w : warnings)
        std::cerr << "wsspec report: " << w << "\n";

    const bool color = use_color();
    int status = 0;
    for (auto& run : runs) {
        const bool strict = o.strict || run.value("strict", false);
        if (strict != run.value("strict", false)) {
            // Re-judge pass/fail under --strict; verdicts themselves do not change.
            run["strict"] = true;
            for (auto& c : run["cases"])
                c["passed"] = report::case_passed(c, true);
            run["summary"] = report::summarize(run["cases"], true);
        }
        const auto& s = run["summary"];
        const std::string incomplete = report::incompleteness(run);
        std::cout << run.value("agent", "") << ": " << s.value("passed", 0) << " of "
                  << s.value("total", 0) - s.value("not_run", 0) << " cases passed"
                  << (incomplete.empty() ? "" : "; " + incomplete) << "\n";
        if (!o.baseline.empty()) {
            const auto check =
                apply_baseline(run, o.baseline, {strict, o.strict_changes}, std::cout, color);
            run["baseline"]["fail_on_new"] = o.fail_on_new;
            if (check_fails(check, o.fail_on_new)) status = std::max(status, exit_failures);
        } else if (o.fail_on_failures && s.value("failed", 0) > 0) {
            status = std::max(status, exit_failures);
        }
        if (!incomplete.empty()) status = std::max(status, exit_incomplete_results);
    }
    if (!o.write_baseline.empty()) {
        if (runs.size() != 1)
            throw std::runtime_error("--write-baseline needs results for exactly one agent");
        report::write_file_atomically(
            o.write_baseline,
            report::baseline_from_run(runs.front(), runs.front().value("strict", false))
                    .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n");
        std::cout << "baseline: " << o.write_baseline << "\n";
        // Writing a baseline is all that was asked unless reports were asked for too.
        if (!o.reports_asked) return status;
    }
    const auto formats = parse_formats(o.formats);
    const auto titles = formats.html ? catalog_group_titles(runs) : report::GroupTitles{};
    for (const auto& w : report::write_reports(runs, o.report_dir, formats, titles))
        std::cout << "report: " << w.path.string() << "\n";
    return status;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand(
        "report", "Re-render, merge or compare results (wsspec.json, Autobahn index.json)");
    cmd->footer(
        "Exit status: 0 written; 1 regressions (--baseline, --compare), new failing cases "
        "(--fail-on-new) or failures (--fail-on-failures); 2 bad input or a refused merge; "
        "3 incomplete results (missing shards, an interrupted run).");
    auto o = std::make_shared<ReportCommandOptions>();
    auto* from = cmd->add_option("--from", o->inputs,
                                 "Render reports from this wsspec.json (or a fuzz run's "
                                 "fuzz.json: its index.html, next to it by default)")
                     ->check(CLI::ExistingFile)
                     ->expected(1);
    auto* merge =
        cmd->add_option("--merge", o->inputs,
                        "Merge these results (shards of one run, or several agents side by side)")
            ->check(CLI::ExistingFile)
            ->expected(1, -1);
    auto* cmp = cmd->add_option("--compare", o->compare,
                                "Regressions and fixes from OLD to NEW (wsspec.json; OLD may "
                                "also be a baseline or an Autobahn index.json)")
                    ->check(CLI::ExistingFile)
                    ->expected(2);
    from->excludes(merge)->excludes(cmp);
    merge->excludes(cmp);
    auto* dir = cmd->add_option("--report-dir", o->report_dir,
                                "Directory for the reports (--compare: compare.json, compare.html)")
                    ->capture_default_str();
    auto* format = cmd->add_option("--format", o->formats,
                                   "Reports to write: json, autobahn, html, junit, all")
                       ->capture_default_str()
                       ->check(check_formats);
    cmd->add_option("--baseline", o->baseline,
                    "Check against known results; fail only on regressions")
        ->check(CLI::ExistingFile);
    cmd->add_option("--write-baseline", o->write_baseline,
                    "Write a wsspec baseline listing the cases that do not pass (only that, "
                    "unless --report-dir or --format is given)");
    cmd->add_option("--agent", o->agent, "The agent to use when a file holds several");
    cmd->add_flag("--strict", o->strict, "Count NON-STRICT results as failures");
    cmd->add_flag("--fail-on-failures", o->fail_on_failures,
                  "--from / --merge: exit 1 when a case does not pass (default: 0 once written)");
    cmd->add_flag("--fail-on-new", o->fail_on_new,
                  "--compare / --baseline: exit 1 when a case OLD never ran does not pass");
    cmd->add_flag("--strict-changes", o->strict_changes,
                  "--compare / --baseline: a failing case whose verdicts changed "
                  "(FAILED -> WRONG CODE) is a regression");
    cmd->callback([o, dir, format, &exit_status] {
        o->reports_asked = dir->count() > 0 || format->count() > 0;
        o->report_dir_given = dir->count() > 0;
        if (!o->compare.empty()) {
            exit_status = compare(*o);
        } else if (!o->inputs.empty()) {
            exit_status = render(*o);
        } else {
            throw CLI::ValidationError("report",
                                       "give --from FILE, --merge FILE... or --compare OLD NEW");
        }
    });
}

}  // namespace wsspec::cli
