// One server-side HTTP connection, Sans-IO: the host feeds the bytes it read from the
// socket (plaintext; TLS, if any, is a layer below) and writes out what output() holds.
// It speaks HTTP/2 (RFC 9113, through nghttp2's mem_recv/mem_send: prior-knowledge h2c,
// or h2 after ALPN) and HTTP/1.1 (RFC 9112), told apart by the first bytes when the
// protocol is `detect`. Requests come out whole (fields and body); responses and HTTP/2
// server pushes go in. Limits are enforced here: a request over them is answered (400,
// 413, 431) or, for HTTP/2 framing errors, the connection ends with GOAWAY.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"
#include "pushcore/http/http1.hpp"
#include "pushcore/http/message.hpp"

namespace pushcore::http {

enum class Protocol : int32_t { detect = 0, http1 = 1, http2 = 2 };

struct ConnectionLimits {
    size_t max_header_bytes = 8192;  // a request's fields (HPACK-decoded for HTTP/2)
    size_t max_header_count = 64;
    size_t max_body_bytes = 65536;          // a request body; over it: 413
    uint32_t max_concurrent_streams = 100;  // HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS
    uint64_t idle_timeout_ms = 0;           // 0: none. Idle = no request in progress or held.
};

class ServerConnection {
  public:
    enum class EventType { request, stream_closed };
    struct Event {
        EventType type = EventType::request;
        Request request;        // for `request`
        int32_t stream_id = 0;  // for `stream_closed`: a held stream the client ended
    };

    ServerConnection(const ConnectionLimits& limits, Protocol protocol, uint64_t now_ms);
    ~ServerConnection();
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    // Consumes all of `data`. An error status means the connection is finished: flush
    // output() (it may hold a GOAWAY or an error response), then close. error() has details.
    Status receive(const uint8_t* data, size_t len, uint64_t now_ms);
    // The peer closed its side. A request cut short is dropped.
    void receive_eof(uint64_t now_ms);

    // Events since the last call, oldest first.
    bool next_event(Event& out);

    // The final response on a stream (HTTP/1.1: responses go out in request order).
    Status respond(int32_t stream_id, Response response);
    // True when server push is possible: HTTP/2 and the client has not disabled it.
    bool can_push() const noexcept;
    // Promises `path` (GET, same authority and scheme as the parent) on the open stream
    // `parent_stream_id` and sends `response` on the promised stream. Returns the promised
    // stream id (> 0), or a negative Status.
    int32_t push(int32_t parent_stream_id, std::string_view path, Response response);
    // True while the stream is open and its response has not been sent (a held request).
    bool stream_open(int32_t stream_id) const noexcept;

    // Output bytes. Valid until the next call on this connection.
    std::string_view output();
    void consume_output(size_t n);
    // True when the connection should be closed once output() is empty.
    bool want_close() const noexcept;
    // Starts a graceful shutdown (HTTP/2 GOAWAY; HTTP/1.1 closes after the current response).
    void shutdown();

    uint64_t next_deadline() const noexcept;
    void on_timeout(uint64_t now_ms);

    // The Date field value every response gets (RFC 9110 6.6.1: an origin server with a
    // clock sends Date). The connection has no clock: the owner keeps the text current and
    // it must outlive the connection; nullptr or empty: no Date.
    void use_date(const std::string* date) noexcept { date_ = date; }

    Protocol protocol() const noexcept { return protocol_; }
    const Error& error() const noexcept { return err_; }

    struct H2;  // the nghttp2 side (server_connection.cpp)

  private:
    Status receive_http1(const uint8_t* data, size_t len);
    void touch(uint64_t now_ms) noexcept { last_activity_ms_ = now_ms; }
    bool idle() const noexcept;  // no request in progress, held or awaiting its response

    ConnectionLimits limits_;
    Protocol protocol_;
    Error err_;
    uint64_t last_activity_ms_;
    bool closing_ = false;
    bool peer_closed_ = false;
    const std::string* date_ = nullptr;
    std::deque<Event> events_;
    std::string out_;  // bytes produced and not yet consumed
    size_t out_pos_ = 0;
    std::string detect_;  // the first bytes, held until the protocol is known
    // HTTP/1.1
    std::unique_ptr<Http1Parser> h1_;
    struct PendingH1 {
        int32_t id;
        bool close;
        bool answered;
        std::string bytes;
    };
    std::deque<PendingH1> h1_pending_;
    bool h1_partial_ = false;        // part of a request has arrived
    bool h1_continue_sent_ = false;  // "100 Continue" went out for the current request
    // HTTP/2
    std::unique_ptr<H2> h2_;
};

}  // namespace pushcore::http
