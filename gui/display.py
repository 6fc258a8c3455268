"""How core values read on screen: local dates and times in the interface locale, and activity."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject, QTime

from core.queries import ActivityRow

translate = QCoreApplication.translate  # lupdate finds translate("Context", "text")


class Activity(QObject):
    """Context for plural sentences: lupdate marks a %n string numerus only in Class.tr(...)."""


# ---- dates and times ------------------------------------------------------------------------
# Core keeps naive UTC for moments (signed up at, offered at); an application's own date and
# hours are the wall-clock times the coordinator typed, so they are shown as they are.


def to_local(when: datetime) -> datetime:
    """A naive UTC moment from the core as a naive local wall-clock time."""
    return when.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def local_today(now_utc: datetime) -> date:
    return to_local(now_utc).date()


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _qtime(t: time) -> QTime:
    return QTime(t.hour, t.minute, t.second)


def date_text(d: date, *, year: bool = False, long: bool = False) -> str:
    """A date in the interface locale: «Sat 28 Nov» in English, «сб, 28 нояб.» in Russian.

    The patterns are translatable (dates context) because word order and punctuation differ
    by language; QLocale supplies the weekday and month names.
    """
    if long:
        pattern = translate("dates", "dddd d MMMM yyyy", "QLocale date pattern")
    elif year:
        pattern = translate("dates", "ddd d MMM yyyy", "QLocale date pattern")
    else:
        pattern = translate("dates", "ddd d MMM", "QLocale date pattern")
    return QLocale().toString(_qdate(d), pattern)


def _time_pattern(seconds: bool) -> str:
    pattern = QLocale().timeFormat(QLocale.FormatType.ShortFormat)  # 23:05, or 11:05 PM
    if seconds and "ss" not in pattern:
        pattern = pattern.replace("mm", "mm:ss", 1)
    return pattern


def time_text(t: time, *, seconds: bool = False) -> str:
    """A wall-clock time as the locale writes it (24-hour in Russian)."""
    return QLocale().toString(_qtime(t), _time_pattern(seconds))


def moment_text(when: datetime | None, *, seconds: bool = False, day: bool = True) -> str:
    """A core UTC moment in local time: «28 Nov 23:05» (or just the time when day is False)."""
    if when is None:
        return ""
    local = to_local(when)
    shown = time_text(local.time(), seconds=seconds)
    if not day:
        return shown
    on = QLocale().toString(
        _qdate(local.date()), translate("dates", "d MMM", "QLocale date pattern")
    )
    return f"{on} {shown}"


def full_moment_text(when: datetime) -> str:
    """For tooltips: the weekday, the date and the time to the second, local."""
    local = to_local(when)
    return f"{date_text(local.date(), long=True)}, {time_text(local.time(), seconds=True)}"


def span_text(d: date, start: time, end: time, *, year: bool = False) -> str:
    """An application's date and hours: «Sat 28 Nov, 10:00–14:00»."""
    return f"{date_text(d, year=year)}, {time_text(start)}–{time_text(end)}"


# ---- words ------------------------------------------------------------------------------------


def status_text(status: str) -> str:
    return {
        "draft": translate("", "draft"),
        "open": translate("", "open"),
        "closed": translate("", "closed"),
        "cancelled": translate("", "cancelled"),
    }.get(status, status)


def policy_text(policy: str) -> str:
    return {
        "broadcast": translate("display", "offer freed spots to the whole waitlist"),
        "auto": translate("display", "promote the first in line automatically"),
        "timed": translate("display", "offer freed spots in turn, one at a time"),
    }.get(policy, policy)


def actor_text(actor: str, volunteer_id: str | None = None) -> str:
    """Who decided: the coordinator, the offer timer, or a volunteer's message."""
    if actor == "coordinator":
        return translate("Activity", "coordinator")
    if actor == "clock":
        # the offer deadline passing: decisions that no message caused
        return translate("Activity", "timer")
    if actor.startswith("volunteer "):
        vid = actor.removeprefix("volunteer ")
        if vid == volunteer_id:
            return translate("Activity", "volunteer")  # the volunteer column already names them
        return translate("Activity", "volunteer %1").replace("%1", vid)
    return actor


# ---- the activity feed ---------------------------------------------------------------------------
# Core logs one English sentence per decision (the stored record). The window says the same in
# the interface language from the kind and the few parts of the detail that have a fixed shape;
# anything else falls back to the kind alone, and the tooltip keeps core's own words.


def _reason(text: str) -> str | None:
    return {
        "nobody left on the waitlist to offer the spot to": translate(
            "Activity", "nobody left on the waitlist to offer the spot to"
        ),
        "every offered volunteer withdrew": translate(
            "Activity", "everyone who was offered the spot withdrew"
        ),
        "nobody claimed the spot before the offer expired": translate(
            "Activity", "nobody claimed the spot before the offer expired"
        ),
        "every offered spot was claimed": translate("Activity", "every offered spot was claimed"),
        "capacity lowered; no spot left to offer": translate(
            "Activity", "capacity lowered, no spot left to offer"
        ),
        "capacity lowered; offer withdrawn": translate(
            "Activity", "capacity lowered, the offer was withdrawn"
        ),
        "the coordinator filled the held spot": translate(
            "Activity", "the coordinator gave the held spot to a volunteer"
        ),
        "the application was closed": translate("Activity", "the application was closed"),
        "the application was cancelled": translate("Activity", "the application was cancelled"),
    }.get(text)


def _with(head: str, tail: str | None) -> str:
    return f"{head}: {tail}" if tail else head


_UNTIL = re.compile(r"until (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")
_FREED = re.compile(r"^(.*); (\d+) held spot\(s\) became free$")


