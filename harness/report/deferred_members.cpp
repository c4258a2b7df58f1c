#include "harness/report/deferred_members.h"

#include <cstdint>
#include <stdexcept>

namespace wsspec::report {
namespace {

using nlohmann::json;

// The binary subtype that marks deferred JSON text ('J'); no report holds other binaries.
constexpr std::uint8_t deferred_subtype = 0x4A;

}  // namespace

json deferred_array(std::string_view json_text) {
    return json::binary(json::binary_t::container_type(json_text.begin(), json_text.end()),
                        deferred_subtype);
}

bool is_deferred(const json& value) {
    return value.is_binary() && value.get_binary().has_subtype() &&
           value.get_binary().subtype() == deferred_subtype;
}

const json& whole_case(const json& record, json& storage) {
    if (!record.is_object()) return record;
    bool any = false;
    for (const auto& [key, value] : record.items())
        any = any || is_deferred(value);
    if (!any) return record;
    storage = json::object();
    for (const auto& [key, value] : record.items()) {
        if (!is_deferred(value)) {
            storage[key] = value;
            continue;
        }
        const auto& bytes = value.get_binary();
        try {
            storage[key] = json::parse(bytes.begin(), bytes.end());
        } catch (const json::parse_error& e) {
            throw std::runtime_error("case " + record.value("id", std::string()) + ": " + key +
                                     ": invalid JSON: " + e.what());
        }
    }
    return storage;
}

}  // namespace wsspec::report
