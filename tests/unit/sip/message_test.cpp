#include "pushcore/sip/message.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pushcore;
using namespace pushcore::sip;

namespace {
const std::string kRegister =
    "REGISTER sip:example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP alicemobile.example.com:5060;branch=z9hG4bKnashds7\r\n"
    "Max-Forwards: 70\r\n"
    "To: Alice <sip:alice@example.com>\r\n"
    "f: Alice <sip:alice@example.com>;tag=456248\r\n"
    "i: 843817637684230@998sdasdh09\r\n"
    "CSeq: 1826 REGISTER\r\n"
    "Contact: <sip:alice@alicemobile.example.com;\r\n"
    "  pn-provider=acme;\r\n"
    "  pn-prid=\"ZTY4ZDJlMzODE1NmUgKi0K\">\r\n"
    "Expires: 7200\r\n"
    "l: 4\r\n"
    "\r\n"
    "body";
}  // namespace

TEST_CASE("datagram: request line, compact forms, folding, body") {
    Message m;
    Error err;
    REQUIRE(parse_datagram(kRegister, m, Limits{}, err) == Status::ok);
    CHECK(m.is_request);
    CHECK(m.method == "REGISTER");
    CHECK(m.request_uri == "sip:example.com");
    CHECK(m.headers.size() == 9);
    REQUIRE(m.find(HeaderId::from));
    CHECK(m.find(HeaderId::from)->value == "Alice <sip:alice@example.com>;tag=456248");
    CHECK(m.find("Call-ID")->value == "843817637684230@998sdasdh09");
    CHECK(m.find("cseq")->value == "1826 REGISTER");
    const Header* contact = m.find(HeaderId::contact);
    REQUIRE(contact);
    CHECK(contact->value.find("pn-prid") != std::string_view::npos);
    CHECK(kRegister.substr(contact->offset, 5) == "<sip:");
    CHECK(m.body == "body");
    CHECK(m.raw.size() == kRegister.size());
}

TEST_CASE("datagram: Content-Length rules of RFC 3261 18.3") {
    Message m;
    Error err;
    std::string head = "SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\n";
    const std::string extra = head + "abXYZ";  // views point into it: keep it alive
    REQUIRE(parse_datagram(extra, m, Limits{}, err) == Status::ok);
    CHECK(m.status_code == 200);
    CHECK(m.reason == "OK");
    CHECK(m.body == "ab");  // extra bytes discarded

    CHECK(parse_datagram(head + "a", m, Limits{}, err) == Status::truncated);

    const std::string no_length = "SIP/2.0 180 Ringing\r\n\r\nxyz";
    REQUIRE(parse_datagram(no_length, m, Limits{}, err) == Status::ok);
    CHECK(m.body == "xyz");  // no Content-Length: the rest of the datagram
}

TEST_CASE("start line and header errors are precise") {
    struct Case {
        std::string text;
        Status status;
        size_t offset;
    };
    const Case cases[] = {
        {"INVITE sip:a@b SIP/3.0\r\n\r\n", Status::bad_start_line, 15},
        {"INVITE  SIP/2.0\r\n\r\n", Status::bad_start_line, 7},
        {"INVITE\r\n\r\n", Status::bad_start_line, 0},
        {"IN{VITE sip:a SIP/2.0\r\n\r\n", Status::bad_start_line, 0},
        {"SIP/2.0 20 OK\r\n\r\n", Status::bad_start_line, 10},
        {"SIP/2.0 099 Low\r\n\r\n", Status::bad_start_line, 8},
        {"SIP/2.0 200OK\r\n\r\n", Status::bad_start_line, 11},
        {"SIP/1.0 200 OK\r\n\r\n", Status::bad_start_line, 0},
        {"SIP/2.0 200 OK\r\n folded\r\n\r\n", Status::bad_header, 16},
        {"SIP/2.0 200 OK\r\nNoColon\r\n\r\n", Status::bad_header, 16},
        {"SIP/2.0 200 OK\r\nBad Name: x\r\n\r\n", Status::bad_header, 16},
        {"SIP/2.0 200 OK\r\nContent-Length: x1\r\n\r\n", Status::bad_content_length, 32},
        {"SIP/2.0 200 OK\r\nl: 1\r\nl: 2\r\n\r\nab", Status::bad_content_length, 25},
        {"SIP/2.0 200 OK\r\nl: 99999999999\r\n\r\n", Status::bad_content_length, 19},
        {"SIP/2.0 200 OK\r\nl: 70000\r\n\r\n", Status::limit_body_bytes, 19},
        {"SIP/2.0 200 OK\r\nl: 0\r\n", Status::truncated, 22},
        // Found by fuzz_sip_message's line-break check: a bare LF or CR was kept inside a
        // value, where a parser that splits lines at LF sees a header this one does not.
        {"SIP/2.0 200 OK\r\nSubject: a\nContent-Length: 5\r\nl: 0\r\n\r\n", Status::bad_header, 26},
        {"SIP/2.0 200 OK\r\nSubject: a\rb\r\n\r\n", Status::bad_header, 26},
        {"SIP/2.0 200 OK\r\nSubject: a\r\n b\rc\r\n\r\n", Status::bad_header, 30},
        {"SIP/2.0 200 O\nK\r\n\r\n", Status::bad_start_line, 13},
        {"INVITE sip:a\rb SIP/2.0\r\n\r\n", Status::bad_start_line, 12},
    };
    for (const auto& c : cases) {
        Message m;
        Error err;
        INFO(std::string(c.text));
        CHECK(parse_datagram(c.text, m, Limits{}, err) == c.status);
        CHECK(err.offset == c.offset);
    }
}

