"""The fund's exchanges and queues: names, arguments, and declaring them on a connection."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection

from core import messages as m

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "volunteer_console.dead_letter"
DELIVERY_LIMIT = 20

Role = Literal["responses", "waiting", "dead_letters"]
CONSUMED_ROLES: tuple[Role, ...] = ("responses", "waiting")


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


def bindings(fund_id: str) -> list[tuple[Role, str, str]]:
    """(queue role, exchange, binding key) of every binding the console relies on."""
    fund = m.key_segment(fund_id)
    return [
        ("responses", m.RESPONSE_EXCHANGE, f"fund.{fund}.response.#"),
        ("waiting", m.WAITING_EXCHANGE, f"fund.{fund}.waiting.#"),
        ("dead_letters", DEAD_LETTER_EXCHANGE, f"fund.{fund}.#"),
    ]


class TopologyRefused(aiormq.exceptions.ChannelClosed):
    """The broker refused part of the topology and it is not there either: an operator must
    act. The message names the object and the permission that is missing."""


async def declare(conn: AbstractConnection, fund_id: str) -> dict[Role, str]:
    """Declare the shared exchanges, the fund's three queues and their bindings.

    Least privilege: where an administrator pre-declared an object and granted this user no
    configure permission on it (ACCESS_REFUSED), it is declared passively instead (the broker
    then only checks that it exists). Each refusal closes its channel, so each object gets a
    channel of its own; the consumers only need the queue names.
    """
    names = queue_names(fund_id)
    for name in (*m.EXCHANGES, DEAD_LETTER_EXCHANGE):
        await _declare_one(conn, "exchange", name, _exchange(name))
    for role in ("responses", "waiting"):
        await _declare_one(
            conn, "queue", names[role], _queue(names[role], consumer_queue_arguments())
        )
    await _declare_one(
        conn,
        "queue",
        names["dead_letters"],
        _queue(names["dead_letters"], DEAD_LETTER_QUEUE_ARGUMENTS),
    )
    for role, exchange, key in bindings(fund_id):
        await _bind(conn, names[role], exchange, key)
    return names


async def declare_exchange(conn: AbstractConnection, name: str) -> None:
    """One topic exchange, declared passively where this user may not configure it."""
    await _declare_one(conn, "exchange", name, _exchange(name))


async def declare_queue(conn: AbstractConnection, name: str, arguments: dict[str, Any]) -> None:
    """One durable queue, declared passively where this user may not configure it."""
    await _declare_one(conn, "queue", name, _queue(name, arguments))


async def bind(conn: AbstractConnection, queue: str, exchange: str, key: str) -> None:
    """One binding, refused with the permission it needs."""
    await _bind(conn, queue, exchange, key)


Declare = Callable[[AbstractChannel, bool], Awaitable[object]]


def _exchange(name: str) -> Declare:
    async def declare(ch: AbstractChannel, passive: bool) -> object:
        return await ch.declare_exchange(
            name, aio_pika.ExchangeType.TOPIC, durable=True, passive=passive
        )

    return declare


def _queue(name: str, arguments: dict[str, Any]) -> Declare:
    async def declare(ch: AbstractChannel, passive: bool) -> object:
        return await ch.declare_queue(name, durable=True, arguments=arguments, passive=passive)

    return declare


async def _declare_one(conn: AbstractConnection, kind: str, name: str, declare: Declare) -> None:
    try:
        await _on_own_channel(conn, lambda ch: declare(ch, False))
        return
    except aiormq.exceptions.ChannelAccessRefused as exc:
        refused = exc
    log.info("may not configure %s %s (%s): declaring it passively", kind, name, refused)
    try:
        await _on_own_channel(conn, lambda ch: declare(ch, True))
    except aiormq.exceptions.ChannelNotFoundEntity:
        raise TopologyRefused(
            f"{kind} {name} does not exist and this user may not declare it (no configure"
            f" permission on it); an administrator must declare it or grant configure on it"
        ) from refused
    except aiormq.exceptions.ChannelAccessRefused as exc:
        raise TopologyRefused(
            f"{kind} {name}: access refused even to check that it exists ({exc}); grant this"
            " user access to the virtual host and configure permission on it"
        ) from refused


async def _bind(conn: AbstractConnection, queue: str, exchange: str, key: str) -> None:
    async def bind(ch: AbstractChannel) -> object:
        q = await ch.declare_queue(queue, passive=True)
        return await q.bind(exchange, key)

    try:
        await _on_own_channel(conn, bind)
    except aiormq.exceptions.ChannelAccessRefused as exc:
        raise TopologyRefused(
            f"may not bind queue {queue} to exchange {exchange} with {key!r} ({exc}): a binding"
            " needs write permission on the queue and read permission on the exchange"
        ) from exc


async def _on_own_channel(
    conn: AbstractConnection, action: Callable[[AbstractChannel], Awaitable[object]]
) -> None:
    ch = await conn.channel()
    try:
        await action(ch)
    finally:
        if not ch.is_closed:
            await ch.close()
