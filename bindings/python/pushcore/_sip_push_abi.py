"""ctypes declarations of include/pushcore/sip_push.h: the one place that knows the C types.

Every function of the header is listed in SIGNATURES with its return and parameter
types spelled as the header spells them, in header order; CTYPES maps each spelling to
its ctypes type, and declare(lib) applies them. tests/test_sip_push_abi.py reads the
header and checks SIGNATURES against it, so a signature that drifts is caught here.

Handles are pointers to distinct opaque structures, so ctypes refuses a UA handle where
a proxy handle is expected. Text goes in as c_char_p (NUL-terminated UTF-8); wire bytes
as POINTER(c_uint8) plus a size_t length; 64-bit values as c_uint64.
"""
import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32,
                    c_size_t, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p)


class _Opaque(Structure):
    """Base of the opaque C structures: never instantiated, only pointed to."""
    _fields_ = []


class pushcore_event(_Opaque):
    pass


class pushcore_sip_framer(_Opaque):
    pass


class pushcore_push_params(_Opaque):
    pass


class pushcore_provider_registry(_Opaque):
    pass


class pushcore_sip_ua_config(_Opaque):
    pass


class pushcore_sip_ua(_Opaque):
    pass


class pushcore_sip_proxy_config(_Opaque):
    pass


class pushcore_sip_proxy(_Opaque):
    pass


EventP = POINTER(pushcore_event)
FramerP = POINTER(pushcore_sip_framer)
ParamsP = POINTER(pushcore_push_params)
RegistryP = POINTER(pushcore_provider_registry)
UaConfigP = POINTER(pushcore_sip_ua_config)
UaP = POINTER(pushcore_sip_ua)
ProxyConfigP = POINTER(pushcore_sip_proxy_config)
ProxyP = POINTER(pushcore_sip_proxy)

BytesP = POINTER(c_uint8)         # const uint8_t* / uint8_t*
BytesPP = POINTER(BytesP)         # const uint8_t**
StrPP = POINTER(c_char_p)         # const char**
SizeP = POINTER(c_size_t)         # size_t*
U64P = POINTER(c_uint64)          # uint64_t*
U16P = POINTER(c_uint16)          # uint16_t*
I32P = POINTER(c_int32)           # int32_t*

# typedef int (*pushcore_random_fn)(void* ctx, uint8_t* out, size_t len);  (core.h)
RANDOM_FN_SIGNATURE = ("int", ["void*", "uint8_t*", "size_t"])
RANDOM_FN = CFUNCTYPE(c_int, c_void_p, BytesP, c_size_t)

# typedef int32_t (*pushcore_sip_auth_fn)(void* ctx, const uint8_t* request, size_t len,
#                                         char* challenge, size_t cap);
AUTH_FN_SIGNATURE = ("int32_t", ["void*", "const uint8_t*", "size_t", "char*", "size_t"])
AUTH_FN = CFUNCTYPE(c_int32, c_void_p, BytesP, c_size_t, POINTER(c_char), c_size_t)

# The ctypes type of each C type the header uses. Types are named by their C spelling,
# not by ctypes class, because ctypes aliases them (c_size_t is c_uint64 and c_int is
# c_int32 on x86-64): the spelling keeps size_t and uint64_t apart where it matters (on
# 32-bit hosts), and lets the test compare this table with the header word for word.
CTYPES = {
    "void": None,
    "int": c_int,
    "int32_t": c_int32,
    "uint16_t": c_uint16,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "size_t": c_size_t,
    "void*": c_void_p,
    "const char*": c_char_p,
    "char*": POINTER(c_char),
    "const char**": StrPP,
    "const uint8_t*": BytesP,
    "uint8_t*": BytesP,
    "const uint8_t**": BytesPP,
    "size_t*": SizeP,
    "uint64_t*": U64P,
    "uint16_t*": U16P,
    "int32_t*": I32P,
    "pushcore_random_fn": RANDOM_FN,
    "pushcore_sip_auth_fn": AUTH_FN,
}
for _handle in (pushcore_event, pushcore_sip_framer, pushcore_push_params,
                pushcore_provider_registry, pushcore_sip_ua_config, pushcore_sip_ua,
                pushcore_sip_proxy_config, pushcore_sip_proxy):
    _name = _handle.__name__
    CTYPES[_name + "*"] = POINTER(_handle)
    CTYPES["const " + _name + "*"] = POINTER(_handle)
    CTYPES[_name + "**"] = POINTER(POINTER(_handle))
    CTYPES["const " + _name + "**"] = POINTER(POINTER(_handle))

