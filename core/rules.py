"""The spot and waitlist rules of CONTRACT.md, over one application's state.

Every function here is pure apart from the state it is handed and the Effects it appends
to: no I/O, no clock of its own. The engine loads a state, calls one rule, and commits the
state's changes together with the effects in one transaction. (The state's participants and
waitlist may read rows from the store as a rule looks at them: core/lines.py.)
"""

from __future__ import annotations

import functools
import time as systime
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from core import outcomes as o
from core.kinds import ActivityKind as A
from core.kinds import Refusal, RoundEnd, refuse
from core.kinds import RefusalKind as R
from core.lines import Participants, WaitLine
from core.records import Activity

Policy = Literal["broadcast", "auto", "timed"]
POLICIES: tuple[Policy, ...] = ("broadcast", "auto", "timed")
Status = Literal["draft", "open", "closed", "cancelled"]
MAX_CAPACITY = 10_000
MAX_OFFER_TIMEOUT_MIN = 7 * 24 * 60
# Reminders before a shift (CONTRACT.md, "Reminders and attendance"): lead times in seconds.
DEFAULT_REMINDER_LEADS_S: tuple[int, ...] = (48 * 3600, 2 * 3600)
DEFAULT_CONFIRM_LEAD_S = 24 * 3600  # confirm-by is this long before the start
MAX_REMINDER_LEAD_S = 14 * 24 * 3600
MAX_REMINDERS = 4


@dataclass(slots=True)
class Participant:
    volunteer_id: str
    state: Literal["signed", "waiting"]
    responded_at: datetime  # the response's own time: orders the waitlist
    seq: int  # arrival order: breaks ties between equal response times
    since: datetime  # when the volunteer entered this state
    # A signed-up volunteer's reminders (all None for someone waiting): the last one sent and
    # the confirm-by it carried, the answer, or when confirm-by passed without one.
    reminded_at: datetime | None = None
    confirm_by: datetime | None = None
    confirmed_at: datetime | None = None
    unconfirmed_at: datetime | None = None
    reminder_lead_s: int | None = None  # the smallest lead time already dealt with: never twice

    @property
    def awaiting_confirmation(self) -> bool:
        return (
            self.confirm_by is not None
            and self.confirmed_at is None
            and self.unconfirmed_at is None
        )


OfferState = Literal["open", "claimed", "not_selected", "withdrawn", "passed", "removed"]


@dataclass(slots=True)
class Offer:
    volunteer_id: str
    offered_at: datetime
    expires_at: datetime
    state: OfferState = "open"


@dataclass(slots=True)
class Round:
    """Spots held for the waitlist after a spot freed, and who has been offered them."""

    policy: Literal["broadcast", "timed"]
    held: int
    opened_at: datetime
    deadline: datetime
    id: int | None = None
    offers: dict[str, Offer] = field(default_factory=dict)
    closed_at: datetime | None = None
    close_reason: str | None = None
    dirty_offers: set[str] = field(default_factory=set)

    def open_offers(self) -> list[Offer]:
        return [o for o in self.offers.values() if o.state == "open"]

    def set_offer(self, offer: Offer) -> None:
        self.offers[offer.volunteer_id] = offer
        self.dirty_offers.add(offer.volunteer_id)


@dataclass(slots=True)
class Effects:
    """What one rule application decided besides state: what to tell, what to log."""

    now: datetime
    actor: str
    cause: str | None = None
    tz: tzinfo | None = None  # the coordinator's wall (a shift's hours are on it); None: local
    outcomes: list[o.Outcome] = field(default_factory=list)
    activity: list[Activity] = field(default_factory=list)


@dataclass(slots=True)
class AppState(o.Listed):
    id: str
    fund_id: str
    listing: o.Listing  # replaced, never changed in place: an outcome may hold it
    status: Status
    policy: Policy
    offer_timeout_s: int
    created_at: datetime
    updated_at: datetime
    # read like a dict and a sorted list; the engine's read rows only as far as a rule looks
    # (core/lines.py), so a message about a 50,000-long waitlist reads a few rows of it
    participants: Participants[Participant] = field(default_factory=Participants)
    round: Round | None = None
    published_at: datetime | None = None  # the floor of a response's time (no queue-skipping)
    # A standing hold: spots an offer round left unclaimed, held for the waitlist until
    # someone on it takes one or the coordinator re-offers or releases them.
    standing: int = 0
    standing_since: datetime | None = None
    release_after_s: int = 0  # release a standing hold automatically after this; 0: never
    reminder_leads_s: tuple[int, ...] = DEFAULT_REMINDER_LEADS_S  # descending
    confirm_lead_s: int = DEFAULT_CONFIRM_LEAD_S
    release_unconfirmed: bool = False  # at confirm-by: keep (False) or release the unconfirmed
    reminder_due: datetime | None = None  # when the reminder clock next has work (UTC)
    # Bookkeeping for the engine: what to write back, kept beside the state it describes.
    next_seq: int = 1
    signed_count: int = 0
    wait_keys: WaitLine = field(default_factory=WaitLine)
    dirty: set[str] = field(default_factory=set)
    touched_rounds: list[Round] = field(default_factory=list)
    app_dirty: bool = False
    # reminders sent (volunteer, key, sent_at, confirm_by) and confirmations (volunteer, at)
    # since the last write: the reminder log's new rows
    reminders_sent: list[tuple[str, str, datetime, datetime]] = field(default_factory=list)
    confirmations: list[tuple[str, datetime]] = field(default_factory=list)
    # signed-up volunteers asked to confirm and not answered yet: their confirm-by
    awaiting: dict[str, datetime] = field(default_factory=dict)
    # the roster was checked for this lead time (memory only: a reload derives it from
    # reminder_due, see leads_settled)
    leads_checked: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.participants, dict):  # built by hand (the rules' tests)
            self.participants = Participants(self.participants)
        if isinstance(self.wait_keys, list):
            self.wait_keys = WaitLine(self.wait_keys)

    # -- derived counts ------------------------------------------------------------------
    @property
    def held(self) -> int:
        return (self.round.held if self.round else 0) + self.standing

    @property
    def release_due(self) -> datetime | None:
        """When a standing hold is released by itself, if it is and the setting is on."""
        if not self.standing or not self.release_after_s or self.standing_since is None:
            return None
        return self.standing_since + timedelta(seconds=self.release_after_s)

    @property
    def free(self) -> int:
        return self.capacity - self.signed_count - self.held

    def waitlist(self) -> list[str]:
        return [vid for _, _, vid in self.wait_keys]

    def position(self, volunteer_id: str) -> int:
        p = self.participants[volunteer_id]
        return self.wait_keys.index_of((p.responded_at, p.seq, volunteer_id)) + 1

    def roster(self) -> list[Participant]:
        """Those signed up, without reading the waitlist."""
        return self.participants.in_state("signed")

    # -- state changes that keep the bookkeeping right -------------------------------------
    def put(self, p: Participant) -> None:
        self.drop(p.volunteer_id)
        self.participants[p.volunteer_id] = p
        if p.state == "signed":
            self.signed_count += 1
        else:
            self.wait_keys.add((p.responded_at, p.seq, p.volunteer_id))
        self.dirty.add(p.volunteer_id)

    def drop(self, volunteer_id: str) -> Participant | None:
        p = self.participants.pop(volunteer_id, None)
        if p is None:
            return None
        if p.state == "signed":
            self.signed_count -= 1
            self.awaiting.pop(volunteer_id, None)
        else:
            self.wait_keys.remove((p.responded_at, p.seq, volunteer_id))
        self.dirty.add(volunteer_id)
        return p

    def touch(self, r: Round) -> None:
        if not any(t is r for t in self.touched_rounds):
            self.touched_rounds.append(r)


