"""The window's demo beside a console of the fund that already decides: it answers that fund."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from core.clock import SystemClock
from core.config import DB_NAME
from core.service import ConsoleCore
from gui.app import demo_application
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.broker import BROKER_URL, broker_available, delete_fund_queues
from tests.helpers.factories import a_form
from tests.helpers.qt import run_coro

pytestmark = pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")


def application_names(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / DB_NAME) as c:
        return [r[0] for r in c.execute("SELECT name FROM application ORDER BY created_at")]


def start_pair(qtbot, tmp_path: Path, fund: str) -> tuple[ConsoleCore, ConsoleCore, Bridge]:
    """Console A decides for the fund; console B, a window new to the fund, has started."""
    a = ConsoleCore(tmp_path / "A", fund, BROKER_URL, console_name="A")
    run_coro(qtbot, a.start())
    qtbot.waitUntil(lambda: bool(a.replication and a.replication.deciding), timeout=30_000)
    b = ConsoleCore(tmp_path / "B", fund, BROKER_URL, console_name="B")
    bridge = Bridge(b)
    window = MainWindow(
        bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    run_coro(qtbot, b.start())
    return a, b, bridge


def stop_pair(qtbot, a: ConsoleCore, b: ConsoleCore, bridge: Bridge, fund: str) -> None:
    bridge.shutdown()
    run_coro(qtbot, b.stop())
    run_coro(qtbot, a.stop())
    run_coro(qtbot, delete_fund_queues(fund))


def test_the_demo_answers_the_open_application_of_the_console_that_decides(qtbot, qloop, tmp_path):
    """A decides and has an open application; B's demo picks that one (as the log brings it)
    and makes none of its own, which A's decisions would undo."""
    fund = f"t{uuid.uuid4().hex[:8]}"
    a, b, bridge = start_pair(qtbot, tmp_path, fund)
    try:
        form = a_form(SystemClock(), name="Food bank", spots=4, policy="auto")
        app = run_coro(qtbot, a.writer.call(a.engine.create_application, form))
        chosen = run_coro(qtbot, demo_application(bridge, asyncio.Event()), timeout=40_000)
        assert chosen == app
        qtbot.waitUntil(lambda: application_names(tmp_path / "B") == ["Food bank"])
        assert application_names(tmp_path / "A") == ["Food bank"]
        assert b.replication is not None and not b.replication.deciding
    finally:
        stop_pair(qtbot, a, b, bridge, fund)


def test_with_no_open_application_the_demo_asks_the_console_that_decides_for_one(
    qtbot, qloop, tmp_path
):
    """The fund has nothing open: B's demo application is made by A (a command) and B's
    volunteers answer it once the log brings it to B."""
    fund = f"t{uuid.uuid4().hex[:8]}"
    a, b, bridge = start_pair(qtbot, tmp_path, fund)
    try:
        chosen = run_coro(qtbot, demo_application(bridge, asyncio.Event()), timeout=60_000)
        assert chosen is not None
        made = [s for s in a.queries.summaries() if s.id == chosen]
        assert [(s.name, s.status) for s in made] == [("Park clean-up", "open")]
        qtbot.waitUntil(lambda: application_names(tmp_path / "B") == ["Park clean-up"])
    finally:
        stop_pair(qtbot, a, b, bridge, fund)


def test_with_the_broker_out_of_reach_the_demo_makes_its_application_here(qtbot, qloop, tmp_path):
    """No broker: nothing to wait for (no other console can be learned of); the demo's
    application is made at once, by this console."""
    core = ConsoleCore(tmp_path / "B", "t0demo", "amqp://guest:guest@127.0.0.1:1/")
    bridge = Bridge(core)
    window = MainWindow(
        bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    try:
        run_coro(qtbot, core.start())
        # well inside the 15 s the demo waits for a broker that answers
        chosen = run_coro(qtbot, demo_application(bridge, asyncio.Event()), timeout=8_000)
        assert [s.id for s in bridge.queries.summaries()] == [chosen]
        assert application_names(tmp_path / "B") == ["Park clean-up"]
    finally:
        bridge.shutdown()
        run_coro(qtbot, core.stop())
