// Differential: permessage-deflate inflation (RFC 7692 7.2.2) by wsspec's Connection, by
// zlib called directly (deflate_reference.h), and by Boost.Beast 1.74's own inflater
// (beast_deflate_server.h), on the same compressed messages.
//
// Input: [config][message]...
//   config   bits 0-2  window bits the peer compresses with: 8 + value (8..15, RFC 7692
//                      7.1.2), agreed as server_max_window_bits (wsspec, client role) and
//                      client_max_window_bits (Beast, server role)
//            bit 3     no context takeover in the peer's direction
//            bits 4-5  max_message_size: 256, 4096, 65536, 1 MiB
//            bits 6-7  unused
//   message  [2 bytes, big-endian: bit 15 text (else binary), bits 0-14 payload length]
//            [payload]; a length past the end of the input takes what is left
// Each message goes out as one frame, FIN and RSV1 set: unmasked from a server to wsspec's
// client side, masked from a client to Beast's server side.
//
// (a) Against zlib. Where zlib inflates a message completely and within the limit, wsspec
// delivers exactly its bytes; where zlib fails (Z_DATA_ERROR), wsspec fails the connection
// at that message with 1007; more than the limit, 1009; never anything else (no 1011).
// wsspec differs from plain zlib only where it is deliberately stricter:
//  Z1. A distance beyond the agreed window. zlib checks a back-reference against its window
//      plus what the current inflate() call wrote, so with a window below 15 bits it lets
//      a peer refer further back than it agreed to; wsspec checks every distance exactly
//      (permessage_deflate.h) and fails with 1007 deflate_distance_too_far. Allowed only
//      where zlib itself, run one output byte per call (its exact check), finds "invalid
//      distance too far back" in that message.
//  Z2. Invalid UTF-8 in a text message (RFC 6455 8.1): 1007 where zlib's bytes are not
//      UTF-8 -- within the limit, and before the point where zlib stopped.
//  Z3. A message whose data stops inside a block even with the tail appended: zlib has no
//      verdict (it waits for more), wsspec fails with 1007 deflate_truncated.
// The reference's own rules for what RFC 7692 leaves open (data after BFINAL, a message
// ending with a final block, an empty payload, a payload that kept its flush's last 4
// octets) are R1-R5 in deflate_reference.h; wsspec follows the same rules.
//
// (b) Against Beast. Compared message by message. At the first message where wsspec and
// Beast differ, Beast's verdict on that message must be zlib's (wsspec's own differences
// from zlib are Z1-Z3 above), and nothing after it is compared: the two inflaters no
// longer hold the same state, or one of them has stopped. Beast 1.74 does these things its
// own way, and each is allowed exactly where it applies:
//  B1. A BFINAL block (Beast issue 923, open): Beast's inflater reports end_of_stream and
//      Beast fails the connection, where RFC 7692 7.2.3.4 allows such blocks. Allowed
//      where zlib saw a final block end in that message.
//  B2. Output from the appended tail: Beast fails with partial_deflate_block when
//      inflating 0x00 0x00 0xff 0xff produces bytes (websocket/impl/read.hpp, after
//      madler/zlib issue 280). Three reasons it can, all allowed: zlib's own output grew
//      while it decoded the tail; Beast's inflater holds back the last symbols of the
//      payload (it fills `lenbits` bits of lookahead before decoding a code, where zlib
//      decodes a short code with the bits at hand) -- checked by running
//      boost::beast::zlib::inflate_stream on the same payloads and comparing its bytes
//      with zlib's; or the message inflates to more than Beast's read buffer (1536 bytes),
//      so output still pending when the payload's input ran out comes out with the tail
//      (boostorg/beast pull request 2191, "Fix invalid partial_deflate_block error code",
//      after 1.74).
//  B3. A payload that is complete without the tail (R3 empty, R4 ending on a block
//      boundary): Beast appends the tail anyway ("inflate even if rd_fh_.len == 0"), which
//      begins a stored block of 0xff00 octets (LEN 0x00 0xff) that the next messages' bytes
//      then complete or contradict ("invalid stored block length"). Nothing is compared
//      after such a payload.
//  B4. Beast does not check where a message's data ends: a message zlib finds incomplete
//      (Z3, where wsspec fails with 1007) is delivered with the bytes inflated.
//  B5. No context takeover: Beast 1.74 never resets its inflater (the agreement calls
//      inflate_stream::clear(), whose doClear() is empty, zlib/detail/inflate_stream.ipp),
//      so a peer that keeps its window after agreeing not to is not caught; zlib (reset
//      before each message) and wsspec fail such a back-reference with 1007. With no
//      context takeover agreed, Beast is compared with zlib keeping the context.
//  B6. The order of verdicts within a message: Beast checks the size after each inflate
//      call, whose output can run up to its read buffer (max(1536, compressed bytes left
//      in the frame)) past the limit, and judges UTF-8 only after a read, which an inflate
//      error ends first. So for one message Beast may report an inflate error (or B1, B2)
//      where zlib stopped at the limit -- allowed where zlib with that much more room
//      finds it -- or an inflate error where wsspec judged the invalid UTF-8 inflated
//      before it (zlib: Z_DATA_ERROR).
//  B7. A distance beyond the agreed window: Beast's inflater checks it as zlib's does,
//      against its window plus what the current call wrote, but a call of Beast's writes at
//      most one read buffer (see B6), so it rejects some distances beyond a small window
//      that zlib, writing into a larger buffer, lets through. Allowed where zlib's exact
//      check (Z1) finds a distance beyond the window in that message.
// Beast fails an inflate error without sending a Close frame; the close codes are not
// compared, Beast's error codes are.
#include <boost/beast/zlib/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/beast_deflate_server.h"
#include "fuzz/deflate_reference.h"
#include "fuzz/fixed_mask_seed.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/reference_utf8.h"
#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/permessage_deflate.h"

