"""Identifiers: time-ordered 53-bit application ids and the contract's id encoding."""

from __future__ import annotations

import secrets
import threading
import time
import uuid

# 2024-01-01T00:00:00Z in milliseconds; 41 bits of milliseconds from here last until 2093.
_EPOCH_MS = 1_704_067_200_000
_RANDOM_BITS = 12
MAX_SAFE_INT = (1 << 53) - 1  # the contract's bound on integer ids (JSON-safe)

_lock = threading.Lock()
_last = 0


def new_application_id(now_ms: int | None = None) -> int:
    """A JSON-safe (< 2**53), time-ordered id, unique across consoles.

    41 bits of milliseconds since 2024 and 12 random bits: two consoles collide only if
    they create an application in the same millisecond and draw the same 12 bits.
    Within one process ids are strictly increasing.
    """
    global _last
    ms = (int(time.time() * 1000) if now_ms is None else now_ms) - _EPOCH_MS
    candidate = (ms << _RANDOM_BITS) | secrets.randbits(_RANDOM_BITS)
    with _lock:
        if candidate <= _last:
            candidate = _last + 1
        _last = candidate
    if candidate > MAX_SAFE_INT:
        raise OverflowError("application id space exhausted")
    return candidate


def canonical_id(value: int | str) -> str:
    """The form ids are stored and compared in: their text."""
    return str(value)


def wire_id(value: str) -> int | str:
    """How an id goes out: a JSON integer when it is all digits (and round-trips) and JSON-safe
    (at most 2**53 - 1, as the contract bounds integer ids), else text."""
    if (
        value.isascii()
        and value.isdigit()
        and len(value) <= 16
        and str(int(value)) == value
        and int(value) <= MAX_SAFE_INT
    ):
        return int(value)
    return value


def reminder_message_id(fund_id: str, application_id: str, volunteer_id: str, key: str) -> str:
    """The message_id of one reminder, derived from what it reminds of: the same reminder can
    only ever be one outbox row (a second is refused by the outbox's unique message_id), and a
    volunteer side that dedupes by message_id sees one even if the broker delivers it twice."""
    name = "\0".join(("reminder", fund_id, application_id, volunteer_id, key))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))
