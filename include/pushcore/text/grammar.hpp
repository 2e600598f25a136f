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
enum CharClass : uint32_t {
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

// Unions of the classes above (and a few sets the parsers need), one bit each, so that a
// scanner can test one bit per byte, or and-combine the entries of several bytes and test
// the bit once.
enum ScanClass : uint32_t {
    kTokenChar = 1u << 16,     // token: alphanum / - . ! % * _ + ` ' ~
    kParamChar = 1u << 17,     // paramchar without '%': unreserved / param-unreserved
    kUserChar = 1u << 18,      // user without '%': unreserved / user-unreserved
    kPasswordChar = 1u << 19,  // password without '%': unreserved / & = + $ ,
    kHeaderChar = 1u << 20,    // hname / hvalue without '%': unreserved / hnv-unreserved
    kUserInfoChar = 1u << 21,  // anything userinfo may hold: user, password, '%', ':'
    kLabelChar = 1u << 22,     // in a host name label: alphanum - _
    kDigitChar = 1u << 23,     // 0-9
    kLwsStart = 1u << 24,      // SP HTAB CR LF: where LWS may start
    kParamNameByte =
        1u << 25,  // continues a name in a walked parameter list: not = ; SP HTAB CR LF
    kParamValueByte = 1u << 26,  // continues an unquoted value there: not ; SP HTAB CR LF
    kQuotedStop = 1u << 27,      // ends a run of qdtext: DQUOTE, backslash, controls but HTAB
};

namespace detail {

struct ClassTable {
    uint32_t bits[256];
};

constexpr ClassTable make_class_table() {
    ClassTable t{};
    auto add = [&t](const char* chars, uint32_t cls) {
        for (const char* p = chars; *p; ++p) t.bits[static_cast<unsigned char>(*p)] |= cls;
    };
    for (int c = 'a'; c <= 'z'; ++c) t.bits[c] |= kAlphanum | kHostChar;
    for (int c = 'A'; c <= 'Z'; ++c) t.bits[c] |= kAlphanum | kHostChar;
    for (int c = '0'; c <= '9'; ++c) t.bits[c] |= kAlphanum | kHostChar | kDigitChar;
    add("-_.!~*'()", kMark);
    add("-.!%*_+`'~", kTokenExtra);
    add("&=+$,;?/", kUserUnreserved);
    add("[]/:&+$", kParamUnreserved);
    add("[]/?:+$", kHnvUnreserved);
    add("&=+$,", kPasswordExtra);
    add("-.", kHostChar);
    add(" \t", kWsp);
    add("-.!%*_+`'~()<>:\\\"/[]?{}", kWordExtra);
    for (int c = 0; c < 256; ++c) {
        uint32_t b = t.bits[c];
        bool unreserved = (b & (kAlphanum | kMark)) != 0;
        if (b & (kAlphanum | kTokenExtra)) b |= kTokenChar;
        if (unreserved || (b & kParamUnreserved)) b |= kParamChar;
        if (unreserved || (b & kUserUnreserved)) b |= kUserChar | kUserInfoChar;
        if (unreserved || (b & kPasswordExtra)) b |= kPasswordChar | kUserInfoChar;
        if (unreserved || (b & kHnvUnreserved)) b |= kHeaderChar;
        if (b & kAlphanum) b |= kLabelChar;
        b |= kParamNameByte | kParamValueByte;
        if (c < 0x20 && c != '\t') b |= kQuotedStop;
        t.bits[c] = b;
    }
    add("%:", kUserInfoChar);
    add("-_", kLabelChar);
    add(" \t\r\n", kLwsStart);
    for (const char* p = " \t\r\n;"; *p; ++p)
        t.bits[static_cast<unsigned char>(*p)] &= ~(kParamNameByte | kParamValueByte);
    t.bits[static_cast<unsigned char>('=')] &= ~kParamNameByte;
    add("\"\\", kQuotedStop);
    return t;
}

inline constexpr ClassTable kClassTable = make_class_table();

}  // namespace detail

// The class bits of byte c.
inline uint32_t classes_of(char c) noexcept {
    return detail::kClassTable.bits[static_cast<unsigned char>(c)];
}

// True when c belongs to any of `classes`.
inline bool is(char c, uint32_t classes) noexcept {
    return (classes_of(c) & classes) != 0;
}

// First offset at or after pos whose byte is not in `cls` (one class bit), or s.size().
// Four bytes per step, each checked on its own: one bounds check per step, and the byte
// that ends the run is known as soon as it is seen.
inline size_t span(std::string_view s, size_t pos, uint32_t cls) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const uint32_t* t = detail::kClassTable.bits;
    while (pos + 4 <= s.size()) {
        if (!(t[p[pos]] & cls)) return pos;
        if (!(t[p[pos + 1]] & cls)) return pos + 1;
        if (!(t[p[pos + 2]] & cls)) return pos + 2;
        if (!(t[p[pos + 3]] & cls)) return pos + 3;
        pos += 4;
    }
    while (pos < s.size() && (t[p[pos]] & cls)) ++pos;
    return pos;
}
inline bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
inline bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool is_token_char(char c) noexcept {
    return is(c, kTokenChar);
}
inline bool is_unreserved(char c) noexcept {
    return is(c, kAlphanum | kMark);
}

// True when `s` is a non-empty RFC 3261 token.
bool is_token(std::string_view s) noexcept;

// ASCII case-insensitive equality: SIP method names are case-sensitive, but header
// names, parameter names, schemes and host names are not.
bool iequals(std::string_view a, std::string_view b) noexcept;

// Length of the LWS (RFC 3261 25.1: [*WSP CRLF] 1*WSP) or bare *WSP at s[pos],
// i.e. how many bytes SWS covers there. A CRLF not followed by WSP is not LWS.
size_t lws_length(std::string_view s, size_t pos) noexcept;

// lws_length, without the call where no LWS can start.
inline size_t lws_at(std::string_view s, size_t pos) noexcept {
    return (pos < s.size() && is(s[pos], kLwsStart)) ? lws_length(s, pos) : 0;
}

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
void append_escaped(std::string& out, std::string_view value, uint32_t allowed);

}  // namespace pushcore::text
