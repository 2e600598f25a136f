"""ctypes declarations of include/pushcore/ua_profile.h: the one place that knows its C types.

Every function of the header is listed in SIGNATURES with its return and parameter types
spelled as the header spells them, in header order; CTYPES maps each spelling to its
ctypes type; _abi.declare(lib, this module) applies them (the machinery, and the types of
core.h, are in _abi.py). tests/test_ua_profile_abi.py reads the header and checks
SIGNATURES and the constants against it.

Handles are pointers to distinct opaque structures. Text goes in as pointer + length
(`const char*, size_t`: no NUL terminator needed); bodies as POINTER(c_uint8) plus a
length. Text written into a caller's buffer arrives through a writable `char*`
(POINTER(c_char), not c_char_p).
"""
from ctypes import POINTER, c_char, c_int32, c_uint32

from . import _abi
from ._abi import NO_DEADLINE, BytesP, BytesPP, Opaque, SizeP, StrPP, U64P  # noqa: F401


class pushcore_ua_event(Opaque):
    pass


class pushcore_ua_body(Opaque):
    pass


class pushcore_ua_body_builder(Opaque):
    pass


EventP = POINTER(pushcore_ua_event)
BodyP = POINTER(pushcore_ua_body)
BuilderP = POINTER(pushcore_ua_body_builder)

I32P = POINTER(c_int32)   # int32_t*
U32P = POINTER(c_uint32)  # uint32_t*

# The constants of the header (PUSHCORE_ dropped).
UA_FORM_DRAFT08 = 0
UA_FORM_RFC6080 = 1
UA_PROFILE_DEVICE = 1
UA_PROFILE_USER = 2
UA_PROFILE_APPLICATION = 3
UA_PROFILE_LOCAL_NETWORK = 4
UA_PROFILE_OTHER = 5
UA_TEXT_VENDOR = 1
UA_TEXT_MODEL = 2
UA_TEXT_VERSION = 3
UA_TEXT_NETWORK_USER = 4
UA_METHOD_SUBSCRIBE = 1
UA_METHOD_NOTIFY = 2
UA_DEVICE_MAC = 1
UA_DEVICE_UUID = 2
UA_BODY_MULTIPART = 1
UA_BODY_EXTERNAL_BODY = 2
UA_BODY_URL = 3
UA_BODY_INLINE = 4
UA_PART_INDIRECT = 1
UA_PART_INLINE = 2
UA_FIELD_URL = 1
UA_FIELD_CONTENT_TYPE = 2
UA_FIELD_CONTENT_ID = 3
UA_FIELD_EXPIRATION = 4
UA_FIELD_HASH = 5
UA_FIELD_ACCESS_TYPE = 6

# The ctypes type of each C type the header uses, named by its C spelling (see _abi.py).
CTYPES = {
    **_abi.CORE_CTYPES,
    "char*": POINTER(c_char),
    "int32_t*": I32P,
    "uint32_t*": U32P,
    **_abi.handle_ctypes(pushcore_ua_event, pushcore_ua_body, pushcore_ua_body_builder),
}

_DEVICE_OUT = ["char*", "size_t", "size_t*", "const char**", "size_t*"]

