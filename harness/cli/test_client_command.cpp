#include "harness/cli/test_client_command.h"

#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "harness/cli/catalog_option.h"
#include "harness/cli/endpoint_option.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/report_options.h"
#include "harness/peer/target_url.h"
#include "harness/report/report_files.h"
#include "harness/report/results_json.h"
#include "harness/runner/autobahn_spec.h"
#include "harness/runner/process_supervisor.h"
#include "harness/server/fuzzing_server.h"

namespace wsspec::cli {
namespace {

// With --exec, a driver that neither connects nor exits for this long is taken as hung.
constexpr std::uint32_t default_exec_idle_s = 30;
constexpr int exit_interrupted = 130;  // harness/cli/main.cpp

struct TestClientOptions {
    std::string listen = "127.0.0.1:9001";
    std::string spec_file;
    CatalogOptions catalog;
    std::uint32_t timeout_ms = 5000;
    std::string agent;
    std::string exec;
    std::string cert_file;  // with key_file: serve wss://
    std::string key_file;
    bool http2 = false;  // RFC 8441: extended CONNECT on HTTP/2 streams (h2c, or h2 with --cert)
    std::optional<std::uint32_t> idle_timeout_s;
    std::size_t max_connections = server::default_max_connections;
    std::uint32_t request_timeout_ms =
        static_cast<std::uint32_t>(server::default_request_timeout.count());
    std::vector<std::string> allowed_origins;
    bool keep_running = false;
    ReportOptions report;
    bool report_dir_given = false;
};

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : ",") + s;
    return out;
}

// The spec's "url" (ws://, wss://, h2c:// or h2://HOST:PORT[/]) as a --listen value; port 0
// picks a free port. wss:// and h2:// need the certificate and key (--cert, --key); h2c://
// and h2:// serve HTTP/2 (as --http2 does).
std::string listen_address_of(const std::string& url, bool have_certificate, bool& http2) {
    const auto scheme_end = url.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    if (scheme != "ws" && scheme != "wss" && scheme != "h2c" && scheme != "h2") {
        throw CLI::ValidationError(
            "--spec", "url must be ws://, wss://, h2c:// or h2://HOST:PORT, got '" + url + "'");
    }
    const bool tls = scheme == "wss" || scheme == "h2";
    http2 = http2 || scheme == "h2c" || scheme == "h2";
    if (tls != have_certificate) {
        throw CLI::ValidationError(
            "--spec", tls ? "url is " + scheme + "://, which needs --cert and --key"
                          : "url is " + scheme + "://, but --cert and --key were given");
    }
    std::string host_port = url.substr(scheme_end + 3);
    host_port = host_port.substr(0, host_port.find('/'));
    const auto colon = host_port.rfind(':');
    const auto bracket = host_port.rfind(']');  // [::1]:9001
    const bool has_port =
        colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    return has_port ? host_port : host_port + ":80";
}

// The reports of every agent, in one set of files (Autobahn's index.json keeps every
// agent; wsspec.json then holds one run per agent). Returns the worst exit status.
int write_reports(const ReportOptions& options, const report::RunInfo& info,
                  const server::AgentResults& results, bool color) {
    std::vector<AgentRun> agents;
    for (const auto& [agent, outcomes] : results) {
        AgentRun run{info, &outcomes};
        run.info.agent = agent;
        agents.push_back(std::move(run));
    }
    return finish_runs(options, agents, color);
}

// /updateReports: write the files now, without printing the summary (that comes at the
// end of the run). finish_run prints to std::cout, so that is silenced meanwhile.
void write_reports_quietly(const ReportOptions& base, const report::RunInfo& info,
                           const server::AgentResults& results) {
    std::ostringstream sink;
    std::streambuf* old = std::cout.rdbuf(sink.rdbuf());
    try {
        write_reports(base, info, results, false);
    } catch (...) {
        std::cout.rdbuf(old);
        throw;
    }
    std::cout.rdbuf(old);
}

