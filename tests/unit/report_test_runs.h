// Synthetic runs for the report tests: cases and outcomes built in memory, turned into
// wsspec.json documents by the real results_to_json.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/oracle/case_outcome.h"
#include "harness/report/results_json.h"
#include "harness/report/run_info.h"

namespace wsspec::testing {

struct CaseSpec {
    std::string id;
    std::string behavior = "OK";
    std::string behavior_close = "OK";
    bool ran = true;
    std::size_t wire_entries = 4;
};

class SyntheticRun {
  public:
    explicit SyntheticRun(std::string agent) { info_.agent = std::move(agent); }

    SyntheticRun& add(const CaseSpec& spec) {
        cases::Case& c = cases_.emplace_back();
        c.id = spec.id;
        c.description = "Case " + spec.id + " sends <b>\"quoted\"</b> & checks";
        c.rfc = {"RFC 6455 5.2"};
        c.requirement = "The server MUST close the connection.";
        oracle::CaseOutcome o;
        o.c = &c;
        o.index = outcomes_.size() + 1;
        o.ran = spec.ran;
        o.judgement.behavior = spec.behavior;
        o.judgement.behavior_close = spec.behavior_close;
        o.judgement.result = spec.behavior == "OK" ? "echoed" : "did not echo </script>";
        o.judgement.result_close = "close " + spec.behavior_close;
        o.judgement.expected = "echo";
        o.judgement.observed = "nothing";
        o.obs.duration_ms = 12.6;
        o.obs.started = std::chrono::system_clock::now();
        o.obs.close_sent = o.obs.close_received = true;
        o.obs.remote_close_code = 1000;
        o.obs.handshake.completed = true;
        o.obs.handshake.request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        for (std::size_t i = 0; i < spec.wire_entries; ++i) {
            oracle::WireEntry e;
            e.kind = i % 2 ? oracle::WireEntry::Kind::rx_frame : oracle::WireEntry::Kind::tx_frame;
            e.at_ms = static_cast<double>(i);
            e.opcode = 1;
            e.length = 5;
            e.data = "Hello";
            o.obs.wire.push_back(e);
        }
        outcomes_.push_back(std::move(o));
        return *this;
    }

    SyntheticRun& mode(std::string m) {
        info_.mode = std::move(m);
        return *this;
    }

    nlohmann::json json(bool strict = false, bool complete = true,
                        report::WireLogPolicy wire_log = report::WireLogPolicy::excerpt_passing) {
        info_.complete = complete;
        if (info_.mode.empty()) info_.mode = "test-server";
        info_.started = info_.finished = std::chrono::system_clock::now();
        return report::results_to_json(info_, outcomes_, strict, wire_log);
    }

    const std::vector<oracle::CaseOutcome>& outcomes() const { return outcomes_; }
    // The outcome added last, to give it what a hostile peer sent.
    oracle::CaseOutcome& last() { return outcomes_.back(); }

  private:
    report::RunInfo info_;
    std::deque<cases::Case> cases_;  // stable addresses for CaseOutcome::c
    std::vector<oracle::CaseOutcome> outcomes_;
};

}  // namespace wsspec::testing
