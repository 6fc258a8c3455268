"""The transport against the real broker: the seed's story, offline start, faults, poison."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import aio_pika
import pytest

from core.broker import REJECTION_HEADER, BrokerStatus, fast_publish, relay
from core.clock import SystemClock
from core.config import DB_NAME
from core.engine import ApplicationForm, Engine
from core.replication.names import COMMANDS_EXCHANGE
from core.service import ConsoleCore
from core.storage import Store
from tests.helpers.broker import (
    BROKER_URL,
    NOTIFICATION_EXCHANGE,
    RESPONSE_EXCHANGE,
    WAITING_EXCHANGE,
    TcpProxy,
    VolunteerClient,
    books,
    broker_available,
    close_connection,
    console_connections,
    intact,
    outcomes_seen,
    rabbitmqctl_available,
    run_with_fund,
    wait_until,
)
from tests.helpers.rabbit_node import private_node

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672"),
]


def form(spots: int, name: str = "Помощь в уборке территории") -> ApplicationForm:
    return ApplicationForm(
        name=name,
        day=date.today() + timedelta(days=7),
        start=time(14, 0),
        end=time(18, 0),
        spots=spots,
        description="Помощь в уборке территории парка",
    )


def run(scenario: Callable[[str], Awaitable[None]]) -> None:
    run_with_fund(scenario, 90)


async def connected(core: ConsoleCore) -> None:
    await wait_until(lambda: core.transport.status.state == "connected", 20, "connected")


async def started_core(data_dir: Path, fund: str) -> ConsoleCore:
    core = ConsoleCore(data_dir, fund, BROKER_URL)
    await core.start()
    await connected(core)
    return core


def record_connects(core: ConsoleCore) -> list[BrokerStatus]:
    """Every 'connected' status the transport reports from now on, in order."""
    connects: list[BrokerStatus] = []
    core.transport.subscribe_status(
        lambda s: connects.append(s) if s.state == "connected" else None
    )
    return connects


def send_sentinel(core: ConsoleCore, exchange: str, key: str) -> str:
    """Commit one more outbox row (as another process would) and wake the relay; its id.

    The relay publishes in seq order on one channel, so a queue that holds the sentinel
    holds everything published before it: the end of a stream, without a fixed sleep.
    """
    mid = f"sentinel-{uuid4()}"
    with core.store.transaction():
        core.store.add_outbox(
            [(mid, "2026-12-01T09:00:00", exchange, key, "sentinel", None, None, '{"action":"x"}')]
        )
    core.transport.wake()
    return mid


def commit_outbox(core: ConsoleCore, rows: list[tuple[str, str, str, str]]) -> None:
    """Commit outbox rows (name, routing key, action, body) as another process (the CLI)
    would, and wake the relay; each message id ends in -<name>."""
    with core.store.transaction():
        core.store.add_outbox(
            (
                f"{uuid4()}-{name}",
                "2026-12-01T09:00:00",
                NOTIFICATION_EXCHANGE,
                key,
                action,
                "1",
                None,
                body,
            )
            for name, key, action, body in rows
        )
    core.transport.wake()


async def notification_sink(
    conn: aio_pika.abc.AbstractConnection,
    fund: str,
    on_message: Callable[[aio_pika.abc.AbstractIncomingMessage], Awaitable[None]],
) -> None:
    """A private queue bound to every notification of fund, consumed by on_message."""
    ch = await conn.channel()
    sink = await ch.declare_queue(exclusive=True, auto_delete=True)
    await sink.bind(NOTIFICATION_EXCHANGE, f"fund.{fund}.#")
    await sink.consume(on_message, no_ack=True)


async def poll(ready: Callable[[], Awaitable[bool]]) -> None:
    """Ask `ready` up to 100 times, 50 ms apart; the caller asserts on what it gathered."""
    for _ in range(100):
        if await ready():
            return
        await asyncio.sleep(0.05)


def test_seed_story_through_the_broker(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(2))
            aid = int(app)
            await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
            created = vol.announcements[0]
            assert created == {
                "action": "create_volunteer_application",
                "data": {
                    "fund_id": fund,
                    "volunteer_application_id": aid,
                    "available_spots": 2,
                    "application_description": "Помощь в уборке территории парка",
                    "application_name": "Помощь в уборке территории",
                    "application_date": (date.today() + timedelta(days=7)).isoformat(),
                    "application_starttime": "14:00:00",
                    "application_endtime": "18:00:00",
                },
            }
            # Two sign up and fill the application.
            await vol.respond(aid, 101, "accepted")
            await vol.respond(aid, 102, "accepted")
            await wait_until(lambda: vol.to(101) == ["записан"] and vol.to(102) == ["записан"])
            # Three more: a response, a type-3 waitlist request, a flat queue-1 request.
            await vol.respond(aid, 103, "accepted")
            await wait_until(lambda: len(vol.waiting) == 1, what="first waiting")
            await vol.ask_waiting(aid, 104, flat=False)
            await wait_until(lambda: len(vol.waiting) == 2, what="second waiting")
            await vol.ask_waiting(aid, 105, flat=True)
            await wait_until(lambda: len(vol.waiting) == 3, what="third waiting")
            for body, (vid, pos) in zip(vol.waiting, [(103, 1), (104, 2), (105, 3)], strict=True):
                # both field sets: the seed's type 3 data and the flat queue-1 contract
                assert body["action"] == "volunteer_waiting"
                assert body["data"]["volunteer_id"] == vid == body["user_id"]
                assert body["data"]["volunteer_application_id"] == aid == body["application_id"]
                assert body["data"]["status"] == "waiting"
                assert body["data"]["position"] == pos
                assert body["timestamp"] == body["data"]["timestamp"]
            # 101 withdraws: the spot is offered to the whole waitlist.
            await vol.respond(aid, 101, "declined")
            await wait_until(
                lambda: all(vol.to(v) == ["место доступно"] for v in (103, 104, 105)),
                what="offers",
            )
            free = vol.of_action("notify_free_spot")
            assert free == [
                {
                    "action": "notify_free_spot",
                    "data": {
                        "volunteer_application_id": aid,
                        "available_spots": 1,
                        "waiting_volunteers": [103, 104, 105],
                    },
                }
            ]
            # First claim wins; the others are told they were not chosen.
            await vol.respond(aid, 104, "accepted")
            await vol.respond(aid, 103, "accepted")  # too late: the round is closed
            await wait_until(lambda: vol.to(104) == ["место доступно", "записан"], what="won")
            await wait_until(
                lambda: vol.to(105) == ["место доступно", "не выбрал"] and len(vol.to(103)) >= 2,
                what="not chosen",
            )
            assert vol.to(103)[:2] == ["место доступно", "не выбрал"]
            st = core.engine.state(app)
            assert st is not None
            signed = sorted(p.volunteer_id for p in st.participants.values() if p.state == "signed")
            assert signed == ["102", "104"]
            assert len(set(vol.message_ids)) == len(vol.message_ids)
            assert core.queries.rejected() == []
        await core.stop()
        assert core.transport.status.state == "offline"

    run(scenario)


# -- offline start ----------------------------------------------------------------------


def test_offline_start_queues_everything_and_publishes_it_once_in_order_on_connect(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario(fund: str) -> None:
        proxy = TcpProxy()
        await proxy.reserve()  # closed: nothing listens on the console's broker port
        url = proxy.url.replace("guest:guest", "guest:guest")  # password present in the URL
        core = ConsoleCore(tmp_path, fund, url)
        seen: list[BrokerStatus] = []
        core.transport.subscribe_status(seen.append)
        await core.start()  # returns at once although the broker is unreachable
        await wait_until(lambda: core.transport.status.state == "offline", what="offline")
        first = core.engine.create_application(form(2, "Первая"))
        second = core.engine.create_application(form(1, "Вторая"))
        core.engine.set_capacity(first, 3)
        core.engine.close(second)
        core.engine.reopen(second)
        core.engine.cancel(second)
        status = core.transport.status
        assert status.state in ("offline", "reconnecting")
        assert "guest:***@" in status.detail and "guest:guest" not in status.detail
        await wait_until(lambda: core.transport.status.backlog == 6, what="backlog of 6")
        pending = core.store.pending_outbox()
        assert [r.seq for r in pending] == sorted(r.seq for r in pending)
        expected_ids = [r.message_id for r in pending]
        async with VolunteerClient(fund) as vol:
            await proxy.open()
            await wait_until(lambda: len(vol.message_ids) >= 6, 40, "the backlog published")
            await connected(core)
            await wait_until(lambda: core.transport.status.backlog == 0, what="backlog 0")
            # Published after them on the same channel into the same queue: once it is here,
            # anything published twice before it would be here too.
            sentinel = send_sentinel(core, WAITING_EXCHANGE, f"fund.{fund}.application.created")
            await wait_until(lambda: sentinel in vol.message_ids, what="the sentinel")
            assert vol.message_ids == [*expected_ids, sentinel]  # once each, in seq order
            vol.received.pop()
            actions = [b["action"] for _, _, b in vol.received]
            assert actions == [
                "create_volunteer_application",
                "create_volunteer_application",
                "update_volunteer_application",
                "update_volunteer_application",
                "update_volunteer_application",
                "cancel_volunteer_application",
            ]
        states = [s.state for s in seen]
        assert "offline" in states and states[-1] == "connected"
        assert seen[-1].backlog == 0
        await core.stop()
        await proxy.close()

    run(scenario)
    assert "guest:guest@" not in caplog.text


@pytest.mark.parametrize("fast_path", [True, False], ids=["window-frames", "per-row"])
def test_unroutable_rows_among_routable_ones_are_marked_sent_and_the_rest_arrive_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_path: bool
) -> None:
    """A volunteer side bound to notifications only: every announcement and waitlist notice is
    returned unroutable in the same publish windows as the routed notifications. Both publish
    paths: the one-frame windows of the tested aiormq release and aiormq's own basic_publish."""
    if fast_path and not fast_publish.enabled:
        pytest.skip(f"aiormq {fast_publish.installed_aiormq()} is not the tested release")
    monkeypatch.setattr(fast_publish, "enabled", fast_path)

    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        conn = await aio_pika.connect(BROKER_URL)
        try:
            got: list[str] = []

            async def on_message(msg: aio_pika.abc.AbstractIncomingMessage) -> None:
                got.append(msg.message_id or "")

            await notification_sink(conn, fund, on_message)
            app = core.engine.create_application(form(30))
            pub = await conn.channel(publisher_confirms=True)
            ex = await pub.get_exchange(RESPONSE_EXCHANGE, ensure=False)
            for i in range(45):
                body = {
                    "action": "volunteer_response",
                    "data": {
                        "volunteer_id": f"v{i}",
                        "volunteer_application_id": int(app),
                        "status": "accepted",
                    },
                }
                await ex.publish(
                    aio_pika.Message(json.dumps(body).encode(), message_id=str(uuid4())),
                    f"fund.{fund}.response.{app}",
                )
                if i == 20:
                    core.engine.create_application(form(1, "Вторая"))
            # all 45 committed (on the writer thread) before the backlog can mean "all sent"
            await wait_until(
                lambda: core.transport.consumed["responses"] == 45, what="45 responses handled"
            )
            # the rows themselves: the status figure is refreshed at most every 0.2 s
            await wait_until(lambda: core.store.backlog() == 0, what="every row sent")
            rows = core.store.conn.execute(
                "SELECT message_id, exchange, sent_at FROM outbox ORDER BY seq"
            ).fetchall()
            assert all(sent_at is not None for _, _, sent_at in rows)
            routed = [mid for mid, exchange, _ in rows if exchange == NOTIFICATION_EXCHANGE]
            assert len(routed) >= 30 and len(routed) < len(rows)  # some were unroutable
            await wait_until(lambda: len(got) >= len(routed), what="the routed notifications")
            sentinel = send_sentinel(core, NOTIFICATION_EXCHANGE, f"fund.{fund}.volunteer.s")
            await wait_until(lambda: sentinel in got, what="the sentinel after them")
            assert got == [*routed, sentinel]  # once each, in seq order
        finally:
            await conn.close()
            await core.stop()

    run(scenario)


