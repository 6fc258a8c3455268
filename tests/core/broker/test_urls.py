"""A cluster's nodes for one connection: the node that answered first, the next after a loss."""

from __future__ import annotations

import asyncio
import gc

import aio_pika
import pytest

from core.broker.urls import Brokers, split_urls
from tests.helpers.broker import BROKER_URL, broker_available

DEAD = "amqp://guest:guest@127.0.0.1:1/"


def test_the_nodes_are_the_comma_separated_urls_in_order() -> None:
    assert split_urls(" amqp://a/ ,amqp://b/,, amqp://c/") == [
        "amqp://a/",
        "amqp://b/",
        "amqp://c/",
    ]
    assert Brokers("amqp://a/").urls == ["amqp://a/"]


@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")
def test_after_a_loss_the_next_node_is_tried_first_and_a_dead_one_is_skipped() -> None:
    async def scenario() -> list[tuple[str, int]]:
        brokers = Brokers(f"{BROKER_URL},{DEAD}")
        seen = []
        conn = await brokers.connect(timeout=5)
        seen.append(("first", brokers.current))
        await conn.close()
        brokers.lost()  # the transport lost its session: the dead node comes first now
        seen.append(("after the loss", brokers.current))
        conn = await brokers.connect(timeout=5)
        seen.append(("again", brokers.current))
        await conn.close()
        return seen

    assert asyncio.run(scenario()) == [("first", 0), ("after the loss", 1), ("again", 0)]
    single = Brokers(BROKER_URL)
    single.lost()
    assert single.current == 0


def test_a_refused_attempt_leaves_no_connection_open_behind_it() -> None:
    """A broker that is down refuses every attempt: none may leave an aio-pika connection
    whose __del__ schedules a close nobody awaits (a warning per attempt, for hours)."""

    async def scenario() -> list[aio_pika.abc.AbstractConnection]:
        for _ in range(3):
            with pytest.raises(OSError):
                await Brokers(DEAD).connect(timeout=2)
        return [
            o for o in gc.get_objects() if isinstance(o, aio_pika.Connection) and not o.is_closed
        ]

    assert asyncio.run(scenario()) == []
