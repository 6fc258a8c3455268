"""ConsoleCore and run_headless: the deadline ticker, orderly stop, headless run."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sqlite3
from datetime import date, time, timedelta
from pathlib import Path
from uuid import uuid4

import aio_pika
import pytest

from core import rules
from core.clock import ManualClock, utcnow
from core.engine import ApplicationForm, Delivery
from core.service import ConsoleCore, run_headless
from tests.helpers.broker import (
    BROKER_URL,
    VolunteerClient,
    broker_available,
    delete_fund_queues,
    fund_queue_names,
    wait_until,
)

UNREACHABLE = "amqp://guest:guest@127.0.0.1:9/"  # the discard port: nothing answers AMQP


def form(spots: int, timeout_min: int = 30) -> ApplicationForm:
    return ApplicationForm(
        name="Сортировка вещей",
        day=date.today() + timedelta(days=3),
        start=time(10, 0),
        end=time(12, 0),
        spots=spots,
        offer_timeout_min=timeout_min,
    )


def response(app: str, volunteer: int, status: str) -> Delivery:
    body = {
        "action": "volunteer_response",
        "data": {"volunteer_id": volunteer, "volunteer_application_id": int(app), "status": status},
    }
    return Delivery(json.dumps(body).encode(), message_id=str(uuid4()))


def test_deadline_ticker_closes_an_unclaimed_offer_round_with_no_message_arriving(
    tmp_path: Path,
) -> None:
    clock = ManualClock(utcnow())

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "f1", UNREACHABLE, clock)
        await core.start()
        try:
            app = core.engine.create_application(form(1, timeout_min=5))
            results = core.engine.handle(
                [response(app, 1, "accepted"), response(app, 2, "accepted")]
            )
            assert [r.outcome for r in results] == ["applied", "applied"]
            core.engine.handle([response(app, 1, "declined")])
            st = core.engine.state(app)
            assert st is not None and st.round is not None  # the spot is held for volunteer 2
            clock.advance(minutes=6)  # nobody claims within the offer timeout
            await wait_until(
                lambda: (s := core.engine.state(app)) is not None and s.round is None,
                10,
                "the ticker to close the round",
            )
            summary = core.queries.summary(app)
            assert summary is not None
            outbox = [json.loads(r.body) for r in core.store.pending_outbox()]
            assert outbox[-1]["user_id"] == 2 and outbox[-1]["status"] == "не выбрал"
        finally:
            await core.stop()

    asyncio.run(scenario())


def test_the_ticker_sends_a_due_reminder_offline_and_a_restart_sends_it_no_more(
    tmp_path: Path,
) -> None:
    clock = ManualClock(utcnow())

    def reminders(core: ConsoleCore) -> list[tuple[int, str]]:
        rows = [json.loads(r.body) for r in core.store.pending_outbox()]
        return [(b["user_id"], b["confirm_by"]) for b in rows if b.get("status") == "напоминание"]

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "f1", UNREACHABLE, clock)  # no broker: offline all along
        await core.start()
        try:
            app = core.engine.create_application(form(2))
            core.engine.handle([response(app, 1, "accepted")])
            st = core.engine.state(app)
            assert st is not None
            start = rules.shift_start(st, clock.tz)
            clock.set(start - timedelta(hours=47))  # past the 48 h lead time, no message comes
            await wait_until(lambda: bool(reminders(core)), 10, "the ticker to send the reminder")
            assert reminders(core) == [(1, (start - timedelta(hours=24)).isoformat())]
        finally:
            await core.stop()
        again = ConsoleCore(tmp_path, "f1", UNREACHABLE, clock)
        await again.start()
        try:
            await asyncio.sleep(1.5)  # more than one tick of the restarted ticker
            assert len(reminders(again)) == 1
        finally:
            await again.stop()

    asyncio.run(scenario())


@pytest.mark.broker
@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")
def test_run_headless_serves_until_the_stop_event_then_flushes_and_closes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fund = f"t{uuid4().hex[:8]}"
    apps: list[str] = []

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL)
        stop = asyncio.Event()
        try:
            async with VolunteerClient(fund) as vol:
                task = asyncio.create_task(run_headless(core, stop))
                await wait_until(lambda: core.transport.status.state == "connected")
                app = core.engine.create_application(form(1))
                apps.append(app)
                await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
                await vol.respond(int(app), 5, "accepted")
                await wait_until(lambda: vol.to(5) == ["записан"], what="signed up")
                stop.set()
                await asyncio.wait_for(task, 15)
            assert core.store.db.is_closed()
            assert core.transport.status.state == "offline"
            assert core.transport.status.detail == "stopped"
        finally:
            await delete_fund_queues(fund)

    asyncio.run(scenario())
    gc.collect()
    assert "Task was destroyed" not in caplog.text
    assert "guest:guest@" not in caplog.text
    assert "broker connected" in caplog.text
    # one INFO line per decision, with who decided and the message that caused it
    decisions = [
        r.getMessage()
        for r in caplog.records
        if r.name == "core.service" and "application" in r.msg
    ]
    [app] = apps
    assert [d.split(":")[1].strip() for d in decisions] == [
        "created by coordinator",
        "published by coordinator",
        "signed_up volunteer 5 by volunteer 5",
    ]
    assert all(d.startswith(f"application {app}: ") for d in decisions)
    assert "(message " in decisions[-1]


@pytest.mark.broker
@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")
def test_stop_mid_stream_acks_exactly_what_was_committed(tmp_path: Path) -> None:
    fund = f"t{uuid4().hex[:8]}"
    n = 1500

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL, prefetch=200)
        await core.start()
        try:
            async with VolunteerClient(fund) as vol:
                await wait_until(lambda: core.transport.status.state == "connected")
                app = core.engine.create_application(form(50))
                await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
                await core.transport.stop()  # keep the queue, stop consuming: responses pile up
                ids = [await vol.respond(int(app), v, "accepted") for v in range(n)]
                await core.transport.start()
                await wait_until(lambda: core.transport.consumed["responses"] > 0, what="flow")
                await core.stop()  # mid-stream
            assert core.store.db.is_closed()
            c = sqlite3.connect(tmp_path / "console.db")
            inbox = {r[0] for r in c.execute("SELECT message_id FROM inbox")}
            c.close()
            done = sum(mid in inbox for mid in ids)
            assert 0 < done < n, "stopped too late (or too early) to prove anything"
            conn = await aio_pika.connect(BROKER_URL)
            try:
                ch = await conn.channel()
                q = await ch.declare_queue(fund_queue_names(fund)[0], passive=True)
                left = q.declaration_result.message_count
            finally:
                await conn.close()
            # Every committed response was acked, nothing else was: the rest waits in the queue.
            assert left == n - done
        finally:
            await delete_fund_queues(fund)

    asyncio.run(scenario())


def test_stop_interrupts_a_connection_attempt_to_a_silent_host(tmp_path: Path) -> None:
    async def scenario() -> None:
        peers: list[asyncio.StreamWriter] = []

        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            peers.append(writer)
            await reader.read()  # accepts the TCP connection, never speaks AMQP
            writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        core = ConsoleCore(tmp_path, "f1", f"amqp://guest:guest@127.0.0.1:{port}/")
        seen: list[str] = []
        core.transport.subscribe_status(lambda s: seen.append(f"{s.state}: {s.detail}"))
        await core.start()
        await wait_until(lambda: core.transport.status.state == "connecting")
        await asyncio.sleep(0.2)  # the attempt is under way, waiting for the handshake
        await core.stop()
        server.close()
        for w in peers:
            w.close()
        await server.wait_closed()
        # stop() did not sit out the attempt until it failed: no "cannot reach" on the way
        assert seen[-1] == "offline: stopped"
        assert not any("cannot reach" in s for s in seen), seen
        assert core.store.db.is_closed()

    asyncio.run(scenario())


# ---- the window's core: broker client and decision log made after the first paint ----------


def _record_holder(data_dir: Path, holder: str, name: str) -> None:
    """As a console that last saw another hold the fund's lease leaves its meta table."""
    with sqlite3.connect(data_dir / "console.db") as c:
        c.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("log_holder", holder), ("log_holder_name", name)],
        )