# (name, return type, [parameter types]) as the header spells them, in its order.
SIGNATURES = [
    # events
    ("pushcore_event_type", "int32_t", ["const pushcore_event*"]),
    ("pushcore_event_str", "int", ["const pushcore_event*", "int32_t", "const char**", "size_t*"]),
    ("pushcore_event_u64", "int", ["const pushcore_event*", "int32_t", "uint64_t*"]),
    ("pushcore_event_field_count", "int", ["const pushcore_event*"]),
    ("pushcore_event_field_at", "int", ["const pushcore_event*", "size_t", "int32_t*", "int32_t*"]),
    # framer
    ("pushcore_sip_framer_new", "int", ["pushcore_sip_framer**", "size_t", "size_t", "size_t"]),
    ("pushcore_sip_framer_free", "void", ["pushcore_sip_framer*"]),
    ("pushcore_sip_framer_receive", "int", ["pushcore_sip_framer*", "const uint8_t*", "size_t"]),
    ("pushcore_sip_framer_next", "int", ["pushcore_sip_framer*", "const uint8_t**", "size_t*"]),
    ("pushcore_sip_framer_end", "int", ["pushcore_sip_framer*"]),
    ("pushcore_sip_framer_last_error", "int",
     ["const pushcore_sip_framer*", "const char**", "size_t*"]),
    # pn-* parameters
    ("pushcore_push_params_parse", "int", ["pushcore_push_params**", "const char*", "size_t"]),
    ("pushcore_push_params_free", "void", ["pushcore_push_params*"]),
    ("pushcore_push_params_get", "int",
     ["pushcore_push_params*", "int32_t", "const char**", "size_t*"]),
    ("pushcore_push_params_unknown_count", "int", ["const pushcore_push_params*"]),
    ("pushcore_push_params_unknown_get", "int",
     ["pushcore_push_params*", "size_t", "const char**", "size_t*", "const char**", "size_t*"]),
    ("pushcore_push_params_validate", "int",
     ["pushcore_push_params*", "const pushcore_provider_registry*"]),
    ("pushcore_push_params_last_error", "int",
     ["const pushcore_push_params*", "const char**", "size_t*"]),
    # provider registry
    ("pushcore_provider_registry_new", "int", ["pushcore_provider_registry**", "int32_t"]),
    ("pushcore_provider_registry_free", "void", ["pushcore_provider_registry*"]),
    ("pushcore_provider_registry_add", "int",
     ["pushcore_provider_registry*", "const char*", "int32_t", "int32_t", "int32_t"]),
    # UA
    ("pushcore_sip_ua_config_new", "int", ["pushcore_sip_ua_config**"]),
    ("pushcore_sip_ua_config_free", "void", ["pushcore_sip_ua_config*"]),
    ("pushcore_sip_ua_config_set_str", "int",
     ["pushcore_sip_ua_config*", "int32_t", "const char*"]),
    ("pushcore_sip_ua_config_set_expires", "int",
     ["pushcore_sip_ua_config*", "uint32_t", "uint32_t"]),
    ("pushcore_sip_ua_config_set_random", "int",
     ["pushcore_sip_ua_config*", "pushcore_random_fn", "void*"]),
    ("pushcore_sip_ua_config_last_error", "int",
     ["const pushcore_sip_ua_config*", "const char**", "size_t*"]),
    ("pushcore_sip_ua_new", "int", ["pushcore_sip_ua**", "const pushcore_sip_ua_config*"]),
    ("pushcore_sip_ua_free", "void", ["pushcore_sip_ua*"]),
    ("pushcore_sip_ua_start", "int",
     ["pushcore_sip_ua*", "const char*", "const char*", "const char*", "uint64_t"]),
    ("pushcore_sip_ua_on_push", "int", ["pushcore_sip_ua*", "uint64_t"]),
    ("pushcore_sip_ua_update_prid", "int", ["pushcore_sip_ua*", "const char*", "uint64_t"]),
    ("pushcore_sip_ua_stop_push", "int", ["pushcore_sip_ua*", "uint64_t"]),
    ("pushcore_sip_ua_unregister", "int", ["pushcore_sip_ua*", "uint64_t"]),
    ("pushcore_sip_ua_receive", "int",
     ["pushcore_sip_ua*", "const uint8_t*", "size_t", "uint64_t"]),
    ("pushcore_sip_ua_next_output", "int", ["pushcore_sip_ua*", "const uint8_t**", "size_t*"]),
    ("pushcore_sip_ua_next_event", "int", ["pushcore_sip_ua*", "const pushcore_event**"]),
    ("pushcore_sip_ua_next_deadline", "uint64_t", ["const pushcore_sip_ua*"]),
    ("pushcore_sip_ua_on_timeout", "int", ["pushcore_sip_ua*", "uint64_t"]),
    ("pushcore_sip_ua_state", "int32_t", ["const pushcore_sip_ua*"]),
    ("pushcore_sip_ua_last_error", "int", ["const pushcore_sip_ua*", "const char**", "size_t*"]),
    # proxy/registrar
    ("pushcore_sip_proxy_config_new", "int", ["pushcore_sip_proxy_config**"]),
    ("pushcore_sip_proxy_config_free", "void", ["pushcore_sip_proxy_config*"]),
    ("pushcore_sip_proxy_config_set_via", "int",
     ["pushcore_sip_proxy_config*", "const char*", "const char*"]),
    ("pushcore_sip_proxy_config_set_providers", "int",
     ["pushcore_sip_proxy_config*", "const pushcore_provider_registry*"]),
    ("pushcore_sip_proxy_config_set_u64", "int",
     ["pushcore_sip_proxy_config*", "int32_t", "uint64_t"]),
    ("pushcore_sip_proxy_config_set_forward", "int",
     ["pushcore_sip_proxy_config*", "const char*", "uint16_t"]),
    ("pushcore_sip_proxy_config_set_random", "int",
     ["pushcore_sip_proxy_config*", "pushcore_random_fn", "void*"]),
    ("pushcore_sip_proxy_config_set_authorizer", "int",
     ["pushcore_sip_proxy_config*", "pushcore_sip_auth_fn", "void*"]),
    ("pushcore_sip_proxy_config_last_error", "int",
     ["const pushcore_sip_proxy_config*", "const char**", "size_t*"]),
    ("pushcore_sip_proxy_new", "int",
     ["pushcore_sip_proxy**", "const pushcore_sip_proxy_config*"]),
    ("pushcore_sip_proxy_free", "void", ["pushcore_sip_proxy*"]),
    ("pushcore_sip_proxy_receive", "int",
     ["pushcore_sip_proxy*", "uint64_t", "const char*", "uint16_t", "const uint8_t*", "size_t",
      "uint64_t"]),
    ("pushcore_sip_proxy_push_failed", "int", ["pushcore_sip_proxy*", "uint64_t", "uint64_t"]),
    ("pushcore_sip_proxy_output_failed", "int", ["pushcore_sip_proxy*", "uint64_t"]),
    ("pushcore_sip_proxy_next_output", "int",
     ["pushcore_sip_proxy*", "const uint8_t**", "size_t*", "uint64_t*", "const char**",
      "uint16_t*"]),
    ("pushcore_sip_proxy_next_event", "int", ["pushcore_sip_proxy*", "const pushcore_event**"]),
    ("pushcore_sip_proxy_next_deadline", "uint64_t", ["const pushcore_sip_proxy*"]),
    ("pushcore_sip_proxy_on_timeout", "int", ["pushcore_sip_proxy*", "uint64_t"]),
    ("pushcore_sip_proxy_binding_count", "int", ["const pushcore_sip_proxy*"]),
    ("pushcore_sip_proxy_held_count", "int", ["const pushcore_sip_proxy*"]),
    ("pushcore_sip_proxy_last_error", "int",
     ["const pushcore_sip_proxy*", "const char**", "size_t*"]),
    # 555
    ("pushcore_sip_push_build_555", "int",
     ["const uint8_t*", "size_t", "const pushcore_provider_registry*", "int32_t", "uint8_t*",
      "size_t", "size_t*"]),
]

