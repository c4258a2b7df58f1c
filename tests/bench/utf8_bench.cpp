// UTF-8 validation of whole messages: wsspec's incremental Utf8Validator (feed + complete)
// against Boost.Beast's check_utf8 and simdjson::validate_utf8 called directly (the
// ceiling for bulk text: our validator uses it for runs above 64 bytes).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <boost/beast/websocket/detail/utf8_checker.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/codec/utf8_validator.h"
#include "tests/bench/bench_payloads.h"

namespace wsspec::bench {
namespace {

// Short messages are validated in batches of distinct messages, so the branch predictor
// cannot learn a single one and the per-message call overhead is what gets measured.
constexpr std::size_t short_batch = 256;

using Validate = bool (*)(const std::string&);

bool ours(const std::string& s) {
    codec::Utf8Validator v;
    return v.feed(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()) && v.complete();
}

bool beast(const std::string& s) {
    return boost::beast::websocket::detail::check_utf8(s.data(), s.size());
}

bool simdjson_direct(const std::string& s) {
    return simdjson::validate_utf8(s.data(), s.size());
}

void bm_validate(benchmark::State& state, Validate validate,
                 const std::vector<std::string>* messages) {
    std::size_t bytes = 0;
    for (const std::string& m : *messages) {
        if (!validate(m)) {
            state.SkipWithError("input rejected as invalid UTF-8");
            return;
        }
        bytes += m.size();
    }
    for (auto _ : state) {
        for (const std::string& m : *messages) {
            bool ok = validate(m);
            benchmark::DoNotOptimize(ok);
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages->size()));
}

struct Utf8Case {
    std::string name;
    std::vector<std::string> messages;
};

const std::vector<Utf8Case>& utf8_cases() {
    static const std::vector<Utf8Case> all = [] {
        std::vector<Utf8Case> v;
        v.push_back({"ascii_1MiB", {ascii_text(mib)}});
        v.push_back({"mixed_1MiB", {mixed_text(mib)}});
        v.push_back({"json_1MiB", {json_text(mib)}});
        v.push_back({"short_16B", short_messages(16, short_batch)});
        v.push_back({"short_64B", short_messages(64, short_batch)});
        v.push_back({"short_200B", short_messages(200, short_batch)});
        return v;
    }();
    return all;
}

const bool registered = [] {
    for (const Utf8Case& c : utf8_cases()) {
        benchmark::RegisterBenchmark(("utf8/ours/" + c.name).c_str(), bm_validate, ours,
                                     &c.messages);
        benchmark::RegisterBenchmark(("utf8/beast/" + c.name).c_str(), bm_validate, beast,
                                     &c.messages);
        benchmark::RegisterBenchmark(("utf8/simdjson/" + c.name).c_str(), bm_validate,
                                     simdjson_direct, &c.messages);
    }
    return true;
}();

}  // namespace
}  // namespace wsspec::bench
