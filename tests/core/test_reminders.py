"""Reminders with confirm-or-release (CONTRACT.md, "Reminders and attendance") on a manual clock."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from core import messages as m
from core import rules
from core.clock import ManualClock
from core.engine import ApplicationForm, Engine
from core.kinds import ActivityKind, RefusalKind
from core.queries import Queries
from core.storage import Store
from tests.helpers.asyncapi import load_doc, validator
from tests.helpers.console import OFFERED, SIGNED, Console, refusal

REMINDER = m.STATUS_REMINDER
CONFIRMED = m.STATUS_CONFIRMED
NOT_CONFIRMED = m.STATUS_NOT_CONFIRMED
# The Console's shift: 2026-03-10 14:00-18:00 on a UTC wall (the manual clock's zone).
START = datetime(2026, 3, 10, 14, 0)


def create(c: Console, spots: int = 3, *, release: bool = False, policy: str = "broadcast") -> str:
    """The Console's shift with the default reminders, its announcement read."""
    c.create(spots, policy=policy, release_unconfirmed=release)
    c.sent()
    return c.app


def reminder_settings(c: Console) -> tuple[tuple[int, ...], int, bool]:
    """(lead times, confirm-by lead, release the unconfirmed) of the Console's application."""
    st = c.engine.state(c.app)
    assert st is not None
    return st.reminder_leads_s, st.confirm_lead_s, st.release_unconfirmed


def roster_facts(c: Console) -> dict[str, tuple[Any, ...]]:
    rows = c.engine.store.conn.execute(
        "SELECT volunteer_id, reminded_at, confirm_by, confirmed_at, unconfirmed_at"
        " FROM participation WHERE application_id = ? AND state = 'signed' ORDER BY seq",
        (c.app,),
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_reminders_go_at_each_lead_time_and_carry_the_confirm_by(c: Console) -> None:
    create(c)
    c.accept(701, 702)
    c.sent()
    c.tick_at(START - timedelta(hours=48, seconds=1))
    assert c.notifications() == []
    c.tick_at(START - timedelta(hours=48))
    by = "2026-03-09T14:00:00"  # 24 h before the start
    assert c.notifications() == [("701", REMINDER, by), ("702", REMINDER, by)]
    c.tick_at(START - timedelta(hours=30))
    assert c.notifications() == []
    assert c.respond(701, "confirmed").outcome == "applied"
    assert c.notifications() == [("701", CONFIRMED, None)]
    c.tick_at(START - timedelta(hours=24))
    assert c.notifications() == []  # keep (the default): 702 is marked, nobody is told
    assert c.roster() == ["701", "702"]
    facts = roster_facts(c)
    assert facts["701"] == ("2026-03-08T14:00:00", by, "2026-03-09T08:00:00", None)
    assert facts["702"] == ("2026-03-08T14:00:00", by, None, "2026-03-09T14:00:00")
    c.tick_at(START - timedelta(hours=2))
    # The last reminder: confirm-by has passed, so it asks by the start; nobody is released then.
    assert c.notifications() == [
        ("701", REMINDER, "2026-03-10T14:00:00"),
        ("702", REMINDER, "2026-03-10T14:00:00"),
    ]
    c.tick_at(START + timedelta(minutes=1))
    assert c.notifications() == [] and c.roster() == ["701", "702"]
    assert c.engine.next_reminder() is None


def test_a_volunteer_who_signs_up_after_a_lead_time_gets_only_the_next_one(c: Console) -> None:
    create(c)
    c.clock.set(START - timedelta(hours=30))
    c.accept(701)
    assert c.notifications() == [("701", SIGNED, None)]
    c.tick_at(START - timedelta(hours=29))
    assert c.notifications() == []
    c.tick_at(START - timedelta(hours=2))
    assert c.notifications() == [("701", REMINDER, "2026-03-10T14:00:00")]


def test_offline_across_a_lead_time_then_restart_sends_each_reminder_once(
    tmp_path: Path,
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0))
    path = tmp_path / "console.db"
    store = Store(path)
    c = Console(Engine(store, "123", clock), clock)
    create(c)
    c.accept(701, 702)
    store.close()  # the console is off from here ...
    clock.set(START - timedelta(hours=47))  # ... across the 48 h lead time
    for _ in range(2):  # restarted twice: the second start finds nothing owed
        store = Store(path)
        c = Console(Engine(store, "123", clock), clock)
        c._seq = 10**9 if _ else 0
        # owed at once the first time (the 48 h moment passed while off); then the confirm-by
        assert c.engine.next_reminder() == START - timedelta(hours=24 if _ else 48)
        c.engine.tick()
        c.engine.tick()
        sent = [r for r in c.notifications() if r[1] == REMINDER]
        assert sent == (
            []
            if _
            else [
                ("701", REMINDER, "2026-03-09T14:00:00"),
                ("702", REMINDER, "2026-03-09T14:00:00"),
            ]
        )
        assert c.engine.next_reminder() == START - timedelta(hours=24)  # the confirm-by next
        store.close()
    store = Store(path)
    logged = store.conn.execute(
        "SELECT volunteer_id, key, sent_at FROM reminder ORDER BY volunteer_id"
    ).fetchall()
    outbox = store.conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE body LIKE '%напоминание%'"
    ).fetchone()[0]
    store.close()
    assert logged == [
        ("701", "lead:172800@2026-03-10T14:00:00", "2026-03-08T15:00:00"),
        ("702", "lead:172800@2026-03-10T14:00:00", "2026-03-08T15:00:00"),
    ]
    assert outbox == 2


