#include "pushcore/ua_profile/profile_subscriber.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pushcore/sip/headers.hpp"
#include "support/sip_test_util.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;
using test::header;
using test::parse;
using test::Parsed;
using Sub = ProfileSubscriber;
using Type = ProfileSubscriber::Event::Type;

namespace {

// The device of draft-ietf-sipping-config-framework-08 section 7.12.
const char* const kDeviceUri = "sip:MAC%3aFF00000036C5@acme.example.com";

// The NOTIFY body of section 7.12.
const std::string kDraftBody =
    "--boundary42\r\n"
    "Content-Type: message/external-body;\r\n"
    "      access-type=\"URL\";\r\n"
    "      expiration=\"Mon, 24 June 2002 09:00:00 GMT\";\r\n"
    "      URL=\"http://www.example.com/devices/ff00000036c5\";\r\n"
    "      size=1234\r\n"
    "\r\n"
    "Content-Type: application/x-z100-device-profile\r\n"
    "Content-ID: <39EHF78SA@example.com>\r\n"
    "\r\n"
    "--boundary42--\r\n";
const char* const kMultipart = "multipart/mixed; boundary=boundary42";

// A single external-body part with a Content-ID and (when given) a hash.
std::string external_body(const std::string& id, const std::string& hash = "") {
    std::string body =
        "--b1\r\nContent-Type: message/external-body; access-type=\"URL\";\r\n"
        " URL=\"http://cfg.example.com/" +
        id + "\"";
    if (!hash.empty()) body += ";\r\n hash=" + hash;
    body += "\r\n\r\nContent-Type: application/x-z100-device-profile\r\nContent-ID: <" + id +
            ">\r\n\r\n--b1--\r\n";
    return body;
}
const char* const kB1 = "multipart/mixed;boundary=b1";

// Deterministic stand-in for SHA-1: digest[i] = sum of the bytes + i.
int fake_sha1(void*, const uint8_t* data, size_t len, uint8_t digest[20]) {
    unsigned sum = 0;
    for (size_t i = 0; i < len; ++i) sum += data[i];
    for (unsigned i = 0; i < 20; ++i) digest[i] = static_cast<uint8_t>(sum + i);
    return 0;
}
std::string fake_hex(const std::string& content) {
    uint8_t d[20];
    fake_sha1(nullptr, reinterpret_cast<const uint8_t*>(content.data()), content.size(), d);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (uint8_t b : d) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
    }
    return out;
}

SubscriberConfig config(std::string transport = "TCP") {
    SubscriberConfig c;
    c.profile_type = ProfileType::device;
    c.request_uri = kDeviceUri;
    c.contact = "sip:MAC%3aFF00000036C5@10.1.1.44";
    c.transport = std::move(transport);
    c.sent_by = "10.1.1.41";
    c.vendor = "vendor.example.com";
    c.model = "Z100";
    c.version = "1.2.3";
    c.accept = {"application/x-z100-device-profile"};
    c.refresh_margin = 600;
    c.random = test::deterministic_random();
    c.hash = HashFn{fake_sha1, nullptr};
    return c;
}

Sub make(SubscriberConfig c = config()) {
    std::optional<Sub> s;
    Error err;
    REQUIRE(Sub::create(std::move(c), s, err) == Status::ok);
    return std::move(*s);
}

Parsed sent(Sub& s) {
    std::string out;
    REQUIRE(s.next_output(out));
    return parse(out);
}

void no_output(Sub& s) {
    std::string out;
    CHECK_FALSE(s.next_output(out));
}

Sub::Event event(Sub& s) {
    Sub::Event ev;
    REQUIRE(s.next_event(ev));
    return ev;
}

void no_event(Sub& s) {
    Sub::Event ev;
    bool any = s.next_event(ev);
    CHECK_MESSAGE(!any, "unexpected event type ", static_cast<int>(ev.type));
}

// The notifier's answer to `req`.
Parsed answer(const Parsed& req, uint16_t code, std::string extra = "") {
    std::string out;
    sip::begin_response(out, req.msg, code, "srv1");
    out += extra;
    sip::MessageWriter(out).finish();
    return parse(out);
}

struct Notify {
    std::string state = "active;expires=86400";
    std::string event = "ua-profile";
    std::string content_type;
    std::string body;
    uint32_t cseq = 1;
    std::string from_tag = "srv1";
    std::string call_id;  // the SUBSCRIBE's when empty
    std::string to_tag;   // the SUBSCRIBE's From tag when empty
    bool with_state = true;
    bool with_event = true;
    std::string method = "NOTIFY";
};

// A NOTIFY in the dialog the SUBSCRIBE `sub` started.
Parsed notify(const Parsed& sub, const Notify& n) {
    std::string out;
    sip::MessageWriter w(out);
    w.request(n.method, "sip:MAC%3aFF00000036C5@10.1.1.44")
        .header("Via", "SIP/2.0/UDP 192.168.0.3;branch=z9hG4bKn" + std::to_string(n.cseq))
        .header("From", "<" + std::string(kDeviceUri) + ">;tag=" + n.from_tag)
        .header("To",
                "<" + std::string(kDeviceUri) + ">;tag=" +
                    (n.to_tag.empty() ? std::string(sip::tag_of(header(sub, "From"))) : n.to_tag))
        .header("Call-ID", n.call_id.empty() ? header(sub, "Call-ID") : n.call_id)
        .header("CSeq", std::to_string(n.cseq) + " " + n.method)
        .header("Contact", "<sip:pds.acme.example.com>");
    if (n.with_event) w.header("Event", n.event);
    if (n.with_state) w.header("Subscription-State", n.state);
    if (!n.content_type.empty()) w.header("Content-Type", n.content_type);
    w.finish(n.body);
    return parse(out);
}

// Starts, answers 200 with Expires `granted`, and drains the subscribed event.
Parsed subscribed(Sub& s, uint64_t now = 0, uint32_t granted = 86400) {
    REQUIRE(s.start(now) == Status::ok);
    Parsed sub = sent(s);
    Error err;
    REQUIRE(s.receive(answer(sub, 200,
                             "Expires: " + std::to_string(granted) +
                                 "\r\nContact: <sip:pds.acme.example.com>\r\n")
                          .msg,
                      now, err) == Status::ok);
    Sub::Event ev = event(s);
    REQUIRE(ev.type == Type::subscribed);
    return sub;
}

