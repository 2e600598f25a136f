#include "pushcore/ua_profile/profile_notifier.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "pushcore/sip/headers.hpp"
#include "pushcore/ua_profile/content_indirection.hpp"
#include "support/sip_test_util.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;
using test::header;
using test::parse;
using test::Parsed;
using Notifier = ProfileNotifier;
using Event = ProfileNotifier::Event;

namespace {

const Notifier::Peer kPhone{7, "10.1.1.44", 5060};

// The draft's 7.12 SUBSCRIBE, as written (its To carries a tag).
const char* kDraftSubscribe =
    "SUBSCRIBE sip:MAC%3aFF00000036C5@acme.example.com SIP/2.0\r\n"
    "Event: ua-profile;profile-type=device;vendor=\"vendor.example.com\";\r\n"
    "      model=\"Z100\";version=\"1.2.3\"\r\n"
    "From: sip:MAC%3aFF00000036C5@acme.example.com;tag=1234\r\n"
    "To: sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd\r\n"
    "Call-ID: 3573853342923422@10.1.1.44\r\n"
    "CSeq: 2131 SUBSCRIBE\r\n"
    "Contact: sip:MAC%3aFF00000036C5@10.1.1.44\r\n"
    "Via: SIP/2.0/TCP 10.1.1.41;\r\n"
    "      branch=z9hG4bK6d6d35b6e2a203104d97211a3d18f57a\r\n"
    "Accept: message/external-body, application/x-z100-device-profile\r\n"
    "Content-Length: 0\r\n\r\n";

struct Store {
    std::map<std::string, Notifier::Profile> profiles;  // "type identity" -> profile
    int lookups = 0;
};

Notifier::Config config(Store& store) {
    Notifier::Config c;
    c.random = test::deterministic_random();
    c.via_sent_by = "192.168.0.3";
    c.contact = "<sip:profiles@192.168.0.3>";
    c.lookup = [&store](const Notifier::ProfileQuery& q, Notifier::Profile& out) {
        ++store.lookups;
        std::string key = std::string(profile_type_name(q.type)) + " " + std::string(q.identity);
        auto it = store.profiles.find(key);
        if (it == store.profiles.end()) return false;
        out = it->second;
        return true;
    };
    return c;
}

Notifier make(Notifier::Config c) {
    std::optional<Notifier> n;
    Error err;
    REQUIRE(Notifier::create(std::move(c), n, err) == Status::ok);
    return std::move(*n);
}

Notifier::Profile device_profile() {
    Notifier::Profile p;
    p.content_type = "application/x-z100-device-profile";
    p.url = "http://www.example.com/devices/ff00000036c5";
    p.content_id = "39EHF78SA@example.com";
    p.size = 1234;
    p.expiration = "Mon, 24 June 2002 09:00:00 GMT";
    p.hash = "0123456789abcdef0123456789abcdef01234567";
    p.body = "<device-profile/>";
    return p;
}

std::string subscribe(std::string ruri, std::string extra = "", std::string expires = "3600",
                      std::string event =
                          "ua-profile;profile-type=device;vendor=\"acme\";"
                          "model=\"Z100\";version=\"1.2.3\"",
                      int cseq = 1, std::string to_tag = "", std::string call = "c1") {
    std::string s = "SUBSCRIBE " + ruri +
                    " SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 10.1.1.44:5060;branch=z9hG4bKs" +
                    call + std::to_string(cseq) +
                    "\r\n"
                    "Max-Forwards: 70\r\n"
                    "From: <" +
                    ruri + ">;tag=ph1\r\nTo: <" + ruri + ">" +
                    (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\nCall-ID: " + call +
                    "\r\nCSeq: " + std::to_string(cseq) +
                    " SUBSCRIBE\r\n"
                    "Contact: <sip:phone@10.1.1.44:5060>\r\n"
                    "Event: " +
                    event + "\r\n";
    if (!expires.empty()) s += "Expires: " + expires + "\r\n";
    return s + extra + "Content-Length: 0\r\n\r\n";
}

Status feed(Notifier& n, const std::string& text, uint64_t now = 0, Error* out_err = nullptr) {
    Parsed m = parse(text);
    Error err;
    Status st = n.receive(m.msg, kPhone, now, err);
    if (out_err) *out_err = err;
    return st;
}

std::vector<Parsed> drain(Notifier& n) {
    std::vector<Parsed> all;
    Notifier::Output o;
    while (n.next_output(o)) {
        CHECK(o.to.flow == kPhone.flow);
        all.push_back(parse(o.bytes));
    }
    return all;
}

std::vector<Event> events(Notifier& n) {
    std::vector<Event> all;
    Event e;
    while (n.next_event(e)) all.push_back(e);
    return all;
}

std::string response_to(const Parsed& notify, uint16_t code) {
    return "SIP/2.0 " + std::to_string(code) +
           " X\r\n"
           "Via: " +
           header(notify, "Via") + "\r\nFrom: " + header(notify, "From") +
           "\r\nTo: " + header(notify, "To") + "\r\nCall-ID: " + header(notify, "Call-ID") +
           "\r\nCSeq: " + header(notify, "CSeq") + "\r\nContent-Length: 0\r\n\r\n";
}

// The same request as sent over TCP (its top Via): NOTIFYs are not retransmitted.
std::string over_tcp(std::string request) {
    size_t at = request.find("SIP/2.0/UDP");
    REQUIRE(at != std::string::npos);
    request.replace(at, 11, "SIP/2.0/TCP");
    return request;
}

// RFC 3261 17.1.2.2 Timer E from a NOTIFY sent at 0: T1 doubling up to T2, until Timer F.
const uint64_t kRetransmitAt[] = {500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500};

std::vector<BodyPart> body_of(const Parsed& notify, BodyForm* form = nullptr) {
    std::vector<BodyPart> parts;
    Error err;
    REQUIRE(parse_notify_body(header(notify, "Content-Type"), notify->body, parts, err,
                              BodyLimits{}, form) == Status::ok);
    return parts;
}

}  // namespace

TEST_CASE("ua_profile notifier: the draft's 7.12 SUBSCRIBE gets 200 and a 7.12-style NOTIFY") {
    Store store;
    store.profiles["device MAC:FF00000036C5"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, kDraftSubscribe, 1000) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[0]->status_code == 200);
    CHECK(header(out[0], "Expires") == "86400");  // no Expires: the 7.4 default
    CHECK(header(out[0], "To") == "sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd");

