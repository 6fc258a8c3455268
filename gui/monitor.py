"""The queue monitor: depth, consumers and rates of the fund's queues, polled every few seconds."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.log_models import QueueStatsModel

log = logging.getLogger(__name__)

REFRESH_MS = 3000


class QueueMonitor(QWidget):
    """A table of the queues; says "offline" when the broker cannot be asked."""

    refreshed = Signal()  # after each poll, whatever it found

    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.model = QueueStatsModel(self)
        self._task: asyncio.Future[Any] | None = None

        self.table = QTableView(self)
        self.table.setObjectName("queueTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)  # as in the applications list
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the long queue name

        self.note = QLabel(self)
        self.note.setObjectName("queueNote")
        self.note.setWordWrap(True)
        self.note.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.table)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()
        bridge.broker_status_changed.connect(self._on_bridge_broker_status_changed)
        QTimer.singleShot(0, self._on_timer_timeout)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._task is not None and not self._task.done():
            return  # a slow broker: never stack polls
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no qasync loop (a bare widget in a test): nothing to poll with
        self._task = asyncio.ensure_future(self.refresh())

    @Slot(object)
    def _on_bridge_broker_status_changed(self, status: Any) -> None:
        self._show_note(self.model.rowCount() == 0, status)

    async def refresh(self) -> None:
        """Ask the broker once and update the table in place."""
        try:
            stats = await self.bridge.queue_stats()
        except Exception as exc:  # the management side failing must not take the window down
            log.warning("queue stats unavailable: %s", exc)
            stats = []
        self.model.set_stats(stats)
        self._show_note(not stats, self.bridge.status())
        self.refreshed.emit()

    def _show_note(self, empty: bool, status: Any) -> None:
        state = getattr(status, "state", None)
        if empty and state != "connected":
            detail = getattr(status, "detail", "") or ""
            text = self.tr("Offline: the broker is not connected, so queue figures are unknown.")
            if detail:
                text += " " + detail
            self.note.setText(text)
            self.note.show()
        elif empty:
            self.note.setText(self.tr("No queue figures yet."))
            self.note.show()
        else:
            self.note.hide()

    def stop(self) -> None:
        self.timer.stop()
        if self._task is not None and not self._task.done():
            self._task.cancel()
