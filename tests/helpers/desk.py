"""A main window over a local core (no broker) that records what it asked and warned."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.bridge import Bridge
from gui.main_window import MainWindow
from gui.table_model import RowRole
from tests.helpers.factories import a_form, response
from tests.helpers.qt import created, settled


class Desk:
    """A window over a local core (no broker) that records what it asked and warned."""

    def __init__(self, qtbot, core, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.core = core
        self.bridge = Bridge(core)
        self.asked: list[tuple[str, str]] = []
        self.alerts: list[str] = []
        self.answer = True
        self.window = MainWindow(
            self.bridge,
            confirm=lambda title, text: self.asked.append((title, text)) or self.answer,
            alert=self.alerts.append,
            qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        )
        qtbot.addWidget(self.window)
        self.window.show()

    def done(self, op) -> bool:
        """An action's Op committed (False: refused, or not started at all)."""
        return op is not None and settled(self.qtbot, op).ok

    def app(self, spots: int = 2, volunteers: str = "", **over) -> str:
        form = a_form(self.core.engine.clock, spots=spots, **over)
        app_id = created(self.qtbot, self.bridge.create_application(form))
        for v in volunteers.split():
            self.core.engine.handle([response("123", app_id, v)])
        self.bridge.flush()
        self.window.select_application(app_id)
        return app_id

    def chord(self, keys: str) -> None:
        """A shortcut pressed where the keyboard is, once the main window has it back.

        Offscreen no window manager hands the focus back when a dialog closes.
        """
        focus = QApplication.focusWidget()
        if focus is None or focus.window() is not self.window:
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)
            focus = QApplication.focusWidget() or self.window
        if focus is self.window.search:  # a line edit keeps Ctrl+Z and Ctrl+Del for its text
            self.window.apps_view.setFocus()
            focus = self.window.apps_view
        QTest.keySequence(focus, QKeySequence(keys))

    def status_says(self, text: str) -> None:
        """The action's Op came back and the status bar says what was done."""
        self.qtbot.waitUntil(lambda: self.window.statusBar().currentMessage() == text)

    def relay_sent_all(self) -> None:
        """Every outbox row marked sent, as the relay marks them after the broker's confirm."""
        store = self.core.store
        self.core.writer.run(
            lambda: store.mark_sent(
                [r.seq for r in store.pending_outbox()], self.core.engine.clock.now()
            )
        )

    def listed(self) -> list[str]:
        p = self.window.proxy
        return [p.index(i, 0).data(RowRole).name for i in range(p.rowCount())]
