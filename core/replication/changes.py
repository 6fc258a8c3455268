"""Per-commit changesets: the rows the arbiter's transactions wrote, captured in SQLite itself.

On the arbiter, triggers (core/replication/capture.py: built from the tables' current
columns, so a migration that adds a column is followed without code) copy every row a
transaction inserts, updates or deletes into the table replication_change, inside that same
transaction. A publisher reads only committed rows, so what it sends is always whole
transactions; it appends them to the decision log as one `changes` record and deletes them
once the log confirmed it. A replica applies a changeset by rowid (put = the whole row,
del = gone) in one transaction with its position, so it holds the arbiter's rows exactly.
Applying the same changeset twice in a row leaves the same rows, so a republish after a
crash between the confirm and the delete changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from core.replication.capture import (
    CHANGE_TABLE,
    NOT_REPLICATED,
    capture_on,
    install_capture,
    replicated_tables,
    set_capture,
    value,
)
from core.replication.capture import quoted as _quoted
from core.replication.log import LogWriter
from core.replication.records import SNAPSHOT, LogRecord
from core.storage import recount_backlog

__all__ = ["NOT_REPLICATED", "install_capture", "replicated_tables"]

CHANGES = "changes"


def pending_changes(conn: sqlite3.Connection, limit: int = 5000) -> list[tuple[Any, ...]]:
    """The oldest committed changes not yet in the log: (id, tbl, op, row_id, row)."""
    return conn.execute(
        f"SELECT id, tbl, op, row_id, row FROM {CHANGE_TABLE} ORDER BY id LIMIT ?", (limit,)
    ).fetchall()


def changeset_payload(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {
        "upto": rows[-1][0],
        "rows": [
            [tbl, op, row_id, json.loads(row) if row else None] for _, tbl, op, row_id, row in rows
        ],
    }


def forget_published(conn: sqlite3.Connection, upto: int) -> None:
    conn.execute(f"DELETE FROM {CHANGE_TABLE} WHERE id <= ?", (upto,))


def _json_value(v: Any) -> Any:
    return {"$hex": bytes(v).hex().upper()} if isinstance(v, bytes | memoryview) else v


def snapshot_payload(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every replicated table's rows (rowid first), read in one snapshot of the file."""
    tables: dict[str, Any] = {}
    conn.execute("BEGIN")  # one read transaction: the tables agree with each other
    try:
        for name, columns in replicated_tables(conn).items():
            cols = ", ".join(_quoted(c) for c in columns)
            rows = conn.execute(f"SELECT rowid, {cols} FROM main.{_quoted(name)} ORDER BY rowid")
            tables[name] = {
                "columns": columns,
                "rows": [[_json_value(v) for v in row] for row in rows],
            }
    finally:
        conn.execute("COMMIT")
    return {"tables": tables}


def apply_snapshot(conn: sqlite3.Connection, record: LogRecord) -> None:
    """Replace every replicated table's rows by a snapshot's, in the caller's transaction."""
    tables = record.payload["tables"]
    for name in replicated_tables(conn):
        conn.execute(f"DELETE FROM main.{_quoted(name)}")
        if name not in tables:
            continue
        columns = tables[name]["columns"]
        names = ", ".join(["rowid", *(_quoted(c) for c in columns)])
        marks = ", ".join("?" * (len(columns) + 1))
        conn.executemany(
            f"INSERT INTO main.{_quoted(name)} ({names}) VALUES ({marks})",
            [tuple(value(v) for v in row) for row in tables[name]["rows"]],
        )


