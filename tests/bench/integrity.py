"""Benchmark: the start check (quick_check within its budget) and the full integrity_check on a
database of about 100 MB, from the page cache and from a cold disk (this file's pages dropped).

    .venv/bin/python -m tests.bench.integrity [MB]
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from core.storage import START_CHECK_BUDGET, Store, integrity_check, quick_check


def build(path: Path, mb: int) -> None:
    store = Store(path)
    row = ("1", "2026-01-01T00:00:00", "volunteer 1", "signed_up", "1", '{"x":"' + "y" * 300 + '"}')
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO activity (application_id, at, actor, kind, volunteer_id, params)"
            " VALUES (?,?,?,?,?,?)",
            [row] * (mb * 2500),
        )
    store.close()


def drop_cache(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main() -> None:
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "console.db"
        build(path, mb)
        print(f"database: {path.stat().st_size / 1e6:.0f} MB")
        for cache in ("warm", "cold"):
            for name, fn in (
                ("quick_check, unbounded", lambda: quick_check(sqlite3.connect(path), None)),
                (
                    f"quick_check, {START_CHECK_BUDGET:g} s budget",
                    lambda: quick_check(sqlite3.connect(path), START_CHECK_BUDGET),
                ),
                ("integrity_check", lambda: integrity_check(path)),
            ):
                if cache == "cold":
                    drop_cache(path)
                t = time.perf_counter()
                verdict = fn()
                took = time.perf_counter() - t
                print(f"{cache}  {name:28} {took:6.2f} s  {verdict or 'ok'}")


if __name__ == "__main__":
    main()
