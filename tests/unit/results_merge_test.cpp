// Merging results (harness/report/results_merge.h): shard results of one agent merged
// into the unsharded run, incomplete and overlapping shard sets, several agents, and runs
// read from an Autobahn index.
#include "harness/report/results_merge.h"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST(MergeRuns, MissingShardMakesTheMergeIncomplete) {
    SyntheticRun part("srv");
    part.add({"1.1.1"});
    json doc = part.json();
    doc["options"]["shard"] = "1/2";
    std::vector<std::string> warnings;
    const auto merged = merge_runs({doc, doc}, &warnings);  // same part twice: overlap
    ASSERT_EQ(merged.size(), 2U);
    EXPECT_EQ(merged[1]["agent"], "srv #2");
    SyntheticRun other("srv");
    other.add({"1.1.2"});
    json doc3 = other.json();
    doc3["options"]["shard"] = "3/3";
    const auto merged2 = merge_runs({doc, doc3}, &warnings);
    ASSERT_EQ(merged2.size(), 1U);
    EXPECT_FALSE(merged2[0]["complete"]);
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

}  // namespace
}  // namespace wsspec::report
