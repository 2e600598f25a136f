#include "pushcore/sip_push/push_proxy.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pushcore/sip/headers.hpp"
#include "support/sip_test_util.hpp"

using namespace pushcore;
using namespace pushcore::sip_push;
using test::header;
using test::parse;
using test::Parsed;
using Event = PushProxy::Event;

namespace {

const Peer kPhone{1, "192.0.2.10", 5070};
const Peer kPhoneAwake{2, "192.0.2.99", 6000};  // the woken phone, from a new address
const Peer kCaller{3, "198.51.100.7", 5060};

const char* kApnsContact =
    "<sip:alice@192.0.2.10:5070;pn-provider=apns;pn-param=DEF123GHIJ.com.example.app;"
    "pn-prid=00fc13adff78512>";

ProxyConfig config() {
    ProxyConfig c;
    c.random = test::deterministic_random();
    c.via_sent_by = "proxy.example.com:5060";
    return c;
}

PushProxy make(ProxyConfig c = config()) {
    std::optional<PushProxy> p;
    Error err;
    REQUIRE(PushProxy::create(std::move(c), p, err) == Status::ok);
    return std::move(*p);
}

std::string register_msg(std::string contact, std::string extra = "", int cseq = 1,
                         std::string branch = "z9hG4bKreg") {
    return "REGISTER sip:example.com SIP/2.0\r\n"
           "Via: SIP/2.0/TCP 192.0.2.10:5070;branch=" +
           branch + std::to_string(cseq) +
           "\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\n"
           "To: <sip:alice@example.com>\r\nCall-ID: reg-call\r\n"
           "CSeq: " +
           std::to_string(cseq) + " REGISTER\r\nContact: " + contact + "\r\n" + extra +
           "Content-Length: 0\r\n\r\n";
}

std::string request_msg(std::string method, std::string branch = "z9hG4bKinv1",
                        std::string extra = "") {
    return method +
           " sip:alice@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=" +
           branch +
           "\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:bob@example.org>;tag=b1\r\n"
           "To: <sip:alice@example.com>\r\nCall-ID: call-1\r\nCSeq: 1 " +
           method + "\r\n" + extra + "Content-Length: 4\r\n\r\nv=0\n";
}

Status feed(PushProxy& p, const Peer& from, const std::string& text, uint64_t now = 0) {
    Parsed m = parse(text);
    Error err;
    return p.receive(from, m.msg, now, err);
}

std::vector<PushProxy::Output> drain(PushProxy& p) {
    std::vector<PushProxy::Output> all;
    PushProxy::Output o;
    while (p.next_output(o)) all.push_back(o);
    return all;
}

std::vector<Event> events(PushProxy& p) {
    std::vector<Event> all;
    Event e;
    while (p.next_event(e)) all.push_back(e);
    return all;
}

Parsed only_output(PushProxy& p, const Peer& to) {
    auto out = drain(p);
    REQUIRE(out.size() == 1);
    CHECK(out[0].to.flow == to.flow);
    return parse(out[0].bytes);
}

// Registers the apns binding and clears the queues.
void register_apns(PushProxy& p, uint64_t now = 0) {
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, "Expires: 600\r\n"), now) == Status::ok);
    drain(p);
    events(p);
}

}  // namespace

TEST_CASE("proxy: supported REGISTER -> 200 with Contact and +sip.pns (draft 5.3)") {
    PushProxy p = make();
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, "Expires: 600\r\n")) == Status::ok);
    Parsed ok = only_output(p, kPhone);
    CHECK(ok->status_code == 200);
    CHECK(header(ok, "Contact") == std::string(kApnsContact) + ";expires=600");
    CHECK(header(ok, "Feature-Caps") == "*;+sip.pns=\"apns\";+sip.pnsreg=\"120\"");
    CHECK(header(ok, "To").find(";tag=") != std::string::npos);
    auto ev = events(p);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::binding_updated);
    CHECK(ev[0].aor == "alice@example.com");
    CHECK(ev[0].push.prid == "00fc13adff78512");
    CHECK(p.binding_count() == 1);
}

