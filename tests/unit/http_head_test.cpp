// HTTP head parser: picohttpparser-style contract (consumed / need more / error).
#include "harness/codec/http_head.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace wsspec::codec {
namespace {

using namespace std::string_literals;

constexpr std::string_view simple_request =
    "GET /chat?x=1 HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Upgrade: websocket\r\n"
    "\r\n";

HeadParseResult parse_request(std::string_view bytes, HttpRequestHead& out,
                              const HttpHeadLimits& limits = {}) {
    return parse_request_head(bytes.data(), bytes.size(), out, limits);
}

HeadParseResult parse_response(std::string_view bytes, HttpResponseHead& out,
                               const HttpHeadLimits& limits = {}) {
    return parse_response_head(bytes.data(), bytes.size(), out, limits);
}

HeadError request_error(std::string_view bytes) {
    HttpRequestHead head;
    const HeadParseResult r = parse_request(bytes, head);
    EXPECT_EQ(r.status, HeadParseStatus::error) << bytes;
    EXPECT_FALSE(r.reason.empty());
    return r.error;
}

TEST(HttpHead, ParsesRequestLineAndHeaders) {
    HttpRequestHead head;
    const HeadParseResult r = parse_request(simple_request, head);
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.consumed, simple_request.size());
    EXPECT_EQ(head.method, "GET");
    EXPECT_EQ(head.target, "/chat?x=1");
    EXPECT_EQ(head.version_major, 1);
    EXPECT_EQ(head.version_minor, 1);
    ASSERT_EQ(head.headers.size(), 2u);
    EXPECT_EQ(head.headers[0].name, "Host");
    EXPECT_EQ(head.headers[0].value, "example.com");
}

TEST(HttpHead, ParsesStatusLine) {
    HttpResponseHead head;
    constexpr std::string_view bytes = "HTTP/1.1 101 Switching Protocols\r\nX: y\r\n\r\n";
    const HeadParseResult r = parse_response(bytes, head);
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.consumed, bytes.size());
    EXPECT_EQ(head.status, 101);
    EXPECT_EQ(head.reason, "Switching Protocols");
    EXPECT_EQ(head.version_minor, 1);
}

TEST(HttpHead, AcceptsStatusLineWithoutReason) {
    HttpResponseHead head;
    EXPECT_TRUE(parse_response("HTTP/1.1 101\r\n\r\n", head).complete());
    EXPECT_EQ(head.status, 101);
    EXPECT_EQ(head.reason, "");
    EXPECT_TRUE(parse_response("HTTP/1.1 400 \r\n\r\n", head).complete());
    EXPECT_EQ(head.status, 400);
}

TEST(HttpHead, RejectsMalformedStatusLine) {
    HttpResponseHead head;
    EXPECT_EQ(parse_response("HTTP/1.1 1O1 OK\r\n\r\n", head).error, HeadError::bad_start_line);
    EXPECT_EQ(parse_response("HTTP/1.1  101 OK\r\n\r\n", head).error, HeadError::bad_start_line);
    EXPECT_EQ(parse_response("HTTP/1.1 1010 OK\r\n\r\n", head).error, HeadError::bad_start_line);
    EXPECT_EQ(parse_response("HTTP/1.1\r\n\r\n", head).error, HeadError::bad_start_line);
    EXPECT_EQ(parse_response("HTTX/1.1 101 OK\r\n\r\n", head).error, HeadError::bad_version);
    EXPECT_EQ(parse_response("HTTP/1.1 101 O\x01K\r\n\r\n", head).error, HeadError::bad_start_line);
}

TEST(HttpHead, TrimsOptionalWhitespaceAroundValues) {
    HttpRequestHead head;
    ASSERT_TRUE(parse_request("GET / HTTP/1.1\r\nA: \t value with  inner \t \r\nB:x\r\n"
                              "C:   \r\n\r\n",
                              head)
                    .complete());
    ASSERT_EQ(head.headers.size(), 3u);
    EXPECT_EQ(head.headers[0].value, "value with  inner");
    EXPECT_EQ(head.headers[1].value, "x");
    EXPECT_EQ(head.headers[2].value, "");
}

