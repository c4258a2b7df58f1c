// Autobahn|Testsuite's fuzzingserver spec file (`wstest -m fuzzingserver -s spec.json`),
// so a project's existing configuration drives `wsspec test-client --spec FILE`:
//
//   {"url": "ws://127.0.0.1:9001", "outdir": "./reports/clients", "cases": ["*"],
//    "exclude-cases": ["9.*"], "exclude-agent-cases": {"myclient*": ["6.4.*"]},
//    "options": {...}, "webport": 8080}
//
// Patterns are Autobahn's: '*' matches any run of characters, anything else literally.
// `options` (the fuzzer's protocol options) and `webport` (its HTTP report server) have no
// counterpart in wsspec and are reported as ignored.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wsspec::server {

// exclude-agent-cases: for agents matching `agent_glob`, cases matching a case glob are
// skipped (runCase answers with a Close and records nothing).
struct AgentCaseExclusion {
    std::string agent_glob;
    std::vector<std::string> case_globs;
};

struct FuzzingSpec {
    std::optional<std::string> url;
    std::optional<std::vector<std::string>> cases;
    std::vector<std::string> exclude_cases;
    std::vector<AgentCaseExclusion> exclude_agent_cases;
    std::optional<std::string> outdir;
    std::vector<std::string> ignored_keys;  // present, understood, but without effect here
};

class FuzzingSpecError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Throws FuzzingSpecError "<file>: <key>: <reason>".
FuzzingSpec load_fuzzing_spec(const std::filesystem::path& file);
FuzzingSpec parse_fuzzing_spec(const std::string& text, const std::string& name);

// True when (agent, case id) is excluded by any rule.
bool agent_case_excluded(const std::vector<AgentCaseExclusion>& rules, const std::string& agent,
                         const std::string& case_id);

}  // namespace wsspec::server
