"""The broker side of the console: topology, group-commit consumer, outbox relay, status."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, cast
from urllib.parse import urlsplit

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractQueue,
)
from aiormq.abc import ChannelFrame, DeliveredMessage
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from core import messages as m
from core.config import redact
from core.engine import Committed, Delivery, Engine
from core.storage import OutboxRow
from core.writer import Writer

_T = TypeVar("_T")
log = logging.getLogger(__name__)


class _QuietAiormq(logging.Filter):
    """aiormq's own records of a failed or lost connection, down to debug.

    aiormq logs each refused connect at ERROR and a cut connection with a traceback; the
    transport already says the same in one WARNING line per attempt (with the URL redacted).
    """

    NOISE = (
        "error when creating transport",
        "Cancelling cause reader exited abnormally",
        "Unexpected connection close from remote",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith(self.NOISE):
            return True
        if not log.isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


logging.getLogger("aiormq.connection").addFilter(_QuietAiormq())

DEAD_LETTER_EXCHANGE = "volunteer_console.dead_letter"
DELIVERY_LIMIT = 20
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
CONNECT_TIMEOUT = 10.0
PUBLISH_TIMEOUT = 10.0
IN_FLIGHT = 500
OUTBOX_PAGE = 500
OUTBOX_POLL = 1.0  # rows written by another process (the CLI) get no wake(): poll for them
STOP_FLUSH = 2.0
BACKLOG_EVERY = 0.2
BURST_GAP = 0.001  # deliveries closer than this are a burst: the batch may wait longer
BURST_FLUSH_FACTOR = 4
REJECTION_HEADER = "x-rejection-reason"

State = Literal["connecting", "connected", "reconnecting", "offline"]
Role = Literal["responses", "waiting", "dead_letters"]


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class BrokerStatus:
    state: State
    backlog: int  # outbox rows not yet confirmed by the broker
    detail: str  # human readable, password never shown
    since: datetime  # when this state began (naive UTC)


@dataclass(frozen=True)
class QueueStats:
    name: str
    role: Role
    messages: int
    consumers: int
    in_rate: float  # msg/s into the queue
    out_rate: float  # msg/s delivered


def queue_names(fund_id: str) -> dict[Role, str]:
    base = f"volunteer_console.fund.{fund_id}"
    return {
        "responses": f"{base}.responses",
        "waiting": f"{base}.waiting",
        "dead_letters": f"{base}.dead_letters",
    }


def consumer_queue_arguments() -> dict[str, Any]:
    """Arguments of the two consumed quorum queues: every client must declare them alike."""
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
        "x-single-active-consumer": True,
    }


DEAD_LETTER_QUEUE_ARGUMENTS: dict[str, Any] = {"x-queue-type": "quorum"}


class _LostSession(Exception):
    """The connection or a channel died; the supervisor reconnects."""


@dataclass
class _Session:
    """One live connection: strong references to its channels, exchanges and queues."""

    generation: int
    connection: AbstractConnection
    consume_channel: AbstractChannel
    publish_channel: AbstractChannel
    exchanges: dict[str, AbstractExchange]
    queues: dict[Role, AbstractQueue]
    lost: asyncio.Event
    consumer_tags: dict[Role, str]


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
    ) -> None:
        self.engine = engine
        # Commits (batches, sent marks) run on the writer thread when there is one, so the
        # loop only awaits them; without one (a bare transport in tests) they run inline.
        self.writer = writer
        self.url = url
        self.prefetch = max(1, prefetch)
        self.flush_interval = max(0.0, flush_interval)
        self.queues = queue_names(engine.fund_id)
        self._password = urlsplit(url).password or ""
        self._callbacks: list[Callable[[BrokerStatus], None]] = []
        self._status = BrokerStatus("offline", self._backlog(0), "not started", _utcnow())
        self._session: _Session | None = None
        self._generation = 0
        self._ever_connected = False
        self._stopping = False
        self._stop_event = asyncio.Event()
        self._wake_event = asyncio.Event()
        # Deliveries waiting for the batcher: (session generation, queue role, tag, message).
        self._pending: list[tuple[int, Role, int, DeliveredMessage]] = []
        self._first_at = 0.0  # when the oldest pending delivery arrived
        self._last_at = 0.0  # when the newest did
        self._arrived = asyncio.Event()
        self._finish_batches = False  # consumers are cancelled: handle what is left, then end
        self._supervisor: asyncio.Task[None] | None = None
        self._batcher: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._backlog_handle: asyncio.TimerHandle | None = None
        self._backlog_sent_at = 0.0
        # counters for queue_stats and benchmarks
        self.consumed: dict[Role, int] = {"responses": 0, "waiting": 0, "dead_letters": 0}
        self.published = 0
        self.dead_lettered = 0
        self._stats_prev: dict[str, tuple[float, int, int]] = {}
        engine.subscribe(self._on_committed)

    # -- public API ---------------------------------------------------------------------
    async def start(self) -> None:
        """Return at once; connect (and keep reconnecting) in the background."""
        if self._supervisor is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        self._finish_batches = False
        self._stop_event.clear()
        self._set_state("connecting", f"connecting to {self._shown_url()}")
        self._batcher = asyncio.create_task(self._batch_loop(), name="transport-batcher")
        self._supervisor = asyncio.create_task(self._supervise(), name="transport-supervisor")

    async def stop(self) -> None:
        """Stop consuming, finish the batch in flight, flush the outbox briefly, close."""
        if self._supervisor is None:
            return
        self._stopping = True
        self._stop_event.set()
        self._wake_event.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._supervisor), STOP_FLUSH + 8.0)
        except (TimeoutError, Exception):
            log.warning("transport did not stop in time; closing it hard")
            self._supervisor.cancel()
            with contextlib.suppress(BaseException):
                await self._supervisor
        if self._batcher is not None:
            self._end_batches()
            try:
                await asyncio.wait_for(asyncio.shield(self._batcher), 5.0)
            except (TimeoutError, Exception):
                self._batcher.cancel()
                with contextlib.suppress(BaseException):
                    await self._batcher
        if self._backlog_handle is not None:
            self._backlog_handle.cancel()
            self._backlog_handle = None
        self._supervisor = None
        self._batcher = None
        self._set_state("offline", "stopped")

    @property
    def status(self) -> BrokerStatus:
        return self._status

    def subscribe_status(self, callback: Callable[[BrokerStatus], None]) -> None:
        self._callbacks.append(callback)

    def wake(self) -> None:
        """New outbox rows exist: the relay should run now."""
        loop = self._loop
        if loop is None:
            self._wake_event.set()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake_event.set()
        else:
            loop.call_soon_threadsafe(self._wake_event.set)

    async def queue_stats(self) -> list[QueueStats]:
        """Message and consumer counts by passive declares; rates from deltas between calls."""
        s = self._session
        if s is None or s.connection.is_closed:
            return []
        out: list[QueueStats] = []
        now = time.monotonic()
        channel: AbstractChannel | None = None
        try:
            for role, name in self.queues.items():
                if channel is None or channel.is_closed:
                    channel = await asyncio.wait_for(s.connection.channel(), PUBLISH_TIMEOUT)
                try:
                    q = await asyncio.wait_for(
                        channel.declare_queue(name, passive=True), PUBLISH_TIMEOUT
                    )
                except aiormq.exceptions.ChannelNotFoundEntity:
                    continue  # the channel is closed by the broker; the next role reopens one
                res = q.declaration_result
                messages = int(res.message_count or 0)
                consumers = int(res.consumer_count or 0)
                done = self.consumed[role] if role != "dead_letters" else 0
                in_rate = out_rate = 0.0
                prev = self._stats_prev.get(name)
                if prev is not None and now > prev[0]:
                    dt = now - prev[0]
                    out_rate = (done - prev[2]) / dt
                    in_rate = max(0.0, (messages - prev[1]) + (done - prev[2])) / dt
                self._stats_prev[name] = (now, messages, done)
                out.append(QueueStats(name, role, messages, consumers, in_rate, out_rate))
        except Exception as exc:
            log.debug("queue stats unavailable: %s", self._scrub(str(exc)))
            return []
        finally:
            if channel is not None and not channel.is_closed:
                with contextlib.suppress(Exception):
                    await channel.close()
        return out

    # -- status -------------------------------------------------------------------------
    def _shown_url(self) -> str:
        return redact(self.url)

    def _scrub(self, text: str) -> str:
        if self._password and self._password in text:
            text = text.replace(self._password, "***")
        return text

    def _backlog(self, last_known: int) -> int:
        try:
            return self.engine.store.backlog()
        except Exception:  # the store is closing or busy: keep showing the last figure
            return last_known

    def _set_state(self, state: State, detail: str, level: int = logging.INFO) -> None:
        # detail is built from redact()ed URLs and _scrub()bed exception texts only
        old = self._status
        if old.state == state and old.detail == detail:
            return
        since = old.since if old.state == state else _utcnow()
        self._status = BrokerStatus(state, self._backlog(old.backlog), detail, since)
        if old.state != state:
            log.log(level, "broker %s: %s", state, detail)
        self._notify()

    def _notify(self) -> None:
        for cb in list(self._callbacks):
            try:
                cb(self._status)
            except Exception:
                log.exception("a status callback failed")

    def _backlog_changed(self) -> None:
        """Refresh the backlog in the status, at most every BACKLOG_EVERY seconds."""
        if self._backlog_handle is not None:
            return
        loop = self._loop
        wait = self._backlog_sent_at + BACKLOG_EVERY - time.monotonic()
        if loop is None or wait <= 0:
            self._emit_backlog()
        else:
            self._backlog_handle = loop.call_later(wait, self._emit_backlog)

    def _emit_backlog(self) -> None:
        self._backlog_handle = None
        self._backlog_sent_at = time.monotonic()
        backlog = self._backlog(self._status.backlog)
        if backlog != self._status.backlog:
            old = self._status
            self._status = BrokerStatus(old.state, backlog, old.detail, old.since)
            self._notify()

    def _on_committed(self, change: Committed) -> None:
        if change.outbound <= 0:
            return
        loop = self._loop
        if loop is not None and self.writer is not None and self.writer.in_writer():
            # committed on the writer thread: asyncio objects are touched from the loop only
            with contextlib.suppress(RuntimeError):  # the loop closed under a late commit
                loop.call_soon_threadsafe(self._outbox_grew)
            return
        self._outbox_grew()

    def _outbox_grew(self) -> None:
        self.wake()
        self._backlog_changed()

    async def _commit(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self.writer is None:
            return fn(*args)
        return await self.writer.call(fn, *args)

    # -- connection supervisor ----------------------------------------------------------
    async def _sleep_unless_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), seconds)

    async def _supervise(self) -> None:
        delay = BACKOFF_FIRST
        retry = False
        while not self._stopping:
            what: State = "reconnecting" if self._ever_connected else "connecting"
            # Each failed attempt logs one WARNING; the attempts themselves only at debug.
            self._set_state(
                what, f"{what} to {self._shown_url()}", logging.DEBUG if retry else logging.INFO
            )
            retry = True
            try:
                conn = await self._connect()
                if conn is None:
                    break  # stopped while connecting
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                why = self._scrub(f"{type(exc).__name__}: {exc}")
                self._set_state(
                    "offline",
                    f"cannot reach {self._shown_url()} ({why}); retrying in {delay:g} s",
                    logging.WARNING,
                )
                await self._sleep_unless_stopped(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            generation = self._generation
            reason = "connection closed"
            refused = False
            try:
                reason = await self._run_session(conn)
            except asyncio.CancelledError:
                await self._close_quietly(conn)
                raise
            except Exception as exc:
                reason = self._scrub(f"{type(exc).__name__}: {exc}")
                refused = isinstance(exc, aiormq.exceptions.ChannelClosed)
            finally:
                self._session = None
                await self._close_quietly(conn)
            if self._stopping:
                break
            if self._generation != generation:
                # The session got as far as consuming: a fresh loss, not a failing broker.
                delay = BACKOFF_FIRST
            if not refused or self._generation != generation:
                self._set_state(
                    "reconnecting",
                    f"lost the broker ({reason}); retrying in {delay:g} s",
                    logging.WARNING,
                )
            else:
                # Connected but refused before consuming (a queue declared with other arguments,
                # missing permissions): an operator has to act; keep retrying, slower each time.
                self._set_state(
                    "offline",
                    f"the broker refused the console's queues ({reason}); retrying in {delay:g} s",
                    logging.WARNING,
                )
            await self._sleep_unless_stopped(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _connect(self) -> AbstractConnection | None:
        """One connection attempt that stop() can interrupt (a silent host takes a while)."""
        attempt = asyncio.ensure_future(
            aio_pika.connect(
                self.url,
                timeout=CONNECT_TIMEOUT,
                client_properties={
                    "connection_name": f"volunteer-console fund {self.engine.fund_id}"
                },
            )
        )
        stopped = asyncio.ensure_future(self._stop_event.wait())
        try:
            await asyncio.wait(
                {attempt, stopped},
                timeout=CONNECT_TIMEOUT + 2,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            stopped.cancel()
            if not attempt.done():
                attempt.cancel()
            for task in (stopped, attempt):
                with contextlib.suppress(BaseException):
                    await task
        if attempt.cancelled():
            if self._stopping:
                return None
            raise TimeoutError(f"no answer within {CONNECT_TIMEOUT + 2:g} s")
        conn = attempt.result()
        if self._stopping:
            await self._close_quietly(conn)
            return None
        return conn

    async def _close_quietly(self, conn: AbstractConnection) -> None:
        if conn.is_closed:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), 3.0)

    async def _declare(
        self, ch: AbstractChannel
    ) -> tuple[dict[str, AbstractExchange], dict[Role, AbstractQueue]]:
        exchanges: dict[str, AbstractExchange] = {}
        for name in (*m.EXCHANGES, DEAD_LETTER_EXCHANGE):
            exchanges[name] = await ch.declare_exchange(
                name, aio_pika.ExchangeType.TOPIC, durable=True
            )
        fund = self.engine.fund_id
        queues: dict[Role, AbstractQueue] = {}
        queues["responses"] = await ch.declare_queue(
            self.queues["responses"], durable=True, arguments=consumer_queue_arguments()
        )
        await queues["responses"].bind(exchanges[m.RESPONSE_EXCHANGE], f"fund.{fund}.response.#")
        queues["waiting"] = await ch.declare_queue(
            self.queues["waiting"], durable=True, arguments=consumer_queue_arguments()
        )
        await queues["waiting"].bind(exchanges[m.WAITING_EXCHANGE], f"fund.{fund}.waiting.#")
        queues["dead_letters"] = await ch.declare_queue(
            self.queues["dead_letters"], durable=True, arguments=DEAD_LETTER_QUEUE_ARGUMENTS
        )
        await queues["dead_letters"].bind(exchanges[DEAD_LETTER_EXCHANGE], f"fund.{fund}.#")
        return exchanges, queues

    async def _run_session(self, conn: AbstractConnection) -> str:
        """Set up one connection and serve it until it is lost or the transport stops."""
        lost = asyncio.Event()
        reasons: list[str] = []

        def on_close(_sender: object, exc: BaseException | None = None) -> None:
            if exc is not None and not isinstance(exc, asyncio.CancelledError):
                reasons.append(self._scrub(f"{type(exc).__name__}: {exc}"))
            lost.set()

        conn.close_callbacks.add(on_close)
        consume_ch = await asyncio.wait_for(conn.channel(publisher_confirms=False), 10)
        publish_ch = await asyncio.wait_for(conn.channel(publisher_confirms=True), 10)
        consume_ch.close_callbacks.add(on_close)
        publish_ch.close_callbacks.add(on_close)
        await consume_ch.set_qos(prefetch_count=self.prefetch)

        async def on_cancel(_frame: object) -> None:
            # The broker cancelled a consumer (its queue was deleted): set up again.
            if not self._stopping:
                reasons.append("the broker cancelled the consumer (queue deleted?)")
                lost.set()

        underlay = await consume_ch.get_underlay_channel()
        underlay.on_consumer_cancel_callbacks.add(on_cancel)
        exchanges, queues = await asyncio.wait_for(self._declare(consume_ch), 20)
        self._generation += 1
        s = _Session(self._generation, conn, consume_ch, publish_ch, exchanges, queues, lost, {})
        self._session = s
        gen = s.generation
        consumed_roles: tuple[Role, ...] = ("responses", "waiting")
        for role in consumed_roles:
            # aiormq directly: no IncomingMessage and no second task per delivery (aio-pika's
            # consume adds both); acks go per batch with multiple=True anyway.
            async def on_message(
                msg: DeliveredMessage, _gen: int = gen, _role: Role = role
            ) -> None:
                self._deliver(_gen, _role, msg)

            ok = await underlay.basic_consume(queues[role].name, on_message, timeout=10)
            s.consumer_tags[role] = ok.consumer_tag or ""
        self._ever_connected = True
        self._set_state("connected", f"connected to {self._shown_url()}")
        self._wake_event.set()  # drain whatever piled up while offline
        relay = asyncio.create_task(self._relay_loop(s), name="transport-relay")
        stop_wait = asyncio.create_task(self._stop_event.wait())
        lost_wait = asyncio.create_task(lost.wait())
        try:
            await asyncio.wait({relay, stop_wait, lost_wait}, return_when=asyncio.FIRST_COMPLETED)
            if self._stopping and not lost.is_set():
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
            reasons.append(self._scrub(f"{type(exc).__name__}: {exc}"))
        return reasons[0] if reasons else "connection closed"

    async def _shutdown_session(self, s: _Session, relay: asyncio.Task[None]) -> None:
        """Orderly stop: no new deliveries, finish what was delivered, flush, close."""
        underlay = await s.consume_channel.get_underlay_channel()
        for tag in s.consumer_tags.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(underlay.basic_cancel(tag), 3.0)
        # The batcher finishes (and acks) everything already delivered before we close.
        self._end_batches()
        if self._batcher is not None:
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(self._batcher), 5.0)
        relay.cancel()
        with contextlib.suppress(BaseException):
            await relay
        try:
            await asyncio.wait_for(self._drain_outbox(s), STOP_FLUSH)
        except (TimeoutError, Exception) as exc:
            log.info("outbox not fully flushed on stop (%s); it goes out on the next start", exc)
        self._backlog_changed()
        for ch in (s.consume_channel, s.publish_channel):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ch.close(), 2.0)

    # -- consumer: group commit ---------------------------------------------------------
    def _deliver(self, generation: int, role: Role, msg: DeliveredMessage) -> None:
        self._last_at = time.monotonic()
        if not self._pending:
            self._first_at = self._last_at
            self._arrived.set()
        self._pending.append((generation, role, msg.delivery_tag or 0, msg))

    def _end_batches(self) -> None:
        self._finish_batches = True
        self._arrived.set()

    async def _batch_loop(self) -> None:
        while True:
            while not self._pending:
                if self._finish_batches and self._stopping:
                    return
                self._arrived.clear()
                await self._arrived.wait()
            # Group commit: one transaction (one fsync) and one ack for whatever arrives within
            # flush_interval of the first delivery. A batch cannot outgrow the prefetch window
            # (nothing pending is acked yet), so there is no point waiting once it is full.
            deadline = self._first_at + self.flush_interval
            longest = self._first_at + BURST_FLUSH_FACTOR * self.flush_interval
            while not self._finish_batches and len(self._pending) < self.prefetch:
                now = time.monotonic()
                if now >= deadline:
                    # Still streaming in (a burst, not a trickle): collect a while longer, up
                    # to BURST_FLUSH_FACTOR intervals; fewer, larger commits (one fsync each).
                    if now - self._last_at > BURST_GAP or now >= longest:
                        break
                    deadline = min(longest, now + self.flush_interval)
                await asyncio.sleep(deadline - now)
            batch, self._pending = self._pending, []
            try:
                await self._process(batch)
            except Exception:
                log.exception("processing a batch of %d deliveries failed", len(batch))

    async def _process(self, batch: list[tuple[int, Role, int, DeliveredMessage]]) -> None:
        s = self._session
        live = [item[1:] for item in batch if s is not None and item[0] == s.generation]
        if not live:
            return  # their channel is gone: the broker redelivers them
        assert s is not None
        # Delivery order is first-come order for the spot rules; tags are that order.
        live.sort(key=lambda item: item[1])
        deliveries = []
        for _role, _tag, msg in live:
            props = msg.header.properties
            deliveries.append(
                Delivery(
                    body=msg.body,
                    exchange=msg.exchange or "",
                    routing_key=msg.routing_key or "",
                    message_id=props.message_id,
                    app_id=props.app_id,
                    redelivered=bool(msg.redelivered),
                )
            )
        channel = live[0][2].channel
        try:
            # one transaction, committed on the writer thread before this returns
            results = await self._commit(self.engine.handle, deliveries)
        except Exception:
            log.exception("the engine failed on a batch; the broker will redeliver it")
            with contextlib.suppress(Exception):
                await channel.basic_nack(live[-1][1], multiple=True, requeue=True)
            return
        for role, _tag, _msg in live:
            self.consumed[role] += 1
        rejected = [
            (tag, msg, r.reason)
            for (_role, tag, msg), r in zip(live, results, strict=True)
            if r.outcome == "rejected"
        ]
        failed: set[int] = set()
        if rejected:
            outcomes = await asyncio.gather(
                *(self._dead_letter(s, msg, reason) for _tag, msg, reason in rejected),
                return_exceptions=True,
            )
            for (tag, _msg, _reason), ok in zip(rejected, outcomes, strict=True):
                if ok is not True:
                    failed.add(tag)
        try:
            await self._acknowledge(channel, [tag for _role, tag, _msg in live], failed)
        except Exception as exc:
            # The channel died after the commit: redelivered copies are duplicates, no effect.
            log.info("acks lost with the channel (%s); redeliveries will be deduplicated", exc)

    @staticmethod
    async def _acknowledge(
        channel: aiormq.abc.AbstractChannel, tags: list[int], failed: set[int]
    ) -> None:
        """Ack runs of handled messages with multiple=True; nack the ones not dead-lettered."""
        run_end: int | None = None
        for tag in tags:  # ascending
            if tag in failed:
                if run_end is not None:
                    await channel.basic_ack(run_end, multiple=True, wait=False)
                    run_end = None
                await channel.basic_nack(tag, requeue=False, wait=False)  # broker dead-letters
            else:
                run_end = tag
        if run_end is not None:
            await channel.basic_ack(run_end, multiple=True, wait=False)

    async def _dead_letter(self, s: _Session, msg: DeliveredMessage, reason: str) -> bool:
        props = msg.header.properties
        headers = dict(props.headers or {})
        headers[REJECTION_HEADER] = reason[:1000]
        headers["x-original-exchange"] = msg.exchange or ""
        headers["x-original-routing-key"] = msg.routing_key or ""
        copy = aiormq.spec.Basic.Properties(
            headers=headers,
            content_type=props.content_type,
            content_encoding=props.content_encoding,
            delivery_mode=2,  # persistent
            message_id=props.message_id,
            timestamp=props.timestamp,
            message_type=props.message_type,
            app_id=props.app_id,
        )
        try:
            key = msg.routing_key or f"fund.{self.engine.fund_id}"
            channel = await s.publish_channel.get_underlay_channel()
            result = await channel.basic_publish(
                msg.body,
                exchange=DEAD_LETTER_EXCHANGE,
                routing_key=key,
                properties=copy,
                mandatory=True,
                timeout=PUBLISH_TIMEOUT,
            )
        except Exception as exc:
            log.warning("could not dead-letter %s (%s); nacking it", props.message_id, exc)
            return False
        if isinstance(result, DeliveredMessage):
            log.warning("dead-letter copy of %s was unroutable; nacking it", props.message_id)
            return False
        self.dead_lettered += 1
        log.info("dead-lettered %s: %s", props.message_id, reason)
        return True

    # -- outbox relay -------------------------------------------------------------------
    async def _relay_loop(self, s: _Session) -> None:
        delay = BACKOFF_FIRST
        while not s.lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_event.wait(), OUTBOX_POLL)
            self._wake_event.clear()
            if self._stopping:
                return
            try:
                await self._drain_outbox(s)
                delay = BACKOFF_FIRST
            except _LostSession:
                raise
            except Exception as exc:
                log.warning(
                    "outbox relay failed (%s); retrying in %g s", self._scrub(str(exc)), delay
                )
                await self._sleep_unless_stopped(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                self._wake_event.set()

    async def _drain_outbox(self, s: _Session) -> None:
        """Publish every pending row in seq order; mark rows sent only after their confirm."""
        store = self.engine.store
        channel = cast(aiormq.Channel, await s.publish_channel.get_underlay_channel())
        while True:
            rows = store.pending_outbox(limit=OUTBOX_PAGE)
            if not rows:
                return
            confirmed: list[int] = []
            error: BaseException | None = None
            for i in range(0, len(rows), IN_FLIGHT):
                window = rows[i : i + IN_FLIGHT]
                stamp = _utcnow()
                outcomes = await self._publish_window(channel, window, stamp)
                for row, outcome in zip(window, outcomes, strict=True):
                    if isinstance(outcome, BaseException):
                        error = outcome
                        with contextlib.suppress(Exception):
                            await self._commit(
                                store.mark_failed,
                                row.seq,
                                self._scrub(f"{type(outcome).__name__}: {outcome}"),
                            )
                        break
                    confirmed.append(row.seq)
                if error is not None:
                    break
            # Only the confirmed prefix is marked: the rest go again, in order. One mark per
            # page, not per window: a mark is a transaction, and a lost one only re-sends.
            if confirmed:
                await self._commit(store.mark_sent, confirmed, self.engine.clock.now())
                self.published += len(confirmed)
                self._backlog_changed()
            if error is not None:
                if s.lost.is_set() or s.publish_channel.is_closed:
                    raise _LostSession(str(error))
                raise error if isinstance(error, Exception) else RuntimeError(str(error))

    async def _publish_window(
        self, channel: aiormq.Channel, window: list[OutboxRow], stamp: datetime
    ) -> list[BaseException | None]:
        """Publish a window of rows at once; each row's outcome, under one timeout for all."""
        if _can_batch(channel, window):
            try:
                first, futures = await self._send_window(channel, window, stamp)
            except Exception as exc:  # nothing of the window was written
                return [exc for _row in window]
            try:
                timed_out = await _wait_all(futures, PUBLISH_TIMEOUT)
            finally:
                # aiormq routes a Basic.Return by message id until here (it comes before the
                # confirm); then the ids are forgotten, as basic_publish forgets its own.
                ids = channel.message_id_delivery_tag
                for offset, row in enumerate(window):
                    if ids.get(row.message_id) == first + offset:
                        del ids[row.message_id]
        else:
            futures = [
                asyncio.ensure_future(self._publish_row(channel, row, stamp)) for row in window
            ]
            timed_out = await _wait_all(futures, PUBLISH_TIMEOUT)
        timeout = TimeoutError(f"no confirm within {PUBLISH_TIMEOUT:g} s")
        lost = ConnectionError("the publish was cancelled (channel closed)")
        outcomes: list[BaseException | None] = []
        for row, fut in zip(window, futures, strict=True):
            if not fut.done():
                fut.cancel()  # aiormq drops the confirm of a cancelled publish when it comes
                outcomes.append(timeout)
            elif fut.cancelled():
                outcomes.append(timeout if timed_out else lost)
            elif fut.exception() is not None:
                outcomes.append(fut.exception())
            else:
                if isinstance(fut.result(), DeliveredMessage):
                    _unroutable(row)
                outcomes.append(None)
        return outcomes

    async def _send_window(
        self, channel: aiormq.Channel, window: list[OutboxRow], stamp: datetime
    ) -> tuple[int, list[asyncio.Future[Any]]]:
        """basic_publish for a whole window in one frame write: one lock, one socket send.

        This is aiormq's own bookkeeping (7.x): the next delivery tags under the channel's
        publish lock, a confirmation future per tag (the channel rejects them if it closes),
        the message id -> tag map that routes a Basic.Return to its future. Per row it saves
        a task, a lock, a timeout scope, a queue put and a send(): most of the relay's cost.
        """
        app_id = self.engine.console_app_id
        futures: list[asyncio.Future[Any]] = []
        frames: list[Any] = []
        async with channel.lock:
            if channel.is_closed:
                raise ConnectionError("the publish channel is closed")
            first = channel.delivery_tag + 1
            for offset, row in enumerate(window):
                tag = first + offset
                fut = channel.create_future()
                channel.confirmations[tag] = fut
                channel.message_id_delivery_tag[row.message_id] = tag
                futures.append(fut)
                frames.append(
                    aiormq.spec.Basic.Publish(
                        exchange=row.exchange, routing_key=row.routing_key, mandatory=True
                    )
                )
                frames.append(
                    ContentHeader(
                        properties=_properties(row, stamp, app_id), body_size=len(row.body)
                    )
                )
                frames.append(ContentBody(row.body))
            channel.delivery_tag = first + len(window) - 1
            try:
                await channel.write_queue.put(
                    ChannelFrame.marshall(channel_number=channel.number, frames=frames)
                )
            except BaseException:
                # Not written: the broker never saw these tags; give them back.
                channel.delivery_tag = first - 1
                for offset, fut in enumerate(futures):
                    channel.confirmations.pop(first + offset, None)
                    fut.cancel()
                raise
        return first, futures

    async def _publish_row(self, channel: aiormq.Channel, row: OutboxRow, stamp: datetime) -> Any:
        """One row by aiormq's basic_publish (the fallback of _send_window)."""
        return await channel.basic_publish(
            row.body,
            exchange=row.exchange,
            routing_key=row.routing_key,
            properties=_properties(row, stamp, self.engine.console_app_id),
            mandatory=True,
            wait=False,  # the confirm says more than the socket drain; no future for it
        )


