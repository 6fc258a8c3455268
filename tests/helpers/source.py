"""Parse the project's own source files for tests that check what they import or write."""

from __future__ import annotations

import ast
import gc
from pathlib import Path


def parse_file(path: Path) -> ast.Module:
    """ast.parse of one file, with the garbage collector held off while it runs.

    CPython up to 3.11.7 keeps the AST constructor's recursion counter in state shared by
    every thread (gh-106905, fixed in 3.11.8 and 3.12.2). A collection during the conversion
    runs finalizers, which lets another thread run; if that thread builds an AST meanwhile
    (3.11's traceback module parses each source line it shows to place its ^ marks, so any
    thread logging an exception does), the counter moves under this parse and it fails with
    "SystemError: AST constructor recursion depth mismatch" on a correct file. A full run hit
    it after the hostile-message tests, with background threads logging exceptions. With no
    collection the conversion never lets another thread in (tests/test_source.py).
    """
    text = path.read_text(encoding="utf-8")
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(text, str(path))
    finally:
        if enabled:
            gc.enable()
