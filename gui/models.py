"""Table models over the core's immutable rows, updated by key (inserts, removes, changes)."""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from core.clock import shift_over
from core.queries import AppSummary, OfferView, Queries, RosterRow, WaitRow, wait_key
from core.records import Activity
from gui.display import (
    activity_text,
    actor_text,
    confirmation_text,
    confirmation_tooltip,
    full_moment_text,
    moment_text,
    short_id,
    span_text,
    status_text,
    to_local,
    volunteer_text,
)
from gui.table_model import Index, KeyedTableModel, KeyRole, RowRole, SortRole, TableModel

FillRole = Qt.ItemDataRole.UserRole + 3  # (signed, held, capacity) for the fill bar delegate

_EPOCH = datetime(1970, 1, 1)


def tr(text: str) -> str:
    # lupdate files a module-level tr("...") under the empty context, so look it up there
    return QCoreApplication.translate("", text)


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
    # what the short titles count (Russian shortens them to "Своб.", "Предл."), by column
    header_tips = (
        "",
        "",
        QT_TRANSLATE_NOOP("models", "Signed up of the spots; amber: held for the waitlist"),
        QT_TRANSLATE_NOOP("models", "Free spots: the next volunteer to answer signs up"),
        QT_TRANSLATE_NOOP("models", "Volunteers on the waitlist"),
        QT_TRANSLATE_NOOP("models", "Offers open now, waiting for the volunteer's answer"),
        "",
    )
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

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            tip = str(self.header_tips[section]) if 0 <= section < len(self.header_tips) else ""
            return QCoreApplication.translate("models", tip) if tip else None
        return super().headerData(section, orientation, role)

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
        changed: dict[int, AppSummary] = {}
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
                changed[i] = s
        if changed:
            for column, keys in self._sort_keys.items():
                for i, s in changed.items():
                    keys[i] = self._sort_key(s, column)
            self.replace_at(changed)
        if fresh:
            self._sort_keys.clear()
            self.add_rows(fresh, limit=len(self._rows) + len(fresh))
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
        if self._filter == "all" and not self._text:
            return True  # the usual view: no row read, no clock (2,000 rows at every start)
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
        QT_TRANSLATE_NOOP("models", "Since"),  # the box says Roster: the header stays narrow
        QT_TRANSLATE_NOOP("models", "Confirmation"),
    )
    extra_roles = frozenset({int(Qt.ItemDataRole.ToolTipRole)})

    def display(self, row: RosterRow, column: int) -> str:
        if column == 0:
            return volunteer_text(row.volunteer_id, row.name)
        if column == 1:
            return since_text(row.since)
        return confirmation_text(
            row.reminded_at, row.confirm_by, row.confirmed_at, row.unconfirmed_at
        )

    def extra(self, row: RosterRow, column: int, role: int) -> Any:
        if column == 2 and role == Qt.ItemDataRole.ToolTipRole:
            return confirmation_tooltip(row.reminded_at, row.confirm_by, row.confirmed_at) or None
        return None

    def sort_value(self, row: RosterRow, column: int) -> Any:
        if column == 0:
            return row.volunteer_id
        if column == 1:
            return row.since.isoformat()
        # confirmed first, then reminded and waiting for an answer, then not confirmed
        order = 0 if row.confirmed_at else 2 if row.unconfirmed_at else 1 if row.reminded_at else 3
        return (order, row.volunteer_id)


def since_text(when: datetime) -> str:
    """When someone joined: just the time if that was today, so narrow tables keep the ids."""
    return moment_text(when, day=to_local(when).date() != date.today())


# A waiting volunteer's row as read: since, responded, offer state, directory name, and the
# texts of the volunteer, since and offer columns (the number column is the row's place).
_WaitEntry = tuple[datetime, datetime, str | None, str, str, str, str]
_GONE: _WaitEntry = (_EPOCH, _EPOCH, None, "", "", "", "")  # a row committed away meanwhile
# A waitlist's ids as read: in order, as a set, and the last row's order key.
_WaitIds = tuple[list[str], set[str], str | None]


