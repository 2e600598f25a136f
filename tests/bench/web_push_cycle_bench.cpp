// Full Web Push cycles per second in one process, with real HTTP/2 framing on both sides
// (nghttp2 client sessions in memory, tests/unit/support/h2_client.hpp). One cycle:
//
//   1. the application server (AS) POSTs a 64-byte message to the push resource;
//   2. the bytes move; the user agent (UA), holding a GET on its subscription, receives
//      the PUSH_PROMISE and the pushed 200 with the message;
//   3. the UA DELETEs the promised message URI (acknowledgement, RFC 8030 6.2);
//   4. in the RFC 8030 form, the AS, holding a GET on its receipt subscription, receives
//      the pushed 204 receipt (RFC 8030 5.1).
//
// Every cycle is checked (counts of promised streams, statuses, body size); a broken cycle
// ends the benchmark with SkipWithError.
//
// Two request forms:
//   rfc8030: POST /p/{push} with TTL: 60, Content-Encoding: aes128gcm, Prefer:
//            respond-async and Link: </r/{receipt}>; rel="urn:ietf:params:push:receipt",
//            naming the receipt subscription made once (POST /p/{push}/receipts); the
//            send is answered 202 (RFC 8030 5.1).
//   seed:    draft-damaggio-webpush-http2-00 section 5: a JSON body whose "message" is
//            64 bytes once re-serialized; request_receipt stays false -> 201, and the
//            cycle is steps 1-3, against a peer doing the same. With request_receipt:
//            true the seed makes a new receipt subscription per message (seed 5.1): the
//            AS would GET each one, and that GET stays held after its one receipt until
//            the AS resets it (one more request and a RST_STREAM per cycle), while the
//            receipt subscription (store record and timer) stays until an hour past the
//            message's TTL, so the tables would grow with every cycle measured.
//
// The peer ("nghttp2"): two nghttp2 server sessions with plain callbacks and no push
// service logic, answering the same request sequence with the same response fields and
// sizes (fixed values where the service computes them: tokens from a counter, one Date
// string), driven by the same clients through the same harness. The ratio
// pushcore / nghttp2 is the share of bare framing speed the service keeps.
//
// Each benchmark also has a "server_time" twin that reads a steady clock around every call
// into the server and reports server_ns_per_cycle: the server side alone, without the
// clients' share (their nghttp2 sessions, header copies, stream maps).
//
// Clients are replaced every kRecycleEvery cycles outside the timed region (PauseTiming):
// H2Client keeps every stream it has seen in a std::map (a lookup per callback, slower as
// the map grows), and stream ids are finite. The subscription and the receipt
// subscription stay; the new UA and AS connections send their held GETs again.

#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pushcore/web_push/push_service.hpp"
#include "support/h2_client.hpp"

