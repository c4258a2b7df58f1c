// The outputs of `wsspec report --compare OLD NEW`: compare.json (the buckets of a
// BaselineCheck, for tools) and compare.html (the same lists, for people). Documented in
// reports/README.md.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/report/baseline.h"
#include "harness/report/report_files.h"

namespace wsspec::report {

inline constexpr int compare_format_version = 1;

struct Comparison {
    std::string old_file;
    std::string new_file;
    std::string agent;
    // transport_of_run() of each side: an h1 run and an h2 run of one server compared.
    std::string old_transport;
    std::string new_transport;
    CheckRules rules;
    bool fail_on_new = false;
    bool failed = false;  // what the exit status says
};

// {"format": "wsspec-compare", "format_version", "old", "new", "agent", "old_transport",
//  "new_transport" (when known), "rules",
//  "failed", "counts", and the buckets of to_json(check, baseline)}
nlohmann::json compare_json(const Comparison& c, const BaselineCheck& check,
                            const Baseline& baseline);

// A self-contained page listing every bucket, regressions first.
std::string compare_html(const nlohmann::json& compare);

// Writes compare.json and compare.html into `dir` (atomically).
std::vector<WrittenReport> write_compare(const nlohmann::json& compare,
                                         const std::filesystem::path& dir);

}  // namespace wsspec::report
