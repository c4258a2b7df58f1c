#include "harness/report/report_files.h"

#include <chrono>
#include <optional>

#include "harness/report/atomic_file.h"
#include "harness/report/autobahn_writer.h"
#include "harness/report/deferred_members.h"
#include "harness/report/html_writer.h"
#include "harness/report/junit_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/results_json_writer.h"

namespace wsspec::report {
namespace {

using Clock = std::chrono::steady_clock;

// Time spent in one format's writer, summed over the pass.
class Stopwatch {
  public:
    template <typename F>
    void time(F&& f) {
        const auto start = Clock::now();
        f();
        ms_ += std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    }
    [[nodiscard]] double ms() const { return ms_; }

  private:
    double ms_ = 0;
};

}  // namespace

std::vector<WrittenReport> write_reports(const std::vector<nlohmann::json>& runs,
                                         const std::filesystem::path& dir,
                                         const ReportFormats& formats,
                                         const GroupTitles& group_titles) {
    std::filesystem::create_directories(dir);
    // Every format is written in one pass over the cases, each case made whole (its wire
    // log parsed, for records read back) once and then dropped: the reports of a large run
    // never exist in memory all at once. Files are written to temporary names and moved
    // into place at the end, wsspec.json first.
    Stopwatch json_time, autobahn_time, junit_time, html_time;
    std::optional<AtomicFileWriter> json_file, junit_file, html_file;
    std::optional<ResultsJsonWriter> results;
    std::optional<AutobahnWriter> autobahn;
    std::optional<JunitWriter> junit;
    std::optional<HtmlWriter> html;
    if (formats.json) {
        json_time.time([&] {
            json_file.emplace(dir / "wsspec.json");
            results.emplace(*json_file, runs.size());
        });
    }
    if (formats.autobahn) autobahn_time.time([&] { autobahn.emplace(runs, dir); });
    if (formats.junit) {
        junit_time.time([&] {
            junit_file.emplace(dir / "junit.xml");
            junit.emplace(*junit_file, runs);
        });
    }
    if (formats.html) {
        html_time.time([&] {
            html_file.emplace(dir / "index.html");
            html.emplace(*html_file, group_titles);
        });
    }
    for (const auto& run : runs) {
        if (results) json_time.time([&] { results->begin_run(run); });
        if (junit) junit_time.time([&] { junit->begin_run(run); });
        if (html) html_time.time([&] { html->begin_run(run); });
        for (const auto& c : array_at(run, "cases")) {
            nlohmann::json storage;
            const nlohmann::json* record = &c;
            // Parsing what a record read back deferred counts as wsspec.json's time when it
            // is written, else as the first format's.
            Stopwatch& parse_time = results    ? json_time
                                    : autobahn ? autobahn_time
                                    : junit    ? junit_time
                                               : html_time;
            parse_time.time([&] { record = &whole_case(c, storage); });
            if (results) json_time.time([&] { results->add_case(*record); });
            if (autobahn) autobahn_time.time([&] { autobahn->add_case(run, *record); });
            if (junit) junit_time.time([&] { junit->add_case(*record); });
            if (html) html_time.time([&] { html->add_case(*record); });
        }
        if (results) json_time.time([&] { results->end_run(run); });
        if (junit) junit_time.time([&] { junit->end_run(run); });
        if (html) html_time.time([&] { html->end_run(run); });
    }
    std::vector<WrittenReport> written;
    const auto done = [&](const std::filesystem::path& path, std::size_t bytes, double ms) {
        written.push_back({path, bytes, ms});
    };
    if (results) {
        std::size_t bytes = 0;
        json_time.time([&] {
            results->finish();
            bytes = json_file->commit();
        });
        done(dir / "wsspec.json", bytes, json_time.ms());
    }
    if (autobahn) {
        std::size_t bytes = 0;
        autobahn_time.time([&] { bytes = autobahn->finish(); });
        done(dir / "index.json", bytes, autobahn_time.ms());
    }
    if (junit) {
        std::size_t bytes = 0;
        junit_time.time([&] {
            junit->finish();
            bytes = junit_file->commit();
        });
        done(dir / "junit.xml", bytes, junit_time.ms());
    }
    if (html) {
        std::size_t bytes = 0;
        html_time.time([&] {
            html->finish();
            bytes = html_file->commit();
        });
        done(dir / "index.html", bytes, html_time.ms());
    }
    return written;
}

}  // namespace wsspec::report
