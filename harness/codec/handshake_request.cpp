#include "harness/codec/handshake_request.h"

#include <algorithm>
#include <utility>

#include "harness/codec/accept_key.h"
#include "harness/codec/ascii.h"

namespace wsspec::codec {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view list_separator = ", ";
constexpr std::string_view method_get = "GET";
constexpr std::string_view http_version_1_1 = "HTTP/1.1";
constexpr std::string_view section_request = "4.2.1";
// Spelled as in the RFC 6455 1.2 examples; receivers compare case-insensitively.
constexpr std::string_view connection_upgrade_value = "Upgrade";
constexpr std::string_view connection_close_value = "close";
constexpr std::string_view content_type_name = "Content-Type";
constexpr std::string_view reject_body_type = "text/plain; charset=utf-8";
// 4.2.2 item 4 (/version/) says to answer 426 with the versions we speak; 4.4 shows it.
constexpr std::string_view section_version = "4.2.2, 4.4";
// Sec-WebSocket-Version values we speak, exactly as RFC 6455 4.1 item 9 spells them (no
// leading zeros, no whitespace after trimming).
constexpr std::string_view version_13_value = "13";
constexpr std::string_view version_8_value = "8";
constexpr std::string_view body_requirement =
    "the opening handshake MUST be a GET request, which carries no message body (RFC 7230 "
    "3.3: Content-Length or Transfer-Encoding announce one)";
constexpr std::string_view malformed_requirement =
    "the request MUST follow the HTTP/1.1 syntax; otherwise the server answers 400";
void append_header(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append(crlf);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out.append(list_separator);
        out.append(item);
    }
    return out;
}

std::vector<std::string> owned(const std::vector<std::string_view>& views) {
    return {views.begin(), views.end()};
}

