// One case's result as every reporter sees it: the case, what the peer did, and the
// judge's verdicts. Plain data with no I/O types, so reports and the live fuzzer can use
// it without pulling in the network layers.
#pragma once

#include <cstddef>

#include "harness/cases/case.h"
#include "harness/oracle/judge.h"
#include "harness/oracle/observation.h"

namespace wsspec::oracle {

struct CaseOutcome {
    const cases::Case* c = nullptr;
    std::size_t index = 0;  // 1-based position in the selected list (Autobahn's "case")
    Observation obs;
    Judgement judgement;
    bool ran = false;  // false: the run was interrupted before this case started
};

}  // namespace wsspec::oracle
