"""Two consoles of one fund on a private 3-node RabbitMQ cluster: the node they are on stops."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from uuid import uuid4

import pytest

from core.clock import SystemClock
from core.redaction import redact
from core.replication.names import log_stream
from core.service import ConsoleCore
from tests.core.replication.test_consoles import replicated_rows
from tests.helpers.broker import VolunteerClient, books, intact, outcomes_seen, wait_until
from tests.helpers.factories import a_form
from tests.helpers.rabbit_node import RabbitNode, private_cluster

# Forming the cluster alone took 47-102 s here (three VMs booted one after another on 2 cores
# shared with other runs, load 5-10), the whole test 75-215 s: slow.
pytestmark = [pytest.mark.broker, pytest.mark.slow, pytest.mark.timeout(300)]

CAPACITY, RESPONSES = 200, 600


def members(node: RabbitNode, fund: str) -> dict[str, dict[str, object]]:
    """The fund's quorum queues and stream as the cluster reports them (type, members)."""
    rows = json.loads(node.ctl("list_queues", "name", "type", "members", "--formatter", "json"))
    return {
        r["name"]: {"type": r["type"], "members": sorted(r["members"])}
        for r in rows
        if f".fund.{fund}." in r["name"] and r["type"] in ("quorum", "stream")
    }


def test_the_node_the_consoles_are_on_stops_mid_stream_and_they_carry_on_through_the_others(
    tmp_path: Path,
) -> None:
    """Both consoles are given all three nodes and connect to the first; the volunteers' side
    is on the third. The first node stops while responses stream in: nothing is lost or
    applied twice, every volunteer is told once, and the two databases end equal."""
    fund = f"t{uuid4().hex[:8]}"
    figures: dict[str, float | int | str] = {}
    cores: list[ConsoleCore] = []

    async def scenario(nodes: list[RabbitNode], vol: VolunteerClient) -> None:
        first = nodes[0]
        urls = ",".join(n.url for n in nodes)
        # A small prefetch keeps the stream flowing when the node stops, batches of several.
        a = ConsoleCore(tmp_path / "A", fund, urls, console_name="A", prefetch=5)
        cores.append(a)
        await a.start()
        await wait_until(
            lambda: a.replication is not None and a.replication.deciding, 60, "A to decide"
        )
        b = ConsoleCore(tmp_path / "B", fund, urls, console_name="B", prefetch=5)
        cores.append(b)
        await b.start()
        assert a.replication is not None and b.replication is not None
        await wait_until(lambda: b.replication is not None and b.replication.holder_name == "A")
        await vol.start()
        app = await a.writer.call(
            a.engine.create_application, a_form(SystemClock(), spots=CAPACITY)
        )
        await wait_until(lambda: len(vol.announcements) == 1, 30, "the announcement")

        # Replicated on all three: the responses and waitlist queues, the commands queue and
        # the decision log, all declared by the consoles with the cluster present.
        everywhere = sorted(n.name for n in nodes)
        declared = await asyncio.to_thread(members, first, fund)
        assert declared[log_stream(fund)] == {"type": "stream", "members": everywhere}
        quorum = {k: v for k, v in declared.items() if v["type"] == "quorum"}
        assert len(quorum) >= 3, declared
        assert all(v["members"] == everywhere for v in quorum.values()), declared
        for core in (a, b):
            assert core.transport.status.detail == f"connected to {redact(first.url)}"

        volunteers = list(range(1, RESPONSES + 1))

        async def stream() -> list[str]:
            return [await vol.respond(int(app), v, "accepted") for v in volunteers]

        # The volunteers go on answering through the third node while the first one stops.
        publishing = asyncio.create_task(stream())
        responses = a.transport.consumed
        await wait_until(lambda: responses["responses"] >= 100, 60, "a hundred handled")
        figures["applied_before_stop"] = responses["responses"]
        stopped_at = time.monotonic()
        stopping = asyncio.create_task(asyncio.to_thread(first.stop))

        def carrying_on() -> ConsoleCore | None:
            for core in (a, b):
                rep = core.replication
                if (
                    rep is not None
                    and rep.deciding
                    and core.transport.status.state == "connected"
                    and core.transport.status.detail != f"connected to {redact(first.url)}"
                ):
                    return core
            return None

        await wait_until(lambda: a.transport.status.state != "connected", 60, "the loss noticed")
        figures["lost_after_s"] = round(time.monotonic() - stopped_at, 2)
        at_loss = sum(c.transport.consumed["responses"] for c in (a, b))
        figures["applied_at_loss"] = at_loss
        await wait_until(lambda: carrying_on() is not None, 60, "a console deciding again")
        arbiter = carrying_on()
        assert arbiter is not None and arbiter.replication is not None
        figures["deciding_again_after_s"] = round(time.monotonic() - stopped_at, 2)
        figures["deciding_after_stop"] = arbiter.replication.name
        await wait_until(
            lambda: sum(c.transport.consumed["responses"] for c in (a, b)) > at_loss,
            60,
            "a response applied through another node",
        )
        figures["applying_again_after_s"] = round(time.monotonic() - stopped_at, 2)
        assert at_loss < RESPONSES, "the stream ended before the node stopped"
        figures["node_stop_s"] = round(await stopping, 2)
        assert not first.is_running()
        ids = await publishing
        replica = b if arbiter is a else a
        await wait_until(
            lambda: len(outcomes_seen(vol)) == RESPONSES and arbiter.transport.status.backlog == 0,
            90,
            "every volunteer told their outcome",
        )
        figures["all_told_after_s"] = round(time.monotonic() - stopped_at, 2)
        figures["sent"] = len(ids)
        figures["applied_a"] = a.transport.consumed["responses"]
        figures["applied_b"] = b.transport.consumed["responses"]
        # Both consoles are on the other nodes now, every one of their connections.
        for core in (a, b):
            rep = core.replication
            assert rep is not None
            assert rep.status()["broker_node"] != redact(first.url)
        assert books(arbiter.store.path, app, CAPACITY, volunteers, ids) == intact(
            CAPACITY, RESPONSES
        )
        # Told once each, whatever was redelivered when the node's connections closed.
        assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())

        def equal() -> bool:
            return replicated_rows(replica.store.path) == replicated_rows(arbiter.store.path)

        await wait_until(equal, 60, "the replica's tables to equal the arbiter's")
        assert books(replica.store.path, app, CAPACITY, volunteers, ids)["lost"] == 0

    async def main(nodes: list[RabbitNode]) -> None:
        # The volunteers' side is on the third node: its queues outlive the first one.
        vol = VolunteerClient(fund, nodes[2].url, durable=True)
        try:
            await asyncio.wait_for(scenario(nodes, vol), 240)
        finally:
            for core in cores:
                await core.stop()
            await vol.close()

    began = time.monotonic()
    with private_cluster(3) as nodes:
        figures["cluster_up_s"] = round(time.monotonic() - began, 1)
        try:
            asyncio.run(main(nodes))
        finally:
            print(f"cluster node stop figures: {figures}")
