"""Running coroutines on the GUI tests' session-wide qasync loop."""

from __future__ import annotations

import asyncio


def run_coro(qtbot, coro, timeout: int = 20_000):
    """Run a coroutine on the session loop and return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()
