#include "harness/peer/blocking_io.h"

namespace wsspec::peer {

bool run_until_done(asio::io_context& io, const bool& done, Clock::time_point deadline,
                    const std::function<void()>& abort) {
    io.restart();
    // One handler at a time, so control returns as soon as the step is done (other work
    // on `io`, such as a timer, does not hold it).
    while (!done && io.run_one_until(deadline) > 0) {
    }
    if (done) return true;
    abort();
    io.restart();
    while (!done && io.run_one() > 0) {
    }
    return false;
}

bool run_io_until(asio::io_context& io, const std::function<bool()>& done,
                  Clock::time_point deadline) {
    while (!done()) {
        if (Clock::now() >= deadline) return false;
        if (io.stopped()) io.restart();
        if (io.run_one_until(deadline) == 0 && io.stopped()) {
            io.restart();
            return done();
        }
    }
    return true;
}

void open_listening_acceptor(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
}

}  // namespace wsspec::peer