TEST_CASE("proxy: REGISTER without push parameters is a plain registration") {
    PushProxy p = make();
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@192.0.2.10:5070>")) == Status::ok);
    Parsed ok = only_output(p, kPhone);
    CHECK(ok->status_code == 200);
    CHECK_FALSE(ok->find("Feature-Caps"));
    CHECK(header(ok, "Contact") == "<sip:alice@192.0.2.10:5070>;expires=3600");
}

TEST_CASE("proxy: unsupported or incomplete push info -> 555 listing services (draft 5.3)") {
    struct Case {
        const char* contact;
        const char* warning;
    };
    const Case cases[] = {
        {"<sip:alice@h;pn-provider=acme;pn-prid=x>", "pn-provider not supported"},
        {"<sip:alice@h;pn-provider=fcm;pn-param=123>", "pn-prid missing"},
        {"<sip:alice@h;pn-provider=fcm;pn-prid=tok>", "pn-param missing"},
        {"<sip:alice@h;pn-prid=tok>", "pn-provider missing"},
        {"<sip:alice@h;pn-provider=apns;pn-param=T.app;pn-prid=nothex>", "hexadecimal"},
    };
    for (const auto& c : cases) {
        INFO(std::string(c.contact));
        PushProxy p = make();
        REQUIRE(feed(p, kPhone, register_msg(c.contact)) == Status::ok);
        auto out = drain(p);
        REQUIRE(out.size() == 1);
        Parsed r = parse(out[0].bytes);
        CHECK(r->status_code == 555);
        CHECK(r->count(sip::HeaderId::feature_caps) == 3);  // RFC 8599: one value each
        CHECK(header(r, "Feature-Caps") == "*;+sip.pns=\"apns\"");
        CHECK(header(r, "Warning").find(c.warning) != std::string::npos);
        CHECK(p.binding_count() == 0);
    }
}

TEST_CASE("proxy: the draft's list style, and forwarding instead of 555") {
    ProxyConfig c = config();
    c.pns_style = PnsStyle::list;
    PushProxy p = make(c);
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@h;pn-provider=acme;pn-prid=x>")) ==
            Status::ok);
    Parsed r = only_output(p, kPhone);
    CHECK(header(r, "Feature-Caps") == "*;+sip.pns=\"apns,fcm,webpush\"");

    ProxyConfig fwd = config();
    fwd.forward_unsupported_to = Peer{0, "203.0.113.5", 5060};
    PushProxy q = make(fwd);
    REQUIRE(feed(q, kPhone, register_msg("<sip:alice@h;pn-provider=acme;pn-prid=x>")) ==
            Status::ok);
    auto out = drain(q);
    REQUIRE(out.size() == 1);
    CHECK(out[0].to.host == "203.0.113.5");
    Parsed forwarded = parse(out[0].bytes);
    CHECK(forwarded->method == "REGISTER");
    CHECK(header(forwarded, "Via").rfind("SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bK", 0) ==
          0);
    CHECK(forwarded->count(sip::HeaderId::via) == 2);
    CHECK(header(forwarded, "Max-Forwards") == "69");
    CHECK(q.binding_count() == 0);
}

