"""Tray notifications when a spot frees or an application fills; silent where there is no tray."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from core.resources import resource_path

log = logging.getLogger(__name__)

MESSAGE_MS = 8000


def app_icon() -> QIcon:
    """The console's icon (a green badge with a white heart), the same file the menu entry uses."""
    icon = QIcon(str(resource_path("icons", "volunteer-console.svg")))
    icon.addFile(str(resource_path("icons", "volunteer-console.png")))
    return icon


class TrayNotifier(QObject):
    """Shows a tray balloon per event; where no tray exists it only remembers the last one."""

    message_clicked = Signal()  # the coordinator clicked a balloon: bring the window forward

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_message: tuple[str, str] | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip(self.tr("Volunteer Console"))
            self.tray.messageClicked.connect(self.message_clicked)
            self.tray.show()

    def connect_bridge(self, bridge: Any) -> None:
        bridge.spot_freed.connect(self._on_bridge_spot_freed)
        bridge.application_filled.connect(self._on_bridge_application_filled)

    @Slot(str)
    def _on_bridge_spot_freed(self, name: str) -> None:
        self.notify(
            self.tr("A spot is free"),
            self.tr("%1: a spot freed up and is offered to the waitlist.").replace("%1", name),
        )

    @Slot(str)
    def _on_bridge_application_filled(self, name: str) -> None:
        self.notify(
            self.tr("Application filled"),
            self.tr("%1: every spot is taken.").replace("%1", name),
        )

    def notify(self, title: str, text: str) -> None:
        self.last_message = (title, text)
        if self.tray is None:
            log.debug("no system tray; not shown: %s: %s", title, text)
            return
        self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
