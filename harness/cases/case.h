// The case model: what one JSON-described case in cases/ says, after loading and
// validation. A case is data, not code: the scripted peer executes `steps`, records what
// the peer under test did as a list of `Event`s, and the judge compares that list with
// `expect` (first matching alternative wins, as in Autobahn|Testsuite).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wsspec::cases {

// Which peer is under test. A server case is run by wsspec acting as a client.
enum class Role : std::uint8_t { server, client };

// Bytes described compactly: literal text, hex, or a pattern repeated to a length
// (so a 16 MiB payload is a line of JSON, not 16 MiB of it).
struct Payload {
    enum class Kind : std::uint8_t { text, hex, pattern, close, data };
    Kind kind = Kind::text;
    std::string text;          // kind == text: UTF-8 (or any bytes) as written in JSON
    std::string bytes;         // kind == hex: decoded bytes; kind == pattern: the unit
    std::uint64_t length = 0;  // kind == pattern: total length, unit repeated and cut
    // kind == close: a close frame body built from a code and a reason
    std::optional<std::uint16_t> close_code;
    std::string close_reason;  // raw bytes (may be invalid UTF-8 on purpose)
    // kind == data: `length` bytes of the named test data set (test_data.h) from `offset`,
    // wrapping at its end
    std::string data_set;
    std::uint64_t offset = 0;

    // Materializes the bytes. Patterns are expanded; callers that only need a digest of
    // a huge payload should still call this: the largest catalog payload is 16 MiB.
    [[nodiscard]] std::string materialize() const;
    [[nodiscard]] std::uint64_t size() const;
    // Compares with received bytes without expanding a pattern (16 MiB echoes).
    [[nodiscard]] bool matches(std::string_view received) const;
};

// `length` bytes of the named test data set from `offset`, wrapping at its end (Autobahn
// 12.*/13.* slide a window over their data files). Empty for an unknown set.
std::string data_window(std::string_view data_set, std::uint64_t offset, std::uint64_t length);

// A pause inside one frame's bytes (Autobahn 6.4.3/6.4.4 write one frame in chops with
// waits between them): after the header and the first `after` payload bytes are written,
// sleep `ms`; if the connection is still open, record a `mark` event named `mark` (when
// non-empty) and go on, otherwise stop sending.
struct FramePause {
    std::uint64_t after = 0;  // payload bytes written before the pause
    std::uint32_t ms = 0;
    std::string mark;
};

// One frame on the wire. Every field can be set so a case can send frames that lie.
struct FrameStep {
    std::uint8_t opcode = 1;
    bool fin = true;
    std::uint8_t rsv = 0;                   // RSV1..RSV3 as bits 4,2,1 (value 0..7)
    std::optional<bool> mask;               // default: what the role requires
    std::optional<std::uint32_t> mask_key;  // default: random per frame
    Payload payload;
    std::optional<std::uint64_t> length;  // length field that lies about the payload
    std::optional<int> length_form;       // force 7, 16 or 64-bit form (non-minimal)
    std::uint64_t chop = 0;               // write in pieces of this many bytes (0: whole)
    std::uint32_t chop_delay_ms = 0;      // pause between pieces
    std::vector<FramePause> pauses;       // ascending `after`; none: no pauses
    // Compress the payload with our side of the agreed permessage-deflate (as one whole
    // message); fin, rsv and opcode stay as given.
    bool compress = false;
};

// A whole message, fragmented automatically (Autobahn 9.3/9.4, 10.1).
struct MessageStep {
    std::uint8_t opcode = 1;
    Payload payload;
    std::uint64_t fragment_size = 0;  // 0: one frame
    std::uint64_t chop = 0;           // write the resulting bytes in pieces of this size
    std::uint32_t chop_delay_ms = 0;
    // Compressed with our side of the agreed permessage-deflate; `fragment_size` then
    // splits the compressed bytes and RSV1 marks the first frame (RFC 7692 6).
    bool compress = false;
};

