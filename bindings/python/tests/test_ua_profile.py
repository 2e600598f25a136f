"""pushcore.ua_profile: the Event header field, device identifiers and NOTIFY bodies of
draft-ietf-sipping-config-framework-08 (RFC 6080), with the draft's examples and the
errors, through the C ABI."""
import unittest

import pushcore

try:
    from . import _helpers
except ImportError:  # run as a script: this folder is on sys.path
    import _helpers

if not hasattr(pushcore, "ua_profile"):
    raise unittest.SkipTest("the library is built without PUSHCORE_WITH_UA_PROFILE")

ua = pushcore.ua_profile

# Draft section 7.12, with CRLF line endings.
DRAFT_BODY = (b"--boundary42\r\n"
              b"Content-Type: message/external-body;\r\n"
              b"      access-type=\"URL\";\r\n"
              b"      expiration=\"Mon, 24 June 2002 09:00:00 GMT\";\r\n"
              b"      URL=\"http://www.example.com/devices/ff00000036c5\";\r\n"
              b"      size=1234\r\n"
              b"\r\n"
              b"Content-Type: application/x-z100-device-profile\r\n"
              b"Content-ID: <39EHF78SA@example.com>\r\n"
              b"\r\n"
              b"--boundary42--\r\n")


class EventTest(unittest.TestCase):
    def assertFails(self, status_name, reason, offset, fn, *args, **kwargs):
        with self.assertRaises(ua.UaProfileError) as caught:
            fn(*args, **kwargs)
        self.assertIsInstance(caught.exception, pushcore.PushcoreError)
        self.assertEqual(caught.exception.name, status_name)
        self.assertEqual(caught.exception.reason, reason)
        self.assertEqual(caught.exception.offset, offset)

    def test_draft_subscribe_example(self):
        value = ('ua-profile;profile-type=device;\r\n      vendor="vendor.example.com";'
                 'model="Z100";version="1.2.3"')
        with ua.parse_event(value) as ev:
            self.assertIs(ev.profile_type, ua.ProfileType.DEVICE)
            self.assertEqual(ev.profile_type_token, "device")
            self.assertEqual((ev.vendor, ev.model, ev.version),
                             ("vendor.example.com", "Z100", "1.2.3"))
            self.assertIsNone(ev.network_user)
            self.assertIsNone(ev.effective_by)
            self.assertEqual(ev.unknown, [])
            self.assertEqual(ev.check(ua.Method.SUBSCRIBE), [])
            self.assertEqual(ev.check(ua.Method.NOTIFY),
                             ["profile-type", "vendor", "model", "version"])
            self.assertEqual(ev.last_error().name, "PUSHCORE_OK")
        self.assertTrue(ev.closed)

    def test_draft_notify_and_local_network_examples(self):
        ev = ua.parse_event("ua-profile;effective-by=3600")
        self.assertEqual(ev.effective_by, 3600)
        self.assertIsNone(ev.profile_type)
        self.assertEqual(ev.check(ua.Method.NOTIFY, ua.Form.RFC6080), [])
        ev = ua.parse_event('ua-profile;profile-type=local-network;  \r\n'
                            '      network-user="sip:alice@example.com"')
        self.assertIs(ev.profile_type, ua.ProfileType.LOCAL_NETWORK)
        self.assertEqual(ev.network_user, "sip:alice@example.com")
        self.assertFails("PUSHCORE_E_MISSING_HEADER", "vendor: required in SUBSCRIBE", 0,
                         ev.check, ua.Method.SUBSCRIBE)

    def test_other_types_tokens_and_unknown_parameters(self):
        ev = ua.parse_event('UA-Profile;profile-type="application";vendor=acme;'
                            'model="a\\"b";version="1";x;y="q r";z=3')
        self.assertIs(ev.profile_type, ua.ProfileType.APPLICATION)
        self.assertEqual(ev.vendor, "acme")
        self.assertEqual(ev.model, 'a"b')
        self.assertEqual(ev.unknown, [("x", None), ("y", "q r"), ("z", "3")])
        self.assertEqual(ev.check(ua.Method.SUBSCRIBE, ua.Form.RFC6080),
                         ["profile-type=application"])
        other = ua.parse_event("ua-profile;profile-type=printer")
        self.assertIs(other.profile_type, ua.ProfileType.OTHER)
        self.assertEqual(other.profile_type_token, "printer")

    def test_parse_errors_have_reason_and_offset(self):
        cases = [("", "PUSHCORE_E_SYNTAX", "event-type expected (token)", 0),
                 ("ua-profile x", "PUSHCORE_E_SYNTAX",
                  "';' expected between Event parameters", 11),
                 ("ua-profile;profile-type=", "PUSHCORE_E_SYNTAX",
                  "profile-type: value expected", 24),
                 ("ua-profile;x=\"a", "PUSHCORE_E_SYNTAX", "unterminated quoted-string", 13),
                 ("presence", "PUSHCORE_E_NOT_FOUND", "event package is not ua-profile", 0)]
        for value, name, reason, offset in cases:
            with self.subTest(value=value):
                self.assertFails(name, reason, offset, ua.parse_event, value)
        with self.assertRaises(TypeError):
            ua.parse_event(3)

    def test_check_refuses_bad_method_and_form(self):
        ev = ua.parse_event("ua-profile")
        with self.assertRaises(pushcore.PushcoreError):
            ev.check(9)
        with self.assertRaises(pushcore.PushcoreError):
            ev.check(ua.Method.NOTIFY, 9)

    def test_build(self):
        self.assertEqual(
            ua.build_event(ua.ProfileType.DEVICE, vendor="vendor.example.com", model="Z100",
                           version="1.2.3"),
            'ua-profile;profile-type=device;vendor="vendor.example.com";model="Z100";'
            'version="1.2.3"')
        self.assertEqual(ua.build_event(), "ua-profile")
        self.assertEqual(ua.build_event(effective_by=0), "ua-profile;effective-by=0")
        self.assertEqual(ua.build_event(profile_type_token="printer", model='a"b\\c'),
                         'ua-profile;profile-type=printer;model="a\\"b\\\\c"')
        self.assertEqual(ua.build_event(ua.ProfileType.USER, profile_type_token="User"),
                         "ua-profile;profile-type=User")
        built = ua.build_event(ua.ProfileType.LOCAL_NETWORK, network_user="sip:bob@example.com")
        self.assertEqual(ua.parse_event(built).network_user, "sip:bob@example.com")
        # A parsed event, changed, builds back with its unknown parameters.
        ev = ua.parse_event("ua-profile;profile-type=user;vendor=acme;x=1")
        ev.set(vendor=None, effective_by=60)
        self.assertEqual(ev.build(), "ua-profile;profile-type=user;effective-by=60;x=1")
        self.assertEqual(repr(ev), "Event('ua-profile;profile-type=user;effective-by=60;x=1')")

    def test_build_refusals(self):
        self.assertFails("PUSHCORE_E_INVALID_ARGUMENT", "value: empty", 0, ua.build_event,
                         vendor="")
        self.assertFails("PUSHCORE_E_INVALID_ARGUMENT", "value: control character", 0,
                         ua.build_event, model="a\r\nb")
        self.assertFails("PUSHCORE_E_INVALID_ARGUMENT", "network-user: not a quoted addr-spec",
                         0, ua.build_event, network_user="bob")
        self.assertFails("PUSHCORE_E_INVALID_ARGUMENT",
                         "profile-type: the token names another type", 0, ua.build_event,
                         ua.ProfileType.USER, profile_type_token="device")
        self.assertFails("PUSHCORE_E_INVALID_ARGUMENT", "profile-type: OTHER needs a token", 0,
                         ua.build_event, ua.ProfileType.OTHER)
        self.assertFails("PUSHCORE_E_INVALID_ARGUMENT", "profile-type: not a token", 0,
                         ua.build_event, profile_type_token="a b")
        with self.assertRaises(pushcore.PushcoreError):
            ua.build_event(effective_by=-1)
        with self.assertRaises(pushcore.PushcoreError):
            ua.build_event(9)
        with self.assertRaises(TypeError):
            ua.new_event().set(colour="red")

    def test_closed_event(self):
        ev = ua.new_event()
        ev.close()
        ev.close()
        with self.assertRaises(pushcore.PushcoreError):
            ev.build()
        self.assertEqual(repr(ev), "Event(closed)")


