"""Identifiers: time-ordered application and message ids, and the contract's id encoding."""

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


_last_message = (0, 0)  # (milliseconds, the 74 bits after them) of the newest id made


def new_message_id(now_ms: int | None = None) -> str:
    """An outbound message's id: a UUID in the version 7 layout (RFC 9562), time-ordered.

    48 bits of Unix milliseconds, then 74 random bits around the version and variant, so ids
    made later sort later: the outbox's unique index on message_id takes each batch's ids at
    its right edge, where UUID4 ids wrote about one random page of that index per message
    (a million-row outbox). Within one process they are strictly increasing: in the same
    millisecond, or after a clock step back, the next id counts on from the last.
    """
    global _last_message
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        last_ms, last_tail = _last_message
        if ms <= last_ms:
            ms, tail = last_ms, last_tail + 1
            if tail >> 74:
                ms, tail = ms + 1, 0
        else:
            # Random only where a millisecond starts: a batch makes dozens of ids in one, and
            # each draw is a getrandom() call (6 us, a twentieth of the engine's message).
            tail = secrets.randbits(73)  # the top bit clear: room to count on
        _last_message = (ms, tail)
    u = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (tail >> 62) << 64 | 0b10 << 62
    h = f"{u | tail & ((1 << 62) - 1):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


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
