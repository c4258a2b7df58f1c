#include "harness/runner/process_supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "harness/peer/asio_include.h"

namespace wsspec::runner {
namespace {

namespace bp = boost::process;
namespace asio = boost::asio;
constexpr auto poll_interval = std::chrono::milliseconds(50);
constexpr auto exit_poll_interval = std::chrono::milliseconds(10);

bool port_accepts(const std::string& host, std::uint16_t port) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) return false;
    bool done = false;
    socket.async_connect({address, port}, [&](boost::system::error_code e) {
        ec = e;
        done = true;
    });
    io.run_for(std::chrono::milliseconds(500));
    return done && !ec;
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = ::sigabbrev_np(sig);
        return "killed by signal " + std::to_string(sig) +
               (name ? " (SIG" + std::string(name) + ")" : "");
    }
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended (raw status " + std::to_string(status) + ")";
}

// Runs in the child between fork and exec: a process group of its own, so that a signal
// to the group reaches whatever the shell started.
struct NewProcessGroup : bp::extend::handler {
    template <class Executor>
    void on_exec_setup(Executor&) const {
        ::setpgid(0, 0);
    }
};

// The process groups of the supervised programs now running (0: a free slot), for
// terminate_all_supervised. More supervisors than slots at once: the rest are not listed.
std::array<std::atomic<pid_t>, 64> live_groups{};

void list_group(pid_t group) {
    for (auto& slot : live_groups) {
        pid_t free_slot = 0;
        if (slot.compare_exchange_strong(free_slot, group)) return;
    }
}

void unlist_group(pid_t group) {
    for (auto& slot : live_groups) {
        pid_t listed = group;
        if (slot.compare_exchange_strong(listed, 0)) return;
    }
}

}  // namespace

void terminate_all_supervised() noexcept {
    static_assert(std::atomic<pid_t>::is_always_lock_free);
    for (auto& slot : live_groups) {
        const pid_t group = slot.load();
        if (group > 0) ::kill(-group, SIGTERM);
    }
}

struct ProcessSupervisor::Child {
    bp::ipstream out;
    bp::ipstream err;
    bp::child process;
    pid_t group = 0;
    std::atomic<bool> exited{false};
    std::thread watcher;               // reaps the child, records status and time
    std::vector<std::thread> readers;  // one per captured stream
};

ProcessSupervisor::ProcessSupervisor(SupervisorSettings settings)
    : settings_(std::move(settings)) {}

ProcessSupervisor::~ProcessSupervisor() {
    stop();
}

void ProcessSupervisor::add_line(std::string line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
    while (lines_.size() > settings_.kept_lines)
        lines_.pop_front();
}

std::vector<std::string> ProcessSupervisor::last_lines() const {
    std::lock_guard lock(mutex_);
    return {lines_.begin(), lines_.end()};
}

std::string ProcessSupervisor::last_output() const {
    std::string out;
    for (const auto& l : last_lines())
        out += l + "\n";
    return out;
}

