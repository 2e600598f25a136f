"""The ua-profile grammar (draft-ietf-sipping-config-framework-08, RFC 6080) over the C ABI
of pushcore/ua_profile.h.

  parse_event(value) -> Event         an Event header field value; Event.check(method, form)
                                      gives the parameters the usage table ignores there
  build_event(...) -> str             an Event header field value from its parameters
  normalize_mac, parse_uuid, mac_to_uuid      device identifiers in canonical form
  parse_device_uri(uri) -> (DeviceId, deployed)
  build_device_uri, build_local_network_uri   SUBSCRIBE Request-URIs
  parse_notify_body(content_type, body) -> Parts (a list of IndirectPart / InlinePart)
  build_multipart(parts) -> (content_type, body)
  build_single(part, form) -> (content_type, body)   message/external-body or application/url

Failures raise UaProfileError (a PushcoreError) with the status, the reason the library
gave and the byte offset in the input where it found the problem.
"""
import ctypes
import enum
from collections import namedtuple

from . import PushcoreError, _common, lib
from . import _ua_profile_abi as _abi
from ._abi import declare as _declare
from ._common import encode_text as _encode, in_bytes as _in_bytes, text as _text

_declare(lib, _abi)  # AttributeError in a library built without PUSHCORE_WITH_UA_PROFILE


class ProfileType(enum.IntEnum):
    DEVICE = _abi.UA_PROFILE_DEVICE
    USER = _abi.UA_PROFILE_USER
    APPLICATION = _abi.UA_PROFILE_APPLICATION
    LOCAL_NETWORK = _abi.UA_PROFILE_LOCAL_NETWORK
    OTHER = _abi.UA_PROFILE_OTHER  # a token the package does not define


class Method(enum.IntEnum):
    SUBSCRIBE = _abi.UA_METHOD_SUBSCRIBE
    NOTIFY = _abi.UA_METHOD_NOTIFY


class Form(enum.IntEnum):
    """Whose rules apply: the draft's or RFC 6080's."""
    DRAFT08 = _abi.UA_FORM_DRAFT08
    RFC6080 = _abi.UA_FORM_RFC6080


class DeviceKind(enum.IntEnum):
    MAC = _abi.UA_DEVICE_MAC    # "MAC:" + 12 upper-case hex digits
    UUID = _abi.UA_DEVICE_UUID  # "urn:uuid:" + a lower-case UUID


class BodyForm(enum.IntEnum):
    MULTIPART = _abi.UA_BODY_MULTIPART
    EXTERNAL_BODY = _abi.UA_BODY_EXTERNAL_BODY
    URL = _abi.UA_BODY_URL
    INLINE = _abi.UA_BODY_INLINE


class PartKind(enum.IntEnum):
    INDIRECT = _abi.UA_PART_INDIRECT
    INLINE = _abi.UA_PART_INLINE


class UaProfileError(PushcoreError):
    """A ua-profile call failed: `reason` is what the library said (also `detail`),
    `offset` the byte offset in the input it is about (None when it gave no reason)."""

    @property
    def reason(self) -> str:
        return self.detail


def _fail(status: int, function: str, reason: str = "", offset=None):
    if not reason or reason == lib.pushcore_strerror(status).decode():
        reason, offset = "", None
    raise UaProfileError(status, reason, offset, function=function)


def _arg(name: str, value):
    """Text argument -> (bytes, length), None -> (None, 0)."""
    if value is None:
        return None, 0
    data = _encode(name, value)
    return data, len(data)


def _enum(kind, name: str, value):
    try:
        return kind(value)
    except ValueError:
        raise PushcoreError(_common.E_INVALID_ARGUMENT,
                            f"{name}={value!r} is not a {kind.__name__}") from None


def _read(ptr, length: int) -> str:
    """Text at a borrowed const char* of known length."""
    if not length:
        return ""
    return _text(ctypes.string_at(ctypes.cast(ptr, ctypes.c_void_p).value, length))


_abi_buffer_too_small = -3  # PUSHCORE_E_BUFFER_TOO_SMALL (core.h)


class _Handle(_common.OwnedHandle):
    """An owned handle whose failures raise UaProfileError."""

    def _check(self, status: int, function: str) -> int:
        if status < 0:
            _fail(status, function, *self._recorded(status))
        return status


# ---- the Event header field ------------------------------------------------------------

class Event(_Handle, release="close", released="closed"):
    """An Event header field value of the ua-profile package (draft 7.1-7.2). Its
    attributes read the C object: profile_type (ProfileType or None), profile_type_token,
    vendor, model, version, network_user (str or None), effective_by (int or None),
    unknown (a list of (name, value), value None for a parameter without '=')."""

    _last_error_fn = lib.pushcore_ua_event_last_error

    def __init__(self, ptr):
        self._adopt(ptr, lib.pushcore_ua_event_free)

    @property
    def profile_type(self):
        kind = ctypes.c_int32()
        if lib.pushcore_ua_event_profile_type(self._h(), ctypes.byref(kind), None, None) != 1:
            return None
        return ProfileType(kind.value)

    @property
    def profile_type_token(self):
        kind = ctypes.c_int32()
        token = ctypes.c_char_p()
        length = ctypes.c_size_t()
        if lib.pushcore_ua_event_profile_type(self._h(), ctypes.byref(kind), ctypes.byref(token),
                                              ctypes.byref(length)) != 1:
            return None
        return _read(token, length.value)

    def _text_param(self, which: int):
        value = ctypes.c_char_p()
        length = ctypes.c_size_t()
        status = lib.pushcore_ua_event_text(self._h(), which, ctypes.byref(value),
                                            ctypes.byref(length))
        self._check(status, "pushcore_ua_event_text")
        return _read(value, length.value) if status == 1 else None

    vendor = property(lambda self: self._text_param(_abi.UA_TEXT_VENDOR))
    model = property(lambda self: self._text_param(_abi.UA_TEXT_MODEL))
    version = property(lambda self: self._text_param(_abi.UA_TEXT_VERSION))
    network_user = property(lambda self: self._text_param(_abi.UA_TEXT_NETWORK_USER))

    @property
    def effective_by(self):
        seconds = ctypes.c_uint32()
        if lib.pushcore_ua_event_effective_by(self._h(), ctypes.byref(seconds)) != 1:
            return None
        return seconds.value

    @property
    def unknown(self) -> list:
        out = []
        for i in range(self._check(lib.pushcore_ua_event_unknown_count(self._h()),
                                   "pushcore_ua_event_unknown_count")):
            name, value = ctypes.c_char_p(), ctypes.c_char_p()
            name_len, value_len = ctypes.c_size_t(), ctypes.c_size_t()
            has_value = ctypes.c_int32()
            self._check(lib.pushcore_ua_event_unknown_get(
                self._h(), i, ctypes.byref(name), ctypes.byref(name_len), ctypes.byref(value),
                ctypes.byref(value_len), ctypes.byref(has_value)),
                "pushcore_ua_event_unknown_get")
            out.append((_read(name, name_len.value),
                        _read(value, value_len.value) if has_value.value else None))
        return out

    def check(self, method, form=Form.DRAFT08) -> list:
        """Applies the usage table of draft 7.2 (RFC 6080 5.2 with Form.RFC6080) for a
        request; returns the names of the parameters it gives no meaning there. Raises
        UaProfileError (PUSHCORE_E_MISSING_HEADER) for a SUBSCRIBE missing one."""
        method = _enum(Method, "method", method)
        form = _enum(Form, "form", form)
        self._check(lib.pushcore_ua_event_check(self._h(), method, form),
                    "pushcore_ua_event_check")
        out = []
        for i in range(lib.pushcore_ua_event_ignored_count(self._h())):
            name = ctypes.c_char_p()
            self._check(lib.pushcore_ua_event_ignored_at(self._h(), i, ctypes.byref(name)),
                        "pushcore_ua_event_ignored_at")
            out.append(name.value.decode())
        return out

    def set(self, **params) -> "Event":
        """Sets parameters by name (profile_type, profile_type_token, vendor, model,
        version, network_user, effective_by); None removes one. Returns self."""
        if "profile_type" in params or "profile_type_token" in params:
            kind = params.pop("profile_type", None)
            token = params.pop("profile_type_token", None)
            if kind is None and token is not None:
                kind = ProfileType.OTHER
            kind = 0 if kind is None else _enum(ProfileType, "profile_type", kind)
            data, length = _arg("profile_type_token", token)
            self._check(lib.pushcore_ua_event_set_profile_type(self._h(), kind, data, length),
                        "pushcore_ua_event_set_profile_type")
        if "effective_by" in params:
            seconds = params.pop("effective_by")
            present = seconds is not None
            seconds = _common.uint("effective_by", seconds, 32) if present else 0
            self._check(lib.pushcore_ua_event_set_effective_by(self._h(), int(present), seconds),
                        "pushcore_ua_event_set_effective_by")
        for name, value in params.items():
            which = _TEXT_PARAMS.get(name)
            if which is None:
                raise TypeError(f"unknown Event parameter {name!r}")
            data, length = _arg(name, value)
            self._check(lib.pushcore_ua_event_set_text(self._h(), which, data, length),
                        "pushcore_ua_event_set_text")
        return self

    def build(self) -> str:
        """The Event header field value ("ua-profile;profile-type=device;...")."""
        needed = ctypes.c_size_t()
        status = lib.pushcore_ua_event_build(self._h(), None, 0, ctypes.byref(needed))
        if status != _abi_buffer_too_small:
            self._check(status, "pushcore_ua_event_build")
        buf = ctypes.create_string_buffer(needed.value)
        self._check(lib.pushcore_ua_event_build(self._h(), buf, needed.value,
                                                ctypes.byref(needed)),
                    "pushcore_ua_event_build")
        return _text(buf.raw[:needed.value])

    def __repr__(self):
        if self.closed:
            return "Event(closed)"
        return f"Event({self.build()!r})"