namespace {

using pushcore::test::H2Client;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr uint64_t kRecycleEvery = 250;
constexpr size_t kBodyBytes = 64;
constexpr const char* kRelReceipt = "urn:ietf:params:push:receipt";

enum class Form { rfc8030, seed };

// 64 bytes of an opaque aes128gcm-like body.
std::string opaque_body() {
    std::string b(kBodyBytes, '\0');
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>((i * 37 + 11) & 0xff);
    return b;
}

// The seed's "message" member, 64 bytes once re-serialized compactly.
const std::string kSeedMessage = "{\"data\":\"" + std::string(kBodyBytes - 11, 'm') + "\"}";
const std::string kSeedBody = "{\"message\":" + kSeedMessage + "}";

// The URI-Reference inside the first <...> of a Link value.
std::string link_target(const std::string& v) {
    size_t open = v.find('<'), close = v.find('>');
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    return v.substr(open + 1, close - open - 1);
}

std::string path_of(const std::string& url) {
    size_t scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    size_t slash = url.find('/', scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
}

// A steady clock summed over the calls into a server, when `kOn`. Wall time, because a
// thread CPU clock costs a system call per reading here; a cycle whose server time exceeds
// kPreemptedNs (a normal one takes 5-20 us) was interrupted by another process or the
// kernel, and is left out of the average rather than counted at its wall time.
constexpr double kPreemptedNs = 100000;

template <bool kOn>
struct ServerClock {
    struct Scope {
        explicit Scope(ServerClock&) {}
    };
    void begin_cycle() {}
    void end_cycle() {}
};
template <>
struct ServerClock<true> {
    struct Scope {
        explicit Scope(ServerClock& c) : clock(c), start(std::chrono::steady_clock::now()) {}
        ~Scope() {
            clock.cycle +=
                std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                    .count();
        }
        ServerClock& clock;
        std::chrono::steady_clock::time_point start;
    };
    void begin_cycle() { cycle = 0; }
    void end_cycle() {
        if (cycle < kPreemptedNs) {
            total += cycle;
            ++kept;
        } else {
            ++dropped;
        }
    }
    double cycle = 0;  // this cycle's server time so far
    double total = 0;  // over the cycles kept
    uint64_t kept = 0, dropped = 0;
};

// --- the push service, as a host drives it --------------------------------------------------

class ServiceServer {
  public:
    using Id = pushcore::web_push::PushService::ConnectionId;
    static constexpr bool kService = true;

    explicit ServiceServer(Form) {
        pushcore::web_push::ServiceConfig cfg;
        cfg.base_url = "https://push.test";
        // One subscription takes every message: a per-subscription rate limit (seed 8.4)
        // would answer 429 after the burst.
        cfg.rate_per_minute = 0;
        // cfg.random stays OpenSSL's RAND_bytes, as in a deployment; no log sink.
        pushcore::Error err;
        service_ = pushcore::web_push::PushService::create(std::move(cfg), err);
    }
    bool ok() const { return service_ != nullptr; }

    Id open() { return service_->open(pushcore::http::Protocol::detect, now_); }
    bool receive(Id id, std::string_view bytes) {
        pushcore::Status st = service_->receive(id, reinterpret_cast<const uint8_t*>(bytes.data()),
                                                bytes.size(), now_);
        // A host learns which connections gained output; both are flushed below anyway.
        Id ready;
        while (service_->next_ready(ready)) {
        }
        return st == pushcore::Status::ok;
    }
    std::string_view output(Id id) { return service_->output(id); }
    void consume(Id id, size_t n) { service_->consume_output(id, n); }
    void close(Id id) { service_->close(id); }
    // A host's loop: the clock moves 1 ms per cycle, then next_deadline() and on_timeout()
    // as after a poll() that timed out.
    void tick() {
        ++now_;
        if (service_->next_deadline() <= now_) service_->on_timeout(now_);
    }
    size_t stored_messages() { return service_->store().message_count(); }

  private:
    std::unique_ptr<pushcore::web_push::PushService> service_;
    uint64_t now_ = 1000;
};

// --- the peer: bare nghttp2 server sessions -------------------------------------------------

class BareNghttp2 {
  public:
    using Id = size_t;
    static constexpr bool kService = false;

    explicit BareNghttp2(Form form) : form_(form) {
        nghttp2_session_callbacks_new(&callbacks_);
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks_, on_begin_headers);
        nghttp2_session_callbacks_set_on_header_callback(callbacks_, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks_, on_data_chunk);
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks_, on_frame_recv);
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks_, on_stream_close);
    }
    ~BareNghttp2() { nghttp2_session_callbacks_del(callbacks_); }
    BareNghttp2(const BareNghttp2&) = delete;
    BareNghttp2& operator=(const BareNghttp2&) = delete;
    bool ok() const { return callbacks_ != nullptr; }

    Id open() {
        auto s = std::make_unique<Session>();
        s->peer = this;
        nghttp2_session_server_new(&s->h2, callbacks_, s.get());
        // The same SETTINGS as the service's connection sends.
        const nghttp2_settings_entry settings[] = {
            {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
            {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 8192},
        };
        nghttp2_submit_settings(s->h2, NGHTTP2_FLAG_NONE, settings, 2);
        sessions_.push_back(std::move(s));
        return sessions_.size() - 1;
    }
    bool receive(Id id, std::string_view bytes) {
        Session& s = *sessions_[id];
        ssize_t n = nghttp2_session_mem_recv(s.h2, reinterpret_cast<const uint8_t*>(bytes.data()),
                                             bytes.size());
        return n == static_cast<ssize_t>(bytes.size());
    }
    std::string_view output(Id id) {
        Session& s = *sessions_[id];
        for (;;) {
            const uint8_t* data = nullptr;
            ssize_t n = nghttp2_session_mem_send(s.h2, &data);
            if (n <= 0) break;
            s.out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
        }
        return s.out;
    }
    void consume(Id id, size_t n) { sessions_[id]->out.erase(0, n); }
    void close(Id id) {
        Session* s = sessions_[id].get();
        if (ua_ == s) ua_ = nullptr, ua_held_ = 0;
        if (as_ == s) as_ = nullptr, as_held_ = 0;
        sessions_[id].reset();
    }
    void tick() {}

  private:
    struct Stream {
        char method = 0;  // first letter: G(ET), P(OST), D(ELETE)
        std::string path;
        std::string body;   // request body received
        std::string reply;  // response body being sent
        size_t sent = 0;
    };
    struct Session {
        ~Session() { nghttp2_session_del(h2); }
        BareNghttp2* peer = nullptr;
        nghttp2_session* h2 = nullptr;
        std::unordered_map<int32_t, Stream> streams;
        std::string out;
    };

    static Session& self(void* ud) { return *static_cast<Session*>(ud); }

    static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
            self(ud).streams[frame->hd.stream_id];
        return 0;
    }
    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
        if (frame->hd.type != NGHTTP2_HEADERS) return 0;
        auto it = self(ud).streams.find(frame->hd.stream_id);
        if (it == self(ud).streams.end()) return 0;
        std::string_view n(reinterpret_cast<const char*>(name), namelen);
        if (n == ":method" && valuelen > 0)
            it->second.method = static_cast<char>(value[0]);
        else if (n == ":path")
            it->second.path.assign(reinterpret_cast<const char*>(value), valuelen);
        return 0;
    }
    static int on_data_chunk(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                             void* ud) {
        auto it = self(ud).streams.find(id);
        if (it != self(ud).streams.end())
            it->second.body.append(reinterpret_cast<const char*>(data), len);
        return 0;
    }
    static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
        if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
            (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
            Session& s = self(ud);
            s.peer->dispatch(s, frame->hd.stream_id);
        }
        return 0;
    }
    static int on_stream_close(nghttp2_session*, int32_t id, uint32_t, void* ud) {
        Session& s = self(ud);
        s.streams.erase(id);
        if (s.peer->ua_ == &s && s.peer->ua_held_ == id) s.peer->ua_held_ = 0;
        if (s.peer->as_ == &s && s.peer->as_held_ == id) s.peer->as_held_ = 0;
        return 0;
    }
    static ssize_t read_reply(nghttp2_session*, int32_t id, uint8_t* buf, size_t length,
                              uint32_t* flags, nghttp2_data_source*, void* ud) {
        auto it = self(ud).streams.find(id);
        if (it == self(ud).streams.end()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        Stream& st = it->second;
        size_t n = std::min(length, st.reply.size() - st.sent);
        std::memcpy(buf, st.reply.data() + st.sent, n);
        st.sent += n;
        if (st.sent == st.reply.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
        return static_cast<ssize_t>(n);
    }

    static nghttp2_nv nv(std::string_view name, std::string_view value) {
        return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                value.size(), NGHTTP2_NV_FLAG_NONE};
    }

    // 22 base64url characters from a counter: as long and as varied as a 128-bit token,
    // so HPACK sees a new value every time, as it does with the service's random ones.
    std::string next_token() {
        static const char kAlphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        uint64_t a = ++counter_ * 0x9E3779B97F4A7C15ull, b = a ^ (a >> 29) ^ 0xBF58476D1CE4E5B9ull;
        std::string t(22, 'A');
        for (size_t i = 0; i < 22; ++i) {
            uint64_t& w = i < 11 ? a : b;
            t[i] = kAlphabet[w & 63];
            w >>= 6;
        }
        return t;
    }

    void push(Session& s, int32_t parent, const std::string& path, const char* status,
              std::string body, const nghttp2_nv* fields, size_t nfields) {
        const nghttp2_nv promise[] = {nv(":method", "GET"), nv(":path", path),
                                      nv(":scheme", "https"), nv(":authority", "push.test")};
        int32_t promised =
            nghttp2_submit_push_promise(s.h2, NGHTTP2_FLAG_NONE, parent, promise, 4, nullptr);
        if (promised < 0) return;
        std::vector<nghttp2_nv> nva;
        nva.reserve(nfields + 2);
        nva.push_back(nv(":status", status));
        nva.insert(nva.end(), fields, fields + nfields);
        const std::string length = std::to_string(body.size());
        if (!body.empty()) {
            nva.push_back(nv("content-length", length));
            Stream& st = s.streams[promised];
            st.reply = std::move(body);
            nghttp2_data_provider provider{};
            provider.read_callback = read_reply;
            nghttp2_submit_response(s.h2, promised, nva.data(), nva.size(), &provider);
        } else {
            nghttp2_submit_response(s.h2, promised, nva.data(), nva.size(), nullptr);
        }
    }

    void dispatch(Session& s, int32_t id) {
        auto it = s.streams.find(id);
        if (it == s.streams.end()) return;
        Stream& req = it->second;
        std::string_view path = req.path;
        switch (req.method) {
            case 'G':  // a held GET: /s/ for the user agent, /r/ for receipts
                if (path.substr(0, 3) == "/s/") ua_ = &s, ua_held_ = id;
                if (path.substr(0, 3) == "/r/") as_ = &s, as_held_ = id;
                return;
            case 'P': {  // a message: 202/201 with its fields, and a push to the UA
                const std::string token = next_token();
                const std::string location = "https://push.test/m/" + token;
                const std::string mpath = "/m/" + token;
                if (form_ == Form::rfc8030) {
                    const std::string link =
                        "</r/" + receipt_token_ + ">; rel=\"" + std::string(kRelReceipt) + "\"";
                    const nghttp2_nv fields[] = {
                        nv(":status", "202"), nv("date", kDate), nv("location", location),
                        nv("ttl", "60"),      nv("link", link),  nv("content-length", "0")};
                    nghttp2_submit_response(s.h2, id, fields, 6, nullptr);
                } else {
                    const nghttp2_nv fields[] = {nv(":status", "201"), nv("date", kDate),
                                                 nv("location", location),
                                                 nv("content-length", "0")};
                    nghttp2_submit_response(s.h2, id, fields, 4, nullptr);
                }
                if (!ua_ || !ua_held_) return;
                if (form_ == Form::rfc8030) {
                    const nghttp2_nv fields[] = {nv("date", kDate), nv("last-modified", kDate),
                                                 nv("cache-control", "private"),
                                                 nv("content-encoding", "aes128gcm")};
                    push(*ua_, ua_held_, mpath, "200", std::move(req.body), fields, 4);
                } else {
                    const nghttp2_nv fields[] = {nv("date", kDate), nv("last-modified", kDate),
                                                 nv("cache-control", "private"),
                                                 nv("content-type", "application/json")};
                    push(*ua_, ua_held_, mpath, "200", kSeedMessage, fields, 4);
                }
                return;
            }
            case 'D': {  // an acknowledgement: 204, and in RFC 8030 a receipt to the AS
                const nghttp2_nv fields[] = {nv(":status", "204"), nv("date", kDate)};
                nghttp2_submit_response(s.h2, id, fields, 2, nullptr);
                if (form_ == Form::rfc8030 && as_ && as_held_) {
                    const nghttp2_nv receipt[] = {nv("date", kDate)};
                    push(*as_, as_held_, req.path, "204", std::string(), receipt, 1);
                }
                return;
            }
            default: {
                const nghttp2_nv fields[] = {nv(":status", "404"), nv("content-length", "0")};
                nghttp2_submit_response(s.h2, id, fields, 2, nullptr);
            }
        }
    }

    static constexpr const char* kDate = "Sat, 21 Nov 2026 06:26:00 GMT";
    const std::string receipt_token_ = "AAAAAAAAAAAAAAAAAAAAAA";
    Form form_;
    nghttp2_session_callbacks* callbacks_ = nullptr;
    std::vector<std::unique_ptr<Session>> sessions_;
    Session* ua_ = nullptr;
    int32_t ua_held_ = 0;
    Session* as_ = nullptr;
    int32_t as_held_ = 0;
    uint64_t counter_ = 0;
};

