// The scripted server: runs one case against a client under test on a connection the
// client opened, after wsspec has read the client's opening handshake request (the request
// target says which case to run, so the caller reads it). Answers the handshake -- a valid
// 101 that declines every offered extension and selects no subprotocol, or the response
// the case describes (hsc.*) -- then executes the steps with the codec in the server role
// and records what the client did. It never judges.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "harness/cases/case.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"
#include "harness/oracle/observation.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/case_session.h"
#include "harness/peer/h2_server_connection.h"

namespace wsspec::peer {

struct ServerCaseSettings : CaseLimits {
    std::string server_name = "wsspec";
};

// The client's opening handshake as the caller read it.
struct ClientRequest {
    codec::HttpRequestHead head;
    std::string raw;       // the request head as received (through the final CRLFCRLF)
    std::string leftover;  // bytes that followed the head (frames sent right behind it)
};

// Runs `c` on `stream` (plain TCP or TLS, past its TLS handshake; its executor is `io`)
// and closes it before returning.
oracle::Observation run_case_as_server(const cases::Case& c, asio::io_context& io,
                                       std::unique_ptr<ByteStream> stream,
                                       const ClientRequest& request,
                                       const ServerCaseSettings& settings);

// The same for a WebSocket over an HTTP/2 stream (RFC 8441): `request` is the client's
// extended CONNECT on `connection`. The case answers it with 200 (or with the refusal an
// invalid request gets) and runs over the stream; the connection stays for the next request.
oracle::Observation run_case_as_h2_server(const cases::Case& c, H2ServerConnection& connection,
                                          const H2ServerConnection::Request& request,
                                          const ServerCaseSettings& settings);

// The extended CONNECT's fields as text for a report: one per line, pseudo-header fields
// first (HTTP/2 has no request head).
std::string describe_h2_fields(const std::vector<h2::Header>& fields);

// The opening handshake response a case describes (`handshake_response`), as the octets
// wsspec sends to the client whose request is `req`.
std::string scripted_response(const cases::HandshakeResponse& r, const codec::AcceptedRequest& req,
                              const ServerCaseSettings& settings);

// The Sec-WebSocket-Accept of a key other than `key` (for responses that must be wrong).
std::string wrong_accept_key(std::string_view key);

}  // namespace wsspec::peer
