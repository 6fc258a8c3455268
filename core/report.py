"""The fund's numbers, per application, per month of the shifts and in all: how well shifts
fill, how fast a freed spot is filled again, how offers and reminders are answered, who came.

Read from what is committed, for the window's Numbers tab and `volunteer-console report`.
Drafts and cancelled applications are left out. Each figure (resources/CONTRACT.md, "The
fund's numbers"):

- fill rate: signed up / spots (a month: its applications' sums); below 75 % understaffed,
  below 50 % critical;
- refill: a spot freed (withdrew, removed from the roster, released unconfirmed) is refilled
  by the application's next signup of any kind, oldest freed spot first; p50 and p90 are the
  nearest-rank percentiles of those times in seconds; spots never refilled are counted apart;
- offer acceptance: offers claimed / offers made that have ended (an open one is not counted);
- confirmation: volunteers who confirmed / volunteers reminded (where reminders exist);
- no-show rate: no-shows / volunteers marked; hours: the minutes served by those who came.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

UNDERSTAFFED = 0.75
CRITICAL = 0.50

FREED_KINDS = ("withdrew", "removed", "not_confirmed")
FILLED_KINDS = ("signed_up", "claimed", "promoted_auto", "promoted", "took_held", "signed_by_hand")


def flag_of(rate: float | None) -> str:
    """ok, understaffed (below 75 %) or critical (below 50 %); "" without spots."""
    if rate is None:
        return ""
    if rate < CRITICAL:
        return "critical"
    return "understaffed" if rate < UNDERSTAFFED else "ok"


def percentile(values: list[int], p: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least p of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _rate(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Figures:
    """The numbers of one application, one month, or the whole fund."""

    spots: int
    signed: int
    freed: int  # spots freed by someone leaving the roster
    refilled: int
    refill_p50_s: int | None
    refill_p90_s: int | None
    offers: int  # offers made that have ended
    offers_claimed: int
    reminded: int | None  # None: this console keeps no reminders
    confirmed: int | None
    marked: int
    no_shows: int
    minutes: int

    @property
    def fill_rate(self) -> float | None:
        return _rate(self.signed, self.spots)

    @property
    def flag(self) -> str:
        return flag_of(self.fill_rate)

    @property
    def acceptance_rate(self) -> float | None:
        return _rate(self.offers_claimed, self.offers)

    @property
    def confirmation_rate(self) -> float | None:
        return _rate(self.confirmed or 0, self.reminded)

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.no_shows, self.marked)

    def as_json(self) -> dict[str, object]:
        return {
            "spots": self.spots,
            "signed": self.signed,
            "fill_rate": self.fill_rate,
            "flag": self.flag,
            "freed": self.freed,
            "refilled": self.refilled,
            "refill_p50_s": self.refill_p50_s,
            "refill_p90_s": self.refill_p90_s,
            "offers": self.offers,
            "offers_claimed": self.offers_claimed,
            "acceptance_rate": self.acceptance_rate,
            "reminded": self.reminded,
            "confirmed": self.confirmed,
            "confirmation_rate": self.confirmation_rate if self.reminded is not None else None,
            "marked": self.marked,
            "no_shows": self.no_shows,
            "no_show_rate": self.no_show_rate,
            "minutes": self.minutes,
            "hours": round(self.minutes / 60, 2),
        }


@dataclass(frozen=True, slots=True)
class AppFigures:
    application_id: str
    name: str
    date: date
    start: time
    end: time
    status: str
    figures: Figures
    refill_times: tuple[int, ...]  # seconds, in the order the spots were refilled

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: str  # YYYY-MM of the shifts' dates
    applications: int
    understaffed: int  # applications below 75 % (critical ones included)
    critical: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class Report:
    applications: tuple[AppFigures, ...]  # by date and start
    months: tuple[MonthFigures, ...]  # oldest first
    total: Figures

    def as_json(self) -> dict[str, object]:
        return {
            "thresholds": {"understaffed_below": UNDERSTAFFED, "critical_below": CRITICAL},
            "total": self.total.as_json(),
            "months": [
                {
                    "month": m.month,
                    "applications": m.applications,
                    "understaffed": m.understaffed,
                    "critical": m.critical,
                    **m.figures.as_json(),
                }
                for m in self.months
            ],
            "applications": [
                {
                    "application_id": a.application_id,
                    "name": a.name,
                    "date": a.date.isoformat(),
                    "start": a.start.isoformat("minutes"),
                    "end": a.end.isoformat("minutes"),
                    "status": a.status,
                    "month": a.month,
                    **a.figures.as_json(),
                }
                for a in self.applications
            ],
        }


def _refills(events: Iterable[tuple[str, str, str]]) -> tuple[int, int, list[int]]:
    """(freed, refilled, times) of one application's activity (at, kind, params) in order."""
    waiting: deque[datetime] = deque()
    freed = 0
    times: list[int] = []
    for at, kind, params in events:
        if kind in FREED_KINDS:
            p = json.loads(params) if params else {}
            if kind == "removed" and p.get("place") != "roster":
                continue
            if kind == "not_confirmed" and not p.get("released"):
                continue
            freed += 1
            waiting.append(datetime.fromisoformat(at))
        elif waiting:
            times.append(int((datetime.fromisoformat(at) - waiting.popleft()).total_seconds()))
    return freed, len(times), times


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return row.fetchone() is not None


