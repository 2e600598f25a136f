// CallbackStore over a host store written as a C host would write it (five callbacks over
// a std::map): the records and kinds it keeps, its failures, the push service's full cycle
// through it, and a restart: a new PushService over the same host store delivers what the
// old one stored.
#include "pushcore/web_push/callback_store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pushcore/web_push/records.hpp"
#include "support/push_net.hpp"

using namespace pushcore;
using namespace pushcore::web_push;
using pushcore::test::H2Client;
using pushcore::test::PushNet;

namespace {

Token token(uint8_t first) {
    Token t;
    for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<uint8_t>(first + i);
    return t;
}

Token token_at(const uint8_t* p) {
    Token t;
    std::memcpy(t.data(), p, t.size());
    return t;
}

// The host's store: records by (kind, key), each with its parent and an insertion number
// (children lists oldest first). Failures can be switched on per callback.
struct MapStore {
    struct Entry {
        std::string bytes;
        bool has_parent = false;
        Token parent{};
        uint64_t seq = 0;
    };
    std::map<std::pair<int32_t, Token>, Entry> records;
    uint64_t next_seq = 0;
    int fail_put = 0;       // returned by put when not 0
    int fail_put_kind = 0;  // ... only for this kind when not 0
    int fail_get = 0;
    int children_calls = 0;
    int children_too_small = 0;

    static MapStore& of(void* ctx) { return *static_cast<MapStore*>(ctx); }

    static int put(void* ctx, int32_t kind, const uint8_t* key16, const uint8_t* parent16,
                   const uint8_t* record, size_t len) {
        MapStore& s = of(ctx);
        if (s.fail_put && (!s.fail_put_kind || s.fail_put_kind == kind)) return s.fail_put;
        Entry& e = s.records[{kind, token_at(key16)}];
        e.bytes.assign(reinterpret_cast<const char*>(record), len);
        e.has_parent = parent16 != nullptr;
        if (parent16) e.parent = token_at(parent16);
        e.seq = s.next_seq++;
        return PUSHCORE_OK;
    }
    static int get(void* ctx, int32_t kind, const uint8_t* key16, const uint8_t** record,
                   size_t* len) {
        MapStore& s = of(ctx);
        if (s.fail_get) return s.fail_get;
        auto it = s.records.find({kind, token_at(key16)});
        if (it == s.records.end()) return 0;
        *record = reinterpret_cast<const uint8_t*>(it->second.bytes.data());
        *len = it->second.bytes.size();
        return 1;
    }
    static int remove(void* ctx, int32_t kind, const uint8_t* key16) {
        of(ctx).records.erase({kind, token_at(key16)});
        return PUSHCORE_OK;
    }
    static int children(void* ctx, const uint8_t* parent16, uint8_t* keys16, size_t cap,
                        size_t* count) {
        MapStore& s = of(ctx);
        ++s.children_calls;
        std::vector<std::pair<uint64_t, Token>> found;
        for (const auto& [k, e] : s.records)
            if (k.first == PUSHCORE_STORE_MESSAGE && e.has_parent && e.parent == token_at(parent16))
                found.push_back({e.seq, k.second});
        std::sort(found.begin(), found.end());
        *count = found.size();
        if (found.size() > cap) {
            ++s.children_too_small;
            return PUSHCORE_E_BUFFER_TOO_SMALL;
        }
        for (size_t i = 0; i < found.size(); ++i)
            std::memcpy(keys16 + 16 * i, found[i].second.data(), 16);
        return PUSHCORE_OK;
    }
    static int count(void* ctx, int32_t kind, uint64_t* n, uint64_t* bytes) {
        *n = *bytes = 0;
        for (const auto& [k, e] : of(ctx).records)
            if (k.first == kind) {
                ++*n;
                *bytes += e.bytes.size();
            }
        return PUSHCORE_OK;
    }

