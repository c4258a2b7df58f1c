// `wsspec serve --memory-budget`: what all of a server's connections together may hold for
// the inbound messages they are assembling. Each connection's codec bounds one message
// (--max-message-size), but a thousand connections each sending most of a 64 MiB message
// would hold 64 GiB; past the budget, the connection whose message grows is failed with 1013
// (Try Again Later, "the server is overloaded"), and the others go on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace wsspec::server {

inline constexpr std::uint64_t default_memory_budget = 1ULL << 30;

struct MemoryBudget {
    explicit MemoryBudget(std::uint64_t limit_bytes) : limit(limit_bytes) {}
    const std::uint64_t limit;
    std::atomic<std::uint64_t> held{0};
};

// One connection's part of the budget (thread-safe across connections; one connection's
// calls come from one strand).
class BudgetShare {
  public:
    explicit BudgetShare(std::shared_ptr<MemoryBudget> budget) : budget_(std::move(budget)) {}
    ~BudgetShare() { hold(0); }
    BudgetShare(const BudgetShare&) = delete;
    BudgetShare& operator=(const BudgetShare&) = delete;

    // This connection now holds `bytes`. False when it grew and the total is now past the
    // limit: the caller should give up what it holds (fail the connection).
    bool hold(std::uint64_t bytes) {
        if (!budget_ || bytes == mine_) return true;
        const bool grew = bytes > mine_;
        const std::uint64_t total = grew ? budget_->held.fetch_add(bytes - mine_) + (bytes - mine_)
                                         : budget_->held.fetch_sub(mine_ - bytes) - (mine_ - bytes);
        mine_ = bytes;
        return !grew || total <= budget_->limit;
    }

  private:
    std::shared_ptr<MemoryBudget> budget_;
    std::uint64_t mine_ = 0;
};

}  // namespace wsspec::server
