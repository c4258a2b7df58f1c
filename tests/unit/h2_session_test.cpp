// The RFC 8441 adaptation layer with both ends in memory: a client and a server H2Session
// wired to each other, no sockets.
#include "harness/h2/h2_session.h"

#include <gtest/gtest.h>

#include <string>

namespace wsspec::h2 {
namespace {

struct Recorder : H2Handler {
    int settings = 0;
    std::vector<std::pair<std::int32_t, std::vector<Header>>> requests;
    int status = 0;
    std::vector<Header> response;
    std::string data;
    bool remote_end = false;
    std::optional<std::uint32_t> closed_with;
    std::function<void(std::int32_t, const std::vector<Header>&)> answer;

    void on_settings() override { ++settings; }
    void on_request(std::int32_t stream, const std::vector<Header>& headers) override {
        requests.emplace_back(stream, headers);
        if (answer) answer(stream, headers);
    }
    void on_response(std::int32_t, int s, const std::vector<Header>& headers) override {
        status = s;
        response = headers;
    }
    void on_data(std::int32_t, std::span<const std::uint8_t> bytes) override {
        data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    void on_remote_end(std::int32_t) override { remote_end = true; }
    void on_stream_closed(std::int32_t, std::uint32_t code) override { closed_with = code; }
};

struct Pair {
    Recorder client_events, server_events;
    H2Session client, server;
    std::size_t client_to_server_bytes = 0;

    explicit Pair(SessionOptions client_options = {}, SessionOptions server_options = {})
        : client(Role::client, client_options, client_events),
          server(Role::server, server_options, server_events) {}

