#include "harness/server/server_defects.h"

#include <stdexcept>

namespace wsspec::server {

const std::vector<DefectInfo>& all_defects() {
    static const std::vector<DefectInfo> defects = {
        {Defect::accept_unmasked, "accept-unmasked",
         "RFC 6455 5.1: unmasked client frames accepted"},
        {Defect::accept_reserved_bits, "accept-reserved-bits", "RFC 6455 5.2: RSV bits accepted"},
        {Defect::skip_utf8_check, "skip-utf8-check", "RFC 6455 8.1: invalid UTF-8 accepted"},
        {Defect::accept_long_control, "accept-long-control",
         "RFC 6455 5.5: control payload > 125 accepted"},
        {Defect::accept_bad_close_code, "accept-bad-close-code",
         "RFC 6455 7.4: invalid close codes accepted"},
        {Defect::no_size_limit, "no-size-limit", "RFC 6455 10.4: no message size limit"},
        {Defect::no_pong, "no-pong", "RFC 6455 5.5.2: pings not answered"},
        {Defect::wrong_pong_payload, "wrong-pong-payload",
         "RFC 6455 5.5.3: pong without the ping's data"},
        {Defect::no_close_reply, "no-close-reply",
         "RFC 6455 5.5.1: close not answered with a close"},
        {Defect::wrong_close_reply, "wrong-close-reply",
         "RFC 6455 5.5.1: close answered with 1011"},
        {Defect::text_as_binary, "text-as-binary", "echo: text messages echoed as binary"},
        {Defect::drop_empty_messages, "drop-empty-messages", "echo: empty messages not echoed"},
        {Defect::fail_with_wrong_code, "fail-with-wrong-code",
         "RFC 6455 7.4.1: protocol errors closed with 1000"},
        {Defect::pong_after_close, "pong-after-close",
         "RFC 6455 5.5.1: pings answered after the peer's close"},
    };
    return defects;
}

std::vector<Defect> parse_defects(std::string_view list) {
    std::vector<Defect> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        bool found = false;
        for (const auto& d : all_defects()) {
            if (d.name == name) {
                out.push_back(d.defect);
                found = true;
            }
        }
        if (!found && !name.empty()) {
            throw std::invalid_argument("unknown defect '" + std::string(name) + "'");
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
}

void DefectSet::apply(codec::ConnectionLimits& limits) const {
    using codec::ErrorKind;
    auto waive = [&](ErrorKind k) { limits.waived |= 1U << static_cast<unsigned>(k); };
    if (has(Defect::accept_unmasked)) waive(ErrorKind::unmasked_client_frame);
    if (has(Defect::accept_reserved_bits)) waive(ErrorKind::reserved_bits_set);
    if (has(Defect::skip_utf8_check)) waive(ErrorKind::invalid_utf8);
    if (has(Defect::accept_long_control)) waive(ErrorKind::control_frame_too_long);
    if (has(Defect::accept_bad_close_code)) waive(ErrorKind::invalid_close_code);
    if (has(Defect::no_size_limit)) waive(ErrorKind::message_too_big);
}

}  // namespace wsspec::server
