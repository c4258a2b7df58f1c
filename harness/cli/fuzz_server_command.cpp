#include "harness/cli/fuzz_server_command.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "harness/cli/catalog_option.h"
#include "harness/cli/fuzz_jobs.h"
#include "harness/cli/fuzz_run_output.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/supervised_server.h"
#include "harness/fuzzer/fuzz_engine.h"
#include "harness/peer/target_url.h"
#include "harness/runner/process_supervisor.h"

namespace wsspec::cli {
namespace {

struct FuzzServerOptions : FuzzRunOptions {
    std::string url;
    std::string exec;
    CatalogOptions catalog;
    std::uint32_t startup_timeout_ms = 10000;
    double raw_rate_s = 0;
};

int run(const FuzzServerOptions& o) {
    const peer::TargetUrl url = peer::parse_target_url(o.url);
    Catalog catalog = load_selected(o.catalog, cases::Role::server);
    // The RFC 8441 cases (h2.*) are about the HTTP/2 layer, which the mutations do not
    // touch: they are no seeds.
    std::erase_if(catalog.selected, [](const cases::Case* c) { return c->h2.has_value(); });
    if (o.jobs > 1) {
        if (!o.exec.empty() || o.raw_rate_s > 0) {
            std::cerr << "wsspec fuzz-server: -j cannot be combined with "
                      << (o.exec.empty() ? "--raw-rate" : "--exec")
                      << " (each worker would start its own server); run several fuzz-server "
                         "--exec on different ports sharing one --corpus instead\n";
            return 2;
        }
        const std::uint64_t seed = o.chosen_seed();
        FuzzJobsSpec spec;
        spec.stop_on_findings = o.max_findings != 0;
        return run_fuzz_jobs(o.jobs, seed, o.report_dir, spec);
    }

    fuzzer::FuzzSettings settings;
    settings.client.url = url;
    settings.client.default_timeout_ms = o.timeout_ms;
    apply_fuzz_run_options(o, settings, &install_interrupt_handler());
    follow_jobs_parent();

    std::unique_ptr<runner::ProcessSupervisor> supervisor;
    if (!o.exec.empty()) {
        supervisor = start_supervised_server(o.exec, url, o.startup_timeout_ms, "fuzz-server");
        if (!supervisor) return 2;
        settings.supervisor = supervisor.get();
    }

    if (o.raw_rate_s > 0) {
        const fuzzer::RawRate raw = fuzzer::measure_raw_rate(settings, o.raw_rate_s);
        std::cout << "raw: " << raw.connections << " connections (connect, handshake, one echo, "
                  << "close) in " << raw.seconds << " s: " << raw.per_second() << "/s"
                  << (raw.failures != 0 ? ", " + std::to_string(raw.failures) + " failed" : "")
                  << "\n";
    }

    const fuzzer::FuzzStats stats = fuzzer::run_fuzzer(catalog.selected, settings);
    if (supervisor) supervisor->stop();
    return finish_fuzz_run(stats, settings, "fuzz-server", url.to_string(),
                           "wsspec test-server " + url.to_string() +
                               (o.exec.empty() ? "" : " --exec '" + o.exec + "'") + " --cases-dir",
                           o.report_dir);
}

}  // namespace

void add_fuzz_server_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand(
        "fuzz-server",
        "Fuzz a live WebSocket server: mutated catalog cases, judged against expectations "
        "derived from the reference codec");
    auto o = std::make_shared<FuzzServerOptions>();
    cmd->add_option("url", o->url, "ws:// URL of the server under test")->required();
    cmd->add_option("--exec", o->exec,
                    "Start the server under test with this shell command and supervise it (a "
                    "crash is a finding; the server is restarted)");
    cmd->add_option("--startup-timeout", o->startup_timeout_ms,
                    "With --exec: ms to wait for the server to accept connections")
        ->capture_default_str();
    add_fuzz_run_options(*cmd, *o, "server");
    cmd->add_option("--raw-rate", o->raw_rate_s,
                    "First measure for this many seconds how many plain connections (connect, "
                    "handshake, one echo, close) the server takes per second, and print it")
        ->check(CLI::Range(0.1, 3600.0));
    cmd->add_option("-j,--jobs", o->jobs,
                    "Worker processes fuzzing the server at once (seeds SEED..SEED+N-1, reports "
                    "in REPORT_DIR/worker-I, merged into REPORT_DIR/fuzz.json; not with --exec)")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    o->catalog.add_to(*cmd);
    cmd->callback([o, cmd, &exit_status] {
        note_given_fuzz_run_options(*cmd, *o);
        exit_status = run(*o);
    });
}

}  // namespace wsspec::cli