    size_t kind_count(int32_t kind) const {
        return static_cast<size_t>(std::count_if(
            records.begin(), records.end(), [&](const auto& r) { return r.first.first == kind; }));
    }
    const Entry* find(int32_t kind, const Token& key) const {
        auto it = records.find({kind, key});
        return it == records.end() ? nullptr : &it->second;
    }
};

std::unique_ptr<CallbackStore> adapter(MapStore& s, int64_t offset = 0) {
    return std::make_unique<CallbackStore>(&s, MapStore::put, MapStore::get, MapStore::remove,
                                           MapStore::children, MapStore::count, offset);
}

MessageRecord message(const Token& id, const Token& sub, std::string body) {
    MessageRecord m;
    m.id = id;
    m.subscription = sub;
    m.expires_ms = 60000;
    m.body = std::move(body);
    return m;
}

// ---- driving the service (as push_service_test.cpp does) ----

struct Sub {
    std::string path;  // /s/...
    std::string push;  // /p/...
};

std::string link_target(const std::string& v) {
    return v.substr(v.find('<') + 1, v.find('>') - v.find('<') - 1);
}

std::string path_of(const std::string& url) {
    size_t scheme = url.find("://");
    return url.substr(url.find('/', scheme + 3));
}

Sub subscribe(PushNet& net, H2Client& ua) {
    int32_t id = ua.request("POST", "/subscribe");
    net.pump();
    auto& s = ua.stream(id);
    REQUIRE(s.status == 201);
    Sub sub;
    sub.path = path_of(*s.header("location"));
    for (const std::string& link : s.all("link"))
        if (link.find("rel=\"urn:ietf:params:push\"") != std::string::npos)
            sub.push = link_target(link);
    return sub;
}

H2Client::Stream& send(PushNet& net, H2Client& as, const Sub& sub, std::string body,
                       std::vector<std::pair<std::string, std::string>> headers) {
    int32_t id = as.request("POST", sub.push, std::move(headers), std::move(body));
    net.pump();
    return as.stream(id);
}

std::vector<H2Client::Stream*> pushes_on(H2Client& c, int32_t parent) {
    std::vector<H2Client::Stream*> out;
    for (int32_t id : c.promised())
        if (c.stream(id).parent == parent) out.push_back(&c.stream(id));
    return out;
}

int status_of(PushNet& net, H2Client& c, const std::string& method, const std::string& path) {
    int32_t id = c.request(method, path);
    net.pump();
    return c.stream(id).status;
}

constexpr int64_t kWallClock = 1700000000000;

}  // namespace

TEST_CASE("web_push callback store: subscriptions are a record and a push index entry") {
    MapStore host;
    auto store = adapter(host);
    const SubscriptionRecord rec{token(1), token(100), 5000};
    REQUIRE(store->add_subscription(rec) == Status::ok);
    const MapStore::Entry* index = host.find(PUSHCORE_STORE_PUSH_INDEX, rec.push_id);
    REQUIRE(index);
    CHECK(index->bytes == std::string(reinterpret_cast<const char*>(rec.id.data()), 16));
    CHECK(!index->has_parent);
    const MapStore::Entry* record = host.find(PUSHCORE_STORE_SUBSCRIPTION, rec.id);
    REQUIRE(record);
    CHECK(record->bytes == encode_record(rec, 0));
    CHECK(store->subscription_count() == 1);

    const SubscriptionRecord* s = store->subscription(rec.id);
    REQUIRE(s);
    CHECK(s->push_id == rec.push_id);
    CHECK(s->expires_ms == 5000);
    s = store->subscription_by_push(rec.push_id);
    REQUIRE(s);
    CHECK(s->id == rec.id);
    CHECK(!store->subscription(token(50)));
    CHECK(!store->subscription_by_push(token(50)));

    // Removing takes both records away; removing again is harmless.
    store->remove_subscription(s->id);  // a key inside the adapter's own record
    CHECK(host.records.empty());
    store->remove_subscription(rec.id);
    CHECK(store->subscription_count() == 0);
    CHECK(store->last_error().status == Status::ok);
}