def _sum(figures: list[Figures], times: list[int]) -> Figures:
    reminders = [f.reminded for f in figures if f.reminded is not None]
    return Figures(
        spots=sum(f.spots for f in figures),
        signed=sum(f.signed for f in figures),
        freed=sum(f.freed for f in figures),
        refilled=sum(f.refilled for f in figures),
        refill_p50_s=percentile(times, 0.5),
        refill_p90_s=percentile(times, 0.9),
        offers=sum(f.offers for f in figures),
        offers_claimed=sum(f.offers_claimed for f in figures),
        reminded=sum(reminders) if reminders else None,
        confirmed=sum(f.confirmed or 0 for f in figures) if reminders else None,
        marked=sum(f.marked for f in figures),
        no_shows=sum(f.no_shows for f in figures),
        minutes=sum(f.minutes for f in figures),
    )


def report(conn: sqlite3.Connection, *, month: str | None = None) -> Report:
    """The numbers of every published application (of one YYYY-MM month, if given)."""
    where = "status NOT IN ('draft', 'cancelled')"
    args: list[object] = []
    if month:
        where += " AND substr(date, 1, 7) = ?"
        args.append(month)
    apps = conn.execute(
        "SELECT id, name, date, start, end, status, capacity, signed_count FROM application"
        f" WHERE {where} ORDER BY date, start, id",
        args,
    ).fetchall()
    ids = [a[0] for a in apps]
    events: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    offers: dict[str, tuple[int, int]] = {}
    marks: dict[str, tuple[int, int, int]] = {}
    reminders: dict[str, tuple[int, int]] | None = {} if _has_table(conn, "reminder") else None
    kinds = FREED_KINDS + FILLED_KINDS
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks_sql = ",".join("?" * len(chunk))
        for app_id, at, kind, params in conn.execute(
            "SELECT application_id, at, kind, params FROM activity"
            f" WHERE application_id IN ({marks_sql})"
            f" AND kind IN ({','.join('?' * len(kinds))}) ORDER BY id",
            (*chunk, *kinds),
        ):
            events[app_id].append((at, kind, params))
        for app_id, made, claimed in conn.execute(
            "SELECT r.application_id, COUNT(*), SUM(o.state = 'claimed') FROM offer o"
            " JOIN offer_round r ON r.id = o.round_id"
            f" WHERE r.application_id IN ({marks_sql}) AND o.state != 'open'"
            " GROUP BY r.application_id",
            chunk,
        ):
            offers[app_id] = (int(made), int(claimed or 0))
        for app_id, marked, no_shows, minutes in conn.execute(
            "SELECT application_id, COUNT(*), SUM(status = 'no_show'),"
            " SUM(CASE WHEN status != 'no_show' THEN minutes ELSE 0 END) FROM attendance"
            f" WHERE application_id IN ({marks_sql}) GROUP BY application_id",
            chunk,
        ):
            marks[app_id] = (int(marked), int(no_shows or 0), int(minutes or 0))
        if reminders is not None:
            for app_id, reminded, confirmed in conn.execute(
                "SELECT application_id, COUNT(DISTINCT volunteer_id),"
                " COUNT(DISTINCT CASE WHEN confirmed_at IS NOT NULL THEN volunteer_id END)"
                f" FROM reminder WHERE application_id IN ({marks_sql}) GROUP BY application_id",
                chunk,
            ):
                reminders[app_id] = (int(reminded), int(confirmed or 0))
    rows: list[AppFigures] = []
    for app_id, name, day, start, end, status, capacity, signed in apps:
        freed, refilled, times = _refills(events.get(app_id, []))
        made, claimed = offers.get(app_id, (0, 0))
        marked, no_shows, minutes = marks.get(app_id, (0, 0, 0))
        reminded = confirmed = None
        if reminders is not None:
            reminded, confirmed = reminders.get(app_id, (0, 0))
        figures = Figures(
            spots=capacity,
            signed=signed,
            freed=freed,
            refilled=refilled,
            refill_p50_s=percentile(times, 0.5),
            refill_p90_s=percentile(times, 0.9),
            offers=made,
            offers_claimed=claimed,
            reminded=reminded,
            confirmed=confirmed,
            marked=marked,
            no_shows=no_shows,
            minutes=minutes,
        )
        rows.append(
            AppFigures(
                app_id,
                name,
                date.fromisoformat(day),
                time.fromisoformat(start),
                time.fromisoformat(end),
                status,
                figures,
                tuple(times),
            )
        )
    by_month: dict[str, list[AppFigures]] = defaultdict(list)
    for a in rows:
        by_month[a.month].append(a)
    months = tuple(
        MonthFigures(
            key,
            len(group),
            sum(1 for a in group if a.figures.flag in ("understaffed", "critical")),
            sum(1 for a in group if a.figures.flag == "critical"),
            _sum([a.figures for a in group], [t for a in group for t in a.refill_times]),
        )
        for key, group in sorted(by_month.items())
    )
    total = _sum([a.figures for a in rows], [t for a in rows for t in a.refill_times])
    return Report(tuple(rows), months, total)


def duration_text(seconds: int | None) -> str:
    """A refill time as a coordinator reads it: 45 s, 12 min, 3 h 05 min, 2 d 4 h."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min"
    return f"{hours // 24} d {hours % 24} h"