def test_a_window_with_a_row_too_big_for_one_frame_goes_by_basic_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body that reaches the frame size needs several body frames: that window goes by
    aiormq's basic_publish (which splits the body); small windows by one-frame writes."""
    if not fast_publish.enabled:
        pytest.skip(f"aiormq {fast_publish.installed_aiormq()} is not the tested release")
    paths: list[str] = []
    send_window, publish_row = fast_publish.send_window, relay.publish_row

    async def spy_window(channel: Any, window: Any, properties: Any, ready: Any = None) -> Any:
        paths.append(f"window of {len(window)}")
        return await send_window(channel, window, properties, ready)

    async def spy_row(channel: Any, row: Any, props: Any) -> Any:
        paths.append(f"row of {len(row.body)} bytes")
        return await publish_row(channel, row, props)

    monkeypatch.setattr(fast_publish, "send_window", spy_window)
    monkeypatch.setattr(relay, "publish_row", spy_row)
    big = json.dumps({"action": "notify_free_spot", "pad": "я" * 150_000})

    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        conn = await aio_pika.connect(BROKER_URL)
        got: list[aio_pika.abc.AbstractIncomingMessage] = []

        async def on_message(msg: aio_pika.abc.AbstractIncomingMessage) -> None:
            got.append(msg)

        def commit(names_bodies: list[tuple[str, str]]) -> None:
            key = f"fund.{fund}.free_spot.1"
            commit_outbox(core, [(n, key, "notify_free_spot", b) for n, b in names_bodies])

        try:
            await notification_sink(conn, fund, on_message)
            commit([("a", "{}"), ("b", "{}")])
            await wait_until(lambda: len(got) == 2, what="the small window")
            commit([("c", "{}"), ("big", big), ("d", "{}")])
            await wait_until(lambda: len(got) == 5, what="the window with the big row")
            assert [m.message_id.rsplit("-", 1)[1] for m in got] == ["a", "b", "c", "big", "d"]
            assert got[3].body.decode() == big
            await wait_until(lambda: core.store.backlog() == 0, what="marked sent")
        finally:
            await conn.close()
            await core.stop()

    run(scenario)
    size = len(big.encode())
    assert paths == ["window of 2", "row of 2 bytes", f"row of {size} bytes", "row of 2 bytes"]


