#include "self_signed.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace example {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using PkeyCtx = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using Pkey = Owned<EVP_PKEY, EVP_PKEY_free>;
using Cert = Owned<X509, X509_free>;
using Bignum = Owned<BIGNUM, BN_free>;
using Extension = Owned<X509_EXTENSION, X509_EXTENSION_free>;

void bio_free(BIO* b) {
    BIO_free(b);
}
using Bio = Owned<BIO, bio_free>;

// The step that failed and OpenSSL's first queued reason, if it left one.
bool fail(std::string& error, const char* step) {
    error = step;
    unsigned long code = ERR_get_error();
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        error += ": ";
        error += buf;
    }
    ERR_clear_error();
    return false;
}

// An EC key on P-256 (prime256v1), through the EVP interface (EC_KEY is deprecated).
Pkey generate_p256() {
    PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), NID_X9_62_prime256v1) <= 0)
        return nullptr;
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_keygen(ctx.get(), &key) <= 0) return nullptr;
    return Pkey(key);
}

// Adds one v3 extension written in openssl.cnf syntax ("critical,CA:FALSE").
bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    Extension ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// The whole contents of a memory BIO as a string.
std::string drain(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return len > 0 && data ? std::string(data, static_cast<size_t>(len)) : std::string();
}

}  // namespace

bool make_self_signed(PemIdentity& out, std::string& error) {
    ERR_clear_error();
    Pkey key = generate_p256();
    if (!key) return fail(error, "generating the P-256 key");

    Cert cert(X509_new());
    if (!cert) return fail(error, "X509_new");
    if (X509_set_version(cert.get(), 2) != 1)  // 2 is X.509 v3
        return fail(error, "setting the certificate version");

    // A random positive 127-bit serial number (RFC 5280 4.1.2.2: at most 20 octets).
    Bignum serial(BN_new());
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        return fail(error, "setting the serial number");

    // Valid from now for one day.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 60 * 60))
        return fail(error, "setting the validity period");

    X509_NAME* name = X509_get_subject_name(cert.get());
    static const unsigned char kLocalhost[] = "localhost";
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kLocalhost, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1)  // self-signed: issuer = subject
        return fail(error, "setting the subject and issuer");
    if (X509_set_pubkey(cert.get(), key.get()) != 1) return fail(error, "setting the public key");

    if (!add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") ||
        !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !add_extension(cert.get(), NID_key_usage, "critical,digitalSignature") ||
        !add_extension(cert.get(), NID_ext_key_usage, "serverAuth") ||
        !add_extension(cert.get(), NID_subject_key_identifier, "hash"))
        return fail(error, "adding the v3 extensions");

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail(error, "signing the certificate");

    Bio cert_bio(BIO_new(BIO_s_mem()));
    Bio key_bio(BIO_new(BIO_s_mem()));
    if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1)
        return fail(error, "writing PEM");
    out.cert = drain(cert_bio.get());
    out.key = drain(key_bio.get());
    if (out.cert.empty() || out.key.empty()) return fail(error, "reading PEM from memory");
    return true;
}

}  // namespace example
