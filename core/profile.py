"""One volunteer across the fund's applications: where they stood, whether they came, hours.

Read from what is committed (participation, attendance, activity and the local directory),
for the window's volunteer view and `volunteers show ID`. The attendance rate is over the
shifts whose attendance was recorded: came (arrived or late) out of came plus no-shows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True, slots=True)
class ShiftRow:
    """One application a volunteer was ever part of, and how it went for them."""

    application_id: str
    name: str
    date: date
    start: time
    end: time
    app_status: str
    place: str  # signed, waiting, or left (withdrew, removed, not selected... see the history)
    attendance: str  # "", arrived, late, no_show
    arrived_at: datetime | None
    minutes: int | None


@dataclass(frozen=True, slots=True)
class Profile:
    volunteer_id: str
    name: str
    phone: str
    notes: str
    shifts: tuple[ShiftRow, ...]  # newest shift first
    came: int  # arrived or late
    late: int
    no_show: int
    minutes: int  # served, over every marked shift

    @property
    def marked(self) -> int:
        return self.came + self.no_show

    @property
    def attendance_rate(self) -> float | None:
        """Came out of the shifts with a mark; None before any mark."""
        return self.came / self.marked if self.marked else None


_SHIFTS_SQL = (
    "SELECT a.id, a.name, a.date, a.start, a.end, a.status, p.state, t.status, t.arrived_at,"
    " t.minutes FROM application a"
    " LEFT JOIN participation p ON p.application_id = a.id AND p.volunteer_id = ?1"
    " LEFT JOIN attendance t ON t.application_id = a.id AND t.volunteer_id = ?1"
    " WHERE a.id IN (SELECT application_id FROM activity WHERE volunteer_id = ?1"
    "  UNION SELECT application_id FROM participation WHERE volunteer_id = ?1"
    "  UNION SELECT application_id FROM attendance WHERE volunteer_id = ?1)"
    " ORDER BY a.date DESC, a.start DESC, a.id"
)


def profile(conn: sqlite3.Connection, volunteer_id: str) -> Profile:
    """Everything about one volunteer id (an id never seen gives an empty profile)."""
    shifts = tuple(
        ShiftRow(
            r[0],
            r[1],
            date.fromisoformat(r[2]),
            time.fromisoformat(r[3]),
            time.fromisoformat(r[4]),
            r[5],
            r[6] or "left",
            r[7] or "",
            datetime.fromisoformat(r[8]) if r[8] else None,
            r[9],
        )
        for r in conn.execute(_SHIFTS_SQL, (volunteer_id,))
    )
    entry = conn.execute(
        "SELECT name, phone, notes FROM volunteer WHERE volunteer_id = ?", (volunteer_id,)
    ).fetchone()
    name, phone, notes = entry if entry else ("", "", "")
    return Profile(
        volunteer_id,
        name,
        phone,
        notes,
        shifts,
        came=sum(1 for s in shifts if s.attendance in ("arrived", "late")),
        late=sum(1 for s in shifts if s.attendance == "late"),
        no_show=sum(1 for s in shifts if s.attendance == "no_show"),
        minutes=sum(s.minutes or 0 for s in shifts if s.attendance),
    )


def matching_ids(conn: sqlite3.Connection, text: str) -> set[str]:
    """Volunteer ids the text finds: the id itself, and directory entries whose name has a
    word starting with it (two letters at least, so one letter does not find everyone)."""
    t = text.strip().casefold()
    if not t:
        return set()
    found = {text.strip()}
    if len(t) >= 2:
        for vid, name in conn.execute("SELECT volunteer_id, name FROM volunteer"):
            words = str(name).casefold().split()
            if any(w.startswith(t) for w in words) or str(name).casefold().startswith(t):
                found.add(str(vid))
    return found
