// Reports and what a hostile peer controls: bytes that are not UTF-8, agent names that
// make bad file names, results files edited by hand, symlinks planted in the report
// directory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "harness/report/atomic_file.h"
#include "harness/report/autobahn_writer.h"
#include "harness/report/html_writer.h"
#include "harness/report/junit_writer.h"
#include "harness/report/report_files.h"
#include "harness/report/results_merge.h"
#include "harness/report/results_validation.h"
#include "harness/report/utf8_escape.h"
#include "tests/unit/report_test_runs.h"

namespace wsspec::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::SyntheticRun;

TEST(EscapeInvalidUtf8, KeepsValidTextAndWritesStrayBytesAsHex) {
    EXPECT_EQ(escape_invalid_utf8("plain"), "plain");
    EXPECT_EQ(escape_invalid_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
    EXPECT_EQ(escape_invalid_utf8("evil\xFF\xC3\x28srv"), "evil\\xFF\\xC3(srv");
    EXPECT_EQ(escape_invalid_utf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate
    EXPECT_EQ(escape_invalid_utf8("\xC0\xAF"), "\\xC0\\xAF");           // an overlong
    EXPECT_EQ(escape_invalid_utf8("cut \xE2\x82"), "cut \\xE2\\x82");   // truncated
    EXPECT_TRUE(is_valid_utf8(escape_invalid_utf8("\xF4\x90\x80\x80")));
}

TEST(EscapeInvalidUtf8, ReachesNestedStringsAndKeys) {
    json doc = {{"agent\xFF", {{"list", {"ok", "bad\xFE"}}}}, {"n", 1}};
    EXPECT_EQ(escape_invalid_utf8_in(doc), 2U);
    EXPECT_EQ(doc["agent\\xFF"]["list"][1], "bad\\xFE");
    EXPECT_NO_THROW((void)doc.dump());
}

TEST(PeerBytesInReports, NonUtf8HeaderReasonAndNotesReachEveryFormat) {
    SyntheticRun run("agent\xFF");
    run.add({"1.1.1", "FAILED", "FAILED"});
    auto& o = run.last();
    o.obs.handshake.response =
        "HTTP/1.1 101 Switching Protocols\r\nServer: evil\xFF\xC3\x28srv\r\n\r\n";
    o.obs.remote_close_reason = "bad\xFF";
    o.obs.peer_violation = "sent \xFE";
    o.judgement.observed = "close reason bad\xFF";
    oracle::WireEntry note;
    note.kind = oracle::WireEntry::Kind::note;
    note.data = "note \x80";
    o.obs.wire.push_back(note);
    const json doc = run.json();
    std::string text;
    ASSERT_NO_THROW(text = doc.dump());
    EXPECT_NE(text.find("evil\\\\xFF\\\\xC3(srv"), std::string::npos) << text.substr(0, 400);
    EXPECT_EQ(doc["cases"][0]["close"]["remote_close_reason"], "bad\\xFF");
    EXPECT_EQ(doc["agent"], "agent\\xFF");
    EXPECT_NO_THROW((void)autobahn_index_text({doc}));
    EXPECT_NO_THROW((void)autobahn_case(doc, doc["cases"][0]).dump());
    EXPECT_NO_THROW((void)junit_xml({doc}));
    EXPECT_NO_THROW((void)html_report({doc}));
}

TEST(DumpLastResort, ReplacesWhatEscapingMissed) {
    const json raw = std::string("x\xFF");
    EXPECT_THROW((void)raw.dump(), json::type_error);
    EXPECT_NO_THROW((void)raw.dump(-1, ' ', false, last_resort));
}

TEST(AutobahnFileNames, DifferentAgentsNeverShareAFile) {
    std::vector<json> runs;
    for (const char* agent : {"a/b", "a?b", "a_b"}) {
        SyntheticRun run(agent);
        run.add({"1.1.1"});
        runs.push_back(run.json());
    }
    const json index = autobahn_index(runs);
    std::set<std::string> files;
    for (const auto& [agent, cases] : index.items())
        files.insert(cases["1.1.1"]["reportfile"].get<std::string>());
    EXPECT_EQ(files.size(), 3U);
    for (const auto& f : files)
        EXPECT_EQ(f.find('/'), std::string::npos) << f;
}

TEST(AutobahnFileNames, StayShortForLongAgentNamesAndKeepAtsNames) {
    const std::string long_agent(300, 'x');
    const std::string name = autobahn_report_filename(long_agent, "12.5.4");
    EXPECT_LT(name.size(), 128U);
    EXPECT_NE(autobahn_report_filename(long_agent + "y", "12.5.4"), name);
    EXPECT_EQ(autobahn_report_filename("WS-RS", "12.5.4"), "ws_rs_case_12_5_4.json");
    EXPECT_EQ(autobahn_case_file_part("../../etc"), autobahn_case_file_part("../../etc"));
    EXPECT_EQ(autobahn_case_file_part("../../etc").find('/'), std::string::npos);
}

class ReportDirTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("wsspec_report_peer_bytes_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(ReportDirTest, PlantedSymlinksAreNotFollowed) {
    const fs::path victim = dir_ / "victim.txt";
    std::ofstream(victim) << "precious";
    // Every name the old writer would have used for its temp file, and the target itself.
    for (int pid = ::getpid() - 2; pid <= ::getpid() + 2; ++pid)
        fs::create_symlink(victim, dir_ / ("wsspec.json.tmp." + std::to_string(pid)));
    fs::create_symlink(victim, dir_ / "junit.xml");
    write_file_atomically(dir_ / "wsspec.json", "{}");
    write_file_atomically(dir_ / "junit.xml", "<x/>");
    std::ifstream in(victim);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content, "precious");
    EXPECT_FALSE(fs::is_symlink(dir_ / "junit.xml"));
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "wsspec.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644U);
}

TEST_F(ReportDirTest, StaleFilesOfAnEarlierIndexAreRemoved) {
    SyntheticRun ab("a/b");
    ab.add({"1.1.1"});
    write_autobahn_reports({ab.json()}, dir_);
    EXPECT_TRUE(fs::exists(dir_ / "a_b_case_1_1_1.json"));
    SyntheticRun other("a_b");
    other.add({"1.1.1"});
    write_autobahn_reports({ab.json(), other.json()}, dir_);
    EXPECT_FALSE(fs::exists(dir_ / "a_b_case_1_1_1.json")) << "both agents are hashed now";
    const json index = json::parse(std::ifstream(dir_ / "index.json"));
    for (const auto& [agent, cases] : index.items())
        EXPECT_TRUE(fs::exists(dir_ / cases["1.1.1"]["reportfile"].get<std::string>()));
}

std::string validation_error(const json& doc) {
    try {
        (void)runs_of(doc, "in.json");
    } catch (const InvalidResults& e) {
        return e.what();
    }
    return "";
}

TEST(ResultsValidation, NamesFileFieldAndReason) {
    SyntheticRun run("a");
    run.add({"1.1.1"}).add({"1.1.2"});
    json doc = run.json();
    EXPECT_EQ(validation_error(doc), "");
    json bad = doc;
    bad["cases"][1]["behavior"] = 42;
    EXPECT_EQ(validation_error(bad), "in.json: /cases/1/behavior: expected a string, got 42");
    bad = doc;
    bad["cases"][0]["behavior"] = "GREAT";
    EXPECT_NE(validation_error(bad).find("/cases/0/behavior: expected one of OK"),
              std::string::npos);
    bad = doc;
    bad["cases"].push_back(bad["cases"][0]);
    EXPECT_NE(validation_error(bad).find("appears more than once"), std::string::npos);
    bad = doc;
    bad.erase("agent");
    EXPECT_EQ(validation_error(bad), "in.json: /agent: missing (expected a string)");
}

TEST(ResultsValidation, SummaryIsRecomputedFromCases) {
    SyntheticRun run("a");
    run.add({"1.1.1"});
    json doc = run.json();
    doc["cases"][0]["behavior"] = "FAILED";  // edited after the run
    doc["summary"]["total"] = -1;
    const auto runs = merge_runs(runs_of(doc, "in.json"), nullptr);
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0]["summary"]["total"], 1);
    EXPECT_EQ(runs[0]["summary"]["failed"], 1);
    EXPECT_EQ(runs[0]["cases"][0]["passed"], false);
}

}  // namespace
}  // namespace wsspec::report
