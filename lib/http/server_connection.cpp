#include "pushcore/http/server_connection.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace pushcore::http {

namespace {
// RFC 9113 3.4: the client connection preface starts with this string.
constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
// RFC 9113 6.5.2: a field line counts its name, its value and 32 octets of overhead.
constexpr size_t kFieldOverhead = 32;

// The value of a content-length field nghttp2 has validated; huge values saturate.
uint64_t declared_length(const std::string& v) noexcept {
    uint64_t n = 0;
    for (char c : v) n = n > UINT32_MAX ? n : n * 10 + static_cast<uint64_t>(c - '0');
    return n;
}

nghttp2_nv make_nv(const std::string& name, const std::string& value) {
    return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
            reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
            NGHTTP2_NV_FLAG_NONE};
}
}  // namespace

// The HTTP/2 side: one nghttp2 server session and what this connection keeps per stream.
struct ServerConnection::H2 {
    struct Stream {
        Request request;
        std::string authority, scheme;  // kept for the pushes promised on this stream
        size_t header_bytes = 0;
        int reject = 0;  // a status to answer instead of handing the request over
        Status reject_why = Status::ok;
        bool delivered = false;  // handed over as an event
        bool responded = false;  // a response was submitted
        bool pushed = false;     // a stream this side promised
        std::string body;        // the response body being sent
        size_t body_sent = 0;
    };

    ServerConnection& conn;
    nghttp2_session* session = nullptr;
    std::unordered_map<int32_t, Stream> streams;

    explicit H2(ServerConnection& c) : conn(c) {}
    ~H2() { nghttp2_session_del(session); }

    Status start();
    void flush();
    Status submit(int32_t stream_id, Response& response);
    void reject(int32_t stream_id, Stream& s, int status, Status why);

    static H2& self(void* user_data) { return *static_cast<H2*>(user_data); }

    static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
            Stream& s = self(ud).streams[frame->hd.stream_id];
            s.request.stream_id = frame->hd.stream_id;
            s.request.headers.reserve(8);  // one allocation for a typical request's fields
        }
        return 0;
    }

    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
        H2& h = self(ud);
        auto it = h.streams.find(frame->hd.stream_id);
        if (it == h.streams.end() || frame->hd.type != NGHTTP2_HEADERS) return 0;
        Stream& s = it->second;
        if (s.reject) return 0;
        s.header_bytes += namelen + valuelen + kFieldOverhead;
        if (s.header_bytes > h.conn.limits_.max_header_bytes) {
            s.reject = 431;
            s.reject_why = Status::limit_header_bytes;
            return 0;
        }
        std::string_view n(reinterpret_cast<const char*>(name), namelen);
        std::string v(reinterpret_cast<const char*>(value), valuelen);
        // nghttp2 has already checked pseudo-fields, their order and lower-case names.
        if (n == ":method") {
            s.request.method = std::move(v);
        } else if (n == ":path") {
            s.request.path = std::move(v);
        } else if (n == ":authority") {
            s.request.authority = std::move(v);
        } else if (n == ":scheme") {
            s.request.scheme = std::move(v);
        } else if (n == "host") {
            if (s.request.authority.empty()) s.request.authority = std::move(v);
        } else if (!n.empty() && n[0] != ':') {
            if (s.request.headers.size() >= h.conn.limits_.max_header_count) {
                s.reject = 431;
                s.reject_why = Status::limit_header_count;
                return 0;
            }
            s.request.headers.push_back({std::string(n), std::move(v)});
        }
        return 0;
    }

    static int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                             size_t len, void* ud) {
        H2& h = self(ud);
        auto it = h.streams.find(stream_id);
        if (it == h.streams.end() || it->second.reject) return 0;
        Stream& s = it->second;
        if (s.request.body.size() + len > h.conn.limits_.max_body_bytes) {
            h.reject(stream_id, s, 413, Status::limit_body_bytes);
            return 0;
        }
        s.request.body.append(reinterpret_cast<const char*>(data), len);
        return 0;
    }

    static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
        H2& h = self(ud);
        const int32_t id = frame->hd.stream_id;
        auto it = h.streams.find(id);
        if (it == h.streams.end()) return 0;
        Stream& s = it->second;
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
            // A declared length over the limit is refused before any DATA (RFC 9110 15.5.14);
            // nghttp2 has checked that content-length is a number.
            const std::string* cl = s.request.find("content-length");
            if (!s.reject && cl && declared_length(*cl) > h.conn.limits_.max_body_bytes)
                s.reject = 413, s.reject_why = Status::limit_body_bytes;
            if (s.reject && !s.responded) h.reject(id, s, s.reject, s.reject_why);
        }
        if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
            (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
            if (s.reject) {
                if (!s.responded) h.reject(id, s, s.reject, s.reject_why);
                return 0;
            }
            s.delivered = true;
            s.authority = s.request.authority;
            s.scheme = s.request.scheme;
            Event ev;
            ev.type = EventType::request;
            ev.request = std::move(s.request);
            ev.request.stream_id = id;
            s.request = Request{};
            h.conn.events_.push_back(std::move(ev));
        }
        return 0;
    }

    static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* ud) {
        H2& h = self(ud);
        auto it = h.streams.find(stream_id);
        if (it == h.streams.end()) return 0;
        if (it->second.delivered && !it->second.responded && !it->second.pushed) {
            Event ev;
            ev.type = EventType::stream_closed;
            ev.stream_id = stream_id;
            h.conn.events_.push_back(std::move(ev));
        }
        h.streams.erase(it);
        return 0;
    }

    // nghttp2 answers a connection error itself with GOAWAY (RFC 9113 5.4.1); seeing one
    // with an error code go out is how this connection learns it is finished.
    static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
        H2& h = self(ud);
        if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR) {
            h.conn.closing_ = true;
            if (h.conn.err_.status == Status::ok)
                h.conn.err_.fail(Status::http2, nghttp2_http2_strerror(frame->goaway.error_code),
                                 0);
        }
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source*, void* ud) {
        H2& h = self(ud);
        auto it = h.streams.find(stream_id);
        if (it == h.streams.end()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        Stream& s = it->second;
        size_t n = std::min(length, s.body.size() - s.body_sent);
        std::memcpy(buf, s.body.data() + s.body_sent, n);
        s.body_sent += n;
        if (s.body_sent == s.body.size()) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            std::string().swap(s.body);
            s.body_sent = 0;
        }
        return static_cast<ssize_t>(n);
    }
};