// Autobahn 12.*/13.*: `count` messages sent one at a time, each the next `length` bytes of
// a test data set (a sliding window that wraps), each echo checked -- type, length and
// bytes -- as it arrives and then forgotten; the series stops at the first mismatch.
struct EchoSeriesStep {
    std::uint32_t count = 1;
    std::uint8_t opcode = 1;
    std::string data_set;
    std::uint64_t length = 0;
    std::uint64_t fragment_size = 0;  // 0: one frame
    bool compress = false;
};

struct RawStep {
    std::string bytes;
    std::uint64_t chop = 0;
    std::uint32_t chop_delay_ms = 0;
};

// Sleep; if the connection is still open afterwards, record a `mark` event with this
// name (Autobahn's continueLater "timeout" tags: 6.4.* use them to tell fail-fast from
// fail-at-end).
struct SleepStep {
    std::uint32_t ms = 0;
    std::string mark;  // empty: record nothing
};

// Wait until the trace holds at least `events` events, or the connection ends, or the
// step timeout passes (then the case continues; the judge sees what was recorded).
struct AwaitStep {
    std::size_t events = 1;
    std::uint32_t timeout_ms = 0;  // 0: the case timeout
    // When set, `events` is ignored: wait until the trace holds this many events more than
    // it held when the innermost enclosing repeat iteration began (at the top level: when
    // the steps began). 9.7/9.8 repeat [send one message, await more 1] 1000 times.
    std::optional<std::size_t> more;
};

// Start the closing handshake ourselves (closedByMe) and wait for it to finish.
struct CloseStep {
    std::optional<std::uint16_t> code = 1000;  // nullopt: empty close payload
    std::string reason;
};

// Wait for the peer to close (fail) the connection; drop TCP ourselves after the timeout.
struct AwaitCloseStep {
    std::uint32_t timeout_ms = 0;  // 0: the case timeout
};

// WebSockets over HTTP/2 (RFC 8441 5): the stream ends the way TCP would, without a Close
// frame. `reset`: RST_STREAM with `error_code` (an abortive close); then wsspec opens a probe
// WebSocket stream on the same connection, whose echo shows the reset touched only that
// stream (RFC 9113 5.4.2). Otherwise END_STREAM (an orderly close of our half).
struct StreamStep {
    bool reset = false;
    std::string error_code = "CANCEL";  // RFC 9113 7 name, with reset
};

// Repeat the inner steps (9.7/9.8 round trips).
struct RepeatStep;

using Step = std::variant<FrameStep, MessageStep, RawStep, SleepStep, AwaitStep, CloseStep,
                          AwaitCloseStep, RepeatStep, EchoSeriesStep, StreamStep>;

struct RepeatStep {
    std::uint32_t times = 1;
    std::vector<Step> steps;
};

// What the peer under test did, as the judge compares it.
struct Event {
    enum class Kind : std::uint8_t { message, ping, pong, mark };
    Kind kind = Kind::message;
    bool binary = false;  // message only
    Payload payload;      // message/ping/pong (expected side); mark: payload.text = name
    // Matching: kind, binary flag and exact bytes (for a received payload too large to
    // keep: its size and SHA-256, payload_digest.h).
};

// The opening handshake a case sends, when it is not the default version 13 request.
// Placeholders {host}, {path}, {key} and {origin} in any string are filled in by the peer.
struct HandshakeRequest {
    std::optional<std::string> raw;  // the whole request, sent as is (after placeholders)
    std::string method = "GET";
    std::string target = "{path}";
    std::string http_version = "HTTP/1.1";
    int ws_version = 13;  // 13 (RFC 6455) or 8 (hybi-10: Sec-WebSocket-Origin)
    // Non-empty: exactly these header lines, in order, replace the defaults.
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::pair<std::string, std::string>> add_headers;  // appended to defaults
    std::vector<std::string> remove_headers;  // default headers left out (any case)
    std::uint64_t chop = 0;                   // write the request in pieces of this many bytes
    std::uint32_t chop_delay_ms = 0;
    // Bytes written in the same write as the request, before the response is read
    // (a frame pipelined right after the handshake).
    std::string pipelined;
};

