// The WebSocket connection state machine (RFC 6455 5-7), sans-IO in the style of wsproto:
// `receive()` takes the bytes that arrived and reports what they mean to a handler;
// `write_*()` append the bytes to send. No sockets, clocks, threads or globals, so every
// decision is testable with byte strings and the same code runs in the fuzz targets, the
// scripted peers and the reference server.
//
// Hot path: complete single-frame messages are delivered as views into the caller's
// buffer (unmasked in place), with no copy and no allocation; only fragmented messages
// and frames split across reads are assembled in an internal buffer, whose size is bounded
// by `max_message_size` (checked from the header, before any payload is buffered).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/codec/close_payload.h"
#include "harness/codec/constants.h"
#include "harness/codec/extension.h"
#include "harness/codec/frame_header.h"
#include "harness/codec/masking.h"
#include "harness/codec/protocol_error.h"
#include "harness/codec/utf8_validator.h"

namespace wsspec::codec {

enum class MessageType : std::uint8_t { text, binary };

struct ConnectionLimits {
    std::uint64_t max_message_size = 64ULL << 20;  // 1009 beyond this
    // Bounds control frames once control_frame_too_long is waived (otherwise 5.5 bounds
    // them at 125 bytes). A control frame is delivered whole, so one split across reads is
    // buffered: without a bound a waived peer could make us hold a Ping of any size. The
    // default is the largest length the 16-bit length form can carry (5.2), far above any
    // "slightly too long" control frame a test sends. Not waivable: it is a memory budget,
    // not an RFC rule (10.4). Beyond it: control_frame_over_limit, 1009.
    std::uint64_t max_waived_control_payload = max_16bit_payload;
    bool reject_non_minimal_length = false;
    bool enforce_masking = true;   // false: accept masked and unmasked frames (observers)
    std::uint8_t allowed_rsv = 0;  // RSV bits negotiated by extensions
    // Rules not enforced, as a bit set of (1 << ErrorKind). For observers that must record
    // what a broken peer sends, and for the reference server's defect injection in tests.
    // Waivable: masking, reserved bits, control frame length, invalid UTF-8, message size,
    // close code and close reason validity (not the control frame budget above).
    std::uint32_t waived = 0;
    [[nodiscard]] bool waives(ErrorKind kind) const {
        return (waived & (1U << static_cast<unsigned>(kind))) != 0;
    }
};

// What the bytes meant. Views are valid only during the call.
class ConnectionHandler {
  public:
    virtual ~ConnectionHandler() = default;
    virtual void on_frame(const FrameHeader& /*header*/) {}
    virtual void on_message(MessageType type, std::string_view payload) = 0;
    virtual void on_ping(std::string_view /*payload*/) {}
    virtual void on_pong(std::string_view /*payload*/) {}
    virtual void on_close(const ClosePayload& /*close*/) {}
    // The peer broke a rule; the connection is failed and should be closed with
    // error.close_code (RFC 7.1.7).
    virtual void on_error(const ProtocolError& /*error*/) {}
};

enum class ConnectionState : std::uint8_t {
    open,
    close_sent,      // we sent Close, waiting for the peer's
    close_received,  // the peer sent Close; anything after it is ignored (5.5.1)
    closed,          // both Close frames exchanged
    failed,          // a protocol error; nothing more is read
};

// What a write_*() call did. The writers only produce frames RFC 6455 lets an endpoint
// send, and refuse anything else without appending a byte; frames that break the rules on
// purpose (the scripted peers' cases) are built with FrameSpec and append_frame
// (frame_writer.h) instead.
enum class WriteStatus : std::uint8_t {
    written,
    control_payload_too_long,   // 5.5: Ping, Pong and Close carry at most 125 octets
    invalid_close_code,         // 7.4.1, 7.4.2: 1005, 1006, 1015, reserved or undefined codes
    close_reason_without_code,  // 5.5.1: a reason only follows a status code
    close_reason_not_utf8,      // 5.5.1: the reason is UTF-8
    after_close,  // 5.5.1: nothing after our Close; after a failure only the Close (7.1.7)

    // Fragmented writes and extensions (write_fragment, use_extension):
    message_in_progress,  // 5.4: a whole message while our fragmented one is unfinished
    extension_failed,     // the extension could not transform the payload (no memory)
};

class Connection {
  public:
    // `mask_seed` seeds the masking keys of the frames this side writes. It has no default:
    // a client's keys MUST NOT be predictable (RFC 6455 5.3, 10.3), so every caller decides
    // where its seed comes from (harness/peer/entropy.h at the edges, fixed in tests).
    explicit Connection(Role role, ConnectionLimits limits, std::uint64_t mask_seed);

    // Consumes data[0, size), unmasking payloads in place. Returns false once failed.
    bool receive(std::uint8_t* data, std::size_t size, ConnectionHandler& handler);

