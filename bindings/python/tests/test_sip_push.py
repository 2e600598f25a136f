"""The SIP push classes of the Python binding, driven as a host drives them: the UA and
the proxy/registrar exchange bytes through this test, which plays the network and the
clock (draft-ietf-sipcore-sip-push-04 sections 4 and 5, RFC 8599)."""
import ctypes
import gc
import hashlib
import os
import subprocess
import sys
import unittest
import warnings
import weakref
from http import HTTPStatus
from unittest import mock

import pushcore

try:
    from . import _helpers
except ImportError:  # run as a script: this folder is on sys.path
    import _helpers

if not hasattr(pushcore.lib, "pushcore_sip_ua_new"):
    raise unittest.SkipTest("the library is built without PUSHCORE_WITH_SIP_PUSH")

from pushcore import _sip_push_abi as abi  # noqa: E402
from pushcore import (Event, EventType, Format, Need, PnsStyle, ProviderRegistry,  # noqa: E402
                      PushcoreError, PushParams, PushReason, SipFramer, SipProxy, SipUa,
                      UaState, build_555)

PHONE = ("192.0.2.10", 5070)
PHONE_FLOW = 1
CALLER = ("198.51.100.7", 5060)
CALLER_FLOW = 7

MESSAGE = (b"MESSAGE sip:alice@example.com SIP/2.0\r\n"
           b"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKm1\r\nMax-Forwards: 70\r\n"
           b"From: <sip:bob@example.org>;tag=b\r\nTo: <sip:alice@example.com>\r\n"
           b"Call-ID: m1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi")

REGISTER = (b"REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
            b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c\r\n"
            b"CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")

# The draft's own example (section 1, after Figure 1): a folded Contact with a quoted pn-prid.
DRAFT_CONTACT = ("<sip:alice@alicemobile.example.com;\r\n"
                 "  pn-provider=acme;\r\n"
                 "  pn-param=acme-param;\r\n"
                 "  pn-prid=\"ZTY4ZDJlMzODE1NmUgKi0K\">")


class DeterministicRandom:
    """random(n) -> n bytes from SHA-256 of a seed and a counter; records the sizes."""

    def __init__(self, seed: bytes):
        self.seed = seed
        self.counter = 0
        self.sizes = []

    def __call__(self, n: int) -> bytes:
        self.sizes.append(n)
        out = b""
        while len(out) < n:
            self.counter += 1
            out += hashlib.sha256(self.seed + self.counter.to_bytes(8, "big")).digest()
        return out[:n]


def header(message: bytes, name: str):
    """The first value of a header field, or None."""
    head = message.split(b"\r\n\r\n", 1)[0].decode()
    for line in head.split("\r\n")[1:]:
        field, _, value = line.partition(":")
        if field.strip().lower() == name.lower():
            return value.strip()
    return None


def headers(message: bytes, name: str) -> list:
    head = message.split(b"\r\n\r\n", 1)[0].decode()
    return [line.partition(":")[2].strip() for line in head.split("\r\n")[1:]
            if line.partition(":")[0].strip().lower() == name.lower()]


def start_line(message: bytes) -> str:
    return message.split(b"\r\n", 1)[0].decode()


def make_ua(transport="TCP", **kw) -> SipUa:
    settings = dict(aor="sip:alice@example.com", registrar="sip:example.com",
                    contact="sip:alice@192.0.2.10:5070", transport=transport,
                    sent_by="192.0.2.10:5070")
    settings.update(kw)
    return SipUa(**settings)


def make_proxy(**kw) -> SipProxy:
    settings = dict(via_transport="UDP", via_sent_by="127.0.0.1:5060", hold_timeout_ms=5000)
    settings.update(kw)
    return SipProxy(**settings)


def pump(ua: SipUa, proxy: SipProxy, now: int) -> list:
    """Carries the UA's messages to the proxy and the proxy's responses on the phone's
    flow back to the UA; returns what the proxy sent elsewhere or as requests."""
    other = []
    for message in ua.outputs():
        proxy.receive(message, PHONE_FLOW, *PHONE, now_ms=now)
    for out in proxy.outputs():
        if out.flow == PHONE_FLOW and out.data.startswith(b"SIP/2.0 "):
            ua.receive(out.data, now)
        else:
            other.append(out)
    return other


class Registered(unittest.TestCase):
    """A UA registered with FCM push parameters at a proxy."""

    def setUp(self):
        self.proxy = make_proxy()
        self.ua = make_ua()
        self.ua.start("fcm", "123456", "tok:abc", now_ms=0)
        self.assertEqual(pump(self.ua, self.proxy, 0), [])
        [self.registered] = self.ua.events()
        [self.binding] = self.proxy.events()

    def tearDown(self):
        self.ua.close()
        self.proxy.close()

    def send_message(self, now=100):
        self.proxy.receive(MESSAGE, CALLER_FLOW, *CALLER, now_ms=now)
        [push] = self.proxy.events()
        return push