// --- the harness: two clients, one server, bytes moved until quiet -------------------------

template <typename Server, bool kTimed>
class Cycle {
  public:
    Cycle(Server& server, Form form) : server_(server), form_(form), body_(opaque_body()) {}

    // Subscribes (the service) and connects both clients with their held GETs.
    bool setup(std::string& why) {
        if (!server_.ok()) return fail(why, "server creation failed");
        if constexpr (Server::kService) {
            connect();
            int32_t id = ua_->request("POST", "/subscribe");
            if (!pump()) return fail(why, "subscribe: framing error");
            H2Client::Stream& s = ua_->stream(id);
            if (s.status != 201 || !s.header("location"))
                return fail(why, "subscribe: no 201 with Location");
            sub_path_ = path_of(*s.header("location"));
            for (const std::string& link : s.all("link"))
                if (link.find("rel=\"urn:ietf:params:push\"") != std::string::npos)
                    push_path_ = link_target(link);
            if (push_path_.empty()) return fail(why, "subscribe: no push resource Link");
            if (form_ == Form::rfc8030) {
                int32_t rid = as_->request("POST", push_path_ + "/receipts");
                if (!pump()) return fail(why, "receipt subscription: framing error");
                H2Client::Stream& r = as_->stream(rid);
                if (r.status != 201 || !r.header("location"))
                    return fail(why, "receipt subscription: no 201 with Location");
                receipt_path_ = path_of(*r.header("location"));
            }
            disconnect();
        } else {
            sub_path_ = "/s/AAAAAAAAAAAAAAAAAAAAAB";
            push_path_ = "/p/AAAAAAAAAAAAAAAAAAAAAC";
            receipt_path_ = "/r/AAAAAAAAAAAAAAAAAAAAAA";
        }
        if (form_ == Form::rfc8030) {
            send_fields_ = {{"ttl", "60"},
                            {"content-encoding", "aes128gcm"},
                            {"prefer", "respond-async"},
                            {"link", "<" + receipt_path_ + ">; rel=\"" + kRelReceipt + "\""}};
            send_body_ = body_;
            post_status_ = 202;
        } else {
            send_fields_ = {{"content-type", "application/json"}};
            send_body_ = kSeedBody;
            post_status_ = 201;
        }
        return reconnect(why);
    }

