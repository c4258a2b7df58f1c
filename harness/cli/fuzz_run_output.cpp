#include "harness/cli/fuzz_run_output.h"

#include <random>

#include <fstream>
#include <iostream>

namespace wsspec::cli {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    std::filesystem::rename(tmp, path);
}

}  // namespace

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
              << " not judged (a request with content accepted), " << stats.liveness_checks
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
        const auto path = report_dir / "fuzz.json";
        write_text(path, fuzzer::fuzz_report_json(stats, settings, target));
        std::cout << "fuzz: report written to " << path.string() << "\n";
    }
    if (!stats.findings.empty()) return 1;
    return status;
}

std::uint64_t FuzzRunOptions::chosen_seed() const {
    return seed_given ? seed : std::random_device{}() | 1ULL << 32;
}

void add_fuzz_run_options(CLI::App& cmd, FuzzRunOptions& o) {
    auto* time = cmd.add_option("--time", o.time_s, "Seconds to fuzz")
                     ->capture_default_str()
                     ->check(CLI::Range(0.1, 31536000.0));
    auto* runs = cmd.add_option("--runs", o.runs, "Inputs to run (instead of --time)")
                     ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    time->excludes(runs);
    cmd.add_option("--seed", o.seed, "RNG seed (default: random, printed)");
    cmd.add_option("--findings", o.findings_dir,
                   "Directory for findings as case files (default: REPORT_DIR/findings)");
    cmd.add_option("--corpus", o.corpus_dir,
                   "Directory of kept inputs: loaded at the start, and every input that made "
                   "new behaviour is added as a case file (runs and machines may share it)");
    cmd.add_option("--report-dir", o.report_dir, "Directory for fuzz.json");
}

void note_given_fuzz_run_options(const CLI::App& cmd, FuzzRunOptions& o) {
    o.seed_given = cmd.count("--seed") > 0;
    o.runs_given = cmd.count("--runs") > 0;
}

}  // namespace wsspec::cli
