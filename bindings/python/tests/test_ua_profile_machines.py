"""The ua-profile notifier through the Python binding: the draft's 7.12 SUBSCRIBE answered
with 200 and a content-indirection NOTIFY, the plug-and-play variant, events, timers,
enrollment, and errors."""
import unittest

import pushcore
from pushcore import ua_profile as ua

KDRAFT = (
    b"SUBSCRIBE sip:MAC%3aFF00000036C5@acme.example.com SIP/2.0\r\n"
    b"Event: ua-profile;profile-type=device;vendor=\"vendor.example.com\";\r\n"
    b"      model=\"Z100\";version=\"1.2.3\"\r\n"
    b"From: sip:MAC%3aFF00000036C5@acme.example.com;tag=1234\r\n"
    b"To: sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd\r\n"
    b"Call-ID: 3573853342923422@10.1.1.44\r\n"
    b"CSeq: 2131 SUBSCRIBE\r\n"
    b"Contact: sip:MAC%3aFF00000036C5@10.1.1.44\r\n"
    b"Via: SIP/2.0/TCP 10.1.1.41;\r\n"
    b"      branch=z9hG4bK6d6d35b6e2a203104d97211a3d18f57a\r\n"
    b"Accept: message/external-body, application/x-z100-device-profile\r\n"
    b"Content-Length: 0\r\n\r\n")

KPNP = KDRAFT.replace(b"Accept: message/external-body, application/x-z100-device-profile",
                      b"Accept: application/url").replace(b";tag=abcd", b"")

PROFILE = ua.Profile(url="http://www.example.com/devices/ff00000036c5",
                     content_type="application/x-z100-device-profile",
                     content_id="39EHF78SA@example.com", size=1234,
                     hash="0123456789abcdef0123456789abcdef01234567")


def header(msg: bytes, name: str) -> str:
    for line in msg.split(b"\r\n"):
        if line.startswith(name.encode() + b":"):
            return line.split(b":", 1)[1].strip().decode()
    return None


def body(msg: bytes) -> bytes:
    return msg.split(b"\r\n\r\n", 1)[1]


def answer(notify: bytes, code: int) -> bytes:
    lines = [f"SIP/2.0 {code} X"] + [f"{h}: {header(notify, h)}"
                                     for h in ("Via", "From", "To", "Call-ID", "CSeq")]
    return ("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n").encode()


