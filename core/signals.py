"""SIGINT and SIGTERM stop a headless console cleanly from the first instant of its start."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Catches a stop signal before the event loop runs, then hands it to the loop.

    Without it a SIGTERM during the first second (imports, opening the store, a systemd stop
    of a service that just started) takes Python's default action and the process dies with
    -15 instead of stopping cleanly.
    """

    def __init__(self) -> None:
        self.requested = False

    def install(self) -> None:
        """Before any slow import: from now on a stop signal is only remembered."""
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True

    def attach(self, stop: asyncio.Event) -> None:
        """In the running loop: signals set stop, and one that came before sets it now."""
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stop.set)
        if self.requested:
            stop.set()
