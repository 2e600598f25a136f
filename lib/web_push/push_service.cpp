#include "pushcore/web_push/push_service.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>

#include "pushcore/core/base64url.hpp"
#include "pushcore/text/grammar.hpp"
#include "pushcore/web_push/message_body.hpp"

namespace pushcore::web_push {

using http::Request;
using http::Response;

namespace {

constexpr size_t kTokenChars = 22;  // 16 bytes in unpadded base64url
constexpr const char* kRelPush = "urn:ietf:params:push";
constexpr const char* kRelReceipt = "urn:ietf:params:push:receipt";

std::string encode(const Token& t) {
    std::string s;
    base64url_encode(t.data(), t.size(), s);
    return s;
}

// prefix + base64url(t) + suffix, in one allocation: these strings are made per request.
std::string join(std::string_view prefix, std::string_view kind, const Token& t,
                 std::string_view suffix = {}) {
    std::string s;
    s.reserve(prefix.size() + kind.size() + kTokenChars + suffix.size());
    s += prefix;
    s += kind;
    base64url_encode(t.data(), t.size(), s);
    s += suffix;
    return s;
}

bool decode(std::string_view s, Token& t) {
    return s.size() == kTokenChars && base64url_decode(s, t.data(), t.size()) == 16;
}

// IMF-fixdate (RFC 9110 5.6.7) of a Unix time in ms, from the civil calendar.
std::string http_date(int64_t unix_ms) {
    static const char* const kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0);
    int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
    int64_t rem = secs - days * 86400;
    // Days since 0000-03-01 split into 400-year eras of 146097 days.
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  kDays[((days % 7) + 7) % 7], static_cast<int>(day), kMonths[month - 1],
                  static_cast<int>(year), static_cast<int>(rem / 3600),
                  static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
    return buf;
}

// Seed 8.5: request logs must not reveal capability URLs, so only the first path
// segment is ever logged.
std::string redact(std::string_view path) {
    size_t second = path.find('/', 1);
    if (second == std::string_view::npos) return std::string(path.substr(0, 64));
    return std::string(path.substr(0, second + 1)) + "...";
}

// The media type of a Content-Type value, without parameters, lower-cased.
std::string media_type(std::string_view v) {
    v = v.substr(0, v.find(';'));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    std::string s(v);
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return s;
}

Response plain(int status, std::string_view why) {
    Response r;
    r.status = status;
    r.add("content-type", "text/plain; charset=utf-8");
    r.body = std::string(why) + "\n";
    return r;
}

}  // namespace

struct PushService::Impl {
    // A held request: a user agent's GET on a subscription or an application server's
    // GET on a receipt subscription, answered only by server pushes (seed 5.1, 6).
    struct Monitor {
        ConnectionId conn;
        int32_t stream;
        Urgency min_urgency;  // RFC 8030 5.3: the lowest urgency the user agent wants
    };
    struct HeldRef {
        Token id;
        bool receipt;
    };
    struct Conn {
        std::unique_ptr<http::ServerConnection> http;
        std::unique_ptr<tls::ServerSession> tls;  // set when the service does TLS
        std::vector<int32_t> held;
        bool ready = false;  // queued in ready_
    };
    struct Receipt {
        Token message;
        int status;
    };
    struct Bucket {
        double tokens;
        uint64_t stamp_ms;
    };
    enum class TimerKind : uint8_t { subscription, receipt_subscription };
    struct Timer {
        uint64_t at;
        TimerKind kind;
        Token id;
        bool operator>(const Timer& o) const noexcept { return at > o.at; }
    };

    ServiceConfig cfg;
    Store& store;
    ConnectionId next_id = 1;
    std::unordered_map<ConnectionId, Conn> conns;
    std::deque<ConnectionId> ready;
    std::unordered_map<Token, std::vector<Monitor>, TokenHash> monitors;
    std::unordered_map<Token, std::vector<Monitor>, TokenHash> receipt_monitors;
    std::unordered_map<uint64_t, HeldRef> held;  // (conn << 32 | stream) -> what it watches
    std::unordered_map<Token, std::deque<Receipt>, TokenHash> pending_receipts;
    std::unordered_map<Token, Bucket, TokenHash> buckets;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
    // The messages this run tracks: when each expires and whether it was pushed (and so
    // waits for its acknowledgement). Their expiries sit in a min-heap; an entry whose
    // message is gone is dropped when it reaches the top, and all such entries are swept
    // once they outnumber the live ones, so acknowledged messages leave nothing behind.
    struct Live {
        uint64_t expires;
        bool in_flight;
    };
    std::unordered_map<Token, Live, TokenHash> live;
    using Expiry = std::pair<uint64_t, Token>;
    std::vector<Expiry> expiries;  // a heap under std::greater: earliest first

