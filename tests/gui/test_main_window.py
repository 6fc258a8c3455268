"""The main window on the real broker: dialog, live responses, offer rounds, actions, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from core.service import ConsoleCore
from gui.bridge import Bridge
from gui.main_window import MainWindow, broker_address
from tests.helpers.broker import (
    BROKER_URL,
    TcpProxy,
    broker_available,
)
from tests.helpers.factories import a_form, response, unique_fund
from tests.helpers.qt import run_coro, settled, show_an_open_round
from tests.helpers.window import Console

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on localhost:5672"),
]


def test_an_application_created_through_the_dialog_is_listed_and_announced(console):
    dlg = console.window.new_application()
    dlg.name.setText("Park clean-up")
    dlg.spots.setValue(5)
    console.qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    console.wait(lambda: dlg.saved_id is not None)
    app_id = dlg.saved_id
    console.wait(lambda: console.window.apps_model.row_of(app_id) >= 0)
    assert console.window.current_app_id() == app_id
    assert console.detail.title.text() == "Park clean-up"
    console.wait(lambda: bool(console.volunteers.of_action("create_volunteer_application")))
    [announced] = console.volunteers.of_action("create_volunteer_application")
    assert str(announced["data"]["volunteer_application_id"]) == app_id
    assert announced["data"]["available_spots"] == 5
    console.wait(lambda: console.window.backlog_value == 0)


def test_responses_fill_roster_and_waitlist_and_a_withdrawal_opens_an_offer_round(console):
    app_id = console.create(a_form(console.core.clock, spots=2))
    console.window.select_application(app_id)
    for v in (1, 2, 3, 4):
        console.respond(app_id, v)
    console.wait(lambda: console.roster() == ["1", "2"] and console.waitlist() == ["3", "4"])
    assert console.detail.count_labels["signed"].text() == "2/2"
    assert console.detail.countdown.text() == ""

    console.respond(app_id, 1, "declined")
    console.wait(lambda: console.detail.offers_model.rowCount() == 2)
    assert console.roster() == ["2"]
    assert console.detail.countdown.text().startswith("Closes in ")
    assert console.detail.timer.isActive()
    assert [console.detail.waitlist_model.index(i, 3).data() for i in (0, 1)] == [
        "offered",
        "offered",
    ]
    console.wait(lambda: len(console.volunteers.of_action("notify_free_spot")) == 1)

    console.respond(app_id, 4)  # the second in line claims first: first come, first served
    console.wait(lambda: console.roster() == ["2", "4"])
    assert console.waitlist() == ["3"]
    assert console.detail.round_label.text() == "No offer round is open."
    console.wait(lambda: console.volunteers.to(3)[-1:] == ["не выбрал"])
    assert console.volunteers.to(4) == ["место доступно", "записан"]
    feed = [(r.kind, r.volunteer_id) for r in console.detail.activity_model.rows()]
    assert ("round_opened", None) in feed
    assert feed[:3] == [("round_closed", None), ("not_selected", "3"), ("claimed", "4")]


def test_each_coordinator_action_changes_the_view_and_sends_its_messages(console):
    w, vols = console.window, console.volunteers
    app_id = console.create(a_form(console.core.clock, spots=2))
    w.select_application(app_id)
    for v in (1, 2, 3):
        console.respond(app_id, v)
    console.wait(lambda: console.waitlist() == ["3"])

    assert console.done(
        w.change_capacity(3)
    )  # raising frees a spot: an offer round for the waitlist
    console.wait(lambda: console.detail.count_labels["held"].text() == "1")
    assert console.done(w.promote("3"))
    assert console.roster() == ["1", "2", "3"]
    console.wait(lambda: vols.to(3) == ["место доступно", "записан"])

    assert console.done(w.remove_volunteer("2"))
    assert console.roster() == ["1", "3"]
    console.wait(lambda: vols.to(2) == ["записан", "исключён"])

    assert not console.done(w.change_capacity(1))  # refused: two signed up
    assert "2 volunteers are signed up" in console.alerts[-1]
    assert console.done(w.change_capacity(2))
    assert console.detail.count_labels["signed"].text() == "2/2"

    assert console.done(w.close_application())
    assert w.apps_model.index(w.apps_model.row_of(app_id), 6).data() == "closed"
    assert w.act_reopen.isEnabled() and not w.act_close.isEnabled()
    console.respond(app_id, 9)
    console.wait(lambda: vols.to(9) == ["заявка закрыта"])
    assert console.done(w.reopen())
    assert w.act_close.isEnabled()

    assert console.done(w.cancel_application())
    assert console.detail.detail.summary.status == "cancelled"
    assert not w.act_edit.isEnabled()
    console.wait(lambda: bool(vols.of_action("cancel_volunteer_application")))
    console.wait(lambda: vols.to(1)[-1:] == ["заявка отменена"])
    updates = vols.of_action("update_volunteer_application")
    assert len(updates) >= 4  # capacity up, capacity down, closed, reopened
    assert console.confirmations == [
        "Raise capacity",
        "Promote volunteer",
        "Remove volunteer",
        "Lower capacity",  # to 2; lowering to 1 was refused before asking
        "Close application",
        "Reopen application",
        "Cancel application",
    ]


def test_a_refused_confirmation_changes_nothing(console):
    console.window.confirm = lambda *_: False
    app_id = console.create(a_form(console.core.clock, spots=2))
    console.window.select_application(app_id)
    assert console.window.cancel_application() is None
    assert console.core.queries.summary(app_id).status == "open"


def test_offline_the_window_says_so_actions_still_work_and_the_backlog_drains_later(
    qtbot, qloop, tmp_path
):
    proxy = TcpProxy()
    run_coro(qtbot, proxy.reserve())  # a port with nothing listening: the broker is "down"
    c = Console(qtbot, tmp_path, url=proxy.url)
    try:
        c.start(client=False)
        c.wait(lambda: c.window.broker_state == "offline")
        label = c.window.broker_label.text()
        address = proxy.url.split("@")[1].rstrip("/")
        assert label == (
            f"Offline: cannot reach {address} (connection refused); retrying — changes are kept"
        )
        assert "red" not in c.window.broker_label.styleSheet()

        app_id = c.create(a_form(c.core.clock, spots=3))
        c.window.select_application(app_id)
        assert c.done(c.window.change_capacity(4))
        c.wait(lambda: c.window.backlog_value == 2)
        assert c.window.backlog_label.text() == "2 message(s) waiting to be sent"

        run_coro(qtbot, c.volunteers.start())
        run_coro(qtbot, proxy.open())
        c.wait(lambda: c.window.broker_state == "connected", timeout=40_000)
        c.wait(lambda: c.window.backlog_value == 0)
        assert c.window.backlog_label.text() == "All messages sent"
        c.wait(lambda: len(c.volunteers.announcements) == 2)
        assert [a["action"] for a in c.volunteers.announcements] == [
            "create_volunteer_application",
            "update_volunteer_application",
        ]
    finally:
        c.stop()
        run_coro(qtbot, proxy.close())


def test_window_geometry_is_remembered(qtbot, qloop, tmp_path, local_core):
    ini = str(tmp_path / "window.ini")
    bridge = Bridge(local_core)
    w = MainWindow(bridge, qsettings=QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    w.resize(760, 560)  # inside the offscreen screen, which restoreGeometry clamps to
    w.splitter.setSizes([300, 460])
    qtbot.wait(10)
    size, left = (w.width(), w.height()), w.splitter.sizes()[0]
    w.close()
    again = MainWindow(bridge, qsettings=QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == size == (760, 560)
    assert again.splitter.sizes()[0] == left
    bridge.shutdown()


def test_every_window_model_passes_the_model_tester_with_live_data(
    qtmodeltester, qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    ini = QSettings(str(Path(local_core.data_dir) / "w.ini"), QSettings.Format.IniFormat)
    w = MainWindow(bridge, qsettings=ini)
    qtbot.addWidget(w)
    show_an_open_round(qtbot, w, local_core.engine, clock)
    d = w.detail
    assert d.offers_model.rowCount() == 2 and d.activity_model.rowCount() > 0
    models = (w.apps_model, w.proxy, d.roster_model, d.waitlist_model, d.offers_model)
    for model in (*models, d.activity_model):
        qtmodeltester.check(model)
    bridge.shutdown()


def test_an_offline_status_names_each_node_of_a_cluster() -> None:
    nodes = "amqp://u:secret@rabbit1/fund,amqps://rabbit2/fund"
    assert broker_address(nodes) == "rabbit1:5672, rabbit2:5671"


def test_a_window_following_another_console_says_so_and_its_action_is_decided_there(
    qtbot, qloop, tmp_path
):
    """The fund's server decides; the coordinator's window follows it, says so in the status
    bar, and a capacity change made there is sent, decided by the server and shown."""
    fund = unique_fund()
    server = ConsoleCore(tmp_path / "server", fund, BROKER_URL, console_name="Server")
    run_coro(qtbot, server.start())
    assert server.replication is not None
    qtbot.waitUntil(
        lambda: server.replication.deciding and server.transport.status.state == "connected",
        timeout=20_000,
    )
    c = Console(qtbot, tmp_path, fund=fund)
    try:
        c.start(client=False)
        c.wait(lambda: c.window.role_label.text() == "Following Server")
        app = server.writer.run(server.engine.create_application, a_form(server.clock, spots=3))
        c.wait(lambda: c.core.queries.summary(app) is not None)
        result = settled(qtbot, c.bridge.set_capacity(app, 7))
        assert result.ok and result.pending is not None
        c.wait(lambda: c.window.statusBar().currentMessage() == "Done by the deciding console")
        assert server.engine.state(app).capacity == 7
        c.wait(lambda: c.core.queries.summary(app).capacity == 7)
        assert "waiting" not in c.window.role_label.text()
    finally:
        c.stop()
        run_coro(qtbot, server.stop())


def test_switching_to_a_long_waitlist_and_a_change_to_it_read_the_rows_shown_not_all(
    desk, monkeypatch
):
    """A long waitlist costs what is painted: the window's actions ask the roster who has not
    confirmed (they read every waitlist row, on each switch and each flush, at 50,000 rows
    35 s per switch)."""
    from gui.models import WaitlistModel

    engine = desk.core.engine
    app_id = desk.app(spots=1, volunteers="r")
    engine.handle([response("123", app_id, f"w{i}") for i in range(3 * WaitlistModel.PAGE)])
    desk.window.select_application(desk.app(spots=1))
    q = desk.bridge.queries
    read: list[int] = []
    real = q.waitlist_rows
    monkeypatch.setattr(
        q, "waitlist_rows", lambda a, r, ids: read.append(len(ids)) or real(a, r, ids)
    )
    monkeypatch.setattr(q, "waitlist", lambda *a, **k: pytest.fail("read the whole waitlist"))
    desk.window.select_application(app_id)
    desk.window.detail.repaint()
    engine.handle([response("123", app_id, "late")])
    desk.bridge.flush()
    desk.window.detail.repaint()
    assert desk.window.detail.waitlist_model.rowCount() == 3 * WaitlistModel.PAGE + 1
    assert 0 < sum(read) <= WaitlistModel.PAGE + 3  # the page painted, a row or two placed