# ---- helpers that emit ----------------------------------------------------------------


def _log(st: AppState, fx: Effects, kind: A, vid: str | None = None, **params: object) -> None:
    fx.activity.append(Activity(st.id, fx.now, fx.actor, kind, vid, params, fx.cause))


def _notify(fx: Effects, vid: str, news: o.News) -> None:
    fx.outcomes.append(o.Told(vid, news))


def _sign_up(
    st: AppState, fx: Effects, vid: str, responded_at: datetime, how: A, **params: object
) -> None:
    old = st.participants.get(vid)
    seq = old.seq if old else _next_seq(st)
    at = old.responded_at if old else responded_at
    st.put(Participant(vid, "signed", at, seq, fx.now, reminder_lead_s=_skipped_lead(st, fx)))
    _notify(fx, vid, o.News.SIGNED_UP)
    _log(st, fx, how, vid, **params)


def _next_seq(st: AppState) -> int:
    seq = st.next_seq
    st.next_seq += 1
    return seq


def _offer(st: AppState, r: Round, fx: Effects, vid: str, expires_at: datetime) -> None:
    r.set_offer(Offer(vid, fx.now, expires_at))
    _notify(fx, vid, o.News.SPOT_OFFERED)
    _log(st, fx, A.OFFERED, vid, until=expires_at.isoformat(timespec="seconds"))


def _end_offer(st: AppState, r: Round, fx: Effects, vid: str, state: OfferState) -> None:
    offer = r.offers[vid]
    r.set_offer(Offer(vid, offer.offered_at, offer.expires_at, state))


def _offers_in_order(st: AppState, r: Round) -> list[Offer]:
    """Open offers by when they were made, then place in line: the same in every process.

    The offers' dict order is not: after a reload it follows row ids, written in set order.
    """

    def key(o: Offer) -> tuple[datetime, int, str]:
        p = st.participants.get(o.volunteer_id)
        place = st.position(o.volunteer_id) if p is not None and p.state == "waiting" else 0
        return (o.offered_at, place, o.volunteer_id)

    return sorted(r.open_offers(), key=key)


def _close_round(st: AppState, fx: Effects, reason: RoundEnd, *, tell: bool = True) -> None:
    """End the open round: open offers were not selected; unclaimed spots stay held.

    While the application is open its unclaimed spots stay held for the waitlist (a standing
    hold, up to the waitlist's length), so a newcomer never takes one ahead of it; closing or
    cancelling the application frees them.
    """
    r = st.round
    assert r is not None
    for offer in _offers_in_order(st, r):
        _end_offer(st, r, fx, offer.volunteer_id, "not_selected")
        if tell:
            _notify(fx, offer.volunteer_id, o.News.NOT_SELECTED)
            _log(st, fx, A.NOT_SELECTED, offer.volunteer_id, reason=reason.value)
    unclaimed = r.held
    r.held = 0
    r.closed_at = fx.now
    r.close_reason = reason.value
    st.touch(r)
    st.round = None
    ending = reason in (RoundEnd.APP_CLOSED, RoundEnd.APP_CANCELLED)
    kept = 0 if ending else _hold_for_waitlist(st, fx, unclaimed)
    _log(st, fx, A.ROUND_CLOSED, reason=reason.value, released=unclaimed - kept, kept=kept)


def _hold_for_waitlist(st: AppState, fx: Effects, n: int) -> int:
    """Keep up to n unclaimed spots held for the waitlist; returns how many were kept.

    Held spots never outnumber the people waiting: a spot nobody waits for is free.
    """
    in_round = st.round.held if st.round else 0
    keep = max(0, min(n, len(st.wait_keys) - in_round - st.standing))
    if keep and st.status == "open":
        if not st.standing:
            st.standing_since = fx.now
        st.standing += keep
        st.app_dirty = True
        return keep
    return 0


def _end_standing(st: AppState, fx: Effects, n: int, why: str) -> None:
    """n spots of the standing hold leave it: to the free spots, or to a new round."""
    if n <= 0:
        return
    st.standing -= n
    if not st.standing:
        st.standing_since = None
    st.app_dirty = True
    _log(st, fx, A.HOLD_RELEASED, spots=n, why=why)


