// The byte stream a case session runs over, and the loop that moves its bytes. The session
// (steps, codec, observation) only ever says "write these bytes", "run until this holds or
// that time" and "close"; how bytes move is the transport's business: Asio TCP/TLS in a
// run (asio_transport.h), memory in the unit tests of the step interpreter. No Asio here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace wsspec::peer {

using Clock = std::chrono::steady_clock;

class SessionTransport {
  public:
    struct Handlers {
        // Bytes arrived, in order; the session may change them in place (the codec unmasks
        // there) until it returns.
        std::function<void(std::span<std::uint8_t> bytes)> received;
        // The stream ended without our close(): `eof` when the peer closed it, otherwise
        // `why` says what broke it.
        std::function<void(bool eof, const std::string& why)> ended;
    };

    virtual ~SessionTransport() = default;

    // Starts delivering to `handlers` (only from within run_until/settle), until close().
    virtual void start(Handlers handlers) = 0;
    // Writes all of `bytes` (the transport keeps them); then `done` with "" or the error.
    // One write at a time: the session queues the rest.
    virtual void write(std::string bytes, std::function<void(const std::string& error)> done) = 0;
    // Runs the I/O until `done()` holds or `deadline` passes; returns `done()`.
    virtual bool run_until(const std::function<bool()>& done, Clock::time_point deadline) = 0;
    // Closes at once (no TLS close_notify: the peer under test gets no help).
    virtual void close() = 0;
    // Lets operations that close() aborted finish before the session goes away (bounded).
    virtual void settle() = 0;

    // WebSockets over HTTP/2 (RFC 8441 5): ends our half of the stream the way TCP would
    // end, without a Close frame: END_STREAM, or (`reset`) RST_STREAM with the RFC 9113 7
    // code named `error_code`, after which the transport checks, on a new stream, that the
    // connection still serves WebSockets. `failure`: a rule the server broke; `lapse`: what
    // it did short of what it should (NON-STRICT); `note`: what happened, for the wire log.
    // Transports without streams only say so.
    struct StreamEnd {
        std::string failure;
        std::string lapse;
        std::string note;
    };
    virtual StreamEnd end_stream(bool /*reset*/, const std::string& /*error_code*/,
                                 Clock::time_point /*deadline*/) {
        StreamEnd out;
        out.note = "not an HTTP/2 stream: the h2_stream step does nothing here";
        return out;
    }
};

}  // namespace wsspec::peer
