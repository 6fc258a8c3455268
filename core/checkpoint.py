"""The WAL checkpoint on a connection and a thread of its own, off the writer's path."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)


class Checkpointer:
    """Copies the committed WAL into the database file when asked (request), on its own
    thread and connection, so the writer goes on with the next batch meanwhile.

    PASSIVE, as the writer's own was: it never waits for a reader or the writer, and what it
    cannot copy yet is copied next time. SQLite orders it against the writer's commits (the
    WAL's checkpoint lock); the WAL is restarted by the writer's next transaction once a
    checkpoint has copied all of it. A failure (a full disk, an I/O error) only waits for the
    next request: the writer's own commit is what reports the disk, and SQLite's
    autocheckpoint on the writer's connection stays as the backstop. Stopped (and its
    connection closed) before the store closes its own, so the last connection to close is
    the writer's, which checkpoints what is left and removes the WAL.
    """

    def __init__(self, path: Path, busy_timeout_ms: int) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._wanted = threading.Event()
        self._done = threading.Condition()
        self._stopping = False
        self.runs = 0  # checkpoints finished (or failed)
        self.last: tuple[int, int] | None = None  # the WAL's frames, and those now in the file
        self.cpu_s = 0.0  # this thread's CPU: where the writer's checkpoint time went
        self._thread = threading.Thread(target=self._loop, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def wait(self, runs: int, timeout: float = 30.0) -> bool:
        """Until `runs` checkpoints have finished: for tests and benches."""
        with self._done:
            return self._done.wait_for(lambda: self.runs >= runs, timeout)

    def stop(self) -> None:
        """Let a checkpoint in progress finish, then close the connection and end the thread."""
        self._stopping = True
        self._wanted.set()
        self._thread.join()

    def _loop(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stopping:
                    return
                conn = self._checkpoint(conn)
        finally:
            if conn is not None:
                conn.close()

    def _checkpoint(self, conn: sqlite3.Connection | None) -> sqlite3.Connection | None:
        """One checkpoint; the connection to use next time (opened here the first time)."""
        c0 = time.thread_time()
        result: tuple[int, int] | None = None
        try:
            if conn is None:
                # mode=rw: a file gone from under it is an error, never a new empty database
                uri = f"file:{quote(str(self._path))}?mode=rw"
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
                conn.execute("PRAGMA synchronous = FULL")  # fsync the file it copies to
            _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            result = (int(frames), int(copied))
        except sqlite3.Error as exc:  # a full or failing disk: the writer's next commit says so
            log.warning("the WAL checkpoint waits: %s", exc)
        self.cpu_s += time.thread_time() - c0
        with self._done:
            self.last = result
            self.runs += 1
            self._done.notify_all()
        return conn
