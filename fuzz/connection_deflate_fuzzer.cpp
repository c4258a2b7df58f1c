// The connection state machine with permessage-deflate negotiated (RFC 7692), in either role:
// the frames a peer sends, compressed or not, in fuzzer-chosen reads.
//
// Input: [config][chunk plan][byte stream from the peer]
//   config  bit 0      our role: 0 server (the stream is a client's, masked), 1 client
//           bit 1      server_no_context_takeover agreed
//           bit 2      client_no_context_takeover agreed
//           bits 3-4   server_max_window_bits agreed: 8, 9, 12, 15
//           bits 5-6   client_max_window_bits agreed: 8, 9, 12, 15
//           bit 7      max_message_size 4096 (else 1 MiB)
//   chunk plan  see chunk_plan.h
//
// Properties checked on every input:
//   - chunking never changes what the connection reports (the inflater is fed the same
//     bytes in other pieces, so its output and verdicts must not move);
//   - once failed, nothing more is reported; a failure carries 1002, 1007 or 1009 (never
//     1011: zlib must not run out of memory) and an RFC section;
//   - no delivered message exceeds max_message_size (checked on inflated bytes) and text is
//     valid UTF-8 by the reference decoder;
//   - round trip: every delivered message, echoed through our compressor with the same
//     agreed parameters (whole, and again as two fragments), reads back identically on a
//     connection of the other role; so do pongs for the pings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/chunk_plan.h"
#include "fuzz/connection_fuzzing.h"
#include "fuzz/fixed_mask_seed.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/reference_utf8.h"
#include "harness/codec/connection.h"
#include "harness/codec/permessage_deflate.h"

namespace wsspec::fuzz {
namespace {

constexpr std::uint8_t window_bits[4] = {8, 9, 12, 15};

struct DeflateConfig {
    codec::Role role = codec::Role::server;
    codec::PerMessageDeflateParams agreed;
    codec::ConnectionLimits limits;
};

DeflateConfig config_from(std::uint8_t c) {
    DeflateConfig config;
    config.role = (c & 0x01) != 0 ? codec::Role::client : codec::Role::server;
    config.agreed.server_no_context_takeover = (c & 0x02) != 0;
    config.agreed.client_no_context_takeover = (c & 0x04) != 0;
    config.agreed.server_max_window_bits = window_bits[(c >> 3) & 0x3];
    config.agreed.client_max_window_bits = window_bits[(c >> 5) & 0x3];
    config.limits.max_message_size = (c & 0x80) != 0 ? 4096 : 1 << 20;
    return config;
}

codec::Role other(codec::Role role) {
    return role == codec::Role::server ? codec::Role::client : codec::Role::server;
}

codec::Connection deflate_connection(codec::Role role, const DeflateConfig& config,
                                     const codec::ConnectionLimits& limits) {
    codec::Connection connection(role, limits, fixed_mask_seed);
    connection.use_extension(codec::make_permessage_deflate(role, config.agreed));
    return connection;
}

ConnectionRun run(const DeflateConfig& config, const std::uint8_t* data, std::size_t size,
                  ChunkPlan plan) {
    return feed_connection(deflate_connection(config.role, config, config.limits), data, size,
                           plan);
}

void check_echo(const DeflateConfig& config, const TraceHandler& seen) {
    constexpr std::size_t budget = 1 << 20;
    codec::Connection writer = deflate_connection(config.role, config, {});
    std::string wire;
    std::vector<std::pair<codec::MessageType, std::string>> sent;
    std::size_t total = 0;
    for (const auto& [type, payload] : seen.messages) {
        total += 2 * payload.size();
        if (total > budget) break;
        FUZZ_CHECK(writer.write_message(wire, type, payload) == codec::WriteStatus::written,
                   "write_message refused a message");
        const std::size_t half = payload.size() / 2;
        const std::string_view p(payload);
        FUZZ_CHECK(writer.write_fragment(wire, type, p.substr(0, half), false) ==
                       codec::WriteStatus::written,
                   "write_fragment refused a first fragment");
        FUZZ_CHECK(
            writer.write_fragment(wire, type, p.substr(half), true) == codec::WriteStatus::written,
            "write_fragment refused a last fragment");
        sent.emplace_back(type, payload);
        sent.emplace_back(type, payload);
    }
    std::vector<std::string> pongs;
    for (const auto& ping : seen.pings) {
        writer.write_pong(wire, ping);
        pongs.push_back(ping);
    }
    codec::Connection reader = deflate_connection(other(config.role), config, {});
    TraceHandler back;
    std::vector<std::uint8_t> bytes(wire.begin(), wire.end());
    FUZZ_CHECK(reader.receive(bytes.data(), bytes.size(), back),
               "the peer rejected what our compressor wrote");
    FUZZ_CHECK(back.messages == sent, "echoed messages did not inflate back the same");
    FUZZ_CHECK(back.pongs == pongs, "pongs did not read back the same");
}

}  // namespace
}  // namespace wsspec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wsspec;
    if (size < 2) return 0;
    const fuzz::DeflateConfig config = fuzz::config_from(data[0]);
    const fuzz::ChunkPlan plan(data[1]);
    const std::uint8_t* stream = data + 2;
    const std::size_t n = size - 2;

    const fuzz::ConnectionRun whole = fuzz::run(config, stream, n, fuzz::ChunkPlan(0));
    const fuzz::ConnectionRun chunked = fuzz::run(config, stream, n, plan);
    FUZZ_CHECK(whole.events.trace == chunked.events.trace,
               "chunking changed what the connection reported");
    FUZZ_CHECK(whole.state == chunked.state, "chunking changed the final state");
    if (whole.state == codec::ConnectionState::failed) {
        const std::uint16_t code = whole.error.close_code;
        FUZZ_CHECK(code == codec::close_code::protocol_error ||
                       code == codec::close_code::invalid_payload ||
                       code == codec::close_code::message_too_big,
                   "failure with an unexpected close code");
        FUZZ_CHECK(!whole.error.rfc_section.empty() && !whole.error.reason.empty(),
                   "failure without an RFC section and reason");
    }
    for (const auto& [type, payload] : whole.events.messages) {
        FUZZ_CHECK(payload.size() <= config.limits.max_message_size, "message over the limit");
        if (type == codec::MessageType::text) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(payload.data());
            FUZZ_CHECK(fuzz::reference_utf8(p, payload.size()).valid,
                       "invalid UTF-8 text delivered");
        }
    }
    fuzz::check_echo(config, whole.events);
    return 0;
}
