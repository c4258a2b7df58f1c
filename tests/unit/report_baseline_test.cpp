// Baselines (harness/report/baseline.h): known failures against regressions and fixes,
// pinned verdicts, and baselines read from earlier results or written from a run.
#include <gtest/gtest.h>

#include "harness/report/baseline.h"
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

TEST(Baseline, ChangedFailureVerdictIsChangedUnlessStrictChanges) {
    SyntheticRun run("srv");
    run.add({"6.4.1", "FAILED"}).add({"6.4.2", "NON-STRICT"});
    const Baseline b = baseline_from_json(json::parse(R"({"format": "wsspec-baseline", "cases": {
            "6.4.*": {"behavior": "NON-STRICT", "reason": "fails at message end"}}})"),
                                          "", "b.json");
    const BaselineCheck check = check_against(b, run.json(true), true);
    EXPECT_TRUE(check.regressions.empty());
    EXPECT_EQ(ids(check.changed), Ids{"6.4.1"});
    EXPECT_EQ(ids(check.known), Ids{"6.4.2"});
    const BaselineCheck strict_changes = check_against(b, run.json(true), CheckRules{true, true});
    EXPECT_EQ(ids(strict_changes.regressions), Ids{"6.4.1"});
    EXPECT_EQ(ids(strict_changes.known), Ids{"6.4.2"});
}

TEST(Baseline, CasesThePreviousRunNeverRanAreNewNotRegressions) {
    SyntheticRun before("srv");
    before.add({"5.2", "FAILED"}).add({"5.9"}).add({"7.1.1", "OK", "OK", false});
    SyntheticRun now("srv");
    now.add({"5.2", "WRONG CODE"})
        .add({"5.9"})
        .add({"5.10", "FAILED"})
        .add({"5.11"})
        .add({"7.1.1", "FAILED"});
    const Baseline b = baseline_from_json(before.json(), "srv", "old.json");
    const BaselineCheck check = check_against(b, now.json(), false);
    EXPECT_TRUE(check.regressions.empty());
    EXPECT_EQ(ids(check.new_cases), (Ids{"5.10", "5.11", "7.1.1"}));  // numeric id order
    EXPECT_EQ(check.new_failures(), 2U);
    EXPECT_EQ(ids(check.changed), Ids{"5.2"});
    EXPECT_EQ(check.new_cases[0].before, "never ran");
}

TEST(Baseline, BucketsAreInCaseIdOrder) {
    SyntheticRun before("srv");
    for (const char* id : {"5.10", "5.2", "5.1"})
        before.add({id});
    SyntheticRun now("srv");
    for (const char* id : {"5.10", "5.2", "5.1"})
        now.add({id, "FAILED"});
    const BaselineCheck check =
        check_against(baseline_from_json(before.json(), "srv", "old.json"), now.json(), false);
    EXPECT_EQ(ids(check.regressions), (Ids{"5.1", "5.2", "5.10"}));
}

TEST(Baseline, FromPreviousResults) {
    SyntheticRun before("srv");
    before.add({"1.1.1"}).add({"2.5", "FAILED"}).add({"5.1", "FAILED"});
    SyntheticRun now("srv");
    now.add({"1.1.1", "FAILED"}).add({"2.5"}).add({"5.1", "FAILED"}).add({"5.2", "FAILED"});
    const Baseline b = baseline_from_json(before.json(), "srv", "old.json");
    EXPECT_EQ(b.kind, "wsspec-results");
    const BaselineCheck check = check_against(b, now.json(), false);
    EXPECT_EQ(ids(check.regressions), Ids{"1.1.1"});
    EXPECT_EQ(ids(check.new_cases), Ids{"5.2"});  // the old run never ran it
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

}  // namespace
}  // namespace wsspec::report
