// HTTP/1.1 request framing, server side (RFC 9112), and the response serializer.
//
// The parser works line by line for the request line, the field lines, chunk-size lines and
// trailers: a line that lies whole inside the bytes of one feed() call is parsed where it
// lies; only a line cut by the end of the input is gathered in line_ (never more than
// max_header_bytes). Body bytes go straight into the request.
#include "pushcore/http/http1.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

#include "pushcore/text/grammar.hpp"

namespace pushcore::http {

using text::iequals;

namespace {

// tchar (RFC 9110 5.6.2): wider than SIP's token, which lacks # $ & ^ |.
bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

// Offset of the first byte at or after pos that is not a tchar.
size_t token_end(std::string_view s, size_t pos) noexcept {
    while (pos < s.size() && is_tchar(s[pos])) ++pos;
    return pos;
}

size_t skip_ows(std::string_view s, size_t pos) noexcept {
    while (pos < s.size() && is_ows(s[pos])) ++pos;
    return pos;
}

std::string_view trim_ows(std::string_view s) noexcept {
    size_t b = skip_ows(s, 0);
    size_t e = s.size();
    while (e > b && is_ows(s[e - 1])) --e;
    return s.substr(b, e - b);
}

// Calls f(element, offset-in-s) for every element of a comma-separated list (RFC 9110
// 5.6.1), OWS trimmed, empty elements included. Stops when f returns false.
template <typename F>
bool for_each_element(std::string_view s, F f) {
    size_t pos = 0;
    for (;;) {
        size_t comma = s.find(',', pos);
        size_t end = comma == std::string_view::npos ? s.size() : comma;
        size_t b = skip_ows(s, pos);
        if (b > end) b = end;
        if (!f(trim_ows(s.substr(b, end - b)), b)) return false;
        if (comma == std::string_view::npos) return true;
        pos = comma + 1;
    }
}

// A byte a field value may not hold (RFC 9110 5.5): controls other than HTAB, and DEL.
constexpr bool bad_value_byte(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
}

// uri-host [ ":" port ] (RFC 9110 7.2), loosely: reg-name, IPv4 and IP-literal bytes only;
// no userinfo, path, query or fragment. Returns the offset of the first bad byte, or npos.
size_t bad_host_byte(std::string_view s) noexcept {
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (text::is_unreserved(c) || text::is_digit(c)) continue;
        if (c != '\0' && std::strchr("%!$&'()*+,;=:[]", c) != nullptr) continue;
        return i;
    }
    return std::string_view::npos;
}

// A byte that may appear in a request-target: visible ASCII without '#' (the fragment is
// never sent, RFC 9112 3.2).
constexpr bool target_byte(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '#';
}

// chunk-ext (RFC 9112 7.1.1): *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ).
// Returns the offset of the first byte that breaks it, or npos.
size_t bad_chunk_ext(std::string_view s) noexcept {
    size_t i = 0;
    for (;;) {
        i = skip_ows(s, i);
        if (i == s.size()) return std::string_view::npos;
        if (s[i] != ';') return i;
        i = skip_ows(s, i + 1);
        size_t name_end = token_end(s, i);
        if (name_end == i) return i;
        i = skip_ows(s, name_end);
        if (i == s.size() || s[i] != '=') continue;
        i = skip_ows(s, i + 1);
        if (i < s.size() && s[i] == '"') {
            ++i;
            for (;;) {
                if (i == s.size()) return i;  // unterminated
                char c = s[i];
                if (c == '"') {
                    ++i;
                    break;
                }
                if (c == '\\') {
                    if (i + 1 == s.size() || bad_value_byte(s[i + 1])) return i;
                    i += 2;
                } else if (bad_value_byte(c)) {
                    return i;
                } else {
                    ++i;
                }
            }
        } else {
            size_t value_end = token_end(s, i);
            if (value_end == i) return i;
            i = value_end;
        }
    }
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    return out;
}

// Fields the parser consumes itself or that concern only this hop (RFC 9110 7.6.1);
// Request::headers does not keep them.
bool framing_or_hop_field(std::string_view name) noexcept {
    for (std::string_view h : {"connection", "keep-alive", "te", "upgrade", "proxy-connection"})
        if (iequals(name, h)) return true;
    return false;
}

}  // namespace

bool Http1Parser::fail(Status s, const char* why, int http_status, size_t at) {
    state_ = State::failed;
    err_.fail(s, why, at);
    http_status_ = http_status;
    line_.clear();
    return false;
}

