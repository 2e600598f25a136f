// Shared text grammar of RFC 3261 section 25 (and RFC 7230, which uses the same
// token and quoted-string rules): character classes, LWS, quoted-string, %HH escapes.
// Everything here works on views of the caller's bytes and never allocates, except
// the functions that append to a std::string the caller owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"

namespace pushcore::text {

// Character classes (RFC 3261 section 25.1), one bit each.
enum CharClass : uint16_t {
    kAlphanum = 1 << 0,
    kMark = 1 << 1,             // - _ . ! ~ * ' ( )
    kTokenExtra = 1 << 2,       // the token characters beyond alphanum: - . ! % * _ + ` ' ~
    kUserUnreserved = 1 << 3,   // & = + $ , ; ? /
    kParamUnreserved = 1 << 4,  // [ ] / : & + $
    kHnvUnreserved = 1 << 5,    // [ ] / ? : + $
    kPasswordExtra = 1 << 6,    // & = + $ ,
    kHostChar = 1 << 7,         // alphanum - .
    kWsp = 1 << 8,              // SP HTAB
    kWordExtra = 1 << 9,        // the word (Call-ID) characters beyond token
};

bool is(char c, uint16_t classes) noexcept;
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool is_token_char(char c) noexcept { return is(c, kAlphanum | kTokenExtra); }
inline bool is_unreserved(char c) noexcept { return is(c, kAlphanum | kMark); }

// True when `s` is a non-empty RFC 3261 token.
bool is_token(std::string_view s) noexcept;

// ASCII case-insensitive equality: SIP method names are case-sensitive, but header
// names, parameter names, schemes and host names are not.
bool iequals(std::string_view a, std::string_view b) noexcept;

// Length of the LWS (RFC 3261 25.1: [*WSP CRLF] 1*WSP) or bare *WSP at s[pos],
// i.e. how many bytes SWS covers there. A CRLF not followed by WSP is not LWS.
size_t lws_length(std::string_view s, size_t pos) noexcept;

// Trims SWS on both sides.
std::string_view trim_lws(std::string_view s) noexcept;

// Length of the quoted-string starting at s[pos] (which must be DQUOTE), including
// both quotes; 0 with `err` set when it is unterminated or holds a bad quoted-pair.
size_t quoted_string_length(std::string_view s, size_t pos, Error& err) noexcept;

// Appends the content of a quoted-string (quotes included in `quoted`) with
// quoted-pairs resolved.
void append_unquoted(std::string& out, std::string_view quoted);

// Appends `value` as a quoted-string, escaping DQUOTE and backslash.
void append_quoted(std::string& out, std::string_view value);

// Checks that every '%' in `s` starts a %HH escape; the error offset is relative to s.
Status check_escapes(std::string_view s, Error& err) noexcept;

// Number of bytes `s` decodes to (s must have passed check_escapes).
size_t decoded_length(std::string_view s) noexcept;

// Decodes %HH escapes of `s` (which must have passed check_escapes) into out[0..cap).
// Returns the decoded length, or Status::buffer_too_small (as a negative value)
// when it does not fit. Never allocates.
std::ptrdiff_t pct_decode(std::string_view s, char* out, size_t cap) noexcept;

// Appends the %HH-decoded form of `s` (which must have passed check_escapes).
void append_decoded(std::string& out, std::string_view s);

// Appends `value`, writing every byte outside `allowed` (plus unreserved) as %HH.
void append_escaped(std::string& out, std::string_view value, uint16_t allowed);

}  // namespace pushcore::text
