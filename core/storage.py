"""Durable local state in one SQLite file through peewee's database: migrations, SQL state I/O."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from core.ids import reminder_message_id
from core.kinds import ActivityKind as A
from core.kinds import RoundEnd
from core.lines import Key as WaitKey
from core.lines import Participants, WaitLine
from core.outcomes import Listing
from core.replication.capture import (
    capture_on,
    drop_capture,
    install_capture,
    name_pending_columns,
)
from core.rules import AppState, Offer, Participant, Round

if TYPE_CHECKING:
    # At run time imported where used: the commands that only read (`app list`) open the
    # file with sqlite3 and never load peewee (a sixth of their start).
    import peewee as pw

    from core.checkpoint import Checkpointer
    from core.records import Activity

SCHEMA_VERSION = 19
BUSY_TIMEOUT_MS = 10_000
# The console's writer checkpoints the WAL between batches, when its queue has run empty
# (Writer.when_idle), at most once a second: SQLite's own checkpoint ran inside the commit
# that crossed 1,000 WAL pages, which at 100k rows was 90-110 ms added to most batches of
# 500. SQLite's stays as a backstop at this size, for a writer that is never idle.
WRITER_AUTOCHECKPOINT_PAGES = 10_000  # 40 MB of WAL
CHECKPOINT_EVERY_S = 1.0
# The page cache of a connection that writes (SQLite's default is 2 MB). A batch of 500
# responses spread over as many applications dirties about 2,500 pages at 1M rows (one leaf
# of each of the four indexes keyed by application or by a sender's random message id, per
# message): past the default the cache spilled dirty pages into the WAL mid-transaction and
# read them back, 170 KB written per message instead of 50 KB, inserts 2-3x slower.
# Allocated as pages are used: a command that reads a few pages takes a few pages.
WRITER_CACHE_KIB = 32 * 1024
# The start check reads as much of the file as this allows (measured: a 122 MB file takes
# 0.38 s from the page cache, 5.3 s from a cold disk); the background check reads the rest.
START_CHECK_BUDGET = 1.0


log = logging.getLogger(__name__)

# One encoder for every row: json.dumps with options builds a new encoder on each call.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _ts(when: datetime | None) -> str | None:
    return when.isoformat(sep="T", timespec="seconds") if when else None


def listing_of(columns: Sequence[Any]) -> Listing:
    """An application's six listing columns as stored (name, description, date, start, end
    as ISO text, capacity): the rules' state and the read side's summary read them alike."""
    name, description, day, start, end, capacity = columns
    return Listing(
        name,
        description,
        date.fromisoformat(day),
        time.fromisoformat(start),
        time.fromisoformat(end),
        capacity,
    )


# A signed-up volunteer asked to confirm who has not answered yet (rules.AppState.awaiting):
# the WHERE of the partial index participation_awaiting (_v17), word for word, so a query
# with it may use that index.
_AWAITING = (
    "state = 'signed' AND confirm_by IS NOT NULL AND confirmed_at IS NULL"
    " AND unconfirmed_at IS NULL"
)


def _v1_tables(db: pw.Database) -> list[type[pw.Model]]:
    """The tables as version 1 created them: history, not the current schema.

    Every later change is a migration below, in SQL, and a migration once released is never
    edited (files out there were made by it), so these stay as they were. The README's "How
    it is built" says why the store states its statements in SQL rather than as models.
    """
    import peewee as pw

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Application(Base):
        id = pw.TextField(primary_key=True)
        fund_id = pw.TextField()
        name = pw.TextField()
        description = pw.TextField(default="")
        date = pw.TextField()
        start = pw.TextField()
        end = pw.TextField()
        capacity = pw.IntegerField()
        status = pw.TextField(index=True)
        policy = pw.TextField(default="broadcast")
        offer_timeout_s = pw.IntegerField(default=1800)
        created_at = pw.TextField()
        updated_at = pw.TextField()
        next_seq = pw.IntegerField(default=1)

    class Participation(Base):
        application_id = pw.TextField()
        volunteer_id = pw.TextField()
        state = pw.TextField()
        responded_at = pw.TextField()
        seq = pw.IntegerField()
        since = pw.TextField()

        class Meta:
            primary_key = pw.CompositeKey("application_id", "volunteer_id")

    class OfferRound(Base):
        id = pw.AutoField()
        application_id = pw.TextField(index=True)
        policy = pw.TextField()
        held = pw.IntegerField()
        opened_at = pw.TextField()
        deadline = pw.TextField()
        closed_at = pw.TextField(null=True)
        close_reason = pw.TextField(null=True)

    class OfferTable(Base):
        round_id = pw.IntegerField()
        volunteer_id = pw.TextField()
        offered_at = pw.TextField()
        expires_at = pw.TextField()
        state = pw.TextField()

        class Meta:
            table_name = "offer"
            primary_key = pw.CompositeKey("round_id", "volunteer_id")

    class Inbox(Base):
        message_id = pw.TextField(primary_key=True)
        received_at = pw.TextField()
        outcome = pw.TextField()

    class Outbox(Base):
        seq = pw.AutoField()
        message_id = pw.TextField(unique=True)
        exchange = pw.TextField()
        routing_key = pw.TextField()
        action = pw.TextField()
        body = pw.TextField()
        created_at = pw.TextField()
        sent_at = pw.TextField(null=True, index=True)
        attempts = pw.IntegerField(default=0)
        last_error = pw.TextField(null=True)

    class Rejected(Base):
        id = pw.AutoField()
        message_id = pw.TextField()
        received_at = pw.TextField()
        exchange = pw.TextField()
        routing_key = pw.TextField()
        reason = pw.TextField()
        size = pw.IntegerField()
        body = pw.BlobField()

    class ActivityTable(Base):
        id = pw.AutoField()
        application_id = pw.TextField(index=True)
        at = pw.TextField()
        actor = pw.TextField()
        kind = pw.TextField()
        volunteer_id = pw.TextField(null=True)
        detail = pw.TextField()
        cause = pw.TextField(null=True)

        class Meta:
            table_name = "activity"

    return [
        Application,
        Participation,
        OfferRound,
        OfferTable,
        Inbox,
        Outbox,
        Rejected,
        ActivityTable,
    ]


def _v1(db: pw.Database) -> None:
    db.create_tables(_v1_tables(db))
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS participation_app_state ON participation(application_id, state)"
    )
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS offer_round_open ON offer_round(application_id, closed_at)"
    )


def _v2(db: pw.Database) -> None:
    # The message log: inbound messages keep where they came from and what they said.
    import peewee as pw
    from playhouse.migrate import SqliteMigrator, migrate  # only an old file needs it

    migrator = SqliteMigrator(db)
    migrate(
        migrator.add_column("inbox", "exchange", pw.TextField(default="")),
        migrator.add_column("inbox", "routing_key", pw.TextField(default="")),
        migrator.add_column("inbox", "action", pw.TextField(default="")),
        migrator.add_column("inbox", "application_id", pw.TextField(null=True)),
        migrator.add_column("inbox", "volunteer_id", pw.TextField(null=True)),
        migrator.add_column("inbox", "body", pw.TextField(default="")),
        migrator.add_column("outbox", "application_id", pw.TextField(null=True)),
        migrator.add_column("outbox", "volunteer_id", pw.TextField(null=True)),
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS inbox_received ON inbox(received_at)")


def _v3(db: pw.Database) -> None:
    # Activity is a kind plus JSON parameters, no longer an English sentence: the readers say
    # it in their own language. Old rows are read into the new form once, here.
    db.execute_sql("ALTER TABLE activity ADD COLUMN params TEXT NOT NULL DEFAULT '{}'")
    rows = db.execute_sql("SELECT id, kind, detail FROM activity").fetchall()
    db.connection().executemany(
        "UPDATE activity SET kind = ?, params = ? WHERE id = ?",
        [(*_legacy_activity(kind, detail), row_id) for row_id, kind, detail in rows],
    )
    db.execute_sql("ALTER TABLE activity DROP COLUMN detail")
    for english, reason in _LEGACY_REASONS.items():
        db.execute_sql(
            "UPDATE offer_round SET close_reason = ? WHERE close_reason = ?", (reason, english)
        )


def _v4(db: pw.Database) -> None:
    # The inbox is keyed by (sender, message id) instead of the bare id: another sender's X
    # is another message. A message without an id gets a unique key and its content hash,
    # which only a redelivery is looked up by. Rows recorded before did not keep their sender:
    # they are keyed "legacy:<id>" and match that id from any sender until retention prunes
    # them. They keep their rowids: the message log is ordered by them.
    db.execute_sql(
        "CREATE TABLE inbox_v3 (key TEXT NOT NULL PRIMARY KEY, message_id TEXT NOT NULL,"
        " sender TEXT NOT NULL DEFAULT '', content_hash TEXT, received_at TEXT NOT NULL,"
        " outcome TEXT NOT NULL, exchange TEXT NOT NULL DEFAULT '',"
        " routing_key TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '',"
        " application_id TEXT, volunteer_id TEXT, body TEXT NOT NULL DEFAULT '')"
    )
    db.execute_sql(
        "INSERT INTO inbox_v3 (rowid, key, message_id, received_at, outcome, exchange,"
        " routing_key, action, application_id, volunteer_id, body)"
        " SELECT rowid, 'legacy:' || message_id, message_id, received_at, outcome, exchange,"
        " routing_key, action, application_id, volunteer_id, body FROM inbox"
    )
    db.execute_sql("DROP TABLE inbox")
    db.execute_sql("ALTER TABLE inbox_v3 RENAME TO inbox")
    db.execute_sql("CREATE INDEX inbox_received ON inbox(received_at)")
    db.execute_sql(
        "CREATE INDEX inbox_content ON inbox(content_hash) WHERE content_hash IS NOT NULL"
    )


def _v5(db: pw.Database) -> None:
    # Counts kept on the application row in the same transaction as the participation rows,
    # so the list and `app list` read 2,000 rows, not every application's whole state; and
    # the waitlist in its order straight from an index, so a page of it costs a page.
    db.execute_sql("ALTER TABLE application ADD COLUMN signed_count INTEGER NOT NULL DEFAULT 0")
    db.execute_sql("ALTER TABLE application ADD COLUMN waiting_count INTEGER NOT NULL DEFAULT 0")
    db.execute_sql(
        "UPDATE application SET"
        " signed_count = (SELECT COUNT(*) FROM participation p"
        "  WHERE p.application_id = application.id AND p.state = 'signed'),"
        " waiting_count = (SELECT COUNT(*) FROM participation p"
        "  WHERE p.application_id = application.id AND p.state = 'waiting')"
    )
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS participation_order"
        " ON participation(application_id, state, responded_at, seq, volunteer_id)"
    )
    db.execute_sql("DROP INDEX IF EXISTS participation_app_state")  # a prefix of the new one


def _v6(db: pw.Database) -> None:
    # A rejected body is kept once (in rejected, not also in the inbox) and only its first
    # 4 KiB, with its size and SHA-256; the logs get a retention, pruned by received_at.
    db.execute_sql("ALTER TABLE rejected ADD COLUMN sha256 TEXT")
    conn = db.connection()
    rows = conn.execute("SELECT id, size, body FROM rejected").fetchall()
    conn.executemany(
        "UPDATE rejected SET body = ?, sha256 = ? WHERE id = ?",
        [
            # A body kept whole (up to 64 KiB before) still gives its digest.
            (bytes(body[:4096]), hashlib.sha256(body).hexdigest() if len(body) == size else None, i)
            for i, size, body in rows
        ],
    )
    conn.execute("UPDATE inbox SET body = '' WHERE outcome = 'rejected'")
    conn.execute("UPDATE inbox SET body = substr(body, 1, 4096) WHERE length(body) > 4096")
    conn.execute("CREATE INDEX rejected_received ON rejected(received_at)")
    conn.execute("CREATE INDEX rejected_message ON rejected(message_id)")


def _v7(db: pw.Database) -> None:
    # Several consoles of one fund (core/replication): the rows an arbiter's transactions wrote,
    # waiting for the decision log; and a replica's place in that log with the commands it has
    # seen decided. Local to each console: never replicated themselves.
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS replication_change (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " tbl TEXT NOT NULL, op TEXT NOT NULL, row_id INTEGER NOT NULL, row TEXT)"
    )
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS replication_position (fund_id TEXT PRIMARY KEY,"
        " next_offset INTEGER NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL)"
    )
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS replication_command (fund_id TEXT NOT NULL,"
        " command_id TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,"
        " outcome TEXT NOT NULL, PRIMARY KEY (fund_id, command_id))"
    )


def _v8(db: pw.Database) -> None:
    # A data directory belongs to one fund: recorded here, by the first console or change
    # (or from the applications already there, when they are all of one fund).
    db.execute_sql("CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)")
    funds = db.execute_sql("SELECT DISTINCT fund_id FROM application").fetchall()
    if len(funds) == 1:
        db.execute_sql("INSERT INTO meta VALUES ('fund_id', ?)", (funds[0][0],))


def _v9(db: pw.Database) -> None:
    # A rejected message keeps why as a kind plus parameters (the window translates them);
    # the reason column stays the English sentence, as the dead-letter header carries it.
    db.execute_sql("ALTER TABLE rejected ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'")
    db.execute_sql("ALTER TABLE rejected ADD COLUMN params TEXT NOT NULL DEFAULT '{}'")
    db.execute_sql("UPDATE rejected SET params = json_object('text', reason)")


def _v10(db: pw.Database) -> None:
    # No queue-skipping: when it was published (the floor of a response's time), and the
    # standing hold (unclaimed spots kept for the waitlist) with its optional release delay.
    for ddl in (
        "ALTER TABLE application ADD COLUMN published_at TEXT",
        "ALTER TABLE application ADD COLUMN standing INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE application ADD COLUMN standing_since TEXT",
        "ALTER TABLE application ADD COLUMN release_after_s INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute_sql(ddl)
    # Before this the publication was not recorded; creation is the closest known moment.
    db.execute_sql("UPDATE application SET published_at = created_at WHERE status != 'draft'")


def _v11(db: pw.Database) -> None:
    # Outbox rows that can never be sent are marked failed instead of blocking the rest, and
    # a dead-lettered copy is an outbox row: its raw body and its AMQP properties as received.
    import peewee as pw
    from playhouse.migrate import SqliteMigrator, migrate  # only an old file needs it

    migrator = SqliteMigrator(db)
    migrate(
        migrator.add_column("outbox", "failed_at", pw.TextField(null=True)),
        migrator.add_column("outbox", "payload", pw.BlobField(null=True)),
        migrator.add_column("outbox", "properties", pw.BlobField(null=True)),
    )


def _v12(db: pw.Database) -> None:
    # The volunteers directory (core/directory.py): local names, phones and notes by id.
    # Not a foreign key of participation: a volunteer may answer before being in it.
    db.execute_sql(
        "CREATE TABLE volunteer (volunteer_id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL,"
        " phone TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',"
        " updated_at TEXT NOT NULL)"
    )


def _v13(db: pw.Database) -> None:
    # Attendance on the day (core/attendance.py): one mark per volunteer and application. A
    # rowid table (the decision log's changesets follow rows by rowid); arrived_at is the
    # coordinator's wall clock like the shift's hours, recorded_at UTC like every moment.
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS attendance (application_id TEXT NOT NULL,"
        " volunteer_id TEXT NOT NULL, status TEXT NOT NULL, arrived_at TEXT,"
        " minutes INTEGER NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,"
        " PRIMARY KEY (application_id, volunteer_id))"
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS attendance_volunteer ON attendance(volunteer_id)")


# The backlog (outbox rows neither sent nor failed) kept as a number beside the outbox by
# triggers, in the same statement as the row's insert, update or delete: the window reads it
# every second, and counting it walked every pending row (77 ms at 100k pending, on the GUI
# thread). A replica recounts after each changeset (core/replication/changes.py), because
# INSERT OR REPLACE fires no delete trigger.
BACKLOG_SQL = (
    "CREATE TABLE IF NOT EXISTS outbox_backlog"
    " (id INTEGER PRIMARY KEY CHECK (id = 0), pending INTEGER NOT NULL)",
    "INSERT OR REPLACE INTO outbox_backlog VALUES (0, (SELECT COUNT(*) FROM outbox"
    " WHERE sent_at IS NULL AND failed_at IS NULL))",
    "CREATE TRIGGER IF NOT EXISTS outbox_backlog_ins AFTER INSERT ON outbox"
    " WHEN NEW.sent_at IS NULL AND NEW.failed_at IS NULL"
    " BEGIN UPDATE outbox_backlog SET pending = pending + 1; END",
    "CREATE TRIGGER IF NOT EXISTS outbox_backlog_del AFTER DELETE ON outbox"
    " WHEN OLD.sent_at IS NULL AND OLD.failed_at IS NULL"
    " BEGIN UPDATE outbox_backlog SET pending = pending - 1; END",
    "CREATE TRIGGER IF NOT EXISTS outbox_backlog_upd AFTER UPDATE OF sent_at, failed_at ON outbox"
    " WHEN (OLD.sent_at IS NULL AND OLD.failed_at IS NULL)"
    " != (NEW.sent_at IS NULL AND NEW.failed_at IS NULL)"
    " BEGIN UPDATE outbox_backlog SET pending = pending"
    " + CASE WHEN NEW.sent_at IS NULL AND NEW.failed_at IS NULL THEN 1 ELSE -1 END; END",
)


def _v14(db: pw.Database) -> None:
    for sql in BACKLOG_SQL:
        db.execute_sql(sql)


def recount_backlog(conn: sqlite3.Connection) -> None:
    """Count the backlog again from the rows (a replica, after applying the arbiter's)."""
    conn.execute(BACKLOG_SQL[1])


def _v15(db: pw.Database) -> None:
    # Several consoles wired in (core/replication): a captured change keeps the row as it was
    # (a console that lost the lease undoes what never reached the log); the capture has a
    # switch (off until the directory joins a decision log, and inside a replica's applying);
    # and a replica's coordinator actions wait here as commands until the arbiter decides.
    db.execute_sql("ALTER TABLE replication_change ADD COLUMN old TEXT")
    db.execute_sql(
        'CREATE TABLE replication_capture (id INTEGER PRIMARY KEY CHECK (id = 1), "on" INTEGER'
        " NOT NULL)"
    )
    db.execute_sql(
        "CREATE TABLE replication_outgoing (command_id TEXT NOT NULL PRIMARY KEY,"
        " action TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,"
        " sent_at TEXT, status TEXT NOT NULL DEFAULT 'pending', reason TEXT NOT NULL DEFAULT '',"
        " details TEXT NOT NULL DEFAULT '{}', decided_at TEXT)"
    )
    # Replicated (it is a decision): what the arbiter made of each command, committed with
    # the decision itself, so a redelivered command changes nothing and its sender learns.
    db.execute_sql(
        "CREATE TABLE command_outcome (command_id TEXT NOT NULL PRIMARY KEY,"
        " action TEXT NOT NULL, sender TEXT NOT NULL, sender_name TEXT NOT NULL,"
        " status TEXT NOT NULL, kind TEXT NOT NULL DEFAULT '', params TEXT NOT NULL"
        " DEFAULT '{}', reason TEXT NOT NULL DEFAULT '', value TEXT NOT NULL DEFAULT 'null',"
        " decided_at TEXT NOT NULL)"
    )


def _v16(db: pw.Database) -> None:
    # Reminders before a shift (issue 12): per application the lead times, the confirm-by and
    # keep or release; per signed-up volunteer the last reminder, its confirm-by and the
    # answer; and the reminder log, one row per reminder sent, kept for the fund's numbers.
    # An application already there gets the defaults (48 h and 2 h, confirm 24 h before, keep).
    for ddl in (
        "ALTER TABLE application ADD COLUMN reminder_leads TEXT NOT NULL DEFAULT '[172800,7200]'",
        "ALTER TABLE application ADD COLUMN confirm_lead_s INTEGER NOT NULL DEFAULT 86400",
        "ALTER TABLE application ADD COLUMN release_unconfirmed INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE application ADD COLUMN reminder_due TEXT",
        "ALTER TABLE participation ADD COLUMN reminded_at TEXT",
        "ALTER TABLE participation ADD COLUMN confirm_by TEXT",
        "ALTER TABLE participation ADD COLUMN confirmed_at TEXT",
        "ALTER TABLE participation ADD COLUMN unconfirmed_at TEXT",
        "ALTER TABLE participation ADD COLUMN reminder_lead_s INTEGER",
    ):
        db.execute_sql(ddl)
    db.execute_sql(
        "CREATE INDEX application_reminder_due ON application(reminder_due)"
        " WHERE reminder_due IS NOT NULL"
    )
    db.execute_sql(
        "CREATE TABLE reminder (application_id TEXT NOT NULL, volunteer_id TEXT NOT NULL,"
        " key TEXT NOT NULL, sent_at TEXT NOT NULL, confirm_by TEXT NOT NULL,"
        " message_id TEXT NOT NULL, confirmed_at TEXT,"
        " PRIMARY KEY (application_id, volunteer_id, key))"
    )
    # The applications already there are due now: the first tick computes their reminders
    # (the engine keeps reminder_due from then on, in the transaction of every change).
    db.execute_sql(
        "UPDATE application SET reminder_due = strftime('%Y-%m-%dT%H:%M:%S', 'now')"
        " WHERE status IN ('open', 'closed') AND signed_count > 0"
    )


def _v17(db: pw.Database) -> None:
    # Who awaits a confirmation, read whenever an application with reminders due is loaded
    # (Store.load_state): a small index of just those rows. Through the order index the read
    # walked the whole roster row by row, 260 us per application at 1M rows (6 us so).
    db.execute_sql(
        "CREATE INDEX participation_awaiting ON participation(application_id)"
        " WHERE state = 'signed' AND confirm_by IS NOT NULL AND confirmed_at IS NULL"
        " AND unconfirmed_at IS NULL"
    )


def inbox_key_hash(key: str) -> int:
    """The inbox's lookup number for a key: 64 bits of its BLAKE2b, as a signed integer."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), signed=True)


def _v18(db: pw.Database) -> None:
    # The duplicate check looks keys up by a 64-bit hash of them instead of the keys
    # themselves: an index entry of 10 bytes, not 80, so the leaves a batch's random ids
    # land on are a fifth as many (at 1M rows one commit of 500 wrote 353 pages of the key's
    # index, a leaf per message, against 9 in an empty file). The key stays, unindexed: a
    # hash that matches is a duplicate only if the key is equal. A row written without the
    # hash (a replica of an older console's log copies the columns that log names) is found
    # through inbox_unhashed, empty otherwise. The rowids are kept: the log is ordered by them.
    conn = db.connection()
    conn.create_function("inbox_key_hash", 1, inbox_key_hash, deterministic=True)
    columns = (
        "message_id, sender, content_hash, received_at, outcome, exchange, routing_key,"
        " action, application_id, volunteer_id, body"
    )
    db.execute_sql(
        "CREATE TABLE inbox_v18 (key TEXT NOT NULL, key_hash INTEGER, message_id TEXT NOT NULL,"
        " sender TEXT NOT NULL DEFAULT '', content_hash TEXT, received_at TEXT NOT NULL,"
        " outcome TEXT NOT NULL, exchange TEXT NOT NULL DEFAULT '',"
        " routing_key TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '',"
        " application_id TEXT, volunteer_id TEXT, body TEXT NOT NULL DEFAULT '')"
    )
    db.execute_sql(
        f"INSERT INTO inbox_v18 (rowid, key, key_hash, {columns})"
        f" SELECT rowid, key, inbox_key_hash(key), {columns} FROM inbox"
    )
    db.execute_sql("DROP TABLE inbox")
    db.execute_sql("ALTER TABLE inbox_v18 RENAME TO inbox")
    db.execute_sql("CREATE INDEX inbox_received ON inbox(received_at)")
    db.execute_sql(
        "CREATE INDEX inbox_content ON inbox(content_hash) WHERE content_hash IS NOT NULL"
    )
    db.execute_sql("CREATE INDEX inbox_key_hash ON inbox(key_hash)")
    db.execute_sql("CREATE INDEX inbox_unhashed ON inbox(key) WHERE key_hash IS NULL")


# The duplicate check's hashes, in two tiers kept by triggers (so the engine, a replica's
# applying and the pruning keep them alike): a batch's random hashes go into the recent tier,
# a few thousand entries, a handful of leaves; when it holds more than RECENT_KEYS, they all
# move into the older tier in one statement. One index over a month of inbox took a batch's 500
# random hashes on as many leaves of its own (211 pages a commit of 500 at 1M rows, 4 in an
# empty file); the move writes the older tier's leaves once per RECENT_KEYS messages.
RECENT_KEYS = 4096
INBOX_KEY_SQL = (
    "CREATE TABLE inbox_key_recent (inbox_id INTEGER PRIMARY KEY, key_hash INTEGER NOT NULL)",
    "CREATE INDEX inbox_key_recent_hash ON inbox_key_recent(key_hash)",
    "CREATE TABLE inbox_key_older (inbox_id INTEGER PRIMARY KEY, key_hash INTEGER NOT NULL)",
    "CREATE INDEX inbox_key_older_hash ON inbox_key_older(key_hash)",
    # INSERT OR REPLACE: a replica's INSERT OR REPLACE of an inbox row fires no delete
    # trigger; an older entry left for its rowid names a key that is compared, so it is inert
    "CREATE TRIGGER inbox_key_add AFTER INSERT ON inbox WHEN NEW.key_hash IS NOT NULL"
    " BEGIN INSERT OR REPLACE INTO inbox_key_recent VALUES (NEW.rowid, NEW.key_hash); END",
    "CREATE TRIGGER inbox_key_drop AFTER DELETE ON inbox BEGIN"
    " DELETE FROM inbox_key_recent WHERE inbox_id = OLD.rowid;"
    " DELETE FROM inbox_key_older WHERE inbox_id = OLD.rowid; END",
    "CREATE TRIGGER inbox_key_rehash AFTER UPDATE OF key_hash ON inbox BEGIN"
    " DELETE FROM inbox_key_recent WHERE inbox_id = OLD.rowid;"
    " DELETE FROM inbox_key_older WHERE inbox_id = OLD.rowid;"
    " INSERT INTO inbox_key_recent SELECT NEW.rowid, NEW.key_hash"
    " WHERE NEW.key_hash IS NOT NULL; END",
    # Inbox rowids only grow, so the span of the recent ids bounds how many it holds. The
    # columns are named: with SELECT * SQLite (3.40) takes its table-copy shortcut, which
    # ends the trigger's program there, leaving the recent tier as it was.
    "CREATE TRIGGER inbox_key_settle AFTER INSERT ON inbox_key_recent"
    f" WHEN NEW.inbox_id - (SELECT MIN(inbox_id) FROM inbox_key_recent) >= {RECENT_KEYS}"
    " BEGIN INSERT OR REPLACE INTO inbox_key_older"
    " SELECT inbox_id, key_hash FROM inbox_key_recent ORDER BY inbox_id;"
    " DELETE FROM inbox_key_recent; END",
)


def _v19(db: pw.Database) -> None:
    for sql in INBOX_KEY_SQL:
        db.execute_sql(sql)
    db.execute_sql(
        "INSERT INTO inbox_key_older SELECT rowid, key_hash FROM inbox WHERE key_hash IS NOT NULL"
    )
    db.execute_sql("DROP INDEX inbox_key_hash")


MIGRATIONS: list[Callable[[pw.Database], None]] = [
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
    _v8,
    _v9,
    _v10,
    _v11,
    _v12,
    _v13,
    _v14,
    _v15,
    _v16,
    _v17,
    _v18,
    _v19,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


# What the rules may change in an application row, in the order _app_values gives them.
_APP_COLUMNS = (
    "name",
    "description",
    "date",
    "start",
    "end",
    "capacity",
    "status",
    "policy",
    "offer_timeout_s",
    "updated_at",
    "next_seq",
    "signed_count",
    "waiting_count",
    "published_at",
    "standing",
    "standing_since",
    "release_after_s",
    "reminder_leads",
    "confirm_lead_s",
    "release_unconfirmed",
    "reminder_due",
)


def _app_values(st: AppState) -> tuple[object, ...]:
    return (
        st.name,
        st.description,
        st.date.isoformat(),
        st.start.isoformat(),
        st.end.isoformat(),
        st.capacity,
        st.status,
        st.policy,
        st.offer_timeout_s,
        _ts(st.updated_at),
        st.next_seq,
        st.signed_count,
        len(st.wait_keys),
        _ts(st.published_at),
        st.standing,
        _ts(st.standing_since),
        st.release_after_s,
        compact_json(list(st.reminder_leads_s)),
        st.confirm_lead_s,
        int(st.release_unconfirmed),
        _ts(st.reminder_due),
    )


class StoreUnavailable(Exception):
    """The database file cannot be written now (disk full, I/O error, read-only): nothing of
    the transaction was kept; the same work may succeed once the disk has room again."""


# SQLite's primary result codes for a file that cannot be written.
_WRITE_FAILURES = {
    8: "read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    13: "disk full",  # SQLITE_FULL
    14: "cannot open the database file",  # SQLITE_CANTOPEN
}


def write_failure(exc: BaseException) -> str | None:
    """What keeps the file from being written, if that is what `exc` (or its cause) says."""
    seen: BaseException | None = exc
    while seen is not None:
        code = getattr(seen, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _WRITE_FAILURES:
            return _WRITE_FAILURES[code & 0xFF]
        text = str(seen)
        for needle, why in (
            ("database or disk is full", "disk full"),
            ("disk I/O error", "disk I/O error"),
            ("readonly database", "read-only"),
        ):
            if needle in text:
                return why
        seen = seen.__cause__ or seen.__context__
    return None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    seq: int
    message_id: str
    exchange: str
    routing_key: str
    action: str
    body: bytes
    attempts: int
    properties: bytes | None = None  # a relayed copy's own AMQP properties (a content header)


class StoreDamaged(Exception):
    """The database file is damaged: nothing may be decided on it until a backup is restored."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"the database {path} is damaged ({detail}); the console decides nothing on it."
            " Restore a backup: volunteer-console restore"
        )