TEST(HttpHead, ReportsNeedMoreForEveryProperPrefix) {
    for (std::size_t n = 0; n < simple_request.size(); ++n) {
        HttpRequestHead head;
        const HeadParseResult r = parse_request(simple_request.substr(0, n), head);
        EXPECT_EQ(r.status, HeadParseStatus::need_more) << "prefix length " << n;
        EXPECT_EQ(r.consumed, 0u);
    }
}

TEST(HttpHead, CompletesWhenFedOneByteAtATime) {
    std::string buffer;
    HttpRequestHead head;
    HeadParseResult r;
    for (char c : simple_request) {
        ASSERT_FALSE(r.complete()) << "completed early at " << buffer.size();
        buffer.push_back(c);
        r = parse_request(buffer, head);
        ASSERT_NE(r.status, HeadParseStatus::error);
    }
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.consumed, simple_request.size());
    EXPECT_EQ(head.target, "/chat?x=1");
}

TEST(HttpHead, LeavesPipelinedBytesUnconsumed) {
    const std::string bytes = std::string(simple_request) + "\x81\x05hello GET / HTTP/1.1\r\n";
    HttpRequestHead head;
    const HeadParseResult r = parse_request(bytes, head);
    ASSERT_TRUE(r.complete());
    EXPECT_EQ(r.consumed, simple_request.size());
}

TEST(HttpHead, RejectsHeadLargerThanLimit) {
    std::string bytes = "GET / HTTP/1.1\r\n";
    // Few, long headers, so the byte limit and not the header-count limit is what trips.
    const std::string filler = "X-Filler: " + std::string(1000, 'a') + "\r\n";
    while (bytes.size() < 20000)
        bytes += filler;
    bytes += "\r\n";
    HttpRequestHead head;
    const HeadParseResult r = parse_request(bytes, head);
    EXPECT_EQ(r.status, HeadParseStatus::error);
    EXPECT_EQ(r.error, HeadError::head_too_large);
}

TEST(HttpHead, RejectsUnterminatedHeadOnceLimitReached) {
    // A single never-ending header line: need more until the limit, then an error.
    const HttpHeadLimits limits{64, 100};
    std::string bytes = "GET / HTTP/1.1\r\nX: ";
    HttpRequestHead head;
    while (bytes.size() < limits.max_head_bytes) {
        EXPECT_EQ(parse_request(bytes, head, limits).status, HeadParseStatus::need_more);
        bytes.push_back('a');
    }
    EXPECT_EQ(parse_request(bytes, head, limits).error, HeadError::head_too_large);
}

TEST(HttpHead, AcceptsHeadExactlyAtLimit) {
    const HttpHeadLimits limits{simple_request.size(), 100};
    HttpRequestHead head;
    EXPECT_TRUE(parse_request(simple_request, head, limits).complete());
    const HttpHeadLimits smaller{simple_request.size() - 1, 100};
    EXPECT_EQ(parse_request(simple_request, head, smaller).error, HeadError::head_too_large);
}

TEST(HttpHead, RejectsTooManyHeaders) {
    const HttpHeadLimits limits{16 * 1024, 3};
    HttpRequestHead head;
    EXPECT_TRUE(
        parse_request("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", head, limits).complete());
    EXPECT_EQ(
        parse_request("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", head, limits).error,
        HeadError::too_many_headers);
}