TEST_CASE("proxy: INVITE -> push, hold, forward after the woken UA's REGISTER") {
    PushProxy p = make();
    register_apns(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 1000) == Status::ok);
    Parsed trying = only_output(p, kCaller);
    CHECK(trying->status_code == 100);
    auto ev = events(p);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::push_request);
    CHECK(ev[0].reason == PushProxy::PushReason::request);
    CHECK(ev[0].push.provider == "apns");
    CHECK(ev[0].push.prid == "00fc13adff78512");
    CHECK(ev[0].push.param == "DEF123GHIJ.com.example.app");
    CHECK(ev[0].aor == "alice@example.com");
    CHECK(p.held_count() == 1);

    // A MESSAGE for the same binding waits too, without a second push.
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKmsg1"), 1100) == Status::ok);
    CHECK(drain(p).empty());
    CHECK(events(p).empty());

    // The woken phone re-registers from a new address; same PRID, same binding.
    std::string awake =
        "<sip:alice@192.0.2.99:6000;pn-provider=apns;pn-param=DEF123GHIJ.com.example.app;"
        "pn-prid=00fc13adff78512>";
    REQUIRE(feed(p, kPhoneAwake, register_msg(awake, "", 2), 2000) == Status::ok);
    auto out = drain(p);
    REQUIRE(out.size() == 3);
    CHECK(parse(out[0].bytes)->status_code == 200);  // the 200 goes out before forwarding
    Parsed invite = parse(out[1].bytes);
    CHECK(invite->method == "INVITE");
    CHECK(invite->request_uri == awake.substr(1, awake.size() - 2));
    CHECK(out[1].to.host == "192.0.2.99");
    CHECK(out[1].to.port == 6000);
    CHECK(out[1].to.flow == kPhoneAwake.flow);
    CHECK(invite->count(sip::HeaderId::via) == 2);
    CHECK(header(invite, "Max-Forwards") == "69");
    CHECK(invite->body == "v=0\n");
    CHECK(parse(out[2].bytes)->method == "MESSAGE");
    CHECK(p.held_count() == 0);
    CHECK(p.binding_count() == 1);

    // The callee's 180 is relayed to the caller without our Via.
    std::string ringing;
    sip::begin_response(ringing, invite.msg, 180, "callee");
    sip::MessageWriter(ringing).finish();
    REQUIRE(feed(p, kPhoneAwake, ringing, 2100) == Status::ok);
    Parsed relayed = only_output(p, kCaller);
    CHECK(relayed->status_code == 180);
    CHECK(relayed->count(sip::HeaderId::via) == 1);
    CHECK(header(relayed, "Via") == "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKinv1");

    // A second REGISTER (say, a retransmission) forwards nothing again.
    REQUIRE(feed(p, kPhoneAwake, register_msg(awake, "", 3), 2200) == Status::ok);
    auto again = drain(p);
    REQUIRE(again.size() == 1);
    CHECK(parse(again[0].bytes)->status_code == 200);
}

TEST_CASE("proxy: a rejected REGISTER does not release held requests") {
    PushProxy p = make();
    register_apns(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 0) == Status::ok);
    drain(p);
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, "Expires: 5\r\n", 2), 10) == Status::ok);
    Parsed brief = only_output(p, kPhone);
    CHECK(brief->status_code == 423);
    CHECK(header(brief, "Min-Expires") == "60");
    CHECK(p.held_count() == 1);
}

TEST_CASE("proxy: no REGISTER in time -> 480, and the caller's ACK is absorbed") {
    PushProxy p = make();
    register_apns(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 1000) == Status::ok);
    drain(p);
    events(p);
    CHECK(p.next_deadline() == 31000);
    p.on_timeout(31000);
    Parsed rejected = only_output(p, kCaller);
    CHECK(rejected->status_code == 480);
    auto ev = events(p);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::request_rejected);
    CHECK(ev[0].code == 480);
    std::string ack = request_msg("ACK");
    REQUIRE(feed(p, kCaller, ack, 31100) == Status::ok);
    CHECK(drain(p).empty());
}

TEST_CASE("proxy: the host reports a failed push -> 480 (draft 5.3)") {
    PushProxy p = make();
    register_apns(p);
    CHECK(p.push_failed(1, 0) == Status::not_found);
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKm"), 0) == Status::ok);
    auto ev = events(p);
    REQUIRE(ev.size() == 1);
    REQUIRE(p.push_failed(ev[0].binding_id, 5) == Status::ok);
    Parsed r = only_output(p, kCaller);
    CHECK(r->status_code == 480);
    CHECK(p.held_count() == 0);
}