// Feeds a NOTIFY, checks the answer code, returns the receive() status.
Status deliver(Sub& s, const Parsed& n, uint16_t expected_code, uint64_t now = 0) {
    Error err;
    Status st = s.receive(n.msg, now, err);
    Parsed ans = sent(s);
    CHECK(ans->status_code == expected_code);
    CHECK(header(ans, "Call-ID") == header(n, "Call-ID"));
    CHECK(header(ans, "CSeq") == header(n, "CSeq"));
    return st;
}

}  // namespace

TEST_CASE("ua_profile subscriber: the draft's 7.12 SUBSCRIBE (Event, Accept, Expires)") {
    Sub s = make();
    CHECK(s.state() == Sub::State::idle);
    REQUIRE(s.start(0) == Status::ok);
    CHECK(s.state() == Sub::State::subscribing);
    Parsed sub = sent(s);
    CHECK(sub->method == "SUBSCRIBE");
    CHECK(sub->request_uri == kDeviceUri);
    CHECK(header(sub, "Event") ==
          "ua-profile;profile-type=device;vendor=\"vendor.example.com\";model=\"Z100\";"
          "version=\"1.2.3\"");
    // The Event field parses back and satisfies the SUBSCRIBE table of 7.2.
    UaProfileEvent ev;
    Error err;
    const std::string event_value = header(sub, "Event");
    REQUIRE(parse_event(event_value, ev, err) == Status::ok);
    CHECK(check_for(Method::subscribe, ev, Form::draft08, err) == Status::ok);
    CHECK(ev.type == ProfileType::device);
    CHECK(ev.vendor.text() == "vendor.example.com");
    CHECK(ev.model.text() == "Z100");
    CHECK(ev.version.text() == "1.2.3");
    CHECK(header(sub, "Accept") == "message/external-body, application/x-z100-device-profile");
    CHECK(header(sub, "Expires") == "86400");  // 7.4 default
    CHECK(header(sub, "Content-Length") == "0");
    CHECK(sub->body.empty());
    CHECK(header(sub, "CSeq") == "1 SUBSCRIBE");
    CHECK(header(sub, "Contact") == "<sip:MAC%3aFF00000036C5@10.1.1.44>");
    CHECK(header(sub, "To") == "<" + std::string(kDeviceUri) + ">");
    CHECK_FALSE(sip::tag_of(header(sub, "From")).empty());
    CHECK(header(sub, "Via").rfind("SIP/2.0/TCP 10.1.1.41;branch=z9hG4bK", 0) == 0);
    no_output(s);
    CHECK(s.start(0) == Status::invalid_state);
}

TEST_CASE("ua_profile subscriber: other profile types, network-user and Accept") {
    SubscriberConfig c = config();
    c.network_user = "sip:alice@example.com";
    c.accept = {"application/x-a", "message/external-body", "application/x-b"};
    Sub s = make(c);
    REQUIRE(s.start(0) == Status::ok);
    Parsed sub = sent(s);
    CHECK(header(sub, "Event").find(";network-user=\"sip:alice@example.com\"") !=
          std::string::npos);
    // message/external-body first and once.
    CHECK(header(sub, "Accept") == "message/external-body, application/x-a, application/x-b");

    SubscriberConfig u = config();
    u.profile_type = ProfileType::user;
    u.request_uri = "sip:alice@example.com";
    u.expires = 3600;
    Sub us = make(u);
    REQUIRE(us.start(0) == Status::ok);
    Parsed usub = sent(us);
    CHECK(usub->request_uri == "sip:alice@example.com");
    CHECK(header(usub, "Event").rfind("ua-profile;profile-type=user;", 0) == 0);
    CHECK(header(usub, "From").rfind("<sip:alice@example.com>;tag=", 0) == 0);
    CHECK(header(usub, "Expires") == "3600");

    SubscriberConfig o = config();
    o.profile_type = ProfileType::other;
    o.profile_type_token = "x-codec";
    Sub os = make(o);
    REQUIRE(os.start(0) == Status::ok);
    CHECK(header(sent(os), "Event").rfind("ua-profile;profile-type=x-codec;", 0) == 0);
}

TEST_CASE("ua_profile subscriber: create() refuses bad configurations, naming the field") {
    struct Case {
        const char* name;
        void (*edit)(SubscriberConfig&);
        const char* reason;
    };
    const Case cases[] = {
        {"no vendor", [](SubscriberConfig& c) { c.vendor.clear(); }, "vendor"},
        {"no model", [](SubscriberConfig& c) { c.model.clear(); }, "model"},
        {"no version", [](SubscriberConfig& c) { c.version.clear(); }, "version"},
        {"bad request uri", [](SubscriberConfig& c) { c.request_uri = "http://x"; }, "request_uri"},
        {"bad contact", [](SubscriberConfig& c) { c.contact = "nonsense"; }, "contact"},
        {"bad from", [](SubscriberConfig& c) { c.from = "mailto:x@y"; }, "from"},
        {"no sent_by", [](SubscriberConfig& c) { c.sent_by.clear(); }, "sent_by"},
        {"bad transport", [](SubscriberConfig& c) { c.transport = "U D P"; }, "transport"},
        {"no random", [](SubscriberConfig& c) { c.random = Random{}; }, "random"},
        {"network-user in RFC 6080",
         [](SubscriberConfig& c) {
             c.form = Form::rfc6080;
             c.network_user = "sip:a@b";
         },
         "network-user"},
        {"network-user for user profiles",
         [](SubscriberConfig& c) {
             c.profile_type = ProfileType::user;
             c.network_user = "sip:a@b";
         },
         "network-user"},
        {"network-user not an addr-spec", [](SubscriberConfig& c) { c.network_user = "a b"; },
         "network-user"},
        {"accept not a media type", [](SubscriberConfig& c) { c.accept = {"text"}; }, "accept"},
        {"other without token", [](SubscriberConfig& c) { c.profile_type = ProfileType::other; },
         "profile_type_token"},
    };
    for (const Case& k : cases) {
        CAPTURE(k.name);
        SubscriberConfig c = config();
        k.edit(c);
        std::optional<Sub> s;
        Error err;
        CHECK(Sub::create(std::move(c), s, err) == Status::invalid_argument);
        CHECK_FALSE(s.has_value());
        CHECK(std::string(err.reason).find(k.reason) != std::string::npos);
    }
}