TEST_CASE("web_push callback store: receipt subscriptions and messages") {
    MapStore host;
    auto store = adapter(host, kWallClock);
    const ReceiptSubscriptionRecord rs{token(3), token(1), 7000};
    REQUIRE(store->add_receipt_subscription(rs) == Status::ok);
    const ReceiptSubscriptionRecord* r = store->receipt_subscription(rs.id);
    REQUIRE(r);
    CHECK(r->subscription == rs.subscription);
    CHECK(r->expires_ms == 7000);  // stored as Unix ms, read back through the same offset
    ReceiptSubscriptionRecord unix_view;
    Error err;
    REQUIRE(decode_record(host.find(PUSHCORE_STORE_RECEIPT_SUBSCRIPTION, rs.id)->bytes, 0,
                          unix_view, err) == Status::ok);
    CHECK(unix_view.expires_ms == uint64_t{kWallClock} + 7000);
    store->remove_receipt_subscription(rs.id);
    CHECK(!store->receipt_subscription(rs.id));

    // Messages name their subscription as parent; the byte count is record bytes.
    const Token sub = token(1);
    REQUIRE(store->add_message(message(token(10), sub, "hello")) == Status::ok);
    REQUIRE(store->add_message(message(token(11), sub, "world!")) == Status::ok);
    REQUIRE(store->add_message(message(token(12), token(2), "other")) == Status::ok);
    const MapStore::Entry* e = host.find(PUSHCORE_STORE_MESSAGE, token(10));
    REQUIRE(e);
    CHECK(e->has_parent);
    CHECK(e->parent == sub);
    CHECK(store->message_count() == 3);
    size_t bytes = 0;
    for (const auto& [k, v] : host.records) bytes += v.bytes.size();
    CHECK(store->message_bytes() == bytes);
    const MessageRecord* m = store->message(token(11));
    REQUIRE(m);
    CHECK(m->body == "world!");
    CHECK(m->subscription == sub);
    CHECK(m->expires_ms == 60000);
    std::vector<Token> ids;
    store->messages_of(sub, ids);
    CHECK(ids == std::vector<Token>{token(10), token(11)});
    store->remove_message(token(10));
    CHECK(!store->message(token(10)));
    store->messages_of(sub, ids);
    CHECK(ids == std::vector<Token>{token(11)});
    store->messages_of(token(99), ids);
    CHECK(ids.empty());
    CHECK(store->last_error().status == Status::ok);
}

TEST_CASE("web_push callback store: messages_of asks again with room for all") {
    MapStore host;
    auto store = adapter(host);
    const Token sub = token(1);
    std::vector<Token> want;
    for (uint8_t i = 0; i < 40; ++i) {
        want.push_back(token(static_cast<uint8_t>(100 + i)));
        REQUIRE(store->add_message(message(want.back(), sub, "x")) == Status::ok);
    }
    std::vector<Token> ids;
    store->messages_of(sub, ids);
    CHECK(ids == want);
    CHECK(host.children_too_small == 1);
    CHECK(host.children_calls == 2);
    store->messages_of(sub, ids);  // the room it grew to stays
    CHECK(ids == want);
    CHECK(host.children_too_small == 1);
    CHECK(host.children_calls == 3);
}

TEST_CASE("web_push callback store: failing callbacks and corrupt records") {
    MapStore host;
    auto store = adapter(host);
    const SubscriptionRecord rec{token(1), token(100), 5000};

    SUBCASE("a failing put is the status of add_*") {
        host.fail_put = PUSHCORE_E_LIMIT_STORE;
        CHECK(store->add_subscription(rec) == Status::limit_store);
        CHECK(store->add_receipt_subscription({token(3), token(1), 1}) == Status::limit_store);
        CHECK(store->add_message(message(token(10), token(1), "x")) == Status::limit_store);
        CHECK(store->last_error().status == Status::limit_store);
        CHECK(std::string(store->last_error().reason) == "store: put failed");
        host.fail_put = 7;  // not a status at all
        CHECK(store->add_message(message(token(10), token(1), "x")) == Status::internal);
        CHECK(host.records.empty());
    }
    SUBCASE("a failed push index entry takes the subscription record away again") {
        host.fail_put = PUSHCORE_E_INTERNAL;
        host.fail_put_kind = PUSHCORE_STORE_PUSH_INDEX;
        CHECK(store->add_subscription(rec) == Status::internal);
        CHECK(host.records.empty());
    }
    SUBCASE("a message that cannot be encoded is refused before the host sees it") {
        MessageRecord m = message(token(10), token(1), "x");
        m.topic.assign(300, 't');
        CHECK(store->add_message(m) == Status::invalid_argument);
        CHECK(std::string(store->last_error().reason) == "record: topic above 255 bytes");
        CHECK(host.records.empty());
    }
    SUBCASE("a failing get is an absent record") {
        REQUIRE(store->add_subscription(rec) == Status::ok);
        host.fail_get = PUSHCORE_E_INTERNAL;
        CHECK(!store->subscription(rec.id));
        CHECK(!store->subscription_by_push(rec.push_id));
        CHECK(store->last_error().status == Status::internal);
        CHECK(std::string(store->last_error().reason) == "store: get failed");
    }
    SUBCASE("records that do not decode are absent, and the reason is kept") {
        REQUIRE(store->add_subscription(rec) == Status::ok);
        REQUIRE(store->add_message(message(token(10), token(1), "x")) == Status::ok);
        host.records[{PUSHCORE_STORE_SUBSCRIPTION, rec.id}].bytes = "garbage";
        CHECK(!store->subscription(rec.id));
        CHECK(store->last_error().status == Status::syntax);
        CHECK(std::string(store->last_error().reason) == "record: unknown version");
        CHECK(!store->subscription_by_push(rec.push_id));
        host.records[{PUSHCORE_STORE_MESSAGE, token(10)}].bytes.pop_back();
        CHECK(!store->message(token(10)));
        CHECK(std::string(store->last_error().reason) == "record: body length beyond the input");
        host.records[{PUSHCORE_STORE_MESSAGE, token(10)}].bytes.clear();
        CHECK(!store->message(token(10)));
        CHECK(store->last_error().offset == 0);
        host.records[{PUSHCORE_STORE_PUSH_INDEX, rec.push_id}].bytes = "short";
        CHECK(!store->subscription_by_push(rec.push_id));
        CHECK(std::string(store->last_error().reason) ==
              "record: a push index entry is not 16 bytes");
    }
    SUBCASE("a record under another key, an index to another's subscription") {
        REQUIRE(store->add_subscription(rec) == Status::ok);
        REQUIRE(store->add_subscription({token(2), token(101), 5000}) == Status::ok);
        host.records[{PUSHCORE_STORE_SUBSCRIPTION, token(50)}] =
            host.records[{PUSHCORE_STORE_SUBSCRIPTION, rec.id}];
        CHECK(!store->subscription(token(50)));
        CHECK(std::string(store->last_error().reason) == "record: a subscription under another id");
        host.records[{PUSHCORE_STORE_PUSH_INDEX, token(101)}] =
            host.records[{PUSHCORE_STORE_PUSH_INDEX, rec.push_id}];
        CHECK(!store->subscription_by_push(token(101)));
        CHECK(std::string(store->last_error().reason) ==
              "record: a push index entry names another's subscription");
        CHECK(store->subscription_by_push(rec.push_id));
    }
}

