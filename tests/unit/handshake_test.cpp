// Opening handshake: accept key, request building and validation (server side), response
// building and validation (client side). RFC 6455 sections 1.3, 4.1, 4.2, 4.4.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/codec/accept_key.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/http_head.h"

namespace wsspec::codec {
namespace {

// RFC 6455 1.3 / 4.2.2: the worked example. SHA-1 of key + GUID is
// b37a4f2cc0624f1690f64606cf385945b2bec4ea (RFC 6455 1.3), whose base64 is below.
// (A circulating typo, "...zzhZxOo+s0o=", is not the RFC's value.)
constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view rfc_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

KeyNonce nonce_from(std::string_view sixteen_bytes) {
    KeyNonce nonce{};
    for (std::size_t i = 0; i < nonce.size(); ++i) {
        nonce[i] = static_cast<std::uint8_t>(sixteen_bytes[i]);
    }
    return nonce;
}

// ---- accept key ----------------------------------------------------------------------------

TEST(AcceptKey, ComputesRfcExampleAcceptValue) {
    EXPECT_EQ(compute_accept_key(rfc_key), rfc_accept);
    EXPECT_EQ(compute_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(AcceptKey, ComputesIndependentlyPublishedAcceptValues) {
    // Values computed outside wsspec (base64 of SHA-1 of key + GUID, RFC 6455 4.2.2 5.4):
    // the Wikipedia handshake example, and two keys made for this test.
    EXPECT_EQ(compute_accept_key("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
    EXPECT_EQ(compute_accept_key("AAAAAAAAAAAAAAAAAAAAAA=="), "ICX+Yqv66kxgM0FcWaLWlFLwTAI=");
    EXPECT_EQ(compute_accept_key("MDEyMzQ1Njc4OWFiY2RlZg=="), "BACScCJPNqyz+UBoqMH89VmURoA=");
    // The key is used verbatim: a leading space changes the digest.
    EXPECT_EQ(compute_accept_key(" dGhlIHNhbXBsZSBub25jZQ=="), "s3mCG3XUBfFRrUGpYOBQiHm5i8g=");
}

TEST(AcceptKey, MakesKeyFromCallerNonce) {
    // RFC 6455 4.1: "the sample nonce" base64-encodes to the example key.
    EXPECT_EQ(make_key(nonce_from("the sample nonce")), rfc_key);
}

TEST(AcceptKey, DecodesKeyBackToNonce) {
    KeyNonce nonce{};
    for (std::size_t i = 0; i < nonce.size(); ++i)
        nonce[i] = static_cast<std::uint8_t>(i * 17);
    const std::string key = make_key(nonce);
    EXPECT_EQ(key, "ABEiM0RVZneImaq7zN3u/w==");  // base64 of 00 11 22 ... FF
    EXPECT_EQ(key.size(), encoded_key_size);
    const auto decoded = decode_key(key);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, nonce);
    EXPECT_EQ(decode_key(rfc_key), nonce_from("the sample nonce"));
}

TEST(AcceptKey, AcceptsAllBase64AlphabetCharacters) {
    EXPECT_TRUE(is_valid_key("+/+/+/+/+/+/+/+/+/+/+w=="));
    EXPECT_TRUE(is_valid_key("AAAAAAAAAAAAAAAAAAAAAA=="));
}

TEST(AcceptKey, RejectsKeysThatAreNotBase64Of16Bytes) {
    EXPECT_FALSE(is_valid_key(""));
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ"));     // padding missing
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ="));    // 23 chars
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ=A"));   // bad padding
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZR=="));   // non-zero pad bits
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZXg="));   // 17 bytes
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZXh5"));   // 18 bytes
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25j"));       // 15 bytes
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25-ZQ=="));   // URL-safe alphabet
    EXPECT_FALSE(is_valid_key(" dGhlIHNhbXBsZSBub25jZQ=="));  // whitespace
    EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ==dGhl"));
}

// ---- server side: validating requests --------------------------------------------------------

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

HeaderPairs valid_headers() {
    return {{"Host", "server.example.com"},   {"Upgrade", "websocket"},
            {"Connection", "Upgrade"},        {"Sec-WebSocket-Key", std::string(rfc_key)},
            {"Origin", "http://example.com"}, {"Sec-WebSocket-Protocol", "chat, superchat"},
            {"Sec-WebSocket-Version", "13"}};
}

HeaderPairs without(HeaderPairs headers, std::string_view name) {
    std::erase_if(headers, [name](const auto& h) { return iequals(h.first, name); });
    return headers;
}

HeaderPairs with(HeaderPairs headers, std::string_view name, std::string value) {
    headers = without(std::move(headers), name);
    headers.emplace_back(name, std::move(value));
    return headers;
}

HeaderPairs plus(HeaderPairs headers, std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return headers;
}

std::string request_bytes(const HeaderPairs& headers,
                          std::string_view request_line = "GET /chat HTTP/1.1") {
    std::string out(request_line);
    out += "\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

HttpRequestHead parse_request(std::string_view bytes) {
    HttpRequestHead head;
    const HeadParseResult r = parse_request_head(bytes.data(), bytes.size(), head);
    EXPECT_TRUE(r.complete()) << r.reason << "\n" << bytes;
    EXPECT_EQ(r.consumed, bytes.size());
    return head;
}

RequestValidation validate(const HeaderPairs& headers,
                           std::string_view request_line = "GET /chat HTTP/1.1") {
    return validate_request(parse_request(request_bytes(headers, request_line)));
}

void expect_rejected(const RequestValidation& v, RequestRejectKind kind, int status) {
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.rejection.kind, kind)
        << request_reject_kind_name(v.rejection.kind) << ": " << v.rejection.reason;
    EXPECT_EQ(v.rejection.http_status, status);
    EXPECT_FALSE(v.rejection.rfc_section.empty());
    EXPECT_FALSE(v.rejection.requirement.empty());
    EXPECT_FALSE(v.rejection.reason.empty());
}

TEST(HandshakeRequest, AcceptsRfcExampleRequest) {
    const RequestValidation v = validate(valid_headers());
    ASSERT_TRUE(v.ok()) << v.rejection.reason;
    EXPECT_EQ(v.request.key, rfc_key);
    EXPECT_EQ(v.request.version, HandshakeVersion::rfc6455);
    EXPECT_EQ(v.request.origin, "http://example.com");
    EXPECT_EQ(v.request.subprotocols, (std::vector<std::string>{"chat", "superchat"}));
    EXPECT_TRUE(v.request.extensions.empty());
    EXPECT_EQ(v.request.host, "server.example.com");
    EXPECT_EQ(v.request.target, "/chat");
}

TEST(HandshakeRequest, RejectsNonGetMethod) {
    expect_rejected(validate(valid_headers(), "POST /chat HTTP/1.1"),
                    RequestRejectKind::method_not_get, http_status::bad_request);
    // Methods are case-sensitive (RFC 7230 3.1.1).
    expect_rejected(validate(valid_headers(), "get /chat HTTP/1.1"),
                    RequestRejectKind::method_not_get, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsHttp10) {
    expect_rejected(validate(valid_headers(), "GET /chat HTTP/1.0"),
                    RequestRejectKind::http_version_too_old, http_status::bad_request);
}

TEST(HandshakeRequest, AcceptsHttpVersionAbove11) {
    EXPECT_TRUE(validate(valid_headers(), "GET /chat HTTP/1.2").ok());
}

// RFC 6455 4.1 / RFC 7230 3.3: a body behind the handshake would be read as frames.
TEST(HandshakeRequest, RejectsContentLengthBody) {
    expect_rejected(validate(plus(valid_headers(), "Content-Length", "5")),
                    RequestRejectKind::request_has_body, http_status::bad_request);
    expect_rejected(
        validate(plus(plus(valid_headers(), "Content-Length", "0"), "content-length", "12")),
        RequestRejectKind::request_has_body, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsTransferEncoding) {
    expect_rejected(validate(plus(valid_headers(), "Transfer-Encoding", "chunked")),
                    RequestRejectKind::request_has_body, http_status::bad_request);
    expect_rejected(validate(plus(valid_headers(), "transfer-encoding", "identity")),
                    RequestRejectKind::request_has_body, http_status::bad_request);
}

TEST(HandshakeRequest, AcceptsContentLengthZero) {
    EXPECT_TRUE(validate(plus(valid_headers(), "Content-Length", "0")).ok());
}

TEST(HandshakeResponseBuild, MalformedRequestBodyNamesTheSection) {
    const std::string bytes =
        build_reject_response(malformed_request_rejection("obs-fold in a header"));
    EXPECT_NE(bytes.find("(RFC 6455 4.2.1): obs-fold in a header"), std::string::npos) << bytes;
    RequestRejection without_section;
    without_section.kind = RequestRejectKind::malformed_request;
    without_section.reason = "garbage";
    const std::string plain = build_reject_response(without_section);
    EXPECT_EQ(plain.find("RFC 6455 )"), std::string::npos) << plain;
    EXPECT_NE(plain.find("rejected: garbage"), std::string::npos) << plain;
}

TEST(HandshakeRequest, RejectsMissingHost) {
    expect_rejected(validate(without(valid_headers(), "Host")), RequestRejectKind::missing_host,
                    http_status::bad_request);
}

TEST(HandshakeRequest, RejectsDuplicateHost) {
    expect_rejected(validate(plus(valid_headers(), "host", "other.example.com")),
                    RequestRejectKind::duplicate_host, http_status::bad_request);
}

TEST(HandshakeRequest, AcceptsHostForms) {
    // RFC 7230 5.4 / RFC 3986 3.2.2: reg-name, IPv4, IP-literal, each with an optional port.
    for (const char* host : {"server.example.com", "Server-1.example.com:9001", "127.0.0.1:80",
                             "[::1]", "[2001:DB8::a]:443", "xn--caf-dma.example", "a_b~c%41"}) {
        EXPECT_TRUE(validate(with(valid_headers(), "Host", host)).ok()) << host;
    }
}

TEST(HandshakeRequest, RejectsHostWithCharactersOutsideItsAsciiGrammar) {
    // Bytes above 0x7F are never ALPHA, DIGIT or HEXDIG (RFC 5234 B.1), whatever the C
    // locale's isalnum() would say; a host is punycode on the wire, not raw UTF-8.
    for (const char* host : {"caf\xC3\xA9.example", "caf\xE9.example", "example.com:8\xD9\xA0",
                             "[::1\xE9]", "[::g]", "example.com:8o", "a b", "a/b", "user@host"}) {
        expect_rejected(validate(with(valid_headers(), "Host", host)),
                        RequestRejectKind::invalid_host, http_status::bad_request);
    }
}

TEST(HandshakeRequest, RejectsMissingUpgrade) {
    expect_rejected(validate(without(valid_headers(), "Upgrade")),
                    RequestRejectKind::missing_upgrade_websocket, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsUpgradeWithoutWebsocketToken) {
    expect_rejected(validate(with(valid_headers(), "Upgrade", "h2c")),
                    RequestRejectKind::missing_upgrade_websocket, http_status::bad_request);
}

TEST(HandshakeRequest, AcceptsUpgradeTokenInAnyCaseAndInList) {
    EXPECT_TRUE(validate(with(valid_headers(), "Upgrade", "WebSocket")).ok());
    EXPECT_TRUE(validate(with(valid_headers(), "Upgrade", "foo/2, websocket")).ok());
}

TEST(HandshakeRequest, RejectsMissingConnection) {
    expect_rejected(validate(without(valid_headers(), "Connection")),
                    RequestRejectKind::missing_connection_upgrade, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsConnectionWithoutUpgradeToken) {
    expect_rejected(validate(with(valid_headers(), "Connection", "keep-alive")),
                    RequestRejectKind::missing_connection_upgrade, http_status::bad_request);
    expect_rejected(validate(with(valid_headers(), "Connection", "keep-alive upgrade")),
                    RequestRejectKind::missing_connection_upgrade, http_status::bad_request);
}

TEST(HandshakeRequest, AcceptsConnectionTokenListContainingUpgrade) {
    EXPECT_TRUE(validate(with(valid_headers(), "Connection", "keep-alive, Upgrade")).ok());
    EXPECT_TRUE(validate(with(valid_headers(), "Connection", "UPGRADE")).ok());
    // Two Connection fields form one list (RFC 7230 3.2.2).
    EXPECT_TRUE(
        validate(plus(with(valid_headers(), "Connection", "keep-alive"), "Connection", "upgrade"))
            .ok());
}

TEST(HandshakeRequest, RejectsMissingKey) {
    expect_rejected(validate(without(valid_headers(), "Sec-WebSocket-Key")),
                    RequestRejectKind::missing_key, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsDuplicateKey) {
    expect_rejected(
        validate(plus(valid_headers(), "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")),
        RequestRejectKind::duplicate_key, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsKeyThatIsNotBase64Of16Bytes) {
    expect_rejected(validate(with(valid_headers(), "Sec-WebSocket-Key", "not-a-key")),
                    RequestRejectKind::invalid_key, http_status::bad_request);
    expect_rejected(
        validate(with(valid_headers(), "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZXg=")),
        RequestRejectKind::invalid_key, http_status::bad_request);
    expect_rejected(validate(with(valid_headers(), "Sec-WebSocket-Key", "")),
                    RequestRejectKind::invalid_key, http_status::bad_request);
}

TEST(HandshakeRequest, RejectsMissingVersionWith426) {
    expect_rejected(validate(without(valid_headers(), "Sec-WebSocket-Version")),
                    RequestRejectKind::missing_version, http_status::upgrade_required);
}

TEST(HandshakeRequest, RejectsUnsupportedVersionWith426) {
    for (const char* version : {"7", "12", "14", "0", "013", "13, 8", "thirteen", ""}) {
        SCOPED_TRACE(version);
        const RequestValidation v =
            validate(with(valid_headers(), "Sec-WebSocket-Version", version));
        expect_rejected(v, RequestRejectKind::unsupported_version, http_status::upgrade_required);
    }
}

TEST(HandshakeRequest, RejectsDuplicateVersionWith400) {
    expect_rejected(validate(plus(valid_headers(), "Sec-WebSocket-Version", "13")),
                    RequestRejectKind::duplicate_version, http_status::bad_request);
}

TEST(HandshakeRequest, ChecksVersionBeforeKey) {
    // A hixie-76 style request (Sec-WebSocket-Key1/Key2, no version) should learn which
    // versions we speak rather than be told its key is missing.
    HeaderPairs old_style =
        without(without(valid_headers(), "Sec-WebSocket-Key"), "Sec-WebSocket-Version");
    old_style.emplace_back("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5");
    expect_rejected(validate(old_style), RequestRejectKind::missing_version,
                    http_status::upgrade_required);
}

TEST(HandshakeRequest, AcceptsHeaderNamesInAnyCase) {
    HeaderPairs lower;
    for (auto [name, value] : valid_headers()) {
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        lower.emplace_back(name, value);
    }
    const RequestValidation v = validate(lower);
    ASSERT_TRUE(v.ok()) << v.rejection.reason;
    EXPECT_EQ(v.request.subprotocols.size(), 2u);
}

TEST(HandshakeRequest, TrimsWhitespaceAroundHandshakeValues) {
    HeaderPairs headers =
        with(valid_headers(), "Sec-WebSocket-Key", "\t " + std::string(rfc_key) + " \t");
    headers = with(std::move(headers), "Sec-WebSocket-Version", "  13\t");
    const RequestValidation v = validate(headers);
    ASSERT_TRUE(v.ok()) << v.rejection.reason;
    EXPECT_EQ(v.request.key, rfc_key);
}

TEST(HandshakeRequest, CollectsOffersAcrossRepeatedHeaders) {
    HeaderPairs headers = plus(valid_headers(), "Sec-WebSocket-Protocol", " , v2.bookings ,");
    headers.emplace_back("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
    headers.emplace_back("sec-websocket-extensions", "x-foo; note=\"a,b\", x-bar");
    const RequestValidation v = validate(headers);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.request.subprotocols,
              (std::vector<std::string>{"chat", "superchat", "v2.bookings"}));
    EXPECT_EQ(v.request.extensions,
              (std::vector<std::string>{"permessage-deflate; client_max_window_bits",
                                        "x-foo; note=\"a,b\"", "x-bar"}));
}

TEST(HandshakeRequest, AcceptsHybi10Version8Request) {
    ClientRequestOptions options;
    options.host = "localhost:9001";
    options.key = make_key(nonce_from("0123456789abcdef"));
    options.version = HandshakeVersion::hybi10;
    options.origin = "http://localhost";
    const std::string bytes = build_client_request(options);
    EXPECT_NE(bytes.find("Sec-WebSocket-Version: 8\r\n"), std::string::npos);
    EXPECT_NE(bytes.find("Sec-WebSocket-Origin: http://localhost\r\n"), std::string::npos);
    EXPECT_EQ(bytes.find("\r\nOrigin:"), std::string::npos);

    const RequestValidation v = validate_request(parse_request(bytes));
    ASSERT_TRUE(v.ok()) << v.rejection.reason;
    EXPECT_EQ(v.request.version, HandshakeVersion::hybi10);
    EXPECT_EQ(v.request.origin, "http://localhost");

    const BuiltResponse response = build_accept_response(v.request);
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(options.key, "MDEyMzQ1Njc4OWFiY2RlZg==");  // base64("0123456789abcdef")
    EXPECT_NE(response.bytes.find("\r\nSec-WebSocket-Accept: BACScCJPNqyz+UBoqMH89VmURoA=\r\n"),
              std::string::npos)
        << response.bytes;
    HttpResponseHead head;
    ASSERT_TRUE(parse_response_head(response.bytes.data(), response.bytes.size(), head).complete());
    EXPECT_TRUE(validate_response(head, options).ok());
}

TEST(HandshakeRequest, BuildsVersion13RequestInRfcForm) {
    ClientRequestOptions options;
    options.host = "server.example.com";
    options.target = "/chat";
    options.key = std::string(rfc_key);
    options.origin = "http://example.com";
    options.subprotocols = {"chat", "superchat"};
    options.extensions = {"permessage-deflate; client_max_window_bits", "x-webkit"};
    options.extra_headers = {{"User-Agent", "wsspec"}};
    EXPECT_EQ(build_client_request(options),
              "GET /chat HTTP/1.1\r\n"
              "Host: server.example.com\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Origin: http://example.com\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Sec-WebSocket-Protocol: chat, superchat\r\n"
              "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit\r\n"
              "User-Agent: wsspec\r\n"
              "\r\n");
}

TEST(HandshakeRequest, BuiltRequestParsesAndValidates) {
    ClientRequestOptions options;
    options.host = "127.0.0.1:9001";
    options.target = "/runCase?case=1&agent=x";
    options.key = make_key(nonce_from("ABCDEFGHIJKLMNOP"));
    options.subprotocols = {"a", "b"};
    options.extensions = {"permessage-deflate"};
    const RequestValidation v = validate_request(parse_request(build_client_request(options)));
    ASSERT_TRUE(v.ok()) << v.rejection.reason;
    EXPECT_EQ(v.request.key, options.key);
    EXPECT_EQ(v.request.host, options.host);
    EXPECT_EQ(v.request.target, options.target);
    EXPECT_EQ(v.request.subprotocols, options.subprotocols);
    EXPECT_EQ(v.request.extensions, options.extensions);
    EXPECT_FALSE(v.request.origin.has_value());
}

// ---- server side: building responses -------------------------------------------------------

HttpResponseHead parse_response(std::string_view bytes, std::size_t* consumed = nullptr) {
    HttpResponseHead head;
    const HeadParseResult r = parse_response_head(bytes.data(), bytes.size(), head);
    EXPECT_TRUE(r.complete()) << r.reason << "\n" << bytes;
    if (consumed) *consumed = r.consumed;
    return head;
}

TEST(HandshakeResponseBuild, BuildsRfcExample101) {
    const RequestValidation v = validate(valid_headers());
    ASSERT_TRUE(v.ok());
    ServerAcceptOptions options;
    options.subprotocol = "chat";
    const BuiltResponse r = build_accept_response(v.request, options);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.bytes,
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: chat\r\n"
              "\r\n");
}

TEST(HandshakeResponseBuild, SendsNoExtensionsUnlessAccepted) {
    HeaderPairs headers = plus(valid_headers(), "Sec-WebSocket-Extensions", "permessage-deflate");
    const RequestValidation v = validate(headers);
    ASSERT_TRUE(v.ok());
    const BuiltResponse plain = build_accept_response(v.request);
    EXPECT_EQ(plain.bytes.find("Sec-WebSocket-Extensions"), std::string::npos);
    EXPECT_EQ(plain.bytes.find("Sec-WebSocket-Protocol"), std::string::npos);

    ServerAcceptOptions options;
    options.extensions = {"permessage-deflate"};
    const BuiltResponse with_ext = build_accept_response(v.request, options);
    EXPECT_NE(with_ext.bytes.find("Sec-WebSocket-Extensions: permessage-deflate\r\n"),
              std::string::npos);
}

TEST(HandshakeResponseBuild, RefusesSubprotocolTheClientDidNotOffer) {
    const RequestValidation v = validate(valid_headers());
    ServerAcceptOptions options;
    options.subprotocol = "mqtt";
    const BuiltResponse r = build_accept_response(v.request, options);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.bytes.empty());
}

TEST(HandshakeResponseBuild, Builds426WithSupportedVersions) {
    const RequestValidation v = validate(with(valid_headers(), "Sec-WebSocket-Version", "7"));
    ASSERT_FALSE(v.ok());
    const std::string bytes = build_reject_response(v.rejection);
    std::size_t consumed = 0;
    const HttpResponseHead head = parse_response(bytes, &consumed);
    EXPECT_EQ(head.status, 426);
    EXPECT_EQ(head.reason, "Upgrade Required");
    const HttpHeader* version = find_header(head.headers, "sec-websocket-version");
    ASSERT_NE(version, nullptr);
    EXPECT_EQ(version->value, "13, 8");
    EXPECT_TRUE(header_has_token(head.headers, "Connection", "close"));
    const HttpHeader* length = find_header(head.headers, "Content-Length");
    ASSERT_NE(length, nullptr);
    EXPECT_EQ(std::stoul(length->value), bytes.size() - consumed);
}

TEST(HandshakeResponseBuild, Builds400WithoutVersionHeader) {
    const RequestValidation v = validate(without(valid_headers(), "Host"));
    ASSERT_FALSE(v.ok());
    const std::string bytes = build_reject_response(v.rejection);
    std::size_t consumed = 0;
    const HttpResponseHead head = parse_response(bytes, &consumed);
    EXPECT_EQ(head.status, 400);
    EXPECT_EQ(head.reason, "Bad Request");
    EXPECT_EQ(find_header(head.headers, "Sec-WebSocket-Version"), nullptr);
    EXPECT_TRUE(header_has_token(head.headers, "Connection", "close"));
    EXPECT_EQ(std::stoul(find_header(head.headers, "Content-Length")->value),
              bytes.size() - consumed);
    EXPECT_NE(bytes.find(v.rejection.reason), std::string::npos);
}

// ---- client side: validating responses ----------------------------------------------------

ClientRequestOptions rfc_request() {
    ClientRequestOptions options;
    options.host = "server.example.com";
    options.target = "/chat";
    options.key = std::string(rfc_key);
    options.subprotocols = {"chat", "superchat"};
    return options;
}

std::string response_bytes(const HeaderPairs& headers,
                           std::string_view status_line = "HTTP/1.1 101 Switching Protocols") {
    std::string out(status_line);
    out += "\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

HeaderPairs valid_response_headers() {
    return {{"Upgrade", "websocket"},
            {"Connection", "Upgrade"},
            {"Sec-WebSocket-Accept", std::string(rfc_accept)},
            {"Sec-WebSocket-Protocol", "chat"}};
}

ResponseValidation check(const HeaderPairs& headers,
                         const ClientRequestOptions& sent = rfc_request(),
                         std::string_view status_line = "HTTP/1.1 101 Switching Protocols") {
    return validate_response(parse_response(response_bytes(headers, status_line)), sent);
}

void expect_failed(const ResponseValidation& v, ResponseErrorKind kind,
                   std::string_view section = "4.1") {
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.error.kind, kind) << response_error_kind_name(v.error.kind) << ": "
                                  << v.error.reason;
    EXPECT_EQ(v.error.rfc_section, section);
    EXPECT_FALSE(v.error.requirement.empty());
    EXPECT_FALSE(v.error.reason.empty());
}

TEST(HandshakeResponse, AcceptsRfcExampleResponse) {
    const ResponseValidation v = check(plus(valid_response_headers(), "Server", "example/1.0"));
    ASSERT_TRUE(v.ok()) << v.error.reason;
    EXPECT_EQ(v.accepted.subprotocol, "chat");
    EXPECT_TRUE(v.accepted.extensions.empty());
    EXPECT_EQ(v.accepted.server, "example/1.0");
}

TEST(HandshakeResponse, RejectsStatusOtherThan101) {
    expect_failed(check(valid_response_headers(), rfc_request(), "HTTP/1.1 200 OK"),
                  ResponseErrorKind::status_not_101);
    expect_failed(check(valid_response_headers(), rfc_request(), "HTTP/1.1 426 Upgrade Required"),
                  ResponseErrorKind::status_not_101);
}

TEST(HandshakeResponse, RejectsMissingUpgrade) {
    expect_failed(check(without(valid_response_headers(), "Upgrade")),
                  ResponseErrorKind::missing_upgrade_websocket);
    expect_failed(check(with(valid_response_headers(), "Upgrade", "h2c")),
                  ResponseErrorKind::missing_upgrade_websocket);
}

TEST(HandshakeResponse, RejectsMissingConnectionUpgrade) {
    expect_failed(check(without(valid_response_headers(), "Connection")),
                  ResponseErrorKind::missing_connection_upgrade);
    expect_failed(check(with(valid_response_headers(), "Connection", "close")),
                  ResponseErrorKind::missing_connection_upgrade);
}

TEST(HandshakeResponse, AcceptsHeaderNamesAndTokensInAnyCase) {
    const HeaderPairs headers = {{"UPGRADE", "WebSocket"},
                                 {"connection", "keep-alive, upgrade"},
                                 {"sec-websocket-accept", std::string(rfc_accept)}};
    EXPECT_TRUE(check(headers).ok());
}

TEST(HandshakeResponse, RejectsMissingAccept) {
    expect_failed(check(without(valid_response_headers(), "Sec-WebSocket-Accept")),
                  ResponseErrorKind::missing_accept);
}

TEST(HandshakeResponse, RejectsWrongAccept) {
    // base64 is case-sensitive: a case-folded value is wrong.
    expect_failed(check(with(valid_response_headers(), "Sec-WebSocket-Accept",
                             "S3PPLMBITXAQ9KYGZZHZRBK+XOO=")),
                  ResponseErrorKind::wrong_accept);
    // The accept value of the key itself, without the GUID.
    expect_failed(
        check(with(valid_response_headers(), "Sec-WebSocket-Accept", std::string(rfc_key))),
        ResponseErrorKind::wrong_accept);
}

TEST(HandshakeResponse, RejectsDuplicateAccept) {
    expect_failed(
        check(plus(valid_response_headers(), "Sec-WebSocket-Accept", std::string(rfc_accept))),
        ResponseErrorKind::duplicate_accept, "4.2.2");
}

TEST(HandshakeResponse, RejectsSubprotocolWhenNoneOffered) {
    ClientRequestOptions sent = rfc_request();
    sent.subprotocols.clear();
    expect_failed(check(valid_response_headers(), sent),
                  ResponseErrorKind::subprotocol_not_offered);
    EXPECT_TRUE(check(without(valid_response_headers(), "Sec-WebSocket-Protocol"), sent).ok());
}

TEST(HandshakeResponse, RejectsSubprotocolNotOffered) {
    expect_failed(check(with(valid_response_headers(), "Sec-WebSocket-Protocol", "mqtt")),
                  ResponseErrorKind::subprotocol_not_offered);
}

TEST(HandshakeResponse, RejectsMoreThanOneSubprotocol) {
    expect_failed(
        check(with(valid_response_headers(), "Sec-WebSocket-Protocol", "chat, superchat")),
        ResponseErrorKind::multiple_subprotocols, "4.2.2");
}

TEST(HandshakeResponse, RejectsExtensionNotOffered) {
    expect_failed(
        check(plus(valid_response_headers(), "Sec-WebSocket-Extensions", "permessage-deflate")),
        ResponseErrorKind::extension_not_offered);
    ClientRequestOptions sent = rfc_request();
    sent.extensions = {"permessage-deflate"};
    expect_failed(check(plus(valid_response_headers(), "Sec-WebSocket-Extensions",
                             "permessage-deflate, x-unknown"),
                        sent),
                  ResponseErrorKind::extension_not_offered);
}

TEST(HandshakeResponse, AcceptsOfferedExtensionByName) {
    ClientRequestOptions sent = rfc_request();
    sent.extensions = {"permessage-deflate; client_max_window_bits", "x-other"};
    const ResponseValidation v = check(plus(valid_response_headers(), "Sec-WebSocket-Extensions",
                                            "Permessage-Deflate ; server_no_context_takeover"),
                                       sent);
    ASSERT_TRUE(v.ok()) << v.error.reason;
    EXPECT_EQ(v.accepted.extensions,
              (std::vector<std::string>{"Permessage-Deflate ; server_no_context_takeover"}));
}

TEST(HandshakeResponse, RoundTripBuiltResponseValidatesOnClient) {
    ClientRequestOptions sent;
    sent.host = "localhost:9001";
    sent.key = make_key(nonce_from("fedcba9876543210"));
    sent.subprotocols = {"one", "two"};
    sent.extensions = {"permessage-deflate; client_max_window_bits"};

    const RequestValidation request = validate_request(parse_request(build_client_request(sent)));
    ASSERT_TRUE(request.ok()) << request.rejection.reason;

    ServerAcceptOptions accept;
    accept.subprotocol = "two";
    accept.extensions = {"permessage-deflate"};
    accept.extra_headers = {{"Server", "wsspec-test"}};
    const BuiltResponse built = build_accept_response(request.request, accept);
    ASSERT_TRUE(built.ok()) << built.error;

    // A first frame arriving in the same read stays unconsumed.
    const std::string wire = built.bytes + "\x81\x02hi";
    std::size_t consumed = 0;
    const HttpResponseHead head = parse_response(wire, &consumed);
    EXPECT_EQ(consumed, built.bytes.size());

    const ResponseValidation v = validate_response(head, sent);
    ASSERT_TRUE(v.ok()) << v.error.reason;
    EXPECT_EQ(v.accepted.subprotocol, "two");
    EXPECT_EQ(v.accepted.extensions, (std::vector<std::string>{"permessage-deflate"}));
    EXPECT_EQ(v.accepted.server, "wsspec-test");
}

TEST(HandshakeResponse, RejectsResponseToADifferentKey) {
    ClientRequestOptions sent = rfc_request();
    sent.key = make_key(nonce_from("another nonce!!!"));
    expect_failed(check(valid_response_headers(), sent), ResponseErrorKind::wrong_accept);
}

}  // namespace
}  // namespace wsspec::codec
