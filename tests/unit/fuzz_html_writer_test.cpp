// The HTML page of a fuzz run (index.html next to fuzz.json): what it embeds, and that
// nothing a peer sends can break it -- markup in a result, bytes that are not UTF-8 in an
// observation or a crashed peer's output -- for runs with findings, without any, and
// interrupted ones.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/report/fuzz_html_writer.h"
#include "harness/report/html_writer.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view data_open = "<script id=\"wsspec-data\" type=\"application/json\">";

// The JSON the page embeds.
json embedded_data(const std::string& html) {
    const auto at = html.find(data_open);
    EXPECT_NE(at, std::string::npos);
    const auto begin = at + data_open.size();
    const auto end = html.find("</script>", begin);
    EXPECT_NE(end, std::string::npos);
    return json::parse(html.substr(begin, end - begin));
}

json wire_entry(double t, const char* kind, const std::string& hex) {
    return {{"t", t}, {"kind", kind}, {"length", hex.size() / 2}, {"hex", hex}};
}

json replay_record(std::size_t wire_entries) {
    json wire = json::array();
    for (std::size_t i = 0; i < wire_entries; ++i)
        wire.push_back(wire_entry(static_cast<double>(i), i % 2 ? "RO" : "TO", "8180"));
    return {{"id", "fz.1.1"},         {"ran", true},
            {"behavior", "FAILED"},   {"behavior_close", "FAILED"},
            {"result", "Expected"},   {"wire", wire},
            {"events", json::array()}};
}

json finding(const std::string& id, const std::string& kind) {
    return {{"id", id},
            {"kind", kind},
            {"signature", kind + "|x"},
            {"seed", 7},
            {"origin", "6.2.1"},
            {"mutations", {"seed", "chop"}},
            {"exec", 12},
            {"at_s", 0.5},
            {"steps_found", 4},
            {"steps_minimized", 1},
            {"minimize_runs", 3},
            {"result", "r"},
            {"expected", "e"},
            {"observed", "o"},
            {"file", "nowhere/findings/" + id + ".json"},
            {"case", {{"id", id}, {"steps", json::array({{{"close", {{"code", 1000}}}}})}}},
            {"replay", replay_record(4)}};
}

// (A vector, not a json: `run_with({f})` with one finding must be a list of one, where a
// braced json of one element is the element itself to some compilers.)
json run_with(const std::vector<json>& findings) {
    json timeline = json::array();
    for (int t = 1; t <= 3; ++t)
        timeline.push_back(
            {{"t", t}, {"execs", t * 100}, {"corpus", 10}, {"signatures", 5}, {"findings", 0}});
    return {{"tool", "wsspec"},
            {"mode", "fuzz-server"},
            {"target", "ws://127.0.0.1:9/"},
            {"seed", 1},
            {"execs", 300},
            {"execs_per_s", 100.0},
            {"duration_s", 3.0},
            {"interrupted", false},
            {"timeline", timeline},
            {"findings", json(findings)}};
}

TEST(FuzzHtmlReport, RecognizesFuzzRunsOnly) {
    EXPECT_TRUE(is_fuzz_report(run_with({})));
    json client = run_with({});
    client["mode"] = "fuzz-client";
    EXPECT_TRUE(is_fuzz_report(client));
    EXPECT_FALSE(is_fuzz_report(json{{"format", "wsspec-results"}, {"mode", "test-server"}}));
    EXPECT_FALSE(is_fuzz_report(json::array()));
}

TEST(FuzzHtmlReport, EmbedsTheRunAndItsFindings) {
    const std::string html =
        fuzz_html_report(run_with({finding("fz.1.1", "judge"), finding("fz.1.2", "crash")}), ".");
    EXPECT_NE(html.find("<title>wsspec fuzz report</title>"), std::string::npos);
    EXPECT_EQ(html.find("{{WSSPEC_"), std::string::npos) << "a placeholder left in the page";
    const json data = embedded_data(html);
    const json& run = data["run"];
    EXPECT_EQ(run["execs"], 300);
    ASSERT_EQ(run["findings"].size(), 2U);
    EXPECT_EQ(run["findings"][1]["kind"], "crash");
    EXPECT_EQ(run["findings"][0]["case"]["steps"][0]["close"]["code"], 1000);
    EXPECT_EQ(run["timeline"].size(), 3U);
    EXPECT_TRUE(data.contains("wsspec_version"));
}

TEST(FuzzHtmlReport, PeerMarkupAndBytesThatAreNotUtf8CannotBreakThePage) {
    json f = finding("fz.1.1", "crash");
    f["result"] = "killed by signal 6; last output:\n</script><script>alert(1)</script><!--";
    f["observed"] = std::string("close 1002 \"bad\xFF\xC3\x28reason\"");
    f["output_tail"] = std::string("==1==ERROR: AddressSanitizer \xFE\xFF in frame\n</script>");
    f["replay"]["close"] = {{"remote_close_reason", std::string("\xFF</script>")}};
    const std::string html = fuzz_html_report(run_with({f}), ".");
    EXPECT_TRUE(is_valid_utf8(html));
    // The only script ends are the page's own two.
    std::size_t ends = 0;
    for (auto at = html.find("</script>"); at != std::string::npos;
         at = html.find("</script>", at + 1))
        ++ends;
    EXPECT_EQ(ends, 2U);
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    const json run = embedded_data(html)["run"];
    const json& got = run["findings"][0];
    EXPECT_EQ(got["observed"], "close 1002 \"bad\\xFF\\xC3(reason\"");
    EXPECT_EQ(got["output_tail"], "==1==ERROR: AddressSanitizer \\xFE\\xFF in frame\n</script>");
    EXPECT_EQ(got["replay"]["close"]["remote_close_reason"], "\\xFF</script>");
}

