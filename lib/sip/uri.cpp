#include "pushcore/sip/uri.hpp"

#include "pushcore/sip/params.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip {

using text::is;

namespace {

using text::classes_of;
using text::kDigitChar;
using text::kHeaderChar;
using text::kLabelChar;
using text::kPasswordChar;
using text::kUserChar;
using text::kUserInfoChar;

inline bool has(char c, uint32_t cls) noexcept {
    return (classes_of(c) & cls) != 0;
}

// Validates an escaped run of `allowed` characters; returns its length.
size_t escaped_run(std::string_view s, size_t pos, uint32_t allowed, Error& err) noexcept {
    size_t i = pos;
    for (;;) {
        while (i < s.size() && has(s[i], allowed)) ++i;
        if (i >= s.size() || s[i] != '%') break;
        if (i + 2 >= s.size() || !text::is_hex(s[i + 1]) || !text::is_hex(s[i + 2])) {
            err.fail(Status::bad_escape, "'%' not followed by two hex digits", i);
            return 0;
        }
        i += 3;
    }
    return i - pos;
}

// Value of a run of at most three decimal digits (callers check the length).
int small_number(std::string_view digits) noexcept {
    int n = 0;
    for (char c : digits) n = n * 10 + (c - '0');
    return n;
}

}  // namespace

