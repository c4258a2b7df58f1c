#include "harness/report/results_json_writer.h"

#include <string>

#include "harness/report/results_merge.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

std::string spaces(int depth) {
    return std::string(static_cast<std::size_t>(depth * results_indent), ' ');
}

}  // namespace

ResultsJsonWriter::ResultsJsonWriter(TextSink& out, std::size_t run_count)
    : out_(out), set_(run_count != 1), run_depth_(set_ ? 2 : 0) {
    if (!set_) return;
    // The members of a results set that sort before "runs", as nlohmann would print them.
    out_.write("{\n" + spaces(1) + "\"format\": \"wsspec-results-set\",\n" + spaces(1) +
               "\"format_version\": " + std::to_string(results_set_format_version) + ",\n" +
               spaces(1) + "\"runs\": " + (run_count == 0 ? "[]" : "["));
}

void ResultsJsonWriter::write_indented(const json& value, int depth) {
    // A dump holds no newline inside its strings (they are escaped), so every newline starts
    // a line to indent.
    const std::string text = value.dump(results_indent, ' ', false, last_resort);
    const std::string indent = "\n" + spaces(depth);
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    for (char ch : text) {
        if (ch == '\n') {
            out += indent;
        } else {
            out += ch;
        }
    }
    out_.write(out);
}

void ResultsJsonWriter::member(const json& key, const json& value, int depth) {
    out_.write((first_member_ ? "\n" : ",\n") + spaces(depth) +
               key.dump(-1, ' ', false, last_resort) + ": ");
    first_member_ = false;
    write_indented(value, depth);
}

void ResultsJsonWriter::begin_run(const json& run) {
    if (set_) out_.write((runs_written_ == 0 ? "\n" : ",\n") + spaces(run_depth_));
    out_.write("{");
    first_member_ = true;
    cases_written_ = 0;
    for (const auto& [key, value] : run.items()) {
        if (key >= "cases") break;  // members are sorted by key
        member(key, value, run_depth_ + 1);
    }
    out_.write((first_member_ ? "\n" : ",\n") + spaces(run_depth_ + 1) + "\"cases\": [");
    first_member_ = false;
}

void ResultsJsonWriter::add_case(const json& record) {
    out_.write((cases_written_ == 0 ? "\n" : ",\n") + spaces(run_depth_ + 2));
    write_indented(record, run_depth_ + 2);
    ++cases_written_;
}

void ResultsJsonWriter::end_run(const json& run) {
    out_.write(cases_written_ == 0 ? "]" : "\n" + spaces(run_depth_ + 1) + "]");
    for (const auto& [key, value] : run.items()) {
        if (key > "cases") member(key, value, run_depth_ + 1);
    }
    out_.write("\n" + spaces(run_depth_) + "}");
    ++runs_written_;
}

void ResultsJsonWriter::finish() {
    if (set_) out_.write((runs_written_ == 0 ? "\n" : "\n" + spaces(1) + "]\n") + "}");
}

}  // namespace wsspec::report
