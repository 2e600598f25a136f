/*
 * pushcore C ABI: the ua-profile grammar (draft-ietf-sipping-config-framework-08,
 * RFC 6080): the Event header field, device identifiers and their Request-URIs, and the
 * content-indirection NOTIFY bodies. The machines (notifier, subscriber, discovery) are at
 * the end.
 *
 * Objects:
 *   pushcore_ua_event         an Event header field value: parsed, checked, or built
 *   pushcore_ua_body          a NOTIFY body, parsed into parts
 *   pushcore_ua_body_builder  builds a multipart/mixed (or single-part) NOTIFY body
 * and the stateless pushcore_ua_device_id_* functions.
 *
 * Conventions (see pushcore/core.h): int returns are PUSHCORE_OK / 1 or 0 / a count / a
 * negative pushcore_status. Text goes in as pointer + length (no NUL needed); a NULL
 * pointer with length 0 is the empty text. Strings handed out are borrowed until the next
 * call on the same handle and are NUL-terminated too. Each handle has *_last_error giving
 * the status, a reason (static storage) and a byte offset of its last call that can fail
 * (PUSHCORE_OK with an empty reason after one that succeeded).
 *
 * Text written into a caller's buffer (the device-id functions, pushcore_ua_event_build)
 * is not NUL-terminated: *written receives its length. When `cap` is smaller, nothing is
 * written, the call returns PUSHCORE_E_BUFFER_TOO_SMALL and *written still receives the
 * length needed (so a first call with cap 0 and out NULL sizes the buffer).
 */
#ifndef PUSHCORE_UA_PROFILE_H
#define PUSHCORE_UA_PROFILE_H

#include "pushcore/core.h"
#include "pushcore/sip_push.h" /* pushcore_event and its getters, shared by the machines */

