// Defects the reference peers (`wsspec serve`, `wsspec client`) can be told to have, for
// the mutation tests that check the catalog catches each broken rule in the right place.
// One table per peer lists its defects; this file holds what both share: parsing a
// comma-separated list of names, the set of enabled defects, and switching off the codec
// rules that a defect consists of (ConnectionLimits::waived).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "harness/codec/connection.h"
#include "harness/codec/protocol_error.h"

namespace wsspec::peer {

template <class Defect>
struct DefectInfo {
    Defect defect;
    std::string_view name;  // what --inject-defect takes
    std::string_view rule;  // the rule it breaks, e.g. "RFC 6455 5.5.2: pings not answered"
    // The codec rule the defect switches off, if it is no more than that.
    codec::ErrorKind waives = codec::ErrorKind::none;
};

template <class Defect>
class DefectSet {
  public:
    [[nodiscard]] bool has(Defect d) const { return (bits_ & bit(d)) != 0; }
    [[nodiscard]] bool empty() const { return bits_ == 0; }
    void add(Defect d) { bits_ |= bit(d); }

    // Switches off the codec rules of the enabled defects (`table`: the peer's list).
    void apply(codec::ConnectionLimits& limits, std::span<const DefectInfo<Defect>> table) const {
        for (const auto& info : table) {
            if (has(info.defect) && info.waives != codec::ErrorKind::none)
                limits.waived |= 1U << static_cast<unsigned>(info.waives);
        }
    }

    // A reference peer's codec limits: its message size limit, minus the rules its defects
    // switch off.
    [[nodiscard]] codec::ConnectionLimits limits(std::uint64_t max_message_size,
                                                 std::span<const DefectInfo<Defect>> table) const {
        codec::ConnectionLimits l;
        l.max_message_size = max_message_size;
        apply(l, table);
        return l;
    }

  private:
    static std::uint64_t bit(Defect d) { return std::uint64_t{1} << static_cast<unsigned>(d); }
    std::uint64_t bits_ = 0;
};

// "no-pong,no-close-reply" -> the set; throws std::invalid_argument naming an unknown name
// and listing the known ones. `what` names an entry in that message (the allowed variants,
// peer/allowed_variants.h, share this table format).
template <class Defect>
DefectSet<Defect> parse_defect_list(std::string_view list,
                                    std::span<const DefectInfo<Defect>> table,
                                    std::string_view what = "defect") {
    DefectSet<Defect> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        if (!name.empty()) {
            bool found = false;
            for (const auto& info : table) {
                if (info.name == name) {
                    out.add(info.defect);
                    found = true;
                }
            }
            if (!found) {
                std::string known;
                for (const auto& info : table)
                    known += (known.empty() ? "" : ", ") + std::string(info.name);
                throw std::invalid_argument("unknown " + std::string(what) + " '" +
                                            std::string(name) + "' (known: " + known + ")");
            }
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
}

}  // namespace wsspec::peer