TEST_CASE("limits: header count and header bytes") {
    Limits limits;
    limits.max_headers = 2;
    Message m(limits.max_headers);
    Error err;
    CHECK(parse_datagram("SIP/2.0 200 OK\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n", m, limits, err) ==
          Status::limit_header_count);
    CHECK(m.headers.capacity() == 2);  // storage reserved up front, never grown

    limits.max_header_bytes = 20;
    CHECK(parse_datagram("SIP/2.0 200 OK\r\nabc: 1\r\n\r\n", m, limits, err) ==
          Status::limit_header_bytes);
}

TEST_CASE("stream: any split point gives the same messages") {
    const std::string two = kRegister + "\r\n\r\n" + "SIP/2.0 200 OK\r\nl: 0\r\n\r\n";
    for (size_t split = 0; split <= two.size(); ++split) {
        StreamReader reader;
        Message m;
        Error err;
        std::string seen;
        for (std::string_view part :
             {std::string_view(two).substr(0, split), std::string_view(two).substr(split)}) {
            reader.receive(part);
            int r;
            while ((r = reader.next(m, err)) == 1) {
                seen += m.is_request ? std::string(m.method) + ":" + std::string(m.body)
                                     : std::to_string(m.status_code);
                seen += ",";
            }
            REQUIRE(r == 0);
        }
        INFO("split at " << split);
        CHECK(seen == "REGISTER:body,200,");
        CHECK(reader.end_of_stream(err) == Status::ok);
    }
}

TEST_CASE("stream: byte at a time") {
    std::string input = "\r\n\r\n" + kRegister + "SIP/2.0 200 OK\r\nl: 0\r\n\r\n";
    StreamReader reader;
    Message m;
    Error err;
    std::string seen;
    for (char c : input) {
        reader.receive(std::string_view(&c, 1));
        int r;
        while ((r = reader.next(m, err)) == 1)
            seen += m.is_request ? std::string(m.method) : std::to_string(m.status_code);
        REQUIRE(r == 0);
    }
    CHECK(seen == "REGISTER200");
    CHECK(reader.end_of_stream(err) == Status::ok);
    CHECK(reader.buffered() == 0);
}

TEST_CASE("stream: errors are sticky; Content-Length mandatory; truncation at close") {
    StreamReader reader;
    Message m;
    Error err;
    reader.receive("SIP/2.0 200 OK\r\nVia: x\r\n\r\n");
    CHECK(reader.next(m, err) == static_cast<int>(Status::bad_content_length));
    reader.receive("SIP/2.0 200 OK\r\nl: 0\r\n\r\n");
    CHECK(reader.next(m, err) == static_cast<int>(Status::bad_content_length));

    Limits small;
    small.max_header_bytes = 16;
    StreamReader limited(small);
    limited.receive("SIP/2.0 200 OK\r\nVia: 12345");
    CHECK(limited.next(m, err) == static_cast<int>(Status::limit_header_bytes));

    StreamReader partial;
    partial.receive("SIP/2.0 200 OK\r\nl: 5\r\n\r\nab");
    CHECK(partial.next(m, err) == 0);
    CHECK(partial.end_of_stream(err) == Status::truncated);
}

TEST_CASE("writer output re-parses; reason phrases") {
    std::string out;
    MessageWriter(out)
        .response(555, reason_phrase(555))
        .header("Feature-Caps", "*;+sip.pns=\"apns\"")
        .finish("hi");
    Message m;
    Error err;
    REQUIRE(parse_datagram(out, m, Limits{}, err) == Status::ok);
    CHECK(m.status_code == 555);
    CHECK(m.reason == "Push Notification Service Not Supported");
    CHECK(m.body == "hi");
    CHECK(m.find(HeaderId::content_length)->value == "2");
    CHECK(reason_phrase(299).empty());
    CHECK(header_id("M") == HeaderId::contact);
    CHECK(header_name(HeaderId::feature_caps) == "Feature-Caps");
}

TEST_CASE("reason phrase 489 Bad Event (RFC 6665 8.3.2)") {
    CHECK(reason_phrase(489) == "Bad Event");
    std::string out;
    MessageWriter(out)
        .response(489, reason_phrase(489))
        .header("Allow-Events", "ua-profile")
        .finish();
    CHECK(out.rfind("SIP/2.0 489 Bad Event\r\n", 0) == 0);
    Message m;
    Error err;
    REQUIRE(parse_datagram(out, m, Limits{}, err) == Status::ok);
    CHECK(m.status_code == 489);
    CHECK(m.reason == "Bad Event");
}
