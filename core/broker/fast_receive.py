"""The console's connections read the broker's frames in bulk instead of three reads a frame.

aiormq's FrameReceiver takes a lock, a BytesIO and three StreamReader.readexactly calls for
each frame, and a delivery is three frames: under load that was 8% of the event loop's GIL
time besides pamqp's own decoding. FastFrameReceiver reads what the socket has (up to
READ_SIZE) and decodes every whole frame in it with pamqp, as aiormq does, handing them out
one by one; the errors are aiormq's own (the connection lost mid-frame, an AMQP protocol
header where a frame belongs, a frame pamqp cannot decode).

aiormq builds its receiver from the module's FrameReceiver when a connection opens, so that
name is replaced by a function choosing the receiver: this one for a connection opened
inside console_connection() (core.broker.urls.connect, every connection of the console),
aiormq's for any other (a benchmark's raw client stays the raw client). It runs only on the
aiormq release it was tested with (fast_publish.TESTED_AIORMQ).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import Iterator
from typing import Any

import aiormq.connection
import pamqp.frame
from aiormq.exceptions import AMQPConnectionError, InvalidFrameError, ProtocolSyntaxError
from pamqp.exceptions import PAMQPException

from core.broker.fast_publish import TESTED_AIORMQ, installed_aiormq

READ_SIZE = 1 << 17
_HEADER = 7  # type (1), channel (2), size (4); then the payload and the frame-end octet

enabled = installed_aiormq() == TESTED_AIORMQ
_console: contextvars.ContextVar[bool] = contextvars.ContextVar("console_connection", default=False)
_AIORMQ_RECEIVER = aiormq.connection.FrameReceiver


class FastFrameReceiver:
    """aiormq's FrameReceiver (an async iterator of (size, channel, frame)), reading in bulk."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.started = False
        self.lock = asyncio.Lock()  # aiormq reads during the handshake, then its reader task
        self._buffer = bytearray()
        self._frames: deque[Any] = deque()

    def __aiter__(self) -> FastFrameReceiver:
        return self

    async def __anext__(self) -> Any:
        return await self.get_frame()

    async def get_frame(self) -> Any:
        frames = self._frames
        while not frames:
            async with self.lock:
                if not frames:
                    await self._read()
        return frames.popleft()

    async def _read(self) -> None:
        try:
            data = await self.reader.read(READ_SIZE)
        except OSError as e:
            raise AMQPConnectionError(f"Server communication error: {e!r}") from e
        buffer = self._buffer
        if not data:
            if buffer:
                raise AMQPConnectionError(
                    "Server connection unexpectedly closed."
                    f" Read {len(buffer)} bytes of a frame that was not whole"
                )
            raise StopAsyncIteration
        buffer += data
        if not self.started and len(buffer) >= _HEADER:
            if buffer.startswith(b"AMQP"):
                raise ProtocolSyntaxError("Unexpected AMQP protocol header")
            self.started = True
        at, end = 0, len(buffer)
        while end - at >= _HEADER:
            after = at + _HEADER + 1 + int.from_bytes(buffer[at + 3 : at + _HEADER], "big")
            if after > end:
                break
            try:
                self._frames.append(pamqp.frame.unmarshal(bytes(buffer[at:after])))
            except PAMQPException as e:
                raise InvalidFrameError(str(e)) from e
            at = after
        if at:
            del buffer[:at]


def _receiver(reader: asyncio.StreamReader) -> Any:
    if _console.get():
        return FastFrameReceiver(reader)
    return _AIORMQ_RECEIVER(reader)


@contextlib.contextmanager
def console_connection() -> Iterator[None]:
    """Connections opened inside (in this task) read with FastFrameReceiver."""
    token = _console.set(True)
    try:
        yield
    finally:
        _console.reset(token)


if enabled:
    aiormq.connection.FrameReceiver = _receiver  # type: ignore[misc,assignment]
