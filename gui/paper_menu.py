"""The window's menu items for the volunteers directory and an application's paper and files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from core.directory import Volunteer
from core.queries import AppDetail

if TYPE_CHECKING:  # the directory and the sheets load when first used, not for the first paint
    from gui.directory_view import DirectoryDialog


class PaperMenu(QObject):
    """File: the volunteers directory and its import. Application: sheet, XLSX, calendar."""

    def __init__(self, window: Any, m_file: QMenu, m_app: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: DirectoryDialog | None = None
        self.act_directory = self._action(
            self.tr("&Volunteers directory…"), self.open_directory, "Ctrl+Shift+D"
        )
        self.act_import = self._action(self.tr("&Import volunteers (CSV)…"), self.import_volunteers)
        self.act_print = self._action(
            self.tr("&Print sign-in sheet…"), self.print_sheet, "Ctrl+Shift+P"
        )
        self.act_pdf = self._action(self.tr("Sign-in sheet as P&DF…"), self.save_pdf)
        self.act_xlsx = self._action(self.tr("Export roster (E&xcel)…"), self.save_xlsx)
        self.act_ics = self._action(self.tr("Add to calenda&r (.ics)…"), self.save_ics)
        items = m_file.actions()
        if len(items) > 2:  # after New and Export, before the settings
            m_file.insertActions(items[2], [self.act_directory, self.act_import])
        else:
            m_file.addActions([self.act_directory, self.act_import])
        m_app.addSeparator()
        m_app.addActions([self.act_print, self.act_pdf, self.act_xlsx, self.act_ics])
        m_app.aboutToShow.connect(self._update_actions)
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | None = None) -> QAction:
        a = QAction(text, self.window)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(a)
        return a

    @Slot()
    def _update_actions(self) -> None:
        chosen = self.window.detail.summary is not None  # .detail would read every row
        for a in (self.act_print, self.act_pdf, self.act_xlsx, self.act_ics):
            a.setEnabled(chosen)

    # -- the directory -----------------------------------------------------------------------
    def open_directory(self) -> DirectoryDialog:
        if self.dialog is None:
            from gui.directory_view import DirectoryDialog

            self.dialog = DirectoryDialog(
                self.window.bridge, self.window, on_changed=self.window.detail.reload
            )
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def import_volunteers(self, path: str | Path | None = None) -> Any:
        return self.open_directory().import_file(path)

    # -- one application's paper and files ---------------------------------------------------
    def _chosen(self) -> tuple[AppDetail, dict[str, Volunteer]] | None:
        self.window.detail.refresh()
        d = self.window.detail.detail
        if d is None:
            return None
        ids = [r.volunteer_id for r in d.roster] + [w.volunteer_id for w in d.waitlist]
        return d, self.window.bridge.queries.volunteers(ids)

    def _target(self, title: str, suffix: str, kinds: str, path: str | Path | None) -> Path | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        if path is not None:
            return Path(path)
        picked, _ = QFileDialog.getSaveFileName(
            self.window, title, f"{chosen[0].summary.name}{suffix}", kinds
        )
        return Path(picked) if picked else None

    def _save(
        self, path: Path | None, write: Callable[[AppDetail, dict[str, Volunteer], Path], None]
    ) -> bool:
        chosen = self._chosen()
        if path is None or chosen is None:
            return False
        try:
            write(chosen[0], chosen[1], path)
        except OSError as exc:
            self.window.alert(
                self.tr("Could not save %1: %2").replace("%1", str(path)).replace("%2", str(exc))
            )
            return False
        self.window.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(path)), 5000)
        return True

    def save_pdf(self, path: str | Path | None = None) -> bool:
        target = self._target(self.tr("Sign-in sheet"), ".pdf", self.tr("PDF files (*.pdf)"), path)
        from gui import sheets

        return self._save(target, lambda d, p, t: sheets.save_sheet_pdf(d, p, t))

    def save_xlsx(self, path: str | Path | None = None) -> bool:
        target = self._target(
            self.tr("Export roster"), ".xlsx", self.tr("Excel workbooks (*.xlsx)"), path
        )
        checkin = self.window.bridge.queries.checkin  # the timesheet sheet, once marked
        from gui import sheets

        return self._save(target, lambda d, p, t: sheets.save_xlsx(d, p, t, checkin(d.summary.id)))

    def save_ics(self, path: str | Path | None = None) -> bool:
        target = self._target(
            self.tr("Add to calendar"), ".ics", self.tr("Calendar files (*.ics)"), path
        )
        fund = self.window.bridge.fund_id
        from gui import sheets

        return self._save(target, lambda d, _p, t: sheets.save_ics(d, fund, t))

    def print_sheet(self) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        chosen = self._chosen()
        if chosen is None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.window)
        dialog.setWindowTitle(self.tr("Print sign-in sheet"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        from gui.sheets import print_sheet

        print_sheet(chosen[0], chosen[1], printer)
        return True
