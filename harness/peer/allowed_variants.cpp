#include "harness/peer/allowed_variants.h"

#include <algorithm>
#include <array>

#include "harness/codec/frame_writer.h"

namespace wsspec::peer {
namespace {

constexpr std::array variants = {
    VariantInfo{Variant::heartbeat_ping, "heartbeat-ping",
                "RFC 6455 5.5.2: a Ping right after the opening handshake"},
    VariantInfo{Variant::unsolicited_pong, "unsolicited-pong",
                "RFC 6455 5.5.3: an unsolicited Pong right after the opening handshake"},
    VariantInfo{Variant::latest_pong_only, "latest-pong-only",
                "RFC 6455 5.5.3: only the most recent of the Pings waiting is answered"},
    VariantInfo{Variant::late_pong, "late-pong",
                "RFC 6455 5.5.2: Pongs (and what follows) 200 ms late"},
    VariantInfo{Variant::fragmented_echo, "fragmented-echo",
                "RFC 6455 5.4: messages echoed in two fragments"},
    VariantInfo{Variant::small_fragments, "small-fragments",
                "RFC 6455 5.4: messages echoed in fragments of 3 octets"},
    VariantInfo{Variant::ping_in_fragments, "ping-in-fragments",
                "RFC 6455 5.4: a Ping between the two fragments of each echo"},
    VariantInfo{Variant::close_1000, "close-1000", "RFC 6455 5.5.1: a Close answered with 1000"},
    VariantInfo{Variant::close_reason, "close-reason",
                "RFC 6455 5.5.1: a Close answered with its code and a reason"},
    VariantInfo{Variant::empty_close_reply, "empty-close-reply",
                "RFC 6455 5.5.1: a Close answered with an empty Close"},
};

constexpr std::size_t small_fragment_size = 3;

void append_frame_as(std::string& out, codec::Connection& c, std::uint8_t opcode, bool fin,
                     std::string_view payload) {
    codec::FrameSpec spec;
    spec.opcode = opcode;
    spec.fin = fin;
    spec.masked = c.role() == codec::Role::client;
    if (spec.masked) spec.mask_key = c.next_mask_key();
    codec::append_frame(out, spec, payload);
}

}  // namespace

std::span<const VariantInfo> all_variants() {
    return variants;
}

VariantSet parse_variants(std::string_view list) {
    return parse_defect_list(list, all_variants(), "variant");
}

void append_echo(std::string& out, codec::Connection& c, const VariantSet& v,
                 codec::MessageType type, std::string_view payload) {
    std::size_t piece = 0;
    if (v.has(Variant::small_fragments)) {
        piece = small_fragment_size;
    } else if (v.has(Variant::fragmented_echo) || v.has(Variant::ping_in_fragments)) {
        piece = std::max<std::size_t>(1, (payload.size() + 1) / 2);
    }
    // After our Close (or a failure) the codec writes nothing; keep to that.
    if (piece == 0 || payload.size() <= piece) {
        c.write_message(out, type, payload);
        return;
    }
    if (c.state() != codec::ConnectionState::open &&
        c.state() != codec::ConnectionState::close_received) {
        return;
    }
    const auto first = static_cast<std::uint8_t>(
        type == codec::MessageType::binary ? codec::Opcode::binary : codec::Opcode::text);
    for (std::size_t at = 0; at < payload.size(); at += piece) {
        const bool last = at + piece >= payload.size();
        append_frame_as(out, c,
                        at == 0 ? first : static_cast<std::uint8_t>(codec::Opcode::continuation),
                        last, payload.substr(at, piece));
        if (at == 0 && v.has(Variant::ping_in_fragments)) c.write_ping(out, heartbeat_payload);
    }
}

codec::WriteStatus append_close_reply(std::string& out, codec::Connection& c, const VariantSet& v,
                                      std::optional<std::uint16_t> code) {
    if (v.has(Variant::empty_close_reply)) {
        code.reset();
    } else if (v.has(Variant::close_1000)) {
        code = codec::close_code::normal;
    }
    const std::string_view reason = v.has(Variant::close_reason) && code ? "bye" : "";
    return c.write_close(out, code, reason);
}

}  // namespace wsspec::peer
