"""The group-commit consumer: deliveries batched into one transaction and one ack each."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiormq.abc import DeliveredMessage

from core.broker import amqp_text, fast_deliver
from core.broker.connection import Session
from core.broker.status import StatusBoard
from core.broker.topology import CONSUMED_ROLES, Role
from core.engine import Delivery, Engine
from core.storage import StoreUnavailable

log = logging.getLogger(__name__)

BURST_GAP = 0.001  # deliveries closer than this are a burst: the batch may wait longer
BURST_FLUSH_FACTOR = 4
PAUSE_FIRST = 0.5  # the store could not write: first retry of the held batch after this
PAUSE_MAX = 10.0

Commit = Callable[..., Awaitable[Any]]  # runs a store write (on the writer thread) and awaits it
Pending = tuple[int, Role, int, DeliveredMessage]  # session generation, role, tag, message


def _printable(text: str | None) -> str | None:
    return amqp_text.shown(text) if text and amqp_text.is_undecodable(text) else text


class Consumer:
    """Consumes the fund's two queues; whatever arrives within flush_interval is one batch."""

    def __init__(
        self,
        engine: Engine,
        *,
        prefetch: int,
        flush_interval: float,
        stopping: Callable[[], bool],
        commit: Commit,
        status: StatusBoard,
    ) -> None:
        # before the first frame is read: a non-UTF-8 property must not kill the reader
        amqp_text.install()
        self.engine = engine
        self.status = status
        self._paused: str | None = None  # why the store cannot write, while it cannot
        self._commit = commit
        self._stopping = stopping
        self.prefetch = max(1, prefetch)
        self.flush_interval = max(0.0, flush_interval)
        self.session: Session | None = None  # the live one; deliveries of older ones are dropped
        self._pending: list[Pending] = []
        self._first_at = 0.0  # when the oldest pending delivery arrived
        self._last_at = 0.0  # when the newest did
        self._arrived = asyncio.Event()
        self._finishing = False  # consumers are cancelled: handle what is left, then end
        self._task: asyncio.Task[None] | None = None
        self.consumed: dict[Role, int] = {"responses": 0, "waiting": 0, "dead_letters": 0}
        # The fund's decision log (core.broker.transport.Gate): a batch is acked only once
        # the log confirmed it, and only the arbiter handles one.
        self.gate: Any = None
        self._acking: set[asyncio.Future[None]] = set()  # batches waiting for the log
        self._acked: dict[int, int] = {}  # per session generation, the highest tag acked

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        self._finishing = False
        self._task = asyncio.create_task(self._batch_loop(), name="transport-batcher")

    def end_batches(self) -> None:
        """No more deliveries are coming: handle the pending ones, then the loop ends."""
        self._finishing = True
        self._arrived.set()

    async def finish(self, timeout: float) -> None:
        """Wait (at most `timeout`) for the loop to handle what is pending and end."""
        task = self._task
        if task is None:
            return
        self.end_batches()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except (TimeoutError, Exception):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        self._task = None

    async def wait_handled(self, timeout: float) -> None:
        """During an orderly stop: let the batcher ack what was delivered, keep it alive."""
        task = self._task
        if task is None:
            return
        self.end_batches()
        with contextlib.suppress(TimeoutError, Exception):
            await asyncio.wait_for(asyncio.shield(task), timeout)
        if self._acking:  # batches waiting for the log: acked before the channel closes
            await asyncio.wait(set(self._acking), timeout=timeout)

    async def attach(self, s: Session) -> None:
        """Start consuming the session's two queues on its consume channel."""
        underlay = await s.consume_channel.get_underlay_channel()

        async def on_cancel(_frame: object) -> None:
            # The broker cancelled a consumer (its queue was deleted): set up again.
            if not self._stopping():
                s.lose("the broker cancelled the consumer (queue deleted?)")

        underlay.on_consumer_cancel_callbacks.add(on_cancel)
        self.session = s
        gen = s.generation
        direct = fast_deliver.direct_handlers(underlay)
        for role in CONSUMED_ROLES:
            # aiormq directly: no IncomingMessage and no second task per delivery (aio-pika's
            # consume adds both); acks go per batch with multiple=True anyway. On the tested
            # aiormq release, no task at all (fast_deliver): the callback below is then unused.
            async def on_message(
                msg: DeliveredMessage, _gen: int = gen, _role: Role = role
            ) -> None:
                self.deliver(_gen, _role, msg)

            tag = f"ctag{underlay.number}.{uuid.uuid4().hex}"  # aiormq's own form of tag
            if direct is not None:
                direct[tag] = functools.partial(self.deliver, gen, role)
            ok = await underlay.basic_consume(
                s.queues[role], on_message, consumer_tag=tag, timeout=10
            )
            s.consumer_tags[role] = ok.consumer_tag or tag

    async def detach(self, s: Session) -> None:
        """Cancel the session's consumers: nothing new is delivered, the unacked stay ours."""
        underlay = await s.consume_channel.get_underlay_channel()
        for tag in s.consumer_tags.values():
            try:
                await asyncio.wait_for(underlay.basic_cancel(tag), 3.0)
            except Exception as exc:
                log.debug("cancelling consumer %s failed: %r", tag, exc)

    # -- the store cannot write ----------------------------------------------------------
    async def _pause(self, s: Session, why: str) -> None:
        if self._paused is not None:
            return
        self._paused = why
        log.warning("cannot write the database (%s): responses wait on the broker", why)
        await self.detach(s)
        s.consumer_tags.clear()
        self.status.set_state(
            "paused", f"{why.split(':')[0]}: responses wait on the broker (retrying)", logging.DEBUG
        )

    async def _resume(self, s: Session) -> None:
        self._paused = None
        log.info("the database can be written again: consuming")
        try:
            await self.attach(s)
        except Exception as exc:
            s.lose(f"could not consume again after the pause ({exc})")
            return
        self.status.set_state("connected", f"connected to {self.status.shown_node()}")

    # -- batching -----------------------------------------------------------------------
    def deliver(self, generation: int, role: Role, msg: DeliveredMessage) -> None:
        self._last_at = time.monotonic()
        if not self._pending:
            self._first_at = self._last_at
            self._arrived.set()
        self._pending.append((generation, role, msg.delivery_tag or 0, msg))

    async def _batch_loop(self) -> None:
        while True:
            while not self._pending:
                if self._finishing:
                    return
                self._arrived.clear()
                await self._arrived.wait()
            # Group commit: one transaction (one fsync) and one ack for whatever arrives within
            # flush_interval of the first delivery. A batch cannot outgrow the prefetch window
            # (nothing pending is acked yet), so there is no point waiting once it is full.
            deadline = self._first_at + self.flush_interval
            longest = self._first_at + BURST_FLUSH_FACTOR * self.flush_interval
            while not self._finishing and len(self._pending) < self.prefetch:
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

    def _handle_marked(self, gate: Any, deliveries: list[Delivery]) -> int:
        """Commit a batch and say the newest captured change it made (writer thread)."""
        self.engine.handle(deliveries)
        return int(gate.mark())

    async def _process(self, batch: list[Pending]) -> None:
        s = self.session
        live = [item[1:] for item in batch if s is not None and item[0] == s.generation]
        if not live:
            return  # their channel is gone: the broker redelivers them
        assert s is not None
        # Delivery order is first-come order for the spot rules; tags are that order.
        live.sort(key=lambda item: item[1])
        deliveries = []
        for _role, _tag, msg in live:
            props = msg.header.properties
            # Envelope text that was not UTF-8 is carried as printable \xNN text, so it can be
            # stored and shown, and the engine refuses the message naming the field.
            odd = amqp_text.undecodable_properties(props, msg.routing_key)
            deliveries.append(
                Delivery(
                    body=msg.body,
                    exchange=msg.exchange or "",
                    routing_key=_printable(msg.routing_key) or "",
                    message_id=_printable(props.message_id),
                    app_id=_printable(props.app_id),
                    redelivered=bool(msg.redelivered),
                    properties=amqp_text.cleaned(props) if odd else props,
                    undecodable=tuple(odd),
                )
            )
        channel = live[0][2].channel
        gate = self.gate
        if gate is not None and not gate.deciding:
            return  # the lease went: the broker gives them to the next arbiter
        delay = PAUSE_FIRST
        mark = 0
        while True:
            try:
                # one transaction, committed (on the writer thread) before this returns
                if gate is None:
                    await self._commit(self.engine.handle, deliveries)
                else:
                    mark = await self._commit(self._handle_marked, gate, deliveries)
                break
            except StoreUnavailable as exc:
                # The disk cannot take it: hold these deliveries unacknowledged (a nack would
                # count each toward the delivery limit and dead-letter valid messages), take
                # no more, and try the same batch again until the store can write.
                await self._pause(s, str(exc))
                if self._stopping() or self.session is not s or s.lost.is_set():
                    return  # the broker redelivers them to whoever consumes next
                await asyncio.sleep(delay)
                delay = min(delay * 2, PAUSE_MAX)
            except Exception:
                log.exception("the engine failed on a batch; the broker will redeliver it")
                with contextlib.suppress(Exception):
                    await channel.basic_nack(live[-1][1], multiple=True, requeue=True)
                return
        if self._paused is not None:
            await self._resume(s)
        if gate is not None:
            # Pipelined: the next batch is decided while this one waits for the log. A later
            # mark logged means every earlier one is, so the acks (multiple) stay in order.
            task = asyncio.ensure_future(self._ack_when_logged(gate, mark, s, channel, live))
            self._acking.add(task)
            task.add_done_callback(self._acking.discard)
            return
        await self._ack(s, channel, live)

    async def _ack_when_logged(
        self, gate: Any, mark: int, s: Session, channel: Any, live: list[Any]
    ) -> None:
        if not await gate.logged(mark):
            return  # not in the log: the next arbiter gets them again; this one undoes them
        if s.lost.is_set() or live[-1][1] <= self._acked.get(s.generation, 0):
            return
        await self._ack(s, channel, live)

    async def _ack(self, s: Session, channel: Any, live: list[Any]) -> None:
        self._acked[s.generation] = max(self._acked.get(s.generation, 0), live[-1][1])
        for role, _tag, _msg in live:
            self.consumed[role] += 1
        # Rejected ones too: their dead-letter copies were committed in the same transaction.
        try:
            await channel.basic_ack(live[-1][1], multiple=True, wait=False)
        except Exception as exc:
            # The channel died after the commit: redelivered copies are duplicates, no effect.
            log.info("acks lost with the channel (%s); redeliveries will be deduplicated", exc)
