"""Test helpers that cross the real broker: a contract-only volunteer client and a TCP proxy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
BROKER_HOST, BROKER_PORT = "127.0.0.1", 5672

# Spelled out here on purpose: the client knows the contract, not the console's code.
WAITING_EXCHANGE = "volunteer_waiting_queue_exchange"
NOTIFICATION_EXCHANGE = "volunteer_notification_exchange"
RESPONSE_EXCHANGE = "volunteer_response_exchange"
DEAD_LETTER_EXCHANGE = "volunteer_console.dead_letter"
CLIENT_APP_ID = "volunteer-side-test-client"


def fund_queue_names(fund_id: str) -> list[str]:
    base = f"volunteer_console.fund.{fund_id}"
    return [f"{base}.responses", f"{base}.waiting", f"{base}.dead_letters"]


async def delete_fund_queues(fund_id: str, url: str = BROKER_URL) -> None:
    conn = await aio_pika.connect(url)
    base = f"volunteer_console.fund.{fund_id}"
    try:
        # and what its consoles' decision log left: the stream and the commands queue
        for name in [*fund_queue_names(fund_id), f"{base}.log", f"{base}.commands"]:
            ch = await conn.channel()
            with contextlib.suppress(Exception):
                await ch.queue_delete(name)
            with contextlib.suppress(Exception):
                await ch.close()
    finally:
        await conn.close()


def console_connections(fund_id: str) -> list[str]:
    """The broker's pids of the console connections of one fund (by connection name)."""
    import subprocess

    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    # the transport's own connection; its decision log has two more ("... log reader",
    # "... lease ..."), which a test closing "the" connection leaves alone
    marker = re.compile(rf"volunteer-console fund {re.escape(fund_id)}(?=[\"'>])")
    return [line.split("\t", 1)[0] for line in listing.splitlines() if marker.search(line)]


def close_connection(pid: str) -> None:
    """Have the broker itself close one connection (a connection.close frame, as at a broker
    shutdown), leaving every other client on this shared broker alone."""
    import subprocess

    subprocess.run(
        ["rabbitmqctl", "-q", "close_connection", pid, "test: the broker closes the connection"],
        capture_output=True,
        timeout=30,
        check=True,
    )


