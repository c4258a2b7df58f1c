// permessage-deflate for one case (cases/README.md "Compression"): what wsspec agrees to in
// the opening handshake, in either role, as plain functions over the handshake's extension
// elements. The case session then follows the agreement (CaseSession::use_deflate).
#pragma once

#include <optional>
#include <span>
#include <string>

#include "harness/cases/case.h"
#include "harness/codec/permessage_deflate_negotiation.h"

namespace wsspec::peer {

// Client role (wsspec is the server): the answer to the client's offers.
struct ServerDeflateAnswer {
    std::string element;  // the Sec-WebSocket-Extensions element to send; empty: none
    // What wsspec's side uses once the element is sent (nullopt: no compression).
    std::optional<codec::PerMessageDeflateParams> params;
    // In words, for the report: what was answered, or why nothing was.
    std::string summary;
    // A `response` case whose element does not fit the client's offers: a conforming
    // client MUST fail the connection (RFC 7692 7), and the summary says why.
    bool client_must_refuse = false;
};

// Declines everything for a case without `permessage_deflate` (Autobahn's fuzzingserver does
// so for 1.* - 10.*); otherwise follows the case's `accept` policies or its `response`.
ServerDeflateAnswer answer_deflate_offers(const cases::Case& c,
                                          std::span<const std::string> client_elements);

// Server role (wsspec is the client): the server's answer judged against the offers sent.
struct ClientDeflateOutcome {
    std::string failure;  // non-empty: the answer does not fit (the handshake fails)
    std::optional<codec::PerMessageDeflateParams> params;
    std::string summary;
    // Non-empty: the answer leaves out server_no_context_takeover or server_max_window_bits
    // the offer carried. RFC 7692 7.1.1.1 / 7.1.2.1: a server accepts such an offer "by
    // including" the parameter, so the answer is not in the RFC's form; but it states a
    // configuration wsspec supports (the server may keep its context, window up to 15 bits),
    // and a client MUST fail only on one it does not support (7). wsspec follows the answer
    // as it stands and the case is at best NON-STRICT; this says why.
    std::string leniency;
};
ClientDeflateOutcome check_deflate_answer(std::span<const std::string> offered_elements,
                                          std::span<const std::string> accepted_elements);

}  // namespace wsspec::peer
