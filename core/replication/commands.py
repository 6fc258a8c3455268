"""Coordinator commands from replicas to the fund's arbiter, through a quorum queue.

A replica publishes a command to the exchange volunteer_console.commands with the key
fund.<F>.command.<action>; it lands in the quorum queue volunteer_console.fund.<F>.commands,
which only the lease holder consumes. Every command has its own id (the AMQP message_id too):
the arbiter records each outcome in the decision log and acks the command only after that
record is confirmed, and a command whose id already has an outcome there is acked without
effect, so a redelivered or resent command takes effect once.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
)

from core.broker import topology
from core.replication.names import (
    COMMANDS_EXCHANGE,
    command_key,
    commands_arguments,
    commands_queue,
)

PUBLISH_TIMEOUT = 10.0
ACTION = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_ID = 128


class BadCommand(ValueError):
    """A message on the commands queue that is not a command (refused with this reason)."""


@dataclass(frozen=True)
class Command:
    command_id: str
    action: str
    sender: str
    payload: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        body = {
            "command_id": self.command_id,
            "action": self.action,
            "sender": self.sender,
            "payload": self.payload,
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, body: bytes) -> Command:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadCommand(f"not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise BadCommand("not a JSON object")
        command_id, action, sender, payload = (
            data.get(k) for k in ("command_id", "action", "sender", "payload")
        )
        if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_ID:
            raise BadCommand(f"command_id must be a string of 1-{MAX_ID} characters")
        if not isinstance(action, str) or not ACTION.fullmatch(action):
            raise BadCommand("action must be lower-case letters, digits and _")
        if not isinstance(sender, str):
            raise BadCommand("sender must be a string")
        if not isinstance(payload, dict):
            raise BadCommand("payload must be an object")
        return cls(command_id, action, sender, payload)


async def declare_commands(
    conn: AbstractConnection, channel: AbstractChannel, fund_id: str
) -> tuple[AbstractExchange, AbstractQueue]:
    """The commands exchange, queue and binding, then both as objects of channel.

    Declared as the fund's other objects are: where an administrator (broker-setup) declared
    them and this console's user may not configure the shared exchange, passively.
    """
    queue_name = commands_queue(fund_id)
    await topology.declare_exchange(conn, COMMANDS_EXCHANGE)
    await topology.declare_queue(conn, queue_name, commands_arguments())
    await topology.bind(conn, queue_name, COMMANDS_EXCHANGE, f"fund.{fund_id}.command.#")
    exchange = await channel.get_exchange(COMMANDS_EXCHANGE)
    queue = await channel.get_queue(queue_name)
    return exchange, queue


class CommandSender:
    """A replica's side: publishes commands with confirms (mandatory: an unbound key fails)."""

    def __init__(self, connection: AbstractConnection, fund_id: str, sender: str) -> None:
        self.connection = connection
        self.fund_id = fund_id
        self.sender = sender
        self._exchange: AbstractExchange | None = None

    async def start(self) -> None:
        channel = await self.connection.channel(publisher_confirms=True)
        self._exchange, _ = await declare_commands(self.connection, channel, self.fund_id)

    async def send(
        self, action: str, payload: dict[str, Any], command_id: str | None = None
    ) -> Command:
        """Publish one command (resend a command by passing its id again)."""
        if self._exchange is None:
            await self.start()
        assert self._exchange is not None
        command = Command(command_id or uuid.uuid4().hex, action, self.sender, payload)
        if not ACTION.fullmatch(action):
            raise BadCommand("action must be lower-case letters, digits and _")
        await self._exchange.publish(
            aio_pika.Message(
                command.encode(),
                message_id=command.command_id,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=command_key(self.fund_id, action),
            mandatory=True,
            timeout=PUBLISH_TIMEOUT,
        )
        return command


def read_command(message: AbstractIncomingMessage) -> Command:
    """The command in a delivery; its action must be the one its routing key names."""
    command = Command.decode(message.body)
    key_action = (message.routing_key or "").rsplit(".", 1)[-1]
    if key_action != command.action:
        raise BadCommand(f"routing key names {key_action!r}, the body {command.action!r}")
    return command
