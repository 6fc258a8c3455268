"""Scale: `python -m tests.bench.scale --rows 100000` (offscreen; not a test).

A fund after a few years: 2,000 applications with a long tail of sizes, one big one with
100 signed up and up to 50,000 waitlisted, built through Engine.handle in batches of 500
(each response also leaves its inbox, outbox and activity rows, as in real life), the
batches spread evenly over three years (HISTORY_FROM to HISTORY_TO, the day before
MEASURE_DAY), the outbox marked sent as the relay does, and then the logs (inbox, outbox,
rejected) pruned by the console's own Store.prune with the default retention_days (30) and
the clock at MEASURE_DAY: the logs are a month deep, as a console that ran those years keeps
them. The DB size counts the pages in use; the pages the pruning freed (not vacuumed, so the
kept tables' layout is the one the years left) are shown beside it. The database is built
once per size into --cache (under built-by-schemaN-shapeSHAPE) and copied for every figure
that writes.

Every figure is measured at the asked size and on an empty database (the same 2,000
applications, no participation rows) in the same run, each in a fresh process, and printed
beside the targets of issue 9. --tree runs the same measurements against another checkout
(e.g. `git archive` of an older commit): that is how the before/after figures were taken.

The engine figure (engine per message) is what the console's writer spends on a response,
commit and WAL checkpoint included, over 5,000 responses in batches of 500: the group commit
under load takes the next 500 deliveries as they arrived, whatever they answer. They answer
what a fund's volunteers can answer on the figure's day (MEASURE_DAY, fixed so that the set
does not drift with the calendar): the open applications whose shift is not over (215 in the
built databases, the big one among them), the popular ones more often (the k-th drawn 1/k^0.8 as
often, the tail plan() gives the sizes; a batch touches about 155 of them, the big one
about one message in ten). The same seeded sequence over the same applications runs on the
empty database and the full one, so the ratio is the cost of the rows alone. A second line,
"worst case", keeps the spread the figure had before: each message of a batch to a
different application, cycling over all 2,000, past ones included (which the rules still
answer: a past shift stays open until closed), so that every message lands on its own leaf
of each index keyed by application and misses the engine's cache of 64 applications. The
CPU on the engine's thread is the figure to read on a loaded machine; each engine figure
runs --repeat times, the sizes alternating, and the median is shown with the range. Before
the clock starts, the timers due on MEASURE_DAY run (Engine.tick), as a running console has
run them. The target is on the running figure, whose WAL file is first grown to its working
size (where the writer's autocheckpoint restarts it): the cold one, on a copy with no WAL yet,
also pays for making the file longer at each commit, which a console pays only in its first
minutes after a start.

The stream: with the big application shown, 3,000 responses (new volunteers joining its
waitlist, one in 25 a signed-up volunteer withdrawing) arrive in group commits every 20 ms;
measured are the bridge's flush CPU on the GUI thread, the largest gap between 16 ms ticks,
commit-to-screen (from a batch's commit to the end of the flush that showed it), and how
long engine batches held the GUI thread (0 where they run on the core's writer thread).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
FUND = "bench"
APPS = 2000
BIG_SIGNED = 100
BIG_WAITING = 50_000
BATCH = 500
# The built history: three years of responses ending the day before MEASURE_DAY, the logs then
# pruned to the retention as the console does. SHAPE names the built databases' shape in the
# cache (with the schema of the tree that built them): a new shape is built once, afresh.
HISTORY_FROM = (2023, 11, 30, 8, 0, 0)
HISTORY_TO = (2026, 11, 30, 8, 0, 0)
SHAPE = 2

# The running figure's WAL: a console that has been taking responses for a while has its WAL
# file at its working size (under a load that never pauses the writer's own checkpoint
# restarts it at WRITER_AUTOCHECKPOINT_PAGES, and SQLite then writes over the file it has).
# A fresh copy starts with no WAL, and each commit makes the file longer, which on this
# machine's ext4 costs 1.5-3 x the writing of the same pages over the file's own (20-30 ms
# against 7-8 ms of CPU for a commit of 1,100 pages at 1M; 1,300 raw 4 KB writes and an fsync:
# 11-14 ms appended, 8 ms over). So the running figure first grows the WAL to that size
# (the tree's own WRITER_AUTOCHECKPOINT_PAGES, or SQLite's 1,000 in a tree from before it)
# with commits that move the outbox's backlog counter up and down (no rows added, no pages
# freed, the counter as it was), then restarts it.

TARGETS = {
    "start_s": ("window: start to first paint", "s", 2.0),
    "rss_mb": ("window RSS after load", "MB", 250.0),
    "switch_ms": ("switch to the big application", "ms", 100.0),
    "flush_cpu_p50_ms": ("stream: CPU per flush p50 (GUI thread)", "ms", 8.0),
    "max_gap_ms": ("stream: largest gap between 16 ms ticks", "ms", 50.0),
    "c2s_p99_ms": ("stream: commit-to-screen p99", "ms", 100.0),
    "gui_batch_max_ms": ("slowest engine batch on the GUI thread", "ms", 0.0),
    "writer_batch_max_ms": ("  (slowest batch on the writer thread)", "ms", None),
    "list_s": ("app list --json", "s", 0.5),
    "show_s": ("app show BIG --json", "s", 1.0),
    "running_engine_us": (
        "engine per message, running (its WAL file at its working size)",
        "us",
        "1.2x",
    ),
    "running_engine_cpu_us": ("  (its CPU on the engine's thread)", "us", "1.2x"),
    "running_engine_ckpt_cpu_us": ("  (and the checkpoints' CPU on their own thread)", "us", "x"),
    "engine_us": ("engine per message, cold (a fresh copy, no WAL yet)", "us", "x"),
    "engine_cpu_us": ("  (its CPU on the engine's thread)", "us", "x"),
    "engine_ckpt_cpu_us": ("  (and the checkpoints' CPU on their own thread)", "us", "x"),
    "engine_spread_us": (
        "worst case: each message of a batch to a different application",
        "us",
        "x",
    ),
    "engine_spread_cpu_us": ("  (its CPU on the engine's thread)", "us", "x"),
    "engine_spread_ckpt_cpu_us": ("  (and the checkpoints' CPU on their own thread)", "us", "x"),
    "db_kb_per_row": ("DB size per row (all)", "KB", None),
    # The target is 0.5 KB a row plus the retention: the logs (inbox, outbox, rejected) are
    # kept retention_days (30 by default) and then pruned, the rest is kept for good.
    "db_state_kb_per_row": ("  of it kept for good (all but the logs)", "KB", 0.5),
    "db_logs_kb_per_row": ("  of it the logs, kept retention_days", "KB", None),
}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


# -- the shape --------------------------------------------------------------------------------


def plan(rows: int) -> tuple[int, list[int]]:
    """(big app's waitlist, sizes of the 1,999 others) adding up to about rows."""
    if rows <= 0:
        return 0, [0] * (APPS - 1)
    waiting = max(0, min(BIG_WAITING, rows // 2 - BIG_SIGNED))
    rest = max(0, rows - BIG_SIGNED - waiting)
    weights = [1 / (i + 1) ** 0.8 for i in range(APPS - 1)]
    total = sum(weights)
    sizes = [int(rest * w / total) for w in weights]
    sizes[0] += rest - sum(sizes)
    return waiting, sizes


def body(app_id: str, volunteer: int, status: str = "accepted") -> bytes:
    return json.dumps(
        {
            "action": "volunteer_response",
            "data": {
                "volunteer_application_id": int(app_id),
                "volunteer_id": volunteer,
                "status": status,
            },
        }
    ).encode()


def build(path: Path, rows: int) -> None:
    """Build the database at path through the engine (run under the tree being built with)."""
    from datetime import date, datetime, timedelta
    from datetime import time as dtime

    from core.clock import ManualClock
    from core.engine import ApplicationForm, Delivery, Engine
    from core.messages import response_key
    from core.storage import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    # The history spans the years it claims (HISTORY_FROM to HISTORY_TO), the batches evenly
    # over it, whatever the size: the logs' dates are those of a fund's years of data.
    clock = ManualClock(datetime(*HISTORY_FROM))
    step = (datetime(*HISTORY_TO) - clock.now()).total_seconds() / max(1, -(-rows // BATCH))
    store = Store(path)
    engine = Engine(store, FUND, clock)
    waiting, sizes = plan(rows)
    t0 = time.perf_counter()
    big = engine.create_application(
        ApplicationForm(
            "Big: city marathon", date(2027, 6, 1), dtime(7), dtime(15), BIG_SIGNED, policy="timed"
        )
    )
    apps: list[tuple[str, int]] = [(big, BIG_SIGNED + waiting)]
    for i, size in enumerate(sizes):
        day = date(2024, 1, 2) + timedelta(days=(i * 7) % 1200)
        spots = max(1, min(10_000, int(size * 0.8) or 1))
        app_id = engine.create_application(
            ApplicationForm(f"Shift {i:04d}", day, dtime(9 + i % 8), dtime(18), spots)
        )
        apps.append((app_id, size))
    pending: list[Delivery] = []
    volunteer = 100_000
    done = 0
    for app_id, size in apps:
        key = response_key(FUND, app_id)
        for _ in range(size):
            volunteer += 1
            pending.append(
                Delivery(body(app_id, volunteer), routing_key=key, message_id=str(uuid.uuid4()))
            )
            if len(pending) == BATCH:
                engine.handle(pending)
                relay(store, clock.now())
                done += len(pending)
                pending = []
                clock.advance(step)
                if done % 50_000 == 0:
                    rate = done / (time.perf_counter() - t0)
                    print(f"  built {done:,} rows ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    engine.handle(pending)
    relay(store, clock.now())
    pruned = retain(store)
    print(f"  pruned {pruned:,} log rows past the retention", file=sys.stderr, flush=True)
    store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    (path.parent / "big").write_text(big)


def relay(store: object, when: object) -> None:
    """Mark the batch's outbox rows sent, as the console's relay does within moments (the
    same Store calls): a pending row is never pruned, a sent one is after the retention."""
    after = 0
    while rows := store.pending_outbox(500, after_seq=after):  # type: ignore[attr-defined]
        store.mark_sent([r.seq for r in rows], when)  # type: ignore[attr-defined]
        after = rows[-1].seq


def retain(store: object) -> int:
    """The console's own pruning (ConsoleCore.prune_once: Store.prune with the default
    retention_days, in batches of PRUNE_BATCH) run to the end with the clock at MEASURE_DAY,
    so the logs are as deep as a console that ran all those years keeps them."""
    from datetime import datetime, timedelta

    from core.config import DEFAULT_RETENTION_DAYS
    from core.service import PRUNE_BATCH

    now, keep = datetime(*MEASURE_DAY), timedelta(days=DEFAULT_RETENTION_DAYS)
    total = gone = store.prune(now, keep, limit=PRUNE_BATCH)  # type: ignore[attr-defined]
    while gone >= PRUNE_BATCH:
        gone = store.prune(now, keep, limit=PRUNE_BATCH)  # type: ignore[attr-defined]
        total += gone
    return total


# -- measurements (each in its own process, under the tree being measured) --------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_window(data_dir: Path, launched: float, out: dict[str, float]) -> None:
    """Start to first paint, RSS after load, switching to the big application."""
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time())
            return False

    ini = QSettings(str(data_dir / "w.ini"), QSettings.Format.IniFormat)
    url = "amqp://guest:guest@127.0.0.1:1/"
    try:  # what the window start itself runs (gui/app.py), where the tree has it
        from gui.app import build_window
    except ImportError:
        from core.service import ConsoleCore
        from gui.bridge import Bridge
        from gui.main_window import MainWindow

        core = ConsoleCore(data_dir, FUND, url)
        bridge = Bridge(core)
        window = MainWindow(bridge, qsettings=ini)
    else:
        core, bridge, window = build_window(data_dir, FUND, url, qsettings=ini)
    window.resize(1380, 860)
    watcher = FirstPaint()
    window.apps_view.viewport().installEventFilter(watcher)
    window.show()
    while not painted:
        app.processEvents()
    out["start_s"] = painted[0] - launched
    link = getattr(core, "link", None)
    if link is not None:  # what the window start does next: the broker client, the log
        link()
    end = time.time() + 0.5
    while time.time() < end:
        app.processEvents()
    out["rss_mb"] = _rss_mb()

    big = (data_dir / "big").read_text()
    small = next(s.id for s in bridge.queries.summaries() if s.id != big)
    times = []
    for _ in range(3):
        window.select_application(small)
        for _ in range(5):
            app.processEvents()
        t0 = time.perf_counter()
        window.select_application(big)
        window.detail.repaint()
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    out["switch_ms"] = statistics.median(times)
    bridge.shutdown()
    window.close()
    stop = getattr(core, "stop", None)
    if stop is not None:
        import asyncio

        asyncio.run(stop())


def measure_stream(data_dir: Path, out: dict[str, float], responses: int = 3000) -> None:
    import asyncio

    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from core.engine import Delivery
    from core.messages import response_key
    from core.service import ConsoleCore
    from gui.bridge import Bridge
    from gui.main_window import MainWindow

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    core = ConsoleCore(data_dir, FUND, "amqp://guest:guest@127.0.0.1:1/")
    bridge = Bridge(core)
    ini = QSettings(str(data_dir / "w.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bridge, qsettings=ini)
    window.resize(1380, 860)
    window.show()
    big = (data_dir / "big").read_text()
    window.select_application(big)
    try:  # what the window start does once it is up (gui/app.py), where the tree has it
        from gui.heap import HeapKeeper
    except ImportError:
        pass
    else:  # without it, a full collection of the startup heap came in the stream (20-40 ms)
        HeapKeeper(lambda: bridge.last_flush_at, window).start()
    engine = core.engine
    writer = getattr(core, "writer", None)
    signed = [r.volunteer_id for r in bridge.queries.detail(big).roster]
    key = response_key(FUND, big)

    commits: list[float] = []
    engine.subscribe(lambda _c: commits.append(time.perf_counter()))
    flushes: list[tuple[float, float, float]] = []  # start, end, GUI-thread CPU ms
    real_flush = bridge.flush

    def timed_flush() -> None:
        c0 = time.thread_time()
        f0 = time.perf_counter()
        real_flush()
        flushes.append((f0, time.perf_counter(), (time.thread_time() - c0) * 1000))

    bridge._flush_timer.timeout.disconnect()
    bridge._flush_timer.timeout.connect(timed_flush)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(16)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    gui_batches: list[float] = []
    writer_batches: list[float] = []

    def handle(batch: list[Delivery]) -> None:
        t0 = time.perf_counter()
        engine.handle(batch)
        writer_batches.append((time.perf_counter() - t0) * 1000)

    async def drive() -> None:
        await asyncio.sleep(0.3)
        timer.start()
        per_batch = 10
        volunteer = 900_000_000
        quit_at = 0
        t0 = time.perf_counter()
        for n in range(0, responses, per_batch):
            batch = []
            for i in range(n, n + per_batch):
                if i % 25 == 24 and quit_at < len(signed):
                    vid, status = int(signed[quit_at]), "declined"
                    quit_at += 1
                else:
                    volunteer += 1
                    vid, status = volunteer, "accepted"
                batch.append(
                    Delivery(body(big, vid, status), routing_key=key, message_id=str(uuid.uuid4()))
                )
            h0 = time.perf_counter()
            if writer is not None:
                await writer.call(handle, batch)
            else:
                handle(batch)
                gui_batches.append((time.perf_counter() - h0) * 1000)
            next_at = t0 + (n // per_batch + 1) * 0.02
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await asyncio.sleep(0.5)
        timer.stop()

    with loop:
        loop.run_until_complete(drive())
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        lat = []
        for c in commits:
            after = [f for f in flushes if f[0] >= c]
            if after:
                lat.append((after[0][1] - c) * 1000)
        out["flush_cpu_p50_ms"] = pct([f[2] for f in flushes], 50)
        out["flush_cpu_max_ms"] = max((f[2] for f in flushes), default=float("nan"))
        out["max_gap_ms"] = max(gaps, default=float("nan")) * 1000
        out["c2s_p99_ms"] = pct(lat, 99)
        out["gui_batch_max_ms"] = max(gui_batches, default=0.0)
        out["writer_batch_max_ms"] = max(writer_batches, default=float("nan"))
        bridge.shutdown()
        window.close()
        loop.run_until_complete(core.stop())


# The engine figure's day: the same for every run and every size, so that the open set does
# not drift with the calendar (the built applications' dates run 2024-01-02 to 2027-04-15,
# the big one 2027-06-01; from this day 215 of them, the big one among them, are to come).
MEASURE_DAY = (2026, 12, 1, 9, 0, 0)
POPULARITY = 0.8  # the long tail of plan(): the k-th open application drawn 1/k^0.8 as often


def open_applications(store: object) -> list[str]:
    """The applications a volunteer can answer on MEASURE_DAY: published (open) and their
    shift not over, in the order they were created (the big one first, then by size, as in
    plan()), which is the order of their popularity."""
    from datetime import date, datetime, time

    from core.clock import shift_over

    now = datetime(*MEASURE_DAY)
    rows = store.conn.execute(  # type: ignore[attr-defined]
        "SELECT id, date, start, \"end\" FROM application WHERE status = 'open' ORDER BY rowid"
    )
    return [
        app_id
        for app_id, day, start, end in rows
        if not shift_over(
            date.fromisoformat(day), time.fromisoformat(end), now, start=time.fromisoformat(start)
        )
    ]


def traffic(store: object, spread: bool, messages: int) -> list[str]:
    """The application each of the figure's messages answers, in arrival order.

    Realistic (spread False): volunteers answer what they can see, the open applications,
    the popular ones more (drawn with weight 1/k^POPULARITY by rank k, seeded, so every run
    and both sizes draw the same sequence over the same applications). Worst case (spread
    True): every message of a batch to a different application, cycling over all 2,000, past
    ones included, so that each lands on its own index leaves and misses the engine's cache.
    """
    import random

    if spread:
        apps = [r[0] for r in store.conn.execute("SELECT id FROM application ORDER BY id")]  # type: ignore[attr-defined]
        return [apps[n * 7919 % len(apps)] for n in range(messages)]
    apps = open_applications(store)
    weights = [1 / (k + 1) ** POPULARITY for k in range(len(apps))]
    return random.Random(9).choices(apps, weights, k=messages)


CAPTURE_ENV = "VOLUNTEER_CONSOLE_BENCH_CAPTURE"


def measure_engine(
    data_dir: Path,
    out: dict[str, float],
    messages: int = 5000,
    spread: bool = False,
    aside: bool = True,
    running: bool = False,
) -> None:
    from datetime import UTC, datetime

    from core.clock import ManualClock
    from core.engine import Delivery, Engine
    from core.messages import response_key
    from core.storage import Store

    store = Store(data_dir / "console.db")
    if os.environ.get(CAPTURE_ENV):
        # as in a console that belongs to its fund's decision log (the default): every row a
        # commit writes is captured beside it (core/replication/capture.py)
        from core.replication.changes import install_capture

        install_capture(store.conn)
    clock = ManualClock(datetime(*MEASURE_DAY), tz=UTC)
    engine = Engine(store, FUND, clock)
    # The timers due by MEASURE_DAY (reminders of the next days' shifts, expired offers) run
    # first, untimed, as a running console's clock has run them: the built history stops the
    # day before, so the first message to each such application would carry its reminders
    # (788 messages more at 1M, none empty), which are not a cost of the messages.
    settled = engine.tick()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    if running:
        import core.storage

        frames = getattr(core.storage, "WRITER_AUTOCHECKPOINT_PAGES", 1000)
        grow_wal(data_dir / "console.db", frames + frames % 2)  # even: the counter as it was
    # The WAL checkpointed as the console does it (ConsoleCore): asked for between batches
    # and run on a thread of its own (core/checkpoint.py), whose CPU is shown apart
    # (engine_ckpt_cpu_us); what is left at the end is checkpointed here and counted, so the
    # figures hold all the writing the messages cost. aside=False (the engine-inline worker)
    # runs them on the engine's thread as before, counted like the batches.
    idle = getattr(store, "checkpoint_idle", None)
    if idle is not None:
        try:
            store.checkpoint_between_batches(aside=aside)
        except TypeError:  # a tree from before the checkpoints aside
            store.checkpoint_between_batches()
    answered = traffic(store, spread, messages)
    volunteer = 800_000_000
    spent = cpu = 0.0
    for n in range(0, messages, BATCH):
        # A batch as the consumer's group commit forms it under load: the next BATCH
        # deliveries in the order they arrived, whatever applications they answer.
        batch = []
        for app_id in answered[n : n + BATCH]:
            volunteer += 1
            batch.append(
                Delivery(
                    body(app_id, volunteer),
                    routing_key=response_key(FUND, app_id),
                    message_id=str(uuid.uuid4()),
                )
            )
        t0, c0 = time.perf_counter(), time.thread_time()
        engine.handle(batch)
        if idle is not None:
            idle()
        spent += time.perf_counter() - t0
        cpu += time.thread_time() - c0
        clock.advance(1)
    t0, c0 = time.perf_counter(), time.thread_time()
    checkpointer = getattr(store, "checkpointer", None)
    if checkpointer is not None:  # the one in progress finishes: its time is the writing's
        checkpointer.stop()
        store.checkpointer = None
    store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    spent += time.perf_counter() - t0
    cpu += time.thread_time() - c0
    key = ("running_" if running else "") + ("engine_spread" if spread else "engine")
    aside_cpu = checkpointer.cpu_s if checkpointer is not None else 0.0
    out[f"{key}_ckpt_cpu_us"] = aside_cpu / messages * 1e6
    out[f"{key}_us"] = spent / messages * 1e6
    out[f"{key}_cpu_us"] = cpu / messages * 1e6  # on a loaded machine, the figure to read first
    out[f"{key}_apps"] = len(set(answered))
    out[f"{key}_settled"] = settled
    store.close()


def grow_wal(db: Path, frames: int) -> None:
    """The database's WAL file made `frames` pages long and restarted (see "The running
    figure's WAL" above), while the caller's connection keeps it open (an even number of
    frames leaves the counter as it was)."""
    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        for n in range(frames):  # up one, down one: SQLite writes no page for an equal row
            conn.execute("UPDATE outbox_backlog SET pending = pending + ?", (1 - 2 * (n % 2),))
        conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
    finally:
        conn.close()


def worker(args: argparse.Namespace) -> None:
    out: dict[str, float] = {}
    data_dir = Path(args.data_dir)
    if args.worker == "build":
        build(data_dir / "console.db", args.rows)
    elif args.worker == "prepare":
        from core.storage import Store

        Store(data_dir / "console.db").close()  # migrate once, untimed
    elif args.worker == "window":
        measure_window(data_dir, args.launched, out)
    elif args.worker == "stream":
        measure_stream(data_dir, out)
    elif args.worker == "engine":
        measure_engine(data_dir, out)
    elif args.worker == "engine-spread":
        measure_engine(data_dir, out, spread=True)
    elif args.worker == "engine-inline":  # checkpoints on the engine's thread, as before
        measure_engine(data_dir, out, aside=False)
    elif args.worker == "engine-running":
        measure_engine(data_dir, out, running=True)
    print("RESULT " + json.dumps(out), flush=True)


# -- the driver --------------------------------------------------------------------------------


def run_worker(tree: Path, what: str, data_dir: Path, **extra: object) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree), QT_QPA_PLATFORM="offscreen")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", what]
    cmd += ["--data-dir", str(data_dir)]
    for k, v in extra.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    if what == "window":
        cmd += ["--launched", repr(time.time())]
    proc = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{what} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return dict(json.loads(lines[-1][7:]))


def timed_cli(tree: Path, data_dir: Path, *argv: str, repeat: int = 3) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "main.py", "--data-dir", str(data_dir), "--fund-id", FUND, *argv],
            env=env,
            cwd=tree,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def schema_of(tree: Path) -> str:
    text = (tree / "core" / "storage.py").read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("SCHEMA_VERSION"))
    return line.split("=")[1].strip()


def cached(cache: Path, build_tree: Path, tree: Path, rows: int) -> Path:
    """The database of this size built once with build_tree, migrated once for tree."""
    built = cache / f"rows-{rows}"
    if not (built / "big").exists():
        built = _older_build(cache, rows) or built
    if not (built / "big").exists():
        print(f"building {rows:,} rows with {build_tree} (once) ...", file=sys.stderr, flush=True)
        shutil.rmtree(built, ignore_errors=True)
        t0 = time.perf_counter()
        run_worker(build_tree, "build", built, rows=rows)
        print(f"  built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    ready = cache / f"rows-{rows}-schema{schema_of(tree)}"
    if not (ready / "big").exists():
        shutil.rmtree(ready, ignore_errors=True)
        copy(built, ready)
        run_worker(tree, "prepare", ready)
    return ready


def _older_build(cache: Path, rows: int) -> Path | None:
    """This size built by a tree of an older schema, if any (the newest): migrated like any
    other, it spares a rebuild (20 minutes at 1M rows) each time the schema moves on."""
    schema, _, shape = cache.name.removeprefix("built-by-schema").partition("-")
    for n in range(int(schema) - 1, 0, -1):  # the same shape only: another one is not this
        older = cache.parent / f"built-by-schema{n}-{shape}" / f"rows-{rows}"
        if (older / "big").exists():
            return older
    return None


def copy(src: Path, dst: Path) -> None:
    """A copy on the disk, not only in the page cache: left dirty, the 1.3 GB of the 1M file
    were written back during the measuring, and the first fsync of the file (the checkpoint's)
    and the WAL's fsyncs beside it waited for them (wall 246-310 us a message against 149-179
    synced first, CPU on the engine's thread 170-203 against 134-137)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.name in ("console.db", "big"):
            shutil.copyfile(f, dst / f.name)
            with open(dst / f.name, "rb+") as copied:
                os.fsync(copied.fileno())


LOG_TABLES = ("inbox", "outbox", "rejected")  # what the retention prunes (CONTRACT.md)


def free_bytes(db: Path) -> int:
    """The pages the pruning freed: not vacuumed (the kept tables' layout stays as the years
    left it), and a console reuses them for the next month's logs, so they are not counted."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (free,) = conn.execute("PRAGMA freelist_count").fetchone()
        (page,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    return int(free) * int(page)


def log_bytes(db: Path) -> int:
    """The bytes of the log tables and their indexes, page by page (SQLite's dbstat)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(LOG_TABLES))
        (total,) = conn.execute(
            "SELECT COALESCE(SUM(d.pgsize), 0) FROM dbstat d JOIN sqlite_master m"
            f" ON m.name = d.name WHERE m.tbl_name IN ({marks})",
            LOG_TABLES,
        ).fetchone()
    finally:
        conn.close()
    return int(total)


def measure(
    tree: Path, ready: Path, scratch: Path, rows: int, skip_stream: bool, engine_only: bool
) -> dict:
    out: dict[str, float] = {}
    size = sum(f.stat().st_size for f in ready.iterdir() if f.name.startswith("console.db"))
    free = free_bytes(ready / "console.db")
    size -= free
    out["db_kb_per_row"] = size / 1024 / rows if rows else float("nan")
    logs = log_bytes(ready / "console.db")
    out["db_state_kb_per_row"] = (size - logs) / 1024 / rows if rows else float("nan")
    out["db_logs_kb_per_row"] = logs / 1024 / rows if rows else float("nan")
    out["db_mb"] = size / 1e6
    out["db_free_mb"] = free / 1e6
    if engine_only:
        return out
    out.update(run_worker(tree, "window", ready))
    big = (ready / "big").read_text()
    out["list_s"] = timed_cli(tree, ready, "app", "list", "--json")
    out["show_s"] = timed_cli(tree, ready, "app", "show", big, "--json")
    return measure_writes(tree, ready, scratch, () if skip_stream else ("stream",), out)


def measure_writes(
    tree: Path, ready: Path, scratch: Path, writes: tuple[str, ...], out: dict[str, float]
) -> dict[str, float]:
    """The figures that write, each on its own fresh copy of the database."""
    for what in writes:
        shutil.rmtree(scratch, ignore_errors=True)
        copy(ready, scratch)
        out.update(run_worker(tree, what, scratch))
    shutil.rmtree(scratch, ignore_errors=True)
    return out


def _range(span: object, unit: str) -> str:
    if not isinstance(span, tuple) or span[0] == span[1]:
        return ""
    return f" ({fmt(span[0], unit).split()[0]}-{fmt(span[1], unit)})"


def fmt(value: float | None, unit: str) -> str:
    if value is None or value != value:
        return "-"
    if unit == "s":
        return f"{value:.2f} s"
    if unit in ("ms", "us", "MB"):
        return f"{value:,.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--cache", default=str(Path.home() / ".cache" / "volunteer-console-scale"))
    p.add_argument("--tree", default=str(HERE), help="the checkout to measure")
    p.add_argument("--build-tree", default=None, help="the checkout that builds (the oldest)")
    p.add_argument("--skip-stream", action="store_true")
    p.add_argument(
        "--engine-only", action="store_true", help="only the two engine figures and the DB size"
    )
    p.add_argument("--repeat", type=int, default=3, help="engine runs per size (median shown)")
    p.add_argument(
        "--capture",
        action="store_true",
        help="the engine figures with the decision log's change capture on",
    )
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    p.add_argument("--launched", type=float, default=0.0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    if args.capture:
        os.environ[CAPTURE_ENV] = "1"  # the workers inherit it
    tree = Path(args.tree).resolve()
    build_tree = Path(args.build_tree).resolve() if args.build_tree else tree
    cache = Path(args.cache) / f"built-by-schema{schema_of(build_tree)}-shape{SHAPE}"
    scratch = Path(args.cache) / f"scratch-{os.getpid()}"  # several runs may share a cache
    load = os.getloadavg()
    results = {}
    readies = {}
    for rows in (0, args.rows):
        readies[rows] = ready = cached(cache, build_tree, tree, rows)
        results[rows] = measure(tree, ready, scratch, rows, args.skip_stream, args.engine_only)
    # The engine figures swing with the machine's load from one run to the next (1.09 x and
    # 1.51 x a minute apart at load 8-9): each is run --repeat times, the sizes alternating so
    # that both see the same load, and the median is shown with the range beside it.
    runs: dict[int, list[dict[str, float]]] = {0: [], args.rows: []}
    for _ in range(args.repeat):
        for rows in (0, args.rows):
            what = ("engine-running", "engine", "engine-spread")
            runs[rows].append(measure_writes(tree, readies[rows], scratch, what, {}))
    for rows, got in runs.items():
        for key in got[0]:
            values = [g[key] for g in got]
            results[rows][key] = statistics.median(values)
            results[rows][key + "_range"] = (min(values), max(values))  # type: ignore[assignment]
    print(f"\ntree {tree}, {args.rows:,} rows; load average before: {load[0]:.1f} {load[1]:.1f}")
    opened = int(results[0].get("engine_apps", 0))
    capture = "on" if args.capture else "off (as built)"
    print(
        f"engine: median of {args.repeat} runs (range); {opened} open applications answered;"
        f" the decision log's capture {capture}"
    )
    print(f"| figure | empty | {args.rows:,} rows | target |")
    print("|---|---|---|---|")
    empty, full = results[0], results[args.rows]
    for key, (label, unit, target) in TARGETS.items():
        if target == "1.2x":
            shown = f"<= 1.2 x empty (now {full.get(key, 0) / empty.get(key, 1):.2f} x)"
        elif target == "x":  # no target of its own: the ratio, so that nothing is hidden
            shown = f"{full.get(key, 0) / empty.get(key, 1):.2f} x empty"
        elif target is None:
            shown = ""
        elif target == 0.0:
            shown = "no stall (0)"
        else:
            shown = f"<= {fmt(target, unit)}"
        cells = [fmt(r.get(key), unit) + _range(r.get(key + "_range"), unit) for r in (empty, full)]
        print(f"| {label} | {cells[0]} | {cells[1]} | {shown} |")
    sizes = [
        f"{fmt(r.get('db_mb'), 'MB')} (+{fmt(r.get('db_free_mb'), 'MB')} free)"
        for r in (empty, full)
    ]
    print(f"| DB size in use (+ pages the pruning freed) | {sizes[0]} | {sizes[1]} | |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
