"""The fund's numbers scenario computed by hand (tests/core/test_report.py has the figures)."""

from __future__ import annotations

from datetime import date, datetime, time

from core.engine import ApplicationForm, Engine
from tests.helpers.console import Console


def at(clock, hh: int, mm: int = 0) -> None:
    clock.set(datetime(2026, 3, 2, hh, mm))


def make_scenario(engine: Engine, clock) -> dict[str, str]:
    """March: Park (4 spots) and Food bank (2); April: Shelter (4); a draft and a cancelled one.

    Park, 09:00: 1 2 3 4 signed up, 5 and 6 wait. 10:00 2 withdraws: the spot is offered to
    5 and 6; 10:12 6 claims it (refilled in 12 min; 5 not selected). 11:00 the coordinator
    removes 3: offered to 5, who claims at 11:20 (20 min). 13:00 4 withdraws: nobody waits,
    never refilled. Roster 1 5 6 of 4 = 75 % (not understaffed). On the day: 1 arrived
    (3:00), 6 late at 10:30 (2:30), 5 no-show. Food bank: 7 of 2 = 50 % (understaffed, not
    critical), 7 arrived (3:00). Shelter: 8 of 4 = 25 % (critical)."""
    c = Console(engine, clock)
    at(clock, 9)

    def app(name: str, day: date, spots: int, *, publish: bool = True) -> str:
        form = ApplicationForm(name, day, time(10), time(13), spots)
        return engine.create_application(form, publish=publish)

    apps = {
        "park": app("Park", date(2026, 3, 10), 4),
        "food": app("Food bank", date(2026, 3, 20), 2),
        "shelter": app("Shelter", date(2026, 4, 5), 4),
        "draft": app("Draft", date(2026, 3, 12), 3, publish=False),
        "gone": app("Cancelled", date(2026, 3, 14), 3),
    }
    c.app = apps["park"]
    c.accept(1, 2, 3, 4, 5, 6)
    at(clock, 10)
    c.decline(2)
    at(clock, 10, 12)
    c.accept(6)
    at(clock, 11)
    engine.remove_volunteer(apps["park"], "3")
    at(clock, 11, 20)  # within the 30 min offer
    c.accept(5)
    at(clock, 13)
    c.decline(4)
    c.app = apps["food"]
    c.accept(7)
    c.app = apps["shelter"]
    c.accept(8)
    c.app = apps["gone"]
    c.accept(9)
    engine.cancel(apps["gone"])
    engine.record_attendance(apps["park"], "1", "arrived", arrived_at="09:55")
    engine.record_attendance(apps["park"], "6", "late", arrived_at="10:30")
    engine.record_attendance(apps["park"], "5", "no_show")
    engine.record_attendance(apps["food"], "7", "arrived", arrived_at="10:00")
    return apps
