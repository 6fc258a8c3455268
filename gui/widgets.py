"""Small widget helpers: the fill bar delegate, a tab widget and a counted group box that
repaint less, state colours, the forms' error colour and typed numbers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionGroupBox,
    QStyleOptionViewItem,
    QStylePainter,
    QTabWidget,
    QWidget,
)

from gui.models import FillRole

ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: #5f6368;"  # a remark beside a field, not an error
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


class SteadyTabWidget(QTabWidget):
    """A QTabWidget that lays itself out (and repaints itself whole) only when that matters.

    QTabWidget answers every LayoutRequest with a full update(), and Qt sends one up the
    parent chain whenever any layout inside is re-activated, e.g. by a count label's new text:
    every flush repainted the whole window (tab bar, search box, list and all). A request with
    the same size hints as the last one changes nothing and is dropped; resizes do not come
    this way (resizeEvent lays out as before).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hints: tuple[Any, ...] | None = None

    def _layout_hints(self) -> tuple[Any, ...]:
        bar = self.tabBar()
        hints: tuple[Any, ...] = (
            self.count(),
            self.currentIndex(),
            bar.isVisibleTo(self),
            bar.sizeHint(),
            bar.minimumSizeHint(),
        )
        page = self.currentWidget()
        if page is not None:
            hints += (
                page.sizeHint(),
                page.minimumSizeHint(),
                page.minimumSize(),
                page.maximumSize(),
            )
        return hints

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.LayoutRequest:
            hints = self._layout_hints()
            if hints == self._hints:
                return True
            self._hints = hints
        return super().event(e)


class CountedBox(QGroupBox):
    """A group box whose title carries a count that moves with every flush ("Waitlist (50,123)").

    setTitle repaints the whole box, and the box is not opaque: the splitter, the tab widget
    and the window under it were repainted too (half the area painted per frame in a stream).
    A new count of the same width repaints the title only; any other title goes through
    setTitle (sizes, mnemonic).
    """

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._shown = title

    def shown_title(self) -> str:
        """The title as painted (title() may hold an earlier count of the same width)."""
        return self._shown

    def set_count_title(self, text: str) -> None:
        if text == self._shown:
            return
        metrics = self.fontMetrics()
        same_width = metrics.horizontalAdvance(text) == metrics.horizontalAdvance(self.title())
        if not same_width or _mnemonic(text) != _mnemonic(self.title()):
            self._shown = text
            self.setTitle(text)
            return
        self._shown = text
        self.setAccessibleName(text.replace("&", ""))
        option = QStyleOptionGroupBox()
        self.initStyleOption(option)
        control = QStyle.ComplexControl.CC_GroupBox
        part = QStyle.SubControl.SC_GroupBoxLabel
        label = self.style().subControlRect(control, option, part, self)
        self.update(label)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._shown == self.title():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionGroupBox()
        self.initStyleOption(option)
        option.text = self._shown
        painter.drawComplexControl(QStyle.ComplexControl.CC_GroupBox, option)


def _mnemonic(text: str) -> str:
    at = text.find("&")
    return text[at : at + 2].lower() if at >= 0 else ""


def set_label(label: QLabel, text: str, style: str | None = None, tip: str | None = None) -> None:
    """Give a status label what changed only: the broker status and the backlog come with
    every commit of a stream, and each setStyleSheet re-polished the label (palette and style
    events, a relayout of the status bar) even when the state was the same."""
    if label.text() != text:
        label.setText(text)
    if style is not None and label.styleSheet() != style:
        label.setStyleSheet(style)
    if tip is not None and label.toolTip() != tip:
        label.setToolTip(tip)


def state_style(state: str) -> str:
    """Calm colours for the broker state: offline is grey/amber, never alarming red."""
    return {
        "connected": "color: #2e7d32;",
        "connecting": "color: #8a6d00;",
        "reconnecting": "color: #b26a00;",
        "paused": "color: #b26a00; font-weight: bold;",
        "offline": "color: #6d6d6d; font-weight: bold;",
    }.get(state, "")


def typed_int(spin: QSpinBox) -> int | None:
    """What the field shows, or None when it shows no whole number (e.g. emptied)."""
    if not spin.hasAcceptableInput():
        return None
    return spin.valueFromText(spin.cleanText())
