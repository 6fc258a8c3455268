"""Ctrl+Z in the real window: the last action is put back while nothing it said has left."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest

from core.clock import SystemClock
from core.directory import Volunteer, save_many
from core.engine import ActionRefused
from core.kinds import RefusalKind
from core.service import ConsoleCore
from gui import i18n
from gui.app_dialog import CapacityDialog
from gui.display import refusal_text
from tests.helpers.broker import BROKER_URL, TcpProxy, broker_available, delete_fund_queues
from tests.helpers.desk import Desk
from tests.helpers.factories import a_form, unique_fund
from tests.helpers.qt import created, run_coro, settled


def raise_capacity(desk: Desk, to: int) -> None:
    desk.chord("Ctrl+K")
    dlg = desk.window.capacity_dialog
    assert isinstance(dlg, CapacityDialog)
    dlg.spots.selectAll()
    QTest.keyClicks(dlg.spots, str(to))
    QTest.keyClick(dlg.spots, Qt.Key.Key_Return)


def test_a_capacity_change_not_yet_sent_is_undone_with_ctrl_z(desk):
    app_id = desk.app(spots=1, volunteers="v1 w1 w2", name="Food bank")
    undo = desk.window.hand.act_undo
    assert undo.text() == "&Undo new application (Food bank)"  # Desk.app created it here
    backlog = desk.core.queries.backlog()
    raise_capacity(desk, 2)
    desk.status_says("Capacity of «Food bank» is now 2")
    assert desk.window.detail.round is not None  # the new spot is offered to w1 and w2
    assert undo.text() == "&Undo capacity change (Food bank)" and undo.isEnabled()

    desk.chord("Ctrl+Z")
    desk.status_says("Undone: capacity change")
    s = desk.core.queries.summary(app_id)
    assert (s.capacity, s.signed, s.waiting, s.held) == (1, 1, 2, 0)
    assert desk.window.detail.round is None
    assert desk.core.queries.backlog() == backlog  # the offers were never sent
    model = desk.window.detail.activity_model
    assert model.index(0, model.WHAT).data() == "undone by the coordinator: capacity change"
    assert (undo.text(), undo.isEnabled()) == ("&Undo", False)  # once


def test_undo_is_refused_once_the_relay_sent_the_message(desk):
    app_id = desk.app(spots=1, volunteers="v1 w1", name="Food bank")
    raise_capacity(desk, 2)
    desk.status_says("Capacity of «Food bank» is now 2")
    desk.relay_sent_all()
    desk.chord("Ctrl+Z")
    desk.qtbot.waitUntil(lambda: bool(desk.alerts))
    assert desk.alerts == [refusal_text("undo_sent", {})]
    assert desk.alerts[0].startswith("Cannot undo: what it told volunteers has already been sent")
    assert desk.core.queries.summary(app_id).capacity == 2
    assert not desk.window.hand.act_undo.isEnabled()


def test_a_later_action_that_cannot_be_undone_takes_the_undo_away(desk):
    app_id = desk.app(spots=3, name="Food bank")
    raise_capacity(desk, 4)
    desk.status_says("Capacity of «Food bank» is now 4")
    assert desk.window.hand.act_undo.isEnabled()
    # a directory edit is the last action now: Ctrl+Z puts the old name back, not the capacity
    desk.core.writer.run(lambda: save_many(desk.core.store, [Volunteer("789", "Anna")]))
    dlg = desk.window.paper.open_directory()
    dlg.id_edit.setText("789")
    dlg.name_edit.setText("Anna Petrova")
    assert dlg.save()
    desk.qtbot.waitUntil(
        lambda: desk.core.queries.volunteers(["789"])["789"].name == "Anna Petrova"
    )
    undo = desk.window.hand.act_undo
    desk.qtbot.waitUntil(lambda: undo.text() == "&Undo volunteers directory change (789)")
    dlg.close()
    desk.chord("Ctrl+Z")
    desk.status_says("Undone: volunteers directory change")
    assert desk.core.queries.volunteers(["789"])["789"].name == "Anna"
    assert desk.core.queries.summary(app_id).capacity == 4


def test_the_undo_item_and_its_refusal_are_in_russian(desk, qapp):
    locale = QLocale()
    i18n.install_translator(qapp, "ru")
    try:
        desk.app(spots=1, volunteers="v1 w1", name="Food bank")
        raise_capacity(desk, 2)
        undo = desk.window.hand.act_undo
        desk.qtbot.waitUntil(lambda: undo.text() == "&Отменить: изменение числа мест (Food bank)")
        desk.relay_sent_all()
        desk.chord("Ctrl+Z")
        desk.qtbot.waitUntil(lambda: bool(desk.alerts))
        assert desk.alerts[0].startswith("Отменить нельзя")
    finally:
        i18n.remove_translators(qapp)
        QLocale.setDefault(locale)


@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on localhost:5672")
def test_once_the_console_follows_another_its_last_action_is_not_undone_here(
    qtbot, qloop, tmp_path
):
    """The window decided alone and edited a draft (it told nobody: Ctrl+Z could take it
    back); cut off from the broker, it lost the lease to the fund's server, and back it
    follows the server. The edit is in the log and the server decides on it now: the Edit
    menu no longer offers it, and an undo that got there first is refused with who decides,
    changing nothing here and sending nothing to the server."""
    fund, clock = unique_fund(), SystemClock()
    proxy = TcpProxy()
    run_coro(qtbot, proxy.reserve())
    run_coro(qtbot, proxy.open())
    core = ConsoleCore(tmp_path / "window", fund, proxy.url, console_name="Desk")
    desk = Desk(qtbot, core, tmp_path)
    replication = core.replication
    assert replication is not None
    server: ConsoleCore | None = None
    try:
        run_coro(qtbot, core.start())
        qtbot.waitUntil(lambda: replication.deciding, timeout=20_000)
        draft = created(
            qtbot, desk.bridge.create_application(a_form(clock, name="Food bank"), publish=False)
        )
        edit = settled(qtbot, desk.bridge.edit_application(draft, a_form(clock, name="Pantry")))
        assert edit.ok and edit.undo is not None
        undo = desk.window.hand.act_undo
        qtbot.waitUntil(lambda: undo.text() == "&Undo edit (Pantry)")
        assert run_coro(qtbot, replication.logged(core.writer.run(replication.mark)))

        run_coro(qtbot, proxy.close())
        server = ConsoleCore(tmp_path / "server", fund, BROKER_URL, console_name="Server")
        run_coro(qtbot, server.start())
        assert server.replication is not None
        qtbot.waitUntil(lambda: server.replication.deciding, timeout=30_000)
        assert server.queries.summary(draft).name == "Pantry"
        run_coro(qtbot, proxy.open())
        qtbot.waitUntil(
            lambda: desk.window.role_label.text().startswith("Following Server"), timeout=30_000
        )
        assert (undo.text(), undo.isEnabled()) == ("&Undo", False)

        with pytest.raises(ActionRefused) as refused:
            core.writer.run(core.engine.undo, edit.undo)
        assert refused.value.kind == RefusalKind.UNDO_FOLLOWING
        assert str(refused.value) == (
            "cannot undo: this console follows Server, which decides for the fund now"
        )
        assert refusal_text(refused.value.kind, dict(refused.value.refusal.params)) == (
            "Cannot undo: this console follows Server, which decides for the fund now"
        )
        assert core.queries.summary(draft).name == "Pantry"
        assert replication.status()["pending_commands"] == 0
        assert server.queries.summary(draft).name == "Pantry"
    finally:
        desk.bridge.shutdown()
        run_coro(qtbot, core.stop())
        if server is not None:
            run_coro(qtbot, server.stop())
        run_coro(qtbot, proxy.close())
        run_coro(qtbot, delete_fund_queues(fund))
