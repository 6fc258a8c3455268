"""The engine's batch on its own thread, alone and beside a busy thread (the GIL's share).

`python -m tests.bench.writer_contention [--batches 300] [--size 5]`: Engine.handle on a
fresh SQLite file, batches of --size responses to one application, timed (wall and the
thread's CPU), with the decision log's capture triggers on and off; then with the triggers
on beside a thread that keeps the GIL busy a fraction of every 10 ms, as the event loop's
thread does under load. The baseline is the first row, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from core.clock import SystemClock
from core.engine import Engine
from core.replication.changes import install_capture
from core.storage import Store
from tests.helpers.factories import a_form, response


def batches(capture: bool, count: int, size: int) -> tuple[float, float, float]:
    """Median wall and CPU ms of a batch, and the captured log bytes a response."""
    with tempfile.TemporaryDirectory(prefix="bench-writer-") as tmp:
        store = Store(Path(tmp) / "console.db")
        if capture:
            install_capture(store.conn)
        engine = Engine(store, "bench", SystemClock())
        app = engine.create_application(a_form(SystemClock(), spots=10_000, policy="auto"))
        walls, cpus = [], []
        for b in range(count):
            batch = [response("bench", app, str(b * size + i)) for i in range(size)]
            wall, cpu = time.perf_counter(), time.thread_time()
            engine.handle(batch)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.thread_time() - cpu)
        logged = 0.0
        if capture:
            (total,) = store.conn.execute(
                "SELECT COALESCE(SUM(LENGTH(row)), 0) FROM replication_change"
            ).fetchone()
            logged = total / (count * size)
        store.close()
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, logged


def beside_busy(duty: float, count: int, size: int) -> tuple[float, float, float]:
    """batches() with a thread running Python for duty of every 10 ms."""
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            while time.perf_counter() - start < duty * 0.01:
                pass
            time.sleep((1 - duty) * 0.01)

    busy = threading.Thread(target=spin, daemon=True)
    busy.start()
    try:
        return batches(True, count, size)
    finally:
        stop.set()
        busy.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--size", type=int, default=5)
    args = parser.parse_args(argv)
    rows = [
        ("capture off (baseline)", batches(False, args.batches, args.size)),
        ("capture on", batches(True, args.batches, args.size)),
        ("capture on, a thread busy 40%", beside_busy(0.4, args.batches, args.size)),
        ("capture on, a thread busy 60%", beside_busy(0.6, args.batches, args.size)),
    ]
    base = rows[0][1][0]
    print(f"Engine.handle, batches of {args.size}, median of {args.batches}")
    print(f"{'what':32} {'wall':>9} {'cpu':>9} {'x base':>7} {'log B/resp':>10}")
    for what, (wall, cpu, logged) in rows:
        per = f"{logged:10.0f}" if logged else f"{'-':>10}"
        print(f"{what:32} {wall:7.2f}ms {cpu:7.2f}ms {wall / base:6.2f}x {per}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