#ifdef __cplusplus
extern "C" {
#endif

/* Which text's rules apply: the draft (default) or RFC 6080. */
#define PUSHCORE_UA_FORM_DRAFT08 0
#define PUSHCORE_UA_FORM_RFC6080 1

/* ---- the Event header field (draft 7.1-7.2, RFC 6080 5.1-5.2) ------------------------ */

typedef struct pushcore_ua_event pushcore_ua_event;

/* profile-type values. OTHER is a token the package does not define (see the raw token). */
#define PUSHCORE_UA_PROFILE_DEVICE 1
#define PUSHCORE_UA_PROFILE_USER 2
#define PUSHCORE_UA_PROFILE_APPLICATION 3
#define PUSHCORE_UA_PROFILE_LOCAL_NETWORK 4
#define PUSHCORE_UA_PROFILE_OTHER 5

/* The text parameters. */
#define PUSHCORE_UA_TEXT_VENDOR 1
#define PUSHCORE_UA_TEXT_MODEL 2
#define PUSHCORE_UA_TEXT_VERSION 3
#define PUSHCORE_UA_TEXT_NETWORK_USER 4

/* The request an Event header field came in, for pushcore_ua_event_check. */
#define PUSHCORE_UA_METHOD_SUBSCRIBE 1
#define PUSHCORE_UA_METHOD_NOTIFY 2

/* Parses an Event header field value. PUSHCORE_E_NOT_FOUND when its event-type is another
 * package ("presence", "ua-profile.winfo"); PUSHCORE_E_SYNTAX or PUSHCORE_E_BAD_ESCAPE
 * for a broken value, last_error naming the parameter and rule and the byte offset in
 * `value`. On failure a handle is still created when `out` is not NULL (its last_error
 * tells why, its getters what was read before the error); free it either way. */
PUSHCORE_API int pushcore_ua_event_parse(pushcore_ua_event** out, const char* value, size_t len);

/* An empty event, to fill with the setters and write with pushcore_ua_event_build. */
PUSHCORE_API int pushcore_ua_event_new(pushcore_ua_event** out);
PUSHCORE_API void pushcore_ua_event_free(pushcore_ua_event* ev);

/* profile-type: 1 with *type (PUSHCORE_UA_PROFILE_*) and the token as written (without
 * quotes; *token and *len may be NULL when not wanted), 0 when absent. */
PUSHCORE_API int pushcore_ua_event_profile_type(pushcore_ua_event* ev, int32_t* type,
                                                const char** token, size_t* len);

/* A text parameter (PUSHCORE_UA_TEXT_*) with quoted-pairs resolved: 1 and *value and *len
 * set when present, 0 when absent. */
PUSHCORE_API int pushcore_ua_event_text(pushcore_ua_event* ev, int32_t which, const char** value,
                                        size_t* len);

/* effective-by: 1 and *seconds set when present, 0 when absent. */
PUSHCORE_API int pushcore_ua_event_effective_by(const pushcore_ua_event* ev, uint32_t* seconds);

/* The parameters the package does not define, in order: their count, and the i-th one's
 * name and value as written (a quoted value without its quotes). *has_value is 0 for a
 * parameter without '=' (its value is then ""). PUSHCORE_E_NOT_FOUND for i >= count. */
PUSHCORE_API int pushcore_ua_event_unknown_count(const pushcore_ua_event* ev);
PUSHCORE_API int pushcore_ua_event_unknown_get(pushcore_ua_event* ev, size_t i, const char** name,
                                               size_t* name_len, const char** value,
                                               size_t* value_len, int32_t* has_value);

/* Checks the event against the usage tables of draft 7.2 (RFC 6080 5.2 with
 * PUSHCORE_UA_FORM_RFC6080) for a request (PUSHCORE_UA_METHOD_*): PUSHCORE_OK or
 * PUSHCORE_E_MISSING_HEADER ("vendor: required in SUBSCRIBE"). The parameters the table
 * gives no meaning there are then listed by ignored_count / ignored_at (names in static
 * storage: "profile-type", "vendor", ..., "profile-type=application"). */
PUSHCORE_API int pushcore_ua_event_check(pushcore_ua_event* ev, int32_t method, int32_t form);
PUSHCORE_API int pushcore_ua_event_ignored_count(const pushcore_ua_event* ev);
PUSHCORE_API int pushcore_ua_event_ignored_at(const pushcore_ua_event* ev, size_t i,
                                              const char** name);

/* Setters, for building. profile-type: a PUSHCORE_UA_PROFILE_* type and, optionally
 * (NULL), the token to write: for OTHER a token is required; for the others it must name
 * the same type (any case), and without one the canonical name is written. type 0 removes
 * the parameter. */
PUSHCORE_API int pushcore_ua_event_set_profile_type(pushcore_ua_event* ev, int32_t type,
                                                    const char* token, size_t len);
/* A text parameter as plain text (written as an escaped quoted-string); NULL removes it.
 * Empty text and control characters are refused; network-user must be an addr-spec
 * without '"' or '\\'. */
PUSHCORE_API int pushcore_ua_event_set_text(pushcore_ua_event* ev, int32_t which, const char* value,
                                            size_t len);
/* effective-by: present (1/0) and its seconds. */
PUSHCORE_API int pushcore_ua_event_set_effective_by(pushcore_ua_event* ev, int32_t present,
                                                    uint32_t seconds);

/* Writes the Event header field value ("ua-profile;profile-type=device;vendor=..."),
 * followed by the unknown parameters a parsed event had. See the buffer rules above. */
PUSHCORE_API int pushcore_ua_event_build(pushcore_ua_event* ev, char* out, size_t cap,
                                         size_t* written);

PUSHCORE_API int pushcore_ua_event_last_error(const pushcore_ua_event* ev, const char** reason,
                                              size_t* offset);

/* ---- device identifiers (draft 7.13, RFC 6080 5.1.1) ------------------------------------- */

/* Stateless: each function writes its text into `out` (the buffer rules above) and, on
 * failure, sets *reason (static storage) and *offset (a byte offset into the input the
 * error is about) when they are not NULL; on success *reason is "" and *offset 0. */

#define PUSHCORE_UA_DEVICE_MAC 1  /* "MAC:" + 12 upper-case hex digits */
#define PUSHCORE_UA_DEVICE_UUID 2 /* "urn:uuid:" + a lower-case RFC 4122 UUID */

/* A MAC address (12 hex digits, plain or grouped by ':', '-' or '.', optionally after
 * "MAC:") -> "MAC:00DF1E004CD0". PUSHCORE_E_SYNTAX otherwise. */
PUSHCORE_API int pushcore_ua_device_id_normalize_mac(const char* in, size_t len, char* out,
                                                     size_t cap, size_t* written,
                                                     const char** reason, size_t* offset);
/* A UUID URN (any case) -> its lower-case form. PUSHCORE_E_SYNTAX otherwise. */
PUSHCORE_API int pushcore_ua_device_id_parse_uuid(const char* in, size_t len, char* out, size_t cap,
                                                  size_t* written, const char** reason,
                                                  size_t* offset);
/* A MAC address -> the version-1 UUID URN whose node is the MAC (RFC 6080). */
PUSHCORE_API int pushcore_ua_device_id_mac_to_uuid(const char* in, size_t len, char* out,
                                                   size_t cap, size_t* written, const char** reason,
                                                   size_t* offset);

/* Reads the device identifier of a SUBSCRIBE Request-URI ("sip:MAC%3a00DF1E004CD0@host"),
 * or, with is_user_part 1, of a user part still escaped as in a URI ("MAC%3a00DF1E004CD0").
 * Writes the canonical identifier into `out`; sets *kind (PUSHCORE_UA_DEVICE_*),
 * *deployed (1 when the URI used a deployed variant such as "MAC:..." unescaped, not the
 * draft's form) and, for a URI, *host_at and *host_len (where its host is in `in`; 0 and 0
 * for a user part). Any of kind, deployed, host_at, host_len may be NULL. Errors:
 * PUSHCORE_E_BAD_URI, PUSHCORE_E_BAD_ESCAPE or PUSHCORE_E_SYNTAX with reason and offset. */
PUSHCORE_API int pushcore_ua_device_id_parse_uri(const char* in, size_t len, int32_t is_user_part,
                                                 char* out, size_t cap, size_t* written,
                                                 int32_t* kind, int32_t* deployed, size_t* host_at,
                                                 size_t* host_len, const char** reason,
                                                 size_t* offset);

/* The device SUBSCRIBE Request-URI (draft 7.13.1) "sip:<escaped id>@<host>", or the
 * local-network one at the local domain (draft 7.13.3; "_sipuaconfig." + the domain with
 * PUSHCORE_UA_FORM_RFC6080). `id` is a MAC address in any
 * form normalize_mac accepts or a UUID URN (errors in it: PUSHCORE_E_SYNTAX with an
 * offset into id); `host` a hostport (else PUSHCORE_E_INVALID_ARGUMENT, offset 0);
 * PUSHCORE_UA_FORM_RFC6080 writes a MAC as its UUID. */
PUSHCORE_API int pushcore_ua_device_id_build_uri(const char* id, size_t id_len, const char* host,
                                                 size_t host_len, int32_t form, char* out,
                                                 size_t cap, size_t* written, const char** reason,
                                                 size_t* offset);
PUSHCORE_API int pushcore_ua_device_id_build_local_network_uri(
    const char* id, size_t id_len, const char* domain, size_t domain_len, int32_t form, char* out,
    size_t cap, size_t* written, const char** reason, size_t* offset);

/* ---- NOTIFY bodies: content indirection (draft 7.5, RFC 4483) ------------------------------ */

typedef struct pushcore_ua_body pushcore_ua_body;
typedef struct pushcore_ua_body_builder pushcore_ua_body_builder;

/* The form a body had, or the form to build. */
#define PUSHCORE_UA_BODY_MULTIPART 1     /* multipart/mixed */
#define PUSHCORE_UA_BODY_EXTERNAL_BODY 2 /* one message/external-body */
#define PUSHCORE_UA_BODY_URL 3           /* application/url: one URL line */
#define PUSHCORE_UA_BODY_INLINE 4        /* any other media type: the profile itself */

/* Part kinds. */
#define PUSHCORE_UA_PART_INDIRECT 1 /* a profile by reference (URL) */
#define PUSHCORE_UA_PART_INLINE 2   /* a profile in the body */

/* Part fields (text). INDIRECT parts have URL, CONTENT_TYPE, CONTENT_ID, EXPIRATION, HASH,
 * ACCESS_TYPE; INLINE parts CONTENT_TYPE and CONTENT_ID. */
#define PUSHCORE_UA_FIELD_URL 1
#define PUSHCORE_UA_FIELD_CONTENT_TYPE 2
#define PUSHCORE_UA_FIELD_CONTENT_ID 3 /* between '<' and '>' */
#define PUSHCORE_UA_FIELD_EXPIRATION 4
#define PUSHCORE_UA_FIELD_HASH 5 /* SHA-1, 40 hex digits */
#define PUSHCORE_UA_FIELD_ACCESS_TYPE 6

/* Parses a NOTIFY body given its Content-Type header value (both copied). Limits of 0 take
 * the defaults (16 parts, 4096 bytes per header block). Errors: PUSHCORE_E_SYNTAX,
 * PUSHCORE_E_BAD_HEADER, PUSHCORE_E_LIMIT_HEADER_BYTES, PUSHCORE_E_LIMIT_HEADER_COUNT,
 * with last_error's offset into the body, or into content_type for errors in it. As
 * pushcore_ua_event_parse, a handle is created on failure too; free it either way. */
PUSHCORE_API int pushcore_ua_body_parse(pushcore_ua_body** out, const char* content_type,
                                        size_t content_type_len, const uint8_t* body,
                                        size_t body_len, size_t max_parts, size_t max_header_bytes);
PUSHCORE_API void pushcore_ua_body_free(pushcore_ua_body* b);

/* The body's form (PUSHCORE_UA_BODY_*), 0 when parsing failed. */
PUSHCORE_API int32_t pushcore_ua_body_form(const pushcore_ua_body* b);
PUSHCORE_API int pushcore_ua_body_part_count(const pushcore_ua_body* b);
/* The i-th part's kind (PUSHCORE_UA_PART_*) and where it starts in the body (NULL when not
 * wanted). PUSHCORE_E_NOT_FOUND for i >= count. */
PUSHCORE_API int pushcore_ua_body_part_kind(const pushcore_ua_body* b, size_t i, int32_t* kind,
                                            size_t* offset);
/* A text field (PUSHCORE_UA_FIELD_*): 1 and *value and *len set when the part has it
 * (not empty), 0 when not. */
PUSHCORE_API int pushcore_ua_body_part_str(pushcore_ua_body* b, size_t i, int32_t field,
                                           const char** value, size_t* len);
/* An indirect part's size parameter: 1 and *size set when given, 0 when not. */
PUSHCORE_API int pushcore_ua_body_part_size(const pushcore_ua_body* b, size_t i, uint64_t* size);
/* An inline part's bytes: 1 and *data and *len set; 0 for an indirect part. */
PUSHCORE_API int pushcore_ua_body_part_data(const pushcore_ua_body* b, size_t i,
                                            const uint8_t** data, size_t* len);
PUSHCORE_API int pushcore_ua_body_last_error(const pushcore_ua_body* b, const char** reason,
                                             size_t* offset);

/* The builder collects parts (copied) and writes them in the draft's 7.12 layout. */
PUSHCORE_API int pushcore_ua_body_builder_new(pushcore_ua_body_builder** out);
PUSHCORE_API void pushcore_ua_body_builder_free(pushcore_ua_body_builder* b);

/* An indirect part: url, content_type and content_id required; expiration and hash
 * optional (NULL or empty); the size parameter when has_size is 1. A field that would not
 * parse back as given (a URL with whitespace or quotes, a content type that is not a
 * media type, a content id with '<', '>' or space, a hash that is not 40 hex digits) is
 * PUSHCORE_E_INVALID_ARGUMENT and last_error names it; the part is then not added. */
PUSHCORE_API int pushcore_ua_body_builder_add_indirect(
    pushcore_ua_body_builder* b, const char* url, size_t url_len, const char* content_type,
    size_t content_type_len, const char* content_id, size_t content_id_len, const char* expiration,
    size_t expiration_len, int32_t has_size, uint64_t size, const char* hash, size_t hash_len);
/* An inline part: content_type and content_id optional (NULL or empty). */
PUSHCORE_API int pushcore_ua_body_builder_add_inline(pushcore_ua_body_builder* b,
                                                     const char* content_type,
                                                     size_t content_type_len,
                                                     const char* content_id, size_t content_id_len,
                                                     const uint8_t* data, size_t data_len);
/* The multipart boundary to use (1..70 RFC 2046 characters), NULL for one the builder
 * chooses so that it occurs in no part. */
PUSHCORE_API int pushcore_ua_body_builder_set_boundary(pushcore_ua_body_builder* b,
                                                       const char* boundary, size_t len);
/* Writes the body in a form (PUSHCORE_UA_BODY_MULTIPART, or EXTERNAL_BODY or URL for
 * exactly one indirect part) and hands out its Content-Type value and bytes (borrowed
 * until the next call on b; the parts stay, so more may be added). PUSHCORE_E_INVALID_STATE
 * without parts or with parts the form cannot hold; PUSHCORE_E_INVALID_ARGUMENT for a
 * boundary that occurs in a part. */
PUSHCORE_API int pushcore_ua_body_builder_finish(pushcore_ua_body_builder* b, int32_t form,
                                                 const char** content_type,
                                                 size_t* content_type_len, const uint8_t** body,
                                                 size_t* body_len);
PUSHCORE_API int pushcore_ua_body_builder_last_error(const pushcore_ua_body_builder* b,
                                                     const char** reason, size_t* offset);

/* ==== the machines (draft sections 5, 7, 8.2, 10.4) ====================================== */

/*
 * Machine handles follow pushcore/sip_push.h: a config object with typed setters, the
 * machine made from it (the config is copied), and pushcore_event objects pulled with
 * *_next_event (getters in pushcore/sip_push.h; the event and its strings are borrowed
 * until the next call on the machine). The event types and fields below do not collide
 * with sip_push.h's; PUSHCORE_FIELD_CODE and PUSHCORE_FIELD_EXPIRES are reused.
 */

/* Event fields. */
#define PUSHCORE_FIELD_UA_SUBSCRIPTION 100 /* u64: the notifier's subscription id */
#define PUSHCORE_FIELD_UA_PROFILE_TYPE 101 /* u64: PUSHCORE_UA_PROFILE_* */
#define PUSHCORE_FIELD_UA_IDENTITY 102     /* str: canonical device id, or "user@host" */
#define PUSHCORE_FIELD_UA_VENDOR 103       /* str */
#define PUSHCORE_FIELD_UA_MODEL 104        /* str */
#define PUSHCORE_FIELD_UA_VERSION 105      /* str */
#define PUSHCORE_FIELD_UA_NETWORK_USER 106 /* str */
#define PUSHCORE_FIELD_UA_KNOWN 107        /* u64: 1 when the host had a profile */
#define PUSHCORE_FIELD_UA_ACCEPTED 108     /* u64: 1 when the host accepted (default user) */
#define PUSHCORE_FIELD_UA_END_REASON 109   /* u64: PUSHCORE_UA_END_* */
#define PUSHCORE_FIELD_UA_REFUSAL 110      /* u64: PUSHCORE_UA_REFUSAL_* */

/* ---- the notifier: a profile delivery server (draft 7.4-7.7, 8.2, 10.4) ---------------- */

typedef struct pushcore_ua_notifier_config pushcore_ua_notifier_config;
typedef struct pushcore_ua_notifier pushcore_ua_notifier;
typedef struct pushcore_ua_profile_answer pushcore_ua_profile_answer;

/* Notifier events. */
#define PUSHCORE_EVENT_UA_NOTIFIER_SUBSCRIBED                                             \
    100                                          /* SUBSCRIPTION, PROFILE_TYPE, IDENTITY, \
                                                    VENDOR, MODEL, VERSION, NETWORK_USER, \
                                                    EXPIRES, KNOWN */
#define PUSHCORE_EVENT_UA_NOTIFIER_REFRESHED 101 /* SUBSCRIPTION, EXPIRES */
#define PUSHCORE_EVENT_UA_NOTIFIER_TERMINATED \
    102 /* SUBSCRIPTION, PROFILE_TYPE, IDENTITY, END_REASON, CODE */
#define PUSHCORE_EVENT_UA_NOTIFIER_ENROLLED 103 /* IDENTITY: an expected device enrolled */
#define PUSHCORE_EVENT_UA_NOTIFIER_ENROLLMENT_REFUSED 104 /* IDENTITY, REFUSAL */
#define PUSHCORE_EVENT_UA_NOTIFIER_DEFAULT_USER \
    105 /* SUBSCRIPTION, IDENTITY, NETWORK_USER, ACCEPTED (7.6) */

/* Why a subscription ended. */
#define PUSHCORE_UA_END_UNSUBSCRIBED 1  /* Expires 0: a one-time fetch, or an unsubscribe */
#define PUSHCORE_UA_END_TIMEOUT 2       /* it expired */
#define PUSHCORE_UA_END_NOTIFY_FAILED 3 /* a NOTIFY was answered 481, 408, ... (CODE) */
#define PUSHCORE_UA_END_NO_RESPONSE 4   /* no answer to a NOTIFY, or output_failed */
#define PUSHCORE_UA_END_BY_HOST 5       /* pushcore_ua_notifier_terminate */

/* Why the host ends a subscription: the reason of the terminated NOTIFY (RFC 6665 4.1.3). */
#define PUSHCORE_UA_TERMINATE_DEACTIVATED 1 /* subscribe again at once */
#define PUSHCORE_UA_TERMINATE_PROBATION 2   /* subscribe again later (retry-after) */
#define PUSHCORE_UA_TERMINATE_REJECTED 3    /* not allowed: do not subscribe again */
#define PUSHCORE_UA_TERMINATE_GIVEUP 4      /* authorization timed out; may retry */
#define PUSHCORE_UA_TERMINATE_NORESOURCE 5  /* no such profile any more */

/* Why an expected device was refused enrollment (10.4). */
#define PUSHCORE_UA_REFUSAL_TOO_EARLY 1
#define PUSHCORE_UA_REFUSAL_TOO_LATE 2

/* A subscription's state (pushcore_ua_notifier_state_of). */
#define PUSHCORE_UA_SUB_ACTIVE 1      /* no NOTIFY outstanding */
#define PUSHCORE_UA_SUB_NOTIFYING 2   /* a NOTIFY awaits its final response */
#define PUSHCORE_UA_SUB_TERMINATING 3 /* the terminated NOTIFY is out */

/* The host's profile store, asked synchronously at every NOTIFY: the profile of
 * `profile_type` (PUSHCORE_UA_PROFILE_*) for `identity` (a canonical device identifier
 * for device and local-network, else "user@host"). Return 1 after describing the profile
 * in `answer` with the pushcore_ua_profile_answer_* setters, 0 when there is none (the
 * NOTIFY then has no body). `answer` is valid during the call only. */
typedef int (*pushcore_ua_lookup_fn)(void* ctx, int32_t profile_type, const char* identity,
                                     size_t len, pushcore_ua_profile_answer* answer);

/* 7.6: a device asks to make `network_user` its default user. Return 1 to accept. */
typedef int (*pushcore_ua_network_user_fn)(void* ctx, const char* device, size_t device_len,
                                           const char* network_user, size_t network_user_len);

/* Inside a lookup: a text field of the profile (PUSHCORE_UA_FIELD_URL, CONTENT_TYPE,
 * CONTENT_ID, EXPIRATION, HASH). An empty value clears it. Text with control characters,
 * a content type that is not a media type (RFC 2045 5.1), or a hash that is not 40 hex
 * digits, is PUSHCORE_E_INVALID_ARGUMENT. A profile by reference needs URL; an empty
 * CONTENT_ID is derived (7.5). An inline profile goes only to a subscriber whose Accept
 * admits its CONTENT_TYPE (default application/octet-stream); others get no body. */
PUSHCORE_API int pushcore_ua_profile_answer_set_str(pushcore_ua_profile_answer* a, int32_t field,
                                                    const char* value, size_t len);
/* The size parameter of the external-body. */
PUSHCORE_API int pushcore_ua_profile_answer_set_size(pushcore_ua_profile_answer* a, uint64_t size);
/* The profile inline (copied); the subscriber's Accept header chooses between it and
 * the URL when both are given. */
PUSHCORE_API int pushcore_ua_profile_answer_set_body(pushcore_ua_profile_answer* a,
                                                     const uint8_t* data, size_t len);
/* What the subscription's Event header said: PUSHCORE_UA_TEXT_VENDOR, MODEL or VERSION
 * (1 and *value, *len; 0 when absent). */
PUSHCORE_API int pushcore_ua_profile_answer_query_text(const pushcore_ua_profile_answer* a,
                                                       int32_t which, const char** value,
                                                       size_t* len);

PUSHCORE_API int pushcore_ua_notifier_config_new(pushcore_ua_notifier_config** out);
PUSHCORE_API void pushcore_ua_notifier_config_free(pushcore_ua_notifier_config* cfg);
/* The Contact header value of 200s and NOTIFYs ("<sip:profiles@192.0.2.1:5060>"). */
PUSHCORE_API int pushcore_ua_notifier_config_set_contact(pushcore_ua_notifier_config* cfg,
                                                         const char* value, size_t len);
/* Our Via sent-by ("host:port"). A NOTIFY's Via names the transport its SUBSCRIBE came
 * over (RFC 3261 18.1.1), since it goes back the same way. */
PUSHCORE_API int pushcore_ua_notifier_config_set_sent_by(pushcore_ua_notifier_config* cfg,
                                                         const char* sent_by, size_t len);
/* PUSHCORE_UA_FORM_DRAFT08 (default) or PUSHCORE_UA_FORM_RFC6080. */
PUSHCORE_API int pushcore_ua_notifier_config_set_form(pushcore_ua_notifier_config* cfg,
                                                      int32_t form);

/* Numeric settings, by PUSHCORE_UA_NOTIFIER_* key. */
#define PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN 1        /* 0/1, default 1 (7.6) */
#define PUSHCORE_UA_NOTIFIER_ACCEPT_APPLICATION 2    /* 0/1, default 1 */
#define PUSHCORE_UA_NOTIFIER_ACCEPT_UNKNOWN_DIALOG 3 /* 0/1, default 1 (7.12's To tag) */
#define PUSHCORE_UA_NOTIFIER_MAX_SUBSCRIPTIONS 4     /* default 10000 */
#define PUSHCORE_UA_NOTIFIER_MAX_EXPECTED_DEVICES 5  /* default 100000 */
#define PUSHCORE_UA_NOTIFIER_DEFAULT_EXPIRES 6       /* s, default 86400 (7.4) */
#define PUSHCORE_UA_NOTIFIER_MIN_EXPIRES 7           /* s, default 60; shorter gets 423 */
#define PUSHCORE_UA_NOTIFIER_MAX_EXPIRES 8           /* s, default 604800; longer is cut */
#define PUSHCORE_UA_NOTIFIER_NOTIFY_TIMEOUT_MS 9     /* default 32000 (Timer F) */
PUSHCORE_API int pushcore_ua_notifier_config_set_u64(pushcore_ua_notifier_config* cfg, int32_t key,
                                                     uint64_t value);
PUSHCORE_API int pushcore_ua_notifier_config_set_random(pushcore_ua_notifier_config* cfg,
                                                        pushcore_random_fn fn, void* ctx);
/* fn NULL removes the service: every subscriber is then unknown (NOTIFY without body). */
PUSHCORE_API int pushcore_ua_notifier_config_set_lookup(pushcore_ua_notifier_config* cfg,
                                                        pushcore_ua_lookup_fn fn, void* ctx);
/* fn NULL: every network-user request is refused. */
PUSHCORE_API int pushcore_ua_notifier_config_set_network_user_policy(
    pushcore_ua_notifier_config* cfg, pushcore_ua_network_user_fn fn, void* ctx);
/* The last failed setter's or pushcore_ua_notifier_new's status, reason and offset. */
PUSHCORE_API int pushcore_ua_notifier_config_last_error(const pushcore_ua_notifier_config* cfg,
                                                        const char** reason, size_t* offset);

/* On failure `out` stays NULL and pushcore_ua_notifier_config_last_error says why. */
PUSHCORE_API int pushcore_ua_notifier_new(pushcore_ua_notifier** out,
                                          const pushcore_ua_notifier_config* cfg);
PUSHCORE_API void pushcore_ua_notifier_free(pushcore_ua_notifier* n);

/* One complete SIP message (a SUBSCRIBE, or a response to one of our NOTIFYs) from a
 * peer: `flow` is the host's connection handle (0: none), host/port its address. Requests
 * are answered even when an error is returned (400, 423, 489, ...). */
PUSHCORE_API int pushcore_ua_notifier_receive(pushcore_ua_notifier* n, const uint8_t* data,
                                              size_t len, uint64_t flow, const char* host,
                                              size_t host_len, uint16_t port, uint64_t now_ms);
/* The profile of `profile_type` for `identity` changed: a NOTIFY to each subscriber of it,
 * with effective-by when has_effective_by is 1. Returns how many are notified. */
PUSHCORE_API int pushcore_ua_notifier_profile_changed(pushcore_ua_notifier* n, int32_t profile_type,
                                                      const char* identity, size_t len,
                                                      int32_t has_effective_by,
                                                      uint32_t effective_by, uint64_t now_ms);
/* Ends a subscription from the host's side (a device out of service, a shutdown): the
 * terminated NOTIFY with reason `why` (PUSHCORE_UA_TERMINATE_*) and, when retry_after is
 * not 0, retry-after; the TERMINATED event (END_BY_HOST) follows its answer.
 * PUSHCORE_E_NOT_FOUND for no such subscription, PUSHCORE_E_INVALID_STATE when it is
 * already ending. */
PUSHCORE_API int pushcore_ua_notifier_terminate(pushcore_ua_notifier* n, uint64_t subscription,
                                                int32_t why, uint32_t retry_after, uint64_t now_ms);
/* 1 and the next message to send, with where to: the flow (0: none) and the address (host
 * NUL-terminated). All borrowed until the next call on n. 0 when none. */
PUSHCORE_API int pushcore_ua_notifier_next_output(pushcore_ua_notifier* n, const uint8_t** data,
                                                  size_t* len, uint64_t* flow, const char** host,
                                                  uint16_t* port);
/* The host could not send the output next_output gave last: a NOTIFY's subscription ends
 * (PUSHCORE_UA_END_NO_RESPONSE). PUSHCORE_E_NOT_FOUND when it was not such a NOTIFY. */
PUSHCORE_API int pushcore_ua_notifier_output_failed(pushcore_ua_notifier* n, uint64_t now_ms);
PUSHCORE_API int pushcore_ua_notifier_next_event(pushcore_ua_notifier* n,
                                                 const pushcore_event** ev);
PUSHCORE_API uint64_t pushcore_ua_notifier_next_deadline(const pushcore_ua_notifier* n);
PUSHCORE_API int pushcore_ua_notifier_on_timeout(pushcore_ua_notifier* n, uint64_t now_ms);
PUSHCORE_API int pushcore_ua_notifier_subscription_count(const pushcore_ua_notifier* n);
/* A subscription's PUSHCORE_UA_SUB_* state; PUSHCORE_E_NOT_FOUND when there is none. */
PUSHCORE_API int pushcore_ua_notifier_state_of(const pushcore_ua_notifier* n,
                                               uint64_t subscription);

/* 10.4 enrollment lists; times in the now_ms clock. add_expected replaces a listed
 * device's window: PUSHCORE_E_SYNTAX for an identifier that is not a MAC or UUID URN,
 * PUSHCORE_E_INVALID_ARGUMENT for not_before > not_after, PUSHCORE_E_LIMIT_STORE when
 * full. The others return 1 or 0 (listed / removed or not). */
PUSHCORE_API int pushcore_ua_notifier_add_expected(pushcore_ua_notifier* n, const char* device,
                                                   size_t len, uint64_t not_before_ms,
                                                   uint64_t not_after_ms);
PUSHCORE_API int pushcore_ua_notifier_remove_expected(pushcore_ua_notifier* n, const char* device,
                                                      size_t len);
PUSHCORE_API int pushcore_ua_notifier_is_expected(const pushcore_ua_notifier* n, const char* device,
                                                  size_t len);
PUSHCORE_API int pushcore_ua_notifier_is_enrolled(const pushcore_ua_notifier* n, const char* device,
                                                  size_t len);
PUSHCORE_API int pushcore_ua_notifier_remove_enrolled(pushcore_ua_notifier* n, const char* device,
                                                      size_t len);
PUSHCORE_API int pushcore_ua_notifier_last_error(const pushcore_ua_notifier* n, const char** reason,
                                                 size_t* offset);

/* ---- the subscriber: a phone's subscription to one profile type (draft 7.3-7.8) -------- */

typedef struct pushcore_ua_subscriber_config pushcore_ua_subscriber_config;
typedef struct pushcore_ua_subscriber pushcore_ua_subscriber;

/* More event fields (the subscriber's and discovery's). */
#define PUSHCORE_FIELD_UA_CHALLENGE 111    /* str: WWW-/Proxy-Authenticate value */
#define PUSHCORE_FIELD_UA_RETRY_AFTER 112  /* u64: seconds (terminated) */
#define PUSHCORE_FIELD_UA_URL 113          /* str: where to fetch the profile */
#define PUSHCORE_FIELD_UA_CONTENT_TYPE 114 /* str */
#define PUSHCORE_FIELD_UA_CONTENT_ID 115   /* str: without '<' '>' */
#define PUSHCORE_FIELD_UA_HASH 116         /* str: SHA-1, 40 hex digits */
#define PUSHCORE_FIELD_UA_SIZE 117         /* u64: the external-body's size parameter */
#define PUSHCORE_FIELD_UA_BODY 118         /* str: an inline profile's bytes (may hold NULs) */
#define PUSHCORE_FIELD_UA_APPLY_BY 119     /* u64: absolute now_ms; absent: apply when idle */
#define PUSHCORE_FIELD_UA_HASH_CHECK 120   /* u64: PUSHCORE_UA_HASH_* */

/* Subscriber events. */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_SUBSCRIBED 120    /* CODE, EXPIRES (granted) */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_AUTH_REQUIRED 121 /* CODE, REASON, CHALLENGE */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_FAILED 122        /* CODE (408: no answer), REASON */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_UNSUBSCRIBED 123  /* CODE */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_TERMINATED 124    /* REASON, RETRY_AFTER */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH \
    125 /* URL, CONTENT_TYPE, CONTENT_ID,  \
           HASH, SIZE, APPLY_BY */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE                                                \
    126                                                  /* CONTENT_TYPE, CONTENT_ID, BODY, \
                                                            APPLY_BY: an inline profile */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_NO_PROFILE 127      /* a NOTIFY without body (7.7) */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_BY 128        /* APPLY_BY (effective-by, 7.8) */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_WHEN_IDLE 129 /* apply when non-obtrusive (7.8) */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_PROFILE_READY \
    130 /* CONTENT_ID, CONTENT_TYPE, URL, HASH_CHECK: current now */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_FETCH_FAILED                                   \
    131 /* CONTENT_ID, CONTENT_TYPE, URL, REASON, HASH_CHECK ("fetch failed", "hash \
           mismatch", "superseded by a newer profile"): the last good one stays */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_APPLY_DUE 132 /* an effective-by deadline came */
/* A refresh failed with a code other than 481 (408: no answer): the subscription stays
 * valid for EXPIRES more seconds and is tried again halfway (RFC 3265 3.1.4.2); then it
 * ends with TERMINATED, REASON "timeout". */
#define PUSHCORE_EVENT_UA_SUBSCRIBER_REFRESH_FAILED 133 /* CODE, REASON, CHALLENGE, EXPIRES */

/* What on_fetched found about an indirect profile's hash (RFC 4483). */
#define PUSHCORE_UA_HASH_NOT_GIVEN 1    /* the NOTIFY gave none */
#define PUSHCORE_UA_HASH_VERIFIED 2     /* SHA-1 matched */
#define PUSHCORE_UA_HASH_UNVERIFIABLE 3 /* given, but no hash function */
#define PUSHCORE_UA_HASH_MISMATCH 4     /* SHA-1 differed: fetch_failed */

/* pushcore_ua_subscriber_state. */
#define PUSHCORE_UA_SUBSCRIBER_STATE_IDLE 1
#define PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBING 2
#define PUSHCORE_UA_SUBSCRIBER_STATE_SUBSCRIBED 3
#define PUSHCORE_UA_SUBSCRIBER_STATE_REFRESHING 4
#define PUSHCORE_UA_SUBSCRIBER_STATE_UNSUBSCRIBING 5
#define PUSHCORE_UA_SUBSCRIBER_STATE_TERMINATED 6

/* pushcore_ua_subscriber_sub_state: the last NOTIFY's Subscription-State (RFC 3265). */
#define PUSHCORE_UA_SUBSTATE_NONE 1
#define PUSHCORE_UA_SUBSTATE_PENDING 2
#define PUSHCORE_UA_SUBSTATE_ACTIVE 3
#define PUSHCORE_UA_SUBSTATE_TERMINATED 4

/* Text settings, by PUSHCORE_UA_SUBSCRIBER_STR_* key. */
#define PUSHCORE_UA_SUBSCRIBER_STR_REQUEST_URI 1 /* required: device URI or the user's AOR */
#define PUSHCORE_UA_SUBSCRIBER_STR_FROM 2        /* From URI; the Request-URI when unset */
#define PUSHCORE_UA_SUBSCRIBER_STR_TO 3          /* To URI; the Request-URI when unset */
#define PUSHCORE_UA_SUBSCRIBER_STR_CONTACT 4
#define PUSHCORE_UA_SUBSCRIBER_STR_TRANSPORT 5     /* Via transport, default "UDP" */
#define PUSHCORE_UA_SUBSCRIBER_STR_SENT_BY 6       /* Via sent-by, "host[:port]" */
#define PUSHCORE_UA_SUBSCRIBER_STR_VENDOR 7        /* required (7.2) */
#define PUSHCORE_UA_SUBSCRIBER_STR_MODEL 8         /* required (7.2) */
#define PUSHCORE_UA_SUBSCRIBER_STR_VERSION 9       /* required (7.2) */
#define PUSHCORE_UA_SUBSCRIBER_STR_NETWORK_USER 10 /* draft08, device/local-network only */
#define PUSHCORE_UA_SUBSCRIBER_STR_USER_AGENT 11   /* omitted when unset */

/* Numeric settings, by PUSHCORE_UA_SUBSCRIBER_* key. */
#define PUSHCORE_UA_SUBSCRIBER_EXPIRES 1        /* s, default 86400; 0: a one-time fetch */
#define PUSHCORE_UA_SUBSCRIBER_REFRESH_MARGIN 2 /* s before expiry, default 600 */

/* SHA-1 of `len` bytes into out20; returns 0 on success. */
typedef int (*pushcore_ua_hash_fn)(void* ctx, const uint8_t* data, size_t len, uint8_t out20[20]);

PUSHCORE_API int pushcore_ua_subscriber_config_new(pushcore_ua_subscriber_config** out);
PUSHCORE_API void pushcore_ua_subscriber_config_free(pushcore_ua_subscriber_config* cfg);
/* profile-type (PUSHCORE_UA_PROFILE_*, default DEVICE); OTHER needs its token, the others
 * take NULL. */
PUSHCORE_API int pushcore_ua_subscriber_config_set_profile_type(pushcore_ua_subscriber_config* cfg,
                                                                int32_t type, const char* token,
                                                                size_t len);
PUSHCORE_API int pushcore_ua_subscriber_config_set_form(pushcore_ua_subscriber_config* cfg,
                                                        int32_t form);
/* A PUSHCORE_UA_SUBSCRIBER_STR_* setting; text with control characters is refused. URIs
 * and the required fields are checked by pushcore_ua_subscriber_new. */
PUSHCORE_API int pushcore_ua_subscriber_config_set_str(pushcore_ua_subscriber_config* cfg,
                                                       int32_t key, const char* value, size_t len);
PUSHCORE_API int pushcore_ua_subscriber_config_set_u64(pushcore_ua_subscriber_config* cfg,
                                                       int32_t key, uint64_t value);
/* A profile media type for Accept, after message/external-body (7.2, 7.5), in order. */
PUSHCORE_API int pushcore_ua_subscriber_config_add_accept(pushcore_ua_subscriber_config* cfg,
                                                          const char* media_type, size_t len);
PUSHCORE_API int pushcore_ua_subscriber_config_set_random(pushcore_ua_subscriber_config* cfg,
                                                          pushcore_random_fn fn, void* ctx);
/* fn NULL restores the default (OpenSSL's SHA-1 when the build has it; else none, and a
 * hash in a NOTIFY is reported PUSHCORE_UA_HASH_UNVERIFIABLE). */
PUSHCORE_API int pushcore_ua_subscriber_config_set_hash(pushcore_ua_subscriber_config* cfg,
                                                        pushcore_ua_hash_fn fn, void* ctx);
PUSHCORE_API int pushcore_ua_subscriber_config_last_error(const pushcore_ua_subscriber_config* cfg,
                                                          const char** reason, size_t* offset);

/* On failure `out` stays NULL and pushcore_ua_subscriber_config_last_error says why
 * (a URI that does not parse, vendor/model/version missing, ...). */
PUSHCORE_API int pushcore_ua_subscriber_new(pushcore_ua_subscriber** out,
                                            const pushcore_ua_subscriber_config* cfg);
PUSHCORE_API void pushcore_ua_subscriber_free(pushcore_ua_subscriber* s);
/* The initial SUBSCRIBE (from idle or terminated), and the Expires 0 one. */
PUSHCORE_API int pushcore_ua_subscriber_start(pushcore_ua_subscriber* s, uint64_t now_ms);
PUSHCORE_API int pushcore_ua_subscriber_stop(pushcore_ua_subscriber* s, uint64_t now_ms);
/* One complete SIP message: a response to our SUBSCRIBE, or a NOTIFY (always answered
 * through next_output; a refused one returns the reason's status). */
PUSHCORE_API int pushcore_ua_subscriber_receive(pushcore_ua_subscriber* s, const uint8_t* data,
                                                size_t len, uint64_t now_ms);
/* The host fetched (or failed to fetch) the profile of a fetch event's CONTENT_ID.
 * PUSHCORE_E_NOT_FOUND when no such fetch is outstanding. */
PUSHCORE_API int pushcore_ua_subscriber_on_fetched(pushcore_ua_subscriber* s,
                                                   const char* content_id, size_t id_len,
                                                   const uint8_t* data, size_t len,
                                                   uint64_t now_ms);
PUSHCORE_API int pushcore_ua_subscriber_on_fetch_failed(pushcore_ua_subscriber* s,
                                                        const char* content_id, size_t id_len,
                                                        uint64_t now_ms);
/* The host made the current profiles effective: cancels the apply_due deadline. */
PUSHCORE_API int pushcore_ua_subscriber_applied(pushcore_ua_subscriber* s);
/* 1 and the next message to send to the profile delivery server (borrowed), 0 none. */
PUSHCORE_API int pushcore_ua_subscriber_next_output(pushcore_ua_subscriber* s, const uint8_t** data,
                                                    size_t* len);
PUSHCORE_API int pushcore_ua_subscriber_next_event(pushcore_ua_subscriber* s,
                                                   const pushcore_event** ev);
PUSHCORE_API uint64_t pushcore_ua_subscriber_next_deadline(const pushcore_ua_subscriber* s);
PUSHCORE_API int pushcore_ua_subscriber_on_timeout(pushcore_ua_subscriber* s, uint64_t now_ms);
/* PUSHCORE_UA_SUBSCRIBER_STATE_*, PUSHCORE_UA_SUBSTATE_*, outstanding fetches. */
PUSHCORE_API int pushcore_ua_subscriber_state(const pushcore_ua_subscriber* s);
PUSHCORE_API int pushcore_ua_subscriber_sub_state(const pushcore_ua_subscriber* s);
PUSHCORE_API int pushcore_ua_subscriber_pending_fetches(const pushcore_ua_subscriber* s);
/* The current good profile: the most recent one (content_type NULL or empty), or the one
 * of a media type. A text field (PUSHCORE_UA_FIELD_URL, CONTENT_TYPE, CONTENT_ID; URL is
 * empty for an inline profile), its bytes, its effective-by time (1 and *apply_by, 0 when
 * to apply when idle): 1 when there is such a profile, 0 when not. Borrowed until the
 * next call on s. */
PUSHCORE_API int pushcore_ua_subscriber_current_profile_str(pushcore_ua_subscriber* s,
                                                            const char* content_type, size_t ct_len,
                                                            int32_t field, const char** value,
                                                            size_t* len);
PUSHCORE_API int pushcore_ua_subscriber_current_profile_body(pushcore_ua_subscriber* s,
                                                             const char* content_type,
                                                             size_t ct_len, const uint8_t** data,
                                                             size_t* len);
PUSHCORE_API int pushcore_ua_subscriber_current_profile_apply_by(pushcore_ua_subscriber* s,
                                                                 const char* content_type,
                                                                 size_t ct_len, uint64_t* apply_by);
PUSHCORE_API int pushcore_ua_subscriber_last_error(const pushcore_ua_subscriber* s,
                                                   const char** reason, size_t* offset);

/* ---- discovery: the SUBSCRIBE Request-URIs in the order of draft 8.1 (RFC 6080 6.1) ----- */

/* The machine sends nothing: it names the Request-URI to subscribe to (a SUBSCRIBE event),
 * and the host reports what that attempt came to. */

typedef struct pushcore_ua_discovery_config pushcore_ua_discovery_config;
typedef struct pushcore_ua_discovery pushcore_ua_discovery;

/* More event fields. PROFILE_TYPE (the profile an attempt is for) and CODE are reused. */
#define PUSHCORE_FIELD_UA_URI 121    /* str: the Request-URI (subscribe), or the URI to keep */
#define PUSHCORE_FIELD_UA_SOURCE 122 /* u64: PUSHCORE_UA_SOURCE_* */
#define PUSHCORE_FIELD_UA_HOST 123   /* str: a refused host (candidate_rejected) */

/* Discovery events. */
#define PUSHCORE_EVENT_UA_DISCOVERY_SUBSCRIBE 140 /* PROFILE_TYPE, SOURCE, URI */
#define PUSHCORE_EVENT_UA_DISCOVERY_AUTHORIZATION_REQUIRED \
    141 /* PROFILE_TYPE, SOURCE, URI,                      \
           CODE (401/407): retry it */
#define PUSHCORE_EVENT_UA_DISCOVERY_PROFILE_UNAVAILABLE                                     \
    142                                                       /* PROFILE_TYPE, SOURCE, URI, \
                                                                 CODE (0: no response) */
#define PUSHCORE_EVENT_UA_DISCOVERY_CANDIDATE_REJECTED 143    /* HOST, REASON: skipped */
#define PUSHCORE_EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI 144    /* URI: store it (8.1.2) */
#define PUSHCORE_EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED 145 /* call manual_host */
#define PUSHCORE_EVENT_UA_DISCOVERY_USER_AOR_REQUIRED 146     /* call user_aor */
#define PUSHCORE_EVENT_UA_DISCOVERY_COMPLETE 147

/* Where an attempt's Request-URI came from. */
#define PUSHCORE_UA_SOURCE_LOCAL_DOMAIN 1    /* local-network URI, or device candidate 2 */
#define PUSHCORE_UA_SOURCE_CACHED 2          /* the cached device URI */
#define PUSHCORE_UA_SOURCE_DHCP_SIP_SERVER 3 /* DHCP option 120 */
#define PUSHCORE_UA_SOURCE_SIPUACONFIG 4     /* "sipuaconfig." + the local domain */
#define PUSHCORE_UA_SOURCE_MANUAL 5          /* manual_host */
#define PUSHCORE_UA_SOURCE_USER_AOR 6        /* user and application profiles */

/* What an attempt came to, for pushcore_ua_discovery_report. */
#define PUSHCORE_UA_OUTCOME_WITH_PROFILE 1    /* 2xx and a NOTIFY with profile data or URIs */
#define PUSHCORE_UA_OUTCOME_WITHOUT_PROFILE 2 /* 2xx and a NOTIFY without them */
#define PUSHCORE_UA_OUTCOME_TIMEOUT 3         /* no SIP response */
#define PUSHCORE_UA_OUTCOME_FAILURE 4         /* a final failure response, code 300-699 */

/* pushcore_ua_discovery_state. */
#define PUSHCORE_UA_DISCOVERY_STATE_IDLE 1
#define PUSHCORE_UA_DISCOVERY_STATE_LOCAL_NETWORK 2
#define PUSHCORE_UA_DISCOVERY_STATE_DEVICE 3
#define PUSHCORE_UA_DISCOVERY_STATE_DEVICE_ENROLLED 4
#define PUSHCORE_UA_DISCOVERY_STATE_MANUAL_ENTRY 5
#define PUSHCORE_UA_DISCOVERY_STATE_AWAITING_USER_AOR 6
#define PUSHCORE_UA_DISCOVERY_STATE_USER 7
#define PUSHCORE_UA_DISCOVERY_STATE_APPLICATION 8
#define PUSHCORE_UA_DISCOVERY_STATE_DONE 9

/* Text settings, by PUSHCORE_UA_DISCOVERY_STR_* key. */
#define PUSHCORE_UA_DISCOVERY_STR_CACHED_DEVICE_URI 1 /* from an earlier PERSIST_DEVICE_URI */
#define PUSHCORE_UA_DISCOVERY_STR_DHCP_DOMAIN 2       /* DHCP option 15 */
#define PUSHCORE_UA_DISCOVERY_STR_CONFIGURED_DOMAIN 3 /* wins over the DHCP domain */
#define PUSHCORE_UA_DISCOVERY_STR_USER_AOR 4          /* provisioned; wins over the default */

PUSHCORE_API int pushcore_ua_discovery_config_new(pushcore_ua_discovery_config** out);
PUSHCORE_API void pushcore_ua_discovery_config_free(pushcore_ua_discovery_config* cfg);
/* The device identifier (required): a MAC address in any form normalize_mac accepts, or a
 * UUID URN. PUSHCORE_E_SYNTAX with reason and offset otherwise. */
PUSHCORE_API int pushcore_ua_discovery_config_set_device(pushcore_ua_discovery_config* cfg,
                                                         const char* id, size_t len);
PUSHCORE_API int pushcore_ua_discovery_config_set_form(pushcore_ua_discovery_config* cfg,
                                                       int32_t form);
PUSHCORE_API int pushcore_ua_discovery_config_set_str(pushcore_ua_discovery_config* cfg,
                                                      int32_t key, const char* value, size_t len);
/* A DHCP option 120 SIP server, host[:port], in order. */
PUSHCORE_API int pushcore_ua_discovery_config_add_dhcp_sip_server(pushcore_ua_discovery_config* cfg,
                                                                  const char* host, size_t len);
/* 1 (default): the application profile after the user profile (draft08 only); 0: not. */
PUSHCORE_API int pushcore_ua_discovery_config_set_application_profile(
    pushcore_ua_discovery_config* cfg, int32_t enabled);
PUSHCORE_API int pushcore_ua_discovery_config_last_error(const pushcore_ua_discovery_config* cfg,
                                                         const char** reason, size_t* offset);

/* On failure `out` stays NULL and pushcore_ua_discovery_config_last_error says why. */
PUSHCORE_API int pushcore_ua_discovery_new(pushcore_ua_discovery** out,
                                           const pushcore_ua_discovery_config* cfg);
PUSHCORE_API void pushcore_ua_discovery_free(pushcore_ua_discovery* d);
/* The local-network profile first (skipped without a local domain). Once. */
PUSHCORE_API int pushcore_ua_discovery_start(pushcore_ua_discovery* d);
/* The current attempt's outcome (PUSHCORE_UA_OUTCOME_*; code for FAILURE, 300-699).
 * PUSHCORE_E_INVALID_STATE when no attempt is in progress. */
PUSHCORE_API int pushcore_ua_discovery_report(pushcore_ua_discovery* d, int32_t kind,
                                              uint32_t code);
/* A host[:port] the user entered (8.1.2 item 4). */
PUSHCORE_API int pushcore_ua_discovery_manual_host(pushcore_ua_discovery* d, const char* host,
                                                   size_t len);
/* The AOR for the user (and application) profile (8.1.3): a SIP or SIPS URI. */
PUSHCORE_API int pushcore_ua_discovery_user_aor(pushcore_ua_discovery* d, const char* aor,
                                                size_t len);
PUSHCORE_API int pushcore_ua_discovery_next_event(pushcore_ua_discovery* d,
                                                  const pushcore_event** ev);
/* PUSHCORE_UA_DISCOVERY_STATE_*. */
PUSHCORE_API int pushcore_ua_discovery_state(const pushcore_ua_discovery* d);
/* The attempt in progress: 1 and its profile type (PUSHCORE_UA_PROFILE_*), source and
 * Request-URI (borrowed until the next call on d; any pointer may be NULL), 0 when none. */
PUSHCORE_API int pushcore_ua_discovery_current(pushcore_ua_discovery* d, int32_t* profile_type,
                                               int32_t* source, const char** uri, size_t* len);
/* The device candidates still to try after the current one. */
PUSHCORE_API int pushcore_ua_discovery_remaining_device_candidates(const pushcore_ua_discovery* d);
PUSHCORE_API int pushcore_ua_discovery_last_error(const pushcore_ua_discovery* d,
                                                  const char** reason, size_t* offset);

#ifdef __cplusplus
}
#endif

#endif /* PUSHCORE_UA_PROFILE_H */
