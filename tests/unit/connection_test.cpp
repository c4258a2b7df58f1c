// Connection state machine (RFC 6455 5-7): RFC 5.7 examples decoded to events, every
// protocol error with the close code it maps to, control frames between fragments, the
// closing handshake, and frames written by one role decoded by the other.
#include "harness/codec/connection.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "harness/codec/frame_writer.h"

namespace wsspec::codec {
namespace {

// Any fixed seed: these tests need reproducible masking keys, not unpredictable ones.
constexpr std::uint64_t test_mask_seed = 0x5EED;

// --- Recording handler -------------------------------------------------------------------

enum class EventKind { frame, text, binary, ping, pong, close, error };

struct Event {
    EventKind kind = EventKind::text;
    std::string payload;  // message / ping / pong payload, close reason
    int code = -1;        // close: code (-1 when absent); error: close code to send
    ErrorKind error = ErrorKind::none;
    std::uint8_t opcode = 0;   // frame
    bool fin = false;          // frame
    std::uint64_t length = 0;  // frame

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
        *os << "(" << e.code << " \"" << e.payload << "\")";
    }
}

Event text(std::string payload) {
    return {EventKind::text, std::move(payload)};
}
Event binary(std::string payload) {
    return {EventKind::binary, std::move(payload)};
}
Event ping(std::string payload) {
    return {EventKind::ping, std::move(payload)};
}
Event pong(std::string payload) {
    return {EventKind::pong, std::move(payload)};
}
Event close_event(int code, std::string reason = {}) {
    return {EventKind::close, std::move(reason), code};
}
Event error_event(ErrorKind kind, int close_code) {
    return {EventKind::error, {}, close_code, kind};
}

class Recorder : public ConnectionHandler {
  public:
    std::vector<Event> events;  // everything except frames
    std::vector<FrameHeader> frames;

    void on_frame(const FrameHeader& header) override { frames.push_back(header); }
    void on_message(MessageType type, std::string_view payload) override {
        events.push_back(type == MessageType::text ? text(std::string(payload))
                                                   : binary(std::string(payload)));
        last_message_data = payload.data();
    }
    void on_ping(std::string_view payload) override {
        events.push_back(ping(std::string(payload)));
    }
    void on_pong(std::string_view payload) override {
        events.push_back(pong(std::string(payload)));
    }
    void on_close(const ClosePayload& close) override {
        events.push_back(close_event(close.code ? *close.code : -1, std::string(close.reason)));
    }
    void on_error(const ProtocolError& error) override {
        events.push_back(error_event(error.kind, error.close_code));
    }

    const char* last_message_data = nullptr;
};

// --- Frame building ----------------------------------------------------------------------

constexpr MaskKey test_key{0x11, 0x22, 0x33, 0x44};

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values)
        out.push_back(static_cast<char>(v));
    return out;
}

// A frame as a client sends it (masked).
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
    FrameSpec spec;
    spec.opcode = opcode;
    spec.fin = fin;
    spec.masked = true;
    spec.mask_key = test_key;
    std::string out;
    append_frame(out, spec, payload);
    return out;
}

std::string client_frame(Opcode opcode, std::string_view payload, bool fin = true) {
    return client_frame(static_cast<std::uint8_t>(opcode), payload, fin);
}

// A frame as a server sends it (unmasked).
std::string server_frame(Opcode opcode, std::string_view payload, bool fin = true) {
    FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(opcode);
    spec.fin = fin;
    std::string out;
    append_frame(out, spec, payload);
    return out;
}

bool feed(Connection& connection, std::string_view data, Recorder& recorder) {
    std::vector<std::uint8_t> buffer(data.begin(), data.end());
    return connection.receive(buffer.data(), buffer.size(), recorder);
}

// Feeds `data` to a fresh connection and expects it to fail with `kind`, reported both
// through receive()/error() and exactly once through on_error, as the last event.
void expect_failure(Role role, const std::string& data, ErrorKind kind,
                    std::uint16_t expected_close_code, ConnectionLimits limits = {}) {
    Connection connection(role, limits, test_mask_seed);
    Recorder recorder;
    EXPECT_FALSE(feed(connection, data, recorder));
    EXPECT_EQ(connection.state(), ConnectionState::failed);
    EXPECT_EQ(connection.error().kind, kind) << "expected " << error_kind_name(kind) << ", got "
                                             << error_kind_name(connection.error().kind);
    EXPECT_EQ(connection.error().close_code, expected_close_code);
    EXPECT_EQ(make_error(kind).close_code, expected_close_code);
    ASSERT_FALSE(recorder.events.empty());
    EXPECT_EQ(recorder.events.back(), error_event(kind, expected_close_code));
    for (std::size_t i = 0; i + 1 < recorder.events.size(); ++i)
        EXPECT_NE(recorder.events[i].kind, EventKind::error);
}

// --- RFC 6455 5.7 examples ---------------------------------------------------------------

TEST(Connection, ClientDecodesRfcUnmaskedTextHello) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(client, bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), r));
    EXPECT_EQ(r.events, (std::vector<Event>{text("Hello")}));
    ASSERT_EQ(r.frames.size(), 1u);
    EXPECT_EQ(r.frames[0].payload_length, 5u);
    EXPECT_EQ(client.state(), ConnectionState::open);
}