Status ServerConnection::H2::start() {
    nghttp2_session_callbacks* cbs = nullptr;
    if (nghttp2_session_callbacks_new(&cbs) != 0) return Status::no_memory;
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, on_frame_send);
    int rv = nghttp2_session_server_new(&session, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    if (rv != 0) return Status::no_memory;
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, conn.limits_.max_concurrent_streams},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
         static_cast<uint32_t>(std::min<size_t>(conn.limits_.max_header_bytes, UINT32_MAX))},
    };
    if (nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 2) != 0)
        return Status::no_memory;
    return Status::ok;
}

void ServerConnection::H2::flush() {
    for (;;) {
        const uint8_t* data = nullptr;
        ssize_t n = nghttp2_session_mem_send(session, &data);
        if (n <= 0) break;
        conn.out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    }
}

Status ServerConnection::H2::submit(int32_t stream_id, Response& response) {
    Stream& s = streams[stream_id];
    std::string status = std::to_string(response.status);
    static const std::string kStatus = ":status";
    static const std::string kLength = "content-length";
    std::string length = std::to_string(response.body.size());
    // The name/value array on the stack for the usual few fields (nghttp2 copies it).
    nghttp2_nv small[16];
    std::vector<nghttp2_nv> large;
    nghttp2_nv* nva = small;
    if (response.headers.size() + 3 > std::size(small)) {
        large.resize(response.headers.size() + 3);
        nva = large.data();
    }
    static const std::string kDate = "date";
    size_t n = 0;
    nva[n++] = make_nv(kStatus, status);
    if (conn.date_ && !conn.date_->empty()) nva[n++] = make_nv(kDate, *conn.date_);
    for (const Header& h : response.headers) nva[n++] = make_nv(h.name, h.value);
    const bool bodyless = response.status == 204 || response.status == 304;
    if (!bodyless) nva[n++] = make_nv(kLength, length);
    nghttp2_data_provider provider{};
    provider.read_callback = read_body;
    const bool has_body = !bodyless && !response.body.empty();
    if (has_body) {
        s.body = std::move(response.body);
        s.body_sent = 0;
    }
    int rv = nghttp2_submit_response(session, stream_id, nva, n, has_body ? &provider : nullptr);
    if (rv != 0) return rv == NGHTTP2_ERR_NOMEM ? Status::no_memory : Status::invalid_state;
    s.responded = true;
    return Status::ok;
}

void ServerConnection::H2::reject(int32_t stream_id, Stream& s, int status, Status why) {
    s.reject = status;
    s.reject_why = why;
    s.request.body.clear();
    if (s.responded) return;
    Response r;
    r.status = status;
    r.add("content-type", "text/plain");
    r.body = std::string(status_message(why)) + "\n";
    submit(stream_id, r);
}

ServerConnection::ServerConnection(const ConnectionLimits& limits, Protocol protocol,
                                   uint64_t now_ms)
    : limits_(limits), protocol_(Protocol::detect), last_activity_ms_(now_ms) {
    if (protocol == Protocol::http1) {
        protocol_ = Protocol::http1;
        h1_ = std::make_unique<Http1Parser>(Http1Limits{
            limits_.max_header_bytes, limits_.max_header_count, limits_.max_body_bytes});
    } else if (protocol == Protocol::http2) {
        protocol_ = Protocol::http2;
        h2_ = std::make_unique<H2>(*this);
        if (h2_->start() != Status::ok)
            closing_ = true;
        else
            h2_->flush();
    }
}

