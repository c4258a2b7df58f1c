#include "harness/cli/serve_command.h"

#include <iostream>

#include "harness/cli/endpoint_option.h"
#include "harness/codec/permessage_deflate_negotiation.h"
#include "harness/server/echo_server.h"

namespace wsspec::cli {

void add_serve_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand("serve", "Run the reference echo server (the default target)");
    struct Options {
        std::string listen = "127.0.0.1:9001";
        std::string h2c_listen;  // empty: no HTTP/2 listener
        std::string h2_listen;   // empty: no HTTP/2 over TLS listener
        std::string cert_file;
        std::string key_file;
        std::uint64_t max_message_size = 64ULL << 20;
        unsigned threads = 2;
        std::size_t max_connections = server::default_max_connections;
        std::uint32_t idle_timeout_s = server::default_idle_timeout_s;
        std::uint64_t memory_budget_mib = server::default_memory_budget >> 20;
        std::string defects;
        std::string variants;
        bool verbose = false;
        bool no_permessage_deflate = false;
        int deflate_level = 1;
        codec::PerMessageDeflateServerPolicy deflate;
        unsigned server_max_window_bits = codec::max_window_bits;
        unsigned client_max_window_bits = 0;  // 0: not asked for
    };
    auto options = std::make_shared<Options>();
    cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    cmd->add_option("--h2c-listen", options->h2c_listen,
                    "HOST:PORT for WebSockets over HTTP/2 (RFC 8441 extended CONNECT, h2c with "
                    "prior knowledge), next to the HTTP/1.1 listener");
    cmd->add_option("--h2-listen", options->h2_listen,
                    "HOST:PORT for WebSockets over HTTP/2 over TLS (RFC 8441, h2 agreed by ALPN; "
                    "needs --cert and --key)");
    cmd->add_option("--cert", options->cert_file,
                    "certificate chain (PEM) of the --h2-listen listener");
    cmd->add_option("--key", options->key_file, "private key (PEM) of the --h2-listen listener");
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
    cmd->add_option("--memory-budget", options->memory_budget_mib,
                    "MiB all connections together may hold for the messages they are "
                    "receiving; past it the connection whose message grows is failed with "
                    "1013 (Try Again Later)")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30));
    cmd->add_option("--idle-timeout", options->idle_timeout_s,
                    "Seconds a WebSocket connection may receive nothing before it is closed "
                    "(0: never)")
        ->capture_default_str();
    cmd->add_flag("-v,--verbose", options->verbose,
                  "One line per connection: the client and the negotiated extension");
    // RFC 7692: permessage-deflate is accepted when offered; these shape the answer.
    const std::string pmd = "permessage-deflate (RFC 7692)";
    cmd->add_flag("--no-permessage-deflate", options->no_permessage_deflate,
                  "Decline permessage-deflate offers (messages go uncompressed)")
        ->group(pmd);
    cmd->add_flag("--pmd-server-no-context-takeover", options->deflate.server_no_context_takeover,
                  "Reset our compressor after every message, and say so "
                  "(server_no_context_takeover, 7.1.1.1)")
        ->group(pmd);
    cmd->add_flag("--pmd-client-no-context-takeover", options->deflate.client_no_context_takeover,
                  "Hold the client to resetting its compressor after every message "
                  "(client_no_context_takeover, 7.1.1.2)")
        ->group(pmd);
    cmd->add_option("--pmd-server-max-window-bits", options->server_max_window_bits,
                    "Largest LZ77 window our compressor uses (server_max_window_bits, 7.1.2.1)")
        ->capture_default_str()
        ->check(CLI::Range(unsigned{codec::min_window_bits}, unsigned{codec::max_window_bits}))
        ->group(pmd);
    cmd->add_option("--pmd-client-max-window-bits", options->client_max_window_bits,
                    "Ask the client to limit its window, when its offer lets us "
                    "(client_max_window_bits, 7.1.2.2)")
        ->check(CLI::Range(unsigned{codec::min_window_bits}, unsigned{codec::max_window_bits}))
        ->group(pmd);
    cmd->add_option("--pmd-level", options->deflate_level,
                    "zlib compression level of our compressor, 0 (store) to 9 (smallest)")
        ->capture_default_str()
        ->check(CLI::Range(0, 9))
        ->group(pmd);
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
        if (!options->h2c_listen.empty()) {
            const Endpoint h2c = parse_endpoint(options->h2c_listen, "--h2c-listen");
            server_options.h2c = true;
            server_options.h2c_host = h2c.host;
            server_options.h2c_port = h2c.port;
        }
        if (!options->h2_listen.empty()) {
            if (options->cert_file.empty() || options->key_file.empty())
                throw CLI::ValidationError("--h2-listen", "needs --cert and --key (PEM files)");
            const Endpoint h2 = parse_endpoint(options->h2_listen, "--h2-listen");
            server_options.h2 = true;
            server_options.h2_host = h2.host;
            server_options.h2_port = h2.port;
            server_options.cert_file = options->cert_file;
            server_options.key_file = options->key_file;
        }
        server_options.max_message_size = options->max_message_size;
        server_options.threads = options->threads;
        server_options.max_connections = options->max_connections;
        server_options.idle_timeout_s = options->idle_timeout_s;
        server_options.memory_budget = options->memory_budget_mib << 20;
        server_options.defects = server::parse_defects(options->defects);
        server_options.variants = peer::parse_variants(options->variants);
        server_options.verbose = options->verbose;
        server_options.deflate_level = options->deflate_level;
        if (options->no_permessage_deflate) {
            server_options.permessage_deflate.reset();
        } else {
            server_options.permessage_deflate = options->deflate;
            server_options.permessage_deflate->server_max_window_bits =
                static_cast<std::uint8_t>(options->server_max_window_bits);
            if (options->client_max_window_bits != 0)
                server_options.permessage_deflate->client_max_window_bits =
                    static_cast<std::uint8_t>(options->client_max_window_bits);
        }
        server_options.on_listening = [&server_options](std::uint16_t port) {
            std::cout << "wsspec serve: listening on ws://" << server_options.host << ":" << port
                      << "/" << std::endl;
        };
        server_options.on_h2c_listening = [&server_options](std::uint16_t port) {
            std::cout << "wsspec serve: listening on h2c://" << server_options.h2c_host << ":"
                      << port << "/" << std::endl;
        };
        server_options.on_h2_listening = [&server_options](std::uint16_t port) {
            std::cout << "wsspec serve: listening on h2://" << server_options.h2_host << ":" << port
                      << "/" << std::endl;
        };
        exit_status = server::run_echo_server(server_options);
    });
}

}  // namespace wsspec::cli
