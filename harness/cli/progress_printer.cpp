#include "harness/cli/progress_printer.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace wsspec::cli {

bool stdout_is_tty() {
    return ::isatty(STDOUT_FILENO) == 1;
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool tty, bool quiet, bool strict)
    : out_(out), tty_(tty), quiet_(quiet), strict_(strict) {
    const char* no_color = std::getenv("NO_COLOR");
    color_ = tty && !(no_color && *no_color);
}

void ProgressPrinter::case_done(const oracle::CaseOutcome& o, std::size_t done, std::size_t total) {
    const bool ok = oracle::passed(o.judgement, strict_);
    if (!ok) ++failed_;
    if (quiet_) return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (tty_) {
        const double eta =
            done ? elapsed / static_cast<double>(done) * static_cast<double>(total - done) : 0;
        char line[160];
        std::snprintf(line, sizeof line, "\r[%zu/%zu] failed %zu  elapsed %.1fs  eta %.1fs  %-14s",
                      done, total, failed_, elapsed, eta, o.c->id.c_str());
        out_ << (color_ && failed_ ? "\033[31m" : "") << line << (color_ ? "\033[0m" : "")
             << std::flush;
        return;
    }
    char line[160];
    std::snprintf(line, sizeof line, "[%zu/%zu] %-10s %-13s %-16s %8.1f ms", done, total,
                  o.c->id.c_str(), o.judgement.behavior.c_str(), o.judgement.behavior_close.c_str(),
                  o.obs.duration_ms);
    // Flushed per line: CI logs (and anyone tailing them) see progress as it happens.
    out_ << line << std::endl;
}

void ProgressPrinter::finish() {
    if (tty_ && !quiet_) out_ << "\n";
    out_ << std::flush;
}

}  // namespace wsspec::cli
