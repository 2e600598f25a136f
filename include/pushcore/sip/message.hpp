// SIP message framing (RFC 3261 section 7, 18.3): start line, header fields, body.
//
// Parsing never copies: a Message holds views into the bytes it was parsed from (the
// caller's datagram, or the StreamReader's buffer). Header storage is reserved when the
// Message is made, so parsing does not allocate. Folded header values keep their line
// breaks; every value parser in lib/sip treats CRLF+WSP as LWS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pushcore/core/status.hpp"

namespace pushcore::sip {

// Header fields the library interprets; compact forms map to the same id (RFC 3261 7.3.3).
enum class HeaderId : uint8_t {
    other,
    via,      // v
    from,     // f
    to,       // t
    call_id,  // i
    cseq,
    contact,         // m
    content_length,  // l
    content_type,    // c
    max_forwards,
    expires,
    min_expires,
    feature_caps,
    supported,  // k
    require,
    route,
    record_route,
    event,         // o
    allow_events,  // u
    subject,       // s
    accept,
    subscription_state,
    www_authenticate,
    proxy_authenticate,
    authorization,
    proxy_authorization,
};

// The id of a header field name (case-insensitive; full or compact form).
HeaderId header_id(std::string_view name) noexcept;
// The canonical full name of an id ("" for HeaderId::other).
std::string_view header_name(HeaderId id) noexcept;

struct Header {
    std::string_view name;   // as written
    std::string_view value;  // LWS-trimmed; may contain folded line breaks
    HeaderId id = HeaderId::other;
    uint32_t offset = 0;  // of the value, from the start of the message
};

struct Limits {
    size_t max_header_bytes = 16 * 1024;  // start line + headers + the empty line
    size_t max_headers = 64;
    size_t max_body_bytes = 64 * 1024;
};

struct Message {
    explicit Message(size_t max_headers = Limits{}.max_headers) { headers.reserve(max_headers); }

    bool is_request = false;
    std::string_view method;       // requests
    std::string_view request_uri;  // requests, unparsed
    uint16_t status_code = 0;      // responses
    std::string_view reason;       // responses
    std::vector<Header> headers;
    std::string_view body;
    std::string_view raw;  // the whole message

    const Header* find(HeaderId id) const noexcept;
    const Header* find(std::string_view name) const noexcept;
    size_t count(HeaderId id) const noexcept;
};

// Parses a whole datagram (RFC 3261 18.3): Content-Length is optional, bytes after the
// declared body are discarded, a body shorter than declared is Status::truncated.
Status parse_datagram(std::string_view datagram, Message& out, const Limits& limits,
                      Error& err) noexcept;

// Frames messages out of a byte stream (TCP, TLS): Content-Length is mandatory
// (RFC 3261 18.3), CRLF keep-alives between messages are skipped (RFC 5626 4.4.1).
class StreamReader {
  public:
    explicit StreamReader(const Limits& limits = Limits{});

    // Copies `bytes` in. The reader keeps at most one message's worth of bytes beyond
    // what next() has not consumed yet; receive() itself never fails.
    void receive(std::string_view bytes);

    // 1: a message is in `out` (its views live until the next call on the reader);
    // 0: more bytes needed; < 0: the stream is broken (status in err; the reader stays
    // failed, because the framing cannot be recovered).
    int next(Message& out, Error& err);

    // The peer closed the stream: Status::truncated if it stopped inside a message.
    Status end_of_stream(Error& err) const noexcept;

    // Bytes received and not yet returned in a message.
    size_t buffered() const noexcept { return buf_.size() - begin_; }

  private:
    Limits limits_;
    std::string buf_;
    size_t begin_ = 0;    // start of the first unconsumed byte
    size_t scanned_ = 0;  // bytes after begin_ already searched for the empty line
    Error failed_;
};

// Writes messages; adds Content-Length itself (always, as streams require).
class MessageWriter {
  public:
    explicit MessageWriter(std::string& out) : out_(out) {}
    MessageWriter& request(std::string_view method, std::string_view request_uri);
    MessageWriter& response(uint16_t code, std::string_view reason);
    MessageWriter& header(std::string_view name, std::string_view value);
    // Appends Content-Length, the empty line and the body.
    void finish(std::string_view body = {});

  private:
    std::string& out_;
};

// The default reason phrase of a status code ("" if none is known).
std::string_view reason_phrase(uint16_t code) noexcept;

}  // namespace pushcore::sip