ServerConnection::~ServerConnection() = default;

Status ServerConnection::receive(const uint8_t* data, size_t len, uint64_t now_ms) {
    touch(now_ms);
    if (err_.status != Status::ok) return err_.status;
    if (closing_ && protocol_ != Protocol::http2) return Status::ok;  // ignore after close
    if (protocol_ == Protocol::detect) {
        // RFC 9113 3.4: prior knowledge starts with the preface; anything else is HTTP/1.1.
        const size_t take = std::min(len, kPreface.size() - detect_.size());
        detect_.append(reinterpret_cast<const char*>(data), take);
        if (kPreface.substr(0, detect_.size()) == detect_) {
            if (detect_.size() < kPreface.size()) return Status::ok;  // wait for more
            protocol_ = Protocol::http2;
            h2_ = std::make_unique<H2>(*this);
            if (Status st = h2_->start(); st != Status::ok)
                return err_.fail(st, "HTTP/2 session", 0);
        } else {
            protocol_ = Protocol::http1;
            h1_ = std::make_unique<Http1Parser>(Http1Limits{
                limits_.max_header_bytes, limits_.max_header_count, limits_.max_body_bytes});
        }
        std::string held;
        held.swap(detect_);
        if (Status st = receive(reinterpret_cast<const uint8_t*>(held.data()), held.size(), now_ms);
            st != Status::ok)
            return st;
        return receive(data + take, len - take, now_ms);
    }
    if (protocol_ == Protocol::http1) return receive_http1(data, len);

    ssize_t rv = nghttp2_session_mem_recv(h2_->session, data, len);
    if (rv < 0) {
        // nghttp2 has queued GOAWAY for protocol errors; make sure one goes out either way.
        nghttp2_session_terminate_session(h2_->session, NGHTTP2_PROTOCOL_ERROR);
        h2_->flush();
        closing_ = true;
        return err_.fail(Status::http2, nghttp2_strerror(static_cast<int>(rv)), 0);
    }
    h2_->flush();
    return err_.status;
}

Status ServerConnection::receive_http1(const uint8_t* data, size_t len) {
    size_t used = 0;
    while (used < len && !closing_) {
        size_t n = h1_->feed(data + used, len - used);
        used += n;
        if (h1_->failed()) {
            // RFC 9112 9.6 / RFC 9110 15.5: answer the error, then close the connection.
            Response r;
            r.status = h1_->http_status();
            r.add("content-type", "text/plain");
            r.body = std::string(h1_->error().reason) + "\n";
            std::string bytes;
            serialize_response(r, true, bytes);
            h1_pending_.push_back({0, true, true, std::move(bytes)});
            closing_ = true;
            err_ = h1_->error();
            break;
        }
        h1_partial_ = !h1_->done() && (n > 0 || h1_partial_);
        if (h1_->expects_continue() && !h1_continue_sent_) {
            out_ += "HTTP/1.1 100 Continue\r\n\r\n";
            h1_continue_sent_ = true;
        }
        if (!h1_->done()) continue;
        h1_continue_sent_ = false;
        const bool close = h1_->close_after();
        Event ev;
        ev.type = EventType::request;
        ev.request = h1_->take();
        h1_pending_.push_back({ev.request.stream_id, close, false, {}});
        events_.push_back(std::move(ev));
        if (close) closing_ = true;  // no further requests on this connection
    }
    // Pipelined responses leave in request order (RFC 9112 9.3.2).
    while (!h1_pending_.empty() && h1_pending_.front().answered) {
        out_ += h1_pending_.front().bytes;
        h1_pending_.pop_front();
    }
    return err_.status == Status::ok ? Status::ok : err_.status;
}

void ServerConnection::receive_eof(uint64_t now_ms) {
    touch(now_ms);
    if (protocol_ == Protocol::http2 && h2_) {
        for (auto& [id, s] : h2_->streams)
            if (s.delivered && !s.responded && !s.pushed) {
                Event ev;
                ev.type = EventType::stream_closed;
                ev.stream_id = id;
                events_.push_back(std::move(ev));
            }
        h2_->streams.clear();
        nghttp2_session_terminate_session(h2_->session, NGHTTP2_NO_ERROR);
    } else {
        for (const PendingH1& p : h1_pending_)
            if (!p.answered) {
                Event ev;
                ev.type = EventType::stream_closed;
                ev.stream_id = p.id;
                events_.push_back(std::move(ev));
            }
        h1_pending_.clear();
    }
    peer_closed_ = true;
    closing_ = true;
}

