"""A main window over a local core (no broker) that records what it asked and warned."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

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

    def listed(self) -> list[str]:
        p = self.window.proxy
        return [p.index(i, 0).data(RowRole).name for i in range(p.rowCount())]