// Over HTTP/2 (RFC 8441) the cases that answer with their own HTTP/1.1 response (hsc.*: the
// 101's header fields, status lines, raw heads) are left out.
bool writes_http1_response(const cases::Case& c) {
    return c.handshake_response || c.id.starts_with("hsc.");
}

// RFC 8441 cases (h2cl.*) need an HTTP/2 connection: over HTTP/1.1 they are left out.
bool needs_http2(const cases::Case& c) {
    return c.h2 || c.h2_response;
}

// Every selected case, not run.
std::vector<oracle::CaseOutcome> not_run(const Catalog& catalog) {
    std::vector<oracle::CaseOutcome> outcomes;
    for (std::size_t i = 0; i < catalog.selected.size(); ++i) {
        oracle::CaseOutcome out;
        out.c = catalog.selected[i];
        out.index = i + 1;
        outcomes.push_back(std::move(out));
    }
    return outcomes;
}

int run(TestClientOptions o) {
    std::vector<runner::AgentCaseExclusion> exclude_agent_cases;
    if (!o.spec_file.empty()) {
        const runner::AutobahnSpec spec = runner::load_autobahn_spec(o.spec_file);
        if (!spec.servers.empty()) {
            throw runner::SpecError(o.spec_file +
                                    ": /servers: a fuzzingclient key (servers to test); "
                                    "use it with wsspec test-server --spec");
        }
        if (spec.url) o.listen = listen_address_of(*spec.url, !o.cert_file.empty(), o.http2);
        if (spec.cases) o.catalog.include = join(*spec.cases);
        if (!spec.exclude_cases.empty()) {
            o.catalog.exclude = o.catalog.exclude.empty()
                                    ? join(spec.exclude_cases)
                                    : o.catalog.exclude + "," + join(spec.exclude_cases);
        }
        if (spec.outdir && !o.report_dir_given) o.report.report_dir = *spec.outdir;
        exclude_agent_cases = spec.exclude_agent_cases;
        for (const auto& key : spec.ignored_keys) {
            std::cerr << "wsspec test-client: " << o.spec_file << ": \"" << key
                      << "\" has no effect in wsspec (ignored)\n";
        }
    }
    const Endpoint endpoint = parse_endpoint(o.listen, "--listen");
    Catalog catalog = load_selected(o.catalog, cases::Role::client);
    std::vector<std::string> skipped;
    std::string skip_reason;
    if (o.http2) {
        // RFC 8441: over HTTP/2 the opening handshake is an extended CONNECT and its 200; the
        // cases that answer with their own HTTP/1.1 response have no meaning there.
        catalog.selected = leave_out(catalog.selected, writes_http1_response, skipped);
        skip_reason =
            "WebSockets over HTTP/2 (RFC 8441): these cases answer with their own HTTP/1.1 "
            "response, which the extended CONNECT's 200 replaces";
        if (!skipped.empty()) {
            std::cout << "wsspec test-client: HTTP/2 (RFC 8441): " << skipped.size()
                      << " cases that answer with an HTTP/1.1 response are skipped ("
                      << skipped.front() << " ... " << skipped.back() << ")\n";
        }
    } else {
        catalog.selected = leave_out(catalog.selected, needs_http2, skipped);
        skip_reason =
            "an HTTP/1.1 listener: these cases are about WebSockets over HTTP/2 (RFC 8441); "
            "run them with --http2";
        if (!skipped.empty()) {
            std::cout << "wsspec test-client: HTTP/1.1: " << skipped.size()
                      << " cases about WebSockets over HTTP/2 (RFC 8441) are skipped ("
                      << skipped.front() << " ... " << skipped.back()
                      << "); run them with --http2\n";
        }
    }
    const auto shard = shard_record(o.report, catalog.selected);
    catalog.selected = apply_shard(o.report, catalog.selected);
    std::filesystem::create_directories(o.report.report_dir);

    const std::atomic<bool>& interrupted = install_interrupt_handler();
    ProgressPrinter progress(std::cout, stdout_is_tty(), o.report.quiet, o.report.strict);
    // Progress counts each agent's cases once (a case run again is not progress) out of
    // the selected cases times the agents seen so far.
    std::set<std::pair<std::string, std::size_t>> cases_done;
    std::set<std::string> agents_seen;

    report::RunInfo info;
    info.mode = "test-client";
    info.catalog_version = catalog.version;
    info.shard = shard;
    info.options = {{"cases", o.catalog.include},
                    {"exclude", o.catalog.exclude},
                    {"timeout_ms", o.timeout_ms},
                    {"strict", o.report.strict},
                    {"exec", o.exec}};
    if (o.report.full_wire_log) info.options["full_wire_log"] = true;
    if (o.http2) info.options["http2"] = true;
    if (!skipped.empty()) info.options["skipped"] = {{"cases", skipped}, {"reason", skip_reason}};
    info.started = std::chrono::system_clock::now();

    std::unique_ptr<runner::ProcessSupervisor> driver;
    std::string driver_error;
    // The driver is also stopped by a second Ctrl-C, from the interrupt's own thread.
    std::mutex driver_mutex;
    server::FuzzingServerOptions options;
    if (!o.cert_file.empty()) {
        try {
            options.tls = peer::make_server_tls_context(o.cert_file, o.key_file);
        } catch (const std::exception& e) {
            std::cerr << "wsspec test-client: " << e.what() << "\n";
            return 2;
        }
    }
    if (o.http2 && options.tls) peer::select_alpn(*options.tls, "h2");  // RFC 9113 3.2
    options.http2 = o.http2;
    options.host = endpoint.host;
    options.port = endpoint.port;
    options.cases = catalog.selected;
    options.exclude_agent_cases = exclude_agent_cases;
    options.case_settings.default_timeout_ms = o.timeout_ms;
    options.stop_when_complete = !o.keep_running;
    options.idle_timeout =
        std::chrono::seconds(o.idle_timeout_s.value_or(o.exec.empty() ? 0 : default_exec_idle_s));
    options.max_connections = o.max_connections;
    options.request_timeout = std::chrono::milliseconds(o.request_timeout_ms);
    options.origins.allowed = o.allowed_origins;
    options.on_case_done = [&](const std::string& agent, const oracle::CaseOutcome& outcome) {
        agents_seen.insert(agent);
        cases_done.emplace(agent, outcome.index);
        progress.case_done(outcome, cases_done.size(),
                           catalog.selected.size() * agents_seen.size());
    };
    options.on_warning = [](const std::string& text) {
        std::cerr << "wsspec test-client: " << text << std::endl;
    };
    options.on_update_reports = [&](const server::AgentResults& results) {
        report::RunInfo now = info;
        now.finished = std::chrono::system_clock::now();
        now.complete = false;  // the run goes on
        write_reports_quietly(o.report, now, results);
    };
    options.should_stop = [&] {
        if (interrupted.load()) return true;
        std::lock_guard lock(driver_mutex);
        return driver && driver->exited();
    };
    // One report writer at a time: the final one, or a second Ctrl-C's (which then writes
    // what has finished so far, unless the final reports are already written).
    std::mutex report_mutex;
    bool final_reports_written = false;
    bool emergency_report_written = false;  // then it stands: the process is exiting
    options.on_listening = [&](std::uint16_t port) {
        // The base URL drivers append endpoints to: no path (TargetUrl brackets IPv6).
        const std::string url =
            peer::TargetUrl{options.tls != nullptr, endpoint.host, port, "", o.http2}.to_string();
        {
            std::lock_guard lock(report_mutex);
            info.target = url;
        }
        std::cout << "wsspec test-client: listening on " << url << "/ (" << catalog.selected.size()
                  << " cases)" << std::endl;
        if (o.exec.empty()) return;
        std::string command = o.exec;
        for (auto at = command.find("{url}"); at != std::string::npos; at = command.find("{url}"))
            command.replace(at, 5, url);
        const auto dir = std::filesystem::path(o.report.report_dir);
        // No port to wait for (the driver connects to us); stdout to its log, the last
        // stderr lines kept for the report of a crash.
        runner::SupervisorSettings settings;
        settings.command = command;
        settings.env = {{"WSSPEC_URL", url}};
        settings.stdout_log = dir / "driver-stdout.log";
        settings.stderr_log = dir / "driver-stderr.log";
        settings.keep_stdout = false;
        settings.kept_lines = 20;
        settings.stop_grace = std::chrono::milliseconds(2000);
        try {
            auto process = std::make_unique<runner::ProcessSupervisor>(std::move(settings));
            process->start();
            std::lock_guard lock(driver_mutex);
            driver = std::move(process);
        } catch (const std::exception& e) {
            driver_error = e.what();
        }
    };
    if (!o.exec.empty()) {
        // The driver starts from on_listening; a start failure stops the server at once.
        auto base_stop = options.should_stop;
        options.should_stop = [&, base_stop] { return !driver_error.empty() || base_stop(); };
    }

    server::FuzzingServer fuzzing_server(options);
    const EmergencyReport emergency([&]() -> std::string {
        std::lock_guard lock(report_mutex);
        if (final_reports_written) return "reports: " + o.report.report_dir;
        report::RunInfo now = info;
        now.finished = std::chrono::system_clock::now();
        now.complete = false;
        server::AgentResults results = fuzzing_server.results();
        if (results.empty()) results[o.agent.empty() ? "unknown" : o.agent] = not_run(catalog);
        std::vector<nlohmann::json> runs;
        for (const auto& [agent, outcomes] : results) {
            now.agent = agent;
            runs.push_back(
                report::results_to_json(now, outcomes, o.report.strict, o.report.wire_log()));
        }
        report::write_reports(runs, o.report.report_dir, parse_formats(o.report.formats));
        emergency_report_written = true;
        // The driver runs in its own process group, which a terminal's Ctrl-C does not
        // reach; it must not outlive us.
        std::lock_guard driver_lock(driver_mutex);
        if (driver) driver->stop();
        return "partial report (" + std::to_string(runs.size()) +
               " agent(s)): " + o.report.report_dir;
    });
    std::string why;
    try {
        why = fuzzing_server.run();
    } catch (const boost::system::system_error& e) {
        std::cerr << "wsspec test-client: cannot listen on " << o.listen << ": "
                  << e.code().message() << "\n";
        return 2;
    }
    progress.finish();
    const server::FuzzingServerCounts counts = fuzzing_server.counts();
    if (counts.refused_busy + counts.refused_no_resources + counts.refused_origin +
            counts.refused_agents + counts.request_timeouts >
        0) {
        std::cerr << "wsspec test-client: refused " << counts.refused_busy
                  << " connection(s) over --max-connections " << o.max_connections << ", "
                  << counts.refused_no_resources << " for lack of resources, "
                  << counts.refused_origin << " for their Origin, " << counts.refused_agents
                  << " new agent(s) over the limit; closed " << counts.request_timeouts
                  << " without a request within --request-timeout\n";
    }
    if (!driver_error.empty()) {
        std::cerr << "wsspec test-client: " << driver_error << "\n";
        return 2;
    }
    std::unique_lock driver_lock(driver_mutex);
    if (driver && driver->exited()) {
        why = "the driver " + driver->describe_exit();
        if (driver->crashed()) {
            std::string tail;
            for (const auto& line : driver->last_lines())
                tail += "\n  " + line;
            const std::string crash = "the client driver " + driver->describe_exit() +
                                      (tail.empty() ? "" : "; last stderr lines:" + tail);
            const std::string id = fuzzing_server.attribute_crash(driver->exit_time(), crash);
            std::cerr << "wsspec test-client: " << crash << "\n";
            if (!id.empty()) std::cerr << "wsspec test-client: case " << id << " FAILED by it\n";
        }
    } else if (driver) {
        driver->stop();
    }
    const bool have_driver = driver != nullptr;
    driver_lock.unlock();
    if (interrupted.load()) why = "interrupted";
    std::cout << "wsspec test-client: stopped (" << why << ")\n";
    if (have_driver) {
        std::cout << "driver output: "
                  << (std::filesystem::path(o.report.report_dir) / "driver-*.log").string() << "\n";
    }

    std::lock_guard report_lock(report_mutex);
    // A second Ctrl-C wrote them (as of that moment) and is ending the process.
    if (emergency_report_written) return exit_interrupted;
    info.finished = std::chrono::system_clock::now();
    info.complete = !interrupted.load();
    server::AgentResults results = fuzzing_server.results();
    // No client ran a case: report every case as not run under the given name.
    if (results.empty()) results[o.agent.empty() ? "unknown" : o.agent] = not_run(catalog);
    int status = write_reports(o.report, info, results, progress.color());
    final_reports_written = true;
    std::size_t not_run = 0;
    for (const auto& [agent, outcomes] : results) {
        for (const auto& out : outcomes) {
            if (!out.ran && !runner::agent_case_excluded(exclude_agent_cases, agent, out.c->id))
                ++not_run;
        }
    }
    if (not_run > 0 && status == 0) {
        std::cout << "wsspec test-client: " << not_run
                  << " case(s) were never run by the client; failing the run\n";
        status = 1;
    }
    return status;
}

}  // namespace

