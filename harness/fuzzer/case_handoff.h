// fuzz-client: the client under test comes to wsspec for its cases (it connects to
// /runCase, as an Autobahn driver loop does), while the fuzzer makes them one at a time.
// The handoff passes the case the engine made to the next /runCase connection, and what the
// client did on it back to the engine.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "harness/cases/case.h"
#include "harness/oracle/observation.h"

namespace wsspec::fuzzer {

class CaseHandoff {
  public:
    // Polled while run() waits: true gives up at once (Ctrl-C, the run's time is up).
    explicit CaseHandoff(std::function<bool()> stop = {}) : stop_(std::move(stop)) {}

    // The engine: offers `c` and waits up to `connect_wait` for a connection to take it,
    // then for the case to end. When no connection came: an observation whose
    // connect_error says so (the liveness oracle's "unreachable").
    oracle::Observation run(const cases::Case& c, std::chrono::milliseconds connect_wait);
    // A /runCase connection: the case on offer (waiting up to `wait` for one) and its
    // ticket, or nothing (then the connection is closed without a case).
    std::optional<std::pair<std::uint64_t, cases::Case>> take(std::chrono::milliseconds wait);
    // The connection's observation of the case it took.
    void finish(std::uint64_t ticket, oracle::Observation obs);
    // The run is over: waiting connections get nothing, and so does every later take().
    void close();
    // How long the last run() waited for a connection to take its case (a client that is
    // slow to come back is worth telling the user: it slows the whole run).
    std::chrono::steady_clock::duration last_connect_wait();

  private:
    // Waits like condition_variable::wait_for, in short slices so that stop_ is seen.
    template <class Pred>
    bool wait(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds limit, Pred pred);

    std::function<bool()> stop_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t ticket_ = 0;  // of the case on offer (or last offered)
    std::optional<cases::Case> offered_;
    bool taken_ = false, done_ = false, closed_ = false;
    oracle::Observation result_;
    std::chrono::steady_clock::duration connect_waited_{};
};

}  // namespace wsspec::fuzzer
