// The client driver `wsspec test-client --exec "CMD"` supervises: started with /bin/sh -c
// in a process group of its own (so stopping it reaches the interpreter the shell runs),
// stdout to a log file, stderr captured (to a log file, and its last lines kept for the
// report of a crash). A watcher thread notices when it exits.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wsspec::runner {

class DriverProcess {
  public:
    // Throws std::runtime_error if the process cannot be started.
    DriverProcess(const std::string& command, const std::map<std::string, std::string>& env,
                  const std::filesystem::path& stdout_log, const std::filesystem::path& stderr_log);
    ~DriverProcess();
    DriverProcess(const DriverProcess&) = delete;
    DriverProcess& operator=(const DriverProcess&) = delete;

    [[nodiscard]] bool exited() const { return exited_.load(); }
    // Only meaningful once exited().
    [[nodiscard]] bool crashed() const;               // non-zero status or killed by a signal
    [[nodiscard]] std::string describe_exit() const;  // "exited with status 1", "killed by SIGSEGV"
    [[nodiscard]] std::chrono::steady_clock::time_point exit_time() const;
    [[nodiscard]] std::vector<std::string> last_stderr_lines() const;

    // SIGTERM to the group, SIGKILL after `grace`; waits for the exit. No-op once exited.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::atomic<bool> exited_{false};
    std::thread watcher_;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::deque<std::string> stderr_tail_;
    int wait_status_ = 0;
    std::chrono::steady_clock::time_point exit_time_;
    bool stopped_by_us_ = false;
};

}  // namespace wsspec::runner
