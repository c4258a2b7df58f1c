#include "harness/cli/fuzz_run_output.h"

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
              << " not judged (an extension agreed), " << stats.liveness_checks
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

}  // namespace wsspec::cli
