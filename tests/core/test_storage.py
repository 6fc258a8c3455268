"""The SQLite store: durability pragmas, migrations from v1, refusal of a newer file, the outbox."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import pytest

from core.clock import ManualClock
from core.engine import ApplicationForm, Delivery, Engine, Result
from core.storage import SCHEMA_VERSION, Store, inbox_key_hash

INBOX_COLUMNS = (
    "key", "key_hash", "message_id", "sender", "content_hash", "received_at", "outcome",
    "exchange", "routing_key", "action", "application_id", "volunteer_id", "body",
)  # fmt: skip


def test_database_is_opened_with_wal_full_sync_and_a_busy_timeout(store: Store) -> None:
    pragma = {
        name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "busy_timeout")
    }
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "busy_timeout": 10_000}
    assert store.schema_version() == SCHEMA_VERSION


def _old_application(c: sqlite3.Connection, people: list[tuple[str, str, int]]) -> None:
    """Application 456 with these (volunteer, state, seq) rows, in columns every version has.

    Whoever signed up answered at 10:00, the waiting at 10:05; next_seq follows the last seq.
    """
    c.execute(
        "INSERT INTO application (id, fund_id, name, description, date, start, end, capacity,"
        " status, policy, offer_timeout_s, created_at, updated_at, next_seq) VALUES"
        " ('456', '123', 'Уборка', '', '2026-03-10', '14:00:00', '18:00:00', 1, 'open',"
        " 'broadcast', 1800, '2026-03-01T10:00:00', '2026-03-01T10:00:00', ?)",
        (max(seq for _, _, seq in people) + 1,),
    )
    c.executemany(
        "INSERT INTO participation VALUES ('456', ?, ?, ?, ?, '2026-03-01T10:00:00')",
        [
            (vid, state, "2026-03-01T10:00:00" if state == "signed" else "2026-03-01T10:05:00", seq)
            for vid, state, seq in people
        ],
    )


def test_v1_database_opens_after_upgrade_with_its_data_intact(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "old.db"
    old = Store(path, upto_version=1)
    assert old.schema_version() == 1
    inbox_columns = {r[1] for r in old.conn.execute("PRAGMA table_info(inbox)")}
    assert inbox_columns == {"message_id", "received_at", "outcome"}
    with old.transaction() as c:
        _old_application(c, [("701", "signed", 1), ("702", "waiting", 2)])
        c.execute("INSERT INTO inbox VALUES ('old-1', '2026-03-01T10:00:00', 'applied')")
        c.execute(
            "INSERT INTO outbox (message_id, exchange, routing_key, action, body, created_at,"
            " attempts) VALUES ('out-1', 'x', 'k', 'volunteer_notification', '{}',"
            " '2026-03-01T10:00:00', 0)"
        )
    old.close()

    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    inbox_columns = {r[1] for r in store.conn.execute("PRAGMA table_info(inbox)")}
    assert {
        "exchange",
        "routing_key",
        "action",
        "application_id",
        "volunteer_id",
        "body",
    } <= inbox_columns
    assert store.conn.execute(
        "SELECT message_id, outcome, exchange, body FROM inbox"
    ).fetchall() == [("old-1", "applied", "", "")]
    assert store.backlog() == 1
    engine = Engine(store, "123", clock)
    st = engine.state("456")
    assert st is not None
    assert (st.name, st.capacity, st.signed_count, st.waitlist()) == ("Уборка", 1, 1, ["702"])
    # the upgraded file is fully usable: the old message still dedupes, new ones apply
    raw = (
        b'{"action":"volunteer_response","data":{"volunteer_id":701,'
        b'"volunteer_application_id":456,"status":"declined"}}'
    )
    assert engine.handle([Delivery(raw, message_id="old-1")])[0].outcome == "duplicate"
    assert engine.handle([Delivery(raw, message_id="new-1")])[0].outcome == "applied"
    st = engine.state("456")
    assert st is not None and st.held == 1
    store.close()


def test_v2_activity_sentences_become_kinds_with_parameters(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    old = Store(path, upto_version=2)
    rows = [
        ("volunteer 7", "signed_up", "took a free spot"),
        ("coordinator", "signed_up", "promoted into a held spot by the coordinator"),
        ("volunteer 8", "waitlisted", "no free spot; waitlisted at position 3"),
        ("volunteer 8", "offered", "offered a freed spot until 2026-03-01 10:30:00 UTC"),
        ("clock", "not_selected", "capacity lowered; offer withdrawn"),
        ("volunteer 7", "round_opened", "2 spot(s) offered in turn down the waitlist"),
        (
            "clock",
            "round_closed",
            "nobody claimed the spot before the offer expired; 2 held spot(s) became free",
        ),
        ("volunteer 7", "round_closed", "every offered spot was claimed"),
        ("volunteer 9", "withdrawal_to_cancelled", "withdrawal reached a cancelled application"),
        ("coordinator", "capacity_changed", "capacity 4 → 6"),
        ("coordinator", "removed", "removed from the roster by the coordinator; a spot freed"),
        ("coordinator", "cancelled", "cancelled; 2 signed up and 1 waiting were told"),
        ("coordinator", "edited", "changed name, date"),
        ("coordinator", "policy_changed", "freed spots: auto, offer timeout 30 min"),
        ("volunteer 9", "ignored", "withdrawal from a volunteer who was neither signed up"),
        ("coordinator", "something_new", "a sentence of no known shape"),
    ]
    with old.transaction() as c:
        c.executemany(
            "INSERT INTO activity (application_id, at, actor, kind, volunteer_id, detail, cause)"
            " VALUES ('1', '2026-03-01T10:00:00', ?, ?, NULL, ?, NULL)",
            rows,
        )
        c.execute(
            "INSERT INTO offer_round (application_id, policy, held, opened_at, deadline,"
            " closed_at, close_reason) VALUES ('1', 'broadcast', 0, '2026-03-01T10:00:00',"
            " '2026-03-01T10:30:00', '2026-03-01T10:30:00', 'every offered spot was claimed')"
        )
    old.close()

    store = Store(path)
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(activity)")}
    assert "params" in columns and "detail" not in columns
    got = [
        (kind, json.loads(params))
        for kind, params in store.conn.execute("SELECT kind, params FROM activity ORDER BY id")
    ]
    assert got == [
        ("signed_up", {}),
        ("promoted", {"into": "held"}),
        ("waitlisted", {"position": 3}),
        ("offered", {"until": "2026-03-01T10:30:00"}),
        ("not_selected", {"reason": "capacity_lowered"}),
        ("round_opened", {"spots": 2, "policy": "timed"}),
        ("round_closed", {"reason": "expired", "released": 2}),
        ("round_closed", {"reason": "all_claimed", "released": 0}),
        ("answered_not_open", {"request": "declined", "status": "cancelled"}),
        ("capacity_changed", {"old": 4, "new": 6}),
        ("removed", {"place": "roster"}),
        ("cancelled", {"signed": 2, "waiting": 1}),
        ("edited", {"fields": ["name", "date"]}),
        ("policy_changed", {"policy": "auto", "offer_timeout_min": 30}),
        ("withdrawal_ignored", {}),
        ("legacy", {"kind": "something_new", "text": "a sentence of no known shape"}),
    ]
    assert store.conn.execute("SELECT close_reason FROM offer_round").fetchall() == [
        ("all_claimed",)
    ]
    store.close()


def test_v8_rejected_reasons_are_kept_as_text_and_new_ones_get_kinds(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "v8.db"
    old = Store(path, upto_version=8)
    with old.transaction() as c:
        c.execute(
            "INSERT INTO rejected (message_id, received_at, exchange, routing_key, reason, size,"
            " body) VALUES ('r1', '2026-03-01T10:00:00', 'x', 'k', 'body is not JSON', 2, x'7b7b')"
        )
    old.close()
    store = Store(path)
    engine = Engine(store, "123", clock)
    engine.handle([Delivery(b"[1]", message_id="r2")])
    rows = store.conn.execute("SELECT message_id, reason, kind, params FROM rejected ORDER BY id")
    assert [(mid, reason, kind, json.loads(p)) for mid, reason, kind, p in rows] == [
        ("r1", "body is not JSON", "other", {"text": "body is not JSON"}),
        ("r2", "body is a JSON list, not an object", "not_object", {"type": "list"}),
    ]


def test_v10_outbox_rows_stay_pending_after_upgrade_and_gain_the_failed_and_copy_columns(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "old.db"
    old = Store(path, upto_version=10)
    with old.transaction() as c:
        c.execute(
            "INSERT INTO outbox (message_id, exchange, routing_key, action, body, created_at,"
            " attempts) VALUES ('out-1', 'x', 'k', 'volunteer_notification', '{\"a\":1}',"
            " '2026-03-01T10:00:00', 0)"
        )
    old.close()
    store = Store(path)
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(outbox)")}
    assert {"failed_at", "payload", "properties"} <= columns
    [row] = store.pending_outbox()
    assert (row.message_id, row.body, row.properties) == ("out-1", b'{"a":1}', None)
    assert store.backlog() == 1
    store.mark_undeliverable(row.seq, "the routing key is 300 bytes", clock.now())
    assert store.pending_outbox() == [] and store.backlog() == 0
    with store.transaction():
        store.add_outbox_copies(
            [("c-1", "2026-03-01T10:00:00", "dl", "k", "dead_letter", None, None, "\ufffd",
              b"\xff raw", b"props")]
        )  # fmt: skip
    [copy] = store.pending_outbox()
    assert (copy.body, copy.properties) == (b"\xff raw", b"props")
    store.mark_sent([copy.seq], clock.now())
    assert store.conn.execute("SELECT payload FROM outbox WHERE seq=?", (copy.seq,)).fetchone() == (
        None,
    )
    store.close()


def test_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    future = SCHEMA_VERSION + 1
    conn.execute(f"PRAGMA user_version = {future}")
    conn.close()
    with pytest.raises(RuntimeError) as info:
        Store(path)
    assert str(info.value) == (
        f"{path} has schema version {future}, newer than this program's {SCHEMA_VERSION}:"
        " upgrade Volunteer Console"
    )
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == future  # left as it was
    conn.close()


def test_reopening_a_current_database_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    again = Store(path)
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_v4_database_gets_its_counts_on_the_application_row(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "v4.db"
    old = Store(path, upto_version=4)
    with old.transaction() as c:
        _old_application(c, [("701", "signed", 1), ("703", "waiting", 3), ("702", "waiting", 2)])
    old.close()

    store = Store(path)
    assert store.conn.execute(
        "SELECT signed_count, waiting_count FROM application WHERE id = '456'"
    ).fetchone() == (1, 2)
    indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(participation)")}
    assert "participation_order" in indexes and "participation_app_state" not in indexes
    engine = Engine(store, "123", clock)
    raw = (
        b'{"action":"volunteer_response","data":{"volunteer_id":704,'
        b'"volunteer_application_id":456,"status":"accepted"}}'
    )
    assert engine.handle([Delivery(raw, message_id="new-1")])[0].outcome == "applied"
    assert store.conn.execute(
        "SELECT signed_count, waiting_count FROM application WHERE id = '456'"
    ).fetchone() == (1, 3)
    store.close()


def test_outbox_rows_are_pending_until_marked_sent(engine: Engine, clock: ManualClock) -> None:
    form = ApplicationForm(name="A", day=date(2026, 3, 10), start=time(9), end=time(10), spots=1)
    engine.create_application(form)
    engine.create_application(form)
    store = engine.store
    rows = store.pending_outbox()
    assert [r.action for r in rows] == ["create_volunteer_application"] * 2
    assert rows[0].body.startswith(b'{"action":"create_volunteer_application"')
    assert store.pending_outbox(after_seq=rows[0].seq) == rows[1:]
    store.mark_failed(rows[0].seq, "broker down " + "x" * 600)
    failed = store.conn.execute(
        "SELECT attempts, length(last_error) FROM outbox WHERE seq=?", (rows[0].seq,)
    ).fetchone()
    assert failed == (1, 500)
    store.mark_sent([rows[0].seq], datetime(2026, 3, 2, 9, 0, 1))
    assert store.pending_outbox() == rows[1:]
    assert store.backlog() == 1
    sent = store.conn.execute("SELECT sent_at, attempts FROM outbox WHERE seq=?", (rows[0].seq,))
    assert sent.fetchone() == ("2026-03-02T09:00:01", 2)


LOG_COLUMNS = ("", "", "", None, None, "")  # exchange, key, action, application, volunteer, body


def test_seen_inbox_keys_handles_more_ids_than_one_query_takes(store: Store) -> None:
    with store.transaction():
        store.add_inbox(
            [
                (f"m{i}", f"m{i}", "", None, "2026-01-01T00:00:00", "applied", *LOG_COLUMNS)
                for i in range(0, 1200, 2)
            ]
        )
    seen = store.seen_inbox_keys([f"m{i}" for i in range(1200)])
    assert seen == {f"m{i}" for i in range(0, 1200, 2)}


def test_mark_sent_skips_only_its_own_fsync_and_restores_full_sync(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "c.db"
    store = Store(path)
    engine = Engine(store, "1", clock)
    form = ApplicationForm(name="A", day=date(2026, 3, 10), start=time(9), end=time(10), spots=1)
    engine.create_application(form)
    seq = store.pending_outbox()[0].seq
    store.mark_sent([seq], datetime(2026, 3, 2, 9, 0, 1))
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    with store.transaction():  # inside a caller's transaction the setting is left alone
        store.mark_sent([seq], datetime(2026, 3, 2, 9, 0, 2))
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    store.close()
    reopened = sqlite3.connect(path)
    assert reopened.execute("SELECT sent_at FROM outbox WHERE seq=?", (seq,)).fetchone() == (
        "2026-03-02T09:00:02",
    )
    reopened.close()


def test_a_reloaded_offer_round_lists_its_offers_in_the_live_order(tmp_path):
    import json
    from datetime import date, datetime, time

    from core.clock import ManualClock
    from core.engine import ApplicationForm, Delivery, Engine

    clock = ManualClock(datetime(2026, 3, 2, 9, 0, 0))
    engine = Engine(Store(tmp_path / "a.db"), "7", clock)
    app = engine.create_application(
        ApplicationForm("Shift", date(2026, 3, 9), time(9), time(12), 1, offer_timeout_min=5)
    )

    def respond(vid: str, status: str, n: int) -> Delivery:
        data = {"volunteer_id": vid, "volunteer_application_id": int(app), "status": status}
        body = json.dumps({"action": "volunteer_response", "data": data})
        return Delivery(body.encode(), message_id=f"m{n}")

    names = ["v0", *(f"w{i}" for i in range(30))]
    engine.handle([respond(v, "accepted", i) for i, v in enumerate(names)])
    engine.handle([respond("v0", "declined", 100)])  # a round opens: all 30 offered
    clock.advance(10)
    engine.handle([respond("w7", "declined", 101), respond("w3", "declined", 102)])
    live = list(engine.state(app).round.offers)  # type: ignore[union-attr]

    reloaded = Engine(Store(tmp_path / "a.db"), "7", clock).state(app)
    assert reloaded is not None and reloaded.round is not None
    assert list(reloaded.round.offers) == live
    assert live == [f"w{i}" for i in range(30)]


def test_v3_inbox_is_rekeyed_by_sender_keeping_its_rows_in_order(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "v3.db"
    old = Store(path, upto_version=3)
    with old.transaction() as c:
        c.executemany(
            "INSERT INTO inbox (message_id, received_at, outcome, exchange, routing_key, action,"
            " application_id, volunteer_id, body) VALUES (?, '2026-03-01T10:00:00', 'applied',"
            " 'x', 'k', 'volunteer_response/accepted', '456', '701', '{}')",
            [("b-second",), ("a-first",)],
        )
        c.execute("DELETE FROM inbox WHERE message_id = 'b-second'")
        c.execute(
            "INSERT INTO inbox (message_id, received_at, outcome, exchange, routing_key, action,"
            " body) VALUES ('c-third', '2026-03-01T10:00:01', 'ignored', '', '', '', '')"
        )
    before = old.conn.execute("SELECT rowid, message_id FROM inbox ORDER BY rowid").fetchall()
    old.close()

    store = Store(path)
    rows = store.conn.execute(
        "SELECT rowid, key, message_id, sender, content_hash, outcome, body FROM inbox"
        " ORDER BY rowid"
    ).fetchall()
    assert [(r[0], r[2]) for r in rows] == before  # the message log's order is kept
    assert rows[0][1:] == ("legacy:a-first", "a-first", "", None, "applied", "{}")
    engine = Engine(store, "123", clock)
    # An id recorded before senders were kept still dedupes, whoever sends it.
    assert engine.handle([Delivery(b"{}", message_id="a-first", app_id="any")]) == [
        Result("duplicate", "a-first")
    ]
    store.close()


def test_v17_inbox_keeps_its_keys_and_order_and_finds_ids_by_their_hash(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "v17.db"
    old = Store(path, upto_version=17)
    with old.transaction() as c:
        c.executemany(
            "INSERT INTO inbox (key, message_id, sender, received_at, outcome, body)"
            " VALUES (?, ?, 'volunteer-app', '2026-03-01T10:00:00', 'applied', '{}')",
            [("13:volunteer-app:b-second", "b-second"), ("13:volunteer-app:a-first", "a-first")],
        )
    before = old.conn.execute("SELECT rowid, key, message_id FROM inbox ORDER BY rowid").fetchall()
    old.close()

    store = Store(path)
    after = store.conn.execute(
        "SELECT rowid, key, message_id, key_hash FROM inbox ORDER BY rowid"
    ).fetchall()
    assert [r[:3] for r in after] == before  # the message log's order is kept
    assert [r[3] for r in after] == [inbox_key_hash(r[1]) for r in before]
    indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(inbox)")}
    assert indexes == {"inbox_received", "inbox_content", "inbox_unhashed"}
    older = store.conn.execute("SELECT inbox_id, key_hash FROM inbox_key_older ORDER BY 1")
    assert older.fetchall() == [(r[0], r[3]) for r in after]  # schema 19: the older tier
    engine = Engine(store, "123", clock)
    assert engine.handle([Delivery(b"{}", message_id="a-first", app_id="volunteer-app")]) == [
        Result("duplicate", "a-first")
    ]
    store.close()


def inbox_rows(n: int, start: int = 0) -> list[tuple[object, ...]]:
    """n processed messages' inbox rows, as the engine gives them to add_inbox."""
    return [
        (f"13:app:m{i}", f"m{i}", "app", None, "2026-03-01T10:00:00", "applied", "", "", "", None,
         None, "{}")
        for i in range(start, start + n)
    ]  # fmt: skip


