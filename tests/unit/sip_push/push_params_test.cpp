#include "pushcore/sip_push/push_params.hpp"

#include <doctest/doctest.h>

#include <string>

#include "pushcore/sip/name_addr.hpp"
#include "pushcore/sip/uri.hpp"

using namespace pushcore;
using namespace pushcore::sip_push;

namespace {
// The parameter list of a Contact value, for the tests below.
std::string_view params_of(std::string_view contact, sip::NameAddr& na) {
    Error err;
    REQUIRE(sip::parse_name_addr(contact, na, err) == Status::ok);
    return na.sip.params;
}
}  // namespace

TEST_CASE("the draft's own example: folded Contact, quoted pn-prid") {
    sip::NameAddr na;
    auto list = params_of(
        "<sip:alice@alicemobile.example.com;\r\n  pn-provider=acme;\r\n  pn-param=acme-param;\r\n"
        "  pn-prid=\"ZTY4ZDJlMzODE1NmUgKi0K\">",
        na);
    PushParams p;
    Error err;
    REQUIRE(read_push_params(list, p, err) == Status::ok);
    CHECK(p.provider.raw == "acme");
    CHECK(p.param.raw == "acme-param");
    CHECK(p.prid.quoted);
    CHECK(p.prid.decoded() == "ZTY4ZDJlMzODE1NmUgKi0K");
    CHECK_FALSE(p.purr.present);
    CHECK(p.any());

    // Written back: escaped, never quoted.
    std::string out = "sip:alice@alicemobile.example.com";
    append_push_params(out, to_info(p));
    CHECK(out ==
          "sip:alice@alicemobile.example.com;pn-provider=acme;pn-param=acme-param;"
          "pn-prid=ZTY4ZDJlMzODE1NmUgKi0K");
}

TEST_CASE("escapes decode; unknown pn-* are kept and reported; duplicates rejected") {
    sip::NameAddr na;
    auto list = params_of(
        "<sip:a@b;PN-Provider=webpush;pn-prid=https://push.example/p/x%3Fy%3Dz;pn-purr=r1;"
        "pn-future=1;lr>",
        na);
    PushParams p;
    Error err;
    REQUIRE(read_push_params(list, p, err) == Status::ok);
    CHECK(p.provider.decoded() == "webpush");
    CHECK(p.prid.decoded() == "https://push.example/p/x?y=z");
    CHECK(p.purr.decoded() == "r1");
    CHECK(p.unknown == 1);
    auto unknown = unknown_push_params(list);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].first == "pn-future");
    CHECK(unknown[0].second == "1");

    PushInfo info = to_info(p);
    std::string written;
    append_push_params(written, info);
    CHECK(written == ";pn-provider=webpush;pn-prid=https://push.example/p/x%3Fy%3Dz;pn-purr=r1");

    Error e1;
    CHECK(read_push_params(";pn-prid=a;pn-prid=b", p, e1) == Status::push_info_invalid);
    CHECK(e1.offset == 11);
    Error e2;
    CHECK(read_push_params(";pn-provider", p, e2) == Status::push_info_invalid);
    CHECK(e2.offset == 1);

    PushParams none;
    REQUIRE(read_push_params(";transport=tcp;lr", none, err) == Status::ok);
    CHECK_FALSE(none.any());
}

