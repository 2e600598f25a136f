"""The ctypes declarations against include/pushcore/web_push.h: every function, its return
and argument types, the callback typedefs, and every constant. A drifted signature fails
here, not in a crash. The checks themselves are in _helpers.py (shared with
test_sip_push_abi.py)."""
import ctypes
import unittest

import pushcore

try:
    from . import _helpers
except ImportError:  # run as a script: this folder is on sys.path
    import _helpers

abi = _helpers.table("web_push", "pushcore_push_service_new", "PUSHCORE_WITH_WEB_PUSH")


class SignatureTest(_helpers.SignatureChecks, unittest.TestCase):
    name = "web_push"
    min_functions = 30
    sample = ("pushcore_push_service_receive",
              ("int", ["pushcore_push_service*", "uint64_t", "const uint8_t*", "size_t",
                       "uint64_t"]))
    scalars = {"int": ctypes.c_int, "int32_t": ctypes.c_int32, "int64_t": ctypes.c_int64,
               "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
               "size_t": ctypes.c_size_t, "void*": ctypes.c_void_p,
               "const char*": ctypes.c_char_p, "void": None}
    pointers = {"const char**": ctypes.c_char_p, "const uint8_t*": ctypes.c_uint8,
                "size_t*": ctypes.c_size_t, "uint64_t*": ctypes.c_uint64}
    typedefs = [("core.h", "pushcore_random_fn", abi.RANDOM_FN_SIGNATURE, abi.RANDOM_FN),
                ("web_push.h", "pushcore_log_fn", abi.LOG_FN_SIGNATURE, abi.LOG_FN),
                ("web_push.h", "pushcore_store_put_fn", abi.STORE_PUT_FN_SIGNATURE,
                 abi.STORE_PUT_FN),
                ("web_push.h", "pushcore_store_get_fn", abi.STORE_GET_FN_SIGNATURE,
                 abi.STORE_GET_FN),
                ("web_push.h", "pushcore_store_remove_fn", abi.STORE_REMOVE_FN_SIGNATURE,
                 abi.STORE_REMOVE_FN),
                ("web_push.h", "pushcore_store_children_fn", abi.STORE_CHILDREN_FN_SIGNATURE,
                 abi.STORE_CHILDREN_FN),
                ("web_push.h", "pushcore_store_count_fn", abi.STORE_COUNT_FN_SIGNATURE,
                 abi.STORE_COUNT_FN)]

    def test_log_line_is_read_by_length(self):
        # The line is not NUL-terminated: it must not arrive as c_char_p.
        self.assertIs(abi.LOG_FN._argtypes_[2], ctypes.POINTER(ctypes.c_char))

    def test_handles_are_distinct_types(self):
        with self.assertRaises(ctypes.ArgumentError):
            pushcore.lib.pushcore_push_service_counts(abi.ConfigP(), None, None, None)


class ConstantTest(_helpers.ConstantChecks, unittest.TestCase):
    name = "web_push"
    sample_define = "PUSHCORE_HTTP_DETECT"

    def test_enums_mirror_the_constants(self):
        # HttpProtocol's names are its own (DETECT, HTTP1, HTTP2): only the values match.
        self.assertEqual({e.value for e in pushcore.HttpProtocol},
                         set(_helpers.constants(abi, "HTTP_").values()))
        self.assertEnumMirrors(pushcore.LogLevel, "LOG_")
        self.assertEnumMirrors(pushcore.StoreKind, "STORE_")


if __name__ == "__main__":
    unittest.main()