    const Parsed& notify = out[1];
    REQUIRE(notify->is_request);
    CHECK(notify->method == "NOTIFY");
    CHECK(notify->request_uri == "sip:MAC%3aFF00000036C5@10.1.1.44");
    CHECK(header(notify, "From") == "sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd");
    CHECK(header(notify, "To") == "sip:MAC%3aFF00000036C5@acme.example.com;tag=1234");
    CHECK(header(notify, "Call-ID") == "3573853342923422@10.1.1.44");
    CHECK(header(notify, "CSeq") == "1 NOTIFY");
    CHECK(header(notify, "Event") == "ua-profile");
    CHECK(header(notify, "Subscription-State") == "active;expires=86400");
    CHECK(header(notify, "MIME-Version") == "1.0");
    CHECK(header(notify, "Content-Type").rfind("multipart/mixed;boundary=", 0) == 0);
    // The Via names the transport the SUBSCRIBE came over (TCP in 7.12).
    CHECK(header(notify, "Via").rfind("SIP/2.0/TCP 192.168.0.3;branch=z9hG4bK", 0) == 0);

    BodyForm form;
    auto parts = body_of(notify, &form);
    CHECK(form == BodyForm::multipart);
    REQUIRE(parts.size() == 1);
    REQUIRE(parts[0].kind == PartKind::indirect);
    const IndirectProfile& p = parts[0].indirect;
    CHECK(p.url == "http://www.example.com/devices/ff00000036c5");
    CHECK(p.content_type == "application/x-z100-device-profile");
    CHECK(p.content_id == "39EHF78SA@example.com");
    CHECK(p.size == uint64_t{1234});
    CHECK(p.expiration == "Mon, 24 June 2002 09:00:00 GMT");
    CHECK(p.hash == "0123456789abcdef0123456789abcdef01234567");

    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::subscribed);
    CHECK(ev[0].identity == "MAC:FF00000036C5");
    CHECK(ev[0].vendor == "vendor.example.com");
    CHECK(ev[0].model == "Z100");
    CHECK(ev[0].version == "1.2.3");
    CHECK(ev[0].known);
    CHECK(n.subscription_count() == 1);
    CHECK(n.state_of(ev[0].subscription) == Notifier::State::notifying);

    // The 200 to the NOTIFY makes the subscription idle.
    REQUIRE(feed(n, response_to(notify, 200), 1100) == Status::ok);
    CHECK(n.state_of(ev[0].subscription) == Notifier::State::active);
}

TEST_CASE("ua_profile notifier: a Content-ID is derived when the host gives none") {
    Store store;
    Notifier::Profile p = device_profile();
    p.content_id.clear();
    store.profiles["device MAC:00DF1E004CD0"] = p;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com",
                              "Accept: message/external-body\r\n")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    auto parts = body_of(out[1]);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].indirect.content_id.size() > 8);
    CHECK(valid_content_id(parts[0].indirect.content_id));
}

TEST_CASE("ua_profile notifier: Accept without message/external-body gets the profile inline") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com",
                              "Accept: application/x-z100-device-profile\r\n")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Content-Type") == "application/x-z100-device-profile");
    CHECK(out[1]->body == "<device-profile/>");
    CHECK(header(out[1], "MIME-Version").empty());
}

TEST_CASE("ua_profile notifier: an inline profile of a type Accept does not list is not sent") {
    Store store;
    Notifier::Profile p = device_profile();
    p.url.clear();  // inline only
    store.profiles["device MAC:00DF1E004CD0"] = p;
    Notifier n = make(config(store));
    // RFC 3265 3.1.2: Accept bounds the bodies of every NOTIFY; 7.7 allows none.
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com",
                              "Accept: application/xml, message/external-body\r\n")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Content-Type").empty());
    CHECK(out[1]->body.empty());
    // A wildcard admits it.
    REQUIRE(
        feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "Accept: application/*\r\n", "3600",
                          "ua-profile;profile-type=device;vendor=\"a\";model=\"b\";"
                          "version=\"c\"",
                          1, "", "c2")) == Status::ok);
    out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[1]->body == "<device-profile/>");
}

TEST_CASE("ua_profile notifier: a content type that is not a media type is never written") {
    Store store;
    Notifier::Profile p = device_profile();
    p.url.clear();
    p.content_type = "text/plain\r\nX-Injected: 1";
    store.profiles["device MAC:00DF1E004CD0"] = p;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[1].text->find("X-Injected") == std::string::npos);
    CHECK(out[1]->body.empty());
}

TEST_CASE("ua_profile notifier: a NOTIFY's Via names its SUBSCRIBE's transport") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);  // UDP
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Via").rfind("SIP/2.0/UDP 192.168.0.3;branch=z9hG4bK", 0) == 0);
    std::string tls = subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                                "ua-profile;profile-type=device;vendor=\"a\";model=\"b\";"
                                "version=\"c\"",
                                1, "", "c2");
    tls.replace(tls.find("SIP/2.0/UDP"), 11, "SIP/2.0/tls");
    REQUIRE(feed(n, tls) == Status::ok);
    out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Via").rfind("SIP/2.0/TLS 192.168.0.3;branch=z9hG4bK", 0) == 0);
}

TEST_CASE("ua_profile notifier: plug-and-play SUBSCRIBE (Expires 0, application/url, MAC:)") {
    Store store;
    store.profiles["device MAC:000413A1B2C3"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(
        feed(n, subscribe("sip:MAC:000413a1b2c3@192.168.1.255", "Accept: application/url\r\n", "0",
                          "ua-profile;profile-type=\"device\";vendor=\"snom\";"
                          "model=\"snom370\";version=\"8.7.3.25\"")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[0]->status_code == 200);
    CHECK(header(out[0], "Expires") == "0");
    CHECK(header(out[1], "Subscription-State") == "terminated;reason=timeout");
    CHECK(header(out[1], "Content-Type") == "application/url");
    CHECK(out[1]->body == "http://www.example.com/devices/ff00000036c5\r\n");
    BodyForm form;
    auto parts = body_of(out[1], &form);
    CHECK(form == BodyForm::url);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].indirect.url == "http://www.example.com/devices/ff00000036c5");

    // One NOTIFY only; its answer ends the subscription.
    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(n.state_of(ev[0].subscription) == Notifier::State::terminating);
    REQUIRE(feed(n, response_to(out[1], 200), 10) == Status::ok);
    CHECK(n.subscription_count() == 0);
    ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::terminated);
    CHECK(ev[0].reason == Notifier::EndReason::unsubscribed);
    CHECK(drain(n).empty());
}

