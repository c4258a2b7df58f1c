// Ctrl-C (SIGINT) or SIGTERM during a run: the first one asks the runner to stop after the
// cases in flight, so their results and a partial report are kept. A second one does not
// wait for those cases: a command that registered an EmergencyReport gets it written at
// once from what has finished (the cases in flight count as not run), then wsspec exits
// with 130; a command without one says that no report is written and exits. A third
// signal exits at once.
#pragma once

#include <atomic>
#include <functional>

namespace wsspec::cli {

const std::atomic<bool>& install_interrupt_handler();

// `signal` stops the run as a first interrupt does (printing `message`, which must outlive
// the process), however often it comes: for a signal one event may deliver several times.
// Ctrl-C keeps its own meaning.
void stop_on_signal(int signal, const char* message);

// While alive, a second interrupt runs `write` (on a thread of its own) before exiting;
// `write` returns the line to print (where the partial report went) and may throw. The
// destructor waits for a `write` in progress.
class EmergencyReport {
  public:
    explicit EmergencyReport(std::function<std::string()> write);
    ~EmergencyReport();
    EmergencyReport(const EmergencyReport&) = delete;
    EmergencyReport& operator=(const EmergencyReport&) = delete;
};

}  // namespace wsspec::cli
