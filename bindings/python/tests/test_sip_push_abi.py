"""The ctypes declarations against include/pushcore/sip_push.h: every function, its return
and argument types, and every constant. A drifted signature fails here, not in a crash."""
import ctypes
import pathlib
import re
import unittest

import pushcore
from pushcore import _sip_push_abi as abi

HEADER = pathlib.Path(__file__).resolve().parents[3] / "include" / "pushcore" / "sip_push.h"
MODULE = pathlib.Path(pushcore.__file__).resolve().parent / "sip_push.py"


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def _c_type(decl: str, with_name: bool) -> str:
    """'const pushcore_event *ev' -> 'const pushcore_event*': the type as SIGNATURES
    spells it (parameter name dropped, no space before '*', single spaces)."""
    decl = decl.strip()
    if with_name:
        decl = re.sub(r"\b\w+$", "", decl).strip()
    decl = re.sub(r"\s*\*\s*", "*", decl)
    return re.sub(r"\s+", " ", decl).strip()


def header_functions() -> dict:
    """name -> (return type, [parameter types]) for every PUSHCORE_API function."""
    text = _strip_comments(HEADER.read_text())
    found = {}
    for m in re.finditer(r"PUSHCORE_API\s+([^;{(]*?)\b(pushcore_\w+)\s*\(([^)]*)\)\s*;", text):
        params = m.group(3).strip()
        types = [] if params in ("", "void") else [_c_type(p, True) for p in params.split(",")]
        found[m.group(2)] = (_c_type(m.group(1), False), types)
    return found


def header_defines() -> dict:
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"#define\s+(PUSHCORE_\w+)\s+(\d+)\b", HEADER.read_text())}


@unittest.skipUnless(HEADER.exists(), "the C headers are not next to this package")
class SignatureTest(unittest.TestCase):
    def test_header_is_read(self):
        # The parser above must see the header's functions, or every check below is empty.
        funcs = header_functions()
        self.assertGreaterEqual(len(funcs), 50)
        self.assertEqual(funcs["pushcore_sip_proxy_receive"],
                         ("int", ["pushcore_sip_proxy*", "uint64_t", "const char*", "uint16_t",
                                  "const uint8_t*", "size_t", "uint64_t"]))

    def test_every_function_is_declared_once(self):
        names = [name for name, _, _ in abi.SIGNATURES]
        self.assertEqual(len(names), len(set(names)), "a function is listed twice")
        self.assertEqual(sorted(names), sorted(header_functions()))

    def test_types_match_the_header(self):
        funcs = header_functions()
        for name, restype, argtypes in abi.SIGNATURES:
            with self.subTest(function=name):
                self.assertEqual((restype, argtypes), funcs[name])

    def test_c_types_map_to_the_ctypes_of_their_width(self):
        scalars = {"int": ctypes.c_int, "int32_t": ctypes.c_int32, "uint16_t": ctypes.c_uint16,
                   "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
                   "size_t": ctypes.c_size_t, "void*": ctypes.c_void_p,
                   "const char*": ctypes.c_char_p, "void": None}
        for spelling, ctype in scalars.items():
            self.assertIs(abi.CTYPES[spelling], ctype, spelling)
        pointers = {"const char**": ctypes.c_char_p, "const uint8_t*": ctypes.c_uint8,
                    "uint8_t*": ctypes.c_uint8, "size_t*": ctypes.c_size_t,
                    "uint64_t*": ctypes.c_uint64, "uint16_t*": ctypes.c_uint16,
                    "int32_t*": ctypes.c_int32}
        for spelling, target in pointers.items():
            self.assertIs(abi.CTYPES[spelling], ctypes.POINTER(target), spelling)
        self.assertIs(abi.CTYPES["const uint8_t**"], ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8)))
        self.assertIs(abi.CTYPES["char*"], ctypes.POINTER(ctypes.c_char))  # writable
        for spelling, ctype in abi.CTYPES.items():
            handle = re.fullmatch(r"(?:const )?(pushcore_\w+?)(\*+)", spelling)
            if handle:
                inner = getattr(abi, handle.group(1))
                for _ in handle.group(2):
                    inner = ctypes.POINTER(inner)
                self.assertIs(ctype, inner, spelling)

    def test_declarations_are_applied_to_the_library(self):
        for name, restype, argtypes in abi.SIGNATURES:
            with self.subTest(function=name):
                fn = getattr(pushcore.lib, name)
                self.assertIs(fn.restype, abi.CTYPES[restype])
                self.assertEqual(list(fn.argtypes), [abi.CTYPES[t] for t in argtypes])

    def test_callback_types_match_their_typedefs(self):
        for header, name, signature, cfunctype in (
                ("core.h", "pushcore_random_fn", abi.RANDOM_FN_SIGNATURE, abi.RANDOM_FN),
                ("sip_push.h", "pushcore_sip_auth_fn", abi.AUTH_FN_SIGNATURE, abi.AUTH_FN)):
            with self.subTest(typedef=name):
                text = _strip_comments((HEADER.parent / header).read_text())
                m = re.search(r"typedef\s+(\w+)\s*\(\*\s*" + name + r"\s*\)\s*\(([^)]*)\)", text)
                self.assertIsNotNone(m)
                params = [_c_type(p, True) for p in m.group(2).split(",")]
                self.assertEqual(signature, (m.group(1), params))
                self.assertIs(cfunctype._restype_, abi.CTYPES[m.group(1)])
                self.assertEqual(list(cfunctype._argtypes_), [abi.CTYPES[t] for t in params])

    def test_handles_are_distinct_types(self):
        # A UA handle where a proxy handle is expected is refused by ctypes.
        with self.assertRaises(ctypes.ArgumentError):
            pushcore.lib.pushcore_sip_proxy_held_count(abi.UaP())

    def test_every_function_is_wrapped(self):
        source = MODULE.read_text()
        for name, _, _ in abi.SIGNATURES:
            with self.subTest(function=name):
                self.assertRegex(source, r"\blib\." + name + r"\b")


