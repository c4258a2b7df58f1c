// junit.xml for CI test views: one <testsuite> per agent, one <testcase> per case
// (classname = category, name = case id), FAILED cases as <failure> with the reason,
// NON-STRICT / INFORMATIONAL / UNIMPLEMENTED verdicts in the case's <system-out>, cases the
// baseline expects to fail and cases an interrupted run did not reach as <skipped>.
// Validates against reports/junit.xsd.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/report/atomic_file.h"

namespace wsspec::report {

// junit.xml written one case at a time: the totals and each suite's counts come from the
// runs' case records as they are (read-back records will do: no wire log is needed), each
// <testcase> from a whole record (a failure quotes the end of its wire log). Call
// begin_run, add_case for each of its records, end_run, for every run in order, then finish.
class JunitWriter {
  public:
    JunitWriter(TextSink& out, const std::vector<nlohmann::json>& runs);
    void begin_run(const nlohmann::json& run);
    void add_case(const nlohmann::json& record);
    void end_run(const nlohmann::json& run);
    void finish();

  private:
    TextSink& out_;
    std::map<std::string, std::pair<std::string, std::string>> known_;  // of the current run
    bool strict_ = false;
    std::string agent_;
};

std::string junit_xml(const std::vector<nlohmann::json>& runs);

// Text made safe for XML 1.0 content and attribute values: markup characters escaped and
// characters XML cannot carry (control characters, U+FFFE/U+FFFF) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace wsspec::report