namespace wsspec::fuzz {
namespace {

using codec::ErrorKind;
using Verdict = ReferenceMessage::Verdict;

constexpr std::uint64_t message_limits[4] = {256, 4096, 65536, 1 << 20};
constexpr std::size_t message_header_size = 2;
constexpr std::uint16_t text_flag = 0x8000;
constexpr codec::MaskKey client_mask = {0x37, 0xfa, 0x21, 0x3d};
// Beast inflates at most max(this, the frame's compressed bytes left) per read, and checks
// the size after each (websocket::stream's private tcp_frame_size, read_size_hint_pmd).
constexpr std::size_t beast_read_chunk = 1536;

struct DiffConfig {
    int window_bits = codec::max_window_bits;
    bool no_context_takeover = false;
    std::uint64_t max_message_size = 0;
};

struct Message {
    bool text = false;
    std::string_view payload;
};

using Delivered = std::pair<bool, std::string>;  // (text, payload)

DiffConfig config_from(std::uint8_t c) {
    DiffConfig config;
    config.window_bits = codec::min_window_bits + (c & 0x07);
    config.no_context_takeover = (c & 0x08) != 0;
    config.max_message_size = message_limits[(c >> 4) & 0x03];
    return config;
}

std::vector<Message> messages_from(const std::uint8_t* data, std::size_t size) {
    std::vector<Message> messages;
    std::size_t pos = 0;
    while (pos + message_header_size <= size) {
        const auto header = static_cast<std::uint16_t>((data[pos] << 8) | data[pos + 1]);
        pos += message_header_size;
        const std::size_t length = std::min<std::size_t>(header & ~text_flag, size - pos);
        messages.push_back({(header & text_flag) != 0,
                            std::string_view(reinterpret_cast<const char*>(data + pos), length)});
        pos += length;
    }
    return messages;
}

std::string frames_of(const std::vector<Message>& messages, bool masked) {
    std::string out;
    for (const Message& m : messages) {
        codec::FrameSpec spec;
        spec.rsv = codec::rsv1;
        spec.opcode =
            static_cast<std::uint8_t>(m.text ? codec::Opcode::text : codec::Opcode::binary);
        spec.masked = masked;
        spec.mask_key = client_mask;
        codec::append_frame(out, spec, m.payload);
    }
    return out;
}

// ---- wsspec ------------------------------------------------------------------------------

struct WsspecOutcome {
    std::vector<Delivered> messages;
    std::optional<codec::ProtocolError> error;
};

class Collector : public codec::ConnectionHandler {
  public:
    explicit Collector(WsspecOutcome& outcome) : outcome_(outcome) {}
    void on_message(codec::MessageType type, std::string_view payload) override {
        outcome_.messages.emplace_back(type == codec::MessageType::text, std::string(payload));
    }
    void on_error(const codec::ProtocolError& error) override { outcome_.error = error; }