TEST_CASE("provider registry: defaults, validation, extension") {
    ProviderRegistry reg = ProviderRegistry::with_defaults();
    struct Case {
        const char* params;
        Status status;
        const char* reason_part;
    };
    const Case cases[] = {
        {";pn-provider=apns;pn-param=DEF123GHIJ.com.example.app;pn-prid=00fc13adff78512",
         Status::ok, ""},
        {";pn-provider=apns;pn-param=DEF123GHIJ.com.example.app.voip;pn-prid=00FC13", Status::ok,
         ""},
        {";pn-provider=fcm;pn-param=1234567890;pn-prid=cXyz:APA91b-x_y", Status::ok, ""},
        {";pn-provider=webpush;pn-prid=https://push.example/s/1", Status::ok, ""},
        {";pn-param=x;pn-prid=y", Status::push_info_missing, "pn-provider"},
        {";pn-provider=acme;pn-prid=y", Status::push_provider_unsupported, "pn-provider"},
        {";pn-provider=fcm;pn-param=1", Status::push_info_missing, "pn-prid"},
        {";pn-provider=fcm;pn-prid=t", Status::push_info_missing, "pn-param"},
        {";pn-provider=apns;pn-param=DEF.app;pn-prid=xyz", Status::push_info_invalid, "pn-prid"},
        {";pn-provider=apns;pn-param=noteamid;pn-prid=00", Status::push_info_invalid, "pn-param"},
        {";pn-provider=apns;pn-param=.app;pn-prid=00", Status::push_info_invalid, "pn-param"},
        {";pn-provider=apns;pn-param=T.app.;pn-prid=00", Status::push_info_invalid, "pn-param"},
        {";pn-provider=webpush;pn-prid=http://insecure/x", Status::push_info_invalid, "pn-prid"},
    };
    for (const auto& c : cases) {
        INFO(std::string(c.params));
        PushParams p;
        Error err;
        REQUIRE(read_push_params(c.params, p, err) == Status::ok);
        CHECK(reg.validate(p, err) == c.status);
        CHECK(std::string(err.reason).find(c.reason_part) != std::string::npos);
    }

    CHECK(reg.add({"acme", Need::unused, ValueFormat::any, ValueFormat::any}) == Status::ok);
    CHECK(reg.add({"ACME", Need::unused, ValueFormat::any, ValueFormat::any}) ==
          Status::already_exists);
    CHECK(reg.add({"bad name", Need::unused, ValueFormat::any, ValueFormat::any}) ==
          Status::invalid_argument);
    PushParams p;
    Error err;
    REQUIRE(read_push_params(";pn-provider=acme;pn-prid=y", p, err) == Status::ok);
    CHECK(reg.validate(p, err) == Status::ok);
    CHECK(reg.rules().size() == 4);
}

TEST_CASE("read_push_params from a parsed URI reads what the list walk reads") {
    // From Uri::params_index when parse_uri recorded every parameter; else by walking.
    auto same = [](const PushValue& a, const PushValue& b) {
        return a.present == b.present && a.quoted == b.quoted && a.offset == b.offset &&
               a.raw.data() == b.raw.data() && a.raw.size() == b.raw.size();
    };
    const char* contacts[] = {
        "<sip:alice@alicemobile.example.com;pn-provider=acme;pn-param=acme-param;"
        "pn-prid=\"ZTY4ZDJlMzODE1NmUgKi0K\">",
        "<sip:a@h;transport=tls;ob;PN-Provider=apns;pn-param=T.b.voip;pn-prid=00fc;"
        "pn-purr=a7f1c;pn-x=1;lr>;expires=3600",
        "<sip:a@h;\r\n pn-provider=acme ;pn-prid=%41%42>",
        // Nine parameters: more than the index holds, so the list is walked.
        "<sip:a@h;a;b;c;d;e;f;g;pn-provider=acme;pn-prid=x>",
        "<sip:a@h;pn-prid=a;pn-prid=b>",
        "<sip:a@h;pn-provider>",
    };
    for (const char* c : contacts) {
        CAPTURE(c);
        sip::NameAddr na;
        Error err;
        REQUIRE(sip::parse_name_addr(c, na, err) == Status::ok);
        CHECK(na.sip.params_index.complete ==
              (std::string_view(c).find(";g;") == std::string_view::npos));
        PushParams by_list, by_uri;
        Error e1, e2;
        Status s1 = read_push_params(na.sip.params, by_list, e1);
        Status s2 = read_push_params(na.sip, by_uri, e2);
        CHECK(s1 == s2);
        CHECK(e1.offset == e2.offset);
        CHECK(std::string_view(e1.reason) == e2.reason);
        if (s1 != Status::ok) continue;
        CHECK(same(by_list.provider, by_uri.provider));
        CHECK(same(by_list.param, by_uri.param));
        CHECK(same(by_list.prid, by_uri.prid));
        CHECK(same(by_list.purr, by_uri.purr));
        CHECK(same(by_list.enckey, by_uri.enckey));
        CHECK(same(by_list.enccode, by_uri.enccode));
        CHECK(by_list.unknown == by_uri.unknown);
        CHECK(by_uri.provider.present);
    }
}
