"""What happened, why an action was refused, why a message was rejected: a kind plus parameters.

Core records each of these as data: a kind (the enums below) and a small dict of JSON values.
Every reader says them in its own language from the same data: the window through Qt's
translations (gui/display.py, one function per kind), the command line and the logs in
English (the functions here, one per kind). Nothing ever parses these sentences back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Params = Mapping[str, Any]  # JSON values only: str, int, bool, None, lists and dicts of them


# ---- the activity log -------------------------------------------------------------------------


class ActivityKind(StrEnum):
    """One decision in an application's activity feed. Values are stored: never rename one."""

    CREATED = "created"  # spots
    PUBLISHED = "published"  # spots
    SIGNED_UP = "signed_up"  # took a free spot
    CLAIMED = "claimed"  # claimed the spot offered to them
    PROMOTED_AUTO = "promoted_auto"  # first in line, moved up by the "auto" policy
    PROMOTED = "promoted"  # by the coordinator; into: free | held | offer
    WAITLISTED = "waitlisted"  # position
    OFFERED = "offered"  # until (UTC, YYYY-MM-DDTHH:MM:SS)
    NOT_SELECTED = "not_selected"  # reason (RoundEnd)
    OFFER_EXPIRED = "offer_expired"  # timed: not claimed in time, passed on
    ROUND_OPENED = "round_opened"  # spots, policy (broadcast | timed)
    ROUND_CLOSED = "round_closed"  # reason (RoundEnd), released (held spots that became free)
    WITHDREW = "withdrew"  # left the roster, a spot freed
    LEFT_WAITLIST = "left_waitlist"
    WITHDRAWAL_IGNORED = "withdrawal_ignored"  # from someone neither signed up nor waiting
    ANSWERED_NOT_OPEN = "answered_not_open"  # request (accepted | declined), status
    CAPACITY_CHANGED = "capacity_changed"  # old, new
    REMOVED = "removed"  # by the coordinator; place: roster | waitlist
    CLOSED = "closed"
    REOPENED = "reopened"
    CANCELLED = "cancelled"  # signed, waiting (how many were told)
    EDITED = "edited"  # fields: [name, description, date, start, end]
    POLICY_CHANGED = "policy_changed"  # policy, offer_timeout_min
    TOOK_HELD = "took_held"  # signed up into a spot held for the waitlist (standing hold)
    SIGNED_BY_HAND = "signed_by_hand"  # a walk-in or phone call; over_capacity: bool
    MOVED = "moved"  # the coordinator moved a waitlisted volunteer: old, new, reason
    REOFFERED = "reoffered"  # the coordinator offered a standing hold again: spots
    HOLD_RELEASED = "hold_released"  # spots left a standing hold; why (below)
    RELEASE_AFTER_CHANGED = "release_after_changed"  # minutes (0: never by itself)
    # On the day (core/attendance.py): status arrived | late | no_show, at (HH:MM wall clock
    # or None), minutes served; the coordinator's own figure of minutes; a mark taken back.
    ATTENDANCE_MARKED = "attendance_marked"
    SERVED_CHANGED = "served_changed"  # old, new (minutes)
    ATTENDANCE_CLEARED = "attendance_cleared"  # status (the mark taken back)
    UNDONE = "undone"  # the coordinator took their last action back: action (core/undo.py)
    REMINDED = "reminded"  # key, confirm_by (UTC), lead_min (absent: sent by the coordinator)
    CONFIRMED = "confirmed"  # the volunteer confirmed they come; late: after confirm-by
    NOT_CONFIRMED = "not_confirmed"  # confirm_by passed unanswered; released: left the roster
    CONFIRM_IGNORED = "confirm_ignored"  # why: not_signed_up
    REMINDERS_CHANGED = "reminders_changed"  # leads_min: [..], confirm_min, release: bool
    LEGACY = "legacy"  # a row older than this schema that could not be read: text


