// The URL- and filename-safe base64 alphabet (RFC 4648 section 5), without padding, as
// Web Push uses it for capability URLs, keys and topics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pushcore {

// Appends the unpadded base64url form of data[0..len).
void base64url_encode(const uint8_t* data, size_t len, std::string& out);
// Decodes unpadded base64url text into out[0..cap); returns the decoded length, or -1 when
// `text` holds a character outside the alphabet, has an impossible length (4n+1), has
// non-zero trailing bits, or does not fit. Never allocates.
std::ptrdiff_t base64url_decode(std::string_view text, uint8_t* out, size_t cap) noexcept;

}  // namespace pushcore
