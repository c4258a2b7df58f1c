// Results read back case by case (results_reader.h, deferred_members.h) and reports
// written one case at a time (report_files.h): wsspec.json comes out byte for byte as one
// nlohmann dump of the whole document, a file read back and written again is unchanged,
// excerpted wire logs survive, and bad input is still named as before.
#include "harness/report/results_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/report/atomic_file.h"
#include "harness/report/deferred_members.h"
#include "harness/report/report_files.h"
#include "harness/report/results_json_writer.h"
#include "harness/report/results_merge.h"
#include "harness/report/results_validation.h"
#include "harness/report/utf8_escape.h"
#include "tests/unit/report_test_runs.h"

namespace wsspec::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CaseSpec;
using testing::SyntheticRun;

class ResultsFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("wsspec-results-reader-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name, std::ios::binary) << text;
        return dir_ / name;
    }
    std::string read(const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::string load_error(const std::string& text) {
        try {
            (void)load_runs(write("in.json", text));
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }

    fs::path dir_;
};

SyntheticRun mixed_run(const std::string& agent) {
    SyntheticRun run(agent);
    CaseSpec long_pass{"9.1.1"};
    long_pass.wire_entries = 200;
    CaseSpec long_fail{"9.1.2", "FAILED"};
    long_fail.wire_entries = 200;
    run.add({"1.1.1"}).add({"2.5", "FAILED", "WRONG CODE"}).add({"7.1.1", "OK", "OK", false});
    run.add(long_pass).add(long_fail);
    return run;
}

std::string written_json(const std::vector<json>& runs) {
    StringSink out;
    ResultsJsonWriter writer(out, runs.size());
    for (const auto& run : runs) {
        writer.begin_run(run);
        for (const auto& c : run["cases"])
            writer.add_case(c);
        writer.end_run(run);
    }
    writer.finish();
    return out.take();
}

TEST(ResultsJsonWriter, WritesWhatOneDumpOfTheDocumentWould) {
    json one = mixed_run("srv").json();
    EXPECT_EQ(written_json({one}), one.dump(results_indent, ' ', false, last_resort));
    const std::vector<json> two = {one, mixed_run("other").json()};
    EXPECT_EQ(written_json(two), results_document(two).dump(results_indent, ' ', false));
    json empty = one;
    empty["cases"] = json::array();
    EXPECT_EQ(written_json({empty}), empty.dump(results_indent));
    EXPECT_EQ(written_json({}), results_document({}).dump(results_indent));
}

TEST_F(ResultsFiles, ReadBackDefersWireLogsAndEventsOnly) {
    const json doc = mixed_run("srv").json();
    const auto runs = load_runs(write("wsspec.json", doc.dump(1)));
    ASSERT_EQ(runs.size(), 1U);
    const json& c = runs[0]["cases"][3];
    EXPECT_EQ(c["id"], "9.1.1");
    EXPECT_TRUE(is_deferred(c["wire"]));
    EXPECT_TRUE(is_deferred(c["events"]));
    EXPECT_FALSE(is_deferred(c["close"]));
    EXPECT_EQ(c["wire_excerpt"]["entries"], 200) << "an excerpted log is read back as one";
    for (std::size_t i = 0; i < doc["cases"].size(); ++i) {
        json storage;
        EXPECT_EQ(whole_case(runs[0]["cases"][i], storage), doc["cases"][i]) << i;
    }
    EXPECT_EQ(runs[0]["summary"], doc["summary"]);
}

TEST_F(ResultsFiles, RewritingReadBackResultsChangesNothing) {
    // One run and a results set of two agents, each written, read back, written again.
    const std::vector<std::vector<json>> inputs = {{mixed_run("srv").json()},
                                                   {mixed_run("a").json(), mixed_run("b").json()}};
    for (const auto& runs : inputs) {
        write_reports(runs, dir_ / "first", {true, true, true, true});
        auto read_back = merge_runs(load_runs(dir_ / "first" / "wsspec.json"), nullptr);
        write_reports(read_back, dir_ / "second", {true, true, true, true});
        EXPECT_EQ(read(dir_ / "second" / "wsspec.json"), read(dir_ / "first" / "wsspec.json"));
        for (const char* file : {"index.json", "srv_case_9_1_1.json", "a_case_2_5.json"}) {
            if (!fs::exists(dir_ / "first" / file)) continue;
            EXPECT_EQ(read(dir_ / "second" / file), read(dir_ / "first" / file)) << file;
        }
        EXPECT_EQ(read(dir_ / "second" / "junit.xml"), read(dir_ / "first" / "junit.xml"));
    }
}

TEST_F(ResultsFiles, ShardsReadBackMergeIntoTheUnshardedRun) {
    SyntheticRun whole = mixed_run("srv");
    std::vector<json> parts;
    for (int shard = 0; shard < 2; ++shard) {
        json doc = whole.json();
        json cases = json::array();
        for (std::size_t k = static_cast<std::size_t>(shard); k < doc["cases"].size(); k += 2)
            cases.push_back(doc["cases"][k]);
        doc["cases"] = cases;
        doc["options"]["shard"] = std::to_string(shard + 1) + "/2";
        const auto file = write("shard" + std::to_string(shard) + ".json", doc.dump(1));
        for (auto& run : load_runs(file))
            parts.push_back(std::move(run));
    }
    const auto merged = merge_runs(std::move(parts), nullptr);
    ASSERT_EQ(merged.size(), 1U);
    const json expected = whole.json();
    ASSERT_EQ(merged[0]["cases"].size(), expected["cases"].size());
    for (std::size_t i = 0; i < expected["cases"].size(); ++i) {
        json storage;
        const json& c = whole_case(merged[0]["cases"][i], storage);
        EXPECT_EQ(c["id"], expected["cases"][i]["id"]);
        EXPECT_EQ(c.value("wire", json()), expected["cases"][i].value("wire", json())) << i;
        EXPECT_EQ(c["passed"], expected["cases"][i]["passed"]) << i;
    }
    EXPECT_EQ(merged[0]["summary"], expected["summary"]);
}

TEST_F(ResultsFiles, BadInputIsNamedAsBefore) {
    const json doc = mixed_run("srv").json();
    const std::string text = doc.dump(1);
    EXPECT_NE(load_error(text.substr(0, text.size() / 2)).find("in.json: invalid JSON"),
              std::string::npos);
    EXPECT_NE(load_error(text + " {}").find("in.json: invalid JSON"), std::string::npos)
        << "anything after the document";
    json bad = doc;
    bad["cases"][1]["behavior"] = 42;
    EXPECT_EQ(load_error(bad.dump()),
              (dir_ / "in.json").string() + ": /cases/1/behavior: expected a string, got 42");
    bad = doc;
    bad["cases"][0]["wire"] = "not a log";
    EXPECT_NE(load_error(bad.dump()).find("/cases/0/wire: expected an array"), std::string::npos);
    bad = doc;
    bad.erase("format");  // cases, but no format: read again whole, and refused by name
    EXPECT_NE(load_error(bad.dump()).find("not a wsspec results document"), std::string::npos);
    bad = doc;
    bad["cases"][1]["wire"] = {{"kind", "TF"}, {"t", 0}};  // an object: validated, not deferred
    EXPECT_NE(load_error(bad.dump()).find("/cases/1/wire: expected an array"), std::string::npos);
}

TEST_F(ResultsFiles, PaddedTextGivesBackWhatWasRead) {
    const std::string text(1 << 20, 'x');
    PaddedText padded(write("big.txt", text));
    EXPECT_TRUE(padded.intact());
    EXPECT_EQ(padded.view(), text);
    padded.release_before(padded.view().data() + 10);  // not a whole page yet
    EXPECT_TRUE(padded.intact());
    padded.release_before(padded.view().data() + (512 << 10));
    EXPECT_FALSE(padded.intact());
    EXPECT_EQ(padded.view().back(), 'x') << "what was not read is kept";
}

TEST_F(ResultsFiles, AtomicFileWriterMovesIntoPlaceOnlyOnCommit) {
    {
        AtomicFileWriter file(dir_ / "a.txt");
        file.write("never");
    }
    EXPECT_TRUE(fs::is_empty(dir_)) << "an uncommitted file leaves nothing behind";
    AtomicFileWriter file(dir_ / "b.txt");
    const std::string big(3 << 20, 'y');
    file.write("start ");
    file.write(big);
    file.write(" end");
    EXPECT_FALSE(fs::exists(dir_ / "b.txt"));
    EXPECT_EQ(file.commit(), big.size() + 10);
    EXPECT_EQ(read(dir_ / "b.txt"), "start " + big + " end");
}

}  // namespace
}  // namespace wsspec::report
