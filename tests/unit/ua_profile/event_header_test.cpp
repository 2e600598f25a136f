#include "pushcore/ua_profile/event_header.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "pushcore/sip/message.hpp"

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

UaProfileEvent parsed(std::string_view value) {
    UaProfileEvent ev;
    Error err;
    INFO(std::string(value));
    CHECK(parse_event(value, ev, err) == Status::ok);
    CHECK(std::string_view(err.reason).empty());
    return ev;
}

// The fields a build and parse must keep.
void check_same(const UaProfileEvent& a, const UaProfileEvent& b) {
    CHECK(a.has_type == b.has_type);
    CHECK(a.type == b.type);
    CHECK(a.type_token == b.type_token);
    for (auto field : {&UaProfileEvent::vendor, &UaProfileEvent::model, &UaProfileEvent::version,
                       &UaProfileEvent::network_user}) {
        CHECK((a.*field).present == (b.*field).present);
        CHECK((a.*field).text() == (b.*field).text());
    }
    CHECK(a.effective_by == b.effective_by);
    REQUIRE(a.unknown.size() == b.unknown.size());
    for (size_t k = 0; k < a.unknown.size(); ++k) {
        CHECK(a.unknown[k].name == b.unknown[k].name);
        CHECK(a.unknown[k].value == b.unknown[k].value);
        CHECK(a.unknown[k].has_value == b.unknown[k].has_value);
        CHECK(a.unknown[k].quoted == b.unknown[k].quoted);
    }
}

std::string built(const UaProfileEvent& ev) {
    std::string out;
    append_event(out, ev);
    return out;
}

}  // namespace

TEST_CASE("ua_profile event: the draft's SUBSCRIBE examples (7.2), folded") {
    std::string_view v1 =
        "ua-profile;profile-type=device;\r\n      vendor=\"vendor.example.com\";model=\"Z100\";"
        "version=\"1.2.3\"";
    UaProfileEvent a = parsed(v1);
    CHECK(a.has_type);
    CHECK(a.type == ProfileType::device);
    CHECK(a.type_token == "device");
    CHECK(a.type_offset == 11);
    CHECK(a.vendor.present);
    CHECK(a.vendor.quoted);
    CHECK(a.vendor.raw == "vendor.example.com");
    CHECK(a.vendor.offset == v1.find("vendor="));
    CHECK(a.model.text() == "Z100");
    CHECK(a.version.text() == "1.2.3");
    CHECK_FALSE(a.network_user.present);
    CHECK_FALSE(a.effective_by.has_value());
    CHECK(a.unknown.empty());
    // Views into the input.
    CHECK(a.vendor.raw.data() == v1.data() + v1.find("vendor.example.com"));

    // The second example quotes the profile-type.
    UaProfileEvent b = parsed(
        "ua-profile;profile-type=\"user\";\r\n      vendor=\"premier\";model=\"trs8000\";"
        "version=\"5.5\"");
    CHECK(b.type == ProfileType::user);
    CHECK(b.type_token == "user");
    CHECK(b.vendor.text() == "premier");
    CHECK(b.model.text() == "trs8000");
    CHECK(b.version.text() == "5.5");

    Error err;
    CHECK(check_for(Method::subscribe, a, Form::draft08, err) == Status::ok);
    CHECK(check_for(Method::subscribe, b, Form::rfc6080, err) == Status::ok);
}

TEST_CASE("ua_profile event: the draft's NOTIFY examples and the local-network example") {
    UaProfileEvent zero = parsed("ua-profile;effective-by=0");
    REQUIRE(zero.effective_by.has_value());
    CHECK(*zero.effective_by == 0);
    CHECK_FALSE(zero.has_type);
    UaProfileEvent hour = parsed("ua-profile;effective-by=3600");
    CHECK(hour.effective_by == 3600u);
    std::vector<std::string_view> ignored{"stale"};
    Error err;
    CHECK(check_for(Method::notify, hour, Form::draft08, err, &ignored) == Status::ok);
    CHECK(ignored.empty());
    CHECK(check_for(Method::notify, zero, Form::rfc6080, err, &ignored) == Status::ok);
    CHECK(ignored.empty());

    // Section 8.1.1: trailing spaces before the fold.
    std::string_view v =
        "ua-profile;profile-type=local-network;  \r\n      network-user=\"sip:alice@example.com\"";
    UaProfileEvent ln = parsed(v);
    CHECK(ln.type == ProfileType::local_network);
    CHECK(ln.type_token == "local-network");
    CHECK(ln.network_user.present);
    CHECK(ln.network_user.raw == "sip:alice@example.com");
    CHECK(ln.network_user.offset == v.find("network-user"));
    // Without vendor, model, version it is not a complete SUBSCRIBE.
    CHECK(check_for(Method::subscribe, ln, Form::draft08, err) == Status::missing_header);
    CHECK(std::string_view(err.reason) == "vendor: required in SUBSCRIBE");
}

