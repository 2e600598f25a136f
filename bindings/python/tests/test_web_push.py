"""The Web Push service of the Python binding, driven as a host drives it: this test plays
the network (user agents and application servers over HTTP/1.1, an HTTP/2 client's
preface, a TLS client over memory buffers) and the clock (RFC 8030 sections 4 and 5,
draft-damaggio-webpush-http2-00)."""
import base64
import gc
import hashlib
import os
import shutil
import ssl
import struct
import subprocess
import tempfile
import unittest
import warnings
import weakref

import pushcore

try:
    from . import _helpers
except ImportError:  # run as a script: this folder is on sys.path
    import _helpers

HAVE_WEB_PUSH = hasattr(pushcore.lib, "pushcore_push_service_new")
if HAVE_WEB_PUSH:
    from pushcore import Counts, HttpProtocol, LogLevel, PushcoreError, PushService, StoreKind

SUBSCRIBE = b"POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
WALL_CLOCK = 1700000000000  # Tue, 14 Nov 2023 22:13:20 GMT
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = bytes([0, 0, 0, 0x4, 0, 0, 0, 0, 0])  # length 0, type SETTINGS, stream 0


class DeterministicRandom:
    """random(n) -> n bytes from SHA-256 of a seed and a counter."""

    def __init__(self, seed: bytes = b"web push"):
        self.seed = seed
        self.counter = 0
        self.stream = b""  # every byte handed out, in order

    def __call__(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            self.counter += 1
            out += hashlib.sha256(self.seed + self.counter.to_bytes(8, "big")).digest()
        self.stream += out[:n]
        return out[:n]

    def token(self, i: int) -> str:
        """The i-th 16-byte token (capability URLs carry 128 bits), base64url."""
        return base64.urlsafe_b64encode(self.stream[16 * i:16 * i + 16]).rstrip(b"=").decode()


class Response:
    """An HTTP/1.1 response as the service writes it (lower-case field names)."""

    def __init__(self, raw: bytes):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split(" ")[1])
        self.fields = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.fields.append((name.strip().lower(), value.strip()))

    def get(self, name: str):
        return next((v for n, v in self.fields if n == name), None)

    def all(self, name: str) -> list:
        return [v for n, v in self.fields if n == name]

    def link(self, rel: str):
        """The target of the Link field with this rel (RFC 8288), or None."""
        for value in self.all("link"):
            target, _, params = value.partition(">")
            if params.replace(" ", "") == f';rel="{rel}"':
                return target.lstrip("<")
        return None


def exchange(svc, conn: int, request: bytes, now_ms: int = 0) -> Response:
    svc.receive(conn, request, now_ms)
    return Response(svc.drain(conn))


