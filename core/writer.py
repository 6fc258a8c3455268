"""The core's one writer thread: every SQLite commit (and its fsync and checkpoint) runs here."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Writer:
    """A single worker thread that runs the engine's and the store's writes in submission order.

    The event loop (on the GUI thread in the window) only awaits them, so a slow disk, a WAL
    checkpoint or a batch of 500 commits never freezes the window. One thread, so writes keep
    their order and the engine's cache is only ever touched by one thread at a time.
    """

    def __init__(self, name: str = "core-writer") -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._thread_id: int | None = None
        self._pool.submit(self._remember_thread).result()

    def _remember_thread(self) -> None:
        self._thread_id = threading.get_ident()

    def in_writer(self) -> bool:
        return threading.get_ident() == self._thread_id

    def submit(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        return self._pool.submit(fn, *args)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(*args) on the writer thread and await its result (or its exception)."""
        if self.in_writer():  # already there (a listener calling back): run inline
            return fn(*args)
        return await asyncio.wrap_future(self._pool.submit(fn, *args))

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(*args) on the writer thread and block for it: for shutdown and scripts."""
        if self.in_writer():
            return fn(*args)
        return self._pool.submit(fn, *args).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
