// The case session's step interpreter without sockets: steps run over a MemoryTransport whose
// peer is the reference codec in the server role (an echo server), so what the session
// sends, records and answers is checked byte for byte and without timing.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/codec/connection.h"
#include "harness/codec/permessage_deflate.h"
#include "harness/peer/case_session.h"
#include "tests/unit/memory_transport.h"

namespace wsspec::peer {
namespace {

using oracle::ObservedEvent;
using oracle::WireEntry;

// The peer under test: echoes messages, answers Pings, answers a Close with its code and
// then ends the stream, fails the connection on a broken rule (the reference server).
class EchoServerPeer : codec::ConnectionHandler {
  public:
    bool closed = false;
    // With permessage-deflate agreed: the peer inflates and compresses its echoes.
    void use_deflate(const codec::PerMessageDeflateParams& agreed) {
        conn_.use_extension(codec::make_permessage_deflate(codec::Role::server, agreed));
    }
    // A broken peer: from the `corrupt_from`th echo on (1-based), its first byte is changed.
    std::size_t corrupt_from = 0;

    std::string answer(std::string_view written) {
        out_.clear();
        std::string bytes(written);
        if (!closed)
            conn_.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), *this);
        return std::move(out_);
    }

  private:
    void on_message(codec::MessageType type, std::string_view payload) override {
        ++echoes_;
        if (corrupt_from != 0 && echoes_ >= corrupt_from && !payload.empty()) {
            std::string changed(payload);
            changed[0] = static_cast<char>(changed[0] ^ 1);
            conn_.write_message(out_, type, changed);
            return;
        }
        conn_.write_message(out_, type, payload);
    }
    void on_ping(std::string_view payload) override { conn_.write_pong(out_, payload); }
    void on_close(const codec::ClosePayload& close) override {
        conn_.write_close(out_, close.code, {});
        closed = true;
    }
    void on_error(const codec::ProtocolError& error) override {
        conn_.write_close(out_, error.close_code, {});
        closed = true;
    }

    codec::Connection conn_{codec::Role::server, {}, 7};
    std::string out_;
    std::size_t echoes_ = 0;
};

// How the session and its peer are set up beyond the defaults.
struct PeerSetup {
    std::optional<codec::PerMessageDeflateParams> deflate;  // agreed on both sides
    std::size_t corrupt_from = 0;
};

struct SessionRun {
    oracle::Observation obs;
    std::vector<std::string> writes;
    bool closed_by_session = false;
};

// Runs `steps` as a client against the echo peer; `incoming` is what the peer sends first.
SessionRun run_steps(const std::vector<cases::Step>& steps, std::string incoming = {},
                     std::size_t chunk = 1 << 16, SessionSettings settings = {},
                     const PeerSetup& setup = {}) {
    SessionRun run;
    EchoServerPeer peer;
    peer.corrupt_from = setup.corrupt_from;
    if (setup.deflate) peer.use_deflate(*setup.deflate);
    auto transport = std::make_unique<testing::MemoryTransport>();
    auto* t = transport.get();
    t->incoming = std::move(incoming);
    t->chunk = chunk;
    t->peer = [&peer, t](std::string_view written) {
        std::string answer = peer.answer(written);
        t->peer_closes_after = peer.closed;  // the server closes TCP after its Close
        return answer;
    };
    settings.role = codec::Role::client;
    const auto now = Clock::now();
    CaseSession session(run.obs, settings, now, now + std::chrono::seconds(5));
    session.attach(std::move(transport));
    if (setup.deflate) session.use_deflate(*setup.deflate);
    session.start_websocket({});
    session.run_steps(steps);
    session.conclude(false);
    run.writes = t->writes;
    run.closed_by_session = t->closed_by_session;
    return run;
}

cases::MessageStep text_message(std::string text) {
    cases::MessageStep m;
    m.payload.text = std::move(text);
    return m;
}

cases::AwaitStep await_answers(std::size_t n) {
    cases::AwaitStep a;
    a.events = n;
    a.timeout_ms = 1000;
    return a;
}

std::ptrdiff_t wire_index(const oracle::Observation& obs, WireEntry::Kind kind,
                          std::uint8_t opcode) {
    const auto it = std::find_if(obs.wire.begin(), obs.wire.end(), [&](const WireEntry& e) {
        return e.kind == kind && e.opcode == opcode;
    });
    return it == obs.wire.end() ? -1 : it - obs.wire.begin();
}