    bool in_flight(const Token& id) const {
        auto it = live.find(id);
        return it != live.end() && it->second.in_flight;
    }
    void track(const Token& id, uint64_t expires, bool pushed) {
        auto [it, fresh] = live.try_emplace(id, Live{expires, pushed});
        if (!fresh) {
            it->second.in_flight |= pushed;
            return;
        }
        expiries.push_back({expires, id});
        std::push_heap(expiries.begin(), expiries.end(), std::greater<Expiry>());
    }
    bool stale(const Expiry& e) const {
        auto it = live.find(e.second);
        return it == live.end() || it->second.expires != e.first;
    }
    void untrack(const Token& id) {
        live.erase(id);
        if (expiries.size() > 2 * live.size() + 64) {
            expiries.erase(std::remove_if(expiries.begin(), expiries.end(),
                                          [&](const Expiry& e) { return stale(e); }),
                           expiries.end());
            std::make_heap(expiries.begin(), expiries.end(), std::greater<Expiry>());
        }
        while (!expiries.empty() && stale(expiries.front())) {
            std::pop_heap(expiries.begin(), expiries.end(), std::greater<Expiry>());
            expiries.pop_back();
        }
    }
    std::vector<Token> scratch;

    Impl(ServiceConfig c, Store& st) : cfg(std::move(c)), store(st) {}

    static uint64_t held_key(ConnectionId c, int32_t stream) {
        return c << 32 | static_cast<uint32_t>(stream);
    }

    bool wants(LogLevel level) const {
        return cfg.log && static_cast<int32_t>(level) <= static_cast<int32_t>(cfg.log_level);
    }
    void log(LogLevel level, const std::string& line) const {
        if (wants(level)) cfg.log(level, line);
    }

    // The Date field value, formatted once per second (RFC 9110 6.6.1); every connection
    // sends it from here (ServerConnection::use_date), refreshed on each call in.
    const std::string& date(uint64_t now) {
        const int64_t second = now_unix(now) / 1000;
        if (second != date_second) {
            date_second = second;
            date_value = http_date(now_unix(now));
        }
        return date_value;
    }
    int64_t date_second = INT64_MIN;
    std::string date_value;

    void mark_ready(ConnectionId id) {
        auto it = conns.find(id);
        if (it == conns.end() || it->second.ready) return;
        it->second.ready = true;
        ready.push_back(id);
    }

    http::ServerConnection* connection(ConnectionId id) {
        auto it = conns.find(id);
        return it == conns.end() ? nullptr : it->second.http.get();
    }

    // Capability tokens come from a pool the random source fills 16 tokens at a time: one
    // CSPRNG call per token cost more than the rest of a send.
    bool new_token(Token& t) {
        if (pool_used == pool.size()) {
            if (cfg.random.fill(pool.data(), pool.size()) != Status::ok) return false;
            pool_used = 0;
        }
        std::copy_n(pool.begin() + static_cast<std::ptrdiff_t>(pool_used), t.size(), t.begin());
        std::fill_n(pool.begin() + static_cast<std::ptrdiff_t>(pool_used), t.size(), uint8_t{0});
        pool_used += t.size();
        return true;
    }
    std::array<uint8_t, 16 * sizeof(Token)> pool{};
    size_t pool_used = pool.size();

    std::string base(const Request& req) const {
        if (!cfg.base_url.empty()) return cfg.base_url;
        return (req.scheme.empty() ? std::string("http") : req.scheme) + "://" + req.authority;
    }
    // The absolute URL of a resource (Location).
    std::string location(const Request& req, std::string_view kind, const Token& t) const {
        if (!cfg.base_url.empty()) return join(cfg.base_url, kind, t);
        return join(base(req), kind, t);
    }

    // --- responses --------------------------------------------------------------------
    void respond(ConnectionId c, const Request& req, Response r) {
        const LogLevel level = r.status >= 500 ? LogLevel::error : LogLevel::info;
        if (wants(level))
            log(level, req.method + " " + redact(req.path) + " " + std::to_string(r.status));
        if (http::ServerConnection* h = connection(c)) {
            h->respond(req.stream_id, std::move(r));
            mark_ready(c);
        }
    }

    int64_t now_unix(uint64_t now) const {
        return static_cast<int64_t>(now) + cfg.wall_clock_offset_ms;
    }

    std::string cache_control(uint64_t expires_ms, uint64_t now) const {
        uint64_t left = expires_ms > now ? (expires_ms - now) / 1000 : 0;
        return "max-age=" + std::to_string(left) + ", private";
    }

    // --- dispatch ---------------------------------------------------------------------
    void handle(ConnectionId c, Request& req, uint64_t now) {
        std::string_view path = req.path;
        path = path.substr(0, path.find('?'));
        auto resource = [&](std::string_view prefix, Token& t, std::string_view* rest) {
            if (path.substr(0, prefix.size()) != prefix) return false;
            std::string_view tail = path.substr(prefix.size());
            std::string_view tok = tail.substr(0, tail.find('/'));
            if (rest)
                *rest = tail.substr(tok.size());
            else if (tok.size() != tail.size())
                return false;
            return decode(tok, t);
        };
        Token t;
        std::string_view rest;
        const std::string& m = req.method;
        if (path == cfg.subscribe_path ||
            (path.size() == cfg.subscribe_path.size() + 1 && path.back() == '/' &&
             path.substr(0, cfg.subscribe_path.size()) == cfg.subscribe_path)) {
            if (m != "POST") return not_allowed(c, req, "POST");
            return subscribe(c, req, now);
        }
        if (resource("/s/", t, nullptr)) {
            if (m == "GET") return receive(c, req, t, now);
            if (m == "DELETE") return unsubscribe(c, req, t, now);
            return not_allowed(c, req, "GET, DELETE");
        }
        if (resource("/p/", t, &rest)) {
            if (rest.empty()) {
                if (m != "POST") return not_allowed(c, req, "POST");
                return send(c, req, t, now);
            }
            if (rest == "/receipts") {
                if (m != "POST") return not_allowed(c, req, "POST");
                return receipt_subscribe(c, req, t, now);
            }
        }
        if (resource("/m/", t, nullptr)) {
            if (m != "DELETE") return not_allowed(c, req, "DELETE");
            return acknowledge(c, req, t);
        }
        if (resource("/r/", t, nullptr)) {
            if (m != "GET") return not_allowed(c, req, "GET");
            return receive_receipts(c, req, t, now);
        }
        respond(c, req, plain(404, "no such resource"));
    }