class RoundEnd(StrEnum):
    """Why an offer round ended, or why one offer in it did."""

    EXPIRED = "expired"
    ALL_CLAIMED = "all_claimed"
    ALL_WITHDREW = "all_withdrew"
    NOBODY_LEFT = "nobody_left"
    CAPACITY_LOWERED = "capacity_lowered"
    COORDINATOR_FILLED = "coordinator_filled"
    APP_CLOSED = "app_closed"
    APP_CANCELLED = "app_cancelled"


_ROUND_END_EN: dict[str, str] = {
    RoundEnd.EXPIRED: "nobody claimed the spot before the offer expired",
    RoundEnd.ALL_CLAIMED: "every offered spot was claimed",
    RoundEnd.ALL_WITHDREW: "every offered volunteer withdrew",
    RoundEnd.NOBODY_LEFT: "nobody left on the waitlist to offer the spot to",
    RoundEnd.CAPACITY_LOWERED: "capacity lowered; no spot left to offer",
    RoundEnd.COORDINATOR_FILLED: "the coordinator filled the held spot",
    RoundEnd.APP_CLOSED: "the application was closed",
    RoundEnd.APP_CANCELLED: "the application was cancelled",
}

_NOT_SELECTED_EN: dict[str, str] = {
    **_ROUND_END_EN,
    RoundEnd.CAPACITY_LOWERED: "capacity lowered; offer withdrawn",
    RoundEnd.COORDINATOR_FILLED: "the coordinator filled a held spot",
}


# Why spots left a standing hold (HOLD_RELEASED.why).
_HOLD_END_EN: dict[str, str] = {
    "coordinator": "released to newcomers by the coordinator",
    "timer": "released to newcomers: unclaimed for the set time",
    "waitlist_shorter": "became free: fewer people are waiting",
    "reoffered": "went to a new offer round",
    "capacity_lowered": "vanished: capacity lowered",
    "app_closed": "became free: the application was closed",
}


def round_end_text(reason: str) -> str:
    return _ROUND_END_EN.get(reason, reason)


def _round_closed_en(p: Params) -> str:
    released, kept = int(p.get("released", 0)), int(p.get("kept", 0))
    tail = f"; {released} held spot(s) became free" if released else ""
    if kept:
        tail += f"; {kept} unclaimed spot(s) stay held for the waitlist"
    return f"offer round closed: {round_end_text(p.get('reason', ''))}{tail}"


def _when_en(text: str) -> str:
    return text.replace("T", " ") + " UTC"


_ATTENDANCE_EN: dict[object, str] = {"arrived": "arrived", "late": "late", "no_show": "no-show"}


def _hours_en(minutes: object) -> str:
    m = int(minutes)  # type: ignore[call-overload]
    return f"{m // 60}:{m % 60:02d} h"


def _attendance_en(p: Params) -> str:
    said = _ATTENDANCE_EN.get(p.get("status"), str(p.get("status")))
    if p.get("status") == "no_show":
        return "marked no-show"
    return f"marked {said} at {p.get('at')}; {_hours_en(p['minutes'])} served"