# Constants of the header.
NO_DEADLINE = 2**64 - 1  # PUSHCORE_NO_DEADLINE (UINT64_MAX), from core.h

EVENT_UA_REGISTERED = 1
EVENT_UA_REGISTRATION_FAILED = 2
EVENT_UA_UNREGISTERED = 3
EVENT_PROXY_PUSH_REQUEST = 10
EVENT_PROXY_BINDING_UPDATED = 11
EVENT_PROXY_BINDING_REMOVED = 12
EVENT_PROXY_REQUEST_REJECTED = 13

# Event fields: (name, PUSHCORE_FIELD_* value, "str" or "u64").
FIELDS = [
    ("code", 1, "u64"),
    ("reason", 2, "str"),
    ("expires", 3, "u64"),
    ("push_supported", 4, "u64"),
    ("pns", 5, "str"),
    ("pnsreg", 6, "u64"),
    ("pnsreg_seconds", 7, "u64"),
    ("pnspurr", 8, "str"),
    ("vapid", 9, "str"),
    ("binding_id", 10, "u64"),
    ("aor", 11, "str"),
    ("contact", 12, "str"),
    ("provider", 13, "str"),
    ("prid", 14, "str"),
    ("param", 15, "str"),
    ("purr", 16, "str"),
    ("push_reason", 17, "u64"),
]

