"""GUI fixtures: one session-wide qasync loop on the pytest-qt QApplication, and a console core."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
import qasync

from core.engine import ApplicationForm, Delivery
from core.ids import wire_id
from core.messages import RESPONSE_EXCHANGE, response_key
from core.queries import Queries


@pytest.fixture(scope="package")
def qloop(qapp):
    """The only pattern that works (STACK-NOTES): one loop for all GUI tests, already running.

    Coroutines are started with asyncio.ensure_future and awaited with qtbot.waitUntil(task.done);
    the loop runs whenever qtbot spins Qt. A function-scoped loop would quit the QApplication.
    The loop claims to be running, so once the GUI tests are done it must stop claiming it, or
    every later test's asyncio.run() refuses to start. It is not stopped: stop() quits Qt.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


def run_coro(qtbot, coro, timeout: int = 20_000):
    """Run a coroutine on the session loop and return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


@pytest.fixture
def local_core(engine):
    """A console core without a broker: engine and queries only (the bridge needs no more)."""
    return SimpleNamespace(
        engine=engine,
        store=engine.store,
        queries=Queries(engine),
        transport=None,
        fund_id=engine.fund_id,
        data_dir=engine.store.path.parent,
    )


def a_form(clock, **over) -> ApplicationForm:
    values = dict(
        name="Park clean-up",
        day=clock.now().date() + timedelta(days=1),
        start=time(10, 0),
        end=time(13, 0),
        spots=3,
        policy="broadcast",
        offer_timeout_min=2,
    )
    values.update(over)
    return ApplicationForm(**values)


def response(fund_id: str, app_id: str, volunteer: str, status: str = "accepted") -> Delivery:
    """A volunteer_response as it arrives from the broker."""
    body = {
        "action": "volunteer_response",
        "data": {
            "volunteer_application_id": wire_id(app_id),
            "volunteer_id": wire_id(volunteer),
            "status": status,
        },
    }
    return Delivery(
        json.dumps(body).encode(),
        exchange=RESPONSE_EXCHANGE,
        routing_key=response_key(fund_id, app_id),
        message_id=str(uuid.uuid4()),
    )


def unique_fund() -> str:
    return f"t{uuid.uuid4().hex[:8]}"


__all__ = ["a_form", "date", "response", "run_coro", "unique_fund"]
