"""One console's part in a fund with several consoles: a replica always, the arbiter when it
holds the lease.

Always: reads the decision log into its SQLite (LogReader). When it wins the lease: reads the
log to its end (a sync marker written through the lease's own connection), starts the next
epoch (one more than the highest in the log, so strictly greater than any before it) with an
epoch record, then consumes the commands queue and decides each command once. When the lease
is lost (its connection ended) it stops deciding at once: the commands it had not acked go
back to the queue for the next holder, and any record it still manages to write carries an
epoch the others fence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aio_pika.abc import AbstractConnection, AbstractIncomingMessage

from core.broker.urls import connect
from core.replication.commands import BadCommand, Command, declare_commands, read_command
from core.replication.lease import HEARTBEAT, RETRY_EVERY, Lease
from core.replication.log import Apply, LogReader, LogWriteFailed, LogWriter
from core.replication.records import COMMAND, EPOCH
from core.replication.state import ReplicaState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """A command's outcome: applied, or refused with the reason; details go to the log."""

    applied: bool
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)


Decide = Callable[[Command], Decision]


class FundMember:
    """A console of a fund: replica of the log, contender for the lease, arbiter when held."""

    def __init__(
        self,
        url: str,
        fund_id: str,
        state: ReplicaState,
        decide: Decide,
        *,
        holder: str,
        apply: Apply | None = None,
        heartbeat: int = HEARTBEAT,
        retry_every: float = RETRY_EVERY,
    ) -> None:
        self.url = url
        self.fund_id = fund_id
        self.state = state
        self.decide = decide
        self.holder = holder
        self.apply = apply
        self.lease = Lease(url, fund_id, holder, heartbeat=heartbeat, retry_every=retry_every)
        self.reader: LogReader | None = None
        self.writer: LogWriter | None = None
        self.epoch: int | None = None
        self.holding = asyncio.Event()
        self.became_holder_at: float | None = None
        self.decided: list[str] = []
        self._decided_ids: set[str] = set()
        self._connection: AbstractConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._connection = await connect(
            self.url,
            client_properties={
                "connection_name": f"volunteer-console fund {self.fund_id} log {self.holder}"
            },
        )
        channel = await self._connection.channel()
        self.reader = LogReader(channel, self.fund_id, self.state, self.apply)
        await self.reader.start()
        self._task = asyncio.create_task(self._contend(), name=f"lease-{self.holder}")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        await self.lease.release()
        if self.reader is not None:
            await self.reader.stop()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), 3.0)

    async def _contend(self) -> None:
        while not self._stopping:
            await self.lease.acquire(lambda: self._stopping)
            try:
                await self._hold()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("fund %s: %s gives up the lease: %s", self.fund_id, self.holder, exc)
            finally:
                self.holding.clear()
                self.writer = None
                self.epoch = None
            await self.lease.release()

    async def _hold(self) -> None:
        assert self.reader is not None and self.lease.connection is not None
        channel = await self.lease.connection.channel(publisher_confirms=True)
        position = await self.reader.read_to_end(channel)
        writer = LogWriter(channel, self.fund_id, epoch=position.epoch + 1)
        await writer.append(EPOCH, {"holder": self.holder, "after": [position.epoch, position.seq]})
        self.writer, self.epoch = writer, writer.epoch
        commands = await self.lease.connection.channel()
        await commands.set_qos(prefetch_count=1)
        _, queue = await declare_commands(self.lease.connection, commands, self.fund_id)
        await queue.consume(self._on_command)
        self.became_holder_at = time.monotonic()
        self.holding.set()
        log.info("fund %s: %s decides under epoch %d", self.fund_id, self.holder, writer.epoch)
        await self.lease.lost.wait()

    async def _on_command(self, message: AbstractIncomingMessage) -> None:
        writer = self.writer
        if writer is None or not self.lease.held:
            return  # the lease is going: unacked, the command goes to the next holder
        try:
            command = read_command(message)
        except BadCommand as exc:
            await self._append_outcome(
                writer,
                {
                    "command_id": message.message_id or "",
                    "status": "refused",
                    "reason": f"bad command: {exc}",
                },
            )
            await message.ack()
            return
        if self.state.command_outcome(command.command_id) or command.command_id in (
            self._decided_ids
        ):
            await message.ack()  # decided before (by this holder or an earlier one)
            return
        decision = self.decide(command)
        await self._append_outcome(
            writer,
            {
                "command_id": command.command_id,
                "action": command.action,
                "sender": command.sender,
                "status": "applied" if decision.applied else "refused",
                "reason": decision.reason,
                "details": decision.details,
            },
        )
        self._decided_ids.add(command.command_id)
        self.decided.append(command.command_id)
        await message.ack()

    async def _append_outcome(self, writer: LogWriter, payload: dict[str, Any]) -> None:
        try:
            await writer.append(COMMAND, payload)
        except LogWriteFailed:
            # Its place in the log is unknown: stop deciding; the next holder reads the log.
            await self.lease.release()
            raise
