// Autobahn|Testsuite spec files, read as they are, so a project that runs
// `wstest -m fuzzingclient -s fuzzingclient.json` (wsspec test-server --spec) or
// `wstest -m fuzzingserver -s fuzzingserver.json` (wsspec test-client --spec) switches by
// changing one command:
//
//   fuzzingclient: {"outdir": "./reports/servers", "servers": [{"agent": "a", "url": "ws://.."}],
//                   "cases": ["*"], "exclude-cases": ["9.*"], "exclude-agent-cases": {...}}
//   fuzzingserver: {"url": "ws://127.0.0.1:9001", "outdir": "./reports/clients",
//                   "cases": ["*"], "exclude-cases": ["9.*"],
//                   "exclude-agent-cases": {"myclient*": ["6.4.*"]}, "webport": 8080}
//
// The case and agent patterns use Autobahn's syntax: '*' matches anything, the rest is
// literal. `options` (the fuzzer's protocol options), `webport` (its HTTP report server),
// `key` and `cert` (its TLS files) have no counterpart in wsspec: they are accepted and
// listed in `ignored_keys`. Any other key is an error.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wsspec::runner {

struct SpecError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct SpecServer {
    std::string agent;  // empty: use the Server header
    std::string url;
    std::string origin;
    std::vector<std::string> protocols;
    std::string hostname;  // TLS server name (SNI)
    nlohmann::json options = nlohmann::json::object();
};

// exclude-agent-cases: for agents matching `agent_glob`, cases matching a case glob are
// skipped.
struct AgentCaseExclusion {
    std::string agent_glob;
    std::vector<std::string> case_globs;
};

struct AutobahnSpec {
    nlohmann::json options = nlohmann::json::object();
    std::optional<std::string> outdir;
    std::vector<SpecServer> servers;  // fuzzingclient
    std::optional<std::string> url;   // fuzzingserver: where to listen
    // Absent: the command decides (Autobahn's default is every case, "*").
    std::optional<std::vector<std::string>> cases;
    std::vector<std::string> exclude_cases;
    std::vector<AgentCaseExclusion> exclude_agent_cases;
    // Keys present in the file, understood, but without effect in wsspec (file order).
    std::vector<std::string> ignored_keys;

    // Case patterns excluded for this agent: exclude-cases plus matching exclude-agent-cases.
    [[nodiscard]] std::vector<std::string> excluded_for(const std::string& agent) const;
};

// Both throw SpecError "<name>: <JSON pointer>: <reason>".
AutobahnSpec load_autobahn_spec(const std::filesystem::path& file);
AutobahnSpec parse_autobahn_spec(const std::string& text, const std::string& name);

// True when (agent, case id) is excluded by any exclude-agent-cases rule.
bool agent_case_excluded(const std::vector<AgentCaseExclusion>& rules, const std::string& agent,
                         const std::string& case_id);

}  // namespace wsspec::runner
