import unittest

import pushcore


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


if __name__ == "__main__":
    unittest.main()
