#include "tests/bench/bench_payloads.h"

#include <array>
#include <cstdint>
#include <random>
#include <string_view>

namespace wsspec::bench {
namespace {

bool is_continuation(char c) {
    return (static_cast<std::uint8_t>(c) & 0xC0) == 0x80;
}

// Truncates to at most `size` bytes without splitting a code point, then pads with spaces.
std::string fit(std::string text, std::size_t size) {
    if (text.size() > size) {
        std::size_t cut = size;
        while (cut > 0 && is_continuation(text[cut]))
            --cut;
        text.resize(cut);
    }
    text.append(size - text.size(), ' ');
    return text;
}

}  // namespace

std::string ascii_text(std::size_t size) {
    static constexpr std::array<std::string_view, 12> words = {
        "the",  "quick", "brown", "fox",       "jumps", "over",
        "lazy", "dog",   "frame", "websocket", "mask",  "payload,"};
    std::mt19937 rng(1);
    std::string out;
    out.reserve(size + 16);
    while (out.size() < size) {
        out += words[rng() % words.size()];
        out += rng() % 16 == 0 ? ".\n" : " ";
    }
    return fit(std::move(out), size);
}

std::string mixed_text(std::size_t size) {
    static constexpr std::array<std::string_view, 12> words = {
        "κόσμε", "Ελληνικά", "Привет", "мир",    // 2-byte
        "你好",  "世界",     "日本語", "€100",   // 3-byte
        "😀🎉",    "𝄞𝄢",       "🚀✨🌍",    "𐍈𐌰𐌽𐍃"};  // 4-byte (and one 3-byte)
    std::mt19937 rng(2);
    std::string out;
    out.reserve(size + 32);
    while (out.size() < size) {
        out += words[rng() % words.size()];
        out += ' ';
    }
    return fit(std::move(out), size);
}

std::string json_text(std::size_t size) {
    static constexpr std::array<std::string_view, 6> names = {"Zoë",    "José", "Ødegaard",
                                                              "Jürgen", "李雷", "Renée"};
    static constexpr std::array<std::string_view, 6> texts = {
        "see you at the café",  "ok 👍",    "price is 20 €",
        "naïve question: why?", "ship it", "größer als gestern"};
    std::mt19937 rng(3);
    std::string out;
    out.reserve(size + 256);
    out += '[';
    for (std::uint32_t id = 0; out.size() < size; ++id) {
        out += "{\"id\":";
        out += std::to_string(id);
        out += ",\"user\":\"";
        out += names[rng() % names.size()];
        out += "\",\"ts\":";
        out += std::to_string(1700000000 + rng() % 100000);
        out += ",\"text\":\"";
        out += texts[rng() % texts.size()];
        out += "\"},\n";
    }
    return fit(std::move(out), size);
}

std::vector<std::string> short_messages(std::size_t size, std::size_t count) {
    const std::string corpus = json_text(count * (size + 4) + 64);
    std::vector<std::string> out;
    out.reserve(count);
    std::size_t start = 0;
    for (std::size_t i = 0; i < count; ++i) {
        while (is_continuation(corpus[start]))
            ++start;
        out.push_back(fit(corpus.substr(start, size + 4), size));
        start += size;
    }
    return out;
}

}  // namespace wsspec::bench
