#include "harness/report/html_writer.h"

#include <chrono>
#include <stdexcept>
#include <string_view>

#include "harness/report/results_json.h"
#include "report_template.h"  // generated: html_report_template

namespace wsspec::report {
namespace {

using nlohmann::json;

constexpr std::string_view data_placeholder = "{{WSSPEC_DATA}}";

// A wire entry as the page needs it: the text column is derived from the hex in the page.
json slim_wire_entry(const json& e) {
    json out = e;
    if (out.value("kind", "") != "NOTE") out.erase("text");
    return out;
}

json trimmed_wire(const json& wire) {
    json out = json::array();
    const std::size_t n = wire.size();
    if (n <= html_wire_head_entries + html_wire_tail_entries) {
        for (const auto& e : wire)
            out.push_back(slim_wire_entry(e));
        return out;
    }
    for (std::size_t i = 0; i < html_wire_head_entries; ++i)
        out.push_back(slim_wire_entry(wire[i]));
    const std::size_t omitted = n - html_wire_head_entries - html_wire_tail_entries;
    out.push_back({{"kind", "NOTE"},
                   {"t", wire[html_wire_head_entries].value("t", 0.0)},
                   {"text", std::to_string(omitted) +
                                " wire log entries omitted in this page (see wsspec.json)"}});
    for (std::size_t i = n - html_wire_tail_entries; i < n; ++i)
        out.push_back(slim_wire_entry(wire[i]));
    return out;
}

void cap_text(json& obj, const char* key, std::size_t limit) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return;
    auto& s = it->get_ref<std::string&>();
    if (s.size() <= limit) return;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;  // keep whole UTF-8 sequences
    s.resize(cut);
    s += "\n[... truncated]";
}

std::string text_at(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The group of a case: its case file's "group", which every id in the file extends by one
// part ("6.4" for 6.4.1, "hs.1" for hs.1.3).
std::string case_group(const json& c) {
    const std::string group = text_at(c, "group");
    if (!group.empty()) return group;
    const std::string id = text_at(c, "id");
    const auto dot = id.rfind('.');
    return dot == std::string::npos ? id : id.substr(0, dot);
}

json trimmed_case(const json& c, const GroupTitles& titles) {
    json out = json::object();
    for (const auto& [key, value] : c.items()) {
        if (key == "wire") {
            out[key] = trimmed_wire(value);
        } else if (key == "events") {
            json events = json::array();
            for (const auto& e : value) {
                json slim = e;
                slim.erase("hex");  // the description says what the page needs
                events.push_back(std::move(slim));
            }
            out[key] = std::move(events);
        } else {
            out[key] = value;
        }
    }
    if (out.contains("handshake") && out["handshake"].is_object()) {
        cap_text(out["handshake"], "request", html_handshake_chars);
        cap_text(out["handshake"], "response", html_handshake_chars);
    }
    if (!out.contains("category")) out["category"] = case_category(out.value("id", ""));
    if (!titles.empty() && text_at(out, "group_title").empty()) {
        const std::string group = case_group(out);
        if (const auto it = titles.find(group); it != titles.end()) {
            out["group"] = group;
            out["group_title"] = it->second;
        }
    }
    return out;
}

// JSON inside <script>: '<' only occurs in strings, where \u003c means the same, and no
// "</script>" or "<!--" can end or confuse the script element.
std::string script_safe(const std::string& json_text) {
    std::string out;
    out.reserve(json_text.size() + json_text.size() / 64);
    for (char ch : json_text) {
        if (ch == '<') {
            out += "\\u003c";
        } else {
            out += ch;
        }
    }
    return out;
}

}  // namespace

json html_data(const std::vector<json>& runs, const GroupTitles& titles) {
    json out_runs = json::array();
    for (const auto& run : runs) {
        json r = json::object();
        for (const auto& [key, value] : run.items()) {
            if (key == "cases") continue;
            r[key] = value;
        }
        json cases = json::array();
        for (const auto& c : array_at(run, "cases"))
            cases.push_back(trimmed_case(c, titles));
        r["cases"] = std::move(cases);
        out_runs.push_back(std::move(r));
    }
    return {{"generated", iso_utc(std::chrono::system_clock::now())},
            {"wsspec_version", WSSPEC_VERSION},
            {"results_format_version", results_format_version},
            {"wire_entries_kept",
             std::to_string(html_wire_head_entries) + "+" + std::to_string(html_wire_tail_entries)},
            {"runs", std::move(out_runs)}};
}

std::string html_report(const std::vector<json>& runs, const GroupTitles& titles) {
    const std::string_view tpl = html_report_template;
    const auto at = tpl.find(data_placeholder);
    if (at == std::string_view::npos)
        throw std::logic_error("HTML report template has no data placeholder");
    const std::string data =
        script_safe(html_data(runs, titles).dump(-1, ' ', false, json::error_handler_t::replace));
    std::string out;
    out.reserve(tpl.size() + data.size());
    out.append(tpl.substr(0, at));
    out.append(data);
    out.append(tpl.substr(at + data_placeholder.size()));
    return out;
}

}  // namespace wsspec::report
