// A SessionTransport in memory, for unit tests of the case session without sockets: what
// the session writes goes to `peer` (a function standing for the peer under test), what the
// peer answers is delivered on the next run, `chunk` bytes at a time. When nothing is left
// to deliver, run_until returns at once (time does not pass: sleeps and awaits end early).
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "harness/peer/session_transport.h"

namespace wsspec::peer::testing {

class MemoryTransport final : public SessionTransport {
  public:
    // The peer: gets each write, returns its answer (possibly empty).
    std::function<std::string(std::string_view written)> peer;
    std::string incoming;             // delivered on the next run
    bool peer_closes_after = false;   // the peer ends the stream once `incoming` is delivered
    std::size_t chunk = 1 << 16;      // bytes per delivery
    std::vector<std::string> writes;  // everything the session wrote, one entry per write
    bool closed_by_session = false;

    void start(Handlers handlers) override {
        handlers_ = std::move(handlers);
        open_ = true;
    }
    void write(std::string bytes, std::function<void(const std::string&)> done) override {
        if (peer) incoming += peer(bytes);
        writes.push_back(std::move(bytes));
        completions_.push_back(std::move(done));
    }
    bool run_until(const std::function<bool()>& done, Clock::time_point) override {
        while (!done()) {
            if (!completions_.empty()) {
                auto complete = std::move(completions_.front());
                completions_.pop_front();
                complete({});
            } else if (open_ && !incoming.empty()) {
                std::string piece = incoming.substr(0, chunk);
                incoming.erase(0, piece.size());
                handlers_.received({reinterpret_cast<std::uint8_t*>(piece.data()), piece.size()});
            } else if (open_ && peer_closes_after) {
                open_ = false;
                handlers_.ended(true, {});
            } else {
                return done();  // idle: nothing else will happen
            }
        }
        return true;
    }
    void close() override {
        open_ = false;
        closed_by_session = true;
    }
    void settle() override {
        while (!completions_.empty()) {
            auto complete = std::move(completions_.front());
            completions_.pop_front();
            complete("closed");
        }
    }

  private:
    Handlers handlers_;
    bool open_ = false;
    std::deque<std::function<void(const std::string&)>> completions_;
};

}  // namespace wsspec::peer::testing
