"""Undo of the coordinator's last action while nothing it told volunteers has left.

The rule (resources/CONTRACT.md, "Undo"): an action can be undone when every message it
committed is still in the outbox, neither sent nor being sent, and nothing has happened to
the application since (no response, deadline or other action: no newer activity row). Undo
puts the application back as it was before the action (fields, capacity, status, who is
signed up and waiting in which order, the offer round and its offers, held spots), deletes
the unsent messages, and logs `undone`, in one transaction. An action that created the
application is undone by deleting it.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from core.kinds import Refusal, RefusalKind, refuse
from core.rules import AppState, Round
from core.storage import _ts as ts

# What was done, as a key the activity log stores and the window names ("undo capacity change")
UNDOABLE = (
    "create",
    "duplicate",
    "edit",
    "capacity",
    "policy",
    "release_after",
    "publish",
    "close",
    "reopen",
    "cancel",
    "remove",
    "promote",
    "signup",
    "offer",
    "move",
    "reoffer",
    "release",
)


@dataclass(frozen=True, slots=True)
class Mark:
    """Where the outbox and the rounds stood just before an action."""

    outbox_seq: int
    round_id: int

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> Mark:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
        rid = conn.execute("SELECT COALESCE(MAX(id), 0) FROM offer_round").fetchone()[0]
        return cls(int(seq), int(rid))


@dataclass(frozen=True, slots=True)
class Undo:
    """How to take one action back: the state before it and what it wrote."""

    application_id: str
    action: str  # one of UNDOABLE
    before: AppState | None  # None: the action created the application
    first_seq: int  # the action's outbox rows are this application's rows in
    last_seq: int  # (first_seq, last_seq]
    new_round_ids: tuple[int, ...]
    last_activity: int  # the application's newest activity row right after the action


@dataclass
class OutboxClaims:
    """Outbox rows the relay has read and not yet marked: undo must not delete them.

    The relay reads a page under the lock and claims its rows; undo checks and deletes under
    the same lock and commits before releasing it, so a row is either sent (or on its way)
    or deleted, never both.
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    claimed: set[int] = field(default_factory=set)

    def claim(self, seqs: Iterable[int]) -> None:
        self.claimed.update(seqs)  # the caller holds the lock

    def release(self, seqs: Iterable[int]) -> None:
        with self.lock:
            self.claimed.difference_update(seqs)


def snapshot(st: AppState) -> AppState:
    """A copy the rules cannot change: participants are replaced, never changed in place, so
    the dict is copied; the round's offers are changed in place, so the round is copied."""
    return AppState(
        **{name: getattr(st, name) for name in _SHARED},
        participants=st.participants.copy(),
        round=_copy_round(st.round),
        awaiting=dict(st.awaiting),
        wait_keys=st.wait_keys.copy(),
    )


# The bookkeeping of the next write (dirty marks, log rows not written yet, the lead time
# checked) starts afresh in a snapshot and the containers the rules change in place are
# copied; every other field holds an immutable value and is shared. A field added to AppState
# that the rules change in place must be copied above.
_FRESH = {
    "dirty",
    "touched_rounds",
    "app_dirty",
    "reminders_sent",
    "confirmations",
    "leads_checked",
}
_COPIED = {"participants", "round", "awaiting", "wait_keys"}
_SHARED = tuple(f.name for f in fields(AppState) if f.name not in _FRESH | _COPIED)


def _copy_round(r: Round | None) -> Round | None:
    if r is None:
        return None
    c = copy.copy(r)
    c.offers = {vid: copy.copy(o) for vid, o in r.offers.items()}
    c.dirty_offers = set()
    return c


def last_activity(conn: sqlite3.Connection, app_id: str) -> int:
    row = conn.execute(
        "SELECT COALESCE(MAX(id), 0) FROM activity WHERE application_id = ?", (app_id,)
    ).fetchone()
    return int(row[0])


def taken(
    conn: sqlite3.Connection, app_id: str, action: str, before: AppState | None, mark: Mark
) -> Undo:
    """The Undo of an action just committed (the caller still holds the engine's lock)."""
    seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
    rounds = conn.execute(
        "SELECT id FROM offer_round WHERE application_id = ? AND id > ? ORDER BY id",
        (app_id, mark.round_id),
    ).fetchall()
    return Undo(
        app_id,
        action,
        before,
        mark.outbox_seq,
        int(seq),
        tuple(int(r[0]) for r in rounds),
        last_activity(conn, app_id),
    )


def refusal(conn: sqlite3.Connection, u: Undo, claimed: set[int]) -> Refusal | None:
    """Why the action can no longer be undone, if it cannot (the caller holds
    OutboxClaims.lock until its transaction commits)."""
    if last_activity(conn, u.application_id) != u.last_activity:
        return refuse(RefusalKind.UNDO_CHANGED)
    rows = conn.execute(
        "SELECT seq, sent_at IS NOT NULL OR failed_at IS NOT NULL FROM outbox"
        " WHERE seq > ? AND seq <= ? AND application_id = ?",
        (u.first_seq, u.last_seq, u.application_id),
    ).fetchall()
    if any(gone or seq in claimed for seq, gone in rows):
        return refuse(RefusalKind.UNDO_SENT, messages=len(rows))
    return None


def drop_messages(conn: sqlite3.Connection, u: Undo) -> int:
    """Delete the action's messages, none of which has left (refusal() said so); a reminder
    among them leaves the reminder log too, so the clock may send it again."""
    conn.execute(
        "DELETE FROM reminder WHERE message_id IN (SELECT message_id FROM outbox"
        " WHERE seq > ? AND seq <= ? AND application_id = ?)",
        (u.first_seq, u.last_seq, u.application_id),
    )
    cur = conn.execute(
        "DELETE FROM outbox WHERE seq > ? AND seq <= ? AND application_id = ?",
        (u.first_seq, u.last_seq, u.application_id),
    )
    return cur.rowcount


def restore(conn: sqlite3.Connection, current: AppState, u: Undo) -> AppState:
    """The state before the action, with what differs from now marked for save_state; the
    rounds the action opened are deleted and the one it changed is written back here."""
    assert u.before is not None
    b = snapshot(u.before)
    for vid in set(current.participants) | set(b.participants):
        if current.participants.get(vid) != b.participants.get(vid):
            b.dirty.add(vid)
    if u.new_round_ids:
        marks = ",".join("?" * len(u.new_round_ids))
        conn.execute(f"DELETE FROM offer WHERE round_id IN ({marks})", u.new_round_ids)
        conn.execute(f"DELETE FROM offer_round WHERE id IN ({marks})", u.new_round_ids)
    r = b.round
    if r is not None and r.id is not None:
        conn.execute(
            "UPDATE offer_round SET held = ?, deadline = ?, closed_at = NULL, close_reason = NULL"
            " WHERE id = ?",
            (r.held, ts(r.deadline), r.id),
        )
        # deleted and written again in the round's order: a reloaded round lists them so
        conn.execute("DELETE FROM offer WHERE round_id = ?", (r.id,))
        conn.executemany(
            "INSERT INTO offer (round_id, volunteer_id, offered_at, expires_at, state)"
            " VALUES (?,?,?,?,?)",
            [
                (r.id, o.volunteer_id, ts(o.offered_at), ts(o.expires_at), o.state)
                for o in r.offers.values()
            ],
        )
    b.app_dirty = True
    return b
