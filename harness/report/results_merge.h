// Reading results back and putting them together: a wsspec.json holds one run; a results
// set ("wsspec-results-set") holds several agents side by side. Shards of one agent's run
// (--shard I/N) merge into one run equal to an unsharded one; different agents stay
// separate runs, shown as columns.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace wsspec::report {

inline constexpr int results_set_format_version = 1;

// The runs in a wsspec.json or results-set file (read case by case, results_reader.h: the
// records' wire logs and events stay deferred until a writer needs them), or an Autobahn
// index.json. Throws std::runtime_error naming the file when it is unreadable or not a
// wsspec results document.
std::vector<nlohmann::json> load_runs(const std::filesystem::path& file);

// The runs in a parsed document (one run, a results set, or an Autobahn index.json);
// `source` names it in errors.
std::vector<nlohmann::json> runs_of(const nlohmann::json& doc, const std::string& source);

// True for an Autobahn|Testsuite index.json: {agent: {case id: {behavior, ...}}}.
bool is_autobahn_index(const nlohmann::json& doc);

// An Autobahn index.json as wsspec runs (one per agent; mode "autobahn"), so Autobahn
// results can be compared with or shown next to wsspec's. Descriptions and reasons are
// read from the per-case report files when they sit in `report_dir`.
std::vector<nlohmann::json> runs_from_autobahn_index(const nlohmann::json& index,
                                                     const std::filesystem::path& report_dir);

// Runs of the same agent are merged: cases in catalog order, renumbered, summary
// recomputed, started/finished spanning all parts, complete only when every part was and
// every shard 1..N is present. Shards (--shard I/N, also a lone one) are checked to come
// from one sharded run: a different N, catalog or selection, or a shard given twice,
// throws std::runtime_error. The cases of a missing shard are added as not run (with
// "missing_shard": "I/N") when the shards recorded their selection, and the merged run
// lists "missing_shards". A whole run whose case ids overlap an earlier part of the same
// agent is kept as its own column, named "AGENT #2" (and a warning says so). `warnings`
// gets one line per such decision or inconsistency (may be null).
// The runs are taken by value and their cases moved into the result: pass them with
// std::move when they are large.
std::vector<nlohmann::json> merge_runs(std::vector<nlohmann::json> runs,
                                       std::vector<std::string>* warnings);

// Why a run is incomplete, for banners and summaries: "incomplete: shard 3 of 3 missing
// (41 cases not run)" or "incomplete: interrupted (12 cases not run)"; empty when complete.
std::string incompleteness(const nlohmann::json& run);

// What is written as wsspec.json: the run itself when there is one, else a results set.
nlohmann::json results_document(const std::vector<nlohmann::json>& runs);

}  // namespace wsspec::report
