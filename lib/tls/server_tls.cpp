#include "pushcore/tls/server_tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <utility>

namespace pushcore::tls {

namespace {

// OpenSSL keeps errors in a per-thread queue. SSL_get_error() needs it empty before an I/O
// call, and nothing of ours may be left in it for the host's other OpenSSL users: one
// of these lives for every public call that calls OpenSSL.
struct ErrorQueueScope {
    ErrorQueueScope() { ERR_clear_error(); }
    ~ErrorQueueScope() { ERR_clear_error(); }
    ErrorQueueScope(const ErrorQueueScope&) = delete;
    ErrorQueueScope& operator=(const ErrorQueueScope&) = delete;
};

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr memory_bio(std::string_view pem) {
    if (pem.size() > INT_MAX) return nullptr;
    return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Encrypted keys are refused rather than asked for: OpenSSL's default would prompt on
// the terminal.
int no_password(char*, int, int, void*) {
    return 0;
}

// RFC 7301 3.2: the server picks; we prefer "h2" to "http/1.1" whatever the client's
// order (RFC 9113 3.2). Offered but none in common: the no_application_protocol alert.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
    static constexpr std::string_view kOurs[] = {"h2", "http/1.1"};
    for (std::string_view ours : kOurs) {
        for (unsigned int i = 0; i < inlen;) {
            const unsigned int n = in[i];
            if (n == 0 || n > inlen - i - 1) break;  // malformed list: stop reading it
            if (std::string_view(reinterpret_cast<const char*>(in + i + 1), n) == ours) {
                *out = in + i + 1;
                *outlen = static_cast<unsigned char>(n);
                return SSL_TLSEXT_ERR_OK;
            }
            i += n + 1;
        }
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// A static reason for the first error OpenSSL queued during a failed session call.
const char* session_reason(unsigned long e, bool handshaking) {
    if (ERR_GET_LIB(e) == ERR_LIB_SSL) {
        const int r = ERR_GET_REASON(e);
        if (r == SSL_R_HTTP_REQUEST || r == SSL_R_HTTPS_PROXY_REQUEST)
            return "TLS: plaintext HTTP, not TLS";
        if (r == SSL_R_NO_APPLICATION_PROTOCOL) return "TLS: no common ALPN protocol";
        if (r == SSL_R_UNSUPPORTED_PROTOCOL) return "TLS: protocol version not supported";
        if (r == SSL_R_WRONG_VERSION_NUMBER) return "TLS: not a TLS record";
        if (r > SSL_AD_REASON_OFFSET && r < SSL_AD_REASON_OFFSET + 256)
            return "TLS: fatal alert from peer";
    }
    return handshaking ? "TLS: handshake failed" : "TLS: bad record";
}

// Drops the first n unconsumed bytes of buf (consumed up to pos); compacts now and then.
void consume(std::string& buf, size_t& pos, size_t n) {
    pos += std::min(n, buf.size() - pos);
    if (pos == buf.size()) {
        buf.clear();
        pos = 0;
    } else if (pos > buf.size() / 2) {
        buf.erase(0, pos);
        pos = 0;
    }
}

}  // namespace

// --- ServerContext ---------------------------------------------------------------------

std::shared_ptr<ServerContext> ServerContext::from_pem(std::string_view cert_chain_pem,
                                                       std::string_view key_pem, Error& err) {
    ErrorQueueScope scope;
    std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) {
        err.fail(Status::no_memory, "TLS: cannot create context", 0);
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);  // idle connections hold less
    SSL_CTX_set_alpn_select_cb(ctx.get(), select_alpn, nullptr);

    BioPtr certs = memory_bio(cert_chain_pem);
    if (!certs) {
        err.fail(Status::tls, "TLS: certificate PEM", 0);
        return nullptr;
    }
    std::unique_ptr<X509, X509Free> leaf(
        PEM_read_bio_X509(certs.get(), nullptr, no_password, nullptr));
    if (!leaf) {
        err.fail(Status::tls, "TLS: certificate PEM", 0);
        return nullptr;
    }
    if (SSL_CTX_use_certificate(ctx.get(), leaf.get()) != 1) {
        err.fail(Status::tls, "TLS: certificate refused", 0);
        return nullptr;
    }
    // The rest of the chain, in order, until the PEM text runs out of certificates.
    for (;;) {
        std::unique_ptr<X509, X509Free> next(
            PEM_read_bio_X509(certs.get(), nullptr, no_password, nullptr));
        if (!next) {
            const unsigned long e = ERR_peek_last_error();
            if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) break;
            err.fail(Status::tls, "TLS: certificate chain PEM", 0);
            return nullptr;
        }
        if (SSL_CTX_add_extra_chain_cert(ctx.get(), next.get()) != 1) {
            err.fail(Status::tls, "TLS: certificate chain refused", 0);
            return nullptr;
        }
        next.release();  // the context owns it now
    }

    BioPtr keys = memory_bio(key_pem);
    std::unique_ptr<EVP_PKEY, PkeyFree> key(
        keys ? PEM_read_bio_PrivateKey(keys.get(), nullptr, no_password, nullptr) : nullptr);
    if (!key) {
        err.fail(Status::tls, "TLS: key PEM", 0);
        return nullptr;
    }
    // use_PrivateKey compares a key of the certificate's type with it; check_private_key
    // catches a key of another type.
    if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx.get()) != 1) {
        err.fail(Status::tls, "TLS: key does not match certificate", 0);
        return nullptr;
    }
    std::shared_ptr<ServerContext> out(new ServerContext(ctx.get()));
    ctx.release();
    return out;
}

