// Baselines, comparing runs, shards and merging shard results.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "harness/report/baseline.h"
#include "harness/report/results_merge.h"
#include "harness/runner/case_shard.h"
#include "tests/unit/report_test_runs.h"

namespace wsspec::report {
namespace {

using nlohmann::json;
using testing::CaseSpec;
using testing::SyntheticRun;

std::vector<std::string> ids(const std::vector<CaseChange>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes)
        out.push_back(c.id);
    return out;
}

using Ids = std::vector<std::string>;

TEST(Baseline, ListedFailuresAreKnownOthersAreRegressions) {
    SyntheticRun run("srv");
    run.add({"1.1.1"})
        .add({"2.5", "FAILED"})
        .add({"6.4.1", "FAILED"})
        .add({"7.1.5", "OK", "WRONG CODE"})
        .add({"12.1.1", "FAILED"});
    const Baseline b = baseline_from_json(
        json::parse(R"({"format": "wsspec-baseline", "format_version": 1, "cases": {
            "2.5": "no pongs for large pings",
            "7.1.5": {"behavior_close": "WRONG CODE", "reason": "closes with 1002"},
            "12.*": {"reason": "no permessage-deflate"},
            "3.1": "fixed since"}})"),
        "", "b.json");
    const BaselineCheck check = check_against(b, run.json(), false);
    EXPECT_EQ(ids(check.regressions), Ids{"6.4.1"});
    EXPECT_EQ(ids(check.known), (Ids{"2.5", "7.1.5", "12.1.1"}));
    EXPECT_TRUE(check.fixed.empty());
    EXPECT_EQ(check.known[0].reason, "no pongs for large pings");
}

TEST(Baseline, CasesThatNowPassAreListed) {
    SyntheticRun run("srv");
    run.add({"2.5"}).add({"3.1"});
    const Baseline b = baseline_from_json(
        json::parse(R"({"format": "wsspec-baseline", "cases": {"2.5": "was broken"}})"), "",
        "b.json");
    const BaselineCheck check = check_against(b, run.json(), false);
    EXPECT_EQ(ids(check.fixed), Ids{"2.5"});
    EXPECT_TRUE(check.regressions.empty());
}

TEST(Baseline, WorseVerdictThanPinnedIsARegression) {
    SyntheticRun run("srv");
    run.add({"6.4.1", "FAILED"}).add({"6.4.2", "NON-STRICT"});
    const Baseline b = baseline_from_json(json::parse(R"({"format": "wsspec-baseline", "cases": {
            "6.4.*": {"behavior": "NON-STRICT", "reason": "fails at message end"}}})"),
                                          "", "b.json");
    const BaselineCheck check = check_against(b, run.json(true), true);
    EXPECT_EQ(ids(check.regressions), Ids{"6.4.1"});
    EXPECT_EQ(ids(check.known), Ids{"6.4.2"});
}

TEST(Baseline, FromPreviousResults) {
    SyntheticRun before("srv");
    before.add({"1.1.1"}).add({"2.5", "FAILED"}).add({"5.1", "FAILED"});
    SyntheticRun now("srv");
    now.add({"1.1.1", "FAILED"}).add({"2.5"}).add({"5.1", "FAILED"}).add({"5.2", "FAILED"});
    const Baseline b = baseline_from_json(before.json(), "srv", "old.json");
    EXPECT_EQ(b.kind, "wsspec-results");
    const BaselineCheck check = check_against(b, now.json(), false);
    EXPECT_EQ(ids(check.regressions), (Ids{"1.1.1", "5.2"}));
    EXPECT_EQ(ids(check.fixed), Ids{"2.5"});
    EXPECT_EQ(ids(check.known), Ids{"5.1"});
}

TEST(Baseline, FromAutobahnIndexPicksTheAgent) {
    const json index = json::parse(R"({
        "A": {"2.5": {"behavior": "FAILED", "behaviorClose": "OK", "duration": 3,
                      "remoteCloseCode": null, "reportfile": "a_case_2_5.json"}},
        "B": {"2.5": {"behavior": "OK", "behaviorClose": "OK", "duration": 3,
                      "remoteCloseCode": 1000, "reportfile": "b_case_2_5.json"}}})");
    SyntheticRun run("A");
    run.add({"2.5", "FAILED"});
    const Baseline b = baseline_from_json(index, "A", "index.json");
    EXPECT_EQ(b.kind, "autobahn-index");
    EXPECT_EQ(ids(check_against(b, run.json(), false).known), Ids{"2.5"});
    EXPECT_THROW(baseline_from_json(index, "C", "index.json"), std::runtime_error);
}

TEST(Baseline, RejectsOtherDocuments) {
    EXPECT_THROW(baseline_from_json(json::parse(R"({"hello": 1})"), "", "x.json"),
                 std::runtime_error);
    EXPECT_THROW(baseline_from_json(json::parse(R"({"format": "wsspec-baseline"})"), "", "x"),
                 std::runtime_error);
}

TEST(Baseline, WrittenFromARunListsItsFailures) {
    SyntheticRun run("srv");
    run.add({"1.1.1"}).add({"2.5", "FAILED"}).add({"7.1.5", "OK", "WRONG CODE"});
    const json doc = run.json();
    const json written = baseline_from_run(doc, false);
    EXPECT_EQ(written["cases"].size(), 2U);
    const BaselineCheck check = check_against(baseline_from_json(written, "", "w"), doc, false);
    EXPECT_TRUE(check.regressions.empty());
    EXPECT_EQ(check.known.size(), 2U);
}

std::vector<cases::Case> numbered_cases(int n) {
    std::vector<cases::Case> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)].id = "1.1." + std::to_string(i + 1);
    return out;
}

TEST(CaseShard, ParsesIOverN) {
    EXPECT_EQ(runner::parse_shard_spec("2/4")->index, 2U);
    EXPECT_EQ(runner::parse_shard_spec("2/4")->count, 4U);
    for (const char* bad : {"0/4", "5/4", "2", "a/b", "2/4x", "/4", "1/0", ""})
        EXPECT_FALSE(runner::parse_shard_spec(bad)) << bad;
}

TEST(CaseShard, ShardsAreDisjointAndCoverTheSelection) {
    const auto all = numbered_cases(23);
    std::vector<const cases::Case*> selected;
    for (const auto& c : all)
        selected.push_back(&c);
    std::multiset<const cases::Case*> seen;
    for (unsigned i = 1; i <= 4; ++i) {
        const auto part = runner::shard_of(selected, {i, 4});
        EXPECT_GE(part.size(), 5U);
        EXPECT_EQ(part, runner::shard_of(selected, {i, 4})) << "deterministic";
        seen.insert(part.begin(), part.end());
    }
    EXPECT_EQ(seen.size(), selected.size());
    EXPECT_EQ(std::set<const cases::Case*>(seen.begin(), seen.end()).size(), selected.size());
}

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
