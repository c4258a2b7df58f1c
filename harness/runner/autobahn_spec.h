// Autobahn|Testsuite spec files, read as they are, so a project that runs
// `wstest -m fuzzingclient -s fuzzingclient.json` switches by changing one command.
// The case patterns use Autobahn's syntax: '*' matches anything, the rest is literal.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
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

struct AutobahnSpec {
    nlohmann::json options = nlohmann::json::object();
    std::string outdir;
    std::vector<SpecServer> servers;  // fuzzingclient
    std::string url;                  // fuzzingserver: where to listen
    std::vector<std::string> cases = {"*"};
    std::vector<std::string> exclude_cases;
    // agent pattern -> case patterns (both anchored, '*' = anything)
    std::vector<std::pair<std::string, std::vector<std::string>>> exclude_agent_cases;

    // Case patterns excluded for this agent: exclude-cases plus matching exclude-agent-cases.
    [[nodiscard]] std::vector<std::string> excluded_for(const std::string& agent) const;
};

// Throws SpecError naming the file, the JSON pointer and the reason.
AutobahnSpec load_autobahn_spec(const std::filesystem::path& file);

}  // namespace wsspec::runner
