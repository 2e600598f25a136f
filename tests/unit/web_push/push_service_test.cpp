// The push service driven by real HTTP/2 framing (nghttp2 client sessions in memory)
// and raw HTTP/1.1: subscription, message, receipt and acknowledgement lifecycles, and
// every error status.
#include "pushcore/web_push/push_service.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "support/push_net.hpp"

using namespace pushcore;
using namespace pushcore::web_push;
using pushcore::test::H2Client;
using pushcore::test::PushNet;

namespace {

struct Sub {
    std::string location;  // absolute subscription URL
    std::string path;      // /s/...
    std::string push;      // /p/...
    std::string receipts;  // /p/.../receipts
};

// The URI-Reference inside the first <...> of a Link value.
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
    sub.location = *s.header("location");
    sub.path = path_of(sub.location);
    for (const std::string& link : s.all("link")) {
        if (link.find("rel=\"urn:ietf:params:push\"") != std::string::npos)
            sub.push = link_target(link);
        if (link.find("rel=\"urn:ietf:params:push:receipt\"") != std::string::npos)
            sub.receipts = link_target(link);
    }
    return sub;
}

H2Client::Stream& post(PushNet& net, H2Client& as, const std::string& path,
                       std::vector<std::pair<std::string, std::string>> headers, std::string body) {
    int32_t id = as.request("POST", path, std::move(headers), std::move(body));
    net.pump();
    return as.stream(id);
}

H2Client::Stream& send_rfc(PushNet& net, H2Client& as, const Sub& sub, std::string body,
                           std::vector<std::pair<std::string, std::string>> extra = {}) {
    bool has_ttl = false;
    for (const auto& h : extra) has_ttl |= h.first == "ttl";
    if (!has_ttl) extra.insert(extra.begin(), {"ttl", "60"});
    extra.push_back({"content-encoding", "aes128gcm"});
    return post(net, as, sub.push, std::move(extra), std::move(body));
}

H2Client::Stream& send_json(PushNet& net, H2Client& as, const Sub& sub, const std::string& json) {
    return post(net, as, sub.push, {{"content-type", "application/json"}}, json);
}

// Pushed streams promised on `parent`, in order.
std::vector<H2Client::Stream*> pushes_on(H2Client& c, int32_t parent) {
    std::vector<H2Client::Stream*> out;
    for (int32_t id : c.promised())
        if (c.stream(id).parent == parent) out.push_back(&c.stream(id));
    return out;
}

int status_of_delete(PushNet& net, H2Client& c, const std::string& path) {
    int32_t id = c.request("DELETE", path);
    net.pump();
    return c.stream(id).status;
}

}  // namespace

TEST_CASE("web_push service: subscribe answers 201 with Location, both Links and Cache-Control") {
    PushNet net;
    H2Client& ua = net.h2();
    int32_t id = ua.request("POST", "/subscribe");
    net.pump();
    auto& s = ua.stream(id);
    CHECK(s.status == 201);
    const std::string location = *s.header("location");
    CHECK(location.rfind("https://push.test/s/", 0) == 0);
    CHECK(location.size() == std::string("https://push.test/s/").size() + 22);
    CHECK(s.all("link").size() == 2);
    // Seed 7.3: max-age and private.
    CHECK(*s.header("cache-control") == "max-age=864000, private");
    CHECK(s.header("date"));
    Sub sub = subscribe(net, ua);
    CHECK(sub.push.rfind("/p/", 0) == 0);
    CHECK(sub.receipts == sub.push + "/receipts");
    // Seed 8.2: no two capability URLs share their random part.
    CHECK(sub.path.substr(3) != sub.push.substr(3));
    CHECK(location.substr(location.size() - 22) != sub.path.substr(3));
    CHECK(net.service->store().subscription_count() == 2);
    // The trailing-slash form of the seed's example works too.
    int32_t id2 = ua.request("POST", "/subscribe/");
    net.pump();
    CHECK(ua.stream(id2).status == 201);
}

