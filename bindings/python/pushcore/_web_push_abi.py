"""ctypes declarations of include/pushcore/web_push.h: the one place that knows its C types.

Every function of the header is listed in SIGNATURES with its return and parameter types
spelled as the header spells them, in header order; CTYPES maps each spelling to its
ctypes type; _abi.declare(lib, this module) applies them (the machinery, and the types
of core.h, are in _abi.py). tests/test_web_push_abi.py reads the header and checks
SIGNATURES and the constants against it.

Handles are pointers to distinct opaque structures. Text goes in as pointer + length
(the header's `const char*, size_t` pairs: no NUL terminator needed); wire bytes as
POINTER(c_uint8) plus a size_t length; 64-bit values as c_uint64 / c_int64.
"""
from ctypes import CFUNCTYPE, POINTER, c_char, c_int, c_int32, c_int64, c_size_t, c_void_p

from . import _abi
from ._abi import (NO_DEADLINE, RANDOM_FN, RANDOM_FN_SIGNATURE, BytesP, BytesPP,  # noqa: F401
                   Opaque, SizeP, StrPP, U64P)


class pushcore_push_service_config(Opaque):
    pass


class pushcore_push_service(Opaque):
    pass


ConfigP = POINTER(pushcore_push_service_config)
ServiceP = POINTER(pushcore_push_service)

# typedef void (*pushcore_log_fn)(void* ctx, int32_t level, const char* line, size_t len);
# The line is not NUL-terminated, so it arrives as POINTER(c_char) and is read with its
# length (c_char_p would read up to a NUL that is not there).
LOG_FN_SIGNATURE = ("void", ["void*", "int32_t", "const char*", "size_t"])
LOG_FN = CFUNCTYPE(None, c_void_p, c_int32, POINTER(c_char), c_size_t)
# The callback parameter types that differ from CTYPES, by (typedef, parameter index).
CALLBACK_OVERRIDES = {("pushcore_log_fn", 2): POINTER(c_char)}

# The five callbacks of a store of the host's (pushcore_push_service_config_set_store).
# Keys and parents are 16 bytes; record bytes are read with their length.
STORE_PUT_FN_SIGNATURE = ("int", ["void*", "int32_t", "const uint8_t*", "const uint8_t*",
                                  "const uint8_t*", "size_t"])
STORE_PUT_FN = CFUNCTYPE(c_int, c_void_p, c_int32, BytesP, BytesP, BytesP, c_size_t)
STORE_GET_FN_SIGNATURE = ("int", ["void*", "int32_t", "const uint8_t*", "const uint8_t**",
                                  "size_t*"])
STORE_GET_FN = CFUNCTYPE(c_int, c_void_p, c_int32, BytesP, BytesPP, SizeP)
STORE_REMOVE_FN_SIGNATURE = ("int", ["void*", "int32_t", "const uint8_t*"])
STORE_REMOVE_FN = CFUNCTYPE(c_int, c_void_p, c_int32, BytesP)
STORE_CHILDREN_FN_SIGNATURE = ("int", ["void*", "const uint8_t*", "uint8_t*", "size_t",
                                       "size_t*"])
STORE_CHILDREN_FN = CFUNCTYPE(c_int, c_void_p, BytesP, BytesP, c_size_t, SizeP)
STORE_COUNT_FN_SIGNATURE = ("int", ["void*", "int32_t", "uint64_t*", "uint64_t*"])
STORE_COUNT_FN = CFUNCTYPE(c_int, c_void_p, c_int32, U64P, U64P)

# The ctypes type of each C type the header uses, named by its C spelling (see _abi.py).
CTYPES = {
    **_abi.CORE_CTYPES,
    "int64_t": c_int64,
    "pushcore_log_fn": LOG_FN,
    "pushcore_store_put_fn": STORE_PUT_FN,
    "pushcore_store_get_fn": STORE_GET_FN,
    "pushcore_store_remove_fn": STORE_REMOVE_FN,
    "pushcore_store_children_fn": STORE_CHILDREN_FN,
    "pushcore_store_count_fn": STORE_COUNT_FN,
    **_abi.handle_ctypes(pushcore_push_service_config, pushcore_push_service),
}

_CFG = "pushcore_push_service_config*"
_SVC = "pushcore_push_service*"

