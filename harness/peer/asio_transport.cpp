#include "harness/peer/asio_transport.h"

#include "harness/peer/blocking_io.h"

namespace wsspec::peer {

AsioTransport::AsioTransport(asio::io_context& io, std::unique_ptr<ByteStream> stream)
    : io_(io), stream_(std::move(stream)) {}

void AsioTransport::start(Handlers handlers) {
    handlers_ = std::move(handlers);
    open_ = true;
    read_more();
}

void AsioTransport::read_more() {
    if (!open_ || reading_) return;
    reading_ = true;
    stream_->async_read_some(asio::buffer(rx_), [this](error_code ec, std::size_t n) {
        reading_ = false;
        if (ec) {
            if (!open_) return;  // our own close()
            open_ = false;
            error_code ignored;
            stream_->socket().close(ignored);
            handlers_.ended(ec == asio::error::eof, ec.message());
            return;
        }
        handlers_.received({rx_.data(), n});
        read_more();  // not after close(): a flooding peer is read no further
    });
}

void AsioTransport::write(std::string bytes, std::function<void(const std::string& error)> done) {
    tx_ = std::move(bytes);
    stream_->async_write(asio::buffer(tx_), [done = std::move(done)](error_code ec, std::size_t) {
        done(ec ? ec.message() : std::string{});
    });
}

bool AsioTransport::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
    return run_io_until(io_, done, deadline);
}

void AsioTransport::close() {
    if (!stream_) return;
    open_ = false;
    stream_->close();
}

void AsioTransport::settle() {
    if (io_.stopped()) io_.restart();
    io_.run_for(std::chrono::seconds(1));
}

}  // namespace wsspec::peer
