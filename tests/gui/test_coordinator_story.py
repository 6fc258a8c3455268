"""A coordinator's day through the real window, keyboard only, volunteers on the real broker.

Every step is a key press or a typed text sent where the keyboard focus is (QTest), the way a
coordinator drives the window; questions are answered with the keyboard in the real message
boxes. Volunteers answer over RabbitMQ through the fund's own queues.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.clock import local_now
from core.service import ConsoleCore
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.broker import BROKER_URL, VolunteerClient, broker_available, delete_fund_queues
from tests.helpers.factories import unique_fund
from tests.helpers.qt import run_coro

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on localhost:5672"),
]


class Keyboard:
    """Keys go where the focus is, as they do for a person at the keyboard."""

    def __init__(self, qtbot, window: QWidget) -> None:
        self.qtbot = qtbot
        self.window = window
        self.questions: list[str] = []

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        if widget is None:
            # offscreen there is no window manager to hand the focus back when a dialog closes
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)
            widget = QApplication.focusWidget() or self.window
        return widget

    def type(self, text: str) -> None:
        QTest.keyClicks(self.focus(), text)

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        QTest.keyClick(self.focus(), key, modifier)

    def chord(self, sequence: str) -> None:
        QTest.keySequence(self.focus(), QKeySequence(sequence))

    def answer_next_question(self, key: Qt.Key) -> None:
        """The next message box (modal, it runs its own loop) gets this key when it shows."""

        def poll() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox) and box.isVisible():
                self.questions.append(box.text())
                QTest.keyClick(box, key)
            else:
                QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)


@pytest.fixture
def day(qtbot, qloop, tmp_path: Path):
    fund = unique_fund()
    core = ConsoleCore(tmp_path / "data", fund, BROKER_URL)
    bridge = Bridge(core)
    window = MainWindow(
        bridge, qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    volunteers = VolunteerClient(fund)
    run_coro(qtbot, core.start())
    run_coro(qtbot, volunteers.start())
    qtbot.waitUntil(lambda: core.transport.status.state == "connected", timeout=20_000)
    yield core, window, volunteers
    bridge.shutdown()
    run_coro(qtbot, volunteers.close())
    run_coro(qtbot, core.stop())
    run_coro(qtbot, delete_fund_queues(fund))


def test_a_coordinators_day_with_the_keyboard_only(qtbot, day):
    core, w, vols = day
    keys = Keyboard(qtbot, w)
    detail = w.detail

    def roster() -> list[str]:
        return [r.volunteer_id for r in detail.roster_model.rows()]

    def waitlist() -> list[str]:
        return [r.volunteer_id for r in detail.waitlist_model.rows()]

    # -- a new application, typed field by field, saved as a draft (Alt+D) ---------------------
    keys.chord("Ctrl+N")
    dlg = w.dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.name)
    keys.type("Park clean-up")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Litter picking along the pond")
    keys.press(Qt.Key.Key_Tab)  # Tab leaves the description, it types no tab
    assert QApplication.focusWidget() is dlg.date
    day_after = local_now(core.clock).date() + timedelta(days=2)
    keys.type(day_after.strftime("%Y-%m-%d"))
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.start
    keys.type("14:00")
    keys.press(Qt.Key.Key_Tab)
    keys.type("18:30")
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.spots
    QTest.keyClick(dlg.spots, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("2")
    assert {k: v.text() for k, v in dlg.errors.items() if v.text()} == {}
    keys.press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # Save as &draft
    qtbot.waitUntil(lambda: not dlg.isVisible())
    app_id = dlg.saved_id
    assert app_id is not None
    s = core.queries.summary(app_id)
    assert (s.name, s.description, s.date, str(s.start), str(s.end), s.capacity, s.status) == (
        "Park clean-up",
        "Litter picking along the pond",
        day_after,
        "14:00:00",
        "18:30:00",
        2,
        "draft",
    )
    assert w.current_app_id() == app_id

    # -- publish from the Application menu: Alt+A, U, and Y to the question --------------------
    keys.answer_next_question(Qt.Key.Key_Y)
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    QTest.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_U)
    qtbot.waitUntil(lambda: core.queries.summary(app_id).status == "open")
    assert keys.questions[-1].startswith("Publish «Park clean-up»?")
    qtbot.waitUntil(lambda: bool(vols.of_action("create_volunteer_application")), timeout=15_000)

    # -- volunteers answer over the broker -----------------------------------------------------
    for v in (101, 102, 103, 104):
        run_coro(qtbot, vols.respond(int(app_id), v, "accepted"))
    qtbot.waitUntil(
        lambda: roster() == ["101", "102"] and waitlist() == ["103", "104"], timeout=15_000
    )

    # -- Del on the first of the roster, confirmed with Y --------------------------------------
    keys.press(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Roster
    assert QApplication.focusWidget() is detail.roster_view
    keys.press(Qt.Key.Key_Home)
    keys.press(Qt.Key.Key_Space)
    assert detail.selected_roster_volunteer() == "101"
    keys.answer_next_question(Qt.Key.Key_Y)
    keys.press(Qt.Key.Key_Delete)
    assert keys.questions[-1].startswith("Remove 101 from «Park clean-up»?")
    qtbot.waitUntil(lambda: roster() == ["102"])
    assert detail.selected_roster_volunteer() is None  # the next Del would hit nobody
    qtbot.waitUntil(lambda: vols.to(101) == ["записан", "исключён"], timeout=15_000)
    # the freed spot is offered to the whole waitlist
    qtbot.waitUntil(lambda: detail.offers_model.rowCount() == 2)

    # -- promote the second in line with Ctrl+P ------------------------------------------------
    keys.press(Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Wait&list
    assert QApplication.focusWidget() is detail.waitlist_view
    keys.press(Qt.Key.Key_Home)
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Space)
    assert detail.selected_waiting_volunteer() == "104"
    keys.answer_next_question(Qt.Key.Key_Y)
    keys.chord("Ctrl+P")
    assert keys.questions[-1].startswith("Sign up 104 for «Park clean-up» now?")
    qtbot.waitUntil(lambda: roster() == ["102", "104"] and waitlist() == ["103"])
    qtbot.waitUntil(lambda: vols.to(104)[-1:] == ["записан"], timeout=15_000)
    qtbot.waitUntil(lambda: vols.to(103)[-1:] == ["не выбрал"], timeout=15_000)

    # -- capacity: Ctrl+K, 1 is refused in the dialog, 3 is asked about and applied ------------
    keys.chord("Ctrl+K")
    cap = w.capacity_dialog
    assert cap is not None and cap.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is cap.spots)
    QTest.keyClick(cap.spots, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("1")
    keys.press(Qt.Key.Key_Return)
    assert cap.isVisible() and "2 volunteers are signed up" in cap.error.text()
    QTest.keyClick(cap.spots, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("3")
    keys.answer_next_question(Qt.Key.Key_Y)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: core.queries.summary(app_id).capacity == 3)
    assert keys.questions[-1].startswith("Raise «Park clean-up» from 2 to 3 spots?")
    qtbot.waitUntil(lambda: vols.to(103)[-1:] == ["место доступно"], timeout=15_000)

    # -- close from the menu: Alt+A, L; the question names the open offer ----------------------
    keys.answer_next_question(Qt.Key.Key_Y)
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    QTest.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_L)
    qtbot.waitUntil(lambda: core.queries.summary(app_id).status == "closed")
    assert "The 1 open offer" in keys.questions[-1]
    qtbot.waitUntil(lambda: vols.to(103)[-1:] == ["не выбрал"], timeout=15_000)
    qtbot.waitUntil(lambda: w.backlog_value == 0, timeout=15_000)
    assert w.statusBar().currentMessage() == "Closed"
    assert len(keys.questions) == 5
