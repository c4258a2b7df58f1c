#include "harness/report/summary_table.h"

#include <iomanip>
#include <map>

namespace wsspec::report {
namespace {

const char* const verdict_columns[] = {"OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED",
                                       "FAILED"};

std::string category_of(const std::string& id) {
    const auto dot = id.find('.');
    if (id.rfind("hs.", 0) == 0) return "hs";
    return dot == std::string::npos ? id : id.substr(0, dot);
}

}  // namespace

void print_summary(std::ostream& out, const std::vector<oracle::CaseOutcome>& outcomes, bool strict,
                   bool color) {
    const char* red = color ? "\033[31m" : "";
    const char* green = color ? "\033[32m" : "";
    const char* reset = color ? "\033[0m" : "";
    std::map<std::string, std::map<std::string, int>> counts;
    std::map<std::string, int> close_problems;
    std::vector<std::string> order;
    int failed = 0, ran = 0;
    for (const auto& o : outcomes) {
        if (!o.ran) continue;
        ++ran;
        const std::string cat = category_of(o.c->id);
        if (!counts.count(cat)) order.push_back(cat);
        ++counts[cat][o.judgement.behavior];
        if (o.judgement.behavior_close != "OK" && o.judgement.behavior_close != "INFORMATIONAL") {
            ++close_problems[cat];
        }
        if (!oracle::passed(o.judgement, strict)) ++failed;
    }
    out << std::left << std::setw(10) << "category";
    for (const char* v : verdict_columns)
        out << std::right << std::setw(15) << v;
    out << std::setw(15) << "close-not-OK"
        << "\n";
    for (const auto& cat : order) {
        out << std::left << std::setw(10) << cat;
        for (const char* v : verdict_columns)
            out << std::right << std::setw(15) << counts[cat][v];
        out << std::setw(15) << close_problems[cat] << "\n";
    }
    for (const auto& o : outcomes) {
        if (!o.ran || oracle::passed(o.judgement, strict)) continue;
        out << red << o.c->id << reset << "  " << o.judgement.behavior << " / "
            << o.judgement.behavior_close << ": ";
        const bool behavior_fine =
            o.judgement.behavior == "OK" || o.judgement.behavior == "INFORMATIONAL" ||
            o.judgement.behavior == "NON-STRICT" || o.judgement.behavior == "UNIMPLEMENTED";
        out << (behavior_fine ? o.judgement.result_close : o.judgement.result) << "\n";
    }
    out << (failed ? red : green) << ran - failed << " of " << ran << " cases passed" << reset;
    if (ran < static_cast<int>(outcomes.size()))
        out << " (" << outcomes.size() - ran << " not run)";
    out << "\n";
}

}  // namespace wsspec::report
