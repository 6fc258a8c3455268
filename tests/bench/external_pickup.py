"""How soon the open window shows what another process committed (the CLI beside it).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.external_pickup [--runs 10]

Opens the real window over a console core without a broker, then changes the capacity from
another connection to the same file (as the CLI does) and measures the time from that commit
to the detail pane showing it; then the real `app capacity ID N` in its own process, from its
start. Baseline in the same run: a change the window's own engine committed (op + one flush).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import time as wall
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from core.clock import local_now
from core.config import db_path
from core.engine import ApplicationForm, Engine
from core.service import ConsoleCore
from core.storage import Store
from gui.bridge import Bridge
from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


async def until(check, timeout: float = 10.0) -> float:
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the window never showed it")
        await asyncio.sleep(0.005)
    return time.perf_counter() - start


async def stage(runs: int) -> None:
    data = Path(tempfile.mkdtemp())
    fund = "pickup"
    core = ConsoleCore(data, fund, "amqp://guest:guest@127.0.0.1:9/")  # no broker needed
    bridge = Bridge(core)
    window = MainWindow(
        bridge, qsettings=QSettings(str(data / "w.ini"), QSettings.Format.IniFormat)
    )
    window.show()
    day = local_now(core.clock).date() + timedelta(days=1)
    form = ApplicationForm("Pickup", day, wall(10), wall(12), 5)
    result = await bridge.create_application(form)
    app_id = str(result.value)
    window.select_application(app_id)
    labels = window.detail.count_labels

    own: list[float] = []
    for n in range(runs):
        capacity = 6 + n
        start = time.perf_counter()
        await bridge.set_capacity(app_id, capacity)
        own.append(time.perf_counter() - start + await until(
            lambda c=capacity: labels["signed"].text() == f"0/{c}"
        ))  # fmt: skip

    # Another connection to the same file, as the CLI opens one: the time from its commit
    # returning to the window showing it. Its own thread, so the window's loop keeps running.
    other_engine = Engine(Store(db_path(data)), fund)
    other: list[float] = []
    for n in range(runs):
        capacity = 100 + n
        await asyncio.to_thread(other_engine.set_capacity, app_id, capacity)
        other.append(await until(lambda c=capacity: labels["signed"].text() == f"0/{c}"))
    other_engine.store.close()

    # And the real CLI in its own process, from its start (process start-up included).
    cli: list[float] = []
    for n in range(min(runs, 5)):
        capacity = 200 + n
        command = [sys.executable, "main.py", "--data-dir", str(data), "--fund-id", fund]
        command += ["app", "capacity", app_id, str(capacity)]
        start = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdout=subprocess.DEVNULL)
        await until(lambda c=capacity: labels["signed"].text() == f"0/{c}", timeout=30)
        cli.append(time.perf_counter() - start)
        assert await proc.wait() == 0

    def line(name: str, xs: list[float]) -> str:
        ms = sorted(x * 1000 for x in xs)
        return f"{name}: p50 {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms over {len(ms)}"

    print(line("own commit -> window (baseline)", own))
    print(line("another connection's commit -> window", other))
    print(line("`app capacity` started -> window (CLI start-up included)", cli))
    print(f"ratio p50 other/own: {statistics.median(other) / statistics.median(own):.1f}")
    bridge.shutdown()
    window.close()
    await core.stop()


def main() -> int:
    import qasync

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(stage(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