TEST_CASE("proxy: CANCEL of a held INVITE -> 200 and 487") {
    PushProxy p = make();
    register_apns(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 0) == Status::ok);
    drain(p);
    REQUIRE(feed(p, kCaller, request_msg("CANCEL"), 10) == Status::ok);
    auto out = drain(p);
    REQUIRE(out.size() == 2);
    CHECK(parse(out[0].bytes)->status_code == 200);
    Parsed terminated = parse(out[1].bytes);
    CHECK(terminated->status_code == 487);
    CHECK(header(terminated, "CSeq") == "1 INVITE");
    CHECK(p.held_count() == 0);
    REQUIRE(feed(p, kCaller, request_msg("CANCEL", "z9hG4bKnone"), 20) == Status::ok);
    CHECK(only_output(p, kCaller)->status_code == 481);
}

TEST_CASE("proxy: re-registration push a margin before expiry, never after removal") {
    PushProxy p = make();
    register_apns(p, 0);
    CHECK(p.next_deadline() == (600 - 120) * 1000);
    p.on_timeout(480000);
    auto ev = events(p);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::push_request);
    CHECK(ev[0].reason == PushProxy::PushReason::reregister);
    CHECK(p.next_deadline() == 600000);  // once per registration; next: expiry
    p.on_timeout(600000);
    ev = events(p);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::binding_removed);
    CHECK(p.binding_count() == 0);
    CHECK(p.next_deadline() == PUSHCORE_NO_DEADLINE);

    // Unregistered before the margin: no push.
    PushProxy q = make();
    register_apns(q, 0);
    REQUIRE(feed(q, kPhone, register_msg(kApnsContact, "Expires: 0\r\n", 2), 1000) == Status::ok);
    CHECK(only_output(q, kPhone)->status_code == 200);
    CHECK(events(q)[0].type == Event::Type::binding_removed);
    q.on_timeout(480000);
    CHECK(events(q).empty());
}

