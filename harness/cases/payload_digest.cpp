#include "harness/cases/payload_digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace wsspec::cases {
namespace {

// Pattern units are repeated into a buffer of about this size before hashing, so a long
// pattern costs few digest updates.
constexpr std::size_t pattern_chunk_bytes = 64 * 1024;

struct ContextFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Context = std::unique_ptr<EVP_MD_CTX, ContextFree>;

Context start() {
    Context ctx(EVP_MD_CTX_new());
    if (ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) ctx.reset();
    return ctx;
}

bool update(const Context& ctx, std::string_view bytes) {
    return EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1;
}

std::string finish(const Context& ctx) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx.get(), out, &size) != 1) return {};
    return {reinterpret_cast<const char*>(out), size};
}

}  // namespace

std::string digest_of(std::string_view bytes) {
    const Context ctx = start();
    if (!ctx || !update(ctx, bytes)) return {};
    return finish(ctx);
}

std::string digest_of(const Payload& p) {
    if (p.kind != Payload::Kind::pattern || p.bytes.empty()) return digest_of(p.materialize());
    const Context ctx = start();
    if (!ctx) return {};
    // Whole units only, so each chunk continues the pattern where the last one stopped.
    std::string chunk;
    while (chunk.size() + p.bytes.size() <= std::max(pattern_chunk_bytes, p.bytes.size()))
        chunk += p.bytes;
    std::uint64_t left = p.length;
    while (left > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
        if (!update(ctx, std::string_view(chunk).substr(0, n))) return {};
        left -= n;
    }
    return finish(ctx);
}

}  // namespace wsspec::cases
