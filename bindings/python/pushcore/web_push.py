"""The Web Push service (draft-damaggio-webpush-http2-00, RFC 8030) over the C ABI of
pushcore/web_push.h.

Classes:
  PushService    the push service: every connection the host accepted, the subscriptions
                 and messages (in memory, or in a store of the host's), the timers
  HttpProtocol   what a plaintext connection speaks (detected, or what ALPN chose)
  LogLevel       the level of a line given to the log callback
  StoreKind      the kinds of records a store of the host's keeps
  Counts         what the service stores: subscriptions, messages, bytes

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

from . import PushcoreError, _common, lib  # noqa: F401  (web_push.PushcoreError, as before)
from . import _web_push_abi as _abi
from ._abi import declare as _declare
from ._common import LastError  # noqa: F401  (web_push.LastError, as before)
from ._common import in_bytes as _in_bytes, uint as _uint

_declare(lib, _abi)  # AttributeError in a library built without PUSHCORE_WITH_WEB_PUSH


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


class StoreKind(enum.IntEnum):
    """The kinds of records PushService(store=...) keeps, each under a 16-byte key: a
    subscription under its id, a receipt subscription under its id, a message under its
    id (with its subscription's id as parent), and under each push resource's id the id
    of its subscription (the push index)."""
    SUBSCRIPTION = _abi.STORE_SUBSCRIPTION
    RECEIPT_SUBSCRIPTION = _abi.STORE_RECEIPT_SUBSCRIPTION
    MESSAGE = _abi.STORE_MESSAGE
    PUSH_INDEX = _abi.STORE_PUSH_INDEX


Counts = namedtuple("Counts", "subscriptions messages bytes")

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


# ---- callbacks ----------------------------------------------------------------------------

class _Log(_common.Callback):
    """Wraps `fn(level: LogLevel, line: str)` as a pushcore_log_fn. Logging never changes
    what the service does: the first exception in fn is reported as a RuntimeWarning by
    the call that ran it."""

    cfunctype = _abi.LOG_FN
    usage = "log must be callable: log(level, line)"
    keep_first_error = True

    def call(self, level, line, length):
        try:
            level = LogLevel(level)
        except ValueError:  # a level newer than this binding
            pass
        self.fn(level, _common.borrowed(line, length).decode("utf-8", "replace"))


_E_INTERNAL = -300          # PUSHCORE_E_INTERNAL
_E_BUFFER_TOO_SMALL = -3    # PUSHCORE_E_BUFFER_TOO_SMALL
_KEY = 16


def _kind(kind: int):
    try:
        return StoreKind(kind)
    except ValueError:  # a kind newer than this binding
        return kind


class _Store:
    """Bridges a store object (put, get, remove, children, count: see PushService) to the
    five callbacks of pushcore_push_service_config_set_store. An exception in a method
    must not unwind into C: the first one is kept in `error` (take_error()) and C gets
    its status (a PushcoreError's) or PUSHCORE_E_INTERNAL, which fails the request."""

    _METHODS = ("put", "get", "remove", "children", "count")

    def __init__(self, obj):
        missing = [name for name in self._METHODS if not callable(getattr(obj, name, None))]
        if missing:
            raise TypeError("store must have the methods put, get, remove, children and count "
                            f"(missing: {', '.join(missing)})")
        self.obj = obj
        self.error = None
        self._record = None  # the bytes of the latest get(), which C borrows until then
        self.c_put = _abi.STORE_PUT_FN(self._guarded(self._put))
        self.c_get = _abi.STORE_GET_FN(self._guarded(self._get))
        self.c_remove = _abi.STORE_REMOVE_FN(self._guarded(self._remove))
        self.c_children = _abi.STORE_CHILDREN_FN(self._guarded(self._children))
        self.c_count = _abi.STORE_COUNT_FN(self._guarded(self._count))

    def _guarded(self, method):
        def call(_ctx, *args):
            try:
                return method(*args)
            except BaseException as exc:  # must not unwind into C
                if self.error is None:
                    self.error = exc
                if isinstance(exc, PushcoreError) and exc.status < 0:
                    return exc.status
                return _E_INTERNAL
        return call

    def take_error(self):
        error, self.error = self.error, None
        return error

    def _put(self, kind, key, parent, record, length):
        self.obj.put(_kind(kind), _common.borrowed(key, _KEY),
                     _common.borrowed(parent, _KEY) if parent else None,
                     _common.borrowed(record, length))
        return 0

    def _get(self, kind, key, record, length):
        data = self.obj.get(_kind(kind), _common.borrowed(key, _KEY))
        if data is None:
            return 0
        data = bytes(data)
        self._record = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        record[0] = ctypes.cast(self._record, _abi.BytesP)
        length[0] = len(data)
        return 1

    def _remove(self, kind, key):
        self.obj.remove(_kind(kind), _common.borrowed(key, _KEY))
        return 0

    def _children(self, parent, keys, cap, count):
        found = [bytes(k) for k in self.obj.children(_common.borrowed(parent, _KEY))]
        if any(len(k) != _KEY for k in found):
            raise ValueError("store.children() must give 16-byte keys")
        count[0] = len(found)
        if len(found) > cap:
            return _E_BUFFER_TOO_SMALL  # the service asks again with room for all
        if found:
            ctypes.memmove(keys, b"".join(found), _KEY * len(found))
        return 0

    def _count(self, kind, count, size):
        records, total = self.obj.count(_kind(kind))
        count[0] = _uint("count", records, 64)
        size[0] = _uint("bytes", total, 64)
        return 0


# ---- the service ----------------------------------------------------------------------------

class PushService(_common.Timers, _common.OwnedHandle, release="free", released="freed"):
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
    tls_cert_pem and tls_key_pem (PEM text, for open_tls()), store (a store of the host's,
    below).

    Frees its C handle (and every connection in it) on free(), at the end of a `with`
    block, or when collected; freed tells it was. close(conn) closes one connection, as
    pushcore_push_service_close does. on_timeout(now_ms) fires what is due (expiries,
    idle connections) once now_ms >= next_deadline.

    The random source and the log callback are called inside the service's calls: an
    exception in either is reported as a RuntimeWarning by the call that ran it (a failed
    random source fails the request that needed it, with 500).

    store: an object that keeps the service's records (subscriptions, receipt
    subscriptions, unacknowledged messages) instead of memory, so that they outlive the
    service: a new PushService over the same store carries on. Records are opaque bytes
    (times in them are Unix ms, through wall_clock_offset_ms), keyed by a StoreKind and a
    16-byte key; its methods, called synchronously inside the service's calls:
      put(kind, key, parent, record)  keep record (bytes) under (kind, key), replacing one;
                                      parent: the subscription id (bytes) of a MESSAGE,
                                      else None
      get(kind, key) -> bytes | None  the record, or None when there is none
      remove(kind, key)               forget it (one that is not there: nothing to do)
      children(parent) -> [key, ...]  the keys of the MESSAGE records with that parent,
                                      oldest put first
      count(kind) -> (records, bytes) how many records of the kind, and their bytes in all
    A method that raises fails the request that needed it (the service answers 500, or 503
    for a PushcoreError with PUSHCORE_E_LIMIT_STORE, e.g. a full disk) and
    is reported as a RuntimeWarning by the call that ran it; the library is given the
    status of a PushcoreError raised there, else PUSHCORE_E_INTERNAL. With a store,
    counts().bytes and the byte limits count record bytes, not body bytes. The service
    keeps the store (and it, its methods) alive as long as its handle."""

    _last_error_fn = lib.pushcore_push_service_last_error
    _next_deadline_fn = lib.pushcore_push_service_next_deadline
    _on_timeout_fn = lib.pushcore_push_service_on_timeout
    _callbacks = ("_random", "_log", "_store")
    _random = None
    _log = None
    _store = None

    def __init__(self, *, base_url=None, subscribe_path=None, max_message_bytes=None,
                 subscription_lifetime_s=None, max_ttl_s=None, default_ttl_s=None,
                 rate_per_minute=None, rate_burst=None, max_messages_per_subscription=None,
                 max_bytes_per_subscription=None, max_messages_total=None,
                 max_bytes_total=None, max_subscriptions=None, max_header_bytes=None,
                 max_header_count=None, max_concurrent_streams=None, idle_timeout_ms=None,
                 gone_status=None, wall_clock_offset_ms=None, random=None, log=None,
                 log_level=None, tls_cert_pem=None, tls_key_pem=None, store=None):
        settings = {k: v for k, v in locals().items() if k != "self"}
        if (tls_cert_pem is None) != (tls_key_pem is None):
            raise TypeError("tls_cert_pem and tls_key_pem go together")
        rnd = _common.RandomSource(random) if random is not None else None
        logger = _Log(log) if log is not None else None
        host_store = _Store(store) if store is not None else None
        cfg = _common.new_handle(lib.pushcore_push_service_config_new, _abi.ConfigP)

        def check(status, function, given):  # the config says why; the argument comes first
            _common.check_setter(status, function, lib.pushcore_push_service_config_last_error,
                                 cfg, given)

        try:
            for name, setter in (("base_url", lib.pushcore_push_service_config_set_base_url),
                                 ("subscribe_path",
                                  lib.pushcore_push_service_config_set_subscribe_path)):
                if settings[name] is not None:
                    raw = _common.encode_text(name, settings[name])
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
                    cfg, _common.sint("gone_status", gone_status, 32)),
                    "pushcore_push_service_config_set_gone_status", f"gone_status={gone_status!r}")
            if wall_clock_offset_ms is not None:
                check(lib.pushcore_push_service_config_set_wall_clock_offset(
                    cfg, _common.sint("wall_clock_offset_ms", wall_clock_offset_ms, 64)),
                    "pushcore_push_service_config_set_wall_clock_offset",
                    f"wall_clock_offset_ms={wall_clock_offset_ms!r}")
            if rnd is not None:
                check(lib.pushcore_push_service_config_set_random(cfg, rnd.c_fn, None),
                      "pushcore_push_service_config_set_random", f"random={random!r}")
            if logger is not None:
                check(lib.pushcore_push_service_config_set_log(cfg, logger.c_fn, None),
                      "pushcore_push_service_config_set_log", f"log={log!r}")
            if log_level is not None:
                check(lib.pushcore_push_service_config_set_log_level(
                    cfg, _common.sint("log_level", log_level, 32)),
                    "pushcore_push_service_config_set_log_level", f"log_level={log_level!r}")
            if host_store is not None:
                check(lib.pushcore_push_service_config_set_store(
                    cfg, None, host_store.c_put, host_store.c_get, host_store.c_remove,
                    host_store.c_children, host_store.c_count),
                    "pushcore_push_service_config_set_store", f"store={store!r}")
            if tls_cert_pem is not None:
                cert = _common.encode_text("tls_cert_pem", tls_cert_pem)
                key = _common.encode_text("tls_key_pem", tls_key_pem)
                check(lib.pushcore_push_service_config_set_tls_pem(cfg, cert, len(cert), key,
                                                                   len(key)),
                      "pushcore_push_service_config_set_tls_pem", "tls_cert_pem, tls_key_pem")
            ptr = _common.new_from_config(
                lib.pushcore_push_service_new, _abi.ServiceP, cfg,
                lib.pushcore_push_service_config_last_error,
                # no offset: the settings are checked whole, not parsed
                lambda status, function, detail, _offset: _common.fail(status, function, detail))
        finally:
            lib.pushcore_push_service_config_free(cfg)
        # The C service calls these: they live as long as the handle.
        self._random = rnd
        self._log = logger
        self._store = host_store
        self._adopt(ptr, lib.pushcore_push_service_free)

    # ---- the handle ----

    def _check(self, status: int, function: str) -> int:
        """Returns a non-negative status; raises PushcoreError for a negative one with the
        reason the service recorded. A callback that raised is reported as a warning."""
        for callback, what in ((self._random, "random source"), (self._log, "log callback"),
                               (self._store, "store")):
            error = _common.take_error(callback)
            if error is not None:
                warnings.warn(f"{function}: the {what} raised {error!r}", RuntimeWarning,
                              stacklevel=3)
        return super()._check(status, function)

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
        status, data = _common.out_bytes(lib.pushcore_push_service_output, self._h(),
                                         self._conn(conn))
        self._check(status, "pushcore_push_service_output")
        return data

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

    # ---- the store (the timers: _common.Timers) ----

    def counts(self) -> Counts:
        """What is stored: subscriptions, messages, message body bytes (record bytes with a
        store of the host's)."""
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


__all__ = ["PushService", "HttpProtocol", "LogLevel", "StoreKind", "Counts"]
