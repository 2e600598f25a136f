"""What the test modules share: reading the C headers of include/pushcore, the checks every
ctypes table (pushcore/_*_abi.py) must pass against its header, and running the README's
examples. Not a test module itself (discover loads test*.py only).

An ABI test module gets its table with table() and subclasses SignatureChecks and
ConstantChecks with unittest.TestCase, setting what is its own as class attributes (see
each mixin for them).
"""
import contextlib
import ctypes
import importlib
import io
import pathlib
import re
import unittest

import pushcore

INCLUDE = pathlib.Path(__file__).resolve().parents[3] / "include" / "pushcore"
PACKAGE = pathlib.Path(pushcore.__file__).resolve().parent
README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


# ---- reading a header -------------------------------------------------------------------

def strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def c_type(decl: str, with_name: bool) -> str:
    """'const pushcore_event *ev' -> 'const pushcore_event*': the type as a SIGNATURES
    table spells it (parameter name dropped, no space before '*', single spaces)."""
    decl = decl.strip()
    if with_name:
        decl = re.sub(r"\b\w+$", "", decl).strip()
    decl = re.sub(r"\s*\*\s*", "*", decl)
    return re.sub(r"\s+", " ", decl).strip()


def header_functions(header: pathlib.Path) -> dict:
    """name -> (return type, [parameter types]) for every PUSHCORE_API function."""
    text = strip_comments(header.read_text())
    found = {}
    for m in re.finditer(r"PUSHCORE_API\s+([^;{(]*?)\b(pushcore_\w+)\s*\(([^)]*)\)\s*;", text):
        params = m.group(3).strip()
        types = [] if params in ("", "void") else [c_type(p, True) for p in params.split(",")]
        found[m.group(2)] = (c_type(m.group(1), False), types)
    return found


def header_defines(header: pathlib.Path) -> dict:
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"#define\s+(PUSHCORE_\w+)\s+(\d+)\b", header.read_text())}


def header_typedef(header: pathlib.Path, name: str):
    """(return type, [parameter types]) of a function pointer typedef, or None."""
    text = strip_comments(header.read_text())
    m = re.search(r"typedef\s+(\w+)\s*\(\*\s*" + name + r"\s*\)\s*\(([^)]*)\)", text)
    if m is None:
        return None
    return m.group(1), [c_type(p, True) for p in m.group(2).split(",")]


def constants(abi, prefix: str) -> dict:
    """The integer constants of a table whose names start with prefix, without it."""
    return {k[len(prefix):]: v for k, v in vars(abi).items()
            if k.startswith(prefix) and isinstance(v, int)}


# ---- the checks of a table ----------------------------------------------------------------

def table(name: str, probe: str, option: str):
    """pushcore._<name>_abi, the ctypes table of include/pushcore/<name>.h (importing it
    declares nothing: the binding does). Raises unittest.SkipTest, which at a test module's
    import skips the module, when the library is built without that module (it has no
    function `probe`; `option` is the CMake option) or the headers are not next to this
    package."""
    if not hasattr(pushcore.lib, probe):
        raise unittest.SkipTest(f"the library is built without {option}")
    if not (INCLUDE / f"{name}.h").exists():
        raise unittest.SkipTest("the C headers are not next to this package")
    return importlib.import_module(f"pushcore._{name}_abi")


class _TableChecks:
    name = None  # "sip_push": pushcore/_sip_push_abi.py against include/pushcore/sip_push.h

    @property
    def abi(self):
        return importlib.import_module(f"pushcore._{self.name}_abi")

    @property
    def header(self) -> pathlib.Path:
        return INCLUDE / f"{self.name}.h"