void add_test_client_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand(
        "test-client",
        "Act as the server for a WebSocket client under test (Autobahn fuzzingserver endpoints)");
    auto o = std::make_shared<TestClientOptions>();
    cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    cmd->add_option("--spec", o->spec_file,
                    "Autobahn fuzzingserver spec file (url, cases, exclude-cases, "
                    "exclude-agent-cases, outdir)")
        ->check(CLI::ExistingFile);
    o->catalog.add_to(*cmd);
    cmd->add_option("--timeout", o->timeout_ms,
                    "Default per-case timeout in ms (cases may set their own)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600000));
    cmd->add_option("--agent", o->agent, "Agent name for the report if no client ran a case");
    cmd->add_option("--exec", o->exec,
                    "Start this client driver (/bin/sh -c; {url} and $WSSPEC_URL are the server "
                    "URL), stop when it exits; a crash fails the running case");
    auto* cert = cmd->add_option("--cert", o->cert_file,
                                 "Serve wss://: certificate chain (PEM) for the TLS handshake")
                     ->check(CLI::ExistingFile);
    auto* key = cmd->add_option("--key", o->key_file, "Serve wss://: private key (PEM) of --cert")
                    ->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    cmd->add_flag("--http2", o->http2,
                  "Serve WebSockets over HTTP/2 (RFC 8441): h2c with prior knowledge, or h2 over "
                  "TLS agreed by ALPN with --cert/--key; each extended CONNECT's :path is an "
                  "endpoint as over HTTP/1.1 (/runCase?case=N&agent=A, ...)");
    cmd->add_option("--idle-timeout", o->idle_timeout_s,
                    "Stop after this many seconds without any connection (default: 30 with "
                    "--exec, never without)");
    cmd->add_option("--max-connections", o->max_connections,
                    "Connections served at a time; more are refused with 503 (each is a thread "
                    "and three file descriptors)")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--request-timeout", o->request_timeout_ms,
                    "Time in ms a client has to complete its TLS handshake and send its request; "
                    "an idle connection is closed then")
        ->capture_default_str()
        ->check(CLI::Range(100, 3600000));
    cmd->add_option("--allowed-origin", o->allowed_origins,
                    "Also accept WebSocket handshakes with this Origin (repeatable; '*' for any). "
                    "By default only clients without Origin (non-browsers) and local pages "
                    "(http(s)://localhost, 127.0.0.1, [::1], any port) are served")
        ->allow_extra_args(false);
    cmd->add_flag("--keep-running", o->keep_running,
                  "Keep serving after every agent has run every case (stop with /stopServer or "
                  "Ctrl-C)");
    o->report.add_to(*cmd);
    cmd->callback([o, cmd, &exit_status] {
        o->report_dir_given = cmd->count("--report-dir") > 0;
        exit_status = run(*o);
    });
}

}  // namespace wsspec::cli
