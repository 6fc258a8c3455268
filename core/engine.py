"""The engine: applies inbound messages and coordinator operations atomically, tells listeners."""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from core import attendance, rules, undo, wire
from core import outcomes as o
from core.clock import Clock, SystemClock, local_now, shift_over
from core.ids import new_application_id
from core.kinds import ActivityKind, Refusal, RefusalKind, Rejection, RejectionKind, refuse, reject
from core.records import Activity, LoggedMessage
from core.rules import AppState, Effects, Participant
from core.storage import Store, StoreDamaged, StoreUnavailable, _ts, compact_json

if TYPE_CHECKING:  # loaded with the first message in or out: pydantic is not needed before
    from core import messages as m

log = logging.getLogger(__name__)

Outcome = Literal["applied", "duplicate", "rejected", "ignored"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One inbound message as the transport hands it over: bytes plus envelope facts."""

    body: bytes
    exchange: str = wire.RESPONSE_EXCHANGE
    routing_key: str = ""
    message_id: str | None = None
    app_id: str | None = None
    redelivered: bool = False  # the broker's flag: delivered before and not acknowledged
    properties: object | None = None  # the AMQP properties, opaque here (for a dead letter)
    # (name, shown value) of envelope fields that were not UTF-8 on the wire: refused
    undecodable: tuple[tuple[str, str], ...] = ()


# A redelivered message without message_id was delivered before and not acknowledged, so it
# is among the last messages processed when its channel went away: at most the prefetch of
# the two consumed queues (2 x 500). Only there is its content looked for; see CONTRACT.md.
REDELIVERY_WINDOW = 4096

# How much of an inbound body the local logs keep (the message log, a rejected message).
KEPT_BODY_BYTES = 4096


def scoped_id(sender: str, message_id: str) -> str:
    """The inbox key of a message id: the sender's app_id is part of it, length-prefixed."""
    return f"{len(sender)}:{sender}:{message_id}"


@dataclass(frozen=True, slots=True)
class InboxKey:
    """How the inbox knows one delivery: by its sender's message id, else by its content."""

    key: str  # the inbox row's primary key
    shown: str  # the id shown in results, logs and the rejected list
    content_hash: str | None  # set only for a message without message_id

    @property
    def legacy(self) -> str:
        """The key this id had before ids were scoped by sender (schema version 3)."""
        return f"legacy:{self.shown}"

    def row(self, d: Delivery) -> tuple[str, str, str, str | None]:
        """The inbox columns key, message_id, sender, content_hash."""
        return (self.key, self.shown, d.app_id or "", self.content_hash)

    @classmethod
    def of(cls, d: Delivery) -> InboxKey:
        sender = d.app_id or ""
        if d.message_id:
            # Ids are scoped by sender: another app_id's X is another message.
            return cls(scoped_id(sender, d.message_id), d.message_id, None)
        digest = hashlib.sha256(
            b"\0".join([sender.encode(), d.exchange.encode(), d.routing_key.encode(), d.body])
        ).hexdigest()
        # Unique per processing: equal bodies sent twice are two messages.
        return cls(f"content:{digest}:{uuid.uuid4().hex}", f"sha256:{digest}", digest)


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    message_id: str
    reason: str = ""  # English: a rejection's reason (the dead-letter header), or why ignored
    # A rejected message's kind and parameters; reason is its English, so equality skips it.
    rejection: Rejection | None = field(default=None, compare=False)


def _change_order(p: Participant | None, vid: str) -> tuple[Any, ...]:
    return (0, vid) if p is None else (1, p.responded_at, p.seq, vid)


class ParticipantChange(NamedTuple):
    """One volunteer's new place in one application (state None: no longer in it)."""

    application_id: str
    volunteer_id: str
    state: str | None
    responded_at: str  # as stored: the waitlist's order is (responded_at, seq, volunteer_id)
    seq: int


@dataclass(slots=True)
class Committed:
    """What one committed transaction changed, for the window and the relay."""

    application_ids: set[str] = field(default_factory=set)
    # each touched volunteer's new state, so a view of 50,000 rows moves one row, not all
    participants: list[ParticipantChange] = field(default_factory=list)
    activity: list[Activity] = field(default_factory=list)
    messages: list[LoggedMessage] = field(default_factory=list)
    outbound: int = 0
    rejected: int = 0
    responses: int = 0


Listener = Callable[[Committed], None]
# Builds the outbox row that dead-letters a rejected delivery (the broker side knows how):
# (delivery, its unique inbox key, reason, now) -> Store.add_outbox_copies' columns. Never raises.
DeadLetter = Callable[["Delivery", str, str, datetime], tuple[object, ...]]

# Applications whose state stays in memory between batches, least recently used dropped first:
# the ones volunteers are answering now. A fund's years of past applications stay on disk.
CACHE_SIZE = 64


class ActionRefused(Exception):
    """A coordinator operation that the rules or the form refused: a kind plus parameters.

    str() is the English sentence (logs, the CLI); the window says it in its own language
    from refusal.kind and refusal.params.
    """

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal

    @property
    def kind(self) -> RefusalKind:
        return self.refusal.kind


T = TypeVar("T")


_Op = TypeVar("_Op", bound=Callable[..., object])


def coordinator_op(fn: _Op) -> _Op:
    """A coordinator action: decided here when this console decides, else sent as a command
    to the console that does (core/replication/actions.py). Any new operation that changes
    the fund's state is marked with it, and then it travels by itself."""
    name = fn.__name__

    @functools.wraps(fn)
    def op(self: Engine, *args: object, **kwargs: object) -> object:
        if self.forward is not None and self.follows is not None and self.follows() is not None:
            from core.replication.actions import encode_call

            self.forward(name, encode_call(fn, args, kwargs))  # raises CommandQueued
        return fn(self, *args, **kwargs)

    return op  # type: ignore[return-value]


class Engine:
    """Owns the rules' state for one fund and the only way to change it."""

    def __init__(self, store: Store, fund_id: str, clock: Clock | None = None) -> None:
        self.store = store
        self.fund_id = fund_id
        self.clock = clock or SystemClock()
        self.console_app_id = console_app_id(fund_id)
        self._cache: OrderedDict[str, AppState] = OrderedDict()
        self._seen_version = store.data_version()
        self._listeners: list[Listener] = []
        # The console runs the engine on its writer thread; tests and scripts may also call
        # it from theirs. One caller at a time keeps the cache and its transaction together.
        self._lock = threading.RLock()
        self.dead_letter: DeadLetter | None = None  # set by the transport
        self.outbox_claims = undo.OutboxClaims()  # rows the relay is sending: never undone
        # Several consoles of one fund (core.replication.member): None while this console
        # may decide, else the name of the console that decides (coordinator actions here
        # are refused rather than decided on a picture the arbiter never sees).
        self.follows: Callable[[], str | None] | None = None
        # ...and then a coordinator action here becomes a command: forward(action, payload)
        # keeps it for the arbiter and raises CommandQueued.
        self.forward: Callable[[str, dict[str, object]], None] | None = None
        # Who the activity feed says decided a coordinator action: "coordinator", or
        # "coordinator <name>" with a name set (the arbiter runs a command as its sender's).
        self.actor = "coordinator"

    # -- listeners ----------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, change: Committed) -> None:
        for listener in self._listeners:
            try:
                listener(change)
            except Exception:
                log.exception("a listener failed on a committed change")

    # -- state cache --------------------------------------------------------------------
    def _state(self, app_id: str) -> AppState | None:
        st = self._cache.get(app_id)
        if st is not None:
            self._cache.move_to_end(app_id)
            return st
        st = self.store.load_state(app_id)
        if st is not None:
            st.leads_checked = rules.leads_settled(st, self.clock.now(), self.clock.tz)
            self._remember(st)
        return st

    def _remember(self, st: AppState) -> None:
        self._cache[st.id] = st
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _refresh(self) -> None:
        """Drop the cache when another process (the CLI, another console) has committed."""
        version = self.store.data_version()
        if version != self._seen_version:
            self._cache.clear()
            self._seen_version = version

    # -- inbound ------------------------------------------------------------------------
    def handle(self, deliveries: Sequence[Delivery]) -> list[Result]:
        """Apply a batch of deliveries in one transaction; one result per delivery, in order.

        Never raises for a bad message. If the batch itself fails (a bug, a full disk), it is
        rolled back and each delivery is retried alone so one poison message cannot sink the rest.
        """
        if not deliveries:
            return []
        with self._lock:
            return self._handle_all(deliveries)

    def _handle_all(self, deliveries: Sequence[Delivery]) -> list[Result]:
        try:
            return self._handle(deliveries)
        except (StoreDamaged, StoreUnavailable):
            # Not the messages' fault (a damaged file, a full disk): none is refused or
            # recorded; the caller gives them back to the broker or holds them unacknowledged.
            self._cache.clear()
            raise
        except Exception:
            log.exception("batch of %d failed; retrying one by one", len(deliveries))
            self._cache.clear()
        results = []
        for d in deliveries:
            try:
                results.extend(self._handle([d]))
            except (StoreDamaged, StoreUnavailable):
                self._cache.clear()
                raise
            except Exception as exc:
                self._cache.clear()
                results.append(self._record_internal_error(d, exc))
        return results

    def _handle(self, deliveries: Sequence[Delivery]) -> list[Result]:
        now = self.clock.now()
        results: list[Result] = []
        change = Committed()
        touched: dict[str, AppState] = {}
        outbound: list[m.Outbound] = []
        activity: list[Activity] = []
        inbox: list[tuple[object, ...]] = []
        rejected: list[tuple[object, ...]] = []
        copies: list[tuple[object, ...]] = []
        try:
            with self.store.transaction():
                self._refresh()
                keys = [InboxKey.of(d) for d in deliveries]
                duplicate = self._duplicates(deliveries, keys)
                for d, ik, dup in zip(deliveries, keys, duplicate, strict=True):
                    mid = ik.shown
                    if dup:
                        results.append(Result("duplicate", mid))
                        continue
                    outcome, why, req = self._apply_one(d, mid, now, touched, outbound, activity)
                    rejection = why if isinstance(why, Rejection) else None
                    reason = str(why)
                    results.append(Result(outcome, mid, reason, rejection))
                    logged = LoggedMessage(
                        "in",
                        now,
                        d.exchange,
                        d.routing_key,
                        _action_of(req),
                        req.application_id if req else None,
                        req.volunteer_id if req else None,
                        d.body[:KEPT_BODY_BYTES].decode("utf-8", "replace"),
                        outcome if not reason else f"{outcome}: {reason}",
                    )
                    change.messages.append(logged)
                    columns = logged.row()
                    if outcome == "rejected":  # its body is kept once, in the rejected row
                        columns = (*columns[:-1], "")
                    inbox.append((*ik.row(d), _ts(now), outcome, *columns))
                    if rejection is not None:
                        rejected.append(_rejected_row(d, mid, now, rejection))
                        copies.extend(
                            self._dead_letter_copy(d, ik.key, str(rejection), now, change)
                        )
                    elif outcome == "applied":
                        change.responses += 1
                self._write(touched, outbound, activity, now, change)
                if inbox:
                    self.store.add_inbox(inbox)
                if rejected:
                    self.store.add_rejected(rejected)
                    change.rejected = len(rejected)
                if copies:
                    self.store.add_outbox_copies(copies)
        except BaseException:
            for app_id in touched:
                self._cache.pop(app_id, None)
            raise
        self._emit(change)
        return results

    def _duplicates(self, deliveries: Sequence[Delivery], keys: list[InboxKey]) -> list[bool]:
        """Which deliveries were processed before: by sender and message id; without an id,
        only a redelivery can be, and only one whose content was processed just before."""
        by_id = [k for k in keys if k.content_hash is None]
        seen = self.store.seen_inbox_keys([k.key for k in by_id] + [k.legacy for k in by_id])
        hashes = [
            k.content_hash
            for d, k in zip(deliveries, keys, strict=True)
            if k.content_hash is not None and d.redelivered
        ]
        earlier = self.store.recent_content_counts(hashes, REDELIVERY_WINDOW) if hashes else {}
        out = []
        for d, k in zip(deliveries, keys, strict=True):
            if k.content_hash is None:
                out.append(k.key in seen or k.legacy in seen)
                seen.add(k.key)
            elif d.redelivered and earlier.get(k.content_hash, 0) > 0:
                earlier[k.content_hash] -= 1  # one earlier processing answers one redelivery
                out.append(True)
            else:
                out.append(False)
        return out

    def _apply_one(
        self,
        d: Delivery,
        mid: str,
        now: datetime,
        touched: dict[str, AppState],
        outbound: list[m.Outbound],
        activity: list[Activity],
    ) -> tuple[Outcome, str | Rejection, m.VolunteerRequest | None]:
        if d.undecodable:
            found = [{"name": name, "got": got} for name, got in d.undecodable]
            return "rejected", reject(RejectionKind.NOT_UTF8_PROPERTY, properties=found), None
        if d.app_id is not None and d.app_id == self.console_app_id:
            return "ignored", "published by this fund's console", None
        from core import messages as m

        parsed = m.parse_inbound(d.body)
        if isinstance(parsed, m.Rejected):
            return "rejected", parsed.rejection, None
        if isinstance(parsed, m.Ignored):
            return "ignored", parsed.reason, None
        st = touched.get(parsed.application_id) or self._state(parsed.application_id)
        if st is None:
            unknown = reject(RejectionKind.UNKNOWN_APPLICATION, application=parsed.application_id)
            return "rejected", unknown, parsed
        if st.status == "draft":
            return "rejected", reject(RejectionKind.NOT_PUBLISHED, application=st.id), parsed
        tz = self.clock.tz
        fx = Effects(now=now, actor=f"volunteer {parsed.volunteer_id}", cause=mid, tz=tz)
        rules.expire(
            st,
            Effects(
                now=now,
                actor="clock",
                cause=None,
                tz=tz,
                outcomes=fx.outcomes,
                activity=fx.activity,
            ),
        )
        if parsed.kind == "accepted":
            rules.accept(st, fx, parsed.volunteer_id, parsed.timestamp or now)
        elif parsed.kind == "confirmed":
            rules.confirm(st, fx, parsed.volunteer_id)
        else:
            rules.decline(st, fx, parsed.volunteer_id)
        touched[st.id] = st
        outbound.extend(wire_messages(st, fx.outcomes, now))
        activity.extend(fx.activity)
        return "applied", "", parsed

    def _write(
        self,
        touched: dict[str, AppState],
        outbound: list[m.Outbound],
        activity: list[Activity],
        now: datetime,
        change: Committed,
    ) -> None:
        for st in touched.values():
            st.reminder_due = rules.reminder_due(st, now, self.clock.tz)
            # in the waitlist's order (those gone first): a set's order put a batch's newcomers
            # out of order, and the window's waitlist then read every key to place them
            parts = st.participants
            for vid in sorted(st.dirty, key=lambda v: _change_order(parts.get(v), v)):
                p = parts.get(vid)
                change.participants.append(
                    ParticipantChange(st.id, vid, None, "", 0)
                    if p is None
                    else ParticipantChange(st.id, vid, p.state, _ts(p.responded_at) or "", p.seq)
                )
            self.store.save_state(st, now)
        if outbound:
            logged = [
                LoggedMessage(
                    "out",
                    now,
                    o.exchange,
                    o.routing_key,
                    o.action,
                    _app_of(o),
                    _volunteer_of(o),
                    compact_json(o.body),
                )
                for o in outbound
            ]
            self.store.add_outbox(
                (o.message_id, _ts(now), *row.row())
                for o, row in zip(outbound, logged, strict=True)
            )
            change.messages.extend(logged)
        if activity:
            self.store.add_activity(activity)
        change.application_ids.update(touched)
        change.activity.extend(activity)
        change.outbound += len(outbound)

    def _record_internal_error(self, d: Delivery, exc: Exception) -> Result:
        ik = InboxKey.of(d)
        mid = ik.shown
        rejection = reject(RejectionKind.INTERNAL_ERROR, error=type(exc).__name__, text=str(exc))
        now = self.clock.now()
        change = Committed(rejected=1)
        try:
            with self.store.transaction():
                if not self._duplicates([d], [ik])[0]:
                    self.store.add_inbox(
                        [
                            (
                                *ik.row(d),
                                _ts(now),
                                "rejected",
                                d.exchange,
                                d.routing_key,
                                "",
                                None,
                                None,
                                "",
                            )
                        ]
                    )
                    self.store.add_rejected([_rejected_row(d, mid, now, rejection)])
                    copies = self._dead_letter_copy(d, ik.key, str(rejection), now, change)
                    if copies:
                        self.store.add_outbox_copies(copies)
        except Exception:
            log.exception("could not record the failure of message %s", mid)
            raise
        self._emit(change)
        return Result("rejected", mid, str(rejection), rejection)

    def _dead_letter_copy(
        self, d: Delivery, inbox_key: str, reason: str, now: datetime, change: Committed
    ) -> list[tuple[object, ...]]:
        """The dead-letter outbox row of a rejected delivery, committed with its inbox row."""
        if self.dead_letter is None:
            return []
        row = self.dead_letter(d, inbox_key, reason, now)
        change.outbound += 1
        change.messages.append(
            LoggedMessage(
                "out", now, str(row[2]), str(row[3]), str(row[4]), None, None, str(row[7])
            )
        )
        return [row]

    # -- the clock ----------------------------------------------------------------------
    def tick(self) -> int:
        """Apply deadlines that have passed (offers, standing holds' release, reminders and
        confirm-by); returns how many applications changed."""
        with self._lock:
            return self._tick()

    def _tick(self) -> int:
        now = self.clock.now()
        due = self.store.conn.execute(
            "SELECT application_id FROM offer_round WHERE closed_at IS NULL AND deadline <= ?"
            f" UNION SELECT id FROM application WHERE {_RELEASE_DUE} <= ?"
            " UNION SELECT id FROM application WHERE reminder_due <= ?",
            (_ts(now), _ts(now), _ts(now)),
        ).fetchall()
        changed = 0
        for (app_id,) in due:
            self._run(app_id, "clock", lambda st, fx: rules.expire(st, fx))
            changed += 1
        return changed

    def next_deadline(self) -> datetime | None:
        row = self.store.conn.execute(
            "SELECT MIN(t) FROM (SELECT MIN(deadline) AS t FROM offer_round WHERE closed_at IS NULL"
            f" UNION ALL SELECT MIN({_RELEASE_DUE}) FROM application)"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def next_reminder(self) -> datetime | None:
        """When the reminder clock next has work: a lead time's moment or a confirm-by."""
        row = self.store.conn.execute("SELECT MIN(reminder_due) FROM application").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    # -- coordinator operations ----------------------------------------------------------
    def _may_decide(self) -> None:
        holder = self.follows() if self.follows is not None else None
        if holder is not None:
            raise ActionRefused(refuse(RefusalKind.FOLLOWING, console=holder))

    @contextmanager
    def _changing(self, app_id: str) -> Iterator[tuple[AppState, Committed]]:
        """One change of app_id, under the lock and in one transaction: its state as committed
        and what the change did, told to the listeners after the commit. On any failure the
        cached state is forgotten (the rules may have changed it half-way)."""
        self._may_decide()
        change = Committed()
        with self._lock:
            try:
                with self.store.transaction():
                    self._refresh()
                    st = self._state(app_id)
                    if st is None:
                        raise ActionRefused(refuse(RefusalKind.NO_APPLICATION, application=app_id))
                    yield st, change
            except BaseException:
                self._cache.pop(app_id, None)
                raise
            self._emit(change)

    def _run(
        self, app_id: str, actor: str, op: Callable[[AppState, Effects], Refusal | None]
    ) -> None:
        with self._changing(app_id) as (st, change):
            now = self.clock.now()  # under the lock: changes are stamped in commit order
            fx = Effects(now=now, actor=actor, tz=self.clock.tz)
            rules.expire(st, fx)
            error = op(st, fx)
            if error is not None:
                raise ActionRefused(error)
            outbound = wire_messages(st, fx.outcomes, now)
            self._write({st.id: st}, outbound, fx.activity, now, change)

    @coordinator_op
    def create_application(self, form: ApplicationForm, *, publish: bool = True) -> str:
        """Create (and by default publish) an application; returns its id. Raises ActionRefused."""
        self._may_decide()
        now = self.clock.now()
        errors = form.errors(now=local_now(self.clock))
        if errors:
            raise ActionRefused(refuse(RefusalKind.INVALID_FORM, errors=errors))
        app_id = str(new_application_id())
        st = AppState(
            id=app_id,
            fund_id=self.fund_id,
            listing=form.listing(),
            status="draft",
            policy=form.policy,
            offer_timeout_s=form.offer_timeout_min * 60,
            created_at=now,
            updated_at=now,
            reminder_leads_s=form.reminder_leads_s(),
            confirm_lead_s=form.confirm_hours * 3600,
            release_unconfirmed=form.release_unconfirmed,
        )
        fx = Effects(now=now, actor=self.actor, tz=self.clock.tz)
        rules._log(st, fx, ActivityKind.CREATED, spots=form.spots)
        if publish:
            rules.publish(st, fx)
        change = Committed()
        with self._lock:
            with self.store.transaction():
                self._refresh()
                self.store.insert_application(st)
                outbound = wire_messages(st, fx.outcomes, now)
                self._write({st.id: st}, outbound, fx.activity, now, change)
            self._remember(st)
            self._emit(change)
        return app_id

    @coordinator_op
    def duplicate_application(self, app_id: str, *, day: date | None = None) -> str:
        """A new draft with the same fields, policy and offer timeout (on day, if given).

        A draft, so the coordinator checks it (the date above all) before publishing it.
        """
        self._refresh()
        st = self._state(app_id)
        if st is None:
            raise ActionRefused(refuse(RefusalKind.NO_APPLICATION, application=app_id))
        form = ApplicationForm(
            name=st.name,
            day=day or st.date,
            start=st.start,
            end=st.end,
            spots=st.capacity,
            description=st.description,
            policy=st.policy,
            offer_timeout_min=st.offer_timeout_s // 60,
            reminder_hours=tuple(lead // 3600 for lead in st.reminder_leads_s),
            confirm_hours=st.confirm_lead_s // 3600,
            release_unconfirmed=st.release_unconfirmed,
        )
        return self.create_application(form, publish=False)

    @coordinator_op
    def delete_draft(self, app_id: str) -> None:
        """Delete a draft and its log; a published application is cancelled instead."""
        with self._changing(app_id) as (st, change):
            if st.status != "draft":
                raise ActionRefused(refuse(RefusalKind.NOT_DRAFT, status=st.status))
            self.store.delete_application(app_id)
            self._cache.pop(app_id, None)
            change.application_ids.add(app_id)

    @coordinator_op
    def sign_up_by_hand(
        self, app_id: str, volunteer_id: str, *, over_capacity: bool = False
    ) -> None:
        """Sign up a walk-in or a phone call; over capacity only when asked explicitly."""
        self._run(
            app_id,
            self.actor,
            lambda st, fx: rules.sign_up_by_hand(st, fx, volunteer_id, over_capacity=over_capacity),
        )

    # -- on the day (core/attendance.py): never sent to volunteers -------------------------
    @coordinator_op
    def record_attendance(
        self,
        app_id: str,
        volunteer_id: str,
        status: str,
        *,
        arrived_at: str | None = None,
        minutes: int | None = None,
    ) -> None:
        """Mark a signed-up volunteer arrived, late or no_show; arrived_at HH:MM on the
        coordinator's wall clock (default: now); minutes served (default: the shift's length,
        or from a late arrival to its end)."""
        here = local_now(self.clock)
        self._run(
            app_id,
            "coordinator",
            lambda st, fx: attendance.record(
                self.store.conn,
                st,
                fx,
                volunteer_id,
                status,
                arrived_at=arrived_at,
                minutes=minutes,
                local_now=here,
            ),
        )

    @coordinator_op
    def set_served(self, app_id: str, volunteer_id: str, minutes: int) -> None:
        """The coordinator's own figure of minutes served by a volunteer marked already."""
        self._run(
            app_id,
            "coordinator",
            lambda st, fx: attendance.set_served(self.store.conn, st, fx, volunteer_id, minutes),
        )

    @coordinator_op
    def clear_attendance(self, app_id: str, volunteer_id: str) -> None:
        """Take back a mark made by mistake."""
        self._run(
            app_id,
            "coordinator",
            lambda st, fx: attendance.clear(self.store.conn, st, fx, volunteer_id),
        )

    @coordinator_op
    def check_in_walk_in(
        self,
        app_id: str,
        volunteer_id: str,
        *,
        over_capacity: bool = False,
        arrived_at: str | None = None,
    ) -> None:
        """A walk-in on the day: signed up by hand (the same rule as sign_up_by_hand: a free
        spot, or over capacity only when asked) and marked arrived, in one transaction."""
        here = local_now(self.clock)

        def op(st: AppState, fx: Effects) -> Refusal | None:
            refused = rules.sign_up_by_hand(st, fx, volunteer_id, over_capacity=over_capacity)
            if refused is not None:
                return refused
            return attendance.record(
                self.store.conn,
                st,
                fx,
                volunteer_id,
                "arrived",
                arrived_at=arrived_at,
                local_now=here,
            )

        self._run(app_id, "coordinator", op)

    @coordinator_op
    def offer_to(self, app_id: str, volunteer_id: str) -> None:
        """Offer one spot (held or free) to a chosen waitlisted volunteer."""
        self._run(app_id, self.actor, lambda st, fx: rules.offer_to(st, fx, volunteer_id))

    @coordinator_op
    def move_on_waitlist(self, app_id: str, volunteer_id: str, position: int, reason: str) -> None:
        """Move a waitlisted volunteer to a 1-based position; the reason is logged."""
        self._run(
            app_id,
            self.actor,
            lambda st, fx: rules.move(st, fx, volunteer_id, position, reason),
        )

    @coordinator_op
    def edit_application(self, app_id: str, form: ApplicationForm) -> None:
        errors = form.errors(now=local_now(self.clock))
        if errors:
            raise ActionRefused(refuse(RefusalKind.INVALID_FORM, errors=errors))

        def op(st: AppState, fx: Effects) -> Refusal | None:
            error = rules.edit(
                st,
                fx,
                name=form.name.strip(),
                description=form.description.strip(),
                day=form.day,
                start=form.start,
                end=form.end,
            )
            error = error or rules.set_policy(st, fx, form.policy, form.offer_timeout_min * 60)
            error = error or rules.set_reminders(
                st,
                fx,
                form.reminder_leads_s(),
                form.confirm_hours * 3600,
                form.release_unconfirmed,
            )
            return error or rules.set_capacity(st, fx, form.spots)

        self._run(app_id, self.actor, op)

    @coordinator_op
    def set_capacity(self, app_id: str, capacity: int) -> None:
        self._run(app_id, self.actor, lambda st, fx: rules.set_capacity(st, fx, capacity))

    @coordinator_op
    def remove_volunteer(self, app_id: str, volunteer_id: str) -> None:
        self._run(app_id, self.actor, lambda st, fx: rules.remove(st, fx, volunteer_id))

    @coordinator_op
    def promote(self, app_id: str, volunteer_id: str) -> None:
        self._run(app_id, self.actor, lambda st, fx: rules.promote(st, fx, volunteer_id))

    @coordinator_op
    def publish(self, app_id: str) -> None:
        self._run(app_id, self.actor, rules.publish)

    @coordinator_op
    def close(self, app_id: str) -> None:
        self._run(app_id, self.actor, rules.close)

    @coordinator_op
    def reopen(self, app_id: str) -> None:
        self._run(app_id, self.actor, rules.reopen)

    @coordinator_op
    def cancel(self, app_id: str) -> None:
        self._run(app_id, self.actor, rules.cancel)

    @coordinator_op
    def reoffer(self, app_id: str) -> None:
        """Offer the spots held unclaimed for the waitlist again (a new offer round)."""
        self._run(app_id, self.actor, rules.reoffer)

    @coordinator_op
    def release(self, app_id: str) -> None:
        """Give the spots held unclaimed for the waitlist to newcomers (they become free)."""
        self._run(app_id, self.actor, rules.release)

    @coordinator_op
    def set_release_after(self, app_id: str, minutes: int) -> None:
        """Release unclaimed held spots by themselves after this many minutes; 0: never."""
        self._run(app_id, self.actor, lambda st, fx: rules.set_release_after(st, fx, minutes * 60))

    @coordinator_op
    def remind_now(self, app_id: str) -> None:
        """Send a reminder now to every signed-up volunteer who has not confirmed."""
        self._run(app_id, self.actor, rules.remind_now)

    @coordinator_op
    def set_reminders(
        self, app_id: str, hours: tuple[int, ...], confirm_hours: int, release: bool
    ) -> None:
        """Reminder lead times (hours before the start), confirm-by, keep or release."""
        leads = tuple(h * 3600 for h in hours)
        self._run(
            app_id,
            self.actor,
            lambda st, fx: rules.set_reminders(st, fx, leads, confirm_hours * 3600, release),
        )

    @coordinator_op
    def set_policy(self, app_id: str, policy: rules.Policy, offer_timeout_min: int) -> None:
        self._run(
            app_id,
            self.actor,
            lambda st, fx: rules.set_policy(st, fx, policy, offer_timeout_min * 60),
        )

    # -- undo (core/undo.py) ----------------------------------------------------------------
    def with_undo(
        self, app_id: str | None, action: str, run: Callable[[], T]
    ) -> tuple[T, undo.Undo]:
        """Run one coordinator operation on app_id (None: it creates one and returns its id)
        and say how to take it back. Holding the lock, nothing else commits in between."""
        with self._lock:
            before = None
            if app_id is not None:
                self._refresh()
                st = self._state(app_id)
                before = undo.snapshot(st) if st is not None else None
            mark = undo.Mark.of(self.store.conn)
            value = run()
            target = app_id if app_id is not None else str(value)
            return value, undo.taken(self.store.conn, target, action, before, mark)

    def undo(self, u: undo.Undo) -> None:
        """Take an action back while nothing it told volunteers has left and nothing has
        happened to the application since; raises ActionRefused otherwise."""
        holder = self.follows() if self.follows is not None else None
        if holder is not None:
            # The action is in the log now and another console decides on it: taking it back
            # here would decide on a picture that console never sees (and a command could not
            # say what to restore), so it is refused, naming who decides.
            raise ActionRefused(refuse(RefusalKind.UNDO_FOLLOWING, console=holder))
        # the relay reads no page between the check and the commit (OutboxClaims)
        with self.outbox_claims.lock, self._changing(u.application_id) as (st, change):
            conn = self.store.conn
            refused = undo.refusal(conn, u, self.outbox_claims.claimed)
            if refused is not None:
                raise ActionRefused(refused)
            undo.drop_messages(conn, u)
            if u.before is None:
                self.store.delete_application(u.application_id)
                self._cache.pop(u.application_id, None)
                change.application_ids.add(u.application_id)
                return
            restored = undo.restore(conn, st, u)
            now = self.clock.now()
            fx = Effects(now=now, actor="coordinator")
            rules._log(restored, fx, ActivityKind.UNDONE, action=u.action)
            self._write({restored.id: restored}, [], fx.activity, now, change)
            self._cache[restored.id] = restored

    # -- reads --------------------------------------------------------------------------
    def state(self, app_id: str) -> AppState | None:
        """The current state of one application (for the rules' tests; the window uses Queries)."""
        with self._lock:
            self._refresh()
            return self._state(app_id)

    def application_ids(self) -> list[str]:
        with self._lock:
            self._refresh()
            return self.store.application_ids()

    def data_version(self) -> int:
        """Moves only when another connection (the CLI, another console) has committed."""
        with self._lock:  # the store's connection is the engine's: never beside a batch
            return self.store.data_version()


# When an application's standing hold is released by itself (NULL: it is not), as stored text.
_RELEASE_DUE = (
    "CASE WHEN standing > 0 AND release_after_s > 0 THEN strftime('%Y-%m-%dT%H:%M:%S',"
    " standing_since, '+' || release_after_s || ' seconds') END"
)


# ---- outcomes into wire messages ------------------------------------------------------------
# The rules say what happened (core/outcomes.py); the contract says which message tells it.

_STATUS_OF_NEWS: dict[o.News, str] = {
    o.News.SIGNED_UP: wire.STATUS_SIGNED_UP,
    o.News.SPOT_OFFERED: wire.STATUS_SPOT_AVAILABLE,
    o.News.NOT_SELECTED: wire.STATUS_NOT_SELECTED,
    o.News.REMOVED: wire.STATUS_REMOVED,
    o.News.APP_CANCELLED: wire.STATUS_CANCELLED,
    o.News.APP_CLOSED: wire.STATUS_CLOSED,
    o.News.CONFIRMED: wire.STATUS_CONFIRMED,
    o.News.NOT_CONFIRMED: wire.STATUS_NOT_CONFIRMED,
}


def wire_message(st: AppState, outcome: o.Outcome, now: datetime) -> m.Outbound:
    """The one message that tells this outcome of application st, stamped now."""
    from core import messages as m

    if isinstance(outcome, o.Told):
        status = _STATUS_OF_NEWS[outcome.news]
        return m.volunteer_notification(st.fund_id, st.id, outcome.volunteer_id, status, now)
    if isinstance(outcome, o.Reminded):
        return m.volunteer_reminder(
            st.fund_id, st.id, outcome.volunteer_id, outcome.confirm_by, outcome.key, now
        )
    if isinstance(outcome, o.Waitlisted):
        return m.volunteer_waiting(st.fund_id, st.id, outcome.volunteer_id, outcome.position, now)
    if isinstance(outcome, o.SpotsAnnounced):
        return m.notify_free_spot(st.fund_id, st.id, outcome.spots, list(outcome.volunteers))
    if isinstance(outcome, o.Updated):
        return m.application_updated(st.fund_id, st.id, outcome.listing, outcome.status)
    if isinstance(outcome, o.Published):
        return m.application_created(st.fund_id, st.id, outcome.listing)
    return m.application_cancelled(st.fund_id, st.id)


def wire_messages(st: AppState, outcomes: list[o.Outcome], now: datetime) -> list[m.Outbound]:
    return [wire_message(st, outcome, now) for outcome in outcomes]


def _rejected_row(d: Delivery, mid: str, now: datetime, why: Rejection) -> tuple[object, ...]:
    """A rejected table row: what came in (its first 4 KiB, size and SHA-256), from where, why.

    Only a prefix is kept so that no sender can grow the disk by sending large junk; the
    broker's dead-letter queue holds the whole message. Why is a kind plus parameters, and
    its English sentence (the dead-letter header)."""
    body = d.body[:KEPT_BODY_BYTES]
    digest = hashlib.sha256(d.body).hexdigest()
    params = compact_json(why.params)
    return (
        mid, _ts(now), d.exchange, d.routing_key, str(why), len(d.body), body, digest,
        why.kind, params,
    )  # fmt: skip


def console_app_id(fund_id: str) -> str:
    """The AMQP app_id this fund's consoles publish with, and skip when it comes back."""
    return f"volunteer-console/fund-{fund_id}"


def _action_of(req: m.VolunteerRequest | None) -> str:
    if req is None:
        return ""
    if req.via == "response":
        return f"volunteer_response/{req.kind}"
    return "volunteer_waiting"


def _app_of(o: m.Outbound) -> str | None:
    b = o.body
    value = b.get("application_id") or b.get("data", {}).get("volunteer_application_id")
    return None if value is None else str(value)


def _volunteer_of(o: m.Outbound) -> str | None:
    value = o.body.get("user_id")
    return None if value is None else str(value)


# The form's limits; the window's dialog and the command line check them through errors().
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 4000


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """The coordinator's form for creating or editing an application, with its checks."""

    name: str
    day: date
    start: time
    end: time
    spots: int
    description: str = ""
    policy: rules.Policy = "broadcast"
    offer_timeout_min: int = 30
    # Reminders: hours before the start, confirm-by hours before it, and what happens then.
    reminder_hours: tuple[int, ...] = tuple(s // 3600 for s in rules.DEFAULT_REMINDER_LEADS_S)
    confirm_hours: int = rules.DEFAULT_CONFIRM_LEAD_S // 3600
    release_unconfirmed: bool = False

    def listing(self) -> o.Listing:
        """The form's name, description, day, hours and spots as an application's listing."""
        return o.Listing(
            self.name.strip(), self.description.strip(), self.day, self.start, self.end, self.spots
        )

    def reminder_leads_s(self) -> tuple[int, ...]:
        return tuple(sorted({h * 3600 for h in self.reminder_hours}, reverse=True))

    def errors(self, *, now: datetime, signed_up: int = 0) -> dict[str, str]:
        """Field name → what is wrong with it; empty when the form may be saved.

        now is the coordinator's wall-clock time (core.clock.local_now): a shift whose end
        has passed there is refused, whether its date is earlier or today.
        """
        today = now.date()
        errs: dict[str, str] = {}
        if not self.name.strip():
            errs["name"] = "a name is required"
        elif len(self.name.strip()) > MAX_NAME_LENGTH:
            errs["name"] = f"at most {MAX_NAME_LENGTH} characters"
        if len(self.description) > MAX_DESCRIPTION_LENGTH:
            errs["description"] = f"at most {MAX_DESCRIPTION_LENGTH} characters"
        if self.day < today:
            errs["date"] = f"the date is in the past (today is {today.isoformat()})"
        if self.end == self.start:
            # An end before the start is the next day (an overnight shift, 22:00-02:00).
            errs["end"] = "the end must differ from the start"
        elif self.day == today and shift_over(self.day, self.end, now, start=self.start):
            errs["end"] = f"this shift is already over (it is {now:%H:%M} now)"
        if not 1 <= self.spots <= rules.MAX_CAPACITY:
            errs["spots"] = f"between 1 and {rules.MAX_CAPACITY}"
        elif self.spots < signed_up:
            errs["spots"] = f"{signed_up} volunteers are signed up; remove some first"
        if self.policy not in rules.POLICIES:
            errs["policy"] = f"one of {', '.join(rules.POLICIES)}"
        if not 1 <= self.offer_timeout_min <= rules.MAX_OFFER_TIMEOUT_MIN:
            errs["offer_timeout"] = f"between 1 and {rules.MAX_OFFER_TIMEOUT_MIN} minutes"
        refused = rules.reminder_errors(
            self.reminder_leads_s(), self.confirm_hours * 3600, self.release_unconfirmed
        )
        if refused is not None:
            field = "reminders" if refused.kind == RefusalKind.REMINDERS_RANGE else "confirm_by"
            errs[field] = str(refused)
        return errs