    // New client connections with their held GETs (also every kRecycleEvery cycles).
    bool reconnect(std::string& why) {
        disconnect();
        connect();
        ua_get_ = ua_->request("GET", sub_path_);
        if (form_ == Form::rfc8030) as_get_ = as_->request("GET", receipt_path_);
        if (!pump()) return fail(why, "held GETs: framing error");
        if (ua_->stream(ua_get_).status != 0) return fail(why, "the UA's GET was answered");
        if (form_ == Form::rfc8030 && as_->stream(as_get_).status != 0)
            return fail(why, "the receipt GET was answered");
        ua_pushes_ = as_pushes_ = 0;
        return true;
    }

    bool one(std::string& why) {
        clock_.begin_cycle();
        const int32_t post = as_->request("POST", push_path_, send_fields_, send_body_);
        if (!pump()) return fail(why, "send: framing error");
        if (as_->stream(post).status != post_status_) return fail(why, "send: unexpected status");
        if (ua_->promised().size() != ++ua_pushes_) return fail(why, "no push to the UA");
        H2Client::Stream& pushed = ua_->stream(ua_->promised().back());
        if (pushed.status != 200 || pushed.body.size() != kBodyBytes || !pushed.closed)
            return fail(why, "pushed message incomplete");
        const int32_t del = ua_->request("DELETE", pushed.promised_path);
        if (!pump()) return fail(why, "ack: framing error");
        if (ua_->stream(del).status != 204) return fail(why, "ack: not 204");
        if (form_ == Form::rfc8030) {
            if (as_->promised().size() != ++as_pushes_) return fail(why, "no receipt pushed");
            if (as_->stream(as_->promised().back()).status != 204)
                return fail(why, "receipt not 204");
        }
        {
            typename ServerClock<kTimed>::Scope t(clock_);
            server_.tick();
        }
        clock_.end_cycle();
        return true;
    }