TEST(CaseSessionTest, RecordsTheEchoAndACleanClosingHandshake) {
    const SessionRun run = run_steps({text_message("Hello"), await_answers(1), cases::CloseStep{}});
    ASSERT_EQ(run.obs.events.size(), 1u);
    EXPECT_EQ(run.obs.events[0].kind, ObservedEvent::Kind::message);
    EXPECT_FALSE(run.obs.events[0].binary);
    EXPECT_EQ(run.obs.events[0].payload, "Hello");
    EXPECT_TRUE(run.obs.closed_by_me);
    EXPECT_TRUE(run.obs.close_sent && run.obs.close_received);
    EXPECT_EQ(run.obs.remote_close_code, std::optional<std::uint16_t>(1000));
    EXPECT_TRUE(run.obs.peer_closed_tcp);
    EXPECT_FALSE(run.obs.failed_by_me);
    EXPECT_FALSE(run.obs.dropped_by_me);
    // Client frames are masked (RFC 6455 5.3): the first write is the text frame.
    ASSERT_FALSE(run.writes.empty());
    EXPECT_EQ(static_cast<std::uint8_t>(run.writes[0][0]), 0x81);
    EXPECT_EQ(static_cast<std::uint8_t>(run.writes[0][1]), 0x80 | 5);
}

TEST(CaseSessionTest, AHeartbeatPingIsAnsweredButIsNotTheAwaitedAnswer) {
    // The peer pings first (a keep-alive), delivered on its own before the echo.
    const std::string ping = std::string("\x89\x02hb", 4);
    const SessionRun run =
        run_steps({text_message("x"), await_answers(1), cases::CloseStep{}}, ping,
                  /*chunk=*/4);
    ASSERT_EQ(run.obs.events.size(), 2u);
    EXPECT_EQ(run.obs.events[0].kind, ObservedEvent::Kind::ping);
    EXPECT_EQ(run.obs.events[1].kind, ObservedEvent::Kind::message);
    // The await waited for the echo: it arrived before our Close went out.
    const auto echo = wire_index(run.obs, WireEntry::Kind::rx_frame, 0x1);
    const auto our_close = wire_index(run.obs, WireEntry::Kind::tx_frame, 0x8);
    ASSERT_GE(echo, 0);
    ASSERT_GE(our_close, 0);
    EXPECT_LT(echo, our_close);
    // ...and the Ping got a masked Pong with its payload.
    const bool ponged = std::any_of(run.writes.begin(), run.writes.end(), [](const std::string& w) {
        return w.size() == 2 + 4 + 2 && static_cast<std::uint8_t>(w[0]) == 0x8A &&
               static_cast<std::uint8_t>(w[1]) == (0x80 | 2);
    });
    EXPECT_TRUE(ponged);
}

TEST(CaseSessionTest, APongAnsweringOurPingIsAnAnswerAndAnyOtherIsUnsolicited) {
    cases::FrameStep ping;
    ping.opcode = 9;
    ping.payload.text = "p1";
    const SessionRun run =
        run_steps({ping, await_answers(1), cases::CloseStep{}}, std::string("\x8A\x02zz", 4));
    ASSERT_EQ(run.obs.events.size(), 2u);
    EXPECT_EQ(run.obs.events[0].payload, "zz");
    EXPECT_TRUE(run.obs.events[0].unsolicited);
    EXPECT_EQ(run.obs.events[1].payload, "p1");
    EXPECT_FALSE(run.obs.events[1].unsolicited);
}

TEST(CaseSessionTest, AMaskedServerFrameFailsTheConnectionWith1002) {
    // RFC 6455 5.1: "A client MUST close a connection if it detects a masked frame."
    const std::string masked = std::string("\x81\x82\x00\x00\x00\x00hi", 8);
    const SessionRun run = run_steps({await_answers(1)}, masked);
    EXPECT_TRUE(run.obs.failed_by_me);
    EXPECT_NE(run.obs.peer_violation.find("RFC 6455"), std::string::npos) << run.obs.peer_violation;
    EXPECT_EQ(run.obs.local_close_code, std::optional<std::uint16_t>(1002));
    EXPECT_TRUE(run.obs.events.empty());
    // Our Close with 1002 was written (masked: the code follows the 4-byte key).
    const bool close_1002 =
        std::any_of(run.writes.begin(), run.writes.end(), [](const std::string& w) {
            if (w.size() != 2 + 4 + 2 || static_cast<std::uint8_t>(w[0]) != 0x88) return false;
            const auto b0 = static_cast<std::uint8_t>(w[6]) ^ static_cast<std::uint8_t>(w[2]);
            const auto b1 = static_cast<std::uint8_t>(w[7]) ^ static_cast<std::uint8_t>(w[3]);
            return ((b0 << 8) | b1) == 1002;
        });
    EXPECT_TRUE(close_1002);
}

