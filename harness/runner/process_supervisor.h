// --exec: the implementation under test as a child process that wsspec starts, watches and
// stops. Its output is kept (the last lines, where sanitizer reports end up), a crash
// during a case is reported with the exit status and those lines, and it is restarted for
// the next case. It runs in its own process group so that stopping it also stops whatever
// the command line started (shell pipelines, wrapper scripts).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wsspec::runner {

struct SupervisorSettings {
    std::string command;  // run with /bin/sh -c
    // Where the child listens (server testing): start() waits until it accepts. Empty host:
    // do not wait (client drivers connect to us instead).
    std::string host;
    std::uint16_t port = 0;
    std::chrono::milliseconds startup_timeout{10000};
    std::size_t kept_lines = 40;
};

class ProcessSupervisor {
  public:
    explicit ProcessSupervisor(SupervisorSettings settings);
    ~ProcessSupervisor();
    ProcessSupervisor(const ProcessSupervisor&) = delete;
    ProcessSupervisor& operator=(const ProcessSupervisor&) = delete;

    // Starts the child and waits until its port accepts. Throws std::runtime_error (with
    // the child's last output) if it exits or does not listen in time.
    void start();
    bool running();
    // If the child has exited: a description (status, last output lines), and the child is
    // forgotten so the next start() launches a new one.
    std::optional<std::string> check_exit();
    // SIGTERM to the group, then SIGKILL after a grace period.
    void stop();
    int restarts() const { return restarts_; }
    std::string last_output() const;

  private:
    struct Child;
    void pump(int fd, const char* stream);
    void add_line(std::string line);

    SupervisorSettings settings_;
    std::unique_ptr<Child> child_;
    std::vector<std::thread> readers_;
    mutable std::mutex lines_mutex_;
    std::deque<std::string> lines_;
    int restarts_ = -1;
};

}  // namespace wsspec::runner
