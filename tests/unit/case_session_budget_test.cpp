// CaseSession's budgets on a real loopback connection: a peer thread writes frames, the
// session (in the server role, as in test-client mode) records what it may keep.
#include <gtest/gtest.h>

#include <thread>

#include "harness/cases/payload_digest.h"
#include "harness/peer/asio_transport.h"
#include "harness/peer/case_session.h"

namespace wsspec::peer {
namespace {

// A masked client frame with the all-zero key (the payload stays as is).
std::string masked_frame(std::uint8_t opcode, std::string_view payload) {
    std::string out;
    out += static_cast<char>(0x80 | opcode);
    out += static_cast<char>(0x80 | payload.size());  // payloads here are < 126 octets
    out.append(4, '\0');
    out.append(payload);
    return out;
}

struct Loopback {
    asio::io_context io;
    tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    asio::io_context peer_io;
    tcp::socket peer{peer_io};
    std::unique_ptr<ByteStream> ours;

    Loopback() {
        peer.connect(acceptor.local_endpoint());
        ours = std::make_unique<ByteStream>(acceptor.accept());
    }
};

// Writes `frames` on the peer side from a thread, then closes it.
std::thread send_then_close(Loopback& link, std::string frames) {
    return std::thread([&link, bytes = std::move(frames)] {
        error_code ec;
        asio::write(link.peer, asio::buffer(bytes), ec);
        link.peer.shutdown(tcp::socket::shutdown_send, ec);
    });
}

oracle::Observation run(Loopback& link, const SessionSettings& settings, std::size_t await) {
    oracle::Observation obs;
    const auto now = Clock::now();
    CaseSession session(obs, settings, now, now + std::chrono::seconds(5));
    session.attach(std::make_unique<AsioTransport>(link.io, std::move(link.ours)));
    session.start_websocket({});
    cases::AwaitStep step;
    step.events = await;
    step.timeout_ms = 1000;
    session.run_steps({step});
    session.conclude(false);
    return obs;
}

SessionSettings server_settings() {
    SessionSettings s;
    s.role = codec::Role::server;
    return s;
}

TEST(CaseSessionBudgetTest, EndsTheCaseAsAFloodBeyondTheFrameBudget) {
    Loopback link;
    std::string frames;
    for (int i = 0; i < 5000; ++i)
        frames += masked_frame(0x1, "");
    std::thread peer = send_then_close(link, std::move(frames));
    SessionSettings settings = server_settings();
    settings.receive_budget.unprompted_frames = 200;
    settings.events_kept_after_flood = 20;
    const oracle::Observation obs = run(link, settings, 5000);
    peer.join();
    ASSERT_TRUE(obs.flood.has_value());
    EXPECT_EQ(obs.flood->frames, 201U);
    EXPECT_EQ(obs.flood->frame_budget, 200U);
    EXPECT_NE(obs.flood->what.find("201 frames"), std::string::npos) << obs.flood->what;
    EXPECT_EQ(obs.events.size(), 20U);
    EXPECT_EQ(obs.dropped.events, 200U - 20U);
    EXPECT_TRUE(obs.dropped_by_me);
    EXPECT_LT(obs.duration_ms, 1000);  // it stopped reading: no waiting for the await
}

TEST(CaseSessionBudgetTest, KeepsAtMostMaxEventsAndCountsTheRest) {
    Loopback link;
    std::string frames;
    for (int i = 0; i < 50; ++i)
        frames += masked_frame(0xA, "unsolicited pong");  // no answers, nothing to read
    std::thread peer = send_then_close(link, std::move(frames));
    SessionSettings settings = server_settings();
    settings.max_events = 10;
    const oracle::Observation obs = run(link, settings, 50);
    peer.join();
    EXPECT_FALSE(obs.flood.has_value());
    EXPECT_EQ(obs.events.size(), 10U);
    EXPECT_EQ(obs.dropped.events, 40U);
    EXPECT_EQ(obs.dropped.event_bytes, 40U * 16U);
    EXPECT_EQ(obs.frames_received, 50U);
}

TEST(CaseSessionBudgetTest, CutsPayloadsBeyondTheEventByteBudget) {
    Loopback link;
    std::thread peer =
        send_then_close(link, masked_frame(0x1, "0123456789") + masked_frame(0x1, "abcdefghij"));
    SessionSettings settings = server_settings();
    settings.max_event_bytes = 15;
    const oracle::Observation obs = run(link, settings, 2);
    peer.join();
    ASSERT_EQ(obs.events.size(), 2U);
    EXPECT_EQ(obs.events[0].payload, "0123456789");
    EXPECT_EQ(obs.events[1].payload, "abcde");
    EXPECT_EQ(obs.events[1].size, 10U);  // the size it had on the wire
    EXPECT_EQ(obs.dropped.event_bytes, 5U);
    // The cut one keeps the whole payload's digest, so an expected payload still matches.
    EXPECT_TRUE(obs.events[0].digest.empty());
    EXPECT_EQ(obs.events[1].digest, cases::digest_of("abcdefghij"));
}

TEST(CaseSessionBudgetTest, WireLogStopsAtItsEntryBudget) {
    Loopback link;
    std::string frames;
    for (int i = 0; i < 100; ++i)
        frames += masked_frame(0xA, "x");
    std::thread peer = send_then_close(link, std::move(frames));
    SessionSettings settings = server_settings();
    settings.wire_entries = 30;
    const oracle::Observation obs = run(link, settings, 100);
    peer.join();
    ASSERT_EQ(obs.wire.size(), 31U);  // the last one says where the log stops
    EXPECT_NE(obs.wire.back().data.find("wire log truncated"), std::string::npos);
    EXPECT_GT(obs.dropped.wire_entries, 70U);
}

}  // namespace
}  // namespace wsspec::peer
