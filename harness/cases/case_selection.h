// Choosing which cases to run: Autobahn-style globs ("1.*", "6.4.*", "hs.*") on case ids,
// and the order cases run in (ids compared as dotted numeric tuples).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::cases {

// '*' matches any run of characters (including none, and including dots, so "1.*" matches
// "1.1.1"); every other character matches itself. A bare id matches only that id.
bool matches_pattern(std::string_view id, std::string_view glob);

// "1.*, 2.1,hs.*" -> {"1.*", "2.1", "hs.*"}: split on commas, spaces trimmed, empties dropped.
std::vector<std::string> split_globs(std::string_view comma_list);

// Orders ids part by part (split on '.'): numeric parts compare as numbers ("1.10" after
// "1.9"), non-numeric parts as strings and after every number (so hs.* follows all Autobahn
// ids), and a prefix sorts first ("1.1" before "1.1.1"). True when a sorts before b.
bool case_id_less(std::string_view a, std::string_view b);

// The cases for `role` that match at least one include glob (all, if there are none) and no
// exclude glob, sorted with case_id_less. The pointers refer into `all`.
std::vector<const Case*> select_cases(const std::vector<Case>& all,
                                      const std::vector<std::string>& include_globs,
                                      const std::vector<std::string>& exclude_globs, Role role);

}  // namespace wsspec::cases
