#include "harness/cli/report_options.h"

#include <filesystem>
#include <iostream>

#include "harness/report/atomic_file.h"
#include "harness/report/results_json.h"
#include "harness/report/summary_table.h"

namespace wsspec::cli {

void ReportOptions::add_to(CLI::App& cmd) {
    cmd.add_option("--report-dir", report_dir, "Directory for the reports")->capture_default_str();
    cmd.add_flag("--strict", strict, "Count NON-STRICT results as failures");
    cmd.add_flag("-q,--quiet", quiet, "No progress output");
}

std::vector<const cases::Case*> apply_shard(const ReportOptions&,
                                            const std::vector<const cases::Case*>& selected) {
    return selected;
}

int finish_run(const ReportOptions& options, const report::RunInfo& info,
               const std::vector<runner::CaseOutcome>& outcomes, bool color) {
    const auto results = report::results_to_json(info, outcomes, options.strict);
    const std::filesystem::path out = std::filesystem::path(options.report_dir) / "wsspec.json";
    report::write_file_atomically(out, results.dump(1));
    report::print_summary(std::cout, outcomes, options.strict, color);
    std::cout << "results: " << out.string() << (info.complete ? "" : " (incomplete: interrupted)")
              << "\n";
    if (!info.complete) return 130;
    return results["summary"]["failed"].get<int>() > 0 ? 1 : 0;
}

}  // namespace wsspec::cli
