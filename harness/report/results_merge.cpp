#include "harness/report/results_merge.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "harness/cases/case_selection.h"
#include "harness/codec/ascii.h"
#include "harness/report/results_json.h"
#include "harness/report/results_reader.h"
#include "harness/report/results_validation.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

struct Shard {
    int index = 0;
    int count = 0;
    const json* selected = nullptr;  // the selection before sharding, when recorded
    [[nodiscard]] bool present() const { return count > 0; }
    [[nodiscard]] std::string name() const {
        return std::to_string(index) + "/" + std::to_string(count);
    }
};

// From "shard": {"index", "count", "selected"}, or the older "options": {"shard": "I/N"}
// alone; {0, 0} when the run is not a shard.
Shard shard_of(const json& run) {
    Shard s;
    const json& record = object_at(run, "shard");
    if (record.contains("index") && record.contains("count") && record["index"].is_number() &&
        record["count"].is_number()) {
        s.index = record["index"].get<int>();
        s.count = record["count"].get<int>();
        if (record.contains("selected") && record["selected"].is_array())
            s.selected = &record["selected"];
    } else {
        const json& options = object_at(run, "options");
        const auto it = options.find("shard");
        if (it == options.end() || !it->is_string()) return s;
        const std::string text = it->get<std::string>();
        if (std::sscanf(text.c_str(), "%d/%d", &s.index, &s.count) != 2) return {};
    }
    if (s.count < 1 || s.index < 1 || s.index > s.count) return {};
    return s;
}

// A merge that would make a wrong report is refused, not patched up.
[[noreturn]] void refuse(const std::string& agent, const std::string& why) {
    throw std::runtime_error("cannot merge the results of agent '" + agent + "': " + why);
}

// Whether `part` (a shard) can join the shards `group` of the same agent; throws when the
// two cannot belong to one sharded run.
void check_same_sharded_run(const std::string& agent, const std::vector<json*>& group,
                            const json& part) {
    const Shard s = shard_of(part);
    for (const json* other : group) {
        const Shard o = shard_of(*other);
        if (o.count != s.count) {
            refuse(agent, "shard " + o.name() + " and shard " + s.name() +
                              " split the cases differently (use the same --shard I/N count)");
        }
        if (o.index == s.index) refuse(agent, "shard " + s.name() + " is given twice");
        const std::string a = other->value("catalog_version", "");
        const std::string b = part.value("catalog_version", "");
        if (a != b) {
            refuse(agent, "shard " + o.name() + " ran catalog " + a + " and shard " + s.name() +
                              " ran catalog " + b);
        }
        if (o.selected && s.selected && *o.selected != *s.selected) {
            refuse(agent, "shard " + o.name() + " and shard " + s.name() +
                              " were cut from different case selections (" +
                              std::to_string(o.selected->size()) + " and " +
                              std::to_string(s.selected->size()) + " cases)");
        }
    }
}

// A record for a case that a missing shard would have run: not run, and why.
json missing_case(const std::string& id, int shard, int count) {
    return {{"index", 0},
            {"id", id},
            {"category", case_category(id)},
            {"description", ""},
            {"rfc", json::array()},
            {"requirement", ""},
            {"ran", false},
            {"passed", false},
            {"missing_shard", std::to_string(shard) + "/" + std::to_string(count)}};
}

// The run's members other than its cases (a copy of the small part of a run).
json without_cases(const json& run) {
    json out = json::object();
    for (const auto& [key, value] : run.items()) {
        if (key != "cases") out[key] = value;
    }
    return out;
}

