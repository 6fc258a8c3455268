"""The decision log: a RabbitMQ stream appended with confirms and read from a stored offset.

Over plain AMQP 0.9.1 (no stream plugin): the stream is a durable queue with
x-queue-type=stream; it is consumed with basic.qos set, manual acks and the consume argument
x-stream-offset, and each delivery carries its offset in the x-stream-offset header. A reader
applies the records at hand and stores the next offset in one SQLite transaction, then acks
them: it resumes after the last record it applied, whatever stopped it. An apply callback that
raises rolls its batch back and stalls the reader there (unacked), rather than skip a record.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue
from aiormq.abc import DeliveredMessage

from core.replication.names import log_arguments, log_stream
from core.replication.records import (
    EPOCH,
    SNAPSHOT,
    SYNC,
    BadRecord,
    LogRecord,
    Position,
    hole_after,
    missing_before,
    verdict,
)
from core.replication.state import ReplicaState

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 10.0
READ_PREFETCH = 500
FLUSH_DELAY = 0.01  # lets the deliveries on their way join one transaction (measured best)

# A record's payload fields its writer also puts in its headers (LogWriter.append's by).
OWN_FIELDS = ("by", "upto", "at")

Apply = Callable[[sqlite3.Connection, LogRecord], None]
Commit = Callable[..., Awaitable[Any]]


class LogWriteFailed(RuntimeError):
    """A record was not confirmed: its place in the log is unknown, the writer is done."""


async def declare_log(
    channel: AbstractChannel, fund_id: str, arguments: dict[str, Any] | None = None
) -> AbstractQueue:
    """The fund's stream; arguments replace the default retention (tests shrink it)."""
    return await channel.declare_queue(
        log_stream(fund_id), durable=True, arguments=arguments or log_arguments()
    )


async def publish_marker(channel: AbstractChannel, fund_id: str, nonce: str) -> None:
    """Append a sync marker (never applied): a reader that reaches it has read all before it."""
    marker = LogRecord(0, 0, SYNC, {"nonce": nonce})
    await _publish(channel, fund_id, marker)


async def _publish(
    channel: AbstractChannel,
    fund_id: str,
    record: LogRecord,
    body: bytes | None = None,
    by: dict[str, Any] | None = None,
) -> None:
    headers: dict[str, Any] = {"epoch": record.epoch, "seq": record.seq, "kind": record.kind}
    if by is not None:
        # who wrote it (by), and the few payload fields its writer's own reader needs (upto,
        # at): that reader reads no further than these (see LogReader.own)
        headers.update({k: v for k, v in by.items() if k in OWN_FIELDS})
    message = aio_pika.Message(
        record.encode() if body is None else body,
        message_id=record.message_id,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        headers=headers,
    )
    # mandatory: a log that is not there must fail the append, not swallow it
    await channel.default_exchange.publish(
        message, routing_key=log_stream(fund_id), mandatory=True, timeout=PUBLISH_TIMEOUT
    )


