"""What the module bindings (sip_push.py, web_push.py) share at run time: argument
conversions, copies out of borrowed C memory, reading a handle's or a config's
*_last_error into the detail of a PushcoreError, the callback adapters' bridge into C,
and the life of an owned C handle.

Each module binding imports this and keeps only its own specifics; nothing here names a
function of one module, so either module works in a library built without the other.
"""
import ctypes
from collections import namedtuple

from . import PushcoreError, lib
from ._abi import NO_DEADLINE, RANDOM_FN, BytesP

E_INVALID_ARGUMENT = -1  # PUSHCORE_E_INVALID_ARGUMENT

LastError = namedtuple("LastError", "status name reason offset")


# ---- conversions ------------------------------------------------------------------------

def text(raw: bytes) -> str:
    """Text read back from the library: UTF-8, with bytes that are not kept as surrogates
    (value.encode("utf-8", "surrogateescape") gives them back)."""
    return raw.decode("utf-8", "surrogateescape")


def encode_text(name: str, value) -> bytes:
    """str (encoded as UTF-8) or bytes -> bytes for the library."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")


def _fitting_int(name: str, value, allow_bool: bool) -> int:
    if not isinstance(value, int) or (isinstance(value, bool) and not allow_bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return int(value)


def uint(name: str, value, bits: int, allow_bool: bool = False) -> int:
    """An int that fits a uintN_t parameter: ctypes would silently wrap one that does not."""
    number = _fitting_int(name, value, allow_bool)
    if not 0 <= number < 1 << bits:
        raise PushcoreError(E_INVALID_ARGUMENT, f"{name}={value} does not fit uint{bits}_t")
    return number


def sint(name: str, value, bits: int) -> int:
    """An int that fits an intN_t parameter."""
    number = _fitting_int(name, value, False)
    if not -(1 << (bits - 1)) <= number < 1 << (bits - 1):
        raise PushcoreError(E_INVALID_ARGUMENT, f"{name}={value} does not fit int{bits}_t")
    return number


def in_bytes(name: str, data):
    """bytes-like -> (POINTER(c_uint8) argument, length). The copy lives for the call."""
    if isinstance(data, str) or not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}")
    data = memoryview(data).cast("B")
    if not data.nbytes:
        return None, 0
    return (ctypes.c_uint8 * data.nbytes).from_buffer_copy(data), data.nbytes


def borrowed(ptr, length: int) -> bytes:
    """Copies `length` bytes out of C memory that is only borrowed."""
    if not length:
        return b""
    return ctypes.string_at(ctypes.cast(ptr, ctypes.c_void_p).value, length)


def out_bytes(fn, *args):
    """Calls fn(*args, &data, &length), the C shape of an output of borrowed bytes, and
    returns (status, a copy of the bytes): the C memory is valid only until the next call."""
    data = BytesP()
    length = ctypes.c_size_t()
    status = fn(*args, ctypes.byref(data), ctypes.byref(length))
    return status, borrowed(data, length.value) if status >= 0 else b""


def deadline(value: int):
    """A *_next_deadline result: None for PUSHCORE_NO_DEADLINE."""
    return None if value == NO_DEADLINE else value


# ---- errors -------------------------------------------------------------------------------

def fail(status: int, function: str, detail: str = "", offset=None, cause=None):
    """Raises PushcoreError for `function`, from `cause` when one is given."""
    error = PushcoreError(status, detail, offset, function=function)
    if cause is None:
        raise error
    raise error from cause


def new_handle(new_fn, pointer_type, *args):
    """Calls new_fn(&ptr, *args), a *_new that records no reason (a config's, say), and
    returns ptr; raises PushcoreError for a negative status."""
    ptr = pointer_type()
    status = new_fn(ctypes.byref(ptr), *args)
    if status < 0:
        fail(status, new_fn.__name__)
    return ptr


def read_last_error(last_error_fn, handle) -> LastError:
    """What a *_last_error function recorded for a handle or a config."""
    reason = ctypes.c_char_p()
    offset = ctypes.c_size_t()
    status = last_error_fn(handle, ctypes.byref(reason), ctypes.byref(offset))
    return LastError(status, lib.pushcore_status_name(status).decode(),
                     text(reason.value or b""), offset.value)


def detail(status: int, recorded: LastError):
    """(detail, offset) for a call that failed with `status`, from what a *_last_error
    recorded for it: ("", None) when the record is of another status (a call that does
    not record) or holds only the status's generic message (the call gave no reason,
    and the offset 0 that comes with it points at nothing)."""
    if (recorded.status != status or not recorded.reason
            or recorded.reason == lib.pushcore_strerror(status).decode()):
        return "", None
    return recorded.reason, recorded.offset


def config_error(last_error_fn, cfg, status: int):
    """(detail, offset) from a config's last_error, for `status`: why a setter or the
    *_new that takes the config refused it."""
    return detail(status, read_last_error(last_error_fn, cfg))


def new_from_config(new_fn, pointer_type, cfg, config_last_error_fn, on_error=fail):
    """Calls new_fn(&ptr, cfg) and returns ptr. For a negative status calls
    on_error(status, function, detail, offset), which raises, with the reason the config
    recorded (which setting is wrong, and where in it)."""
    ptr = pointer_type()
    status = new_fn(ctypes.byref(ptr), cfg)
    if status < 0:
        on_error(status, new_fn.__name__, *config_error(config_last_error_fn, cfg, status))
    return ptr


def check_setter(status: int, function: str, last_error_fn, cfg, given: str) -> int:
    """Returns a config setter's non-negative status; for a negative one raises, naming
    what was given ("name=value") with the library's reason after it."""
    if status < 0:
        reason, _ = config_error(last_error_fn, cfg, status)  # setters parse no text
        fail(status, function, f"{given}: {reason}" if reason else given)
    return status