TEST_CASE("proxy: wildcard removal, plain bindings forward at once, 404, 483") {
    PushProxy p = make();
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@192.0.2.10:5070>")) == Status::ok);
    drain(p);
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKm2"), 0) == Status::ok);
    auto out = drain(p);
    REQUIRE(out.size() == 1);
    CHECK(parse(out[0].bytes)->method == "MESSAGE");
    CHECK(out[0].to.port == 5070);

    REQUIRE(feed(p, kPhone, register_msg("*", "Expires: 0\r\n", 2)) == Status::ok);
    CHECK(only_output(p, kPhone)->status_code == 200);
    CHECK(p.binding_count() == 0);
    REQUIRE(feed(p, kPhone, register_msg("*", "", 3)) != Status::ok);
    CHECK(only_output(p, kPhone)->status_code == 400);

    REQUIRE(feed(p, kCaller, request_msg("INVITE", "z9hG4bKi9"), 0) == Status::ok);
    CHECK(only_output(p, kCaller)->status_code == 404);

    register_apns(p);
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@192.0.2.10:5070>", "", 9)) == Status::ok);
    drain(p);
    std::string hops = request_msg("MESSAGE", "z9hG4bKmf");
    hops.replace(hops.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
    REQUIRE(feed(p, kCaller, hops, 0) == Status::ok);
    CHECK(only_output(p, kCaller)->status_code == 483);
}

TEST_CASE("proxy: malformed requests get 400 and a precise status") {
    PushProxy p = make();
    std::string no_from = register_msg(kApnsContact);
    no_from.erase(no_from.find("From:"), no_from.find("To:") - no_from.find("From:"));
    CHECK(feed(p, kPhone, no_from) == Status::missing_header);
    CHECK(only_output(p, kPhone)->status_code == 400);

    std::string wrong_cseq = register_msg(kApnsContact);
    wrong_cseq.replace(wrong_cseq.find("1 REGISTER"), 10, "1 INVITE");
    CHECK(feed(p, kPhone, wrong_cseq) == Status::bad_header);
    CHECK(only_output(p, kPhone)->status_code == 400);

    CHECK(feed(p, kPhone, register_msg("<sip:alice@h;pn-prid=a;pn-prid=b>")) ==
          Status::push_info_invalid);
    CHECK(only_output(p, kPhone)->status_code == 400);

    CHECK(feed(p, kPhone, register_msg("<tel:+123>")) != Status::ok);
    CHECK(only_output(p, kPhone)->status_code == 400);

    Parsed stray = parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x;branch=z9hG4bKzz\r\nl: 0\r\n\r\n");
    Error err;
    CHECK(p.receive(kPhone, stray.msg, 0, err) == Status::unexpected_message);
}

TEST_CASE("proxy: limits on bindings and held requests") {
    ProxyConfig c = config();
    c.max_bindings = 1;
    c.max_held_requests = 1;
    PushProxy p = make(c);
    register_apns(p);
    CHECK(feed(p, kPhone, register_msg("<sip:other@192.0.2.20>", "", 2)) == Status::limit_bindings);
    Parsed full = only_output(p, kPhone);
    CHECK(full->status_code == 503);
    CHECK(header(full, "Retry-After") == "60");

    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKa"), 0) == Status::ok);
    drain(p);
    CHECK(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKb"), 0) == Status::limit_held_requests);
    CHECK(only_output(p, kCaller)->status_code == 503);
}

TEST_CASE("proxy: create rejects inconsistent configuration") {
    std::optional<PushProxy> out;
    Error err;
    ProxyConfig c = config();
    c.min_expires = 100;
    c.max_expires = 50;
    CHECK(PushProxy::create(c, out, err) == Status::invalid_argument);
    ProxyConfig r = config();
    r.random = Random{};
    CHECK(PushProxy::create(r, out, err) == Status::invalid_argument);
}

TEST_CASE("proxy: a challenged REGISTER releases nothing; its authorised retry forwards once") {
    ProxyConfig c = config();
    int asked = 0;
    c.authorize = [&asked](const sip::Message& m, std::string& challenge) -> uint16_t {
        ++asked;
        if (m.method != "REGISTER" || m.find(sip::HeaderId::authorization)) return 0;
        challenge = "Digest realm=\"example.com\", nonce=\"n1\"";
        return 401;
    };
    PushProxy p = make(c);
    const std::string auth = "Authorization: Digest username=\"alice\"\r\n";
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, auth)) == Status::ok);
    CHECK(only_output(p, kPhone)->status_code == 200);
    events(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 100) == Status::ok);
    drain(p);
    events(p);

    // The woken phone's first REGISTER is challenged: nothing is forwarded.
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, "", 2), 200) == Status::ok);
    Parsed challenged = only_output(p, kPhone);
    CHECK(challenged->status_code == 401);
    CHECK(header(challenged, "WWW-Authenticate") == "Digest realm=\"example.com\", nonce=\"n1\"");
    CHECK(p.held_count() == 1);
    CHECK(events(p).empty());

    // The retry with credentials succeeds and forwards the INVITE once.
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, auth, 3), 300) == Status::ok);
    auto out = drain(p);
    REQUIRE(out.size() == 2);
    CHECK(parse(out[0].bytes)->status_code == 200);
    CHECK(parse(out[1].bytes)->method == "INVITE");
    CHECK(p.held_count() == 0);
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, auth, 4), 400) == Status::ok);
    CHECK(drain(p).size() == 1);
    CHECK(asked == 5);  // every request but ACK and CANCEL
}

