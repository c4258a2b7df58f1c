// permessage-deflate (RFC 7692 7): the payload transform, on zlib.
//
// Outbound (7.2.1): raw DEFLATE (negative windowBits), Z_SYNC_FLUSH at the end of each
// message, and the 0x00 0x00 0xff 0xff that the flush ends with removed. Inbound (7.2.2):
// the four octets appended again and the result inflated, a bounded chunk at a time, into
// the connection's sink, which judges size and UTF-8 as the bytes come.
//
// Window bits 8 (RFC 7692 7.1.2): zlib cannot deflate with an 8-bit window (deflateInit2
// refuses raw windowBits -8 since zlib 1.2.9; with a zlib wrapper it silently uses 9). When
// the agreement limits wsspec's own compressor to 8 bits -- server_max_window_bits=8 on the
// server side, client_max_window_bits=8 on the client side -- wsspec still accepts it, and
// compresses with zlib's Z_HUFFMAN_ONLY strategy: literals only, no back-references at all,
// so no distance can exceed the 256-byte window the peer allocates. It never claims 8 while
// emitting distances a 9-bit window allows. Declining instead would make an offer of 8
// fail where it is perfectly satisfiable (RFC 7692 7: a server declines only what it does
// not support), and a client cannot decline an answer at all. The cost is a worse ratio.
// Inflating with 8 bits needs nothing special (zlib inflates windowBits -8).
//
// Window and context checks on inbound data (RFC 7692 7.1.2). zlib's inflate only rejects a
// distance that reaches past everything it has output (window plus the current call's
// output), so with ordinary output chunks a peer that agreed to a 9-bit window could refer up
// to 512 bytes + its position in the chunk back unseen. zlib is exact only with one output
// byte per call (the current call's output is then empty whenever a distance is checked), at
// about a tenth of its speed. With 15 bits no distance can exceed the window, and ordinary
// chunks are exact. Below 15 bits wsspec reads each piece of compressed input twice: first
// with a DeflateWindowChecker (deflate_window_checker.h), which decodes the codes without
// producing output and compares every distance with min(window size, bytes since the last
// reset) -- exact by construction -- and then with zlib in ordinary chunks, which produces the
// bytes the sink judges. Where the checker stops (a distance too far, or data it cannot
// decode), zlib inflates in ordinary chunks up to that code's output position and one byte
// per call from there on, so zlib itself gives the verdict, exactly and in stream order: what
// inflated before the fault is judged first, as everywhere else. A checker that stopped
// where it should not would only cost speed; one that missed a violation would fall back to
// zlib's ordinary check (tests/unit/deflate_window_checker_test.cpp holds it to zlib's exact
// verdicts). Nothing is buffered: the checker keeps a few bits and its decoding tables (about
// 7 KB per connection) between pieces, so streaming, the size limit on inflated bytes and
// fail-fast UTF-8 are as without it. The price is the second decoding pass: 1.8 to 2.5 times
// zlib's time alone for a 9-bit window (tests/bench deflate_inflate_w9{,_mixed}; one byte per
// call took 6 to 13 times), nothing for 15 bits; exact_window_check = false skips it. When
// the peer agreed to no context takeover for its direction, wsspec resets its inflater (and
// the checker) before each compressed message, so a peer that keeps its window anyway refers
// back to bytes that are not there: ErrorKind::deflate_distance_too_far (1007).
//
// BFINAL=1 blocks (RFC 7692 7.2.3.4 allows them "on platforms on which the flush method
// using an empty DEFLATE block with no compression is not available"): after a final block
// the inflater restarts with its window kept (inflateResetKeep), so what follows in the
// same message (the 0x00 of 7.2.3.4, more blocks) and later messages (context takeover)
// decode as usual. A message that ends right after a final block is complete; the appended
// tail is then not needed and not decoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "harness/codec/constants.h"
#include "harness/codec/extension.h"
#include "harness/codec/permessage_deflate_negotiation.h"

namespace wsspec::codec {

// RFC 7692 7.2.1: the empty uncompressed block a sync flush ends with, removed on send and
// appended again on receipt.
constexpr std::uint8_t deflate_flush_tail[4] = {0x00, 0x00, 0xff, 0xff};

struct PerMessageDeflateOptions {
    int compression_level = 6;  // zlib's default trade-off between speed and ratio
    int memory_level = 8;       // zlib's default (deflateInit2 memLevel)
    // false: every outbound message goes uncompressed (RSV1 clear), which RFC 7692 6 allows.
    bool compress_outbound = true;
    // Inflated bytes handed to the sink per write (the unit the size limit is checked in).
    std::size_t inflate_chunk = 16 * 1024;
    // Check every distance against a window below 15 bits exactly (a second, decode-only
    // pass over the compressed bytes, see above: about half of zlib's speed, tests/bench
    // deflate_inflate_w9). false: ordinary chunks only, which catch a distance only beyond
    // window + position in the chunk.
    bool exact_window_check = true;
};

class PerMessageDeflate final : public MessageExtension {
  public:
    // `agreed` from negotiate_permessage_deflate (server) or
    // check_permessage_deflate_response (client); `role` is our side.
    PerMessageDeflate(Role role, const PerMessageDeflateParams& agreed,
                      const PerMessageDeflateOptions& options = {});
    ~PerMessageDeflate() override;
    PerMessageDeflate(const PerMessageDeflate&) = delete;
    PerMessageDeflate& operator=(const PerMessageDeflate&) = delete;

    [[nodiscard]] std::string_view name() const override { return permessage_deflate_name; }
    [[nodiscard]] std::uint8_t rsv_bits() const override;
    bool begin_inbound_message(std::uint8_t rsv) override;
    ErrorKind decode(const std::uint8_t* data, std::size_t size, bool end_of_message,
                     DecodedPayloadSink& sink) override;
    std::uint8_t begin_outbound_message(bool text) override;
    bool encode(std::string_view payload, bool end_of_message, std::string& out) override;

    // What the compressor really uses: windowBits passed to zlib, and whether it emits
    // literals only (an 8-bit window, see above).
    [[nodiscard]] int deflate_window_bits() const;
    [[nodiscard]] bool deflate_literals_only() const;
    [[nodiscard]] const PerMessageDeflateParams& agreed() const { return agreed_; }

  private:
    struct Streams;

    PerMessageDeflateParams agreed_;
    PerMessageDeflateOptions options_;
    std::unique_ptr<Streams> streams_;
};

// The extension for a Connection: connection.use_extension(make_permessage_deflate(...)).
std::unique_ptr<PerMessageDeflate> make_permessage_deflate(
    Role role, const PerMessageDeflateParams& agreed, const PerMessageDeflateOptions& options = {});

}  // namespace wsspec::codec