# ---- callbacks ----------------------------------------------------------------------------

class Callback:
    """Wraps a Python callable as a C callback of type `cfunctype`, as `c_fn`. The handle
    the C side gives c_fn to must keep this object (and so c_fn) alive.

    An exception must not unwind into C: one raised by call() is kept in `error` (the
    first or the latest, by keep_first_error) and C gets `on_error` back; the binding
    reports it after the C call returns (take_error())."""

    cfunctype = None
    usage = "the callback must be callable"  # the TypeError for one that is not
    on_error = None
    keep_first_error = False

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError(self.usage)
        self.fn = fn
        self.error = None
        self.c_fn = self.cfunctype(self._guarded)

    def call(self, *args):
        """The callback itself, given the C arguments after ctx."""
        raise NotImplementedError

    def _guarded(self, _ctx, *args):
        try:
            return self.call(*args)
        except BaseException as exc:  # must not unwind into C
            if self.error is None or not self.keep_first_error:
                self.error = exc
            return self.on_error

    def take_error(self):
        """The exception kept since the last take (None if none), forgotten."""
        error, self.error = self.error, None
        return error


class RandomSource(Callback):
    """Wraps `fn(n) -> n bytes` as a pushcore_random_fn. An exception in fn, or bytes of
    another length, fails the random source (C gets -1)."""

    cfunctype = RANDOM_FN
    usage = "random must be callable: random(n) -> n bytes"
    on_error = -1

    def call(self, out, n):
        data = bytes(self.fn(n))
        if len(data) != n:
            raise ValueError(f"random source gave {len(data)} bytes, {n} wanted")
        ctypes.memmove(out, data, n)
        return 0


def take_error(callback):
    """callback.take_error() for a callback that may be None."""
    return callback.take_error() if callback is not None else None


# ---- handles ----------------------------------------------------------------------------

class OwnedHandle:
    """An owned C handle, freed once: by _release(), at the end of a `with` block, or by
    the garbage collector. A subclass names the public forms of _release() and of the
    property telling it ran, as class keywords: `class X(OwnedHandle, release="close",
    released="closed")`. The callback adapters its C object calls are held in the
    attributes named by _callbacks, and let go only once that object is freed."""

    _ptr = None
    _free = None
    _last_error_fn = None  # the C *_last_error function, for handles that have one
    _callbacks = ()
    _released_as = "released"  # how _h() calls a released handle

    def __init_subclass__(cls, release: str = None, released: str = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if release:
            setattr(cls, release, cls._release)
        if released:
            setattr(cls, released, property(lambda self: not self._ptr,
                                            doc=f"True once {release}() ran."))
            cls._released_as = released

    def _adopt(self, ptr, free):
        self._free = free
        self._ptr = ptr

    def _release(self) -> None:
        """Frees the C object (and all that lives in it). Idempotent."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            self._free(ptr)
        for name in self._callbacks:  # only once the handle calling them is gone
            setattr(self, name, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._release()

    def __del__(self):
        try:
            self._release()
        except Exception:  # interpreter shutdown: nothing left to report to
            pass

    def _h(self):
        if not self._ptr:
            raise PushcoreError(E_INVALID_ARGUMENT,
                                f"{type(self).__name__} is {self._released_as}")
        return self._ptr

    def last_error(self) -> LastError:
        """(status, name, reason, offset) of the handle's last call that can fail:
        PUSHCORE_OK with an empty reason after one that succeeded."""
        return read_last_error(self._last_error_fn, self._h())

    def _recorded(self, status: int):
        """(detail, offset) the handle recorded for a call that failed with `status`."""
        if self._last_error_fn is None or not self._ptr:
            return "", None
        return detail(status, self.last_error())

    def _check(self, status: int, function: str) -> int:
        """Returns a non-negative status; raises PushcoreError for a negative one, with
        the reason and offset the handle recorded for the call."""
        if status < 0:
            fail(status, function, *self._recorded(status))
        return status

    def _drain_bytes(self, next_fn, function: str) -> list:
        """Calls next_fn(h, &data, &len) until it returns 0; copies each borrowed buffer."""
        out = []
        while True:
            status, data = out_bytes(next_fn, self._h())
            if self._check(status, function) == 0:
                return out
            out.append(data)


class Timers:
    """For an OwnedHandle with timers: set _next_deadline_fn and _on_timeout_fn to its
    *_next_deadline and *_on_timeout functions; _now(now_ms) converts the time."""

    _next_deadline_fn = None
    _on_timeout_fn = None

    @property
    def next_deadline(self):
        """The absolute time (ms) of the next timer, or None when none is armed."""
        return deadline(self._next_deadline_fn(self._h()))

    def on_timeout(self, now_ms: int) -> None:
        """Fires the timers due at now_ms (call it once now_ms >= next_deadline)."""
        self._check(self._on_timeout_fn(self._h(), self._now(now_ms)),
                    self._on_timeout_fn.__name__)
