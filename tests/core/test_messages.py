"""Wire messages: every seed example parses, every bad body is refused with a specific reason."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, get_args

import pytest

from core import messages as m
from core.clock import format_ts
from core.ids import wire_id
from core.messages import Ignored, Rejected, VolunteerRequest, parse_inbound
from core.outcomes import Listing

SEED = Path(__file__).resolve().parents[1] / "resources" / "seed_examples"


def body(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def response(**data: Any) -> dict[str, Any]:
    fields = {"volunteer_id": 789, "volunteer_application_id": 456, "status": "accepted"}
    return {"action": "volunteer_response", "data": {**fields, **data}}


def reason_of(raw: bytes) -> str:
    result = parse_inbound(raw)
    assert isinstance(result, Rejected), result
    return result.reason


# ---- the seed's examples -------------------------------------------------------------


def test_every_seed_example_is_read() -> None:
    parsed = {p.name: parse_inbound(p.read_bytes()) for p in sorted(SEED.glob("*.json"))}
    assert parsed == {
        "queue1_waiting_request_flat.json": VolunteerRequest(
            "accepted",
            "volunteer123",
            "application_id123",
            datetime(2024, 12, 8, 12, 30),
            "waiting_flat",
        ),
        "queue2_notification_flat.json": Ignored(
            "a flat volunteer notification is published by consoles"
        ),
        "type1_create_volunteer_application.json": Ignored(
            "create_volunteer_application is published by consoles, not answered by one"
        ),
        "type2_volunteer_response.json": VolunteerRequest(
            "accepted", "789", "456", None, "response"
        ),
        "type3_volunteer_waiting.json": VolunteerRequest(
            "accepted", "789", "456", None, "waiting_envelope"
        ),
        "type4_notify_free_spot.json": Ignored(
            "notify_free_spot is published by consoles, not answered by one"
        ),
    }


def test_declined_response_is_read_as_a_withdrawal() -> None:
    assert parse_inbound(body(response(status="declined"))) == VolunteerRequest(
        "declined", "789", "456", None, "response"
    )


def test_extra_fields_from_the_volunteer_side_are_tolerated() -> None:
    raw = response(app_version="2.1")
    raw["sent_by"] = "mobile"
    assert isinstance(parse_inbound(body(raw)), VolunteerRequest)


# ---- bad bodies ----------------------------------------------------------------------


def test_malformed_json_is_rejected_with_its_position() -> None:
    assert reason_of(b'{"action": ') == "body is not JSON: Expecting value at line 1 column 12"


def test_body_that_is_not_utf8_is_rejected() -> None:
    assert reason_of(b'{"action": "\xff"}') == "body is not UTF-8: invalid start byte at byte 12"


@pytest.mark.parametrize(
    ("value", "kind"), [([1, 2], "list"), ("text", "str"), (5, "int"), (None, "NoneType")]
)
def test_body_that_is_not_an_object_is_rejected(value: Any, kind: str) -> None:
    assert reason_of(body(value)) == f"body is a JSON {kind}, not an object"


def test_oversized_body_is_rejected_before_it_is_parsed() -> None:
    raw = body(response(note="x" * (64 * 1024)))
    assert reason_of(raw) == f"body is {len(raw)} bytes, over the 64 KiB limit"


def test_body_of_exactly_64_kib_is_read() -> None:
    raw = body(response(note=""))
    raw = body(response(note="x" * (m.MAX_BODY_BYTES - len(raw))))
    assert len(raw) == m.MAX_BODY_BYTES
    assert isinstance(parse_inbound(raw), VolunteerRequest)


def test_unknown_action_is_rejected() -> None:
    assert reason_of(body({"action": "dance"})) == 'unknown action "dance"'
    assert reason_of(body({"action": 5})) == "unknown action 5"


def test_unknown_status_is_rejected() -> None:
    assert reason_of(body(response(status="maybe"))) == (
        "data.status: Input should be 'accepted', 'declined' or 'confirmed' (got \"maybe\")"
    )
    waiting = {
        "action": "volunteer_waiting",
        "data": {"volunteer_id": 1, "volunteer_application_id": 2, "status": "nope"},
    }
    assert reason_of(body(waiting)) == "data.status: Input should be 'waiting' (got \"nope\")"


ID_RULE = "must be an integer or a string of 1 to 64 characters"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "true"),
        (1.5, "1.5"),
        ("", '""'),
        (None, "null"),
        ("x" * 65, '"' + "x" * 56 + "..."),
        ([7], "[7]"),
    ],
)
def test_ids_must_be_integers_or_short_strings(value: Any, shown: str) -> None:
    assert reason_of(body(response(volunteer_id=value))) == (
        f"data.volunteer_id: {ID_RULE} (got {shown})"
    )


def test_id_of_64_characters_is_accepted() -> None:
    result = parse_inbound(body(response(volunteer_id="v" * 64)))
    assert isinstance(result, VolunteerRequest) and result.volunteer_id == "v" * 64


def test_missing_fields_are_each_named() -> None:
    assert reason_of(body({"action": "volunteer_response"})) == "data: is missing"
    assert reason_of(body({"action": "volunteer_response", "data": {}})) == (
        "data.volunteer_id: is missing; data.volunteer_application_id: is missing; "
        "data.status: is missing"
    )
    assert reason_of(body({"user_id": 1})) == "application_id: is missing"


def test_data_that_is_not_an_object_is_rejected_without_internal_names() -> None:
    assert reason_of(body({"action": "volunteer_response", "data": [1]})) == (
        "data: must be a JSON object (got [1])"
    )


def test_body_without_action_or_flat_fields_is_rejected() -> None:
    assert reason_of(body({"foo": 1})) == (
        "body has neither an action nor the flat user_id/application_id"
    )


def test_flat_request_with_a_null_id_is_rejected() -> None:
    assert reason_of(body({"user_id": 1, "application_id": None})) == (
        f"application_id: {ID_RULE} (got null)"
    )


# ---- timestamps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2026-03-02T12:00:00", datetime(2026, 3, 2, 12, 0, 0)),
        ("2026-03-02T12:00:00+03:00", datetime(2026, 3, 2, 9, 0, 0)),
        ("2026-03-02T01:30:00-02:00", datetime(2026, 3, 2, 3, 30, 0)),
        ("2026-03-02T12:00:00.750Z", datetime(2026, 3, 2, 12, 0, 0)),
        ("2026-03-02T00:00:00.999+01:00", datetime(2026, 3, 1, 23, 0, 0)),
    ],
)
def test_timestamps_with_offsets_or_fractions_become_utc_seconds(sent: str, read: datetime) -> None:
    result = parse_inbound(body(response(timestamp=sent)))
    assert isinstance(result, VolunteerRequest)
    assert result.timestamp == read
    assert result.timestamp.tzinfo is None


def test_top_level_timestamp_is_used_when_data_has_none() -> None:
    raw = {**response(), "timestamp": "2026-03-02T10:00:00Z"}
    result = parse_inbound(body(raw))
    assert isinstance(result, VolunteerRequest)
    assert result.timestamp == datetime(2026, 3, 2, 10, 0, 0)


def test_bad_timestamps_are_rejected() -> None:
    assert reason_of(body(response(timestamp="yesterday"))) == (
        "data.timestamp: not a timestamp of the form YYYY-MM-DDTHH:MM:SS: 'yesterday'"
    )
    assert reason_of(body(response(timestamp=5))) == (
        "data.timestamp: Input should be a valid datetime (got 5)"
    )


# ---- ids and keys --------------------------------------------------------------------


def hashed(value: str) -> str:
    return "h" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def test_a_routing_key_segment_is_the_id_when_short_and_plain_else_its_hash() -> None:
    assert m.key_segment("99") == "99"
    assert m.key_segment("v" * 64) == "v" * 64
    assert m.key_segment("я" * 32) == "я" * 32  # 64 bytes of UTF-8
    assert m.key_segment("я" * 33) == hashed("я" * 33)  # 66 bytes
    assert m.key_segment("😀" * 64) == hashed("😀" * 64)  # 64 characters, 256 bytes
    for special in ("v.1", "a*b", "c#", "."):
        assert m.key_segment(special) == hashed(special)
    assert hashed("v.1") == "h" + hashlib.sha256(b"v.1").hexdigest()[:32]
    assert len(hashed("x")) == 33


def test_every_key_builder_uses_the_segment_rule_and_the_body_keeps_the_id() -> None:
    assert m.response_key("f.1", "a*b#c") == f"fund.{hashed('f.1')}.response.{hashed('a*b#c')}"
    assert m.waiting_key("7", "99") == "fund.7.waiting.99"
    note = m.volunteer_notification("7", "99", "v.1#", m.STATUS_SIGNED_UP, datetime(2026, 1, 1))
    assert note.routing_key == f"fund.7.volunteer.{hashed('v.1#')}"
    assert note.body["user_id"] == "v.1#"  # the body keeps the id as it is
    emoji = "😀" * 64
    for out in (
        m.volunteer_notification("7", "99", emoji, m.STATUS_SIGNED_UP, datetime(2026, 1, 1)),
        m.volunteer_waiting("7", emoji, emoji, 1, datetime(2026, 1, 1)),
        m.notify_free_spot("7", emoji, 1, [emoji]),
    ):
        assert len(out.routing_key.encode()) < 255
        assert hashed(emoji) in out.routing_key


def test_integer_ids_are_bounded_to_json_safe_integers() -> None:
    top = 2**53 - 1
    for fine in (top, -top, 0):
        result = parse_inbound(body(response(volunteer_id=fine)))
        assert isinstance(result, VolunteerRequest) and result.volunteer_id == str(fine)
    bound = "an integer id must be within +-(2^53 - 1), -9007199254740991 to 9007199254740991"
    for bad in (top + 1, -top - 1):
        assert reason_of(body(response(volunteer_id=bad))) == (
            f"data.volunteer_id: {bound} (got {bad})"
        )
    assert reason_of(body(response(volunteer_application_id=10**40))) == (
        f"data.volunteer_application_id: {bound} (got {10**40})"
    )
    # a float or a boolean is not an integer at all: the id rule, not the bound
    assert reason_of(body(response(volunteer_id=True))).startswith(
        f"data.volunteer_id: {ID_RULE} (got"
    )


def test_a_long_digit_string_id_goes_out_as_a_string_not_an_unsafe_integer() -> None:
    digits = "9" * 40
    note = m.volunteer_notification("7", "99", digits, m.STATUS_SIGNED_UP, datetime(2026, 1, 1))
    assert note.body["user_id"] == digits
    assert note.body["application_id"] == 99
    assert (
        m.volunteer_notification(
            "7", "99", str(2**53 - 1), m.STATUS_SIGNED_UP, datetime(2026, 1, 1)
        ).body["user_id"]
        == 2**53 - 1
    )
    assert m.volunteer_notification(
        "7", "99", str(2**53), m.STATUS_SIGNED_UP, datetime(2026, 1, 1)
    ).body["user_id"] == str(2**53)


# ---- outbound bodies -----------------------------------------------------------------

LISTING = Listing(
    name="Помощь в уборке территории",
    description="Помощь в уборке территории парка",
    date=date(2024, 12, 9),
    start=time(14, 0),
    end=time(18, 0),
    capacity=5,
)


def test_created_announcement_is_seed_type1_exactly() -> None:
    out = m.application_created("123", "456", LISTING)
    seed = json.loads((SEED / "type1_create_volunteer_application.json").read_text())
    assert out.body == seed
    assert (out.exchange, out.routing_key, out.action) == (
        m.WAITING_EXCHANGE,
        "fund.123.application.created",
        "create_volunteer_application",
    )


def test_update_announcement_carries_the_application_status() -> None:
    out = m.application_updated("123", "456", LISTING, "closed")
    seed = json.loads((SEED / "type1_create_volunteer_application.json").read_text())
    assert out.body == {
        "action": "update_volunteer_application",
        "data": {**seed["data"], "application_status": "closed"},
    }
    assert out.routing_key == "fund.123.application.updated"


def test_cancel_announcement() -> None:
    out = m.application_cancelled("123", "abc")
    assert out.body == {
        "action": "cancel_volunteer_application",
        "data": {"fund_id": 123, "volunteer_application_id": "abc"},
    }
    assert out.routing_key == "fund.123.application.cancelled"


def test_waiting_message_has_both_seed_shapes() -> None:
    out = m.volunteer_waiting("123", "456", "789", 3, datetime(2024, 12, 8, 12, 30))
    assert out.body == {
        "action": "volunteer_waiting",
        "data": {
            "volunteer_id": 789,
            "volunteer_application_id": 456,
            "status": "waiting",
            "timestamp": "2024-12-08T12:30:00",
            "position": 3,
        },
        "user_id": 789,
        "application_id": 456,
        "timestamp": "2024-12-08T12:30:00",
    }
    assert (out.exchange, out.routing_key) == (m.WAITING_EXCHANGE, "fund.123.waiting.456")


def test_free_spot_message_is_seed_type4_exactly() -> None:
    out = m.notify_free_spot("123", "456", 1, ["789", "1011"])
    assert out.body == json.loads((SEED / "type4_notify_free_spot.json").read_text())
    assert (out.exchange, out.routing_key) == (m.NOTIFICATION_EXCHANGE, "fund.123.free_spot.456")


def test_notification_is_the_seed_flat_shape_plus_action() -> None:
    out = m.volunteer_notification(
        "123", "application_id123", "volunteer789", "место доступно", datetime(2024, 12, 8, 14)
    )
    seed = json.loads((SEED / "queue2_notification_flat.json").read_text())
    assert out.body == {"action": "volunteer_notification", **seed}
    assert out.routing_key == "fund.123.volunteer.volunteer789"
    assert out.encoded().decode("utf-8").count("место доступно") == 1  # UTF-8, not \\u escapes


# application and volunteer ids the fast builders must write as their models do: plain, over
# 2**53 (text on the wire), Cyrillic, a leading zero, 64 characters
BUILT_IDS = [("456", "789"), ("9007199254740992", "волонтёр-7"), ("007", "x" * 64)]
WHEN = datetime(2026, 12, 2, 7, 5, 9, 123_456)


@pytest.mark.parametrize(
    "status", get_args(m.VolunteerNotificationOut.model_fields["status"].annotation)
)
@pytest.mark.parametrize(("app", "volunteer"), BUILT_IDS)
def test_a_notifications_body_is_what_its_model_dumps(
    app: str, volunteer: str, status: str
) -> None:
    when = WHEN
    out = m.volunteer_notification("123", app, volunteer, status, when)
    model = m.VolunteerNotificationOut(
        application_id=wire_id(app),
        user_id=wire_id(volunteer),
        status=status,
        timestamp=format_ts(when),
    )  # type: ignore[arg-type]
    assert out.body == model.model_dump(mode="json")
    assert list(out.body) == list(model.model_dump(mode="json"))  # the same order on the wire
    assert out.action == "volunteer_notification"


@pytest.mark.parametrize("position", [1, 2, 50_000])
@pytest.mark.parametrize(("app", "volunteer"), BUILT_IDS)
def test_a_waitlist_notices_body_is_what_its_model_dumps(
    app: str, volunteer: str, position: int
) -> None:
    when = WHEN
    out = m.volunteer_waiting("123", app, volunteer, position, when)
    vid, aid, ts = wire_id(volunteer), wire_id(app), format_ts(when)
    model = m.VolunteerWaitingOut(
        data=m.WaitingOutData(
            volunteer_id=vid, volunteer_application_id=aid, timestamp=ts, position=position
        ),
        user_id=vid,
        application_id=aid,
        timestamp=ts,
    )
    dumped = model.model_dump(mode="json")
    assert out.body == dumped
    assert list(out.body) == list(dumped) and list(out.body["data"]) == list(dumped["data"])
    assert out.action == "volunteer_waiting"


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 12, 2, 7, 5, 9, 999_999),
        datetime(2026, 12, 2, 7, 5, 9, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5),
        datetime(1, 1, 1),
    ],
)
def test_the_contracts_timestamp_is_strftimes_text(when: datetime) -> None:
    assert format_ts(when) == when.strftime("%Y-%m-%dT%H:%M:%S")


def test_notification_with_an_unknown_status_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="status"):
        m.volunteer_notification("1", "2", "3", "maybe", datetime(2026, 1, 1))


def test_outbound_message_ids_are_unique_uuids() -> None:
    ids = {m.application_cancelled("1", "2").message_id for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)


@pytest.mark.parametrize(
    ("stored", "wire"),
    [("456", 456), ("0", 0), ("007", "007"), ("abc", "abc"), ("٣", "٣"), ("-5", "-5")],
)
def test_ids_go_out_as_integers_only_when_all_digits(stored: str, wire: int | str) -> None:
    out = m.application_cancelled("1", stored)
    assert out.body["data"]["volunteer_application_id"] == wire


# ---- bounds that keep a cheap message cheap --------------------------------------------


def test_brackets_and_digits_inside_strings_do_not_count_towards_the_bounds() -> None:
    raw = response(volunteer_id="[" * 40, note="{" * 100 + "9" * 100)
    assert parse_inbound(body(raw)) == VolunteerRequest(
        "accepted", "[" * 40, "456", None, "response"
    )


def test_nesting_deeper_than_the_bound_is_refused_before_parsing() -> None:
    raw = b'{"action":"volunteer_response","data":' + b"[" * 32 + b"]" * 32 + b"}"
    assert reason_of(raw) == "body nests 33 levels deep (at most 32)"


def test_a_number_longer_than_the_bound_is_refused_before_parsing() -> None:
    assert (
        reason_of(b'{"a":' + b"1" * 65 + b"}") == "body has a number of 65 characters (at most 64)"
    )


def test_a_long_number_in_a_body_with_few_brackets_is_still_refused() -> None:
    """The bounds' quick look (few brackets, no long run of digits anywhere) lets a plain
    body through; a long number sends it on to the full scan, which still finds it."""
    raw = response(note="x")
    raw["data"]["volunteer_application_id"] = int("4" * 70)
    assert reason_of(body(raw)) == "body has a number of 70 characters (at most 64)"


def test_a_body_that_starts_with_a_byte_order_mark_is_not_json() -> None:
    assert reason_of(b"\xef\xbb\xbf" + body(response())) == (
        "body is not JSON: Unexpected UTF-8 BOM (decode using utf-8-sig) at line 1 column 1"
    )


def test_nan_and_infinity_are_not_json() -> None:
    assert reason_of(b'{"a":NaN}') == "body is not JSON: NaN is not a JSON value"
    assert reason_of(b'{"a":-Infinity}') == "body is not JSON: -Infinity is not a JSON value"


def test_a_surrogate_pair_escape_is_a_character_but_a_lone_one_is_refused() -> None:
    pair = b'{"action":"volunteer_response","data":{"volunteer_id":"\\ud83d\\ude00",'
    pair += b'"volunteer_application_id":456,"status":"accepted"}}'
    assert parse_inbound(pair) == VolunteerRequest("accepted", "😀", "456", None, "response")
    lone = pair.replace(b"\\ude00", b"")
    assert reason_of(lone) == "body is not valid Unicode: a \\u escape is an unpaired surrogate"


def test_an_offset_that_leaves_the_calendar_in_utc_is_out_of_range() -> None:
    reason = reason_of(body(response(timestamp="0001-01-01T00:00:00+14:00")))
    assert reason == "data.timestamp: timestamp is out of range in UTC: '0001-01-01T00:00:00+14:00'"


def test_a_rejection_is_a_kind_with_parameters_and_its_reason_is_derived_from_them() -> None:
    cases = [
        (b"{oops", "not_json", {"problem": "Expecting property name enclosed in double quotes"}),
        (b'{"action": "nope"}', "unknown_action", {"action": '"nope"'}),
        (
            b'{"action": "volunteer_response", "data": {"volunteer_id": true,'
            b' "volunteer_application_id": 5, "status": "maybe", "timestamp": "soon"}}',
            "bad_fields",
            {
                "fields": [
                    {
                        "field": "data.volunteer_id",
                        "problem": "id",
                        "text": "Input should be a valid integer",
                        "got": "true",
                    },
                    {
                        "field": "data.status",
                        "problem": "one_of",
                        "text": "'accepted', 'declined' or 'confirmed'",
                        "got": '"maybe"',
                    },
                    {"field": "data.timestamp", "problem": "timestamp_form", "got": "'soon'"},
                ]
            },
        ),
    ]
    for body, kind, params in cases:
        parsed = m.parse_inbound(body)
        assert isinstance(parsed, m.Rejected)
        assert parsed.rejection.kind == kind
        assert {k: v for k, v in parsed.rejection.params.items() if k in params} == params
        assert parsed.reason == str(parsed.rejection)
    bad = m.parse_inbound(cases[2][0])
    assert isinstance(bad, m.Rejected)
    assert bad.reason == (
        "data.volunteer_id: must be an integer or a string of 1 to 64 characters (got true); "
        "data.status: Input should be 'accepted', 'declined' or 'confirmed' (got \"maybe\"); "
        "data.timestamp: not a timestamp of the form YYYY-MM-DDTHH:MM:SS: 'soon'"
    )
