// The extension layer of the codec (RFC 6455 9, RFC 7692 4-6), with wsproto's hooks: an
// extension negotiated in the opening handshake owns the RSV bits it defines, transforms the
// payload of inbound messages it marked and of outbound messages it chooses to mark, and
// keeps whatever per-message state it needs (for permessage-deflate, the LZ77 window).
//
// A Connection without an extension never calls into this interface (one pointer test per
// frame, none per byte), so the uncompressed path keeps its speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/codec/protocol_error.h"

namespace wsspec::codec {

// Where a decoding extension puts what it decoded, a bounded chunk at a time. Returning an
// error (message too big, invalid UTF-8) stops the decoding at once: the receiver judges
// every chunk as it comes, so a small frame that decodes to a huge message is refused at
// the limit, not after the whole message was produced.
class DecodedPayloadSink {
  public:
    virtual ErrorKind write(const std::uint8_t* data, std::size_t size) = 0;

  protected:
    ~DecodedPayloadSink() = default;
};

class MessageExtension {
  public:
    virtual ~MessageExtension() = default;

    // The extension token as negotiated, e.g. "permessage-deflate".
    [[nodiscard]] virtual std::string_view name() const = 0;
    // RSV bits this extension defines (RFC 6455 5.2: only these may be set once it is in
    // use). permessage-deflate: RSV1, the "Per-Message Compressed" bit (RFC 7692 6).
    [[nodiscard]] virtual std::uint8_t rsv_bits() const = 0;

    // ---- inbound -------------------------------------------------------------------------
    // The first frame of a data message arrived with some of the extension's bits set
    // (`rsv`: those bits). Returns true when the message's payload must go through decode().
    virtual bool begin_inbound_message(std::uint8_t rsv) = 0;
    // The next `size` payload bytes of a transformed message (unmasked; any split, even
    // empty). `end_of_message` on the final frame's last piece. Decoded bytes go to `sink`
    // in chunks; the first error (the extension's or the sink's) ends the call and the
    // message.
    virtual ErrorKind decode(const std::uint8_t* data, std::size_t size, bool end_of_message,
                             DecodedPayloadSink& sink) = 0;

    // ---- outbound ------------------------------------------------------------------------
    // A data message starts; returns the RSV bits for its first frame (0: sent as is, and
    // encode() is not called for it).
    virtual std::uint8_t begin_outbound_message(bool text) = 0;
    // Appends the encoding of the next piece of the message to `out`. False when the
    // extension could not (its state could not be allocated); nothing is appended then.
    virtual bool encode(std::string_view payload, bool end_of_message, std::string& out) = 0;
};

}  // namespace wsspec::codec
