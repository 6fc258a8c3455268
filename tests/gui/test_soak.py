"""Soak: over 10,000 responses through the running window (the PySide6 6.12 refcount crash)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QSettings

from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created

RESPONSES = 10_500
APPS = 40


@pytest.mark.slow
def test_ten_thousand_responses_through_the_window_leave_it_alive_and_in_step_with_the_core(
    qtbot, qloop, local_core, clock, tmp_path
):
    bridge = Bridge(local_core)
    ini = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bridge, confirm=lambda *_: True, alert=lambda _m: None, qsettings=ini)
    qtbot.addWidget(window)
    window.show()
    apps = [
        created(qtbot, bridge.create_application(a_form(clock, name=f"Shift {i}", spots=150)))
        for i in range(APPS)
    ]
    window.select_application(apps[0])

    emissions = [0]

    def count(*_args: object) -> None:
        emissions[0] += 1

    d = window.detail
    models = (window.apps_model, window.proxy, d.roster_model, d.waitlist_model, d.offers_model)
    for model in (*models, d.activity_model):
        model.dataChanged.connect(count)
        model.rowsInserted.connect(count)
        model.rowsRemoved.connect(count)
        model.layoutChanged.connect(count)
    signals = (bridge.applications_changed, bridge.activity_added, bridge.messages_logged)
    for signal in (*signals, bridge.spot_freed, bridge.application_filled, bridge.rate_changed):
        signal.connect(count)

    callbacks = [0]

    async def feed() -> None:
        batch = []
        for i in range(RESPONSES):
            app_id = apps[i % APPS]
            vid = f"v{i // APPS}"
            status = "declined" if i % 11 == 10 else "accepted"
            if status == "declined":
                vid = f"v{(i // APPS) - 3}"  # someone who answered earlier withdraws
            batch.append(response("123", app_id, vid, status))
            if len(batch) == 5:
                local_core.engine.handle(batch)
                batch = []
                # Besides the bridge's own 33 ms timer: flush at the commit rate too, so the
                # window takes well over 10,000 signal emissions and model updates.
                bridge.flush()
            if i % 400 == 0:  # the coordinator acts now and then, as a person would
                window.select_application(apps[(i // 400) % APPS])
            await asyncio.sleep(0)  # one qasync callback (a Qt timer) per response
            callbacks[0] += 1
        local_core.engine.handle(batch)

    task = asyncio.ensure_future(feed())
    qtbot.waitUntil(task.done, timeout=240_000)
    task.result()
    bridge.flush()
    qtbot.wait(50)

    assert callbacks[0] == RESPONSES
    assert emissions[0] > 10_000, emissions[0]
    assert sorted(window.apps_model.rows(), key=lambda s: s.id) == sorted(
        local_core.queries.summaries(), key=lambda s: s.id
    )
    shown = local_core.queries.detail(window.current_app_id())
    assert tuple(d.roster_model.rows()) == shown.roster
    assert tuple(d.waitlist_model.rows()) == shown.waitlist
    assert d.count_labels["signed"].text() == f"{shown.summary.signed}/{shown.summary.capacity}"
    total = sum(s.signed + s.waiting for s in local_core.queries.summaries())
    assert total > 8_000
    bridge.shutdown()