    const ServerClock<kTimed>& clock() const { return clock_; }

  private:
    static bool fail(std::string& why, const char* what) {
        why = what;
        return false;
    }

    void connect() {
        ua_ = std::make_unique<H2Client>();
        as_ = std::make_unique<H2Client>();
        typename ServerClock<kTimed>::Scope t(clock_);
        ua_id_ = server_.open();
        as_id_ = server_.open();
    }
    void disconnect() {
        if (!ua_) return;
        server_.close(ua_id_);
        server_.close(as_id_);
        ua_.reset();
        as_.reset();
    }

    bool to_server(H2Client& c, typename Server::Id id, bool& moved) {
        std::string out = c.take_output();
        if (out.empty()) return true;
        moved = true;
        typename ServerClock<kTimed>::Scope t(clock_);
        return server_.receive(id, out);
    }
    bool to_client(H2Client& c, typename Server::Id id, bool& moved) {
        std::string_view out;
        {
            typename ServerClock<kTimed>::Scope t(clock_);
            out = server_.output(id);
        }
        if (out.empty()) return true;
        moved = true;
        bool ok = c.feed(out);
        typename ServerClock<kTimed>::Scope t(clock_);
        server_.consume(id, out.size());
        return ok;
    }
    // Moves bytes both ways until nothing moves; false on a framing error.
    bool pump() {
        for (int round = 0; round < 16; ++round) {
            bool moved = false;
            if (!to_server(*as_, as_id_, moved) || !to_server(*ua_, ua_id_, moved) ||
                !to_client(*ua_, ua_id_, moved) || !to_client(*as_, as_id_, moved))
                return false;
            if (!moved) return true;
        }
        return false;
    }

