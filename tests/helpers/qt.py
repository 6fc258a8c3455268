"""Running coroutines on the GUI tests' session-wide qasync loop; a window's shown application."""

from __future__ import annotations

import asyncio

from tests.helpers.factories import a_form, response


def run_coro(qtbot, coro, timeout: int = 20_000):
    """Run a coroutine on the session loop and return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def settled(qtbot, op, timeout: int = 20_000):
    """Wait until a bridge Op has committed and its GUI-thread callbacks ran; its OpResult."""
    qtbot.waitUntil(op.done, timeout=timeout)
    return op.result()


def created(qtbot, op, timeout: int = 20_000) -> str:
    """The id of an application created through the bridge (asserting it was not refused)."""
    result = settled(qtbot, op, timeout)
    assert result.ok, result.refusal
    return result.value


def show_an_open_round(qtbot, window, engine, clock) -> str:
    """Create and show an application of 2 spots: a, b, c, d answered and a withdrew, so b is
    signed up and c and d are both offered the freed spot; its id."""
    bridge = window.bridge
    app_id = created(qtbot, bridge.create_application(a_form(clock, spots=2)))
    for v in "abcd":
        engine.handle([response("123", app_id, v)])
    engine.handle([response("123", app_id, "a", "declined")])
    bridge.flush()
    window.select_application(app_id)
    return app_id
