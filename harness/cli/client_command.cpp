#include "harness/cli/client_command.h"

#include <chrono>
#include <iostream>

#include "harness/cli/interrupt.h"
#include "harness/client/echo_client.h"

namespace wsspec::cli {

void add_client_command(CLI::App& app, int& exit_status) {
    auto* cmd =
        app.add_subcommand("client",
                           "Run the reference echo client's driver loop against a fuzzingserver "
                           "(wsspec test-client or Autobahn's)");
    struct Options {
        std::string url;
        std::string agent = "wsspec-client";
        unsigned jobs = 1;
        std::uint64_t max_message_size = 64ULL << 20;
        std::uint32_t handshake_timeout_ms = client::default_handshake_timeout_ms;
        bool no_update_reports = false;
        bool verbose = false;
        bool no_permessage_deflate = false;
        std::string defects;
        std::string variants;
        std::string ca_file;
        bool insecure = false;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option(
           "url", o->url,
           "ws:// or wss:// URL of the fuzzingserver; h2c:// or h2:// for WebSockets over HTTP/2 "
           "(RFC 8441: extended CONNECT, cleartext with prior knowledge or TLS with ALPN)")
        ->required();
    cmd->add_option("--ca", o->ca_file,
                    "wss://, h2://: trust this CA (PEM) besides the system store")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--insecure", o->insecure,
                  "wss://, h2://: do not verify the server's certificate");
    cmd->add_option("--agent", o->agent, "Agent name the results are kept under")
        ->capture_default_str();
    cmd->add_option("-j,--jobs", o->jobs, "runCase connections open at a time")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    cmd->add_option("--max-message-size", o->max_message_size,
                    "Largest message accepted; bigger ones fail the connection with 1009")
        ->capture_default_str();
    cmd->add_option("--handshake-timeout", o->handshake_timeout_ms,
                    "ms for connecting and the opening handshake of each connection")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600000));
    cmd->add_flag("--no-update-reports", o->no_update_reports,
                  "Do not call updateReports at the end");
    cmd->add_flag("-v,--verbose", o->verbose,
                  "One line per case (with the permessage-deflate answer, when accepted)");
    cmd->add_flag("--no-permessage-deflate", o->no_permessage_deflate,
                  "Do not offer permessage-deflate (RFC 7692); offered by default");
    // Test-only: breaks RFC rules on purpose so the mutation tests can check the catalog.
    cmd->add_option("--inject-defect", o->defects,
                    "Comma-separated defects to inject (testing wsspec itself)")
        ->group("");
    // Test-only: behaviour RFC 6455 allows but the reference peer does not show by default,
    // so the allowed-variants test can check no case fails it.
    cmd->add_option("--variant", o->variants,
                    "Comma-separated RFC-allowed variants (testing wsspec itself)")
        ->group("");
    cmd->callback([o, &exit_status] {
        client::EchoClientOptions options;
        options.url = peer::parse_target_url(o->url);
        options.tls.ca_file = o->ca_file;
        options.tls.insecure = o->insecure;
        options.agent = o->agent;
        options.jobs = o->jobs;
        options.max_message_size = o->max_message_size;
        options.handshake_timeout_ms = o->handshake_timeout_ms;
        options.update_reports = !o->no_update_reports;
        options.defects = client::parse_client_defects(o->defects);
        options.variants = peer::parse_variants(o->variants);
        if (o->no_permessage_deflate) options.permessage_deflate.reset();
        options.progress = o->verbose ? &std::cout : nullptr;
        options.stop = &install_interrupt_handler();
        const auto started = std::chrono::steady_clock::now();
        exit_status = client::run_echo_client(options, std::cerr);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << "wsspec client: driver loop finished in " << seconds << " s\n";
    });
}

}  // namespace wsspec::cli