// The parts' case records are moved into the merged run, not copied: a run read back holds
// its wire logs as text, and a copy would double what the merge holds.
json merge_group(const std::vector<json*>& parts, std::vector<std::string>* warnings) {
    const json& first = *parts.front();
    const std::string agent = first.value("agent", "");
    json merged = without_cases(first);
    bool strict = false;
    bool complete = true;
    std::string started = first.value("started", "");
    std::string finished = first.value("finished", "");
    long long duration_ms = 0;
    std::set<std::string> catalogs;
    std::set<int> shards_seen;
    int shard_count = 0;
    const json* selection = nullptr;
    std::vector<std::string> shard_names;
    json cases = json::array();
    for (json* part : parts) {
        strict = strict || part->value("strict", false);
        complete = complete && part->value("complete", false);
        started = std::min(started, part->value("started", started));
        finished = std::max(finished, part->value("finished", finished));
        // Shards usually run at the same time: the merged run took as long as its longest
        // part, not the sum.
        duration_ms = std::max(duration_ms, part->value("duration_ms", 0LL));
        catalogs.insert(part->value("catalog_version", ""));
        const Shard s = shard_of(*part);
        if (s.present()) {
            shards_seen.insert(s.index);
            shard_count = std::max(shard_count, s.count);
            shard_names.push_back(s.name());
            if (s.selected) selection = s.selected;
        }
        const auto it = part->find("cases");
        if (it != part->end() && it->is_array()) {
            for (auto& c : *it)
                cases.push_back(std::move(c));
        }
    }
    if (catalogs.size() > 1 && warnings) {
        warnings->push_back("agent '" + agent +
                            "': the parts were run with different case catalogs");
    }
    json missing_shards = json::array();
    for (int i = 1; i <= shard_count; ++i) {
        if (shards_seen.count(i)) continue;
        complete = false;
        missing_shards.push_back(i);
        std::size_t not_run = 0;
        if (selection) {
            // The selection is dealt out as runner::shard_of does: case k to shard k mod N + 1.
            for (std::size_t k = static_cast<std::size_t>(i - 1); k < selection->size();
                 k += static_cast<std::size_t>(shard_count)) {
                const json& id = (*selection)[k];
                if (!id.is_string()) continue;
                cases.push_back(missing_case(id.get<std::string>(), i, shard_count));
                ++not_run;
            }
        }
        if (warnings) {
            warnings->push_back(
                "agent '" + agent + "': shard " + std::to_string(i) + "/" +
                std::to_string(shard_count) + " is missing" +
                (selection ? " (" + std::to_string(not_run) + " cases not run)" : std::string()));
        }
    }
    std::stable_sort(cases.begin(), cases.end(), [](const json& a, const json& b) {
        return cases::case_id_less(a.value("id", ""), b.value("id", ""));
    });
    std::size_t index = 0;
    for (auto& c : cases) {
        c["index"] = ++index;
        c["passed"] = case_passed(c, strict);
    }
    merged["strict"] = strict;
    merged["complete"] = complete;
    merged["started"] = started;
    merged["finished"] = finished;
    merged["duration_ms"] = duration_ms;
    if (merged["options"].is_object()) merged["options"].erase("shard");
    merged.erase("shard");
    if (!shard_names.empty()) {
        merged["merged_shards"] = shard_names;
        merged["shard_count"] = shard_count;
        merged["missing_shards"] = std::move(missing_shards);
    }
    merged["merged_parts"] = parts.size();
    merged.erase("baseline");  // a baseline check applies to the run it was made for
    merged["summary"] = summarize(cases, strict);
    merged["cases"] = std::move(cases);
    return merged;
}

// What is read back from Autobahn's per-case files: bounded, as a report directory may come
// from anywhere (STYLE 6). A larger file costs its details, not the import.
constexpr std::uintmax_t autobahn_case_file_limit = 16u << 20;
constexpr std::size_t autobahn_wire_entries_kept = 2000;
constexpr std::size_t autobahn_wire_hex_kept = 2048;  // hex digits per entry (1 KiB)

bool all_hex(const std::string& s) {
    return !s.empty() && s.size() % 2 == 0 &&
           std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isxdigit(ch); });
}

// An ATS payload: (length, data) where data is hex for octets and, for frames, the text
// when it was text, else hex. Text is recognised by its size matching the length.
std::string payload_hex(const json& pair, bool frame, unsigned long long& length) {
    length = 0;
    if (!pair.is_array() || pair.size() < 2) return "";
    if (pair[0].is_number_unsigned() || pair[0].is_number_integer())
        length = pair[0].get<unsigned long long>();
    if (!pair[1].is_string()) return "";
    const std::string data = pair[1].get<std::string>();
    const bool text = frame && (data.size() == length || !all_hex(data));
    std::string hex = text ? codec::to_hex(data) : data;
    if (hex.size() > autobahn_wire_hex_kept) hex.resize(autobahn_wire_hex_kept);
    return hex;
}