    // A store that says it is full is a temporary condition (503 and Retry-After); any
    // other refusal is the service's own failure (500).
    void store_refused(ConnectionId c, const Request& req, Status st, const char* why) {
        log(LogLevel::error, std::string(why) + ": " + status_name(st));
        if (st != Status::limit_store) return respond(c, req, plain(500, why));
        Response r = plain(503, why);
        r.add("retry-after", "60");
        respond(c, req, std::move(r));
    }

    void not_allowed(ConnectionId c, const Request& req, const char* allow) {
        Response r = plain(405, "method not allowed");
        r.add("allow", allow);
        respond(c, req, std::move(r));
    }

    void gone(ConnectionId c, const Request& req) {
        respond(c, req, plain(cfg.gone_status, "no such subscription"));
    }

    // A subscription that is past its lifetime is ended when it is next touched, so a
    // request never sees one even if on_timeout has not run yet.
    const SubscriptionRecord* live_subscription(const SubscriptionRecord* s, uint64_t now) {
        if (s && s->expires_ms <= now) {
            end_subscription(s->id);
            return nullptr;
        }
        return s;
    }

    // --- seed 4 / RFC 8030 4: subscribe -----------------------------------------------
    void subscribe(ConnectionId c, const Request& req, uint64_t now) {
        if (store.subscription_count() >= cfg.max_subscriptions) {
            Response r = plain(503, "subscription limit reached");
            r.add("retry-after", "60");
            return respond(c, req, std::move(r));
        }
        SubscriptionRecord rec;
        if (!new_token(rec.id) || !new_token(rec.push_id))
            return respond(c, req, plain(500, "random source failed"));
        rec.expires_ms = now + uint64_t{cfg.subscription_lifetime_s} * 1000;
        if (Status st = store.add_subscription(rec); st != Status::ok)
            return store_refused(c, req, st, "store refused the subscription");
        timers.push({rec.expires_ms, TimerKind::subscription, rec.id});
        const std::string push = "/p/" + encode(rec.push_id);
        Response r;
        r.status = 201;
        r.add("location", location(req, "/s/", rec.id));
        r.add("link", "<" + push + ">; rel=\"" + kRelPush + "\"");
        r.add("link", "<" + push + "/receipts>; rel=\"" + kRelReceipt + "\"");
        // Seed 7.3: expiration as max-age, and the Cache-Control MUST include "private".
        r.add("cache-control", cache_control(rec.expires_ms, now));
        respond(c, req, std::move(r));
    }

    // --- seed 5 / RFC 8030 5: send ----------------------------------------------------
    bool rate_allows(const Token& sub, uint64_t now, uint32_t& retry_after) {
        if (cfg.rate_per_minute == 0) return true;
        const double per_ms = cfg.rate_per_minute / 60000.0;
        auto [it, fresh] = buckets.try_emplace(sub, Bucket{double(cfg.rate_burst), now});
        Bucket& b = it->second;
        if (!fresh) {
            b.tokens = std::min<double>(cfg.rate_burst,
                                        b.tokens + static_cast<double>(now - b.stamp_ms) * per_ms);
            b.stamp_ms = now;
        }
        if (b.tokens >= 1.0) {
            b.tokens -= 1.0;
            return true;
        }
        retry_after = static_cast<uint32_t>((1.0 - b.tokens) / per_ms / 1000.0) + 1;
        return false;
    }

    void bad_request(ConnectionId c, const Request& req, const Error& err) {
        respond(c, req, plain(400, err.reason));
    }

