"""core/lines.py: the containers read from a source behave as the plain dict and sorted list."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.lines import Key, Participants, WaitLine

T0 = datetime(2026, 1, 1, 9, 0, 0)


@dataclass(frozen=True)
class Row:
    volunteer_id: str
    state: str
    key: Key


class FakeSource:
    """Saved rows, as the store's index gives them; counts what was read."""

    def __init__(self, rows: dict[str, Row]) -> None:
        self.rows = dict(rows)
        self.read = 0

    def one(self, volunteer_id: str) -> Row | None:
        self.read += 1
        return self.rows.get(volunteer_id)

    def all(self) -> list[Row]:
        self.read += len(self.rows)
        return list(self.rows.values())

    def in_state(self, state: str) -> list[Row]:
        return [r for r in self.rows.values() if r.state == state]

    def _waiting(self) -> list[Key]:
        return sorted(r.key for r in self.rows.values() if r.state == "waiting")

    def waiting_after(self, key: Key | None, n: int) -> list[Key]:
        keys = self._waiting()
        start = 0 if key is None else bisect.bisect_right(keys, key)
        self.read += min(n, len(keys) - start)
        return keys[start : start + n]

    def waiting_from(self, key: Key) -> int:
        keys = self._waiting()
        return len(keys) - bisect.bisect_left(keys, key)

    def save(self, line: dict[str, Row]) -> None:
        self.rows = dict(line)


def _key(i: int, vid: str) -> Key:
    return (T0 + timedelta(seconds=i // 3), i, vid)


ops = st.lists(
    st.tuples(st.sampled_from(["join", "leave", "sign", "save"]), st.integers(0, 30)),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(start=st.integers(0, 80), ops=ops)
def test_a_line_read_from_a_source_answers_as_the_plain_one(start: int, ops: list) -> None:
    saved = {
        f"v{i}": Row(f"v{i}", "waiting" if i % 4 else "signed", _key(i, f"v{i}"))
        for i in range(start)
    }
    source = FakeSource(saved)
    waiting = sum(1 for r in saved.values() if r.state == "waiting")
    people: Participants[Row] = Participants(source=source)
    line = WaitLine(source=source, count=waiting)
    plain = dict(saved)
    seq = start
    for op, n in ops:
        vid = f"v{n * 3}"
        p = people.get(vid)
        assert p == plain.get(vid)
        if op == "join" and p is None:
            seq += 1
            row = Row(vid, "waiting", _key(seq, vid))
            people[vid] = row
            line.add(row.key)
            plain[vid] = row
        elif op == "leave" and p is not None:
            people.pop(vid)
            if p.state == "waiting":
                line.remove(p.key)
            del plain[vid]
        elif op == "sign" and p is not None and p.state == "waiting":
            line.remove(p.key)
            people[vid] = plain[vid] = Row(vid, "signed", p.key)
        elif op == "save":
            source.save(plain)
            people.saved(list(plain) + list(saved))
            line.saved()
        keys = sorted(r.key for r in plain.values() if r.state == "waiting")
        assert len(line) == len(keys) and bool(line) == bool(keys)
        assert list(line) == keys
        if keys:
            assert line[0] == keys[0]
        for k in keys[:3] + keys[-3:]:
            assert line.index_of(k) == bisect.bisect_left(keys, k)
        assert sorted(r.volunteer_id for r in people.in_state("signed")) == sorted(
            v for v, r in plain.items() if r.state == "signed"
        )
    assert dict(people.items()) == plain
    assert line == sorted(r.key for r in plain.values() if r.state == "waiting")


def test_a_newcomer_at_the_end_of_a_long_line_reads_no_row_of_it() -> None:
    saved = {f"v{i}": Row(f"v{i}", "waiting", _key(i, f"v{i}")) for i in range(5000)}
    source = FakeSource(saved)
    people: Participants[Row] = Participants(source=source)
    line = WaitLine(source=source, count=5000)
    assert people.get("new") is None
    key = _key(6000, "new")
    people["new"] = Row("new", "waiting", key)
    line.add(key)
    assert line.index_of(key) == 5000 and len(line) == 5001
    assert line[0] == _key(0, "v0")
    assert source.read <= 1 + WaitLine.FIRST_PAGE  # the sender's row and the head's first page
