"""The relay's own frames: byte for byte what pamqp marshals for the same rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import aiormq
import pytest
from aiormq.abc import ChannelFrame
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from core.broker import fast_publish
from core.broker.relay import properties
from core.storage import OutboxRow

APP_ID = "volunteer-console/123"


def row(seq: int, **fields: object) -> OutboxRow:
    values: dict[str, object] = {
        "seq": seq,
        "message_id": f"0193a1b2-c3d4-7e5f-8a9b-{seq:012x}",
        "exchange": "volunteer_notification_queue",
        "routing_key": f"fund.123.volunteer.v{seq}",
        "action": "volunteer_notification",
        "body": b'{"status":"\xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0\xd0\xbd"}',
        "attempts": 0,
    }
    values.update(fields)
    return OutboxRow(**values)  # type: ignore[arg-type]


def by_pamqp(channel: int, window: list[OutboxRow], stamp: datetime) -> bytes:
    frames: list[object] = []
    for r in window:
        frames.append(
            aiormq.spec.Basic.Publish(
                exchange=r.exchange, routing_key=r.routing_key, mandatory=True
            )
        )
        frames.append(ContentHeader(properties=properties(r, stamp, APP_ID), body_size=len(r.body)))
        if r.body:
            frames.append(ContentBody(r.body))
    return ChannelFrame.marshall(channel_number=channel, frames=frames).payload  # type: ignore[arg-type]


WINDOWS = {
    "notifications": [row(i) for i in range(1, 6)],
    "an empty body": [row(1, body=b"")],
    "ids and keys in Cyrillic": [
        row(1, routing_key="fund.фонд.volunteer.волонтёр", message_id="сообщение-1"),
        row(2, exchange="", action="volunteer_waiting"),
    ],
    "keys of exactly 255 bytes": [row(1, routing_key="k" * 255, message_id="m" * 255)],
    "a body of 100 KiB": [row(1, body=b"x" * 102_400)],
}


@pytest.mark.parametrize("case", WINDOWS)
@pytest.mark.parametrize("channel", [1, 2, 300])
@pytest.mark.parametrize(
    "stamp",
    [
        datetime(2026, 12, 2, 7, 30, 15, 999_000),  # naive: UTC, as utcnow() gives it
        datetime(2026, 12, 2, 7, 30, tzinfo=UTC),
        datetime(2026, 12, 2, 10, 30, tzinfo=timezone(timedelta(hours=3))),
    ],
)
def test_the_windows_frames_are_the_ones_pamqp_writes(
    case: str, channel: int, stamp: datetime
) -> None:
    window = WINDOWS[case]
    assert fast_publish.own_frames(channel, window, stamp, APP_ID) == by_pamqp(
        channel, window, stamp
    )


@pytest.mark.parametrize(
    "odd",
    [
        row(2, properties=b"\x00"),  # a relayed copy keeps the properties it came with
        row(2, routing_key="k" * 256),  # over a short string: pamqp names the row's problem
        row(2, message_id="\ud800"),  # not UTF-8
    ],
)
def test_a_row_that_needs_pamqp_sends_the_window_through_pamqp(odd: OutboxRow) -> None:
    assert fast_publish.own_frames(1, [row(1), odd], datetime(2026, 12, 2), APP_ID) is None