def rabbitmqctl_available() -> bool:
    import shutil
    import subprocess

    if shutil.which("rabbitmqctl") is None:
        return False
    try:
        subprocess.run(["rabbitmqctl", "-q", "status"], capture_output=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def broker_available() -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((BROKER_HOST, BROKER_PORT)) == 0


class TcpProxy:
    """A loopback TCP proxy in front of the broker that can be closed (cutting every
    connection) and reopened on the same port."""

    def __init__(self, target_host: str = BROKER_HOST, target_port: int = BROKER_PORT) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def is_open(self) -> bool:
        return self._server is not None

    async def reserve(self) -> None:
        """Pick a free port without accepting anything yet (the proxy starts closed)."""
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    async def open(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and cut every proxied connection, as a network loss would."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self.cut()
        for t in list(self._tasks):
            t.cancel()
        for t in list(self._tasks):
            with contextlib.suppress(BaseException):
                await t

    def cut(self) -> None:
        for w in list(self._writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})
        a = asyncio.create_task(self._pipe(reader, up_writer))
        b = asyncio.create_task(self._pipe(up_reader, writer))
        self._tasks.update({a, b})
        try:
            await asyncio.wait({a, b}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (a, b):
                t.cancel()
            for w in (writer, up_writer):
                with contextlib.suppress(Exception):
                    w.transport.abort()
                self._writers.discard(w)
            self._tasks.difference_update({a, b})

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()


class VolunteerClient:
    """Plays the volunteer side using only what CONTRACT.md says: exchange names, routing
    keys, bodies. Binds its own queues for queue 1 and queue 2 and records what arrives."""

    def __init__(
        self, fund_id: str, url: str = BROKER_URL, *, durable: bool = False, passive: bool = False
    ) -> None:
        self.fund_id = fund_id
        self.url = url
        # passive: the exchanges were declared by an administrator and this user may not
        # configure them (a least-privilege volunteer-side user)
        self.passive = passive
        # durable: named durable queues, acked after recording, that outlive a broker restart
        # (reconnect() consumes them again); deleted by close().
        self.durable = durable
        self.announcements: list[dict[str, Any]] = []  # queue 1, console's application.*
        self.waiting: list[dict[str, Any]] = []  # queue 1, console's volunteer_waiting
        self.notifications: list[dict[str, Any]] = []  # queue 2, all
        self.message_ids: list[str] = []  # every console message id, in arrival order
        self.received: list[tuple[str, str, dict[str, Any]]] = []  # (exchange, key, body)
        self._conn: AbstractConnection | None = None
        self._ch: AbstractChannel | None = None
        self._pub: AbstractChannel | None = None

    async def __aenter__(self) -> VolunteerClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._conn = await aio_pika.connect(self.url)
        self._ch = await self._conn.channel()
        self._pub = await self._conn.channel(publisher_confirms=True)
        for name in (WAITING_EXCHANGE, NOTIFICATION_EXCHANGE, RESPONSE_EXCHANGE):
            await self._ch.declare_exchange(
                name, aio_pika.ExchangeType.TOPIC, durable=True, passive=self.passive
            )
        if self.durable:
            await self._ch.set_qos(prefetch_count=200)
            q1 = await self._ch.declare_queue(self._durable_names()[0], durable=True)
            q2 = await self._ch.declare_queue(self._durable_names()[1], durable=True)
        else:
            q1 = await self._ch.declare_queue("", exclusive=True, auto_delete=True)
            q2 = await self._ch.declare_queue("", exclusive=True, auto_delete=True)
        await q1.bind(WAITING_EXCHANGE, f"fund.{self.fund_id}.#")
        await q2.bind(NOTIFICATION_EXCHANGE, f"fund.{self.fund_id}.#")
        await q1.consume(self._on_message, no_ack=not self.durable)
        await q2.consume(self._on_message, no_ack=not self.durable)

    def _durable_names(self) -> list[str]:
        return [f"volunteer_side_test.{self.fund_id}.{q}" for q in ("queue1", "queue2")]

    async def reconnect(self) -> None:
        """Drop the (dead) connection and consume the same durable queues again."""
        assert self.durable, "only durable queues outlive the connection"
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.close(), 5)
            self._conn = None
        await self.start()

    async def close(self) -> None:
        if self._conn is not None and not self.durable:
            await self._conn.close()
            self._conn = None
        if self.durable:
            if self._conn is not None:  # may have died with the broker: not this test's fault
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._conn.close(), 5)
                self._conn = None
            conn = await aio_pika.connect(self.url)
            try:
                ch = await conn.channel()
                for name in self._durable_names():
                    await ch.queue_delete(name)
            finally:
                await conn.close()

    async def _on_message(self, msg: AbstractIncomingMessage) -> None:
        try:
            self._record(msg)
        finally:
            if self.durable:
                # Acked after recording; an ack lost with the connection means a redelivered
                # copy with the same message id, which readers count once.
                with contextlib.suppress(Exception):
                    await msg.ack()

    def _record(self, msg: AbstractIncomingMessage) -> None:
        if msg.app_id == CLIENT_APP_ID:
            return  # our own waitlist requests echoed on queue 1
        body = json.loads(msg.body)
        assert msg.content_type == "application/json"
        assert msg.message_id and msg.type and msg.timestamp and msg.app_id
        assert msg.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        self.message_ids.append(msg.message_id)
        self.received.append((msg.exchange or "", msg.routing_key or "", body))
        if msg.exchange == NOTIFICATION_EXCHANGE:
            self.notifications.append(body)
        elif body.get("action") == "volunteer_waiting":
            self.waiting.append(body)
        else:
            self.announcements.append(body)

    # -- publishing ---------------------------------------------------------------------
    async def publish(
        self,
        exchange: str,
        routing_key: str,
        body: bytes | dict[str, Any],
        *,
        message_id: str | None = None,
    ) -> str:
        assert self._pub is not None
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        mid = message_id or str(uuid.uuid4())
        ex = await self._pub.get_exchange(exchange, ensure=False)
        await ex.publish(
            aio_pika.Message(
                raw,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=mid,
                app_id=CLIENT_APP_ID,
                type="volunteer",
            ),
            routing_key=routing_key,
        )
        return mid

    async def respond(self, app_id: int | str, volunteer: int | str, status: str) -> str:
        body = {
            "action": "volunteer_response",
            "data": {
                "volunteer_id": volunteer,
                "volunteer_application_id": app_id,
                "status": status,
            },
        }
        return await self.publish(RESPONSE_EXCHANGE, f"fund.{self.fund_id}.response.{app_id}", body)

    async def ask_waiting(self, app_id: int | str, volunteer: int | str, *, flat: bool) -> str:
        if flat:
            body: dict[str, Any] = {
                "user_id": volunteer,
                "application_id": app_id,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
            }
        else:
            body = {
                "action": "volunteer_waiting",
                "data": {
                    "volunteer_id": volunteer,
                    "volunteer_application_id": app_id,
                    "status": "waiting",
                },
            }
        return await self.publish(WAITING_EXCHANGE, f"fund.{self.fund_id}.waiting.{app_id}", body)

    # -- reading ------------------------------------------------------------------------
    def to(self, volunteer: int | str) -> list[str]:
        """Statuses notified to one volunteer, in order."""
        return [
            n["status"]
            for n in self.notifications
            if n.get("action") == "volunteer_notification" and n["user_id"] == volunteer
        ]

    def of_action(self, action: str) -> list[dict[str, Any]]:
        return [b for _, _, b in self.received if b.get("action") == action]

    async def read_dead_letters(self, limit: int = 1000) -> list[AbstractIncomingMessage]:
        """Take every message from the fund's dead-letter queue (acknowledging them)."""
        assert self._conn is not None
        ch = await self._conn.channel()
        out: list[AbstractIncomingMessage] = []
        try:
            q = await ch.declare_queue(fund_queue_names(self.fund_id)[2], passive=True)
            while len(out) < limit:
                msg = await q.get(no_ack=True, fail=False)
                if msg is None:
                    break
                out.append(msg)
        except aiormq.exceptions.ChannelNotFoundEntity:
            pass
        finally:
            with contextlib.suppress(Exception):
                await ch.close()
        return out


