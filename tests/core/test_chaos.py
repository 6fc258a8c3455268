"""Chaos at scale on a private node: broker restarts, link cuts and a SIGKILL of the headless
console while thousands of responses (some of them bad) stream in; then the books balance."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from uuid import uuid4

import pytest

from core.broker import REJECTION_HEADER
from core.clock import SystemClock
from core.config import DB_NAME
from core.engine import ApplicationForm, Engine
from core.storage import Store
from tests.helpers.broker import (
    RESPONSE_EXCHANGE,
    TcpProxy,
    VolunteerClient,
    books,
    intact,
    outcomes_seen,
    wait_until,
)
from tests.helpers.rabbit_node import RabbitNode, private_node

pytestmark = [pytest.mark.broker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CAPACITY, RESPONSES, BAD = 400, 2500, 150


def counts(db: Path) -> tuple[int, int]:
    """(responses recorded, rejected rows) as the test reads them beside the console."""
    try:
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return 0, 0
    try:
        # the console's own waitlist notices come back on queue 1 too (ignored): not counted
        inbox = c.execute(
            "SELECT COUNT(*) FROM inbox WHERE exchange = ?", (RESPONSE_EXCHANGE,)
        ).fetchone()[0]
        rejected = c.execute("SELECT COUNT(*) FROM rejected").fetchone()[0]
        return int(inbox), int(rejected)
    except sqlite3.OperationalError:
        return 0, 0
    finally:
        c.close()


def test_restarts_cuts_and_a_kill_lose_nothing_apply_nothing_twice_and_keep_dead_letters(
    tmp_path: Path,
) -> None:
    fund = f"t{uuid4().hex[:8]}"
    db = tmp_path / DB_NAME
    faults: list[str] = []

    async def scenario(node: RabbitNode) -> None:
        store = Store(db)
        app = Engine(store, fund, SystemClock()).create_application(
            ApplicationForm("Уборка", date.today() + timedelta(days=7), clock_time(9),
                            clock_time(17), CAPACITY)
        )  # fmt: skip
        store.close()
        proxy = TcpProxy(target_port=node.port)
        await proxy.reserve()
        await proxy.open()
        cmd = [sys.executable, "-m", "tests.helpers.broker", str(tmp_path), fund, proxy.url]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log_path = tmp_path / "headless.log"

        def start() -> subprocess.Popen[bytes]:
            with log_path.open("ab") as log_file:
                return subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=log_file)

        vol = VolunteerClient(fund, node.url, durable=True)
        child = start()
        try:
            await vol.start()
            await wait_until(lambda: len(vol.announcements) == 1, 60, "announcement")
            # The stream waits in the durable queues while the console is stopped, then flows.
            child.send_signal(signal.SIGTERM)
            assert child.wait(30) == 0, log_path.read_text()
            volunteers = list(range(1, RESPONSES + 1))
            ids: list[str] = []
            bad: list[str] = []
            key = f"fund.{fund}.response.{app}"
            for v in volunteers:
                ids.append(await vol.respond(int(app), v, "accepted"))
                if v % (RESPONSES // BAD) == 0:
                    bad.append(await vol.publish(RESPONSE_EXCHANGE, key, b"{broken"))
            child = start()
            total = len(ids) + len(bad)

            async def at(handled: int, what: str) -> None:
                # A fast machine may finish the stream before a later fault's mark: the fault
                # still lands (recovery from it is checked the same), and says where it did.
                await wait_until(lambda: counts(db)[0] >= handled, 90, f"{handled} handled")
                n = counts(db)[0]
                faults.append(f"{what} at {n}" + (" (stream done)" if n >= total else ""))

            await at(total // 6, "a link cut")
            assert "stream done" not in faults[0], faults  # the first faults always land mid-way
            proxy.cut()
            # the kill before the restarts: it needs no broker round trip, so it lands mid-way
            await at(2 * total // 6, "a SIGKILL of the console")
            assert "stream done" not in faults[1], faults
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child = start()
            await at(3 * total // 6, "a broker restart")
            await asyncio.to_thread(node.stop_app)
            await asyncio.to_thread(node.start_app)
            await vol.reconnect()
            await at(4 * total // 6, "a second link cut")
            proxy.cut()
            await at(5 * total // 6, "a second broker restart")
            await asyncio.to_thread(node.stop_app)
            await asyncio.to_thread(node.start_app)
            await vol.reconnect()
            await wait_until(lambda: counts(db) == (total, len(bad)), 90, "everything handled")
            await wait_until(
                lambda: len(outcomes_seen(vol)) == RESPONSES, 90, "every volunteer told"
            )
            await wait_until(lambda: books(db, app, CAPACITY, volunteers, ids)["backlog"] == 0, 60)
            child.send_signal(signal.SIGTERM)
            assert child.wait(30) == 0, log_path.read_text()
            assert books(db, app, CAPACITY, volunteers, ids) == intact(CAPACITY, RESPONSES)
            # A redelivered or republished message keeps its id: one outcome per volunteer.
            assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
            dead = await vol.read_dead_letters(limit=10 * BAD)
            assert {d.message_id for d in dead} == set(bad)  # dead letters == rejected
            assert all(
                str(d.headers[REJECTION_HEADER]).startswith("body is not JSON") for d in dead
            )
            c = sqlite3.connect(db)
            try:
                rejected = {r[0] for r in c.execute("SELECT message_id FROM rejected")}
            finally:
                c.close()
            assert rejected == set(bad)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(10)
            await vol.close()
            await proxy.close()

    started = time.monotonic()
    with private_node() as node:
        try:
            asyncio.run(asyncio.wait_for(scenario(node), 170))
        finally:
            print(f"chaos: {faults} in {time.monotonic() - started:.0f} s")