def tiers(store: Store) -> tuple[int, int]:
    """How many hashes the duplicate check's recent and older tiers hold."""
    return tuple(  # type: ignore[return-value]
        store.conn.execute(f"SELECT COUNT(*) FROM inbox_key_{t}").fetchone()[0]
        for t in ("recent", "older")
    )


def test_the_recent_hashes_move_to_the_older_tier_at_its_size_and_both_find_duplicates(
    tmp_path: Path,
) -> None:
    from core.storage import RECENT_KEYS

    store = Store(tmp_path / "c.db")
    with store.transaction():
        store.add_inbox(inbox_rows(RECENT_KEYS - 1))
    assert tiers(store) == (RECENT_KEYS - 1, 0)
    with store.transaction():
        store.add_inbox(inbox_rows(11, RECENT_KEYS - 1))  # one more than RECENT_KEYS: all move
    assert tiers(store) == (9, RECENT_KEYS + 1)
    keys = ["13:app:m0", f"13:app:m{RECENT_KEYS + 9}", "13:app:never"]
    assert store.seen_inbox_keys(keys) == set(keys[:2])
    # the pruning's deletes take their hashes along, in either tier
    with store.transaction() as c:
        c.execute("DELETE FROM inbox WHERE key IN (?, ?)", keys[:2])
    assert tiers(store) == (8, RECENT_KEYS)
    assert store.seen_inbox_keys(keys) == set()
    store.close()


