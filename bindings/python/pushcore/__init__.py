"""pushcore: ctypes bindings for the pushcore C ABI.

Each handle wraps a C object; failures raise PushcoreError carrying the status name,
the numeric status and, where the C call provides one, a detail with a byte offset.
"""
from ._native import load as _load

lib = _load()


class PushcoreError(Exception):
    """A pushcore call failed. `status` is the negative code, `name` its enumerator."""

    def __init__(self, status: int, detail: str = "", offset: int = None,
                 function: str = None):
        self.status = status
        self.name = lib.pushcore_status_name(status).decode()
        self.detail = detail
        self.offset = offset
        self.function = function  # the C function that failed, when one did
        text = f"{self.name}: {lib.pushcore_strerror(status).decode()}"
        if detail:
            text += f" ({detail}" + (f" at byte {offset}" if offset is not None else "") + ")"
        if function:
            text = f"{function}: {text}"
        super().__init__(text)


def check(status: int, detail: str = "", offset: int = None) -> int:
    """Returns status when it is not an error, else raises PushcoreError."""
    if status < 0:
        raise PushcoreError(status, detail, offset)
    return status


def version() -> str:
    return lib.pushcore_version_string().decode()


def strerror(status: int) -> str:
    return lib.pushcore_strerror(status).decode()


def status_name(status: int) -> str:
    return lib.pushcore_status_name(status).decode()


__all__ = ["PushcoreError", "check", "version", "strerror", "status_name"]

# Modules present in this build of the library (each one's C functions are optional).
if hasattr(lib, "pushcore_sip_ua_new"):
    from . import sip_push
    from .sip_push import *  # noqa: F401,F403  (the names in sip_push.__all__)

    __all__ += sip_push.__all__

if hasattr(lib, "pushcore_push_service_new"):
    from . import web_push
    from .web_push import *  # noqa: F401,F403  (the names in web_push.__all__)

    __all__ += web_push.__all__

if hasattr(lib, "pushcore_ua_event_parse"):
    # Used as pushcore.ua_profile.<name>: its names (Event, Form, Method, ...) are too
    # general for the package's namespace, and Event is sip_push's already.
    from . import ua_profile  # noqa: F401

    __all__ += ["ua_profile"]
