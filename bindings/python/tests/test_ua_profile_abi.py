"""The ctypes declarations against include/pushcore/ua_profile.h: every function, its return
and argument types, and every constant. The checks themselves are in _helpers.py (shared
with the other ABI tests)."""
import ctypes
import unittest

import pushcore

try:
    from . import _helpers
except ImportError:  # run as a script: this folder is on sys.path
    import _helpers

abi = _helpers.table("ua_profile", "pushcore_ua_event_parse", "PUSHCORE_WITH_UA_PROFILE")


class SignatureTest(_helpers.SignatureChecks, unittest.TestCase):
    name = "ua_profile"
    min_functions = 38
    sample = ("pushcore_ua_device_id_parse_uri",
              ("int", ["const char*", "size_t", "int32_t", "char*", "size_t", "size_t*",
                       "int32_t*", "int32_t*", "size_t*", "size_t*", "const char**",
                       "size_t*"]))
    scalars = {"int": ctypes.c_int, "int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32,
               "uint64_t": ctypes.c_uint64, "size_t": ctypes.c_size_t,
               "const char*": ctypes.c_char_p, "void": None}
    pointers = {"const char**": ctypes.c_char_p, "const uint8_t*": ctypes.c_uint8,
                "size_t*": ctypes.c_size_t, "uint64_t*": ctypes.c_uint64,
                "int32_t*": ctypes.c_int32, "uint32_t*": ctypes.c_uint32,
                "char*": ctypes.c_char}  # writable: not c_char_p
    typedefs = []

    def test_handles_are_distinct_types(self):
        with self.assertRaises(ctypes.ArgumentError):
            pushcore.lib.pushcore_ua_body_part_count(abi.EventP())


class ConstantTest(_helpers.ConstantChecks, unittest.TestCase):
    name = "ua_profile"
    sample_define = "PUSHCORE_UA_PROFILE_LOCAL_NETWORK"

    def test_enums_mirror_the_constants(self):
        ua = pushcore.ua_profile
        self.assertEnumMirrors(ua.ProfileType, "UA_PROFILE_")
        self.assertEnumMirrors(ua.Method, "UA_METHOD_")
        self.assertEnumMirrors(ua.Form, "UA_FORM_")
        self.assertEnumMirrors(ua.DeviceKind, "UA_DEVICE_")
        self.assertEnumMirrors(ua.BodyForm, "UA_BODY_")
        self.assertEnumMirrors(ua.PartKind, "UA_PART_")


if __name__ == "__main__":
    unittest.main()
