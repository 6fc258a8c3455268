"""Read side: summaries, detail (roster, waitlist, round), activity, message log, dead letters."""

from __future__ import annotations

import json
from datetime import date, datetime, time

from core.clock import ManualClock
from core.engine import ApplicationForm, Delivery, Engine
from core.queries import Queries, RosterRow


def resp(app: str, vid: int, status: str = "accepted") -> Delivery:
    raw = {
        "action": "volunteer_response",
        "data": {"volunteer_id": vid, "volunteer_application_id": int(app), "status": status},
    }
    return Delivery(json.dumps(raw).encode(), message_id=f"{app}-{vid}-{status}")


def form(name: str, day: int, spots: int) -> ApplicationForm:
    return ApplicationForm(
        name=name, day=date(2026, 3, day), start=time(9), end=time(12), spots=spots
    )


def test_summaries_are_ordered_by_date_with_their_counts(
    engine: Engine, clock: ManualClock
) -> None:
    later = engine.create_application(form("Later", 20, 3))
    sooner = engine.create_application(form("Sooner", 5, 1), publish=False)
    engine.handle([resp(later, 701), resp(later, 702)])
    q = Queries(engine)
    assert [
        (s.name, s.status, s.capacity, s.signed, s.held, s.free, s.waiting) for s in q.summaries()
    ] == [
        ("Sooner", "draft", 1, 0, 0, 1, 0),
        ("Later", "open", 3, 2, 0, 1, 0),
    ]
    summary = q.summary(sooner)
    assert summary is not None and summary.starts_at == datetime(2026, 3, 5, 9)
    assert q.summary("nope") is None and q.detail("nope") is None


def test_detail_shows_roster_waitlist_and_the_open_round(
    engine: Engine, clock: ManualClock
) -> None:
    app = engine.create_application(form("A", 10, 2))
    engine.handle([resp(app, 701), resp(app, 702)])
    clock.advance(60)
    engine.handle([resp(app, 703), resp(app, 704)])
    clock.advance(60)
    engine.handle([resp(app, 701, "declined")])
    detail = Queries(engine).detail(app)
    assert detail is not None
    assert detail.roster == (RosterRow("702", datetime(2026, 3, 2, 9, 0)),)
    assert [(w.position, w.volunteer_id, w.offer) for w in detail.waitlist] == [
        (1, "703", "open"),
        (2, "704", "open"),
    ]
    assert detail.round is not None
    assert (detail.round.policy, detail.round.held) == ("broadcast", 1)
    assert detail.round.deadline == datetime(2026, 3, 2, 9, 32)
    assert [(o.volunteer_id, o.state) for o in detail.round.offers] == [
        ("703", "open"),
        ("704", "open"),
    ]
    s = detail.summary
    assert (s.signed, s.held, s.free, s.waiting, s.open_offers) == (1, 1, 0, 2, 2)
    assert s.round_deadline == detail.round.deadline


def test_activity_reads_only_what_is_new(engine: Engine) -> None:
    app = engine.create_application(form("A", 10, 1))
    q = Queries(engine)
    first = q.activity()
    assert [(a.kind, a.actor) for a in first] == [
        ("created", "coordinator"),
        ("published", "coordinator"),
    ]
    engine.handle([resp(app, 701), resp(app, 702)])
    new = q.activity(after_id=first[-1].id)
    assert [(a.kind, a.volunteer_id, a.cause) for a in new] == [
        ("signed_up", "701", f"{app}-701-accepted"),
        ("waitlisted", "702", f"{app}-702-accepted"),
    ]
    assert [a.kind for a in q.activity(app, limit=1)] == ["waitlisted"]
    assert q.activity("other") == []


def test_message_log_lists_both_directions_and_filters(engine: Engine, clock: ManualClock) -> None:
    app = engine.create_application(form("A", 10, 1))
    clock.advance(1)
    engine.handle([resp(app, 701), Delivery(b"[]", message_id="bad")])
    q = Queries(engine)
    rows = [(r.direction, r.action, r.volunteer_id, r.outcome) for r in q.messages()]
    assert rows == [
        ("out", "create_volunteer_application", None, "pending"),
        ("in", "volunteer_response/accepted", "701", "applied"),
        ("in", "", None, "rejected"),
        ("out", "volunteer_notification", "701", "pending"),
    ]
    assert [r.direction for r in q.messages(volunteer_id="701")] == ["in", "out"]
    assert len(q.messages(application_id=app)) == 3
    assert [r.action for r in q.messages(limit=1)] == ["volunteer_notification"]
    seq = engine.store.pending_outbox()[-1].seq
    engine.store.mark_sent([seq], datetime(2026, 3, 2, 9, 0, 1))
    assert q.messages(limit=1)[0].outcome == "sent"
    assert q.backlog() == 1


def test_rejected_lists_dead_letters_with_reasons(engine: Engine) -> None:
    engine.handle([Delivery(b"\xff", message_id="x1"), Delivery(b'{"action":"dance"}')])
    rows = Queries(engine).rejected()
    assert [(r.message_id[:7], r.reason, r.body, r.size) for r in rows] == [
        ("x1", "body is not UTF-8: invalid start byte at byte 0", "\ufffd", 1),
        ("sha256:", 'unknown action "dance"', '{"action":"dance"}', 18),
    ]


def test_message_log_keeps_arrival_order_within_one_second(engine: Engine) -> None:
    app = engine.create_application(form("A", 10, 20))
    engine.handle([resp(app, 700 + i) for i in range(12)])
    inbound = [r.volunteer_id for r in Queries(engine).messages() if r.direction == "in"]
    assert inbound == [str(700 + i) for i in range(12)]


def test_summaries_as_json_say_what_the_summaries_say(engine: Engine, clock: ManualClock) -> None:
    """`app list --json` is built by SQLite: the same fields and values as summaries()."""
    timed = engine.create_application(
        ApplicationForm('Уборка "парка"\n', date(2026, 3, 9), time(22), time(2), 2, policy="timed")
    )
    engine.handle([resp(timed, v) for v in (701, 702, 703, 704)])
    engine.handle([resp(timed, 701, "declined")])  # a timed round opens for the freed spot
    broadcast = engine.create_application(form("Broadcast", 12, 3))
    engine.handle([resp(broadcast, v) for v in (711, 712, 713, 714, 715)])
    engine.handle([resp(broadcast, 711, "declined"), resp(broadcast, 712, "declined")])
    clock.advance(3600)  # its round ends unclaimed: the spots stand held for the waitlist
    engine.tick()
    engine.create_application(
        ApplicationForm(
            "Reminders", date(2026, 3, 20), time(9, 30), time(12, 15), 1,
            reminder_hours=(72, 24, 3), confirm_hours=30, release_unconfirmed=True,
        ),
        publish=False,
    )  # fmt: skip
    cancelled = engine.create_application(form("Cancelled", 25, 1))
    engine.cancel(cancelled)
    q = Queries(engine)
    rows = q.summaries()
    assert any(s.open_offers for s in rows) and any(s.standing for s in rows)
    expected = [
        {
            name: value.isoformat() if isinstance(value, date | time | datetime) else value
            for name, value in s.flat().items()
        }
        for s in rows
    ]
    for e in expected:
        e["reminder_hours"] = list(e["reminder_hours"])
    shown = json.loads(q.summaries_json())
    assert shown == expected
    assert [list(e) for e in shown] == [list(e) for e in expected]  # the keys in their order