TEST_CASE("ua_profile event: other packages are not_found, not syntax errors") {
    const char* others[] = {"presence",
                            "presence;id=1",
                            "dialog ; call-id=x",
                            "ua-profile.winfo",
                            "ua-profile-x;profile-type=device",
                            "ua-profil"};
    for (const char* o : others) {
        CAPTURE(o);
        UaProfileEvent ev;
        Error err;
        CHECK(parse_event(o, ev, err) == Status::not_found);
        CHECK(std::string_view(err.reason) == "event package is not ua-profile");
        CHECK(err.offset == 0);
    }
    UaProfileEvent ev;
    Error err;
    CHECK(parse_event("  message-summary", ev, err) == Status::not_found);
    CHECK(err.offset == 2);
}

TEST_CASE("ua_profile event: names and type tokens are case-insensitive") {
    std::string_view v =
        "UA-Profile;Profile-Type=DEVICE;VENDOR=\"V\";Model=m;VeRsIoN=\"1\";"
        "Network-User=\"SIP:bob@example.com\";EFFECTIVE-BY=7";
    UaProfileEvent ev = parsed(v);
    CHECK(ev.type == ProfileType::device);
    CHECK(ev.type_token == "DEVICE");
    CHECK(ev.vendor.text() == "V");
    CHECK(ev.model.text() == "m");
    CHECK_FALSE(ev.model.quoted);  // a token, as deployed phones send
    CHECK(ev.version.text() == "1");
    CHECK(ev.network_user.raw == "SIP:bob@example.com");
    CHECK(ev.effective_by == 7u);
    CHECK(ev.unknown.empty());

    CHECK(profile_type_of("Local-Network") == ProfileType::local_network);
    CHECK(profile_type_of("Application") == ProfileType::application);
    CHECK(profile_type_of("User") == ProfileType::user);
    CHECK(profile_type_of("devices") == ProfileType::other);
    CHECK(profile_type_name(ProfileType::local_network) == "local-network");
    CHECK(profile_type_name(ProfileType::other).empty());

    UaProfileEvent other = parsed("ua-profile;profile-type=x-acme-features");
    CHECK(other.has_type);
    CHECK(other.type == ProfileType::other);
    CHECK(other.type_token == "x-acme-features");
}

TEST_CASE("ua_profile event: LWS and folding wherever RFC 3261 allows them") {
    std::string_view v =
        " ua-profile \r\n ;\r\n\tprofile-type\r\n =\r\n \"device\" ; vendor = acme ;\r\n"
        " model=\"a\r\n b\";version=\"2\"\t ";
    UaProfileEvent ev = parsed(v);
    CHECK(ev.type == ProfileType::device);
    CHECK(ev.vendor.raw == "acme");
    CHECK(ev.model.raw == "a\r\n b");  // a fold inside the quoted-string is kept
    CHECK(ev.version.raw == "2");
    Error err;
    CHECK(check_for(Method::subscribe, ev, Form::draft08, err) == Status::ok);

    // A line break that is not a fold ends nothing: it is an error.
    UaProfileEvent bad;
    CHECK(parse_event("ua-profile;\r\nvendor=a", bad, err) == Status::syntax);
    CHECK(std::string_view(err.reason) == "event-param name expected (token)");
    CHECK(err.offset == 11);
}