namespace {

// A plug-and-play SUBSCRIBE with the device URI spelled `uri` reaches the device's profile.
void check_device_spelling(const std::string& uri) {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe(uri, "Accept: application/url\r\n", "0")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[0]->status_code == 200);
    CHECK(header(out[1], "Content-Type") == "application/url");
    CHECK(out[1]->body == "http://www.example.com/devices/ff00000036c5\r\n");
    CHECK(header(out[1], "Subscription-State") == "terminated;reason=timeout");
    auto ev = events(n);
    REQUIRE(!ev.empty());
    CHECK(ev[0].identity == "MAC:00DF1E004CD0");
    CHECK(ev[0].known);
}

}  // namespace

TEST_CASE("ua_profile notifier: device URI written MAC%3a (draft 7.13.1)") {
    check_device_spelling("sip:MAC%3a00DF1E004CD0@example.com");
}

TEST_CASE("ua_profile notifier: device URI written MAC: unescaped (deployed)") {
    check_device_spelling("sip:MAC:00DF1E004CD0@example.com");
}

TEST_CASE("ua_profile notifier: device URI written MAC= with lower-case hex (deployed)") {
    check_device_spelling("sip:MAC=00df1e004cd0@example.com");
}

TEST_CASE("ua_profile notifier: device URI written as an escaped UUID URN") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(
        feed(n, subscribe("sip:urn%3auuid%3aF81D4FAE-7DEC-11D0-A765-00A0C91E6BF6@example.com")) ==
        Status::ok);
    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].identity == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
}

TEST_CASE("ua_profile notifier: profile-type=application is accepted, identity user@host") {
    for (Form form : {Form::draft08, Form::rfc6080}) {
        Store store;
        Notifier::Profile p;
        p.content_type = "application/x-app";
        p.body = "app";
        store.profiles["application alice@example.com"] = p;
        Notifier::Config c = config(store);
        c.form = form;
        Notifier n = make(c);
        REQUIRE(feed(n, subscribe("sip:alice@EXAMPLE.com", "Accept: application/x-app\r\n", "3600",
                                  "ua-profile;profile-type=application;vendor=\"a\";"
                                  "model=\"b\";version=\"c\"")) == Status::ok);
        auto out = drain(n);
        REQUIRE(out.size() == 2);
        CHECK(out[1]->body == "app");
        auto ev = events(n);
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].profile_type == ProfileType::application);
        CHECK(ev[0].identity == "alice@example.com");
    }
    // RFC 6080 form with application refused by configuration: 400 naming it.
    Store store;
    Notifier::Config c = config(store);
    c.form = Form::rfc6080;
    c.accept_application = false;
    Notifier n = make(c);
    CHECK(feed(n, subscribe("sip:alice@example.com", "", "3600",
                            "ua-profile;profile-type=application;vendor=\"a\";"
                            "model=\"b\";version=\"c\"")) == Status::bad_header);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 400);
    CHECK(out[0]->reason.find("profile-type=application") != std::string_view::npos);
}

TEST_CASE("ua_profile notifier: an unknown device is accepted and gets a NOTIFY without body") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com",
                              "Accept: message/external-body\r\n")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[0]->status_code == 200);
    CHECK(out[1]->method == "NOTIFY");
    CHECK(out[1]->body.empty());
    CHECK(header(out[1], "Content-Type").empty());
    CHECK(header(out[1], "Subscription-State") == "active;expires=3600");
    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK_FALSE(ev[0].known);

    // Once provisioned, profile_changed() delivers it on the same subscription (7.6).
    REQUIRE(feed(n, response_to(out[1], 200)) == Status::ok);
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    CHECK(n.profile_changed(ProfileType::device, "00:df:1e:00:4c:d0", std::nullopt, 5) == 1);
    out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(header(out[0], "CSeq") == "2 NOTIFY");
    CHECK(body_of(out[0]).size() == 1);
}

TEST_CASE("ua_profile notifier: unknown devices refused when configured (404)") {
    Store store;
    Notifier::Config c = config(store);
    c.accept_unknown = false;
    Notifier n = make(c);
    CHECK(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 404);
    CHECK(n.subscription_count() == 0);
}

TEST_CASE("ua_profile notifier: other event packages get 489 with Allow-Events") {
    Store store;
    Notifier n = make(config(store));
    Error err;
    CHECK(feed(n, subscribe("sip:alice@example.com", "", "3600", "presence"), 0, &err) ==
          Status::not_found);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 489);
    CHECK(header(out[0], "Allow-Events") == "ua-profile");
    CHECK(n.subscription_count() == 0);
    CHECK(events(n).empty());
}

TEST_CASE("ua_profile notifier: 400 names the missing or bad Event parameter") {
    struct Case {
        const char* event;
        const char* word;
    };
    const Case cases[] = {
        {"ua-profile;profile-type=device;model=\"m\";version=\"1\"", "vendor"},
        {"ua-profile;profile-type=device;vendor=\"v\";version=\"1\"", "model"},
        {"ua-profile;profile-type=device;vendor=\"v\";model=\"m\"", "version"},
        {"ua-profile;profile-type=device;vendor=\"v\";model=\"m\";version=\"1\";vendor=\"w\"",
         "vendor"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.event);
        Store store;
        Notifier n = make(config(store));
        Error err;
        CHECK(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600", c.event), 0,
                   &err) != Status::ok);
        auto out = drain(n);
        REQUIRE(out.size() == 1);
        CHECK(out[0]->status_code == 400);
        CHECK(out[0]->reason.find(c.word) != std::string_view::npos);
        CHECK(n.subscription_count() == 0);
    }
    // No Event header at all.
    Store store;
    Notifier n = make(config(store));
    std::string text = subscribe("sip:alice@example.com");
    text.erase(text.find("Event: "),
               text.find("\r\n", text.find("Event: ")) + 2 - text.find("Event: "));
    CHECK(feed(n, text) == Status::missing_header);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 400);
}

