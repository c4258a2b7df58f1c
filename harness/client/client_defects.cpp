#include "harness/client/client_defects.h"

#include <array>

namespace wsspec::client {
namespace {

using codec::ErrorKind;

constexpr std::array defects = {
    ClientDefectInfo{ClientDefect::no_mask, "no-mask", "RFC 6455 5.3: client frames not masked"},
    ClientDefectInfo{ClientDefect::accept_bad_accept_key, "accept-bad-accept-key",
                     "RFC 6455 4.1: a wrong or missing Sec-WebSocket-Accept accepted"},
    ClientDefectInfo{ClientDefect::accept_masked_frames, "accept-masked-frames",
                     "RFC 6455 5.1: masked server frames accepted", ErrorKind::masked_server_frame},
    ClientDefectInfo{ClientDefect::no_pong, "no-pong", "RFC 6455 5.5.2: pings not answered"},
    ClientDefectInfo{ClientDefect::no_close_reply, "no-close-reply",
                     "RFC 6455 5.5.1: close not answered with a close (TCP dropped instead)"},
    ClientDefectInfo{ClientDefect::accept_invalid_utf8, "accept-invalid-utf8",
                     "RFC 6455 8.1: invalid UTF-8 accepted", ErrorKind::invalid_utf8},
    ClientDefectInfo{ClientDefect::accept_reserved_bits, "accept-reserved-bits",
                     "RFC 6455 5.2: RSV bits accepted", ErrorKind::reserved_bits_set},
    ClientDefectInfo{ClientDefect::text_as_binary, "text-as-binary",
                     "echo: text messages echoed as binary"},
    ClientDefectInfo{ClientDefect::accept_bad_close_code, "accept-bad-close-code",
                     "RFC 6455 7.4: invalid close codes accepted (and echoed)",
                     ErrorKind::invalid_close_code},
};

}  // namespace

std::span<const ClientDefectInfo> all_client_defects() {
    return defects;
}

ClientDefectSet parse_client_defects(std::string_view list) {
    return peer::parse_defect_list(list, all_client_defects());
}

}  // namespace wsspec::client
