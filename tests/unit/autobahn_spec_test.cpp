// Autobahn|Testsuite spec files: fuzzingserver specs (test-client --spec), fuzzingclient
// specs (test-server --spec) and the exclude-agent-cases rule.
#include "harness/runner/autobahn_spec.h"

#include <gtest/gtest.h>

namespace wsspec::runner {
namespace {

TEST(AutobahnSpecTest, ReadsAutobahnsFuzzingserverKeys) {
    const AutobahnSpec spec = parse_autobahn_spec(R"({
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
    EXPECT_TRUE(spec.servers.empty());
}

TEST(AutobahnSpecTest, ReadsAutobahnsFuzzingclientKeys) {
    const AutobahnSpec spec = parse_autobahn_spec(R"({
        "outdir": "./reports/servers",
        "servers": [{"agent": "srv", "url": "ws://127.0.0.1:9002", "protocols": ["chat"]}],
        "exclude-cases": ["9.*"], "exclude-agent-cases": {"s*": ["6.4.*"], "x": ["7.*"]}})",
                                                  "spec.json");
    ASSERT_EQ(spec.servers.size(), 1u);
    EXPECT_EQ(spec.servers[0].agent, "srv");
    EXPECT_EQ(spec.servers[0].url, "ws://127.0.0.1:9002");
    EXPECT_EQ(spec.servers[0].protocols, std::vector<std::string>{"chat"});
    EXPECT_FALSE(spec.cases.has_value());  // the command decides: test-server runs "*"
    EXPECT_FALSE(spec.url.has_value());
    EXPECT_TRUE(spec.ignored_keys.empty());
    EXPECT_EQ(spec.excluded_for("srv"), (std::vector<std::string>{"9.*", "6.4.*"}));
    EXPECT_EQ(spec.excluded_for("other"), std::vector<std::string>{"9.*"});
}

// The message of the SpecError that parsing `text` as "s.json" throws.
std::string error_of(const std::string& text) {
    try {
        parse_autobahn_spec(text, "s.json");
    } catch (const SpecError& e) {
        return e.what();
    }
    return "no error";
}

TEST(AutobahnSpecTest, UnknownKeyAndWrongTypesNameFileAndPointer) {
    EXPECT_THROW(parse_autobahn_spec(R"({"cases": "1.*"})", "s.json"), SpecError);
    const std::string unknown = error_of(R"({"exclude_cases": []})");
    EXPECT_NE(unknown.find("s.json: /exclude_cases: unknown key"), std::string::npos) << unknown;
    const std::string server_key = error_of(R"({"servers": [{"url": "ws://h:1", "agnet": "a"}]})");
    EXPECT_NE(server_key.find("s.json: /servers/0/agnet: unknown key"), std::string::npos)
        << server_key;
    const std::string item = error_of(R"({"exclude-cases": ["1.*", 2]})");
    EXPECT_NE(item.find("s.json: /exclude-cases/1: expected a string"), std::string::npos) << item;
    EXPECT_THROW(parse_autobahn_spec("not json", "s.json"), SpecError);
    EXPECT_THROW(parse_autobahn_spec("[]", "s.json"), SpecError);
    EXPECT_THROW(load_autobahn_spec("/nonexistent/spec.json"), SpecError);
}

TEST(AutobahnSpecTest, AgentCaseExclusionMatchesBothPatterns) {
    const std::vector<AgentCaseExclusion> rules = {{"ws*", {"6.4.*", "7.1.6"}}};
    EXPECT_TRUE(agent_case_excluded(rules, "ws-8.1", "6.4.2"));
    EXPECT_TRUE(agent_case_excluded(rules, "ws", "7.1.6"));
    EXPECT_FALSE(agent_case_excluded(rules, "ws", "7.1.5"));
    EXPECT_FALSE(agent_case_excluded(rules, "python-websockets", "6.4.2"));
}

}  // namespace
}  // namespace wsspec::runner
