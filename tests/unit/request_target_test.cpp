// RequestTarget (harness/server/request_target.h): the request targets of the fuzzingserver
// endpoints, split into path and query, with percent-encoded agents decoded.
// (Spec files and exclude-agent-cases: autobahn_spec_test.cpp.)
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace wsspec::server
