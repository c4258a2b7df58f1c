#include "harness/cases/case_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "harness/cases/case_parsers.h"

namespace wsspec::cases {
namespace {

using namespace json_input;
using namespace parse;

bool valid_id(std::string_view id) {
    if (id.empty() || id.front() == '.' || id.back() == '.') return false;
    char prev = '\0';
    for (char c : id) {
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && c != '.') return false;
        if (c == '.' && prev == '.') return false;
        prev = c;
    }
    return true;
}

Case parse_case(const json& j, const JsonPath& w, const std::string& group,
                const std::string& file) {
    object_at(j, w, "a case object");
    check_keys(j, w,
               {"id", "description", "rfc", "requirement", "roles", "timeout_ms", "handshake",
                "handshake_response", "offer_protocols", "offer_extensions", "steps", "expect",
                "expect_close", "informational", "measure_throughput", "permessage_deflate",
                "resource_limits", "h2", "h2_response"});
    Case c;
    c.source_file = file;
    c.id = as_string(require(j, w, "id"), w / "id");
    if (!valid_id(c.id)) {
        (w / "id").fail("invalid case id " + in_quotes(c.id) +
                        " (dot-separated parts of letters and digits, like 1.1.1 or hs.2.3)");
    }
    if (c.id != group && c.id.rfind(group + ".", 0) != 0) {
        (w / "id").fail("case id " + in_quotes(c.id) + " is not in this file's group " +
                        in_quotes(group));
    }
    c.description = as_string(require(j, w, "description"), w / "description");
    if (c.description.empty()) (w / "description").fail("empty description");
    if (c.description.find('\n') != std::string::npos) {
        (w / "description").fail("the description is one line (put details in requirement)");
    }
    c.rfc = string_list(require(j, w, "rfc"), w / "rfc", false);
    c.requirement = as_string(require(j, w, "requirement"), w / "requirement");
    {
        const JsonPath rw = w / "roles";
        auto roles = string_list(require(j, w, "roles"), rw, false);
        if (roles.empty()) rw.fail("a case applies to at least one role (server or client)");
        for (std::size_t i = 0; i < roles.size(); ++i) {
            Role r;
            if (roles[i] == "server") {
                r = Role::server;
            } else if (roles[i] == "client") {
                r = Role::client;
            } else {
                (rw / i).fail("unknown role " + in_quotes(roles[i]) +
                              " (expected server or client)");
            }
            if (std::find(c.roles.begin(), c.roles.end(), r) != c.roles.end()) {
                (rw / i).fail("role " + in_quotes(roles[i]) + " listed twice");
            }
            c.roles.push_back(r);
        }
    }
    c.timeout_ms = optional_timeout(j, w);
    if (const json* v = find(j, "handshake"))
        c.handshake = parse_handshake_request(*v, w / "handshake");
    if (const json* v = find(j, "handshake_response")) {
        // Only wsspec-as-server sends a response, so only client cases may have one.
        if (c.roles != std::vector<Role>{Role::client}) {
            (w / "handshake_response")
                .fail(
                    "a handshake_response is what wsspec answers as the server, so the case's "
                    "roles must be [\"client\"]");
        }
        c.handshake_response = parse_handshake_response(*v, w / "handshake_response");
    }
    if (const json* v = find(j, "h2")) {
        // wsspec speaks HTTP/2 only as the client: these cases test servers.
        if (c.roles != std::vector<Role>{Role::server}) {
            (w / "h2").fail(
                "an h2 request is sent by wsspec as the client: roles must be [\"server\"]");
        }
        if (c.handshake) (w / "h2").fail("\"h2\" and \"handshake\" (HTTP/1.1) exclude each other");
        c.h2 = parse_h2_request(*v, w / "h2");
    }
    if (const json* v = find(j, "h2_response")) {
        // wsspec answers as the HTTP/2 server: these cases test clients.
        if (c.roles != std::vector<Role>{Role::client}) {
            (w / "h2_response")
                .fail(
                    "an h2_response is what wsspec answers as the server: roles must be "
                    "[\"client\"]");
        }
        if (c.handshake_response) {
            (w / "h2_response")
                .fail("\"h2_response\" and \"handshake_response\" (HTTP/1.1) exclude each other");
        }
        c.h2_response = parse_h2_response(*v, w / "h2_response");
    }
    if (const json* v = find(j, "offer_protocols")) {
        c.offer_protocols = string_list(*v, w / "offer_protocols", false);
    }
    if (const json* v = find(j, "offer_extensions")) {
        c.offer_extensions = string_list(*v, w / "offer_extensions", false);
    }
    if (const json* v = find(j, "permessage_deflate")) {
        c.permessage_deflate = parse_deflate_case(*v, w / "permessage_deflate");
    }
    c.steps = parse_steps(require(j, w, "steps"), w / "steps");
    {
        const JsonPath ew = w / "expect";
        const json& arr = array_at(require(j, w, "expect"), ew);
        if (arr.empty()) ew.fail("at least one expected outcome is needed");
        for (std::size_t i = 0; i < arr.size(); ++i)
            c.expect.push_back(parse_expectation(arr[i], ew / i));
    }
    c.expect_close = parse_close_expectation(require(j, w, "expect_close"), w / "expect_close");
    if (const json* v = find(j, "informational"))
        c.informational = as_bool(*v, w / "informational");
    if (const json* v = find(j, "measure_throughput")) {
        c.measure_throughput = as_bool(*v, w / "measure_throughput");
    }
    if (const json* v = find(j, "resource_limits")) {
        const JsonPath rw = w / "resource_limits";
        object_at(*v, rw);
        check_keys(*v, rw, {"rss_growth_kib", "fd_growth"});
        ResourceLimits limits;
        if (const json* n = find(*v, "rss_growth_kib"))
            limits.rss_growth_kib = as_uint(*n, rw / "rss_growth_kib");
        if (const json* n = find(*v, "fd_growth")) limits.fd_growth = as_uint(*n, rw / "fd_growth");
        c.resource_limits = limits;
    }
    return c;
}

std::string read_file(const std::filesystem::path& path, const std::string& name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CaseLoadError(name + ": cannot open: " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw CaseLoadError(name + ": read error");
    return buf.str();
}

// Loads one file; `seen` maps ids already loaded to their files, for duplicate detection.
void load_text(std::string_view text, const std::string& name, std::vector<Case>& out,
               std::map<std::string, std::string, std::less<>>& seen) {
    const auto root = JsonPath::root_of<CaseLoadError>(name);
    const json doc = parse_document(text, root);
    object_at(doc, root, "a case file object ({\"group\", \"title\", \"cases\"})");
    check_keys(doc, root, {"$schema", "generated_by", "group", "title", "cases"});
    if (const json* v = find(doc, "$schema")) as_string(*v, root / "$schema");
    if (const json* v = find(doc, "generated_by")) as_string(*v, root / "generated_by");
    std::string group = as_string(require(doc, root, "group"), root / "group");
    if (!valid_id(group)) {
        (root / "group").fail("invalid group " + in_quotes(group) + " (like 1.1, 5 or hs.2)");
    }
    const std::string title = as_string(require(doc, root, "title"), root / "title");
    const JsonPath cw = root / "cases";
    const json& cases = array_at(require(doc, root, "cases"), cw);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        Case c = parse_case(cases[i], cw / i, group, name);
        c.group = group;
        c.group_title = title;
        auto [it, inserted] = seen.emplace(c.id, name);
        if (!inserted) {
            (cw / i / "id")
                .fail("duplicate case id " + in_quotes(c.id) + " (already defined in " +
                      it->second + ")");
        }
        out.push_back(std::move(c));
    }
}

void load_file(const std::filesystem::path& path, std::vector<Case>& out,
               std::map<std::string, std::string, std::less<>>& seen) {
    const std::string name = path.string();
    load_text(read_file(path, name), name, out, seen);
}

bool is_case_file(const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    constexpr std::string_view kJson = ".json";
    constexpr std::string_view kSchema = ".schema.json";
    auto ends_with = [&](std::string_view suffix) {
        return name.size() >= suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends_with(kJson) && !ends_with(kSchema);
}

}  // namespace

std::vector<Case> load_catalog(const std::filesystem::path& dir_or_file) {
    std::error_code ec;
    const auto status = std::filesystem::status(dir_or_file, ec);
    if (ec || !std::filesystem::exists(status)) {
        throw CaseLoadError(dir_or_file.string() + ": no such file or directory");
    }
    std::vector<Case> out;
    std::map<std::string, std::string, std::less<>> seen;
    if (!std::filesystem::is_directory(status)) {
        load_file(dir_or_file, out, seen);
        return out;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_or_file, ec)) {
        if (entry.is_regular_file() && is_case_file(entry.path())) files.push_back(entry.path());
    }
    if (ec) throw CaseLoadError(dir_or_file.string() + ": cannot list: " + ec.message());
    if (files.empty()) throw CaseLoadError(dir_or_file.string() + ": no *.json case files");
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        load_file(f, out, seen);
    return out;
}

std::vector<Case> load_catalog_from_string(std::string_view json_text, std::string_view name) {
    std::vector<Case> out;
    std::map<std::string, std::string, std::less<>> seen;
    load_text(json_text, std::string(name), out, seen);
    return out;
}

}  // namespace wsspec::cases
