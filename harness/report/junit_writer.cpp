#include "harness/report/junit_writer.h"

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "harness/report/deferred_members.h"
#include "harness/report/results_json.h"
#include "harness/report/results_merge.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

std::string seconds(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
    return buf;
}

std::string attr(std::string_view name, std::string_view value) {
    return " " + std::string(name) + "=\"" + xml_escape(value) + "\"";
}

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

bool verdict_passes(const std::string& v, bool strict) {
    return case_passed({{"ran", true}, {"behavior", v}, {"behavior_close", "OK"}}, strict);
}

bool is_verdict_notable(const std::string& v) {
    return v == "NON-STRICT" || v == "INFORMATIONAL" || v == "UNIMPLEMENTED";
}

// Failing cases the baseline check does not count against the run, each with the words
// for its <skipped>: known failures, failures whose verdicts changed (without
// --strict-changes they are not regressions), and new cases (without --fail-on-new).
// id -> {what the baseline says, its reason}; the message adds the case's verdicts.
std::map<std::string, std::pair<std::string, std::string>> known_failures(const json& run) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    const json& b = object_at(run, "baseline");
    for (const auto& k : array_at(b, "known"))
        out[k.value("id", "")] = {"known failure (baseline)", k.value("reason", "")};
    for (const auto& k : array_at(b, "changed"))
        out[k.value("id", "")] = {"failure changed (baseline: " + k.value("before", "") + ")",
                                  k.value("reason", "")};
    if (!b.value("fail_on_new", false)) {
        for (const auto& k : array_at(b, "new_cases"))
            out[k.value("id", "")] = {"new case, not in the baseline run", k.value("reason", "")};
    }
    return out;
}

// The HTML report's permalink to a case (template/report.html reads "#case=ID").
std::string case_link(const std::string& id) {
    return "index.html#case=" + id;
}

// Dots split a JUnit classname into package and class (Jenkins): keep them only between
// the agent and the case group.
std::string classname_part(std::string text) {
    for (auto& ch : text) {
        if (ch == '.') ch = '_';
    }
    return text;
}

// "srv.1_1 Text messages": the agent, then the case file's group and title (the category
// alone when the results predate group titles), so agents never share a class.
std::string classname_of(const std::string& agent, const json& c) {
    const std::string id = c.value("id", "");
    std::string group = c.value("group", "");
    if (group.empty()) group = c.value("category", case_category(id));
    const std::string title = c.value("group_title", "");
    return classname_part(agent.empty() ? "wsspec" : agent) + "." +
           classname_part(title.empty() ? group : group + " " + title);
}

// The last wire log entries of a failed case, one line each, for the failure text: enough
// to see what happened without opening the report.
constexpr std::size_t wire_excerpt_entries = 8;
constexpr std::size_t wire_excerpt_bytes = 48;

std::string wire_excerpt(const json& c) {
    const json& wire = array_at(c, "wire");
    if (wire.empty()) return "";
    std::string out = "\nwire (last " +
                      std::to_string(std::min(wire.size(), wire_excerpt_entries)) + " of " +
                      std::to_string(wire.size()) + " entries):";
    for (std::size_t i = wire.size() - std::min(wire.size(), wire_excerpt_entries); i < wire.size();
         ++i) {
        const json& e = wire[i];
        out += "\n  " + e.value("kind", "?");
        if (e.contains("opcode_name")) out += " " + e.value("opcode_name", "");
        if (e.contains("length")) out += " len=" + std::to_string(e.value("length", 0LL));
        std::string text = e.contains("text") && e["text"].is_string()
                               ? e["text"].get<std::string>()
                               : e.value("hex", "");
        if (text.size() > wire_excerpt_bytes) text = text.substr(0, wire_excerpt_bytes) + "...";
        for (auto& ch : text) {
            if (ch == '\n' || ch == '\r') ch = ' ';
        }
        if (!text.empty()) out += " " + text;
    }
    return out;
}

// How a suite's cases count: a case is at most one of these.
struct SuiteCounts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
};

// A case the merge found missing (its shard was not given): an error, so CI cannot pass.
bool missing_from_merge(const json& c) {
    return !c.value("ran", false) && c.contains("missing_shard");
}