TEST_CASE("ua_profile notifier: profile_changed notifies every subscriber with effective-by") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    const std::string uri = "sip:MAC%3a00DF1E004CD0@example.com";
    REQUIRE(feed(n, subscribe(uri, "Accept: message/external-body\r\n", "3600",
                              "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                              "version=\"1\"",
                              1, "", "a")) == Status::ok);
    REQUIRE(feed(n, subscribe(uri, "Accept: message/external-body\r\n", "3600",
                              "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                              "version=\"1\"",
                              1, "", "b")) == Status::ok);
    // A subscriber of another device is not notified.
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD1@example.com", "", "3600",
                              "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                              "version=\"1\"",
                              1, "", "c")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 6);
    for (size_t i : {1u, 3u, 5u}) REQUIRE(feed(n, response_to(out[i], 200)) == Status::ok);
    CHECK(drain(n).empty());

    store.profiles["device MAC:00DF1E004CD0"].content_id = "v2@example.com";
    CHECK(n.profile_changed(ProfileType::device, "MAC:00DF1E004CD0", 3600, 50) == 2);
    out = drain(n);
    REQUIRE(out.size() == 2);
    std::vector<std::string> calls;
    for (const Parsed& p : out) {
        CHECK(p->method == "NOTIFY");
        CHECK(header(p, "Event") == "ua-profile;effective-by=3600");
        CHECK(header(p, "CSeq") == "2 NOTIFY");
        auto parts = body_of(p);
        REQUIRE(parts.size() == 1);
        CHECK(parts[0].indirect.content_id == "v2@example.com");
        calls.push_back(header(p, "Call-ID"));
    }
    CHECK(calls == std::vector<std::string>{"a", "b"});
    // The user profile of the same name is another profile: nobody.
    CHECK(n.profile_changed(ProfileType::user, "MAC:00DF1E004CD0", std::nullopt, 60) == 0);
}

TEST_CASE("ua_profile notifier: changes during an outstanding NOTIFY wait for its answer") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(n.profile_changed(ProfileType::device, "MAC:00DF1E004CD0", 600, 1) == 1);
    CHECK(n.profile_changed(ProfileType::device, "MAC:00DF1E004CD0", 60, 2) == 1);
    CHECK(drain(n).empty());  // RFC 6665 4.2.2: one NOTIFY at a time
    REQUIRE(feed(n, response_to(out[1], 200), 3) == Status::ok);
    auto next = drain(n);
    REQUIRE(next.size() == 1);
    CHECK(header(next[0], "Event") == "ua-profile;effective-by=60");
    CHECK(header(next[0], "CSeq") == "2 NOTIFY");
}

TEST_CASE("ua_profile notifier: expiry sends a terminated NOTIFY and removes the subscription") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(feed(n,
                 subscribe("sip:alice@example.com", "", "120",
                           "ua-profile;profile-type=user;vendor=\"v\";model=\"m\";"
                           "version=\"1\""),
                 1000) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Subscription-State") == "active;expires=120");
    REQUIRE(feed(n, response_to(out[1], 200), 1200) == Status::ok);
    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    uint64_t id = ev[0].subscription;

    CHECK(n.next_deadline() <= 121000);
    n.on_timeout(120999);
    CHECK(drain(n).empty());
    n.on_timeout(121000);
    out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(header(out[0], "Subscription-State") == "terminated;reason=timeout");
    CHECK(header(out[0], "CSeq") == "2 NOTIFY");
    CHECK(n.state_of(id) == Notifier::State::terminating);
    REQUIRE(feed(n, response_to(out[0], 200), 121100) == Status::ok);
    CHECK(n.subscription_count() == 0);
    ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::terminated);
    CHECK(ev[0].reason == Notifier::EndReason::timeout);
}

TEST_CASE("ua_profile notifier: a refresh extends the subscription and sends a NOTIFY") {
    Store store;
    Notifier n = make(config(store));
    const std::string uri = "sip:MAC%3a00DF1E004CD0@example.com";
    REQUIRE(feed(n, subscribe(uri, "", "120"), 0) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    std::string tag(sip::tag_of(header(out[0], "To")));
    REQUIRE(!tag.empty());
    CHECK(sip::tag_of(header(out[1], "From")) == tag);
    REQUIRE(feed(n, response_to(out[1], 200), 10) == Status::ok);
    events(n);

    // A retransmission of the first SUBSCRIBE: the same 200, no NOTIFY.
    REQUIRE(feed(n, subscribe(uri, "", "120"), 20) == Status::ok);
    auto again = drain(n);
    REQUIRE(again.size() == 1);
    CHECK(*again[0].text == *out[0].text);

    std::string refresh =
        subscribe(uri, "", "300",
                  "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";version=\"1\"", 2, tag);
    REQUIRE(feed(n, refresh, 100000) == Status::ok);
    out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[0]->status_code == 200);
    CHECK(header(out[0], "Expires") == "300");
    CHECK(header(out[1], "Subscription-State") == "active;expires=300");
    CHECK(header(out[1], "CSeq") == "2 NOTIFY");
    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::refreshed);
    REQUIRE(feed(n, response_to(out[1], 200), 100010) == Status::ok);
    n.on_timeout(120000);  // the old expiry: nothing
    CHECK(drain(n).empty());
    CHECK(n.subscription_count() == 1);
    n.on_timeout(400000);
    out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(header(out[0], "Subscription-State") == "terminated;reason=timeout");

    // An older CSeq in the dialog: 500.
    Store store2;
    Notifier m = make(config(store2));
    REQUIRE(feed(m, subscribe(uri, "", "120",
                              "ua-profile;profile-type=device;vendor=\"v\";"
                              "model=\"m\";version=\"1\"",
                              5)) == Status::ok);
    out = drain(m);
    tag = std::string(sip::tag_of(header(out[0], "To")));
    CHECK(feed(m, subscribe(uri, "", "120",
                            "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";version=\"1\"",
                            4, tag)) == Status::unexpected_message);
    out = drain(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 500);
}

TEST_CASE("ua_profile notifier: unsubscribe in the dialog sends a terminated NOTIFY") {
    Store store;
    Notifier n = make(config(store));
    const std::string uri = "sip:MAC%3a00DF1E004CD0@example.com";
    const std::string event =
        "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";version=\"1\"";
    REQUIRE(feed(n, subscribe(uri, "", "120")) == Status::ok);
    auto out = drain(n);
    std::string tag(sip::tag_of(header(out[0], "To")));
    // Unsubscribe while the first NOTIFY is outstanding: the final one waits for it.
    REQUIRE(feed(n, subscribe(uri, "", "0", event, 2, tag), 5) == Status::ok);
    auto un = drain(n);
    REQUIRE(un.size() == 1);
    CHECK(un[0]->status_code == 200);
    CHECK(header(un[0], "Expires") == "0");
    REQUIRE(feed(n, response_to(out[1], 200), 6) == Status::ok);
    auto fin = drain(n);
    REQUIRE(fin.size() == 1);
    CHECK(header(fin[0], "Subscription-State") == "terminated;reason=timeout");
    CHECK(fin[0]->body.empty());
    REQUIRE(feed(n, response_to(fin[0], 200), 7) == Status::ok);
    CHECK(n.subscription_count() == 0);
}

