#include "harness/report/baseline.h"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

#include "harness/cases/case_selection.h"
#include "harness/oracle/judge.h"
#include "harness/report/results_json.h"
#include "harness/report/results_merge.h"
#include "harness/report/results_reader.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

// How bad a verdict is, to tell "fails differently but no worse" from a regression.
int severity(const std::string& v) {
    if (v == oracle::verdict::ok || v == oracle::verdict::informational ||
        v == oracle::verdict::unimplemented)
        return 0;
    if (v == oracle::verdict::non_strict) return 1;
    if (v == oracle::verdict::wrong_code || v == oracle::verdict::unclean ||
        v == oracle::verdict::failed_by_client)
        return 2;
    return 3;  // FAILED, or anything unknown
}

std::optional<std::string> string_field(const json& j, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const auto it = j.find(name);
        if (it != j.end() && it->is_string()) return it->get<std::string>();
    }
    return std::nullopt;
}

void add_entry(Baseline& b, const std::string& id, ReferenceVerdict v) {
    if (id.find('*') != std::string::npos) {
        b.globs.emplace_back(id, std::move(v));
    } else {
        b.exact[id] = std::move(v);
    }
}

Baseline from_baseline_file(const json& doc, const std::string& source) {
    Baseline b;
    b.source = source;
    b.kind = "wsspec-baseline";
    const int version = doc.value("format_version", 1);
    if (version > baseline_format_version) {
        throw std::runtime_error(source + ": baseline format_version " + std::to_string(version) +
                                 " is newer than this wsspec understands");
    }
    const auto cases = doc.find("cases");
    if (cases == doc.end() || !cases->is_object())
        throw std::runtime_error(source + ": a wsspec baseline needs a \"cases\" object");
    for (const auto& [id, entry] : cases->items()) {
        ReferenceVerdict v;
        if (entry.is_string()) {
            v.reason = entry.get<std::string>();
        } else if (entry.is_object()) {
            v.behavior = string_field(entry, {"behavior"});
            v.behavior_close = string_field(entry, {"behavior_close", "behaviorClose"});
            v.reason = string_field(entry, {"reason"}).value_or("");
        } else {
            throw std::runtime_error(source + ": cases[\"" + id +
                                     "\"] must be a reason string or an object");
        }
        add_entry(b, id, std::move(v));
    }
    return b;
}

Baseline from_results(const json& run, const std::string& source) {
    Baseline b;
    b.source = source;
    b.kind = "wsspec-results";
    for (const auto& c : array_at(run, "cases")) {
        if (!c.value("ran", false)) continue;
        ReferenceVerdict v;
        v.behavior = c.value("behavior", "");
        v.behavior_close = c.value("behavior_close", "");
        v.reason = c.value("result", "");
        b.exact[c.value("id", "")] = std::move(v);
    }
    return b;
}

// Picks one agent's entry in an object keyed by agent: the named one, else the only one.
const json& pick_agent(const json& by_agent, const std::string& agent, const std::string& source) {
    if (!agent.empty() && by_agent.contains(agent)) return by_agent[agent];
    if (by_agent.size() == 1) return by_agent.begin().value();
    std::string names;
    for (const auto& [name, _] : by_agent.items())
        names += (names.empty() ? "" : ", ") + name;
    throw std::runtime_error(source + ": holds several agents (" + names + ") and none is '" +
                             agent + "'; name one with --agent");
}

// One agent's run of a results document: the named one, else the only one (as pick_agent
// does for an object keyed by agent; of runs with one name, the last).
Baseline baseline_from_runs(const std::vector<json>& runs, const std::string& agent,
                            const std::string& source) {
    const json* picked = nullptr;
    std::set<std::string> names;
    for (const auto& run : runs) {
        const std::string name = run.value("agent", "");
        names.insert(name);
        if (!agent.empty() && name == agent) picked = &run;
    }
    if (!picked && names.size() == 1) picked = &runs.back();
    if (!picked) {
        std::string list;
        for (const auto& name : names)
            list += (list.empty() ? "" : ", ") + name;
        throw std::runtime_error(source + ": holds several agents (" + list + ") and none is '" +
                                 agent + "'; name one with --agent");
    }
    return from_results(*picked, source);
}

