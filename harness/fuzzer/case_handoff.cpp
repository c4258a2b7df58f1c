#include "harness/fuzzer/case_handoff.h"

#include <string>

namespace wsspec::fuzzer {
namespace {

// A case that was taken ends within its own deadline; this much more covers the session's
// closing and the connection thread handing the observation back.
constexpr std::chrono::milliseconds finish_margin{5000};
constexpr std::chrono::milliseconds stop_poll{50};

}  // namespace

template <class Pred>
bool CaseHandoff::wait(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds limit,
                       Pred pred) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (stop_ && stop_()) return false;
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) return false;
        changed_.wait_for(lock,
                          std::min<std::chrono::steady_clock::duration>(until - now, stop_poll));
    }
    return true;
}

oracle::Observation CaseHandoff::run(const cases::Case& c, std::chrono::milliseconds connect_wait) {
    std::unique_lock lock(mutex_);
    ++ticket_;
    const std::uint64_t mine = ticket_;
    offered_ = c;
    taken_ = done_ = false;
    changed_.notify_all();
    const auto offered_at = std::chrono::steady_clock::now();
    const bool taken = wait(lock, connect_wait, [&] { return taken_ || closed_; }) && taken_;
    connect_waited_ = std::chrono::steady_clock::now() - offered_at;
    if (!taken) {
        offered_.reset();
        oracle::Observation obs;
        obs.connect_error = closed_ ? "the run is over"
                            : stop_ && stop_()
                                ? "no connection for the case: the run is over or the client "
                                  "under test exited"
                                : "the client under test did not connect for a case within " +
                                      std::to_string(connect_wait.count()) + " ms";
        return obs;
    }
    const auto deadline = std::chrono::milliseconds(c.timeout_ms) + finish_margin;
    if (!wait(lock, deadline, [&] { return done_ || closed_; }) || !done_) {
        oracle::Observation obs;
        obs.handshake.attempted = true;
        obs.timed_out = true;
        obs.timeout_note = "the case did not end within its deadline";
        ticket_ = mine + 1;  // a late finish() of this case is dropped
        return obs;
    }
    return std::move(result_);
}

std::optional<std::pair<std::uint64_t, cases::Case>> CaseHandoff::take(
    std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, wait, [&] { return (offered_ && !taken_) || closed_; }) ||
        closed_) {
        return std::nullopt;
    }
    taken_ = true;
    auto out = std::make_pair(ticket_, std::move(*offered_));
    offered_.reset();
    changed_.notify_all();
    return out;
}

void CaseHandoff::finish(std::uint64_t ticket, oracle::Observation obs) {
    std::lock_guard lock(mutex_);
    if (ticket != ticket_ || done_) return;
    result_ = std::move(obs);
    done_ = true;
    changed_.notify_all();
}

std::chrono::steady_clock::duration CaseHandoff::last_connect_wait() {
    std::lock_guard lock(mutex_);
    return connect_waited_;
}

void CaseHandoff::close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
}

}  // namespace wsspec::fuzzer
