"""Spot-rule scenarios of CONTRACT.md, driven through the engine on a real SQLite file."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from core import messages as m
from core.engine import ActionRefused, Engine
from core.kinds import RefusalKind
from core.storage import Store
from tests.helpers.asyncapi import SEED
from tests.helpers.console import (
    CANCELLED,
    CLOSED,
    NOT_SELECTED,
    OFFERED,
    REMOVED,
    SIGNED,
    Console,
)


def refused(action: Any) -> str:
    with pytest.raises(ActionRefused) as info:
        action()
    return str(info.value)


# ---- signing up and the waitlist -----------------------------------------------------


def test_two_spots_three_volunteers_third_is_waitlisted(c: Console) -> None:
    c.create(2)
    assert c.sent() == [c.created(2)]
    c.accept(701, 702, 703)
    assert c.sent() == [c.note(701, SIGNED), c.note(702, SIGNED), c.waits(703, 1)]
    assert c.roster() == ["701", "702"]
    assert c.waitlist() == ["703"]
    assert c.counts() == (2, 0, 0)


@pytest.mark.parametrize(
    ("vid", "status"),
    [(701, "accepted"), (799, "declined")],
    ids=["accepted again by a signed-up volunteer", "declined by one not signed up"],
)
def test_a_response_that_changes_nothing_sends_nothing(c: Console, vid: int, status: str) -> None:
    c.create(2)
    c.accept(701)
    c.sent()
    assert c.respond(vid, status).outcome == "applied"
    assert c.sent() == []
    assert c.roster() == ["701"]
    assert c.counts() == (1, 0, 1)


def test_repeated_waitlist_request_changes_nothing_and_sends_nothing(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    c.accept(702)
    assert c.sent() == []
    assert c.waitlist() == ["702"]


def test_waitlist_is_ordered_by_response_time_then_arrival(c: Console) -> None:
    c.clock.set(datetime(2026, 3, 2, 8, 59))  # published before the responses' own times
    c.create(1)
    c.clock.set(datetime(2026, 3, 2, 9, 0))
    c.sent()
    c.accept(701)

    def at(vid: int, ts: str) -> dict[str, Any]:
        return {
            "action": "volunteer_response",
            "data": {
                "volunteer_id": vid,
                "volunteer_application_id": int(c.app),
                "status": "accepted",
                "timestamp": ts,
            },
        }

    c.deliver(at(702, "2026-03-02T08:59:30"))
    c.deliver(at(703, "2026-03-02T08:59:10"))  # answered earlier, arrived later
    c.deliver(at(704, "2026-03-02T08:59:10"))  # same time as 703, arrived after it
    assert c.waitlist() == ["703", "704", "702"]
    assert c.sent() == [c.note(701, SIGNED), c.waits(702, 1), c.waits(703, 1), c.waits(704, 2)]


def test_decline_from_a_waitlisted_volunteer_leaves_the_waitlist(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.sent()
    c.decline(702)
    assert c.sent() == []
    assert c.waitlist() == ["703"]
    assert c.counts() == (1, 0, 0)


def test_withdrawal_with_empty_waitlist_frees_the_spot(c: Console) -> None:
    c.create(2)
    c.accept(701, 702)
    c.sent()
    c.decline(701)
    assert c.sent() == []
    assert c.counts() == (1, 0, 1)
    c.accept(703)
    assert c.sent() == [c.note(703, SIGNED)]


# ---- the broadcast round -------------------------------------------------------------


def test_withdrawal_offers_the_spot_to_the_whole_waitlist_first_claim_wins(c: Console) -> None:
    c.create(2)
    c.accept(701, 702, 703, 704, 705)
    c.sent()
    c.decline(701)
    assert c.sent() == [
        c.free_spot(1, [703, 704, 705]),
        c.note(703, OFFERED),
        c.note(704, OFFERED),
        c.note(705, OFFERED),
    ]
    assert c.counts() == (1, 1, 0)
    c.accept(705)  # last in line, first to claim
    assert c.sent() == [c.note(705, SIGNED), c.note(703, NOT_SELECTED), c.note(704, NOT_SELECTED)]
    assert c.roster() == ["702", "705"]
    assert c.waitlist() == ["703", "704"]
    assert c.counts() == (2, 0, 0)
    assert c.offers() == {}


def test_claim_after_the_round_closed_joins_the_waitlist_again_silently(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.decline(701)
    c.accept(702)
    c.sent()
    c.accept(703)  # too late: the spot went to 702, and 703 is already waiting
    assert c.sent() == []
    assert c.roster() == ["702"]
    assert c.waitlist() == ["703"]
    assert c.counts() == (1, 0, 0)


def test_volunteer_joining_the_waitlist_while_a_round_is_open_is_offered(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.decline(701)
    c.sent()
    c.accept(703)
    assert c.sent() == [c.waits(703, 2), c.note(703, OFFERED)]
    c.accept(703)  # the newcomer claims first
    assert c.sent() == [c.note(703, SIGNED), c.note(702, NOT_SELECTED)]
    assert c.roster() == ["703"]
    assert c.waitlist() == ["702"]


def test_every_offered_volunteer_withdraws_round_closes_and_the_spot_is_free(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.decline(702)
    assert c.counts() == (0, 1, 0)
    c.decline(703)
    assert c.sent() == []
    assert c.counts() == (0, 0, 1)
    assert c.waitlist() == []
    c.accept(704)
    assert c.sent() == [c.note(704, SIGNED)]


def test_further_freed_spot_adds_to_held_resends_offer_and_extends_deadline(c: Console) -> None:
    c.create(2)
    c.accept(701, 702, 703, 704)
    c.decline(701)
    first_deadline = c.engine.next_deadline()
    c.sent()
    c.clock.advance(minutes=10)
    c.decline(702)
    # offers already open are not repeated; the round's announcement is, with the new count
    assert c.sent() == [c.free_spot(2, [703, 704])]
    assert c.counts() == (0, 2, 0)
    deadline = c.engine.next_deadline()
    assert first_deadline is not None and deadline is not None
    assert (deadline - first_deadline).total_seconds() == 600
    c.accept(704, 703)
    assert c.sent() == [c.note(704, SIGNED), c.note(703, SIGNED)]
    assert c.counts() == (2, 0, 0)


def test_round_never_holds_more_spots_than_volunteers_offered(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    c.engine.set_capacity(c.app, 4)  # three spots free up, one volunteer waits
    assert c.sent() == [c.free_spot(1, [702]), c.note(702, OFFERED), c.updated(4, "open")]
    assert c.counts() == (1, 1, 2)
    c.accept(703)  # a newcomer takes a free spot instead of waiting behind an idle hold
    assert c.sent() == [c.note(703, SIGNED)]
    assert c.counts() == (2, 1, 1)


def test_withdrawal_of_an_offered_volunteer_gives_back_a_surplus_held_spot(c: Console) -> None:
    c.create(2)
    c.accept(701, 702, 703, 704)
    c.decline(701)
    c.decline(702)
    c.sent()
    assert c.counts() == (0, 2, 0)
    c.decline(703)
    assert c.sent() == []
    assert c.counts() == (0, 1, 1)
    assert c.offers() == {"703": "withdrawn", "704": "open"}


def test_broadcast_offer_expires_on_the_clock(c: Console) -> None:
    c.create(1, timeout_min=30)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.clock.advance(minutes=29, seconds=59)
    assert c.engine.tick() == 0
    assert c.sent() == []
    c.clock.advance(seconds=1)
    assert c.engine.tick() == 1
    assert c.sent() == [c.note(702, NOT_SELECTED), c.note(703, NOT_SELECTED)]
    assert c.counts() == (0, 1, 0)  # unclaimed: the spot stays held for the waitlist
    assert c.waitlist() == ["702", "703"]
    assert c.engine.next_deadline() is None
    assert c.engine.tick() == 0


def test_expired_offer_is_applied_before_a_late_claim(c: Console) -> None:
    c.create(1, timeout_min=30)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.clock.advance(minutes=31)
    c.accept(703)  # no tick ran yet; the response itself applies the deadline first
    assert c.sent() == [
        c.note(702, NOT_SELECTED),
        c.note(703, NOT_SELECTED),
        c.note(703, SIGNED),
    ]
    assert c.roster() == ["703"]
    assert c.waitlist() == ["702"]


# ---- the other policies --------------------------------------------------------------


def test_auto_policy_promotes_the_first_in_line(c: Console) -> None:
    c.create(1, policy="auto")
    c.accept(701, 702, 703)
    c.sent()
    c.decline(701)
    assert c.sent() == [c.note(702, SIGNED)]
    assert c.roster() == ["702"]
    assert c.waitlist() == ["703"]
    assert c.counts() == (1, 0, 0)
    assert c.engine.next_deadline() is None


def test_auto_policy_capacity_raised_beyond_the_waitlist(c: Console) -> None:
    c.create(1, policy="auto")
    c.accept(701, 702)
    c.sent()
    c.engine.set_capacity(c.app, 3)
    assert c.sent() == [c.note(702, SIGNED), c.updated(3, "open")]
    assert c.counts() == (2, 0, 1)


def test_timed_policy_passes_the_offer_down_the_line_and_closes_when_nobody_is_left(
    c: Console,
) -> None:
    c.create(1, policy="timed", timeout_min=10)
    c.accept(701, 702, 703)
    c.sent()
    c.decline(701)
    assert c.sent() == [c.free_spot(1, [702]), c.note(702, OFFERED)]
    assert c.counts() == (0, 1, 0)
    c.clock.advance(minutes=10)
    assert c.engine.tick() == 1
    assert c.sent() == [c.note(702, NOT_SELECTED), c.free_spot(1, [703]), c.note(703, OFFERED)]
    assert c.offers() == {"702": "passed", "703": "open"}
    c.accept(702)  # 702's turn has passed: it just stays waiting
    assert c.sent() == []
    c.clock.advance(minutes=10)
    assert c.engine.tick() == 1
    assert c.sent() == [c.note(703, NOT_SELECTED)]
    assert c.counts() == (0, 1, 0)  # down the whole line unclaimed: held for the waitlist
    assert c.waitlist() == ["702", "703"]
    assert c.engine.next_deadline() is None


def test_timed_policy_claim_within_the_turn_signs_up(c: Console) -> None:
    c.create(1, policy="timed", timeout_min=10)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.accept(703)  # not 703's turn: already waiting, nothing changes
    assert c.sent() == []
    c.accept(702)
    assert c.sent() == [c.note(702, SIGNED)]
    assert c.roster() == ["702"]
    assert c.waitlist() == ["703"]
    assert c.counts() == (1, 0, 0)


def test_timed_policy_offered_volunteer_withdraws_offer_passes_on(c: Console) -> None:
    c.create(1, policy="timed", timeout_min=10)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.decline(702)
    assert c.sent() == [c.free_spot(1, [703]), c.note(703, OFFERED)]
    c.decline(703)
    assert c.sent() == []
    assert c.counts() == (0, 0, 1)


# ---- capacity ------------------------------------------------------------------------


def test_capacity_raised_opens_a_round_for_the_waitlist(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.sent()
    c.engine.set_capacity(c.app, 2)
    assert c.sent() == [
        c.free_spot(1, [702, 703]),
        c.note(702, OFFERED),
        c.note(703, OFFERED),
        c.updated(2, "open"),
    ]
    assert c.counts() == (1, 1, 0)


def test_capacity_lowered_takes_free_spots_first_then_held_ones(c: Console) -> None:
    c.create(5)
    c.accept(701, 702, 703)
    c.sent()
    c.engine.set_capacity(c.app, 4)
    assert c.sent() == [c.updated(4, "open")]
    assert c.counts() == (3, 0, 1)
    c.engine.set_capacity(c.app, 3)
    c.accept(704, 705)
    c.decline(701)
    c.decline(702)
    c.sent()
    assert c.counts() == (1, 2, 0)
    c.engine.set_capacity(c.app, 2)  # one held spot vanishes, one stays on offer
    assert c.sent() == [c.updated(2, "open")]
    assert c.counts() == (1, 1, 0)
    c.engine.set_capacity(c.app, 1)  # the last held spot vanishes: the round ends
    assert c.sent() == [c.note(704, NOT_SELECTED), c.note(705, NOT_SELECTED), c.updated(1, "open")]
    assert c.counts() == (1, 0, 0)
    assert c.waitlist() == ["704", "705"]


def test_capacity_below_the_signed_up_count_is_refused_with_a_reason(c: Console) -> None:
    c.create(3)
    c.accept(701, 702, 703)
    c.sent()
    reason = refused(lambda: c.engine.set_capacity(c.app, 2))
    assert reason == (
        "cannot lower capacity to 2: 3 volunteers are signed up; remove volunteers first"
    )
    assert c.sent() == []
    assert c.counts() == (3, 0, 0)


# ---- coordinator actions -------------------------------------------------------------


def test_remove_signed_up_volunteer_frees_a_spot_for_the_waitlist(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    c.engine.remove_volunteer(c.app, "701")
    assert c.sent() == [c.note(701, REMOVED), c.free_spot(1, [702]), c.note(702, OFFERED)]
    assert c.roster() == []
    assert c.counts() == (0, 1, 0)


def test_remove_waitlisted_volunteer(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.sent()
    c.engine.remove_volunteer(c.app, "702")
    assert c.sent() == [c.note(702, REMOVED)]
    assert c.waitlist() == ["703"]
    assert refused(lambda: c.engine.remove_volunteer(c.app, "702")) == (
        "volunteer 702 is neither signed up nor waiting"
    )


def test_remove_the_only_offered_volunteer_ends_the_round(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.decline(701)
    c.sent()
    c.engine.remove_volunteer(c.app, "702")
    assert c.sent() == [c.note(702, REMOVED)]
    assert c.counts() == (0, 0, 1)


def test_promote_into_a_free_spot(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.decline(701)
    c.clock.advance(minutes=31)
    c.engine.tick()
    c.engine.release(c.app)  # the unclaimed spot, held for the waitlist, is given to newcomers
    c.sent()
    assert c.counts() == (0, 0, 1)
    c.engine.promote(c.app, "702")
    assert c.sent() == [c.note(702, SIGNED)]
    assert c.roster() == ["702"]
    assert c.counts() == (1, 0, 0)


def test_promote_into_a_held_spot_ends_the_round(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.engine.promote(c.app, "703")
    assert c.sent() == [c.note(703, SIGNED), c.note(702, NOT_SELECTED)]
    assert c.roster() == ["703"]
    assert c.waitlist() == ["702"]
    assert c.counts() == (1, 0, 0)


def test_promote_an_unoffered_volunteer_into_a_held_timed_spot(c: Console) -> None:
    c.create(1, policy="timed")
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.engine.promote(c.app, "703")
    assert c.sent() == [c.note(703, SIGNED), c.note(702, NOT_SELECTED)]
    assert c.counts() == (1, 0, 0)


def test_promote_is_refused_without_a_spot_or_a_waitlisted_volunteer(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    assert refused(lambda: c.engine.promote(c.app, "702")) == (
        "no free spot: raise the capacity first"
    )
    assert refused(lambda: c.engine.promote(c.app, "701")) == "volunteer 701 is not on the waitlist"
    assert c.sent() == []
    assert c.counts() == (1, 0, 0)
    assert c.waitlist() == ["702"]


def test_close_tells_open_offers_and_later_responses_get_closed(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.decline(701)
    c.sent()
    c.engine.close(c.app)
    assert c.sent() == [c.note(702, NOT_SELECTED), c.updated(1, "closed")]
    assert c.counts() == (0, 0, 1)
    c.accept(703)
    c.decline(702)
    assert c.sent() == [c.note(703, CLOSED), c.note(702, CLOSED)]
    assert c.waitlist() == ["702"]
    assert c.status() == "closed"


def test_reopen_offers_free_spots_to_the_waitlist(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.engine.close(c.app)
    c.engine.remove_volunteer(c.app, "701")  # while closed, the spot just becomes free
    c.sent()
    assert c.counts() == (0, 0, 1)
    c.engine.reopen(c.app)
    assert c.sent() == [c.updated(1, "open"), c.free_spot(1, [702]), c.note(702, OFFERED)]
    assert c.status() == "open"
    assert refused(lambda: c.engine.reopen(c.app)) == (
        "only a closed application can be reopened; this one is open"
    )


def test_cancel_tells_everyone_and_publishes_the_cancellation(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.sent()
    c.engine.cancel(c.app)
    assert c.sent() == [
        c.cancelled(),
        c.note(701, CANCELLED),
        c.note(702, CANCELLED),
        c.note(703, CANCELLED),
    ]
    assert c.status() == "cancelled"
    c.accept(704)
    c.decline(701)
    assert c.sent() == [c.note(704, CANCELLED), c.note(701, CANCELLED)]


def test_cancel_during_an_open_round_sends_no_not_selected(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    c.engine.cancel(c.app)
    assert c.sent() == [c.cancelled(), c.note(702, CANCELLED), c.note(703, CANCELLED)]
    assert c.engine.next_deadline() is None
    assert refused(lambda: c.engine.cancel(c.app)) == "the application is already cancelled"
    assert refused(lambda: c.engine.set_capacity(c.app, 3)) == "the application is cancelled"


def test_cancel_a_draft_publishes_nothing(c: Console) -> None:
    c.create(1, publish=False)
    assert c.sent() == []
    c.engine.cancel(c.app)
    assert c.sent() == []
    assert c.status() == "cancelled"


def test_draft_application_rejects_responses_until_published(c: Console) -> None:
    c.create(1, publish=False)
    result = c.respond(701)
    assert (result.outcome, result.reason) == (
        "rejected",
        f"application {c.app} is not published yet",
    )
    assert c.sent() == []
    c.engine.publish(c.app)
    assert c.sent() == [c.created(1)]
    c.accept(701)
    assert c.sent() == [c.note(701, SIGNED)]


def test_response_to_an_unknown_application_is_rejected(c: Console) -> None:
    c.create(1)
    c.sent()
    result = c.respond(701, app=999)
    assert (result.outcome, result.reason) == ("rejected", "unknown application 999")
    assert c.sent() == []


def test_duplicate_delivery_changes_nothing_and_emits_nothing(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    first = c.respond(701, "declined", mid="dup-1")
    sent = c.sent()
    assert first.outcome == "applied"
    assert sent == [c.free_spot(1, [702]), c.note(702, OFFERED)]
    again = c.respond(701, "declined", mid="dup-1")
    assert (again.outcome, again.message_id) == ("duplicate", "dup-1")
    assert c.sent() == []
    assert c.counts() == (0, 1, 0)


def test_own_console_messages_are_ignored(c: Console) -> None:
    c.create(1)
    c.sent()
    body = {"user_id": 701, "application_id": int(c.app), "timestamp": "2026-03-02T09:00:00"}
    result = c.deliver(body, exchange=m.WAITING_EXCHANGE, app_id=c.engine.console_app_id)
    assert (result.outcome, result.reason) == ("ignored", "published by this fund's console")
    assert c.sent() == []
    assert c.roster() == []


def test_peer_create_announcement_is_ignored(c: Console) -> None:
    c.create(1)
    c.sent()
    with open(SEED / "type1_create_volunteer_application.json", "rb") as fh:
        body = fh.read()
    result = c.deliver(body, exchange=m.WAITING_EXCHANGE, app_id="volunteer-console/fund-999")
    assert result.outcome == "ignored"
    assert result.reason == (
        "create_volunteer_application is published by consoles, not answered by one"
    )
    assert c.sent() == []


# ---- waitlist requests on queue 1 ----------------------------------------------------


def _envelope(c: Console, vid: int) -> dict[str, Any]:
    return {
        "action": "volunteer_waiting",
        "data": {"volunteer_id": vid, "volunteer_application_id": int(c.app), "status": "waiting"},
    }


def test_waitlist_request_type3_envelope_is_an_accepted_response(c: Console) -> None:
    c.create(1)
    c.sent()
    assert c.wait_request(_envelope(c, 701)).outcome == "applied"
    assert c.wait_request(_envelope(c, 702)).outcome == "applied"
    assert c.sent() == [c.note(701, SIGNED), c.waits(702, 1)]


def test_waitlist_request_flat_queue1_shape_is_an_accepted_response(c: Console) -> None:
    c.create(1)
    c.sent()
    for vid in (701, 702):
        body = {"user_id": vid, "application_id": c.app, "timestamp": "2026-03-02T09:00:00"}
        assert c.wait_request(body).outcome == "applied"
    assert c.sent() == [c.note(701, SIGNED), c.waits(702, 1)]


def test_waitlist_request_with_both_field_sets_agreeing_is_accepted(c: Console) -> None:
    c.create(1)
    c.sent()
    body = {**_envelope(c, 701), "user_id": 701, "application_id": c.app}
    assert c.wait_request(body).outcome == "applied"
    assert c.sent() == [c.note(701, SIGNED)]


def test_waitlist_request_with_disagreeing_fields_is_rejected(c: Console) -> None:
    c.create(1)
    c.sent()
    body = {**_envelope(c, 701), "user_id": 702, "application_id": int(c.app)}
    result = c.wait_request(body)
    assert (result.outcome, result.reason) == (
        "rejected",
        "user_id 702 disagrees with data.volunteer_id '701'",
    )
    body = {**_envelope(c, 701), "user_id": 701, "application_id": 5}
    result = c.wait_request(body)
    assert (result.outcome, result.reason) == (
        "rejected",
        f"application_id 5 disagrees with data.volunteer_application_id '{c.app}'",
    )
    assert c.sent() == []
    assert c.roster() == []


# ---- who acted, as the activity feed records it ------------------------------------------


def _feed(c: Console) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    """(actor, kind, volunteer, params) of every activity entry since the application began."""
    rows = c.engine.store.conn.execute(
        "SELECT actor, kind, volunteer_id, params FROM activity WHERE application_id = ?"
        " ORDER BY id",
        (c.app,),
    ).fetchall()
    return [(a, k, v, json.loads(p)) for a, k, v, p in rows]


def test_promoting_an_offered_volunteer_is_logged_as_the_coordinators_act(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    c.decline(701)
    c.sent()
    start = len(_feed(c))
    c.engine.promote(c.app, "702")  # 702 holds an offer: the coordinator gives it to them
    assert c.sent() == [c.note(702, SIGNED), c.note(703, NOT_SELECTED)]
    assert _feed(c)[start:] == [
        ("coordinator", "promoted", "702", {"into": "offer"}),
        ("coordinator", "not_selected", "703", {"reason": "all_claimed"}),
        ("coordinator", "round_closed", None, {"reason": "all_claimed", "released": 0, "kept": 0}),
    ]


def test_a_volunteers_own_claim_is_logged_as_theirs(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.decline(701)
    start = len(_feed(c))
    c.accept(702)
    assert _feed(c)[start:] == [
        ("volunteer 702", "claimed", "702", {}),
        (
            "volunteer 702",
            "round_closed",
            None,
            {"reason": "all_claimed", "released": 0, "kept": 0},
        ),
    ]


def test_each_way_into_the_roster_has_its_own_kind(c: Console) -> None:
    c.create(1, policy="auto")
    c.accept(701, 702, 703)
    c.decline(701)  # auto: 702 moves up
    c.engine.set_capacity(c.app, 3)  # one more spot: auto again, to 703
    c.accept(704)  # a free spot is left
    signups = [(a, k, v, p) for a, k, v, p in _feed(c) if v and k not in ("waitlisted", "withdrew")]
    assert signups == [
        ("volunteer 701", "signed_up", "701", {}),
        ("volunteer 701", "promoted_auto", "702", {}),
        ("coordinator", "promoted_auto", "703", {}),
        ("volunteer 704", "signed_up", "704", {}),
    ]


def test_refusals_carry_a_kind_and_parameters(c: Console) -> None:
    c.create(1)
    c.accept(701)
    with pytest.raises(ActionRefused) as info:
        c.engine.set_capacity(c.app, 0)
    assert (info.value.kind, dict(info.value.refusal.params)) == (
        RefusalKind.CAPACITY_RANGE,
        {"max": 10_000},
    )
    with pytest.raises(ActionRefused) as info:
        c.engine.promote(c.app, "799")
    assert (info.value.kind, dict(info.value.refusal.params)) == (
        RefusalKind.NOT_WAITING,
        {"volunteer": "799"},
    )
    assert str(info.value) == "volunteer 799 is not on the waitlist"


# ---- no queue-skipping: a standing hold ----------------------------------------------------


def _expired_round(c: Console, *, spots: int = 1, waiting: tuple[int, ...] = (702, 703)) -> None:
    """A broadcast round offered to `waiting` that nobody claimed before it expired."""
    c.create(spots)
    c.accept(*range(701, 701 + spots), *waiting)
    for vid in range(701, 701 + spots):
        c.decline(vid)
    c.clock.advance(minutes=31)
    c.engine.tick()
    c.sent()


def test_unclaimed_spot_stays_held_a_newcomer_queues_behind_the_waitlist(c: Console) -> None:
    _expired_round(c)
    assert c.counts() == (0, 1, 0)
    c.accept(704)  # a newcomer: no free spot, joins the waitlist behind 702 and 703
    assert c.sent() == [c.waits(704, 3)]
    assert c.roster() == []
    c.accept(703)  # anyone already waiting takes the held spot
    assert c.sent() == [c.note(703, SIGNED)]
    assert c.roster() == ["703"]
    assert c.waitlist() == ["702", "704"]
    assert c.counts() == (1, 0, 0)


def test_standing_hold_is_shown_with_when_it_began(c: Console) -> None:
    _expired_round(c)
    st = c.engine.state(c.app)
    assert st is not None
    assert (st.standing, st.standing_since) == (1, c.clock.now())
    assert st.round is None


def test_reoffer_opens_a_new_round_for_the_whole_waitlist(c: Console) -> None:
    _expired_round(c)
    c.engine.reoffer(c.app)
    assert c.sent() == [
        c.free_spot(1, [702, 703]),
        c.note(702, OFFERED),
        c.note(703, OFFERED),
    ]
    assert c.counts() == (0, 1, 0)
    assert c.offers() == {"702": "open", "703": "open"}
    c.accept(703)
    assert c.sent() == [c.note(703, SIGNED), c.note(702, NOT_SELECTED)]


def test_release_gives_the_held_spot_to_newcomers(c: Console) -> None:
    _expired_round(c)
    c.engine.release(c.app)
    assert c.sent() == []
    assert c.counts() == (0, 0, 1)
    c.accept(704)
    assert c.sent() == [c.note(704, SIGNED)]


def test_reoffer_and_release_are_refused_when_nothing_is_held(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    assert refused(lambda: c.engine.reoffer(c.app)) == (
        "no spot is held unclaimed for the waitlist"
    )
    assert refused(lambda: c.engine.release(c.app)) == (
        "no spot is held unclaimed for the waitlist"
    )


def test_a_timed_round_that_passed_down_the_whole_line_keeps_the_spot_held(c: Console) -> None:
    c.create(1, policy="timed", timeout_min=10)
    c.accept(701, 702, 703)
    c.decline(701)
    c.clock.advance(minutes=10)
    c.engine.tick()
    c.clock.advance(minutes=10)
    c.engine.tick()
    c.sent()
    assert c.counts() == (0, 1, 0)
    c.accept(705)
    assert c.sent() == [c.waits(705, 3)]
    c.accept(702)  # its turn has passed, but it is waiting: the held spot is its
    assert c.sent() == [c.note(702, SIGNED)]
    assert c.counts() == (1, 0, 0)


def test_held_spots_never_outnumber_the_people_waiting(c: Console) -> None:
    _expired_round(c, spots=2, waiting=(703, 704))
    assert c.counts() == (0, 2, 0)
    c.decline(703)  # one fewer waiting: one held spot is held for nobody, so it is free
    assert c.sent() == []
    assert c.counts() == (0, 1, 1)
    c.accept(705)  # takes the free spot
    assert c.sent() == [c.note(705, SIGNED)]
    c.engine.remove_volunteer(c.app, "704")  # nobody waiting: the last held spot frees
    assert c.counts() == (1, 0, 1)


def test_a_spot_freeing_during_a_standing_hold_opens_a_round_for_both(c: Console) -> None:
    c.create(2)
    c.accept(701, 702, 703, 704)
    c.decline(701)
    c.clock.advance(minutes=31)
    c.engine.tick()
    c.sent()
    assert c.counts() == (1, 1, 0)
    c.decline(702)  # a second spot frees: one new round offers it and the held one
    assert c.sent() == [c.free_spot(2, [703, 704]), c.note(703, OFFERED), c.note(704, OFFERED)]
    st = c.engine.state(c.app)
    assert st is not None and (st.standing, st.round is not None) == (0, True)
    assert c.counts() == (0, 2, 0)


def test_close_frees_a_standing_hold(c: Console) -> None:
    _expired_round(c)
    c.engine.close(c.app)
    assert c.counts() == (0, 0, 1)
    assert c.sent() == [c.updated(1, "closed")]


def test_promote_takes_a_held_spot(c: Console) -> None:
    _expired_round(c)
    c.engine.promote(c.app, "703")
    assert c.sent() == [c.note(703, SIGNED)]
    assert c.counts() == (1, 0, 0)


def test_capacity_lowered_takes_the_standing_hold_first(c: Console) -> None:
    _expired_round(c, spots=2, waiting=(703, 704))
    c.engine.set_capacity(c.app, 1)
    assert c.counts() == (0, 1, 0)
    assert c.sent() == [c.updated(1, "open")]


def test_a_standing_hold_can_be_released_automatically_after_a_delay(c: Console) -> None:
    c.create(1)
    c.engine.set_release_after(c.app, 15)  # off by default
    c.accept(701, 702)
    c.decline(701)
    c.clock.advance(minutes=30)
    assert c.engine.tick() == 1
    assert c.counts() == (0, 1, 0)
    assert c.engine.next_deadline() == c.clock.now() + timedelta(minutes=15)
    c.clock.advance(minutes=14, seconds=59)
    assert c.engine.tick() == 0
    c.clock.advance(seconds=1)
    assert c.engine.tick() == 1
    assert c.counts() == (0, 0, 1)
    assert c.engine.next_deadline() is None
    c.sent()
    c.accept(703)
    assert c.sent() == [c.note(703, SIGNED)]


def test_a_sender_cannot_queue_ahead_by_claiming_an_early_time(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)  # 702 answered at 09:00 and waits
    c.clock.advance(minutes=5)

    def at(vid: int, ts: str) -> dict[str, Any]:
        return {
            "action": "volunteer_response",
            "data": {
                "volunteer_id": vid,
                "volunteer_application_id": int(c.app),
                "status": "accepted",
                "timestamp": ts,
            },
        }

    c.sent()
    c.deliver(at(703, "0001-01-01T00:00:00"))  # before publication: counts as publication
    c.deliver(at(704, "2099-01-01T00:00:00"))  # after receipt: counts as receipt
    c.deliver(at(705, "2026-03-02T09:02:00"))  # within the interval: its own time
    assert c.waitlist() == ["702", "703", "705", "704"]
    assert c.sent() == [c.waits(703, 2), c.waits(704, 3), c.waits(705, 3)]
    st = c.engine.state(c.app)
    assert st is not None
    assert st.participants["703"].responded_at == datetime(2026, 3, 2, 9, 0)
    assert st.participants["704"].responded_at == datetime(2026, 3, 2, 9, 5)


# ---- coordinator operations: by hand, duplicate, delete ------------------------------------


def test_a_walk_in_takes_a_free_spot_and_is_told(c: Console) -> None:
    c.create(2)
    c.accept(701)
    c.sent()
    c.engine.sign_up_by_hand(c.app, "walk-in-1")
    assert c.sent() == [c.note("walk-in-1", SIGNED)]
    assert c.roster() == ["701", "walk-in-1"]
    assert _feed(c)[-1] == (
        "coordinator",
        "signed_by_hand",
        "walk-in-1",
        {"over_capacity": False},
    )
    assert refused(lambda: c.engine.sign_up_by_hand(c.app, "701")) == (
        "volunteer 701 is already signed up"
    )


def test_a_walk_in_over_capacity_only_when_asked_and_it_is_logged(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    assert refused(lambda: c.engine.sign_up_by_hand(c.app, "phone-1")) == (
        "no free spot: sign them up over capacity explicitly, or raise the capacity"
    )
    c.engine.sign_up_by_hand(c.app, "phone-1", over_capacity=True)
    # straight to them: the new spot is not offered to the waitlist
    assert c.sent() == [c.note("phone-1", SIGNED), c.updated(2, "open")]
    assert c.counts() == (2, 0, 0)
    assert c.waitlist() == ["702"]
    assert _feed(c)[-2:] == [
        ("coordinator", "capacity_changed", None, {"old": 1, "new": 2}),
        ("coordinator", "signed_by_hand", "phone-1", {"over_capacity": True}),
    ]


def test_a_waitlisted_volunteer_signed_up_by_hand_is_promoted(c: Console) -> None:
    c.create(1)
    c.accept(701, 702)
    c.sent()
    c.engine.sign_up_by_hand(c.app, "702", over_capacity=True)
    assert c.sent() == [c.note(702, SIGNED), c.updated(2, "open")]
    assert c.waitlist() == []
    assert c.counts() == (2, 0, 0)


def test_duplicate_makes_a_draft_with_the_same_fields(c: Console) -> None:
    c.create(3, policy="timed", timeout_min=45)
    c.accept(701)
    c.sent()
    copy = c.engine.duplicate_application(c.app, day=date(2026, 3, 17))
    assert c.sent() == []  # a draft: nothing is announced until it is published
    a, b = c.engine.state(c.app), c.engine.state(copy)
    assert a is not None and b is not None
    assert (b.status, b.date, b.signed_count) == ("draft", date(2026, 3, 17), 0)
    same = ("name", "description", "start", "end", "capacity", "policy", "offer_timeout_s")
    assert [getattr(b, f) for f in same] == [getattr(a, f) for f in same]
    with pytest.raises(ActionRefused) as info:
        c.engine.duplicate_application(c.app, day=date(2026, 3, 1))
    assert info.value.kind == RefusalKind.INVALID_FORM


def test_delete_removes_a_draft_and_refuses_anything_published(c: Console) -> None:
    draft = c.create(1, publish=False)
    c.engine.delete_draft(draft)
    assert c.engine.state(draft) is None
    assert c.engine.store.conn.execute(
        "SELECT COUNT(*) FROM activity WHERE application_id = ?", (draft,)
    ).fetchone() == (0,)
    assert c.sent() == []
    live = c.create(1)
    assert refused(lambda: c.engine.delete_draft(live)) == (
        "only a draft can be deleted; this one is open (cancel it instead)"
    )
    assert refused(lambda: c.engine.delete_draft(draft)) == f"no application {draft}"


def test_offer_a_held_spot_to_one_chosen_volunteer(c: Console) -> None:
    _expired_round(c, waiting=(702, 703, 704))
    c.engine.offer_to(c.app, "704")
    assert c.sent() == [c.free_spot(1, [704]), c.note(704, OFFERED)]
    assert c.offers() == {"704": "open"}
    assert c.counts() == (0, 1, 0)
    c.accept(704)
    assert c.sent() == [c.note(704, SIGNED)]
    assert c.counts() == (1, 0, 0)


def test_a_chosen_offer_unclaimed_passes_down_the_line(c: Console) -> None:
    _expired_round(c, waiting=(702, 703))
    c.engine.offer_to(c.app, "703")
    c.sent()
    c.clock.advance(minutes=30)
    c.engine.tick()
    assert c.sent() == [c.note(703, NOT_SELECTED), c.free_spot(1, [702]), c.note(702, OFFERED)]


def test_a_chosen_offer_is_refused_while_a_round_is_open_or_without_a_spot(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703)
    assert refused(lambda: c.engine.offer_to(c.app, "703")) == (
        "no free spot: raise the capacity first"
    )
    c.decline(701)
    assert refused(lambda: c.engine.offer_to(c.app, "703")) == (
        "an offer round is open: let it end first, or promote the volunteer"
    )
    assert refused(lambda: c.engine.offer_to(c.app, "799")) == (
        "volunteer 799 is not on the waitlist"
    )


def test_move_on_the_waitlist_keeps_the_rest_in_order_and_logs_the_reason(c: Console) -> None:
    c.create(1)
    c.accept(701, 702, 703, 704, 705)
    c.sent()
    c.engine.move_on_waitlist(c.app, "705", 1, "called ahead on Monday")
    assert c.waitlist() == ["705", "702", "703", "704"]
    assert c.sent() == []  # positions are not announced again
    c.engine.move_on_waitlist(c.app, "702", 4, "asked to go last")
    assert c.waitlist() == ["705", "703", "704", "702"]
    c.engine.move_on_waitlist(c.app, "704", 2, "rota")
    assert c.waitlist() == ["705", "704", "703", "702"]
    assert _feed(c)[-1] == (
        "coordinator",
        "moved",
        "704",
        {"old": 3, "new": 2, "reason": "rota"},
    )
    c.accept(706)  # a newcomer still joins at the end
    assert c.waitlist() == ["705", "704", "703", "702", "706"]
    # a fresh process reads back the same order
    fresh = Engine(Store(c.engine.store.path), c.fund, c.clock)
    reloaded = fresh.state(c.app)
    assert reloaded is not None and reloaded.waitlist() == c.waitlist()
    assert refused(lambda: c.engine.move_on_waitlist(c.app, "703", 1, " ")) == (
        "say why the volunteer is moved"
    )
    assert refused(lambda: c.engine.move_on_waitlist(c.app, "703", 9, "x")) == (
        "the position must be between 1 and 5"
    )
