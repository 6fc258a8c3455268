"""The Transport facade: one fund's console kept connected, composed of the broker parts."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from aio_pika.abc import AbstractConnection

from core.broker import dead_letters, topology
from core.broker.connection import Session, Supervisor
from core.broker.consumer import Consumer
from core.broker.relay import Relay
from core.broker.stats import QueueStats, QueueStatsReader
from core.broker.status import BrokerStatus, StatusBoard
from core.broker.topology import Role
from core.engine import Committed, Engine
from core.tls import TlsFiles
from core.writer import Writer

_T = TypeVar("_T")


class Gate(Protocol):
    """What a fund's decision log asks of the transport (core.replication.member)."""

    deciding: bool

    def mark(self) -> int: ...

    async def logged(self, mark: int) -> bool: ...

    def send_limit(self) -> int: ...

    def on_deciding(self, callback: Callable[[bool], None]) -> None: ...

    def on_progress(self, callback: Callable[[], None]) -> None: ...


log = logging.getLogger(__name__)

STOP_FLUSH = 2.0
# Deliveries a console with a decision log holds unacknowledged, in prefetch windows: a batch
# is acked only once the log confirmed it, and the next ones are decided meanwhile (pipelined);
# with one window, the batches waiting for the log shrank the one being decided (5,000
# responses: a quarter more CPU than in batches of the full window, tests.bench.several_consoles)
LOGGED_WINDOWS = 3


