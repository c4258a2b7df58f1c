#include "harness/runner/process_supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <stdexcept>

#include "harness/peer/asio_include.h"

namespace wsspec::runner {
namespace {

namespace bp = boost::process;
namespace asio = boost::asio;
constexpr auto poll_interval = std::chrono::milliseconds(50);
constexpr auto stop_grace = std::chrono::seconds(3);

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
        const char* name = strsignal(sig);
        return "killed by signal " + std::to_string(sig) +
               (name ? std::string(" (") + name + ")" : "");
    }
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended (raw status " + std::to_string(status) + ")";
}

}  // namespace

struct ProcessSupervisor::Child {
    bp::ipstream out;
    bp::ipstream err;
    bp::child process;
};

ProcessSupervisor::ProcessSupervisor(SupervisorSettings settings)
    : settings_(std::move(settings)) {}

ProcessSupervisor::~ProcessSupervisor() {
    stop();
}

void ProcessSupervisor::add_line(std::string line) {
    std::lock_guard lock(lines_mutex_);
    lines_.push_back(std::move(line));
    while (lines_.size() > settings_.kept_lines)
        lines_.pop_front();
}

std::string ProcessSupervisor::last_output() const {
    std::lock_guard lock(lines_mutex_);
    std::string out;
    for (const auto& l : lines_)
        out += l + "\n";
    return out;
}

void ProcessSupervisor::start() {
    stop();
    ++restarts_;
    child_ = std::make_unique<Child>();
    try {
        // Own process group, so stop() reaches everything the command started.
        child_->process =
            bp::child("/bin/sh", bp::args({"-c", settings_.command}), bp::std_out > child_->out,
                      bp::std_err > child_->err, bp::std_in < bp::null,
                      bp::extend::on_exec_setup([](auto&) { ::setpgid(0, 0); }));
    } catch (const std::exception& e) {
        child_.reset();
        throw std::runtime_error("cannot start '" + settings_.command + "': " + e.what());
    }
    for (auto* stream : {&child_->out, &child_->err}) {
        const char* name = stream == &child_->out ? "stdout" : "stderr";
        readers_.emplace_back([this, stream, name] {
            std::string line;
            while (std::getline(*stream, line))
                add_line(std::string(name) + ": " + line);
        });
    }
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

bool ProcessSupervisor::running() {
    std::error_code ec;
    return child_ && child_->process.running(ec);
}

std::optional<std::string> ProcessSupervisor::check_exit() {
    if (!child_ || running()) return std::nullopt;
    std::error_code ec;
    child_->process.wait(ec);
    const int status = child_->process.native_exit_code();
    ::kill(-child_->process.id(), SIGKILL);  // leftovers of the group would hold the pipes open
    for (auto& t : readers_)
        t.join();  // the pipes reach EOF once the group is gone
    readers_.clear();
    child_.reset();
    return describe_status(status) + "; last output:\n" + last_output();
}

void ProcessSupervisor::stop() {
    if (child_) {
        const pid_t pid = child_->process.id();
        if (running()) {
            ::kill(-pid, SIGTERM);
            const auto deadline = std::chrono::steady_clock::now() + stop_grace;
            while (running() && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(poll_interval);
        }
        ::kill(-pid, SIGKILL);  // anything left in the group
        std::error_code ec;
        child_->process.wait(ec);
    }
    for (auto& t : readers_)
        t.join();
    readers_.clear();
    child_.reset();
}

}  // namespace wsspec::runner
