/* The ua-profile machines through the C ABI only, as a C99 program sees it: the notifier
 * (a profile delivery server) answering the draft's 7.12 SUBSCRIBE with a 200 and a
 * content-indirection NOTIFY, the plug-and-play variant (application/url), profile
 * changes, NOTIFY answers and failures, timers, the 10.4 enrollment lists, and every
 * NULL or invalid argument with its last_error reason; the subscriber (a phone) through a
 * full 7.12 exchange: SUBSCRIBE, 200, the draft's NOTIFY, its fetch and profile_ready;
 * discovery's candidate order (8.1.1-8.1.3) and its refusals. */
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

static int contains(const uint8_t* data, size_t len, const char* needle) {
    size_t n = strlen(needle), i;
    for (i = 0; i + n <= len; ++i)
        if (memcmp(data + i, needle, n) == 0) return 1;
    return 0;
}

/* The value of a header field in a message (first line only), copied into out. */
static int header(const uint8_t* msg, size_t len, const char* name, char* out, size_t cap) {
    size_t n = strlen(name), i;
    for (i = 0; i + n + 2 < len; ++i) {
        if ((i == 0 || msg[i - 1] == '\n') && memcmp(msg + i, name, n) == 0 && msg[i + n] == ':') {
            size_t at = i + n + 1, k = 0;
            while (at < len && msg[at] == ' ') ++at;
            while (at < len && msg[at] != '\r' && k + 1 < cap) out[k++] = (char)msg[at++];
            out[k] = '\0';
            return 1;
        }
    }
    return 0;
}

static int counter_random(void* ctx, uint8_t* out, size_t len) {
    unsigned* state = (unsigned*)ctx;
    size_t i;
    for (i = 0; i < len; ++i) out[i] = (uint8_t)(++*state * 37u);
    return 0;
}

static int lookups = 0;
static char looked_vendor[64];

/* The host's store: one device, by reference and inline. */
static int lookup(void* ctx, int32_t type, const char* identity, size_t len,
                  pushcore_ua_profile_answer* a) {
    const char* v;
    size_t vlen;
    (void)ctx;
    ++lookups;
    CHECK(identity[len] == '\0');
    if (pushcore_ua_profile_answer_query_text(a, PUSHCORE_UA_TEXT_VENDOR, &v, &vlen) == 1 &&
        vlen < sizeof looked_vendor) {
        memcpy(looked_vendor, v, vlen);
        looked_vendor[vlen] = '\0';
    }
    CHECK(pushcore_ua_profile_answer_query_text(a, 99, &v, &vlen) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_query_text(a, PUSHCORE_UA_TEXT_VENDOR, NULL, &vlen) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    if (type != PUSHCORE_UA_PROFILE_DEVICE || strcmp(identity, "MAC:FF00000036C5") != 0) return 0;
    CHECK(pushcore_ua_profile_answer_set_str(
              a, PUSHCORE_UA_FIELD_URL, "http://www.example.com/devices/ff00000036c5", 43) == 0);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_CONTENT_TYPE,
                                             "application/x-z100-device-profile", 33) == 0);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_CONTENT_ID,
                                             "39EHF78SA@example.com", 21) == 0);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_HASH,
                                             "0123456789abcdef0123456789abcdef01234567", 40) == 0);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_EXPIRATION,
                                             "Mon, 24 June 2002 09:00:00 GMT", 30) == 0);
    CHECK(pushcore_ua_profile_answer_set_size(a, 1234) == 0);
    CHECK(pushcore_ua_profile_answer_set_body(a, (const uint8_t*)"<device-profile/>", 17) == 0);
    /* Refused values change nothing. */
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_HASH, "12ab", 4) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_URL, "http://a b", 10) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_CONTENT_TYPE, "a\r\nb", 4) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_CONTENT_TYPE, "text", 4) ==
          PUSHCORE_E_INVALID_ARGUMENT); /* not a media type */
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_CONTENT_ID, "<x>", 3) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_str(a, 42, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_str(a, PUSHCORE_UA_FIELD_URL, NULL, 3) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_body(a, NULL, 3) == PUSHCORE_E_INVALID_ARGUMENT);
    return 1;
}

static int policy(void* ctx, const char* device, size_t dlen, const char* user, size_t ulen) {
    (void)ctx;
    (void)device;
    (void)dlen;
    return ulen > 0 && strncmp(user, "sip:alice", 9) == 0;
}

/* The draft's 7.12 SUBSCRIBE, as written (its To carries a tag). */
static const char* kDraftSubscribe =
    "SUBSCRIBE sip:MAC%3aFF00000036C5@acme.example.com SIP/2.0\r\n"
    "Event: ua-profile;profile-type=device;vendor=\"vendor.example.com\";\r\n"
    "      model=\"Z100\";version=\"1.2.3\"\r\n"
    "From: sip:MAC%3aFF00000036C5@acme.example.com;tag=1234\r\n"
    "To: sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd\r\n"
    "Call-ID: 3573853342923422@10.1.1.44\r\n"
    "CSeq: 2131 SUBSCRIBE\r\n"
    "Contact: sip:MAC%3aFF00000036C5@10.1.1.44\r\n"
    "Via: SIP/2.0/TCP 10.1.1.41;\r\n"
    "      branch=z9hG4bK6d6d35b6e2a203104d97211a3d18f57a\r\n"
    "Accept: message/external-body, application/x-z100-device-profile\r\n"
    "Content-Length: 0\r\n\r\n";

/* A plug-and-play SUBSCRIBE as deployed phones send it: Accept application/url. */
static const char* kPnpSubscribe =
    "SUBSCRIBE sip:MAC%3aFF00000036C5@10.1.1.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.1.1.44:5060;branch=z9hG4bKpnp1\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:MAC%3aFF00000036C5@10.1.1.1>;tag=p1\r\n"
    "To: <sip:MAC%3aFF00000036C5@10.1.1.1>\r\n"
    "Call-ID: pnp-1\r\n"
    "CSeq: 1 SUBSCRIBE\r\n"
    "Contact: <sip:phone@10.1.1.44:5060>\r\n"
    "Event: ua-profile;profile-type=device;vendor=\"acme\";model=\"Z100\";version=\"1.2.3\"\r\n"
    "Expires: 3600\r\n"
    "Accept: application/url\r\n"
    "Content-Length: 0\r\n\r\n";

static pushcore_ua_notifier* make_notifier(unsigned* rnd) {
    pushcore_ua_notifier_config* cfg = NULL;
    pushcore_ua_notifier* n = NULL;
    CHECK(pushcore_ua_notifier_config_new(&cfg) == 0);
    CHECK(pushcore_ua_notifier_config_set_contact(cfg, "<sip:profiles@192.168.0.3>", 26) == 0);
    CHECK(pushcore_ua_notifier_config_set_sent_by(cfg, "192.168.0.3", 11) == 0);
    CHECK(pushcore_ua_notifier_config_set_form(cfg, PUSHCORE_UA_FORM_DRAFT08) == 0);
    CHECK(pushcore_ua_notifier_config_set_random(cfg, counter_random, rnd) == 0);
    CHECK(pushcore_ua_notifier_config_set_lookup(cfg, lookup, NULL) == 0);
    CHECK(pushcore_ua_notifier_config_set_network_user_policy(cfg, policy, NULL) == 0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_MIN_EXPIRES, 60) == 0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_NOTIFY_TIMEOUT_MS, 32000) ==
          0);
    CHECK(pushcore_ua_notifier_new(&n, cfg) == 0);
    pushcore_ua_notifier_config_free(cfg); /* the notifier keeps a copy */
    return n;
}