TEST_CASE(
    "ua_profile subscriber: 2xx subscribes with the response's Expires, refresh in the "
    "dialog before expiry") {
    Sub s = make();
    REQUIRE(s.start(1000) == Status::ok);
    Parsed sub = sent(s);
    Error err;
    REQUIRE(s.receive(answer(sub, 202,
                             "Expires: 3600\r\nContact: <sip:pds.acme.example.com>\r\n"
                             "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n")
                          .msg,
                      1000, err) == Status::ok);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::subscribed);
    CHECK(ev.code == 202);
    CHECK(ev.expires == 3600);
    CHECK(s.state() == Sub::State::subscribed);
    // Refresh 600 s (the margin) before the granted 3600 s run out.
    CHECK(s.next_deadline() == 1000 + (3600 - 600) * 1000);
    s.on_timeout(s.next_deadline() - 1);
    no_output(s);
    s.on_timeout(1000 + 3000 * 1000);
    CHECK(s.state() == Sub::State::refreshing);
    Parsed ref = sent(s);
    CHECK(ref->method == "SUBSCRIBE");
    CHECK(ref->request_uri == "sip:pds.acme.example.com");  // the remote target
    CHECK(header(ref, "Call-ID") == header(sub, "Call-ID"));
    CHECK(header(ref, "CSeq") == "2 SUBSCRIBE");
    CHECK(sip::tag_of(header(ref, "To")) == "srv1");
    CHECK(sip::tag_of(header(ref, "From")) == sip::tag_of(header(sub, "From")));
    CHECK(header(ref, "Expires") == "86400");
    CHECK(header(ref, "Event") == header(sub, "Event"));
    // Route set: Record-Route reversed (RFC 3261 12.1.2).
    std::vector<std::string> routes;
    for (const auto& h : ref->headers)
        if (h.name == "Route") routes.emplace_back(h.value);
    CHECK(routes == std::vector<std::string>{"<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"});

    REQUIRE(s.receive(answer(ref, 200, "Expires: 1000\r\n").msg, 3001000, err) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::subscribed);
    CHECK(ev.expires == 1000);
    CHECK(s.state() == Sub::State::subscribed);
    CHECK(s.next_deadline() == 3001000 + (1000 - 500) * 1000);  // margin capped at half
    // A stray answer is refused.
    CHECK(s.receive(answer(ref, 200).msg, 3001000, err) == Status::unexpected_message);
}

TEST_CASE("ua_profile subscriber: 401 and 407 report auth_required and do not retry") {
    for (uint16_t code : {uint16_t{401}, uint16_t{407}}) {
        CAPTURE(code);
        Sub s = make();
        REQUIRE(s.start(0) == Status::ok);
        Parsed sub = sent(s);
        std::string challenge = code == 401 ? "WWW-Authenticate: Digest realm=\"acme\"\r\n"
                                            : "Proxy-Authenticate: Digest realm=\"acme\"\r\n";
        Error err;
        REQUIRE(s.receive(answer(sub, code, challenge).msg, 10, err) == Status::ok);
        Sub::Event ev = event(s);
        CHECK(ev.type == Type::auth_required);
        CHECK(ev.code == code);
        CHECK(ev.challenge == "Digest realm=\"acme\"");
        no_event(s);
        no_output(s);
        CHECK(s.state() == Sub::State::terminated);
        CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);
        // The host may start again: a new dialog.
        REQUIRE(s.start(20) == Status::ok);
        Parsed again = sent(s);
        CHECK(header(again, "Call-ID") != header(sub, "Call-ID"));
    }
}

TEST_CASE("ua_profile subscriber: 423 retries with Min-Expires") {
    Sub s = make();
    REQUIRE(s.start(0) == Status::ok);
    Parsed sub = sent(s);
    Error err;
    REQUIRE(s.receive(answer(sub, 423, "Min-Expires: 172800\r\n").msg, 5, err) == Status::ok);
    no_event(s);
    Parsed retry = sent(s);
    CHECK(header(retry, "Expires") == "172800");
    CHECK(header(retry, "CSeq") == "2 SUBSCRIBE");
    CHECK(header(retry, "Call-ID") == header(sub, "Call-ID"));
    CHECK(s.state() == Sub::State::subscribing);
    REQUIRE(s.receive(answer(retry, 200, "Expires: 172800\r\n").msg, 10, err) == Status::ok);
    CHECK(event(s).expires == 172800);

    // 423 without a usable Min-Expires is a failure.
    Sub t = make();
    REQUIRE(t.start(0) == Status::ok);
    Parsed tsub = sent(t);
    REQUIRE(t.receive(answer(tsub, 423).msg, 5, err) == Status::ok);
    Sub::Event ev = event(t);
    CHECK(ev.type == Type::failed);
    CHECK(ev.code == 423);
    no_output(t);
}

TEST_CASE("ua_profile subscriber: every other failure reports failed with its code") {
    for (uint16_t code : {uint16_t{403}, uint16_t{404}, uint16_t{480}, uint16_t{489}, uint16_t{500},
                          uint16_t{503}, uint16_t{603}, uint16_t{302}}) {
        CAPTURE(code);
        Sub s = make();
        REQUIRE(s.start(0) == Status::ok);
        Parsed sub = sent(s);
        Error err;
        REQUIRE(s.receive(answer(sub, 100).msg, 1, err) == Status::ok);  // provisional
        no_event(s);
        REQUIRE(s.receive(answer(sub, code).msg, 2, err) == Status::ok);
        Sub::Event ev = event(s);
        CHECK(ev.type == Type::failed);
        CHECK(ev.code == code);
        CHECK(ev.reason == std::string(sip::reason_phrase(code)));
        CHECK(s.state() == Sub::State::terminated);
        no_output(s);
    }
}

TEST_CASE(
    "ua_profile subscriber: no answer on UDP retransmits (Timer E) and fails with 408 "
    "(Timer F)") {
    Sub s = make(config("UDP"));
    REQUIRE(s.start(0) == Status::ok);
    Parsed first = sent(s);
    std::vector<uint64_t> resent_at;
    uint64_t now = 0;
    while (s.state() == Sub::State::subscribing) {
        now = s.next_deadline();
        REQUIRE(now != PUSHCORE_NO_DEADLINE);
        s.on_timeout(now);
        std::string out;
        while (s.next_output(out)) {
            CHECK(out == first.text->c_str());  // same request, same branch
            resent_at.push_back(now);
        }
    }
    CHECK(resent_at ==
          std::vector<uint64_t>{500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500});
    CHECK(now == 32000);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::failed);
    CHECK(ev.code == 408);
    CHECK(s.state() == Sub::State::terminated);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);

    // TCP: no retransmission, Timer F only.
    Sub t = make(config("TCP"));
    REQUIRE(t.start(0) == Status::ok);
    sent(t);
    CHECK(t.next_deadline() == 32000);
    t.on_timeout(32000);
    CHECK(event(t).code == 408);
}