def _trim_standing(st: AppState, fx: Effects) -> None:
    """After someone left the waitlist: spots held for nobody become free."""
    in_round = st.round.held if st.round else 0
    over = st.standing + in_round - len(st.wait_keys)
    if over > 0 and st.standing:
        _end_standing(st, fx, min(over, st.standing), "waitlist_shorter")


def _timeout(st: AppState) -> timedelta:
    return timedelta(seconds=st.offer_timeout_s)


# ---- a spot frees ---------------------------------------------------------------------


def spots_freed(st: AppState, fx: Effects, n: int) -> None:
    """n spots just became free: give them to the waitlist as the policy says."""
    if n <= 0 or st.status != "open" or not st.wait_keys:
        return
    # A round keeps the policy it was opened under until it ends: spots freed meanwhile join
    # it, and a policy change applies from the next round.
    policy = st.round.policy if st.round is not None else st.policy
    if policy == "auto":
        for _ in range(n):
            if not st.wait_keys:
                return
            first = st.wait_keys[0][2]
            _sign_up(st, fx, first, fx.now, A.PROMOTED_AUTO)
        return
    if policy == "broadcast":
        _broadcast(st, fx, n)
    else:
        _timed(st, fx, n)


def _broadcast(st: AppState, fx: Effects, n: int) -> None:
    deadline = fx.now + _timeout(st)
    r = st.round
    if r is None:
        n += _fold_standing(st, fx)
        r = Round("broadcast", 0, fx.now, deadline)
        st.round = r
        _log(st, fx, A.ROUND_OPENED, spots=n, policy="broadcast")
    waiting = st.waitlist()
    # Every waitlisted volunteer is offered, so holding more spots than that would keep spots
    # from newcomers for nobody: the surplus stays free.
    r.held = min(r.held + n, len(waiting))
    r.deadline = deadline  # a newly freed spot gets the full offer time
    st.touch(r)
    fx.outcomes.append(o.SpotsAnnounced(r.held, tuple(waiting)))
    for vid in waiting:
        offer = r.offers.get(vid)
        if offer is None or offer.state != "open":
            _offer(st, r, fx, vid, deadline)
        else:
            r.set_offer(Offer(vid, offer.offered_at, deadline))


def _timed(st: AppState, fx: Effects, n: int) -> None:
    r = st.round
    if r is None:
        n += _fold_standing(st, fx)
        r = Round("timed", 0, fx.now, fx.now + _timeout(st))
        st.round = r
        _log(st, fx, A.ROUND_OPENED, spots=n, policy="timed")
    r.held += n
    st.touch(r)
    _fill_timed(st, fx)


def _fill_timed(st: AppState, fx: Effects) -> None:
    """Offer each held spot to the next volunteer in line who has not had this round's offer."""
    r = st.round
    assert r is not None and r.policy == "timed"
    open_count = len(r.open_offers())
    fresh: list[str] = []
    if open_count < r.held:
        for _, _, vid in st.wait_keys:
            if vid in r.offers:
                continue
            fresh.append(vid)
            if open_count + len(fresh) == r.held:
                break
    expires = fx.now + _timeout(st)
    if fresh:  # announced before the personal offers, as in the broadcast round
        fx.outcomes.append(o.SpotsAnnounced(r.held, tuple(fresh)))
    for vid in fresh:
        _offer(st, r, fx, vid, expires)
    opened = r.open_offers()
    if not opened:
        _close_round(st, fx, RoundEnd.NOBODY_LEFT)
        return
    surplus = r.held - len(opened)
    if surplus > 0:  # nobody left to offer it to in this round: held for the waitlist, or free
        r.held = len(opened)
        _hold_for_waitlist(st, fx, surplus)
    r.deadline = min(o.expires_at for o in opened)


def _fold_standing(st: AppState, fx: Effects) -> int:
    """A new round offers a standing hold's spots too; returns how many it takes over."""
    n = st.standing
    _end_standing(st, fx, n, "reoffered")
    return n


def _offer_lost(st: AppState, fx: Effects) -> None:
    """An offered volunteer left: pass the offer on, or end a round nobody can claim."""
    r = st.round
    if r is None:
        return
    st.touch(r)
    if r.policy == "timed":
        _fill_timed(st, fx)
        return
    opened = r.open_offers()
    if not opened:
        _close_round(st, fx, RoundEnd.ALL_WITHDREW)
    else:
        r.held = min(r.held, len(opened))  # held spots never outnumber the open offers


# ---- the clock ------------------------------------------------------------------------


def expire(st: AppState, fx: Effects) -> None:
    """Apply every deadline that has passed by fx.now: offers, then a standing hold's release,
    then the reminders (confirm-by first, then the lead times)."""
    _expire_offers(st, fx)
    due = st.release_due
    if due is not None and due <= fx.now:
        release(st, fx, why="timer")
    _reminder_clock(st, fx)


def _expire_offers(st: AppState, fx: Effects) -> None:
    r = st.round
    if r is None or fx.now < r.deadline:
        return
    if r.policy == "broadcast":
        _close_round(st, fx, RoundEnd.EXPIRED)
        return
    for offer in _offers_in_order(st, r):
        if offer.expires_at <= fx.now:
            _end_offer(st, r, fx, offer.volunteer_id, "passed")
            _notify(fx, offer.volunteer_id, o.News.NOT_SELECTED)
            _log(st, fx, A.OFFER_EXPIRED, offer.volunteer_id)
    st.touch(r)
    _fill_timed(st, fx)


# ---- volunteer requests ---------------------------------------------------------------