/* A response to a NOTIFY (its Via, From, To, Call-ID and CSeq echoed). */
static size_t answer(const uint8_t* notify, size_t len, int code, char* out, size_t cap) {
    char via[256], from[256], to[256], call[128], cseq[64];
    int w;
    CHECK(header(notify, len, "Via", via, sizeof via));
    CHECK(header(notify, len, "From", from, sizeof from));
    CHECK(header(notify, len, "To", to, sizeof to));
    CHECK(header(notify, len, "Call-ID", call, sizeof call));
    CHECK(header(notify, len, "CSeq", cseq, sizeof cseq));
    w = snprintf(out, cap,
                 "SIP/2.0 %d X\r\nVia: %s\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
                 "Content-Length: 0\r\n\r\n",
                 code, via, from, to, call, cseq);
    return (size_t)w;
}

static void test_draft_exchange(void) {
    unsigned rnd = 0;
    pushcore_ua_notifier* n = make_notifier(&rnd);
    const uint8_t* data;
    size_t len, i;
    uint64_t flow, sub = 0, v;
    const char* host;
    uint16_t port;
    const pushcore_event* ev;
    const char* s;
    size_t slen;
    char ctype[256], resp[1024];
    uint8_t notify[4096];
    size_t notify_len = 0;
    pushcore_ua_body* body = NULL;
    int32_t kind;

    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)kDraftSubscribe, strlen(kDraftSubscribe),
                                       7, "10.1.1.44", 9, 5060, 1000) == 0);
    /* The 200, then the NOTIFY, both to where the SUBSCRIBE came from. */
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 1);
    CHECK(len > 12 && memcmp(data, "SIP/2.0 200", 11) == 0);
    CHECK(flow == 7 && strcmp(host, "10.1.1.44") == 0 && port == 5060);
    CHECK(contains(data, len, "Contact: <sip:profiles@192.168.0.3>"));
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 1);
    CHECK(len > 7 && memcmp(data, "NOTIFY ", 7) == 0);
    CHECK(flow == 7 && strcmp(host, "10.1.1.44") == 0);
    CHECK(contains(data, len, "Subscription-State: active"));
    CHECK(contains(data, len, "Via: SIP/2.0/TCP 192.168.0.3"));
    CHECK(len < sizeof notify);
    memcpy(notify, data, len);
    notify_len = len;
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 0);
    CHECK(lookups >= 1 && strcmp(looked_vendor, "vendor.example.com") == 0);

    /* Its body: content indirection, parsed with pushcore_ua_body_parse. */
    CHECK(header(notify, notify_len, "Content-Type", ctype, sizeof ctype));
    for (i = 0; i + 4 <= notify_len; ++i)
        if (memcmp(notify + i, "\r\n\r\n", 4) == 0) break;
    CHECK(pushcore_ua_body_parse(&body, ctype, strlen(ctype), notify + i + 4, notify_len - i - 4, 0,
                                 0) == 0);
    CHECK(pushcore_ua_body_form(body) == PUSHCORE_UA_BODY_MULTIPART);
    CHECK(pushcore_ua_body_part_count(body) == 1);
    CHECK(pushcore_ua_body_part_kind(body, 0, &kind, NULL) == 0 &&
          kind == PUSHCORE_UA_PART_INDIRECT);
    CHECK(pushcore_ua_body_part_str(body, 0, PUSHCORE_UA_FIELD_URL, &s, &slen) == 1 &&
          strcmp(s, "http://www.example.com/devices/ff00000036c5") == 0);
    CHECK(pushcore_ua_body_part_str(body, 0, PUSHCORE_UA_FIELD_CONTENT_ID, &s, &slen) == 1 &&
          strcmp(s, "39EHF78SA@example.com") == 0);
    CHECK(pushcore_ua_body_part_str(body, 0, PUSHCORE_UA_FIELD_HASH, &s, &slen) == 1 &&
          strcmp(s, "0123456789abcdef0123456789abcdef01234567") == 0);
    CHECK(pushcore_ua_body_part_size(body, 0, &v) == 1 && v == 1234);
    pushcore_ua_body_free(body);

    /* The subscribed event. */
    CHECK(pushcore_ua_notifier_next_event(n, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_NOTIFIER_SUBSCRIBED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_SUBSCRIPTION, &sub) == 1 && sub != 0);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_PROFILE_TYPE, &v) == 1 &&
          v == PUSHCORE_UA_PROFILE_DEVICE);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_IDENTITY, &s, &slen) == 1 &&
          strcmp(s, "MAC:FF00000036C5") == 0);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_MODEL, &s, &slen) == 1 &&
          strcmp(s, "Z100") == 0);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_KNOWN, &v) == 1 && v == 1);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_EXPIRES, &v) == 1 && v == 86400);
    CHECK(pushcore_event_field_count(ev) >= 7);
    CHECK(pushcore_ua_notifier_next_event(n, &ev) == 0);
    CHECK(pushcore_ua_notifier_subscription_count(n) == 1);
    CHECK(pushcore_ua_notifier_state_of(n, sub) == PUSHCORE_UA_SUB_NOTIFYING);
    CHECK(pushcore_ua_notifier_state_of(n, sub + 100) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_notifier_next_deadline(n) == 1000 + 32000);

    /* The phone answers 200: the subscription is active until it expires. */
    len = answer(notify, notify_len, 200, resp, sizeof resp);
    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)resp, len, 7, "10.1.1.44", 9, 5060,
                                       1100) == 0);
    CHECK(pushcore_ua_notifier_state_of(n, sub) == PUSHCORE_UA_SUB_ACTIVE);
    CHECK(pushcore_ua_notifier_next_deadline(n) > 1100); /* may lie early: the old timer */
    CHECK(pushcore_ua_notifier_on_timeout(n, 1200) == 0);
    CHECK(pushcore_ua_notifier_state_of(n, sub) == PUSHCORE_UA_SUB_ACTIVE);

    /* The profile changed: one NOTIFY with effective-by. */
    CHECK(pushcore_ua_notifier_profile_changed(n, PUSHCORE_UA_PROFILE_DEVICE, "MAC:FF00000036C5",
                                               16, 1, 30, 2000) == 1);
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 1);
    CHECK(memcmp(data, "NOTIFY ", 7) == 0 && contains(data, len, "effective-by=30"));
    memcpy(notify, data, len);
    notify_len = len;
    CHECK(pushcore_ua_notifier_profile_changed(n, PUSHCORE_UA_PROFILE_USER, "bob@example.com", 15,
                                               0, 0, 2000) == 0);

    /* 481 to it: the subscription ends. */
    len = answer(notify, notify_len, 481, resp, sizeof resp);
    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)resp, len, 7, "10.1.1.44", 9, 5060,
                                       2100) == 0);
    CHECK(pushcore_ua_notifier_next_event(n, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_NOTIFIER_TERMINATED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_END_REASON, &v) == 1 &&
          v == PUSHCORE_UA_END_NOTIFY_FAILED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v) == 1 && v == 481);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_PROFILE_TYPE, &v) == 1 &&
          v == PUSHCORE_UA_PROFILE_DEVICE);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_IDENTITY, &s, &slen) == 1 &&
          strcmp(s, "MAC:FF00000036C5") == 0);
    CHECK(pushcore_ua_notifier_subscription_count(n) == 0);
    /* terminate: an unknown subscription, a bad reason. */
    CHECK(pushcore_ua_notifier_terminate(n, sub, PUSHCORE_UA_TERMINATE_REJECTED, 0, 2200) ==
          PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_notifier_last_error(n, &s, NULL) == PUSHCORE_E_NOT_FOUND &&
          strcmp(s, "no such subscription") == 0);
    CHECK(pushcore_ua_notifier_terminate(n, sub, 0, 0, 2200) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_terminate(n, sub, 6, 0, 2200) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_terminate(NULL, sub, 1, 0, 2200) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_next_deadline(n) == PUSHCORE_NO_DEADLINE ||
          pushcore_ua_notifier_on_timeout(n, pushcore_ua_notifier_next_deadline(n)) == 0);
    pushcore_ua_notifier_free(n);
}

