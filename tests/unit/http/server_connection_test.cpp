// The server connection on its own: protocol detection, HTTP/2 through nghttp2 client
// sessions in memory, HTTP/1.1 as raw bytes, limits, held streams, pushes, idle timeout.
#include "pushcore/http/server_connection.hpp"

#include <doctest/doctest.h>

#include <string>

#include "support/h2_client.hpp"

using namespace pushcore;
using namespace pushcore::http;
using pushcore::test::H2Client;

namespace {

// Moves bytes between a client and the connection until neither has anything to send.
void pump(H2Client& client, ServerConnection& conn, uint64_t now = 0) {
    for (int i = 0; i < 100; ++i) {
        std::string out = client.take_output();
        if (!out.empty())
            conn.receive(reinterpret_cast<const uint8_t*>(out.data()), out.size(), now);
        std::string_view back = conn.output();
        if (out.empty() && back.empty()) return;
        client.feed(back);
        conn.consume_output(back.size());
    }
}

std::string h1(ServerConnection& conn, std::string_view bytes) {
    conn.receive(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), 0);
    std::string out(conn.output());
    conn.consume_output(out.size());
    return out;
}

std::vector<Request> requests(ServerConnection& conn) {
    std::vector<Request> out;
    ServerConnection::Event ev;
    while (conn.next_event(ev))
        if (ev.type == ServerConnection::EventType::request) out.push_back(ev.request);
    return out;
}

Response ok(std::string body = "ok") {
    Response r;
    r.status = 200;
    r.body = std::move(body);
    return r;
}

}  // namespace

TEST_CASE("server connection: HTTP/2 request in, response out, fields and body intact") {
    ServerConnection conn({}, Protocol::detect, 0);
    H2Client client;
    int32_t id = client.request("POST", "/x?y=1", {{"ttl", "5"}, {"topic", "a"}}, "body!");
    pump(client, conn);
    CHECK(conn.protocol() == Protocol::http2);
    auto reqs = requests(conn);
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].path == "/x?y=1");
    CHECK(reqs[0].authority == "push.test");
    CHECK(reqs[0].scheme == "https");
    CHECK(*reqs[0].find("ttl") == "5");
    CHECK(reqs[0].body == "body!");
    CHECK(conn.stream_open(reqs[0].stream_id));
    REQUIRE(conn.respond(reqs[0].stream_id, ok("hello")) == Status::ok);
    CHECK(!conn.stream_open(reqs[0].stream_id));
    CHECK(conn.respond(reqs[0].stream_id, ok()) == Status::not_found);  // answered already
    pump(client, conn);
    CHECK(client.stream(id).status == 200);
    CHECK(client.stream(id).body == "hello");
    CHECK(*client.stream(id).header("content-length") == "5");
}

TEST_CASE("server connection: the preface split across calls is still HTTP/2") {
    ServerConnection conn({}, Protocol::detect, 0);
    H2Client client;
    client.request("GET", "/a");
    std::string out = client.take_output();
    for (char c : out) conn.receive(reinterpret_cast<const uint8_t*>(&c), 1, 0);
    CHECK(conn.protocol() == Protocol::http2);
    CHECK(requests(conn).size() == 1);
}

TEST_CASE("server connection: HTTP/2 limits: 431 for header bytes and fields, 413 for bodies") {
    ConnectionLimits limits;
    limits.max_header_bytes = 512;
    limits.max_header_count = 4;
    limits.max_body_bytes = 100;
    ServerConnection conn(limits, Protocol::detect, 0);
    H2Client client;
    int32_t big = client.request("GET", "/a", {{"x-big", std::string(600, 'a')}});
    int32_t many =
        client.request("GET", "/b", {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}});
    int32_t declared =
        client.request("POST", "/c", {{"content-length", "101"}}, std::string(101, 'x'));
    int32_t sent = client.request("POST", "/d", {}, std::string(101, 'x'));
    int32_t fine = client.request("POST", "/e", {}, std::string(100, 'x'));
    pump(client, conn);
    CHECK(client.stream(big).status == 431);
    CHECK(client.stream(many).status == 431);
    CHECK(client.stream(declared).status == 413);
    CHECK(client.stream(sent).status == 413);
    auto reqs = requests(conn);
    REQUIRE(reqs.size() == 1);  // only the request within the limits is handed over
    CHECK(reqs[0].path == "/e");
    CHECK(reqs[0].stream_id == fine);
}

TEST_CASE("server connection: bad HTTP/2 framing ends the connection with GOAWAY") {
    ServerConnection conn({}, Protocol::detect, 0);
    H2Client client;
    pump(client, conn);
    // A DATA frame on stream 0 is a connection error (RFC 9113 6.1).
    const uint8_t bad[] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 'x'};
    CHECK(conn.receive(bad, sizeof bad, 0) == Status::http2);
    CHECK(conn.error().status == Status::http2);
    client.feed(conn.output());
    CHECK(client.goaway_received());
    CHECK(client.goaway_code() == NGHTTP2_PROTOCOL_ERROR);
    conn.consume_output(conn.output().size());
    CHECK(conn.want_close());
    CHECK(conn.receive(bad, sizeof bad, 0) == Status::http2);  // stays finished
}

