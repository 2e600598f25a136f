#include "pushcore/http/message.hpp"

#include "pushcore/text/grammar.hpp"

namespace pushcore::http {

const std::string* Request::find(std::string_view name) const noexcept {
    for (const Header& h : headers)
        if (text::iequals(h.name, name)) return &h.value;
    return nullptr;
}

size_t Request::count(std::string_view name) const noexcept {
    size_t n = 0;
    for (const Header& h : headers) n += text::iequals(h.name, name);
    return n;
}

namespace {

struct Reason {
    int status;
    const char* phrase;
};

// RFC 9110 section 15 (and RFC 6585 for 429 and 431).
constexpr Reason kReasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

}  // namespace

const char* reason_phrase(int status) noexcept {
    for (const Reason& r : kReasons)
        if (r.status == status) return r.phrase;
    return "";
}

}  // namespace pushcore::http
