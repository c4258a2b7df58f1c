// HOST:PORT arguments ("127.0.0.1:9001", "[::1]:9001", ":9001").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wsspec::cli {

struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
};

// Throws CLI::ValidationError naming the option and what is wrong.
Endpoint parse_endpoint(std::string_view text, std::string_view option);

}  // namespace wsspec::cli