// The opening handshake response of a client case (wsspec is the server), when it is not
// the default valid 101: a case that checks the client fails the connection on a bad
// answer (RFC 6455 4.1: "If the status code received from the server is not 101 ... If the
// response lacks an |Upgrade| header field ... the client MUST _Fail the WebSocket
// Connection_"). Placeholders {accept} (the correct Sec-WebSocket-Accept for the client's
// key), {key} (the client's key) and {protocol} (the first subprotocol the client offered,
// empty if none) in any string are filled in by wsspec.
struct HandshakeResponse {
    enum class Accept : std::uint8_t {
        valid,  // Sec-WebSocket-Accept for the client's key
        wrong,  // the accept value of a different key
    };
    std::optional<std::string> raw;  // the whole response, sent as is (after placeholders)
    int status = 101;
    std::string reason;  // empty: the standard phrase for the status
    std::string http_version = "HTTP/1.1";
    Accept accept = Accept::valid;
    // Non-empty: exactly these header lines replace the defaults (Upgrade, Connection,
    // Sec-WebSocket-Accept).
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::pair<std::string, std::string>> add_headers;  // appended to defaults
    std::vector<std::string> remove_headers;  // default headers left out (any case)
    std::uint64_t chop = 0;                   // write the response in pieces of this many bytes
    std::uint32_t chop_delay_ms = 0;
};

// The extended CONNECT of an RFC 8441 case (`h2` in the case file): the request's field
// list edited, and how the HTTP/2 connection around it behaves. Such cases run only over
// HTTP/2 targets.
struct H2Request {
    // Non-empty: exactly these fields, in order, replace the defaults (:method, :protocol,
    // :scheme, :path, :authority, sec-websocket-version); names are sent as written.
    std::vector<std::pair<std::string, std::string>> fields;
    std::vector<std::pair<std::string, std::string>> add_fields;  // appended to the defaults
    std::vector<std::string> remove_fields;                       // default fields left out
    // Send the extended CONNECT right after our preface, before the server's SETTINGS
    // (RFC 8441 3).
    bool before_settings = false;
    // Our SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 6.5.2); 0: wsspec's default.
    std::uint32_t initial_window_size = 0;
    // WebSocket streams opened on the same connection once the case's stream is open, each
    // echoing one text message and closing, all at once (RFC 9113 5: multiplexing).
    std::uint32_t extra_streams = 0;
};

// The answer of a client-role RFC 8441 case (`h2_response` in the case file): how wsspec,
// the HTTP/2 server, answers the client's extended CONNECT and treats the connection. Such
// cases run only with `wsspec test-client --http2`.
struct H2Response {
    int status = 200;  // the answer's :status (RFC 8441 5: 200 opens the WebSocket)
    // Appended to the answer, names as written (malformed ones on purpose, RFC 9113 8.2.2).
    std::vector<std::pair<std::string, std::string>> add_fields;
    // After the answer, a SETTINGS frame with SETTINGS_ENABLE_CONNECT_PROTOCOL = 0, which
    // RFC 8441 3 forbids the server to send after 1.
    bool withdraw_connect_protocol = false;
    // Our SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 6.9.2), sent before the answer: what the
    // client may send on the stream before our WINDOW_UPDATE; 0: wsspec's default.
    std::uint32_t initial_window_size = 0;
};