TEST_CASE("ua_profile notifier: dialogs found by Call-ID and both tags (fuzz findings)") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    const std::string ev = "ua-profile;profile-type=device;vendor=\"a\";model=\"b\";version=\"c\"";
    const std::string ruri = "sip:MAC%3a00DF1E004CD0@example.com";
    // Two unknown To tags on one Call-ID and From tag (accept_unknown_dialog): two
    // subscriptions; a refresh of the first stays the first's.
    REQUIRE(feed(n, subscribe(ruri, "", "3600", ev, 1, "abcd")) == Status::ok);
    REQUIRE(feed(n, subscribe(ruri, "", "3600", ev, 2, "efgh")) == Status::ok);
    REQUIRE(n.subscription_count() == 2);
    drain(n);
    events(n);
    REQUIRE(feed(n, subscribe(ruri, "", "3600", ev, 3, "abcd")) == Status::ok);
    CHECK(n.subscription_count() == 2);
    auto ev3 = events(n);
    REQUIRE(ev3.size() == 1);
    CHECK(ev3[0].type == Event::Type::refreshed);
}

TEST_CASE("ua_profile notifier: a SUBSCRIBE to our Contact in a lost dialog gets 481") {
    Store store;
    Notifier n = make(config(store));
    // Sent to the notifier's Contact with a To tag: a refresh of a subscription it does not
    // have (a restart), not the draft's 7.12 initial SUBSCRIBE with a tag.
    REQUIRE(feed(n, subscribe("sip:profiles@192.168.0.3", "", "3600",
                              "ua-profile;profile-type=user;vendor=\"a\";model=\"b\";"
                              "version=\"c\"",
                              5, "zz")) == Status::unexpected_message);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 481);
    CHECK(n.subscription_count() == 0);
}

TEST_CASE("ua_profile notifier: a new transaction with the dialog's CSeq is not a retransmission") {
    Store store;
    Notifier n = make(config(store));
    std::string first = subscribe("sip:MAC%3a00DF1E004CD0@example.com");
    REQUIRE(feed(n, first) == Status::ok);
    drain(n);
    std::string other = first;
    other.replace(other.find("branch=z9hG4bKs"), 15, "branch=z9hG4bKq");
    Error err;
    CHECK(feed(n, other, 0, &err) == Status::unexpected_message);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 500);
    CHECK(header(out[0], "Via") == header(parse(other), "Via"));
    // The real retransmission still gets the 200 again.
    REQUIRE(feed(n, first) == Status::ok);
    out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 200);
}

TEST_CASE("ua_profile notifier: a refused refresh is refused again when retransmitted") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
    auto out = drain(n);
    std::string tag(sip::tag_of(header(out[0], "To")));
    std::string refresh =
        subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600", "presence", 2, tag);
    CHECK(feed(n, refresh) == Status::not_found);
    CHECK(drain(n).at(0)->status_code == 489);
    CHECK(feed(n, refresh) == Status::ok);  // the same transaction: the same answer
    auto again = drain(n);
    REQUIRE(again.size() == 1);
    CHECK(again[0]->status_code == 489);
    CHECK(header(again[0], "CSeq") == "2 SUBSCRIBE");
}

TEST_CASE("ua_profile notifier: a quoted Event id and a Contact with LWS go out well formed") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                              "ua-profile;profile-type=device;vendor=\"a\";model=\"b\";"
                              "version=\"c\";id=\"a b\"")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Event") == "ua-profile;id=\"a b\"");
    UaProfileEvent parsed;
    Error err;
    CHECK(parse_event(header(out[1], "Event"), parsed, err) == Status::ok);

    std::string lws = subscribe("sip:MAC%3a00DF1E004CD1@example.com", "", "3600",
                                "ua-profile;profile-type=device;vendor=\"a\";model=\"b\";"
                                "version=\"c\"",
                                1, "", "c9");
    lws.replace(lws.find("Contact: <sip:phone@10.1.1.44:5060>"),
                std::string("Contact: <sip:phone@10.1.1.44:5060>").size(),
                "Contact: <sip:phone@10.1.1.44:5060 ; transport=udp>");
    REQUIRE(feed(n, lws) == Status::ok);
    out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(out[1]->request_uri == "sip:phone@10.1.1.44:5060;transport=udp");
}

TEST_CASE("ua_profile notifier: the host ends a subscription with an RFC 6665 reason") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
    auto out = drain(n);
    uint64_t id = events(n).at(0).subscription;
    CHECK(n.terminate(id + 1, Notifier::Termination::rejected, std::nullopt, 0) ==
          Status::not_found);

    // The first NOTIFY is still unanswered: the terminated one waits for its answer.
    REQUIRE(n.terminate(id, Notifier::Termination::probation, 600, 10) == Status::ok);
    CHECK(drain(n).empty());
    CHECK(n.terminate(id, Notifier::Termination::rejected, std::nullopt, 10) ==
          Status::invalid_state);
    REQUIRE(feed(n, response_to(out[1], 200), 20) == Status::ok);
    auto fin = drain(n);
    REQUIRE(fin.size() == 1);
    CHECK(header(fin[0], "Subscription-State") == "terminated;reason=probation;retry-after=600");
    CHECK(fin[0]->body.empty());  // a terminated NOTIFY of a live subscription carries none
    CHECK(n.state_of(id) == Notifier::State::terminating);
    CHECK(events(n).empty());
    REQUIRE(feed(n, response_to(fin[0], 200), 30) == Status::ok);
    auto ev = events(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Event::Type::terminated);
    CHECK(ev[0].reason == Notifier::EndReason::by_host);
    CHECK(ev[0].identity == "MAC:00DF1E004CD0");
    CHECK(n.subscription_count() == 0);

    // Without retry-after, from an active subscription: at once.
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                              "ua-profile;profile-type=device;vendor=\"a\";model=\"b\";"
                              "version=\"c\"",
                              1, "", "c2")) == Status::ok);
    out = drain(n);
    id = events(n).at(0).subscription;
    REQUIRE(feed(n, response_to(out[1], 200), 40) == Status::ok);
    REQUIRE(n.terminate(id, Notifier::Termination::noresource, std::nullopt, 50) == Status::ok);
    fin = drain(n);
    REQUIRE(fin.size() == 1);
    CHECK(header(fin[0], "Subscription-State") == "terminated;reason=noresource");
}