  private:
    WsspecOutcome& outcome_;
};

WsspecOutcome run_wsspec(const DiffConfig& config, const std::vector<Message>& messages) {
    codec::ConnectionLimits limits;
    limits.max_message_size = config.max_message_size;
    codec::PerMessageDeflateParams agreed;
    agreed.server_max_window_bits = static_cast<std::uint8_t>(config.window_bits);
    agreed.server_no_context_takeover = config.no_context_takeover;
    codec::Connection connection(codec::Role::client, limits, fixed_mask_seed);
    connection.use_extension(codec::make_permessage_deflate(codec::Role::client, agreed));
    WsspecOutcome outcome;
    Collector collector(outcome);
    const std::string wire = frames_of(messages, false);
    std::vector<std::uint8_t> bytes(wire.begin(), wire.end());
    connection.receive(bytes.data(), bytes.size(), collector);
    FUZZ_CHECK(outcome.error.has_value() == (connection.state() == codec::ConnectionState::failed),
               "an error was reported without failing, or a failure without an error");
    return outcome;
}

// ---- zlib --------------------------------------------------------------------------------

// zlib's verdicts, message by message, up to and including the first that is not ok.
std::vector<ReferenceMessage> run_zlib(const DiffConfig& config,
                                       const std::vector<Message>& messages, bool exact_window,
                                       std::size_t last) {
    ReferenceInflater zlib(config.window_bits, config.no_context_takeover, config.max_message_size,
                           exact_window);
    FUZZ_CHECK(zlib.ready(), "inflateInit2 failed");
    std::vector<ReferenceMessage> out;
    for (std::size_t i = 0; i < messages.size() && i <= last; ++i) {
        out.push_back(zlib.inflate_message(messages[i].payload));
        if (out.back().verdict != Verdict::ok) break;
    }
    return out;
}

// Z1: zlib with its exact distance check finds a distance beyond the window in message i.
bool beyond_window(const DiffConfig& config, const std::vector<Message>& messages, std::size_t i) {
    const std::vector<ReferenceMessage> exact = run_zlib(config, messages, true, i);
    return exact.size() == i + 1 && exact[i].verdict == Verdict::data_error && exact[i].too_far;
}

bool utf8_invalid_before(const std::string& bytes, std::size_t end) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const ReferenceUtf8Result r = reference_utf8(p, std::min(end, bytes.size()));
    return !r.valid && r.error_offset < std::min(end, bytes.size());
}

bool utf8_invalid(const std::string& bytes) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    return !reference_utf8(p, bytes.size()).valid;
}