_ACTIVITY_EN: dict[str, Callable[[Params], str]] = {
    ActivityKind.CREATED: lambda p: f"created with {p['spots']} spot(s)",
    ActivityKind.PUBLISHED: lambda p: f"published with {p['spots']} spot(s)",
    ActivityKind.SIGNED_UP: lambda p: "signed up: took a free spot",
    ActivityKind.CLAIMED: lambda p: "signed up: claimed the offered spot",
    ActivityKind.PROMOTED_AUTO: lambda p: "signed up: promoted automatically from the waitlist",
    ActivityKind.PROMOTED: lambda p: {
        "held": "promoted into a held spot by the coordinator",
        "offer": "promoted by the coordinator into the spot offered to them",
    }.get(p.get("into", ""), "promoted from the waitlist by the coordinator"),
    ActivityKind.WAITLISTED: lambda p: f"no free spot; waitlisted at position {p['position']}",
    ActivityKind.OFFERED: lambda p: f"offered a freed spot until {_when_en(p['until'])}",
    ActivityKind.NOT_SELECTED: lambda p: (
        "not selected: " + _NOT_SELECTED_EN.get(str(p.get("reason")), str(p.get("reason")))
    ),
    ActivityKind.OFFER_EXPIRED: lambda p: "did not claim in time; offer passed on",
    ActivityKind.ROUND_OPENED: lambda p: (
        f"the coordinator offered a spot to {p['chosen']}"
        if p.get("chosen")
        else f"{p['spots']} spot(s) offered "
        + ("in turn down the waitlist" if p.get("policy") == "timed" else "to the whole waitlist")
    ),
    ActivityKind.ROUND_CLOSED: _round_closed_en,
    ActivityKind.WITHDREW: lambda p: "withdrew: left the roster; a spot freed",
    ActivityKind.LEFT_WAITLIST: lambda p: "left the waitlist",
    ActivityKind.WITHDRAWAL_IGNORED: lambda p: (
        "withdrawal from a volunteer who was neither signed up nor waiting"
    ),
    ActivityKind.ANSWERED_NOT_OPEN: lambda p: (
        f"{'withdrawal' if p.get('request') == 'declined' else 'response'} reached a"
        f" {p.get('status')} application; nothing changed"
    ),
    ActivityKind.CAPACITY_CHANGED: lambda p: f"capacity {p['old']} → {p['new']}",
    ActivityKind.REMOVED: lambda p: (
        "removed from the roster by the coordinator; a spot freed"
        if p.get("place") == "roster"
        else "removed from the waitlist by the coordinator"
    ),
    ActivityKind.CLOSED: lambda p: "closed: later responses are answered «заявка закрыта»",
    ActivityKind.REOPENED: lambda p: "reopened for responses",
    ActivityKind.CANCELLED: lambda p: (
        f"cancelled; {p['signed']} signed up and {p['waiting']} waiting were told"
    ),
    ActivityKind.EDITED: lambda p: "changed " + ", ".join(p.get("fields", [])),
    ActivityKind.POLICY_CHANGED: lambda p: (
        f"freed spots: {p['policy']}, offer timeout {p['offer_timeout_min']} min"
    ),
    ActivityKind.TOOK_HELD: lambda p: "signed up: took a spot held for the waitlist",
    ActivityKind.MOVED: lambda p: (
        f"moved on the waitlist by the coordinator from {p['old']} to {p['new']}: {p['reason']}"
    ),
    ActivityKind.SIGNED_BY_HAND: lambda p: (
        "signed up by the coordinator (walk-in or phone)"
        + ("; over capacity" if p.get("over_capacity") else "")
    ),
    ActivityKind.REOFFERED: lambda p: (
        f"the coordinator offered {p['spots']} held spot(s) to the waitlist again"
    ),
    ActivityKind.HOLD_RELEASED: lambda p: (
        f"{p['spots']} held spot(s) " + _HOLD_END_EN.get(str(p.get("why")), "stopped being held")
    ),
    ActivityKind.UNDONE: lambda p: f"undone by the coordinator: {p['action'].replace('_', ' ')}",
    ActivityKind.RELEASE_AFTER_CHANGED: lambda p: (
        f"unclaimed held spots are released after {p['minutes']} min"
        if p.get("minutes")
        else "unclaimed held spots are kept until the coordinator decides"
    ),
    ActivityKind.ATTENDANCE_MARKED: lambda p: _attendance_en(p),
    ActivityKind.SERVED_CHANGED: lambda p: (
        f"hours served changed from {_hours_en(p['old'])} to {_hours_en(p['new'])}"
    ),
    ActivityKind.ATTENDANCE_CLEARED: lambda p: (
        f"attendance mark taken back (was {_ATTENDANCE_EN.get(p.get('status'), p.get('status'))})"
    ),
    ActivityKind.REMINDED: lambda p: (
        (
            f"reminded {_lead_en(int(p['lead_min']))} before the shift"
            if p.get("lead_min") is not None
            else "reminded by the coordinator"
        )
        + f"; asked to confirm by {_when_en(p['confirm_by'])}"
    ),
    ActivityKind.CONFIRMED: lambda p: (
        "confirmed they are coming" + (" (after the confirm-by time)" if p.get("late") else "")
    ),
    ActivityKind.NOT_CONFIRMED: lambda p: (
        f"did not confirm by {_when_en(p['confirm_by'])}; "
        + ("released: left the roster, a spot freed" if p.get("released") else "kept on the roster")
    ),
    ActivityKind.CONFIRM_IGNORED: lambda p: (
        "confirmation from a volunteer who is not signed up; nothing changed"
    ),
    ActivityKind.REMINDERS_CHANGED: lambda p: (
        (
            "reminders "
            + ", ".join(_lead_en(int(m)) for m in p.get("leads_min", []))
            + " before the shift"
            if p.get("leads_min")
            else "no reminders"
        )
        + f"; confirm by {_lead_en(int(p['confirm_min']))} before the start; unconfirmed are "
        + ("released" if p.get("release") else "kept")
    ),
    ActivityKind.LEGACY: lambda p: str(p.get("text", "")),
}


