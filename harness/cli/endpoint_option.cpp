#include "harness/cli/endpoint_option.h"

#include <CLI/CLI.hpp>
#include <charconv>

namespace wsspec::cli {

Endpoint parse_endpoint(std::string_view text, std::string_view option) {
    const auto bad = [&](const std::string& why) {
        return CLI::ValidationError(std::string(option), "'" + std::string(text) + "': " + why);
    };
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw bad("expected HOST:PORT");
    std::string_view host = text.substr(0, colon);
    const std::string_view port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
        throw bad("port must be a number from 0 to 65535");
    }
    return {host.empty() ? std::string("127.0.0.1") : std::string(host),
            static_cast<std::uint16_t>(value)};
}

}  // namespace wsspec::cli