TEST(Connection, ServerDecodesRfcMaskedTextHello) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(
        feed(server, bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}), r));
    EXPECT_EQ(r.events, (std::vector<Event>{text("Hello")}));
}

TEST(Connection, ClientDecodesRfcFragmentedText) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(client, bytes({0x01, 0x03, 0x48, 0x65, 0x6c}), r));
    EXPECT_TRUE(r.events.empty());
    EXPECT_TRUE(feed(client, bytes({0x80, 0x02, 0x6c, 0x6f}), r));
    EXPECT_EQ(r.events, (std::vector<Event>{text("Hello")}));
    EXPECT_EQ(r.frames.size(), 2u);
}

TEST(Connection, ClientDecodesRfcUnmaskedPing) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(client, bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping("Hello")}));
}

TEST(Connection, ServerDecodesRfcMaskedPong) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(
        feed(server, bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}), r));
    EXPECT_EQ(r.events, (std::vector<Event>{pong("Hello")}));
}

TEST(Connection, ClientDecodesRfc256ByteAnd64KiBBinary) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    const std::string small(256, '\x5A');
    const std::string large(65536, '\xA5');
    EXPECT_TRUE(feed(client, bytes({0x82, 0x7E, 0x01, 0x00}) + small, r));
    EXPECT_TRUE(feed(
        client, bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}) + large, r));
    EXPECT_EQ(r.events, (std::vector<Event>{binary(small), binary(large)}));
}

// --- Protocol errors and their close codes -----------------------------------------------

TEST(Connection, RejectsReservedBitsWith1002) {
    for (const std::uint8_t rsv : {rsv1, rsv2, rsv3}) {
        FrameSpec spec;
        spec.rsv = rsv;
        spec.masked = true;
        std::string data;
        append_frame(data, spec, "x");
        expect_failure(Role::server, data, ErrorKind::reserved_bits_set, 1002);
    }
}

TEST(Connection, AcceptsNegotiatedRsvBits) {
    ConnectionLimits limits;
    limits.allowed_rsv = rsv1;
    Connection server(Role::server, limits, test_mask_seed);
    Recorder r;
    FrameSpec spec;
    spec.rsv = rsv1;
    spec.masked = true;
    spec.mask_key = test_key;
    std::string data;
    append_frame(data, spec, "compressed?");
    EXPECT_TRUE(feed(server, data, r));
    EXPECT_EQ(r.events, (std::vector<Event>{text("compressed?")}));
    ASSERT_EQ(r.frames.size(), 1u);
    EXPECT_EQ(r.frames[0].rsv, rsv1);
}

TEST(Connection, RejectsReservedOpcodeWith1002) {
    for (const std::uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        SCOPED_TRACE(opcode);
        expect_failure(Role::server, client_frame(opcode, ""), ErrorKind::reserved_opcode, 1002);
        // Also in the middle of a fragmented message.
        expect_failure(Role::server,
                       client_frame(Opcode::text, "a", false) + client_frame(opcode, "b"),
                       ErrorKind::reserved_opcode, 1002);
    }
}

TEST(Connection, ReportsHeaderErrorsFromTheFirstByte) {
    for (const int b0 : {0xC1, 0xA2, 0x83, 0x8B, 0x09}) {
        Connection server(Role::server, {}, test_mask_seed);
        Recorder r;
        EXPECT_FALSE(feed(server, bytes({b0}), r)) << b0;
        EXPECT_EQ(server.state(), ConnectionState::failed);
        ASSERT_EQ(r.events.size(), 1u);
        EXPECT_EQ(r.events[0].kind, EventKind::error);
        EXPECT_EQ(r.events[0].code, 1002);
    }
}

TEST(Connection, RejectsControlFrameTooLongWith1002) {
    for (const Opcode opcode : {Opcode::ping, Opcode::pong, Opcode::close}) {
        expect_failure(Role::server, client_frame(opcode, std::string(126, 'p')),
                       ErrorKind::control_frame_too_long, 1002);
    }
    // Judged from the header: the payload never needs to arrive.
    expect_failure(Role::client, bytes({0x89, 0x7E, 0x00, 0x7E}), ErrorKind::control_frame_too_long,
                   1002);
}

TEST(Connection, AcceptsControlFrameOf125Bytes) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    const std::string payload(125, 'p');
    EXPECT_TRUE(feed(server, client_frame(Opcode::ping, payload), r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping(payload)}));
}

// A control frame as a client sends it, with its length in a chosen form.
std::string client_control_frame(Opcode opcode, std::string_view payload, LengthForm form) {
    FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(opcode);
    spec.masked = true;
    spec.mask_key = test_key;
    spec.length_form = form;
    std::string out;
    append_frame(out, spec, payload);
    return out;
}

