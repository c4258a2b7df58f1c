// Case shards (harness/runner/case_shard.h): "--shard I/N" parsing, and shards that are
// disjoint, deterministic and together cover the selection.
#include "harness/runner/case_shard.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::runner {
namespace {

std::vector<cases::Case> numbered_cases(int n) {
    std::vector<cases::Case> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)].id = "1.1." + std::to_string(i + 1);
    return out;
}

TEST(CaseShard, ParsesIOverN) {
    EXPECT_EQ(parse_shard_spec("2/4")->index, 2U);
    EXPECT_EQ(parse_shard_spec("2/4")->count, 4U);
    for (const char* bad : {"0/4", "5/4", "2", "a/b", "2/4x", "/4", "1/0", ""})
        EXPECT_FALSE(parse_shard_spec(bad)) << bad;
}

TEST(CaseShard, ShardsAreDisjointAndCoverTheSelection) {
    const auto all = numbered_cases(23);
    std::vector<const cases::Case*> selected;
    for (const auto& c : all)
        selected.push_back(&c);
    std::multiset<const cases::Case*> seen;
    for (unsigned i = 1; i <= 4; ++i) {
        const auto part = shard_of(selected, {i, 4});
        EXPECT_GE(part.size(), 5U);
        EXPECT_EQ(part, shard_of(selected, {i, 4})) << "deterministic";
        seen.insert(part.begin(), part.end());
    }
    EXPECT_EQ(seen.size(), selected.size());
    EXPECT_EQ(std::set<const cases::Case*>(seen.begin(), seen.end()).size(), selected.size());
}

}  // namespace
}  // namespace wsspec::runner
