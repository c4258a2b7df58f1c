// `wsspec test-client --http2`'s connection (H2ServerConnection) and `wsspec client`'s
// HTTP/2 stream (H2ClientStream) talking over loopback TCP: the extended CONNECT, bytes both
// ways over the stream transport with an answer carrying extra fields, END_STREAM as the
// close, and a refusal.
#include "harness/peer/h2_server_connection.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "harness/client/h2_client_stream.h"
#include "harness/peer/blocking_io.h"

namespace wsspec::peer {
namespace {

using client::H2ClientStream;
constexpr auto test_time = std::chrono::seconds(5);

struct Loopback {
    asio::io_context server_io;
    tcp::acceptor acceptor{server_io};
    std::uint16_t port = 0;

    Loopback() {
        open_listening_acceptor(acceptor, {asio::ip::make_address("127.0.0.1"), 0});
        port = acceptor.local_endpoint().port();
    }
    std::unique_ptr<ByteStream> accept() {
        tcp::socket socket(server_io);
        acceptor.accept(socket);
        return std::make_unique<ByteStream>(std::move(socket));
    }
};

h2::WebSocketRequest request_for(std::uint16_t port, std::string path) {
    h2::WebSocketRequest r;
    r.authority = "127.0.0.1:" + std::to_string(port);
    r.path = std::move(path);
    return r;
}

TEST(H2ServerConnection, ServesAnExtendedConnectAndCarriesBytesBothWays) {
    Loopback net;
    auto client_done = std::async(std::launch::async, [port = net.port] {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect({asio::ip::make_address("127.0.0.1"), port});
        H2ClientStream stream(io, std::make_unique<ByteStream>(std::move(socket)));
        const auto deadline = std::chrono::steady_clock::now() + test_time;
        const H2ClientStream::Response r =
            stream.open(request_for(port, "/runCase?case=1"), deadline);
        std::string out = std::to_string(r.status) + "|" + r.error;
        for (const auto& h : r.headers) {
            if (h.name == "x-test") out += "|x-test=" + h.value;
        }
        if (!stream.write("hello", deadline)) return out + "|write failed";
        std::string got;
        while (got.size() < 5 && stream.read(got, deadline)) {
        }
        out += "|" + got;
        // The server's END_STREAM ends the stream: read says so.
        std::string more;
        out += stream.read(more, deadline) ? "|still open" : "|ended";
        stream.close(deadline);
        return out;
    });

    H2ServerConnection connection(net.server_io, net.accept());
    const auto deadline = std::chrono::steady_clock::now() + test_time;
    const auto request = connection.next_request(deadline);
    ASSERT_TRUE(request);
    EXPECT_EQ(*h2::find_header(request->headers, ":path"), "/runCase?case=1");
    EXPECT_EQ(*h2::find_header(request->headers, ":protocol"), "websocket");
    ASSERT_TRUE(connection.respond(request->stream, 200, {{"x-test", "yes"}}));
    auto transport = connection.stream_transport(request->stream);
    std::string received = connection.take_early_data(request->stream);
    bool ended = false;
    transport->start({[&](std::span<std::uint8_t> b) { received.append(b.begin(), b.end()); },
                      [&](bool, const std::string&) { ended = true; }});
    transport->run_until([&] { return received.size() >= 5; }, deadline);
    EXPECT_EQ(received, "hello");
    bool written = false;
    transport->write("world", [&](const std::string& error) {
        EXPECT_EQ(error, "");
        written = true;
    });
    transport->run_until([&] { return written; }, deadline);
    transport->close();
    transport->settle();
    // The client ends its half once ours ended; the connection then waits for more.
    transport->run_until([&] { return ended; }, deadline);
    transport.reset();
    EXPECT_EQ(client_done.get(), "200||x-test=yes|world|ended");
    // The client closed its connection: no further request comes.
    EXPECT_FALSE(connection.next_request(std::chrono::steady_clock::now() + test_time));
}

TEST(H2ServerConnection, ARefusalEndsTheStreamAndTheClientSeesTheStatus) {
    Loopback net;
    auto client_done = std::async(std::launch::async, [port = net.port] {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect({asio::ip::make_address("127.0.0.1"), port});
        H2ClientStream stream(io, std::make_unique<ByteStream>(std::move(socket)));
        const auto deadline = std::chrono::steady_clock::now() + test_time;
        const H2ClientStream::Response r = stream.open(request_for(port, "/nowhere"), deadline);
        std::string more;
        const bool readable = stream.read(more, deadline);
        stream.close(deadline);
        return std::to_string(r.status) + (readable ? " open" : " ended");
    });
    H2ServerConnection connection(net.server_io, net.accept());
    const auto request = connection.next_request(std::chrono::steady_clock::now() + test_time);
    ASSERT_TRUE(request);
    connection.respond(request->stream, 404, {{"content-length", "0"}});
    // Runs the connection (the answer goes out) until the client hangs up.
    EXPECT_FALSE(connection.next_request(std::chrono::steady_clock::now() + test_time));
    EXPECT_EQ(client_done.get(), "404 ended");
}

}  // namespace
}  // namespace wsspec::peer
