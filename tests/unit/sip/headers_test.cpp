#include "pushcore/sip/headers.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;
using namespace pushcore::sip;

TEST_CASE("CSeq") {
    CSeq c;
    Error err;
    REQUIRE(parse_cseq("1826 REGISTER", c, err) == Status::ok);
    CHECK(c.number == 1826);
    CHECK(c.method == "REGISTER");
    CHECK(parse_cseq("REGISTER", c, err) == Status::bad_header);
    CHECK(parse_cseq("2147483648 INVITE", c, err) == Status::bad_header);
    CHECK(parse_cseq("1INVITE", c, err) == Status::bad_header);
    CHECK(parse_cseq("1 IN VITE", c, err) == Status::bad_header);
}

TEST_CASE("Via") {
    Via v;
    Error err;
    REQUIRE(parse_via("SIP/2.0/TCP alicemobile.example.com:5060;branch=z9hG4bKnashds7;rport", v,
                      err) == Status::ok);
    CHECK(v.transport == "TCP");
    CHECK(v.host == "alicemobile.example.com");
    CHECK(v.port == 5060);
    CHECK(v.branch == "z9hG4bKnashds7");
    REQUIRE(parse_via("SIP / 2.0 / UDP [2001:db8::1]", v, err) == Status::ok);
    CHECK(v.host == "[2001:db8::1]");
    CHECK(v.port == 0);
    CHECK(v.branch.empty());

    const char* bad[] = {"SIP/2.0/UDP",         "SIP/3.0/UDP h",  "SIP/2.0 h",
                         "SIP/2.0/UDP h:99999", "SIP/2.0/UDP h;", "SIP/2.0/UDP h x",
                         "SIP/2.0/UDP [::1"};
    for (const char* b : bad) {
        INFO(std::string(b));
        Error e;
        Status st = parse_via(b, v, e);
        CHECK((st == Status::bad_header || st == Status::syntax));
        CHECK(e.status == st);
    }
}

TEST_CASE("top Via, delta-seconds, tags") {
    const std::string text =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/UDP b\r\n"
        "l: 0\r\n\r\n";
    Message m;
    Error err;
    REQUIRE(parse_datagram(text, m, Limits{}, err) == Status::ok);
    Via v;
    REQUIRE(top_via(m, v, err) == Status::ok);
    CHECK(v.host == "a.example");
    CHECK(v.branch == "z9hG4bK1");
    Message empty;
    CHECK(top_via(empty, v, err) == Status::missing_header);

    uint32_t s = 0;
    CHECK(parse_delta_seconds("3600", s, err) == Status::ok);
    CHECK(s == 3600);
    CHECK(parse_delta_seconds("99999999999", s, err) == Status::ok);
    CHECK(s == 0xffffffffu);
    CHECK(parse_delta_seconds("1h", s, err) == Status::bad_header);
    CHECK(parse_delta_seconds("", s, err) == Status::bad_header);

    CHECK(tag_of("Alice <sip:a@b>;tag=456248") == "456248");
    CHECK(tag_of("<sip:a@b;tag=x>").empty());  // a URI parameter, not the header's tag
    CHECK(tag_of("<<<").empty());
}

TEST_CASE("begin_response copies the request's identity (RFC 3261 8.2.6.2)") {
    const std::string req =
        "REGISTER sip:example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\nv: SIP/2.0/UDP b;branch=z9hG4bK2\r\n"
        "From: <sip:alice@example.com>;tag=f\r\nTo: <sip:alice@example.com>\r\n"
        "Call-ID: c1\r\nCSeq: 7 REGISTER\r\nMax-Forwards: 70\r\nl: 0\r\n\r\n";
    Message m;
    Error err;
    REQUIRE(parse_datagram(req, m, Limits{}, err) == Status::ok);
    std::string out;
    begin_response(out, m, 200, "t1");
    MessageWriter(out).finish();
    Message r;
    REQUIRE(parse_datagram(out, r, Limits{}, err) == Status::ok);
    CHECK(r.status_code == 200);
    CHECK(r.count(HeaderId::via) == 2);
    CHECK(r.headers[0].value == "SIP/2.0/UDP a;branch=z9hG4bK1");
    CHECK(r.find(HeaderId::to)->value == "<sip:alice@example.com>;tag=t1");
    CHECK(r.find(HeaderId::call_id)->value == "c1");
    CHECK(r.find(HeaderId::cseq)->value == "7 REGISTER");
    CHECK_FALSE(r.find(HeaderId::max_forwards));

    std::string trying;
    begin_response(trying, m, 100, "t1");
    CHECK(trying.find("tag=t1") == std::string::npos);  // 100 Trying carries no To tag
}

TEST_CASE("Via: received may carry a bare IPv6 address (RFC 3261 20.42)") {
    Via v;
    Error err;
    REQUIRE(parse_via("SIP/2.0/UDP [2001:db8::1]:5060;received=2001:db8::9;branch=z9hG4bK1", v,
                      err) == Status::ok);
    CHECK(v.branch == "z9hG4bK1");
    CHECK(v.params == ";received=2001:db8::9;branch=z9hG4bK1");
    Error bad;
    CHECK(parse_via("SIP/2.0/UDP h;received=2001:db8:::9", v, bad) != Status::ok);
}
