#include "harness/codec/permessage_deflate.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "harness/codec/deflate_window_checker.h"
#include "harness/codec/frame_header.h"

namespace wsspec::codec {
namespace {

// zlib cannot deflate with an 8-bit window; see the header for why literals-only at 9
// honours an agreed 8.
constexpr int smallest_zlib_deflate_window = 9;
// Output room per deflate() call beyond what the input could need.
constexpr std::size_t deflate_slack = 64;
// zlib's text for a distance past the data it holds (inflate.c, inffast.c).
constexpr std::string_view zlib_distance_too_far = "invalid distance too far back";
// inflate() sets data_type bit 7 when it stopped at a block boundary, and puts in its low
// bits how many bits of the last byte it read are still unused (zlib.h).
constexpr int zlib_at_block_boundary = 128;
constexpr int zlib_unused_bits = 63;
// z_stream counts input in uInt (32 bits): larger buffers go in pieces of this size.
constexpr std::size_t zlib_max_input = std::size_t{1} << 30;

}  // namespace

struct PerMessageDeflate::Streams {
    // Inbound.
    z_stream inflater{};
    bool inflater_ready = false;
    bool inflater_used = false;        // something was inflated since the last reset
    bool stream_ended = false;         // a BFINAL block ended and nothing followed it yet
    bool message_has_payload = false;  // the current message carried compressed bytes
    // z_stream::data_type after the last inflate() call that made progress (a call that
    // cannot progress reports a different state: inflate() turns TYPE into TYPEDO first).
    int data_type = 0;
    int inflate_bits = max_window_bits;
    bool inflate_reset_per_message = false;
    std::vector<std::uint8_t> out;  // one chunk of inflated bytes
    // Below 15 bits with exact_window_check: reads each piece before zlib inflates it (header).
    std::unique_ptr<DeflateWindowChecker> window_checker;
    // Once the checker has stopped (a distance too far, or data it cannot decode): one output
    // byte per inflate() call from its position on, so that zlib itself judges, exactly.
    bool byte_at_a_time = false;

    // Outbound.
    z_stream deflater{};
    bool deflater_ready = false;
    int deflate_bits = max_window_bits;
    bool literals_only = false;
    bool deflate_reset_per_message = false;

