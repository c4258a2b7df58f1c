// The summary printed at the end of a run: verdict counts per category, then every case
// that did not pass with its reason.
#pragma once

#include <ostream>
#include <vector>

#include "harness/oracle/case_outcome.h"

namespace wsspec::report {

void print_summary(std::ostream& out, const std::vector<oracle::CaseOutcome>& outcomes, bool strict,
                   bool color);

}  // namespace wsspec::report
