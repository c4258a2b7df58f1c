#include "harness/runner/driver_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace wsspec::runner {
namespace {

namespace bp = boost::process;

constexpr std::size_t kept_stderr_lines = 20;

// Runs in the child between fork and exec: a process group of its own, so that a signal
// to the group reaches whatever the shell started.
struct NewProcessGroup : bp::extend::handler {
    template <class Executor>
    void on_exec_setup(Executor&) const {
        ::setpgid(0, 0);
    }
};

}  // namespace

struct DriverProcess::Impl {
    bp::ipstream err;
    bp::child child;
};

DriverProcess::DriverProcess(const std::string& command,
                             const std::map<std::string, std::string>& env,
                             const std::filesystem::path& stdout_log,
                             const std::filesystem::path& stderr_log)
    : impl_(std::make_unique<Impl>()) {
    auto environment = boost::this_process::environment();
    bp::environment child_env = environment;
    for (const auto& [name, value] : env)
        child_env[name] = value;
    try {
        impl_->child = bp::child("/bin/sh", "-c", command, bp::std_out > stdout_log.string(),
                                 bp::std_err > impl_->err, bp::std_in < bp::null, child_env,
                                 NewProcessGroup{});
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot start the driver: " + std::string(e.what()));
    }
    reader_ = std::thread([this, stderr_log] {
        std::ofstream log(stderr_log, std::ios::binary);
        std::string line;
        while (std::getline(impl_->err, line)) {
            log << line << "\n" << std::flush;
            std::lock_guard lock(mutex_);
            stderr_tail_.push_back(line);
            if (stderr_tail_.size() > kept_stderr_lines) stderr_tail_.pop_front();
        }
    });
    watcher_ = std::thread([this] {
        const pid_t pid = impl_->child.id();
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        {
            std::lock_guard lock(mutex_);
            wait_status_ = status;
            exit_time_ = std::chrono::steady_clock::now();
        }
        exited_ = true;
    });
}

DriverProcess::~DriverProcess() {
    stop();
    if (watcher_.joinable()) watcher_.join();
    // The pipe reaches EOF once every process of the group is gone.
    if (reader_.joinable()) {
        ::kill(-static_cast<pid_t>(impl_->child.id()), SIGKILL);
        reader_.join();
    }
    impl_->child.detach();  // already reaped by the watcher
}

bool DriverProcess::crashed() const {
    std::lock_guard lock(mutex_);
    if (stopped_by_us_) return false;
    return WIFSIGNALED(wait_status_) || (WIFEXITED(wait_status_) && WEXITSTATUS(wait_status_) != 0);
}

std::string DriverProcess::describe_exit() const {
    std::lock_guard lock(mutex_);
    if (WIFSIGNALED(wait_status_)) {
        const int sig = WTERMSIG(wait_status_);
        const char* name = ::sigabbrev_np(sig);
        return "killed by signal " + std::to_string(sig) +
               (name ? " (SIG" + std::string(name) + ")" : "");
    }
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status_));
}

std::chrono::steady_clock::time_point DriverProcess::exit_time() const {
    std::lock_guard lock(mutex_);
    return exit_time_;
}

std::vector<std::string> DriverProcess::last_stderr_lines() const {
    std::lock_guard lock(mutex_);
    return {stderr_tail_.begin(), stderr_tail_.end()};
}

void DriverProcess::stop(std::chrono::milliseconds grace) {
    if (exited_) return;
    {
        std::lock_guard lock(mutex_);
        stopped_by_us_ = true;
    }
    const pid_t group = static_cast<pid_t>(impl_->child.id());
    ::kill(-group, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + grace;
    while (!exited_ && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!exited_) ::kill(-group, SIGKILL);
    while (!exited_)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace wsspec::runner