TEST_CASE("proxy: the authorizer may answer 407 or 403") {
    ProxyConfig c = config();
    c.authorize = [](const sip::Message& m, std::string& challenge) -> uint16_t {
        if (m.method == "MESSAGE") {
            challenge = "Digest realm=\"x\"";
            return 407;
        }
        return m.method == "OPTIONS" ? 403 : 0;
    };
    PushProxy p = make(c);
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKq"), 0) == Status::ok);
    Parsed r = only_output(p, kCaller);
    CHECK(r->status_code == 407);
    CHECK(header(r, "Proxy-Authenticate") == "Digest realm=\"x\"");
    REQUIRE(feed(p, kCaller, request_msg("OPTIONS", "z9hG4bKo"), 0) == Status::ok);
    CHECK(only_output(p, kCaller)->status_code == 403);
}

TEST_CASE("proxy: retransmissions and CANCEL reuse the forwarded Request-URI and branch") {
    PushProxy p = make();
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@192.0.2.10:5070;ob>")) == Status::ok);
    drain(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 0) == Status::ok);
    Parsed first = parse(drain(p).at(0).bytes);
    CHECK(first->request_uri == "sip:alice@192.0.2.10:5070;ob");
    REQUIRE(feed(p, kCaller, request_msg("INVITE"), 500) == Status::ok);
    Parsed again = parse(drain(p).at(0).bytes);
    CHECK(again->request_uri == first->request_uri);
    CHECK(header(again, "Via") == header(first, "Via"));
    REQUIRE(feed(p, kCaller, request_msg("CANCEL"), 600) == Status::ok);
    Parsed cancel = parse(drain(p).at(0).bytes);
    CHECK(cancel->method == "CANCEL");
    CHECK(cancel->request_uri == first->request_uri);
    CHECK(header(cancel, "Via") == header(first, "Via"));
}

TEST_CASE("proxy: a challenge holding a line break is refused, not sent") {
    ProxyConfig c = config();
    c.authorize = [](const sip::Message&, std::string& challenge) -> uint16_t {
        challenge = "Digest realm=\"x\"\r\nX-Injected: 1";
        return 401;
    };
    PushProxy p = make(c);
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact)) == Status::ok);
    Parsed r = only_output(p, kPhone);
    CHECK(r->status_code == 403);
    CHECK_FALSE(r->find("X-Injected"));
}

namespace {
// Works `budget` times, then fails.
int limited_random(void* ctx, uint8_t* out, size_t len) {
    int* budget = static_cast<int*>(ctx);
    if ((*budget)-- <= 0) return -1;
    for (size_t i = 0; i < len; ++i) out[i] = static_cast<uint8_t>(i);
    return 0;
}
}  // namespace

