/* The ua-profile grammar through the C ABI only, as a C99 program sees it: the Event
 * header field (parse, getters, usage check, build), device identifiers and their
 * Request-URIs, and content-indirection NOTIFY bodies (parse and build), with the
 * examples of draft-ietf-sipping-config-framework-08 and every error path. */
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

/* Compares a reason and an offset, printing what was there when they differ. */
static int same_error(int line, const char* reason, size_t offset, const char* want_reason,
                      size_t want_offset) {
    if (reason && strcmp(reason, want_reason) == 0 && offset == want_offset) return 1;
    fprintf(stderr, "%s:%d: error was \"%s\" at %zu, want \"%s\" at %zu\n", __FILE__, line,
            reason ? reason : "(null)", offset, want_reason, want_offset);
    ++failures;
    return 0;
}
#define CHECK_ERROR(reason, offset, want_reason, want_offset) \
    same_error(__LINE__, reason, offset, want_reason, want_offset)

static int same_text(int line, const char* got, size_t len, const char* want) {
    if (got && len == strlen(want) && memcmp(got, want, len) == 0) return 1;
    fprintf(stderr, "%s:%d: text was \"%.*s\", want \"%s\"\n", __FILE__, line, got ? (int)len : 6,
            got ? got : "(null)", want);
    ++failures;
    return 0;
}
#define CHECK_TEXT(got, len, want) same_text(__LINE__, got, len, want)

/* ---- the Event header field ------------------------------------------------------------- */

static const char* event_text(pushcore_ua_event* ev, int32_t which) {
    const char* v = NULL;
    size_t len = 0;
    return pushcore_ua_event_text(ev, which, &v, &len) == 1 ? v : NULL;
}

static void test_event_parse(void) {
    /* Draft 7.2, the SUBSCRIBE example, folded as in a message. */
    const char* v =
        "ua-profile;profile-type=device;\r\n      vendor=\"vendor.example.com\";model=\"Z100\";"
        "version=\"1.2.3\"";
    pushcore_ua_event* ev = NULL;
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(ev != NULL);
    int32_t type = 0;
    const char* token = NULL;
    size_t len = 0;
    CHECK(pushcore_ua_event_profile_type(ev, &type, &token, &len) == 1);
    CHECK(type == PUSHCORE_UA_PROFILE_DEVICE);
    CHECK_TEXT(token, len, "device");
    CHECK(pushcore_ua_event_profile_type(ev, &type, NULL, NULL) == 1);
    const char* s = NULL;
    CHECK(pushcore_ua_event_text(ev, PUSHCORE_UA_TEXT_VENDOR, &s, &len) == 1);
    CHECK_TEXT(s, len, "vendor.example.com");
    CHECK(strcmp(event_text(ev, PUSHCORE_UA_TEXT_MODEL), "Z100") == 0);
    CHECK(strcmp(event_text(ev, PUSHCORE_UA_TEXT_VERSION), "1.2.3") == 0);
    CHECK(pushcore_ua_event_text(ev, PUSHCORE_UA_TEXT_NETWORK_USER, &s, &len) == 0);
    uint32_t secs = 99;
    CHECK(pushcore_ua_event_effective_by(ev, &secs) == 0);
    CHECK(pushcore_ua_event_unknown_count(ev) == 0);
    const char* reason = "x";
    size_t offset = 9;
    CHECK(pushcore_ua_event_last_error(ev, &reason, &offset) == PUSHCORE_OK);
    CHECK_ERROR(reason, offset, "", 0);

    /* The usage table: a complete SUBSCRIBE; in a NOTIFY the four are ignored. */
    CHECK(pushcore_ua_event_check(ev, PUSHCORE_UA_METHOD_SUBSCRIBE, PUSHCORE_UA_FORM_DRAFT08) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_ignored_count(ev) == 0);
    CHECK(pushcore_ua_event_check(ev, PUSHCORE_UA_METHOD_NOTIFY, PUSHCORE_UA_FORM_DRAFT08) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_ignored_count(ev) == 4);
    const char* name = NULL;
    CHECK(pushcore_ua_event_ignored_at(ev, 0, &name) == PUSHCORE_OK &&
          strcmp(name, "profile-type") == 0);
    CHECK(pushcore_ua_event_ignored_at(ev, 3, &name) == PUSHCORE_OK &&
          strcmp(name, "version") == 0);
    CHECK(pushcore_ua_event_ignored_at(ev, 4, &name) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_event_ignored_at(ev, 0, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    /* Bad method and form. */
    CHECK(pushcore_ua_event_check(ev, 7, PUSHCORE_UA_FORM_DRAFT08) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_event_last_error(ev, &reason, &offset);
    CHECK_ERROR(reason, offset, "method: not a PUSHCORE_UA_METHOD_*", 0);
    CHECK(pushcore_ua_event_check(ev, PUSHCORE_UA_METHOD_NOTIFY, 7) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_ignored_count(ev) == 0);
    pushcore_ua_event_free(ev);

    /* Draft 7.2 NOTIFY example, and 8.1.1's local-network SUBSCRIBE. */
    v = "ua-profile;effective-by=3600";
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_effective_by(ev, &secs) == 1 && secs == 3600);
    CHECK(pushcore_ua_event_profile_type(ev, &type, &token, &len) == 0);
    CHECK(pushcore_ua_event_check(ev, PUSHCORE_UA_METHOD_NOTIFY, PUSHCORE_UA_FORM_RFC6080) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_ignored_count(ev) == 0);
    pushcore_ua_event_free(ev);

    v = "ua-profile;profile-type=local-network;  \r\n      network-user=\"sip:alice@example.com\"";
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_profile_type(ev, &type, &token, &len) == 1);
    CHECK(type == PUSHCORE_UA_PROFILE_LOCAL_NETWORK);
    CHECK(strcmp(event_text(ev, PUSHCORE_UA_TEXT_NETWORK_USER), "sip:alice@example.com") == 0);
    CHECK(pushcore_ua_event_check(ev, PUSHCORE_UA_METHOD_SUBSCRIBE, PUSHCORE_UA_FORM_DRAFT08) ==
          PUSHCORE_E_MISSING_HEADER);
    pushcore_ua_event_last_error(ev, &reason, &offset);
    CHECK_ERROR(reason, offset, "vendor: required in SUBSCRIBE", 0);
    pushcore_ua_event_free(ev);

    /* Other types, token values, escapes, unknown parameters. */
    v = "UA-Profile;profile-type=\"application\";vendor=acme;model=\"a\\\"b\";version=\"1\";x;"
        "y=\"q r\";z=3";
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_profile_type(ev, &type, &token, &len) == 1);
    CHECK(type == PUSHCORE_UA_PROFILE_APPLICATION);
    CHECK(strcmp(event_text(ev, PUSHCORE_UA_TEXT_VENDOR), "acme") == 0);
    CHECK(strcmp(event_text(ev, PUSHCORE_UA_TEXT_MODEL), "a\"b") == 0);
    CHECK(pushcore_ua_event_unknown_count(ev) == 3);
    const char *n = NULL, *val = NULL;
    size_t nlen = 0, vlen = 0;
    int32_t has = 7;
    CHECK(pushcore_ua_event_unknown_get(ev, 0, &n, &nlen, &val, &vlen, &has) == PUSHCORE_OK);
    CHECK_TEXT(n, nlen, "x");
    CHECK(has == 0 && vlen == 0 && val[0] == '\0');
    CHECK(pushcore_ua_event_unknown_get(ev, 1, &n, &nlen, &val, &vlen, &has) == PUSHCORE_OK);
    CHECK_TEXT(n, nlen, "y");
    CHECK_TEXT(val, vlen, "q r");
    CHECK(has == 1);
    CHECK(pushcore_ua_event_unknown_get(ev, 2, &n, NULL, &val, NULL, NULL) == PUSHCORE_OK);
    CHECK(strcmp(n, "z") == 0 && strcmp(val, "3") == 0);
    CHECK(pushcore_ua_event_unknown_get(ev, 3, &n, &nlen, &val, &vlen, &has) ==
          PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_event_unknown_get(ev, 0, NULL, &nlen, &val, &vlen, &has) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_unknown_get(ev, 0, &n, &nlen, NULL, &vlen, &has) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    /* RFC 6080 does not define application: accepted, and reported. */
    CHECK(pushcore_ua_event_check(ev, PUSHCORE_UA_METHOD_SUBSCRIBE, PUSHCORE_UA_FORM_RFC6080) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_ignored_count(ev) == 1);
    CHECK(pushcore_ua_event_ignored_at(ev, 0, &name) == PUSHCORE_OK &&
          strcmp(name, "profile-type=application") == 0);
    pushcore_ua_event_free(ev);

    v = "ua-profile;profile-type=printer";
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_profile_type(ev, &type, &token, &len) == 1);
    CHECK(type == PUSHCORE_UA_PROFILE_OTHER);
    CHECK_TEXT(token, len, "printer");
    pushcore_ua_event_free(ev);

    v = "ua-profile;profile-type=user";
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_profile_type(ev, &type, NULL, NULL) == 1);
    CHECK(type == PUSHCORE_UA_PROFILE_USER);
    pushcore_ua_event_free(ev);
}

