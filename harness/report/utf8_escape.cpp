#include "harness/report/utf8_escape.h"

#include <cstdint>
#include <vector>

namespace wsspec::report {
namespace {

// Length of the valid UTF-8 sequence at `s[i]` (RFC 3629 4, the well-formed byte
// sequences table), or 0 when the byte there does not start one.
std::size_t valid_sequence_at(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t b0 = byte(i);
    if (b0 < 0x80) return 1;
    std::size_t n = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;  // no overlongs
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;  // no overlongs
        if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return n;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = valid_sequence_at(bytes, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string escape_invalid_utf8(std::string_view bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = valid_sequence_at(bytes, i);
        if (n > 0) {
            out.append(bytes.substr(i, n));
            i += n;
            continue;
        }
        const auto b = static_cast<std::uint8_t>(bytes[i]);
        out += "\\x";
        out += digits[b >> 4];
        out += digits[b & 0xF];
        ++i;
    }
    return out;
}

std::size_t escape_invalid_utf8_in(nlohmann::json& doc) {
    std::size_t changed = 0;
    if (doc.is_string()) {
        auto& s = doc.get_ref<std::string&>();
        if (!is_valid_utf8(s)) {
            s = escape_invalid_utf8(s);
            ++changed;
        }
    } else if (doc.is_array()) {
        for (auto& item : doc)
            changed += escape_invalid_utf8_in(item);
    } else if (doc.is_object()) {
        std::vector<std::string> bad_keys;
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            if (!is_valid_utf8(it.key())) bad_keys.push_back(it.key());
            changed += escape_invalid_utf8_in(it.value());
        }
        for (const auto& key : bad_keys) {
            nlohmann::json value = std::move(doc[key]);
            doc.erase(key);
            doc[escape_invalid_utf8(key)] = std::move(value);
            ++changed;
        }
    }
    return changed;
}

}  // namespace wsspec::report
