#include "harness/cli/fuzz_run_output.h"

#include <chrono>
#include <iostream>
#include <random>

#include "harness/cases/case_writer.h"
#include "harness/report/atomic_file.h"
#include "harness/report/fuzz_html_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/run_info.h"
#include "harness/report/transport_label.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::cli {
namespace {

using nlohmann::json;

json finding_json(const fuzzer::Finding& f) {
    json j = {{"id", f.id},
              {"kind", f.kind},
              {"signature", f.signature},
              {"seed", f.seed},
              {"origin", f.origin},
              {"mutations", f.mutations},
              {"exec", f.exec},
              {"at_s", f.at_s},
              {"steps_found", f.steps_found},
              {"steps_minimized", f.steps_minimized},
              {"minimize_runs", f.minimize_runs},
              {"result", f.result},
              {"expected", f.expected},
              {"observed", f.observed},
              {"file", f.file.string()},
              {"case", cases::case_to_json(f.c)}};
    if (!f.output_tail.empty()) j["output_tail"] = f.output_tail;
    if (f.replay) {
        oracle::CaseOutcome run;
        run.c = &f.c;
        run.index = 1;
        run.obs = f.replay->obs;
        run.judgement = f.replay->judgement;
        run.ran = true;
        j["replay"] = report::case_to_json(run);
    } else {
        j["replay"] = nullptr;
    }
    return j;
}

}  // namespace

json fuzz_report_json(const fuzzer::FuzzStats& stats, const fuzzer::FuzzSettings& settings,
                      const std::string& target) {
    const auto finished = std::chrono::system_clock::now();
    const auto started = finished - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                        std::chrono::duration<double>(stats.elapsed_s));
    json j;
    j["tool"] = "wsspec";
    j["wsspec_version"] = WSSPEC_VERSION;
    j["mode"] = settings.peer == cases::Role::server ? "fuzz-server" : "fuzz-client";
    j["target"] = target;
    if (const std::string transport = report::transport_of_target(target); !transport.empty())
        j["transport"] = transport;
    j["seed"] = settings.seed;
    j["options"] = {{"runs", settings.runs ? json(*settings.runs) : json(nullptr)},
                    {"time_s", settings.time_s},
                    {"answer_timeout_ms", settings.answer_timeout_ms},
                    {"liveness_every", settings.liveness_every},
                    {"exec", settings.supervisor != nullptr}};
    j["started"] = report::iso_utc(started);
    j["finished"] = report::iso_utc(finished);
    j["duration_s"] = stats.elapsed_s;
    j["execs"] = stats.execs;
    j["execs_per_s"] = stats.elapsed_s > 0 ? static_cast<double>(stats.execs) / stats.elapsed_s : 0;
    j["skipped_inputs"] = stats.skipped;
    j["tolerated"] = stats.tolerated;
    j["liveness_checks"] = stats.liveness_checks;
    j["restarts"] = stats.restarts;
    j["slow_answers"] = stats.slow;
    j["unreproduced"] = stats.unreproduced;
    j["handshake_refused"] = stats.handshake_refused;
    j["extension_agreed"] = stats.extension_agreed;
    j["request_with_content"] = stats.request_body;
    j["invalid_request_accepted"] = stats.invalid_request_accepted;
    j["corpus_loaded"] = stats.corpus_loaded;
    j["corpus_saved"] = stats.corpus_saved;
    j["corpus"] = stats.corpus;
    j["signatures"] = stats.signatures.size();
    j["outcomes"] = stats.outcomes;
    if (settings.supervisor != nullptr && stats.rss_baseline != 0) {
        j["resources"] = {{"rss_baseline", stats.rss_baseline},
                          {"rss_peak", stats.rss_peak},
                          {"fds_baseline", stats.fds_baseline},
                          {"fds_peak", stats.fds_peak}};
    }
    j["interrupted"] = stats.interrupted;
    if (!stats.error.empty()) j["error"] = stats.error;
    j["findings_by_kind"] = stats.findings_by_kind();
    json timeline = json::array();
    for (const auto& p : stats.timeline) {
        timeline.push_back({{"t", p.t},
                            {"execs", p.execs},
                            {"corpus", p.corpus},
                            {"signatures", p.signatures},
                            {"findings", p.findings}});
    }
    j["timeline"] = std::move(timeline);
    json findings = json::array();
    for (const auto& f : stats.findings)
        findings.push_back(finding_json(f));
    j["findings"] = std::move(findings);
    // Results, observations and the crashed peer's output come from the peer.
    report::escape_invalid_utf8_in(j);
    return j;
}

std::filesystem::path write_fuzz_reports(const json& run, const std::filesystem::path& report_dir) {
    std::filesystem::create_directories(report_dir);
    const auto path = report_dir / "fuzz.json";
    report::write_file_atomically(path, run.dump(2, ' ', false, report::last_resort) + "\n");
    report::write_file_atomically(report_dir / "index.html",
                                  report::fuzz_html_report(run, report_dir));
    return path;
}

