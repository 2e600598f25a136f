// HTTP requests and responses as the server connection hands them over, the same for
// HTTP/1.1 and HTTP/2 (RFC 9110 semantics; RFC 9112 and RFC 9113 framing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pushcore::http {

// A field line. Names are lower case (HTTP/2 requires it; HTTP/1.1 names are folded).
struct Header {
    std::string name;
    std::string value;
};

struct Request {
    int32_t stream_id = 0;  // the HTTP/2 stream, or the HTTP/1.1 request's sequence number
    std::string method;
    std::string path;             // the request target in origin form, query included
    std::string authority;        // :authority or Host
    std::string scheme;           // :scheme; empty over HTTP/1.1
    std::vector<Header> headers;  // regular fields only, in arrival order
    std::string body;

    // The first field named `name` (lower case), or nullptr.
    const std::string* find(std::string_view name) const noexcept;
    // How many field lines are named `name`.
    size_t count(std::string_view name) const noexcept;
};

struct Response {
    int status = 200;
    std::vector<Header> headers;  // lower-case names; no pseudo-fields, no content-length
    std::string body;

    Response& add(std::string name, std::string value) {
        if (headers.capacity() == 0) headers.reserve(6);  // room for a typical response
        headers.push_back({std::move(name), std::move(value)});
        return *this;
    }
};

// The reason phrase of a status code this library sends ("Created"), or "".
const char* reason_phrase(int status) noexcept;

}  // namespace pushcore::http
