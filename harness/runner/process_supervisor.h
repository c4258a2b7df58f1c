// A child process that wsspec starts, watches and stops: the server under test
// (test-server --exec) and the client driver (test-client --exec). The command runs with
// /bin/sh -c in a process group of its own, so that stopping it also stops whatever the
// command line started (shell pipelines, wrapper scripts, the interpreter). Its last output
// lines are kept (where sanitizer reports end up) for the description of a crash; a
// watcher thread notices the exit and records its time and status. After an exit the
// child can be started again (test-server restarts the server for the next case).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace wsspec::runner {

struct SupervisorSettings {
    std::string command{};  // run with /bin/sh -c
    // Where the child listens (server testing): start() waits until it accepts. Empty host:
    // do not wait (client drivers connect to us instead).
    std::string host{};
    std::uint16_t port = 0;
    std::chrono::milliseconds startup_timeout{10000};
    std::size_t kept_lines = 40;
    // Added to (or replacing in) the environment wsspec runs in.
    std::map<std::string, std::string> env{};
    // Where the child's output is also written (empty: nowhere).
    std::filesystem::path stdout_log{};
    std::filesystem::path stderr_log{};
    // Keep stdout lines too in the last lines (then prefixed "stdout: " / "stderr: ");
    // false: only stderr is kept, unprefixed, and stdout goes straight to stdout_log.
    bool keep_stdout = true;
    // stop(): SIGTERM to the group, SIGKILL after this.
    std::chrono::milliseconds stop_grace{3000};
};

// Sends SIGTERM to the process group of every supervised program still running. For exits
// that skip destructors (a second Ctrl-C ends wsspec with _exit): async-signal-safe (kill(2)
// and lock-free atomics only), so a signal handler may call it.
void terminate_all_supervised() noexcept;

class ProcessSupervisor {
  public:
    explicit ProcessSupervisor(SupervisorSettings settings);
    ~ProcessSupervisor();
    ProcessSupervisor(const ProcessSupervisor&) = delete;
    ProcessSupervisor& operator=(const ProcessSupervisor&) = delete;

    // Starts the child (stopping any previous one) and, with a host, waits until its port
    // accepts. Throws std::runtime_error if it cannot be started, or (with the child's last
    // output) if it exits or does not listen in time.
    void start();
    // Started and not exited yet.
    bool running() const;
    // The last started child has exited (by itself or stopped); stays true until start().
    [[nodiscard]] bool exited() const { return started_ && !running(); }
    // If the child has exited: a description (status, last output lines), and the child is
    // forgotten so the next start() launches a new one.
    std::optional<std::string> check_exit();
    // SIGTERM to the group, then SIGKILL after the grace period; then anything left in the
    // group is killed and the child is forgotten. Fine to call after the exit too.
    void stop();
    int restarts() const { return restarts_; }
    // The child's process group (its pid), while it runs; 0 otherwise.
    [[nodiscard]] pid_t process_group() const;

    // About the last exit; only meaningful once exited().
    [[nodiscard]] bool crashed() const;  // non-zero status or killed, and not by stop()
    [[nodiscard]] std::string describe_exit() const;  // "exited with status 1", "killed by ..."
    [[nodiscard]] std::chrono::steady_clock::time_point exit_time() const;

    // The last lines the child printed since it was last started.
    [[nodiscard]] std::vector<std::string> last_lines() const;
    std::string last_output() const;  // last_lines(), one per line

  private:
    struct Child;
    void add_line(std::string line);
    void reap();  // after the exit: kills leftovers of the group, joins the threads

    SupervisorSettings settings_;
    std::unique_ptr<Child> child_;
    bool started_ = false;
    mutable std::mutex mutex_;
    std::deque<std::string> lines_;
    int wait_status_ = 0;
    std::chrono::steady_clock::time_point exit_time_;
    bool stopped_by_us_ = false;
    int restarts_ = -1;
};

}  // namespace wsspec::runner