TEST(Connection, JudgesControlFrameOf125BytesInALongerLengthFormAsNonMinimal) {
    // 89 FE 00 7D + key + 125 bytes: not too long (5.5), only not minimally encoded (5.2),
    // which a receiver judges as it judges a data frame's length.
    const std::string payload(125, 'p');
    for (const LengthForm form : {LengthForm::bits16, LengthForm::bits64}) {
        for (const Opcode opcode : {Opcode::ping, Opcode::pong}) {
            const std::string wire = client_control_frame(opcode, payload, form);
            ASSERT_EQ(static_cast<std::uint8_t>(wire[1]), form == LengthForm::bits16 ? 0xFE : 0xFF);
            Connection lenient(Role::server, {}, test_mask_seed);
            Recorder r;
            EXPECT_TRUE(feed(lenient, wire, r));
            EXPECT_EQ(r.events,
                      (std::vector<Event>{opcode == Opcode::ping ? ping(payload) : pong(payload)}));
            ASSERT_EQ(r.frames.size(), 1u);
            EXPECT_TRUE(r.frames[0].non_minimal_length);

            ConnectionLimits strict;
            strict.reject_non_minimal_length = true;
            expect_failure(Role::server, wire, ErrorKind::non_minimal_length, 1002, strict);
            EXPECT_EQ(make_error(ErrorKind::non_minimal_length).rfc_section, "5.2");
        }
        const std::string close =
            client_control_frame(Opcode::close, close_payload(1000, "bye"), form);
        Connection server(Role::server, {}, test_mask_seed);
        Recorder r;
        EXPECT_TRUE(feed(server, close, r));
        EXPECT_EQ(r.events, (std::vector<Event>{close_event(1000, "bye")}));
    }
}

ConnectionLimits waiving_control_length() {
    ConnectionLimits limits;
    limits.waived = 1U << static_cast<unsigned>(ErrorKind::control_frame_too_long);
    return limits;
}

TEST(Connection, WaivedControlLengthStillBoundsControlFramesWith1009) {
    // The header of a 1 MiB Ping is enough to refuse it: none of it is buffered.
    FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(Opcode::ping);
    spec.masked = true;
    spec.mask_key = test_key;
    std::uint8_t header[max_frame_header_size];
    const std::size_t header_size = write_frame_header(spec, 1 << 20, header);
    const std::string wire(reinterpret_cast<const char*>(header), header_size);
    expect_failure(Role::server, wire, ErrorKind::control_frame_over_limit, 1009,
                   waiving_control_length());
    expect_failure(Role::server, wire + std::string(4096, 'p'), ErrorKind::control_frame_over_limit,
                   1009, waiving_control_length());

    // One byte over the default bound fails; at the bound the Ping is delivered, also when
    // it arrives in pieces (the case that makes the codec buffer it).
    const ConnectionLimits defaults = waiving_control_length();
    expect_failure(
        Role::server,
        client_frame(Opcode::ping, std::string(defaults.max_waived_control_payload + 1, 'p')),
        ErrorKind::control_frame_over_limit, 1009, defaults);
    const std::string at_bound(defaults.max_waived_control_payload, 'p');
    const std::string frame = client_frame(Opcode::ping, at_bound);
    Connection server(Role::server, defaults, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, frame.substr(0, 1000), r));
    EXPECT_TRUE(feed(server, frame.substr(1000), r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping(at_bound)}));
}

TEST(Connection, WaivedControlLengthBoundIsConfigurable) {
    ConnectionLimits limits = waiving_control_length();
    limits.max_waived_control_payload = 200;
    Connection server(Role::server, limits, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, client_frame(Opcode::ping, std::string(126, 'a')), r));
    EXPECT_TRUE(feed(server, client_frame(Opcode::pong, std::string(200, 'b')), r));
    EXPECT_EQ(r.events,
              (std::vector<Event>{ping(std::string(126, 'a')), pong(std::string(200, 'b'))}));
    expect_failure(Role::server, client_frame(Opcode::ping, std::string(201, 'c')),
                   ErrorKind::control_frame_over_limit, 1009, limits);
    // Waiving the message size does not lift it: it bounds memory, it is not an RFC rule.
    limits.waived |= 1U << static_cast<unsigned>(ErrorKind::message_too_big);
    expect_failure(Role::server, client_frame(Opcode::ping, std::string(201, 'c')),
                   ErrorKind::control_frame_over_limit, 1009, limits);
}

TEST(Connection, ControlBoundNeverRejectsALegalControlFrame) {
    // A bound set below 125 must not turn a valid control frame into an error.
    ConnectionLimits limits;
    limits.max_waived_control_payload = 10;
    Connection server(Role::server, limits, test_mask_seed);
    Recorder r;
    const std::string payload(125, 'p');
    EXPECT_TRUE(feed(server, client_frame(Opcode::ping, payload), r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping(payload)}));
}

TEST(Connection, RejectsFragmentedControlFrameWith1002) {
    for (const Opcode opcode : {Opcode::ping, Opcode::pong, Opcode::close}) {
        expect_failure(Role::server, client_frame(opcode, "x", false),
                       ErrorKind::control_frame_fragmented, 1002);
    }
}

