// Wire logs of passing cases cut to their two ends in the results (wire_excerpt.h): what is
// kept, what the note and the counts say, which cases keep their whole log, and that
// Autobahn's statistics still count every entry.
#include <gtest/gtest.h>

#include "harness/report/autobahn_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/wire_excerpt.h"
#include "tests/unit/report_test_runs.h"

namespace wsspec::report {
namespace {

using nlohmann::json;
using oracle::WireEntry;
using testing::CaseSpec;
using testing::SyntheticRun;

WireEntry entry(WireEntry::Kind kind, std::uint64_t length, std::uint8_t opcode = 0) {
    WireEntry e;
    e.kind = kind;
    e.length = length;
    e.opcode = opcode;
    e.data = kind == WireEntry::Kind::note ? "note" : "ab";
    return e;
}

CaseSpec with_wire(std::string id, std::string behavior, std::size_t entries,
                   std::string close = "OK") {
    CaseSpec spec{std::move(id), std::move(behavior), std::move(close)};
    spec.wire_entries = entries;
    return spec;
}

TEST(PlanWireExcerpt, KeepsLogsNoLongerThanTheExcerptWhole) {
    std::vector<WireEntry> wire(excerpt_first_entries + excerpt_last_entries,
                                entry(WireEntry::Kind::rx_frame, 5, 1));
    EXPECT_FALSE(plan_wire_excerpt(wire).has_value());
    wire.push_back(entry(WireEntry::Kind::rx_frame, 5, 1));
    const auto x = plan_wire_excerpt(wire);
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(x->left_out(), 1U);
}

TEST(PlanWireExcerpt, CountsWhatItLeavesOutByKindSizeAndOpcode) {
    std::vector<WireEntry> wire;
    wire.push_back(entry(WireEntry::Kind::tx_octets, 100));  // kept (first)
    wire.push_back(entry(WireEntry::Kind::rx_frame, 7, 1));  // left out from here
    wire.push_back(entry(WireEntry::Kind::rx_frame, 9, 1));
    wire.push_back(entry(WireEntry::Kind::rx_frame, 2, 9));
    wire.push_back(entry(WireEntry::Kind::tx_frame, 4, 2));
    wire.push_back(entry(WireEntry::Kind::rx_octets, 1024));
    wire.push_back(entry(WireEntry::Kind::rx_octets, 1024));
    wire.push_back(entry(WireEntry::Kind::tx_octets, 6));
    wire.push_back(entry(WireEntry::Kind::note, 0));
    wire.push_back(entry(WireEntry::Kind::rx_octets, 1));  // kept (last two)
    wire.push_back(entry(WireEntry::Kind::rx_frame, 1, 8));
    const auto x = plan_wire_excerpt(wire, 1, 2);
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(x->entries, 11U);
    EXPECT_EQ(x->left_out(), 8U);
    EXPECT_EQ(x->rx_frames, (std::map<unsigned, std::uint64_t>{{1, 2}, {9, 1}}));
    EXPECT_EQ(x->tx_frames, (std::map<unsigned, std::uint64_t>{{2, 1}}));
    EXPECT_EQ(x->rx_frame_bytes, 18U);
    EXPECT_EQ(x->tx_frame_bytes, 4U);
    EXPECT_EQ(x->rx_octets, (std::map<std::uint64_t, std::uint64_t>{{1024, 2}}));
    EXPECT_EQ(x->tx_octets, (std::map<std::uint64_t, std::uint64_t>{{6, 1}}));
    EXPECT_EQ(x->notes, 1U);
    EXPECT_EQ(x->describe(),
              "8 of 11 entries left out: 3 frames received (18 payload bytes), 1 frame sent (4 "
              "payload bytes), 2 octet chunks received (2048 bytes), 1 octet chunk sent (6 "
              "bytes), 1 note");
}

TEST(ResultsJson, PassingCaseKeepsFirstAndLastEntriesAndANote) {
    SyntheticRun run("srv");
    run.add(with_wire("9.1.1", "OK", 100));
    const json doc = run.json();
    const json& c = doc["cases"][0];
    const json& wire = c["wire"];
    ASSERT_EQ(wire.size(), excerpt_first_entries + 1 + excerpt_last_entries);
    // SyntheticRun logs entry i at i ms: the kept entries are the first and the last.
    for (std::size_t i = 0; i < excerpt_first_entries; ++i)
        EXPECT_EQ(wire[i]["t"], static_cast<double>(i));
    for (std::size_t i = 0; i < excerpt_last_entries; ++i)
        EXPECT_EQ(wire[excerpt_first_entries + 1 + i]["t"], static_cast<double>(84 + i));
    const json& note = wire[excerpt_first_entries];
    EXPECT_EQ(note["kind"], "NOTE");
    EXPECT_EQ(note["t"], 16.0) << "where the first entry left out was";
    EXPECT_NE(note["text"].get<std::string>().find("68 of 100 entries left out: 34 frames "
                                                   "received (170 payload bytes), 34 frames sent"),
              std::string::npos)
        << note["text"];
    EXPECT_NE(note["text"].get<std::string>().find("--full-wire-log"), std::string::npos);
    const json& x = c["wire_excerpt"];
    EXPECT_EQ(x["entries"], 100);
    EXPECT_EQ(x["kept_first"], excerpt_first_entries);
    EXPECT_EQ(x["kept_last"], excerpt_last_entries);
    EXPECT_EQ(x["left_out"], 68);
    EXPECT_EQ(x["rx_frames"], json({{"1", 34}}));
    EXPECT_EQ(x["tx_frames"], json({{"1", 34}}));
    EXPECT_EQ(x["rx_frame_bytes"], 170);
}

TEST(ResultsJson, CasesThatDoNotPassKeepTheirWholeLog) {
    SyntheticRun run("srv");
    run.add(with_wire("5.1", "FAILED", 100))
        .add(with_wire("5.2", "OK", 100, "WRONG CODE"))
        .add(with_wire("5.3", "OK", 100, "UNCLEAN"))
        .add(with_wire("5.4", "NON-STRICT", 100))  // passes, but not under --strict
        .add(with_wire("5.5", "INFORMATIONAL", 100))
        .add(with_wire("5.6", "OK", 20));  // short enough to keep
    const json doc = run.json();
    const json& cases = doc["cases"];
    for (std::size_t i : {0, 1, 2, 3, 5}) {
        EXPECT_TRUE(cases[i]["wire_excerpt"].is_null()) << cases[i]["id"];
        EXPECT_EQ(cases[i]["wire"].size(), i == 5 ? 20U : 100U) << cases[i]["id"];
    }
    EXPECT_FALSE(cases[4]["wire_excerpt"].is_null()) << "INFORMATIONAL passes";
    EXPECT_EQ(cases[3]["passed"], true) << "NON-STRICT passes here, and is still kept whole";
}

TEST(ResultsJson, FullWireLogKeepsEveryLog) {
    SyntheticRun run("srv");
    run.add(with_wire("9.1.1", "OK", 100)).add(with_wire("9.1.2", "FAILED", 100));
    const json doc = run.json(false, true, WireLogPolicy::full);
    for (const auto& c : doc["cases"]) {
        EXPECT_TRUE(c["wire_excerpt"].is_null());
        EXPECT_EQ(c["wire"].size(), 100U);
    }
}

TEST(AutobahnCase, ExcerptKeepsStatisticsWholeAndMarksTheGap) {
    SyntheticRun run("srv");
    run.add(with_wire("9.1.1", "OK", 100));
    const json full = run.json(false, true, WireLogPolicy::full);
    const json excerpt = run.json();
    const json from_full = autobahn_case(full, full["cases"][0]);
    const json from_excerpt = autobahn_case(excerpt, excerpt["cases"][0]);
    for (const char* key : {"rxFrameStats", "txFrameStats", "rxOctetStats", "txOctetStats"})
        EXPECT_EQ(from_excerpt[key], from_full[key]) << key;
    const json& log = from_excerpt["wirelog"];
    ASSERT_EQ(log.size(), excerpt_first_entries + 3 + excerpt_last_entries);
    EXPECT_EQ(log[excerpt_first_entries], json({"WLM", false}));
    EXPECT_EQ(log[excerpt_first_entries + 1][0], "NOTE");
    EXPECT_EQ(log[excerpt_first_entries + 2], json({"WLM", true}));
    EXPECT_EQ(log[0], from_full["wirelog"][0]);
    EXPECT_EQ(log.back(), from_full["wirelog"].back());
}

}  // namespace
}  // namespace wsspec::report
