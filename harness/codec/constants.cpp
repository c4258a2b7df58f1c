#include "harness/codec/constants.h"

namespace wsspec::codec {

std::string_view opcode_name(std::uint8_t opcode) {
    switch (opcode) {
        case 0x0:
            return "continuation";
        case 0x1:
            return "text";
        case 0x2:
            return "binary";
        case 0x8:
            return "close";
        case 0x9:
            return "ping";
        case 0xA:
            return "pong";
        default:
            return is_control(opcode) ? "reserved-control" : "reserved-data";
    }
}

}  // namespace wsspec::codec