def test_waiting_for_a_publish_window_tells_a_timeout_from_failed_and_cancelled_confirms() -> None:
    from core.broker.relay import wait_all as _wait_all

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        ok, nacked, dropped, silent = (loop.create_future() for _ in range(4))
        loop.call_soon(ok.set_result, None)
        loop.call_soon(nacked.set_exception, RuntimeError("nacked"))
        loop.call_soon(dropped.cancel)  # as aiormq does with a channel's futures on close
        assert await _wait_all([ok, nacked, dropped], 5.0) is False
        assert await _wait_all([ok, nacked, dropped, silent], 0.05) is True
        assert silent.cancelled()  # by the timeout; the relay counts it as timed out
        waiter = asyncio.ensure_future(_wait_all([loop.create_future()], 30.0))
        await asyncio.sleep(0)
        waiter.cancel()  # cancelling the relay is not swallowed as a future's outcome
        with pytest.raises(asyncio.CancelledError):
            await waiter

    asyncio.run(scenario())


# -- poison -----------------------------------------------------------------------------


def test_poison_messages_are_dead_lettered_with_a_reason_and_valid_ones_applied(
    tmp_path: Path,
) -> None:
    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(5))
            aid = int(app)
            key = f"fund.{fund}.response.{aid}"
            poison: dict[str, str] = {}
            valid: list[str] = []
            for i in range(40):
                valid.append(await vol.respond(aid, 1000 + i, "accepted"))
                if i == 5:
                    poison[await vol.publish(RESPONSE_EXCHANGE, key, b'{"action": ')] = "JSON"
                if i == 10:
                    big = b'{"action":"volunteer_response","pad":"' + b"x" * 70_000 + b'"}'
                    poison[await vol.publish(RESPONSE_EXCHANGE, key, big)] = "KiB"
                if i == 15:
                    body = {"action": "steal_spots", "data": {}}
                    poison[await vol.publish(RESPONSE_EXCHANGE, key, body)] = "unknown action"
                if i == 20:
                    mid = await vol.respond(999_999, 1, "accepted")
                    poison[mid] = "unknown application"
                if i == 25:
                    wkey = f"fund.{fund}.waiting.{aid}"
                    body = {"user_id": 7, "application_id": aid, "timestamp": "yesterday"}
                    poison[await vol.publish(WAITING_EXCHANGE, wkey, body)] = "timestamp"
            wanted = set(valid) | set(poison)

            def handled() -> set[str]:
                return {r[0] for r in core.store.conn.execute("SELECT message_id FROM inbox")}

            await wait_until(
                lambda: wanted <= handled(),
                what="all handled",
            )
            dead: dict[str, Any] = {}

            async def collect() -> bool:
                for msg in await vol.read_dead_letters():
                    dead[msg.message_id or ""] = msg
                return len(dead) >= len(poison)

            await poll(collect)
            assert set(dead) == set(poison)
            for mid, word in poison.items():
                reason = str(dead[mid].headers[REJECTION_HEADER])
                assert word in reason, (word, reason)
                assert dead[mid].headers["x-original-routing-key"].startswith(f"fund.{fund}.")
            big_copy = next(d for mid, d in dead.items() if poison[mid] == "KiB")
            assert len(big_copy.body) > 70_000  # nothing lost, even of a message refused
            outcomes = dict(core.store.conn.execute("SELECT message_id, outcome FROM inbox"))
            assert all(outcomes[mid] == "applied" for mid in valid)
            st = core.engine.state(app)
            assert st is not None
            assert sum(p.state == "signed" for p in st.participants.values()) == 5
            assert sum(p.state == "waiting" for p in st.participants.values()) == 35
            assert len(core.queries.rejected()) == len(poison)
        await core.stop()

    run(scenario)


