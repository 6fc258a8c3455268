"""One volunteer across the fund's applications: their shifts with attendance and hours, the
attendance rate, and every decision about them, newest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.profile import Profile, ShiftRow
from core.queries import AppSummary
from core.records import Activity
from gui.display import (
    activity_text,
    attendance_text,
    full_moment_text,
    hours_text,
    moment_text,
    span_text,
    status_text,
    volunteer_text,
)
from gui.table_model import KeyedTableModel

translate = QCoreApplication.translate


class VolunteerHistoryModel(KeyedTableModel):
    """Decisions about one volunteer; the application is named, not just numbered."""

    TIME, APPLICATION, WHEN, WHAT = range(4)
    key_attr = "id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Time"),
        QT_TRANSLATE_NOOP("models", "Application"),
        QT_TRANSLATE_NOOP("models", "Shift"),
        QT_TRANSLATE_NOOP("models", "What happened"),
    )
    extra_roles = frozenset({int(Qt.ItemDataRole.ToolTipRole)})

    def __init__(self, summary_of: Callable[[str], AppSummary | None], parent: Any = None) -> None:
        super().__init__(parent)
        self._summary_of = summary_of
        self._apps: dict[str, AppSummary | None] = {}

    def _app(self, app_id: str) -> AppSummary | None:
        if app_id not in self._apps:
            self._apps[app_id] = self._summary_of(app_id)
        return self._apps[app_id]

    def display(self, row: Activity, column: int) -> str:
        if column == self.TIME:
            return moment_text(row.at)
        app = self._app(row.application_id)
        if column == self.APPLICATION:
            return app.name if app else row.application_id
        if column == self.WHEN:
            return span_text(app.date, app.start, app.end) if app else ""
        return activity_text(row)

    def sort_value(self, row: Activity, column: int) -> Any:
        if column == self.TIME:
            return row.id
        return self.display(row, column)

    def extra(self, row: Activity, column: int, role: int) -> Any:
        if column == self.TIME:
            return full_moment_text(row.at)
        if column == self.WHAT:
            return activity_text(row)
        return row.application_id if column == self.APPLICATION else None


def place_text(place: str) -> str:
    """Where a volunteer stands in an application now."""
    return {
        "signed": translate("Volunteer", "signed up"),
        "waiting": translate("Volunteer", "on the waitlist"),
        "left": translate("Volunteer", "left"),
    }.get(place, place)


class VolunteerShiftsModel(KeyedTableModel):
    """Every application a volunteer was part of, newest shift first, with their mark."""

    APPLICATION, WHEN, STATUS, PLACE, ATTENDANCE, HOURS = range(6)
    key_attr = "application_id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Application"),
        QT_TRANSLATE_NOOP("models", "Shift"),
        QT_TRANSLATE_NOOP("models", "Status"),
        QT_TRANSLATE_NOOP("models", "Place"),
        QT_TRANSLATE_NOOP("models", "Attendance"),
        QT_TRANSLATE_NOOP("models", "Hours"),
    )

    def display(self, row: ShiftRow, column: int) -> str:
        if column == self.APPLICATION:
            return row.name
        if column == self.WHEN:
            return span_text(row.date, row.start, row.end, year=True)
        if column == self.STATUS:
            return status_text(row.app_status)
        if column == self.PLACE:
            return place_text(row.place)
        if column == self.ATTENDANCE:
            if not row.attendance:
                return ""
            at = row.arrived_at.strftime(" %H:%M") if row.arrived_at else ""
            return attendance_text(row.attendance) + at
        if column == self.HOURS:
            return hours_text(row.minutes) if row.attendance and row.minutes is not None else ""
        return ""


def figures_text(p: Profile) -> str:
    """The attendance rate and hours in one line; the rate is over the shifts marked."""
    if not p.marked:
        return translate("Volunteer", "No attendance recorded yet.")
    return (
        translate(
            "Volunteer", "Attendance %1 %: came %2 of %3 marked (%4 late), %5 no-show; %6 h served"
        )
        .replace("%1", str(round(100 * (p.attendance_rate or 0))))
        .replace("%2", str(p.came))
        .replace("%3", str(p.marked))
        .replace("%4", str(p.late))
        .replace("%5", str(p.no_show))
        .replace("%6", hours_text(p.minutes))
    )


class VolunteerHistoryDialog(QDialog):
    """Type a volunteer id (or open it on the selected one) and see their whole history."""

    def __init__(self, bridge: Any, volunteer_id: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(self.tr("Volunteer"))
        self.resize(820, 480)
        self.volunteer = QLineEdit(volunteer_id)
        self.volunteer.setPlaceholderText(self.tr("Volunteer id or name"))
        self.volunteer.setClearButtonEnabled(True)
        caption = QLabel(self.tr("&Volunteer:"))
        caption.setBuddy(self.volunteer)
        self.card = QLabel()  # the directory's name, phone and notes
        self.card.setObjectName("volunteerCard")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.PlainText)
        self.figures = QLabel()
        self.figures.setObjectName("volunteerFigures")
        self.figures.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.shifts_model = VolunteerShiftsModel(self)
        self.shifts = QTableView()
        self.shifts.setModel(self.shifts_model)
        self.shifts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.shifts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.shifts.setTabKeyNavigation(False)
        self.shifts.verticalHeader().hide()
        self.shifts.setAlternatingRowColors(True)
        self.shifts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.shifts.horizontalHeader().setSectionResizeMode(
            VolunteerShiftsModel.APPLICATION, QHeaderView.ResizeMode.Stretch
        )
        self.model = VolunteerHistoryModel(bridge.queries.summary, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(VolunteerHistoryModel.WHAT, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # Enter in the id field looks up, it does not close
        close.setDefault(False)
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.volunteer, 1)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.shifts, self.tr("&Shifts"))
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 4, 0, 0)
        history_layout.addWidget(self.table, 1)
        self.tabs.addTab(history, self.tr("&Decisions"))
        layout.addLayout(row)
        layout.addWidget(self.card)
        layout.addWidget(self.figures)
        # Above the tabs, so an empty page (or an id nobody knows) says what to do on either tab
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.volunteer.returnPressed.connect(self._on_volunteer_return_pressed)
        self.volunteer.textChanged.connect(self._on_volunteer_text_changed)
        self.show_volunteer(volunteer_id)

    def show_volunteer(self, volunteer_id: str) -> None:
        vid = self._resolve(volunteer_id.strip())
        rows = self.bridge.queries.volunteer_history(vid) if vid else []
        self.model.set_rows(rows)
        for col in (VolunteerHistoryModel.TIME, VolunteerHistoryModel.APPLICATION):
            self.table.resizeColumnToContents(col)
        self.table.resizeColumnToContents(VolunteerHistoryModel.WHEN)
        p = self.bridge.queries.volunteer_profile(vid) if vid else None
        self.shifts_model.set_rows(p.shifts if p else [])
        self.tabs.setTabText(
            0, self.tr("&Shifts (%1)").replace("%1", str(len(p.shifts) if p else 0))
        )
        self.tabs.setTabText(1, self.tr("&Decisions (%1)").replace("%1", str(len(rows))))
        if p is None:
            self.card.setText("")
            self.figures.setText("")
        else:
            parts = [volunteer_text(p.volunteer_id, p.name), p.phone, " ".join(p.notes.split())]
            self.card.setText(" · ".join(x for x in parts if x))
            self.figures.setText(figures_text(p))
        if not vid:
            if volunteer_id.strip():
                self.summary.setText(
                    self.tr("Several volunteers match %1; type the id.").replace(
                        "%1", volunteer_id.strip()
                    )
                )
            else:
                self.summary.setText(self.tr("Type a volunteer id and press Enter."))
        elif not rows:
            self.summary.setText(self.tr("No decision about %1 in this fund.").replace("%1", vid))
        else:
            apps = len({r.application_id for r in rows})
            self.summary.setText(
                self.tr("%1: %n decision(s)", "", len(rows)).replace("%1", vid)
                + " "
                + self.tr("on %n application(s), newest first.", "", apps)
            )
        self.volunteer_id = vid

    def _resolve(self, typed: str) -> str:
        """The id typed, or the one volunteer whose name the text finds ("" for several)."""
        if not typed:
            return ""
        known = self.bridge.queries.volunteers()
        if typed in known or self.bridge.queries.volunteer_history(typed, limit=1):
            return typed
        found = self.bridge.queries.matching_volunteers(typed) - {typed}
        if len(found) == 1:
            return found.pop()
        return "" if found else typed

    @Slot()
    def _on_volunteer_return_pressed(self) -> None:
        self.show_volunteer(self.volunteer.text())

    @Slot(str)
    def _on_volunteer_text_changed(self, text: str) -> None:
        if not text.strip():
            self.show_volunteer("")