TEST_CASE("web_push service: the seed's full cycle: send, push, ack, receipt") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    CHECK(ua.stream(get).status == 0);  // held (seed 6)

    auto& sent =
        send_json(net, as, sub, R"({"request_receipt": true, "message": {"data": "Hello World"}})");
    REQUIRE(sent.status == 201);
    const std::string msg_path = path_of(*sent.header("location"));
    CHECK(msg_path.rfind("/m/", 0) == 0);
    REQUIRE(sent.header("link"));
    CHECK(sent.header("link")->find("rel=\"urn:ietf:params:push:receipt\"") != std::string::npos);
    const std::string receipt = link_target(*sent.header("link"));
    CHECK(!sent.header("ttl"));  // the seed's form has no TTL field

    int32_t rget = as.request("GET", receipt);
    net.pump();
    CHECK(as.stream(rget).status == 0);  // held (seed 5.1)

    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0]->promised_path == msg_path);
    CHECK(pushed[0]->status == 200);
    CHECK(pushed[0]->body == R"({"data":"Hello World"})");
    CHECK(*pushed[0]->header("content-type") == "application/json");
    CHECK(pushed[0]->header("last-modified"));
    CHECK(*pushed[0]->header("cache-control") == "private");
    CHECK(pushes_on(as, rget).empty());  // no receipt before the ack

    CHECK(status_of_delete(net, ua, msg_path) == 204);  // seed 6.1
    auto receipts = pushes_on(as, rget);
    REQUIRE(receipts.size() == 1);
    CHECK(receipts[0]->promised_path == msg_path);
    CHECK(receipts[0]->status == 204);
    CHECK(net.service->store().message_count() == 0);
    // An ack for a message that is gone.
    CHECK(status_of_delete(net, ua, msg_path) == 404);
    // The host was told which connections had output: the UA's, from the AS's request.
    CHECK(std::count(net.ready_seen.begin(), net.ready_seen.end(), net.id_of(ua)) > 0);
}

TEST_CASE("web_push service: RFC 8030 form: TTL, Urgency, Topic, opaque body, 201 and TTL back") {
    ServiceConfig cfg;
    cfg.max_ttl_s = 3600;
    PushNet net(cfg);
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    auto& ok = post(net, as, sub.push,
                    {{"ttl", "86400"},
                     {"urgency", "high"},
                     {"topic", "upd"},
                     {"content-encoding", "aes128gcm"},
                     {"content-type", "application/octet-stream"},
                     {"authorization", "vapid t=x, k=y"}},
                    std::string("\x01\x02\x00\xff", 4));
    CHECK(ok.status == 201);
    CHECK(*ok.header("ttl") == "3600");  // shortened (RFC 8030 5.2)
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0]->body == std::string("\x01\x02\x00\xff", 4));
    CHECK(*pushed[0]->header("content-encoding") == "aes128gcm");
    CHECK(*pushed[0]->header("content-type") == "application/octet-stream");
    // Topic, Urgency, TTL and credentials never reach the user agent.
    for (const char* h : {"topic", "urgency", "ttl", "authorization"}) CHECK(!pushed[0]->header(h));
}

