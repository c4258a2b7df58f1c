#include "harness/peer/byte_stream.h"

#include <openssl/ssl.h>

#include <stdexcept>
#include <string_view>

namespace wsspec::peer {

ByteStream::ByteStream(tcp::socket socket) : plain_(std::move(socket)) {}

ByteStream::ByteStream(tcp::socket socket, std::shared_ptr<asio::ssl::context> ctx,
                       asio::ssl::stream_base::handshake_type type)
    : handshake_type_(type),
      ctx_(std::move(ctx)),
      tls_(std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket), *ctx_)) {}

tcp::socket& ByteStream::socket() {
    return tls_ ? tls_->next_layer() : *plain_;
}

void ByteStream::async_read_some(asio::mutable_buffer buffer, ReadHandler handler) {
    if (tls_)
        tls_->async_read_some(buffer, std::move(handler));
    else
        plain_->async_read_some(buffer, std::move(handler));
}

void ByteStream::async_write(asio::const_buffer buffer, WriteHandler handler) {
    if (tls_)
        asio::async_write(*tls_, buffer, std::move(handler));
    else
        asio::async_write(*plain_, buffer, std::move(handler));
}

void ByteStream::async_tls_handshake(std::function<void(error_code)> handler) {
    if (!tls_) {
        asio::post(socket().get_executor(), [h = std::move(handler)] { h({}); });
        return;
    }
    tls_->async_handshake(handshake_type_, std::move(handler));
}

bool ByteStream::set_sni(const std::string& host_name) {
    if (!tls_) return true;
    return SSL_set_tlsext_host_name(tls_->native_handle(), host_name.c_str()) == 1;
}

void ByteStream::close() {
    error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
}

std::string ByteStream::alpn_selected() const {
    if (!tls_) return {};
    const unsigned char* data = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(tls_->native_handle(), &data, &len);
    return data ? std::string(reinterpret_cast<const char*>(data), len) : std::string{};
}

std::shared_ptr<asio::ssl::context> make_client_tls_context(const TlsSettings& settings,
                                                            const std::string& host,
                                                            const std::string& alpn) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    if (!alpn.empty()) {
        // RFC 7301 3.1: a list of length-prefixed protocol names.
        std::string wire(1, static_cast<char>(alpn.size()));
        wire += alpn;
        SSL_CTX_set_alpn_protos(ctx->native_handle(),
                                reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned int>(wire.size()));
    }
    if (settings.insecure) {
        ctx->set_verify_mode(asio::ssl::verify_none);
    } else {
        ctx->set_default_verify_paths();
        if (!settings.ca_file.empty()) ctx->load_verify_file(settings.ca_file);
        ctx->set_verify_mode(asio::ssl::verify_peer);
        ctx->set_verify_callback(asio::ssl::host_name_verification(
            settings.server_name.empty() ? host : settings.server_name));
    }
    return ctx;
}

std::shared_ptr<asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                            const std::string& key_file) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    error_code ec;
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) throw std::runtime_error("certificate " + cert_file + ": " + ec.message());
    // OpenSSL checks here that the key belongs to the certificate ("key values mismatch").
    ctx->use_private_key_file(key_file, asio::ssl::context::pem, ec);
    if (ec) {
        throw std::runtime_error("private key " + key_file + " (for certificate " + cert_file +
                                 "): " + ec.message());
    }
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        throw std::runtime_error("private key " + key_file + " does not match certificate " +
                                 cert_file);
    }
    return ctx;
}

namespace {
int select_alpn_protocol(SSL*, const unsigned char** out, unsigned char* outlen,
                         const unsigned char* in, unsigned int inlen, void* arg) {
    const std::string_view wanted = static_cast<const char*>(arg);
    for (unsigned int at = 0; at < inlen;) {
        const unsigned int len = in[at];
        if (at + 1 + len > inlen) break;
        if (std::string_view(reinterpret_cast<const char*>(in + at + 1), len) == wanted) {
            *out = in + at + 1;
            *outlen = static_cast<unsigned char>(len);
            return SSL_TLSEXT_ERR_OK;
        }
        at += 1 + len;
    }
    // RFC 7301 3.2: "the server SHALL respond with a fatal no_application_protocol alert".
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}
}  // namespace

void select_alpn(asio::ssl::context& ctx, const char* protocol) {
    SSL_CTX_set_alpn_select_cb(ctx.native_handle(), select_alpn_protocol,
                               const_cast<char*>(protocol));
}

}  // namespace wsspec::peer
