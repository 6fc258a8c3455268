"""Command-line parts of the shift's life: `checkin`, `volunteers show`, `report`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # at run time imported where used: `app list` never loads them
    from core import attendance, report
    from core.engine import Engine
    from core.profile import Profile
    from core.queries import Queries

CHECKIN_EPILOG = """\
examples:
  volunteer-console checkin list 123456789
  volunteer-console checkin arrived 123456789 789            at the time it is now
  volunteer-console checkin late 123456789 790 --at 10:25   hours: from 10:25 to the end
  volunteer-console checkin no-show 123456789 791
  volunteer-console checkin hours 123456789 789 2:30        or 2.5
  volunteer-console checkin walk-in 123456789 800 --over-capacity

Attendance stays in this fund's consoles: volunteers are never sent it. A walk-in is signed
up by hand (told «записан») and marked arrived; with no free spot only --over-capacity
signs them up, adding one spot (logged)."""


def on_one(
    sub: Any,
    common: argparse.ArgumentParser,
    name: str,
    what: str,
    description: str = "",
    *,
    volunteer: str = "",
) -> argparse.ArgumentParser:
    """An action on one application: its parser with the ID argument, and VOLUNTEER (helped
    by `volunteer`) when the action names one; the `app` and `checkin` actions share it."""
    p = sub.add_parser(
        name, parents=[common], help=what, description=description or what.capitalize()
    )
    p.add_argument("id", metavar="ID", help="application id")
    if volunteer:
        p.add_argument("volunteer", metavar="VOLUNTEER", help=volunteer)
    return p


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    ci = sub.add_parser(
        "checkin",
        parents=[common],
        formatter_class=fmt,
        help="on the day: who arrived, who is late, who did not come, hours served",
        description="Record attendance for an application's roster on the day, offline "
        "as well: arrived, late or no-show, with the hours served (default: the shift's "
        "length; for a late arrival, from then to the end; a no-show none).",
        epilog=CHECKIN_EPILOG,
    )
    ci_sub = ci.add_subparsers(dest="checkin_command", metavar="ACTION", title="actions")
    ls = on_one(
        ci_sub,
        common,
        "list",
        "the roster with what is recorded",
        "The roster of one application with each volunteer's attendance and hours.",
    )
    ls.add_argument("--json", action="store_true", help="print JSON for scripts")
    for name, what in (
        ("arrived", "mark a volunteer arrived"),
        ("late", "mark a volunteer late"),
    ):
        p = on_one(ci_sub, common, name, what, volunteer="volunteer id")
        p.add_argument("--at", metavar="HH:MM", help="arrival time (default: now)")
        p.add_argument("--hours", metavar="H", help="hours served: 3, 3.5 or 3:30")
    for name, what in (
        ("no-show", "mark a volunteer who did not come"),
        ("clear", "take back a mark made by mistake"),
    ):
        on_one(ci_sub, common, name, what, volunteer="volunteer id")
    hours = on_one(
        ci_sub,
        common,
        "hours",
        "set the hours served by a marked volunteer",
        "Set the hours served by a volunteer marked arrived or late.",
        volunteer="volunteer id",
    )
    hours.add_argument("hours", metavar="H", help="3, 3.5 or 3:30")
    walk = on_one(
        ci_sub,
        common,
        "walk-in",
        "sign up someone who came without signing up",
        "Sign up a walk-in by hand (told «записан») and mark them arrived. With "
        "no free spot it is refused unless --over-capacity is given (one spot is added).",
        volunteer="volunteer id (any text)",
    )
    walk.add_argument("--over-capacity", action="store_true", help="add a spot if none is free")
    walk.add_argument("--at", metavar="HH:MM", help="arrival time (default: now)")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(type(value).__name__)


_SAID = {"arrived": "arrived", "late": "late", "no_show": "no-show"}


def _line(r: attendance.CheckinRow) -> tuple[str, ...]:
    from core import attendance

    said = _SAID.get(r.status, "expected")
    if not r.on_roster:
        said += " (left the roster)"
    return (
        r.volunteer_id,
        r.name,
        said,
        r.arrived_at.strftime("%H:%M") if r.arrived_at else "",
        attendance.hours_text(r.minutes) if r.minutes is not None else "",
    )


def run(args: argparse.Namespace, engine: Engine, out: TextIO, err: Any) -> int:
    """One `checkin` action on an open engine; returns the exit code."""
    from core import attendance
    from core.engine import ActionRefused  # the read-only commands never load the engine
    from core.queries import Queries
    from core.replication.actions import CommandQueued

    cmd = args.checkin_command
    if cmd == "list":
        queries = Queries(engine)
        try:
            if queries.summary(args.id) is None:
                err(f"no application {args.id}")
                return 1
            rows = queries.checkin(args.id)
        finally:
            queries.close()
        if args.json:
            out.write(json.dumps([asdict(r) for r in rows], default=_jsonable, ensure_ascii=False))
            out.write("\n")
            return 0
        _table([("ID", "NAME", "ATTENDANCE", "ARRIVED", "HOURS")] + [_line(r) for r in rows], out)
        return 0
    minutes: int | None = None
    text = getattr(args, "hours", None)
    if text is not None:
        minutes = attendance.parse_hours(text)
        if minutes is None:
            err(f"error: hours: 0 to 24 as 3, 3.5 or 3:30 (got {text!r})")
            return 2
    vid = args.volunteer
    try:
        if cmd in ("arrived", "late", "no-show"):
            status = cmd.replace("-", "_")
            engine.record_attendance(
                args.id, vid, status, arrived_at=getattr(args, "at", None), minutes=minutes
            )
        elif cmd == "hours":
            assert minutes is not None
            engine.set_served(args.id, vid, minutes)
        elif cmd == "clear":
            engine.clear_attendance(args.id, vid)
        elif cmd == "walk-in":
            engine.check_in_walk_in(
                args.id, vid, over_capacity=args.over_capacity, arrived_at=args.at
            )
        else:
            raise AssertionError(f"unhandled checkin action {cmd}")
    except CommandQueued as exc:
        print(f"sent to the deciding console as command {exc.command_id}", file=out)
        return 0
    except ActionRefused as exc:
        err(f"refused: {exc}")
        return 1
    queries = Queries(engine)
    try:
        row = next((r for r in queries.checkin(args.id) if r.volunteer_id == vid), None)
    finally:
        queries.close()
    if row is None or not row.status:
        print(f"{vid}: expected (nothing recorded)", file=out)
    else:
        line = _line(row)
        at = f" at {line[3]}" if line[3] else ""
        print(f"{vid}: {line[2]}{at}, {line[4]} h served", file=out)
    return 0


# ---- volunteers show ------------------------------------------------------------------------


def add_volunteer_show(vols_sub: Any, common: argparse.ArgumentParser) -> None:
    show = vols_sub.add_parser(
        "show",
        parents=[common],
        help="one volunteer across the fund's applications: shifts, attendance, hours",
        description="One volunteer: their directory entry, every application they were part "
        "of (signed up, waiting or left) with the attendance recorded, the attendance rate "
        "(came out of the shifts marked) and the hours served.",
    )
    show.add_argument("volunteer", metavar="ID", help="volunteer id")
    show.add_argument("--json", action="store_true", help="print JSON for scripts")


def profile_json(p: Profile) -> dict[str, Any]:
    shown = asdict(p)
    shown["marked"] = p.marked
    shown["attendance_rate"] = p.attendance_rate
    shown["hours"] = round(p.minutes / 60, 2)
    return shown


def show_volunteer(args: argparse.Namespace, queries: Queries, out: TextIO) -> int:
    from core import attendance

    p = queries.volunteer_profile(args.volunteer)
    if args.json:
        out.write(json.dumps(profile_json(p), default=_jsonable, ensure_ascii=False))
        out.write("\n")
        return 0
    head = f"Volunteer {p.volunteer_id}" + (f": {p.name}" if p.name else "")
    lines = [head]
    if p.phone:
        lines.append(f"  phone       {p.phone}")
    if p.notes:
        lines.append(f"  notes       {' '.join(p.notes.split())}")
    rate = f"{p.attendance_rate:.0%}" if p.attendance_rate is not None else "no marks yet"
    lines.append(
        f"  attendance  {rate}: came {p.came} of {p.marked} marked ({p.late} late),"
        f" {p.no_show} no-show"
    )
    lines.append(f"  served      {attendance.hours_text(p.minutes)} h")
    lines.append(f"Applications ({len(p.shifts)}):" if p.shifts else "Applications: none")
    for s in p.shifts:
        mark = _SAID.get(s.attendance, "")
        if s.minutes is not None and s.attendance:
            mark += f" {attendance.hours_text(s.minutes)} h"
        lines.append(
            f"  {s.date.isoformat()} {s.start:%H:%M}-{s.end:%H:%M}  {s.application_id}"
            f"  {s.name}  [{s.place}]" + (f"  {mark}" if mark else "")
        )
    print("\n".join(lines), file=out)
    return 0


# ---- report ---------------------------------------------------------------------------------

REPORT_EPILOG = """\
examples:
  volunteer-console report                  every month, then every application
  volunteer-console report --month 2026-03  one month's applications
  volunteer-console report --json           the same figures for scripts

