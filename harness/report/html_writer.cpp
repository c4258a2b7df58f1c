#include "harness/report/html_writer.h"

#include <chrono>
#include <stdexcept>
#include <string_view>

#include "harness/report/deferred_members.h"
#include "harness/report/results_json.h"
#include "harness/report/utf8_escape.h"
#include "harness/report/wire_excerpt.h"
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

// An event as the page needs it: the description says what the page shows.
json slim_event(const json& e) {
    json out = e;
    out.erase("hex");
    return out;
}

// How many entries of a long list (wire log, events) the page keeps at each end: more for
// a case that does not pass, the wire log excerpt's share for one that does.
struct PageEnds {
    std::size_t head;
    std::size_t tail;
};

PageEnds page_ends(const json& c) {
    if (case_passed(c, /*strict=*/true)) return {excerpt_first_entries, excerpt_last_entries};
    return {html_wire_head_entries, html_wire_tail_entries};
}

// The two ends of `list` (slimmed), with `gap(left out, first left out)` between them.
template <typename Slim, typename Gap>
json page_excerpt(const json& list, PageEnds ends, bool keep_whole, Slim slim, Gap gap) {
    json out = json::array();
    const std::size_t n = list.size();
    if (keep_whole || n <= ends.head + ends.tail) {
        for (const auto& e : list)
            out.push_back(slim(e));
        return out;
    }
    for (std::size_t i = 0; i < ends.head; ++i)
        out.push_back(slim(list[i]));
    out.push_back(gap(n - ends.head - ends.tail, list[ends.head]));
    for (std::size_t i = n - ends.tail; i < n; ++i)
        out.push_back(slim(list[i]));
    return out;
}

// A wire log the results already excerpted (wire_excerpt.h) is kept as it is, with its note.
json trimmed_wire(const json& c) {
    const bool excerpted = !object_at(c, "wire_excerpt").empty();
    return page_excerpt(
        array_at(c, "wire"), page_ends(c), excerpted, slim_wire_entry,
        [](std::size_t omitted, const json& first) {
            return json{{"kind", "NOTE"},
                        {"t", first.value("t", 0.0)},
                        {"text", std::to_string(omitted) + " wire log entries omitted in this page "
                                                           "(see wsspec.json)"}};
        });
}

// 9.7.* and 9.8.* answer with a thousand messages: the page lists the ends.
json trimmed_events(const json& c) {
    return page_excerpt(array_at(c, "events"), page_ends(c), false, slim_event,
                        [](std::size_t omitted, const json&) {
                            return json{{"type", "note"},
                                        {"description", "... " + std::to_string(omitted) +
                                                            " events omitted in this page "
                                                            "(see wsspec.json)"}};
                        });
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
            out[key] = trimmed_wire(c);
        } else if (key == "events") {
            out[key] = trimmed_events(c);
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

// The members of the page's data other than "runs", which sorts between them.
json data_members() {
    return {{"generated", iso_utc(std::chrono::system_clock::now())},
            {"wsspec_version", WSSPEC_VERSION},
            {"results_format_version", results_format_version},
            {"wire_entries_kept", std::to_string(html_wire_head_entries) + "+" +
                                      std::to_string(html_wire_tail_entries) +
                                      " (passing cases: " + std::to_string(excerpt_first_entries) +
                                      "+" + std::to_string(excerpt_last_entries) + ")"}};
}

std::string_view page_template() {
    return html_report_template;
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
        for (const auto& c : array_at(run, "cases")) {
            json storage;
            cases.push_back(trimmed_case(whole_case(c, storage), titles));
        }
        r["cases"] = std::move(cases);
        out_runs.push_back(std::move(r));
    }
    json data = data_members();
    data["runs"] = std::move(out_runs);
    return data;
}

HtmlWriter::HtmlWriter(TextSink& out, const GroupTitles& titles) : out_(out), titles_(titles) {
    const std::string_view tpl = page_template();
    placeholder_at_ = tpl.find(data_placeholder);
    if (placeholder_at_ == std::string_view::npos)
        throw std::logic_error("HTML report template has no data placeholder");
    out_.write(tpl.substr(0, placeholder_at_));
    out_.write("{");
    const json members = data_members();
    for (const auto& [key, value] : members.items()) {
        if (key > "runs") break;
        write_data(json(key).dump() + ":" + value.dump(-1, ' ', false, last_resort) + ",");
    }
    out_.write("\"runs\":[");
}

void HtmlWriter::write_data(const std::string& json_text) {
    out_.write(script_safe(json_text));
}

void HtmlWriter::begin_run(const json& run) {
    out_.write(runs_written_ == 0 ? "{" : ",{");
    for (const auto& [key, value] : run.items()) {
        if (key >= "cases") break;  // members are sorted by key
        write_data(json(key).dump() + ":" + value.dump(-1, ' ', false, last_resort) + ",");
    }
    out_.write("\"cases\":[");
    cases_written_ = 0;
}

void HtmlWriter::add_case(const json& record) {
    if (cases_written_++ > 0) out_.write(",");
    write_data(trimmed_case(record, titles_).dump(-1, ' ', false, last_resort));
}

void HtmlWriter::end_run(const json& run) {
    out_.write("]");
    for (const auto& [key, value] : run.items()) {
        if (key > "cases")
            write_data("," + json(key).dump() + ":" + value.dump(-1, ' ', false, last_resort));
    }
    out_.write("}");
    ++runs_written_;
}

void HtmlWriter::finish() {
    out_.write("]");
    const json members = data_members();
    for (const auto& [key, value] : members.items()) {
        if (key > "runs")
            write_data("," + json(key).dump() + ":" + value.dump(-1, ' ', false, last_resort));
    }
    out_.write("}");
    out_.write(page_template().substr(placeholder_at_ + data_placeholder.size()));
}

std::string html_report(const std::vector<json>& runs, const GroupTitles& titles) {
    StringSink out;
    HtmlWriter writer(out, titles);
    for (const auto& run : runs) {
        writer.begin_run(run);
        for (const auto& c : array_at(run, "cases")) {
            json storage;
            writer.add_case(whole_case(c, storage));
        }
        writer.end_run(run);
    }
    writer.finish();
    return out.take();
}

}  // namespace wsspec::report
