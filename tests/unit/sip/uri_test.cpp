#include "pushcore/sip/uri.hpp"

#include <doctest/doctest.h>

#include <string>

#include "pushcore/sip/params.hpp"

using namespace pushcore;
using namespace pushcore::sip;

namespace {
Uri parse_ok(std::string_view text) {
    Uri u;
    Error err;
    INFO(text);
    REQUIRE(parse_uri(text, u, err) == Status::ok);
    return u;
}

Error parse_fail(std::string_view text) {
    Uri u;
    Error err;
    INFO(text);
    CHECK(parse_uri(text, u, err) != Status::ok);
    return err;
}
}  // namespace

TEST_CASE("URI: all components") {
    Uri u = parse_ok("sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&x=%20");
    CHECK(u.secure);
    CHECK(u.user == "alice");
    CHECK(u.has_password);
    CHECK(u.password == "secret");
    CHECK(u.host == "[2001:db8::1]");
    CHECK(u.host_kind == HostKind::ipv6);
    CHECK(u.has_port);
    CHECK(u.port == 5061);
    CHECK(u.params == ";transport=tcp;lr");
    CHECK(u.headers == "subject=hi&x=%20");
}

TEST_CASE("URI: host kinds and minimal forms") {
    CHECK(parse_ok("sip:example.com").host_kind == HostKind::name);
    CHECK(parse_ok("SIP:Example.COM.").host == "Example.COM.");
    CHECK(parse_ok("sip:192.0.2.4:5060").host_kind == HostKind::ipv4);
    CHECK(parse_ok("sip:[::1]").host_kind == HostKind::ipv6);
    CHECK(parse_ok("sip:[::ffff:192.0.2.1]").host_kind == HostKind::ipv6);
    CHECK(parse_ok("sip:_sipuaconfig.example.com").host == "_sipuaconfig.example.com");
    Uri u = parse_ok("sip:%61lice;x@host");  // user may hold ';' (user-unreserved)
    CHECK(u.user == "%61lice;x");
    CHECK(u.params.empty());
}

TEST_CASE("URI: every error names its rule and offset") {
    struct Case {
        const char* text;
        Status status;
        size_t offset;
    };
    const Case cases[] = {
        {"tel:+123", Status::bad_uri, 0},         {"sip:", Status::bad_uri, 4},
        {"sip:@host", Status::bad_uri, 4},        {"sip:al%2@host", Status::bad_escape, 6},
        {"sip:host:", Status::bad_uri, 9},        {"sip:host:65536", Status::bad_uri, 9},
        {"sip:host:1234567", Status::bad_uri, 9}, {"sip:[::1", Status::bad_uri, 4},
        {"sip:[1:2:3]", Status::bad_uri, 5},      {"sip:[1::2::3]", Status::bad_uri, 5},
        {"sip:1.2.3.256", Status::bad_uri, 10},   {"sip:1.2.3", Status::bad_uri, 4},
        {"sip:a..b", Status::bad_uri, 6},         {"sip:-a.com", Status::bad_uri, 4},
        {"sip:a.1com", Status::bad_uri, 4},       {"sip:host;", Status::syntax, 9},
        {"sip:host;a=", Status::syntax, 11},      {"sip:host;a=%g0", Status::bad_escape, 11},
        {"sip:host;a=\"\"", Status::syntax, 11},  {"sip:host;a=\"x", Status::syntax, 11},
        {"sip:host?", Status::bad_uri, 9},        {"sip:host?a", Status::bad_uri, 10},
        {"sip:host>", Status::bad_uri, 8},        {"sip:host x", Status::bad_uri, 8},
        {"sip:host;\n a", Status::syntax, 9},  // a bare LF does not fold (fuzz_sip_uri)
    };
    for (const auto& c : cases) {
        Error err = parse_fail(c.text);
        const std::string what = std::string(c.text) + " -> " + err.reason;
        INFO(what);
        CHECK(err.status == c.status);
        CHECK(err.offset == c.offset);
        CHECK(std::string(err.reason).size() > 0);
    }
}

TEST_CASE("URI params: iteration, lookup, leniencies of the SIP push draft") {
    // The draft's example: folded across lines and a quoted pn-prid.
    Uri u = parse_ok(
        "sip:alice@alicemobile.example.com;\r\n  pn-provider=acme;\r\n  pn-param=acme-param;\r\n"
        "  pn-prid=\"ZTY4ZDJlMzODE1NmUgKi0K\"");
    Param p;
    REQUIRE(find_param(u.params, "PN-PROVIDER", p));
    CHECK(p.value == "acme");
    REQUIRE(find_param(u.params, "pn-prid", p));
    CHECK(p.quoted);
    CHECK(p.value == "ZTY4ZDJlMzODE1NmUgKi0K");
    CHECK_FALSE(find_param(u.params, "pn-enckey", p));

    ParamIterator it(";lr;a=b");
    REQUIRE(it.next(p));
    CHECK(p.name == "lr");
    CHECK_FALSE(p.has_value);
    REQUIRE(it.next(p));
    CHECK(p.value == "b");
    CHECK_FALSE(it.next(p));
}

TEST_CASE("URI: spec round trip escapes each component for its place") {
    UriSpec spec;
    spec.user = "al ice@x";
    spec.password = "p:w";
    spec.host = "example.com";
    spec.port = 5060;
    spec.params.emplace_back("pn-prid", "https://push.example/s/a?b=c;d");
    spec.params.emplace_back("lr", std::nullopt);
    spec.headers.emplace_back("subject", "a&b=c");
    std::string text;
    write_uri(text, spec);
    CHECK(text ==
          "sip:al%20ice%40x:p%3Aw@example.com:5060;pn-prid=https://push.example/s/"
          "a%3Fb%3Dc%3Bd;lr?subject=a%26b%3Dc");
    Uri parsed = parse_ok(text);
    CHECK(to_spec(parsed) == spec);

    // A quoted value decodes to its content and is written back escaped, not quoted.
    Uri quoted = parse_ok("sip:h;pn-prid=\"a b\"");
    UriSpec q = to_spec(quoted);
    REQUIRE(q.params.size() == 1);
    CHECK(q.params[0].second == "a b");
    std::string out;
    write_uri(out, q);
    CHECK(out == "sip:h;pn-prid=a%20b");
}

TEST_CASE("bare URI ends where header parameters begin") {
    std::string_view v = "sip:alice@example.com;tag=1";
    CHECK(bare_uri_length(v, 0) == 21);
}
