// Property tests for the connection: how bytes are cut into reads must never change what
// they mean. Random valid streams (random messages, sizes at the length-form boundaries,
// random fragmentation, control frames between fragments, masking) decode to the events
// the generator expects, whole and in every chunking; random garbage gives the same events
// and the same error whole and chunked, and never crashes (run under ASan/UBSan).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"

namespace wsspec::codec {
namespace {

// Any fixed seed: these tests need reproducible masking keys, not unpredictable ones.
constexpr std::uint64_t test_mask_seed = 0x5EED;

// --- Recording handler (frames included: they must match across chunkings too) ----------

enum class EventKind { frame, text, binary, ping, pong, close, error };

struct Event {
    EventKind kind = EventKind::text;
    std::string payload;
    int code = -1;
    ErrorKind error = ErrorKind::none;
    std::uint8_t opcode = 0;
    bool fin = false;
    std::uint64_t length = 0;

    bool operator==(const Event&) const = default;
};

void PrintTo(const Event& e, std::ostream* os) {
    static const char* names[] = {"frame", "text", "binary", "ping", "pong", "close", "error"};
    *os << names[static_cast<int>(e.kind)];
    if (e.kind == EventKind::frame) {
        *os << "(op=" << int(e.opcode) << " fin=" << e.fin << " len=" << e.length << ")";
    } else if (e.kind == EventKind::error) {
        *os << "(" << error_kind_name(e.error) << " " << e.code << ")";
    } else {
        *os << "(" << e.code << " " << e.payload.size() << " bytes)";
    }
}

class Recorder : public ConnectionHandler {
  public:
    std::vector<Event> events;

    void on_frame(const FrameHeader& h) override {
        Event e;
        e.kind = EventKind::frame;
        e.opcode = h.opcode;
        e.fin = h.fin;
        e.length = h.payload_length;
        events.push_back(e);
    }
    void on_message(MessageType type, std::string_view payload) override {
        events.push_back({type == MessageType::text ? EventKind::text : EventKind::binary,
                          std::string(payload)});
    }
    void on_ping(std::string_view payload) override {
        events.push_back({EventKind::ping, std::string(payload)});
    }
    void on_pong(std::string_view payload) override {
        events.push_back({EventKind::pong, std::string(payload)});
    }
    void on_close(const ClosePayload& close) override {
        events.push_back(
            {EventKind::close, std::string(close.reason), close.code ? *close.code : -1});
    }
    void on_error(const ProtocolError& error) override {
        events.push_back({EventKind::error, {}, error.close_code, error.kind});
    }
};

struct Outcome {
    std::vector<Event> events;
    ConnectionState state = ConnectionState::open;
    ErrorKind error = ErrorKind::none;
    bool last_receive = true;
};

// Feeds `wire` cut at `cuts` (sorted) to a fresh connection.
Outcome run(Role role, const ConnectionLimits& limits, const std::string& wire,
            const std::vector<std::size_t>& cuts) {
    std::vector<std::uint8_t> buffer(wire.begin(), wire.end());  // receive() unmasks in place
    Connection connection(role, limits, test_mask_seed);
    Recorder recorder;
    Outcome out;
    std::size_t pos = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t end = i < cuts.size() ? cuts[i] : buffer.size();
        out.last_receive = connection.receive(buffer.data() + pos, end - pos, recorder);
        pos = end;
    }
    out.events = std::move(recorder.events);
    out.state = connection.state();
    out.error = connection.error().kind;
    return out;
}

Outcome run_whole(Role role, const ConnectionLimits& limits, const std::string& wire) {
    return run(role, limits, wire, {});
}

std::vector<std::size_t> every_byte(std::size_t size) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < size; ++i)
        cuts.push_back(i);
    return cuts;
}

std::vector<std::size_t> random_cuts(std::mt19937& rng, std::size_t size, std::size_t max_chunk) {
    std::vector<std::size_t> cuts;
    std::size_t pos = 0;
    while (true) {
        pos += std::uniform_int_distribution<std::size_t>(0, max_chunk)(rng);
        if (pos >= size) break;
        cuts.push_back(pos);
    }
    return cuts;
}