static void test_plug_and_play(void) {
    unsigned rnd = 0;
    pushcore_ua_notifier* n = make_notifier(&rnd);
    const uint8_t* data;
    size_t len, i;
    uint64_t flow, v;
    const char* host;
    const char* s;
    size_t slen;
    uint16_t port;
    const pushcore_event* ev;
    char ctype[256];
    pushcore_ua_body* body = NULL;

    CHECK(pushcore_ua_notifier_add_expected(n, "00:df:1e:00:4c:d0", 17, 0, 500) == 0);
    CHECK(pushcore_ua_notifier_is_expected(n, "MAC:00DF1E004CD0", 16) == 1);
    CHECK(pushcore_ua_notifier_add_expected(n, "ff00000036c5", 12, 0, 5000) == 0);
    CHECK(pushcore_ua_notifier_is_enrolled(n, "MAC:FF00000036C5", 16) == 0);

    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)kPnpSubscribe, strlen(kPnpSubscribe), 0,
                                       "10.1.1.44", 9, 5060, 1000) == 0);
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 1);
    CHECK(memcmp(data, "SIP/2.0 200", 11) == 0 && flow == 0);
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 1);
    CHECK(memcmp(data, "NOTIFY ", 7) == 0);
    CHECK(header(data, len, "Content-Type", ctype, sizeof ctype));
    CHECK(strcmp(ctype, "application/url") == 0);
    for (i = 0; i + 4 <= len; ++i)
        if (memcmp(data + i, "\r\n\r\n", 4) == 0) break;
    CHECK(pushcore_ua_body_parse(&body, ctype, strlen(ctype), data + i + 4, len - i - 4, 0, 0) ==
          0);
    CHECK(pushcore_ua_body_form(body) == PUSHCORE_UA_BODY_URL);
    CHECK(pushcore_ua_body_part_str(body, 0, PUSHCORE_UA_FIELD_URL, &s, &slen) == 1 &&
          strcmp(s, "http://www.example.com/devices/ff00000036c5") == 0);
    pushcore_ua_body_free(body);

    CHECK(pushcore_ua_notifier_is_enrolled(n, "MAC:FF00000036C5", 16) == 1);
    {
        int saw_enrolled = 0, saw_subscribed = 0;
        while (pushcore_ua_notifier_next_event(n, &ev) == 1) {
            if (pushcore_event_type(ev) == PUSHCORE_EVENT_UA_NOTIFIER_ENROLLED) {
                saw_enrolled = 1;
                CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_IDENTITY, &s, &slen) == 1 &&
                      strcmp(s, "MAC:FF00000036C5") == 0);
            }
            if (pushcore_event_type(ev) == PUSHCORE_EVENT_UA_NOTIFIER_SUBSCRIBED)
                saw_subscribed = 1;
        }
        CHECK(saw_enrolled && saw_subscribed);
    }

    /* The NOTIFY cannot be sent: the subscription ends, no_response. */
    CHECK(pushcore_ua_notifier_output_failed(n, 1200) == 0);
    CHECK(pushcore_ua_notifier_next_event(n, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_NOTIFIER_TERMINATED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_END_REASON, &v) == 1 &&
          v == PUSHCORE_UA_END_NO_RESPONSE);
    CHECK(pushcore_ua_notifier_output_failed(n, 1200) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_notifier_last_error(n, &s, NULL) == PUSHCORE_E_NOT_FOUND && s[0] != '\0');

    CHECK(pushcore_ua_notifier_remove_enrolled(n, "MAC:FF00000036C5", 16) == 1);
    CHECK(pushcore_ua_notifier_remove_enrolled(n, "MAC:FF00000036C5", 16) == 0);
    CHECK(pushcore_ua_notifier_remove_expected(n, "MAC:00DF1E004CD0", 16) == 1);
    CHECK(pushcore_ua_notifier_is_expected(n, "MAC:00DF1E004CD0", 16) == 0);
    pushcore_ua_notifier_free(n);
}