TEST_CASE("proxy: without a branch it answers 500 and forwards nothing") {
    int budget = 1;  // the To tag only
    ProxyConfig c = config();
    c.random = Random{limited_random, &budget};
    PushProxy p = make(c);
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@192.0.2.10:5070>")) == Status::ok);
    drain(p);
    CHECK(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKr"), 0) == Status::internal);
    CHECK(only_output(p, kCaller)->status_code == 500);
}

TEST_CASE("proxy: timers at scale: every binding pushes once, then expires, in time order") {
    PushProxy p = make();
    const int n = 3000;
    for (int i = 0; i < n; ++i) {
        std::string reg = register_msg(
            "<sip:u" + std::to_string(i) + "@192.0.2.1;pn-provider=fcm;pn-param=1;pn-prid=t" +
                std::to_string(i) + ">",
            "Expires: " + std::to_string(300 + (i * 7919) % 3000) + "\r\n");
        std::string user = "u" + std::to_string(i) + "@example.com";
        reg.replace(reg.find("To: <sip:alice@example.com>"), 27, "To: <sip:" + user + ">");
        REQUIRE(feed(p, kPhone, reg, 0) == Status::ok);
    }
    drain(p);
    events(p);
    CHECK(p.binding_count() == n);
    // Refresh a third of them later: their first timers become stale.
    for (int i = 0; i < n; i += 3) {
        std::string reg = register_msg("<sip:u" + std::to_string(i) +
                                           "@192.0.2.1;pn-provider=fcm;pn-param=1;pn-prid=t" +
                                           std::to_string(i) + ">",
                                       "Expires: 3600\r\n", 2);
        std::string user = "u" + std::to_string(i) + "@example.com";
        reg.replace(reg.find("To: <sip:alice@example.com>"), 27, "To: <sip:" + user + ">");
        REQUIRE(feed(p, kPhone, reg, 1000) == Status::ok);
    }
    drain(p);
    events(p);
    CHECK(p.binding_count() == n);

    int pushes = 0, removals = 0, wakeups = 0;
    uint64_t last = 0;
    while (p.next_deadline() != PUSHCORE_NO_DEADLINE) {
        uint64_t now = p.next_deadline();
        REQUIRE(now >= last);
        last = now;
        ++wakeups;
        p.on_timeout(now);
        for (const Event& e : events(p)) {
            if (e.type == Event::Type::push_request) ++pushes;
            if (e.type == Event::Type::binding_removed) ++removals;
        }
    }
    CHECK(pushes == n);
    CHECK(removals == n);
    CHECK(p.binding_count() == 0);
    CHECK(wakeups <= 3 * n);  // stale entries cost at most one wake-up each
}

TEST_CASE("proxy: the ACK for its own non-2xx answer to an INVITE is absorbed (RFC 3261 17.2.1)") {
    PushProxy p = make();
    REQUIRE(feed(p, kCaller, request_msg("INVITE", "z9hG4bKack1"), 0) == Status::ok);
    Parsed not_found = only_output(p, kCaller);
    CHECK(not_found->status_code == 404);
    std::string ack = request_msg("ACK", "z9hG4bKack1");
    ack.replace(ack.find("To: <sip:alice@example.com>"), 27, "To: " + header(not_found, "To"));
    REQUIRE(feed(p, kCaller, ack, 10) == Status::ok);
    CHECK(drain(p).empty());
}

TEST_CASE("proxy: generated responses carry a To tag per transaction, stable on retransmission") {
    PushProxy p = make();
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKt1"), 0) == Status::ok);
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKt1"), 1) == Status::ok);
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKt2"), 2) == Status::ok);
    auto out = drain(p);
    REQUIRE(out.size() == 3);
    std::string to[3];
    for (int i = 0; i < 3; ++i) to[i] = header(parse(out[i].bytes), "To");
    std::string_view t1 = sip::tag_of(to[0]);
    CHECK(t1.size() == 16);
    CHECK(sip::tag_of(to[1]) == t1);
    CHECK(sip::tag_of(to[2]) != t1);
}

TEST_CASE("proxy: forwarded Via names the target's transport; Vias stay together") {
    PushProxy p = make();
    REQUIRE(feed(p, kPhone, register_msg("<sip:alice@192.0.2.10:5070;transport=tcp>")) ==
            Status::ok);
    drain(p);
    REQUIRE(feed(p, kCaller, request_msg("MESSAGE", "z9hG4bKv1"), 0) == Status::ok);
    Parsed fwd = parse(drain(p).at(0).bytes);
    CHECK(header(fwd, "Via").rfind("SIP/2.0/TCP proxy.example.com:5060;branch=", 0) == 0);
    REQUIRE(fwd->headers.size() >= 3);
    CHECK(fwd->headers[0].id == sip::HeaderId::via);
    CHECK(fwd->headers[1].id == sip::HeaderId::via);
    CHECK(fwd->headers[1].value == "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKv1");
    CHECK(header(fwd, "Max-Forwards") == "69");
}

TEST_CASE("proxy: a Request-URI with push parameters triggers a push (draft 5.3)") {
    PushProxy p = make();
    // Retargeted upstream: no binding here, the parameters are in the Request-URI.
    std::string invite = request_msg("INVITE", "z9hG4bKru1");
    const std::string target =
        "sip:alice@192.0.2.10:5070;pn-provider=fcm;pn-param=42;pn-prid=tok%3A1";
    invite.replace(invite.find("sip:alice@example.com SIP/2.0"), 21, target);
    REQUIRE(feed(p, kCaller, invite, 0) == Status::ok);
    CHECK(only_output(p, kCaller)->status_code == 100);
    auto ev = events(p);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::push_request);
    CHECK(ev[0].push.provider == "fcm");
    CHECK(ev[0].push.prid == "tok:1");
    CHECK(ev[0].contact == target);
    CHECK(p.held_count() == 1);

    // The UA with that PRID registers: the INVITE goes to it.
    REQUIRE(feed(p, kPhoneAwake,
                 register_msg("<sip:alice@192.0.2.99:6000;pn-provider=fcm;pn-param=42;"
                              "pn-prid=tok%3A1>"),
                 100) == Status::ok);
    auto out = drain(p);
    REQUIRE(out.size() == 2);
    CHECK(parse(out[0].bytes)->status_code == 200);
    Parsed fwd = parse(out[1].bytes);
    CHECK(fwd->method == "INVITE");
    CHECK(out[1].to.port == 6000);
    CHECK(p.held_count() == 0);

    // Without a REGISTER, push_failed on the event's id rejects it.
    PushProxy q = make();
    REQUIRE(feed(q, kCaller, invite, 0) == Status::ok);
    drain(q);
    auto qe = events(q);
    REQUIRE(qe.size() == 1);
    REQUIRE(q.push_failed(qe[0].binding_id, 10) == Status::ok);
    CHECK(only_output(q, kCaller)->status_code == 480);

    // Unsupported or incomplete parameters in the Request-URI: nothing to push to.
    PushProxy r = make();
    std::string unknown = request_msg("MESSAGE", "z9hG4bKru2");
    unknown.replace(unknown.find("sip:alice@example.com SIP/2.0"), 21,
                    "sip:alice@h;pn-provider=acme;pn-prid=x");
    REQUIRE(feed(r, kCaller, unknown, 0) == Status::ok);
    CHECK(only_output(r, kCaller)->status_code == 404);
    CHECK(events(r).empty());
}

