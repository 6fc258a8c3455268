"""The volunteers directory in the window: the list, an editor, and a CSV import with a preview."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSortFilterProxyModel, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import directory as d
from core.directory import ImportPreview, Problem, RowError, Volunteer
from gui.bridge import OpResult
from gui.display import volunteer_text
from gui.table_model import KeyedTableModel

translate = QCoreApplication.translate


def field_label(field: str) -> str:
    return {
        "volunteer_id": translate("Directory", "Id"),
        "name": translate("Directory", "Name"),
        "phone": translate("Directory", "Phone"),
        "notes": translate("Directory", "Notes"),
    }.get(field, "")


def problem_text(p: Problem) -> str:
    """A directory problem in the interface language."""
    texts = {
        "required": translate("Directory", "Required"),
        "too_long": translate("Directory", "At most %1 characters"),
        "spaces": translate("Directory", "No spaces at the ends and no control characters"),
        "phone_chars": translate("Directory", "Digits, spaces and + ( ) - . / only"),
        "phone_digits": translate("Directory", "%1 digits; a phone number has 5 to 15"),
        "duplicate": translate("Directory", "The same id is on line %1"),
        "columns": translate(
            "Directory",
            "The first line must name the columns id and name (phone, notes optional); found %1",
        ),
        "empty": translate("Directory", "The file is empty"),
        "unreadable": translate("Directory", "Unreadable CSV: %1"),
    }
    return texts[p.code].replace("%1", p.arg)


class VolunteersModel(KeyedTableModel):
    key_attr = "volunteer_id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Id"),
        QT_TRANSLATE_NOOP("models", "Full name"),
        QT_TRANSLATE_NOOP("models", "Phone"),
        QT_TRANSLATE_NOOP("models", "Notes"),
    )

    def display(self, row: Volunteer, column: int) -> str:
        value = (row.volunteer_id, row.name, row.phone, row.notes)[column]
        return " ".join(value.split()) if column == 3 else value


class PreviewModel(KeyedTableModel):
    """The rows an import would write, each marked new or an update of a known entry."""

    headers = (
        QT_TRANSLATE_NOOP("models", "Line"),
        QT_TRANSLATE_NOOP("models", "Id"),
        QT_TRANSLATE_NOOP("models", "Full name"),
        QT_TRANSLATE_NOOP("models", "Phone"),
        QT_TRANSLATE_NOOP("models", "Notes"),
        QT_TRANSLATE_NOOP("models", "Import"),
    )

    def __init__(self, known: set[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._known = known

    def key(self, row: tuple[int, Volunteer]) -> Hashable:
        return row[0]

    def display(self, row: tuple[int, Volunteer], column: int) -> str:
        line, v = row
        if column == 0:
            return str(line)
        if column == 5:
            if v.volunteer_id in self._known:
                return translate("Directory", "updates the entry")
            return translate("Directory", "new")
        return " ".join((v.volunteer_id, v.name, v.phone, v.notes)[column - 1].split())

    def sort_value(self, row: tuple[int, Volunteer], column: int) -> Any:
        return row[0] if column == 0 else self.display(row, column)


class ErrorsModel(KeyedTableModel):
    headers = (
        QT_TRANSLATE_NOOP("models", "Line"),
        QT_TRANSLATE_NOOP("models", "Column"),
        QT_TRANSLATE_NOOP("models", "Problem"),
    )

    def key(self, row: RowError) -> Hashable:
        return (row.line, row.problem.field, row.problem.code)

    def display(self, row: RowError, column: int) -> str:
        if column == 0:
            return str(row.line)
        if column == 1:
            return field_label(row.problem.field)
        return problem_text(row.problem)

    def sort_value(self, row: RowError, column: int) -> Any:
        return row.line if column == 0 else self.display(row, column)


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class ImportDialog(QDialog):
    """What a CSV file would add or change, and every line it refuses with why; then import."""

    def __init__(self, path: Path, preview: ImportPreview, known: set[str], parent: Any = None):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Import volunteers"))
        self.setMinimumSize(720, 480)
        self.rows_model = PreviewModel(known, self)
        self.rows_model.set_rows(list(preview.rows))
        self.errors_model = ErrorsModel(self)
        self.errors_model.set_rows(list(preview.errors))
        new = sum(1 for _line, v in preview.rows if v.volunteer_id not in known)
        self.summary = QLabel(
            self.tr(
                "%1: %2 to import (%3 new, %4 updated), %n line(s) refused",
                "",
                preview.refused_lines,
            )
            .replace("%1", path.name)
            .replace("%2", str(len(preview.rows)))
            .replace("%3", str(new))
            .replace("%4", str(len(preview.rows) - new))
        )
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(
            self.tr("Import %1").replace("%1", str(len(preview.rows))),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setEnabled(bool(preview.rows))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("To import")))
        layout.addWidget(_table(self.rows_model), 3)
        self.errors_label = QLabel(
            self.tr("Refused (fix these lines in the file and import again)")
        )
        self.errors_view = _table(self.errors_model)
        layout.addWidget(self.errors_label)
        layout.addWidget(self.errors_view, 2)
        self.errors_label.setVisible(bool(preview.errors))
        self.errors_view.setVisible(bool(preview.errors))
        layout.addWidget(buttons)


class DirectoryDialog(QDialog):
    """Every volunteer the console knows by name; add, edit, delete, or import a CSV file."""

    def __init__(
        self,
        bridge: Any,
        parent: QWidget | None = None,
        *,
        on_changed: Callable[[], None] | None = None,
    ):
        super().__init__(parent)
        self.bridge = bridge
        self._on_changed = on_changed or (lambda: None)
        self.setWindowTitle(self.tr("Volunteers directory"))
        self.setMinimumSize(760, 520)
        self.model = VolunteersModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by id, name or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = _table(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_changed)

        self.id_edit = QLineEdit()
        self.name_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("e.g. +7 900 123-45-67"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(60)
        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, (field, widget) in enumerate(
            (
                ("volunteer_id", self.id_edit),
                ("name", self.name_edit),
                ("phone", self.phone_edit),
                ("notes", self.notes_edit),
            )
        ):
            grid.addWidget(QLabel(field_label(field)), row, 0)
            grid.addWidget(widget, row, 1)
            err = QLabel()
            err.setStyleSheet("color: #b00020")
            grid.addWidget(err, row, 2)
            self.errors[field] = err
        self.status = QLabel()
        self.new_button = QPushButton(self.tr("&New"))
        self.save_button = QPushButton(self.tr("&Save"))
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.import_button = QPushButton(self.tr("&Import CSV…"))
        # the volunteer's shifts, attendance rate and hours (gui/volunteer_view.py)
        self.history_button = QPushButton(self.tr("&History…"))
        self.history_button.clicked.connect(lambda _c=False: self.open_history())
        self.history_dialog: Any = None
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.import_button.clicked.connect(self.import_file)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.save_button, self.delete_button, self.history_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "Names and phones stay on this computer: messages to volunteers carry the id only."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.refresh()
        self.clear_form()

    def open_history(self) -> Any:
        """The chosen volunteer across the fund's applications: shifts, attendance, hours."""
        from gui.volunteer_view import VolunteerHistoryDialog

        vid = self.id_edit.text().strip()
        if not vid:
            return None
        dlg = VolunteerHistoryDialog(self.bridge, vid, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.history_dialog = dlg
        dlg.open()
        return dlg

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.set_rows(list(self.bridge.queries.volunteers().values()))

    def entry(self) -> Volunteer:
        return Volunteer(
            self.id_edit.text().strip(),
            self.name_edit.text().strip(),
            self.phone_edit.text().strip(),
            self.notes_edit.toPlainText().strip(),
        )

    @Slot()
    def clear_form(self) -> None:
        self.view.clearSelection()
        for w in (self.id_edit, self.name_edit, self.phone_edit):
            w.clear()
        self.notes_edit.clear()
        self.id_edit.setReadOnly(False)
        self.delete_button.setEnabled(False)
        self.history_button.setEnabled(False)
        self._show_problems([])
        self.id_edit.setFocus()

    def _on_view_current_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        v = self.model.row_at(self.proxy.mapToSource(current).row())
        self.id_edit.setText(v.volunteer_id)
        self.id_edit.setReadOnly(True)  # the id is the contract's: a new id is a new entry
        self.name_edit.setText(v.name)
        self.phone_edit.setText(v.phone)
        self.notes_edit.setPlainText(v.notes)
        self.delete_button.setEnabled(True)
        self.history_button.setEnabled(True)
        self._show_problems([])

    def _show_problems(self, found: list[Problem]) -> None:
        by_field = {p.field: problem_text(p) for p in found}
        for field, label in self.errors.items():
            label.setText(by_field.get(field, ""))

    # -- writing (through the bridge, on the core's writer thread) -------------------------
    def _after(self, done: str) -> Callable[[Any], None]:
        def settle(result: Any) -> None:
            if not result.ok:
                self.status.setText(str(result.refusal))
                return
            self.status.setText(done)
            self.refresh()
            self._on_changed()

        return settle

    @Slot()
    def save(self) -> bool:
        v = self.entry()
        found = d.problems(v)
        self._show_problems(found)
        if found:
            return False
        store = self.bridge.core.store
        undo = self._undo_of(v.volunteer_id)
        self.bridge.submit(self.tr("Save volunteer"), lambda: d.save_many(store, [v])).then(
            self._after(self.tr("Saved %1").replace("%1", volunteer_text(v.volunteer_id, v.name)))
        ).then(undo)
        return True

    def _undo_of(self, vid: str) -> Callable[[OpResult[Any]], None]:
        """Once the change of vid's entry is saved, Ctrl+Z puts back what it was (names never
        leave the console, so a directory change can always be undone while it is the last)."""
        store = self.bridge.core.store
        was = self.bridge.queries.volunteers([vid]).get(vid)

        def put_back() -> None:
            if was is None:
                d.delete(store, vid)
            else:
                d.save_many(store, [was])

        def remember(result: OpResult[Any]) -> None:
            if result.ok:
                self.bridge.remember_undo("directory", vid, put_back)

        return remember

    @Slot()
    def delete(self) -> bool:
        vid = self.id_edit.text().strip()
        if not vid:
            return False
        store = self.bridge.core.store
        undo = self._undo_of(vid)
        self.bridge.submit(self.tr("Delete volunteer"), lambda: d.delete(store, vid)).then(
            self._after(self.tr("Deleted %1").replace("%1", vid))
        ).then(undo)
        self.clear_form()
        return True

    @Slot()
    def import_file(self, path: str | Path | None = None) -> ImportDialog | None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import volunteers"), "", self.tr("CSV files (*.csv *.txt)")
            )
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        try:
            preview = d.parse_csv(path.read_bytes())
        except OSError as exc:
            self.status.setText(
                self.tr("Could not read %1: %2").replace("%1", str(path)).replace("%2", str(exc))
            )
            return None
        dialog = ImportDialog(path, preview, set(self.bridge.queries.volunteers()), self)
        dialog.accepted.connect(lambda: self._import(preview))
        dialog.open()
        return dialog

    def _import(self, preview: ImportPreview) -> None:
        rows = preview.volunteers
        store = self.bridge.core.store
        self.bridge.submit(self.tr("Import volunteers"), lambda: d.save_many(store, rows)).then(
            self._after(self.tr("Imported %n volunteer(s)", "", len(rows)))
        )
