"""Per-commit changesets: captured on the arbiter's SQLite file, applied into a replica's."""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import ManualClock
from core.engine import Delivery, Engine
from core.replication.capture import name_pending_columns, put_row
from core.replication.changes import (
    CHANGES,
    NOT_REPLICATED,
    NewerFormat,
    RowBuffer,
    apply_changeset,
    changeset_payload,
    forget_published,
    install_capture,
    pending_changes,
    replicated_tables,
    runs_json,
)
from core.replication.records import LogRecord
from core.replication.state import ReplicaState
from core.storage import Store
from tests.helpers.factories import a_form, response
from tests.helpers.replicated import table_rows

FUND = "123"


class Pair:
    """An arbiter's console file with the capture installed, and a replica's file."""

    def __init__(self, tmp_path: Path, clock: ManualClock) -> None:
        self.arbiter_path = tmp_path / "arbiter" / "console.db"
        self.replica_path = tmp_path / "replica" / "console.db"
        self.store = Store(self.arbiter_path)
        self.captured = install_capture(self.store.conn)
        self.engine = Engine(self.store, FUND, clock)
        Store(self.replica_path).close()  # the same schema, empty
        self.replica = ReplicaState(self.replica_path, FUND)
        self.epoch, self.seq, self.offset = 0, 0, 0

    def ship(self, old_format: bool = False) -> int:
        """Move the committed changes into the replica as one log record would (of format 1,
        as the consoles before format 2 wrote it, with old_format); how many."""
        rows = pending_changes(self.store.conn)
        if not rows:
            return 0
        if old_format:
            payload = format_1_payload(self.store.conn)
        else:
            payload = changeset_payload(rows, replicated_tables(self.store.conn))
        record = LogRecord(self.epoch, self.seq, CHANGES, payload, self.offset)
        with self.replica.transaction() as conn:
            apply_changeset(conn, record)
        forget_published(self.store.conn, payload["upto"])
        self.seq += 1
        self.offset += 1
        return len(rows)

    def close(self) -> None:
        self.store.close()
        self.replica.close()


def format_1_payload(conn: sqlite3.Connection) -> dict[str, Any]:
    """The pending changes as a `changes` payload of format 1: each row an object."""
    name_pending_columns(conn)
    rows = pending_changes(conn)
    return {
        "upto": rows[-1][0],
        "rows": [[t, op, rid, json.loads(row) if row else None] for _, t, op, rid, row in rows],
    }


@pytest.fixture
def pair(tmp_path: Path, clock: ManualClock) -> Iterator[Pair]:
    p = Pair(tmp_path, clock)
    yield p
    p.close()


def test_capture_covers_every_table_but_the_replication_ones(pair: Pair) -> None:
    assert set(pair.captured) == set(table_rows(pair.arbiter_path))
    assert not set(pair.captured) & NOT_REPLICATED
    assert {"application", "participation", "offer_round", "offer", "inbox", "outbox"} <= set(
        pair.captured
    )
    assert {"activity", "rejected"} <= set(pair.captured)


def test_replica_holds_the_arbiters_rows_after_a_stream_of_responses_and_actions(
    pair: Pair, clock: ManualClock
) -> None:
    engine = pair.engine
    app = engine.create_application(a_form(clock, spots=3, policy="broadcast"))
    other = engine.create_application(a_form(clock, spots=2, policy="auto"))
    pair.ship()
    for v in range(1, 8):
        engine.handle([response(FUND, app, f"{v}"), response(FUND, other, f"{v + 100}")])
        pair.ship()
    engine.handle([response(FUND, app, "2", "declined"), response(FUND, other, "101", "declined")])
    engine.handle([response(FUND, app, "2", "declined")])  # a repeat changes nothing
    engine.handle([response(FUND, app, "7", "accepted")])
    pair.ship()
    engine.set_capacity(app, 5)
    engine.remove_volunteer(other, "102")
    clock.advance(minutes=5)  # offer rounds time out
    engine.tick()
    bad = response(FUND, app, "9")
    engine.handle([Delivery(b"{not json", exchange=bad.exchange, routing_key=bad.routing_key)])
    pair.store.mark_sent([row.seq for row in pair.store.pending_outbox()[:5]], clock.now())
    engine.close(other)
    shipped = pair.ship()

    assert shipped > 0
    arbiter, replica = table_rows(pair.arbiter_path), table_rows(pair.replica_path)
    assert replica == arbiter
    assert arbiter["participation"] and arbiter["outbox"] and arbiter["rejected"]
    assert pending_changes(pair.store.conn) == []
    # The replica's file opens as a console and shows the same applications.
    replica_store = Store(pair.replica_path)
    try:
        twin = Engine(replica_store, FUND, clock)
        assert twin.state(app) == engine.state(app)
        assert twin.state(other) == engine.state(other)
    finally:
        replica_store.close()


