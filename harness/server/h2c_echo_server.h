// `wsspec serve --h2c-listen`: the reference echo over WebSockets on HTTP/2 streams
// (RFC 8441, cleartext with prior knowledge). Each TCP connection is one h2::H2Session; each
// extended CONNECT stream it accepts runs the same codec echo as the HTTP/1.1 listener.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "harness/peer/asio_include.h"
#include "harness/server/echo_server.h"

namespace wsspec::server {

class H2cListener {
  public:
    H2cListener(boost::asio::io_context& io, const EchoServerOptions& options);
    // Binds options.h2c_host:h2c_port; returns the port bound (throws system_error).
    std::uint16_t listen();
    void stop();

  private:
    void accept();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    const EchoServerOptions& options_;
    std::shared_ptr<std::atomic<std::size_t>> open_;
};

}  // namespace wsspec::server
