"""The AsyncAPI contract: well-formed, and every message the core builds or reads conforms."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

import jsonschema
import pytest

from core import messages as m
from core.engine import Engine
from core.outcomes import Listing
from tests.helpers.asyncapi import SEED, load_doc, resolve, sent_by_console, validator
from tests.helpers.console import Console


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return load_doc()


def test_document_is_asyncapi_3_shaped(doc: dict[str, Any]) -> None:
    assert doc["asyncapi"] == "3.0.0"
    assert {"info", "channels", "operations", "components"} <= set(doc)
    assert {"title", "version"} <= set(doc["info"])
    for name, channel in doc["channels"].items():
        params = set(re.findall(r"\{([a-z_]+)\}", channel["address"]))
        assert params == set(channel.get("parameters", {})), name
        for ref in channel["messages"].values():
            resolve(doc, ref["$ref"])
    for name, op in doc["operations"].items():
        assert op["action"] in ("send", "receive"), name
        channel = resolve(doc, op["channel"]["$ref"])
        for msg in op["messages"]:
            assert msg["$ref"].startswith(op["channel"]["$ref"] + "/messages/"), name
            resolve(doc, msg["$ref"])
        assert channel
    for message in doc["components"]["messages"].values():
        jsonschema.Draft202012Validator.check_schema(resolve(doc, message["payload"]["$ref"]))


def test_contract_names_the_exchanges_and_statuses_the_code_uses(doc: dict[str, Any]) -> None:
    exchanges = set()
    for channel in doc["channels"].values():
        binding = channel["bindings"]
        if "$ref" in binding:
            binding = resolve(doc, binding["$ref"])
        amqp = binding["amqp"]
        if amqp["is"] == "routingKey":
            assert (amqp["exchange"]["type"], amqp["exchange"]["durable"]) == ("topic", True)
            exchanges.add(amqp["exchange"]["name"])
        else:
            assert amqp["queue"]["durable"] is True
    assert exchanges == set(m.EXCHANGES)
    schemas = doc["components"]["schemas"]
    assert tuple(schemas["NotificationStatus"]["enum"]) == m.NOTIFICATION_STATUSES
    assert set(sent_by_console(doc)) == {
        "create_volunteer_application",
        "update_volunteer_application",
        "cancel_volunteer_application",
        "volunteer_waiting",
        "notify_free_spot",
        "volunteer_notification",
    }


def _scenario(c: Console) -> None:
    """A run that makes the console publish every action and every status."""
    c.create(1)
    c.accept(701, 702, "v-703")  # записан, then two waitlisted
    c.decline(701)  # notify_free_spot, место доступно x2
    c.accept("v-703")  # записан, не выбрал
    c.engine.remove_volunteer(c.app, "v-703")  # исключён, a new round for 702
    c.engine.set_capacity(c.app, 3)  # update (open)
    c.engine.close(c.app)  # не выбрал, update (closed)
    c.accept(704)  # заявка закрыта
    c.engine.reopen(c.app)
    c.accept(705, 706)
    c.engine.set_reminders(c.app, (48, 2), 24, True)
    c.clock.set(datetime(2026, 3, 8, 14, 0))  # 48 h before the shift
    c.engine.tick()  # напоминание to 705 and 706
    c.respond(705, "confirmed")  # подтверждено
    c.clock.set(datetime(2026, 3, 9, 14, 0))  # confirm-by
    c.engine.tick()  # не подтвердил to 706
    c.engine.cancel(c.app)  # cancel, заявка отменена


def test_every_outbound_message_of_a_scenario_run_conforms(
    doc: dict[str, Any], engine: Engine
) -> None:
    c = Console(engine, engine.clock)  # type: ignore[arg-type]
    _scenario(c)
    sends = sent_by_console(doc)
    rows = engine.store.pending_outbox(limit=10_000)
    actions: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for row in rows:
        body = json.loads(row.body)
        schema_ref, exchange, key = sends[row.action]
        errors = [e.message for e in validator(doc, schema_ref).iter_errors(body)]
        assert errors == [], (row.action, body)
        assert row.exchange == exchange
        assert key.match(row.routing_key), (row.routing_key, key.pattern)
        assert body["action"] == row.action
        actions[row.action] += 1
        if row.action == "volunteer_notification":
            statuses[body["status"]] += 1
    assert set(actions) == set(sends)
    assert set(statuses) == set(m.NOTIFICATION_STATUSES)


def test_builders_output_conforms_for_text_and_numeric_ids(doc: dict[str, Any]) -> None:
    from datetime import date, datetime, time

    sends = sent_by_console(doc)
    when = datetime(2026, 1, 1, 12)
    for fund, app, vol in (("123", "456", "789"), ("fund-a", "app 7", "007")):
        listing = Listing("Name", "", date(2026, 1, 2), time(9), time(10), 4)
        for out in (
            m.application_created(fund, app, listing),
            m.application_updated(fund, app, listing, "open"),
            m.application_cancelled(fund, app),
            m.volunteer_waiting(fund, app, vol, 2, when),
            m.notify_free_spot(fund, app, 1, [vol, "42"]),
            *(
                m.volunteer_notification(fund, app, vol, s, when)
                for s in m.NOTIFICATION_STATUSES
                if s != m.STATUS_REMINDER
            ),
            m.volunteer_reminder(fund, app, vol, when, "lead:7200@2026-01-01T14:00:00", when),
        ):
            schema_ref, exchange, key = sends[out.action]
            validator(doc, schema_ref).validate(json.loads(out.encoded()))
            assert out.exchange == exchange and key.match(out.routing_key)


def test_only_a_reminder_carries_confirm_by(doc: dict[str, Any]) -> None:
    check = validator(doc, "#/components/schemas/VolunteerNotification")
    base = {"action": "volunteer_notification", "application_id": 5, "user_id": 7}
    stamp = {"timestamp": "2026-03-08T14:00:00"}
    by = {"confirm_by": "2026-03-09T14:00:00"}
    assert check.is_valid({**base, **stamp, **by, "status": "напоминание"})
    assert not check.is_valid({**base, **stamp, "status": "напоминание"})
    assert not check.is_valid({**base, **stamp, **by, "status": "записан"})
    assert not check.is_valid({**base, **stamp, "status": "напоминание", "confirm_by": "tomorrow"})


def test_a_reminder_message_id_is_the_same_for_the_same_reminder() -> None:
    from datetime import datetime as dt

    when = dt(2026, 3, 8, 14)
    one = m.volunteer_reminder("1", "5", "7", when, "lead:172800@2026-03-10T14:00:00", when)
    again = m.volunteer_reminder("1", "5", "7", when, "lead:172800@2026-03-10T14:00:00", when)
    other = m.volunteer_reminder("1", "5", "8", when, "lead:172800@2026-03-10T14:00:00", when)
    assert one.message_id == again.message_id != other.message_id


@pytest.mark.parametrize(
    ("example", "schema"),
    [
        ("type1_create_volunteer_application.json", "CreateVolunteerApplication"),
        ("type2_volunteer_response.json", "VolunteerResponseIn"),
        ("type3_volunteer_waiting.json", "VolunteerWaitingRequestIn"),
        ("type4_notify_free_spot.json", "NotifyFreeSpot"),
        ("queue1_waiting_request_flat.json", "WaitingRequestFlatIn"),
    ],
)
def test_seed_examples_conform(doc: dict[str, Any], example: str, schema: str) -> None:
    body = json.loads((SEED / example).read_text(encoding="utf-8"))
    validator(doc, f"#/components/schemas/{schema}").validate(body)


def test_seed_flat_notification_plus_action_is_our_notification(doc: dict[str, Any]) -> None:
    body = json.loads((SEED / "queue2_notification_flat.json").read_text(encoding="utf-8"))
    check = validator(doc, "#/components/schemas/VolunteerNotification")
    assert not check.is_valid(body)  # the console always adds the action
    check.validate({"action": "volunteer_notification", **body})


def test_inbound_schemas_tolerate_extra_fields(doc: dict[str, Any]) -> None:
    body = json.loads((SEED / "type2_volunteer_response.json").read_text(encoding="utf-8"))
    body["client"] = "mobile 2.1"
    body["data"]["timestamp"] = "2026-03-02T12:00:00.5+03:00"
    validator(doc, "#/components/schemas/VolunteerResponseIn").validate(body)


NOTE = {
    "action": "volunteer_notification",
    "application_id": 456,
    "user_id": 789,
    "status": "записан",
    "timestamp": "2026-01-01T12:00:00",
}


@pytest.mark.parametrize(
    ("schema", "body", "complaint"),
    [
        ("VolunteerNotification", {**NOTE, "extra": 1}, "Additional properties"),
        ("VolunteerNotification", {**NOTE, "status": "принят"}, "is not one of"),
        ("VolunteerNotification", {**NOTE, "timestamp": "2026-01-01T12:00:00Z"}, "does not match"),
        ("VolunteerNotification", {**NOTE, "user_id": "x" * 65}, "is not valid under any"),
        ("VolunteerNotification", {k: v for k, v in NOTE.items() if k != "status"}, "required"),
        (
            "NotifyFreeSpot",
            {
                "action": "notify_free_spot",
                "data": {
                    "volunteer_application_id": 1,
                    "available_spots": 0,
                    "waiting_volunteers": [2],
                },
            },
            "less than the minimum",
        ),
        (
            "VolunteerResponseIn",
            {
                "action": "volunteer_response",
                "data": {"volunteer_id": 1, "volunteer_application_id": 2, "status": "maybe"},
            },
            "is not one of",
        ),
        (
            "WaitingRequestFlatIn",
            {"user_id": 1, "application_id": 2, "status": "записан"},
            "should not be valid",
        ),
    ],
)
def test_wrong_messages_fail_validation(
    doc: dict[str, Any], schema: str, body: dict[str, Any], complaint: str
) -> None:
    errors = list(validator(doc, f"#/components/schemas/{schema}").iter_errors(body))
    assert errors
    assert any(complaint in e.message for e in errors), [e.message for e in errors]
