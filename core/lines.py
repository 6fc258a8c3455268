"""One application's participants and waitlist as the rules see them, read only as far as looked.

A fund's big application has 50,000 people waiting, and a message about it needs one of
them (the sender's row), the counts, and at most the first few in line. So the engine's
state holds these two containers: with a source (core/storage.py) they read single rows by
key and the waitlist's head page by page from its index, and keep in memory only what was
read or changed since the last save; without one (a new application, the rules' tests, an
undo's copy) they are a plain dict and a plain sorted list. Either way the rules read them
like a dict and a sorted list, and they do no I/O themselves: the source does.

Changes stay in memory until Store.save_state writes them in the rule's transaction; then
saved() drops them, because the source has them from now on.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Generic, Protocol, TypeVar

Key = tuple[datetime, int, str]  # the waitlist's order: (responded_at, seq, volunteer_id)


class _Row(Protocol):
    @property
    def volunteer_id(self) -> str: ...
    @property
    def state(self) -> str: ...


P = TypeVar("P", bound=_Row)
P_co = TypeVar("P_co", bound=_Row, covariant=True)


class Source(Protocol[P_co]):
    """Where the rows are kept (as committed, plus what this transaction has written)."""

    def one(self, volunteer_id: str) -> P_co | None: ...
    def all(self) -> Iterable[P_co]: ...
    def in_state(self, state: str) -> Iterable[P_co]: ...
    def waiting_after(self, key: Key | None, n: int) -> list[Key]: ...
    def waiting_from(self, key: Key) -> int: ...


class Participants(Generic[P]):
    """volunteer id -> participant, like a dict; with a source, a row is read when asked for."""

    __slots__ = ("_rows", "_source")

    def __init__(self, rows: dict[str, P] | None = None, source: Source[P] | None = None):
        self._rows: dict[str, P | None] = dict(rows or {})  # None: known not to be there
        self._source = source

    @property
    def complete(self) -> bool:
        return self._source is None

    def _load_all(self) -> None:
        source = self._source
        if source is None:
            return
        for p in source.all():
            self._rows.setdefault(p.volunteer_id, p)
        self._rows = {vid: p for vid, p in self._rows.items() if p is not None}
        self._source = None

    def get(self, vid: str, default: P | None = None) -> P | None:
        if vid in self._rows:
            p = self._rows[vid]
        elif self._source is None:
            return default
        else:
            p = self._rows[vid] = self._source.one(vid)
        return default if p is None else p

    def __getitem__(self, vid: str) -> P:
        p = self.get(vid)
        if p is None:
            raise KeyError(vid)
        return p

    def __setitem__(self, vid: str, p: P) -> None:
        self._rows[vid] = p

    def __contains__(self, vid: object) -> bool:
        return isinstance(vid, str) and self.get(vid) is not None

    def pop(self, vid: str, default: P | None = None) -> P | None:
        p = self.get(vid)
        if p is None:
            return default
        if self._source is None:
            del self._rows[vid]
        else:
            self._rows[vid] = None
        return p

    def in_state(self, state: str) -> list[P]:
        """Those in one state (the roster: "signed"), without reading the others."""
        if self._source is None:
            return [p for p in self._rows.values() if p is not None and p.state == state]
        found = {p.volunteer_id: p for p in self._source.in_state(state)}
        for vid, p in self._rows.items():  # what this transaction changed wins
            if p is not None and p.state == state:
                found[vid] = p
            else:
                found.pop(vid, None)
        return list(found.values())

    def values(self) -> list[P]:
        self._load_all()
        return [p for p in self._rows.values() if p is not None]

    def items(self) -> list[tuple[str, P]]:
        self._load_all()
        return [(vid, p) for vid, p in self._rows.items() if p is not None]

    def __iter__(self) -> Iterator[str]:
        self._load_all()
        return iter([vid for vid, p in self._rows.items() if p is not None])

    def __len__(self) -> int:
        self._load_all()
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Participants):
            return dict(self.items()) == dict(other.items())
        if isinstance(other, dict):
            return dict(self.items()) == other
        return NotImplemented

    def copy(self) -> Participants[P]:
        """A complete copy (an undo's snapshot); this one keeps every row from now on."""
        return Participants(dict(self.items()))

    def saved(self, vids: Iterable[str]) -> None:
        """These rows were written: the source has them now (read them from it again)."""
        if self._source is not None:
            for vid in vids:
                self._rows.pop(vid, None)


class WaitLine:
    """The waitlist's keys in order, like a sorted list of Key.

    With a source: its length is the count kept on the application row; the head is read
    page by page from the index, merged with what this transaction added and without what it
    removed; a place in line is counted from the end of the index (newcomers join there).
    Anything else (an index, a slice) reads the whole line once and then keeps it.
    """

    __slots__ = ("_added", "_count", "_keys", "_removed", "_source")

    FIRST_PAGE = 32
    LAST_PAGE = 4096

    def __init__(
        self, keys: Iterable[Key] = (), source: Source[_Row] | None = None, count: int = 0
    ) -> None:
        self._source = source
        self._keys: list[Key] | None = None if source is not None else sorted(keys)
        self._count = count  # with a source: how many wait, this transaction's changes in
        self._added: list[Key] = []  # sorted, not yet saved
        self._removed: dict[str, Key] = {}  # volunteer id -> its saved key, not yet saved gone

    @property
    def complete(self) -> bool:
        return self._keys is not None

    def _all(self) -> list[Key]:
        if self._keys is None:
            self._keys = list(self._merged())
            self._source = None
            self._added, self._removed = [], {}
        return self._keys

    def _saved_keys(self) -> Iterator[Key]:
        source = self._source
        assert source is not None
        after: Key | None = None
        n = self.FIRST_PAGE
        while True:
            page = source.waiting_after(after, n)
            for key in page:
                if key[2] not in self._removed:
                    yield key
            if len(page) < n:
                return
            after = page[-1]
            n = min(n * 4, self.LAST_PAGE)

    def _merged(self) -> Iterator[Key]:
        if self._keys is not None:
            return iter(self._keys)
        return heapq.merge(self._saved_keys(), list(self._added))

    # -- changes (AppState.put / drop) ---------------------------------------------------
    def add(self, key: Key) -> None:
        if self._keys is not None:
            bisect.insort(self._keys, key)
            return
        if self._removed.get(key[2]) == key:
            del self._removed[key[2]]  # back where it was saved
        else:
            bisect.insort(self._added, key)
        self._count += 1

    def remove(self, key: Key) -> None:
        if self._keys is not None:
            del self._keys[bisect.bisect_left(self._keys, key)]
            return
        i = bisect.bisect_left(self._added, key)
        if i < len(self._added) and self._added[i] == key:
            del self._added[i]
        else:
            self._removed[key[2]] = key
        self._count -= 1

    def index_of(self, key: Key) -> int:
        """How many wait before key (bisect_left over the line)."""
        if self._keys is not None:
            return bisect.bisect_left(self._keys, key)
        assert self._source is not None
        saved = self._count - len(self._added) + len(self._removed)
        before = saved - self._source.waiting_from(key)
        before -= sum(1 for k in self._removed.values() if k < key)
        return before + bisect.bisect_left(self._added, key)

    def saved(self) -> None:
        """What was added and removed is written: the source has it now."""
        self._added.clear()
        self._removed.clear()

    # -- a sorted list ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._keys) if self._keys is not None else self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Key]:
        return self._merged()

    def __getitem__(self, i: int) -> Key:
        if i == 0 and self._keys is None:
            for key in self._merged():
                return key
            raise IndexError(i)
        return self._all()[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WaitLine):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    def copy(self) -> WaitLine:
        """A complete copy (an undo's snapshot); this one keeps the whole line from now on."""
        return WaitLine(self._all())
