"""A volunteer's history across applications: every decision about them, named and dated."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from gui.bridge import Bridge
from gui.main_window import MainWindow
from gui.table_model import KeyRole
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


def test_the_page_counts_decisions_and_applications_in_words(
    qtbot, qloop, local_core, clock, language
):
    bridge = Bridge(local_core)
    park = created(qtbot, bridge.create_application(a_form(clock, name="Park clean-up", spots=1)))
    local_core.engine.handle([response("123", park, "7")])
    for code, text in (
        ("en", "7: 1 decision on 1 application, newest first."),
        ("ru", "7: 1 решение в 1 заявке, сначала новые."),
    ):
        language(code)
        dlg = VolunteerHistoryDialog(bridge, "7")
        qtbot.addWidget(dlg)
        assert dlg.summary.text() == text
    bridge.shutdown()


def test_an_empty_volunteer_page_says_what_to_type_on_the_tab_it_opens_on(qtbot, qloop, local_core):
    bridge = Bridge(local_core)
    dlg = VolunteerHistoryDialog(bridge, "")
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.tabs.currentIndex() == 0  # the shifts, empty
    assert dlg.summary.isVisible()
    assert dlg.summary.text() == "Type a volunteer id and press Enter."
    qtbot.keyClicks(dlg.volunteer, "404")
    qtbot.keyClick(dlg.volunteer, Qt.Key.Key_Return)
    assert dlg.summary.isVisible()
    assert dlg.summary.text() == "No decision about 404 in this fund."
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


def _season(qtbot, bridge, local_core, clock) -> tuple[str, str]:
    """Anna (701) came to the park, missed the food bank; both shifts today 10:00-13:00."""
    from core import directory
    from core.directory import Volunteer

    engine = local_core.engine
    park = created(qtbot, bridge.create_application(a_form(clock, name="Park clean-up")))
    food = created(qtbot, bridge.create_application(a_form(clock, name="Food bank")))
    w = local_core.writer
    w.run(lambda: engine.handle([response("123", park, "701"), response("123", food, "701")]))
    w.run(lambda: engine.record_attendance(park, "701", "late", arrived_at="10:30"))
    w.run(lambda: engine.record_attendance(food, "701", "no_show"))
    w.run(
        lambda: directory.save_many(engine.store, [Volunteer("701", "Анна Петрова", "+7 900 111")])
    )
    bridge.flush()
    return park, food


def test_the_volunteer_view_shows_shifts_attendance_rate_and_hours_found_by_name(
    qtbot, qloop, local_core, clock, qtmodeltester
):
    bridge = Bridge(local_core)
    _season(qtbot, bridge, local_core, clock)
    dlg = VolunteerHistoryDialog(bridge, "")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.volunteer.setText("петр")  # a word of the name finds the one volunteer (QTest: ASCII)
    qtbot.keyClick(dlg.volunteer, Qt.Key.Key_Return)
    assert dlg.volunteer_id == "701"
    assert dlg.card.text() == "701 · Анна Петрова · +7 900 111"
    assert dlg.figures.text() == (
        "Attendance 50 %: came 1 of 2 marked (1 late), 1 no-show; 2:30 h served"
    )
    m = dlg.shifts_model
    qtmodeltester.check(m)
    rows = [[m.index(r, c).data() for c in (0, 3, 4, 5)] for r in range(m.rowCount())]
    assert sorted(rows) == [
        ["Food bank", "signed up", "no-show", "0:00"],
        ["Park clean-up", "signed up", "late 10:30", "2:30"],
    ]
    assert [dlg.tabs.tabText(i) for i in range(2)] == ["&Shifts (2)", "&Decisions (4)"]
    bridge.shutdown()


def test_the_directory_and_a_roster_row_open_the_volunteer_and_search_finds_them_by_name(
    qtbot, qloop, local_core, clock
):
    bridge = Bridge(local_core)
    ini = QSettings(str(Path(local_core.data_dir) / "w.ini"), QSettings.Format.IniFormat)
    w = MainWindow(bridge, qsettings=ini)
    qtbot.addWidget(w)
    w.show()
    park, food = _season(qtbot, bridge, local_core, clock)
    created(qtbot, bridge.create_application(a_form(clock, name="Shelter walks")))
    bridge.flush()

    directory_dialog = w.paper.open_directory()
    directory_dialog.view.selectRow(0)
    shown = directory_dialog.open_history()
    assert shown.volunteer_id == "701" and shown.shifts_model.rowCount() == 2
    shown.reject()
    directory_dialog.reject()

    w.select_application(park)
    view = w.detail.roster_view
    index = view.model().index(0, 0)
    view.doubleClicked.emit(index)
    assert w.history_dialog is not None and w.history_dialog.volunteer_id == "701"
    w.history_dialog.reject()

    w.search.setText("анна")
    listed = {w.proxy.index(i, 0).data(KeyRole) for i in range(w.proxy.rowCount())}
    assert listed == {park, food}
    bridge.shutdown()
