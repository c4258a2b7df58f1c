// permessage-deflate negotiation (RFC 7692 5, 7.1) as pure functions over the
// Sec-WebSocket-Extensions elements of a handshake: the client's offers, the server's choice
// among them, and the client's check of the server's answer.
//
// Inputs are the list elements as handshake_request.h / handshake_response.h return them
// (AcceptedRequest::extensions, AcceptedResponse::extensions: every element of every
// Sec-WebSocket-Extensions header, in order, commas inside quoted-strings kept). Outputs
// are the agreed parameters, which make_permessage_deflate() (permessage_deflate.h) turns
// into the extension a Connection uses, and the element to send back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::codec {

constexpr std::string_view permessage_deflate_name = "permessage-deflate";

// RFC 7692 7.1: the extension parameters.
namespace deflate_param {
constexpr std::string_view server_no_context_takeover = "server_no_context_takeover";
constexpr std::string_view client_no_context_takeover = "client_no_context_takeover";
constexpr std::string_view server_max_window_bits = "server_max_window_bits";
constexpr std::string_view client_max_window_bits = "client_max_window_bits";
}  // namespace deflate_param

// RFC 7692 7.1.2: window bits are 8..15; absent means 15 (a 32 KiB LZ77 window).
constexpr std::uint8_t min_window_bits = 8;
constexpr std::uint8_t max_window_bits = 15;

// The "agreed parameters" (RFC 7692 7): what both sides hold to after the handshake.
struct PerMessageDeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::uint8_t server_max_window_bits = max_window_bits;
    std::uint8_t client_max_window_bits = max_window_bits;

    bool operator==(const PerMessageDeflateParams&) const = default;
};

// ---- client: the offer ---------------------------------------------------------------------

struct PerMessageDeflateOffer {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<std::uint8_t> server_max_window_bits;
    // RFC 7692 7.1.2.2: offered without a value means "I can limit my window if you ask".
    bool client_max_window_bits = false;
    std::optional<std::uint8_t> client_max_window_bits_value;  // only with the flag above
};

// "permessage-deflate; client_max_window_bits" and so on, for ClientRequestOptions.
std::string format_offer(const PerMessageDeflateOffer& offer);

// The well-formed permessage-deflate offers among Sec-WebSocket-Extensions elements, in
// order, each with the element it was read from (a test peer reads a client's offers, or its
// own, with this). Elements naming other extensions, malformed ones and offers a server must
// decline (RFC 7692 7: unknown, duplicate or invalid parameters) are left out.
struct ParsedOffer {
    PerMessageDeflateOffer offer;
    std::string element;
};
std::vector<ParsedOffer> parse_permessage_deflate_offers(std::span<const std::string> elements);

// ---- server: choose an offer -----------------------------------------------------------

// What wsspec's server side answers with, beyond what an offer requires.
struct PerMessageDeflateServerPolicy {
    // Include server_no_context_takeover even when the client did not ask (7.1.1.1).
    bool server_no_context_takeover = false;
    // Include client_no_context_takeover; it is always echoed when the client offered it
    // (7.1.1.2 lets the server do so), so a client that hinted it is held to it.
    bool client_no_context_takeover = false;
    // The largest window wsspec's compressor may use (answered as server_max_window_bits
    // when below 15 or when the client asked for a smaller one).
    std::uint8_t server_max_window_bits = max_window_bits;
    // Ask the client to limit its window (only possible when the offer carried
    // client_max_window_bits, 7.1.2.2). Without it, an offered value is echoed.
    std::optional<std::uint8_t> client_max_window_bits;
};

struct DeclinedOffer {
    std::size_t index = 0;    // position among the permessage-deflate offers
    std::string_view reason;  // static text naming the RFC 7692 rule
};

struct ServerNegotiation {
    std::optional<PerMessageDeflateParams> agreed;  // nullopt: nothing accepted
    std::string response;                           // the element to send back, when agreed
    std::size_t accepted_offer = 0;                 // index among the permessage-deflate offers
    std::vector<DeclinedOffer> declined;            // offers passed over, in order
};

// RFC 7692 5 and 7: the first acceptable permessage-deflate offer wins. An offer with an
// unknown, duplicate or malformed parameter, or a value out of range, is declined (not
// failed), and the next one is tried. Elements naming other extensions are ignored.
ServerNegotiation negotiate_permessage_deflate(std::span<const std::string> offered,
                                               const PerMessageDeflateServerPolicy& policy = {});

// ---- client: judge the response -----------------------------------------------------------

enum class DeflateResponseErrorKind : std::uint8_t {
    none = 0,
    malformed_element,          // not RFC 6455 9.1 syntax
    accepted_twice,             // two permessage-deflate elements (both would own RSV1, 5)
    unknown_parameter,          // 7: not defined for use in a response
    duplicate_parameter,        // 7: the same parameter twice
    invalid_value,              // 7: a value where none belongs, none where one is needed,
                                //    or a number outside 8..15 / with leading zeroes
    client_window_not_offered,  // 7.1.2.2: client_max_window_bits answered but not offered
    does_not_fit_offer,         // 7: no offer this response could accept (a larger window
                                //    than offered, server_no_context_takeover missing, ...)
};
std::string_view deflate_response_error_kind_name(DeflateResponseErrorKind kind);

struct DeflateResponseError {
    DeflateResponseErrorKind kind = DeflateResponseErrorKind::none;
    std::string_view rfc_section;  // "7", "7.1.2.2", ...
    std::string reason;            // what the response said, for the report

    explicit operator bool() const { return kind != DeflateResponseErrorKind::none; }
};

struct ClientNegotiation {
    DeflateResponseError error;  // the client MUST _Fail the WebSocket Connection_ (7)
    std::optional<PerMessageDeflateParams> agreed;  // nullopt: the server declined

    [[nodiscard]] bool ok() const { return !error; }
};

// Checks the server's accepted elements (AcceptedResponse::extensions) against what this
// client offered, in order. Elements naming other extensions are ignored (that they were
// offered at all is validate_response()'s check).
ClientNegotiation check_permessage_deflate_response(std::span<const std::string> accepted,
                                                    std::span<const PerMessageDeflateOffer> offers);

}  // namespace wsspec::codec
