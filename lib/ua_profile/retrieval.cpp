#include "pushcore/ua_profile/retrieval.hpp"

#include "pushcore/text/grammar.hpp"

namespace pushcore::ua_profile {

namespace {

// A byte that may stand in a request-target: visible US-ASCII (RFC 7230 3.1.1, 5.3).
bool visible(char c) noexcept {
    return c > 0x20 && c < 0x7f;
}

// A field value (RFC 7230 3.2): no CTL but HTAB, so no CR or LF can split the head.
Status check_field_value(std::string_view value, const char* why, Error& err) {
    for (size_t i = 0; i < value.size(); ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return err.fail(Status::invalid_argument, why, i);
    }
    return Status::ok;
}

// reg-name or IPv4address (RFC 3986 3.2.2), as far as a Host field needs: unreserved and
// pct-encoded characters.
bool host_char(char c) noexcept {
    return text::is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '%';
}

// The parts of an http(s) URL a request head needs.
struct Target {
    std::string_view host_field;  // host[:port], as written
    std::string_view path;        // path and query ("" for none)
};

Status split_url(std::string_view url, Target& out, Error& err) {
    size_t colon = url.find(':');
    std::string_view scheme = url.substr(0, colon == std::string_view::npos ? 0 : colon);
    if (!text::iequals(scheme, "http") && !text::iequals(scheme, "https"))
        return err.fail(Status::invalid_argument, "url: not http or https", 0);
    if (url.substr(colon + 1, 2) != "//")
        return err.fail(Status::invalid_argument, "url: no host", colon + 1);
    const size_t start = colon + 3;
    size_t end = url.find_first_of("/?#", start);
    if (end == std::string_view::npos) end = url.size();
    std::string_view authority = url.substr(start, end - start);
    if (size_t at = authority.find('@'); at != std::string_view::npos)
        return err.fail(Status::invalid_argument, "url: userinfo is not allowed", start + at);

    size_t host_end = 0;  // in authority
    if (!authority.empty() && authority[0] == '[') {
        // IP-literal: hex digits, colons and dots (an IPv4 tail) between the brackets.
        size_t close = authority.find(']');
        if (close == std::string_view::npos || close == 1)
            return err.fail(Status::invalid_argument, "url: bad IP literal", start);
        for (size_t i = 1; i < close; ++i)
            if (!text::is_hex(authority[i]) && authority[i] != ':' && authority[i] != '.')
                return err.fail(Status::invalid_argument, "url: bad IP literal", start + i);
        host_end = close + 1;
    } else {
        host_end = authority.find(':');
        if (host_end == std::string_view::npos) host_end = authority.size();
        if (host_end == 0) return err.fail(Status::invalid_argument, "url: no host", start);
        for (size_t i = 0; i < host_end; ++i)
            if (!host_char(authority[i]))
                return err.fail(Status::invalid_argument, "url: bad host", start + i);
    }
    std::string_view host_field = authority;
    if (host_end < authority.size()) {
        if (authority[host_end] != ':')
            return err.fail(Status::invalid_argument, "url: bad host", start + host_end);
        std::string_view port = authority.substr(host_end + 1);
        uint32_t value = 0;
        for (size_t i = 0; i < port.size(); ++i) {
            if (!text::is_digit(port[i]) || i >= 5)
                return err.fail(Status::invalid_argument, "url: bad port", start + host_end + 1);
            value = value * 10 + static_cast<uint32_t>(port[i] - '0');
        }
        if (value > 65535)
            return err.fail(Status::invalid_argument, "url: bad port", start + host_end + 1);
        // RFC 3986 6.2.3: an empty port is the default one; "host:" is sent as "host".
        if (port.empty()) host_field = authority.substr(0, host_end);
    }

    size_t hash = url.find('#', end);
    std::string_view path =
        url.substr(end, (hash == std::string_view::npos ? url.size() : hash) - end);
    for (size_t i = 0; i < path.size(); ++i)
        if (!visible(path[i]))
            return err.fail(Status::invalid_argument, "url: a space or control character", end + i);
    out.host_field = host_field;
    out.path = path;
    return Status::ok;
}

}  // namespace

Status append_retrieval_request(std::string& out, std::string_view url, const UaProfileEvent& event,
                                Error& err, std::string_view user_agent, std::string_view accept) {
    Target target;
    if (split_url(url, target, err) != Status::ok) return err.status;
    if (check_field_value(accept, "accept: a control character", err) != Status::ok ||
        check_field_value(user_agent, "user_agent: a control character", err) != Status::ok)
        return err.status;

    // draft 8.1.2: the Event header field MUST be given as in the SUBSCRIBE (7.2), where
    // vendor, model and version are mandatory.
    if (check_for(Method::subscribe, event, Form::draft08, err) != Status::ok) return err.status;
    std::string event_value;
    append_event(event_value, event);
    UaProfileEvent written;
    // What the server will read: append_event drops what it cannot write (a profile-type
    // that is no token), so the written value is checked again.
    if (parse_event(event_value, written, err) != Status::ok ||
        check_for(Method::subscribe, written, Form::draft08, err) != Status::ok)
        return err.status;

    std::string head;
    head.append("GET ");
    if (target.path.empty() || target.path[0] != '/') head.push_back('/');  // origin-form
    head.append(target.path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(target.host_field).append("\r\n");
    head.append("Event: ").append(event_value).append("\r\n");
    if (!accept.empty()) head.append("Accept: ").append(accept).append("\r\n");
    if (!user_agent.empty()) head.append("User-Agent: ").append(user_agent).append("\r\n");
    head.append("\r\n");
    out.append(head);
    return Status::ok;
}

Status read_retrieval_event(std::string_view event_field_value, UaProfileEvent& out, Error& err,
                            Form form) {
    if (text::trim_lws(event_field_value).empty()) {
        out = UaProfileEvent{};
        return err.fail(Status::missing_header, "Event: required in a retrieval (8.1.2)", 0);
    }
    if (parse_event(event_field_value, out, err) != Status::ok) return err.status;
    return check_for(Method::subscribe, out, form, err);
}

}  // namespace pushcore::ua_profile