def test_a_replicas_replaced_inbox_row_keeps_one_hash_and_its_duplicate(tmp_path: Path) -> None:
    """A replica writes the log's inbox rows by INSERT OR REPLACE (no delete trigger fires)."""
    store = Store(tmp_path / "c.db")
    with store.transaction():
        store.add_inbox(inbox_rows(3))
    with store.transaction() as c:
        row = c.execute("SELECT rowid, * FROM inbox WHERE key = '13:app:m1'").fetchone()
        c.execute(f"INSERT OR REPLACE INTO inbox (rowid, {', '.join(INBOX_COLUMNS)})"
                  f" VALUES ({', '.join('?' * (len(INBOX_COLUMNS) + 1))})", row)  # fmt: skip
    assert tiers(store) == (3, 0)
    assert store.seen_inbox_keys(["13:app:m1"]) == {"13:app:m1"}
    store.close()


def test_the_backlog_counter_follows_every_way_an_outbox_row_changes(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Schema 14 keeps the backlog as a number; it must equal a count of the rows at each step."""
    store = Store(tmp_path / "c.db")

    def counted() -> int:
        return int(
            store.conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
            ).fetchone()[0]
        )

    seen = []
    with store.transaction():
        store.add_outbox(
            [(f"m{i}", "2026-03-01T10:00:00", "x", "k", "a", None, None, "{}") for i in range(5)]
        )
        store.add_outbox_copies(
            [("c1", "2026-03-01T10:00:00", "dl", "k", "dead_letter", None, None, "", b"r", b"p")]
        )
    seen.append(store.backlog())
    seqs = [row.seq for row in store.pending_outbox()]
    store.mark_sent(seqs[:2], clock.now())
    seen.append(store.backlog())
    store.mark_sent(seqs[:1], clock.now())  # sent twice: counted once
    seen.append(store.backlog())
    store.mark_failed(seqs[2], "nack")  # a failed attempt stays in the backlog
    seen.append(store.backlog())
    store.mark_undeliverable(seqs[3], "too big", clock.now())
    seen.append(store.backlog())
    with store.transaction() as c:
        c.execute("UPDATE outbox SET sent_at = NULL WHERE seq = ?", (seqs[0],))  # by hand
    seen.append(store.backlog())
    with store.transaction() as c:
        c.execute("DELETE FROM outbox WHERE seq IN (?, ?)", (seqs[1], seqs[4]))
    seen.append(store.backlog())
    assert seen == [6, 4, 4, 4, 3, 4, 3]
    assert store.backlog() == counted()
