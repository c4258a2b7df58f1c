// Runs the same worker loop on several threads, the calling thread being one of them:
// how the runners spread cases over -j jobs (the workers take cases from a shared counter).
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace wsspec::runner {

// `jobs` threads (at least 1, at most `work_items` so no thread starts without work) each
// call `worker()`; returns when all have returned.
template <class Worker>
void run_in_parallel(unsigned jobs, std::size_t work_items, Worker&& worker) {
    const std::size_t wanted = std::min<std::size_t>(jobs, work_items);
    const auto threads_wanted = static_cast<unsigned>(std::max<std::size_t>(1, wanted));
    std::vector<std::thread> threads;
    threads.reserve(threads_wanted - 1);
    for (unsigned t = 1; t < threads_wanted; ++t)
        threads.emplace_back([&worker] { worker(); });
    worker();
    for (auto& t : threads)
        t.join();
}

}  // namespace wsspec::runner
