// How much a peer may send during one case before wsspec calls it a flood (STYLE 6). Plain
// counting, no I/O, so the rule is testable on its own.
//
// What a peer under test legitimately sends is an answer to what the case sends: the echo
// of each message (possibly fragmented differently, RFC 6455 5.4), Pongs to our Pings,
// its Close -- plus a little it may send on its own at any time (a few Pings, an unsolicited
// Pong, the handshake response). So the allowance grows with what the case's steps send:
//
//   bytes  <= unprompted_bytes  + echo_factor * bytes the steps sent
//             + max frame header size * frames received (within the frame allowance)
//   frames <= unprompted_frames + echo_factor * (frames the steps sent
//                                                + bytes the steps sent / min_echo_fragment)
//
// The frame term lets a peer re-fragment an echo down to min_echo_fragment octets per frame;
// RFC 6455 5.4 sets no lower bound on a fragment, so that is one octet (a 16 MiB echo may
// come as 16 million frames), and the byte term pays for each such frame's header. Our own
// automatic answers (Pongs, the Close reply) do not count as steps: a Ping flood would otherwise
// buy itself allowance with the Pongs it forces us to send. A catalog case (16 MiB messages, 1000
// round trips) stays far below these limits; an endless stream crosses them within a fraction of a
// second.
#pragma once

#include <cstdint>
#include <string>

namespace wsspec::peer {

struct ReceiveBudgetLimits {
    std::uint64_t unprompted_bytes = 1ULL << 20;
    std::uint64_t unprompted_frames = 4096;
    std::uint64_t echo_factor = 2;
    std::uint64_t min_echo_fragment = 1;
    std::uint64_t frame_header_bytes = 14;  // RFC 6455 5.2: 2 + 8 (length) + 4 (mask key)
};

class ReceiveBudget {
  public:
    explicit ReceiveBudget(ReceiveBudgetLimits limits = {}) : limits_(limits) {}

    // The case's steps sent `bytes` octets in `frames` frames (raw steps: 0 frames).
    void steps_sent(std::uint64_t bytes, std::uint64_t frames) {
        step_bytes_ += bytes;
        step_frames_ += frames;
    }
    // The peer sent this much; false once it is beyond the allowance.
    bool received_bytes(std::uint64_t n) {
        bytes_ += n;
        return within();
    }
    bool received_frame() {
        ++frames_;
        return within();
    }

    [[nodiscard]] bool within() const {
        return bytes_ <= byte_allowance() && frames_ <= frame_allowance();
    }
    [[nodiscard]] std::uint64_t byte_allowance() const {
        const std::uint64_t framed = frames_ < frame_allowance() ? frames_ : frame_allowance();
        return limits_.unprompted_bytes + limits_.echo_factor * step_bytes_ +
               limits_.frame_header_bytes * framed;
    }
    [[nodiscard]] std::uint64_t frame_allowance() const {
        const std::uint64_t fragment = limits_.min_echo_fragment ? limits_.min_echo_fragment : 1;
        return limits_.unprompted_frames +
               limits_.echo_factor * (step_frames_ + step_bytes_ / fragment);
    }
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }
    [[nodiscard]] std::uint64_t frames() const { return frames_; }

  private:
    ReceiveBudgetLimits limits_;
    std::uint64_t step_bytes_ = 0;
    std::uint64_t step_frames_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t frames_ = 0;
};

}  // namespace wsspec::peer