TEST(HttpHead, RejectsMalformedRequestLine) {
    EXPECT_EQ(request_error("GET /\r\n\r\n"), HeadError::bad_start_line);
    EXPECT_EQ(request_error("GET  / HTTP/1.1\r\n\r\n"), HeadError::bad_start_line);
    EXPECT_EQ(request_error("GET / extra HTTP/1.1\r\n\r\n"), HeadError::bad_version);
    EXPECT_EQ(request_error(" GET / HTTP/1.1\r\n\r\n"), HeadError::bad_start_line);
    EXPECT_EQ(request_error("G(T / HTTP/1.1\r\n\r\n"), HeadError::bad_start_line);
    EXPECT_EQ(request_error("\r\n\r\n"), HeadError::bad_start_line);
    EXPECT_EQ(request_error("GET / HTTP/11\r\n\r\n"), HeadError::bad_version);
    EXPECT_EQ(request_error("GET / http/1.1\r\n\r\n"), HeadError::bad_version);
    EXPECT_EQ(request_error("GET /\0 HTTP/1.1\r\n\r\n"s), HeadError::bad_start_line);
}

TEST(HttpHead, RejectsBadRequestLineBeforeHeadIsComplete) {
    HttpRequestHead head;
    EXPECT_EQ(parse_request("GET/ HTTP/1.1\r\nHost: a\r\n", head).status, HeadParseStatus::error);
}

TEST(HttpHead, RejectsBareLineFeed) {
    EXPECT_EQ(request_error("GET / HTTP/1.1\nHost: a\n\n"), HeadError::bad_line_terminator);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\n\r\n"), HeadError::bad_line_terminator);
}

TEST(HttpHead, RejectsBareCarriageReturn) {
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"),
              HeadError::bad_line_terminator);
}

TEST(HttpHead, RejectsObsFold) {
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nX: a\r\n  continued\r\n\r\n"), HeadError::obs_fold);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nX: a\r\n\tcontinued\r\n\r\n"), HeadError::obs_fold);
}

TEST(HttpHead, RejectsBadHeaderLines) {
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), HeadError::missing_colon);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\n: v\r\n\r\n"), HeadError::bad_header_name);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), HeadError::bad_header_name);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nBad Name: a\r\n\r\n"), HeadError::bad_header_name);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n"), HeadError::bad_header_value);
    EXPECT_EQ(request_error("GET / HTTP/1.1\r\nX: a\0\r\n\r\n"s), HeadError::bad_header_value);
}

TEST(HttpHead, AcceptsObsTextInHeaderValue) {
    HttpRequestHead head;
    EXPECT_TRUE(parse_request("GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n", head).complete());
    EXPECT_EQ(head.headers[0].value, "caf\xc3\xa9");
}

TEST(HttpHead, TerminatesOnArbitraryBytes) {
    // Deterministic pseudo-random heads built from a biased alphabet, so CR, LF, ':' and
    // spaces are frequent. Every call must return one of the three statuses, and a complete
    // head never claims more bytes than it was given.
    std::uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1664525u + 1013904223u;  // Numerical Recipes LCG
        return state >> 16;
    };
    constexpr std::string_view alphabet = "\r\n\r\n: \tGET/HTTP1.aZ\x00\x7f\xff";
    for (int round = 0; round < 2000; ++round) {
        std::string bytes = round % 2 == 0 ? "GET / HTTP/1.1\r\n" : "HTTP/1.1 101 OK\r\n";
        const std::size_t extra = next() % 64;
        for (std::size_t i = 0; i < extra; ++i)
            bytes.push_back(alphabet[next() % alphabet.size()]);
        HttpRequestHead request;
        HttpResponseHead response;
        const HeadParseResult a = parse_request(bytes, request);
        const HeadParseResult b = parse_response(bytes, response);
        EXPECT_LE(a.consumed, bytes.size());
        EXPECT_LE(b.consumed, bytes.size());
        EXPECT_EQ(a.status == HeadParseStatus::error, !a.reason.empty());
        EXPECT_EQ(b.status == HeadParseStatus::error, !b.reason.empty());
    }
}

