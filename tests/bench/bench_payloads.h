// Inputs shared by the codec benchmarks. Deterministic (fixed seeds), so every run and
// every implementation measured side by side sees exactly the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace wsspec::bench {

constexpr std::size_t kib = 1024;
constexpr std::size_t mib = 1024 * kib;

// Printable ASCII prose.
std::string ascii_text(std::size_t size);
// Only multi-byte code points (2-, 3- and 4-byte in roughly equal shares) and spaces:
// Greek, Cyrillic, CJK, emoji.
std::string mixed_text(std::size_t size);
// JSON records as a chat or telemetry feed sends them: ASCII syntax, with a non-ASCII
// character every few dozen bytes (names, short phrases).
std::string json_text(std::size_t size);
// `count` distinct valid messages of exactly `size` bytes, cut from json_text() at code
// point boundaries.
std::vector<std::string> short_messages(std::size_t size, std::size_t count);

}  // namespace wsspec::bench
