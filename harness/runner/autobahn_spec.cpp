#include "harness/runner/autobahn_spec.h"

#include <fstream>
#include <sstream>

#include "harness/cases/case_selection.h"
#include "harness/cases/json_reader.h"

namespace wsspec::runner {
namespace {

using json_input::json;
using json_input::JsonPath;

SpecServer server_at(const json& s, const JsonPath& sp) {
    json_input::object_at(s, sp);
    json_input::check_keys(s, sp, {"agent", "url", "origin", "protocols", "hostname", "options"});
    SpecServer server;
    for (const auto& [k, v] : s.items()) {
        if (k == "agent")
            server.agent = json_input::as_string(v, sp / k);
        else if (k == "url")
            server.url = json_input::as_string(v, sp / k);
        else if (k == "origin")
            server.origin = json_input::as_string(v, sp / k);
        else if (k == "protocols")
            server.protocols = json_input::string_list(v, sp / k, true);
        else if (k == "hostname")
            server.hostname = json_input::as_string(v, sp / k);
        else
            server.options = v;
    }
    if (server.url.empty()) sp.fail("missing \"url\"");
    return server;
}

}  // namespace

std::vector<std::string> AutobahnSpec::excluded_for(const std::string& agent) const {
    std::vector<std::string> out = exclude_cases;
    for (const auto& rule : exclude_agent_cases) {
        if (cases::matches_pattern(agent, rule.agent_glob))
            out.insert(out.end(), rule.case_globs.begin(), rule.case_globs.end());
    }
    return out;
}

AutobahnSpec parse_autobahn_spec(const std::string& text, const std::string& name) {
    const auto root = JsonPath::root_of<SpecError>(name);
    const json j = json_input::parse_document(text, root);
    json_input::object_at(j, root, "a JSON object");
    json_input::check_keys(j, root,
                           {"url", "outdir", "servers", "cases", "exclude-cases",
                            "exclude-agent-cases", "options", "webport", "key", "cert"});
    AutobahnSpec spec;
    for (const auto& [key, value] : j.items()) {
        const JsonPath p = root / key;
        if (key == "options") {
            json_input::object_at(value, p);
            spec.options = value;
            spec.ignored_keys.push_back(key);
        } else if (key == "outdir") {
            spec.outdir = json_input::as_string(value, p);
        } else if (key == "url") {
            spec.url = json_input::as_string(value, p);
        } else if (key == "cases") {
            spec.cases = json_input::string_list(value, p, true);
        } else if (key == "exclude-cases") {
            spec.exclude_cases = json_input::string_list(value, p, true);
        } else if (key == "exclude-agent-cases") {
            json_input::object_at(value, p, "an object mapping agent patterns to case lists");
            for (const auto& [agent, list] : value.items())
                spec.exclude_agent_cases.push_back(
                    {agent, json_input::string_list(list, p / agent, true)});
        } else if (key == "servers") {
            for (std::size_t i = 0; i < json_input::array_at(value, p).size(); ++i)
                spec.servers.push_back(server_at(value[i], p / i));
        } else {
            // webport, key, cert: fuzzingserver fields for Autobahn's own web UI and TLS files.
            spec.ignored_keys.push_back(key);
        }
    }
    return spec;
}

AutobahnSpec load_autobahn_spec(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::string name = file.string();
    if (!in) JsonPath::root_of<SpecError>(name).fail_file("cannot open the spec file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_autobahn_spec(ss.str(), file.string());
}

bool agent_case_excluded(const std::vector<AgentCaseExclusion>& rules, const std::string& agent,
                         const std::string& case_id) {
    for (const auto& rule : rules) {
        if (!cases::matches_pattern(agent, rule.agent_glob)) continue;
        for (const auto& glob : rule.case_globs) {
            if (cases::matches_pattern(case_id, glob)) return true;
        }
    }
    return false;
}

}  // namespace wsspec::runner