bool Http1Parser::expects_continue() const noexcept {
    if (!expect_continue_) return false;
    switch (state_) {
        case State::body:
        case State::chunk_size:
        case State::chunk_data:
        case State::chunk_crlf:
        case State::trailers:
            return true;
        default:
            return false;
    }
}

size_t Http1Parser::feed(const uint8_t* data, size_t len) {
    if (state_ == State::done || state_ == State::failed || data == nullptr) return 0;
    const char* in = reinterpret_cast<const char*>(data);
    const size_t base = offset_;
    size_t pos = 0;
    while (pos < len && state_ != State::done && state_ != State::failed) {
        switch (state_) {
            case State::body:
            case State::chunk_data: {
                size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, len - pos));
                req_.body.append(in + pos, n);
                pos += n;
                remaining_ -= n;
                if (remaining_ == 0)
                    state_ = state_ == State::body ? State::done : State::chunk_crlf;
                break;
            }
            case State::chunk_crlf:
                // The CRLF after chunk-data (RFC 9112 7.1); a bare LF is taken too (2.2).
                if (in[pos] == '\r' && !cr_) {
                    cr_ = true;
                    ++pos;
                } else if (in[pos] == '\n') {
                    cr_ = false;
                    ++pos;
                    state_ = State::chunk_size;
                } else {
                    fail(Status::syntax, "chunk-data: CRLF expected", 400, base + pos);
                }
                break;
            default:
                pos += line_input(in + pos, len - pos, base + pos);
                break;
        }
    }
    offset_ = base + pos;
    return pos;
}

size_t Http1Parser::line_input(const char* in, size_t n, size_t at) {
    const auto* lf = static_cast<const char*>(std::memchr(in, '\n', n));
    const size_t avail = lf ? static_cast<size_t>(lf - in) + 1 : n;
    const bool header_part = state_ != State::chunk_size;
    // Header section (and trailers) together within max_header_bytes; one chunk-size line
    // within the same bound.
    const size_t cap =
        header_part ? limits_.max_header_bytes - header_bytes_ : limits_.max_header_bytes;
    if (line_.size() + avail > cap) {
        size_t over = at + (cap - line_.size());
        if (header_part)
            fail(Status::limit_header_bytes, "header section: above max_header_bytes", 431, over);
        else
            fail(Status::syntax, "chunk-size: line too long", 400, over);
        return avail;
    }
    if (!lf) {
        line_.append(in, n);
        return n;
    }
    const size_t start = at - line_.size();
    const size_t full = line_.size() + avail;
    std::string_view line;
    if (line_.empty()) {
        line = std::string_view(in, avail - 1);
    } else {
        line_.append(in, avail - 1);
        line = line_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line, start, full);
    line_.clear();
    return avail;
}

bool Http1Parser::on_line(std::string_view line, size_t at, size_t full) {
    // A CR only ever ends a line (RFC 9112 2.2): a bare one is an error.
    size_t cr = line.find('\r');
    if (cr != std::string_view::npos) {
        switch (state_) {
            case State::start_line:
                return fail(Status::bad_start_line, "request-line: bare CR", 400, at + cr);
            case State::chunk_size:
                return fail(Status::syntax, "chunk-size: bare CR", 400, at + cr);
            default:
                return fail(Status::bad_header, "field-line: bare CR", 400, at + cr);
        }
    }
    switch (state_) {
        case State::start_line:
            header_bytes_ += full;
            // RFC 9112 2.2: empty lines before the request-line are ignored.
            if (line.empty()) return true;
            if (!parse_request_line(line, at)) return false;
            state_ = State::fields;
            return true;
        case State::fields:
            header_bytes_ += full;
            if (line.empty()) return end_of_head(at);
            return parse_field(line, at, false);
        case State::trailers:
            header_bytes_ += full;
            if (line.empty()) {
                state_ = State::done;
                return true;
            }
            return parse_field(line, at, true);  // RFC 9112 7.1.2: parsed, then discarded
        case State::chunk_size:
            return parse_chunk_size(line, at);
        default:
            return fail(Status::internal, "parser state", 500, at);
    }
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 3)
bool Http1Parser::parse_request_line(std::string_view line, size_t at) {
    size_t sp1 = token_end(line, 0);
    if (sp1 == 0 || sp1 == line.size() || line[sp1] != ' ')
        return fail(Status::bad_start_line, "request-line: method", 400, at + sp1);
    size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == sp1 + 1) return fail(Status::bad_start_line, "request-target: empty", 400, at + sp2);
    if (sp2 == std::string_view::npos)
        return fail(Status::bad_start_line, "request-line: version", 400, at + line.size());
    // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3).
    std::string_view version = line.substr(sp2 + 1);
    if (version == "HTTP/1.0") {
        head_.http10 = true;
    } else if (version != "HTTP/1.1") {
        bool shaped = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                      text::is_digit(version[5]) && version[6] == '.' && text::is_digit(version[7]);
        if (shaped) return fail(Status::bad_start_line, "request-line: version", 505, at + sp2 + 1);
        return fail(Status::bad_start_line, "request-line: version syntax", 400, at + sp2 + 1);
    }
    req_.method.assign(line.data(), sp1);
    return parse_target(line.substr(sp1 + 1, sp2 - sp1 - 1), at + sp1 + 1);
}

