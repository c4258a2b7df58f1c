#include "harness/cli/test_server_command.h"

#include <filesystem>
#include <iostream>

#include "harness/cases/case_loader.h"
#include "harness/cli/catalog_option.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/report_options.h"
#include "harness/peer/scripted_client.h"
#include "harness/runner/case_runner.h"

namespace wsspec::cli {
namespace {

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
};

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

std::string agent_from(const std::vector<runner::CaseOutcome>& outcomes,
                       const peer::TargetUrl& url) {
    for (const auto& o : outcomes) {
        for (const auto& [name, value] : o.obs.handshake.headers) {
            if (name == "server" && !value.empty()) return value;
        }
    }
    return url.host_header();
}

int run(const TestServerOptions& o) {
    const peer::TargetUrl url = peer::parse_target_url(o.url);
    Catalog catalog = load_selected(o.catalog, cases::Role::server);
    catalog.selected = apply_shard(o.report, catalog.selected);
    if (const std::string err = preflight(url); !err.empty()) {
        std::cerr << "wsspec test-server: " << err << "\n";
        return 2;
    }

    runner::ServerRunSettings settings;
    settings.client.url = url;
    settings.client.tls = {o.ca_file, o.insecure, o.server_name};
    settings.client.origin = o.origin;
    settings.client.protocols = o.protocols;
    settings.client.default_timeout_ms = o.timeout_ms;
    settings.jobs = o.jobs;
    settings.stop = &install_interrupt_handler();

    ProgressPrinter progress(std::cout, stdout_is_tty(), o.report.quiet, o.report.strict);
    runner::RunHooks hooks;
    hooks.on_done = [&](const runner::CaseOutcome& out, std::size_t done, std::size_t total) {
        progress.case_done(out, done, total);
    };

    report::RunInfo info;
    info.mode = "test-server";
    info.target = url.to_string();
    info.catalog_version = catalog.version;
    info.options = {{"cases", o.catalog.include},
                    {"exclude", o.catalog.exclude},
                    {"jobs", o.jobs},
                    {"timeout_ms", o.timeout_ms},
                    {"strict", o.report.strict}};
    info.started = std::chrono::system_clock::now();
    auto outcomes = runner::run_server_cases(catalog.selected, settings, hooks);
    info.finished = std::chrono::system_clock::now();
    progress.finish();
    info.complete =
        std::all_of(outcomes.begin(), outcomes.end(), [](const auto& x) { return x.ran; });
    info.agent = o.agent.empty() ? agent_from(outcomes, url) : o.agent;

    return finish_run(o.report, info, outcomes, progress.color());
}

}  // namespace

void add_test_server_command(CLI::App& app, int& exit_status) {
    auto* cmd =
        app.add_subcommand("test-server", "Run the case catalog against a WebSocket server");
    auto o = std::make_shared<TestServerOptions>();
    cmd->add_option("url", o->url, "ws:// or wss:// URL of the server under test")->required();
    o->catalog.add_to(*cmd);
    cmd->add_option("-j,--jobs", o->jobs, "Cases run in parallel (one connection each)")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    cmd->add_option("--timeout", o->timeout_ms,
                    "Default per-case timeout in ms (cases may set their own)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600000));
    cmd->add_option("--agent", o->agent,
                    "Name of the server in reports (default: its Server header)");
    o->report.add_to(*cmd);
    cmd->add_option("--ca", o->ca_file, "PEM file of CA certificates to trust (wss://)")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--insecure", o->insecure, "Do not verify the server's certificate (wss://)");
    cmd->add_option("--sni", o->server_name, "TLS server name (default: the URL's host)");
    cmd->add_option("--origin", o->origin, "Origin header to send");
    cmd->add_option("--protocol", o->protocols, "Subprotocol to offer (repeatable)");
    cmd->callback([o, &exit_status] { exit_status = run(*o); });
}

}  // namespace wsspec::cli