TEST_CASE("web_push service: every 400 of the send path names its reason") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    struct Case {
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;
        const char* reason;
    };
    const Case cases[] = {
        {{{"content-encoding", "aes128gcm"}}, "x", "TTL: missing"},
        {{{"ttl", "1"}, {"ttl", "2"}}, "x", "TTL: more than one field"},
        {{{"ttl", "-5"}}, "x", nullptr},
        {{{"ttl", "5"}, {"urgency", "low"}, {"urgency", "high"}},
         "x",
         "Urgency: more than one field"},
        {{{"ttl", "5"}, {"urgency", "low, high"}}, "x", nullptr},
        {{{"ttl", "5"}, {"urgency", "urgent"}}, "x", nullptr},
        {{{"ttl", "5"}, {"topic", "has space"}}, "x", nullptr},
        {{{"ttl", "5"}, {"topic", std::string(33, 'a')}}, "x", nullptr},
        {{{"ttl", "5"}, {"topic", "a"}, {"topic", "b"}}, "x", "Topic: more than one field"},
        {{{"ttl", "5"},
          {"prefer", "respond-async"},
          {"link", "</r/AAAAAAAAAAAAAAAAAAAAAA>; rel=\"urn:ietf:params:push:receipt\""}},
         "x",
         "Link: unknown receipt subscription"},
        {{{"content-type", "application/json"}}, "{\"message\": ", nullptr},
        {{{"content-type", "application/json"}}, "[1,2]", nullptr},
        {{{"content-type", "application/json"}}, "{\"time_to_live\": \"60\"}", nullptr},
    };
    for (const Case& c : cases) {
        CAPTURE(c.body);
        auto& s = post(net, as, sub.push, c.headers, c.body);
        CHECK(s.status == 400);
        if (c.reason)
            CHECK(s.body == std::string(c.reason) + "\n");
        else
            CHECK(s.body.size() > 1);
    }
    CHECK(net.service->store().message_count() == 0);
}

TEST_CASE("web_push service: body size: 4096 bytes never 413, over the limit 413") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    CHECK(send_rfc(net, as, sub, std::string(4096, 'x')).status == 201);  // seed 5 MUST NOT 413
    CHECK(send_rfc(net, as, sub, std::string(4097, 'x')).status == 413);
    ServiceConfig big;
    big.max_message_bytes = 8192;
    PushNet net2(big);
    H2Client& ua2 = net2.h2();
    Sub sub2 = subscribe(net2, ua2);
    CHECK(send_rfc(net2, ua2, sub2, std::string(8192, 'x')).status == 201);
    CHECK(send_rfc(net2, ua2, sub2, std::string(8193, 'x')).status == 413);
}

TEST_CASE("web_push service: sends to a removed or unknown subscription: 410, or 404 if set") {
    PushNet net;
    H2Client& ua = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    CHECK(status_of_delete(net, ua, sub.path) == 204);
    // Seed 7.3: the held GET learns by a pushed 4xx for the subscription, then a 410.
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0]->promised_path == sub.path);
    CHECK(pushed[0]->status == 410);
    CHECK(ua.stream(get).status == 410);
    // The pushed 410 arrives before the GET's own answer, so a client that stops reading
    // at the end of its request (nghttp) still sees it.
    const auto& f = ua.frames();
    const std::string pushed_headers = "HEADERS " + std::to_string(ua.promised().back());
    const std::string final_headers = "HEADERS " + std::to_string(get);
    auto at = [&](const std::string& x) { return std::find(f.begin(), f.end(), x) - f.begin(); };
    CHECK(at(pushed_headers) < at(final_headers));
    CHECK(at("END " + std::to_string(ua.promised().back())) < at("END " + std::to_string(get)));
    CHECK(send_rfc(net, ua, sub, "x").status == 410);
    CHECK(send_rfc(net, ua, Sub{"", "", "/p/AAAAAAAAAAAAAAAAAAAAAA", ""}, "x").status == 410);
    CHECK(status_of_delete(net, ua, sub.path) == 410);

    ServiceConfig cfg;
    cfg.gone_status = 404;
    PushNet net404(cfg);
    H2Client& ua2 = net404.h2();
    Sub sub2 = subscribe(net404, ua2);
    CHECK(status_of_delete(net404, ua2, sub2.path) == 204);
    CHECK(send_rfc(net404, ua2, sub2, "x").status == 404);
}

