"""Undo of the coordinator's last action: back exactly as before while nothing has left."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.engine import ActionRefused, Engine
from core.kinds import RefusalKind
from core.queries import Queries
from tests.helpers.factories import a_form, response


def signed(engine: Engine, app_id: str) -> list[str]:
    st = engine.state(app_id)
    return sorted(v for v, p in st.participants.items() if p.state == "signed")


def picture(engine: Engine, app_id: str) -> dict:
    """Everything undo must put back, read from the database (not the engine's cache)."""
    q = Queries(engine.store)
    try:
        d = q.detail(app_id)
        r = d.round
        return {
            "summary": replace(d.summary, updated_at=None),  # a write moves it: not compared
            "roster": [x.volunteer_id for x in d.roster],
            "waitlist": [w.volunteer_id for w in d.waitlist],
            "round": None if r is None else (r.held, [(o.volunteer_id, o.state) for o in r.offers]),
            "outbox": engine.store.backlog(),
        }
    finally:
        q.close()


def kinds(engine: Engine, app_id: str) -> list[str]:
    rows = engine.store.conn.execute(
        "SELECT kind FROM activity WHERE application_id = ? ORDER BY id", (app_id,)
    )
    return [r[0] for r in rows]


@pytest.fixture
def busy(engine, clock):
    """An open application with one spot, v1 signed up, w1 and w2 waiting."""
    app_id = engine.create_application(a_form(clock, spots=1, offer_timeout_min=5))
    fund = engine.fund_id
    engine.handle([response(fund, app_id, v) for v in ("v1", "w1", "w2")])
    return app_id


def test_a_capacity_raise_not_yet_sent_is_undone_with_its_offer_round(engine, busy):
    before = picture(engine, busy)
    _, token = engine.with_undo(busy, "capacity", lambda: engine.set_capacity(busy, 2))
    raised = picture(engine, busy)
    assert raised["round"] == (1, [("w1", "open"), ("w2", "open")])
    assert raised["outbox"] > before["outbox"]

    engine.undo(token)

    assert picture(engine, busy) == before
    assert kinds(engine, busy)[-1] == "undone"
    reloaded = Engine(engine.store, engine.fund_id, engine.clock).state(busy)
    assert (reloaded.capacity, reloaded.round, reloaded.held) == (1, None, 0)


def test_closing_with_open_offers_is_undone_offers_and_all(engine, busy, clock):
    engine.remove_volunteer(busy, "v1")  # the spot is offered to w1 and w2
    before = picture(engine, busy)
    _, token = engine.with_undo(busy, "close", lambda: engine.close(busy))
    assert picture(engine, busy)["round"] is None
    engine.undo(token)
    after = picture(engine, busy)
    assert after == before
    assert after["round"] == (1, [("w1", "open"), ("w2", "open")])
    # the restored round still runs: its deadline ends it as before
    clock.advance(minutes=6)
    engine.tick()
    assert engine.state(busy).round is None and engine.state(busy).standing == 1


def test_a_waitlist_move_is_undone_and_the_order_comes_back(engine, clock):
    app_id = engine.create_application(a_form(clock, spots=1))
    engine.handle([response(engine.fund_id, app_id, v) for v in ("v1", "w1", "w2", "w3")])
    _, token = engine.with_undo(
        app_id, "move", lambda: engine.move_on_waitlist(app_id, "w3", 1, "called early")
    )
    assert engine.state(app_id).waitlist() == ["w3", "w1", "w2"]
    engine.undo(token)
    assert engine.state(app_id).waitlist() == ["w1", "w2", "w3"]
    q = Queries(engine.store)
    try:
        assert q.waitlist_ids(app_id) == ["w1", "w2", "w3"]
    finally:
        q.close()


def test_a_draft_edit_is_undone_and_a_new_draft_is_deleted(engine, clock):
    form = a_form(clock, name="Food bank")
    app_id, created = engine.with_undo(
        None, "create", lambda: engine.create_application(form, publish=False)
    )
    _, edited = engine.with_undo(
        app_id,
        "edit",
        lambda: engine.edit_application(app_id, a_form(clock, name="Food bank (Sat)", spots=9)),
    )
    assert (engine.state(app_id).name, engine.state(app_id).capacity) == ("Food bank (Sat)", 9)
    engine.undo(edited)
    assert (engine.state(app_id).name, engine.state(app_id).capacity) == ("Food bank", 3)
    with pytest.raises(ActionRefused) as refused:
        engine.undo(created)  # the undo of the edit came after it
    assert refused.value.kind == RefusalKind.UNDO_CHANGED
    # the window offers only the last action; a fresh create is undone by deleting it
    other, created2 = engine.with_undo(
        None, "create", lambda: engine.create_application(form, publish=False)
    )
    engine.undo(created2)
    assert engine.state(other) is None


def test_undo_is_refused_once_a_volunteer_answered_after_the_action(engine, busy):
    _, token = engine.with_undo(busy, "capacity", lambda: engine.set_capacity(busy, 3))
    engine.handle([response(engine.fund_id, busy, "late1")])
    before = picture(engine, busy)
    with pytest.raises(ActionRefused) as refused:
        engine.undo(token)
    assert refused.value.kind == RefusalKind.UNDO_CHANGED
    assert picture(engine, busy) == before


def test_undo_is_refused_once_the_message_left_and_while_it_is_being_sent(engine, busy):
    _, token = engine.with_undo(busy, "capacity", lambda: engine.set_capacity(busy, 2))
    pending = engine.store.pending_outbox()
    mine = [r.seq for r in pending if r.seq > token.first_seq]
    assert mine
    # the relay has read the rows and is publishing them: not deleted under it
    with engine.outbox_claims.lock:
        engine.outbox_claims.claim(mine)
    with pytest.raises(ActionRefused) as refused:
        engine.undo(token)
    assert refused.value.kind == RefusalKind.UNDO_SENT
    # confirmed and marked sent: it has left
    engine.store.mark_sent(mine, engine.clock.now())
    engine.outbox_claims.release(mine)
    with pytest.raises(ActionRefused) as refused:
        engine.undo(token)
    assert refused.value.kind == RefusalKind.UNDO_SENT
    assert engine.state(busy).capacity == 2


def test_undoing_a_walk_in_over_capacity_takes_the_extra_spot_back(engine, busy):
    _, token = engine.with_undo(
        busy, "signup", lambda: engine.sign_up_by_hand(busy, "walk9", over_capacity=True)
    )
    assert (engine.state(busy).capacity, signed(engine, busy)) == (2, ["v1", "walk9"])
    engine.undo(token)
    assert (engine.state(busy).capacity, signed(engine, busy)) == (1, ["v1"])
    assert engine.state(busy).waitlist() == ["w1", "w2"]
