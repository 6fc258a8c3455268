"""Small drawing helpers: the fill bar delegate and a label that can look calm or alarmed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gui.models import FillRole

SIGNED_COLOR = QColor("#3c9a5f")
HELD_COLOR = QColor("#e0a030")
TRACK_COLOR = QColor("#e4e4e4")


class FillBarDelegate(QStyledItemDelegate):
    """Draws signed/capacity as a bar: green for signed, amber for spots held for an offer."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        value = index.data(FillRole)
        if not value:
            super().paint(painter, option, index)
            return
        signed, held, capacity = value
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.brush(QPalette.ColorRole.Highlight))
        bar = option.rect.adjusted(4, 5, -4, -5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(bar, TRACK_COLOR)
        if capacity > 0:
            w_signed = round(bar.width() * min(signed, capacity) / capacity)
            w_held = round(bar.width() * min(held, capacity - min(signed, capacity)) / capacity)
            painter.fillRect(QRect(bar.left(), bar.top(), w_signed, bar.height()), SIGNED_COLOR)
            painter.fillRect(
                QRect(bar.left() + w_signed, bar.top(), w_held, bar.height()), HELD_COLOR
            )
        painter.setPen(QColor("#1d1d1d"))
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, f"{signed}/{capacity}")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width(), 90), size.height())


def state_style(state: str) -> str:
    """Calm colours for the broker state: offline is grey/amber, never alarming red."""
    return {
        "connected": "color: #2e7d32;",
        "connecting": "color: #8a6d00;",
        "reconnecting": "color: #b26a00;",
        "offline": "color: #6d6d6d; font-weight: bold;",
    }.get(state, "")