    ~Streams() {
        if (inflater_ready) inflateEnd(&inflater);
        if (deflater_ready) deflateEnd(&deflater);
    }
};

PerMessageDeflate::PerMessageDeflate(Role role, const PerMessageDeflateParams& agreed,
                                     const PerMessageDeflateOptions& options)
    : agreed_(agreed), options_(options), streams_(std::make_unique<Streams>()) {
    const bool client = role == Role::client;
    // RFC 7692 7.1.1 / 7.1.2: the server_* parameters bind what the server compresses (and
    // so what the client inflates), the client_* ones the other direction.
    const std::uint8_t ours =
        client ? agreed.client_max_window_bits : agreed.server_max_window_bits;
    const std::uint8_t theirs =
        client ? agreed.server_max_window_bits : agreed.client_max_window_bits;
    Streams& s = *streams_;
    s.inflate_bits = std::clamp<int>(theirs, min_window_bits, max_window_bits);
    s.inflate_reset_per_message =
        client ? agreed.server_no_context_takeover : agreed.client_no_context_takeover;
    s.literals_only = ours < smallest_zlib_deflate_window;
    s.deflate_bits = std::clamp<int>(ours, smallest_zlib_deflate_window, max_window_bits);
    s.deflate_reset_per_message =
        client ? agreed.client_no_context_takeover : agreed.server_no_context_takeover;
    options_.inflate_chunk = std::max<std::size_t>(options_.inflate_chunk, 1);
}

PerMessageDeflate::~PerMessageDeflate() = default;

std::uint8_t PerMessageDeflate::rsv_bits() const {
    return rsv1;  // RFC 7692 6: the "Per-Message Compressed" bit
}

int PerMessageDeflate::deflate_window_bits() const {
    return streams_->deflate_bits;
}
bool PerMessageDeflate::deflate_literals_only() const {
    return streams_->literals_only;
}

bool PerMessageDeflate::begin_inbound_message(std::uint8_t rsv) {
    if ((rsv & rsv1) == 0) return false;
    Streams& s = *streams_;
    // RFC 7692 7.1.1: without context takeover the peer starts each message with an empty
    // window; so does our inflater, so a peer that breaks the promise is caught.
    if (s.inflater_ready && s.inflater_used && s.inflate_reset_per_message) {
        inflateReset(&s.inflater);
        if (s.window_checker) s.window_checker->reset();
        s.inflater_used = false;
    } else if (s.stream_ended) {
        // The last message ended with a final block: continue with its window.
        // (The window checker continues after a final block by itself.)
        inflateResetKeep(&s.inflater);
    }
    s.stream_ended = false;
    s.message_has_payload = false;
    return true;
}

ErrorKind PerMessageDeflate::decode(const std::uint8_t* data, std::size_t size, bool end_of_message,
                                    DecodedPayloadSink& sink) {
    Streams& s = *streams_;
    if (!s.inflater_ready) {
        if (inflateInit2(&s.inflater, -s.inflate_bits) != Z_OK)
            return ErrorKind::extension_internal_error;
        s.inflater_ready = true;
        s.out.resize(options_.inflate_chunk);
        // Below 15 bits zlib's check in ordinary chunks is not exact (header).
        if (s.inflate_bits < max_window_bits && options_.exact_window_check)
            s.window_checker = std::make_unique<DeflateWindowChecker>(s.inflate_bits);
    }
    const std::size_t cap = s.out.size();

    // Inflates data[0, size); `tail` is the appended flush block, after which a stream end
    // leaves the rest of it unread.
    const auto run = [&](const std::uint8_t* in, std::size_t n, bool tail) -> ErrorKind {
        // Bytes to inflate in ordinary chunks; after them, one byte per inflate() call. The
        // checker reads the piece first and says where (if anywhere) zlib must take over.
        std::uint64_t chunked = std::numeric_limits<std::uint64_t>::max();
        if (s.byte_at_a_time) {
            chunked = 0;
        } else if (s.window_checker) {
            if (const auto stop = s.window_checker->follow(in, n, tail)) {
                chunked = *stop;
                s.byte_at_a_time = true;
            }
        }
        std::uint64_t inflated = 0;  // by this call
        z_stream& z = s.inflater;
        z.next_in = const_cast<Bytef*>(in);
        z.avail_in = static_cast<uInt>(n);
        std::size_t filled = 0;
        for (;;) {
            if (s.stream_ended) {
                if (z.avail_in == 0 || tail) break;
                // Data after a BFINAL block: a new run of blocks, same window (header).
                inflateResetKeep(&z);
                s.stream_ended = false;
            }
            z.next_out = s.out.data() + filled;
            z.avail_out = static_cast<uInt>(
                inflated < chunked ? std::min<std::uint64_t>(cap - filled, chunked - inflated) : 1);
            const uInt in_before = z.avail_in;
            const uInt out_before = z.avail_out;
            const int ret = inflate(&z, Z_SYNC_FLUSH);
            const std::size_t produced = out_before - z.avail_out;
            filled += produced;
            inflated += produced;
            if (produced != 0 || in_before != z.avail_in) {
                s.inflater_used = true;
                s.data_type = z.data_type;
            }
            if (ret == Z_DATA_ERROR) {
                // What inflated before the bad data is judged first, so the verdict depends
                // on where in the stream the first fault is, not on how it was chunked.
                if (filled != 0) {
                    if (const ErrorKind e = sink.write(s.out.data(), filled); e != ErrorKind::none)
                        return e;
                }
                const bool too_far = z.msg != nullptr && z.msg == zlib_distance_too_far;
                return too_far ? ErrorKind::deflate_distance_too_far
                               : ErrorKind::deflate_invalid_data;
            } else if (ret == Z_MEM_ERROR || ret == Z_STREAM_ERROR || ret == Z_NEED_DICT) {
                return ErrorKind::extension_internal_error;
            }
            if (filled == cap || (filled != 0 && ret == Z_STREAM_END)) {
                if (const ErrorKind e = sink.write(s.out.data(), filled); e != ErrorKind::none)
                    return e;
                filled = 0;
            }
            if (ret == Z_STREAM_END) {
                s.stream_ended = true;  // the loop's top decides what follows
                continue;
            }
            // No progress possible: everything given was consumed and all output is out.
            if (ret == Z_BUF_ERROR || (produced == 0 && in_before == z.avail_in)) break;
        }
        if (filled != 0) return sink.write(s.out.data(), filled);
        return ErrorKind::none;
    };

    if (size != 0) s.message_has_payload = true;
    for (std::size_t done = 0; done < size;) {
        const std::size_t piece = std::min(size - done, zlib_max_input);
        if (const ErrorKind e = run(data + done, piece, false); e != ErrorKind::none) return e;
        done += piece;
    }
    if (!end_of_message) return ErrorKind::none;
    // RFC 7692 7.2.2: append 0x00 0x00 0xff 0xff and decompress. Three payloads are
    // complete without it, and wsspec takes them as they are (appending the tail would
    // leave a block cut short):
    //  - one that ended with a final block (7.2.3.4 without its trailing 0x00);
    //  - one that ends on a block boundary with no bits left over: its sender did not
    //    remove the flush's 4 octets (7.2.1 step 3), but nothing is lost -- a properly
    //    stripped payload always ends inside the header of the empty stored block the
    //    tail completes. Bits left over after the boundary are the start of the next
    //    block header, which the tail continues, so then the tail is appended: skipping it
    //    would leave them in front of the next message's data;
    //  - an empty one: 7.2.1 always yields at least one octet, but encoders send it for an
    //    empty message, and there are no bytes to misread.
    const bool clean_boundary =
        (s.data_type & zlib_at_block_boundary) != 0 && (s.data_type & zlib_unused_bits) == 0;
    if (s.stream_ended || !s.message_has_payload || clean_boundary) return ErrorKind::none;
    if (const ErrorKind e = run(deflate_flush_tail, sizeof deflate_flush_tail, true);
        e != ErrorKind::none)
        return e;
    if (!s.stream_ended && (s.data_type & zlib_at_block_boundary) == 0)
        return ErrorKind::deflate_truncated;
    return ErrorKind::none;
}

std::uint8_t PerMessageDeflate::begin_outbound_message(bool /*text*/) {
    return options_.compress_outbound ? rsv1 : 0;
}

bool PerMessageDeflate::encode(std::string_view payload, bool end_of_message, std::string& out) {
    Streams& s = *streams_;
    z_stream& z = s.deflater;
    if (!s.deflater_ready) {
        const int strategy = s.literals_only ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY;
        if (deflateInit2(&z, options_.compression_level, Z_DEFLATED, -s.deflate_bits,
                         options_.memory_level, strategy) != Z_OK)
            return false;
        s.deflater_ready = true;
    }
    const std::size_t start = out.size();
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(payload.data()));
    std::size_t left = payload.size();  // not yet handed to zlib
    for (;;) {
        if (z.avail_in == 0 && left != 0) {
            z.avail_in = static_cast<uInt>(std::min(left, zlib_max_input));
            left -= z.avail_in;
        }
        const int flush = end_of_message && left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        const std::size_t room = deflateBound(&z, z.avail_in) + deflate_slack;
        const std::size_t used = out.size();
        out.resize(used + room);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        z.avail_out = static_cast<uInt>(room);
        const int ret = deflate(&z, flush);
        out.resize(used + room - z.avail_out);
        if (ret == Z_STREAM_ERROR) {
            out.resize(start);
            return false;
        }
        // Z_BUF_ERROR: nothing to do (a flush right after a flush with no new input).
        if (ret == Z_BUF_ERROR || (z.avail_out != 0 && z.avail_in == 0 && left == 0)) break;
    }
    if (!end_of_message) return true;

