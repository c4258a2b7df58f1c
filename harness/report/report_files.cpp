#include "harness/report/report_files.h"

#include <chrono>
#include <functional>

#include "harness/report/atomic_file.h"
#include "harness/report/autobahn_writer.h"
#include "harness/report/html_writer.h"
#include "harness/report/junit_writer.h"
#include "harness/report/results_merge.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

// wsspec.json is indented one space per level: readable, and a third smaller than jq's 2.
constexpr int results_indent = 1;

WrittenReport timed(const std::filesystem::path& path, const std::function<std::size_t()>& write) {
    const auto start = std::chrono::steady_clock::now();
    WrittenReport r;
    r.path = path;
    r.bytes = write();
    r.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return r;
}

std::size_t write_text(const std::filesystem::path& path, const std::string& text) {
    write_file_atomically(path, text);
    return text.size();
}

}  // namespace

std::vector<WrittenReport> write_reports(const std::vector<nlohmann::json>& runs,
                                         const std::filesystem::path& dir,
                                         const ReportFormats& formats,
                                         const GroupTitles& group_titles) {
    std::vector<WrittenReport> written;
    if (formats.json) {
        written.push_back(timed(dir / "wsspec.json", [&] {
            // One run is written as it is; copying it into a results set would cost more
            // than the dump.
            return write_text(
                dir / "wsspec.json",
                runs.size() == 1
                    ? runs.front().dump(results_indent, ' ', false, last_resort)
                    : results_document(runs).dump(results_indent, ' ', false, last_resort));
        }));
    }
    if (formats.autobahn) {
        written.push_back(timed(dir / "index.json", [&] {
            write_autobahn_reports(runs, dir);
            std::error_code ec;
            const auto size = std::filesystem::file_size(dir / "index.json", ec);
            return ec ? std::size_t{0} : static_cast<std::size_t>(size);
        }));
    }
    if (formats.junit) {
        written.push_back(timed(dir / "junit.xml",
                                [&] { return write_text(dir / "junit.xml", junit_xml(runs)); }));
    }
    if (formats.html) {
        written.push_back(timed(dir / "index.html", [&] {
            return write_text(dir / "index.html", html_report(runs, group_titles));
        }));
    }
    return written;
}

}  // namespace wsspec::report
