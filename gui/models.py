"""Table models over the core's immutable rows, updated by key (inserts, removes, changes)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from core.clock import shift_over
from core.queries import ActivityRow, AppSummary, OfferView, RosterRow, WaitRow, wait_key
from gui.display import (
    activity_text,
    actor_text,
    full_moment_text,
    moment_text,
    short_id,
    span_text,
    status_text,
    to_local,
    volunteer_text,
)

RowRole = Qt.ItemDataRole.UserRole + 1  # the immutable row object itself
SortRole = Qt.ItemDataRole.UserRole + 2  # a value that sorts the column naturally
FillRole = Qt.ItemDataRole.UserRole + 3  # (signed, held, capacity) for the fill bar delegate
KeyRole = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex
_EPOCH = datetime(1970, 1, 1)


def tr(text: str) -> str:
    # lupdate files a module-level tr("...") under the empty context, so look it up there
    return QCoreApplication.translate("", text)


__all__ = ["offer_text", "status_text"]  # status_text lives in gui.display; kept here for callers


def offer_text(state: str | None) -> str:
    if state is None:
        return ""
    return {
        "open": tr("offered"),
        "claimed": tr("claimed"),
        "not_selected": tr("not selected"),
        "withdrawn": tr("withdrew"),
        "passed": tr("passed on"),
        "removed": tr("removed"),
    }.get(state, state)


_BASE_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), RowRole, SortRole, KeyRole})


def header_text(
    headers: Sequence[Any], section: int, orientation: Qt.Orientation, role: int
) -> Any:
    """A column title in the interface language, for the horizontal header's display role."""
    if (
        role == Qt.ItemDataRole.DisplayRole
        and orientation == Qt.Orientation.Horizontal
        and 0 <= section < len(headers)
    ):
        return QCoreApplication.translate("models", str(headers[section]))
    return None