    void send(ConnectionId c, Request& req, const Token& push_id, uint64_t now) {
        const SubscriptionRecord* sub = live_subscription(store.subscription_by_push(push_id), now);
        if (!sub) return gone(c, req);
        const Token sub_id = sub->id;
        // Seed 8.4: the rate is checked first, so a flood costs as little as possible.
        uint32_t retry_after = 0;
        if (!rate_allows(sub_id, now, retry_after)) {
            Response r = plain(429, "send rate limit for this subscription reached");
            r.add("retry-after", std::to_string(retry_after));
            return respond(c, req, std::move(r));
        }

        MessageRecord msg;
        msg.subscription = sub_id;
        msg.created_unix_ms = static_cast<uint64_t>(std::max<int64_t>(0, now_unix(now)));
        uint32_t ttl = 0;
        bool want_receipt = false, respond_async = false;
        Error err;
        const std::string* ct = req.find("content-type");
        // The seed's form is a JSON body with no TTL field and no content coding; any
        // request with a TTL field or an encoded body is RFC 8030's (README "two forms").
        const bool seed = !req.find("ttl") && !req.find("content-encoding") && ct &&
                          media_type(*ct) == "application/json";
        if (seed) {
            JsonMessage jm;
            if (parse_json_message(req.body, jm, err) != Status::ok)
                return bad_request(c, req, err);  // seed 5: malformed JSON -> 400
            msg.form = Form::seed_json;
            ttl = jm.has_ttl ? jm.ttl_seconds : cfg.default_ttl_s;
            want_receipt = jm.request_receipt;
            if (jm.has_message) {
                msg.content_type = "application/json";
                msg.body = std::move(jm.message);
            }
        } else {
            msg.form = Form::rfc8030;
            // RFC 8030 5.2: TTL is mandatory; 5.3/5.4: Urgency and Topic are single values.
            if (req.count("ttl") != 1)
                return respond(
                    c, req,
                    plain(400, req.count("ttl") ? "TTL: more than one field" : "TTL: missing"));
            if (parse_ttl(*req.find("ttl"), ttl, err) != Status::ok)
                return bad_request(c, req, err);
            if (req.count("urgency") > 1)
                return respond(c, req, plain(400, "Urgency: more than one field"));
            if (const std::string* u = req.find("urgency"))
                if (parse_urgency(*u, msg.urgency, err) != Status::ok)
                    return bad_request(c, req, err);
            if (req.count("topic") > 1)
                return respond(c, req, plain(400, "Topic: more than one field"));
            if (const std::string* topic = req.find("topic")) {
                if (check_topic(*topic, err) != Status::ok) return bad_request(c, req, err);
                msg.topic = *topic;
            }
            Preferences prefs;
            for (const http::Header& h : req.headers)
                if (h.name == "prefer" && parse_prefer(h.value, prefs, err) != Status::ok)
                    return bad_request(c, req, err);
            respond_async = prefs.respond_async;
            want_receipt = respond_async;
            if (ct) msg.content_type = *ct;
            if (const std::string* ce = req.find("content-encoding")) msg.content_encoding = *ce;
            msg.body = std::move(req.body);  // the request is done with it
        }
        ttl = std::min(ttl, cfg.max_ttl_s);

        // The receipt subscription: one the application server names in Link (RFC 8030
        // 5.1), or a new one returned in the response (the seed's form, 5.1).
        if (want_receipt) {
            msg.has_receipt = true;
            std::string target;
            bool linked = false;
            if (!seed)
                for (const http::Header& h : req.headers) {
                    if (h.name != "link") continue;
                    Status st = find_link(h.value, kRelReceipt, target, err);
                    if (st == Status::syntax) return bad_request(c, req, err);
                    if (st == Status::ok) {
                        linked = true;
                        break;
                    }
                }
            if (linked) {
                size_t at = target.rfind("/r/");
                if (at == std::string::npos || !decode(target.substr(at + 3), msg.receipt) ||
                    !store.receipt_subscription(msg.receipt))
                    return respond(c, req, plain(400, "Link: unknown receipt subscription"));
            } else {
                ReceiptSubscriptionRecord rs;
                if (!new_token(rs.id)) return respond(c, req, plain(500, "random source failed"));
                rs.subscription = sub_id;
                // One per message: it lives until the message's receipt can have been
                // fetched (an hour past its TTL), not as long as the subscription.
                rs.expires_ms =
                    std::min(store.subscription(sub_id)->expires_ms,
                             now + (uint64_t{std::min(ttl, cfg.max_ttl_s)} + 3600) * 1000);
                if (Status st = store.add_receipt_subscription(rs); st != Status::ok)
                    return store_refused(c, req, st, "store refused the receipt");
                timers.push({rs.expires_ms, TimerKind::receipt_subscription, rs.id});
                msg.receipt = rs.id;
            }
        }

        // RFC 8030 5.4: a message with a topic replaces an undelivered one with the same topic.
        store.messages_of(sub_id, scratch);
        size_t count = 0, bytes = 0;
        for (const Token& id : scratch) {
            const MessageRecord* old = store.message(id);
            if (!old) continue;
            if (!msg.topic.empty() && old->topic == msg.topic && !in_flight(id)) {
                drop_message(id, "replaced by topic");
                continue;
            }
            ++count;
            bytes += old->body.size();
        }
        if (count + 1 > cfg.max_messages_per_subscription ||
            bytes + msg.body.size() > cfg.max_bytes_per_subscription) {
            Response r = plain(429, "too many undelivered messages for this subscription");
            r.add("retry-after", "60");
            return respond(c, req, std::move(r));
        }
        if (store.message_count() + 1 > cfg.max_messages_total ||
            store.message_bytes() + msg.body.size() > cfg.max_bytes_total) {
            Response r = plain(503, "message store full");
            r.add("retry-after", "60");
            return respond(c, req, std::move(r));
        }
        if (!new_token(msg.id)) return respond(c, req, plain(500, "random source failed"));
        msg.expires_ms = now + uint64_t{ttl} * 1000;
        const Token msg_id = msg.id;
        const bool has_receipt = msg.has_receipt;
        const Token receipt = msg.receipt;
        if (Status st = store.add_message(std::move(msg)); st != Status::ok)
            return store_refused(c, req, st, "store refused the message");

        Response r;
        r.status = respond_async ? 202 : 201;
        r.add("location", location(req, "/m/", msg_id));
        if (!seed) r.add("ttl", std::to_string(ttl));  // RFC 8030 5.2: the TTL in use
        if (has_receipt)
            r.add("link", join("</r/", "", receipt, ">; rel=\"urn:ietf:params:push:receipt\""));
        respond(c, req, std::move(r));

        // Deliver now to every user agent that is listening; RFC 8030 5.2: a message with
        // TTL 0 that no one can take now is discarded at once.
        track(msg_id, now + uint64_t{ttl} * 1000, false);
        deliver_to_monitors(sub_id, msg_id);
        if (ttl == 0 && !in_flight(msg_id)) drop_message(msg_id, "TTL 0, not delivered");
    }