TEST_CASE(
    "ua_profile subscriber: NOTIFY with the 7.12 body -> 200 and one fetch per new "
    "Content-ID") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.event = "ua-profile;effective-by=3600";
    n.content_type = kMultipart;
    n.body = kDraftBody;
    Parsed first = notify(sub, n);
    CHECK(deliver(s, first, 200, 10000) == Status::ok);
    CHECK(s.sub_state() == Sub::SubState::active);

    Sub::Event ev = event(s);
    CHECK(ev.type == Type::fetch);
    CHECK(ev.url == "http://www.example.com/devices/ff00000036c5");
    CHECK(ev.content_type == "application/x-z100-device-profile");
    CHECK(ev.content_id == "39EHF78SA@example.com");
    CHECK(ev.size == uint64_t{1234});
    CHECK(ev.hash.empty());
    CHECK(ev.apply_by == uint64_t{10000 + 3600 * 1000});
    ev = event(s);
    CHECK(ev.type == Type::apply_by);
    CHECK(ev.apply_by == uint64_t{3610000});
    no_event(s);
    CHECK(s.pending_fetches() == 1);

    // The same Content-ID again (fetch outstanding): no second fetch.
    n.cseq = 2;
    CHECK(deliver(s, notify(sub, n), 200, 20000) == Status::ok);
    no_event(s);
    // Fetched; the same Content-ID once more: still nothing to download (7.5).
    REQUIRE(s.on_fetched("39EHF78SA@example.com", "profile v1", 30000) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::profile_ready);
    CHECK(ev.hash_check == Sub::HashCheck::not_given);
    n.cseq = 3;
    CHECK(deliver(s, notify(sub, n), 200, 40000) == Status::ok);
    no_event(s);

    // A new Content-ID: fetch.
    Notify m;
    m.cseq = 4;
    m.content_type = kB1;
    m.body = external_body("v2@example.com");
    CHECK(deliver(s, notify(sub, m), 200, 50000) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::fetch);
    CHECK(ev.content_id == "v2@example.com");
    CHECK(ev.url == "http://cfg.example.com/v2@example.com");
    CHECK_FALSE(ev.apply_by.has_value());
    CHECK(event(s).type == Type::apply_when_idle);  // 7.8 default
    no_event(s);
}

TEST_CASE("ua_profile subscriber: the 200 to a NOTIFY carries the dialog and a Contact") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    Parsed req = notify(sub, n);
    Error err;
    REQUIRE(s.receive(req.msg, 0, err) == Status::ok);
    Parsed ans = sent(s);
    CHECK(ans->status_code == 200);
    CHECK(header(ans, "To") == header(req, "To"));
    CHECK(header(ans, "From") == header(req, "From"));
    CHECK(header(ans, "Via") == header(req, "Via"));
    CHECK(header(ans, "Contact") == "<sip:MAC%3aFF00000036C5@10.1.1.44>");
    CHECK(event(s).type == Type::no_profile);  // 7.7: a NOTIFY without a body
    no_event(s);
}

TEST_CASE("ua_profile subscriber: hash verified; a bad hash keeps the previous profile") {
    Sub s = make();
    Parsed sub = subscribed(s);
    CHECK(s.current_profile() == nullptr);
    Notify n;
    n.content_type = kB1;
    n.body = external_body("v1@x", fake_hex("good one"));
    CHECK(deliver(s, notify(sub, n), 200) == Status::ok);
    CHECK(event(s).type == Type::fetch);
    CHECK(event(s).type == Type::apply_when_idle);
    REQUIRE(s.on_fetched("v1@x", "good one", 1) == Status::ok);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::profile_ready);
    CHECK(ev.hash_check == Sub::HashCheck::verified);
    CHECK(ev.content_id == "v1@x");
    REQUIRE(s.current_profile() != nullptr);
    CHECK(s.current_profile()->body == "good one");
    CHECK(s.current_profile()->content_id == "v1@x");

    // A new version whose content does not match its hash.
    n.cseq = 2;
    n.body = external_body("v2@x", fake_hex("expected"));
    CHECK(deliver(s, notify(sub, n), 200) == Status::ok);
    CHECK(event(s).type == Type::fetch);
    CHECK(event(s).type == Type::apply_when_idle);
    REQUIRE(s.on_fetched("v2@x", "tampered!", 2) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::fetch_failed);
    CHECK(ev.hash_check == Sub::HashCheck::mismatch);
    CHECK(ev.content_id == "v2@x");
    CHECK(ev.reason == "hash mismatch");
    REQUIRE(s.current_profile() != nullptr);
    CHECK(s.current_profile()->body == "good one");
    CHECK(s.current_profile("application/x-z100-device-profile")->content_id == "v1@x");
    CHECK(s.profiles().size() == 1);
    CHECK(s.pending_fetches() == 0);

    // The bad version is not "known": announcing it again asks for another fetch.
    n.cseq = 3;
    CHECK(deliver(s, notify(sub, n), 200) == Status::ok);
    CHECK(event(s).type == Type::fetch);
    // An upper-case hash matches too.
    std::string upper = fake_hex("expected");
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    n.cseq = 4;
    n.body = external_body("v3@x", upper);
    while (s.next_event(ev)) {
    }
    CHECK(deliver(s, notify(sub, n), 200) == Status::ok);
    REQUIRE(s.on_fetched("v3@x", "expected", 3) == Status::ok);
    while (s.next_event(ev) && ev.type != Type::profile_ready) {
    }
    CHECK(ev.type == Type::profile_ready);
    CHECK(ev.hash_check == Sub::HashCheck::verified);
    CHECK(s.current_profile()->body == "expected");
}

