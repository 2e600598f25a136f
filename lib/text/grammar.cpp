#include "pushcore/text/grammar.hpp"

namespace pushcore::text {

namespace {

// Bytes that end a quoted-string's run of plain qdtext: DQUOTE, backslash, CR, LF and the
// control characters other than HTAB.
inline bool quoted_stop(unsigned char c) noexcept {
    return (detail::kClassTable.bits[c] & kQuotedStop) != 0;
}

// First offset at or after i holding a quoted_stop byte, or s.size(); as text::span.
inline size_t qdtext_end(std::string_view s, size_t i) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const uint32_t* t = detail::kClassTable.bits;
    while (i + 4 <= s.size()) {
        if (t[p[i]] & kQuotedStop) return i;
        if (t[p[i + 1]] & kQuotedStop) return i + 1;
        if (t[p[i + 2]] & kQuotedStop) return i + 2;
        if (t[p[i + 3]] & kQuotedStop) return i + 3;
        i += 4;
    }
    while (i < s.size() && !quoted_stop(p[i])) ++i;
    return i;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_token_char(c)) return false;
    return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i] && lower(a[i]) != lower(b[i])) return false;
    return true;
}

size_t lws_length(std::string_view s, size_t pos) noexcept {
    size_t i = pos;
    while (i < s.size() && is(s[i], kWsp)) ++i;
    // A line break counts only when folding continues on the next line, and only as CRLF:
    // a bare LF (or CR) is not a line end in SIP, so it cannot fold one.
    if (i + 2 < s.size() && s[i] == '\r' && s[i + 1] == '\n' && is(s[i + 2], kWsp)) {
        i += 3;
        while (i < s.size() && is(s[i], kWsp)) ++i;
    }
    return i - pos;
}

std::string_view trim_lws(std::string_view s) noexcept {
    size_t b = 0;
    while (b < s.size() && (is(s[b], kWsp) || s[b] == '\r' || s[b] == '\n')) ++b;
    size_t e = s.size();
    while (e > b && (is(s[e - 1], kWsp) || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
    return s.substr(b, e - b);
}

size_t quoted_string_length(std::string_view s, size_t pos, Error& err) noexcept {
    // RFC 3261 25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
    for (size_t i = pos + 1; i < s.size(); ++i) {
        i = qdtext_end(s, i);
        if (i >= s.size()) break;
        char c = s[i];
        if (c == '"') return i + 1 - pos;
        if (c == '\\') {
            if (i + 1 >= s.size()) break;
            unsigned char n = static_cast<unsigned char>(s[i + 1]);
            if (n == '\r' || n == '\n' || n > 0x7f) {
                err.fail(Status::bad_escape, "quoted-pair escapes CR, LF or a non-ASCII byte", i);
                return 0;
            }
            ++i;
        } else if (c == '\r' || c == '\n') {
            size_t lws = lws_length(s, i);
            if (lws == 0) {
                err.fail(Status::syntax, "line break inside quoted-string", i);
                return 0;
            }
            i += lws - 1;
        } else {
            // kQuotedStops leaves only the control characters here.
            err.fail(Status::syntax, "control character inside quoted-string", i);
            return 0;
        }
    }
    err.fail(Status::syntax, "unterminated quoted-string", pos);
    return 0;
}

void append_unquoted(std::string& out, std::string_view quoted) {
    std::string_view inner = quoted.substr(1, quoted.size() >= 2 ? quoted.size() - 2 : 0);
    for (size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
        out.push_back(inner[i]);
    }
}

void append_quoted(std::string& out, std::string_view value) {
    // qdtext takes neither DQUOTE, backslash, controls nor DEL: those go as quoted-pairs
    // (RFC 3261 25.1). CR and LF cannot; a value holds them only as a fold, kept as is.
    out.push_back('"');
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\' ||
            ((u < 0x20 || u == 0x7f) && c != '\t' && c != '\r' && c != '\n'))
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

Status check_escapes(std::string_view s, Error& err) noexcept {
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') continue;
        if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
            return err.fail(Status::bad_escape, "'%' not followed by two hex digits", i);
        i += 2;
    }
    return Status::ok;
}

size_t decoded_length(std::string_view s) noexcept {
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i, ++n)
        if (s[i] == '%') i += 2;
    return n;
}

std::ptrdiff_t pct_decode(std::string_view s, char* out, size_t cap) noexcept {
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (n == cap) return static_cast<std::ptrdiff_t>(Status::buffer_too_small);
        if (s[i] == '%') {
            out[n++] = static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    return static_cast<std::ptrdiff_t>(n);
}

void append_decoded(std::string& out, std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
}

void append_escaped(std::string& out, std::string_view value, uint32_t allowed) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char c : value) {
        if (c != '%' && is(c, allowed | kAlphanum | kMark)) {
            out.push_back(c);
        } else {
            unsigned char u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
        }
    }
}

}  // namespace pushcore::text
