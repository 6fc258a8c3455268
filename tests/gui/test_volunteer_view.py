"""A volunteer's history across applications: every decision about them, named and dated."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from gui.bridge import Bridge
from gui.main_window import MainWindow
from gui.volunteer_view import VolunteerHistoryDialog, VolunteerHistoryModel
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created


def test_the_history_names_each_application_and_says_what_happened_newest_first(
    qtbot, qloop, local_core, clock, qtmodeltester
):
    bridge = Bridge(local_core)
    engine = local_core.engine
    park = created(qtbot, bridge.create_application(a_form(clock, name="Park clean-up", spots=1)))
    food = created(qtbot, bridge.create_application(a_form(clock, name="Food bank", spots=1)))
    engine.handle([response("123", park, "7")])
    clock.advance(60)
    engine.handle([response("123", food, "1"), response("123", food, "7")])  # 7 waits
    clock.advance(60)
    engine.handle([response("123", park, "7", "declined")])
    dlg = VolunteerHistoryDialog(bridge, "7")
    qtbot.addWidget(dlg)
    dlg.show()
    m = dlg.model
    qtmodeltester.check(m)
    shown = [
        (m.index(i, m.APPLICATION).data(), m.index(i, m.WHAT).data()) for i in range(m.rowCount())
    ]
    assert [app for app, _ in shown] == ["Park clean-up", "Food bank", "Park clean-up"]
    assert [r.kind for r in m.rows()] == ["withdrew", "waitlisted", "signed_up"]
    assert dlg.summary.text() == "7: 3 decision(s) on 2 application(s), newest first."

    dlg.volunteer.clear()
    qtbot.keyClicks(dlg.volunteer, "404")
    qtbot.keyClick(dlg.volunteer, Qt.Key.Key_Return)  # looks up; does not close the dialog
    assert m.rowCount() == 0 and dlg.isVisible()
    assert dlg.summary.text() == "No decision about 404 in this fund."
    qtmodeltester.check(m)
    assert isinstance(m, VolunteerHistoryModel)
    bridge.shutdown()


def test_ctrl_h_opens_the_history_of_the_selected_volunteer(qtbot, qloop, local_core, clock):
    bridge = Bridge(local_core)
    ini = QSettings(str(Path(local_core.data_dir) / "w.ini"), QSettings.Format.IniFormat)
    w = MainWindow(bridge, qsettings=ini)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    app_id = created(qtbot, bridge.create_application(a_form(clock, spots=2)))
    local_core.engine.handle([response("123", app_id, "42")])
    bridge.flush()
    w.select_application(app_id)
    w.detail.roster_view.selectRow(0)
    QTest.keySequence(w, QKeySequence("Ctrl+H"))
    dlg = w.history_dialog
    assert dlg is not None and dlg.isVisible()
    assert dlg.volunteer.text() == "42"
    assert [r.kind for r in dlg.model.rows()] == ["signed_up"]
    dlg.reject()
    bridge.shutdown()