static void test_event_errors(void) {
    struct {
        const char* value;
        int status;
        const char* reason;
        size_t offset;
    } cases[] = {
        {"", PUSHCORE_E_SYNTAX, "event-type expected (token)", 0},
        {"ua-profile x", PUSHCORE_E_SYNTAX, "';' expected between Event parameters", 11},
        {"ua-profile;profile-type=", PUSHCORE_E_SYNTAX, "profile-type: value expected", 24},
        {"ua-profile;profile-type=device;PROFILE-TYPE=user", PUSHCORE_E_SYNTAX,
         "profile-type: given twice", 31},
        {"ua-profile;x=\"a", PUSHCORE_E_SYNTAX, "unterminated quoted-string", 13},
        {"presence", PUSHCORE_E_NOT_FOUND, "event package is not ua-profile", 0},
        {"ua-profile.winfo", PUSHCORE_E_NOT_FOUND, "event package is not ua-profile", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        pushcore_ua_event* ev = NULL;
        CHECK(pushcore_ua_event_parse(&ev, cases[i].value, strlen(cases[i].value)) ==
              cases[i].status);
        CHECK(ev != NULL);
        const char* reason = NULL;
        size_t offset = 0;
        CHECK(pushcore_ua_event_last_error(ev, &reason, &offset) == cases[i].status);
        CHECK_ERROR(reason, offset, cases[i].reason, cases[i].offset);
        pushcore_ua_event_free(ev);
    }
    /* A failed parse keeps what it read before the error. */
    const char* v = "ua-profile;vendor=\"v\";effective-by=x";
    pushcore_ua_event* ev = NULL;
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_E_SYNTAX);
    CHECK(strcmp(event_text(ev, PUSHCORE_UA_TEXT_VENDOR), "v") == 0);
    pushcore_ua_event_free(ev);

    /* NULL arguments. */
    CHECK(pushcore_ua_event_parse(NULL, "ua-profile", 10) == PUSHCORE_E_INVALID_ARGUMENT);
    ev = (pushcore_ua_event*)&v; /* not NULL: the call must reset it */
    CHECK(pushcore_ua_event_parse(&ev, NULL, 3) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(ev == NULL);
    CHECK(pushcore_ua_event_parse(&ev, NULL, 0) == PUSHCORE_E_SYNTAX); /* empty text */
    pushcore_ua_event_free(ev);
    CHECK(pushcore_ua_event_new(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_event_free(NULL);
    int32_t type;
    const char* s;
    size_t len;
    uint32_t secs;
    CHECK(pushcore_ua_event_profile_type(NULL, &type, &s, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_text(NULL, PUSHCORE_UA_TEXT_VENDOR, &s, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_effective_by(NULL, &secs) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_unknown_count(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_unknown_get(NULL, 0, &s, &len, &s, &len, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_check(NULL, PUSHCORE_UA_METHOD_NOTIFY, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_ignored_count(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_ignored_at(NULL, 0, &s) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_set_profile_type(NULL, 1, NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_set_text(NULL, 1, "a", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_set_effective_by(NULL, 1, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_build(NULL, NULL, 0, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_last_error(NULL, &s, &len) == PUSHCORE_E_INVALID_ARGUMENT);

    CHECK(pushcore_ua_event_new(&ev) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_profile_type(ev, NULL, &s, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_text(ev, PUSHCORE_UA_TEXT_VENDOR, NULL, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_text(ev, 9, &s, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_effective_by(ev, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_build(ev, NULL, 5, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_build(ev, NULL, 0, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_event_free(ev);
}

static void test_event_build(void) {
    pushcore_ua_event* ev = NULL;
    CHECK(pushcore_ua_event_new(&ev) == PUSHCORE_OK);
    char buf[256];
    size_t n = 0;
    /* An empty event is the bare package. */
    CHECK(pushcore_ua_event_build(ev, buf, sizeof buf, &n) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "ua-profile");

    CHECK(pushcore_ua_event_set_profile_type(ev, PUSHCORE_UA_PROFILE_DEVICE, NULL, 0) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_VENDOR, "vendor.example.com", 18) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_MODEL, "Z100", 4) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_VERSION, "1.2.3", 5) == PUSHCORE_OK);
    const char* want =
        "ua-profile;profile-type=device;vendor=\"vendor.example.com\";model=\"Z100\";"
        "version=\"1.2.3\"";
    /* Sizing first: cap 0, out NULL. */
    CHECK(pushcore_ua_event_build(ev, NULL, 0, &n) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK(n == strlen(want));
    const char* reason = NULL;
    size_t offset = 1;
    CHECK(pushcore_ua_event_last_error(ev, &reason, &offset) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK_ERROR(reason, offset, "output buffer too small", 0);
    memset(buf, '#', sizeof buf);
    CHECK(pushcore_ua_event_build(ev, buf, n - 1, &n) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK(buf[0] == '#'); /* nothing written */
    CHECK(pushcore_ua_event_build(ev, buf, n, &n) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, want);

    /* Escaping, effective-by, a token of the caller's, removal. */
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_MODEL, "a\"b\\c", 5) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_effective_by(ev, 1, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_profile_type(ev, PUSHCORE_UA_PROFILE_DEVICE, "Device", 6) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_VENDOR, NULL, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_VERSION, NULL, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_build(ev, buf, sizeof buf, &n) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "ua-profile;profile-type=Device;model=\"a\\\"b\\\\c\";effective-by=0");
    /* ... and it reads back. */
    pushcore_ua_event* back = NULL;
    CHECK(pushcore_ua_event_parse(&back, buf, n) == PUSHCORE_OK);
    CHECK(strcmp(event_text(back, PUSHCORE_UA_TEXT_MODEL), "a\"b\\c") == 0);
    uint32_t secs = 9;
    CHECK(pushcore_ua_event_effective_by(back, &secs) == 1 && secs == 0);
    pushcore_ua_event_free(back);

    CHECK(pushcore_ua_event_set_effective_by(ev, 0, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_effective_by(ev, 2, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_event_set_profile_type(ev, 0, NULL, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_MODEL, NULL, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_profile_type(ev, PUSHCORE_UA_PROFILE_OTHER, "printer", 7) ==
          PUSHCORE_OK);
    CHECK(pushcore_ua_event_set_text(ev, PUSHCORE_UA_TEXT_NETWORK_USER, "sip:bob@example.com",
                                     19) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_build(ev, buf, sizeof buf, &n) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "ua-profile;profile-type=printer;network-user=\"sip:bob@example.com\"");

    /* Refusals, with their reasons. */
    struct {
        int32_t type;
        const char* token;
        const char* reason;
    } types[] = {
        {9, NULL, "profile-type: not a PUSHCORE_UA_PROFILE_*"},
        {PUSHCORE_UA_PROFILE_OTHER, NULL, "profile-type: OTHER needs a token"},
        {PUSHCORE_UA_PROFILE_OTHER, "device", "profile-type: the token names another type"},
        {PUSHCORE_UA_PROFILE_USER, "device", "profile-type: the token names another type"},
        {PUSHCORE_UA_PROFILE_OTHER, "a b", "profile-type: not a token"},
        {PUSHCORE_UA_PROFILE_OTHER, "", "profile-type: not a token"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; ++i) {
        CHECK(pushcore_ua_event_set_profile_type(ev, types[i].type, types[i].token,
                                                 types[i].token ? strlen(types[i].token) : 0) ==
              PUSHCORE_E_INVALID_ARGUMENT);
        CHECK(pushcore_ua_event_last_error(ev, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
        CHECK_ERROR(reason, offset, types[i].reason, 0);
    }
    struct {
        int32_t which;
        const char* value;
        const char* reason;
    } texts[] = {
        {9, "x", "which: not a PUSHCORE_UA_TEXT_*"},
        {PUSHCORE_UA_TEXT_VENDOR, "", "value: empty"},
        {PUSHCORE_UA_TEXT_VENDOR, "a\r\nb", "value: control character"},
        {PUSHCORE_UA_TEXT_NETWORK_USER, "bob", "network-user: not a quoted addr-spec"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; ++i) {
        CHECK(pushcore_ua_event_set_text(ev, texts[i].which, texts[i].value,
                                         strlen(texts[i].value)) == PUSHCORE_E_INVALID_ARGUMENT);
        CHECK(pushcore_ua_event_last_error(ev, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
        CHECK_ERROR(reason, offset, texts[i].reason, 0);
    }
    /* What was refused changed nothing. */
    CHECK(pushcore_ua_event_build(ev, buf, sizeof buf, &n) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "ua-profile;profile-type=printer;network-user=\"sip:bob@example.com\"");
    pushcore_ua_event_free(ev);

    /* A parsed event builds back with its unknown parameters. */
    const char* v = "ua-profile;profile-type=user;vendor=acme;x=1;y";
    CHECK(pushcore_ua_event_parse(&ev, v, strlen(v)) == PUSHCORE_OK);
    CHECK(pushcore_ua_event_build(ev, buf, sizeof buf, &n) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "ua-profile;profile-type=user;vendor=\"acme\";x=1;y");
    pushcore_ua_event_free(ev);
}

/* ---- device identifiers ------------------------------------------------------------------- */

typedef int (*device_fn)(const char*, size_t, char*, size_t, size_t*, const char**, size_t*);

static void check_device(int line, device_fn fn, const char* in, int want_status, const char* want,
                         size_t want_offset) {
    char buf[128];
    size_t n = 0, offset = 77;
    const char* reason = NULL;
    int r = fn(in, strlen(in), buf, sizeof buf, &n, &reason, &offset);
    if (r != want_status) {
        fprintf(stderr, "%s:%d: \"%s\" gave %d (%s at %zu), want %d\n", __FILE__, line, in, r,
                reason, offset, want_status);
        ++failures;
        return;
    }
    if (r == PUSHCORE_OK) {
        same_text(line, buf, n, want);
        same_error(line, reason, offset, "", 0);
    } else {
        same_error(line, reason, offset, want, want_offset);
    }
}
#define CHECK_DEVICE(fn, in, status, want, offset) \
    check_device(__LINE__, fn, in, status, want, offset)

static void test_device_ids(void) {
    device_fn mac = pushcore_ua_device_id_normalize_mac;
    CHECK_DEVICE(mac, "00:df:1e:00:4c:d0", PUSHCORE_OK, "MAC:00DF1E004CD0", 0);
    CHECK_DEVICE(mac, "00-DF-1E-00-4C-D0", PUSHCORE_OK, "MAC:00DF1E004CD0", 0);
    CHECK_DEVICE(mac, "00df.1e00.4cd0", PUSHCORE_OK, "MAC:00DF1E004CD0", 0);
    CHECK_DEVICE(mac, "mac:00DF1E004CD0", PUSHCORE_OK, "MAC:00DF1E004CD0", 0);
    CHECK_DEVICE(mac, "00DF1E004CD", PUSHCORE_E_SYNTAX, "fewer than 12 hex digits", 11);
    CHECK_DEVICE(mac, "00:DF-1E:00:4C:D0", PUSHCORE_E_SYNTAX, "mixed MAC separators", 5);
    CHECK_DEVICE(mac, "00DF1E004CG0", PUSHCORE_E_SYNTAX, "neither a hex digit nor a MAC separator",
                 10);

    device_fn uuid = pushcore_ua_device_id_parse_uuid;
    CHECK_DEVICE(uuid, "URN:UUID:F81D4FAE-7CED-11D0-A765-00A0C91E6BF6", PUSHCORE_OK,
                 "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6", 0);
    CHECK_DEVICE(uuid, "urn:uuid:", PUSHCORE_E_SYNTAX, "UUID shorter than 8-4-4-4-12", 9);

    device_fn to_uuid = pushcore_ua_device_id_mac_to_uuid;
    CHECK_DEVICE(to_uuid, "00:DF:1E:00:4C:D0", PUSHCORE_OK,
                 "urn:uuid:00000000-0000-1000-8000-00df1e004cd0", 0);
    CHECK_DEVICE(to_uuid, "MAC:", PUSHCORE_E_SYNTAX, "fewer than 12 hex digits", 4);

    /* Buffers: sizing, too small, NULL. */
    char buf[128];
    size_t n = 0, offset = 0;
    const char* reason = NULL;
    CHECK(mac("00DF1E004CD0", 12, NULL, 0, &n, &reason, &offset) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK(n == 16);
    CHECK_ERROR(reason, offset, "output buffer too small", 0);
    memset(buf, '#', sizeof buf);
    CHECK(mac("00DF1E004CD0", 12, buf, 15, &n, NULL, NULL) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK(n == 16 && buf[0] == '#');
    CHECK(mac("00DF1E004CD0", 12, buf, 16, &n, NULL, NULL) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "MAC:00DF1E004CD0");
    CHECK(mac(NULL, 3, buf, sizeof buf, &n, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR(reason, offset, "NULL pointer (or out NULL with cap > 0)", 0);
    CHECK(mac("x", 1, buf, sizeof buf, NULL, NULL, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(mac("x", 1, NULL, 4, &n, NULL, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(uuid(NULL, 0, buf, sizeof buf, &n, &reason, &offset) == PUSHCORE_E_SYNTAX);

    /* Request-URIs: draft 7.13.1 and 8.1.1 forms, deployed variants, user parts. */
    struct {
        const char* in;
        int32_t user_part;
        const char* id;
        int32_t kind, deployed;
        const char* host;
    } uris[] = {
        {"sip:MAC%3a00DF1E004CD0@airport.example.net", 0, "MAC:00DF1E004CD0",
         PUSHCORE_UA_DEVICE_MAC, 0, "airport.example.net"},
        {"sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com", 0,
         "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6", PUSHCORE_UA_DEVICE_UUID, 0,
         "example.com"},
        {"sip:MAC:00DF1E004CD0@example.com", 0, "MAC:00DF1E004CD0", PUSHCORE_UA_DEVICE_MAC, 1,
         "example.com"},
        {"sip:urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com", 0,
         "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6", PUSHCORE_UA_DEVICE_UUID, 1,
         "example.com"},
        {"MAC%3a00DF1E004CD0", 1, "MAC:00DF1E004CD0", PUSHCORE_UA_DEVICE_MAC, 0, ""},
        {"MAC=00df1e004cd0", 1, "MAC:00DF1E004CD0", PUSHCORE_UA_DEVICE_MAC, 1, ""},
    };
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; ++i) {
        int32_t kind = 0, deployed = 7;
        size_t host_at = 99, host_len = 99;
        const char* in = uris[i].in;
        CHECK(pushcore_ua_device_id_parse_uri(in, strlen(in), uris[i].user_part, buf, sizeof buf,
                                              &n, &kind, &deployed, &host_at, &host_len, &reason,
                                              &offset) == PUSHCORE_OK);
        CHECK_TEXT(buf, n, uris[i].id);
        CHECK(kind == uris[i].kind);
        CHECK(deployed == uris[i].deployed);
        if (*uris[i].host)
            CHECK_TEXT(in + host_at, host_len, uris[i].host);
        else
            CHECK(host_at == 0 && host_len == 0);
    }
    /* Errors: not a URI, bad escape, not a device id; offsets into the input. */
    const char* bad = "sip:alice@example.com";
    CHECK(pushcore_ua_device_id_parse_uri(bad, strlen(bad), 0, buf, sizeof buf, &n, NULL, NULL,
                                          NULL, NULL, &reason, &offset) == PUSHCORE_E_SYNTAX);
    CHECK_ERROR(reason, offset, "device ID must be MAC:<12 hex> or urn:uuid:<UUID>", 4);
    bad = "MAC%3";
    CHECK(pushcore_ua_device_id_parse_uri(bad, strlen(bad), 1, buf, sizeof buf, &n, NULL, NULL,
                                          NULL, NULL, &reason, &offset) == PUSHCORE_E_BAD_ESCAPE);
    bad = "http://example.com";
    CHECK(pushcore_ua_device_id_parse_uri(bad, strlen(bad), 0, buf, sizeof buf, &n, NULL, NULL,
                                          NULL, NULL, &reason, &offset) < 0);
    CHECK(pushcore_ua_device_id_parse_uri("MAC%3a00DF1E004CD0", 18, 2, buf, sizeof buf, &n, NULL,
                                          NULL, NULL, NULL, &reason,
                                          &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR(reason, offset, "is_user_part: not 0 or 1", 0);
    CHECK(pushcore_ua_device_id_parse_uri("MAC%3a00DF1E004CD0", 18, 1, buf, 3, &n, NULL, NULL, NULL,
                                          NULL, NULL, NULL) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK(n == 16);
    CHECK(pushcore_ua_device_id_parse_uri(NULL, 1, 1, buf, sizeof buf, &n, NULL, NULL, NULL, NULL,
                                          NULL, NULL) == PUSHCORE_E_INVALID_ARGUMENT);

    /* Building: draft 7.13.1, RFC 6080 (a MAC as its UUID), 7.13.3 local network. */
    CHECK(pushcore_ua_device_id_build_uri("00:df:1e:00:4c:d0", 17, "example.com", 11,
                                          PUSHCORE_UA_FORM_DRAFT08, buf, sizeof buf, &n, &reason,
                                          &offset) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "sip:MAC%3a00DF1E004CD0@example.com");
    CHECK(pushcore_ua_device_id_build_uri("MAC:00DF1E004CD0", 16, "example.com:5061", 16,
                                          PUSHCORE_UA_FORM_RFC6080, buf, sizeof buf, &n, &reason,
                                          &offset) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0@example.com:5061");
    CHECK(pushcore_ua_device_id_build_local_network_uri(
              "MAC:00DF1E004CD0", 16, "airport.example.net", 19, PUSHCORE_UA_FORM_DRAFT08, buf,
              sizeof buf, &n, &reason, &offset) == PUSHCORE_OK);
    CHECK_TEXT(buf, n, "sip:MAC%3a00DF1E004CD0@airport.example.net");
    CHECK(pushcore_ua_device_id_build_local_network_uri(
              "MAC:00DF1E004CD0", 16, "airport.example.net", 19, PUSHCORE_UA_FORM_DRAFT08, buf, 10,
              &n, &reason, &offset) == PUSHCORE_E_BUFFER_TOO_SMALL);
    CHECK(n == strlen("sip:MAC%3a00DF1E004CD0@airport.example.net"));
    /* Errors: a bad id (offset into it), a bad host, a bad form, NULL. */
    CHECK(pushcore_ua_device_id_build_uri("MAC:00DF1E004CD", 15, "example.com", 11,
                                          PUSHCORE_UA_FORM_DRAFT08, buf, sizeof buf, &n, &reason,
                                          &offset) == PUSHCORE_E_SYNTAX);
    CHECK(offset == 15);
    CHECK(pushcore_ua_device_id_build_uri("MAC:00DF1E004CD0", 16, "exa mple", 8,
                                          PUSHCORE_UA_FORM_DRAFT08, buf, sizeof buf, &n, &reason,
                                          &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(offset == 0 && reason && *reason);
    CHECK(pushcore_ua_device_id_build_local_network_uri(
              "MAC:00DF1E004CD0", 16, "", 0, PUSHCORE_UA_FORM_DRAFT08, buf, sizeof buf, &n, &reason,
              &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_device_id_build_uri("MAC:00DF1E004CD0", 16, "example.com", 11, 5, buf,
                                          sizeof buf, &n, &reason,
                                          &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR(reason, offset, "form: not a PUSHCORE_UA_FORM_*", 0);
    CHECK(pushcore_ua_device_id_build_uri("MAC:00DF1E004CD0", 16, NULL, 3, PUSHCORE_UA_FORM_DRAFT08,
                                          buf, sizeof buf, &n, &reason,
                                          &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_device_id_build_local_network_uri(NULL, 3, "x", 1, PUSHCORE_UA_FORM_DRAFT08,
                                                        buf, sizeof buf, &n, NULL,
                                                        NULL) == PUSHCORE_E_INVALID_ARGUMENT);
}

/* ---- NOTIFY bodies ------------------------------------------------------------------------- */

/* Draft section 7.12, with CRLF line endings. */
static const char draft_body[] =
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

static const char* part_str(pushcore_ua_body* b, size_t i, int32_t field) {
    const char* v = NULL;
    size_t len = 0;
    return pushcore_ua_body_part_str(b, i, field, &v, &len) == 1 ? v : NULL;
}

static void test_body_parse(void) {
    const char* type = "multipart/mixed; boundary=boundary42";
    pushcore_ua_body* b = NULL;
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), (const uint8_t*)draft_body,
                                 strlen(draft_body), 0, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_form(b) == PUSHCORE_UA_BODY_MULTIPART);
    CHECK(pushcore_ua_body_part_count(b) == 1);
    int32_t kind = 0;
    size_t offset = 99;
    CHECK(pushcore_ua_body_part_kind(b, 0, &kind, &offset) == PUSHCORE_OK);
    CHECK(kind == PUSHCORE_UA_PART_INDIRECT);
    CHECK(offset == strlen("--boundary42\r\n"));
    CHECK(pushcore_ua_body_part_kind(b, 0, &kind, NULL) == PUSHCORE_OK);
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_URL),
                 "http://www.example.com/devices/ff00000036c5") == 0);
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_CONTENT_TYPE),
                 "application/x-z100-device-profile") == 0);
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_CONTENT_ID), "39EHF78SA@example.com") == 0);
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_EXPIRATION), "Mon, 24 June 2002 09:00:00 GMT") ==
          0);
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_ACCESS_TYPE), "URL") == 0);
    CHECK(part_str(b, 0, PUSHCORE_UA_FIELD_HASH) == NULL);
    uint64_t size = 0;
    CHECK(pushcore_ua_body_part_size(b, 0, &size) == 1 && size == 1234);
    const uint8_t* data = NULL;
    size_t len = 0;
    CHECK(pushcore_ua_body_part_data(b, 0, &data, &len) == 0);
    const char* reason = "x";
    CHECK(pushcore_ua_body_last_error(b, &reason, &offset) == PUSHCORE_OK);
    CHECK_ERROR(reason, offset, "", 0);
    /* Out of range, bad field, NULL. */
    CHECK(pushcore_ua_body_part_kind(b, 1, &kind, NULL) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_body_part_str(b, 1, PUSHCORE_UA_FIELD_URL, &reason, &len) ==
          PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_body_part_size(b, 1, &size) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_body_part_data(b, 1, &data, &len) == PUSHCORE_E_NOT_FOUND);
    CHECK(pushcore_ua_body_part_str(b, 0, 0, &reason, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_str(b, 0, 7, &reason, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_str(b, 0, PUSHCORE_UA_FIELD_URL, NULL, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_kind(b, 0, NULL, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_size(b, 0, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_data(b, 0, NULL, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_data(b, 0, &data, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_body_free(b);

    /* application/url, and an inline profile. */
    type = "application/url";
    const char* body = "http://example.com/p.xml\r\n";
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), (const uint8_t*)body, strlen(body), 0,
                                 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_form(b) == PUSHCORE_UA_BODY_URL);
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_URL), "http://example.com/p.xml") == 0);
    CHECK(part_str(b, 0, PUSHCORE_UA_FIELD_ACCESS_TYPE) == NULL);
    CHECK(pushcore_ua_body_part_size(b, 0, &size) == 0);
    pushcore_ua_body_free(b);

    type = "application/xml";
    body = "<profile/>";
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), (const uint8_t*)body, strlen(body), 0,
                                 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_form(b) == PUSHCORE_UA_BODY_INLINE);
    CHECK(pushcore_ua_body_part_kind(b, 0, &kind, NULL) == PUSHCORE_OK);
    CHECK(kind == PUSHCORE_UA_PART_INLINE);
    CHECK(pushcore_ua_body_part_data(b, 0, &data, &len) == 1);
    CHECK_TEXT((const char*)data, len, "<profile/>");
    CHECK(strcmp(part_str(b, 0, PUSHCORE_UA_FIELD_CONTENT_TYPE), "application/xml") == 0);
    CHECK(part_str(b, 0, PUSHCORE_UA_FIELD_URL) == NULL);
    CHECK(pushcore_ua_body_part_size(b, 0, &size) == 0);
    pushcore_ua_body_free(b);

    /* Errors, with reason and offset (into the body, or into the Content-Type). */
    type = "multipart/mixed";
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), (const uint8_t*)draft_body,
                                 strlen(draft_body), 0, 0) == PUSHCORE_E_BAD_HEADER);
    CHECK(pushcore_ua_body_last_error(b, &reason, &offset) == PUSHCORE_E_BAD_HEADER);
    CHECK_ERROR(reason, offset, "multipart: no boundary parameter", 0);
    CHECK(pushcore_ua_body_form(b) == 0);
    CHECK(pushcore_ua_body_part_count(b) == 0);
    pushcore_ua_body_free(b);
    type = "text/plain;a";
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), NULL, 0, 0, 0) == PUSHCORE_E_SYNTAX);
    pushcore_ua_body_last_error(b, &reason, &offset);
    CHECK_ERROR(reason, offset, "Content-Type: '=' expected after parameter name", 12);
    pushcore_ua_body_free(b);
    type = "multipart/mixed;boundary=b";
    body = "no delimiter\r\n";
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), (const uint8_t*)body, strlen(body), 0,
                                 0) == PUSHCORE_E_SYNTAX);
    pushcore_ua_body_last_error(b, &reason, &offset);
    CHECK_ERROR(reason, offset, "multipart: no opening delimiter", 0);
    pushcore_ua_body_free(b);
    /* Limits. */
    type = "multipart/mixed; boundary=boundary42";
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), (const uint8_t*)draft_body,
                                 strlen(draft_body), 0, 16) == PUSHCORE_E_LIMIT_HEADER_BYTES);
    pushcore_ua_body_free(b);
    /* NULL. */
    CHECK(pushcore_ua_body_parse(NULL, type, strlen(type), NULL, 0, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_parse(&b, NULL, 3, NULL, 0, 0, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(b == NULL);
    CHECK(pushcore_ua_body_parse(&b, type, strlen(type), NULL, 3, 0, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_body_free(NULL);
    CHECK(pushcore_ua_body_form(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_count(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_kind(NULL, 0, &kind, NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_str(NULL, 0, 1, &reason, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_size(NULL, 0, &size) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_part_data(NULL, 0, &data, &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_last_error(NULL, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
}

static void test_body_build(void) {
    pushcore_ua_body_builder* b = NULL;
    CHECK(pushcore_ua_body_builder_new(&b) == PUSHCORE_OK);
    const char* type = NULL;
    size_t type_len = 0, len = 0;
    const uint8_t* body = NULL;
    /* No parts yet. */
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_MULTIPART, &type, &type_len, &body,
                                          &len) == PUSHCORE_E_INVALID_STATE);
    const char* reason = NULL;
    size_t offset = 0;
    CHECK(pushcore_ua_body_builder_last_error(b, &reason, &offset) == PUSHCORE_E_INVALID_STATE);
    CHECK_ERROR(reason, offset, "no parts", 0);

    /* The draft's 7.12 body, byte for byte. */
    const char* url = "http://www.example.com/devices/ff00000036c5";
    const char* ct = "application/x-z100-device-profile";
    const char* cid = "39EHF78SA@example.com";
    const char* exp = "Mon, 24 June 2002 09:00:00 GMT";
    CHECK(pushcore_ua_body_builder_add_indirect(b, url, strlen(url), ct, strlen(ct), cid,
                                                strlen(cid), exp, strlen(exp), 1, 1234, NULL,
                                                0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_set_boundary(b, "boundary42", 10) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_MULTIPART, &type, &type_len, &body,
                                          &len) == PUSHCORE_OK);
    CHECK_TEXT(type, type_len, "multipart/mixed;boundary=boundary42");
    CHECK_TEXT((const char*)body, len, draft_body);

    /* Single-part forms. */
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_URL, &type, NULL, &body, &len) ==
          PUSHCORE_OK);
    CHECK(strcmp(type, "application/url") == 0);
    CHECK_TEXT((const char*)body, len, "http://www.example.com/devices/ff00000036c5\r\n");
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_EXTERNAL_BODY, &type, &type_len,
                                          &body, &len) == PUSHCORE_OK);
    CHECK(strncmp(type, "message/external-body;", 22) == 0);
    pushcore_ua_body* parsed = NULL;
    CHECK(pushcore_ua_body_parse(&parsed, type, type_len, body, len, 0, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_form(parsed) == PUSHCORE_UA_BODY_EXTERNAL_BODY);
    CHECK(strcmp(part_str(parsed, 0, PUSHCORE_UA_FIELD_URL), url) == 0);
    CHECK(strcmp(part_str(parsed, 0, PUSHCORE_UA_FIELD_CONTENT_ID), cid) == 0);
    pushcore_ua_body_free(parsed);

    /* A second, inline part with a hash-carrying indirect one; the builder's own boundary;
     * and the whole reads back. */
    const char* hash = "0123456789abcdef0123456789ABCDEF01234567";
    CHECK(pushcore_ua_body_builder_add_indirect(b, "http://x/u", 10, "application/xml", 15, "u@x",
                                                3, NULL, 0, 0, 0, hash,
                                                strlen(hash)) == PUSHCORE_OK);
    const char* inline_data = "<profile/>";
    CHECK(pushcore_ua_body_builder_add_inline(b, "application/xml", 15, "i@x", 3,
                                              (const uint8_t*)inline_data,
                                              strlen(inline_data)) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_add_inline(b, NULL, 0, NULL, 0, NULL, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_URL, &type, &type_len, &body, &len) ==
          PUSHCORE_E_INVALID_STATE);
    CHECK(pushcore_ua_body_builder_set_boundary(b, NULL, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_MULTIPART, &type, &type_len, &body,
                                          &len) == PUSHCORE_OK);
    CHECK(strncmp(type, "multipart/mixed;boundary=pc-", 28) == 0);
    CHECK(pushcore_ua_body_parse(&parsed, type, type_len, body, len, 0, 0) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_part_count(parsed) == 4);
    CHECK(strcmp(part_str(parsed, 1, PUSHCORE_UA_FIELD_HASH), hash) == 0);
    uint64_t size = 0;
    CHECK(pushcore_ua_body_part_size(parsed, 1, &size) == 0);
    int32_t kind = 0;
    CHECK(pushcore_ua_body_part_kind(parsed, 2, &kind, NULL) == PUSHCORE_OK);
    CHECK(kind == PUSHCORE_UA_PART_INLINE);
    const uint8_t* data = NULL;
    CHECK(pushcore_ua_body_part_data(parsed, 2, &data, &len) == 1);
    CHECK_TEXT((const char*)data, len, inline_data);
    CHECK(strcmp(part_str(parsed, 2, PUSHCORE_UA_FIELD_CONTENT_ID), "i@x") == 0);
    CHECK(pushcore_ua_body_part_data(parsed, 3, &data, &len) == 1 && len == 0);
    CHECK(part_str(parsed, 3, PUSHCORE_UA_FIELD_CONTENT_TYPE) == NULL);
    pushcore_ua_body_free(parsed);

    /* A boundary that occurs in a part. */
    CHECK(pushcore_ua_body_builder_set_boundary(b, "profile", 7) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_finish(b, PUSHCORE_UA_BODY_MULTIPART, &type, &type_len, &body,
                                          &len) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_last_error(b, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR(reason, offset, "boundary: not RFC 2046 bchars, or occurs in a part", 0);
    CHECK(pushcore_ua_body_builder_set_boundary(b, "", 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_set_boundary(b, "x", 71) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_last_error(b, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR(reason, offset, "boundary: not 1..70 characters", 0);
    CHECK(pushcore_ua_body_builder_finish(b, 9, &type, &type_len, &body, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR((pushcore_ua_body_builder_last_error(b, &reason, &offset), reason), offset,
                "form: not MULTIPART, EXTERNAL_BODY or URL", 0);

    /* Refused parts, with the field named. */
    struct {
        const char *url, *ct, *cid, *exp, *hash;
        const char* reason;
    } refused[] = {
        {"", "a/b", "i@x", "", "", "url: required"},
        {"http://x/a b", "a/b", "i@x", "", "",
         "url: whitespace, a quote, a backslash or a control character"},
        {"http://x/\"", "a/b", "i@x", "", "",
         "url: whitespace, a quote, a backslash or a control character"},
        {"http://x/", "", "i@x", "", "", "content_type: required"},
        {"http://x/", "a/b", "", "", "", "content_id: required"},
        {"http://x/", "a/b", "i@x", "", "abc", "hash: not 40 hex digits"},
        {"http://x/", "a/b", "i@x", "", "0123456789abcdef0123456789ABCDEF0123456g",
         "hash: not 40 hex digits"},
        {"http://x/", "ab", "i@x", "", "", "content_type: not a media type"},
        {"http://x/", "a/b", "<i@x>", "", "",
         "content_id: not printable ASCII without '<', '>' and space"},
        {"http://x/", "a/b", "i@x", "Mon\"", "", "part: a field would not read back as given"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; ++i) {
        CHECK(pushcore_ua_body_builder_add_indirect(
                  b, refused[i].url, strlen(refused[i].url), refused[i].ct, strlen(refused[i].ct),
                  refused[i].cid, strlen(refused[i].cid), refused[i].exp, strlen(refused[i].exp), 0,
                  0, refused[i].hash, strlen(refused[i].hash)) == PUSHCORE_E_INVALID_ARGUMENT);
        pushcore_ua_body_builder_last_error(b, &reason, &offset);
        CHECK_ERROR(reason, offset, refused[i].reason, 0);
    }
    CHECK(pushcore_ua_body_builder_add_indirect(b, "http://x/", 9, "a/b", 3, "i@x", 3, NULL, 0, 2,
                                                0, NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR((pushcore_ua_body_builder_last_error(b, &reason, &offset), reason), offset,
                "has_size: not 0 or 1", 0);
    CHECK(pushcore_ua_body_builder_add_indirect(b, NULL, 9, "a/b", 3, "i@x", 3, NULL, 0, 0, 0, NULL,
                                                0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_add_inline(b, "ab", 2, NULL, 0, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR((pushcore_ua_body_builder_last_error(b, &reason, &offset), reason), offset,
                "content_type: not a media type", 0);
    CHECK(pushcore_ua_body_builder_add_inline(b, "message/external-body", 21, NULL, 0, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR((pushcore_ua_body_builder_last_error(b, &reason, &offset), reason), offset,
                "part: a field would not read back as given", 0);
    CHECK(pushcore_ua_body_builder_add_inline(b, NULL, 0, "a b", 3, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_add_inline(b, NULL, 0, NULL, 0, NULL, 4) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK_ERROR((pushcore_ua_body_builder_last_error(b, &reason, &offset), reason), offset,
                "NULL pointer with a length", 0);
    pushcore_ua_body_builder_free(b);

    /* NULL. */
    CHECK(pushcore_ua_body_builder_new(NULL) == PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_body_builder_free(NULL);
    CHECK(pushcore_ua_body_builder_add_indirect(NULL, "u", 1, "a/b", 3, "i", 1, NULL, 0, 0, 0, NULL,
                                                0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_add_inline(NULL, NULL, 0, NULL, 0, NULL, 0) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_set_boundary(NULL, "b", 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_finish(NULL, 1, &type, &type_len, &body, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_last_error(NULL, &reason, &offset) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_new(&b) == PUSHCORE_OK);
    CHECK(pushcore_ua_body_builder_finish(b, 1, NULL, &type_len, &body, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_finish(b, 1, &type, &type_len, NULL, &len) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_ua_body_builder_finish(b, 1, &type, &type_len, &body, NULL) ==
          PUSHCORE_E_INVALID_ARGUMENT);
    pushcore_ua_body_builder_free(b);
}

int main(void) {
    test_event_parse();
    test_event_errors();
    test_event_build();
    test_device_ids();
    test_body_parse();
    test_body_build();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c_abi_ua_profile: all checks passed\n");
    return 0;
}