ServerContext::~ServerContext() {
    SSL_CTX_free(ctx_);
}

// --- ServerSession ---------------------------------------------------------------------

ServerSession::ServerSession(std::shared_ptr<ServerContext> ctx) : ctx_(std::move(ctx)) {
    if (!ctx_) {
        err_.fail(Status::invalid_argument, "TLS: no context", 0);
        closed_ = true;
        return;
    }
    ErrorQueueScope scope;
    ssl_ = SSL_new(ctx_->native());
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    if (!ssl_ || !in_ || !out_) {
        BIO_free(in_);
        BIO_free(out_);
        SSL_free(ssl_);
        ssl_ = nullptr;
        in_ = out_ = nullptr;
        err_.fail(Status::no_memory, "TLS: cannot create session", 0);
        closed_ = true;
        return;
    }
    SSL_set_bio(ssl_, in_, out_);  // ssl_ owns both from here
    SSL_set_accept_state(ssl_);
}

ServerSession::~ServerSession() {
    SSL_free(ssl_);
}

Status ServerSession::receive(const uint8_t* data, size_t len) {
    if (err_.status != Status::ok) return err_.status;
    if (!data && len) return Status::invalid_argument;
    // RFC 8446 6.1: data after a close_notify is ignored.
    if (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) return Status::ok;
    ErrorQueueScope scope;
    size_t written = 0;
    if (len && (BIO_write_ex(in_, data, len, &written) != 1 || written != len))
        return fail("TLS: cannot buffer input");
    return pump();
}

Status ServerSession::pump() {
    const bool handshaking = !SSL_is_init_finished(ssl_);
    if (handshaking) {
        const int r = SSL_do_handshake(ssl_);
        if (r != 1) {
            if (SSL_get_error(ssl_, r) == SSL_ERROR_WANT_READ) {
                collect();
                return Status::ok;
            }
            return fail(session_reason(ERR_peek_error(), true));
        }
    }
    for (;;) {
        const size_t old = plain_in_.size();
        plain_in_.resize(old + 16384);
        size_t got = 0;
        const int r = SSL_read_ex(ssl_, &plain_in_[old], 16384, &got);
        plain_in_.resize(old + got);
        if (r == 1) continue;
        const int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_WANT_READ) break;
        if (e == SSL_ERROR_ZERO_RETURN) {  // close_notify
            closed_ = true;
            break;
        }
        return fail(session_reason(ERR_peek_error(), false));
    }
    return flush();
}

Status ServerSession::flush() {
    if (!plain_out_.empty() && SSL_is_init_finished(ssl_) &&
        !(SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN)) {
        // A memory BIO takes everything: one call writes it all.
        size_t written = 0;
        if (SSL_write_ex(ssl_, plain_out_.data(), plain_out_.size(), &written) != 1)
            return fail(session_reason(ERR_peek_error(), false));
        plain_out_.erase(0, written);
    }
    collect();
    return Status::ok;
}

Status ServerSession::fail(const char* reason) {
    collect();  // OpenSSL has written the alert it sends, if any
    closed_ = true;
    return err_.fail(Status::tls, reason, 0);
}

void ServerSession::collect() {
    const size_t pending = BIO_ctrl_pending(out_);
    if (pending == 0) return;
    const size_t old = cipher_out_.size();
    cipher_out_.resize(old + pending);
    size_t got = 0;
    BIO_read_ex(out_, &cipher_out_[old], pending, &got);
    cipher_out_.resize(old + got);
}

std::string_view ServerSession::plaintext() const noexcept {
    return std::string_view(plain_in_).substr(plain_pos_);
}

void ServerSession::consume_plaintext(size_t n) {
    consume(plain_in_, plain_pos_, n);
}

Status ServerSession::send(const uint8_t* data, size_t len) {
    if (err_.status != Status::ok) return err_.status;
    if (!data && len) return Status::invalid_argument;
    if (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) return Status::invalid_state;
    plain_out_.append(reinterpret_cast<const char*>(data), len);
    ErrorQueueScope scope;
    return flush();
}

std::string_view ServerSession::ciphertext() const noexcept {
    return std::string_view(cipher_out_).substr(cipher_pos_);
}

void ServerSession::consume_ciphertext(size_t n) {
    consume(cipher_out_, cipher_pos_, n);
}

bool ServerSession::handshake_done() const noexcept {
    return ssl_ && SSL_is_init_finished(ssl_);
}

std::string_view ServerSession::alpn() const noexcept {
    if (!ssl_) return {};
    const unsigned char* p = nullptr;
    unsigned int n = 0;
    SSL_get0_alpn_selected(ssl_, &p, &n);
    return p ? std::string_view(reinterpret_cast<const char*>(p), n) : std::string_view();
}

void ServerSession::close() {
    closed_ = true;
    if (err_.status != Status::ok || (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN)) return;
    if (!SSL_is_init_finished(ssl_)) {
        // No close_notify before the handshake ends: the host just closes the socket. Mark
        // both directions shut so nothing more is read or sent.
        plain_out_.clear();
        SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        return;
    }
    ErrorQueueScope scope;
    SSL_shutdown(ssl_);
    collect();
}

bool ServerSession::closed() const noexcept {
    return closed_;
}

}  // namespace pushcore::tls
