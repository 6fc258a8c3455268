"""Tray notifications when a spot frees or an application fills; silent where there is no tray."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

log = logging.getLogger(__name__)

MESSAGE_MS = 8000


def app_icon() -> QIcon:
    """The console's icon, drawn: a green badge with a white heart (a charity, people helping)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(46, 125, 50)))
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
        s = size / 32.0
        heart = QPainterPath()
        heart.moveTo(16 * s, 26 * s)
        heart.cubicTo(4 * s, 18 * s, 5 * s, 7 * s, 11 * s, 7 * s)
        heart.cubicTo(14 * s, 7 * s, 16 * s, 10 * s, 16 * s, 11 * s)
        heart.cubicTo(16 * s, 10 * s, 18 * s, 7 * s, 21 * s, 7 * s)
        heart.cubicTo(27 * s, 7 * s, 28 * s, 18 * s, 16 * s, 26 * s)
        p.setBrush(QBrush(QColor("white")))
        p.setPen(QPen(QColor("white"), max(1.0, s)))
        p.drawPath(heart)
        p.end()
        icon.addPixmap(pixmap)
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
