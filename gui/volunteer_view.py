"""One volunteer across the fund's applications: every decision about them, newest first."""

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
    QVBoxLayout,
    QWidget,
)

from core.queries import AppSummary
from core.records import Activity
from gui.display import activity_text, full_moment_text, moment_text, span_text
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


class VolunteerHistoryDialog(QDialog):
    """Type a volunteer id (or open it on the selected one) and see their whole history."""

    def __init__(self, bridge: Any, volunteer_id: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(self.tr("Volunteer history"))
        self.resize(760, 420)
        self.volunteer = QLineEdit(volunteer_id)
        self.volunteer.setPlaceholderText(self.tr("Volunteer id"))
        self.volunteer.setClearButtonEnabled(True)
        caption = QLabel(self.tr("&Volunteer:"))
        caption.setBuddy(self.volunteer)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
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
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.volunteer.returnPressed.connect(self._on_volunteer_return_pressed)
        self.volunteer.textChanged.connect(self._on_volunteer_text_changed)
        self.show_volunteer(volunteer_id)

    def show_volunteer(self, volunteer_id: str) -> None:
        vid = volunteer_id.strip()
        rows = self.bridge.queries.volunteer_history(vid) if vid else []
        self.model.set_rows(rows)
        for col in (VolunteerHistoryModel.TIME, VolunteerHistoryModel.APPLICATION):
            self.table.resizeColumnToContents(col)
        self.table.resizeColumnToContents(VolunteerHistoryModel.WHEN)
        if not vid:
            self.summary.setText(self.tr("Type a volunteer id and press Enter."))
        elif not rows:
            self.summary.setText(self.tr("No decision about %1 in this fund.").replace("%1", vid))
        else:
            apps = len({r.application_id for r in rows})
            self.summary.setText(
                self.tr("%1: %2 decision(s) on %3 application(s), newest first.")
                .replace("%1", vid)
                .replace("%2", str(len(rows)))
                .replace("%3", str(apps))
            )

    @Slot()
    def _on_volunteer_return_pressed(self) -> None:
        self.show_volunteer(self.volunteer.text())

    @Slot(str)
    def _on_volunteer_text_changed(self, text: str) -> None:
        if not text.strip():
            self.show_volunteer("")