# (name, return type, [parameter types]) as the header spells them, in its order.
SIGNATURES = [
    # configuration
    ("pushcore_push_service_config_new", "int", ["pushcore_push_service_config**"]),
    ("pushcore_push_service_config_free", "void", [_CFG]),
    ("pushcore_push_service_config_set_base_url", "int", [_CFG, "const char*", "size_t"]),
    ("pushcore_push_service_config_set_subscribe_path", "int", [_CFG, "const char*", "size_t"]),
    ("pushcore_push_service_config_set_max_message_bytes", "int", [_CFG, "uint64_t"]),
    ("pushcore_push_service_config_set_subscription_lifetime", "int", [_CFG, "uint32_t"]),
    ("pushcore_push_service_config_set_ttl", "int", [_CFG, "uint32_t", "uint32_t"]),
    ("pushcore_push_service_config_set_rate_limit", "int", [_CFG, "uint32_t", "uint32_t"]),
    ("pushcore_push_service_config_set_store_limits", "int",
     [_CFG, "uint64_t", "uint64_t", "uint64_t", "uint64_t", "uint64_t"]),
    ("pushcore_push_service_config_set_connection_limits", "int",
     [_CFG, "uint64_t", "uint64_t", "uint32_t", "uint64_t"]),
    ("pushcore_push_service_config_set_gone_status", "int", [_CFG, "int32_t"]),
    ("pushcore_push_service_config_set_wall_clock_offset", "int", [_CFG, "int64_t"]),
    ("pushcore_push_service_config_set_random", "int", [_CFG, "pushcore_random_fn", "void*"]),
    ("pushcore_push_service_config_set_log", "int", [_CFG, "pushcore_log_fn", "void*"]),
    ("pushcore_push_service_config_set_log_level", "int", [_CFG, "int32_t"]),
    ("pushcore_push_service_config_set_tls_pem", "int",
     [_CFG, "const char*", "size_t", "const char*", "size_t"]),
    ("pushcore_push_service_config_set_store", "int",
     [_CFG, "void*", "pushcore_store_put_fn", "pushcore_store_get_fn", "pushcore_store_remove_fn",
      "pushcore_store_children_fn", "pushcore_store_count_fn"]),
    ("pushcore_push_service_config_last_error", "int",
     ["const pushcore_push_service_config*", "const char**", "size_t*"]),
    # the service
    ("pushcore_push_service_new", "int",
     ["pushcore_push_service**", "const pushcore_push_service_config*"]),
    ("pushcore_push_service_free", "void", [_SVC]),
    ("pushcore_push_service_open", "int", [_SVC, "int32_t", "uint64_t", "uint64_t*"]),
    ("pushcore_push_service_open_tls", "int", [_SVC, "uint64_t", "uint64_t*"]),
    ("pushcore_push_service_receive", "int",
     [_SVC, "uint64_t", "const uint8_t*", "size_t", "uint64_t"]),
    ("pushcore_push_service_receive_eof", "int", [_SVC, "uint64_t", "uint64_t"]),
    ("pushcore_push_service_close", "int", [_SVC, "uint64_t"]),
    ("pushcore_push_service_output", "int",
     [_SVC, "uint64_t", "const uint8_t**", "size_t*"]),
    ("pushcore_push_service_consume", "int", [_SVC, "uint64_t", "size_t"]),
    ("pushcore_push_service_want_close", "int", [_SVC, "uint64_t"]),
    ("pushcore_push_service_next_ready", "int", [_SVC, "uint64_t*"]),
    ("pushcore_push_service_next_deadline", "uint64_t", ["const pushcore_push_service*"]),
    ("pushcore_push_service_on_timeout", "int", [_SVC, "uint64_t"]),
    ("pushcore_push_service_counts", "int", [_SVC, "uint64_t*", "uint64_t*", "uint64_t*"]),
    ("pushcore_push_service_last_error", "int",
     ["const pushcore_push_service*", "const char**", "size_t*"]),
]

# Constants of the header (and NO_DEADLINE, from core.h, imported above).
HTTP_DETECT = 0
HTTP_1 = 1
HTTP_2 = 2

LOG_ERROR = 0
LOG_WARNING = 1
LOG_INFO = 2
LOG_DEBUG = 3

STORE_SUBSCRIPTION = 1
STORE_RECEIPT_SUBSCRIPTION = 2
STORE_MESSAGE = 3
STORE_PUSH_INDEX = 4

