#include "harness/server/fuzzing_spec.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/cases/case_selection.h"

namespace wsspec::server {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& name, const std::string& key, const std::string& why) {
    throw FuzzingSpecError(name + ": " + key + ": " + why);
}

std::vector<std::string> string_list(const json& j, const std::string& name,
                                     const std::string& key) {
    if (!j.is_array()) fail(name, key, "expected a list of case patterns");
    std::vector<std::string> out;
    for (const auto& item : j) {
        if (!item.is_string()) fail(name, key, "expected strings, got " + item.dump());
        out.push_back(item.get<std::string>());
    }
    return out;
}

}  // namespace

FuzzingSpec parse_fuzzing_spec(const std::string& text, const std::string& name) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw FuzzingSpecError(name + ": not JSON: " + e.what());
    }
    if (!j.is_object()) throw FuzzingSpecError(name + ": expected a JSON object");
    FuzzingSpec spec;
    for (const auto& [key, value] : j.items()) {
        if (key == "url") {
            if (!value.is_string()) fail(name, key, "expected a ws:// URL string");
            spec.url = value.get<std::string>();
        } else if (key == "outdir") {
            if (!value.is_string()) fail(name, key, "expected a directory name");
            spec.outdir = value.get<std::string>();
        } else if (key == "cases") {
            spec.cases = string_list(value, name, key);
        } else if (key == "exclude-cases") {
            spec.exclude_cases = string_list(value, name, key);
        } else if (key == "exclude-agent-cases") {
            if (!value.is_object())
                fail(name, key, "expected {\"agent pattern\": [case patterns]}");
            for (const auto& [agent, globs] : value.items()) {
                spec.exclude_agent_cases.push_back(
                    {agent, string_list(globs, name, key + "." + agent)});
            }
        } else if (key == "options" || key == "webport" || key == "key" || key == "cert") {
            spec.ignored_keys.push_back(key);
        } else {
            fail(name, key,
                 "unknown key (expected url, outdir, cases, exclude-cases, exclude-agent-cases, "
                 "options, webport)");
        }
    }
    return spec;
}

FuzzingSpec load_fuzzing_spec(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw FuzzingSpecError(file.string() + ": cannot open");
    std::ostringstream buf;
    buf << in.rdbuf();
    return parse_fuzzing_spec(buf.str(), file.string());
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

}  // namespace wsspec::server
