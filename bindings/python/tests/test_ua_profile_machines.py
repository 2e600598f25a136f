"""The ua-profile notifier through the Python binding: the draft's 7.12 SUBSCRIBE answered
with 200 and a content-indirection NOTIFY, the plug-and-play variant, events, timers,
enrollment, and errors; the subscriber through the same exchange from the phone's side;
discovery's candidate order (draft 8.1)."""
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
        return ua.UaNotifier(contact="<sip:profiles@192.168.0.3>",
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

    def test_terminate_by_the_host(self):
        n = self.make()
        n.receive(KDRAFT, flow=7, host="10.1.1.44", port=5060, now_ms=1000)
        _, notify = n.outputs()
        (ev,) = n.events()
        n.receive(answer(notify.data, 200), flow=7, host="10.1.1.44", port=5060, now_ms=1100)
        n.terminate(ev.subscription, ua.Termination.DEACTIVATED, now_ms=1200)
        (fin,) = n.outputs()
        self.assertEqual(header(fin.data, "Subscription-State"), "terminated;reason=deactivated")
        with self.assertRaises(ua.UaProfileError) as cm:
            n.terminate(ev.subscription, ua.Termination.REJECTED)
        self.assertEqual(cm.exception.name, "PUSHCORE_E_INVALID_STATE")
        n.receive(answer(fin.data, 200), flow=7, host="10.1.1.44", port=5060, now_ms=1300)
        (end,) = n.events()
        self.assertEqual((end.end_reason, end.identity, end.profile_type),
                         (ua.EndReason.BY_HOST, "MAC:FF00000036C5", ua.ProfileType.DEVICE))
        with self.assertRaises(ua.UaProfileError) as cm:
            n.terminate(ev.subscription, ua.Termination.REJECTED)
        self.assertEqual(cm.exception.name, "PUSHCORE_E_NOT_FOUND")
        with self.assertRaises(pushcore.PushcoreError):
            n.terminate(ev.subscription, 42)

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


# ---- the subscriber ---------------------------------------------------------------------

DRAFT_NOTIFY_BODY = (
    b"--boundary42\r\n"
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


def ok_to(subscribe: bytes, expires: int = 3600) -> bytes:
    """The notifier's 200 to a SUBSCRIBE (To tagged abcd)."""
    return (f"SIP/2.0 200 OK\r\nVia: {header(subscribe, 'Via')}\r\n"
            f"From: {header(subscribe, 'From')}\r\nTo: {header(subscribe, 'To')};tag=abcd\r\n"
            f"Call-ID: {header(subscribe, 'Call-ID')}\r\nCSeq: {header(subscribe, 'CSeq')}\r\n"
            f"Expires: {expires}\r\nContact: <sip:192.168.0.3>\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def notify_in(subscribe: bytes, cseq: int, content_type: str, content: bytes,
              event: str = "ua-profile;effective-by=3600") -> bytes:
    """The draft's 7.12 NOTIFY in the dialog of `subscribe`, with a Subscription-State."""
    head = (f"NOTIFY sip:MAC%3aFF00000036C5@10.1.1.44 SIP/2.0\r\n"
            f"Event: {event}\r\n"
            f"From: sip:MAC%3aFF00000036C5@acme.example.com;tag=abcd\r\n"
            f"To: {header(subscribe, 'From')}\r\n"
            f"Call-ID: {header(subscribe, 'Call-ID')}\r\n"
            f"CSeq: {cseq} NOTIFY\r\n"
            f"Via: SIP/2.0/UDP 192.168.0.3;branch=z9hG4bK1e3effada91dc{cseq}\r\n"
            f"Contact: <sip:192.168.0.3>\r\n"
            f"Subscription-State: active;expires=86400\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(content)}\r\n\r\n")
    return head.encode() + content


def fake_sha1(data: bytes) -> bytes:
    total = sum(data)
    return bytes((total + i) % 256 for i in range(20))


class SubscriberTest(unittest.TestCase):
    def make(self, **kw):
        counter = iter(range(1, 1 << 30))
        kw.setdefault("random", lambda n: bytes(next(counter) % 256 for _ in range(n)))
        kw.setdefault("hash", fake_sha1)
        kw.setdefault("accept", ["application/x-z100-device-profile"])
        return ua.UaSubscriber(request_uri="sip:MAC%3aFF00000036C5@acme.example.com",
                               contact="sip:MAC%3aFF00000036C5@10.1.1.44", transport="TCP",
                               sent_by="10.1.1.41", vendor="vendor.example.com", model="Z100",
                               version="1.2.3", **kw)

    def test_draft_exchange(self):
        s = self.make(user_agent="Z100/1.2.3")
        self.assertEqual(s.state, ua.SubscriberState.IDLE)
        self.assertIsNone(s.current_profile())
        s.start(now_ms=0)
        (sub,) = s.outputs()
        self.assertTrue(sub.startswith(b"SUBSCRIBE sip:MAC%3aFF00000036C5@acme.example.com "))
        self.assertEqual(header(sub, "Event"),
                         'ua-profile;profile-type=device;vendor="vendor.example.com";'
                         'model="Z100";version="1.2.3"')
        self.assertEqual(header(sub, "Accept"),
                         "message/external-body, application/x-z100-device-profile")
        self.assertEqual(header(sub, "User-Agent"), "Z100/1.2.3")
        s.receive(ok_to(sub), now_ms=100)
        (ev,) = s.events()
        self.assertEqual(ev.type, ua.MachineEventType.SUBSCRIBER_SUBSCRIBED)
        self.assertEqual((ev.code, ev.expires), (200, 3600))
        self.assertEqual(s.state, ua.SubscriberState.SUBSCRIBED)
        self.assertIsNotNone(s.next_deadline)

        s.receive(notify_in(sub, 321, "multipart/mixed; boundary=boundary42", DRAFT_NOTIFY_BODY),
                  now_ms=10000)
        (ok,) = s.outputs()
        self.assertTrue(ok.startswith(b"SIP/2.0 200"))
        self.assertEqual(header(ok, "CSeq"), "321 NOTIFY")
        self.assertEqual(s.sub_state, ua.SubState.ACTIVE)
        fetch, apply_by = s.events()
        self.assertEqual(fetch.type, ua.MachineEventType.SUBSCRIBER_FETCH)
        self.assertEqual(fetch.url, "http://www.example.com/devices/ff00000036c5")
        self.assertEqual(fetch.content_id, "39EHF78SA@example.com")
        self.assertEqual(fetch.size, 1234)
        self.assertIsNone(fetch.hash)
        self.assertEqual(apply_by.type, ua.MachineEventType.SUBSCRIBER_APPLY_BY)
        self.assertEqual(apply_by.apply_by, 10000 + 3600 * 1000)
        self.assertEqual(s.pending_fetches, 1)

        s.on_fetched(fetch.content_id, b"<device-profile/>", now_ms=11000)
        (ready,) = s.events()
        self.assertEqual(ready.type, ua.MachineEventType.SUBSCRIBER_PROFILE_READY)
        self.assertEqual(ready.hash_check, ua.HashCheck.NOT_GIVEN)
        profile = s.current_profile()
        self.assertEqual(profile.body, b"<device-profile/>")
        self.assertEqual(profile.url, fetch.url)
        self.assertEqual(profile.apply_by, 10000 + 3600 * 1000)
        self.assertEqual(s.current_profile("application/x-z100-device-profile"), profile)
        self.assertIsNone(s.current_profile("text/plain"))
        s.applied()

        # An inline profile (bytes, NULs kept), then stop.
        s.receive(notify_in(sub, 322, "application/x-z100-device-profile", b"inline\0profile",
                            event="ua-profile"), now_ms=12000)
        s.outputs()
        inline = [e for e in s.events() if e.type == ua.MachineEventType.SUBSCRIBER_PROFILE]
        self.assertEqual(inline[0].body, b"inline\0profile")
        s.stop(now_ms=13000)
        (bye,) = s.outputs()
        self.assertEqual(header(bye, "Expires"), "0")
        self.assertEqual(s.state, ua.SubscriberState.UNSUBSCRIBING)
        s.close()
        self.assertTrue(s.closed)

    def test_hash_callback(self):
        s = self.make()
        s.start()
        (sub,) = s.outputs()
        s.receive(ok_to(sub))
        digest = fake_sha1(b"<p2/>").hex()
        content = (b"--b1\r\nContent-Type: message/external-body; access-type=\"URL\";\r\n"
                   b" URL=\"http://cfg.example.com/p2\";\r\n hash=" + digest.encode() +
                   b"\r\n\r\nContent-Type: application/x-z100-device-profile\r\n"
                   b"Content-ID: <p2@x>\r\n\r\n--b1--\r\n")
        s.receive(notify_in(sub, 1, "multipart/mixed;boundary=b1", content))
        s.outputs()
        fetch = [e for e in s.events() if e.type == ua.MachineEventType.SUBSCRIBER_FETCH][0]
        self.assertEqual(fetch.hash, digest)
        s.on_fetched("p2@x", b"<p2/>")
        (ready,) = s.events()
        self.assertEqual(ready.hash_check, ua.HashCheck.VERIFIED)

    def test_hash_exception_is_raised(self):
        def bad_hash(_):
            raise KeyError("no sha")
        s = self.make(hash=bad_hash)
        s.start()
        (sub,) = s.outputs()
        s.receive(ok_to(sub))
        content = (b"--b1\r\nContent-Type: message/external-body; access-type=\"URL\";\r\n"
                   b" URL=\"http://cfg.example.com/p3\";\r\n hash=" + b"0" * 40 +
                   b"\r\n\r\nContent-Type: application/x-z100-device-profile\r\n"
                   b"Content-ID: <p3@x>\r\n\r\n--b1--\r\n")
        s.receive(notify_in(sub, 1, "multipart/mixed;boundary=b1", content))
        with self.assertRaises(KeyError):
            s.on_fetched("p3@x", b"data")

    def test_refresh_failed_keeps_the_subscription_until_it_runs_out(self):
        s = self.make()
        s.start(now_ms=0)
        (sub,) = s.outputs()
        s.receive(ok_to(sub, expires=3600), now_ms=0)
        s.events()
        self.assertEqual(s.next_deadline, 3000 * 1000)  # 600 s (the margin) early
        s.on_timeout(3000 * 1000)
        (refresh,) = s.outputs()
        busy = ok_to(refresh).replace(b"SIP/2.0 200 OK", b"SIP/2.0 503 Busy")
        s.receive(busy, now_ms=3000 * 1000)
        (failed,) = s.events()
        self.assertEqual(failed.type, ua.MachineEventType.SUBSCRIBER_REFRESH_FAILED)
        self.assertEqual((failed.code, failed.expires), (503, 600))
        self.assertEqual(s.state, ua.SubscriberState.SUBSCRIBED)
        self.assertEqual(s.next_deadline, 3300 * 1000)  # tried again halfway

    def test_errors(self):
        with self.assertRaises(TypeError):
            self.make(bogus=1)
        with self.assertRaises(TypeError):
            self.make(hash=42)
        with self.assertRaises(pushcore.PushcoreError):
            self.make(form=7)
        with self.assertRaises(pushcore.PushcoreError) as cm:
            self.make(accept=["nonsense"])
        self.assertIn("accept", str(cm.exception))
        with self.assertRaises(ua.UaProfileError) as cm:
            ua.UaSubscriber(request_uri="sip:a@b", contact="sip:a@c", sent_by="c", model="m",
                            version="v",
                            random=lambda n: b"\1" * n)
        self.assertIn("vendor", cm.exception.reason)
        with self.assertRaises(pushcore.PushcoreError):
            self.make(profile_type=ua.ProfileType.OTHER)
        s = self.make(profile_type=ua.ProfileType.OTHER, profile_type_token="x-custom")
        with self.assertRaises(ua.UaProfileError) as cm:
            s.stop()
        self.assertEqual(cm.exception.status, -2)
        with self.assertRaises(ua.UaProfileError) as cm:
            s.on_fetch_failed("nothing@x")
        self.assertEqual(cm.exception.status, -4)
        with self.assertRaises(pushcore.PushcoreError):
            s.receive(b"garbage\r\n\r\n")
        s.start(now_ms=0)
        self.assertIn(b"profile-type=x-custom", s.outputs()[0])
        while s.state == ua.SubscriberState.SUBSCRIBING and s.next_deadline is not None:
            s.on_timeout(s.next_deadline)
        (failed,) = s.events()
        self.assertEqual(failed.type, ua.MachineEventType.SUBSCRIBER_FAILED)
        self.assertEqual(failed.code, 408)


# ---- discovery ------------------------------------------------------------------------------

class DiscoveryTest(unittest.TestCase):
    def subscribe(self, d, uri, profile_type, source):
        skipped = ua.MachineEventType.DISCOVERY_PROFILE_UNAVAILABLE
        (ev,) = [e for e in d.events() if e.type != skipped]
        self.assertEqual(ev.type, ua.MachineEventType.DISCOVERY_SUBSCRIBE)
        self.assertEqual((ev.uri, ev.profile_type, ev.source), (uri, profile_type, source))
        self.assertEqual(d.current, ua.Attempt(profile_type, source, uri))

    def test_candidate_order(self):
        d = ua.UaDiscovery("00:df:1e:00:4c:d0", dhcp_sip_servers=["proxy1.example.com",
                                                                  "192.0.2.5:5070"],
                           dhcp_domain="boston.example.com",
                           cached_device_uri="sip:MAC%3a00DF1E004CD0@cache.example.com")
        self.assertEqual(d.state, ua.DiscoveryState.IDLE)
        self.assertIsNone(d.current)
        d.start()
        P, S = ua.ProfileType, ua.Source
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@boston.example.com", P.LOCAL_NETWORK,
                       S.LOCAL_DOMAIN)
        self.assertEqual(d.remaining_device_candidates, 5)
        d.report(ua.Outcome.FAILURE, 404)
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@cache.example.com", P.DEVICE, S.CACHED)
        d.report(ua.Outcome.TIMEOUT)
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@proxy1.example.com", P.DEVICE,
                       S.DHCP_SIP_SERVER)
        d.report(ua.Outcome.FAILURE, 407)
        (auth,) = d.events()
        self.assertEqual(auth.type, ua.MachineEventType.DISCOVERY_AUTHORIZATION_REQUIRED)
        self.assertEqual(auth.code, 407)
        d.report(ua.Outcome.FAILURE, 503)
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@192.0.2.5:5070", P.DEVICE, S.DHCP_SIP_SERVER)
        d.report(ua.Outcome.TIMEOUT)
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@boston.example.com", P.DEVICE, S.LOCAL_DOMAIN)
        d.report(ua.Outcome.TIMEOUT)
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@sipuaconfig.boston.example.com", P.DEVICE,
                       S.SIPUACONFIG)
        d.report(ua.Outcome.TIMEOUT)
        unavailable, manual = d.events()
        self.assertEqual(unavailable.code, 0)
        self.assertEqual(manual.type, ua.MachineEventType.DISCOVERY_MANUAL_ENTRY_REQUIRED)
        self.assertEqual(d.state, ua.DiscoveryState.MANUAL_ENTRY)
        with self.assertRaises(ua.UaProfileError) as cm:
            d.manual_host("bad host")
        self.assertEqual(cm.exception.status, -1)
        (rejected,) = d.events()
        self.assertEqual(rejected.type, ua.MachineEventType.DISCOVERY_CANDIDATE_REJECTED)
        self.assertEqual(rejected.host, "bad host")
        self.assertTrue(rejected.reason)
        d.manual_host("pds.example.net")
        self.subscribe(d, "sip:MAC%3a00DF1E004CD0@pds.example.net", P.DEVICE, S.MANUAL)
        d.report(ua.Outcome.WITH_PROFILE)
        persist, need_aor = d.events()
        self.assertEqual(persist.type, ua.MachineEventType.DISCOVERY_PERSIST_DEVICE_URI)
        self.assertEqual(persist.uri, "sip:MAC%3a00DF1E004CD0@pds.example.net")
        self.assertEqual(need_aor.type, ua.MachineEventType.DISCOVERY_USER_AOR_REQUIRED)
        d.user_aor("sip:alice@example.com")
        self.subscribe(d, "sip:alice@example.com", P.USER, S.USER_AOR)
        d.report(ua.Outcome.WITH_PROFILE)
        self.subscribe(d, "sip:alice@example.com", P.APPLICATION, S.USER_AOR)
        d.report(ua.Outcome.WITHOUT_PROFILE)
        (done,) = d.events()
        self.assertEqual(done.type, ua.MachineEventType.DISCOVERY_COMPLETE)
        self.assertEqual(d.state, ua.DiscoveryState.DONE)
        self.assertIsNone(d.current)
        d.close()
        self.assertTrue(d.closed)

    def test_errors(self):
        with self.assertRaises(ua.UaProfileError) as cm:
            ua.UaDiscovery("MAC:00DF1E004CDX")
        self.assertEqual(cm.exception.status, -100)
        self.assertEqual(cm.exception.offset, 15)
        with self.assertRaises(TypeError):
            ua.UaDiscovery("00DF1E004CD0", bogus=1)
        with self.assertRaises(pushcore.PushcoreError):
            ua.UaDiscovery("00DF1E004CD0", form=9)
        with self.assertRaises(pushcore.PushcoreError):
            ua.UaDiscovery("00DF1E004CD0", dhcp_sip_servers=[""])
        d = ua.UaDiscovery(ua.parse_device_uri("sip:MAC%3a00DF1E004CD0@x.example")[0],
                           form=ua.Form.RFC6080, user_aor="sip:bob@example.com",
                           configured_domain="example.org", application_profile=False)
        with self.assertRaises(ua.UaProfileError) as cm:
            d.report(ua.Outcome.TIMEOUT)
        self.assertEqual(cm.exception.status, -2)
        d.start()
        with self.assertRaises(ua.UaProfileError) as cm:
            d.start()
        self.assertEqual(cm.exception.status, -2)
        (ev,) = d.events()
        self.assertEqual(ev.uri,
                         "sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0"
                         "@_sipuaconfig.example.org")
        with self.assertRaises(pushcore.PushcoreError):
            d.report(ua.Outcome.FAILURE, 200)
        with self.assertRaises(pushcore.PushcoreError):
            d.report(42)
        with self.assertRaises(ua.UaProfileError) as cm:
            d.user_aor("alice")
        self.assertEqual(cm.exception.status, -1)


if __name__ == "__main__":
    unittest.main()