class RowBuffer:
    """The rows of consecutive `changes` records, written together at flush().

    Each table's changes are written in their order, in runs of the same operation and
    columns, one executemany a run (a statement per row cost more than SQLite's own work:
    each releases and retakes the GIL, which the event loop's thread holds while it reads the
    next records). Tables are written one after another: a change touches only its own
    table's rows (an INSERT OR REPLACE that removes a row holding the same unique key removes
    it from that table, and no delete is captured for it, so within a table the order is
    kept), so this leaves the rows that applying every change in order leaves.
    """

    def __init__(self) -> None:
        self._tables: dict[str, list[list[Any]]] = {}
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}
        self.outbox = False  # an outbox row was held since the last clear()

    def add(self, rows: list[list[Any]]) -> None:
        tables = self._tables
        for row in rows:
            held = tables.get(row[0])
            if held is None:
                tables[row[0]] = [row]
            else:
                held.append(row)
        if "outbox" in tables:
            self.outbox = True

    def clear(self) -> None:
        self._tables.clear()
        self.outbox = False

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the rows held, in the caller's transaction (capture off), and forget them."""
        for tbl, rows in self._tables.items():
            run: list[tuple[Any, ...]] = []
            key: tuple[str, ...] | None = None  # () for deletes, else the put's columns
            for _tbl, op, row_id, row in rows:
                if op == "del" or row is None:
                    if key != ():
                        self._write(conn, tbl, key, run)
                        run, key = [], ()
                    run.append((row_id,))
                else:
                    columns = tuple(row)
                    if key != columns:
                        self._write(conn, tbl, key, run)
                        run, key = [], columns
                    run.append((row_id, *row.values()))
            self._write(conn, tbl, key, run)
        self._tables.clear()

    def _write(
        self,
        conn: sqlite3.Connection,
        tbl: str,
        key: tuple[str, ...] | None,
        run: list[tuple[Any, ...]],
    ) -> None:
        if not run or key is None:
            return
        if key == ():
            conn.executemany(f"DELETE FROM main.{_quoted(tbl)} WHERE rowid = ?", run)
            return
        sql = self._sql.get((tbl, key))
        if sql is None:
            names = ", ".join(["rowid", *(_quoted(c) for c in key)])
            marks = ", ".join("?" * (len(key) + 1))
            sql = f"INSERT OR REPLACE INTO main.{_quoted(tbl)} ({names}) VALUES ({marks})"
            self._sql[(tbl, key)] = sql
        try:
            conn.executemany(sql, run)
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            # a BLOB comes as {"$hex": ...}, which SQLite cannot bind: the run again, decoded
            # (the rows before the BLOB's are written again with the same values)
            conn.executemany(sql, [tuple(value(v) for v in p) for p in run])


def apply_changeset(conn: sqlite3.Connection, record: LogRecord) -> None:
    """Apply a `changes` or `snapshot` record in the caller's transaction (other kinds are
    not rows), with the capture off: a replica's applying is not a decision of its own."""
    if record.kind not in (SNAPSHOT, CHANGES):
        return
    was = capture_on(conn)
    if was:
        set_capture(conn, False)
    try:
        if record.kind == SNAPSHOT:
            apply_snapshot(conn, record)
            recount_backlog(conn)
            return
        rows = RowBuffer()
        rows.add(record.payload["rows"])
        rows.flush(conn)
        if rows.outbox:
            recount_backlog(conn)
    finally:
        if was:
            set_capture(conn, True)


class ChangesetPublisher:
    """The arbiter's side: appends the committed changes to the log in order, then forgets
    them. Run it between transactions (after each commit): it never sees half of one."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        writer: LogWriter,
        *,
        limit: int = 5000,
        snapshot_every: int | None = None,
    ):
        self.conn = conn
        self.writer = writer
        self.limit = limit
        self.snapshot_every = snapshot_every
        self.published = 0
        self._since_snapshot = 0

    async def publish_pending(self) -> int:
        """Append every pending change (in changesets of at most limit rows); how many sets."""
        sets = 0
        while rows := pending_changes(self.conn, self.limit):
            payload = changeset_payload(rows)
            await self.writer.append(CHANGES, payload)
            forget_published(self.conn, payload["upto"])
            sets += 1
        self.published += sets
        self._since_snapshot += sets
        if self.snapshot_every is not None and self._since_snapshot >= self.snapshot_every:
            await self.publish_snapshot()
        return sets

    async def publish_snapshot(self) -> None:
        """Append the whole replicated state (after the pending changes), so a replica the
        retention left behind can start again from it: at the start of each epoch, and every
        snapshot_every changesets when that is set."""
        self._since_snapshot = 0
        while rows := pending_changes(self.conn, self.limit):
            payload = changeset_payload(rows)
            await self.writer.append(CHANGES, payload)
            forget_published(self.conn, payload["upto"])
            self.published += 1
        await self.writer.append(SNAPSHOT, snapshot_payload(self.conn))
