#include "pushcore/http/http1.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace pushcore;
using namespace pushcore::http;

namespace {

size_t feed(Http1Parser& p, std::string_view s) {
    return p.feed(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Everything a parser made of a stream, as text, so two runs can be compared whole.
struct Outcome {
    std::vector<Request> requests;
    std::vector<bool> close;
    bool failed = false;
    Error error;
    int http_status = 0;
    size_t offset = 0;

    std::string describe() const {
        std::string s;
        for (size_t i = 0; i < requests.size(); ++i) {
            const Request& r = requests[i];
            s += std::to_string(r.stream_id) + " " + r.method + " " + r.path + " @" + r.authority +
                 (close[i] ? " close" : "") + "\n";
            for (const Header& h : r.headers) s += "  " + h.name + "=" + h.value + "\n";
            s += "  body[" + r.body + "]\n";
        }
        if (failed)
            s += "failed " + std::to_string(http_status) + " " + status_name(error.status) + " " +
                 error.reason + " @" + std::to_string(error.offset) + "\n";
        s += "offset " + std::to_string(offset) + "\n";
        return s;
    }
};

// Feeds `pieces` in order, taking every complete request and feeding the rest again.
Outcome run(const std::vector<std::string_view>& pieces, const Http1Limits& limits = {}) {
    Http1Parser p(limits);
    Outcome o;
    for (std::string_view piece : pieces) {
        while (!piece.empty() && !p.failed()) {
            size_t used = feed(p, piece);
            REQUIRE(used <= piece.size());
            piece.remove_prefix(used);
            if (p.done()) {
                o.close.push_back(p.close_after());
                o.requests.push_back(p.take());
            } else {
                REQUIRE((piece.empty() || p.failed()));
            }
        }
    }
    o.failed = p.failed();
    o.error = p.error();
    o.http_status = p.http_status();
    o.offset = p.offset();
    return o;
}

Outcome run_whole(std::string_view s, const Http1Limits& limits = {}) {
    return run({s}, limits);
}

Outcome run_bytes(std::string_view s, const Http1Limits& limits = {}) {
    std::vector<std::string_view> pieces;
    for (size_t i = 0; i < s.size(); ++i) pieces.push_back(s.substr(i, 1));
    return run(pieces, limits);
}

const std::string kHead = "GET / HTTP/1.1\r\nHost: a\r\n";                      // 25 bytes
const std::string kChunkedHead = kHead + "Transfer-Encoding: chunked\r\n\r\n";  // 55 bytes

}  // namespace

TEST_CASE("http1: GET with fields; framing and hop-by-hop fields are not kept") {
    const std::string req =
        "GET /push/abc?x=1 HTTP/1.1\r\n"
        "Host: push.example.net:8443\r\n"
        "TTL: 60\r\n"
        "Connection: keep-alive, Upgrade\r\n"
        "Upgrade: h2c\r\n"
        "Keep-Alive: timeout=5\r\n"
        "TE: trailers\r\n"
        "Proxy-Connection: x\r\n"
        "Content-Length: 0\r\n"
        "X-Mixed-CASE:  spaced value \t\r\n"
        "Urgency: high\r\n"
        "ttl: 61\r\n"
        "Empty:\r\n"
        "\r\n";
    Http1Parser p;
    CHECK(feed(p, req) == req.size());
    REQUIRE(p.done());
    CHECK_FALSE(p.failed());
    CHECK_FALSE(p.close_after());
    CHECK_FALSE(p.expects_continue());
    CHECK(p.offset() == req.size());
    Request r = p.take();
    CHECK(r.stream_id == 1);
    CHECK(r.method == "GET");
    CHECK(r.path == "/push/abc?x=1");
    CHECK(r.authority == "push.example.net:8443");
    CHECK(r.scheme.empty());
    CHECK(r.body.empty());
    REQUIRE(r.headers.size() == 5);
    CHECK(r.headers[0].name == "ttl");
    CHECK(r.headers[0].value == "60");
    CHECK(r.headers[1].name == "x-mixed-case");
    CHECK(r.headers[1].value == "spaced value");
    CHECK(r.headers[2].name == "urgency");
    CHECK(r.headers[3].name == "ttl");
    CHECK(r.headers[4].name == "empty");
    CHECK(r.headers[4].value.empty());
    REQUIRE(r.find("ttl"));
    CHECK(*r.find("ttl") == "60");
    CHECK(*r.find("TTL") == "60");
    CHECK(r.count("ttl") == 2);
    CHECK(r.count("host") == 0);
    CHECK(r.find("connection") == nullptr);
    CHECK(r.find("content-length") == nullptr);
    CHECK_FALSE(p.done());

    // take() starts the next request: ids count up, the limits stay.
    CHECK(feed(p, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n") == 31);
    REQUIRE(p.done());
    Request o = p.take();
    CHECK(o.stream_id == 2);
    CHECK(o.method == "OPTIONS");
    CHECK(o.path == "*");
}

TEST_CASE("http1: method tokens are HTTP's tchar, not SIP's token") {
    Outcome o = run_whole("M#$&^|X /a HTTP/1.1\r\nHost: h\r\nX#|^: v\r\n\r\n");
    REQUIRE(o.requests.size() == 1);
    CHECK(o.requests[0].method == "M#$&^|X");
    CHECK(o.requests[0].headers[0].name == "x#|^");
}

TEST_CASE("http1: POST with Content-Length, repeated equal values") {
    const std::string req =
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\nhello";
    Http1Parser p;
    size_t head = req.size() - 5;
    CHECK(feed(p, std::string_view(req).substr(0, head + 2)) == head + 2);
    CHECK_FALSE(p.done());
    CHECK(feed(p, std::string_view(req).substr(head + 2)) == 3);
    REQUIRE(p.done());
    Request r = p.take();
    CHECK(r.method == "POST");
    CHECK(r.body == "hello");
    CHECK(r.headers.empty());
}

TEST_CASE("http1: chunked body with extensions and trailers") {
    const std::string req = kChunkedHead +
                            "4;name=value;quoted=\"a \\\" b\" ; flag\r\n"
                            "Wiki\r\n"
                            "5\r\n"
                            "pedia\r\n"
                            "00E ; ext\r\n"
                            " in\r\n\r\nchunks.\r\n"
                            "0;last\r\n"
                            "Server-Timing: x;dur=1\r\n"
                            "Digest: abc\r\n"
                            "\r\n";
    for (const Outcome& o : {run_whole(req), run_bytes(req)}) {
        REQUIRE(o.requests.size() == 1);
        CHECK_FALSE(o.failed);
        const Request& r = o.requests[0];
        CHECK(r.body == "Wikipedia in\r\n\r\nchunks.");
        CHECK(r.headers.empty());  // trailers are discarded, Transfer-Encoding is framing
        CHECK(r.find("server-timing") == nullptr);
        CHECK(o.offset == req.size());
        CHECK_FALSE(o.close[0]);
    }
    // A bare LF ends chunk lines as well (RFC 9112 2.2).
    Outcome lf = run_whole(kChunkedHead + "3\nabc\n0\n\n");
    REQUIRE(lf.requests.size() == 1);
    CHECK(lf.requests[0].body == "abc");
}

TEST_CASE("http1: pipelined requests; feed stops at each request's end") {
    const std::string a = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n";
    const std::string b = "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi";
    const std::string c = "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n";
    const std::string all = a + b + c;
    Http1Parser p;
    std::string_view rest = all;
    CHECK(feed(p, rest) == a.size());
    REQUIRE(p.done());
    CHECK(feed(p, rest) == 0);  // a done parser takes nothing until take()
    rest.remove_prefix(a.size());
    CHECK(p.take().path == "/1");
    CHECK(feed(p, rest) == b.size());
    rest.remove_prefix(b.size());
    Request rb = p.take();
    CHECK(rb.path == "/2");
    CHECK(rb.body == "hi");
    CHECK(rb.stream_id == 2);
    CHECK(feed(p, rest) == c.size());
    Request rc = p.take();
    CHECK(rc.path == "/3");
    CHECK(rc.stream_id == 3);
    CHECK(p.offset() == all.size());
    CHECK(p.take().stream_id == 0);  // nothing complete: an empty request, no state change
}

TEST_CASE("http1: byte at a time and random splits give identical results") {
    const std::string stream =
        "\r\n"
        "GET /a?x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n"
        "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\n"
        "\r\n"
        "PUT /e HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc"
        "GET /f HTTP/1.0\r\nHost: h\r\nX: 1\r\n\r\n"
        "GET /g HTTP/1.1\r\nHost: h\r\nBad Name: 1\r\n\r\n";
    const Outcome whole = run_whole(stream);
    REQUIRE(whole.requests.size() == 5);
    CHECK(whole.requests[2].body == "Wikipedia");
    CHECK(whole.requests[3].body == "abc");
    CHECK(whole.close == std::vector<bool>{false, false, false, false, true});
    REQUIRE(whole.failed);
    CHECK(whole.error.status == Status::bad_header);
    CHECK(whole.error.offset == stream.find("Bad Name") + 3);
    const std::string expected = whole.describe();

    CHECK(run_bytes(stream).describe() == expected);
    std::mt19937 rng(20240607);
    for (int round = 0; round < 300; ++round) {
        std::vector<std::string_view> pieces;
        size_t pos = 0;
        while (pos < stream.size()) {
            size_t n = std::uniform_int_distribution<size_t>(1, 40)(rng);
            pieces.push_back(std::string_view(stream).substr(pos, n));
            pos += n;
        }
        INFO("round " << round);
        CHECK(run(pieces).describe() == expected);
    }
}

TEST_CASE("http1: HTTP/1.0 closes unless keep-alive; Connection: close in HTTP/1.1") {
    Outcome plain = run_whole("GET / HTTP/1.0\r\n\r\n");  // no Host needed in 1.0
    REQUIRE(plain.requests.size() == 1);
    CHECK(plain.close[0]);
    CHECK(plain.requests[0].authority.empty());

    Outcome keep = run_whole("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    REQUIRE(keep.requests.size() == 1);
    CHECK_FALSE(keep.close[0]);

    Outcome close = run_whole(kHead + "Connection: keep-alive, close\r\n\r\n");
    REQUIRE(close.requests.size() == 1);
    CHECK(close.close[0]);

    // Once a request needs the connection closed, close_after() stays true, also after take().
    Http1Parser p;
    feed(p, "GET / HTTP/1.0\r\n\r\n");
    REQUIRE(p.done());
    p.take();
    CHECK(p.close_after());
}

TEST_CASE("http1: absolute-form gives path and authority; Host is still required") {
    Outcome o = run_whole(
        "GET http://Push.Example:80/sub/1?q HTTP/1.1\r\nHost: other\r\n\r\n"
        "GET https://h2 HTTP/1.1\r\nHost: h2\r\n\r\n"
        "GET http://h3?x=1 HTTP/1.1\r\nHost: h3\r\n\r\n");
    REQUIRE(o.requests.size() == 3);
    CHECK(o.requests[0].path == "/sub/1?q");
    CHECK(o.requests[0].authority == "Push.Example:80");  // RFC 9112 3.2.2: not Host
    CHECK(o.requests[1].path == "/");
    CHECK(o.requests[1].authority == "h2");
    CHECK(o.requests[2].path == "/?x=1");

    Outcome missing = run_whole("GET http://h/ HTTP/1.1\r\n\r\n");
    CHECK(missing.failed);
    CHECK(missing.error.status == Status::missing_header);
    CHECK(missing.http_status == 400);
}

TEST_CASE("http1: Expect: 100-continue") {
    const std::string head =
        "POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
    Http1Parser p;
    CHECK(feed(p, std::string_view(head).substr(0, head.size() - 1)) == head.size() - 1);
    CHECK_FALSE(p.expects_continue());  // the fields are not all in yet
    feed(p, "\n");
    CHECK(p.expects_continue());
    CHECK_FALSE(p.done());
    feed(p, "ab");
    CHECK(p.expects_continue());
    feed(p, "c");
    REQUIRE(p.done());
    CHECK_FALSE(p.expects_continue());
    Request r = p.take();
    CHECK(r.body == "abc");
    CHECK(*r.find("expect") == "100-Continue");
    CHECK_FALSE(p.expects_continue());

    // Chunked bodies too.
    Http1Parser c;
    feed(c, kHead + "Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
    CHECK(c.expects_continue());
    feed(c, "0\r\n\r\n");
    CHECK(c.done());
    CHECK_FALSE(c.expects_continue());

    // No body to wait for, another expectation, or HTTP/1.0 (RFC 9110 10.1.1): no 100.
    for (std::string req : {kHead + "Expect: 100-continue\r\n\r\n",
                            kHead + "Expect: something\r\nContent-Length: 1\r\n\r\n",
                            std::string("POST / HTTP/1.0\r\nExpect: 100-continue\r\n"
                                        "Content-Length: 1\r\n\r\n")}) {
        Http1Parser q;
        CHECK(feed(q, req) == req.size());
        CHECK_FALSE(q.failed());
        CHECK_FALSE(q.expects_continue());
    }
}

TEST_CASE("http1: Transfer-Encoding beats Content-Length and the connection closes") {
    Outcome o = run_whole(kHead +
                          "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "2\r\nok\r\n0\r\n\r\n");
    REQUIRE(o.requests.size() == 1);
    CHECK(o.requests[0].body == "ok");
    CHECK(o.close[0]);
    CHECK_FALSE(o.failed);

    Outcome list = run_whole(kHead + "Transfer-Encoding: ,chunked,\r\n\r\n0\r\n\r\n");
    REQUIRE(list.requests.size() == 1);  // empty list elements are ignored
    CHECK_FALSE(list.close[0]);
}

TEST_CASE("http1: leading empty lines and bare LF line ends are accepted") {
    Outcome o = run_whole("\r\n\n\r\nGET /x HTTP/1.1\nHost: h\nA: b\r\n\n");
    REQUIRE(o.requests.size() == 1);
    CHECK(o.requests[0].path == "/x");
    CHECK(o.requests[0].headers[0].value == "b");
}

TEST_CASE("http1: errors name the status, the rule and the stream offset") {
    struct Case {
        std::string text;
        int http;
        Status status;
        const char* reason;
        size_t offset;
    };
    const std::string cl = kHead + "Content-Length: ";     // value at 41
    const std::string te = kHead + "Transfer-Encoding: ";  // value at 44
    const Case cases[] = {
        // request-line (RFC 9112 3)
        {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, Status::bad_start_line, "request-line: version",
         6},
        {"GET / HTTP/1.2\r\n\r\n", 505, Status::bad_start_line, "request-line: version", 6},
        {"GET / http/1.1\r\n\r\n", 400, Status::bad_start_line, "request-line: version syntax", 6},
        {"GET / HTTP/1.1 \r\n\r\n", 400, Status::bad_start_line, "request-line: version syntax", 6},
        {"GET /\r\n\r\n", 400, Status::bad_start_line, "request-line: version", 5},
        {"G@T / HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-line: method", 1},
        {" GET / HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-line: method", 0},
        {"GET  / HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: empty", 4},
        {"GET a/b HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: form", 4},
        {"GET ftp://h/ HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: form", 4},
        {"CONNECT h:443 HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: form", 8},
        {"GET /a\x01z HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: byte", 6},
        {"GET /a#f HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: byte", 6},
        {"GET * HTTP/1.1\r\n\r\n", 400, Status::bad_start_line,
         "request-target: '*' without OPTIONS", 4},
        {"GET http://u@h/ HTTP/1.1\r\n\r\n", 400, Status::bad_start_line,
         "request-target: authority", 12},
        {"GET http:///x HTTP/1.1\r\n\r\n", 400, Status::bad_start_line, "request-target: authority",
         11},
        {"GET / HTTP/1.1\rX\r\n\r\n", 400, Status::bad_start_line, "request-line: bare CR", 14},
        // field lines (RFC 9112 5, RFC 9110 5.5)
        {"GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, Status::bad_header, "field-line: obs-fold", 16},
        {kHead + " folded\r\n\r\n", 400, Status::bad_header, "field-line: obs-fold", 25},
        {kHead + "\tfolded\r\n\r\n", 400, Status::bad_header, "field-line: obs-fold", 25},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, Status::bad_header,
         "field-name: whitespace before ':'", 20},
        {kHead + "X\t: a\r\n\r\n", 400, Status::bad_header, "field-name: whitespace before ':'",
         26},
        {kHead + "Ba(d: a\r\n\r\n", 400, Status::bad_header, "field-name", 27},
        {kHead + ": a\r\n\r\n", 400, Status::bad_header, "field-name", 25},
        {kHead + "NoColon\r\n\r\n", 400, Status::bad_header, "field-name", 32},
        {kHead + std::string("X: a\0b\r\n\r\n", 10), 400, Status::bad_header, "field-value", 29},
        {kHead + "X: a\x7f\r\n\r\n", 400, Status::bad_header, "field-value", 29},
        {kHead + "X: a\x1b\r\n\r\n", 400, Status::bad_header, "field-value", 29},
        {kHead + "X: a\rb\r\n\r\n", 400, Status::bad_header, "field-line: bare CR", 29},
        // Host (RFC 9112 3.2)
        {"GET / HTTP/1.1\r\nX: y\r\n\r\n", 400, Status::missing_header, "host: missing", 22},
        {kHead + "host: b\r\n\r\n", 400, Status::bad_header, "host: more than one", 25},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, Status::bad_header, "host: invalid", 23},
        {"GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", 400, Status::bad_header, "host: invalid", 23},
        // Content-Length (RFC 9110 8.6, RFC 9112 6.3)
        {cl + "1x\r\n\r\n", 400, Status::bad_content_length, "content-length", 42},
        {cl + "-1\r\n\r\n", 400, Status::bad_content_length, "content-length", 41},
        {cl + "\r\n\r\n", 400, Status::bad_content_length, "content-length", 41},
        {cl + "1,,1\r\n\r\n", 400, Status::bad_content_length, "content-length", 43},
        {cl + "1, 2\r\n\r\n", 400, Status::bad_content_length, "content-length: differing values",
         44},
        {cl + "1\r\nContent-Length: 2\r\n\r\n", 400, Status::bad_content_length,
         "content-length: differing values", 60},
        {cl + "99999999999999999999999\r\n\r\n", 400, Status::bad_content_length,
         "content-length: overflow", 41},
        // Transfer-Encoding (RFC 9112 6.1, 6.3)
        {te + "gzip, chunked\r\n\r\n", 501, Status::bad_header,
         "transfer-encoding: unsupported coding", 44},
        {te + "chunked, gzip\r\n\r\n", 400, Status::bad_header,
         "transfer-encoding: chunked not final", 44},
        {te + "gzip\r\n\r\n", 400, Status::bad_header, "transfer-encoding: chunked not final", 44},
        {te + "chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400, Status::bad_header,
         "transfer-encoding: chunked twice", 44},
        {te + " , \r\n\r\n", 400, Status::bad_header, "transfer-encoding: empty", 45},
        {te + "@\r\n\r\n", 400, Status::bad_header, "transfer-encoding", 44},
        {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, Status::bad_header,
         "transfer-encoding: in HTTP/1.0", 36},
        // chunked framing (RFC 9112 7.1)
        {kChunkedHead + "zz\r\n", 400, Status::syntax, "chunk-size", 55},
        {kChunkedHead + "\r\n", 400, Status::syntax, "chunk-size", 55},
        {kChunkedHead + "5;=x\r\n", 400, Status::syntax, "chunk-ext", 57},
        {kChunkedHead + "5 junk\r\n", 400, Status::syntax, "chunk-ext", 57},
        {kChunkedHead + "5;a=\"x\r\n", 400, Status::syntax, "chunk-ext", 61},
        {kChunkedHead + "5;a=\r\n", 400, Status::syntax, "chunk-ext", 59},
        {kChunkedHead + "5;a=\"\x01\"\r\n", 400, Status::syntax, "chunk-ext", 60},
        {kChunkedHead + "3\rx\r\n", 400, Status::syntax, "chunk-size: bare CR", 56},
        {kChunkedHead + "3\r\nabcX", 400, Status::syntax, "chunk-data: CRLF expected", 61},
        {kChunkedHead + "3\r\nabc\r\r", 400, Status::syntax, "chunk-data: CRLF expected", 62},
        {kChunkedHead + "0\r\n bad\r\n\r\n", 400, Status::bad_header, "field-line: obs-fold", 58},
        {kChunkedHead + "0\r\nT: \x01\r\n\r\n", 400, Status::bad_header, "field-value", 61},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        for (const Outcome& o : {run_whole(c.text), run_bytes(c.text)}) {
            CHECK(o.requests.empty());
            REQUIRE(o.failed);
            CHECK(o.http_status == c.http);
            CHECK(o.error.status == c.status);
            CHECK(std::string(o.error.reason) == c.reason);
            CHECK(o.error.offset == c.offset);
            CHECK(o.error.offset <= o.offset);
        }
    }
}

TEST_CASE("http1: a failed parser stays failed and consumes nothing") {
    Http1Parser p;
    const std::string bad = "GET / HTTP/3.0\r\n";
    feed(p, bad);
    REQUIRE(p.failed());
    CHECK(p.http_status() == 505);
    size_t at = p.offset();
    CHECK(feed(p, "GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
    CHECK(p.offset() == at);
    CHECK(p.failed());
    CHECK(p.take().stream_id == 0);
    CHECK(p.failed());
    CHECK(p.error().status == Status::bad_start_line);
}

TEST_CASE("http1: 413 as early as possible") {
    Http1Limits limits;
    limits.max_body_bytes = 10;

    // Content-Length above the limit fails at the end of the fields, before any body byte.
    const std::string head = kHead + "Content-Length: 11\r\n\r\n";
    Http1Parser p(limits);
    CHECK(feed(p, head + "0123456789X") == head.size());
    REQUIRE(p.failed());
    CHECK(p.http_status() == 413);
    CHECK(p.error().status == Status::limit_body_bytes);
    CHECK(std::string(p.error().reason) == "content-length: above max_body_bytes");
    CHECK(p.error().offset == 41);

    // Exactly the limit is fine.
    Outcome ten = run_whole(kHead + "Content-Length: 10\r\n\r\n0123456789", limits);
    REQUIRE(ten.requests.size() == 1);
    CHECK(ten.requests[0].body.size() == 10);

    // A chunk that would go over fails at its chunk-size line, before its data.
    struct Chunked {
        std::string body;
        size_t offset;
    };
    for (const Chunked& c : {Chunked{"b\r\n", 55}, Chunked{"5\r\nabcde\r\n6\r\n", 65},
                             Chunked{"ffffffffffffffffffffffff\r\n", 55}}) {
        INFO(c.body);
        Http1Parser q(limits);
        CHECK(feed(q, kChunkedHead + c.body + "abcdef") == kChunkedHead.size() + c.body.size());
        REQUIRE(q.failed());
        CHECK(q.http_status() == 413);
        CHECK(q.error().status == Status::limit_body_bytes);
        CHECK(std::string(q.error().reason) == "chunk-size: above max_body_bytes");
        CHECK(q.error().offset == c.offset);
    }
    // Chunks up to the limit in total are fine; leading zeros do not count.
    Outcome chunks =
        run_whole(kChunkedHead + "5\r\nabcde\r\n0000000005\r\nfghij\r\n0\r\n\r\n", limits);
    REQUIRE(chunks.requests.size() == 1);
    CHECK(chunks.requests[0].body == "abcdefghij");
}

TEST_CASE("http1: 431 for the header section's bytes and field count") {
    Http1Limits limits;
    limits.max_header_bytes = 40;
    // 25 bytes of request line and Host; 15 more reach 40 exactly with the empty line.
    Outcome exact = run_whole(kHead + "X: 12345678\r\n\r\n", limits);
    REQUIRE(exact.requests.size() == 1);

    const std::string over = kHead + "X: 123456789\r\n\r\n";
    for (const Outcome& o : {run_whole(over, limits), run_bytes(over, limits)}) {
        REQUIRE(o.failed);
        CHECK(o.http_status == 431);
        CHECK(o.error.status == Status::limit_header_bytes);
        CHECK(std::string(o.error.reason) == "header section: above max_header_bytes");
        CHECK(o.error.offset == 40);
    }

    // A line that never ends is not buffered past the limit.
    Http1Parser p(limits);
    for (int i = 0; i < 100 && !p.failed(); ++i) feed(p, "aaaaaaaaaa");
    CHECK(p.failed());
    CHECK(p.error().status == Status::limit_header_bytes);
    CHECK(p.error().offset == 40);
    CHECK(p.offset() <= 50);

    // Empty lines before a request count too, so an endless stream of them ends.
    Outcome blank = run_whole(std::string(41, '\n'), limits);
    CHECK(blank.failed);
    CHECK(blank.error.status == Status::limit_header_bytes);

    // Trailers count against the same limits.
    Http1Limits roomy;
    roomy.max_header_bytes = 64;
    Outcome trailer = run_whole(kChunkedHead + "0\r\nT: 12345678\r\n\r\n", roomy);
    REQUIRE(trailer.failed);
    CHECK(trailer.http_status == 431);
    CHECK(trailer.error.offset == 64 + 3);

    Http1Limits few;
    few.max_header_count = 2;
    Outcome two = run_whole(kHead + "A: 1\r\n\r\n", few);
    REQUIRE(two.requests.size() == 1);
    Outcome three = run_whole(kHead + "A: 1\r\nB: 2\r\n\r\n", few);
    REQUIRE(three.failed);
    CHECK(three.http_status == 431);
    CHECK(three.error.status == Status::limit_header_count);
    CHECK(std::string(three.error.reason) == "header section: above max_header_count");
    CHECK(three.error.offset == 31);
    Outcome trailers = run_whole(
        "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n\r\n", few);
    REQUIRE(trailers.failed);
    CHECK(trailers.error.status == Status::limit_header_count);
    CHECK(trailers.error.offset == 58);

    // A chunk-size line (with extensions) is bounded by max_header_bytes as well.
    Outcome ext = run_whole(kChunkedHead + "1;" + std::string(9000, 'a') + "\r\n");
    REQUIRE(ext.failed);
    CHECK(ext.http_status == 400);
    CHECK(ext.error.status == Status::syntax);
    CHECK(std::string(ext.error.reason) == "chunk-size: line too long");
    CHECK(ext.error.offset == kChunkedHead.size() + 8192);
}

TEST_CASE("http1: serialize_response") {
    Response created;
    created.status = 201;
    created.add("location", "/m/1").add("TTL", "60");
    created.body = "{}";
    std::string out = "prefix|";
    serialize_response(created, false, out);
    CHECK(out ==
          "prefix|HTTP/1.1 201 Created\r\n"
          "location: /m/1\r\n"
          "TTL: 60\r\n"
          "content-length: 2\r\n"
          "\r\n"
          "{}");

    Response none;
    none.status = 204;
    none.add("x", "y");
    none.body = "ignored";
    out.clear();
    serialize_response(none, true, out);
    CHECK(out == "HTTP/1.1 204 No Content\r\nx: y\r\nconnection: close\r\n\r\n");

    Response not_modified;
    not_modified.status = 304;
    out.clear();
    serialize_response(not_modified, false, out);
    CHECK(out == "HTTP/1.1 304 Not Modified\r\n\r\n");

    Response cont;
    cont.status = 100;
    out.clear();
    serialize_response(cont, true, out);
    CHECK(out == "HTTP/1.1 100 Continue\r\n\r\n");

    Response empty;
    out.clear();
    serialize_response(empty, true, out);
    CHECK(out == "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");

    // No response splitting, no second framing, nothing that is not a status code.
    Response odd;
    odd.status = 299;
    odd.add("x", "").add("bad name", "v").add("Content-Length", "9");
    odd.headers[0].value = std::string("a\r\nSet-Cookie: b\0c", 18);
    odd.body = "abc";
    out.clear();
    serialize_response(odd, false, out);
    CHECK(out == "HTTP/1.1 299 \r\nx: a  Set-Cookie: b c\r\ncontent-length: 3\r\n\r\nabc");

    Response invalid;
    invalid.status = 42;
    out.clear();
    serialize_response(invalid, false, out);
    CHECK(out.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
}

TEST_CASE("http1: reason phrases") {
    const int codes[] = {100, 101, 200, 201, 202, 204, 301, 304, 400, 401, 403, 404, 405,
                         408, 410, 411, 413, 414, 415, 429, 431, 500, 501, 503, 504, 505};
    for (int code : codes) {
        INFO(code);
        CHECK(std::string(reason_phrase(code)).size() > 1);
    }
    CHECK(std::string(reason_phrase(201)) == "Created");
    CHECK(std::string(reason_phrase(413)) == "Content Too Large");
    CHECK(std::string(reason_phrase(431)) == "Request Header Fields Too Large");
    CHECK(std::string(reason_phrase(505)) == "HTTP Version Not Supported");
    CHECK(std::string(reason_phrase(299)).empty());
    CHECK(std::string(reason_phrase(-1)).empty());
}
