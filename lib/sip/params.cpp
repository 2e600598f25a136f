#include "pushcore/sip/params.hpp"

#include <algorithm>
#include <cstring>

#include "pushcore/sip/uri.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip {

using text::lws_at;
using text::lws_length;

namespace {

constexpr uint32_t kPC = text::kParamChar;
constexpr uint32_t kTok = text::kTokenChar;
constexpr uint32_t kNameByte = text::kParamNameByte;
constexpr uint32_t kValueByte = text::kParamValueByte;

inline bool has(char c, uint32_t cls) noexcept {
    return (text::classes_of(c) & cls) != 0;
}

using text::span;

// First offset at or after pos holding ';' or '"', or s.size(); eight bytes per step.
inline size_t find_semi_or_quote(std::string_view s, size_t pos) noexcept {
    constexpr uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
    while (pos + 8 <= s.size()) {
        uint64_t w;
        std::memcpy(&w, s.data() + pos, 8);
        uint64_t semi = w ^ (kOnes * ';'), quote = w ^ (kOnes * '"');
        // The high bit of each byte that is ';' or '"' is set, and maybe of bytes after
        // one (borrows), never of bytes before: the lowest set bit marks the first.
        uint64_t hits = (((semi - kOnes) & ~semi) | ((quote - kOnes) & ~quote)) & kHighs;
        if (hits) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return pos + static_cast<size_t>(__builtin_ctzll(hits) / 8);
#else
            break;
#endif
        }
        pos += 8;
    }
    while (pos < s.size() && s[pos] != ';' && s[pos] != '"') ++pos;
    return pos;
}

inline char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// paramchar_run from its first '%', at s[i].
size_t escaped_paramchar_run(std::string_view s, size_t pos, size_t i, Error& err) noexcept {
    for (;;) {
        if (i + 2 >= s.size() || !text::is_hex(s[i + 1]) || !text::is_hex(s[i + 2])) {
            err.fail(Status::bad_escape, "'%' not followed by two hex digits", i);
            return 0;
        }
        i = span(s, i + 3, kPC);
        if (i >= s.size() || s[i] != '%') return i - pos;
    }
}

// Length of the run of paramchar (with valid %HH escapes) at text[pos]. The usual run,
// without escapes, is read inline.
inline size_t paramchar_run(std::string_view s, size_t pos, Error& err) noexcept {
    size_t i = span(s, pos, kPC);
    if (i < s.size() && s[i] == '%') return escaped_paramchar_run(s, pos, i, err);
    return i - pos;
}

size_t token_run(std::string_view s, size_t pos) noexcept {
    return span(s, pos, kTok) - pos;
}

// gen-value = token / host / quoted-string (RFC 3261 25.1): hostname and IPv4address are
// tokens; what host adds is IPv6reference, "[" IPv6address "]". Via's received parameter
// takes a bare IPv6address (RFC 3261 20.42: via-received), so one is accepted too.
size_t host_value_run(std::string_view s, size_t pos) noexcept {
    if (pos < s.size() && s[pos] == '[') {
        size_t close = s.find(']', pos);
        if (close == std::string_view::npos || !valid_ipv6(s.substr(pos + 1, close - pos - 1)))
            return 0;
        return close + 1 - pos;
    }
    size_t token = token_run(s, pos);
    if (pos + token < s.size() && s[pos + token] == ':') {
        size_t end = pos;
        while (end < s.size() && (text::is_hex(s[end]) || s[end] == ':' || s[end] == '.')) ++end;
        if (valid_ipv6(s.substr(pos, end - pos))) return end - pos;
    }
    return token;
}

// One step of a walk (ParamIterator::next): skips to the next ';' at or after list[pos]
// and reads the parameter after it, leaving pos just past what it read.
// Reads the parameter whose name starts at list[pos] (after its ';' and LWS), leaving pos
// just past what it read.
inline void read_param(std::string_view list, size_t& pos, Param& out) noexcept {
    size_t name_begin = pos;
    pos = span(list, pos, kNameByte);
    out = Param{};
    out.name = list.substr(name_begin, pos - name_begin);
    size_t eq = pos + lws_at(list, pos);
    if (eq >= list.size() || list[eq] != '=') return;
    pos = eq + 1;
    pos += lws_at(list, pos);
    out.has_value = true;
    if (pos < list.size() && list[pos] == '"') {
        Error ignored;
        size_t len = text::quoted_string_length(list, pos, ignored);
        if (len < 2) len = list.size() - pos + 1;  // unvalidated list: take the rest
        out.quoted = true;
        out.value = list.substr(pos + 1, len - 2);
        pos = std::min(pos + len, list.size());
    } else {
        size_t value_begin = pos;
        pos = span(list, pos, kValueByte);
        out.value = list.substr(value_begin, pos - value_begin);
    }
}

// One step of a walk (ParamIterator::next): skips to the next ';' at or after list[pos]
// and reads the parameter after it, leaving pos just past what it read.
inline bool next_param(std::string_view list, size_t& pos, Param& out) noexcept {
    while (pos < list.size() && list[pos] != ';') ++pos;
    if (pos >= list.size()) return false;
    ++pos;
    pos += lws_at(list, pos);
    read_param(list, pos, out);
    return true;
}

}  // namespace

