#include "harness/cli/fuzz_client_command.h"

#include <atomic>
#include <future>
#include <iostream>
#include <random>
#include <thread>

#include "harness/cli/catalog_option.h"
#include "harness/cli/endpoint_option.h"
#include "harness/cli/fuzz_jobs.h"
#include "harness/cli/fuzz_run_output.h"
#include "harness/cli/interrupt.h"
#include "harness/fuzzer/case_handoff.h"
#include "harness/fuzzer/fuzz_engine.h"
#include "harness/peer/target_url.h"
#include "harness/runner/process_supervisor.h"
#include "harness/server/fuzzing_server.h"

namespace wsspec::cli {
namespace {

// What /getCaseCount answers: a driver loop runs that many cases, more than any run needs
// (when the fuzzer is done, the server stops and the driver with it).
constexpr std::size_t advertised_cases = 1000000;
// A client that takes this long to connect for its next input is told of: it slows the run
// (a driver waiting out a close timeout, a stuck connection).
constexpr std::chrono::milliseconds slow_connect{3000};

struct FuzzClientOptions : FuzzRunOptions {
    std::string listen = "127.0.0.1:9001";
    std::string exec;
    CatalogOptions catalog;
    // A driver loop starts its next case once its client has closed the last one, and a
    // client that failed a connection may wait out its close timeout for our TCP close
    // first (RFC 6455 7.1.1; python-websockets: twice 10 s when data it stopped reading
    // hides our FIN).
    std::uint32_t connect_wait_ms = 30000;
};

int run(const FuzzClientOptions& o) {
    const Endpoint endpoint = parse_endpoint(o.listen, "--listen");
    Catalog catalog = load_selected(o.catalog, cases::Role::client);
    // The RFC 8441 cases (h2cl.*) are about the HTTP/2 layer, which the mutations do not
    // touch: they are no seeds.
    std::erase_if(catalog.selected,
                  [](const cases::Case* c) { return c->h2_response.has_value(); });
    if (o.jobs > 1) {
        // Each worker listens on a port of its own (PORT+i, or any free one) and starts its
        // own driver there: one driver loop cannot feed several listeners.
        if (o.exec.empty()) {
            std::cerr << "wsspec fuzz-client: -j needs --exec (each worker starts its own "
                         "driver on its own port)\n";
            return 2;
        }
        if (endpoint.port != 0 && endpoint.port + o.jobs - 1 > 65535) {
            std::cerr << "wsspec fuzz-client: -j " << o.jobs << " needs ports " << endpoint.port
                      << "-" << endpoint.port + o.jobs - 1 << ", past 65535\n";
            return 2;
        }
        FuzzJobsSpec spec;
        spec.command = "fuzz-client";
        spec.stop_on_findings = o.max_findings != 0;
        spec.own_option_names = {"--listen"};
        spec.own_options = [endpoint](std::size_t i) {
            const std::string host = endpoint.host.find(':') != std::string::npos
                                         ? "[" + endpoint.host + "]"
                                         : endpoint.host;
            const unsigned port = endpoint.port == 0 ? 0 : endpoint.port + static_cast<unsigned>(i);
            return std::vector<std::string>{"--listen", host + ":" + std::to_string(port)};
        };
        return run_fuzz_jobs(o.jobs, o.chosen_seed(), o.report_dir, spec);
    }

    const std::atomic<bool>& interrupted = install_interrupt_handler();
    follow_jobs_parent();
    // The engine's own clock starts a little later (after the seeds are made) and decides
    // when the run ends; this one only keeps the handoff from waiting past it.
    constexpr double run_end_margin_s = 5;
    const auto run_ends =
        std::chrono::steady_clock::now() +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(o.runs_given ? 31536000.0 : o.time_s + run_end_margin_s));
    // The handoff gives up waiting for the client when the run is over, and when the
    // supervised driver has exited (the engine then tells a crash from the loop's end).
    std::unique_ptr<runner::ProcessSupervisor> driver;
    fuzzer::CaseHandoff handoff([&] {
        return interrupted.load() || std::chrono::steady_clock::now() >= run_ends ||
               (driver && !driver->running());
    });
    std::atomic<bool> done{false};
    server::FuzzingServerOptions options;
    options.host = endpoint.host;
    options.port = endpoint.port;
    options.case_settings.default_timeout_ms = o.timeout_ms;
    options.stop_when_complete = false;
    options.dynamic_case_count = advertised_cases;
    options.take_case = [&] { return handoff.take(options.request_timeout); };
    options.case_observed = [&](std::uint64_t ticket, oracle::Observation obs) {
        handoff.finish(ticket, std::move(obs));
    };
    options.should_stop = [&] { return done.load(); };
    options.on_warning = [](const std::string& text) {
        std::cerr << "wsspec fuzz-client: " << text << std::endl;
    };
    std::promise<std::string> listening;  // the URL, or why not
    options.on_listening = [&](std::uint16_t port) {
        listening.set_value(peer::TargetUrl{false, endpoint.host, port, ""}.to_string());
    };
    server::FuzzingServer fuzzing_server(options);
    std::string listen_error;
    std::thread server_thread([&] {
        try {
            fuzzing_server.run();
        } catch (const std::exception& e) {
            listen_error = e.what();
            try {
                listening.set_value("");
            } catch (const std::future_error&) {
            }
        }
    });
    const auto stop_server = [&] {
        done = true;
        handoff.close();
        if (server_thread.joinable()) server_thread.join();
    };
    const std::string url = listening.get_future().get();
    if (url.empty()) {
        stop_server();
        std::cerr << "wsspec fuzz-client: cannot listen on " << o.listen << ": " << listen_error
                  << "\n";
        return 2;
    }
    std::cout << "wsspec fuzz-client: listening on " << url << "/" << std::endl;

