"""The log views: a table of logged messages above the selected one in full (fields, then body).

One LogView shows either log; what it shows is its model, its proxy (the message log filters by
application and volunteer) and the fields its selected row is described by. MessageLogView
is every message in and out, appended live; RejectedView the messages the console refused.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, QTimer, Slot
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.queries import RejectedRow
from core.records import LoggedMessage
from gui.log_models import (
    MessageFilterProxy,
    MessageLogModel,
    RejectedModel,
    direction_label,
    local_time,
    outcome_label,
    pretty_json,
    reason_text,
)
from gui.table_model import KeyedTableModel

MESSAGE_ROWS = 5000
REJECTED_ROWS = 500
SETTLE_MS = 1000


class LogView(QWidget):
    """A bar (self.bar) over a table of a log's rows over the selected row's fields and body.

    name prefixes the table's and the detail's object names. Subclasses fill the bar, say
    what the detail reads while nothing is selected, and a row's fields.
    """

    def __init__(
        self,
        bridge: Any,
        model: KeyedTableModel,
        proxy: QSortFilterProxyModel,
        *,
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.model = model
        self.proxy = proxy
        model.setParent(self)
        proxy.setParent(self)
        proxy.setSourceModel(model)
        self.bar = QHBoxLayout()

        self.table = QTableView(self)
        self.table.setObjectName(f"{name}Table")
        self.table.setModel(proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)  # as in the applications list
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName(f"{name}Detail")
        self.detail.setReadOnly(True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(self.bar)
        layout.addWidget(splitter)

        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    def fields(self, row: Any) -> list[tuple[str, str]]:
        """The selected row's labelled fields, shown above its body."""
        raise NotImplementedError

    def selected_row(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def describe(self, row: Any) -> str:
        fields = "\n".join(f"{k}: {v}" for k, v in self.fields(row))
        return fields + "\n\n" + pretty_json(row.body)

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: Any, _deselected: Any) -> None:
        row = self.selected_row()
        self.detail.setPlainText(self.describe(row) if row is not None else "")


