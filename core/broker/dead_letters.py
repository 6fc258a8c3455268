"""Dead-lettered copies as outbox rows: committed with the rejection, relayed like the rest."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import aiormq
from pamqp import frame as pamqp_frame
from pamqp.header import ContentHeader

from core.broker.topology import DEAD_LETTER_EXCHANGE
from core.engine import Delivery
from core.storage import _ts

log = logging.getLogger(__name__)

REJECTION_HEADER = "x-rejection-reason"
SHOWN_BYTES = 4096  # what the message log shows of the copy; the relay sends all of it
DEAD_LETTER_ACTION = "dead_letter"


def copy_row(
    fund_id: str, d: Delivery, inbox_key: str, reason: str, now: datetime
) -> tuple[Any, ...]:
    """The outbox row (add_outbox_copies' columns) that dead-letters delivery `d`.

    The copy keeps the body's bytes and the properties it came with, plus the reason and
    where it came from in headers. Its outbox id is derived from the inbox key, which is
    unique: the one transaction that records the message records its copy once.
    """
    key = d.routing_key or f"fund.{fund_id}"
    if len(key.encode()) > 255:  # a key shown as \xNN text can outgrow the limit
        key = f"fund.{fund_id}"
    shown = d.body[:SHOWN_BYTES].decode("utf-8", "replace")
    return (
        f"dead-letter:{inbox_key}",
        _ts(now),
        DEAD_LETTER_EXCHANGE,
        key,
        DEAD_LETTER_ACTION,
        None,
        None,
        shown,
        d.body,
        _properties_blob(d, reason),
    )


def _properties_blob(d: Delivery, reason: str) -> bytes:
    """The copy's AMQP properties, encoded as a content header frame (pamqp reads it back)."""
    props = d.properties if isinstance(d.properties, aiormq.spec.Basic.Properties) else None
    headers: dict[str, Any] = dict(props.headers or {}) if props is not None else {}
    headers[REJECTION_HEADER] = reason[:1000]
    headers["x-original-exchange"] = d.exchange
    headers["x-original-routing-key"] = d.routing_key
    copy = aiormq.spec.Basic.Properties(
        headers=headers,
        content_type=props.content_type if props else None,
        content_encoding=props.content_encoding if props else None,
        delivery_mode=2,  # persistent
        message_id=d.message_id,
        timestamp=props.timestamp if props else None,
        message_type=props.message_type if props else None,
        app_id=d.app_id,
    )
    try:
        return _encode(copy)
    except Exception as exc:
        # pamqp decodes some header values it cannot encode again (byte arrays): keep the
        # copy and the reason, with the sender's headers as text.
        log.info("headers of %s re-encoded as text (%s)", d.message_id, exc)
        copy.headers = {k: _as_text(v) for k, v in headers.items()}
        return _encode(copy)


def _encode(props: aiormq.spec.Basic.Properties) -> bytes:
    return pamqp_frame.marshal(ContentHeader(0, 0, props), 0)


def _as_text(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