int finish_fuzz_run(const fuzzer::FuzzStats& stats, const fuzzer::FuzzSettings& settings,
                    const std::string& command, const std::string& target,
                    const std::string& replay, const std::filesystem::path& report_dir) {
    int status = 0;
    if (!stats.error.empty()) {
        // e.g. the supervised peer cannot be restarted: say so, keep what was found.
        std::cerr << "wsspec " << command << ": stopped early: " << stats.error << "\n";
        status = 2;
    }
    const char* peer = settings.peer == cases::Role::server ? "server" : "client";
    std::cout << stats.summary_line() << (stats.interrupted ? " (interrupted)" : "") << "\n";
    std::cout << "fuzz: run seed " << settings.seed << "; " << stats.skipped
              << " inputs skipped (they end inside a frame or announce one beyond 64 MiB), "
              << stats.tolerated << " tolerated refusals, " << stats.slow
              << " slow answers (no finding with a patient deadline), " << stats.unreproduced
              << " findings that did not happen again, " << stats.handshake_refused
              << " edited handshakes refused, " << stats.extension_agreed
              << " not judged (an extension agreed), " << stats.request_body
              << " not judged (a request with content accepted), " << stats.invalid_request_accepted
              << " not judged (a request RFC 6455 refuses accepted), " << stats.liveness_checks
              << " liveness checks, " << stats.restarts << " restarts\n";
    if (!settings.corpus_dir.empty()) {
        std::cout << "fuzz: corpus " << settings.corpus_dir.string() << ": " << stats.corpus_loaded
                  << " inputs loaded, " << stats.corpus_saved << " added\n";
    }
    if (settings.supervisor != nullptr && stats.rss_baseline != 0) {
        std::cout << "fuzz: the " << peer << " held " << (stats.rss_baseline >> 20) << " MiB and "
                  << stats.fds_baseline << " descriptors after warming up, at most "
                  << (stats.rss_peak >> 20) << " MiB and " << stats.fds_peak << "\n";
    }
    for (const auto& f : stats.findings) {
        std::cout << "finding " << f.id << " [" << f.kind << "] " << f.result << "\n";
        if (!f.file.empty()) std::cout << "  replay: " << replay << " " << f.file.string() << "\n";
    }
    if (!report_dir.empty()) {
        const auto path = write_fuzz_reports(fuzz_report_json(stats, settings, target), report_dir);
        std::cout << "fuzz: report written to " << path.string() << " and "
                  << (report_dir / "index.html").string() << "\n";
    }
    if (!stats.findings.empty()) return 1;
    return status;
}

std::uint64_t FuzzRunOptions::chosen_seed() const {
    return seed_given ? seed : std::random_device{}() | 1ULL << 32;
}

void add_fuzz_run_options(CLI::App& cmd, FuzzRunOptions& o, const std::string& peer) {
    auto* time = cmd.add_option("--time", o.time_s, "Seconds to fuzz")
                     ->capture_default_str()
                     ->check(CLI::Range(0.1, 31536000.0));
    auto* runs = cmd.add_option("--runs", o.runs, "Inputs to run (instead of --time)")
                     ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    time->excludes(runs);
    cmd.add_option("--max-findings", o.max_findings,
                   "Stop once this many distinct findings are kept (0: at the end of --time or "
                   "--runs only; with -j, the run ends when one worker has them)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
    cmd.add_option("--seed", o.seed, "RNG seed (default: random, printed)");
    cmd.add_option("--findings", o.findings_dir,
                   "Directory for findings as case files (default: REPORT_DIR/findings)");
    cmd.add_option("--corpus", o.corpus_dir,
                   "Directory of kept inputs: loaded at the start, and every input that made "
                   "new behaviour is added as a case file (runs and machines may share it)");
    cmd.add_option("--report-dir", o.report_dir,
                   "Directory for the run's report: fuzz.json and index.html");
    cmd.add_option("--timeout", o.timeout_ms,
                   "ms a " + peer + " has to answer one input before it counts as a hang")
        ->capture_default_str()
        ->check(CLI::Range(50, 600000));
    cmd.add_option("--liveness-every", o.liveness_every,
                   "Inputs between liveness checks (a handshake and one echo)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd.add_option("--rss-limit", o.rss_limit_mib,
                   "With --exec: MiB the " + peer +
                       "'s resident memory may grow over its level after start before it is a "
                       "finding")
        ->capture_default_str()
        ->check(CLI::Range(1, 1 << 20));
    cmd.add_option("--fd-limit", o.fd_limit,
                   "With --exec: open descriptors the " + peer +
                       " may gain over its level after start before it is a finding")
        ->capture_default_str()
        ->check(CLI::Range(1, 1 << 20));
}

void note_given_fuzz_run_options(const CLI::App& cmd, FuzzRunOptions& o) {
    o.seed_given = cmd.count("--seed") > 0;
    o.runs_given = cmd.count("--runs") > 0;
}

void apply_fuzz_run_options(const FuzzRunOptions& o, fuzzer::FuzzSettings& settings,
                            const std::atomic<bool>* stop) {
    settings.seed = o.chosen_seed();
    if (o.runs_given) settings.runs = o.runs;
    settings.time_s = o.time_s;
    settings.max_findings = o.max_findings;
    settings.answer_timeout_ms = o.timeout_ms;
    settings.liveness_every = o.liveness_every;
    settings.rss_limit_bytes = o.rss_limit_mib << 20;
    settings.fd_limit = o.fd_limit;
    settings.findings_dir = o.findings_dir;
    settings.corpus_dir = o.corpus_dir;
    if (settings.findings_dir.empty() && !o.report_dir.empty())
        settings.findings_dir = std::filesystem::path(o.report_dir) / "findings";
    settings.stop = stop;
    settings.log = [](const std::string& line) { std::cout << line << std::endl; };
}

}  // namespace wsspec::cli