# SQLite's own words for a damaged file, as sqlite3 reports them.
_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")  # and their extended codes


def damage_of(exc: BaseException) -> str | None:
    """What SQLite said, when exc (or what caused it) is a damaged-file error; else None."""
    seen: BaseException | None = exc
    while seen is not None:
        name = getattr(seen, "sqlite_errorname", "") or ""
        if name.startswith(_DAMAGE_CODES):
            return str(seen)
        if isinstance(seen, sqlite3.DatabaseError) and str(seen) in (
            "database disk image is malformed",
            "file is not a database",
        ):
            return str(seen)
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = seen.__cause__ or inner or seen.__context__
    return None


def quick_check(conn: sqlite3.Connection, budget_s: float | None) -> str | None:
    """SQLite's quick_check within a time budget: None when sound, the problem when damaged,
    "unfinished" when the budget ran out first (the background check then decides)."""
    # The whole check is one VDBE step, so a progress handler never runs inside it; an
    # interrupt from a timer does stop it.
    timer = threading.Timer(budget_s, conn.interrupt) if budget_s is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        rows = conn.execute("PRAGMA quick_check(20)").fetchall()
    except sqlite3.OperationalError as exc:
        if str(exc) == "interrupted":
            return "unfinished"
        raise
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        if timer is not None:
            timer.cancel()
    verdict = "; ".join(str(r[0]) for r in rows)
    return None if verdict == "ok" else " ".join(verdict.split())[:300]


