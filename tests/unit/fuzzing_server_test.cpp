// The fuzzingserver endpoints' inputs: request targets with percent-encoded agents,
// Autobahn spec files, and the exclude-agent-cases rule.
#include <gtest/gtest.h>

#include "harness/server/fuzzing_spec.h"
#include "harness/server/request_target.h"

namespace wsspec::server {
namespace {

TEST(RequestTargetTest, SplitsPathAndDecodesQuery) {
    const RequestTarget t = parse_request_target("/runCase?case=12&agent=my%20client+1");
    EXPECT_EQ(t.path, "/runCase");
    EXPECT_EQ(t.param("case"), std::optional<std::string>("12"));
    EXPECT_EQ(t.param("agent"), std::optional<std::string>("my client 1"));
    EXPECT_EQ(t.param("casetuple"), std::nullopt);
}

TEST(RequestTargetTest, AbsoluteFormAndFlagsWithoutValue) {
    const RequestTarget t =
        parse_request_target("ws://127.0.0.1:9001/updateReports?agent=a&shutdownOnComplete");
    EXPECT_EQ(t.path, "/updateReports");
    EXPECT_EQ(t.param("shutdownOnComplete"), std::optional<std::string>(""));
}

TEST(RequestTargetTest, MalformedEscapesAreKept) {
    EXPECT_EQ(percent_decode("100%"), "100%");
    EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
    EXPECT_EQ(percent_decode("%41%62"), "Ab");
}

TEST(FuzzingSpecTest, ReadsAutobahnsFuzzingserverKeys) {
    const FuzzingSpec spec = parse_fuzzing_spec(R"({
        "url": "ws://127.0.0.1:9001", "outdir": "./reports/clients",
        "options": {"failByDrop": false}, "webport": 8080,
        "cases": ["1.*", "6.4.*"], "exclude-cases": ["9.*"],
        "exclude-agent-cases": {"ws*": ["6.4.*"]}})",
                                                "spec.json");
    EXPECT_EQ(spec.url, std::optional<std::string>("ws://127.0.0.1:9001"));
    EXPECT_EQ(spec.outdir, std::optional<std::string>("./reports/clients"));
    ASSERT_TRUE(spec.cases.has_value());
    EXPECT_EQ(*spec.cases, (std::vector<std::string>{"1.*", "6.4.*"}));
    EXPECT_EQ(spec.exclude_cases, std::vector<std::string>{"9.*"});
    ASSERT_EQ(spec.exclude_agent_cases.size(), 1u);
    EXPECT_EQ(spec.exclude_agent_cases[0].agent_glob, "ws*");
    EXPECT_EQ(spec.ignored_keys, (std::vector<std::string>{"options", "webport"}));
}

TEST(FuzzingSpecTest, UnknownKeyAndWrongTypesNameFileAndKey) {
    EXPECT_THROW(parse_fuzzing_spec(R"({"cases": "1.*"})", "s.json"), FuzzingSpecError);
    try {
        parse_fuzzing_spec(R"({"exclude_cases": []})", "s.json");
        FAIL() << "no error";
    } catch (const FuzzingSpecError& e) {
        EXPECT_NE(std::string(e.what()).find("s.json: exclude_cases: unknown key"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(parse_fuzzing_spec("not json", "s.json"), FuzzingSpecError);
}

TEST(FuzzingSpecTest, AgentCaseExclusionMatchesBothPatterns) {
    const std::vector<AgentCaseExclusion> rules = {{"ws*", {"6.4.*", "7.1.6"}}};
    EXPECT_TRUE(agent_case_excluded(rules, "ws-8.1", "6.4.2"));
    EXPECT_TRUE(agent_case_excluded(rules, "ws", "7.1.6"));
    EXPECT_FALSE(agent_case_excluded(rules, "ws", "7.1.5"));
    EXPECT_FALSE(agent_case_excluded(rules, "python-websockets", "6.4.2"));
}

}  // namespace
}  // namespace wsspec::server