TEST(CaseSessionTest, AChoppedFrameIsWrittenInPiecesOfTheChopSize) {
    cases::FrameStep frame;
    frame.payload.text = "abcdef";
    frame.chop = 2;
    const SessionRun run = run_steps({frame, await_answers(1), cases::CloseStep{}});
    ASSERT_GE(run.writes.size(), 6u);  // 2 + 4 + 6 octets in pieces of 2, then the Close
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_EQ(run.writes[i].size(), 2u) << i;
    ASSERT_EQ(run.obs.events.size(), 1u);
    EXPECT_EQ(run.obs.events[0].payload, "abcdef");  // the peer reassembled and echoed it
}

TEST(CaseSessionTest, AFloodEndsTheCaseAndClosesTheTransport) {
    SessionSettings settings;
    settings.receive_budget.unprompted_frames = 100;
    std::string empty_frames;
    for (int i = 0; i < 5000; ++i)
        empty_frames.append("\x81\x00", 2);
    const SessionRun run = run_steps({await_answers(100000)}, empty_frames, 1 << 16, settings);
    ASSERT_TRUE(run.obs.flood.has_value());
    EXPECT_LE(run.obs.events.size(), settings.events_kept_after_flood + 101);
    EXPECT_TRUE(run.closed_by_session);
    EXPECT_TRUE(run.obs.dropped_by_me);
}

TEST(CaseSessionTest, ReceivedFramesAreDecodedInTheWireLog) {
    const SessionRun run = run_steps({text_message("Hello"), await_answers(1), cases::CloseStep{}});
    std::vector<std::string> decoded;
    std::vector<std::string> data;
    for (const auto& e : run.obs.wire) {
        if (e.kind != WireEntry::Kind::rx_frame) continue;
        decoded.push_back(e.decoded);
        data.push_back(e.data);
    }
    ASSERT_EQ(decoded.size(), 2u);
    EXPECT_EQ(decoded[0], "text message, 5 bytes");
    EXPECT_EQ(data[0], "Hello");
    EXPECT_EQ(decoded[1], "close 1000");
    EXPECT_EQ(data[1], std::string("\x03\xe8", 2));
}

// ---- permessage-deflate ---------------------------------------------------------------------

cases::EchoSeriesStep json_series(std::uint32_t count, std::uint64_t length,
                                  std::uint64_t fragment_size = 0) {
    cases::EchoSeriesStep e;
    e.count = count;
    e.data_set = "json";
    e.length = length;
    e.fragment_size = fragment_size;
    e.compress = true;
    return e;
}

bool first_frame_has_rsv1(const std::string& write) {
    return !write.empty() && (static_cast<std::uint8_t>(write[0]) & 0x40) != 0;
}

TEST(CaseSessionDeflateTest, ACompressedMessageIsSentWithRsv1AndItsCompressedEchoInflated) {
    PeerSetup setup;
    setup.deflate = codec::PerMessageDeflateParams{};
    auto m = text_message(std::string(4000, 'a'));
    m.compress = true;
    const SessionRun run =
        run_steps({m, await_answers(1), cases::CloseStep{}}, {}, 1 << 16, {}, setup);
    ASSERT_EQ(run.obs.events.size(), 1u);
    EXPECT_EQ(run.obs.events[0].payload, std::string(4000, 'a'));
    ASSERT_FALSE(run.writes.empty());
    EXPECT_TRUE(first_frame_has_rsv1(run.writes[0]));
    EXPECT_LT(run.writes[0].size(), 100u);  // 4000 equal octets compress to a few
    ASSERT_TRUE(run.obs.compression.has_value());
    EXPECT_EQ(run.obs.compression->sent_plain, 4000u);
    EXPECT_EQ(run.obs.compression->received_plain, 4000u);
    EXPECT_LT(run.obs.compression->sent_wire, 100u);
    EXPECT_LT(run.obs.compression->received_wire, 100u);
    EXPECT_FALSE(run.obs.failed_by_me);
}

