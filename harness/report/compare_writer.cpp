#include "harness/report/compare_writer.h"

#include "harness/report/atomic_file.h"
#include "harness/report/junit_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

std::string esc(const std::string& text) {
    return xml_escape(text);
}

// One bucket as a table; nothing when it is empty.
std::string bucket_table(const json& compare, const char* key, const char* title, const char* css) {
    const json& list = array_at(compare, key);
    std::string out = "<h2 class=\"" + std::string(css) + "\">" + esc(title) + " (" +
                      std::to_string(list.size()) + ")</h2>\n";
    if (list.empty()) return out + "<p>none</p>\n";
    out += "<table><tr><th>case</th><th>before</th><th>now</th><th>reason</th></tr>\n";
    for (const auto& c : list) {
        out += "<tr><td>" + esc(c.value("id", "")) + "</td><td>" + esc(c.value("before", "")) +
               "</td><td>" + esc(c.value("now", "")) + "</td><td>" + esc(c.value("reason", "")) +
               "</td></tr>\n";
    }
    return out + "</table>\n";
}

}  // namespace

json compare_json(const Comparison& c, const BaselineCheck& check, const Baseline& baseline) {
    json out = {{"format", "wsspec-compare"},
                {"format_version", compare_format_version},
                {"old", c.old_file},
                {"new", c.new_file},
                {"agent", c.agent},
                {"rules",
                 {{"strict", c.rules.strict},
                  {"strict_changes", c.rules.strict_changes},
                  {"fail_on_new", c.fail_on_new}}},
                {"failed", c.failed},
                {"counts",
                 {{"regressions", check.regressions.size()},
                  {"fixed", check.fixed.size()},
                  {"known", check.known.size()},
                  {"changed", check.changed.size()},
                  {"new_cases", check.new_cases.size()},
                  {"new_failures", check.new_failures()},
                  {"missing", check.missing.size()}}}};
    const json buckets = to_json(check, baseline);
    for (const char* key : {"regressions", "fixed", "known", "changed", "new_cases", "missing"})
        out[key] = buckets[key];
    out["old_kind"] = baseline.kind;
    if (!c.old_transport.empty()) out["old_transport"] = c.old_transport;
    if (!c.new_transport.empty()) out["new_transport"] = c.new_transport;
    escape_invalid_utf8_in(out);
    return out;
}

std::string compare_html(const json& compare) {
    const json& counts = object_at(compare, "counts");
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<title>wsspec compare</title>\n<style>\n"
        "body{font:14px system-ui,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin-bottom:1em}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}"
        ".bad{color:#b00}.good{color:#070}.verdict{font-weight:bold}\n"
        "</style></head><body>\n";
    const auto transport = [&](const char* key) {
        const std::string t = compare.value(key, "");
        return t.empty() ? std::string()
                         : " (<span id=\"" + std::string(key) + "\">" + esc(t) + "</span>)";
    };
    out += "<h1>wsspec compare</h1>\n<p>old: <code>" + esc(compare.value("old", "")) + "</code>" +
           transport("old_transport") + "<br>new: <code>" + esc(compare.value("new", "")) +
           "</code>" + transport("new_transport") +
           "<br>agent: " + esc(compare.value("agent", "")) + "</p>\n";
    const bool failed = compare.value("failed", false);
    out += "<p class=\"verdict " + std::string(failed ? "bad" : "good") + "\" id=\"verdict\">" +
           (failed ? "FAILED: " : "OK: ") + std::to_string(counts.value("regressions", 0)) +
           " regressions, " + std::to_string(counts.value("fixed", 0)) + " now pass, " +
           std::to_string(counts.value("changed", 0)) + " changed, " +
           std::to_string(counts.value("new_cases", 0)) + " new cases (" +
           std::to_string(counts.value("new_failures", 0)) + " not passing)</p>\n";
    out += bucket_table(compare, "regressions", "Regressions", "bad");
    out += bucket_table(compare, "new_cases", "New cases (never ran in old)", "");
    out += bucket_table(compare, "changed", "Changed verdicts", "");
    out += bucket_table(compare, "fixed", "Now pass", "good");
    out += bucket_table(compare, "known", "Known failures", "");
    const json& missing = array_at(compare, "missing");
    out += "<h2>Only in old (" + std::to_string(missing.size()) + ")</h2>\n<p>";
    std::string ids;
    for (const auto& id : missing)
        ids += (ids.empty() ? "" : " ") + esc(id.is_string() ? id.get<std::string>() : "");
    out += (ids.empty() ? "none" : ids) + "</p>\n</body></html>\n";
    return out;
}

std::vector<WrittenReport> write_compare(const json& compare, const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    std::vector<WrittenReport> written;
    const std::string text = compare.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
    write_file_atomically(dir / "compare.json", text);
    written.push_back({dir / "compare.json", text.size(), 0});
    const std::string html = compare_html(compare);
    write_file_atomically(dir / "compare.html", html);
    written.push_back({dir / "compare.html", html.size(), 0});
    return written;
}

}  // namespace wsspec::report
