// The push service terminating TLS itself (open_tls): an OpenSSL client in memory carries
// HTTP/2 (ALPN h2) and HTTP/1.1 (ALPN http/1.1); the host only moves ciphertext.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

#include "pushcore/web_push/push_service.hpp"
#include "support/h2_client.hpp"
#include "support/push_net.hpp"

using namespace pushcore;
using namespace pushcore::web_push;
using pushcore::test::H2Client;

namespace {

std::string drain(BIO* b) {
    std::string s(BIO_ctrl_pending(b), '\0');
    size_t got = 0;
    if (!s.empty()) BIO_read_ex(b, &s[0], s.size(), &got);
    s.resize(got);
    return s;
}

// A self-signed P-256 certificate for push.test, as PEM.
void self_signed(std::string& cert_pem, std::string& key_pem) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("push.test"), -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    X509_sign(x, key, EVP_sha256());
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    cert_pem = drain(b);
    PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    key_pem = drain(b);
    BIO_free(b);
    X509_free(x);
    EVP_PKEY_free(key);
}

// An OpenSSL client over two memory BIOs.
struct TlsClient {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = nullptr;
    BIO* in = BIO_new(BIO_s_mem());   // ciphertext from the server
    BIO* out = BIO_new(BIO_s_mem());  // ciphertext to the server

    explicit TlsClient(const char* alpn) {
        ssl = SSL_new(ctx);
        SSL_set_bio(ssl, in, out);
        SSL_set_connect_state(ssl);
        std::string wire;
        wire += static_cast<char>(std::string(alpn).size());
        wire += alpn;
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
        SSL_do_handshake(ssl);
    }
    ~TlsClient() {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
    std::string alpn() const {
        const unsigned char* p;
        unsigned n;
        SSL_get0_alpn_selected(ssl, &p, &n);
        return std::string(reinterpret_cast<const char*>(p), n);
    }
    void write(const std::string& plain) {
        if (!plain.empty()) SSL_write(ssl, plain.data(), static_cast<int>(plain.size()));
    }
    std::string read() {
        std::string s;
        char buf[4096];
        int n;
        while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
        return s;
    }
};

// Moves ciphertext between the client and the service until nothing moves.
void pump(PushService& svc, PushService::ConnectionId id, TlsClient& tls, uint64_t now,
          H2Client* h2 = nullptr, std::string* h1_in = nullptr) {
    for (int i = 0; i < 100; ++i) {
        if (h2 && SSL_is_init_finished(tls.ssl)) tls.write(h2->take_output());
        std::string to_server = drain(tls.out);
        if (!to_server.empty())
            svc.receive(id, reinterpret_cast<const uint8_t*>(to_server.data()), to_server.size(),
                        now);
        std::string_view back = svc.output(id);
        if (to_server.empty() && back.empty()) return;
        BIO_write(tls.in, back.data(), static_cast<int>(back.size()));
        svc.consume_output(id, back.size());
        if (!SSL_is_init_finished(tls.ssl)) SSL_do_handshake(tls.ssl);
        std::string plain = tls.read();
        if (h2) h2->feed(plain);
        if (h1_in) *h1_in += plain;
    }
}

}  // namespace

TEST_CASE("web_push service TLS: h2 by ALPN, subscribe over TLS; http/1.1 by ALPN too") {
    std::string cert, key;
    self_signed(cert, key);
    Error err;
    ServiceConfig cfg;
    cfg.base_url = "https://push.test";
    cfg.tls = tls::ServerContext::from_pem(cert, key, err);
    REQUIRE(static_cast<bool>(cfg.tls));
    auto svc = PushService::create(cfg, err);
    REQUIRE(svc != nullptr);

    auto id = svc->open_tls(0);
    REQUIRE(id != 0);
    TlsClient tls("h2");
    H2Client h2;
    int32_t sub = h2.request("POST", "/subscribe");
    pump(*svc, id, tls, 0, &h2);
    CHECK(tls.alpn() == "h2");
    CHECK(h2.stream(sub).status == 201);
    CHECK(svc->store().subscription_count() == 1);

    auto id1 = svc->open_tls(0);
    TlsClient tls1("http/1.1");
    pump(*svc, id1, tls1, 0);
    CHECK(tls1.alpn() == "http/1.1");
    tls1.write("POST /subscribe HTTP/1.1\r\nHost: push.test\r\nConnection: close\r\n\r\n");
    std::string reply;
    pump(*svc, id1, tls1, 0, nullptr, &reply);
    CHECK(reply.rfind("HTTP/1.1 201 Created\r\n", 0) == 0);
    // HTTP is done with the connection: close_notify went out and the host may close.
    CHECK(svc->want_close(id1));
    CHECK((SSL_get_shutdown(tls1.ssl) & SSL_RECEIVED_SHUTDOWN) != 0);
}

TEST_CASE("web_push service TLS: plaintext on a TLS connection fails with PUSHCORE_E_TLS") {
    std::string cert, key;
    self_signed(cert, key);
    Error err;
    ServiceConfig cfg;
    cfg.tls = tls::ServerContext::from_pem(cert, key, err);
    auto svc = PushService::create(cfg, err);
    REQUIRE(svc != nullptr);
    auto id = svc->open_tls(0);
    const std::string plain = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    CHECK(svc->receive(id, reinterpret_cast<const uint8_t*>(plain.data()), plain.size(), 0) ==
          Status::tls);
    svc->output(id);
    CHECK(svc->want_close(id));
    // Without a TLS context there is no TLS connection to open.
    auto plain_svc = PushService::create(ServiceConfig{}, err);
    CHECK(plain_svc->open_tls(0) == 0);
}