# -- faults -----------------------------------------------------------------------------


def test_connection_cut_mid_stream_loses_nothing_and_applies_nothing_twice(
    tmp_path: Path,
) -> None:
    capacity, n = 150, 600

    async def scenario(fund: str) -> None:
        proxy = TcpProxy()
        await proxy.reserve()
        await proxy.open()
        core = ConsoleCore(tmp_path, fund, proxy.url, prefetch=100)
        connects = record_connects(core)
        await core.start()
        await connected(core)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(capacity))
            aid = int(app)
            await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
            # The responses pile up while the console is cut off, then flow in one stream.
            await proxy.close()
            volunteers = list(range(1, n + 1))
            ids = [await vol.respond(aid, v, "accepted") for v in volunteers]
            await proxy.open()
            cuts, mark, cut_after = 0, 0, 1
            while cuts < 3 and len(outcomes_seen(vol)) < n:
                handled = core.transport.consumed["responses"]
                # each cut on a connection of its own: deliveries already prefetched are
                # still handled after a cut, while the status has not yet seen it drop
                fresh = len({s.since for s in connects}) > cut_after
                if core.transport.status.state == "connected" and fresh and handled >= mark + 100:
                    proxy.cut()  # the network drops every connection of the console
                    cuts += 1
                    mark = handled
                    cut_after = len({s.since for s in connects})
                await asyncio.sleep(0.002)
            assert cuts == 3, "the stream ended before three cuts: nothing proven"
            # the file, not the status: its backlog figure is throttled, and rows whose
            # confirm a cut lost are sent again (same ids) and marked after the volunteers saw them
            await wait_until(
                lambda: len(outcomes_seen(vol)) == n and backlog(tmp_path) == 0,
                60,
                "every volunteer told their outcome",
            )
            result = books(tmp_path / DB_NAME, app, capacity, volunteers, ids)
            assert result == intact(capacity, n)
            assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
            # connected at start, after the proxy reopened, and after each cut
            assert len({s.since for s in connects}) == 2 + cuts
        await core.stop()
        await proxy.close()

    run(scenario)


