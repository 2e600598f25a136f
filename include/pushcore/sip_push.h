/*
 * pushcore C ABI: SIP push (draft-ietf-sipcore-sip-push-04, RFC 8599).
 *
 * Objects:
 *   pushcore_event            one event pulled from a machine; typed getters by field
 *   pushcore_sip_framer       frames SIP messages out of a byte stream (TCP/TLS)
 *   pushcore_push_params      the pn-* parameters read from a Contact or URI
 *   pushcore_provider_registry the push providers a proxy supports (apns, fcm, webpush, ...)
 *   pushcore_sip_ua(_config)  the UA machine (draft section 4)
 *   pushcore_sip_proxy(_config) the proxy/registrar machine (draft section 5)
 *
 * Conventions (see pushcore/core.h): int returns are PUSHCORE_OK / a count / a negative
 * pushcore_status. Text parameters are NUL-terminated UTF-8 (`const char*`); wire bytes
 * are pointer + length. Strings and bytes handed out are borrowed: valid until the next
 * call on the same handle. Each handle has *_last_error giving the status, a reason
 * (static storage) and a byte offset of its last call that can fail (PUSHCORE_OK with
 * an empty reason after a call that succeeded).
 */
#ifndef PUSHCORE_SIP_PUSH_H
#define PUSHCORE_SIP_PUSH_H

#include "pushcore/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- events ------------------------------------------------------------------------ */

typedef struct pushcore_event pushcore_event;

/* Event types. */
#define PUSHCORE_EVENT_UA_REGISTERED 1           /* UA: 2xx to REGISTER */
#define PUSHCORE_EVENT_UA_REGISTRATION_FAILED 2  /* UA: final non-2xx or no answer (408) */
#define PUSHCORE_EVENT_UA_UNREGISTERED 3         /* UA: Expires 0 REGISTER succeeded */
#define PUSHCORE_EVENT_PROXY_PUSH_REQUEST 10     /* proxy: send a push notification */
#define PUSHCORE_EVENT_PROXY_BINDING_UPDATED 11  /* proxy: binding added or refreshed */
#define PUSHCORE_EVENT_PROXY_BINDING_REMOVED 12  /* proxy: unregistered or expired */
#define PUSHCORE_EVENT_PROXY_REQUEST_REJECTED 13 /* proxy: a held request was answered */

/* Event fields. Which fields an event has is listed with each getter's caller in README. */
#define PUSHCORE_FIELD_CODE 1           /* u64: SIP status code */
#define PUSHCORE_FIELD_REASON 2         /* str: reason phrase */
#define PUSHCORE_FIELD_EXPIRES 3        /* u64: seconds */
#define PUSHCORE_FIELD_PUSH_SUPPORTED 4 /* u64: 1 when the proxy announced our provider */
#define PUSHCORE_FIELD_PNS 5            /* str: providers of +sip.pns, comma-separated */
#define PUSHCORE_FIELD_PNSREG 6         /* u64: 1 when +sip.pnsreg was present */
#define PUSHCORE_FIELD_PNSREG_SECONDS 7 /* u64: its value, when it had one */
#define PUSHCORE_FIELD_PNSPURR 8        /* str: +sip.pnspurr value */
#define PUSHCORE_FIELD_VAPID 9          /* str: +sip.vapid value */
#define PUSHCORE_FIELD_BINDING_ID 10    /* u64: pass to pushcore_sip_proxy_push_failed */
#define PUSHCORE_FIELD_AOR 11           /* str: "user@host" */
#define PUSHCORE_FIELD_CONTACT 12       /* str: the binding's contact URI */
#define PUSHCORE_FIELD_PROVIDER 13      /* str: pn-provider */
#define PUSHCORE_FIELD_PRID 14          /* str: pn-prid */
#define PUSHCORE_FIELD_PARAM 15         /* str: pn-param */
#define PUSHCORE_FIELD_PURR 16          /* str: pn-purr */
#define PUSHCORE_FIELD_PUSH_REASON 17   /* u64: PUSHCORE_PUSH_REASON_* */

#define PUSHCORE_PUSH_REASON_REQUEST 1    /* a request waits for the UA */
#define PUSHCORE_PUSH_REASON_REREGISTER 2 /* the binding expires soon (RFC 8599) */

/* The event's type (PUSHCORE_EVENT_*). */
PUSHCORE_API int32_t pushcore_event_type(const pushcore_event* ev);

