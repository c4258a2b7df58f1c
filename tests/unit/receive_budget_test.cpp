// The flood rule (peer/receive_budget.h) and the verdict it leads to (oracle/judge.cpp).
#include <gtest/gtest.h>

#include "harness/oracle/judge.h"
#include "harness/peer/receive_budget.h"

namespace wsspec::peer {
namespace {

constexpr ReceiveBudgetLimits limits{
    .unprompted_bytes = 1000, .unprompted_frames = 10, .echo_factor = 2, .min_echo_fragment = 16};

TEST(ReceiveBudgetTest, AllowsUnpromptedFramesBeforeTheCaseSendsAnything) {
    ReceiveBudget budget(limits);
    for (int i = 0; i < 10; ++i)
        EXPECT_TRUE(budget.received_frame()) << i;
    EXPECT_FALSE(budget.received_frame());
    EXPECT_EQ(budget.frames(), 11U);
}

TEST(ReceiveBudgetTest, AllowsTwiceWhatTheStepsSentPlusTheUnpromptedBytes) {
    ReceiveBudget budget(limits);
    budget.steps_sent(5000, 1);
    EXPECT_EQ(budget.byte_allowance(), 1000U + 2 * 5000U);
    EXPECT_TRUE(budget.received_bytes(11000));
    EXPECT_FALSE(budget.received_bytes(1));
}

TEST(ReceiveBudgetTest, LetsAnEchoComeBackInSmallFragments) {
    // A 16 MiB message sent as one frame may come back as a million 16-octet fragments.
    ReceiveBudget budget(limits);
    budget.steps_sent(16 << 20, 1);
    EXPECT_EQ(budget.frame_allowance(), 10U + 2 * (1U + (16U << 20) / 16));
    for (int i = 0; i < (1 << 20); ++i)
        ASSERT_TRUE(budget.received_frame()) << i;
}

TEST(ReceiveBudgetTest, AllowanceGrowsAsTheStepsSendMore) {
    ReceiveBudget budget(limits);
    EXPECT_TRUE(budget.received_bytes(1000));
    EXPECT_FALSE(budget.received_bytes(500));
    budget.steps_sent(250, 1);  // a round trip later in the case
    EXPECT_TRUE(budget.within());
}

// RFC 6455 5.4 sets no lower bound on a fragment: an echo of a 16 MiB message sent back one
// octet per frame (16 bytes on the wire each, masked by a client) is within the defaults.
TEST(ReceiveBudgetTest, DefaultsAllowAnEchoInOneOctetFragments) {
    ReceiveBudget budget;
    constexpr std::uint64_t message = 16ULL << 20;
    budget.steps_sent(message + 14, 1);
    bool within = true;
    for (std::uint64_t i = 0; i < message && within; ++i)
        within = budget.received_frame() && budget.received_bytes(2 + 4 + 1);
    EXPECT_TRUE(within) << budget.frames() << " frames, " << budget.bytes() << " bytes";
    // ...while an endless stream of empty frames is not.
    for (std::uint64_t i = 0; i < 3 * message && within; ++i)
        within = budget.received_frame() && budget.received_bytes(2);
    EXPECT_FALSE(within);
}

TEST(FloodVerdictTest, FloodFailsBothVerdictsAndNamesTheFlood) {
    cases::Case c;
    c.id = "1.1.1";
    cases::Expectation ok;
    ok.verdict = oracle::verdict::ok;
    c.expect.push_back(ok);
    oracle::Observation obs;
    obs.handshake.attempted = obs.handshake.completed = true;
    obs.handshake.status = 101;
    obs.flood = oracle::FloodObservation{};
    obs.flood->what = "4115 frames / 65536 bytes in 3 ms (this case allows 4114 frames)";
    const oracle::Judgement j = oracle::judge(c, obs, cases::Role::server);
    EXPECT_EQ(j.behavior, oracle::verdict::failed);
    EXPECT_EQ(j.behavior_close, oracle::verdict::failed);
    EXPECT_NE(j.result.find("flooded"), std::string::npos) << j.result;
    EXPECT_NE(j.result.find("4115 frames"), std::string::npos) << j.result;
}

}  // namespace
}  // namespace wsspec::peer