Baseline from_autobahn_index(const json& doc, const std::string& agent, const std::string& source) {
    Baseline b;
    b.source = source;
    b.kind = "autobahn-index";
    for (const auto& [id, entry] : pick_agent(doc, agent, source).items()) {
        if (!entry.is_object()) continue;
        ReferenceVerdict v;
        v.behavior = string_field(entry, {"behavior"});
        v.behavior_close = string_field(entry, {"behaviorClose"});
        b.exact[id] = std::move(v);
    }
    return b;
}

std::string verdicts(const std::string& behavior, const std::string& close) {
    return behavior + " / " + close;
}

std::string describe(const ReferenceVerdict& v) {
    if (!v.behavior && !v.behavior_close) return "expected not to pass";
    return verdicts(v.behavior.value_or("*"), v.behavior_close.value_or("*"));
}

// The reason a failing case failed: the behavior's reason unless only the close failed.
std::string failure_reason(const json& c) {
    const std::string behavior = c.value("behavior", "");
    return severity(behavior) > 0 ? c.value("result", "") : c.value("result_close", "");
}

json changes_to_json(const std::vector<CaseChange>& changes) {
    json out = json::array();
    for (const auto& c : changes)
        out.push_back({{"id", c.id},
                       {"before", c.before},
                       {"now", c.now},
                       {"reason", c.reason},
                       {"passed", !c.fails}});
    return out;
}

}  // namespace

const ReferenceVerdict* Baseline::find(const std::string& id) const {
    if (const auto it = exact.find(id); it != exact.end()) return &it->second;
    for (const auto& [glob, v] : globs) {
        if (cases::matches_pattern(id, glob)) return &v;
    }
    return nullptr;
}

Baseline baseline_from_json(const json& doc, const std::string& agent, const std::string& source) {
    if (!doc.is_object()) throw std::runtime_error(source + ": not a baseline (not an object)");
    for (const char* key : {"format", "format_version"}) {
        const auto it = doc.find(key);
        const bool ok = it == doc.end() ||
                        (std::string(key) == "format" ? it->is_string() : it->is_number_integer());
        if (!ok) {
            throw std::runtime_error(source + ": /" + key + ": expected " +
                                     (std::string(key) == "format" ? "a string" : "an integer"));
        }
    }
    const std::string format = doc.value("format", "");
    if (format == "wsspec-baseline") return from_baseline_file(doc, source);
    if (format == "wsspec-results" || format == "wsspec-results-set")
        return baseline_from_runs(runs_of(doc, source), agent, source);
    if (is_autobahn_index(doc)) return from_autobahn_index(doc, agent, source);
    throw std::runtime_error(source +
                             ": not a baseline: expected a wsspec baseline (\"format\": "
                             "\"wsspec-baseline\"), a wsspec.json or an Autobahn index.json");
}

Baseline load_baseline(const std::filesystem::path& file, const std::string& agent) {
    std::optional<PaddedText> text;
    try {
        text.emplace(file);
    } catch (const std::runtime_error&) {
        throw std::runtime_error("cannot read baseline " + file.string());
    }
    // A previous wsspec.json is read case by case, as `wsspec report` reads its inputs.
    if (auto runs = read_results(*text, file.string()))
        return baseline_from_runs(*runs, agent, file.string());
    if (!text->intact()) text.emplace(file);
    json doc;
    try {
        doc = json::parse(text->view());
    } catch (const json::parse_error& e) {
        throw std::runtime_error(file.string() + ": invalid JSON: " + e.what());
    }
    return baseline_from_json(doc, agent, file.string());
}

std::size_t BaselineCheck::new_failures() const {
    return static_cast<std::size_t>(std::count_if(new_cases.begin(), new_cases.end(),
                                                  [](const CaseChange& c) { return c.fails; }));
}