class DeviceIdTest(unittest.TestCase):
    def assertFails(self, status_name, reason, offset, fn, *args):
        with self.assertRaises(ua.UaProfileError) as caught:
            fn(*args)
        self.assertEqual((caught.exception.name, caught.exception.reason,
                          caught.exception.offset), (status_name, reason, offset))

    def test_normalize_parse_map(self):
        for mac in ("00:df:1e:00:4c:d0", "00-DF-1E-00-4C-D0", "00df.1e00.4cd0",
                    "mac:00DF1E004CD0", b"00DF1E004CD0"):
            self.assertEqual(ua.normalize_mac(mac), "MAC:00DF1E004CD0")
        self.assertEqual(ua.parse_uuid("URN:UUID:F81D4FAE-7CED-11D0-A765-00A0C91E6BF6"),
                         "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6")
        self.assertEqual(ua.mac_to_uuid("00:DF:1E:00:4C:D0"),
                         "urn:uuid:00000000-0000-1000-8000-00df1e004cd0")
        self.assertFails("PUSHCORE_E_SYNTAX", "fewer than 12 hex digits", 11, ua.normalize_mac,
                         "00DF1E004CD")
        self.assertFails("PUSHCORE_E_SYNTAX", "mixed MAC separators", 5, ua.normalize_mac,
                         "00:DF-1E:00:4C:D0")
        self.assertFails("PUSHCORE_E_SYNTAX", "UUID shorter than 8-4-4-4-12", 9, ua.parse_uuid,
                         "urn:uuid:")
        self.assertFails("PUSHCORE_E_SYNTAX", "fewer than 12 hex digits", 4, ua.mac_to_uuid,
                         "MAC:")

    def test_parse_device_uri(self):
        mac = ua.DeviceKind.MAC
        uuid = ua.DeviceKind.UUID
        u = "urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6"
        cases = [("sip:MAC%3a00DF1E004CD0@airport.example.net", False,
                  (mac, "MAC:00DF1E004CD0", "airport.example.net"), False),
                 ("sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com", False,
                  (uuid, u, "example.com"), False),
                 ("sip:MAC:00DF1E004CD0@example.com", False,
                  (mac, "MAC:00DF1E004CD0", "example.com"), True),
                 ("sip:urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.com", False,
                  (uuid, u, "example.com"), True),
                 ("MAC%3a00DF1E004CD0", True, (mac, "MAC:00DF1E004CD0", None), False),
                 ("MAC=00df1e004cd0", True, (mac, "MAC:00DF1E004CD0", None), True)]
        for uri, user_part, want, deployed in cases:
            with self.subTest(uri=uri):
                self.assertEqual(ua.parse_device_uri(uri, user_part=user_part),
                                 (ua.DeviceId(*want), deployed))
        self.assertFails("PUSHCORE_E_SYNTAX",
                         "device ID must be MAC:<12 hex> or urn:uuid:<UUID>", 4,
                         ua.parse_device_uri, "sip:alice@example.com")
        with self.assertRaises(ua.UaProfileError) as caught:
            ua.parse_device_uri("MAC%3", True)
        self.assertEqual(caught.exception.name, "PUSHCORE_E_BAD_ESCAPE")

    def test_build_uris(self):
        self.assertEqual(ua.build_device_uri("00:df:1e:00:4c:d0", "example.com"),
                         "sip:MAC%3a00DF1E004CD0@example.com")
        self.assertEqual(ua.build_device_uri("MAC:00DF1E004CD0", "example.com:5061",
                                             ua.Form.RFC6080),
                         "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0"
                         "@example.com:5061")
        # Section 8.1.1's example.
        device, _ = ua.parse_device_uri("sip:MAC%3a00DF1E004CD0@example.com")
        self.assertEqual(ua.build_local_network_uri(device, "airport.example.net"),
                         "sip:MAC%3a00DF1E004CD0@airport.example.net")
        # RFC 6080: the UUID form, at "_sipuaconfig." + the domain.
        self.assertEqual(ua.build_local_network_uri(device, "airport.example.net",
                                                    ua.Form.RFC6080),
                         "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0"
                         "@_sipuaconfig.airport.example.net")
        self.assertFails("PUSHCORE_E_SYNTAX", "fewer than 12 hex digits", 15,
                         ua.build_device_uri, "MAC:00DF1E004CD", "example.com")
        with self.assertRaises(ua.UaProfileError) as caught:
            ua.build_device_uri("MAC:00DF1E004CD0", "exa mple")
        self.assertEqual((caught.exception.name, caught.exception.offset),
                         ("PUSHCORE_E_INVALID_ARGUMENT", 0))
        with self.assertRaises(ua.UaProfileError):
            ua.build_local_network_uri("MAC:00DF1E004CD0", "")
        with self.assertRaises(pushcore.PushcoreError):
            ua.build_device_uri("MAC:00DF1E004CD0", "example.com", 5)