TEST_CASE("web_push service: stored messages wait for the user agent; at-least-once redelivery") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    REQUIRE(send_rfc(net, as, sub, "one").status == 201);
    REQUIRE(send_rfc(net, as, sub, "two").status == 201);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 2);
    CHECK(pushed[0]->body == "one");
    CHECK(pushed[1]->body == "two");
    // Only the first is acknowledged; the user agent goes away and comes back.
    CHECK(status_of_delete(net, ua, pushed[0]->promised_path) == 204);
    net.disconnect(ua);
    H2Client& ua2 = net.h2();
    int32_t get2 = ua2.request("GET", sub.path);
    net.pump();
    auto again = pushes_on(ua2, get2);
    REQUIRE(again.size() == 1);
    CHECK(again[0]->body == "two");
}

TEST_CASE("web_push service: Prefer: wait=0 pushes what is stored, then answers; 204 when none") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t empty = ua.request("GET", sub.path, {{"prefer", "wait=0"}});
    net.pump();
    CHECK(ua.stream(empty).status == 204);
    CHECK(ua.stream(empty).header("link"));
    CHECK(ua.stream(empty).header("cache-control"));
    REQUIRE(send_rfc(net, as, sub, "stored").status == 201);
    int32_t full = ua.request("GET", sub.path, {{"prefer", "wait=0"}});
    net.pump();
    auto pushed = pushes_on(ua, full);
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0]->body == "stored");
    CHECK(ua.stream(full).status == 200);
    CHECK(ua.stream(full).closed);
}

TEST_CASE("web_push service: a Topic replaces an undelivered message with the same topic") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    REQUIRE(send_rfc(net, as, sub, "old", {{"topic", "score"}}).status == 201);
    REQUIRE(send_rfc(net, as, sub, "other", {{"topic", "news"}}).status == 201);
    REQUIRE(send_rfc(net, as, sub, "new", {{"topic", "score"}}).status == 201);
    CHECK(net.service->store().message_count() == 2);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 2);
    CHECK(pushed[0]->body == "other");
    CHECK(pushed[1]->body == "new");
    // Delivered (unacknowledged) messages are not replaced.
    REQUIRE(send_rfc(net, as, sub, "newer", {{"topic", "score"}}).status == 201);
    CHECK(net.service->store().message_count() == 3);
}

TEST_CASE("web_push service: TTL expiry: never delivered after it; failure receipts 410 / 504") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    auto& rfc = send_rfc(net, as, sub, "rfc", {{"ttl", "5"}, {"prefer", "respond-async"}});
    REQUIRE(rfc.status == 202);  // RFC 8030 5.1
    const std::string rfc_receipt = link_target(*rfc.header("link"));
    auto& seed =
        send_json(net, as, sub, R"({"request_receipt":true,"time_to_live":5,"message":{}})");
    REQUIRE(seed.status == 201);
    const std::string seed_receipt = link_target(*seed.header("link"));
    int32_t r1 = as.request("GET", rfc_receipt);
    int32_t r2 = as.request("GET", seed_receipt);
    net.pump();
    CHECK(net.service->next_deadline() == net.now + 5000);
    net.advance(4999);
    CHECK(net.service->store().message_count() == 2);
    net.advance(1);
    CHECK(net.service->store().message_count() == 0);
    REQUIRE(pushes_on(as, r1).size() == 1);
    CHECK(pushes_on(as, r1)[0]->status == 410);  // RFC 8030
    REQUIRE(pushes_on(as, r2).size() == 1);
    CHECK(pushes_on(as, r2)[0]->status == 504);  // seed 5.1
    int32_t get = ua.request("GET", sub.path, {{"prefer", "wait=0"}});
    net.pump();
    CHECK(ua.stream(get).status == 204);  // seed 7.2
    CHECK(pushes_on(ua, get).empty());
}

TEST_CASE("web_push service: TTL 0 is delivered only to a listening user agent") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    CHECK(send_rfc(net, as, sub, "lost", {{"ttl", "0"}}).status == 201);
    CHECK(net.service->store().message_count() == 0);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    CHECK(send_rfc(net, as, sub, "now", {{"ttl", "0"}}).status == 201);
    REQUIRE(pushes_on(ua, get).size() == 1);
    CHECK(pushes_on(ua, get)[0]->body == "now");
}

