#include "harness/cases/case_selection.h"

#include <algorithm>

namespace wsspec::cases {

bool matches_pattern(std::string_view id, std::string_view glob) {
    // Iterative wildcard match with backtracking to the last '*': linear in practice.
    std::size_t i = 0;
    std::size_t g = 0;
    std::size_t star = std::string_view::npos;
    std::size_t star_i = 0;
    while (i < id.size()) {
        if (g < glob.size() && glob[g] == '*') {
            star = g++;
            star_i = i;
        } else if (g < glob.size() && glob[g] == id[i]) {
            ++g;
            ++i;
        } else if (star != std::string_view::npos) {
            g = star + 1;
            i = ++star_i;
        } else {
            return false;
        }
    }
    while (g < glob.size() && glob[g] == '*')
        ++g;
    return g == glob.size();
}

std::vector<std::string> split_globs(std::string_view comma_list) {
    std::vector<std::string> out;
    constexpr std::string_view kSpace = " \t\r\n";
    while (true) {
        const std::size_t comma = comma_list.find(',');
        std::string_view item = comma_list.substr(0, comma);
        const std::size_t first = item.find_first_not_of(kSpace);
        if (first != std::string_view::npos) {
            item = item.substr(first, item.find_last_not_of(kSpace) - first + 1);
            out.emplace_back(item);
        }
        if (comma == std::string_view::npos) break;
        comma_list.remove_prefix(comma + 1);
    }
    return out;
}

namespace {

bool is_number(std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// -1, 0, 1 for one dotted part.
int compare_part(std::string_view a, std::string_view b) {
    const bool an = is_number(a);
    const bool bn = is_number(b);
    if (an != bn) return an ? -1 : 1;  // numbers before words
    if (an) {
        // Compare digit strings as numbers of any length: strip leading zeros, then the
        // longer one is larger, then lexicographic.
        a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
        b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
        if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    }
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string_view next_part(std::string_view& rest) {
    const std::size_t dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    return part;
}

}  // namespace

bool case_id_less(std::string_view a, std::string_view b) {
    while (!a.empty() && !b.empty()) {
        const int c = compare_part(next_part(a), next_part(b));
        if (c != 0) return c < 0;
    }
    return a.empty() && !b.empty();
}

std::vector<const Case*> select_cases(const std::vector<Case>& all,
                                      const std::vector<std::string>& include_globs,
                                      const std::vector<std::string>& exclude_globs, Role role) {
    auto any_match = [](const std::string& id, const std::vector<std::string>& globs) {
        return std::any_of(globs.begin(), globs.end(),
                           [&](const std::string& g) { return matches_pattern(id, g); });
    };
    std::vector<const Case*> out;
    for (const Case& c : all) {
        if (std::find(c.roles.begin(), c.roles.end(), role) == c.roles.end()) continue;
        if (!include_globs.empty() && !any_match(c.id, include_globs)) continue;
        if (any_match(c.id, exclude_globs)) continue;
        out.push_back(&c);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Case* x, const Case* y) { return case_id_less(x->id, y->id); });
    return out;
}

}  // namespace wsspec::cases
