"""Stream profile: `python -m tests.bench.stream_profile --rows 100000` (offscreen; not a test).

What the GUI thread does while responses stream in: tests/bench/scale.py's stream part, on a
copy of its cached database, with a sampler thread reading the GUI thread's Python stack, its
CPU clock and its scheduler state (running or runnable, or what it sleeps in) every
millisecond. Printed: the largest gaps between 16 ms ticks, each with the GUI and writer
threads' CPU in it, the collections in it and where the GUI thread's CPU went; the GUI
thread's CPU over the whole stream by place; each window handler's calls (total and max CPU,
max wall); the models' signals. --notify also times every Qt event by kind and receiver
(painting, layout, timers), --cprofile adds a cProfile of the GUI thread; both slow it down.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import gc
import itertools
import os
import pstats
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import scale


def thread_cpu(ident: int) -> float:
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(ident))
    except OSError:  # the thread has ended
        return 0.0


class Sampler(threading.Thread):
    """Every interval: (time, GUI CPU, writer CPU, the GUI thread's innermost frames)."""

    def __init__(self, main: int, interval: float = 0.001) -> None:
        super().__init__(daemon=True)
        self.main = main
        self.interval = interval
        self.samples: list[tuple[float, float, float, tuple[str, ...], str]] = []
        self.native = 0
        self.writer: int | None = None
        self.stop = False

    def state(self) -> str:
        """The GUI thread's scheduler state: R running or runnable, else what it sleeps in
        (the kernel's wait channel: futex for the GIL or a lock, poll for the event loop)."""
        try:
            with open(f"/proc/self/task/{self.native}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0].decode()
            if state == "R":
                return state
            with open(f"/proc/self/task/{self.native}/wchan", "rb") as f:
                return f"{state}:{f.read().decode() or '-'}"
        except OSError:
            return "?"

    def run(self) -> None:
        while not self.stop:
            now = time.perf_counter()
            frame = sys._current_frames().get(self.main)
            stack = []
            while frame is not None and len(stack) < 40:
                code = frame.f_code
                stack.append(f"{Path(code.co_filename).name}:{code.co_name}:{frame.f_lineno}")
                frame = frame.f_back
            if self.writer is None:
                for t in threading.enumerate():
                    if "writer" in t.name.lower():
                        self.writer = t.ident
            wcpu = thread_cpu(self.writer) if self.writer else 0.0
            self.samples.append((now, thread_cpu(self.main), wcpu, tuple(stack), self.state()))
            time.sleep(self.interval)


def interesting(stack: tuple[str, ...]) -> str:
    """The innermost frames of the project's own code (gui/, core/), else the innermost."""
    own = [f for f in stack if not f.startswith(("events.py", "base_events.py", "threading"))]
    mine = [f for f in own if not f.startswith(("__init__.py", "_windows", "qasync"))]
    return " < ".join((mine or own or list(stack) or ["<C++ / idle>"])[:4])


def busy(samples: list[tuple[float, float, float, tuple[str, ...]]]) -> collections.Counter:
    """GUI-thread CPU ms between consecutive samples, by the later sample's stack."""
    out: collections.Counter = collections.Counter()
    for prev, cur in itertools.pairwise(samples):
        out[interesting(cur[3])] += (cur[1] - prev[1]) * 1000
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--cache", default="/work/cache/scale")
    p.add_argument("--gaps", type=int, default=8)
    p.add_argument("--cprofile", action="store_true", help="also cProfile (slows Python down)")
    p.add_argument("--notify", action="store_true", help="time every event (slows Qt down)")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        run(Path(args.data_dir), args.gaps, args.cprofile, args.notify)
        return
    tree = scale.HERE
    cache = Path(args.cache) / f"built-by-schema{scale.schema_of(tree)}"
    ready = scale.cached(cache, tree, tree, args.rows)
    scratch = Path(args.cache) / f"scratch-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scale.copy(ready, scratch)
    try:
        import subprocess

        env = dict(os.environ, PYTHONPATH=str(tree), QT_QPA_PLATFORM="offscreen")
        cmd = [sys.executable, "-m", "tests.bench.stream_profile", "--worker"]
        cmd += ["--data-dir", str(scratch), "--gaps", str(args.gaps)]
        cmd += ["--cprofile"] if args.cprofile else []
        cmd += ["--notify"] if args.notify else []
        print(f"load before: {os.getloadavg()[0]:.1f}")
        subprocess.run(cmd, env=env, cwd=tree, check=True)
        print(f"load after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class Events:
    """Time of every event the GUI thread delivered, less the events delivered inside it."""

    def __init__(self) -> None:
        self.on = False
        self.stack: list[float] = []  # time spent in nested events, per level
        self.total: collections.Counter = collections.Counter()
        self.worst: dict[str, float] = {}
        self.count: collections.Counter = collections.Counter()

    def around(self, receiver: object, event: object, deliver: object) -> bool:
        if not self.on or threading.get_ident() != threading.main_thread().ident:
            return deliver()  # type: ignore[operator]
        t0 = time.thread_time()
        self.stack.append(0.0)
        try:
            return deliver()  # type: ignore[operator]
        finally:
            spent = time.thread_time() - t0
            nested = self.stack.pop()
            if self.stack:
                self.stack[-1] += spent
            own = (spent - nested) * 1000
            name = type(receiver).__name__
            parent = receiver.parent() if hasattr(receiver, "parent") else None  # type: ignore[attr-defined]
            if parent is not None and hasattr(parent, "viewport") and parent.viewport() is receiver:
                model = parent.model() if hasattr(parent, "model") else None
                name = f"viewport of {type(parent).__name__}({type(model).__name__})"
            try:
                kind = event.type().name  # type: ignore[attr-defined]
            except Exception:
                kind = "?"
            key = f"{kind} -> {name}"
            self.total[key] += own
            self.count[key] += 1
            self.worst[key] = max(self.worst.get(key, 0.0), own)


class Slots:
    """CPU and wall time of each call of the window's handlers (patched on their classes
    before the window is made, so its connections call the timed ones)."""

    def __init__(self) -> None:
        self.on = False
        self.calls: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)

    def patch(self) -> None:
        from gui import (
            bridge,
            detail_panel,
            log_view,
            main_window,
            models,
            monitor,
            shift_menu,
            tray,
        )

        modules = (bridge, detail_panel, log_view, main_window, models, monitor, shift_menu, tray)

        named = (
            "flush",
            "_tick",
            "refresh",
            "_update_actions",
            "fit_columns",
            "_fit_people",
            "append_activity",
            "apply",
            "update_ids",
            "set_round",
            "_notice_fill",
            "_update_countdown",
            "_show_note",
            "set_rows",
        )
        for module in modules:
            for cls in vars(module).values():
                if not isinstance(cls, type) or cls.__module__ != module.__name__:
                    continue
                for name, fn in list(vars(cls).items()):
                    if callable(fn) and (name.startswith("_on_") or name in named):
                        setattr(cls, name, self.timed(f"{cls.__name__}.{name}", fn))

    def timed(self, key: str, fn: Callable) -> Callable:
        calls = self.calls[key]

        @functools.wraps(fn)
        def timed(*args: object, **kwargs: object) -> object:
            if not self.on:
                return fn(*args, **kwargs)
            c0, w0 = time.thread_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                calls.append(((time.thread_time() - c0) * 1000, (time.perf_counter() - w0) * 1000))

        return timed

    def count_signals(self) -> None:
        """Count the models' layout and reset signals (what makes a view lay out again)."""
        from gui.main_window import MainWindow

        init = MainWindow.__init__
        counts = self.signals = collections.Counter()

        def counted(window: MainWindow, *args: object, **kwargs: object) -> None:
            init(window, *args, **kwargs)
            models = {"apps proxy": window.proxy, "apps": window.apps_model}
            d = window.detail
            models.update(
                roster=d.roster_model,
                waitlist=d.waitlist_model,
                activity=d.activity_model,
                offers=d.offers_model,
            )
            for name, m in models.items():
                for sig in (
                    "layoutChanged",
                    "modelReset",
                    "dataChanged",
                    "rowsInserted",
                    "rowsRemoved",
                ):
                    getattr(m, sig).connect(
                        lambda *_a, k=f"{name}.{sig}": self.on and counts.update([k])
                    )

        MainWindow.__init__ = counted  # type: ignore[method-assign]

    def count_paints(self, app: object) -> None:
        """Sum the painted area of each widget kind (what a frame repaints, in pixels)."""
        from PySide6.QtCore import QEvent, QObject

        area = self.painted = collections.Counter()
        slots = self

        class Painted(QObject):
            def eventFilter(self, obj: object, event: object) -> bool:
                if slots.on and event.type() == QEvent.Type.Paint:  # type: ignore[attr-defined]
                    px = sum(r.width() * r.height() for r in event.region())  # type: ignore[attr-defined]
                    name = type(obj).__name__
                    parent = obj.parent() if hasattr(obj, "parent") else None  # type: ignore[attr-defined]
                    if hasattr(parent, "viewport") and parent.viewport() is obj:
                        name = f"viewport({type(parent.model()).__name__})"
                    area[name] += px
                    area["(paint events)"] += 1
                return False

        self._painted = Painted()
        app.installEventFilter(self._painted)  # type: ignore[attr-defined]

    def report(self) -> None:
        print("\nmodel signals during the stream:", dict(sorted(self.signals.items())))
        if getattr(self, "painted", None):
            print(
                "painted area (Mpx) by widget:",
                {
                    k: round(v / 1e6, 2) if k[0] != "(" else v
                    for k, v in self.painted.most_common(14)
                },
            )
        rows = [
            (sum(c for c, _w in v), max(c for c, _w in v), max(w for _c, w in v), len(v), k)
            for k, v in self.calls.items()
            if v
        ]
        print("\nhandlers on the GUI thread (inclusive: nested handlers count in their caller):")
        print("  total CPU ms | max CPU ms | max wall ms | calls | handler")
        for total, worst, wall, n, key in sorted(rows, reverse=True)[:30]:
            print(f"  {total:9.1f} | {worst:7.1f} | {wall:7.1f} | {n:5d} | {key}")


def run(data_dir: Path, n_gaps: int, profile: bool, notify: bool) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    events = Events()

    class Timed(QApplication):
        def notify(self, receiver: object, event: object) -> bool:
            return events.around(
                receiver, event, lambda: super(Timed, self).notify(receiver, event)
            )

    app = (Timed if notify else QApplication)(sys.argv[:1])
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(16)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    gcs: list[tuple[float, float, int]] = []
    gc_start: list[float] = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if threading.get_ident() != threading.main_thread().ident:
            return
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            gcs.append((gc_start[0], time.perf_counter(), info["generation"]))

    gc.callbacks.append(on_gc)
    sampler = Sampler(threading.main_thread().ident or 0)
    sampler.native = threading.get_native_id()
    sampler.start()
    prof = cProfile.Profile()
    out: dict[str, float] = {}
    t_start = time.perf_counter()
    from core.engine import Engine

    first: list[float] = []
    handle = Engine.handle

    def marked(self: Engine, batch: list) -> object:
        if not first:
            first.append(time.perf_counter())
        return handle(self, batch)

    Engine.handle = marked  # type: ignore[method-assign]
    events.on = notify
    slots = Slots()
    slots.patch()
    slots.count_signals()
    slots.count_paints(app)
    slots.on = True
    if profile:
        prof.enable()
    scale.measure_stream(data_dir, out)
    if profile:
        prof.disable()
    sampler.stop = True
    timer.stop()
    del app
    print("figures:", {k: round(v, 1) for k, v in out.items()})
    # only the stream: from the first tick gap after the window is up (drive's 0.3 s sleep)
    t_first = first[0] if first else t_start  # the stream's first batch
    gaps = [(b - a, a, b) for a, b in itertools.pairwise(ticks) if a > t_first]
    gaps.sort(reverse=True)
    print(f"\n{len(ticks)} ticks; largest gaps (ms), with what the GUI thread ran in them:")
    samples = sampler.samples
    for gap, a, b in gaps[:n_gaps]:
        inside = [s for s in samples if a <= s[0] <= b]
        if len(inside) >= 2:
            gui_cpu = (inside[-1][1] - inside[0][1]) * 1000
            w_cpu = (inside[-1][2] - inside[0][2]) * 1000
        else:
            gui_cpu = w_cpu = float("nan")
        in_gc = sum(min(e, b) - max(s, a) for s, e, _g in gcs if e > a and s < b) * 1000
        print(
            f"\n- gap {gap * 1000:.0f} ms at +{a - t_first:.2f} s: GUI CPU {gui_cpu:.0f} ms,"
            f" writer CPU {w_cpu:.0f} ms, gc {in_gc:.0f} ms, {len(inside)} samples"
        )
        states = collections.Counter(s[4] for s in inside)
        print(f"    GUI thread states: {dict(states)}")
        where = busy(inside)
        for what, ms in where.most_common(6):
            print(f"    {ms:6.1f} ms CPU  {what}")
    stream = [s for s in samples if s[0] > t_first]
    total = busy(stream)
    if len(stream) > 1:
        span = stream[-1][0] - stream[0][0]
        print(
            f"\nover the stream's {span:.2f} s: GUI thread CPU "
            f"{(stream[-1][1] - stream[0][1]):.2f} s, writer thread CPU "
            f"{(stream[-1][2] - stream[0][2]):.2f} s"
        )
    print(
        "\nGUI thread states over the stream (1 ms samples):",
        dict(collections.Counter(s[4] for s in stream).most_common(8)),
    )
    print("\nGUI-thread CPU by where the sampler saw it, over the stream, top 25:")
    for what, ms in total.most_common(25):
        print(f"  {ms:7.1f} ms  {what}")
    slow = sorted((g for g in gcs if g[0] > t_first), key=lambda g: g[0] - g[1])[:5]
    print(
        "\ngc on the GUI thread:",
        len(gcs),
        "collections; slowest (ms, gen):",
        [(round((e - s) * 1000, 1), g, f"+{s - t_first:.2f}s") for s, e, g in slow],
    )
    print(
        f"gc thresholds {gc.get_threshold()}, counts {gc.get_count()}, "
        f"objects tracked {len(gc.get_objects())}"
    )
    slots.report()
    if notify:
        print("\nGUI-thread CPU per event delivered (own ms, less nested events), top 30:")
        for key, ms in events.total.most_common(30):
            print(f"  {ms:8.1f} total {events.worst[key]:6.1f} max {events.count[key]:6d} x  {key}")
    if not profile:
        return
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative")
    print("\ncProfile of the GUI thread, by cumulative time (project code):")
    stats.print_stats(r"(gui|core)/", 40)
    stats.sort_stats("tottime")
    print("\ncProfile of the GUI thread, by own time:")
    stats.print_stats(25)


if __name__ == "__main__":
    main()