    // --- delivery (seed 6) ------------------------------------------------------------
    Response message_response(const MessageRecord& m) {
        Response r;
        r.status = 200;
        // Seed 7.2: Last-Modified says when the application server asked for delivery.
        const int64_t created = static_cast<int64_t>(m.created_unix_ms);
        r.add("last-modified", created / 1000 == date_second ? date_value : http_date(created));
        r.add("cache-control", "private");
        // Only the representation crosses; Topic, Urgency, TTL and the application
        // server's credentials never reach the user agent.
        if (!m.content_type.empty()) r.add("content-type", m.content_type);
        if (!m.content_encoding.empty()) r.add("content-encoding", m.content_encoding);
        r.body = m.body;
        return r;
    }

    // Pushes one message on a held GET; false when that stream can no longer take it.
    bool push_message(const Monitor& mon, const MessageRecord& m) {
        http::ServerConnection* h = connection(mon.conn);
        if (!h || !h->stream_open(mon.stream)) return false;
        int32_t promised = h->push(mon.stream, join("/m/", "", m.id), message_response(m));
        if (promised < 0) return false;
        track(m.id, m.expires_ms, true);
        mark_ready(mon.conn);
        return true;
    }

    void deliver_to_monitors(const Token& sub, const Token& msg_id) {
        auto it = monitors.find(sub);
        if (it == monitors.end()) return;
        const MessageRecord* m = store.message(msg_id);
        if (!m) return;
        for (const Monitor& mon : it->second)
            if (m->urgency >= mon.min_urgency) push_message(mon, *m);
    }

    // Pushes every stored, unexpired message at or above the urgency; how many.
    size_t deliver_stored(const Monitor& mon, const Token& sub, uint64_t now) {
        store.messages_of(sub, scratch);
        std::vector<Token> ids = scratch;
        size_t n = 0;
        for (const Token& id : ids) {
            const MessageRecord* m = store.message(id);
            if (!m) continue;
            if (m->expires_ms <= now) {  // seed 5 / 7.2: never delivered after it expires
                drop_message(id, "expired");
                continue;
            }
            if (m->urgency < mon.min_urgency) continue;
            if (push_message(mon, *m)) ++n;
        }
        return n;
    }

    void receive(ConnectionId c, const Request& req, const Token& sub_id, uint64_t now) {
        const SubscriptionRecord* sub = live_subscription(store.subscription(sub_id), now);
        if (!sub) return gone(c, req);
        Monitor mon{c, req.stream_id, Urgency::very_low};
        Error err;
        if (const std::string* u = req.find("urgency"))
            if (parse_urgency(*u, mon.min_urgency, err) != Status::ok)
                return bad_request(c, req, err);
        Preferences prefs;
        for (const http::Header& h : req.headers)
            if (h.name == "prefer" && parse_prefer(h.value, prefs, err) != Status::ok)
                return bad_request(c, req, err);
        http::ServerConnection* h = connection(c);
        const bool wait0 = prefs.has_wait && prefs.wait_seconds == 0;
        if (!h->can_push()) {
            // Only HTTP/2 server push can carry messages; an empty answer needs none.
            store.messages_of(sub_id, scratch);
            if (wait0 && scratch.empty())
                return respond(c, req, subscription_status(*sub, 204, now));
            return respond(c, req, plain(400, "receiving push messages needs HTTP/2 server push"));
        }
        if (wait0) {
            // Seed 6: push every stored message, then answer; 204 when there was none.
            const Token id = sub->id;
            const uint64_t expires = sub->expires_ms;
            size_t n = deliver_stored(mon, id, now);
            SubscriptionRecord copy{id, {}, expires};
            if (const SubscriptionRecord* again = store.subscription(id)) copy = *again;
            return respond(c, req, subscription_status(copy, n ? 200 : 204, now));
        }
        monitors[sub_id].push_back(mon);
        held[held_key(c, req.stream_id)] = {sub_id, false};
        conns[c].held.push_back(req.stream_id);
        deliver_stored(mon, sub_id, now);
    }

