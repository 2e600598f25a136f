#include "pushcore/sip_push/push_ua.hpp"

#include <doctest/doctest.h>

#include <string>

#include "pushcore/sip/headers.hpp"
#include "support/sip_test_util.hpp"

using namespace pushcore;
using namespace pushcore::sip_push;
using test::header;
using test::parse;
using test::Parsed;

namespace {

UaConfig config(std::string transport = "TCP") {
    UaConfig c;
    c.aor = "sip:alice@example.com";
    c.registrar = "sip:example.com";
    c.contact = "sip:alice@192.0.2.10:5070";
    c.transport = std::move(transport);
    c.sent_by = "192.0.2.10:5070";
    c.expires = 600;
    c.random = test::deterministic_random();
    return c;
}

PushInfo apns() {
    PushInfo p;
    p.provider = "apns";
    p.param = "DEF123GHIJ.com.example.app.voip";
    p.prid = "00fc13adff78512";
    return p;
}

PushUa make(UaConfig c = config()) {
    std::optional<PushUa> ua;
    Error err;
    REQUIRE(PushUa::create(std::move(c), ua, err) == Status::ok);
    return std::move(*ua);
}

Parsed sent(PushUa& ua) {
    std::string out;
    REQUIRE(ua.next_output(out));
    return parse(out);
}

// The registrar's answer to `req`.
Parsed answer(const Parsed& req, uint16_t code, std::string extra = "") {
    std::string out;
    sip::begin_response(out, req.msg, code, "reg1");
    out += extra;
    sip::MessageWriter(out).finish();
    return parse(out);
}

PushUa::Event event(PushUa& ua) {
    PushUa::Event ev;
    REQUIRE(ua.next_event(ev));
    return ev;
}

}  // namespace

TEST_CASE("UA: REGISTER carries the pn-* parameters, escaped, never quoted (draft 4)") {
    PushUa ua = make();
    PushInfo info = apns();
    info.prid = "tok en";  // needs escaping
    REQUIRE(ua.start(info, 0) == Status::ok);
    Parsed reg = sent(ua);
    CHECK(reg->method == "REGISTER");
    CHECK(reg->request_uri == "sip:example.com");
    CHECK(header(reg, "Contact") ==
          "<sip:alice@192.0.2.10:5070;pn-provider=apns;pn-param=DEF123GHIJ.com.example.app.voip;"
          "pn-prid=tok%20en>");
    CHECK(header(reg, "Expires") == "600");
    CHECK(header(reg, "CSeq") == "1 REGISTER");
    CHECK(header(reg, "Via").rfind("SIP/2.0/TCP 192.0.2.10:5070;branch=z9hG4bK", 0) == 0);
    CHECK(ua.state() == PushUa::State::registering);
    std::string none;
    CHECK_FALSE(ua.next_output(none));
}

TEST_CASE("UA: 200 with +sip.pns for our provider means the proxy will push (draft 4)") {
    PushUa ua = make();
    REQUIRE(ua.start(apns(), 1000) == Status::ok);
    Parsed reg = sent(ua);
    Error err;
    REQUIRE(ua.receive(answer(reg, 200,
                              "Contact: <sip:alice@192.0.2.10:5070>;expires=300\r\n"
                              "Feature-Caps: *;+sip.pns=\"apns\"\r\n")
                           .msg,
                       2000, err) == Status::ok);
    PushUa::Event ev = event(ua);
    CHECK(ev.type == PushUa::Event::Type::registered);
    CHECK(ev.push_supported);
    CHECK(ev.expires == 300);  // the contact's expires wins over the requested 600
    CHECK(ua.state() == PushUa::State::registered);
    // No +sip.pnsreg: the UA refreshes itself, 120 s before expiry.
    CHECK(ua.next_deadline() == 2000 + (300 - 120) * 1000);
    ua.on_timeout(ua.next_deadline());
    Parsed refresh = sent(ua);
    CHECK(header(refresh, "CSeq") == "2 REGISTER");
    CHECK(header(refresh, "Call-ID") == header(reg, "Call-ID"));  // RFC 3261 10.2
    CHECK(header(refresh, "Contact").find("pn-prid=00fc13adff78512") != std::string::npos);
}

