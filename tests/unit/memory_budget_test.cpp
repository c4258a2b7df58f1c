#include "harness/server/memory_budget.h"

#include <gtest/gtest.h>

namespace wsspec::server {
namespace {

TEST(MemoryBudget, SharesAddUpAndTheOneThatGrowsPastTheLimitIsTold) {
    auto budget = std::make_shared<MemoryBudget>(100);
    BudgetShare a(budget);
    BudgetShare b(budget);
    EXPECT_TRUE(a.hold(60));
    EXPECT_FALSE(b.hold(50));  // 110 > 100: b grew past it
    EXPECT_EQ(budget->held.load(), 110U);
    EXPECT_TRUE(a.hold(40));  // shrinking is never refused
    EXPECT_TRUE(b.hold(50));  // (unchanged)
    EXPECT_EQ(budget->held.load(), 90U);
    EXPECT_TRUE(b.hold(0));
    EXPECT_EQ(budget->held.load(), 40U);
}

TEST(MemoryBudget, AShareGivesBackWhatItHeldWhenItGoes) {
    auto budget = std::make_shared<MemoryBudget>(100);
    {
        BudgetShare a(budget);
        EXPECT_TRUE(a.hold(100));  // at the limit is within it
    }
    EXPECT_EQ(budget->held.load(), 0U);
}

TEST(MemoryBudget, NoBudgetTakesEverything) {
    BudgetShare none(nullptr);
    EXPECT_TRUE(none.hold(std::uint64_t{1} << 40));
}

}  // namespace
}  // namespace wsspec::server
