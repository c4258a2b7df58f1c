// What a run was: the facts every report starts with.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wsspec::report {

// A --shard I/N run records which slice of which selection it ran, so a merge can tell a
// missing shard (and the cases it would have run) from a complete set, and refuse shards
// of different selections.
struct ShardInfo {
    unsigned index = 1;  // 1-based
    unsigned count = 1;
    std::vector<std::string> selected;  // every selected case id before sharding, in order
};

struct RunInfo {
    std::string mode;             // "test-server" or "test-client"
    std::string agent;            // name of the implementation under test
    std::string target;           // URL (server testing) or listen address (client testing)
    std::string catalog_version;  // digest of the case files that ran
    nlohmann::json options = nlohmann::json::object();
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
    bool complete = true;  // false: interrupted (Ctrl-C); the report holds what ran
    std::optional<ShardInfo> shard;
};

std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace wsspec::report
