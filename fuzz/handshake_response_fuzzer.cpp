// The client side of the opening handshake: parse an HTTP response head and judge it as the
// answer to a request (RFC 6455 4.1, validate_response).
//
// Input: [offer][response head...]
//   offer  bit 0 offered subprotocols "chat", "superchat"   bit 1 offered
//          "permessage-deflate; client_max_window_bits"   bit 2 version 8 (hybi-10)
// The key is the RFC 6455 1.3 example, so a correct Sec-WebSocket-Accept is
// s3pPLMBiTxaQ9kYGzzhZRbK+xOo= (seeds and the dictionary carry it).
//
// Properties: the parser contract (as in handshake_request_fuzzer.cpp); an accepted
// response chose at most one offered subprotocol and only offered extensions; a rejection
// names its rule.
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/http_head.h"

namespace codec = wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    codec::ClientRequestOptions sent;
    sent.host = "server.example.com";
    sent.key = "dGhlIHNhbXBsZSBub25jZQ==";
    if ((data[0] & 0x01) != 0) sent.subprotocols = {"chat", "superchat"};
    if ((data[0] & 0x02) != 0) sent.extensions = {"permessage-deflate; client_max_window_bits"};
    if ((data[0] & 0x04) != 0) sent.version = codec::HandshakeVersion::hybi10;

    const auto* text = reinterpret_cast<const char*>(data + 1);
    const std::size_t n = size - 1;
    codec::HttpResponseHead head;
    const auto result = codec::parse_response_head(text, n, head);
    if (!result.complete()) {
        FUZZ_CHECK(result.consumed == 0, "consumed without completing");
        return 0;
    }
    FUZZ_CHECK(result.consumed >= 4 && result.consumed <= n &&
                   std::string_view(text + result.consumed - 4, 4) == "\r\n\r\n",
               "a complete head must end with CRLFCRLF");
    {
        codec::HttpResponseHead partial;
        const auto r = codec::parse_response_head(text, result.consumed - 1, partial);
        FUZZ_CHECK(r.status == codec::HeadParseStatus::need_more,
                   "a prefix of a complete head did not need more");
    }
    const codec::ResponseValidation validation = codec::validate_response(head, sent);
    if (!validation.ok()) {
        FUZZ_CHECK(!codec::response_error_kind_name(validation.error.kind).empty() &&
                       !validation.error.requirement.empty(),
                   "unnamed rejection");
        return 0;
    }
    FUZZ_CHECK(head.status == codec::http_status::switching_protocols, "accepted a non-101");
    if (const auto& chosen = validation.accepted.subprotocol) {
        bool offered = false;
        for (const auto& p : sent.subprotocols)
            offered = offered || codec::iequals(p, *chosen);
        FUZZ_CHECK(offered, "accepted a subprotocol that was not offered");
    }
    if (sent.extensions.empty()) {
        FUZZ_CHECK(validation.accepted.extensions.empty(), "accepted an extension not offered");
    }
    return 0;
}
