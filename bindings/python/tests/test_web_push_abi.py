"""The ctypes declarations against include/pushcore/web_push.h: every function, its return
and argument types, the callback typedefs, and every constant. A drifted signature fails
here, not in a crash."""
import ctypes
import pathlib
import re
import unittest

import pushcore

HEADER = pathlib.Path(__file__).resolve().parents[3] / "include" / "pushcore" / "web_push.h"
MODULE = pathlib.Path(pushcore.__file__).resolve().parent / "web_push.py"
HAVE_WEB_PUSH = hasattr(pushcore.lib, "pushcore_push_service_new")

if HAVE_WEB_PUSH:
    from pushcore import _web_push_abi as abi


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def _c_type(decl: str, with_name: bool) -> str:
    """'const pushcore_push_service *svc' -> 'const pushcore_push_service*'."""
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
@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class SignatureTest(unittest.TestCase):
    def test_header_is_read(self):
        # The parser above must see the header's functions, or every check below is empty.
        funcs = header_functions()
        self.assertGreaterEqual(len(funcs), 30)
        self.assertEqual(funcs["pushcore_push_service_receive"],
                         ("int", ["pushcore_push_service*", "uint64_t", "const uint8_t*",
                                  "size_t", "uint64_t"]))

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
        scalars = {"int": ctypes.c_int, "int32_t": ctypes.c_int32, "int64_t": ctypes.c_int64,
                   "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
                   "size_t": ctypes.c_size_t, "void*": ctypes.c_void_p,
                   "const char*": ctypes.c_char_p, "void": None}
        for spelling, ctype in scalars.items():
            self.assertIs(abi.CTYPES[spelling], ctype, spelling)
        pointers = {"const char**": ctypes.c_char_p, "const uint8_t*": ctypes.c_uint8,
                    "size_t*": ctypes.c_size_t, "uint64_t*": ctypes.c_uint64}
        for spelling, target in pointers.items():
            self.assertIs(abi.CTYPES[spelling], ctypes.POINTER(target), spelling)
        self.assertIs(abi.CTYPES["const uint8_t**"], ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8)))
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
                ("web_push.h", "pushcore_log_fn", abi.LOG_FN_SIGNATURE, abi.LOG_FN)):
            with self.subTest(typedef=name):
                text = _strip_comments((HEADER.parent / header).read_text())
                m = re.search(r"typedef\s+(\w+)\s*\(\*\s*" + name + r"\s*\)\s*\(([^)]*)\)", text)
                self.assertIsNotNone(m)
                params = [_c_type(p, True) for p in m.group(2).split(",")]
                self.assertEqual(signature, (m.group(1), params))
                self.assertIs(cfunctype._restype_, abi.CTYPES[m.group(1)])
                want = [abi.CALLBACK_OVERRIDES.get((name, i), abi.CTYPES[t])
                        for i, t in enumerate(params)]
                self.assertEqual(list(cfunctype._argtypes_), want)

    def test_log_line_is_read_by_length(self):
        # The line is not NUL-terminated: it must not arrive as c_char_p.
        self.assertIs(abi.LOG_FN._argtypes_[2], ctypes.POINTER(ctypes.c_char))

    def test_handles_are_distinct_types(self):
        with self.assertRaises(ctypes.ArgumentError):
            pushcore.lib.pushcore_push_service_counts(abi.ConfigP(), None, None, None)

    def test_every_function_is_wrapped(self):
        source = MODULE.read_text()
        for name, _, _ in abi.SIGNATURES:
            with self.subTest(function=name):
                self.assertRegex(source, r"\blib\." + name + r"\b")


@unittest.skipUnless(HEADER.exists(), "the C headers are not next to this package")
@unittest.skipUnless(HAVE_WEB_PUSH, "the library is built without PUSHCORE_WITH_WEB_PUSH")
class ConstantTest(unittest.TestCase):
    def test_every_define_has_its_value(self):
        defines = header_defines()
        self.assertIn("PUSHCORE_HTTP_DETECT", defines)
        for define, value in defines.items():
            with self.subTest(define=define):
                self.assertEqual(getattr(abi, define[len("PUSHCORE_"):]), value)

    def test_no_deadline_is_uint64_max(self):
        self.assertEqual(abi.NO_DEADLINE, ctypes.c_uint64(-1).value)

    def test_enums_mirror_the_constants(self):
        self.assertEqual({e.value for e in pushcore.HttpProtocol},
                         {v for k, v in vars(abi).items() if k.startswith("HTTP_")})
        self.assertEqual({e.name: e.value for e in pushcore.LogLevel},
                         {k[len("LOG_"):]: v for k, v in vars(abi).items()
                          if k.startswith("LOG_") and isinstance(v, int)})


if __name__ == "__main__":
    unittest.main()
