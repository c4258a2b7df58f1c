#include "harness/peer/tcp_connect.h"

namespace wsspec::peer {

std::string connect_tcp(asio::io_context& io, tcp::socket& socket, const TargetUrl& url,
                        std::chrono::steady_clock::time_point deadline) {
    tcp::resolver resolver(io);
    error_code ec;
    const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) return "cannot resolve " + url.host + ": " + ec.message();
    bool done = false;
    asio::async_connect(socket, endpoints, [&](error_code e, const tcp::endpoint&) {
        ec = e;
        done = true;
    });
    io.restart();
    while (!done && io.run_one_until(deadline) > 0) {
    }
    if (!done) {
        // Abort the attempt and let its handler run before `done` and `ec` go away.
        error_code ignored;
        socket.close(ignored);
        io.restart();
        while (!done && io.run_one() > 0) {
        }
        io.restart();
        return "connection to " + url.to_string() + " timed out";
    }
    io.restart();
    if (ec) return "cannot connect to " + url.to_string() + ": " + ec.message();
    socket.set_option(tcp::no_delay(true), ec);
    return {};
}

}  // namespace wsspec::peer
