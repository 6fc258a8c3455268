"""Read side: immutable rows for the window and the CLI, built from engine state and the logs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time

from core.engine import Engine
from core.kinds import Params, activity_english
from core.rules import AppState


@dataclass(frozen=True, slots=True)
class AppSummary:
    id: str
    name: str
    description: str
    date: date
    start: time
    end: time
    capacity: int
    signed: int
    held: int
    free: int
    waiting: int
    open_offers: int
    status: str
    policy: str
    offer_timeout_min: int
    round_deadline: datetime | None
    updated_at: datetime

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.date, self.start)


@dataclass(frozen=True, slots=True)
class RosterRow:
    volunteer_id: str
    since: datetime


@dataclass(frozen=True, slots=True)
class WaitRow:
    position: int
    volunteer_id: str
    since: datetime
    responded_at: datetime
    offer: str | None  # this volunteer's offer in the open round: open, passed, not_selected...


@dataclass(frozen=True, slots=True)
class OfferView:
    volunteer_id: str
    offered_at: datetime
    expires_at: datetime
    state: str


@dataclass(frozen=True, slots=True)
class RoundView:
    id: int | None
    policy: str
    held: int
    opened_at: datetime
    deadline: datetime
    offers: tuple[OfferView, ...]


@dataclass(frozen=True, slots=True)
class AppDetail:
    summary: AppSummary
    roster: tuple[RosterRow, ...]
    waitlist: tuple[WaitRow, ...]
    round: RoundView | None


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: int
    application_id: str
    at: datetime
    actor: str
    kind: str  # an ActivityKind value
    volunteer_id: str | None
    params: Params
    cause: str | None

    def english(self) -> str:
        return activity_english(self.kind, self.params)


@dataclass(frozen=True, slots=True)
class MessageRow:
    key: str  # "in:<rowid>" or "out:<seq>": unique and stable, for models
    direction: str
    at: datetime
    exchange: str
    routing_key: str
    action: str
    application_id: str | None
    volunteer_id: str | None
    body: str
    outcome: str  # inbound: applied/rejected/ignored; outbound: sent or pending


@dataclass(frozen=True, slots=True)
class RejectedRow:
    id: int
    message_id: str
    received_at: datetime
    exchange: str
    routing_key: str
    reason: str
    size: int
    body: str


def summary_of(st: AppState) -> AppSummary:
    r = st.round
    return AppSummary(
        id=st.id,
        name=st.name,
        description=st.description,
        date=st.date,
        start=st.start,
        end=st.end,
        capacity=st.capacity,
        signed=st.signed_count,
        held=st.held,
        free=st.free,
        waiting=len(st.wait_keys),
        open_offers=len(r.open_offers()) if r else 0,
        status=st.status,
        policy=st.policy,
        offer_timeout_min=st.offer_timeout_s // 60,
        round_deadline=r.deadline if r else None,
        updated_at=st.updated_at,
    )


def detail_of(st: AppState) -> AppDetail:
    r = st.round
    roster = sorted(
        (
            RosterRow(p.volunteer_id, p.since)
            for p in st.participants.values()
            if p.state == "signed"
        ),
        key=lambda row: (row.since, row.volunteer_id),
    )
    waitlist = tuple(
        WaitRow(
            i,
            vid,
            st.participants[vid].since,
            st.participants[vid].responded_at,
            r.offers[vid].state if r and vid in r.offers else None,
        )
        for i, vid in enumerate(st.waitlist(), start=1)
    )
    round_view = None
    if r is not None:
        round_view = RoundView(
            r.id,
            r.policy,
            r.held,
            r.opened_at,
            r.deadline,
            tuple(
                OfferView(o.volunteer_id, o.offered_at, o.expires_at, o.state)
                for o in r.offers.values()
            ),
        )
    return AppDetail(summary_of(st), tuple(roster), waitlist, round_view)


class Queries:
    """Everything the window and the CLI read, in one place, never writing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn = engine.store.conn

    def summaries(self) -> list[AppSummary]:
        out = []
        for app_id in self.engine.application_ids():
            st = self.engine.state(app_id)
            if st is not None:
                out.append(summary_of(st))
        return out

    def summary(self, app_id: str) -> AppSummary | None:
        st = self.engine.state(app_id)
        return summary_of(st) if st else None

    def detail(self, app_id: str) -> AppDetail | None:
        st = self.engine.state(app_id)
        return detail_of(st) if st else None

    def activity(
        self, app_id: str | None = None, *, limit: int = 500, after_id: int = 0
    ) -> list[ActivityRow]:
        """Newest last; only rows after after_id, so a live view can ask for just what is new."""
        where, args = "id > ?", [after_id]
        if app_id is not None:
            where += " AND application_id = ?"
            args.append(app_id)  # type: ignore[arg-type]
        rows = self.conn.execute(
            f"SELECT id, application_id, at, actor, kind, volunteer_id, params, cause FROM activity"
            f" WHERE {where} ORDER BY id DESC LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [
            ActivityRow(
                r[0], r[1], datetime.fromisoformat(r[2]), r[3], r[4], r[5], json.loads(r[6]), r[7]
            )
            for r in reversed(rows)
        ]

    def messages(
        self,
        *,
        limit: int = 1000,
        application_id: str | None = None,
        volunteer_id: str | None = None,
    ) -> list[MessageRow]:
        """The message log, in and out, oldest first, at most limit rows of the newest."""
        filt, args = "", []
        if application_id is not None:
            filt += " AND application_id = ?"
            args.append(application_id)
        if volunteer_id is not None:
            filt += " AND volunteer_id = ?"
            args.append(volunteer_id)
        rows = self.conn.execute(
            "SELECT * FROM ("
            " SELECT 'in:' || rowid, 'in', received_at, exchange, routing_key, action,"
            "  application_id,"
            f"  volunteer_id, body, outcome, rowid FROM inbox WHERE 1=1{filt}"
            " UNION ALL"
            " SELECT 'out:' || seq, 'out', created_at, exchange, routing_key, action,"
            "  application_id,"
            "  volunteer_id, body, CASE WHEN sent_at IS NULL THEN 'pending' ELSE 'sent' END, seq"
            f"  FROM outbox WHERE 1=1{filt}"
            # the numeric id orders rows within one second ('in:10' sorts before 'in:9')
            ") ORDER BY 3 DESC, 2 DESC, 11 DESC LIMIT ?",
            [*args, *args, limit],
        ).fetchall()
        return [
            MessageRow(
                r[0], r[1], datetime.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9]
            )
            for r in reversed(rows)
        ]

    def rejected(self, *, limit: int = 500) -> list[RejectedRow]:
        rows = self.conn.execute(
            "SELECT id, message_id, received_at, exchange, routing_key, reason, size, body"
            " FROM rejected ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            RejectedRow(
                r[0],
                r[1],
                datetime.fromisoformat(r[2]),
                r[3],
                r[4],
                r[5],
                r[6],
                bytes(r[7][:2000]).decode("utf-8", "replace"),
            )
            for r in reversed(rows)
        ]

    def backlog(self) -> int:
        return self.engine.store.backlog()
