"""Check-in on the day, keyboard first: type an id or a name, Enter marks arrived.

Big rows for a laptop on a folding table at the door. Every mark is a bridge Op (the core's
writer thread, one transaction each), so it works offline like any other decision; a walk-in
is signed up by hand and marked arrived in one commit, over capacity only when the
coordinator says so in the question it is asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.attendance import CheckinRow, parse_hours
from gui.bridge import OpResult
from gui.display import attendance_text, hours_text, span_text, volunteer_text
from gui.table_model import KeyedTableModel

Index = QModelIndex | QPersistentModelIndex
Confirm = Callable[[str, str], bool]

_TINT = {
    "arrived": QColor("#dcefdc"),
    "late": QColor("#fbeccb"),
    "no_show": QColor("#f5d5d5"),
}
ROW_HEIGHT = 38
POINT_SIZE = 13


class CheckinModel(KeyedTableModel):
    """The roster of one application with each volunteer's mark; hours are editable."""

    VOLUNTEER, PHONE, STATUS, ARRIVED, HOURS = range(5)
    key_attr = "volunteer_id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Volunteer"),
        QT_TRANSLATE_NOOP("models", "Phone"),
        QT_TRANSLATE_NOOP("models", "Attendance"),
        QT_TRANSLATE_NOOP("models", "Arrived"),
        QT_TRANSLATE_NOOP("models", "Hours"),
    )
    extra_roles = frozenset(
        {
            int(Qt.ItemDataRole.BackgroundRole),
            int(Qt.ItemDataRole.EditRole),
            int(Qt.ItemDataRole.TextAlignmentRole),
            int(Qt.ItemDataRole.ForegroundRole),
        }
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # (volunteer id, minutes) -> the commit; the model changes when the bridge reports it
        self.on_hours: Callable[[str, int], None] | None = None
        self.on_bad_hours: Callable[[str], None] | None = None

    def key(self, row: CheckinRow) -> Hashable:
        return row.volunteer_id

    def display(self, row: CheckinRow, column: int) -> str:
        if column == self.VOLUNTEER:
            return volunteer_text(row.volunteer_id, row.name)
        if column == self.PHONE:
            return row.phone
        if column == self.STATUS:
            return attendance_text(row.status)
        if column == self.ARRIVED:
            return row.arrived_at.strftime("%H:%M") if row.arrived_at else ""
        if column == self.HOURS:
            return hours_text(row.minutes) if row.minutes is not None else ""
        return ""

    def extra(self, row: CheckinRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return _TINT.get(row.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if row.on_roster else QColor("#777777")
        if role == Qt.ItemDataRole.EditRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.ARRIVED, self.HOURS):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.HOURS:
            row = self.row_at(index.row())
            if row.status in ("arrived", "late"):
                return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if index.column() != self.HOURS or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        minutes = parse_hours(str(value))
        if minutes is None:
            if self.on_bad_hours is not None:
                self.on_bad_hours(str(value))
            return False
        row = self.row_at(index.row())
        if minutes != row.minutes and self.on_hours is not None:
            self.on_hours(row.volunteer_id, minutes)
        return True  # the row itself changes when the commit comes back


def matches(row: CheckinRow, text: str) -> bool:
    """Typed text finds a volunteer by the start of the id or of any word of the name."""
    t = text.strip().casefold()
    if not t:
        return True
    if row.volunteer_id.casefold().startswith(t):
        return True
    name = row.name.casefold()
    return name.startswith(t) or any(w.startswith(t) for w in name.split())


_TIME_AT_END = re.compile(r"^(.*?)\s+(\d{1,2}):(\d{2})$")


def split_time(text: str) -> tuple[str, str | None]:
    """'anna 10:25' -> ('anna', '10:25'): a time typed after the name or id is the arrival
    (entering the day from a paper sign-in sheet); without one it is now."""
    found = _TIME_AT_END.match(text.strip())
    if found is None or int(found[2]) > 23 or int(found[3]) > 59:
        return text, None
    return found[1], f"{int(found[2]):02d}:{found[3]}"


class CheckinFilter(QSortFilterProxyModel):
    """The rows the typed text finds (all of them while nothing is typed)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, CheckinModel) or source_row >= model.rowCount():
            return False
        return matches(model.row_at(source_row), self.text)


class CheckinDialog(QDialog):
    """One application's check-in: a search line that keeps the focus, the roster below."""

    def __init__(
        self,
        bridge: Any,
        app_id: str,
        *,
        confirm: Confirm | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.app_id = app_id
        self.confirm: Confirm = confirm or self._ask
        self.setWindowTitle(self.tr("Check-in"))
        self.setObjectName("checkin")
        self.resize(900, 600)
        big = QFont(self.font())
        big.setPointSize(POINT_SIZE)

        self.title = QLabel()
        self.title.setObjectName("checkinTitle")
        title_font = QFont(big)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.counts = QLabel()
        self.counts.setFont(big)

        self.typed = QLineEdit()
        self.typed.setObjectName("checkinFind")
        self.typed.setFont(big)
        self.typed.setPlaceholderText(self.tr("Type an id or a name; Enter marks arrived"))
        self.typed.setClearButtonEnabled(True)
        self.typed.textChanged.connect(self._on_typed_text_changed)
        self.typed.returnPressed.connect(self._on_typed_return_pressed)
        self.typed.installEventFilter(self)

        self.model = CheckinModel(self)
        self.model.on_hours = self._commit_hours
        self.model.on_bad_hours = self._on_bad_hours
        self.proxy = CheckinFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setFont(big)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CheckinModel.VOLUNTEER, QHeaderView.ResizeMode.Stretch)
        # the hours cell is typed into: room for "24:00" and the cursor, also under the short
        # Russian title "Часы", which alone left 12:45 touching the cell's edge
        header.setMinimumSectionSize(QFontMetrics(big).horizontalAdvance("24:00") + 24)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.last = QLabel()  # what the last key did, or why it was refused
        self.last.setObjectName("checkinLast")
        self.last.setWordWrap(True)
        self.last.setFont(big)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, caption, keys, slot in (
            ("arrived", self.tr("Arrived"), "Enter", self.mark_arrived),
            ("late", self.tr("Late"), "Ctrl+L", self.mark_late),
            ("no_show", self.tr("No-show"), "Ctrl+N", self.mark_no_show),
            ("hours", self.tr("Hours…"), "Ctrl+H", self.edit_hours),
            ("clear", self.tr("Take back"), "Ctrl+T", self.clear_mark),
            ("walk_in", self.tr("Walk-in"), "Ctrl+Enter", self.walk_in),
        ):
            shown = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            button = QPushButton(f"{caption}\n{shown}")
            button.setObjectName(f"checkin_{key}")
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the typing line keeps the focus
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button)
            self.buttons[key] = button
            if keys != "Enter":  # Enter is the typing line's own (returnPressed)
                for seq in (keys, *(("Ctrl+Return",) if keys == "Ctrl+Enter" else ())):
                    shortcut = QShortcut(QKeySequence(seq), self)
                    shortcut.activated.connect(slot)
        self.hint = QLabel(
            self.tr(
                "Up and Down choose among the people found; Enter marks arrived. A time after "
                "the name (anna 10:25) is the arrival, as on a paper sheet. An id that is not "
                "on the roster signs up a walk-in."
            )
        )
        self.hint.setWordWrap(True)

        self.title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.counts)
        layout.addWidget(self.typed)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.last)
        layout.addWidget(self.hint)

        bridge.applications_changed.connect(self._on_applications_changed)
        bridge.participation_reloaded.connect(self._on_applications_changed)
        self.refresh()
        self.typed.setFocus()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        s = self.bridge.summary(self.app_id)
        if s is None:
            self.title.setText(self.tr("The application is gone"))
            self.model.set_rows([])
            return
        self.title.setText(f"{s.name} · {span_text(s.date, s.start, s.end)}")
        rows = self.bridge.queries.checkin(self.app_id)
        self.model.set_rows(rows)
        came = sum(1 for r in rows if r.status in ("arrived", "late"))
        absent = sum(1 for r in rows if r.status == "no_show")
        waiting = sum(1 for r in rows if not r.status and r.on_roster)
        served = sum(r.minutes or 0 for r in rows)
        self.counts.setText(
            self.tr("came %1 · no-show %2 · expected %3 · %4 h")
            .replace("%1", str(came))
            .replace("%2", str(absent))
            .replace("%3", str(waiting))
            .replace("%4", hours_text(served))
        )
        self._keep_a_current_row()

    @Slot(list)
    def _on_applications_changed(self, ids: list[str]) -> None:
        if self.app_id in ids:
            self.refresh()

    def current(self) -> CheckinRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def _keep_a_current_row(self) -> None:
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
            self.table.selectRow(0)

    # -- the typing line -------------------------------------------------------------------
    @Slot(str)
    def _on_typed_text_changed(self, text: str) -> None:
        self.proxy.set_text(split_time(text)[0])
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up, Down and the page keys move among the rows while the focus stays in the line
        if watched is self.typed and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            moves = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
            if event.key() in moves and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                row = self.table.currentIndex().row()
                step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()), 0)
                if not step:
                    step = -5 if event.key() == Qt.Key.Key_PageUp else 5
                last = self.proxy.rowCount() - 1
                if last >= 0:
                    self.table.selectRow(max(0, min(last, row + step if row >= 0 else 0)))
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_typed_return_pressed(self) -> None:
        if self.current() is None and self.typed.text().strip():
            self.walk_in()
        else:
            self.mark_arrived()

    # -- marks -----------------------------------------------------------------------------
    def _mark(self, status: str) -> None:
        row = self.current()
        if row is None:
            self._say(self.tr("Type an id or a name first."))
            return
        who = volunteer_text(row.volunteer_id, row.name)
        at = split_time(self.typed.text())[1] if status != "no_show" else None
        op = self.bridge.record_attendance(self.app_id, row.volunteer_id, status, arrived_at=at)
        said = attendance_text(status) + (f" {at}" if at else "")
        op.then(lambda r: self._after(r, who, said))
        self.typed.clear()
        self.typed.setFocus()

    def mark_arrived(self) -> None:
        self._mark("arrived")

    def mark_late(self) -> None:
        self._mark("late")

    def mark_no_show(self) -> None:
        self._mark("no_show")

    def clear_mark(self) -> None:
        row = self.current()
        if row is None or not row.status:
            self._say(self.tr("Nothing is recorded for this row."))
            return
        who = volunteer_text(row.volunteer_id, row.name)
        op = self.bridge.clear_attendance(self.app_id, row.volunteer_id)
        op.then(lambda r: self._after(r, who, attendance_text("")))

    def edit_hours(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self._say(self.tr("Type an id or a name first."))
            return
        cell = index.siblingAtColumn(CheckinModel.HOURS)
        if not cell.flags() & Qt.ItemFlag.ItemIsEditable:
            self._say(self.tr("Mark them arrived or late first; then their hours can change."))
            return
        self.table.setCurrentIndex(cell)
        self.table.edit(cell)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != CheckinModel.HOURS:
            self.mark_arrived()

    def _commit_hours(self, volunteer_id: str, minutes: int) -> None:
        op = self.bridge.set_served(self.app_id, volunteer_id, minutes)
        op.then(lambda r: self._after(r, volunteer_id, hours_text(minutes)))
        self.typed.setFocus()

    def _on_bad_hours(self, typed: str) -> None:
        self._say(
            self.tr("Hours as 3, 3.5 or 3:30, from 0 to 24 (not %1)").replace("%1", typed), True
        )
        self.typed.setFocus()

    # -- walk-ins --------------------------------------------------------------------------
    def walk_in(self) -> None:
        """Sign up whoever was typed (an id, or a name the directory knows) and mark arrived."""
        typed = split_time(self.typed.text().strip())[0].strip()
        at = split_time(self.typed.text().strip())[1]
        if not typed:
            self._say(self.tr("Type the walk-in's volunteer id first."))
            return
        on_roster = {r.volunteer_id for r in self.model.rows() if r.on_roster}
        vid, name = self._walk_in_id(typed)
        if vid is None:
            self._say(self.tr("Several people in the directory match; type the id."), True)
            self.typed.selectAll()
            return
        if vid in on_roster:
            self._say(self.tr("%1 is on the roster already.").replace("%1", vid), True)
            self.typed.selectAll()
            return
        who = volunteer_text(vid, name)
        s = self.bridge.queries.summary(self.app_id)
        over = s is not None and s.free <= 0
        if over:
            asked = self.confirm(
                self.tr("No free spot"),
                self.tr(
                    "All %1 spots are taken. Sign up %2 over capacity? One spot is added for "
                    "them (logged), and they are told «записан»."
                )
                .replace("%1", str(s.capacity if s else 0))
                .replace("%2", who),
            )
        else:
            asked = self.confirm(
                self.tr("Walk-in"),
                self.tr(
                    "Sign up %1 as a walk-in and mark them arrived? They are told «записан»."
                ).replace("%1", who),
            )
        if not asked:
            self._say(self.tr("%1 was not signed up.").replace("%1", who))
            self.typed.selectAll()  # kept to correct, replaced by whatever is typed next
            return
        op = self.bridge.check_in_walk_in(self.app_id, vid, over_capacity=over, arrived_at=at)
        said = self.tr("walk-in, arrived") + (f" {at}" if at else "")
        op.then(lambda r: self._after(r, who, said))
        self.typed.clear()
        self.typed.setFocus()

    def _walk_in_id(self, typed: str) -> tuple[str | None, str]:
        """The typed id, or the one directory entry whose name the text finds."""
        known = self.bridge.queries.volunteers()
        if typed in known:
            return typed, known[typed].name
        found = [
            v
            for v in known.values()
            if matches(CheckinRow(v.volunteer_id, v.name, "", True, "", None, None), typed)
        ]
        if len(found) > 1:
            return None, ""
        if len(found) == 1 and not typed.isdigit():
            return found[0].volunteer_id, found[0].name
        return typed, ""

    # -- feedback --------------------------------------------------------------------------
    def _after(self, result: OpResult[Any], who: str, what: str) -> None:
        if result.ok:
            self._say(f"{who}: {what}")
        else:
            self._say(f"{who}: {result.refusal}", True)

    def _say(self, text: str, problem: bool = False) -> None:
        self.last.setText(text)
        self.last.setStyleSheet("color: #a02020;" if problem else "")

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox.question(self, title, text)
        return box == QMessageBox.StandardButton.Yes
