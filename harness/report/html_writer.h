// index.html: one self-contained page (CSS and JS inline, no network access) with the runs'
// results embedded as JSON: a matrix of cases by agent colored by verdict, counts per
// category and verdict, filters, and per-case detail with the wire log. The template is
// reports/template/report.html, compiled in at build time.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/report/atomic_file.h"

namespace wsspec::report {

// Wire log entries (and events) kept in the page for a case that does not pass: the first
// `head` and the last `tail`, with a note saying how many were left out between them (the
// full lists are in wsspec.json).
inline constexpr std::size_t html_wire_head_entries = 200;
inline constexpr std::size_t html_wire_tail_entries = 100;
// A passing case shows how it started and how it ended: its first and last 8 entries, with
// up to 32 bytes of each. So a 600-case report with failures stays under 3 MB, and opens in
// well under a second.
inline constexpr std::size_t html_passing_head_entries = 8;
inline constexpr std::size_t html_passing_tail_entries = 8;
inline constexpr std::size_t html_passing_entry_bytes = 32;
// Handshake request/response text kept per case.
inline constexpr std::size_t html_handshake_chars = 4096;

// Case group -> its case file's title ("1.1" -> "Text messages"): the page's section titles
// for results written before case records carried `group_title`.
using GroupTitles = std::map<std::string, std::string>;

// The data embedded in the page: the runs with case records trimmed as above; a case without
// `group_title` gets the one `titles` has for its group.
nlohmann::json html_data(const std::vector<nlohmann::json>& runs, const GroupTitles& titles = {});

// The page written as it is made, one case at a time: the template, the data with each case
// trimmed as above, the rest of the template. Call begin_run, add_case for each of its
// records (whole: deferred_members.h), end_run, for every run in order, then finish.
class HtmlWriter {
  public:
    HtmlWriter(TextSink& out, const GroupTitles& titles);
    void begin_run(const nlohmann::json& run);
    void add_case(const nlohmann::json& record);
    void end_run(const nlohmann::json& run);
    void finish();

  private:
    void write_data(const std::string& json_text);

    TextSink& out_;
    const GroupTitles& titles_;
    std::size_t placeholder_at_ = 0;
    std::size_t runs_written_ = 0;
    std::size_t cases_written_ = 0;
};

std::string html_report(const std::vector<nlohmann::json>& runs, const GroupTitles& titles = {});

// One case record as the page embeds it: wire log and events cut to their two ends (more of
// them when the case did not pass), handshake text capped, wire entries packed. The fuzz
// report (fuzz_html_writer.h) shows its findings' reproducer runs the same way.
nlohmann::json html_case_record(const nlohmann::json& record);

// JSON text safe inside a <script> element (no "</script>" or "<!--" can occur in it).
std::string script_safe(const std::string& json_text);

// "200+100 entries (a passing case: 8+8 of up to 32 bytes)": what the page keeps of a log.
std::string html_wire_entries_kept();

}  // namespace wsspec::report