TEST_CASE("UA: no Feature-Caps, or another provider: push not supported") {
    for (std::string caps : {std::string(), std::string("Feature-Caps: *;+sip.pns=\"fcm\"\r\n")}) {
        PushUa ua = make();
        REQUIRE(ua.start(apns(), 0) == Status::ok);
        Parsed reg = sent(ua);
        Error err;
        REQUIRE(ua.receive(answer(reg, 200, caps).msg, 0, err) == Status::ok);
        PushUa::Event ev = event(ua);
        CHECK(ev.type == PushUa::Event::Type::registered);
        CHECK_FALSE(ev.push_supported);
        CHECK(ev.expires == 600);
    }
}

TEST_CASE("UA: with +sip.pnsreg the proxy's pushes drive refreshes (RFC 8599)") {
    PushUa ua = make();
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    Parsed reg = sent(ua);
    Error err;
    REQUIRE(ua.receive(
                answer(reg, 200, "Feature-Caps: *;+sip.pns=\"apns\";+sip.pnsreg=\"120\"\r\n").msg,
                0, err) == Status::ok);
    PushUa::Event ev = event(ua);
    CHECK(ev.caps.pnsreg);
    CHECK(ev.caps.pnsreg_seconds == 120u);
    CHECK(ua.next_deadline() == PUSHCORE_NO_DEADLINE);

    // draft 4: a push notification MUST cause a re-registration.
    REQUIRE(ua.on_push_notification(5000) == Status::ok);
    Parsed again = sent(ua);
    CHECK(header(again, "CSeq") == "2 REGISTER");
    CHECK(header(again, "Via") != header(reg, "Via"));  // a new transaction
    CHECK(header(again, "Contact").find("pn-provider=apns") != std::string::npos);
    // Another push while that REGISTER is in flight needs no second one.
    REQUIRE(ua.on_push_notification(5001) == Status::ok);
    std::string none;
    CHECK_FALSE(ua.next_output(none));
}

TEST_CASE("UA: a PRID change re-registers with the new value, after one in flight") {
    PushUa ua = make();
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    Parsed reg = sent(ua);
    REQUIRE(ua.update_prid("abcdef", 10) == Status::ok);
    std::string none;
    CHECK_FALSE(ua.next_output(none));  // waits for the REGISTER in flight
    Error err;
    REQUIRE(ua.receive(answer(reg, 200).msg, 20, err) == Status::ok);
    Parsed second = sent(ua);
    CHECK(header(second, "Contact").find("pn-prid=abcdef") != std::string::npos);
    CHECK(ua.update_prid("", 30) == Status::invalid_argument);
}

TEST_CASE("UA: stop_push registers without the parameters; unregister sends Expires 0") {
    PushUa ua = make();
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    Parsed reg = sent(ua);
    Error err;
    REQUIRE(ua.receive(answer(reg, 200).msg, 0, err) == Status::ok);
    event(ua);
    REQUIRE(ua.stop_push(1) == Status::ok);
    Parsed plain = sent(ua);
    CHECK(header(plain, "Contact") == "<sip:alice@192.0.2.10:5070>");
    CHECK_FALSE(ua.push());
    CHECK(ua.stop_push(2) == Status::invalid_state);
    REQUIRE(ua.receive(answer(plain, 200).msg, 3, err) == Status::ok);
    event(ua);

    REQUIRE(ua.unregister(4) == Status::ok);
    Parsed bye = sent(ua);
    CHECK(header(bye, "Expires") == "0");
    REQUIRE(ua.receive(answer(bye, 200).msg, 5, err) == Status::ok);
    CHECK(event(ua).type == PushUa::Event::Type::unregistered);
    CHECK(ua.state() == PushUa::State::idle);
    CHECK(ua.unregister(6) == Status::invalid_state);
}

