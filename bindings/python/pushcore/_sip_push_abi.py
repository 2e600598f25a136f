"""ctypes declarations of include/pushcore/sip_push.h: the one place that knows the C types.

Every function of the header is listed in SIGNATURES with its return and parameter
types spelled as the header spells them, in header order; CTYPES maps each spelling to
its ctypes type; _abi.declare(lib, this module) applies them (the machinery, and the
types of core.h, are in _abi.py). tests/test_sip_push_abi.py reads the header and
checks SIGNATURES against it, so a signature that drifts is caught here.

Handles are pointers to distinct opaque structures, so ctypes refuses a UA handle where
a proxy handle is expected. Text goes in as c_char_p (NUL-terminated UTF-8); wire bytes
as POINTER(c_uint8) plus a size_t length; 64-bit values as c_uint64.
"""
from ctypes import CFUNCTYPE, POINTER, c_char, c_int32, c_size_t, c_uint16, c_void_p

from . import _abi
from ._abi import (NO_DEADLINE, RANDOM_FN, RANDOM_FN_SIGNATURE, BytesP, BytesPP,  # noqa: F401
                   Opaque, SizeP, StrPP, U64P)


class pushcore_event(Opaque):
    pass


class pushcore_sip_framer(Opaque):
    pass


class pushcore_push_params(Opaque):
    pass


class pushcore_provider_registry(Opaque):
    pass


class pushcore_sip_ua_config(Opaque):
    pass


class pushcore_sip_ua(Opaque):
    pass


class pushcore_sip_proxy_config(Opaque):
    pass


class pushcore_sip_proxy(Opaque):
    pass


EventP = POINTER(pushcore_event)
FramerP = POINTER(pushcore_sip_framer)
ParamsP = POINTER(pushcore_push_params)
RegistryP = POINTER(pushcore_provider_registry)
UaConfigP = POINTER(pushcore_sip_ua_config)
UaP = POINTER(pushcore_sip_ua)
ProxyConfigP = POINTER(pushcore_sip_proxy_config)
ProxyP = POINTER(pushcore_sip_proxy)

U16P = POINTER(c_uint16)          # uint16_t*
I32P = POINTER(c_int32)           # int32_t*

# typedef int32_t (*pushcore_sip_auth_fn)(void* ctx, const uint8_t* request, size_t len,
#                                         char* challenge, size_t cap);
AUTH_FN_SIGNATURE = ("int32_t", ["void*", "const uint8_t*", "size_t", "char*", "size_t"])
AUTH_FN = CFUNCTYPE(c_int32, c_void_p, BytesP, c_size_t, POINTER(c_char), c_size_t)

# The ctypes type of each C type the header uses, named by its C spelling (see _abi.py).
CTYPES = {
    **_abi.CORE_CTYPES,
    "uint16_t": c_uint16,
    "char*": POINTER(c_char),
    "uint16_t*": U16P,
    "int32_t*": I32P,
    "pushcore_sip_auth_fn": AUTH_FN,
    **_abi.handle_ctypes(pushcore_event, pushcore_sip_framer, pushcore_push_params,
                         pushcore_provider_registry, pushcore_sip_ua_config, pushcore_sip_ua,
                         pushcore_sip_proxy_config, pushcore_sip_proxy),
}

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

# Constants of the header (and NO_DEADLINE, from core.h, imported above).
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

