#include "harness/server/agent_results.h"

#include "harness/codec/utf8_validator.h"

namespace wsspec::server {

std::string agent_name_problem(std::string_view agent) {
    if (agent.empty()) return "agent=NAME is required";
    if (agent.size() > max_agent_name_bytes) {
        return "agent name is " + std::to_string(agent.size()) + " bytes long (at most " +
               std::to_string(max_agent_name_bytes) + ")";
    }
    if (!codec::Utf8Validator::is_valid(reinterpret_cast<const std::uint8_t*>(agent.data()),
                                        agent.size())) {
        return "agent name is not valid UTF-8 (percent-encode its UTF-8 bytes)";
    }
    return {};
}

AgentResultBook::AgentResultBook(std::vector<const cases::Case*> cases, std::size_t max_agents)
    : cases_(std::move(cases)), max_agents_(max_agents) {}

bool AgentResultBook::start(const std::string& agent, std::size_t index, Clock::time_point now) {
    auto it = agents_.find(agent);
    if (it == agents_.end()) {
        if (agents_.size() >= max_agents_) {
            ++refused_agents_;
            return false;
        }
        it = agents_.emplace(agent, std::vector<Entry>(cases_.size())).first;
        for (std::size_t i = 0; i < cases_.size(); ++i) {
            it->second[i].outcome.c = cases_[i];
            it->second[i].outcome.index = i + 1;
        }
    }
    Entry& e = it->second.at(index - 1);
    e.running = true;
    e.started = now;
    return true;
}

oracle::CaseOutcome AgentResultBook::finish(const std::string& agent, std::size_t index,
                                            oracle::Observation obs, oracle::Judgement judgement,
                                            Clock::time_point now) {
    Entry& e = agents_.at(agent).at(index - 1);
    e.outcome.obs = std::move(obs);
    e.outcome.judgement = std::move(judgement);
    e.outcome.ran = true;
    e.running = false;
    e.ended = now;
    return e.outcome;
}

const AgentResultBook::Entry* AgentResultBook::find(const std::string& agent,
                                                    std::size_t index) const {
    const auto it = agents_.find(agent);
    if (it == agents_.end() || index == 0 || index > it->second.size()) return nullptr;
    return &it->second[index - 1];
}

AgentResultBook::CaseState AgentResultBook::state(const std::string& agent,
                                                  std::size_t index) const {
    const Entry* e = find(agent, index);
    if (!e) return CaseState::not_started;
    // A re-run shows as running until it finishes again.
    if (e->running) return CaseState::running;
    return e->outcome.ran ? CaseState::done : CaseState::not_started;
}

std::optional<std::string> AgentResultBook::behavior(const std::string& agent,
                                                     std::size_t index) const {
    const Entry* e = find(agent, index);
    if (!e || !e->outcome.ran) return std::nullopt;
    return e->outcome.judgement.behavior;
}

bool AgentResultBook::complete(const std::vector<runner::AgentCaseExclusion>& exclusions) const {
    if (agents_.empty()) return false;
    for (const auto& [agent, entries] : agents_) {
        for (const auto& e : entries) {
            if (e.running) return false;
            if (e.outcome.ran) continue;
            if (!runner::agent_case_excluded(exclusions, agent, e.outcome.c->id)) return false;
        }
    }
    return true;
}

AgentResults AgentResultBook::snapshot() const {
    AgentResults out;
    for (const auto& [agent, entries] : agents_) {
        auto& list = out[agent];
        list.reserve(entries.size());
        for (const auto& e : entries)
            list.push_back(e.outcome);
    }
    return out;
}

std::string AgentResultBook::attribute_crash(Clock::time_point when,
                                             std::chrono::milliseconds window,
                                             const std::string& description) {
    Entry* victim = nullptr;
    for (auto& [agent, entries] : agents_) {
        for (auto& e : entries) {
            const bool at_crash =
                e.running || (e.outcome.ran && e.ended + window >= when && e.started <= when);
            if (at_crash && (!victim || e.started > victim->started)) victim = &e;
        }
    }
    if (!victim || !victim->outcome.ran) return {};
    victim->outcome.obs.peer_crash = description;
    victim->outcome.judgement =
        oracle::judge(*victim->outcome.c, victim->outcome.obs, cases::Role::client);
    return victim->outcome.c->id;
}

}  // namespace wsspec::server
