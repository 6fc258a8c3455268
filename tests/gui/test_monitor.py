"""The queue monitor: keyed updates of queue figures, the offline note, the real broker's queues."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.broker import BrokerStatus, QueueStats
from gui.bridge import Bridge
from gui.log_models import QueueStatsModel
from gui.monitor import QueueMonitor
from tests.helpers.broker import BROKER_URL, broker_available, delete_fund_queues
from tests.helpers.factories import unique_fund
from tests.helpers.qt import run_coro


def stats(messages: int = 0, consumers: int = 1, dead: int = 0) -> list[QueueStats]:
    return [
        QueueStats("q.responses", "responses", messages, consumers, 1.5, 2.0),
        QueueStats("q.waiting", "waiting", 0, consumers, 0.0, 0.0),
        QueueStats("q.dead_letters", "dead_letters", dead, 0, 0.0, 0.0),
    ]


def test_queue_figures_change_in_place_by_queue_name(qtmodeltester):
    model = QueueStatsModel()
    model.set_stats(stats())
    qtmodeltester.check(model)
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b, _roles=(): changed.append((a.row(), b.row())))

    model.set_stats(stats(messages=7, dead=2))

    assert resets == []
    assert changed == [(0, 0), (2, 2)]  # the waiting queue did not change: no signal for it
    assert model.data(model.index(0, 2)) == "7"
    assert model.data(model.index(0, 4)) == "1.5"
    assert model.data(model.index(2, 0)) == "Dead letters"
    assert model.data(model.index(2, 2), Qt.ItemDataRole.ForegroundRole) is not None
    qtmodeltester.check(model)


def test_a_queue_that_disappears_is_removed_and_a_new_one_inserted(qtmodeltester):
    model = QueueStatsModel()
    model.set_stats(stats())
    model.set_stats([*stats()[:2], QueueStats("q.other", "dead_letters", 1, 0, 0.0, 0.0)])
    assert [model.row_at(r).name for r in range(model.rowCount())] == [
        "q.responses",
        "q.waiting",
        "q.other",
    ]
    qtmodeltester.check(model)


def test_without_a_broker_the_monitor_says_it_is_offline(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    monitor = QueueMonitor(bridge)
    qtbot.addWidget(monitor)
    run_coro(qtbot, monitor.refresh())
    assert monitor.model.rowCount() == 0
    assert not monitor.note.isHidden()
    assert "Offline" in monitor.note.text()
    monitor.stop()
    bridge.shutdown()


def test_a_connected_status_without_figures_is_not_called_offline(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    monitor = QueueMonitor(bridge)
    qtbot.addWidget(monitor)
    bridge.broker_status_changed.emit(
        BrokerStatus("connected", 0, "connected", local_core.engine.clock.now())
    )
    assert "Offline" not in monitor.note.text()
    assert not monitor.note.isHidden()
    monitor.stop()
    bridge.shutdown()


@pytest.mark.broker
@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on localhost")
def test_the_monitor_polls_the_funds_three_queues_on_the_real_broker(qtbot, qloop, tmp_path):
    from core.service import ConsoleCore

    fund = unique_fund()
    core = ConsoleCore(tmp_path, fund, BROKER_URL)
    bridge = Bridge(core)
    monitor = QueueMonitor(bridge)
    qtbot.addWidget(monitor)
    try:
        run_coro(qtbot, core.start())
        qtbot.waitUntil(lambda: core.transport.status.state == "connected", timeout=20_000)
        polls: list[int] = []
        monitor.refreshed.connect(lambda: polls.append(1))
        monitor.timer.setInterval(50)  # the timer itself must keep polling, not only refresh()
        qtbot.waitUntil(lambda: len(polls) >= 2 and monitor.model.rowCount() == 3, timeout=20_000)
        rows = {monitor.model.row_at(r).role: monitor.model.row_at(r) for r in range(3)}
        assert set(rows) == {"responses", "waiting", "dead_letters"}
        assert rows["responses"].name == f"volunteer_console.fund.{fund}.responses"
        assert rows["responses"].consumers >= 1
        assert monitor.note.isHidden()
    finally:
        monitor.stop()
        bridge.shutdown()
        run_coro(qtbot, core.stop())
        run_coro(qtbot, delete_fund_queues(fund))
