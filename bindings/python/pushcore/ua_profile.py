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
    """The local-network SUBSCRIBE Request-URI at the local domain (draft 7.13.3)."""
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