class Transport:
    """Keeps one fund's console connected: consumes responses, relays the outbox."""

    def __init__(
        self,
        engine: Engine,
        url: str,
        *,
        prefetch: int = 500,
        flush_interval: float = 0.005,
        writer: Writer | None = None,
        tls: TlsFiles | None = None,
    ) -> None:
        self.engine = engine
        self.tls = tls or TlsFiles()
        # Commits (batches, sent marks) run on the writer thread when there is one, so the
        # loop only awaits them; without one (a bare transport in tests) they run inline.
        self.writer = writer
        self.url = url
        self.queues = topology.queue_names(engine.fund_id)
        self._board = StatusBoard(url, engine.store.backlog)
        self._supervisor = Supervisor(
            url, f"volunteer-console fund {engine.fund_id}", self._board, self._serve, self.tls
        )
        self._consumer = Consumer(
            engine,
            prefetch=prefetch,
            flush_interval=flush_interval,
            stopping=lambda: self._supervisor.stopping,
            commit=self._commit,
            status=self._board,
        )
        self._relay = Relay(engine, self._board, self._supervisor, self._commit)
        self._stats = QueueStatsReader(self.queues, self._consumer.consumed, self._board)
        self._session: Session | None = None
        self._task: asyncio.Task[None] | None = None
        self.gate: Gate | None = None
        self._attached: int | None = None  # the generation whose queues are consumed
        self._attaching: set[asyncio.Future[None]] = set()
        engine.dead_letter = functools.partial(dead_letters.copy_row, engine.fund_id)
        engine.subscribe(self._on_committed)

    # -- public API ---------------------------------------------------------------------
    def set_gate(self, gate: Gate) -> None:
        """Consume and relay only while gate.deciding; ack and relay what the log confirmed."""
        self.gate = gate
        self._consumer.gate = gate
        self._relay.gate = gate
        gate.on_deciding(self._on_deciding)
        gate.on_progress(self.wake)

    def _on_deciding(self, deciding: bool) -> None:
        s = self._session
        if s is None:
            return
        if deciding:
            if self._attached != s.generation:
                task = asyncio.ensure_future(self._attach(s))
                self._attaching.add(task)
                task.add_done_callback(self._attaching.discard)
            self.wake()
        elif not s.lost.is_set():
            # Unacknowledged deliveries go back to the queues for the next arbiter.
            s.lose("this console no longer holds the fund's lease")

    async def _attach(self, s: Session) -> None:
        if self._attached == s.generation or s.lost.is_set():
            return
        self._attached = s.generation
        try:
            await self._consumer.attach(s)
        except Exception as exc:
            s.lose(f"could not consume ({self._board.describe(exc)})")

    @property
    def status(self) -> BrokerStatus:
        return self._board.status

    @property
    def consumed(self) -> dict[Role, int]:
        return self._consumer.consumed

    @property
    def published(self) -> int:
        return self._relay.published

    @property
    def dead_lettered(self) -> int:
        return self._relay.dead_lettered

    def subscribe_status(self, callback: Callable[[BrokerStatus], None]) -> None:
        self._board.subscribe(callback)

    async def start(self) -> None:
        """Return at once; connect (and keep reconnecting) in the background."""
        if self._task is not None:
            return
        self._board.loop = asyncio.get_running_loop()
        self._supervisor.reset()
        self._board.set_state("connecting", f"connecting to {self._board.shown_url()}")
        self._consumer.start()
        self._task = asyncio.create_task(self._supervisor.run(), name="transport-supervisor")

    async def stop(self) -> None:
        """Stop consuming, finish the batch in flight, flush the outbox briefly, close."""
        if self._task is None:
            return
        self._supervisor.stop()
        self._relay.wake_event.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_FLUSH + 8.0)
        except (TimeoutError, Exception):
            log.warning("transport did not stop in time; closing it hard")
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        await self._consumer.finish(5.0)
        self._board.close()
        self._task = None
        self._board.set_state("offline", "stopped")

    def wake(self) -> None:
        """New outbox rows exist: the relay should run now (callable from any thread)."""
        loop = self._board.loop
        event = self._relay.wake_event
        if loop is None:
            event.set()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        else:
            loop.call_soon_threadsafe(event.set)

    async def queue_stats(self) -> list[QueueStats]:
        """Message and consumer counts by passive declares; rates from deltas between calls."""
        return await self._stats.read(self._session)

    def _on_committed(self, change: Committed) -> None:
        if change.outbound <= 0:
            return
        loop = self._board.loop
        if loop is not None and self.writer is not None and self.writer.in_writer():
            # committed on the writer thread: asyncio objects are touched from the loop only
            with contextlib.suppress(RuntimeError):  # the loop closed under a late commit
                loop.call_soon_threadsafe(self._outbox_grew)
            return
        self._outbox_grew()

    def _outbox_grew(self) -> None:
        self.wake()
        self._board.backlog_changed()

    async def _commit(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self.writer is None:
            return fn(*args)
        return await self.writer.call(fn, *args)

    # -- one session ----------------------------------------------------------------------
    async def _serve(self, conn: AbstractConnection) -> str:
        """Set up one connection and serve it until it is lost or the transport stops."""
        lost = asyncio.Event()
        reasons: list[str] = []
        board = self._board

        def on_close(_sender: object, exc: BaseException | None = None) -> None:
            if exc is not None and not isinstance(exc, asyncio.CancelledError):
                reasons.append(board.describe(exc))
            lost.set()

        conn.close_callbacks.add(on_close)
        consume_ch = await asyncio.wait_for(conn.channel(publisher_confirms=False), 10)
        publish_ch = await asyncio.wait_for(conn.channel(publisher_confirms=True), 10)
        consume_ch.close_callbacks.add(on_close)
        publish_ch.close_callbacks.add(on_close)
        windows = 1 if self.gate is None else LOGGED_WINDOWS  # a batch is one window at most
        await consume_ch.set_qos(prefetch_count=self._consumer.prefetch * windows)
        queues = await asyncio.wait_for(topology.declare(conn, self.engine.fund_id), 20)
        s = Session(0, conn, consume_ch, publish_ch, queues, lost, reasons=reasons)
        try:
            s.generation = self._supervisor.generation + 1
            self._session = s
            self._consumer.session = s
            if self.gate is None or self.gate.deciding:
                await self._attach(s)
            self._supervisor.served()
            return await self._serve_session(s)
        finally:
            self._session = None

    async def _serve_session(self, s: Session) -> str:
        board = self._board
        board.set_state("connected", f"connected to {board.shown_node()}")
        self._relay.wake_event.set()  # drain whatever piled up while offline
        relay = asyncio.create_task(self._relay.run(s), name="transport-relay")
        stop_wait = asyncio.create_task(self._supervisor.stop_event.wait())
        lost_wait = asyncio.create_task(s.lost.wait())
        try:
            await asyncio.wait({relay, stop_wait, lost_wait}, return_when=asyncio.FIRST_COMPLETED)
            if self._supervisor.stopping and not s.lost.is_set():
                await self._shutdown_session(s, relay)
        finally:
            for t in (relay, stop_wait, lost_wait):
                if not t.done():
                    t.cancel()
            for t in (relay, stop_wait, lost_wait):
                with contextlib.suppress(BaseException):
                    await t
        if relay.done() and not relay.cancelled() and relay.exception() is not None:
            exc = relay.exception()
            assert exc is not None
            s.reasons.append(board.describe(exc))
        return s.reasons[0] if s.reasons else "connection closed"

    async def _shutdown_session(self, s: Session, relay: asyncio.Task[None]) -> None:
        """Orderly stop: no new deliveries, finish what was delivered, flush, close."""
        await self._consumer.detach(s)
        # The batcher finishes (and acks) everything already delivered before we close.
        await self._consumer.wait_handled(5.0)
        relay.cancel()
        with contextlib.suppress(BaseException):
            await relay
        try:
            await asyncio.wait_for(self._relay.drain(s), STOP_FLUSH)
        except (TimeoutError, Exception) as exc:
            log.info("outbox not fully flushed on stop (%s); it goes out on the next start", exc)
        self._board.backlog_changed()
        for ch in (s.consume_channel, s.publish_channel):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ch.close(), 2.0)