def _properties(row: OutboxRow, stamp: datetime, app_id: str) -> aiormq.spec.Basic.Properties:
    # Built directly: an aio_pika.Message per row cost more than the rest of the row.
    return aiormq.spec.Basic.Properties(
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,  # persistent
        message_id=row.message_id,
        timestamp=stamp,
        message_type=row.action,
        app_id=app_id,
    )


def _unroutable(row: OutboxRow) -> None:
    # Returned as unroutable: no volunteer-side queue is bound for this key. The row is still
    # marked sent: retrying would block every later row behind a message that no consumer
    # exists to receive, and a consumer bound later could not get it anyway. Durable delivery
    # is the volunteer side's binding (CONTRACT.md, "binds its own queues"), so this is logged
    # at debug, not treated as a failure.
    log.debug("outbox %s (%s) was unroutable: no queue bound", row.seq, row.routing_key)


def _can_batch(channel: aiormq.Channel, window: list[OutboxRow]) -> bool:
    """_send_window relies on aiormq 7's channel internals and on one body frame per row."""
    return (
        channel.publisher_confirms
        and isinstance(getattr(channel, "confirmations", None), dict)
        and isinstance(getattr(channel, "message_id_delivery_tag", None), dict)
        and isinstance(getattr(channel, "delivery_tag", None), int)
        and all(len(row.body) < channel.max_content_size for row in window)
    )


async def _wait_all(futures: list[asyncio.Future[Any]], timeout: float) -> bool:
    """Wait until every future is done or `timeout` passes (True then); no callback per future.

    Awaiting them in order suspends only on those not done yet (confirms come in order, many
    per frame), where asyncio.wait would add and remove a done callback on each one.
    """
    try:
        async with asyncio.timeout(timeout):
            for fut in futures:
                if fut.done():
                    continue
                try:
                    await fut
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():
                        raise  # the timeout, or this task cancelled: not this future's outcome
                except Exception:
                    pass  # the outcome is read from the future afterwards
    except TimeoutError:
        return True
    return False