TEST_CASE("proxy: a forwarded request the host cannot send is rejected (draft 5.3)") {
    PushProxy p = make();
    register_apns(p);
    REQUIRE(feed(p, kCaller, request_msg("INVITE", "z9hG4bKof1"), 0) == Status::ok);
    drain(p);
    events(p);
    CHECK(p.output_failed(1) == Status::not_found);  // the last output was the 100
    REQUIRE(feed(p, kPhone, register_msg(kApnsContact, "", 2), 10) == Status::ok);
    PushProxy::Output o;
    REQUIRE(p.next_output(o));  // 200 to the REGISTER
    CHECK(p.output_failed(11) == Status::not_found);
    REQUIRE(p.next_output(o));  // the INVITE to the phone: say its flow is gone
    CHECK(parse(o.bytes)->method == "INVITE");
    REQUIRE(p.output_failed(12) == Status::ok);
    Parsed rejected = only_output(p, kCaller);
    CHECK(rejected->status_code == 480);
    CHECK(rejected->count(sip::HeaderId::via) == 1);  // the caller's own Via, not ours
    CHECK(header(rejected, "Via") == "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKof1");
    auto ev = events(p);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].type == Event::Type::binding_updated);  // the re-REGISTER
    CHECK(ev[1].type == Event::Type::request_rejected);
    CHECK(ev[1].code == 480);
    std::string ack = request_msg("ACK", "z9hG4bKof1");
    REQUIRE(feed(p, kCaller, ack, 20) == Status::ok);
    CHECK(drain(p).empty());  // absorbed
    CHECK(p.output_failed(21) == Status::not_found);
}