_TEXT_PARAMS = {"vendor": _abi.UA_TEXT_VENDOR, "model": _abi.UA_TEXT_MODEL,
                "version": _abi.UA_TEXT_VERSION, "network_user": _abi.UA_TEXT_NETWORK_USER}


def parse_event(value) -> Event:
    """Parses an Event header field value. Raises UaProfileError: PUSHCORE_E_NOT_FOUND for
    another event package, PUSHCORE_E_SYNTAX / PUSHCORE_E_BAD_ESCAPE with the reason and the
    byte offset in value."""
    data, length = _arg("value", value)
    ptr = _abi.EventP()
    status = lib.pushcore_ua_event_parse(ctypes.byref(ptr), data, length)
    event = Event(ptr) if ptr else None
    if status < 0:
        recorded = event.last_error() if event is not None else None
        if event is not None:
            event.close()
        if recorded is None:
            _fail(status, "pushcore_ua_event_parse")
        _fail(status, "pushcore_ua_event_parse", recorded.reason, recorded.offset)
    return event


def new_event() -> Event:
    """An empty Event, to fill with Event.set()."""
    return Event(_common.new_handle(lib.pushcore_ua_event_new, _abi.EventP))


def build_event(profile_type=None, *, profile_type_token=None, vendor=None, model=None,
                version=None, network_user=None, effective_by=None) -> str:
    """An Event header field value from its parameters (None leaves one out)."""
    with new_event() as event:
        event.set(profile_type=profile_type, profile_type_token=profile_type_token,
                  vendor=vendor, model=model, version=version, network_user=network_user,
                  effective_by=effective_by)
        return event.build()


# ---- device identifiers -------------------------------------------------------------------

DeviceId = namedtuple("DeviceId", "kind canonical host")
DeviceId.__doc__ = """A device identifier read from a Request-URI: kind (DeviceKind), its
canonical text, and the URI's host (None for a user part)."""


def _device_call(fn, *args, extra=()):
    """Calls a device-id function twice: to size the output, then to write it."""
    needed = ctypes.c_size_t()
    reason = ctypes.c_char_p()
    offset = ctypes.c_size_t()

    def call(buf, cap):
        return fn(*args, buf, cap, ctypes.byref(needed), *extra, ctypes.byref(reason),
                  ctypes.byref(offset))

    status = call(None, 0)
    if status == _abi_buffer_too_small:
        buf = ctypes.create_string_buffer(needed.value)
        status = call(buf, needed.value)
    else:
        buf = ctypes.create_string_buffer(1)
    if status < 0:
        _fail(status, fn.__name__, _text(reason.value or b""), offset.value)
    return _text(buf.raw[:needed.value])


def normalize_mac(mac) -> str:
    """A MAC address in any usual form -> "MAC:" + 12 upper-case hex digits."""
    return _device_call(lib.pushcore_ua_device_id_normalize_mac, *_arg("mac", mac))


def parse_uuid(urn) -> str:
    """A UUID URN (any case) -> its canonical lower-case form."""
    return _device_call(lib.pushcore_ua_device_id_parse_uuid, *_arg("urn", urn))


def mac_to_uuid(mac) -> str:
    """A MAC address -> the version-1 UUID URN whose node is the MAC (RFC 6080)."""
    return _device_call(lib.pushcore_ua_device_id_mac_to_uuid, *_arg("mac", mac))


def parse_device_uri(uri, user_part: bool = False):
    """Reads the device identifier of a SUBSCRIBE Request-URI (or, with user_part=True, of
    a user part as escaped in a URI). Returns (DeviceId, deployed): deployed is True when
    the URI used a deployed variant rather than the draft's form."""
    data, length = _arg("uri", uri)
    kind, deployed = ctypes.c_int32(), ctypes.c_int32()
    host_at, host_len = ctypes.c_size_t(), ctypes.c_size_t()
    canonical = _device_call(lib.pushcore_ua_device_id_parse_uri, data, length,
                             int(bool(user_part)),
                             extra=(ctypes.byref(kind), ctypes.byref(deployed),
                                    ctypes.byref(host_at), ctypes.byref(host_len)))
    host = None if user_part else _text(data[host_at.value:host_at.value + host_len.value])
    return DeviceId(DeviceKind(kind.value), canonical, host), bool(deployed.value)


def _id_text(device_id):
    return device_id.canonical if isinstance(device_id, DeviceId) else device_id


def build_device_uri(device_id, host, form=Form.DRAFT08) -> str:
    """The device SUBSCRIBE Request-URI "sip:<escaped id>@<host>" (draft 7.13.1); with
    Form.RFC6080 a MAC is written as its UUID. device_id: a MAC, a UUID URN or a DeviceId."""
    form = _enum(Form, "form", form)
    return _device_call(lib.pushcore_ua_device_id_build_uri,
                        *_arg("device_id", _id_text(device_id)), *_arg("host", host), form)


def build_local_network_uri(device_id, domain, form=Form.DRAFT08) -> str:
    """The local-network SUBSCRIBE Request-URI at the local domain (draft 7.13.3), or at
    "_sipuaconfig." + the domain in RFC 6080's form."""
    form = _enum(Form, "form", form)
    return _device_call(lib.pushcore_ua_device_id_build_local_network_uri,
                        *_arg("device_id", _id_text(device_id)), *_arg("domain", domain),
                        form)


# ---- NOTIFY bodies --------------------------------------------------------------------------

IndirectPart = namedtuple(
    "IndirectPart", "url content_type content_id expiration size hash access_type offset",
    defaults=(None, None, None, None, None))
IndirectPart.__doc__ = """A profile by reference (a message/external-body part, or an
application/url body): url, the profile's content_type and content_id (required to build),
expiration, size, hash (SHA-1 hex), access_type and offset (set by parsing) or None."""

InlinePart = namedtuple("InlinePart", "body content_type content_id offset",
                        defaults=(None, None, None))
InlinePart.__doc__ = """A profile carried in the body: its bytes, content_type and
content_id (or None), and where the part starts in the parsed body (offset)."""


