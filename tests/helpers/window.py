"""A started console core (real broker) with its bridge and window, and a volunteer client."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from core.service import ConsoleCore
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.broker import BROKER_URL, VolunteerClient, delete_fund_queues
from tests.helpers.factories import unique_fund
from tests.helpers.qt import created, run_coro, settled


class Console:
    """A started ConsoleCore, its bridge and window, and a volunteer-side client."""

    def __init__(
        self, qtbot, tmp_path: Path, url: str = BROKER_URL, fund: str | None = None
    ) -> None:
        self.qtbot = qtbot
        self.fund = fund or unique_fund()
        self.core = ConsoleCore(tmp_path / "data", self.fund, url)
        self.bridge = Bridge(self.core)
        self.confirmations: list[str] = []
        self.alerts: list[str] = []
        self.window = MainWindow(
            self.bridge,
            confirm=lambda title, _text: self.confirmations.append(title) or True,
            alert=self.alerts.append,
            qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        )
        qtbot.addWidget(self.window)
        self.window.show()
        self.volunteers = VolunteerClient(self.fund)

    def start(self, *, client: bool = True) -> None:
        run_coro(self.qtbot, self.core.start())
        if client:
            run_coro(self.qtbot, self.volunteers.start())

    def stop(self) -> None:
        self.bridge.shutdown()
        run_coro(self.qtbot, self.volunteers.close())
        run_coro(self.qtbot, self.core.stop())
        run_coro(self.qtbot, delete_fund_queues(self.fund))

    def connected(self) -> None:
        self.qtbot.waitUntil(
            lambda: self.core.transport.status.state == "connected", timeout=20_000
        )

    def respond(self, app_id: str, volunteer: int, status: str = "accepted") -> None:
        run_coro(self.qtbot, self.volunteers.respond(int(app_id), volunteer, status))

    def wait(self, predicate, timeout: int = 15_000) -> None:
        self.qtbot.waitUntil(predicate, timeout=timeout)

    def create(self, form) -> str:
        return created(self.qtbot, self.bridge.create_application(form))

    def done(self, op) -> bool:
        """Whether a window action's operation went through (False: not started or refused)."""
        return op is not None and settled(self.qtbot, op).ok

    @property
    def detail(self):
        return self.window.detail

    def roster(self) -> list[str]:
        return [r.volunteer_id for r in self.detail.roster_model.rows()]

    def waitlist(self) -> list[str]:
        return [r.volunteer_id for r in self.detail.waitlist_model.rows()]
