#!/usr/bin/python3
"""Interop: examples/webpush-service against python-h2 (Debian python3-h2), an HTTP/2
implementation this project did not write. Run with /usr/bin/python3 (the Debian one, which
has h2). Usage: webpush_python_h2.py PATH/TO/webpush-service

Starts the service on 127.0.0.1 (port chosen by the system) with --max-message-bytes 4096
--rate-limit 60:10, first plaintext (h2c with prior knowledge), then TLS (ALPN h2, the
example's self-signed certificate, not verified), and checks, with a user agent connection
and an application server connection:
  subscribe (201, Location, both Links, Cache-Control); Prefer: wait=0 on an empty
  subscription (204); RFC 8030 send (TTL, Content-Encoding: aes128gcm, Prefer:
  respond-async, Link to a receipt subscription: 202) pushed on the held GET as
  PUSH_PROMISE /m/{id} with the body; acknowledgement (DELETE, 204) and the receipt pushed
  on a held GET of the receipt subscription (204); the seed's JSON form with
  request_receipt (201, a new receipt subscription, the message pushed as JSON, its
  receipt); Prefer: wait=0 with a stored message (pushed, then 200); 400 without TTL;
  4096 bytes accepted and 413 above --max-message-bytes; 429 after the burst; DELETE of
  the subscription (204, a pushed 410 for it, the held GET ended 410, sends then 410).
Then, with --max-message-bytes 1000000, a user agent that stops reading while 6 x 900 kB
are pushed to it (the example's partial writes and POLLOUT) gets everything intact.
Prints "N checks passed"; exit status 0 = pass.
"""

import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import h2
    import h2.settings
    from webpush_h2client import H2Client, links
except ImportError as e:
    print("FAIL: %s: python-h2 is missing; run with /usr/bin/python3 and install the Debian "
          "package python3-h2 (tests/run.sh does)" % e)
    sys.exit(1)

REL_PUSH = "urn:ietf:params:push"
REL_RECEIPT = "urn:ietf:params:push:receipt"
TOKEN = r"[A-Za-z0-9_-]{22}"  # 128 bits, unpadded base64url


class Failure(Exception):
    pass


class Checks:
    def __init__(self, label):
        self.label = label
        self.passed = 0

    def __call__(self, cond, what, detail=None):
        if not cond:
            raise Failure("%s: %s%s" % (self.label, what,
                                        "" if detail is None else " -- got %r" % (detail,)))
        self.passed += 1
        print("PASS: %s: %s" % (self.label, what))


def path_of(url):
    return urllib.parse.urlsplit(url).path


