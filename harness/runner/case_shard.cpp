#include "harness/runner/case_shard.h"

#include <charconv>

namespace wsspec::runner {
namespace {

// More shards than this is a typo, not a CI matrix.
constexpr unsigned max_shards = 10000;

std::optional<unsigned> parse_number(const std::string& text) {
    unsigned value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<ShardSpec> parse_shard_spec(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const auto index = parse_number(text.substr(0, slash));
    const auto count = parse_number(text.substr(slash + 1));
    if (!index || !count || *index < 1 || *count < 1 || *index > *count || *count > max_shards)
        return std::nullopt;
    return ShardSpec{*index, *count};
}

std::vector<const cases::Case*> shard_of(const std::vector<const cases::Case*>& selected,
                                         ShardSpec shard) {
    std::vector<const cases::Case*> part;
    for (std::size_t k = shard.index - 1; k < selected.size(); k += shard.count)
        part.push_back(selected[k]);
    return part;
}

}  // namespace wsspec::runner