def test_a_restart_after_a_lead_time_was_sent_reads_no_roster_for_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0))
    path = tmp_path / "console.db"
    store = Store(path)
    c = Console(Engine(store, "123", clock), clock)
    app = create(c)
    c.accept(701, 702)
    c.tick_at(START - timedelta(hours=47))  # the 48 h reminders go, the row keeps the next moment
    assert [r[0] for r in c.notifications() if r[1] == REMINDER] == ["701", "702"]
    read = c._seq
    store.close()
    rosters: list[str] = []
    read_roster = rules._signed_in_order
    monkeypatch.setattr(
        rules, "_signed_in_order", lambda st: rosters.append(st.id) or read_roster(st)
    )
    clock.set(START - timedelta(hours=46))
    store = Store(path)
    c = Console(Engine(store, "123", clock), clock)
    c.app, c._seq = app, read
    c.accept(703)  # the first message after the restart: nothing is owed, nobody is re-read
    assert c.notifications() == [("703", SIGNED, None)]
    assert rosters == []
    store.close()


def test_offline_across_both_lead_times_sends_only_the_latest(c: Console) -> None:
    create(c)
    c.accept(701)
    c.sent()
    c.tick_at(START - timedelta(hours=1))
    assert c.notifications() == [("701", REMINDER, "2026-03-10T14:00:00")]
    c.tick_at(START - timedelta(minutes=30))
    assert c.notifications() == []


def test_no_reminder_for_a_shift_that_has_begun(c: Console) -> None:
    create(c)
    c.accept(701)
    c.sent()
    c.tick_at(START + timedelta(minutes=5))  # the console was off from before 48 h to now
    assert c.notifications() == []
    assert c.engine.next_reminder() is None
    assert refusal(lambda: c.engine.remind_now(c.app)) == RefusalKind.SHIFT_STARTED


def test_a_cancelled_or_draft_application_sends_no_reminder(c: Console) -> None:
    create(c)
    c.accept(701)
    c.engine.cancel(c.app)
    c.sent()
    c.tick_at(START - timedelta(hours=3))
    assert c.notifications() == []