class Parts(list):
    """The parts of a parsed NOTIFY body; `form` is the BodyForm the body had."""
    form = None


class _Body(_Handle):
    _last_error_fn = lib.pushcore_ua_body_last_error

    def __init__(self, ptr):
        self._adopt(ptr, lib.pushcore_ua_body_free)

    def field(self, i: int, field: int):
        value = ctypes.c_char_p()
        length = ctypes.c_size_t()
        status = lib.pushcore_ua_body_part_str(self._h(), i, field, ctypes.byref(value),
                                               ctypes.byref(length))
        self._check(status, "pushcore_ua_body_part_str")
        return _read(value, length.value) if status == 1 else None

    def part(self, i: int):
        kind, offset = ctypes.c_int32(), ctypes.c_size_t()
        self._check(lib.pushcore_ua_body_part_kind(self._h(), i, ctypes.byref(kind),
                                                   ctypes.byref(offset)),
                    "pushcore_ua_body_part_kind")
        content_type = self.field(i, _abi.UA_FIELD_CONTENT_TYPE)
        content_id = self.field(i, _abi.UA_FIELD_CONTENT_ID)
        if kind.value == _abi.UA_PART_INLINE:
            status, data = _common.out_bytes(lib.pushcore_ua_body_part_data, self._h(), i)
            self._check(status, "pushcore_ua_body_part_data")
            return InlinePart(data, content_type, content_id, offset.value)
        size = ctypes.c_uint64()
        has_size = self._check(lib.pushcore_ua_body_part_size(self._h(), i, ctypes.byref(size)),
                               "pushcore_ua_body_part_size")
        return IndirectPart(self.field(i, _abi.UA_FIELD_URL), content_type, content_id,
                            self.field(i, _abi.UA_FIELD_EXPIRATION),
                            size.value if has_size == 1 else None,
                            self.field(i, _abi.UA_FIELD_HASH),
                            self.field(i, _abi.UA_FIELD_ACCESS_TYPE), offset.value)


def parse_notify_body(content_type, body, max_parts: int = 0,
                      max_header_bytes: int = 0) -> Parts:
    """Parses a NOTIFY body given its Content-Type value: multipart/mixed,
    message/external-body, application/url, or a profile inline. Returns Parts (a list of
    IndirectPart and InlinePart, with .form). Raises UaProfileError with the reason and the
    offset (into body, or into content_type for errors in it); limits of 0 take the
    library's defaults."""
    ct, ct_len = _arg("content_type", content_type)
    data, length = _in_bytes("body", body)
    ptr = _abi.BodyP()
    status = lib.pushcore_ua_body_parse(ctypes.byref(ptr), ct, ct_len, data, length,
                                        _common.uint("max_parts", max_parts, 64),
                                        _common.uint("max_header_bytes", max_header_bytes, 64))
    if not ptr:
        _fail(status, "pushcore_ua_body_parse")
    with _Body(ptr) as parsed:
        if status < 0:
            recorded = parsed.last_error()
            _fail(status, "pushcore_ua_body_parse", recorded.reason, recorded.offset)
        parts = Parts(parsed.part(i) for i in range(lib.pushcore_ua_body_part_count(ptr)))
        parts.form = BodyForm(lib.pushcore_ua_body_form(ptr))
        return parts


class _Builder(_Handle):
    _last_error_fn = lib.pushcore_ua_body_builder_last_error

    def __init__(self):
        self._adopt(_common.new_handle(lib.pushcore_ua_body_builder_new, _abi.BuilderP),
                    lib.pushcore_ua_body_builder_free)

    def add(self, part) -> None:
        if isinstance(part, IndirectPart):
            has_size = part.size is not None
            size = _common.uint("size", part.size, 64) if has_size else 0
            self._check(lib.pushcore_ua_body_builder_add_indirect(
                self._h(), *_arg("url", part.url), *_arg("content_type", part.content_type),
                *_arg("content_id", part.content_id), *_arg("expiration", part.expiration),
                int(has_size), size, *_arg("hash", part.hash)),
                "pushcore_ua_body_builder_add_indirect")
        elif isinstance(part, InlinePart):
            data, length = _in_bytes("body", part.body)
            self._check(lib.pushcore_ua_body_builder_add_inline(
                self._h(), *_arg("content_type", part.content_type),
                *_arg("content_id", part.content_id), data, length),
                "pushcore_ua_body_builder_add_inline")
        else:
            raise TypeError(f"a part must be an IndirectPart or an InlinePart, "
                            f"not {type(part).__name__}")

    def finish(self, form, boundary=None):
        if boundary is not None:
            self._check(lib.pushcore_ua_body_builder_set_boundary(
                self._h(), *_arg("boundary", boundary)), "pushcore_ua_body_builder_set_boundary")
        content_type = ctypes.c_char_p()
        content_type_len = ctypes.c_size_t()
        status, body = _common.out_bytes(lib.pushcore_ua_body_builder_finish, self._h(), form,
                                         ctypes.byref(content_type),
                                         ctypes.byref(content_type_len))
        self._check(status, "pushcore_ua_body_builder_finish")
        return _read(content_type, content_type_len.value), body


def build_multipart(parts, boundary=None):
    """A multipart/mixed NOTIFY body in the draft's 7.12 layout. Returns (content_type,
    body bytes); the boundary is chosen to occur in no part unless one is given."""
    with _Builder() as builder:
        for part in parts:
            builder.add(part)
        return builder.finish(BodyForm.MULTIPART, boundary)


def build_single(part: IndirectPart, form=BodyForm.EXTERNAL_BODY):
    """One indirect part as a message/external-body body (RFC 4483) or, with BodyForm.URL,
    an application/url body. Returns (content_type, body bytes)."""
    form = _enum(BodyForm, "form", form)
    with _Builder() as builder:
        builder.add(part)
        return builder.finish(form)


__all__ = ["ProfileType", "Method", "Form", "DeviceKind", "BodyForm", "PartKind",
           "UaProfileError", "Event", "parse_event", "new_event", "build_event", "DeviceId",
           "normalize_mac", "parse_uuid", "mac_to_uuid", "parse_device_uri",
           "build_device_uri", "build_local_network_uri", "IndirectPart", "InlinePart", "Parts",
           "parse_notify_body", "build_multipart", "build_single"]


# ---- the machines -------------------------------------------------------------------------

