// index.html of a fuzz run (wsspec fuzz-server / fuzz-client): one self-contained page, like
// the results page (html_writer.h) and sharing its styles and helpers, with fuzz.json
// embedded: the run's summary, findings by kind, a chart of execs, response signatures,
// corpus size and findings over time (inline SVG), and for each finding its minimized steps,
// case JSON, expected vs observed, the peer's last output for crashes, and the wire log of
// the run that confirmed it. The template is reports/template/fuzz_report.html.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace wsspec::report {

// Timeline points the page's chart keeps (one a second in fuzz.json: a long run is thinned).
inline constexpr std::size_t fuzz_html_timeline_points = 1200;
// Characters kept of a crashed peer's last output.
inline constexpr std::size_t fuzz_html_output_chars = 16384;

// Whether `doc` is a fuzz run's report (fuzz.json), not test results.
bool is_fuzz_report(const nlohmann::json& doc);

// The data embedded in the page: the run, every peer string escaped (utf8_escape.h), each
// finding's reproducer record trimmed as the results page trims a failing case, links to
// the finding files (and a merged run's worker reports) made relative to `report_dir`
// where those files are found, and the timeline thinned to fuzz_html_timeline_points.
nlohmann::json fuzz_html_data(const nlohmann::json& run, const std::filesystem::path& report_dir);

// The page for `run`, to be written as REPORT_DIR/index.html.
std::string fuzz_html_report(const nlohmann::json& run, const std::filesystem::path& report_dir);

}  // namespace wsspec::report
