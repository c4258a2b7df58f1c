// A connected byte stream, plain TCP or TLS, driven by one io_context. The scripted peer
// only needs "read some" and "write all", so both kinds hide behind this one class.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "harness/peer/asio_include.h"

namespace wsspec::peer {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct TlsSettings {
    std::string ca_file;      // extra trust anchor (PEM); empty: system store
    bool insecure = false;    // skip certificate verification
    std::string server_name;  // SNI and verification name; empty: the URL's host
};

class ByteStream {
  public:
    using ReadHandler = std::function<void(error_code, std::size_t)>;
    using WriteHandler = std::function<void(error_code, std::size_t)>;

    explicit ByteStream(tcp::socket socket);
    ByteStream(tcp::socket socket, std::shared_ptr<asio::ssl::context> ctx,
               asio::ssl::stream_base::handshake_type type);

    void async_read_some(asio::mutable_buffer buffer, ReadHandler handler);
    void async_write(asio::const_buffer buffer, WriteHandler handler);
    // TLS handshake (no-op completion for plain TCP).
    void async_tls_handshake(std::function<void(error_code)> handler);
    bool set_sni(const std::string& host_name);
    // The protocol TLS agreed by ALPN (RFC 7301), e.g. "h2"; empty: none or plain TCP.
    [[nodiscard]] std::string alpn_selected() const;

    tcp::socket& socket();
    bool is_tls() const { return tls_ != nullptr; }
    // Closes TCP at once (no TLS close_notify: the peer under test gets no help).
    void close();

  private:
    std::optional<tcp::socket> plain_;
    asio::ssl::stream_base::handshake_type handshake_type_ = asio::ssl::stream_base::client;
    std::shared_ptr<asio::ssl::context> ctx_;
    std::unique_ptr<asio::ssl::stream<tcp::socket>> tls_;
};

// A client TLS context per the settings (verification on unless insecure); `alpn`, when
// given, is the one protocol offered by ALPN (RFC 7301), e.g. "h2".
std::shared_ptr<asio::ssl::context> make_client_tls_context(const TlsSettings& settings,
                                                            const std::string& host,
                                                            const std::string& alpn = {});

// Makes a server context answer ALPN with `protocol` when the client offers it, and refuse
// the TLS handshake (no_application_protocol, RFC 7301 3.2) when it offers only others.
// `protocol` has static storage (a literal): OpenSSL keeps the pointer.
void select_alpn(asio::ssl::context& ctx, const char* protocol);

// A server TLS context with this certificate chain and private key (PEM files). Throws
// std::runtime_error naming the file and OpenSSL's reason when one cannot be used.
std::shared_ptr<asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace wsspec::peer
