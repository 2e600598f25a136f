#include "pushcore/web_push/headers.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace pushcore;
using namespace pushcore::web_push;

namespace {

// The error parse_ttl reports for `value` (which must fail).
Error ttl_error(std::string_view value) {
    uint32_t seconds = 7;
    Error err;
    CHECK(parse_ttl(value, seconds, err) == Status::syntax);
    CHECK(seconds == 7);  // untouched on failure
    return err;
}

Error urgency_error(std::string_view value) {
    Urgency u = Urgency::high;
    Error err;
    CHECK(parse_urgency(value, u, err) == Status::syntax);
    CHECK(u == Urgency::high);
    return err;
}

Error topic_error(std::string_view value) {
    Error err;
    CHECK(check_topic(value, err) == Status::syntax);
    return err;
}

Preferences prefer_ok(std::string_view value) {
    Preferences p;
    Error err;
    CHECK_MESSAGE(parse_prefer(value, p, err) == Status::ok, value, " ", err.reason);
    return p;
}

Error prefer_error(std::string_view value) {
    Preferences p;
    p.wait_seconds = 99;
    Error err;
    CHECK_MESSAGE(parse_prefer(value, p, err) == Status::syntax, value);
    CHECK(p.wait_seconds == 99);  // untouched on failure
    return err;
}

// The target find_link returns for `rel`, or "(none)" when it says not_found.
std::string link_of(std::string_view value, std::string_view rel) {
    std::string target = "(none)";
    Error err;
    Status s = find_link(value, rel, target, err);
    CHECK_MESSAGE((s == Status::ok || s == Status::not_found), value, " ", err.reason);
    if (s == Status::not_found) {
        CHECK(err.offset == value.size());
        CHECK(std::strcmp(err.reason, "Link: no link-value with that rel") == 0);
        CHECK(target == "(none)");
    }
    return target;
}

Error link_error(std::string_view value) {
    std::string target = "(none)";
    Error err;
    CHECK_MESSAGE(find_link(value, "next", target, err) == Status::syntax, value);
    CHECK(target == "(none)");
    return err;
}

constexpr const char* kReceipt = "urn:ietf:params:push:receipt";

}  // namespace

TEST_CASE("web_push headers: TTL is 1*DIGIT with optional whitespace around") {
    uint32_t s = 99;
    Error err;
    REQUIRE(parse_ttl("0", s, err) == Status::ok);
    CHECK(s == 0);
    REQUIRE(parse_ttl("15", s, err) == Status::ok);
    CHECK(s == 15);
    REQUIRE(parse_ttl(" \t60 ", s, err) == Status::ok);
    CHECK(s == 60);
    REQUIRE(parse_ttl("0007", s, err) == Status::ok);
    CHECK(s == 7);
    REQUIRE(parse_ttl("2147483646", s, err) == Status::ok);
    CHECK(s == 2147483646u);
    REQUIRE(parse_ttl("2147483647", s, err) == Status::ok);
    CHECK(s == 2147483647u);
}

TEST_CASE("web_push headers: TTL saturates at 2^31-1") {
    uint32_t s = 0;
    Error err;
    REQUIRE(parse_ttl("2147483648", s, err) == Status::ok);
    CHECK(s == 2147483647u);
    REQUIRE(parse_ttl("4294967296", s, err) == Status::ok);
    CHECK(s == 2147483647u);
    REQUIRE(parse_ttl("99999999999999999999999999999999999999", s, err) == Status::ok);
    CHECK(s == 2147483647u);
}