def test_a_changeset_applied_twice_in_a_row_changes_nothing_more(
    pair: Pair, clock: ManualClock
) -> None:
    app = pair.engine.create_application(a_form(clock, spots=1))
    pair.engine.handle([response(FUND, app, "1"), response(FUND, app, "2")])
    pair.engine.handle([response(FUND, app, "1", "declined")])
    payload = changeset_payload(
        pending_changes(pair.store.conn), replicated_tables(pair.store.conn)
    )
    record = LogRecord(0, 0, CHANGES, payload, 0)
    with pair.replica.transaction() as conn:
        apply_changeset(conn, record)
    once = table_rows(pair.replica_path)
    with pair.replica.transaction() as conn:
        apply_changeset(conn, record)

    assert table_rows(pair.replica_path) == once == table_rows(pair.arbiter_path)


def test_a_blob_and_a_deleted_row_travel(pair: Pair) -> None:
    conn = pair.store.conn
    conn.execute(
        "INSERT INTO rejected (received_at, exchange, routing_key, message_id, reason, size, body)"
        " VALUES ('2026-03-02T09:00:00', 'x', 'k', 'm', 'bad', 3, x'00ff10')"
    )
    conn.execute(
        "INSERT INTO rejected (received_at, exchange, routing_key, message_id, reason, size, body)"
        " VALUES ('2026-03-02T09:00:01', 'x', 'k', 'm2', 'bad', 1, x'01')"
    )
    pair.ship()
    conn.execute("DELETE FROM rejected WHERE message_id = 'm2'")
    pair.ship()

    assert table_rows(pair.replica_path)["rejected"] == table_rows(pair.arbiter_path)["rejected"]
    [row] = table_rows(pair.replica_path)["rejected"]
    assert b"\x00\xff\x10" in row


