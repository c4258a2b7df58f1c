#include "harness/cli/serve_command.h"

#include <iostream>

#include "harness/cli/endpoint_option.h"
#include "harness/server/echo_server.h"

namespace wsspec::cli {

void add_serve_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand("serve", "Run the reference echo server (the default target)");
    struct Options {
        std::string listen = "127.0.0.1:9001";
        std::uint64_t max_message_size = 64ULL << 20;
        unsigned threads = 2;
        std::size_t max_connections = server::default_max_connections;
        std::uint32_t idle_timeout_s = server::default_idle_timeout_s;
        std::string defects;
        std::string variants;
    };
    auto options = std::make_shared<Options>();
    cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    cmd->add_option("--max-message-size", options->max_message_size,
                    "Largest message accepted; bigger ones fail the connection with 1009")
        ->capture_default_str();
    cmd->add_option("--threads", options->threads, "I/O threads")
        ->capture_default_str()
        ->check(CLI::Range(1U, server::max_threads));
    cmd->add_option("--max-connections", options->max_connections,
                    "Connections open at once; further ones get 503 and are closed")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--idle-timeout", options->idle_timeout_s,
                    "Seconds a WebSocket connection may receive nothing before it is closed "
                    "(0: never)")
        ->capture_default_str();
    // Test-only: breaks RFC rules on purpose so the mutation tests can check the catalog.
    cmd->add_option("--inject-defect", options->defects,
                    "Comma-separated defects to inject (testing wsspec itself)")
        ->group("");
    // Test-only: behaviour RFC 6455 allows but the reference peer does not show by default,
    // so the allowed-variants test can check no case fails it.
    cmd->add_option("--variant", options->variants,
                    "Comma-separated RFC-allowed variants (testing wsspec itself)")
        ->group("");
    cmd->callback([options, &exit_status] {
        server::EchoServerOptions server_options;
        const Endpoint endpoint = parse_endpoint(options->listen, "--listen");
        server_options.host = endpoint.host;
        server_options.port = endpoint.port;
        server_options.max_message_size = options->max_message_size;
        server_options.threads = options->threads;
        server_options.max_connections = options->max_connections;
        server_options.idle_timeout_s = options->idle_timeout_s;
        server_options.defects = server::parse_defects(options->defects);
        server_options.variants = peer::parse_variants(options->variants);
        server_options.on_listening = [&server_options](std::uint16_t port) {
            std::cout << "wsspec serve: listening on ws://" << server_options.host << ":" << port
                      << "/" << std::endl;
        };
        exit_status = server::run_echo_server(server_options);
    });
}

}  // namespace wsspec::cli
