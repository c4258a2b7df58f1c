// --exec for the commands that test a server: start the server under test as our child and
// wait until it accepts connections on the URL's port, or say why not.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "harness/peer/target_url.h"
#include "harness/runner/process_supervisor.h"

namespace wsspec::cli {

// The running, supervised server; nullptr (after printing "wsspec <command>: --exec: why"
// on stderr) when it could not be started.
std::unique_ptr<runner::ProcessSupervisor> start_supervised_server(const std::string& exec,
                                                                   const peer::TargetUrl& url,
                                                                   std::uint32_t startup_timeout_ms,
                                                                   std::string_view command);

}  // namespace wsspec::cli