def send_request(push_path: str, body: bytes = b"hi", ttl=60, extra: str = "") -> bytes:
    ttl_field = "" if ttl is None else f"TTL: {ttl}\r\n"
    return (f"POST {push_path} HTTP/1.1\r\nHost: x\r\n{ttl_field}{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class Http1Test(unittest.TestCase):
    def setUp(self):
        self.random = DeterministicRandom()
        self.lines = []
        self.svc = PushService(random=self.random, wall_clock_offset_ms=WALL_CLOCK,
                               log=lambda level, line: self.lines.append((level, line)))
        self.addCleanup(self.svc.free)

    def subscribe(self, now_ms: int = 0):
        conn = self.svc.open("detect", now_ms)
        r = exchange(self.svc, conn, SUBSCRIBE, now_ms)
        self.assertEqual(r.status, 201, r.status_line)
        return conn, r

    def test_subscribe_then_send(self):
        ua, r = self.subscribe(now_ms=10)
        self.assertEqual(r.status_line, "HTTP/1.1 201 Created")
        self.assertEqual(r.get("date"), "Tue, 14 Nov 2023 22:13:20 GMT")
        # The random source made the capability URLs: the subscription, then its push
        # resource (seed 4, RFC 8030 4).
        self.assertEqual(r.get("location"), f"http://x/s/{self.random.token(0)}")
        push = r.link("urn:ietf:params:push")
        self.assertEqual(push, f"/p/{self.random.token(1)}")
        self.assertEqual(r.link("urn:ietf:params:push:receipt"), push + "/receipts")
        self.assertIn("private", r.get("cache-control"))
        self.assertEqual(self.svc.counts(), Counts(1, 0, 0))

        # An application server sends on its own connection (RFC 8030 5).
        app = self.svc.open(HttpProtocol.HTTP1, 20)
        self.assertNotEqual(app, ua)
        r = exchange(self.svc, app, send_request(push, b"hello", ttl=60,
                                                 extra="Content-Type: text/plain\r\n"), 20)
        self.assertEqual(r.status, 201)
        self.assertEqual(r.get("ttl"), "60")
        self.assertEqual(r.get("location"), f"http://x/m/{self.random.token(2)}")
        self.assertEqual(self.svc.counts(), Counts(subscriptions=1, messages=1, bytes=5))

        # The message expires with its TTL; the subscription's lifetime (10 days) is next.
        self.assertEqual(self.svc.next_deadline, 20 + 60000)
        self.svc.on_timeout(20 + 59999)
        self.assertEqual(self.svc.counts().messages, 1)
        self.svc.on_timeout(20 + 60000)
        self.assertEqual(self.svc.counts(), Counts(1, 0, 0))
        self.assertEqual(self.svc.next_deadline, 10 + 864000 * 1000)

    def test_a_ttl_above_the_maximum_is_shortened(self):
        svc = PushService(max_ttl_s=30)
        self.addCleanup(svc.free)
        conn = svc.open()
        push = exchange(svc, conn, SUBSCRIBE).link("urn:ietf:params:push")
        r = exchange(svc, conn, send_request(push, ttl=3600))
        self.assertEqual((r.status, r.get("ttl")), (201, "30"))  # RFC 8030 5.2

    def test_ready_reports_each_connection_once(self):
        self.assertEqual(list(self.svc.ready()), [])
        a = self.svc.open()
        b = self.svc.open()
        self.assertEqual(list(self.svc.ready()), [])  # nothing said yet
        self.svc.receive(b, SUBSCRIBE, 0)
        self.svc.receive(a, SUBSCRIBE, 0)
        self.assertEqual(list(self.svc.ready()), [b, a])
        self.assertEqual(list(self.svc.ready()), [])
        self.svc.receive(a, SUBSCRIBE, 1)  # a gains more output before it was written
        self.assertEqual(list(self.svc.ready()), [a])
        both = Response(self.svc.output(a))
        self.assertEqual(both.status, 201)
        self.assertEqual(self.svc.output(a).count(b"HTTP/1.1 201 Created"), 2)

    def test_output_is_consumed_as_written(self):
        conn = self.svc.open()
        self.svc.receive(conn, SUBSCRIBE)
        out = self.svc.output(conn)
        self.assertEqual(self.svc.output(conn), out)  # a peek
        self.svc.consume(conn, 10)
        self.assertEqual(self.svc.output(conn), out[10:])
        with self.assertRaises(PushcoreError) as ctx:
            self.svc.consume(conn, len(out))  # more than is left
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_ARGUMENT")
        self.assertIn("more than the output", ctx.exception.detail)
        self.assertEqual(self.svc.drain(conn), out[10:])
        self.assertEqual(self.svc.output(conn), b"")
        self.assertEqual(self.svc.drain(conn), b"")

    def test_error_statuses(self):
        conn, r = self.subscribe()
        push = r.link("urn:ietf:params:push")
        # RFC 8030 5.2: TTL is mandatory.
        r = exchange(self.svc, conn, send_request(push, ttl=None))
        self.assertEqual(r.status, 400)
        self.assertIn(b"TTL", r.body)
        # A body above max_message_bytes (4096): 413, and HTTP/1.1 closes the connection;
        # receive() says so by raising.
        big = self.svc.open()
        with self.assertRaises(PushcoreError) as ctx:
            self.svc.receive(big, send_request(push, b"x" * 4097))
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_LIMIT_BODY_BYTES")
        r = Response(self.svc.drain(big))
        self.assertEqual(r.status, 413)
        self.assertTrue(self.svc.want_close(big))
        self.svc.close(big)
        # 4096 bytes are accepted (seed 5).
        self.assertEqual(exchange(self.svc, conn, send_request(push, b"x" * 4096)).status, 201)
        # A push resource that does not exist: 410 by default (seed 7.3).
        r = exchange(self.svc, conn, send_request("/p/AAAAAAAAAAAAAAAAAAAAAA"))
        self.assertEqual(r.status, 410)
        # The push service resource takes only POST.
        r = exchange(self.svc, conn, b"GET /subscribe HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.get("allow"), "POST")
        r = exchange(self.svc, conn, f"PUT {push} HTTP/1.1\r\nHost: x\r\n"
                                     "Content-Length: 0\r\n\r\n".encode())
        self.assertEqual((r.status, r.get("allow")), (405, "POST"))
        r = exchange(self.svc, conn, b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(r.status, 404)
        # Receiving needs HTTP/2 server push.
        sub = "/s/" + self.random.token(0)
        r = exchange(self.svc, conn, f"GET {sub} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        self.assertEqual(r.status, 400)
        self.assertFalse(self.svc.want_close(conn))

    def test_gone_status_404(self):
        svc = PushService(gone_status=404)
        self.addCleanup(svc.free)
        conn = svc.open()
        r = exchange(svc, conn, send_request("/p/AAAAAAAAAAAAAAAAAAAAAA"))
        self.assertEqual(r.status, 404)

    def test_unsubscribed_push_resource_is_gone(self):
        conn, r = self.subscribe()
        push = r.link("urn:ietf:params:push")
        sub = r.get("location")[len("http://x"):]
        r = exchange(self.svc, conn, f"DELETE {sub} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        self.assertEqual(r.status, 204)
        self.assertEqual(exchange(self.svc, conn, send_request(push)).status, 410)
        self.assertEqual(self.svc.counts(), Counts(0, 0, 0))

    def test_connection_close_then_want_close(self):
        conn = self.svc.open()
        self.assertFalse(self.svc.want_close(conn))
        r = exchange(self.svc, conn, SUBSCRIBE.replace(b"Host: x\r\n",
                                                       b"Host: x\r\nConnection: close\r\n"))
        self.assertEqual(r.status, 201)
        self.assertTrue(self.svc.want_close(conn))
        self.svc.close(conn)
        with self.assertRaises(PushcoreError) as ctx:
            self.svc.close(conn)  # the id is forgotten
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_NOT_FOUND")

    def test_receive_eof(self):
        conn = self.svc.open()
        self.svc.receive(conn, SUBSCRIBE[:20])
        self.svc.receive_eof(conn, 5)
        self.assertTrue(self.svc.want_close(conn))
        self.assertEqual(self.svc.counts().subscriptions, 0)  # the cut request is dropped

    def test_a_broken_request_finishes_the_connection(self):
        conn = self.svc.open()
        with self.assertRaises(PushcoreError) as ctx:
            self.svc.receive(conn, b"POST /subscribe HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Length: z\r\n\r\n")
        err = ctx.exception
        self.assertEqual(err.function, "pushcore_push_service_receive")
        self.assertTrue(err.detail)  # the HTTP layer's reason
        self.assertEqual(self.svc.last_error().status, err.status)
        # Its output still holds the answer: write it, then close.
        self.assertEqual(Response(self.svc.drain(conn)).status, 400)
        self.assertTrue(self.svc.want_close(conn))
        self.svc.close(conn)
        self.assertEqual(self.svc.last_error().name, "PUSHCORE_OK")

    def test_unknown_connections_are_not_found(self):
        calls = {"receive": lambda: self.svc.receive(42, b"x"),
                 "receive_eof": lambda: self.svc.receive_eof(42),
                 "close": lambda: self.svc.close(42),
                 "output": lambda: self.svc.output(42),
                 "consume": lambda: self.svc.consume(42, 0),
                 "drain": lambda: self.svc.drain(42),
                 "want_close": lambda: self.svc.want_close(42)}
        for name, call in calls.items():
            with self.subTest(call=name):
                with self.assertRaises(PushcoreError) as ctx:
                    call()
                self.assertEqual(ctx.exception.name, "PUSHCORE_E_NOT_FOUND")
                self.assertEqual(ctx.exception.detail, "no such connection")

    def test_arguments_are_checked_before_the_call(self):
        conn = self.svc.open()
        with self.assertRaises(TypeError):
            self.svc.receive(conn, "text is not bytes")
        with self.assertRaises(PushcoreError):
            self.svc.receive(conn, b"x", now_ms=-1)
        with self.assertRaises(PushcoreError):
            self.svc.close(2**64)
        with self.assertRaises(ValueError):
            self.svc.open("spdy")
        with self.assertRaises(ValueError):
            self.svc.open(7)
        self.svc.receive(conn, memoryview(SUBSCRIBE))  # any bytes-like
        self.assertEqual(Response(self.svc.drain(conn)).status, 201)

    def test_log_lines_are_redacted(self):
        ua, r = self.subscribe()
        push = r.link("urn:ietf:params:push")
        app = self.svc.open()
        self.assertEqual(exchange(self.svc, app, send_request(push)).status, 201)
        self.assertEqual(exchange(self.svc, app, send_request(push, ttl=None)).status, 400)
        sub = r.get("location")[len("http://x"):]
        exchange(self.svc, ua, f"DELETE {sub} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        texts = [line for _, line in self.lines]
        self.assertIn("POST /subscribe 201", texts)
        self.assertIn("POST /p/... 201", texts)
        self.assertIn("POST /p/... 400", texts)
        self.assertIn("DELETE /s/... 204", texts)
        self.assertTrue(all(isinstance(level, LogLevel) for level, _ in self.lines))
        tokens = [self.random.token(i) for i in range(len(self.random.stream) // 16)]
        self.assertGreaterEqual(len(tokens), 3)
        for line in texts:  # seed 8.5: no capability URL in any line
            for token in tokens:
                self.assertNotIn(token, line)

    def test_log_level_drops_less_severe_lines(self):
        lines = []
        svc = PushService(log=lambda level, line: lines.append((level, line)),
                          log_level=LogLevel.WARNING)
        self.addCleanup(svc.free)
        conn = svc.open()
        svc.receive(conn, SUBSCRIBE)
        self.assertEqual(Response(svc.drain(conn)).status, 201)
        self.assertEqual(lines, [])  # the request line is INFO
        with self.assertRaises(PushcoreError):
            PushService(log_level=9)

    def subscribe_warned(self, **settings):
        """A PushService with these settings answers one subscribe request: returns the
        service, its Response and the warnings the request raised."""
        svc = PushService(**settings)
        self.addCleanup(svc.free)
        conn = svc.open()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            svc.receive(conn, SUBSCRIBE)
        return svc, Response(svc.drain(conn)), caught

    def test_a_raising_log_callback_is_a_warning(self):
        def log(level, line):
            raise RuntimeError("log sink is down")

        _, response, caught = self.subscribe_warned(log=log)
        self.assertEqual(response.status, 201)  # the service went on
        self.assertEqual(len(caught), 1)
        self.assertIn("log sink is down", str(caught[0].message))

    def test_a_failing_random_source(self):
        def random(n):
            raise OSError("no entropy")

        svc, response, caught = self.subscribe_warned(random=random)
        self.assertEqual(response.status, 500)
        self.assertEqual(svc.counts().subscriptions, 0)
        self.assertIn("no entropy", str(caught[0].message))

    def test_idle_timeout(self):
        svc = PushService(idle_timeout_ms=1000)
        self.addCleanup(svc.free)
        conn = svc.open(now_ms=0)
        self.assertEqual(svc.next_deadline, 1000)
        svc.on_timeout(1000)
        self.assertTrue(svc.want_close(conn))
        self.assertIn(conn, list(svc.ready()))

    def test_base_url_and_subscribe_path(self):
        svc = PushService(base_url="https://push.example.net/", subscribe_path="/new")
        self.addCleanup(svc.free)
        conn = svc.open()
        r = exchange(svc, conn, SUBSCRIBE.replace(b"/subscribe", b"/new"))
        self.assertEqual(r.status, 201)
        self.assertTrue(r.get("location").startswith("https://push.example.net/s/"))
        self.assertEqual(exchange(svc, conn, SUBSCRIBE).status, 404)


class DictStore:
    """A store of the host's in a dict: (kind, key) -> (parent, record), in put order."""

    def __init__(self):
        self.records = {}

    def put(self, kind, key, parent, record):
        self.records[(kind, key)] = (parent, record)

    def get(self, kind, key):
        entry = self.records.get((kind, key))
        return None if entry is None else entry[1]

    def remove(self, kind, key):
        self.records.pop((kind, key), None)

    def children(self, parent):
        return [key for (kind, key), (p, _) in self.records.items()
                if kind == StoreKind.MESSAGE and p == parent]

    def count(self, kind):
        records = [r for (k, _), (_, r) in self.records.items() if k == kind]
        return len(records), sum(len(r) for r in records)

    def keys(self, kind) -> list:
        return [key for k, key in self.records if k == kind]


def path_of(url: str) -> str:
    return url[len("http://x"):]


@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class StoreTest(unittest.TestCase):
    """PushService(store=...): the records a store of the host's keeps, and a new service
    over the same store carrying on where the last one stopped (over HTTP/1.1, which can
    acknowledge but not receive: GET with Prefer: wait=0 answers 204 with nothing stored,
    400 with messages waiting for HTTP/2 server push)."""

    def service(self, store, random=None, now_ms=0):
        svc = PushService(store=store, random=random or DeterministicRandom(),
                          wall_clock_offset_ms=WALL_CLOCK + now_ms)
        self.addCleanup(svc.free)
        return svc

    def subscribe(self, svc):
        conn = svc.open("http1")
        r = exchange(svc, conn, SUBSCRIBE)
        self.assertEqual(r.status, 201, r.status_line)
        return conn, path_of(r.get("location")), r.link("urn:ietf:params:push")

    def test_records_under_their_kinds(self):
        store = DictStore()
        random = DeterministicRandom()
        svc = self.service(store, random)
        conn, _, push = self.subscribe(svc)
        sub_id, push_id = random.stream[:16], random.stream[16:32]
        self.assertEqual(list(store.records), [(StoreKind.SUBSCRIPTION, sub_id),
                                               (StoreKind.PUSH_INDEX, push_id)])
        self.assertIsInstance(list(store.records)[0][0], StoreKind)
        parent, record = store.records[(StoreKind.SUBSCRIPTION, sub_id)]
        self.assertIsNone(parent)
        self.assertEqual((record[0], len(record)), (1, 41))  # version 1; id, push id, expiry
        self.assertEqual(record[1:17], sub_id)
        self.assertEqual(store.records[(StoreKind.PUSH_INDEX, push_id)], (None, sub_id))

        self.assertEqual(exchange(svc, conn, send_request(push, b"hello")).status, 201)
        msg_id = random.stream[32:48]
        parent, record = store.records[(StoreKind.MESSAGE, msg_id)]
        self.assertEqual(parent, sub_id)
        self.assertIn(b"hello", record)
        # With a store, the byte count is of records.
        self.assertEqual(svc.counts(), Counts(1, 1, len(record)))

    def test_a_new_service_carries_on(self):
        store = DictStore()
        random = DeterministicRandom()
        svc = self.service(store, random)
        conn, sub, push = self.subscribe(svc)
        first = exchange(svc, conn, send_request(push, b"one", ttl=600))
        self.assertEqual(exchange(svc, conn, send_request(push, b"two", ttl=600)).status, 201)
        wait0 = f"GET {sub} HTTP/1.1\r\nHost: x\r\nPrefer: wait=0\r\n\r\n".encode()
        self.assertEqual(exchange(svc, conn, wait0).status, 400)
        svc.free()

        # A new service, a minute later, over the same store.
        svc = self.service(store, DeterministicRandom(b"after the restart"), now_ms=60000)
        self.assertEqual(svc.counts().subscriptions, 1)
        self.assertEqual(svc.counts().messages, 2)
        conn = svc.open("http1")
        self.assertEqual(exchange(svc, conn, wait0).status, 400)  # messages are waiting
        # Acknowledging works over HTTP/1.1 (RFC 8030 6.2).
        ack = f"DELETE {path_of(first.get('location'))} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        self.assertEqual(exchange(svc, conn, ack).status, 204)
        self.assertEqual(svc.counts().messages, 1)
        self.assertEqual(exchange(svc, conn, ack).status, 404)
        # Sending still reaches the subscription through the push index.
        self.assertEqual(exchange(svc, conn, send_request(push, b"three")).status, 201)
        self.assertEqual(svc.counts().messages, 2)
        # Unsubscribing takes its records and messages away.
        delete = f"DELETE {sub} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        self.assertEqual(exchange(svc, conn, delete).status, 204)
        self.assertEqual(svc.counts(), Counts(0, 0, 0))
        self.assertEqual(store.records, {})
        self.assertEqual(exchange(svc, conn, send_request(push)).status, 410)

        # A subscription with nothing stored: 204.
        _, sub, _ = self.subscribe(svc)
        wait0 = f"GET {sub} HTTP/1.1\r\nHost: x\r\nPrefer: wait=0\r\n\r\n".encode()
        self.assertEqual(exchange(svc, conn, wait0).status, 204)

    def test_many_messages_of_one_subscription(self):
        store = DictStore()
        svc = self.service(store)
        conn, sub, push = self.subscribe(svc)
        for i in range(40):  # more keys than the service first makes room for
            self.assertEqual(exchange(svc, conn, send_request(push, b"m%d" % i)).status, 201)
        self.assertEqual(len(store.children(store.keys(StoreKind.SUBSCRIPTION)[0])), 40)
        delete = f"DELETE {sub} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        self.assertEqual(exchange(svc, conn, delete).status, 204)
        self.assertEqual(store.records, {})

    def test_a_corrupt_record_is_absent(self):
        store = DictStore()
        svc = self.service(store)
        conn, sub, push = self.subscribe(svc)
        [key] = store.keys(StoreKind.SUBSCRIPTION)
        store.records[(StoreKind.SUBSCRIPTION, key)] = (None, b"\x02junk")
        self.assertEqual(exchange(svc, conn, send_request(push)).status, 410)
        wait0 = f"GET {sub} HTTP/1.1\r\nHost: x\r\nPrefer: wait=0\r\n\r\n".encode()
        self.assertEqual(exchange(svc, conn, wait0).status, 410)

    def test_a_raising_store_fails_the_request(self):
        class Full(DictStore):
            def put(self, kind, key, parent, record):
                raise PushcoreError(-207, "disk full")  # PUSHCORE_E_LIMIT_STORE

        class Broken(DictStore):
            def count(self, kind):
                return "not a pair"

        for store, text in ((Full(), "disk full"), (Broken(), "unpack")):
            with self.subTest(store=type(store).__name__):
                svc = self.service(store)
                conn = svc.open()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    r = exchange(svc, conn, SUBSCRIBE)
                # A full store is temporary: 503 (with Retry-After), not 500.
                self.assertEqual(r.status, 503 if isinstance(store, Full) else 201)
                self.assertEqual(len(caught), 1)
                self.assertIn("the store raised", str(caught[0].message))
                self.assertIn(text, str(caught[0].message))

    def test_the_store_needs_its_methods(self):
        with self.assertRaises(TypeError) as ctx:
            PushService(store=object())
        self.assertIn("put, get, remove, children and count", str(ctx.exception))

        class NoCount:
            put = get = remove = children = staticmethod(lambda *args: None)

        with self.assertRaises(TypeError) as ctx:
            PushService(store=NoCount())
        self.assertIn("missing: count", str(ctx.exception))

    def test_the_store_lives_as_long_as_the_service(self):
        store = DictStore()
        ref = weakref.ref(store)
        svc = PushService(store=store)
        del store
        gc.collect()
        self.assertIsNotNone(ref())
        conn = svc.open()
        self.assertEqual(exchange(svc, conn, SUBSCRIBE).status, 201)
        self.assertEqual(len(ref().records), 2)
        svc.free()
        gc.collect()
        self.assertIsNone(ref())


@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class ConfigTest(unittest.TestCase):
    def refused(self, function: str, reason: str, **settings):
        with self.assertRaises(PushcoreError) as ctx:
            PushService(**settings)
        err = ctx.exception
        self.assertEqual(err.name, "PUSHCORE_E_INVALID_ARGUMENT")
        self.assertEqual(err.function, function)
        self.assertIn(reason, err.detail)
        return err

    def test_each_setter_refuses_out_of_range_values(self):
        f = "pushcore_push_service_config_set_"
        self.refused(f + "base_url", "https://", base_url="ftp://push.example.net")
        self.refused(f + "base_url", "control character", base_url="https://a\r\nX: y")
        self.refused(f + "subscribe_path", "absolute path", subscribe_path="subscribe")
        self.refused(f + "subscribe_path", "?", subscribe_path="/a?b")
        self.refused(f + "max_message_bytes", "4096", max_message_bytes=4095)
        self.refused(f + "subscription_lifetime", "above 0", subscription_lifetime_s=0)
        self.refused(f + "ttl", "default TTL", max_ttl_s=60, default_ttl_s=61)
        self.refused(f + "rate_limit", "both", rate_per_minute=0)
        self.refused(f + "rate_limit", "both", rate_burst=0)
        self.refused(f + "store_limits", "above 0", max_subscriptions=0)
        self.refused(f + "connection_limits", "above 0", max_header_bytes=0)
        self.refused(f + "connection_limits", "concurrent streams", max_concurrent_streams=0)
        self.refused(f + "gone_status", "404 or 410", gone_status=200)
        self.refused(f + "wall_clock_offset", "1970", wall_clock_offset_ms=-1)

    def test_the_refused_argument_is_named_first(self):
        err = self.refused("pushcore_push_service_config_set_gone_status", "404 or 410",
                           gone_status=403)
        self.assertTrue(err.detail.startswith("gone_status=403: "))
        self.assertIn("gone_status=403", str(err))

    def test_a_group_given_in_part_keeps_the_other_defaults(self):
        for settings in ({"rate_per_minute": 0, "rate_burst": 0}, {"max_ttl_s": 10},
                         {"max_messages_total": 5}, {"idle_timeout_ms": 0},
                         {"subscription_lifetime_s": 1}, {"max_message_bytes": 1 << 20}):
            with self.subTest(settings=settings):
                PushService(**settings).free()

    def test_settings_that_fit_no_setter_are_refused_by_new(self):
        with self.assertRaises(PushcoreError) as ctx:
            PushService(subscribe_path="/p/mine")  # the push resources live there
        err = ctx.exception
        self.assertEqual(err.function, "pushcore_push_service_new")
        self.assertEqual(err.name, "PUSHCORE_E_INVALID_ARGUMENT")
        self.assertIn("subscribe_path", err.detail)
        self.assertIsNone(err.offset)

    def test_wrong_types(self):
        with self.assertRaises(TypeError):
            PushService(max_message_bytes="4096")
        with self.assertRaises(TypeError):
            PushService(base_url=42)
        with self.assertRaises(TypeError):
            PushService(unknown=1)
        with self.assertRaises(TypeError):
            PushService(random=b"not callable")
        with self.assertRaises(TypeError):
            PushService(log="not callable")
        with self.assertRaises(TypeError):
            PushService(tls_cert_pem="only half")
        with self.assertRaises(PushcoreError):
            PushService(subscription_lifetime_s=2**32)  # does not fit uint32_t

    def test_tls_pem_openssl_refuses(self):
        junk = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
        with self.assertRaises(PushcoreError) as ctx:
            PushService(tls_cert_pem=junk, tls_key_pem=junk)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_TLS")
        self.assertEqual(ctx.exception.function, "pushcore_push_service_config_set_tls_pem")

    def test_free(self):
        svc = PushService()
        with svc:
            svc.open()
        self.assertTrue(svc.freed)
        svc.free()  # idempotent
        with self.assertRaises(PushcoreError):
            svc.open()
        self.assertEqual(repr(svc), "PushService(<freed>)")

    def test_callbacks_live_as_long_as_the_service(self):
        lines = []
        svc = PushService(log=lambda level, line: lines.append(line), random=os.urandom)
        gc.collect()
        conn = svc.open()
        svc.receive(conn, SUBSCRIBE)
        self.assertEqual(lines, ["POST /subscribe 201"])
        ref = weakref.ref(svc)
        del svc
        gc.collect()
        self.assertIsNone(ref())  # freed with its handle


@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class Http2Test(unittest.TestCase):
    def frames(self, data: bytes) -> list:
        """(type, flags, stream, payload) of each HTTP/2 frame (RFC 9113 4.1)."""
        out = []
        while len(data) >= 9:
            length = int.from_bytes(data[:3], "big")
            ftype, flags = data[3], data[4]
            stream = struct.unpack(">I", data[5:9])[0] & 0x7FFFFFFF
            out.append((ftype, flags, stream, data[9:9 + length]))
            data = data[9 + length:]
        return out

    def test_the_preface_is_detected(self):
        svc = PushService()
        self.addCleanup(svc.free)
        conn = svc.open("detect")
        self.assertEqual(svc.output(conn), b"")
        svc.receive(conn, PREFACE + EMPTY_SETTINGS)
        self.assertEqual(list(svc.ready()), [conn])
        out = svc.drain(conn)
        self.assertEqual(out[3], 0x4)  # the server's SETTINGS comes first (RFC 9113 3.4)
        frames = self.frames(out)
        self.assertEqual((frames[0][0], frames[0][1], frames[0][2]), (0x4, 0, 0))
        self.assertIn((0x4, 0x1, 0, b""), frames)  # and it acknowledges ours
        self.assertFalse(svc.want_close(conn))

    def test_prior_knowledge_sends_settings_at_once(self):
        svc = PushService(max_concurrent_streams=7)
        self.addCleanup(svc.free)
        conn = svc.open("h2")
        self.assertEqual(list(svc.ready()), [conn])
        settings = self.frames(svc.drain(conn))[0]
        self.assertEqual(settings[0], 0x4)
        params = {struct.unpack(">H", settings[3][i:i + 2])[0]:
                  struct.unpack(">I", settings[3][i + 2:i + 6])[0]
                  for i in range(0, len(settings[3]), 6)}
        self.assertEqual(params.get(0x3), 7)  # SETTINGS_MAX_CONCURRENT_STREAMS

    def test_a_bad_preface_is_http1(self):
        svc = PushService()
        self.addCleanup(svc.free)
        conn = svc.open("detect")
        svc.receive(conn, b"PRI / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(Response(svc.drain(conn)).status, 404)


def _self_signed(directory: str):
    """A certificate for localhost and its key (PEM), made by the openssl command."""
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    with open(cert) as c, open(key) as k:
        return c.read(), k.read()


@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class TlsTest(unittest.TestCase):
    def test_open_tls_needs_a_certificate(self):
        svc = PushService()
        self.addCleanup(svc.free)
        with self.assertRaises(PushcoreError) as ctx:
            svc.open_tls(0)
        self.assertEqual(ctx.exception.name, "PUSHCORE_E_INVALID_STATE")
        self.assertIn("set_tls_pem", ctx.exception.detail)

    @unittest.skipUnless(shutil.which("openssl"), "no openssl command to make a certificate")
    def test_subscribe_over_tls(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = _self_signed(tmp)
        svc = PushService(tls_cert_pem=cert, tls_key_pem=key.encode())
        self.addCleanup(svc.free)
        conn = svc.open_tls(0)

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cadata=cert)
        ctx.set_alpn_protocols(["http/1.1"])
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")

        def carry():
            if outgoing.pending:
                svc.receive(conn, outgoing.read(), 1)
            incoming.write(svc.drain(conn))

        for _ in range(10):
            try:
                client.do_handshake()
                break
            except ssl.SSLWantReadError:
                carry()
        else:
            self.fail("no TLS handshake")
        self.assertEqual(client.selected_alpn_protocol(), "http/1.1")
        client.write(SUBSCRIBE)
        carry()
        r = Response(client.read(65536))
        self.assertEqual(r.status, 201)
        self.assertTrue(r.link("urn:ietf:params:push").startswith("/p/"))
        self.assertEqual(svc.counts().subscriptions, 1)


@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class ReadmeTest(unittest.TestCase):
    def test_the_web_push_example_runs(self):
        # The Web Push examples are fenced as "py" (the SIP push ones are "python"): the
        # service, then a store of the host's.
        out = _helpers.run_readme_examples(self, "py", 2)
        self.assertEqual(out.splitlines(), ["INFO POST /subscribe 201", "INFO POST /p/... 201"])


if __name__ == "__main__":
    unittest.main()
