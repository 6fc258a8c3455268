"""Window latency under a burst: `python -m tests.bench.gui_latency` (offscreen; not a test).

Drives 10,000 responses through engine.handle in transport-sized batches (one batch per
20 ms, like the transport's group commit) into a real MainWindow, and measures:
- the largest gap between ticks of a 16 ms QTimer (how long the window froze), and
- commit-to-screen: from the engine's Committed for a volunteer's response to the moment
  that volunteer's row exists in the shown roster/waitlist model after the bridge's flush.
Targets: max gap <= 50 ms, p99 commit-to-screen <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from core.clock import ManualClock
from core.engine import ApplicationForm, Engine
from core.queries import Queries
from core.storage import Store
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.gui.conftest import response


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


async def bench(args: argparse.Namespace) -> dict[str, float]:
    data = Path(tempfile.mkdtemp())
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, 0))
    engine = Engine(Store(data / "console.db"), "bench", clock)
    core = SimpleNamespace(
        engine=engine, store=engine.store, queries=Queries(engine), transport=None,
        fund_id="bench", data_dir=data,
    )  # fmt: skip
    bridge = Bridge(core)
    window = MainWindow(
        bridge, qsettings=QSettings(str(data / "w.ini"), QSettings.Format.IniFormat)
    )
    window.resize(1380, 860)
    window.show()
    day = clock.now().date() + timedelta(days=1)
    app_id = bridge.create_application(
        ApplicationForm("Bench", day, dtime(10), dtime(12), args.capacity, offer_timeout_min=30)
    )
    others = [
        bridge.create_application(ApplicationForm(f"Other {i}", day, dtime(9), dtime(11), 50))
        for i in range(args.others)
    ]
    assert app_id is not None
    window.select_application(app_id)
    await asyncio.sleep(0.2)

    committed_at: dict[str, float] = {}
    seen_at: dict[str, float] = {}

    def on_commit(change) -> None:
        now = time.perf_counter()
        for a in change.activity:
            if a.application_id == app_id and a.volunteer_id and a.volunteer_id not in committed_at:
                committed_at[a.volunteer_id] = now

    engine.subscribe(on_commit)
    pending: set[str] = set()

    def on_flush(_ids: list[str]) -> None:
        # connected after the window's slot: the models are already updated when this runs
        now = time.perf_counter()
        waiting = [v for v in committed_at if v not in seen_at]
        d = window.detail
        for v in waiting:
            if d.roster_model.row_of(v) >= 0 or d.waitlist_model.row_of(v) >= 0:
                seen_at[v] = now
        pending.clear()

    bridge.applications_changed.connect(on_flush)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(16)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    await asyncio.sleep(0.1)

    handle_ms: list[float] = []
    flush_ms: list[float] = []
    real_flush = bridge.flush

    def timed_flush() -> None:
        f0 = time.perf_counter()
        real_flush()
        flush_ms.append((time.perf_counter() - f0) * 1000)

    bridge._flush_timer.timeout.disconnect(real_flush)
    bridge._flush_timer.timeout.connect(timed_flush)
    t0 = time.perf_counter()
    n = 0
    batch_no = 0
    while n < args.responses:
        size = min(args.batch, args.responses - n)
        batch = []
        for i in range(n, n + size):
            target = app_id if i % (args.others + 1) == 0 or not others else others[i % len(others)]
            batch.append(response("bench", target, f"v{i}"))
        h0 = time.perf_counter()
        engine.handle(batch)
        handle_ms.append((time.perf_counter() - h0) * 1000)
        n += size
        batch_no += 1
        # pace like the transport: one group commit per flush interval, whatever arrived
        next_at = t0 + batch_no * args.interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    elapsed = time.perf_counter() - t0
    await asyncio.sleep(0.3)
    timer.stop()

    burst = [t for t in ticks if t0 <= t <= t0 + elapsed + 0.3]
    gaps = [b - a for a, b in itertools.pairwise(burst)]
    lat = [(seen_at[v] - committed_at[v]) * 1000 for v in committed_at if v in seen_at]
    missing = len([v for v in committed_at if v not in seen_at])
    bridge.shutdown()
    window.close()
    engine.store.close()
    return {
        "responses": args.responses,
        "seconds": elapsed,
        "rate": args.responses / elapsed,
        "max_gap_ms": max(gaps) * 1000 if gaps else float("nan"),
        "p99_gap_ms": pct([g * 1000 for g in gaps], 99),
        "p50_ms": pct(lat, 50),
        "p99_ms": pct(lat, 99),
        "max_ms": max(lat) if lat else float("nan"),
        "measured": len(lat),
        "handle_max": max(handle_ms),
        "handle_p50": pct(handle_ms, 50),
        "flush_max": max(flush_ms) if flush_ms else float("nan"),
        "flush_p50": pct(flush_ms, 50),
        "flushes": len(flush_ms),
        "missing": missing,
    }


def main() -> int:
    import qasync

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50, help="responses per group commit")
    parser.add_argument("--interval", type=float, default=0.035, help="seconds between batches")
    parser.add_argument("--capacity", type=int, default=500, help="spots of the shown application")
    parser.add_argument("--others", type=int, default=9, help="other applications sharing load")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    r = qasync.run(bench(args))
    print(
        f"{r['responses']} responses in {r['seconds']:.1f} s ({r['rate']:.0f}/s), batches of "
        f"{args.batch} every {args.interval * 1000:.0f} ms; shown application"
        f" {args.capacity} spots,"
        f" {args.others} others\n"
        f"max gap between 16 ms ticks: {r['max_gap_ms']:.1f} ms (p99 {r['p99_gap_ms']:.1f} ms;"
        f" target <= 50)\n"
        f"commit-to-screen: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max "
        f"{r['max_ms']:.1f} ms (target p99 <= 100) over {r['measured']} volunteers"
        f" ({r['missing']} never shown)\n"
        f"engine.handle per batch: p50 {r['handle_p50']:.1f} ms, max {r['handle_max']:.1f} ms;"
        f" bridge flush (window update): p50 {r['flush_p50']:.1f} ms, max {r['flush_max']:.1f} ms"
        f" over {r['flushes']} flushes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
