"""Bounded disk use: a rejected body is kept once and only its first 4 KiB, and the logs are
pruned past their retention in small batches, never a pending outbound message."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from core import messages as m
from core.clock import ManualClock
from core.engine import ApplicationForm, Delivery, Engine
from core.queries import Queries
from core.service import ConsoleCore
from core.storage import Store

FORM = ApplicationForm("Уборка", date(2026, 3, 10), time(14), time(18), spots=1)
DAY = timedelta(days=1)


def junk(i: int, size: int = 65_000) -> Delivery:
    head = json.dumps({"action": "steal_spots", "n": i, "pad": ""}).encode()[:-2]
    raw = head + b"x" * (size - len(head) - 2) + b'"}'
    assert len(raw) == size
    return Delivery(raw, routing_key="fund.123.response.1", message_id=f"junk-{i}")


def disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def test_a_thousand_large_rejected_bodies_grow_the_database_by_a_few_megabytes(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "console.db"
    engine = Engine(Store(path), "123", clock)
    engine.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = disk(path)
    for start in range(0, 1000, 50):
        results = engine.handle([junk(i) for i in range(start, start + 50)])
        assert {r.outcome for r in results} == {"rejected"}
    engine.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    grown = disk(path) - before
    # 65 MB came in; 1,000 x 4 KiB prefixes plus their rows stay.
    assert grown < 5_500_000, grown
    engine.store.close()


def test_a_rejected_body_is_kept_once_as_its_first_4_kib_size_and_digest(
    tmp_path: Path, clock: ManualClock
) -> None:
    engine = Engine(Store(tmp_path / "c.db"), "123", clock)
    d = junk(7)
    [result] = engine.handle([d])
    assert result.outcome == "rejected"
    [(size, body, digest)] = engine.store.conn.execute(
        "SELECT size, body, sha256 FROM rejected"
    ).fetchall()
    assert (size, bytes(body), digest) == (
        65_000,
        d.body[:4096],
        hashlib.sha256(d.body).hexdigest(),
    )
    [(inbox_body,)] = engine.store.conn.execute("SELECT body FROM inbox").fetchall()
    assert inbox_body == ""
    # The message log still shows what came in, from the one copy.
    [row] = Queries(engine).messages()
    assert (row.outcome, row.body) == ("rejected", d.body[:4096].decode())
    engine.store.close()


def test_logs_past_the_retention_are_pruned_in_batches_and_pending_messages_stay(
    tmp_path: Path, clock: ManualClock
) -> None:
    store = Store(tmp_path / "c.db")
    engine = Engine(store, "123", clock)
    app = engine.create_application(FORM)  # its announcement stays pending: never sent
    old_sent = store.pending_outbox()
    engine.handle([junk(i, 200) for i in range(7)])
    clock.set(clock.now() + 31 * DAY)
    engine.set_capacity(app, 2)
    store.mark_sent([r.seq for r in store.pending_outbox()], clock.now())  # sent just now
    engine.handle([junk(100, 200)])
    counts = "SELECT (SELECT COUNT(*) FROM inbox), (SELECT COUNT(*) FROM rejected),"
    counts += " (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL)"
    assert store.conn.execute(counts).fetchone() == (8, 8, 2, 0)
    store.conn.execute("UPDATE outbox SET sent_at = NULL WHERE seq = ?", (old_sent[0].seq,))

    gone = [store.prune(clock.now(), 30 * DAY, limit=5) for _ in range(4)]
    assert gone == [5, 5, 4, 0]  # 7 inbox + 7 rejected rows, five per transaction
    # The new rows stay; the 31-day-old announcement stays because it was never sent.
    assert store.conn.execute(counts).fetchone() == (1, 1, 2, 1)
    store.close()


def test_inbox_ids_of_a_console_that_was_down_are_kept_until_it_has_caught_up(
    tmp_path: Path, clock: ManualClock
) -> None:
    store = Store(tmp_path / "c.db")
    engine = Engine(store, "123", clock)
    engine.handle([junk(1, 200)])
    clock.set(clock.now() + 45 * DAY)  # down for 45 days: the broker may still redeliver
    assert store.prune(clock.now(), 30 * DAY) == 1  # the rejected row, not the id
    assert engine.handle([junk(1, 200)])[0].outcome == "duplicate"
    engine.handle([junk(2, 200)])  # caught up: something new came in
    assert store.prune(clock.now(), 30 * DAY) == 1
    assert engine.handle([junk(2, 200)])[0].outcome == "duplicate"
    store.close()


def test_the_console_core_prunes_by_the_retention_of_its_settings(
    tmp_path: Path, clock: ManualClock
) -> None:
    from core.config import Settings, save_settings

    save_settings(tmp_path, Settings(retention_days=2))
    core = ConsoleCore(tmp_path, "123", "amqp://guest:guest@127.0.0.1:1/", clock)
    assert core.retention == 2 * DAY
    core.engine.handle([junk(1, 200), junk(2, 200)])
    clock.set(clock.now() + 3 * DAY)
    core.engine.handle([junk(3, 200)])
    assert core.writer.run(core.prune_once) == 4  # two inbox ids, two rejected rows
    asyncio.run(core.stop())
    other = ConsoleCore(tmp_path, "123", "amqp://x/", clock, retention_days=9)
    assert other.retention == 9 * DAY
    asyncio.run(other.stop())


def test_v5_rejected_bodies_are_cut_to_4_kib_with_their_digest(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    old = Store(path, upto_version=5)
    whole, cut = b"a" * 10_000, b"b" * 65_536
    with old.transaction() as c:
        c.executemany(
            "INSERT INTO rejected (message_id, received_at, exchange, routing_key, reason, size,"
            " body) VALUES (?, '2026-03-01T10:00:00', ?, 'k', 'unknown action', ?, ?)",
            [("r1", m.RESPONSE_EXCHANGE, len(whole), whole), ("r2", "", 70_000, cut)],
        )
        c.execute(
            "INSERT INTO inbox (key, message_id, received_at, outcome, body) VALUES"
            " ('0::r1', 'r1', '2026-03-01T10:00:00', 'rejected', ?)",
            ("a" * 10_000,),
        )
    old.close()
    store = Store(path)
    rows = store.conn.execute("SELECT message_id, size, body, sha256 FROM rejected ORDER BY id")
    assert [(r[0], r[1], bytes(r[2]), r[3]) for r in rows] == [
        ("r1", 10_000, whole[:4096], hashlib.sha256(whole).hexdigest()),
        ("r2", 70_000, cut[:4096], None),  # only a prefix was kept: its digest is unknown
    ]
    assert store.conn.execute("SELECT body FROM inbox").fetchall() == [("",)]
    store.close()


def test_retention_days_is_a_command_line_option_within_bounds(capsys) -> None:
    import pytest

    from core import cli

    assert cli.parse_args(["--headless", "--retention-days", "90"]).retention_days == 90
    assert cli.parse_args(["--headless"]).retention_days is None
    with pytest.raises(SystemExit):
        cli.parse_args(["--headless", "--retention-days", "0"])
    assert "--retention-days: 1 to 3650 days (got 0)" in capsys.readouterr().err


def test_a_sent_message_row_past_the_retention_is_pruned(tmp_path: Path, clock: ManualClock):
    store = Store(tmp_path / "c.db")
    engine = Engine(store, "123", clock)
    engine.create_application(FORM)
    store.mark_sent([r.seq for r in store.pending_outbox()], clock.now())
    clock.set(clock.now() + 30 * DAY + timedelta(seconds=1))
    assert store.prune(clock.now(), 30 * DAY) == 1
    assert store.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
    assert datetime.fromisoformat("2026-03-02T09:00:00") < clock.now()
    store.close()
