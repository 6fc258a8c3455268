"""Several broker URLs (a cluster's nodes) for one console: tried in turn, the last good first."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aio_pika
from aio_pika.abc import AbstractConnection

from core.tls import TlsFiles, client_context


class ClosingConnection(aio_pika.Connection):
    """A connection that closes itself when its connect fails: aio_pika.connect leaves the
    object of a refused attempt open, and its __del__ then schedules a close nobody awaits
    (a "coroutine was never awaited" warning per attempt while the broker is down)."""

    async def connect(self, timeout: Any = None) -> None:
        try:
            await super().connect(timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await self.close()
            raise


async def connect(url: str, **kwargs: Any) -> AbstractConnection:
    """aio_pika.connect, closing what a failed attempt made."""
    return await aio_pika.connect(url, connection_class=ClosingConnection, **kwargs)


def split_urls(url: str) -> list[str]:
    """`--broker` may name several nodes of one cluster, separated by commas."""
    return [u.strip() for u in url.split(",") if u.strip()] or [url]


class Brokers:
    """Connects to the first node that answers, starting from the one that answered last."""

    def __init__(self, url: str) -> None:
        self.urls = split_urls(url)
        self.current = 0

    @property
    def url(self) -> str:
        """The node connected to last (or to be tried first)."""
        return self.urls[self.current]

    def lost(self) -> None:
        """The node connected to went away: the next attempt starts with the next node (a node
        cut off by the network would hold each attempt for the connect timeout)."""
        if len(self.urls) > 1:
            self.current = (self.current + 1) % len(self.urls)

    async def connect(self, *, tls: TlsFiles | None = None, **kwargs: Any) -> AbstractConnection:
        error: BaseException | None = None
        for i in range(len(self.urls)):
            k = (self.current + i) % len(self.urls)
            url = self.urls[k]
            context = client_context(url, tls or TlsFiles())  # TlsSettingsInvalid: not a node's
            try:
                conn = await connect(url, ssl_context=context, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # that node is down or unreachable: the next one
                error = exc
                continue
            self.current = k
            return conn
        assert error is not None
        raise error
