"""The Web Push service (draft-damaggio-webpush-http2-00, RFC 8030) over the C ABI of
pushcore/web_push.h.

Classes:
  PushService    the push service: every connection the host accepted, the subscriptions
                 and messages (in memory), the timers
  HttpProtocol   what a plaintext connection speaks (detected, or what ALPN chose)
  LogLevel       the level of a line given to the log callback
  Counts         what the service stores: subscriptions, messages, body bytes

Sans-IO as the library is: the host accepts sockets and calls open() (or open_tls()) for
each, feeds what a socket read to receive(), writes out drain() (or output() and then
consume() what it wrote), closes the socket when want_close() says so and then calls
close(). A request on one connection can give others output (a message pushed to a user
agent): after each call, ready() names every connection with new output. Timers:
on_timeout(now) once now >= next_deadline. Times are the host's monotonic milliseconds.

A failing call raises PushcoreError with the status name and number and, when the library
gave one (pushcore_push_service_last_error / _config_last_error), the reason and offset.
receive() raising means the connection is finished: write out its output, then close it.
"""
import ctypes
import enum
import warnings
from collections import namedtuple

from . import PushcoreError, lib
from . import _web_push_abi as _abi

_abi.declare(lib)

_E_INVALID_ARGUMENT = -1


class HttpProtocol(enum.IntEnum):
    DETECT = _abi.HTTP_DETECT  # HTTP/2 prior knowledge or HTTP/1.1, told by the first bytes
    HTTP1 = _abi.HTTP_1        # ALPN "http/1.1"
    HTTP2 = _abi.HTTP_2        # ALPN "h2"


# The names open() takes besides HttpProtocol values: ours and ALPN's (RFC 7301).
_PROTOCOL_NAMES = {"detect": HttpProtocol.DETECT, "http1": HttpProtocol.HTTP1,
                   "http/1.1": HttpProtocol.HTTP1, "http2": HttpProtocol.HTTP2,
                   "h2": HttpProtocol.HTTP2}


class LogLevel(enum.IntEnum):
    ERROR = _abi.LOG_ERROR
    WARNING = _abi.LOG_WARNING
    INFO = _abi.LOG_INFO
    DEBUG = _abi.LOG_DEBUG


Counts = namedtuple("Counts", "subscriptions messages bytes")
LastError = namedtuple("LastError", "status name reason offset")

# The library's defaults (include/pushcore/web_push.h, ServiceConfig in
# include/pushcore/web_push/push_service.hpp, ConnectionLimits in
# include/pushcore/http/server_connection.hpp). The C setters take their settings in
# groups; a group given in part is completed from here.
DEFAULTS = {
    "max_ttl_s": 2419200,
    "default_ttl_s": 2419200,
    "rate_per_minute": 600,
    "rate_burst": 60,
    "max_messages_per_subscription": 100,
    "max_bytes_per_subscription": 1 << 20,
    "max_messages_total": 1000000,
    "max_bytes_total": 1 << 30,
    "max_subscriptions": 10000000,
    "max_header_bytes": 8192,
    "max_header_count": 64,
    "max_concurrent_streams": 100,
    "idle_timeout_ms": 0,
}

# Settings -> the setter that takes them, in the order of its parameters, and their widths.
_GROUPS = (
    (lib.pushcore_push_service_config_set_ttl, (("max_ttl_s", 32), ("default_ttl_s", 32))),
    (lib.pushcore_push_service_config_set_rate_limit,
     (("rate_per_minute", 32), ("rate_burst", 32))),
    (lib.pushcore_push_service_config_set_store_limits,
     (("max_messages_per_subscription", 64), ("max_bytes_per_subscription", 64),
      ("max_messages_total", 64), ("max_bytes_total", 64), ("max_subscriptions", 64))),
    (lib.pushcore_push_service_config_set_connection_limits,
     (("max_header_bytes", 64), ("max_header_count", 64), ("max_concurrent_streams", 32),
      ("idle_timeout_ms", 64))),
)
_SINGLES = (
    ("max_message_bytes", lib.pushcore_push_service_config_set_max_message_bytes, 64),
    ("subscription_lifetime_s", lib.pushcore_push_service_config_set_subscription_lifetime, 32),
)


