#include "harness/runner/autobahn_spec.h"

#include <fstream>
#include <sstream>

#include "harness/cases/case_selection.h"

namespace wsspec::runner {
namespace {

using nlohmann::json;

struct Reader {
    std::string file;
    [[noreturn]] void fail(const std::string& pointer, const std::string& why) const {
        throw SpecError(file + ": " + (pointer.empty() ? "/" : pointer) + ": " + why);
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
};

}  // namespace

std::vector<std::string> AutobahnSpec::excluded_for(const std::string& agent) const {
    std::vector<std::string> out = exclude_cases;
    for (const auto& [agent_pattern, patterns] : exclude_agent_cases) {
        if (cases::matches_pattern(agent, agent_pattern))
            out.insert(out.end(), patterns.begin(), patterns.end());
    }
    return out;
}

AutobahnSpec load_autobahn_spec(const std::filesystem::path& file) {
    const Reader r{file.string()};
    std::ifstream in(file, std::ios::binary);
    if (!in) r.fail("", "cannot open the spec file");
    std::stringstream ss;
    ss << in.rdbuf();
    json j;
    try {
        j = json::parse(ss.str());
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
            for (const auto& [agent, list] : value.items()) {
                spec.exclude_agent_cases.emplace_back(agent, r.strings_at(list, p + "/" + agent));
            }
        } else if (key == "servers") {
            if (!value.is_array()) r.fail(p, "expected an array of servers");
            for (std::size_t i = 0; i < value.size(); ++i) {
                const std::string sp = p + "/" + std::to_string(i);
                const json& s = value[i];
                if (!s.is_object()) r.fail(sp, "expected an object");
                SpecServer server;
                for (const auto& [k, v] : s.items()) {
                    if (k == "agent")
                        server.agent = r.string_at(v, sp + "/agent");
                    else if (k == "url")
                        server.url = r.string_at(v, sp + "/url");
                    else if (k == "origin")
                        server.origin = r.string_at(v, sp + "/origin");
                    else if (k == "protocols")
                        server.protocols = r.strings_at(v, sp + "/protocols");
                    else if (k == "hostname")
                        server.hostname = r.string_at(v, sp + "/hostname");
                    else if (k == "options")
                        server.options = v;
                    else
                        r.fail(sp + "/" + k,
                               "unknown field (expected agent, url, origin, protocols, hostname, "
                               "options)");
                }
                if (server.url.empty()) r.fail(sp, "missing \"url\"");
                spec.servers.push_back(std::move(server));
            }
        } else if (key == "webport" || key == "key" || key == "cert") {
            // fuzzingserver fields for Autobahn's own web UI and TLS files: accepted, unused here.
        } else {
            r.fail(p, "unknown field");
        }
    }
    return spec;
}

}  // namespace wsspec::runner