TEST_CASE("server connection: pushes on a held stream; a reset held stream is reported") {
    ServerConnection conn({}, Protocol::detect, 0);
    H2Client client;
    int32_t held = client.request("GET", "/watch");
    pump(client, conn);
    auto reqs = requests(conn);
    REQUIRE(reqs.size() == 1);
    CHECK(conn.can_push());
    int32_t promised = conn.push(held, "/m/1", ok("msg"));
    CHECK(promised == 2);
    CHECK(conn.push(99, "/m/2", ok()) < 0);  // no such stream
    pump(client, conn);
    REQUIRE(client.promised().size() == 1);
    CHECK(client.stream(promised).promised_path == "/m/1");
    CHECK(client.stream(promised).body == "msg");
    CHECK(client.stream(held).status == 0);  // still held
    client.reset(held);
    pump(client, conn);
    ServerConnection::Event ev;
    REQUIRE(conn.next_event(ev));
    CHECK(ev.type == ServerConnection::EventType::stream_closed);
    CHECK(ev.stream_id == held);
    CHECK(!conn.stream_open(held));
}

TEST_CASE("server connection: no push when the client disabled it, nor over HTTP/1.1") {
    ServerConnection conn({}, Protocol::detect, 0);
    H2Client client(/*enable_push=*/false);
    int32_t held = client.request("GET", "/watch");
    pump(client, conn);
    CHECK(!conn.can_push());
    CHECK(conn.push(held, "/m/1", ok()) == static_cast<int32_t>(Status::invalid_state));
    ServerConnection one({}, Protocol::detect, 0);
    h1(one, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(one.protocol() == Protocol::http1);
    CHECK(!one.can_push());
}

TEST_CASE("server connection: HTTP/1.1 pipelined responses leave in request order") {
    ServerConnection conn({}, Protocol::detect, 0);
    CHECK(h1(conn, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n").empty());
    auto reqs = requests(conn);
    REQUIRE(reqs.size() == 2);
    CHECK(conn.respond(reqs[1].stream_id, ok("second")) == Status::ok);
    CHECK(conn.output().empty());  // waits for the first
    CHECK(conn.respond(reqs[0].stream_id, ok("first")) == Status::ok);
    std::string out(conn.output());
    CHECK(out.find("first") < out.find("second"));
    CHECK(conn.respond(reqs[0].stream_id, ok()) == Status::not_found);
}

TEST_CASE("server connection: HTTP/1.1 errors are answered, then the connection closes") {
    ServerConnection conn({}, Protocol::detect, 0);
    std::string out = h1(conn, "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n");
    CHECK(out.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(out.find("connection: close") != std::string::npos);
    CHECK(conn.error().status != Status::ok);
    CHECK(conn.want_close());
    ConnectionLimits small;
    small.max_header_bytes = 64;
    ServerConnection c431(small, Protocol::detect, 0);
    CHECK(h1(c431, "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(100, 'a') + "\r\n\r\n")
              .rfind("HTTP/1.1 431 ", 0) == 0);
}

TEST_CASE("server connection: Expect: 100-continue gets an interim response") {
    ServerConnection conn({}, Protocol::detect, 0);
    std::string out =
        h1(conn, "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    CHECK(out == "HTTP/1.1 100 Continue\r\n\r\n");
    CHECK(h1(conn, "abc").empty());
    auto reqs = requests(conn);
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body == "abc");
}

TEST_CASE("server connection: Connection: close ends the connection after the response") {
    ServerConnection conn({}, Protocol::detect, 0);
    h1(conn, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n");
    auto reqs = requests(conn);
    REQUIRE(reqs.size() == 1);
    CHECK(!conn.want_close());  // the response is still owed
    conn.respond(reqs[0].stream_id, ok());
    CHECK(std::string(conn.output()).find("connection: close") != std::string::npos);
    conn.consume_output(conn.output().size());
    CHECK(conn.want_close());
}

TEST_CASE("server connection: the idle timeout runs only while nothing is in progress") {
    ConnectionLimits limits;
    limits.idle_timeout_ms = 1000;
    ServerConnection conn(limits, Protocol::detect, 0);
    H2Client client;
    pump(client, conn, 0);
    CHECK(conn.next_deadline() == 1000);
    int32_t held = client.request("GET", "/watch");
    pump(client, conn, 500);
    CHECK(conn.next_deadline() == PUSHCORE_NO_DEADLINE);  // a held request is not idleness
    client.reset(held);
    pump(client, conn, 700);
    requests(conn);
    CHECK(conn.next_deadline() == 1700);
    conn.on_timeout(1700);
    client.feed(conn.output());
    CHECK(client.goaway_received());
    CHECK(client.goaway_code() == NGHTTP2_NO_ERROR);
}

TEST_CASE("server connection: end of stream reports held requests as closed") {
    ServerConnection conn({}, Protocol::detect, 0);
    H2Client client;
    int32_t held = client.request("GET", "/watch");
    pump(client, conn);
    requests(conn);
    conn.receive_eof(0);
    ServerConnection::Event ev;
    REQUIRE(conn.next_event(ev));
    CHECK(ev.type == ServerConnection::EventType::stream_closed);
    CHECK(ev.stream_id == held);
    CHECK(conn.want_close());
}
