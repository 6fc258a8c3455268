"""The one table-model base: immutable rows keyed by an id, changed by inserts/removes/changes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from operator import attrgetter
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

RowRole = Qt.ItemDataRole.UserRole + 1  # the immutable row object itself
SortRole = Qt.ItemDataRole.UserRole + 2  # a value that sorts the column naturally
KeyRole = Qt.ItemDataRole.UserRole + 4  # the row's key (+3 is gui.models.FillRole)

Index = QModelIndex | QPersistentModelIndex

_BASE_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), RowRole, SortRole, KeyRole})


def header_text(
    headers: Sequence[Any],
    section: int,
    orientation: Qt.Orientation,
    role: int,
    context: str = "models",
) -> Any:
    """A column title in the interface language, for the horizontal header's display role."""
    if (
        role == Qt.ItemDataRole.DisplayRole
        and orientation == Qt.Orientation.Horizontal
        and 0 <= section < len(headers)
    ):
        return QCoreApplication.translate(context, str(headers[section]))
    return None


class TableModel(QAbstractTableModel):
    """Columns, titles and flags of a read-only flat table; KeyedTableModel adds the rows.

    A model whose rows are not held in memory (gui.models.WaitlistModel reads them a page at a
    time) stands on this part alone.
    """

    headers: ClassVar[Sequence[Any]] = ()  # QT_TRANSLATE_NOOP'd texts (typed object)
    tr_context: ClassVar[str] = "models"  # the context headers were marked in

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        return header_text(self.headers, section, orientation, role, self.tr_context)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class KeyedTableModel(TableModel):
    """Rows keyed by an id; set_rows diffs against the current rows instead of resetting.

    A subclass names its columns (headers), how a row is keyed (key_attr, or key()) and each
    cell's text (display()); everything that changes rows signals only the rows it changed.
    """

    key_attr: ClassVar[str] = ""  # the row attribute key() returns, read in C by set_rows
    # Roles extra() answers. Painting asks every visible cell for ~8 roles; the others are
    # refused before any Python work (measured: data() was half of a table's paint time).
    extra_roles: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._pos: dict[Hashable, int] = {}
        self._roles = _BASE_ROLES | self.extra_roles
        self._getkey: Callable[[Any], Hashable] = (
            attrgetter(self.key_attr) if self.key_attr else self.key
        )
        # id(row) -> (row, its cells' texts): rows are immutable, so a row's texts are made
        # once, not on every repaint; a replaced row is a new object and misses the cache.
        self._texts: dict[int, tuple[Any, tuple[str, ...]]] = {}

    # -- subclass hooks -----------------------------------------------------------------
    def key(self, row: Any) -> Hashable:
        if self.key_attr:
            return self._getkey(row)
        raise NotImplementedError

    def display(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def sort_value(self, row: Any, column: int) -> Any:
        return self.display(row, column)

    def extra(self, row: Any, column: int, role: int) -> Any:
        return None

    # -- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        i = index.row()  # -1 for an invalid index
        if role not in self._roles or not 0 <= i < len(self._rows):
            return None
        row = self._rows[i]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(row)[col] if 0 <= col < len(self.headers) else None
        if role == RowRole:
            return row
        if role == KeyRole:
            return self._getkey(row)
        if role == SortRole:
            return self.sort_value(row, col)
        return self.extra(row, col, role)

    def texts(self, row: Any) -> tuple[str, ...]:
        """Every column's display text of row, made once per row object."""
        hit = self._texts.get(id(row))
        if hit is not None and hit[0] is row:
            return hit[1]
        if len(self._texts) > 2 * len(self._rows) + 256:
            self._texts.clear()  # forget rows long gone
        texts = tuple(self.display(row, c) for c in range(len(self.headers)))
        self._texts[id(row)] = (row, texts)
        return texts

    # -- rows ---------------------------------------------------------------------------
    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, i: int) -> Any:
        return self._rows[i]

    def row_of(self, key: Hashable) -> int:
        return self._pos.get(key, -1)

    def _reindex(self) -> None:
        self._pos = {k: i for i, k in enumerate(map(self._getkey, self._rows))}

    def clear(self) -> None:
        if self._rows:
            self.beginRemoveRows(QModelIndex(), 0, len(self._rows) - 1)
            self._rows = []
            self._pos = {}
            self.endRemoveRows()

    def _emit_changed(self, rows: Iterable[int]) -> None:
        """One dataChanged per run of neighbouring rows (given in any order).

        One signal per row cost ~60 ms at 10,000 rows when a waitlist's front moved, and one
        signal from the lowest to the highest changed row made a sorting proxy re-sort nearly
        every row.
        """
        changed = sorted(set(rows))
        if not changed:
            return
        last = max(0, self.columnCount() - 1)
        start = prev = changed[0]
        for i in [*changed[1:], -2]:
            if i != prev + 1:
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
                start = i
            prev = i

    def replace_at(self, rows: dict[int, Any], *, span: bool = False) -> None:
        """Put new versions of rows at those row numbers (their keys stay as they were).

        span: one dataChanged from the first to the last of them, for rows scattered among
        unchanged ones under a view that only repaints (no sorting proxy re-sorts the span).
        """
        for i, row in rows.items():
            self._rows[i] = row
        if span and rows:
            last = max(0, self.columnCount() - 1)
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))
        else:
            self._emit_changed(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Make the model hold rows, in that order, with the fewest inserts/removes/changes.

        Linear in the rows with the key work done in C (attrgetter).
        """
        rows = list(rows)
        getkey = self._getkey
        new_keys = list(map(getkey, rows))
        if new_keys != list(map(getkey, self._rows)):
            self._place_keys(rows, new_keys)
        cur = self._rows
        self.replace_at(
            {
                i: new
                for i, (old, new) in enumerate(zip(cur, rows, strict=True))
                if not (old is new or old == new)
            }
        )

    def _place_keys(self, rows: list[Any], new_keys: list[Hashable]) -> None:
        """Removals, a reorder of survivors, insertions: afterwards the keys are new_keys."""
        old_keys = list(map(self._getkey, self._rows))
        n_old = len(old_keys)
        if new_keys[:n_old] == old_keys:  # only appended: how a roster or waitlist grows
            self.beginInsertRows(QModelIndex(), n_old, len(rows) - 1)
            self._rows.extend(rows[n_old:])
            self._pos.update((k, i) for i, k in enumerate(new_keys[n_old:], start=n_old))
            self.endInsertRows()
            return
        wanted = set(new_keys)
        # 1. removals, from the end so earlier indexes stay valid, in contiguous runs
        i = len(old_keys) - 1
        removed = False
        while i >= 0:
            if old_keys[i] in wanted:
                i -= 1
                continue
            end = i
            while i >= 0 and old_keys[i] not in wanted:
                i -= 1
            self.beginRemoveRows(QModelIndex(), i + 1, end)
            del self._rows[i + 1 : end + 1]
            self.endRemoveRows()
            removed = True
        if removed:
            self._reindex()
        # 2. survivors out of order: one layout change that keeps persistent indexes right
        survivors = [k for k in new_keys if k in self._pos]
        if survivors != list(map(self._getkey, self._rows)):
            self.layoutAboutToBeChanged.emit()
            key_at = {p: k for k, p in self._pos.items()}
            by_key = dict(zip(map(self._getkey, self._rows), self._rows, strict=True))
            self._rows = [by_key[k] for k in survivors]
            self._reindex()
            old_list, new_list = [], []
            for pidx in self.persistentIndexList():
                new_row = self._pos.get(key_at.get(pidx.row()), -1)
                old_list.append(pidx)
                moved = self.index(new_row, pidx.column()) if new_row >= 0 else QModelIndex()
                new_list.append(moved)
            self.changePersistentIndexList(old_list, new_list)
            self.layoutChanged.emit()
        # 3. insertions at their places, in contiguous runs (survivors already in order)
        present = self._pos
        i, n = 0, len(rows)
        inserted = False
        while i < n:
            if new_keys[i] in present:
                i += 1
                continue
            start = i
            while i < n and new_keys[i] not in present:
                i += 1
            self.beginInsertRows(QModelIndex(), start, i - 1)
            self._rows[start:start] = rows[start:i]
            self.endInsertRows()
            inserted = True
        if inserted:
            self._reindex()

    def add_rows(self, rows: Sequence[Any], *, limit: int, at_top: bool = False) -> None:
        """Insert new rows (keys not shown yet) at the end, or the top, keeping at most limit.

        A log view grows at one end; the rows past the limit then drop off the other end.
        rows come in the order they are shown.
        """
        if limit <= 0:
            self.clear()
            return
        rows = list(rows[:limit] if at_top else rows[-limit:])
        if not rows:
            return
        at = 0 if at_top else len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows[at:at] = rows
        if at_top:
            self._reindex()
        else:
            self._pos.update((self._getkey(r), i) for i, r in enumerate(rows, start=at))
        self.endInsertRows()
        n = len(self._rows)
        overflow = n - limit
        if overflow > 0:
            first, last = (n - overflow, n - 1) if at_top else (0, overflow - 1)
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self._reindex()
            self.endRemoveRows()

    def upsert(self, row: Any) -> None:
        """Change one row in place, or append it when its key is new."""
        i = self._pos.get(self._getkey(row), -1)
        if i >= 0:
            if self._rows[i] != row:
                self.replace_at({i: row})
            return
        self.add_rows([row], limit=len(self._rows) + 1)

    def remove_key(self, key: Hashable) -> None:
        i = self._pos.get(key, -1)
        if i < 0:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._rows[i]
        self._reindex()
        self.endRemoveRows()