// (a): what wsspec did at message i, where it stopped, against zlib's verdict.
void check_failure_against_zlib(const DiffConfig& config, const std::vector<Message>& messages,
                                std::size_t i, const ReferenceMessage& z,
                                const codec::ProtocolError& error) {
    const bool text = messages[i].text;
    ErrorKind expected = ErrorKind::none;
    switch (z.verdict) {
        case Verdict::ok:
            expected = text && utf8_invalid(z.bytes) ? ErrorKind::invalid_utf8 : ErrorKind::none;
            break;
        case Verdict::data_error:
            expected = text && utf8_invalid_before(z.bytes, z.bytes.size())
                           ? ErrorKind::invalid_utf8
                           : (z.too_far ? ErrorKind::deflate_distance_too_far
                                        : ErrorKind::deflate_invalid_data);
            break;
        case Verdict::too_big:
            expected = text && utf8_invalid_before(z.bytes, config.max_message_size)
                           ? ErrorKind::invalid_utf8
                           : ErrorKind::message_too_big;
            break;
        case Verdict::incomplete:  // Z3
            expected = text && utf8_invalid_before(z.bytes, z.bytes.size())
                           ? ErrorKind::invalid_utf8
                           : ErrorKind::deflate_truncated;
            break;
    }
    if (error.kind != expected) {
        FUZZ_CHECK(error.kind == ErrorKind::deflate_distance_too_far,
                   "wsspec failed a message for another reason than zlib's verdict");
        FUZZ_CHECK(beyond_window(config, messages, i),
                   "wsspec saw a distance beyond the window that zlib's exact check does not");
    }
    const std::uint16_t code = error.kind == ErrorKind::message_too_big
                                   ? codec::close_code::message_too_big
                                   : codec::close_code::invalid_payload;
    FUZZ_CHECK(error.close_code == code, "wsspec failed with an unexpected close code");
}

void check_against_zlib(const DiffConfig& config, const std::vector<Message>& messages,
                        const std::vector<ReferenceMessage>& zlib, const WsspecOutcome& ours) {
    for (std::size_t i = 0; i < zlib.size(); ++i) {
        const ReferenceMessage& z = zlib[i];
        if (i < ours.messages.size()) {
            FUZZ_CHECK(z.verdict == Verdict::ok, "wsspec delivered a message zlib did not");
            FUZZ_CHECK(ours.messages[i] == Delivered(messages[i].text, z.bytes),
                       "wsspec and zlib inflated a message differently");
            continue;
        }
        FUZZ_CHECK(ours.error.has_value(), "wsspec stopped delivering without failing");
        check_failure_against_zlib(config, messages, i, z, *ours.error);
        return;
    }
    FUZZ_CHECK(!ours.error.has_value(), "wsspec failed where zlib inflated every message");
    FUZZ_CHECK(ours.messages.size() == messages.size(), "wsspec lost messages");
}

// ---- Beast -------------------------------------------------------------------------------

enum class Step : std::uint8_t {
    delivered,
    invalid_utf8,
    too_big,
    inflate_error,  // a data error in the inflater
    final_block,    // B1: Beast's end_of_stream
    tail_output,    // B2: partial_deflate_block
    truncated,      // wsspec only (Z3)
    end,            // every message read
};

struct At {
    Step step = Step::end;
    const Delivered* message = nullptr;
};

At wsspec_at(const WsspecOutcome& ours, std::size_t i) {
    if (i < ours.messages.size()) return {Step::delivered, &ours.messages[i]};
    if (!ours.error) return {Step::end, nullptr};
    switch (ours.error->kind) {
        case ErrorKind::invalid_utf8:
            return {Step::invalid_utf8, nullptr};
        case ErrorKind::message_too_big:
            return {Step::too_big, nullptr};
        case ErrorKind::deflate_invalid_data:
        case ErrorKind::deflate_distance_too_far:
            return {Step::inflate_error, nullptr};
        case ErrorKind::deflate_truncated:
            return {Step::truncated, nullptr};
        default:
            break;
    }
    FUZZ_CHECK(false, "wsspec failed with an error kind this input cannot cause");
    return {};
}