/* A string field: 1 and *value and *len set when the event has it (value is NUL-terminated
 * too), 0 when it has not, PUSHCORE_E_INVALID_ARGUMENT on NULL pointers. */
PUSHCORE_API int pushcore_event_str(const pushcore_event* ev, int32_t field, const char** value,
                                    size_t* len);

/* A numeric field: 1 and *value set when the event has it, 0 when it has not. */
PUSHCORE_API int pushcore_event_u64(const pushcore_event* ev, int32_t field, uint64_t* value);

/* The fields an event has, for generic consumers (bindings, loggers): the count, and the
 * i-th field's id and kind (PUSHCORE_FIELD_KIND_*). */
#define PUSHCORE_FIELD_KIND_STR 1
#define PUSHCORE_FIELD_KIND_U64 2
PUSHCORE_API int pushcore_event_field_count(const pushcore_event* ev);
PUSHCORE_API int pushcore_event_field_at(const pushcore_event* ev, size_t i, int32_t* field,
                                         int32_t* kind);

/* ---- stream framing ---------------------------------------------------------------- */

typedef struct pushcore_sip_framer pushcore_sip_framer;

/* Limits of 0 take the defaults (16 KiB of header, 64 header fields, 64 KiB of body). */
PUSHCORE_API int pushcore_sip_framer_new(pushcore_sip_framer** out, size_t max_header_bytes,
                                         size_t max_headers, size_t max_body_bytes);
PUSHCORE_API void pushcore_sip_framer_free(pushcore_sip_framer* f);

/* Copies `len` bytes in. Never retains `data`. */
PUSHCORE_API int pushcore_sip_framer_receive(pushcore_sip_framer* f, const uint8_t* data,
                                             size_t len);

/* 1: *msg and *len hold one complete message (borrowed until the next call on f);
 * 0: more bytes are needed; < 0: the stream is broken (Content-Length missing or bad,
 * header limit, ...) and stays broken: close the connection. */
PUSHCORE_API int pushcore_sip_framer_next(pushcore_sip_framer* f, const uint8_t** msg, size_t* len);

/* The peer closed the stream: PUSHCORE_E_TRUNCATED if it stopped inside a message. */
PUSHCORE_API int pushcore_sip_framer_end(pushcore_sip_framer* f);

PUSHCORE_API int pushcore_sip_framer_last_error(const pushcore_sip_framer* f, const char** reason,
                                                size_t* offset);

/* ---- pn-* parameters --------------------------------------------------------------- */

typedef struct pushcore_push_params pushcore_push_params;
typedef struct pushcore_provider_registry pushcore_provider_registry;

#define PUSHCORE_PN_PROVIDER 1
#define PUSHCORE_PN_PARAM 2
#define PUSHCORE_PN_PRID 3
#define PUSHCORE_PN_PURR 4
#define PUSHCORE_PN_ENCKEY 5
#define PUSHCORE_PN_ENCCODE 6

/* Reads the pn-* parameters of a Contact header value, a name-addr, or a bare SIP URI
 * (a Request-URI). On failure returns the status and, when `out` is not NULL, still
 * creates a handle whose last_error gives reason and offset; free it either way. */
PUSHCORE_API int pushcore_push_params_parse(pushcore_push_params** out, const char* text,
                                            size_t len);
PUSHCORE_API void pushcore_push_params_free(pushcore_push_params* p);

/* The decoded value of PUSHCORE_PN_*: 1 and *value and *len set (NUL-terminated) when
 * present, 0 when absent. */
PUSHCORE_API int pushcore_push_params_get(pushcore_push_params* p, int32_t which,
                                          const char** value, size_t* len);

/* Number of unknown pn-* parameters, and the i-th one's decoded name and value with
 * their lengths (a decoded value may hold NUL bytes; both are NUL-terminated too). */
PUSHCORE_API int pushcore_push_params_unknown_count(const pushcore_push_params* p);
PUSHCORE_API int pushcore_push_params_unknown_get(pushcore_push_params* p, size_t i,
                                                  const char** name, size_t* name_len,
                                                  const char** value, size_t* value_len);

/* Checks the parameters against a registry (draft 5.3): PUSHCORE_OK,
 * PUSHCORE_E_PUSH_INFO_MISSING, PUSHCORE_E_PUSH_INFO_INVALID or
 * PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED; last_error names what is wrong. */
PUSHCORE_API int pushcore_push_params_validate(pushcore_push_params* p,
                                               const pushcore_provider_registry* registry);

