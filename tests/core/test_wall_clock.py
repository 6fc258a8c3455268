"""One "today" for everyone: the coordinator's wall clock decides what is past, never UTC."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from core import cli
from core.clock import ManualClock, local_now, shift_over
from core.engine import ActionRefused, ApplicationForm, Engine
from core.storage import Store

NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def form(day: date, start: time, end: time) -> ApplicationForm:
    return ApplicationForm(name="Soup kitchen", day=day, start=start, end=end, spots=3)


def test_the_wall_clock_is_the_utc_clock_in_the_coordinators_zone():
    clock = ManualClock(datetime(2026, 3, 3, 2, 0), tz=NEW_YORK_WINTER)
    assert local_now(clock) == datetime(2026, 3, 2, 21, 0)
    assert local_now(ManualClock(datetime(2026, 3, 3, 2, 0), tz=UTC)) == datetime(2026, 3, 3, 2, 0)
    assert shift_over(date(2026, 3, 2), time(21, 0), datetime(2026, 3, 2, 21, 0))
    assert not shift_over(date(2026, 3, 2), time(21, 1), datetime(2026, 3, 2, 21, 0))


def test_a_shift_already_over_today_is_refused_and_one_still_running_is_accepted(tmp_path):
    clock = ManualClock(datetime(2026, 3, 2, 7, 29), tz=UTC)
    store = Store(tmp_path / "console.db")
    engine = Engine(store, "123", clock)
    try:
        with pytest.raises(ActionRefused) as refused:
            engine.create_application(form(date(2026, 3, 2), time(0, 10), time(0, 20)))
        assert str(refused.value) == "end: this shift is already over (it is 07:29 now)"
        assert engine.application_ids() == []
        app_id = engine.create_application(form(date(2026, 3, 2), time(7, 0), time(8, 0)))
        assert engine.state(app_id).status == "open"
    finally:
        store.close()


def test_west_of_utc_an_evening_shift_of_the_local_today_is_accepted(tmp_path):
    # 21:00 in New York is already tomorrow in UTC: judged on UTC it was "in the past"
    clock = ManualClock(datetime(2026, 3, 3, 2, 0), tz=NEW_YORK_WINTER)
    store = Store(tmp_path / "console.db")
    engine = Engine(store, "123", clock)
    try:
        app_id = engine.create_application(form(date(2026, 3, 2), time(21, 30), time(23, 0)))
        assert engine.state(app_id).date == date(2026, 3, 2)
        with pytest.raises(ActionRefused, match="date: the date is in the past"):
            engine.create_application(form(date(2026, 3, 1), time(21, 30), time(23, 0)))
    finally:
        store.close()


def test_the_cli_refuses_a_shift_over_today_and_takes_today_and_tomorrow_as_dates(tmp_path, capsys):
    clock = ManualClock(datetime(2026, 3, 2, 7, 29), tz=UTC)
    common = ["--data-dir", str(tmp_path), "--fund-id", "246571", "app", "create"]
    over = [*common, "--name", "Night walk", "--spots", "2", "--date", "today"]
    args = cli.parse_args([*over, "--start", "00:10", "--end", "00:20"])
    assert cli.run_app_command(args, io.StringIO(), clock=clock) == cli.EXIT_USAGE
    assert "error: --end: this shift is already over (it is 07:29 now)" in capsys.readouterr().err

    out = io.StringIO()
    args = cli.parse_args([*common, "--name", "Breakfast", "--spots", "2", "--date", "tomorrow",
                           "--start", "06:00", "--end", "08:00"])  # fmt: skip
    assert cli.run_app_command(args, out, clock=clock) == cli.EXIT_OK
    store = Store(tmp_path / "console.db")
    try:
        [app_id] = Engine(store, "246571", clock).application_ids()
        assert out.getvalue().strip() == app_id
        assert Engine(store, "246571", clock).state(app_id).date == date(2026, 3, 3)
    finally:
        store.close()