At beast_at(const BeastDeflateOutcome& beast, std::size_t i) {
    namespace websocket = boost::beast::websocket;
    namespace zlib = boost::beast::zlib;
    if (i < beast.messages.size()) return {Step::delivered, &beast.messages[i]};
    const boost::system::error_code& ec = beast.error;
    if (ec == boost::asio::error::eof) return {Step::end, nullptr};
    if (ec == websocket::error::bad_frame_payload) return {Step::invalid_utf8, nullptr};
    if (ec == websocket::error::message_too_big) return {Step::too_big, nullptr};
    if (ec == websocket::error::partial_deflate_block) return {Step::tail_output, nullptr};
    if (ec == zlib::error::end_of_stream) return {Step::final_block, nullptr};
    if (ec.category() == zlib::make_error_code(zlib::error::general).category() &&
        ec != zlib::error::need_buffers && ec != zlib::error::stream_error &&
        ec != zlib::error::need_dict) {
        return {Step::inflate_error, nullptr};
    }
    FUZZ_CHECK(false, "Beast stopped with an error this input cannot cause");
    return {};
}

bool same(const At& a, const At& b) {
    if (a.step != b.step) return false;
    return a.step != Step::delivered || *a.message == *b.message;
}

// B2: Beast's inflater (boost::beast::zlib::inflate_stream) fed what Beast's stream feeds it
// -- every payload, then the tail, never reset (B5) -- yields message i as zlib's bytes, but
// only partly before the tail.
bool beast_inflater_needs_tail(const std::vector<Message>& messages, std::size_t i, int window_bits,
                               const std::string& zlib_bytes) {
    namespace zlib = boost::beast::zlib;
    static constexpr char tail[4] = {0x00, 0x00, static_cast<char>(0xff), static_cast<char>(0xff)};
    zlib::inflate_stream inflater;
    inflater.reset(window_bits);
    std::string out(zlib_bytes.size() + 1, '\0');  // one byte more shows a longer message
    std::size_t filled = 0;
    std::size_t before_tail = 0;
    for (std::size_t j = 0; j <= i; ++j) {
        filled = 0;
        for (const std::string_view in : {messages[j].payload, std::string_view(tail, 4)}) {
            if (j == i && in.data() == tail) before_tail = filled;
            zlib::z_params zs;
            zs.next_in = in.data();
            zs.avail_in = in.size();
            while (zs.avail_in != 0 || filled == out.size()) {
                if (j < i) filled = 0;  // earlier messages: only the state matters
                if (filled == out.size()) return false;
                zs.next_out = out.data() + filled;
                zs.avail_out = out.size() - filled;
                const std::size_t in_before = zs.total_in;
                const std::size_t out_before = zs.total_out;
                boost::system::error_code ec;
                inflater.write(zs, zlib::Flush::sync, ec);
                if (ec && ec != zlib::error::need_buffers) return false;
                filled += zs.total_out - out_before;
                if (zs.total_in == in_before && zs.total_out == out_before) break;
            }
        }
    }
    return filled > before_tail && filled == zlib_bytes.size() &&
           out.compare(0, filled, zlib_bytes) == 0;
}

// B2: why Beast's inflater can still have bytes of message i to give when the tail goes in.
bool beast_tail_output_explained(const std::vector<Message>& messages, std::size_t i,
                                 int window_bits, const ReferenceMessage& z) {
    return z.tail_output || z.bytes.size() > beast_read_chunk ||
           beast_inflater_needs_tail(messages, i, window_bits, z.bytes);
}

