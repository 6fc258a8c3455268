"""The core's one writer thread: every SQLite commit (and its fsync and checkpoint) runs here."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Writer:
    """A single worker thread that runs the engine's and the store's writes in submission order.

    The event loop (on the GUI thread in the window) only awaits them, so a slow disk, a WAL
    checkpoint or a batch of 500 commits never freezes the window. One thread, so writes keep
    their order and the engine's cache is only ever touched by one thread at a time.
    """

    def __init__(self, name: str = "core-writer") -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._thread_id: int | None = None
        self._lock = threading.Lock()
        self._pending = 0  # submitted and not finished
        self._idle: list[Callable[[], object]] = []
        self._idle_queued = False
        self._pool.submit(self._remember_thread).result()

    def _remember_thread(self) -> None:
        self._thread_id = threading.get_ident()

    def in_writer(self) -> bool:
        return threading.get_ident() == self._thread_id

    def when_idle(self, fn: Callable[[], object]) -> None:
        """Run fn on the writer thread whenever its queue has run empty (the store's WAL
        checkpoint: done between batches, not inside the commit that crossed a size).

        It runs as a task of its own after the last one finished, so that task's caller has
        its result already; if work came in meanwhile, that goes first and fn waits for the
        next empty queue."""
        self._idle.append(fn)

    def submit(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        with self._lock:
            self._pending += 1
        try:
            return self._pool.submit(self._task, fn, args)
        except BaseException:  # shut down: nothing was queued
            with self._lock:
                self._pending -= 1
            raise

    def _task(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            return fn(*args)
        finally:
            with self._lock:
                self._pending -= 1
                queue_idle = self._pending == 0 and bool(self._idle) and not self._idle_queued
                self._idle_queued |= queue_idle
            if queue_idle:
                try:
                    self._pool.submit(self._run_idle)
                except RuntimeError:  # shutting down: the store's close checkpoints anyway
                    self._idle_queued = False

    def _run_idle(self) -> None:
        with self._lock:
            self._idle_queued = False
            if self._pending:
                return  # work came in: it goes first, and its end queues this again
        for fn in self._idle:
            try:
                fn()
            except Exception:
                log.exception("the writer's idle work failed")

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(*args) on the writer thread and await its result (or its exception)."""
        if self.in_writer():  # already there (a listener calling back): run inline
            return fn(*args)
        return await asyncio.wrap_future(self.submit(fn, *args))

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(*args) on the writer thread and block for it: for shutdown and scripts."""
        if self.in_writer():
            return fn(*args)
        return self.submit(fn, *args).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