    // Moves bytes both ways until neither side has anything to say.
    void exchange() {
        for (int round = 0; round < 1000; ++round) {
            const std::string a = client.take_output();
            const std::string b = server.take_output();
            if (a.empty() && b.empty()) return;
            client_to_server_bytes += a.size();
            ASSERT_TRUE(server.receive(as_bytes(a))) << server.error();
            ASSERT_TRUE(client.receive(as_bytes(b))) << client.error();
        }
        FAIL() << "the sessions kept talking";
    }
    static std::span<const std::uint8_t> as_bytes(const std::string& s) {
        return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
    }
};

WebSocketRequest request_for(std::string path) {
    WebSocketRequest r;
    r.authority = "127.0.0.1:9002";
    r.path = std::move(path);
    return r;
}

TEST(H2Session, ServerAdvertisesExtendedConnect) {
    Pair p;
    p.exchange();
    EXPECT_TRUE(p.client.settings_received());
    EXPECT_TRUE(p.client.connect_protocol_enabled());
    EXPECT_FALSE(p.server.connect_protocol_enabled());  // a client does not send it
}

TEST(H2Session, ExtendedConnectCarriesTheRfc8441PseudoHeaders) {
    Pair p;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        p.server.respond(s, 200);
    };
    p.exchange();
    WebSocketRequest r = request_for("/chat?x=1");
    r.subprotocols = {"a", "b"};
    r.extensions = {"permessage-deflate"};
    const std::int32_t stream = p.client.open_websocket(r);
    ASSERT_GT(stream, 0);
    p.exchange();
    ASSERT_EQ(p.server_events.requests.size(), 1U);
    const auto& h = p.server_events.requests[0].second;
    EXPECT_EQ(*find_header(h, ":method"), "CONNECT");
    EXPECT_EQ(*find_header(h, ":protocol"), "websocket");
    EXPECT_EQ(*find_header(h, ":scheme"), "http");
    EXPECT_EQ(*find_header(h, ":path"), "/chat?x=1");
    EXPECT_EQ(*find_header(h, ":authority"), "127.0.0.1:9002");
    EXPECT_EQ(*find_header(h, "sec-websocket-version"), "13");
    EXPECT_EQ(*find_header(h, "sec-websocket-protocol"), "a, b");
    EXPECT_EQ(*find_header(h, "sec-websocket-extensions"), "permessage-deflate");
    EXPECT_EQ(find_header(h, "sec-websocket-key"), nullptr);
    EXPECT_EQ(check_websocket_request(h).status, 0);
    EXPECT_EQ(p.client_events.status, 200);
    EXPECT_TRUE(p.client.stream_open(stream));
    EXPECT_FALSE(p.client_events.remote_end);
}

TEST(H2Session, DataFlowsBothWaysAndEndStreamClosesTheStream) {
    Pair p;
    std::int32_t server_stream = 0;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        server_stream = s;
        p.server.respond(s, 200);
    };
    p.exchange();
    const std::int32_t stream = p.client.open_websocket(request_for("/"));
    p.exchange();
    p.client.send(stream, "\x81\x85masked");
    p.exchange();
    EXPECT_EQ(p.server_events.data, "\x81\x85masked");
    p.server.send(server_stream, "\x88\x02\x03\xe8");
    p.server.end_stream(server_stream);
    p.exchange();
    EXPECT_EQ(p.client_events.data, "\x88\x02\x03\xe8");
    EXPECT_TRUE(p.client_events.remote_end);
    EXPECT_FALSE(p.client_events.closed_with.has_value());  // our half is still open
    p.client.end_stream(stream);
    p.exchange();
    EXPECT_TRUE(p.server_events.remote_end);
    ASSERT_TRUE(p.client_events.closed_with.has_value());
    EXPECT_EQ(*p.client_events.closed_with, 0U);
    EXPECT_FALSE(p.client.stream_open(stream));
}

TEST(H2Session, SmallWindowHoldsDataUntilTheReceiverConsumesIt) {
    SessionOptions tiny;
    tiny.stream_window = 1024;
    tiny.connection_window = 65535;
    Pair p({}, tiny);  // the server lets the client send 1 KiB per stream before WINDOW_UPDATE
    std::int32_t server_stream = 0;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        server_stream = s;
        p.server.respond(s, 200);
    };
    p.exchange();
    const std::int32_t stream = p.client.open_websocket(request_for("/"));
    p.exchange();
    const std::string big(200000, 'x');
    p.client.send(stream, big);
    // One step: only the window's worth leaves.
    const std::string first = p.client.take_output();
    EXPECT_LT(first.size(), 2048U);
    EXPECT_GT(p.client.unsent(stream), big.size() - 2048);
    ASSERT_TRUE(p.server.receive(Pair::as_bytes(first)));
    // The server's WINDOW_UPDATEs (sent as data is consumed) let the rest through.
    p.exchange();
    EXPECT_EQ(p.server_events.data, big);
    EXPECT_EQ(p.client.unsent(stream), 0U);
    (void)server_stream;
}

TEST(H2Session, LargeTransfersBothWaysWithDefaultWindows) {
    Pair p;
    std::int32_t server_stream = 0;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        server_stream = s;
        p.server.respond(s, 200);
    };
    p.exchange();
    const std::int32_t stream = p.client.open_websocket(request_for("/"));
    p.exchange();
    const std::string big(1 << 20, 'y');
    p.client.send(stream, big);
    p.server.send(server_stream, big);
    p.exchange();
    EXPECT_EQ(p.server_events.data.size(), big.size());
    EXPECT_EQ(p.client_events.data.size(), big.size());
}

TEST(H2Session, ANon2xxAnswerEndsTheStream) {
    Pair p;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        p.server.respond(s, 501);
    };
    p.exchange();
    const std::int32_t stream = p.client.open_websocket(request_for("/"));
    p.exchange();
    EXPECT_EQ(p.client_events.status, 501);
    EXPECT_TRUE(p.client_events.remote_end);
    p.client.end_stream(stream);
    p.exchange();
    EXPECT_FALSE(p.client.stream_open(stream));
}

