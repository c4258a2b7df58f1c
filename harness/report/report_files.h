// Writing a run's reports into a directory: which formats, and the files each one makes.
// Every file is written atomically (temp file + rename).
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/report/html_writer.h"

namespace wsspec::report {

// Which reports to write (--format).
struct ReportFormats {
    bool json = false;      // wsspec.json
    bool autobahn = false;  // index.json + per-case JSON files
    bool html = false;      // index.html
    bool junit = false;     // junit.xml
};

struct WrittenReport {
    std::filesystem::path path;  // the main file of the format
    std::size_t bytes = 0;       // its size
    double ms = 0;               // time to make and write it (for autobahn: all its files)
};

// Writes the requested reports for `runs` (one per agent) into `dir`, in one pass over the
// cases, each made whole once (a record read back has its wire log deferred:
// deferred_members.h); files are moved into place at the end, wsspec.json first.
// `group_titles` titles the HTML page's sections for cases recorded without `group_title`.
std::vector<WrittenReport> write_reports(const std::vector<nlohmann::json>& runs,
                                         const std::filesystem::path& dir,
                                         const ReportFormats& formats,
                                         const GroupTitles& group_titles = {});

}  // namespace wsspec::report
