// Autobahn|Testsuite-shaped reports, so scripts written for Autobahn read ours unchanged:
// index.json ({agent: {case id: {behavior, behaviorClose, duration, remoteCloseCode,
// reportfile}}}, sorted keys, indent 3, as ATS fuzzing.py createMasterReportJSON writes it)
// and one per-case JSON file per case with ATS's caseResult keys where wsspec has the data.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::report {

// ATS cleanForFilename: lower-case, every character outside [a-z0-9] becomes a space, the
// ends are trimmed, then each space becomes '_' ("WS-RS" -> "ws_rs").
std::string clean_for_filename(std::string_view agent);

// The agent part of per-case file names. ATS's cleanForFilename(agent) when that is not
// empty, at most 64 characters, and (`ats_name_unique`) no other agent of the same report
// cleans to it; otherwise the cleaned name cut to 40 characters, '-' and 32 hex digits of
// the SHA-256 of the raw agent name. So every agent of a report gets its own files
// ("a/b", "a?b" and "a_b" no longer share one) and no name grows past NAME_MAX.
std::string autobahn_agent_stem(std::string_view agent, bool ats_name_unique);

// The case id part: '.' -> '_' (ATS); an id with other characters than [A-Za-z0-9_-]
// (possible only in a results file given to `wsspec report`) is hashed.
std::string autobahn_case_file_part(std::string_view case_id);

// The per-case file name for an agent alone in its report:
// stem + "_case_" + id part + ".json" ("WS-RS", "1.2" -> "ws_rs_case_1_2.json").
std::string autobahn_report_filename(std::string_view agent, std::string_view case_id);

// The index.json object for these runs (cases that did not run are left out, as ATS does).
nlohmann::json autobahn_index(const std::vector<nlohmann::json>& runs);

// One case's ATS-style caseResult from a wsspec run and one of its case records.
nlohmann::json autobahn_case(const nlohmann::json& run, const nlohmann::json& case_record);

// index.json as ATS formats it: keys sorted, indent 3, non-ASCII escaped.
std::string autobahn_index_text(const std::vector<nlohmann::json>& runs);

// index.json and the per-case files written into a directory one case at a time (each
// file atomically). The runs' case records may be read-back ones (deferred_members.h):
// index.json needs only their verdicts, durations and close codes; add_case takes each
// record whole, after which finish writes index.json.
class AutobahnWriter {
  public:
    AutobahnWriter(const std::vector<nlohmann::json>& runs, std::filesystem::path dir);
    void add_case(const nlohmann::json& run, const nlohmann::json& record);
    // Writes index.json, removes the per-case files only a previous index.json listed, and
    // returns the size of index.json.
    std::size_t finish();

  private:
    const std::vector<nlohmann::json>& runs_;
    std::filesystem::path dir_;
    std::map<std::string, std::string> stems_;  // agent -> file name stem
    std::set<std::string> stale_;
};

// Writes index.json and the per-case files into `dir` (each atomically).
void write_autobahn_reports(const std::vector<nlohmann::json>& runs,
                            const std::filesystem::path& dir);

}  // namespace wsspec::report
