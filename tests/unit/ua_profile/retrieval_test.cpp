#include "pushcore/ua_profile/retrieval.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;
using namespace pushcore::ua_profile;

namespace {

UaProfileEvent device_event() {
    UaProfileEvent ev;
    ev.has_type = true;
    ev.type = ProfileType::device;
    ev.vendor = TextValue::of("vendor.example.com");
    ev.model = TextValue::of("Z100");
    ev.version = TextValue::of("1.2.3");
    return ev;
}

const char* kEvent =
    "ua-profile;profile-type=device;vendor=\"vendor.example.com\";model=\"Z100\";"
    "version=\"1.2.3\"";

// The request head for `url`, or "" with `err` set.
std::string request(std::string_view url, Error& err, const UaProfileEvent& ev = device_event()) {
    std::string out = "kept|";
    Status st = append_retrieval_request(out, url, ev, err);
    if (st != Status::ok) {
        CHECK(out == "kept|");  // nothing appended on failure
        return "";
    }
    REQUIRE(out.rfind("kept|", 0) == 0);
    return out.substr(5);
}

void refused(std::string_view url, const char* reason, size_t offset) {
    CAPTURE(url);
    Error err;
    CHECK(request(url, err).empty());
    CHECK(err.status == Status::invalid_argument);
    CHECK(std::string(err.reason) == reason);
    CHECK(err.offset == offset);
}

}  // namespace

TEST_CASE("ua_profile retrieval: the GET carries the SUBSCRIBE's Event header (8.1.2)") {
    std::string out;
    Error err;
    REQUIRE(append_retrieval_request(out, "https://prov.example.com/devices/z100.xml",
                                     device_event(), err, "Z100/1.2.3",
                                     "application/x-z100-device-profile") == Status::ok);
    CHECK(out == std::string("GET /devices/z100.xml HTTP/1.1\r\n"
                             "Host: prov.example.com\r\n"
                             "Event: ") +
                     kEvent +
                     "\r\n"
                     "Accept: application/x-z100-device-profile\r\n"
                     "User-Agent: Z100/1.2.3\r\n"
                     "\r\n");

    // What the server reads back is what the device sent.
    size_t at = out.find("Event: ") + 7;
    std::string value = out.substr(at, out.find("\r\n", at) - at);
    UaProfileEvent read;
    REQUIRE(read_retrieval_event(value, read, err) == Status::ok);
    CHECK(read.type == ProfileType::device);
    CHECK(read.vendor.text() == "vendor.example.com");
    CHECK(read.model.text() == "Z100");
    CHECK(read.version.text() == "1.2.3");
}

TEST_CASE("ua_profile retrieval: URL forms") {
    Error err;
    SUBCASE("no path: origin-form /, no Accept or User-Agent") {
        CHECK(request("https://prov.example.com", err) ==
              std::string("GET / HTTP/1.1\r\nHost: prov.example.com\r\nEvent: ") + kEvent +
                  "\r\n\r\n");
    }
    SUBCASE("port kept in Host, query kept, fragment dropped, scheme case-insensitive") {
        std::string head = request("HTTP://10.0.0.1:8080/p/q?mac=00DF1E004CD0#frag", err);
        CHECK(head.rfind("GET /p/q?mac=00DF1E004CD0 HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n", 0) == 0);
    }
    SUBCASE("a query without a path") {
        CHECK(request("https://h.example?x=1", err).rfind("GET /?x=1 HTTP/1.1\r\n", 0) == 0);
    }
    SUBCASE("IPv6 literal with port; an empty port is dropped") {
        CHECK(request("https://[2001:db8::1]:443/c", err)
                  .rfind("GET /c HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n", 0) == 0);
        CHECK(request("https://h.example:/c", err)
                  .rfind("GET /c HTTP/1.1\r\nHost: h.example\r\n", 0) == 0);
    }
    SUBCASE("the largest port") {
        CHECK(!request("https://h.example:65535/", err).empty());
    }
}

TEST_CASE("ua_profile retrieval: every URL refusal") {
    refused("", "url: not http or https", 0);
    refused("prov.example.com/x", "url: not http or https", 0);
    refused("sip:MAC%3a00DF1E004CD0@example.com", "url: not http or https", 0);
    refused("ftp://prov.example.com/x", "url: not http or https", 0);
    refused("https:prov.example.com/x", "url: no host", 6);
    refused("https:///x", "url: no host", 8);
    refused("https://:443/x", "url: no host", 8);
    refused("https://", "url: no host", 8);
    refused("https://user:pw@prov.example.com/", "url: userinfo is not allowed", 15);
    refused("https://prov example.com/", "url: bad host", 12);
    refused("https://[]/", "url: bad IP literal", 8);
    refused("https://[2001:db8::1/", "url: bad IP literal", 8);
    refused("https://[2001:zb8::1]/", "url: bad IP literal", 14);
    refused("https://[::1]x/", "url: bad host", 13);
    refused("https://h.example:80a/", "url: bad port", 18);
    refused("https://h.example:65536/", "url: bad port", 18);
    refused("https://h.example:123456/", "url: bad port", 18);
    refused("https://h.example/a b", "url: a space or control character", 19);
    refused("https://h.example/a\r\nX-Injected: 1", "url: a space or control character", 19);
    refused("https://h.example/\x7f", "url: a space or control character", 18);
}

