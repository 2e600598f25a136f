#include "pushcore/sip/message.hpp"

#include "pushcore/text/grammar.hpp"

namespace pushcore::sip {

using text::iequals;

namespace {

struct HeaderName {
    HeaderId id;
    std::string_view full;
    char compact;  // 0 when the header has no compact form
};

constexpr HeaderName kHeaderNames[] = {
    {HeaderId::via, "Via", 'v'},
    {HeaderId::from, "From", 'f'},
    {HeaderId::to, "To", 't'},
    {HeaderId::call_id, "Call-ID", 'i'},
    {HeaderId::cseq, "CSeq", 0},
    {HeaderId::contact, "Contact", 'm'},
    {HeaderId::content_length, "Content-Length", 'l'},
    {HeaderId::content_type, "Content-Type", 'c'},
    {HeaderId::max_forwards, "Max-Forwards", 0},
    {HeaderId::expires, "Expires", 0},
    {HeaderId::min_expires, "Min-Expires", 0},
    {HeaderId::feature_caps, "Feature-Caps", 0},
    {HeaderId::supported, "Supported", 'k'},
    {HeaderId::require, "Require", 0},
    {HeaderId::route, "Route", 0},
    {HeaderId::record_route, "Record-Route", 0},
    {HeaderId::event, "Event", 'o'},
    {HeaderId::allow_events, "Allow-Events", 'u'},
    {HeaderId::subject, "Subject", 's'},
    {HeaderId::accept, "Accept", 0},
    {HeaderId::subscription_state, "Subscription-State", 0},
    {HeaderId::www_authenticate, "WWW-Authenticate", 0},
    {HeaderId::proxy_authenticate, "Proxy-Authenticate", 0},
    {HeaderId::authorization, "Authorization", 0},
    {HeaderId::proxy_authorization, "Proxy-Authorization", 0},
};

size_t find_crlf(std::string_view s, size_t from) noexcept {
    size_t p = s.find("\r\n", from);
    return p == std::string_view::npos ? s.size() : p;
}

// Offset of the first CR or LF in `line` that is not part of a fold (CRLF followed by
// WSP), or npos. RFC 3261 7.3.1, 25.1: CRLF ends a line and CRLF WSP is LWS; a bare CR
// or LF is allowed nowhere in a start line or header field (not even in a quoted-pair),
// and another parser that took it for a line end would see different header fields.
size_t bare_line_break(std::string_view line) noexcept {
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\r' && i + 2 < line.size() && line[i + 1] == '\n' &&
            text::is(line[i + 2], text::kWsp))
            ++i;
        else if (line[i] == '\r' || line[i] == '\n')
            return i;
    }
    return std::string_view::npos;
}

Status parse_start_line(std::string_view line, Message& out, Error& err) noexcept {
    constexpr std::string_view kVersion = "SIP/2.0";
    size_t bare = bare_line_break(line);
    if (bare != std::string_view::npos)
        return err.fail(Status::bad_start_line, "bare CR or LF in start line", bare);
    if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 7.2)
        if (line.size() < 11 || !iequals(line.substr(0, 7), kVersion) || line[7] != ' ')
            return err.fail(Status::bad_start_line, "status line must start with \"SIP/2.0 \"", 0);
        uint16_t code = 0;
        for (size_t i = 8; i < 11; ++i) {
            if (!text::is_digit(line[i]))
                return err.fail(Status::bad_start_line, "status code must be three digits", i);
            code = static_cast<uint16_t>(code * 10 + (line[i] - '0'));
        }
        if (code < 100 || code > 699)
            return err.fail(Status::bad_start_line, "status code outside 100-699", 8);
        if (line.size() > 11 && line[11] != ' ')
            return err.fail(Status::bad_start_line, "space expected after status code", 11);
        out.is_request = false;
        out.status_code = code;
        out.reason = line.size() > 12 ? line.substr(12) : std::string_view{};
        return Status::ok;
    }
    // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 7.1)
    size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
        return err.fail(Status::bad_start_line, "request line must be \"Method URI SIP/2.0\"", 0);
    out.method = line.substr(0, sp1);
    if (!text::is_token(out.method))
        return err.fail(Status::bad_start_line, "method is not a token", 0);
    size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1)
        return err.fail(Status::bad_start_line, "request line must be \"Method URI SIP/2.0\"",
                        sp1 + 1);
    out.request_uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (line.substr(sp2 + 1) != kVersion)
        return err.fail(Status::bad_start_line, "SIP version must be SIP/2.0", sp2 + 1);
    out.is_request = true;
    return Status::ok;
}

