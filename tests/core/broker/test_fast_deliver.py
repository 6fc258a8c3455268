"""The consumer's direct deliveries, on a real channel of the broker on localhost."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import aiormq
import pytest
from aiormq.abc import DeliveredMessage

from core.broker import fast_deliver
from tests.helpers.broker import BROKER_URL, wait_until

pytestmark = pytest.mark.skipif(
    not fast_deliver.enabled, reason="the installed aiormq is not the tested release"
)


def run(scenario: Callable[[aiormq.Channel, str], Awaitable[None]]) -> None:
    async def main() -> None:
        conn = await aiormq.connect(BROKER_URL)
        try:
            channel = await conn.channel()
            queue = (await channel.queue_declare(exclusive=True, auto_delete=True)).queue
            assert queue is not None
            await asyncio.wait_for(scenario(channel, queue), 30)
        finally:
            await conn.close()

    asyncio.run(main())


async def publish(channel: aiormq.Channel, queue: str, bodies: list[bytes]) -> None:
    for body in bodies:
        await channel.basic_publish(body, routing_key=queue)


def test_a_registered_tag_gets_every_delivery_in_order_and_no_task_runs() -> None:
    async def scenario(channel: aiormq.Channel, queue: str) -> None:
        direct = fast_deliver.direct_handlers(channel)
        assert direct is not None and fast_deliver.direct_handlers(channel) is direct
        got: list[DeliveredMessage] = []
        by_task: list[DeliveredMessage] = []

        async def callback(msg: DeliveredMessage) -> None:
            by_task.append(msg)

        bodies = [str(i).encode() for i in range(200)]
        await publish(channel, queue, bodies)
        tag = f"ctag{channel.number}.{uuid.uuid4().hex}"
        direct[tag] = got.append
        await channel.basic_consume(queue, callback, consumer_tag=tag, no_ack=True)
        await wait_until(lambda: len(got) == len(bodies), what="all 200 delivered")
        assert [m.body for m in got] == bodies
        assert by_task == []

    run(scenario)


def test_a_tag_it_does_not_name_goes_through_aiormqs_callback() -> None:
    async def scenario(channel: aiormq.Channel, queue: str) -> None:
        fast_deliver.direct_handlers(channel)
        by_task: list[bytes] = []

        async def callback(msg: DeliveredMessage) -> None:
            by_task.append(msg.body)

        await publish(channel, queue, [b"a", b"b"])
        await channel.basic_consume(queue, callback, no_ack=True)
        await wait_until(lambda: by_task == [b"a", b"b"], what="both through the callback")

    run(scenario)


def test_a_handler_that_raises_is_logged_and_the_next_delivery_still_comes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario(channel: aiormq.Channel, queue: str) -> None:
        direct = fast_deliver.direct_handlers(channel)
        assert direct is not None
        got: list[bytes] = []

        def handler(msg: DeliveredMessage) -> None:
            if msg.body == b"bad":
                raise RuntimeError("a bug in the handler")
            got.append(msg.body)

        async def unused(msg: DeliveredMessage) -> None:
            raise AssertionError("not through aiormq")

        tag = f"ctag{channel.number}.{uuid.uuid4().hex}"
        direct[tag] = handler
        await publish(channel, queue, [b"bad", b"good"])
        await channel.basic_consume(queue, unused, consumer_tag=tag, no_ack=True)
        await wait_until(lambda: got == [b"good"], what="the delivery after the failed one")
        assert not channel.is_closed

    run(scenario)
    assert "the consumer failed on delivery 1" in caplog.text


def test_switched_off_there_are_no_direct_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_deliver, "enabled", False)

    async def scenario(channel: aiormq.Channel, queue: str) -> None:
        assert fast_deliver.direct_handlers(channel) is None

    run(scenario)
