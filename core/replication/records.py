"""The decision log's records: {epoch, seq, kind, payload} as JSON, and the reader's rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# A marker a lease holder writes to learn where the log ends; no reader applies it.
SYNC = "sync"
# The first record of a new lease holder: its epoch begins.
EPOCH = "epoch"
# The whole replicated state, for a replica whose next record the retention removed.
SNAPSHOT = "snapshot"
# A command's outcome (applied or refused), so the console that sent it learns it.
COMMAND = "command"


class BadRecord(ValueError):
    """A log entry that is not a record of this format (skipped by readers, with the reason)."""


@dataclass(frozen=True)
class LogRecord:
    """One entry of the decision log. offset is the stream's, known only once read."""

    epoch: int
    seq: int
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    offset: int | None = None

    @property
    def message_id(self) -> str:
        return f"{self.epoch}.{self.seq}.{self.kind}"

    def encode(self) -> bytes:
        body = {"epoch": self.epoch, "seq": self.seq, "kind": self.kind, "payload": self.payload}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, body: bytes, offset: int | None = None) -> LogRecord:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRecord(f"not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise BadRecord("not a JSON object")
        epoch, seq, kind, payload = (data.get(k) for k in ("epoch", "seq", "kind", "payload"))
        if type(epoch) is not int or type(seq) is not int or epoch < 0 or seq < 0:
            raise BadRecord("epoch and seq must be non-negative integers")
        if not isinstance(kind, str) or not kind:
            raise BadRecord("kind must be a non-empty string")
        if not isinstance(payload, dict):
            raise BadRecord("payload must be an object")
        return cls(epoch, seq, kind, payload, offset)


@dataclass(frozen=True)
class Position:
    """How far a reader has applied the log: the next offset to read, the highest epoch seen
    and the last sequence number applied within it."""

    next_offset: int = 0
    epoch: int = -1
    seq: int = -1


def missing_before(position: Position, record: LogRecord) -> bool:
    """Whether records between the position and this one are gone (the stream's retention).

    Stream offsets are not contiguous (the broker writes chunks of its own between records),
    so the sequence numbers tell: within an epoch they go up by one; a new epoch begins at 0
    with an epoch record naming the (epoch, seq) its holder had read up to, which a reader
    that has read everything before holds too.
    """
    if record.kind == SYNC or record.epoch < position.epoch:
        return False
    if record.epoch == position.epoch:
        return record.seq > position.seq + 1
    if record.seq != 0:
        return True
    after = record.payload.get("after") if record.kind == EPOCH else None
    return isinstance(after, list) and after != [position.epoch, position.seq]


def hole_after(position: Position, record: LogRecord, read_here: bool) -> bool:
    """Whether this record comes after a hole in its epoch: records the writer sent were
    not stored, a later one was (its writer pipelines: CONTRACT.md, Holes).

    A reader knows a hole when it applied the position's record itself, in this reading of
    the stream (read_here), and the next record of that epoch skips sequence numbers: the
    stream's retention removes only what lies before everything a reader is given, so the
    gap cannot be the retention's. Every record of the epoch after a hole is void (never
    applied: its writer counted none of them as logged, and gave up the lease), so every
    reader stops that epoch at the same record, and the next holder's epoch record names it.
    """
    return (
        read_here
        and record.kind != SYNC
        and record.epoch == position.epoch
        and record.seq > position.seq + 1
    )


def verdict(position: Position, record: LogRecord) -> str:
    """What a reader does with a record at a position: 'apply', 'fenced' (an epoch older than
    one already seen: a deposed holder's late write), 'duplicate' (a holder's resend of a
    record already applied) or 'marker' (a sync marker, never applied)."""
    if record.kind == SYNC:
        return "marker"
    if record.epoch < position.epoch:
        return "fenced"
    if record.epoch == position.epoch and record.seq <= position.seq:
        return "duplicate"
    return "apply"
