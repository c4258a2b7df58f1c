// `wsspec serve --h2c-listen` / `--h2-listen`: the reference echo over WebSockets on HTTP/2
// streams (RFC 8441), cleartext with prior knowledge or TLS with "h2" agreed by ALPN (RFC
// 9113 3.2). Each connection is one h2::H2Session; each extended CONNECT stream it accepts
// runs the same codec echo as the HTTP/1.1 listener.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "harness/peer/asio_include.h"
#include "harness/server/echo_server.h"

namespace wsspec::server {

class H2cListener {
  public:
    // `tls`: a server context (ALPN "h2" is selected on it); null: h2c. `budget`: shared with
    // the server's other listeners (null: a budget of its own, options.memory_budget).
    H2cListener(boost::asio::io_context& io, const EchoServerOptions& options,
                std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
                std::shared_ptr<MemoryBudget> budget = nullptr);
    // Binds host:port; returns the port bound (throws system_error).
    std::uint16_t listen(const std::string& host, std::uint16_t port);
    void stop();

  private:
    void accept();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    const EchoServerOptions& options_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::shared_ptr<std::atomic<std::size_t>> open_;
    std::shared_ptr<MemoryBudget> budget_;
};

}  // namespace wsspec::server
