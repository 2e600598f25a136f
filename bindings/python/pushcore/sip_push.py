"""SIP push (draft-ietf-sipcore-sip-push-04, RFC 8599) over the C ABI of pushcore/sip_push.h.

Classes:
  Event             one event pulled from a UA or proxy, copied out of the C memory
  SipFramer         frames SIP messages out of a TCP/TLS byte stream
  PushParams        the pn-* parameters of a Contact, name-addr or SIP URI
  ProviderRegistry  the push providers a proxy supports
  SipUa             the UA machine (draft section 4)
  SipProxy          the proxy/registrar machine (draft section 5)
  build_555()       a 555 response to a REGISTER

Sans-IO as the library is: the host sends what outputs() returns, feeds what it receives
to receive(), and calls on_timeout(now) once now >= next_deadline. Times are the host's
monotonic milliseconds.

Every handle frees itself (close(), `with`, or garbage collection). A failing call raises
PushcoreError with the status name and number and, when the library gave one (the
handle's or the config's *_last_error), the reason and byte offset. Text handed to the
library must be str (encoded as UTF-8) or bytes without NUL bytes; text read back is
decoded as UTF-8 with "surrogateescape", so bytes a peer sent that are not UTF-8
survive: value.encode("utf-8", "surrogateescape") gives them back.
"""
import ctypes
import enum
import warnings
from collections import namedtuple

from . import PushcoreError, _common, lib
from . import _sip_push_abi as _abi
from ._abi import declare as _declare
from ._common import E_INVALID_ARGUMENT as _E_INVALID_ARGUMENT
from ._common import LastError, borrowed as _borrowed, fail as _raise, in_bytes as _in_bytes
from ._common import text as _text

_declare(lib, _abi)  # AttributeError in a library built without PUSHCORE_WITH_SIP_PUSH

_E_BUFFER_TOO_SMALL = -3
_E_INTERNAL = -300


class EventType(enum.IntEnum):
    UA_REGISTERED = _abi.EVENT_UA_REGISTERED
    UA_REGISTRATION_FAILED = _abi.EVENT_UA_REGISTRATION_FAILED
    UA_UNREGISTERED = _abi.EVENT_UA_UNREGISTERED
    PROXY_PUSH_REQUEST = _abi.EVENT_PROXY_PUSH_REQUEST
    PROXY_BINDING_UPDATED = _abi.EVENT_PROXY_BINDING_UPDATED
    PROXY_BINDING_REMOVED = _abi.EVENT_PROXY_BINDING_REMOVED
    PROXY_REQUEST_REJECTED = _abi.EVENT_PROXY_REQUEST_REJECTED


class PushReason(enum.IntEnum):
    REQUEST = _abi.PUSH_REASON_REQUEST        # a request waits for the UA
    REREGISTER = _abi.PUSH_REASON_REREGISTER  # the binding expires soon (RFC 8599)


class Need(enum.IntEnum):
    REQUIRED = _abi.NEED_REQUIRED
    OPTIONAL = _abi.NEED_OPTIONAL
    UNUSED = _abi.NEED_UNUSED


class Format(enum.IntEnum):
    ANY = _abi.FORMAT_ANY
    HEX = _abi.FORMAT_HEX
    APNS_APP_ID = _abi.FORMAT_APNS_APP_ID
    HTTPS_URI = _abi.FORMAT_HTTPS_URI


class UaState(enum.IntEnum):
    IDLE = _abi.UA_STATE_IDLE
    REGISTERING = _abi.UA_STATE_REGISTERING
    REGISTERED = _abi.UA_STATE_REGISTERED
    UNREGISTERING = _abi.UA_STATE_UNREGISTERING


class PnsStyle(enum.IntEnum):
    SINGLE = 0  # RFC 8599: one Feature-Caps value per provider
    LIST = 1    # the draft's comma-separated list


Output = namedtuple("Output", "data flow host port")


# ---- conversions ------------------------------------------------------------------------

def _cstr(name: str, value, allow_none: bool = False):
    """str or bytes -> bytes for a NUL-terminated `const char*` parameter."""
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{name} is required")
    value = _common.encode_text(name, value)
    if b"\0" in value:
        raise PushcoreError(_E_INVALID_ARGUMENT, f"{name} contains a NUL byte")
    return value