// What a handshake case accepts as the server's answer.
struct HandshakeMatch {
    std::vector<int> status;        // allowed status codes; empty: any
    std::vector<int> status_class;  // allowed classes, 4 means 4xx; empty: any
    // (When both `status` and `status_class` are non-empty, a status in either is allowed.)
    bool accept_key_valid = false;  // when status is 101: accept key must match
    // Header (lower-case name) whose comma-separated token list must contain each token.
    std::vector<std::pair<std::string, std::string>> header_has_token;
    std::vector<std::string> header_absent;  // lower-case names that must not be present
    // Header (lower-case name) that must be present once with a value (OWS trimmed) equal
    // to one of the listed values (a selected subprotocol must be one that was offered).
    std::vector<std::pair<std::string, std::vector<std::string>>> header_in;
    // Whether permessage-deflate was agreed (the server accepted one of the offers and its
    // answer fits); nullopt: either.
    std::optional<bool> deflate_agreed;
    // Matches only when the server sent no HTTP response at all: it closed the connection
    // or stayed silent until the case timeout. Other fields are then ignored.
    bool no_response = false;
    // HTTP/2 (RFC 8441 cases): matches when the server answered the extended CONNECT with
    // no final response but RST_STREAM, or GOAWAY, carrying one of these error codes (RFC
    // 9113 7 names, e.g. PROTOCOL_ERROR; RFC 9113 5.4.1 lets a stream error be treated as a
    // connection error). Other fields are then ignored.
    std::vector<std::string> stream_error;
};

// How an expectation's `events` are compared with the trace.
enum class EventsMatch : std::uint8_t {
    exact,  // the trace equals `events`
    // The trace is a non-empty, in-order subsequence of `events` that ends with the last of
    // them: RFC 6455 5.5.3 lets an endpoint with several Pings waiting answer only the most
    // recently processed one (Autobahn 2.10/2.11 expect every Pong).
    subsequence_with_last,
    // The messages equal those of `events` in order, and so do the Pongs, in any
    // interleaving: RFC 6455 sets no order between the Pong that answers a Ping and the echo
    // of a message that came before it (a library answers Pings itself, its application
    // echoes). Used by the live fuzzer's derived expectations.
    interleaved,
    // As interleaved, but the messages need only be a prefix of those of `events` (in
    // order), and so need the Pongs: what a peer wrote before it failed the connection.
    interleaved_prefixes,
};

struct Expectation {
    std::string verdict;                       // OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED
    std::optional<HandshakeMatch> handshake;   // handshake cases
    std::optional<std::vector<Event>> events;  // nullopt: any events
    EventsMatch match = EventsMatch::exact;
    // The judge leaves heartbeats out of the trace before comparing: Pings the peer sent on
    // its own (RFC 6455 5.5.2; kept when `events` lists a ping) and Pongs that answer no Ping
    // of ours (5.5.3: "A Pong frame MAY be sent unsolicited"). Set for cases about exactly
    // that (2.7, 2.8): then unsolicited Pongs stay in the trace.
    bool count_unsolicited_pongs = false;
    std::string note;  // why this outcome gets this verdict (shown in the report)
};

// Autobahn's expectedClose.
struct CloseExpectation {
    bool closed_by_me = true;
    std::vector<std::uint16_t> codes = {1000};  // allowed remote close codes (missing is OK)
    bool require_clean = true;
    // Autobahn's closedByWrongEndpointIsFatal: if the peer did not fail the connection,
    // behavior is FAILED even when the events matched.
    bool wrong_endpoint_is_fatal = false;
    // 7.1.1, 7.7.*, 7.9.*: a WRONG CODE close verdict also makes behavior FAILED.
    bool wrong_code_is_fatal = false;
    // No close handshake is expected (handshake cases that must be refused).
    bool not_applicable = false;
    // The peer must fail the connection with a code (7.3.2, 7.3.6, 7.5.1, 7.9.*: we sent a
    // malformed Close). An empty Close in reply (Autobahn's "or empty") cannot be told from
    // an ordinary reply, and RFC 6455 7.1.7 says the endpoint failing the connection SHOULD
    // send a Close with an appropriate status code: behavior is NON-STRICT then, not OK.
    bool require_code = false;
    // Rules (codec::error_kind_name) the peer may break in this case without failing it:
    // 7.13.* lists invalid_close_code, since echoing code 5000 is what the case asks about.
    // Any other rule the peer breaks fails the case (unless the close is not_applicable:
    // handshake cases judge only the answer to the handshake).
    std::vector<std::string> tolerated_violations;
};

