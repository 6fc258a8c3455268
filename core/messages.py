"""Typed wire messages: inbound bodies validated at the edge, outbound bodies built strictly."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
)

from core import wire
from core.clock import format_ts
from core.ids import MAX_SAFE_INT, canonical_id, new_message_id, reminder_message_id, wire_id
from core.kinds import FieldProblem, Rejection, RejectionKind, reject
from core.outcomes import Listing

# The contract's fixed words (core/wire.py), here too for everything that names them m.X.
WAITING_EXCHANGE = wire.WAITING_EXCHANGE
NOTIFICATION_EXCHANGE = wire.NOTIFICATION_EXCHANGE
RESPONSE_EXCHANGE = wire.RESPONSE_EXCHANGE
EXCHANGES = wire.EXCHANGES
STATUS_SPOT_AVAILABLE = wire.STATUS_SPOT_AVAILABLE
STATUS_NOT_SELECTED = wire.STATUS_NOT_SELECTED
STATUS_SIGNED_UP = wire.STATUS_SIGNED_UP
STATUS_REMOVED = wire.STATUS_REMOVED
STATUS_CANCELLED = wire.STATUS_CANCELLED
STATUS_CLOSED = wire.STATUS_CLOSED
STATUS_REMINDER = wire.STATUS_REMINDER
STATUS_CONFIRMED = wire.STATUS_CONFIRMED
STATUS_NOT_CONFIRMED = wire.STATUS_NOT_CONFIRMED
NOTIFICATION_STATUSES = wire.NOTIFICATION_STATUSES

MAX_BODY_BYTES = 64 * 1024
# A real message nests three levels and its numbers are ids; a body past these bounds is
# refused before the parser or the validators do work it could force to be slow or to fail.
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 64


def _parse_timestamp(value: Any) -> Any:
    """Accept the contract's form, plus offsets and fractions, as naive UTC seconds."""
    if not isinstance(value, str):
        return value  # the strict datetime check then reports the wrong type
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _BadTimestamp(FieldProblem.TIMESTAMP_FORM, value) from exc
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as exc:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
            raise _BadTimestamp(FieldProblem.TIMESTAMP_RANGE, value) from exc
    return parsed.replace(microsecond=0)


class _BadTimestamp(ValueError):
    """A timestamp field that is not one; the rejection names the problem and the value."""

    def __init__(self, problem: FieldProblem, value: str) -> None:
        self.problem, self.value = problem, value
        super().__init__(f"{problem}: {value!r}")


Timestamp = Annotated[datetime, BeforeValidator(_parse_timestamp)]
IdText = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]
IdInt = Annotated[StrictInt, Field(ge=-MAX_SAFE_INT, le=MAX_SAFE_INT)]
WireId = IdInt | IdText


class _Inbound(BaseModel):
    # Extra fields are tolerated: the seed's two shapes overlap and the volunteer side may add more.
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class ResponseData(_Inbound):
    volunteer_id: WireId
    volunteer_application_id: WireId
    status: Literal["accepted", "declined", "confirmed"]
    timestamp: Timestamp | None = None


class VolunteerResponseIn(_Inbound):
    action: Literal["volunteer_response"]
    data: ResponseData
    timestamp: Timestamp | None = None


class WaitingData(_Inbound):
    volunteer_id: WireId
    volunteer_application_id: WireId
    status: Literal["waiting"] = "waiting"
    timestamp: Timestamp | None = None


class VolunteerWaitingIn(_Inbound):
    action: Literal["volunteer_waiting"]
    data: WaitingData
    user_id: WireId | None = None
    application_id: WireId | None = None
    timestamp: Timestamp | None = None


class FlatWaitingIn(_Inbound):
    user_id: WireId
    application_id: WireId
    timestamp: Timestamp | None = None


@dataclass(frozen=True, slots=True)
class VolunteerRequest:
    """What a volunteer asked for, whichever wire shape carried it."""

    # accepted: sign me up (or a waitlist request); declined: withdraw me; confirmed: I am
    # coming (the answer to a reminder)
    kind: Literal["accepted", "declined", "confirmed"]
    volunteer_id: str
    application_id: str
    timestamp: datetime | None
    via: Literal["response", "waiting_envelope", "waiting_flat"]