PUSHCORE_API int pushcore_push_params_last_error(const pushcore_push_params* p, const char** reason,
                                                 size_t* offset);

/* Registry of providers. with_defaults != 0 starts with apns, fcm and webpush. */
PUSHCORE_API int pushcore_provider_registry_new(pushcore_provider_registry** out,
                                                int32_t with_defaults);
PUSHCORE_API void pushcore_provider_registry_free(pushcore_provider_registry* r);

#define PUSHCORE_NEED_REQUIRED 0
#define PUSHCORE_NEED_OPTIONAL 1
#define PUSHCORE_NEED_UNUSED 2
#define PUSHCORE_FORMAT_ANY 0
#define PUSHCORE_FORMAT_HEX 1
#define PUSHCORE_FORMAT_APNS_APP_ID 2
#define PUSHCORE_FORMAT_HTTPS_URI 3

/* Adds a provider: its pn-provider name (a token), whether pn-param is needed
 * (PUSHCORE_NEED_*), and the formats (PUSHCORE_FORMAT_*) of pn-param and pn-prid.
 * PUSHCORE_E_ALREADY_EXISTS for a name already present. */
PUSHCORE_API int pushcore_provider_registry_add(pushcore_provider_registry* r, const char* name,
                                                int32_t param_need, int32_t param_format,
                                                int32_t prid_format);

/* ---- the UA ------------------------------------------------------------------------- */

typedef struct pushcore_sip_ua_config pushcore_sip_ua_config;
typedef struct pushcore_sip_ua pushcore_sip_ua;

PUSHCORE_API int pushcore_sip_ua_config_new(pushcore_sip_ua_config** out);
PUSHCORE_API void pushcore_sip_ua_config_free(pushcore_sip_ua_config* cfg);

/* Text settings, by PUSHCORE_UA_* key: AOR ("sip:alice@example.com"), REGISTRAR
 * (Request-URI), CONTACT (contact URI without pn-*), TRANSPORT ("UDP", "TCP", ...),
 * SENT_BY (Via "host:port"), USER_AGENT. */
#define PUSHCORE_UA_AOR 1
#define PUSHCORE_UA_REGISTRAR 2
#define PUSHCORE_UA_CONTACT 3
#define PUSHCORE_UA_TRANSPORT 4
#define PUSHCORE_UA_SENT_BY 5
#define PUSHCORE_UA_USER_AGENT 6
PUSHCORE_API int pushcore_sip_ua_config_set_str(pushcore_sip_ua_config* cfg, int32_t key,
                                                const char* value);
/* Requested lifetime (default 3600 s) and refresh margin (default 120 s). */
PUSHCORE_API int pushcore_sip_ua_config_set_expires(pushcore_sip_ua_config* cfg, uint32_t expires_s,
                                                    uint32_t margin_s);
/* Replaces the random source (required in builds without OpenSSL). */
PUSHCORE_API int pushcore_sip_ua_config_set_random(pushcore_sip_ua_config* cfg,
                                                   pushcore_random_fn fn, void* ctx);

/* The last failed setter's or pushcore_sip_ua_new's status, reason and offset. */
PUSHCORE_API int pushcore_sip_ua_config_last_error(const pushcore_sip_ua_config* cfg,
                                                   const char** reason, size_t* offset);

/* Creates a UA from a config (copied; the config may be freed after). Invalid URIs or
 * a missing random source give PUSHCORE_E_INVALID_ARGUMENT; `out` stays NULL and
 * pushcore_sip_ua_config_last_error says which setting is wrong. */
PUSHCORE_API int pushcore_sip_ua_new(pushcore_sip_ua** out, const pushcore_sip_ua_config* cfg);
PUSHCORE_API void pushcore_sip_ua_free(pushcore_sip_ua* ua);

/* Registers. With provider == NULL the REGISTER carries no push parameters; otherwise
 * prid is required and param optional (NULL). */
PUSHCORE_API int pushcore_sip_ua_start(pushcore_sip_ua* ua, const char* provider, const char* param,
                                       const char* prid, uint64_t now_ms);
/* A push notification arrived: re-register (draft 4 MUST). */
PUSHCORE_API int pushcore_sip_ua_on_push(pushcore_sip_ua* ua, uint64_t now_ms);
/* The PNS gave a new PRID: re-register with it. */
PUSHCORE_API int pushcore_sip_ua_update_prid(pushcore_sip_ua* ua, const char* prid,
                                             uint64_t now_ms);
