"""The fund's exchanges and queues: names, arguments, and declaring them on a connection."""

from __future__ import annotations

from typing import Any, Literal

import aio_pika
from aio_pika.abc import AbstractConnection

from core import messages as m

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


async def declare(conn: AbstractConnection, fund_id: str) -> dict[Role, str]:
    """Declare the shared exchanges, the fund's three queues and their bindings.

    Runs on a channel of its own, closed afterwards: the consumers only need the names.
    """
    names = queue_names(fund_id)
    ch = await conn.channel()
    try:
        exchanges = {}
        for name in (*m.EXCHANGES, DEAD_LETTER_EXCHANGE):
            exchanges[name] = await ch.declare_exchange(
                name, aio_pika.ExchangeType.TOPIC, durable=True
            )
        queues = {}
        for role in ("responses", "waiting"):
            queues[role] = await ch.declare_queue(
                names[role], durable=True, arguments=consumer_queue_arguments()
            )
        queues["dead_letters"] = await ch.declare_queue(
            names["dead_letters"], durable=True, arguments=DEAD_LETTER_QUEUE_ARGUMENTS
        )
        for role, exchange, key in bindings(fund_id):
            await queues[role].bind(exchanges[exchange], key)
    finally:
        if not ch.is_closed:
            await ch.close()
    return names
