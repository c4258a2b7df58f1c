// The client's judgement of the server's opening-handshake response (RFC 6455 4.1, the
// checks after "the client MUST validate the server's response as follows").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"

namespace wsspec::codec {

// Every reason a client fails the connection on the server's handshake. Values are stable.
enum class ResponseErrorKind : std::uint8_t {
    none = 0,
    status_not_101,
    missing_upgrade_websocket,
    missing_connection_upgrade,
    missing_accept,
    duplicate_accept,
    wrong_accept,
    subprotocol_not_offered,  // a subprotocol when none was offered, or a different one
    multiple_subprotocols,    // more than one value chosen
    extension_not_offered,
};
std::string_view response_error_kind_name(ResponseErrorKind kind);

struct ResponseError {
    ResponseErrorKind kind = ResponseErrorKind::none;
    std::string_view rfc_section;  // "4.1" (client checks) or "4.2.2" (server obligations)
    std::string_view requirement;  // the rule, close to the RFC's words
    std::string reason;            // what this response did: expected vs actual

    explicit operator bool() const { return kind != ResponseErrorKind::none; }
};

struct AcceptedResponse {
    std::optional<std::string> subprotocol;  // the one the server chose, if any
    std::vector<std::string> extensions;     // accepted elements, "name; params" verbatim
    std::optional<std::string> server;       // Server header, for the report
};

struct ResponseValidation {
    ResponseError error;        // kind == none when the handshake succeeded
    AcceptedResponse accepted;  // filled only on success

    bool ok() const { return error.kind == ResponseErrorKind::none; }
};

// Validates `head` as the answer to the request built from `sent`. Extensions are matched
// by name only (the text before the first ';'); checking their parameters is the job of
// the extension's own negotiation code.
ResponseValidation validate_response(const HttpResponseHead& head,
                                     const ClientRequestOptions& sent);

}  // namespace wsspec::codec