    fuzzer::FuzzSettings settings;
    settings.peer = cases::Role::client;
    settings.limits.sender = cases::Role::server;
    settings.run_case = [&](const cases::Case& c) {
        oracle::Observation obs = handoff.run(c, std::chrono::milliseconds(o.connect_wait_ms));
        const auto waited =
            std::chrono::duration_cast<std::chrono::milliseconds>(handoff.last_connect_wait());
        if (waited >= slow_connect) {
            std::cout << "fuzz-client: the client took " << waited.count()
                      << " ms to connect for an input"
                      << (obs.connect_error.empty() ? "" : " (" + obs.connect_error + ")")
                      << std::endl;
        }
        return obs;
    };
    apply_fuzz_run_options(o, settings, &interrupted);

    if (!o.exec.empty()) {
        std::string command = o.exec;
        for (auto at = command.find("{url}"); at != std::string::npos; at = command.find("{url}"))
            command.replace(at, 5, url);
        runner::SupervisorSettings s;
        s.command = command;
        s.env = {{"WSSPEC_URL", url}};
        s.keep_stdout = false;  // stdout nowhere, the last stderr lines for a crash
        s.kept_lines = 40;
        s.stop_grace = std::chrono::milliseconds(2000);
        driver = std::make_unique<runner::ProcessSupervisor>(std::move(s));
        try {
            driver->start();
        } catch (const std::exception& e) {
            stop_server();
            std::cerr << "wsspec fuzz-client: --exec: " << e.what() << "\n";
            return 2;
        }
        settings.supervisor = driver.get();
    }

    const fuzzer::FuzzStats stats = fuzzer::run_fuzzer(catalog.selected, settings);
    stop_server();
    if (driver) driver->stop();
    return finish_fuzz_run(stats, settings, "fuzz-client", url,
                           "wsspec test-client --listen " + o.listen +
                               (o.exec.empty() ? "" : " --exec '" + o.exec + "'") + " --cases-dir",
                           o.report_dir);
}

}  // namespace

void add_fuzz_client_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand(
        "fuzz-client",
        "Fuzz a live WebSocket client that connects to wsspec (as in test-client): mutated "
        "catalog cases, judged against expectations derived from the reference codec");
    auto o = std::make_shared<FuzzClientOptions>();
    cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    cmd->add_option("--exec", o->exec,
                    "Start this client driver (/bin/sh -c; {url} and $WSSPEC_URL are the server "
                    "URL) and supervise it: a crash is a finding; it is restarted when it exits")
        ->check([](const std::string& v) { return v.empty() ? "empty --exec" : ""; });
    add_fuzz_run_options(*cmd, *o, "client");
    cmd->add_option("--connect-wait", o->connect_wait_ms,
                    "ms to wait for the client to connect for the next input (then it is a "
                    "liveness finding)")
        ->capture_default_str()
        ->check(CLI::Range(100, 600000));
    cmd->add_option("-j,--jobs", o->jobs,
                    "Worker processes at once, each listening on PORT+I (or any free port) with "
                    "its own --exec driver (seeds SEED..SEED+N-1, reports in "
                    "REPORT_DIR/worker-I, merged into REPORT_DIR/fuzz.json; needs --exec)")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    o->catalog.add_to(*cmd);
    cmd->callback([o, cmd, &exit_status] {
        note_given_fuzz_run_options(*cmd, *o);
        exit_status = run(*o);
    });
}

}  // namespace wsspec::cli
