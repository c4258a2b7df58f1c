// wsspec.json written as it is made, one case record at a time, byte for byte as nlohmann
// prints the whole document (keys sorted, one space per level): a report of several agents
// with long wire logs never has to be one tree or one string in memory.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "harness/report/atomic_file.h"

namespace wsspec::report {

// wsspec.json is indented one space per level: readable, and a third smaller than jq's 2.
inline constexpr int results_indent = 1;

// Call begin_run, add_case for each of its case records, end_run, for each run in order,
// then finish. One run is written as it is; several as a results set
// ({"format": "wsspec-results-set", "format_version", "runs": [...]}).
class ResultsJsonWriter {
  public:
    ResultsJsonWriter(TextSink& out, std::size_t run_count);

    // `run`: its members other than "cases" are written around the case records.
    void begin_run(const nlohmann::json& run);
    void add_case(const nlohmann::json& record);
    void end_run(const nlohmann::json& run);
    void finish();

  private:
    void member(const nlohmann::json& key, const nlohmann::json& value, int depth);
    void write_indented(const nlohmann::json& value, int depth);

    TextSink& out_;
    bool set_;
    std::size_t runs_written_ = 0;
    std::size_t cases_written_ = 0;
    bool first_member_ = true;
    int run_depth_;
};

}  // namespace wsspec::report
