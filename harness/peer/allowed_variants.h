// Behaviour RFC 6455 leaves to the implementation, which the reference peers (`wsspec serve
// --variant NAME`, `wsspec client --variant NAME`) can be told to show. Unlike the injected
// defects, a variant breaks no rule: the catalog must give a peer with any of them no
// FAILED (tests/integration/test_allowed_variants.sh), which keeps the judge from failing
// what the RFC allows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "harness/codec/connection.h"
#include "harness/peer/injected_defects.h"

namespace wsspec::peer {

enum class Variant : unsigned {
    heartbeat_ping,     // 5.5.2: "An endpoint MAY send a Ping frame any time after the
                        // connection is established": one right after the handshake
    unsolicited_pong,   // 5.5.3: "A Pong frame MAY be sent unsolicited": one after the handshake
    latest_pong_only,   // 5.5.3: with several Pings waiting, answer only the most recent
    late_pong,          // 5.5.2: answer "as soon as is practical": here 200 ms late, in order
    fragmented_echo,    // 5.4: "A sender MAY create fragments of any size": echo in 2 fragments
    small_fragments,    // 5.4: echo in fragments of 3 octets (code points split, as allowed)
    ping_in_fragments,  // 5.4: "Control frames MAY be injected in the middle of a fragmented
                        // message": echo in 2 fragments with a Ping between them
    close_1000,         // 5.5.1: the reply "typically" echoes the code; reply 1000 instead
    close_reason,       // 5.5.1: "the body MAY contain UTF-8-encoded data": the code and "bye"
    empty_close_reply,  // 5.5.1: "The Close frame MAY contain a body": reply with none
};

using VariantInfo = DefectInfo<Variant>;  // `waives` is always none: nothing is waived
using VariantSet = DefectSet<Variant>;

std::span<const VariantInfo> all_variants();
// Parses a comma-separated list of names; throws std::invalid_argument naming the bad one.
VariantSet parse_variants(std::string_view list);

// What the peers send with heartbeat-ping / unsolicited-pong / ping-in-fragments.
inline constexpr std::string_view heartbeat_payload = "heartbeat";
// late-pong: how long a Pong (and what follows it) is held back.
inline constexpr std::uint32_t late_pong_ms = 200;

// Appends `payload` as one message the way the variants ask for (fragmented-echo,
// small-fragments, ping-in-fragments), or as one frame. Masked when `c` is a client.
void append_echo(std::string& out, codec::Connection& c, const VariantSet& variants,
                 codec::MessageType type, std::string_view payload);

// The reply to a valid Close with code `code` (close-1000, close-reason, empty-close-reply),
// through the codec's checks (what it returns says whether it wrote).
codec::WriteStatus append_close_reply(std::string& out, codec::Connection& c,
                                      const VariantSet& variants,
                                      std::optional<std::uint16_t> code);

}  // namespace wsspec::peer