def integrity_check(path: Path) -> str | None:
    """SQLite's full integrity_check on a connection of its own: None when sound."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    verdict = "; ".join(str(r[0]) for r in rows)
    return None if verdict == "ok" else " ".join(verdict.split())[:300]


class StoreUnusable(Exception):
    """The database cannot be opened or written (permissions, a read-only file or disk)."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path, self.detail = path, detail
        super().__init__(f"cannot use the database {path}: {detail}")


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.Error):
            return seen
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = seen.__cause__ or inner or seen.__context__
    return None


class FundMismatch(Exception):
    """A data directory of one fund opened for another: refused, nothing is changed."""

    def __init__(self, data_dir: Path, recorded: str, given: str) -> None:
        self.recorded, self.given = recorded, given
        super().__init__(
            f"{data_dir} belongs to fund {recorded}, not {given}: use --fund-id {recorded}, or"
            f" give fund {given} a data directory of its own (--data-dir)"
        )


_PARTICIPANT_COLUMNS = (
    "volunteer_id, state, responded_at, seq, since, reminded_at, confirm_by, confirmed_at,"
    " unconfirmed_at, reminder_lead_s"
)


def _participant(r: tuple[Any, ...]) -> Participant:
    p = Participant(r[0], r[1], datetime.fromisoformat(r[2]), r[3], datetime.fromisoformat(r[4]))
    if r[9] is not None or r[5] is not None or r[7] is not None:
        p.reminded_at, p.confirm_by = _dt(r[5]), _dt(r[6])
        p.confirmed_at, p.unconfirmed_at = _dt(r[7]), _dt(r[8])
        p.reminder_lead_s = r[9]
    return p


