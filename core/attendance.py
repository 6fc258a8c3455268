"""Attendance on the day: arrived, late or no-show per signed-up volunteer, with hours served.

Recorded by the coordinator (the check-in view, `checkin` on the command line), offline as
well, in the same transaction as its activity entry; never sent to volunteers. The engine
runs these through Engine._run like any decision, so a fund with several consoles carries
them in its decision log. Times of arrival are the coordinator's wall-clock time, like the
shift's own date and hours; minutes served are stored whole (default: the shift's length, or
from a late arrival to the shift's end; a no-show served none).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from core.kinds import ActivityKind as A
from core.kinds import Refusal, refuse
from core.kinds import RefusalKind as R
from core.rules import AppState, Effects, _log
from core.storage import _ts

Status = Literal["arrived", "late", "no_show"]
STATUSES: tuple[Status, ...] = ("arrived", "late", "no_show")
MAX_MINUTES = 24 * 60  # one day: no shift is longer


@dataclass(frozen=True, slots=True)
class Mark:
    """One volunteer's attendance at one application, as stored."""

    application_id: str
    volunteer_id: str
    status: Status
    arrived_at: datetime | None  # the coordinator's wall clock; None for a no-show
    minutes: int
    recorded_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class CheckinRow:
    """A row of the check-in list: who is expected (or came) and what is recorded so far."""

    volunteer_id: str
    name: str
    phone: str
    on_roster: bool  # False: marked, then left the roster (the mark is kept)
    status: str  # "" (not yet), arrived, late, no_show
    arrived_at: datetime | None
    minutes: int | None


def starts_at(st: AppState) -> datetime:
    return datetime.combine(st.date, st.start)


def ends_at(st: AppState) -> datetime:
    end = datetime.combine(st.date, st.end)
    return end + timedelta(days=1) if st.end < st.start else end


