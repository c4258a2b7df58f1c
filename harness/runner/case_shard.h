// Splitting a case selection across CI jobs (--shard I/N): deterministic, so N jobs that
// select the same cases run disjoint slices whose union is the selection, and merging
// their results (wsspec report --merge) gives the unsharded run's report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::runner {

struct ShardSpec {
    unsigned index = 1;  // 1-based
    unsigned count = 1;
};

// "2/4" -> {2, 4}; nullopt unless it is I/N with 1 <= I <= N.
std::optional<ShardSpec> parse_shard_spec(const std::string& text);

// Case k (0-based, in catalog order) goes to shard (k mod N) + 1: every shard gets a share
// of each category, so the slow ones (9.*) spread over the jobs.
std::vector<const cases::Case*> shard_of(const std::vector<const cases::Case*>& selected,
                                         ShardSpec shard);

}  // namespace wsspec::runner