// RFC 7230 5.4 / RFC 3986 3.2.2: Host = uri-host [ ":" port ], where uri-host is an
// IP-literal in brackets, or a reg-name / IPv4 address of unreserved, pct-encoded and
// sub-delims characters. Anything else (spaces, '/', '@', ...) is an invalid field value.
bool is_valid_host_value(std::string_view host) {
    std::string_view name = host;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        for (char c : host.substr(1, close - 1)) {
            if (!is_ascii_hex_digit(c) && c != ':' && c != '.') return false;
        }
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return false;
        port = rest.empty() ? rest : rest.substr(1);
        name = {};
    } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        name = host.substr(0, colon);
        port = host.substr(colon + 1);
    }
    for (char c : port) {
        if (!is_ascii_digit(c)) return false;
    }
    constexpr std::string_view allowed_punctuation = "-._~%!$&'()*+,;=";
    for (char c : name) {
        if (!is_ascii_alnum(c) && allowed_punctuation.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

RequestValidation reject(RequestRejectKind kind, int status, std::string_view section,
                         std::string_view requirement, std::string reason) {
    RequestValidation result;
    result.rejection = {kind, status, section, requirement, std::move(reason)};
    return result;
}

// Checks that `name` occurs exactly once; fills `value` or returns the rejection.
std::optional<RequestValidation> require_single(const HttpRequestHead& head, std::string_view name,
                                                RequestRejectKind missing_kind,
                                                RequestRejectKind duplicate_kind,
                                                int missing_status, std::string_view requirement,
                                                std::string_view& value) {
    const std::size_t count = count_header(head.headers, name);
    if (count == 0) {
        return reject(missing_kind, missing_status, section_request, requirement,
                      std::string(name) + " header is missing");
    }
    if (count > 1) {
        return reject(duplicate_kind, http_status::bad_request, section_request, requirement,
                      std::string(name) + " header appears " + std::to_string(count) + " times");
    }
    value = find_header(head.headers, name)->value;
    return std::nullopt;
}

}  // namespace

std::string_view request_reject_kind_name(RequestRejectKind kind) {
    switch (kind) {
        case RequestRejectKind::none:
            return "none";
        case RequestRejectKind::method_not_get:
            return "method_not_get";
        case RequestRejectKind::http_version_too_old:
            return "http_version_too_old";
        case RequestRejectKind::missing_host:
            return "missing_host";
        case RequestRejectKind::duplicate_host:
            return "duplicate_host";
        case RequestRejectKind::missing_upgrade_websocket:
            return "missing_upgrade_websocket";
        case RequestRejectKind::missing_connection_upgrade:
            return "missing_connection_upgrade";
        case RequestRejectKind::missing_version:
            return "missing_version";
        case RequestRejectKind::duplicate_version:
            return "duplicate_version";
        case RequestRejectKind::unsupported_version:
            return "unsupported_version";
        case RequestRejectKind::missing_key:
            return "missing_key";
        case RequestRejectKind::duplicate_key:
            return "duplicate_key";
        case RequestRejectKind::invalid_key:
            return "invalid_key";
        case RequestRejectKind::invalid_host:
            return "invalid_host";
        case RequestRejectKind::request_has_body:
            return "request_has_body";
        case RequestRejectKind::malformed_request:
            return "malformed_request";
    }
    return "unknown";
}

std::string build_client_request(const ClientRequestOptions& options) {
    const bool hybi10 = options.version == HandshakeVersion::hybi10;
    std::string out;
    out.append(method_get).append(" ").append(options.target).append(" ");
    out.append(http_version_1_1).append(crlf);
    append_header(out, header_name::host, options.host);
    append_header(out, header_name::upgrade, upgrade_token);
    append_header(out, header_name::connection, connection_upgrade_value);
    append_header(out, header_name::sec_websocket_key, options.key);
    if (options.origin) {
        // hybi-10 section 4.1 item 9 names it Sec-WebSocket-Origin; RFC 6455 10.2 uses Origin.
        append_header(out, hybi10 ? header_name::sec_websocket_origin : header_name::origin,
                      *options.origin);
    }
    append_header(out, header_name::sec_websocket_version,
                  std::to_string(version_number(options.version)));
    if (!options.subprotocols.empty()) {
        append_header(out, header_name::sec_websocket_protocol, join(options.subprotocols));
    }
    if (!options.extensions.empty()) {
        append_header(out, header_name::sec_websocket_extensions, join(options.extensions));
    }
    for (const HttpHeader& h : options.extra_headers)
        append_header(out, h.name, h.value);
    out.append(crlf);
    return out;
}

RequestValidation validate_request(const HttpRequestHead& head) {
    using K = RequestRejectKind;
    constexpr int bad = http_status::bad_request;

    // RFC 6455 4.2.1 item 1: "An HTTP/1.1 or higher GET request". 400 rather than 405: the
    // request is not a WebSocket handshake at all, and 4.2.1 says to answer with 400.
    if (head.method != method_get) {
        return reject(K::method_not_get, bad, section_request, "the method MUST be GET",
                      "method is " + quoted_excerpt(head.method));
    }
    if (head.version_major < 1 || (head.version_major == 1 && head.version_minor < 1)) {
        return reject(K::http_version_too_old, bad, section_request,
                      "the request MUST be HTTP/1.1 or higher",
                      "request version is HTTP/" + std::to_string(head.version_major) + "." +
                          std::to_string(head.version_minor));
    }

    // Item 1 again: the handshake is a GET, and RFC 7230 3.3 says Content-Length or
    // Transfer-Encoding announce a message body. After the 101 every byte the client sends
    // is read as WebSocket frames, so a body would be taken for frames: a request smuggling
    // pattern. Content-Length: 0 announces no body and is harmless.
    if (const HttpHeader* h = find_header(head.headers, header_name::transfer_encoding)) {
        return reject(K::request_has_body, bad, section_request, body_requirement,
                      "Transfer-Encoding is " + quoted_excerpt(h->value));
    }
    for (const HttpHeader& h : head.headers) {
        if (iequals(h.name, header_name::content_length) && h.value != "0") {
            return reject(K::request_has_body, bad, section_request, body_requirement,
                          "Content-Length is " + quoted_excerpt(h.value));
        }
    }

    // Item 2: a Host header field (RFC 7230 5.4: exactly one, else 400).
    std::string_view host;
    if (auto r = require_single(head, header_name::host, K::missing_host, K::duplicate_host, bad,
                                "the request MUST contain exactly one Host header", host)) {
        return std::move(*r);
    }
    if (!is_valid_host_value(host)) {
        return reject(
            K::invalid_host, bad, section_request,
            "a Host header with an invalid value MUST be answered with 400 (RFC 7230 5.4)",
            "Host is " + quoted_excerpt(host));
    }

    // Item 3: Upgrade "including the value websocket" (case-insensitive, a token list).
    if (!header_has_token(head.headers, header_name::upgrade, upgrade_token)) {
        const HttpHeader* h = find_header(head.headers, header_name::upgrade);
        return reject(K::missing_upgrade_websocket, bad, section_request,
                      "Upgrade MUST include the token \"websocket\"",
                      h ? "Upgrade is " + quoted_excerpt(h->value) : "Upgrade header is missing");
    }
    // Item 4: Connection "that includes the token Upgrade" (case-insensitive).
    if (!header_has_token(head.headers, header_name::connection, connection_token)) {
        const HttpHeader* h = find_header(head.headers, header_name::connection);
        return reject(
            K::missing_connection_upgrade, bad, section_request,
            "Connection MUST include the token \"Upgrade\"",
            h ? "Connection is " + quoted_excerpt(h->value) : "Connection header is missing");
    }

    // Item 6 and 4.4: Sec-WebSocket-Version must be one we speak; otherwise 426 with the
    // versions we do speak, so the client can retry. A repeated header is a malformed
    // request (400), not a version mismatch.
    std::string_view version_value;
    if (auto r =
            require_single(head, header_name::sec_websocket_version, K::missing_version,
                           K::duplicate_version, http_status::upgrade_required,
                           "Sec-WebSocket-Version MUST be present exactly once", version_value)) {
        return std::move(*r);
    }
    HandshakeVersion version;
    if (version_value == version_13_value) {
        version = HandshakeVersion::rfc6455;
    } else if (version_value == version_8_value) {
        version = HandshakeVersion::hybi10;
    } else {
        return reject(K::unsupported_version, http_status::upgrade_required, section_version,
                      "an unsupported version MUST be answered with 426 and the supported "
                      "versions",
                      "Sec-WebSocket-Version is " + quoted_excerpt(version_value));
    }

    // Item 5: Sec-WebSocket-Key, base64 of a 16-byte value.
    std::string_view key;
    if (auto r =
            require_single(head, header_name::sec_websocket_key, K::missing_key, K::duplicate_key,
                           bad, "Sec-WebSocket-Key MUST be present exactly once", key)) {
        return std::move(*r);
    }
    if (!is_valid_key(key)) {
        return reject(K::invalid_key, bad, section_request,
                      "Sec-WebSocket-Key MUST be a base64-encoded 16-byte value",
                      "Sec-WebSocket-Key is " + quoted_excerpt(key));
    }

    RequestValidation result;
    AcceptedRequest& accepted = result.request;
    accepted.key = key;
    accepted.version = version;
    const std::string_view origin_name = version == HandshakeVersion::hybi10
                                             ? header_name::sec_websocket_origin
                                             : header_name::origin;
    if (const HttpHeader* h = find_header(head.headers, origin_name)) accepted.origin = h->value;
    accepted.subprotocols =
        owned(header_list_elements(head.headers, header_name::sec_websocket_protocol));
    accepted.extensions =
        owned(header_list_elements(head.headers, header_name::sec_websocket_extensions));
    accepted.host = host;
    accepted.target = head.target;
    return result;
}

RequestRejection malformed_request_rejection(std::string reason) {
    return {RequestRejectKind::malformed_request, http_status::bad_request, section_request,
            malformed_requirement, std::move(reason)};
}

BuiltResponse build_accept_response(const AcceptedRequest& request,
                                    const ServerAcceptOptions& options) {
    if (options.subprotocol && std::find(request.subprotocols.begin(), request.subprotocols.end(),
                                         *options.subprotocol) == request.subprotocols.end()) {
        // RFC 6455 4.2.2 item 5.4: the value MUST be one the client offered.
        return {{}, "chosen subprotocol was not offered by the client"};
    }
    const std::string accept = compute_accept_key(request.key);
    if (accept.empty()) return {{}, "SHA-1 is unavailable; cannot compute Sec-WebSocket-Accept"};

    std::string out;
    out.append(http_version_1_1)
        .append(" ")
        .append(std::to_string(http_status::switching_protocols))
        .append(" ")
        .append(http_reason_phrase(http_status::switching_protocols))
        .append(crlf);
    append_header(out, header_name::upgrade, upgrade_token);
    append_header(out, header_name::connection, connection_upgrade_value);
    append_header(out, header_name::sec_websocket_accept, accept);
    if (options.subprotocol) {
        append_header(out, header_name::sec_websocket_protocol, *options.subprotocol);
    }
    if (!options.extensions.empty()) {
        append_header(out, header_name::sec_websocket_extensions, join(options.extensions));
    }
    for (const HttpHeader& h : options.extra_headers)
        append_header(out, h.name, h.value);
    out.append(crlf);
    return {std::move(out), {}};
}

std::string build_reject_response(const RequestRejection& rejection) {
    const int status =
        rejection.http_status != 0 ? rejection.http_status : http_status::bad_request;
    std::string body = "WebSocket handshake rejected";
    if (!rejection.rfc_section.empty())
        body.append(" (RFC 6455 ").append(rejection.rfc_section).append(")");
    body.append(": ").append(rejection.reason).append("\n");

    std::string out;
    out.append(http_version_1_1)
        .append(" ")
        .append(std::to_string(status))
        .append(" ")
        .append(http_reason_phrase(status))
        .append(crlf);
    if (status == http_status::upgrade_required) {
        append_header(out, header_name::sec_websocket_version, supported_versions_value);
    }
    append_header(out, content_type_name, reject_body_type);
    append_header(out, header_name::content_length, std::to_string(body.size()));
    append_header(out, header_name::connection, connection_close_value);
    out.append(crlf);
    out.append(body);
    return out;
}

}  // namespace wsspec::codec