TEST(Connection, RejectsContinuationWithoutStartWith1002) {
    expect_failure(Role::server, client_frame(Opcode::continuation, "x"),
                   ErrorKind::continuation_without_start, 1002);
    expect_failure(Role::server, client_frame(Opcode::continuation, "x", false),
                   ErrorKind::continuation_without_start, 1002);
    // After a complete message there is nothing to continue either.
    expect_failure(Role::server,
                   client_frame(Opcode::text, "done") + client_frame(Opcode::continuation, "x"),
                   ErrorKind::continuation_without_start, 1002);
}

TEST(Connection, RejectsNewDataFrameInsideFragmentedMessageWith1002) {
    for (const Opcode first : {Opcode::text, Opcode::binary}) {
        for (const Opcode second : {Opcode::text, Opcode::binary}) {
            for (const bool fin : {false, true}) {
                expect_failure(Role::server,
                               client_frame(first, "a", false) + client_frame(second, "b", fin),
                               ErrorKind::data_frame_inside_fragmented_message, 1002);
            }
        }
    }
}

TEST(Connection, RejectsInvalidUtf8With1007) {
    expect_failure(Role::server, client_frame(Opcode::text, "ok\xFF"), ErrorKind::invalid_utf8,
                   1007);
    expect_failure(Role::server, client_frame(Opcode::text, "\xED\xA0\x80"),
                   ErrorKind::invalid_utf8, 1007);
    expect_failure(Role::server,
                   client_frame(Opcode::text, "\xCE\xBA", false) +
                       client_frame(Opcode::continuation, "\xC0\x80"),
                   ErrorKind::invalid_utf8, 1007);
}

TEST(Connection, JudgesShortMaskedTextLikeTheValidatorAtEveryLength) {
    // Whole short text frames take a one-pass check of the still-masked bytes; it must
    // reach the validator's verdict at every length and key, and deliver unmasked text.
    const std::string alphabet[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    const std::string bad[] = {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                               "\x80", "\xE2\x82"};
    std::uint32_t seed = 1;
    for (std::size_t length = 0; length <= 300; ++length) {
        std::string text;
        for (std::size_t i = 0; text.size() < length; ++i)
            text += alphabet[(i * 7 + length) % 4];
        FrameSpec spec;
        spec.opcode = static_cast<std::uint8_t>(Opcode::text);
        spec.masked = true;
        seed = seed * 1664525u + 1013904223u;
        std::memcpy(spec.mask_key.data(), &seed, sizeof(seed));
        std::string wire;
        append_frame(wire, spec, text);
        Connection server(Role::server, {}, test_mask_seed);
        Recorder r;
        EXPECT_TRUE(feed(server, wire, r)) << length;
        EXPECT_EQ(r.events, (std::vector<Event>{Event{EventKind::text, text}})) << length;

        const std::string broken =
            text.substr(0, length / 2) + bad[length % 6] + text.substr(length / 2);
        std::string bad_wire;
        append_frame(bad_wire, spec, broken);
        expect_failure(Role::server, bad_wire, ErrorKind::invalid_utf8, 1007);
    }
}

TEST(Connection, DoesNotValidateBinaryMessagesAsUtf8) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, client_frame(Opcode::binary, "\xFF\xC0\x80"), r));
    EXPECT_EQ(r.events, (std::vector<Event>{binary("\xFF\xC0\x80")}));
}

TEST(Connection, FailsFastOnInvalidUtf8InNonFinalFragment) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    // The first fragment alone proves the message invalid; the rest never arrives.
    EXPECT_FALSE(feed(server, client_frame(Opcode::text, "fine\xF5", false), r));
    EXPECT_EQ(r.events, (std::vector<Event>{error_event(ErrorKind::invalid_utf8, 1007)}));
    EXPECT_EQ(server.state(), ConnectionState::failed);
}

TEST(Connection, FailsFastOnInvalidUtf8InsideFrameSplitAcrossReads) {
    std::string payload(200, 'a');
    payload[150] = '\xC0';
    const std::string data = client_frame(Opcode::text, payload);
    const std::size_t header = data.size() - payload.size();
    const std::size_t bad_byte = header + 150;

    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const bool ok = feed(server, data.substr(i, 1), r);
        if (i < bad_byte) {
            ASSERT_TRUE(ok) << "byte " << i;
            ASSERT_TRUE(r.events.empty()) << "byte " << i;
        } else {
            ASSERT_FALSE(ok) << "byte " << i;
        }
        if (i == bad_byte) {
            EXPECT_EQ(r.events, (std::vector<Event>{error_event(ErrorKind::invalid_utf8, 1007)}));
        }
    }
    EXPECT_EQ(r.events.size(), 1u);  // reported once
}

TEST(Connection, FailsFastOnInvalidUtf8InLargeChunkOfSplitFrame) {
    std::string payload(1000, 'a');
    payload[400] = '\xFF';
    const std::string data = client_frame(Opcode::text, payload);
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, data.substr(0, 300), r));
    EXPECT_TRUE(r.events.empty());
    EXPECT_FALSE(feed(server, data.substr(300, 200), r));  // contains the bad byte
    EXPECT_EQ(r.events, (std::vector<Event>{error_event(ErrorKind::invalid_utf8, 1007)}));
}