TEST_CASE("ua_profile event: unknown parameters are kept in order") {
    std::string_view v =
        "ua-profile;profile-type=user;x-acme=\"a;b \\\"c\\\"\";flag;Host=[2001:db8::1];"
        "vendor=v;n=1.2";
    UaProfileEvent ev = parsed(v);
    REQUIRE(ev.unknown.size() == 4);
    CHECK(ev.unknown[0].name == "x-acme");
    CHECK(ev.unknown[0].quoted);
    CHECK(ev.unknown[0].value == "a;b \\\"c\\\"");
    CHECK(ev.unknown[1].name == "flag");
    CHECK_FALSE(ev.unknown[1].has_value);
    CHECK(ev.unknown[2].name == "Host");
    CHECK(ev.unknown[2].value == "[2001:db8::1]");
    CHECK_FALSE(ev.unknown[2].quoted);
    CHECK(ev.unknown[3].name == "n");
    CHECK(ev.unknown[3].value == "1.2");
    CHECK(ev.vendor.raw == "v");
    // Views into the input.
    CHECK(ev.unknown[0].name.data() == v.data() + v.find("x-acme"));

    // Reused: the list is cleared, not appended to.
    Error err;
    REQUIRE(parse_event("ua-profile;y", ev, err) == Status::ok);
    REQUIRE(ev.unknown.size() == 1);
    CHECK(ev.unknown[0].name == "y");
    CHECK_FALSE(ev.vendor.present);
    CHECK_FALSE(ev.has_type);
}

