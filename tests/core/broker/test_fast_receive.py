"""The console's bulk frame reader: aiormq's frames and errors, from reads of any size."""

from __future__ import annotations

import asyncio
from typing import Any

import aio_pika
import aiormq
import aiormq.connection
import pamqp.frame
import pytest
from aiormq.abc import ChannelFrame
from aiormq.exceptions import AMQPConnectionError, ProtocolSyntaxError
from pamqp import commands as spec
from pamqp.body import ContentBody
from pamqp.header import ContentHeader
from pamqp.heartbeat import Heartbeat

from core.broker import fast_receive, urls
from tests.helpers.broker import BROKER_URL

pytestmark = pytest.mark.skipif(
    not fast_receive.enabled, reason="the installed aiormq is not the tested release"
)


def wire() -> bytes:
    """A delivery (its three frames), a confirm, a heartbeat and a bigger delivery."""
    props = spec.Basic.Properties(content_type="application/json", message_id="m-1")
    first = ChannelFrame.marshall(
        channel_number=1,
        frames=[
            spec.Basic.Deliver("ctag1.x", 7, False, "ex", "fund.1.response.2"),
            ContentHeader(properties=props, body_size=5),
            ContentBody(b"hello"),
            spec.Basic.Ack(3, multiple=True),
        ],
    ).payload
    second = ChannelFrame.marshall(
        channel_number=300,
        frames=[
            spec.Basic.Deliver("ctag2.y", 8, True, "ex", "k"),
            ContentHeader(properties=spec.Basic.Properties(), body_size=70_000),
            ContentBody(b"z" * 70_000),
        ],
    ).payload
    return first + Heartbeat().marshal() + second


async def frames_of(receiver_class: Any, chunks: list[bytes], *, eof: bool = True) -> list[Any]:
    reader = asyncio.StreamReader()
    for chunk in chunks:
        reader.feed_data(chunk)
    if eof:
        reader.feed_eof()
    got = []
    async for size, channel, frame in receiver_class(reader):
        # compared by their bytes again (pamqp's frames have no equality of their own)
        got.append((size, channel, type(frame).__name__, pamqp.frame.marshal(frame, channel)))
    return got


@pytest.mark.parametrize("piece", [1, 7, 8, 1000, 1 << 20])
def test_the_frames_are_aiormqs_whatever_the_reads_bring(piece: int) -> None:
    data = wire()
    chunks = [data[i : i + piece] for i in range(0, len(data), piece)]
    ours = asyncio.run(frames_of(fast_receive.FastFrameReceiver, chunks))
    theirs = asyncio.run(frames_of(fast_receive._AIORMQ_RECEIVER, [data]))
    assert ours == theirs
    assert [f[2] for f in ours] == [
        "Deliver", "ContentHeader", "ContentBody", "Ack", "Heartbeat",
        "Deliver", "ContentHeader", "ContentBody",
    ]  # fmt: skip


def test_a_connection_lost_mid_frame_is_an_amqp_connection_error() -> None:
    data = wire()
    with pytest.raises(AMQPConnectionError, match="unexpectedly closed"):
        asyncio.run(frames_of(fast_receive.FastFrameReceiver, [data[:20]]))


def test_an_amqp_protocol_header_instead_of_a_frame_is_refused() -> None:
    # what a broker answers a client of another protocol version with
    with pytest.raises(ProtocolSyntaxError):
        asyncio.run(frames_of(fast_receive.FastFrameReceiver, [b"AMQP\x00\x00\x09\x01"]))


def test_console_connections_read_in_bulk_and_other_connections_as_aiormq_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []

    class Recording(fast_receive.FastFrameReceiver):
        def __init__(self, reader: asyncio.StreamReader) -> None:
            made.append("bulk")
            super().__init__(reader)

    monkeypatch.setattr(fast_receive, "FastFrameReceiver", Recording)

    async def scenario() -> None:
        console = await urls.connect(BROKER_URL)
        try:
            channel = await console.channel()
            queue = await channel.declare_queue(exclusive=True)
            await channel.default_exchange.publish(aio_pika.Message(b"x"), queue.name)
            message = await queue.get(timeout=5)
            assert message.body == b"x"
        finally:
            await console.close()
        assert made == ["bulk"]
        other = await aio_pika.connect(BROKER_URL)
        await other.close()
        assert made == ["bulk"]  # the plain aio-pika connection took aiormq's receiver

    asyncio.run(asyncio.wait_for(scenario(), 30))
    assert aiormq.connection.FrameReceiver is fast_receive._receiver