TEST(H2Session, ChecksWhatTheServerRefuses) {
    const std::vector<Header> ok = {{":method", "CONNECT"}, {":protocol", "websocket"},
                                    {":scheme", "http"},    {":path", "/"},
                                    {":authority", "a"},    {"sec-websocket-version", "13"}};
    EXPECT_EQ(check_websocket_request(ok).status, 0);
    auto with = [&](std::string name, std::string value) {
        auto h = ok;
        for (auto& x : h)
            if (x.name == name) x.value = value;
        return h;
    };
    EXPECT_EQ(check_websocket_request(with(":method", "GET")).status, 405);
    EXPECT_EQ(check_websocket_request(with(":protocol", "webtransport")).status, 501);
    const RequestCheck version = check_websocket_request(with("sec-websocket-version", "8"));
    EXPECT_EQ(version.status, 400);
    // RFC 6455 4.4: the refusal lists the version the server speaks.
    ASSERT_NE(find_header(version.headers, "sec-websocket-version"), nullptr);
    EXPECT_EQ(*find_header(version.headers, "sec-websocket-version"), "13");
    // RFC 9110 7.8: protocol names compare case-insensitively.
    EXPECT_EQ(check_websocket_request(with(":protocol", "WebSocket")).status, 0);
    auto plain = ok;
    plain.erase(plain.begin() + 1);
    EXPECT_EQ(check_websocket_request(plain).status, 405);
}

TEST(H2Session, ResetReachesThePeerWithItsCode) {
    Pair p;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        p.server.respond(s, 200);
        p.server.reset(s, 8);  // CANCEL: RFC 8441 5's abortive close
    };
    p.exchange();
    p.client.open_websocket(request_for("/"));
    p.exchange();
    ASSERT_TRUE(p.client_events.closed_with.has_value());
    EXPECT_EQ(error_code_name(*p.client_events.closed_with), "CANCEL");
}

// Conformance cases send what a client must not: open_stream keeps the fields as given (here
// an upper-case name, RFC 9113 8.2.1), and the server's nghttp2 refuses the malformed request
// with RST_STREAM PROTOCOL_ERROR before any on_request.
TEST(H2Session, OpenStreamSendsFieldsAsGivenAndAMalformedRequestIsReset) {
    Pair p;
    p.exchange();
    const std::int32_t stream = p.client.open_stream({{":method", "CONNECT"},
                                                      {":protocol", "websocket"},
                                                      {":scheme", "http"},
                                                      {":path", "/"},
                                                      {":authority", "a"},
                                                      {"Sec-WebSocket-Version", "13"}});
    ASSERT_GT(stream, 0);
    p.exchange();
    EXPECT_TRUE(p.server_events.requests.empty());
    ASSERT_TRUE(p.client_events.closed_with.has_value());
    EXPECT_EQ(error_code_name(*p.client_events.closed_with), "PROTOCOL_ERROR");
}

TEST(H2Session, GarbageInsteadOfAPrefaceBreaksTheServerSession) {
    Recorder r;
    H2Session server(Role::server, {}, r);
    const std::string junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_FALSE(server.receive(Pair::as_bytes(junk)));
    EXPECT_FALSE(server.error().empty());
}

TEST(H2Session, ANewInitialWindowHoldsTheOpenStreamsData) {
    Pair p;
    std::int32_t server_stream = 0;
    p.server_events.answer = [&](std::int32_t s, const std::vector<Header>&) {
        server_stream = s;
        // RFC 9113 6.9.2: sent before the answer, so it applies before the client may send.
        ASSERT_TRUE(p.server.submit_settings({{settings_initial_window_size, 16}}));
        p.server.respond(s, 200);
    };
    p.exchange();
    const std::int32_t stream = p.client.open_websocket(request_for("/"));
    p.exchange();
    ASSERT_GT(server_stream, 0);
    p.client.send(stream, std::string(100, 'x'));
    // One flight from the client: no more than the window, until WINDOW_UPDATE comes back.
    ASSERT_TRUE(p.server.receive(Pair::as_bytes(p.client.take_output())));
    EXPECT_EQ(p.server_events.data.size(), 16U);
    p.exchange();
    EXPECT_EQ(p.server_events.data.size(), 100U);
}

TEST(H2Session, TerminateSendsGoaway) {
    Pair p;
    p.exchange();
    p.server.terminate(0);
    p.exchange();
    EXPECT_FALSE(p.server.alive());
}

}  // namespace
}  // namespace wsspec::h2