class Service:
    """webpush-service on 127.0.0.1:0; url is what its "listening on" line says."""

    def __init__(self, binary, options, log):
        self.log = log
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--verbose"] + options,
                                     stdout=subprocess.PIPE, stderr=log)
        line = b""
        end = time.monotonic() + 10
        while not line.endswith(b"\n") and time.monotonic() < end:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
        m = re.match(rb"listening on (\S+)", line)
        if not m:
            self.stop()
            raise Failure("webpush-service %s did not start (stdout %r)" % (options, line))
        self.url = m.group(1).decode()

    def stop(self):
        """SIGTERM; the exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode


def scenario(base, check):
    ua = H2Client(base)  # the user agent
    app = H2Client(base)  # the application server

    # Subscribe (seed 4, RFC 8030 4).
    s = ua.fetch("POST", "/subscribe")
    check(s.status == 201, "POST /subscribe -> 201", s)
    location = s.headers.get("location", "")
    check(re.fullmatch(re.escape(base) + "/s/" + TOKEN, location),
          "Location: %s/s/{128-bit token}" % base, location)
    rels = links(s)
    push = rels.get(REL_PUSH, "")
    check(re.fullmatch("/p/" + TOKEN, push), 'Link: </p/...>; rel="%s"' % REL_PUSH, rels)
    check(rels.get(REL_RECEIPT) == push + "/receipts",
          'Link: </p/.../receipts>; rel="%s"' % REL_RECEIPT, rels)
    cc = s.headers.get("cache-control", "")
    check("private" in cc and "max-age=" in cc, "Cache-Control: max-age=..., private", cc)
    sub = path_of(location)

    # Prefer: wait=0 with nothing stored (seed 6): 204, nothing pushed.
    w = ua.fetch("GET", sub, [("prefer", "wait=0")])
    check(w.status == 204 and not w.pushes, "GET /s/... Prefer: wait=0, nothing stored -> 204",
          w)

    # The user agent holds GET /s/{sub}; the PING round trip makes sure the service has it.
    held = ua.request("GET", sub)
    ua.sync()

    # A receipt subscription (RFC 8030 5.1), held by the application server.
    r = app.fetch("POST", push + "/receipts")
    receipt = path_of(r.headers.get("location", ""))
    check(r.status == 201 and re.fullmatch("/r/" + TOKEN, receipt),
          "POST /p/.../receipts -> 201, Location /r/...", r)
    receipts_held = app.request("GET", receipt)
    app.sync()

    # RFC 8030 send: TTL, an encrypted body, Prefer: respond-async, the receipt linked.
    body = os.urandom(150)  # stands in for an aes128gcm record: opaque to the service
    m = app.fetch("POST", push, [("ttl", "60"), ("content-encoding", "aes128gcm"),
                                 ("content-type", "application/octet-stream"),
                                 ("urgency", "high"), ("prefer", "respond-async"),
                                 ("link", '<%s>; rel="%s"' % (receipt, REL_RECEIPT))], body)
    message = path_of(m.headers.get("location", ""))
    check(m.status == 202 and re.fullmatch("/m/" + TOKEN, message),
          "RFC 8030 send with Prefer: respond-async -> 202, Location /m/...", m)
    check(m.headers.get("ttl") == "60", "the response's TTL: 60", m.headers)
    check(links(m).get(REL_RECEIPT) == receipt, "the response links the receipt subscription",
          links(m))

    # Delivered on the held GET as a server push (seed 6, RFC 8030 6).
    ua.pump(lambda: held.pushes and ua.streams[held.pushes[0]].done)
    check(len(held.pushes) == 1, "one PUSH_PROMISE on the held GET", held)
    p = ua.streams[held.pushes[0]]
    check(p.request_headers.get(":path") == message and p.request_headers.get(":method") == "GET",
          "PUSH_PROMISE :method GET :path %s" % "/m/{id}", p.request_headers)
    check(p.status == 200 and p.headers.get("content-encoding") == "aes128gcm",
          "pushed response 200 with Content-Encoding: aes128gcm", p)
    check(bytes(p.body) == body, "pushed body is the message, byte for byte", p)
    check(not any(k in p.headers for k in ("ttl", "urgency", "topic", "link")),
          "no TTL/Urgency/Topic/Link reach the user agent", p.headers)

    # Acknowledge (RFC 8030 6.2): the receipt is pushed to the application server.
    a = ua.fetch("DELETE", message)
    check(a.status == 204, "DELETE /m/... (acknowledge) -> 204", a)
    app.pump(lambda: receipts_held.pushes and app.streams[receipts_held.pushes[0]].done)
    rp = app.streams[receipts_held.pushes[0]] if receipts_held.pushes else None
    check(rp is not None and rp.request_headers.get(":path") == message and rp.status == 204,
          "receipt pushed on GET /r/...: PUSH_PROMISE %s, status 204" % "/m/{id}", rp)
    a2 = ua.fetch("DELETE", message)
    check(a2.status == 404, "a second DELETE /m/... -> 404", a2)

    # The seed's JSON form (seed 5): no TTL field, content-type application/json.
    payload = {"message": {"title": "hello", "n": 1}, "request_receipt": True,
               "time_to_live": 60}
    j = app.fetch("POST", push, [("content-type", "application/json")],
                  json.dumps(payload).encode())
    jmessage = path_of(j.headers.get("location", ""))
    jreceipt = links(j).get(REL_RECEIPT, "")
    check(j.status == 201 and re.fullmatch("/m/" + TOKEN, jmessage),
          "seed JSON send -> 201, Location /m/...", j)
    check(re.fullmatch("/r/" + TOKEN, jreceipt) and jreceipt != receipt,
          "request_receipt: the response links a new receipt subscription", links(j))
    ua.pump(lambda: len(held.pushes) >= 2 and ua.streams[held.pushes[1]].done)
    jp = ua.streams[held.pushes[1]] if len(held.pushes) >= 2 else None
    check(jp is not None and jp.request_headers.get(":path") == jmessage and jp.status == 200 and
          jp.headers.get("content-type") == "application/json" and
          json.loads(bytes(jp.body)) == payload["message"],
          "seed message pushed as application/json with the \"message\" member", jp)
    jheld = app.request("GET", jreceipt)
    app.sync()
    check(ua.fetch("DELETE", jmessage).status == 204, "DELETE of the seed message -> 204")
    app.pump(lambda: jheld.pushes and app.streams[jheld.pushes[0]].done)
    jr = app.streams[jheld.pushes[0]] if jheld.pushes else None
    check(jr is not None and jr.request_headers.get(":path") == jmessage and jr.status == 204,
          "seed receipt pushed on its GET /r/...: 204", jr)

    # Prefer: wait=0 with a message stored (seed 6): pushed, then 200.
    s2 = ua.fetch("POST", "/subscribe")
    sub2, push2 = path_of(s2.headers["location"]), links(s2)[REL_PUSH]
    stored = app.fetch("POST", push2, [("ttl", "60")], b"stored while nobody listened")
    check(stored.status == 201, "send to a subscription nobody holds -> 201", stored)
    ua2 = H2Client(base)
    w2 = ua2.fetch("GET", sub2, [("prefer", "wait=0")])
    ua2.pump(lambda: w2.pushes and ua2.streams[w2.pushes[0]].done)
    wp = ua2.streams[w2.pushes[0]] if w2.pushes else None
    check(w2.status == 200 and len(w2.pushes) == 1 and wp.status == 200 and
          bytes(wp.body) == b"stored while nobody listened",
          "GET Prefer: wait=0 with one stored -> pushed, then 200", (w2, wp))
    check(links(w2).get(REL_PUSH) == push2, "the wait=0 answer links the push resource",
          links(w2))
    check(ua2.fetch("DELETE", wp.request_headers[":path"]).status == 204,
          "DELETE of the stored message -> 204")
    ua2.close()

    # 400: the RFC 8030 form without TTL (5.2).
    e = app.fetch("POST", push, [("content-type", "application/octet-stream")], b"no ttl")
    check(e.status == 400, "send without TTL -> 400", e)

    # Sizes: 4096 bytes must be accepted (seed 5); above --max-message-bytes 4096 is 413.
    ok = app.fetch("POST", push, [("ttl", "60")], b"x" * 4096)
    check(ok.status == 201, "4096-byte message -> 201", ok)
    big = app.fetch("POST", push, [("ttl", "60")], b"x" * 4097)
    check(big.status == 413, "4097-byte message with --max-message-bytes 4096 -> 413", big)

    # 429: --rate-limit 60:10 lets a fresh subscription take 10 sends at once, not 11.
    s3 = ua.fetch("POST", "/subscribe")
    push3 = links(s3)[REL_PUSH]
    answers = [app.fetch("POST", push3, [("ttl", "60")], b"burst %d" % i) for i in range(11)]
    check([x.status for x in answers] == [201] * 10 + [429],
          "11 sends at once with --rate-limit 60:10 -> 201 x10, then 429",
          [x.status for x in answers])
    check(answers[-1].headers.get("retry-after", "").isdigit(), "429 carries Retry-After",
          answers[-1].headers)

    # Unsubscribe (seed 7.3): the held GET gets a pushed 410 for /s/{sub} and ends 410.
    d = app.fetch("DELETE", sub)
    check(d.status == 204, "DELETE /s/... -> 204", d)

    def pushed_for_sub():
        return [ua.streams[i] for i in held.pushes if
                ua.streams[i].request_headers.get(":path") == sub]

    ua.pump(lambda: held.done and pushed_for_sub() and pushed_for_sub()[0].done)
    check(held.status == 410, "the held GET ends with 410", held)
    gone = pushed_for_sub()
    check(gone and gone[0].status == 410,
          "a pushed 410 for %s reaches the user agent" % "/s/{sub}",
          gone[0] if gone else held)
    after = app.fetch("POST", push, [("ttl", "60")], b"too late")
    check(after.status == 410, "send after unsubscribing -> 410", after)
    check(ua.fetch("GET", sub, [("prefer", "wait=0")]).status == 410,
          "GET /s/... after unsubscribing -> 410")

    ua.close()
    app.close()


def slow_reader(base, check, log):
    """The service's partial writes: a user agent with large HTTP/2 windows holds six
    subscriptions on one connection and stops reading while 6 x 900 kB are pushed to it,
    more than the kernel's socket buffers take; it then reads everything intact."""
    ua = H2Client(base, timeout=20)
    big = 2 ** 31 - 1
    ua.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: big})
    ua.conn.increment_flow_control_window(big - 65535)
    ua.flush()
    app = H2Client(base, timeout=20)
    held, bodies = [], []
    for _ in range(6):
        s = ua.fetch("POST", "/subscribe")
        held.append(ua.request("GET", path_of(s.headers["location"])))
        bodies.append((links(s)[REL_PUSH], os.urandom(900000)))
    ua.sync()
    statuses = [app.fetch("POST", push, [("ttl", "60")], body).status for push, body in bodies]
    check(statuses == [201] * 6, "6 sends of 900 kB (--max-message-bytes 1000000) -> 201",
          statuses)
    time.sleep(1)  # the user agent reads nothing meanwhile
    ua.pump(lambda: all(h.pushes and ua.streams[h.pushes[0]].done for h in held), timeout=30)
    got = [bytes(ua.streams[h.pushes[0]].body) if h.pushes else b"" for h in held]
    check(got == [body for _, body in bodies],
          "a user agent that stopped reading gets all 6 x 900 kB pushed intact")
    log.seek(0)
    stalls = log.read().count(b"socket full")
    print("      (the service found the socket full %d time(s) and waited for POLLOUT)" % stalls)
    ua.close()
    app.close()


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("FAIL: usage: %s PATH/TO/webpush-service" % sys.argv[0])
        return 1
    print("python %s, h2 %s" % (sys.version.split()[0], h2.__version__))
    total = 0
    with tempfile.TemporaryFile() as log:
        try:
            for label, options in (("plaintext", ["--plaintext"]), ("tls", [])):
                service = Service(sys.argv[1], options + ["--max-message-bytes", "4096",
                                                          "--rate-limit", "60:10"], log)
                check = Checks(label)
                try:
                    print("-- %s: webpush-service at %s" % (label, service.url))
                    scenario(service.url, check)
                finally:
                    status = service.stop()
                check(status == 0, "SIGTERM: webpush-service exited with status 0", status)
                total += check.passed
            # Partial writes (EAGAIN, POLLOUT) in the example itself.
            service = Service(sys.argv[1], ["--plaintext", "--max-message-bytes", "1000000"], log)
            check = Checks("slow reader")
            try:
                print("-- slow reader: webpush-service at %s" % service.url)
                slow_reader(service.url, check, log)
            finally:
                status = service.stop()
            check(status == 0, "SIGTERM: webpush-service exited with status 0", status)
            total += check.passed
        except Exception as e:  # a failed check, a timeout, a refused connection
            print("FAIL: %s: %s" % (type(e).__name__, e))
            log.seek(0)
            print("---- webpush-service log ----")
            print(log.read().decode(errors="replace"))
            return 1
        if os.environ.get("VERBOSE"):
            log.seek(0)
            print(log.read().decode(errors="replace"))
    print("%d checks passed" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