    const std::size_t produced = out.size() - start;
    const auto* tail = reinterpret_cast<const std::uint8_t*>(out.data()) + out.size() -
                       std::min(produced, sizeof deflate_flush_tail);
    if (produced >= sizeof deflate_flush_tail &&
        std::memcmp(tail, deflate_flush_tail, sizeof deflate_flush_tail) == 0) {
        // RFC 7692 7.2.1 step 3: remove the 4 octets the sync flush ended with.
        out.resize(out.size() - sizeof deflate_flush_tail);
    } else if (produced == 0) {
        // An empty message right after a flushed one: zlib has nothing to write. 0x00 is an
        // empty uncompressed block's header, which the receiver's appended 0x00 0x00 0xff
        // 0xff completes (RFC 7692 7.2.3.6).
        out.push_back('\0');
    } else {
        out.resize(start);  // a sync flush always ends with the tail; zlib misbehaved
        return false;
    }
    // RFC 7692 7.1.1: without context takeover the next message starts from nothing.
    if (s.deflate_reset_per_message) deflateReset(&z);
    return true;
}

std::unique_ptr<PerMessageDeflate> make_permessage_deflate(
    Role role, const PerMessageDeflateParams& agreed, const PerMessageDeflateOptions& options) {
    return std::make_unique<PerMessageDeflate>(role, agreed, options);
}

}  // namespace wsspec::codec
