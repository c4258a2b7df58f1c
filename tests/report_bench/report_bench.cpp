// Report generation time and size for a 600-case run with wire logs and failures:
// synthesizes the outcomes (most cases with a few dozen wire log entries of 64 random bytes,
// twelve 9.7/9.8 style cases with the 2000-entry maximum, about one case in seven not
// passing), then times every writer into a temporary directory. Prints one line per writer,
// the totals and each floor with PASS or MISS: the whole under 2 s, index.html under 3 MB.
// With --check, exits 1 when a floor is missed. With --out DIR, the reports are written to
// DIR and kept, and DIR/full/wsspec.json holds the same run with every wire log whole
// (--full-wire-log), as input for timing `wsspec report`. Run by tools/bench.sh (section
// bench_reports).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "harness/oracle/case_outcome.h"
#include "harness/report/report_files.h"
#include "harness/report/results_json.h"

namespace {

using namespace wsspec;

constexpr std::size_t case_count = 600;
constexpr std::size_t big_cases = 12;           // Autobahn 9.7.* and 9.8.*
constexpr std::size_t big_wire_entries = 2000;  // ClientSettings::wire_entries
constexpr std::size_t wire_entries = 30;
constexpr std::size_t wire_data_bytes = 64;  // Autobahn's and wsspec's truncation
constexpr double max_total_ms = 2000;
constexpr double max_html_bytes = 3.0 * 1024 * 1024;

std::string random_bytes(std::mt19937& rng, std::size_t n) {
    std::string s(n, '\0');
    for (auto& ch : s)
        ch = static_cast<char>(rng() & 0xFF);
    return s;
}

double time_ms(const std::function<void()>& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

const char* verdict(bool pass) {
    return pass ? "PASS" : "MISS";
}

}  // namespace

int main(int argc, char** argv) {
    bool check = false;
    std::filesystem::path out_dir;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--check") == 0) {
            check = true;
        } else if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_dir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: report_bench [--check] [--out DIR]\n");
            return 2;
        }
    }
    std::mt19937 rng(6455);
    std::deque<cases::Case> catalog;
    std::vector<oracle::CaseOutcome> outcomes;
    std::size_t total_entries = 0;
    for (std::size_t i = 0; i < case_count; ++i) {
        cases::Case& c = catalog.emplace_back();
        const bool big = i >= case_count - big_cases;
        c.id = big ? "9." + std::to_string(7 + (i % 2)) + "." + std::to_string(i % 6 + 1)
                   : std::to_string(i / 60 + 1) + "." + std::to_string(i / 10 % 6 + 1) + "." +
                         std::to_string(i % 10 + 1);
        if (big) c.id += "." + std::to_string(i);
        c.description = "Send a text message with a payload of " + std::to_string(i) +
                        " bytes split into fragments, then a ping, and expect the echo, the "
                        "pong and a clean close with 1000.";
        c.rfc = {"RFC 6455 5.4", "RFC 6455 5.5.2"};
        c.requirement =
            "An endpoint MUST be capable of handling control frames in the middle of a "
            "fragmented message.";
        oracle::CaseOutcome o;
        o.c = &c;
        o.index = i + 1;
        o.ran = true;
        o.judgement.behavior = i % 17 == 0 ? "FAILED" : (i % 23 == 0 ? "NON-STRICT" : "OK");
        o.judgement.behavior_close = i % 31 == 0 ? "WRONG CODE" : "OK";
        o.judgement.result = "Received message(text, 16 bytes) and pong(0 bytes) as expected";
        o.judgement.result_close = "Closed with 1000 by the peer, cleanly";
        o.judgement.expected = "message(text, 16 bytes) \"Hello, world!!!!\", pong(0 bytes)";
        o.judgement.observed = "message(text, 16 bytes) \"Hello, world!!!!\", pong(0 bytes)";
        o.obs.started = std::chrono::system_clock::now();
        o.obs.duration_ms = 3.5 + static_cast<double>(i % 50);
        o.obs.handshake.completed = true;
        o.obs.handshake.request =
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: "
            "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
            "13\r\n\r\n";
        o.obs.handshake.response =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
            "Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        o.obs.close_sent = o.obs.close_received = true;
        o.obs.remote_close_code = 1000;
        o.obs.local_close_code = 1000;
        const std::size_t n = big ? big_wire_entries : wire_entries;
        for (std::size_t k = 0; k < n; ++k) {
            oracle::WireEntry e;
            e.kind = static_cast<oracle::WireEntry::Kind>(k % 4);  // TO, RO, TF, RF
            e.at_ms = static_cast<double>(k) * 0.05;
            e.length = 65536;
            e.data = random_bytes(rng, wire_data_bytes);
            e.opcode = 2;
            e.masked = e.kind == oracle::WireEntry::Kind::tx_frame;
            o.obs.wire.push_back(std::move(e));
        }
        for (int m = 0; m < 3; ++m) {
            oracle::ObservedEvent ev;
            ev.payload = random_bytes(rng, 256);
            ev.size = 65536;
            ev.binary = true;
            o.obs.events.push_back(std::move(ev));
        }
        total_entries += n;
        outcomes.push_back(std::move(o));
    }

    report::RunInfo info;
    info.mode = "test-server";
    info.agent = "report_bench";
    info.target = "ws://127.0.0.1:9001/";
    info.started = info.finished = std::chrono::system_clock::now();

    const bool keep = !out_dir.empty();
    const auto dir = keep ? out_dir
                          : std::filesystem::temp_directory_path() /
                                ("wsspec-report-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::clock_t cpu_start = std::clock();
    std::vector<nlohmann::json> runs;
    const double t_model =
        time_ms([&] { runs.push_back(report::results_to_json(info, outcomes, false)); });
    const auto written = report::write_reports(runs, dir, {true, true, true, true});
    const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    if (keep) {
        const std::vector<nlohmann::json> full = {
            report::results_to_json(info, outcomes, false, report::WireLogPolicy::full)};
        report::write_reports(full, dir / "full", {true, false, false, false});
    } else {
        std::filesystem::remove_all(dir);
    }

    std::printf("report_bench: %zu cases, %zu wire log entries (%zu bytes each)\n", case_count,
                total_entries, wire_data_bytes);
    std::printf("  %-34s %8.1f ms\n", "results model (results_to_json)", t_model);
    double total = t_model;
    std::size_t html_bytes = 0;
    for (const auto& w : written) {
        const std::string name = w.path.filename() == "index.json"
                                     ? "index.json + " + std::to_string(case_count) + " case files"
                                     : w.path.filename().string();
        std::printf("  %-34s %8.1f ms  %7.2f MB\n", name.c_str(), w.ms,
                    static_cast<double>(w.bytes) / (1024 * 1024));
        total += w.ms;
        if (w.path.filename() == "index.html") html_bytes = w.bytes;
    }
    const bool time_ok = total <= max_total_ms;
    const bool html_ok = static_cast<double>(html_bytes) <= max_html_bytes;
    std::printf("report generation: %.1f ms wall, %.1f ms CPU (floor: under %.0f ms) %s\n", total,
                cpu_ms, max_total_ms, verdict(time_ok));
    std::printf("index.html of 600 cases with failures: %.2f MB (floor: under %.0f MB) %s\n",
                static_cast<double>(html_bytes) / (1024 * 1024), max_html_bytes / (1024 * 1024),
                verdict(html_ok));
    if (keep) std::printf("reports kept in %s\n", dir.c_str());
    return check && !(time_ok && html_ok) ? 1 : 0;
}
