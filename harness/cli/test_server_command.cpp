#include "harness/cli/test_server_command.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_selection.h"
#include "harness/cli/catalog_option.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/report_options.h"
#include "harness/cli/supervised_server.h"
#include "harness/peer/scripted_client.h"
#include "harness/report/report_files.h"
#include "harness/report/results_json.h"
#include "harness/runner/autobahn_spec.h"

#include <deque>
#include "harness/runner/case_runner.h"
#include "harness/runner/process_supervisor.h"

namespace wsspec::cli {
namespace {

constexpr int exit_interrupted = 130;  // harness/cli/main.cpp
// With --exec: how long the server's exit may take to show after it dropped a connection.
constexpr auto crash_grace = std::chrono::milliseconds(200);

struct TestServerOptions {
    std::string url;
    CatalogOptions catalog;
    unsigned jobs = 1;
    std::uint32_t timeout_ms = 5000;
    std::string agent;
    ReportOptions report;
    std::string ca_file;
    bool insecure = false;
    std::string server_name;
    std::string origin;
    std::vector<std::string> protocols;
    std::string spec;
    std::string exec;
    std::uint32_t startup_timeout_ms = 10000;
    bool report_dir_given = false;
    int ws_version = 0;  // 0: not given (13, or the spec's options.version)
};

// Autobahn's options.version is the draft number: hybi-10 to hybi-12 send
// Sec-WebSocket-Version 8, hybi-13 to hybi-17 and RFC 6455 ("18") send 13. Hixie-76 (0) and
// the drafts before 8 are not spoken.
int ws_version_of_draft(const nlohmann::json& options, const std::string& where) {
    const auto it = options.find("version");
    if (it == options.end()) return 0;
    if (!it->is_number_integer()) {
        throw runner::SpecError(where +
                                "/options/version: expected a number (10: hybi-10, "
                                "18: RFC 6455), got " +
                                it->dump());
    }
    const int draft = it->get<int>();
    if (draft >= 8 && draft <= 12) return 8;
    if (draft >= 13 && draft <= 18) return 13;
    throw runner::SpecError(where + "/options/version: " + std::to_string(draft) +
                            " is not supported (wsspec speaks hybi-10 (version 8) and RFC 6455 "
                            "(13); use 10 or 18)");
}

// Before running hundreds of cases, check that anything listens at all (exit status 2).
std::string preflight(const peer::TargetUrl& url) {
    peer::asio::io_context io;
    peer::tcp::resolver resolver(io);
    peer::error_code ec;
    const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) return "cannot resolve " + url.host + ": " + ec.message();
    peer::tcp::socket socket(io);
    bool done = false;
    peer::asio::async_connect(socket, endpoints,
                              [&](peer::error_code e, const peer::tcp::endpoint&) {
                                  ec = e;
                                  done = true;
                              });
    io.run_for(std::chrono::seconds(5));
    if (!done) return "connecting to " + url.to_string() + " timed out";
    if (ec) return "cannot connect to " + url.to_string() + ": " + ec.message();
    return {};
}

// The agent's name without --agent: the Server header, else the URL's host without port or
// path, so shards of one server started on different ports (CI jobs) merge as one agent.
std::string agent_from(const std::vector<oracle::CaseOutcome>& outcomes,
                       const peer::TargetUrl& url) {
    for (const auto& o : outcomes) {
        for (const auto& [name, value] : o.obs.handshake.headers) {
            if (name == "server" && !value.empty()) return value;
        }
    }
    return url.host;
}

// One server under test: the URL and how to present it, from the command line or from one
// entry of an Autobahn spec's "servers".
struct Target {
    std::string url;
    std::string agent;
    std::string origin;
    std::vector<std::string> protocols;
    std::string server_name;
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    std::string report_dir;
    int ws_version = 13;
};

// Over the hybi-10 handshake the cases that write their own request (hs.*: the version 13
// handshake itself) have no meaning: they are left out, and the run says so.
bool writes_v13_request(const cases::Case& c) {
    return c.handshake && c.handshake->ws_version != 8;
}

// Over HTTP/2 (RFC 8441) every case that writes its own HTTP/1.1 request, and every hs.*
// case (they judge the 101 response's header fields), is left out.
bool writes_http1_request(const cases::Case& c) {
    return c.handshake || c.id.starts_with("hs.");
}

// RFC 8441 cases (h2.*) send an extended CONNECT: over HTTP/1.1 they have no meaning.
bool needs_http2(const cases::Case& c) {
    return c.h2.has_value();
}

// A finished target whose reports are written together with the others' (an Autobahn spec
// with several servers: one outdir/index.json and one page for every agent).
struct CollectedRun {
    Catalog catalog;  // the outcomes point into it (moving a vector keeps its elements)
    report::RunInfo info;
    std::vector<oracle::CaseOutcome> outcomes;
};

int run_target(const TestServerOptions& o, const Target& t,
               std::deque<CollectedRun>* collect = nullptr) {
    const peer::TargetUrl url = peer::parse_target_url(t.url);
    CatalogOptions catalog_options = o.catalog;
    Catalog catalog = load_selected(catalog_options, cases::Role::server);
    if (!t.include.empty() || !t.exclude.empty()) {
        catalog.selected =
            cases::select_cases(catalog.all, t.include, t.exclude, cases::Role::server);
    }
    std::vector<std::string> skipped;
    std::string skip_reason =
        "the hybi-10 handshake (--ws-version 8): these cases check the version 13 "
        "opening handshake itself";
    if (url.http2) {
        // RFC 8441: over HTTP/2 the opening handshake is an extended CONNECT; cases that
        // write their own HTTP/1.1 Upgrade request have no meaning there.
        skip_reason =
            "WebSockets over HTTP/2 (RFC 8441): these cases check the HTTP/1.1 "
            "opening handshake, which an extended CONNECT replaces";
        catalog.selected = leave_out(catalog.selected, writes_http1_request, skipped);
        if (!skipped.empty()) {
            std::cout << "wsspec test-server: HTTP/2 (RFC 8441): " << skipped.size()
                      << " cases that check the HTTP/1.1 opening handshake are skipped ("
                      << skipped.front() << " ... " << skipped.back() << ")\n";
        }
    } else {
        std::vector<std::string> h2_only;
        catalog.selected = leave_out(catalog.selected, needs_http2, h2_only);
        if (!h2_only.empty()) {
            std::cout << "wsspec test-server: HTTP/1.1 target: " << h2_only.size()
                      << " cases about WebSockets over HTTP/2 (RFC 8441) are skipped ("
                      << h2_only.front() << " ... " << h2_only.back()
                      << "); run them against an h2c:// or h2:// URL\n";
        }
        skipped = std::move(h2_only);
        skip_reason =
            "an HTTP/1.1 target: these cases send an RFC 8441 extended CONNECT, which needs an "
            "HTTP/2 target (h2c:// or h2://)";
    }
    if (!url.http2 && t.ws_version == 8) {
        const bool h2_skipped = !skipped.empty();
        skip_reason = (h2_skipped ? skip_reason + "; and " : std::string{}) +
                      "the hybi-10 handshake (--ws-version 8): these cases check the version "
                      "13 opening handshake itself";
        catalog.selected = leave_out(catalog.selected, writes_v13_request, skipped);
        if (!skipped.empty()) {
            std::cout << "wsspec test-server: hybi-10 handshake (version 8): " << skipped.size()
                      << " cases that check the version 13 opening handshake itself are "
                         "skipped ("
                      << skipped.front() << " ... " << skipped.back() << ")\n";
        }
    }
    const auto shard = shard_record(o.report, catalog.selected);
    catalog.selected = apply_shard(o.report, catalog.selected);

    // --exec: the server under test is our child; it must be up before the first case.
    std::unique_ptr<runner::ProcessSupervisor> supervisor;
    if (!o.exec.empty()) {
        supervisor = start_supervised_server(o.exec, url, o.startup_timeout_ms, "test-server");
        if (!supervisor) return 2;
    }
    if (const std::string err = preflight(url); !err.empty()) {
        std::cerr << "wsspec test-server: " << err << "\n";
        return 2;
    }

    runner::ServerRunSettings settings;
    settings.client.url = url;
    settings.client.tls = {o.ca_file, o.insecure, t.server_name};
    settings.client.origin = t.origin;
    settings.client.protocols = t.protocols;
    settings.client.default_timeout_ms = o.timeout_ms;
    settings.client.ws_version = t.ws_version;
    settings.jobs = o.jobs;
    settings.stop = &install_interrupt_handler();

    ReportOptions report = o.report;
    report.report_dir = t.report_dir;
    ProgressPrinter progress(std::cout, stdout_is_tty(), report.quiet, report.strict);
    // Finished cases, for a report written on a second Ctrl-C while others still run (the
    // runner does not touch an outcome again once it reported it done).
    std::mutex state_mutex;  // guards finished, reports_written and the supervisor
    std::vector<const oracle::CaseOutcome*> finished;
    bool reports_written = false;
    runner::RunHooks hooks;
    hooks.on_done = [&](const oracle::CaseOutcome& out, std::size_t done, std::size_t total) {
        {
            std::lock_guard lock(state_mutex);
            finished.push_back(&out);
        }
        progress.case_done(out, done, total);
    };
    if (supervisor) {
        // A crash is charged to the case during which the server died; the next case gets
        // a fresh server.
        hooks.before_case = [&] {
            std::lock_guard lock(state_mutex);
            if (supervisor && !supervisor->running()) supervisor->start();
        };
        hooks.after_case = [&](const oracle::Observation& obs) -> std::optional<std::string> {
            std::lock_guard lock(state_mutex);
            if (!supervisor) return std::nullopt;
            // A server that dies takes its connections with it; the exit may show a moment
            // after the connection ended (fuzz-server waits the same way).
            const bool dropped = (obs.peer_closed_tcp && !obs.close_received) ||
                                 (obs.handshake.attempted && obs.handshake.status == 0);
            const auto until = std::chrono::steady_clock::now() + crash_grace;
            while (dropped && supervisor->running() && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            return supervisor->check_exit();
        };
        hooks.sample_resources = [&]() -> std::optional<runner::ResourceUsage> {
            std::lock_guard lock(state_mutex);
            if (!supervisor || !supervisor->running()) return std::nullopt;
            runner::ProcessGroupSampler sampler(supervisor->process_group());
            const auto usage = sampler.sample();
            if (usage.processes == 0) return std::nullopt;
            return usage;
        };
    }

    report::RunInfo info;
    info.mode = "test-server";
    info.target = url.to_string();
    info.catalog_version = catalog.version;
    info.shard = shard;
    info.options = {{"cases", o.catalog.include},
                    {"exclude", o.catalog.exclude},
                    {"jobs", o.jobs},
                    {"timeout_ms", o.timeout_ms},
                    {"strict", report.strict}};
    if (!o.exec.empty()) info.options["exec"] = o.exec;
    if (report.full_wire_log) info.options["full_wire_log"] = true;
    if (!o.spec.empty()) info.options["spec"] = o.spec;
    info.options["ws_version"] = t.ws_version;
    if (!skipped.empty()) {
        info.options["skipped"] = {{"cases", skipped}, {"reason", skip_reason}};
    }
    info.started = std::chrono::system_clock::now();
    const EmergencyReport emergency([&]() -> std::string {
        std::lock_guard lock(state_mutex);
        if (reports_written) return "reports: " + report.report_dir;
        std::vector<oracle::CaseOutcome> partial(catalog.selected.size());
        for (std::size_t i = 0; i < partial.size(); ++i) {
            partial[i].c = catalog.selected[i];
            partial[i].index = i + 1;
        }
        for (const auto* out : finished)
            partial[out->index - 1] = *out;
        report::RunInfo now = info;
        now.finished = std::chrono::system_clock::now();
        now.complete = false;
        now.agent = t.agent.empty() ? agent_from(partial, url) : t.agent;
        report::write_reports(
            {report::results_to_json(now, partial, report.strict, report.wire_log())},
            report.report_dir, parse_formats(report.formats));
        reports_written = true;
        // The server under test runs in a process group of its own, which a terminal's
        // Ctrl-C does not reach; it must not outlive us.
        if (supervisor) supervisor->stop();
        return "partial report (" + std::to_string(finished.size()) + " of " +
               std::to_string(partial.size()) + " cases finished): " + report.report_dir;
    });
    std::vector<oracle::CaseOutcome> outcomes;
    try {
        outcomes = runner::run_server_cases(catalog.selected, settings, hooks);
    } catch (const std::exception& e) {
        std::cerr << "wsspec test-server: " << e.what() << "\n";  // e.g. --exec restart failed
        return 2;
    }
    info.finished = std::chrono::system_clock::now();
    progress.finish();
    if (std::lock_guard lock(state_mutex); supervisor) {
        if (supervisor->restarts() > 0) {
            std::cout << "the server under test was restarted " << supervisor->restarts()
                      << " time(s)\n";
        }
        supervisor->stop();
    }
    info.complete =
        std::all_of(outcomes.begin(), outcomes.end(), [](const auto& x) { return x.ran; });
    info.agent = t.agent.empty() ? agent_from(outcomes, url) : t.agent;
    std::lock_guard lock(state_mutex);  // not while a second Ctrl-C writes its report
    if (reports_written) return exit_interrupted;
    reports_written = true;
    if (collect != nullptr) {
        collect->push_back({std::move(catalog), info, std::move(outcomes)});
        return 0;
    }
    return finish_run(report, info, outcomes, progress.color());
}

int run(const TestServerOptions& o) {
    if (o.spec.empty()) {
        if (o.url.empty()) throw CLI::ValidationError("url", "a URL or --spec FILE is required");
        return run_target(o, {o.url,
                              o.agent,
                              o.origin,
                              o.protocols,
                              o.server_name,
                              {},
                              {},
                              o.report.report_dir,
                              o.ws_version == 0 ? 13 : o.ws_version});
    }
    const runner::AutobahnSpec spec = runner::load_autobahn_spec(o.spec);
    if (spec.servers.empty()) throw runner::SpecError(o.spec + ": /servers: no servers listed");
    // The command line wins over the spec where both say something.
    const std::string dir =
        o.report_dir_given || spec.outdir.value_or("").empty() ? o.report.report_dir : *spec.outdir;
    // Autobahn's fuzzingclient runs every case unless the spec lists some.
    const std::vector<std::string> spec_cases = spec.cases.value_or(std::vector<std::string>{"*"});
    int status = 0;
    std::deque<CollectedRun> runs;  // stable addresses for AgentRun
    for (const auto& s : spec.servers) {
        Target t{o.url.empty() ? s.url : o.url,
                 o.agent.empty() ? s.agent : o.agent,
                 o.origin.empty() ? s.origin : o.origin,
                 o.protocols.empty() ? s.protocols : o.protocols,
                 o.server_name.empty() ? s.hostname : o.server_name,
                 spec_cases,
                 spec.excluded_for(s.agent),
                 dir,
                 13};
        // --ws-version wins; else the server's options.version, else the spec's.
        const std::string where = o.spec + ": /servers/" + std::to_string(&s - spec.servers.data());
        int version = ws_version_of_draft(s.options, where);
        if (version == 0) version = ws_version_of_draft(spec.options, o.spec + ": ");
        t.ws_version = o.ws_version != 0 ? o.ws_version : (version == 0 ? 13 : version);
        status = std::max(status, run_target(o, t, spec.servers.size() > 1 ? &runs : nullptr));
        if (install_interrupt_handler().load()) break;
    }
    if (runs.empty()) return status;
    // Autobahn's layout: every agent in one outdir/index.json (and one page, agents side by
    // side), which is the file projects' CI scripts read.
    std::vector<AgentRun> agents;
    for (const auto& r : runs)
        agents.push_back({r.info, &r.outcomes});
    ReportOptions report = o.report;
    report.report_dir = dir;
    return std::max(status, finish_runs(report, agents, stdout_is_tty()));
}

}  // namespace

void add_test_server_command(CLI::App& app, int& exit_status) {
    auto* cmd =
        app.add_subcommand("test-server", "Run the case catalog against a WebSocket server");
    auto o = std::make_shared<TestServerOptions>();
    cmd->add_option(
        "url", o->url,
        "ws://, wss://, h2c:// or h2:// (RFC 8441; h2:// is TLS with ALPN) URL of the server "
        "under test");
    cmd->add_option("--spec", o->spec,
                    "Autobahn fuzzingclient spec file (servers, cases, exclude-cases, "
                    "exclude-agent-cases, outdir)")
        ->check(CLI::ExistingFile);
    cmd->add_option(
        "--exec", o->exec,
        "Start the server under test with this shell command, supervise it, and stop it at "
        "the end (a crash fails the running case, and it is restarted)");
    cmd->add_option("--startup-timeout", o->startup_timeout_ms,
                    "With --exec: ms to wait for the server to accept connections")
        ->capture_default_str();
    o->catalog.add_to(*cmd);
    cmd->add_option("-j,--jobs", o->jobs, "Cases run in parallel (one connection each)")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    cmd->add_option("--timeout", o->timeout_ms,
                    "Default per-case timeout in ms (cases may set their own)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600000));
    cmd->add_option("--agent", o->agent,
                    "Name of the server in reports (default: its Server header, else the URL's "
                    "host without the port)");
    o->report.add_to(*cmd);
    cmd->add_option("--ca", o->ca_file, "PEM file of CA certificates to trust (wss://)")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--insecure", o->insecure, "Do not verify the server's certificate (wss://)");
    cmd->add_option("--sni", o->server_name, "TLS server name (default: the URL's host)");
    cmd->add_option("--origin", o->origin, "Origin header to send");
    cmd->add_option("--protocol", o->protocols, "Subprotocol to offer (repeatable)");
    cmd->add_option("--ws-version", o->ws_version,
                    "Opening handshake: 13 (RFC 6455, default) or 8 (hybi-10: "
                    "Sec-WebSocket-Version 8 and Sec-WebSocket-Origin); with 8 the cases about "
                    "the version 13 handshake itself are skipped")
        ->check(CLI::IsMember({8, 13}));
    cmd->callback([o, cmd, &exit_status] {
        o->report_dir_given = cmd->count("--report-dir") > 0;
        exit_status = run(*o);
    });
}

}  // namespace wsspec::cli
