"""The ctypes declarations against include/pushcore/sip_push.h: every function, its return
and argument types, and every constant. A drifted signature fails here, not in a crash.
The checks themselves are in _helpers.py (shared with test_web_push_abi.py)."""
import ctypes
import re
import unittest

import pushcore

try:
    from . import _helpers
except ImportError:  # run as a script: this folder is on sys.path
    import _helpers

abi = _helpers.table("sip_push", "pushcore_sip_ua_new", "PUSHCORE_WITH_SIP_PUSH")


class SignatureTest(_helpers.SignatureChecks, unittest.TestCase):
    name = "sip_push"
    min_functions = 50
    sample = ("pushcore_sip_proxy_receive",
              ("int", ["pushcore_sip_proxy*", "uint64_t", "const char*", "uint16_t",
                       "const uint8_t*", "size_t", "uint64_t"]))
    scalars = {"int": ctypes.c_int, "int32_t": ctypes.c_int32, "uint16_t": ctypes.c_uint16,
               "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
               "size_t": ctypes.c_size_t, "void*": ctypes.c_void_p,
               "const char*": ctypes.c_char_p, "void": None}
    pointers = {"const char**": ctypes.c_char_p, "const uint8_t*": ctypes.c_uint8,
                "uint8_t*": ctypes.c_uint8, "size_t*": ctypes.c_size_t,
                "uint64_t*": ctypes.c_uint64, "uint16_t*": ctypes.c_uint16,
                "int32_t*": ctypes.c_int32,
                "char*": ctypes.c_char}  # writable: not c_char_p
    typedefs = [("core.h", "pushcore_random_fn", abi.RANDOM_FN_SIGNATURE, abi.RANDOM_FN),
                ("sip_push.h", "pushcore_sip_auth_fn", abi.AUTH_FN_SIGNATURE, abi.AUTH_FN)]

    def test_handles_are_distinct_types(self):
        # A UA handle where a proxy handle is expected is refused by ctypes.
        with self.assertRaises(ctypes.ArgumentError):
            pushcore.lib.pushcore_sip_proxy_held_count(abi.UaP())


class ConstantTest(_helpers.ConstantChecks, unittest.TestCase):
    name = "sip_push"
    sample_define = "PUSHCORE_EVENT_PROXY_PUSH_REQUEST"
    # The event fields are kept as FIELDS, not as constants of their own.
    named_defines = {f"PUSHCORE_FIELD_{name.upper()}": value for name, value, _ in abi.FIELDS}

    def test_field_kinds_follow_the_header_comments(self):
        text = self.header.read_text()
        kinds = {m.group(1).lower(): m.group(2) for m in re.finditer(
            r"#define\s+PUSHCORE_FIELD_(\w+)\s+\d+\s*/\*\s*(str|u64):", text)}
        self.assertEqual(kinds, {name: kind for name, _, kind in abi.FIELDS})

    def test_enums_mirror_the_constants(self):
        self.assertEnumMirrors(pushcore.EventType, "EVENT_")
        self.assertEnumMirrors(pushcore.UaState, "UA_STATE_")
        self.assertEnumMirrors(pushcore.Need, "NEED_")
        self.assertEnumMirrors(pushcore.Format, "FORMAT_")
        self.assertEnumMirrors(pushcore.PushReason, "PUSH_REASON_")


if __name__ == "__main__":
    unittest.main()
