// A throwaway TLS identity for webpush-service when no --cert/--key is given: an EC P-256
// key and a self-signed X.509 v3 certificate for CN=localhost (subjectAltName DNS:localhost,
// IP:127.0.0.1) valid for one day, both as PEM text in memory. Nothing is written to disk.
// OpenSSL is used directly here; the push service itself only ever sees the PEM strings.
#pragma once

#include <string>

namespace example {

struct PemIdentity {
    std::string cert;  // "-----BEGIN CERTIFICATE-----..."
    std::string key;   // "-----BEGIN PRIVATE KEY-----..." (PKCS#8, unencrypted)
};

// Fills `out`; on failure returns false and puts OpenSSL's reason in `error`.
bool make_self_signed(PemIdentity& out, std::string& error);

}  // namespace example