# How pushcore_event_field_at says a field is read: pushcore_event_str or _u64.
FIELD_KIND_STR = 1
FIELD_KIND_U64 = 2

PUSH_REASON_REQUEST = 1
PUSH_REASON_REREGISTER = 2

PN_PROVIDER = 1
PN_PARAM = 2
PN_PRID = 3
PN_PURR = 4
PN_ENCKEY = 5
PN_ENCCODE = 6

NEED_REQUIRED = 0
NEED_OPTIONAL = 1
NEED_UNUSED = 2
FORMAT_ANY = 0
FORMAT_HEX = 1
FORMAT_APNS_APP_ID = 2
FORMAT_HTTPS_URI = 3

UA_AOR = 1
UA_REGISTRAR = 2
UA_CONTACT = 3
UA_TRANSPORT = 4
UA_SENT_BY = 5
UA_USER_AGENT = 6

UA_STATE_IDLE = 0
UA_STATE_REGISTERING = 1
UA_STATE_REGISTERED = 2
UA_STATE_UNREGISTERING = 3

PROXY_HOLD_TIMEOUT_MS = 1
PROXY_REREGISTER_PUSHES = 2
PROXY_REREGISTER_MARGIN_S = 3
PROXY_PNS_STYLE = 4
PROXY_MIN_EXPIRES = 5
PROXY_MAX_EXPIRES = 6
PROXY_DEFAULT_EXPIRES = 7
PROXY_MAX_BINDINGS = 8
PROXY_MAX_HELD = 9


def declare(lib: ctypes.CDLL) -> None:
    """Sets restype and argtypes of every sip_push function on lib. Raises AttributeError
    when the library lacks one (built without PUSHCORE_WITH_SIP_PUSH)."""
    for name, restype, argtypes in SIGNATURES:
        fn = getattr(lib, name)
        fn.restype = CTYPES[restype]
        fn.argtypes = [CTYPES[t] for t in argtypes]
