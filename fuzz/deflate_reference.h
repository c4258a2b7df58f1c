// zlib's own inflate used the plain way RFC 7692 7.2.2 describes, the oracle of the
// permessage-deflate differential target (deflate_diff_fuzzer.cpp): raw DEFLATE with the
// agreed window bits, each message's payload followed by 0x00 0x00 0xff 0xff, inflated
// with Z_SYNC_FLUSH into a buffer that grows up to the message size limit (plus one byte,
// so a message over the limit shows), the LZ77 context kept from message to message unless
// the peer agreed to no context takeover (inflateReset before each message).
//
// What the RFC leaves to the receiver, the reference answers like this:
//   R1. Data after a BFINAL block (7.2.3.4: "0xf3 0x48 0xcd 0xc9 0xc9 0x07 0x00 0x00" is a
//       final block, then a 0x00 so the payload decodes "in the same manner" as others):
//       zlib reports Z_STREAM_END; inflateResetKeep starts a new run of blocks with the
//       window kept, so what follows decodes as usual, in this message and the next ones.
//   R2. A payload whose DEFLATE data ended with a final block needs no appended tail: the
//       message is complete when the stream ended inside the payload or the tail, and the
//       rest of the tail is not decoded.
//   R3. An empty payload (RFC 7692 7.2.1 always yields at least one octet, but encoders
//       send it for an empty message) is an empty message; zlib is not called.
//   R4. A payload after which zlib stands at a block boundary with no bits left over is
//       complete as it is: its sender did not remove the 4 octets its sync flush ended with
//       (7.2.1 step 3). The tail is not appended -- after a complete block it would begin a
//       stored block of 0xff00 octets (0x00, then LEN 0x00 0xff) that only the next
//       message's bytes could finish -- so the message is what zlib inflated from the
//       payload, and the next one starts where a stripped flush would have left it.
//   R5. Otherwise the tail is appended, and the message is complete when zlib then stops
//       at a block boundary (z_stream::data_type bit 7). Anything else is `incomplete`.
//
// zlib checks a back-reference only against the data it holds: its window plus what the
// current inflate() call has written. With a large output buffer a distance beyond a small
// agreed window therefore goes unseen. `exact_window` turns on zlib's only way of checking
// every distance against min(window, bytes inflated since the last reset): one output byte
// per inflate() call (permessage_deflate.h explains why wsspec does the same).
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wsspec::fuzz {

struct ReferenceMessage {
    enum class Verdict : std::uint8_t {
        ok,          // complete, within the size limit
        data_error,  // zlib's Z_DATA_ERROR
        too_big,     // more than the limit inflated
        incomplete,  // R5: the data stops inside a block even after the tail
    };
    Verdict verdict = Verdict::ok;
    // Inflated bytes: the message; before the error or the end of the data; for too_big,
    // the first limit + 1.
    std::string bytes;
    bool too_far = false;      // data_error: zlib's "invalid distance too far back"
    bool final_block = false;  // a BFINAL block ended in this message (R1, R2)
    bool tail_output = false;  // decoding the appended tail produced bytes
    bool no_tail = false;      // R3 or R4: complete without the tail
};

class ReferenceInflater {
  public:
    ReferenceInflater(int window_bits, bool reset_per_message, std::uint64_t limit,
                      bool exact_window)
        : reset_per_message_(reset_per_message), limit_(limit), exact_window_(exact_window) {
        ok_ = inflateInit2(&z_, -window_bits) == Z_OK;
    }
    ~ReferenceInflater() {
        if (ok_) inflateEnd(&z_);
    }
    ReferenceInflater(const ReferenceInflater&) = delete;
    ReferenceInflater& operator=(const ReferenceInflater&) = delete;

    [[nodiscard]] bool ready() const { return ok_; }

    ReferenceMessage inflate_message(std::string_view payload) {
        ReferenceMessage m;
        if (reset_per_message_ && used_) {
            inflateReset(&z_);
            stream_ended_ = false;
        }
        if (payload.empty()) {  // R3
            m.no_tail = true;
            return m;
        }
        used_ = true;
        filled_ = 0;
        static constexpr std::uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};
        const auto* p = reinterpret_cast<const std::uint8_t*>(payload.data());
        if (!run(p, payload.size(), false, m)) return finish(m);
        if (stream_ended_) return finish(m);  // R2: no tail needed
        if ((data_type_ & at_block_boundary) != 0 && (data_type_ & unused_bits) == 0) {
            m.no_tail = true;  // R4
            return finish(m);
        }
        const std::size_t before_tail = filled_;
        if (!run(tail, sizeof tail, true, m)) return finish(m);
        m.tail_output = filled_ != before_tail;
        if (!stream_ended_ && (data_type_ & at_block_boundary) == 0) {
            m.verdict = ReferenceMessage::Verdict::incomplete;  // R5
        }
        return finish(m);
    }

  private:
    // zlib.h: data_type + 128 when inflate() stopped right after an end-of-block code.
    static constexpr int at_block_boundary = 128;
    // zlib.h: its low bits count the bits of the last byte read that are not used yet.
    static constexpr int unused_bits = 63;

    // Feeds `in`; false when the message has a verdict other than ok.
    bool run(const std::uint8_t* in, std::size_t n, bool is_tail, ReferenceMessage& m) {
        z_.next_in = const_cast<Bytef*>(in);
        z_.avail_in = static_cast<uInt>(n);
        for (;;) {
            if (stream_ended_) {
                if (z_.avail_in == 0 || is_tail) return true;  // R2
                inflateResetKeep(&z_);                         // R1
                stream_ended_ = false;
            }
            if (filled_ == out_.size()) {
                // Grows up to limit + 1 bytes: one past the limit shows a message too big.
                const std::size_t most = static_cast<std::size_t>(limit_) + 1;
                if (out_.size() == most) {
                    m.verdict = ReferenceMessage::Verdict::too_big;
                    return false;
                }
                out_.resize(std::min(most, std::max<std::size_t>(2 * out_.size(), 4096)));
            }
            const std::size_t room = out_.size() - filled_;
            z_.next_out = reinterpret_cast<Bytef*>(out_.data() + filled_);
            z_.avail_out = static_cast<uInt>(exact_window_ ? 1 : room);
            const uInt in_before = z_.avail_in;
            const uInt out_before = z_.avail_out;
            const int ret = inflate(&z_, Z_SYNC_FLUSH);
            filled_ += out_before - z_.avail_out;
            const bool progress = in_before != z_.avail_in || out_before != z_.avail_out;
            // A call that cannot progress reports another state (it turns TYPE into TYPEDO
            // before finding nothing to read), so the boundary is the last progress's.
            if (progress) data_type_ = z_.data_type;
            // What was inflated before anything else is judged first (as the receiver's
            // sink does): more than the limit, then a data error or a final block.
            if (filled_ > limit_) {
                m.verdict = ReferenceMessage::Verdict::too_big;
                return false;
            }
            if (ret == Z_DATA_ERROR) {
                m.verdict = ReferenceMessage::Verdict::data_error;
                m.too_far = z_.msg != nullptr &&
                            std::string_view(z_.msg) == "invalid distance too far back";
                return false;
            }
            if (ret == Z_STREAM_END) {
                stream_ended_ = true;
                m.final_block = true;
                continue;
            }
            if (ret != Z_OK || !progress) return true;  // Z_BUF_ERROR: all input used
            if (z_.avail_in == 0 && z_.avail_out != 0) return true;
        }
    }

    ReferenceMessage& finish(ReferenceMessage& m) {
        m.bytes.assign(out_.data(), filled_);
        return m;
    }

    z_stream z_{};
    bool ok_ = false;
    bool reset_per_message_;
    std::uint64_t limit_;
    bool exact_window_;
    bool used_ = false;
    bool stream_ended_ = false;
    int data_type_ = 0;  // z_stream::data_type after the last call that made progress
    std::string out_;
    std::size_t filled_ = 0;
};

}  // namespace wsspec::fuzz