static void test_notifier_errors(void) {
    unsigned rnd = 0;
    pushcore_ua_notifier_config* cfg = NULL;
    pushcore_ua_notifier* n = NULL;
    const uint8_t* data;
    size_t len, off;
    uint64_t flow;
    const char* host;
    const char* reason;
    uint16_t port;
    const pushcore_event* ev;

    /* Config. */
    CHECK(pushcore_ua_notifier_config_new(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_notifier_config_free(NULL);
    CHECK(pushcore_ua_notifier_config_new(&cfg) == 0);
    CHECK(pushcore_ua_notifier_config_last_error(cfg, &reason, &off) == 0 && reason[0] == '\0');
    CHECK(pushcore_ua_notifier_config_set_contact(NULL, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_contact(cfg, NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_last_error(cfg, &reason, &off) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "contact: empty or control characters") == 0);
    CHECK(pushcore_ua_notifier_config_set_contact(cfg, "<sip:a\r\n>", 9) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_sent_by(NULL, "h", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_sent_by(cfg, "h h", 3) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_last_error(cfg, &reason, NULL) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "sent_by: must be host[:port]") == 0);
    CHECK(pushcore_ua_notifier_config_set_sent_by(cfg, "", 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_last_error(cfg, &reason, NULL) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "sent_by: must be host[:port]") == 0);
    CHECK(pushcore_ua_notifier_config_set_form(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_form(cfg, 7) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_form(cfg, PUSHCORE_UA_FORM_RFC6080) == 0);
    CHECK(pushcore_ua_notifier_config_set_u64(NULL, 1, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, 999, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_last_error(cfg, &reason, NULL) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "not a PUSHCORE_UA_NOTIFIER_* key") == 0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN, 2) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_MAX_SUBSCRIPTIONS, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_MAX_EXPIRES,
                                              (uint64_t)1 << 40) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN, 0) == 0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_ACCEPT_APPLICATION, 0) ==
          0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN_DIALOG, 1) ==
          0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_MAX_EXPECTED_DEVICES, 1) ==
          0);
    CHECK(pushcore_ua_notifier_config_set_u64(cfg, PUSHCORE_UA_NOTIFIER_DEFAULT_EXPIRES, 3600) ==
          0);
    CHECK(pushcore_ua_notifier_config_set_random(NULL, counter_random, &rnd) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_random(cfg, NULL, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_random(cfg, counter_random, &rnd) == 0);
    CHECK(pushcore_ua_notifier_config_set_lookup(NULL, lookup, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_lookup(cfg, NULL, NULL) == 0);
    CHECK(pushcore_ua_notifier_config_set_network_user_policy(NULL, policy, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_config_set_network_user_policy(cfg, NULL, NULL) == 0);
    CHECK(pushcore_ua_notifier_config_last_error(NULL, &reason, &off) ==
          PUSHCORE_E_INVALID_ARGUMENT);

    CHECK(pushcore_ua_notifier_new(NULL, cfg) == PUSHCORE_E_INVALID_ARGUMENT);
    n = (pushcore_ua_notifier*)&rnd;
    CHECK(pushcore_ua_notifier_new(&n, NULL) == PUSHCORE_E_INVALID_ARGUMENT && n == NULL);
    CHECK(pushcore_ua_notifier_new(&n, cfg) == 0 && n != NULL);
    pushcore_ua_notifier_config_free(cfg);
    pushcore_ua_notifier_free(NULL);

    /* Machine calls with NULL handles or pointers. */
    CHECK(pushcore_ua_notifier_receive(NULL, (const uint8_t*)"x", 1, 0, "h", 1, 1, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_receive(n, NULL, 0, 0, "h", 1, 1, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)"x", 1, 0, NULL, 1, 1, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_next_output(NULL, &data, &len, &flow, &host, &port) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, NULL, &port) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_next_event(NULL, &ev) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_next_event(n, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_next_deadline(NULL) == PUSHCORE_NO_DEADLINE);
    CHECK(pushcore_ua_notifier_next_deadline(n) == PUSHCORE_NO_DEADLINE);
    CHECK(pushcore_ua_notifier_on_timeout(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_on_timeout(n, 0) == 0);
    CHECK(pushcore_ua_notifier_output_failed(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_subscription_count(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_state_of(NULL, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_last_error(NULL, &reason, &off) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_add_expected(NULL, "x", 1, 0, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_add_expected(n, NULL, 1, 0, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_remove_expected(NULL, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_is_expected(NULL, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_is_enrolled(n, NULL, 2) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_remove_enrolled(NULL, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_profile_changed(NULL, 1, "x", 1, 0, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_str(NULL, 1, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_size(NULL, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_set_body(NULL, NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_profile_answer_query_text(NULL, 1, &reason, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);

    /* last_error reasons. */
    CHECK(pushcore_ua_notifier_profile_changed(n, 9, "x", 1, 0, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_last_error(n, &reason, &off) == PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "profile_type: not a PUSHCORE_UA_PROFILE_* value") == 0);
    CHECK(pushcore_ua_notifier_profile_changed(n, 1, "", 0, 0, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_last_error(n, &reason, &off) == PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "identity: empty") == 0);
    CHECK(pushcore_ua_notifier_profile_changed(n, 1, "x", 1, 2, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_last_error(n, &reason, &off) == PUSHCORE_E_INVALID_ARGUMENT &&
          strcmp(reason, "has_effective_by: 0 or 1") == 0);
    CHECK(pushcore_ua_notifier_add_expected(n, "not-a-device", 12, 0, 1) == PUSHCORE_E_SYNTAX);
    CHECK(pushcore_ua_notifier_last_error(n, &reason, &off) == PUSHCORE_E_SYNTAX &&
          reason[0] != '\0');
    CHECK(pushcore_ua_notifier_add_expected(n, "MAC:00DF1E004CD0", 16, 5, 1) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_notifier_add_expected(n, "MAC:00DF1E004CD0", 16, 0, 1) == 0);
    CHECK(pushcore_ua_notifier_last_error(n, &reason, &off) == 0 && reason[0] == '\0');
    CHECK(pushcore_ua_notifier_add_expected(n, "MAC:00DF1E004CD1", 16, 0, 1) ==
          PUSHCORE_E_LIMIT_STORE);
    /* Broken bytes: a parse error with reason. */
    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)"garbage\r\n\r\n", 11, 0, "h", 1, 1, 0) <
          0);
    CHECK(pushcore_ua_notifier_last_error(n, &reason, &off) < 0 && reason[0] != '\0');
    /* An unknown device refused (accept_unknown 0): a response still goes out. */
    CHECK(pushcore_ua_notifier_receive(n, (const uint8_t*)kPnpSubscribe, strlen(kPnpSubscribe), 0,
                                       "10.1.1.44", 9, 5060, 0) <= 0);
    CHECK(pushcore_ua_notifier_next_output(n, &data, &len, &flow, &host, &port) == 1);
    CHECK(len > 8 && memcmp(data, "SIP/2.0 ", 8) == 0 && memcmp(data, "SIP/2.0 200", 11) != 0);
    pushcore_ua_notifier_free(n);
}

/* ---- the subscriber ------------------------------------------------------------------- */

/* Deterministic stand-in for SHA-1: out[i] = sum of the bytes + i. Counts its calls. */
static int hash_calls = 0;
static int fake_sha1(void* ctx, const uint8_t* data, size_t len, uint8_t out20[20]) {
    unsigned sum = 0, i;
    size_t k;
    (void)ctx;
    ++hash_calls;
    for (k = 0; k < len; ++k) sum += data[k];
    for (i = 0; i < 20; ++i) out20[i] = (uint8_t)(sum + i);
    return 0;
}

static void fake_hex(const char* content, char out[41]) {
    static const char* hex = "0123456789abcdef";
    uint8_t d[20];
    int i;
    fake_sha1(NULL, (const uint8_t*)content, strlen(content), d);
    --hash_calls;
    for (i = 0; i < 20; ++i) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[40] = '\0';
}

/* The NOTIFY body of the draft's 7.12. */
static const char* kDraftNotifyBody =
    "--boundary42\r\n"
    "Content-Type: message/external-body;\r\n"
    "      access-type=\"URL\";\r\n"
    "      expiration=\"Mon, 24 June 2002 09:00:00 GMT\";\r\n"
    "      URL=\"http://www.example.com/devices/ff00000036c5\";\r\n"
    "      size=1234\r\n"
    "\r\n"
    "Content-Type: application/x-z100-device-profile\r\n"
    "Content-ID: <39EHF78SA@example.com>\r\n"
    "\r\n"
    "--boundary42--\r\n";

/* The draft's 7.12 NOTIFY in the dialog of `subscribe` (its Call-ID, its From as To), with
 * the Subscription-State RFC 3265 requires and the draft's example leaves out. */
static size_t draft_notify(const uint8_t* subscribe, size_t len, unsigned cseq,
                           const char* content_type, const char* body, char* out, size_t cap) {
    char from[256], call[128];
    int w;
    CHECK(header(subscribe, len, "From", from, sizeof from));
    CHECK(header(subscribe, len, "Call-ID", call, sizeof call));
    w = snprintf(out, cap,
                 "NOTIFY sip:MAC%%3aFF00000036C5@10.1.1.44 SIP/2.0\r\n"
                 "Event: ua-profile;effective-by=3600\r\n"
                 "From: sip:MAC%%3aFF00000036C5@acme.example.com;tag=abcd\r\n"
                 "To: %s\r\n"
                 "Call-ID: %s\r\n"
                 "CSeq: %u NOTIFY\r\n"
                 "Via: SIP/2.0/UDP 192.168.0.3;\r\n"
                 "      branch=z9hG4bK1e3effada91dc37fd5a0c95cbf%u\r\n"
                 "Contact: <sip:192.168.0.3>\r\n"
                 "Subscription-State: active;expires=86400\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: %s\r\n"
                 "Content-Length: %u\r\n\r\n%s",
                 from, call, cseq, cseq, content_type, (unsigned)strlen(body), body);
    CHECK(w > 0 && (size_t)w < cap);
    return (size_t)w;
}

static pushcore_ua_subscriber_config* subscriber_config(unsigned* rnd) {
    pushcore_ua_subscriber_config* cfg = NULL;
    CHECK(pushcore_ua_subscriber_config_new(&cfg) == 0);
    CHECK(pushcore_ua_subscriber_config_set_profile_type(cfg, PUSHCORE_UA_PROFILE_DEVICE, NULL,
                                                         0) == 0);
    CHECK(pushcore_ua_subscriber_config_set_form(cfg, PUSHCORE_UA_FORM_DRAFT08) == 0);
#define SET(key, text) \
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, key, text, strlen(text)) == 0)
    SET(PUSHCORE_UA_SUBSCRIBER_STR_REQUEST_URI, "sip:MAC%3aFF00000036C5@acme.example.com");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_CONTACT, "sip:MAC%3aFF00000036C5@10.1.1.44");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_TRANSPORT, "TCP");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_SENT_BY, "10.1.1.41");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_VENDOR, "vendor.example.com");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_MODEL, "Z100");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_VERSION, "1.2.3");
    SET(PUSHCORE_UA_SUBSCRIBER_STR_USER_AGENT, "Z100/1.2.3");
#undef SET
    CHECK(pushcore_ua_subscriber_config_add_accept(cfg, "application/x-z100-device-profile", 33) ==
          0);
    CHECK(pushcore_ua_subscriber_config_set_u64(cfg, PUSHCORE_UA_SUBSCRIBER_EXPIRES, 86400) == 0);
    CHECK(pushcore_ua_subscriber_config_set_u64(cfg, PUSHCORE_UA_SUBSCRIBER_REFRESH_MARGIN, 600) ==
          0);
    CHECK(pushcore_ua_subscriber_config_set_random(cfg, counter_random, rnd) == 0);
    CHECK(pushcore_ua_subscriber_config_set_hash(cfg, fake_sha1, NULL) == 0);
    return cfg;
}

static void test_subscriber_exchange(void) {
    unsigned rnd = 0;
    pushcore_ua_subscriber_config* cfg = subscriber_config(&rnd);
    pushcore_ua_subscriber* s = NULL;
    const uint8_t* data;
    size_t len, slen;
    uint8_t sub[2048];
    size_t sub_len;
    char via[256], from[256], to[256], call[128], cseq[64], hv[64], msg[4096], body[1024];
    char digest[41];
    const pushcore_event* ev;
    const char* str;
    uint64_t v;
    int w;

    CHECK(pushcore_ua_subscriber_new(&s, cfg) == 0);
    pushcore_ua_subscriber_config_free(cfg); /* the subscriber keeps a copy */
    CHECK(pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_IDLE);
    CHECK(pushcore_ua_subscriber_sub_state(s) == PUSHCORE_UA_SUBSTATE_NONE);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, NULL, 0, PUSHCORE_UA_FIELD_URL, &str,
                                                     &slen) == 0);

    /* start -> the SUBSCRIBE of 7.12. */
    CHECK(pushcore_ua_subscriber_start(s, 0) == 0);
    CHECK(pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBING);
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 1);
    CHECK(len < sizeof sub);
    memcpy(sub, data, len);
    sub_len = len;
    CHECK(memcmp(sub, "SUBSCRIBE sip:MAC%3aFF00000036C5@acme.example.com SIP/2.0\r\n", 59) == 0);
    CHECK(header(sub, sub_len, "Event", hv, sizeof hv));
    CHECK(contains(sub, sub_len,
                   "Event: ua-profile;profile-type=device;vendor=\"vendor.example.com\";"
                   "model=\"Z100\";version=\"1.2.3\""));
    CHECK(
        contains(sub, sub_len, "Accept: message/external-body, application/x-z100-device-profile"));
    CHECK(contains(sub, sub_len, "Expires: 86400"));
    CHECK(contains(sub, sub_len, "User-Agent: Z100/1.2.3"));
    CHECK(contains(sub, sub_len, "Via: SIP/2.0/TCP 10.1.1.41;branch=z9hG4bK"));
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 0);
    CHECK(pushcore_ua_subscriber_start(s, 0) == PUSHCORE_E_INVALID_STATE);

    /* The notifier's 200. */
    CHECK(header(sub, sub_len, "Via", via, sizeof via));
    CHECK(header(sub, sub_len, "From", from, sizeof from));
    CHECK(header(sub, sub_len, "To", to, sizeof to));
    CHECK(header(sub, sub_len, "Call-ID", call, sizeof call));
    CHECK(header(sub, sub_len, "CSeq", cseq, sizeof cseq));
    w = snprintf(msg, sizeof msg,
                 "SIP/2.0 200 OK\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=abcd\r\nCall-ID: %s\r\n"
                 "CSeq: %s\r\nExpires: 3600\r\nContact: <sip:192.168.0.3>\r\n"
                 "Content-Length: 0\r\n\r\n",
                 via, from, to, call, cseq);
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)msg, (size_t)w, 100) == 0);
    CHECK(pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBED);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_SUBSCRIBED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v) == 1 && v == 200);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_EXPIRES, &v) == 1 && v == 3600);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 0);
    /* The refresh is due before the granted hour ends. */
    CHECK(pushcore_ua_subscriber_next_deadline(s) > 100 &&
          pushcore_ua_subscriber_next_deadline(s) < 100 + 3600 * 1000);
    /* A second 200 answers nothing in flight. */
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)msg, (size_t)w, 150) ==
          PUSHCORE_E_UNEXPECTED_MESSAGE);

    /* The draft's 7.12 NOTIFY -> 200, a fetch with its URL and Content-ID, apply_by. */
    len = draft_notify(sub, sub_len, 321, "multipart/mixed; boundary=boundary42", kDraftNotifyBody,
                       msg, sizeof msg);
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)msg, len, 10000) == 0);
    CHECK(pushcore_ua_subscriber_sub_state(s) == PUSHCORE_UA_SUBSTATE_ACTIVE);
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 1);
    CHECK(len > 11 && memcmp(data, "SIP/2.0 200", 11) == 0);
    CHECK(contains(data, len, "CSeq: 321 NOTIFY"));
    CHECK(contains(data, len, call));
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_URL, &str, &slen) == 1 &&
          strcmp(str, "http://www.example.com/devices/ff00000036c5") == 0);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_CONTENT_ID, &str, &slen) == 1 &&
          strcmp(str, "39EHF78SA@example.com") == 0 && slen == 21);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_CONTENT_TYPE, &str, &slen) == 1 &&
          strcmp(str, "application/x-z100-device-profile") == 0);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_SIZE, &v) == 1 && v == 1234);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_APPLY_BY, &v) == 1 && v == 10000 + 3600000);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_HASH, &str, &slen) == 0);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_BY);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_APPLY_BY, &v) == 1 && v == 10000 + 3600000);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 0);
    CHECK(pushcore_ua_subscriber_pending_fetches(s) == 1);

    /* The host fetched it: profile_ready, and it is current. */
    CHECK(pushcore_ua_subscriber_on_fetched(s, "nobody@example.com", 18, (const uint8_t*)"x", 1,
                                            10500) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_subscriber_on_fetched(s, "39EHF78SA@example.com", 21,
                                            (const uint8_t*)"<device-profile/>", 17, 11000) == 0);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE_READY);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_CONTENT_ID, &str, &slen) == 1 &&
          strcmp(str, "39EHF78SA@example.com") == 0);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_CONTENT_TYPE, &str, &slen) == 1 &&
          strcmp(str, "application/x-z100-device-profile") == 0);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_URL, &str, &slen) == 1 &&
          strcmp(str, "http://www.example.com/devices/ff00000036c5") == 0);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_HASH_CHECK, &v) == 1 &&
          v == PUSHCORE_UA_HASH_NOT_GIVEN);
    CHECK(pushcore_ua_subscriber_pending_fetches(s) == 0);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, NULL, 0, PUSHCORE_UA_FIELD_URL, &str,
                                                     &slen) == 1 &&
          strcmp(str, "http://www.example.com/devices/ff00000036c5") == 0);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, "application/x-z100-device-profile", 33,
                                                     PUSHCORE_UA_FIELD_CONTENT_ID, &str,
                                                     &slen) == 1 &&
          strcmp(str, "39EHF78SA@example.com") == 0);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, "text/plain", 10, PUSHCORE_UA_FIELD_URL,
                                                     &str, &slen) == 0);
    CHECK(pushcore_ua_subscriber_current_profile_body(s, NULL, 0, &data, &len) == 1 && len == 17 &&
          memcmp(data, "<device-profile/>", 17) == 0);
    CHECK(pushcore_ua_subscriber_current_profile_apply_by(s, NULL, 0, &v) == 1 &&
          v == 10000 + 3600000);
    CHECK(hash_calls == 0);

    /* A second NOTIFY with a new Content-ID and a hash: the hash callback checks it. */
    fake_hex("<profile-2/>", digest);
    w = snprintf(body, sizeof body,
                 "--b1\r\nContent-Type: message/external-body; access-type=\"URL\";\r\n"
                 " URL=\"http://cfg.example.com/p2\";\r\n hash=%s\r\n\r\n"
                 "Content-Type: application/x-z100-device-profile\r\nContent-ID: <p2@x>\r\n"
                 "\r\n--b1--\r\n",
                 digest);
    CHECK(w > 0 && (size_t)w < sizeof body);
    len = draft_notify(sub, sub_len, 322, "multipart/mixed;boundary=b1", body, msg, sizeof msg);
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)msg, len, 20000) == 0);
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 1 &&
          memcmp(data, "SIP/2.0 200", 11) == 0);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_HASH, &str, &slen) == 1 &&
          strcmp(str, digest) == 0);
    while (pushcore_ua_subscriber_next_event(s, &ev) == 1) {
    }
    /* A failed fetch leaves the previous profile current; then the right bytes. */
    CHECK(pushcore_ua_subscriber_on_fetched(s, "p2@x", 4, (const uint8_t*)"<wrong/>", 8, 20100) ==
          0);
    CHECK(hash_calls == 1);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH_FAILED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_HASH_CHECK, &v) == 1 &&
          v == PUSHCORE_UA_HASH_MISMATCH);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, NULL, 0, PUSHCORE_UA_FIELD_CONTENT_ID, &str,
                                                     &slen) == 1 &&
          strcmp(str, "39EHF78SA@example.com") == 0);

    /* The apply_due deadline, cancelled by applied(). */
    CHECK(pushcore_ua_subscriber_applied(s) == 0);
    CHECK(pushcore_ua_subscriber_on_timeout(s, 20200) == 0);

    /* stop -> an Expires 0 SUBSCRIBE. */
    CHECK(pushcore_ua_subscriber_stop(s, 30000) == 0);
    CHECK(pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_UNSUBSCRIBING);
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 1);
    CHECK(memcmp(data, "SUBSCRIBE ", 10) == 0 && contains(data, len, "Expires: 0"));
    pushcore_ua_subscriber_free(s);
}

