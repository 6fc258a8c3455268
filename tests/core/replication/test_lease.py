"""The lease's attempts: they end when their owner stops, even if a cancel was lost."""

from __future__ import annotations

import asyncio
import socket

import pytest

from core.replication.lease import Lease


def _refusing_url() -> str:
    """An AMQP URL on a local port nothing listens on: every connect is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"amqp://guest:guest@127.0.0.1:{port}/"


def test_attempts_end_once_their_owner_stops_without_a_cancel() -> None:
    """Python 3.11's wait_for can drop a cancel that arrives as it returns: the owner's stop
    flag must end the retries by itself (a CI run hung on a stopped arbiter's lease)."""
    lease = Lease(_refusing_url(), "f1", "A", retry_every=0.05)
    stopping = False

    async def scenario() -> None:
        nonlocal stopping
        task = asyncio.create_task(lease.acquire(lambda: stopping))
        await asyncio.sleep(0.3)  # a few refused attempts
        assert not task.done()
        stopping = True
        # still retrying after 5 s would raise TimeoutError here, not the stop's CancelledError
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
