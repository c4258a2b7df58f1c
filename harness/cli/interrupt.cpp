#include "harness/cli/interrupt.h"

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "harness/runner/process_supervisor.h"

namespace wsspec::cli {
namespace {

constexpr int exit_interrupted = 130;

std::atomic<bool> stop_requested{false};
std::atomic<int> signals_seen{0};
int wake_pipe[2] = {-1, -1};  // the handler writes a byte; the watcher thread reads it

std::mutex emergency_mutex;  // guards emergency_write; held while it runs
std::function<std::string()>* emergency_write = nullptr;
std::atomic<bool> emergency_registered{false};  // for the handler, which may not lock

void say(const char* text) {
    (void)!::write(STDERR_FILENO, text, std::strlen(text));
}

extern "C" void on_signal(int) {
    // Only async-signal-safe calls here: atomics, write(2), _exit(2).
    const int seen = signals_seen.fetch_add(1) + 1;
    if (seen == 1) {
        stop_requested = true;
        say(emergency_registered ? "\nwsspec: interrupted; finishing the running cases and "
                                   "writing a partial report (interrupt again to write it at "
                                   "once)\n"
                                 : "\nwsspec: interrupted; finishing the running cases and "
                                   "writing a partial report (interrupt again to exit at once, "
                                   "without a report)\n");
        return;
    }
    if (seen > 2 || wake_pipe[1] < 0) {
        runner::terminate_all_supervised();  // the programs wsspec started end with it
        _exit(exit_interrupted);
    }
    const char wake = 1;
    (void)!::write(wake_pipe[1], &wake, 1);
}

// A stop asked for by a signal that may come more than once for one cause (the parent-death
// signal is sent again each time the dying parent's children pass to another of its threads):
// the first one stops the run like a first interrupt, repeats are ignored.
const char* repeatable_stop_message = nullptr;
std::atomic<bool> repeatable_stop_seen{false};

extern "C" void on_repeatable_stop(int) {
    if (repeatable_stop_seen.exchange(true)) return;
    stop_requested = true;
    if (repeatable_stop_message != nullptr) say(repeatable_stop_message);
}

// The second interrupt's work, outside the signal handler where it may allocate and write
// files.
void watch_for_second_interrupt() {
    char byte = 0;
    while (::read(wake_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    std::lock_guard lock(emergency_mutex);
    if (!emergency_write) {
        say("wsspec: interrupted again; exiting without waiting (no report is written for "
            "this run)\n");
        runner::terminate_all_supervised();
        _exit(exit_interrupted);
    }
    say("wsspec: interrupted again; writing the partial report now (cases still running "
        "count as not run)\n");
    try {
        const std::string where = (*emergency_write)();
        say(("wsspec: " + where + "\n").c_str());
    } catch (const std::exception& e) {
        say(("wsspec: the partial report could not be written: " + std::string(e.what()) + "\n")
                .c_str());
    }
    runner::terminate_all_supervised();
    _exit(exit_interrupted);
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (::pipe(wake_pipe) == 0) std::thread(watch_for_second_interrupt).detach();
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
    });
    return stop_requested;
}

void stop_on_signal(int signal, const char* message) {
    install_interrupt_handler();
    repeatable_stop_message = message;
    std::signal(signal, on_repeatable_stop);
}

EmergencyReport::EmergencyReport(std::function<std::string()> write) {
    std::lock_guard lock(emergency_mutex);
    emergency_write = new std::function<std::string()>(std::move(write));
    emergency_registered = true;
}

EmergencyReport::~EmergencyReport() {
    std::lock_guard lock(emergency_mutex);
    emergency_registered = false;
    delete emergency_write;
    emergency_write = nullptr;
}

}  // namespace wsspec::cli