TEST_CASE("ua_profile subscriber: a fetch that finishes after a newer one is not applied") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n1;
    n1.cseq = 1;
    n1.content_type = kB1;
    n1.body = external_body("a@x");
    CHECK(deliver(s, notify(sub, n1), 200) == Status::ok);
    Notify n2 = n1;
    n2.cseq = 2;
    n2.body = external_body("b@x");
    CHECK(deliver(s, notify(sub, n2), 200) == Status::ok);
    for (Sub::Event e; s.next_event(e);) {
    }
    REQUIRE(s.on_fetched("b@x", "<b/>", 1) == Status::ok);
    CHECK(event(s).type == Type::profile_ready);
    REQUIRE(s.on_fetched("a@x", "<a/>", 2) == Status::ok);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::fetch_failed);
    CHECK(ev.reason == "superseded by a newer profile");
    CHECK(ev.content_id == "a@x");
    REQUIRE(s.current_profile() != nullptr);
    CHECK(s.current_profile()->body == "<b/>");
}

TEST_CASE("ua_profile subscriber: one profile per media type, whatever its case") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify a;
    a.content_type = "text/plain";
    a.body = "old";
    CHECK(deliver(s, notify(sub, a), 200) == Status::ok);
    Notify b = a;
    b.cseq = 2;
    b.content_type = "TEXT/PLAIN";
    b.body = "new";
    CHECK(deliver(s, notify(sub, b), 200) == Status::ok);
    CHECK(s.profiles().size() == 1);
    REQUIRE(s.current_profile("text/plain") != nullptr);
    CHECK(s.current_profile("text/plain")->body == "new");
}

TEST_CASE("ua_profile subscriber: a Contact with LWS becomes a Request-URI without it") {
    Sub s = make();
    REQUIRE(s.start(0) == Status::ok);
    Parsed sub = sent(s);
    Error err;
    REQUIRE(
        s.receive(answer(sub, 200, "Expires: 3600\r\nContact: <sip:pds.example.com; lr>\r\n").msg,
                  0, err) == Status::ok);
    REQUIRE(s.stop(1) == Status::ok);
    CHECK(sent(s)->request_uri == "sip:pds.example.com;lr");
}

TEST_CASE("ua_profile subscriber: the terminated NOTIFY of an unsubscribe is not no_profile") {
    Sub s = make();
    Parsed sub = subscribed(s);
    REQUIRE(s.stop(1) == Status::ok);
    sent(s);
    Notify fin;
    fin.state = "terminated;reason=timeout";
    CHECK(deliver(s, notify(sub, fin), 200) == Status::ok);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::terminated);
    no_event(s);

    // A one-time fetch's terminated NOTIFY without body does say: no profile (7.7).
    SubscriberConfig c = config();
    c.expires = 0;
    Sub once = make(c);
    REQUIRE(once.start(0) == Status::ok);
    Parsed osub = sent(once);
    CHECK(deliver(once, notify(osub, fin), 200) == Status::ok);
    std::vector<Type> types;
    for (Sub::Event e; once.next_event(e);) types.push_back(e.type);
    CHECK(types == std::vector<Type>{Type::no_profile, Type::terminated});
}

TEST_CASE("ua_profile subscriber: a failed fetch keeps the previous profile") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = kB1;
    n.body = external_body("v1@x");
    deliver(s, notify(sub, n), 200);
    REQUIRE(s.on_fetched("v1@x", "first", 1) == Status::ok);
    n.cseq = 2;
    n.body = external_body("v2@x");
    deliver(s, notify(sub, n), 200);
    Sub::Event ev;
    while (s.next_event(ev)) {
    }
    REQUIRE(s.on_fetch_failed("v2@x", 2) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::fetch_failed);
    CHECK(ev.content_id == "v2@x");
    CHECK(ev.reason == "fetch failed");
    REQUIRE(s.current_profile() != nullptr);
    CHECK(s.current_profile()->body == "first");
    // Unknown or already reported Content-IDs.
    CHECK(s.on_fetch_failed("v2@x", 3) == Status::not_found);
    CHECK(s.on_fetched("v2@x", "late", 3) == Status::not_found);
    CHECK(s.on_fetched("nobody@x", "x", 3) == Status::not_found);
    CHECK(s.current_profile()->body == "first");
}

TEST_CASE("ua_profile subscriber: a hash without a hash function is reported unverifiable") {
    SubscriberConfig c = config();
    c.hash = HashFn{};
    Sub s = make(c);
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = kB1;
    n.body = external_body("v1@x", fake_hex("abc"));
    deliver(s, notify(sub, n), 200);
    Sub::Event ev;
    while (s.next_event(ev)) {
    }
    REQUIRE(s.on_fetched("v1@x", "whatever", 1) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::profile_ready);
    CHECK(ev.hash_check == Sub::HashCheck::unverifiable);
    CHECK(s.current_profile()->body == "whatever");
}

TEST_CASE("ua_profile subscriber: the default hash is SHA-1 where the build has OpenSSL") {
    HashFn h = HashFn::system_default();
    if (!h.valid()) return;  // firmware configuration: nothing to check
    uint8_t d[20];
    REQUIRE(h.fn(h.ctx, reinterpret_cast<const uint8_t*>("abc"), 3, d) == 0);
    // FIPS 180-1 appendix A.
    const uint8_t expected[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
                                  0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
    CHECK(std::equal(d, d + 20, expected));

    SubscriberConfig c = config();
    c.hash = h;
    Sub s = make(c);
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = kB1;
    n.body = external_body("v1@x", "a9993e364706816aba3e25717850c26c9cd0d89d");
    deliver(s, notify(sub, n), 200);
    Sub::Event ev;
    while (s.next_event(ev)) {
    }
    REQUIRE(s.on_fetched("v1@x", "abc", 1) == Status::ok);
    CHECK(event(s).hash_check == Sub::HashCheck::verified);
}

TEST_CASE("ua_profile subscriber: effective-by becomes an apply deadline (7.8)") {
    Sub s = make();
    Parsed sub = subscribed(s, 0, 86400);
    Notify n;
    n.event = "ua-profile;effective-by=60";
    n.content_type = kB1;
    n.body = external_body("v1@x");
    deliver(s, notify(sub, n), 200, 5000);
    CHECK(event(s).type == Type::fetch);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::apply_by);
    CHECK(ev.apply_by == uint64_t{65000});
    CHECK(s.next_deadline() == 65000);
    REQUIRE(s.on_fetched("v1@x", "p", 6000) == Status::ok);
    ev = event(s);
    CHECK(ev.type == Type::profile_ready);
    CHECK(ev.apply_by == uint64_t{65000});
    CHECK(s.current_profile()->apply_by == uint64_t{65000});
    s.on_timeout(64999);
    no_event(s);
    s.on_timeout(65000);
    ev = event(s);
    CHECK(ev.type == Type::apply_due);
    no_event(s);
    // Back to the refresh, which the NOTIFY's Subscription-State expires=86400 set.
    CHECK(s.next_deadline() == 5000 + (86400 - 600) * 1000);

    // effective-by=0: immediately; applied() cancels the deadline.
    n.cseq = 2;
    n.event = "ua-profile;effective-by=0";
    n.body = external_body("v2@x");
    deliver(s, notify(sub, n), 200, 70000);
    event(s);
    CHECK(event(s).apply_by == uint64_t{70000});
    CHECK(s.next_deadline() == 70000);
    s.applied();
    CHECK(s.next_deadline() == 70000 + (86400 - 600) * 1000);
}

