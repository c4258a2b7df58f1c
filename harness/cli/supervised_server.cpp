#include "harness/cli/supervised_server.h"

#include <chrono>
#include <iostream>

namespace wsspec::cli {

std::unique_ptr<runner::ProcessSupervisor> start_supervised_server(const std::string& exec,
                                                                   const peer::TargetUrl& url,
                                                                   std::uint32_t startup_timeout_ms,
                                                                   std::string_view command) {
    auto supervisor = std::make_unique<runner::ProcessSupervisor>(runner::SupervisorSettings{
        .command = exec,
        .host = url.host,
        .port = url.port,
        .startup_timeout = std::chrono::milliseconds(startup_timeout_ms)});
    try {
        supervisor->start();
    } catch (const std::exception& e) {
        std::cerr << "wsspec " << command << ": --exec: " << e.what() << "\n";
        return nullptr;
    }
    return supervisor;
}

}  // namespace wsspec::cli