def test_v6_database_gets_the_replication_tables_with_its_data_intact(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "v6.db"
    old = Store(path, upto_version=6)
    # Written as a v6 console wrote it: today's engine writes columns v6 did not have yet.
    app = "456"
    with old.transaction() as c:
        c.execute(
            "INSERT INTO application (id, fund_id, name, description, date, start, end, capacity,"
            " status, policy, offer_timeout_s, created_at, updated_at, next_seq) VALUES"
            f" ('{app}', '{FUND}', 'Shift', '', '2026-03-10', '10:00:00', '13:00:00', 2, 'open',"
            " 'broadcast', 120, '2026-03-02T09:00:00', '2026-03-02T09:00:00', 1)"
        )
    before = table_rows(path)
    old.close()

    # The replication tables came with v7 and v8; later steps add columns of their own.
    store = Store(path, upto_version=8)
    try:
        assert store.schema_version() == 8
        tables = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        # the directory comes with v12, the backlog counter with v14, the hash tiers with v19
        later = {"volunteer", "outbox_backlog", "inbox_key_recent", "inbox_key_older"}
        assert tables >= NOT_REPLICATED - later
        assert table_rows(path) == before
    finally:
        store.close()
    store = Store(path)  # and on to the current schema
    try:
        assert Engine(store, FUND, clock).state(app) is not None
        # ReplicaState opens the migrated file as it is
        state = ReplicaState(path, FUND)
        assert state.position().next_offset == 0
        state.close()
    finally:
        store.close()


def test_a_running_replica_console_sees_each_applied_changeset(
    pair: Pair, clock: ManualClock
) -> None:
    """The replica's own Store and Engine stay open while the log is applied beside them
    (another connection): the engine's cache follows every commit."""
    app = pair.engine.create_application(a_form(clock, spots=2))
    pair.ship()
    replica_store = Store(pair.replica_path)
    try:
        twin = Engine(replica_store, FUND, clock)
        assert twin.state(app) == pair.engine.state(app)
        pair.engine.handle([response(FUND, app, "1"), response(FUND, app, "2")])
        pair.engine.handle([response(FUND, app, "3")])
        pair.ship()
        assert twin.state(app) == pair.engine.state(app)
        state = twin.state(app)
        assert state is not None and state.waitlist() == ["3"]
    finally:
        replica_store.close()


def _tiny_db(path: Path) -> sqlite3.Connection:
    """A file with one replicated table (a unique key, a BLOB) and the capture's tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE thing (name TEXT UNIQUE, n INTEGER, data BLOB)")
    conn.execute(
        "CREATE TABLE replication_change (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL,"
        " op TEXT NOT NULL, row_id INTEGER NOT NULL, row TEXT, old TEXT)"
    )
    conn.execute('CREATE TABLE replication_capture (id INTEGER PRIMARY KEY, "on" INTEGER)')
    return conn


@pytest.mark.parametrize("statement_rows", [500, 7])
def test_rows_of_many_records_written_together_equal_the_changes_applied_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statement_rows: int
) -> None:
    """RowBuffer keeps each row's last change and writes them grouped: after random inserts,
    updates (a rowid moved, a unique name taken over by another row) and deletes, split into
    records at random (of format 2, some of format 1), it leaves the rows that applying every
    change in order leaves (a run in one statement, or in several)."""
    from core.replication import changes

    monkeypatch.setattr(changes, "STATEMENT_ROWS", statement_rows)
    rng = random.Random(7)
    source = _tiny_db(tmp_path / "source.db")
    install_capture(source)
    in_order, together = _tiny_db(tmp_path / "a.db"), _tiny_db(tmp_path / "b.db")
    buffer = RowBuffer()
    for _round in range(30):
        for _ in range(rng.randint(1, 40)):
            name = f"n{rng.randint(0, 25)}"
            roll = rng.random()
            if roll < 0.5:  # a new row, or one taking a name over (REPLACE removes the holder)
                blob = bytes([rng.randint(0, 255)]) if rng.random() < 0.3 else None
                source.execute(
                    "INSERT OR REPLACE INTO thing (name, n, data) VALUES (?, ?, ?)",
                    (name, rng.randint(0, 9), blob),
                )
            elif roll < 0.7:
                source.execute("UPDATE thing SET n = n + 1 WHERE name = ?", (name,))
            elif roll < 0.8:
                source.execute(
                    "UPDATE thing SET rowid = rowid + 1000 WHERE name = ?"
                    " AND rowid + 1000 NOT IN (SELECT rowid FROM thing)",
                    (name,),
                )
            else:
                source.execute("DELETE FROM thing WHERE name = ?", (name,))
        captured = source.execute(
            "SELECT id, tbl, op, row_id, row FROM replication_change ORDER BY id"
        ).fetchall()
        runs = json.loads(runs_json(captured, replicated_tables(source)))
        name_pending_columns(source)  # the same changes as format 1 names them
        rows = [
            [tbl, op, row_id, json.loads(row) if row else None]
            for _id, tbl, op, row_id, row in source.execute(
                "SELECT id, tbl, op, row_id, row FROM replication_change ORDER BY id"
            )
        ]
        source.execute("DELETE FROM replication_change")
        together.execute("BEGIN")
        if rng.random() < 0.3:  # records of both formats meet in one buffer
            buffer.add(rows)
        else:
            buffer.add_runs(runs)
        if rng.random() < 0.4:  # several records in one transaction, or one
            buffer.flush(together)
        together.execute("COMMIT")
        in_order.execute("BEGIN")
        for tbl, op, row_id, row in rows:
            if op == "del":
                in_order.execute(f"DELETE FROM {tbl} WHERE rowid = ?", (row_id,))
            else:
                put_row(in_order, tbl, row_id, row)
        in_order.execute("COMMIT")
    buffer.flush(together)

    def everything(c: sqlite3.Connection) -> list[tuple[object, ...]]:
        return c.execute("SELECT rowid, name, n, data FROM thing ORDER BY rowid").fetchall()

    assert everything(together) == everything(in_order) == everything(source)
    assert any(r[3] is not None for r in everything(source))  # BLOBs went through
    assert len(everything(source)) > 5


def test_records_of_format_1_still_apply_beside_format_2(pair: Pair, clock: ManualClock) -> None:
    """A stream written before the compact format (an upgrade reads what the log holds of it):
    records of both formats, one after the other, leave the arbiter's rows."""
    engine = pair.engine
    app = engine.create_application(a_form(clock, spots=3, policy="broadcast"))
    pair.ship(old_format=True)
    for v in range(1, 9):
        engine.handle([response(FUND, app, f"{v}")])
        pair.ship(old_format=v % 2 == 0)
    engine.handle([response(FUND, app, "2", "declined")])
    engine.remove_volunteer(app, "5")
    pair.ship(old_format=True)

    assert table_rows(pair.replica_path) == table_rows(pair.arbiter_path)


def test_rows_an_older_console_captured_go_out_in_format_2(pair: Pair, clock: ManualClock) -> None:
    """Rows still waiting for the log when the console was upgraded were captured as objects:
    published in runs of their own columns, they apply as the others do."""
    engine = pair.engine
    app = engine.create_application(a_form(clock, spots=2))
    engine.handle([response(FUND, app, "1"), response(FUND, app, "2")])
    assert name_pending_columns(pair.store.conn) > 0  # as the older triggers left them
    engine.handle([response(FUND, app, "3")])  # and some captured by this console's
    rows = pending_changes(pair.store.conn)
    payload = changeset_payload(rows, replicated_tables(pair.store.conn))
    heads = [(tbl, columns) for tbl, columns, _rows in payload["runs"]]
    assert ("participation", replicated_tables(pair.store.conn)["participation"]) in heads
    pair.ship()

    assert table_rows(pair.replica_path) == table_rows(pair.arbiter_path)
    assert len(table_rows(pair.replica_path)["participation"]) == 3


def test_a_record_of_a_newer_format_is_refused_not_skipped(pair: Pair) -> None:
    record = LogRecord(0, 0, CHANGES, {"upto": 1, "format": 3, "runs": []}, 0)
    with pytest.raises(NewerFormat, match=r"format 3.*upgrade"), pair.replica.transaction() as c:
        apply_changeset(c, record)


def test_rows_waiting_for_the_log_across_a_migration_keep_their_columns(
    tmp_path: Path,
) -> None:
    """Captured at schema 15 (participation had 6 columns), published after the console
    migrated (16 added five): the rows name the columns they were captured in."""
    path = tmp_path / "arbiter" / "console.db"
    old = Store(path, upto_version=15)
    install_capture(old.conn)
    with old.transaction() as c:
        c.execute(
            "INSERT INTO participation (application_id, volunteer_id, state, responded_at, seq,"
            " since) VALUES ('1', 'v1', 'signed', '2026-03-02T09:00:00', 1,"
            " '2026-03-02T09:00:00')"
        )
    old.close()
    store = Store(path)  # migrated: the triggers capture the new columns from now on
    replica_path = tmp_path / "replica" / "console.db"
    Store(replica_path).close()
    replica = ReplicaState(replica_path, FUND)
    try:
        rows = pending_changes(store.conn)
        assert len(rows) == 1 and rows[0][4].startswith("{")
        record = LogRecord(0, 0, CHANGES, changeset_payload(rows, replicated_tables(store.conn)))
        with replica.transaction() as conn:
            apply_changeset(conn, record)
        assert table_rows(replica_path)["participation"] == table_rows(path)["participation"]
    finally:
        replica.close()
        store.close()


def test_a_bulk_flush_puts_the_triggers_it_set_aside_back(
    pair: Pair, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of many rows is written with the capture and backlog triggers set aside: the
    replica ends with the same rows, the same triggers, and its backlog counted."""
    from core.replication import changes

    monkeypatch.setattr(changes, "BULK_ROWS", 1)

    def triggers(path: Path) -> list[tuple[str, str]]:
        with contextlib.closing(sqlite3.connect(path)) as c:
            return c.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).fetchall()

    with pair.replica.transaction() as conn:
        install_capture(conn)  # a replica console's file has them (switched off to apply)
    before = triggers(pair.replica_path)
    engine = pair.engine
    app = engine.create_application(a_form(clock, spots=3))
    engine.handle([response(FUND, app, f"{v}") for v in range(1, 8)])
    pair.ship()

    assert table_rows(pair.replica_path) == table_rows(pair.arbiter_path)
    assert triggers(pair.replica_path) == before
    assert any(name.startswith("outbox_backlog") for name, _sql in before)
    replica = Store(pair.replica_path)
    try:
        assert replica.backlog() == pair.store.backlog() > 0
    finally:
        replica.close()


def test_a_row_short_of_a_value_stops_the_batch_rather_than_shift_the_next(pair: Pair) -> None:
    """Rows written by one statement: a row with a value too few (and one with a value too
    many after it) would move a value into the next row; the run is refused whole."""
    columns = replicated_tables(pair.store.conn)["activity"]
    good = [1, 1, "1", "2026-03-02T09:00:00", "coordinator", "created", None, None, "{}"]
    assert len(good) == len(columns) + 1
    runs = [["activity", columns, [good[:-1], [2, *good[1:], "extra"]]]]
    record = LogRecord(0, 0, CHANGES, {"upto": 2, "format": 2, "runs": runs}, 0)
    with pytest.raises(ValueError, match="activity"), pair.replica.transaction() as c:
        apply_changeset(c, record)
    assert table_rows(pair.replica_path)["activity"] == []