class MessageLogView(LogView):
    """Every message in and out, filterable: loaded from the database once, then appended live."""

    model: MessageLogModel
    proxy: MessageFilterProxy

    def __init__(
        self,
        bridge: Any,
        parent: QWidget | None = None,
        max_rows: int = MESSAGE_ROWS,
        *,
        lazy: bool = False,
    ) -> None:
        super().__init__(
            bridge,
            MessageLogModel(max_rows),
            MessageFilterProxy(),
            name="message",
            parent=parent,
        )
        self.detail.setPlaceholderText(self.tr("Select a message to see its body."))
        self.application_filter = QLineEdit(self)
        self.application_filter.setObjectName("applicationFilter")
        self.application_filter.setPlaceholderText(self.tr("Application id"))
        self.application_filter.setClearButtonEnabled(True)
        self.volunteer_filter = QLineEdit(self)
        self.volunteer_filter.setObjectName("volunteerFilter")
        self.volunteer_filter.setPlaceholderText(self.tr("Volunteer id"))
        self.volunteer_filter.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.bar.addWidget(QLabel(self.tr("Filter:"), self))
        self.bar.addWidget(self.application_filter, 1)
        self.bar.addWidget(self.volunteer_filter, 1)
        self.bar.addWidget(self.count)

        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # What became of each message is read first: the outcome sits beside the direction,
        # the exchange (the longest, least read) last, so 1024 px never pushes it off-screen.
        for place, column in enumerate((5, 4, 3, 2), start=2):  # outcome, action, key, exchange
            header.moveSection(header.visualIndex(column), place)
        header.resizeSection(0, 150)
        header.resizeSection(5, 150)
        header.resizeSection(4, 220)
        header.resizeSection(3, 250)

        self.application_filter.textChanged.connect(self._on_application_filter_text_changed)
        self.volunteer_filter.textChanged.connect(self._on_volunteer_filter_text_changed)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        bridge.messages_logged.connect(self._on_bridge_messages_logged)
        bridge.backlog_changed.connect(self._on_bridge_backlog_changed)
        # The bridge says when the backlog count changes, but a message committed and sent
        # between two of its ticks leaves the count as it was (0 -> 0): its row would read
        # "pending" forever. So while rows are unsettled, the view asks once a second.
        self._unsettled = False
        self.settle_timer = QTimer(self)
        self.settle_timer.setInterval(SETTLE_MS)
        self.settle_timer.timeout.connect(self._on_settle_timer_timeout)

        # lazy (the window's tab): read when first shown. The window starts on the
        # applications, and reading 2 x 5,000 log rows was part of its start at every size.
        self._loaded = False
        if not lazy:
            self.reload()

    def reload(self) -> None:
        """Read the newest rows from the database again (also at start)."""
        self._loaded = True
        self.model.set_rows(self.bridge.queries.messages(limit=self.model.max_rows))
        self._update_count()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._loaded:
            self.reload()
        super().showEvent(event)

    @Slot(list)
    def _on_bridge_messages_logged(self, logged: list[Any]) -> None:
        if not self._loaded:
            return  # the first show reads them with the rest
        bar = self.table.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum()
        self.model.append_logged(logged)
        if any(m.direction == "out" for m in logged):
            self._unsettled = True
            if not self.settle_timer.isActive():
                self.settle_timer.start()
        if at_bottom:
            self.table.scrollToBottom()  # follow the log unless the coordinator scrolled up

    @Slot(int)
    def _on_bridge_backlog_changed(self, backlog: int) -> None:
        self.model.settle_outbound(backlog)
        if backlog == 0:
            self._unsettled = False
            self.settle_timer.stop()
        self._on_table_selection_changed(None, None)  # the detail pane shows the outcome too

    @Slot()
    def _on_settle_timer_timeout(self) -> None:
        if not self._unsettled:
            self.settle_timer.stop()
            return
        try:
            backlog = self.bridge.backlog()
        except Exception:  # the database may be closing under us at shutdown
            self.settle_timer.stop()
            return
        self._on_bridge_backlog_changed(backlog)

    @Slot(str)
    def _on_application_filter_text_changed(self, _text: str) -> None:
        self._apply_filters()

    @Slot(str)
    def _on_volunteer_filter_text_changed(self, _text: str) -> None:
        self._apply_filters()

    def _apply_filters(self) -> None:
        self.proxy.set_filters(self.application_filter.text(), self.volunteer_filter.text())
        self._update_count()

    def fields(self, r: LoggedMessage) -> list[tuple[str, str]]:
        # labels are translated outside f-strings: lupdate does not look inside them
        fields = [
            (self.tr("Time"), local_time(r.at)),
            (self.tr("Direction"), direction_label(r.direction)),
            (self.tr("Exchange"), r.exchange),
            (self.tr("Routing key"), r.routing_key),
            (self.tr("Action"), r.action),
            (self.tr("Outcome"), outcome_label(r.outcome, r.direction)),
        ]
        if r.application_id:
            fields.append((self.tr("Application"), r.application_id))
        if r.volunteer_id:
            fields.append((self.tr("Volunteer"), r.volunteer_id))
        return fields

    @Slot()
    def _update_count(self, *_args: Any) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            self.count.setText(self.tr("%n message(s)", "", total))
        else:
            self.count.setText(
                self.tr("%1 of %2").replace("%1", str(shown)).replace("%2", str(total))
            )


class RejectedView(LogView):
    """Messages the console refused: refreshed whenever the bridge says one was rejected."""

    model: RejectedModel

    def __init__(
        self, bridge: Any, parent: QWidget | None = None, max_rows: int = REJECTED_ROWS
    ) -> None:
        super().__init__(
            bridge,
            RejectedModel(max_rows),
            QSortFilterProxyModel(),
            name="rejected",
            parent=parent,
        )
        self.detail.setPlaceholderText(self.tr("Select a message to see why it was refused."))
        self.summary = QLabel(self)
        self.summary.setObjectName("rejectedSummary")
        self.summary.setWordWrap(True)
        self.bar.addWidget(self.summary)

        header = self.table.horizontalHeader()
        header.resizeSection(0, 150)
        header.resizeSection(1, 230)
        header.resizeSection(2, 220)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the reason
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)

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

    def fields(self, r: RejectedRow) -> list[tuple[str, str]]:
        # labels are translated outside f-strings: lupdate does not look inside them
        return [
            (self.tr("Received"), local_time(r.received_at)),
            (self.tr("Reason"), reason_text(r)),
            (self.tr("Exchange"), r.exchange),
            (self.tr("Routing key"), r.routing_key),
            (self.tr("Message id"), r.message_id),
            (self.tr("Size"), self.tr("%n byte(s)", "", r.size)),
        ]