// request-target (RFC 9112 3.2): origin-form, absolute-form, or asterisk-form for OPTIONS.
// authority-form belongs to CONNECT, which an origin server does not serve.
bool Http1Parser::parse_target(std::string_view target, size_t at) {
    if (target.empty()) return fail(Status::bad_start_line, "request-target: empty", 400, at);
    for (size_t i = 0; i < target.size(); ++i)
        if (!target_byte(target[i]))
            return fail(Status::bad_start_line, "request-target: byte", 400, at + i);
    if (target[0] == '/') {
        req_.path.assign(target.data(), target.size());
        return true;
    }
    if (target == "*") {
        if (req_.method != "OPTIONS")
            return fail(Status::bad_start_line, "request-target: '*' without OPTIONS", 400, at);
        req_.path = "*";
        return true;
    }
    size_t colon = target.find(':');
    std::string_view scheme = target.substr(0, colon);
    if (colon == std::string_view::npos || !(iequals(scheme, "http") || iequals(scheme, "https")) ||
        target.substr(colon, 3) != "://")
        return fail(Status::bad_start_line, "request-target: form", 400, at);
    // absolute-form: the authority replaces Host (RFC 9112 3.2.2); http(s) URIs need a
    // host, and userinfo is an error (RFC 9110 4.2.1, 4.2.4).
    size_t auth_begin = colon + 3;
    size_t auth_end = std::min(target.find('/', auth_begin), target.find('?', auth_begin));
    if (auth_end == std::string_view::npos) auth_end = target.size();
    std::string_view authority = target.substr(auth_begin, auth_end - auth_begin);
    size_t bad = bad_host_byte(authority);
    if (authority.empty() || bad != std::string_view::npos)
        return fail(Status::bad_start_line, "request-target: authority", 400,
                    at + auth_begin + (authority.empty() ? 0 : bad));
    req_.authority.assign(authority.data(), authority.size());
    head_.absolute_form = true;
    std::string_view rest = target.substr(auth_end);
    req_.path.clear();
    if (rest.empty() || rest[0] != '/') req_.path = "/";
    req_.path.append(rest.data(), rest.size());
    return true;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 5)
