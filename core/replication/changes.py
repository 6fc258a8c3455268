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

A `changes` payload of format 2 (this console's) holds `runs`: [table, its columns, rows],
each row [rowid, the values in those columns] for puts, [rowid] for deletes (columns null),
a table's runs in the order of its changes. Format 1 (no `format`: the consoles before it)
holds `rows`, each [table, op, rowid, the row as an object]; both are read. A newer format
stops the reader at that record (never skipped): the console must be upgraded.
"""

from __future__ import annotations

import json
import sqlite3
from itertools import chain
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
FORMAT = 2  # of the `changes` payloads this console writes
READS = (1, 2)  # the formats it reads


class NewerFormat(RuntimeError):
    """A `changes` record of a format this console cannot read: the reader stops there."""


def pending_changes(conn: sqlite3.Connection, limit: int = 5000) -> list[tuple[Any, ...]]:
    """The oldest committed changes not yet in the log: (id, tbl, op, row_id, row)."""
    return conn.execute(
        f"SELECT id, tbl, op, row_id, row FROM {CHANGE_TABLE} ORDER BY id LIMIT ?", (limit,)
    ).fetchall()


def runs_json(rows: list[tuple[Any, ...]], columns: dict[str, list[str]]) -> str:
    """The captured rows (id, tbl, op, row_id, row) as a format-2 `runs` array, JSON text:
    the rows are JSON already, written in as they are (parsing them only to write them again
    cost the arbiter more than its rules did). columns: each table's, as its triggers
    capture them; a row captured as an object (before an upgrade, or named before a
    migration) goes in a run of its own columns."""
    tables: dict[str, list[tuple[Any, list[str]]]] = {}
    for _id, tbl, op, row_id, row in rows:
        if op == "del" or row is None:
            key: Any = None
            part = f"[{int(row_id)}]"
        elif row.startswith("["):
            key = True  # the table's columns
            part = row
        else:
            named = json.loads(row)
            key = tuple(named)
            part = json.dumps([int(row_id), *named.values()], separators=(",", ":"))
        runs = tables.get(tbl)
        if runs is None:
            tables[tbl] = [(key, [part])]
        elif runs[-1][0] == key:
            runs[-1][1].append(part)
        else:
            runs.append((key, [part]))
    out = []
    for tbl, runs in tables.items():
        name = json.dumps(tbl)
        for key, parts in runs:
            names = columns[tbl] if key is True else key
            head = "null" if names is None else json.dumps(list(names))
            out.append(f"[{name},{head},[{','.join(parts)}]]")
    return f"[{','.join(out)}]"


def changeset_payload(rows: list[tuple[Any, ...]], columns: dict[str, list[str]]) -> dict[str, Any]:
    return {"upto": rows[-1][0], "format": FORMAT, "runs": json.loads(runs_json(rows, columns))}


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


# Rows from which a flush sets the tables' capture and backlog triggers aside while it writes
# (dropped, and created again from their own SQL in the same transaction, so no other
# connection ever sees them gone): while a replica applies, the capture is off and the
# backlog counter is counted again after (RowBuffer.outbox), so they do nothing but cost a
# trigger program a row, a quarter of a catch-up's SQL (measured: 0.5 of 2.2 s CPU for
# 100,000 decisions). Below it, the schema change would cost more than it saves.
BULK_ROWS = 20_000
_SET_ASIDE = ("rc_*", "outbox_backlog_*")  # GLOB patterns of those triggers' names


# Rows one INSERT writes (a VALUES list of that many): per row, executemany's own work and
# its release and retaking of the GIL cost more than SQLite's (measured: 1.1 against 1.7 s
# CPU for 100,000 decisions, and half the wall time beside a busy event loop thread).
STATEMENT_ROWS = 500


class RowBuffer:
    """The rows of consecutive `changes` records, written together at flush().

    Each table's changes are written in their order, in runs of the same operation and
    columns, STATEMENT_ROWS rows a statement (a statement per row cost more than SQLite's own
    work: each releases and retakes the GIL, which the event loop's thread holds while it
    reads the next records); a format-2 record's rows are the parameters as decoded.
    Tables are written one after another: a change touches only its own table's rows (an
    INSERT OR REPLACE that removes a row holding the same unique key removes it from that
    table, and no delete is captured for it, so within a table the order is kept), so this
    leaves the rows that applying every change in order leaves.
    """

    def __init__(self) -> None:
        # each table's runs: [columns (None: deletes), parameters]
        self._tables: dict[str, list[list[Any]]] = {}
        self._sql: dict[tuple[str, tuple[str, ...], int], str] = {}
        self.outbox = False  # an outbox row was held since the last clear()

    def add_payload(self, payload: dict[str, Any]) -> None:
        """A `changes` record's rows, of any format this console reads."""
        form = payload.get("format", 1)
        if form == 2:
            self.add_runs(payload["runs"])
        elif form == 1:
            self.add(payload["rows"])
        else:
            raise NewerFormat(
                f"a changes record of format {form!r}; this console reads formats"
                f" {', '.join(map(str, READS))}: upgrade it"
            )

    def add_runs(self, runs: list[list[Any]]) -> None:
        """Format 2: [table, columns or None, rows]."""
        tables = self._tables
        for tbl, columns, rows in runs:
            key = None if columns is None else tuple(columns)
            held = tables.get(tbl)
            if held is None:
                tables[tbl] = [[key, list(rows)]]
            elif held[-1][0] == key:
                held[-1][1].extend(rows)
            else:
                held.append([key, list(rows)])
        if "outbox" in tables:
            self.outbox = True

    def add(self, rows: list[list[Any]]) -> None:
        """Format 1: [table, op, rowid, the row as an object]."""
        tables = self._tables
        for tbl, op, row_id, row in rows:
            if op == "del" or row is None:
                key: tuple[str, ...] | None = None
                params: tuple[Any, ...] = (row_id,)
            else:
                key = tuple(row)
                params = (row_id, *row.values())
            held = tables.get(tbl)
            if held is None:
                tables[tbl] = [[key, [params]]]
            elif held[-1][0] == key:
                held[-1][1].append(params)
            else:
                held.append([key, [params]])
        if "outbox" in tables:
            self.outbox = True

    def clear(self) -> None:
        self._tables.clear()
        self.outbox = False

    def size(self) -> int:
        return sum(len(run) for runs in self._tables.values() for _key, run in runs)

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the rows held, in the caller's transaction (capture off), and forget them;
        the caller recounts the backlog when self.outbox says so."""
        aside = _set_aside(conn, list(self._tables)) if self.size() >= BULK_ROWS else []
        try:
            for tbl, runs in self._tables.items():
                for key, run in runs:
                    self._write(conn, tbl, key, run)
        finally:
            if conn.in_transaction:  # (a failure SQLite rolled back took the drops back too)
                for sql in aside:
                    conn.execute(sql)
        self._tables.clear()

    def _write(
        self,
        conn: sqlite3.Connection,
        tbl: str,
        key: tuple[str, ...] | None,
        run: list[Any],
    ) -> None:
        if not run:
            return
        if key is None:
            conn.executemany(f"DELETE FROM main.{_quoted(tbl)} WHERE rowid = ?", run)
            return
        width = len(key) + 1
        if set(map(len, run)) != {width}:  # (a statement of many rows would shift them)
            raise ValueError(f"a row of {tbl} without a value for each of its columns")
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(STATEMENT_ROWS, limit // width))
        for at in range(0, len(run), per):
            part = run[at : at + per]
            sql = self._insert(tbl, key, len(part), cache=len(part) == per)
            try:
                conn.execute(sql, list(chain.from_iterable(part)))
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
                # a BLOB comes as {"$hex": ...}, which SQLite cannot bind: the rows again,
                # decoded (the statement wrote nothing)
                conn.execute(sql, [value(v) for p in part for v in p])

    def _insert(self, tbl: str, key: tuple[str, ...], rows: int, *, cache: bool) -> str:
        sql = self._sql.get((tbl, key, rows))
        if sql is None:
            names = ", ".join(["rowid", *(_quoted(c) for c in key)])
            one = "(" + ", ".join("?" * (len(key) + 1)) + ")"
            sql = f"INSERT OR REPLACE INTO main.{_quoted(tbl)} ({names}) VALUES " + ", ".join(
                [one] * rows
            )
            if cache:
                self._sql[(tbl, key, rows)] = sql
        return sql


def _set_aside(conn: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Drop the capture and backlog triggers of these tables; the SQL that creates them."""
    marks = ", ".join("?" * len(tables))
    names = " OR ".join("name GLOB ?" for _ in _SET_ASIDE)
    found = conn.execute(
        f"SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'"
        f" AND tbl_name IN ({marks}) AND ({names})",
        (*tables, *_SET_ASIDE),
    ).fetchall()
    for name, _sql in found:
        conn.execute(f"DROP TRIGGER main.{_quoted(name)}")
    return [sql for _name, sql in found]


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
        rows.add_payload(record.payload)
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
        self.columns = replicated_tables(conn)  # as the triggers capture them

    async def publish_pending(self) -> int:
        """Append every pending change (in changesets of at most limit rows); how many sets."""
        sets = 0
        while rows := pending_changes(self.conn, self.limit):
            payload = changeset_payload(rows, self.columns)
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
            payload = changeset_payload(rows, self.columns)
            await self.writer.append(CHANGES, payload)
            forget_published(self.conn, payload["upto"])
            self.published += 1
        await self.writer.append(SNAPSHOT, snapshot_payload(self.conn))
