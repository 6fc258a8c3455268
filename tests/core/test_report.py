"""The fund's numbers against a scenario computed by hand: per application, month and in all."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time

import pytest

from core import cli
from core.engine import ApplicationForm, Engine
from core.queries import Queries
from core.report import Figures, duration_text, flag_of, percentile
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


def figures(**over) -> Figures:
    base = dict(
        spots=0, signed=0, freed=0, refilled=0, refill_p50_s=None, refill_p90_s=None,
        offers=0, offers_claimed=0, reminded=None, confirmed=None, marked=0, no_shows=0,
        minutes=0,
    )  # fmt: skip
    base.update(over)
    return Figures(**base)  # type: ignore[arg-type]


def test_the_numbers_of_a_hand_computed_season(engine, clock):
    apps = make_scenario(engine, clock)
    q = Queries(engine)
    rep = q.report()
    # reminders are counted where the console keeps them (their table); none were sent here
    keeps = q.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'reminder'").fetchone()
    none = {"reminded": 0, "confirmed": 0} if keeps else {}
    park = figures(
        spots=4, signed=3, freed=3, refilled=2, refill_p50_s=720, refill_p90_s=1200,
        offers=3, offers_claimed=2, marked=3, no_shows=1, minutes=330, **none,
    )  # fmt: skip
    food = figures(spots=2, signed=1, marked=1, minutes=180, **none)
    shelter = figures(spots=4, signed=1, **none)
    assert [(a.application_id, a.month, a.figures) for a in rep.applications] == [
        (apps["park"], "2026-03", park),
        (apps["food"], "2026-03", food),
        (apps["shelter"], "2026-04", shelter),
    ]  # the draft and the cancelled application are left out
    assert [a.refill_times for a in rep.applications] == [(720, 1200), (), ()]
    assert [(a.figures.fill_rate, a.figures.flag) for a in rep.applications] == [
        (0.75, "ok"),
        (0.5, "understaffed"),
        (0.25, "critical"),
    ]
    march = figures(
        spots=6, signed=4, freed=3, refilled=2, refill_p50_s=720, refill_p90_s=1200,
        offers=3, offers_claimed=2, marked=4, no_shows=1, minutes=510, **none,
    )  # fmt: skip
    april = figures(spots=4, signed=1, **none)
    assert [
        (m.month, m.applications, m.understaffed, m.critical, m.figures) for m in rep.months
    ] == [
        ("2026-03", 2, 1, 0, march),
        ("2026-04", 1, 1, 1, april),
    ]
    assert rep.months[0].figures.flag == "understaffed"  # 4 of 6
    total = figures(
        spots=10, signed=5, freed=3, refilled=2, refill_p50_s=720, refill_p90_s=1200,
        offers=3, offers_claimed=2, marked=4, no_shows=1, minutes=510, **none,
    )  # fmt: skip
    assert rep.total == total
    t = rep.total
    assert (t.fill_rate, t.flag, t.no_show_rate) == (0.5, "understaffed", 0.25)
    assert t.acceptance_rate == pytest.approx(2 / 3)
    assert q.report("2026-04").applications[0].application_id == apps["shelter"]
    assert len(q.report("2026-04").applications) == 1


@pytest.mark.parametrize(
    ("values", "p50", "p90"),
    [([], None, None), ([5], 5, 5), ([720, 3600], 720, 3600), (list(range(1, 11)), 5, 9),
     ([30, 10, 20], 20, 30)],
)  # fmt: skip
def test_percentiles_are_nearest_rank(values, p50, p90):
    assert (percentile(values, 0.5), percentile(values, 0.9)) == (p50, p90)


def test_thresholds_and_durations_as_shown():
    assert [flag_of(r) for r in (None, 0.0, 0.49, 0.5, 0.74, 0.75, 1.2)] == [
        "", "critical", "critical", "understaffed", "understaffed", "ok", "ok",
    ]  # fmt: skip
    assert [duration_text(s) for s in (None, 45, 720, 3600, 3900, 200_000)] == [
        "–", "45 s", "12 min", "1 h 00 min", "1 h 05 min", "2 d 7 h",
    ]  # fmt: skip


def test_report_prints_the_same_figures_as_json_and_as_a_table(tmp_path, clock):
    common = ["--data-dir", str(tmp_path), "--fund-id", "123"]
    engine = cli.open_engine(cli.parse_args(["app", "list", *common]), clock, claim=True)
    try:
        apps = make_scenario(engine, clock)
    finally:
        engine.store.close()

    def run(*argv: str) -> tuple[int, str]:
        out = io.StringIO()
        code = cli.run_report(cli.parse_args(["report", *argv, *common]), out)
        return code, out.getvalue()

    code, shown = run("--json")
    data = json.loads(shown)
    assert code == 0
    assert data["thresholds"] == {"understaffed_below": 0.75, "critical_below": 0.5}
    assert {k: data["total"][k] for k in ("spots", "signed", "fill_rate", "flag", "hours")} == {
        "spots": 10,
        "signed": 5,
        "fill_rate": 0.5,
        "flag": "understaffed",
        "hours": 8.5,
    }
    assert [(m["month"], m["fill_rate"], m["refill_p90_s"]) for m in data["months"]] == [
        ("2026-03", 4 / 6, 1200),
        ("2026-04", 0.25, None),
    ]
    assert [a["application_id"] for a in data["applications"]] == [
        apps["park"],
        apps["food"],
        apps["shelter"],
    ]
    code, text = run()
    lines = text.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "MONTH", "APPS", "FILL", "REFILL", "P50", "/", "P90", "OFFERS", "CONFIRMED", "NO-SHOW",
        "HOURS",
    ]  # fmt: skip
    assert lines[1].split()[:8] == ["2026-03", "2", "4/6", "67%", "!", "12", "min", "/"]
    assert lines[2].split()[:5] == ["2026-04", "1", "1/4", "25%", "!!"]
    assert lines[3].split()[:4] == ["all", "3", "5/10", "50%"]
    assert [line.split()[0] for line in lines[5:]] == [
        "DATE",
        "2026-03-10",
        "2026-03-20",
        "2026-04-05",
    ]
    assert run("--month", "March")[0] == cli.EXIT_USAGE
