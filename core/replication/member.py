"""One console's part in its fund's decision log, wired into the running console.

Every console of a fund joins by itself: it reads the fund's log into its own SQLite (always)
and contends for the lease (always). The holder is the arbiter: it reads the log to its end,
starts the next epoch, and only then consumes responses, runs the deadline ticker and takes
coordinator actions. What it decides is captured by triggers in the same transaction
(capture.py) and appended to the log as `changes` records; an inbound message is acked, and
an outbound message relayed, only after the record holding it is confirmed in the log.
Every other console is a replica: it applies the arbiter's records in one transaction per
batch with its position, so it shows the same state.

A console that loses the lease stops deciding at once; its decisions that never reached the
log are undone (their captured before-images) the moment a record of another holder is
applied, before that record. One console alone is the arbiter of itself; offline, a console
that was the last holder (or never saw another) goes on deciding locally, and its changes go
to the log when it holds the lease again, or are undone if another console decided meanwhile.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import json
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import aiormq
from aio_pika.abc import AbstractConnection

from core.broker.urls import Brokers
from core.engine import ActionRefused, Engine
from core.redaction import redact
from core.replication import STATUS_FILE, actions
from core.replication.actions import CommandQueued, Outcome
from core.replication.capture import (
    CHANGE_TABLE,
    install_capture,
    set_capture,
    undo_pending,
)
from core.replication.changes import (
    CHANGES,
    FORMAT,
    RowBuffer,
    apply_snapshot,
    replicated_tables,
    runs_json,
    snapshot_payload,
)
from core.replication.commands import (
    BadCommand,
    Command,
    CommandSender,
    declare_commands,
    read_command,
)
from core.replication.lease import HEARTBEAT, RETRY_EVERY, Lease
from core.replication.log import LogReader, LogWriteFailed, LogWriter
from core.replication.records import COMMAND, EPOCH, SNAPSHOT, LogRecord
from core.replication.state import ReplicaState
from core.storage import Store, StoreUnavailable, recount_backlog
from core.tls import TlsFiles
from core.writer import Writer

log = logging.getLogger(__name__)

PUBLISH_ROWS = 5000  # captured rows per `changes` record at most
PIPELINE = 8  # `changes` records sent and not yet confirmed, at most
PUBLISH_POLL = 0.2  # s: commits of other processes (the command line) are looked for this often
FORGET_EVERY = 1.0  # s between deletes of captured rows the log confirmed (one commit each)
RECONNECT_FIRST = 0.5
RECONNECT_MAX = 10.0
SNAPSHOT_EVERY = 6 * 3600.0  # s: the stream keeps 7 days, so a snapshot is always in it
READER_WAIT = 10.0
STATUS_EVERY = 1.0  # s  # s a new lease holder waits for its log reader before giving the lease up

# Records that show another console decides: a console's own unlogged decisions are undone
# before one of them is applied.
_DECIDING_KINDS = frozenset({EPOCH, CHANGES, SNAPSHOT, COMMAND})


class FundReplication:
    """The log reader, the lease contender and, while the lease is held, the log publisher."""

    def __init__(
        self,
        url: str,
        fund_id: str,
        store: Store,
        writer: Writer,
        *,
        console_id: str,
        name: str,
        heartbeat: int = HEARTBEAT,
        retry_every: float = RETRY_EVERY,
        log_arguments: dict[str, Any] | None = None,
        read_prefetch: int = 2000,
        snapshot_every: float = SNAPSHOT_EVERY,
        tls: TlsFiles | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.tls = tls or TlsFiles()
        self.snapshot_every = snapshot_every
        self.engine = engine
        self.commands_decided = 0  # commands this console decided as the arbiter
        self._outcome_listeners: list[Callable[[Outcome], None]] = []
        self._send_wake = asyncio.Event()
        self.pending_commands = 0
        self.url = url
        self.fund_id = fund_id
        self.store = store
        self.writer = writer
        self.console_id = console_id
        self.name = name
        self.log_arguments = log_arguments
        self.read_prefetch = read_prefetch
        # The reader applies on the writer thread through a connection of its own, so the
        # engine's connection sees those commits as another's (data_version) and reloads.
        self._columns: dict[str, list[str]] = {}  # each replicated table's, as captured
        self.state: ReplicaState = writer.run(self._open_state)
        self.holder_id, self.holder_name = writer.run(self._recorded_holder)
        self._brokers = Brokers(url)
        self.lease = Lease(
            url, fund_id, console_id, heartbeat=heartbeat, retry_every=retry_every, tls=self.tls
        )
        self.reader: LogReader | None = None
        self.log_writer: LogWriter | None = None
        self.epoch: int | None = None
        self.deciding = False  # holds the lease, epoch started: consume, relay, tick
        self.published_upto = 0  # captured change id up to which the log has confirmed
        self.sent_upto = 0  # captured change id up to which records were sent
        # records sent and not confirmed yet, oldest first: (confirm or None when nothing
        # was sent, the captured change id and the outbox seq counted once it is confirmed)
        self._inflight: collections.deque[tuple[asyncio.Future[None] | None, int, int]] = (
            collections.deque()
        )
        self.outbox_limit = 0  # outbox seq up to which rows are in the log (sendable)
        self.undone = 0  # captured changes undone because another console decided
        self.last_record_at: float | None = None  # the arbiter's clock on the last record read
        self.last_applied_at: float | None = None  # this console's clock when it was applied
        self._reader_since = 0.0  # this console's clock when its log reader last connected
        # The reader started from nothing (a console new to the log): it waits for a snapshot
        # but may decide without one. Not so a reader that found records gone (a gap).
        self._reader_fresh = False
        self.held_back = 0  # lease attempts not made: records this console never read are gone
        self.lag_samples: list[float] = []  # s from the arbiter's append to this commit
        self.reader_connected = asyncio.Event()
        self._waiters: list[tuple[int, asyncio.Future[bool]]] = []
        self._wake = asyncio.Event()
        self._listeners: list[Callable[[], None]] = []
        self._role_listeners: list[Callable[[bool], None]] = []
        self._progress_listeners: list[Callable[[], None]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._reader_conn: AbstractConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._last_forget = 0.0
        self._unlogged = False  # this console has captured changes the log does not hold
        self._outbox_touched = False
        self._persisted: tuple[str, str] = ("", "")
        self._rows = RowBuffer()  # the rows of the batch being applied
        self._pending_conn: sqlite3.Connection | None = None  # the publisher's reads
        self._reading: asyncio.Future[tuple[list[tuple[Any, ...]], int]] | None = None
        self._forgetting: concurrent.futures.Future[None] | None = None

    # -- setup on the writer thread ------------------------------------------------------
    def _open_state(self) -> ReplicaState:
        with self.store.transaction() as conn:  # the capture is on from now on, for good
            install_capture(conn)
            # the schema changes only when a store opens: the columns hold while this runs
            self._columns = replicated_tables(conn)
        return ReplicaState(self.store.path, self.fund_id, check_same_thread=False)

    def _recorded_holder(self) -> tuple[str, str]:
        rows = dict(
            self.store.conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('log_holder', 'log_holder_name')"
            ).fetchall()
        )
        return str(rows.get("log_holder", "")), str(rows.get("log_holder_name", ""))

    # -- what the console asks ------------------------------------------------------------
    def decides(self) -> bool:
        """Whether this console may decide now: it holds the lease, or it is offline and was
        the last to hold it (or never saw another console of the fund)."""
        return self.deciding or self.holder_id in ("", self.console_id)

    @property
    def role(self) -> str:
        return "deciding" if self.decides() else "following"

    def subscribe(self, callback: Callable[[], None]) -> None:
        """callback() on the loop after the role, the holder or the position changed."""
        self._listeners.append(callback)

    def on_deciding(self, callback: Callable[[bool], None]) -> None:
        """callback(deciding) on the loop when the lease's arbiter starts or stops deciding."""
        self._role_listeners.append(callback)

    def on_outcome(self, callback: Callable[[Outcome], None]) -> None:
        """callback(outcome) on the loop when a command this console sent was decided."""
        self._outcome_listeners.append(callback)

    # -- commands: this console's side ------------------------------------------------------
    def forward(self, action: str, payload: dict[str, Any]) -> None:
        """Keep a coordinator action for the arbiter (on the caller's thread: the writer's,
        where the engine runs) and raise CommandQueued with its id."""
        now = self.engine.clock.now() if self.engine is not None else None
        assert now is not None
        with self.store.transaction() as conn:
            command_id = actions.queue_command(conn, action, payload, now)
        self.pending_commands += 1
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._send_wake.set)
        raise CommandQueued(command_id, action)

    def _unsent(self) -> list[tuple[str, str, str]]:
        return self.state.conn.execute(
            "SELECT command_id, action, payload FROM replication_outgoing"
            " WHERE sent_at IS NULL AND status = 'pending' ORDER BY created_at, rowid"
        ).fetchall()

    def _count_pending(self) -> int:
        row = self.state.conn.execute(
            "SELECT COUNT(*) FROM replication_outgoing WHERE status = 'pending'"
        ).fetchone()
        return int(row[0])

    def _mark_sent(self, command_id: str) -> None:
        self.state.conn.execute(
            "UPDATE replication_outgoing SET sent_at = strftime('%Y-%m-%dT%H:%M:%S', 'now')"
            " WHERE command_id = ?",
            (command_id,),
        )

    async def _send_commands(self, conn: AbstractConnection) -> None:
        """Send what waits in replication_outgoing, in order, while this connection lives."""
        sender = CommandSender(conn, self.fund_id, self.name)
        sender.sender = self.console_id
        await sender.start()
        self.pending_commands = await self.writer.call(self._count_pending)
        while not conn.is_closed:
            for command_id, action, payload in await self.writer.call(self._unsent):
                await sender.send(
                    action, {"args": json.loads(payload), "name": self.name}, command_id=command_id
                )
                await self.writer.call(self._mark_sent, command_id)
            self._send_wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._send_wake.wait(), 1.0)

    def _settle(self) -> list[Outcome]:
        with self.state.transaction() as conn:
            return actions.settle_outgoing(conn)

    async def _settle_outcomes(self) -> None:
        for outcome in await self.writer.call(self._settle):
            self.pending_commands = max(0, self.pending_commands - 1)
            for cb in self._outcome_listeners:
                try:
                    cb(outcome)
                except Exception:
                    log.exception("an outcome listener failed")
        self._changed()

    # -- commands: the arbiter's side ---------------------------------------------------------
    def _decide(self, command: Command) -> int:
        """Run one command's operation and record its outcome in one transaction (writer
        thread); the newest captured change id after it."""
        engine = self.engine
        assert engine is not None
        payload = command.payload
        name = str(payload.get("name") or command.sender)
        with self.store.transaction() as conn:
            if actions.outcome_of(conn, command.command_id) is not None:
                return self.mark()  # decided before: a redelivery changes nothing
            outcome = Outcome(command.command_id, command.action, "applied")
            fn = getattr(engine, command.action, None)
            if fn is None or not getattr(fn, "__wrapped__", None):
                outcome = Outcome(
                    command.command_id,
                    command.action,
                    "refused",
                    "",
                    {},
                    f"unknown action {command.action}",
                )
            else:
                before = engine.actor
                engine.actor = f"coordinator {name}"
                try:
                    value = fn(**actions.decode_call(dict(payload.get("args") or {})))
                    outcome = Outcome(command.command_id, command.action, "applied", value=value)
                except ActionRefused as exc:
                    outcome = Outcome(
                        command.command_id,
                        command.action,
                        "refused",
                        exc.refusal.kind,
                        dict(exc.refusal.params),
                        str(exc),
                    )
                except (TypeError, ValueError, KeyError) as exc:
                    outcome = Outcome(
                        command.command_id,
                        command.action,
                        "refused",
                        "",
                        {},
                        f"bad command: {exc}",
                    )
                finally:
                    engine.actor = before
            actions.record_outcome(conn, command.sender, name, outcome, engine.clock.now())
        self.commands_decided += 1
        return self.mark()

    def _refuse_bad(self, message_id: str, why: str) -> int:
        engine = self.engine
        assert engine is not None
        with self.store.transaction() as conn:
            if actions.outcome_of(conn, message_id) is None:
                bad = Outcome(message_id, "", "refused", "", {}, f"bad command: {why}")
                actions.record_outcome(conn, "", "", bad, engine.clock.now())
        return self.mark()

    async def _consume_commands(self, conn: AbstractConnection) -> None:
        channel = await conn.channel()
        await channel.set_qos(prefetch_count=1)
        _, queue = await declare_commands(conn, channel, self.fund_id)

        async def on_command(message: Any) -> None:
            if not self.deciding:
                return  # unacked: the next holder gets it
            try:
                try:
                    command = read_command(message)
                except BadCommand as exc:
                    mark = await self.writer.call(
                        self._refuse_bad, message.message_id or uuid.uuid4().hex, str(exc)
                    )
                else:
                    mark = await self.writer.call(self._decide, command)
                self.wake()
                if await self.logged(mark):
                    await message.ack()  # only once its outcome is in the log
            except Exception:
                log.exception("fund %s: a command failed; it stays queued", self.fund_id)

        await queue.consume(on_command)

    def on_progress(self, callback: Callable[[], None]) -> None:
        """callback() on the loop after records were confirmed in the log."""
        self._progress_listeners.append(callback)

    def status(self) -> dict[str, Any]:
        position = self.state.position()
        lag = 0.0
        if self.last_record_at is not None and self.last_applied_at is not None:
            # From the append, or from the reader's connect for a record appended before it:
            # a replica that joined after the log's last record is not behind by its age.
            appended = max(self.last_record_at, self._reader_since)
            lag = max(0.0, self.last_applied_at - appended)
        return {
            "role": self.role,
            "holder": self.holder_id,
            "holder_name": self.holder_name,
            "console": self.console_id,
            "name": self.name,
            "epoch": self.epoch if self.epoch is not None else position.epoch,
            "log_offset": position.next_offset,
            "log_connected": self.reader_connected.is_set(),
            # the cluster node the log reader is on (--broker may name several), no password
            "broker_node": redact(self._brokers.url),
            "lag_s": round(lag, 3),
            "behind": bool(self.reader is not None and self.reader.behind),
            "undone": self.undone,
            "pending_commands": self.pending_commands,
            "last_applied_at": self.last_applied_at,
        }

    # -- the transport's gate --------------------------------------------------------------
    def mark(self) -> int:
        """The newest captured change id (on the writer thread, after a commit)."""
        row = self.store.conn.execute(f"SELECT MAX(id) FROM {CHANGE_TABLE}").fetchone()
        return int(row[0] or 0)

    async def logged(self, mark: int) -> bool:
        """Wait until the log confirmed every change up to mark; False when the lease went."""
        if self.published_upto >= mark:
            return True
        if not self.deciding:
            return False
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((mark, waiter))
        self._wake.set()
        return await waiter

    def send_limit(self) -> int:
        """Outbox rows up to this seq are in the log and may go out (0: none, not deciding)."""
        return self.outbox_limit if self.deciding else 0

    def wake(self) -> None:
        """Something was committed: publish it (callable from any thread)."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake.set)

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._read_loop(), name="log-reader"),
            asyncio.create_task(self._contend(), name="lease"),
            asyncio.create_task(self._status_loop(), name="replication-status"),
        ]

    async def stop(self) -> None:
        self._stopping = True
        self._set_deciding(False)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._tasks = []
        await self.lease.release()
        with contextlib.suppress(Exception):
            self.write_status()
        if self.reader is not None:
            with contextlib.suppress(Exception):
                await self.reader.stop()
        if self._reader_conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader_conn.close(), 3.0)
        self.writer.run(self.state.close)
        if self._reading is not None:
            with contextlib.suppress(BaseException):  # a read still running: not under it
                await self._reading
        if self._pending_conn is not None:
            self._pending_conn.close()
            self._pending_conn = None

    # -- the status file: what `volunteer-console status` prints -----------------------------
    def write_status(self) -> None:
        """The status as JSON beside the database (atomically; readable only by this user)."""
        path = self.store.path.parent / STATUS_FILE
        status = self.status()
        status["as_of"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(status, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)

    async def _status_loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.write_status)
            except Exception as exc:
                log.debug("replication status not written: %s", exc)
            await asyncio.sleep(STATUS_EVERY)

    # -- reading -----------------------------------------------------------------------
    async def _read_loop(self) -> None:
        delay = RECONNECT_FIRST
        while not self._stopping:
            conn: AbstractConnection | None = None
            try:
                conn = await self._brokers.connect(
                    tls=self.tls,
                    timeout=5.0,
                    client_properties={
                        "connection_name": f"volunteer-console fund {self.fund_id} log reader"
                    },
                )
                self._reader_conn = conn
                lost = asyncio.Event()
                conn.close_callbacks.add(lambda *_, _lost=lost: _lost.set())
                channel = await conn.channel()
                reader = LogReader(
                    channel,
                    self.fund_id,
                    self.state,
                    self._apply,
                    prefetch=self.read_prefetch,
                    log_arguments=self.log_arguments,
                    commit=self.writer.call,
                    start_behind=True,
                )
                reader.subscribe(self._on_read)
                reader.batch_begin = self._batch_begin
                reader.batch_end = self._batch_end
                self._reader_since = time.time()
                reader.own = self.console_id
                reader.quiet_transaction = self._quiet_transaction
                self._reader_fresh = reader.position.epoch < 0  # nothing read before
                await reader.start()
                sending = asyncio.ensure_future(self._send_commands(conn))
                sending.add_done_callback(_log_failure)
                self.reader = reader
                self.reader_connected.set()
                self._changed()
                delay = RECONNECT_FIRST
                ends = [
                    asyncio.ensure_future(lost.wait()),
                    asyncio.ensure_future(reader.failed.wait()),
                ]
                try:
                    await asyncio.wait(ends, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for end in ends:
                        end.cancel()
                if lost.is_set() and not self._stopping:
                    self._brokers.lost()  # its node may be cut off: the next one first
                log.info("fund %s: the log reader starts again", self.fund_id)
            except asyncio.CancelledError:
                raise
            except (OSError, TimeoutError, aiormq.exceptions.AMQPError) as exc:
                log.debug("fund %s: log reader cannot connect: %s", self.fund_id, exc)
            except Exception:
                log.exception("fund %s: the log reader failed", self.fund_id)
            finally:
                self.reader_connected.clear()
                self.reader = None
                self._reader_conn = None
                if conn is not None and not conn.is_closed:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(conn.close(), 3.0)
            self._changed()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX)

    def _apply(self, conn: sqlite3.Connection, record: LogRecord) -> None:
        """One record, inside the reader's transaction on the writer thread."""
        payload = record.payload
        by = payload.get("holder") if record.kind == EPOCH else payload.get("by")
        if record.kind == EPOCH and isinstance(by, str):
            name = str(payload.get("name") or by)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("log_holder", by), ("log_holder_name", name)],
            )
            self.holder_id, self.holder_name = by, name
        at = payload.get("at")
        if isinstance(at, int | float):
            self.last_record_at = float(at)
        if by == self.console_id:
            # This console's own record: its rows are here already (they were committed
            # before they were appended); what the log confirmed need not be kept.
            if record.kind == CHANGES and isinstance(payload.get("upto"), int):
                conn.execute(f"DELETE FROM {CHANGE_TABLE} WHERE id <= ?", (payload["upto"],))
            return
        if record.kind in _DECIDING_KINDS and self._unlogged:
            self._rows.flush(conn)  # (none: rows of another console would have undone first)
            self._unlogged = False
            undone = undo_pending(conn)
            self.undone += undone
            log.warning(
                "fund %s: another console (%s) decides; %d changes of this console that never"
                " reached the log are undone",
                self.fund_id,
                self.holder_name or by,
                undone,
            )
        if record.kind == CHANGES:
            # written at the batch's end, or before anything that is not rows
            self._rows.add_payload(payload)
        elif record.kind == SNAPSHOT:
            self._rows.clear()  # it replaces every row
            apply_snapshot(conn, record)
            self._outbox_touched = True

    @contextlib.contextmanager
    def _quiet_transaction(self) -> Iterator[sqlite3.Connection]:
        """A reader's transaction of this console's own records only (writer thread): on the
        engine's connection, so the engine keeps its cache (the rows are its own), and
        without the sync of the WAL: lost to a power cut, the records are read again, and the
        WAL keeps commits in order, so the position never outlives its deletes."""
        conn = self.store.conn
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.execute("PRAGMA synchronous = FULL")

    def _batch_begin(self, conn: sqlite3.Connection) -> None:
        # Applying the log is not a decision of this console: no capture, once per batch.
        self._rows.clear()  # what a batch rolled back held
        set_capture(conn, False)
        self._unlogged = bool(
            conn.execute(f"SELECT EXISTS (SELECT 1 FROM {CHANGE_TABLE})").fetchone()[0]
        )

    def _batch_end(self, conn: sqlite3.Connection) -> None:
        self._rows.flush(conn)
        if self._rows.outbox:
            self._outbox_touched = True
            self._rows.outbox = False
        if self.holder_id not in ("", "?") and self._persisted != (
            self.holder_id,
            self.holder_name,
        ):
            # an epoch record read while waiting for a snapshot was not applied: who holds
            # the lease is written here, for the command line (it forwards what it is asked)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("log_holder", self.holder_id), ("log_holder_name", self.holder_name)],
            )
            self._persisted = (self.holder_id, self.holder_name)
        if self._outbox_touched:
            # INSERT OR REPLACE fires no delete trigger: the backlog counter is counted again
            recount_backlog(conn)
            self._outbox_touched = False
        set_capture(conn, True)

    def _on_read(self, record: LogRecord, what: str) -> None:
        if what == "apply" and record.kind == SNAPSHOT:
            self._reader_fresh = False
        if what == "apply" and record.kind in (CHANGES, SNAPSHOT):
            now = time.time()
            self.last_applied_at = now
            at = record.payload.get("at")
            if isinstance(at, int | float) and record.payload.get("by") != self.console_id:
                self.lag_samples.append(now - float(at))
                if len(self.lag_samples) > 100_000:
                    del self.lag_samples[:50_000]
        if record.kind == EPOCH and what in ("apply", "behind"):
            holder = record.payload.get("holder")
            if isinstance(holder, str):
                self.holder_id = holder
                self.holder_name = str(record.payload.get("name") or holder)
        if what == "apply" and record.kind in (CHANGES, SNAPSHOT) and self.pending_commands:
            task = asyncio.ensure_future(self._settle_outcomes())
            task.add_done_callback(_log_failure)
        if record.kind == EPOCH or what in ("apply", "behind"):
            self._changed()

    # -- the lease -------------------------------------------------------------------------
    async def _contend(self) -> None:
        while not self._stopping:
            await self._acquire()
            try:
                await self._hold()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("fund %s: this console gives up the lease: %s", self.fund_id, exc)
            finally:
                self._set_deciding(False)
                self.log_writer = None
                self.epoch = None
            await self.lease.release()
            await asyncio.sleep(self.lease.retry_every)

    async def _acquire(self) -> None:
        refused = self.lease.refusals
        while True:
            if self._stopping:
                # a cancelled connect can come back as a connection error: end here
                raise asyncio.CancelledError
            if self._lost_records():
                # Deciding now would decide on a picture older than decisions the log no
                # longer holds (lost, or made twice): a snapshot brings them, or the console
                # that holds them takes the lease. Not trying also appends no marker each time.
                self.held_back += 1
                await asyncio.sleep(self.lease.retry_every)
                continue
            try:
                if await self.lease.try_acquire():
                    return
            except (TimeoutError, OSError, aiormq.exceptions.AMQPError) as exc:
                log.debug("fund %s: lease attempt failed: %s", self.fund_id, exc)
                with contextlib.suppress(Exception):
                    await self.lease.release()
            if self.lease.refusals > refused and self.holder_id in ("", self.console_id):
                # Another console holds it; which one, its epoch record will say.
                self.holder_id, self.holder_name = "?", self.holder_name or "?"
                self._changed()
            refused = self.lease.refusals
            await asyncio.sleep(self.lease.retry_every)

    def _lost_records(self) -> bool:
        """The log reader found records gone before the next one it needs and waits for a
        snapshot (not a console new to the log: that one may start from its own state)."""
        reader = self.reader
        return reader is not None and reader.behind and not self._reader_fresh

    async def _hold(self) -> None:
        assert self.lease.connection is not None
        try:
            await asyncio.wait_for(self.reader_connected.wait(), READER_WAIT)
        except TimeoutError as exc:
            raise RuntimeError("the log reader is not connected") from exc
        reader = self.reader
        assert reader is not None
        channel = await self.lease.connection.channel(publisher_confirms=True)
        position = await reader.read_to_end(channel)
        if self._lost_records():
            log.warning(
                "fund %s: records this console never read are gone from the log (its"
                " retention) and no snapshot has come since: it does not decide until one does",
                self.fund_id,
            )
            raise RuntimeError("behind the log, waiting for a snapshot")
        first = position.epoch < 0
        if first and reader.highest_epoch >= 0:
            log.warning(
                "fund %s: the log has no snapshot this console could start from; it decides"
                " from its own state",
                self.fund_id,
            )
        epoch = max(position.epoch, reader.highest_epoch) + 1
        writer = LogWriter(channel, self.fund_id, epoch=epoch)
        await writer.append(
            EPOCH,
            {
                "holder": self.console_id,
                "name": self.name,
                "after": [position.epoch, position.seq],
                "at": time.time(),
            },
        )
        self.log_writer, self.epoch = writer, epoch
        self.holder_id, self.holder_name = self.console_id, self.name
        await self.writer.call(self._note_holder)
        # What this console decided before (offline, or in a previous epoch not yet in the
        # log) is newer than anything in the log: it goes first.
        self.published_upto = self.sent_upto = 0
        self._inflight.clear()
        await self._publish_pending(writer, drain=True)
        if first:
            # A console new to the log brings state the log does not hold (or a fresh one):
            # a snapshot lets every replica start from it.
            await self._publish_snapshot(writer)
        last_snapshot = time.monotonic()
        self._set_deciding(True)
        if self.engine is not None:
            await self._consume_commands(self.lease.connection)
        log.info("fund %s: this console decides under epoch %d", self.fund_id, epoch)
        lost = asyncio.ensure_future(self.lease.lost.wait())
        try:
            while not self.lease.lost.is_set():
                woken = asyncio.ensure_future(self._wake.wait())
                ends: set[asyncio.Future[Any]] = {lost, woken}
                oldest = self._inflight[0][0] if self._inflight else None
                if oldest is not None:
                    ends.add(oldest)  # its confirm lets acks and notifications go
                await asyncio.wait(ends, timeout=PUBLISH_POLL, return_when="FIRST_COMPLETED")
                woken.cancel()
                self._wake.clear()
                if self.lease.lost.is_set():
                    break
                await self._publish_pending(writer)
                if time.monotonic() - last_snapshot >= self.snapshot_every:
                    # so a replica away for longer than the stream keeps finds a start
                    await self._publish_snapshot(writer)
                    last_snapshot = time.monotonic()
        finally:
            lost.cancel()
            self._drop_inflight()
        raise RuntimeError("the lease's connection ended")

    async def _publish_snapshot(self, writer: LogWriter) -> None:
        # every record before it confirmed: no snapshot follows a hole (records.py)
        await self._publish_pending(writer, drain=True)
        payload = await self.writer.call(snapshot_payload, self.state.conn)
        by = {"by": self.console_id, "at": time.time()}
        payload.update(by)
        await writer.append(SNAPSHOT, payload, by)

    def _note_holder(self) -> None:
        with self.store.transaction() as c:
            c.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("log_holder", self.console_id), ("log_holder_name", self.name)],
            )

    def _read_pending(self, after: int) -> tuple[list[tuple[Any, ...]], int]:
        """Captured rows after `after` (at most PUBLISH_ROWS) and the outbox seq sendable once
        they are in the log, read in one read transaction of its own connection, on a thread
        of asyncio's (through the writer thread, the read waited behind the engine's next
        batch and its sync: half the replicas' lag at 200 responses/s; on the loop, it would
        hold the window's thread); a read sees committed rows only. One read at a time."""
        c = self._pending_conn
        if c is None:
            c = sqlite3.connect(
                self.store.path, isolation_level=None, timeout=10, check_same_thread=False
            )
            self._pending_conn = c
        c.execute("BEGIN")
        try:
            rows = c.execute(
                f"SELECT id, tbl, op, row_id, row FROM {CHANGE_TABLE} WHERE id > ?"
                " ORDER BY id LIMIT ?",
                (after, PUBLISH_ROWS),
            ).fetchall()
            last = rows[-1][0] if rows else after
            # The first outbox row still waiting for the log (a row inserted after `last`)
            nxt = c.execute(
                f"SELECT MIN(row_id) FROM {CHANGE_TABLE} WHERE id > ? AND tbl = 'outbox'"
                " AND op = 'put' AND old IS NULL",
                (last,),
            ).fetchone()[0]
            if nxt is not None:
                limit = int(nxt) - 1
            else:
                limit = int(c.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0])
        finally:
            c.execute("COMMIT")
        return rows, limit

    def _forget(self, upto: int) -> None:
        try:
            with self.store.transaction() as c:
                c.execute(f"DELETE FROM {CHANGE_TABLE} WHERE id <= ?", (upto,))
        except StoreUnavailable as exc:  # a full disk: they are forgotten later
            log.debug("captured changes not forgotten yet: %s", exc)

    async def _publish_pending(self, writer: LogWriter, *, drain: bool = False) -> None:
        """Send what was captured since the last record sent, PUBLISH_ROWS rows a record at
        most, without waiting for the confirms of the records before (PIPELINE of them in
        flight at most: under load a confirm took as long as the rest of a decision's way to
        the replicas, and every decision behind it waited for it); with drain, until the log
        confirmed them all. What the log confirmed counts only over the contiguous prefix
        (_settle_confirms)."""
        loop = asyncio.get_running_loop()
        while True:
            self._settle_confirms()
            while len(self._inflight) >= PIPELINE:
                await self._confirm_oldest()
            reading = loop.run_in_executor(None, self._read_pending, self.sent_upto)
            self._reading = reading
            rows, limit = await asyncio.shield(reading)
            confirm: asyncio.Future[None] | None = None
            if rows:
                upto = int(rows[-1][0])
                by = {"upto": upto, "by": self.console_id, "at": time.time()}
                runs = runs_json(rows, self._columns)
                payload = f'{json.dumps(by)[:-1]},"format":{FORMAT},"runs":{runs}}}'
                try:
                    confirm = writer.send_json(CHANGES, payload, by)
                except LogWriteFailed:
                    await self.lease.release()  # its place in the log is unknown: step down
                    raise
                self.sent_upto = upto
            # its limit holds once this record and every one before it are confirmed
            self._inflight.append((confirm, self.sent_upto, limit))
            if len(rows) < PUBLISH_ROWS:
                break
        self._settle_confirms()
        if drain:
            while self._inflight:
                await self._confirm_oldest()

    async def _confirm_oldest(self) -> None:
        confirm = self._inflight[0][0]
        if confirm is not None:
            with contextlib.suppress(Exception):  # _settle_confirms says what it was
                await asyncio.shield(confirm)
        self._settle_confirms()

    def _settle_confirms(self) -> None:
        """Count the records confirmed in order from the oldest in flight: published_upto
        (the inbound messages acked) and outbox_limit (the notifications sent) never pass a
        record the log has not confirmed, whatever was confirmed after it. A failed record
        ends this writer: the lease is given up, and what was sent after it is void."""
        progressed = False
        while self._inflight:
            confirm, upto, limit = self._inflight[0]
            if confirm is not None and not confirm.done():
                break
            if confirm is not None and (confirm.cancelled() or confirm.exception() is not None):
                failed = LogWriteFailed("a record was not confirmed")
                if not confirm.cancelled():
                    exc = confirm.exception()
                    failed = exc if isinstance(exc, LogWriteFailed) else failed
                self._drop_inflight()
                raise failed  # _contend gives the lease up: its place in the log is unknown
            self._inflight.popleft()
            self.published_upto = max(self.published_upto, upto)
            self.outbox_limit = max(self.outbox_limit, limit)
            progressed = True
        if progressed:
            self._release_waiters()
            for progress in self._progress_listeners:
                progress()  # the relay looks again: rows became sendable
            self._forget_confirmed()

    def _drop_inflight(self) -> None:
        """Forget the records in flight (their confirms are not waited for any more)."""
        for confirm, _upto, _limit in self._inflight:
            if confirm is not None:
                confirm.add_done_callback(_retrieve)
        self._inflight.clear()

    def _forget_confirmed(self) -> None:
        now = time.monotonic()
        if self.published_upto and now - self._last_forget >= FORGET_EVERY:
            self._last_forget = now
            # not waited for: behind the engine's next batch it held the next append back
            if self._forgetting is None or self._forgetting.done():
                with contextlib.suppress(RuntimeError):  # the writer is shut down
                    self._forgetting = self.writer.submit(self._forget, self.published_upto)

    def _release_waiters(self) -> None:
        keep = []
        for mark, waiter in self._waiters:
            if waiter.done():
                continue
            if mark <= self.published_upto:
                waiter.set_result(True)
            elif not self.deciding:
                waiter.set_result(False)
            else:
                keep.append((mark, waiter))
        self._waiters = keep

    def _set_deciding(self, on: bool) -> None:
        if self.deciding == on:
            return
        self.deciding = on
        if not on:
            self.outbox_limit = 0
            self._release_waiters()
        for cb in self._role_listeners:
            try:
                cb(on)
            except Exception:
                log.exception("a role listener failed")
        self._changed()

    def _changed(self) -> None:
        for cb in self._listeners:
            try:
                cb()
            except Exception:
                log.exception("a replication listener failed")


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: a confirm nobody waits for any more


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        log.debug("replication task ended: %r", exc)