TEST_CASE("ua_profile subscriber: inline profiles and empty NOTIFYs") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = "application/x-z100-device-profile";
    n.body = "codec=g711\r\n";
    deliver(s, notify(sub, n), 200, 7);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::profile);
    CHECK(ev.content_type == "application/x-z100-device-profile");
    CHECK(ev.body == "codec=g711\r\n");
    CHECK(event(s).type == Type::apply_when_idle);
    REQUIRE(s.current_profile() != nullptr);
    CHECK(s.current_profile()->body == "codec=g711\r\n");

    n.cseq = 2;
    n.content_type.clear();
    n.body.clear();
    deliver(s, notify(sub, n), 200, 8);
    CHECK(event(s).type == Type::no_profile);
    no_event(s);
    CHECK(s.current_profile()->body == "codec=g711\r\n");  // nothing taken away
}

TEST_CASE("ua_profile subscriber: Expires 0 is a one-time fetch ended by one NOTIFY") {
    SubscriberConfig c = config();
    c.expires = 0;
    Sub s = make(c);
    REQUIRE(s.start(0) == Status::ok);
    Parsed sub = sent(s);
    CHECK(header(sub, "Expires") == "0");
    Error err;
    REQUIRE(s.receive(answer(sub, 200, "Expires: 0\r\n").msg, 10, err) == Status::ok);
    CHECK(event(s).type == Type::subscribed);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);  // no refresh
    Notify n;
    n.state = "terminated;reason=timeout";
    n.content_type = kMultipart;
    n.body = kDraftBody;
    deliver(s, notify(sub, n), 200, 20);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::fetch);
    CHECK(event(s).type == Type::apply_when_idle);
    ev = event(s);
    CHECK(ev.type == Type::terminated);
    CHECK(ev.reason == "timeout");
    CHECK_FALSE(ev.retry_after.has_value());
    CHECK(s.state() == Sub::State::terminated);
    CHECK(s.sub_state() == Sub::SubState::terminated);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);
    // The fetch still completes after the subscription ended.
    REQUIRE(s.on_fetched("39EHF78SA@example.com", "profile", 30) == Status::ok);
    CHECK(event(s).type == Type::profile_ready);
}

TEST_CASE("ua_profile subscriber: the terminating NOTIFY may come before the 2xx") {
    SubscriberConfig c = config();
    c.expires = 0;
    Sub s = make(c);
    REQUIRE(s.start(0) == Status::ok);
    Parsed sub = sent(s);
    Notify n;
    n.state = "terminated";
    deliver(s, notify(sub, n), 200, 5);
    CHECK(event(s).type == Type::no_profile);
    CHECK(event(s).type == Type::terminated);
    Error err;
    REQUIRE(s.receive(answer(sub, 200, "Expires: 0\r\n").msg, 10, err) == Status::ok);
    no_event(s);
    CHECK(s.state() == Sub::State::terminated);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);
}

TEST_CASE("ua_profile subscriber: NOTIFY before the 2xx establishes the dialog") {
    Sub s = make();
    REQUIRE(s.start(0) == Status::ok);
    Parsed sub = sent(s);
    Notify n;
    n.state = "pending";
    deliver(s, notify(sub, n), 200, 1);
    CHECK(s.sub_state() == Sub::SubState::pending);
    CHECK(event(s).type == Type::no_profile);
    // A second dialog (another tag, 7.9) is refused.
    Notify other;
    other.from_tag = "fork2";
    CHECK(deliver(s, notify(sub, other), 481, 2) == Status::unexpected_message);
    Error err;
    REQUIRE(s.receive(answer(sub, 200, "Expires: 86400\r\n").msg, 3, err) == Status::ok);
    CHECK(event(s).type == Type::subscribed);
    CHECK(s.state() == Sub::State::subscribed);
}

TEST_CASE("ua_profile subscriber: NOTIFY terminated with retry-after") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.state = "terminated;reason=probation;retry-after=120";
    deliver(s, notify(sub, n), 200, 100);
    Sub::Event ev = event(s);  // no no_profile: the body-less end says nothing of profiles
    CHECK(ev.type == Type::terminated);
    CHECK(ev.reason == "probation");
    CHECK(ev.retry_after == uint32_t{120});
    CHECK(s.state() == Sub::State::terminated);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);
    // After the end only a terminating NOTIFY is welcome.
    Notify late;
    late.cseq = 2;
    CHECK(deliver(s, notify(sub, late), 481, 200) == Status::unexpected_message);
}

TEST_CASE("ua_profile subscriber: Subscription-State expires moves the refresh") {
    Sub s = make();
    Parsed sub = subscribed(s, 0, 86400);
    Notify n;
    n.state = "active;expires=1200";
    deliver(s, notify(sub, n), 200, 1000);
    CHECK(s.next_deadline() == 1000 + (1200 - 600) * 1000);
}

TEST_CASE("ua_profile subscriber: an unknown dialog NOTIFY is answered 481") {
    Sub idle = make();
    Parsed fake = parse(
        "SUBSCRIBE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: "
        "<sip:a@b>;tag=q\r\n"
        "To: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 SUBSCRIBE\r\nContent-Length: 0\r\n\r\n");
    Notify n;
    n.to_tag = "q";
    CHECK(deliver(idle, notify(fake, n), 481) == Status::unexpected_message);
    no_event(idle);

    Sub s = make();
    Parsed sub = subscribed(s);
    Notify wrong_call;
    wrong_call.call_id = "other-call";
    CHECK(deliver(s, notify(sub, wrong_call), 481) == Status::unexpected_message);
    Notify wrong_tag;
    wrong_tag.to_tag = "not-mine";
    CHECK(deliver(s, notify(sub, wrong_tag), 481) == Status::unexpected_message);
    Notify other_notifier;
    other_notifier.from_tag = "srv2";
    CHECK(deliver(s, notify(sub, other_notifier), 481) == Status::unexpected_message);
    no_event(s);
    CHECK(s.state() == Sub::State::subscribed);
}