class KeyedTableModel(QAbstractTableModel):
    """Rows keyed by an id; set_rows diffs against the current rows instead of resetting."""

    headers: ClassVar[Sequence[Any]] = ()  # QT_TRANSLATE_NOOP'd texts (typed object)
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

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        return header_text(self.headers, section, orientation, role)

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
            return self.key(row)
        if role == SortRole:
            return self.sort_value(row, col)
        return self.extra(row, col, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

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

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Make the model hold rows, in that order, with the fewest inserts/removes/changes.

        Linear in the rows with the key work done in C (attrgetter), and one dataChanged per
        run of changed rows: a waitlist whose front moved renumbers every row, and one signal
        per row made that cost ~60 ms at 10,000 rows.
        """
        rows = list(rows)
        getkey = self._getkey
        new_keys = list(map(getkey, rows))
        if new_keys != list(map(getkey, self._rows)):
            self._place_keys(rows, new_keys)
        # changed rows, one signal per contiguous run
        cur = self._rows
        last = max(0, self.columnCount() - 1)
        i, n = 0, len(rows)
        while i < n:
            if cur[i] is rows[i] or cur[i] == rows[i]:
                i += 1
                continue
            start = i
            while i < n and not (cur[i] is rows[i] or cur[i] == rows[i]):
                cur[i] = rows[i]
                i += 1
            self.dataChanged.emit(self.index(start, 0), self.index(i - 1, last))

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

    def upsert(self, row: Any) -> None:
        """Change one row in place, or append it when its key is new."""
        i = self._pos.get(self.key(row), -1)
        if i >= 0:
            if self._rows[i] != row:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
            return
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self._rows.append(row)
        self._pos[self.key(row)] = n
        self.endInsertRows()

    def remove_key(self, key: Hashable) -> None:
        i = self._pos.get(key, -1)
        if i < 0:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._rows[i]
        self._reindex()
        self.endRemoveRows()


# ---- applications ---------------------------------------------------------------------


class ApplicationsModel(KeyedTableModel):
    """Every application of the fund; updated by id as the bridge reports changes."""

    NAME, WHEN, FILL, FREE, WAITING, OFFERS, STATUS = range(7)
    key_attr = "id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Name"),
        QT_TRANSLATE_NOOP("models", "Date and time"),
        QT_TRANSLATE_NOOP("models", "Filled"),
        QT_TRANSLATE_NOOP("models", "Free"),
        QT_TRANSLATE_NOOP("models", "Waiting"),
        QT_TRANSLATE_NOOP("models", "Offers"),
        QT_TRANSLATE_NOOP("models", "Status"),
    )
    NARROW = (3, 4, 5)  # the small numbers: fixed narrow columns leave room for the name
    extra_roles = frozenset(
        {
            FillRole,
            int(Qt.ItemDataRole.TextAlignmentRole),
            int(Qt.ItemDataRole.ForegroundRole),
            int(Qt.ItemDataRole.ToolTipRole),
        }
    )

    def __init__(self, summary_of: Callable[[str], AppSummary | None], parent: Any = None):
        super().__init__(parent)
        self._summary_of = summary_of
        # A narrow window hides the Status column and shortens dates; the name then says the
        # status of what is not open, and the date goes without its weekday.
        self.status_in_name = False
        self.short_dates = False
        self._sort_keys: dict[int, list[Any]] = {}  # column -> each row's sort value

    def set_compact(self, *, status_in_name: bool, short_dates: bool) -> None:
        if (status_in_name, short_dates) == (self.status_in_name, self.short_dates):
            return
        self.status_in_name, self.short_dates = status_in_name, short_dates
        self._texts.clear()  # the cached texts were made the other way
        if self._rows:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, last))

    def sort_less(self, left: int, right: int, column: int) -> bool:
        """The proxy's comparison, from sort values made once per row and column."""
        keys = self._sort_keys.get(column)
        if keys is None or len(keys) != len(self._rows):
            keys = [self._sort_key(r, column) for r in self._rows]
            self._sort_keys[column] = keys
        return bool(keys[left] < keys[right])

    def _sort_key(self, row: AppSummary, column: int) -> tuple[Any, ...]:
        # ties broken by date and id: a stable order whatever the column
        return (self.sort_value(row, column), row.date, row.start, row.id)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._sort_keys.clear()
        super().set_rows(rows)

    def remove_key(self, key: Hashable) -> None:
        self._sort_keys.clear()
        super().remove_key(key)

    def key(self, row: AppSummary) -> Hashable:
        return row.id

    def display(self, row: AppSummary, column: int) -> str:
        if column == self.NAME:
            if self.status_in_name and row.status != "open":
                return f"{row.name} · {status_text(row.status)}"
            return row.name
        if column == self.WHEN:
            return span_text(row.date, row.start, row.end, weekday=not self.short_dates)
        if column == self.FILL:
            return f"{row.signed}/{row.capacity}"
        if column == self.FREE:
            return "–" if row.status == "cancelled" else str(row.free)  # nobody can take it
        if column == self.WAITING:
            return str(row.waiting)
        if column == self.OFFERS:
            return str(row.open_offers)
        if column == self.STATUS:
            return status_text(row.status)
        return ""

    def sort_value(self, row: AppSummary, column: int) -> Any:
        if column == self.NAME:
            return row.name.casefold()
        if column == self.WHEN:
            return row.starts_at.isoformat()
        if column == self.FILL:
            return row.signed / row.capacity if row.capacity else 0.0
        if column == self.FREE:
            return row.free
        if column == self.WAITING:
            return row.waiting
        if column == self.OFFERS:
            return row.open_offers
        return row.status

    def extra(self, row: AppSummary, column: int, role: int) -> Any:
        if role == FillRole:
            return (row.signed, row.held, row.capacity)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.FILL,
            self.FREE,
            self.WAITING,
            self.OFFERS,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.status in ("cancelled", "closed"):
            return QColor("#777777")
        if role == Qt.ItemDataRole.ToolTipRole:
            when = span_text(row.date, row.start, row.end, year=True)
            return "\n".join(x for x in (row.name, when, row.description) if x)
        return None

    def update_ids(self, ids: Sequence[str]) -> bool:
        """The bridge's applications_changed: re-read only those rows, one signal per kind.

        True when a name may now be wider or narrower (a row came, went or was renamed).
        """
        changed: list[int] = []
        fresh: list[AppSummary] = []
        renamed = False
        summaries = {app_id: self._summary_of(app_id) for app_id in ids}
        for app_id, s in summaries.items():
            if s is None and app_id in self._pos:
                self.remove_key(app_id)  # removals first: later row numbers stay valid
                renamed = True
        for app_id, s in summaries.items():
            if s is None:
                continue
            i = self._pos.get(app_id, -1)
            if i < 0:
                fresh.append(s)
            elif self._rows[i] != s:
                renamed = renamed or self._rows[i].name != s.name
                self._rows[i] = s
                changed.append(i)
        if changed:
            # one signal per run of neighbouring rows: one signal from the lowest to the
            # highest changed row made the sorting proxy re-sort nearly every row per flush
            for column, keys in self._sort_keys.items():
                for i in changed:
                    keys[i] = self._sort_key(self._rows[i], column)
            last = self.columnCount() - 1
            changed.sort()
            start = prev = changed[0]
            for i in [*changed[1:], -2]:
                if i != prev + 1:
                    self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
                    start = i
                prev = i
        if fresh:
            self._sort_keys.clear()
            n = len(self._rows)
            self.beginInsertRows(QModelIndex(), n, n + len(fresh) - 1)
            self._rows.extend(fresh)
            for i, row in enumerate(fresh, start=n):
                self._pos[row.id] = i
            self.endInsertRows()
        return renamed or bool(fresh)


class ApplicationsProxy(QSortFilterProxyModel):
    """Search text plus one filter (all, open, full, waitlist, past, cancelled), sorted by date.

    now: the coordinator's wall-clock time (core.clock.local_now); past means the shift ended.
    """

    FILTERS = ("all", "open", "full", "waitlist", "past", "cancelled")

    def __init__(
        self,
        now: Callable[[], datetime],
        parent: Any = None,
        *,
        with_volunteer: Callable[[str], set[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        # the applications a volunteer id appears in (signed up, waiting or in the history)
        self._with_volunteer = with_volunteer or (lambda _text: set())
        self._volunteer_apps: set[str] = set()
        self._text = ""
        self._filter = "all"
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def set_search(self, text: str) -> None:
        """Matches a name, description, application id, date ("2026-12-05", "5 Dec") or the
        id of a volunteer who is or was on it."""
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self._volunteer_apps = self._with_volunteer(text.strip()) if self._text else set()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _matches(self, row: AppSummary) -> bool:
        if row.id in self._volunteer_apps:
            return True
        when = span_text(row.date, row.start, row.end, year=True)
        haystack = f"{row.name} {row.description} {row.id} {row.date.isoformat()} {when}"
        return self._text in haystack.casefold()

    @property
    def filter_name(self) -> str:
        return self._filter

    def set_filter(self, name: str) -> None:
        if name not in self.FILTERS:
            raise ValueError(name)
        self.beginFilterChange()
        self._filter = name
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        if isinstance(model, ApplicationsModel):
            return model.sort_less(left.row(), right.row(), left.column())
        return bool(super().lessThan(left, right))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row: AppSummary = model.data(model.index(source_row, 0, source_parent), RowRole)
        if row is None:
            return False
        if self._text and not self._matches(row):
            return False
        past = shift_over(row.date, row.end, self._now(), start=row.start)
        if self._filter == "cancelled":
            return row.status == "cancelled"
        if self._filter == "open":
            return row.status == "open" and not past
        if self._filter == "full":
            return row.status == "open" and row.signed >= row.capacity
        if self._filter == "waitlist":
            return row.waiting > 0
        if self._filter == "past":
            return past
        return True


# ---- one application --------------------------------------------------------------------


class RosterModel(KeyedTableModel):
    key_attr = "volunteer_id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Volunteer"),
        QT_TRANSLATE_NOOP("models", "Signed up since"),
    )

    def key(self, row: RosterRow) -> Hashable:
        return row.volunteer_id

    def display(self, row: RosterRow, column: int) -> str:
        return volunteer_text(row.volunteer_id, row.name) if column == 0 else since_text(row.since)

    def sort_value(self, row: RosterRow, column: int) -> Any:
        return row.volunteer_id if column == 0 else row.since.isoformat()


def since_text(when: datetime) -> str:
    """When someone joined: just the time if that was today, so narrow tables keep the ids."""
    return moment_text(when, day=to_local(when).date() != date.today())


class WaitlistModel(QAbstractTableModel):
    """The shown application's waitlist: its volunteer ids in memory, rows read when painted.

    A 50,000-long waitlist costs one string of ids (split in C) and the pages painted; each
    commit's changes move single rows (apply), so a flush never rebuilds or diffs it. A
    newcomer normally joins at the end (compared with the last row's order key); only one
    placed mid-list makes the model read every row's order key, once.
    """

    PAGE = 100
    headers = (
        QT_TRANSLATE_NOOP("models", "#"),
        QT_TRANSLATE_NOOP("models", "Volunteer"),
        QT_TRANSLATE_NOOP("models", "Waiting since"),
        QT_TRANSLATE_NOOP("models", "Offer"),
    )
    _roles = frozenset(
        {
            int(Qt.ItemDataRole.DisplayRole),
            RowRole,
            KeyRole,
            SortRole,
            int(Qt.ItemDataRole.ForegroundRole),
        }
    )

    def __init__(self, queries: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.queries = queries
        self.app_id: str | None = None
        self.round_id: int | None = None
        self._ids: list[str] = []  # each row's volunteer id, in order
        self._members: set[str] = set()
        self._keys: list[str] | None = None  # each row's core.queries.wait_key, once needed
        self._last_key: str | None = None  # the last row's, while _keys is not read
        self._pages: dict[int, list[tuple[WaitRow, tuple[str, ...]]]] = {}

    # -- what it shows ----------------------------------------------------------------------
    def load(self, app_id: str | None, round_id: int | None = None) -> None:
        """Show app_id's waitlist as committed now (a reset: another application)."""
        self.beginResetModel()
        self.app_id, self.round_id = app_id, round_id
        q = self.queries
        self._ids = q.waitlist_ids(app_id) if app_id and q is not None else []
        self._members = set(self._ids)
        self._keys = None
        self._last_key = self._key_of_row(len(self._ids) - 1)
        self._pages = {}
        self.endResetModel()

    def clear(self) -> None:
        if self._ids or self.app_id is not None:
            self.load(None)

    def set_round(self, round_id: int | None) -> None:
        """The open round changed (or its offers did): the offer column is read again."""
        self.round_id = round_id
        self._pages = {}
        if self._ids:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._ids) - 1, 3))

    def apply(self, changes: Sequence[Any]) -> None:
        """Move the rows of core.engine.ParticipantChange entries of this application."""
        first = len(self._ids)
        for c in changes:
            if c.application_id != self.app_id:
                continue
            vid = c.volunteer_id
            if vid in self._members:
                i = self._ids.index(vid)  # a scan in C: ~0.3 ms at 50,000
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._ids[i]
                if self._keys is not None:
                    del self._keys[i]
                self._members.discard(vid)
                self.endRemoveRows()
                if i == len(self._ids) and self._keys is None:
                    self._last_key = self._key_of_row(i - 1)
                first = min(first, i)
            if c.state == "waiting":
                key = wait_key(c.responded_at, c.seq, vid)
                i = self._place(key)
                self.beginInsertRows(QModelIndex(), i, i)
                self._ids.insert(i, vid)
                if self._keys is not None:
                    self._keys.insert(i, key)
                elif i == len(self._ids) - 1:
                    self._last_key = key
                self._members.add(vid)
                self.endInsertRows()
                first = min(first, i)
        if first < len(self._ids):
            self._pages = {}
            # the rows below moved up or down one place: their numbers changed
            self.dataChanged.emit(self.index(first, 0), self.index(len(self._ids) - 1, 3))

    def _place(self, key: str) -> int:
        if self._keys is None:
            if not self._ids or (self._last_key is not None and key > self._last_key):
                return len(self._ids)  # the usual case: a newcomer joins at the end
            known = self.queries.waitlist_keys(self.app_id) if self.queries else {}
            keys: list[str] = []
            for vid in self._ids:  # one gone since keeps its neighbour's place: still sorted
                keys.append(known.get(vid) or (keys[-1] if keys else ""))
            self._keys = keys
        return bisect.bisect_left(self._keys, key)

    def _key_of_row(self, i: int) -> str | None:
        if not 0 <= i < len(self._ids) or self.queries is None:
            return None
        hit = self.queries.waitlist_rows(self.app_id, None, [self._ids[i]])
        return hit[self._ids[i]][3] if hit else None

    # -- rows ---------------------------------------------------------------------------------
    def row_of(self, volunteer_id: str) -> int:
        return self._ids.index(volunteer_id) if volunteer_id in self._members else -1

    def row_at(self, i: int) -> WaitRow:
        return self._entry(i)[0]

    def rows(self) -> list[WaitRow]:
        """Every row (for tests and exports: a view reads only what it paints)."""
        return [self.row_at(i) for i in range(len(self._ids))]

    def _entry(self, i: int) -> tuple[WaitRow, tuple[str, ...]]:
        page_no = i // self.PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._read_page(page_no)
            if len(self._pages) > 64:
                self._pages.clear()
            self._pages[page_no] = page
        return page[i - page_no * self.PAGE]

    def _read_page(self, page_no: int) -> list[tuple[WaitRow, tuple[str, ...]]]:
        start = page_no * self.PAGE
        ids = self._ids[start : start + self.PAGE]
        found = (
            self.queries.waitlist_rows(self.app_id, self.round_id, ids)
            if ids and self.app_id and self.queries is not None
            else {}
        )
        names = (
            {v: e.name for v, e in self.queries.volunteers(ids).items()}
            if ids and self.queries is not None
            else {}
        )
        out: list[tuple[WaitRow, tuple[str, ...]]] = []
        for n, vid in enumerate(ids, start=start + 1):
            hit = found.get(vid)
            who = volunteer_text(vid, names.get(vid, ""))  # the directory's name beside the id
            if hit is None:  # committed away after this row was applied: gone next flush
                row = WaitRow(n, vid, _EPOCH, _EPOCH, None)
                texts = (str(n), who, "", "")
            else:
                row = WaitRow(n, vid, hit[0], hit[1], hit[2], names.get(vid, ""))
                texts = (str(n), who, since_text(row.since), offer_text(row.offer))
            out.append((row, texts))
        return out

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        return header_text(self.headers, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        i, col = index.row(), index.column()
        if role not in self._roles or not 0 <= i < len(self._ids) or not 0 <= col < 4:
            return None
        row, texts = self._entry(i)
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[col]
        if role == RowRole:
            return row
        if role == KeyRole:
            return row.volunteer_id
        if role == SortRole:
            return row.position if col == 0 else texts[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and row.offer == "open":
            return QColor("#1a6fb5")
        return None


class OffersModel(KeyedTableModel):
    key_attr = "volunteer_id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Volunteer"),
        QT_TRANSLATE_NOOP("models", "Offered at"),
        QT_TRANSLATE_NOOP("models", "Expires"),
        QT_TRANSLATE_NOOP("models", "State"),
    )

    def key(self, row: OfferView) -> Hashable:
        return row.volunteer_id

    def display(self, row: OfferView, column: int) -> str:
        if column == 0:
            return volunteer_text(row.volunteer_id, row.name)
        if column == 1:
            return moment_text(row.offered_at, seconds=True, day=False)
        if column == 2:
            return moment_text(row.expires_at, seconds=True, day=False)
        return offer_text(row.state)