TEST_CASE("web_push service: receipt subscriptions of RFC 8030 5.1, named in Link") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    auto& created = post(net, as, sub.receipts, {}, "");
    REQUIRE(created.status == 201);
    const std::string receipt = path_of(*created.header("location"));
    CHECK(receipt.rfind("/r/", 0) == 0);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    auto& sent = send_rfc(
        net, as, sub, "x",
        {{"prefer", "respond-async"},
         {"link", "<https://push.test" + receipt + ">; rel=\"urn:ietf:params:push:receipt\""}});
    REQUIRE(sent.status == 202);
    CHECK(link_target(*sent.header("link")) == receipt);
    // The receipt is queued while nobody listens, and pushed when the GET arrives.
    CHECK(status_of_delete(net, ua, pushes_on(ua, get).at(0)->promised_path) == 204);
    int32_t rget = as.request("GET", receipt);
    net.pump();
    REQUIRE(pushes_on(as, rget).size() == 1);
    CHECK(pushes_on(as, rget)[0]->status == 204);
    int32_t unknown = as.request("GET", "/r/AAAAAAAAAAAAAAAAAAAAAA");
    net.pump();
    CHECK(as.stream(unknown).status == 404);
}

TEST_CASE("web_push service: rate limit per subscription: 429 with Retry-After") {
    ServiceConfig cfg;
    cfg.rate_per_minute = 60;  // one a second
    cfg.rate_burst = 2;
    PushNet net(cfg);
    H2Client& ua = net.h2();
    Sub sub = subscribe(net, ua);
    CHECK(send_rfc(net, ua, sub, "1").status == 201);
    CHECK(send_rfc(net, ua, sub, "2").status == 201);
    auto& limited = send_rfc(net, ua, sub, "3");
    CHECK(limited.status == 429);
    CHECK(*limited.header("retry-after") == "2");
    net.advance(1000);
    CHECK(send_rfc(net, ua, sub, "4").status == 201);
}

TEST_CASE("web_push service: store caps: per subscription 429, in total 503") {
    ServiceConfig cfg;
    cfg.max_messages_per_subscription = 2;
    cfg.max_messages_total = 3;
    PushNet net(cfg);
    H2Client& ua = net.h2();
    Sub a = subscribe(net, ua);
    Sub b = subscribe(net, ua);
    CHECK(send_rfc(net, ua, a, "1").status == 201);
    CHECK(send_rfc(net, ua, a, "2").status == 201);
    CHECK(send_rfc(net, ua, a, "3").status == 429);
    CHECK(send_rfc(net, ua, b, "4").status == 201);
    auto& full = send_rfc(net, ua, b, "5");
    CHECK(full.status == 503);
    CHECK(full.header("retry-after"));
}

TEST_CASE("web_push service: subscription lifetime: expiry pushes 410 and ends the GET") {
    ServiceConfig cfg;
    cfg.subscription_lifetime_s = 10;
    PushNet net(cfg);
    H2Client& ua = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    net.advance(10000);
    REQUIRE(pushes_on(ua, get).size() == 1);
    CHECK(pushes_on(ua, get)[0]->status == 410);
    CHECK(ua.stream(get).status == 410);
    CHECK(net.service->store().subscription_count() == 0);
    CHECK(send_rfc(net, ua, sub, "late").status == 410);
}

TEST_CASE("web_push service: Urgency on the GET filters what the user agent gets") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path, {{"urgency", "high"}});
    net.pump();
    CHECK(send_rfc(net, as, sub, "low", {{"urgency", "low"}}).status == 201);
    CHECK(send_rfc(net, as, sub, "high", {{"urgency", "high"}}).status == 201);
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0]->body == "high");
}

