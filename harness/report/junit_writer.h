// junit.xml for CI test views: one <testsuite> per agent, one <testcase> per case
// (classname = category, name = case id), FAILED cases as <failure> with the reason,
// NON-STRICT / INFORMATIONAL / UNIMPLEMENTED verdicts in the case's <system-out>, cases the
// baseline expects to fail and cases an interrupted run did not reach as <skipped>.
// Validates against reports/junit.xsd.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::report {

std::string junit_xml(const std::vector<nlohmann::json>& runs);

// Text made safe for XML 1.0 content and attribute values: markup characters escaped and
// characters XML cannot carry (control characters, U+FFFE/U+FFFF) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace wsspec::report