    // Seed 6: the answer to Prefer: wait=0 links the subscription and says when it expires.
    Response subscription_status(const SubscriptionRecord& sub, int status, uint64_t now) {
        Response r;
        r.status = status;
        r.add("link", "</p/" + encode(sub.push_id) + ">; rel=\"" + kRelPush + "\"");
        r.add("cache-control", cache_control(sub.expires_ms, now));
        return r;
    }

    void unsubscribe(ConnectionId c, const Request& req, const Token& sub_id, uint64_t now) {
        if (!live_subscription(store.subscription(sub_id), now)) return gone(c, req);
        end_subscription(sub_id);
        Response r;
        r.status = 204;
        respond(c, req, std::move(r));
    }

    // Seed 7.3: ends a subscription. Listening user agents get a pushed 410 for the
    // subscription resource and a 410 on their held GET; its messages are dropped with
    // failure receipts.
    void end_subscription(const Token& sub_id) {
        const SubscriptionRecord* sub = store.subscription(sub_id);
        if (!sub) return;
        const std::string path = "/s/" + encode(sub_id);
        auto it = monitors.find(sub_id);
        if (it != monitors.end()) {
            std::vector<Monitor> mons = std::move(it->second);
            monitors.erase(it);
            for (const Monitor& mon : mons) {
                forget_held(mon.conn, mon.stream);
                http::ServerConnection* h = connection(mon.conn);
                if (!h || !h->stream_open(mon.stream)) continue;
                Response pushed = plain(410, "subscription ended");
                h->push(mon.stream, path, pushed);
                // Framed now, so the pushed 410 leaves ahead of the GET's own final one
                // (nghttp2 would otherwise send the final HEADERS first).
                h->output();
                Response r = plain(410, "subscription ended");
                h->respond(mon.stream, std::move(r));
                mark_ready(mon.conn);
            }
        }
        store.messages_of(sub_id, scratch);
        std::vector<Token> ids = scratch;
        for (const Token& id : ids) drop_message(id, "subscription ended");
        buckets.erase(sub_id);
        store.remove_subscription(sub_id);
        log(LogLevel::info, "subscription ended");
    }

    // --- acknowledgements and receipts (seed 5.1, 6.1; RFC 8030 5.1, 6.2) -------------
    void acknowledge(ConnectionId c, const Request& req, const Token& msg_id) {
        const MessageRecord* m = store.message(msg_id);
        if (!m) return respond(c, req, plain(404, "no such message"));
        if (m->has_receipt) queue_receipt(m->receipt, msg_id, 204);
        forget_message(*m);
        Response r;
        r.status = 204;
        respond(c, req, std::move(r));
    }

    // Removes a message that will not be acknowledged; a requested receipt reports the
    // failure: 504 in the seed (5.1), 410 in RFC 8030 (5.1).
    void drop_message(const Token& msg_id, const char* why) {
        const MessageRecord* m = store.message(msg_id);
        if (!m) return;
        if (m->has_receipt)
            queue_receipt(m->receipt, msg_id, m->form == Form::seed_json ? 504 : 410);
        forget_message(*m);
        log(LogLevel::debug, std::string("message dropped: ") + why);
    }

    void forget_message(const MessageRecord& m) {
        const Token id = m.id;
        untrack(id);
        store.remove_message(id);
    }

    void queue_receipt(const Token& rs, const Token& msg_id, int status) {
        if (!store.receipt_subscription(rs)) return;
        Receipt rc{msg_id, status};
        auto it = receipt_monitors.find(rs);
        if (it != receipt_monitors.end())
            for (const Monitor& mon : it->second)
                if (push_receipt(mon, rc)) return;
        auto& q = pending_receipts[rs];
        if (q.size() >= cfg.max_receipts_queued) {
            q.pop_front();
            log(LogLevel::warning, "receipt queue full: oldest receipt dropped");
        }
        q.push_back(rc);
    }

    bool push_receipt(const Monitor& mon, const Receipt& rc) {
        http::ServerConnection* h = connection(mon.conn);
        if (!h || !h->stream_open(mon.stream)) return false;
        Response r;
        r.status = rc.status;
        if (h->push(mon.stream, join("/m/", "", rc.message), std::move(r)) < 0) return false;
        mark_ready(mon.conn);
        return true;
    }

    void receipt_subscribe(ConnectionId c, const Request& req, const Token& push_id, uint64_t now) {
        const SubscriptionRecord* sub = live_subscription(store.subscription_by_push(push_id), now);
        if (!sub) return gone(c, req);
        ReceiptSubscriptionRecord rs;
        if (!new_token(rs.id)) return respond(c, req, plain(500, "random source failed"));
        rs.subscription = sub->id;
        rs.expires_ms = sub->expires_ms;
        if (Status st = store.add_receipt_subscription(rs); st != Status::ok)
            return store_refused(c, req, st, "store refused the receipt subscription");
        timers.push({rs.expires_ms, TimerKind::receipt_subscription, rs.id});
        Response r;
        r.status = 201;
        r.add("location", location(req, "/r/", rs.id));
        respond(c, req, std::move(r));
    }

