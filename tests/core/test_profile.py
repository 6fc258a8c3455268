"""One volunteer across applications: shifts, attendance rate, hours; found by id or by name."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest

from core import directory
from core.directory import Volunteer
from core.engine import ApplicationForm
from core.profile import Profile, ShiftRow
from core.queries import Queries
from tests.helpers.commands import Commands
from tests.helpers.console import Console


def shift(engine, name: str, day: int, spots: int = 2) -> str:
    form = ApplicationForm(name, date(2026, 3, day), time(10), time(13), spots)
    return engine.create_application(form)


@pytest.fixture
def season(engine, clock):
    return make_season(engine, clock)


def make_season(engine, clock):
    """Anna (701): came to the park, late to the food bank, missed the shelter, waits for the
    library, withdrew from the market; Boris (702) only at the park."""
    c = Console(engine, clock)
    apps = {}
    for name, day in (("Park", 5), ("Food bank", 6), ("Shelter", 7), ("Market", 9)):
        apps[name] = shift(engine, name, day)
    apps["Library"] = shift(engine, "Library", 8, spots=1)
    for name in ("Park", "Food bank", "Shelter", "Market"):
        c.app = apps[name]
        c.accept(701)
    c.app = apps["Park"]
    c.accept(702)
    c.app = apps["Library"]
    c.accept(703, 701)  # 701 waits
    c.app = apps["Market"]
    c.decline(701)
    clock.set(datetime(2026, 3, 7, 12, 0))
    engine.record_attendance(apps["Park"], "701", "arrived", arrived_at="09:50")
    engine.record_attendance(apps["Park"], "702", "arrived", arrived_at="09:58")
    engine.record_attendance(apps["Food bank"], "701", "late", arrived_at="10:30")
    engine.record_attendance(apps["Shelter"], "701", "no_show")
    directory.save_many(engine.store, [Volunteer("701", "Анна Петрова", "+7 900 123-45-67")])
    return apps


def test_a_volunteers_season_with_their_places_marks_rate_and_hours(engine, season):
    p = Queries(engine).volunteer_profile("701")
    a = season
    assert p == Profile(
        "701",
        "Анна Петрова",
        "+7 900 123-45-67",
        "",
        (
            ShiftRow(a["Market"], "Market", date(2026, 3, 9), time(10), time(13), "open",
                     "left", "", None, None),
            ShiftRow(a["Library"], "Library", date(2026, 3, 8), time(10), time(13), "open",
                     "waiting", "", None, None),
            ShiftRow(a["Shelter"], "Shelter", date(2026, 3, 7), time(10), time(13), "open",
                     "signed", "no_show", None, 0),
            ShiftRow(a["Food bank"], "Food bank", date(2026, 3, 6), time(10), time(13), "open",
                     "signed", "late", datetime(2026, 3, 6, 10, 30), 150),
            ShiftRow(a["Park"], "Park", date(2026, 3, 5), time(10), time(13), "open",
                     "signed", "arrived", datetime(2026, 3, 5, 9, 50), 180),
        ),
        came=2,
        late=1,
        no_show=1,
        minutes=330,
    )  # fmt: skip
    assert p.marked == 3 and p.attendance_rate == pytest.approx(2 / 3)
    unknown = Queries(engine).volunteer_profile("404")
    assert (unknown.shifts, unknown.marked, unknown.attendance_rate) == ((), 0, None)


def test_search_finds_a_volunteers_applications_by_id_or_by_a_word_of_the_name(engine, season):
    q = Queries(engine)
    a = season
    everywhere = {a["Park"], a["Food bank"], a["Shelter"], a["Market"], a["Library"]}
    assert q.applications_with_volunteer("701") == everywhere
    assert q.applications_with_volunteer("петр") == everywhere  # Cyrillic, any case
    assert q.applications_with_volunteer("АННА") == everywhere
    assert q.applications_with_volunteer("702") == {a["Park"]}
    assert q.applications_with_volunteer("п") == set()  # one letter finds no name
    assert q.matching_volunteers("анна") == {"анна", "701"}


def test_volunteers_show_prints_the_profile_and_its_json(tmp_path, clock):
    run = Commands(tmp_path, "volunteers", fund="123")
    with run.engine(clock, claim=True) as engine:
        apps = make_season(engine, clock)
    code, text = run("show", "701")
    assert code == 0
    assert text.splitlines() == [
        "Volunteer 701: Анна Петрова",
        "  phone       +7 900 123-45-67",
        "  attendance  67%: came 2 of 3 marked (1 late), 1 no-show",
        "  served      5:30 h",
        "Applications (5):",
        f"  2026-03-09 10:00-13:00  {apps['Market']}  Market  [left]",
        f"  2026-03-08 10:00-13:00  {apps['Library']}  Library  [waiting]",
        f"  2026-03-07 10:00-13:00  {apps['Shelter']}  Shelter  [signed]  no-show 0:00 h",
        f"  2026-03-06 10:00-13:00  {apps['Food bank']}  Food bank  [signed]  late 2:30 h",
        f"  2026-03-05 10:00-13:00  {apps['Park']}  Park  [signed]  arrived 3:00 h",
    ]
    code, shown = run("show", "701", "--json")
    data = json.loads(shown)
    assert code == 0
    assert {k: data[k] for k in ("came", "late", "no_show", "marked", "minutes", "hours")} == {
        "came": 2,
        "late": 1,
        "no_show": 1,
        "marked": 3,
        "minutes": 330,
        "hours": 5.5,
    }
    assert data["attendance_rate"] == pytest.approx(2 / 3)
    assert [s["attendance"] for s in data["shifts"]] == ["", "", "no_show", "late", "arrived"]
