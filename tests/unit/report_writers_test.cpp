// The report writers: Autobahn-shaped index.json and per-case files, JUnit XML, the HTML
// page's embedded data.
#include <gtest/gtest.h>

#include "harness/report/autobahn_writer.h"
#include "harness/report/html_writer.h"
#include "harness/report/junit_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/results_merge.h"
#include "harness/report/wire_excerpt.h"
#include "tests/unit/report_test_runs.h"

namespace wsspec::report {
namespace {

using nlohmann::json;
using testing::CaseSpec;
using testing::SyntheticRun;

TEST(CleanForFilename, FollowsAutobahnTestsuite) {
    EXPECT_EQ(clean_for_filename("WS-RS"), "ws_rs");
    EXPECT_EQ(clean_for_filename("  AutobahnServer/0.8 "), "autobahnserver_0_8");
    EXPECT_EQ(clean_for_filename("a  b"), "a__b");  // spaces are not collapsed
    EXPECT_EQ(clean_for_filename("--"), "");
}

TEST(AutobahnReportFilename, ReplacesDotsInCaseId) {
    EXPECT_EQ(autobahn_report_filename("WS-RS", "12.5.4"), "ws_rs_case_12_5_4.json");
    EXPECT_EQ(autobahn_report_filename("wsspec serve", "hs.8.3"), "wsspec_serve_case_hs_8_3.json");
}

TEST(AutobahnIndex, KeyedByAgentThenCaseWithAutobahnFields) {
    SyntheticRun run("WS-RS");
    run.add({"1.1.1"}).add({"2.5", "FAILED", "WRONG CODE"}).add({"2.6", "OK", "OK", false});
    const json index = autobahn_index({run.json()});
    ASSERT_TRUE(index.contains("WS-RS"));
    const json& cases = index["WS-RS"];
    EXPECT_EQ(cases.size(), 2U) << "cases that did not run are left out";
    const json& c = cases["2.5"];
    EXPECT_EQ(c["behavior"], "FAILED");
    EXPECT_EQ(c["behaviorClose"], "WRONG CODE");
    EXPECT_TRUE(c["duration"].is_number_integer());
    EXPECT_EQ(c["duration"], 13);
    EXPECT_EQ(c["remoteCloseCode"], 1000);
    EXPECT_EQ(c["reportfile"], "ws_rs_case_2_5.json");
    EXPECT_EQ(c.size(), 5U);
}

TEST(AutobahnIndex, TextIsSortedWithIndentThree) {
    SyntheticRun run("b");
    run.add({"1.1.2"}).add({"1.1.10"});
    const std::string text = autobahn_index_text({run.json()});
    EXPECT_EQ(text.rfind("{\n   \"b\": {\n      \"1.1.10\": {\n         \"behavior\"", 0), 0U)
        << text.substr(0, 80);
}

TEST(AutobahnCase, CarriesAutobahnKeys) {
    SyntheticRun run("agent");
    run.add({"5.1", "FAILED", "OK"});
    const json doc = run.json();
    const json r = autobahn_case(doc, doc["cases"][0]);
    for (const char* key : {"case",
                            "id",
                            "description",
                            "expectation",
                            "agent",
                            "started",
                            "duration",
                            "behavior",
                            "behaviorClose",
                            "expected",
                            "expectedClose",
                            "received",
                            "result",
                            "resultClose",
                            "wirelog",
                            "closedByMe",
                            "failedByMe",
                            "droppedByMe",
                            "wasClean",
                            "localCloseCode",
                            "remoteCloseCode",
                            "remoteCloseReason",
                            "isServer",
                            "httpRequest",
                            "httpResponse",
                            "rxFrameStats",
                            "txFrameStats"}) {
        EXPECT_TRUE(r.contains(key)) << key;
    }
    EXPECT_EQ(r["case"], 1);
    EXPECT_FALSE(r["isServer"]) << "testing a server, wsspec is the client";
    EXPECT_EQ(r["wirelog"][0][0], "TF");
    EXPECT_EQ(r["wirelog"][1][0], "RF");
    EXPECT_EQ(r["expectedClose"]["closeCode"], json::array({1000}));
}

TEST(AutobahnCase, IsServerInClientTesting) {
    SyntheticRun run("client");
    run.mode("test-client").add({"1.1.1"});
    const json doc = run.json();
    EXPECT_TRUE(autobahn_case(doc, doc["cases"][0])["isServer"]);
}

TEST(JunitXml, FailuresSkipsAndNotableVerdicts) {
    SyntheticRun run("srv");
    run.add({"1.1.1"})
        .add({"2.5", "FAILED", "OK"})
        .add({"6.4.1", "NON-STRICT", "OK"})
        .add({"7.1.5", "OK", "WRONG CODE"})
        .add({"9.1.1", "OK", "OK", false});
    const std::string xml = junit_xml({run.json(false, false)});
    EXPECT_NE(xml.find("<testsuites name=\"wsspec\" tests=\"5\" failures=\"2\" errors=\"0\" "
                       "skipped=\"1\""),
              std::string::npos)
        << xml;
    // Agent and group in the classname (no group title in synthetic cases: the category),
    // id and description in the name.
    EXPECT_NE(xml.find("<testcase name=\"2.5: Case 2.5 sends &lt;b&gt;&quot;quoted&quot;"
                       "&lt;/b&gt; &amp; checks\" classname=\"srv.2\""),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<failure message=\"FAILED / OK: did not echo &lt;/script&gt; "
                       "(index.html#case=2.5)\" type=\"FAILED\">"),
              std::string::npos);
    EXPECT_NE(xml.find("wire (last 4 of 4 entries):\n  TF text len=5 Hello"), std::string::npos)
        << xml;
    EXPECT_NE(xml.find("type=\"WRONG CODE\""), std::string::npos);
    EXPECT_NE(xml.find("behavior: NON-STRICT"), std::string::npos);
    EXPECT_NE(xml.find("<skipped message=\"not run: the run was interrupted\"/>"),
              std::string::npos);
    EXPECT_NE(xml.find("<property name=\"complete\" value=\"false\"/>"), std::string::npos);
}

TEST(JunitXml, ClassnameNamesAgentAndGroupTitleAndSuiteTimeIsTheWallTime) {
    SyntheticRun a("srv.v1"), b("other");
    a.add({"1.1.1"});
    b.add({"1.1.1"});
    json doc_a = a.json();
    doc_a["cases"][0]["group"] = "1.1";
    doc_a["cases"][0]["group_title"] = "Text messages";
    doc_a["cases"][0]["duration_ms"] = 900.0;
    doc_a["duration_ms"] = 400;  // -j 4: the run took less than its cases together
    const std::string xml = junit_xml({doc_a, b.json()});
    EXPECT_NE(xml.find("classname=\"srv_v1.1_1 Text messages\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("classname=\"other.1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("skipped=\"0\" time=\"0.400\""), std::string::npos) << xml;
}

TEST(JunitXml, MissingShardCasesAreErrors) {
    SyntheticRun part("srv");
    part.add({"1.1.1"});
    json doc = part.json();
    doc["shard"] = {{"index", 1}, {"count", 2}, {"selected", {"1.1.1", "1.1.2"}}};
    const auto merged = merge_runs({doc}, nullptr);
    const std::string xml = junit_xml(merged);
    EXPECT_NE(xml.find("tests=\"2\" failures=\"0\" errors=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<error message=\"not run: shard 2/2 is missing from the merged "
                       "results\" type=\"missing shard\"/>"),
              std::string::npos)
        << xml;
    // Without a recorded selection, one error stands for the whole shard.
    json old = part.json();
    old["options"]["shard"] = "1/2";
    const std::string xml2 = junit_xml(merge_runs({old}, nullptr));
    EXPECT_NE(xml2.find("errors=\"1\""), std::string::npos) << xml2;
    EXPECT_NE(xml2.find("<testcase name=\"shard 2/2\""), std::string::npos) << xml2;
}

TEST(JunitXml, StrictMakesNonStrictAFailure) {
    SyntheticRun run("srv");
    run.add({"6.4.1", "NON-STRICT", "OK"});
    EXPECT_NE(junit_xml({run.json(true)}).find("failures=\"1\""), std::string::npos);
}

TEST(JunitXml, KnownBaselineFailuresAreSkipped) {
    SyntheticRun run("srv");
    run.add({"2.5", "FAILED", "OK"});
    json doc = run.json();
    doc["baseline"] = {{"source", "b.json"},
                       {"known", {{{"id", "2.5"}, {"reason", "no pong yet"}}}}};
    const std::string xml = junit_xml({doc});
    EXPECT_NE(xml.find("failures=\"0\""), std::string::npos);
    EXPECT_NE(xml.find("known failure (baseline): FAILED / OK: no pong yet"), std::string::npos);
}

TEST(JunitXml, NewAndChangedFailuresFollowTheBaselineRules) {
    SyntheticRun run("srv");
    run.add({"2.5", "FAILED", "OK"}).add({"2.6", "WRONG CODE", "OK"});
    json doc = run.json();
    doc["baseline"] = {{"source", "old.json"},
                       {"changed", {{{"id", "2.6"}, {"before", "FAILED / OK"}, {"reason", ""}}}},
                       {"new_cases", {{{"id", "2.5"}, {"reason", "no pong"}}}}};
    const std::string xml = junit_xml({doc});
    EXPECT_NE(xml.find("failures=\"0\" errors=\"0\" skipped=\"2\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("new case, not in the baseline run: FAILED / OK: no pong"),
              std::string::npos);
    EXPECT_NE(xml.find("failure changed (baseline: FAILED / OK): WRONG CODE / OK"),
              std::string::npos);
    doc["baseline"]["fail_on_new"] = true;
    EXPECT_NE(junit_xml({doc}).find("failures=\"1\""), std::string::npos);
}

TEST(XmlEscape, ReplacesCharactersXmlCannotCarry) {
    EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    EXPECT_EQ(xml_escape(std::string("x\x01y\tz", 5)), "x\xEF\xBF\xBDy\tz");
    EXPECT_EQ(xml_escape("\xEF\xBF\xBF"), "\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("\xC3\xA9"), "\xC3\xA9");  // é stays
}

TEST(HtmlReport, EmbedsDataWithoutEndingTheScript) {
    SyntheticRun run("srv");
    run.add({"1.1.1", "FAILED", "OK"});
    const std::string html = html_report({run.json()});
    EXPECT_EQ(html.find("{{WSSPEC_DATA}}"), std::string::npos);
    const auto data_at = html.find("<script id=\"wsspec-data\" type=\"application/json\">");
    ASSERT_NE(data_at, std::string::npos);
    const auto data_end = html.find("</script>", data_at);
    const std::string data = html.substr(data_at, data_end - data_at);
    EXPECT_NE(data.find("did not echo \\u003c/script>"), std::string::npos);
    // The only URLs are the links to RFC sections the page makes; it loads nothing.
    std::string rest = html;
    const std::string rfc_links = "https://www.rfc-editor.org/rfc/rfc";
    for (auto at = rest.find(rfc_links); at != std::string::npos; at = rest.find(rfc_links, at))
        rest.erase(at, rfc_links.size());
    EXPECT_EQ(rest.find("http://"), std::string::npos) << "no network references";
    EXPECT_EQ(rest.find("https://"), std::string::npos) << "no network references";
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos) << "the page fetches nothing";
}

TEST(HtmlData, TitlesGroupsOfOlderResultsFromTheCatalog) {
    SyntheticRun run("srv");
    run.add({"1.1.1"}).add({"hs.1.3"}).add({"7.7.1"}).add({"12.1.1"});
    json doc = run.json();
    doc["cases"][2]["group"] = "7.7";
    doc["cases"][2]["group_title"] = "Valid close codes";
    const GroupTitles titles = {
        {"1.1", "Text messages"}, {"hs.1", "Handshake: request line"}, {"7.7", "other"}};
    const json data = html_data({doc}, titles);
    const json& cases = data["runs"][0]["cases"];
    EXPECT_EQ(cases[0]["group"], "1.1");
    EXPECT_EQ(cases[0]["group_title"], "Text messages");
    EXPECT_EQ(cases[1]["group"], "hs.1");
    EXPECT_EQ(cases[1]["group_title"], "Handshake: request line");
    EXPECT_EQ(cases[2]["group_title"], "Valid close codes") << "a recorded title is kept";
    EXPECT_EQ(cases[3]["group_title"], "") << "a group the catalog does not have";
}

TEST(HtmlData, TrimsLongWireLogs) {
    SyntheticRun run("srv");
    CaseSpec big{"9.7.1", "FAILED"};
    big.wire_entries = 2000;
    run.add(big).add({"1.1.1"});
    const json data = html_data({run.json()});
    const json& wire = data["runs"][0]["cases"][0]["wire"];
    ASSERT_EQ(wire.size(), html_wire_head_entries + 1 + html_wire_tail_entries);
    EXPECT_EQ(wire[html_wire_head_entries][1], "NOTE");
    EXPECT_EQ(wire[html_wire_head_entries][2],
              "1700 wire log entries omitted in this page (see wsspec.json)");
    // Packed: [t, kind, length, hex, opcode, flags]; the page derives the text from the hex.
    EXPECT_EQ(wire[0], json({0.0, "TF", 5, "48656c6c6f", 1, 0}));
    EXPECT_EQ(wire[1][1], "RF");
    EXPECT_EQ(data["runs"][0]["cases"][1]["wire"].size(), 4U);
}

TEST(HtmlData, PassingCasesShowTheirEnds) {
    SyntheticRun run("srv");
    CaseSpec big{"9.7.1"};
    big.wire_entries = 2000;
    run.add(big);
    const std::size_t shown = html_passing_head_entries + 1 + html_passing_tail_entries;
    // Recorded with --full-wire-log (or before excerpts): the page keeps only the ends.
    const json full = html_data({run.json(false, true, WireLogPolicy::full)});
    const json& wire = full["runs"][0]["cases"][0]["wire"];
    ASSERT_EQ(wire.size(), shown);
    EXPECT_EQ(wire[html_passing_head_entries][2],
              "1984 wire log entries omitted in this page (see wsspec.json)");
    EXPECT_EQ(wire.back()[0], 1999.0) << "the last entry";
    // An excerpt in the results: its note is folded into the page's.
    const json excerpted = html_data({run.json()});
    const json& kept = excerpted["runs"][0]["cases"][0]["wire"];
    ASSERT_EQ(kept.size(), shown);
    const std::string note = kept[html_passing_head_entries][2];
    EXPECT_EQ(note.rfind("16 of the entries in wsspec.json omitted in this page; wire log excerpt "
                         "(the case passed): 1968 of 2000 entries left out",
                         0),
              0U)
        << note;
    EXPECT_EQ(kept.back()[0], 1999.0);
    EXPECT_EQ(excerpted["runs"][0]["cases"][0]["wire_excerpt"]["entries"], 2000);
}

TEST(HtmlData, PassingCasesShowTheFirstBytesOfEachEntry) {
    SyntheticRun run("srv");
    run.add({"1.1.1"}).add({"1.1.2", "FAILED"});
    json doc = run.json();
    const std::string hex(128, 'a');  // 64 bytes, as the wire log keeps them
    for (auto& c : doc["cases"])
        c["wire"][0]["hex"] = hex;
    const json data = html_data({doc});
    EXPECT_EQ(data["runs"][0]["cases"][0]["wire"][0][3].get<std::string>().size(),
              2 * html_passing_entry_bytes);
    EXPECT_EQ(data["runs"][0]["cases"][1]["wire"][0][3], hex) << "a failing case keeps all";
}

TEST(HtmlData, ListsTheEndsOfLongEventLists) {
    SyntheticRun run("srv");
    run.add({"9.7.1"}).add({"9.7.2", "FAILED"});
    json doc = run.json();
    for (auto& c : doc["cases"]) {
        c["events"] = json::array();
        for (int i = 0; i < 1000; ++i) {
            c["events"].push_back({{"type", "message"},
                                   {"description", "message " + std::to_string(i)},
                                   {"hex", "41"}});
        }
    }
    const json data = html_data({doc});
    const json& passing = data["runs"][0]["cases"][0]["events"];
    ASSERT_EQ(passing.size(), html_passing_head_entries + 1 + html_passing_tail_entries);
    EXPECT_EQ(passing[html_passing_head_entries]["description"],
              "... 984 events omitted in this page (see wsspec.json)");
    EXPECT_EQ(passing.back()["description"], "message 999");
    EXPECT_FALSE(passing[0].contains("hex"));
    EXPECT_EQ(data["runs"][0]["cases"][1]["events"].size(),
              html_wire_head_entries + 1 + html_wire_tail_entries);
}

TEST(ResultsJson, SummaryCountsPerCategory) {
    SyntheticRun run("srv");
    run.add({"1.1.1"})
        .add({"1.1.2", "FAILED"})
        .add({"hs.1.1", "NON-STRICT"})
        .add({"2.1", "OK", "OK", false});
    const json doc = run.json();
    EXPECT_EQ(doc["summary"]["passed"], 2);
    EXPECT_EQ(doc["summary"]["failed"], 1);
    EXPECT_EQ(doc["summary"]["not_run"], 1);
    EXPECT_EQ(doc["summary"]["categories"]["1"]["FAILED"], 1);
    EXPECT_EQ(doc["summary"]["categories"]["hs"]["NON-STRICT"], 1);
    EXPECT_EQ(doc["cases"][2]["category"], "hs");
    EXPECT_EQ(doc["cases"][1]["passed"], false);
}

}  // namespace
}  // namespace wsspec::report