TEST(Connection, RejectsUtf8TruncatedAtMessageEndWith1007) {
    expect_failure(Role::server, client_frame(Opcode::text, "\xE2\x82"), ErrorKind::invalid_utf8,
                   1007);
    expect_failure(
        Role::server,
        client_frame(Opcode::text, "a\xF0", false) + client_frame(Opcode::continuation, "\x9F\x98"),
        ErrorKind::invalid_utf8, 1007);
    expect_failure(
        Role::server,
        client_frame(Opcode::text, "a\xE2", false) + client_frame(Opcode::continuation, ""),
        ErrorKind::invalid_utf8, 1007);
}

TEST(Connection, AcceptsCodePointSplitAcrossFragmentsWithPingBetween) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::text, "\xE2", false) + client_frame(Opcode::ping, "p") +
                         client_frame(Opcode::continuation, "\x82", false) +
                         client_frame(Opcode::continuation, "\xAC"),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping("p"), text("\xE2\x82\xAC")}));
}

TEST(Connection, RejectsMessageTooBigFromHeaderAlone) {
    ConnectionLimits limits;
    limits.max_message_size = 1 << 20;
    Connection server(Role::server, limits, test_mask_seed);
    Recorder r;
    // Just the 14-byte header of a 1 TiB frame: no payload byte has arrived.
    std::uint8_t header[max_frame_header_size];
    FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(Opcode::binary);
    spec.masked = true;
    const std::size_t n = write_frame_header(spec, 1ULL << 40, header);
    EXPECT_FALSE(feed(server, std::string(reinterpret_cast<char*>(header), n), r));
    EXPECT_EQ(r.events, (std::vector<Event>{error_event(ErrorKind::message_too_big, 1009)}));
    EXPECT_EQ(server.error().kind, ErrorKind::message_too_big);
    EXPECT_EQ(make_error(ErrorKind::message_too_big).close_code, close_code::message_too_big);
}

TEST(Connection, RejectsFragmentedMessageGrowingPastLimitWith1009) {
    ConnectionLimits limits;
    limits.max_message_size = 100;
    expect_failure(Role::server,
                   client_frame(Opcode::text, std::string(60, 'a'), false) +
                       client_frame(Opcode::continuation, std::string(41, 'a')),
                   ErrorKind::message_too_big, 1009, limits);
}

TEST(Connection, AcceptsMessagesExactlyAtLimitAndResetsCountPerMessage) {
    ConnectionLimits limits;
    limits.max_message_size = 100;
    Connection server(Role::server, limits, test_mask_seed);
    Recorder r;
    const std::string half(50, 'h');
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::binary, half, false) +
                         client_frame(Opcode::continuation, half) +
                         client_frame(Opcode::text, std::string(100, 't')),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{binary(half + half), text(std::string(100, 't'))}));
}

TEST(Connection, ControlFramesDoNotCountTowardsMessageLimit) {
    ConnectionLimits limits;
    limits.max_message_size = 10;
    Connection server(Role::server, limits, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::text, "12345", false) +
                         client_frame(Opcode::ping, std::string(100, 'p')) +
                         client_frame(Opcode::continuation, "67890"),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping(std::string(100, 'p')), text("1234567890")}));
}

TEST(Connection, RejectsOneByteClosePayloadWith1002) {
    expect_failure(Role::server, client_frame(Opcode::close, "\x03"),
                   ErrorKind::close_payload_one_byte, 1002);
}

TEST(Connection, RejectsInvalidCloseCodeWith1002) {
    for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
        expect_failure(Role::server, client_frame(Opcode::close, close_payload(code, "")),
                       ErrorKind::invalid_close_code, 1002);
    }
}

TEST(Connection, RejectsInvalidCloseReasonWith1007) {
    expect_failure(Role::server, client_frame(Opcode::close, close_payload(1000, "bad\xFF")),
                   ErrorKind::invalid_close_reason_utf8, 1007);
}

TEST(Connection, RejectsUnmaskedClientFrameWith1002) {
    expect_failure(Role::server, server_frame(Opcode::text, "Hello"),
                   ErrorKind::unmasked_client_frame, 1002);
    expect_failure(Role::server, server_frame(Opcode::ping, ""), ErrorKind::unmasked_client_frame,
                   1002);
}

TEST(Connection, RejectsMaskedServerFrameWith1002) {
    expect_failure(Role::client, client_frame(Opcode::text, "Hello"),
                   ErrorKind::masked_server_frame, 1002);
    expect_failure(Role::client, client_frame(Opcode::close, ""), ErrorKind::masked_server_frame,
                   1002);
}

TEST(Connection, AcceptsBothMaskingsWhenMaskingIsNotEnforced) {
    ConnectionLimits limits;
    limits.enforce_masking = false;
    for (const Role role : {Role::client, Role::server}) {
        Connection connection(role, limits, test_mask_seed);
        Recorder r;
        EXPECT_TRUE(feed(connection,
                         client_frame(Opcode::text, "masked") +
                             server_frame(Opcode::text, "plain") +
                             client_frame(Opcode::ping, "mp") + server_frame(Opcode::pong, "pp"),
                         r));
        EXPECT_EQ(r.events,
                  (std::vector<Event>{text("masked"), text("plain"), ping("mp"), pong("pp")}));
    }
}

