// Progress while cases run: on a terminal one line that rewrites itself (cases done/total,
// failures, elapsed, ETA); otherwise one plain line per finished case. Colors only on a
// terminal and never with NO_COLOR set.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>

#include "harness/oracle/case_outcome.h"

namespace wsspec::cli {

class ProgressPrinter {
  public:
    ProgressPrinter(std::ostream& out, bool tty, bool quiet, bool strict);
    void case_done(const oracle::CaseOutcome& outcome, std::size_t done, std::size_t total);
    void finish();
    bool color() const { return color_; }

  private:
    std::ostream& out_;
    bool tty_;
    bool quiet_;
    bool strict_;
    bool color_;
    std::size_t failed_ = 0;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// True when stdout is a terminal.
bool stdout_is_tty();

}  // namespace wsspec::cli
