"""The outbox relay: committed rows published in order, marked sent only after their confirm."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import aiormq
from aiormq.abc import DeliveredMessage
from pamqp import frame as pamqp_frame
from pamqp.exceptions import PAMQPException
from pamqp.header import ContentHeader

from core.broker import fast_publish
from core.broker.connection import BACKOFF_FIRST, BACKOFF_MAX, LostSession, Session, Supervisor
from core.broker.consumer import Commit
from core.broker.status import StatusBoard, utcnow
from core.broker.topology import DEAD_LETTER_EXCHANGE
from core.engine import Engine
from core.storage import OutboxRow, StoreUnavailable

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 10.0
IN_FLIGHT = 500
OUTBOX_PAGE = 500
OUTBOX_POLL = 1.0  # rows written by another process (the CLI) get no wake(): poll for them

Outcome = BaseException | None  # None: confirmed by the broker

# What aiormq's basic_publish (and the frame marshalling) raise for a row the AMQP frame cannot
# carry, before anything is written: the row will never go, whatever the connection.
_FRAME_ERRORS = (TypeError, ValueError, struct.error, PAMQPException)


class Undeliverable(Exception):
    """This row can never be sent as it is (a key over 255 bytes, a value the frame cannot
    encode): it is marked failed and skipped, so the rows after it still go."""


def undeliverable(row: OutboxRow) -> Undeliverable | None:
    """Check what the frame limits would refuse, before the row shares a window with others."""
    # A relayed copy goes with the message id it came with (in its properties), not the row's.
    own_id = [("message id", row.message_id)] if row.properties is None else []
    for what, value in [("exchange", row.exchange), ("routing key", row.routing_key), *own_id]:
        size = len(value.encode("utf-8", "surrogatepass"))
        if size > 255:
            return Undeliverable(f"the {what} is {size} bytes, over AMQP's 255")
    return None


class Relay:
    """Drains the outbox over a session's publish channel, IN_FLIGHT rows at a time."""

    def __init__(
        self, engine: Engine, status: StatusBoard, supervisor: Supervisor, commit: Commit
    ) -> None:
        self.engine = engine
        self._commit = commit
        self.status = status
        self.supervisor = supervisor
        self.wake_event = asyncio.Event()
        self.published = 0
        self.dead_lettered = 0  # dead-letter copies confirmed by the broker
        self.failed = 0  # rows marked undeliverable
        self.gate: Any = None  # the decision log: only rows it confirmed go out

    async def run(self, s: Session) -> None:
        """Relay until the session is lost or the transport stops; back off on failures."""
        delay = BACKOFF_FIRST
        while not s.lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake_event.wait(), OUTBOX_POLL)
            self.wake_event.clear()
            if self.supervisor.stopping:
                return
            try:
                await self.drain(s)
                delay = BACKOFF_FIRST
            except LostSession:
                raise
            except StoreUnavailable as exc:
                # Sent but not marked: they go again (same ids) once the disk has room; the
                # consumer reports the outage, once.
                log.debug("outbox relay cannot mark rows sent (%s); retrying in %g s", exc, delay)
                await self.supervisor.sleep_unless_stopped(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                self.wake_event.set()
            except Exception as exc:
                log.warning(
                    "outbox relay failed (%s); retrying in %g s", self.status.scrub(str(exc)), delay
                )
                await self.supervisor.sleep_unless_stopped(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                self.wake_event.set()

    async def drain(self, s: Session) -> None:
        """Publish every pending row in seq order; mark rows sent only after their confirm."""
        store = self.engine.store
        channel = cast(aiormq.Channel, await s.publish_channel.get_underlay_channel())
        claims = self.engine.outbox_claims
        while True:
            # claimed while read: an undo deletes no row that is on its way (core/undo.py);
            # with a decision log, only rows the log holds go out
            with claims.lock:
                if self.gate is None:
                    rows = store.pending_outbox(limit=OUTBOX_PAGE)
                else:
                    upto = self.gate.send_limit()
                    rows = store.pending_outbox(limit=OUTBOX_PAGE, upto_seq=upto) if upto else []
                claims.claim(r.seq for r in rows)
            if not rows:
                return
            try:
                await self._drain_page(s, channel, rows)
            finally:
                claims.release(r.seq for r in rows)

    async def _drain_page(self, s: Session, channel: aiormq.Channel, rows: list[OutboxRow]) -> None:
        """Publish one page of rows; mark the confirmed prefix sent."""
        store = self.engine.store
        confirmed: list[int] = []
        error: BaseException | None = None
        for i in range(0, len(rows), IN_FLIGHT):
            window = rows[i : i + IN_FLIGHT]
            outcomes = await self.publish_window(channel, window, utcnow())
            for row, outcome in zip(window, outcomes, strict=True):
                if isinstance(outcome, Undeliverable):
                    await self._give_up(row, outcome)
                    continue
                if isinstance(outcome, BaseException):
                    error = outcome
                    with contextlib.suppress(Exception):
                        await self._commit(
                            store.mark_failed, row.seq, self.status.describe(outcome)
                        )
                    break
                confirmed.append(row.seq)
                if row.exchange == DEAD_LETTER_EXCHANGE:
                    self.dead_lettered += 1
            if error is not None:
                break
        # Only the confirmed prefix is marked: the rest go again, in order. One mark per
        # page, not per window: a mark is a transaction, and a lost one only re-sends.
        if confirmed:
            await self._commit(store.mark_sent, confirmed, self.engine.clock.now())
            self.published += len(confirmed)
            self.status.backlog_changed()
        if error is not None:
            if s.lost.is_set() or s.publish_channel.is_closed:
                raise LostSession(str(error))
            raise error if isinstance(error, Exception) else RuntimeError(str(error))

    async def _give_up(self, row: OutboxRow, why: Undeliverable) -> None:
        log.warning("outbox %s (%s) can never be sent: %s; skipped", row.seq, row.action, why)
        self.failed += 1
        store = self.engine.store
        await self._commit(store.mark_undeliverable, row.seq, str(why), self.engine.clock.now())
        self.status.backlog_changed()

    async def publish_window(
        self, channel: aiormq.Channel, window: Sequence[OutboxRow], stamp: datetime
    ) -> list[Outcome]:
        """Publish a window of rows at once; each row's outcome, under one timeout for all."""
        checked: list[Outcome] = [undeliverable(row) for row in window]
        sendable = [row for row, bad in zip(window, checked, strict=True) if bad is None]
        if not sendable:
            return checked
        outcomes = iter(await self._publish_sendable(channel, sendable, stamp))
        return [next(outcomes) if bad is None else bad for bad in checked]

    async def _publish_sendable(
        self, channel: aiormq.Channel, window: Sequence[OutboxRow], stamp: datetime
    ) -> list[Outcome]:
        app_id = self.engine.console_app_id
        if fast_publish.usable(channel, window):
            ready = fast_publish.own_frames(channel.number, window, stamp, app_id)
            try:
                first, futures = await fast_publish.send_window(
                    channel, window, lambda row: properties(row, stamp, app_id), ready
                )
            except _FRAME_ERRORS:
                pass  # one row the frame cannot carry: row by row finds which, sends the rest
            except Exception as exc:  # nothing of the window was written
                return [exc for _row in window]
            else:
                try:
                    timed_out = await wait_all(futures, PUBLISH_TIMEOUT)
                finally:
                    fast_publish.forget(channel, window, first)
                return outcomes_of(window, futures, timed_out)
        futures = [
            asyncio.ensure_future(publish_row(channel, row, properties(row, stamp, app_id)))
            for row in window
        ]
        timed_out = await wait_all(futures, PUBLISH_TIMEOUT)
        return outcomes_of(window, futures, timed_out)


def outcomes_of(
    window: Sequence[OutboxRow], futures: list[asyncio.Future[Any]], timed_out: bool
) -> list[Outcome]:
    timeout = TimeoutError(f"no confirm within {PUBLISH_TIMEOUT:g} s")
    lost = ConnectionError("the publish was cancelled (channel closed)")
    outcomes: list[Outcome] = []
    for row, fut in zip(window, futures, strict=True):
        if not fut.done():
            fut.cancel()  # aiormq drops the confirm of a cancelled publish when it comes
            outcomes.append(timeout)
        elif fut.cancelled():
            outcomes.append(timeout if timed_out else lost)
        elif isinstance(fut.exception(), _FRAME_ERRORS):
            # aiormq raised before writing (and gave the delivery tag back): never sendable
            outcomes.append(Undeliverable(f"the frame cannot carry it: {fut.exception()}"))
        elif fut.exception() is not None:
            outcomes.append(fut.exception())
        else:
            if isinstance(fut.result(), DeliveredMessage):
                _unroutable(row)
            outcomes.append(None)
    return outcomes


async def publish_row(
    channel: aiormq.Channel, row: OutboxRow, props: aiormq.spec.Basic.Properties
) -> Any:
    """One row by aiormq's own basic_publish: the path for any aiormq release."""
    return await channel.basic_publish(
        row.body,
        exchange=row.exchange,
        routing_key=row.routing_key,
        properties=props,
        mandatory=True,
        wait=False,  # the confirm says more than the socket drain; no future for it
    )


def properties(row: OutboxRow, stamp: datetime, app_id: str) -> aiormq.spec.Basic.Properties:
    if row.properties is not None:
        # A relayed copy (a dead letter) keeps the properties it came with, as committed.
        _size, _channel, header = pamqp_frame.unmarshal(row.properties)
        assert isinstance(header, ContentHeader)
        return header.properties
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


async def wait_all(futures: list[asyncio.Future[Any]], timeout: float) -> bool:
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