def accept(st: AppState, fx: Effects, vid: str, responded_at: datetime) -> None:
    """An accepted response or a waitlist request from volunteer vid."""
    if st.status != "open":
        _answer_not_open(st, fx, vid, "accepted")
        return
    p = st.participants.get(vid)
    if p is not None and p.state == "signed":
        return  # rule 1: idempotent
    # No queue-skipping: a sender's own time counts only between publication and receipt.
    responded_at = min(max(responded_at, st.published_at or st.created_at), fx.now)
    r = st.round
    offer = r.offers.get(vid) if r else None
    if r is not None and offer is not None and offer.state == "open" and r.held > 0:
        _claim(st, fx, r, vid)
        return
    if st.free > 0:
        _sign_up(st, fx, vid, responded_at, A.SIGNED_UP)
        if p is not None:
            _trim_standing(st, fx)
        return
    if p is not None:
        if st.standing > 0:  # a spot an ended round left unclaimed, held for the waitlist
            _take_standing(st, fx, vid, A.TOOK_HELD)
        return  # else: already waiting, a repeated request changes nothing
    st.put(Participant(vid, "waiting", responded_at, _next_seq(st), fx.now))
    position = st.position(vid)
    fx.outcomes.append(o.Waitlisted(vid, position))
    _log(st, fx, A.WAITLISTED, vid, position=position)
    if r is not None and r.policy == "broadcast":
        st.touch(r)
        _offer(st, r, fx, vid, r.deadline)


def _claim(st: AppState, fx: Effects, r: Round, vid: str, *, by_coordinator: bool = False) -> None:
    r.held -= 1
    st.touch(r)
    _end_offer(st, r, fx, vid, "claimed")
    if by_coordinator:
        _sign_up(st, fx, vid, fx.now, A.PROMOTED, into="offer")
    else:
        _sign_up(st, fx, vid, fx.now, A.CLAIMED)
    if r.held == 0:
        _close_round(st, fx, RoundEnd.ALL_CLAIMED)
    elif r.policy == "timed":
        _fill_timed(st, fx)


def decline(st: AppState, fx: Effects, vid: str) -> None:
    """A declined response: withdraw vid from the roster, the waitlist or an offer."""
    if st.status != "open":
        _answer_not_open(st, fx, vid, "declined")
        return
    p = st.participants.get(vid)
    if p is None:
        _log(st, fx, A.WITHDRAWAL_IGNORED, vid)
        return
    st.drop(vid)
    if p.state == "signed":
        _log(st, fx, A.WITHDREW, vid)
        spots_freed(st, fx, 1)
        return
    _log(st, fx, A.LEFT_WAITLIST, vid)
    _leave_offer(st, fx, vid, "withdrawn")
    _trim_standing(st, fx)


def _take_standing(st: AppState, fx: Effects, vid: str, how: A, **params: object) -> None:
    st.standing -= 1
    if not st.standing:
        st.standing_since = None
    st.app_dirty = True
    _sign_up(st, fx, vid, fx.now, how, **params)
    _trim_standing(st, fx)


def _leave_offer(st: AppState, fx: Effects, vid: str, state: OfferState) -> None:
    r = st.round
    if r is not None and vid in r.offers and r.offers[vid].state == "open":
        _end_offer(st, r, fx, vid, state)
        _offer_lost(st, fx)


def _answer_not_open(
    st: AppState, fx: Effects, vid: str, request: Literal["accepted", "declined"]
) -> None:
    _notify(fx, vid, o.News.APP_CANCELLED if st.status == "cancelled" else o.News.APP_CLOSED)
    _log(st, fx, A.ANSWERED_NOT_OPEN, vid, request=request, status=st.status)


# ---- coordinator actions --------------------------------------------------------------
# Each returns None when applied, or the Refusal that says why it changed nothing.


def set_capacity(st: AppState, fx: Effects, capacity: int) -> Refusal | None:
    if st.status == "cancelled":
        return refuse(R.APP_CANCELLED)
    if not 1 <= capacity <= MAX_CAPACITY:
        return refuse(R.CAPACITY_RANGE, max=MAX_CAPACITY)
    if capacity < st.signed_count:
        return refuse(R.BELOW_SIGNED_UP, capacity=capacity, signed=st.signed_count)
    old = st.capacity
    if capacity == old:
        return None
    st.listing = replace(st.listing, capacity=capacity)
    st.app_dirty = True
    _log(st, fx, A.CAPACITY_CHANGED, old=old, new=capacity)
    if capacity > old:
        spots_freed(st, fx, capacity - old)
    else:
        _shrink_held(st, fx)
    _announce_update(st, fx)
    return None


def _shrink_held(st: AppState, fx: Effects) -> None:
    """After capacity fell, give back held spots that no longer exist: a standing hold first."""
    if st.free < 0 and st.standing:
        _end_standing(st, fx, min(-st.free, st.standing), "capacity_lowered")
    r = st.round
    if r is None or st.free >= 0:
        return
    r.held += st.free  # free is negative by exactly the held spots that vanished
    st.touch(r)
    if r.held == 0:
        _close_round(st, fx, RoundEnd.CAPACITY_LOWERED)
    elif r.policy == "timed":
        _withdraw_surplus_offers(st, fx, r, RoundEnd.CAPACITY_LOWERED)


def _withdraw_surplus_offers(st: AppState, fx: Effects, r: Round, why: RoundEnd) -> None:
    """Timed: one open offer per held spot; the latest offered, then the last in line, lose."""
    for offer in _offers_in_order(st, r)[r.held :]:
        _end_offer(st, r, fx, offer.volunteer_id, "not_selected")
        _notify(fx, offer.volunteer_id, o.News.NOT_SELECTED)
        _log(st, fx, A.NOT_SELECTED, offer.volunteer_id, reason=why.value)


def _announce_update(st: AppState, fx: Effects) -> None:
    if st.status == "open" or st.status == "closed":
        fx.outcomes.append(o.Updated(st.listing, st.status))


def remove(st: AppState, fx: Effects, vid: str) -> Refusal | None:
    if st.status == "cancelled":
        return refuse(R.APP_CANCELLED)
    p = st.drop(vid)
    if p is None:
        return refuse(R.NOT_PARTICIPANT, volunteer=vid)
    _notify(fx, vid, o.News.REMOVED)
    if p.state == "signed":
        _log(st, fx, A.REMOVED, vid, place="roster")
        spots_freed(st, fx, 1)
    else:
        _log(st, fx, A.REMOVED, vid, place="waitlist")
        _leave_offer(st, fx, vid, "removed")
        _trim_standing(st, fx)
    return None


