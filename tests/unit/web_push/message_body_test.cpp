#include "pushcore/web_push/message_body.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;
using namespace pushcore::web_push;

namespace {

JsonMessage parse_ok(std::string_view body, unsigned max_depth = 32) {
    JsonMessage m;
    Error err;
    CHECK_MESSAGE(parse_json_message(body, m, err, max_depth) == Status::ok, body, " ", err.reason,
                  " @", err.offset);
    return m;
}

// time_to_live of {"time_to_live": <number>}.
uint32_t ttl_of(const std::string& number) {
    JsonMessage m = parse_ok("{\"time_to_live\":" + number + "}");
    CHECK(m.has_ttl);
    return m.ttl_seconds;
}

struct Failure {
    std::string reason;
    size_t offset;
};

// The error for `body`, which must fail with bad_json and leave `out` as it was.
Failure parse_fails(std::string_view body, unsigned max_depth = 32) {
    JsonMessage m;
    m.has_message = true;
    m.message = "{\"old\":1}";
    m.ttl_seconds = 5;
    Error err;
    CHECK_MESSAGE(parse_json_message(body, m, err, max_depth) == Status::bad_json, body);
    CHECK(err.status == Status::bad_json);
    CHECK(m.message == "{\"old\":1}");
    CHECK(m.ttl_seconds == 5);
    return {err.reason, err.offset};
}

}  // namespace

TEST_CASE("web_push json: the seed's Table 1 request") {
    JsonMessage m = parse_ok(
        "{\n  \"time_to_live\": 60,\n  \"request_receipt\": true,\n"
        "  \"message\": {\"data\": \"Hello World\"}\n}");
    CHECK(m.has_message);
    CHECK(m.message == "{\"data\":\"Hello World\"}");
    CHECK(m.request_receipt);
    CHECK(m.has_ttl);
    CHECK(m.ttl_seconds == 60);
}

TEST_CASE("web_push json: every member is optional; unknown members are ignored") {
    JsonMessage stale;
    stale.has_message = true;
    stale.message = "x";
    stale.request_receipt = true;
    stale.has_ttl = true;
    stale.ttl_seconds = 9;
    Error err;
    REQUIRE(parse_json_message(" \t\r\n{ }\n", stale, err) == Status::ok);
    CHECK_FALSE(stale.has_message);
    CHECK(stale.message.empty());
    CHECK_FALSE(stale.request_receipt);  // default false (Table 1)
    CHECK_FALSE(stale.has_ttl);
    CHECK(stale.ttl_seconds == 0);

    JsonMessage m = parse_ok(
        "{\"x\":[1,{\"message\":5}],\"request_receipt\":false,\"y\":{\"time_to_live\":\"no\"},"
        "\"message\":{}}");
    CHECK(m.has_message);
    CHECK(m.message == "{}");
    CHECK_FALSE(m.request_receipt);
    CHECK_FALSE(m.has_ttl);

    // Names are case-sensitive: these are unknown members.
    m = parse_ok("{\"Message\":1,\"TIME_TO_LIVE\":\"x\",\"Request_Receipt\":null}");
    CHECK_FALSE(m.has_message);
    CHECK_FALSE(m.has_ttl);
}

TEST_CASE("web_push json: message is re-serialized compactly, numbers as written") {
    JsonMessage m = parse_ok(
        "{ \"message\" : { \"n\" : [ 1 , 2.50 , -0 , 1E+2 , 123456789012345678901234567890 ] ,\n"
        "  \"s\" : \"\\u00e9\\n\\\"\\/\\u0001\" , \"t\" : true , \"f\" : false , \"z\" : null ,"
        " \"o\" : { \"\" : [ ] } } }");
    CHECK(m.message ==
          "{\"n\":[1,2.50,-0,1E+2,123456789012345678901234567890],"
          "\"s\":\"\xc3\xa9\\n\\\"/\\u0001\",\"t\":true,\"f\":false,\"z\":null,\"o\":{\"\":[]}}");
    // A NUL inside a string survives, escaped.
    m = parse_ok("{\"message\":{\"k\\u0000\":\"a\\u0000b\"}}");
    CHECK(m.message == std::string("{\"k\\u0000\":\"a\\u0000b\"}"));
}