TEST_CASE("ua_profile event: every error with its reason and offset") {
    struct Case {
        std::string_view value;
        Status status;
        std::string_view reason;
        size_t offset;
    };
    const Case cases[] = {
        {"", Status::syntax, "event-type expected (token)", 0},
        {";profile-type=device", Status::syntax, "event-type expected (token)", 0},
        {"ua-profile x", Status::syntax, "';' expected between Event parameters", 11},
        {"ua-profile;x=1,y", Status::syntax, "';' expected between Event parameters", 14},
        {"ua-profile;;x", Status::syntax, "event-param name expected (token)", 11},
        {"ua-profile;x=@", Status::syntax,
         "event-param value expected (token, host or quoted-string)", 13},
        {"ua-profile;x=[zz]", Status::syntax,
         "event-param value expected (token, host or quoted-string)", 13},
        {"ua-profile;x=\"a", Status::syntax, "unterminated quoted-string", 13},
        // profile-type
        {"ua-profile;profile-type", Status::syntax, "profile-type: value expected", 11},
        {"ua-profile;profile-type=", Status::syntax, "profile-type: value expected", 24},
        {"ua-profile;profile-type=\"\"", Status::syntax, "profile-type: empty", 24},
        {"ua-profile;profile-type=\"a b\"", Status::syntax, "profile-type: not a token", 25},
        {"ua-profile;profile-type=[::1]", Status::syntax, "profile-type: not a token", 24},
        {"ua-profile;profile-type=\"dev", Status::syntax, "profile-type: bad quoted-string", 24},
        {"ua-profile;profile-type=device;PROFILE-TYPE=user", Status::syntax,
         "profile-type: given twice", 31},
        // vendor, model, version
        {"ua-profile;vendor=\"\"", Status::syntax, "vendor: empty", 18},
        {"ua-profile;vendor", Status::syntax, "vendor: value expected", 11},
        {"ua-profile;vendor=a@b", Status::syntax, "vendor: not a token or quoted-string", 18},
        {"ua-profile;vendor=\"a\"b", Status::syntax, "vendor: not a token or quoted-string", 18},
        {"ua-profile;vendor=[::1]", Status::syntax, "vendor: not a token or quoted-string", 18},
        {"ua-profile;vendor=a;vendor=b", Status::syntax, "vendor: given twice", 20},
        {"ua-profile;model=\"unterminated", Status::syntax, "model: bad quoted-string", 17},
        {"ua-profile;model=", Status::syntax, "model: value expected", 17},
        {"ua-profile;model=\"\";", Status::syntax, "model: empty", 17},
        {"ua-profile;model=a;model=a", Status::syntax, "model: given twice", 19},
        {"ua-profile;version=\"a\\\xff\"", Status::bad_escape, "version: bad quoted-string", 21},
        {"ua-profile;version=\"a\x01\"", Status::syntax, "version: bad quoted-string", 21},
        {"ua-profile;version=1;version=2", Status::syntax, "version: given twice", 21},
        {"ua-profile;version=\"\"", Status::syntax, "version: empty", 19},
        // network-user
        {"ua-profile;network-user=sip:a@b", Status::syntax, "network-user: not a quoted addr-spec",
         24},
        {"ua-profile;network-user=alice", Status::syntax, "network-user: not a quoted addr-spec",
         24},
        {"ua-profile;network-user=\"alice\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"<sip:a@b>\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"Alice <sip:a@b>\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"sip:a@b c\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"sip:a\\@b\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"tel:+1 \"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\" sip:a@b\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"tel:+1\r\n x\"", Status::syntax,
         "network-user: not a quoted addr-spec", 24},
        {"ua-profile;network-user=\"\"", Status::syntax, "network-user: empty", 24},
        {"ua-profile;network-user", Status::syntax, "network-user: value expected", 11},
        {"ua-profile;network-user=\"sip:a@b", Status::syntax, "network-user: bad quoted-string",
         24},
        {"ua-profile;network-user=\"sip:a@b\";network-user=\"sip:c@d\"", Status::syntax,
         "network-user: given twice", 34},
        // effective-by
        {"ua-profile;effective-by", Status::syntax, "effective-by: value expected", 11},
        {"ua-profile;effective-by=", Status::syntax, "effective-by: value expected", 24},
        {"ua-profile;effective-by=12a", Status::syntax, "effective-by: not 1*DIGIT", 24},
        {"ua-profile;effective-by=-1", Status::syntax, "effective-by: not 1*DIGIT", 24},
        {"ua-profile;effective-by=1.5", Status::syntax, "effective-by: not 1*DIGIT", 24},
        {"ua-profile;effective-by=\"5\"", Status::syntax, "effective-by: not 1*DIGIT", 24},
        {"ua-profile;effective-by=\"5", Status::syntax, "effective-by: not 1*DIGIT", 24},
        {"ua-profile;effective-by=4294967296", Status::syntax, "effective-by: above 2**32-1", 24},
        {"ua-profile;effective-by=99999999999999999999999", Status::syntax,
         "effective-by: above 2**32-1", 24},
        {"ua-profile;effective-by=1;effective-by=1", Status::syntax, "effective-by: given twice",
         26},
    };
    for (const Case& c : cases) {
        CAPTURE(c.value);
        UaProfileEvent ev;
        Error err;
        CHECK(parse_event(c.value, ev, err) == c.status);
        CHECK(err.status == c.status);
        CHECK(std::string_view(err.reason) == c.reason);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("ua_profile event: effective-by limits and addr-spec forms accepted") {
    CHECK(parsed("ua-profile;effective-by=4294967295").effective_by == 4294967295u);
    CHECK(parsed("ua-profile;effective-by=000000000000000000042").effective_by == 42u);
    // A quoted addr-spec keeps its uri-parameters; other schemes are absoluteURIs.
    CHECK(parsed("ua-profile;network-user=\"sip:+1555@example.com;user=phone\"").network_user.raw ==
          "sip:+1555@example.com;user=phone");
    CHECK(parsed("ua-profile;network-user=\"sips:[2001:db8::1]:5061\"").network_user.raw ==
          "sips:[2001:db8::1]:5061");
    CHECK(parsed("ua-profile;network-user=\"tel:+15551234\"").network_user.raw == "tel:+15551234");
    // Quoted-pairs stay in raw and resolve in text().
    UaProfileEvent ev = parsed("ua-profile;vendor=\"Acme \\\"Phones\\\" \\\\ Co\"");
    CHECK(ev.vendor.raw == "Acme \\\"Phones\\\" \\\\ Co");
    CHECK(ev.vendor.text() == "Acme \"Phones\" \\ Co");
}

TEST_CASE("ua_profile event: building, and build/parse round trips") {
    UaProfileEvent sub;
    sub.has_type = true;
    sub.type = ProfileType::device;
    sub.vendor = TextValue::of("vendor.example.com");
    sub.model = TextValue::of("Z \"100\"");
    sub.version = TextValue::of("1.2.3\\beta");
    sub.network_user = TextValue::of("sip:alice@example.com");
    std::string out = built(sub);
    CHECK(out ==
          "ua-profile;profile-type=device;vendor=\"vendor.example.com\";model=\"Z \\\"100\\\"\";"
          "version=\"1.2.3\\\\beta\";network-user=\"sip:alice@example.com\"");
    UaProfileEvent back = parsed(out);
    CHECK(back.type == ProfileType::device);
    CHECK(back.vendor.text() == "vendor.example.com");
    CHECK(back.model.text() == "Z \"100\"");
    CHECK(back.version.text() == "1.2.3\\beta");
    CHECK(back.network_user.text() == "sip:alice@example.com");
    Error err;
    CHECK(check_for(Method::subscribe, back, Form::draft08, err) == Status::ok);

    UaProfileEvent notify;
    notify.effective_by = 3600;
    CHECK(built(notify) == "ua-profile;effective-by=3600");
    CHECK(parsed(built(notify)).effective_by == 3600u);

    // `other` without a token cannot be written; with one it is.
    UaProfileEvent other;
    other.has_type = true;
    CHECK(built(other) == "ua-profile");
    other.type_token = "x-acme";
    CHECK(built(other) == "ua-profile;profile-type=x-acme");
    // A token that names another type than `type` gives way to the type's name.
    UaProfileEvent mismatch;
    mismatch.has_type = true;
    mismatch.type = ProfileType::application;
    mismatch.type_token = "user";
    CHECK(built(mismatch) == "ua-profile;profile-type=application");

    // Parsed -> built -> parsed keeps every field, tokens as written included.
    const char* inputs[] = {
        "ua-profile;profile-type=device;\r\n vendor=\"vendor.example.com\";model=\"Z100\";"
        "version=\"1.2.3\"",
        "ua-profile;profile-type=\"User\";vendor=premier;model=trs8000;version=5.5",
        "ua-profile;effective-by=0",
        "UA-PROFILE;profile-type=local-network;network-user=\"sip:alice@example.com\";"
        "effective-by=4294967295",
        "ua-profile;profile-type=x-new;vendor=\"a\\\"b\\\\c\";x=\"q;\\\"\";y;z=[::1];w=tok",
        "ua-profile;model=\"fold\r\n\tinside\"",
    };
    for (const char* in : inputs) {
        CAPTURE(in);
        UaProfileEvent first = parsed(in);
        std::string text = built(first);
        CAPTURE(text);
        UaProfileEvent second = parsed(text);
        check_same(first, second);
        CHECK(built(second) == text);  // a fixed point after one build
    }
}

TEST_CASE("ua_profile event: SUBSCRIBE usage table (draft 7.2)") {
    const ProfileType types[] = {ProfileType::device, ProfileType::user, ProfileType::application,
                                 ProfileType::local_network, ProfileType::other};
    for (ProfileType t : types) {
        CAPTURE(static_cast<int>(t));
        UaProfileEvent ev;
        ev.has_type = true;
        ev.type = t;
        ev.type_token = t == ProfileType::other ? "x-y" : profile_type_name(t);
        ev.vendor = TextValue::of("v");
        ev.model = TextValue::of("m");
        ev.version = TextValue::of("1");
        Error err;
        std::vector<std::string_view> ignored;
        CHECK(check_for(Method::subscribe, ev, Form::draft08, err, &ignored) == Status::ok);
        CHECK(ignored.empty());

        // vendor, model and version are mandatory for every type, in that order.
        for (auto field :
             {&UaProfileEvent::vendor, &UaProfileEvent::model, &UaProfileEvent::version}) {
            UaProfileEvent missing = ev;
            (missing.*field).present = false;
            Error e;
            CHECK(check_for(Method::subscribe, missing, Form::draft08, e) ==
                  Status::missing_header);
            CHECK(check_for(Method::subscribe, missing, Form::rfc6080, e) ==
                  Status::missing_header);
            CHECK(e.offset == 0);
            std::string_view reason = e.reason;
            if (field == &UaProfileEvent::vendor) CHECK(reason == "vendor: required in SUBSCRIBE");
            if (field == &UaProfileEvent::model) CHECK(reason == "model: required in SUBSCRIBE");
            if (field == &UaProfileEvent::version)
                CHECK(reason == "version: required in SUBSCRIBE");
        }

        // network-user: meaningful for device and local-network only (draft); not
        // defined by RFC 6080. effective-by is ignored in a SUBSCRIBE.
        UaProfileEvent extra = ev;
        extra.network_user = TextValue::of("sip:a@example.com");
        extra.effective_by = 10;
        REQUIRE(check_for(Method::subscribe, extra, Form::draft08, err, &ignored) == Status::ok);
        bool meaningful = t == ProfileType::device || t == ProfileType::local_network;
        if (meaningful)
            CHECK(ignored == std::vector<std::string_view>{"effective-by"});
        else
            CHECK(ignored == std::vector<std::string_view>{"network-user", "effective-by"});
        REQUIRE(check_for(Method::subscribe, extra, Form::rfc6080, err, &ignored) == Status::ok);
        if (t == ProfileType::application)
            CHECK(ignored == std::vector<std::string_view>{"profile-type=application",
                                                           "network-user", "effective-by"});
        else
            CHECK(ignored == std::vector<std::string_view>{"network-user", "effective-by"});
    }

    // profile-type is required; it is checked before the others.
    UaProfileEvent none;
    Error err;
    CHECK(check_for(Method::subscribe, none, Form::draft08, err) == Status::missing_header);
    CHECK(std::string_view(err.reason) == "profile-type: required in SUBSCRIBE");
    UaProfileEvent no_type = parsed("ua-profile;vendor=v;model=m;version=1");
    CHECK(check_for(Method::subscribe, no_type, Form::rfc6080, err) == Status::missing_header);
    CHECK(std::string_view(err.reason) == "profile-type: required in SUBSCRIBE");
    CHECK(check_for(Method::notify, no_type, Form::rfc6080, err) == Status::ok);

    // The draft's application type passes in both forms; RFC 6080 flags it.
    UaProfileEvent app = parsed("ua-profile;profile-type=application;vendor=v;model=m;version=1");
    std::vector<std::string_view> ignored;
    CHECK(check_for(Method::subscribe, app, Form::draft08, err, &ignored) == Status::ok);
    CHECK(ignored.empty());
    CHECK(check_for(Method::subscribe, app, Form::rfc6080, err, &ignored) == Status::ok);
    CHECK(ignored == std::vector<std::string_view>{"profile-type=application"});
    CHECK(app.type == ProfileType::application);
    // Without the list, check_for still works.
    CHECK(check_for(Method::subscribe, app, Form::rfc6080, err) == Status::ok);
}

TEST_CASE("ua_profile event: NOTIFY usage table (draft 7.2)") {
    UaProfileEvent ev = parsed(
        "ua-profile;profile-type=local-network;vendor=v;model=m;version=1;"
        "network-user=\"sip:alice@example.com\";effective-by=60;x=1");
    Error err;
    std::vector<std::string_view> ignored;
    CHECK(check_for(Method::notify, ev, Form::draft08, err, &ignored) == Status::ok);
    CHECK(ignored == std::vector<std::string_view>{"profile-type", "vendor", "model", "version"});
    CHECK(check_for(Method::notify, ev, Form::rfc6080, err, &ignored) == Status::ok);
    CHECK(ignored == std::vector<std::string_view>{"profile-type", "vendor", "model", "version",
                                                   "network-user"});
    // effective-by is optional in a NOTIFY: a bare package is fine.
    UaProfileEvent bare = parsed("ua-profile");
    CHECK(check_for(Method::notify, bare, Form::draft08, err, &ignored) == Status::ok);
    CHECK(ignored.empty());
    // The same SUBSCRIBE-less event fails as a SUBSCRIBE.
    CHECK(check_for(Method::subscribe, bare, Form::draft08, err, &ignored) ==
          Status::missing_header);
}

TEST_CASE("ua_profile event: the Event field of the 7.12 SUBSCRIBE, framed by lib/sip") {
    std::string_view datagram =
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
    sip::Message m;
    Error err;
    REQUIRE(sip::parse_datagram(datagram, m, sip::Limits{}, err) == Status::ok);
    const sip::Header* h = m.find(sip::HeaderId::event);
    REQUIRE(h != nullptr);
    UaProfileEvent ev;
    REQUIRE(parse_event(h->value, ev, err) == Status::ok);
    CHECK(ev.type == ProfileType::device);
    CHECK(ev.vendor.text() == "vendor.example.com");
    CHECK(ev.model.text() == "Z100");
    CHECK(ev.version.text() == "1.2.3");
    CHECK(check_for(Method::subscribe, ev, Form::rfc6080, err) == Status::ok);
    // Error offsets index the value given to parse_event.
    UaProfileEvent bad;
    std::string_view broken = "ua-profile;effective-by=soon";
    REQUIRE(parse_event(broken, bad, err) == Status::syntax);
    CHECK(broken.substr(err.offset) == "soon");
}
