// An HTTP/2 client in memory (nghttp2's client session), for tests and benchmarks that
// drive a server connection with real HTTP/2 framing: requests in, bytes out, bytes in,
// responses and server pushes collected per stream.
#pragma once

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pushcore::test {

class H2Client {
  public:
    struct Stream {
        int status = 0;
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;
        bool closed = false;
        uint32_t reset_code = 0;
        int32_t parent = 0;         // for a pushed stream: the stream it was promised on
        std::string promised_path;  // for a pushed stream: the promised :path

        const std::string* header(std::string_view name) const {
            for (const auto& h : headers)
                if (h.first == name) return &h.second;
            return nullptr;
        }
        std::vector<std::string> all(std::string_view name) const {
            std::vector<std::string> out;
            for (const auto& h : headers)
                if (h.first == name) out.push_back(h.second);
            return out;
        }
    };

    explicit H2Client(bool enable_push = true, uint32_t max_concurrent = 100) {
        nghttp2_session_callbacks* cbs;
        nghttp2_session_callbacks_new(&cbs);
        nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_close);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame);
        nghttp2_session_client_new(&session_, cbs, this);
        nghttp2_session_callbacks_del(cbs);
        nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, enable_push ? 1u : 0u},
                                       {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, max_concurrent}};
        nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, iv, 2);
    }
    ~H2Client() { nghttp2_session_del(session_); }
    H2Client(const H2Client&) = delete;
    H2Client& operator=(const H2Client&) = delete;

    // Submits a request; returns its stream id.
    int32_t request(const std::string& method, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    std::string body = "", const std::string& authority = "push.test") {
        static const std::string kMethod = ":method", kPath = ":path", kScheme = ":scheme",
                                 kHttps = "https", kAuthority = ":authority";
        std::vector<nghttp2_nv> nva;
        nva.reserve(4 + headers.size());
        auto add = [&nva](const std::string& n, const std::string& v) {
            nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                           reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(),
                           v.size(), NGHTTP2_NV_FLAG_NONE});
        };
        add(kMethod, method);
        add(kPath, path);
        add(kScheme, kHttps);
        add(kAuthority, authority);
        for (const auto& [n, v] : headers) add(n, v);
        nghttp2_data_provider provider{};
        provider.read_callback = read_body;
        bodies_.push_back(std::move(body));
        provider.source.ptr = &bodies_.back();
        const bool has_body = !bodies_.back().empty();
        int32_t id =
            nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                   has_body || method == "POST" ? &provider : nullptr, nullptr);
        streams_[id];
        return id;
    }

    void reset(int32_t stream_id) {
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
    }

    std::string take_output() {
        std::string out;
        const uint8_t* data;
        ssize_t n;
        while ((n = nghttp2_session_mem_send(session_, &data)) > 0)
            out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
        return out;
    }

    // Returns false when nghttp2 rejected the bytes as a protocol error.
    bool feed(std::string_view bytes) {
        ssize_t n = nghttp2_session_mem_recv(
            session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        return n == static_cast<ssize_t>(bytes.size());
    }

    std::unordered_map<int32_t, Stream>& streams() { return streams_; }
    Stream& stream(int32_t id) { return streams_[id]; }
    // Pushed streams in the order they were promised.
    const std::vector<int32_t>& promised() const { return promised_; }
    bool goaway_received() const { return goaway_; }
    // "HEADERS <stream>", "END <stream>" (END_STREAM seen) and "PUSH_PROMISE <promised
    // stream>", in arrival order.
    const std::vector<std::string>& frames() const { return frames_; }
    uint32_t goaway_code() const { return goaway_code_; }
    nghttp2_session* session() { return session_; }

  private:
    static H2Client& self(void* ud) { return *static_cast<H2Client*>(ud); }

    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
        H2Client& c = self(ud);
        std::string n(reinterpret_cast<const char*>(name), namelen);
        std::string v(reinterpret_cast<const char*>(value), valuelen);
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            Stream& s = c.streams_[frame->push_promise.promised_stream_id];
            s.parent = frame->hd.stream_id;
            if (n == ":path") s.promised_path = v;
            return 0;
        }
        Stream& s = c.streams_[frame->hd.stream_id];
        if (s.headers.capacity() == 0) s.headers.reserve(8);
        if (n == ":status")
            s.status = std::stoi(v);
        else
            s.headers.emplace_back(std::move(n), std::move(v));
        return 0;
    }

    static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
        H2Client& c = self(ud);
        if (frame->hd.type == NGHTTP2_HEADERS)
            c.frames_.push_back("HEADERS " + std::to_string(frame->hd.stream_id));
        if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
            (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
            c.frames_.push_back("END " + std::to_string(frame->hd.stream_id));
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE)
            c.frames_.push_back("PUSH_PROMISE " +
                                std::to_string(frame->push_promise.promised_stream_id));
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE)
            c.promised_.push_back(frame->push_promise.promised_stream_id);
        if (frame->hd.type == NGHTTP2_GOAWAY) {
            c.goaway_ = true;
            c.goaway_code_ = frame->goaway.error_code;
        }
        return 0;
    }

    static int on_data(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                       void* ud) {
        self(ud).streams_[id].body.append(reinterpret_cast<const char*>(data), len);
        return 0;
    }

    static int on_close(nghttp2_session*, int32_t id, uint32_t code, void* ud) {
        Stream& s = self(ud).streams_[id];
        s.closed = true;
        s.reset_code = code;
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source* source, void*) {
        auto* body = static_cast<std::string*>(source->ptr);
        size_t n = std::min(length, body->size());
        std::copy(body->begin(), body->begin() + static_cast<std::ptrdiff_t>(n), buf);
        body->erase(0, n);
        if (body->empty()) *flags |= NGHTTP2_DATA_FLAG_EOF;
        return static_cast<ssize_t>(n);
    }

    nghttp2_session* session_ = nullptr;
    std::unordered_map<int32_t, Stream> streams_;
    std::vector<int32_t> promised_;
    std::vector<std::string> frames_;
    std::deque<std::string> bodies_;  // a deque: pushing keeps earlier bodies in place
    bool goaway_ = false;
    uint32_t goaway_code_ = 0;
};

}  // namespace pushcore::test
