"""The broker status the window and the service show: state changes and a throttled backlog."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from core import tls
from core.redaction import redact, scrub

log = logging.getLogger(__name__)

# paused: connected, but the database cannot be written (disk full): consuming has stopped
State = Literal["connecting", "connected", "reconnecting", "offline", "paused"]
BACKLOG_EVERY = 0.2


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class BrokerStatus:
    state: State
    backlog: int  # outbox rows not yet confirmed by the broker
    detail: str  # human readable, password never shown
    since: datetime  # when this state began (naive UTC)
    node: str = ""  # connected: the node of the cluster it is on (password hidden)


class StatusBoard:
    """Holds the current BrokerStatus and tells subscribers; hides the URL's password."""

    def __init__(self, url: str, backlog: Callable[[], int]) -> None:
        self.url = url
        # The node of a cluster the console is connected to (--broker may name several).
        self.node: str | None = None
        self._count_backlog = backlog
        self._callbacks: list[Callable[[BrokerStatus], None]] = []
        self._status = BrokerStatus("offline", self._backlog(0), "not started", utcnow())
        self.loop: asyncio.AbstractEventLoop | None = None
        self._backlog_handle: asyncio.TimerHandle | None = None
        self._backlog_sent_at = 0.0

    @property
    def status(self) -> BrokerStatus:
        return self._status

    def subscribe(self, callback: Callable[[BrokerStatus], None]) -> None:
        self._callbacks.append(callback)

    def shown_url(self) -> str:
        return redact(self.url)

    def shown_node(self) -> str:
        """The node connected to, password hidden (all nodes before the first connection)."""
        return redact(self.node or self.url)

    def scrub(self, text: str) -> str:
        return scrub(text, self.url)

    def describe(self, exc: BaseException) -> str:
        """An exception as one line for the status and the log, password hidden; a TLS
        failure in an operator's words."""
        return self.scrub(tls.explain(exc) or f"{type(exc).__name__}: {exc}")

    def _backlog(self, fallback: int) -> int:
        try:
            return self._count_backlog()
        except Exception:
            return fallback  # the store is closed or cannot be read: keep the last figure

    def set_state(self, state: State, detail: str, level: int = logging.INFO) -> None:
        # detail is built from redact()ed URLs and scrub()bed exception texts only
        old = self._status
        if old.state == state and old.detail == detail:
            return
        since = old.since if old.state == state else utcnow()
        node = redact(self.node) if state == "connected" and self.node else ""
        self._status = BrokerStatus(state, self._backlog(old.backlog), detail, since, node)
        if old.state != state:
            log.log(level, "broker %s: %s", state, detail)
        self._notify()

    def _notify(self) -> None:
        for cb in list(self._callbacks):
            try:
                cb(self._status)
            except Exception:
                log.exception("a status callback failed")

    def backlog_changed(self) -> None:
        """Refresh the backlog in the status, at most every BACKLOG_EVERY seconds."""
        if self._backlog_handle is not None:
            return
        loop = self.loop
        wait = self._backlog_sent_at + BACKLOG_EVERY - time.monotonic()
        if loop is None or wait <= 0:
            self._emit_backlog()
        else:
            self._backlog_handle = loop.call_later(wait, self._emit_backlog)

    def _emit_backlog(self) -> None:
        self._backlog_handle = None
        self._backlog_sent_at = time.monotonic()
        old = self._status
        backlog = self._backlog(old.backlog)
        if backlog != old.backlog:
            self._status = BrokerStatus(old.state, backlog, old.detail, old.since, old.node)
            self._notify()

    def close(self) -> None:
        if self._backlog_handle is not None:
            self._backlog_handle.cancel()
            self._backlog_handle = None