def test_duplicate_confirmations_change_nothing_and_send_nothing(c: Console) -> None:
    create(c)
    c.accept(701)
    c.tick_at(START - timedelta(hours=40))
    c.sent()
    assert c.respond(701, "confirmed", mid="c-1").outcome == "applied"
    assert c.notifications() == [("701", CONFIRMED, None)]
    before = roster_facts(c)
    assert c.respond(701, "confirmed", mid="c-1").outcome == "duplicate"
    c.clock.advance(minutes=5)
    assert c.respond(701, "confirmed", mid="c-2").outcome == "applied"  # another message
    assert c.notifications() == []
    assert roster_facts(c) == before
    kinds = [
        r[0]
        for r in c.engine.store.conn.execute(
            "SELECT kind FROM activity WHERE volunteer_id = '701' ORDER BY id"
        )
    ]
    assert kinds == ["signed_up", "reminded", "confirmed"]
    confirmed = c.engine.store.conn.execute("SELECT confirmed_at FROM reminder").fetchall()
    assert confirmed == [("2026-03-08T22:00:00",)]


def test_a_confirmation_from_someone_not_signed_up_changes_nothing(c: Console) -> None:
    create(c, 1)
    c.accept(701, 702)
    c.sent()
    assert c.respond(702, "confirmed").outcome == "applied"
    assert c.respond(999, "confirmed").outcome == "applied"
    assert c.notifications() == []
    assert c.roster() == ["701"] and c.waitlist() == ["702"]
    c.engine.close(c.app)
    c.sent()
    c.respond(999, "confirmed")
    assert c.notifications() == [("999", m.STATUS_CLOSED, None)]


def test_a_late_confirmation_under_keep_is_recorded_as_late(c: Console) -> None:
    create(c)
    c.accept(701)
    c.tick_at(START - timedelta(hours=48))
    c.tick_at(START - timedelta(hours=20))
    c.sent()
    c.respond(701, "confirmed")
    assert c.notifications() == [("701", CONFIRMED, None)]
    late = c.engine.store.conn.execute(
        "SELECT params FROM activity WHERE kind = 'confirmed'"
    ).fetchone()[0]
    assert json.loads(late) == {"late": True}


def _release_scenario(c: Console, policy: str) -> None:
    """Three spots, 701-703 signed up, 704 and 705 waiting; 701 confirms, 702 and 703 do not."""
    create(c, 3, release=True, policy=policy)
    c.accept(701, 702, 703, 704, 705)
    c.tick_at(START - timedelta(hours=48))
    c.respond(701, "confirmed")
    c.sent()
    c.tick_at(START - timedelta(hours=24))


@pytest.mark.parametrize("policy", ["broadcast", "timed"])
def test_release_into_an_offer_round(c: Console, policy: str) -> None:
    _release_scenario(c, policy)
    assert c.sent() == [
        c.note(702, NOT_CONFIRMED),
        c.note(703, NOT_CONFIRMED),
        c.free_spot(2, [704, 705]),
        c.note(704, OFFERED),
        c.note(705, OFFERED),
    ]
    assert c.offers() == {"704": "open", "705": "open"}
    assert c.roster() == ["701"] and c.counts() == (1, 2, 0)
    c.accept(705)
    assert c.roster() == ["701", "705"]


def test_release_into_automatic_promotion(c: Console) -> None:
    _release_scenario(c, "auto")
    assert c.sent() == [
        c.note(702, NOT_CONFIRMED),
        c.note(703, NOT_CONFIRMED),
        c.note(704, SIGNED),
        c.note(705, SIGNED),
    ]
    assert c.roster() == ["701", "704", "705"] and c.waitlist() == []
    # Promoted after the 48 h reminder: the 2 h one reminds them, asking by the start.
    c.tick_at(START - timedelta(hours=2))
    assert c.notifications() == [
        ("701", REMINDER, "2026-03-10T14:00:00"),
        ("704", REMINDER, "2026-03-10T14:00:00"),
        ("705", REMINDER, "2026-03-10T14:00:00"),
    ]


