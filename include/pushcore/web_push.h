/*
 * pushcore C ABI: the Web Push service (draft-damaggio-webpush-http2-00, RFC 8030).
 *
 * Objects:
 *   pushcore_push_service_config  settings, checked by pushcore_push_service_new
 *   pushcore_push_service         the push service: every connection the host accepted,
 *                                 the subscriptions and messages (in memory), the timers
 *
 * The host accepts sockets and calls pushcore_push_service_open (plaintext: HTTP/2 prior
 * knowledge or HTTP/1.1, detected; or what ALPN chose when the host does TLS itself) or
 * pushcore_push_service_open_tls (the service does TLS over memory buffers: the host
 * moves ciphertext). Then, per connection: receive() what the socket read, write out
 * output() and consume() what was written, close the socket when want_close() says so
 * and call close(). A request on one connection can give others output (a message
 * pushed to a user agent): after each call, next_ready() lists every connection with
 * new output. Timers: next_deadline() / on_timeout().
 *
 * Conventions as in pushcore/core.h and pushcore/sip_push.h: int returns are
 * PUSHCORE_OK, 1/0 for questions, or a negative pushcore_status; text parameters are
 * pointer + length; output bytes are borrowed until the next call on the same handle.
 */
#ifndef PUSHCORE_WEB_PUSH_H
#define PUSHCORE_WEB_PUSH_H

#include "pushcore/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pushcore_push_service_config pushcore_push_service_config;
typedef struct pushcore_push_service pushcore_push_service;

/* Protocols for pushcore_push_service_open. */
#define PUSHCORE_HTTP_DETECT 0 /* HTTP/2 prior knowledge or HTTP/1.1, told by the first bytes */
#define PUSHCORE_HTTP_1 1      /* HTTP/1.1 (ALPN "http/1.1") */
#define PUSHCORE_HTTP_2 2      /* HTTP/2 (ALPN "h2") */

/* Log levels given to the log callback. */
#define PUSHCORE_LOG_ERROR 0
#define PUSHCORE_LOG_WARNING 1
#define PUSHCORE_LOG_INFO 2
#define PUSHCORE_LOG_DEBUG 3

/* A log line (not NUL-terminated; capability URLs already redacted, seed 8.5). */
typedef void (*pushcore_log_fn)(void* ctx, int32_t level, const char* line, size_t len);

/* ---- configuration -------------------------------------------------------------------- */

PUSHCORE_API int pushcore_push_service_config_new(pushcore_push_service_config** out);
PUSHCORE_API void pushcore_push_service_config_free(pushcore_push_service_config* cfg);

/* Absolute URLs in Location start with this ("https://push.example.net"); default: built
 * from each request's :scheme and :authority (Host over HTTP/1.1, as "http"). */
PUSHCORE_API int pushcore_push_service_config_set_base_url(pushcore_push_service_config* cfg,
                                                           const char* url, size_t len);
/* The push service resource (seed 4); default "/subscribe". */
PUSHCORE_API int pushcore_push_service_config_set_subscribe_path(pushcore_push_service_config* cfg,
                                                                 const char* path, size_t len);
/* Largest message body; larger gets 413. At least 4096 (seed 5); default 4096. */
PUSHCORE_API int pushcore_push_service_config_set_max_message_bytes(
    pushcore_push_service_config* cfg, uint64_t bytes);
/* Subscription lifetime in seconds (Cache-Control max-age, seed 7.3); default 864000. */
PUSHCORE_API int pushcore_push_service_config_set_subscription_lifetime(
    pushcore_push_service_config* cfg, uint32_t seconds);
/* Longest TTL kept (longer ones are shortened, RFC 8030 5.2), and the TTL of a seed-form
 * message without time_to_live; defaults 2419200 both. */
PUSHCORE_API int pushcore_push_service_config_set_ttl(pushcore_push_service_config* cfg,
                                                      uint32_t max_seconds,
                                                      uint32_t default_seconds);
/* Token bucket per subscription (seed 8.4): refill per minute and burst; 0, 0 disables.
 * Default 600 per minute, burst 60. */
PUSHCORE_API int pushcore_push_service_config_set_rate_limit(pushcore_push_service_config* cfg,
                                                             uint32_t per_minute, uint32_t burst);
/* Stored messages and bytes per subscription (over: 429) and in total (over: 503), and
 * the most subscriptions (over: 503). */