// ATS wirelog tuples (see autobahn_writer.cpp) as wsspec wire entries.
json wire_from_wirelog(const json& wirelog) {
    json out = json::array();
    if (!wirelog.is_array()) return out;
    for (const auto& t : wirelog) {
        if (out.size() >= autobahn_wire_entries_kept) {
            out.push_back({{"t", 0},
                           {"kind", "NOTE"},
                           {"text", std::to_string(wirelog.size() - autobahn_wire_entries_kept) +
                                        " more wire log entries not imported"}});
            break;
        }
        if (!t.is_array() || t.empty() || !t[0].is_string()) continue;
        const std::string kind = t[0].get<std::string>();
        const bool frame = kind == "RF" || kind == "TF";
        if (kind == "WLM") {
            // ATS's wire log mode: the rows between "off" and "on" were not logged.
            const bool on = t.size() > 1 && t[1].is_boolean() && t[1].get<bool>();
            out.push_back({{"t", 0},
                           {"kind", "NOTE"},
                           {"text", on ? "wire log on again" : "wire log off (not logged)"}});
            continue;
        }
        if (kind != "RO" && kind != "TO" && !frame) {
            out.push_back(
                {{"t", 0},
                 {"kind", "NOTE"},
                 {"text", t.size() > 1 && t[1].is_string() ? t[1].get<std::string>() : kind}});
            continue;
        }
        unsigned long long length = 0;
        json e = {{"t", 0}, {"kind", kind}};
        e["hex"] = t.size() > 1 ? payload_hex(t[1], frame, length) : "";
        e["length"] = length;
        e["truncated"] = e["hex"].get<std::string>().size() / 2 < length;
        if (frame) {
            const auto at = [&](std::size_t i) { return t.size() > i ? t[i] : json(nullptr); };
            e["opcode"] = at(2).is_number() ? at(2) : json(0);
            e["fin"] = at(3).is_boolean() ? at(3) : json(true);
            e["rsv"] = at(4).is_number() ? at(4) : json(0);
            e["mask"] =
                kind == "RF" ? (at(5).is_boolean() ? at(5) : json(false)) : json(!at(5).is_null());
        }
        out.push_back(std::move(e));
    }
    return out;
}

// {"1000": 3, ...} (chunk size -> count) -> total bytes.
long long octets_of(const json& stats) {
    long long total = 0;
    if (!stats.is_object()) return 0;
    for (const auto& [size, count] : stats.items()) {
        if (!count.is_number_integer()) continue;
        try {
            total += std::stoll(size) * count.get<long long>();
        } catch (const std::exception&) {
        }
    }
    return total;
}

json read_json_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    try {
        return json::parse(in);
    } catch (const json::parse_error& e) {
        throw std::runtime_error(file.string() + ": invalid JSON: " + e.what());
    }
}

}  // namespace

bool is_autobahn_index(const json& doc) {
    if (!doc.is_object() || doc.empty() || doc.contains("format")) return false;
    return std::all_of(doc.begin(), doc.end(), [](const json& cases) {
        return cases.is_object() && std::all_of(cases.begin(), cases.end(), [](const json& c) {
                   return c.is_object() && c.contains("behavior");
               });
    });
}