bool valid_ipv6(std::string_view v) noexcept {
    // v is the text between the brackets: 1-8 groups of 1-4 hex digits, at most one
    // "::", optionally ending in a dotted IPv4 address (RFC 3261 25.1 IPv6address).
    if (v.empty()) return false;
    int groups = 0;
    bool compressed = false;
    size_t i = 0;
    if (v.size() >= 2 && v[0] == ':' && v[1] == ':') {
        compressed = true;
        i = 2;
    } else if (v[0] == ':') {
        return false;
    }
    while (i < v.size()) {
        size_t start = i;
        while (i < v.size() && text::is_hex(v[i]) && i - start < 5) ++i;
        if (i < v.size() && v[i] == '.') {
            // Embedded IPv4: counts as two groups and must end the address.
            int parts = 0;
            size_t j = start;
            while (j <= v.size()) {
                size_t k = j;
                while (k < v.size() && text::is_digit(v[k])) ++k;
                if (k == j || k - j > 3) return false;
                if (small_number(v.substr(j, k - j)) > 255) return false;
                ++parts;
                if (k == v.size()) break;
                if (v[k] != '.') return false;
                j = k + 1;
            }
            groups += 2;
            return parts == 4 && (compressed ? groups <= 7 : groups == 8);
        }
        if (i == start || i - start > 4) return false;
        ++groups;
        if (i == v.size()) break;
        if (v[i] != ':') return false;
        ++i;
        if (i < v.size() && v[i] == ':') {
            if (compressed) return false;
            compressed = true;
            ++i;
        } else if (i == v.size()) {
            return false;
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

namespace {

// hostname / IPv4address (RFC 3261 25.1) at s[begin]: the run of host bytes there, read
// label by label; `end` is set to where it stops. Labels may also hold '_', which RFC
// 6080's _sipuaconfig host names need.
Status scan_host_name(std::string_view s, size_t begin, size_t& end, HostKind& kind,
                      Error& err) noexcept {
    const size_t at = begin;
    size_t labels = 0;
    bool all_numeric = true;
    size_t last = begin;  // where the last label starts
    size_t i = begin;
    for (;;) {
        size_t start = i;
        i = text::span(s, i, kLabelChar);
        bool dot = i < s.size() && s[i] == '.';
        if (i == start) {
            if (dot) return err.fail(Status::bad_uri, "empty label in host name", start);
            if (labels == 0) return err.fail(Status::bad_uri, "host expected", start);
            break;  // after a trailing dot, which is allowed
        }
        if (s[start] == '-' || s[i - 1] == '-')
            return err.fail(Status::bad_uri, "host name label starts or ends with '-'", start);
        all_numeric = all_numeric && text::span(s, start, kDigitChar) == i;
        last = start;
        ++labels;
        if (!dot) break;
        ++i;
    }
    end = i;
    std::string_view h = s.substr(begin, end - begin);
    if (all_numeric) {
        bool trailing_dot = !h.empty() && h.back() == '.';
        if (labels != 4 || trailing_dot)
            return err.fail(Status::bad_uri, "IPv4 address needs four dotted numbers", at);
        for (size_t p = 0, n = 0; n < 4; ++n) {
            size_t q = h.find('.', p);
            std::string_view part = h.substr(p, q == std::string_view::npos ? h.npos : q - p);
            if (part.size() > 3 || small_number(part) > 255)
                return err.fail(Status::bad_uri, "IPv4 address part above 255", at + p);
            p = q + 1;
        }
        kind = HostKind::ipv4;
        return Status::ok;
    }
    char first = s[last];
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_'))
        return err.fail(Status::bad_uri, "host name's last label must start with a letter", at);
    kind = HostKind::name;
    return Status::ok;
}

}  // namespace

// Parses the longest SIP or SIPS URI at s[begin] into `out`, which must be as Uri{} left
// it, and sets `end` to where it stops; the caller decides what may follow. Error offsets
// are relative to s. Not file-local:
// parse_name_addr reads a bracketed URI with it in place, without looking for '>' first.
Status parse_uri_prefix(std::string_view s, size_t begin, size_t& end, Uri& out,
                        Error& err) noexcept {
    // "sip:" or "sips:", ASCII case-insensitive: (c | 0x20) == 's' holds for 's' and 'S'
    // only, and likewise for 'i' and 'p'.
    const char* p = s.data() + begin;
    size_t left = s.size() - begin;
    size_t i = begin;
    if (left >= 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
        p[3] == ':') {
        i += 4;
    } else if (left >= 5 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
               (p[3] | 0x20) == 's' && p[4] == ':') {
        out.secure = true;
        i += 5;
    } else {
        return err.fail(Status::bad_uri, "scheme is not sip: or sips:", begin);
    }

    // userinfo ends at '@'. The run of (unescaped) user characters usually settles it in
    // one pass: it ends at '@' (a user part), or at a byte userinfo cannot hold (no
    // userinfo: the '@' search below would stop there too). After ':' or '%' (a password
    // or an escape, or a host's port), the search goes across everything userinfo may
    // contain. (With err failed already, the search goes that way too: it returns that
    // failure, as it always did, when it finds a user part.)
    size_t u = text::span(s, i, kUserChar);
    char stop = u < s.size() ? s[u] : '\0';
    if (stop == '@' && u > i && err.status == Status::ok) {
        out.has_user = true;
        out.user = s.substr(i, u - i);
        i = u + 1;
    } else if (stop == '@' || stop == ':' || stop == '%') {
        size_t at = u;
        while (at < s.size() && has(s[at], kUserInfoChar)) ++at;
        if (at < s.size() && s[at] == '@') {
            size_t user_len = escaped_run(s, i, kUserChar, err);
            if (err.status != Status::ok) return err.status;
            if (user_len == 0) return err.fail(Status::bad_uri, "empty user part before '@'", i);
            out.has_user = true;
            out.user = s.substr(i, user_len);
            i += user_len;
            if (s[i] == ':') {
                ++i;
                size_t pw_len = escaped_run(s, i, kPasswordChar, err);
                if (err.status != Status::ok) return err.status;
                out.has_password = true;
                out.password = s.substr(i, pw_len);
                i += pw_len;
            }
            if (s[i] != '@')
                return err.fail(Status::bad_uri, "character not allowed in user part", i);
            ++i;
        }
    }

    size_t host_begin = i;
    if (i < s.size() && s[i] == '[') {
        size_t close = s.find(']', i);
        if (close == std::string_view::npos)
            return err.fail(Status::bad_uri, "IPv6 reference without ']'", i);
        if (!valid_ipv6(s.substr(i + 1, close - i - 1)))
            return err.fail(Status::bad_uri, "malformed IPv6 address", i + 1);
        out.host_kind = HostKind::ipv6;
        i = close + 1;
    } else {
        if (scan_host_name(s, host_begin, i, out.host_kind, err) != Status::ok) return err.status;
    }
    out.host = s.substr(host_begin, i - host_begin);

    if (i < s.size() && s[i] == ':') {
        ++i;
        size_t digits = 0;
        uint32_t port = 0;
        while (i < s.size() && text::is_digit(s[i]) && digits < 6) {
            port = port * 10 + static_cast<uint32_t>(s[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0) return err.fail(Status::bad_uri, "port expected after ':'", i);
        if (port > 65535) return err.fail(Status::bad_uri, "port above 65535", i - digits);
        out.has_port = true;
        out.port = static_cast<uint16_t>(port);
    }

    size_t params_begin = i;
    if (scan_params(s, i, ParamSyntax::uri, err, &out.params_index) != Status::ok)
        return err.status;
    out.params = s.substr(params_begin, i - params_begin);

    if (i < s.size() && s[i] == '?') {
        size_t headers_begin = ++i;
        for (;;) {
            size_t name_len = escaped_run(s, i, kHeaderChar, err);
            if (err.status != Status::ok) return err.status;
            if (name_len == 0) return err.fail(Status::bad_uri, "URI header name expected", i);
            i += name_len;
            if (i >= s.size() || s[i] != '=')
                return err.fail(Status::bad_uri, "'=' expected after URI header name", i);
            ++i;
            size_t value_len = escaped_run(s, i, kHeaderChar, err);
            if (err.status != Status::ok) return err.status;
            i += value_len;
            if (i >= s.size() || s[i] != '&') break;
            ++i;
        }
        out.headers = s.substr(headers_begin, i - headers_begin);
    }
    end = i;
    return Status::ok;
}

Status parse_uri(std::string_view s, Uri& out, Error& err) noexcept {
    out = Uri{};
    size_t end = 0;
    if (parse_uri_prefix(s, 0, end, out, err) != Status::ok) return err.status;
    if (end != s.size()) return err.fail(Status::bad_uri, "unexpected character in URI", end);
    return Status::ok;
}

size_t bare_uri_length(std::string_view s, size_t pos) noexcept {
    size_t i = pos;
    while (i < s.size() && s[i] != ';' && s[i] != ',' && s[i] != '?' && !is(s[i], text::kWsp) &&
           s[i] != '\r' && s[i] != '\n')
        ++i;
    return i - pos;
}

std::string decode_uri_param_value(std::string_view value, bool quoted) {
    std::string out;
    if (quoted) {
        // The value arrives without its quotes; resolve quoted-pairs.
        for (size_t i = 0; i < value.size(); ++i) {
            if (value[i] == '\\' && i + 1 < value.size()) ++i;
            out.push_back(value[i]);
        }
    } else {
        text::append_decoded(out, value);
    }
    return out;
}

UriSpec to_spec(const Uri& uri) {
    UriSpec spec;
    spec.secure = uri.secure;
    if (uri.has_user) text::append_decoded(spec.user.emplace(), uri.user);
    if (uri.has_password) text::append_decoded(spec.password.emplace(), uri.password);
    spec.host = std::string(uri.host);
    if (uri.has_port) spec.port = uri.port;
    ParamIterator it(uri.params);
    Param p;
    while (it.next(p)) {
        std::string name;
        text::append_decoded(name, p.name);
        if (p.has_value)
            spec.params.emplace_back(std::move(name), decode_uri_param_value(p.value, p.quoted));
        else
            spec.params.emplace_back(std::move(name), std::nullopt);
    }
    std::string_view h = uri.headers;
    while (!h.empty()) {
        size_t amp = h.find('&');
        std::string_view item = h.substr(0, amp);
        size_t eq = item.find('=');
        std::string name, value;
        text::append_decoded(name, item.substr(0, eq));
        if (eq != std::string_view::npos) text::append_decoded(value, item.substr(eq + 1));
        spec.headers.emplace_back(std::move(name), std::move(value));
        h = amp == std::string_view::npos ? std::string_view{} : h.substr(amp + 1);
    }
    return spec;
}

bool operator==(const UriSpec& a, const UriSpec& b) {
    return a.secure == b.secure && a.user == b.user && a.password == b.password &&
           text::iequals(a.host, b.host) && a.port == b.port && a.params == b.params &&
           a.headers == b.headers;
}

void append_uri_param(std::string& out, std::string_view name,
                      std::optional<std::string_view> value) {
    out.push_back(';');
    text::append_escaped(out, name, text::kParamUnreserved);
    if (value) {
        out.push_back('=');
        text::append_escaped(out, *value, text::kParamUnreserved);
    }
}

void write_uri(std::string& out, const UriSpec& spec) {
    out.append(spec.secure ? "sips:" : "sip:");
    if (spec.user) {
        text::append_escaped(out, *spec.user, text::kUserUnreserved);
        if (spec.password) {
            out.push_back(':');
            text::append_escaped(out, *spec.password, text::kPasswordExtra);
        }
        out.push_back('@');
    }
    out.append(spec.host);
    if (spec.port) {
        out.push_back(':');
        out.append(std::to_string(*spec.port));
    }
    for (const auto& [name, value] : spec.params)
        append_uri_param(out, name, value ? std::optional<std::string_view>(*value) : std::nullopt);
    char sep = '?';
    for (const auto& [name, value] : spec.headers) {
        out.push_back(sep);
        text::append_escaped(out, name, text::kHnvUnreserved);
        out.push_back('=');
        text::append_escaped(out, value, text::kHnvUnreserved);
        sep = '&';
    }
}

std::string compact_uri(std::string_view uri) {
    std::string out;
    out.reserve(uri.size());
    for (char c : uri)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
    return out;
}

}  // namespace pushcore::sip
