#!/usr/bin/env python3
"""Checks that a shared library exports exactly the functions its public C headers declare.

usage: check_exports.py LIBRARY INCLUDE_DIR
Every `PUSHCORE_API ... pushcore_name(` declaration in INCLUDE_DIR/**/*.h must be a
defined dynamic symbol, and no other symbol may be exported (visibility is hidden).
"""
import pathlib
import re
import subprocess
import sys


def declared(include_dir: pathlib.Path) -> set:
    names = set()
    for header in include_dir.rglob("*.h"):
        text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
        for m in re.finditer(r"PUSHCORE_API\b[^;{]*?\b(pushcore_\w+)\s*\(", text):
            names.add(m.group(1))
    return names


def exported(library: str) -> set:
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWwDdBbRrVvui":
            names.add(parts[2].split("@")[0])
    return names


def main() -> int:
    library, include_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    want, have = declared(include_dir), exported(library)
    missing, extra = sorted(want - have), sorted(have - want)
    for name in missing:
        print(f"declared but not exported: {name}")
    for name in extra:
        print(f"exported but not declared: {name}")
    print(f"{len(want)} declared, {len(have)} exported")
    return 1 if missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