@pytest.mark.slow
def test_console_killed_mid_stream_and_restarted_loses_nothing(tmp_path: Path) -> None:
    capacity, n = 200, 800

    async def scenario(fund: str) -> None:
        # The application exists before the service starts, as after a coordinator's day.
        store = Store(tmp_path / DB_NAME)
        app = Engine(store, fund, SystemClock()).create_application(form(capacity))
        store.close()
        aid = int(app)
        cmd = [sys.executable, "-m", "tests.helpers.broker", str(tmp_path), fund, BROKER_URL]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        root = Path(__file__).resolve().parents[2]
        log_path = tmp_path / "headless.log"
        async with VolunteerClient(fund) as vol:
            with log_path.open("ab") as log_file:
                child = subprocess.Popen(cmd, cwd=root, env=env, stderr=log_file)
            try:
                await wait_until(lambda: len(vol.announcements) == 1, 30, "announcement")
                volunteers = list(range(1, n + 1))
                ids = [await vol.respond(aid, v, "accepted") for v in volunteers]
                await wait_until(lambda: len(outcomes_seen(vol)) >= n // 4, 30, "a quarter")
                child.send_signal(signal.SIGKILL)  # no goodbye: mid-batch, mid-publish
                child.wait(10)
                assert len(outcomes_seen(vol)) < n, "killed too late to prove anything"
                with log_path.open("ab") as log_file:
                    child = subprocess.Popen(cmd, cwd=root, env=env, stderr=log_file)
                await wait_until(lambda: len(outcomes_seen(vol)) == n, 60, "all outcomes")
                # The killed console may have sent every outcome before it died: the new one
                # is stopped once it runs (before Python has started, a SIGTERM kills it).
                await wait_until(
                    lambda: log_path.read_text().count("console core for fund") == 2,
                    30,
                    "the restarted console running",
                )
                child.send_signal(signal.SIGTERM)
                assert child.wait(20) == 0, log_path.read_text()
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait(10)
            result = books(tmp_path / DB_NAME, app, capacity, volunteers, ids)
            assert result == intact(capacity, n)
            # Republished after the kill, a message keeps its id: the volunteer side dedupes.
            assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
            assert "guest:guest@" not in log_path.read_text()

    run(scenario)


def test_queue_stats_reads_counts_from_the_broker_and_is_empty_offline(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL)
        assert await core.transport.queue_stats() == []  # not started: offline
        await core.start()
        await connected(core)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(1))
            first = await core.transport.queue_stats()
            assert [(s.role, s.consumers) for s in first] == [
                ("responses", 1),
                ("waiting", 1),
                ("dead_letters", 0),
            ]
            assert all(s.name.startswith(f"volunteer_console.fund.{fund}.") for s in first)
            for v in range(30):
                await vol.respond(int(app), v, "accepted")
            await vol.publish(RESPONSE_EXCHANGE, f"fund.{fund}.response.{app}", b"not json")
            await wait_until(lambda: core.transport.dead_lettered == 1, what="dead-lettered")
            await wait_until(lambda: core.transport.consumed["responses"] == 31, what="consumed")
            second = {s.role: s for s in await core.transport.queue_stats()}
            assert second["dead_letters"].messages == 1
            assert second["responses"].out_rate > 0 and second["responses"].in_rate > 0
            assert second["responses"].messages == 0
        await core.stop()
        assert await core.transport.queue_stats() == []

    run(scenario)


