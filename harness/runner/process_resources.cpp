#include "harness/runner/process_resources.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace wsspec::runner {
namespace {

// The process group of `pid` from /proc/PID/stat (proc(5): field 5, after the command name,
// which is in parentheses and may itself hold spaces and parentheses).
pid_t group_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return -1;
    const auto close = line.rfind(')');
    if (close == std::string::npos) return -1;
    char state = 0;
    int ppid = 0, pgrp = -1;
    if (std::sscanf(line.c_str() + close + 1, " %c %d %d", &state, &ppid, &pgrp) != 3) return -1;
    return pgrp;
}

bool read_rss(pid_t pid, std::uint64_t& bytes) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/statm");
    std::uint64_t size = 0, resident = 0;
    if (!(in >> size >> resident)) return false;
    bytes = resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    return true;
}

std::size_t count_fds(pid_t pid) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return 0;
    std::size_t n = 0;
    while (const dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') ++n;
    }
    ::closedir(d);
    return n;
}

}  // namespace

void ProcessGroupSampler::reset(pid_t group) {
    group_ = group;
    members_.clear();
    since_rescan_ = rescan_every;  // scan on the next sample
}

void ProcessGroupSampler::rescan() {
    members_.clear();
    since_rescan_ = 0;
    if (group_ <= 0) return;
    DIR* d = ::opendir("/proc");
    if (d == nullptr) return;
    while (const dirent* e = ::readdir(d)) {
        char* end = nullptr;
        const long pid = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0') continue;
        if (group_of(static_cast<pid_t>(pid)) == group_)
            members_.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(d);
}

ResourceUsage ProcessGroupSampler::sample() {
    if (++since_rescan_ >= rescan_every) rescan();
    ResourceUsage u;
    for (int attempt = 0; attempt < 2; ++attempt) {
        u = {};
        bool gone = false;
        for (const pid_t pid : members_) {
            std::uint64_t rss = 0;
            if (!read_rss(pid, rss)) {
                gone = true;
                continue;
            }
            u.rss_bytes += rss;
            u.fds += count_fds(pid);
            ++u.processes;
        }
        if (!gone && !members_.empty()) break;
        rescan();
    }
    return u;
}

}  // namespace wsspec::runner
