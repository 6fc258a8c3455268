"""The shift's numbers at a fund's size: `python -m tests.bench.shift_numbers [--apps 2000]`.

A fund of N applications over 12 months, each with a roster of 4-12 signed up, a few on the
waitlist, one in four losing someone (withdrawal, then a claim or a promotion) and every
roster marked at check-in; a directory of every volunteer. Built through the engine (Engine
.handle in batches of 500 and record_attendance), so activity, offers and attendance rows
are as a console writes them. Measured, min of 5 runs each, wall and CPU of this process:
the whole report (what the Numbers tab and `report` read), one month of it, a check-in list,
one volunteer's page, and the window's search by a name. Printed beside `summaries()` (the
applications list, read on every start) in the same process as the baseline.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from core import directory
from core.clock import ManualClock
from core.directory import Volunteer
from core.engine import ApplicationForm, Delivery, Engine
from core.queries import Queries
from core.storage import Store
from tests.helpers.factories import response

FUND = "bench"


def build(path: Path, apps: int, seed: int = 1) -> tuple[str, str]:
    rnd = random.Random(seed)
    clock = ManualClock(datetime(2026, 1, 1, 8, 0))
    engine = Engine(Store(path), FUND, clock)
    people = [f"{70000 + i}" for i in range(apps * 3)]
    directory.save_many(
        engine.store, [Volunteer(v, f"Volunteer{i % 997} Family{i}") for i, v in enumerate(people)]
    )
    ids: list[str] = []
    batch: list[Delivery] = []
    claims: list[Delivery] = []
    for i in range(apps):
        day = date(2026, 1, 2) + timedelta(days=i * 360 // apps)
        spots = rnd.randint(4, 12)
        app_id = engine.create_application(
            ApplicationForm(f"Shift {i}", day, clock_time(10), clock_time(13), spots)
        )
        ids.append(app_id)
        who = rnd.sample(people, spots + rnd.randint(0, 3))
        batch.extend(response(FUND, app_id, v) for v in who)
        if rnd.random() < 0.25 and len(who) > spots:
            batch.append(response(FUND, app_id, who[0], "declined"))  # the spot is offered ...
            claims.append(response(FUND, app_id, who[-1]))  # ... and the last in line claims it
        if len(batch) >= 500:
            engine.handle(batch)
            batch = []
    engine.handle(batch)
    clock.advance(60 * 7)
    for i in range(0, len(claims), 500):
        engine.handle(claims[i : i + 500])
    clock.advance(60 * 40)
    engine.tick()
    q = Queries(engine)
    for app_id in ids:
        for k, row in enumerate(q.checkin(app_id)):
            status = "no_show" if k % 11 == 0 else ("late" if k % 7 == 0 else "arrived")
            engine.record_attendance(app_id, row.volunteer_id, status, arrived_at="10:00")
    q.close()
    engine.store.close()
    return ids[len(ids) // 2], people[5]


def measure(fn, runs: int = 5) -> tuple[float, float]:
    """(min wall ms, min CPU ms) over runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, (time.perf_counter() - w) * 1000)
        best_cpu = min(best_cpu, (time.process_time() - c) * 1000)
    return best_wall, best_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--apps", type=int, default=2000)
    args = ap.parse_args()
    path = Path(tempfile.mkdtemp()) / "console.db"
    t0 = time.perf_counter()
    app_id, vid = build(path, args.apps)
    built = time.perf_counter() - t0
    q = Queries(path)
    rows = {
        t: q.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("application", "participation", "activity", "offer", "attendance", "volunteer")
    }
    print(f"built in {built:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    base = measure(lambda: q.summaries())
    figures = {
        "summaries() (baseline)": base,
        "report(), whole fund": measure(lambda: q.report()),
        "report(month)": measure(lambda: q.report("2026-06")),
        "checkin(app)": measure(lambda: q.checkin(app_id)),
        "volunteer_profile(id)": measure(lambda: q.volunteer_profile(vid)),
        "applications_with_volunteer(name)": measure(
            lambda: q.applications_with_volunteer("family12")
        ),
    }
    print(f"{'':38} {'wall ms':>9} {'CPU ms':>9} {'x baseline':>11}")
    for name, (wall, cpu) in figures.items():
        print(f"{name:38} {wall:9.2f} {cpu:9.2f} {wall / base[0]:11.2f}")
    rep = q.report()
    t = rep.total
    print(
        f"fund: {len(rep.applications)} applications, fill {t.fill_rate:.0%}, refills"
        f" {t.refilled}/{t.freed} p50 {t.refill_p50_s} s p90 {t.refill_p90_s} s, no-show"
        f" {t.no_show_rate:.0%}, {t.minutes // 60} h"
    )


if __name__ == "__main__":
    main()