TEST_CASE("ua_profile retrieval: Accept and User-Agent cannot split the head") {
    std::string out;
    Error err;
    CHECK(append_retrieval_request(out, "https://h.example/", device_event(), err,
                                   "Z100\r\nX-Injected: 1") == Status::invalid_argument);
    CHECK(std::string(err.reason) == "user_agent: a control character");
    CHECK(err.offset == 4);
    CHECK(append_retrieval_request(out, "https://h.example/", device_event(), err, "Z100",
                                   "text/plain\n") == Status::invalid_argument);
    CHECK(std::string(err.reason) == "accept: a control character");
    CHECK(err.offset == 10);
    CHECK(append_retrieval_request(out, "https://h.example/", device_event(), err,
                                   std::string_view("Z\0", 2)) == Status::invalid_argument);
    CHECK(out.empty());
    // A tab is allowed in a field value (RFC 7230 3.2).
    CHECK(append_retrieval_request(out, "https://h.example/", device_event(), err,
                                   "Z100\t(rev B)") == Status::ok);
    CHECK(out.find("User-Agent: Z100\t(rev B)\r\n") != std::string::npos);
}

TEST_CASE("ua_profile retrieval: the Event must be a valid SUBSCRIBE one (7.2)") {
    struct Case {
        const char* name;
        void (*spoil)(UaProfileEvent&);
        Status status;
        const char* reason;
    };
    const Case cases[] = {
        {"no profile-type", [](UaProfileEvent& e) { e.has_type = false; }, Status::missing_header,
         "profile-type: required in SUBSCRIBE"},
        {"no vendor", [](UaProfileEvent& e) { e.vendor = TextValue{}; }, Status::missing_header,
         "vendor: required in SUBSCRIBE"},
        {"no model", [](UaProfileEvent& e) { e.model = TextValue{}; }, Status::missing_header,
         "model: required in SUBSCRIBE"},
        {"no version", [](UaProfileEvent& e) { e.version = TextValue{}; }, Status::missing_header,
         "version: required in SUBSCRIBE"},
        {"empty vendor", [](UaProfileEvent& e) { e.vendor = TextValue::of(""); }, Status::syntax,
         "vendor: empty"},
        {"a profile-type that is not a token",
         [](UaProfileEvent& e) {
             e.type = ProfileType::other;
             e.type_token = "de vice";
         },
         Status::missing_header, "profile-type: required in SUBSCRIBE"},
    };
    for (const Case& c : cases) {
        INFO(std::string(c.name));
        UaProfileEvent ev = device_event();
        c.spoil(ev);
        std::string out;
        Error err;
        CHECK(append_retrieval_request(out, "https://h.example/", ev, err) == c.status);
        CHECK(err.status == c.status);
        if (c.reason) CHECK(std::string(err.reason) == c.reason);
        CHECK(out.empty());
    }
}

TEST_CASE("ua_profile retrieval: the other profile types and network-user go out too") {
    UaProfileEvent ev = device_event();
    ev.type = ProfileType::local_network;
    ev.network_user = TextValue::of("sip:alice@example.com");
    Error err;
    std::string head = request("https://h.example/", err, ev);
    CHECK(
        head.find("Event: ua-profile;profile-type=local-network;vendor=\"vendor.example.com\";"
                  "model=\"Z100\";version=\"1.2.3\";network-user=\"sip:alice@example.com\"\r\n") !=
        std::string::npos);
}

TEST_CASE("ua_profile retrieval: the server reads the Event field (8.1.2)") {
    UaProfileEvent ev;
    Error err;
    SUBCASE("the draft's 7.2 example, folded") {
        REQUIRE(read_retrieval_event("ua-profile;profile-type=\"user\";\r\n"
                                     "      vendor=\"premier\";model=\"trs8000\";version=\"5.5\"",
                                     ev, err) == Status::ok);
        CHECK(ev.type == ProfileType::user);
        CHECK(ev.vendor.text() == "premier");
    }
    SUBCASE("no Event field") {
        CHECK(read_retrieval_event("", ev, err) == Status::missing_header);
        CHECK(std::string(err.reason) == "Event: required in a retrieval (8.1.2)");
        CHECK(read_retrieval_event("  ", ev, err) == Status::missing_header);
        CHECK(!ev.has_type);
    }
    SUBCASE("another package") {
        CHECK(read_retrieval_event("presence", ev, err) == Status::not_found);
    }
    SUBCASE("a syntax error, with its offset") {
        CHECK(read_retrieval_event("ua-profile;profile-type=device;effective-by=x", ev, err) ==
              Status::syntax);
        CHECK(std::string(err.reason) == "effective-by: not 1*DIGIT");
    }
    SUBCASE("a mandatory SUBSCRIBE parameter missing") {
        CHECK(read_retrieval_event("ua-profile;profile-type=device;vendor=\"v\";model=\"m\"", ev,
                                   err) == Status::missing_header);
        CHECK(std::string(err.reason) == "version: required in SUBSCRIBE");
        CHECK(ev.vendor.text() == "v");  // what was read is kept
    }
    SUBCASE("network-user under RFC 6080 is ignored, not refused") {
        const char* v =
            "ua-profile;profile-type=device;vendor=\"v\";model=\"m\";version=\"1\";"
            "network-user=\"sip:a@example.com\"";
        CHECK(read_retrieval_event(v, ev, err, Form::rfc6080) == Status::ok);
        CHECK(read_retrieval_event(v, ev, err) == Status::ok);
        CHECK(ev.network_user.text() == "sip:a@example.com");
    }
}
