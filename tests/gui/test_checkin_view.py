"""Check-in through the real window with the keyboard: arrivals, late, no-show, hours, walk-ins."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core import directory
from core.directory import Volunteer
from gui.bridge import Bridge
from gui.checkin_view import CheckinDialog, CheckinModel
from gui.main_window import MainWindow
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created


class Door:
    """The main window over a local core; a roster of three with names in the directory."""

    def __init__(self, qtbot, core, tmp_path) -> None:
        self.qtbot, self.core = qtbot, core
        self.bridge = Bridge(core)
        self.asked: list[tuple[str, str]] = []
        self.answer = True
        self.window = MainWindow(
            self.bridge,
            confirm=lambda title, text: self.asked.append((title, text)) or self.answer,
            alert=lambda text: None,
            qsettings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat),
        )
        qtbot.addWidget(self.window)
        self.window.show()
        engine = core.engine
        self.clock = engine.clock
        form = a_form(self.clock, spots=3)  # tomorrow 10:00-13:00
        self.app = created(qtbot, self.bridge.create_application(form))
        people = [Volunteer("701", "Anna Petrova"), Volunteer("702", "Boris Ivanov")]
        core.writer.run(lambda: directory.save_many(engine.store, people))
        core.writer.run(
            lambda: engine.handle([response("123", self.app, v) for v in ("701", "702", "703")])
        )
        self.bridge.flush()
        self.window.select_application(self.app)
        day = form.day
        self.clock.set(datetime(day.year, day.month, day.day, 9, 52) - timedelta(hours=0))

    def open(self) -> CheckinDialog:
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow)
        QTest.keySequence(self.window, QKeySequence("Ctrl+I"))
        dlg = self.window.shift.checkins[self.app]
        self.qtbot.waitUntil(dlg.isVisible)
        dlg.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.typed)
        return dlg

    def marks(self) -> list[tuple[str, str, str | None, int | None]]:
        return [
            (r.volunteer_id, r.status, r.arrived_at.strftime("%H:%M") if r.arrived_at else None,
             r.minutes)
            for r in self.core.queries.checkin(self.app)
        ]  # fmt: skip


@pytest.fixture
def door(qtbot, qloop, local_core, tmp_path):
    d = Door(qtbot, local_core, tmp_path)
    yield d
    d.bridge.shutdown()


def shown(dlg: CheckinDialog) -> list[list[str]]:
    p = dlg.proxy
    return [[p.index(r, c).data() for c in range(p.columnCount())] for r in range(p.rowCount())]


def test_a_morning_at_the_door_checked_in_with_the_keyboard_alone(qtbot, door, qtmodeltester):
    dlg = door.open()
    qtmodeltester.check(dlg.model)
    assert shown(dlg) == [
        ["701 · Anna Petrova", "", "expected", "", ""],
        ["702 · Boris Ivanov", "", "expected", "", ""],
        ["703", "", "expected", "", ""],
    ]
    qtbot.keyClicks(dlg.typed, "ann")  # a name's start finds her; Enter marks arrived
    assert [row[0] for row in shown(dlg)] == ["701 · Anna Petrova"]
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: door.marks()[0][1] == "arrived")
    assert dlg.typed.text() == "" and QApplication.focusWidget() is dlg.typed

    door.clock.set(door.clock.now() + timedelta(minutes=53))  # 10:45
    qtbot.keyClicks(dlg.typed, "ivan")  # a later word of the name
    QTest.keySequence(dlg, QKeySequence("Ctrl+L"))
    qtbot.waitUntil(lambda: door.marks()[1][1] == "late")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Down)  # the whole list again: 701, 702, 703
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Down)
    assert dlg.current().volunteer_id == "703"
    QTest.keySequence(dlg, QKeySequence("Ctrl+N"))
    qtbot.waitUntil(lambda: door.marks()[2][1] == "no_show")
    assert door.marks() == [
        ("701", "arrived", "09:52", 180),
        ("702", "late", "10:45", 135),
        ("703", "no_show", None, 0),
    ]

    qtbot.keyClicks(dlg.typed, "702")
    QTest.keySequence(dlg, QKeySequence("Ctrl+H"))  # the hours cell opens for typing
    editor = QApplication.focusWidget()
    assert editor is not dlg.typed
    editor.selectAll()
    qtbot.keyClicks(editor, "2,5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: door.marks()[1][3] == 150)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.typed)
    dlg.typed.clear()
    # the store has it before the view: the view re-reads when the bridge flushes the commit
    qtbot.waitUntil(lambda: shown(dlg)[1][4] == "2:30")
    qtmodeltester.check(dlg.proxy)
    assert shown(dlg) == [
        ["701 · Anna Petrova", "", "arrived", "09:52", "3:00"],
        ["702 · Boris Ivanov", "", "late", "10:45", "2:30"],
        ["703", "", "no-show", "", "0:00"],
    ]
    assert dlg.counts.text() == "came 2 · no-show 1 · expected 0 · 5:30 h"
    assert door.asked == []  # nothing so far needed a question


def test_a_walk_in_takes_the_free_spot_then_goes_over_capacity_only_when_asked(qtbot, door):
    engine = door.core.engine
    door.core.writer.run(lambda: engine.remove_volunteer(door.app, "703"))
    door.bridge.flush()
    dlg = door.open()
    qtbot.keyClicks(dlg.typed, "900")  # not on the roster: Enter signs up a walk-in
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(m[0] == "900" for m in door.marks()))
    assert door.asked == [
        ("Walk-in", "Sign up 900 as a walk-in and mark them arrived? They are told «записан».")
    ]
    qtbot.keyClicks(dlg.typed, "901")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(m[0] == "901" for m in door.marks()))
    assert door.asked[1] == (
        "No free spot",
        "All 3 spots are taken. Sign up 901 over capacity? One spot is added for them (logged),"
        " and they are told «записан».",
    )
    assert door.core.queries.summary(door.app).capacity == 4
    assert [m for m in door.marks() if m[1]] == [
        ("900", "arrived", "09:52", 180),
        ("901", "arrived", "09:52", 180),
    ]
    kinds = [(a.kind, a.volunteer_id) for a in door.core.queries.activity(door.app)[-3:]]
    assert kinds == [
        ("capacity_changed", None),
        ("signed_by_hand", "901"),
        ("attendance_marked", "901"),
    ]


def test_a_refused_mark_is_said_in_the_window_and_changes_nothing(qtbot, door):
    dlg = door.open()
    qtbot.keyClicks(dlg.typed, "703")
    QTest.keySequence(dlg, QKeySequence("Ctrl+T"))  # nothing to take back yet
    assert dlg.last.text() == "Nothing is recorded for this row."
    QTest.keySequence(dlg, QKeySequence("Ctrl+H"))
    assert dlg.last.text() == "Mark them arrived or late first; then their hours can change."
    door.core.writer.run(lambda: door.core.engine.cancel(door.app))
    door.bridge.flush()
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "cancelled" in dlg.last.text())
    assert dlg.last.text() == "703: Not possible: the application is cancelled"
    assert all(m[1] == "" for m in door.marks())
    assert isinstance(dlg.model, CheckinModel)


def test_a_walk_in_found_by_name_and_over_capacity_declined_changes_nothing(qtbot, door):
    engine = door.core.engine
    people = [Volunteer("950", "Pavel Smirnov"), Volunteer("951", "Polina Smirnova")]
    door.core.writer.run(lambda: directory.save_many(engine.store, people))
    dlg = door.open()
    assert dlg.parent() is door.window  # closing the window ends the console, this one too
    door.answer = False
    door.window.confirm = lambda title, text: door.asked.append((title, text)) or door.answer
    dlg.confirm = door.window.confirm
    qtbot.keyClicks(dlg.typed, "pavel")  # not on the roster; the directory knows one Pavel
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    assert door.asked == [
        (
            "No free spot",
            "All 3 spots are taken. Sign up 950 · Pavel Smirnov over capacity? One spot is added"
            " for them (logged), and they are told «записан».",
        )
    ]
    assert dlg.last.text() == "950 · Pavel Smirnov was not signed up."
    assert door.core.queries.summary(door.app).capacity == 3
    qtbot.keyClicks(dlg.typed, "smirn")  # two people: the id is asked for, nothing is asked
    QTest.keySequence(dlg, QKeySequence("Ctrl+Return"))
    assert dlg.last.text() == "Several people in the directory match; type the id."
    assert len(door.asked) == 1 and all(not m[1] for m in door.marks())


def test_the_window_exports_the_days_timesheet_with_the_roster(qtbot, door, tmp_path):
    from openpyxl import load_workbook

    dlg = door.open()
    qtbot.keyClicks(dlg.typed, "701")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: door.marks()[0][1] == "arrived")
    path = tmp_path / "park.xlsx"
    assert door.window.paper.save_xlsx(path)
    sheet = load_workbook(path)["Attendance"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["701", "Anna Petrova", None, "arrived", "09:52", 3],
        ["702", "Boris Ivanov", None, "expected", None, None],
        ["703", None, None, "expected", None, None],
    ]


def test_a_time_typed_after_the_name_is_the_arrival_as_from_a_paper_sheet(qtbot, door):
    dlg = door.open()
    qtbot.keyClicks(dlg.typed, "boris 10:25")  # the time does not stop the name finding him
    assert [r[0] for r in shown(dlg)] == ["702 · Boris Ivanov"]
    QTest.keySequence(dlg, QKeySequence("Ctrl+L"))
    qtbot.waitUntil(lambda: door.marks()[1][1] == "late")
    qtbot.keyClicks(dlg.typed, "703 9:58")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: door.marks()[2][1] == "arrived")
    door.core.writer.run(lambda: door.core.engine.remove_volunteer(door.app, "701"))
    door.bridge.flush()
    qtbot.keyClicks(dlg.typed, "904 10:40")  # a walk-in with the time they came
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(m[0] == "904" for m in door.marks()))
    assert [m for m in door.marks() if m[1]] == [
        ("702", "late", "10:25", 155),
        ("703", "arrived", "09:58", 180),
        ("904", "arrived", "10:40", 180),
    ]
    assert door.asked[-1][1].startswith("Sign up 904 as a walk-in")
    qtbot.waitUntil(lambda: dlg.last.text() == "904: walk-in, arrived 10:40")


@pytest.mark.parametrize("code", ["en", "ru"])
def test_the_hours_cell_opens_wide_enough_for_two_digit_hours(qtbot, door, language, code):
    """The column was sized by its title and "3:00": under the short Russian title, "Часы",
    12:45 typed reached the cell's edge (the last column: the editor cannot grow past it)."""
    language(code)
    dlg = door.open()
    qtbot.keyClicks(dlg.typed, "701")
    qtbot.keyClick(dlg.typed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: door.marks()[0][1] == "arrived")
    qtbot.waitUntil(lambda: shown(dlg)[0][4] == "3:00")
    qtbot.keyClicks(dlg.typed, "701")
    QTest.keySequence(dlg, QKeySequence("Ctrl+H"))
    editor = QApplication.focusWidget()
    assert editor is not dlg.typed
    editor.selectAll()
    qtbot.keyClicks(editor, "12:45")
    margins = editor.textMargins()
    room = editor.contentsRect().width() - margins.left() - margins.right() - 4  # Qt's 2 px a side
    assert editor.fontMetrics().horizontalAdvance("24:00") + 8 <= room  # and the cursor
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