TEST_CASE("web_push service: HTTP/1.1 application server; receiving needs HTTP/2 push") {
    PushNet net;
    H2Client& ua = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    auto as = net.h1();
    net.h1_send(as, "POST " + sub.push +
                        " HTTP/1.1\r\nHost: push.test\r\nTTL: 30\r\nContent-Encoding: aes128gcm\r\n"
                        "Content-Length: 5\r\n\r\nhello");
    const std::string& reply = net.h1_in[as];
    CHECK(reply.rfind("HTTP/1.1 201 Created\r\n", 0) == 0);
    CHECK(reply.find("\r\nttl: 30\r\n") != std::string::npos);
    REQUIRE(pushes_on(ua, get).size() == 1);
    CHECK(pushes_on(ua, get)[0]->body == "hello");
    net.h1_in[as].clear();
    net.h1_send(as, "GET " + sub.path + " HTTP/1.1\r\nHost: push.test\r\n\r\n");
    CHECK(net.h1_in[as].rfind("HTTP/1.1 400 ", 0) == 0);
    // A body over the limit on HTTP/1.1: 413 and the connection closes.
    auto big = net.h1();
    net.h1_send(big, "POST " + sub.push +
                         " HTTP/1.1\r\nHost: push.test\r\nTTL: 1\r\n"
                         "Content-Length: 5000\r\n\r\n");
    CHECK(net.h1_in[big].rfind("HTTP/1.1 413 ", 0) == 0);
    CHECK(net.service->want_close(big));
}

TEST_CASE("web_push service: a client that disables server push cannot receive") {
    PushNet net;
    H2Client& ua = net.h2(/*enable_push=*/false);
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    CHECK(ua.stream(get).status == 400);
}

TEST_CASE("web_push service: unknown resources 404, wrong methods 405 with Allow") {
    PushNet net;
    H2Client& c = net.h2();
    Sub sub = subscribe(net, c);
    int32_t a = c.request("GET", "/nothing");
    int32_t b = c.request("GET", "/subscribe");
    int32_t d = c.request("PUT", sub.path);
    int32_t e = c.request("GET", sub.push);
    int32_t f = c.request("GET", "/s/short");
    net.pump();
    CHECK(c.stream(a).status == 404);
    CHECK(c.stream(b).status == 405);
    CHECK(*c.stream(b).header("allow") == "POST");
    CHECK(c.stream(d).status == 405);
    CHECK(*c.stream(d).header("allow") == "GET, DELETE");
    CHECK(c.stream(e).status == 405);
    CHECK(c.stream(f).status == 404);
}

TEST_CASE("web_push service: log lines never carry a capability URL (seed 8.5)") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    send_rfc(net, as, sub, "x");
    REQUIRE(!net.log.empty());
    for (const std::string& line : net.log) {
        CAPTURE(line);
        CHECK(line.find(sub.path.substr(3)) == std::string::npos);
        CHECK(line.find(sub.push.substr(3)) == std::string::npos);
    }
}

TEST_CASE("web_push service: byte-at-a-time and random splits give the same cycle") {
    for (size_t split : {size_t{1}, SIZE_MAX}) {
        CAPTURE(split);
        PushNet net;
        H2Client& ua = net.h2();
        H2Client& as = net.h2();
        int32_t sid = ua.request("POST", "/subscribe");
        net.pump(split);
        REQUIRE(ua.stream(sid).status == 201);
        Sub sub;
        sub.path = path_of(*ua.stream(sid).header("location"));
        sub.push = link_target(ua.stream(sid).all("link").at(0));
        int32_t get = ua.request("GET", sub.path);
        net.pump(split);
        int32_t post = as.request("POST", sub.push, {{"ttl", "9"}}, std::string(3000, 'z'));
        net.pump(split);
        CHECK(as.stream(post).status == 201);
        REQUIRE(pushes_on(ua, get).size() == 1);
        CHECK(pushes_on(ua, get)[0]->body == std::string(3000, 'z'));
    }
}