class NotifierTest(unittest.TestCase):
    def make(self, **kw):
        self.queries = []

        def lookup(ptype, identity, query):
            self.queries.append((ptype, identity, query))
            if ptype == ua.ProfileType.DEVICE and identity == "MAC:FF00000036C5":
                return PROFILE
            return None
        counter = iter(range(1, 1 << 30))
        kw.setdefault("random", lambda n: bytes(next(counter) % 256 for _ in range(n)))
        return ua.UaNotifier(contact="<sip:profiles@192.168.0.3>", via_transport="TCP",
                             via_sent_by="192.168.0.3", lookup=lookup, **kw)

    def test_draft_exchange(self):
        n = self.make()
        n.receive(KDRAFT, flow=7, host="10.1.1.44", port=5060, now_ms=1000)
        ok, notify = n.outputs()
        self.assertTrue(ok.data.startswith(b"SIP/2.0 200"))
        self.assertEqual((notify.flow, notify.host, notify.port), (7, "10.1.1.44", 5060))
        self.assertTrue(notify.data.startswith(b"NOTIFY "))
        parts = ua.parse_notify_body(header(notify.data, "Content-Type"), body(notify.data))
        self.assertEqual(parts.form, ua.BodyForm.MULTIPART)
        self.assertEqual(parts[0].url, PROFILE.url)
        self.assertEqual(self.queries[0][2]["vendor"], "vendor.example.com")
        (ev,) = n.events()
        self.assertEqual(ev.type, ua.MachineEventType.NOTIFIER_SUBSCRIBED)
        self.assertEqual(ev.identity, "MAC:FF00000036C5")
        self.assertEqual(ev.profile_type, ua.ProfileType.DEVICE)
        self.assertIs(ev.known, True)
        self.assertEqual(ev.model, "Z100")
        self.assertEqual(n.state_of(ev.subscription), ua.SubscriptionState.NOTIFYING)
        self.assertEqual(n.next_deadline, 1000 + 32000)
        n.receive(answer(notify.data, 200), flow=7, host="10.1.1.44", port=5060, now_ms=1100)
        self.assertEqual(n.state_of(ev.subscription), ua.SubscriptionState.ACTIVE)
        self.assertEqual(n.profile_changed(ua.ProfileType.DEVICE, "MAC:FF00000036C5",
                                           effective_by=30, now_ms=2000), 1)
        (notify2,) = n.outputs()
        self.assertIn(b"effective-by=30", notify2.data)
        n.receive(answer(notify2.data, 481), host="10.1.1.44", port=5060, now_ms=2100)
        (end,) = n.events()
        self.assertEqual(end.type, ua.MachineEventType.NOTIFIER_TERMINATED)
        self.assertEqual(end.end_reason, ua.EndReason.NOTIFY_FAILED)
        self.assertEqual(end.code, 481)
        self.assertEqual(n.subscription_count, 0)
        self.assertIsNone(n.state_of(end.subscription))
        n.close()
        self.assertTrue(n.closed)

    def test_plug_and_play_and_enrollment(self):
        n = self.make()
        n.add_expected("ff:00:00:00:36:c5", 0, 5000)
        self.assertTrue(n.is_expected("MAC:FF00000036C5"))
        n.receive(KPNP, host="10.1.1.44", port=5060, now_ms=1000)
        _, notify = n.outputs()
        self.assertEqual(header(notify.data, "Content-Type"), "application/url")
        parts = ua.parse_notify_body("application/url", body(notify.data))
        self.assertEqual(parts.form, ua.BodyForm.URL)
        types = [e.type for e in n.events()]
        self.assertIn(ua.MachineEventType.NOTIFIER_ENROLLED, types)
        self.assertTrue(n.is_enrolled("MAC:FF00000036C5"))
        n.output_failed(now_ms=1200)
        (end,) = n.events()
        self.assertEqual(end.end_reason, ua.EndReason.NO_RESPONSE)
        with self.assertRaises(ua.UaProfileError) as cm:
            n.output_failed(now_ms=1200)
        self.assertEqual(cm.exception.status, -4)
        self.assertTrue(n.remove_enrolled("MAC:FF00000036C5"))
        self.assertFalse(n.remove_enrolled("MAC:FF00000036C5"))
        self.assertFalse(n.remove_expected("MAC:FF00000036C5"))  # enrolled: off the list

    def test_errors(self):
        with self.assertRaises(pushcore.PushcoreError):
            self.make(max_subscriptions=0)
        with self.assertRaises(pushcore.PushcoreError):
            self.make(form=7)
        with self.assertRaises(TypeError):
            self.make(bogus=1)
        n = self.make()
        with self.assertRaises(ua.UaProfileError) as cm:
            n.add_expected("not-a-device", 0, 1)
        self.assertEqual(cm.exception.status, -100)
        with self.assertRaises(ua.UaProfileError) as cm:
            n.profile_changed(ua.ProfileType.DEVICE, "", now_ms=0)
        self.assertEqual(cm.exception.reason, "identity: empty")
        with self.assertRaises(pushcore.PushcoreError):
            n.receive(b"garbage\r\n\r\n")
        self.assertIsNone(n.next_deadline)
        n.on_timeout(10)

    def test_lookup_exception_is_raised(self):
        def lookup(*_):
            raise KeyError("store down")
        n = ua.UaNotifier(lookup=lookup, random=lambda k: b"\1" * k)
        with self.assertRaises(KeyError):
            n.receive(KDRAFT, host="10.1.1.44", port=5060)


if __name__ == "__main__":
    unittest.main()