class MachineEventType(enum.IntEnum):
    NOTIFIER_SUBSCRIBED = _abi.EVENT_UA_NOTIFIER_SUBSCRIBED
    NOTIFIER_REFRESHED = _abi.EVENT_UA_NOTIFIER_REFRESHED
    NOTIFIER_TERMINATED = _abi.EVENT_UA_NOTIFIER_TERMINATED
    NOTIFIER_ENROLLED = _abi.EVENT_UA_NOTIFIER_ENROLLED
    NOTIFIER_ENROLLMENT_REFUSED = _abi.EVENT_UA_NOTIFIER_ENROLLMENT_REFUSED
    NOTIFIER_DEFAULT_USER = _abi.EVENT_UA_NOTIFIER_DEFAULT_USER
    SUBSCRIBER_SUBSCRIBED = _abi.EVENT_UA_SUBSCRIBER_SUBSCRIBED
    SUBSCRIBER_AUTH_REQUIRED = _abi.EVENT_UA_SUBSCRIBER_AUTH_REQUIRED
    SUBSCRIBER_FAILED = _abi.EVENT_UA_SUBSCRIBER_FAILED
    SUBSCRIBER_UNSUBSCRIBED = _abi.EVENT_UA_SUBSCRIBER_UNSUBSCRIBED
    SUBSCRIBER_TERMINATED = _abi.EVENT_UA_SUBSCRIBER_TERMINATED
    SUBSCRIBER_FETCH = _abi.EVENT_UA_SUBSCRIBER_FETCH
    SUBSCRIBER_PROFILE = _abi.EVENT_UA_SUBSCRIBER_PROFILE
    SUBSCRIBER_NO_PROFILE = _abi.EVENT_UA_SUBSCRIBER_NO_PROFILE
    SUBSCRIBER_APPLY_BY = _abi.EVENT_UA_SUBSCRIBER_APPLY_BY
    SUBSCRIBER_APPLY_WHEN_IDLE = _abi.EVENT_UA_SUBSCRIBER_APPLY_WHEN_IDLE
    SUBSCRIBER_PROFILE_READY = _abi.EVENT_UA_SUBSCRIBER_PROFILE_READY
    SUBSCRIBER_FETCH_FAILED = _abi.EVENT_UA_SUBSCRIBER_FETCH_FAILED
    SUBSCRIBER_APPLY_DUE = _abi.EVENT_UA_SUBSCRIBER_APPLY_DUE
    SUBSCRIBER_REFRESH_FAILED = _abi.EVENT_UA_SUBSCRIBER_REFRESH_FAILED
    DISCOVERY_SUBSCRIBE = _abi.EVENT_UA_DISCOVERY_SUBSCRIBE
    DISCOVERY_AUTHORIZATION_REQUIRED = _abi.EVENT_UA_DISCOVERY_AUTHORIZATION_REQUIRED
    DISCOVERY_PROFILE_UNAVAILABLE = _abi.EVENT_UA_DISCOVERY_PROFILE_UNAVAILABLE
    DISCOVERY_CANDIDATE_REJECTED = _abi.EVENT_UA_DISCOVERY_CANDIDATE_REJECTED
    DISCOVERY_PERSIST_DEVICE_URI = _abi.EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI
    DISCOVERY_MANUAL_ENTRY_REQUIRED = _abi.EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED
    DISCOVERY_USER_AOR_REQUIRED = _abi.EVENT_UA_DISCOVERY_USER_AOR_REQUIRED
    DISCOVERY_COMPLETE = _abi.EVENT_UA_DISCOVERY_COMPLETE


class EndReason(enum.IntEnum):
    UNSUBSCRIBED = _abi.UA_END_UNSUBSCRIBED
    TIMEOUT = _abi.UA_END_TIMEOUT
    NOTIFY_FAILED = _abi.UA_END_NOTIFY_FAILED
    NO_RESPONSE = _abi.UA_END_NO_RESPONSE
    BY_HOST = _abi.UA_END_BY_HOST


class Termination(enum.IntEnum):
    """Why the host ends a subscription (RFC 6665 4.1.3 reasons)."""
    DEACTIVATED = _abi.UA_TERMINATE_DEACTIVATED
    PROBATION = _abi.UA_TERMINATE_PROBATION
    REJECTED = _abi.UA_TERMINATE_REJECTED
    GIVEUP = _abi.UA_TERMINATE_GIVEUP
    NORESOURCE = _abi.UA_TERMINATE_NORESOURCE


class Refusal(enum.IntEnum):
    TOO_EARLY = _abi.UA_REFUSAL_TOO_EARLY
    TOO_LATE = _abi.UA_REFUSAL_TOO_LATE


class SubscriptionState(enum.IntEnum):
    ACTIVE = _abi.UA_SUB_ACTIVE
    NOTIFYING = _abi.UA_SUB_NOTIFYING
    TERMINATING = _abi.UA_SUB_TERMINATING


class HashCheck(enum.IntEnum):
    """What on_fetched found about an indirect profile's hash (RFC 4483)."""
    NOT_GIVEN = _abi.UA_HASH_NOT_GIVEN
    VERIFIED = _abi.UA_HASH_VERIFIED
    UNVERIFIABLE = _abi.UA_HASH_UNVERIFIABLE
    MISMATCH = _abi.UA_HASH_MISMATCH


class SubscriberState(enum.IntEnum):
    IDLE = _abi.UA_SUBSCRIBER_STATE_IDLE
    SUBSCRIBING = _abi.UA_SUBSCRIBER_STATE_SUBSCRIBING
    SUBSCRIBED = _abi.UA_SUBSCRIBER_STATE_SUBSCRIBED
    REFRESHING = _abi.UA_SUBSCRIBER_STATE_REFRESHING
    UNSUBSCRIBING = _abi.UA_SUBSCRIBER_STATE_UNSUBSCRIBING
    TERMINATED = _abi.UA_SUBSCRIBER_STATE_TERMINATED


class Source(enum.IntEnum):
    """Where a discovery attempt's Request-URI came from (draft 8.1)."""
    LOCAL_DOMAIN = _abi.UA_SOURCE_LOCAL_DOMAIN
    CACHED = _abi.UA_SOURCE_CACHED
    DHCP_SIP_SERVER = _abi.UA_SOURCE_DHCP_SIP_SERVER
    SIPUACONFIG = _abi.UA_SOURCE_SIPUACONFIG
    MANUAL = _abi.UA_SOURCE_MANUAL
    USER_AOR = _abi.UA_SOURCE_USER_AOR


class Outcome(enum.IntEnum):
    """What a discovery attempt came to, for UaDiscovery.report."""
    WITH_PROFILE = _abi.UA_OUTCOME_WITH_PROFILE
    WITHOUT_PROFILE = _abi.UA_OUTCOME_WITHOUT_PROFILE
    TIMEOUT = _abi.UA_OUTCOME_TIMEOUT
    FAILURE = _abi.UA_OUTCOME_FAILURE


class DiscoveryState(enum.IntEnum):
    IDLE = _abi.UA_DISCOVERY_STATE_IDLE
    LOCAL_NETWORK = _abi.UA_DISCOVERY_STATE_LOCAL_NETWORK
    DEVICE = _abi.UA_DISCOVERY_STATE_DEVICE
    DEVICE_ENROLLED = _abi.UA_DISCOVERY_STATE_DEVICE_ENROLLED
    MANUAL_ENTRY = _abi.UA_DISCOVERY_STATE_MANUAL_ENTRY
    AWAITING_USER_AOR = _abi.UA_DISCOVERY_STATE_AWAITING_USER_AOR
    USER = _abi.UA_DISCOVERY_STATE_USER
    APPLICATION = _abi.UA_DISCOVERY_STATE_APPLICATION
    DONE = _abi.UA_DISCOVERY_STATE_DONE


class SubState(enum.IntEnum):
    """The last NOTIFY's Subscription-State (RFC 3265 3.2.4)."""
    NONE = _abi.UA_SUBSTATE_NONE
    PENDING = _abi.UA_SUBSTATE_PENDING
    ACTIVE = _abi.UA_SUBSTATE_ACTIVE
    TERMINATED = _abi.UA_SUBSTATE_TERMINATED


_MACHINE_FIELD_BY_ID = {field: name for name, field in _abi.FIELDS}
_MACHINE_ENUMS = {"profile_type": ProfileType, "end_reason": EndReason, "refusal": Refusal,
                  "hash_check": HashCheck, "source": Source}
_MACHINE_BYTES = {"body"}  # str fields handed out as bytes

Output = namedtuple("Output", "data flow host port")
Profile = namedtuple("Profile", "url content_type content_id size hash expiration body",
                     defaults=(None, None, None, None, None, None, None))
Profile.__doc__ = """A lookup's answer: a profile by reference (url) and/or inline (body)."""


