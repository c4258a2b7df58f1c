// What a supervised process group holds: resident memory and open file descriptors, summed
// over its processes (the shell --exec starts, the server it runs, any workers), read from
// /proc. The live fuzzer's resource oracle samples this after every input; a server that
// keeps memory or descriptors for good on some input grows past a limit.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wsspec::runner {

struct ResourceUsage {
    std::uint64_t rss_bytes = 0;
    std::size_t fds = 0;
    std::size_t processes = 0;  // 0: the group has no process (or /proc cannot be read)
};

class ProcessGroupSampler {
  public:
    // `group`: the process group id (ProcessSupervisor::process_group()).
    explicit ProcessGroupSampler(pid_t group = 0) { reset(group); }
    void reset(pid_t group);
    // Members are found by scanning /proc now and then (every `rescan_every` samples, and
    // when one has gone); each sample reads only their statm and fd directories.
    ResourceUsage sample();

  private:
    void rescan();
    pid_t group_ = 0;
    std::vector<pid_t> members_;
    std::size_t since_rescan_ = 0;
    static constexpr std::size_t rescan_every = 64;
};

}  // namespace wsspec::runner
