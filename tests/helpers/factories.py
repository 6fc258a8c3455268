"""Factories for test inputs: a valid application form, a volunteer response delivery, a fund id."""

from __future__ import annotations

import json
import uuid
from contextlib import closing
from datetime import time, timedelta

from core.engine import ApplicationForm, Delivery
from core.ids import wire_id
from core.messages import RESPONSE_EXCHANGE, response_key
from core.queries import AppDetail, Queries
from core.storage import Store


def a_form(clock, **over) -> ApplicationForm:
    values = dict(
        name="Park clean-up",
        day=clock.now().date() + timedelta(days=1),
        start=time(10, 0),
        end=time(13, 0),
        spots=3,
        policy="broadcast",
        offer_timeout_min=2,
    )
    values.update(over)
    return ApplicationForm(**values)


def response(fund_id: str, app_id: str, volunteer: str, status: str = "accepted") -> Delivery:
    """A volunteer_response as it arrives from the broker."""
    body = {
        "action": "volunteer_response",
        "data": {
            "volunteer_application_id": wire_id(app_id),
            "volunteer_id": wire_id(volunteer),
            "status": status,
        },
    }
    return Delivery(
        json.dumps(body).encode(),
        exchange=RESPONSE_EXCHANGE,
        routing_key=response_key(fund_id, app_id),
        message_id=str(uuid.uuid4()),
    )


def unique_fund() -> str:
    return f"t{uuid.uuid4().hex[:8]}"


def detail_of(store: Store, app_id: str) -> AppDetail:
    """The application as committed, read on a read side of its own (closed afterwards)."""
    with closing(Queries(store)) as queries:
        detail = queries.detail(app_id)
    assert detail is not None
    return detail