TEST_CASE("web_push callback store: the seed's full cycle through the host's store") {
    MapStore host;
    auto store = adapter(host, kWallClock);
    ServiceConfig cfg;
    cfg.store = store.get();
    cfg.wall_clock_offset_ms = kWallClock;
    PushNet net(cfg);
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    CHECK(host.kind_count(PUSHCORE_STORE_SUBSCRIPTION) == 1);
    CHECK(host.kind_count(PUSHCORE_STORE_PUSH_INDEX) == 1);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    CHECK(ua.stream(get).status == 0);  // held

    auto& sent = send(net, as, sub, R"({"request_receipt": true, "message": {"data": "Hi"}})",
                      {{"content-type", "application/json"}});
    REQUIRE(sent.status == 201);
    const std::string msg_path = path_of(*sent.header("location"));
    const std::string receipt = link_target(*sent.header("link"));
    CHECK(host.kind_count(PUSHCORE_STORE_MESSAGE) == 1);
    CHECK(host.kind_count(PUSHCORE_STORE_RECEIPT_SUBSCRIPTION) == 1);
    int32_t rget = as.request("GET", receipt);
    net.pump();

    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0]->promised_path == msg_path);
    CHECK(pushed[0]->body == R"({"data":"Hi"})");
    CHECK(status_of(net, ua, "DELETE", msg_path) == 204);
    auto receipts = pushes_on(as, rget);
    REQUIRE(receipts.size() == 1);
    CHECK(receipts[0]->status == 204);
    CHECK(host.kind_count(PUSHCORE_STORE_MESSAGE) == 0);
    CHECK(net.service->store().message_count() == 0);

    // Unsubscribing removes the subscription and its push index entry.
    CHECK(status_of(net, ua, "DELETE", sub.path) == 204);
    CHECK(host.kind_count(PUSHCORE_STORE_SUBSCRIPTION) == 0);
    CHECK(host.kind_count(PUSHCORE_STORE_PUSH_INDEX) == 0);
    CHECK(send(net, as, sub, "x", {{"ttl", "60"}}).status == 410);
    CHECK(store->last_error().status == Status::ok);
}

