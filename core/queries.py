"""Read side: immutable rows for the window and the CLI, read from SQL on its own connection."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.kinds import Params
from core.outcomes import Listed, Listing
from core.records import Activity, LoggedMessage
from core.storage import BUSY_TIMEOUT_MS, backlog_of, listing_of

if TYPE_CHECKING:  # imported where used: `app list` and `app show` never load them
    from core.attendance import CheckinRow
    from core.directory import Volunteer
    from core.profile import Profile
    from core.report import Report


@dataclass(frozen=True, slots=True)
class AppSummary(Listed):
    id: str
    listing: Listing
    signed: int
    held: int
    free: int
    waiting: int
    open_offers: int
    status: str
    policy: str
    offer_timeout_min: int
    round_deadline: datetime | None
    updated_at: datetime
    # No queue-skipping: of the held spots, those an ended round left unclaimed, kept for the
    # waitlist since this moment (the coordinator may re-offer or release them).
    standing: int = 0
    standing_since: datetime | None = None
    # Reminders: lead times in hours before the start, confirm-by, keep or release.
    reminder_hours: tuple[int, ...] = (48, 2)
    confirm_hours: int = 24
    release_unconfirmed: bool = False

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.date, self.start)

    @property
    def ends_at(self) -> datetime:
        """An end before the start is the next day: an overnight shift (22:00-02:00)."""
        end = datetime.combine(self.date, self.end)
        return end + timedelta(days=1) if self.end < self.start else end

    def flat(self) -> dict[str, Any]:
        """Its fields with the listing's six in the listing's place, as the JSON shows them."""
        # flat values only: asdict's deep copy of each was 1.4 s of 2,000 summaries
        return {name: getattr(self, name) for name in _FLAT_SUMMARY}


_FLAT_SUMMARY = tuple(
    name
    for f in fields(AppSummary)
    for name in ([g.name for g in fields(Listing)] if f.name == "listing" else [f.name])
)


@dataclass(frozen=True, slots=True)
class RosterRow:
    volunteer_id: str
    since: datetime
    name: str = ""  # from the local volunteers directory (core/directory.py); never sent
    # the reminders (UTC): the last one sent and its confirm-by, the answer, or its absence
    reminded_at: datetime | None = None
    confirm_by: datetime | None = None
    confirmed_at: datetime | None = None
    unconfirmed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WaitRow:
    position: int
    volunteer_id: str
    since: datetime
    responded_at: datetime
    offer: str | None  # this volunteer's offer in the open round: open, passed, not_selected...
    name: str = ""


@dataclass(frozen=True, slots=True)
class OfferView:
    volunteer_id: str
    offered_at: datetime
    expires_at: datetime
    state: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class RoundView:
    id: int | None
    policy: str
    held: int
    opened_at: datetime
    deadline: datetime
    offers: tuple[OfferView, ...]


@dataclass(frozen=True, slots=True)
class AppDetail:
    summary: AppSummary
    roster: tuple[RosterRow, ...]
    waitlist: tuple[WaitRow, ...]
    round: RoundView | None


@dataclass(frozen=True, slots=True)
class RejectedRow:
    id: int
    message_id: str
    received_at: datetime
    exchange: str
    routing_key: str
    reason: str  # English, as the dead-letter header says it
    size: int
    body: str
    kind: str = "other"  # a RejectionKind value
    params: Params = field(default_factory=dict)


_dt = datetime.fromisoformat


def _activity(r: Sequence[Any]) -> Activity:
    """An activity row as selected: id, application_id, at, actor, kind, volunteer_id, params,
    cause."""
    return Activity(r[1], _dt(r[2]), r[3], r[4], r[5], json.loads(r[6]), r[7], id=r[0])


def _opt_dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def wait_key(responded_at: str, seq: int, volunteer_id: str) -> str:
    """A string that sorts as the waitlist does: by response time, arrival, volunteer id.

    responded_at is as stored (fixed-width ISO), seq zero-padded; the separators sort below
    any character of either, and str order is SQLite's BINARY order for UTF-8 text.
    """
    return f"{responded_at}\x1f{seq:010d}\x1f{volunteer_id}"


# One application's row with its counts and its open round (the newest open one), in the
# order _summary reads them. The counts live on the application row (kept by the engine in
# the same transaction as the participation rows): no application's state is loaded to list it.
_SUMMARY_SQL = (
    "SELECT a.id, a.name, a.description, a.date, a.start, a.end, a.capacity, a.signed_count,"
    " a.waiting_count, a.status, a.policy, a.offer_timeout_s, a.updated_at, r.id, r.held,"
    " r.deadline, (SELECT COUNT(*) FROM offer o WHERE o.round_id = r.id AND o.state = 'open'),"
    " a.standing, a.standing_since, a.reminder_leads, a.confirm_lead_s, a.release_unconfirmed"
    " FROM application a LEFT JOIN offer_round r ON r.id = (SELECT MAX(x.id) FROM offer_round x"
    "  WHERE x.application_id = a.id AND x.closed_at IS NULL)"
)

_WAIT_SQL = (
    "SELECT p.volunteer_id, p.since, p.responded_at, o.state, v.name FROM participation p"
    " LEFT JOIN offer o ON o.round_id = ? AND o.volunteer_id = p.volunteer_id"
    " LEFT JOIN volunteer v ON v.volunteer_id = p.volunteer_id"
    " WHERE p.application_id = ? AND p.state = 'waiting'"
    " ORDER BY p.responded_at, p.seq, p.volunteer_id"
)


# Every application's summary as one JSON array, in the list's order: the fields and values of
# _summary(r)'s AppSummary (times as ISO text), built by SQLite for `app list --json` (2,000
# AppSummary objects encoded by json.dumps were a fifth of its run; this is a fourth of that).
# tests/core/test_queries.py checks it against summaries() on varied states.
_SUMMARIES_JSON_SQL = (
    "SELECT COALESCE(json_group_array(json_object('id', id, 'name', name, 'description',"
    " description, 'date', date(date), 'start', time(start), 'end', time(end), 'capacity',"
    " capacity, 'signed', signed, 'held', held, 'free', capacity - signed - held, 'waiting',"
    " waiting, 'open_offers', open_offers, 'status', status, 'policy', policy,"
    " 'offer_timeout_min', offer_timeout_s / 60, 'round_deadline', round_deadline,"
    " 'updated_at', updated_at, 'standing', standing, 'standing_since', standing_since,"
    " 'reminder_hours', json(reminder_hours), 'confirm_hours', confirm_lead_s / 3600,"
    " 'release_unconfirmed', json(CASE WHEN release_unconfirmed THEN 'true' ELSE 'false' END))),"
    " '[]') FROM (SELECT a.id AS id, a.name AS name, a.description AS description, a.date AS date,"
    " a.start AS start, a.end AS end, a.capacity AS capacity, a.signed_count AS signed,"
    " COALESCE(r.held, 0) + a.standing AS held, a.waiting_count AS waiting,"
    " CASE WHEN r.id IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM offer o WHERE o.round_id = r.id"
    "  AND o.state = 'open') END AS open_offers, a.status AS status, a.policy AS policy,"
    " a.offer_timeout_s AS offer_timeout_s,"
    " strftime('%Y-%m-%dT%H:%M:%S', NULLIF(r.deadline, '')) AS round_deadline,"
    " strftime('%Y-%m-%dT%H:%M:%S', a.updated_at) AS updated_at, a.standing AS standing,"
    " strftime('%Y-%m-%dT%H:%M:%S', NULLIF(a.standing_since, '')) AS standing_since,"
    " (SELECT json_group_array(value / 3600) FROM (SELECT value FROM json_each(a.reminder_leads)"
    "  ORDER BY key)) AS reminder_hours, a.confirm_lead_s AS confirm_lead_s,"
    " a.release_unconfirmed AS release_unconfirmed"
    " FROM application a LEFT JOIN offer_round r ON r.id = (SELECT MAX(x.id) FROM offer_round x"
    "  WHERE x.application_id = a.id AND x.closed_at IS NULL)"
    " ORDER BY a.date, a.start, a.id)"
)

# The waitlist as one JSON array, in its order, positions from 1 (`app show --json`). An
# aggregate over an ordered subquery keeps its order (SQLite does not flatten it).
_WAIT_JSON_SQL = (
    "SELECT COALESCE(json_group_array(json_object('position', n, 'volunteer_id', vid,"
    " 'since', since, 'responded_at', responded_at, 'offer', offer)), '[]') FROM ("
    " SELECT row_number() OVER (ORDER BY p.responded_at, p.seq, p.volunteer_id) AS n,"
    " p.volunteer_id AS vid, p.since AS since, p.responded_at AS responded_at, o.state AS offer"
    " FROM participation p LEFT JOIN offer o ON o.round_id = ? AND o.volunteer_id = p.volunteer_id"
    " WHERE p.application_id = ? AND p.state = 'waiting'"
    " ORDER BY p.responded_at, p.seq, p.volunteer_id)"
)


@functools.lru_cache(maxsize=64)
def _hours(leads: str) -> tuple[int, ...]:
    """Reminder lead times (JSON seconds) in hours: most applications share one or two, and
    parsing each one's was a third of reading 2,000 summaries."""
    return tuple(lead // 3600 for lead in json.loads(leads))


def _summary(r: tuple[Any, ...]) -> AppSummary:
    held = (r[14] or 0) + r[17]
    return AppSummary(
        id=r[0],
        listing=listing_of(r[1:7]),
        signed=r[7],
        held=held,
        free=r[6] - r[7] - held,
        waiting=r[8],
        open_offers=r[16] if r[13] is not None else 0,
        status=r[9],
        policy=r[10],
        offer_timeout_min=r[11] // 60,
        round_deadline=_dt(r[15]) if r[15] else None,
        updated_at=_dt(r[12]),
        standing=r[17],
        standing_since=_dt(r[18]) if r[18] else None,
        reminder_hours=_hours(r[19]),
        confirm_hours=r[20] // 3600,
        release_unconfirmed=bool(r[21]),
    )


def _path_of(source: Any) -> Path:
    if isinstance(source, str | Path):
        return Path(source)
    store = getattr(source, "store", source)  # an Engine, or a Store
    return Path(store.path)


class Queries:
    """Everything the window and the CLI read, on a read-only connection of its own.

    It never touches the engine's cache (which the writer thread changes) and never writes:
    every row is built from what is committed, so the window and the CLI see the same.
    """

    def __init__(self, source: Any) -> None:
        self.path = _path_of(source)
        self.conn = sqlite3.connect(
            str(self.path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit: each read sees the newest commit
            check_same_thread=False,
        )
        self.conn.execute("PRAGMA query_only = 1")
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: several queries see one committed state."""
        c = self.conn
        if c.in_transaction:
            yield c
            return
        c.execute("BEGIN")
        try:
            yield c
        finally:
            c.execute("COMMIT")

    def summaries(self) -> list[AppSummary]:
        """Every application, by date and start time."""
        rows = self.conn.execute(_SUMMARY_SQL + " ORDER BY a.date, a.start, a.id").fetchall()
        return [_summary(r) for r in rows]

    def summaries_json(self) -> str:
        """summaries() as JSON text (`app list --json`), built by SQLite."""
        (text,) = self.conn.execute(_SUMMARIES_JSON_SQL).fetchone()
        return str(text)

    def summary(self, app_id: str) -> AppSummary | None:
        row = self.conn.execute(_SUMMARY_SQL + " WHERE a.id = ?", (app_id,)).fetchone()
        return _summary(row) if row else None

    def detail(self, app_id: str, *, waitlist: bool = True) -> AppDetail | None:
        """One application whole; waitlist=False leaves the waitlist out (read it in pages)."""
        with self._snapshot():
            summary = self.summary(app_id)
            if summary is None:
                return None
            round_view = self.round(app_id)
            rows = self.waitlist(app_id, round_view.id if round_view else None) if waitlist else []
            return AppDetail(summary, tuple(self.roster(app_id)), tuple(rows), round_view)

    def detail_json(self, app_id: str) -> dict[str, Any] | None:
        """detail() as JSON-ready dicts (for `app show`), the waitlist as JSON text built by
        SQLite: {"waitlist_json": "[...]"} in place of its list.

        The same shape as dataclasses.asdict(detail) with ISO times, the waitlist's rows
        without the directory name. A 50,000-long waitlist built as dicts and encoded by
        json.dumps was 80% of `app show`'s run (6.6 MB of JSON); SQLite writes it in C.
        """
        with self._snapshot() as c:
            d = self.detail(app_id, waitlist=False)
            if d is None:
                return None
            shown = asdict(d)
            shown["summary"] = d.summary.flat()
            del shown["waitlist"]
            (shown["waitlist_json"],) = c.execute(
                _WAIT_JSON_SQL, (d.round.id if d.round else None, app_id)
            ).fetchone()
        return shown

    def roster(self, app_id: str) -> list[RosterRow]:
        return [
            RosterRow(vid, _dt(since), name or "", *map(_opt_dt, reminded))
            for vid, since, name, *reminded in self.conn.execute(
                "SELECT p.volunteer_id, p.since, v.name, p.reminded_at, p.confirm_by,"
                " p.confirmed_at, p.unconfirmed_at FROM participation p"
                " LEFT JOIN volunteer v ON v.volunteer_id = p.volunteer_id"
                " WHERE p.application_id = ? AND p.state = 'signed'"
                " ORDER BY p.since, p.volunteer_id",
                (app_id,),
            )
        ]

    def waitlist(
        self, app_id: str, round_id: int | None, *, offset: int = 0, limit: int = -1
    ) -> list[WaitRow]:
        """The waitlist in its order, from position offset + 1; with the open round's offers."""
        rows = self.conn.execute(
            _WAIT_SQL + " LIMIT ? OFFSET ?", (round_id, app_id, limit, offset)
        ).fetchall()
        return [
            WaitRow(i, r[0], _dt(r[1]), _dt(r[2]), r[3], r[4] or "")
            for i, r in enumerate(rows, start=offset + 1)
        ]

    def volunteers(self, ids: Iterable[str] | None = None) -> dict[str, Volunteer]:
        """Volunteers directory entries by id: those of the given ids it has, else all."""
        from core import directory

        if ids is None:
            return {v.volunteer_id: v for v in directory.read_all(self.conn)}
        return directory.read_many(self.conn, ids)

    def waitlist_ids(self, app_id: str) -> list[str]:
        """The waitlist's volunteer ids in order, from the index alone, split in C.

        One string for all of them: 50,000 rows cost a third of fetching them as tuples. A
        view keeps these and reads the rows it paints a page at a time (waitlist_rows).
        """
        (ids,) = self.conn.execute(
            "SELECT group_concat(volunteer_id, char(30)) FROM (SELECT volunteer_id"
            " FROM participation WHERE application_id = ? AND state = 'waiting'"
            " ORDER BY responded_at, seq, volunteer_id)",
            (app_id,),
        ).fetchone()
        return ids.split("\x1e") if ids else []

    def waitlist_order(self, app_id: str) -> tuple[list[str], str | None]:
        """waitlist_ids and the last row's order key (wait_key), as one committed state."""
        with self._snapshot():
            ids = self.waitlist_ids(app_id)
            last = self.waitlist_rows(app_id, None, ids[-1:]).get(ids[-1]) if ids else None
        return ids, last[3] if last else None

    def waitlist_keys(self, app_id: str) -> dict[str, str]:
        """Each waiting volunteer's order key (wait_key): for a view placing a row mid-list."""
        return dict(
            self.conn.execute(
                "SELECT volunteer_id, responded_at || char(31) || printf('%010d', seq)"
                " || char(31) || volunteer_id FROM participation"
                " WHERE application_id = ? AND state = 'waiting'",
                (app_id,),
            ).fetchall()
        )

    def offer_states(self, round_id: int) -> dict[str, str]:
        """Each offer of a round: volunteer id -> its state (open, passed, not_selected...)."""
        return dict(
            self.conn.execute(
                "SELECT volunteer_id, state FROM offer WHERE round_id = ?", (round_id,)
            ).fetchall()
        )

    def waitlist_place(self, app_id: str, responded_at: str, seq: int, volunteer_id: str) -> int:
        """How many wait before this (responded_at as stored, seq, id): counted in the index."""
        (n,) = self.conn.execute(
            "SELECT COUNT(*) FROM participation WHERE application_id = ? AND state = 'waiting'"
            " AND (responded_at, seq, volunteer_id) < (?, ?, ?)",
            (app_id, responded_at, seq, volunteer_id),
        ).fetchone()
        return int(n)

    def waitlist_rows(
        self, app_id: str, round_id: int | None, volunteer_ids: Sequence[str]
    ) -> dict[str, tuple[datetime, datetime, str | None, str, str]]:
        """Those waiting volunteers: id -> (since, responded, offer in the round, order key,
        directory name or ""), in one query: on the GUI thread each SQLite call can wait a
        switch interval for the GIL while the writer thread applies rules."""
        if not volunteer_ids:
            return {}
        marks = ",".join("?" * len(volunteer_ids))
        # +p.state: by the primary key, one lookup per id. SQLite otherwise chose the order
        # index on (application_id, state) and walked the whole waitlist for every page and
        # every single row looked up (18 ms a page at 50,000 waiting, 0.6 ms so).
        rows = self.conn.execute(
            "SELECT p.volunteer_id, p.since, p.responded_at, o.state, p.seq, v.name"
            " FROM participation p"
            " LEFT JOIN offer o ON o.round_id = ? AND o.volunteer_id = p.volunteer_id"
            " LEFT JOIN volunteer v ON v.volunteer_id = p.volunteer_id"
            f" WHERE p.application_id = ? AND +p.state = 'waiting' AND p.volunteer_id IN ({marks})",
            (round_id, app_id, *volunteer_ids),
        ).fetchall()
        return {
            r[0]: (_dt(r[1]), _dt(r[2]), r[3], wait_key(r[2], r[4], r[0]), r[5] or "") for r in rows
        }

    def round(self, app_id: str) -> RoundView | None:
        """The application's open offer round, with its offers in the order they were made."""
        r = self.conn.execute(
            "SELECT id, policy, held, opened_at, deadline FROM offer_round"
            " WHERE application_id = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
            (app_id,),
        ).fetchone()
        if r is None:
            return None
        offers = tuple(
            OfferView(vid, _dt(offered), _dt(expires), state, name or "")
            for vid, offered, expires, state, name in self.conn.execute(
                "SELECT o.volunteer_id, o.offered_at, o.expires_at, o.state, v.name FROM offer o"
                " LEFT JOIN volunteer v ON v.volunteer_id = o.volunteer_id WHERE o.round_id = ?"
                " ORDER BY o.rowid",
                (r[0],),
            )
        )
        return RoundView(r[0], r[1], r[2], _dt(r[3]), _dt(r[4]), offers)

    def activity(
        self, app_id: str | None = None, *, limit: int = 500, after_id: int = 0
    ) -> list[Activity]:
        """Newest last; only rows after after_id, so a live view can ask for just what is new."""
        where, args = "id > ?", [after_id]
        if app_id is not None:
            where += " AND application_id = ?"
            args.append(app_id)  # type: ignore[arg-type]
        rows = self.conn.execute(
            f"SELECT id, application_id, at, actor, kind, volunteer_id, params, cause FROM activity"
            f" WHERE {where} ORDER BY id DESC LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [_activity(r) for r in reversed(rows)]

    def messages(
        self,
        *,
        limit: int = 1000,
        application_id: str | None = None,
        volunteer_id: str | None = None,
    ) -> list[LoggedMessage]:
        """The message log, in and out, oldest first, at most limit rows of the newest.

        Each side is read newest first by its own key with LIMIT (rowid and seq grow with
        time), and only those 2 x limit rows are merged: a million-row inbox is never sorted.
        """
        filt, args = "", []
        if application_id is not None:
            filt += " AND application_id = ?"
            args.append(application_id)
        if volunteer_id is not None:
            filt += " AND volunteer_id = ?"
            args.append(volunteer_id)
        with self._snapshot() as c:
            inbound = c.execute(
                "SELECT rowid, received_at, exchange, routing_key, action, application_id,"
                f" volunteer_id, body, outcome, message_id FROM inbox WHERE 1=1{filt}"
                " ORDER BY rowid DESC LIMIT ?",
                [*args, limit],
            ).fetchall()
            outbound = c.execute(
                "SELECT seq, created_at, exchange, routing_key, action, application_id,"
                " volunteer_id, body, CASE WHEN failed_at IS NOT NULL THEN 'failed: ' || last_error"
                " WHEN sent_at IS NULL THEN 'pending' ELSE 'sent' END"
                f" FROM outbox WHERE 1=1{filt} ORDER BY seq DESC LIMIT ?",
                [*args, limit],
            ).fetchall()
            # A rejected message's body is kept once, in its rejected row.
            kept = self._rejected_bodies(
                c, [r[9] for r in inbound if r[8] == "rejected" and not r[7]]
            )
        # newest first: by time, then out before in, then the numeric id (arrival order)
        merged = sorted(
            [("in", r) for r in inbound] + [("out", r) for r in outbound],
            key=lambda dr: (dr[1][1], dr[0], dr[1][0]),
            reverse=True,
        )[:limit]
        return [
            LoggedMessage(
                d,
                _dt(r[1]),
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7] or (kept.get(r[9], "") if d == "in" else ""),
                r[8],
                f"{d}:{r[0]}",
            )
            for d, r in reversed(merged)
        ]

    @staticmethod
    def _rejected_bodies(c: sqlite3.Connection, message_ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(message_ids), 500):
            chunk = message_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for mid, body in c.execute(
                f"SELECT message_id, body FROM rejected WHERE message_id IN ({marks})", chunk
            ):
                out[mid] = bytes(body).decode("utf-8", "replace")
        return out

    def rejected(self, *, limit: int = 500) -> list[RejectedRow]:
        rows = self.conn.execute(
            "SELECT id, message_id, received_at, exchange, routing_key, reason, size, body, kind,"
            " params FROM rejected ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            RejectedRow(
                r[0],
                r[1],
                datetime.fromisoformat(r[2]),
                r[3],
                r[4],
                r[5],
                r[6],
                bytes(r[7][:2000]).decode("utf-8", "replace"),
                r[8],
                json.loads(r[9]),
            )
            for r in reversed(rows)
        ]

    def backlog(self) -> int:
        return backlog_of(self.conn)

    def applications_with_volunteer(self, text: str) -> set[str]:
        """The applications a volunteer was ever decided about (signed up, waiting, ...),
        found by their id or by a name in the volunteers directory (a word's start)."""
        from core import profile

        ids = sorted(profile.matching_ids(self.conn, text))
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                str(r[0])
                for r in self.conn.execute(
                    f"SELECT DISTINCT application_id FROM activity WHERE volunteer_id IN ({marks})",
                    chunk,
                )
            )
        return found

    def matching_volunteers(self, text: str) -> set[str]:
        """Volunteer ids the text finds: the text itself, and names in the directory."""
        from core import profile

        return profile.matching_ids(self.conn, text)

    def report(self, month: str | None = None) -> Report:
        """The fund's numbers per application, per month and in all (core/report.py)."""
        from core import report

        with self._snapshot() as c:
            return report.report(c, month=month)

    def volunteer_profile(self, volunteer_id: str) -> Profile:
        """One volunteer across the fund's applications: shifts, attendance, hours."""
        from core import profile

        with self._snapshot() as c:
            return profile.profile(c, volunteer_id)

    def updated_since(self, since: str) -> tuple[list[str], str, set[str]]:
        """What another process may have changed: the ids of the applications whose row
        changed at or after since (a stored timestamp, "" for all), the newest timestamp
        seen, and every id there is (a row deleted, a draft or a create another console's
        decisions undid, is told by its absence). One read of the table: updated_at has no
        index, so the changed rows alone cost the same scan."""
        rows = self.conn.execute("SELECT id, updated_at FROM application").fetchall()
        changed = [(str(i), str(u)) for i, u in rows if str(u) >= since]
        newest = max((u for _i, u in changed), default=since)
        return [i for i, _u in changed], newest, {str(r[0]) for r in rows}

    def volunteer_history(self, volunteer_id: str, *, limit: int = 500) -> list[Activity]:
        """Every decision about one volunteer across the fund's applications, newest first."""
        rows = self.conn.execute(
            "SELECT id, application_id, at, actor, kind, volunteer_id, params, cause FROM activity"
            " WHERE volunteer_id = ? ORDER BY id DESC LIMIT ?",
            (volunteer_id, limit),
        ).fetchall()
        return [_activity(r) for r in rows]

    def checkin(self, app_id: str) -> list[CheckinRow]:
        """The check-in list of one application: the roster with what is marked, by name."""
        from core import attendance

        return attendance.checkin_rows(self.conn, app_id)