// One-byte reads across every frame header and the start of its payload, larger reads in
// between: the byte-at-a-time coverage where it matters, at a fraction of the cost.
std::vector<std::size_t> cuts_around_headers(std::mt19937& rng, std::size_t size,
                                             const std::vector<std::size_t>& frame_starts) {
    constexpr std::size_t dense = max_frame_header_size + 4;
    std::vector<std::size_t> cuts;
    std::size_t pos = 1;
    for (const std::size_t start : frame_starts) {
        while (pos + 1000 < start) {
            pos += std::uniform_int_distribution<std::size_t>(1, 1000)(rng);
            cuts.push_back(pos);
        }
        for (pos = std::max(pos, start); pos < std::min(size, start + dense); ++pos)
            cuts.push_back(pos);
    }
    while (!cuts.empty() && cuts.back() >= size)
        cuts.pop_back();
    if (!cuts.empty() && cuts.front() == 0) cuts.erase(cuts.begin());
    return cuts;
}

void expect_same_outcome(const Outcome& whole, const Outcome& chunked, const char* how) {
    ASSERT_EQ(chunked.events, whole.events) << how;
    ASSERT_EQ(chunked.state, whole.state) << how;
    ASSERT_EQ(chunked.error, whole.error) << how;
    ASSERT_EQ(chunked.last_receive, whole.last_receive) << how;
}

std::vector<Event> without_frames(const std::vector<Event>& events) {
    std::vector<Event> out;
    for (const Event& e : events)
        if (e.kind != EventKind::frame) out.push_back(e);
    return out;
}

// --- Random valid streams ----------------------------------------------------------------

struct Stream {
    std::string wire;
    std::vector<Event> expected;  // without frame events
    std::size_t frames = 0;
    std::vector<std::size_t> frame_starts;
};