def _lead_en(minutes: int) -> str:
    """A reminder's lead time: «48 h», or «90 min» when not whole hours."""
    if minutes % 60:
        return f"{minutes} min"
    return f"{minutes // 60} h"


def activity_english(kind: str, params: Params) -> str:
    """An activity entry as one English sentence (the CLI, logs, the window's tooltip)."""
    render = _ACTIVITY_EN.get(kind)
    if render is None:
        return kind.replace("_", " ")
    try:
        return render(params)
    except (KeyError, TypeError, ValueError):
        return kind.replace("_", " ")


# ---- refused coordinator actions --------------------------------------------------------------


class RefusalKind(StrEnum):
    NO_APPLICATION = "no_application"  # application
    APP_CANCELLED = "app_cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    ALREADY_PUBLISHED = "already_published"  # status
    NOT_OPEN = "not_open"  # status: close needs an open application
    NOT_CLOSED = "not_closed"  # status: reopen needs a closed one
    NOT_OPEN_OR_CLOSED = "not_open_or_closed"  # status: promote needs open or closed
    CAPACITY_RANGE = "capacity_range"  # max
    BELOW_SIGNED_UP = "below_signed_up"  # capacity, signed
    NOT_PARTICIPANT = "not_participant"  # volunteer
    NOT_WAITING = "not_waiting"  # volunteer
    NO_FREE_SPOT = "no_free_spot"
    UNKNOWN_POLICY = "unknown_policy"  # policy, choices
    OFFER_TIMEOUT_RANGE = "offer_timeout_range"  # max_min
    INVALID_FORM = "invalid_form"  # errors: {field: English text}
    NO_STANDING_HOLD = "no_standing_hold"  # nothing held unclaimed to re-offer or release
    ALREADY_SIGNED_UP = "already_signed_up"  # volunteer
    NO_FREE_SPOT_BY_HAND = "no_free_spot_by_hand"  # sign up over capacity explicitly
    NOT_DRAFT = "not_draft"  # status: only a draft can be deleted
    ROUND_OPEN = "round_open"  # a chosen offer waits for the open round to end
    REASON_REQUIRED = "reason_required"  # moving someone on the waitlist needs a reason
    POSITION_RANGE = "position_range"  # max
    NOT_OPEN_FOR_HOLD = "not_open_for_hold"  # status: re-offering needs an open application
    RELEASE_AFTER_RANGE = "release_after_range"  # max_min
    UNDO_SENT = "undo_sent"  # messages: what the action told volunteers has left or is leaving
    UNDO_CHANGED = "undo_changed"  # something happened to the application after the action
    UNDO_FOLLOWING = "undo_following"  # console: another console decides; the action is its own
    NOT_SIGNED_UP = "not_signed_up"  # volunteer: attendance is for the roster
    ATTENDANCE_STATUS = "attendance_status"  # status, choices
    MINUTES_RANGE = "minutes_range"  # max_hours
    NO_ATTENDANCE = "no_attendance"  # volunteer: nothing recorded to change or take back
    ARRIVAL_FORM = "arrival_form"  # got: not HH:MM
    FOLLOWING = "following"  # console: another console of the fund decides now
    SHIFT_STARTED = "shift_started"  # a reminder for a shift that has begun
    NOBODY_UNCONFIRMED = "nobody_unconfirmed"  # everyone signed up has confirmed
    REMINDERS_RANGE = "reminders_range"  # max (how many), max_h
    CONFIRM_BY_RANGE = "confirm_by_range"  # max_h
    CONFIRM_AFTER_REMINDERS = "confirm_after_reminders"  # confirm_h: release needs a reminder first


