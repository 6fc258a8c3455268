"""How core values read on screen: local dates and times in the interface locale, and activity."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject, QTime

from core.records import Activity as ActivityRecord

translate = QCoreApplication.translate  # lupdate finds translate("Context", "text")


class PluralContext(QObject):
    """A translation context for plural sentences: lupdate marks a %n string numerus only in
    Class.tr(...), so module-level text that counts is translated through a subclass."""

    if TYPE_CHECKING:  # called on the class (a static tr); the stubs know only the bound one

        @staticmethod
        def tr(source: str, disambiguation: str | None = None, n: int = -1) -> str: ...


class Activity(PluralContext):
    """The activity feed's sentences."""


# ---- dates and times ------------------------------------------------------------------------
# Core keeps naive UTC for moments (signed up at, offered at); an application's own date and
# hours are the wall-clock times the coordinator typed, so they are shown as they are.


def volunteer_text(volunteer_id: str, name: str) -> str:
    """A volunteer as the window shows one: the contract's id, then the directory's name."""
    return f"{volunteer_id} · {name}" if name else volunteer_id


def to_local(when: datetime) -> datetime:
    """A naive UTC moment from the core as a naive local wall-clock time."""
    return when.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def local_today(now_utc: datetime) -> date:
    return to_local(now_utc).date()


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _qtime(t: time) -> QTime:
    return QTime(t.hour, t.minute, t.second)


def date_text(d: date, *, year: bool = False, long: bool = False, weekday: bool = True) -> str:
    """A date in the interface locale: «Sat 28 Nov» in English, «сб, 28 нояб.» in Russian.

    The patterns are translatable (dates context) because word order and punctuation differ
    by language; QLocale supplies the weekday and month names.
    """
    if long:
        pattern = translate("dates", "dddd d MMMM yyyy", "QLocale date pattern")
    elif year:
        pattern = translate("dates", "ddd d MMM yyyy", "QLocale date pattern")
    elif weekday:
        pattern = translate("dates", "ddd d MMM", "QLocale date pattern")
    else:  # a narrow list: «28 Nov»
        pattern = translate("dates", "d MMM", "QLocale date pattern")
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


def span_text(d: date, start: time, end: time, *, year: bool = False, weekday: bool = True) -> str:
    """An application's date and hours: «Sat 28 Nov, 10:00–14:00» («28 Nov, …» without weekday).

    An end before the start is the next day (an overnight shift): «Sat 28 Nov, 22:00–02:00
    (next day)».
    """
    hours = f"{time_text(start)}–{time_text(end)}"
    if end < start:
        hours = translate("dates", "%1 (next day)").replace("%1", hours)
    return f"{date_text(d, year=year, weekday=weekday)}, {hours}"


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
    if actor.startswith("coordinator "):
        return translate("Activity", "coordinator %1").replace(
            "%1", actor.removeprefix("coordinator ")
        )
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
# Core records each decision as a kind plus parameters (core/kinds.py); here each kind has one
# function that says it in the interface language. A kind this window does not know yet (a
# newer core) falls back to core's English sentence rather than to nothing.

Params = Mapping[str, Any]


def _with(head: str, tail: str | None) -> str:
    return f"{head}: {tail}" if tail else head


def round_end_text(reason: object) -> str | None:
    """Why an offer round ended, as a clause; None for a reason this window does not know."""
    return {
        "nobody_left": translate("Activity", "nobody left on the waitlist to offer the spot to"),
        "all_withdrew": translate("Activity", "everyone who was offered the spot withdrew"),
        "expired": translate("Activity", "nobody claimed the spot before the offer expired"),
        "all_claimed": translate("Activity", "every offered spot was claimed"),
        "capacity_lowered": translate("Activity", "capacity lowered, no spot left to offer"),
        "coordinator_filled": translate(
            "Activity", "the coordinator gave the held spot to a volunteer"
        ),
        "app_closed": translate("Activity", "the application was closed"),
        "app_cancelled": translate("Activity", "the application was cancelled"),
    }.get(str(reason))


