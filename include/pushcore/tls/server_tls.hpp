// Server-side TLS over memory buffers (OpenSSL memory BIOs), so a host that has only
// sockets moves ciphertext and pushcore does the rest: ciphertext in, plaintext out to
// the HTTP layer; plaintext in from the HTTP layer, ciphertext out. ALPN offers "h2" and
// "http/1.1" (RFC 7301; RFC 9113 3.2). No I/O, no clock of ours (OpenSSL checks its own
// time only for what it validates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pushcore/core/status.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace pushcore::tls {

// Certificate chain + key, shared by every connection (an SSL_CTX).
class ServerContext {
  public:
    // PEM text: the certificate chain (leaf first) and its private key. Status::tls with a
    // reason when OpenSSL refuses either or they do not match.
    static std::shared_ptr<ServerContext> from_pem(std::string_view cert_chain_pem,
                                                   std::string_view key_pem, Error& err);
    ~ServerContext();
    ServerContext(const ServerContext&) = delete;
    ServerContext& operator=(const ServerContext&) = delete;

    SSL_CTX* native() const noexcept { return ctx_; }

  private:
    explicit ServerContext(SSL_CTX* ctx) : ctx_(ctx) {}
    SSL_CTX* ctx_;
};

// One connection's TLS state.
class ServerSession {
  public:
    explicit ServerSession(std::shared_ptr<ServerContext> ctx);
    ~ServerSession();
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;

    // Ciphertext read from the socket. Decrypted bytes accumulate in plaintext(); handshake
    // and alert records accumulate in ciphertext(). Status::tls (error() has the reason)
    // when the peer's records are bad or the handshake fails: flush ciphertext() (it may
    // hold an alert) and close.
    Status receive(const uint8_t* data, size_t len);
    std::string_view plaintext() const noexcept;
    void consume_plaintext(size_t n);

    // Application bytes to send (only after handshake_done(); before, they are buffered
    // and sent once it completes).
    Status send(const uint8_t* data, size_t len);
    // Ciphertext for the socket.
    std::string_view ciphertext() const noexcept;
    void consume_ciphertext(size_t n);

    bool handshake_done() const noexcept;
    // The protocol ALPN selected: "h2", "http/1.1", or "" (none offered: treat as HTTP/1.1).
    std::string_view alpn() const noexcept;
    // Sends close_notify.
    void close();
    // True after close_notify was received or sent, or after an error.
    bool closed() const noexcept;
    const Error& error() const noexcept { return err_; }

  private:
    Status pump();                    // drives the handshake and reads; then flush()
    Status flush();                   // writes plain_out_ once the handshake is done
    Status fail(const char* reason);  // records err_, closes, keeps any alert
    void collect();                   // moves the write BIO's bytes to cipher_out_

    std::shared_ptr<ServerContext> ctx_;
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;     // ciphertext from the peer (owned by ssl_)
    BIO* out_ = nullptr;    // ciphertext to the peer (owned by ssl_)
    std::string plain_in_;  // decrypted; consumed up to plain_pos_
    size_t plain_pos_ = 0;
    std::string plain_out_;   // waiting for the handshake
    std::string cipher_out_;  // consumed up to cipher_pos_
    size_t cipher_pos_ = 0;
    Error err_;
    bool closed_ = false;
};

}  // namespace pushcore::tls