TEST_CASE("UA: 555 reports the proxy's supported services; 423 retries with Min-Expires") {
    PushUa ua = make();
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    Parsed reg = sent(ua);
    Error err;
    REQUIRE(ua.receive(answer(reg, 423, "Min-Expires: 900\r\n").msg, 1, err) == Status::ok);
    Parsed retry = sent(ua);
    CHECK(header(retry, "Expires") == "900");
    REQUIRE(ua.receive(answer(retry, 555,
                              "Feature-Caps: *;+sip.pns=\"fcm\"\r\n"
                              "Feature-Caps: *;+sip.pns=\"webpush\"\r\n")
                           .msg,
                       2, err) == Status::ok);
    PushUa::Event ev = event(ua);
    CHECK(ev.type == PushUa::Event::Type::registration_failed);
    CHECK(ev.code == 555);
    CHECK(ev.reason == "Push Notification Service Not Supported");
    CHECK(ev.caps.pns == std::vector<std::string>{"fcm", "webpush"});
    CHECK(ua.state() == PushUa::State::idle);
    // The host may now register without push.
    REQUIRE(ua.start(std::nullopt, 3) == Status::ok);
    CHECK(header(sent(ua), "Contact") == "<sip:alice@192.0.2.10:5070>");
}

TEST_CASE("UA over UDP: Timer E retransmits, Timer F gives up as 408 (RFC 3261 17.1.2.2)") {
    PushUa ua = make(config("UDP"));
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    std::string first = sent(ua).text->c_str();
    uint64_t expected[] = {500, 1500, 3500, 7500, 11500};
    for (uint64_t at : expected) {
        CHECK(ua.next_deadline() == at);
        ua.on_timeout(at);
        std::string again;
        REQUIRE(ua.next_output(again));
        CHECK(again == first);
    }
    ua.on_timeout(32000);
    PushUa::Event ev = event(ua);
    CHECK(ev.type == PushUa::Event::Type::registration_failed);
    CHECK(ev.code == 408);
    CHECK(ua.next_deadline() == PUSHCORE_NO_DEADLINE);
}

TEST_CASE("UA: provisional response moves UDP retransmission to T2") {
    PushUa ua = make(config("UDP"));
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    Parsed reg = sent(ua);
    Error err;
    REQUIRE(ua.receive(answer(reg, 100).msg, 100, err) == Status::ok);
    CHECK(ua.next_deadline() == 4100);
}

TEST_CASE("UA: responses that match nothing, and misuse") {
    PushUa ua = make();
    CHECK(ua.on_push_notification(0) == Status::invalid_state);
    CHECK(ua.update_prid("x", 0) == Status::invalid_state);
    REQUIRE(ua.start(apns(), 0) == Status::ok);
    CHECK(ua.start(apns(), 0) == Status::invalid_state);
    Parsed reg = sent(ua);
    Error err;
    Parsed wrong = parse(
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP x;branch=z9hG4bKother\r\nCall-ID: c\r\n"
        "CSeq: 1 REGISTER\r\nl: 0\r\n\r\n");
    CHECK(ua.receive(wrong.msg, 0, err) == Status::unexpected_message);
    Parsed no_cseq = parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP x\r\nCall-ID: c\r\nl: 0\r\n\r\n");
    CHECK(ua.receive(no_cseq.msg, 0, err) == Status::missing_header);
    CHECK(ua.receive(reg.msg, 0, err) == Status::unexpected_message);  // a request

    UaConfig bad = config();
    bad.aor = "mailto:alice";
    std::optional<PushUa> out;
    CHECK(PushUa::create(bad, out, err) == Status::invalid_argument);
    CHECK(std::string(err.reason) == "aor is not a SIP URI");
    UaConfig no_random = config();
    no_random.random = Random{};
    CHECK(PushUa::create(no_random, out, err) == Status::invalid_argument);
}
