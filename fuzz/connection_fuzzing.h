// The connection state machine target, shared by the server-role and client-role fuzzers.
//
// Input: [limits][chunk plan][byte stream from the peer]
//   limits      bit 0 reject non-minimal lengths      bit 1 max_message_size = 256 and
//                                                         max_waived_control_payload = 256
//               bit 2 RSV1 negotiated                  bit 3 masking not enforced
//               bit 4 waive UTF-8, close code/reason and control length rules
//               bit 5 waive message size and reserved bits
//   chunk plan  see chunk_plan.h
//
// Properties checked on every input:
//   - chunking never changes what the connection reports: the stream fed in one read and
//     fed in the planned reads (each read its own exactly-sized heap block, so ASan sees any
//     read past it) give the same events, in the same order, and the same error;
//   - once failed, receive() returns false and reports nothing more;
//   - text messages are valid UTF-8 (by the reference decoder) and no message exceeds
//     max_message_size, unless those rules are waived; no Ping or Pong exceeds 125 bytes,
//     or max_waived_control_payload when that rule is waived; a failure carries a close code;
//   - round trip: what the connection writes back (echoes, pongs, a close) is read by a
//     connection in the opposite role as exactly those messages, pongs and close.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/chunk_plan.h"
#include "fuzz/fixed_mask_seed.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/reference_utf8.h"
#include "harness/codec/close_payload.h"
#include "harness/codec/connection.h"

namespace wsspec::fuzz {

// Everything the connection reported, as one comparable string plus the parts the
// properties look at.
class TraceHandler : public codec::ConnectionHandler {
  public:
    void on_frame(const codec::FrameHeader& h) override {
        trace += 'F';
        trace += static_cast<char>(h.opcode);
    }
    void on_message(codec::MessageType type, std::string_view payload) override {
        record(type == codec::MessageType::text ? 'T' : 'B', payload);
        messages.emplace_back(type, std::string(payload));
    }
    void on_ping(std::string_view payload) override {
        record('P', payload);
        pings.emplace_back(payload);
    }
    void on_pong(std::string_view payload) override {
        record('Q', payload);
        pongs.emplace_back(payload);
    }
    void on_close(const codec::ClosePayload& close) override {
        record('C', close.reason);
        trace += std::to_string(close.code.value_or(0));
        close_code = close.code;
        close_reason = std::string(close.reason);
        closed = true;
    }
    void on_error(const codec::ProtocolError& error) override {
        trace += 'E';
        trace += std::string(codec::error_kind_name(error.kind));
        ++errors;
    }

    std::string trace;
    std::vector<std::pair<codec::MessageType, std::string>> messages;
    std::vector<std::string> pings;
    std::vector<std::string> pongs;
    bool closed = false;
    std::optional<std::uint16_t> close_code;
    std::string close_reason;
    int errors = 0;

