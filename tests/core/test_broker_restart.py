"""A real broker restart (rabbitmqctl stop_app, start_app) in the middle of a response stream."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from uuid import uuid4

import pytest

from core.broker import BrokerStatus
from core.config import DB_NAME
from core.engine import ApplicationForm
from core.service import ConsoleCore
from tests.helpers.broker import (
    BROKER_URL,
    VolunteerClient,
    books,
    broker_available,
    delete_fund_queues,
    outcomes_seen,
    rabbitmqctl_available,
    wait_until,
)

log = logging.getLogger(__name__)

pytestmark = [
    pytest.mark.broker,
    pytest.mark.slow,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672"),
    pytest.mark.skipif(not rabbitmqctl_available(), reason="needs rabbitmqctl"),
]

CAPACITY, RESPONSES = 300, 1500
BROKER_BACK_WITHIN = 60.0


def rabbitmqctl(command: str) -> float:
    """Run one rabbitmqctl command on the local node; how long it took, in seconds."""
    started = time.monotonic()
    subprocess.run(["rabbitmqctl", "-q", command], capture_output=True, timeout=60, check=True)
    return time.monotonic() - started


def broker_answers_within(seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not broker_available():
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


def restore_broker() -> None:
    """Start the broker's app whatever happened (a no-op when it runs): later tests need it."""
    try:
        rabbitmqctl("start_app")
    except (OSError, subprocess.SubprocessError) as exc:
        log.error("rabbitmqctl start_app failed while restoring the broker: %s", exc)
    if not broker_answers_within(BROKER_BACK_WITHIN):
        raise RuntimeError(f"the broker did not answer on 5672 within {BROKER_BACK_WITHIN:g} s")


def form(spots: int) -> ApplicationForm:
    return ApplicationForm(
        name="Помощь в уборке территории",
        day=date.today() + timedelta(days=7),
        start=clock_time(14, 0),
        end=clock_time(18, 0),
        spots=spots,
        description="Помощь в уборке территории парка",
    )


def test_broker_restarted_mid_stream_loses_nothing_and_applies_nothing_twice(
    tmp_path: Path,
) -> None:
    fund = f"t{uuid4().hex[:8]}"
    timings: dict[str, float] = {}

    vol = VolunteerClient(fund, durable=True)
    cores: list[ConsoleCore] = []

    async def scenario() -> None:
        # A first console declares the fund's queues and announces the application, then
        # stops: the whole stream waits in the durable quorum queue, persistent, as a morning's
        # answers would.
        first = ConsoleCore(tmp_path, fund, BROKER_URL)
        cores.append(first)
        await first.start()
        await wait_until(lambda: first.transport.status.state == "connected", 20, "connected")
        await vol.start()
        app = first.engine.create_application(form(CAPACITY))
        await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
        await first.stop()
        volunteers = list(range(1, RESPONSES + 1))
        ids = [await vol.respond(int(app), v, "accepted") for v in volunteers]

        # A small prefetch slows the stream (~460 msg/s here) so that it is still flowing when
        # stop_app (0.5-1.2 s measured) closes the connection, yet batches hold several.
        core = ConsoleCore(tmp_path, fund, BROKER_URL, prefetch=5)
        cores.append(core)
        connects: list[BrokerStatus] = []
        core.transport.subscribe_status(
            lambda s: connects.append(s) if s.state == "connected" else None
        )
        await core.start()
        responses = core.transport.consumed
        await wait_until(lambda: responses["responses"] >= 300, 30, "some hundreds handled")
        timings["handled_before_stop"] = responses["responses"]
        timings["stop_app"] = await asyncio.to_thread(rabbitmqctl, "stop_app")
        handled_at_stop = responses["responses"]
        timings["handled_at_stop"] = handled_at_stop
        assert core.transport.status.state != "connected"
        assert handled_at_stop < RESPONSES, "the stream ended before the broker stopped"
        await asyncio.sleep(1.0)
        timings["start_app"] = await asyncio.to_thread(rabbitmqctl, "start_app")
        back = time.monotonic()
        assert await asyncio.to_thread(broker_answers_within, BROKER_BACK_WITHIN)
        timings["port_open"] = time.monotonic() - back
        # The test client's connection died with the broker; its queues did not.
        await vol.reconnect()
        await wait_until(
            lambda: core.transport.status.state == "connected" and len(connects) >= 2,
            30,
            "the console connected again",
        )
        timings["console_back"] = time.monotonic() - back
        await wait_until(
            lambda: len(outcomes_seen(vol)) == RESPONSES and core.transport.status.backlog == 0,
            30,
            "every volunteer told their outcome",
        )
        timings["stream_done"] = time.monotonic() - back
        assert books(tmp_path / DB_NAME, app, CAPACITY, volunteers, ids) == {
            "lost": 0,
            "doubly_applied": 0,
            "overbooked": 0,
            "missing_outcome": 0,
            "signed": CAPACITY,
            "waiting": RESPONSES - CAPACITY,
            "unknown": 0,
            "backlog": 0,
        }
        # Republished after the restart, a message keeps its id: exactly one outcome each.
        assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
        await core.stop()

    async def main() -> None:
        try:
            await asyncio.wait_for(scenario(), 90)
        finally:
            # the broker may still be down when the scenario failed: bring it back first
            await asyncio.to_thread(restore_broker)
            for core in cores:
                await core.stop()
            await vol.close()
            await delete_fund_queues(fund)

    try:
        asyncio.run(main())
    finally:
        restore_broker()
        print(f"broker restart timings: {timings}")