TEST(Connection, RejectsLengthWithMostSignificantBitSetWith1002) {
    expect_failure(Role::client, bytes({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}),
                   ErrorKind::length_msb_set, 1002);
}

TEST(Connection, RejectsNonMinimalLengthOnlyWhenConfigured) {
    FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(Opcode::binary);
    spec.length_form = LengthForm::bits64;
    spec.masked = true;
    spec.mask_key = test_key;
    std::string data;
    append_frame(data, spec, "abc");

    Connection lenient(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(lenient, data, r));
    EXPECT_EQ(r.events, (std::vector<Event>{binary("abc")}));

    ConnectionLimits strict;
    strict.reject_non_minimal_length = true;
    expect_failure(Role::server, data, ErrorKind::non_minimal_length, 1002, strict);
}

TEST(Connection, StopsReadingAfterFailure) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_FALSE(feed(server, client_frame(0x3, "") + client_frame(Opcode::text, "later"), r));
    EXPECT_FALSE(feed(server, client_frame(Opcode::text, "more"), r));
    EXPECT_FALSE(feed(server, "", r));
    EXPECT_EQ(r.events, (std::vector<Event>{error_event(ErrorKind::reserved_opcode, 1002)}));
    EXPECT_EQ(server.state(), ConnectionState::failed);
}

TEST(Connection, WritesCloseWithErrorCodeAfterFailure) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_FALSE(feed(server, client_frame(Opcode::text, "\xFF"), r));
    std::string out;
    server.write_close(out, server.error().close_code, server.error().reason);
    EXPECT_EQ(out.substr(0, 4),
              bytes({0x88, static_cast<int>(2 + server.error().reason.size()), 0x03, 0xEF}));
    EXPECT_EQ(server.state(), ConnectionState::failed);
}

// --- Messages and control frames ---------------------------------------------------------

TEST(Connection, DeliversPingBetweenFragmentsInOrder) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::text, "Hel", false) + client_frame(Opcode::ping, "p1") +
                         client_frame(Opcode::continuation, "l", false) +
                         client_frame(Opcode::pong, "") + client_frame(Opcode::ping, "p2") +
                         client_frame(Opcode::continuation, "o"),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{ping("p1"), pong(""), ping("p2"), text("Hello")}));
    EXPECT_EQ(r.frames.size(), 6u);
}

TEST(Connection, DeliversEmptyMessages) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::text, "") + client_frame(Opcode::binary, "") +
                         client_frame(Opcode::text, "", false) +
                         client_frame(Opcode::continuation, "", false) +
                         client_frame(Opcode::continuation, "") + client_frame(Opcode::ping, ""),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{text(""), binary(""), text(""), ping("")}));
}

TEST(Connection, DeliversSeveralFramesFromOneRead) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(client,
                     server_frame(Opcode::text, "one") + server_frame(Opcode::binary, "two") +
                         server_frame(Opcode::pong, "three"),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{text("one"), binary("two"), pong("three")}));
}

TEST(Connection, DeliversFramesSplitAcrossReads) {
    const std::string data = client_frame(Opcode::ping, "ping-payload") +
                             client_frame(Opcode::binary, std::string(300, 'b')) +
                             client_frame(Opcode::close, close_payload(1000, "bye"));
    for (const std::size_t split : {1u, 2u, 5u, 7u, 17u, 20u, 100u, 322u}) {
        Connection server(Role::server, {}, test_mask_seed);
        Recorder r;
        EXPECT_TRUE(feed(server, data.substr(0, split), r));
        EXPECT_TRUE(feed(server, data.substr(split), r));
        EXPECT_EQ(r.events, (std::vector<Event>{ping("ping-payload"), binary(std::string(300, 'b')),
                                                close_event(1000, "bye")}))
            << "split " << split;
    }
}

TEST(Connection, DeliversSingleFrameMessageAsViewIntoCallersBuffer) {
    // Hot path promise (connection.h): no copy for a complete single-frame message.
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    const std::string data = client_frame(Opcode::text, "zero-copy");
    std::vector<std::uint8_t> buffer(data.begin(), data.end());
    EXPECT_TRUE(server.receive(buffer.data(), buffer.size(), r));
    EXPECT_EQ(r.last_message_data, reinterpret_cast<const char*>(buffer.data()) + 6);
    EXPECT_EQ(r.events, (std::vector<Event>{text("zero-copy")}));
}

TEST(Connection, ReportsEachFrameHeaderBeforeItsPayload) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, client_frame(Opcode::text, "ab", false).substr(0, 6), r));
    ASSERT_EQ(r.frames.size(), 1u);  // header complete, payload not yet
    EXPECT_FALSE(r.frames[0].fin);
    EXPECT_EQ(r.frames[0].payload_length, 2u);
    EXPECT_TRUE(r.events.empty());
}

// --- Closing handshake (RFC 6455 5.5.1, 7) -----------------------------------------------

TEST(Connection, PeerCloseMovesToCloseReceivedAndOurReplyToClosed) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, client_frame(Opcode::close, close_payload(1000, "bye")), r));
    EXPECT_EQ(r.events, (std::vector<Event>{close_event(1000, "bye")}));
    EXPECT_EQ(server.state(), ConnectionState::close_received);
    std::string out;
    server.write_close(out, 1000);
    EXPECT_EQ(out, bytes({0x88, 0x02, 0x03, 0xE8}));
    EXPECT_EQ(server.state(), ConnectionState::closed);
}