# (name, return type, [parameter types]) as the header spells them, in its order.
SIGNATURES = [
    # the Event header field
    ("pushcore_ua_event_parse", "int", ["pushcore_ua_event**", "const char*", "size_t"]),
    ("pushcore_ua_event_new", "int", ["pushcore_ua_event**"]),
    ("pushcore_ua_event_free", "void", ["pushcore_ua_event*"]),
    ("pushcore_ua_event_profile_type", "int",
     ["pushcore_ua_event*", "int32_t*", "const char**", "size_t*"]),
    ("pushcore_ua_event_text", "int",
     ["pushcore_ua_event*", "int32_t", "const char**", "size_t*"]),
    ("pushcore_ua_event_effective_by", "int", ["const pushcore_ua_event*", "uint32_t*"]),
    ("pushcore_ua_event_unknown_count", "int", ["const pushcore_ua_event*"]),
    ("pushcore_ua_event_unknown_get", "int",
     ["pushcore_ua_event*", "size_t", "const char**", "size_t*", "const char**", "size_t*",
      "int32_t*"]),
    ("pushcore_ua_event_check", "int", ["pushcore_ua_event*", "int32_t", "int32_t"]),
    ("pushcore_ua_event_ignored_count", "int", ["const pushcore_ua_event*"]),
    ("pushcore_ua_event_ignored_at", "int",
     ["const pushcore_ua_event*", "size_t", "const char**"]),
    ("pushcore_ua_event_set_profile_type", "int",
     ["pushcore_ua_event*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_event_set_text", "int",
     ["pushcore_ua_event*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_event_set_effective_by", "int", ["pushcore_ua_event*", "int32_t", "uint32_t"]),
    ("pushcore_ua_event_build", "int", ["pushcore_ua_event*", "char*", "size_t", "size_t*"]),
    ("pushcore_ua_event_last_error", "int",
     ["const pushcore_ua_event*", "const char**", "size_t*"]),
    # device identifiers
    ("pushcore_ua_device_id_normalize_mac", "int", ["const char*", "size_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_parse_uuid", "int", ["const char*", "size_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_mac_to_uuid", "int", ["const char*", "size_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_parse_uri", "int",
     ["const char*", "size_t", "int32_t", "char*", "size_t", "size_t*", "int32_t*", "int32_t*",
      "size_t*", "size_t*", "const char**", "size_t*"]),
    ("pushcore_ua_device_id_build_uri", "int",
     ["const char*", "size_t", "const char*", "size_t", "int32_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_build_local_network_uri", "int",
     ["const char*", "size_t", "const char*", "size_t", "int32_t"] + _DEVICE_OUT),
    # NOTIFY bodies
    ("pushcore_ua_body_parse", "int",
     ["pushcore_ua_body**", "const char*", "size_t", "const uint8_t*", "size_t", "size_t",
      "size_t"]),
    ("pushcore_ua_body_free", "void", ["pushcore_ua_body*"]),
    ("pushcore_ua_body_form", "int32_t", ["const pushcore_ua_body*"]),
    ("pushcore_ua_body_part_count", "int", ["const pushcore_ua_body*"]),
    ("pushcore_ua_body_part_kind", "int",
     ["const pushcore_ua_body*", "size_t", "int32_t*", "size_t*"]),
    ("pushcore_ua_body_part_str", "int",
     ["pushcore_ua_body*", "size_t", "int32_t", "const char**", "size_t*"]),
    ("pushcore_ua_body_part_size", "int", ["const pushcore_ua_body*", "size_t", "uint64_t*"]),
    ("pushcore_ua_body_part_data", "int",
     ["const pushcore_ua_body*", "size_t", "const uint8_t**", "size_t*"]),
    ("pushcore_ua_body_last_error", "int",
     ["const pushcore_ua_body*", "const char**", "size_t*"]),
    # the body builder
    ("pushcore_ua_body_builder_new", "int", ["pushcore_ua_body_builder**"]),
    ("pushcore_ua_body_builder_free", "void", ["pushcore_ua_body_builder*"]),
    ("pushcore_ua_body_builder_add_indirect", "int",
     ["pushcore_ua_body_builder*", "const char*", "size_t", "const char*", "size_t",
      "const char*", "size_t", "const char*", "size_t", "int32_t", "uint64_t", "const char*",
      "size_t"]),
    ("pushcore_ua_body_builder_add_inline", "int",
     ["pushcore_ua_body_builder*", "const char*", "size_t", "const char*", "size_t",
      "const uint8_t*", "size_t"]),
    ("pushcore_ua_body_builder_set_boundary", "int",
     ["pushcore_ua_body_builder*", "const char*", "size_t"]),
    ("pushcore_ua_body_builder_finish", "int",
     ["pushcore_ua_body_builder*", "int32_t", "const char**", "size_t*", "const uint8_t**",
      "size_t*"]),
    ("pushcore_ua_body_builder_last_error", "int",
     ["const pushcore_ua_body_builder*", "const char**", "size_t*"]),
]