def shift_minutes(st: AppState) -> int:
    return int((ends_at(st) - starts_at(st)).total_seconds() // 60)


def arrival_on_shift(st: AppState, text: str) -> datetime | None:
    """HH:MM on the shift's day (after midnight of an overnight shift: the next day), or a
    whole YYYY-MM-DDTHH:MM; None when it is neither."""
    try:
        if len(text) <= 5:
            t = time.fromisoformat(text)
            day = st.date + timedelta(days=1) if st.end < st.start and t < st.start else st.date
            return datetime.combine(day, t)
        return datetime.fromisoformat(text).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        return None


def default_minutes(st: AppState, status: Status, arrived_at: datetime | None) -> int:
    """The shift's length; from a late arrival to the end; nothing for a no-show."""
    length = shift_minutes(st)
    if status == "no_show":
        return 0
    if status == "late" and arrived_at is not None:
        left = int((ends_at(st) - max(arrived_at, starts_at(st))).total_seconds() // 60)
        return max(0, min(length, left))
    return length


# ---- the decisions (inside Engine._run's transaction) ---------------------------------------


def _can_record(st: AppState) -> Refusal | None:
    if st.status not in ("open", "closed"):
        return refuse(R.NOT_OPEN_OR_CLOSED, status=st.status)
    return None


def _minutes_refusal(minutes: int | None) -> Refusal | None:
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        return refuse(R.MINUTES_RANGE, max_hours=MAX_MINUTES // 60)
    return None


def record(
    conn: sqlite3.Connection,
    st: AppState,
    fx: Effects,
    vid: str,
    status: str,
    *,
    arrived_at: str | None = None,
    minutes: int | None = None,
    local_now: datetime,
) -> Refusal | None:
    """Mark a signed-up volunteer arrived, late or no-show (again: the new mark replaces)."""
    refused = _can_record(st) or _minutes_refusal(minutes)
    if refused:
        return refused
    if status not in STATUSES:
        return refuse(R.ATTENDANCE_STATUS, status=status, choices=list(STATUSES))
    p = st.participants.get(vid)
    if (p is None or p.state != "signed") and read(conn, st.id, vid) is None:
        return refuse(R.NOT_SIGNED_UP, volunteer=vid)
    when: datetime | None = None
    if status != "no_show":
        if arrived_at is None:
            when = local_now.replace(second=0, microsecond=0)
        else:
            when = arrival_on_shift(st, arrived_at)
            if when is None:
                return refuse(R.ARRIVAL_FORM, got=arrived_at)
    served = 0 if status == "no_show" else minutes
    if served is None:
        served = default_minutes(st, status, when)  # type: ignore[arg-type]
    _put(conn, Mark(st.id, vid, status, when, served, fx.now), fx.actor)  # type: ignore[arg-type]
    _log(
        st,
        fx,
        A.ATTENDANCE_MARKED,
        vid,
        status=status,
        at=when.strftime("%H:%M") if when else None,
        minutes=served,
    )
    return None


def set_served(
    conn: sqlite3.Connection, st: AppState, fx: Effects, vid: str, minutes: int
) -> Refusal | None:
    """Change the minutes served of a recorded mark (the coordinator's own figure)."""
    refused = _can_record(st) or _minutes_refusal(minutes)
    if refused:
        return refused
    mark = read(conn, st.id, vid)
    if mark is None:
        return refuse(R.NO_ATTENDANCE, volunteer=vid)
    if mark.minutes == minutes:
        return None
    _put(conn, Mark(st.id, vid, mark.status, mark.arrived_at, minutes, fx.now), fx.actor)
    _log(st, fx, A.SERVED_CHANGED, vid, old=mark.minutes, new=minutes)
    return None


def clear(conn: sqlite3.Connection, st: AppState, fx: Effects, vid: str) -> Refusal | None:
    """Take back a mark made by mistake: the volunteer is expected again."""
    refused = _can_record(st)
    if refused:
        return refused
    mark = read(conn, st.id, vid)
    if mark is None:
        return refuse(R.NO_ATTENDANCE, volunteer=vid)
    conn.execute(
        "DELETE FROM attendance WHERE application_id = ? AND volunteer_id = ?", (st.id, vid)
    )
    _log(st, fx, A.ATTENDANCE_CLEARED, vid, status=mark.status)
    return None


# ---- rows -------------------------------------------------------------------------------------


def _put(conn: sqlite3.Connection, mark: Mark, actor: str) -> None:
    # An upsert keeps the row's rowid (INSERT OR REPLACE would delete it without a trigger
    # seeing it), so the decision log's changesets follow it by rowid.
    conn.execute(
        "INSERT INTO attendance (application_id, volunteer_id, status, arrived_at, minutes,"
        " recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (application_id, volunteer_id) DO UPDATE SET status = excluded.status,"
        " arrived_at = excluded.arrived_at, minutes = excluded.minutes,"
        " recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        (
            mark.application_id,
            mark.volunteer_id,
            mark.status,
            mark.arrived_at.isoformat(timespec="minutes") if mark.arrived_at else None,
            mark.minutes,
            _ts(mark.recorded_at),
            actor,
        ),
    )


def _mark(r: tuple[object, ...]) -> Mark:
    return Mark(
        str(r[0]),
        str(r[1]),
        r[2],  # type: ignore[arg-type]
        datetime.fromisoformat(str(r[3])) if r[3] else None,
        int(r[4]),  # type: ignore[call-overload]
        datetime.fromisoformat(str(r[5])),
    )


_MARK_SQL = (
    "SELECT application_id, volunteer_id, status, arrived_at, minutes, recorded_at FROM attendance"
)


def read(conn: sqlite3.Connection, app_id: str, vid: str) -> Mark | None:
    r = conn.execute(
        _MARK_SQL + " WHERE application_id = ? AND volunteer_id = ?", (app_id, vid)
    ).fetchone()
    return _mark(r) if r else None


def marks(conn: sqlite3.Connection, app_id: str) -> list[Mark]:
    return [_mark(r) for r in conn.execute(_MARK_SQL + " WHERE application_id = ?", (app_id,))]


def checkin_rows(conn: sqlite3.Connection, app_id: str) -> list[CheckinRow]:
    """Everyone signed up, and anyone marked who has left the roster since, by name then id."""
    rows = conn.execute(
        "SELECT x.volunteer_id, COALESCE(v.name, ''), COALESCE(v.phone, ''), x.signed,"
        " a.status, a.arrived_at, a.minutes FROM ("
        "  SELECT volunteer_id, 1 AS signed FROM participation"
        "   WHERE application_id = ?1 AND state = 'signed'"
        "  UNION SELECT volunteer_id, 0 FROM attendance WHERE application_id = ?1"
        "   AND volunteer_id NOT IN (SELECT volunteer_id FROM participation"
        "    WHERE application_id = ?1 AND state = 'signed')"
        " ) x LEFT JOIN attendance a ON a.application_id = ?1 AND a.volunteer_id = x.volunteer_id"
        " LEFT JOIN volunteer v ON v.volunteer_id = x.volunteer_id",
        (app_id,),
    ).fetchall()
    out = [
        CheckinRow(
            r[0],
            r[1],
            r[2],
            bool(r[3]),
            r[4] or "",
            datetime.fromisoformat(r[5]) if r[5] else None,
            r[6],
        )
        for r in rows
    ]
    return sorted(out, key=lambda c: (c.name.casefold() or "\uffff", c.volunteer_id))


def parse_hours(text: str) -> int | None:
    """Hours as typed: 3, 3.5, 3,5 (a Russian decimal comma) or 3:30; minutes, or None."""
    t = text.strip().replace(",", ".")
    try:
        if ":" in t:
            h, m = t.split(":", 1)
            if not (h.isdigit() and m.isdigit() and len(m) == 2 and int(m) < 60):
                return None
            minutes = int(h) * 60 + int(m)
        else:
            minutes = round(float(t) * 60)
    except ValueError:
        return None
    return minutes if 0 <= minutes <= MAX_MINUTES else None


def hours_text(minutes: int) -> str:
    """Minutes as h:mm, the way a timesheet writes them (3:30)."""
    return f"{minutes // 60}:{minutes % 60:02d}"