TEST(Connection, OurCloseThenPeerCloseMovesToClosed) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    std::string out;
    client.write_close(out, 1001, "away");
    EXPECT_EQ(client.state(), ConnectionState::close_sent);
    // The peer may still send data before its Close (5.5.1).
    EXPECT_TRUE(feed(client, server_frame(Opcode::text, "last words"), r));
    EXPECT_EQ(client.state(), ConnectionState::close_sent);
    EXPECT_TRUE(feed(client, server_frame(Opcode::close, close_payload(1001, "")), r));
    EXPECT_EQ(client.state(), ConnectionState::closed);
    EXPECT_EQ(r.events, (std::vector<Event>{text("last words"), close_event(1001)}));
}

TEST(Connection, DeliversEmptyCloseWithoutCode) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, client_frame(Opcode::close, ""), r));
    EXPECT_EQ(r.events, (std::vector<Event>{close_event(-1)}));
    EXPECT_EQ(server.state(), ConnectionState::close_received);
}

TEST(Connection, IgnoresBytesAfterPeerClose) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    // In the same read: a message and a frame that would otherwise be a protocol error.
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::close, close_payload(1000, "")) +
                         client_frame(Opcode::text, "after") + client_frame(0x3, "reserved"),
                     r));
    // And in later reads, even garbage.
    EXPECT_TRUE(feed(server, bytes({0xFF, 0xFF, 0xFF}), r));
    EXPECT_EQ(r.events, (std::vector<Event>{close_event(1000)}));
    EXPECT_EQ(server.state(), ConnectionState::close_received);
    EXPECT_EQ(r.frames.size(), 1u);
}

TEST(Connection, IgnoresBytesAfterClosingHandshakeCompletes) {
    Connection client(Role::client, {}, test_mask_seed);
    Recorder r;
    std::string out;
    client.write_close(out, 1000);
    EXPECT_TRUE(feed(client, server_frame(Opcode::close, "") + server_frame(Opcode::text, "x"), r));
    EXPECT_EQ(client.state(), ConnectionState::closed);
    EXPECT_TRUE(feed(client, server_frame(Opcode::ping, "y"), r));
    EXPECT_EQ(r.events, (std::vector<Event>{close_event(-1)}));
}

TEST(Connection, CloseInsideFragmentedMessageEndsTheConversation) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server,
                     client_frame(Opcode::text, "half", false) +
                         client_frame(Opcode::close, close_payload(1000, "")) +
                         client_frame(Opcode::continuation, "rest"),
                     r));
    EXPECT_EQ(r.events, (std::vector<Event>{close_event(1000)}));
    EXPECT_EQ(server.state(), ConnectionState::close_received);
}

// --- Writers: one role writes, the other decodes -----------------------------------------

std::string write_everything(Connection& writer, const std::string& big) {
    std::string out;
    writer.write_message(out, MessageType::text, "Hello \xE2\x82\xAC");
    writer.write_message(out, MessageType::binary, std::string("\x00\xFF", 2));
    writer.write_message(out, MessageType::binary, big);
    writer.write_message(out, MessageType::text, "");
    writer.write_ping(out, "are you there");
    writer.write_pong(out, "yes");
    writer.write_close(out, 1000, "done");
    return out;
}

const std::vector<Event> everything_events(const std::string& big) {
    return {text("Hello \xE2\x82\xAC"),
            binary(std::string("\x00\xFF", 2)),
            binary(big),
            text(""),
            ping("are you there"),
            pong("yes"),
            close_event(1000, "done")};
}

TEST(Connection, ClientWritesMaskedFramesThatServerDecodes) {
    Connection client(Role::client, {}, test_mask_seed);
    const std::string big(70000, 'B');
    const std::string wire = write_everything(client, big);
    EXPECT_EQ(client.state(), ConnectionState::close_sent);

    Connection server(Role::server, {}, test_mask_seed);  // enforces masking
    Recorder r;
    EXPECT_TRUE(feed(server, wire, r));
    EXPECT_EQ(r.events, everything_events(big));
    ASSERT_EQ(r.frames.size(), 7u);
    for (const FrameHeader& h : r.frames) {
        EXPECT_TRUE(h.masked);
        EXPECT_TRUE(h.fin);
        EXPECT_FALSE(h.non_minimal_length);
    }
    EXPECT_EQ(wire.find(std::string(64, 'B')), std::string::npos);  // payload is masked
}

TEST(Connection, ServerWritesUnmaskedFramesThatClientDecodes) {
    Connection server(Role::server, {}, test_mask_seed);
    const std::string big(70000, 'B');
    const std::string wire = write_everything(server, big);

    Connection client(Role::client, {}, test_mask_seed);  // rejects masked frames
    Recorder r;
    EXPECT_TRUE(feed(client, wire, r));
    EXPECT_EQ(r.events, everything_events(big));
    for (const FrameHeader& h : r.frames)
        EXPECT_FALSE(h.masked);
    EXPECT_NE(wire.find(big), std::string::npos);  // payload is sent as is
}

