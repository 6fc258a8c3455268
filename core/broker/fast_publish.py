"""The relay's fast path: a whole window of rows written as one frame through aiormq internals.

This copies what aiormq's Channel.basic_publish does (the next delivery tags under the
channel's publish lock, a confirmation future per tag, the message id -> tag map that
routes a Basic.Return to its future) for many rows at once: per row it saves a task, a
lock, a timeout scope, a queue put and a socket send. Because it writes channel internals,
it runs only on the exact aiormq release it was tested with (TESTED_AIORMQ); any other
release takes aiormq's own per-row basic_publish (core.broker.relay), which is always right.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import struct
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import aiormq
from aiormq.abc import ChannelFrame
from pamqp import encode
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from core.storage import OutboxRow

TESTED_AIORMQ = "7.2.4"  # pyproject pins this too; a bump means re-reading basic_publish


def installed_aiormq() -> str:
    # aiormq has no __version__ attribute; its distribution metadata has the version.
    try:
        return importlib.metadata.version("aiormq")
    except importlib.metadata.PackageNotFoundError:
        return str(getattr(aiormq, "__version__", ""))


# Benchmarks and tests switch it off to measure or exercise the per-row path.
enabled = installed_aiormq() == TESTED_AIORMQ

Properties = Callable[[OutboxRow], aiormq.spec.Basic.Properties]


def usable(channel: aiormq.Channel, window: Sequence[OutboxRow]) -> bool:
    """The fast path is on, the channel confirms, and every body fits in one body frame."""
    return (
        enabled
        and channel.publisher_confirms
        and all(len(row.body) < channel.max_content_size for row in window)
    )


# The console's own messages carry the same seven properties (core.broker.relay.properties):
# their frames are written here directly, byte for byte what pamqp writes for them (checked
# in tests/core/broker/test_fast_publish.py), at a fifth of its cost, which was a tenth of the
# event loop's time under load. Anything else (a relayed copy's own properties, a value
# pamqp would refuse) goes through pamqp.
_PUBLISH = struct.pack(">HHH", 60, 40, 0)  # Basic.Publish, ticket 0
_HEADER = struct.Struct(">HHQH")  # class, weight, body size, property flags
_FLAGS = 1 << 15 | 1 << 14 | 1 << 12 | 1 << 7 | 1 << 6 | 1 << 5 | 1 << 3
_FRAME = struct.Struct(">BHI")
_MANDATORY = b"\x01"
_END = b"\xce"


def _short(value: str) -> bytes:
    raw = value.encode("utf-8")
    if len(raw) > 255:
        raise ValueError("longer than a short string")
    return bytes((len(raw),)) + raw


# content type, content encoding and delivery mode: the same for every row
_TYPE_ENCODING_PERSISTENT = _short("application/json") + _short("utf-8") + b"\x02"


def own_frames(
    channel_number: int, window: Sequence[OutboxRow], stamp: datetime, app_id: str
) -> bytes | None:
    """The frames of a window of the console's own rows (no stored properties), as pamqp
    marshals them with relay.properties(row, stamp, app_id); None when one of them needs pamqp."""
    if any(row.properties is not None for row in window):
        return None
    try:
        when, app = encode.timestamp(stamp), _short(app_id)
        out: list[bytes] = []
        for row in window:
            method = _PUBLISH + _short(row.exchange) + _short(row.routing_key) + _MANDATORY
            head = _HEADER.pack(60, 0, len(row.body), _FLAGS)
            head += (
                _TYPE_ENCODING_PERSISTENT + _short(row.message_id) + when + _short(row.action) + app
            )
            out += (_FRAME.pack(1, channel_number, len(method)), method, _END)
            out += (_FRAME.pack(2, channel_number, len(head)), head, _END)
            if row.body:  # an empty body has no body frame (the broker refuses an empty one)
                out += (_FRAME.pack(3, channel_number, len(row.body)), row.body, _END)
    except (ValueError, TypeError, struct.error):  # pamqp says which, for that row alone
        return None
    return b"".join(out)


async def send_window(
    channel: aiormq.Channel,
    window: Sequence[OutboxRow],
    properties: Properties,
    frames_ready: bytes | None = None,
) -> tuple[int, list[asyncio.Future[Any]]]:
    """basic_publish for a whole window in one frame write: one lock, one socket send.

    frames_ready: the window's frames already written (own_frames), else built here from
    properties. Returns the first delivery tag and one confirmation future per row; raises
    (having written nothing) when the channel is closed or the write fails.
    """
    futures: list[asyncio.Future[Any]] = []
    frames: list[Any] = []
    loop = asyncio.get_running_loop()
    async with channel.lock:
        if channel.is_closed:
            raise ConnectionError("the publish channel is closed")
        first = channel.delivery_tag + 1
        for offset, row in enumerate(window):
            tag = first + offset
            # A plain future a row; the window's one in the channel's store (below) fails
            # them all when the channel closes, as the store fails each of basic_publish's:
            # a store future a row cost four done callbacks each (3.6% of the GIL at load).
            fut = loop.create_future()
            channel.confirmations[tag] = fut
            channel.message_id_delivery_tag[row.message_id] = tag
            futures.append(fut)
            if frames_ready is not None:
                continue
            frames.append(
                aiormq.spec.Basic.Publish(
                    exchange=row.exchange, routing_key=row.routing_key, mandatory=True
                )
            )
            frames.append(ContentHeader(properties=properties(row), body_size=len(row.body)))
            if row.body:  # an empty body has no body frame (the broker refuses an empty one)
                frames.append(ContentBody(row.body))
        channel.delivery_tag = first + len(window) - 1
        try:
            await channel.write_queue.put(
                ChannelFrame(payload=frames_ready, should_close=False)
                if frames_ready is not None
                else ChannelFrame.marshall(channel_number=channel.number, frames=frames)
            )
        except BaseException:
            # Not written: the broker never saw these tags; give them back.
            channel.delivery_tag = first - 1
            for offset, fut in enumerate(futures):
                channel.confirmations.pop(first + offset, None)
                fut.cancel()
            raise
        window_future = channel.create_future()
        window_future.add_done_callback(lambda done: _fail_unconfirmed(done, futures))
        _windows(channel)[first] = window_future
    return first, futures


def _windows(channel: aiormq.Channel) -> dict[int, asyncio.Future[Any]]:
    """The channel's windows in flight, by first tag: each one's future in its store."""
    held: dict[int, asyncio.Future[Any]] = channel.__dict__.setdefault("_windows_in_flight", {})
    return held


def _fail_unconfirmed(
    window_future: asyncio.Future[Any], futures: list[asyncio.Future[Any]]
) -> None:
    """The channel closed (its store failed the window's future): so do the rows not confirmed."""
    if not window_future.cancelled() and window_future.exception() is None:
        return  # the window was done with (forget)
    failed = None if window_future.cancelled() else window_future.exception()
    error = failed or ConnectionError("the publish channel closed")
    for fut in futures:
        if not fut.done():
            fut.set_exception(error)
            fut.exception()  # read here: no "exception was never retrieved" when dropped


def forget(channel: aiormq.Channel, window: Sequence[OutboxRow], first: int) -> None:
    """Drop the window's message id -> tag entries once its confirms are in.

    aiormq routes a Basic.Return by message id until here (it comes before the confirm);
    then the ids are forgotten, as basic_publish forgets its own.
    """
    ids = channel.message_id_delivery_tag
    for offset, row in enumerate(window):
        if ids.get(row.message_id) == first + offset:
            del ids[row.message_id]
    window_future = _windows(channel).pop(first, None)
    if window_future is not None and not window_future.done():
        window_future.set_result(None)  # out of the channel's store