TEST_CASE("ua_profile subscriber: every NOTIFY error status") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Error err;

    SUBCASE("489 for another event package, with Allow-Events") {
        Notify n;
        n.event = "presence";
        Parsed req = notify(sub, n);
        REQUIRE(s.receive(req.msg, 0, err) == Status::not_found);
        Parsed ans = sent(s);
        CHECK(ans->status_code == 489);
        CHECK(header(ans, "Allow-Events") == "ua-profile");
    }
    SUBCASE("489 without Event") {
        Notify n;
        n.with_event = false;
        CHECK(deliver(s, notify(sub, n), 489) == Status::missing_header);
    }
    SUBCASE("400 for a broken Event header") {
        Notify n;
        n.event = "ua-profile;effective-by=soon";
        CHECK(deliver(s, notify(sub, n), 400) == Status::syntax);
    }
    SUBCASE("400 for a broken Subscription-State") {
        Notify n;
        n.state = ";expires=1";
        CHECK(deliver(s, notify(sub, n), 400) == Status::bad_header);
    }
    SUBCASE("400 for a body that does not parse") {
        Notify n;
        n.content_type = "multipart/mixed;boundary=zz";
        n.body = "no delimiter at all\r\n";
        CHECK(deliver(s, notify(sub, n), 400) != Status::ok);
    }
    SUBCASE("400 for a body without Content-Type") {
        Notify n;
        n.body = "x";
        CHECK(deliver(s, notify(sub, n), 400) == Status::missing_header);
    }
    SUBCASE("405 for another method") {
        Notify n;
        n.method = "MESSAGE";
        Parsed req = notify(sub, n);
        REQUIRE(s.receive(req.msg, 0, err) == Status::unexpected_message);
        Parsed ans = sent(s);
        CHECK(ans->status_code == 405);
        CHECK(header(ans, "Allow") == "NOTIFY");
    }
    SUBCASE("400 for a NOTIFY without CSeq") {
        Parsed req = parse(
            "NOTIFY sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
            "From: <sip:a@b>;tag=srv1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nContent-Length: 0\r\n\r\n");
        REQUIRE(s.receive(req.msg, 0, err) == Status::missing_header);
        CHECK(sent(s)->status_code == 400);
    }
    SUBCASE("500 for a CSeq lower than the last one") {
        Notify n;
        n.cseq = 5;
        CHECK(deliver(s, notify(sub, n), 200) == Status::ok);
        n.cseq = 4;
        CHECK(deliver(s, notify(sub, n), 500) == Status::unexpected_message);
    }
    // Nothing was taken from a refused NOTIFY but the no_profile of the accepted one.
    Sub::Event ev;
    while (s.next_event(ev)) CHECK(ev.type == Type::no_profile);
    CHECK(s.state() == Sub::State::subscribed);
}

TEST_CASE("ua_profile subscriber: a retransmitted NOTIFY gets the same answer, no new events") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = kB1;
    n.body = external_body("v1@x");
    Parsed req = notify(sub, n);
    Error err;
    REQUIRE(s.receive(req.msg, 0, err) == Status::ok);
    std::string first;
    REQUIRE(s.next_output(first));
    Sub::Event ev;
    while (s.next_event(ev)) {
    }
    REQUIRE(s.receive(req.msg, 500, err) == Status::ok);
    std::string again;
    REQUIRE(s.next_output(again));
    CHECK(again == first);
    no_event(s);
}

TEST_CASE("ua_profile subscriber: stop() unsubscribes with Expires 0") {
    Sub s = make();
    Parsed sub = subscribed(s);
    REQUIRE(s.stop(100) == Status::ok);
    CHECK(s.state() == Sub::State::unsubscribing);
    Parsed un = sent(s);
    CHECK(header(un, "Expires") == "0");
    CHECK(header(un, "CSeq") == "2 SUBSCRIBE");
    CHECK(sip::tag_of(header(un, "To")) == "srv1");
    Error err;
    REQUIRE(s.receive(answer(un, 200, "Expires: 0\r\n").msg, 110, err) == Status::ok);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::unsubscribed);
    CHECK(s.state() == Sub::State::terminated);
    // The notifier's final NOTIFY is still answered 200.
    Notify n;
    n.state = "terminated;reason=timeout";
    deliver(s, notify(sub, n), 200, 120);
    CHECK(s.stop(130) == Status::invalid_state);

    // stop() while the initial SUBSCRIBE is in flight: sent after its 2xx.
    Sub t = make();
    REQUIRE(t.start(0) == Status::ok);
    Parsed tsub = sent(t);
    REQUIRE(t.stop(1) == Status::ok);
    no_output(t);
    REQUIRE(t.receive(answer(tsub, 200, "Expires: 86400\r\n").msg, 2, err) == Status::ok);
    CHECK(event(t).type == Type::subscribed);
    CHECK(t.state() == Sub::State::unsubscribing);
    CHECK(header(sent(t), "Expires") == "0");
    CHECK(make().stop(0) == Status::invalid_state);
}

TEST_CASE("ua_profile subscriber: a refresh answered 481 ends the subscription") {
    Sub s = make();
    subscribed(s, 0, 3600);
    s.on_timeout(s.next_deadline());
    Parsed ref = sent(s);
    Error err;
    REQUIRE(s.receive(answer(ref, 481).msg, 3000000, err) == Status::ok);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::failed);
    CHECK(ev.code == 481);
    CHECK(s.state() == Sub::State::terminated);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);
    no_output(s);
}