bool Http1Parser::parse_field(std::string_view line, size_t at, bool trailer) {
    // RFC 9112 5.2: obs-fold is rejected (a message/http media type is not in play); this
    // also rejects whitespace between the start-line and the first field (2.2).
    if (is_ows(line[0])) return fail(Status::bad_header, "field-line: obs-fold", 400, at);
    size_t colon = token_end(line, 0);
    if (colon == 0) return fail(Status::bad_header, "field-name", 400, at);
    if (colon == line.size() || line[colon] != ':') {
        // RFC 9112 5.1: no whitespace between field name and colon; MUST answer 400.
        if (colon < line.size() && is_ows(line[colon]))
            return fail(Status::bad_header, "field-name: whitespace before ':'", 400, at + colon);
        return fail(Status::bad_header, "field-name", 400, at + colon);
    }
    if (++head_.fields > limits_.max_header_count)
        return fail(Status::limit_header_count, "header section: above max_header_count", 431, at);
    // RFC 9110 5.5: NUL, CR, LF and other controls make the value invalid.
    for (size_t i = colon + 1; i < line.size(); ++i)
        if (bad_value_byte(line[i])) return fail(Status::bad_header, "field-value", 400, at + i);
    if (trailer) return true;

    std::string_view name = line.substr(0, colon);
    const size_t value_at = skip_ows(line, colon + 1);
    std::string_view value = trim_ows(line.substr(colon + 1));
    const size_t vat = at + value_at;

    if (iequals(name, "host")) {
        // RFC 9112 3.2: more than one Host, or an invalid one, is answered with 400.
        if (head_.host_seen) return fail(Status::bad_header, "host: more than one", 400, at);
        head_.host_seen = true;
        size_t bad = bad_host_byte(value);
        if (bad != std::string_view::npos)
            return fail(Status::bad_header, "host: invalid", 400, vat + bad);
        if (!head_.absolute_form) req_.authority.assign(value.data(), value.size());
        return true;
    }
    if (iequals(name, "content-length")) {
        // RFC 9110 8.6: 1*DIGIT; a list of one repeated value (or repeated field lines with
        // it) may be taken as that value; anything else is an unrecoverable framing error.
        return for_each_element(value, [&](std::string_view v, size_t off) {
            uint64_t n = 0;
            if (v.empty())
                return fail(Status::bad_content_length, "content-length", 400, vat + off);
            for (size_t i = 0; i < v.size(); ++i) {
                if (!text::is_digit(v[i]))
                    return fail(Status::bad_content_length, "content-length", 400, vat + off + i);
                auto d = static_cast<uint64_t>(v[i] - '0');
                if (n > (std::numeric_limits<uint64_t>::max() - d) / 10)
                    return fail(Status::bad_content_length, "content-length: overflow", 400,
                                vat + off);
                n = n * 10 + d;
            }
            if (head_.has_length && head_.length != n)
                return fail(Status::bad_content_length, "content-length: differing values", 400,
                            vat + off);
            if (!head_.has_length) head_.length_at = vat + off;
            head_.has_length = true;
            head_.length = n;
            return true;
        });
    }
    if (iequals(name, "transfer-encoding")) {
        if (!head_.te_seen) head_.te_at = vat;
        head_.te_seen = true;
        bool any = false;
        bool ok = for_each_element(value, [&](std::string_view coding, size_t off) {
            if (coding.empty()) return true;  // RFC 9110 5.6.1: empty elements are ignored
            any = true;
            size_t name_end = token_end(coding, 0);
            if (name_end == 0) return fail(Status::bad_header, "transfer-encoding", 400, vat + off);
            if (iequals(coding, "chunked")) {
                ++head_.chunked_count;
                head_.chunked_last = true;
            } else {
                head_.te_unknown = true;
                head_.chunked_last = false;
            }
            return true;
        });
        if (ok && !any) return fail(Status::bad_header, "transfer-encoding: empty", 400, vat);
        return ok;
    }
    if (iequals(name, "connection")) {
        for_each_element(value, [&](std::string_view option, size_t) {
            if (iequals(option, "close")) head_.conn_close = true;
            if (iequals(option, "keep-alive")) head_.keep_alive = true;
            return true;
        });
        return true;
    }
    if (iequals(name, "expect")) {
        // RFC 9110 10.1.1: other expectations are ignored here; an HTTP/1.0 client's
        // 100-continue MUST be ignored.
        if (!head_.http10)
            for_each_element(value, [&](std::string_view e, size_t) {
                if (iequals(e, "100-continue")) expect_continue_ = true;
                return true;
            });
    }
    if (framing_or_hop_field(name)) return true;
    req_.headers.push_back(Header{lower(name), std::string(value)});
    return true;
}

// The empty line after the fields: decide the message body length (RFC 9112 6.3).
bool Http1Parser::end_of_head(size_t at) {
    // RFC 9112 3.2: an HTTP/1.1 request without Host MUST be answered with 400.
    if (!head_.http10 && !head_.host_seen)
        return fail(Status::missing_header, "host: missing", 400, at);
    if (head_.conn_close || (head_.http10 && !head_.keep_alive)) close_after_ = true;
    if (head_.te_seen) {
        // RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
        if (head_.http10)
            return fail(Status::bad_header, "transfer-encoding: in HTTP/1.0", 400, head_.te_at);
        if (head_.chunked_count > 1)
            return fail(Status::bad_header, "transfer-encoding: chunked twice", 400, head_.te_at);
        // RFC 9112 6.3: chunked not final in a request: the length cannot be known; 400.
        if (!head_.chunked_last)
            return fail(Status::bad_header, "transfer-encoding: chunked not final", 400,
                        head_.te_at);
        // RFC 9112 6.1: a transfer coding the server does not understand: 501.
        if (head_.te_unknown)
            return fail(Status::bad_header, "transfer-encoding: unsupported coding", 501,
                        head_.te_at);
        // RFC 9112 6.3: Transfer-Encoding overrides Content-Length, and the connection MUST
        // close after the response.
        if (head_.has_length) close_after_ = true;
        state_ = State::chunk_size;
        return true;
    }
    if (head_.has_length && head_.length > 0) {
        if (head_.length > limits_.max_body_bytes)
            return fail(Status::limit_body_bytes, "content-length: above max_body_bytes", 413,
                        head_.length_at);
        remaining_ = head_.length;
        req_.body.reserve(static_cast<size_t>(head_.length));
        state_ = State::body;
        return true;
    }
    // RFC 9112 6.3: a request with neither has no body.
    state_ = State::done;
    return true;
}

