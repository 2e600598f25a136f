import unittest
from unittest import mock

import pushcore
from pushcore import _native


class CoreTest(unittest.TestCase):
    def test_version_matches_abi(self):
        major = int(pushcore.version().split(".")[0])
        self.assertEqual(major, pushcore._native.ABI_MAJOR)

    def test_status_names_and_messages(self):
        self.assertEqual(pushcore.status_name(-102), "PUSHCORE_E_BAD_URI")
        self.assertEqual(pushcore.strerror(0), "success")
        self.assertEqual(pushcore.status_name(-9999), "PUSHCORE_E_UNKNOWN")

    def test_error_carries_name_detail_offset(self):
        with self.assertRaises(pushcore.PushcoreError) as ctx:
            pushcore.check(-100, "uri-parameter name expected", 9)
        err = ctx.exception
        self.assertEqual(err.name, "PUSHCORE_E_SYNTAX")
        self.assertEqual(err.offset, 9)
        self.assertIn("at byte 9", str(err))
        self.assertEqual(pushcore.check(3), 3)

    def test_mismatching_abi_major_is_refused(self):
        real = pushcore.lib.pushcore_version() // 10000
        with mock.patch.object(_native, "ABI_MAJOR", real + 1):
            with self.assertRaises(ImportError) as ctx:
                _native.load()
        self.assertIn(f"needs ABI major {real + 1}", str(ctx.exception))
        self.assertIn(pushcore.version(), str(ctx.exception))
        self.assertIsNotNone(_native.load())  # the real major loads

    def test_error_names_the_failed_function(self):
        err = pushcore.PushcoreError(-2, function="pushcore_sip_ua_on_push")
        self.assertEqual(err.function, "pushcore_sip_ua_on_push")
        self.assertEqual(str(err), "pushcore_sip_ua_on_push: PUSHCORE_E_INVALID_STATE: "
                                   + pushcore.strerror(-2))
        self.assertIsNone(pushcore.PushcoreError(-2).function)


if __name__ == "__main__":
    unittest.main()