def _uint(name: str, value, bits: int) -> int:
    """An int that fits the C parameter (a bool is taken as 0 or 1 here)."""
    return _common.uint(name, value, bits, allow_bool=True)


# ---- handles ----------------------------------------------------------------------------

class _Authorizer(_common.Callback):
    """Wraps a Python authorizer as a pushcore_sip_auth_fn (RFC 3261 22). fn(request:
    bytes) returns None or 0 to accept, 403 to refuse, or (401, challenge) / (407,
    challenge) to challenge with that WWW-/Proxy-Authenticate value. Anything else, or an
    exception, refuses the request with 403 (fail closed); the exception is kept and
    raised by the SipProxy.receive() call that ran the authorizer."""

    cfunctype = _abi.AUTH_FN
    usage = ("authorizer must be callable: authorizer(request) -> None, 403, "
             "(401, challenge) or (407, challenge)")
    on_error = 403

    def call(self, request, length, challenge, cap):
        verdict = self.fn(_borrowed(request, length))
        if verdict is None or (isinstance(verdict, int) and not isinstance(verdict, bool)
                               and verdict in (0, 403)):
            return int(verdict or 0)  # (False is no verdict: it does not accept)
        if not (isinstance(verdict, tuple) and len(verdict) == 2 and verdict[0] in (401, 407)):
            raise TypeError(f"authorizer returned {verdict!r}; expected None, 0, 403, "
                            "(401, challenge) or (407, challenge)")
        code, text = verdict
        raw = _cstr("challenge", text)
        if b"\r" in raw or b"\n" in raw:
            raise ValueError("the challenge must not contain CR or LF")
        if len(raw) >= cap:
            raise ValueError(f"the challenge is {len(raw)} bytes; at most {cap - 1} fit")
        ctypes.memmove(challenge, raw + b"\0", len(raw) + 1)
        return int(code)


class _Handle(_common.OwnedHandle, release="close", released="closed"):
    """An owned C handle: freed once, by close(), `with`, or the garbage collector.

    A random source (SipUa, SipProxy) is called inside the handle's calls: its exception
    is chained to the PushcoreError of the call it broke, or reported as a RuntimeWarning
    by a call that succeeded without it."""

    _callbacks = ("_random", "_authorizer")
    _random = None
    _authorizer = None

    @staticmethod
    def _now(now_ms) -> int:
        return _uint("now_ms", now_ms, 64)

    def _check(self, status: int, function: str) -> int:
        """Returns a non-negative status; raises PushcoreError for a negative one, with
        the reason and offset the handle recorded for the call."""
        cause = _common.take_error(self._random)
        if cause is None:
            return super()._check(status, function)
        if status >= 0:  # the library went on without the bytes it asked for
            warnings.warn(f"{function} succeeded although the random source failed: "
                          f"{cause!r}", RuntimeWarning, stacklevel=3)
            return status
        _fail(status, function, *self._recorded(status), cause)


def _fail(status: int, function: str, detail: str, offset, cause=None):
    """Raises PushcoreError; an exception of the random source becomes its cause and
    part of its detail."""
    if cause is not None:
        why = f"the random source failed: {cause!r}"
        if not detail or status == _E_INTERNAL:  # the library's reason says no more
            detail, offset = why, None
        else:
            detail = f"{detail}; {why}"
    _raise(status, function, detail, offset, cause)


def _random_failed(rnd):
    """The on_error of _common.new_from_config for a handle whose random source is rnd
    (or None): what the random source raised is part of the failure."""
    return lambda status, function, detail, offset: _fail(
        status, function, detail, offset, rnd.error if rnd is not None else None)


# ---- events -----------------------------------------------------------------------------

_FIELD_NAMES = frozenset(name for name, _, _ in _abi.FIELDS)
_FIELD_BY_ID = {field: name for name, field, _ in _abi.FIELDS}


