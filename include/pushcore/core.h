/*
 * pushcore C ABI: what every module shares.
 *
 * Status codes, version, and the conventions every handle follows:
 *  - Functions return int: PUSHCORE_OK (0) or a pushcore_status (< 0). Functions that
 *    count return a non-negative count or a pushcore_status.
 *  - Pointers passed in are borrowed for the duration of the call only; the library
 *    copies what it keeps.
 *  - Pointers handed out (strings, event data) stay valid until the next call on the
 *    same handle, unless the function says otherwise.
 *  - One handle is used by one thread at a time. There is no global state and no
 *    global initialisation.
 */
#ifndef PUSHCORE_CORE_H
#define PUSHCORE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "pushcore/version.h"

#if defined(_WIN32)
#define PUSHCORE_API __declspec(dllexport)
#else
#define PUSHCORE_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Status codes. The values are pinned: a value, once shipped, never changes meaning.
 * Ranges: -1..-99 local misuse (the caller broke the contract), -100..-199 the peer
 * broke the protocol, -200..-299 a resource limit was reached, -300.. fatal.
 */
typedef enum pushcore_status {
    PUSHCORE_OK = 0,

    /* Local misuse. */
    PUSHCORE_E_INVALID_ARGUMENT = -1, /* NULL pointer, out-of-range value, bad config */
    PUSHCORE_E_INVALID_STATE = -2,    /* the call is not allowed in the current state */
    PUSHCORE_E_BUFFER_TOO_SMALL = -3, /* output buffer too small; nothing was written */
    PUSHCORE_E_NOT_FOUND = -4,        /* no such binding, parameter, header, ... */
    PUSHCORE_E_ALREADY_EXISTS = -5,   /* e.g. a provider registered twice */

    /* The peer broke the protocol. last_error_detail names the rule and byte offset. */
    PUSHCORE_E_SYNTAX = -100,                    /* a grammar rule failed (RFC 3261 s. 25) */
    PUSHCORE_E_BAD_ESCAPE = -101,                /* malformed %HH escape or quoted-pair */
    PUSHCORE_E_BAD_URI = -102,                   /* not a valid SIP/SIPS URI */
    PUSHCORE_E_BAD_START_LINE = -103,            /* request line or status line malformed */
    PUSHCORE_E_BAD_HEADER = -104,                /* header field malformed */
    PUSHCORE_E_BAD_CONTENT_LENGTH = -105,        /* missing on a stream, not a number, too large */
    PUSHCORE_E_MISSING_HEADER = -106,            /* a mandatory header field is absent */
    PUSHCORE_E_TRUNCATED = -107,                 /* input ended inside a message */
    PUSHCORE_E_UNEXPECTED_MESSAGE = -108,        /* valid SIP, but not valid in this state */
    PUSHCORE_E_PUSH_INFO_MISSING = -120,         /* pn-provider/pn-prid/pn-param absent */
    PUSHCORE_E_PUSH_INFO_INVALID = -121,         /* present but wrong for the provider */
    PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED = -122, /* pn-provider not in the registry */
    PUSHCORE_E_HTTP2 = -130,                     /* HTTP/2 framing or protocol error */
    PUSHCORE_E_BAD_JSON = -131,                  /* malformed or mistyped JSON body */
    PUSHCORE_E_TLS = -132,                       /* TLS handshake or record failure */

    /* Resource limits (all configurable). */
    PUSHCORE_E_LIMIT_HEADER_BYTES = -200,
    PUSHCORE_E_LIMIT_HEADER_COUNT = -201,
    PUSHCORE_E_LIMIT_BODY_BYTES = -202,
    PUSHCORE_E_LIMIT_BINDINGS = -203,
    PUSHCORE_E_LIMIT_HELD_REQUESTS = -204,
    PUSHCORE_E_NO_MEMORY = -205,
    PUSHCORE_E_LIMIT_STREAMS = -206, /* concurrent HTTP/2 streams */
    PUSHCORE_E_LIMIT_STORE = -207,   /* stored messages or bytes (per subscription or total) */
    PUSHCORE_E_RATE_LIMITED = -208,  /* a subscription's send rate */
    PUSHCORE_E_LIMIT_SUBSCRIPTIONS = -209, /* subscriptions in the store */

    /* Fatal: the handle cannot be used any more; free it. */
    PUSHCORE_E_INTERNAL = -300
} pushcore_status;

/* Returned by *_next_deadline when no timer is armed. */
#define PUSHCORE_NO_DEADLINE UINT64_MAX

/* The run-time version as PUSHCORE_VERSION_NUM encodes it: major*10000 + minor*100 + patch.
 * Compare with the PUSHCORE_VERSION_NUM you compiled against to detect a mismatch. */
PUSHCORE_API uint32_t pushcore_version(void);

/* The run-time version as a string such as "0.1.0". Static storage; never NULL. */
PUSHCORE_API const char* pushcore_version_string(void);

/* A one-sentence English description of a status code. Static storage; never NULL;
 * an unknown code gives "unknown status". */
PUSHCORE_API const char* pushcore_strerror(int status);

/* The enumerator's name, e.g. "PUSHCORE_E_BAD_URI". Static storage; never NULL;
 * an unknown code gives "PUSHCORE_E_UNKNOWN". */
PUSHCORE_API const char* pushcore_status_name(int status);

/*
 * The random source a handle uses for Call-IDs, tags and branches. It must fill
 * `len` bytes at `out` and return 0, or return non-zero on failure. Called
 * synchronously from inside library calls. Builds with OpenSSL default to
 * RAND_bytes; builds without it (firmware) require the host to set one.
 */
typedef int (*pushcore_random_fn)(void* ctx, uint8_t* out, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PUSHCORE_CORE_H */