PUSHCORE_API int pushcore_push_service_config_set_store_limits(pushcore_push_service_config* cfg,
                                                               uint64_t messages_per_subscription,
                                                               uint64_t bytes_per_subscription,
                                                               uint64_t messages_total,
                                                               uint64_t bytes_total,
                                                               uint64_t subscriptions);
/* HTTP limits per connection: header bytes, header fields, concurrent HTTP/2 streams,
 * idle timeout in ms (0: none). */
PUSHCORE_API int pushcore_push_service_config_set_connection_limits(
    pushcore_push_service_config* cfg, uint64_t header_bytes, uint64_t header_count,
    uint32_t concurrent_streams, uint64_t idle_timeout_ms);
/* The status for sends to a subscription that does not exist: 404 or 410 (default). */
PUSHCORE_API int pushcore_push_service_config_set_gone_status(pushcore_push_service_config* cfg,
                                                              int32_t status);
/* Unix time in ms at now_ms == 0 (for Date and Last-Modified). */
PUSHCORE_API int pushcore_push_service_config_set_wall_clock_offset(
    pushcore_push_service_config* cfg, int64_t unix_ms_at_zero);
/* The random source for capability URLs; default OpenSSL's RAND_bytes. */
PUSHCORE_API int pushcore_push_service_config_set_random(pushcore_push_service_config* cfg,
                                                         pushcore_random_fn fn, void* ctx);
PUSHCORE_API int pushcore_push_service_config_set_log(pushcore_push_service_config* cfg,
                                                      pushcore_log_fn fn, void* ctx);
/* The least severe level the log callback gets (PUSHCORE_LOG_*; default PUSHCORE_LOG_INFO,
 * one line per request). Lines below it are not even formatted. */
PUSHCORE_API int pushcore_push_service_config_set_log_level(pushcore_push_service_config* cfg,
                                                            int32_t level);
/* Certificate chain and private key, PEM, for pushcore_push_service_open_tls (ALPN h2 and
 * http/1.1). PUSHCORE_E_TLS when OpenSSL refuses them. */
PUSHCORE_API int pushcore_push_service_config_set_tls_pem(pushcore_push_service_config* cfg,
                                                          const char* cert_pem, size_t cert_len,
                                                          const char* key_pem, size_t key_len);
/* ---- a store of the host's ------------------------------------------------------------
 *
 * By default subscriptions, receipt subscriptions and unacknowledged messages live in
 * memory. A host that wants them to outlive the process (a database, files) gives the
 * service five callbacks over a key-value store of records. The service calls them
 * synchronously from within its own calls; none may call back into the service.
 *
 * Records are opaque bytes the host keeps as given, keyed by (kind, 16-byte key); messages
 * also name their parent subscription, so the host can list them. Times inside records are
 * Unix times (the config's wall-clock offset converts them), so a store survives restarts.
 * Record bytes are versioned by the library (their first byte); a host need not read them.
 * Every callback returns PUSHCORE_OK or a negative status (a failed callback makes the
 * request that caused it fail with 500, or 503 for PUSHCORE_E_LIMIT_STORE).
 */
#define PUSHCORE_STORE_SUBSCRIPTION 1         /* key: subscription id */
#define PUSHCORE_STORE_RECEIPT_SUBSCRIPTION 2 /* key: receipt subscription id */
#define PUSHCORE_STORE_MESSAGE 3              /* key: message id; parent: its subscription */
#define PUSHCORE_STORE_PUSH_INDEX 4           /* key: push resource id; record: subscription id */

/* Stores a record (replacing one with the same kind and key). `parent` is the subscription
 * id for messages, NULL otherwise. */
typedef int (*pushcore_store_put_fn)(void* ctx, int32_t kind, const uint8_t* key16,
                                     const uint8_t* parent16, const uint8_t* record, size_t len);
/* Looks a record up: 1 with *record and *len set (borrowed until the next callback), 0 when
 * there is none. */
typedef int (*pushcore_store_get_fn)(void* ctx, int32_t kind, const uint8_t* key16,
                                     const uint8_t** record, size_t* len);
