"""The consumer's fast path: each delivery handed to a plain function, with no task of its own.

aiormq's channel reads a delivery's frames and then starts a task for the consumer callback
(a TaskWrapper, a future-store entry, a done callback, a loop step to run it): under load a
fifth of the consume path's time, for a callback that only appends the delivery to the
batch. Here the channel's deliver-frame handler is replaced, for the consumer tags the
console registers, by one that reads the frames as aiormq does and calls the function in
frame order. It uses aiormq's channel internals, so it runs only on the release it was
tested with (fast_publish.TESTED_AIORMQ); elsewhere consuming goes through aiormq's tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiormq.abc import AbstractChannel, DeliveredMessage

from core.broker.fast_publish import TESTED_AIORMQ, installed_aiormq

log = logging.getLogger(__name__)

# Tests switch it off to exercise aiormq's own consume path.
enabled = installed_aiormq() == TESTED_AIORMQ

Handler = Callable[[DeliveredMessage], None]


def direct_handlers(underlay: AbstractChannel) -> dict[str, Handler] | None:
    """The channel's direct handlers by consumer tag (installing the direct path on first
    use); None where the fast path is off: consume with aiormq's callback as usual.

    A tag must be in the map before its basic_consume: a delivery that came by a task while
    later ones came directly could reach the batch after them (and a multiple ack of a later
    tag would then ack it before its commit).
    """
    if not enabled:
        return None
    channel: Any = underlay  # an aiormq.Channel; its private parts are not in its type
    handlers: dict[str, Handler] | None = channel.__dict__.get("_direct_handlers")
    if handlers is not None:
        return handlers
    handlers = {}
    through_aiormq = channel._on_deliver_frame
    content_header = channel._Channel__get_content_header
    read_content = channel._read_content

    async def on_deliver_frame(frame: Any) -> None:
        handler = handlers.get(frame.consumer_tag or "")
        if handler is None:
            await through_aiormq(frame)
            return
        message = await read_content(frame, await content_header())
        try:
            handler(message)
        except Exception:  # as aiormq logs a failed callback: the channel stays open
            log.exception("the consumer failed on delivery %s", frame.delivery_tag)

    channel._on_deliver_frame = on_deliver_frame
    channel.__dict__["_direct_handlers"] = handlers
    return handlers