bool ServerConnection::next_event(Event& out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

Status ServerConnection::respond(int32_t stream_id, Response response) {
    if (protocol_ == Protocol::http2) {
        auto it = h2_->streams.find(stream_id);
        if (it == h2_->streams.end() || it->second.responded || !it->second.delivered)
            return Status::not_found;
        return h2_->submit(stream_id, response);  // framed when output() is next asked
    }
    if (protocol_ != Protocol::http1) return Status::invalid_state;
    auto it = std::find_if(h1_pending_.begin(), h1_pending_.end(),
                           [&](const PendingH1& p) { return p.id == stream_id && !p.answered; });
    if (it == h1_pending_.end()) return Status::not_found;
    if (date_ && !date_->empty())
        response.headers.insert(response.headers.begin(), {"date", *date_});
    serialize_response(response, it->close, it->bytes);
    it->answered = true;
    while (!h1_pending_.empty() && h1_pending_.front().answered) {
        out_ += h1_pending_.front().bytes;
        h1_pending_.pop_front();
    }
    return Status::ok;
}

bool ServerConnection::can_push() const noexcept {
    return protocol_ == Protocol::http2 && !closing_ &&
           nghttp2_session_get_remote_settings(h2_->session, NGHTTP2_SETTINGS_ENABLE_PUSH) != 0;
}

int32_t ServerConnection::push(int32_t parent_stream_id, std::string_view path, Response response) {
    if (!can_push()) return static_cast<int32_t>(Status::invalid_state);
    auto it = h2_->streams.find(parent_stream_id);
    if (it == h2_->streams.end() || it->second.responded)
        return static_cast<int32_t>(Status::not_found);
    const H2::Stream& parent = it->second;
    static const std::string kMethod = ":method", kGet = "GET", kPath = ":path",
                             kScheme = ":scheme", kAuthority = ":authority";
    std::string p(path);
    std::string scheme = parent.scheme.empty() ? "https" : parent.scheme;
    nghttp2_nv nva[] = {make_nv(kMethod, kGet), make_nv(kPath, p), make_nv(kScheme, scheme),
                        make_nv(kAuthority, parent.authority)};
    int32_t promised =
        nghttp2_submit_push_promise(h2_->session, NGHTTP2_FLAG_NONE, parent_stream_id, nva,
                                    parent.authority.empty() ? 3 : 4, nullptr);
    if (promised < 0) return static_cast<int32_t>(Status::invalid_state);
    H2::Stream& s = h2_->streams[promised];
    s.pushed = true;
    s.delivered = true;
    if (h2_->submit(promised, response) != Status::ok)
        return static_cast<int32_t>(Status::internal);
    return promised;
}

bool ServerConnection::stream_open(int32_t stream_id) const noexcept {
    if (protocol_ == Protocol::http2) {
        auto it = h2_->streams.find(stream_id);
        return it != h2_->streams.end() && it->second.delivered && !it->second.responded &&
               !it->second.pushed;
    }
    return std::any_of(h1_pending_.begin(), h1_pending_.end(),
                       [&](const PendingH1& p) { return p.id == stream_id && !p.answered; });
}

std::string_view ServerConnection::output() {
    if (h2_) h2_->flush();
    return std::string_view(out_).substr(out_pos_);
}

void ServerConnection::consume_output(size_t n) {
    out_pos_ += std::min(n, out_.size() - out_pos_);
    if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
    }
}

bool ServerConnection::want_close() const noexcept {
    if (peer_closed_) return true;
    if (protocol_ == Protocol::http2)
        return closing_ && (!h2_ || (!nghttp2_session_want_read(h2_->session) &&
                                     !nghttp2_session_want_write(h2_->session)));
    return closing_ && h1_pending_.empty();
}

void ServerConnection::shutdown() {
    if (protocol_ == Protocol::http2 && h2_ && !closing_) {
        nghttp2_submit_goaway(h2_->session, NGHTTP2_FLAG_NONE,
                              nghttp2_session_get_last_proc_stream_id(h2_->session),
                              NGHTTP2_NO_ERROR, nullptr, 0);
        h2_->flush();
    }
    closing_ = true;
}

bool ServerConnection::idle() const noexcept {
    if (protocol_ == Protocol::http2) return h2_->streams.empty();
    if (protocol_ == Protocol::http1) return h1_pending_.empty() && !h1_partial_;
    return true;
}

uint64_t ServerConnection::next_deadline() const noexcept {
    if (limits_.idle_timeout_ms == 0 || closing_ || !idle()) return PUSHCORE_NO_DEADLINE;
    return last_activity_ms_ + limits_.idle_timeout_ms;
}

void ServerConnection::on_timeout(uint64_t now_ms) {
    if (now_ms >= next_deadline()) shutdown();
}

}  // namespace pushcore::http
