// wsspec.json: the full results of a run, the one source every other report is made from.
// Versioned and documented in reports/wsspec-results.schema.json.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "harness/oracle/case_outcome.h"
#include "harness/report/run_info.h"
#include "harness/report/wire_excerpt.h"

namespace wsspec::report {

inline constexpr int results_format_version = 1;

// The results document of a run. A case that passed keeps only the two ends of its wire log
// unless `wire_log` is full (wire_excerpt.h); its record says so in "wire_excerpt".
nlohmann::json results_to_json(const RunInfo& info,
                               const std::vector<oracle::CaseOutcome>& outcomes, bool strict,
                               WireLogPolicy wire_log = WireLogPolicy::excerpt_passing);

// One case's record (also used for Autobahn-shaped per-case files).
nlohmann::json case_to_json(const oracle::CaseOutcome& outcome,
                            WireLogPolicy wire_log = WireLogPolicy::excerpt_passing);

// A member of a JSON object by reference, or a shared empty array / object when it is
// absent or of another type (json::value() would copy whole case lists).
const nlohmann::json& array_at(const nlohmann::json& obj, const char* key);
const nlohmann::json& object_at(const nlohmann::json& obj, const char* key);

// "1.1.1" -> "1", "hs.8.3" -> "hs": the group a case is counted and filtered under.
std::string case_category(const std::string& id);

// Whether a case record (as case_to_json writes it) passes: neither verdict is a failure;
// NON-STRICT fails only with `strict`; a case that did not run does not pass.
bool case_passed(const nlohmann::json& case_record, bool strict);

// The "summary" object of a results document, recomputed from its case records (used when
// shards are merged): total, passed, failed, not_run, verdict counts overall and per category.
nlohmann::json summarize(const nlohmann::json& case_records, bool strict);

}  // namespace wsspec::report