def test_release_with_nobody_waiting_frees_the_spot(c: Console) -> None:
    create(c, 2, release=True)
    c.accept(701)
    c.tick_at(START - timedelta(hours=48))
    c.sent()
    c.tick_at(START - timedelta(hours=24))
    assert c.sent() == [c.note(701, NOT_CONFIRMED)]
    assert c.counts() == (0, 0, 2)
    assert c.respond(701, "confirmed").outcome == "applied"  # too late: nothing changes
    assert c.sent() == [] and c.roster() == []


def test_a_declined_reminder_withdraws_into_the_waitlist(c: Console) -> None:
    create(c, 1)
    c.accept(701, 702)
    c.tick_at(START - timedelta(hours=48))
    c.sent()
    c.decline(701)
    assert c.sent() == [c.free_spot(1, [702]), c.note(702, OFFERED)]


def test_send_now_reminds_only_the_unconfirmed_and_again_on_each_press(c: Console) -> None:
    create(c)
    c.accept(701, 702)
    c.tick_at(START - timedelta(hours=48))
    c.respond(701, "confirmed")
    c.sent()
    c.clock.set(START - timedelta(hours=30))
    c.engine.remind_now(c.app)
    c.engine.remind_now(c.app)
    by = "2026-03-09T14:00:00"
    assert c.notifications() == [("702", REMINDER, by), ("702", REMINDER, by)]
    keys = [
        r[0] for r in c.engine.store.conn.execute("SELECT key FROM reminder ORDER BY sent_at, key")
    ]
    assert len(set(keys)) == 3
    c.respond(702, "confirmed")
    assert refusal(lambda: c.engine.remind_now(c.app)) == RefusalKind.NOBODY_UNCONFIRMED


def test_moving_the_shift_counts_lead_times_from_the_new_start(c: Console) -> None:
    create(c)
    c.accept(701)
    c.tick_at(START - timedelta(hours=48))
    c.sent()
    form = ApplicationForm(
        name="Уборка парка", day=date(2026, 3, 9), start=time(20, 0), end=time(22, 0), spots=3
    )
    c.engine.edit_application(c.app, form)  # now 30 h away: the 48 h reminder is owed again
    assert c.notifications() == [
        ("701", REMINDER, "2026-03-08T20:00:00")
    ]  # 24 h before the new start


def test_reminder_settings_are_kept_and_refused_when_they_cannot_work(c: Console) -> None:
    create(c)
    c.engine.set_reminders(c.app, (72, 3), 12, True)
    assert reminder_settings(c) == ((72 * 3600, 3 * 3600), 12 * 3600, True)
    assert (
        refusal(lambda: c.engine.set_reminders(c.app, (12,), 24, True))
        == RefusalKind.CONFIRM_AFTER_REMINDERS
    )
    assert (
        refusal(lambda: c.engine.set_reminders(c.app, (1, 2, 3, 4, 5), 0, False))
        == RefusalKind.REMINDERS_RANGE
    )
    c.engine.set_reminders(c.app, (), 0, False)
    c.accept(701)
    c.tick_at(START - timedelta(minutes=1))
    assert [r for r in c.notifications() if r[1] == REMINDER] == []
    kinds = [
        r[0]
        for r in c.engine.store.conn.execute(
            "SELECT kind FROM activity WHERE kind = ? ORDER BY id",
            (ActivityKind.REMINDERS_CHANGED,),
        )
    ]
    assert len(kinds) == 2


