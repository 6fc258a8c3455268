"""The engine: batches in one transaction, dedupe, poison and internal errors, listeners, cache."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from core import messages as m
from core import rules
from core.clock import ManualClock, shift_over
from core.engine import (
    ActionRefused,
    ApplicationForm,
    Committed,
    Delivery,
    Engine,
    Result,
    console_app_id,
)
from core.queries import Queries
from core.storage import Store

FORM = ApplicationForm(
    name="Уборка парка", day=date(2026, 3, 10), start=time(14), end=time(18), spots=2
)


def resp(app: str, vid: int, status: str = "accepted", mid: str | None = None) -> Delivery:
    raw = {
        "action": "volunteer_response",
        "data": {"volunteer_id": vid, "volunteer_application_id": int(app), "status": status},
    }
    return Delivery(json.dumps(raw).encode(), message_id=mid or f"m-{vid}-{status}")


def roster(engine: Engine, app: str) -> list[str]:
    st = engine.state(app)
    assert st is not None
    return sorted(p.volunteer_id for p in st.participants.values() if p.state == "signed")


def waitlist(engine: Engine, app: str) -> list[str]:
    st = engine.state(app)
    assert st is not None
    return st.waitlist()


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


def test_batch_is_applied_in_order_in_one_commit(engine: Engine) -> None:
    app = engine.create_application(FORM)
    changes: list[Committed] = []
    engine.subscribe(changes.append)
    results = engine.handle([resp(app, 701), resp(app, 702), resp(app, 703)])
    assert results == [
        Result("applied", "m-701-accepted"),
        Result("applied", "m-702-accepted"),
        Result("applied", "m-703-accepted"),
    ]
    assert roster(engine, app) == ["701", "702"]
    assert waitlist(engine, app) == ["703"]
    [change] = changes
    assert change.application_ids == {app}
    assert (change.responses, change.rejected, change.outbound) == (3, 0, 3)
    assert [(x.direction, x.action, x.volunteer_id) for x in change.messages] == [
        ("in", "volunteer_response/accepted", "701"),
        ("in", "volunteer_response/accepted", "702"),
        ("in", "volunteer_response/accepted", "703"),
        ("out", "volunteer_notification", "701"),
        ("out", "volunteer_notification", "702"),
        ("out", "volunteer_waiting", "703"),
    ]
    assert [a.kind for a in change.activity] == ["signed_up", "signed_up", "waitlisted"]


def test_duplicates_inside_one_batch_count_once(engine: Engine) -> None:
    app = engine.create_application(FORM)
    before = engine.store.backlog()
    d = resp(app, 701, mid="same")
    results = engine.handle([d, d, resp(app, 701, "declined", mid="same")])
    assert [r.outcome for r in results] == ["applied", "duplicate", "duplicate"]
    assert roster(engine, app) == ["701"]
    assert engine.store.backlog() - before == 1


def test_redelivery_in_a_later_batch_is_a_duplicate(engine: Engine) -> None:
    app = engine.create_application(FORM)
    engine.handle([resp(app, 701)])
    before = dump(engine.store)
    assert engine.handle([resp(app, 701)]) == [Result("duplicate", "m-701-accepted")]
    assert dump(engine.store) == before


def no_id(app: str, vid: int, status: str, *, redelivered: bool = False) -> Delivery:
    """A response sent without message_id, as a careless volunteer-side client does."""
    d = resp(app, vid, status)
    key = m.response_key("123", app)
    return Delivery(d.body, routing_key=key, app_id="volunteer-app", redelivered=redelivered)


def test_equal_bodies_without_an_id_are_separate_messages(engine: Engine) -> None:
    app = engine.create_application(FORM)
    sequence = [no_id(app, 701, "accepted"), no_id(app, 701, "declined")]
    sequence.append(no_id(app, 701, "accepted"))  # the same bytes as the first
    outcomes = [engine.handle([d])[0].outcome for d in sequence]
    assert outcomes == ["applied", "applied", "applied"]
    assert roster(engine, app) == ["701"]


def test_a_redelivery_without_an_id_takes_effect_once(engine: Engine) -> None:
    app = engine.create_application(FORM)
    for d in (no_id(app, 701, "accepted"), no_id(app, 701, "declined")):
        engine.handle([d])
    engine.handle([no_id(app, 701, "accepted")])  # committed; its ack was lost with the channel
    before = dump(engine.store)
    # Both acceptances carry the same bytes: the redelivered one is taken for one of them,
    # and a second redelivered copy finds the other.
    again = engine.handle([no_id(app, 701, "accepted", redelivered=True)] * 2)
    assert [r.outcome for r in again] == ["duplicate", "duplicate"]
    assert again[0].message_id.startswith("sha256:")
    assert dump(engine.store) == before
    # A message can be redelivered again (its ack lost twice): still the same message.
    assert engine.handle([no_id(app, 701, "accepted", redelivered=True)])[0].outcome == (
        "duplicate"
    )
    # Redelivered but never processed (its batch was handed back before the commit).
    assert engine.handle([no_id(app, 702, "accepted", redelivered=True)])[0].outcome == ("applied")
    assert roster(engine, app) == ["701", "702"]


def test_a_redelivery_without_an_id_is_looked_for_only_in_the_redelivery_window(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.engine.REDELIVERY_WINDOW", 3)
    app = engine.create_application(FORM)
    engine.handle([no_id(app, 701, "accepted")])
    engine.handle([resp(app, 800 + i) for i in range(3)])  # three later messages
    # Four messages back is past any unacknowledged window: not a redelivery of that one.
    [result] = engine.handle([no_id(app, 701, "declined", redelivered=True)])
    assert result.outcome == "applied"
    [result] = engine.handle([no_id(app, 701, "accepted", redelivered=True)])
    assert result.outcome == "applied"


def test_message_ids_are_scoped_by_sender(engine: Engine) -> None:
    app = engine.create_application(FORM)
    forged = Delivery(b"{}", message_id="X", app_id=console_app_id("123"))
    genuine = resp(app, 701, mid="X")
    genuine = Delivery(genuine.body, message_id="X", app_id="volunteer-app")
    assert engine.handle([forged])[0].outcome == "ignored"
    assert engine.handle([genuine]) == [Result("applied", "X")]
    assert roster(engine, app) == ["701"]
    assert engine.handle([genuine]) == [Result("duplicate", "X")]  # the same sender's X again


def test_poison_message_in_a_batch_does_not_sink_the_rest(engine: Engine) -> None:
    app = engine.create_application(FORM)
    poison = Delivery(b"{not json", message_id="poison")
    results = engine.handle([resp(app, 701), poison, resp(app, 702)])
    assert results == [
        Result("applied", "m-701-accepted"),
        Result(
            "rejected",
            "poison",
            "body is not JSON: Expecting property name enclosed in "
            "double quotes at line 1 column 2",
        ),
        Result("applied", "m-702-accepted"),
    ]
    assert roster(engine, app) == ["701", "702"]
    rows = engine.store.conn.execute(
        "SELECT message_id, reason, size, body FROM rejected"
    ).fetchall()
    assert rows == [("poison", results[1].reason, 9, b"{not json")]
    # the dead letter is kept, and a redelivery of it is not recorded twice
    assert engine.handle([poison]) == [Result("duplicate", "poison")]


def test_internal_error_rejects_only_the_failing_message(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = engine.create_application(FORM)
    real_accept = rules.accept

    def accept(st: Any, fx: Any, vid: str, at: Any) -> None:
        if vid == "702":
            raise RuntimeError("boom")
        real_accept(st, fx, vid, at)

    monkeypatch.setattr(rules, "accept", accept)
    changes: list[Committed] = []
    engine.subscribe(changes.append)
    results = engine.handle([resp(app, 701), resp(app, 702), resp(app, 703)])
    assert results == [
        Result("applied", "m-701-accepted"),
        Result("rejected", "m-702-accepted", "internal error while applying: RuntimeError: boom"),
        Result("applied", "m-703-accepted"),
    ]
    assert roster(engine, app) == ["701", "703"]
    assert waitlist(engine, app) == []
    reasons = engine.store.conn.execute("SELECT message_id, reason FROM rejected").fetchall()
    assert reasons == [("m-702-accepted", results[1].reason)]
    assert sum(ch.rejected for ch in changes) == 1
    # the failed attempt left nothing half-applied in the cache or the file
    other = Engine(Store(engine.store.path), "123", engine.clock)
    assert roster(other, app) == ["701", "703"]
    assert engine.handle([resp(app, 702)]) == [Result("duplicate", "m-702-accepted")]


def test_listener_failure_does_not_undo_the_commit(engine: Engine) -> None:
    app = engine.create_application(FORM)
    seen: list[Committed] = []

    def broken(_: Committed) -> None:
        raise ValueError("listener bug")

    engine.subscribe(broken)
    engine.subscribe(seen.append)
    assert engine.handle([resp(app, 701)])[0].outcome == "applied"
    assert len(seen) == 1
    assert roster(engine, app) == ["701"]


def test_coordinator_operation_tells_listeners(engine: Engine) -> None:
    app = engine.create_application(FORM)
    engine.handle([resp(app, 701), resp(app, 702), resp(app, 703)])
    seen: list[Committed] = []
    engine.subscribe(seen.append)
    engine.remove_volunteer(app, "701")
    [change] = seen
    assert change.application_ids == {app}
    assert [x.action for x in change.messages] == [
        "volunteer_notification",
        "notify_free_spot",
        "volunteer_notification",
    ]
    assert [a.kind for a in change.activity] == ["removed", "round_opened", "offered"]


def test_another_engine_committing_to_the_same_file_refreshes_the_cache(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "shared.db"
    a = Engine(Store(path), "123", clock)
    b = Engine(Store(path), "123", clock)
    app = a.create_application(FORM)
    assert roster(a, app) == []  # a's cache now holds the state
    assert b.handle([resp(app, 701), resp(app, 702)])[0].outcome == "applied"
    assert roster(a, app) == ["701", "702"]
    a.handle([resp(app, 703)])
    assert waitlist(b, app) == ["703"]
    b.set_capacity(app, 3)
    st = a.state(app)
    assert st is not None and (st.capacity, st.held) == (3, 1)
    a.store.close()
    b.store.close()


def test_unknown_application_is_refused_for_every_operation(engine: Engine) -> None:
    with pytest.raises(ActionRefused, match=r"^no application 42$"):
        engine.close("42")


def _refusals(engine: Engine, app: str) -> list[tuple[Callable[[], object], str]]:
    past = ApplicationForm(name=" ", day=date(2026, 3, 1), start=time(18), end=time(18), spots=0)
    shrunk = ApplicationForm(
        name="Новое имя", day=date(2026, 3, 11), start=time(9), end=time(12), spots=1
    )
    return [
        (
            lambda: engine.set_capacity(app, 1),
            "cannot lower capacity to 1: 2 volunteers are signed up; remove volunteers first",
        ),
        (lambda: engine.set_capacity(app, 0), "capacity must be between 1 and 10000"),
        (
            lambda: engine.remove_volunteer(app, "799"),
            "volunteer 799 is neither signed up nor waiting",
        ),
        (lambda: engine.promote(app, "703"), "no free spot: raise the capacity first"),
        (lambda: engine.promote(app, "799"), "volunteer 799 is not on the waitlist"),
        (lambda: engine.publish(app), "the application is already open"),
        (lambda: engine.reopen(app), "only a closed application can be reopened; this one is open"),
        (
            lambda: engine.set_policy(app, "lottery", 30),  # type: ignore[arg-type]
            "unknown policy 'lottery'; choose one of broadcast, auto, timed",
        ),
        (
            lambda: engine.set_policy(app, "auto", 0),
            "offer timeout must be between 1 and 10080 minutes",
        ),
        (
            lambda: engine.edit_application(app, past),
            "name: a name is required; date: the date is in the past (today is 2026-03-02); "
            "end: the end must differ from the start; spots: between 1 and 10000",
        ),
        (
            # the edit's name and date are valid, its capacity is not: nothing of it is kept
            lambda: engine.edit_application(app, shrunk),
            "cannot lower capacity to 1: 2 volunteers are signed up; remove volunteers first",
        ),
    ]


def test_every_refused_operation_leaves_the_database_unchanged(engine: Engine) -> None:
    app = engine.create_application(FORM)
    engine.handle([resp(app, 701), resp(app, 702), resp(app, 703)])
    before = dump(engine.store)
    seen: list[Committed] = []
    engine.subscribe(seen.append)
    for op, reason in _refusals(engine, app):
        with pytest.raises(ActionRefused) as info:
            op()
        assert str(info.value) == reason
        assert dump(engine.store) == before, reason
    assert seen == []
    st = engine.state(app)
    assert st is not None and st.name == "Уборка парка"  # the refused edit left the cache alone
    engine.close(app)
    closed = dump(engine.store)
    with pytest.raises(ActionRefused) as info:
        engine.close(app)
    assert str(info.value) == "only an open application can be closed; this one is closed"
    assert dump(engine.store) == closed


def test_create_application_refuses_a_bad_form(engine: Engine) -> None:
    bad = ApplicationForm(
        name="x" * 201,
        day=date(2026, 3, 10),
        start=time(9),
        end=time(10),
        spots=1,
        offer_timeout_min=0,
    )
    with pytest.raises(ActionRefused) as info:
        engine.create_application(bad)
    assert str(info.value) == (
        "name: at most 200 characters; offer_timeout: between 1 and 10080 minutes"
    )
    assert engine.application_ids() == []


def test_application_ids_are_large_time_ordered_integers(engine: Engine) -> None:
    ids = [int(engine.create_application(FORM)) for _ in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert all(2**40 < i < 2**53 for i in ids)


def test_console_app_id_names_the_fund() -> None:
    assert console_app_id("123") == "volunteer-console/fund-123"


def test_tick_without_due_rounds_changes_nothing(engine: Engine, clock: ManualClock) -> None:
    app = engine.create_application(FORM)
    engine.handle([resp(app, 701), resp(app, 702), resp(app, 703)])
    engine.handle([resp(app, 701, "declined")])
    deadline = engine.next_deadline()
    assert deadline is not None and (deadline - clock.now()).total_seconds() == 30 * 60
    before = dump(engine.store)
    assert engine.tick() == 0
    assert dump(engine.store) == before


def test_an_end_before_the_start_is_an_overnight_shift(engine: Engine) -> None:
    night = ApplicationForm(
        name="Night shelter", day=date(2026, 3, 10), start=time(22), end=time(2), spots=2
    )
    app = engine.create_application(night)
    summary = Queries(engine).summary(app)
    assert summary is not None
    assert (summary.starts_at, summary.ends_at) == (
        datetime(2026, 3, 10, 22),
        datetime(2026, 3, 11, 2),
    )
    zero = ApplicationForm(
        name="Nothing", day=date(2026, 3, 10), start=time(22), end=time(22), spots=2
    )
    assert zero.errors(now=datetime(2026, 3, 2, 9)) == {"end": "the end must differ from the start"}


def test_an_overnight_shift_is_not_over_before_its_end_the_next_day() -> None:
    night = ApplicationForm(
        name="Night shelter", day=date(2026, 3, 2), start=time(22), end=time(2), spots=2
    )
    assert night.errors(now=datetime(2026, 3, 2, 23, 30)) == {}  # it runs until 02:00
    assert (
        shift_over(date(2026, 3, 2), time(2), datetime(2026, 3, 3, 1, 59), start=time(22)) is False
    )
    assert shift_over(date(2026, 3, 2), time(2), datetime(2026, 3, 3, 2, 0), start=time(22))


def test_two_keys_sharing_a_hash_are_two_messages(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inbox finds ids by a 64-bit hash of them; equal hashes of unequal ids never make
    the second a duplicate (every key hashed to one number here)."""
    import core.storage

    monkeypatch.setattr(core.storage, "inbox_key_hash", lambda key: 7)
    app = engine.create_application(FORM)
    first = engine.handle([resp(app, 701, mid="one")])
    again = engine.handle([resp(app, 702, mid="two"), resp(app, 701, mid="one")])
    assert [r.outcome for r in first + again] == ["applied", "applied", "duplicate"]
    assert roster(engine, app) == ["701", "702"]


def test_an_inbox_row_written_without_its_hash_still_makes_a_duplicate(engine: Engine) -> None:
    """A replica of an older console's decision log copies the inbox columns that log names,
    so its rows have no key_hash: their ids are found all the same."""
    app = engine.create_application(FORM)
    engine.handle([resp(app, 701, mid="old")])
    with engine.store.transaction() as c:
        c.execute("UPDATE inbox SET key_hash = NULL")
    before = dump(engine.store)
    assert engine.handle([resp(app, 701, mid="old")]) == [Result("duplicate", "old")]
    assert dump(engine.store) == before