    void receive_receipts(ConnectionId c, const Request& req, const Token& rs, uint64_t now) {
        const ReceiptSubscriptionRecord* rec = store.receipt_subscription(rs);
        if (!rec || rec->expires_ms <= now)
            return respond(c, req, plain(404, "no such receipt subscription"));
        if (!connection(c)->can_push())
            return respond(c, req, plain(400, "receiving receipts needs HTTP/2 server push"));
        Monitor mon{c, req.stream_id, Urgency::very_low};
        receipt_monitors[rs].push_back(mon);
        held[held_key(c, req.stream_id)] = {rs, true};
        conns[c].held.push_back(req.stream_id);
        auto it = pending_receipts.find(rs);
        if (it == pending_receipts.end()) return;
        std::deque<Receipt> q = std::move(it->second);
        pending_receipts.erase(it);
        while (!q.empty() && push_receipt(mon, q.front())) q.pop_front();
        if (!q.empty()) pending_receipts[rs] = std::move(q);
    }

    // --- held streams -----------------------------------------------------------------
    void forget_held(ConnectionId c, int32_t stream) {
        auto it = held.find(held_key(c, stream));
        if (it == held.end()) return;
        auto& table = it->second.receipt ? receipt_monitors : monitors;
        auto m = table.find(it->second.id);
        if (m != table.end()) {
            auto& v = m->second;
            v.erase(
                std::remove_if(v.begin(), v.end(),
                               [&](const Monitor& x) { return x.conn == c && x.stream == stream; }),
                v.end());
            if (v.empty()) table.erase(m);
        }
        held.erase(it);
        auto cit = conns.find(c);
        if (cit != conns.end()) {
            auto& hv = cit->second.held;
            hv.erase(std::remove(hv.begin(), hv.end(), stream), hv.end());
        }
    }

    void drain_events(ConnectionId c, uint64_t now) {
        http::ServerConnection::Event ev;
        for (;;) {
            http::ServerConnection* h = connection(c);
            if (!h || !h->next_event(ev)) break;
            if (ev.type == http::ServerConnection::EventType::request)
                handle(c, ev.request, now);
            else
                forget_held(c, ev.stream_id);
        }
    }

    // --- timers -----------------------------------------------------------------------
    void fire(const Timer& t, uint64_t now) {
        switch (t.kind) {
            case TimerKind::subscription: {
                const SubscriptionRecord* s = store.subscription(t.id);
                if (s && s->expires_ms <= now) end_subscription(t.id);
                break;
            }
            case TimerKind::receipt_subscription: {
                const ReceiptSubscriptionRecord* r = store.receipt_subscription(t.id);
                if (r && r->expires_ms <= now) {
                    auto it = receipt_monitors.find(t.id);
                    if (it != receipt_monitors.end()) {
                        std::vector<Monitor> mons = it->second;
                        for (const Monitor& mon : mons) {
                            forget_held(mon.conn, mon.stream);
                            if (http::ServerConnection* h = connection(mon.conn)) {
                                Response r410 = plain(410, "receipt subscription ended");
                                h->respond(mon.stream, std::move(r410));
                                mark_ready(mon.conn);
                            }
                        }
                    }
                    pending_receipts.erase(t.id);
                    store.remove_receipt_subscription(t.id);
                }
                break;
            }
        }
    }
};

