// Server TLS over memory buffers, driven by a real OpenSSL client in memory: certificates
// made in the test, ALPN selection (RFC 7301), data both ways in any piece sizes,
// close_notify, bad input, and every refusal of from_pem.
#include "pushcore/tls/server_tls.hpp"

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <random>
#include <string>

using namespace pushcore;
using namespace pushcore::tls;

namespace {

struct Free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
    void operator()(X509* x) const { X509_free(x); }
    void operator()(BIO* b) const { BIO_free(b); }
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
    void operator()(SSL* s) const { SSL_free(s); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;
using BioPtr = std::unique_ptr<BIO, Free>;

KeyPtr ec_key() {
    return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

// A certificate for `key` named `cn`, signed by issuer_key (self-signed when issuer is null).
CertPtr make_cert(EVP_PKEY* key, const char* cn, bool ca, X509* issuer, EVP_PKEY* issuer_key,
                  long serial) {
    CertPtr x(X509_new());
    REQUIRE(x != nullptr);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x.get(), key);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints,
                                              ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    REQUIRE(ext);
    X509_add_ext(x.get(), ext, -1);
    X509_EXTENSION_free(ext);
    REQUIRE(X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

std::string drain(BIO* b) {
    std::string s(BIO_ctrl_pending(b), '\0');
    size_t got = 0;
    if (!s.empty()) BIO_read_ex(b, &s[0], s.size(), &got);
    s.resize(got);
    return s;
}

std::string pem(X509* x) {
    BioPtr b(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509(b.get(), x) == 1);
    return drain(b.get());
}

std::string pem(EVP_PKEY* k, const char* password = nullptr) {
    BioPtr b(BIO_new(BIO_s_mem()));
    if (password) {
        REQUIRE(PEM_write_bio_PrivateKey(b.get(), k, EVP_aes_128_cbc(), nullptr, 0, nullptr,
                                         const_cast<char*>(password)) == 1);
    } else {
        REQUIRE(PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    }
    return drain(b.get());
}

// A self-signed P-256 certificate and its key, as objects and as PEM.
struct Identity {
    KeyPtr key = ec_key();
    CertPtr cert = make_cert(key.get(), "push.test", true, nullptr, nullptr, 1);
    std::string cert_pem = pem(cert.get());
    std::string key_pem = pem(key.get());

    std::shared_ptr<ServerContext> context() const {
        Error err;
        auto ctx = ServerContext::from_pem(cert_pem, key_pem, err);
        REQUIRE(static_cast<bool>(ctx));
        CHECK(err.status == Status::ok);
        return ctx;
    }
};

std::string_view view(const std::string& s) {
    return s;
}
const uint8_t* bytes(std::string_view s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

// An OpenSSL client in memory that trusts one certificate and verifies the server with it.
class Client {
  public:
    // alpn: the wire form of the protocol list ("\x02h2..."), empty for no ALPN.
    explicit Client(X509* trust, std::string_view alpn = {}, int max_version = 0)
        : ctx_(SSL_CTX_new(TLS_client_method())) {
        REQUIRE(ctx_ != nullptr);
        if (max_version) {
            SSL_CTX_set_security_level(ctx_.get(), 0);  // lets OpenSSL 3 offer TLS 1.1
            SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_VERSION);
            SSL_CTX_set_max_proto_version(ctx_.get(), max_version);
        }
        SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_.get()), trust);
        ssl_.reset(SSL_new(ctx_.get()));
        REQUIRE(ssl_ != nullptr);
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        SSL_set_bio(ssl_.get(), in_, out_);
        SSL_set_connect_state(ssl_.get());
        if (!alpn.empty())  // note: 0 is success here
            REQUIRE(SSL_set_alpn_protos(ssl_.get(), bytes(alpn),
                                        static_cast<unsigned int>(alpn.size())) == 0);
    }

    SSL* ssl() { return ssl_.get(); }
    void feed(std::string_view cipher) {
        size_t n = 0;
        if (!cipher.empty()) REQUIRE(BIO_write_ex(in_, cipher.data(), cipher.size(), &n) == 1);
    }
    std::string take() { return drain(out_); }

    // Handshakes, then reads what is there; notes close_notify and a fatal error.
    void step() {
        ERR_clear_error();
        if (!failed && !SSL_is_init_finished(ssl_.get())) {
            int r = SSL_do_handshake(ssl_.get());
            if (r != 1) note(r);
        }
        while (!failed && !peer_closed && SSL_is_init_finished(ssl_.get())) {
            char buf[4096];
            size_t got = 0;
            int r = SSL_read_ex(ssl_.get(), buf, sizeof buf, &got);
            if (r != 1) {
                note(r);
                break;
            }
            plain.append(buf, got);
        }
        ERR_clear_error();
    }
    void write(std::string_view s) {
        size_t n = 0;
        REQUIRE(SSL_write_ex(ssl_.get(), s.data(), s.size(), &n) == 1);
        REQUIRE(n == s.size());
    }
    bool done() { return SSL_is_init_finished(ssl_.get()); }

    std::string plain;
    bool peer_closed = false;
    bool failed = false;
    int fail_reason = 0;  // ERR_GET_REASON of the failure (an alert: SSL_AD_REASON_OFFSET + n)

  private:
    void note(int r) {
        int e = SSL_get_error(ssl_.get(), r);
        if (e == SSL_ERROR_WANT_READ) return;
        if (e == SSL_ERROR_ZERO_RETURN) {
            peer_closed = true;
            return;
        }
        failed = true;
        fail_reason = ERR_GET_REASON(ERR_peek_error());
    }

    std::unique_ptr<SSL_CTX, Free> ctx_;
    std::unique_ptr<SSL, Free> ssl_;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
};

// Moves ciphertext both ways until neither side has more to say, handing the server its
// input `piece` bytes at a time. Returns the first error the server reports (or ok).
Status exchange(Client& c, ServerSession& s, size_t piece = SIZE_MAX) {
    Status result = Status::ok;
    for (int round = 0; round < 100; ++round) {
        c.step();
        std::string to_server = c.take();
        for (size_t at = 0; at < to_server.size() && result == Status::ok; at += piece) {
            size_t n = std::min(piece, to_server.size() - at);
            result = s.receive(bytes(to_server) + at, n);
        }
        std::string to_client(s.ciphertext());
        s.consume_ciphertext(to_client.size());
        c.feed(to_client);
        if (to_server.empty() && to_client.empty()) break;
        if (result != Status::ok) {
            c.step();
            break;
        }
    }
    return result;
}

// Handshakes a client offering `alpn` against a fresh session.
struct Pair {
    Identity id;
    ServerSession server{id.context()};
    Client client;
    explicit Pair(std::string_view alpn = "\x02h2\x08http/1.1") : client(id.cert.get(), alpn) {}
    void handshake() {
        REQUIRE(exchange(client, server) == Status::ok);
        REQUIRE(server.handshake_done());
        REQUIRE(client.done());
        REQUIRE(SSL_get_verify_result(client.ssl()) == X509_V_OK);
    }
};

std::string random_bytes(std::mt19937& rng, size_t n) {
    std::string s(n, '\0');
    for (char& ch : s) ch = static_cast<char>(rng() & 0xff);
    return s;
}

Status server_send(ServerSession& s, std::string_view data) {
    return s.send(bytes(data), data.size());
}

}  // namespace

TEST_CASE("tls: ALPN h2 offered with http/1.1: h2, and the client verifies the certificate") {
    Pair p;
    CHECK(p.server.alpn().empty());
    CHECK_FALSE(p.server.handshake_done());
    p.handshake();
    CHECK(p.server.alpn() == "h2");
    const unsigned char* got = nullptr;
    unsigned int n = 0;
    SSL_get0_alpn_selected(p.client.ssl(), &got, &n);
    CHECK(std::string(reinterpret_cast<const char*>(got), n) == "h2");
    CHECK(SSL_version(p.client.ssl()) == TLS1_3_VERSION);
    CHECK_FALSE(p.server.closed());
    CHECK(p.server.error().status == Status::ok);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: ALPN is the server's choice: h2 even when the client lists http/1.1 first") {
    Pair p("\x08http/1.1\x06spdy/3\x02h2");
    p.handshake();
    CHECK(p.server.alpn() == "h2");
}

TEST_CASE("tls: ALPN http/1.1 only: http/1.1") {
    Pair p("\x06spdy/3\x08http/1.1");
    p.handshake();
    CHECK(p.server.alpn() == "http/1.1");
}

TEST_CASE("tls: no ALPN offered: handshake succeeds and alpn() is empty") {
    Pair p("");
    p.handshake();
    CHECK(p.server.alpn().empty());
}

TEST_CASE("tls: ALPN offered with nothing in common: no_application_protocol alert") {
    // RFC 7301 3.2: the server MUST answer with a fatal no_application_protocol alert.
    Pair p("\x06spdy/3\x05h2c14");
    CHECK(exchange(p.client, p.server) == Status::tls);
    CHECK(p.server.error().status == Status::tls);
    CHECK(std::string(p.server.error().reason) == "TLS: no common ALPN protocol");
    CHECK_FALSE(p.server.handshake_done());
    CHECK(p.server.closed());
    CHECK(p.client.failed);
    CHECK(p.client.fail_reason == SSL_AD_REASON_OFFSET + SSL_AD_NO_APPLICATION_PROTOCOL);
    CHECK(ERR_peek_error() == 0);
    // The session stays failed.
    const uint8_t more[] = {0x16, 0x03, 0x03};
    CHECK(p.server.receive(more, sizeof more) == Status::tls);
    CHECK(server_send(p.server, "x") == Status::tls);
    CHECK(p.server.ciphertext().empty());
}

TEST_CASE("tls: TLS 1.2 works; TLS 1.1 gets a protocol_version alert") {
    Identity id;
    {
        ServerSession server(id.context());
        Client client(id.cert.get(), "\x02h2", TLS1_2_VERSION);
        REQUIRE(exchange(client, server) == Status::ok);
        CHECK(server.handshake_done());
        CHECK(SSL_version(client.ssl()) == TLS1_2_VERSION);
        CHECK(server.alpn() == "h2");
        client.write("over 1.2");
        REQUIRE(exchange(client, server) == Status::ok);
        CHECK(server.plaintext() == "over 1.2");
    }
    {
        ServerSession server(id.context());
        Client client(id.cert.get(), "\x02h2", TLS1_1_VERSION);
        CHECK(exchange(client, server) == Status::tls);
        CHECK(std::string(server.error().reason) == "TLS: protocol version not supported");
        CHECK(client.failed);
        CHECK(client.fail_reason == SSL_AD_REASON_OFFSET + SSL_AD_PROTOCOL_VERSION);
    }
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: TLS 1.2 renegotiation is refused") {
    Identity id;
    ServerSession server(id.context());
    Client client(id.cert.get(), "\x02h2", TLS1_2_VERSION);
    REQUIRE(exchange(client, server) == Status::ok);
    // Refused on two counts: OpenSSL 3 servers refuse client renegotiation by default, and
    // the context says no renegotiation at all.
    CHECK((SSL_CTX_get_options(id.context()->native()) & SSL_OP_NO_RENEGOTIATION) != 0);
    REQUIRE(SSL_renegotiate(client.ssl()) == 1);
    exchange(client, server);
    // The client's renegotiation never completes: the server answered no_renegotiation.
    CHECK(client.failed);
    CHECK(client.fail_reason == SSL_R_NO_RENEGOTIATION);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: a certificate chain is served leaf first, and the client verifies it") {
    KeyPtr ca_key = ec_key();
    CertPtr ca = make_cert(ca_key.get(), "Push Test CA", true, nullptr, nullptr, 10);
    KeyPtr leaf_key = ec_key();
    CertPtr leaf = make_cert(leaf_key.get(), "push.test", false, ca.get(), ca_key.get(), 11);
    Error err;
    auto ctx = ServerContext::from_pem(pem(leaf.get()) + pem(ca.get()), pem(leaf_key.get()), err);
    REQUIRE(static_cast<bool>(ctx));
    ServerSession server(ctx);
    Client client(ca.get(), "\x02h2");
    REQUIRE(exchange(client, server) == Status::ok);
    CHECK(SSL_get_verify_result(client.ssl()) == X509_V_OK);
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(client.ssl());
    REQUIRE(chain);
    REQUIRE(sk_X509_num(chain) == 2);
    CHECK(X509_cmp(sk_X509_value(chain, 0), leaf.get()) == 0);
    CHECK(X509_cmp(sk_X509_value(chain, 1), ca.get()) == 0);
}

TEST_CASE("tls: data both ways after the handshake") {
    Pair p;
    p.handshake();
    p.client.write("GET / HTTP/1.1\r\nHost: push.test\r\n\r\n");
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK(p.server.plaintext() == "GET / HTTP/1.1\r\nHost: push.test\r\n\r\n");
    p.server.consume_plaintext(4);
    CHECK(p.server.plaintext() == "/ HTTP/1.1\r\nHost: push.test\r\n\r\n");
    p.server.consume_plaintext(1000);  // more than there is: all of it
    CHECK(p.server.plaintext().empty());

    CHECK(server_send(p.server, "HTTP/1.1 204 No Content\r\n\r\n") == Status::ok);
    CHECK_FALSE(p.server.ciphertext().empty());
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK(p.client.plain == "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK(p.server.ciphertext().empty());
    // Nothing to send is fine.
    CHECK(p.server.send(nullptr, 0) == Status::ok);
    CHECK(p.server.ciphertext().empty());
    CHECK(p.server.receive(nullptr, 0) == Status::ok);
    CHECK(p.server.receive(nullptr, 1) == Status::invalid_argument);
}

TEST_CASE("tls: 100 KB each way in random pieces, consumed in random amounts") {
    std::mt19937 rng(20240611);
    Pair p;
    p.handshake();
    const std::string up = random_bytes(rng, 100 * 1024);
    const std::string down = random_bytes(rng, 100 * 1024);
    std::string got_up;
    size_t sent_up = 0, sent_down = 0;
    while (sent_up < up.size() || sent_down < down.size()) {
        size_t n = std::min<size_t>(1 + rng() % 7000, up.size() - sent_up);
        if (n) p.client.write(view(up).substr(sent_up, n));
        sent_up += n;
        n = std::min<size_t>(1 + rng() % 7000, down.size() - sent_down);
        if (n) REQUIRE(server_send(p.server, view(down).substr(sent_down, n)) == Status::ok);
        sent_down += n;

        // Ciphertext to the server in random pieces; plaintext taken in random amounts.
        std::string cipher = p.client.take();
        for (size_t at = 0; at < cipher.size();) {
            size_t k = std::min<size_t>(1 + rng() % 3000, cipher.size() - at);
            REQUIRE(p.server.receive(bytes(cipher) + at, k) == Status::ok);
            at += k;
            std::string_view plain = p.server.plaintext();
            size_t take = std::min<size_t>(rng() % 5000, plain.size());
            got_up.append(plain.substr(0, take));
            p.server.consume_plaintext(take);
        }
        // The server's ciphertext written out in random amounts, as a socket would.
        while (!p.server.ciphertext().empty()) {
            std::string_view out = p.server.ciphertext();
            size_t k = std::min<size_t>(1 + rng() % 4000, out.size());
            p.client.feed(out.substr(0, k));
            p.server.consume_ciphertext(k);
        }
        p.client.step();
    }
    got_up.append(p.server.plaintext());
    p.server.consume_plaintext(p.server.plaintext().size());
    CHECK(got_up.size() == up.size());
    CHECK(got_up == up);
    CHECK(p.client.plain.size() == down.size());
    CHECK(p.client.plain == down);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: ciphertext fed one byte at a time, handshake and data") {
    Pair p;
    REQUIRE(exchange(p.client, p.server, 1) == Status::ok);
    REQUIRE(p.server.handshake_done());
    CHECK(p.server.alpn() == "h2");
    p.client.write("byte by byte");
    REQUIRE(exchange(p.client, p.server, 1) == Status::ok);
    CHECK(p.server.plaintext() == "byte by byte");
}

TEST_CASE("tls: send() before the handshake is buffered and delivered after it") {
    Pair p;
    CHECK(server_send(p.server, "early ") == Status::ok);
    CHECK(server_send(p.server, "bytes") == Status::ok);
    CHECK(p.server.ciphertext().empty());  // the client has not even said hello
    CHECK_FALSE(p.server.handshake_done());
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK(p.server.handshake_done());
    CHECK(p.client.plain == "early bytes");
    CHECK(server_send(p.server, " then more") == Status::ok);
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK(p.client.plain == "early bytes then more");
}

TEST_CASE("tls: close_notify from the client, then the server's own") {
    Pair p;
    p.handshake();
    p.client.write("last words");
    REQUIRE(SSL_shutdown(p.client.ssl()) == 0);  // sent, the server's not yet received
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK(p.server.plaintext() == "last words");
    CHECK(p.server.closed());
    CHECK(p.server.error().status == Status::ok);
    // RFC 8446 6.1: anything after close_notify is ignored.
    const std::string junk = "after the end";
    CHECK(p.server.receive(bytes(junk), junk.size()) == Status::ok);
    CHECK(p.server.plaintext() == "last words");
    // TLS 1.3 allows a half-closed connection (RFC 8446 6.1): the server may still answer.
    CHECK(server_send(p.server, "reply") == Status::ok);

    p.server.close();
    CHECK_FALSE(p.server.ciphertext().empty());
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK((SSL_get_shutdown(p.client.ssl()) & SSL_RECEIVED_SHUTDOWN) != 0);
    CHECK(p.client.peer_closed);
    CHECK_FALSE(p.client.failed);
    CHECK(p.client.plain == "reply");
}

TEST_CASE("tls: close_notify from the server: data first, then the alert; no send after") {
    Pair p;
    p.handshake();
    CHECK(server_send(p.server, "bye") == Status::ok);
    p.server.close();
    CHECK(p.server.closed());
    CHECK(server_send(p.server, "more") == Status::invalid_state);
    p.server.close();  // twice is harmless
    REQUIRE(exchange(p.client, p.server) == Status::ok);
    CHECK(p.client.plain == "bye");
    CHECK(p.client.peer_closed);
    // The client answers with its own close_notify; the server reads it.
    CHECK(SSL_shutdown(p.client.ssl()) == 1);
    std::string answer = p.client.take();
    CHECK_FALSE(answer.empty());
    CHECK(p.server.receive(bytes(answer), answer.size()) == Status::ok);
    CHECK(p.server.error().status == Status::ok);
    CHECK(p.server.ciphertext().empty());
}

TEST_CASE("tls: close() before the handshake sends nothing and ends the session") {
    Pair p;
    CHECK(server_send(p.server, "never") == Status::ok);
    p.server.close();
    CHECK(p.server.closed());
    CHECK(p.server.ciphertext().empty());
    CHECK(exchange(p.client, p.server) == Status::ok);
    CHECK_FALSE(p.server.handshake_done());
    CHECK(p.server.ciphertext().empty());
    CHECK(p.client.plain.empty());
    CHECK(server_send(p.server, "x") == Status::invalid_state);
}

TEST_CASE("tls: plaintext HTTP to the TLS server is refused") {
    Identity id;
    ServerSession server(id.context());
    const std::string http = "GET / HTTP/1.1\r\nHost: push.test\r\n\r\n";
    CHECK(server.receive(bytes(http), http.size()) == Status::tls);
    CHECK(server.error().status == Status::tls);
    CHECK(std::string(server.error().reason) == "TLS: plaintext HTTP, not TLS");
    CHECK(server.closed());
    // OpenSSL sends no alert to a peer that does not speak TLS at all.
    CHECK(server.ciphertext().empty());
    CHECK(server.plaintext().empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: bytes that are not TLS records are refused") {
    Identity id;
    ServerSession server(id.context());
    const std::string junk = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a";
    CHECK(server.receive(bytes(junk), junk.size()) == Status::tls);
    CHECK(std::string(server.error().reason) == "TLS: not a TLS record");
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: a malformed handshake record gets a fatal alert") {
    Identity id;
    ServerSession server(id.context());
    // A handshake record whose body is no ClientHello.
    const std::string bad("\x16\x03\x01\x00\x08\x01\x00\x00\x04garb", 13);
    CHECK(server.receive(bytes(bad), bad.size()) == Status::tls);
    CHECK(std::string(server.error().reason) == "TLS: handshake failed");
    std::string_view alert = server.ciphertext();
    REQUIRE(alert.size() == 7);
    CHECK(alert[0] == 0x15);  // alert record
    CHECK(alert[5] == 2);     // fatal
    CHECK(alert[6] == SSL_AD_DECODE_ERROR);
    server.consume_ciphertext(alert.size());
    CHECK(server.ciphertext().empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: a forged record after the handshake gets an alert the client reads") {
    Pair p;
    p.handshake();
    std::mt19937 rng(7);
    const std::string forged = std::string("\x17\x03\x03\x00\x40", 5) + random_bytes(rng, 64);
    CHECK(p.server.receive(bytes(forged), forged.size()) == Status::tls);
    CHECK(std::string(p.server.error().reason) == "TLS: bad record");
    CHECK(p.server.closed());
    REQUIRE_FALSE(p.server.ciphertext().empty());
    p.client.feed(p.server.ciphertext());
    p.client.step();
    CHECK(p.client.failed);
    CHECK(p.client.fail_reason == SSL_AD_REASON_OFFSET + SSL_AD_BAD_RECORD_MAC);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: an alert from the client fails the handshake with its own reason") {
    Identity id;
    Identity other;  // the client trusts someone else: it rejects the certificate
    ServerSession server(id.context());
    Client client(other.cert.get(), "\x02h2");
    CHECK(exchange(client, server) == Status::tls);
    CHECK(client.failed);
    CHECK(std::string(server.error().reason) == "TLS: fatal alert from peer");
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("tls: a session without a context is refused") {
    ServerSession s(nullptr);
    CHECK(s.error().status == Status::invalid_argument);
    CHECK(s.closed());
    const uint8_t b = 0x16;
    CHECK(s.receive(&b, 1) == Status::invalid_argument);
    CHECK(s.send(&b, 1) == Status::invalid_argument);
    CHECK_FALSE(s.handshake_done());
    CHECK(s.alpn().empty());
    s.close();
}

TEST_CASE("tls: from_pem refuses bad certificates, bad keys and mismatched keys") {
    Identity id;
    auto refused = [](std::string_view cert, std::string_view key) {
        Error err;
        ERR_raise(ERR_LIB_USER, 1);  // someone else's error
        auto ctx = ServerContext::from_pem(cert, key, err);
        CHECK_FALSE(static_cast<bool>(ctx));
        CHECK(err.status == Status::tls);
        CHECK(ERR_peek_error() == 0);  // ours are gone, and so was the old one before we started
        return std::string(err.reason);
    };
    CHECK(refused("", id.key_pem) == "TLS: certificate PEM");
    CHECK(refused("not a certificate", id.key_pem) == "TLS: certificate PEM");
    CHECK(refused(id.key_pem, id.key_pem) == "TLS: certificate PEM");
    std::string cut = id.cert_pem.substr(0, id.cert_pem.size() / 2);
    CHECK(refused(cut, id.key_pem) == "TLS: certificate PEM");
    CHECK(refused(id.cert_pem + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                  id.key_pem) == "TLS: certificate chain PEM");

    CHECK(refused(id.cert_pem, "") == "TLS: key PEM");
    CHECK(refused(id.cert_pem, "not a key") == "TLS: key PEM");
    CHECK(refused(id.cert_pem, id.cert_pem) == "TLS: key PEM");
    // An encrypted key is refused, never prompted for.
    CHECK(refused(id.cert_pem, pem(id.key.get(), "secret")) == "TLS: key PEM");

    KeyPtr other = ec_key();
    CHECK(refused(id.cert_pem, pem(other.get())) == "TLS: key does not match certificate");
    KeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    REQUIRE(ed != nullptr);
    CHECK(refused(id.cert_pem, pem(ed.get())) == "TLS: key does not match certificate");

    // The same inputs, right: accepted; a key file holding the certificate too is fine.
    Error err;
    CHECK(static_cast<bool>(ServerContext::from_pem(id.cert_pem, id.cert_pem + id.key_pem, err)));
    CHECK(err.status == Status::ok);
    CHECK(ERR_peek_error() == 0);
}