// Parses start line and header fields of head (which ends with CRLF CRLF). Sets
// content_length to the declared length, or -1 when there is none.
Status parse_head(std::string_view head, Message& out, const Limits& limits,
                  long long& content_length, Error& err) noexcept {
    out.headers.clear();
    out.method = out.request_uri = out.reason = out.body = {};
    out.status_code = 0;
    content_length = -1;

    size_t eol = find_crlf(head, 0);
    if (parse_start_line(head.substr(0, eol), out, err) != Status::ok) return err.status;

    size_t pos = eol + 2;
    while (pos < head.size()) {
        size_t end = find_crlf(head, pos);
        if (end == pos) break;  // the empty line
        // Folded lines continue the value: extend end while the next line starts with WSP.
        while (end + 2 < head.size() && text::is(head[end + 2], text::kWsp))
            end = find_crlf(head, end + 2);
        std::string_view line = head.substr(pos, end - pos);
        if (text::is(line[0], text::kWsp))
            return err.fail(Status::bad_header, "continuation line before any header field", pos);
        size_t bare = bare_line_break(line);
        if (bare != std::string_view::npos)
            return err.fail(Status::bad_header, "bare CR or LF in header field", pos + bare);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return err.fail(Status::bad_header, "header field without ':'", pos);
        size_t name_end = colon;
        while (name_end > 0 && text::is(line[name_end - 1], text::kWsp)) --name_end;
        std::string_view name = line.substr(0, name_end);
        if (!text::is_token(name))
            return err.fail(Status::bad_header, "header field name is not a token", pos);
        for (size_t k = name_end; k < colon; ++k)
            if (!text::is(line[k], text::kWsp))
                return err.fail(Status::bad_header, "header field name is not a token", pos + k);
        if (out.headers.size() == limits.max_headers)
            return err.fail(Status::limit_header_count, "more header fields than max_headers", pos);
        std::string_view raw_value = line.substr(colon + 1);
        std::string_view value = text::trim_lws(raw_value);
        uint32_t value_offset = static_cast<uint32_t>(
            pos + colon + 1 + (value.empty() ? 0 : value.data() - raw_value.data()));
        HeaderId id = header_id(name);
        out.headers.push_back(Header{name, value, id, value_offset});

        if (id == HeaderId::content_length) {
            long long n = 0;
            if (value.empty() || value.size() > 10)
                return err.fail(Status::bad_content_length, "Content-Length is not 1-10 digits",
                                value_offset);
            for (char c : value) {
                if (!text::is_digit(c))
                    return err.fail(Status::bad_content_length, "Content-Length is not a number",
                                    value_offset);
                n = n * 10 + (c - '0');
            }
            if (content_length >= 0 && content_length != n)
                return err.fail(Status::bad_content_length, "conflicting Content-Length values",
                                value_offset);
            if (static_cast<unsigned long long>(n) > limits.max_body_bytes)
                return err.fail(Status::limit_body_bytes, "Content-Length above max_body_bytes",
                                value_offset);
            content_length = n;
        }
        pos = end + 2;
    }
    return Status::ok;
}

}  // namespace

HeaderId header_id(std::string_view name) noexcept {
    if (name.size() == 1) {
        char c = static_cast<char>(name[0] | 0x20);
        for (const auto& h : kHeaderNames)
            if (h.compact == c) return h.id;
        return HeaderId::other;
    }
    for (const auto& h : kHeaderNames)
        if (iequals(h.full, name)) return h.id;
    return HeaderId::other;
}

std::string_view header_name(HeaderId id) noexcept {
    for (const auto& h : kHeaderNames)
        if (h.id == id) return h.full;
    return {};
}

const Header* Message::find(HeaderId id) const noexcept {
    for (const auto& h : headers)
        if (h.id == id) return &h;
    return nullptr;
}

const Header* Message::find(std::string_view name) const noexcept {
    HeaderId id = header_id(name);
    for (const auto& h : headers)
        if (id != HeaderId::other ? h.id == id : iequals(h.name, name)) return &h;
    return nullptr;
}

size_t Message::count(HeaderId id) const noexcept {
    size_t n = 0;
    for (const auto& h : headers) n += h.id == id;
    return n;
}

Status parse_datagram(std::string_view d, Message& out, const Limits& limits, Error& err) noexcept {
    size_t head_end = d.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        if (d.size() > limits.max_header_bytes)
            return err.fail(Status::limit_header_bytes, "header section above max_header_bytes",
                            limits.max_header_bytes);
        return err.fail(Status::truncated, "datagram has no empty line after the headers",
                        d.size());
    }
    head_end += 4;
    if (head_end > limits.max_header_bytes)
        return err.fail(Status::limit_header_bytes, "header section above max_header_bytes",
                        limits.max_header_bytes);
    long long declared;
    if (parse_head(d.substr(0, head_end), out, limits, declared, err) != Status::ok)
        return err.status;
    size_t available = d.size() - head_end;
    size_t body_len = available;
    if (declared >= 0) {
        if (static_cast<size_t>(declared) > available)
            return err.fail(Status::truncated, "body shorter than Content-Length", d.size());
        body_len = static_cast<size_t>(declared);  // extra bytes are discarded (18.3)
    } else if (body_len > limits.max_body_bytes) {
        return err.fail(Status::limit_body_bytes, "body above max_body_bytes", head_end);
    }
    out.body = d.substr(head_end, body_len);
    out.raw = d.substr(0, head_end + body_len);
    return Status::ok;
}