class FlowTest(Registered):
    def test_register_with_fcm_gets_200_with_push_supported(self):
        ev = self.registered
        self.assertIs(ev.type, EventType.UA_REGISTERED)
        self.assertEqual(ev.code, 200)
        self.assertIs(ev.push_supported, True)
        self.assertEqual(ev.pns, "fcm")
        self.assertIs(ev.pnsreg, True)
        self.assertEqual(ev.pnsreg_seconds, 120)
        self.assertEqual(ev.expires, 3600)
        self.assertIsNone(ev.vapid)
        self.assertIs(self.ua.state, UaState.REGISTERED)
        self.assertIs(self.binding.type, EventType.PROXY_BINDING_UPDATED)
        self.assertEqual(self.binding.aor, "alice@example.com")
        self.assertEqual(self.binding.provider, "fcm")
        self.assertEqual(self.binding.prid, "tok:abc")
        self.assertEqual(self.binding.expires, 3600)
        self.assertEqual(self.binding.contact,
                         "sip:alice@192.0.2.10:5070;pn-provider=fcm;pn-param=123456;"
                         "pn-prid=tok:abc")
        self.assertEqual(self.proxy.binding_count, 1)
        self.assertEqual(self.proxy.held_count, 0)

    def test_message_is_held_push_sent_then_forwarded_after_reregister(self):
        push = self.send_message(now=100)
        self.assertIs(push.type, EventType.PROXY_PUSH_REQUEST)
        self.assertEqual(push.provider, "fcm")
        self.assertEqual(push.prid, "tok:abc")
        self.assertEqual(push.param, "123456")
        self.assertIsNone(push.purr)
        self.assertIs(push.push_reason, PushReason.REQUEST)
        self.assertEqual(push.aor, "alice@example.com")
        self.assertEqual(push.binding_id, self.binding.binding_id)
        self.assertEqual(self.proxy.held_count, 1)
        self.assertEqual(self.proxy.outputs(), [])  # a MESSAGE gets no 100 Trying
        self.assertEqual(self.proxy.next_deadline, 5100)

        # The push arrives: the UA re-registers; the proxy answers and forwards.
        self.ua.on_push(200)
        [register] = self.ua.outputs()
        self.assertTrue(register.startswith(b"REGISTER sip:example.com SIP/2.0\r\n"))
        self.assertEqual(header(register, "CSeq"), "2 REGISTER")
        self.proxy.receive(register, PHONE_FLOW, *PHONE, now_ms=200)
        ok, forwarded = self.proxy.outputs()
        self.assertTrue(ok.data.startswith(b"SIP/2.0 200 OK\r\n"))
        self.assertEqual((ok.flow, ok.host, ok.port), (PHONE_FLOW, *PHONE))
        data, flow, host, port = forwarded
        self.assertEqual(start_line(data),
                         "MESSAGE sip:alice@192.0.2.10:5070;pn-provider=fcm;pn-param=123456;"
                         "pn-prid=tok:abc SIP/2.0")
        self.assertTrue(header(data, "Via").startswith("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK"))
        self.assertEqual(header(data, "Max-Forwards"), "69")
        self.assertTrue(data.endswith(b"\r\n\r\nhi"))
        self.assertEqual((flow, host, port), (PHONE_FLOW, *PHONE))
        self.assertEqual(self.proxy.held_count, 0)

        self.ua.receive(ok.data, 210)
        [again] = self.ua.events()
        self.assertIs(again.type, EventType.UA_REGISTERED)
        [refreshed] = self.proxy.events()
        self.assertIs(refreshed.type, EventType.PROXY_BINDING_UPDATED)
        self.assertEqual(refreshed.binding_id, self.binding.binding_id)

    def test_a_response_from_the_phone_is_relayed_to_the_caller(self):
        self.send_message()
        self.ua.on_push(200)
        [forwarded] = pump(self.ua, self.proxy, 200)
        via = header(forwarded.data, "Via")
        # A retransmission from the caller goes the same way with the same branch.
        self.proxy.receive(MESSAGE, CALLER_FLOW, *CALLER, now_ms=300)
        self.assertEqual(self.proxy.held_count, 0)
        [retransmitted] = self.proxy.outputs()
        self.assertEqual(header(retransmitted.data, "Via"), via)
        self.assertEqual(retransmitted[1:], forwarded[1:])
        # The phone answers the forwarded MESSAGE.
        answer = (b"SIP/2.0 200 OK\r\nVia: " + via.encode() +
                  b"\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKm1\r\n"
                  b"From: <sip:bob@example.org>;tag=b\r\nTo: <sip:alice@example.com>;tag=a\r\n"
                  b"Call-ID: m1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n")
        self.proxy.receive(answer, PHONE_FLOW, *PHONE, now_ms=310)
        [relayed] = self.proxy.outputs()
        self.assertEqual((relayed.flow, relayed.host, relayed.port), (CALLER_FLOW, *CALLER))
        self.assertEqual(headers(relayed.data, "Via"),
                         ["SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKm1"])

    def test_retransmission_is_forwarded_as_the_original_was(self):
        # A request released from hold goes to the binding's contact (RFC 3261 16.6 step
        # 2: the Request-URI becomes the target); its retransmission goes out with that
        # Request-URI and the same branch too, not with the caller's Request-URI.
        self.send_message()
        self.ua.on_push(200)
        [forwarded] = pump(self.ua, self.proxy, 200)
        self.proxy.receive(MESSAGE, CALLER_FLOW, *CALLER, now_ms=300)
        [retransmitted] = self.proxy.outputs()
        self.assertEqual(start_line(retransmitted.data), start_line(forwarded.data))
        self.assertEqual(retransmitted, forwarded)

    def test_invite_retransmission_cancel_and_ack_follow_the_forwarded_invite(self):
        invite = (b"INVITE sip:alice@example.com SIP/2.0\r\n"
                  b"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKi1\r\nMax-Forwards: 70\r\n"
                  b"From: <sip:bob@example.org>;tag=b\r\nTo: <sip:alice@example.com>\r\n"
                  b"Call-ID: i1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
        self.proxy.receive(invite, CALLER_FLOW, *CALLER, now_ms=100)
        [trying] = self.proxy.outputs()
        self.assertEqual(start_line(trying.data), "SIP/2.0 100 Trying")
        [push] = self.proxy.events()
        self.assertIs(push.push_reason, PushReason.REQUEST)
        self.ua.on_push(200)
        [forwarded] = pump(self.ua, self.proxy, 200)
        target = start_line(forwarded.data).split()[1]
        self.assertTrue(target.startswith("sip:alice@192.0.2.10:5070;pn-provider=fcm;"))
        branch = header(forwarded.data, "Via")
        self.assertTrue(branch.startswith("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK"))

        self.proxy.receive(invite, CALLER_FLOW, *CALLER, now_ms=300)  # a retransmission
        [again] = self.proxy.outputs()
        self.assertEqual(again, forwarded)

        cancel = (invite.replace(b"INVITE sip:", b"CANCEL sip:")
                  .replace(b"CSeq: 1 INVITE", b"CSeq: 1 CANCEL"))
        self.proxy.receive(cancel, CALLER_FLOW, *CALLER, now_ms=400)
        [cancelled] = self.proxy.outputs()
        self.assertEqual(start_line(cancelled.data), f"CANCEL {target} SIP/2.0")
        self.assertEqual(header(cancelled.data, "Via"), branch)
        self.assertEqual(cancelled[1:], forwarded[1:])

        # The phone ends the INVITE with 487; the caller's ACK for it goes the same way.
        terminated = (b"SIP/2.0 487 Request Terminated\r\nVia: " + branch.encode() +
                      b"\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKi1\r\n"
                      b"From: <sip:bob@example.org>;tag=b\r\nTo: <sip:alice@example.com>;tag=a"
                      b"\r\nCall-ID: i1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
        self.proxy.receive(terminated, PHONE_FLOW, *PHONE, now_ms=450)
        [relayed] = self.proxy.outputs()
        self.assertEqual(relayed.flow, CALLER_FLOW)
        ack = (invite.replace(b"INVITE sip:", b"ACK sip:")
               .replace(b"CSeq: 1 INVITE", b"CSeq: 1 ACK")
               .replace(b"To: <sip:alice@example.com>", b"To: <sip:alice@example.com>;tag=a"))
        self.proxy.receive(ack, CALLER_FLOW, *CALLER, now_ms=500)
        [acked] = self.proxy.outputs()
        self.assertEqual(start_line(acked.data), f"ACK {target} SIP/2.0")
        self.assertEqual(header(acked.data, "Via"), branch)
        self.assertEqual(acked[1:], forwarded[1:])

    def test_hold_timeout_answers_480(self):
        push = self.send_message(now=100)
        self.proxy.on_timeout(5099)
        self.assertEqual(self.proxy.outputs(), [])
        self.assertEqual(self.proxy.held_count, 1)
        self.proxy.on_timeout(5100)
        [rejected] = self.proxy.outputs()
        self.assertEqual(start_line(rejected.data), "SIP/2.0 480 Temporarily Unavailable")
        self.assertEqual(header(rejected.data, "Call-ID"), "m1")
        self.assertEqual((rejected.flow, rejected.host, rejected.port), (CALLER_FLOW, *CALLER))
        [ev] = self.proxy.events()
        self.assertIs(ev.type, EventType.PROXY_REQUEST_REJECTED)
        self.assertEqual(ev.code, 480)
        self.assertEqual(ev.binding_id, push.binding_id)
        self.assertEqual(ev.aor, "alice@example.com")
        self.assertEqual(self.proxy.held_count, 0)

    def test_push_failed_answers_480(self):
        push = self.send_message()
        self.proxy.push_failed(push.binding_id, now_ms=150)
        [rejected] = self.proxy.outputs()
        self.assertEqual(start_line(rejected.data), "SIP/2.0 480 Temporarily Unavailable")
        self.assertEqual(rejected.flow, CALLER_FLOW)
        [ev] = self.proxy.events()
        self.assertEqual((ev.type, ev.code), (EventType.PROXY_REQUEST_REJECTED, 480))
        self.assertEqual(self.proxy.held_count, 0)
        with self.assertRaises(PushcoreError) as ctx:
            self.proxy.push_failed(push.binding_id, now_ms=160)  # nothing held any more
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_NOT_FOUND")
        self.assertEqual(ctx.exception.function, "pushcore_sip_proxy_push_failed")

    def test_unsendable_forward_is_rejected_with_480(self):
        self.send_message(now=100)
        self.ua.on_push(200)
        [register] = self.ua.outputs()
        self.proxy.receive(register, PHONE_FLOW, *PHONE, now_ms=200)
        ok = self.proxy.next_output()
        self.assertEqual(start_line(ok.data), "SIP/2.0 200 OK")
        with self.assertRaises(PushcoreError) as ctx:
            self.proxy.output_failed(now_ms=201)  # a response: nothing to undo
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_NOT_FOUND")
        forwarded = self.proxy.next_output()
        self.assertTrue(forwarded.data.startswith(b"MESSAGE "))
        self.proxy.output_failed(now_ms=202)  # the phone's flow is gone
        [rejected] = self.proxy.outputs()
        self.assertEqual(start_line(rejected.data), "SIP/2.0 480 Temporarily Unavailable")
        self.assertEqual(rejected.flow, CALLER_FLOW)
        self.assertEqual(header(rejected.data, "Via"),
                         "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKm1")

    def test_one_push_for_two_held_requests(self):
        self.send_message(now=100)
        second = MESSAGE.replace(b"z9hG4bKm1", b"z9hG4bKm2").replace(b"Call-ID: m1",
                                                                      b"Call-ID: m2")
        self.proxy.receive(second, CALLER_FLOW, *CALLER, now_ms=110)
        self.assertEqual(self.proxy.events(), [])
        self.assertEqual(self.proxy.held_count, 2)

    def test_reregistration_push_before_the_binding_expires(self):
        # RFC 8599: expires 3600 s, margin 120 s -> a push at 3480 s.
        self.assertEqual(self.proxy.next_deadline, 3480000)
        self.assertIsNone(self.ua.next_deadline)  # +sip.pnsreg: the proxy refreshes
        self.proxy.on_timeout(3479999)
        self.assertEqual(self.proxy.events(), [])
        self.proxy.on_timeout(3480000)
        [push] = self.proxy.events()
        self.assertIs(push.type, EventType.PROXY_PUSH_REQUEST)
        self.assertIs(push.push_reason, PushReason.REREGISTER)
        self.assertEqual(self.proxy.next_deadline, 3600000)
        self.proxy.on_timeout(3600000)
        [removed] = self.proxy.events()
        self.assertIs(removed.type, EventType.PROXY_BINDING_REMOVED)
        self.assertEqual(self.proxy.binding_count, 0)

    def test_update_prid_reregisters_with_the_new_prid(self):
        self.ua.update_prid("tok:new", now_ms=500)
        [register] = self.ua.outputs()
        self.assertIn(";pn-prid=tok:new>", header(register, "Contact"))
        self.proxy.receive(register, PHONE_FLOW, *PHONE, now_ms=500)
        self.proxy.outputs()
        [ev] = self.proxy.events()
        self.assertEqual(ev.prid, "tok:new")

    def test_stop_push_registers_without_parameters(self):
        self.ua.stop_push(now_ms=500)
        [register] = self.ua.outputs()
        self.assertEqual(header(register, "Contact"), "<sip:alice@192.0.2.10:5070>")
        self.proxy.receive(register, PHONE_FLOW, *PHONE, now_ms=500)
        [ok] = self.proxy.outputs()
        self.assertEqual(headers(ok.data, "Feature-Caps"), [])
        self.ua.receive(ok.data, 510)
        [ev] = self.ua.events()
        self.assertIs(ev.type, EventType.UA_REGISTERED)
        self.assertIs(ev.push_supported, False)
        with self.assertRaises(PushcoreError) as ctx:
            self.ua.stop_push(600)  # no push to stop
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_STATE")

    def test_unregister(self):
        self.ua.unregister(now_ms=700)
        self.assertIs(self.ua.state, UaState.UNREGISTERING)
        [register] = self.ua.outputs()
        self.assertEqual(header(register, "Expires"), "0")
        self.proxy.receive(register, PHONE_FLOW, *PHONE, now_ms=700)
        [ok] = self.proxy.outputs()
        self.ua.receive(ok.data, 710)
        [ev] = self.ua.events()
        self.assertIs(ev.type, EventType.UA_UNREGISTERED)
        self.assertEqual(ev.code, 200)
        self.assertIs(self.ua.state, UaState.IDLE)
        [removed] = self.proxy.events()
        self.assertIs(removed.type, EventType.PROXY_BINDING_REMOVED)
        self.assertEqual(removed.binding_id, self.binding.binding_id)
        self.assertEqual(self.proxy.binding_count, 0)
        # No binding: a new request gets 404, not a push.
        self.proxy.receive(MESSAGE, CALLER_FLOW, *CALLER, now_ms=800)
        [nf] = self.proxy.outputs()
        self.assertEqual(start_line(nf.data), "SIP/2.0 404 Not Found")
        self.assertEqual(self.proxy.events(), [])

    def test_events_hold_the_fields_the_library_lists(self):
        # Event reads the fields pushcore_event_field_count/_at list, and only those:
        # every getter call it makes finds its field.
        lib = pushcore.lib
        calls = []

        def recording(real):
            def getter(ev, field, *out):
                r = real(ev, field, *out)
                calls.append((getattr(field, "value", field), r))
                return r
            return getter

        with mock.patch.object(lib, "pushcore_event_str", recording(lib.pushcore_event_str)), \
                mock.patch.object(lib, "pushcore_event_u64", recording(lib.pushcore_event_u64)):
            push = self.send_message()
        self.assertEqual(set(push.fields), {"aor", "contact", "provider", "prid", "param",
                                            "binding_id", "push_reason"})
        ids = {name: field for name, field, _ in abi.FIELDS}
        self.assertEqual(sorted(calls), sorted((ids[name], 1) for name in push.fields))

    def test_a_field_newer_than_the_binding_is_kept_under_its_id(self):
        # A newer library may list field ids (or kinds) this binding has no name for:
        # an unknown id is read by its kind and kept in .fields under its number; a
        # field of an unknown kind cannot be read and is skipped.
        lib = pushcore.lib
        real_at, real_str = lib.pushcore_event_field_at, lib.pushcore_event_str
        prid, param = ids = (14, 15)  # PUSHCORE_FIELD_PRID, PUSHCORE_FIELD_PARAM
        self.assertEqual([f for n, f, _ in abi.FIELDS if n in ("prid", "param")], list(ids))

        def field_at(ev, i, field, kind):
            r = real_at(ev, i, field, kind)
            if field._obj.value == prid:
                field._obj.value = 99  # an id from the future, of kind str
            elif field._obj.value == param:
                kind._obj.value = 7  # a kind from the future
            return r

        def event_str(ev, field, value, length):
            return real_str(ev, prid if field.value == 99 else field, value, length)

        with mock.patch.object(lib, "pushcore_event_field_at", field_at), \
                mock.patch.object(lib, "pushcore_event_str", event_str):
            push = self.send_message()
        self.assertEqual(push.fields[99], "tok:abc")
        self.assertIsNone(push.prid)
        self.assertNotIn("param", push.fields)
        self.assertEqual(push.provider, "fcm")
        self.assertIn("99: 'tok:abc'", repr(push))

    def test_events_are_copies(self):
        first = self.send_message()
        fields = dict(first.fields)
        self.proxy.push_failed(first.binding_id)  # more events through the same C event
        self.proxy.events()
        self.assertEqual(first.fields, fields)
        self.assertEqual(first, Event(EventType.PROXY_PUSH_REQUEST, fields))
        self.assertIn("PROXY_PUSH_REQUEST", repr(first))
        with self.assertRaises(AttributeError):
            first.no_such_field


class UaTimerTest(unittest.TestCase):
    def test_udp_retransmissions_then_408(self):
        # RFC 3261 17.1.2.2: Timer E from T1 = 500 ms doubling to T2 = 4 s; Timer F 32 s.
        ua = make_ua(transport="UDP")
        ua.start("fcm", "1", "tok", now_ms=1000)
        [first] = ua.outputs()
        expected = [1500, 2500, 4500, 8500, 12500, 16500, 20500, 24500, 28500, 32500]
        seen = []
        while ua.next_deadline is not None and ua.next_deadline < 33000:
            now = ua.next_deadline
            ua.on_timeout(now - 1)
            self.assertEqual(ua.outputs(), [], "nothing fires before its deadline")
            ua.on_timeout(now)
            seen.append(now)
            if now < 33000:
                self.assertEqual(ua.outputs(), [first], f"retransmission at {now}")
        self.assertEqual(seen, expected)
        self.assertEqual(ua.next_deadline, 33000)
        ua.on_timeout(33000)
        [failed] = ua.events()
        self.assertIs(failed.type, EventType.UA_REGISTRATION_FAILED)
        self.assertEqual((failed.code, failed.reason), (408, "no response"))
        self.assertIs(ua.state, UaState.IDLE)
        self.assertIsNone(ua.next_deadline)
        self.assertEqual(ua.outputs(), [])

    def test_provisional_response_slows_retransmissions_to_t2(self):
        ua = make_ua(transport="UDP")
        ua.start(now_ms=0)
        [register] = ua.outputs()
        trying = (b"SIP/2.0 100 Trying\r\nVia: " + header(register, "Via").encode() +
                  b"\r\nFrom: " + header(register, "From").encode() +
                  b"\r\nTo: <sip:alice@example.com>\r\nCall-ID: " +
                  header(register, "Call-ID").encode() +
                  b"\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")
        ua.receive(trying, 100)
        self.assertEqual(ua.next_deadline, 4100)
        self.assertEqual(ua.events(), [])

    def test_tcp_does_not_retransmit(self):
        ua = make_ua(transport="TCP")
        ua.start(now_ms=0)
        ua.outputs()
        self.assertEqual(ua.next_deadline, 32000)  # Timer F only

    def test_refresh_before_expiry_without_pnsreg(self):
        proxy = make_proxy(reregister_pushes=False)
        ua = make_ua(expires=600, refresh_margin=60)
        ua.start("fcm", "1", "tok", now_ms=0)
        pump(ua, proxy, 0)
        [ev] = ua.events()
        self.assertEqual(ev.expires, 600)
        self.assertIs(ev.pnsreg, False)
        self.assertEqual(ua.next_deadline, 540000)
        ua.on_timeout(540000)
        [register] = ua.outputs()
        self.assertEqual(header(register, "CSeq"), "2 REGISTER")
        self.assertEqual(header(register, "Expires"), "600")


class DeterministicRandomTest(unittest.TestCase):
    def register_bytes(self, seed: bytes) -> bytes:
        with make_ua(transport="UDP", random=DeterministicRandom(seed)) as ua:
            ua.start("fcm", "1", "tok", now_ms=0)
            [register] = ua.outputs()
            return register

    def test_same_seed_gives_identical_register(self):
        a = self.register_bytes(b"seed-1")
        self.assertEqual(a, self.register_bytes(b"seed-1"))
        self.assertNotEqual(a, self.register_bytes(b"seed-2"))

    def test_call_id_tag_and_branch_come_from_the_source(self):
        rnd = DeterministicRandom(b"x")
        with make_ua(random=rnd) as ua:
            ua.start(now_ms=0)
            [register] = ua.outputs()
        first = DeterministicRandom(b"x")
        call_id, tag, branch = (first(n).hex() for n in rnd.sizes[:3])
        self.assertEqual(header(register, "Call-ID"), call_id)
        self.assertEqual(header(register, "From"), f"<sip:alice@example.com>;tag={tag}")
        self.assertIn(f";branch=z9hG4bK{branch};", header(register, "Via"))

    def test_proxy_to_tag_comes_from_the_source(self):
        # The proxy's To tags are keyed by its random secret and unique per transaction
        # (RFC 3261 19.3), and the same for a retransmission.
        def to_tag(random, request):
            proxy = SipProxy(random=random)
            proxy.receive(request, 1, "192.0.2.1", 5060)
            proxy.receive(request, 1, "192.0.2.1", 5060)
            first, again = proxy.outputs()
            self.assertEqual(header(first.data, "To"), header(again.data, "To"))
            return header(first.data, "To").split(";tag=")[1]

        zeros, ones = (lambda n: bytes(n)), (lambda n: b"\x01" * n)
        tag = to_tag(zeros, REGISTER)
        self.assertRegex(tag, r"^[0-9a-f]{16}$")
        self.assertEqual(tag, to_tag(zeros, REGISTER))
        self.assertNotEqual(tag, to_tag(ones, REGISTER))
        other = REGISTER.replace(b"Call-ID: ", b"Call-ID: x")
        self.assertNotEqual(other, REGISTER)
        self.assertNotEqual(tag, to_tag(zeros, other))

    def test_failing_source_fails_the_call_and_chains_the_exception(self):
        calls = []

        def flaky(n):
            calls.append(n)
            if len(calls) > 2:  # Call-ID and tag at creation, then the branch fails
                raise RuntimeError("entropy exhausted")
            return bytes(n)

        ua = make_ua(random=flaky)
        with self.assertRaises(PushcoreError) as ctx:
            ua.start(now_ms=0)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INTERNAL")
        self.assertIsInstance(ctx.exception.__cause__, RuntimeError)
        self.assertIn("entropy exhausted", str(ctx.exception))

    def test_failing_source_at_creation(self):
        with self.assertRaises(PushcoreError) as ctx:
            make_ua(random=lambda n: b"short")
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INTERNAL")
        self.assertEqual(ctx.exception.function, "pushcore_sip_ua_new")
        self.assertIsInstance(ctx.exception.__cause__, ValueError)
        with self.assertRaises(PushcoreError) as ctx:
            SipProxy(random=lambda n: 1 / 0)
        self.assertIsInstance(ctx.exception.__cause__, ZeroDivisionError)

    def test_proxy_with_failing_source_does_not_forward_with_a_bare_branch(self):
        # Without random bytes there is no unique branch (RFC 3261 8.1.1.7): the proxy
        # answers the sender 500 and fails the call, as the UA does, instead of sending
        # the request with the bare magic cookie "branch=z9hG4bK".
        calls = []

        def flaky(n):
            calls.append(n)
            if len(calls) > 1:  # the To tag at creation, then nothing
                raise RuntimeError("entropy exhausted")
            return bytes(n)

        proxy = SipProxy(random=flaky)
        ua = make_ua()
        ua.start(now_ms=0)  # no push parameters: requests are forwarded at once
        pump(ua, proxy, 0)
        self.assertEqual(proxy.binding_count, 1)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # a success would warn
            with self.assertRaises(PushcoreError) as ctx:
                proxy.receive(MESSAGE, CALLER_FLOW, *CALLER, now_ms=10)
        err = ctx.exception
        self.assertEqual((err.name, err.function), ("PUSHCORE_E_INTERNAL",
                                                    "pushcore_sip_proxy_receive"))
        self.assertIsInstance(err.__cause__, RuntimeError)
        self.assertIn("entropy exhausted", err.detail)
        [answer] = proxy.outputs()  # nothing forwarded
        self.assertEqual(start_line(answer.data), "SIP/2.0 500 Server Internal Error")
        self.assertEqual((answer.flow, answer.host, answer.port), (CALLER_FLOW, *CALLER))
        self.assertEqual(proxy.last_error().name, "PUSHCORE_E_INTERNAL")

    def test_random_callback_lives_as_long_as_the_handle(self):
        class Source:
            def __call__(self, n):
                return bytes(n)

        source = Source()
        ref = weakref.ref(source)
        ua = make_ua(random=source)
        del source
        gc.collect()
        self.assertIsNotNone(ref(), "the UA must keep its random source alive")
        ua.start(now_ms=0)  # calls it from C
        self.assertIn(";branch=z9hG4bK000000000000000000000000;", header(ua.outputs()[0], "Via"))
        ua.close()
        gc.collect()
        self.assertIsNone(ref(), "close() must release the random source")


class ProxyTest(unittest.TestCase):
    def register_with(self, proxy, provider, prid="tok", param=None):
        ua = make_ua()
        ua.start(provider, param, prid, now_ms=0)
        [register] = ua.outputs()
        proxy.receive(register, PHONE_FLOW, *PHONE)
        return ua, register

    def test_555_for_an_unsupported_provider_lists_the_providers(self):
        proxy = make_proxy()
        ua, _ = self.register_with(proxy, "acme")
        [answer] = proxy.outputs()
        self.assertEqual(start_line(answer.data),
                         "SIP/2.0 555 Push Notification Service Not Supported")
        self.assertEqual(headers(answer.data, "Feature-Caps"),
                         ['*;+sip.pns="apns"', '*;+sip.pns="fcm"', '*;+sip.pns="webpush"'])
        self.assertEqual(proxy.binding_count, 0)
        self.assertEqual(proxy.events(), [])
        ua.receive(answer.data, 10)
        [failed] = ua.events()
        self.assertIs(failed.type, EventType.UA_REGISTRATION_FAILED)
        self.assertEqual(failed.code, 555)
        self.assertEqual(failed.pns, "apns,fcm,webpush")
        self.assertIs(ua.state, UaState.IDLE)

    def test_555_in_the_drafts_list_style(self):
        proxy = make_proxy(pns_style=PnsStyle.LIST)
        self.register_with(proxy, "acme")
        [answer] = proxy.outputs()
        self.assertEqual(headers(answer.data, "Feature-Caps"), ['*;+sip.pns="apns,fcm,webpush"'])

    def test_providers_are_copied_from_the_registry(self):
        registry = ProviderRegistry(defaults=False)
        registry.add("acme", Need.OPTIONAL)
        proxy = make_proxy(providers=registry)
        registry.add("late", Need.OPTIONAL)  # after the proxy copied it
        registry.close()
        ua, _ = self.register_with(proxy, "acme")
        [ok] = proxy.outputs()
        self.assertEqual(headers(ok.data, "Feature-Caps"), ['*;+sip.pns="acme";+sip.pnsreg="120"'])
        self.register_with(proxy, "late")
        [refused] = proxy.outputs()
        self.assertEqual(headers(refused.data, "Feature-Caps"), ['*;+sip.pns="acme"'])

    def test_forward_to_instead_of_555(self):
        proxy = make_proxy(forward_to=("203.0.113.5", 5080))
        self.register_with(proxy, "acme")
        [forwarded] = proxy.outputs()
        self.assertTrue(forwarded.data.startswith(b"REGISTER sip:example.com SIP/2.0\r\n"))
        self.assertEqual((forwarded.host, forwarded.port), ("203.0.113.5", 5080))

    def test_expires_limits(self):
        proxy = make_proxy(min_expires=1200, max_expires=1800, default_expires=900)
        ua, _ = self.register_with(proxy, "fcm", param="1")  # asks for 3600
        [ok] = proxy.outputs()
        self.assertIn(";expires=1800", header(ok.data, "Contact"))
        short = REGISTER.replace(b"Content-Length", b"Contact: <sip:a@192.0.2.1>;expires=60\r\n"
                                                    b"Content-Length")
        proxy.receive(short, 2, "192.0.2.1", 5060)
        [too_brief] = proxy.outputs()
        self.assertEqual(start_line(too_brief.data), "SIP/2.0 423 Interval Too Brief")
        self.assertEqual(header(too_brief.data, "Min-Expires"), "1200")

    def test_max_bindings(self):
        proxy = make_proxy(max_bindings=1)
        self.register_with(proxy, "fcm", param="1")
        proxy.outputs()
        second = REGISTER.replace(b"Content-Length", b"Contact: <sip:a@192.0.2.1>\r\n"
                                                     b"Content-Length")
        with self.assertRaises(PushcoreError) as ctx:
            proxy.receive(second, 2, "192.0.2.1", 5060)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_LIMIT_BINDINGS")
        # The reason is the status's own message, "binding table full": said once.
        self.assertEqual(str(ctx.exception), "pushcore_sip_proxy_receive: "
                                             "PUSHCORE_E_LIMIT_BINDINGS: binding table full")
        self.assertEqual(proxy.last_error()[1:], ("PUSHCORE_E_LIMIT_BINDINGS",
                                                  "binding table full", 0))
        [busy] = proxy.outputs()
        self.assertEqual(start_line(busy.data), "SIP/2.0 503 Service Unavailable")

    def test_max_held_and_hold_timeout(self):
        proxy = make_proxy(max_held=1, hold_timeout_ms=250)
        self.register_with(proxy, "fcm", param="1")
        proxy.outputs()
        proxy.events()
        proxy.receive(MESSAGE, CALLER_FLOW, *CALLER, now_ms=1000)
        self.assertEqual(proxy.next_deadline, 1250)
        second = MESSAGE.replace(b"z9hG4bKm1", b"z9hG4bKm2")
        with self.assertRaises(PushcoreError) as ctx:
            proxy.receive(second, CALLER_FLOW, *CALLER, now_ms=1001)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_LIMIT_HELD_REQUESTS")
        [busy] = proxy.outputs()
        self.assertEqual(start_line(busy.data), "SIP/2.0 503 Service Unavailable")

    def test_reregister_pushes_off_and_margin(self):
        off = make_proxy(reregister_pushes=False)
        self.register_with(off, "fcm", param="1")
        [ok] = off.outputs()
        self.assertEqual(headers(ok.data, "Feature-Caps"), ['*;+sip.pns="fcm"'])
        self.assertEqual(off.next_deadline, 3600000)  # expiry only, no push
        margin = make_proxy(reregister_margin_s=300)
        self.register_with(margin, "fcm", param="1")
        [ok] = margin.outputs()
        self.assertEqual(headers(ok.data, "Feature-Caps"), ['*;+sip.pns="fcm";+sip.pnsreg="300"'])
        self.assertEqual(margin.next_deadline, 3300000)

    def test_authorizer_challenges_refuses_and_accepts(self):
        seen = []

        def authorize(request):
            seen.append(start_line(request))
            if b"Authorization:" not in request:
                return 401, 'Digest realm="example.com", nonce="abc"'
            if b"bad" in request:
                return 403
            return None

        proxy = make_proxy(authorizer=authorize)
        proxy.receive(REGISTER, 1, "192.0.2.1", 5060)
        [challenge] = proxy.outputs()
        self.assertEqual(start_line(challenge.data), "SIP/2.0 401 Unauthorized")
        self.assertEqual(header(challenge.data, "WWW-Authenticate"),
                         'Digest realm="example.com", nonce="abc"')
        self.assertEqual(seen, ["REGISTER sip:example.com SIP/2.0"])
        self.assertEqual(proxy.binding_count, 0)
        authorized = REGISTER.replace(b"Content-Length", b"Authorization: Digest x\r\n"
                                                         b"Contact: <sip:a@192.0.2.1>\r\n"
                                                         b"Content-Length")
        proxy.receive(authorized, 1, "192.0.2.1", 5060)
        [ok] = proxy.outputs()
        self.assertEqual(start_line(ok.data), "SIP/2.0 200 OK")
        self.assertEqual(proxy.binding_count, 1)
        proxy.receive(authorized.replace(b"Digest x", b"Digest bad"), 1, "192.0.2.1", 5060)
        [forbidden] = proxy.outputs()
        self.assertEqual(start_line(forbidden.data), "SIP/2.0 403 Forbidden")

    def test_authorizer_407(self):
        proxy = make_proxy(authorizer=lambda request: (HTTPStatus.PROXY_AUTHENTICATION_REQUIRED,
                                                       'Digest realm="p"'))
        proxy.receive(MESSAGE, CALLER_FLOW, *CALLER)
        [challenge] = proxy.outputs()
        self.assertEqual(start_line(challenge.data),
                         "SIP/2.0 407 Proxy Authentication Required")
        self.assertEqual(header(challenge.data, "Proxy-Authenticate"), 'Digest realm="p"')

    def test_authorizer_errors_refuse_with_403_and_raise(self):
        cases = [(lambda r: 1 / 0, ZeroDivisionError),
                 (lambda r: 200, TypeError),
                 (lambda r: False, TypeError),  # not a verdict; must not read as 0 (accept)
                 (lambda r: (401, None), TypeError),
                 (lambda r: (401, "x\r\nEvil: 1"), ValueError),
                 (lambda r: (401, "x" * 5000), ValueError)]
        for authorize, error in cases:
            with self.subTest(error=error.__name__):
                proxy = make_proxy(authorizer=authorize)
                with self.assertRaises(error):
                    proxy.receive(REGISTER, 1, "192.0.2.1", 5060)
                [refused] = proxy.outputs()
                self.assertEqual(start_line(refused.data), "SIP/2.0 403 Forbidden")
                self.assertNotIn(b"Evil", refused.data)
                with self.assertRaises(error):  # each request runs it again
                    proxy.receive(REGISTER.replace(b"z9hG4bK1", b"z9hG4bK2"), 1, "192.0.2.1",
                                  5060)
                [refused] = proxy.outputs()
                self.assertEqual(start_line(refused.data), "SIP/2.0 403 Forbidden")
                self.assertEqual(proxy.binding_count, 0)
        with self.assertRaises(TypeError):
            make_proxy(authorizer="yes")

    def test_authorizer_callback_lives_as_long_as_the_handle(self):
        calls = []
        proxy = make_proxy(authorizer=lambda request: calls.append(request) or None)
        gc.collect()
        proxy.receive(REGISTER, 1, "192.0.2.1", 5060)
        self.assertEqual(calls, [REGISTER])

    def test_library_refuses_a_challenge_with_a_line_break(self):
        # The binding's authorizer refuses such a challenge itself (ValueError, above);
        # the library refuses it too, for any host: a C authorizer writing one gets 403
        # and the text goes nowhere.
        lib = pushcore.lib
        for code, challenge in ((401, b'Digest realm="x"\r\nEvil: 1'), (407, b"x\nEvil: 1"),
                                (401, b"x\rEvil: 1"), (401, b'Digest realm="x"')):
            with self.subTest(code=code, challenge=challenge):
                def c_authorizer(_ctx, _request, _length, out, cap, code=code, text=challenge):
                    ctypes.memmove(out, text + b"\0", len(text) + 1)
                    return code

                c_fn = abi.AUTH_FN(c_authorizer)
                cfg = abi.ProxyConfigP()
                self.assertEqual(lib.pushcore_sip_proxy_config_new(ctypes.byref(cfg)), 0)
                proxy = abi.ProxyP()
                try:
                    self.assertEqual(lib.pushcore_sip_proxy_config_set_authorizer(cfg, c_fn,
                                                                                  None), 0)
                    self.assertEqual(lib.pushcore_sip_proxy_new(ctypes.byref(proxy), cfg), 0)
                finally:
                    lib.pushcore_sip_proxy_config_free(cfg)
                try:
                    buf = (ctypes.c_uint8 * len(REGISTER)).from_buffer_copy(REGISTER)
                    self.assertEqual(lib.pushcore_sip_proxy_receive(
                        proxy, 1, b"192.0.2.1", 5060, buf, len(REGISTER), 0), 0)
                    data, length = abi.BytesP(), ctypes.c_size_t()
                    flow, host, port = ctypes.c_uint64(), ctypes.c_char_p(), ctypes.c_uint16()
                    self.assertEqual(lib.pushcore_sip_proxy_next_output(
                        proxy, ctypes.byref(data), ctypes.byref(length), ctypes.byref(flow),
                        ctypes.byref(host), ctypes.byref(port)), 1)
                    answer = ctypes.string_at(data, length.value)
                finally:
                    lib.pushcore_sip_proxy_free(proxy)
                if b"\r" in challenge or b"\n" in challenge:
                    self.assertEqual(start_line(answer), "SIP/2.0 403 Forbidden")
                    self.assertNotIn(b"Evil", answer)
                else:
                    self.assertEqual(start_line(answer), "SIP/2.0 401 Unauthorized")
                    self.assertEqual(header(answer, "WWW-Authenticate"), 'Digest realm="x"')


class Build555Test(unittest.TestCase):
    def test_size_query_then_buffer(self):
        registry = ProviderRegistry()
        single = build_555(REGISTER, registry)
        self.assertEqual(start_line(single), "SIP/2.0 555 Push Notification Service Not Supported")
        self.assertEqual(headers(single, "Feature-Caps"),
                         ['*;+sip.pns="apns"', '*;+sip.pns="fcm"', '*;+sip.pns="webpush"'])
        self.assertEqual(header(single, "Call-ID"), "c")
        self.assertTrue(single.endswith(b"Content-Length: 0\r\n\r\n"))
        listed = build_555(REGISTER, registry, PnsStyle.LIST)
        self.assertEqual(headers(listed, "Feature-Caps"), ['*;+sip.pns="apns,fcm,webpush"'])
        custom = ProviderRegistry(defaults=False)
        custom.add("acme", Need.UNUSED)
        self.assertEqual(headers(build_555(REGISTER, custom), "Feature-Caps"),
                         ['*;+sip.pns="acme"'])
        self.assertEqual(build_555(bytearray(REGISTER), registry), single)

    def test_errors(self):
        registry = ProviderRegistry()
        for request, name in ((b"garbage", "PUSHCORE_E_TRUNCATED"),
                              (b"", "PUSHCORE_E_TRUNCATED"),
                              (REGISTER.replace(b"REGISTER sip", b"OPTIONS sip"),
                               "PUSHCORE_E_INVALID_ARGUMENT")):
            with self.subTest(request=request[:20]):
                with self.assertRaises(PushcoreError) as ctx:
                    build_555(request, registry)
                self.assertEqual(ctx.exception.name, name)
                self.assertEqual(ctx.exception.function, "pushcore_sip_push_build_555")
        with self.assertRaises(PushcoreError) as ctx:
            build_555(REGISTER, registry, 2)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_ARGUMENT")
        with self.assertRaises(TypeError):
            build_555(REGISTER.decode(), registry)
        with self.assertRaises(TypeError):
            build_555(REGISTER, None)


class FramerTest(unittest.TestCase):
    STREAM = MESSAGE + REGISTER

    def test_split_at_every_byte_position(self):
        for cut in range(len(self.STREAM) + 1):
            with self.subTest(cut=cut), SipFramer() as framer:
                got = framer.feed(self.STREAM[:cut]) + framer.feed(self.STREAM[cut:])
                self.assertEqual(got, [MESSAGE, REGISTER])
                framer.end()

    def test_byte_by_byte(self):
        framer = SipFramer()
        completed = {}
        for i in range(len(self.STREAM)):
            for message in framer.feed(self.STREAM[i:i + 1]):
                completed[i] = message
        # Each message comes out with its last byte, not before, not after.
        self.assertEqual(completed, {len(MESSAGE) - 1: MESSAGE, len(self.STREAM) - 1: REGISTER})
        self.assertEqual(framer.feed(b""), [])
        framer.end()

    def test_end_inside_a_message_is_truncated(self):
        framer = SipFramer()
        self.assertEqual(framer.feed(MESSAGE[:-1]), [])
        with self.assertRaises(PushcoreError) as ctx:
            framer.end()
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_TRUNCATED")
        self.assertEqual(ctx.exception.detail, "stream closed inside a message")
        self.assertEqual(ctx.exception.function, "pushcore_sip_framer_end")

    def test_bad_content_length_breaks_the_stream(self):
        framer = SipFramer()
        bad = REGISTER.replace(b"Content-Length: 0", b"Content-Length: x")
        with self.assertRaises(PushcoreError) as ctx:
            framer.feed(bad)
        err = ctx.exception
        self.assertEqual(err.name, "PUSHCORE_E_BAD_CONTENT_LENGTH")
        self.assertEqual(err.status, -105)
        self.assertEqual(err.detail, "Content-Length is not a number")
        self.assertIsNotNone(err.offset)
        self.assertIn(f"at byte {err.offset}", str(err))
        with self.assertRaises(PushcoreError) as again:
            framer.feed(REGISTER)  # stays broken
        self.assertEqual(again.exception.name, "PUSHCORE_E_BAD_CONTENT_LENGTH")
        last = framer.last_error()
        self.assertEqual((last.status, last.name), (-105, "PUSHCORE_E_BAD_CONTENT_LENGTH"))

    def test_limits(self):
        with self.assertRaises(PushcoreError) as ctx:
            SipFramer(max_header_bytes=64).feed(REGISTER)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_LIMIT_HEADER_BYTES")
        with self.assertRaises(PushcoreError) as ctx:
            SipFramer(max_body_bytes=1).feed(MESSAGE)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_LIMIT_BODY_BYTES")
        with self.assertRaises(PushcoreError) as ctx:
            SipFramer(max_headers=3).feed(REGISTER)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_LIMIT_HEADER_COUNT")
        self.assertEqual(SipFramer(max_body_bytes=2).feed(MESSAGE), [MESSAGE])

    def test_input_types(self):
        framer = SipFramer()
        self.assertEqual(framer.feed(memoryview(bytearray(REGISTER))), [REGISTER])
        with self.assertRaises(TypeError):
            framer.feed(REGISTER.decode())
        with self.assertRaises(PushcoreError) as ctx:
            SipFramer(max_headers=-1)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_ARGUMENT")


class PushParamsTest(unittest.TestCase):
    def test_drafts_folded_quoted_contact(self):
        p = PushParams.parse(DRAFT_CONTACT)
        self.assertEqual(p.provider, "acme")
        self.assertEqual(p.param, "acme-param")
        self.assertEqual(p.prid, "ZTY4ZDJlMzODE1NmUgKi0K")  # no quotes
        self.assertIsNone(p.purr)
        self.assertIsNone(p.enckey)
        self.assertIsNone(p.enccode)
        self.assertEqual(p.unknown, [])
        self.assertEqual(PushParams.parse(DRAFT_CONTACT.encode()).prid, p.prid)

    def test_escapes_quoted_pairs_and_all_parameters(self):
        p = PushParams.parse("<sip:a@b;PN-Provider=webpush;pn-prid=https://push.example/p/x%3Fy%3Dz;"
                             "pn-purr=r1;pn-enckey=k%2Fey;pn-enccode=c0de;lr>")
        self.assertEqual(p.provider, "webpush")
        self.assertEqual(p.prid, "https://push.example/p/x?y=z")
        self.assertEqual((p.purr, p.enckey, p.enccode), ("r1", "k/ey", "c0de"))
        q = PushParams.parse('<sip:a@b;pn-provider=fcm;pn-param="a\\"b";pn-prid="x y">')
        self.assertEqual((q.param, q.prid), ('a"b', "x y"))

    def test_bytes_that_are_not_text_survive(self):
        p = PushParams.parse("<sip:a@b;pn-prid=%00x%FF>")
        self.assertEqual(p.prid, "\x00x\udcff")  # NUL kept; %FF as a surrogate escape
        self.assertEqual(p.prid.encode("utf-8", "surrogateescape"), b"\x00x\xff")

    def test_unknown_pn_parameters(self):
        p = PushParams.parse("<sip:a@b;pn-provider=fcm;pn-future=%41b;pn-x;other=1>")
        self.assertEqual(p.unknown, [("pn-future", "Ab"), ("pn-x", "")])
        self.assertIn("pn-future", repr(p))

    def test_unknown_values_keep_a_decoded_nul(self):
        # pushcore_push_params_unknown_get hands out lengths, as pushcore_push_params_get
        # does: a decoded %00 does not cut the value short.
        p = PushParams.parse("<sip:a@b;pn-x=a%00b;pn-prid=a%00b;pn-y=%00%FF>")
        self.assertEqual(p.prid, "a\x00b")
        self.assertEqual(p.unknown, [("pn-x", "a\x00b"), ("pn-y", "\x00\udcff")])

    def test_bare_request_uri(self):
        p = PushParams.parse("sip:alice@192.0.2.10:5070;pn-provider=apns;pn-prid=0a1b")
        self.assertEqual((p.provider, p.prid, p.param), ("apns", "0a1b", None))

    def test_validation(self):
        registry = ProviderRegistry()
        cases = [
            ("<sip:a@b;pn-provider=fcm;pn-prid=x>", "PUSHCORE_E_PUSH_INFO_MISSING", "pn-param"),
            ("<sip:a@b;pn-prid=x>", "PUSHCORE_E_PUSH_INFO_MISSING", "pn-provider"),
            ("<sip:a@b;pn-provider=apns;pn-prid=zz;pn-param=a.b>", "PUSHCORE_E_PUSH_INFO_INVALID",
             "pn-prid must be hexadecimal"),
            ("<sip:a@b;pn-provider=webpush;pn-prid=http://x/>", "PUSHCORE_E_PUSH_INFO_INVALID",
             "https:"),
            ("<sip:a@b;pn-provider=acme;pn-prid=x>", "PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED",
             "pn-provider not supported"),
        ]
        for text, name, reason in cases:
            with self.subTest(text=text):
                with self.assertRaises(PushcoreError) as ctx:
                    PushParams.parse(text).validate(registry)
                self.assertEqual(ctx.exception.name, name)
                self.assertIn(reason, ctx.exception.detail)
                self.assertEqual(ctx.exception.function, "pushcore_push_params_validate")
        self.assertIsNone(PushParams.parse("<sip:a@b;pn-provider=fcm;pn-prid=x;pn-param=1>")
                          .validate(registry))

    def test_validation_offset_points_into_the_parsed_text(self):
        # Validation offsets count from the start of the text given to parse(), as parse
        # errors do: here where the offending pn-prid starts (byte 26).
        text = "<sip:a@b;pn-provider=apns;pn-prid=zz;pn-param=a.b>"
        with self.assertRaises(PushcoreError) as ctx:
            PushParams.parse(text).validate(ProviderRegistry())
        self.assertEqual(ctx.exception.offset, text.index("pn-prid"))
        self.assertEqual(ctx.exception.offset, 26)
        self.assertIn("at byte 26", str(ctx.exception))
        bare = "sip:a@b;pn-provider=apns;pn-prid=zz;pn-param=a.b"  # a Request-URI
        with self.assertRaises(PushcoreError) as ctx:
            PushParams.parse(bare).validate(ProviderRegistry())
        self.assertEqual(ctx.exception.offset, bare.index("pn-prid"))

    def test_parse_errors_name_status_reason_and_offset(self):
        cases = [("<sip:a@b;pn-prid=%zz>", "PUSHCORE_E_BAD_ESCAPE", 17),
                 ("<sip:a@b;pn-provider=fcm;pn-provider=apns>", "PUSHCORE_E_PUSH_INFO_INVALID",
                  25),
                 ("tel:+123", "PUSHCORE_E_BAD_URI", 0),
                 ("", "PUSHCORE_E_SYNTAX", 0)]
        for text, name, offset in cases:
            with self.subTest(text=text):
                with self.assertRaises(PushcoreError) as ctx:
                    PushParams.parse(text)
                err = ctx.exception
                self.assertEqual((err.name, err.offset), (name, offset))
                self.assertTrue(err.detail)
                self.assertLess(err.status, 0)
                self.assertEqual(pushcore.status_name(err.status), name)
                self.assertIn(f"{name}: ", str(err))
                self.assertIn(f"at byte {offset}", str(err))

    def test_offsets_are_utf8_byte_offsets(self):
        text = '"Zoë" <sip:a@b;pn-prid=%zz>'
        with self.assertRaises(PushcoreError) as ctx:
            PushParams.parse(text)
        self.assertEqual(ctx.exception.offset, text.encode().index(b"%zz"))

    def test_not_constructible_directly(self):
        with self.assertRaises(TypeError):
            PushParams()


class RegistryTest(unittest.TestCase):
    def test_add(self):
        registry = ProviderRegistry(defaults=False)
        params = PushParams.parse("<sip:a@b;pn-provider=fcm;pn-prid=x;pn-param=1>")
        with self.assertRaises(PushcoreError) as ctx:
            params.validate(registry)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED")
        registry.add("acme", Need.REQUIRED, Format.ANY, Format.HEX)
        ok = PushParams.parse("<sip:a@b;pn-provider=acme;pn-prid=0aF9;pn-param=p>")
        ok.validate(registry)
        with self.assertRaises(PushcoreError) as ctx:
            PushParams.parse("<sip:a@b;pn-provider=acme;pn-prid=xyz;pn-param=p>").validate(registry)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_PUSH_INFO_INVALID")
        with self.assertRaises(PushcoreError) as ctx:
            PushParams.parse("<sip:a@b;pn-provider=acme;pn-prid=0a>").validate(registry)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_PUSH_INFO_MISSING")

    def test_add_errors(self):
        registry = ProviderRegistry()
        with self.assertRaises(PushcoreError) as ctx:
            registry.add("fcm", Need.OPTIONAL)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_ALREADY_EXISTS")
        self.assertIn("name='fcm'", ctx.exception.detail)
        for args in (("bad name", Need.OPTIONAL), ("x", 7), ("x", Need.OPTIONAL, 9),
                     ("x", Need.OPTIONAL, Format.ANY, -1)):
            with self.subTest(args=args):
                with self.assertRaises(PushcoreError) as ctx:
                    registry.add(*args)
                self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_ARGUMENT")


class ConfigErrorTest(unittest.TestCase):
    def assert_invalid(self, make, *details, function=None, offset=...):
        with self.assertRaises(PushcoreError) as ctx:
            make()
        err = ctx.exception
        self.assertEqual((err.name, err.status), ("PUSHCORE_E_INVALID_ARGUMENT", -1))
        for detail in details:
            self.assertIn(detail, err.detail)
        if function:
            self.assertEqual(err.function, function)
        if offset is not ...:
            self.assertEqual(err.offset, offset)
        return err

    def test_ua(self):
        # pushcore_sip_ua_new's reasons come from pushcore_sip_ua_config_last_error: the
        # setting, and the byte offset in its value.
        err = self.assert_invalid(lambda: make_ua(aor="alice"), "aor is not a SIP URI",
                                  function="pushcore_sip_ua_new", offset=0)
        self.assertEqual(str(err), "pushcore_sip_ua_new: PUSHCORE_E_INVALID_ARGUMENT: "
                                   "invalid argument (aor is not a SIP URI at byte 0)")
        self.assert_invalid(lambda: make_ua(aor="sip:alice@"), "aor is not a SIP URI",
                            offset=10)
        self.assert_invalid(lambda: make_ua(registrar="sip:"), "registrar is not a SIP URI",
                            offset=4)
        self.assert_invalid(lambda: make_ua(contact="mailto:a@b"), "contact is not a SIP URI")
        self.assert_invalid(lambda: make_ua(contact="sip:a@b;pn-prid=%zz"),
                            "contact is not a SIP URI", offset=len("sip:a@b;pn-prid="))
        self.assert_invalid(lambda: make_ua(sent_by=""), "sent_by is required")
        self.assert_invalid(lambda: make_ua(transport="U DP"),
                            "transport must be a token such as UDP")
        # A refused setter: the argument as given, then the library's reason.
        self.assert_invalid(lambda: make_ua(expires=0), "expires=0, refresh_margin=120: "
                            "expires must be above 0",
                            function="pushcore_sip_ua_config_set_expires", offset=None)
        self.assert_invalid(lambda: make_ua(expires=2**32), "expires=4294967296")
        self.assert_invalid(lambda: make_ua(user_agent="a\0b"), "user_agent contains a NUL")
        with self.assertRaises(TypeError):
            make_ua(random=42)
        with self.assertRaises(TypeError):
            SipUa(aor="sip:a@b", registrar="sip:b", contact="sip:a@c")  # sent_by missing

    def test_ua_user_agent_and_expires(self):
        ua = make_ua(user_agent="pushcore-test/1", expires=900)
        ua.start(now_ms=0)
        [register] = ua.outputs()
        self.assertEqual(header(register, "User-Agent"), "pushcore-test/1")
        self.assertEqual(header(register, "Expires"), "900")

    def test_proxy(self):
        self.assert_invalid(lambda: make_proxy(pns_style=2), "pns_style=2: style must be 0 or 1",
                            function="pushcore_sip_proxy_config_set_u64", offset=None)
        self.assert_invalid(lambda: make_proxy(reregister_margin_s=2**32),
                            "reregister_margin_s=4294967296: value above 2**32-1")
        # pushcore_sip_proxy_new's reasons come from pushcore_sip_proxy_config_last_error.
        self.assert_invalid(lambda: make_proxy(min_expires=100, max_expires=50),
                            "expires limits are inconsistent", function="pushcore_sip_proxy_new")
        self.assert_invalid(lambda: make_proxy(default_expires=0),
                            "expires limits are inconsistent")
        self.assert_invalid(lambda: make_proxy(via_transport="U DP"),
                            "via_transport must be a token such as UDP",
                            function="pushcore_sip_proxy_new")
        self.assert_invalid(lambda: make_proxy(hold_timeout_ms=-1), "hold_timeout_ms=-1")
        self.assert_invalid(lambda: make_proxy(forward_to=("h", 70000)), "port=70000")
        self.assert_invalid(lambda: SipProxy(via_transport="TCP"), "via_sent_by")
        with self.assertRaises(TypeError):
            make_proxy(forward_to="h:5060")
        with self.assertRaises(TypeError):
            make_proxy(providers="fcm")
        with self.assertRaises(TypeError):
            make_proxy(hold_timeout_ms="5000")


class ConfigLastErrorTest(unittest.TestCase):
    """pushcore_sip_*_config_last_error through the C ABI: SipUa and SipProxy stop at
    the first refused setting, so a config there never sees a second failure."""

    @staticmethod
    def last_error(fn, cfg):
        reason = ctypes.c_char_p()
        offset = ctypes.c_size_t()
        status = fn(cfg, ctypes.byref(reason), ctypes.byref(offset))
        return status, reason.value.decode(), offset.value

    def test_new_records_why_and_a_success_clears_it(self):
        lib = pushcore.lib
        cfg = abi.UaConfigP()
        self.assertEqual(lib.pushcore_sip_ua_config_new(ctypes.byref(cfg)), 0)
        try:
            self.assertEqual(self.last_error(lib.pushcore_sip_ua_config_last_error, cfg),
                             (0, "", 0))
            for key, value in ((abi.UA_AOR, b"sip:alice@"), (abi.UA_REGISTRAR, b"sip:b"),
                               (abi.UA_CONTACT, b"sip:a@c"), (abi.UA_SENT_BY, b"c:5060")):
                self.assertEqual(lib.pushcore_sip_ua_config_set_str(cfg, key, value), 0)
            ua = abi.UaP()
            self.assertEqual(lib.pushcore_sip_ua_new(ctypes.byref(ua), cfg), -1)
            self.assertFalse(ua)
            self.assertEqual(self.last_error(lib.pushcore_sip_ua_config_last_error, cfg),
                             (-1, "aor is not a SIP URI", 10))
            self.assertEqual(lib.pushcore_sip_ua_config_set_str(cfg, abi.UA_AOR, b"sip:a@b"), 0)
            self.assertEqual(lib.pushcore_sip_ua_new(ctypes.byref(ua), cfg), 0)
            lib.pushcore_sip_ua_free(ua)
            self.assertEqual(self.last_error(lib.pushcore_sip_ua_config_last_error, cfg),
                             (0, "", 0))
        finally:
            lib.pushcore_sip_ua_config_free(cfg)

    def test_a_second_failed_setter_replaces_the_reason(self):
        # sip_push.h: the config's last_error gives the last failed setter's reason,
        # even when every refusal has the same status.
        lib = pushcore.lib
        cfg = abi.ProxyConfigP()
        self.assertEqual(lib.pushcore_sip_proxy_config_new(ctypes.byref(cfg)), 0)
        try:
            self.assertEqual(lib.pushcore_sip_proxy_config_set_u64(cfg, abi.PROXY_PNS_STYLE,
                                                                   2), -1)
            self.assertEqual(self.last_error(lib.pushcore_sip_proxy_config_last_error, cfg),
                             (-1, "style must be 0 or 1", 0))
            self.assertEqual(lib.pushcore_sip_proxy_config_set_u64(
                cfg, abi.PROXY_REREGISTER_MARGIN_S, 2**32), -1)
            self.assertEqual(self.last_error(lib.pushcore_sip_proxy_config_last_error, cfg),
                             (-1, "value above 2**32-1", 0))
        finally:
            lib.pushcore_sip_proxy_config_free(cfg)


class ReceiveErrorTest(unittest.TestCase):
    def test_ua_parse_error_has_name_and_offset(self):
        ua = make_ua()
        with self.assertRaises(PushcoreError) as ctx:
            ua.receive(b"SIP/2.0 2x", 300)
        err = ctx.exception
        self.assertEqual((err.name, err.status, err.offset), ("PUSHCORE_E_TRUNCATED", -107, 10))
        self.assertEqual(err.function, "pushcore_sip_ua_receive")
        self.assertTrue(err.detail)
        with self.assertRaises(PushcoreError) as ctx:
            ua.receive(b"SIP/2.0 2x\r\n\r\n", 300)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_BAD_START_LINE")
        self.assertEqual(ua.last_error().name, "PUSHCORE_E_BAD_START_LINE")

    def test_ua_unexpected_messages(self):
        ua = make_ua()
        with self.assertRaises(PushcoreError) as ctx:
            ua.receive(REGISTER)  # a request
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_UNEXPECTED_MESSAGE")
        stray = REGISTER.replace(b"REGISTER sip:example.com SIP/2.0", b"SIP/2.0 200 OK")
        with self.assertRaises(PushcoreError) as ctx:
            ua.receive(stray)  # a response to no REGISTER in progress
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_UNEXPECTED_MESSAGE")
        self.assertEqual(ctx.exception.detail, "response to no REGISTER in progress")

    def test_proxy_parse_error_has_name_and_offset(self):
        proxy = make_proxy()
        bad = REGISTER.replace(b"Content-Length", b"Contact: <sip:a@b;pn-prid=%zz>\r\n"
                                                  b"Content-Length")
        with self.assertRaises(PushcoreError) as ctx:
            proxy.receive(bad, 1, "192.0.2.1", 5060)
        err = ctx.exception
        self.assertEqual(err.name, "PUSHCORE_E_BAD_ESCAPE")
        self.assertEqual(err.offset, bad.index(b"%zz"))
        [answer] = proxy.outputs()
        self.assertEqual(start_line(answer.data), "SIP/2.0 400 Bad Request")
        with self.assertRaises(PushcoreError) as ctx:
            proxy.receive(b"\x00\x01garbage\r\n\r\n", 1, "192.0.2.1", 5060)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_BAD_START_LINE")
        self.assertIsNotNone(ctx.exception.offset)

    def test_ua_state_errors(self):
        ua = make_ua()
        for call, name in ((lambda: ua.on_push(0), "PUSHCORE_E_INVALID_STATE"),
                           (lambda: ua.unregister(0), "PUSHCORE_E_INVALID_STATE"),
                           (lambda: ua.update_prid("t", 0), "PUSHCORE_E_INVALID_STATE"),
                           (lambda: ua.stop_push(0), "PUSHCORE_E_INVALID_STATE"),
                           (lambda: ua.start("fcm", now_ms=0), "PUSHCORE_E_INVALID_ARGUMENT")):
            with self.assertRaises(PushcoreError) as ctx:
                call()
            self.assertEqual(ctx.exception.name, name)
        ua.start(now_ms=0)
        with self.assertRaises(PushcoreError) as ctx:
            ua.start(now_ms=1)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_STATE")
        with self.assertRaises(PushcoreError):
            ua.on_timeout(-1)

    def test_error_details_are_not_stale(self):
        ua = make_ua()
        with self.assertRaises(PushcoreError):
            ua.receive(b"SIP/2.0 2x", 300)
        with self.assertRaises(PushcoreError) as ctx:
            ua.on_push(400)
        # on_push gives no reason of its own: last_error holds the status's generic
        # message (and offset 0), which the error does not repeat as a detail.
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_STATE")
        self.assertEqual(ctx.exception.detail, "")
        self.assertIsNone(ctx.exception.offset)
        self.assertEqual(str(ctx.exception),
                         "pushcore_sip_ua_on_push: PUSHCORE_E_INVALID_STATE: "
                         + pushcore.strerror(ctx.exception.status))

    def test_last_error_describes_the_last_call(self):
        # Every call that can fail starts a fresh record: a failure never shows an older
        # one's reason, and a success leaves PUSHCORE_OK with an empty reason.
        ua = make_ua()
        with self.assertRaises(PushcoreError):
            ua.receive(b"SIP/2.0 2x", 300)
        self.assertEqual(ua.last_error().name, "PUSHCORE_E_TRUNCATED")
        with self.assertRaises(PushcoreError):
            ua.on_push(400)
        status, name, reason, offset = ua.last_error()
        self.assertEqual((name, reason, offset), ("PUSHCORE_E_INVALID_STATE",
                                                  pushcore.strerror(status), 0))
        ua.start(now_ms=500)
        self.assertEqual(ua.last_error(), (0, "PUSHCORE_OK", "", 0))
        with self.assertRaises(PushcoreError):
            ua.update_prid("t", 600)  # no push to update
        self.assertEqual(ua.last_error().name, "PUSHCORE_E_INVALID_STATE")

        proxy = make_proxy()
        with self.assertRaises(PushcoreError):
            proxy.receive(b"SIP/2.0 2x", 1, "192.0.2.1", 5060)
        with self.assertRaises(PushcoreError) as ctx:
            proxy.push_failed(12345)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_NOT_FOUND")
        self.assertEqual(proxy.last_error().name, "PUSHCORE_E_NOT_FOUND")
        proxy.receive(REGISTER, 1, "192.0.2.1", 5060)
        self.assertEqual(proxy.last_error(), (0, "PUSHCORE_OK", "", 0))

        params = PushParams.parse("<sip:a@b;pn-provider=acme;pn-prid=x>")
        with self.assertRaises(PushcoreError):
            params.validate(ProviderRegistry())
        self.assertEqual(params.last_error().name, "PUSHCORE_E_PUSH_PROVIDER_UNSUPPORTED")
        with_acme = ProviderRegistry()
        with_acme.add("acme", Need.OPTIONAL)
        params.validate(with_acme)
        self.assertEqual(params.last_error(), (0, "PUSHCORE_OK", "", 0))

    def test_nul_in_text_is_refused(self):
        proxy = make_proxy()
        with self.assertRaises(PushcoreError) as ctx:
            proxy.receive(REGISTER, 1, "192.0.2.1\x00evil", 5060)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_ARGUMENT")
        ua = make_ua()
        with self.assertRaises(PushcoreError):
            ua.start("fcm", None, "tok\x00en", now_ms=0)
        self.assertEqual(ua.outputs(), [])


class HandleTest(unittest.TestCase):
    def test_close_is_idempotent_and_use_after_close_raises(self):
        objects = [SipFramer(), ProviderRegistry(), PushParams.parse("<sip:a@b>"), make_ua(),
                   make_proxy()]
        for obj in objects:
            with self.subTest(type=type(obj).__name__):
                self.assertFalse(obj.closed)
                obj.close()
                obj.close()
                self.assertTrue(obj.closed)
        calls = [lambda: objects[0].feed(b""), lambda: objects[1].add("x", Need.OPTIONAL),
                 lambda: objects[2].prid, lambda: objects[3].state,
                 lambda: objects[3].next_deadline, lambda: objects[4].held_count,
                 lambda: objects[4].outputs()]
        for call in calls:
            with self.assertRaises(PushcoreError) as ctx:
                call()
            self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_ARGUMENT")
            self.assertIn("is closed", ctx.exception.detail)
        with self.assertRaises(PushcoreError):
            PushParams.parse("<sip:a@b>").validate(objects[1])

    def test_context_manager_closes(self):
        with make_proxy() as proxy:
            self.assertFalse(proxy.closed)
        self.assertTrue(proxy.closed)
        with self.assertRaises(ValueError):
            with SipFramer() as framer:
                raise ValueError
        self.assertTrue(framer.closed)

    def test_handles_freed_at_interpreter_exit(self):
        # Handles alive at exit, in cycles and module globals, must free without noise.
        code = """if True:
            import pushcore
            ua = pushcore.SipUa(aor="sip:a@b", registrar="sip:b", contact="sip:a@c",
                                sent_by="c:5060", random=lambda n: bytes(n))
            proxy = pushcore.SipProxy(random=lambda n: bytes(n),
                                      authorizer=lambda r: None)
            cycle = [ua, proxy, pushcore.SipFramer(), pushcore.ProviderRegistry(),
                     pushcore.PushParams.parse("<sip:a@b;pn-prid=x>")]
            cycle.append(cycle)
            ua.start("fcm", "1", "tok")
            proxy.receive(ua.outputs()[0], 1, "c", 5060)
            ev = proxy.events()
            print("ok")
        """
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [
            os.path.dirname(os.path.dirname(pushcore.__file__)), env.get("PYTHONPATH")]))
        run = subprocess.run([sys.executable, "-X", "dev", "-c", code], env=env,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual((run.returncode, run.stdout, run.stderr), (0, "ok\n", ""))

    def test_no_leak_over_many_handles(self):
        try:
            heap_bytes = _malloc_in_use()
        except (OSError, AttributeError):
            self.skipTest("glibc mallinfo2() is not available")

        def churn(n):
            for _ in range(n):
                with make_ua(random=lambda k: bytes(k)) as ua:
                    ua.start("fcm", "1", "tok")
                    ua.outputs()
                    ua.events()
                with make_proxy() as proxy, ProviderRegistry() as registry:
                    registry.add("acme", Need.OPTIONAL)
                    build_555(REGISTER, registry)
                    proxy.receive(REGISTER, 1, "h", 5060)
                    proxy.outputs()
                    proxy.events()
                    PushParams.parse(DRAFT_CONTACT).validate(registry)
                try:
                    PushParams.parse("<sip:a@b;pn-prid=%zz>")
                except PushcoreError:
                    pass
                SipFramer().feed(MESSAGE)

        churn(200)  # warm up caches and allocator pools
        gc.collect()
        before = heap_bytes()
        churn(2000)
        gc.collect()
        grown = heap_bytes() - before
        # Each round frees eight C handles, the smallest (a registry) over 100 bytes: a
        # leak of any of them holds on to 200 KB or more.
        self.assertLess(grown, 100_000, f"malloc'd bytes in use grew by {grown}")


class ReadmeTest(unittest.TestCase):
    def test_readme_examples_run(self):
        out = _helpers.run_readme_examples(self, "python", 2)  # the second uses the first
        self.assertIn("PUSHCORE_E_BAD_ESCAPE", out)
        self.assertIn("at byte 17", out)


def _malloc_in_use():
    """A function returning glibc's count of malloc'd bytes in use (mallinfo2().uordblks):
    the C library's heap, which Python's own small objects (pymalloc arenas) stay out of."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    mallinfo2 = libc.mallinfo2
    mallinfo2.restype = MallInfo2
    mallinfo2.argtypes = []
    return lambda: mallinfo2().uordblks


if __name__ == "__main__":
    unittest.main()