class Event:
    """One event: `type` (an EventType) and the fields it carries, in `fields` and as
    attributes (None when the event has not got the field). Copied out of the C memory
    when pulled, so it stays valid after later calls.

    Fields: code, reason, expires, push_supported (bool), pns (comma-separated
    providers), pnsreg (bool), pnsreg_seconds, pnspurr, vapid, binding_id, aor, contact,
    provider, prid, param, purr, push_reason (a PushReason). The fields are the ones the
    library lists for the event (pushcore_event_field_count/_at); one whose id this
    binding does not know (from a newer library) is kept in `fields` under its number."""

    def __init__(self, type, fields=None):
        self.type = type
        self.fields = dict(fields or {})

    @classmethod
    def _copy(cls, ev) -> "Event":
        raw_type = lib.pushcore_event_type(ev)
        try:
            etype = EventType(raw_type)
        except ValueError:  # a type newer than this binding
            etype = raw_type
        count = lib.pushcore_event_field_count(ev)
        if count < 0:
            _raise(count, "pushcore_event_field_count")
        fields = {}
        for i in range(count):
            field = ctypes.c_int32()
            kind = ctypes.c_int32()
            r = lib.pushcore_event_field_at(ev, i, ctypes.byref(field), ctypes.byref(kind))
            if r < 0:
                _raise(r, "pushcore_event_field_at")
            key = _FIELD_BY_ID.get(field.value, field.value)
            if kind.value == _abi.FIELD_KIND_STR:
                value = ctypes.c_char_p()
                length = ctypes.c_size_t()
                r = lib.pushcore_event_str(ev, field, ctypes.byref(value), ctypes.byref(length))
                if r < 0:
                    _raise(r, "pushcore_event_str")
                if r == 1:
                    fields[key] = _text(_borrowed(value, length.value))
            elif kind.value == _abi.FIELD_KIND_U64:
                value = ctypes.c_uint64()
                r = lib.pushcore_event_u64(ev, field, ctypes.byref(value))
                if r < 0:
                    _raise(r, "pushcore_event_u64")
                if r == 1:
                    fields[key] = value.value
            # A kind newer than this binding has no getter here: the field is skipped.
        for flag in ("push_supported", "pnsreg"):
            if isinstance(fields.get(flag), int):
                fields[flag] = bool(fields[flag])
        if isinstance(fields.get("push_reason"), int):
            try:
                fields["push_reason"] = PushReason(fields["push_reason"])
            except ValueError:
                pass
        return cls(etype, fields)

    def __getattr__(self, name):
        if name in _FIELD_NAMES:
            return self.__dict__.get("fields", {}).get(name)
        raise AttributeError(name)

    def __eq__(self, other):
        if not isinstance(other, Event):
            return NotImplemented
        return self.type == other.type and self.fields == other.fields

    def __repr__(self):
        name = self.type.name if isinstance(self.type, EventType) else self.type
        return f"Event({name}, {self.fields!r})"


def _drain_events(handle, next_event, function: str) -> list:
    events = []
    while True:
        ev = _abi.EventP()
        r = handle._check(next_event(handle._h(), ctypes.byref(ev)), function)
        if r == 0:
            return events
        events.append(Event._copy(ev))  # borrowed until the next call on the handle


# ---- framer -----------------------------------------------------------------------------

class SipFramer(_Handle):
    """Frames SIP messages out of a stream (TCP/TLS). Limits of 0 take the library's
    defaults (16 KiB of header, 64 header fields, 64 KiB of body)."""

    _last_error_fn = lib.pushcore_sip_framer_last_error

    def __init__(self, max_header_bytes: int = 0, max_headers: int = 0,
                 max_body_bytes: int = 0):
        ptr = _common.new_handle(
            lib.pushcore_sip_framer_new, _abi.FramerP,
            _uint("max_header_bytes", max_header_bytes, 64),
            _uint("max_headers", max_headers, 64), _uint("max_body_bytes", max_body_bytes, 64))
        self._adopt(ptr, lib.pushcore_sip_framer_free)

    def feed(self, data) -> list:
        """Takes the next bytes of the stream; returns the messages they complete. A
        broken stream raises, and stays broken: close the connection."""
        buf, n = _in_bytes("data", data)
        self._check(lib.pushcore_sip_framer_receive(self._h(), buf, n),
                    "pushcore_sip_framer_receive")
        return self._drain_bytes(lib.pushcore_sip_framer_next, "pushcore_sip_framer_next")

    def end(self) -> None:
        """The peer closed the stream: raises PUSHCORE_E_TRUNCATED if it stopped inside
        a message."""
        self._check(lib.pushcore_sip_framer_end(self._h()), "pushcore_sip_framer_end")