class _Rows:
    """One application's participation rows on the engine's connection (core/lines.Source):
    read by the primary key and the order index, inside the rule's transaction."""

    __slots__ = ("app_id", "store")

    def __init__(self, store: Store, app_id: str) -> None:
        self.store, self.app_id = store, app_id

    @property
    def conn(self) -> sqlite3.Connection:
        # the calling thread's connection, not the loader's: a cached state is read again on
        # the writer thread (undo's snapshot, an operation run there after a load elsewhere)
        return self.store.conn

    def one(self, volunteer_id: str) -> Participant | None:
        r = self.conn.execute(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participation"
            " WHERE application_id = ? AND volunteer_id = ?",
            (self.app_id, volunteer_id),
        ).fetchone()
        return None if r is None else _participant(r)

    def all(self) -> list[Participant]:
        return self.in_state(None)

    def in_state(self, state: str | None) -> list[Participant]:
        where, args = "application_id = ?", [self.app_id]
        if state is not None:
            where += " AND state = ?"
            args.append(state)
        return [
            _participant(r)
            for r in self.conn.execute(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participation WHERE {where}"
                " ORDER BY state, responded_at, seq, volunteer_id",
                args,
            )
        ]

    def waiting_after(self, key: WaitKey | None, n: int) -> list[WaitKey]:
        fromiso = datetime.fromisoformat
        if key is None:
            rows = self.conn.execute(
                "SELECT responded_at, seq, volunteer_id FROM participation"
                " WHERE application_id = ? AND state = 'waiting'"
                " ORDER BY responded_at, seq, volunteer_id LIMIT ?",
                (self.app_id, n),
            )
        else:
            rows = self.conn.execute(
                "SELECT responded_at, seq, volunteer_id FROM participation"
                " WHERE application_id = ? AND state = 'waiting'"
                " AND (responded_at, seq, volunteer_id) > (?, ?, ?)"
                " ORDER BY responded_at, seq, volunteer_id LIMIT ?",
                (self.app_id, _ts(key[0]), key[1], key[2], n),
            )
        return [(fromiso(at), seq, vid) for at, seq, vid in rows]

    def waiting_from(self, key: WaitKey) -> int:
        """How many saved waitlist keys are >= key: counted from the end of the index, where
        a newcomer joins, so it costs the rows behind them (few), not the rows ahead."""
        (n,) = self.conn.execute(
            "SELECT COUNT(*) FROM participation WHERE application_id = ? AND state = 'waiting'"
            " AND (responded_at, seq, volunteer_id) >= (?, ?, ?)",
            (self.app_id, _ts(key[0]), key[1], key[2]),
        ).fetchone()
        return int(n)