class MachineEvent:
    """One event of a ua-profile machine: `type` (a MachineEventType) and its fields, in
    `fields` and as attributes (None when absent): subscription, profile_type, identity,
    vendor, model, version, network_user, expires, known (bool), accepted (bool),
    end_reason (an EndReason), code, refusal (a Refusal); the subscriber's reason,
    challenge, retry_after, url, content_type, content_id, hash, size, body (bytes),
    apply_by (absolute ms), hash_check (a HashCheck); discovery's uri, source (a Source),
    host."""

    def __init__(self, type, fields=None):
        self.type = type
        self.fields = dict(fields or {})

    @classmethod
    def _copy(cls, ev) -> "MachineEvent":
        raw = lib.pushcore_event_type(ev)
        try:
            etype = MachineEventType(raw)
        except ValueError:
            etype = raw
        fields = {}
        for i in range(lib.pushcore_event_field_count(ev)):
            field, kind = ctypes.c_int32(), ctypes.c_int32()
            if lib.pushcore_event_field_at(ev, i, ctypes.byref(field), ctypes.byref(kind)) < 0:
                continue
            key = _MACHINE_FIELD_BY_ID.get(field.value, field.value)
            if kind.value == 1:  # PUSHCORE_FIELD_KIND_STR
                value, length = ctypes.c_char_p(), ctypes.c_size_t()
                if lib.pushcore_event_str(ev, field, ctypes.byref(value),
                                          ctypes.byref(length)) == 1:
                    if key in _MACHINE_BYTES:
                        fields[key] = _common.borrowed(value, length.value)
                    else:
                        fields[key] = _read(value, length.value)
            else:
                value = ctypes.c_uint64()
                if lib.pushcore_event_u64(ev, field, ctypes.byref(value)) == 1:
                    fields[key] = value.value
        for flag in ("known", "accepted"):
            if flag in fields:
                fields[flag] = bool(fields[flag])
        for name, kind in _MACHINE_ENUMS.items():
            if name in fields:
                try:
                    fields[name] = kind(fields[name])
                except ValueError:
                    pass
        return cls(etype, fields)

    def __getattr__(self, name):
        if name in _MACHINE_FIELD_BY_ID.values():
            return self.__dict__.get("fields", {}).get(name)
        raise AttributeError(name)

    def __repr__(self):
        name = self.type.name if isinstance(self.type, MachineEventType) else self.type
        return f"MachineEvent({name}, {self.fields!r})"


class _Lookup(_common.Callback):
    """Wraps lookup(profile_type, identity, query) -> Profile or None as a
    pushcore_ua_lookup_fn; `query` is a dict of vendor, model, version (None when absent).
    An exception counts as no profile and is raised by the call that ran the lookup."""

    cfunctype = _abi.LOOKUP_FN
    usage = "lookup must be callable: lookup(profile_type, identity, query) -> Profile or None"
    on_error = 0

    def call(self, profile_type, identity, length, answer):
        query = {}
        for name, which in (("vendor", _abi.UA_TEXT_VENDOR), ("model", _abi.UA_TEXT_MODEL),
                            ("version", _abi.UA_TEXT_VERSION)):
            value, n = ctypes.c_char_p(), ctypes.c_size_t()
            r = lib.pushcore_ua_profile_answer_query_text(answer, which, ctypes.byref(value),
                                                          ctypes.byref(n))
            query[name] = _read(value, n.value) if r == 1 else None
        try:
            ptype = ProfileType(profile_type)
        except ValueError:
            ptype = profile_type
        profile = self.fn(ptype, _text(identity[:length]), query)
        if profile is None:
            return 0
        for name, field in (("url", _abi.UA_FIELD_URL),
                            ("content_type", _abi.UA_FIELD_CONTENT_TYPE),
                            ("content_id", _abi.UA_FIELD_CONTENT_ID),
                            ("hash", _abi.UA_FIELD_HASH),
                            ("expiration", _abi.UA_FIELD_EXPIRATION)):
            value = getattr(profile, name)
            if value is not None:
                data, n = _arg(name, value)
                if lib.pushcore_ua_profile_answer_set_str(answer, field, data, n) < 0:
                    raise ValueError(f"profile {name}={value!r} refused")
        if profile.size is not None:
            lib.pushcore_ua_profile_answer_set_size(answer, _common.uint("size", profile.size, 64))
        if profile.body is not None:
            buf, n = _in_bytes("body", profile.body)
            lib.pushcore_ua_profile_answer_set_body(answer, buf, n)
        return 1


class _NetworkUserPolicy(_common.Callback):
    """Wraps policy(device, network_user) -> bool as a pushcore_ua_network_user_fn."""

    cfunctype = _abi.NETWORK_USER_FN
    usage = "network_user_policy must be callable: policy(device, network_user) -> bool"
    on_error = 0

    def call(self, device, device_len, user, user_len):
        return 1 if self.fn(_text(device[:device_len]), _text(user[:user_len])) else 0


