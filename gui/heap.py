"""Garbage collection kept out of bursts: startup objects frozen, full collections while idle."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot

log = logging.getLogger(__name__)

# Measured (tests/bench/gui_latency.py): one automatic full collection during a burst froze
# the window for 30-50 ms, the largest gap of all, because it walks every object (62k after
# startup alone). Young collections stay automatic (under 3 ms); full ones wait for a pause.
IDLE_S = 2.0  # nothing flushed for this long: no burst is on screen
CHECK_MS = 5_000
MIN_SPACING_S = 30.0  # at most one idle full collection per this long
MAX_DEFER_S = 300.0  # a load that never pauses still gets a full collection this often
NEVER = 1_000_000_000  # a third threshold no count reaches: no automatic full collection
# Python 3.14's collector is incremental: it has no generation 1, ignores the third threshold
# and already spreads the old generation over small increments, so there is no long full
# collection to move. The keeper sees that the threshold did not take and only freezes.


class HeapKeeper(QObject):
    """Freezes what startup built, and runs full collections when the window is idle.

    busy_at returns the monotonic time of the last burst activity (Bridge.last_flush_at).
    """

    def __init__(
        self,
        busy_at: Callable[[], float],
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._busy_at = busy_at
        self._clock = clock
        self._previous: tuple[int, int, int] | None = None
        self._last_full = clock()
        self.full_collections = 0
        self.holds_full_collections = False  # known after start()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Once the window is built: freeze the startup heap and take over full collections."""
        gc.collect()
        # Modules, classes and widgets live as long as the process: never scan them again.
        gc.freeze()
        if self._previous is None:
            self._previous = gc.get_threshold()
            young, middle, _ = self._previous
            gc.set_threshold(young, middle, NEVER)
            self.holds_full_collections = gc.get_threshold()[2] == NEVER
        if not self.holds_full_collections:
            log.debug("incremental collector: only the startup heap is frozen")
            return
        self._last_full = self._clock()
        self._timer.start()

    def stop(self) -> None:
        """Give collection back to Python's defaults (tests; the process is ending anyway)."""
        self._timer.stop()
        if self._previous is not None:
            gc.set_threshold(*self._previous)
            self._previous = None
        self.holds_full_collections = False
        gc.unfreeze()

    @Slot()
    def check(self) -> bool:
        """Run a full collection if the window is idle (or it has waited too long)."""
        if not self.holds_full_collections:
            return False
        now = self._clock()
        since = now - self._last_full
        idle = now - self._busy_at() >= IDLE_S
        # the gen-1 count says whether anything survived into the old generation since
        if gc.get_count()[2] == 0 or since < MIN_SPACING_S:
            return False
        if not idle and since < MAX_DEFER_S:
            return False
        t0 = time.perf_counter()
        found = gc.collect()
        self._last_full = self._clock()
        self.full_collections += 1
        log.debug(
            "full collection (%s): %d unreachable, %.1f ms",
            "idle" if idle else "overdue",
            found,
            (time.perf_counter() - t0) * 1000,
        )
        return True
