"""A small HTTP/2 client over a plain or TLS socket, built on the python-h2 library
(Debian python3-h2; run with /usr/bin/python3), for the webpush interop scripts. It speaks
h2c with prior knowledge over plaintext and h2 by ALPN over TLS (the service's certificate
is self-signed and is not verified), keeps server pushes, and answers flow control.

    c = H2Client("http://127.0.0.1:40123")
    s = c.fetch("POST", "/subscribe")            # waits for the whole response
    g = c.request("GET", "/s/...")               # a held request; returns its Stream
    c.sync()                                     # the service has read what was sent
    c.pump(lambda: g.pushes, timeout=5)          # read until the condition holds
    pushed = c.streams[g.pushes[0]]              # .request_headers, .status, .body
"""

import re
import socket
import ssl
import time
import urllib.parse

import h2.config
import h2.connection
import h2.events


def links(stream):
    """{rel: target} from a response's Link fields ('<target>; rel="rel"')."""
    out = {}
    for name, value in stream.header_list:
        if name != "link":
            continue
        for part in value.split(","):
            m = re.match(r'\s*<([^>]*)>\s*;\s*rel="?([^";]+)"?', part)
            if m:
                out[m.group(2)] = m.group(1)
    return out


class Stream:
    def __init__(self, stream_id, request_headers, parent=None):
        self.id = stream_id
        self.request_headers = dict(request_headers)  # for a pushed stream: the promise
        self.parent = parent  # the stream a pushed one was promised on
        self.status = None
        self.headers = {}  # response fields, lower-case names; repeated ones joined by ", "
        self.header_list = []
        self.body = bytearray()
        self.ended = False
        self.reset = None  # the error code of a RST_STREAM
        self.pushes = []  # ids of the streams promised on this one, in order

    @property
    def done(self):
        return self.ended or self.reset is not None

    def __repr__(self):
        return "<Stream %d %s %s status=%s ended=%s reset=%s pushes=%s body=%r>" % (
            self.id, self.request_headers.get(":method"), self.request_headers.get(":path"),
            self.status, self.ended, self.reset, self.pushes, bytes(self.body[:80]))


class H2Client:
    def __init__(self, base_url, timeout=5.0):
        url = urllib.parse.urlsplit(base_url)
        self.scheme = url.scheme
        self.authority = url.netloc
        self.timeout = timeout
        sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
        if url.scheme == "https":
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.set_alpn_protocols(["h2"])
            sock = ctx.wrap_socket(sock, server_hostname="localhost")
            if sock.selected_alpn_protocol() != "h2":
                raise RuntimeError("ALPN chose %r, not h2" % sock.selected_alpn_protocol())
        self.sock = sock
        self.conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.streams = {}
        self.closed = False  # GOAWAY received or the socket ended
        self.pings = 0
        self.flush()

    def close(self):
        try:
            self.conn.close_connection()
            self.flush()
        except Exception:
            pass
        self.sock.close()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, method, path, headers=(), body=b""):
        """Sends a request; returns its Stream without waiting for anything."""
        sid = self.conn.get_next_available_stream_id()
        fields = [(":method", method), (":path", path), (":scheme", self.scheme),
                  (":authority", self.authority)]
        fields += [(k.lower(), str(v)) for k, v in headers]
        if body:
            fields.append(("content-length", str(len(body))))
        stream = Stream(sid, fields)
        self.streams[sid] = stream
        self.conn.send_headers(sid, fields, end_stream=not body)
        view = memoryview(bytes(body))
        while view:
            # Within the peer's frame size and windows (the bodies here are small).
            n = min(len(view), self.conn.max_outbound_frame_size,
                    self.conn.local_flow_control_window(sid))
            if n <= 0:
                self.flush()
                self.pump(lambda: self.conn.local_flow_control_window(sid) > 0)
                continue
            self.conn.send_data(sid, bytes(view[:n]), end_stream=(n == len(view)))
            view = view[n:]
        self.flush()
        return stream

    def fetch(self, method, path, headers=(), body=b"", timeout=None):
        """Sends a request and waits until its response has ended (or the stream was reset)."""
        stream = self.request(method, path, headers, body)
        if not self.pump(lambda: stream.done, timeout):
            raise TimeoutError("no complete response to %s %s" % (method, path))
        return stream

    def sync(self, timeout=None):
        """A PING round trip: the service has read everything sent before it."""
        want = self.pings + 1
        self.conn.ping(b"%08d" % want)
        self.flush()
        if not self.pump(lambda: self.pings >= want, timeout):
            raise TimeoutError("no PING ACK")

    def pump(self, until, timeout=None):
        """Reads and handles frames until until() is true (True) or the time is up (False)."""
        end = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not until():
            left = end - time.monotonic()
            if left <= 0 or self.closed:
                return until()
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                continue
            if not data:
                self.closed = True
                continue
            for ev in self.conn.receive_data(data):
                self._handle(ev)
            self.flush()
        return True

    def _handle(self, ev):
        if isinstance(ev, h2.events.PushedStreamReceived):
            parent = self.streams.get(ev.parent_stream_id)
            self.streams[ev.pushed_stream_id] = Stream(ev.pushed_stream_id, ev.headers,
                                                       ev.parent_stream_id)
            if parent:
                parent.pushes.append(ev.pushed_stream_id)
        elif isinstance(ev, h2.events.ResponseReceived):
            s = self.streams[ev.stream_id]
            s.header_list = list(ev.headers)
            for k, v in ev.headers:
                if k == ":status":
                    s.status = int(v)
                else:
                    s.headers[k] = s.headers[k] + ", " + v if k in s.headers else v
        elif isinstance(ev, h2.events.DataReceived):
            self.streams[ev.stream_id].body += ev.data
            self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            self.streams[ev.stream_id].ended = True
        elif isinstance(ev, h2.events.StreamReset):
            if ev.stream_id in self.streams:
                self.streams[ev.stream_id].reset = ev.error_code
        elif isinstance(ev, h2.events.PingAckReceived):
            self.pings += 1
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.closed = True