@pytest.mark.skipif(not rabbitmqctl_available(), reason="needs rabbitmqctl")
def test_broker_closing_the_connection_mid_stream_loses_nothing(tmp_path: Path) -> None:
    """What a broker restart does to the console, without restarting a broker others share."""
    capacity, n = 300, 2500

    async def scenario(fund: str) -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL, prefetch=50)
        connects = record_connects(core)
        await core.start()
        await connected(core)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(capacity))
            await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
            pids = await asyncio.to_thread(console_connections, fund)
            assert len(pids) == 1
            volunteers = list(range(1, n + 1))
            ids: list[str] = []

            async def publish_all() -> None:
                for v in volunteers:
                    ids.append(await vol.respond(int(app), v, "accepted"))

            publisher = asyncio.create_task(publish_all())
            await wait_until(lambda: core.transport.consumed["responses"] >= 200, what="flow")
            await asyncio.to_thread(close_connection, pids[0])
            assert not publisher.done(), "closed too late to prove anything"
            await publisher
            await wait_until(
                lambda: len(outcomes_seen(vol)) == n and backlog(tmp_path) == 0,
                60,
                "every volunteer told their outcome",
            )
            assert books(tmp_path / DB_NAME, app, capacity, volunteers, ids) == intact(capacity, n)
            assert len({s.since for s in connects}) == 2  # at start and after the close
        await core.stop()

    run(scenario)


@pytest.mark.slow
def test_console_killed_while_dead_lettering_loses_no_dead_letter(tmp_path: Path) -> None:
    """Each dead-lettered copy is an outbox row committed with the rejection: a SIGKILL at any
    moment leaves every rejected message either not yet recorded (redelivered) or recorded
    with its copy still to be relayed. After a restart the dead-letter queue holds exactly
    the rejected table's messages."""
    n = 3000

    async def scenario(fund: str) -> None:
        store = Store(tmp_path / DB_NAME)
        app = Engine(store, fund, SystemClock()).create_application(form(5))
        store.close()
        cmd = [sys.executable, "-m", "tests.helpers.broker", str(tmp_path), fund, BROKER_URL]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        root = Path(__file__).resolve().parents[2]
        log_path = tmp_path / "headless.log"

        def rejected_ids() -> set[str]:
            c = sqlite3.connect(tmp_path / DB_NAME)
            try:
                return {r[0] for r in c.execute("SELECT message_id FROM rejected")}
            except sqlite3.OperationalError:
                return set()  # not created yet
            finally:
                c.close()

        async with VolunteerClient(fund) as vol:
            with log_path.open("ab") as log_file:
                child = subprocess.Popen(cmd, cwd=root, env=env, stderr=log_file)
            try:
                await wait_until(lambda: len(vol.announcements) == 1, 30, "announcement")
                # Stopped cleanly, the queues stay: the bad messages wait there, then stream in.
                child.send_signal(signal.SIGTERM)
                assert child.wait(20) == 0, log_path.read_text()
                key = f"fund.{fund}.response.{app}"
                bad = [
                    await vol.publish(RESPONSE_EXCHANGE, key, f"not json {i}".encode())
                    for i in range(n)
                ]
                with log_path.open("ab") as log_file:
                    child = subprocess.Popen(cmd, cwd=root, env=env, stderr=log_file)
                await wait_until(lambda: len(rejected_ids()) >= n // 4, 30, "a quarter rejected")
                child.send_signal(signal.SIGKILL)  # mid-batch, mid-relay: no goodbye
                child.wait(10)
                assert len(rejected_ids()) < n, "killed too late to prove anything"
                with log_path.open("ab") as log_file:
                    child = subprocess.Popen(cmd, cwd=root, env=env, stderr=log_file)
                await wait_until(lambda: len(rejected_ids()) == n, 60, "all rejected")
                await wait_until(lambda: backlog(tmp_path) == 0, 30, "every copy relayed")
                await wait_until(  # (the killed one may have done it all: see above)
                    lambda: log_path.read_text().count("console core for fund") == 3,
                    30,
                    "the restarted console running",
                )
                child.send_signal(signal.SIGTERM)
                assert child.wait(20) == 0, log_path.read_text()
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait(10)
            dead = await vol.read_dead_letters(limit=10 * n)
        copies = [d.message_id for d in dead]
        assert rejected_ids() == set(bad)
        # At least once: a copy confirmed but not yet marked sent at the kill goes again, under
        # its same message id; none is missing and none is another message's.
        assert set(copies) == set(bad)
        assert all(str(d.headers[REJECTION_HEADER]).startswith("body is not JSON") for d in dead)

    run(scenario)


def backlog(data_dir: Path) -> int:
    c = sqlite3.connect(data_dir / DB_NAME)
    try:
        return int(
            c.execute(
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
            ).fetchone()[0]
        )
    finally:
        c.close()


@pytest.mark.parametrize("fast_path", [True, False], ids=["window-frames", "per-row"])
def test_a_row_that_can_never_be_sent_is_marked_failed_and_the_rows_around_it_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_path: bool
) -> None:
    """A row committed by an older version with a 281-byte routing key (64 emoji) sits between
    good rows in one window: it is marked failed, shown so in the message log, and the good
    rows before and after it are confirmed and arrive in order; later rows go too."""
    if fast_path and not fast_publish.enabled:
        pytest.skip(f"aiormq {fast_publish.installed_aiormq()} is not the tested release")
    monkeypatch.setattr(fast_publish, "enabled", fast_path)

    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        conn = await aio_pika.connect(BROKER_URL)
        got: list[str] = []

        async def on_message(msg: aio_pika.abc.AbstractIncomingMessage) -> None:
            got.append((msg.message_id or "").rsplit("-", 1)[1])

        def commit(names_keys: list[tuple[str, str]]) -> None:
            commit_outbox(core, [(n, k, "volunteer_notification", "{}") for n, k in names_keys])

        try:
            await notification_sink(conn, fund, on_message)
            good = f"fund.{fund}.volunteer.7"
            poisoned = f"fund.{fund}.volunteer.{'😀' * 64}"
            commit([("a", good), ("poison", poisoned), ("b", good)])
            await wait_until(lambda: got == ["a", "b"], what="the good rows of the window")
            commit([("c", good)])
            await wait_until(lambda: got == ["a", "b", "c"], what="a later row")
            await wait_until(lambda: core.store.backlog() == 0, what="marked sent")
            failed = core.store.conn.execute(
                "SELECT message_id, last_error FROM outbox WHERE failed_at IS NOT NULL"
            ).fetchall()
            assert [mid.rsplit("-", 1)[1] for mid, _ in failed] == ["poison"]
            assert f"routing key is {len(poisoned.encode())} bytes" in failed[0][1]
            shown = [r.outcome for r in core.queries.messages() if r.routing_key == poisoned]
            assert shown == [f"failed: {failed[0][1]}"]
        finally:
            await conn.close()
            await core.stop()

    run(scenario)


