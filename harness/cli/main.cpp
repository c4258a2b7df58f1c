// The wsspec command: subcommands and exit statuses (0 all passed, 1 some case FAILED,
// 2 usage, configuration or connection error before any case ran). `wsspec report` has its
// own (report_command.cpp, docs/ci.md): 0 written, 1 regressions, 2 bad input, 3 incomplete.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "harness/cases/case_loader.h"
#include "harness/cli/cases_command.h"
#include "harness/cli/catalog_location.h"
#include "harness/cli/catalog_option.h"
#include "harness/cli/client_command.h"
#include "harness/cli/fuzz_client_command.h"
#include "harness/cli/fuzz_server_command.h"
#include "harness/cli/report_command.h"
#include "harness/cli/serve_command.h"
#include "harness/cli/test_client_command.h"
#include "harness/cli/test_server_command.h"
#include "harness/peer/target_url.h"
#include "harness/runner/autobahn_spec.h"

int main(int argc, char** argv) {
    CLI::App app{"wsspec: WebSocket conformance testing and fuzzing"};
    app.require_subcommand(1);
    app.set_version_flag("--version", [] {
        // The catalog is data that changes without a new binary: name it too.
        std::string out = std::string("wsspec ") + WSSPEC_VERSION;
        try {
            const auto dir = wsspec::cli::default_catalog_dir();
            const auto all = wsspec::cases::load_catalog(dir);
            out += "\ncatalog " + wsspec::cli::catalog_digest(all) + " (" +
                   std::to_string(all.size()) + " cases, " + dir.string() + ")";
        } catch (const std::exception& e) {
            out += "\ncatalog: " + std::string(e.what());
        }
        return out;
    });
    int exit_status = 0;
    wsspec::cli::add_serve_command(app, exit_status);
    wsspec::cli::add_test_server_command(app, exit_status);
    wsspec::cli::add_fuzz_server_command(app, exit_status);
    wsspec::cli::add_fuzz_client_command(app, exit_status);
    wsspec::cli::add_test_client_command(app, exit_status);
    wsspec::cli::add_client_command(app, exit_status);
    wsspec::cli::add_report_command(app, exit_status);
    wsspec::cli::add_cases_command(app, exit_status);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int status = app.exit(e);
        return status == 0 ? 0 : 2;
    } catch (const wsspec::cases::CaseLoadError& e) {
        std::cerr << "wsspec: bad case file: " << e.what() << "\n";
        return 2;
    } catch (const wsspec::runner::SpecError& e) {
        std::cerr << "wsspec: bad spec file: " << e.what() << "\n";
        return 2;
    } catch (const wsspec::peer::UrlError& e) {
        std::cerr << "wsspec: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "wsspec: " << e.what() << "\n";
        return 2;
    }
    return exit_status;
}
