"""The writer thread: work in order, idle work after the queue runs empty, the WAL checkpoints."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from core.checkpoint import Checkpointer
from core.service import ConsoleCore
from core.storage import BUSY_TIMEOUT_MS, WRITER_AUTOCHECKPOINT_PAGES, Store
from core.writer import Writer

UNREACHABLE = "amqp://guest:guest@127.0.0.1:1/"


def test_idle_work_runs_once_the_queue_is_empty_and_not_between_queued_tasks() -> None:
    writer = Writer()
    done: list[str] = []
    idle = threading.Event()
    writer.when_idle(lambda: (done.append("idle"), idle.set()))
    gate = threading.Event()
    first = writer.submit(gate.wait)
    rest = [writer.submit(done.append, f"task {i}") for i in range(3)]
    gate.set()
    for f in (first, *rest):
        f.result(10)
    assert idle.wait(10)
    writer.shutdown()
    assert done == ["task 0", "task 1", "task 2", "idle"]


def test_a_task_has_its_result_before_the_idle_work_runs() -> None:
    writer = Writer()
    idle_may_end = threading.Event()
    writer.when_idle(lambda: idle_may_end.wait(30))
    # Were the idle work part of the task, this would wait for the event set only after it.
    assert writer.submit(lambda: 42).result(10) == 42
    idle_may_end.set()
    writer.shutdown()


def test_the_idle_checkpoint_copies_what_was_committed_at_most_once_a_second(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "console.db")
    store.checkpoint_between_batches()
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == (
        WRITER_AUTOCHECKPOINT_PAGES
    )
    with store.transaction() as c:
        c.execute("INSERT INTO meta VALUES ('k', 'v')")
    frames, copied = store.checkpoint_idle() or (0, -1)
    assert frames > 0 and copied == frames
    with store.transaction() as c:
        c.execute("UPDATE meta SET value = 'w' WHERE key = 'k'")
    assert store.checkpoint_idle() is None  # within the second: the next idle moment does it
    store._checkpointed_at = (store._checkpointed_at[0], 0.0)  # as if a second had passed
    assert store.checkpoint_idle() is not None
    assert store.checkpoint_idle() is None  # nothing committed since
    store.close()


def test_the_console_writer_checkpoints_between_batches(tmp_path: Path) -> None:
    core = ConsoleCore(tmp_path, "5", UNREACHABLE)
    try:
        pages = core.writer.run(
            lambda: core.store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        )
        assert pages == WRITER_AUTOCHECKPOINT_PAGES
        checkpointer = core.store.checkpointer
        assert checkpointer is not None  # its checkpoints run on their own thread
    finally:
        asyncio.run(core.stop())
    assert core.store.checkpointer is None
    assert not checkpointer._thread.is_alive()  # stopped with the store


def test_checkpoints_aside_copy_what_was_committed_and_the_close_removes_the_wal(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "console.db")
    store.checkpoint_between_batches(aside=True)
    checkpointer = store.checkpointer
    assert checkpointer is not None
    with store.transaction() as c:
        c.execute("INSERT INTO meta VALUES ('k', 'v')")
    assert store.checkpoint_idle() is None  # asked for; none had finished before
    assert checkpointer.wait(1)
    frames, copied = checkpointer.last or (0, -1)
    assert frames > 0 and copied == frames
    with store.transaction() as c:
        c.execute("UPDATE meta SET value = 'w' WHERE key = 'k'")
    store._checkpointed_at = (store._checkpointed_at[0], 0.0)  # as if a second had passed
    assert store.checkpoint_idle() == (frames, copied)  # the last one's figures
    assert checkpointer.wait(2)
    store.close()
    assert store.checkpointer is None
    assert not checkpointer._thread.is_alive()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["console.db"]  # WAL checkpointed away
    assert store.checkpoint_idle() is None  # closed: nothing opened again


def test_a_checkpoint_aside_that_fails_is_logged_and_the_next_request_runs(tmp_path: Path) -> None:
    broken = tmp_path / "console.db"
    broken.write_bytes(b"not a database, as a damaged or vanished file would say" * 100)
    checkpointer = Checkpointer(broken, BUSY_TIMEOUT_MS)
    checkpointer.request()
    assert checkpointer.wait(1)
    assert checkpointer.last is None  # failed: no figures, and the thread goes on
    checkpointer.request()
    assert checkpointer.wait(2)
    assert checkpointer.last is None
    checkpointer.stop()
    assert not checkpointer._thread.is_alive()


def test_the_idle_checkpoint_after_the_writer_closed_the_store_leaves_it_closed(
    tmp_path: Path,
) -> None:
    writer = Writer()
    store = writer.run(Store, tmp_path / "console.db")
    writer.run(store.checkpoint_between_batches)
    writer.when_idle(store.checkpoint_idle)
    ran = threading.Event()
    writer.when_idle(ran.set)

    def commit() -> None:
        with store.transaction() as c:
            c.execute("INSERT INTO meta VALUES ('k', 'v')")

    writer.run(commit)
    assert ran.wait(10)
    ran.clear()
    # a commit the last checkpoint has not seen, and its second passed: the next idle one runs
    store._checkpointed_at = (store._checkpointed_at[0] - 1, 0.0)
    writer.run(store.close)
    assert ran.wait(10)  # the idle work after the close has run
    assert writer.run(store.db.is_closed)
    writer.shutdown()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["console.db"]  # WAL checkpointed away