def test_ids_that_break_routing_keys_are_answered_and_hold_back_nobody(tmp_path: Path) -> None:
    """64 emoji (256 bytes), dots and wildcards: each volunteer is signed up and told so under
    the h<sha256> segment; an integer past 2^53 - 1 is dead-lettered with the rule."""
    emoji, dotted, wild = "😀" * 64, "v.1", "a*#"

    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(5))
            aid = int(app)
            for v in (emoji, dotted, wild):
                await vol.respond(aid, v, "accepted")
            huge = await vol.respond(aid, 2**53, "accepted")
            await vol.respond(aid, 7, "accepted")
            await wait_until(
                lambda: all(vol.to(v) == ["записан"] for v in (emoji, dotted, wild, 7)),
                what="everyone told",
            )
            keys = {
                body["user_id"]: key
                for _, key, body in vol.received
                if body.get("action") == "volunteer_notification"
            }
            for v in (emoji, dotted, wild):
                digest = hashlib.sha256(v.encode()).hexdigest()[:32]
                assert keys[v] == f"fund.{fund}.volunteer.h{digest}"
            assert keys[7] == f"fund.{fund}.volunteer.7"
            [rejected] = core.queries.rejected()
            assert rejected.message_id == huge
            assert "within +-(2^53 - 1)" in rejected.reason
        await core.stop()

    run(scenario)


def test_a_queue_declared_with_other_arguments_is_reported_not_hidden(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        conn = await aio_pika.connect(BROKER_URL)
        try:
            ch = await conn.channel()
            # Someone declared the console's queue as a classic queue: the broker refuses ours.
            await ch.declare_queue(f"volunteer_console.fund.{fund}.responses", durable=True)
        finally:
            await conn.close()
        core = ConsoleCore(tmp_path, fund, BROKER_URL)
        await core.start()
        await wait_until(
            lambda: "PRECONDITION_FAILED" in core.transport.status.detail, what="the reason"
        )
        assert core.transport.status.state == "offline"
        assert "refused" in core.transport.status.detail
        await core.stop()

    run(scenario)


def test_a_queue_deleted_under_the_console_is_declared_again_and_consumed(
    tmp_path: Path,
) -> None:
    async def scenario(fund: str) -> None:
        core = await started_core(tmp_path, fund)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(2))
            await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
            conn = await aio_pika.connect(BROKER_URL)
            try:
                ch = await conn.channel()
                await ch.queue_delete(f"volunteer_console.fund.{fund}.responses")
            finally:
                await conn.close()
            await wait_until(lambda: core.transport.status.state != "connected", what="noticed")
            await connected(core)
            await vol.respond(int(app), 8, "accepted")
            await wait_until(lambda: vol.to(8) == ["записан"], what="consumed again")
        await core.stop()

    run(scenario)