@dataclass(frozen=True, slots=True)
class Ignored:
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    rejection: Rejection

    @property
    def reason(self) -> str:
        return str(self.rejection)


# Actions that other consoles publish on queue 1; seeing them is normal, not an error.
_PEER_ACTIONS = frozenset(
    {
        "create_volunteer_application",
        "update_volunteer_application",
        "cancel_volunteer_application",
        "notify_free_spot",
        "volunteer_notification",
    }
)


_UNION_BRANCHES = {"int", "constrained-int", "constrained-str", "str"}


def _describe(exc: ValidationError) -> Rejection:
    """What is wrong with each bad field; an id's two union branches become one."""
    fields: dict[str, dict[str, Any]] = {}
    for err in exc.errors(include_url=False):
        loc_parts = [str(p) for p in err["loc"]]
        is_id_union = bool(loc_parts) and loc_parts[-1] in _UNION_BRANCHES
        if is_id_union:
            loc_parts = loc_parts[:-1]
        loc = ".".join(loc_parts) or "body"
        if loc in fields:
            continue
        cause = err.get("ctx", {}).get("error")
        if err["type"] == "missing":
            fields[loc] = {"field": loc, "problem": FieldProblem.MISSING.value}
            continue
        if isinstance(cause, _BadTimestamp):
            fields[loc] = {"field": loc, "problem": cause.problem.value, "got": repr(cause.value)}
            continue
        if err["type"] == "value_error":
            text = err["msg"].removeprefix("Value error, ")
            fields[loc] = {"field": loc, "problem": FieldProblem.VALUE.value, "text": text}
            continue
        problem, text = FieldProblem.INVALID, err["msg"]
        value = err.get("input")
        if is_id_union:
            problem = FieldProblem.ID
            if isinstance(value, int) and not isinstance(value, bool) and _outside_bound(value):
                problem = FieldProblem.ID_RANGE
        elif err["type"] in ("model_type", "dict_type", "model_attributes_type"):
            problem = FieldProblem.OBJECT  # not pydantic's internal class name
        elif err["type"] == "literal_error":
            problem, text = FieldProblem.ONE_OF, str(err.get("ctx", {}).get("expected", ""))
        shown = json.dumps(err.get("input"), ensure_ascii=False, default=str)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        fields[loc] = {"field": loc, "problem": problem.value, "text": text, "got": shown}
    return reject(RejectionKind.BAD_FIELDS, fields=list(fields.values()))


def _outside_bound(value: int) -> bool:
    return not -MAX_SAFE_INT <= value <= MAX_SAFE_INT


class _Refused(ValueError):
    """Raised from inside the JSON parser's hooks: the body is refused with this rejection."""

    def __init__(self, kind: RejectionKind, **params: Any) -> None:
        self.rejection = Rejection(kind, params)
        super().__init__(str(self.rejection))


def _constant(name: str) -> Any:
    raise _Refused(RejectionKind.NOT_JSON_VALUE, name=name)


