// What happened during one case, as the scripted peer saw it. The judge turns this into
// verdicts; the reporters print it. Nothing here is interpreted yet.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wsspec::oracle {

// One event the peer under test caused, in the order it happened.
struct ObservedEvent {
    enum class Kind : std::uint8_t { message, ping, pong, mark };
    Kind kind = Kind::message;
    bool binary = false;
    std::string payload;     // the bytes (mark: its name); only a prefix once judged
    std::uint64_t size = 0;  // the full payload size (payload may be cut after judging)
    // When `payload` was cut on arrival (past the session's byte budget): the whole
    // payload's digest (cases::digest_of), so the judge can still match it.
    std::string digest;
    // pong: it answers no Ping we sent and had not seen answered (RFC 6455 5.5.3: a Pong MAY
    // be sent unsolicited, as a heartbeat). Every ping in the trace is the peer's own.
    bool unsolicited = false;
};

// One line of the wire log: octets or a frame, in either direction.
struct WireEntry {
    enum class Kind : std::uint8_t { tx_octets, rx_octets, tx_frame, rx_frame, note };
    Kind kind = Kind::note;
    double at_ms = 0;          // since the case started
    std::uint64_t length = 0;  // octets, or the frame's payload length
    std::string data;          // first bytes of the octets / payload (truncated), or note text
    // frames only
    std::uint8_t opcode = 0;
    bool fin = true;
    std::uint8_t rsv = 0;
    bool masked = false;
    // Received frames: what the frame meant once decoded, e.g. "close 1002 \"bad\"",
    // "text message, 5 bytes" (on the first frame of its message; `data` then holds the
    // start of the message, inflated when it was compressed). Empty: nothing decoded.
    std::string decoded;
};

struct HandshakeObservation {
    bool attempted = false;
    bool completed = false;  // 101 received and valid (or accepted, in client-testing mode)
    // The opening handshake was an extended CONNECT on an HTTP/2 stream (RFC 8441): its
    // 200 stands where HTTP/1.1 has 101, and there is no Sec-WebSocket-Accept.
    bool http2 = false;
    std::string request;   // what we sent (truncated for huge requests)
    std::string response;  // the head we received, as text (truncated)
    int status = 0;        // HTTP status; 0: none received
    std::vector<std::pair<std::string, std::string>> headers;
    bool accept_key_valid = false;
    std::string failure;  // why the handshake did not complete, in words
    // permessage-deflate (RFC 7692): agreed in this handshake (client role: wsspec answered
    // the client's offer with a permessage-deflate element), and what was agreed or why not.
    bool deflate_agreed = false;
    std::string deflate;  // "permessage-deflate; server_no_context_takeover", "declined: ..."
    // Server role: the answer was followed although it is not in RFC 7692's form (it left
    // out a server-side parameter of the offer); why, in words. The case is then at best
    // NON-STRICT (peer::ClientDeflateOutcome::leniency).
    std::string deflate_leniency;
    // HTTP/2: the stream ended without a final response by RST_STREAM (or the connection by
    // GOAWAY): the frame and its RFC 9113 7 error code name, e.g. "RST_STREAM",
    // "PROTOCOL_ERROR". Empty otherwise.
    std::string stream_error_frame;
    std::string stream_error;
};

// Payload bytes of data messages before (plain) and after (wire) permessage-deflate, in
// each direction: Autobahn's compression ratio is wire / plain.
struct CompressionStats {
    std::uint64_t sent_plain = 0;
    std::uint64_t sent_wire = 0;
    std::uint64_t received_plain = 0;
    std::uint64_t received_wire = 0;
};

// An echo series (Autobahn 12.*/13.*): each echo is checked as it arrives and forgotten.
struct EchoSeriesObservation {
    std::uint32_t count = 0;   // messages the series sends
    std::uint32_t echoed = 0;  // echoes that matched, in order
    bool binary = false;
    std::string failure;  // the first mismatch, or why the series stopped; empty: complete
};

// What wsspec did not keep of what the peer sent, once a per-case budget was full
// (STYLE 6; the limits are in peer::SessionSettings). Zero when nothing was dropped.
struct DroppedCounts {
    std::uint64_t events = 0;        // events beyond the event budget (not recorded at all)
    std::uint64_t event_bytes = 0;   // payload bytes not kept (dropped or cut events)
    std::uint64_t wire_entries = 0;  // wire log entries beyond the entry or byte budget
    std::uint64_t pongs = 0;         // Pongs not sent: a newer Ping replaced them (5.5.3)
};

// The peer sent more than the case could cause (peer::ReceiveBudget): wsspec stopped
// reading, closed the connection and the case is FAILED.
struct FloodObservation {
    std::uint64_t frames = 0;  // received when the budget ran out
    std::uint64_t bytes = 0;
    double at_ms = 0;  // since the case started
    std::uint64_t frame_budget = 0;
    std::uint64_t byte_budget = 0;
    std::string what;  // "N frames / M bytes in T ms (this case allows ...)"
};

// The supervised peer's resources before and after the case (test-server --exec, for cases
// with resource limits).
struct ResourceSample {
    std::uint64_t rss_before = 0, rss_after = 0;  // bytes
    std::uint64_t fds_before = 0, fds_after = 0;
};

struct Observation {
    std::string connect_error;  // could not even connect (before any byte)
    HandshakeObservation handshake;
    // HTTP/2 (RFC 8441): what the server got wrong on streams other than the case's own (a
    // multiplexed stream that did not echo, a probe after RST_STREAM that found the
    // connection gone), each with the requirement it breaks. Any entry fails the case.
    std::vector<std::string> h2_failures;
    // What it did short of what it should (a refused extra stream, a connection closed after
    // one stream's reset): an OK behavior becomes NON-STRICT.
    std::vector<std::string> h2_lapses;
    std::vector<ObservedEvent> events;
    std::vector<WireEntry> wire;

    // Close behaviour, in Autobahn's terms.
    bool closed_by_me = false;  // we sent the first Close frame
    bool close_sent = false;
    bool close_received = false;
    std::optional<std::uint16_t> remote_close_code;
    std::string remote_close_reason;
    std::optional<std::uint16_t> local_close_code;
    bool dropped_by_me = false;       // we closed TCP without the peer closing it first
    bool failed_by_me = false;        // the peer broke a rule and we failed the connection
    std::string peer_violation;       // that rule, in words
    std::string peer_violation_kind;  // its codec::error_kind_name, e.g. "invalid_close_code"
    bool peer_closed_tcp = false;
    // The case reached its timeout with the TCP connection still open (wsspec dropped it).
    bool open_at_deadline = false;
    bool timed_out = false;  // some wait ran into its deadline
    std::string timeout_note;

    std::chrono::system_clock::time_point started;
    double duration_ms = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    double throughput_mbps = 0;  // measured cases only (9.*): MB/s both directions

    std::uint64_t frames_received = 0;  // frame headers the peer sent (after the handshake)
    std::optional<CompressionStats> compression;  // permessage-deflate was in use
    std::optional<EchoSeriesObservation> series;
    DroppedCounts dropped;
    std::optional<FloodObservation> flood;

    // Supervised peer (--exec) died during the case.
    std::optional<std::string> peer_crash;
    std::optional<ResourceSample> resources;
};

}  // namespace wsspec::oracle