BaselineCheck check_against(const Baseline& baseline, const json& run, const CheckRules& rules) {
    BaselineCheck check;
    std::set<std::string> seen;
    // A baseline file lists only what does not pass: a case it omits is expected to pass.
    // A previous run or an Autobahn index lists what ran: a case it omits never ran there.
    const bool absent_means_new = baseline.kind != "wsspec-baseline";
    for (const auto& c : array_at(run, "cases")) {
        if (!c.value("ran", false)) continue;
        const std::string id = c.value("id", "");
        seen.insert(id);
        const std::string behavior = c.value("behavior", "");
        const std::string close = c.value("behavior_close", "");
        const bool fails_now = !case_passed(c, rules.strict);
        const ReferenceVerdict* ref = baseline.find(id);
        CaseChange change{id, ref ? describe(*ref) : "not in baseline", verdicts(behavior, close),
                          "", fails_now};
        if (!ref) {
            if (absent_means_new) {
                change.before = "never ran";
                if (fails_now) change.reason = failure_reason(c);
                check.new_cases.push_back(std::move(change));
            } else if (fails_now) {
                change.reason = failure_reason(c);
                check.regressions.push_back(std::move(change));
            }
            continue;
        }
        const bool pinned = ref->behavior || ref->behavior_close;
        oracle::Judgement before;
        before.behavior = ref->behavior.value_or(oracle::verdict::ok);
        before.behavior_close = ref->behavior_close.value_or(oracle::verdict::ok);
        const bool failed_before = !pinned || !oracle::passed(before, rules.strict);
        const bool differs = (ref->behavior && behavior != *ref->behavior) ||
                             (ref->behavior_close && close != *ref->behavior_close);
        if (fails_now && (!failed_before || (differs && rules.strict_changes))) {
            change.reason = failure_reason(c);
            check.regressions.push_back(std::move(change));
        } else if (fails_now && differs) {
            change.reason = failure_reason(c);
            check.changed.push_back(std::move(change));
        } else if (fails_now) {
            change.reason = ref->reason;
            check.known.push_back(std::move(change));
        } else if (failed_before) {
            change.reason = ref->reason;
            check.fixed.push_back(std::move(change));
        } else if (differs) {
            change.reason = ref->reason;
            check.changed.push_back(std::move(change));
        }
    }
    for (const auto& [id, _] : baseline.exact) {
        if (!seen.count(id)) check.missing.push_back(id);
    }
    const auto by_id = [](const CaseChange& a, const CaseChange& b) {
        return cases::case_id_less(a.id, b.id);
    };
    for (auto* list :
         {&check.regressions, &check.fixed, &check.known, &check.changed, &check.new_cases})
        std::stable_sort(list->begin(), list->end(), by_id);
    std::stable_sort(
        check.missing.begin(), check.missing.end(),
        [](const std::string& a, const std::string& b) { return cases::case_id_less(a, b); });
    return check;
}

json to_json(const BaselineCheck& check, const Baseline& baseline) {
    return {{"source", baseline.source},
            {"kind", baseline.kind},
            {"regressions", changes_to_json(check.regressions)},
            {"fixed", changes_to_json(check.fixed)},
            {"known", changes_to_json(check.known)},
            {"changed", changes_to_json(check.changed)},
            {"new_cases", changes_to_json(check.new_cases)},
            {"missing", check.missing}};
}

json baseline_from_run(const json& run, bool strict) {
    json cases = json::object();
    for (const auto& c : array_at(run, "cases")) {
        if (!c.value("ran", false) || case_passed(c, strict)) continue;
        cases[c.value("id", "")] = {{"behavior", c.value("behavior", "")},
                                    {"behavior_close", c.value("behavior_close", "")},
                                    {"reason", failure_reason(c)}};
    }
    return {{"format", "wsspec-baseline"},
            {"format_version", baseline_format_version},
            {"agent", run.value("agent", "")},
            {"cases", std::move(cases)}};
}

}  // namespace wsspec::report
