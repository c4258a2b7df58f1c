// Merging results (harness/report/results_merge.h): shard results of one agent merged
// into the unsharded run, incomplete and overlapping shard sets, several agents, and runs
// read from an Autobahn index.
#include "harness/report/results_merge.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "harness/report/autobahn_writer.h"

#include "tests/unit/report_test_runs.h"

namespace wsspec::report {
namespace {

using nlohmann::json;
using testing::CaseSpec;
using testing::SyntheticRun;

TEST(MergeRuns, ShardsOfOneAgentEqualTheUnshardedRun) {
    const std::vector<CaseSpec> specs = {
        {"1.1.1"}, {"1.1.2", "FAILED"},    {"2.1"},
        {"2.2"},   {"2.10", "NON-STRICT"}, {"5.1", "OK", "WRONG CODE"},
        {"hs.1.1"}};  // catalog order
    SyntheticRun whole("srv");
    for (const auto& s : specs)
        whole.add(s);
    std::vector<json> parts;
    for (int shard = 0; shard < 3; ++shard) {
        SyntheticRun part("srv");
        for (std::size_t k = static_cast<std::size_t>(shard); k < specs.size(); k += 3)
            part.add(specs[k]);
        json doc = part.json();
        doc["options"]["shard"] = std::to_string(shard + 1) + "/3";
        parts.push_back(doc);
    }
    std::reverse(parts.begin(), parts.end());  // order of the files must not matter
    std::vector<std::string> warnings;
    const auto merged = merge_runs(parts, &warnings);
    EXPECT_TRUE(warnings.empty());
    ASSERT_EQ(merged.size(), 1U);
    const json expected = whole.json();
    EXPECT_EQ(merged[0]["summary"], expected["summary"]);
    EXPECT_TRUE(merged[0]["complete"]);
    ASSERT_EQ(merged[0]["cases"].size(), expected["cases"].size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const json& a = merged[0]["cases"][i];
        const json& b = expected["cases"][i];
        EXPECT_EQ(a["id"], b["id"]);
        EXPECT_EQ(a["index"], b["index"]);
        EXPECT_EQ(a["behavior"], b["behavior"]);
        EXPECT_EQ(a["behavior_close"], b["behavior_close"]);
        EXPECT_EQ(a["passed"], b["passed"]);
    }
}

// A shard as test-server --shard I/N records it.
json shard_part(const std::vector<std::string>& ids, int index, int count,
                const std::vector<std::string>& selected, const std::string& catalog = "c1") {
    SyntheticRun part("srv");
    for (const auto& id : ids)
        part.add({id});
    json doc = part.json();
    doc["catalog_version"] = catalog;
    doc["options"]["shard"] = std::to_string(index) + "/" + std::to_string(count);
    doc["shard"] = {{"index", index}, {"count", count}, {"selected", selected}};
    return doc;
}

const std::vector<std::string> selection = {"1.1.1", "1.1.2", "2.1", "2.2", "2.10"};

TEST(MergeRuns, MissingShardMakesTheMergeIncomplete) {
    // Shard k of 3 gets cases k-1, k+2, ...: 1 -> 1.1.1, 2.2; 2 -> 1.1.2, 2.10; 3 -> 2.1.
    std::vector<std::string> warnings;
    const auto merged = merge_runs({shard_part({"1.1.1", "2.2"}, 1, 3, selection),
                                    shard_part({"1.1.2", "2.10"}, 2, 3, selection)},
                                   &warnings);
    ASSERT_EQ(merged.size(), 1U);
    EXPECT_FALSE(merged[0]["complete"]);
    EXPECT_EQ(merged[0]["missing_shards"], json::array({3}));
    EXPECT_EQ(merged[0]["summary"]["total"], 5);
    EXPECT_EQ(merged[0]["summary"]["not_run"], 1);
    EXPECT_EQ(merged[0]["cases"][2]["id"], "2.1");
    EXPECT_EQ(merged[0]["cases"][2]["missing_shard"], "3/3");
    EXPECT_EQ(incompleteness(merged[0]), "incomplete: shard 3 of 3 missing (1 cases not run)");
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0], "agent 'srv': shard 3/3 is missing (1 cases not run)");
}

