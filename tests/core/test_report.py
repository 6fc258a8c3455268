"""The fund's numbers against a scenario computed by hand: per application, month and in all."""

from __future__ import annotations

import json

import pytest

from core import cli
from core.queries import Queries
from core.report import Figures, duration_text, flag_of, percentile
from tests.helpers.commands import Commands
from tests.helpers.season import make_scenario


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
    run = Commands(tmp_path, "report", fund="123")
    with run.engine(clock, claim=True) as engine:
        apps = make_scenario(engine, clock)
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