async def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    """Poll until predicate() holds; fail the test with `what` when it never does."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)


def run_with_fund(scenario: Callable[[str], Awaitable[None]], timeout: float) -> None:
    """Run one scenario on a fresh loop with a unique fund id; always delete its queues."""
    fund = f"t{uuid.uuid4().hex[:8]}"

    async def main() -> None:
        try:
            await asyncio.wait_for(scenario(fund), timeout)
        finally:
            await delete_fund_queues(fund)

    asyncio.run(main())


def headless_main(argv: list[str]) -> None:
    """`python -m tests.helpers.broker DATA_DIR FUND URL [NAME]`: the headless service, as a
    child process that a test can SIGKILL mid-stream (NAME: the console's, for the others)."""
    from core.signals import StopRequest

    stop_request = StopRequest()
    stop_request.install()  # a test's SIGTERM may come while the imports below still run
    import logging
    from pathlib import Path

    from core.service import ConsoleCore, run_headless

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    data_dir, fund, url = Path(argv[0]), argv[1], argv[2]
    name = argv[3] if len(argv) > 3 else None

    async def main() -> None:
        stop = asyncio.Event()
        stop_request.attach(stop)
        await run_headless(ConsoleCore(data_dir, fund, url, console_name=name), stop)

    asyncio.run(main())


if __name__ == "__main__":
    import sys

    headless_main(sys.argv[1:])


def books(db: Path, app: str, capacity: int, volunteers: list[int], response_ids: list[str]):
    """Count what a fault could have broken: responses lost, applied twice, overbooking."""
    c = sqlite3.connect(db)
    try:
        inbox = {r[0] for r in c.execute("SELECT message_id FROM inbox")}
        lost = sum(mid not in inbox for mid in response_ids)
        per_volunteer = dict(
            c.execute(
                "SELECT volunteer_id, COUNT(*) FROM outbox WHERE application_id=?"
                " GROUP BY volunteer_id",
                (app,),
            )
        )
        doubly = sum(n > 1 for n in per_volunteer.values())
        missing = sum(str(v) not in per_volunteer for v in volunteers)
        states = dict(
            c.execute(
                "SELECT volunteer_id, state FROM participation WHERE application_id=?", (app,)
            )
        )
        signed = sum(s == "signed" for s in states.values())
        backlog = c.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        return {
            "lost": lost,
            "doubly_applied": doubly,
            "overbooked": max(0, signed - capacity),
            "missing_outcome": missing,
            "signed": signed,
            "waiting": sum(s == "waiting" for s in states.values()),
            "unknown": sum(str(v) not in states for v in volunteers),
            "backlog": backlog,
        }
    finally:
        c.close()


def intact(capacity: int, n: int) -> dict[str, int]:
    """What books() says after a fault that broke nothing: n volunteers on capacity spots."""
    return {
        "lost": 0,
        "doubly_applied": 0,
        "overbooked": 0,
        "missing_outcome": 0,
        "signed": capacity,
        "waiting": n - capacity,
        "unknown": 0,
        "backlog": 0,
    }


def outcomes_seen(vol: VolunteerClient) -> dict[Any, set[str]]:
    """Per volunteer, the distinct console message ids that told them their outcome."""
    out: dict[Any, set[str]] = {}
    for mid, (_, _, body) in zip(vol.message_ids, vol.received, strict=True):
        if body.get("action") in ("volunteer_notification", "volunteer_waiting"):
            out.setdefault(body["user_id"], set()).add(mid)
    return out
