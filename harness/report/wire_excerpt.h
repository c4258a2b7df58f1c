// The wire log of a passing case, cut to its two ends for the results. A case that passed
// is read for how it started and how it ended; its middle (9.7.*: a thousand round trips)
// made most of a report's size. Cases that did not pass keep their whole log, as the
// session's budgets kept it (peer::SessionSettings), and `--full-wire-log` keeps every log.
// The cut is made when the results are written, after judging: the judge, and a verdict
// changed afterwards (a crash attributed to the case by test-client --exec), see the whole
// log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/oracle/case_outcome.h"

namespace wsspec::report {

// Entries a passing case keeps at each end of its wire log. 16 cover the opening frames of
// any case and its closing handshake with the last frames before it.
inline constexpr std::size_t excerpt_first_entries = 16;
inline constexpr std::size_t excerpt_last_entries = 16;

// Which wire logs the results keep whole (--full-wire-log: all of them).
enum class WireLogPolicy { excerpt_passing, full };

// What an excerpt left out between its two ends, counted the way Autobahn's rx/txOctetStats
// and rx/txFrameStats count a whole log (chunks per size, frames per opcode), so Autobahn
// statistics stay complete.
struct WireExcerpt {
    std::size_t entries = 0;                                      // in the log before the cut
    std::size_t kept_first = 0;                                   // entries kept at the start
    std::size_t kept_last = 0;                                    // entries kept at the end
    std::map<std::uint64_t, std::uint64_t> rx_octets, tx_octets;  // chunk size -> chunks
    std::map<unsigned, std::uint64_t> rx_frames, tx_frames;       // opcode -> frames
    std::uint64_t rx_frame_bytes = 0, tx_frame_bytes = 0;         // payload lengths
    std::uint64_t notes = 0;

    [[nodiscard]] std::size_t left_out() const { return entries - kept_first - kept_last; }
    // "1969 of 2001 entries left out: 985 frames received (4034560 payload bytes), 984
    // frames sent (...)".
    [[nodiscard]] std::string describe() const;
};

// Whether the case's verdicts let its log be cut: it ran and passes even under --strict
// (a NON-STRICT case is worth its whole log).
bool wire_log_excerptable(const oracle::CaseOutcome& outcome);

// The excerpt of `wire` with `first` and `last` entries kept; nullopt when the log is no
// longer than what the excerpt would keep.
std::optional<WireExcerpt> plan_wire_excerpt(const std::vector<oracle::WireEntry>& wire,
                                             std::size_t first = excerpt_first_entries,
                                             std::size_t last = excerpt_last_entries);

// The excerpt the results give this case under `policy`: nullopt keeps the whole log.
std::optional<WireExcerpt> wire_excerpt_for(const oracle::CaseOutcome& outcome,
                                            WireLogPolicy policy);

}  // namespace wsspec::report