# ---- pn-* parameters and providers ----------------------------------------------------

class ProviderRegistry(_Handle):
    """The push providers a proxy supports; defaults=True starts with apns, fcm and
    webpush."""

    def __init__(self, defaults: bool = True):
        ptr = _common.new_handle(lib.pushcore_provider_registry_new, _abi.RegistryP,
                                 1 if defaults else 0)
        self._adopt(ptr, lib.pushcore_provider_registry_free)

    def add(self, name: str, param_need: Need, param_format: Format = Format.ANY,
            prid_format: Format = Format.ANY) -> None:
        """Adds a provider: its pn-provider name, whether pn-param is needed, and the
        formats of pn-param and pn-prid. PUSHCORE_E_ALREADY_EXISTS for a known name."""
        status = lib.pushcore_provider_registry_add(
            self._h(), _cstr("name", name), _uint("param_need", param_need, 31),
            _uint("param_format", param_format, 31), _uint("prid_format", prid_format, 31))
        if status < 0:
            _raise(status, "pushcore_provider_registry_add",
                   f"name={name!r}, param_need={param_need!r}, param_format={param_format!r},"
                   f" prid_format={prid_format!r}")


class PushParams(_Handle):
    """The pn-* parameters of a Contact header value, a name-addr or a bare SIP URI.
    Values are decoded (escapes resolved, quotes removed); None when absent."""

    _last_error_fn = lib.pushcore_push_params_last_error

    def __init__(self):
        raise TypeError("use PushParams.parse(text)")

    @classmethod
    def parse(cls, text) -> "PushParams":
        """Parses `text` (str or bytes). A parse error raises PushcoreError with the
        reason and the byte offset in the UTF-8 text."""
        raw = _common.encode_text("text", text)
        self = cls.__new__(cls)
        ptr = _abi.ParamsP()
        status = lib.pushcore_push_params_parse(ctypes.byref(ptr), raw, len(raw))
        if ptr:
            self._adopt(ptr, lib.pushcore_push_params_free)  # created even on failure
        try:
            self._check(status, "pushcore_push_params_parse")
        except PushcoreError:
            self.close()
            raise
        return self

    def _get(self, which: int):
        value = ctypes.c_char_p()
        length = ctypes.c_size_t()
        r = self._check(lib.pushcore_push_params_get(self._h(), which, ctypes.byref(value),
                                                     ctypes.byref(length)),
                        "pushcore_push_params_get")
        return _text(_borrowed(value, length.value)) if r == 1 else None

    provider = property(lambda self: self._get(_abi.PN_PROVIDER), doc="pn-provider")
    param = property(lambda self: self._get(_abi.PN_PARAM), doc="pn-param")
    prid = property(lambda self: self._get(_abi.PN_PRID), doc="pn-prid")
    purr = property(lambda self: self._get(_abi.PN_PURR), doc="pn-purr")
    enckey = property(lambda self: self._get(_abi.PN_ENCKEY), doc="pn-enckey")
    enccode = property(lambda self: self._get(_abi.PN_ENCCODE), doc="pn-enccode")

    @property
    def unknown(self) -> list:
        """The pn-* parameters this library does not know, as (name, value) pairs, decoded
        (a value may hold NUL bytes)."""
        count = self._check(lib.pushcore_push_params_unknown_count(self._h()),
                            "pushcore_push_params_unknown_count")
        pairs = []
        for i in range(count):
            name = ctypes.c_char_p()
            name_len = ctypes.c_size_t()
            value = ctypes.c_char_p()
            value_len = ctypes.c_size_t()
            self._check(lib.pushcore_push_params_unknown_get(
                self._h(), i, ctypes.byref(name), ctypes.byref(name_len), ctypes.byref(value),
                ctypes.byref(value_len)), "pushcore_push_params_unknown_get")
            pairs.append((_text(_borrowed(name, name_len.value)),
                          _text(_borrowed(value, value_len.value))))
        return pairs

    def validate(self, registry: ProviderRegistry) -> None:
        """Checks the parameters against a registry (draft 5.3). Raises PushcoreError
        PUSHCORE_E_PUSH_INFO_MISSING, _PUSH_INFO_INVALID or _PUSH_PROVIDER_UNSUPPORTED,
        its detail naming what is wrong."""
        if not isinstance(registry, ProviderRegistry):
            raise TypeError("registry must be a ProviderRegistry")
        self._check(lib.pushcore_push_params_validate(self._h(), registry._h()),
                    "pushcore_push_params_validate")

    def __repr__(self):
        if self.closed:
            return "PushParams(<closed>)"
        names = ("provider", "param", "prid", "purr", "enckey", "enccode")
        shown = {n: getattr(self, n) for n in names if getattr(self, n) is not None}
        if self.unknown:
            shown["unknown"] = self.unknown
        return f"PushParams({shown!r})"


