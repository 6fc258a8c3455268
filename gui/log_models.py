"""Table models for the monitoring views: queue depths, the message log and rejected messages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from core.queries import MessageRow, RejectedRow
from gui.display import rejection_text

Index = QModelIndex | QPersistentModelIndex

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


class _RowsModel(QAbstractTableModel):
    """A flat table over a list of immutable rows; subclasses name the columns and cells."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.COLUMNS):
            return self.headers()[section]
        return None

    def _append_capped(self, rows: Sequence[Any], max_rows: int) -> None:
        """Insert rows at the end, first removing the oldest beyond max_rows."""
        rows = list(rows[-max_rows:]) if max_rows > 0 else []
        if not rows:
            return
        overflow = len(self._rows) + len(rows) - max_rows
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._rows[:overflow]
            self.endRemoveRows()
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()


# -- queues ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One queue as the monitor shows it (a copy of core.broker.QueueStats' fields)."""

    name: str
    role: str
    messages: int
    consumers: int
    in_rate: float
    out_rate: float

    @classmethod
    def of(cls, stats: Any) -> QueueRow:
        return cls(
            str(stats.name),
            str(stats.role),
            int(stats.messages),
            int(stats.consumers),
            float(stats.in_rate or 0.0),
            float(stats.out_rate or 0.0),
        )


ROLE_ORDER = {"responses": 0, "waiting": 1, "dead_letters": 2}


def role_label(role: str) -> str:
    labels = {
        "responses": translate("LogModels", "Responses"),
        "waiting": translate("LogModels", "Waiting requests"),
        "dead_letters": translate("LogModels", "Dead letters"),
    }
    return labels.get(role, role)


class QueueStatsModel(_RowsModel):
    """The fund's queues, keyed by name: a refresh changes cells in place, never resets."""

    COLUMNS = ("role", "name", "messages", "consumers", "in_rate", "out_rate")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []

    def headers(self) -> tuple[str, ...]:
        return (
            translate("LogModels", "Queue"),
            translate("LogModels", "Name"),
            translate("LogModels", "Messages"),
            translate("LogModels", "Consumers"),
            translate("LogModels", "In, msg/s"),
            translate("LogModels", "Out, msg/s"),
        )

    def row_at(self, row: int) -> QueueRow:
        return self._rows[row]

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "role":
                return role_label(r.role)
            if col in ("in_rate", "out_rate"):
                return QLocale().toString(getattr(r, col), "f", 1)  # 1,5 in Russian
            if col in ("messages", "consumers"):
                return QLocale().toString(getattr(r, col))
            return str(getattr(r, col))
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

    def set_stats(self, stats: Iterable[Any]) -> None:
        """Update by queue name: changed cells get dataChanged, new queues are inserted."""
        fresh = {s.name: s for s in (QueueRow.of(x) for x in stats)}
        # queues that disappeared (a different fund, or deleted on the broker)
        for row in reversed(range(len(self._rows))):
            if self._rows[row].name not in fresh:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        where = {r.name: i for i, r in enumerate(self._rows)}
        last = len(self.COLUMNS) - 1
        for name, new in sorted(
            fresh.items(), key=lambda kv: (ROLE_ORDER.get(kv[1].role, 9), kv[0])
        ):
            at_row = where.get(name)
            if at_row is None:
                at = len(self._rows)
                self.beginInsertRows(QModelIndex(), at, at)
                self._rows.append(new)
                self.endInsertRows()
            elif self._rows[at_row] != new:
                self._rows[at_row] = new
                self.dataChanged.emit(self.index(at_row, 0), self.index(at_row, last))


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


class MessageLogModel(_RowsModel):
    """Every message in and out, oldest first, capped to the newest max_rows."""

    COLUMNS = ("at", "direction", "exchange", "routing_key", "action", "outcome")

    def __init__(self, max_rows: int = 5000, parent: Any = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self._rows: list[MessageRow] = []
        self._live = 0

    def headers(self) -> tuple[str, ...]:
        return (
            translate("LogModels", "Time"),
            translate("LogModels", "Direction"),
            translate("LogModels", "Exchange"),
            translate("LogModels", "Routing key"),
            translate("LogModels", "Action"),
            translate("LogModels", "Outcome"),
        )

    def row_at(self, row: int) -> MessageRow:
        return self._rows[row]

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "at":
                return local_time(r.at)
            if col == "direction":
                return direction_label(r.direction)
            if col == "outcome":
                return outcome_label(r.outcome, r.direction)
            return getattr(r, col) or ""
        if role == Qt.ItemDataRole.ToolTipRole and col == "outcome":
            return outcome_label(r.outcome, r.direction)
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.outcome.startswith("rejected"):
                return WARNING
            if r.outcome.startswith("ignored"):
                return MUTED
        return None

    def set_rows(self, rows: Sequence[MessageRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows[-self.max_rows :]) if self.max_rows else []
        self.endResetModel()

    def append_logged(self, logged: Iterable[Any]) -> None:
        """Append core.engine.LoggedMessage rows as they are committed."""
        rows = []
        for m in logged:
            self._live += 1
            rows.append(
                MessageRow(
                    f"live:{self._live}",
                    m.direction,
                    m.at,
                    m.exchange,
                    m.routing_key,
                    m.action,
                    m.application_id,
                    m.volunteer_id,
                    m.body,
                    m.outcome,
                )
            )
        self.append_rows(rows)

    def append_rows(self, rows: Sequence[MessageRow]) -> None:
        self._append_capped(rows, self.max_rows)

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
        for i in settled:
            self._rows[i] = replace(self._rows[i], outcome="sent")
        # one signal for the span: a view repaints its viewport for either, and under load a
        # second's worth of sends (~1,400 rows) as one signal each took ~10 ms
        last = len(self.COLUMNS) - 1
        self.dataChanged.emit(self.index(settled[0], 0), self.index(settled[-1], last))


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


class RejectedModel(_RowsModel):
    """Messages the console refused: when, where from, why. Oldest first, newest appended."""

    COLUMNS = ("received_at", "exchange", "routing_key", "reason", "size")

    def __init__(self, max_rows: int = 500, parent: Any = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self._rows: list[RejectedRow] = []

    def headers(self) -> tuple[str, ...]:
        return (
            translate("LogModels", "Received"),
            translate("LogModels", "Exchange"),
            translate("LogModels", "Routing key"),
            translate("LogModels", "Reason"),
            translate("LogModels", "Bytes"),
        )

    def row_at(self, row: int) -> RejectedRow:
        return self._rows[row]

    def last_id(self) -> int:
        return self._rows[-1].id if self._rows else 0

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "received_at":
                return local_time(r.received_at)
            if col == "size":
                return str(r.size)
            if col == "reason":
                return reason_text(r)
            return getattr(r, col) or ""
        if role == Qt.ItemDataRole.ToolTipRole and col == "reason":
            return reason_text(r)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == "size":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def merge(self, rows: Sequence[RejectedRow]) -> None:
        """Append rows newer than the last one shown (ids only grow); cap the oldest away."""
        last = self.last_id()
        self._append_capped([r for r in rows if r.id > last], self.max_rows)
