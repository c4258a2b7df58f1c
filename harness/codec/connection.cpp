#include "harness/codec/connection.h"

#include <algorithm>
#include <cstring>

#include "harness/codec/frame_writer.h"
#include "harness/codec/utf8_block_check.h"

namespace wsspec::codec {
namespace {

// Keep a large reassembly buffer's memory only while messages that large keep coming.
constexpr std::size_t retained_buffer_limit = 1 << 20;

std::string_view as_view(const std::uint8_t* p, std::size_t n) {
    return {reinterpret_cast<const char*>(p), n};
}

std::uint32_t key_word(const MaskKey& key) {
    std::uint32_t w;
    std::memcpy(&w, key.data(), sizeof(w));
    return w;
}

}  // namespace

Connection::Connection(Role role, ConnectionLimits limits, std::uint64_t mask_seed)
    : role_(role), limits_(limits), rng_(mask_seed != 0 ? mask_seed : 1) {
    rules_.receiver = role;
    rules_.allowed_rsv = limits.waives(ErrorKind::reserved_bits_set) ? 0x7 : limits.allowed_rsv;
    rules_.enforce_masking = limits.enforce_masking &&
                             !limits.waives(ErrorKind::unmasked_client_frame) &&
                             !limits.waives(ErrorKind::masked_server_frame);
    rules_.enforce_control_length = !limits.waives(ErrorKind::control_frame_too_long);
    rules_.reject_non_minimal_length = limits.reject_non_minimal_length;
}

bool Connection::fail(ErrorKind kind, ConnectionHandler& handler) {
    error_ = make_error(kind);
    state_ = ConnectionState::failed;
    in_payload_ = false;
    handler.on_error(error_);
    return false;
}

// Flattened (the per-frame helpers inlined): with small frames, calls between them were a
// measurable share of the cost (tests/bench, small_frames).
[[gnu::flatten]] bool Connection::receive(std::uint8_t* data, std::size_t size,
                                          ConnectionHandler& handler) {
    std::size_t pos = 0;
    while (pos < size) {
        if (state_ == ConnectionState::failed) return false;
        // After the peer's Close nothing it sends means anything (RFC 6455 5.5.1).
        if (state_ == ConnectionState::close_received || state_ == ConnectionState::closed) {
            return true;
        }
        if (!in_payload_) {
            HeaderParseResult r;
            if (header_len_ == 0) {
                r = parse_frame_header(data + pos, size - pos, frame_, rules_);
                if (r.status == ParseStatus::need_more) {
                    // Fewer than 14 bytes are left; keep them for the next read.
                    header_len_ = static_cast<std::uint8_t>(size - pos);
                    std::memcpy(header_buf_, data + pos, header_len_);
                    return true;
                }
                if (r.status == ParseStatus::error) return fail(r.error, handler);
                pos += r.consumed;
            } else {
                const std::size_t take =
                    std::min<std::size_t>(max_frame_header_size - header_len_, size - pos);
                std::memcpy(header_buf_ + header_len_, data + pos, take);
                r = parse_frame_header(header_buf_, header_len_ + take, frame_, rules_);
                if (r.status == ParseStatus::need_more) {
                    header_len_ = static_cast<std::uint8_t>(header_len_ + take);
                    return true;  // take == size - pos here
                }
                if (r.status == ParseStatus::error) return fail(r.error, handler);
                pos += r.consumed - header_len_;
                header_len_ = 0;
            }
            if (!start_frame(handler)) return false;
            if (remaining_ == 0) {
                if (!finish_frame({}, handler)) return false;
                continue;
            }
        }
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size - pos));
        if (!consume_payload(data + pos, n, handler)) return false;
        pos += n;
    }
    return state_ != ConnectionState::failed;
}