TEST_CASE(
    "ua_profile subscriber: any other failed refresh keeps the subscription until its expiry "
    "(RFC 3265 3.1.4.2)") {
    for (uint16_t code : {uint16_t{403}, uint16_t{401}, uint16_t{503}}) {
        CAPTURE(code);
        Sub s = make();
        subscribed(s, 0, 3600);  // expires at 3600 s; refresh at 3000 s
        s.on_timeout(s.next_deadline());
        Parsed ref = sent(s);
        Error err;
        std::string extra =
            code == 401 ? "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\r\n" : "";
        REQUIRE(s.receive(answer(ref, code, extra).msg, 3000000, err) == Status::ok);
        Sub::Event ev = event(s);
        CHECK(ev.type == Type::refresh_failed);
        CHECK(ev.code == code);
        CHECK(ev.expires == 600);  // seconds the subscription still has
        if (code == 401) CHECK(ev.challenge == "Digest realm=\"r\", nonce=\"n\"");
        CHECK(s.state() == Sub::State::subscribed);
        // One more try halfway to the expiry.
        CHECK(s.next_deadline() == 3300000);
        s.on_timeout(3300000);
        CHECK(s.state() == Sub::State::refreshing);
        Parsed again = sent(s);
        CHECK(header(again, "CSeq") == "3 SUBSCRIBE");
        CHECK(header(again, "Call-ID") == header(ref, "Call-ID"));
        REQUIRE(s.receive(answer(again, 200, "Expires: 3600\r\n").msg, 3300000, err) == Status::ok);
        ev = event(s);
        CHECK(ev.type == Type::subscribed);
        CHECK(s.state() == Sub::State::subscribed);
        CHECK(s.next_deadline() == 3300000 + 3000 * 1000);
    }
}

TEST_CASE("ua_profile subscriber: when every refresh fails, the subscription runs out") {
    Sub s = make();
    subscribed(s, 0, 3600);  // expires at 3600 s
    Error err;
    // Each failed refresh is tried again halfway to the expiry, while a whole transaction
    // (Timer F, 32 s) fits in that half: at 3000, 3300, 3450, 3525 and 3562.5 s.
    std::vector<uint64_t> tries;
    while (s.next_deadline() < 3600000) {
        uint64_t at = s.next_deadline();
        s.on_timeout(at);
        Parsed ref = sent(s);
        tries.push_back(at);
        REQUIRE(s.receive(answer(ref, 503).msg, at, err) == Status::ok);
        Sub::Event ev = event(s);
        CHECK(ev.type == Type::refresh_failed);
        CHECK(ev.expires == (3600000 - at) / 1000);
    }
    CHECK(tries == std::vector<uint64_t>{3000000, 3300000, 3450000, 3525000, 3562500});
    CHECK(s.next_deadline() == 3600000);
    s.on_timeout(3599999);
    no_event(s);
    no_output(s);
    s.on_timeout(3600000);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::terminated);
    CHECK(ev.reason == "timeout");
    CHECK(s.state() == Sub::State::terminated);
    CHECK(s.next_deadline() == PUSHCORE_NO_DEADLINE);
}

TEST_CASE("ua_profile subscriber: a refresh nobody answers is refresh_failed 408") {
    Sub s = make();
    subscribed(s, 0, 3600);
    s.on_timeout(s.next_deadline());  // 3000 s
    sent(s);
    s.on_timeout(3000000 + 32000);  // Timer F (TCP: no retransmissions)
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::refresh_failed);
    CHECK(ev.code == 408);
    CHECK(ev.expires == 568);
    CHECK(s.state() == Sub::State::subscribed);
    CHECK(s.next_deadline() == 3032000 + 284000);
}

TEST_CASE("ua_profile subscriber: stop() during a refresh that fails unsubscribes") {
    Sub s = make();
    subscribed(s, 0, 3600);
    s.on_timeout(s.next_deadline());
    Parsed ref = sent(s);
    REQUIRE(s.stop(3000000) == Status::ok);
    no_output(s);
    Error err;
    REQUIRE(s.receive(answer(ref, 503).msg, 3000001, err) == Status::ok);
    CHECK(event(s).type == Type::refresh_failed);
    CHECK(s.state() == Sub::State::unsubscribing);
    CHECK(header(sent(s), "Expires") == "0");
}

TEST_CASE(
    "ua_profile subscriber: a NOTIFY without Subscription-State, as in draft 7.12, is active") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.with_state = false;
    n.content_type = kMultipart;
    n.body = kDraftBody;
    CHECK(deliver(s, notify(sub, n), 200) == Status::ok);
    CHECK(s.sub_state() == Sub::SubState::active);
    CHECK(s.state() == Sub::State::subscribed);
    CHECK(event(s).type == Type::fetch);
}

TEST_CASE("ua_profile subscriber: a retransmission after a refused NOTIFY gets the 200 again") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.cseq = 7;
    Parsed ok = notify(sub, n);
    CHECK(deliver(s, ok, 200) == Status::ok);
    Notify bad;
    bad.call_id = "elsewhere";
    CHECK(deliver(s, notify(sub, bad), 481) == Status::unexpected_message);
    CHECK(deliver(s, ok, 200) == Status::ok);
    CHECK(event(s).type == Type::no_profile);
    no_event(s);
}

TEST_CASE("ua_profile subscriber: the plug-and-play application/url body is fetched once") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = "application/url";
    n.body = "http://pnp.example.com/cfg/00DF1E004CD0.xml\r\n";
    deliver(s, notify(sub, n), 200);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::fetch);
    CHECK(ev.url == "http://pnp.example.com/cfg/00DF1E004CD0.xml");
    // Without a Content-ID the URL identifies the content.
    CHECK(ev.content_id == "http://pnp.example.com/cfg/00DF1E004CD0.xml");
    CHECK(event(s).type == Type::apply_when_idle);
    n.cseq = 2;
    deliver(s, notify(sub, n), 200);
    no_event(s);
}

TEST_CASE(
    "ua_profile subscriber: an inline profile with a known Content-ID is not applied "
    "again") {
    Sub s = make();
    Parsed sub = subscribed(s);
    Notify n;
    n.content_type = "multipart/mixed;boundary=in";
    n.body =
        "--in\r\nContent-Type: application/x-z100-device-profile\r\nContent-ID: <p1@x>\r\n"
        "\r\nvolume=3\r\n--in--\r\n";
    deliver(s, notify(sub, n), 200);
    Sub::Event ev = event(s);
    CHECK(ev.type == Type::profile);
    CHECK(ev.content_id == "p1@x");
    CHECK(ev.body == "volume=3");
    CHECK(event(s).type == Type::apply_when_idle);
    n.cseq = 2;
    deliver(s, notify(sub, n), 200);
    no_event(s);
    REQUIRE(s.current_profile() != nullptr);
    CHECK(s.current_profile()->content_id == "p1@x");
}
