/* The Web Push service through the C ABI only, as a C99 program sees it: config setters
 * and their refusals, a failing pushcore_push_service_new, then an HTTP/1.1 subscribe and
 * send (RFC 8030 4 and 5) over connections the test plays the host for, and the same over
 * a store of the host's (an array of records here) that outlives the service. */
#include <pushcore.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                       \
        }                                                                     \
    } while (0)

/* Deterministic capability URLs: byte i of the stream is i (mod 256). */
static int counting_random(void* ctx, uint8_t* out, size_t len) {
    unsigned* next = (unsigned*)ctx;
    for (size_t i = 0; i < len; ++i) out[i] = (uint8_t)(*next)++;
    return 0;
}

struct log_sink {
    int lines;
    int levels_ok;
    char text[8192]; /* every line, each followed by '\n' */
    size_t used;
};

static void collect_log(void* ctx, int32_t level, const char* line, size_t len) {
    struct log_sink* sink = (struct log_sink*)ctx;
    ++sink->lines;
    if (level < PUSHCORE_LOG_ERROR || level > PUSHCORE_LOG_DEBUG) sink->levels_ok = 0;
    if (sink->used + len + 2 > sizeof sink->text) return;
    memcpy(sink->text + sink->used, line, len);
    sink->used += len;
    sink->text[sink->used++] = '\n';
    sink->text[sink->used] = '\0';
}

/* The config's last_error after a refused setter: its status and a reason. */
static int refused(const pushcore_push_service_config* cfg, int rc) {
    const char* reason = NULL;
    size_t offset = 99;
    int st = pushcore_push_service_config_last_error(cfg, &reason, &offset);
    return rc == PUSHCORE_E_INVALID_ARGUMENT && st == PUSHCORE_E_INVALID_ARGUMENT &&
           reason != NULL && reason[0] != '\0';
}

/* The config's last_error after a call that succeeded: OK and no reason. */
static int clean(const pushcore_push_service_config* cfg) {
    const char* reason = NULL;
    return pushcore_push_service_config_last_error(cfg, &reason, NULL) == PUSHCORE_OK &&
           reason != NULL && reason[0] == '\0';
}

static int feed(pushcore_push_service* svc, uint64_t conn, const char* text, uint64_t now) {
    return pushcore_push_service_receive(svc, conn, (const uint8_t*)text, strlen(text), now);
}

/* Copies the connection's output into buf (NUL-terminated) and consumes it; its length,
 * or -1 when it did not fit. */
static long drain(pushcore_push_service* svc, uint64_t conn, char* buf, size_t cap) {
    const uint8_t* data = NULL;
    size_t len = 0;
    if (pushcore_push_service_output(svc, conn, &data, &len) != PUSHCORE_OK || len >= cap)
        return -1;
    if (len) memcpy(buf, data, len);
    buf[len] = '\0';
    if (pushcore_push_service_consume(svc, conn, len) != PUSHCORE_OK) return -1;
    return (long)len;
}

/* The value of the first header field `name` (lower case, as the service writes them)
 * into out; 1 when found. */
static int field(const char* response, const char* name, char* out, size_t cap) {
    size_t n = strlen(name);
    const char* p = strstr(response, "\r\n");
    while (p && strncmp(p, "\r\n\r\n", 4) != 0) {
        p += 2;
        const char* end = strstr(p, "\r\n");
        if (!end) return 0;
        if (strncmp(p, name, n) == 0 && p[n] == ':') {
            const char* v = p + n + 1;
            while (*v == ' ') ++v;
            size_t len = (size_t)(end - v);
            if (len >= cap) return 0;
            memcpy(out, v, len);
            out[len] = '\0';
            return 1;
        }
        p = end;
    }
    return 0;
}

/* The target of the Link field with rel="urn:ietf:params:push" (RFC 8030 4), into out. */
static int push_link(const char* response, char* out, size_t cap) {
    static const char rel[] = ">; rel=\"urn:ietf:params:push\"";
    const char* p = response;
    while ((p = strstr(p, "\r\nlink: <")) != NULL) {
        const char* target = p + 9;
        const char* close = strchr(target, '>');
        if (!close) return 0;
        if (strncmp(close, rel, sizeof rel - 1) == 0) {
            size_t len = (size_t)(close - target);
            if (len >= cap) return 0;
            memcpy(out, target, len);
            out[len] = '\0';
            return 1;
        }
        p = close;
    }
    return 0;
}