# ---- the UA -----------------------------------------------------------------------------

class SipUa(_common.Timers, _Handle):
    """The UA side of SIP push (draft section 4): registers with the pn-* parameters,
    re-registers on every push notification and PRID change, stops push.

    aor ("sip:alice@example.com"), registrar (the REGISTER Request-URI), contact (the
    contact URI without pn-*), sent_by (Via "host:port") are required; transport
    defaults to "UDP", which retransmits; expires (default 3600 s) and refresh_margin
    (default 120 s); random(n) -> n bytes replaces the CSPRNG (for tests, or firmware)."""

    _last_error_fn = lib.pushcore_sip_ua_last_error
    _next_deadline_fn = lib.pushcore_sip_ua_next_deadline
    _on_timeout_fn = lib.pushcore_sip_ua_on_timeout

    _STR_KEYS = (("aor", _abi.UA_AOR), ("registrar", _abi.UA_REGISTRAR),
                 ("contact", _abi.UA_CONTACT), ("transport", _abi.UA_TRANSPORT),
                 ("sent_by", _abi.UA_SENT_BY), ("user_agent", _abi.UA_USER_AGENT))

    def __init__(self, *, aor, registrar, contact, sent_by, transport=None, user_agent=None,
                 expires=None, refresh_margin=None, random=None):
        settings = {"aor": aor, "registrar": registrar, "contact": contact,
                    "transport": transport, "sent_by": sent_by, "user_agent": user_agent}
        rnd = _common.RandomSource(random) if random is not None else None
        cfg = _common.new_handle(lib.pushcore_sip_ua_config_new, _abi.UaConfigP)

        def check(status, function, given):
            _common.check_setter(status, function, lib.pushcore_sip_ua_config_last_error, cfg,
                                 given)
        try:
            for name, key in self._STR_KEYS:
                value = settings[name]
                if value is not None:
                    check(lib.pushcore_sip_ua_config_set_str(cfg, key, _cstr(name, value)),
                          "pushcore_sip_ua_config_set_str", f"{name}={value!r}")
            if expires is not None or refresh_margin is not None:
                e = 3600 if expires is None else expires
                m = 120 if refresh_margin is None else refresh_margin
                check(lib.pushcore_sip_ua_config_set_expires(
                    cfg, _uint("expires", e, 32), _uint("refresh_margin", m, 32)),
                    "pushcore_sip_ua_config_set_expires", f"expires={e!r}, refresh_margin={m!r}")
            if rnd is not None:
                check(lib.pushcore_sip_ua_config_set_random(cfg, rnd.c_fn, None),
                      "pushcore_sip_ua_config_set_random", f"random={random!r}")
            ptr = _common.new_from_config(lib.pushcore_sip_ua_new, _abi.UaP, cfg,
                                          lib.pushcore_sip_ua_config_last_error,
                                          _random_failed(rnd))
        finally:
            lib.pushcore_sip_ua_config_free(cfg)
        self._random = rnd
        self._adopt(ptr, lib.pushcore_sip_ua_free)

    def start(self, provider=None, param=None, prid=None, now_ms: int = 0) -> None:
        """Registers; with a provider the REGISTER carries pn-provider, pn-prid (then
        required) and pn-param (optional)."""
        self._check(lib.pushcore_sip_ua_start(
            self._h(), _cstr("provider", provider, True), _cstr("param", param, True),
            _cstr("prid", prid, True), self._now(now_ms)), "pushcore_sip_ua_start")

    def on_push(self, now_ms: int = 0) -> None:
        """A push notification arrived: re-register (draft 4 MUST)."""
        self._check(lib.pushcore_sip_ua_on_push(self._h(), self._now(now_ms)),
                    "pushcore_sip_ua_on_push")

    def update_prid(self, prid, now_ms: int = 0) -> None:
        """The PNS gave a new PRID: re-register with it."""
        self._check(lib.pushcore_sip_ua_update_prid(self._h(), _cstr("prid", prid),
                                                    self._now(now_ms)),
                    "pushcore_sip_ua_update_prid")

    def stop_push(self, now_ms: int = 0) -> None:
        """Registers without push parameters (how a UA stops push, draft 4)."""
        self._check(lib.pushcore_sip_ua_stop_push(self._h(), self._now(now_ms)),
                    "pushcore_sip_ua_stop_push")

    def unregister(self, now_ms: int = 0) -> None:
        """Removes the registration (Expires: 0)."""
        self._check(lib.pushcore_sip_ua_unregister(self._h(), self._now(now_ms)),
                    "pushcore_sip_ua_unregister")

    def receive(self, data, now_ms: int = 0) -> None:
        """One complete SIP message from the registrar (a datagram or a framed message)."""
        buf, n = _in_bytes("data", data)
        self._check(lib.pushcore_sip_ua_receive(self._h(), buf, n, self._now(now_ms)),
                    "pushcore_sip_ua_receive")

    def outputs(self) -> list:
        """Drains the messages to send to the registrar, oldest first."""
        return self._drain_bytes(lib.pushcore_sip_ua_next_output, "pushcore_sip_ua_next_output")

    def events(self) -> list:
        """Drains the events, oldest first."""
        return _drain_events(self, lib.pushcore_sip_ua_next_event, "pushcore_sip_ua_next_event")

    @property
    def state(self) -> UaState:
        return UaState(self._check(lib.pushcore_sip_ua_state(self._h()),
                                   "pushcore_sip_ua_state"))


