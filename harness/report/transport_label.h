// Which transport a run used, in words a report shows next to the agent: the HTTP version
// the WebSocket rode on (the HTTP/1.1 Upgrade of RFC 6455 4, or the extended CONNECT of
// RFC 8441 over HTTP/2), whether TLS was in the way, and the WebSocket URI scheme. An h1 run
// and an h2 run of the same server compared side by side differ in exactly this.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wsspec::report {

// From the URL a run targeted (test-server) or listened on (test-client):
//   ws://   "HTTP/1.1, ws"                 wss://  "HTTP/1.1 over TLS, wss"
//   h2c://  "HTTP/2 cleartext (h2c), ws"   h2://   "HTTP/2 over TLS (h2), wss"
// Empty for anything else (an Autobahn index.json names no URL).
std::string transport_of_target(std::string_view target);

// A run's transport: its "transport" field, else (results written before the field
// existed) derived from its "target".
std::string transport_of_run(const nlohmann::json& run);

}  // namespace wsspec::report
