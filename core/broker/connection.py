"""One live broker connection at a time: connect, serve, and reconnect with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection

from core.broker.status import State, StatusBoard
from core.broker.topology import Role
from core.broker.urls import Brokers
from core.tls import TlsFiles

log = logging.getLogger(__name__)

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
CONNECT_TIMEOUT = 10.0


class LostSession(Exception):
    """The connection or a channel died; the supervisor reconnects."""


@dataclass
class Session:
    """One live connection: strong references to its channels and what it consumes."""

    generation: int
    connection: AbstractConnection
    consume_channel: AbstractChannel
    publish_channel: AbstractChannel
    queues: dict[Role, str]
    lost: asyncio.Event
    consumer_tags: dict[Role, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def lose(self, reason: str) -> None:
        self.reasons.append(reason)
        self.lost.set()


class _QuietAiormq(logging.Filter):
    """aiormq's own records of a failed or lost connection, down to debug.

    aiormq logs each refused connect at ERROR and a cut connection with a traceback; the
    supervisor already says the same in one WARNING line per attempt (with the URL redacted).
    """

    NOISE = (
        "error when creating transport",
        "Cancelling cause reader exited abnormally",
        "Unexpected connection close from remote",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith(self.NOISE):
            return True
        if not log.isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def quiet_aiormq_logs() -> None:
    """Turn aiormq's duplicate connection-failure records into debug records (idempotent)."""
    target = logging.getLogger("aiormq.connection")
    if not any(isinstance(f, _QuietAiormq) for f in target.filters):
        target.addFilter(_QuietAiormq())


Serve = Callable[[AbstractConnection], Awaitable[str]]


class Supervisor:
    """Keeps connecting until stopped; `serve` runs one connection and says why it ended.

    `serve` calls served() once the session consumes: a session that got that far and was
    lost is a fresh loss (retry at once), not a failing broker (retry slower each time).
    """

    def __init__(
        self, url: str, name: str, status: StatusBoard, serve: Serve, tls: TlsFiles | None = None
    ) -> None:
        quiet_aiormq_logs()  # before the first connection attempt can log
        self.url = url
        self.tls = tls or TlsFiles()
        self.brokers = Brokers(url)  # several nodes of a cluster: the next one when one fails
        self.name = name
        self.status = status
        self.serve = serve
        self.generation = 0
        self.ever_connected = False
        self.stopping = False
        self.stop_event = asyncio.Event()

    def served(self) -> int:
        """The session is consuming; returns its generation."""
        self.generation += 1
        self.ever_connected = True
        return self.generation

    def reset(self) -> None:
        self.stopping = False
        self.stop_event.clear()

    def stop(self) -> None:
        self.stopping = True
        self.stop_event.set()

    async def sleep_unless_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop_event.wait(), seconds)

    async def run(self) -> None:
        st = self.status
        delay = BACKOFF_FIRST
        retry = False
        while not self.stopping:
            what: State = "reconnecting" if self.ever_connected else "connecting"
            # Each failed attempt logs one WARNING; the attempts themselves only at debug.
            st.set_state(
                what, f"{what} to {st.shown_url()}", logging.DEBUG if retry else logging.INFO
            )
            retry = True
            try:
                conn = await self.connect()
                if conn is None:
                    break  # stopped while connecting
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                st.set_state(
                    "offline",
                    f"cannot reach {st.shown_url()} ({st.describe(exc)}); retrying in {delay:g} s",
                    logging.WARNING,
                )
                await self.sleep_unless_stopped(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            generation = self.generation
            reason = "connection closed"
            refused = False
            try:
                reason = await self.serve(conn)
            except asyncio.CancelledError:
                await close_quietly(conn)
                raise
            except Exception as exc:
                reason = st.describe(exc)
                refused = isinstance(exc, aiormq.exceptions.ChannelClosed)
            finally:
                await close_quietly(conn)
            if self.stopping:
                break
            self.brokers.lost()  # the next node first: this one may be down or cut off
            if self.generation != generation:
                delay = BACKOFF_FIRST
            if not refused or self.generation != generation:
                st.set_state(
                    "reconnecting",
                    f"lost the broker ({reason}); retrying in {delay:g} s",
                    logging.WARNING,
                )
            else:
                # Connected but refused before consuming (a queue declared with other arguments,
                # missing permissions): an operator has to act; keep retrying, slower each time.
                st.set_state(
                    "offline",
                    f"the broker refused the console's queues ({reason}); retrying in {delay:g} s",
                    logging.WARNING,
                )
            await self.sleep_unless_stopped(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def connect(self) -> AbstractConnection | None:
        """One connection attempt that stop() can interrupt (a silent host takes a while)."""
        # The TLS context is built per attempt and node (raises TlsSettingsInvalid): a renewed
        # file is read on the next retry; an explicit one, so the URL's no_verify_ssl can never
        # switch checks off (core/broker/urls.py).
        attempt = asyncio.ensure_future(
            self.brokers.connect(
                tls=self.tls,
                timeout=CONNECT_TIMEOUT,
                client_properties={"connection_name": self.name},
            )
        )
        nodes = len(self.brokers.urls)
        stopped = asyncio.ensure_future(self.stop_event.wait())
        try:
            await asyncio.wait(
                {attempt, stopped},
                timeout=CONNECT_TIMEOUT * nodes + 2,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            stopped.cancel()
            if not attempt.done():
                attempt.cancel()
            for task in (stopped, attempt):
                with contextlib.suppress(BaseException):
                    await task
        if attempt.cancelled():
            if self.stopping:
                return None
            raise TimeoutError(f"no answer within {CONNECT_TIMEOUT * nodes + 2:g} s")
        conn = attempt.result()
        self.status.node = self.brokers.url
        if self.stopping:
            await close_quietly(conn)
            return None
        return conn


async def close_quietly(conn: AbstractConnection) -> None:
    if conn.is_closed:
        return
    with contextlib.suppress(Exception):
        await asyncio.wait_for(conn.close(), 3.0)