TEST_CASE("web_push json: time_to_live rounds down and saturates") {
    CHECK(ttl_of("0") == 0);
    CHECK(ttl_of("60") == 60);
    CHECK(ttl_of("1.9") == 1);
    CHECK(ttl_of("0.5") == 0);
    CHECK(ttl_of("1e3") == 1000);
    CHECK(ttl_of("2.5E+1") == 25);
    CHECK(ttl_of("12345.678e2") == 1234567);
    CHECK(ttl_of("0.000001e7") == 10);
    CHECK(ttl_of("1e-5") == 0);
    CHECK(ttl_of("1e-999999999999") == 0);
    CHECK(ttl_of("-0") == 0);
    CHECK(ttl_of("-0.0e5") == 0);
    CHECK(ttl_of("2147483647") == 2147483647u);
    CHECK(ttl_of("2147483647.999") == 2147483647u);
    CHECK(ttl_of("2147483648") == 2147483647u);
    CHECK(ttl_of("18446744073709551616") == 2147483647u);
    CHECK(ttl_of("1e300") == 2147483647u);
    CHECK(ttl_of("0.00000000000000000000000000000000000000001e300") == 2147483647u);
}

TEST_CASE("web_push json: malformed JSON") {
    struct Case {
        const char* body;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"", "JSON: empty document", 0},
        {"  \n", "JSON: empty document", 3},
        {"{\"a\":1} x", "JSON: trailing characters", 8},
        {"{}{}", "JSON: trailing characters", 2},
        {"{\"a\":1,}", "JSON: syntax", 7},
        {"{\"a\" 1}", "JSON: syntax", 5},
        {"{\"a\":1 \"b\":2}", "JSON: syntax", 7},
        {"{\"a\":tru}", "JSON: syntax", 8},
        {"{'a':1}", "JSON: syntax", 1},
        {"{\"a\":01}", "JSON: syntax", 6},
        {"{\"a\":1.}", "JSON: syntax", 7},
        {"{\"a\":NaN}", "JSON: syntax", 5},
        {"{\"time_to_live\":Infinity}", "JSON: syntax", 16},
        {"{\"time_to_live\":-Infinity}", "JSON: syntax", 17},
        {"{\"a\":\"x", "JSON: syntax", 7},
        {"{\"a\":\"\\x\"}", "JSON: syntax", 6},
        {"{\"a\":\"\x01\"}", "JSON: syntax", 6},
        {"{\"a\":[1,2}", "JSON: syntax", 9},
        {"{\"a\":1 /* c */}", "JSON: syntax", 7},
        {"{\"a\":1", "JSON: syntax", 6},
        {"{\"a\":1e400}", "JSON: number too big", 5},
        {"{\"time_to_live\":1e400}", "JSON: number too big", 16},
    };
    for (const Case& c : cases) {
        std::string body = c.body;
        CAPTURE(body);
        Failure f = parse_fails(c.body);
        CHECK(f.reason == c.reason);
        CHECK(f.offset == c.offset);
    }
}

TEST_CASE("web_push json: a NUL byte ends nothing") {
    Failure f = parse_fails(std::string_view("{\"a\":1}\0{}", 10));
    CHECK(f.reason == "JSON: trailing characters");
    CHECK(f.offset == 7);
    f = parse_fails(std::string_view("{\"a\":1}  \0", 10));
    CHECK(f.reason == "JSON: trailing characters");
    CHECK(f.offset == 9);
    f = parse_fails(std::string_view("{\"a\":\"x\0\"}", 10));
    CHECK(f.reason == "JSON: syntax");
    CHECK(f.offset == 7);
    f = parse_fails(std::string_view("\0{}", 3));
    CHECK(f.reason == "JSON: empty document");
    CHECK(f.offset == 0);
}

