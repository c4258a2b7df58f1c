// peer/blocking_io: deadlines on blocking steps and the shared listening-socket setup.
#include <gtest/gtest.h>

#include "harness/peer/blocking_io.h"

namespace wsspec::peer {
namespace {

struct ConnectedPair {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    tcp::socket server{io}, client{io};

    ConnectedPair() {
        open_listening_acceptor(acceptor, {asio::ip::make_address("127.0.0.1"), 0});
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
    }
};

TEST(BlockingIo, ReadTimesOutAtTheDeadlineAndAborts) {
    ConnectedPair p;
    std::array<char, 16> buf{};
    bool aborted = false;
    const auto start = Clock::now();
    const ReadResult r = read_some_until(p.io, p.server, asio::buffer(buf),
                                         start + std::chrono::milliseconds(100), [&] {
                                             aborted = true;
                                             p.server.cancel();
                                         });
    EXPECT_TRUE(r.timed_out);
    EXPECT_TRUE(aborted);
    EXPECT_FALSE(r.ok());
    EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(100));
}

TEST(BlockingIo, ReadReturnsDataAndEof) {
    ConnectedPair p;
    asio::write(p.client, asio::buffer("hi", 2));
    std::array<char, 16> buf{};
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    ReadResult r = read_some_until(p.io, p.server, asio::buffer(buf), deadline, [] {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(std::string(buf.data(), r.bytes), "hi");
    p.client.close();
    r = read_some_until(p.io, p.server, asio::buffer(buf), deadline, [] {});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.error, asio::error::eof);
}

TEST(BlockingIo, ListeningAcceptorReusesTheAddress) {
    asio::io_context io;
    tcp::acceptor a(io);
    open_listening_acceptor(a, {asio::ip::make_address("127.0.0.1"), 0});
    asio::socket_base::reuse_address reuse;
    a.get_option(reuse);
    EXPECT_TRUE(reuse.value());
    tcp::acceptor b(io);
    EXPECT_THROW(open_listening_acceptor(b, a.local_endpoint()), boost::system::system_error)
        << "the port is taken";
}

}  // namespace
}  // namespace wsspec::peer