# ---- the proxy/registrar ------------------------------------------------------------

class SipProxy(_common.Timers, _Handle):
    """The proxy/registrar side of SIP push (draft section 5). Every keyword maps to a
    setter of pushcore_sip_proxy_config; omitted ones keep the library's default.

    via_transport, via_sent_by: our Via when forwarding (transport defaults to "UDP"
    when only via_sent_by is given); providers: a ProviderRegistry (copied; default
    apns, fcm, webpush); hold_timeout_ms, reregister_pushes, reregister_margin_s,
    pns_style (a PnsStyle), min_expires, max_expires, default_expires, max_bindings,
    max_held; forward_to=(host, port): forward REGISTERs it cannot serve instead of
    answering 555; random(n) -> n bytes; authorizer(request) -> None (accept), 403, or
    (401 or 407, challenge), called for every request but ACK and CANCEL."""

    _last_error_fn = lib.pushcore_sip_proxy_last_error
    _next_deadline_fn = lib.pushcore_sip_proxy_next_deadline
    _on_timeout_fn = lib.pushcore_sip_proxy_on_timeout

    _U64_KEYS = (("hold_timeout_ms", _abi.PROXY_HOLD_TIMEOUT_MS),
                 ("reregister_pushes", _abi.PROXY_REREGISTER_PUSHES),
                 ("reregister_margin_s", _abi.PROXY_REREGISTER_MARGIN_S),
                 ("pns_style", _abi.PROXY_PNS_STYLE),
                 ("min_expires", _abi.PROXY_MIN_EXPIRES),
                 ("max_expires", _abi.PROXY_MAX_EXPIRES),
                 ("default_expires", _abi.PROXY_DEFAULT_EXPIRES),
                 ("max_bindings", _abi.PROXY_MAX_BINDINGS),
                 ("max_held", _abi.PROXY_MAX_HELD))

    def __init__(self, *, via_transport=None, via_sent_by=None, providers=None,
                 hold_timeout_ms=None, reregister_pushes=None, reregister_margin_s=None,
                 pns_style=None, min_expires=None, max_expires=None, default_expires=None,
                 max_bindings=None, max_held=None, forward_to=None, random=None,
                 authorizer=None):
        numbers = {"hold_timeout_ms": hold_timeout_ms, "reregister_pushes": reregister_pushes,
                   "reregister_margin_s": reregister_margin_s, "pns_style": pns_style,
                   "min_expires": min_expires, "max_expires": max_expires,
                   "default_expires": default_expires, "max_bindings": max_bindings,
                   "max_held": max_held}
        if providers is not None and not isinstance(providers, ProviderRegistry):
            raise TypeError("providers must be a ProviderRegistry")
        rnd = _common.RandomSource(random) if random is not None else None
        auth = _Authorizer(authorizer) if authorizer is not None else None
        cfg = _common.new_handle(lib.pushcore_sip_proxy_config_new, _abi.ProxyConfigP)

        def check(status, function, given):
            _common.check_setter(status, function, lib.pushcore_sip_proxy_config_last_error,
                                 cfg, given)
        try:
            if via_transport is not None or via_sent_by is not None:
                if via_sent_by is None:
                    _raise(_E_INVALID_ARGUMENT, "pushcore_sip_proxy_config_set_via",
                           "via_transport needs via_sent_by")
                transport = "UDP" if via_transport is None else via_transport
                check(lib.pushcore_sip_proxy_config_set_via(
                    cfg, _cstr("via_transport", transport), _cstr("via_sent_by", via_sent_by)),
                    "pushcore_sip_proxy_config_set_via",
                    f"via_transport={transport!r}, via_sent_by={via_sent_by!r}")
            if providers is not None:
                check(lib.pushcore_sip_proxy_config_set_providers(cfg, providers._h()),
                      "pushcore_sip_proxy_config_set_providers", f"providers={providers!r}")
            for name, key in self._U64_KEYS:
                value = numbers[name]
                if value is not None:
                    check(lib.pushcore_sip_proxy_config_set_u64(cfg, key, _uint(name, value, 64)),
                          "pushcore_sip_proxy_config_set_u64", f"{name}={value!r}")
            if forward_to is not None:
                try:
                    host, port = forward_to
                except (TypeError, ValueError):
                    raise TypeError("forward_to must be a (host, port) pair") from None
                check(lib.pushcore_sip_proxy_config_set_forward(
                    cfg, _cstr("forward_to host", host), _uint("forward_to port", port, 16)),
                    "pushcore_sip_proxy_config_set_forward", f"forward_to={forward_to!r}")
            if rnd is not None:
                check(lib.pushcore_sip_proxy_config_set_random(cfg, rnd.c_fn, None),
                      "pushcore_sip_proxy_config_set_random", f"random={random!r}")
            if auth is not None:
                check(lib.pushcore_sip_proxy_config_set_authorizer(cfg, auth.c_fn, None),
                      "pushcore_sip_proxy_config_set_authorizer", f"authorizer={authorizer!r}")
            ptr = _common.new_from_config(lib.pushcore_sip_proxy_new, _abi.ProxyP, cfg,
                                          lib.pushcore_sip_proxy_config_last_error,
                                          _random_failed(rnd))
        finally:
            lib.pushcore_sip_proxy_config_free(cfg)
        self._random = rnd
        self._authorizer = auth  # the C proxy calls auth.c_fn: it lives as long as the handle
        self._adopt(ptr, lib.pushcore_sip_proxy_free)

    def receive(self, data, flow: int = 0, host: str = "", port: int = 0,
                now_ms: int = 0) -> None:
        """One complete SIP message from a peer: `flow` is the host's connection handle
        (0 for none), host and port the peer's transport address."""
        buf, n = _in_bytes("data", data)
        try:
            self._check(lib.pushcore_sip_proxy_receive(
                self._h(), _uint("flow", flow, 64), _cstr("host", host),
                _uint("port", port, 16), buf, n, self._now(now_ms)),
                "pushcore_sip_proxy_receive")
        finally:
            error = _common.take_error(self._authorizer)
            if error is not None:
                raise error  # the request was refused with 403 (in outputs())

    def push_failed(self, binding_id: int, now_ms: int = 0) -> None:
        """The push for this binding could not be delivered: its held requests get 480.
        PUSHCORE_E_NOT_FOUND when nothing is held for it."""
        self._check(lib.pushcore_sip_proxy_push_failed(
            self._h(), _uint("binding_id", binding_id, 64), self._now(now_ms)),
            "pushcore_sip_proxy_push_failed")

    def next_output(self):
        """The next message to send as Output(data, flow, host, port), or None: use the
        flow while it is open (0: none), else the address. If it cannot be sent, call
        output_failed() before asking for the next one."""
        data = _abi.BytesP()
        length = ctypes.c_size_t()
        flow = ctypes.c_uint64()
        host = ctypes.c_char_p()
        port = ctypes.c_uint16()
        r = self._check(lib.pushcore_sip_proxy_next_output(
            self._h(), ctypes.byref(data), ctypes.byref(length), ctypes.byref(flow),
            ctypes.byref(host), ctypes.byref(port)), "pushcore_sip_proxy_next_output")
        if r == 0:
            return None
        return Output(_borrowed(data, length.value), flow.value, _text(host.value or b""),
                      port.value)

    def outputs(self) -> list:
        """Drains the messages to send (see next_output)."""
        out = []
        while (o := self.next_output()) is not None:
            out.append(o)
        return out

    def output_failed(self, now_ms: int = 0) -> None:
        """The output next_output() gave last could not be sent: a forwarded request is
        rejected with 480 (draft 5.3). PUSHCORE_E_NOT_FOUND when it was not one."""
        self._check(lib.pushcore_sip_proxy_output_failed(self._h(), self._now(now_ms)),
                    "pushcore_sip_proxy_output_failed")

    def events(self) -> list:
        """Drains the events, oldest first."""
        return _drain_events(self, lib.pushcore_sip_proxy_next_event,
                             "pushcore_sip_proxy_next_event")

    @property
    def binding_count(self) -> int:
        return self._check(lib.pushcore_sip_proxy_binding_count(self._h()),
                           "pushcore_sip_proxy_binding_count")

    @property
    def held_count(self) -> int:
        return self._check(lib.pushcore_sip_proxy_held_count(self._h()),
                           "pushcore_sip_proxy_held_count")