std::vector<json> runs_from_autobahn_index(const json& index,
                                           const std::filesystem::path& report_dir) {
    std::vector<json> runs;
    for (const auto& [agent, by_id] : index.items()) {
        std::vector<std::string> ids;
        for (const auto& [id, _] : by_id.items())
            ids.push_back(id);
        std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
            return cases::case_id_less(a, b);
        });
        json cases = json::array();
        long long total_ms = 0;
        for (const auto& id : ids) {
            const json& entry = by_id[id];
            const std::string at = "/" + agent + "/" + id;
            if (!entry["behavior"].is_string() ||
                (entry.contains("behaviorClose") && !entry["behaviorClose"].is_string()))
                throw InvalidResults(at + "/behavior: expected a verdict string");
            if (entry.contains("duration") && !entry["duration"].is_number())
                throw InvalidResults(at + "/duration: expected a number");
            if (entry.contains("reportfile") && !entry["reportfile"].is_string())
                throw InvalidResults(at + "/reportfile: expected a string");
            json c = {
                {"index", cases.size() + 1},
                {"id", id},
                {"category", case_category(id)},
                {"description", ""},
                {"rfc", json::array()},
                {"requirement", ""},
                {"ran", true},
                {"behavior", entry.value("behavior", "")},
                {"behavior_close", entry.value("behaviorClose", "")},
                {"result", ""},
                {"result_close", ""},
                {"expected", ""},
                {"observed", ""},
                {"duration_ms", entry.value("duration", 0.0)},
                {"close", {{"remote_close_code", entry.value("remoteCloseCode", json(nullptr))}}},
                {"wire", json::array()}};
            total_ms += entry.value("duration", 0LL);
            // The per-case report, when it is there, has the words.
            const std::string reportfile = entry.value("reportfile", "");
            std::error_code ec;
            const auto file = report_dir / reportfile;
            if (!reportfile.empty() && std::filesystem::path(reportfile).filename() == reportfile &&
                std::filesystem::is_regular_file(file, ec) &&
                std::filesystem::file_size(file, ec) <= autobahn_case_file_limit && !ec) {
                try {
                    const json r = read_json_file(file);
                    const auto text = [&](const char* key) {
                        const auto it = r.find(key);
                        return it != r.end() && it->is_string() ? it->get<std::string>()
                                                                : std::string();
                    };
                    const auto flag = [&](const char* key) {
                        const auto it = r.find(key);
                        return it != r.end() && it->is_boolean() ? *it : json(nullptr);
                    };
                    const auto code = [&](const char* key) {
                        const auto it = r.find(key);
                        return it != r.end() && it->is_number_integer() ? *it : json(nullptr);
                    };
                    c["description"] = text("description");
                    c["result"] = text("result");
                    c["result_close"] = text("resultClose");
                    c["expected"] = text("expectation");
                    c["started"] = text("started");
                    c["close"] = {{"closed_by_me", flag("closedByMe")},
                                  {"failed_by_me", flag("failedByMe")},
                                  {"dropped_by_me", flag("droppedByMe")},
                                  {"was_clean", flag("wasClean")},
                                  {"local_close_code", code("localCloseCode")},
                                  {"remote_close_code", code("remoteCloseCode")},
                                  {"remote_close_reason", text("remoteCloseReason")}};
                    for (const char* key :
                         {"closed_by_me", "failed_by_me", "dropped_by_me", "was_clean"}) {
                        if (c["close"][key].is_null()) c["close"].erase(key);
                    }
                    c["bytes_received"] = octets_of(r.value("rxOctetStats", json()));
                    c["bytes_sent"] = octets_of(r.value("txOctetStats", json()));
                    c["wire"] = wire_from_wirelog(r.value("wirelog", json()));
                    escape_invalid_utf8_in(c);
                } catch (const std::exception&) {
                    // a broken per-case file only costs its words
                }
            }
            c["passed"] = case_passed(c, false);
            cases.push_back(std::move(c));
        }
        json run = {{"format", "wsspec-results"},
                    {"format_version", results_format_version},
                    {"wsspec_version", ""},
                    {"catalog_version", "autobahn"},
                    {"mode", "autobahn"},
                    {"agent", agent},
                    {"target", ""},
                    {"options", json::object()},
                    {"started", ""},
                    {"finished", ""},
                    {"duration_ms", total_ms},
                    {"complete", true},
                    {"strict", false}};
        run["summary"] = summarize(cases, false);
        run["cases"] = std::move(cases);
        runs.push_back(std::move(run));
    }
    return runs;
}

std::vector<json> runs_of(const json& doc, const std::string& source) {
    if (!doc.is_object()) throw std::runtime_error(source + ": not a wsspec results document");
    const auto format_it = doc.find("format");
    if (format_it != doc.end() && !format_it->is_string())
        throw InvalidResults(source + ": /format: expected a string");
    const std::string format = doc.value("format", "");
    if (format == "wsspec-results") {
        validate_run(doc, source);
        return {doc};
    }
    if (format == "wsspec-results-set") {
        const auto it = doc.find("runs");
        if (it == doc.end() || !it->is_array())
            throw InvalidResults(source + ": /runs: missing (expected an array of runs)");
        std::vector<json> runs;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& run = (*it)[i];
            if (!run.is_object() || run.value("format", json()) != "wsspec-results") {
                throw InvalidResults(source + ": /runs/" + std::to_string(i) +
                                     ": expected a wsspec-results run");
            }
            validate_run(run, source, "/runs/" + std::to_string(i));
            runs.push_back(run);
        }
        return runs;
    }
    if (is_autobahn_index(doc)) {
        try {
            return runs_from_autobahn_index(doc, std::filesystem::path(source).parent_path());
        } catch (const InvalidResults& e) {
            throw InvalidResults(source + ": " + e.what());
        }
    }
    throw std::runtime_error(source +
                             ": not a wsspec results document (\"format\" is neither "
                             "\"wsspec-results\" nor \"wsspec-results-set\")");
}

