// Payload expansion (case.h): the compact JSON forms become the bytes put on the wire.
#include <algorithm>
#include <string>

#include "harness/cases/case.h"
#include "harness/cases/test_data.h"

namespace wsspec::cases {

namespace {
constexpr std::size_t kCloseCodeBytes = 2;  // RFC 6455 5.5.1: a 2-byte status code first
}

std::string Payload::materialize() const {
    switch (kind) {
        case Kind::text:
            return text;
        case Kind::hex:
            return bytes;
        case Kind::pattern: {
            std::string out;
            if (bytes.empty() || length == 0) return out;
            out.reserve(length);
            while (out.size() + bytes.size() <= length)
                out += bytes;
            out.append(bytes, 0, length - out.size());
            return out;
        }
        case Kind::data:
            return data_window(data_set, offset, length);
        case Kind::close: {
            std::string out;
            if (close_code) {
                // Network byte order.
                out.push_back(static_cast<char>((*close_code >> 8) & 0xFF));
                out.push_back(static_cast<char>(*close_code & 0xFF));
            }
            out += close_reason;
            return out;
        }
    }
    return {};
}

std::uint64_t Payload::size() const {
    switch (kind) {
        case Kind::text:
            return text.size();
        case Kind::hex:
            return bytes.size();
        case Kind::pattern:
            return bytes.empty() ? 0 : length;
        case Kind::data:
            return length;
        case Kind::close:
            return (close_code ? kCloseCodeBytes : 0) + close_reason.size();
    }
    return 0;
}

bool Payload::matches(std::string_view received) const {
    if (received.size() != size()) return false;
    if (kind != Kind::pattern) return materialize() == received;
    const std::string_view unit = bytes;
    for (std::size_t at = 0; at < received.size(); at += unit.size()) {
        if (received.substr(at, unit.size()) != unit.substr(0, received.size() - at)) return false;
    }
    return true;
}

std::string data_window(std::string_view data_set, std::uint64_t offset, std::uint64_t length) {
    std::string out;
    const auto data = test_data(data_set);
    if (!data || data->empty()) return out;
    out.reserve(length);
    std::size_t at = static_cast<std::size_t>(offset % data->size());
    while (out.size() < length) {
        const std::size_t n = std::min<std::size_t>(data->size() - at, length - out.size());
        out.append(data->substr(at, n));
        at = (at + n) % data->size();
    }
    return out;
}

}  // namespace wsspec::cases
