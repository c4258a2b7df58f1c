// The fuzzing server's per-agent bookkeeping and origin policy, without sockets.
#include <gtest/gtest.h>

#include <deque>

#include "harness/server/agent_results.h"
#include "harness/server/origin_policy.h"

namespace wsspec::server {
namespace {

using Clock = AgentResultBook::Clock;
using State = AgentResultBook::CaseState;

class AgentResultBookTest : public ::testing::Test {
  protected:
    AgentResultBookTest() {
        for (const char* id : {"1.1.1", "1.1.2", "2.1"}) {
            cases::Case& c = storage_.emplace_back();
            c.id = id;
            c.roles = {cases::Role::client};
        }
        for (auto& c : storage_)
            cases_.push_back(&c);
    }
    oracle::Judgement verdict(const char* behavior) {
        oracle::Judgement j;
        j.behavior = behavior;
        j.behavior_close = "OK";
        return j;
    }
    std::deque<cases::Case> storage_;
    std::vector<const cases::Case*> cases_;
};

TEST_F(AgentResultBookTest, TracksRunningAndFinishedCasesPerAgent) {
    AgentResultBook book(cases_, 4);
    const auto now = Clock::now();
    EXPECT_EQ(book.state("a", 1), State::not_started);
    ASSERT_TRUE(book.start("a", 2, now));
    EXPECT_EQ(book.state("a", 2), State::running);
    EXPECT_EQ(book.behavior("a", 2), std::nullopt);
    const auto outcome = book.finish("a", 2, {}, verdict("OK"), now);
    EXPECT_TRUE(outcome.ran);
    EXPECT_EQ(outcome.index, 2U);
    EXPECT_EQ(book.state("a", 2), State::done);
    EXPECT_EQ(book.behavior("a", 2), std::optional<std::string>("OK"));
    EXPECT_EQ(book.state("b", 2), State::not_started) << "agents are separate";
    const auto all = book.snapshot();
    ASSERT_EQ(all.at("a").size(), 3U);
    EXPECT_FALSE(all.at("a")[0].ran);
}

TEST_F(AgentResultBookTest, ARerunShowsAsRunningUntilItFinishesAgain) {
    AgentResultBook book(cases_, 4);
    const auto now = Clock::now();
    book.start("a", 1, now);
    book.finish("a", 1, {}, verdict("OK"), now);
    book.start("a", 1, now);
    EXPECT_EQ(book.state("a", 1), State::running);
}

TEST_F(AgentResultBookTest, RefusesAgentsBeyondTheLimitAndCountsThem) {
    AgentResultBook book(cases_, 2);
    const auto now = Clock::now();
    EXPECT_TRUE(book.start("a", 1, now));
    EXPECT_TRUE(book.start("b", 1, now));
    EXPECT_FALSE(book.start("c", 1, now));
    EXPECT_TRUE(book.start("a", 2, now)) << "known agents go on";
    EXPECT_EQ(book.agent_count(), 2U);
    EXPECT_EQ(book.refused_agents(), 1U);
}

TEST_F(AgentResultBookTest, CompleteWhenEveryAgentRanEveryCaseNotExcluded) {
    AgentResultBook book(cases_, 4);
    const std::vector<runner::AgentCaseExclusion> exclusions = {{"a*", {"2.*"}}};
    EXPECT_FALSE(book.complete(exclusions)) << "no agent yet";
    const auto now = Clock::now();
    for (std::size_t i = 1; i <= 2; ++i) {
        book.start("alpha", i, now);
        EXPECT_FALSE(book.complete(exclusions)) << "a case is running";
        book.finish("alpha", i, {}, verdict("OK"), now);
    }
    EXPECT_TRUE(book.complete(exclusions));
}

TEST_F(AgentResultBookTest, CrashFailsTheCaseRunningAtThatTime) {
    AgentResultBook book(cases_, 4);
    const auto t0 = Clock::now();
    book.start("a", 1, t0);
    book.finish("a", 1, {}, verdict("OK"), t0 + std::chrono::milliseconds(10));
    book.start("a", 2, t0 + std::chrono::seconds(5));
    book.finish("a", 2, {}, verdict("OK"), t0 + std::chrono::seconds(6));
    const std::string id = book.attribute_crash(t0 + std::chrono::milliseconds(6500),
                                                std::chrono::milliseconds(1500), "exit 3");
    EXPECT_EQ(id, "1.1.2");
    EXPECT_EQ(book.snapshot().at("a")[1].obs.peer_crash, std::optional<std::string>("exit 3"));
}

TEST(AgentNameProblem, RefusesEmptyOverlongAndNonUtf8Names) {
    EXPECT_EQ(agent_name_problem("python-websockets 12"), "");
    EXPECT_EQ(agent_name_problem("caf\xC3\xA9"), "");
    EXPECT_NE(agent_name_problem(""), "");
    EXPECT_NE(agent_name_problem("\xFF"), "");
    EXPECT_NE(agent_name_problem(std::string(max_agent_name_bytes + 1, 'a')), "");
    EXPECT_EQ(agent_name_problem(std::string(max_agent_name_bytes, 'a')), "");
}

TEST(OriginPolicyTest, ServesNonBrowsersAndLocalPagesOnly) {
    const OriginPolicy policy;
    EXPECT_TRUE(policy.allows(std::nullopt));
    for (const char* local : {"http://localhost", "https://localhost:8443", "http://127.0.0.1:9001",
                              "http://[::1]:80", "HTTP://LOCALHOST"})
        EXPECT_TRUE(policy.allows(std::string_view(local))) << local;
    for (const char* remote : {"http://evil.example", "null", "http://localhost.evil.example",
                               "http://127.0.0.1.evil.example", "http://localhost:80@evil.example",
                               "file://", "http://127.0.0.1:"})
        EXPECT_FALSE(policy.allows(std::string_view(remote))) << remote;
}

TEST(OriginPolicyTest, AllowedOriginsAndWildcard) {
    OriginPolicy policy;
    policy.allowed = {"https://ci.example:8443"};
    EXPECT_TRUE(policy.allows(std::string_view("https://CI.example:8443")));
    EXPECT_FALSE(policy.allows(std::string_view("https://ci.example")));
    policy.allowed = {"*"};
    EXPECT_TRUE(policy.allows(std::string_view("http://evil.example")));
}

}  // namespace
}  // namespace wsspec::server
