"""Table models for the monitoring views: queue depths, the message log and rejected messages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from core.queries import RejectedRow
from core.records import LoggedMessage
from gui.display import rejection_text
from gui.table_model import Index, KeyedTableModel

if TYPE_CHECKING:  # the stats module loads aio-pika: the window starts without it
    from core.broker.stats import QueueStats

translate = QCoreApplication.translate  # lupdate finds translate("Context", "text")

WARNING = QBrush(QColor(176, 0, 32))
MUTED = QBrush(QColor(110, 110, 110))


def local_time(when: datetime | None) -> str:
    """Core keeps naive UTC; a coordinator reads the clock on the wall."""
    if when is None:
        return ""
    return when.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def pretty_json(body: str) -> str:
    """The body indented when it is JSON, as it came when it is not (that is often why)."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        return body


# -- queues ---------------------------------------------------------------------------------


ROLE_ORDER = {"responses": 0, "waiting": 1, "dead_letters": 2}


def role_label(role: str) -> str:
    labels = {
        "responses": translate("LogModels", "Responses"),
        "waiting": translate("LogModels", "Waiting requests"),
        "dead_letters": translate("LogModels", "Dead letters"),
    }
    return labels.get(role, role)


class QueueStatsModel(KeyedTableModel):
    """The fund's queues, keyed by name: a refresh changes cells in place, never resets."""

    COLUMNS = ("role", "name", "messages", "consumers", "in_rate", "out_rate")
    key_attr = "name"
    tr_context = "LogModels"
    headers = (
        QT_TRANSLATE_NOOP("LogModels", "Queue"),
        QT_TRANSLATE_NOOP("LogModels", "Name"),
        QT_TRANSLATE_NOOP("LogModels", "Messages"),
        QT_TRANSLATE_NOOP("LogModels", "Consumers"),
        QT_TRANSLATE_NOOP("LogModels", "In, msg/s"),
        QT_TRANSLATE_NOOP("LogModels", "Out, msg/s"),
    )
    extra_roles = frozenset(
        {
            int(Qt.ItemDataRole.TextAlignmentRole),
            int(Qt.ItemDataRole.ForegroundRole),
            int(Qt.ItemDataRole.ToolTipRole),
        }
    )

    def display(self, r: QueueStats, column: int) -> str:
        col = self.COLUMNS[column]
        if col == "role":
            return role_label(r.role)
        if col in ("in_rate", "out_rate"):
            return QLocale().toString(getattr(r, col), "f", 1)  # 1,5 in Russian
        if col in ("messages", "consumers"):
            return QLocale().toString(getattr(r, col))
        return str(getattr(r, col))

    def extra(self, r: QueueStats, column: int, role: int) -> Any:
        col = self.COLUMNS[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in ("role", "name"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.role == "dead_letters" and r.messages > 0:
                return WARNING
            if r.role != "dead_letters" and r.consumers == 0 and col == "consumers":
                return WARNING
        if role == Qt.ItemDataRole.ToolTipRole and r.role == "dead_letters" and r.messages:
            return translate("LogModels", "Messages the console could not process; see Rejected.")
        return None

    def set_stats(self, stats: Iterable[QueueStats]) -> None:
        """Update by queue name: changed cells get dataChanged, new queues are inserted."""
        rows = sorted(
            {q.name: q for q in stats}.values(),
            key=lambda q: (ROLE_ORDER.get(q.role, 9), q.name),
        )
        self.set_rows(rows)


# -- the message log ------------------------------------------------------------------------


def direction_label(direction: str) -> str:
    return {"in": translate("LogModels", "in"), "out": translate("LogModels", "out")}.get(
        direction, direction
    )


def outcome_label(outcome: str, direction: str) -> str:
    """Translate the outcome word; the reason after it stays as core wrote it."""
    if direction == "out" and not outcome:
        outcome = "pending"
    word, sep, rest = outcome.partition(":")
    words = {
        "applied": translate("LogModels", "applied"),
        "rejected": translate("LogModels", "rejected"),
        "ignored": translate("LogModels", "ignored"),
        "duplicate": translate("LogModels", "duplicate"),
        "sent": translate("LogModels", "sent"),
        "pending": translate("LogModels", "pending"),
        "failed": translate("LogModels", "failed"),
    }
    return words.get(word, word) + sep + rest


class MessageLogModel(KeyedTableModel):
    """Every message in and out, oldest first, capped to the newest max_rows."""

    COLUMNS = ("at", "direction", "exchange", "routing_key", "action", "outcome")
    key_attr = "key"
    tr_context = "LogModels"
    headers = (
        QT_TRANSLATE_NOOP("LogModels", "Time"),
        QT_TRANSLATE_NOOP("LogModels", "Direction"),
        QT_TRANSLATE_NOOP("LogModels", "Exchange"),
        QT_TRANSLATE_NOOP("LogModels", "Routing key"),
        QT_TRANSLATE_NOOP("LogModels", "Action"),
        QT_TRANSLATE_NOOP("LogModels", "Outcome"),
    )
    extra_roles = frozenset({int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.ForegroundRole)})

    def __init__(self, max_rows: int = 5000, parent: Any = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self._live = 0

    def display(self, r: LoggedMessage, column: int) -> str:
        col = self.COLUMNS[column]
        if col == "at":
            return local_time(r.at)
        if col == "direction":
            return direction_label(r.direction)
        if col == "outcome":
            return outcome_label(r.outcome, r.direction)
        return getattr(r, col) or ""

    def extra(self, r: LoggedMessage, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.texts(r)[column] if self.COLUMNS[column] == "outcome" else None
        if r.outcome.startswith("rejected"):
            return WARNING
        if r.outcome.startswith("ignored"):
            return MUTED
        return None

    def set_rows(self, rows: Sequence[LoggedMessage]) -> None:
        super().set_rows(rows[-self.max_rows :] if self.max_rows > 0 else [])

    def append_logged(self, logged: Iterable[LoggedMessage]) -> None:
        """Append messages as they are committed, keyed apart from the rows read back."""
        rows = []
        for m in logged:
            self._live += 1
            rows.append(replace(m, key=f"live:{self._live}"))
        self.append_rows(rows)

    def append_rows(self, rows: Sequence[LoggedMessage]) -> None:
        self.add_rows(rows, limit=self.max_rows)

    def settle_outbound(self, backlog: int) -> None:
        """The relay sends in commit order: all but the newest `backlog` pending rows are sent."""
        pending = [
            i
            for i, r in enumerate(self._rows)
            if r.direction == "out" and r.outcome in ("", "pending")
        ]
        settled = pending[: max(0, len(pending) - max(0, backlog))]
        if not settled:
            return
        # one signal for the span: a view repaints its viewport for either, and under load a
        # second's worth of sends (~1,400 rows) as one signal each took ~10 ms
        self.replace_at({i: replace(self._rows[i], outcome="sent") for i in settled}, span=True)


class MessageFilterProxy(QSortFilterProxyModel):
    """Rows of the application and the volunteer the coordinator typed (either may be empty)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._application = ""
        self._volunteer = ""

    def set_filters(self, application_id: str, volunteer_id: str) -> None:
        application_id, volunteer_id = application_id.strip(), volunteer_id.strip()
        if (application_id, volunteer_id) == (self._application, self._volunteer):
            return
        self.beginFilterChange()
        self._application, self._volunteer = application_id, volunteer_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, MessageLogModel) or source_parent.isValid():
            return True
        r = model.row_at(source_row)
        # exact: ids are opaque, and volunteer "1" must not also show volunteers 12 and 21
        if self._application and self._application != r.application_id:
            return False
        return not (self._volunteer and self._volunteer != r.volunteer_id)


# -- rejected messages ----------------------------------------------------------------------


def reason_text(r: RejectedRow) -> str:
    """Why a message was refused, in the interface language (the header keeps core's English)."""
    return rejection_text(r.kind, r.params, r.reason)


class RejectedModel(KeyedTableModel):
    """Messages the console refused: when, where from, why. Oldest first, newest appended."""

    COLUMNS = ("received_at", "exchange", "routing_key", "reason", "size")
    key_attr = "id"
    tr_context = "LogModels"
    headers = (
        QT_TRANSLATE_NOOP("LogModels", "Received"),
        QT_TRANSLATE_NOOP("LogModels", "Exchange"),
        QT_TRANSLATE_NOOP("LogModels", "Routing key"),
        QT_TRANSLATE_NOOP("LogModels", "Reason"),
        QT_TRANSLATE_NOOP("LogModels", "Bytes"),
    )
    extra_roles = frozenset(
        {int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.TextAlignmentRole)}
    )

    def __init__(self, max_rows: int = 500, parent: Any = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows

    def last_id(self) -> int:
        return self._rows[-1].id if self._rows else 0

    def display(self, r: RejectedRow, column: int) -> str:
        col = self.COLUMNS[column]
        if col == "received_at":
            return local_time(r.received_at)
        if col == "size":
            return str(r.size)
        if col == "reason":
            return reason_text(r)
        return getattr(r, col) or ""

    def extra(self, r: RejectedRow, column: int, role: int) -> Any:
        col = self.COLUMNS[column]
        if role == Qt.ItemDataRole.ToolTipRole and col == "reason":
            return self.texts(r)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == "size":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def merge(self, rows: Sequence[RejectedRow]) -> None:
        """Append rows newer than the last one shown (ids only grow); cap the oldest away."""
        last = self.last_id()
        self.add_rows([r for r in rows if r.id > last], limit=self.max_rows)
