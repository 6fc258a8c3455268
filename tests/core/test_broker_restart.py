"""A real broker restart (stop_app, start_app) mid-stream, on a private node of the test's own."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from uuid import uuid4

import pytest

from core.broker import BrokerStatus
from core.config import DB_NAME
from core.engine import ApplicationForm
from core.service import ConsoleCore
from tests.helpers.broker import VolunteerClient, books, intact, outcomes_seen, wait_until
from tests.helpers.rabbit_node import RabbitNode, private_node

pytestmark = [pytest.mark.broker, pytest.mark.slow]

CAPACITY, RESPONSES = 300, 1500
BROKER_BACK_WITHIN = 60.0


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def answers_within(node: RabbitNode, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not port_open(node.port):
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


async def until_done_unless_stalled(
    progress: Callable[[], int], done: Callable[[], bool], stalled_s: float, what: str
) -> None:
    """Wait for done(); fail only when progress() has not moved for stalled_s.

    How long the rest of a stream takes depends on the machine's load (a fixed 30 s ran out
    under load with the stream still flowing); a console that stopped handling it does not.
    """
    loop = asyncio.get_running_loop()
    last, moved = progress(), loop.time()
    while not done():
        now = progress()
        if now != last:
            last, moved = now, loop.time()
        elif loop.time() - moved > stalled_s:
            raise AssertionError(f"{what}: stalled at {now} for {stalled_s:g} s")
        await asyncio.sleep(0.05)


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
    cores: list[ConsoleCore] = []

    async def scenario(node: RabbitNode, vol: VolunteerClient) -> None:
        # A first console declares the fund's queues and announces the application, then
        # stops: the whole stream waits in the durable quorum queue, persistent, as a morning's
        # answers would.
        first = ConsoleCore(tmp_path, fund, node.url)
        cores.append(first)
        await first.start()
        await wait_until(lambda: first.transport.status.state == "connected", 20, "connected")
        await vol.start()
        app = first.engine.create_application(form(CAPACITY))
        await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
        await first.stop()
        volunteers = list(range(1, RESPONSES + 1))
        ids = [await vol.respond(int(app), v, "accepted") for v in volunteers]

        # A small prefetch slows the stream so that it is still flowing when stop_app
        # closes the connection, yet batches hold several.
        core = ConsoleCore(tmp_path, fund, node.url, prefetch=5)
        cores.append(core)
        connects: list[BrokerStatus] = []
        core.transport.subscribe_status(
            lambda s: connects.append(s) if s.state == "connected" else None
        )
        await core.start()
        responses = core.transport.consumed
        await wait_until(lambda: responses["responses"] >= 300, 30, "some hundreds handled")
        timings["handled_before_stop"] = responses["responses"]
        timings["stop_app"] = await asyncio.to_thread(node.stop_app)
        handled_at_stop = responses["responses"]
        timings["handled_at_stop"] = handled_at_stop
        await wait_until(lambda: core.transport.status.state != "connected", 20, "noticed")
        assert handled_at_stop < RESPONSES, "the stream ended before the broker stopped"
        timings["start_app"] = await asyncio.to_thread(node.start_app)
        back = time.monotonic()
        assert await asyncio.to_thread(answers_within, node, BROKER_BACK_WITHIN)
        timings["port_open"] = time.monotonic() - back
        # The test client's connection died with the broker; its queues did not.
        await vol.reconnect()
        await wait_until(
            lambda: core.transport.status.state == "connected" and len(connects) >= 2,
            30,
            "the console connected again",
        )
        timings["console_back"] = time.monotonic() - back
        await until_done_unless_stalled(
            lambda: len(outcomes_seen(vol)) + core.transport.consumed["responses"],
            lambda: len(outcomes_seen(vol)) == RESPONSES and core.transport.status.backlog == 0,
            30,
            "every volunteer told their outcome",
        )
        timings["stream_done"] = time.monotonic() - back
        assert books(tmp_path / DB_NAME, app, CAPACITY, volunteers, ids) == intact(
            CAPACITY, RESPONSES
        )
        # Republished after the restart, a message keeps its id: exactly one outcome each.
        assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
        await core.stop()

    async def main(node: RabbitNode) -> None:
        vol = VolunteerClient(fund, node.url, durable=True)
        try:
            # Under the test's own timeout (300 s); the waits inside fail sooner if stuck.
            await asyncio.wait_for(scenario(node, vol), 240)
        finally:
            for core in cores:
                await core.stop()
            await vol.close()

    with private_node() as node:
        try:
            asyncio.run(main(node))
        finally:
            print(f"broker restart timings: {timings}")
