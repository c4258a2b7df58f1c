// Differential: the same client byte stream through wsspec's server side and Boost.Beast's
// (server_outcome.h, beast_server.h). Both must deliver the same messages and end the same
// way (same close code) -- except for these justified differences, each checked narrowly:
//
//  1. Fail fast inside a header. wsspec judges RSV bits, opcode, FIN of control frames,
//     control length, masking and the length encoding as soon as the bytes that decide
//     them arrive; Beast waits for the whole header (up to 14 bytes). When the input ends
//     inside that header, wsspec has failed and Beast has not decided yet.
//  2. Close codes 1014 and 5000-65535. wsspec follows the IANA registry, where 1014 (Bad
//     Gateway) is assigned and may be received, and RFC 6455 7.4.2, which gives no meaning
//     to codes above 4999; Beast 1.74 rejects 1014 and accepts anything >= 3000.
//  3. A 64-bit length with the most significant bit set. RFC 6455 5.2 says that bit MUST
//     be 0: wsspec fails with 1002; Beast does not check the bit and fails with 1009
//     because the length exceeds its message limit.
//  4. A Close reason that is not UTF-8. wsspec sends 1007 (RFC 6455 7.4.1: data not
//     consistent with the type of the message); Beast sends 1002 for every bad Close.
//  5. A fragmented text message that ends inside a code point, where the final fragment
//     is empty (e.g. "01 81 <key> cf" then "80 80 <key>"). Beast 1.74 checks that the
//     message ends on a code point boundary (utf8_checker::finish) only when the last
//     fragment carries payload bytes (websocket/impl/read.hpp, the `rd_remain == 0 &&
//     rd_fh.fin` test sits inside the "bytes were read" branch), so it delivers the
//     truncated text; wsspec fails with 1007 as RFC 6455 8.1 requires. Beast's checker
//     then still holds the unfinished code point, so the next text message is judged as
//     its continuation (a message "81" after "ce ac c5" was delivered too): nothing after
//     the truncated message is comparable. Found by this target; corpus/regressions/
//     frame_diff/ keeps the inputs, and catalog cases u8.1.* send such messages to
//     servers and clients under test.
#include <algorithm>

#include "fuzz/beast_server.h"
#include "fuzz/reference_utf8.h"

namespace {

using wsspec::codec::ErrorKind;
using wsspec::fuzz::ServerOutcome;
using End = ServerOutcome::End;

bool decided_inside_header(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::reserved_bits_set:
        case ErrorKind::reserved_opcode:
        case ErrorKind::control_frame_too_long:
        case ErrorKind::control_frame_fragmented:
        case ErrorKind::length_msb_set:
        case ErrorKind::non_minimal_length:
        case ErrorKind::unmasked_client_frame:
        case ErrorKind::masked_server_frame:
            return true;
        default:
            return false;
    }
}

// Difference 5: where wsspec failed on invalid UTF-8, Beast delivered the same messages
// and then a text message that is valid UTF-8 except that it stops inside a code point
// (and possibly more, see above).
bool beast_delivered_truncated_text(const ServerOutcome& ours, const ServerOutcome& beast) {
    if (ours.end != End::failed || ours.error != ErrorKind::invalid_utf8) return false;
    if (beast.messages.size() <= ours.messages.size()) return false;
    if (!std::equal(ours.messages.begin(), ours.messages.end(), beast.messages.begin())) {
        return false;
    }
    const auto& [binary, text] = beast.messages[ours.messages.size()];
    const auto check = wsspec::fuzz::reference_utf8(
        reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    return !binary && !check.valid && check.error_offset == text.size();
}

constexpr std::uint16_t iana_bad_gateway = 1014;
constexpr std::uint16_t first_undefined_code = 5000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ServerOutcome ours = wsspec::fuzz::run_wsspec_server(data, size);
    const ServerOutcome beast = wsspec::fuzz::run_beast_server(data, size);

    if (beast_delivered_truncated_text(ours, beast)) return 0;
    FUZZ_CHECK(ours.messages == beast.messages, "wsspec and Beast delivered different messages");

    // Difference 2: the peer sent a close code the two registries disagree on.
    const bool closed_1014 = ours.end == End::closed && ours.close_code == iana_bad_gateway;
    const bool rejected_above_4999 =
        ours.end == End::failed && ours.error == ErrorKind::invalid_close_code &&
        beast.end == End::closed && beast.close_code >= first_undefined_code;
    if (closed_1014 || rejected_above_4999) return 0;
    // Difference 1: wsspec failed inside a header Beast had not finished reading.
    if (ours.end == End::failed && beast.end == End::incomplete &&
        decided_inside_header(ours.error)) {
        return 0;
    }
    FUZZ_CHECK(ours.end == beast.end, "wsspec and Beast ended the stream differently");
    if (ours.end == End::incomplete) return 0;
    // Difference 3 and 4: same verdict, different close code.
    if (ours.error == ErrorKind::length_msb_set && beast.close_code == 1009) return 0;
    if (ours.error == ErrorKind::invalid_close_reason_utf8 && beast.close_code == 1002) return 0;
    FUZZ_CHECK(ours.close_code == beast.close_code, "wsspec and Beast used different close codes");
    return 0;
}