# ---- conversions ------------------------------------------------------------------------

def _text_arg(name: str, value):
    """str or bytes -> bytes for a `const char*, size_t` pair (no NUL needed)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")


def _uint(name: str, value, bits: int) -> int:
    """An int that fits the C parameter: ctypes would silently wrap one that does not."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value < 1 << bits:
        raise PushcoreError(_E_INVALID_ARGUMENT, f"{name}={value} does not fit uint{bits}_t")
    return int(value)


def _int(name: str, value, bits: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise PushcoreError(_E_INVALID_ARGUMENT, f"{name}={value} does not fit int{bits}_t")
    return int(value)


def _in_bytes(name: str, data):
    """bytes-like -> (POINTER(c_uint8) argument, length). The copy lives for the call."""
    if isinstance(data, str) or not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}")
    data = memoryview(data).cast("B")
    if not data.nbytes:
        return None, 0
    return (ctypes.c_uint8 * data.nbytes).from_buffer_copy(data), data.nbytes


def _borrowed(ptr, length: int) -> bytes:
    """Copies `length` bytes out of C memory that is only borrowed."""
    if not length:
        return b""
    return ctypes.string_at(ctypes.cast(ptr, ctypes.c_void_p).value, length)


def _protocol(value) -> HttpProtocol:
    if isinstance(value, str):
        try:
            return _PROTOCOL_NAMES[value.lower()]
        except KeyError:
            raise ValueError(f"protocol {value!r}: expected one of "
                             f"{', '.join(sorted(_PROTOCOL_NAMES))}") from None
    try:
        return HttpProtocol(value)
    except ValueError:
        raise ValueError(f"protocol {value!r} is not an HttpProtocol") from None


def _last_error(fn, handle) -> LastError:
    reason = ctypes.c_char_p()
    offset = ctypes.c_size_t()
    status = fn(handle, ctypes.byref(reason), ctypes.byref(offset))
    return LastError(status, lib.pushcore_status_name(status).decode(),
                     (reason.value or b"").decode("utf-8", "surrogateescape"), offset.value)


def _detail(status: int, err: LastError):
    """(detail, offset) for a call that failed with `status`, from what *_last_error
    recorded: nothing when that is of another status or only the status's own message."""
    if err.status != status or not err.reason or err.reason == lib.pushcore_strerror(
            status).decode():
        return "", None
    return err.reason, err.offset


# ---- callbacks ----------------------------------------------------------------------------

class _Random:
    """Wraps `fn(n) -> n bytes` as a pushcore_random_fn. The service keeps this object (and
    so the C callback) alive. An exception in fn fails the random source (the request
    that needed it gets 500) and is reported as a RuntimeWarning by the call that ran it."""

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError("random must be callable: random(n) -> n bytes")
        self.error = None

        def callback(_ctx, out, n):
            try:
                data = bytes(fn(n))
                if len(data) != n:
                    raise ValueError(f"random source gave {len(data)} bytes, {n} wanted")
                ctypes.memmove(out, data, n)
                return 0
            except BaseException as exc:  # must not unwind into C
                self.error = exc
                return -1

        self.c_fn = _abi.RANDOM_FN(callback)


class _Log:
    """Wraps `fn(level: LogLevel, line: str)` as a pushcore_log_fn. The service keeps this
    object (and so the C callback) alive. Logging never changes what the service does: an
    exception in fn is reported as a RuntimeWarning by the call that ran it."""

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError("log must be callable: log(level, line)")
        self.error = None

        def callback(_ctx, level, line, length):
            try:
                try:
                    level = LogLevel(level)
                except ValueError:  # a level newer than this binding
                    pass
                fn(level, _borrowed(line, length).decode("utf-8", "replace"))
            except BaseException as exc:  # must not unwind into C
                if self.error is None:
                    self.error = exc

        self.c_fn = _abi.LOG_FN(callback)


