// Blocking steps over a private io_context, each bounded by a deadline, and the listening
// socket setup the servers share. Used where one thread drives one connection step by
// step (the fuzzing server's request phase, the reference client) and by every server
// that listens.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "harness/peer/asio_include.h"

namespace wsspec::peer {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Runs `io` (restarted first) until `done` is set or `deadline` passes. Past the deadline
// calls `abort` (which must make the pending operation complete, e.g. by cancelling or
// closing its socket), runs `io` until `done`, and returns false.
bool run_until_done(asio::io_context& io, const bool& done, Clock::time_point deadline,
                    const std::function<void()>& abort);

// Runs `io` one handler at a time until `done()` holds or `deadline` passes (false then).
// When `io` runs out of work it is restarted and `done()` decides: nothing left could
// change the answer. For transports whose completions set state that `done` reads.
bool run_io_until(asio::io_context& io, const std::function<bool()>& done,
                  Clock::time_point deadline);

struct ReadResult {
    boost::system::error_code error;  // set on EOF, error, or (with timed_out) abort
    std::size_t bytes = 0;
    bool timed_out = false;

    bool ok() const { return !error && !timed_out; }
};

// One async_read_some on `stream` (a tcp::socket or a peer::ByteStream) into `buffer`,
// waited for until `deadline` (then `abort` as above).
template <class Stream>
ReadResult read_some_until(asio::io_context& io, Stream& stream, asio::mutable_buffer buffer,
                           Clock::time_point deadline, const std::function<void()>& abort) {
    ReadResult result;
    bool done = false;
    stream.async_read_some(buffer, [&](boost::system::error_code e, std::size_t n) {
        result.error = e;
        result.bytes = n;
        done = true;
    });
    result.timed_out = !run_until_done(io, done, deadline, abort);
    return result;
}

// Opens, binds (SO_REUSEADDR, so a restarted server gets its port back at once) and
// listens on `endpoint`. Throws boost::system::system_error when it cannot.
void open_listening_acceptor(tcp::acceptor& acceptor, const tcp::endpoint& endpoint);

}  // namespace wsspec::peer
