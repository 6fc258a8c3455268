"""Attendance on the day: marks, hours served, walk-ins, refusals; never sent to volunteers."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest

from core import attendance, cli
from core.attendance import CheckinRow
from core.engine import ActionRefused, ApplicationForm, Engine
from core.kinds import RefusalKind
from core.queries import Queries
from tests.helpers.commands import Commands
from tests.helpers.console import Console

K = RefusalKind


@pytest.fixture
def console(engine, clock) -> Console:
    c = Console(engine, clock)
    c.create(spots=3)  # 2026-03-10 14:00-18:00, the clock says 2026-03-02 09:00 UTC
    # no reminders: these tests are about the day itself (tests/core/test_reminders.py has them)
    engine.set_reminders(c.app, (), 0, False)
    c.accept(701, 702, 703)
    c.sent()
    clock.set(datetime(2026, 3, 10, 13, 50))
    return c


def rows(engine: Engine, app_id: str) -> list[tuple[str, str, str | None, int | None]]:
    q = Queries(engine)
    try:
        return [
            (
                r.volunteer_id,
                r.status,
                r.arrived_at.strftime("%H:%M") if r.arrived_at else None,
                r.minutes,
            )
            for r in q.checkin(app_id)
        ]
    finally:
        q.close()


def kinds(engine: Engine, app_id: str, since: int) -> list[tuple[str, str | None, dict]]:
    q = Queries(engine)
    try:
        return [(a.kind, a.volunteer_id, dict(a.params)) for a in q.activity(app_id)[since:]]
    finally:
        q.close()


def test_a_shift_checked_in_arrived_late_and_no_show_with_hours_and_no_message(console, clock):
    engine, app = console.engine, console.app
    before = len(Queries(engine).activity(app))
    engine.record_attendance(app, "701", "arrived")  # 13:50: before the start
    clock.set(datetime(2026, 3, 10, 14, 40))
    engine.record_attendance(app, "702", "late")  # 14:40 to 18:00
    engine.record_attendance(app, "703", "no_show")
    assert rows(engine, app) == [
        ("701", "arrived", "13:50", 240),
        ("702", "late", "14:40", 200),
        ("703", "no_show", None, 0),
    ]
    assert kinds(engine, app, before) == [
        ("attendance_marked", "701", {"status": "arrived", "at": "13:50", "minutes": 240}),
        ("attendance_marked", "702", {"status": "late", "at": "14:40", "minutes": 200}),
        ("attendance_marked", "703", {"status": "no_show", "at": None, "minutes": 0}),
    ]
    assert console.sent() == []  # attendance is local: volunteers are never told


def test_hours_are_edited_a_mark_is_taken_back_and_both_survive_a_restart(console, store):
    engine, app = console.engine, console.app
    engine.record_attendance(app, "701", "late", arrived_at="15:00", minutes=150)
    engine.set_served(app, "701", 165)
    engine.record_attendance(app, "702", "arrived")
    engine.clear_attendance(app, "702")
    again = Engine(store, fund_id="123", clock=console.clock)
    assert rows(again, app) == [
        ("701", "late", "15:00", 165),
        ("702", "", None, None),
        ("703", "", None, None),
    ]
    tail = kinds(again, app, -3)
    assert tail == [
        ("served_changed", "701", {"old": 150, "new": 165}),
        ("attendance_marked", "702", {"status": "arrived", "at": "13:50", "minutes": 240}),
        ("attendance_cleared", "702", {"status": "arrived"}),
    ]


@pytest.mark.parametrize(
    ("call", "kind"),
    [
        (lambda e, a: e.record_attendance(a, "999", "arrived"), RefusalKind.NOT_SIGNED_UP),
        (lambda e, a: e.record_attendance(a, "701", "present"), RefusalKind.ATTENDANCE_STATUS),
        (lambda e, a: e.record_attendance(a, "701", "late", minutes=-5), RefusalKind.MINUTES_RANGE),
        (lambda e, a: e.record_attendance(a, "701", "late", arrived_at="9:99"), K.ARRIVAL_FORM),
        (lambda e, a: e.set_served(a, "701", 60), RefusalKind.NO_ATTENDANCE),
        (lambda e, a: e.clear_attendance(a, "701"), RefusalKind.NO_ATTENDANCE),
        (lambda e, a: e.record_attendance("404", "701", "arrived"), RefusalKind.NO_APPLICATION),
    ],
)  # fmt: skip
def test_a_refused_mark_says_why_and_records_nothing(console, call, kind):
    engine, app = console.engine, console.app
    before = len(Queries(engine).activity(app))
    with pytest.raises(ActionRefused) as refused:
        call(engine, app)
    assert refused.value.kind == kind
    assert [r[1] for r in rows(engine, app)] == ["", "", ""]
    assert len(Queries(engine).activity(app)) == before


def test_a_cancelled_application_takes_no_attendance(console):
    console.engine.cancel(console.app)
    with pytest.raises(ActionRefused) as refused:
        console.engine.record_attendance(console.app, "701", "arrived")
    assert refused.value.kind == RefusalKind.NOT_OPEN_OR_CLOSED


def test_a_walk_in_takes_a_free_spot_or_goes_over_capacity_only_when_asked(console, clock):
    engine, app = console.engine, console.app
    engine.remove_volunteer(app, "703")  # one spot free
    console.sent()
    engine.check_in_walk_in(app, "800")
    assert console.sent() == [console.note(800, "записан")]
    assert console.counts() == (3, 0, 0)
    with pytest.raises(ActionRefused) as refused:
        engine.check_in_walk_in(app, "801")
    assert refused.value.kind == RefusalKind.NO_FREE_SPOT_BY_HAND
    assert console.sent() == [] and "801" not in console.roster()
    before = len(Queries(engine).activity(app))
    engine.check_in_walk_in(app, "801", over_capacity=True)
    assert console.counts() == (4, 0, 0)
    assert kinds(engine, app, before) == [
        ("capacity_changed", None, {"old": 3, "new": 4}),
        ("signed_by_hand", "801", {"over_capacity": True}),
        ("attendance_marked", "801", {"status": "arrived", "at": "13:50", "minutes": 240}),
    ]
    assert console.sent() == [console.note(801, "записан"), console.updated(4, "open")]
    assert [r for r in rows(engine, app) if r[1]] == [
        ("800", "arrived", "13:50", 240),
        ("801", "arrived", "13:50", 240),
    ]


def test_a_mark_kept_when_the_volunteer_leaves_the_roster_afterwards(console):
    engine, app = console.engine, console.app
    engine.record_attendance(app, "701", "arrived")
    console.decline(701)
    q = Queries(engine)
    assert [r for r in q.checkin(app) if r.volunteer_id == "701"] == [
        CheckinRow("701", "", "", False, "arrived", datetime(2026, 3, 10, 13, 50), 240)
    ]


def test_an_overnight_shift_counts_its_hours_across_midnight(engine, clock):
    app = engine.create_application(
        ApplicationForm("Night shelter", date(2026, 3, 10), time(22), time(2), 2)
    )
    c = Console(engine, clock)
    c.app = app
    c.accept(1, 2)
    engine.record_attendance(app, "1", "arrived", arrived_at="21:55")
    engine.record_attendance(app, "2", "late", arrived_at="00:30")  # the next day
    assert rows(engine, app) == [("1", "arrived", "21:55", 240), ("2", "late", "00:30", 90)]


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("3", 180), ("3.5", 210), ("3,5", 210), ("3:05", 185), ("0", 0), ("24", 1440),
     ("25", None), ("-1", None), ("3:5", None), ("three", None), ("", None)],
)  # fmt: skip
def test_hours_as_a_coordinator_types_them(typed, minutes):
    assert attendance.parse_hours(typed) == minutes


def test_checkin_commands_mark_edit_and_list(tmp_path):
    run = Commands(tmp_path, "checkin")
    with run.engine(claim=True) as engine:
        day = date.today() + timedelta(days=1)
        app_id = engine.create_application(ApplicationForm("Shift", day, time(10), time(13), 1))
        engine.sign_up_by_hand(app_id, "anna")
    assert run("arrived", app_id, "anna", "--at", "09:55") == (
        0,
        "anna: arrived at 09:55, 3:00 h served\n",
    )
    assert run("hours", app_id, "anna", "2,5") == (0, "anna: arrived at 09:55, 2:30 h served\n")
    assert run("hours", app_id, "anna", "lots")[0] == cli.EXIT_USAGE
    assert run("walk-in", app_id, "boris", "--at", "10:20")[0] == cli.EXIT_REFUSED  # no spot
    assert run("walk-in", app_id, "boris", "--at", "10:20", "--over-capacity") == (
        0,
        "boris: arrived at 10:20, 3:00 h served\n",
    )
    assert run("no-show", app_id, "boris") == (0, "boris: no-show, 0:00 h served\n")
    assert run("clear", app_id, "boris") == (0, "boris: expected (nothing recorded)\n")
    code, listed = run("list", app_id)
    assert code == 0
    assert listed.splitlines() == [
        "ID     NAME  ATTENDANCE  ARRIVED  HOURS",
        "anna         arrived     09:55    2:30",
        "boris        expected",
    ]
    code, shown = run("list", app_id, "--json")
    assert code == 0 and '"status": "arrived"' in shown and '"minutes": 150' in shown


def test_marks_travel_in_the_decision_logs_changesets_by_one_rowid(console):
    from core.replication.changes import install_capture, pending_changes, replicated_tables

    engine, app = console.engine, console.app
    assert "attendance" in install_capture(engine.store.conn)
    engine.record_attendance(app, "701", "arrived")
    engine.set_served(app, "701", 200)
    engine.clear_attendance(app, "701")
    # a captured row is [rowid, the values in the table's columns]
    columns = ["rowid", *replicated_tables(engine.store.conn)["attendance"]]
    seen = [
        (op, row_id, dict(zip(columns, json.loads(row), strict=True))["minutes"] if row else None)
        for _, tbl, op, row_id, row in pending_changes(engine.store.conn)
        if tbl == "attendance"
    ]
    rowid = seen[0][1]
    assert seen == [("put", rowid, 240), ("put", rowid, 200), ("del", rowid, None)]