class UaNotifier(_common.Timers, _Handle, release="close", released="closed"):
    """The ua-profile notifier, a profile delivery server (draft 7.4-7.7, 8.2, 10.4). Every
    keyword maps to a setter of pushcore_ua_notifier_config; omitted ones keep the
    library's default: contact, via_sent_by (the Via transport is the SUBSCRIBE's), form
    (a Form), accept_unknown, accept_application, accept_unknown_dialog, max_subscriptions,
    max_expected_devices, default_expires, min_expires, max_expires, notify_timeout_ms,
    random(n) -> n bytes, lookup(profile_type, identity, query) -> Profile or None,
    network_user_policy(device, network_user) -> bool."""

    _last_error_fn = lib.pushcore_ua_notifier_last_error
    _next_deadline_fn = lib.pushcore_ua_notifier_next_deadline
    _on_timeout_fn = lib.pushcore_ua_notifier_on_timeout
    _callbacks = ("_random", "_lookup", "_policy")
    _random = _lookup = _policy = None

    _U64_KEYS = (("accept_unknown", _abi.UA_NOTIFIER_ACCEPT_UNKNOWN),
                 ("accept_application", _abi.UA_NOTIFIER_ACCEPT_APPLICATION),
                 ("accept_unknown_dialog", _abi.UA_NOTIFIER_ACCEPT_UNKNOWN_DIALOG),
                 ("max_subscriptions", _abi.UA_NOTIFIER_MAX_SUBSCRIPTIONS),
                 ("max_expected_devices", _abi.UA_NOTIFIER_MAX_EXPECTED_DEVICES),
                 ("default_expires", _abi.UA_NOTIFIER_DEFAULT_EXPIRES),
                 ("min_expires", _abi.UA_NOTIFIER_MIN_EXPIRES),
                 ("max_expires", _abi.UA_NOTIFIER_MAX_EXPIRES),
                 ("notify_timeout_ms", _abi.UA_NOTIFIER_NOTIFY_TIMEOUT_MS))

    def __init__(self, *, contact=None, via_sent_by=None, form=None,
                 random=None, lookup=None, network_user_policy=None, **numbers):
        unknown = set(numbers) - {name for name, _ in self._U64_KEYS}
        if unknown:
            raise TypeError(f"unknown UaNotifier settings: {sorted(unknown)}")
        rnd = _common.RandomSource(random) if random is not None else None
        look = _Lookup(lookup) if lookup is not None else None
        pol = _NetworkUserPolicy(network_user_policy) if network_user_policy is not None else None
        cfg = _common.new_handle(lib.pushcore_ua_notifier_config_new, _abi.NotifierConfigP)

        def check(status, function, given):
            _common.check_setter(status, function, lib.pushcore_ua_notifier_config_last_error,
                                 cfg, given)
        try:
            if contact is not None:
                check(lib.pushcore_ua_notifier_config_set_contact(cfg, *_arg("contact", contact)),
                      "pushcore_ua_notifier_config_set_contact", f"contact={contact!r}")
            if via_sent_by is not None:
                check(lib.pushcore_ua_notifier_config_set_sent_by(
                    cfg, *_arg("via_sent_by", via_sent_by)),
                    "pushcore_ua_notifier_config_set_sent_by", f"via_sent_by={via_sent_by!r}")
            if form is not None:
                check(lib.pushcore_ua_notifier_config_set_form(cfg, _enum(Form, "form", form)),
                      "pushcore_ua_notifier_config_set_form", f"form={form!r}")
            for name, key in self._U64_KEYS:
                if numbers.get(name) is not None:
                    value = _common.uint(name, numbers[name], 64, allow_bool=True)
                    check(lib.pushcore_ua_notifier_config_set_u64(cfg, key, value),
                          "pushcore_ua_notifier_config_set_u64", f"{name}={numbers[name]!r}")
            if rnd is not None:
                check(lib.pushcore_ua_notifier_config_set_random(cfg, rnd.c_fn, None),
                      "pushcore_ua_notifier_config_set_random", f"random={random!r}")
            if look is not None:
                check(lib.pushcore_ua_notifier_config_set_lookup(cfg, look.c_fn, None),
                      "pushcore_ua_notifier_config_set_lookup", f"lookup={lookup!r}")
            if pol is not None:
                check(lib.pushcore_ua_notifier_config_set_network_user_policy(cfg, pol.c_fn, None),
                      "pushcore_ua_notifier_config_set_network_user_policy",
                      f"network_user_policy={network_user_policy!r}")
            ptr = _common.new_from_config(lib.pushcore_ua_notifier_new, _abi.NotifierP, cfg,
                                          lib.pushcore_ua_notifier_config_last_error, _fail)
        finally:
            lib.pushcore_ua_notifier_config_free(cfg)
        self._random, self._lookup, self._policy = rnd, look, pol
        self._adopt(ptr, lib.pushcore_ua_notifier_free)

    @staticmethod
    def _now(now_ms) -> int:
        return _common.uint("now_ms", now_ms, 64)

    def _check(self, status: int, function: str) -> int:
        for cb in (self._random, self._lookup, self._policy):
            error = _common.take_error(cb)
            if error is not None:
                raise error
        return super()._check(status, function)

    def receive(self, data, flow: int = 0, host: str = "", port: int = 0,
                now_ms: int = 0) -> None:
        """One complete SIP message from a peer (flow: the host's connection, 0 none)."""
        buf, n = _in_bytes("data", data)
        self._check(lib.pushcore_ua_notifier_receive(
            self._h(), buf, n, _common.uint("flow", flow, 64), *_arg("host", host),
            _common.uint("port", port, 16), self._now(now_ms)), "pushcore_ua_notifier_receive")

    def profile_changed(self, profile_type, identity, effective_by=None, now_ms: int = 0) -> int:
        """NOTIFYs every subscriber of the profile; returns how many."""
        return self._check(lib.pushcore_ua_notifier_profile_changed(
            self._h(), _enum(ProfileType, "profile_type", profile_type),
            *_arg("identity", identity), 0 if effective_by is None else 1,
            _common.uint("effective_by", effective_by or 0, 32), self._now(now_ms)),
            "pushcore_ua_notifier_profile_changed")

    def terminate(self, subscription: int, why, retry_after=None, now_ms: int = 0) -> None:
        """Ends a subscription from the host's side: the terminated NOTIFY with `why` (a
        Termination) and retry-after when given (seconds, not 0)."""
        self._check(lib.pushcore_ua_notifier_terminate(
            self._h(), _common.uint("subscription", subscription, 64),
            _enum(Termination, "why", why), _common.uint("retry_after", retry_after or 0, 32),
            self._now(now_ms)), "pushcore_ua_notifier_terminate")

    def next_output(self):
        """The next message to send as Output(data, flow, host, port), or None."""
        data, length = _abi.BytesP(), ctypes.c_size_t()
        flow, host, port = ctypes.c_uint64(), ctypes.c_char_p(), ctypes.c_uint16()
        r = self._check(lib.pushcore_ua_notifier_next_output(
            self._h(), ctypes.byref(data), ctypes.byref(length), ctypes.byref(flow),
            ctypes.byref(host), ctypes.byref(port)), "pushcore_ua_notifier_next_output")
        if r == 0:
            return None
        return Output(_common.borrowed(data, length.value), flow.value,
                      _text(host.value or b""), port.value)

    def outputs(self) -> list:
        out = []
        while (o := self.next_output()) is not None:
            out.append(o)
        return out

    def output_failed(self, now_ms: int = 0) -> None:
        """The output next_output() gave last could not be sent: a NOTIFY's subscription
        ends. PUSHCORE_E_NOT_FOUND when it was not one."""
        self._check(lib.pushcore_ua_notifier_output_failed(self._h(), self._now(now_ms)),
                    "pushcore_ua_notifier_output_failed")

    def events(self) -> list:
        """Drains the events (MachineEvent), oldest first."""
        out = []
        while True:
            ev = _abi.MachineEventP()
            r = self._check(lib.pushcore_ua_notifier_next_event(self._h(), ctypes.byref(ev)),
                            "pushcore_ua_notifier_next_event")
            if r == 0:
                return out
            out.append(MachineEvent._copy(ev))

    @property
    def subscription_count(self) -> int:
        return self._check(lib.pushcore_ua_notifier_subscription_count(self._h()),
                           "pushcore_ua_notifier_subscription_count")

    def state_of(self, subscription: int):
        """The subscription's SubscriptionState, or None when there is none."""
        r = lib.pushcore_ua_notifier_state_of(self._h(),
                                              _common.uint("subscription", subscription, 64))
        if r == -4:  # PUSHCORE_E_NOT_FOUND
            return None
        return SubscriptionState(self._check(r, "pushcore_ua_notifier_state_of"))

    def add_expected(self, device, not_before_ms: int, not_after_ms: int) -> None:
        """10.4: the device is expected to enroll in [not_before_ms, not_after_ms]."""
        self._check(lib.pushcore_ua_notifier_add_expected(
            self._h(), *_arg("device", device), _common.uint("not_before_ms", not_before_ms, 64),
            _common.uint("not_after_ms", not_after_ms, 64)), "pushcore_ua_notifier_add_expected")

    def remove_expected(self, device) -> bool:
        return bool(self._check(lib.pushcore_ua_notifier_remove_expected(
            self._h(), *_arg("device", device)), "pushcore_ua_notifier_remove_expected"))

    def is_expected(self, device) -> bool:
        return bool(self._check(lib.pushcore_ua_notifier_is_expected(
            self._h(), *_arg("device", device)), "pushcore_ua_notifier_is_expected"))

    def is_enrolled(self, device) -> bool:
        return bool(self._check(lib.pushcore_ua_notifier_is_enrolled(
            self._h(), *_arg("device", device)), "pushcore_ua_notifier_is_enrolled"))

    def remove_enrolled(self, device) -> bool:
        return bool(self._check(lib.pushcore_ua_notifier_remove_enrolled(
            self._h(), *_arg("device", device)), "pushcore_ua_notifier_remove_enrolled"))


# ---- the subscriber -------------------------------------------------------------------------

CurrentProfile = namedtuple("CurrentProfile", "content_type content_id url body apply_by")
CurrentProfile.__doc__ = """A good profile the subscriber holds: url is "" for an inline one,
body its bytes, apply_by its effective-by time (absolute ms) or None (apply when idle)."""


class _Hash(_common.Callback):
    """Wraps hash(data) -> 20 bytes (SHA-1) as a pushcore_ua_hash_fn."""

    cfunctype = _abi.HASH_FN
    usage = "hash must be callable: hash(data) -> 20-byte SHA-1 digest"
    on_error = -1

    def call(self, data, n, out):
        digest = bytes(self.fn(ctypes.string_at(data, n) if n else b""))
        if len(digest) != 20:
            raise ValueError(f"hash gave {len(digest)} bytes, 20 wanted")
        ctypes.memmove(out, digest, 20)
        return 0


