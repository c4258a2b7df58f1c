#include "harness/codec/frame_writer.h"

#include "harness/codec/constants.h"

namespace wsspec::codec {
namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t mask_bit = 0x80;

void put_big_endian(std::uint8_t* out, std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out[n - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
}

LengthForm minimal_form(std::uint64_t length) {
    if (length <= max_control_payload) return LengthForm::bits7;
    if (length <= max_16bit_payload) return LengthForm::bits16;
    return LengthForm::bits64;
}

}  // namespace

std::size_t write_frame_header(const FrameSpec& spec, std::uint64_t payload_size,
                               std::uint8_t* out) {
    const std::uint64_t length = spec.length_override.value_or(payload_size);
    const LengthForm form =
        spec.length_form == LengthForm::minimal ? minimal_form(length) : spec.length_form;
    out[0] = static_cast<std::uint8_t>((spec.fin ? fin_bit : 0) | ((spec.rsv & 0x7) << 4) |
                                       (spec.opcode & 0x0F));
    const std::uint8_t mask_flag = spec.masked ? mask_bit : 0;
    std::size_t n = 2;
    switch (form) {
        case LengthForm::minimal:
        case LengthForm::bits7:
            out[1] = static_cast<std::uint8_t>(mask_flag | (length & 0x7F));
            break;
        case LengthForm::bits16:
            out[1] = mask_flag | payload_len_16bit;
            put_big_endian(out + 2, length, 2);
            n += 2;
            break;
        case LengthForm::bits64:
            out[1] = mask_flag | payload_len_64bit;
            put_big_endian(out + 2, length, 8);
            n += 8;
            break;
    }
    if (spec.masked) {
        for (std::size_t i = 0; i < 4; ++i)
            out[n + i] = spec.mask_key[i];
        n += 4;
    }
    return n;
}

void append_frame(std::string& out, const FrameSpec& spec, std::string_view payload) {
    std::uint8_t header[max_frame_header_size];
    const std::size_t header_size = write_frame_header(spec, payload.size(), header);
    const std::size_t start = out.size();
    out.resize(start + header_size + payload.size());
    auto* dst = reinterpret_cast<std::uint8_t*>(out.data()) + start;
    std::copy(header, header + header_size, dst);
    std::copy(payload.begin(), payload.end(), dst + header_size);
    if (spec.masked) apply_mask(dst + header_size, payload.size(), spec.mask_key);
}

std::string close_payload(std::optional<std::uint16_t> code, std::string_view reason) {
    std::string body;
    if (!code) return body;
    body.reserve(2 + reason.size());
    body.push_back(static_cast<char>(*code >> 8));
    body.push_back(static_cast<char>(*code & 0xFF));
    body.append(reason);
    return body;
}

}  // namespace wsspec::codec