TEST(CaseSessionDeflateTest, FragmentsSplitTheCompressedBytesWithRsv1OnTheFirstOnly) {
    PeerSetup setup;
    setup.deflate = codec::PerMessageDeflateParams{};
    auto m = text_message("a compressed message split into three-octet fragments");
    m.compress = true;
    m.fragment_size = 3;
    const SessionRun run =
        run_steps({m, await_answers(1), cases::CloseStep{}}, {}, 1 << 16, {}, setup);
    // The peer's codec fails a continuation frame with RSV1 (RFC 7692 6): the echo proves
    // every continuation went out without it.
    ASSERT_EQ(run.obs.events.size(), 1u);
    EXPECT_EQ(run.obs.events[0].payload, "a compressed message split into three-octet fragments");
    std::size_t frames_with_rsv1 = 0, data_frames = 0;
    for (const auto& e : run.obs.wire) {
        if (e.kind != WireEntry::Kind::tx_frame || e.opcode >= 8) continue;
        ++data_frames;
        if (e.rsv & 4) ++frames_with_rsv1;
        EXPECT_LE(e.length, 3u);
    }
    EXPECT_GT(data_frames, 3u);
    EXPECT_EQ(frames_with_rsv1, 1u);
}

TEST(CaseSessionDeflateTest, AnEchoSeriesChecksEveryEchoAndKeepsNoEvents) {
    PeerSetup setup;
    setup.deflate = codec::PerMessageDeflateParams{};
    const SessionRun run =
        run_steps({json_series(50, 1000, 256), cases::CloseStep{}}, {}, 1 << 16, {}, setup);
    ASSERT_TRUE(run.obs.series.has_value());
    EXPECT_EQ(run.obs.series->count, 50u);
    EXPECT_EQ(run.obs.series->echoed, 50u);
    EXPECT_EQ(run.obs.series->failure, "");
    EXPECT_TRUE(run.obs.events.empty());
    EXPECT_EQ(run.obs.compression->sent_plain, 50u * 1000u);
    EXPECT_TRUE(run.obs.close_sent && run.obs.close_received);
}

TEST(CaseSessionDeflateTest, AnEchoSeriesStopsAtTheFirstWrongEchoAndNamesIt) {
    PeerSetup setup;
    setup.deflate = codec::PerMessageDeflateParams{};
    setup.corrupt_from = 7;
    const SessionRun run =
        run_steps({json_series(50, 100), cases::CloseStep{}}, {}, 1 << 16, {}, setup);
    ASSERT_TRUE(run.obs.series.has_value());
    EXPECT_EQ(run.obs.series->echoed, 6u);
    EXPECT_NE(run.obs.series->failure.find("echo 7 differs"), std::string::npos)
        << run.obs.series->failure;
    EXPECT_NE(run.obs.series->failure.find("SHA-1"), std::string::npos);
    ASSERT_EQ(run.obs.events.size(), 1u);  // the wrong echo, kept for the report
}

TEST(CaseSessionDeflateTest, ContextTakeoverKeptAfterAgreeingNotToIsAViolation) {
    // The peer keeps its compression context (it was set up without no-context-takeover),
    // while the session holds it to server_no_context_takeover: the second echo refers
    // back into the first message, which the session's reset inflater no longer has.
    codec::PerMessageDeflateParams peer_side;
    codec::PerMessageDeflateParams ours;
    ours.server_no_context_takeover = true;
    const std::string text(300, 'q');
    auto m = text_message(text);
    m.compress = true;

    oracle::Observation obs;
    EchoServerPeer peer;
    peer.use_deflate(peer_side);
    auto transport = std::make_unique<testing::MemoryTransport>();
    auto* t = transport.get();
    t->peer = [&peer, t](std::string_view written) {
        std::string answer = peer.answer(written);
        t->peer_closes_after = peer.closed;
        return answer;
    };
    const auto now = Clock::now();
    CaseSession session(obs, SessionSettings{}, now, now + std::chrono::seconds(5));
    session.attach(std::move(transport));
    session.use_deflate(ours);
    session.start_websocket({});
    session.run_steps({m, await_answers(1), m, await_answers(2)});
    session.conclude(false);
    EXPECT_TRUE(obs.failed_by_me);
    EXPECT_EQ(obs.peer_violation_kind, "deflate_distance_too_far") << obs.peer_violation;
    EXPECT_NE(obs.peer_violation.find("RFC 7692"), std::string::npos) << obs.peer_violation;
    EXPECT_EQ(obs.local_close_code, std::optional<std::uint16_t>(1007));
}

}  // namespace
}  // namespace wsspec::peer