class UaSubscriber(_common.Timers, _Handle, release="close", released="closed"):
    """The ua-profile subscriber, a phone's subscription to one profile type (draft
    7.3-7.8). Keywords map to the setters of pushcore_ua_subscriber_config; omitted ones
    keep the library's default: request_uri, vendor, model, version (required),
    profile_type (a ProfileType) and profile_type_token (for OTHER), form (a Form),
    from_uri, to_uri, contact, transport, sent_by, network_user, user_agent, accept (media
    types for Accept, after message/external-body), expires, refresh_margin,
    random(n) -> n bytes, hash(data) -> 20-byte SHA-1 (None: the library's own)."""

    _last_error_fn = lib.pushcore_ua_subscriber_last_error
    _next_deadline_fn = lib.pushcore_ua_subscriber_next_deadline
    _on_timeout_fn = lib.pushcore_ua_subscriber_on_timeout
    _callbacks = ("_random", "_hash")
    _random = _hash = None

    _STR_KEYS = (("request_uri", _abi.UA_SUBSCRIBER_STR_REQUEST_URI),
                 ("from_uri", _abi.UA_SUBSCRIBER_STR_FROM),
                 ("to_uri", _abi.UA_SUBSCRIBER_STR_TO),
                 ("contact", _abi.UA_SUBSCRIBER_STR_CONTACT),
                 ("transport", _abi.UA_SUBSCRIBER_STR_TRANSPORT),
                 ("sent_by", _abi.UA_SUBSCRIBER_STR_SENT_BY),
                 ("vendor", _abi.UA_SUBSCRIBER_STR_VENDOR),
                 ("model", _abi.UA_SUBSCRIBER_STR_MODEL),
                 ("version", _abi.UA_SUBSCRIBER_STR_VERSION),
                 ("network_user", _abi.UA_SUBSCRIBER_STR_NETWORK_USER),
                 ("user_agent", _abi.UA_SUBSCRIBER_STR_USER_AGENT))
    _U64_KEYS = (("expires", _abi.UA_SUBSCRIBER_EXPIRES),
                 ("refresh_margin", _abi.UA_SUBSCRIBER_REFRESH_MARGIN))

    def __init__(self, *, profile_type=None, profile_type_token=None, form=None, accept=(),
                 random=None, hash=None, **settings):
        known = {name for name, _ in self._STR_KEYS + self._U64_KEYS}
        unknown = set(settings) - known
        if unknown:
            raise TypeError(f"unknown UaSubscriber settings: {sorted(unknown)}")
        if isinstance(accept, (str, bytes)):
            accept = [accept]
        rnd = _common.RandomSource(random) if random is not None else None
        hsh = _Hash(hash) if hash is not None else None
        cfg = _common.new_handle(lib.pushcore_ua_subscriber_config_new, _abi.SubscriberConfigP)

        def check(status, function, given):
            _common.check_setter(status, function, lib.pushcore_ua_subscriber_config_last_error,
                                 cfg, given)
        try:
            if profile_type is not None or profile_type_token is not None:
                ptype = ProfileType.OTHER if profile_type is None else profile_type
                check(lib.pushcore_ua_subscriber_config_set_profile_type(
                    cfg, _enum(ProfileType, "profile_type", ptype),
                    *_arg("profile_type_token", profile_type_token)),
                    "pushcore_ua_subscriber_config_set_profile_type",
                    f"profile_type={profile_type!r}, profile_type_token={profile_type_token!r}")
            if form is not None:
                check(lib.pushcore_ua_subscriber_config_set_form(cfg, _enum(Form, "form", form)),
                      "pushcore_ua_subscriber_config_set_form", f"form={form!r}")
            for name, key in self._STR_KEYS:
                if settings.get(name) is not None:
                    check(lib.pushcore_ua_subscriber_config_set_str(
                        cfg, key, *_arg(name, settings[name])),
                        "pushcore_ua_subscriber_config_set_str", f"{name}={settings[name]!r}")
            for name, key in self._U64_KEYS:
                if settings.get(name) is not None:
                    value = _common.uint(name, settings[name], 64)
                    check(lib.pushcore_ua_subscriber_config_set_u64(cfg, key, value),
                          "pushcore_ua_subscriber_config_set_u64", f"{name}={settings[name]!r}")
            for media_type in accept:
                check(lib.pushcore_ua_subscriber_config_add_accept(
                    cfg, *_arg("accept", media_type)),
                    "pushcore_ua_subscriber_config_add_accept", f"accept={media_type!r}")
            if rnd is not None:
                check(lib.pushcore_ua_subscriber_config_set_random(cfg, rnd.c_fn, None),
                      "pushcore_ua_subscriber_config_set_random", f"random={random!r}")
            if hsh is not None:
                check(lib.pushcore_ua_subscriber_config_set_hash(cfg, hsh.c_fn, None),
                      "pushcore_ua_subscriber_config_set_hash", f"hash={hash!r}")
            ptr = _common.new_from_config(lib.pushcore_ua_subscriber_new, _abi.SubscriberP, cfg,
                                          lib.pushcore_ua_subscriber_config_last_error, _fail)
        finally:
            lib.pushcore_ua_subscriber_config_free(cfg)
        self._random, self._hash = rnd, hsh
        self._adopt(ptr, lib.pushcore_ua_subscriber_free)

    @staticmethod
    def _now(now_ms) -> int:
        return _common.uint("now_ms", now_ms, 64)

    def _check(self, status: int, function: str) -> int:
        for cb in (self._random, self._hash):
            error = _common.take_error(cb)
            if error is not None:
                raise error
        return super()._check(status, function)

    def start(self, now_ms: int = 0) -> None:
        """Sends the initial SUBSCRIBE (from idle or terminated)."""
        self._check(lib.pushcore_ua_subscriber_start(self._h(), self._now(now_ms)),
                    "pushcore_ua_subscriber_start")

    def stop(self, now_ms: int = 0) -> None:
        """Unsubscribes (a SUBSCRIBE with Expires 0)."""
        self._check(lib.pushcore_ua_subscriber_stop(self._h(), self._now(now_ms)),
                    "pushcore_ua_subscriber_stop")

    def receive(self, data, now_ms: int = 0) -> None:
        """One complete SIP message: a response to our SUBSCRIBE, or a NOTIFY (answered
        through outputs() even when this raises for a refused one)."""
        buf, n = _in_bytes("data", data)
        self._check(lib.pushcore_ua_subscriber_receive(self._h(), buf, n, self._now(now_ms)),
                    "pushcore_ua_subscriber_receive")

    def on_fetched(self, content_id, data, now_ms: int = 0) -> None:
        """The host fetched the profile of a SUBSCRIBER_FETCH event's content_id."""
        buf, n = _in_bytes("data", data)
        self._check(lib.pushcore_ua_subscriber_on_fetched(
            self._h(), *_arg("content_id", content_id), buf, n, self._now(now_ms)),
            "pushcore_ua_subscriber_on_fetched")

    def on_fetch_failed(self, content_id, now_ms: int = 0) -> None:
        self._check(lib.pushcore_ua_subscriber_on_fetch_failed(
            self._h(), *_arg("content_id", content_id), self._now(now_ms)),
            "pushcore_ua_subscriber_on_fetch_failed")

    def applied(self) -> None:
        """The host made the current profiles effective: cancels the apply_due deadline."""
        self._check(lib.pushcore_ua_subscriber_applied(self._h()),
                    "pushcore_ua_subscriber_applied")

    def next_output(self):
        """The next message to send to the profile delivery server (bytes), or None."""
        data, length = _abi.BytesP(), ctypes.c_size_t()
        r = self._check(lib.pushcore_ua_subscriber_next_output(
            self._h(), ctypes.byref(data), ctypes.byref(length)),
            "pushcore_ua_subscriber_next_output")
        return _common.borrowed(data, length.value) if r == 1 else None

    def outputs(self) -> list:
        out = []
        while (o := self.next_output()) is not None:
            out.append(o)
        return out

    def events(self) -> list:
        """Drains the events (MachineEvent), oldest first."""
        out = []
        while True:
            ev = _abi.MachineEventP()
            r = self._check(lib.pushcore_ua_subscriber_next_event(self._h(), ctypes.byref(ev)),
                            "pushcore_ua_subscriber_next_event")
            if r == 0:
                return out
            out.append(MachineEvent._copy(ev))

    @property
    def state(self) -> SubscriberState:
        return SubscriberState(self._check(lib.pushcore_ua_subscriber_state(self._h()),
                                           "pushcore_ua_subscriber_state"))

    @property
    def sub_state(self) -> SubState:
        return SubState(self._check(lib.pushcore_ua_subscriber_sub_state(self._h()),
                                    "pushcore_ua_subscriber_sub_state"))

    @property
    def pending_fetches(self) -> int:
        return self._check(lib.pushcore_ua_subscriber_pending_fetches(self._h()),
                           "pushcore_ua_subscriber_pending_fetches")

    def current_profile(self, content_type=None):
        """The most recent good profile, or the one of a media type, as a CurrentProfile;
        None when there is none."""
        ct = _arg("content_type", content_type)
        fields = {}
        for name, field in (("content_type", _abi.UA_FIELD_CONTENT_TYPE),
                            ("content_id", _abi.UA_FIELD_CONTENT_ID),
                            ("url", _abi.UA_FIELD_URL)):
            value, n = ctypes.c_char_p(), ctypes.c_size_t()
            r = self._check(lib.pushcore_ua_subscriber_current_profile_str(
                self._h(), *ct, field, ctypes.byref(value), ctypes.byref(n)),
                "pushcore_ua_subscriber_current_profile_str")
            if r == 0:
                return None
            fields[name] = _read(value, n.value)
        data, length = _abi.BytesP(), ctypes.c_size_t()
        self._check(lib.pushcore_ua_subscriber_current_profile_body(
            self._h(), *ct, ctypes.byref(data), ctypes.byref(length)),
            "pushcore_ua_subscriber_current_profile_body")
        body = _common.borrowed(data, length.value)
        when = ctypes.c_uint64()
        r = self._check(lib.pushcore_ua_subscriber_current_profile_apply_by(
            self._h(), *ct, ctypes.byref(when)), "pushcore_ua_subscriber_current_profile_apply_by")
        return CurrentProfile(body=body, apply_by=when.value if r == 1 else None, **fields)