TEST_CASE("web_push json: invalid UTF-8") {
    struct Case {
        const char* body;
        size_t offset;
    } cases[] = {
        {"{\"message\":{\"d\":\"\xff\"}}", 17},
        {"{\"message\":{\"d\":\"ok\xc3\"}}", 19},
        {"{\"message\":{\"d\":\"\xc0\xaf\"}}", 17},      // overlong '/'
        {"{\"message\":{\"d\":\"\xed\xa0\x80\"}}", 17},  // a surrogate
        {"{\"\xfe\":1}", 2},
    };
    for (const Case& c : cases) {
        std::string body = c.body;
        CAPTURE(body);
        Failure f = parse_fails(c.body);
        CHECK(f.reason == "JSON: invalid UTF-8");
        CHECK(f.offset == c.offset);
    }
    // Non-ASCII outside a string is not JSON at all.
    Failure f = parse_fails("{\"a\":\xc3\xa9}");
    CHECK(f.reason == "JSON: syntax");
    CHECK(f.offset == 5);
    // Valid multi-byte UTF-8 passes through unchanged.
    JsonMessage m = parse_ok("{\"message\":{\"d\":\"\xe2\x82\xac \xf0\x9f\x98\x80\"}}");
    CHECK(m.message == "{\"d\":\"\xe2\x82\xac \xf0\x9f\x98\x80\"}");
}

TEST_CASE("web_push json: escaped surrogates must pair") {
    // A pair is one character: U+1F600, forwarded as UTF-8.
    JsonMessage m = parse_ok("{\"message\":{\"s\":\"\\uD83D\\uDE00\"}}");
    CHECK(m.message == "{\"s\":\"\xf0\x9f\x98\x80\"}");
    struct Case {
        const char* body;
        const char* reason;
        size_t offset;
    } cases[] = {
        // Found by the fuzz target: RapidJSON 1.1.0 decodes a lone low surrogate to
        // ill-formed UTF-8 (ED B7 9D) and the message carried it on.
        {"{\"message\":{\"s\":\"\\uDDDD\"}}", "JSON: lone surrogate escape", 16},
        {"{\"message\":{\"s\":[\"ok\\uDC00\"]}}", "JSON: lone surrogate escape", 17},
        {"{\"\\udfff\":1}", "JSON: lone surrogate escape", 1},
        {"{\"x\":\"\\\"\\uDC00\"}", "JSON: lone surrogate escape", 5},
        // RapidJSON refuses a high surrogate without its low half itself.
        {"{\"s\":\"\\uD800\"}", "JSON: syntax", 6},
        {"{\"s\":\"\\uD800\\u0041\"}", "JSON: syntax", 6},
    };
    for (const Case& c : cases) {
        std::string body = c.body;
        CAPTURE(body);
        Failure f = parse_fails(c.body);
        CHECK(f.reason == c.reason);
        CHECK(f.offset == c.offset);
    }
}

TEST_CASE("web_push json: the top level must be an object") {
    struct Case {
        const char* body;
        size_t offset;
    } cases[] = {
        {"[]", 0}, {" [{}]", 1}, {"\n42", 1}, {"\"x\"", 0}, {"null", 0}, {"true", 0}, {"-1.5", 0},
    };
    for (const Case& c : cases) {
        std::string body = c.body;
        CAPTURE(body);
        Failure f = parse_fails(c.body);
        CHECK(f.reason == "JSON: not an object");
        CHECK(f.offset == c.offset);
    }
}