@unittest.skipUnless(HEADER.exists(), "the C headers are not next to this package")
class ConstantTest(unittest.TestCase):
    def test_every_define_has_its_value(self):
        defines = header_defines()
        self.assertIn("PUSHCORE_EVENT_PROXY_PUSH_REQUEST", defines)
        fields = {f"PUSHCORE_FIELD_{name.upper()}": value for name, value, _ in abi.FIELDS}
        for define, value in defines.items():
            with self.subTest(define=define):
                if define in fields:
                    self.assertEqual(fields.pop(define), value)
                else:
                    self.assertEqual(getattr(abi, define[len("PUSHCORE_"):]), value)
        self.assertEqual(fields, {}, "fields the header does not define")

    def test_field_kinds_follow_the_header_comments(self):
        text = HEADER.read_text()
        kinds = {m.group(1).lower(): m.group(2) for m in re.finditer(
            r"#define\s+PUSHCORE_FIELD_(\w+)\s+\d+\s*/\*\s*(str|u64):", text)}
        self.assertEqual(kinds, {name: kind for name, _, kind in abi.FIELDS})

    def test_no_deadline_is_uint64_max(self):
        self.assertEqual(abi.NO_DEADLINE, ctypes.c_uint64(-1).value)
        self.assertIn("#define PUSHCORE_NO_DEADLINE UINT64_MAX",
                      (HEADER.parent / "core.h").read_text())

    def test_enums_mirror_the_constants(self):
        self.assertEqual({e.name: e.value for e in pushcore.EventType},
                         {k[len("EVENT_"):]: v for k, v in vars(abi).items()
                          if k.startswith("EVENT_")})
        self.assertEqual({e.name: e.value for e in pushcore.UaState},
                         {k[len("UA_STATE_"):]: v for k, v in vars(abi).items()
                          if k.startswith("UA_STATE_")})
        self.assertEqual({e.name: e.value for e in pushcore.Need},
                         {k[len("NEED_"):]: v for k, v in vars(abi).items()
                          if k.startswith("NEED_")})
        self.assertEqual({e.name: e.value for e in pushcore.Format},
                         {k[len("FORMAT_"):]: v for k, v in vars(abi).items()
                          if k.startswith("FORMAT_")})
        self.assertEqual({e.name: e.value for e in pushcore.PushReason},
                         {k[len("PUSH_REASON_"):]: v for k, v in vars(abi).items()
                          if k.startswith("PUSH_REASON_")})


if __name__ == "__main__":
    unittest.main()