# ---- 555 ---------------------------------------------------------------------------------

def build_555(request, registry: ProviderRegistry, style: PnsStyle = PnsStyle.SINGLE) -> bytes:
    """A 555 (Push Notification Service Not Supported) response to a REGISTER, whose
    Feature-Caps list the registry's providers in `style` (draft 7.1)."""
    if not isinstance(registry, ProviderRegistry):
        raise TypeError("registry must be a ProviderRegistry")
    buf, n = _in_bytes("request", request)
    style = _uint("style", style, 31)
    need = ctypes.c_size_t()
    status = lib.pushcore_sip_push_build_555(buf, n, registry._h(), style, None, 0,
                                             ctypes.byref(need))
    if status == 0:
        return b""
    if status != _E_BUFFER_TOO_SMALL:
        _raise(status, "pushcore_sip_push_build_555")
    out = (ctypes.c_uint8 * need.value)()
    written = ctypes.c_size_t()
    status = lib.pushcore_sip_push_build_555(buf, n, registry._h(), style, out, need.value,
                                             ctypes.byref(written))
    if status < 0:
        _raise(status, "pushcore_sip_push_build_555")
    return bytes(out[:written.value])


__all__ = ["Event", "EventType", "PushReason", "Need", "Format", "UaState", "PnsStyle",
           "LastError", "Output", "SipFramer", "PushParams", "ProviderRegistry", "SipUa",
           "SipProxy", "build_555"]
