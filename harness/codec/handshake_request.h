// The client's opening handshake (RFC 6455 4.1) and the server's judgement of it (4.2.1,
// 4.2.2), for version 13 (RFC 6455) and version 8 (draft-ietf-hybi-thewebsocketprotocol-10,
// which differs only in the version number and in sending Sec-WebSocket-Origin).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/codec/http_head.h"

namespace wsspec::codec {

// Header names of the handshake (RFC 6455 11.3, RFC 7230 5.4 / 6.1 / 6.7).
namespace header_name {
constexpr std::string_view host = "Host";
constexpr std::string_view upgrade = "Upgrade";
constexpr std::string_view connection = "Connection";
constexpr std::string_view origin = "Origin";
constexpr std::string_view server = "Server";
constexpr std::string_view content_length = "Content-Length";
constexpr std::string_view transfer_encoding = "Transfer-Encoding";
constexpr std::string_view sec_websocket_key = "Sec-WebSocket-Key";
constexpr std::string_view sec_websocket_accept = "Sec-WebSocket-Accept";
constexpr std::string_view sec_websocket_version = "Sec-WebSocket-Version";
constexpr std::string_view sec_websocket_protocol = "Sec-WebSocket-Protocol";
constexpr std::string_view sec_websocket_extensions = "Sec-WebSocket-Extensions";
constexpr std::string_view sec_websocket_origin = "Sec-WebSocket-Origin";  // hybi-10 only
}  // namespace header_name

// RFC 6455 4.1 item 3 / 4.2.1 items 3-4: the tokens the Upgrade and Connection lists carry.
constexpr std::string_view upgrade_token = "websocket";
constexpr std::string_view connection_token = "upgrade";
// RFC 6455 4.4: what a server lists in Sec-WebSocket-Version when it rejects a version.
constexpr std::string_view supported_versions_value = "13, 8";

enum class HandshakeVersion : std::uint8_t {
    hybi10 = 8,    // draft-ietf-hybi-thewebsocketprotocol-10 (and -11, -12)
    rfc6455 = 13,  // RFC 6455
};
constexpr int version_number(HandshakeVersion v) {
    return static_cast<int>(v);
}

// ---- (a) client: build the request ------------------------------------------------------

struct ClientRequestOptions {
    std::string host;  // Host value, "host" or "host:port" (RFC 6455 4.1 item 4)
    std::string target = "/";
    std::string key;  // Sec-WebSocket-Key, e.g. make_key(nonce)
    HandshakeVersion version = HandshakeVersion::rfc6455;
    std::optional<std::string> origin;      // Origin (13) or Sec-WebSocket-Origin (8)
    std::vector<std::string> subprotocols;  // Sec-WebSocket-Protocol, in preference order
    std::vector<std::string> extensions;    // Sec-WebSocket-Extensions elements, each
                                            // "name; param=value" as it goes on the wire
    HttpHeaders extra_headers;              // appended last, verbatim
};

// The request head including the final CRLFCRLF. Values are written verbatim: a scripted
// peer may deliberately send odd requests, so nothing is "fixed" here.
std::string build_client_request(const ClientRequestOptions& options);

// ---- (b) server: judge a parsed request ---------------------------------------------------

// Every reason a server rejects an opening handshake. Values are stable.
enum class RequestRejectKind : std::uint8_t {
    none = 0,
    method_not_get,
    http_version_too_old,
    missing_host,
    duplicate_host,
    missing_upgrade_websocket,
    missing_connection_upgrade,
    missing_version,
    duplicate_version,
    unsupported_version,
    missing_key,
    duplicate_key,
    invalid_key,
    invalid_host,
    request_has_body,   // Content-Length (other than 0) or Transfer-Encoding
    malformed_request,  // not a parseable HTTP request head (the caller's parser said so)
};
std::string_view request_reject_kind_name(RequestRejectKind kind);

struct RequestRejection {
    RequestRejectKind kind = RequestRejectKind::none;
    int http_status = 0;           // 400 or 426
    std::string_view rfc_section;  // e.g. "4.2.1"
    std::string_view requirement;  // the rule, close to the RFC's words
    std::string reason;            // what this request did, for the report

    explicit operator bool() const { return kind != RequestRejectKind::none; }
};

struct AcceptedRequest {
    std::string key;
    HandshakeVersion version = HandshakeVersion::rfc6455;
    std::optional<std::string> origin;      // Origin (13) or Sec-WebSocket-Origin (8)
    std::vector<std::string> subprotocols;  // offered, in the client's order
    std::vector<std::string> extensions;    // offered elements, "name; params" verbatim
    std::string host;
    std::string target;
};

struct RequestValidation {
    RequestRejection rejection;  // kind == none when the request is acceptable
    AcceptedRequest request;     // filled only when accepted

    bool ok() const { return rejection.kind == RequestRejectKind::none; }
};

// RFC 6455 4.2.1 (and 4.4 for the version). The first broken rule wins; the version is
// checked before the key so an older or newer client gets the 426 it can act on.
RequestValidation validate_request(const HttpRequestHead& head);

// The rejection of a request head the HTTP parser could not read (`reason`: its words),
// answered with 400 like any broken handshake (RFC 6455 4.2.1).
RequestRejection malformed_request_rejection(std::string reason);

// ---- (c) server: build the response -------------------------------------------------------

struct ServerAcceptOptions {
    std::optional<std::string> subprotocol;  // must be one the client offered (4.2.2 5.4)
    std::vector<std::string> extensions;     // accepted extension elements; none by default
    HttpHeaders extra_headers;               // e.g. Server; appended verbatim
};

struct BuiltResponse {
    std::string bytes;       // the full response head (and body for rejections)
    std::string_view error;  // static text when the response could not be built

    bool ok() const { return error.empty(); }
};

// 101 Switching Protocols with Upgrade, Connection and Sec-WebSocket-Accept (RFC 6455 4.2.2
// item 5). Fails if the subprotocol was not offered or SHA-1 is unavailable.
BuiltResponse build_accept_response(const AcceptedRequest& request,
                                    const ServerAcceptOptions& options = {});

// 400 or 426 (with Sec-WebSocket-Version: 13, 8, RFC 6455 4.4), a short text body,
// Content-Length and Connection: close.
std::string build_reject_response(const RequestRejection& rejection);

}  // namespace wsspec::codec
