// Baselines: what a project already knows about its implementation, so CI fails only on
// regressions. Three sources are accepted:
//   - a wsspec baseline file ("format": "wsspec-baseline"): expected non-OK cases (ids or
//     globs) with reasons and, optionally, the verdicts they are expected to have;
//   - a previous wsspec.json (every case's verdicts become the reference);
//   - an Autobahn|Testsuite index.json (the agent's behavior / behaviorClose per case).
// The format is documented in reports/README.md and reports/wsspec-baseline.schema.json.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wsspec::report {

inline constexpr int baseline_format_version = 1;

// What the baseline says about one case. Without verdicts, the case is simply expected not
// to pass; with them, a worse verdict than recorded is a regression too.
struct ReferenceVerdict {
    std::optional<std::string> behavior;
    std::optional<std::string> behavior_close;
    std::string reason;
};

struct Baseline {
    std::string source;  // the file, for messages
    std::string kind;    // "wsspec-baseline", "wsspec-results" or "autobahn-index"
    std::map<std::string, ReferenceVerdict> exact;
    std::vector<std::pair<std::string, ReferenceVerdict>> globs;  // in file order
    // The entry for a case id: an exact id first, else the first glob that matches.
    [[nodiscard]] const ReferenceVerdict* find(const std::string& id) const;
};

// Reads any of the three sources. `agent` picks the agent in an Autobahn index.json or a
// results set with several (an exact match, else the only one). Throws std::runtime_error.
Baseline load_baseline(const std::filesystem::path& file, const std::string& agent);
Baseline baseline_from_json(const nlohmann::json& doc, const std::string& agent,
                            const std::string& source);

// How strictly a run is held to its reference.
struct CheckRules {
    bool strict = false;          // NON-STRICT counts as a failure
    bool strict_changes = false;  // a failing case whose verdicts changed is a regression
};

// One case whose standing relative to the baseline is worth a line.
struct CaseChange {
    std::string id;
    std::string before;  // "FAILED / OK", or "expected not to pass", or "not in baseline"
    std::string now;     // "OK / OK"
    std::string reason;  // baseline reason (known, fixed) or the failure's reason (regression)
    bool fails = false;  // does not pass now
};

// Every list is in case id order (5.2 before 5.10).
struct BaselineCheck {
    // Fail now, and the reference says they passed (or, for a wsspec baseline file, does not
    // list them); with strict_changes also failures whose verdicts changed.
    std::vector<CaseChange> regressions;
    std::vector<CaseChange> fixed;  // pass now, and the reference expected them not to
    std::vector<CaseChange> known;  // fail now, as the reference expected
    // Verdicts differ but the standing does not: both pass, or both fail (FAILED -> WRONG
    // CODE) without strict_changes.
    std::vector<CaseChange> changed;
    // Ran now, but the reference (a previous run or an Autobahn index.json) never ran them:
    // a grown catalog or selection. Not regressions; --fail-on-new fails on the failing ones.
    std::vector<CaseChange> new_cases;
    std::vector<std::string> missing;  // exact ids in the reference that this run lacks
    [[nodiscard]] std::size_t new_failures() const;
};

// Compares every case that ran in `run` (a wsspec-results document) with the baseline.
BaselineCheck check_against(const Baseline& baseline, const nlohmann::json& run,
                            const CheckRules& rules);
inline BaselineCheck check_against(const Baseline& baseline, const nlohmann::json& run,
                                   bool strict) {
    return check_against(baseline, run, CheckRules{strict, false});
}

// {"source", "kind", "regressions": [...], "fixed": [...], "known": [...], "changed": [...],
//  "new_cases": [...], "missing": [ids]}
nlohmann::json to_json(const BaselineCheck& check, const Baseline& baseline);

// A wsspec baseline listing every case of `run` that does not pass, with its verdicts and
// reason: the starting point a project commits and then edits.
nlohmann::json baseline_from_run(const nlohmann::json& run, bool strict);

}  // namespace wsspec::report