// Client role: how wsspec, the server, chooses among the client's permessage-deflate offers
// (codec::PerMessageDeflateServerPolicy), and which parameters an offer must carry.
struct DeflateAccept {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::uint8_t server_max_window_bits = 15;
    std::optional<std::uint8_t> client_max_window_bits;
    std::vector<std::string> needs;  // parameter names an accepted offer must carry
};

// A case about permessage-deflate (RFC 7692).
struct DeflateCase {
    // UNIMPLEMENTED when the handshake completed without permessage-deflate agreed.
    bool required = true;
    // Client role: the first policy whose `needs` an offer meets decides (Autobahn 13.7
    // tries three); empty: wsspec's defaults.
    std::vector<DeflateAccept> accept;
    // Client role: the Sec-WebSocket-Extensions element answered as is, instead of
    // negotiating (responses a client must refuse, or accept). Sent only when some
    // permessage-deflate offer of the client carries every parameter in `needs` and none
    // in `lacks`; otherwise the case is UNIMPLEMENTED for that client.
    std::optional<std::string> response;
    std::vector<std::string> needs;
    std::vector<std::string> lacks;
    // With `response`: whether the answer is meant to fit the client's offer (a client must
    // accept it) or not (it must refuse). When this client's offer says otherwise (values
    // `needs` cannot express), the case does not apply: UNIMPLEMENTED.
    std::optional<bool> response_fits;
};

// What a server under test may keep of the resources one case uses, once the case is over
// (a fuzz finding's leak). Checked only when wsspec supervises the server (--exec) and so
// can read its memory and descriptors; unset: not limited.
struct ResourceLimits {
    std::optional<std::uint64_t> rss_growth_kib;  // resident memory, KiB
    std::optional<std::uint64_t> fd_growth;       // open file descriptors
};

struct Case {
    std::string id;                // "1.1.1", "hs.2.3"
    std::string description;       // one line
    std::vector<std::string> rfc;  // "RFC 6455 5.6"
    std::string requirement;       // the requirement checked, quoted from the RFC
    std::vector<Role> roles;       // peers under test this case applies to
    std::uint32_t timeout_ms = 0;  // 0: the run's default
    std::optional<HandshakeRequest> handshake;
    // Client-only cases: what wsspec (the server) answers instead of a valid 101.
    std::optional<HandshakeResponse> handshake_response;
    // RFC 8441 cases: the extended CONNECT and the HTTP/2 connection (HTTP/2 targets only).
    std::optional<H2Request> h2;
    // Client-role RFC 8441 cases: wsspec's answer as the HTTP/2 server.
    std::optional<H2Response> h2_response;
    std::vector<std::string> offer_protocols;   // Sec-WebSocket-Protocol offered
    std::vector<std::string> offer_extensions;  // Sec-WebSocket-Extensions offered
    std::optional<DeflateCase> permessage_deflate;
    std::vector<Step> steps;
    std::vector<Expectation> expect;  // first match wins; no match: FAILED
    CloseExpectation expect_close;
    bool informational = false;       // 7.1.6: OK / NON-STRICT become INFORMATIONAL
    bool measure_throughput = false;  // 9.*: report bytes/s
    std::optional<ResourceLimits> resource_limits;
    std::string source_file;  // where it was loaded from (for errors and reports)
    std::string group;        // the case file's "group" ("1.1")
    std::string group_title;  // the case file's "title" ("Text messages")
};

}  // namespace wsspec::cases
