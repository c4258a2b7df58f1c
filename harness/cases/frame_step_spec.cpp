#include "harness/cases/frame_step_spec.h"

namespace wsspec::cases {
namespace {

codec::LengthForm length_form(std::optional<int> form) {
    if (!form) return codec::LengthForm::minimal;
    switch (*form) {
        case 7:
            return codec::LengthForm::bits7;
        case 16:
            return codec::LengthForm::bits16;
        case 64:
            return codec::LengthForm::bits64;
        default:
            return codec::LengthForm::minimal;
    }
}

}  // namespace

codec::MaskKey mask_key_bytes(std::uint32_t key) {
    return {static_cast<std::uint8_t>(key >> 24), static_cast<std::uint8_t>(key >> 16),
            static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
}

codec::FrameSpec frame_spec_of(const FrameStep& f, bool mask_by_default,
                               codec::MaskKey default_key) {
    codec::FrameSpec spec;
    spec.fin = f.fin;
    spec.rsv = f.rsv;
    spec.opcode = f.opcode;
    spec.masked = f.mask.value_or(mask_by_default);
    spec.mask_key = f.mask_key ? mask_key_bytes(*f.mask_key) : default_key;
    spec.length_override = f.length;
    spec.length_form = length_form(f.length_form);
    return spec;
}

}  // namespace wsspec::cases