# ---- discovery ------------------------------------------------------------------------------

Attempt = namedtuple("Attempt", "profile_type source uri")
Attempt.__doc__ = """A discovery attempt: the profile (a ProfileType), where its Request-URI
came from (a Source), and the Request-URI to SUBSCRIBE to."""


class UaDiscovery(_Handle, release="close", released="closed"):
    """Discovery of the ua-profile SUBSCRIBE Request-URIs in the order of draft 8.1 (RFC 6080
    6.1): the local-network profile, the device profile's candidates (cached URI, DHCP
    option 120 servers, the local domain, sipuaconfig., manual entry), then the user and
    application profiles. It sends nothing: DISCOVERY_SUBSCRIBE events name the URI, and
    report() tells it what the attempt came to. Keywords map to the setters of
    pushcore_ua_discovery_config: device (required: a MAC address or UUID URN), form,
    cached_device_uri, dhcp_sip_servers (a list of host[:port]), dhcp_domain,
    configured_domain, user_aor, application_profile (bool)."""

    _last_error_fn = lib.pushcore_ua_discovery_last_error

    _STR_KEYS = (("cached_device_uri", _abi.UA_DISCOVERY_STR_CACHED_DEVICE_URI),
                 ("dhcp_domain", _abi.UA_DISCOVERY_STR_DHCP_DOMAIN),
                 ("configured_domain", _abi.UA_DISCOVERY_STR_CONFIGURED_DOMAIN),
                 ("user_aor", _abi.UA_DISCOVERY_STR_USER_AOR))

    def __init__(self, device, *, form=None, dhcp_sip_servers=(), application_profile=None,
                 **settings):
        unknown = set(settings) - {name for name, _ in self._STR_KEYS}
        if unknown:
            raise TypeError(f"unknown UaDiscovery settings: {sorted(unknown)}")
        if isinstance(dhcp_sip_servers, (str, bytes)):
            dhcp_sip_servers = [dhcp_sip_servers]
        cfg = _common.new_handle(lib.pushcore_ua_discovery_config_new, _abi.DiscoveryConfigP)

        def check(status, function, given):
            if status < 0:
                reason, offset = _common.config_error(
                    lib.pushcore_ua_discovery_config_last_error, cfg, status)
                _fail(status, function, f"{given}: {reason}" if reason else given, offset)
        try:
            check(lib.pushcore_ua_discovery_config_set_device(
                cfg, *_arg("device", _id_text(device))),
                "pushcore_ua_discovery_config_set_device", f"device={device!r}")
            if form is not None:
                check(lib.pushcore_ua_discovery_config_set_form(cfg, _enum(Form, "form", form)),
                      "pushcore_ua_discovery_config_set_form", f"form={form!r}")
            for name, key in self._STR_KEYS:
                if settings.get(name) is not None:
                    check(lib.pushcore_ua_discovery_config_set_str(
                        cfg, key, *_arg(name, settings[name])),
                        "pushcore_ua_discovery_config_set_str", f"{name}={settings[name]!r}")
            for host in dhcp_sip_servers:
                check(lib.pushcore_ua_discovery_config_add_dhcp_sip_server(
                    cfg, *_arg("dhcp_sip_servers", host)),
                    "pushcore_ua_discovery_config_add_dhcp_sip_server",
                    f"dhcp_sip_servers={host!r}")
            if application_profile is not None:
                check(lib.pushcore_ua_discovery_config_set_application_profile(
                    cfg, 1 if application_profile else 0),
                    "pushcore_ua_discovery_config_set_application_profile",
                    f"application_profile={application_profile!r}")
            ptr = _common.new_from_config(lib.pushcore_ua_discovery_new, _abi.DiscoveryP, cfg,
                                          lib.pushcore_ua_discovery_config_last_error, _fail)
        finally:
            lib.pushcore_ua_discovery_config_free(cfg)
        self._adopt(ptr, lib.pushcore_ua_discovery_free)

    def start(self) -> None:
        """Queues the first DISCOVERY_SUBSCRIBE. Once."""
        self._check(lib.pushcore_ua_discovery_start(self._h()), "pushcore_ua_discovery_start")

    def report(self, outcome, code: int = 0) -> None:
        """What the current attempt came to: an Outcome, and for FAILURE its code
        (300-699; 401/407 keep the candidate)."""
        self._check(lib.pushcore_ua_discovery_report(
            self._h(), _enum(Outcome, "outcome", outcome), _common.uint("code", code, 32)),
            "pushcore_ua_discovery_report")

    def manual_host(self, host) -> None:
        """A host[:port] the user entered (8.1.2 item 4)."""
        self._check(lib.pushcore_ua_discovery_manual_host(self._h(), *_arg("host", host)),
                    "pushcore_ua_discovery_manual_host")

    def user_aor(self, aor) -> None:
        """The AOR for the user (and application) profile (8.1.3)."""
        self._check(lib.pushcore_ua_discovery_user_aor(self._h(), *_arg("aor", aor)),
                    "pushcore_ua_discovery_user_aor")

    def events(self) -> list:
        """Drains the events (MachineEvent), oldest first."""
        out = []
        while True:
            ev = _abi.MachineEventP()
            r = self._check(lib.pushcore_ua_discovery_next_event(self._h(), ctypes.byref(ev)),
                            "pushcore_ua_discovery_next_event")
            if r == 0:
                return out
            out.append(MachineEvent._copy(ev))

    @property
    def state(self) -> DiscoveryState:
        return DiscoveryState(self._check(lib.pushcore_ua_discovery_state(self._h()),
                                          "pushcore_ua_discovery_state"))

    @property
    def current(self):
        """The Attempt in progress, or None."""
        ptype, source = ctypes.c_int32(), ctypes.c_int32()
        uri, n = ctypes.c_char_p(), ctypes.c_size_t()
        r = self._check(lib.pushcore_ua_discovery_current(
            self._h(), ctypes.byref(ptype), ctypes.byref(source), ctypes.byref(uri),
            ctypes.byref(n)), "pushcore_ua_discovery_current")
        if r == 0:
            return None
        return Attempt(ProfileType(ptype.value), Source(source.value), _read(uri, n.value))

    @property
    def remaining_device_candidates(self) -> int:
        return self._check(lib.pushcore_ua_discovery_remaining_device_candidates(self._h()),
                           "pushcore_ua_discovery_remaining_device_candidates")