TEST(MergeRuns, ALoneShardIsIncomplete) {
    const auto merged = merge_runs({shard_part({"1.1.1", "2.2"}, 1, 3, selection)}, nullptr);
    ASSERT_EQ(merged.size(), 1U);
    EXPECT_FALSE(merged[0]["complete"]);
    EXPECT_EQ(merged[0]["missing_shards"], json::array({2, 3}));
    EXPECT_EQ(merged[0]["summary"]["passed"], 2);
    EXPECT_EQ(merged[0]["summary"]["not_run"], 3);
    EXPECT_EQ(incompleteness(merged[0]), "incomplete: shards 2, 3 of 3 missing (3 cases not run)");
}

TEST(MergeRuns, RefusesShardsThatAreNotOneRun) {
    const json one = shard_part({"1.1.1", "2.2"}, 1, 3, selection);
    // The same shard twice.
    EXPECT_THROW(merge_runs({one, one}, nullptr), std::runtime_error);
    // Another catalog.
    EXPECT_THROW(merge_runs({one, shard_part({"1.1.2", "2.10"}, 2, 3, selection, "c2")}, nullptr),
                 std::runtime_error);
    // Another split.
    EXPECT_THROW(merge_runs({one, shard_part({"1.1.2"}, 2, 4, selection)}, nullptr),
                 std::runtime_error);
    // Another selection.
    EXPECT_THROW(merge_runs({one, shard_part({"1.1.2"}, 2, 3, {"1.1.1", "1.1.2"})}, nullptr),
                 std::runtime_error);
    try {
        merge_runs({one, one}, nullptr);
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot merge the results of agent 'srv': shard 1/3 is given twice");
    }
}

TEST(MergeRuns, OlderShardsWithoutASelectionStillCountMissingShards) {
    SyntheticRun part("srv");
    part.add({"1.1.1"});
    json doc = part.json();
    doc["options"]["shard"] = "1/2";
    const auto merged = merge_runs({doc}, nullptr);
    ASSERT_EQ(merged.size(), 1U);
    EXPECT_FALSE(merged[0]["complete"]);
    EXPECT_EQ(merged[0]["missing_shards"], json::array({2}));
}

TEST(MergeRuns, DifferentAgentsStaySeparate) {
    SyntheticRun a("A"), b("B");
    a.add({"1.1.1"});
    b.add({"1.1.1", "FAILED"});
    const auto merged = merge_runs({a.json(), b.json()}, nullptr);
    ASSERT_EQ(merged.size(), 2U);
    const json set = results_document(merged);
    EXPECT_EQ(set["format"], "wsspec-results-set");
    EXPECT_EQ(runs_of(set, "set").size(), 2U);
}

TEST(RunsOf, ReadsAnAutobahnIndex) {
    const json index = json::parse(R"({"Srv": {
        "1.1.2": {"behavior": "OK", "behaviorClose": "OK", "duration": 2, "remoteCloseCode": 1000, "reportfile": "srv_case_1_1_2.json"},
        "1.1.10": {"behavior": "FAILED", "behaviorClose": "OK", "duration": 2, "remoteCloseCode": null, "reportfile": "srv_case_1_1_10.json"}}})");
    const auto runs = runs_of(index, "/nonexistent/index.json");
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0]["cases"][0]["id"], "1.1.2");
    EXPECT_EQ(runs[0]["summary"]["failed"], 1);
}

TEST(RunsOf, AutobahnPerCaseFilesSupplyCloseBytesAndWireLog) {
    // Round trip through the Autobahn writer: what it wrote is read back.
    SyntheticRun run("srv");
    run.add({"1.1.1"}).add({"2.5", "FAILED"});
    const auto dir = std::filesystem::temp_directory_path() /
                     ("wsspec-autobahn-import-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    write_autobahn_reports({run.json()}, dir);
    const auto runs = load_runs(dir / "index.json");
    std::filesystem::remove_all(dir);
    ASSERT_EQ(runs.size(), 1U);
    const json& c = runs[0]["cases"][1];
    EXPECT_EQ(c["id"], "2.5");
    EXPECT_EQ(c["close"]["was_clean"], true);
    EXPECT_EQ(c["close"]["remote_close_code"], 1000);
    ASSERT_EQ(c["wire"].size(), 4U);
    EXPECT_EQ(c["wire"][0]["kind"], "TF");
    EXPECT_EQ(c["wire"][0]["hex"], "48656c6c6f");  // "Hello", logged as text by ATS
    EXPECT_EQ(c["wire"][0]["length"], 5);
    EXPECT_EQ(c["wire"][0]["opcode"], 1);
    EXPECT_EQ(c["description"], run.json()["cases"][1]["description"]);
}

}  // namespace
}  // namespace wsspec::report