def _not_selected(p: Params, row: ActivityRecord) -> str:
    reason = p.get("reason")
    if reason == "capacity_lowered":  # one offer withdrawn, not the whole round
        why: str | None = translate("Activity", "capacity lowered, the offer was withdrawn")
    elif reason == "coordinator_filled":
        why = translate("Activity", "the coordinator gave a held spot to another volunteer")
    else:
        why = round_end_text(reason)
    return _with(translate("Activity", "not selected"), why)


def _promoted(p: Params, row: ActivityRecord) -> str:
    into = p.get("into")
    if into == "held":
        return translate("Activity", "promoted by the coordinator into a held spot")
    if into == "offer":
        return translate("Activity", "promoted by the coordinator into the spot offered to them")
    return translate("Activity", "promoted from the waitlist by the coordinator")


def _offered(p: Params, row: ActivityRecord) -> str:
    expires = datetime.fromisoformat(p["until"])
    same_day = to_local(expires).date() == to_local(row.at).date()
    return translate("Activity", "offered a freed spot until %1").replace(
        "%1", moment_text(expires, day=not same_day)
    )


def _round_opened(p: Params, row: ActivityRecord) -> str:
    if p.get("chosen"):
        return translate("Activity", "the coordinator offered a spot to volunteer %1").replace(
            "%1", str(p["chosen"])
        )
    n = int(p["spots"])
    if p.get("policy") == "timed":
        return Activity.tr("offer round opened: %n spot(s) offered in turn", "", n)
    return Activity.tr("offer round opened: %n spot(s) offered to the whole waitlist", "", n)


def _round_closed(p: Params, row: ActivityRecord) -> str:
    text = _with(translate("Activity", "offer round closed"), round_end_text(p.get("reason")))
    released, kept = int(p.get("released", 0)), int(p.get("kept", 0))
    if released:
        text += Activity.tr("; %n held spot(s) became free", "", released)
    if kept:
        text += Activity.tr("; %n unclaimed spot(s) stay held for the waitlist", "", kept)
    return text


def _hold_released(p: Params, row: ActivityRecord) -> str:
    n, why = int(p["spots"]), p.get("why")
    if why == "coordinator":
        return Activity.tr("%n held spot(s) released to newcomers by the coordinator", "", n)
    if why == "timer":
        return Activity.tr(
            "%n held spot(s) released to newcomers: unclaimed for the set time", "", n
        )
    if why == "reoffered":
        return Activity.tr("%n held spot(s) went to a new offer round", "", n)
    if why == "capacity_lowered":
        return Activity.tr("%n held spot(s) removed: capacity lowered", "", n)
    if why == "app_closed":
        return Activity.tr("%n held spot(s) became free: the application was closed", "", n)
    return Activity.tr("%n held spot(s) became free: fewer people are waiting", "", n)


def _answered_not_open(p: Params, row: ActivityRecord) -> str:
    withdrawal = p.get("request") == "declined"
    if p.get("request") == "confirmed":
        return translate("Activity", "confirmation for a cancelled application; nothing changed")
    if p.get("status") == "cancelled":
        if withdrawal:
            return translate("Activity", "withdrawal from a cancelled application; nothing changed")
        return translate("Activity", "response to a cancelled application; nothing changed")
    if withdrawal:
        return translate("Activity", "withdrawal from a closed application; nothing changed")
    return translate("Activity", "response to a closed application; nothing changed")


def _two(text: str, a: object, b: object) -> str:
    return text.replace("%1", str(a)).replace("%2", str(b))


def _edited(p: Params, row: ActivityRecord) -> str:
    names = {
        "name": translate("Activity", "name"),
        "description": translate("Activity", "description"),
        "date": translate("Activity", "date"),
        "start": translate("Activity", "start"),
        "end": translate("Activity", "end"),
    }
    changed = [names.get(f, f) for f in p.get("fields", [])]
    return _with(translate("Activity", "details changed"), ", ".join(changed))


def attendance_text(status: str) -> str:
    """A check-in status on screen; "" is someone expected who has not come yet."""
    return {
        "arrived": translate("Attendance", "arrived"),
        "late": translate("Attendance", "late"),
        "no_show": translate("Attendance", "no-show"),
        "": translate("Attendance", "expected"),
    }.get(status, status)


