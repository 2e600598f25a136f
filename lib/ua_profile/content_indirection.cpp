#include "pushcore/ua_profile/content_indirection.hpp"

#include <cstdio>
#include <cstring>

#include "pushcore/text/grammar.hpp"

namespace pushcore::ua_profile {

using text::iequals;

namespace {

constexpr size_t kMaxBoundary = 70;  // RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace

inline bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

inline bool is_ctl(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

// RFC 2045 5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>.
inline bool is_mime_token_char(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && !std::strchr("()<>@,;:\\\"/[]?=", c);
}

size_t mime_token_end(std::string_view s, size_t pos) noexcept {
    while (pos < s.size() && is_mime_token_char(s[pos])) ++pos;
    return pos;
}

// RFC 2046 5.1.1 bchars: DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." /
// "/" / ":" / "=" / "?" / " ".
inline bool is_bchar(char c) noexcept {
    return text::is(c, text::kAlphanum) || (c != 0 && std::strchr("'()+_,-./:=? ", c));
}

bool valid_boundary(std::string_view b) noexcept {
    if (b.empty() || b.size() > kMaxBoundary || b.back() == ' ') return false;
    for (char c : b)
        if (!is_bchar(c)) return false;
    return true;
}

// Skips SP, HTAB and folds (CRLF or a bare LF followed by SP or HTAB).
size_t skip_ws(std::string_view s, size_t pos) noexcept {
    for (;;) {
        if (pos < s.size() && is_wsp(s[pos])) {
            ++pos;
            continue;
        }
        size_t nl = pos;
        if (nl < s.size() && s[nl] == '\r') ++nl;
        if (nl + 1 < s.size() && s[nl] == '\n' && is_wsp(s[nl + 1])) {
            pos = nl + 2;
            continue;
        }
        return pos;
    }
}

std::string_view trim(std::string_view s) noexcept {
    size_t b = 0, e = s.size();
    while (b < e && (is_wsp(s[b]) || s[b] == '\r' || s[b] == '\n')) ++b;
    while (e > b && (is_wsp(s[e - 1]) || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
    return s.substr(b, e - b);
}

// Where errors are reported: offsets are taken from `base`, the start of the text the
// caller handed in (the body, or the Content-Type value).
struct Ctx {
    const char* base;
    Error& err;
    Status fail(Status s, const char* why, const char* at) const noexcept {
        return err.fail(s, why, static_cast<size_t>(at - base));
    }
};

struct MimeParam {
    std::string_view name, value;
    bool quoted = false;
};

// One step over the parameters of a media type (`s` starts at ';' or is empty): 1 with
// `p` filled, 0 at the end, <0 on an error (recorded in c).
int next_param(std::string_view s, size_t& pos, MimeParam& p, const Ctx& c) noexcept {
    pos = skip_ws(s, pos);
    if (pos >= s.size()) return 0;
    if (s[pos] != ';')
        return static_cast<int>(c.fail(
            Status::syntax, "Content-Type: ';' expected before a parameter", s.data() + pos));
    pos = skip_ws(s, pos + 1);
    if (pos >= s.size()) return 0;  // a trailing ';', as some servers write
    size_t name_end = mime_token_end(s, pos);
    if (name_end == pos)
        return static_cast<int>(
            c.fail(Status::syntax, "Content-Type: parameter name expected", s.data() + pos));
    p = MimeParam{};
    p.name = s.substr(pos, name_end - pos);
    pos = skip_ws(s, name_end);
    if (pos >= s.size() || s[pos] != '=')
        return static_cast<int>(c.fail(
            Status::syntax, "Content-Type: '=' expected after parameter name", s.data() + pos));
    pos = skip_ws(s, pos + 1);
    if (pos < s.size() && s[pos] == '"') {
        Error e;
        size_t len = text::quoted_string_length(s, pos, e);
        if (len == 0) return static_cast<int>(c.fail(e.status, e.reason, s.data() + e.offset));
        p.value = s.substr(pos + 1, len - 2);
        p.quoted = true;
        pos += len;
    } else {
        size_t end = mime_token_end(s, pos);
        if (end == pos)
            return static_cast<int>(c.fail(
                Status::syntax, "Content-Type: parameter value expected (token or quoted-string)",
                s.data() + pos));
        p.value = s.substr(pos, end - pos);
        pos = end;
    }
    return 1;
}

Status media_type(std::string_view v, MediaType& out, const Ctx& c) noexcept {
    size_t type_end = mime_token_end(v, 0);
    if (type_end == 0) return c.fail(Status::syntax, "Content-Type: type expected", v.data());
    if (type_end >= v.size() || v[type_end] != '/')
        return c.fail(Status::syntax, "Content-Type: '/' expected after type", v.data() + type_end);
    size_t sub_end = mime_token_end(v, type_end + 1);
    if (sub_end == type_end + 1)
        return c.fail(Status::syntax, "Content-Type: subtype expected", v.data() + sub_end);
    if (!v.empty() && (is_wsp(v.back()) || v.back() == '\r' || v.back() == '\n'))
        return c.fail(Status::syntax, "Content-Type: trailing whitespace", v.data() + v.size() - 1);
    out.type = v.substr(0, type_end);
    out.subtype = v.substr(type_end + 1, sub_end - type_end - 1);
    size_t params = skip_ws(v, sub_end);
    if (params < v.size() && v[params] != ';')
        return c.fail(Status::syntax, "Content-Type: ';' expected before a parameter",
                      v.data() + params);
    out.params = v.substr(params);
    size_t pos = 0;
    MimeParam p;
    int r;
    while ((r = next_param(out.params, pos, p, c)) > 0) {
    }
    return r < 0 ? c.err.status : Status::ok;
}

bool is_external_body(const MediaType& mt) noexcept {
    return iequals(mt.type, "message") && iequals(mt.subtype, "external-body");
}

// --- part headers (RFC 2046 5.1: MIME header fields, then an empty line) ----------------

struct PartHeaders {
    std::string_view content_type, content_id;  // trimmed values; data() null when absent
};

// Reads header lines of `s` from pos up to and including the empty line that ends them (or
// to the end of s), leaving pos after it.
Status read_headers(std::string_view s, size_t& pos, PartHeaders& h, size_t max_bytes,
                    const Ctx& c) noexcept {
    h = PartHeaders{};
    const size_t start = pos;
    std::string_view name;
    size_t value_begin = 0, value_end = 0;
    bool open = false;
    auto finish = [&]() -> Status {
        if (!open) return Status::ok;
        open = false;
        std::string_view value = trim(s.substr(value_begin, value_end - value_begin));
        std::string_view* slot = nullptr;
        const char* twice = nullptr;
        if (iequals(name, "Content-Type")) {
            slot = &h.content_type;
            twice = "part header: Content-Type given twice";
        } else if (iequals(name, "Content-ID")) {
            slot = &h.content_id;
            twice = "part header: Content-ID given twice";
        }
        if (!slot) return Status::ok;
        if (slot->data() != nullptr) return c.fail(Status::syntax, twice, name.data());
        *slot = value;
        return Status::ok;
    };
    while (pos < s.size()) {
        size_t nl = s.find('\n', pos);
        size_t next = nl == std::string_view::npos ? s.size() : nl + 1;
        size_t line_end = nl == std::string_view::npos ? s.size() : nl;
        if (line_end > pos && s[line_end - 1] == '\r' && nl != std::string_view::npos) --line_end;
        if (next - start > max_bytes)
            return c.fail(Status::limit_header_bytes, "part headers longer than max_header_bytes",
                          s.data() + start + max_bytes);
        if (line_end == pos) {  // the empty line
            if (finish() != Status::ok) return c.err.status;
            pos = next;
            return Status::ok;
        }
        if (is_wsp(s[pos])) {
            if (!open)
                return c.fail(Status::syntax, "part header: continuation line before any header",
                              s.data() + pos);
            value_end = line_end;
        } else {
            if (finish() != Status::ok) return c.err.status;
            size_t colon = s.find(':', pos);
            if (colon == std::string_view::npos || colon >= line_end)
                return c.fail(Status::syntax, "part header: no ':' in header line", s.data() + pos);
            for (size_t i = pos; i < colon; ++i)
                if (static_cast<unsigned char>(s[i]) <= 0x20 ||
                    static_cast<unsigned char>(s[i]) >= 0x7f)
                    return c.fail(Status::syntax, "part header: bad field name", s.data() + i);
            if (colon == pos)
                return c.fail(Status::syntax, "part header: empty field name", s.data() + pos);
            name = s.substr(pos, colon - pos);
            value_begin = colon + 1;
            value_end = line_end;
            open = true;
        }
        pos = next;
    }
    return finish();
}

bool valid_content_id_text(std::string_view id) noexcept {
    if (id.empty()) return false;
    for (char c : id) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>') return false;
    }
    return true;
}

// A Content-ID value "<id>" (RFC 2045 7, msg-id), giving the id.
Status content_id(std::string_view value, std::string_view& id, const Ctx& c) noexcept {
    if (value.size() < 2 || value.front() != '<' || value.back() != '>' ||
        !valid_content_id_text(value.substr(1, value.size() - 2)))
        return c.fail(Status::bad_header, "Content-ID: not <id>", value.data());
    id = value.substr(1, value.size() - 2);
    return Status::ok;
}

bool url_ok(std::string_view url) noexcept {
    for (char ch : url)
        if (is_ctl(ch) || ch == ' ' || ch == '\\' || ch == '"') return false;
    return !url.empty();
}

bool all_hex40(std::string_view h) noexcept {
    if (h.size() != 40) return false;
    for (char ch : h)
        if (!text::is_hex(ch)) return false;
    return true;
}

// The parameters of a message/external-body media type (RFC 2046 5.2.3, RFC 2017, RFC 4483).
// `at` is where a missing parameter is reported (the media type).
Status external_params(std::string_view params, const char* at, IndirectProfile& out,
                       const Ctx& c) noexcept {
    struct Known {
        const char* name;
        std::string_view IndirectProfile::*field;
        const char* twice;
    };
    static constexpr Known kKnown[] = {
        {"access-type", &IndirectProfile::access_type, "external-body: access-type given twice"},
        {"URL", &IndirectProfile::url, "external-body: URL given twice"},
        {"expiration", &IndirectProfile::expiration, "external-body: expiration given twice"},
        {"hash", &IndirectProfile::hash, "external-body: hash given twice"},
    };
    const char* seen[4] = {};
    const char* size_at = nullptr;
    std::string_view size_text;
    size_t pos = 0;
    MimeParam p;
    int r;
    while ((r = next_param(params, pos, p, c)) > 0) {
        if (iequals(p.name, "size")) {
            if (size_at)
                return c.fail(Status::bad_header, "external-body: size given twice", p.name.data());
            size_at = p.name.data();
            size_text = p.value;
            continue;
        }
        for (size_t k = 0; k < 4; ++k) {
            if (!iequals(p.name, kKnown[k].name)) continue;
            if (seen[k]) return c.fail(Status::bad_header, kKnown[k].twice, p.name.data());
            seen[k] = p.name.data();
            out.*(kKnown[k].field) = p.value;
            if (p.value.find('\\') != std::string_view::npos)
                return c.fail(Status::bad_header, "external-body: quoted-pair in a parameter value",
                              p.value.data() + p.value.find('\\'));
            if (p.value.find_first_of("\r\n") != std::string_view::npos)
                return c.fail(Status::bad_header, "external-body: line break in a parameter value",
                              p.value.data() + p.value.find_first_of("\r\n"));
        }
    }
    if (r < 0) return c.err.status;
    // RFC 2046 5.2.3: access-type is the one mandatory parameter; RFC 4483 uses URL (RFC 2017).
    if (!seen[0]) return c.fail(Status::bad_header, "external-body: access-type missing", at);
    if (!iequals(out.access_type, "URL"))
        return c.fail(Status::bad_header, "external-body: access-type not URL", seen[0]);
    if (!seen[1]) return c.fail(Status::bad_header, "external-body: URL missing", at);
    if (out.url.empty()) return c.fail(Status::bad_header, "external-body: URL empty", seen[1]);
    if (!url_ok(out.url))
        return c.fail(Status::bad_header,
                      "external-body: URL contains whitespace or a control character",
                      out.url.data());
    if (size_at) {
        if (size_text.empty()) return c.fail(Status::bad_header, "size: not digits", size_at);
        uint64_t n = 0;
        for (char ch : size_text) {
            if (!text::is_digit(ch))
                return c.fail(Status::bad_header, "size: not digits", size_text.data());
            auto d = static_cast<uint64_t>(ch - '0');
            if (n > (UINT64_MAX - d) / 10)
                return c.fail(Status::bad_header, "size: too large", size_text.data());
            n = n * 10 + d;
        }
        out.size = n;
    }
    // RFC 4483: hash is the SHA-1 of the content, in hex.
    if (seen[3] && !all_hex40(out.hash))
        return c.fail(Status::bad_header, "hash: not 40 hex digits", seen[3]);
    return Status::ok;
}

// The encapsulated headers of an external body (after the outer headers): the profile's
// Content-Type and Content-ID, both required by section 7.5. A Content-ID among the outer
// headers is accepted when the inner headers have none.
Status external_inner(std::string_view inner, std::string_view outer_cid, IndirectProfile& out,
                      const BodyLimits& limits, const Ctx& c) noexcept {
    size_t pos = 0;
    PartHeaders h;
    if (read_headers(inner, pos, h, limits.max_header_bytes, c) != Status::ok) return c.err.status;
    // Section 7.5: "The Content-Type MUST be specified for each URI."
    if (h.content_type.data() == nullptr)
        return c.fail(Status::bad_header,
                      "external-body: inner Content-Type missing (section 7.5 MUST)", inner.data());
    MediaType mt;
    if (media_type(h.content_type, mt, c) != Status::ok) return c.err.status;
    out.content_type = h.content_type;
    // Section 7.5: "the profile delivery server MUST include the Content-ID".
    std::string_view cid = h.content_id.data() ? h.content_id : outer_cid;
    if (cid.data() == nullptr)
        return c.fail(Status::bad_header, "Content-ID missing (section 7.5 MUST)", inner.data());
    return content_id(cid, out.content_id, c);
}

Status parse_part(std::string_view part, const char* base_ptr, BodyPart& out,
                  const BodyLimits& limits, const Ctx& c) noexcept {
    out = BodyPart{};
    out.offset = static_cast<size_t>(part.data() - base_ptr);
    size_t pos = 0;
    PartHeaders h;
    if (read_headers(part, pos, h, limits.max_header_bytes, c) != Status::ok) return c.err.status;
    MediaType mt;
    if (h.content_type.data() != nullptr) {
        if (media_type(h.content_type, mt, c) != Status::ok) return c.err.status;
        if (is_external_body(mt)) {
            out.kind = PartKind::indirect;
            if (external_params(mt.params, h.content_type.data(), out.indirect, c) != Status::ok)
                return c.err.status;
            return external_inner(part.substr(pos), h.content_id, out.indirect, limits, c);
        }
    }
    out.kind = PartKind::inline_body;
    if (h.content_type.data() != nullptr) out.inline_body.content_type = h.content_type;
    if (h.content_id.data() != nullptr &&
        content_id(h.content_id, out.inline_body.content_id, c) != Status::ok)
        return c.err.status;
    out.inline_body.body = part.substr(pos);
    return Status::ok;
}

// A delimiter line of a multipart body (RFC 2046 5.1.1): "--" boundary, "--" when it closes,
// transport padding, the line's end.
struct Delimiter {
    size_t line;   // where "--" starts
    size_t after;  // just past the line (its line ending included)
    bool close = false;
};

bool find_delimiter(std::string_view body, std::string_view b, size_t from, Delimiter& d) noexcept {
    size_t pos = from;
    for (;;) {
        pos = body.find("--", pos);
        if (pos == std::string_view::npos) return false;
        if ((pos == 0 || body[pos - 1] == '\n') && body.substr(pos + 2, b.size()) == b) {
            size_t i = pos + 2 + b.size();
            bool close = body.substr(i, 2) == "--";
            if (close) i += 2;
            while (i < body.size() && is_wsp(body[i])) ++i;
            size_t end = 0;
            if (i == body.size())
                end = i;
            else if (body[i] == '\n')
                end = i + 1;
            else if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')
                end = i + 2;
            if (end != 0) {
                d.line = pos;
                d.after = end;
                d.close = close;
                return true;
            }
        }
        ++pos;
    }
}

Status parse_multipart(std::string_view body, std::string_view boundary,
                       std::vector<BodyPart>& parts, const BodyLimits& limits,
                       const Ctx& c) noexcept {
    Delimiter d;
    // The preamble, before the first delimiter, is ignored (RFC 2046 5.1.1).
    if (!find_delimiter(body, boundary, 0, d))
        return c.fail(Status::syntax, "multipart: no opening delimiter", body.data());
    if (d.close)
        return c.fail(Status::syntax, "multipart: no parts (closing delimiter first)",
                      body.data() + d.line);
    for (;;) {
        size_t begin = d.after;
        Delimiter next;
        if (!find_delimiter(body, boundary, begin, next))
            return c.fail(Status::syntax, "multipart: no closing delimiter",
                          body.data() + body.size());
        // The line ending before "--" belongs to the delimiter.
        size_t end = next.line;
        if (end > begin) {
            --end;  // the '\n'
            if (end > begin && body[end - 1] == '\r') --end;
        }
        if (parts.size() >= limits.max_parts)
            return c.fail(Status::limit_header_count, "multipart: more parts than max_parts",
                          body.data() + begin);
        parts.emplace_back();
        if (parse_part(body.substr(begin, end - begin), body.data(), parts.back(), limits, c) !=
            Status::ok)
            return c.err.status;
        if (next.close) return Status::ok;  // the epilogue is ignored
        d = next;
    }
}

}  // namespace

bool valid_content_id(std::string_view id) noexcept {
    return valid_content_id_text(id);
}

Status parse_media_type(std::string_view value, MediaType& out, Error& err) noexcept {
    Ctx c{value.data(), err};
    return media_type(value, out, c);
}

Status parse_notify_body(std::string_view content_type, std::string_view body,
                         std::vector<BodyPart>& parts, Error& err, const BodyLimits& limits,
                         BodyForm* form) {
    parts.clear();
    Ctx in_type{content_type.data(), err};
    Ctx in_body{body.data(), err};
    std::string_view ct = trim(content_type);
    MediaType mt;
    if (media_type(ct, mt, in_type) != Status::ok) return err.status;
    if (iequals(mt.type, "multipart")) {
        if (!iequals(mt.subtype, "mixed"))
            return in_type.fail(Status::bad_header, "multipart: subtype other than mixed",
                                mt.subtype.data());
        std::string_view boundary;
        bool found = false;
        size_t pos = 0;
        MimeParam p;
        while (next_param(mt.params, pos, p, in_type) > 0) {
            if (!iequals(p.name, "boundary")) continue;
            if (found)
                return in_type.fail(Status::bad_header, "multipart: boundary given twice",
                                    p.name.data());
            found = true;
            boundary = p.value;
        }
        if (!found)
            return in_type.fail(Status::bad_header, "multipart: no boundary parameter", ct.data());
        if (!valid_boundary(boundary))
            return in_type.fail(Status::bad_header,
                                "multipart: boundary not 1..70 bchars (RFC 2046 5.1.1)",
                                boundary.data());
        if (form) *form = BodyForm::multipart;
        if (limits.max_parts) parts.reserve(limits.max_parts < 16 ? limits.max_parts : 16);
        return parse_multipart(body, boundary, parts, limits, in_body);
    }
    if (is_external_body(mt)) {
        // RFC 4483 without multipart: the parameters are in the Content-Type value, the body
        // holds the encapsulated headers.
        if (form) *form = BodyForm::external_body;
        BodyPart part;
        part.kind = PartKind::indirect;
        if (external_params(mt.params, ct.data(), part.indirect, in_type) != Status::ok)
            return err.status;
        if (external_inner(body, std::string_view(), part.indirect, limits, in_body) != Status::ok)
            return err.status;
        parts.push_back(part);
        return Status::ok;
    }
    if (iequals(mt.type, "application") && iequals(mt.subtype, "url")) {
        // What deployed plug-and-play phones get: the body is one URL line.
        if (form) *form = BodyForm::url;
        std::string_view url = trim(body);
        if (url.empty())
            return in_body.fail(Status::bad_header, "application/url: empty body", body.data());
        size_t nl = url.find_first_of("\r\n");
        if (nl != std::string_view::npos)
            return in_body.fail(Status::syntax, "application/url: more than one line",
                                url.data() + nl);
        for (size_t i = 0; i < url.size(); ++i)
            if (is_ctl(url[i]) || url[i] == ' ')
                return in_body.fail(Status::bad_header,
                                    "application/url: URL contains whitespace or a control "
                                    "character",
                                    url.data() + i);
        BodyPart part;
        part.kind = PartKind::indirect;
        part.offset = static_cast<size_t>(url.data() - body.data());
        part.indirect.url = url;
        parts.push_back(part);
        return Status::ok;
    }
    // Section 7.5 only says SHOULD for content indirection: a profile may come inline.
    if (form) *form = BodyForm::inline_body;
    BodyPart part;
    part.kind = PartKind::inline_body;
    part.inline_body.content_type = ct;
    part.inline_body.body = body;
    parts.push_back(part);
    return Status::ok;
}

// --- building ------------------------------------------------------------------------

namespace {

bool quotable(std::string_view v) noexcept {
    for (char ch : v)
        if (ch == '"' || ch == '\\' || (static_cast<unsigned char>(ch) < 0x20 && ch != '\t'))
            return false;
    return true;
}

bool media_type_ok(std::string_view v) noexcept {
    Error e;
    MediaType mt;
    return parse_media_type(v, mt, e) == Status::ok;
}

bool indirect_ok(const IndirectProfile& p) noexcept {
    return url_ok(p.url) && media_type_ok(p.content_type) && valid_content_id(p.content_id) &&
           quotable(p.expiration) && (p.hash.empty() || all_hex40(p.hash)) &&
           (p.access_type.empty() || iequals(p.access_type, "URL"));
}

bool inline_ok(const InlineBody& b) noexcept {
    if (!b.content_id.empty() && !valid_content_id(b.content_id)) return false;
    if (b.content_type.empty()) return true;
    Error e;
    MediaType mt;
    return parse_media_type(b.content_type, mt, e) == Status::ok && !is_external_body(mt);
}

void append_quoted_param(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += "=\"";
    out += value;
    out += '"';
}

// The external-body parameters, each after `sep` but the first.
void append_params(std::string& out, const IndirectProfile& p, std::string_view sep) {
    append_quoted_param(out, "access-type", p.access_type.empty() ? "URL" : p.access_type);
    if (!p.expiration.empty()) {
        out += sep;
        append_quoted_param(out, "expiration", p.expiration);
    }
    out += sep;
    append_quoted_param(out, "URL", p.url);
    if (p.size) {
        out += sep;
        out += "size=";
        out += std::to_string(*p.size);
    }
    if (!p.hash.empty()) {
        out += sep;
        out += "hash=";
        out += p.hash;
    }
}

void append_inner(std::string& out, std::string_view content_type, std::string_view cid) {
    if (!content_type.empty()) {
        out += "Content-Type: ";
        out += content_type;
        out += "\r\n";
    }
    if (!cid.empty()) {
        out += "Content-ID: <";
        out += cid;
        out += ">\r\n";
    }
}

bool contains(std::string_view field, std::string_view b) noexcept {
    return field.find(b) != std::string_view::npos;
}

bool occurs_in(std::string_view b, const BodyPart& part) noexcept {
    if (part.kind == PartKind::indirect) {
        const IndirectProfile& p = part.indirect;
        return contains(p.url, b) || contains(p.content_type, b) || contains(p.content_id, b) ||
               contains(p.expiration, b) || contains(p.hash, b) || contains(p.access_type, b);
    }
    const InlineBody& i = part.inline_body;
    return contains(i.content_type, b) || contains(i.content_id, b) || contains(i.body, b);
}

}  // namespace

void append_multipart_type(std::string& out, std::string_view boundary) {
    out += "multipart/mixed;boundary=";
    bool token = !boundary.empty();
    for (char ch : boundary) token = token && is_mime_token_char(ch);
    if (token) {
        out += boundary;
    } else {  // bchars hold no '"' or '\\': quoting needs no quoted-pairs
        out += '"';
        out += boundary;
        out += '"';
    }
}

Status append_multipart(std::string& out, std::string_view boundary, const BodyPart* parts,
                        size_t count) {
    if (!valid_boundary(boundary) || count == 0) return Status::invalid_argument;
    for (size_t k = 0; k < count; ++k) {
        const BodyPart& part = parts[k];
        if (occurs_in(boundary, part)) return Status::invalid_argument;
        if (part.kind == PartKind::indirect ? !indirect_ok(part.indirect)
                                            : !inline_ok(part.inline_body))
            return Status::invalid_argument;
    }
    for (size_t k = 0; k < count; ++k) {
        // The CRLF before "--" is part of the delimiter (RFC 2046 5.1.1).
        out += k == 0 ? "--" : "\r\n--";
        out += boundary;
        out += "\r\n";
        const BodyPart& part = parts[k];
        if (part.kind == PartKind::indirect) {
            // The layout of the draft's section 7.12.
            out += "Content-Type: message/external-body;\r\n      ";
            append_params(out, part.indirect, ";\r\n      ");
            out += "\r\n\r\n";
            append_inner(out, part.indirect.content_type, part.indirect.content_id);
        } else {
            append_inner(out, part.inline_body.content_type, part.inline_body.content_id);
            out += "\r\n";
            out += part.inline_body.body;
        }
    }
    out += "\r\n--";
    out += boundary;
    out += "--\r\n";
    return Status::ok;
}

Status append_external_body_type(std::string& out, const IndirectProfile& p) {
    if (!indirect_ok(p)) return Status::invalid_argument;
    out += "message/external-body;";
    append_params(out, p, ";");
    return Status::ok;
}

Status append_external_body(std::string& out, const IndirectProfile& p) {
    if (!indirect_ok(p)) return Status::invalid_argument;
    append_inner(out, p.content_type, p.content_id);
    out += "\r\n";
    return Status::ok;
}

Status append_url_body(std::string& out, std::string_view url) {
    if (url.empty()) return Status::invalid_argument;
    for (char ch : url)
        if (is_ctl(ch) || ch == ' ') return Status::invalid_argument;
    out += url;
    out += "\r\n";
    return Status::ok;
}

std::string choose_boundary(std::string_view seed, const BodyPart* parts, size_t count) {
    uint64_t h = 0xcbf29ce484222325u;  // FNV-1a
    for (char ch : seed) {
        h ^= static_cast<unsigned char>(ch);
        h *= 0x100000001b3u;
    }
    for (uint64_t counter = 0;; ++counter) {
        uint64_t z = h + counter * 0x9e3779b97f4a7c15u;  // splitmix64 finalizer
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        z ^= z >> 31;
        char buf[24];
        std::snprintf(buf, sizeof buf, "pc-%016llx", static_cast<unsigned long long>(z));
        std::string_view b(buf, 19);
        bool clash = false;
        for (size_t k = 0; k < count && !clash; ++k) clash = occurs_in(b, parts[k]);
        if (!clash) return std::string(b);
    }
}

}  // namespace pushcore::ua_profile