def test_a_core_that_links_later_sends_an_early_action_to_the_console_that_decides(
    tmp_path: Path, clock
) -> None:
    from core.replication.actions import CommandQueued

    ConsoleCore(tmp_path, "7", UNREACHABLE, clock).close()  # a data directory of fund 7
    _record_holder(tmp_path, "another-console", "Server")
    core = ConsoleCore(tmp_path, "7", UNREACHABLE, clock, links_later=True)
    try:
        assert core.replication is None  # not made yet: the window paints first
        assert core.transport.status.state == "offline"
        before = core.replication_status_before_link()
        assert before is not None and before["role"] == "following"
        assert before["holder_name"] == "Server"
        linked: list[object] = []
        core.when_linked(lambda: linked.append(core.replication))
        # a coordinator action before the link: the link comes first, and then the action is
        # a command for the deciding console, not a decision of this one
        with pytest.raises(CommandQueued):
            core.writer.run(core.engine.create_application, form(2))
        assert linked == [core.replication] and core.replication is not None
        assert core.queries.summaries() == []
        assert core.replication.status()["pending_commands"] == 1
    finally:
        asyncio.run(core.stop())


def test_a_core_that_links_later_links_when_it_starts_and_tells_who_waited(
    tmp_path: Path, clock
) -> None:
    async def scenario() -> None:
        core = ConsoleCore(tmp_path, "7", UNREACHABLE, clock, links_later=True)
        seen: list[str] = []
        core.transport.subscribe_status(lambda s: seen.append(s.state))
        linked: list[bool] = []
        core.when_linked(lambda: linked.append(core.replication is not None))
        before = core.replication_status_before_link()
        assert before is not None and before["role"] == "deciding"  # never saw another
        await core.start()
        assert linked == [True]
        assert core.transport.url == UNREACHABLE
        await wait_until(lambda: bool(seen), 10, "a status change handed over")
        late: list[bool] = []
        core.when_linked(lambda: late.append(True))  # linked already: told at once
        assert late == [True]
        await core.stop()

    asyncio.run(scenario())
