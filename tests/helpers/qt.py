"""Running coroutines on the GUI tests' session-wide qasync loop."""

from __future__ import annotations

import asyncio


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