// Missing shards whose cases are unknown (results without a recorded selection): one
// error each.
std::vector<std::string> unlisted_missing_shards(const json& run) {
    std::vector<std::string> out;
    bool listed = false;
    for (const auto& c : array_at(run, "cases"))
        listed = listed || missing_from_merge(c);
    if (listed) return out;
    for (const auto& i : array_at(run, "missing_shards"))
        out.push_back(i.dump() + "/" + std::to_string(run.value("shard_count", 0)));
    return out;
}

SuiteCounts count_suite(const json& run) {
    const bool strict = run.value("strict", false);
    const auto known = known_failures(run);
    SuiteCounts n;
    for (const auto& c : array_at(run, "cases")) {
        ++n.tests;
        if (missing_from_merge(c)) {
            ++n.errors;
        } else if (!c.value("ran", false) ||
                   (!case_passed(c, strict) && known.count(c.value("id", "")))) {
            ++n.skipped;
        } else if (!case_passed(c, strict)) {
            ++n.failures;
        }
    }
    const auto unlisted = unlisted_missing_shards(run);
    n.tests += static_cast<int>(unlisted.size());
    n.errors += static_cast<int>(unlisted.size());
    return n;
}

void write_property(std::string& out, std::string_view name, std::string_view value) {
    out += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

// The <testsuite> start tag and its properties.
std::string suite_head(const json& run) {
    const bool strict = run.value("strict", false);
    const SuiteCounts n = count_suite(run);
    // The run's wall time: cases run in parallel (-j), so their sum overstates it.
    const double wall_ms = run.value("duration_ms", 0.0);
    const std::string agent = run.value("agent", "");
    std::string started = run.value("started", "");
    if (started.size() > 19) started.resize(19);  // xs:dateTime without zone, as Ant writes it
    std::string out;
    out += "  <testsuite" + attr("name", "wsspec " + run.value("mode", "") + " " + agent) +
           attr("tests", std::to_string(n.tests)) + attr("failures", std::to_string(n.failures)) +
           attr("errors", std::to_string(n.errors)) + attr("skipped", std::to_string(n.skipped)) +
           attr("time", seconds(wall_ms)) +
           (started.size() == 19 ? attr("timestamp", started) : std::string()) +
           attr("hostname", host_name()) + ">\n";
    out += "    <properties>\n";
    write_property(out, "agent", agent);
    write_property(out, "mode", run.value("mode", ""));
    write_property(out, "target", run.value("target", ""));
    write_property(out, "wsspec_version", run.value("wsspec_version", ""));
    write_property(out, "catalog_version", run.value("catalog_version", ""));
    write_property(out, "strict", strict ? "true" : "false");
    write_property(out, "complete", run.value("complete", true) ? "true" : "false");
    if (const std::string why = incompleteness(run); !why.empty())
        write_property(out, "incomplete", why);
    if (run.contains("baseline"))
        write_property(out, "baseline", run["baseline"].value("source", ""));
    out += "    </properties>\n";
    return out;
}

using KnownFailures = std::map<std::string, std::pair<std::string, std::string>>;

// One <testcase> of `agent`'s run.
std::string testcase(const std::string& agent, const json& c, const KnownFailures& known,
                     bool strict) {
    const std::string id = c.value("id", "");
    const std::string behavior = c.value("behavior", "");
    const std::string close = c.value("behavior_close", "");
    const std::string description = c.value("description", "");
    std::string out = "    <testcase" +
                      attr("name", description.empty() ? id : id + ": " + description) +
                      attr("classname", classname_of(agent, c)) +
                      attr("time", seconds(c.value("duration_ms", 0.0))) + ">\n";
    if (missing_from_merge(c)) {
        out += "      <error" +
               attr("message", "not run: shard " + c.value("missing_shard", "") +
                                   " is missing from the merged results") +
               attr("type", "missing shard") + "/>\n";
        return out + "    </testcase>\n";
    }
    if (!c.value("ran", false)) {
        out += "      <skipped" + attr("message", "not run: the run was interrupted") + "/>\n";
        return out + "    </testcase>\n";
    }
    const bool passed = case_passed(c, strict);
    const std::string verdicts = behavior + " / " + close;
    const bool behavior_passes = verdict_passes(behavior, strict);
    const std::string reason =
        behavior_passes ? c.value("result_close", "") : c.value("result", "");
    if (!passed && known.count(id)) {
        const auto& [what, why] = known.at(id);
        out += "      <skipped" + attr("message", what + ": " + verdicts + ": " + why) + "/>\n";
    } else if (!passed) {
        out += "      <failure" +
               attr("message", verdicts + ": " + reason + " (" + case_link(id) + ")") +
               attr("type", behavior_passes ? close : behavior) + ">";
        out += xml_escape(description + "\nexpected: " + c.value("expected", "") +
                          "\nobserved: " + c.value("observed", "") + "\nbehavior: " + behavior +
                          ": " + c.value("result", "") + "\nbehaviorClose: " + close + ": " +
                          c.value("result_close", "") + "\nreport: " + case_link(id) +
                          wire_excerpt(c));
        out += "</failure>\n";
    }
    // Every verdict is visible, also the passing-but-notable ones (NON-STRICT, ...).
    std::string system_out = "behavior: " + behavior + "\nbehaviorClose: " + close;
    if (is_verdict_notable(behavior) || is_verdict_notable(close)) {
        system_out += "\nnote: " + (is_verdict_notable(behavior) ? c.value("result", "")
                                                                 : c.value("result_close", ""));
    }
    out += "      <system-out>" + xml_escape(system_out) + "</system-out>\n";
    return out + "    </testcase>\n";
}

// What follows the cases: an error per missing shard whose cases are unknown, and the end.
std::string suite_tail(const json& run) {
    const std::string agent = run.value("agent", "");
    std::string out;
    for (const auto& shard : unlisted_missing_shards(run)) {
        out += "    <testcase" + attr("name", "shard " + shard) +
               attr("classname", classname_part(agent.empty() ? "wsspec" : agent) + ".shards") +
               attr("time", "0.000") + ">\n      <error" +
               attr("message", "shard " + shard +
                                   " is missing from the merged results; its cases did not run") +
               attr("type", "missing shard") + "/>\n    </testcase>\n";
    }
    return out + "  </testsuite>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        switch (ch) {
            case '&':
                out += "&amp;";
                continue;
            case '<':
                out += "&lt;";
                continue;
            case '>':
                out += "&gt;";
                continue;
            case '"':
                out += "&quot;";
                continue;
            case '\'':
                out += "&apos;";
                continue;
            default:
                break;
        }
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
            out += replacement_character;
            continue;
        }
        // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
        if (ch == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
            out += replacement_character;
            i += 2;
            continue;
        }
        out += static_cast<char>(ch);
    }
    return out;
}

