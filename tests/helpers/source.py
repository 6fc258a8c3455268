"""Parse the project's own source files for tests that check what they import or write."""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def parse_file(path: Path) -> ast.Module:
    """ast.parse of one file, on a thread of its own, tried again once on CPython's AST bug.

    CPython 3.11.7 can raise "SystemError: AST constructor recursion depth mismatch" from a
    correct file when the thread's recursion bookkeeping moved under it (seen once in a full
    run, after the hostile-message tests that provoke RecursionErrors on purpose, with the
    suite's background threads running). The file is fine; a fresh thread parses it.
    """
    text = path.read_text(encoding="utf-8")
    for attempt in range(2):
        with ThreadPoolExecutor(max_workers=1) as pool:
            try:
                return pool.submit(ast.parse, text, str(path)).result()
            except SystemError as exc:
                if "recursion depth mismatch" not in str(exc) or attempt:
                    raise
    raise AssertionError("unreachable")