TEST_CASE("web_push service: a reset GET stops delivery; the message waits in the store") {
    PushNet net;
    H2Client& ua = net.h2();
    H2Client& as = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    ua.reset(get);
    net.pump();
    CHECK(send_rfc(net, as, sub, "later").status == 201);
    CHECK(pushes_on(ua, get).empty());
    CHECK(net.service->store().message_count() == 1);
}

TEST_CASE("web_push service: config is checked") {
    Error err;
    ServiceConfig no_random;
    no_random.random = Random{};
    CHECK(!PushService::create(no_random, err));
    CHECK(err.status == Status::invalid_argument);
    auto bad = [&](auto change) {
        ServiceConfig cfg;
        change(cfg);
        Error e;
        bool refused = PushService::create(cfg, e) == nullptr;
        return refused && e.status == Status::invalid_argument && *e.reason;
    };
    CHECK(bad([](ServiceConfig& c) { c.max_message_bytes = 4095; }));
    CHECK(bad([](ServiceConfig& c) { c.gone_status = 400; }));
    CHECK(bad([](ServiceConfig& c) { c.subscription_lifetime_s = 0; }));
    CHECK(bad([](ServiceConfig& c) { c.subscribe_path = "/p/x"; }));
    CHECK(bad([](ServiceConfig& c) { c.subscribe_path = "sub"; }));
}

TEST_CASE("web_push service: an acknowledged message takes its expiry timer with it") {
    PushNet net;
    H2Client& ua = net.h2();
    Sub sub = subscribe(net, ua);
    const uint64_t sub_expiry = net.now + 864000ull * 1000;
    CHECK(net.service->next_deadline() == sub_expiry);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    REQUIRE(send_rfc(net, ua, sub, "x").status == 201);
    CHECK(net.service->next_deadline() == net.now + 60000);
    CHECK(status_of_delete(net, ua, pushes_on(ua, get).at(0)->promised_path) == 204);
    CHECK(net.service->next_deadline() == sub_expiry);
}

TEST_CASE("web_push service: log_level drops less severe lines; Date is an IMF-fixdate") {
    ServiceConfig cfg;
    cfg.log_level = LogLevel::warning;
    cfg.wall_clock_offset_ms = 784111777000 - 1000;  // Sun, 06 Nov 1994 08:49:37 GMT at now
    PushNet net(cfg);
    H2Client& ua = net.h2();
    int32_t id = ua.request("POST", "/subscribe");
    net.pump();
    CHECK(ua.stream(id).status == 201);
    CHECK(*ua.stream(id).header("date") == "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110 5.6.7
    CHECK(net.log.empty());
}

TEST_CASE("web_push service: expiry bookkeeping stays exact across many acknowledgements") {
    ServiceConfig cfg;
    cfg.rate_per_minute = 0;
    cfg.rate_burst = 0;
    cfg.max_messages_per_subscription = 1000;
    PushNet net(cfg);
    H2Client& ua = net.h2();
    Sub sub = subscribe(net, ua);
    int32_t get = ua.request("GET", sub.path);
    net.pump();
    // 300 messages, each TTL one second longer; all but the last are acknowledged, in an
    // order that leaves stale expiries deep inside the heap.
    for (int i = 0; i < 300; ++i)
        REQUIRE(send_rfc(net, ua, sub, "m", {{"ttl", std::to_string(100 + i)}}).status == 201);
    auto pushed = pushes_on(ua, get);
    REQUIRE(pushed.size() == 300);
    for (int i = 298; i >= 0; i -= 2)
        CHECK(status_of_delete(net, ua, pushed[i]->promised_path) == 204);
    for (int i = 297; i >= 0; i -= 2)
        CHECK(status_of_delete(net, ua, pushed[i]->promised_path) == 204);
    CHECK(net.service->store().message_count() == 1);
    CHECK(net.service->next_deadline() == net.now + 399000);  // the last one's TTL
    net.advance(399000);
    CHECK(net.service->store().message_count() == 0);
}
