// The exact LZ77 window check of permessage-deflate's inflater (RFC 7692 7.1.2): follows a raw
// DEFLATE stream (RFC 1951) code by code, without producing its output, and finds the first
// back-reference that reaches further than the agreed window or than what the stream has
// produced since its last reset.
//
// Why it exists: zlib's inflate() rejects a distance only beyond (window held + bytes output
// in the current call), so with ordinary output chunks a distance in (2^w, 2^w + position in
// the chunk] passes unseen; one output byte per call makes zlib exact but slow. (inflateBack()
// is no way out: its fast path, inflate_fast(), applies the same test against its window
// buffer, so it misses (2^w, 2^w + position in that buffer]; seen with zlib 1.2.13.) This
// checker only decodes: a
// literal counts one byte, a match its length, a stored block its size, and every distance is
// compared with min(2^w, bytes since the reset). No copy and no window, so it runs at about
// the speed of zlib's own decoding.
//
// It follows the bytes exactly as the inflater is fed them (any split, the appended flush
// tail) and mirrors inflateReset (reset). After a final block, further bytes start a new
// stream with the window kept (the inflater's inflateResetKeep), except in the appended tail,
// whose rest is ignored. What it does not understand -- anything zlib would reject as invalid
// data -- it reports like a violation: the caller then lets zlib judge from that point in its
// exact mode. So a finding is never a verdict by itself, and the checker can never make
// wsspec reject a stream zlib accepts within the window. Its findings and byte counts equal
// those of zlib judging byte by byte (tests/unit/deflate_window_checker_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace wsspec::codec {

class DeflateWindowChecker {
  public:
    // `window_bits`: the agreed LZ77 window, 8..15 (RFC 7692 7.1.2).
    explicit DeflateWindowChecker(int window_bits);
    ~DeflateWindowChecker();
    DeflateWindowChecker(const DeflateWindowChecker&) = delete;
    DeflateWindowChecker& operator=(const DeflateWindowChecker&) = delete;

    // inflateReset: a new stream with an empty window.
    void reset();

    // Follows data[0, size), the stream's next bytes; `tail` marks the flush block appended at
    // the end of a message (after a final block inside it, its remaining bytes are ignored).
    // Returns nothing when every code completed in these bytes is within the window; else how
    // many bytes the stream produced in these bytes before the first code the checker could
    // not clear (a distance too far, or data it cannot decode). Once it has returned a count,
    // every later call returns 0 until reset().
    std::optional<std::uint64_t> follow(const std::uint8_t* data, std::size_t size, bool tail);
    // Bytes the stream produced since the last reset(), up to the finding if there was one.
    [[nodiscard]] std::uint64_t produced() const { return produced_; }

  private:
    enum class Mode : std::uint8_t {
        block_header,
        stored_length,
        stored_copy,
        table_sizes,
        code_length_lengths,
        code_lengths,
        codes,
        stream_end,  // after a final block
        stopped,     // after a finding
    };

    bool need(unsigned n);
    void refill();
    void consume(unsigned n);
    bool read_dynamic_tables();
    bool read_codes();
    std::optional<std::uint64_t> stop();

    std::uint32_t window_;
    Mode mode_ = Mode::block_header;
    bool last_ = false;  // the current block is the stream's final one
    // Bits read but not yet used, least significant first (RFC 1951 3.1.1); only the low
    // `bits_` bits are set.
    std::uint64_t hold_ = 0;
    unsigned bits_ = 0;
    const std::uint8_t* in_ = nullptr;
    const std::uint8_t* end_ = nullptr;
    std::uint64_t produced_ = 0;     // bytes the stream produced since the last reset()
    std::uint64_t call_start_ = 0;   // produced_ when the current follow() began
    std::uint32_t stored_left_ = 0;  // bytes of the current stored block still to come
    // Codes of the current dynamic block to read before its literals are paired up.
    std::uint32_t pairing_countdown_ = 0;
    // The current block's Huffman codes and the dynamic block header being read (.cpp).
    struct Codes;
    std::unique_ptr<Codes> codes_;
};

}  // namespace wsspec::codec
