#include "harness/runner/autobahn_spec.h"

#include <fstream>
#include <sstream>

#include "harness/cases/case_selection.h"

namespace wsspec::runner {
namespace {

using nlohmann::json;

struct Reader {
    std::string name;
    [[noreturn]] void fail(const std::string& pointer, const std::string& why) const {
        throw SpecError(name + ": " + (pointer.empty() ? "/" : pointer) + ": " + why);
    }
    std::string string_at(const json& j, const std::string& pointer) const {
        if (!j.is_string()) fail(pointer, "expected a string, got " + std::string(j.type_name()));
        return j.get<std::string>();
    }
    std::vector<std::string> strings_at(const json& j, const std::string& pointer) const {
        if (!j.is_array())
            fail(pointer, "expected an array of strings, got " + std::string(j.type_name()));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < j.size(); ++i)
            out.push_back(string_at(j[i], pointer + "/" + std::to_string(i)));
        return out;
    }
    SpecServer server_at(const json& s, const std::string& sp) const {
        if (!s.is_object()) fail(sp, "expected an object");
        SpecServer server;
        for (const auto& [k, v] : s.items()) {
            if (k == "agent")
                server.agent = string_at(v, sp + "/agent");
            else if (k == "url")
                server.url = string_at(v, sp + "/url");
            else if (k == "origin")
                server.origin = string_at(v, sp + "/origin");
            else if (k == "protocols")
                server.protocols = strings_at(v, sp + "/protocols");
            else if (k == "hostname")
                server.hostname = string_at(v, sp + "/hostname");
            else if (k == "options")
                server.options = v;
            else
                fail(sp + "/" + k, "unknown key \"" + k +
                                       "\" (expected agent, url, origin, protocols, hostname, "
                                       "options)");
        }
        if (server.url.empty()) fail(sp, "missing \"url\"");
        return server;
    }
};

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
    const Reader r{name};
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        r.fail("", std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) r.fail("", "expected a JSON object");
    AutobahnSpec spec;
    for (const auto& [key, value] : j.items()) {
        const std::string p = "/" + key;
        if (key == "options") {
            if (!value.is_object()) r.fail(p, "expected an object");
            spec.options = value;
            spec.ignored_keys.push_back(key);
        } else if (key == "outdir") {
            spec.outdir = r.string_at(value, p);
        } else if (key == "url") {
            spec.url = r.string_at(value, p);
        } else if (key == "cases") {
            spec.cases = r.strings_at(value, p);
        } else if (key == "exclude-cases") {
            spec.exclude_cases = r.strings_at(value, p);
        } else if (key == "exclude-agent-cases") {
            if (!value.is_object())
                r.fail(p, "expected an object mapping agent patterns to case lists");
            for (const auto& [agent, list] : value.items())
                spec.exclude_agent_cases.push_back({agent, r.strings_at(list, p + "/" + agent)});
        } else if (key == "servers") {
            if (!value.is_array()) r.fail(p, "expected an array of servers");
            for (std::size_t i = 0; i < value.size(); ++i)
                spec.servers.push_back(r.server_at(value[i], p + "/" + std::to_string(i)));
        } else if (key == "webport" || key == "key" || key == "cert") {
            // fuzzingserver fields for Autobahn's own web UI and TLS files.
            spec.ignored_keys.push_back(key);
        } else {
            r.fail(p, "unknown key \"" + key +
                          "\" (expected url, outdir, servers, cases, exclude-cases, "
                          "exclude-agent-cases, options, webport, key, cert)");
        }
    }
    return spec;
}

AutobahnSpec load_autobahn_spec(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) Reader{file.string()}.fail("", "cannot open the spec file");
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