/* Register without push parameters (draft 4: how a UA stops push). */
PUSHCORE_API int pushcore_sip_ua_stop_push(pushcore_sip_ua* ua, uint64_t now_ms);
/* Remove the registration (Expires: 0). */
PUSHCORE_API int pushcore_sip_ua_unregister(pushcore_sip_ua* ua, uint64_t now_ms);

/* One complete SIP message from the registrar (a datagram, or what the framer yields).
 * PUSHCORE_E_UNEXPECTED_MESSAGE for a response to no REGISTER in progress; parse
 * errors as their status with reason and offset in last_error. */
PUSHCORE_API int pushcore_sip_ua_receive(pushcore_sip_ua* ua, const uint8_t* data, size_t len,
                                         uint64_t now_ms);

/* 1 and *data and *len set to the next message to send to the registrar; 0 when none. */
PUSHCORE_API int pushcore_sip_ua_next_output(pushcore_sip_ua* ua, const uint8_t** data,
                                             size_t* len);
/* 1 and *ev set (borrowed until the next call on ua); 0 when none. */
PUSHCORE_API int pushcore_sip_ua_next_event(pushcore_sip_ua* ua, const pushcore_event** ev);
/* Absolute time of the next timer, or PUSHCORE_NO_DEADLINE. */
PUSHCORE_API uint64_t pushcore_sip_ua_next_deadline(const pushcore_sip_ua* ua);
PUSHCORE_API int pushcore_sip_ua_on_timeout(pushcore_sip_ua* ua, uint64_t now_ms);

#define PUSHCORE_UA_STATE_IDLE 0
#define PUSHCORE_UA_STATE_REGISTERING 1
#define PUSHCORE_UA_STATE_REGISTERED 2
#define PUSHCORE_UA_STATE_UNREGISTERING 3
PUSHCORE_API int32_t pushcore_sip_ua_state(const pushcore_sip_ua* ua);

PUSHCORE_API int pushcore_sip_ua_last_error(const pushcore_sip_ua* ua, const char** reason,
                                            size_t* offset);

/* ---- the proxy/registrar -------------------------------------------------------------- */

typedef struct pushcore_sip_proxy_config pushcore_sip_proxy_config;
typedef struct pushcore_sip_proxy pushcore_sip_proxy;

PUSHCORE_API int pushcore_sip_proxy_config_new(pushcore_sip_proxy_config** out);
PUSHCORE_API void pushcore_sip_proxy_config_free(pushcore_sip_proxy_config* cfg);

/* Our Via when forwarding: transport ("UDP") and sent-by ("host:port"). */
PUSHCORE_API int pushcore_sip_proxy_config_set_via(pushcore_sip_proxy_config* cfg,
                                                   const char* transport, const char* sent_by);
/* Supported providers (copied). Default: apns, fcm, webpush. */
PUSHCORE_API int pushcore_sip_proxy_config_set_providers(pushcore_sip_proxy_config* cfg,
                                                         const pushcore_provider_registry* r);

/* Numeric settings, by PUSHCORE_PROXY_* key. */
#define PUSHCORE_PROXY_HOLD_TIMEOUT_MS 1     /* default 30000 */
#define PUSHCORE_PROXY_REREGISTER_PUSHES 2   /* 0/1, default 1 (announces +sip.pnsreg) */
#define PUSHCORE_PROXY_REREGISTER_MARGIN_S 3 /* default 120 (RFC 8599) */
#define PUSHCORE_PROXY_PNS_STYLE 4           /* 0 RFC 8599 single values, 1 draft list */
#define PUSHCORE_PROXY_MIN_EXPIRES 5         /* default 60 */
#define PUSHCORE_PROXY_MAX_EXPIRES 6         /* default 86400 */
#define PUSHCORE_PROXY_DEFAULT_EXPIRES 7     /* default 3600 */
#define PUSHCORE_PROXY_MAX_BINDINGS 8        /* default 100000 */
#define PUSHCORE_PROXY_MAX_HELD 9            /* default 10000 */
PUSHCORE_API int pushcore_sip_proxy_config_set_u64(pushcore_sip_proxy_config* cfg, int32_t key,
                                                   uint64_t value);
/* Forward REGISTERs it cannot serve to host:port instead of answering 555 (draft 5.3).
 * host NULL turns forwarding off. */
PUSHCORE_API int pushcore_sip_proxy_config_set_forward(pushcore_sip_proxy_config* cfg,
                                                       const char* host, uint16_t port);
