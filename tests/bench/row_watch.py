"""When each participation row appears in a file: `python -m tests.bench.row_watch DB OUT`.

A process of its own, for several_consoles' lag: polled from the bench's own process, the
rows waited behind the arbiter it runs (its loop and threads), which on a loaded machine
added more to the figure than the replica's lag. Every 5 ms, through a read-only connection;
on SIGTERM it writes {volunteer_id: time.monotonic() first seen} to OUT (one clock for
every process of the machine).
"""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    db, out = Path(argv[0]), Path(argv[1])
    stop = False

    def on_term(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    seen: dict[str, float] = {}
    last = 0
    conn: sqlite3.Connection | None = None
    while not stop:
        if conn is None and db.exists():
            with contextlib.suppress(sqlite3.Error):
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                rows = conn.execute(
                    "SELECT rowid, volunteer_id FROM participation WHERE rowid > ?", (last,)
                ).fetchall()
                now = time.monotonic()
                for rowid, vid in rows:
                    seen.setdefault(vid, now)
                    last = max(last, rowid)
        time.sleep(0.005)
    out.write_text(json.dumps(seen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