// chunk-size [ chunk-ext ] (RFC 9112 7.1)
bool Http1Parser::parse_chunk_size(std::string_view line, size_t at) {
    const uint64_t room = limits_.max_body_bytes - req_.body.size();
    uint64_t size = 0;
    size_t i = 0;
    for (; i < line.size() && text::is_hex(line[i]); ++i) {
        if (size > (std::numeric_limits<uint64_t>::max() >> 4))
            return fail(Status::limit_body_bytes, "chunk-size: above max_body_bytes", 413, at);
        size = (size << 4) | static_cast<uint64_t>(hex_value(line[i]));
        if (size > room)
            return fail(Status::limit_body_bytes, "chunk-size: above max_body_bytes", 413, at);
    }
    if (i == 0) return fail(Status::syntax, "chunk-size", 400, at);
    size_t bad = bad_chunk_ext(line.substr(i));
    if (bad != std::string_view::npos) return fail(Status::syntax, "chunk-ext", 400, at + i + bad);
    if (size == 0) {
        state_ = State::trailers;  // last-chunk
    } else {
        remaining_ = size;
        state_ = State::chunk_data;
    }
    return true;
}

Request Http1Parser::take() {
    if (state_ != State::done) return Request{};
    Request out = std::move(req_);
    sequence_ = sequence_ == std::numeric_limits<int32_t>::max() ? 1 : sequence_ + 1;
    out.stream_id = sequence_;
    req_ = Request{};
    head_ = Head{};
    state_ = State::start_line;
    line_.clear();
    header_bytes_ = 0;
    remaining_ = 0;
    expect_continue_ = false;
    cr_ = false;
    // close_after_ stays: the connection closes after this response whatever follows.
    return out;
}

namespace {

bool no_content(int status) noexcept {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

void append_number(std::string& out, uint64_t n) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
}

}  // namespace

void serialize_response(const Response& response, bool close, std::string& out) {
    // A status outside 100-599 cannot go on the wire (RFC 9110 15).
    const int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
    const bool bodyless = no_content(status);
    size_t need = 64 + (bodyless ? 0 : response.body.size());
    for (const Header& h : response.headers) need += h.name.size() + h.value.size() + 4;
    out.reserve(out.size() + need);

    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
    out.append("HTTP/1.1 ");
    append_number(out, static_cast<uint64_t>(status));
    out.push_back(' ');
    out.append(reason_phrase(status));
    out.append("\r\n");
    for (const Header& h : response.headers) {
        // The framing is ours: a caller's Content-Length or Transfer-Encoding would
        // contradict it. A name that is not a token cannot be sent at all.
        if (h.name.empty() || iequals(h.name, "content-length") ||
            iequals(h.name, "transfer-encoding") ||
            !std::all_of(h.name.begin(), h.name.end(), is_tchar))
            continue;
        out.append(h.name);
        out.append(": ");
        size_t from = out.size();
        out.append(h.value);
        // RFC 9110 5.5: CR, LF and NUL are replaced with SP rather than sent.
        for (size_t i = from; i < out.size(); ++i)
            if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0') out[i] = ' ';
        out.append("\r\n");
    }
    // RFC 9110 8.6: no Content-Length in 1xx and 204; a 304 carries none here.
    if (!bodyless) {
        out.append("content-length: ");
        append_number(out, response.body.size());
        out.append("\r\n");
    }
    if (close && !(status >= 100 && status < 200)) out.append("connection: close\r\n");
    out.append("\r\n");
    if (!bodyless) out.append(response.body);
}

}  // namespace pushcore::http