def hours_text(minutes: object) -> str:
    """Minutes served as h:mm, as a timesheet writes them."""
    m = int(minutes)  # type: ignore[call-overload]
    return f"{m // 60}:{m % 60:02d}"


def _attendance_marked(p: Params, row: ActivityRecord) -> str:
    if p.get("status") == "no_show":
        return translate("Activity", "marked no-show: did not come")
    text = (
        translate("Activity", "marked late: arrived at %1; %2 h served")
        if p.get("status") == "late"
        else translate("Activity", "marked arrived at %1; %2 h served")
    )
    return _two(text, p.get("at") or "", hours_text(p["minutes"]))


def lead_text(minutes: int) -> str:
    """A lead time: «48 h», or «90 min» when it is not whole hours."""
    if minutes % 60:
        return translate("Activity", "%1 min").replace("%1", str(minutes))
    return translate("Activity", "%1 h").replace("%1", str(minutes // 60))


def _deadline(text: str, row: ActivityRecord) -> str:
    by = datetime.fromisoformat(text)
    return moment_text(by, day=to_local(by).date() != to_local(row.at).date())


def _reminded(p: Params, row: ActivityRecord) -> str:
    by = _deadline(str(p["confirm_by"]), row)
    if p.get("lead_min") is None:
        return translate("Activity", "reminded by the coordinator; asked to confirm by %1").replace(
            "%1", by
        )
    return _two(
        translate("Activity", "reminded %1 before the shift; asked to confirm by %2"),
        lead_text(int(p["lead_min"])),
        by,
    )


def _not_confirmed(p: Params, row: ActivityRecord) -> str:
    by = _deadline(str(p["confirm_by"]), row)
    if p.get("released"):
        return translate(
            "Activity", "did not confirm by %1: released from the roster, a spot freed"
        ).replace("%1", by)
    return translate("Activity", "did not confirm by %1: kept on the roster").replace("%1", by)


def _reminders_changed(p: Params, row: ActivityRecord) -> str:
    leads = [lead_text(int(m)) for m in p.get("leads_min", [])]
    head = (
        translate("Activity", "reminders %1 before the shift").replace("%1", ", ".join(leads))
        if leads
        else translate("Activity", "no reminders")
    )
    confirm = lead_text(int(p["confirm_min"]))
    if p.get("release"):
        tail = translate("Activity", "confirm %1 before the start, or the spot is released")
    else:
        tail = translate("Activity", "confirm %1 before the start; the unconfirmed are kept")
    return f"{head}; {tail.replace('%1', confirm)}"


_ACTIVITY: dict[str, Callable[[Params, ActivityRecord], str]] = {
    "created": lambda p, r: Activity.tr("application created with %n spot(s)", "", p["spots"]),
    "published": lambda p, r: Activity.tr("application published with %n spot(s)", "", p["spots"]),
    "signed_up": lambda p, r: translate("Activity", "signed up: took a free spot"),
    "claimed": lambda p, r: translate("Activity", "signed up: claimed the offered spot"),
    "promoted_auto": lambda p, r: translate(
        "Activity", "signed up: moved up from the waitlist automatically"
    ),
    "promoted": _promoted,
    "waitlisted": lambda p, r: translate(
        "Activity", "waitlisted: no free spot, number %1 in line"
    ).replace("%1", str(p["position"])),
    "offered": _offered,
    "not_selected": _not_selected,
    "offer_expired": lambda p, r: translate(
        "Activity", "offer expired: not claimed in time, passed on"
    ),
    "round_opened": _round_opened,
    "round_closed": _round_closed,
    "withdrew": lambda p, r: translate("Activity", "withdrew: left the roster, a spot freed"),
    "left_waitlist": lambda p, r: translate("Activity", "left the waitlist"),
    "withdrawal_ignored": lambda p, r: translate(
        "Activity", "ignored: withdrawal from someone neither signed up nor waiting"
    ),
    "answered_not_open": _answered_not_open,
    "capacity_changed": lambda p, r: _two(
        translate("Activity", "capacity changed from %1 to %2"), p["old"], p["new"]
    ),
    "removed": lambda p, r: (
        translate("Activity", "removed from the roster by the coordinator; a spot freed")
        if p.get("place") == "roster"
        else translate("Activity", "removed from the waitlist by the coordinator")
    ),
    "closed": lambda p, r: translate(
        "Activity", "application closed: later responses are told it is closed"
    ),
    "reopened": lambda p, r: translate("Activity", "application reopened for responses"),
    "cancelled": lambda p, r: _two(
        translate("Activity", "application cancelled; told %1 signed up and %2 waiting"),
        p["signed"],
        p["waiting"],
    ),
    "edited": _edited,
    "moved": lambda p, r: (
        translate("Activity", "moved on the waitlist by the coordinator from %1 to %2: %3")
        .replace("%1", str(p["old"]))
        .replace("%2", str(p["new"]))
        .replace("%3", str(p["reason"]))
    ),
    "signed_by_hand": lambda p, r: (
        translate("Activity", "signed up by the coordinator (walk-in or phone); over capacity")
        if p.get("over_capacity")
        else translate("Activity", "signed up by the coordinator (walk-in or phone)")
    ),
    "took_held": lambda p, r: translate("Activity", "signed up: took a spot held for the waitlist"),
    "reoffered": lambda p, r: Activity.tr(
        "the coordinator offered %n held spot(s) to the waitlist again", "", p["spots"]
    ),
    "hold_released": _hold_released,
    "release_after_changed": lambda p, r: (
        translate("Activity", "unclaimed held spots are released after %1 min").replace(
            "%1", str(p["minutes"])
        )
        if p.get("minutes")
        else translate("Activity", "unclaimed held spots are kept until the coordinator decides")
    ),
    "policy_changed": lambda p, r: _two(
        translate("Activity", "policy changed: %1; offers last %2 min"),
        policy_text(str(p["policy"])),
        p["offer_timeout_min"],
    ),
    "attendance_marked": _attendance_marked,
    "served_changed": lambda p, r: _two(
        translate("Activity", "hours served changed from %1 to %2"),
        hours_text(p["old"]),
        hours_text(p["new"]),
    ),
    "attendance_cleared": lambda p, r: _one(
        translate("Activity", "attendance mark taken back (was %1)"),
        attendance_text(str(p.get("status", ""))),
    ),
    "undone": lambda p, r: _one(
        translate("Activity", "undone by the coordinator: %1"), undo_action_text(str(p["action"]))
    ),
    "reminded": _reminded,
    "confirmed": lambda p, r: (
        translate("Activity", "confirmed they are coming (after the confirm-by time)")
        if p.get("late")
        else translate("Activity", "confirmed they are coming")
    ),
    "not_confirmed": _not_confirmed,
    "confirm_ignored": lambda p, r: translate(
        "Activity", "ignored: confirmation from someone who is not signed up"
    ),
    "reminders_changed": _reminders_changed,
}


def undo_action_text(action: str) -> str:
    """What an undoable action was (core/undo.py UNDOABLE), as the Undo item names it."""
    names = {
        "create": translate("Undo", "new application"),
        "duplicate": translate("Undo", "copy"),
        "edit": translate("Undo", "edit"),
        "capacity": translate("Undo", "capacity change"),
        "policy": translate("Undo", "freed-spot policy change"),
        "release_after": translate("Undo", "release delay change"),
        "publish": translate("Undo", "publishing"),
        "close": translate("Undo", "closing"),
        "reopen": translate("Undo", "reopening"),
        "cancel": translate("Undo", "cancellation"),
        "remove": translate("Undo", "removal"),
        "promote": translate("Undo", "promotion"),
        "signup": translate("Undo", "sign-up by hand"),
        "offer": translate("Undo", "offer to a chosen volunteer"),
        "move": translate("Undo", "waitlist move"),
        "reoffer": translate("Undo", "re-offer of held spots"),
        "release": translate("Undo", "release of held spots"),
        "directory": translate("Undo", "volunteers directory change"),
    }
    return names.get(action, action.replace("_", " "))


def confirmation_text(
    reminded_at: datetime | None,
    confirm_by: datetime | None,
    confirmed_at: datetime | None,
    unconfirmed_at: datetime | None,
) -> str:
    """A roster row's answer to the reminders: confirmed at, not confirmed, or reminded at."""
    if confirmed_at is not None:  # a check mark: the narrow roster keeps the time readable
        return translate("Roster", "✓ %1").replace("%1", since_day_text(confirmed_at))
    if unconfirmed_at is not None:
        return translate("Roster", "not confirmed")
    if reminded_at is not None:
        return translate("Roster", "reminded %1").replace("%1", since_day_text(reminded_at))
    return ""


def confirmation_tooltip(
    reminded_at: datetime | None, confirm_by: datetime | None, confirmed_at: datetime | None = None
) -> str:
    if confirmed_at is not None:
        return translate("Roster", "Confirmed %1").replace("%1", full_moment_text(confirmed_at))
    if reminded_at is None or confirm_by is None:
        return ""
    return _two(
        translate("Roster", "Reminded %1; asked to confirm by %2"),
        full_moment_text(reminded_at),
        full_moment_text(confirm_by),
    )


def since_day_text(when: datetime) -> str:
    """A moment of today as its time, another day's with the date: short, for table cells."""
    return moment_text(when, day=to_local(when).date() != date.today())


def activity_text(row: ActivityRecord) -> str:
    """One sentence for an activity row, in the interface language."""
    render = _ACTIVITY.get(row.kind)
    if render is None:
        return row.english()  # a kind from a newer core, or a legacy row kept as it was
    try:
        return render(row.params, row)
    except (KeyError, TypeError, ValueError):
        return row.english()


# ---- refused coordinator actions -------------------------------------------------------------


def _one(text: str, a: object) -> str:
    return text.replace("%1", str(a))


def _form_errors(p: Params) -> str:
    names = {
        "name": translate("Refusal", "name"),
        "description": translate("Refusal", "description"),
        "date": translate("Refusal", "date"),
        "start": translate("Refusal", "start"),
        "end": translate("Refusal", "end"),
        "spots": translate("Refusal", "spots"),
        "policy": translate("Refusal", "freed spots"),
        "offer_timeout": translate("Refusal", "offer time"),
        "reminders": translate("Refusal", "reminders"),
        "confirm_by": translate("Refusal", "confirm by"),
    }
    fields = ", ".join(names.get(f, f) for f in p.get("errors", {}))
    return _one(translate("Refusal", "Check these fields: %1"), fields)


_REFUSAL: dict[str, Callable[[Params], str]] = {
    "no_application": lambda p: _one(
        translate("Refusal", "There is no application %1"), p["application"]
    ),
    "app_cancelled": lambda p: translate("Refusal", "The application is cancelled"),
    "already_cancelled": lambda p: translate("Refusal", "The application is already cancelled"),
    "already_published": lambda p: _one(
        translate("Refusal", "The application is already published (%1)"),
        status_text(str(p["status"])),
    ),
    "not_open": lambda p: _one(
        translate("Refusal", "Only an open application can be closed; this one is %1"),
        status_text(str(p["status"])),
    ),
    "not_closed": lambda p: _one(
        translate("Refusal", "Only a closed application can be reopened; this one is %1"),
        status_text(str(p["status"])),
    ),
    "not_open_or_closed": lambda p: _one(
        translate("Refusal", "Not possible: the application is %1"),
        status_text(str(p["status"])),
    ),
    "capacity_range": lambda p: _one(
        translate("Refusal", "The number of spots must be between 1 and %1"), p["max"]
    ),
    "below_signed_up": lambda p: _two(
        translate(
            "Refusal",
            "Cannot lower the spots to %1: %2 volunteers are signed up; remove volunteers first",
        ),
        p["capacity"],
        p["signed"],
    ),
    "not_participant": lambda p: _one(
        translate("Refusal", "Volunteer %1 is neither signed up nor waiting"), p["volunteer"]
    ),
    "not_waiting": lambda p: _one(
        translate("Refusal", "Volunteer %1 is not on the waitlist"), p["volunteer"]
    ),
    "no_free_spot": lambda p: translate("Refusal", "No free spot: raise the number of spots first"),
    "unknown_policy": lambda p: _one(
        translate("Refusal", "Unknown way to offer freed spots: %1"), p["policy"]
    ),
    "offer_timeout_range": lambda p: _one(
        translate("Refusal", "The offer time must be between 1 and %1 minutes"), p["max_min"]
    ),
    "invalid_form": _form_errors,
    "no_standing_hold": lambda p: translate(
        "Refusal", "No spot is held unclaimed for the waitlist"
    ),
    "not_open_for_hold": lambda p: _one(
        translate("Refusal", "Only an open application can offer held spots again; this one is %1"),
        status_text(str(p["status"])),
    ),
    "round_open": lambda p: translate(
        "Refusal", "An offer round is open: let it end first, or promote the volunteer"
    ),
    "reason_required": lambda p: translate("Refusal", "Say why the volunteer is moved"),
    "position_range": lambda p: _one(
        translate("Refusal", "The position must be between 1 and %1"), p["max"]
    ),
    "already_signed_up": lambda p: _one(
        translate("Refusal", "Volunteer %1 is already signed up"), p["volunteer"]
    ),
    "no_free_spot_by_hand": lambda p: translate(
        "Refusal", "No free spot: sign them up over capacity explicitly, or raise the spots"
    ),
    "not_draft": lambda p: _one(
        translate("Refusal", "Only a draft can be deleted; this one is %1 (cancel it instead)"),
        status_text(str(p["status"])),
    ),
    "release_after_range": lambda p: _one(
        translate("Refusal", "The release delay must be between 0 (never) and %1 minutes"),
        p["max_min"],
    ),
    "not_signed_up": lambda p: _one(
        translate("Refusal", "%1 is not signed up: sign them up as a walk-in first"),
        p["volunteer"],
    ),
    "attendance_status": lambda p: _one(
        translate("Refusal", "Unknown attendance mark: %1"), p["status"]
    ),
    "minutes_range": lambda p: _one(
        translate("Refusal", "Hours served must be between 0 and %1"), p["max_hours"]
    ),
    "no_attendance": lambda p: _one(
        translate("Refusal", "Nothing is recorded for %1 yet: mark them arrived or late first"),
        p["volunteer"],
    ),
    "arrival_form": lambda p: _one(
        translate("Refusal", "The arrival time must be HH:MM (got %1)"), p["got"]
    ),
    "undo_sent": lambda p: translate(
        "Refusal",
        "Cannot undo: what it told volunteers has already been sent (or is being sent)",
    ),
    "undo_changed": lambda p: translate(
        "Refusal",
        "Cannot undo: the application changed after it (a response, a deadline or another action)",
    ),
    "following": lambda p: _one(
        translate("Refusal", "This console follows %1, which decides for the fund now"),
        p["console"],
    ),
    "undo_following": lambda p: _one(
        translate(
            "Refusal", "Cannot undo: this console follows %1, which decides for the fund now"
        ),
        p["console"],
    ),
    "shift_started": lambda p: translate(
        "Refusal", "The shift has already begun: no reminder is sent"
    ),
    "nobody_unconfirmed": lambda p: translate(
        "Refusal", "Everyone signed up has confirmed already"
    ),
    "reminders_range": lambda p: _two(
        translate("Refusal", "At most %1 reminders, each between 1 and %2 hours before the start"),
        p["max"],
        p["max_h"],
    ),
    "confirm_by_range": lambda p: _one(
        translate("Refusal", "Confirm-by must be between 0 and %1 hours before the start"),
        p["max_h"],
    ),
    "confirm_after_reminders": lambda p: translate(
        "Refusal",
        "To release those who do not confirm, confirm-by must come after the first reminder",
    ),
}


def refusal_text(kind: str, params: Params, english: str = "") -> str:
    """Why a coordinator action changed nothing, in the interface language."""
    render = _REFUSAL.get(kind)
    if render is None:
        return english or kind.replace("_", " ")
    try:
        return render(params)
    except (KeyError, TypeError, ValueError):
        return english or kind.replace("_", " ")


# ---- rejected inbound messages ------------------------------------------------------------------


def _field_problem(f: Params) -> str:
    name, got = str(f.get("field", "body")), str(f.get("got", ""))
    problem = f.get("problem")
    if problem == "missing":
        return _one(translate("Rejection", "%1: missing"), name)
    if problem == "id":
        text = translate(
            "Rejection", "%1: must be an integer or a string of 1 to 64 characters (got %2)"
        )
    elif problem == "id_range":
        text = translate(
            "Rejection",
            "%1: an integer id must be within ±(2^53 − 1), -9007199254740991 to"
            " 9007199254740991 (got %2)",
        )
    elif problem == "object":
        text = translate("Rejection", "%1: must be a JSON object (got %2)")
    elif problem == "timestamp_form":
        text = translate("Rejection", "%1: not a time of the form YYYY-MM-DDTHH:MM:SS (got %2)")
    elif problem == "timestamp_range":
        text = translate("Rejection", "%1: the time is out of range in UTC (got %2)")
    elif problem == "one_of":
        return (
            translate("Rejection", "%1: must be one of %2 (got %3)")
            .replace("%1", name)
            .replace("%2", str(f.get("text", "")))
            .replace("%3", got)
        )
    elif problem == "value":
        return _one(translate("Rejection", "%1: bad value"), name)
    else:
        text = translate("Rejection", "%1: wrong type or value (got %2)")
    return _two(text, name, got)


def _property_problem(q: Params) -> str:
    if q.get("name") == "headers":
        return translate("Rejection", "A header name of the message is not UTF-8 text")
    return _two(
        translate("Rejection", "The message's AMQP property %1 is not UTF-8 text (got %2)"),
        q.get("name", ""),
        q.get("got", ""),
    )


_REJECTION: dict[str, Callable[[Params], str]] = {
    "too_large": lambda p: _two(
        translate("Rejection", "The message is %1 bytes, over the %2 KiB limit"),
        p["size"],
        p["limit_kib"],
    ),
    "not_utf8": lambda p: _one(
        translate("Rejection", "The message is not UTF-8 text (byte %1)"), p["at"]
    ),
    "not_json": lambda p: _two(
        translate("Rejection", "The message is not JSON (line %1, column %2)"),
        p["line"],
        p["column"],
    ),
    "not_json_value": lambda p: _one(
        translate("Rejection", "The message is not JSON: %1 is not a JSON value"), p["name"]
    ),
    "too_deep": lambda p: _two(
        translate("Rejection", "The message nests %1 levels deep (at most %2)"),
        p["depth"],
        p["max"],
    ),
    "number_too_long": lambda p: _two(
        translate("Rejection", "The message has a number of %1 characters (at most %2)"),
        p["length"],
        p["max"],
    ),
    "lone_surrogate": lambda p: translate(
        "Rejection", "The message is not valid Unicode (an unpaired surrogate escape)"
    ),
    "not_object": lambda p: _one(
        translate("Rejection", "The message is a JSON %1, not an object"), p["type"]
    ),
    "no_action": lambda p: translate(
        "Rejection", "The message has neither an action nor user_id and application_id"
    ),
    "bad_fields": lambda p: "; ".join(_field_problem(f) for f in p["fields"]),
    "disagree": lambda p: (
        translate("Rejection", "%1 %2 disagrees with %3 %4")
        .replace("%1", str(p["field"]))
        .replace("%2", str(p["value"]))
        .replace("%3", str(p["other"]))
        .replace("%4", str(p["other_value"]))
    ),
    "unknown_action": lambda p: _one(translate("Rejection", "Unknown action %1"), p["action"]),
    "unknown_application": lambda p: _one(
        translate("Rejection", "Unknown application %1"), p["application"]
    ),
    "not_published": lambda p: _one(
        translate("Rejection", "Application %1 is not published yet"), p["application"]
    ),
    "not_utf8_property": lambda p: "; ".join(_property_problem(q) for q in p["properties"]),
    "internal_error": lambda p: _two(
        translate("Rejection", "Internal error while applying: %1: %2"), p["error"], p["text"]
    ),
}


def rejection_text(kind: str, params: Params, english: str = "") -> str:
    """Why an inbound message was refused, in the interface language.

    A reason recorded before reasons had kinds (kind "other") is shown as it was written.
    """
    render = _REJECTION.get(kind)
    if render is None:
        return english or str(params.get("text", kind))
    try:
        return render(params)
    except (KeyError, TypeError, ValueError):
        return english or kind.replace("_", " ")


def short_id(message_id: str | None) -> str:
    """A message id's first block: enough to find it in the message log (full id in the tip)."""
    if not message_id:
        return ""
    return message_id if len(message_id) <= 12 else message_id[:8]
