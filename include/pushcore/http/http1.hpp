// HTTP/1.1 server-side framing (RFC 9112): an incremental request parser with limits and
// a response serializer. No I/O: bytes in, requests out; a response in, bytes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "pushcore/core/status.hpp"
#include "pushcore/http/message.hpp"

namespace pushcore::http {

struct Http1Limits {
    size_t max_header_bytes = 8192;  // request line + fields, CRLFs included
    size_t max_header_count = 64;
    size_t max_body_bytes = 65536;  // decoded body (after chunked decoding)
};

// Parses a stream of requests. feed() consumes bytes until one request is complete (then
// done() is true and take() hands it over) or the input is used up. After an error the
// parser stays failed: error() tells why and http_status() which status to answer with
// (400, 413, 431, 501, 505) before closing the connection.
class Http1Parser {
  public:
    explicit Http1Parser(const Http1Limits& limits = {}) : limits_(limits) {}

    // Consumes up to len bytes; returns how many were used (fewer than len only when a
    // request completed or an error occurred).
    size_t feed(const uint8_t* data, size_t len);

    bool done() const noexcept { return state_ == State::done; }
    bool failed() const noexcept { return state_ == State::failed; }
    // True once the request's fields are in and it carries "Expect: 100-continue"
    // (RFC 9110 10.1.1): the connection should answer "100 Continue" before the body.
    bool expects_continue() const noexcept;
    // True when the connection must close after the response (Connection: close, or
    // HTTP/1.0 without keep-alive).
    bool close_after() const noexcept { return close_after_; }
    // Hands over the complete request and resets for the next one on the connection.
    Request take();

    const Error& error() const noexcept { return err_; }
    int http_status() const noexcept { return http_status_; }
    // Bytes of the stream consumed so far (error offsets count from the same origin).
    size_t offset() const noexcept { return offset_; }

  private:
    enum class State {
        start_line,
        fields,
        body,
        chunk_size,
        chunk_data,
        chunk_crlf,
        trailers,
        done,
        failed
    };
    // What the request line and fields said about framing and the connection; reset by take().
    struct Head {
        bool http10 = false;
        bool absolute_form = false;  // the authority came from the request-target
        bool host_seen = false;
        bool conn_close = false;
        bool keep_alive = false;
        bool has_length = false;
        bool te_seen = false;
        bool te_unknown = false;    // a transfer coding other than chunked
        bool chunked_last = false;  // chunked is the final transfer coding so far
        unsigned chunked_count = 0;
        uint64_t length = 0;  // Content-Length, when has_length
        size_t length_at = 0;
        size_t te_at = 0;
        size_t fields = 0;  // field lines so far, trailer fields included
    };

    // Handles bytes of a line-oriented state (request line, fields, chunk-size, trailers);
    // `at` is the stream offset of in[0]. Returns the bytes used.
    size_t line_input(const char* in, size_t n, size_t at);
    // One complete line without its CRLF or LF; `full` is its length with the terminator.
    bool on_line(std::string_view line, size_t at, size_t full);
    bool parse_request_line(std::string_view line, size_t at);
    bool parse_target(std::string_view target, size_t at);
    bool parse_field(std::string_view line, size_t at, bool trailer);
    bool end_of_head(size_t at);
    bool parse_chunk_size(std::string_view line, size_t at);
    // Enters `failed`; returns false so that parsing steps can `return fail(...)`.
    bool fail(Status s, const char* why, int http_status, size_t at);

    Http1Limits limits_;
    State state_ = State::start_line;
    Error err_;
    int http_status_ = 0;
    size_t offset_ = 0;
    bool close_after_ = false;  // sticky: once a request needs it, the connection closes
    bool expect_continue_ = false;
    bool cr_ = false;  // chunk_crlf: the CR has been seen
    Head head_;
    Request req_;
    std::string line_;         // the part of a line that arrived in earlier feed() calls
    size_t header_bytes_ = 0;  // request line, fields and trailers so far, line ends included
    uint64_t remaining_ = 0;   // body or chunk bytes still expected
    int32_t sequence_ = 0;
};

// Appends the status line, the fields (plus Content-Length, and "Connection: close" when
// `close`), a blank line and the body. A 1xx, 204 or 304 gets no Content-Length or body.
void serialize_response(const Response& response, bool close, std::string& out);

}  // namespace pushcore::http
