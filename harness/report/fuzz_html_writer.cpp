#include "harness/report/fuzz_html_writer.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "harness/report/html_writer.h"
#include "harness/report/results_json.h"
#include "harness/report/run_info.h"
#include "harness/report/utf8_escape.h"
#include "report_template.h"  // generated: fuzz_report_template

namespace wsspec::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view data_placeholder = "{{WSSPEC_DATA}}";

// A worker number (merged -j N runs), whatever integer type the JSON holds it as.
std::optional<std::size_t> worker_of(const json& obj) {
    const auto it = obj.find("worker");
    if (it == obj.end() || !it->is_number_integer() || it->get<std::int64_t>() < 1)
        return std::nullopt;
    return it->get<std::size_t>();
}

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// `file` as a link from the page in `report_dir`: the path relative to the report directory
// when the file is there (a path recorded relative to where the run was started, or an
// absolute one), else the same name under findings/ (or a worker's findings/) next to the
// page, else nothing (the page then shows the recorded path as text).
std::string link_to(const std::string& file, const fs::path& report_dir, const json& finding) {
    if (file.empty()) return {};
    std::error_code ec;
    const fs::path dir = fs::absolute(report_dir, ec);
    const fs::path recorded = fs::absolute(fs::path(file), ec);
    if (!ec) {
        const fs::path rel = recorded.lexically_relative(dir);
        if (!rel.empty() && is_file(dir / rel)) return rel.generic_string();
    }
    const fs::path name = fs::path(file).filename();
    if (const auto worker = worker_of(finding)) {
        const fs::path in_worker =
            fs::path("worker-" + std::to_string(*worker)) / "findings" / name;
        if (is_file(dir / in_worker)) return in_worker.generic_string();
    }
    if (is_file(dir / "findings" / name)) return (fs::path("findings") / name).generic_string();
    return {};
}

json thinned_timeline(const json& timeline) {
    if (!timeline.is_array() || timeline.size() <= fuzz_html_timeline_points) return timeline;
    json out = json::array();
    const double step = static_cast<double>(timeline.size() - 1) /
                        static_cast<double>(fuzz_html_timeline_points - 1);
    for (std::size_t i = 0; i < fuzz_html_timeline_points; ++i) {
        out.push_back(timeline[static_cast<std::size_t>(static_cast<double>(i) * step + 0.5)]);
    }
    out.back() = timeline.back();
    return out;
}

// The end of a long output: where a sanitizer report's summary is.
void keep_tail(json& obj, const char* key, std::size_t limit) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return;
    auto& s = it->get_ref<std::string&>();
    if (s.size() <= limit) return;
    std::size_t cut = s.size() - limit;
    while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        ++cut;  // keep whole UTF-8 sequences
    s = "[... " + std::to_string(cut) + " bytes before this left out]\n" + s.substr(cut);
}

}  // namespace

bool is_fuzz_report(const json& doc) {
    if (!doc.is_object() || doc.value("tool", json()) != "wsspec") return false;
    const json mode = doc.value("mode", json());
    return mode == "fuzz-server" || mode == "fuzz-client";
}

json fuzz_html_data(const json& run, const fs::path& report_dir) {
    json r = run;
    escape_invalid_utf8_in(r);
    if (auto it = r.find("timeline");
        it != r.end() && it->is_array() && it->size() > fuzz_html_timeline_points) {
        *it = thinned_timeline(*it);
        r["timeline_thinned"] = true;
    }
    if (auto it = r.find("findings"); it != r.end() && it->is_array()) {
        for (auto& f : *it) {
            if (!f.is_object()) continue;
            if (auto replay = f.find("replay"); replay != f.end() && replay->is_object())
                *replay = html_case_record(*replay);
            keep_tail(f, "output_tail", fuzz_html_output_chars);
            keep_tail(f, "result", fuzz_html_output_chars);
            const std::string href = link_to(f.value("file", std::string()), report_dir, f);
            if (!href.empty()) f["file_href"] = href;
        }
    }
    if (auto it = r.find("workers"); it != r.end() && it->is_array()) {
        for (auto& w : *it) {
            const auto worker = w.is_object() ? worker_of(w) : std::nullopt;
            if (!worker) continue;
            const fs::path dir = "worker-" + std::to_string(*worker);
            for (const char* page : {"index.html", "fuzz.json"}) {
                if (is_file(report_dir / dir / page)) {
                    w["report_href"] = (dir / page).generic_string();
                    break;
                }
            }
        }
    }
    return {{"generated", iso_utc(std::chrono::system_clock::now())},
            {"wsspec_version", WSSPEC_VERSION},
            {"wire_entries_kept", html_wire_entries_kept()},
            {"run", std::move(r)}};
}

std::string fuzz_html_report(const json& run, const fs::path& report_dir) {
    const std::string_view tpl = fuzz_report_template;
    const auto at = tpl.find(data_placeholder);
    if (at == std::string_view::npos)
        throw std::logic_error("fuzz report template has no data placeholder");
    std::string out(tpl.substr(0, at));
    out += script_safe(fuzz_html_data(run, report_dir).dump(-1, ' ', false, last_resort));
    out += tpl.substr(at + data_placeholder.size());
    return out;
}

}  // namespace wsspec::report