def test_every_reminder_message_matches_the_asyncapi_document(c: Console) -> None:
    doc = load_doc()
    notification = validator(doc, "#/components/schemas/VolunteerNotification")
    response = validator(doc, "#/components/schemas/VolunteerResponseIn")
    create(c, 1, release=True)
    c.accept(701, 702)
    c.tick_at(START - timedelta(hours=48))
    c.engine.remind_now(c.app)
    c.respond(701, "confirmed")
    c.engine.set_reminders(c.app, (48, 2), 24, True)
    rows = c.engine.store.pending_outbox(limit=10_000, after_seq=0)
    bodies = [json.loads(r.body) for r in rows if r.action == "volunteer_notification"]
    statuses = {b["status"] for b in bodies}
    assert {REMINDER, CONFIRMED} <= statuses
    for body in bodies:
        notification.validate(body)
    c.clock.set(START - timedelta(hours=60))
    create(c, 1, release=True)
    c.accept(801)
    c.tick_at(START - timedelta(hours=48))
    c.tick_at(START - timedelta(hours=24))
    rows = c.engine.store.pending_outbox(limit=10_000, after_seq=0)
    released = [json.loads(r.body) for r in rows if NOT_CONFIRMED.encode() in r.body]
    assert len(released) == 1
    notification.validate(released[0])
    response.validate(
        {
            "action": "volunteer_response",
            "data": {"volunteer_id": 701, "volunteer_application_id": 5, "status": "confirmed"},
        }
    )


def test_undoing_a_moved_shift_takes_its_reminders_back_and_the_clock_sends_them_again(
    c: Console,
) -> None:
    create(c, release=True)
    c.engine.set_reminders(c.app, (48, 2), 12, True)
    c.accept(701)
    c.clock.set(START - timedelta(hours=60))
    c.sent()
    moved = ApplicationForm(
        name="Уборка парка",
        day=date(2026, 3, 9),
        start=time(20, 0),
        end=time(22, 0),
        spots=3,
        reminder_hours=(48, 2),
        confirm_hours=12,
        release_unconfirmed=True,
    )
    _, token = c.engine.with_undo(c.app, "edit", lambda: c.engine.edit_application(c.app, moved))
    assert c.notifications() == [("701", REMINDER, "2026-03-09T08:00:00")]  # 36 h away: owed now
    c.engine.undo(token)
    # the settings and the volunteer's facts are as before the edit, the reminder log too
    assert reminder_settings(c) == ((48 * 3600, 2 * 3600), 12 * 3600, True)
    st = c.engine.state(c.app)
    assert st is not None
    assert st.participants["701"].reminded_at is None and st.awaiting == {}
    assert c.engine.store.conn.execute("SELECT COUNT(*) FROM reminder").fetchone()[0] == 0
    # the outbox's seq is a rowid: the next row may take a deleted row's number
    c._seq = c.engine.store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
    c.tick_at(START - timedelta(hours=48))
    sent = [r for r in c.notifications() if r[1] == REMINDER]
    assert sent == [("701", REMINDER, "2026-03-10T02:00:00")]  # the original shift's, once


def test_the_numbers_count_each_reminded_volunteer_once_and_those_who_confirmed(
    c: Console,
) -> None:
    create(c, spots=4)
    c.accept(701, 702, 703, 704)
    c.tick_at(START - timedelta(hours=48))  # the first reminder to all four
    assert c.respond(701, "confirmed").outcome == "applied"
    c.tick_at(START - timedelta(hours=2))  # the second one: the same four, counted once
    assert c.respond(702, "confirmed").outcome == "applied"
    assert c.respond(702, "confirmed").outcome == "applied"  # a second answer: still one
    figures = Queries(c.engine).report().total
    assert (figures.reminded, figures.confirmed, figures.confirmation_rate) == (4, 2, 0.5)
    [row] = Queries(c.engine).report().applications
    assert row.figures.confirmation_rate == 0.5


def test_the_shift_start_on_the_machines_own_zone_follows_a_change_of_that_zone(
    c: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    """shift_start is remembered per shift and zone: with no zone of the fund's own (None:
    the machine's), a zone the machine changed to is a new one, not the remembered start."""
    import time as systime

    st = c.engine.state(create(c))
    assert st is not None
    starts = []
    try:
        for zone in ("Europe/Moscow", "UTC", "Europe/Moscow"):
            monkeypatch.setenv("TZ", zone)
            systime.tzset()
            starts.append(rules.shift_start(st, None))
    finally:
        monkeypatch.undo()
        systime.tzset()
    assert starts == [START - timedelta(hours=3), START, START - timedelta(hours=3)]
