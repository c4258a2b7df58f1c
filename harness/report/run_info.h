// What a run was: the facts every report starts with.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace wsspec::report {

struct RunInfo {
    std::string mode;             // "test-server" or "test-client"
    std::string agent;            // name of the implementation under test
    std::string target;           // URL (server testing) or listen address (client testing)
    std::string catalog_version;  // digest of the case files that ran
    nlohmann::json options = nlohmann::json::object();
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
    bool complete = true;  // false: interrupted (Ctrl-C); the report holds what ran
};

std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace wsspec::report