std::vector<json> load_runs(const std::filesystem::path& file) {
    std::optional<PaddedText> text(std::in_place, file);
    if (auto runs = read_results(*text, file.string())) return std::move(*runs);
    // Not a wsspec results document: an Autobahn index.json, or an error to name.
    if (!text->intact()) text.emplace(file);
    json doc;
    try {
        doc = json::parse(text->view());
    } catch (const json::parse_error& e) {
        throw std::runtime_error(file.string() + ": invalid JSON: " + e.what());
    }
    return runs_of(doc, file.string());
}

std::vector<json> merge_runs(std::vector<json> runs, std::vector<std::string>* warnings) {
    // Groups in order of first appearance. Shards of one agent form one group, checked to
    // belong to one sharded run; whole runs of one agent merge while their cases do not
    // overlap, else a part starts a new column.
    struct Group {
        std::string name;
        bool sharded = false;
        std::vector<json*> parts;
        std::set<std::string> ids;
    };
    std::vector<Group> groups;
    for (auto& run : runs) {
        const std::string agent = run.value("agent", "");
        const bool sharded = shard_of(run).present();
        std::set<std::string> ids;
        for (const auto& c : array_at(run, "cases"))
            ids.insert(c.value("id", ""));
        Group* target = nullptr;
        int same_agent = 0;
        for (auto& g : groups) {
            if (g.parts.front()->value("agent", "") != agent) continue;
            ++same_agent;
            if (g.sharded != sharded) continue;
            if (sharded) {
                check_same_sharded_run(agent, g.parts, run);
                target = &g;
                break;
            }
            const bool overlaps = std::any_of(
                ids.begin(), ids.end(), [&](const std::string& id) { return g.ids.count(id); });
            if (!overlaps) {
                target = &g;
                break;
            }
        }
        if (!target) {
            Group g;
            g.sharded = sharded;
            g.name = same_agent ? agent + " #" + std::to_string(same_agent + 1) : agent;
            if (same_agent && warnings) {
                warnings->push_back("agent '" + agent +
                                    "': a part repeats cases of an earlier one; shown as '" +
                                    g.name + "'");
            }
            groups.push_back(std::move(g));
            target = &groups.back();
        }
        target->parts.push_back(&run);
        target->ids.insert(ids.begin(), ids.end());
    }
    std::vector<json> out;
    for (const auto& g : groups) {
        // A lone shard is merged too: that is how its missing siblings are found.
        const bool single = g.parts.size() == 1 && !g.sharded;
        json merged = single ? std::move(*g.parts.front()) : merge_group(g.parts, warnings);
        if (single) {
            // Never trust a stored verdict count: pass/fail and the summary follow the cases.
            const bool strict = merged.value("strict", false);
            for (auto& c : merged["cases"])
                c["passed"] = case_passed(c, strict);
            merged["summary"] = summarize(merged["cases"], strict);
        }
        merged["agent"] = g.name;
        out.push_back(std::move(merged));
    }
    return out;
}

std::string incompleteness(const json& run) {
    if (run.value("complete", true)) return "";
    const json& summary = object_at(run, "summary");
    const long long not_run = summary.value("not_run", 0LL);
    const json& missing = array_at(run, "missing_shards");
    std::string out = "incomplete: ";
    if (!missing.empty()) {
        std::string list;
        for (const auto& i : missing)
            list += (list.empty() ? "" : ", ") + i.dump();
        out += std::string(missing.size() == 1 ? "shard " : "shards ") + list + " of " +
               std::to_string(run.value("shard_count", 0)) + " missing";
    } else {
        out += "interrupted";
    }
    return out + " (" + std::to_string(not_run) + " cases not run)";
}

json results_document(const std::vector<json>& runs) {
    if (runs.size() == 1) return runs.front();
    return {{"format", "wsspec-results-set"},
            {"format_version", results_set_format_version},
            {"runs", runs}};
}

}  // namespace wsspec::report
