"""Finds and loads the pushcore shared library, and checks its version.

Search order: the PUSHCORE_LIBRARY environment variable (a path), the build trees next
to this checkout (build*/libpushcore.so*), then the system loader (libpushcore.so.N).
"""
import ctypes
import ctypes.util
import glob
import os
import pathlib

# The C ABI major version this package speaks; bumped with the library's SOVERSION.
ABI_MAJOR = 0


def _candidates():
    env = os.environ.get("PUSHCORE_LIBRARY")
    if env:
        yield env
        return
    repo = pathlib.Path(__file__).resolve().parents[3]
    for pattern in ("build*/libpushcore.so", "build*/*/libpushcore.so"):
        yield from sorted(glob.glob(str(repo / pattern)))
    found = ctypes.util.find_library("pushcore")
    if found:
        yield found


def load() -> ctypes.CDLL:
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            errors.append(f"{path}: {exc}")
            continue
        _declare_core(lib)
        major = lib.pushcore_version() // 10000
        if major != ABI_MAJOR:
            raise ImportError(
                f"{path} is pushcore {lib.pushcore_version_string().decode()}, "
                f"this package needs ABI major {ABI_MAJOR}")
        return lib
    raise ImportError("libpushcore not found; set PUSHCORE_LIBRARY to its path"
                      + ("" if not errors else " (" + "; ".join(errors) + ")"))


def _declare_core(lib: ctypes.CDLL) -> None:
    lib.pushcore_version.restype = ctypes.c_uint32
    lib.pushcore_version.argtypes = []
    lib.pushcore_version_string.restype = ctypes.c_char_p
    lib.pushcore_version_string.argtypes = []
    lib.pushcore_strerror.restype = ctypes.c_char_p
    lib.pushcore_strerror.argtypes = [ctypes.c_int]
    lib.pushcore_status_name.restype = ctypes.c_char_p
    lib.pushcore_status_name.argtypes = [ctypes.c_int]