TEST_CASE("ua_profile notifier: NOTIFY failures end the subscription") {
    Store store;
    Notifier n = make(config(store));
    SUBCASE("481") {
        REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
        auto out = drain(n);
        events(n);
        REQUIRE(feed(n, response_to(out[1], 481)) == Status::ok);
        CHECK(n.subscription_count() == 0);
        auto ev = events(n);
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].reason == Notifier::EndReason::notify_failed);
        CHECK(ev[0].code == 481);
        // A second answer to it within T4 (Timer K) is absorbed; after that it is unexpected.
        Error err;
        CHECK(feed(n, response_to(out[1], 481), 4999, &err) == Status::ok);
        CHECK(events(n).empty());
        CHECK(drain(n).empty());
        CHECK(feed(n, response_to(out[1], 481), 5000, &err) == Status::unexpected_message);
        CHECK(std::string(err.reason) == "response to no outstanding NOTIFY");
    }
    SUBCASE("no answer within Timer F") {
        REQUIRE(feed(n, over_tcp(subscribe("sip:MAC%3a00DF1E004CD0@example.com")), 0) ==
                Status::ok);
        drain(n);
        events(n);
        CHECK(n.next_deadline() == 32000);
        n.on_timeout(32000);
        CHECK(n.subscription_count() == 0);
        auto ev = events(n);
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].reason == Notifier::EndReason::no_response);
    }
    SUBCASE("output_failed") {
        REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
        Notifier::Output o;
        REQUIRE(n.next_output(o));  // the 200
        CHECK(n.output_failed(0) == Status::not_found);
        REQUIRE(n.next_output(o));  // the NOTIFY
        CHECK(n.output_failed(0) == Status::ok);
        CHECK(n.subscription_count() == 0);
    }
    SUBCASE("a failure with Retry-After keeps it") {
        REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com")) == Status::ok);
        auto out = drain(n);
        std::string resp = response_to(out[1], 503);
        resp.insert(resp.find("Content-Length"), "Retry-After: 5\r\n");
        REQUIRE(feed(n, resp) == Status::ok);
        CHECK(n.subscription_count() == 1);
    }
}

TEST_CASE("ua_profile notifier: enrollment windows (10.4)") {
    Store store;
    Notifier n = make(config(store));
    Error err;
    REQUIRE(n.add_expected("00:DF:1E:00:4C:D0", 1000, 5000, err) == Status::ok);
    REQUIRE(n.add_expected("MAC:00DF1E004CD1", 1000, 5000, err) == Status::ok);
    REQUIRE(n.add_expected("MAC:00DF1E004CD2", 1000, 5000, err) == Status::ok);
    CHECK(n.add_expected("not a mac", 0, 1, err) != Status::ok);
    CHECK(n.add_expected("MAC:00DF1E004CD3", 10, 1, err) == Status::invalid_argument);
    CHECK(n.is_expected("MAC:00DF1E004CD0"));
    CHECK(n.expected_devices().size() == 3);

    // Inside its window: enrolled.
    REQUIRE(feed(n,
                 subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                           "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                           "version=\"1\"",
                           1, "", "a"),
                 2000) == Status::ok);
    auto ev = events(n);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].type == Event::Type::enrolled);
    CHECK(ev[0].identity == "MAC:00DF1E004CD0");
    CHECK(n.is_enrolled("00df1e004cd0"));
    CHECK_FALSE(n.is_expected("MAC:00DF1E004CD0"));
    CHECK(n.enrolled_devices() == std::vector<std::string>{"MAC:00DF1E004CD0"});

    // Too early and too late: refused, the SUBSCRIBE still accepted (accept_unknown).
    REQUIRE(feed(n,
                 subscribe("sip:MAC%3a00DF1E004CD1@example.com", "", "3600",
                           "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                           "version=\"1\"",
                           1, "", "b"),
                 999) == Status::ok);
    REQUIRE(feed(n,
                 subscribe("sip:MAC%3a00DF1E004CD2@example.com", "", "3600",
                           "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                           "version=\"1\"",
                           1, "", "c"),
                 5001) == Status::ok);
    ev = events(n);
    REQUIRE(ev.size() == 4);
    CHECK(ev[0].type == Event::Type::enrollment_refused);
    CHECK(ev[0].refusal == Notifier::Refusal::too_early);
    CHECK(ev[1].type == Event::Type::subscribed);
    CHECK(ev[2].type == Event::Type::enrollment_refused);
    CHECK(ev[2].refusal == Notifier::Refusal::too_late);
    CHECK(n.is_expected("MAC:00DF1E004CD1"));
    CHECK_FALSE(n.is_enrolled("MAC:00DF1E004CD1"));
    CHECK(n.subscription_count() == 3);
    CHECK(n.remove_enrolled("MAC:00DF1E004CD0"));
    CHECK(n.remove_expected("MAC:00DF1E004CD1"));
    CHECK_FALSE(n.remove_expected("MAC:00DF1E004CD1"));
}

TEST_CASE("ua_profile notifier: network-user asks the host policy (7.6) and is echoed") {
    Store store;
    Notifier::Config c = config(store);
    std::string asked;
    c.network_user_policy = [&asked](std::string_view device, std::string_view user) {
        asked = std::string(device) + " " + std::string(user);
        return true;
    };
    Notifier n = make(c);
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                              "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                              "version=\"1\";network-user=\"sip:bob@example.com\"")) == Status::ok);
    CHECK(asked == "MAC:00DF1E004CD0 sip:bob@example.com");
    auto ev = events(n);
    REQUIRE(ev.size() == 2);
    CHECK(ev[1].type == Event::Type::default_user);
    CHECK(ev[1].accepted);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Event") == "ua-profile;network-user=\"sip:bob@example.com\"");
}

