#include "harness/cli/interrupt.h"

#include <unistd.h>
#include <csignal>

namespace wsspec::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_signal(int) {
    if (stop_requested.exchange(true)) _exit(130);
    constexpr char msg[] =
        "\nwsspec: interrupted; finishing the running cases and writing a partial report\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    return stop_requested;
}

}  // namespace wsspec::cli
