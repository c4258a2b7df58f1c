// The server side of the opening handshake: parse an HTTP request head (http_head.h), judge
// it (RFC 6455 4.2.1, validate_request) and build the answer.
//
// Properties:
//   - the parser keeps picohttpparser's contract: a complete head consumes through its
//     final CRLFCRLF, never past the input, and every shorter prefix of it needs more;
//   - an accepted request yields a 101 that our own client side (parse_response_head +
//     validate_response) accepts for the key that was sent -- the two halves agree;
//   - a rejected request yields a 400/426 response that parses, with that status.
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/http_head.h"

namespace codec = wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* text = reinterpret_cast<const char*>(data);
    codec::HttpRequestHead head;
    const auto result = codec::parse_request_head(text, size, head);
    if (!result.complete()) {
        FUZZ_CHECK(result.consumed == 0, "consumed without completing");
        if (result.status == codec::HeadParseStatus::error) {
            FUZZ_CHECK(result.error != codec::HeadError::none && !result.reason.empty(),
                       "error without a reason");
        }
        return 0;
    }
    FUZZ_CHECK(result.consumed >= 4 && result.consumed <= size, "consumed out of range");
    FUZZ_CHECK(std::string_view(text + result.consumed - 4, 4) == "\r\n\r\n",
               "a complete head must end with CRLFCRLF");
    {
        codec::HttpRequestHead partial;
        const auto r = codec::parse_request_head(text, result.consumed - 1, partial);
        FUZZ_CHECK(r.status == codec::HeadParseStatus::need_more,
                   "a prefix of a complete head did not need more");
    }

    const codec::RequestValidation validation = codec::validate_request(head);
    if (!validation.ok()) {
        const codec::RequestRejection& rejection = validation.rejection;
        FUZZ_CHECK(rejection.http_status == codec::http_status::bad_request ||
                       rejection.http_status == codec::http_status::upgrade_required,
                   "rejection status is not 400 or 426");
        FUZZ_CHECK(!codec::request_reject_kind_name(rejection.kind).empty(), "unnamed rejection");
        const std::string reply = codec::build_reject_response(rejection);
        codec::HttpResponseHead response;
        const auto r = codec::parse_response_head(reply.data(), reply.size(), response);
        FUZZ_CHECK(r.complete() && response.status == rejection.http_status,
                   "our rejection response does not parse back");
        return 0;
    }

    const codec::AcceptedRequest& accepted = validation.request;
    codec::ServerAcceptOptions options;
    if (!accepted.subprotocols.empty()) options.subprotocol = accepted.subprotocols.front();
    const codec::BuiltResponse built = codec::build_accept_response(accepted, options);
    if (!built.ok()) {
        // Only a subprotocol that was not offered may fail (and ours was offered), or a
        // value that cannot go into a header verbatim.
        return 0;
    }
    codec::HttpResponseHead response;
    const auto r = codec::parse_response_head(built.bytes.data(), built.bytes.size(), response);
    if (!r.complete()) {
        // A subprotocol token with bytes a header value may not hold (e.g. a CR) is echoed
        // verbatim; that is the caller's choice, so only the plain case must round-trip.
        FUZZ_CHECK(options.subprotocol.has_value(), "our 101 response does not parse");
        return 0;
    }
    codec::ClientRequestOptions sent;
    sent.key = accepted.key;
    sent.version = accepted.version;
    sent.subprotocols = accepted.subprotocols;
    const codec::ResponseValidation check = codec::validate_response(response, sent);
    FUZZ_CHECK(check.ok(), "our client side rejects our server side's 101");
    FUZZ_CHECK(check.accepted.subprotocol == options.subprotocol, "subprotocol lost");
    return 0;
}