TEST_CASE("web_push json: member types of Table 1") {
    struct Case {
        const char* body;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"{\"message\":\"Hello\"}", "JSON: message not an object", 1},
        {"{\"a\":1, \"message\":[]}", "JSON: message not an object", 8},
        {"{\"message\":null}", "JSON: message not an object", 1},
        {"{\"message\":1}", "JSON: message not an object", 1},
        {"{\"request_receipt\":\"true\"}", "JSON: request_receipt not a boolean", 1},
        {"{\"request_receipt\":1}", "JSON: request_receipt not a boolean", 1},
        {"{\"request_receipt\":null}", "JSON: request_receipt not a boolean", 1},
        {"{\"request_receipt\":{}}", "JSON: request_receipt not a boolean", 1},
        {"{\"time_to_live\":\"60\"}", "JSON: time_to_live not a number", 1},
        {"{\"time_to_live\":true}", "JSON: time_to_live not a number", 1},
        {"{\"time_to_live\":null}", "JSON: time_to_live not a number", 1},
        {"{\"time_to_live\":[60]}", "JSON: time_to_live not a number", 1},
        {"{ \"time_to_live\" : -1}", "JSON: time_to_live negative", 2},
        {"{\"time_to_live\":-0.5}", "JSON: time_to_live negative", 1},
        {"{\"time_to_live\":-1e-300}", "JSON: time_to_live negative", 1},
        {"{\"time_to_live\":-2147483648}", "JSON: time_to_live negative", 1},
    };
    for (const Case& c : cases) {
        std::string body = c.body;
        CAPTURE(body);
        Failure f = parse_fails(c.body);
        CHECK(f.reason == c.reason);
        CHECK(f.offset == c.offset);
    }
}

TEST_CASE("web_push json: duplicate members are refused at every level") {
    struct Case {
        const char* body;
        size_t offset;
    } cases[] = {
        {"{\"a\":1,\"a\":2}", 7},
        {"{\"message\":{},\"message\":{}}", 14},
        {"{\"time_to_live\":1, \"time_to_live\":2}", 19},
        {"{\"message\":{\"k\":1,\"k\":2}}", 18},
        {"{\"x\":[{\"k\":1,\"k\":[]}]}", 13},
        {"{\"a\":1,\"\\u0061\":2}", 7},       // the same name, escaped
        {"{\"x\\\"y\":1,\"x\\\"y\":2}", 10},  // escaped quotes inside the name
        {"{\"a\\\\\":1,\"a\\\\\":2}", 9},     // a name ending in a backslash
    };
    for (const Case& c : cases) {
        std::string body = c.body;
        CAPTURE(body);
        Failure f = parse_fails(c.body);
        CHECK(f.reason == "JSON: duplicate member");
        CHECK(f.offset == c.offset);
    }
    // The same name in different objects is fine.
    JsonMessage m = parse_ok("{\"a\":{\"a\":1},\"b\":{\"a\":2},\"c\":[{\"a\":1},{\"a\":1}]}");
    CHECK_FALSE(m.has_message);
}

TEST_CASE("web_push json: nesting deeper than max_depth") {
    // The top-level object is depth 1.
    CHECK(parse_ok("{\"a\":{\"b\":{}}}", 3).message.empty());
    Failure f = parse_fails("{\"a\":{\"b\":{\"c\":{}}}}", 3);
    CHECK(f.reason == "JSON: too deep");
    CHECK(f.offset == 15);
    f = parse_fails("{\"a\":[[[]]]}", 3);
    CHECK(f.reason == "JSON: too deep");
    CHECK(f.offset == 7);
    f = parse_fails("{}", 0);
    CHECK(f.reason == "JSON: too deep");
    CHECK(f.offset == 0);
    f = parse_fails(" {\"message\":{}}", 1);
    CHECK(f.reason == "JSON: too deep");
    CHECK(f.offset == 12);

    // Exactly the default 32 levels pass; 33 do not.
    std::string deep32 =
        "{\"message\":{\"x\":" + std::string(30, '[') + std::string(30, ']') + "}}";
    JsonMessage m = parse_ok(deep32);
    CHECK(m.message == "{\"x\":" + std::string(30, '[') + std::string(30, ']') + "}");
    std::string deep33 =
        "{\"message\":{\"x\":" + std::string(31, '[') + std::string(31, ']') + "}}";
    f = parse_fails(deep33);
    CHECK(f.reason == "JSON: too deep");
    CHECK(f.offset == 16 + 30);

    // Very deep input is refused without exhausting the stack.
    std::string huge = "{\"x\":" + std::string(200000, '[');
    f = parse_fails(huge);
    CHECK(f.reason == "JSON: too deep");
    CHECK(f.offset == 5 + 31);
    // Even with a limit that lets it through, the iterative reader does not recurse.
    f = parse_fails(huge, 400000);
    CHECK(f.reason == "JSON: syntax");
    CHECK(f.offset == huge.size());
}
