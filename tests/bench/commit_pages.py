"""Commit pages: `python -m tests.bench.commit_pages --rows 1000000` (not a test).

Which tables and indexes one group commit writes, in pages: a batch of 500 responses like the
engine figure of tests/bench/scale.py (the same database, the same traffic: the open
applications by popularity, or with --spread its worst case, each to another application),
committed with the WAL not checkpointed, then every WAL frame mapped to the b-tree its page
belongs to (SQLite's dbstat). Printed at the asked size beside the empty database: a page the
commit writes is written twice (the WAL, then the checkpoint) and costs its fsyncs, so where
the engine's cost per message grows with the rows, this says which b-tree makes it grow.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sqlite3
import struct
import uuid
from pathlib import Path

from tests.bench.scale import (
    BATCH,
    FUND,
    HERE,
    MEASURE_DAY,
    SHAPE,
    body,
    cached,
    copy,
    schema_of,
    traffic,
)


def wal_pages(db: Path) -> list[int]:
    """The page number of every frame in db's WAL, in order."""
    data = (db.parent / (db.name + "-wal")).read_bytes()
    if len(data) < 32:
        return []
    (size,) = struct.unpack(">I", data[8:12])
    pages = []
    for offset in range(32, len(data) - 24 - size + 1, 24 + size):
        (page,) = struct.unpack(">I", data[offset : offset + 4])
        pages.append(page)
    return pages


def one_commit(data_dir: Path, spread: bool, messages: int = BATCH) -> dict[str, int]:
    """Frames per b-tree of one engine batch committed into a copy of the database."""
    from datetime import UTC, datetime

    from core.clock import ManualClock
    from core.engine import Delivery, Engine
    from core.messages import response_key
    from core.storage import Store

    store = Store(data_dir / "console.db")
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # the migration's pages
    engine = Engine(store, FUND, ManualClock(datetime(*MEASURE_DAY), tz=UTC))
    batch = [
        Delivery(
            body(app_id, 800_000_000 + i),
            routing_key=response_key(FUND, app_id),
            message_id=str(uuid.uuid4()),
        )
        for i, app_id in enumerate(traffic(store, spread, messages))
    ]
    engine.handle(batch)
    pages = wal_pages(data_dir / "console.db")
    reader = sqlite3.connect(data_dir / "console.db")
    try:
        owner = dict(reader.execute("SELECT pageno, name FROM dbstat"))
    finally:
        reader.close()
    store.close()
    return dict(collections.Counter(owner.get(p, "(free)") for p in pages))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--cache", default=str(Path.home() / ".cache" / "volunteer-console-scale"))
    p.add_argument(
        "--spread", action="store_true", help="the worst case: each message to another application"
    )
    args = p.parse_args()
    # the databases scale.py built (and migrated for this tree), not a second build of its own
    cache = Path(args.cache) / f"built-by-schema{schema_of(HERE)}-shape{SHAPE}"
    scratch = Path(args.cache) / f"scratch-pages-{uuid.uuid4().hex[:8]}"
    counts = {}
    try:
        for rows in (0, args.rows):
            ready = cached(cache, HERE, HERE, rows)
            shutil.rmtree(scratch, ignore_errors=True)
            copy(ready, scratch)
            counts[rows] = one_commit(scratch, args.spread)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    empty, full = counts[0], counts[args.rows]
    what = "each to another application" if args.spread else "to the open applications"
    print(f"\none commit of {BATCH} responses {what}: WAL frames per b-tree")
    print(f"| b-tree | empty | {args.rows:,} rows |")
    print("|---|---|---|")
    for name in sorted(set(empty) | set(full), key=lambda n: -full.get(n, 0)):
        print(f"| {name} | {empty.get(name, 0):,} | {full.get(name, 0):,} |")
    print(f"| all | {sum(empty.values()):,} | {sum(full.values()):,} |")


if __name__ == "__main__":
    main()