# -- a full disk ------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    """A real tmpfs of `size` mounted at `where` for the block (root only, else skipped)."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left; the file, to delete later."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_pauses_consuming_and_it_resumes_with_nothing_dead_lettered(
    tmp_path: Path,
) -> None:
    """The disk fills while responses stream in: the console stops taking them (they wait on
    the broker, none is nacked toward the delivery limit, none is recorded as rejected), says
    so in its status, and takes them all once there is room again."""
    capacity, n = 50, 400

    async def scenario(fund: str, disk: Path) -> None:
        core = await started_core(disk, fund)
        states: list[BrokerStatus] = []
        core.transport.subscribe_status(states.append)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(capacity))
            await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
            filler = fill(disk)
            volunteers = list(range(1, n + 1))
            ids = [await vol.respond(int(app), v, "accepted") for v in volunteers]
            await wait_until(lambda: core.transport.status.state == "paused", 30, "paused")
            assert core.transport.status.detail.startswith("disk full: responses wait on the")
            # The consumer is cancelled (a quorum queue still counts it while it holds
            # unacknowledged messages): the rest wait on the broker, not in the console.
            stats = {s.role: s for s in await core.transport.queue_stats()}
            assert stats["responses"].messages > n // 2
            filler.unlink()
            await wait_until(
                lambda: len(outcomes_seen(vol)) == n and backlog(disk) == 0,
                60,
                "every volunteer told their outcome",
            )
            assert core.transport.status.state == "connected"
            assert books(disk / DB_NAME, app, capacity, volunteers, ids) == intact(capacity, n)
            assert core.queries.rejected() == []
            assert await vol.read_dead_letters() == []  # nothing pushed over the limit
            assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
            changes = [
                s.state for i, s in enumerate(states) if i == 0 or states[i - 1].state != s.state
            ]
            assert changes[changes.index("paused") :] == ["paused", "connected"]
        await core.stop()

    # 8 MB: the console's decision log captures each decision's rows beside it until the log
    # confirms them, and the WAL holds both (4 MB stayed full once the filler was gone)
    with small_disk(tmp_path / "disk", "8m") as disk:
        run_with_fund(lambda fund: scenario(fund, disk), 120)


# -- least privilege ----------------------------------------------------------------------


def test_a_user_with_configure_rights_on_its_own_queues_only_runs_where_the_exchanges_exist(
    tmp_path: Path,
) -> None:
    """An administrator declared the shared exchanges and granted the console's user configure
    permission on its fund's queues only: the console declares those passively and runs. Where
    an exchange is missing, the status names it and the permission."""
    with private_node() as node:
        node.ctl("add_user", "console", "console-pw")
        node.ctl(
            "set_permissions", "-p", "/", "console", r"^volunteer_console\.fund\..*", ".*", ".*"
        )
        url = f"amqp://console:console-pw@127.0.0.1:{node.port}/"

        async def missing(fund: str) -> None:
            core = ConsoleCore(tmp_path / "first", fund, url)
            await core.start()
            await wait_until(
                lambda: "does not exist" in core.transport.status.detail, 30, "the reason"
            )
            status = core.transport.status
            assert status.state == "offline"
            assert "volunteer_waiting_queue_exchange" in status.detail
            assert "no configure permission" in status.detail
            await core.stop()

        async def predeclared(fund: str) -> None:
            admin = await aio_pika.connect(node.url)
            try:
                ch = await admin.channel()
                for name in (WAITING_EXCHANGE, NOTIFICATION_EXCHANGE, RESPONSE_EXCHANGE):
                    await ch.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
                # and the console's own two: dead letters, and the decision log's commands
                for name in ("volunteer_console.dead_letter", COMMANDS_EXCHANGE):
                    await ch.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
            finally:
                await admin.close()
            core = ConsoleCore(tmp_path / "second", fund, url)
            await core.start()
            await connected(core)
            async with VolunteerClient(fund, node.url) as vol:
                app = core.engine.create_application(form(1))
                await vol.respond(int(app), 5, "accepted")
                await wait_until(lambda: vol.to(5) == ["записан"], what="answered")
            await core.stop()

        asyncio.run(asyncio.wait_for(missing("tmissing"), 60))
        asyncio.run(asyncio.wait_for(predeclared("tgranted"), 60))