def _number(pattern: str, detail: str) -> int | None:
    found = re.search(pattern, detail)
    return int(found.group(1)) if found else None


def activity_text(row: ActivityRow) -> str:
    """One human sentence for an activity row, in the interface language."""
    kind, detail = row.kind, row.detail
    if kind == "signed_up":
        how = {
            "took a free spot": translate("Activity", "took a free spot"),
            "claimed the offered spot": translate("Activity", "claimed the offered spot"),
            "promoted automatically from the waitlist": translate(
                "Activity", "moved up from the waitlist automatically"
            ),
            "promoted from the waitlist by the coordinator": translate(
                "Activity", "promoted from the waitlist by the coordinator"
            ),
            "promoted into a held spot by the coordinator": translate(
                "Activity", "given a held spot by the coordinator"
            ),
        }.get(detail)
        return _with(translate("Activity", "signed up"), how)
    if kind == "waitlisted":
        position = _number(r"position (\d+)", detail)
        if position is None:
            return translate("Activity", "waitlisted")
        return translate("Activity", "waitlisted: no free spot, number %1 in line").replace(
            "%1", str(position)
        )
    if kind == "offered":
        until = _UNTIL.search(detail)
        if until is None:
            return translate("Activity", "offered a freed spot")
        expires = datetime.fromisoformat(until.group(1))
        same_day = to_local(expires).date() == to_local(row.at).date()
        return translate("Activity", "offered a freed spot until %1").replace(
            "%1", moment_text(expires, day=not same_day)
        )
    if kind == "withdrew":
        return translate("Activity", "withdrew: left the roster, a spot freed")
    if kind == "left_waitlist":
        return translate("Activity", "left the waitlist")
    if kind == "not_selected":
        return _with(translate("Activity", "not selected"), _reason(detail))
    if kind == "offer_expired":
        return translate("Activity", "offer expired: not claimed in time, passed on")
    if kind == "round_opened":
        n = _number(r"^(\d+) spot", detail)
        if n is None:
            return translate("Activity", "offer round opened")
        if "in turn" in detail:
            return Activity.tr("offer round opened: %n spot(s) offered in turn", "", n)
        return Activity.tr("offer round opened: %n spot(s) offered to the whole waitlist", "", n)
    if kind == "round_closed":
        freed = _FREED.match(detail)
        reason = _reason(freed.group(1) if freed else detail)
        text = _with(translate("Activity", "offer round closed"), reason)
        if freed:
            released = int(freed.group(2))
            text += Activity.tr("; %n held spot(s) became free", "", released)
        return text
    if kind == "ignored":
        return translate(
            "Activity", "ignored: withdrawal from someone neither signed up nor waiting"
        )
    late = {
        "response_to_closed": translate(
            "Activity", "response to a closed application; nothing changed"
        ),
        "response_to_cancelled": translate(
            "Activity", "response to a cancelled application; nothing changed"
        ),
        "response_to_draft": translate(
            "Activity", "response to an unpublished application; nothing changed"
        ),
        "withdrawal_to_closed": translate(
            "Activity", "withdrawal from a closed application; nothing changed"
        ),
        "withdrawal_to_cancelled": translate(
            "Activity", "withdrawal from a cancelled application; nothing changed"
        ),
        "withdrawal_to_draft": translate(
            "Activity", "withdrawal from an unpublished application; nothing changed"
        ),
    }.get(kind)
    if late is not None:
        return late
    if kind == "capacity_changed":
        found = re.search(r"(\d+) → (\d+)", detail)
        if found is None:
            return translate("Activity", "capacity changed")
        return (
            translate("Activity", "capacity changed from %1 to %2")
            .replace("%1", found.group(1))
            .replace("%2", found.group(2))
        )
    if kind == "removed":
        if "roster" in detail:
            return translate("Activity", "removed from the roster by the coordinator; a spot freed")
        return translate("Activity", "removed from the waitlist by the coordinator")
    if kind == "closed":
        return translate("Activity", "application closed: later responses are told it is closed")
    if kind == "reopened":
        return translate("Activity", "application reopened for responses")
    if kind == "cancelled":
        found = re.search(r"(\d+) signed up and (\d+) waiting", detail)
        if found is None:
            return translate("Activity", "application cancelled")
        return (
            translate("Activity", "application cancelled; told %1 signed up and %2 waiting")
            .replace("%1", found.group(1))
            .replace("%2", found.group(2))
        )
    if kind in ("created", "published"):
        n = _number(r"with (\d+) spot", detail)
        if kind == "created":
            if n is None:
                return translate("Activity", "application created")
            return Activity.tr("application created with %n spot(s)", "", n)
        if n is None:
            return translate("Activity", "application published")
        return Activity.tr("application published with %n spot(s)", "", n)
    if kind == "edited":
        names = {
            "name": translate("Activity", "name"),
            "description": translate("Activity", "description"),
            "date": translate("Activity", "date"),
            "start": translate("Activity", "start"),
            "end": translate("Activity", "end"),
        }
        changed = [names[f] for f in detail.removeprefix("changed ").split(", ") if f in names]
        return _with(translate("Activity", "details changed"), ", ".join(changed))
    if kind == "policy_changed":
        found = re.search(r"freed spots: (\w+), offer timeout (\d+) min", detail)
        if found is None:
            return translate("Activity", "policy changed")
        return (
            translate("Activity", "policy changed: %1; offers last %2 min")
            .replace("%1", policy_text(found.group(1)))
            .replace("%2", found.group(2))
        )
    return f"{kind.replace('_', ' ')}: {detail}"  # a kind this window does not know yet


def short_id(message_id: str | None) -> str:
    """A message id's first block: enough to find it in the message log (full id in the tip)."""
    if not message_id:
        return ""
    return message_id if len(message_id) <= 12 else message_id[:8]
