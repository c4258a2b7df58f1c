// Opening the TCP connection to a server under test, the same way for the scripted client
// and the reference client: resolve, connect within a deadline, no Nagle delay (cases time
// small writes and chops).
#pragma once

#include <chrono>
#include <string>

#include "harness/peer/byte_stream.h"
#include "harness/peer/target_url.h"

namespace wsspec::peer {

// Connects `socket` (on `io`) to the URL's host and port before `deadline`. Returns an empty
// string, or why not: "cannot resolve HOST: ...", "cannot connect to URL: ..." or
// "connection to URL timed out". `io` may be used again afterwards.
std::string connect_tcp(asio::io_context& io, tcp::socket& socket, const TargetUrl& url,
                        std::chrono::steady_clock::time_point deadline);

}  // namespace wsspec::peer