TEST(HttpHead, FindsHeadersCaseInsensitively) {
    HttpRequestHead head;
    ASSERT_TRUE(
        parse_request("GET / HTTP/1.1\r\nsec-websocket-KEY: k\r\nX: 1\r\nx: 2\r\n\r\n", head)
            .complete());
    const HttpHeader* h = find_header(head.headers, "Sec-WebSocket-Key");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->value, "k");
    EXPECT_EQ(count_header(head.headers, "X"), 2u);
    EXPECT_EQ(count_header(head.headers, "Missing"), 0u);
    EXPECT_EQ(find_header(head.headers, "Missing"), nullptr);
}

TEST(HttpHead, SplitsCommaListsIgnoringEmptyElements) {
    const auto elements = split_header_list(" a ,, b\t,c , ,");
    ASSERT_EQ(elements.size(), 3u);
    EXPECT_EQ(elements[0], "a");
    EXPECT_EQ(elements[1], "b");
    EXPECT_EQ(elements[2], "c");
    EXPECT_TRUE(split_header_list(" , ,").empty());
    EXPECT_TRUE(split_header_list("").empty());
}

TEST(HttpHead, KeepsCommasInsideQuotedStrings) {
    const auto elements = split_header_list(R"(foo; x="a,b", bar; y="q\"," , baz)");
    ASSERT_EQ(elements.size(), 3u);
    EXPECT_EQ(elements[0], R"(foo; x="a,b")");
    EXPECT_EQ(elements[1], R"(bar; y="q\",")");
    EXPECT_EQ(elements[2], "baz");
    // An unterminated quote or trailing backslash must not lose the element.
    ASSERT_EQ(split_header_list(R"(a, "b\)").size(), 2u);
}

TEST(HttpHead, EscapedBackslashEndsTheQuotedString) {
    // "a\\" is a quoted-string holding a\ (RFC 7230 3.2.6 quoted-pair): its closing
    // quote is real, so the comma after it splits.
    const auto elements = split_header_list(R"(x="a\\", y="\"", z)");
    ASSERT_EQ(elements.size(), 3u);
    EXPECT_EQ(elements[0], R"(x="a\\")");
    EXPECT_EQ(elements[1], R"(y="\"")");
    EXPECT_EQ(elements[2], "z");
}

TEST(HttpHead, QuotesPeerValuesCutToABoundedExcerpt) {
    EXPECT_EQ(quoted_excerpt("websocket"), "\"websocket\"");
    EXPECT_EQ(quoted_excerpt(""), "\"\"");
    const std::string at_limit(max_quoted_excerpt, 'a');
    EXPECT_EQ(quoted_excerpt(at_limit), "\"" + at_limit + "\"");
    EXPECT_EQ(quoted_excerpt(at_limit + "bc"), "\"" + at_limit + "...\"");
}

TEST(HttpHead, CombinesListAcrossRepeatedHeaders) {
    const HttpHeaders headers = {
        {"Connection", "keep-alive"}, {"Other", "upgrade"}, {"connection", " , Upgrade"}};
    EXPECT_TRUE(header_has_token(headers, "Connection", "upgrade"));
    EXPECT_TRUE(header_has_token(headers, "CONNECTION", "KEEP-ALIVE"));
    EXPECT_FALSE(header_has_token(headers, "Connection", "close"));
    const auto elements = header_list_elements(headers, "Connection");
    ASSERT_EQ(elements.size(), 2u);
    EXPECT_EQ(elements[1], "Upgrade");
}

TEST(HttpHead, TokenMatchIsWholeElementOnly) {
    const HttpHeaders headers = {{"Upgrade", "websocketx, xwebsocket, web socket"}};
    EXPECT_FALSE(header_has_token(headers, "Upgrade", "websocket"));
}

TEST(HttpHead, IequalsComparesAsciiCaseInsensitively) {
    EXPECT_TRUE(iequals("Sec-WebSocket-Key", "SEC-WEBSOCKET-KEY"));
    EXPECT_FALSE(iequals("abc", "abcd"));
    EXPECT_FALSE(iequals("a-b", "a_b"));
}

}  // namespace
}  // namespace wsspec::codec
