#include "pushcore/core/base64url.hpp"

namespace pushcore {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each byte's 6-bit value, or -1 outside the alphabet: one load per character.
struct DecodeTable {
    int8_t v[256];
};
constexpr DecodeTable make_decode_table() {
    DecodeTable t{};
    for (int i = 0; i < 256; ++i) t.v[i] = -1;
    for (int i = 0; i < 64; ++i)
        t.v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    return t;
}
constexpr DecodeTable kDecode = make_decode_table();

int value_of(char c) noexcept {
    return kDecode.v[static_cast<unsigned char>(c)];
}
}  // namespace

void base64url_encode(const uint8_t* data, size_t len, std::string& out) {
    out.reserve(out.size() + (len * 4 + 2) / 3);
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = uint32_t{data[i]} << 16;
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
    } else if (len - i == 2) {
        uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8;
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
}

std::ptrdiff_t base64url_decode(std::string_view text, uint8_t* out, size_t cap) noexcept {
    if (text.size() % 4 == 1) return -1;
    const size_t need = text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1);
    if (need > cap) return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (char c : text) {
        int v = value_of(c);
        if (v < 0) return -1;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = static_cast<uint8_t>(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) return -1;  // RFC 4648 3.5: the unused bits must be zero
    return static_cast<std::ptrdiff_t>(n);
}

}  // namespace pushcore