static int starts(const char* s, const char* prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void config_setters(void) {
    pushcore_push_service_config* cfg = NULL;
    CHECK(pushcore_push_service_config_new(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_config_new(&cfg) == PUSHCORE_OK && cfg != NULL);
    CHECK(clean(cfg));

    /* Valid values, each leaving a clean last_error. */
    CHECK(pushcore_push_service_config_set_base_url(cfg, "https://push.example.net", 24) == 0);
    CHECK(clean(cfg));
    CHECK(pushcore_push_service_config_set_base_url(cfg, NULL, 0) == 0); /* back to default */
    CHECK(pushcore_push_service_config_set_subscribe_path(cfg, "/sub", 4) == 0);
    CHECK(pushcore_push_service_config_set_max_message_bytes(cfg, 4096) == 0);
    CHECK(pushcore_push_service_config_set_subscription_lifetime(cfg, 3600) == 0);
    CHECK(pushcore_push_service_config_set_ttl(cfg, 86400, 86400) == 0);
    CHECK(pushcore_push_service_config_set_rate_limit(cfg, 0, 0) == 0); /* off */
    CHECK(pushcore_push_service_config_set_rate_limit(cfg, 600, 60) == 0);
    CHECK(pushcore_push_service_config_set_store_limits(cfg, 10, 65536, 1000, 1 << 20, 100) == 0);
    CHECK(pushcore_push_service_config_set_connection_limits(cfg, 8192, 64, 100, 0) == 0);
    CHECK(pushcore_push_service_config_set_gone_status(cfg, 404) == 0);
    CHECK(pushcore_push_service_config_set_gone_status(cfg, 410) == 0);
    CHECK(pushcore_push_service_config_set_wall_clock_offset(cfg, 1700000000000) == 0);
    CHECK(pushcore_push_service_config_set_log(cfg, NULL, NULL) == 0); /* no log */
    CHECK(refused(cfg, pushcore_push_service_config_set_log_level(cfg, PUSHCORE_LOG_DEBUG + 1)));
    CHECK(refused(cfg, pushcore_push_service_config_set_log_level(cfg, -1)));
    CHECK(pushcore_push_service_config_set_log_level(cfg, PUSHCORE_LOG_DEBUG) == 0);
    CHECK(pushcore_push_service_config_set_log_level(cfg, PUSHCORE_LOG_INFO) == 0);
    CHECK(clean(cfg));

    /* Each out-of-range value: PUSHCORE_E_INVALID_ARGUMENT and a reason. */
    CHECK(refused(cfg, pushcore_push_service_config_set_base_url(cfg, NULL, 3)));
    CHECK(refused(cfg, pushcore_push_service_config_set_base_url(cfg, "ftp://x", 7)));
    CHECK(refused(cfg, pushcore_push_service_config_set_base_url(cfg, "https://", 8)));
    CHECK(refused(cfg, pushcore_push_service_config_set_base_url(cfg, "https://a\r\nX: y", 15)));
    CHECK(refused(cfg, pushcore_push_service_config_set_subscribe_path(cfg, "sub", 3)));
    CHECK(refused(cfg, pushcore_push_service_config_set_subscribe_path(cfg, "/", 1)));
    CHECK(refused(cfg, pushcore_push_service_config_set_subscribe_path(cfg, "/a b", 4)));
    CHECK(refused(cfg, pushcore_push_service_config_set_subscribe_path(cfg, "/a?b", 4)));
    CHECK(refused(cfg, pushcore_push_service_config_set_subscribe_path(cfg, NULL, 2)));
    CHECK(refused(cfg, pushcore_push_service_config_set_max_message_bytes(cfg, 4095)));
    CHECK(refused(cfg, pushcore_push_service_config_set_subscription_lifetime(cfg, 0)));
    CHECK(refused(cfg, pushcore_push_service_config_set_ttl(cfg, 60, 61)));
    CHECK(refused(cfg, pushcore_push_service_config_set_rate_limit(cfg, 600, 0)));
    CHECK(refused(cfg, pushcore_push_service_config_set_rate_limit(cfg, 0, 60)));
    CHECK(refused(cfg, pushcore_push_service_config_set_store_limits(cfg, 0, 1, 1, 1, 1)));
    CHECK(refused(cfg, pushcore_push_service_config_set_store_limits(cfg, 1, 1, 1, 1, 0)));
    CHECK(refused(cfg, pushcore_push_service_config_set_connection_limits(cfg, 0, 64, 100, 0)));
    CHECK(refused(cfg, pushcore_push_service_config_set_connection_limits(cfg, 8192, 0, 100, 0)));
    CHECK(refused(cfg, pushcore_push_service_config_set_connection_limits(cfg, 8192, 64, 0, 0)));
    CHECK(refused(
        cfg, pushcore_push_service_config_set_connection_limits(cfg, 8192, 64, UINT32_MAX, 0)));
    CHECK(refused(cfg, pushcore_push_service_config_set_gone_status(cfg, 200)));
    CHECK(refused(cfg, pushcore_push_service_config_set_gone_status(cfg, 403)));
    CHECK(refused(cfg, pushcore_push_service_config_set_wall_clock_offset(cfg, -1)));
    CHECK(refused(cfg, pushcore_push_service_config_set_wall_clock_offset(cfg, INT64_MAX)));
    CHECK(refused(cfg, pushcore_push_service_config_set_random(cfg, NULL, NULL)));
    CHECK(refused(cfg, pushcore_push_service_config_set_tls_pem(cfg, NULL, 0, "k", 1)));
    CHECK(refused(cfg, pushcore_push_service_config_set_tls_pem(cfg, "c", 1, NULL, 0)));
    const char* reason = NULL;
    size_t offset = 0;
    CHECK(pushcore_push_service_config_set_ttl(cfg, 60, 61) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_config_last_error(cfg, &reason, &offset) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strstr(reason, "TTL") != NULL);

    /* PEM OpenSSL cannot read: PUSHCORE_E_TLS, with a reason. */
    const char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    CHECK(pushcore_push_service_config_set_tls_pem(cfg, junk, sizeof junk - 1, junk,
                                                   sizeof junk - 1) == PUSHCORE_E_TLS);
    CHECK(pushcore_push_service_config_last_error(cfg, &reason, NULL) == PUSHCORE_E_TLS);
    CHECK(reason != NULL && reason[0] != '\0');

    /* NULL handles. */
    CHECK(pushcore_push_service_config_set_gone_status(NULL, 404) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_config_set_log(NULL, collect_log, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_config_last_error(NULL, &reason, &offset) ==
          PUSHCORE_E_INVALID_ARGUMENT);

    /* A path every setter accepts but the service reserves: pushcore_push_service_new
     * fails, leaves *out NULL, and the config says why. */
    pushcore_push_service* svc = (pushcore_push_service*)&svc; /* anything but NULL */
    CHECK(pushcore_push_service_config_set_subscribe_path(cfg, "/p/x", 4) == PUSHCORE_OK);
    CHECK(pushcore_push_service_new(&svc, cfg) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(svc == NULL);
    CHECK(pushcore_push_service_config_last_error(cfg, &reason, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strstr(reason, "subscribe_path") != NULL);
    CHECK(pushcore_push_service_new(NULL, cfg) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_new(&svc, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_config_set_subscribe_path(cfg, "/sub", 4) == PUSHCORE_OK);
    CHECK(pushcore_push_service_new(&svc, cfg) == PUSHCORE_OK && svc != NULL);
    CHECK(clean(cfg));
    pushcore_push_service_free(svc);
    pushcore_push_service_config_free(cfg);

    /* free(NULL) is a no-op. */
    pushcore_push_service_config_free(NULL);
    pushcore_push_service_free(NULL);
}

/* Calls on a connection id the service does not know: PUSHCORE_E_NOT_FOUND. */
static void unknown_connection(pushcore_push_service* svc, uint64_t conn) {
    const uint8_t* data = NULL;
    size_t len = 0;
    const char* reason = NULL;
    CHECK(feed(svc, conn, "GET / HTTP/1.1\r\n\r\n", 0) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_push_service_last_error(svc, &reason, NULL) == PUSHCORE_E_NOT_FOUND);
    CHECK(reason != NULL && strstr(reason, "connection") != NULL);
    CHECK(pushcore_push_service_receive_eof(svc, conn, 0) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_push_service_output(svc, conn, &data, &len) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_push_service_consume(svc, conn, 0) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_push_service_want_close(svc, conn) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_push_service_close(svc, conn) == PUSHCORE_E_NOT_FOUND);
}

static void http1_exchange(void) {
    unsigned next_byte = 0;
    struct log_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.levels_ok = 1;
    pushcore_push_service_config* cfg = NULL;
    pushcore_push_service* svc = NULL;
    CHECK(pushcore_push_service_config_new(&cfg) == PUSHCORE_OK);
    CHECK(pushcore_push_service_config_set_random(cfg, counting_random, &next_byte) == 0);
    CHECK(pushcore_push_service_config_set_log(cfg, collect_log, &sink) == 0);
    CHECK(pushcore_push_service_config_set_wall_clock_offset(cfg, 1700000000000) == 0);
    CHECK(pushcore_push_service_new(&svc, cfg) == PUSHCORE_OK);
    pushcore_push_service_config_free(cfg); /* the service took a copy */

    uint64_t ready = 0;
    uint64_t ua = 0;
    CHECK(pushcore_push_service_open(svc, 7, 0, &ua) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_DETECT, 0, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_DETECT, 0, &ua) == PUSHCORE_OK);
    CHECK(ua != 0);
    CHECK(pushcore_push_service_next_ready(svc, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 0); /* nothing said yet */
    CHECK(pushcore_push_service_want_close(svc, ua) == 0);

    /* Subscribe (RFC 8030 4): 201, Location, Link rel="urn:ietf:params:push". */
    CHECK(feed(svc, ua, "POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 10) ==
          PUSHCORE_OK);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 1 && ready == ua);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 0); /* reported once */
    const uint8_t* data = NULL;
    size_t len = 0;
    CHECK(pushcore_push_service_output(svc, ua, NULL, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_output(svc, ua, &data, &len) == PUSHCORE_OK && len > 0);
    CHECK(pushcore_push_service_consume(svc, ua, len + 1) == PUSHCORE_E_INVALID_ARGUMENT);
    char response[4096];
    CHECK(drain(svc, ua, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 201 Created\r\n"));
    CHECK(pushcore_push_service_output(svc, ua, &data, &len) == PUSHCORE_OK && len == 0);
    char location[256], push[256], value[256];
    CHECK(field(response, "location", location, sizeof location));
    CHECK(push_link(response, push, sizeof push));
    /* set_random made the tokens: bytes 0..15 name the subscription, 16..31 the push
     * resource (base64url, no padding). */
    CHECK(strcmp(location, "http://x/s/AAECAwQFBgcICQoLDA0ODw") == 0);
    CHECK(strcmp(push, "/p/EBESExQVFhcYGRobHB0eHw") == 0);
    CHECK(field(response, "cache-control", value, sizeof value));
    CHECK(strstr(value, "private") != NULL);
    CHECK(field(response, "date", value, sizeof value));
    CHECK(strcmp(value, "Tue, 14 Nov 2023 22:13:20 GMT") == 0); /* the wall clock offset */
    uint64_t subs = 9, msgs = 9, bytes = 9;
    CHECK(pushcore_push_service_counts(svc, &subs, &msgs, &bytes) == PUSHCORE_OK);
    CHECK(subs == 1 && msgs == 0 && bytes == 0);
    CHECK(pushcore_push_service_counts(svc, NULL, NULL, NULL) == PUSHCORE_OK);

    /* An application server sends on another connection (RFC 8030 5), and closes it. */
    uint64_t as = 0;
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_1, 20, &as) == PUSHCORE_OK);
    CHECK(as != 0 && as != ua);
    char request[512];
    snprintf(request, sizeof request,
             "POST %s HTTP/1.1\r\nHost: x\r\nTTL: 60\r\nContent-Type: text/plain\r\n"
             "Connection: close\r\nContent-Length: 5\r\n\r\nhello",
             push);
    CHECK(feed(svc, as, request, 20) == PUSHCORE_OK);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 1 && ready == as);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 0); /* no one is listening */
    CHECK(drain(svc, as, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 201 Created\r\n"));
    CHECK(field(response, "ttl", value, sizeof value) && strcmp(value, "60") == 0);
    CHECK(field(response, "location", value, sizeof value));
    CHECK(strcmp(value, "http://x/m/ICEiIyQlJicoKSorLC0uLw") == 0);
    CHECK(pushcore_push_service_counts(svc, &subs, &msgs, &bytes) == PUSHCORE_OK);
    CHECK(subs == 1 && msgs == 1 && bytes == 5);
    CHECK(pushcore_push_service_want_close(svc, as) == 1); /* "Connection: close" */
    CHECK(pushcore_push_service_want_close(svc, ua) == 0);
    CHECK(pushcore_push_service_close(svc, as) == PUSHCORE_OK);
    CHECK(pushcore_push_service_close(svc, as) == PUSHCORE_E_NOT_FOUND); /* forgotten */

    /* A send to a push resource that does not exist: 410 (the default gone status). */
    CHECK(feed(svc, ua,
               "POST /p/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\nTTL: 5\r\n"
               "Content-Length: 0\r\n\r\n",
               30) == PUSHCORE_OK);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 1 && ready == ua);
    CHECK(drain(svc, ua, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 410 "));
    CHECK(pushcore_push_service_last_error(svc, NULL, NULL) == PUSHCORE_OK);

    /* A request the HTTP layer refuses ends the connection with an error and a 400. */
    uint64_t bad = 0;
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_1, 40, &bad) == PUSHCORE_OK);
    int rc = feed(svc, bad, "POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: z\r\n\r\n", 40);
    CHECK(rc < 0);
    const char* reason = NULL;
    CHECK(pushcore_push_service_last_error(svc, &reason, NULL) == rc);
    CHECK(reason != NULL && reason[0] != '\0');
    CHECK(drain(svc, bad, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 400 "));
    CHECK(pushcore_push_service_want_close(svc, bad) == 1);
    CHECK(pushcore_push_service_close(svc, bad) == PUSHCORE_OK);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 0); /* closed: not reported */
    CHECK(pushcore_push_service_receive(svc, ua, NULL, 3, 40) == PUSHCORE_E_INVALID_ARGUMENT);

    unknown_connection(svc, 999);

    /* HTTP/2 prior knowledge: the server's SETTINGS is output as soon as it opens. */
    uint64_t h2 = 0;
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_2, 50, &h2) == PUSHCORE_OK);
    CHECK(pushcore_push_service_next_ready(svc, &ready) == 1 && ready == h2);
    CHECK(pushcore_push_service_output(svc, h2, &data, &len) == PUSHCORE_OK);
    CHECK(len >= 9 && data[3] == 0x4 && data[4] == 0); /* a SETTINGS frame, no ACK flag */
    CHECK(pushcore_push_service_close(svc, h2) == PUSHCORE_OK);

    /* No certificate was configured: no TLS connections. */
    uint64_t tls = 0;
    CHECK(pushcore_push_service_open_tls(svc, 60, &tls) == PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_push_service_last_error(svc, &reason, NULL) == PUSHCORE_E_INVALID_STATE);
    CHECK(strstr(reason, "set_tls_pem") != NULL);

    /* Timers: the message's TTL (60 s from 20) comes before the subscription's end. */
    CHECK(pushcore_push_service_next_deadline(svc) == 60020);
    CHECK(pushcore_push_service_on_timeout(svc, 60019) == PUSHCORE_OK);
    CHECK(pushcore_push_service_counts(svc, NULL, &msgs, NULL) == PUSHCORE_OK && msgs == 1);
    CHECK(pushcore_push_service_on_timeout(svc, 60020) == PUSHCORE_OK);
    CHECK(pushcore_push_service_counts(svc, &subs, &msgs, &bytes) == PUSHCORE_OK);
    CHECK(subs == 1 && msgs == 0 && bytes == 0);
    CHECK(pushcore_push_service_next_deadline(svc) == 10 + 864000000); /* the subscription */

    /* The user agent hangs up. */
    CHECK(pushcore_push_service_receive_eof(svc, ua, 70000) == PUSHCORE_OK);
    CHECK(pushcore_push_service_want_close(svc, ua) == 1);
    CHECK(pushcore_push_service_close(svc, ua) == PUSHCORE_OK);

    /* Logs: one line per request, capability URLs redacted (seed 8.5). */
    CHECK(sink.lines >= 3 && sink.levels_ok);
    CHECK(strstr(sink.text, "POST /subscribe 201") != NULL);
    CHECK(strstr(sink.text, "POST /p/... 201") != NULL);
    CHECK(strstr(sink.text, "EBESExQVFhcYGRobHB0eHw") == NULL);
    CHECK(strstr(sink.text, "AAECAwQFBgcICQoLDA0ODw") == NULL);
    CHECK(strstr(sink.text, "ICEiIyQlJicoKSorLC0uLw") == NULL);

    /* NULL handles. */
    CHECK(pushcore_push_service_next_deadline(NULL) == PUSHCORE_NO_DEADLINE);
    CHECK(pushcore_push_service_on_timeout(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_counts(NULL, &subs, &msgs, &bytes) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_want_close(NULL, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_last_error(NULL, &reason, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_push_service_free(svc);
}

/* ---- a store of the host's: records in an array, in the order they were first put ---- */

#define C_STORE_RECORDS 32
#define C_STORE_BYTES 256

struct c_record {
    int32_t kind;
    uint8_t key[16];
    int has_parent;
    uint8_t parent[16];
    uint8_t bytes[C_STORE_BYTES];
    size_t len;
};

struct c_store {
    struct c_record records[C_STORE_RECORDS];
    size_t n;
    int fail_put; /* returned by put when not 0 */
};

static struct c_record* c_find(struct c_store* s, int32_t kind, const uint8_t* key) {
    for (size_t i = 0; i < s->n; ++i)
        if (s->records[i].kind == kind && memcmp(s->records[i].key, key, 16) == 0)
            return &s->records[i];
    return NULL;
}

static int c_put(void* ctx, int32_t kind, const uint8_t* key16, const uint8_t* parent16,
                 const uint8_t* record, size_t len) {
    struct c_store* s = (struct c_store*)ctx;
    if (s->fail_put) return s->fail_put;
    if (len > C_STORE_BYTES) return PUSHCORE_E_LIMIT_STORE;
    struct c_record* r = c_find(s, kind, key16);
    if (!r) {
        if (s->n == C_STORE_RECORDS) return PUSHCORE_E_LIMIT_STORE;
        r = &s->records[s->n++];
    }
    r->kind = kind;
    memcpy(r->key, key16, 16);
    r->has_parent = parent16 != NULL;
    if (parent16) memcpy(r->parent, parent16, 16);
    if (len) memcpy(r->bytes, record, len);
    r->len = len;
    return PUSHCORE_OK;
}

static int c_get(void* ctx, int32_t kind, const uint8_t* key16, const uint8_t** record,
                 size_t* len) {
    struct c_record* r = c_find((struct c_store*)ctx, kind, key16);
    if (!r) return 0;
    *record = r->bytes;
    *len = r->len;
    return 1;
}

static int c_remove(void* ctx, int32_t kind, const uint8_t* key16) {
    struct c_store* s = (struct c_store*)ctx;
    struct c_record* r = c_find(s, kind, key16);
    if (!r) return PUSHCORE_OK;
    size_t i = (size_t)(r - s->records);
    memmove(r, r + 1, (s->n - i - 1) * sizeof *r);
    --s->n;
    return PUSHCORE_OK;
}

static int c_children(void* ctx, const uint8_t* parent16, uint8_t* keys16, size_t cap,
                      size_t* count) {
    struct c_store* s = (struct c_store*)ctx;
    size_t found = 0;
    for (size_t i = 0; i < s->n; ++i) {
        const struct c_record* r = &s->records[i];
        if (r->kind != PUSHCORE_STORE_MESSAGE || !r->has_parent ||
            memcmp(r->parent, parent16, 16) != 0)
            continue;
        if (found < cap) memcpy(keys16 + 16 * found, r->key, 16);
        ++found;
    }
    *count = found;
    return found > cap ? PUSHCORE_E_BUFFER_TOO_SMALL : PUSHCORE_OK;
}

static int c_count(void* ctx, int32_t kind, uint64_t* count, uint64_t* bytes) {
    struct c_store* s = (struct c_store*)ctx;
    *count = *bytes = 0;
    for (size_t i = 0; i < s->n; ++i)
        if (s->records[i].kind == kind) {
            ++*count;
            *bytes += s->records[i].len;
        }
    return PUSHCORE_OK;
}

static size_t c_kind_count(const struct c_store* s, int32_t kind) {
    size_t n = 0;
    for (size_t i = 0; i < s->n; ++i) n += s->records[i].kind == kind;
    return n;
}

/* The 16 bytes counting_random gave from byte `first` on. */
static void counted(uint8_t first, uint8_t out[16]) {
    for (int i = 0; i < 16; ++i) out[i] = (uint8_t)(first + i);
}

static uint64_t le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

static void host_store(void) {
    static struct c_store store; /* static: large, and zeroed */
    pushcore_push_service_config* cfg = NULL;
    CHECK(pushcore_push_service_config_new(&cfg) == PUSHCORE_OK);

    /* All five callbacks are required. */
    CHECK(refused(cfg, pushcore_push_service_config_set_store(cfg, &store, NULL, c_get, c_remove,
                                                              c_children, c_count)));
    CHECK(refused(cfg, pushcore_push_service_config_set_store(cfg, &store, c_put, NULL, c_remove,
                                                              c_children, c_count)));
    CHECK(refused(cfg, pushcore_push_service_config_set_store(cfg, &store, c_put, c_get, NULL,
                                                              c_children, c_count)));
    CHECK(refused(cfg, pushcore_push_service_config_set_store(cfg, &store, c_put, c_get, c_remove,
                                                              NULL, c_count)));
    CHECK(refused(cfg, pushcore_push_service_config_set_store(cfg, &store, c_put, c_get, c_remove,
                                                              c_children, NULL)));
    const char* reason = NULL;
    CHECK(pushcore_push_service_config_last_error(cfg, &reason, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strstr(reason, "store callbacks") != NULL);
    CHECK(pushcore_push_service_config_set_store(NULL, &store, c_put, c_get, c_remove, c_children,
                                                 c_count) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_push_service_config_set_store(cfg, &store, c_put, c_get, c_remove, c_children,
                                                 c_count) == PUSHCORE_OK);
    CHECK(clean(cfg));

    unsigned next_byte = 0;
    CHECK(pushcore_push_service_config_set_random(cfg, counting_random, &next_byte) == 0);
    CHECK(pushcore_push_service_config_set_wall_clock_offset(cfg, 1700000000000) == 0);
    pushcore_push_service* svc = NULL;
    CHECK(pushcore_push_service_new(&svc, cfg) == PUSHCORE_OK);

    /* Subscribe: the subscription under its id (bytes 0..15), and a push index entry
     * under the push resource's id (bytes 16..31) holding the subscription id. */
    uint64_t conn = 0;
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_1, 10, &conn) == PUSHCORE_OK);
    CHECK(feed(svc, conn, "POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 10) ==
          PUSHCORE_OK);
    char response[4096], push[256], request[512];
    CHECK(drain(svc, conn, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 201 Created\r\n"));
    CHECK(push_link(response, push, sizeof push));
    uint8_t sub_id[16], push_id[16], msg_id[16];
    counted(0, sub_id);
    counted(16, push_id);
    counted(32, msg_id);
    CHECK(store.n == 2);
    const struct c_record* r = c_find(&store, PUSHCORE_STORE_SUBSCRIPTION, sub_id);
    CHECK(r != NULL && !r->has_parent && r->len == 41 && r->bytes[0] == 1);
    /* Its expiry is Unix ms: the wall clock offset plus 10 (now) plus 10 days. */
    CHECK(r != NULL && le64(r->bytes + 33) == 1700000000000ULL + 10 + 864000000ULL);
    r = c_find(&store, PUSHCORE_STORE_PUSH_INDEX, push_id);
    CHECK(r != NULL && r->len == 16 && memcmp(r->bytes, sub_id, 16) == 0);

    /* Send: the message under its id, its subscription as parent. */
    snprintf(request, sizeof request,
             "POST %s HTTP/1.1\r\nHost: x\r\nTTL: 60\r\nContent-Length: 5\r\n\r\nhello", push);
    CHECK(feed(svc, conn, request, 20) == PUSHCORE_OK);
    CHECK(drain(svc, conn, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 201 Created\r\n"));
    r = c_find(&store, PUSHCORE_STORE_MESSAGE, msg_id);
    CHECK(r != NULL && r->has_parent && memcmp(r->parent, sub_id, 16) == 0);
    CHECK(r != NULL && r->bytes[0] == 1 && r->len > 5);
    size_t message_bytes = r ? r->len : 0;
    uint64_t subs = 0, msgs = 0, bytes = 0;
    CHECK(pushcore_push_service_counts(svc, &subs, &msgs, &bytes) == PUSHCORE_OK);
    CHECK(subs == 1 && msgs == 1 && bytes == message_bytes); /* record bytes, not body bytes */

    /* A new service over the same store finds the subscription and its message: over
     * HTTP/1.1, which cannot push, GET with wait=0 answers 400 since one is stored. */
    pushcore_push_service_free(svc);
    CHECK(store.n == 3);
    svc = NULL;
    CHECK(pushcore_push_service_new(&svc, cfg) == PUSHCORE_OK);
    pushcore_push_service_config_free(cfg);
    CHECK(pushcore_push_service_counts(svc, &subs, &msgs, &bytes) == PUSHCORE_OK);
    CHECK(subs == 1 && msgs == 1 && bytes == message_bytes);
    CHECK(pushcore_push_service_open(svc, PUSHCORE_HTTP_1, 0, &conn) == PUSHCORE_OK);
    CHECK(feed(svc, conn,
               "GET /s/AAECAwQFBgcICQoLDA0ODw HTTP/1.1\r\nHost: x\r\nPrefer: wait=0\r\n\r\n",
               0) == PUSHCORE_OK);
    CHECK(drain(svc, conn, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 400 "));

    /* A store that refuses a record fails the request with 500. */
    store.fail_put = PUSHCORE_E_INTERNAL;
    CHECK(feed(svc, conn, request, 30) == PUSHCORE_OK);
    CHECK(drain(svc, conn, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 500 "));
    store.fail_put = 0;

    /* Unsubscribing removes the subscription, its index entry and its messages. */
    CHECK(feed(svc, conn, "DELETE /s/AAECAwQFBgcICQoLDA0ODw HTTP/1.1\r\nHost: x\r\n\r\n", 40) ==
          PUSHCORE_OK);
    CHECK(drain(svc, conn, response, sizeof response) > 0);
    CHECK(starts(response, "HTTP/1.1 204 "));
    CHECK(store.n == 0);
    CHECK(c_kind_count(&store, PUSHCORE_STORE_MESSAGE) == 0);
    CHECK(pushcore_push_service_counts(svc, &subs, &msgs, &bytes) == PUSHCORE_OK);
    CHECK(subs == 0 && msgs == 0 && bytes == 0);
    pushcore_push_service_free(svc);
}

int main(void) {
    config_setters();
    http1_exchange();
    host_store();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c_abi_web_push: all checks passed\n");
    return 0;
}
