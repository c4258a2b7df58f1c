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

// How much of a case's wire log and events the page keeps: the first `head` and last `tail`
// entries, and up to `hex_chars` of each entry's data.
struct PageShare {
    std::size_t head;
    std::size_t tail;
    std::size_t hex_chars;
};

PageShare page_share(const json& c) {
    if (case_passed(c, /*strict=*/true)) {
        return {html_passing_head_entries, html_passing_tail_entries, 2 * html_passing_entry_bytes};
    }
    return {html_wire_head_entries, html_wire_tail_entries, std::string::npos};
}

// A wire entry packed for the page (report.html unpackWire): [t, "NOTE", text], or
// [t, kind, length, hex, opcode, flags, decoded] with the last three for frames only
// (flags: 1 not FIN, RSV << 1, 16 masked). The page derives the opcode's name, whether the
// data was cut, and the text column from these, so the page does not carry them.
json page_wire_entry(const json& e, std::size_t hex_chars) {
    const json t = e.value("t", json(0));
    const std::string kind = e.value("kind", "");
    if (kind == "NOTE") return json::array({t, kind, e.value("text", "")});
    std::string hex = e.value("hex", "");
    if (hex.size() > hex_chars) hex.resize(hex_chars);
    json out = json::array({t, kind, e.value("length", 0ULL), std::move(hex)});
    if (e.contains("opcode")) {
        const int flags = (e.value("fin", true) ? 0 : 1) | (e.value("rsv", 0) & 7) << 1 |
                          (e.value("mask", false) ? 16 : 0);
        out.push_back(e.value("opcode", 0));
        out.push_back(flags);
        if (const std::string decoded = e.value("decoded", ""); !decoded.empty())
            out.push_back(decoded);
    }
    return out;
}

// An event as the page needs it: the description says what the page shows.
json page_event(const json& e) {
    json out = e;
    out.erase("hex");
    return out;
}

// A wire log in the page: its two ends, with a note for what lies between. An excerpt in the
// results (wire_excerpt.h) counts as the log: its own note is folded into the page's.
json trimmed_wire(const json& c) {
    const json& wire = array_at(c, "wire");
    const PageShare share = page_share(c);
    const json& kept_first = object_at(c, "wire_excerpt").value("kept_first", json());
    const std::size_t excerpt_note =
        kept_first.is_number_unsigned() ? kept_first.get<std::size_t>() : wire.size();
    const bool has_note = excerpt_note < wire.size() && wire[excerpt_note].is_object() &&
                          wire[excerpt_note].value("kind", json()) == "NOTE";
    // The entries of the log, without the excerpt's note.
    std::vector<const json*> entries;
    entries.reserve(wire.size());
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (!(has_note && i == excerpt_note)) entries.push_back(&wire[i]);
    }
    json out = json::array();
    if (entries.size() <= share.head + share.tail) {
        for (const auto& e : wire)
            out.push_back(page_wire_entry(e, share.hex_chars));
        return out;
    }
    for (std::size_t i = 0; i < share.head; ++i)
        out.push_back(page_wire_entry(*entries[i], share.hex_chars));
    const std::size_t omitted = entries.size() - share.head - share.tail;
    std::string note =
        std::to_string(omitted) + " wire log entries omitted in this page (see wsspec.json)";
    if (has_note) {
        note = std::to_string(omitted) + " of the entries in wsspec.json omitted in this page; " +
               wire[excerpt_note].value("text", "");
    }
    out.push_back(json::array({entries[share.head]->value("t", json(0)), "NOTE", note}));
    for (std::size_t i = entries.size() - share.tail; i < entries.size(); ++i)
        out.push_back(page_wire_entry(*entries[i], share.hex_chars));
    return out;
}

// 9.7.* and 9.8.* answer with a thousand messages: the page lists the ends.
json trimmed_events(const json& c) {
    const json& events = array_at(c, "events");
    const PageShare share = page_share(c);
    json out = json::array();
    const std::size_t n = events.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (n > share.head + share.tail && i == share.head) {
            const std::size_t omitted = n - share.head - share.tail;
            out.push_back({{"type", "note"},
                           {"description", "... " + std::to_string(omitted) +
                                               " events omitted in this page (see wsspec.json)"}});
            i = n - share.tail - 1;
            continue;
        }
        out.push_back(page_event(events[i]));
    }
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

// The members of the page's data other than "runs", which sorts between them.
json data_members() {
    return {{"generated", iso_utc(std::chrono::system_clock::now())},
            {"wsspec_version", WSSPEC_VERSION},
            {"results_format_version", results_format_version},
            {"wire_entries_kept", html_wire_entries_kept()}};
}

std::string_view page_template() {
    return html_report_template;
}

}  // namespace

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

std::string html_wire_entries_kept() {
    return std::to_string(html_wire_head_entries) + "+" + std::to_string(html_wire_tail_entries) +
           " entries (a passing case: " + std::to_string(html_passing_head_entries) + "+" +
           std::to_string(html_passing_tail_entries) + " of up to " +
           std::to_string(html_passing_entry_bytes) + " bytes)";
}

json html_case_record(const json& record) {
    static const GroupTitles no_titles;
    return trimmed_case(record, no_titles);
}

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
    write_runs(runs, writer);
    return out.take();
}

}  // namespace wsspec::report
