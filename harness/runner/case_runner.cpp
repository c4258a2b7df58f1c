#include "harness/runner/case_runner.h"

#include <chrono>
#include <mutex>
#include <thread>

#include "harness/runner/run_in_parallel.h"

namespace wsspec::runner {
namespace {

// Once judged, a case keeps only the start of each payload (reports show a prefix), so a
// run of many large messages does not hold them all in memory.
constexpr std::size_t kept_payload_bytes = 1024;
// A server releases what a connection used once it sees the connection end, a little after
// the case's last octet: sample its resources after this.
constexpr auto resource_settle = std::chrono::milliseconds(100);

void trim_payloads(oracle::Observation& obs) {
    for (auto& e : obs.events) {
        if (e.payload.size() > kept_payload_bytes) {
            e.payload.resize(kept_payload_bytes);
            e.payload.shrink_to_fit();
        }
    }
}

}  // namespace

std::vector<oracle::CaseOutcome> run_server_cases(const std::vector<const cases::Case*>& selected,
                                                  const ServerRunSettings& settings,
                                                  const RunHooks& hooks) {
    std::vector<oracle::CaseOutcome> outcomes(selected.size());
    for (std::size_t i = 0; i < selected.size(); ++i) {
        outcomes[i].c = selected[i];
        outcomes[i].index = i + 1;
    }
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex hook_mutex;  // hooks and progress run one at a time

    const auto worker = [&] {
        for (;;) {
            if (settings.stop && settings.stop->load()) return;
            const std::size_t i = next.fetch_add(1);
            if (i >= outcomes.size()) return;
            oracle::CaseOutcome& out = outcomes[i];
            if (hooks.before_case) {
                std::lock_guard lock(hook_mutex);
                hooks.before_case();
            }
            std::optional<ResourceUsage> before;
            const bool sample = out.c->resource_limits && hooks.sample_resources;
            if (sample) {
                std::lock_guard lock(hook_mutex);
                before = hooks.sample_resources();
            }
            out.obs = peer::run_case_as_client(*out.c, settings.client);
            if (sample && before) {
                std::this_thread::sleep_for(resource_settle);
                std::lock_guard lock(hook_mutex);
                if (const auto after = hooks.sample_resources()) {
                    out.obs.resources = oracle::ResourceSample{before->rss_bytes, after->rss_bytes,
                                                               before->fds, after->fds};
                }
            }
            if (hooks.after_case) {
                std::lock_guard lock(hook_mutex);
                if (auto crash = hooks.after_case(out.obs)) out.obs.peer_crash = std::move(crash);
            }
            out.judgement = oracle::judge(*out.c, out.obs, cases::Role::server);
            trim_payloads(out.obs);
            out.ran = true;
            std::lock_guard lock(hook_mutex);
            ++done;
            if (hooks.on_done) hooks.on_done(out, done, outcomes.size());
        }
    };
    run_in_parallel(settings.jobs, outcomes.size(), worker);
    return outcomes;
}

}  // namespace wsspec::runner