int pick(std::mt19937& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::size_t random_message_size(std::mt19937& rng) {
    switch (pick(rng, 0, 19)) {
        case 0:
            return 0;
        case 1:
            return 125;
        case 2:
            return 126;
        case 3:
            return 127;
        case 4:
            return pick(rng, 0, 1) ? 65535 : 65536;
        case 5:
            return static_cast<std::size_t>(pick(rng, 1000, 5000));
        default:
            return static_cast<std::size_t>(pick(rng, 0, 300));
    }
}

void append_utf8(std::uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Valid UTF-8 of exactly `size` bytes, mixing all encoded lengths.
std::string random_text(std::mt19937& rng, std::size_t size) {
    static constexpr std::uint32_t samples[] = {0x24,   0xA2,   0x7FF,   0x20AC,  0xD7FF,
                                                0xE000, 0xFFFD, 0x10000, 0x1F600, 0x10FFFF};
    std::string out;
    while (out.size() + 4 <= size) {
        if (pick(rng, 0, 1))
            append_utf8(samples[pick(rng, 0, static_cast<int>(std::size(samples)) - 1)], out);
        else
            out.push_back(static_cast<char>(pick(rng, 0x20, 0x7E)));
    }
    while (out.size() < size)
        out.push_back(static_cast<char>(pick(rng, 0x20, 0x7E)));
    return out;
}

std::string random_binary(std::mt19937& rng, std::size_t size) {
    std::string out(size, '\0');
    for (char& c : out)
        c = static_cast<char>(pick(rng, 0, 255));
    return out;
}

struct StreamWriter {
    std::mt19937& rng;
    Role receiver;
    Stream stream;

    void frame(Opcode opcode, std::string_view payload, bool fin) {
        FrameSpec spec;
        spec.opcode = static_cast<std::uint8_t>(opcode);
        spec.fin = fin;
        spec.masked = receiver == Role::server;
        if (spec.masked) {
            for (auto& b : spec.mask_key)
                b = static_cast<std::uint8_t>(pick(rng, 0, 255));
        }
        stream.frame_starts.push_back(stream.wire.size());
        append_frame(stream.wire, spec, payload);
        ++stream.frames;
    }

    void maybe_control_frame() {
        if (pick(rng, 0, 9) >= 3) return;
        const int size_choice = pick(rng, 0, 3);
        const std::size_t size = size_choice == 0   ? 0
                                 : size_choice == 1 ? max_control_payload
                                                    : static_cast<std::size_t>(pick(rng, 0, 125));
        const std::string payload = random_binary(rng, size);
        const bool is_ping = pick(rng, 0, 1) == 1;
        frame(is_ping ? Opcode::ping : Opcode::pong, payload, true);
        stream.expected.push_back({is_ping ? EventKind::ping : EventKind::pong, payload});
    }

    void message() {
        const bool is_text = pick(rng, 0, 1) == 1;
        const std::size_t size = random_message_size(rng);
        const std::string payload = is_text ? random_text(rng, size) : random_binary(rng, size);
        const Opcode opcode = is_text ? Opcode::text : Opcode::binary;
        if (pick(rng, 0, 1) == 0) {
            frame(opcode, payload, true);
        } else {
            // Random fragment boundaries: empty fragments allowed, and text may be cut
            // inside a code point (the validator carries state across fragments).
            const int fragments = pick(rng, 2, 5);
            std::vector<std::size_t> cuts;
            for (int i = 1; i < fragments; ++i)
                cuts.push_back(static_cast<std::size_t>(pick(rng, 0, static_cast<int>(size))));
            std::sort(cuts.begin(), cuts.end());
            std::size_t pos = 0;
            for (int i = 0; i < fragments; ++i) {
                const std::size_t end = i + 1 < fragments ? cuts[i] : size;
                frame(i == 0 ? opcode : Opcode::continuation,
                      std::string_view(payload).substr(pos, end - pos), i + 1 == fragments);
                pos = end;
                if (i + 1 < fragments) maybe_control_frame();
            }
        }
        stream.expected.push_back({is_text ? EventKind::text : EventKind::binary, payload});
    }
};

Stream random_valid_stream(std::mt19937& rng, Role receiver) {
    StreamWriter w{rng, receiver, {}};
    const int messages = pick(rng, 1, 6);
    for (int i = 0; i < messages; ++i) {
        w.maybe_control_frame();
        w.message();
    }
    if (pick(rng, 0, 3) == 0) {
        static constexpr std::uint16_t codes[] = {1000, 1001, 1003, 1011, 3000, 4999};
        const std::uint16_t code = codes[pick(rng, 0, 5)];
        const std::string reason = random_text(rng, static_cast<std::size_t>(pick(rng, 0, 123)));
        w.frame(Opcode::close, close_payload(code, reason), true);
        w.stream.expected.push_back({EventKind::close, reason, code});
        // Whatever follows the peer's Close is ignored (5.5.1), even garbage.
        w.stream.wire += random_binary(rng, static_cast<std::size_t>(pick(rng, 0, 20)));
    }
    return w.stream;
}

TEST(ConnectionChunking, SplittingSmallStreamAtEveryPositionGivesSameEvents) {
    std::mt19937 rng(21);
    StreamWriter w{rng, Role::server, {}};
    w.frame(Opcode::text, "\xCE\xBA\xE1\xBD", false);
    w.frame(Opcode::ping, "ping", true);
    w.frame(Opcode::continuation, "\xB9\xCF\x83", true);
    w.frame(Opcode::binary, std::string(130, 'b'), true);
    w.frame(Opcode::close, close_payload(1000, "bye"), true);
    const std::string& wire = w.stream.wire;

    const Outcome whole = run_whole(Role::server, {}, wire);
    ASSERT_EQ(without_frames(whole.events).size(), 4u);
    EXPECT_EQ(whole.error, ErrorKind::none);
    EXPECT_EQ(whole.state, ConnectionState::close_received);
    for (std::size_t a = 0; a <= wire.size(); ++a) {
        expect_same_outcome(whole, run(Role::server, {}, wire, {a}), "two reads");
        for (std::size_t b = a; b <= wire.size(); b += 7)
            expect_same_outcome(whole, run(Role::server, {}, wire, {a, b}), "three reads");
    }
    expect_same_outcome(whole, run(Role::server, {}, wire, every_byte(wire.size())),
                        "one byte per read");
}

TEST(ConnectionChunking, RandomValidStreamsDecodeIdenticallyInAnyChunking) {
    std::mt19937 rng(22);
    for (int iteration = 0; iteration < 150; ++iteration) {
        const Role receiver = iteration % 2 == 0 ? Role::server : Role::client;
        const Stream stream = random_valid_stream(rng, receiver);
        SCOPED_TRACE("iteration " + std::to_string(iteration) + ", " +
                     std::to_string(stream.wire.size()) + " bytes");

        const Outcome whole = run_whole(receiver, {}, stream.wire);
        ASSERT_EQ(whole.error, ErrorKind::none) << error_kind_name(whole.error);
        ASSERT_TRUE(whole.last_receive);
        ASSERT_EQ(without_frames(whole.events), stream.expected);
        const auto frames = whole.events.size() - stream.expected.size();
        ASSERT_EQ(frames, stream.frames);

        // One byte per read for small streams; every stream gets one-byte reads across each
        // header, and tiny random reads unless it is one of the 64 KiB ones.
        if (stream.wire.size() <= 4096) {
            expect_same_outcome(whole,
                                run(receiver, {}, stream.wire, every_byte(stream.wire.size())),
                                "one byte per read");
        }
        expect_same_outcome(whole,
                            run(receiver, {}, stream.wire,
                                cuts_around_headers(rng, stream.wire.size(), stream.frame_starts)),
                            "one byte per read around headers");
        if (stream.wire.size() <= 16384) {
            expect_same_outcome(
                whole, run(receiver, {}, stream.wire, random_cuts(rng, stream.wire.size(), 3)),
                "tiny random reads");
        }
        for (const std::size_t max_chunk : {20u, 200u, 5000u}) {
            expect_same_outcome(
                whole,
                run(receiver, {}, stream.wire, random_cuts(rng, stream.wire.size(), max_chunk)),
                "random reads");
        }
    }
}

// --- Random garbage ----------------------------------------------------------------------

ConnectionLimits random_limits(std::mt19937& rng) {
    ConnectionLimits limits;
    limits.enforce_masking = pick(rng, 0, 3) != 0;
    limits.reject_non_minimal_length = pick(rng, 0, 1) == 1;
    limits.allowed_rsv = pick(rng, 0, 3) == 0 ? static_cast<std::uint8_t>(pick(rng, 0, 7)) : 0;
    if (pick(rng, 0, 1)) limits.max_message_size = static_cast<std::uint64_t>(pick(rng, 0, 2000));
    return limits;
}

std::string random_garbage(std::mt19937& rng, Role receiver) {
    switch (pick(rng, 0, 3)) {
        case 0:  // pure noise
            return random_binary(rng, static_cast<std::size_t>(pick(rng, 0, 300)));
        case 1: {  // noise made of plausible first bytes
            static constexpr int firsts[] = {0x81, 0x82, 0x01, 0x00, 0x80, 0x88, 0x89, 0x8A};
            std::string out;
            const int n = pick(rng, 1, 40);
            for (int i = 0; i < n; ++i) {
                out.push_back(static_cast<char>(firsts[pick(rng, 0, 7)]));
                out.push_back(static_cast<char>(pick(rng, 0, 255)));
                out += random_binary(rng, static_cast<std::size_t>(pick(rng, 0, 8)));
            }
            return out;
        }
        default: {  // a valid stream with a few bytes flipped
            std::string wire = random_valid_stream(rng, receiver).wire;
            if (wire.size() > 4000) wire.resize(4000);
            const int flips = pick(rng, 1, 4);
            for (int i = 0; i < flips && !wire.empty(); ++i) {
                const auto at =
                    static_cast<std::size_t>(pick(rng, 0, static_cast<int>(wire.size()) - 1));
                wire[at] = static_cast<char>(pick(rng, 0, 255));
            }
            return wire;
        }
    }
}

TEST(ConnectionChunking, RandomGarbageGivesSameEventsAndErrorInAnyChunking) {
    std::mt19937 rng(23);
    int failures = 0;
    for (int iteration = 0; iteration < 700; ++iteration) {
        const Role receiver = pick(rng, 0, 1) ? Role::server : Role::client;
        const ConnectionLimits limits = random_limits(rng);
        const std::string wire = random_garbage(rng, receiver);
        SCOPED_TRACE("iteration " + std::to_string(iteration));

        const Outcome whole = run_whole(receiver, limits, wire);
        if (whole.state == ConnectionState::failed) {
            ++failures;
            ASSERT_FALSE(whole.last_receive);
            ASSERT_FALSE(whole.events.empty());
            ASSERT_EQ(whole.events.back().kind, EventKind::error);
            ASSERT_EQ(whole.events.back().error, whole.error);
            ASSERT_EQ(whole.events.back().code, make_error(whole.error).close_code);
        }
        if (wire.size() <= 1000) {
            expect_same_outcome(whole, run(receiver, limits, wire, every_byte(wire.size())),
                                "one byte per read");
        }
        for (const std::size_t max_chunk : {2u, 16u, 300u}) {
            expect_same_outcome(
                whole, run(receiver, limits, wire, random_cuts(rng, wire.size(), max_chunk)),
                "random reads");
        }
    }
    EXPECT_GT(failures, 250);  // the garbage really exercises the error paths
}

}  // namespace
}  // namespace wsspec::codec