void ProcessSupervisor::start() {
    stop();
    ++restarts_;
    auto child = std::make_unique<Child>();
    bp::environment env = boost::this_process::environment();
    for (const auto& [name, value] : settings_.env)
        env[name] = value;
    // stdout: captured, straight to its log file, or discarded.
    const auto launch = [&](auto&& stdout_redirect) {
        return bp::child("/bin/sh", bp::args({"-c", settings_.command}), stdout_redirect,
                         bp::std_err > child->err, bp::std_in < bp::null, env, NewProcessGroup{});
    };
    try {
        if (settings_.keep_stdout)
            child->process = launch(bp::std_out > child->out);
        else if (!settings_.stdout_log.empty())
            child->process = launch(bp::std_out > settings_.stdout_log.string());
        else
            child->process = launch(bp::std_out > bp::null);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot start '" + settings_.command + "': " + e.what());
    }
    started_ = true;
    {
        std::lock_guard lock(mutex_);
        stopped_by_us_ = false;
        lines_.clear();  // a crash is described by what this run of the child printed
    }
    child->group = static_cast<pid_t>(child->process.id());
    list_group(child->group);
    Child* c = child.get();
    c->watcher = std::thread([this, c] {
        int status = 0;
        while (::waitpid(c->group, &status, 0) < 0 && errno == EINTR) {
        }
        {
            std::lock_guard lock(mutex_);
            wait_status_ = status;
            exit_time_ = std::chrono::steady_clock::now();
        }
        c->exited = true;
    });
    const auto read = [this](bp::ipstream& stream, std::string prefix,
                             std::filesystem::path log_file) {
        return std::thread([this, &stream, prefix = std::move(prefix), log_file] {
            std::ofstream log;
            if (!log_file.empty()) log.open(log_file, std::ios::binary);
            std::string line;
            while (std::getline(stream, line)) {
                if (log.is_open()) log << line << "\n" << std::flush;
                add_line(prefix + line);
            }
        });
    };
    if (settings_.keep_stdout) {
        c->readers.push_back(read(c->out, "stdout: ", settings_.stdout_log));
        c->readers.push_back(read(c->err, "stderr: ", settings_.stderr_log));
    } else {
        c->readers.push_back(read(c->err, "", settings_.stderr_log));
    }
    child_ = std::move(child);

    if (settings_.host.empty()) return;
    const auto deadline = std::chrono::steady_clock::now() + settings_.startup_timeout;
    while (!port_accepts(settings_.host, settings_.port)) {
        if (auto exit = check_exit()) {
            throw std::runtime_error("'" + settings_.command + "' " + *exit);
        }
        if (std::chrono::steady_clock::now() > deadline) {
            const std::string output = last_output();
            stop();
            throw std::runtime_error(
                "'" + settings_.command + "' did not accept connections on " + settings_.host +
                ":" + std::to_string(settings_.port) + " within " +
                std::to_string(settings_.startup_timeout.count()) + " ms\n" + output);
        }
        std::this_thread::sleep_for(poll_interval);
    }
}

bool ProcessSupervisor::running() const {
    return child_ && !child_->exited;
}

void ProcessSupervisor::reap() {
    if (!child_) return;
    child_->watcher.join();
    // Leftovers of the group would hold the pipes open; they reach EOF once it is gone.
    ::kill(-child_->group, SIGKILL);
    unlist_group(child_->group);
    for (auto& t : child_->readers)
        t.join();
    child_->process.detach();  // already reaped by the watcher
    child_.reset();
}

std::optional<std::string> ProcessSupervisor::check_exit() {
    if (!child_ || running()) return std::nullopt;
    reap();
    return describe_exit() + "; last output:\n" + last_output();
}

void ProcessSupervisor::stop() {
    if (!child_) return;
    if (running()) {
        {
            std::lock_guard lock(mutex_);
            stopped_by_us_ = true;
        }
        ::kill(-child_->group, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + settings_.stop_grace;
        while (running() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(exit_poll_interval);
        if (running()) ::kill(-child_->group, SIGKILL);
        while (running())
            std::this_thread::sleep_for(exit_poll_interval);
    }
    reap();
}

pid_t ProcessSupervisor::process_group() const {
    return child_ && running() ? child_->group : 0;
}

bool ProcessSupervisor::crashed() const {
    std::lock_guard lock(mutex_);
    if (stopped_by_us_) return false;
    return WIFSIGNALED(wait_status_) || (WIFEXITED(wait_status_) && WEXITSTATUS(wait_status_) != 0);
}

std::string ProcessSupervisor::describe_exit() const {
    std::lock_guard lock(mutex_);
    return describe_status(wait_status_);
}

std::chrono::steady_clock::time_point ProcessSupervisor::exit_time() const {
    std::lock_guard lock(mutex_);
    return exit_time_;
}

}  // namespace wsspec::runner