static void test_subscriber_errors(void) {
    unsigned rnd = 0;
    pushcore_ua_subscriber_config* cfg = subscriber_config(&rnd);
    pushcore_ua_subscriber* s = NULL;
    const char* reason;
    size_t offset, len;
    const uint8_t* data;
    const pushcore_event* ev;
    const char* str;
    uint64_t v;

    /* NULL handles. */
    pushcore_ua_subscriber_config_free(NULL);
    pushcore_ua_subscriber_free(NULL);
    CHECK(pushcore_ua_subscriber_config_new(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_str(NULL, 1, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_u64(NULL, 1, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_form(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_profile_type(NULL, 1, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_add_accept(NULL, "a/b", 3) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_random(NULL, counter_random, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_random(cfg, NULL, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_hash(NULL, fake_sha1, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_last_error(NULL, &reason, &offset) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_new(NULL, cfg) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_new(&s, NULL) == PUSHCORE_E_INVALID_ARGUMENT && s == NULL);
    CHECK(pushcore_ua_subscriber_start(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_stop(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_receive(NULL, (const uint8_t*)"x", 1, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_on_fetched(NULL, "a", 1, NULL, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_on_fetch_failed(NULL, "a", 1, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_applied(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_next_output(NULL, &data, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_next_event(NULL, &ev) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_next_deadline(NULL) == PUSHCORE_NO_DEADLINE);
    CHECK(pushcore_ua_subscriber_on_timeout(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_state(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_sub_state(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_pending_fetches(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_str(NULL, NULL, 0, 1, &str, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_body(NULL, NULL, 0, &data, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_apply_by(NULL, NULL, 0, &v) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_last_error(NULL, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);

    /* Refused settings, each with a reason. */
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, 99, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_last_error(cfg, &reason, &offset) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strstr(reason, "PUSHCORE_UA_SUBSCRIBER_STR_") != NULL);
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_VENDOR, "a\r\nb",
                                                4) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_VENDOR, NULL, 2) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_TRANSPORT, "", 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_u64(cfg, 42, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_u64(cfg, PUSHCORE_UA_SUBSCRIBER_EXPIRES,
                                                (uint64_t)1 << 33) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_form(cfg, 7) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_profile_type(cfg, 0, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_profile_type(cfg, PUSHCORE_UA_PROFILE_OTHER, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_set_profile_type(cfg, PUSHCORE_UA_PROFILE_DEVICE, "user",
                                                         4) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_add_accept(cfg, "nonsense", 8) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_config_add_accept(cfg, NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);

    /* A config the machine refuses: new fails, out stays NULL, the config says why. */
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_VENDOR, "", 0) ==
          0);
    CHECK(pushcore_ua_subscriber_new(&s, cfg) == PUSHCORE_E_INVALID_ARGUMENT && s == NULL);
    CHECK(pushcore_ua_subscriber_config_last_error(cfg, &reason, &offset) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strstr(reason, "vendor") != NULL);
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_VENDOR, "v", 1) ==
          0);
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_REQUEST_URI,
                                                "not a uri", 9) == 0);
    CHECK(pushcore_ua_subscriber_new(&s, cfg) != 0 && s == NULL);
    CHECK(pushcore_ua_subscriber_config_set_str(cfg, PUSHCORE_UA_SUBSCRIBER_STR_REQUEST_URI,
                                                "sip:MAC%3aFF00000036C5@acme.example.com",
                                                39) == 0);
    CHECK(pushcore_ua_subscriber_config_set_hash(cfg, NULL, NULL) == 0); /* the default */
    CHECK(pushcore_ua_subscriber_new(&s, cfg) == 0 && s != NULL);
    pushcore_ua_subscriber_config_free(cfg);

    /* Invalid calls on a machine. */
    CHECK(pushcore_ua_subscriber_stop(s, 0) == PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_subscriber_last_error(s, &reason, &offset) == PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_subscriber_receive(s, NULL, 0, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)"garbage\r\n\r\n", 11, 0) < 0);
    CHECK(pushcore_ua_subscriber_last_error(s, &reason, &offset) < 0 && reason[0] != '\0');
    CHECK(pushcore_ua_subscriber_on_fetched(s, "a", 1, NULL, 3, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_on_fetched(s, NULL, 1, NULL, 0, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_on_fetch_failed(s, "a", 1, 0) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_subscriber_next_output(s, NULL, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_next_event(s, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, NULL, 0, 99, &str, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_str(s, NULL, 3, PUSHCORE_UA_FIELD_URL, &str,
                                                     &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_body(s, NULL, 0, NULL, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_apply_by(s, NULL, 0, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_subscriber_current_profile_apply_by(s, NULL, 0, &v) == 0);
    CHECK(pushcore_ua_subscriber_next_deadline(s) == PUSHCORE_NO_DEADLINE);

    /* No answer: Timer F gives a failed event with 408 (UDP retransmits first). */
    CHECK(pushcore_ua_subscriber_start(s, 0) == 0);
    CHECK(pushcore_ua_subscriber_last_error(s, &reason, &offset) == 0 && reason[0] == '\0');
    while (pushcore_ua_subscriber_next_output(s, &data, &len) == 1) {
    }
    while (pushcore_ua_subscriber_next_deadline(s) != PUSHCORE_NO_DEADLINE &&
           pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBING)
        CHECK(pushcore_ua_subscriber_on_timeout(s, pushcore_ua_subscriber_next_deadline(s)) == 0);
    CHECK(pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_TERMINATED);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_FAILED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v) == 1 && v == 408);
    pushcore_ua_subscriber_free(s);
}

/* Answers the SUBSCRIBE `sub` with `code` (and an Expires for a 2xx) into msg. */
static size_t subscribe_answer(const uint8_t* sub, size_t sub_len, int code, char* msg,
                               size_t cap) {
    char via[256], from[256], to[256], call[128], cseq[64];
    int w;
    CHECK(header(sub, sub_len, "Via", via, sizeof via));
    CHECK(header(sub, sub_len, "From", from, sizeof from));
    CHECK(header(sub, sub_len, "To", to, sizeof to));
    CHECK(header(sub, sub_len, "Call-ID", call, sizeof call));
    CHECK(header(sub, sub_len, "CSeq", cseq, sizeof cseq));
    w = snprintf(msg, cap,
                 "SIP/2.0 %d X\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\n"
                 "CSeq: %s\r\n%sContent-Length: 0\r\n\r\n",
                 code, via, from, to, strstr(to, "tag=") ? "" : ";tag=abcd", call, cseq,
                 code < 300 ? "Expires: 3600\r\nContact: <sip:192.168.0.3>\r\n" : "");
    return w > 0 ? (size_t)w : 0;
}

/* RFC 3265 3.1.4.2: a refresh refused (not 481) leaves the subscription until its expiry. */
static void test_subscriber_refresh_failed(void) {
    unsigned rnd = 0;
    pushcore_ua_subscriber_config* cfg = subscriber_config(&rnd);
    pushcore_ua_subscriber* s = NULL;
    const pushcore_event* ev;
    const uint8_t* data;
    size_t len, n;
    uint8_t sub[2048];
    char msg[4096];
    uint64_t v;

    CHECK(pushcore_ua_subscriber_new(&s, cfg) == 0);
    pushcore_ua_subscriber_config_free(cfg);
    CHECK(pushcore_ua_subscriber_start(s, 0) == 0);
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 1 && len < sizeof sub);
    memcpy(sub, data, len);
    n = subscribe_answer(sub, len, 200, msg, sizeof msg);
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)msg, n, 0) == 0);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    /* The refresh, 600 s (the margin) before the 3600 s run out, answered 503. */
    CHECK(pushcore_ua_subscriber_next_deadline(s) == 3000000);
    CHECK(pushcore_ua_subscriber_on_timeout(s, 3000000) == 0);
    CHECK(pushcore_ua_subscriber_next_output(s, &data, &len) == 1 && len < sizeof sub);
    memcpy(sub, data, len);
    n = subscribe_answer(sub, len, 503, msg, sizeof msg);
    CHECK(pushcore_ua_subscriber_receive(s, (const uint8_t*)msg, n, 3000000) == 0);
    CHECK(pushcore_ua_subscriber_next_event(s, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_SUBSCRIBER_REFRESH_FAILED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v) == 1 && v == 503);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_EXPIRES, &v) == 1 && v == 600);
    CHECK(pushcore_ua_subscriber_state(s) == PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBED);
    CHECK(pushcore_ua_subscriber_next_deadline(s) == 3300000); /* tried again halfway */
    pushcore_ua_subscriber_free(s);
}

/* ---- discovery ---------------------------------------------------------------------------- */

/* The next event must be a SUBSCRIBE to `uri` for `profile` from `source`. */
static void expect_subscribe(pushcore_ua_discovery* d, const char* uri, int32_t profile,
                             int32_t source) {
    const pushcore_event* ev;
    const char* s;
    size_t len;
    uint64_t v;
    int32_t cur_profile = 0, cur_source = 0;
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_SUBSCRIBE);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_URI, &s, &len) == 1 && strcmp(s, uri) == 0);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_PROFILE_TYPE, &v) == 1 &&
          v == (uint64_t)profile);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_UA_SOURCE, &v) == 1 && v == (uint64_t)source);
    CHECK(pushcore_ua_discovery_current(d, &cur_profile, &cur_source, &s, &len) == 1);
    CHECK(strcmp(s, uri) == 0 && len == strlen(uri));
    CHECK(cur_profile == profile && cur_source == source);
}

/* The next event must be profile_unavailable with `code`. */
static void expect_unavailable(pushcore_ua_discovery* d, uint64_t code) {
    const pushcore_event* ev;
    uint64_t v;
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_PROFILE_UNAVAILABLE);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v) == 1 && v == code);
}

static void test_discovery_order(void) {
    pushcore_ua_discovery_config* cfg = NULL;
    pushcore_ua_discovery* d = NULL;
    const pushcore_event* ev;
    const char* s;
    size_t len;
    uint64_t v;

    CHECK(pushcore_ua_discovery_config_new(&cfg) == 0);
    CHECK(pushcore_ua_discovery_config_set_device(cfg, "00:df:1e:00:4c:d0", 17) == 0);
    CHECK(pushcore_ua_discovery_config_set_form(cfg, PUSHCORE_UA_FORM_DRAFT08) == 0);
    CHECK(pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_CACHED_DEVICE_URI,
                                               "sip:MAC%3a00DF1E004CD0@cache.example.com",
                                               40) == 0);
    CHECK(pushcore_ua_discovery_config_add_dhcp_sip_server(cfg, "proxy1.example.com", 18) == 0);
    CHECK(pushcore_ua_discovery_config_add_dhcp_sip_server(cfg, "192.0.2.5:5070", 14) == 0);
    CHECK(pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_DHCP_DOMAIN,
                                               "boston.example.com", 18) == 0);
    CHECK(pushcore_ua_discovery_config_set_application_profile(cfg, 1) == 0);
    CHECK(pushcore_ua_discovery_new(&d, cfg) == 0);
    pushcore_ua_discovery_config_free(cfg);

    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_IDLE);
    CHECK(pushcore_ua_discovery_current(d, NULL, NULL, NULL, NULL) == 0);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_TIMEOUT, 0) ==
          PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_discovery_start(d) == 0);
    CHECK(pushcore_ua_discovery_start(d) == PUSHCORE_E_INVALID_STATE);

    /* 8.1.1: the local-network profile first, at the local domain. */
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@boston.example.com",
                     PUSHCORE_UA_PROFILE_LOCAL_NETWORK, PUSHCORE_UA_SOURCE_LOCAL_DOMAIN);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 0);
    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_LOCAL_NETWORK);
    CHECK(pushcore_ua_discovery_remaining_device_candidates(d) == 5);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_FAILURE, 404) == 0);
    expect_unavailable(d, 404);

    /* 8.1.2: the cached URI, the option 120 servers in order, the local domain,
     * sipuaconfig., each after the previous failed or went unanswered. */
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@cache.example.com", PUSHCORE_UA_PROFILE_DEVICE,
                     PUSHCORE_UA_SOURCE_CACHED);
    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_DEVICE);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_TIMEOUT, 0) == 0);
    expect_unavailable(d, 0);
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@proxy1.example.com", PUSHCORE_UA_PROFILE_DEVICE,
                     PUSHCORE_UA_SOURCE_DHCP_SIP_SERVER);
    /* 401/407 keep the candidate (8.1.2 item 1). */
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_FAILURE, 401) == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_AUTHORIZATION_REQUIRED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_CODE, &v) == 1 && v == 401);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_URI, &s, &len) == 1 &&
          strcmp(s, "sip:MAC%3a00DF1E004CD0@proxy1.example.com") == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 0);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_TIMEOUT, 0) == 0);
    expect_unavailable(d, 0);
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070", PUSHCORE_UA_PROFILE_DEVICE,
                     PUSHCORE_UA_SOURCE_DHCP_SIP_SERVER);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_FAILURE, 503) == 0);
    expect_unavailable(d, 503);
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@boston.example.com", PUSHCORE_UA_PROFILE_DEVICE,
                     PUSHCORE_UA_SOURCE_LOCAL_DOMAIN);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_FAILURE, 302) == 0);
    expect_unavailable(d, 302);
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@sipuaconfig.boston.example.com",
                     PUSHCORE_UA_PROFILE_DEVICE, PUSHCORE_UA_SOURCE_SIPUACONFIG);
    CHECK(pushcore_ua_discovery_remaining_device_candidates(d) == 0);

    /* Item 4: every candidate failed -> manual entry. */
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_TIMEOUT, 0) == 0);
    expect_unavailable(d, 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED);
    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_MANUAL_ENTRY);
    CHECK(pushcore_ua_discovery_current(d, NULL, NULL, NULL, NULL) == 0);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_TIMEOUT, 0) ==
          PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_discovery_manual_host(d, "bad host", 8) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_CANDIDATE_REJECTED);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_HOST, &s, &len) == 1 &&
          strcmp(s, "bad host") == 0);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_REASON, &s, &len) == 1 && len > 0);
    CHECK(pushcore_ua_discovery_manual_host(d, "pds.example.net", 15) == 0);
    expect_subscribe(d, "sip:MAC%3a00DF1E004CD0@pds.example.net", PUSHCORE_UA_PROFILE_DEVICE,
                     PUSHCORE_UA_SOURCE_MANUAL);

    /* Accepted with a profile: the URI to persist, then the AOR is needed (8.1.3). */
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_WITH_PROFILE, 0) == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI);
    CHECK(pushcore_event_str(ev, PUSHCORE_FIELD_UA_URI, &s, &len) == 1 &&
          strcmp(s, "sip:MAC%3a00DF1E004CD0@pds.example.net") == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_USER_AOR_REQUIRED);
    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_AWAITING_USER_AOR);
    CHECK(pushcore_ua_discovery_user_aor(d, "alice", 5) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_user_aor(d, "sip:alice@example.com", 21) == 0);
    expect_subscribe(d, "sip:alice@example.com", PUSHCORE_UA_PROFILE_USER,
                     PUSHCORE_UA_SOURCE_USER_AOR);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_WITH_PROFILE, 0) == 0);
    expect_subscribe(d, "sip:alice@example.com", PUSHCORE_UA_PROFILE_APPLICATION,
                     PUSHCORE_UA_SOURCE_USER_AOR);
    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_APPLICATION);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_WITHOUT_PROFILE, 0) == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_COMPLETE);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 0);
    CHECK(pushcore_ua_discovery_state(d) == PUSHCORE_UA_DISCOVERY_STATE_DONE);
    pushcore_ua_discovery_free(d);
}

