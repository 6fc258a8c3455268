"""Queue statistics for the monitor: counts by passive declares, rates from deltas."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

import aiormq
from aio_pika.abc import AbstractChannel

from core.broker.connection import Session
from core.broker.status import StatusBoard
from core.broker.topology import Role

log = logging.getLogger(__name__)

STATS_TIMEOUT = 10.0


@dataclass(frozen=True)
class QueueStats:
    name: str
    role: Role
    messages: int
    consumers: int
    in_rate: float  # msg/s into the queue
    out_rate: float  # msg/s delivered


class QueueStatsReader:
    """Reads the fund's queues; `consumed` is the consumer's running count per role."""

    def __init__(self, queues: dict[Role, str], consumed: dict[Role, int], status: StatusBoard):
        self.queues = queues
        self.consumed = consumed
        self.status = status
        self._prev: dict[str, tuple[float, int, int]] = {}

    async def read(self, s: Session | None) -> list[QueueStats]:
        if s is None or s.connection.is_closed:
            return []
        out: list[QueueStats] = []
        now = time.monotonic()
        channel: AbstractChannel | None = None
        try:
            for role, name in self.queues.items():
                if channel is None or channel.is_closed:
                    channel = await asyncio.wait_for(s.connection.channel(), STATS_TIMEOUT)
                try:
                    q = await asyncio.wait_for(
                        channel.declare_queue(name, passive=True), STATS_TIMEOUT
                    )
                except aiormq.exceptions.ChannelNotFoundEntity:
                    continue  # the channel is closed by the broker; the next role reopens one
                res = q.declaration_result
                messages = int(res.message_count or 0)
                consumers = int(res.consumer_count or 0)
                done = self.consumed[role] if role != "dead_letters" else 0
                in_rate = out_rate = 0.0
                prev = self._prev.get(name)
                if prev is not None and now > prev[0]:
                    dt = now - prev[0]
                    out_rate = (done - prev[2]) / dt
                    in_rate = max(0.0, (messages - prev[1]) + (done - prev[2])) / dt
                self._prev[name] = (now, messages, done)
                out.append(QueueStats(name, role, messages, consumers, in_rate, out_rate))
        except Exception as exc:
            log.debug("queue stats unavailable: %s", self.status.scrub(str(exc)))
            return []
        finally:
            if channel is not None and not channel.is_closed:
                with contextlib.suppress(Exception):
                    await channel.close()
        return out