TEST(FuzzHtmlReport, EmptyRunIsAPageWithoutFindings) {
    json run = {{"tool", "wsspec"}, {"mode", "fuzz-client"}};
    const std::string html = fuzz_html_report(run, ".");
    const json data = embedded_data(html);
    EXPECT_EQ(data["run"]["mode"], "fuzz-client");
    EXPECT_FALSE(data["run"].contains("findings"));
    const std::string none = fuzz_html_report(run_with({}), ".");
    EXPECT_EQ(embedded_data(none)["run"]["findings"], json::array());
}

TEST(FuzzHtmlReport, InterruptedRunSaysSo) {
    json run = run_with({finding("fz.1.1", "hang")});
    run["interrupted"] = true;
    run["error"] = "the server cannot be restarted";
    const json data = embedded_data(fuzz_html_report(run, "."));
    EXPECT_EQ(data["run"]["interrupted"], true);
    EXPECT_EQ(data["run"]["error"], "the server cannot be restarted");
}

TEST(FuzzHtmlReport, TrimsTheReproducersWireLogAsTheResultsPageDoes) {
    json f = finding("fz.1.1", "judge");
    f["replay"] = replay_record(1000);
    const json run = embedded_data(fuzz_html_report(run_with({f}), "."))["run"];
    const json& wire = run["findings"][0]["replay"]["wire"];
    EXPECT_EQ(wire.size(), html_wire_head_entries + html_wire_tail_entries + 1);
    EXPECT_EQ(wire[html_wire_head_entries][1], "NOTE");  // packed: [t, "NOTE", text]
}

TEST(FuzzHtmlReport, ThinsALongTimeline) {
    json run = run_with({});
    json timeline = json::array();
    for (std::size_t t = 1; t <= 5000; ++t)
        timeline.push_back({{"t", t}, {"execs", t}});
    run["timeline"] = timeline;
    const json got = embedded_data(fuzz_html_report(run, "."))["run"];
    EXPECT_EQ(got["timeline"].size(), fuzz_html_timeline_points);
    EXPECT_EQ(got["timeline"].back()["t"], 5000);
    EXPECT_EQ(got["timeline_thinned"], true);
}

TEST(FuzzHtmlReport, LinksFindingFilesFoundNextToThePage) {
    const fs::path dir =
        fs::temp_directory_path() / ("wsspec-fuzz-html-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "findings");
    std::ofstream(dir / "findings" / "fz.1.1.json") << "{}";
    json there = finding("fz.1.1", "judge");
    there["file"] = (dir / "findings" / "fz.1.1.json").string();
    json moved = finding("fz.1.1", "judge");  // recorded elsewhere, the file is next to the page
    json missing = finding("fz.1.3", "judge");
    const json run = embedded_data(fuzz_html_report(run_with({there, moved, missing}), dir))["run"];
    EXPECT_EQ(run["findings"][0]["file_href"], "findings/fz.1.1.json");
    EXPECT_EQ(run["findings"][1]["file_href"], "findings/fz.1.1.json");
    EXPECT_FALSE(run["findings"][2].contains("file_href"));
    fs::remove_all(dir);
}

TEST(FuzzHtmlReport, MergedRunLinksItsWorkersAndTheirFindings) {
    const fs::path dir =
        fs::temp_directory_path() / ("wsspec-fuzz-html-jobs-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "worker-2" / "findings");
    fs::create_directories(dir / "worker-1");
    std::ofstream(dir / "worker-2" / "findings" / "fz.1.1.json") << "{}";
    std::ofstream(dir / "worker-1" / "index.html") << "";
    std::ofstream(dir / "worker-2" / "fuzz.json") << "{}";
    json f = finding("fz.1.1", "hang");
    f["worker"] = 2;
    f["replay"] = nullptr;  // a worker's fuzz.json written before reproducer runs were kept
    json run = run_with({f});
    run["workers"] = {{{"worker", 1}, {"execs", 10}}, {{"worker", 2}, {"execs", 20}}};
    const json got = embedded_data(fuzz_html_report(run, dir))["run"];
    EXPECT_EQ(got["findings"][0]["file_href"], "worker-2/findings/fz.1.1.json");
    EXPECT_TRUE(got["findings"][0]["replay"].is_null());
    EXPECT_EQ(got["workers"][0]["report_href"], "worker-1/index.html");
    EXPECT_EQ(got["workers"][1]["report_href"], "worker-2/fuzz.json");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace wsspec::report
