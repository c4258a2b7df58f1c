#include "harness/report/transport_label.h"

#include <array>
#include <utility>

namespace wsspec::report {

std::string transport_of_target(std::string_view target) {
    // Longest scheme first: "h2c://" must not be read as "h2".
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> schemes = {{
        {"h2c://", "HTTP/2 cleartext (h2c), ws"},
        {"h2://", "HTTP/2 over TLS (h2), wss"},
        {"wss://", "HTTP/1.1 over TLS, wss"},
        {"ws://", "HTTP/1.1, ws"},
    }};
    for (const auto& [prefix, label] : schemes) {
        if (target.substr(0, prefix.size()) == prefix) return std::string(label);
    }
    return {};
}

std::string transport_of_run(const nlohmann::json& run) {
    const auto it = run.find("transport");
    if (it != run.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
        return it->get<std::string>();
    const auto target = run.find("target");
    if (target != run.end() && target->is_string())
        return transport_of_target(target->get_ref<const std::string&>());
    return {};
}

}  // namespace wsspec::report