bool Connection::start_frame(ConnectionHandler& handler) {
    handler.on_frame(frame_);
    in_payload_ = true;
    remaining_ = frame_.payload_length;
    mask_offset_ = 0;
    // Zero without an extension: the plain path pays one test per frame.
    const std::uint8_t extension_bits = frame_.rsv & extension_rsv_;
    if (extension_bits != 0) [[unlikely]] {
        if (!check_extension_bits(handler)) return false;
    }
    if (is_control(frame_.opcode)) {
        // Only reachable with control_frame_too_long waived: the header parser already
        // bounds control frames at 125 bytes otherwise. Judged before buffering any of it.
        if (frame_.payload_length > limits_.max_waived_control_payload &&
            frame_.payload_length > max_control_payload) {
            return fail(ErrorKind::control_frame_over_limit, handler);
        }
        return true;  // 5.5: may come between fragments
    }

    // RFC 6455 5.4: a fragmented message is a start frame, continuations, and a final
    // frame; nothing else of the data kind may come in between.
    if (frame_.opcode == static_cast<std::uint8_t>(Opcode::continuation)) {
        if (!in_message_) return fail(ErrorKind::continuation_without_start, handler);
    } else {
        if (in_message_) return fail(ErrorKind::data_frame_inside_fragmented_message, handler);
        in_message_ = true;
        message_type_ = frame_.opcode == static_cast<std::uint8_t>(Opcode::text)
                            ? MessageType::text
                            : MessageType::binary;
        message_size_ = 0;
        utf8_.reset();
        decoding_ = extension_bits != 0 && extension_->begin_inbound_message(extension_bits);
    }
    // Decoded messages are judged on their decoded size, as it grows (DecodedSink).
    if (decoding_) [[unlikely]]
        return true;
    // Judge the size from the header, before buffering any of it.
    if (frame_.payload_length > limits_.max_message_size - message_size_ &&
        !limits_.waives(ErrorKind::message_too_big)) {
        return fail(ErrorKind::message_too_big, handler);
    }
    message_size_ += frame_.payload_length;
    return true;
}

bool Connection::consume_payload(std::uint8_t* data, std::size_t n, ConnectionHandler& handler) {
    // The whole frame is in this read: no need to copy it anywhere.
    const bool whole_frame = remaining_ == frame_.payload_length && n == remaining_;
    const bool control = is_control(frame_.opcode);
    const bool whole_message = whole_frame && !control && frame_.fin && frame_.opcode != 0;
    // A whole short text message (the common kind) is checked in one pass over its bytes
    // as they arrived, before they are unmasked in place (utf8_block_check.h says why).
    // When that pass cannot vouch for it, the validator below judges it exactly.
    const bool text_known_valid =
        whole_message && message_type_ == MessageType::text && n < utf8_block::short_text_limit &&
        utf8_block::valid_and_complete(data, n, frame_.masked ? key_word(frame_.mask_key) : 0);
    if (frame_.masked) mask_offset_ = apply_mask(data, n, frame_.mask_key, mask_offset_);
    remaining_ -= n;

    if (control) {
        if (whole_frame) return finish_control(as_view(data, n), handler);
        control_buf_.append(reinterpret_cast<const char*>(data), n);
        if (remaining_ != 0) return true;
        const bool ok = finish_control(control_buf_, handler);
        control_buf_.clear();
        return ok;
    }

    if (decoding_) [[unlikely]] {
        if (!decode_payload(data, n, false, handler)) return false;
        return remaining_ != 0 || finish_frame({}, handler);
    }
    // Fail fast: judge text as it arrives, not when the message is complete.
    if (message_type_ == MessageType::text && !text_known_valid && !utf8_.feed(data, n) &&
        !limits_.waives(ErrorKind::invalid_utf8)) {
        return fail(ErrorKind::invalid_utf8, handler);
    }
    if (whole_message) return finish_frame(as_view(data, n), handler);
    message_buf_.append(reinterpret_cast<const char*>(data), n);
    if (remaining_ != 0) return true;
    return finish_frame({}, handler);
}

// End of a data frame (`direct` is its payload when it was never buffered), or of an
// empty frame of any kind.
bool Connection::finish_frame(std::string_view direct, ConnectionHandler& handler) {
    in_payload_ = false;
    if (is_control(frame_.opcode)) return finish_control({}, handler);
    if (!frame_.fin) return true;
    if (decoding_) [[unlikely]] {
        if (!decode_payload(nullptr, 0, true, handler)) return false;
    }
    if (message_type_ == MessageType::text && !utf8_.complete() &&
        !limits_.waives(ErrorKind::invalid_utf8)) {
        return fail(ErrorKind::invalid_utf8, handler);  // cut off inside a code point
    }
    in_message_ = false;
    const bool buffered = !message_buf_.empty();
    handler.on_message(message_type_, buffered ? std::string_view(message_buf_) : direct);
    if (buffered) {
        message_buf_.clear();
        if (message_buf_.capacity() > retained_buffer_limit) message_buf_.shrink_to_fit();
    }
    return true;
}

