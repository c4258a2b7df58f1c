#include "harness/server/server_defects.h"

#include <array>

namespace wsspec::server {
namespace {

using codec::ErrorKind;

constexpr std::array defects = {
    DefectInfo{Defect::accept_unmasked, "accept-unmasked",
               "RFC 6455 5.1: unmasked client frames accepted", ErrorKind::unmasked_client_frame},
    DefectInfo{Defect::accept_reserved_bits, "accept-reserved-bits",
               "RFC 6455 5.2: RSV bits accepted", ErrorKind::reserved_bits_set},
    DefectInfo{Defect::skip_utf8_check, "skip-utf8-check", "RFC 6455 8.1: invalid UTF-8 accepted",
               ErrorKind::invalid_utf8},
    DefectInfo{Defect::accept_long_control, "accept-long-control",
               "RFC 6455 5.5: control payload > 125 accepted", ErrorKind::control_frame_too_long},
    DefectInfo{Defect::accept_bad_close_code, "accept-bad-close-code",
               "RFC 6455 7.4: invalid close codes accepted", ErrorKind::invalid_close_code},
    DefectInfo{Defect::no_size_limit, "no-size-limit", "RFC 6455 10.4: no message size limit",
               ErrorKind::message_too_big},
    DefectInfo{Defect::no_pong, "no-pong", "RFC 6455 5.5.2: pings not answered"},
    DefectInfo{Defect::wrong_pong_payload, "wrong-pong-payload",
               "RFC 6455 5.5.3: pong without the ping's data"},
    DefectInfo{Defect::no_close_reply, "no-close-reply",
               "RFC 6455 5.5.1: close not answered with a close"},
    DefectInfo{Defect::wrong_close_reply, "wrong-close-reply",
               "RFC 6455 5.5.1: close answered with 1011"},
    DefectInfo{Defect::text_as_binary, "text-as-binary", "echo: text messages echoed as binary"},
    DefectInfo{Defect::drop_empty_messages, "drop-empty-messages",
               "echo: empty messages not echoed"},
    DefectInfo{Defect::fail_with_wrong_code, "fail-with-wrong-code",
               "RFC 6455 7.4.1: protocol errors closed with 1000"},
    DefectInfo{Defect::pong_after_close, "pong-after-close",
               "RFC 6455 5.5.1: pings answered after the peer's close"},
};

}  // namespace

std::span<const DefectInfo> all_defects() {
    return defects;
}

DefectSet parse_defects(std::string_view list) {
    return peer::parse_defect_list(list, all_defects());
}

}  // namespace wsspec::server