Status scan_params(std::string_view s, size_t& pos, ParamSyntax syntax, Error& err,
                   ParamIndex* index) noexcept {
    const bool uri = syntax == ParamSyntax::uri;
    const size_t list_begin = pos;
    size_t count = 0;
    // Records parameter `count` (its offsets are checked to fit when the list ends).
    auto record = [&](size_t name, size_t name_size, bool has_value, size_t value,
                      size_t value_size, bool quoted) {
        if (index && count < ParamIndex::kCapacity) {
            ParamIndex::Entry& e = index->entries[count];
            e.name_begin = static_cast<uint16_t>(name - list_begin);
            e.name_size = static_cast<uint16_t>(name_size);
            e.value_begin = static_cast<uint16_t>(value - list_begin);
            e.value_size = static_cast<uint16_t>(value_size);
            e.has_value = has_value;
            e.quoted = quoted;
        }
        ++count;
    };
    if (index) {
        index->complete = false;
        index->count = 0;
    }
    size_t i = pos;
    // The usual uri-parameter, ";" paramchars ["=" (paramchars / quoted-string)] without
    // LWS or escapes, is read by a shorter loop. Whatever else comes (and the end of the
    // list) is left to the general loop below, from the ';' of that parameter; the short
    // loop reads what the general one would, and reports the same errors. It does not run
    // when err has failed already, as the general loop then returns that failure.
    if (uri && err.status == Status::ok) {
        while (i < s.size() && s[i] == ';') {
            size_t name = i + 1;
            size_t name_end = span(s, name, kPC);
            if (name_end == name || name_end >= s.size()) break;
            if (s[name_end] == ';') {
                record(name, name_end - name, false, name, 0, false);
                i = name_end;
                continue;
            }
            if (s[name_end] != '=') break;
            size_t value = name_end + 1;
            if (value < s.size() && s[value] == '"') {
                size_t len = text::quoted_string_length(s, value, err);
                if (len == 0) return err.status;
                if (len == 2)
                    return err.fail(Status::syntax, "empty quoted uri-parameter value", value);
                record(name, name_end - name, true, value + 1, len - 2, true);
                i = value + len;
                continue;
            }
            size_t value_end = span(s, value, kPC);
            if (value_end == value || (value_end < s.size() && s[value_end] == '%')) break;
            record(name, name_end - name, true, value, value_end - value, false);
            i = value_end;
        }
    }
    for (;;) {
        size_t before_semi = i + lws_at(s, i);
        if (before_semi >= s.size() || s[before_semi] != ';') break;
        i = before_semi + 1;
        i += lws_at(s, i);
        size_t name_len = uri ? paramchar_run(s, i, err) : token_run(s, i);
        if (err.status != Status::ok) return err.status;
        if (name_len == 0)
            return err.fail(
                Status::syntax,
                uri ? "uri-parameter name expected" : "generic-param name expected (token)", i);
        size_t name = i;
        i += name_len;
        size_t eq = i + lws_at(s, i);
        if (eq >= s.size() || s[eq] != '=') {
            record(name, name_len, false, name, 0, false);
            continue;
        }
        if (uri && eq != i) return err.fail(Status::syntax, "space before '=' in uri-parameter", i);
        i = eq + 1;
        i += uri ? 0 : lws_at(s, i);
        size_t value_len = 0;
        if (i < s.size() && s[i] == '"') {
            value_len = text::quoted_string_length(s, i, err);
            if (value_len == 0) return err.status;
            // pvalue is 1*paramchar: the quoted leniency must not admit an empty value.
            if (uri && value_len == 2)
                return err.fail(Status::syntax, "empty quoted uri-parameter value", i);
            record(name, name_len, true, i + 1, value_len - 2, true);
        } else {
            value_len = uri ? paramchar_run(s, i, err) : host_value_run(s, i);
            if (err.status != Status::ok) return err.status;
            if (value_len == 0)
                return err.fail(Status::syntax,
                                uri ? "uri-parameter value expected after '='"
                                    : "generic-param value expected (token, host or quoted-string)",
                                i);
            record(name, name_len, true, i, value_len, false);
        }
        i += value_len;
    }
    if (index) {
        index->count = static_cast<uint8_t>(std::min(count, ParamIndex::kCapacity));
        index->complete = count <= ParamIndex::kCapacity && i - list_begin <= 0xffff;
    }
    pos = i;
    return Status::ok;
}

bool ParamIterator::next(Param& out) noexcept {
    // The list was validated, so only ';', '=', quotes and LWS need attention here.
    return next_param(list_, pos_, out);
}

bool find_param(std::string_view list, std::string_view name, Param& out) noexcept {
    // The walk of next_param, looking at names only. A parameter whose name differs is
    // skipped to the next ';', which is where the walk goes next unless a '"' comes
    // first (a quoted value may hold ';'): then the walk itself steps over it.
    size_t pos = 0;
    for (;;) {
        while (pos < list.size() && list[pos] != ';') {
            pos = find_semi_or_quote(list, pos);
            if (pos < list.size() && list[pos] == '"') ++pos;
        }
        if (pos >= list.size()) return false;
        size_t param_begin = pos;
        size_t name_begin = pos + 1;
        name_begin += lws_at(list, name_begin);
        // The walked name ends at the first byte that is not a name byte.
        size_t name_end = name_begin + name.size();
        bool same =
            name_end <= list.size() && (name_end == list.size() || !has(list[name_end], kNameByte));
        for (size_t i = 0; same && i < name.size(); ++i) {
            char a = list[name_begin + i], b = name[i];
            same = a == b || ascii_lower(a) == ascii_lower(b);
        }
        if (same && span(list, name_begin, kNameByte) == name_end)
            return next_param(list, param_begin, out);
        pos = find_semi_or_quote(list, name_begin);
        if (pos < list.size() && list[pos] == '"') {
            Param skipped;
            pos = param_begin;
            next_param(list, pos, skipped);
        }
    }
}

}  // namespace pushcore::sip