TEST_CASE("web_push callback store: what one service stored, a new one delivers") {
    MapStore host;
    Sub sub;
    std::string receipt, kept_path;
    {
        auto store = adapter(host, kWallClock);
        ServiceConfig cfg;
        cfg.store = store.get();
        cfg.wall_clock_offset_ms = kWallClock;
        PushNet net(cfg);  // now == 1000
        H2Client& ua = net.h2();
        H2Client& as = net.h2();
        sub = subscribe(net, ua);
        // No user agent listens: both are stored. One asks for a receipt (RFC 8030 5.1).
        auto& kept = send(net, as, sub, "kept", {{"ttl", "60"}, {"prefer", "respond-async"}});
        REQUIRE(kept.status == 202);
        kept_path = path_of(*kept.header("location"));
        receipt = link_target(*kept.header("link"));
        REQUIRE(send(net, as, sub, "short-lived", {{"ttl", "5"}}).status == 201);
        CHECK(host.kind_count(PUSHCORE_STORE_MESSAGE) == 2);
        CHECK(host.kind_count(PUSHCORE_STORE_RECEIPT_SUBSCRIPTION) == 1);
    }  // the service and its adapter are gone; the host's store stays

    // The new process's clock reads 1000 again, 10 s later on the wall clock: the message
    // with TTL 60 has 50 s left, the one with TTL 5 has expired.
    const int64_t later = kWallClock + 10000;
    auto store = adapter(host, later);
    ServiceConfig cfg;
    cfg.store = store.get();
    cfg.wall_clock_offset_ms = later;
    PushNet net(cfg);
    CHECK(net.service->store().subscription_count() == 1);
    CHECK(net.service->store().message_count() == 2);
    Token kept_id{};
    for (const auto& [k, e] : host.records)
        if (k.first == PUSHCORE_STORE_MESSAGE && e.bytes.find("kept") != std::string::npos)
            kept_id = k.second;
    const MessageRecord* kept = store->message(kept_id);
    REQUIRE(kept);
    CHECK(kept->expires_ms == 1000 + 60000 - 10000);

    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    int32_t rget = as.request("GET", receipt);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 1);  // the expired one was dropped, not delivered
    CHECK(pushed[0]->promised_path == kept_path);
    CHECK(pushed[0]->body == "kept");
    CHECK(pushed[0]->header("last-modified"));
    CHECK(host.kind_count(PUSHCORE_STORE_MESSAGE) == 1);
    CHECK(status_of(net, ua, "DELETE", kept_path) == 204);
    CHECK(host.kind_count(PUSHCORE_STORE_MESSAGE) == 0);
    auto receipts = pushes_on(as, rget);
    REQUIRE(receipts.size() == 1);  // the receipt subscription survived the restart too
    CHECK(receipts[0]->promised_path == kept_path);
    CHECK(receipts[0]->status == 204);
    CHECK(store->last_error().status == Status::ok);
}

TEST_CASE("web_push callback store: corrupt records and a failing store, seen by the service") {
    MapStore host;
    auto store = adapter(host);
    ServiceConfig cfg;
    cfg.store = store.get();
    PushNet net(cfg);
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    REQUIRE(send(net, as, sub, "one", {{"ttl", "60"}}).status == 201);

    SUBCASE("a corrupt message is skipped") {
        for (auto& [k, e] : host.records)
            if (k.first == PUSHCORE_STORE_MESSAGE) e.bytes[33] = 0x40;  // unknown flag bits
        int32_t get = ua.request("GET", sub.path, {{"prefer", "wait=0"}});
        net.pump();
        CHECK(ua.stream(get).status == 204);  // nothing could be delivered
        CHECK(store->last_error().status == Status::syntax);
        CHECK(std::string(store->last_error().reason) == "record: unknown flag bits");
        CHECK(store->last_error().offset == 33);
    }
    SUBCASE("a corrupt subscription is gone") {
        for (auto& [k, e] : host.records)
            if (k.first == PUSHCORE_STORE_SUBSCRIPTION) e.bytes += "trailing";
        CHECK(send(net, as, sub, "two", {{"ttl", "60"}}).status == 410);
        CHECK(status_of(net, ua, "GET", sub.path) == 410);
        CHECK(std::string(store->last_error().reason) == "record: trailing bytes");
        CHECK(store->last_error().offset == 41);
    }
    SUBCASE("a store that refuses records: 500") {
        host.fail_put = PUSHCORE_E_INTERNAL;
        CHECK(send(net, as, sub, "two", {{"ttl", "60"}}).status == 500);
        CHECK(status_of(net, ua, "POST", "/subscribe") == 500);
        CHECK(host.kind_count(PUSHCORE_STORE_MESSAGE) == 1);
    }
    SUBCASE("a store that is full: 503 with Retry-After") {
        host.fail_put = PUSHCORE_E_LIMIT_STORE;
        auto& full = send(net, as, sub, "two", {{"ttl", "60"}});
        CHECK(full.status == 503);
        CHECK(full.header("retry-after"));
        CHECK(status_of(net, ua, "POST", "/subscribe") == 503);
    }
}