def promote(st: AppState, fx: Effects, vid: str) -> Refusal | None:
    if st.status not in ("open", "closed"):
        return refuse(R.NOT_OPEN_OR_CLOSED, status=st.status)
    p = st.participants.get(vid)
    if p is None or p.state != "waiting":
        return refuse(R.NOT_WAITING, volunteer=vid)
    r = st.round
    if st.free > 0:
        if r is not None and vid in r.offers and r.offers[vid].state == "open":
            _end_offer(st, r, fx, vid, "claimed")
        _sign_up(st, fx, vid, fx.now, A.PROMOTED, into="free")
        if r is not None:
            _offer_lost(st, fx)
        _trim_standing(st, fx)
        return None
    if r is not None and r.held > 0 and vid in r.offers and r.offers[vid].state == "open":
        _claim(st, fx, r, vid, by_coordinator=True)
        return None
    if st.standing > 0:
        _take_standing(st, fx, vid, A.PROMOTED, into="held")
        return None
    if r is not None and r.held > 0:
        r.held -= 1
        st.touch(r)
        _sign_up(st, fx, vid, fx.now, A.PROMOTED, into="held")
        if r.held == 0:
            _close_round(st, fx, RoundEnd.COORDINATOR_FILLED)
        elif r.policy == "timed":
            _withdraw_surplus_offers(st, fx, r, RoundEnd.COORDINATOR_FILLED)
        return None
    return refuse(R.NO_FREE_SPOT)


def close(st: AppState, fx: Effects) -> Refusal | None:
    if st.status != "open":
        return refuse(R.NOT_OPEN, status=st.status)
    if st.round is not None:
        _close_round(st, fx, RoundEnd.APP_CLOSED)
    _end_standing(st, fx, st.standing, "app_closed")
    st.status = "closed"
    st.app_dirty = True
    _log(st, fx, A.CLOSED)
    _announce_update(st, fx)
    return None


def reopen(st: AppState, fx: Effects) -> Refusal | None:
    if st.status != "closed":
        return refuse(R.NOT_CLOSED, status=st.status)
    st.status = "open"
    st.app_dirty = True
    _log(st, fx, A.REOPENED)
    _announce_update(st, fx)
    spots_freed(st, fx, st.free)
    return None


def cancel(st: AppState, fx: Effects) -> Refusal | None:
    if st.status == "cancelled":
        return refuse(R.ALREADY_CANCELLED)
    was_published = st.status != "draft"
    if st.round is not None:
        # Everyone offered is told «заявка отменена» below; «не выбрал» too would contradict it.
        _close_round(st, fx, RoundEnd.APP_CANCELLED, tell=False)
    st.standing, st.standing_since = 0, None
    st.status = "cancelled"
    st.app_dirty = True
    if was_published:
        fx.outcomes.append(o.Withdrawn())
    # In arrival order: the participants' dict order differs between cache and reload.
    by_arrival = sorted(st.participants.values(), key=lambda p: p.seq)
    signed = [p.volunteer_id for p in by_arrival if p.state == "signed"]
    for vid in signed + st.waitlist():
        _notify(fx, vid, o.News.APP_CANCELLED)
    _log(st, fx, A.CANCELLED, signed=len(signed), waiting=len(st.wait_keys))
    return None


def publish(st: AppState, fx: Effects) -> Refusal | None:
    if st.status != "draft":
        return refuse(R.ALREADY_PUBLISHED, status=st.status)
    st.status = "open"
    st.published_at = fx.now
    st.app_dirty = True
    fx.outcomes.append(o.Published(st.listing))
    _log(st, fx, A.PUBLISHED, spots=st.capacity)
    return None


def edit(
    st: AppState,
    fx: Effects,
    *,
    name: str,
    description: str,
    day: date,
    start: time,
    end: time,
) -> Refusal | None:
    if st.status == "cancelled":
        return refuse(R.APP_CANCELLED)
    changed = [
        label
        for label, old, new in (
            ("name", st.name, name),
            ("description", st.description, description),
            ("date", st.date, day),
            ("start", st.start, start),
            ("end", st.end, end),
        )
        if old != new
    ]
    if not changed:
        return None
    moved = (st.date, st.start) != (day, start)
    st.listing = o.Listing(name, description, day, start, end, st.capacity)
    st.app_dirty = True
    _log(st, fx, A.EDITED, fields=changed)
    _announce_update(st, fx)
    if moved:  # after the update that tells the new time: a lead time passed is owed now
        _restart_reminders(st)
        _reminder_clock(st, fx)
    return None