/* Removes a record; removing one that is not there is PUSHCORE_OK. */
typedef int (*pushcore_store_remove_fn)(void* ctx, int32_t kind, const uint8_t* key16);
/* The keys of the messages whose parent is `parent16`, oldest first, 16 bytes each, into
 * keys16[0 .. 16*cap); *count gets how many there are. When there are more than cap,
 * return PUSHCORE_E_BUFFER_TOO_SMALL: the service calls again with room for *count. */
typedef int (*pushcore_store_children_fn)(void* ctx, const uint8_t* parent16, uint8_t* keys16,
                                          size_t cap, size_t* count);
/* How many records of a kind there are, and their bytes in all. */
typedef int (*pushcore_store_count_fn)(void* ctx, int32_t kind, uint64_t* count, uint64_t* bytes);

/* Uses the host's store instead of memory. All five callbacks are required. With a host
 * store, the byte limits of set_store_limits count record bytes rather than body bytes. */
PUSHCORE_API int pushcore_push_service_config_set_store(pushcore_push_service_config* cfg,
                                                        void* ctx, pushcore_store_put_fn put,
                                                        pushcore_store_get_fn get,
                                                        pushcore_store_remove_fn remove,
                                                        pushcore_store_children_fn children,
                                                        pushcore_store_count_fn count);

/* Why the last call on cfg failed: status, reason (static), offset. */
PUSHCORE_API int pushcore_push_service_config_last_error(const pushcore_push_service_config* cfg,
                                                         const char** reason, size_t* offset);

/* ---- the service ---------------------------------------------------------------------- */

PUSHCORE_API int pushcore_push_service_new(pushcore_push_service** out,
                                           const pushcore_push_service_config* cfg);
PUSHCORE_API void pushcore_push_service_free(pushcore_push_service* svc);

/* A plaintext connection (PUSHCORE_HTTP_*); *conn gets its id (never 0). */
PUSHCORE_API int pushcore_push_service_open(pushcore_push_service* svc, int32_t protocol,
                                            uint64_t now_ms, uint64_t* conn);
/* A TLS connection: receive() takes and output() gives ciphertext. Needs set_tls_pem. */
PUSHCORE_API int pushcore_push_service_open_tls(pushcore_push_service* svc, uint64_t now_ms,
                                                uint64_t* conn);
/* Bytes read from the connection. A negative status means the connection is finished:
 * write out its output, then close it. */
PUSHCORE_API int pushcore_push_service_receive(pushcore_push_service* svc, uint64_t conn,
                                               const uint8_t* data, size_t len, uint64_t now_ms);
/* The peer closed its side. */
PUSHCORE_API int pushcore_push_service_receive_eof(pushcore_push_service* svc, uint64_t conn,
                                                   uint64_t now_ms);
/* The host closed the socket: the id is forgotten. */
PUSHCORE_API int pushcore_push_service_close(pushcore_push_service* svc, uint64_t conn);
/* Output waiting for the connection: *data and *len (borrowed until the next call). */
PUSHCORE_API int pushcore_push_service_output(pushcore_push_service* svc, uint64_t conn,
                                              const uint8_t** data, size_t* len);
/* n bytes of output were written. */
PUSHCORE_API int pushcore_push_service_consume(pushcore_push_service* svc, uint64_t conn, size_t n);
/* 1 when the socket should be closed once output is empty, else 0. */
PUSHCORE_API int pushcore_push_service_want_close(pushcore_push_service* svc, uint64_t conn);
/* 1 and *conn set for a connection that gained output since it was last reported; 0 when
 * none is left. */
PUSHCORE_API int pushcore_push_service_next_ready(pushcore_push_service* svc, uint64_t* conn);
/* The earliest time on_timeout() has work, or PUSHCORE_NO_DEADLINE. */
PUSHCORE_API uint64_t pushcore_push_service_next_deadline(const pushcore_push_service* svc);
PUSHCORE_API int pushcore_push_service_on_timeout(pushcore_push_service* svc, uint64_t now_ms);
/* What is stored: subscriptions, messages, message body bytes. */
PUSHCORE_API int pushcore_push_service_counts(pushcore_push_service* svc, uint64_t* subscriptions,
                                              uint64_t* messages, uint64_t* bytes);
/* Why the last call on svc failed: status, reason (static), offset. */
PUSHCORE_API int pushcore_push_service_last_error(const pushcore_push_service* svc,
                                                  const char** reason, size_t* offset);

#ifdef __cplusplus
}
#endif

#endif /* PUSHCORE_WEB_PUSH_H */
