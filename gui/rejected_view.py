"""Rejected messages: what came in, why the console refused it, when, and the body as received."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.queries import RejectedRow
from gui.log_models import RejectedModel, local_time, pretty_json, reason_text

MAX_ROWS = 500


class RejectedView(QWidget):
    """Refreshed from the database whenever the bridge says something was rejected."""

    def __init__(
        self, bridge: Any, parent: QWidget | None = None, max_rows: int = MAX_ROWS
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.model = RejectedModel(max_rows, self)

        self.summary = QLabel(self)
        self.summary.setObjectName("rejectedSummary")
        self.summary.setWordWrap(True)

        self.table = QTableView(self)
        self.table.setObjectName("rejectedTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)  # as in the applications list
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 150)
        header.resizeSection(1, 230)
        header.resizeSection(2, 220)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the reason
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)

        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("rejectedDetail")
        self.detail.setReadOnly(True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText(self.tr("Select a message to see why it was refused."))

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter)

        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        bridge.rejected_added.connect(self._on_bridge_rejected_added)
        self.refresh()

    def refresh(self) -> None:
        self.model.merge(self.bridge.queries.rejected(limit=self.model.max_rows))
        n = self.model.rowCount()
        if n:
            self.summary.setText(
                self.tr(
                    "%n message(s) could not be processed. They changed nothing and are kept"
                    " here so the sender can be told what to fix.",
                    "",
                    n,
                )
            )
        else:
            self.summary.setText(self.tr("No rejected messages."))

    @Slot(int)
    def _on_bridge_rejected_added(self, _count: int) -> None:
        self.refresh()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: Any, _deselected: Any) -> None:
        row = self.selected_row()
        self.detail.setPlainText(self.describe(row) if row is not None else "")

    def selected_row(self) -> RejectedRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def describe(self, r: RejectedRow) -> str:
        # labels are translated outside f-strings: lupdate does not look inside them
        fields = [
            (self.tr("Received"), local_time(r.received_at)),
            (self.tr("Reason"), reason_text(r)),
            (self.tr("Exchange"), r.exchange),
            (self.tr("Routing key"), r.routing_key),
            (self.tr("Message id"), r.message_id),
            (self.tr("Size"), self.tr("%n byte(s)", "", r.size)),
        ]
        return "\n".join(f"{k}: {v}" for k, v in fields) + "\n\n" + pretty_json(r.body)