TEST_CASE("web_push headers: TTL errors name the rule and the byte") {
    struct Case {
        const char* value;
        size_t offset;
    } cases[] = {
        {"", 0},    {"   ", 3},  {"-1", 0},  {"+5", 0},    {"1 2", 2}, {"1,2", 1},
        {"1.5", 1}, {"0x10", 1}, {"1e3", 1}, {"\r\n5", 0}, {"5\n", 1}, {"abc", 0},
    };
    for (const Case& c : cases) {
        std::string value = c.value;
        CAPTURE(value);
        Error err = ttl_error(c.value);
        CHECK(std::strcmp(err.reason, "TTL: not 1*DIGIT") == 0);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("web_push headers: Urgency, case-insensitive, whitespace around") {
    Urgency u = Urgency::normal;
    Error err;
    REQUIRE(parse_urgency("very-low", u, err) == Status::ok);
    CHECK(u == Urgency::very_low);
    REQUIRE(parse_urgency("low", u, err) == Status::ok);
    CHECK(u == Urgency::low);
    REQUIRE(parse_urgency(" normal\t", u, err) == Status::ok);
    CHECK(u == Urgency::normal);
    REQUIRE(parse_urgency("HIGH", u, err) == Status::ok);
    CHECK(u == Urgency::high);
    REQUIRE(parse_urgency("Very-Low", u, err) == Status::ok);
    CHECK(u == Urgency::very_low);

    CHECK(std::string(urgency_name(Urgency::very_low)) == "very-low");
    CHECK(std::string(urgency_name(Urgency::low)) == "low");
    CHECK(std::string(urgency_name(Urgency::normal)) == "normal");
    CHECK(std::string(urgency_name(Urgency::high)) == "high");
    CHECK(std::string(urgency_name(static_cast<Urgency>(9))) == "unknown");
    // Every name reads back to its value.
    for (Urgency v : {Urgency::very_low, Urgency::low, Urgency::normal, Urgency::high}) {
        Urgency back = Urgency::normal;
        REQUIRE(parse_urgency(urgency_name(v), back, err) == Status::ok);
        CHECK(back == v);
    }
}

TEST_CASE("web_push headers: Urgency errors") {
    struct Case {
        const char* value;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"", "Urgency: not very-low, low, normal or high", 0},
        {"  ", "Urgency: not very-low, low, normal or high", 2},
        {"urgent", "Urgency: not very-low, low, normal or high", 0},
        {" very low", "Urgency: not very-low, low, normal or high", 1},
        {"verylow", "Urgency: not very-low, low, normal or high", 0},
        {"\"high\"", "Urgency: not very-low, low, normal or high", 0},
        {"high;q=1", "Urgency: not very-low, low, normal or high", 0},
        {"low, high", "Urgency: a list is not one urgency", 3},
        {" high,", "Urgency: a list is not one urgency", 5},
        {",low", "Urgency: a list is not one urgency", 0},
    };
    for (const Case& c : cases) {
        std::string value = c.value;
        CAPTURE(value);
        Error err = urgency_error(c.value);
        CHECK(std::string(err.reason) == c.reason);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("web_push headers: Topic is 1..32 base64url characters") {
    Error err;
    CHECK(check_topic("a", err) == Status::ok);
    CHECK(check_topic("upd-ate_01", err) == Status::ok);
    CHECK(check_topic("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef", err) == Status::ok);  // 32
    CHECK(check_topic("ghijklmnopqrstuvwxyz0123456789-_", err) == Status::ok);  // 32
    CHECK(err.status == Status::ok);
}

TEST_CASE("web_push headers: Topic errors") {
    struct Case {
        const char* value;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"", "Topic: empty", 0},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg", "Topic: longer than 32 characters", 32},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef+", "Topic: longer than 32 characters", 32},
        {"abc=", "Topic: padding '=' not allowed", 3},
        {"ab+c", "Topic: not base64url (RFC 4648 5)", 2},
        {"ab/c", "Topic: not base64url (RFC 4648 5)", 2},
        {"a.b", "Topic: not base64url (RFC 4648 5)", 1},
        {" abc", "Topic: not base64url (RFC 4648 5)", 0},
        {"abc ", "Topic: not base64url (RFC 4648 5)", 3},
        {"caf\xc3\xa9", "Topic: not base64url (RFC 4648 5)", 3},
    };
    for (const Case& c : cases) {
        std::string value = c.value;
        CAPTURE(value);
        Error err = topic_error(c.value);
        CHECK(std::string(err.reason) == c.reason);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("web_push headers: Prefer respond-async and wait") {
    Preferences p = prefer_ok("respond-async");
    CHECK(p.respond_async);
    CHECK_FALSE(p.has_wait);

    p = prefer_ok("wait=0");  // the seed's section 6
    CHECK_FALSE(p.respond_async);
    CHECK(p.has_wait);
    CHECK(p.wait_seconds == 0);

    p = prefer_ok("Respond-Async, WAIT = 100");
    CHECK(p.respond_async);
    CHECK(p.has_wait);
    CHECK(p.wait_seconds == 100);

    p = prefer_ok("wait=\"15\"");  // word = token / quoted-string
    CHECK(p.has_wait);
    CHECK(p.wait_seconds == 15);

    p = prefer_ok("wait=99999999999");
    CHECK(p.wait_seconds == 2147483647u);

    p = prefer_ok(" respond-async ; foo=bar;baz ; q=\"a;b,c\" , wait=5;x");
    CHECK(p.respond_async);
    CHECK(p.wait_seconds == 5);
}

TEST_CASE("web_push headers: Prefer ignores unknown preferences and keeps the first") {
    Preferences p = prefer_ok("return=minimal, handling=lenient");
    CHECK_FALSE(p.respond_async);
    CHECK_FALSE(p.has_wait);

    p = prefer_ok("foo=\"respond-async, wait=3\"");  // a comma inside a quoted-string
    CHECK_FALSE(p.respond_async);
    CHECK_FALSE(p.has_wait);

    // RFC 7240 2: the first instance counts, later ones are ignored without an error.
    p = prefer_ok("wait=10, wait=20");
    CHECK(p.wait_seconds == 10);
    p = prefer_ok("wait=abc, wait=20");  // the first is not understood: ignored, and so is 20
    CHECK_FALSE(p.has_wait);
    p = prefer_ok("respond-async=no, respond-async");
    CHECK_FALSE(p.respond_async);

    // Values respond-async and wait do not take are preferences not understood.
    p = prefer_ok("respond-async=\"\"");  // an empty value is no value
    CHECK(p.respond_async);
    p = prefer_ok("respond-async=1");
    CHECK_FALSE(p.respond_async);
    p = prefer_ok("wait");
    CHECK_FALSE(p.has_wait);
    p = prefer_ok("wait=-1");
    CHECK_FALSE(p.has_wait);
    p = prefer_ok("wait=\"\"");
    CHECK_FALSE(p.has_wait);
    p = prefer_ok("wait=1.5");
    CHECK_FALSE(p.has_wait);
}

TEST_CASE("web_push headers: Prefer accepts empty list elements") {
    Preferences p = prefer_ok(", ,respond-async,, ,wait=1,");
    CHECK(p.respond_async);
    CHECK(p.wait_seconds == 1);
    p = prefer_ok("respond-async;;");
    CHECK(p.respond_async);
    p = prefer_ok("respond-async; ");
    CHECK(p.respond_async);
}

TEST_CASE("web_push headers: Prefer errors") {
    struct Case {
        const char* value;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"", "Prefer: no preference", 0},
        {" , ,", "Prefer: no preference", 4},
        {"=5", "Prefer: expected a preference token", 0},
        {"wait=", "Prefer: expected a value after '='", 5},
        {"wait= ", "Prefer: expected a value after '='", 6},
        {"wait=,", "Prefer: expected a value after '='", 5},
        {"respond-async wait", "Prefer: expected ',' or ';'", 14},
        {"wait=1 2", "Prefer: expected ',' or ';'", 7},
        {"a; =b", "Prefer: expected ',' or ';'", 3},
        {"a;b=", "Prefer: expected a value after '='", 4},
        {"a;b=;c", "Prefer: expected a value after '='", 4},
        {"wait=\"5", "Prefer: bad quoted-string", 5},
        {"a;b=\"x\\", "Prefer: bad quoted-string", 4},
        {"a=\"x\r\n y\"", "Prefer: bad quoted-string", 4},
        {"a=\"x\\\x01\"", "Prefer: bad quoted-string", 5},
        {"a=\"\x7f\"", "Prefer: bad quoted-string", 3},
        {"a=b\"c\"", "Prefer: expected ',' or ';'", 3},
        {"a:b", "Prefer: expected ',' or ';'", 1},
        {"respond-async,\x01", "Prefer: expected a preference token", 14},
        {"respond-async\r\n", "Prefer: expected ',' or ';'", 13},
    };
    for (const Case& c : cases) {
        std::string value = c.value;
        CAPTURE(value);
        Error err = prefer_error(c.value);
        CHECK(std::string(err.reason) == c.reason);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("web_push headers: Link finds the receipt link of the seed's 201") {
    // Seed 5, the 201 response (unfolded) and RFC 8030's subscription response.
    CHECK(link_of("</r/LBhhw0OohO-Wl4Oi971UGsB7sdQGUibx/>; rel=\"urn:ietf:params:push:receipt\"",
                  kReceipt) == "/r/LBhhw0OohO-Wl4Oi971UGsB7sdQGUibx/");
    const char* sub =
        "</p/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV>; rel=\"urn:ietf:params:push\", "
        "</s/LBhhw0OohO-Wl4Oi971UGsB7sdQGUibx>; rel=\"urn:ietf:params:push:set\"";
    CHECK(link_of(sub, "urn:ietf:params:push") == "/p/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV");
    CHECK(link_of(sub, "urn:ietf:params:push:set") == "/s/LBhhw0OohO-Wl4Oi971UGsB7sdQGUibx");
    CHECK(link_of(sub, kReceipt) == "(none)");
}

TEST_CASE("web_push headers: Link rel lists, case, quoting and order") {
    // rel is a space-separated list, compared case-insensitively.
    CHECK(link_of("<https://a.example/x>; rel=\"next URN:IETF:PARAMS:PUSH:RECEIPT\"", kReceipt) ==
          "https://a.example/x");
    CHECK(link_of("<x>; rel=\"  next\t prev \"", "prev") == "x");
    CHECK(link_of("<x>; rel=\"next prev\"", "ne") == "(none)");
    CHECK(link_of("<x>; rel=\"next prev\"", "next prev") == "(none)");
    CHECK(link_of("<x>; rel=\"next prev\"", "") == "(none)");
    // Unquoted: a token, or (RFC 8288 3.3, B.3) a URI without ';' or ','.
    CHECK(link_of("<x>;rel=next", "NEXT") == "x");
    CHECK(link_of("<x> ; REL = urn:ietf:params:push:receipt", kReceipt) == "x");
    // Quoted-pairs resolve before the comparison.
    CHECK(link_of("<x>; rel=\"n\\ext\"", "next") == "x");
    // The first link-value with the rel wins.
    CHECK(link_of("<a>; rel=next, <b>; rel=next", "next") == "a");
    // Only the first rel of a link-value counts (RFC 8288 3.3).
    CHECK(link_of("<a>; rel=prev; rel=next, <b>; rel=next", "next") == "b");
    CHECK(link_of("<a>; rel; rel=next", "next") == "(none)");
    // Commas and semicolons inside quoted-strings split nothing.
    CHECK(link_of("<a>; title=\"x, <b>; rel=next\"; rel=prev", "next") == "(none)");
    CHECK(link_of("<a>; title=\"x, <b>; rel=next\"; rel=prev", "prev") == "a");
    // Other parameters, valueless parameters, empty list elements, an empty target.
    CHECK(link_of(" , <a>;anchor=\"#x\";crossorigin;type=text/html ;rel=next ,, ", "next") == "a");
    CHECK(link_of("<>; rel=next", "next") == "");
    CHECK(link_of("<a>", "next") == "(none)");
    CHECK(link_of("", "next") == "(none)");
    CHECK(link_of(" , ", "next") == "(none)");
    // A URI-Reference may hold ';', ',' and '=' (its own delimiters).
    CHECK(link_of("<http://h/p;q=1,2?a=b#f>; rel=next", "next") == "http://h/p;q=1,2?a=b#f");
}

TEST_CASE("web_push headers: Link checks the whole field") {
    // A malformed later link-value fails even when an earlier one matched.
    std::string target = "(none)";
    Error err;
    CHECK(find_link("<a>; rel=next, b", "next", target, err) == Status::syntax);
    CHECK(target == "(none)");
    CHECK(err.offset == 15);
}

TEST_CASE("web_push headers: Link errors") {
    struct Case {
        const char* value;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"a", "Link: expected '<'", 0},
        {"<a>; rel=next, http://x", "Link: expected '<'", 15},
        {"\"<a>\"", "Link: expected '<'", 0},
        {"<a<b>; rel=next", "Link: '<' inside URI-Reference", 2},
        {"<<a>>", "Link: '<' inside URI-Reference", 1},
        {"<a b>", "Link: bad character in URI-Reference", 2},
        {"<a\"b>", "Link: bad character in URI-Reference", 2},
        {"<a\x01>", "Link: bad character in URI-Reference", 2},
        {"<a\x7f>", "Link: bad character in URI-Reference", 2},
        {"<a", "Link: URI-Reference without '>'", 0},
        {"<a>, <b", "Link: URI-Reference without '>'", 5},
        {"<a>;", "Link: expected a link-param name", 4},
        {"<a>; ", "Link: expected a link-param name", 5},
        {"<a>; ;rel=next", "Link: expected a link-param name", 5},
        {"<a>; =next", "Link: expected a link-param name", 5},
        {"<a>; rel=", "Link: expected a link-param value", 9},
        {"<a>; rel=;", "Link: expected a link-param value", 9},
        {"<a>; rel=\"next", "Link: bad quoted-string", 9},
        {"<a>; rel=\"a\r\n b\"", "Link: bad quoted-string", 11},
        {"<a> rel=next", "Link: expected ';' or ','", 4},
        {"<a>; rel=next prev", "Link: expected ';' or ','", 14},
        {"<a>; rel=\"next\"x", "Link: expected ';' or ','", 15},
        {"<a>; rel=a\"b\"", "Link: expected ';' or ','", 10},
        {"<a>; rel=next\r\n", "Link: expected ';' or ','", 13},
        {"<a><b>", "Link: expected ';' or ','", 3},
    };
    for (const Case& c : cases) {
        std::string value = c.value;
        CAPTURE(value);
        Error err = link_error(c.value);
        CHECK(std::string(err.reason) == c.reason);
        CHECK(err.offset == c.offset);
    }
}
