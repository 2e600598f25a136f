"""What the per-header ABI tables (_sip_push_abi.py, _web_push_abi.py) have in common: the
C types of core.h and of every header, and the machinery that turns a table into ctypes
declarations. Nothing here touches the library, so a table imports without it.

A table lists every function of its header in SIGNATURES as (name, return type,
[parameter types]), each type spelled as the header spells it, and maps the spellings to
ctypes types in CTYPES. Types are named by their C spelling, not by ctypes class, because
ctypes aliases them (c_size_t is c_uint64 and c_int is c_int32 on x86-64): the spelling
keeps size_t and uint64_t apart where it matters (on 32-bit hosts), and lets the tests
compare a table with its header word for word (tests/_abi_checks.py).

Handles are pointers to distinct opaque structures, so ctypes refuses one handle where
another is expected.
"""
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_int32, c_size_t, c_uint8,
                    c_uint32, c_uint64, c_void_p)


class Opaque(Structure):
    """Base of the opaque C structures: never instantiated, only pointed to."""
    _fields_ = []


BytesP = POINTER(c_uint8)         # const uint8_t* / uint8_t*
BytesPP = POINTER(BytesP)         # const uint8_t**
StrPP = POINTER(c_char_p)         # const char**
SizeP = POINTER(c_size_t)         # size_t*
U64P = POINTER(c_uint64)          # uint64_t*

# typedef int (*pushcore_random_fn)(void* ctx, uint8_t* out, size_t len);  (core.h)
RANDOM_FN_SIGNATURE = ("int", ["void*", "uint8_t*", "size_t"])
RANDOM_FN = CFUNCTYPE(c_int, c_void_p, BytesP, c_size_t)

NO_DEADLINE = 2**64 - 1  # PUSHCORE_NO_DEADLINE (UINT64_MAX), from core.h

# The spellings every header uses; a table adds its own to a copy of this.
CORE_CTYPES = {
    "void": None,
    "int": c_int,
    "int32_t": c_int32,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "size_t": c_size_t,
    "void*": c_void_p,
    "const char*": c_char_p,
    "const char**": StrPP,
    "const uint8_t*": BytesP,
    "uint8_t*": BytesP,
    "const uint8_t**": BytesPP,
    "size_t*": SizeP,
    "uint64_t*": U64P,
    "pushcore_random_fn": RANDOM_FN,
}


def handle_ctypes(*handles) -> dict:
    """The spellings of pointers to each opaque structure: X*, const X*, X**, const X**."""
    table = {}
    for handle in handles:
        name = handle.__name__
        table[name + "*"] = table["const " + name + "*"] = POINTER(handle)
        table[name + "**"] = table["const " + name + "**"] = POINTER(POINTER(handle))
    return table


def declare(lib, table) -> None:
    """Sets restype and argtypes of every function of a table (a module with SIGNATURES
    and CTYPES) on lib. Raises AttributeError when the library lacks one (built without
    that module)."""
    for name, restype, argtypes in table.SIGNATURES:
        fn = getattr(lib, name)
        fn.restype = table.CTYPES[restype]
        fn.argtypes = [table.CTYPES[t] for t in argtypes]
