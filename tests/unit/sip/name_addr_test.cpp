#include "pushcore/sip/name_addr.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pushcore/sip/params.hpp"

using namespace pushcore;
using namespace pushcore::sip;

TEST_CASE("name-addr: quoted display name, bracketed URI, header params") {
    NameAddr na;
    Error err;
    REQUIRE(parse_name_addr("\"Alice \\\"A\\\"\" <sip:alice@example.com;lr> ;tag=abc ; q=0.5", na,
                            err) == Status::ok);
    CHECK(na.display_quoted);
    CHECK(na.display_name == "\"Alice \\\"A\\\"\"");
    CHECK(na.bracketed);
    CHECK(na.is_sip);
    CHECK(na.sip.user == "alice");
    CHECK(na.sip.params == ";lr");
    Param p;
    REQUIRE(find_param(na.params, "tag", p));
    CHECK(p.value == "abc");
    REQUIRE(find_param(na.params, "q", p));
    CHECK(p.value == "0.5");
}

TEST_CASE("name-addr: token display name, addr-spec, other schemes") {
    NameAddr na;
    Error err;
    REQUIRE(parse_name_addr("Alice Smith <sip:a@b.com>", na, err) == Status::ok);
    CHECK(na.display_name == "Alice Smith");

    REQUIRE(parse_name_addr("sip:alice@example.com;tag=1", na, err) == Status::ok);
    CHECK_FALSE(na.bracketed);
    CHECK(na.uri == "sip:alice@example.com");
    CHECK(na.params == ";tag=1");
    CHECK(na.sip.params.empty());

    REQUIRE(parse_name_addr("<tel:+1-201-555-0123>;tag=x", na, err) == Status::ok);
    CHECK_FALSE(na.is_sip);
    CHECK(na.uri == "tel:+1-201-555-0123");

    REQUIRE(parse_name_addr("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>", na, err) ==
            Status::ok);
    CHECK(na.uri == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
}

TEST_CASE("name-addr: quoted uri-parameter holding '>' stays inside the URI") {
    NameAddr na;
    Error err;
    REQUIRE(parse_name_addr("<sip:a@b;pn-prid=\"x>y\">", na, err) == Status::ok);
    Param p;
    REQUIRE(find_param(na.sip.params, "pn-prid", p));
    CHECK(p.value == "x>y");
}

TEST_CASE("name-addr: a header parameter value may be an IPv6 reference") {
    NameAddr na;
    Error err;
    REQUIRE(parse_name_addr("<sip:a@b>;received=[2001:db8::9];x=[::ffff:192.0.2.1]", na, err) ==
            Status::ok);
    Param p;
    REQUIRE(find_param(na.params, "received", p));
    CHECK(p.value == "[2001:db8::9]");
}

TEST_CASE("name-addr: LWS around the bracketed URI is tolerated") {
    NameAddr na;
    Error err;
    REQUIRE(parse_name_addr("< sip:a@b\r\n >;lr", na, err) == Status::ok);
    CHECK(na.uri == "sip:a@b");
    REQUIRE(parse_name_addr("<\r\n\tsip:a@b\t>", na, err) == Status::ok);
    CHECK(na.uri == "sip:a@b");
}

TEST_CASE("name-addr: errors") {
    struct Case {
        const char* text;
        Status status;
        size_t offset;
    };
    const Case cases[] = {
        {"\"Alice <sip:a@b>", Status::syntax, 0},
        {"\"Alice\" sip:a@b", Status::syntax, 8},
        {"<sip:a@b", Status::syntax, 1},
        {"<sip:a@b;x=%zz>", Status::bad_escape, 11},
        {"<sip:a@b>;", Status::syntax, 10},
        {"<sip:a@b>;tag=", Status::syntax, 14},
        {"<sip:a@b> x", Status::syntax, 10},
        {"<9x:abc>", Status::bad_uri, 1},
        {"<abc>", Status::bad_uri, 4},
        {"<x: y>", Status::bad_uri, 3},
        {"", Status::syntax, 0},
        // Found by fuzz_sip_header_params: a bracketed gen-value was taken for a host
        // whatever hex digits, ':' and '.' it held, not only an IPv6reference.
        {"<sip:a@b>;received=[20:1]", Status::syntax, 19},
        {"<sip:a@b>;received=[]", Status::syntax, 19},
        {"<sip:a@b>;maddr=[::1", Status::syntax, 16},
        // Found by fuzz_sip_name_addr: any CR and LF before '>' were trimmed as if LWS.
        {"<sip:a@b\n>", Status::bad_uri, 8},
        {"<sip:a@b\r>", Status::bad_uri, 8},
        {"<sip:a@b \r\n>", Status::bad_uri, 8},
        {"<  >", Status::bad_uri, 1},
    };
    for (const auto& c : cases) {
        NameAddr na;
        Error err;
        INFO(std::string(c.text));
        CHECK(parse_name_addr(c.text, na, err) == c.status);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("list iterator: commas inside quotes and brackets do not split") {
    ListIterator it("<sip:a@b;x=\"1,2\">;q=1, \"A, B\" <sip:c@d> ,sip:e@f");
    std::vector<std::string_view> items;
    std::vector<size_t> offsets;
    std::string_view item;
    size_t offset;
    while (it.next(item, offset)) {
        items.push_back(item);
        offsets.push_back(offset);
    }
    REQUIRE(items.size() == 3);
    CHECK(items[0] == "<sip:a@b;x=\"1,2\">;q=1");
    CHECK(items[1] == "\"A, B\" <sip:c@d>");
    CHECK(items[2] == "sip:e@f");
    CHECK(offsets[1] == 23);
}