JunitWriter::JunitWriter(TextSink& out, const std::vector<json>& runs) : out_(out) {
    // Totals for <testsuites>, counted the same way as each suite.
    SuiteCounts total;
    double wall_ms = 0;
    for (const auto& run : runs) {
        const SuiteCounts n = count_suite(run);
        total.tests += n.tests;
        total.failures += n.failures;
        total.errors += n.errors;
        total.skipped += n.skipped;
        wall_ms = std::max(wall_ms, run.value("duration_ms", 0.0));
    }
    out_.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attr("name", "wsspec") +
               attr("tests", std::to_string(total.tests)) +
               attr("failures", std::to_string(total.failures)) +
               attr("errors", std::to_string(total.errors)) +
               attr("skipped", std::to_string(total.skipped)) + attr("time", seconds(wall_ms)) +
               ">\n");
}

void JunitWriter::begin_run(const json& run) {
    known_ = known_failures(run);
    strict_ = run.value("strict", false);
    agent_ = run.value("agent", "");
    out_.write(suite_head(run));
}

void JunitWriter::add_case(const json& record) {
    out_.write(testcase(agent_, record, known_, strict_));
}

void JunitWriter::end_run(const json& run) {
    out_.write(suite_tail(run));
}

void JunitWriter::finish() {
    out_.write("</testsuites>\n");
}

std::string junit_xml(const std::vector<json>& runs) {
    StringSink out;
    JunitWriter writer(out, runs);
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