// Whether Beast's step at message i is what zlib's verdict `z` on that message means for
// Beast, given Beast's own ways (B1, B2, B4, B6, B7). `config` is the agreement zlib ran with.
bool beast_agrees_with_zlib(const DiffConfig& config, const std::vector<Message>& messages,
                            std::size_t i, const ReferenceMessage& z, const At& beast) {
    const Message& m = messages[i];
    // B6: past the limit, Beast's last read may have gone on to one of these.
    const auto within_last_read = [&](Step step) {
        if (z.verdict != Verdict::too_big) return false;
        DiffConfig wider = config;
        wider.max_message_size += std::max<std::size_t>(beast_read_chunk, m.payload.size());
        const std::vector<ReferenceMessage> w = run_zlib(wider, messages, false, i);
        if (w.size() != i + 1) return false;
        switch (step) {
            case Step::inflate_error:
                return w[i].verdict == Verdict::data_error;
            case Step::final_block:
                return w[i].final_block;
            default:
                return beast_tail_output_explained(messages, i, config.window_bits, w[i]);
        }
    };
    const bool complete = z.verdict == Verdict::ok || z.verdict == Verdict::incomplete;  // B4
    switch (beast.step) {
        case Step::delivered:
            return complete && *beast.message == Delivered(m.text, z.bytes);
        case Step::invalid_utf8:
            return m.text && (complete ? utf8_invalid(z.bytes)
                                       : utf8_invalid_before(z.bytes, config.max_message_size));
        case Step::too_big:
            return z.verdict == Verdict::too_big;
        case Step::inflate_error:  // B6: Beast stops at the error before judging UTF-8
            return z.verdict == Verdict::data_error || within_last_read(beast.step) ||
                   beyond_window(config, messages, i);  // B7
        case Step::final_block:                         // B1
            return z.final_block || within_last_read(beast.step);
        case Step::tail_output:  // B2
            return beast_tail_output_explained(messages, i, config.window_bits, z) ||
                   within_last_read(beast.step);
        case Step::truncated:
        case Step::end:
            break;
    }
    return false;
}

void check_against_beast(const DiffConfig& config, const std::vector<Message>& messages,
                         const std::vector<ReferenceMessage>& zlib, const WsspecOutcome& ours,
                         const BeastDeflateOutcome& beast) {
    for (std::size_t i = 0;; ++i) {
        const At o = wsspec_at(ours, i);
        const At b = beast_at(beast, i);
        if (same(o, b)) {
            if (o.step != Step::delivered) return;  // the same verdict
            continue;
        }
        FUZZ_CHECK(i < zlib.size(), "wsspec and Beast differ after zlib's last verdict");
        for (std::size_t j = 0; j < i; ++j) {
            if (zlib[j].no_tail) return;  // B3
        }
        if (!config.no_context_takeover) {
            FUZZ_CHECK(beast_agrees_with_zlib(config, messages, i, zlib[i], b),
                       "wsspec and Beast differ on a message, and Beast and zlib too");
            return;
        }
        // B5: Beast's inflater keeps its window; zlib's verdict with the context kept.
        DiffConfig kept_config = config;
        kept_config.no_context_takeover = false;
        const std::vector<ReferenceMessage> kept = run_zlib(kept_config, messages, false, i);
        FUZZ_CHECK(kept.size() == i + 1, "zlib keeping the context failed an earlier message");
        FUZZ_CHECK(beast_agrees_with_zlib(kept_config, messages, i, kept[i], b),
                   "wsspec and Beast differ on a message, and Beast and zlib (context kept) too");
        return;
    }
}

}  // namespace
}  // namespace wsspec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wsspec::fuzz;
    if (size < 1) return 0;
    const DiffConfig config = config_from(data[0]);
    const std::vector<Message> messages = messages_from(data + 1, size - 1);

    const WsspecOutcome ours = run_wsspec(config, messages);
    const std::vector<ReferenceMessage> zlib = run_zlib(config, messages, false, messages.size());
    check_against_zlib(config, messages, zlib, ours);

    const BeastDeflateOutcome beast =
        run_beast_deflate_server(config.window_bits, config.no_context_takeover,
                                 config.max_message_size, frames_of(messages, true));
    check_against_beast(config, messages, zlib, ours, beast);
    return 0;
}