class LogWriter:
    """Appends records of one epoch, in order, each confirmed before the next is sent.

    One writer per lease: its epoch is the lease's. After a failed append the record's fate is
    unknown (it may be in the log), so the writer refuses further appends; the holder gives up
    its lease and the next one reads the log to its end.
    """

    def __init__(self, channel: AbstractChannel, fund_id: str, epoch: int, next_seq: int = 0):
        self.channel = channel
        self.fund_id = fund_id
        self.epoch = epoch
        self.next_seq = next_seq
        self.failed: BaseException | None = None
        self._lock = asyncio.Lock()

    async def append(self, kind: str, payload: dict, by: dict[str, Any] | None = None) -> LogRecord:
        async with self._lock:
            if self.failed is not None:
                raise LogWriteFailed(f"the log writer of epoch {self.epoch} failed before")
            record = LogRecord(self.epoch, self.next_seq, kind, payload)
            try:
                await _publish(self.channel, self.fund_id, record, by=by)
            except Exception as exc:
                self.failed = exc
                raise LogWriteFailed(f"record {record.message_id} not confirmed: {exc}") from exc
            self.next_seq += 1
            return record

    async def append_json(self, kind: str, payload: str, by: dict[str, Any] | None = None) -> None:
        """append() of a payload already written as a JSON object (the captured rows are
        JSON in SQLite: parsing them only to write them again cost the arbiter more than
        the rules did)."""
        async with self._lock:
            await self.send_json(kind, payload, by)

    def send_json(
        self, kind: str, payload: str, by: dict[str, Any] | None = None
    ) -> asyncio.Future[None]:
        """append_json() without waiting for the confirm: the record is sent now, after
        every record sent before it (the channel keeps their order), and the future is its
        confirm (LogWriteFailed). Records in flight are pipelined: the next is sent while
        the broker still stores this one; a failure ends the writer, and what was sent after
        the failed record is void for every reader (records.py, the hole rule)."""
        if self.failed is not None:
            raise LogWriteFailed(f"the log writer of epoch {self.epoch} failed before")
        record = LogRecord(self.epoch, self.next_seq, kind)
        head = json.dumps({"epoch": record.epoch, "seq": record.seq, "kind": kind})
        body = f'{head[:-1]},"payload":{payload}}}'.encode()
        self.next_seq += 1
        # A task started now: the loop runs tasks in the order they were made, and the
        # channel takes their frames under a first-come lock, so the stream gets them in
        # seq order.
        return asyncio.ensure_future(self._confirmed(record, body, by))

    async def _confirmed(self, record: LogRecord, body: bytes, by: dict[str, Any] | None) -> None:
        try:
            await _publish(self.channel, self.fund_id, record, body, by)
        except Exception as exc:
            if self.failed is None:
                self.failed = exc
            raise LogWriteFailed(f"record {record.message_id} not confirmed: {exc}") from exc