_REFUSAL_EN: dict[str, Callable[[Params], str]] = {
    RefusalKind.NO_APPLICATION: lambda p: f"no application {p['application']}",
    RefusalKind.APP_CANCELLED: lambda p: "the application is cancelled",
    RefusalKind.ALREADY_CANCELLED: lambda p: "the application is already cancelled",
    RefusalKind.ALREADY_PUBLISHED: lambda p: f"the application is already {p['status']}",
    RefusalKind.NOT_OPEN: lambda p: (
        f"only an open application can be closed; this one is {p['status']}"
    ),
    RefusalKind.NOT_CLOSED: lambda p: (
        f"only a closed application can be reopened; this one is {p['status']}"
    ),
    RefusalKind.NOT_OPEN_OR_CLOSED: lambda p: f"the application is {p['status']}",
    RefusalKind.CAPACITY_RANGE: lambda p: f"capacity must be between 1 and {p['max']}",
    RefusalKind.BELOW_SIGNED_UP: lambda p: (
        f"cannot lower capacity to {p['capacity']}: {p['signed']} volunteers are signed up;"
        " remove volunteers first"
    ),
    RefusalKind.NOT_PARTICIPANT: lambda p: (
        f"volunteer {p['volunteer']} is neither signed up nor waiting"
    ),
    RefusalKind.NOT_WAITING: lambda p: f"volunteer {p['volunteer']} is not on the waitlist",
    RefusalKind.NO_FREE_SPOT: lambda p: "no free spot: raise the capacity first",
    RefusalKind.UNKNOWN_POLICY: lambda p: (
        f"unknown policy {p['policy']!r}; choose one of {', '.join(p['choices'])}"
    ),
    RefusalKind.OFFER_TIMEOUT_RANGE: lambda p: (
        f"offer timeout must be between 1 and {p['max_min']} minutes"
    ),
    RefusalKind.INVALID_FORM: lambda p: "; ".join(f"{k}: {v}" for k, v in p["errors"].items()),
    RefusalKind.NO_STANDING_HOLD: lambda p: "no spot is held unclaimed for the waitlist",
    RefusalKind.ALREADY_SIGNED_UP: lambda p: f"volunteer {p['volunteer']} is already signed up",
    RefusalKind.NO_FREE_SPOT_BY_HAND: lambda p: (
        "no free spot: sign them up over capacity explicitly, or raise the capacity"
    ),
    RefusalKind.ROUND_OPEN: lambda p: (
        "an offer round is open: let it end first, or promote the volunteer"
    ),
    RefusalKind.REASON_REQUIRED: lambda p: "say why the volunteer is moved",
    RefusalKind.POSITION_RANGE: lambda p: f"the position must be between 1 and {p['max']}",
    RefusalKind.NOT_DRAFT: lambda p: (
        f"only a draft can be deleted; this one is {p['status']} (cancel it instead)"
    ),
    RefusalKind.NOT_OPEN_FOR_HOLD: lambda p: (
        f"only an open application can offer held spots again; this one is {p['status']}"
    ),
    RefusalKind.UNDO_SENT: lambda p: (
        "cannot undo: what it told volunteers has already been sent (or is being sent)"
    ),
    RefusalKind.UNDO_CHANGED: lambda p: (
        "cannot undo: the application changed after it (a response, a deadline or another action)"
    ),
    RefusalKind.UNDO_FOLLOWING: lambda p: (
        f"cannot undo: this console follows {p['console']}, which decides for the fund now"
    ),
    RefusalKind.RELEASE_AFTER_RANGE: lambda p: (
        f"the release delay must be between 0 (never) and {p['max_min']} minutes"
    ),
    RefusalKind.NOT_SIGNED_UP: lambda p: (
        f"volunteer {p['volunteer']} is not signed up: sign them up as a walk-in first"
    ),
    RefusalKind.ATTENDANCE_STATUS: lambda p: (
        f"unknown attendance {p['status']!r}; choose one of {', '.join(p['choices'])}"
    ),
    RefusalKind.MINUTES_RANGE: lambda p: f"hours served must be between 0 and {p['max_hours']}",
    RefusalKind.NO_ATTENDANCE: lambda p: f"no attendance is recorded for {p['volunteer']}",
    RefusalKind.ARRIVAL_FORM: lambda p: f"the arrival time must be HH:MM (got {p['got']!r})",
    RefusalKind.FOLLOWING: lambda p: (
        f"this console follows {p['console']}, which decides for the fund now"
    ),
    RefusalKind.SHIFT_STARTED: lambda p: "the shift has already begun: no reminder is sent",
    RefusalKind.NOBODY_UNCONFIRMED: lambda p: "everyone signed up has confirmed already",
    RefusalKind.REMINDERS_RANGE: lambda p: (
        f"at most {p['max']} reminders, each between 1 minute and {p['max_h']} hours before"
    ),
    RefusalKind.CONFIRM_BY_RANGE: lambda p: (
        f"confirm-by must be between 0 and {p['max_h']} hours before the start"
    ),
    RefusalKind.CONFIRM_AFTER_REMINDERS: lambda p: (
        f"confirm-by ({p['confirm_h']:g} h before) must come after the first reminder to release"
        " volunteers who did not confirm"
    ),
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a coordinator action changed nothing; str() is the English sentence."""

    kind: RefusalKind
    params: Params = field(default_factory=dict)

    def __str__(self) -> str:
        return _REFUSAL_EN[self.kind](self.params)


def refuse(kind: RefusalKind, **params: Any) -> Refusal:
    return Refusal(kind, params)


# ---- rejected inbound messages (dead letters) -------------------------------------------------


class RejectionKind(StrEnum):
    """Why an inbound message was refused. Values are stored: never rename one."""

    TOO_LARGE = "too_large"  # size, limit_kib
    NOT_UTF8 = "not_utf8"  # problem, at
    NOT_JSON = "not_json"  # problem, line, column
    NOT_JSON_VALUE = "not_json_value"  # name (NaN, Infinity, -Infinity)
    TOO_DEEP = "too_deep"  # depth, max
    NUMBER_TOO_LONG = "number_too_long"  # length, max
    LONE_SURROGATE = "lone_surrogate"
    NOT_OBJECT = "not_object"  # type
    NO_ACTION = "no_action"  # neither an action nor the flat user_id/application_id
    BAD_FIELDS = "bad_fields"  # fields: [{field, problem, text, got}]
    DISAGREE = "disagree"  # field, value, other, other_value
    UNKNOWN_ACTION = "unknown_action"  # action (as JSON)
    UNKNOWN_APPLICATION = "unknown_application"  # application
    NOT_PUBLISHED = "not_published"  # application
    INTERNAL_ERROR = "internal_error"  # error (exception type), text
    # properties: [{name, got}]: AMQP properties (message_id, app_id...), the header table or
    # the routing key that were not UTF-8 on the wire; got shows the bytes as \xNN
    NOT_UTF8_PROPERTY = "not_utf8_property"
    OTHER = "other"  # text: a reason recorded before schema 9, or from a newer console


class FieldProblem(StrEnum):
    """What is wrong with one field of a rejected message (BAD_FIELDS)."""

    MISSING = "missing"
    ID = "id"  # not an integer or a string of 1 to 64 characters
    ID_RANGE = "id_range"  # an integer outside +-(2^53 - 1), the contract's bound
    OBJECT = "object"  # not a JSON object
    TIMESTAMP_FORM = "timestamp_form"  # not YYYY-MM-DDTHH:MM:SS
    TIMESTAMP_RANGE = "timestamp_range"  # its offset takes it out of years 1-9999 in UTC
    ONE_OF = "one_of"  # text: the values allowed
    VALUE = "value"  # text: what a validator said
    INVALID = "invalid"  # text: the validator's words


def _field_en(f: Params) -> str:
    name, problem, got = f.get("field", "body"), f.get("problem"), f.get("got")
    said_by: dict[str, str] = {
        FieldProblem.MISSING: "is missing",
        FieldProblem.ID: "must be an integer or a string of 1 to 64 characters",
        FieldProblem.ID_RANGE: (
            "an integer id must be within +-(2^53 - 1), -9007199254740991 to 9007199254740991"
        ),
        FieldProblem.OBJECT: "must be a JSON object",
        FieldProblem.TIMESTAMP_FORM: "not a timestamp of the form YYYY-MM-DDTHH:MM:SS",
        FieldProblem.TIMESTAMP_RANGE: "timestamp is out of range in UTC",
        FieldProblem.ONE_OF: f"Input should be {f.get('text')}",
    }
    said = said_by.get(str(problem), str(f.get("text")))
    if problem == FieldProblem.MISSING:
        return f"{name}: {said}"
    if problem in (FieldProblem.TIMESTAMP_FORM, FieldProblem.TIMESTAMP_RANGE):
        return f"{name}: {said}: {got}"
    if problem == FieldProblem.VALUE:
        return f"{name}: {said}"
    return f"{name}: {said} (got {got})"


_REJECTION_EN: dict[str, Callable[[Params], str]] = {
    RejectionKind.TOO_LARGE: lambda p: (
        f"body is {p['size']} bytes, over the {p['limit_kib']} KiB limit"
    ),
    RejectionKind.NOT_UTF8: lambda p: f"body is not UTF-8: {p['problem']} at byte {p['at']}",
    RejectionKind.NOT_JSON: lambda p: (
        f"body is not JSON: {p['problem']} at line {p['line']} column {p['column']}"
    ),
    RejectionKind.NOT_JSON_VALUE: lambda p: f"body is not JSON: {p['name']} is not a JSON value",
    RejectionKind.TOO_DEEP: lambda p: f"body nests {p['depth']} levels deep (at most {p['max']})",
    RejectionKind.NUMBER_TOO_LONG: lambda p: (
        f"body has a number of {p['length']} characters (at most {p['max']})"
    ),
    RejectionKind.LONE_SURROGATE: lambda p: (
        "body is not valid Unicode: a \\u escape is an unpaired surrogate"
    ),
    RejectionKind.NOT_OBJECT: lambda p: f"body is a JSON {p['type']}, not an object",
    RejectionKind.NO_ACTION: lambda p: (
        "body has neither an action nor the flat user_id/application_id"
    ),
    RejectionKind.BAD_FIELDS: lambda p: "; ".join(_field_en(f) for f in p["fields"]),
    RejectionKind.DISAGREE: lambda p: (
        f"{p['field']} {p['value']} disagrees with {p['other']} {p['other_value']}"
    ),
    RejectionKind.UNKNOWN_ACTION: lambda p: f"unknown action {p['action']}",
    RejectionKind.UNKNOWN_APPLICATION: lambda p: f"unknown application {p['application']}",
    RejectionKind.NOT_PUBLISHED: lambda p: f"application {p['application']} is not published yet",
    RejectionKind.INTERNAL_ERROR: lambda p: (
        f"internal error while applying: {p['error']}: {p['text']}"
    ),
    RejectionKind.NOT_UTF8_PROPERTY: lambda p: "; ".join(
        f"AMQP headers: a header name is not UTF-8 (the table's bytes: {q['got']})"
        if q["name"] == "headers"
        else f"AMQP {q['name']} is not UTF-8 (got '{q['got']}')"
        for q in p["properties"]
    ),
    RejectionKind.OTHER: lambda p: str(p.get("text", "")),
}


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why an inbound message was refused; str() is the English reason (dead-letter header)."""

    kind: RejectionKind
    params: Params = field(default_factory=dict)

    def __str__(self) -> str:
        return rejection_english(self.kind, self.params)


def rejection_english(kind: str, params: Params) -> str:
    render = _REJECTION_EN.get(kind)
    if render is None:
        return str(params.get("text", kind))
    try:
        return render(params)
    except (KeyError, TypeError, ValueError):
        return str(params.get("text", kind))


def reject(kind: RejectionKind, **params: Any) -> Rejection:
    return Rejection(kind, params)
