#include "pushcore/sip_push/feature_caps.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;
using namespace pushcore::sip_push;

TEST_CASE("+sip.pns: the draft's list, RFC 8599's single values, with and without '*;'") {
    PushCaps caps;
    Error err;
    REQUIRE(parse_feature_caps("*;+sip.pns=\"apns,fcm\"", caps, err) == Status::ok);
    REQUIRE(parse_feature_caps("*;+sip.pns=\"webpush\"", caps, err) == Status::ok);
    REQUIRE(parse_feature_caps("+sip.pns=\"FCM\";+sip.other", caps, err) == Status::ok);
    CHECK(caps.pns == std::vector<std::string>{"apns", "fcm", "webpush"});
    CHECK(caps.supports("APNS"));
    CHECK_FALSE(caps.supports("acme"));
    CHECK_FALSE(caps.pnsreg);
}

TEST_CASE("RFC 8599 indicators: pnsreg, pnspurr, vapid") {
    PushCaps caps;
    Error err;
    REQUIRE(parse_feature_caps("*;+sip.pns=\"apns\";+sip.pnsreg=\"121\";+sip.pnspurr=\"a1b2\", "
                               "*;+sip.vapid=\"BKey-_x\"",
                               caps, err) == Status::ok);
    CHECK(caps.pnsreg);
    CHECK(caps.pnsreg_seconds == 121u);
    CHECK(caps.pnspurr == "a1b2");
    CHECK(caps.vapid == "BKey-_x");

    PushCaps bare;
    REQUIRE(parse_feature_caps("*;+sip.pnsreg", bare, err) == Status::ok);
    CHECK(bare.pnsreg);
    CHECK_FALSE(bare.pnsreg_seconds);
}

TEST_CASE("Feature-Caps errors name the indicator") {
    struct Case {
        const char* value;
        const char* reason_part;
    };
    const Case cases[] = {
        {"*;+sip.pns", "+sip.pns"},
        {"*;+sip.pns=\"a,,b\"", "+sip.pns"},
        {"*;+sip.pns=\"a b\"", "+sip.pns"},
        {"*;+sip.pnsreg=\"x\"", "+sip.pnsreg"},
        {"*;+sip.pnspurr", "+sip.pnspurr"},
        {"*;+sip.vapid=\"\"", "+sip.vapid"},
        {"*x", "'*'"},
        {"*;;+sip.pns=\"a\"", "empty"},
        {"*;+sip.pns=\"a", "quoted"},
    };
    for (const auto& c : cases) {
        INFO(std::string(c.value));
        PushCaps caps;
        Error err;
        CHECK(parse_feature_caps(c.value, caps, err) == Status::syntax);
        CHECK(std::string(err.reason).find(c.reason_part) != std::string::npos);
    }
}

TEST_CASE("building: both styles re-parse to the same capabilities") {
    PushCaps caps;
    caps.pns = {"apns", "fcm"};
    caps.pnsreg = true;
    caps.pnsreg_seconds = 120;
    caps.pnspurr = "p\"1";
    for (PnsStyle style : {PnsStyle::single, PnsStyle::list}) {
        auto values = feature_caps_values(caps, style);
        CHECK(values.size() == (style == PnsStyle::single ? 2u : 1u));
        PushCaps back;
        Error err;
        for (const auto& v : values) REQUIRE(parse_feature_caps(v, back, err) == Status::ok);
        CHECK(back.pns == caps.pns);
        CHECK(back.pnsreg_seconds == 120u);
        CHECK(back.pnspurr == caps.pnspurr);
    }
    CHECK(feature_caps_values(caps, PnsStyle::list)[0].rfind("*;+sip.pns=\"apns,fcm\"", 0) == 0);
    CHECK(feature_caps_values(PushCaps{}, PnsStyle::single).empty());
}

TEST_CASE("indicator values: one quoted-string or a token, nothing else (found by fuzzing)") {
    const char* bad[] = {"*;+sip.pnspurr=a\x01z", "*;+sip.pnspurr=\"a\"b\"c\"", "*;+sip.vapid=a b",
                         "*;+sip.pns=\"a\"x"};
    for (const char* v : bad) {
        INFO(std::string(v));
        PushCaps caps;
        Error err;
        CHECK(parse_feature_caps(v, caps, err) == Status::syntax);
    }
    PushCaps caps;
    Error err;
    REQUIRE(parse_feature_caps("*;+sip.pnspurr=tok-1", caps, err) == Status::ok);
    CHECK(caps.pnspurr == "tok-1");
}
