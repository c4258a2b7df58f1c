// Ctrl-C during a run: the first one asks the runner to stop after the cases in flight (so
// their results and a partial report are kept); a second one exits at once.
#pragma once

#include <atomic>

namespace wsspec::cli {

const std::atomic<bool>& install_interrupt_handler();

}  // namespace wsspec::cli