class Store:
    """One SQLite file: opening, migrating, transactions, and state load/save."""

    def __init__(
        self,
        path: str | Path,
        *,
        upto_version: int = SCHEMA_VERSION,
        check_budget: float | None = START_CHECK_BUDGET,
        check_current: bool = True,
        check_aside: bool = False,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.damaged: StoreDamaged | None = None
        self.on_damaged: list[Callable[[StoreDamaged], None]] = []
        # Whether the start check saw the whole file; if not, a background check finishes it.
        self.fully_checked = False
        self._commits = 0  # transactions committed, so an idle checkpoint knows there is work
        self._checkpointed_at = (0, 0.0)  # (commits, monotonic time) of the last one
        self.checkpointer: Checkpointer | None = None  # checkpoint_between_batches(aside=True)
        # check_aside: the start check runs on a thread of its own while the caller goes on
        # (the window is built meanwhile); checked() waits for its verdict.
        self._aside: concurrent.futures.Future[str | None] | None = None
        self._aside_conn: sqlite3.Connection | None = None
        try:
            self._open(upto_version, check_budget, check_current, check_aside)
        except StoreDamaged:
            self.close()
            raise
        except Exception as exc:
            self.close()
            detail = damage_of(exc)
            if detail is not None:
                raise StoreDamaged(self.path, detail) from exc
            error = _sqlite_error(exc)
            if isinstance(error, sqlite3.OperationalError):
                raise StoreUnusable(self.path, str(error)) from exc
            if isinstance(exc, OSError):
                raise StoreUnusable(self.path, exc.strerror or str(exc)) from exc
            raise

    def _open(
        self, upto_version: int, check_budget: float | None, check_current: bool, aside: bool
    ) -> None:
        import peewee as pw

        if not self.path.exists():  # private from the start: SQLite gives -wal/-shm its mode
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        self.db = pw.SqliteDatabase(
            str(self.path),
            pragmas={
                "journal_mode": "wal",
                "synchronous": "full",  # the console promises nothing lost, even on power loss
                # No foreign_keys: no key is declared. Rows of an application are written and
                # removed with it in one writer transaction (delete_application), and adding
                # keys would mean rebuilding five tables for checks the writer already makes.
                "busy_timeout": BUSY_TIMEOUT_MS,
                "cache_size": -WRITER_CACHE_KIB,  # negative: in KiB
            },
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        self.db.connect(reuse_if_open=True)
        # check_current=False (a command that only reads): checked only before a migration
        # writes to it; SQLite still reports any damaged page the reading touches.
        if (
            self.path.stat().st_size > 0
            and check_budget != 0
            and (check_current or self.schema_version() < upto_version)
        ):
            if aside and self.schema_version() == upto_version:  # no migration writes first
                self._check_aside(check_budget)
            else:
                verdict = quick_check(self.conn, check_budget)
                if verdict is not None and verdict != "unfinished":
                    raise StoreDamaged(self.path, verdict)
                self.fully_checked = verdict is None
        self._migrate(upto_version)

    def _check_aside(self, budget: float | None) -> None:
        """The start check on a read-only connection and a thread of their own: SQLite does
        it without the GIL, so it takes none of the time the window needs to come up."""
        conn = sqlite3.connect(
            f"file:{quote(str(self.path))}?mode=ro", uri=True, check_same_thread=False
        )
        future: concurrent.futures.Future[str | None] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(quick_check(conn, budget))
            except BaseException as exc:
                future.set_exception(exc)
            finally:
                conn.close()

        self._aside, self._aside_conn = future, conn
        threading.Thread(target=run, name="start-check", daemon=True).start()

    @property
    def checking(self) -> bool:
        """A start check runs aside and nobody has asked for its verdict yet (checked())."""
        return self._aside is not None

    def checked(self) -> None:
        """Wait for a start check running aside (check_aside) and raise StoreDamaged if it found
        damage, as opening would have; at once when there is none."""
        future = self._aside
        if future is None:
            return
        try:
            verdict = future.result()
        except sqlite3.DatabaseError as exc:  # the file is not a database at all
            verdict = str(exc)
        self._aside = self._aside_conn = None
        if verdict is not None and verdict != "unfinished":
            raise self.mark_damaged(verdict)
        self.fully_checked = verdict is None

    def mark_damaged(self, detail: str) -> StoreDamaged:
        """From now on every transaction refuses; listeners (the service) are told once."""
        if self.damaged is None:
            self.damaged = StoreDamaged(self.path, detail)
            for listener in self.on_damaged:
                with suppress(Exception):  # a listener must not hide the damage itself
                    listener(self.damaged)
        return self.damaged

    # -- lifecycle ----------------------------------------------------------------------
    def close(self) -> None:
        checkpointer = getattr(self, "checkpointer", None)
        if checkpointer is not None:  # its connection closed first: the writer's is the last
            checkpointer.stop()
            self.checkpointer = None
        conn = getattr(self, "_aside_conn", None)
        if conn is not None and self._aside is not None:
            with suppress(Exception):  # closed before anyone asked for the verdict
                conn.interrupt()
                self._aside.result()
            self._aside = self._aside_conn = None
        db = getattr(self, "db", None)  # None when opening failed before the connection
        if db is not None and not db.is_closed():
            db.close()

    def schema_version(self) -> int:
        return int(self.db.execute_sql("PRAGMA user_version").fetchone()[0])

    def _migrate(self, upto: int) -> None:
        with self.db.atomic("IMMEDIATE"):
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {current}, newer than this program's "
                    f"{SCHEMA_VERSION}: upgrade Volunteer Console"
                )
            if current >= upto:
                return
            # The capture triggers name every column: out of the way of ALTER TABLE, then
            # built again from the migrated tables (capture.py). The rows they captured that
            # the log does not hold yet name their columns first (arrays of the old ones).
            name_pending_columns(self.conn)
            drop_capture(self.conn)
            for version in range(current + 1, upto + 1):
                MIGRATIONS[version - 1](self.db)
                self.db.execute_sql(f"PRAGMA user_version = {version}")
            if capture_on(self.conn):
                install_capture(self.conn)

    def recorded_fund(self) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'fund_id'").fetchone()
        return None if row is None else str(row[0])

    def check_fund(self, fund_id: str, *, claim: bool = False) -> None:
        """Raise FundMismatch when the file belongs to another fund; with claim, record this
        fund when none is recorded yet (a console starting, a change made)."""
        recorded = self.recorded_fund()
        if recorded is None and claim:
            with self.transaction() as c:
                c.execute("INSERT OR IGNORE INTO meta VALUES ('fund_id', ?)", (fund_id,))
            recorded = self.recorded_fund()
        if recorded is not None and recorded != fund_id:
            raise FundMismatch(self.path.parent, recorded, fund_id)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.connection()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short IMMEDIATE transaction: the write lock is taken up front, never upgraded.

        On a damaged file it raises StoreDamaged, now and for every later transaction: no
        decision is made (or a message recorded as refused) on a store that cannot be read.
        When the file cannot be written (disk full, I/O error, read-only) it raises
        StoreUnavailable: a local fault that passes, not the fault of the data being written."""
        if self.damaged is not None:
            raise self.damaged
        try:
            with self.db.atomic("IMMEDIATE"):
                yield self.conn
            self._commits += 1
        except StoreDamaged:
            raise
        except Exception as exc:
            detail = damage_of(exc)
            if detail is not None:
                raise self.mark_damaged(detail) from exc
            why = write_failure(exc)
            if why is None:
                raise
            raise StoreUnavailable(f"{why}: {self.path}") from exc

    def checkpoint_between_batches(self, *, aside: bool = False) -> None:
        """On the writer thread, once: its connection leaves the WAL checkpoint to
        checkpoint_idle (SQLite's own only past WRITER_AUTOCHECKPOINT_PAGES); aside, the
        checkpoints checkpoint_idle asks for run on a Checkpointer of their own."""
        from core.checkpoint import Checkpointer

        self.conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT_PAGES}")
        if aside and self.checkpointer is None:
            self.checkpointer = Checkpointer(self.path, BUSY_TIMEOUT_MS)

    def checkpoint_idle(self) -> tuple[int, int] | None:
        """A PASSIVE checkpoint when something was committed since the last one and a second
        has passed: on the writer thread between batches (Writer.when_idle). PASSIVE never
        waits for a reader; what a reader still needs is copied next time. Returns the WAL's
        frames and how many of them are in the file now, or None when it did not run."""
        commits, at = self._checkpointed_at
        now = monotonic()
        if self._commits == commits or now - at < CHECKPOINT_EVERY_S or self.damaged is not None:
            return None
        if self.db.is_closed():  # after close (the console stopping): opening it again would
            return None  # leave a connection that nothing closes
        self._checkpointed_at = (self._commits, now)
        if self.checkpointer is not None:
            self.checkpointer.request()
            return self.checkpointer.last  # the one before: this one runs meanwhile
        try:
            _busy, frames, copied = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # a full or failing disk: the next commit says so
            log.debug("the WAL checkpoint waits: %s", exc)
            return None
        return int(frames), int(copied)

    def data_version(self) -> int:
        """Changes whenever another connection commits: our cue to drop cached state."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # -- applications -------------------------------------------------------------------
    def insert_application(self, st: AppState) -> None:
        self.conn.execute(
            f"INSERT INTO application (id, fund_id, created_at, {', '.join(_APP_COLUMNS)})"
            f" VALUES (?,?,?,{','.join('?' * len(_APP_COLUMNS))})",
            (st.id, st.fund_id, _ts(st.created_at), *_app_values(st)),
        )

    def delete_application(self, app_id: str) -> None:
        """Remove an application with everything kept about it; the caller holds the transaction."""
        c = self.conn
        c.execute(
            "DELETE FROM offer WHERE round_id IN (SELECT id FROM offer_round"
            " WHERE application_id = ?)",
            (app_id,),
        )
        for table in ("offer_round", "participation", "activity", "attendance", "reminder"):
            c.execute(f"DELETE FROM {table} WHERE application_id = ?", (app_id,))
        c.execute("DELETE FROM application WHERE id = ?", (app_id,))

    def application_ids(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT id FROM application ORDER BY date, start, id")
        ]

    def load_state(self, app_id: str) -> AppState | None:
        """The application's row, its open round and who awaits a confirmation; participants
        and the waitlist are read from the index as the rules look at them (core/lines.py):
        a message about a 50,000-long waitlist reads a few of its rows, not all of them."""
        c = self.conn
        row = c.execute(
            "SELECT id, fund_id, name, description, date, start, end, capacity, status, policy,"
            " offer_timeout_s, created_at, updated_at, next_seq, published_at, standing,"
            " standing_since, release_after_s, reminder_leads, confirm_lead_s, release_unconfirmed,"
            " reminder_due, signed_count, waiting_count FROM application WHERE id = ?",
            (app_id,),
        ).fetchone()
        if row is None:
            return None
        rows = _Rows(self, app_id)
        st = AppState(
            id=row[0],
            fund_id=row[1],
            listing=listing_of(row[2:8]),
            status=row[8],
            policy=row[9],
            offer_timeout_s=row[10],
            created_at=datetime.fromisoformat(row[11]),
            updated_at=datetime.fromisoformat(row[12]),
            next_seq=row[13],
            published_at=_dt(row[14]),
            standing=row[15],
            standing_since=_dt(row[16]),
            release_after_s=row[17],
            reminder_leads_s=tuple(json.loads(row[18])),
            confirm_lead_s=row[19],
            release_unconfirmed=bool(row[20]),
            reminder_due=_dt(row[21]),
            signed_count=row[22],
            participants=Participants(source=rows),
            wait_keys=WaitLine(source=rows, count=row[23]),
        )
        # Someone awaits a confirmation only while reminder_due is set (it is the earliest
        # of their confirm-bys and the lead times ahead): most applications read nothing here.
        if st.reminder_due is not None:
            for vid, by in c.execute(
                "SELECT volunteer_id, confirm_by FROM participation"
                f" INDEXED BY participation_awaiting WHERE application_id = ? AND {_AWAITING}",
                (app_id,),
            ):
                st.awaiting[vid] = datetime.fromisoformat(by)
        rrow = c.execute(
            "SELECT id, policy, held, opened_at, deadline FROM offer_round"
            " WHERE application_id = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
            (app_id,),
        ).fetchone()
        if rrow is not None:
            r = Round(
                rrow[1],
                rrow[2],
                datetime.fromisoformat(rrow[3]),
                datetime.fromisoformat(rrow[4]),
                id=rrow[0],
            )
            for vid, offered, expires, state in c.execute(
                "SELECT volunteer_id, offered_at, expires_at, state FROM offer WHERE round_id = ?"
                " ORDER BY rowid",
                (r.id,),
            ):
                r.offers[vid] = Offer(
                    vid, datetime.fromisoformat(offered), datetime.fromisoformat(expires), state
                )
            st.round = r
        return st

    def save_state(self, st: AppState, now: datetime) -> None:
        """Write back what the rules changed; the caller holds the transaction."""
        c = self.conn
        st.updated_at = now
        c.execute(
            f"UPDATE application SET {', '.join(f'{col}=?' for col in _APP_COLUMNS)} WHERE id=?",
            (*_app_values(st), st.id),
        )
        if st.dirty:
            upserts = []
            deletes = []
            for vid in st.dirty:
                p = st.participants.get(vid)
                if p is None:
                    deletes.append((st.id, vid))
                else:
                    upserts.append(
                        (
                            st.id,
                            vid,
                            p.state,
                            _ts(p.responded_at),
                            p.seq,
                            _ts(p.since),
                            _ts(p.reminded_at),
                            _ts(p.confirm_by),
                            _ts(p.confirmed_at),
                            _ts(p.unconfirmed_at),
                            p.reminder_lead_s,
                        )
                    )
            if deletes:
                c.executemany(
                    "DELETE FROM participation WHERE application_id=? AND volunteer_id=?", deletes
                )
            if upserts:
                c.executemany(
                    "INSERT OR REPLACE INTO participation (application_id, volunteer_id, state,"
                    " responded_at, seq, since, reminded_at, confirm_by, confirmed_at,"
                    " unconfirmed_at, reminder_lead_s) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    upserts,
                )
        for r in st.touched_rounds:
            if r.id is None:
                cur = c.execute(
                    "INSERT INTO offer_round (application_id, policy, held, opened_at, deadline,"
                    " closed_at, close_reason) VALUES (?,?,?,?,?,?,?)",
                    (
                        st.id,
                        r.policy,
                        r.held,
                        _ts(r.opened_at),
                        _ts(r.deadline),
                        _ts(r.closed_at),
                        r.close_reason,
                    ),
                )
                r.id = cur.lastrowid
            else:
                c.execute(
                    "UPDATE offer_round SET held=?, deadline=?, closed_at=?, close_reason=?"
                    " WHERE id=?",
                    (r.held, _ts(r.deadline), _ts(r.closed_at), r.close_reason, r.id),
                )
            if r.dirty_offers:
                c.executemany(
                    # An upsert keeps an offer's rowid, and new offers go in the round's own
                    # order: a reloaded round lists its offers exactly as the live one did.
                    "INSERT INTO offer (round_id, volunteer_id, offered_at, expires_at, state)"
                    " VALUES (?,?,?,?,?) ON CONFLICT (round_id, volunteer_id) DO UPDATE SET"
                    " expires_at = excluded.expires_at, state = excluded.state",
                    [
                        (r.id, o.volunteer_id, _ts(o.offered_at), _ts(o.expires_at), o.state)
                        for o in r.offers.values()
                        if o.volunteer_id in r.dirty_offers
                    ],
                )
        if st.reminders_sent:
            # A plain INSERT: the same reminder twice would be refused here, never sent twice.
            c.executemany(
                "INSERT INTO reminder (application_id, volunteer_id, key, sent_at, confirm_by,"
                " message_id) VALUES (?,?,?,?,?,?)",
                [
                    (
                        st.id,
                        vid,
                        key,
                        _ts(at),
                        _ts(by),
                        reminder_message_id(st.fund_id, st.id, vid, key),
                    )
                    for vid, key, at, by in st.reminders_sent
                ],
            )
        if st.confirmations:
            c.executemany(
                "UPDATE reminder SET confirmed_at = ? WHERE application_id = ? AND volunteer_id = ?"
                " AND confirmed_at IS NULL",
                [(_ts(at), st.id, vid) for vid, at in st.confirmations],
            )
        self.forget_changes(st)

    @staticmethod
    def forget_changes(st: AppState) -> None:
        st.participants.saved(st.dirty)
        st.wait_keys.saved()
        st.reminders_sent.clear()
        st.confirmations.clear()
        st.dirty.clear()
        for r in st.touched_rounds:
            r.dirty_offers.clear()
        st.touched_rounds.clear()
        st.app_dirty = False

    # -- logs ---------------------------------------------------------------------------
    def add_outbox(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.conn.executemany(
            "INSERT INTO outbox (message_id, created_at, exchange, routing_key, action,"
            " application_id, volunteer_id, body, attempts) VALUES (?,?,?,?,?,?,?,?,0)",
            rows,
        )

    def add_outbox_copies(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Outbox rows that relay a received message: its raw bytes and its own properties
        (message_id, created_at, exchange, routing_key, action, application_id, volunteer_id,
        body shown in the log, payload, properties)."""
        self.conn.executemany(
            "INSERT INTO outbox (message_id, created_at, exchange, routing_key, action,"
            " application_id, volunteer_id, body, payload, properties, attempts)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,0)",
            rows,
        )

    def add_activity(self, entries: Iterable[Activity]) -> None:
        self.conn.executemany(
            "INSERT INTO activity (application_id, at, actor, kind, volunteer_id, params, cause)"
            " VALUES (?,?,?,?,?,?,?)",
            [
                (
                    a.application_id,
                    _ts(a.at),
                    a.actor,
                    str(a.kind),  # an ActivityKind is a StrEnum: its value
                    a.volunteer_id,
                    compact_json(a.params) if a.params else "{}",
                    a.cause,
                )
                for a in entries
            ],
        )

    def add_inbox(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Record processed messages: rows of the inbox's columns from key to body, without
        key_hash (added here from the key)."""
        self.conn.executemany(
            "INSERT INTO inbox (key, key_hash, message_id, sender, content_hash, received_at,"
            " outcome, exchange, routing_key, action, application_id, volunteer_id, body)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ((r[0], inbox_key_hash(r[0]), *r[1:]) for r in rows),
        )

    def add_rejected(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.conn.executemany(
            "INSERT INTO rejected"
            " (message_id, received_at, exchange, routing_key, reason, size, body, sha256, kind,"
            " params) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def seen_inbox_keys(self, ids: list[str]) -> set[str]:
        """Which of these inbox keys (see engine.InboxKey) are recorded already."""
        wanted = set(ids)
        seen: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            hashes = [inbox_key_hash(k) for k in chunk]
            seen.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT i.key FROM inbox_key_recent k JOIN inbox i ON i.rowid = k.inbox_id"
                    f" WHERE k.key_hash IN ({marks}) UNION ALL"
                    " SELECT i.key FROM inbox_key_older k JOIN inbox i ON i.rowid = k.inbox_id"
                    f" WHERE k.key_hash IN ({marks}) UNION ALL"
                    " SELECT key FROM inbox INDEXED BY inbox_unhashed"
                    f" WHERE key_hash IS NULL AND key IN ({marks})",
                    (*hashes, *hashes, *chunk),
                )
                if r[0] in wanted  # a hash shared by two keys is not a duplicate
            )
        return seen

    def recent_content_counts(self, hashes: list[str], window: int) -> dict[str, int]:
        """How often each content hash was processed among the last `window` inbox rows."""
        (last,) = self.conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM inbox").fetchone()
        counts: dict[str, int] = {}
        unique = sorted(set(hashes))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            counts.update(
                self.conn.execute(
                    f"SELECT content_hash, COUNT(*) FROM inbox WHERE content_hash IN ({marks})"
                    " AND rowid > ? GROUP BY content_hash",
                    (*chunk, last - window),
                ).fetchall()
            )
        return counts

    # -- retention ----------------------------------------------------------------------
    def prune(self, now: datetime, keep: timedelta, *, limit: int = 500) -> int:
        """Delete up to `limit` log rows older than `keep`, in one short transaction; returns
        how many went. Called again until it returns less than `limit`.

        Inbox ids count from the newest message recorded, not from the clock: a console that
        was down longer than `keep` still knows every id the broker may redeliver to it."""
        with self.transaction() as c:
            (newest,) = c.execute("SELECT MAX(received_at) FROM inbox").fetchone()
            inbox_cutoff = _ts(min(now, _dt(newest) or now) - keep)
            cutoff = _ts(now - keep)
            gone = 0
            for sql, arg in (
                (
                    "DELETE FROM inbox WHERE rowid IN (SELECT rowid FROM inbox"
                    " WHERE received_at < ? ORDER BY received_at LIMIT ?)",
                    inbox_cutoff,
                ),
                (
                    "DELETE FROM rejected WHERE id IN (SELECT id FROM rejected"
                    " WHERE received_at < ? ORDER BY received_at LIMIT ?)",
                    cutoff,
                ),
                (
                    # Only what was sent: a pending row waits for the broker however old.
                    "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox"
                    " WHERE sent_at < ? ORDER BY sent_at LIMIT ?)",
                    cutoff,
                ),
            ):
                gone += c.execute(sql, (arg, limit - gone)).rowcount
                if gone >= limit:
                    break
        return gone

    # -- outbox relay -------------------------------------------------------------------
    def pending_outbox(
        self, limit: int = 500, after_seq: int = 0, upto_seq: int | None = None
    ) -> list[OutboxRow]:
        """Rows neither sent nor failed, in commit order (up to upto_seq when given)."""
        return [
            OutboxRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5].encode("utf-8") if r[7] is None else bytes(r[7]),
                r[6],
                None if r[8] is None else bytes(r[8]),
            )
            for r in self.conn.execute(
                "SELECT seq, message_id, exchange, routing_key, action, body, attempts, payload,"
                " properties FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND seq > ?"
                " AND seq <= ? ORDER BY seq LIMIT ?",
                (after_seq, (1 << 62) if upto_seq is None else upto_seq, limit),
            )
        ]

    def mark_sent(self, seqs: list[int], when: datetime) -> None:
        # Losing a "sent" mark to a power cut only re-sends those rows under their same
        # message ids (the relay is at-least-once anyway), so this commit skips the fsync;
        # the next FULL commit's WAL sync makes it durable. Saves one fsync per relay window.
        relax = not self.db.in_transaction()
        if relax:
            self.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            with self.transaction() as c:
                c.executemany(
                    # the broker holds a relayed copy's bytes now: no need to keep them twice
                    "UPDATE outbox SET sent_at=?, attempts=attempts+1, payload=NULL WHERE seq=?",
                    [(_ts(when), s) for s in seqs],
                )
        finally:
            if relax:
                self.conn.execute("PRAGMA synchronous = FULL")

    def mark_failed(self, seq: int, error: str) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE outbox SET attempts=attempts+1, last_error=? WHERE seq=?",
                (error[:500], seq),
            )

    def mark_undeliverable(self, seq: int, error: str, when: datetime) -> None:
        """A row that can never be sent (the frame cannot carry it): out of the backlog."""
        with self.transaction() as c:
            c.execute(
                "UPDATE outbox SET attempts=attempts+1, last_error=?, failed_at=? WHERE seq=?",
                (error[:500], _ts(when), seq),
            )

    def backlog(self) -> int:
        return backlog_of(self.conn)


def backlog_of(conn: sqlite3.Connection) -> int:
    """Outbox rows neither sent nor failed: one row kept by triggers (schema 14)."""
    row = conn.execute("SELECT pending FROM outbox_backlog").fetchone()
    return int(row[0]) if row else 0


# ---- reading activity written before schema 3 ------------------------------------------------
# Those rows hold the sentences the rules of that time wrote, in a handful of fixed shapes; this
# reads them once, during the migration. A sentence of no known shape is kept as its text.

_LEGACY_REASONS: dict[str, str] = {
    "nobody claimed the spot before the offer expired": RoundEnd.EXPIRED,
    "every offered spot was claimed": RoundEnd.ALL_CLAIMED,
    "every offered volunteer withdrew": RoundEnd.ALL_WITHDREW,
    "nobody left on the waitlist to offer the spot to": RoundEnd.NOBODY_LEFT,
    "capacity lowered; no spot left to offer": RoundEnd.CAPACITY_LOWERED,
    "capacity lowered; offer withdrawn": RoundEnd.CAPACITY_LOWERED,
    "the coordinator filled the held spot": RoundEnd.COORDINATOR_FILLED,
    "the coordinator filled a held spot": RoundEnd.COORDINATOR_FILLED,
    "the application was closed": RoundEnd.APP_CLOSED,
    "the application was cancelled": RoundEnd.APP_CANCELLED,
}
_LEGACY_SIGNUPS: dict[str, tuple[str, dict[str, object]]] = {
    "took a free spot": (A.SIGNED_UP, {}),
    "claimed the offered spot": (A.CLAIMED, {}),
    "promoted automatically from the waitlist": (A.PROMOTED_AUTO, {}),
    "promoted from the waitlist by the coordinator": (A.PROMOTED, {"into": "free"}),
    "promoted into a held spot by the coordinator": (A.PROMOTED, {"into": "held"}),
}
_LEGACY_NUMBERS: dict[str, tuple[str, ...]] = {
    "waitlisted": (r"position (\d+)", "position"),
    "created": (r"with (\d+) spot", "spots"),
    "published": (r"with (\d+) spot", "spots"),
    "capacity_changed": (r"(\d+) → (\d+)", "old", "new"),
    "cancelled": (r"(\d+) signed up and (\d+) waiting", "signed", "waiting"),
}
_LEGACY_PLAIN = {
    "offer_expired": A.OFFER_EXPIRED,
    "withdrew": A.WITHDREW,
    "left_waitlist": A.LEFT_WAITLIST,
    "ignored": A.WITHDRAWAL_IGNORED,
    "closed": A.CLOSED,
    "reopened": A.REOPENED,
}


def _legacy_activity(kind: str, detail: str) -> tuple[str, str]:
    """An activity row of schema 2 (kind, English detail) as (kind, JSON parameters)."""
    parsed = _read_legacy(kind, detail)
    if parsed is None:
        return A.LEGACY, json.dumps({"kind": kind, "text": detail}, ensure_ascii=False)
    new_kind, params = parsed
    return new_kind, json.dumps(params, ensure_ascii=False)


def _read_legacy(kind: str, detail: str) -> tuple[str, dict[str, object]] | None:
    if kind in _LEGACY_PLAIN:
        return _LEGACY_PLAIN[kind], {}
    if kind == "signed_up":
        return _LEGACY_SIGNUPS.get(detail)
    if kind in _LEGACY_NUMBERS:
        pattern, *names = _LEGACY_NUMBERS[kind]
        found = re.search(pattern, detail)
        if found is None:
            return None
        return kind, dict(zip(names, map(int, found.groups()), strict=True))
    if kind == "offered":
        until = re.search(r"until (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)", detail)
        return (A.OFFERED, {"until": f"{until[1]}T{until[2]}"}) if until else None
    if kind == "not_selected":
        reason = _LEGACY_REASONS.get(detail)
        return (A.NOT_SELECTED, {"reason": reason}) if reason else None
    if kind == "round_opened":
        found = re.match(r"(\d+) spot", detail)
        policy = "timed" if "in turn" in detail else "broadcast"
        return (A.ROUND_OPENED, {"spots": int(found[1]), "policy": policy}) if found else None
    if kind == "round_closed":
        found = re.fullmatch(r"(.*?)(?:; (\d+) held spot\(s\) became free)?", detail)
        reason = _LEGACY_REASONS.get(found[1]) if found else None
        if found is None or reason is None:
            return None
        return A.ROUND_CLOSED, {"reason": reason, "released": int(found[2] or 0)}
    if kind == "removed":
        return A.REMOVED, {"place": "roster" if "roster" in detail else "waitlist"}
    if kind == "edited":
        return A.EDITED, {"fields": detail.removeprefix("changed ").split(", ")}
    if kind == "policy_changed":
        found = re.search(r"freed spots: (\w+), offer timeout (\d+) min", detail)
        if found is None:
            return None
        return A.POLICY_CHANGED, {"policy": found[1], "offer_timeout_min": int(found[2])}
    for request, prefix in (("accepted", "response_to_"), ("declined", "withdrawal_to_")):
        if kind.startswith(prefix):
            return A.ANSWERED_NOT_OPEN, {"request": request, "status": kind.removeprefix(prefix)}
    return None