def set_policy(st: AppState, fx: Effects, policy: Policy, offer_timeout_s: int) -> Refusal | None:
    if policy not in POLICIES:
        return refuse(R.UNKNOWN_POLICY, policy=policy, choices=list(POLICIES))
    if not 60 <= offer_timeout_s <= MAX_OFFER_TIMEOUT_MIN * 60:
        return refuse(R.OFFER_TIMEOUT_RANGE, max_min=MAX_OFFER_TIMEOUT_MIN)
    if (policy, offer_timeout_s) == (st.policy, st.offer_timeout_s):
        return None
    st.policy, st.offer_timeout_s = policy, offer_timeout_s
    st.app_dirty = True
    _log(st, fx, A.POLICY_CHANGED, policy=policy, offer_timeout_min=offer_timeout_s // 60)
    return None


# ---- a standing hold ----------------------------------------------------------------------


def reoffer(st: AppState, fx: Effects) -> Refusal | None:
    """Offer a standing hold's spots to the waitlist again: a new round, by the policy."""
    if st.status != "open":
        return refuse(R.NOT_OPEN_FOR_HOLD, status=st.status)
    n = st.standing
    if n == 0:
        return refuse(R.NO_STANDING_HOLD)
    _log(st, fx, A.REOFFERED, spots=n)
    _end_standing(st, fx, n, "reoffered")
    spots_freed(st, fx, n)
    return None


def release(st: AppState, fx: Effects, *, why: str = "coordinator") -> Refusal | None:
    """Give a standing hold's spots to newcomers: they become free."""
    if st.standing == 0:
        return refuse(R.NO_STANDING_HOLD)
    _end_standing(st, fx, st.standing, why)
    return None


def set_release_after(st: AppState, fx: Effects, seconds: int) -> Refusal | None:
    """Release a standing hold by itself this long after it began; 0 turns that off."""
    if st.status == "cancelled":
        return refuse(R.APP_CANCELLED)
    if not 0 <= seconds <= MAX_OFFER_TIMEOUT_MIN * 60:
        return refuse(R.RELEASE_AFTER_RANGE, max_min=MAX_OFFER_TIMEOUT_MIN)
    if seconds == st.release_after_s:
        return None
    st.release_after_s = seconds
    st.app_dirty = True
    _log(st, fx, A.RELEASE_AFTER_CHANGED, minutes=seconds // 60)
    return None


# ---- signing up by hand -------------------------------------------------------------------


def sign_up_by_hand(
    st: AppState, fx: Effects, vid: str, *, over_capacity: bool = False
) -> Refusal | None:
    """The coordinator signs up a walk-in or a phone call into a free spot (записан).

    With no free spot it is refused unless over_capacity is set: then the capacity grows by
    one for them (announced like any capacity change). Someone waiting is promoted instead,
    so they leave the waitlist and any offer the usual way.
    """
    if st.status not in ("open", "closed"):
        return refuse(R.NOT_OPEN_OR_CLOSED, status=st.status)
    p = st.participants.get(vid)
    if p is not None and p.state == "signed":
        return refuse(R.ALREADY_SIGNED_UP, volunteer=vid)
    room = st.free > 0 or (p is not None and st.held > 0)
    if not room:
        if not over_capacity:
            return refuse(R.NO_FREE_SPOT_BY_HAND)
        if st.capacity >= MAX_CAPACITY:
            return refuse(R.CAPACITY_RANGE, max=MAX_CAPACITY)
        # straight to this volunteer: not offered to the waitlist
        st.listing = replace(st.listing, capacity=st.capacity + 1)
        st.app_dirty = True
        _log(st, fx, A.CAPACITY_CHANGED, old=st.capacity - 1, new=st.capacity)
    if p is not None:
        refused = promote(st, fx, vid)
        assert refused is None, refused  # a waiting volunteer and a spot: promote cannot refuse
    else:
        _sign_up(st, fx, vid, fx.now, A.SIGNED_BY_HAND, over_capacity=not room)
    if not room:
        _announce_update(st, fx)
    return None


# ---- the coordinator's hand on the waitlist ------------------------------------------------


def offer_to(st: AppState, fx: Effects, vid: str) -> Refusal | None:
    """Offer one spot to a chosen waitlisted volunteer (место доступно), for the offer timeout.

    The spot comes from a standing hold, else from the free spots. It opens a timed round
    that starts with the chosen volunteer: unclaimed in time, it passes down the line as a
    timed round does (the first in line next), and ends held for the waitlist.
    """
    if st.status != "open":
        return refuse(R.NOT_OPEN_FOR_HOLD, status=st.status)
    p = st.participants.get(vid)
    if p is None or p.state != "waiting":
        return refuse(R.NOT_WAITING, volunteer=vid)
    if st.round is not None:
        return refuse(R.ROUND_OPEN)
    if st.standing > 0:
        _end_standing(st, fx, 1, "reoffered")
    elif st.free <= 0:
        return refuse(R.NO_FREE_SPOT)
    expires = fx.now + _timeout(st)
    r = Round("timed", 1, fx.now, expires)
    st.round = r
    st.touch(r)
    _log(st, fx, A.ROUND_OPENED, spots=1, policy="timed", chosen=vid)
    fx.outcomes.append(o.SpotsAnnounced(1, (vid,)))
    _offer(st, r, fx, vid, expires)
    return None


def move(st: AppState, fx: Effects, vid: str, position: int, reason: str) -> Refusal | None:
    """Move a waitlisted volunteer to a 1-based position, with the coordinator's reason.

    The waitlist is ordered by (queue time, arrival); the moved volunteer takes the queue time
    of their new neighbour and an arrival number just before (or after) theirs, so the rest of
    the line keeps its order. Nobody is told: positions are not announced again.
    """
    if st.status not in ("open", "closed"):
        return refuse(R.NOT_OPEN_OR_CLOSED, status=st.status)
    p = st.participants.get(vid)
    if p is None or p.state != "waiting":
        return refuse(R.NOT_WAITING, volunteer=vid)
    if not reason.strip():
        return refuse(R.REASON_REQUIRED)
    others = [k for k in st.wait_keys if k[2] != vid]
    if not 1 <= position <= len(others) + 1:
        return refuse(R.POSITION_RANGE, max=len(others) + 1)
    old = st.position(vid)
    if old == position:
        return None
    if position <= len(others):
        at, seq, _ = others[position - 1]  # V goes just before the one now at that place
    else:
        at, last_seq, _ = others[-1]
        seq = last_seq + 1  # V goes last
    # Everyone with that queue time from seq on moves one arrival number up: order kept.
    for w_at, w_seq, w_vid in [k for k in others if k[0] == at and k[1] >= seq][::-1]:
        w = st.participants[w_vid]
        st.put(Participant(w_vid, "waiting", w_at, w_seq + 1, w.since))
    st.put(Participant(vid, "waiting", at, seq, p.since))
    st.next_seq = max(st.next_seq, max(k[1] for k in st.wait_keys) + 1)
    st.app_dirty = True
    _log(st, fx, A.MOVED, vid, old=old, new=position, reason=reason.strip())
    return None


# ---- reminders before the shift --------------------------------------------------------------
# CONTRACT.md, "Reminders and attendance", and Part 2 "Reminders": at each lead time before the
# start every signed-up volunteer gets «напоминание» with a confirm-by; «confirmed» is answered
# «подтверждено»; at confirm-by an unconfirmed volunteer is kept (marked) or released.


def shift_start(st: AppState, tz: tzinfo | None) -> datetime:
    """When the shift begins, in naive UTC: its date and start are on the coordinator's wall
    (tz; None: the machine's own zone), as core.clock.local_now reads it the other way."""
    # The reminder clock asks on every message (twice for a sign-up): remembered, with the
    # machine's zone as time.tzset() last read it in the key when it is the one asked for.
    zone = None if tz is not None else (systime.timezone, systime.altzone, systime.tzname)
    return _start_utc(st.date, st.start, tz, zone)


@functools.lru_cache(maxsize=4096)
def _start_utc(day: date, start: time, tz: tzinfo | None, _zone: object) -> datetime:
    local = datetime.combine(day, start)
    aware = local.replace(tzinfo=tz) if tz is not None else local.astimezone()
    return aware.astimezone(UTC).replace(tzinfo=None)


@functools.lru_cache(maxsize=4096)
def _lead_moments(start: datetime, leads: tuple[int, ...]) -> tuple[tuple[int, datetime], ...]:
    """Each lead time with its moment before start, the earliest moment first."""
    return tuple(sorted(((lead, start - timedelta(seconds=lead)) for lead in leads), key=_moment))


def _moment(lead_at: tuple[int, datetime]) -> datetime:
    return lead_at[1]


def _signed_in_order(st: AppState) -> list[Participant]:
    return sorted(st.roster(), key=lambda p: p.seq)


def _confirm_by(st: AppState, fx: Effects, start: datetime) -> datetime:
    """The confirm-by a reminder sent now carries: the application's, or the start once that
    has passed (a late reminder still asks, but nobody is released at the start)."""
    deadline = start - timedelta(seconds=st.confirm_lead_s)
    return deadline if deadline > fx.now else start


def _reminder_facts(st: AppState, p: Participant, **facts: object) -> Participant:
    """p with new reminder facts, as a new Participant in its place: participants are replaced,
    never changed in place (an undo keeps the old ones). Same state: no count changes."""
    new = replace(p, **facts)  # type: ignore[arg-type]
    st.participants[p.volunteer_id] = new
    st.dirty.add(p.volunteer_id)
    return new


def _send_reminder(
    st: AppState, fx: Effects, p: Participant, key: str, confirm_by: datetime, **params: object
) -> None:
    p = _reminder_facts(st, p, reminded_at=fx.now, confirm_by=confirm_by, unconfirmed_at=None)
    st.awaiting[p.volunteer_id] = confirm_by
    st.reminders_sent.append((p.volunteer_id, key, fx.now, confirm_by))
    fx.outcomes.append(o.Reminded(p.volunteer_id, confirm_by, key))
    when = confirm_by.isoformat(timespec="seconds")
    _log(st, fx, A.REMINDED, p.volunteer_id, key=key, confirm_by=when, **params)


def _passed_leads(st: AppState, fx: Effects, start: datetime) -> list[int]:
    return _leads_passed_by(st, start, fx.now)


def _leads_passed_by(st: AppState, start: datetime, now: datetime) -> list[int]:
    moments = _lead_moments(start, st.reminder_leads_s)
    if not moments or moments[0][1] > now:  # days before a shift: none has passed yet
        return []
    return [lead for lead, at in moments if at <= now]


def _skipped_lead(st: AppState, fx: Effects) -> int | None:
    """Someone signing up now gets no reminder for a lead time already passed: they have just
    said they come (the next lead time reminds them). The smallest such lead, if any."""
    if not st.reminder_leads_s:
        return None
    passed = _passed_leads(st, fx, shift_start(st, fx.tz))
    return min(passed) if passed else None


def _reminder_clock(st: AppState, fx: Effects) -> None:
    """What the clock owes the reminders by fx.now: confirm-by deadlines, then due reminders.

    Catch-up is built in: whatever passed while the console was off is done on the next call,
    once. A volunteer gets, per lead time, the reminder only if they were signed up when its
    moment came, and only the latest of several that passed unseen; nothing after the start.
    """
    if st.status not in ("open", "closed"):
        return
    start = shift_start(st, fx.tz)
    if st.awaiting:
        _confirm_deadlines(st, fx, start)
    if fx.now >= start:
        return
    due = _passed_leads(st, fx, start)
    if not due:
        return
    latest = min(due)
    if st.leads_checked == latest:
        return  # the roster was checked for it; later sign-ups skip it when they sign up
    for p in _signed_in_order(st):
        done = p.reminder_lead_s
        if done is not None and done <= latest:
            continue
        owed = [
            lead
            for lead in due
            if (done is None or lead < done) and p.since < start - timedelta(seconds=lead)
        ]
        p = _reminder_facts(st, p, reminder_lead_s=latest)
        if owed:
            lead = min(owed)
            # The key names the lead time and the start it counts from: a shift moved to
            # another time owes its reminders again, and each of them once.
            key = f"lead:{lead}@{start.isoformat(timespec='seconds')}"
            _send_reminder(st, fx, p, key, _confirm_by(st, fx, start), lead_min=lead // 60)
    st.leads_checked = latest


def _confirm_deadlines(st: AppState, fx: Effects, start: datetime) -> None:
    """Confirm-by passed without a confirmation: mark it; with release set, the volunteer
    leaves the roster («не подтвердил») and the spots free by the policy, all at once."""
    passed = [vid for vid, by in st.awaiting.items() if by <= fx.now]
    released = 0
    for p in sorted((st.participants[vid] for vid in passed), key=lambda p: p.seq):
        confirm_by = st.awaiting.pop(p.volunteer_id)
        p = _reminder_facts(st, p, unconfirmed_at=fx.now)
        release_it = st.release_unconfirmed and confirm_by < start
        if release_it:
            st.drop(p.volunteer_id)
            _notify(fx, p.volunteer_id, o.News.NOT_CONFIRMED)
            released += 1
        when = confirm_by.isoformat(timespec="seconds")
        _log(st, fx, A.NOT_CONFIRMED, p.volunteer_id, confirm_by=when, released=release_it)
    if released:
        spots_freed(st, fx, released)


def confirm(st: AppState, fx: Effects, vid: str) -> None:
    """A «confirmed» response: a signed-up volunteer says they are coming («подтверждено»)."""
    if st.status == "cancelled":
        _notify(fx, vid, o.News.APP_CANCELLED)
        _log(st, fx, A.ANSWERED_NOT_OPEN, vid, request="confirmed", status=st.status)
        return
    p = st.participants.get(vid)
    if p is None or p.state != "signed":
        if st.status == "closed":
            _notify(fx, vid, o.News.APP_CLOSED)
        _log(st, fx, A.CONFIRM_IGNORED, vid, why="not_signed_up")
        return
    if p.confirmed_at is not None:
        return  # confirmed before: nothing changes and nothing is sent
    late = p.unconfirmed_at is not None
    _reminder_facts(st, p, confirmed_at=fx.now)
    st.awaiting.pop(vid, None)
    st.confirmations.append((vid, fx.now))
    _notify(fx, vid, o.News.CONFIRMED)
    _log(st, fx, A.CONFIRMED, vid, late=late)


def remind_now(st: AppState, fx: Effects) -> Refusal | None:
    """The coordinator sends a reminder now to every signed-up volunteer not yet confirmed."""
    if st.status not in ("open", "closed"):
        return refuse(R.NOT_OPEN_OR_CLOSED, status=st.status)
    start = shift_start(st, fx.tz)
    if fx.now >= start:
        return refuse(R.SHIFT_STARTED)
    targets = [p for p in _signed_in_order(st) if p.confirmed_at is None]
    if not targets:
        return refuse(R.NOBODY_UNCONFIRMED)
    key = f"now:{_next_seq(st)}"  # unique per press, kept with the application
    st.app_dirty = True
    confirm_by = _confirm_by(st, fx, start)
    for p in targets:
        _send_reminder(st, fx, p, key, confirm_by)
    return None


def reminder_errors(leads_s: tuple[int, ...], confirm_lead_s: int, release: bool) -> Refusal | None:
    if len(leads_s) > MAX_REMINDERS:
        return refuse(R.REMINDERS_RANGE, max=MAX_REMINDERS, max_h=MAX_REMINDER_LEAD_S // 3600)
    if any(not 60 <= lead <= MAX_REMINDER_LEAD_S for lead in leads_s):
        return refuse(R.REMINDERS_RANGE, max=MAX_REMINDERS, max_h=MAX_REMINDER_LEAD_S // 3600)
    if not 0 <= confirm_lead_s <= MAX_REMINDER_LEAD_S:
        return refuse(R.CONFIRM_BY_RANGE, max_h=MAX_REMINDER_LEAD_S // 3600)
    if release and leads_s and confirm_lead_s >= max(leads_s):
        # the first reminder would come after confirm-by: nobody could ever be released
        return refuse(R.CONFIRM_AFTER_REMINDERS, confirm_h=confirm_lead_s / 3600)
    return None


def set_reminders(
    st: AppState, fx: Effects, leads_s: tuple[int, ...], confirm_lead_s: int, release: bool
) -> Refusal | None:
    """Lead times before the start, the confirm-by, and keep (False) or release the unconfirmed."""
    if st.status == "cancelled":
        return refuse(R.APP_CANCELLED)
    leads = tuple(sorted(set(leads_s), reverse=True))
    error = reminder_errors(leads, confirm_lead_s, release)
    if error is not None:
        return error
    if (leads, confirm_lead_s, release) == (
        st.reminder_leads_s,
        st.confirm_lead_s,
        st.release_unconfirmed,
    ):
        return None
    st.reminder_leads_s, st.confirm_lead_s, st.release_unconfirmed = leads, confirm_lead_s, release
    st.app_dirty = True
    st.leads_checked = None  # a new lead time may already have passed: the clock looks again
    _log(
        st,
        fx,
        A.REMINDERS_CHANGED,
        leads_min=[lead // 60 for lead in leads],
        confirm_min=confirm_lead_s // 60,
        release=release,
    )
    _reminder_clock(st, fx)
    return None


def _restart_reminders(st: AppState) -> None:
    """The shift moved: every lead time counts again from the new start; a confirmation stays
    (the volunteer said they come; the update told them the new time), a pending ask is reset."""
    for p in _signed_in_order(st):
        if p.confirmed_at is None:
            _reminder_facts(st, p, reminder_lead_s=None, confirm_by=None, unconfirmed_at=None)
            st.awaiting.pop(p.volunteer_id, None)
        else:
            _reminder_facts(st, p, reminder_lead_s=None)
    st.leads_checked = None


def leads_settled(st: AppState, now: datetime, tz: tzinfo | None) -> int | None:
    """The lead time a state loaded from its row has had its roster checked for (None: the
    clock looks again). Every write ran the reminder clock first and kept reminder_due, the
    next moment it had work then: with that moment still ahead of now (or none left), no lead
    time's moment came since, so the roster was checked for every one passed by now. Without
    this, each reload went through the whole roster of every application with a lead passed.
    """
    if st.reminder_due is not None and st.reminder_due <= now:
        return None
    if st.status not in ("open", "closed") or not st.reminder_leads_s:
        return None
    start = shift_start(st, tz)
    if now >= start:
        return None
    passed = _leads_passed_by(st, start, now)
    return min(passed) if passed else None


def reminder_due(st: AppState, now: datetime, tz: tzinfo | None) -> datetime | None:
    """The next moment the reminder clock has work for st (None: none): a lead time's moment
    ahead, or a pending confirm-by. Kept on the application row for the ticker to find; the
    engine computes it after the clock has run, so a moment already passed is done."""
    if st.status not in ("open", "closed") or not st.signed_count:
        return None
    start = shift_start(st, tz)
    ahead = [at for _lead, at in _lead_moments(start, st.reminder_leads_s) if at > now]
    ahead.extend(st.awaiting.values())
    return min(ahead) if ahead else None