class SignatureChecks(_TableChecks):
    """The functions of a table against its header, and the binding (pushcore/<name>.py)
    calling each of them. Set:
      name           the module: "sip_push" or "web_push"
      sample         (name, (return type, [parameter types])): one function as the header
                     has it, so that a parser that sees nothing fails
      min_functions  how many functions the header has at least
      scalars        {spelling: ctypes type} and
      pointers       {spelling: the ctypes type pointed to}: what CTYPES must map them to
      typedefs       [(header file name, typedef name, signature, CFUNCTYPE)]
    """

    def test_header_is_read(self):
        # The parser must see the header's functions, or every check below is empty.
        funcs = header_functions(self.header)
        self.assertGreaterEqual(len(funcs), self.min_functions)
        name, signature = self.sample
        self.assertEqual(funcs[name], signature)

    def test_every_function_is_declared_once(self):
        names = [name for name, _, _ in self.abi.SIGNATURES]
        self.assertEqual(len(names), len(set(names)), "a function is listed twice")
        self.assertEqual(sorted(names), sorted(header_functions(self.header)))

    def test_types_match_the_header(self):
        funcs = header_functions(self.header)
        for name, restype, argtypes in self.abi.SIGNATURES:
            with self.subTest(function=name):
                self.assertEqual((restype, argtypes), funcs[name])

    def test_c_types_map_to_the_ctypes_of_their_width(self):
        table = self.abi.CTYPES
        for spelling, ctype in self.scalars.items():
            self.assertIs(table[spelling], ctype, spelling)
        for spelling, target in self.pointers.items():
            self.assertIs(table[spelling], ctypes.POINTER(target), spelling)
        self.assertIs(table["const uint8_t**"], ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8)))
        for spelling, ctype in table.items():
            handle = re.fullmatch(r"(?:const )?(pushcore_\w+?)(\*+)", spelling)
            if handle:
                inner = getattr(self.abi, handle.group(1))
                for _ in handle.group(2):
                    inner = ctypes.POINTER(inner)
                self.assertIs(ctype, inner, spelling)

    def test_declarations_are_applied_to_the_library(self):
        for name, restype, argtypes in self.abi.SIGNATURES:
            with self.subTest(function=name):
                fn = getattr(pushcore.lib, name)
                self.assertIs(fn.restype, self.abi.CTYPES[restype])
                self.assertEqual(list(fn.argtypes), [self.abi.CTYPES[t] for t in argtypes])

    def test_callback_types_match_their_typedefs(self):
        overrides = getattr(self.abi, "CALLBACK_OVERRIDES", {})
        for header, name, signature, cfunctype in self.typedefs:
            with self.subTest(typedef=name):
                found = header_typedef(self.header.parent / header, name)
                self.assertIsNotNone(found)
                self.assertEqual(signature, found)
                restype, params = found
                self.assertIs(cfunctype._restype_, self.abi.CTYPES[restype])
                want = [overrides.get((name, i), self.abi.CTYPES[t]) for i, t in enumerate(params)]
                self.assertEqual(list(cfunctype._argtypes_), want)

    def test_every_function_is_wrapped(self):
        source = (PACKAGE / f"{self.name}.py").read_text()
        for name, _, _ in self.abi.SIGNATURES:
            with self.subTest(function=name):
                self.assertRegex(source, r"\blib\." + name + r"\b")


class ConstantChecks(_TableChecks):
    """The constants of a table against its header. Set name (as for SignatureChecks),
    sample_define (one #define the header has), and, for defines the table keeps under
    other names, named_defines: {define: value as the table has it}; every one of those
    must be in the header."""

    named_defines = {}

    def test_every_define_has_its_value(self):
        defines = header_defines(self.header)
        self.assertIn(self.sample_define, defines)
        named = dict(self.named_defines)
        for define, value in defines.items():
            with self.subTest(define=define):
                if define in named:
                    self.assertEqual(named.pop(define), value)
                else:
                    self.assertEqual(getattr(self.abi, define[len("PUSHCORE_"):]), value)
        self.assertEqual(named, {}, "defines the header does not have")

    def test_no_deadline_is_uint64_max(self):
        self.assertEqual(self.abi.NO_DEADLINE, ctypes.c_uint64(-1).value)
        self.assertIn("#define PUSHCORE_NO_DEADLINE UINT64_MAX",
                      (self.header.parent / "core.h").read_text())

    def assertEnumMirrors(self, enum, prefix: str):
        """The members of an IntEnum are the table's constants named prefix + member."""
        self.assertEqual({e.name: e.value for e in enum}, constants(self.abi, prefix))


# ---- the README ---------------------------------------------------------------------------

def run_readme_examples(testcase, fence: str, count: int) -> str:
    """Runs the README's code blocks fenced as ```<fence> (there must be `count`), in one
    namespace (a block may use what an earlier one imported); returns what they printed.
    Skips the test when the README is not next to the tests."""
    if not README.exists():
        testcase.skipTest("README.md is not next to the tests")
    blocks = re.findall(r"```" + fence + r"\n(.*?)```", README.read_text(encoding="utf-8"),
                        flags=re.S)
    testcase.assertEqual(len(blocks), count)
    out = io.StringIO()
    namespace = {}
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)
    return out.getvalue()