StreamReader::StreamReader(const Limits& limits) : limits_(limits) {}

void StreamReader::receive(std::string_view bytes) {
    if (begin_ > 0) {
        buf_.erase(0, begin_);
        begin_ = 0;
    }
    buf_.append(bytes);
}

int StreamReader::next(Message& out, Error& err) {
    if (failed_.status != Status::ok) {
        err = failed_;
        return static_cast<int>(failed_.status);
    }
    // CRLF keep-alives (RFC 5626 4.4.1) may stand between messages.
    while (begin_ < buf_.size() && (buf_[begin_] == '\r' || buf_[begin_] == '\n')) ++begin_;
    std::string_view pending(buf_.data() + begin_, buf_.size() - begin_);
    // Resume the search for the empty line where the last call stopped, so byte-at-a-time
    // input costs linear time.
    std::string_view window = pending.substr(0, limits_.max_header_bytes);
    size_t head_end = window.find("\r\n\r\n", scanned_ > 3 ? scanned_ - 3 : 0);
    if (head_end == std::string_view::npos) {
        scanned_ = window.size();
        if (pending.size() >= limits_.max_header_bytes) {
            failed_.fail(Status::limit_header_bytes, "header section above max_header_bytes",
                         limits_.max_header_bytes);
            err = failed_;
            return static_cast<int>(failed_.status);
        }
        return 0;
    }
    head_end += 4;
    long long declared;
    Error e;
    if (parse_head(pending.substr(0, head_end), out, limits_, declared, e) == Status::ok &&
        declared < 0)
        e.fail(Status::bad_content_length, "Content-Length is mandatory on stream transports",
               head_end);
    if (e.status != Status::ok) {
        failed_ = e;
        err = e;
        return static_cast<int>(e.status);
    }
    size_t total = head_end + static_cast<size_t>(declared);
    if (pending.size() < total) return 0;
    out.body = pending.substr(head_end, static_cast<size_t>(declared));
    out.raw = pending.substr(0, total);
    begin_ += total;
    scanned_ = 0;
    return 1;
}

Status StreamReader::end_of_stream(Error& err) const noexcept {
    for (size_t i = begin_; i < buf_.size(); ++i)
        if (buf_[i] != '\r' && buf_[i] != '\n')
            return err.fail(Status::truncated, "stream closed inside a message", i - begin_);
    return Status::ok;
}

MessageWriter& MessageWriter::request(std::string_view method, std::string_view request_uri) {
    out_.append(method).append(" ").append(request_uri).append(" SIP/2.0\r\n");
    return *this;
}

MessageWriter& MessageWriter::response(uint16_t code, std::string_view reason) {
    out_.append("SIP/2.0 ").append(std::to_string(code)).append(" ").append(reason).append("\r\n");
    return *this;
}

MessageWriter& MessageWriter::header(std::string_view name, std::string_view value) {
    out_.append(name).append(": ").append(value).append("\r\n");
    return *this;
}

void MessageWriter::finish(std::string_view body) {
    out_.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
    out_.append(body);
}

std::string_view reason_phrase(uint16_t code) noexcept {
    switch (code) {
        case 100:
            return "Trying";
        case 180:
            return "Ringing";
        case 200:
            return "OK";
        case 202:
            return "Accepted";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 407:
            return "Proxy Authentication Required";
        case 408:
            return "Request Timeout";
        case 413:
            return "Request Entity Too Large";
        case 416:
            return "Unsupported URI Scheme";
        case 420:
            return "Bad Extension";
        case 423:
            return "Interval Too Brief";
        case 480:
            return "Temporarily Unavailable";
        case 481:
            return "Call/Transaction Does Not Exist";
        case 483:
            return "Too Many Hops";
        case 486:
            return "Busy Here";
        case 487:
            return "Request Terminated";
        case 489:
            return "Bad Event";  // RFC 6665 8.3.2 (RFC 3265 7.2.2)
        case 500:
            return "Server Internal Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Server Time-out";
        case 505:
            return "Version Not Supported";
        case 513:
            return "Message Too Large";
        case 555:
            return "Push Notification Service Not Supported";  // RFC 8599 14.2
        case 603:
            return "Decline";
        default:
            return "";
    }
}

}  // namespace pushcore::sip
