"""A replica's durable place in the decision log, and the commands it has seen decided, in SQLite.

The position advances in the same transaction as the record's effects, so a replica that
stops anywhere resumes exactly after the last record it applied. Until the console's own
database carries these tables (a storage migration, when the log is wired in), they live in
the file given here, created if missing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.replication.records import COMMAND, LogRecord, Position

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS replication_position (
        fund_id TEXT PRIMARY KEY,
        next_offset INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS replication_command (
        fund_id TEXT NOT NULL,
        command_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        PRIMARY KEY (fund_id, command_id)
    )""",
)


class ReplicaState:
    """Position and decided commands of one fund, in one SQLite file (WAL, synchronous=NORMAL).

    Everything this connection writes comes from the log (the records applied, the position,
    the outcomes read): a commit lost to a power cut is read again from the log, and the WAL
    keeps commits in order, so the position never outlives the rows applied with it. Without
    a sync per batch, a replica's lag is no longer its disk's.
    """

    def __init__(self, path: Path, fund_id: str, *, check_same_thread: bool = True) -> None:
        self.fund_id = fund_id
        self.conn = sqlite3.connect(
            path, isolation_level=None, timeout=10, check_same_thread=check_same_thread
        )
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        for statement in SCHEMA:
            self.conn.execute(statement)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def position(self) -> Position:
        row = self.conn.execute(
            "SELECT next_offset, epoch, seq FROM replication_position WHERE fund_id = ?",
            (self.fund_id,),
        ).fetchone()
        return Position(*row) if row else Position()

    def advance(self, conn: sqlite3.Connection, position: Position) -> None:
        """Store the position, inside the caller's transaction."""
        conn.execute(
            "INSERT INTO replication_position (fund_id, next_offset, epoch, seq)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (fund_id) DO UPDATE SET"
            " next_offset = excluded.next_offset, epoch = excluded.epoch, seq = excluded.seq",
            (self.fund_id, position.next_offset, position.epoch, position.seq),
        )

    def note_command(self, conn: sqlite3.Connection, record: LogRecord) -> None:
        """Remember a command's outcome record, inside the caller's transaction (the first
        outcome of a command id is the one that counts)."""
        if record.kind != COMMAND:
            return
        conn.execute(
            "INSERT OR IGNORE INTO replication_command"
            " (fund_id, command_id, epoch, seq, outcome) VALUES (?, ?, ?, ?, ?)",
            (
                self.fund_id,
                str(record.payload.get("command_id", "")),
                record.epoch,
                record.seq,
                json.dumps(record.payload, ensure_ascii=False),
            ),
        )

    def command_outcome(self, command_id: str) -> dict[str, Any] | None:
        """The outcome a command got, as the log says, or None when it has none yet."""
        row = self.conn.execute(
            "SELECT outcome FROM replication_command WHERE fund_id = ? AND command_id = ?",
            (self.fund_id, command_id),
        ).fetchone()
        return json.loads(row[0]) if row else None
