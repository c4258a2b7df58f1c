// The parts of Connection that only run once an extension is in use (connection.h): the RSV
// rules of RFC 7692 6, decoding inbound messages into the reassembly buffer under the
// message size limit and the UTF-8 check, and writing encoded messages and fragments. Kept
// apart from connection.cpp so the plain frame path stays as it was.
#include <string>

#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"

namespace wsspec::codec {

// Receives the decoded bytes of a message, a bounded chunk at a time, and judges each chunk
// before keeping it: the size limit applies to decoded bytes (a small compressed frame must
// not become an unbounded allocation), and text is validated as it is decoded (fail fast).
struct Connection::DecodedSink final : DecodedPayloadSink {
    explicit DecodedSink(Connection& c) : connection(c) {}

    // The verdict depends only on the decoded bytes, not on how they were chunked: text
    // within the limit is validated first, so invalid UTF-8 before the limit wins over the
    // size, and the size over anything after it.
    ErrorKind write(const std::uint8_t* data, std::size_t size) override {
        Connection& c = connection;
        const std::uint64_t room = c.limits_.max_message_size - c.message_size_;
        const bool too_big = size > room && !c.limits_.waives(ErrorKind::message_too_big);
        const std::size_t take = too_big ? static_cast<std::size_t>(room) : size;
        if (c.message_type_ == MessageType::text && !c.utf8_.feed(data, take) &&
            !c.limits_.waives(ErrorKind::invalid_utf8)) {
            return ErrorKind::invalid_utf8;
        }
        if (too_big) return ErrorKind::message_too_big;
        c.message_size_ += size;
        c.message_buf_.append(reinterpret_cast<const char*>(data), size);
        return ErrorKind::none;
    }

    Connection& connection;
};

void Connection::use_extension(std::unique_ptr<MessageExtension> extension) {
    extension_ = std::move(extension);
    extension_rsv_ = extension_ ? extension_->rsv_bits() : 0;
    rules_.allowed_rsv |= extension_rsv_;
}

// The frame has some of the extension's RSV bits set.
bool Connection::check_extension_bits(ConnectionHandler& handler) {
    // RFC 7692 6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control
    // frames and non-first fragments of a data message. An endpoint receiving such a frame
    // MUST _Fail the WebSocket Connection_."
    if (is_control(frame_.opcode)) {
        if (!limits_.waives(ErrorKind::compressed_bit_on_control))
            return fail(ErrorKind::compressed_bit_on_control, handler);
    } else if (frame_.opcode == static_cast<std::uint8_t>(Opcode::continuation)) {
        if (!limits_.waives(ErrorKind::compressed_bit_on_continuation))
            return fail(ErrorKind::compressed_bit_on_continuation, handler);
    }
    return true;
}

bool Connection::decode_payload(const std::uint8_t* data, std::size_t n, bool end_of_message,
                                ConnectionHandler& handler) {
    DecodedSink sink(*this);
    const ErrorKind e = extension_->decode(data, n, end_of_message, sink);
    if (e != ErrorKind::none) return fail(e, handler);
    return true;
}

WriteStatus Connection::write_fragment(std::string& out, MessageType type, std::string_view payload,
                                       bool fin) {
    if (!may_send_more()) return WriteStatus::after_close;
    const bool first = !sending_fragments_;
    if (!first) type = message_type_out_;
    const WriteStatus status = write_data_frame(out, type, payload, first, fin);
    if (status == WriteStatus::written) {
        sending_fragments_ = !fin;
        message_type_out_ = type;
    }
    return status;
}

WriteStatus Connection::encode_message(MessageType type, std::string_view payload, std::string& out,
                                       std::uint8_t& rsv) {
    if (!may_send_more()) return WriteStatus::after_close;
    if (sending_fragments_) return WriteStatus::message_in_progress;
    rsv = extension_ ? extension_->begin_outbound_message(type == MessageType::text) : 0;
    if (rsv == 0) {
        out.assign(payload);
        return WriteStatus::written;
    }
    out.clear();
    return extension_->encode(payload, true, out) ? WriteStatus::written
                                                  : WriteStatus::extension_failed;
}

WriteStatus Connection::write_data_frame(std::string& out, MessageType type,
                                         std::string_view payload, bool first, bool fin) {
    FrameSpec spec;
    spec.fin = fin;
    spec.opcode = static_cast<std::uint8_t>(
        !first ? Opcode::continuation
               : (type == MessageType::text ? Opcode::text : Opcode::binary));
    if (first) {
        // RFC 7692 6: the bit goes on the first frame of the message only.
        const std::uint8_t rsv =
            extension_ ? extension_->begin_outbound_message(type == MessageType::text) : 0;
        encoding_ = rsv != 0;
        spec.rsv = rsv;
    }
    std::string_view body = payload;
    if (encoding_) {
        encode_buf_.clear();
        if (!extension_->encode(payload, fin, encode_buf_)) return WriteStatus::extension_failed;
        body = encode_buf_;
    }
    spec.masked = role_ == Role::client;
    if (spec.masked) spec.mask_key = next_mask_key();
    append_frame(out, spec, body);
    // Keep a large encoding buffer only while messages that large keep coming.
    constexpr std::size_t retained_encode_buffer = 1 << 20;
    if (encode_buf_.capacity() > retained_encode_buffer) {
        encode_buf_.clear();
        encode_buf_.shrink_to_fit();
    }
    return WriteStatus::written;
}

}  // namespace wsspec::codec