TEST_CASE("ua_profile notifier: limits and configuration") {
    Store store;
    Notifier::Config c = config(store);
    c.max_subscriptions = 1;
    c.min_expires = 60;
    Notifier n = make(c);
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                              "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                              "version=\"1\"",
                              1, "", "a")) == Status::ok);
    drain(n);
    CHECK(feed(n, subscribe("sip:MAC%3a00DF1E004CD1@example.com", "", "3600",
                            "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                            "version=\"1\"",
                            1, "", "b")) == Status::limit_subscriptions);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 503);
    CHECK(header(out[0], "Retry-After") == "60");

    Notifier m = make(config(store));
    CHECK(feed(m, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "30")) ==
          Status::invalid_argument);
    out = drain(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 423);
    CHECK(header(out[0], "Min-Expires") == "60");
    // Longer than max_expires: shortened.
    REQUIRE(feed(m, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "99999999")) == Status::ok);
    out = drain(m);
    CHECK(header(out[0], "Expires") == std::to_string(7 * 86400));

    // Other methods: 405.
    std::string options = subscribe("sip:alice@example.com");
    options.replace(0, 9, "OPTIONS");
    options.replace(options.find("1 SUBSCRIBE"), 11, "1 OPTIONS");
    CHECK(feed(m, options) == Status::unexpected_message);
    out = drain(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 405);
    CHECK(header(out[0], "Allow") == "SUBSCRIBE");

    // A To tag naming no dialog is refused when configured.
    Notifier::Config strict = config(store);
    strict.accept_unknown_dialog = false;
    Notifier s = make(strict);
    CHECK(feed(s, kDraftSubscribe) == Status::unexpected_message);
    out = drain(s);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 481);

    // Bad configurations.
    std::optional<Notifier> none;
    Error err;
    Notifier::Config bad = config(store);
    bad.random = Random{};
    CHECK(Notifier::create(bad, none, err) == Status::invalid_argument);
    bad = config(store);
    bad.min_expires = 100;
    bad.max_expires = 10;
    CHECK(Notifier::create(bad, none, err) == Status::invalid_argument);
    bad = config(store);
    bad.contact = "x\r\nInjected: 1";
    CHECK(Notifier::create(bad, none, err) == Status::invalid_argument);
    Notifier e = make(config(store));
    Error lerr;
    Notifier::Config one = config(store);
    one.max_expected_devices = 1;
    Notifier l = make(one);
    CHECK(l.add_expected("MAC:00DF1E004CD0", 0, 1, lerr) == Status::ok);
    CHECK(l.add_expected("MAC:00DF1E004CD0", 0, 2, lerr) == Status::ok);  // replaces
    CHECK(l.add_expected("MAC:00DF1E004CD1", 0, 1, lerr) == Status::limit_store);
}

TEST_CASE("ua_profile notifier: a device URI that names no device gets 404") {
    Store store;
    Notifier n = make(config(store));
    Error err;
    CHECK(feed(n, subscribe("sip:alice@example.com"), 0, &err) != Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0]->status_code == 404);
    CHECK(n.subscription_count() == 0);
}

TEST_CASE("ua_profile notifier: no Accept header gets content indirection, both listed too") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                              "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                              "version=\"1\"",
                              1, "", "a")) == Status::ok);
    REQUIRE(
        feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com",
                          "Accept: application/url\r\nAccept: message/external-body\r\n", "3600",
                          "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                          "version=\"1\"",
                          1, "", "b")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 4);
    for (size_t i : {1u, 3u}) {
        BodyForm form;
        auto parts = body_of(out[i], &form);
        CHECK(form == BodyForm::multipart);
        REQUIRE(parts.size() == 1);
        CHECK(parts[0].indirect.content_id == "39EHF78SA@example.com");
    }
}

TEST_CASE("ua_profile notifier: network-user without a policy, and under RFC 6080") {
    {
        Store store;
        Notifier n = make(config(store));
        REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                                  "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                                  "version=\"1\";network-user=\"sip:bob@example.com\"")) ==
                Status::ok);
        auto ev = events(n);
        REQUIRE(ev.size() == 2);
        CHECK(ev[1].type == Event::Type::default_user);
        CHECK(ev[1].network_user == "sip:bob@example.com");
        CHECK_FALSE(ev[1].accepted);  // no policy: refused
    }
    {
        Store store;
        Notifier::Config c = config(store);
        c.form = Form::rfc6080;
        bool asked = false;
        c.network_user_policy = [&asked](std::string_view, std::string_view) {
            asked = true;
            return true;
        };
        Notifier n = make(c);
        REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "3600",
                                  "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";"
                                  "version=\"1\";network-user=\"sip:bob@example.com\"")) ==
                Status::ok);
        CHECK_FALSE(asked);  // RFC 6080 has no network-user
        CHECK(events(n).size() == 1);
        auto out = drain(n);
        REQUIRE(out.size() == 2);
        CHECK(header(out[1], "Event") == "ua-profile");
    }
}

TEST_CASE("ua_profile notifier: the Event id and the Record-Route set are kept in the dialog") {
    Store store;
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:alice@example.com",
                              "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n",
                              "3600",
                              "ua-profile;profile-type=user;vendor=\"v\";model=\"m\";"
                              "version=\"1\";id=7")) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Event") == "ua-profile;id=7");
    REQUIRE(out[1]->count(sip::HeaderId::route) == 2);
    std::vector<std::string> routes;
    for (const auto& h : out[1]->headers)
        if (h.id == sip::HeaderId::route) routes.emplace_back(h.value);
    CHECK(routes == std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"});
    CHECK(out[1]->request_uri == "sip:phone@10.1.1.44:5060");
}