static void test_discovery_errors(void) {
    pushcore_ua_discovery_config* cfg = NULL;
    pushcore_ua_discovery* d = NULL;
    const pushcore_event* ev;
    const char* reason;
    size_t offset;

    pushcore_ua_discovery_config_free(NULL);
    pushcore_ua_discovery_free(NULL);
    CHECK(pushcore_ua_discovery_config_new(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_device(NULL, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_form(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_str(NULL, 1, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_add_dhcp_sip_server(NULL, "x", 1) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_application_profile(NULL, 1) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_last_error(NULL, &reason, &offset) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_new(&d, NULL) == PUSHCORE_E_INVALID_ARGUMENT && d == NULL);
    CHECK(pushcore_ua_discovery_start(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_report(NULL, 1, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_manual_host(NULL, "h", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_user_aor(NULL, "sip:a@b", 7) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_next_event(NULL, &ev) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_state(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_current(NULL, NULL, NULL, NULL, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_remaining_device_candidates(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_last_error(NULL, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);

    CHECK(pushcore_ua_discovery_config_new(&cfg) == 0);
    CHECK(pushcore_ua_discovery_new(NULL, cfg) == PUSHCORE_E_INVALID_ARGUMENT);
    /* No device yet. */
    CHECK(pushcore_ua_discovery_new(&d, cfg) == PUSHCORE_E_INVALID_ARGUMENT && d == NULL);
    CHECK(pushcore_ua_discovery_config_last_error(cfg, &reason, &offset) ==
              PUSHCORE_E_INVALID_ARGUMENT &&
          strstr(reason, "device") != NULL);
    CHECK(pushcore_ua_discovery_config_set_device(cfg, "MAC:00DF1E004CDX", 16) ==
          PUSHCORE_E_SYNTAX);
    CHECK(pushcore_ua_discovery_config_last_error(cfg, &reason, &offset) == PUSHCORE_E_SYNTAX &&
          reason[0] != '\0' && offset == 15);
    CHECK(pushcore_ua_discovery_config_set_device(cfg, NULL, 3) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_form(cfg, 9) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_str(cfg, 77, "x", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_DHCP_DOMAIN, "a\nb",
                                               3) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_add_dhcp_sip_server(cfg, "", 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_config_set_application_profile(cfg, 2) ==
          PUSHCORE_E_INVALID_ARGUMENT);

    /* A UUID device, RFC 6080, no domain: the local-network profile is skipped and the
     * only device candidate left is manual entry. */
    CHECK(pushcore_ua_discovery_config_set_device(
              cfg, "urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6", 45) == 0);
    CHECK(pushcore_ua_discovery_config_set_form(cfg, PUSHCORE_UA_FORM_RFC6080) == 0);
    CHECK(pushcore_ua_discovery_config_set_str(cfg, PUSHCORE_UA_DISCOVERY_STR_USER_AOR,
                                               "sip:bob@example.com", 19) == 0);
    CHECK(pushcore_ua_discovery_new(&d, cfg) == 0);
    pushcore_ua_discovery_config_free(cfg);
    CHECK(pushcore_ua_discovery_next_event(d, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_manual_host(d, "h.example.com", 13) == PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_discovery_last_error(d, &reason, &offset) == PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_discovery_start(d) == 0);
    CHECK(pushcore_ua_discovery_last_error(d, &reason, &offset) == 0 && reason[0] == '\0');
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED);
    CHECK(pushcore_ua_discovery_manual_host(d, "pds.example.net", 15) == 0);
    expect_subscribe(d, "sip:urn%3auuid%3af81d4fae-7dec-11d0-a765-00a0c91e6bf6@pds.example.net",
                     PUSHCORE_UA_PROFILE_DEVICE, PUSHCORE_UA_SOURCE_MANUAL);
    CHECK(pushcore_ua_discovery_report(d, 42, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_last_error(d, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT &&
          strstr(reason, "kind") != NULL);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_FAILURE, 200) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_FAILURE, 70000) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    /* RFC 6080: no application profile after the user one. */
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_WITH_PROFILE, 0) == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI);
    expect_subscribe(d, "sip:bob@example.com", PUSHCORE_UA_PROFILE_USER,
                     PUSHCORE_UA_SOURCE_USER_AOR);
    CHECK(pushcore_ua_discovery_report(d, PUSHCORE_UA_OUTCOME_WITH_PROFILE, 0) == 0);
    CHECK(pushcore_ua_discovery_next_event(d, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_DISCOVERY_COMPLETE);
    pushcore_ua_discovery_free(d);
}

int main(void) {
    test_draft_exchange();
    test_plug_and_play();
    test_notifier_errors();
    test_subscriber_exchange();
    test_subscriber_errors();
    test_subscriber_refresh_failed();
    test_discovery_order();
    test_discovery_errors();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c_abi_ua_profile_machines: all checks passed\n");
    return 0;
}