def _read_ids(q: Any, app_id: str) -> _WaitIds:
    ids, last = q.waitlist_order(app_id)
    return ids, set(ids), last


class WaitlistModel(TableModel):
    """The shown application's waitlist: its volunteer ids in memory, rows read when painted.

    A 50,000-long waitlist costs one string of ids (split in C) and the pages painted; each
    commit's changes move single rows (apply), so a flush never rebuilds or diffs it. A
    newcomer normally joins at the end (compared with the last row's order key); only one
    placed mid-list makes the model read every row's order key, once.

    What was read is kept by volunteer id, not by position: a promotion from the front moves
    every row up one place, and a cache of pages by position had to be dropped (and the shown
    page read again, on the GUI thread) at every such flush. Only the numbers move; they are
    the row's place, computed when painted.

    A long waitlist's ids are read aside, on a thread and a connection of their own, once the
    window has painted it (they were most of a switch to a 50,000-long one, and grew with it):
    meanwhile it has the length the application row counts, and the pages painted are read
    by position. Whatever needs the ids (a commit's changes, a volunteer's row, every row)
    waits for them, or reads them then if the read has not started.
    """

    PAGE = 100
    KEPT = 6400  # rows kept at most (64 pages); past that the kept rows start again
    ASIDE_FROM = 2000  # waiting volunteers from which the ids are read aside (0.3 ms so far)
    # after the switch's paint: started at once, the read's GIL-bound part (splitting 50,000
    # ids, a set of them: 2-3 ms) and the core it took slowed the paint on a busy machine
    ASIDE_AFTER_MS = 100
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
    _ids_read = Signal(int)  # a load's number: its ids, read aside, are in

    def __init__(self, queries: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.queries = queries
        self.app_id: str | None = None
        self.round_id: int | None = None
        self._ids: list[str] = []  # each row's volunteer id, in order (once read)
        self._members: set[str] = set()
        self._keys: list[str] | None = None  # each row's core.queries.wait_key, once needed
        self._last_key: str | None = None  # the last row's, while _keys is not read
        # volunteer id -> (since, responded, offer, name, volunteer text, since text, offer text)
        self._rows: dict[str, _WaitEntry] = {}
        # While the ids are to be read aside (unread): how many rows are shown, each page's ids
        # as read by position for painting, and the read once started.
        self._unread = False
        self._aside: concurrent.futures.Future[_WaitIds] | None = None
        self._count = 0
        self._pages: dict[int, list[str]] = {}
        self._loads = 0  # loads so far: an aside read of an earlier one is dropped
        self._ids_read.connect(self._on_ids_read)

    # -- what it shows ----------------------------------------------------------------------
    def load(
        self, app_id: str | None, round_id: int | None = None, count: int | None = None
    ) -> None:
        """Show app_id's waitlist as committed now (a reset: another application).

        count: how many wait, as the caller has just read it (else it is read here)."""
        self.beginResetModel()
        self.app_id, self.round_id = app_id, round_id
        self._loads += 1
        self._unread = False
        self._aside = None
        self._pages = {}
        self._keys = None
        self._rows = {}
        q = self.queries
        ids: _WaitIds = ([], set(), None)
        if app_id and q is not None:
            if count is None:
                s = q.summary(app_id)
                count = s.waiting if s is not None else 0
            if count >= self.ASIDE_FROM and isinstance(getattr(q, "path", None), Path):
                self._unread = True
                self._count = count
                QTimer.singleShot(
                    self.ASIDE_AFTER_MS, self, lambda load=self._loads: self._start_aside(load)
                )
            else:
                ids = _read_ids(q, app_id)
        self._ids, self._members, self._last_key = ids
        self.endResetModel()

    def _start_aside(self, load: int) -> None:
        if load == self._loads and self._unread and self._aside is None and self.app_id:
            self._aside = self._read_aside(self.queries.path, self.app_id)

    def _read_aside(self, path: Path, app_id: str) -> concurrent.futures.Future[_WaitIds]:
        future: concurrent.futures.Future[_WaitIds] = concurrent.futures.Future()
        load = self._loads

        def run() -> None:
            try:
                q = Queries(path)
                try:
                    future.set_result(_read_ids(q, app_id))
                finally:
                    q.close()
            except BaseException as exc:
                future.set_exception(exc)
            with contextlib.suppress(RuntimeError):  # the model is gone (the window closed)
                self._ids_read.emit(load)

        threading.Thread(target=run, name="waitlist-ids", daemon=True).start()
        return future

    def _on_ids_read(self, load: int) -> None:
        if load == self._loads and self._unread:
            self._need_ids()

    def _need_ids(self) -> None:
        """The ids: waited for if they are being read aside, read now if not yet."""
        if not self._unread:
            return
        try:
            if self._aside is None:
                raise LookupError("not started")
            ids, members, last = self._aside.result()
        except Exception:  # not started, or the file was busy too long aside: read it here
            ids, members, last = _read_ids(self.queries, str(self.app_id))
        shown, n = self._count, len(ids)
        # committed meanwhile: the length read may differ from the count shown
        if n > shown:
            self.beginInsertRows(QModelIndex(), shown, n - 1)
        elif n < shown:
            self.beginRemoveRows(QModelIndex(), n, shown - 1)
        self._unread = False
        self._aside = None
        self._ids, self._members, self._last_key = ids, members, last
        if n > shown:
            self.endInsertRows()
        elif n < shown:
            self.endRemoveRows()
        if self._pages:  # rows painted by position: where they stand now
            self._pages = {}
            if n:
                self.dataChanged.emit(self.index(0, 0), self.index(n - 1, 3))

    def clear(self) -> None:
        if self._ids or self._unread or self.app_id is not None:
            self.load(None)

    def set_round(self, round_id: int | None) -> None:
        """The open round changed (or its offers did): the offer column is read again."""
        self.round_id = round_id
        # The round's few offers, applied to the rows kept: dropping the rows made every round
        # change read the shown page again on the GUI thread (the stream's slowest reads).
        q = self.queries
        offers = q.offer_states(round_id) if round_id is not None and q is not None else {}
        changed = []
        for vid, e in self._rows.items():
            state = offers.get(vid)
            if state != e[2]:
                self._rows[vid] = (e[0], e[1], state, e[3], e[4], e[5], offer_text(state))
                changed.append(vid)
        n = self.rowCount()
        # Only the rows whose offer changed: the rows not kept are read when painted. The
        # whole column repainted the shown page at every round change of a stream.
        if self._unread or len(changed) > 8:
            if n:
                self.dataChanged.emit(self.index(0, 3), self.index(n - 1, 3))
            return
        for vid in changed:
            if vid in self._members:
                i = self._ids.index(vid)  # a scan in C: ~0.3 ms at 50,000
                self.dataChanged.emit(self.index(i, 3), self.index(i, 3))

    def apply(self, changes: Sequence[Any]) -> None:
        """Move the rows of core.engine.ParticipantChange entries of this application."""
        if not any(c.application_id == self.app_id for c in changes):
            return
        self._need_ids()
        first = len(self._ids)
        # Newcomers joining at the end, inserted in one go: one insert signal per newcomer
        # made the view and its header take each row alone, a few dozen times a flush.
        tail: list[tuple[str, str]] = []
        in_tail: set[str] = set()
        for c in changes:
            if c.application_id != self.app_id:
                continue
            vid = c.volunteer_id
            if c.state == "waiting" and vid not in self._members and vid not in in_tail:
                key = wait_key(c.responded_at, c.seq, vid)
                last = tail[-1][1] if tail else self._end_key()
                if (last is None and not self._ids) or (last is not None and key > last):
                    tail.append((vid, key))
                    in_tail.add(vid)
                    continue
            self._append(tail)
            tail, in_tail = [], set()
            was = None
            if vid in self._members:
                i = self._ids.index(vid)  # a scan in C: ~0.3 ms at 50,000
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._ids[i]
                if self._keys is not None:
                    del self._keys[i]
                self._members.discard(vid)
                self._rows.pop(vid, None)  # back in another state: read again if it returns
                self.endRemoveRows()
                if i == len(self._ids) and self._keys is None:
                    self._last_key = self._key_of_row(i - 1)
                first = min(first, i)
                was = i
            if c.state == "waiting":
                key = wait_key(c.responded_at, c.seq, vid)
                i = self._place(key, was, (c.responded_at, c.seq, vid))
                self.beginInsertRows(QModelIndex(), i, i)
                self._ids.insert(i, vid)
                if self._keys is not None:
                    self._keys.insert(i, key)
                elif i == len(self._ids) - 1:
                    self._last_key = key
                self._members.add(vid)
                self.endInsertRows()
                first = min(first, i)
        self._append(tail)
        if first < len(self._ids):
            # the rows below moved up or down one place: their numbers changed (kept rows stay)
            self.dataChanged.emit(self.index(first, 0), self.index(len(self._ids) - 1, 3))

    def _end_key(self) -> str | None:
        """The last row's order key, as far as it is known (None: no rows, or not read)."""
        if self._keys is not None:
            return self._keys[-1] if self._keys else None
        return self._last_key

    def _append(self, tail: Sequence[tuple[str, str]]) -> None:
        """Put rows (volunteer id, order key) after the last one, in one insert."""
        if not tail:
            return
        n = len(self._ids)
        self.beginInsertRows(QModelIndex(), n, n + len(tail) - 1)
        self._ids.extend(vid for vid, _key in tail)
        if self._keys is not None:
            self._keys.extend(key for _vid, key in tail)
        else:
            self._last_key = tail[-1][1]
        self._members.update(vid for vid, _key in tail)
        self.endInsertRows()

    def _place(
        self, key: str, was: int | None = None, parts: tuple[str, int, str] | None = None
    ) -> int:
        if self._keys is None:
            if not self._ids or (self._last_key is not None and key > self._last_key):
                return len(self._ids)  # the usual case: a newcomer joins at the end
            # A row changed in place, or one the load had read already comes again, or one
            # joins mid-list: where it was, else where the index counts it, if its neighbours'
            # two keys agree (reading every key was 1 s at 50,000 rows, on the GUI thread).
            if was is not None and self._fits(key, was):
                return was
            if parts is not None and self.queries is not None and self.app_id is not None:
                guess = min(len(self._ids), self.queries.waitlist_place(self.app_id, *parts))
                if self._fits(key, guess):
                    return guess
            known = self.queries.waitlist_keys(self.app_id) if self.queries else {}
            keys: list[str] = []
            for vid in self._ids:  # one gone since keeps its neighbour's place: still sorted
                keys.append(known.get(vid) or (keys[-1] if keys else ""))
            self._keys = keys
        return bisect.bisect_left(self._keys, key)

    def _fits(self, key: str, i: int) -> bool:
        """Whether key sorts between rows i - 1 and i (as they are now)."""
        near = self._ids[max(0, i - 1) : i + 1]
        got = self.queries.waitlist_rows(self.app_id, None, near) if self.queries else {}
        if any(v not in got for v in near):
            return False
        below = i == 0 or got[self._ids[i - 1]][3] < key
        above = i == len(self._ids) or key < got[self._ids[i]][3]
        return below and above

    def _key_of_row(self, i: int) -> str | None:
        if not 0 <= i < len(self._ids) or self.queries is None:
            return None
        hit = self.queries.waitlist_rows(self.app_id, None, [self._ids[i]])
        return hit[self._ids[i]][3] if hit else None

    # -- rows ---------------------------------------------------------------------------------
    def row_of(self, volunteer_id: str) -> int:
        self._need_ids()
        return self._ids.index(volunteer_id) if volunteer_id in self._members else -1

    def row_at(self, i: int) -> WaitRow:
        e = self._entry(i)
        return WaitRow(i + 1, self._id_at(i), e[0], e[1], e[2], e[3])

    def _id_at(self, i: int) -> str:
        if not self._unread:
            return self._ids[i]
        page = self._pages.get(i // self.PAGE)
        if page is None:
            page = self._read_position(i)
        return page[i % self.PAGE] if i % self.PAGE < len(page) else ""

    def rows(self) -> list[WaitRow]:
        """Every row (for exports and tests: a view reads only what it paints), in one query:
        page by page, 50,000 rows were 500 queries on the GUI thread."""
        self._need_ids()
        q = self.queries
        if not self._ids or q is None or self.app_id is None:
            return []
        found = {r.volunteer_id: r for r in q.waitlist(self.app_id, self.round_id)}
        out = []
        for i, vid in enumerate(self._ids):
            r = found.get(vid)
            if r is None:  # committed away after this row was applied: gone next flush
                out.append(WaitRow(i + 1, vid, _EPOCH, _EPOCH, None, ""))
            else:
                out.append(WaitRow(i + 1, vid, r.since, r.responded_at, r.offer, r.name))
        return out

    def _entry(self, i: int) -> _WaitEntry:
        if self._unread:
            vid = self._id_at(i)
            return self._rows.get(vid, _GONE) if vid else _GONE
        hit = self._rows.get(self._ids[i])
        if hit is None:
            hit = self._read_page(i)
        return hit

    def _read_position(self, i: int) -> list[str]:
        """The page of rows around row i read by position (while the ids are read aside)."""
        start = i - i % self.PAGE
        rows = (
            self.queries.waitlist(self.app_id, self.round_id, offset=start, limit=self.PAGE)
            if self.app_id and self.queries is not None
            else []
        )
        if len(self._rows) + len(rows) > self.KEPT:
            self._rows = {}
        for r in rows:
            self._keep(r.volunteer_id, (r.since, r.responded_at, r.offer, r.name))
        page = [r.volunteer_id for r in rows]
        self._pages[start // self.PAGE] = page
        return page

    def _keep(self, vid: str, got: tuple[datetime, datetime, str | None, str]) -> None:
        since, responded, offer, name = got
        who = volunteer_text(vid, name)  # the directory's name beside the id
        self._rows[vid] = (
            since,
            responded,
            offer,
            name,
            who,
            since_text(since),
            offer_text(offer),
        )

    def _read_page(self, i: int) -> _WaitEntry:
        """Read the page of rows around row i that are not kept yet; row i's entry."""
        start = i - i % self.PAGE
        ids = [v for v in self._ids[start : start + self.PAGE] if v not in self._rows]
        found = (
            self.queries.waitlist_rows(self.app_id, self.round_id, ids)
            if ids and self.app_id and self.queries is not None
            else {}
        )
        if len(self._rows) + len(ids) > self.KEPT:
            self._rows = {}
        for vid in ids:
            got = found.get(vid)
            if got is None:  # committed away after this row was applied: gone next flush
                self._rows[vid] = (_EPOCH, _EPOCH, None, "", volunteer_text(vid, ""), "", "")
            else:
                self._keep(vid, (got[0], got[1], got[2], got[4]))
        return self._rows[self._ids[i]]

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return self._count if self._unread else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        i, col = index.row(), index.column()
        n = self._count if self._unread else len(self._ids)
        if role not in self._roles or not 0 <= i < n or not 0 <= col < 4:
            return None
        if role == KeyRole:
            return self._id_at(i)
        if col == 0 and role == Qt.ItemDataRole.DisplayRole:
            return str(i + 1)
        e = self._entry(i)
        if role == Qt.ItemDataRole.DisplayRole:
            return e[3 + col]
        if role == RowRole:
            return self.row_at(i)
        if role == SortRole:
            return i + 1 if col == 0 else e[3 + col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and e[2] == "open":
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

    def display(self, row: Activity, column: int) -> str:
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

    def extra(self, row: Activity, column: int, role: int) -> Any:
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

    def append(self, rows: Sequence[Activity]) -> None:
        """Add rows newer than any shown (given oldest first) at the top, newest first."""
        fresh = [r for r in reversed(rows) if r.id > self.last_id]
        self.add_rows(fresh, limit=self.LIMIT, at_top=True)