    Server& server_;
    Form form_;
    std::string body_;
    std::unique_ptr<H2Client> ua_, as_;
    typename Server::Id ua_id_{}, as_id_{};
    std::string sub_path_, push_path_, receipt_path_;
    Fields send_fields_;
    std::string send_body_;
    int post_status_ = 0;
    int32_t ua_get_ = 0, as_get_ = 0;
    size_t ua_pushes_ = 0, as_pushes_ = 0;
    ServerClock<kTimed> clock_;
};

template <typename Server, bool kTimed>
void run_cycles(benchmark::State& state, Form form) {
    Server server(form);
    Cycle<Server, kTimed> cycle(server, form);
    std::string why;
    if (!cycle.setup(why)) {
        state.SkipWithError(why.c_str());
        return;
    }
    uint64_t n = 0;
    for (auto _ : state) {
        if (!cycle.one(why)) {
            state.SkipWithError(why.c_str());
            break;
        }
        if (++n % kRecycleEvery == 0) {
            state.PauseTiming();
            bool ok = cycle.reconnect(why);
            state.ResumeTiming();
            if (!ok) {
                state.SkipWithError(why.c_str());
                break;
            }
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    if constexpr (kTimed) {
        const auto& clock = cycle.clock();
        if (clock.kept > 0) {
            state.counters["server_ns_per_cycle"] = clock.total / static_cast<double>(clock.kept);
            state.counters["preempted_share"] = static_cast<double>(clock.dropped) /
                                                static_cast<double>(clock.kept + clock.dropped);
        }
    }
    if constexpr (Server::kService)
        // Acknowledged messages leave the store: anything left means a cycle leaked one.
        if (server.stored_messages() != 0) state.SkipWithError("messages left in the store");
}

}  // namespace

int main(int argc, char** argv) {
    struct Variant {
        const char* name;
        Form form;
    };
    const Variant forms[] = {{"rfc8030", Form::rfc8030}, {"seed", Form::seed}};
    for (const Variant& v : forms) {
        const std::string base = std::string("cycle/") + v.name + "/";
        benchmark::RegisterBenchmark((base + "pushcore").c_str(), run_cycles<ServiceServer, false>,
                                     v.form);
        benchmark::RegisterBenchmark((base + "nghttp2").c_str(), run_cycles<BareNghttp2, false>,
                                     v.form);
        benchmark::RegisterBenchmark((base + "pushcore/server_time").c_str(),
                                     run_cycles<ServiceServer, true>, v.form);
        benchmark::RegisterBenchmark((base + "nghttp2/server_time").c_str(),
                                     run_cycles<BareNghttp2, true>, v.form);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
