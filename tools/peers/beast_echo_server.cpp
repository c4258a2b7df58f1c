// Boost.Beast WebSocket echo server: a real third-party peer for wsspec's
// integration tests.
//
//   beast_echo_server --port N [--host 127.0.0.1] [--deflate]
//
// One thread per connection, synchronous Beast API. Every message is echoed
// back with the same opcode (text as text, binary as binary) as one
// unfragmented message: read_message_max is 64 MiB and auto_fragment is off.
// permessage-deflate is off unless --deflate is given; a compressed echo is
// still sent in frames of at most write_buffer_bytes (4096) compressed octets,
// which Beast 1.74 does whatever auto_fragment says. TCP_NODELAY is set, as
// latency-minded servers do: otherwise Nagle's algorithm holds every frame
// after the first until the peer's delayed ACK, 40 ms per message on Linux.
// Beast answers pings
// and close frames itself. Prints "listening on HOST:PORT" once bound (with
// --port 0 the port the kernel chose). SIGTERM ends the process (default
// action).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/version.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <thread>

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::uint64_t kReadMessageMax = 64ull * 1024 * 1024;

struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 9004;
    bool deflate = false;
};

[[noreturn]] void usage(const char* err) {
    const char* text = "usage: beast_echo_server [--host H] [--port N] [--deflate]\n";
    if (err != nullptr) {
        std::fprintf(stderr, "%s\n%s", err, text);
        std::exit(2);
    }
    std::fputs(text, stdout);
    std::exit(0);
}

Options parse_args(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "--host") {
            o.host = next();
        } else if (a == "--port") {
            const std::string v = next();
            char* end = nullptr;
            const long p = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || p < 0 || p > 65535) usage("bad --port");
            o.port = static_cast<unsigned short>(p);
        } else if (a == "--deflate") {
            o.deflate = true;
        } else if (a == "-h" || a == "--help") {
            usage(nullptr);
        } else {
            usage(("unknown argument " + a).c_str());
        }
    }
    return o;
}

void session(tcp::socket socket, bool deflate) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);  // best effort
    websocket::stream<tcp::socket> ws{std::move(socket)};
    ws.read_message_max(kReadMessageMax);
    ws.auto_fragment(false);
    if (deflate) {
        websocket::permessage_deflate pmd;
        pmd.server_enable = true;
        pmd.client_enable = true;
        ws.set_option(pmd);
    }
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(beast::http::field::server,
                std::string(BOOST_BEAST_VERSION_STRING) + " wsspec-beast-echo");
    }));

    ws.accept(ec);
    if (ec) return;

    beast::flat_buffer buffer;
    for (;;) {
        ws.read(buffer, ec);
        if (ec == websocket::error::closed) return;  // clean close handshake done
        if (ec) return;  // Beast has already failed the connection as the RFC says
        ws.text(ws.got_text());
        ws.write(buffer.data(), ec);
        if (ec) return;
        buffer.consume(buffer.size());
    }
}

}  // namespace

int main(int argc, char** argv) {
    const Options opts = parse_args(argc, argv);
    try {
        net::io_context ioc{1};
        const auto address = net::ip::make_address(opts.host);
        tcp::acceptor acceptor{ioc};
        const tcp::endpoint ep{address, opts.port};
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(net::socket_base::max_listen_connections);

        const auto bound = acceptor.local_endpoint();
        std::printf("listening on %s:%u\n", bound.address().to_string().c_str(),
                    static_cast<unsigned>(bound.port()));
        std::fflush(stdout);

        for (;;) {
            tcp::socket socket{ioc};
            beast::error_code ec;
            acceptor.accept(socket, ec);
            if (ec) {
                std::fprintf(stderr, "accept: %s\n", ec.message().c_str());
                continue;
            }
            std::thread{[s = std::move(socket), d = opts.deflate]() mutable {
                try {
                    session(std::move(s), d);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "session: %s\n", e.what());
                }
            }}.detach();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "beast_echo_server: %s\n", e.what());
        return 1;
    }
}
