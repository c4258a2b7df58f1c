#include "harness/codec/handshake_response.h"

#include <algorithm>
#include <utility>

#include "harness/codec/accept_key.h"

namespace wsspec::codec {

namespace {

constexpr std::string_view section_client = "4.1";
constexpr std::string_view section_server = "4.2.2";
constexpr char extension_param_separator = ';';
ResponseValidation fail(ResponseErrorKind kind, std::string_view section,
                        std::string_view requirement, std::string reason) {
    ResponseValidation result;
    result.error = {kind, section, requirement, std::move(reason)};
    return result;
}

// RFC 6455 9.1: extension = extension-token *( ";" extension-param )
std::string_view extension_name(std::string_view element) {
    std::string_view name = element.substr(0, element.find(extension_param_separator));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
        name.remove_suffix(1);
    return name;
}

bool extension_was_offered(std::string_view name, const std::vector<std::string>& offered) {
    for (const std::string& offer : offered) {
        for (std::string_view element : split_header_list(offer)) {
            if (iequals(extension_name(element), name)) return true;
        }
    }
    return false;
}

}  // namespace

std::string_view response_error_kind_name(ResponseErrorKind kind) {
    switch (kind) {
        case ResponseErrorKind::none:
            return "none";
        case ResponseErrorKind::status_not_101:
            return "status_not_101";
        case ResponseErrorKind::missing_upgrade_websocket:
            return "missing_upgrade_websocket";
        case ResponseErrorKind::missing_connection_upgrade:
            return "missing_connection_upgrade";
        case ResponseErrorKind::missing_accept:
            return "missing_accept";
        case ResponseErrorKind::duplicate_accept:
            return "duplicate_accept";
        case ResponseErrorKind::wrong_accept:
            return "wrong_accept";
        case ResponseErrorKind::subprotocol_not_offered:
            return "subprotocol_not_offered";
        case ResponseErrorKind::multiple_subprotocols:
            return "multiple_subprotocols";
        case ResponseErrorKind::extension_not_offered:
            return "extension_not_offered";
    }
    return "unknown";
}

ResponseValidation validate_response(const HttpResponseHead& head,
                                     const ClientRequestOptions& sent) {
    using K = ResponseErrorKind;

    // 4.1 item 1: any status other than 101 means the handshake did not complete.
    if (head.status != http_status::switching_protocols) {
        return fail(K::status_not_101, section_client,
                    "the server MUST answer a successful handshake with 101",
                    "status is " + std::to_string(head.status) + " " + quoted_excerpt(head.reason));
    }
    // 4.1 item 2: Upgrade must contain "websocket" (ASCII case-insensitive).
    if (!header_has_token(head.headers, header_name::upgrade, upgrade_token)) {
        const HttpHeader* h = find_header(head.headers, header_name::upgrade);
        return fail(K::missing_upgrade_websocket, section_client,
                    "the response MUST have Upgrade: websocket",
                    h ? "Upgrade is " + quoted_excerpt(h->value) : "Upgrade header is missing");
    }
    // 4.1 item 3: Connection must contain "Upgrade" (ASCII case-insensitive).
    if (!header_has_token(head.headers, header_name::connection, connection_token)) {
        const HttpHeader* h = find_header(head.headers, header_name::connection);
        return fail(
            K::missing_connection_upgrade, section_client,
            "the response MUST have Connection: Upgrade",
            h ? "Connection is " + quoted_excerpt(h->value) : "Connection header is missing");
    }

    // 4.1 item 4: Sec-WebSocket-Accept must be base64(SHA-1(key + GUID)) computed as 4.2.2
    // item 5.4 prescribes; the comparison is exact (base64 is case-sensitive).
    const std::size_t accept_count = count_header(head.headers, header_name::sec_websocket_accept);
    if (accept_count == 0) {
        return fail(K::missing_accept, section_client,
                    "the response MUST contain Sec-WebSocket-Accept", "header is missing");
    }
    if (accept_count > 1) {
        return fail(K::duplicate_accept, section_server,
                    "Sec-WebSocket-Accept MUST NOT appear more than once",
                    "header appears " + std::to_string(accept_count) + " times");
    }
    const std::string expected = compute_accept_key(sent.key);
    const std::string& actual = find_header(head.headers, header_name::sec_websocket_accept)->value;
    if (expected.empty() || actual != expected) {
        return fail(K::wrong_accept, section_client,
                    "Sec-WebSocket-Accept MUST be base64(SHA-1(key + GUID))",
                    "expected " + quoted_excerpt(expected) + ", got " + quoted_excerpt(actual));
    }

    ResponseValidation result;
    AcceptedResponse& accepted = result.accepted;

    // 4.1 item 5: every extension in use must have been offered.
    for (std::string_view element :
         header_list_elements(head.headers, header_name::sec_websocket_extensions)) {
        if (!extension_was_offered(extension_name(element), sent.extensions)) {
            return fail(K::extension_not_offered, section_client,
                        "the server MUST NOT use an extension the client did not offer",
                        "server accepted " + quoted_excerpt(element));
        }
        accepted.extensions.emplace_back(element);
    }

    // 4.1 item 6: a subprotocol only if one was requested, and then one of those offered.
    const std::vector<std::string_view> chosen =
        header_list_elements(head.headers, header_name::sec_websocket_protocol);
    if (chosen.size() > 1) {
        return fail(K::multiple_subprotocols, section_server,
                    "the server MUST select a single subprotocol",
                    "server sent " + std::to_string(chosen.size()) + " values");
    }
    if (chosen.size() == 1) {
        const bool offered = std::find(sent.subprotocols.begin(), sent.subprotocols.end(),
                                       chosen.front()) != sent.subprotocols.end();
        if (!offered) {
            return fail(K::subprotocol_not_offered, section_client,
                        "the subprotocol MUST be one the client offered",
                        sent.subprotocols.empty()
                            ? "none offered, server chose " + quoted_excerpt(chosen.front())
                            : "server chose " + quoted_excerpt(chosen.front()));
        }
        accepted.subprotocol = std::string(chosen.front());
    }

    if (const HttpHeader* h = find_header(head.headers, header_name::server)) {
        accepted.server = h->value;
    }
    return result;
}

}  // namespace wsspec::codec
