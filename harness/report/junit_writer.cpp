#include "harness/report/junit_writer.h"

#include <unistd.h>
#include <cstdio>
#include <set>

#include "harness/report/results_json.h"

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

std::set<std::string> known_failures(const json& run) {
    std::set<std::string> ids;
    const auto b = run.find("baseline");
    if (b == run.end() || !b->is_object()) return ids;
    for (const auto& k : array_at(*b, "known"))
        ids.insert(k.value("id", ""));
    return ids;
}

std::string baseline_reason(const json& run, const std::string& id) {
    for (const auto& k : array_at(object_at(run, "baseline"), "known")) {
        if (k.value("id", "") == id) return k.value("reason", "");
    }
    return "";
}

void write_property(std::string& out, std::string_view name, std::string_view value) {
    out += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

void write_suite(std::string& out, const json& run) {
    const bool strict = run.value("strict", false);
    const auto known = known_failures(run);
    const json& cases = array_at(run, "cases");
    int failures = 0, skipped = 0;
    double total_ms = 0;
    for (const auto& c : cases) {
        total_ms += c.value("duration_ms", 0.0);
        if (!c.value("ran", false) || (!case_passed(c, strict) && known.count(c.value("id", "")))) {
            ++skipped;
        } else if (!case_passed(c, strict)) {
            ++failures;
        }
    }
    const std::string agent = run.value("agent", "");
    std::string started = run.value("started", "");
    if (started.size() > 19) started.resize(19);  // xs:dateTime without zone, as Ant writes it
    out += "  <testsuite" + attr("name", "wsspec " + run.value("mode", "") + " " + agent) +
           attr("tests", std::to_string(cases.size())) +
           attr("failures", std::to_string(failures)) + attr("errors", "0") +
           attr("skipped", std::to_string(skipped)) + attr("time", seconds(total_ms)) +
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
    if (run.contains("baseline"))
        write_property(out, "baseline", run["baseline"].value("source", ""));
    out += "    </properties>\n";
    for (const auto& c : cases) {
        const std::string id = c.value("id", "");
        const std::string behavior = c.value("behavior", "");
        const std::string close = c.value("behavior_close", "");
        out += "    <testcase" + attr("name", id) +
               attr("classname", c.value("category", case_category(id))) +
               attr("time", seconds(c.value("duration_ms", 0.0))) + ">\n";
        if (!c.value("ran", false)) {
            out += "      <skipped" + attr("message", "not run: the run was interrupted") + "/>\n";
            out += "    </testcase>\n";
            continue;
        }
        const bool passed = case_passed(c, strict);
        const std::string verdicts = behavior + " / " + close;
        const bool behavior_passes = verdict_passes(behavior, strict);
        const std::string reason =
            behavior_passes ? c.value("result_close", "") : c.value("result", "");
        if (!passed && known.count(id)) {
            out += "      <skipped" +
                   attr("message",
                        "known failure (baseline): " + verdicts + ": " + baseline_reason(run, id)) +
                   "/>\n";
        } else if (!passed) {
            out += "      <failure" + attr("message", verdicts + ": " + reason) +
                   attr("type", behavior_passes ? close : behavior) + ">";
            out +=
                xml_escape(c.value("description", "") + "\nexpected: " + c.value("expected", "") +
                           "\nobserved: " + c.value("observed", "") + "\nbehavior: " + behavior +
                           ": " + c.value("result", "") + "\nbehaviorClose: " + close + ": " +
                           c.value("result_close", ""));
            out += "</failure>\n";
        }
        // Every verdict is visible, also the passing-but-notable ones (NON-STRICT, ...).
        std::string system_out = "behavior: " + behavior + "\nbehaviorClose: " + close;
        if (is_verdict_notable(behavior) || is_verdict_notable(close)) {
            system_out += "\nnote: " + (is_verdict_notable(behavior) ? c.value("result", "")
                                                                     : c.value("result_close", ""));
        }
        out += "      <system-out>" + xml_escape(system_out) + "</system-out>\n";
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
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

std::string junit_xml(const std::vector<json>& runs) {
    int tests = 0, failures = 0, skipped = 0;
    std::string suites;
    for (const auto& run : runs) {
        write_suite(suites, run);
    }
    // Totals for <testsuites>, counted the same way as each suite.
    for (const auto& run : runs) {
        const bool strict = run.value("strict", false);
        const auto known = known_failures(run);
        for (const auto& c : array_at(run, "cases")) {
            ++tests;
            if (!c.value("ran", false) ||
                (!case_passed(c, strict) && known.count(c.value("id", ""))))
                ++skipped;
            else if (!case_passed(c, strict))
                ++failures;
        }
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites" + attr("name", "wsspec") + attr("tests", std::to_string(tests)) +
           attr("failures", std::to_string(failures)) + attr("errors", "0") +
           attr("skipped", std::to_string(skipped)) + ">\n";
    out += suites;
    out += "</testsuites>\n";
    return out;
}

}  // namespace wsspec::report