std::unique_ptr<PushService> PushService::create(ServiceConfig config, Error& err) {
    if (!config.random.valid()) {
        err.fail(Status::invalid_argument, "random source required", 0);
        return nullptr;
    }
    if (config.max_message_bytes < 4096) {
        err.fail(Status::invalid_argument,
                 "max_message_bytes below 4096 (seed 5 forbids 413 there)", 0);
        return nullptr;
    }
    if (config.gone_status != 404 && config.gone_status != 410) {
        err.fail(Status::invalid_argument, "gone_status must be 404 or 410", 0);
        return nullptr;
    }
    if (config.subscription_lifetime_s == 0) {
        err.fail(Status::invalid_argument, "subscription_lifetime_s must be positive", 0);
        return nullptr;
    }
    if (config.subscribe_path.empty() || config.subscribe_path[0] != '/' ||
        config.subscribe_path.size() < 2 || config.subscribe_path.substr(0, 3) == "/s/" ||
        config.subscribe_path.substr(0, 3) == "/p/" ||
        config.subscribe_path.substr(0, 3) == "/m/" ||
        config.subscribe_path.substr(0, 3) == "/r/") {
        err.fail(Status::invalid_argument,
                 "subscribe_path must be an absolute path outside /s/ /p/ /m/ /r/", 0);
        return nullptr;
    }
    if (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
    config.limits.max_body_bytes = config.max_message_bytes;
    return std::unique_ptr<PushService>(new PushService(std::move(config)));
}

PushService::PushService(ServiceConfig config) : store_(config.store) {
    std::unique_ptr<MemoryStore> own;
    if (!store_) {
        own = std::make_unique<MemoryStore>();
        store_ = own.get();
    }
    impl_ = std::make_unique<Impl>(std::move(config), *store_);
    owned_store_ = std::move(own);
}

PushService::~PushService() = default;

PushService::ConnectionId PushService::open(http::Protocol protocol, uint64_t now_ms) {
    ConnectionId id = impl_->next_id++;
    Impl::Conn& c = impl_->conns[id];
    c.http = std::make_unique<http::ServerConnection>(impl_->cfg.limits, protocol, now_ms);
    c.http->use_date(&impl_->date_value);
    if (!c.http->output().empty()) impl_->mark_ready(id);  // the HTTP/2 SETTINGS
    return id;
}

PushService::ConnectionId PushService::open_tls(uint64_t now_ms) {
    if (!impl_->cfg.tls) return 0;
    ConnectionId id = impl_->next_id++;
    Impl::Conn& c = impl_->conns[id];
    c.tls = std::make_unique<tls::ServerSession>(impl_->cfg.tls);
    // ALPN h2 still starts with the client preface (RFC 9113 3.3), so detection serves both.
    c.http =
        std::make_unique<http::ServerConnection>(impl_->cfg.limits, http::Protocol::detect, now_ms);
    c.http->use_date(&impl_->date_value);
    return id;
}

Status PushService::receive(ConnectionId id, const uint8_t* data, size_t len, uint64_t now_ms) {
    auto it = impl_->conns.find(id);
    if (it == impl_->conns.end()) return Status::not_found;
    Impl::Conn& c = it->second;
    impl_->date(now_ms);  // every response of this call carries it
    Status st;
    if (c.tls) {
        st = c.tls->receive(data, len);
        std::string_view plain = c.tls->plaintext();
        Status hs =
            c.http->receive(reinterpret_cast<const uint8_t*>(plain.data()), plain.size(), now_ms);
        c.tls->consume_plaintext(plain.size());
        if (st == Status::ok) st = hs;
    } else {
        st = c.http->receive(data, len, now_ms);
    }
    impl_->drain_events(id, now_ms);
    if (!output(id).empty()) impl_->mark_ready(id);
    return st;
}

void PushService::receive_eof(ConnectionId id, uint64_t now_ms) {
    http::ServerConnection* h = impl_->connection(id);
    if (!h) return;
    impl_->date(now_ms);
    h->receive_eof(now_ms);
    impl_->drain_events(id, now_ms);
}

void PushService::close(ConnectionId id) {
    auto it = impl_->conns.find(id);
    if (it == impl_->conns.end()) return;
    std::vector<int32_t> streams = it->second.held;
    for (int32_t s : streams) impl_->forget_held(id, s);
    impl_->conns.erase(id);
    impl_->ready.erase(std::remove(impl_->ready.begin(), impl_->ready.end(), id),
                       impl_->ready.end());
}

std::string_view PushService::output(ConnectionId id) {
    auto it = impl_->conns.find(id);
    if (it == impl_->conns.end()) return {};
    Impl::Conn& c = it->second;
    if (!c.tls) return c.http->output();
    // Whatever HTTP produced since the last call is encrypted now; once HTTP is done with
    // the connection, close_notify follows its last bytes.
    std::string_view plain = c.http->output();
    if (!plain.empty()) {
        c.tls->send(reinterpret_cast<const uint8_t*>(plain.data()), plain.size());
        c.http->consume_output(plain.size());
    }
    if (c.http->want_close() && !c.tls->closed()) c.tls->close();
    return c.tls->ciphertext();
}

void PushService::consume_output(ConnectionId id, size_t n) {
    auto it = impl_->conns.find(id);
    if (it == impl_->conns.end()) return;
    if (it->second.tls)
        it->second.tls->consume_ciphertext(n);
    else
        it->second.http->consume_output(n);
}

bool PushService::want_close(ConnectionId id) const {
    auto it = impl_->conns.find(id);
    if (it == impl_->conns.end()) return true;
    if (it->second.tls) return it->second.tls->closed();
    return it->second.http->want_close();
}

bool PushService::next_ready(ConnectionId& id) {
    while (!impl_->ready.empty()) {
        id = impl_->ready.front();
        impl_->ready.pop_front();
        auto it = impl_->conns.find(id);
        if (it == impl_->conns.end()) continue;
        it->second.ready = false;
        return true;
    }
    return false;
}

uint64_t PushService::next_deadline() const {
    uint64_t at = impl_->timers.empty() ? PUSHCORE_NO_DEADLINE : impl_->timers.top().at;
    if (!impl_->expiries.empty()) at = std::min(at, impl_->expiries.front().first);
    for (const auto& [id, c] : impl_->conns) at = std::min(at, c.http->next_deadline());
    return at;
}

void PushService::on_timeout(uint64_t now_ms) {
    impl_->date(now_ms);
    while (!impl_->timers.empty() && impl_->timers.top().at <= now_ms) {
        Impl::Timer t = impl_->timers.top();
        impl_->timers.pop();
        impl_->fire(t, now_ms);
    }
    auto& heap = impl_->expiries;
    while (!heap.empty() && heap.front().first <= now_ms) {
        const Impl::Expiry due = heap.front();
        std::pop_heap(heap.begin(), heap.end(), std::greater<Impl::Expiry>());
        heap.pop_back();
        if (!impl_->stale(due)) impl_->drop_message(due.second, "expired");
    }
    for (auto& [id, c] : impl_->conns)
        if (c.http->next_deadline() <= now_ms) {
            c.http->on_timeout(now_ms);
            impl_->mark_ready(id);
        }
}

const http::ServerConnection* PushService::connection(ConnectionId id) const {
    return impl_->connection(id);
}

}  // namespace pushcore::web_push