fill: signed up / spots (! understaffed below 75 %, !! critical below 50 %); refill: time from
a freed spot to the next signup, p50 / p90; offers: claimed / ended; confirmed: of those
reminded; no-show: of those marked; hours: served by those who came."""


def add_report_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    rep = sub.add_parser(
        "report",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="the fund's numbers: fill rate, refill time, offers, confirmations, no-shows, hours",
        description="The fund's numbers per month of the shifts and per application (drafts "
        "and cancelled applications left out), from this console's database.",
        epilog=REPORT_EPILOG,
    )
    rep.add_argument("--month", metavar="YYYY-MM", help="only the shifts of this month")
    rep.add_argument("--json", action="store_true", help="print JSON for scripts")


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{round(100 * rate)}%"


def _flag_mark(flag: str) -> str:
    return {"understaffed": " !", "critical": " !!"}.get(flag, "")


def _figures_cells(f: report.Figures) -> tuple[str, ...]:
    from core import attendance, report

    return (
        f"{f.signed}/{f.spots} {_pct(f.fill_rate)}{_flag_mark(f.flag)}",
        f"{report.duration_text(f.refill_p50_s)} / {report.duration_text(f.refill_p90_s)}",
        f"{f.offers_claimed}/{f.offers} {_pct(f.acceptance_rate)}",
        "–" if f.reminded is None else f"{f.confirmed}/{f.reminded} {_pct(f.confirmation_rate)}",
        f"{f.no_shows}/{f.marked} {_pct(f.no_show_rate)}",
        attendance.hours_text(f.minutes),
    )


def _table(rows: list[tuple[str, ...]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip(), file=out)


def show_report(args: argparse.Namespace, queries: Queries, out: TextIO) -> int:
    if args.month is not None:
        try:
            datetime.strptime(args.month, "%Y-%m")
        except ValueError:
            print(f"error: --month: YYYY-MM (got {args.month!r})", file=sys.stderr)
            return 2
    rep = queries.report(args.month)
    if args.json:
        out.write(json.dumps(rep.as_json(), ensure_ascii=False))
        out.write("\n")
        return 0
    if not rep.applications:
        print("no published applications" + (f" in {args.month}" if args.month else ""), file=out)
        return 0
    head = ("FILL", "REFILL P50 / P90", "OFFERS", "CONFIRMED", "NO-SHOW", "HOURS")
    months = [("MONTH", "APPS", *head)] + [
        (m.month, str(m.applications), *_figures_cells(m.figures)) for m in rep.months
    ]
    months.append(("all", str(len(rep.applications)), *_figures_cells(rep.total)))
    _table(months, out)
    print("", file=out)
    apps = [("DATE", "ID", "NAME", *head)] + [
        (a.date.isoformat(), a.application_id, _clip(a.name, 28), *_figures_cells(a.figures))
        for a in rep.applications
    ]
    _table(apps, out)
    return 0


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