class BodyTest(unittest.TestCase):
    def test_draft_example(self):
        parts = ua.parse_notify_body("multipart/mixed; boundary=boundary42", DRAFT_BODY)
        self.assertIs(parts.form, ua.BodyForm.MULTIPART)
        self.assertEqual(parts, [ua.IndirectPart(
            url="http://www.example.com/devices/ff00000036c5",
            content_type="application/x-z100-device-profile",
            content_id="39EHF78SA@example.com", expiration="Mon, 24 June 2002 09:00:00 GMT",
            size=1234, hash=None, access_type="URL", offset=14)])
        # ... and builds back byte for byte.
        part = parts[0]._replace(access_type=None, offset=None)
        self.assertEqual(ua.build_multipart([part], boundary="boundary42"),
                         ("multipart/mixed;boundary=boundary42", DRAFT_BODY))

    def test_other_forms(self):
        parts = ua.parse_notify_body("application/url", b"http://example.com/p.xml\r\n")
        self.assertIs(parts.form, ua.BodyForm.URL)
        self.assertEqual(parts[0].url, "http://example.com/p.xml")
        self.assertIsNone(parts[0].access_type)
        parts = ua.parse_notify_body("application/xml", bytearray(b"<profile/>"))
        self.assertIs(parts.form, ua.BodyForm.INLINE)
        self.assertEqual(parts, [ua.InlinePart(b"<profile/>", "application/xml", None, 0)])

    def test_build_and_reparse(self):
        h = "0123456789abcdef0123456789ABCDEF01234567"
        given = [ua.IndirectPart("http://x/u", "application/xml", "u@x", hash=h),
                 ua.InlinePart(b"<profile/>", "application/xml", "i@x"),
                 ua.InlinePart(b"")]
        content_type, body = ua.build_multipart(given)
        self.assertTrue(content_type.startswith("multipart/mixed;boundary=pc-"))
        parts = ua.parse_notify_body(content_type, body)
        self.assertEqual(len(parts), 3)
        self.assertEqual(parts[0]._replace(access_type=None, offset=None), given[0])
        self.assertEqual(parts[1]._replace(offset=None), given[1])
        self.assertEqual(parts[2].body, b"")
        single = ua.IndirectPart("http://x/u", "application/xml", "u@x", size=7)
        content_type, body = ua.build_single(single)
        self.assertTrue(content_type.startswith("message/external-body;"))
        back = ua.parse_notify_body(content_type, body)
        self.assertIs(back.form, ua.BodyForm.EXTERNAL_BODY)
        self.assertEqual(back[0].size, 7)
        self.assertEqual(ua.build_single(single, ua.BodyForm.URL),
                         ("application/url", b"http://x/u\r\n"))

    def test_parse_errors(self):
        cases = [("multipart/mixed", DRAFT_BODY, "PUSHCORE_E_BAD_HEADER",
                  "multipart: no boundary parameter", 0),
                 ("text/plain;a", b"", "PUSHCORE_E_SYNTAX",
                  "Content-Type: '=' expected after parameter name", 12),
                 ("multipart/mixed;boundary=b", b"no delimiter\r\n", "PUSHCORE_E_SYNTAX",
                  "multipart: no opening delimiter", 0)]
        for content_type, body, name, reason, offset in cases:
            with self.subTest(content_type=content_type):
                with self.assertRaises(ua.UaProfileError) as caught:
                    ua.parse_notify_body(content_type, body)
                self.assertEqual((caught.exception.name, caught.exception.reason,
                                  caught.exception.offset), (name, reason, offset))
        with self.assertRaises(ua.UaProfileError) as caught:
            ua.parse_notify_body("multipart/mixed; boundary=boundary42", DRAFT_BODY,
                                 max_header_bytes=16)
        self.assertEqual(caught.exception.name, "PUSHCORE_E_LIMIT_HEADER_BYTES")
        with self.assertRaises(TypeError):
            ua.parse_notify_body("application/xml", "text, not bytes")

    def test_build_refusals(self):
        cases = [(ua.IndirectPart("", "a/b", "i@x"), "url: required"),
                 (ua.IndirectPart("http://x/ y", "a/b", "i@x"),
                  "url: whitespace, a quote, a backslash or a control character"),
                 (ua.IndirectPart("http://x/", None, "i@x"), "content_type: required"),
                 (ua.IndirectPart("http://x/", "a/b", None), "content_id: required"),
                 (ua.IndirectPart("http://x/", "a/b", "i@x", hash="abc"),
                  "hash: not 40 hex digits"),
                 (ua.IndirectPart("http://x/", "ab", "i@x"), "content_type: not a media type"),
                 (ua.InlinePart(b"", "message/external-body"),
                  "part: a field would not read back as given")]
        for part, reason in cases:
            with self.subTest(part=part):
                with self.assertRaises(ua.UaProfileError) as caught:
                    ua.build_multipart([part])
                self.assertEqual(caught.exception.reason, reason)
        with self.assertRaises(ua.UaProfileError) as caught:
            ua.build_multipart([])
        self.assertEqual((caught.exception.name, caught.exception.reason),
                         ("PUSHCORE_E_INVALID_STATE", "no parts"))
        with self.assertRaises(ua.UaProfileError) as caught:
            ua.build_multipart([ua.InlinePart(b"profile")], boundary="profile")
        self.assertEqual(caught.exception.reason,
                         "boundary: not RFC 2046 bchars, or occurs in a part")
        with self.assertRaises(ua.UaProfileError):
            ua.build_multipart([ua.InlinePart(b"x")], boundary="")
        with self.assertRaises(ua.UaProfileError) as caught:
            ua.build_single(ua.InlinePart(b"x"))
        with self.assertRaises(TypeError):
            ua.build_multipart(["not a part"])
        with self.assertRaises(pushcore.PushcoreError):
            ua.build_single(ua.IndirectPart("http://x/", "a/b", "i@x"), 9)


class ReadmeTest(unittest.TestCase):
    def test_readme_examples_run(self):
        out = _helpers.run_readme_examples(self, "python3", 1)
        self.assertIn("MAC:00DF1E004CD0", out)
        self.assertIn("http://www.example.com/devices/ff00000036c5", out)


if __name__ == "__main__":
    unittest.main()
