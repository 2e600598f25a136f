#include "pushcore/sip/name_addr.hpp"

#include <algorithm>
#include <cstring>

#include "pushcore/sip/params.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip {

// In uri.cpp: parses the longest SIP or SIPS URI at s[begin] into `out` (as Uri{} left it),
// setting `end` to its end.
Status parse_uri_prefix(std::string_view s, size_t begin, size_t& end, Uri& out,
                        Error& err) noexcept;

using text::is;
using text::lws_length;

namespace {

bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// absoluteURI (RFC 3261 25.1), checked loosely: scheme ":" then visible characters.
Status check_absolute_uri(std::string_view u, size_t base, Error& err) noexcept {
    size_t i = 0;
    if (u.empty() || !is_alpha(u[0])) return err.fail(Status::bad_uri, "URI scheme expected", base);
    while (i < u.size() &&
           (is_alpha(u[i]) || text::is_digit(u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'))
        ++i;
    if (i >= u.size() || u[i] != ':')
        return err.fail(Status::bad_uri, "':' expected after URI scheme", base + i);
    if (i + 1 == u.size()) return err.fail(Status::bad_uri, "empty URI after scheme", base + i);
    for (size_t j = i + 1; j < u.size(); ++j) {
        unsigned char c = static_cast<unsigned char>(u[j]);
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
            return err.fail(Status::bad_uri, "character not allowed in URI", base + j);
    }
    return Status::ok;
}

// Offset of the first `c` at or after s[pos], or s.size().
size_t find_byte(std::string_view s, size_t pos, char c) noexcept {
    if (pos >= s.size()) return s.size();
    const void* hit = std::memchr(s.data() + pos, c, s.size() - pos);
    return hit ? static_cast<size_t>(static_cast<const char*>(hit) - s.data()) : s.size();
}

Status parse_uri_at(std::string_view text, size_t begin, size_t end, NameAddr& out,
                    Error& err) noexcept {
    out.uri = text.substr(begin, end - begin);
    bool sip_scheme = (out.uri.size() >= 4 && text::iequals(out.uri.substr(0, 4), "sip:")) ||
                      (out.uri.size() >= 5 && text::iequals(out.uri.substr(0, 5), "sips:"));
    if (!sip_scheme) return check_absolute_uri(out.uri, begin, err);
    if (parse_uri(out.uri, out.sip, err) != Status::ok) {
        err.offset += begin;
        return err.status;
    }
    out.is_sip = true;
    return Status::ok;
}

// The header parameters after the URI, at s[i], up to the end of s.
Status parse_header_params(std::string_view s, size_t i, NameAddr& out, Error& err) noexcept {
    if (i == s.size()) return Status::ok;  // none: what the lines below find there too
    size_t params_begin = i + text::lws_at(s, i);
    if (scan_params(s, i, ParamSyntax::header, err) != Status::ok) return err.status;
    if (i > params_begin) out.params = s.substr(params_begin, i - params_begin);
    i += text::lws_at(s, i);
    if (i != s.size())
        return err.fail(Status::syntax, "unexpected character after header parameters", i);
    return Status::ok;
}

}  // namespace

Status parse_name_addr(std::string_view s, NameAddr& out, Error& err) noexcept {
    out = NameAddr{};
    size_t i = text::lws_at(s, 0);
    size_t display_begin = i;

    if (i < s.size() && s[i] == '"') {
        size_t len = text::quoted_string_length(s, i, err);
        if (len == 0) return err.status;
        out.display_name = s.substr(i, len);
        out.display_quoted = true;
        i += len;
        i += lws_length(s, i);
        if (i >= s.size() || s[i] != '<')
            return err.fail(Status::syntax, "'<' expected after display name", i);
    } else {
        // display-name = *(token LWS): only a display name if a '<' follows the tokens.
        size_t j = i, last_token_end = i;
        while (j < s.size() && text::is_token_char(s[j])) {
            while (j < s.size() && text::is_token_char(s[j])) ++j;
            last_token_end = j;
            j += lws_length(s, j);
        }
        if (j < s.size() && s[j] == '<') {
            out.display_name = s.substr(display_begin, last_token_end - display_begin);
            i = j;
        }
    }

    if (i < s.size() && s[i] == '<') {
        out.bracketed = true;
        size_t begin = i + 1, j = begin;
        // Usually the URI is sip: or sips: and valid: parse it in place, and find the '>'
        // where it stops. That is where the search below would find it, and the URI it
        // delimits would be the same: a SIP URI holds no '>', no LWS and no '"' except in a
        // (lenient) quoted uri-parameter value, whose end both find the same way. Anything
        // else (another scheme, an error to report, an Error already failed, which the
        // parsers below would report) goes the general way.
        if (err.status == Status::ok) {
            Error scratch;  // out.sip is as NameAddr{} left it
            size_t first = begin + text::lws_at(s, begin), end = 0;
            if (parse_uri_prefix(s, first, end, out.sip, scratch) == Status::ok) {
                j = end + text::lws_at(s, end);
                if (j < s.size() && s[j] == '>') {
                    out.uri = s.substr(first, end - first);
                    out.is_sip = true;
                    i = j + 1;
                    return parse_header_params(s, i, out, err);
                }
            }
            out.sip = Uri{};
            j = begin;
        }
        // The URI ends at '>', except inside a (lenient) quoted uri-parameter value.
        // memchr finds both quickly; quotes are rare.
        for (size_t from = begin;;) {
            j = find_byte(s, from, '>');
            size_t quote = find_byte(s.substr(0, j), from, '"');
            if (quote >= j) break;
            size_t len = text::quoted_string_length(s, quote, err);
            if (len == 0) return err.status;
            from = quote + len;
        }
        if (j >= s.size()) return err.fail(Status::syntax, "'>' expected after URI", begin);
        // LWS around the URI is tolerated; LWS ends in WSP, so a CR or LF just before '>'
        // stays in the URI, which rejects it.
        size_t end = j;
        while (end > begin && is(s[end - 1], text::kWsp)) --end;
        if (end < j && end >= begin + 2 && s[end - 1] == '\n' && s[end - 2] == '\r') {
            end -= 2;
            while (end > begin && is(s[end - 1], text::kWsp)) --end;
        }
        size_t first = std::min(begin + lws_length(s, begin), end);
        if (parse_uri_at(s, first, end, out, err) != Status::ok) return err.status;
        i = j + 1;
    } else {
        size_t len = bare_uri_length(s, i);
        if (len == 0) return err.fail(Status::syntax, "name-addr or addr-spec expected", i);
        if (parse_uri_at(s, i, i + len, out, err) != Status::ok) return err.status;
        i += len;
    }

    return parse_header_params(s, i, out, err);
}

bool ListIterator::next(std::string_view& item, size_t& offset) noexcept {
    if (done_) return false;
    size_t begin = pos_, i = pos_;
    int angle = 0;
    while (i < value_.size()) {
        char c = value_[i];
        if (c == '"') {
            Error ignored;
            size_t len = text::quoted_string_length(value_, i, ignored);
            i = len ? i + len : value_.size();
            continue;
        }
        if (c == '<') ++angle;
        if (c == '>' && angle > 0) --angle;
        if (c == ',' && angle == 0) break;
        ++i;
    }
    done_ = i >= value_.size();
    pos_ = i + 1;
    // Trim LWS, keeping the offset of the first significant byte.
    while (begin < i &&
           (is(value_[begin], text::kWsp) || value_[begin] == '\r' || value_[begin] == '\n'))
        ++begin;
    item = text::trim_lws(value_.substr(begin, i - begin));
    offset = begin;
    return true;
}

}  // namespace pushcore::sip