TEST(Connection, WriteCloseWithoutCodeSendsEmptyBody) {
    Connection server(Role::server, {}, test_mask_seed);
    std::string out;
    server.write_close(out, std::nullopt);
    EXPECT_EQ(out, bytes({0x88, 0x00}));
}

TEST(Connection, WritersRefuseControlPayloadsOver125Octets) {
    Connection server(Role::server, {}, test_mask_seed);
    std::string out;
    EXPECT_EQ(server.write_ping(out, std::string(126, 'p')), WriteStatus::control_payload_too_long);
    EXPECT_EQ(server.write_pong(out, std::string(126, 'p')), WriteStatus::control_payload_too_long);
    EXPECT_EQ(server.write_close(out, 1000, std::string(124, 'r')),
              WriteStatus::control_payload_too_long);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(server.write_ping(out, std::string(125, 'p')), WriteStatus::written);
    EXPECT_EQ(server.write_close(out, 1000, std::string(123, 'r')), WriteStatus::written);
    EXPECT_EQ(out.size(), 2 + 125 + 2 + 125u);
}

TEST(Connection, WriteCloseRefusesCodesThatMustNotBeSent) {
    for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
        Connection server(Role::server, {}, test_mask_seed);
        std::string out;
        EXPECT_EQ(server.write_close(out, code), WriteStatus::invalid_close_code) << code;
        EXPECT_TRUE(out.empty()) << code;
        EXPECT_EQ(server.state(), ConnectionState::open) << code;
    }
    for (const std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999}) {
        Connection server(Role::server, {}, test_mask_seed);
        std::string out;
        EXPECT_EQ(server.write_close(out, code), WriteStatus::written) << code;
    }
}

TEST(Connection, WriteCloseRefusesReasonWithoutCodeOrNotUtf8) {
    Connection server(Role::server, {}, test_mask_seed);
    std::string out;
    EXPECT_EQ(server.write_close(out, std::nullopt, "why"), WriteStatus::close_reason_without_code);
    EXPECT_EQ(server.write_close(out, 1000, "\xC3"), WriteStatus::close_reason_not_utf8);
    EXPECT_EQ(server.write_close(out, 1000, "\xED\xA0\x80"), WriteStatus::close_reason_not_utf8);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(server.write_close(out, 1000, "\xC3\xA9"), WriteStatus::written);
}

TEST(Connection, WritesNothingAfterItsOwnClose) {
    Connection client(Role::client, {}, test_mask_seed);
    std::string out;
    ASSERT_EQ(client.write_close(out, 1000), WriteStatus::written);
    const std::size_t after_close = out.size();
    EXPECT_EQ(client.write_message(out, MessageType::text, "late"), WriteStatus::after_close);
    EXPECT_EQ(client.write_ping(out, ""), WriteStatus::after_close);
    EXPECT_EQ(client.write_pong(out, ""), WriteStatus::after_close);
    EXPECT_EQ(client.write_close(out, 1000), WriteStatus::after_close);
    EXPECT_EQ(out.size(), after_close);
    EXPECT_EQ(client.state(), ConnectionState::close_sent);
}

TEST(Connection, AfterAFailureOnlyTheCloseIsWritten) {
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_FALSE(feed(server, client_frame(Opcode::text, "\xFF"), r));
    std::string out;
    EXPECT_EQ(server.write_message(out, MessageType::text, "x"), WriteStatus::after_close);
    EXPECT_EQ(server.write_pong(out, "x"), WriteStatus::after_close);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(server.write_close(out, 1007), WriteStatus::written);
    EXPECT_EQ(server.write_close(out, 1007), WriteStatus::after_close);
    EXPECT_EQ(out, bytes({0x88, 0x02, 0x03, 0xEF}));
}

TEST(Connection, MayStillSendDataAfterReceivingClose) {
    // 5.5.1: the reply Close may wait until the message being sent is finished.
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    EXPECT_TRUE(feed(server, client_frame(Opcode::close, std::string("\x03\xE8", 2)), r));
    std::string out;
    EXPECT_EQ(server.write_message(out, MessageType::text, "last"), WriteStatus::written);
    EXPECT_EQ(server.write_close(out, 1000), WriteStatus::written);
    EXPECT_EQ(server.state(), ConnectionState::closed);
}

TEST(Connection, ClientUsesAFreshMaskKeyPerFrame) {
    Connection client(Role::client, {}, test_mask_seed);
    std::string out;
    client.write_ping(out, "a");
    client.write_ping(out, "a");
    ASSERT_EQ(out.size(), 14u);
    EXPECT_NE(out.substr(2, 4), out.substr(9, 4));
}

TEST(Connection, MaskKeysFollowTheSeed) {
    Connection a(Role::client, {}, 42), b(Role::client, {}, 42), c(Role::client, {}, 43);
    const MaskKey ka = a.next_mask_key();
    EXPECT_EQ(ka, b.next_mask_key());
    EXPECT_NE(ka, c.next_mask_key());
    EXPECT_NE(ka, a.next_mask_key());
}

}  // namespace
}  // namespace wsspec::codec
