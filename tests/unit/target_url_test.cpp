// parse_target_url: what test-server accepts as the server under test, and the clear
// error it gives for anything else.
#include "harness/peer/target_url.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using wsspec::peer::parse_target_url;
using wsspec::peer::UrlError;

std::string error_of(const std::string& url) {
    try {
        (void)parse_target_url(url);
    } catch (const UrlError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(TargetUrl, ParsesHostPortAndPath) {
    const auto u = parse_target_url("ws://127.0.0.1:9001/chat?x=1");
    EXPECT_FALSE(u.tls);
    EXPECT_EQ(u.host, "127.0.0.1");
    EXPECT_EQ(u.port, 9001);
    EXPECT_EQ(u.path, "/chat?x=1");
    EXPECT_EQ(u.host_header(), "127.0.0.1:9001");
}

TEST(TargetUrl, DefaultsPortAndPathByScheme) {
    const auto ws = parse_target_url("ws://localhost");
    EXPECT_EQ(ws.port, 80);
    EXPECT_EQ(ws.path, "/");
    EXPECT_EQ(ws.host_header(), "localhost");
    const auto wss = parse_target_url("wss://localhost");
    EXPECT_TRUE(wss.tls);
    EXPECT_EQ(wss.port, 443);
}

TEST(TargetUrl, QueryWithoutPathGetsASlash) {
    EXPECT_EQ(parse_target_url("ws://h:1?agent=x").path, "/?agent=x");
}

TEST(TargetUrl, Ipv6LiteralKeepsBracketsOnlyInHostHeader) {
    const auto u = parse_target_url("ws://[::1]:9001/");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.host_header(), "[::1]:9001");
    EXPECT_EQ(u.to_string(), "ws://[::1]:9001/");
}

TEST(TargetUrl, RejectsWhatCannotBeAWebSocketUri) {
    EXPECT_NE(error_of("http://h:1/").find("unsupported scheme 'http'"), std::string::npos);
    EXPECT_NE(error_of("ws://h:1/#top").find("fragments are not allowed"), std::string::npos);
    EXPECT_NE(error_of("ws://u@h:1/").find("user info"), std::string::npos);
    EXPECT_NE(error_of("ws://[::1/").find("unterminated IPv6 literal"), std::string::npos);
    EXPECT_NE(error_of("ws:///x").find("missing host"), std::string::npos);
    EXPECT_NE(error_of("ws://h:0/").find("port must be"), std::string::npos);
    EXPECT_NE(error_of("ws://h:65536/").find("port must be"), std::string::npos);
    EXPECT_NE(error_of("ws://h:80x/").find("port must be"), std::string::npos);
}

TEST(TargetUrl, RejectsSpacesAndControlCharactersInThePath) {
    // They would end up raw in the request line and split it.
    EXPECT_NE(error_of("ws://h:1/a b").find("percent-encode"), std::string::npos);
    EXPECT_NE(error_of("ws://h:1/a\r\nX-Injected: 1").find("percent-encode"), std::string::npos);
    EXPECT_NE(error_of("ws://h:1/?q=\t").find("percent-encode"), std::string::npos);
    EXPECT_EQ(parse_target_url("ws://h:1/a%20b").path, "/a%20b");
}

TEST(TargetUrl, ErrorQuotesTheUrl) {
    EXPECT_NE(error_of("ftp://x/").find("bad URL 'ftp://x/'"), std::string::npos);
}

}  // namespace