TEST_CASE("ua_profile notifier: a NOTIFY over UDP is retransmitted on Timer E (RFC 3261 17.1.2)") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com"), 0) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    const std::string notify = *out[1].text;
    uint64_t id = events(n).at(0).subscription;

    // Each retransmission at its time, not a millisecond before: the same bytes, same peer.
    auto expect_retransmissions = [&](size_t count) {
        for (size_t i = 0; i < count; ++i) {
            uint64_t at = kRetransmitAt[i];
            CAPTURE(at);
            CHECK(n.next_deadline() == at);
            n.on_timeout(at - 1);
            CHECK(drain(n).empty());
            n.on_timeout(at);
            auto again = drain(n);
            REQUIRE(again.size() == 1);
            CHECK(*again[0].text == notify);
        }
    };

    SUBCASE("until Timer F ends the subscription") {
        expect_retransmissions(10);
        CHECK(n.next_deadline() == 32000);
        n.on_timeout(31999);
        CHECK(drain(n).empty());
        n.on_timeout(32000);
        CHECK(drain(n).empty());
        CHECK(n.subscription_count() == 0);
        auto ev = events(n);
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].type == Event::Type::terminated);
        CHECK(ev[0].reason == Notifier::EndReason::no_response);
        n.on_timeout(40000);
        CHECK(drain(n).empty());
    }
    SUBCASE("none after the 200") {
        expect_retransmissions(3);
        REQUIRE(feed(n, response_to(out[1], 200), 4000) == Status::ok);
        CHECK(n.state_of(id) == Notifier::State::active);
        for (uint64_t t = 4000; t <= 40000; t += 500) n.on_timeout(t);
        CHECK(drain(n).empty());
        CHECK(n.subscription_count() == 1);
        CHECK(events(n).empty());
    }
    SUBCASE("the 200s to the copies are absorbed for T4 (RFC 3261 17.1.2.2 Timer K)") {
        expect_retransmissions(2);
        REQUIRE(feed(n, response_to(out[1], 200), 1600) == Status::ok);
        CHECK(events(n).empty());
        // The subscriber answered each copy: the later 200s change nothing.
        CHECK(feed(n, response_to(out[1], 200), 1700) == Status::ok);
        CHECK(feed(n, response_to(out[1], 200), 6599) == Status::ok);
        CHECK(n.state_of(id) == Notifier::State::active);
        CHECK(events(n).empty());
        CHECK(drain(n).empty());
        CHECK(feed(n, response_to(out[1], 200), 6600) == Status::unexpected_message);
    }
    SUBCASE("none after a final failure") {
        expect_retransmissions(1);
        REQUIRE(feed(n, response_to(out[1], 481), 600) == Status::ok);
        CHECK(n.subscription_count() == 0);
        n.on_timeout(1500);
        CHECK(drain(n).empty());
    }
    SUBCASE("every T2 after a provisional response (17.1.2.2 Proceeding)") {
        expect_retransmissions(1);
        REQUIRE(feed(n, response_to(out[1], 100), 600) == Status::ok);
        n.on_timeout(1500);  // the old Timer E
        CHECK(drain(n).empty());
        for (uint64_t at : {uint64_t{4600}, uint64_t{8600}}) {
            CHECK(n.next_deadline() == at);
            n.on_timeout(at);
            auto again = drain(n);
            REQUIRE(again.size() == 1);
            CHECK(*again[0].text == notify);
        }
        REQUIRE(feed(n, response_to(out[1], 200), 9000) == Status::ok);
        n.on_timeout(12600);
        CHECK(drain(n).empty());
        CHECK(n.state_of(id) == Notifier::State::active);
    }
    SUBCASE("the next NOTIFY starts again at T1 with its own bytes") {
        REQUIRE(feed(n, response_to(out[1], 200), 100) == Status::ok);
        REQUIRE(n.profile_changed(ProfileType::device, "MAC:00DF1E004CD0", 30, 1000) == 1);
        auto next = drain(n);
        REQUIRE(next.size() == 1);
        CHECK(header(next[0], "CSeq") == "2 NOTIFY");
        n.on_timeout(1499);
        CHECK(drain(n).empty());
        n.on_timeout(1500);
        auto again = drain(n);
        REQUIRE(again.size() == 1);
        CHECK(*again[0].text == *next[0].text);
    }
    SUBCASE("a retransmission the host cannot send ends the subscription") {
        n.on_timeout(500);
        Notifier::Output o;
        REQUIRE(n.next_output(o));
        CHECK(o.bytes == notify);
        CHECK(n.output_failed(500) == Status::ok);
        CHECK(n.subscription_count() == 0);
        n.on_timeout(1500);
        CHECK(drain(n).empty());
    }
}

TEST_CASE(
    "ua_profile notifier: the terminated NOTIFY of a one-time fetch over UDP is retransmitted") {
    Store store;
    store.profiles["device MAC:00DF1E004CD0"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, subscribe("sip:MAC%3a00DF1E004CD0@example.com", "", "0"), 0) == Status::ok);
    auto out = drain(n);
    REQUIRE(out.size() == 2);
    CHECK(header(out[1], "Subscription-State") == "terminated;reason=timeout");
    n.on_timeout(500);
    auto again = drain(n);
    REQUIRE(again.size() == 1);
    CHECK(*again[0].text == *out[1].text);
    REQUIRE(feed(n, response_to(out[1], 200), 700) == Status::ok);
    CHECK(n.subscription_count() == 0);
    n.on_timeout(1500);
    CHECK(drain(n).empty());
}

TEST_CASE("ua_profile notifier: no NOTIFY retransmission over TCP") {
    Store store;
    store.profiles["device MAC:FF00000036C5"] = device_profile();
    Notifier n = make(config(store));
    REQUIRE(feed(n, kDraftSubscribe, 0) == Status::ok);  // Via: SIP/2.0/TCP
    REQUIRE(drain(n).size() == 2);
    CHECK(n.next_deadline() == 32000);  // Timer F only
    for (uint64_t t = 0; t < 32000; t += 250) n.on_timeout(t);
    CHECK(drain(n).empty());
    CHECK(n.subscription_count() == 1);
    n.on_timeout(32000);
    CHECK(drain(n).empty());
    CHECK(n.subscription_count() == 0);

    // A subscription over UDP refreshed over TCP: its next NOTIFY is not retransmitted.
    Store store2;
    Notifier m = make(config(store2));
    const std::string uri = "sip:MAC%3a00DF1E004CD0@example.com";
    REQUIRE(feed(m, subscribe(uri), 0) == Status::ok);
    auto first = drain(m);
    REQUIRE(feed(m, response_to(first[1], 200), 10) == Status::ok);
    m.on_timeout(600);  // the answered NOTIFY's Timer E entry: nothing
    CHECK(drain(m).empty());
    std::string tag(sip::tag_of(header(first[0], "To")));
    REQUIRE(
        feed(m,
             over_tcp(subscribe(
                 uri, "", "3600",
                 "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";version=\"1\"", 2, tag)),
             1000) == Status::ok);
    auto refreshed = drain(m);
    REQUIRE(refreshed.size() == 2);
    CHECK(header(refreshed[1], "CSeq") == "2 NOTIFY");
    for (uint64_t t : {uint64_t{1500}, uint64_t{2500}, uint64_t{32000}}) m.on_timeout(t);
    CHECK(drain(m).empty());
    CHECK(m.subscription_count() == 1);
    CHECK(m.next_deadline() == 33000);  // the refresh NOTIFY's Timer F, nothing before
}