# Possessive: a string never backtracks, and an unterminated one runs to the end, so the
# scan is linear whatever the body holds (a backtracking pattern is quadratic on \"\"\"...).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_LONG_NUMBER = re.compile(rf"-?[0-9][-+.eE0-9]{{{MAX_NUMBER_CHARS},}}")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# json.loads with an argument builds a decoder per call; one does for every body
_DECODER = json.JSONDecoder(parse_constant=_constant)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_shape(text: str) -> None:
    """Refuse deep nesting and long numbers, looking only outside strings (one linear scan)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH and _LONG_NUMBER.search(text) is None:
        # No deeper than all its brackets, and no long run of number characters anywhere
        # (so none outside strings): a message as the apps send it ends here.
        return
    outside = _STRING.sub('""', text)
    brackets = _NOT_BRACKET.sub("", outside)
    depth = max(accumulate(map(_STEP.__getitem__, brackets), initial=0))
    if depth > MAX_DEPTH:
        # The C parser recurses once per level: a few KiB of brackets exhaust the stack.
        raise _Refused(RejectionKind.TOO_DEEP, depth=depth, max=MAX_DEPTH)
    number = _LONG_NUMBER.search(outside)
    if number is not None:
        # int() of a long literal is quadratic, and past 4,300 digits it raises.
        raise _Refused(RejectionKind.NUMBER_TOO_LONG, length=len(number[0]), max=MAX_NUMBER_CHARS)


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def load_body(body: bytes) -> Any:
    """Decode a body as strict JSON within the bounds above; raises _Refused saying why not."""
    if len(body) > MAX_BODY_BYTES:
        raise _Refused(RejectionKind.TOO_LARGE, size=len(body), limit_kib=MAX_BODY_BYTES // 1024)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(RejectionKind.NOT_UTF8, problem=exc.reason, at=exc.start) from None
    _check_shape(text)
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        raw = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise _Refused(
            RejectionKind.NOT_JSON, problem=exc.msg, line=exc.lineno, column=exc.colno
        ) from None
    # A \ud800 escape decodes to a lone surrogate, which no UTF-8 text (the database, a
    # log line, a reason quoting the value) can hold. Only escapes can make one.
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(raw):
        raise _Refused(RejectionKind.LONE_SURROGATE)
    return raw


def parse_inbound(body: bytes) -> VolunteerRequest | Ignored | Rejected:
    """Validate one inbound body into a request, or say why it is refused or ignored."""
    try:
        raw = load_body(body)
    except _Refused as exc:
        return Rejected(exc.rejection)
    if not isinstance(raw, dict):
        return Rejected(reject(RejectionKind.NOT_OBJECT, type=type(raw).__name__))
    action = raw.get("action")
    try:
        if action == "volunteer_response":
            msg = VolunteerResponseIn.model_validate(raw)
            return VolunteerRequest(
                kind=msg.data.status,
                volunteer_id=canonical_id(msg.data.volunteer_id),
                application_id=canonical_id(msg.data.volunteer_application_id),
                timestamp=msg.data.timestamp or msg.timestamp,
                via="response",
            )
        if action == "volunteer_waiting":
            wmsg = VolunteerWaitingIn.model_validate(raw)
            vid = canonical_id(wmsg.data.volunteer_id)
            aid = canonical_id(wmsg.data.volunteer_application_id)
            # the envelope's copies of the ids, where given, must say the same as data's
            for name, given, inner, value in (
                ("user_id", wmsg.user_id, "data.volunteer_id", vid),
                ("application_id", wmsg.application_id, "data.volunteer_application_id", aid),
            ):
                if given is not None and canonical_id(given) != value:
                    return Rejected(
                        reject(
                            RejectionKind.DISAGREE,
                            field=name,
                            value=repr(given),
                            other=inner,
                            other_value=repr(value),
                        )
                    )
            return VolunteerRequest(
                kind="accepted",
                volunteer_id=vid,
                application_id=aid,
                timestamp=wmsg.data.timestamp or wmsg.timestamp,
                via="waiting_envelope",
            )
        if action is None:
            if "status" in raw:
                # The seed's flat queue-2 notification: a console's output echoed back.
                return Ignored("a flat volunteer notification is published by consoles")
            if "user_id" not in raw and "application_id" not in raw:
                return Rejected(reject(RejectionKind.NO_ACTION))
            flat = FlatWaitingIn.model_validate(raw)
            return VolunteerRequest(
                kind="accepted",
                volunteer_id=canonical_id(flat.user_id),
                application_id=canonical_id(flat.application_id),
                timestamp=flat.timestamp,
                via="waiting_flat",
            )
    except ValidationError as exc:
        return Rejected(_describe(exc))
    if isinstance(action, str) and action in _PEER_ACTIONS:
        return Ignored(f"{action} is published by consoles, not answered by one")
    shown = json.dumps(action, ensure_ascii=False)[:80]
    return Rejected(reject(RejectionKind.UNKNOWN_ACTION, action=shown))


# ---- outbound -------------------------------------------------------------------------


class _Outbound(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ApplicationData(_Outbound):
    fund_id: WireId
    volunteer_application_id: WireId
    available_spots: StrictInt
    application_description: StrictStr
    application_name: StrictStr
    application_date: StrictStr
    application_starttime: StrictStr
    application_endtime: StrictStr


class UpdateApplicationData(ApplicationData):
    application_status: Literal["open", "closed"]


class CreateApplicationOut(_Outbound):
    action: Literal["create_volunteer_application"] = "create_volunteer_application"
    data: ApplicationData


class UpdateApplicationOut(_Outbound):
    action: Literal["update_volunteer_application"] = "update_volunteer_application"
    data: UpdateApplicationData


class CancelData(_Outbound):
    fund_id: WireId
    volunteer_application_id: WireId


class CancelApplicationOut(_Outbound):
    action: Literal["cancel_volunteer_application"] = "cancel_volunteer_application"
    data: CancelData


class WaitingOutData(_Outbound):
    volunteer_id: WireId
    volunteer_application_id: WireId
    status: Literal["waiting"] = "waiting"
    timestamp: StrictStr
    position: StrictInt


class VolunteerWaitingOut(_Outbound):
    action: Literal["volunteer_waiting"] = "volunteer_waiting"
    data: WaitingOutData
    user_id: WireId
    application_id: WireId
    timestamp: StrictStr


class FreeSpotData(_Outbound):
    volunteer_application_id: WireId
    available_spots: StrictInt
    waiting_volunteers: list[WireId]


class NotifyFreeSpotOut(_Outbound):
    action: Literal["notify_free_spot"] = "notify_free_spot"
    data: FreeSpotData


class VolunteerNotificationOut(_Outbound):
    action: Literal["volunteer_notification"] = "volunteer_notification"
    application_id: WireId
    user_id: WireId
    status: Literal[
        "место доступно",
        "не выбрал",
        "записан",
        "исключён",
        "заявка отменена",
        "заявка закрыта",
        "подтверждено",
        "не подтвердил",
    ]
    timestamp: StrictStr


class ReminderOut(_Outbound):
    """«напоминание»: the flat notification plus the moment to confirm by."""

    action: Literal["volunteer_notification"] = "volunteer_notification"
    application_id: WireId
    user_id: WireId
    status: Literal["напоминание"] = "напоминание"
    timestamp: StrictStr
    confirm_by: StrictStr


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message the console will publish, fully formed before it is committed."""

    exchange: str
    routing_key: str
    action: str
    body: dict[str, Any]
    message_id: str

    def encoded(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


MAX_SEGMENT_BYTES = 64
_KEY_SPECIAL = re.compile(r"[.*#]")


def key_segment(value: str) -> str:
    """An id as one routing-key segment: the id itself when its UTF-8 form is at most 64 bytes
    and holds none of . * # (topic routing splits on dots; * and # are wildcards); otherwise
    'h' and the first 32 hex digits of the SHA-256 of its UTF-8 text. So a key stays far
    under AMQP's 255 bytes whatever the id, and equal ids always give equal segments."""
    raw = value.encode("utf-8", "surrogatepass")
    if len(raw) <= MAX_SEGMENT_BYTES and _KEY_SPECIAL.search(value) is None:
        return value
    return "h" + hashlib.sha256(raw).hexdigest()[:32]


def _out(exchange: str, key: str, model: BaseModel) -> Outbound:
    body = model.model_dump(mode="json")
    return Outbound(exchange, key, body["action"], body, new_message_id())


def _app_data(fund_id: str, application_id: str, f: Listing) -> dict[str, Any]:
    """Type 1's data: the ids and the application's fields as announced."""
    return {
        "fund_id": wire_id(fund_id),
        "volunteer_application_id": wire_id(application_id),
        "available_spots": f.capacity,
        "application_description": f.description,
        "application_name": f.name,
        "application_date": f.date.isoformat(),
        "application_starttime": f.start.strftime("%H:%M:%S"),
        "application_endtime": f.end.strftime("%H:%M:%S"),
    }


def application_created(fund_id: str, application_id: str, listing: Listing) -> Outbound:
    key = f"fund.{key_segment(fund_id)}.application.created"
    data = ApplicationData(**_app_data(fund_id, application_id, listing))
    return _out(WAITING_EXCHANGE, key, CreateApplicationOut(data=data))


def application_updated(
    fund_id: str, application_id: str, listing: Listing, status: Literal["open", "closed"]
) -> Outbound:
    key = f"fund.{key_segment(fund_id)}.application.updated"
    data = UpdateApplicationData(
        **_app_data(fund_id, application_id, listing), application_status=status
    )
    return _out(WAITING_EXCHANGE, key, UpdateApplicationOut(data=data))


def application_cancelled(fund_id: str, application_id: str) -> Outbound:
    key = f"fund.{key_segment(fund_id)}.application.cancelled"
    data = CancelData(fund_id=wire_id(fund_id), volunteer_application_id=wire_id(application_id))
    return _out(WAITING_EXCHANGE, key, CancelApplicationOut(data=data))


def volunteer_waiting(
    fund_id: str, application_id: str, volunteer_id: str, position: int, when: datetime
) -> Outbound:
    # written as VolunteerWaitingOut dumps it, as volunteer_notification is (and checked so)
    key = f"fund.{key_segment(fund_id)}.waiting.{key_segment(application_id)}"
    ts = format_ts(when)
    vid, aid = wire_id(volunteer_id), wire_id(application_id)
    data = {
        "volunteer_id": vid,
        "volunteer_application_id": aid,
        "status": "waiting",
        "timestamp": ts,
        "position": position,
    }
    body = {
        "action": "volunteer_waiting",
        "data": data,
        "user_id": vid,
        "application_id": aid,
        "timestamp": ts,
    }
    return Outbound(WAITING_EXCHANGE, key, "volunteer_waiting", body, new_message_id())


def notify_free_spot(fund_id: str, application_id: str, spots: int, waiting: list[str]) -> Outbound:
    key = f"fund.{key_segment(fund_id)}.free_spot.{key_segment(application_id)}"
    data = FreeSpotData(
        volunteer_application_id=wire_id(application_id),
        available_spots=spots,
        waiting_volunteers=[wire_id(v) for v in waiting],
    )
    return _out(NOTIFICATION_EXCHANGE, key, NotifyFreeSpotOut(data=data))


_TOLD = frozenset(get_args(VolunteerNotificationOut.model_fields["status"].annotation))


def volunteer_notification(
    fund_id: str, application_id: str, volunteer_id: str, status: str, when: datetime
) -> Outbound:
    """Type 2 to one volunteer. The message of nearly every decision, so its body is written
    as VolunteerNotificationOut dumps it (test_messages checks the two agree for every
    status) instead of through the model: the ids are the console's own, checked where they
    came in, and building and dumping the model was a twentieth of the engine's message."""
    if status not in _TOLD:
        raise ValueError(f"not a volunteer notification status: {status!r}")
    key = f"fund.{key_segment(fund_id)}.volunteer.{key_segment(volunteer_id)}"
    body = {
        "action": "volunteer_notification",
        "application_id": wire_id(application_id),
        "user_id": wire_id(volunteer_id),
        "status": status,
        "timestamp": format_ts(when),
    }
    return Outbound(NOTIFICATION_EXCHANGE, key, "volunteer_notification", body, new_message_id())


def volunteer_reminder(
    fund_id: str,
    application_id: str,
    volunteer_id: str,
    confirm_by: datetime,
    key: str,
    when: datetime,
) -> Outbound:
    """«напоминание» to one volunteer; its message_id comes from the reminder's key, so the
    same reminder is one message however often it is built."""
    rkey = f"fund.{key_segment(fund_id)}.volunteer.{key_segment(volunteer_id)}"
    msg = ReminderOut(
        application_id=wire_id(application_id),
        user_id=wire_id(volunteer_id),
        timestamp=format_ts(when),
        confirm_by=format_ts(confirm_by),
    )
    body = msg.model_dump(mode="json")
    mid = reminder_message_id(fund_id, application_id, volunteer_id, key)
    return Outbound(NOTIFICATION_EXCHANGE, rkey, body["action"], body, mid)


def response_key(fund_id: str, application_id: str) -> str:
    return f"fund.{key_segment(fund_id)}.response.{key_segment(application_id)}"


def waiting_key(fund_id: str, application_id: str) -> str:
    return f"fund.{key_segment(fund_id)}.waiting.{key_segment(application_id)}"
