"""AMQP short strings that are not UTF-8: decoded so they can be refused, never a dead reader."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from pamqp import decode

# A sender may put any bytes in a short string (message_id, app_id, type, a routing key).
# pamqp decodes them as strict UTF-8 inside aiormq's frame reader, so one such message killed
# the connection, came back after the reconnect and killed it again: the queue stalled for
# ever, and every valid message behind it crept toward the delivery limit. Decoded with
# surrogateescape instead, the frame reads; the consumer then finds the escapes and refuses
# the message with the property's name (undecodable_properties).
UNDECODABLE_HEADERS = "x-volunteer-console-undecodable-headers"

_installed = False


def _short_str(value: bytes) -> tuple[int, str]:
    try:
        length = struct.unpack(">B", value[0:1])[0]
    except (struct.error, TypeError) as err:
        raise ValueError("Could not unpack short string value") from err
    return length + 1, value[1 : length + 1].decode("utf-8", "surrogateescape")


def _tolerant_table(strict: Callable[[bytes], tuple[int, Any]]) -> Callable[..., tuple[int, Any]]:
    def table(value: bytes) -> tuple[int, Any]:
        try:
            return strict(value)
        except UnicodeDecodeError:
            # A header name that is not UTF-8 (pamqp decodes names strictly): the table's
            # length is known, so the frame still reads; the headers are replaced by a marker.
            (length,) = struct.unpack(">I", value[0:4])
            return length + 4, {UNDECODABLE_HEADERS: value[4 : length + 4].hex()[:200]}

    return table


def install() -> None:
    """Make pamqp's decoder tolerant of non-UTF-8 short strings and header names (once)."""
    global _installed
    if _installed:
        return
    decode.METHODS["shortstr"] = _short_str
    decode.METHODS["table"] = _tolerant_table(decode.METHODS["table"])
    _installed = True


def is_undecodable(text: str | None) -> bool:
    """True for a string that came in with bytes that are not UTF-8 (surrogate escapes)."""
    if not text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(text: str) -> str:
    """An undecodable string as printable text: its bytes that are not UTF-8 as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


PROPERTIES = (
    "message_id",
    "app_id",
    "message_type",
    "content_type",
    "content_encoding",
    "correlation_id",
    "reply_to",
    "expiration",
    "user_id",
    "cluster_id",
)


def undecodable_properties(properties: Any, routing_key: str | None) -> list[tuple[str, str]]:
    """(name, shown value) of every property, header table or routing key that was not
    UTF-8 on the wire; [] for a well-formed message."""
    found = [
        (name, shown(value))
        for name in PROPERTIES
        if isinstance(value := getattr(properties, name, None), str) and is_undecodable(value)
    ]
    headers = getattr(properties, "headers", None)
    if isinstance(headers, dict) and UNDECODABLE_HEADERS in headers:
        found.append(("headers", str(headers[UNDECODABLE_HEADERS])[:60]))
    if routing_key and is_undecodable(routing_key):
        found.append(("routing_key", shown(routing_key)))
    return found


def cleaned(properties: Any) -> Any:
    """The properties with every undecodable string shown as \\xNN text, so that a copy (the
    dead letter) can be encoded again; the original object is left alone."""
    if properties is None:
        return None
    changes = {
        name: shown(value)
        for name in PROPERTIES
        if isinstance(value := getattr(properties, name, None), str) and is_undecodable(value)
    }
    if not changes:
        return properties
    copy = type(properties)()
    for slot in type(properties).__slots__:
        setattr(copy, slot, changes.get(slot, getattr(properties, slot, None)))
    return copy