class ActivityModel(KeyedTableModel):
    """Decisions with their causes, newest first; the oldest rows drop off past a limit."""

    TIME, WHO, VOLUNTEER, WHAT, CAUSE = range(5)
    key_attr = "id"
    headers = (
        QT_TRANSLATE_NOOP("models", "Time"),
        QT_TRANSLATE_NOOP("models", "Who"),
        QT_TRANSLATE_NOOP("models", "Volunteer"),
        QT_TRANSLATE_NOOP("models", "What happened"),
        QT_TRANSLATE_NOOP("models", "Cause"),
    )
    LIMIT = 2000
    extra_roles = frozenset({int(Qt.ItemDataRole.ToolTipRole)})

    def key(self, row: ActivityRow) -> Hashable:
        return row.id

    def display(self, row: ActivityRow, column: int) -> str:
        if column == self.TIME:
            return moment_text(row.at, seconds=True, day=to_local(row.at).date() != date.today())
        if column == self.WHO:
            return actor_text(row.actor, row.volunteer_id)
        if column == self.VOLUNTEER:
            return row.volunteer_id or ""
        if column == self.WHAT:
            return activity_text(row)
        if column == self.CAUSE:
            return short_id(row.cause)
        return ""

    def extra(self, row: ActivityRow, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ToolTipRole:
            return None
        if column == self.CAUSE:
            if not row.cause:
                return None
            return tr("Message that caused it: %1").replace("%1", row.cause)
        if column == self.WHAT:
            return activity_text(row)  # the whole sentence where the column elides it
        return full_moment_text(row.at)

    @property
    def last_id(self) -> int:
        return self._rows[0].id if self._rows else 0

    def append(self, rows: Sequence[ActivityRow]) -> None:
        """Add rows newer than any shown (given oldest first) at the top, newest first."""
        fresh = [r for r in reversed(rows) if r.id > self.last_id]
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._rows[0:0] = fresh
        self._reindex()
        self.endInsertRows()
        excess = len(self._rows) - self.LIMIT
        if excess > 0:
            n = len(self._rows)
            self.beginRemoveRows(QModelIndex(), n - excess, n - 1)
            del self._rows[n - excess :]
            self._reindex()
            self.endRemoveRows()