bool Connection::finish_control(std::string_view payload, ConnectionHandler& handler) {
    in_payload_ = false;
    switch (static_cast<Opcode>(frame_.opcode)) {
        case Opcode::ping:
            handler.on_ping(payload);
            return true;
        case Opcode::pong:
            handler.on_pong(payload);
            return true;
        case Opcode::close: {
            const CloseParseResult close = parse_close_payload(
                reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
            if (close.error != ErrorKind::none && !limits_.waives(close.error)) {
                return fail(close.error, handler);
            }
            state_ = state_ == ConnectionState::close_sent ? ConnectionState::closed
                                                           : ConnectionState::close_received;
            handler.on_close(close.payload);
            return true;
        }
        default:
            return true;  // unreachable: the header parser rejects reserved opcodes
    }
}

MaskKey Connection::next_mask_key() {
    // xorshift64*: the codec has no entropy source of its own; callers that need
    // unpredictable keys (RFC 6455 10.3) seed it from one.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    const std::uint64_t v = rng_ * 0x2545F4914F6CDD1DULL;
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 32),
            static_cast<std::uint8_t>(v >> 40), static_cast<std::uint8_t>(v >> 48)};
}

void Connection::write_frame(std::string& out, std::uint8_t opcode, std::string_view payload) {
    FrameSpec spec;
    spec.opcode = opcode;
    spec.masked = role_ == Role::client;
    if (spec.masked) spec.mask_key = next_mask_key();
    append_frame(out, spec, payload);
}

bool Connection::may_send_more() const {
    return !close_written_ && state_ != ConnectionState::failed;
}

WriteStatus Connection::write_message(std::string& out, MessageType type,
                                      std::string_view payload) {
    if (!may_send_more()) return WriteStatus::after_close;
    if (sending_fragments_) return WriteStatus::message_in_progress;
    if (extension_) return write_data_frame(out, type, payload, true, true);
    write_frame(
        out, static_cast<std::uint8_t>(type == MessageType::text ? Opcode::text : Opcode::binary),
        payload);
    return WriteStatus::written;
}

WriteStatus Connection::write_ping(std::string& out, std::string_view payload) {
    if (!may_send_more()) return WriteStatus::after_close;
    if (payload.size() > max_control_payload) return WriteStatus::control_payload_too_long;
    write_frame(out, static_cast<std::uint8_t>(Opcode::ping), payload);
    return WriteStatus::written;
}

WriteStatus Connection::write_pong(std::string& out, std::string_view payload) {
    if (!may_send_more()) return WriteStatus::after_close;
    if (payload.size() > max_control_payload) return WriteStatus::control_payload_too_long;
    write_frame(out, static_cast<std::uint8_t>(Opcode::pong), payload);
    return WriteStatus::written;
}

WriteStatus Connection::write_close(std::string& out, std::optional<std::uint16_t> code,
                                    std::string_view reason) {
    if (close_written_) return WriteStatus::after_close;
    if (!code && !reason.empty()) return WriteStatus::close_reason_without_code;
    if (code && !is_valid_close_code(*code)) return WriteStatus::invalid_close_code;
    const std::string body = close_payload(code, reason);
    if (body.size() > max_control_payload) return WriteStatus::control_payload_too_long;
    if (!Utf8Validator::is_valid(reinterpret_cast<const std::uint8_t*>(reason.data()),
                                 reason.size())) {
        return WriteStatus::close_reason_not_utf8;
    }
    write_frame(out, static_cast<std::uint8_t>(Opcode::close), body);
    close_written_ = true;
    if (state_ == ConnectionState::open)
        state_ = ConnectionState::close_sent;
    else if (state_ == ConnectionState::close_received)
        state_ = ConnectionState::closed;
    return WriteStatus::written;
}

}  // namespace wsspec::codec
