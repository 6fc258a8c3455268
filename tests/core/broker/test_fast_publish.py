"""The relay's own frames: byte for byte what pamqp marshals for the same rows."""

from __future__ import annotations

import uuid
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


def test_a_window_whose_channel_closes_fails_every_unconfirmed_row() -> None:
    """The broker closes the channel (a publish to an exchange that does not exist): each row
    of the window fails with the channel's error, as aiormq fails its own publishes."""
    import asyncio

    from tests.helpers.broker import BROKER_URL

    async def scenario() -> None:
        conn = await aiormq.connect(BROKER_URL)
        try:
            channel = await conn.channel(publisher_confirms=True)
            window = [row(i, exchange=f"no-such-exchange-{uuid.uuid4().hex}") for i in (1, 2, 3)]
            stamp = datetime(2026, 12, 2)
            ready = fast_publish.own_frames(channel.number, window, stamp, APP_ID)
            first, futures = await fast_publish.send_window(
                channel, window, lambda r: properties(r, stamp, APP_ID), ready
            )
            done, _pending = await asyncio.wait(futures, timeout=10)
            assert len(done) == 3
            assert all("NOT_FOUND" in str(f.exception()) for f in futures)
            fast_publish.forget(channel, window, first)
            assert channel.__dict__["_windows_in_flight"] == {}
        finally:
            await conn.close()

    asyncio.run(scenario())


def test_a_confirmed_window_leaves_nothing_in_the_channels_store() -> None:
    import asyncio

    from tests.helpers.broker import BROKER_URL

    async def scenario() -> None:
        conn = await aiormq.connect(BROKER_URL)
        try:
            channel = await conn.channel(publisher_confirms=True)
            queue = (await channel.queue_declare(exclusive=True)).queue
            assert queue is not None
            window = [row(i, exchange="", routing_key=queue) for i in range(1, 51)]
            stamp = datetime(2026, 12, 2)
            held = len(channel._Base__future_store.futures)  # type: ignore[attr-defined]
            ready = fast_publish.own_frames(channel.number, window, stamp, APP_ID)
            first, futures = await fast_publish.send_window(
                channel, window, lambda r: properties(r, stamp, APP_ID), ready
            )
            await asyncio.wait_for(asyncio.gather(*futures), 10)
            fast_publish.forget(channel, window, first)
            await asyncio.sleep(0)  # the store's done callbacks
            assert len(channel._Base__future_store.futures) == held  # type: ignore[attr-defined]
            assert (await channel.queue_declare(queue, passive=True)).message_count == 50
        finally:
            await conn.close()

    asyncio.run(scenario())
