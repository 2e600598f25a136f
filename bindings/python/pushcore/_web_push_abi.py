"""ctypes declarations of include/pushcore/web_push.h: the one place that knows its C types.

As _sip_push_abi.py does for sip_push.h: every function of the header is listed in
SIGNATURES with its return and parameter types spelled as the header spells them, in
header order; CTYPES maps each spelling to its ctypes type, and declare(lib) applies them.
tests/test_web_push_abi.py reads the header and checks SIGNATURES and the constants
against it.

Handles are pointers to distinct opaque structures. Text goes in as pointer + length
(the header's `const char*, size_t` pairs: no NUL terminator needed); wire bytes as
POINTER(c_uint8) plus a size_t length; 64-bit values as c_uint64 / c_int64.
"""
import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32, c_int64,
                    c_size_t, c_uint8, c_uint32, c_uint64, c_void_p)


class _Opaque(Structure):
    """Base of the opaque C structures: never instantiated, only pointed to."""
    _fields_ = []


class pushcore_push_service_config(_Opaque):
    pass


class pushcore_push_service(_Opaque):
    pass


ConfigP = POINTER(pushcore_push_service_config)
ServiceP = POINTER(pushcore_push_service)

BytesP = POINTER(c_uint8)         # const uint8_t*
BytesPP = POINTER(BytesP)         # const uint8_t**
StrPP = POINTER(c_char_p)         # const char**
SizeP = POINTER(c_size_t)         # size_t*
U64P = POINTER(c_uint64)          # uint64_t*

# typedef int (*pushcore_random_fn)(void* ctx, uint8_t* out, size_t len);  (core.h)
RANDOM_FN_SIGNATURE = ("int", ["void*", "uint8_t*", "size_t"])
RANDOM_FN = CFUNCTYPE(c_int, c_void_p, BytesP, c_size_t)

# typedef void (*pushcore_log_fn)(void* ctx, int32_t level, const char* line, size_t len);
# The line is not NUL-terminated, so it arrives as POINTER(c_char) and is read with its
# length (c_char_p would read up to a NUL that is not there).
LOG_FN_SIGNATURE = ("void", ["void*", "int32_t", "const char*", "size_t"])
LOG_FN = CFUNCTYPE(None, c_void_p, c_int32, POINTER(c_char), c_size_t)
# The callback parameter types that differ from CTYPES, by (typedef, parameter index).
CALLBACK_OVERRIDES = {("pushcore_log_fn", 2): POINTER(c_char)}

# The ctypes type of each C type the header uses, named by its C spelling (see
# _sip_push_abi.CTYPES for why spellings, not ctypes classes).
CTYPES = {
    "void": None,
    "int": c_int,
    "int32_t": c_int32,
    "int64_t": c_int64,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "size_t": c_size_t,
    "void*": c_void_p,
    "const char*": c_char_p,
    "const char**": StrPP,
    "const uint8_t*": BytesP,
    "uint8_t*": BytesP,
    "const uint8_t**": BytesPP,
    "size_t*": SizeP,
    "uint64_t*": U64P,
    "pushcore_random_fn": RANDOM_FN,
    "pushcore_log_fn": LOG_FN,
}
for _handle in (pushcore_push_service_config, pushcore_push_service):
    _name = _handle.__name__
    CTYPES[_name + "*"] = POINTER(_handle)
    CTYPES["const " + _name + "*"] = POINTER(_handle)
    CTYPES[_name + "**"] = POINTER(POINTER(_handle))

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
    ("pushcore_push_service_config_set_tls_pem", "int",
     [_CFG, "const char*", "size_t", "const char*", "size_t"]),
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

# Constants of the header.
NO_DEADLINE = 2**64 - 1  # PUSHCORE_NO_DEADLINE (UINT64_MAX), from core.h

HTTP_DETECT = 0
HTTP_1 = 1
HTTP_2 = 2

LOG_ERROR = 0
LOG_WARNING = 1
LOG_INFO = 2
LOG_DEBUG = 3


def declare(lib: ctypes.CDLL) -> None:
    """Sets restype and argtypes of every web_push function on lib. Raises AttributeError
    when the library lacks one (built without PUSHCORE_WITH_WEB_PUSH)."""
    for name, restype, argtypes in SIGNATURES:
        fn = getattr(lib, name)
        fn.restype = CTYPES[restype]
        fn.argtypes = [CTYPES[t] for t in argtypes]