  private:
    void record(char kind, std::string_view payload) {
        trace += kind;
        trace += std::to_string(payload.size());
        trace += ':';
        trace.append(payload);
    }
};

struct ConnectionRun {
    TraceHandler events;
    codec::ConnectionState state = codec::ConnectionState::open;
    codec::ProtocolError error;
};

// Feeds `data` to `connection` in the plan's chunks and checks the failure contract.
inline ConnectionRun feed_connection(codec::Connection connection, const std::uint8_t* data,
                                     std::size_t size, ChunkPlan plan) {
    ConnectionRun run;
    std::size_t pos = 0;
    while (pos < size) {
        const std::size_t n = plan.next(size - pos);
        // Its own mutable block: receive() unmasks in place.
        std::vector<std::uint8_t> chunk(data + pos, data + pos + n);
        const bool ok = connection.receive(chunk.data(), n, run.events);
        pos += n;
        if (!ok) {
            FUZZ_CHECK(connection.state() == codec::ConnectionState::failed,
                       "receive() returned false without failing");
            FUZZ_CHECK(run.events.errors == 1, "a failure is reported exactly once");
            if (pos < size) {
                std::vector<std::uint8_t> rest(data + pos, data + size);
                const std::string before = run.events.trace;
                FUZZ_CHECK(!connection.receive(rest.data(), rest.size(), run.events),
                           "receive() after a failure returned true");
                FUZZ_CHECK(run.events.trace == before, "events reported after a failure");
            }
            break;
        }
    }
    run.state = connection.state();
    run.error = connection.error();
    return run;
}

inline ConnectionRun run_connection(codec::Role role, const codec::ConnectionLimits& limits,
                                    const std::uint8_t* data, std::size_t size, ChunkPlan plan) {
    return feed_connection(codec::Connection(role, limits, fixed_mask_seed), data, size, plan);
}

inline codec::ConnectionLimits limits_from(std::uint8_t flags) {
    using codec::ErrorKind;
    auto bit = [](ErrorKind k) { return 1U << static_cast<unsigned>(k); };
    codec::ConnectionLimits limits;
    limits.reject_non_minimal_length = (flags & 0x01) != 0;
    if ((flags & 0x02) != 0) {
        limits.max_message_size = 256;
        limits.max_waived_control_payload = 256;
    }
    if ((flags & 0x04) != 0) limits.allowed_rsv = codec::rsv1;
    limits.enforce_masking = (flags & 0x08) == 0;
    if ((flags & 0x10) != 0) {
        limits.waived |= bit(ErrorKind::invalid_utf8) | bit(ErrorKind::invalid_close_code) |
                         bit(ErrorKind::invalid_close_reason_utf8) |
                         bit(ErrorKind::control_frame_too_long);
    }
    if ((flags & 0x20) != 0) {
        limits.waived |= bit(ErrorKind::message_too_big) | bit(ErrorKind::reserved_bits_set);
    }
    return limits;
}

// What `role` writes back (echo every valid message, answer every ping, close 1000 if the peer
// closed) must read back the same on a connection of the other role.
inline void check_round_trip(codec::Role role, const TraceHandler& seen) {
    constexpr std::size_t budget = 1 << 20;  // keep huge echoes from slowing the fuzzer
    codec::Connection writer(role, {}, fixed_mask_seed);
    std::string wire;
    std::size_t total = 0;
    std::vector<std::pair<codec::MessageType, std::string>> sent;
    for (const auto& [type, payload] : seen.messages) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(payload.data());
        if (type == codec::MessageType::text && !reference_utf8(p, payload.size()).valid) {
            continue;  // delivered only because the rule was waived; the reader enforces it
        }
        total += payload.size();
        if (total > budget) break;
        writer.write_message(wire, type, payload);
        sent.emplace_back(type, payload);
    }
    std::vector<std::string> pongs;
    for (const auto& ping : seen.pings) {
        if (ping.size() > codec::max_control_payload) continue;  // only when waived
        writer.write_pong(wire, ping);
        pongs.push_back(ping);
    }
    if (seen.closed) writer.write_close(wire, codec::close_code::normal, "bye");

    const codec::Role other =
        role == codec::Role::server ? codec::Role::client : codec::Role::server;
    codec::Connection reader(other, {}, fixed_mask_seed);
    TraceHandler back;
    std::vector<std::uint8_t> bytes(wire.begin(), wire.end());
    FUZZ_CHECK(reader.receive(bytes.data(), bytes.size(), back), "the peer rejected what we wrote");
    FUZZ_CHECK(back.messages == sent, "echoed messages did not read back the same");
    FUZZ_CHECK(back.pongs == pongs, "pongs did not read back the same");
    FUZZ_CHECK(back.closed == seen.closed, "close did not read back");
    if (seen.closed) {
        FUZZ_CHECK(back.close_code == codec::close_code::normal && back.close_reason == "bye",
                   "close code or reason did not read back");
    }
}

inline int fuzz_connection(codec::Role role, const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t flags = data[0];
    const ChunkPlan plan(data[1]);
    const std::uint8_t* stream = data + 2;
    const std::size_t n = size - 2;
    const codec::ConnectionLimits limits = limits_from(flags);

    const ConnectionRun whole = run_connection(role, limits, stream, n, ChunkPlan(0));
    const ConnectionRun chunked = run_connection(role, limits, stream, n, plan);
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
        if (!limits.waives(codec::ErrorKind::message_too_big)) {
            FUZZ_CHECK(payload.size() <= limits.max_message_size, "message over the limit");
        }
        if (type == codec::MessageType::text && !limits.waives(codec::ErrorKind::invalid_utf8)) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(payload.data());
            FUZZ_CHECK(reference_utf8(p, payload.size()).valid, "invalid UTF-8 text delivered");
        }
    }
    const std::uint64_t control_bound =
        limits.waives(codec::ErrorKind::control_frame_too_long)
            ? std::max<std::uint64_t>(codec::max_control_payload, limits.max_waived_control_payload)
            : codec::max_control_payload;
    for (const auto* payloads : {&whole.events.pings, &whole.events.pongs}) {
        for (const std::string& payload : *payloads)
            FUZZ_CHECK(payload.size() <= control_bound, "control frame over its bound delivered");
    }
    if (whole.events.closed && whole.events.close_code &&
        !limits.waives(codec::ErrorKind::invalid_close_code)) {
        FUZZ_CHECK(codec::is_valid_close_code(*whole.events.close_code),
                   "close with an invalid code accepted");
    }
    check_round_trip(role, whole.events);
    return 0;
}

}  // namespace wsspec::fuzz