class LogReader:
    """Reads the fund's log from the stored position, applying each record once, in order.

    Records of an epoch older than one already seen are fenced (counted, never applied); a
    record repeating an applied (epoch, seq) is a duplicate; sync markers wake their waiters.

    When the sequence numbers show records missing before the one delivered, they are gone
    (the stream's retention; see records.missing_before): the reader is behind. It then
    applies nothing and stores nothing until a snapshot record, which it applies whole; after
    a restart it finds the same gap. A snapshot that arrives while the reader is up to date is
    skipped (its rows are already here).
    """

    def __init__(
        self,
        channel: AbstractChannel,
        fund_id: str,
        state: ReplicaState,
        apply: Apply | None = None,
        *,
        prefetch: int = READ_PREFETCH,
        log_arguments: dict[str, Any] | None = None,
        commit: Commit | None = None,
        start_behind: bool = False,
    ) -> None:
        self.channel = channel
        # Runs a batch's transaction (the console's writer thread); inline without one.
        self.commit = commit
        self.failed = asyncio.Event()  # a batch could not be applied: start a new reader
        self.highest_epoch = -1  # the highest epoch of any record delivered, applied or not
        # A reader that never applied a record starts from a snapshot: the log's first
        # holder may have brought rows from before it joined (they are in its snapshot).
        self.start_behind = start_behind
        self.log_arguments = log_arguments
        self.behind = False
        self.fund_id = fund_id
        self.state = state
        self.apply = apply
        self.prefetch = prefetch
        self.position = state.position()
        self.counts: Counter[str] = Counter()
        self._markers: dict[str, asyncio.Future[Position]] = {}
        self._listeners: list[Callable[[LogRecord, str], None]] = []
        self._tag: str | None = None
        self._queue: AbstractQueue | None = None
        self._pending: list[DeliveredMessage] = []
        self._underlay: Any = None
        self._flusher: asyncio.Future[None] | None = None
        # Around each batch's records, inside its transaction (the console switches its
        # change capture off there, once per batch).
        self.batch_begin: Callable[[sqlite3.Connection], None] | None = None
        self.batch_end: Callable[[sqlite3.Connection], None] | None = None
        self._flushing = False
        # Whether the stream is known to hold everything after this reader's position (it
        # delivered the record there, or this reader applied one): a sequence gap is then a
        # hole, not the retention's (records.hole_after).
        self._continuous = False
        self._void_epoch = -1
        # The console this reader belongs to: its own records (the `by` header) are not
        # decoded (it wrote them; their rows are here), and a batch of nothing else changes
        # no replicated row, so it commits through quiet_transaction when one is given (the
        # arbiter's own connection: its engine does not reload what it already holds).
        self.own: str | None = None
        self.quiet_transaction: Callable[[], AbstractContextManager[sqlite3.Connection]] | None = (
            None
        )

    def subscribe(self, callback: Callable[[LogRecord, str], None]) -> None:
        """callback(record, verdict) after each record is committed."""
        self._listeners.append(callback)

    async def start(self) -> None:
        await self.channel.set_qos(prefetch_count=self.prefetch)
        self._queue = await declare_log(self.channel, self.fund_id, self.log_arguments)
        self.position = self.state.position()
        if self.start_behind and self.position.epoch < 0:
            self.behind = True
        # aiormq directly: aio-pika's consume makes an IncomingMessage and a task of each
        # delivery, which cost more than applying a record does.
        self._underlay = await self.channel.get_underlay_channel()
        ok = await self._underlay.basic_consume(
            self._queue.name,
            self._on_delivered,
            # from the last record read (skipped): its delivery shows nothing after it is gone
            arguments={"x-stream-offset": max(0, self.position.next_offset - 1)},
        )
        self._tag = ok.consumer_tag

    async def stop(self) -> None:
        if self._underlay is not None and self._tag is not None and not self.channel.is_closed:
            # Bounded: on a link that is cut but not yet seen closed, CancelOk never comes,
            # and a console stopping while cut off must still stop.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._underlay.basic_cancel(self._tag), 3.0)
        self._tag = None
        for waiter in self._markers.values():
            waiter.cancel()
        self._markers.clear()

    async def read_to_end(self, channel: AbstractChannel, timeout: float = 30.0) -> Position:
        """Append a marker through channel and wait until this reader reaches it: everything
        in the log before it is then applied. The position after it."""
        nonce = uuid.uuid4().hex
        waiter = asyncio.get_running_loop().create_future()
        self._markers[nonce] = waiter
        try:
            await publish_marker(channel, self.fund_id, nonce)
            return await asyncio.wait_for(waiter, timeout)
        finally:
            self._markers.pop(nonce, None)

    async def _on_delivered(self, message: DeliveredMessage) -> None:
        # Deliveries queue here; one flush commits whatever arrived in one SQLite transaction
        # (each transaction has its own costs), then acks it with one multiple ack.
        if self.failed.is_set():
            return  # unacknowledged: they come again to the reader started anew
        self._pending.append(message)
        if self._flushing:
            return
        self._flushing = True
        self._flusher = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        try:
            await asyncio.sleep(FLUSH_DELAY)
            while self._pending and not self.failed.is_set():
                batch, self._pending = self._pending, []
                batch.sort(key=lambda m: m.delivery_tag or 0)
                if self.commit is None:
                    done = self._handle_batch(batch)
                else:
                    done = await self.commit(self._handle_batch, batch)
                # listeners first: nothing else runs between the commit and them
                for record, what in done:
                    self._notify(record, what)
                assert self._underlay is not None
                await self._underlay.basic_ack(batch[-1].delivery_tag or 0, multiple=True)
        except Exception as exc:
            # Unacknowledged, they come again to a reader started anew (the console's does).
            if self._tag is None or self.channel.is_closed:
                # stopped, or its link went (every clean stop with records in flight): what
                # was not acknowledged comes again, and what was applied is then a duplicate
                log.info(
                    "fund %s: log records not acknowledged (%r); read again", self.fund_id, exc
                )
            else:
                log.warning(
                    "fund %s: log records not applied (%r); reading again", self.fund_id, exc
                )
            self.failed.set()
        finally:
            self._flushing = False

    def _notify(self, record: LogRecord, what: str) -> None:
        if what == "marker":
            waiter = self._markers.get(str(record.payload.get("nonce")))
            if waiter is not None and not waiter.done():
                waiter.set_result(self.position)
        for callback in self._listeners:
            callback(record, what)

    def _handle_batch(self, batch: list[DeliveredMessage]) -> list[tuple[LogRecord, str]]:
        """Apply a batch of deliveries in one transaction; what each record was."""
        position = self.position
        done: list[tuple[LogRecord, str]] = []
        counts: Counter[str] = Counter()
        continuous = self._continuous
        quiet = self.quiet_transaction
        if quiet is not None and not all(self._is_quiet(m) for m in batch):
            quiet = None
        with self.state.transaction() if quiet is None else quiet() as conn:
            if self.batch_begin is not None:
                self.batch_begin(conn)
            for message in batch:
                offset = (message.header.properties.headers or {}).get("x-stream-offset")
                if not isinstance(offset, int):
                    log.error("log delivery without an x-stream-offset header skipped")
                    counts["bad"] += 1
                    continue
                if offset < position.next_offset:
                    # a stream delivers from the start of the chunk asked for; the reader
                    # asks for the last offset it read: if it is still there, nothing after
                    # it is gone (the retention removes the oldest first)
                    continuous |= offset == position.next_offset - 1
                    continue
                try:
                    record = self._own_record(message, offset) or LogRecord.decode(
                        message.body, offset
                    )
                except BadRecord as exc:
                    log.warning("log record at offset %d skipped: %s", offset, exc)
                    counts["bad"] += 1
                    position = Position(offset + 1, position.epoch, position.seq)
                    continue
                if not self.behind and hole_after(position, record, continuous):
                    if self._void_epoch != record.epoch:
                        log.warning(
                            "fund %s: log records of epoch %d after seq %d were never stored"
                            " (a hole): the rest of that epoch is void",
                            self.fund_id,
                            record.epoch,
                            position.seq,
                        )
                        self._void_epoch = record.epoch
                    position = Position(offset + 1, position.epoch, position.seq)
                    counts["void"] += 1
                    done.append((record, "void"))
                    continue
                if not self.behind and missing_before(position, record):
                    log.warning(
                        "fund %s: log records before %s (offset %d) are gone (retention):"
                        " waiting for a snapshot",
                        self.fund_id,
                        record.message_id,
                        offset,
                    )
                    self.state.advance(conn, position)  # what this batch applied before the gap
                    self.behind = True
                if record.kind != SYNC:
                    self.highest_epoch = max(self.highest_epoch, record.epoch)
                what = verdict(position, record)
                if what == "apply" and record.kind == SNAPSHOT and not self.behind:
                    what = "snapshot_skipped"
                elif what == "apply" and self.behind and record.kind != SNAPSHOT:
                    what = "behind"
                if what == "apply":
                    if self.apply is not None:
                        self.apply(conn, record)
                    self.state.note_command(conn, record)
                    self.behind = False
                    continuous = True  # what follows it in the stream is all there
                if what in ("apply", "snapshot_skipped", "behind"):
                    position = Position(offset + 1, record.epoch, record.seq)
                else:
                    if what == "fenced":
                        log.warning(
                            "log record %s at offset %d fenced: epoch %d is over",
                            record.message_id,
                            offset,
                            record.epoch,
                        )
                    position = Position(offset + 1, position.epoch, position.seq)
                counts[what] += 1
                done.append((record, what))
            if not self.behind:
                self.state.advance(conn, position)
            if self.batch_end is not None:
                self.batch_end(conn)
        # only once committed: a rolled-back batch leaves the reader where it was
        self.position = position
        self._continuous = continuous
        self.counts.update(counts)
        return done

    def _is_quiet(self, message: DeliveredMessage) -> bool:
        headers = message.header.properties.headers or {}
        kind = headers.get("kind")
        return kind == SYNC or (
            self.own is not None and headers.get("by") == self.own and kind != EPOCH
        )

    def _own_record(self, message: DeliveredMessage, offset: int) -> LogRecord | None:
        """This console's own record, from its headers alone (None when it is not)."""
        headers = message.header.properties.headers or {}
        if self.own is None or headers.get("by") != self.own:
            return None
        epoch, seq, kind = headers.get("epoch"), headers.get("seq"), headers.get("kind")
        if type(epoch) is not int or type(seq) is not int or not isinstance(kind, str):
            return None
        if kind in (EPOCH, SYNC) or epoch < 0 or seq < 0:
            return None
        payload = {k: headers[k] for k in OWN_FIELDS if k in headers}
        return LogRecord(epoch, seq, kind, payload, offset)
