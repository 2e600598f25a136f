#include "pushcore/sip/headers.hpp"

#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/params.hpp"
#include "pushcore/text/grammar.hpp"

namespace pushcore::sip {

Status parse_cseq(std::string_view value, CSeq& out, Error& err) noexcept {
    size_t i = 0;
    uint64_t n = 0;
    while (i < value.size() && text::is_digit(value[i]) && i < 11) n = n * 10 + (value[i++] - '0');
    if (i == 0) return err.fail(Status::bad_header, "CSeq number expected", 0);
    if (n >= (1ull << 31)) return err.fail(Status::bad_header, "CSeq number above 2**31-1", 0);
    size_t lws = text::lws_length(value, i);
    if (lws == 0) return err.fail(Status::bad_header, "space expected after CSeq number", i);
    out.number = static_cast<uint32_t>(n);
    out.method = value.substr(i + lws);
    if (!text::is_token(out.method))
        return err.fail(Status::bad_header, "CSeq method is not a token", i + lws);
    return Status::ok;
}

Status parse_via(std::string_view v, Via& out, Error& err) noexcept {
    out = Via{};
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport, LWS allowed
    // around the slashes (RFC 3261 25.1).
    size_t i = 0;
    std::string_view parts[3];
    for (int k = 0; k < 3; ++k) {
        i += text::lws_length(v, i);
        size_t start = i;
        while (i < v.size() && text::is_token_char(v[i])) ++i;
        if (i == start) return err.fail(Status::bad_header, "Via sent-protocol expected", start);
        parts[k] = v.substr(start, i - start);
        if (k < 2) {
            i += text::lws_length(v, i);
            if (i >= v.size() || v[i] != '/')
                return err.fail(Status::bad_header, "'/' expected in Via sent-protocol", i);
            ++i;
        }
    }
    if (!text::iequals(parts[0], "SIP") || parts[1] != "2.0")
        return err.fail(Status::bad_header, "Via protocol must be SIP/2.0", 0);
    out.transport = parts[2];
    size_t lws = text::lws_length(v, i);
    if (lws == 0) return err.fail(Status::bad_header, "space expected before Via sent-by", i);
    i += lws;
    size_t host_begin = i;
    if (i < v.size() && v[i] == '[') {
        size_t close = v.find(']', i);
        if (close == std::string_view::npos)
            return err.fail(Status::bad_header, "IPv6 reference without ']' in Via", i);
        i = close + 1;
    } else {
        while (i < v.size() && (text::is(v[i], text::kHostChar) || v[i] == '_')) ++i;
    }
    if (i == host_begin) return err.fail(Status::bad_header, "Via sent-by host expected", i);
    out.host = v.substr(host_begin, i - host_begin);
    size_t after_host = i + text::lws_length(v, i);
    if (after_host < v.size() && v[after_host] == ':') {
        i = after_host + 1;
        i += text::lws_length(v, i);
        uint32_t port = 0;
        size_t digits = 0;
        while (i < v.size() && text::is_digit(v[i]) && digits < 6) {
            port = port * 10 + static_cast<uint32_t>(v[i++] - '0');
            ++digits;
        }
        if (digits == 0 || port > 65535)
            return err.fail(Status::bad_header, "Via port must be 0-65535", i);
        out.port = static_cast<uint16_t>(port);
    }
    size_t params_begin = i + text::lws_length(v, i);
    if (scan_params(v, i, ParamSyntax::header, err) != Status::ok) return err.status;
    i += text::lws_length(v, i);
    if (i != v.size()) return err.fail(Status::bad_header, "unexpected character in Via", i);
    out.params = v.substr(params_begin, i - params_begin);
    Param p;
    if (find_param(out.params, "branch", p)) out.branch = p.value;
    return Status::ok;
}

Status top_via(const Message& m, Via& out, Error& err) noexcept {
    const Header* h = m.find(HeaderId::via);
    if (!h) return err.fail(Status::missing_header, "Via header field missing", 0);
    ListIterator it(h->value);
    std::string_view first;
    size_t offset = 0;
    it.next(first, offset);
    if (parse_via(first, out, err) != Status::ok) {
        err.offset += h->offset + offset;
        return err.status;
    }
    return Status::ok;
}

Status parse_delta_seconds(std::string_view value, uint32_t& out, Error& err) noexcept {
    if (value.empty()) return err.fail(Status::bad_header, "delta-seconds expected", 0);
    uint64_t n = 0;
    for (size_t i = 0; i < value.size(); ++i) {
        if (!text::is_digit(value[i]))
            return err.fail(Status::bad_header, "delta-seconds must be digits", i);
        n = n * 10 + static_cast<uint64_t>(value[i] - '0');
        if (n > 0xffffffffull) n = 0xffffffffull;
    }
    out = static_cast<uint32_t>(n);
    return Status::ok;
}

bool same_contact(const Uri& a, const Uri& b) noexcept {
    return a.user == b.user && text::iequals(a.host, b.host) && a.port == b.port;
}

std::string_view tag_of(std::string_view value) noexcept {
    NameAddr na;
    Error err;
    Param p;
    if (parse_name_addr(value, na, err) != Status::ok) return {};
    return find_param(na.params, "tag", p) ? p.value : std::string_view{};
}

void begin_response(std::string& out, const Message& request, uint16_t code,
                    std::string_view to_tag) {
    MessageWriter w(out);
    w.response(code, reason_phrase(code));
    for (const Header& h : request.headers)
        if (h.id == HeaderId::via) w.header("Via", h.value);
    if (const Header* from = request.find(HeaderId::from)) w.header("From", from->value);
    if (const Header* to = request.find(HeaderId::to)) {
        if (code > 100 && !to_tag.empty() && tag_of(to->value).empty()) {
            std::string value(to->value);
            value.append(";tag=").append(to_tag);
            w.header("To", value);
        } else {
            w.header("To", to->value);
        }
    }
    if (const Header* id = request.find(HeaderId::call_id)) w.header("Call-ID", id->value);
    if (const Header* cseq = request.find(HeaderId::cseq)) w.header("CSeq", cseq->value);
}

std::string transaction_tag(std::string_view secret, const Message& request) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    };
    mix(secret);
    const Header* id = request.find(HeaderId::call_id);
    mix(id ? id->value : std::string_view());
    Via via;
    Error err;
    mix(top_via(request, via, err) == Status::ok ? via.branch : std::string_view());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string tag;
    for (int shift = 60; shift >= 0; shift -= 4) tag.push_back(kHex[(h >> shift) & 15]);
    return tag;
}

}  // namespace pushcore::sip
