"""peewee's query builder vs the SQL the store runs: `python -m tests.bench.storage_sql`.

The store writes through peewee's database (connections, pragmas, transactions) but states
its statements in SQL. This measures what the query builder would add on the statements a
batch of responses runs (rows of activity inserted, application rows updated one by one,
the applications list read), each written both ways against the same migrated file in one
process, in one transaction (so fsync is not what is measured). CPU seconds per form and the
ratio builder / SQL; best of --repeat runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import peewee as pw
from playhouse.reflection import generate_models

from core.storage import Store


def models(db: pw.Database) -> tuple[type[pw.Model], type[pw.Model]]:
    """The two tables as peewee models of their current columns (what models would describe),
    read from the migrated file itself, so the bench restates no schema."""
    found = generate_models(db, table_names=["application", "activity"])
    return found["application"], found["activity"]


def cpu(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--apps", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "console.db")
        application, activity = models(store.db)
        now = datetime(2026, 12, 1, 12).isoformat()
        with store.transaction() as c:
            c.executemany(
                "INSERT INTO application (id, fund_id, name, description, date, start, end,"
                " capacity, status, policy, offer_timeout_s, created_at, updated_at, next_seq)"
                " VALUES (?, 'f', ?, '', '2026-12-05', '10:00', '12:00', 5, 'open',"
                " 'broadcast', 1800, ?, ?, 1)",
                [(str(i), f"Application {i}", now, now) for i in range(args.apps)],
            )
        rows = [
            (str(i % args.apps), now, "volunteer", "signed_up", str(i), "{}", f"m{i}")
            for i in range(args.rows)
        ]
        names = ("application_id", "at", "actor", "kind", "volunteer_id", "params", "cause")
        dicts = [dict(zip(names, r, strict=True)) for r in rows]

        def insert_sql() -> None:
            with store.transaction() as c:
                c.executemany(
                    "INSERT INTO activity (application_id, at, actor, kind, volunteer_id,"
                    " params, cause) VALUES (?,?,?,?,?,?,?)",
                    rows,
                )

        def insert_builder() -> None:
            with store.transaction():
                for chunk in pw.chunked(dicts, 500):  # SQLite's bound-variable limit
                    activity.insert_many(chunk).execute()

        ids = [str(i % args.apps) for i in range(args.rows)]

        def update_sql() -> None:
            with store.transaction() as c:
                for i, app_id in enumerate(ids):
                    c.execute(
                        "UPDATE application SET signed_count = ?, updated_at = ? WHERE id = ?",
                        (i, now, app_id),
                    )

        def update_builder() -> None:
            with store.transaction():
                for i, app_id in enumerate(ids):
                    application.update(signed_count=i, updated_at=now).where(
                        application.id == app_id
                    ).execute()

        columns = "id, name, date, start, end, capacity, status, signed_count, waiting_count"

        def read_sql() -> None:
            store.conn.execute(f"SELECT {columns} FROM application ORDER BY date, id").fetchall()

        fields = [getattr(application, n.strip()) for n in columns.split(",")]

        def read_builder() -> None:
            list(application.select(*fields).order_by(application.date, application.id).tuples())

        def read_objects() -> None:
            list(application.select(*fields).order_by(application.date, application.id))

        print(f"rows {args.rows:,}, applications {args.apps:,}; CPU s, best of {args.repeat}")
        print(f"{'statement':52} {'SQL':>8} {'builder':>8} {'ratio':>6}")
        for what, sql, builder in (
            (f"insert {args.rows:,} activity rows", insert_sql, insert_builder),
            (f"update {args.rows:,} application rows one by one", update_sql, update_builder),
            (f"read {args.apps:,} applications (tuples)", read_sql, read_builder),
            (f"read {args.apps:,} applications (model objects)", read_sql, read_objects),
        ):
            a, b = cpu(sql, args.repeat), cpu(builder, args.repeat)
            print(f"{what:52} {a:8.4f} {b:8.4f} {b / a:6.1f}")
        store.close()


if __name__ == "__main__":
    main()