PUSHCORE_API int pushcore_sip_proxy_config_set_random(pushcore_sip_proxy_config* cfg,
                                                      pushcore_random_fn fn, void* ctx);

/* Authentication (RFC 3261 22), a synchronous service of the host, called for every
 * request except ACK and CANCEL before the proxy acts on it, with the whole request.
 * Return 0 to accept; 401 or 407 after writing the WWW-/Proxy-Authenticate value as a
 * NUL-terminated string into challenge[0..cap); or 403. A challenged REGISTER changes no
 * binding and releases no held request. fn NULL removes the authorizer. */
typedef int32_t (*pushcore_sip_auth_fn)(void* ctx, const uint8_t* request, size_t len,
                                        char* challenge, size_t cap);
PUSHCORE_API int pushcore_sip_proxy_config_set_authorizer(pushcore_sip_proxy_config* cfg,
                                                          pushcore_sip_auth_fn fn, void* ctx);

/* The last failed setter's or pushcore_sip_proxy_new's status, reason and offset. */
PUSHCORE_API int pushcore_sip_proxy_config_last_error(const pushcore_sip_proxy_config* cfg,
                                                      const char** reason, size_t* offset);

/* Creates a proxy from a config (copied). On failure `out` stays NULL and
 * pushcore_sip_proxy_config_last_error gives the reason. */
PUSHCORE_API int pushcore_sip_proxy_new(pushcore_sip_proxy** out,
                                        const pushcore_sip_proxy_config* cfg);
PUSHCORE_API void pushcore_sip_proxy_free(pushcore_sip_proxy* proxy);

/* One complete SIP message from a peer: `flow` is the host's connection handle (0 for
 * none), host/port the peer's transport address. */
PUSHCORE_API int pushcore_sip_proxy_receive(pushcore_sip_proxy* proxy, uint64_t flow,
                                            const char* host, uint16_t port, const uint8_t* data,
                                            size_t len, uint64_t now_ms);

/* The host's push could not be delivered: held requests for the binding get 480.
 * PUSHCORE_E_NOT_FOUND when nothing is held for it. */
PUSHCORE_API int pushcore_sip_proxy_push_failed(pushcore_sip_proxy* proxy, uint64_t binding_id,
                                                uint64_t now_ms);

/* 1 and the next message to send: bytes, and where: the flow (0: none; use it while it is
 * open) and the transport address. All borrowed until the next call on proxy. */
PUSHCORE_API int pushcore_sip_proxy_next_output(pushcore_sip_proxy* proxy, const uint8_t** data,
                                                size_t* len, uint64_t* flow, const char** host,
                                                uint16_t* port);
/* The host could not send the output pushcore_sip_proxy_next_output gave last (its flow
 * is gone, the address unreachable). A forwarded request is then rejected with 480
 * (draft 5.3); PUSHCORE_E_NOT_FOUND when that output was not a forwarded request. */
PUSHCORE_API int pushcore_sip_proxy_output_failed(pushcore_sip_proxy* proxy, uint64_t now_ms);

PUSHCORE_API int pushcore_sip_proxy_next_event(pushcore_sip_proxy* proxy,
                                               const pushcore_event** ev);
PUSHCORE_API uint64_t pushcore_sip_proxy_next_deadline(const pushcore_sip_proxy* proxy);
PUSHCORE_API int pushcore_sip_proxy_on_timeout(pushcore_sip_proxy* proxy, uint64_t now_ms);
PUSHCORE_API int pushcore_sip_proxy_binding_count(const pushcore_sip_proxy* proxy);
PUSHCORE_API int pushcore_sip_proxy_held_count(const pushcore_sip_proxy* proxy);
PUSHCORE_API int pushcore_sip_proxy_last_error(const pushcore_sip_proxy* proxy, const char** reason,
                                               size_t* offset);

/* ---- 555 ----------------------------------------------------------------------------- */

/* Writes a 555 (Push Notification Service Not Supported) response to `request` (draft
 * 7.1, for REGISTER) with Feature-Caps listing the registry's providers in `style`
 * (0 RFC 8599 single values, 1 the draft's list). *written gets the length; with
 * PUSHCORE_E_BUFFER_TOO_SMALL it gets the length needed. */
PUSHCORE_API int pushcore_sip_push_build_555(const uint8_t* request, size_t request_len,
                                             const pushcore_provider_registry* registry,
                                             int32_t style, uint8_t* out, size_t cap,
                                             size_t* written);

#ifdef __cplusplus
}
#endif

#endif /* PUSHCORE_SIP_PUSH_H */