    // Appends one complete frame to `out` (masked when we are the client, 5.3), or nothing
    // when the frame is not one this endpoint may send now (see WriteStatus).
    WriteStatus write_message(std::string& out, MessageType type, std::string_view payload);
    WriteStatus write_ping(std::string& out, std::string_view payload);
    WriteStatus write_pong(std::string& out, std::string_view payload);
    // Starts or answers the closing handshake, or fails the connection after on_error.
    WriteStatus write_close(std::string& out, std::optional<std::uint16_t> code,
                            std::string_view reason = {});

    // ---- extensions (connection_extension.cpp) ----------------------------------------
    // Puts a negotiated extension (e.g. make_permessage_deflate()) in use, before the first
    // receive() or write. From then on its RSV bits are allowed on the first frame of a
    // data message and nowhere else (RFC 7692 6), inbound messages it marked are decoded
    // before delivery (limits and UTF-8 apply to the decoded bytes), and write_message()
    // and write_fragment() encode what the extension chooses to.
    void use_extension(std::unique_ptr<MessageExtension> extension);
    [[nodiscard]] const MessageExtension* extension() const { return extension_.get(); }
    // One frame of a fragmented data message (RFC 6455 5.4): the first call starts it with
    // `type`, later calls continue it (their `type` is ignored), `fin` ends it. With an
    // extension, only the first frame carries its RSV bits (RFC 7692 6).
    WriteStatus write_fragment(std::string& out, MessageType type, std::string_view payload,
                               bool fin);
    // The payload of one whole message as the extension in use would send it, for writers
    // that frame it themselves (a test peer splitting compressed bytes at any boundary).
    // `rsv` receives the bits its first frame carries (0: sent as is; `out` is then the
    // payload unchanged). Without an extension: the payload, rsv 0.
    WriteStatus encode_message(MessageType type, std::string_view payload, std::string& out,
                               std::uint8_t& rsv);

    [[nodiscard]] ConnectionState state() const { return state_; }
    // Memory held for the inbound message being assembled and a control frame's payload (a
    // server's budget across its connections counts it after each receive()).
    [[nodiscard]] std::size_t buffered_bytes() const {
        return message_buf_.capacity() + control_buf_.capacity();
    }
    [[nodiscard]] const ProtocolError& error() const { return error_; }
    [[nodiscard]] Role role() const { return role_; }
    // The next masking key this side would use (for writers outside this class).
    MaskKey next_mask_key();

  private:
    void write_frame(std::string& out, std::uint8_t opcode, std::string_view payload);
    [[nodiscard]] bool may_send_more() const;
    bool fail(ErrorKind kind, ConnectionHandler& handler);
    bool start_frame(ConnectionHandler& handler);
    bool consume_payload(std::uint8_t* data, std::size_t n, ConnectionHandler& handler);
    bool finish_frame(std::string_view direct, ConnectionHandler& handler);
    bool finish_control(std::string_view payload, ConnectionHandler& handler);

    // Extension paths (connection_extension.cpp), reached only when an extension is in use.
    struct DecodedSink;
    bool check_extension_bits(ConnectionHandler& handler);
    bool decode_payload(const std::uint8_t* data, std::size_t n, bool end_of_message,
                        ConnectionHandler& handler);
    WriteStatus write_data_frame(std::string& out, MessageType type, std::string_view payload,
                                 bool first, bool fin);

    Role role_;
    ConnectionLimits limits_;
    FrameRules rules_;
    ConnectionState state_ = ConnectionState::open;
    bool close_written_ = false;
    ProtocolError error_;
    std::uint64_t rng_;

    // RSV bits of the extension in use (0 without one, so the frame path tests one byte),
    // and whether the inbound message goes through it. Next to the per-frame state.
    std::uint8_t extension_rsv_ = 0;
    bool decoding_ = false;

    // Header being assembled across reads.
    std::uint8_t header_buf_[max_frame_header_size] = {};
    std::uint8_t header_len_ = 0;
    bool in_payload_ = false;
    FrameHeader frame_;
    std::uint64_t remaining_ = 0;
    std::size_t mask_offset_ = 0;

    // Message being assembled (fragmented, or a frame split across reads).
    bool in_message_ = false;
    MessageType message_type_ = MessageType::text;
    std::uint64_t message_size_ = 0;
    std::string message_buf_;
    Utf8Validator utf8_;
    std::string control_buf_;

    // Extension state (outbound, and the extension itself).
    std::unique_ptr<MessageExtension> extension_;
    bool sending_fragments_ = false;  // our fragmented message is unfinished
    bool encoding_ = false;           // our current outbound message goes through it
    MessageType message_type_out_ = MessageType::text;  // of our fragmented message
    std::string encode_buf_;
};

}  // namespace wsspec::codec
