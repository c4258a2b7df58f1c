// The fuzzing server's per-agent bookkeeping: for every agent (the ?agent= name a client
// driver gives) which cases it is running and what each finished case did. Plain data and
// decisions, no I/O and no lock (FuzzingServer serializes the calls), so every rule here
// is unit-tested without a socket.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/cases/case.h"
#include "harness/oracle/case_outcome.h"
#include "harness/runner/autobahn_spec.h"

namespace wsspec::server {

using AgentResults = std::map<std::string, std::vector<oracle::CaseOutcome>>;

// Budgets (STYLE 6): what clients can make the server keep. Each agent costs one outcome
// per selected case; its name is stored, reported and part of file names.
inline constexpr std::size_t default_max_agents = 64;
inline constexpr std::size_t max_agent_name_bytes = 512;

// Why an agent name cannot be used ("" when it can): empty, longer than
// max_agent_name_bytes, or not valid UTF-8 (reports are JSON; RFC 8259 8.1).
std::string agent_name_problem(std::string_view agent);

class AgentResultBook {
  public:
    using Clock = std::chrono::steady_clock;

    enum class CaseState { not_started, running, done };

    AgentResultBook(std::vector<const cases::Case*> cases, std::size_t max_agents);

    // Marks case `index` (1-based) running for `agent`, adding the agent if it is new.
    // False when a new agent would exceed max_agents (counted in refused_agents()).
    bool start(const std::string& agent, std::size_t index, Clock::time_point now);
    // Records the finished case and returns its outcome.
    oracle::CaseOutcome finish(const std::string& agent, std::size_t index, oracle::Observation obs,
                               oracle::Judgement judgement, Clock::time_point now);

    CaseState state(const std::string& agent, std::size_t index) const;
    // The verdict of a finished case, nullopt otherwise.
    std::optional<std::string> behavior(const std::string& agent, std::size_t index) const;

    // True when at least one agent exists and every agent has finished every case that
    // `exclusions` do not exclude for it, with none running.
    bool complete(const std::vector<runner::AgentCaseExclusion>& exclusions) const;

    // Every agent's outcomes in case order (ran == false: not run).
    AgentResults snapshot() const;

    // The case running at `when`, or the most recent one that finished within `window`
    // before it, is re-judged with `description` as the peer's crash. Returns its id, or
    // "" when there is none (or it had not finished).
    std::string attribute_crash(Clock::time_point when, std::chrono::milliseconds window,
                                const std::string& description);

    std::size_t agent_count() const { return agents_.size(); }
    std::size_t refused_agents() const { return refused_agents_; }

  private:
    struct Entry {
        oracle::CaseOutcome outcome;
        Clock::time_point started, ended;
        bool running = false;
    };
    const Entry* find(const std::string& agent, std::size_t index) const;

    std::vector<const cases::Case*> cases_;
    std::size_t max_agents_;
    std::map<std::string, std::vector<Entry>> agents_;
    std::size_t refused_agents_ = 0;
};

}  // namespace wsspec::server
