"""A small reference model of CONTRACT.md's spot rules, written apart from core/rules.py.

It predicts, for one application at a time, who is signed up, who waits and in what order,
which offers are open, and the messages each step publishes, as plain tuples:
("note", app, volunteer, status), ("waiting", app, volunteer, position),
("free", app, spots, (volunteers...)), ("update", app, capacity, status), ("cancel", app).

Where the contract is silent the model states its choice in a comment; the stateful test
checks the engine against it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SPOT = "место доступно"
NOT_SELECTED = "не выбрал"
SIGNED = "записан"
REMOVED = "исключён"
CANCELLED = "заявка отменена"
CLOSED = "заявка закрыта"

Event = tuple[object, ...]


@dataclass
class ModelRound:
    policy: str  # the policy the round was opened under: it keeps it until it ends
    held: int
    deadline: datetime  # broadcast: one deadline for every offer
    offers: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)  # open offers
    had: set[str] = field(default_factory=set)  # timed: who has had this round's offer


@dataclass
class ModelApp:
    id: str
    capacity: int
    policy: str
    timeout_s: int
    status: str = "open"
    signed: set[str] = field(default_factory=set)
    waiting: list[tuple[datetime, int, str]] = field(default_factory=list)  # kept sorted
    round: ModelRound | None = None
    arrivals: int = 0
    events: list[Event] = field(default_factory=list)
    now: datetime = datetime(2000, 1, 1)
    published: datetime = datetime(2000, 1, 1)
    # No queue-skipping: spots an ended round left unclaimed stay held for the waitlist.
    standing: int = 0
    standing_since: datetime | None = None
    release_after_s: int = 0

    # -- counts ---------------------------------------------------------------------------
    @property
    def held(self) -> int:
        return (self.round.held if self.round else 0) + self.standing

    @property
    def free(self) -> int:
        return self.capacity - len(self.signed) - self.held

    def waitlist(self) -> list[str]:
        return [v for _, _, v in self.waiting]

    def snapshot(self) -> dict[str, object]:
        r = self.round
        return {
            "status": self.status,
            "capacity": self.capacity,
            "policy": self.policy,
            "timeout_s": self.timeout_s,
            "signed": sorted(self.signed),
            "waiting": self.waitlist(),
            "standing": self.standing,
            "round": None
            if r is None
            else (r.policy, r.held, {v: exp for v, (_, exp) in sorted(r.offers.items())}),
        }

    # -- small helpers ----------------------------------------------------------------------
    def _note(self, vid: str, status: str) -> None:
        self.events.append(("note", self.id, vid, status))

    def _leave_waitlist(self, vid: str) -> bool:
        for i, (_, _, v) in enumerate(self.waiting):
            if v == vid:
                del self.waiting[i]
                return True
        return False

    def _sign(self, vid: str) -> None:
        self._leave_waitlist(vid)
        self.signed.add(vid)
        self._note(vid, SIGNED)

    def _line_pos(self, vid: str) -> int:
        wl = self.waitlist()
        return wl.index(vid) if vid in wl else len(wl)

    def _close_round(self, *, tell: bool = True, keep: bool = True) -> None:
        r = self.round
        assert r is not None
        if tell:
            for vid in r.offers:
                self._note(vid, NOT_SELECTED)
        self.round = None
        if keep:  # unclaimed spots stay held for the waitlist (closing the application frees them)
            self._hold(r.held)

    def _hold(self, n: int) -> None:
        """Keep n unclaimed spots for the waitlist, never more than people waiting for them."""
        in_round = self.round.held if self.round else 0
        keep = max(0, min(n, len(self.waiting) - in_round - self.standing))
        if keep and self.status == "open":
            if not self.standing:
                self.standing_since = self.now
            self.standing += keep

    def _unhold(self, n: int) -> None:
        self.standing -= n
        if not self.standing:
            self.standing_since = None

    def _trim(self) -> None:
        """Someone left the waitlist: a spot held for nobody is free."""
        in_round = self.round.held if self.round else 0
        over = self.standing + in_round - len(self.waiting)
        if over > 0:
            self._unhold(min(over, self.standing))

    def _trim_offers(self) -> None:
        """Timed: never more open offers than held spots; the latest offered lose theirs."""
        r = self.round
        assert r is not None
        while len(r.offers) > r.held:
            victim = max(r.offers, key=lambda v: (r.offers[v][0], self._line_pos(v)))
            del r.offers[victim]
            self._note(victim, NOT_SELECTED)

    def _fill_timed(self) -> None:
        r = self.round
        assert r is not None and r.policy == "timed"
        need = r.held - len(r.offers)
        fresh = [v for v in self.waitlist() if v not in r.had][: max(need, 0)]
        for vid in fresh:
            r.offers[vid] = (self.now, self.now + timedelta(seconds=self.timeout_s))
            r.had.add(vid)
            self._note(vid, SPOT)
        if fresh:
            self.events.append(("free", self.id, r.held, tuple(fresh)))
        if not r.offers:
            self._close_round()
            return
        if r.held > len(r.offers):  # nobody left to offer it to in this round: held, or free
            surplus = r.held - len(r.offers)
            r.held = len(r.offers)
            self._hold(surplus)

    def _after_offer_change(self) -> None:
        """An open offer ended without taking a held spot: pass it on or end the round."""
        r = self.round
        if r is None:
            return
        if r.policy == "timed":
            self._fill_timed()
        elif not r.offers:
            self._close_round()
        else:
            r.held = min(r.held, len(r.offers))  # held spots never outnumber open offers

    def spots_freed(self, n: int) -> None:
        if n <= 0 or self.status != "open" or not self.waiting:
            return
        policy = self.round.policy if self.round else self.policy
        if policy == "auto":
            for _ in range(n):
                if not self.waiting:
                    return
                self._sign(self.waiting[0][2])
            return
        timeout = timedelta(seconds=self.timeout_s)
        if self.round is None:  # a new round offers a standing hold's spots as well
            n += self.standing
            self._unhold(self.standing)
        if policy == "broadcast":
            if self.round is None:
                self.round = ModelRound("broadcast", 0, self.now + timeout)
            r = self.round
            r.held = min(r.held + n, len(self.waiting))  # the surplus stays free
            r.deadline = self.now + timeout  # a newly freed spot gets the full offer time
            self.events.append(("free", self.id, r.held, tuple(self.waitlist())))
            for vid in self.waitlist():
                offered_at = r.offers[vid][0] if vid in r.offers else self.now
                if vid not in r.offers:
                    self._note(vid, SPOT)
                r.offers[vid] = (offered_at, r.deadline)
            return
        if self.round is None:
            self.round = ModelRound("timed", 0, self.now + timeout)
        self.round.held += n
        self._fill_timed()

    # -- the clock --------------------------------------------------------------------------
    def expire(self) -> None:
        self._expire_round()
        if (
            self.standing
            and self.release_after_s
            and self.standing_since is not None
            and self.standing_since + timedelta(seconds=self.release_after_s) <= self.now
        ):
            self._unhold(self.standing)

    def _expire_round(self) -> None:
        r = self.round
        if r is None:
            return
        if r.policy == "broadcast":
            if self.now >= r.deadline:
                self._close_round()
            return
        due = [v for v, (_, exp) in r.offers.items() if exp <= self.now]
        if not due:
            return
        for vid in due:
            del r.offers[vid]
            self._note(vid, NOT_SELECTED)
        self._fill_timed()

    # -- volunteer requests -------------------------------------------------------------------
    def _not_open(self, vid: str) -> bool:
        if self.status == "open":
            return False
        self._note(vid, CANCELLED if self.status == "cancelled" else CLOSED)
        return True

    def accept(self, vid: str, responded_at: datetime) -> None:
        if self._not_open(vid) or vid in self.signed:
            return
        responded_at = min(max(responded_at, self.published), self.now)
        r = self.round
        if r is not None and vid in r.offers and r.held > 0:
            self._claim(vid)
            return
        if self.free > 0:
            self._sign(vid)
            self._trim()
            return
        if vid in self.waitlist():
            if self.standing:
                self._unhold(1)
                self._sign(vid)
                self._trim()
            return
        self.arrivals += 1
        self.waiting.append((responded_at, self.arrivals, vid))
        self.waiting.sort()
        self.events.append(("waiting", self.id, vid, self._line_pos(vid) + 1))
        if r is None:
            return
        if r.policy == "broadcast":
            r.offers[vid] = (self.now, r.deadline)
            self._note(vid, SPOT)
        # Timed: a newcomer is offered when the line reaches them.

    def _claim(self, vid: str) -> None:
        r = self.round
        assert r is not None
        r.held -= 1
        del r.offers[vid]
        self._sign(vid)
        if r.held == 0:
            self._close_round()
        elif r.policy == "timed":
            self._fill_timed()

    def decline(self, vid: str) -> None:
        if self._not_open(vid):
            return
        if vid in self.signed:
            self.signed.discard(vid)
            self.spots_freed(1)
        elif self._leave_waitlist(vid):
            r = self.round
            if r is not None and vid in r.offers:
                del r.offers[vid]
                self._after_offer_change()
            self._trim()

    # -- coordinator actions: None when applied, else the refusal ------------------------------
    def set_capacity(self, capacity: int) -> str | None:
        if self.status == "cancelled":
            return "cancelled"
        if not 1 <= capacity <= 10_000 or capacity < len(self.signed):
            return "bad capacity"
        if capacity == self.capacity:
            return None
        old, self.capacity = self.capacity, capacity
        if capacity > old:
            self.spots_freed(capacity - old)
        if capacity < old and self.free < 0 and self.standing:
            self._unhold(min(-self.free, self.standing))
        if capacity < old and self.round is not None and self.free < 0:
            r = self.round
            r.held += self.free
            if r.held == 0:
                self._close_round()
            elif r.policy == "timed":
                self._trim_offers()
        self.events.append(("update", self.id, self.capacity, self.status))
        return None

    def remove(self, vid: str) -> str | None:
        if self.status == "cancelled":
            return "cancelled"
        if vid in self.signed:
            self.signed.discard(vid)
            self._note(vid, REMOVED)
            self.spots_freed(1)
            return None
        if not self._leave_waitlist(vid):
            return "not there"
        self._note(vid, REMOVED)
        r = self.round
        if r is not None and vid in r.offers:
            del r.offers[vid]
            self._after_offer_change()
        self._trim()
        return None

    def promote(self, vid: str) -> str | None:
        if self.status not in ("open", "closed"):
            return "not open"
        if vid not in self.waitlist():
            return "not waiting"
        r = self.round
        if self.free > 0:
            had_offer = r is not None and vid in r.offers
            if r is not None and had_offer:
                del r.offers[vid]
            self._sign(vid)
            if had_offer:
                self._after_offer_change()
            self._trim()
            return None
        if r is not None and r.held > 0 and vid in r.offers:
            self._claim(vid)
            return None
        if self.standing:
            self._unhold(1)
            self._sign(vid)
            self._trim()
            return None
        if r is not None and r.held > 0:
            r.held -= 1
            self._sign(vid)
            if r.held == 0:
                self._close_round()
            elif r.policy == "timed":
                self._trim_offers()
            return None
        return "no free spot"

    def close(self) -> str | None:
        if self.status != "open":
            return "not open"
        if self.round is not None:
            self._close_round(keep=False)
        self._unhold(self.standing)
        self.status = "closed"
        self.events.append(("update", self.id, self.capacity, "closed"))
        return None

    def reopen(self) -> str | None:
        if self.status != "closed":
            return "not closed"
        self.status = "open"
        self.events.append(("update", self.id, self.capacity, "open"))
        self.spots_freed(self.free)
        return None

    def cancel(self) -> str | None:
        if self.status == "cancelled":
            return "already cancelled"
        if self.round is not None:
            self._close_round(tell=False, keep=False)  # «заявка отменена» below says it all
        self._unhold(self.standing)
        self.status = "cancelled"
        self.events.append(("cancel", self.id))
        for vid in sorted(self.signed) + self.waitlist():
            self._note(vid, CANCELLED)
        return None

    def set_policy(self, policy: str, timeout_s: int) -> str | None:
        self.policy, self.timeout_s = policy, timeout_s
        return None

    def reoffer(self) -> str | None:
        if self.status != "open":
            return "not open"
        if not self.standing:
            return "nothing held"
        n = self.standing
        self._unhold(n)
        self.spots_freed(n)
        return None

    def release(self) -> str | None:
        if not self.standing:
            return "nothing held"
        self._unhold(self.standing)
        return None

    def set_release_after(self, seconds: int) -> str | None:
        if self.status == "cancelled":
            return "cancelled"
        self.release_after_s = seconds
        return None

    def noop(self) -> str | None:
        return None  # a clock tick: only the due deadlines apply


class Model:
    """Every application of one fund; each step runs on a copy that a refusal throws away."""

    def __init__(self) -> None:
        self.apps: dict[str, ModelApp] = {}

    def add(self, app: ModelApp) -> None:
        self.apps[app.id] = app

    def step(
        self, app_id: str, now: datetime, op_name: str, *args: object
    ) -> tuple[str | None, list[Event]]:
        """Apply due offer deadlines and then one operation, atomically."""
        work = copy.deepcopy(self.apps[app_id])
        work.events = []
        work.now = now
        work.expire()
        refused = getattr(work, op_name)(*args)
        if refused is not None:
            return refused, []
        self.apps[app_id] = work
        return None, work.events

    def tick(self, now: datetime) -> list[Event]:
        events: list[Event] = []
        for app_id in self.apps:
            _, evs = self.step(app_id, now, "noop")
            events.extend(evs)
        return events
