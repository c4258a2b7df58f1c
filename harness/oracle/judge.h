// The judge: compares what a peer did (Observation) with what its case expects and gives
// Autobahn|Testsuite's two verdicts -- `behavior` (protocol events) and `behaviorClose`
// (the closing handshake) -- each with a sentence saying expected vs observed.
#pragma once

#include <string>

#include "harness/cases/case.h"
#include "harness/oracle/observation.h"

namespace wsspec::oracle {

// Autobahn's verdict strings, used as they are so reports compare line by line.
namespace verdict {
inline constexpr const char* ok = "OK";
inline constexpr const char* non_strict = "NON-STRICT";
inline constexpr const char* informational = "INFORMATIONAL";
inline constexpr const char* unimplemented = "UNIMPLEMENTED";
inline constexpr const char* failed = "FAILED";
inline constexpr const char* wrong_code = "WRONG CODE";
inline constexpr const char* unclean = "UNCLEAN";
inline constexpr const char* failed_by_client = "FAILED BY CLIENT";
}  // namespace verdict

struct Judgement {
    std::string behavior;
    std::string behavior_close;
    std::string result;        // why `behavior`, in words
    std::string result_close;  // why `behavior_close`, in words
    std::string expected;      // what the case accepts, in words
    std::string observed;      // what the peer did, in words
};

Judgement judge(const cases::Case& c, const Observation& obs, cases::Role under_test);

// A case passes when neither verdict is a failure. NON-STRICT fails only with `strict`.
bool passed(const Judgement& j, bool strict);

// "message(text, 5 bytes) \"Hello\"" -- short, for reports.
std::string describe(const ObservedEvent& e);
std::string describe(const cases::Event& e);

}  // namespace wsspec::oracle
