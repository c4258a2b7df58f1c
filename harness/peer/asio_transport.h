// A case session's transport over a connected ByteStream (TCP or TLS) on one io_context:
// one read outstanding while open, one write at a time, and the io_context run only
// inside run_until/settle, so the session stays single-threaded.
#pragma once

#include <array>
#include <memory>

#include "harness/peer/byte_stream.h"
#include "harness/peer/session_transport.h"

namespace wsspec::peer {

class AsioTransport final : public SessionTransport {
  public:
    AsioTransport(asio::io_context& io, std::unique_ptr<ByteStream> stream);

    void start(Handlers handlers) override;
    void write(std::string bytes, std::function<void(const std::string& error)> done) override;
    bool run_until(const std::function<bool()>& done, Clock::time_point deadline) override;
    void close() override;
    void settle() override;

  private:
    void read_more();

    asio::io_context& io_;
    std::unique_ptr<ByteStream> stream_;
    Handlers handlers_;
    bool open_ = false;
    bool reading_ = false;
    std::array<std::uint8_t, 64 * 1024> rx_{};
    std::string tx_;  // the write in progress
};

}  // namespace wsspec::peer