# ---- the service ----------------------------------------------------------------------------

class PushService:
    """The push service role of Web Push. Every keyword maps to a setter of
    pushcore_push_service_config; omitted ones keep the library's default.

    base_url ("https://push.example.net"; default: from each request's scheme and
    authority), subscribe_path (default "/subscribe"), max_message_bytes (>= 4096),
    subscription_lifetime_s, max_ttl_s and default_ttl_s, rate_per_minute and rate_burst
    (both 0: no rate limit), max_messages_per_subscription, max_bytes_per_subscription,
    max_messages_total, max_bytes_total, max_subscriptions, max_header_bytes,
    max_header_count, max_concurrent_streams, idle_timeout_ms (0: none), gone_status
    (404 or 410), wall_clock_offset_ms (Unix ms at now_ms == 0), random(n) -> n bytes
    (replaces the CSPRNG), log(level, line) (capability URLs already redacted),
    tls_cert_pem and tls_key_pem (PEM text, for open_tls()).

    Frees its C handle on free(), at the end of a `with` block, or when collected.
    close(conn) closes one connection, as pushcore_push_service_close does."""

    def __init__(self, *, base_url=None, subscribe_path=None, max_message_bytes=None,
                 subscription_lifetime_s=None, max_ttl_s=None, default_ttl_s=None,
                 rate_per_minute=None, rate_burst=None, max_messages_per_subscription=None,
                 max_bytes_per_subscription=None, max_messages_total=None,
                 max_bytes_total=None, max_subscriptions=None, max_header_bytes=None,
                 max_header_count=None, max_concurrent_streams=None, idle_timeout_ms=None,
                 gone_status=None, wall_clock_offset_ms=None, random=None, log=None,
                 tls_cert_pem=None, tls_key_pem=None):
        self._ptr = None
        settings = {k: v for k, v in locals().items() if k != "self"}
        if (tls_cert_pem is None) != (tls_key_pem is None):
            raise TypeError("tls_cert_pem and tls_key_pem go together")
        rnd = _Random(random) if random is not None else None
        logger = _Log(log) if log is not None else None
        cfg = _abi.ConfigP()
        status = lib.pushcore_push_service_config_new(ctypes.byref(cfg))
        if status < 0:
            raise PushcoreError(status, function="pushcore_push_service_config_new")

        def check(status, function, given):
            if status < 0:  # the config says why; the argument comes first
                detail, _ = _detail(status, _last_error(lib.pushcore_push_service_config_last_error,
                                                        cfg))
                raise PushcoreError(status, f"{given}: {detail}" if detail else given,
                                    function=function)

        try:
            for name, setter in (("base_url", lib.pushcore_push_service_config_set_base_url),
                                 ("subscribe_path",
                                  lib.pushcore_push_service_config_set_subscribe_path)):
                if settings[name] is not None:
                    raw = _text_arg(name, settings[name])
                    check(setter(cfg, raw, len(raw)), setter.__name__,
                          f"{name}={settings[name]!r}")
            for name, setter, bits in _SINGLES:
                if settings[name] is not None:
                    check(setter(cfg, _uint(name, settings[name], bits)), setter.__name__,
                          f"{name}={settings[name]!r}")
            for setter, params in _GROUPS:
                if all(settings[name] is None for name, _ in params):
                    continue
                values = [DEFAULTS[name] if settings[name] is None else settings[name]
                          for name, _ in params]
                if setter is lib.pushcore_push_service_config_set_ttl and default_ttl_s is None \
                        and isinstance(max_ttl_s, int):
                    values[1] = min(values[1], max_ttl_s)  # the default follows a lower max
                args = [_uint(name, v, bits) for (name, bits), v in zip(params, values)]
                check(setter(cfg, *args), setter.__name__,
                      ", ".join(f"{name}={v!r}" for (name, _), v in zip(params, values)))
            if gone_status is not None:
                check(lib.pushcore_push_service_config_set_gone_status(
                    cfg, _int("gone_status", gone_status, 32)),
                    "pushcore_push_service_config_set_gone_status", f"gone_status={gone_status!r}")
            if wall_clock_offset_ms is not None:
                check(lib.pushcore_push_service_config_set_wall_clock_offset(
                    cfg, _int("wall_clock_offset_ms", wall_clock_offset_ms, 64)),
                    "pushcore_push_service_config_set_wall_clock_offset",
                    f"wall_clock_offset_ms={wall_clock_offset_ms!r}")
            if rnd is not None:
                check(lib.pushcore_push_service_config_set_random(cfg, rnd.c_fn, None),
                      "pushcore_push_service_config_set_random", f"random={random!r}")
            if logger is not None:
                check(lib.pushcore_push_service_config_set_log(cfg, logger.c_fn, None),
                      "pushcore_push_service_config_set_log", f"log={log!r}")
            if tls_cert_pem is not None:
                cert = _text_arg("tls_cert_pem", tls_cert_pem)
                key = _text_arg("tls_key_pem", tls_key_pem)
                check(lib.pushcore_push_service_config_set_tls_pem(cfg, cert, len(cert), key,
                                                                   len(key)),
                      "pushcore_push_service_config_set_tls_pem", "tls_cert_pem, tls_key_pem")
            ptr = _abi.ServiceP()
            status = lib.pushcore_push_service_new(ctypes.byref(ptr), cfg)
            if status < 0:  # the config says which setting is wrong
                detail, _ = _detail(
                    status, _last_error(lib.pushcore_push_service_config_last_error, cfg))
                # (no offset: the settings are checked whole, not parsed)
                raise PushcoreError(status, detail, function="pushcore_push_service_new")
        finally:
            lib.pushcore_push_service_config_free(cfg)
        # The C service calls these: they live as long as the handle.
        self._random = rnd
        self._log = logger
        self._ptr = ptr

    # ---- the handle ----

    def free(self) -> None:
        """Frees the C service and every connection in it. Idempotent."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            lib.pushcore_push_service_free(ptr)
        self._random = self._log = None  # only once the handle calling them is gone

    @property
    def freed(self) -> bool:
        return not self._ptr

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.free()

    def __del__(self):
        try:
            self.free()
        except Exception:  # interpreter shutdown: nothing left to report to
            pass

    def _h(self):
        if not self._ptr:
            raise PushcoreError(_E_INVALID_ARGUMENT, "PushService is freed")
        return self._ptr

    def last_error(self) -> LastError:
        """(status, name, reason, offset) of the service's last call: PUSHCORE_OK with an
        empty reason after one that succeeded."""
        return _last_error(lib.pushcore_push_service_last_error, self._h())

    def _check(self, status: int, function: str) -> int:
        """Returns a non-negative status; raises PushcoreError for a negative one with the
        reason the service recorded. A callback that raised is reported as a warning."""
        for callback, what in ((self._random, "random source"), (self._log, "log callback")):
            if callback is not None and callback.error is not None:
                error, callback.error = callback.error, None
                warnings.warn(f"{function}: the {what} raised {error!r}", RuntimeWarning,
                              stacklevel=3)
        if status >= 0:
            return status
        detail, offset = _detail(status, self.last_error()) if self._ptr else ("", None)
        raise PushcoreError(status, detail, offset, function=function)

    @staticmethod
    def _conn(conn) -> int:
        return _uint("conn", conn, 64)

    @staticmethod
    def _now(now_ms) -> int:
        return _uint("now_ms", now_ms, 64)

    # ---- connections ----

    def open(self, protocol="detect", now_ms: int = 0) -> int:
        """A plaintext connection: "detect" (HTTP/2 prior knowledge or HTTP/1.1), or what
        ALPN chose when the host does TLS itself ("http1"/"http/1.1", "http2"/"h2", or an
        HttpProtocol). Returns its id (never 0)."""
        conn = ctypes.c_uint64()
        self._check(lib.pushcore_push_service_open(self._h(), int(_protocol(protocol)),
                                                   self._now(now_ms), ctypes.byref(conn)),
                    "pushcore_push_service_open")
        return conn.value

    def open_tls(self, now_ms: int = 0) -> int:
        """A connection whose TLS the service does (tls_cert_pem/tls_key_pem; ALPN h2 and
        http/1.1): receive() takes and output() gives ciphertext. Returns its id."""
        conn = ctypes.c_uint64()
        self._check(lib.pushcore_push_service_open_tls(self._h(), self._now(now_ms),
                                                       ctypes.byref(conn)),
                    "pushcore_push_service_open_tls")
        return conn.value

    def receive(self, conn: int, data, now_ms: int = 0) -> None:
        """Bytes read from the connection. Raising PushcoreError means the connection is
        finished: write out its output, then close it."""
        buf, n = _in_bytes("data", data)
        self._check(lib.pushcore_push_service_receive(self._h(), self._conn(conn), buf, n,
                                                      self._now(now_ms)),
                    "pushcore_push_service_receive")

    def receive_eof(self, conn: int, now_ms: int = 0) -> None:
        """The peer closed its side."""
        self._check(lib.pushcore_push_service_receive_eof(self._h(), self._conn(conn),
                                                          self._now(now_ms)),
                    "pushcore_push_service_receive_eof")

    def close(self, conn: int) -> None:
        """The host closed the socket: the id is forgotten. (free() frees the service.)"""
        self._check(lib.pushcore_push_service_close(self._h(), self._conn(conn)),
                    "pushcore_push_service_close")

    def output(self, conn: int) -> bytes:
        """A copy of the output waiting for the connection; consume() what was written."""
        data = _abi.BytesP()
        length = ctypes.c_size_t()
        self._check(lib.pushcore_push_service_output(self._h(), self._conn(conn),
                                                     ctypes.byref(data), ctypes.byref(length)),
                    "pushcore_push_service_output")
        return _borrowed(data, length.value)

    def consume(self, conn: int, n: int) -> None:
        """n bytes of output were written (at most what output() gave)."""
        self._check(lib.pushcore_push_service_consume(self._h(), self._conn(conn),
                                                      _uint("n", n, 64)),
                    "pushcore_push_service_consume")

    def drain(self, conn: int) -> bytes:
        """All the output waiting for the connection, consumed: for a host that writes it
        all (a blocking sendall, a test)."""
        out = self.output(conn)
        if out:
            self.consume(conn, len(out))
        return out

    def want_close(self, conn: int) -> bool:
        """True when the socket should be closed once its output is written."""
        return self._check(lib.pushcore_push_service_want_close(self._h(), self._conn(conn)),
                           "pushcore_push_service_want_close") == 1

    def ready(self):
        """Yields each connection that gained output since it was last reported."""
        while True:
            conn = ctypes.c_uint64()
            r = self._check(lib.pushcore_push_service_next_ready(self._h(), ctypes.byref(conn)),
                            "pushcore_push_service_next_ready")
            if r == 0:
                return
            yield conn.value

    # ---- timers and the store ----

    @property
    def next_deadline(self):
        """The earliest time (ms) on_timeout() has work, or None."""
        d = lib.pushcore_push_service_next_deadline(self._h())
        return None if d == _abi.NO_DEADLINE else d

    def on_timeout(self, now_ms: int) -> None:
        """Fires what is due at now_ms: expiries, idle connections."""
        self._check(lib.pushcore_push_service_on_timeout(self._h(), self._now(now_ms)),
                    "pushcore_push_service_on_timeout")

    def counts(self) -> Counts:
        """What is stored: subscriptions, messages, message body bytes."""
        subs = ctypes.c_uint64()
        msgs = ctypes.c_uint64()
        size = ctypes.c_uint64()
        self._check(lib.pushcore_push_service_counts(self._h(), ctypes.byref(subs),
                                                     ctypes.byref(msgs), ctypes.byref(size)),
                    "pushcore_push_service_counts")
        return Counts(subs.value, msgs.value, size.value)

    def __repr__(self):
        if not self._ptr:
            return "PushService(<freed>)"
        return f"PushService({self.counts()})"


__all__ = ["PushService", "HttpProtocol", "LogLevel", "Counts"]
