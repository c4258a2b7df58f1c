#include "harness/report/wire_excerpt.h"

#include "harness/oracle/judge.h"

namespace wsspec::report {
namespace {

using oracle::WireEntry;

std::uint64_t total(const std::map<std::uint64_t, std::uint64_t>& by_size, bool bytes) {
    std::uint64_t n = 0;
    for (const auto& [size, count] : by_size)
        n += bytes ? size * count : count;
    return n;
}

std::uint64_t total(const std::map<unsigned, std::uint64_t>& by_opcode) {
    std::uint64_t n = 0;
    for (const auto& [opcode, count] : by_opcode)
        n += count;
    return n;
}

}  // namespace

std::string WireExcerpt::describe() const {
    std::string parts;
    const auto add = [&](std::uint64_t n, const char* one, const char* many,
                         const std::string& bytes) {
        if (n == 0) return;
        parts += (parts.empty() ? ": " : ", ") + std::to_string(n) + " " + (n == 1 ? one : many) +
                 (bytes.empty() ? "" : " (" + bytes + ")");
    };
    add(total(rx_frames), "frame received", "frames received",
        std::to_string(rx_frame_bytes) + " payload bytes");
    add(total(tx_frames), "frame sent", "frames sent",
        std::to_string(tx_frame_bytes) + " payload bytes");
    add(total(rx_octets, false), "octet chunk received", "octet chunks received",
        std::to_string(total(rx_octets, true)) + " bytes");
    add(total(tx_octets, false), "octet chunk sent", "octet chunks sent",
        std::to_string(total(tx_octets, true)) + " bytes");
    add(notes, "note", "notes", "");
    return std::to_string(left_out()) + " of " + std::to_string(entries) + " entries left out" +
           parts;
}

bool wire_log_excerptable(const oracle::CaseOutcome& outcome) {
    return outcome.ran && oracle::passed(outcome.judgement, /*strict=*/true);
}

std::optional<WireExcerpt> plan_wire_excerpt(const std::vector<WireEntry>& wire, std::size_t first,
                                             std::size_t last) {
    if (wire.size() <= first + last) return std::nullopt;
    WireExcerpt x;
    x.entries = wire.size();
    x.kept_first = first;
    x.kept_last = last;
    for (std::size_t i = first; i < wire.size() - last; ++i) {
        const WireEntry& e = wire[i];
        switch (e.kind) {
            case WireEntry::Kind::rx_octets:
                ++x.rx_octets[e.length];
                break;
            case WireEntry::Kind::tx_octets:
                ++x.tx_octets[e.length];
                break;
            case WireEntry::Kind::rx_frame:
                ++x.rx_frames[e.opcode];
                x.rx_frame_bytes += e.length;
                break;
            case WireEntry::Kind::tx_frame:
                ++x.tx_frames[e.opcode];
                x.tx_frame_bytes += e.length;
                break;
            case WireEntry::Kind::note:
                ++x.notes;
                break;
        }
    }
    return x;
}

std::optional<WireExcerpt> wire_excerpt_for(const oracle::CaseOutcome& outcome,
                                            WireLogPolicy policy) {
    if (policy == WireLogPolicy::full || !wire_log_excerptable(outcome)) return std::nullopt;
    return plan_wire_excerpt(outcome.obs.wire);
}

}  // namespace wsspec::report
