// The case session's step interpreter without sockets: steps run over a MemoryTransport whose
// peer is the reference codec in the server role (an echo server), so what the session
// sends, records and answers is checked byte for byte and without timing.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/codec/connection.h"
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

    std::string answer(std::string_view written) {
        out_.clear();
        std::string bytes(written);
        if (!closed)
            conn_.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), *this);
        return std::move(out_);
    }

  private:
    void on_message(codec::MessageType type, std::string_view payload) override {
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
};

struct SessionRun {
    oracle::Observation obs;
    std::vector<std::string> writes;
    bool closed_by_session = false;
};

// Runs `steps` as a client against the echo peer; `incoming` is what the peer sends first.
SessionRun run_steps(const std::vector<cases::Step>& steps, std::string incoming = {},
                     std::size_t chunk = 1 << 16, SessionSettings settings = {}) {
    SessionRun run;
    EchoServerPeer peer;
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

}  // namespace
}  // namespace wsspec::peer
