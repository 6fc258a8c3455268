"""Coordinator actions as commands: how a replica's action travels to the arbiter and back.

Any engine operation marked @coordinator_op (core/engine.py) is a command on a console that
does not decide: its name is the command's action and its arguments its payload (an
application form, a date: tagged JSON). The replica keeps it in replication_outgoing (local,
committed at once, so an action made offline waits there) and sends it when it can. The
arbiter runs the same operation, with the sender's coordinator as the actor, and records the
outcome in the replicated table command_outcome in the same transaction as the decision: the
decision and its outcome reach the log together, a redelivered command finds its outcome and
changes nothing, and the replica learns the outcome when it applies the arbiter's changes.
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any

from core.storage import _ts, compact_json


class CommandQueued(Exception):
    """A coordinator action this console does not decide: sent to the arbiter as a command."""

    def __init__(self, command_id: str, action: str) -> None:
        super().__init__(f"sent to the deciding console as command {command_id} ({action})")
        self.command_id = command_id
        self.action = action


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the arbiter made of a command (status applied or refused; kind/params: why)."""

    command_id: str
    action: str
    status: str
    kind: str = ""
    params: dict[str, Any] | None = None
    reason: str = ""
    value: Any = None


def _encode(value: Any) -> Any:
    # An ApplicationForm (a dataclass of dates, times and plain values), a date, or plain JSON.
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if hasattr(value, "__dataclass_fields__"):
        return {
            "$form": {f.name: _encode(getattr(value, f.name)) for f in fields(value)},
        }
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$datetime":
            return datetime.fromisoformat(inner)
        if tag == "$date":
            return date.fromisoformat(inner)
        if tag == "$time":
            return time.fromisoformat(inner)
        if tag == "$form":
            from core.engine import ApplicationForm

            return ApplicationForm(**{k: _decode(v) for k, v in inner.items()})
    return value


def encode_call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict:
    """An operation's arguments by name (self left out), as JSON."""
    bound = inspect.signature(fn).bind(None, *args, **kwargs)
    return {k: _encode(v) for k, v in bound.arguments.items() if k != "self"}


def decode_call(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: _decode(v) for k, v in payload.items()}


def queue_command(conn: Any, action: str, payload: dict[str, Any], now: datetime) -> str:
    """Keep a command to send (inside the caller's transaction); its new id."""
    command_id = uuid.uuid4().hex
    conn.execute(
        "INSERT INTO replication_outgoing (command_id, action, payload, created_at)"
        " VALUES (?, ?, ?, ?)",
        (command_id, action, compact_json(payload), _ts(now)),
    )
    return command_id


def forward_when_following(engine: Any) -> None:
    """For the command line on a data directory whose console follows another one: its
    actions become commands kept in replication_outgoing, sent by the console when it runs
    (a change decided here would be undone when the deciding console's records arrive)."""
    store = engine.store
    try:
        meta = dict(
            store.conn.execute(
                "SELECT key, value FROM meta"
                " WHERE key IN ('console_id', 'log_holder', 'log_holder_name')"
            ).fetchall()
        )
    except Exception:  # an older file: no decision log yet
        return
    holder = meta.get("log_holder", "")
    if not holder or holder == meta.get("console_id", ""):
        return
    name = str(meta.get("log_holder_name") or holder)
    engine.follows = lambda: name

    def forward(action: str, payload: dict[str, Any]) -> None:
        with store.transaction() as conn:
            command_id = queue_command(conn, action, payload, engine.clock.now())
        raise CommandQueued(command_id, action)

    engine.forward = forward


def record_outcome(conn: Any, sender: str, sender_name: str, o: Outcome, now: datetime) -> None:
    """The command's outcome, in the decision's transaction (replicated with it)."""
    conn.execute(
        "INSERT OR IGNORE INTO command_outcome (command_id, action, sender, sender_name, status,"
        " kind, params, reason, value, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            o.command_id,
            o.action,
            sender,
            sender_name,
            o.status,
            o.kind,
            compact_json(o.params or {}),
            o.reason,
            json.dumps(o.value),
            _ts(now),
        ),
    )


def outcome_of(conn: Any, command_id: str) -> Outcome | None:
    row = conn.execute(
        "SELECT command_id, action, status, kind, params, reason, value FROM command_outcome"
        " WHERE command_id = ?",
        (command_id,),
    ).fetchone()
    if row is None:
        return None
    return Outcome(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], json.loads(row[6]))


def settle_outgoing(conn: Any) -> list[Outcome]:
    """Pending commands of this console whose outcome has arrived: marked, and returned."""
    rows = conn.execute(
        "SELECT c.command_id, c.action, c.status, c.kind, c.params, c.reason, c.value,"
        " c.decided_at FROM replication_outgoing o JOIN command_outcome c"
        " ON c.command_id = o.command_id WHERE o.status = 'pending'"
    ).fetchall()
    out = []
    for r in rows:
        conn.execute(
            "UPDATE replication_outgoing SET status = ?, reason = ?, details = ?, decided_at = ?"
            " WHERE command_id = ?",
            (r[2], r[5], compact_json({"kind": r[3], "params": json.loads(r[4])}), r[7], r[0]),
        )
        out.append(Outcome(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], json.loads(r[6])))
    return out
