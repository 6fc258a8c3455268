"""A test driver for the rules: delivers volunteer messages, runs coordinator actions."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest

from core import messages as m
from core.clock import ManualClock
from core.engine import ActionRefused, ApplicationForm, Delivery, Engine, Result
from core.kinds import RefusalKind
from core.storage import OutboxRow

SIGNED = m.STATUS_SIGNED_UP
OFFERED = m.STATUS_SPOT_AVAILABLE
NOT_SELECTED = m.STATUS_NOT_SELECTED
REMOVED = m.STATUS_REMOVED
CANCELLED = m.STATUS_CANCELLED
CLOSED = m.STATUS_CLOSED


class Console:
    """A test driver: delivers volunteer messages, runs coordinator actions, reads results."""

    def __init__(self, engine: Engine, clock: ManualClock) -> None:
        self.engine = engine
        self.clock = clock
        self.fund = engine.fund_id
        self.app = ""
        self._seq = 0

    # -- setting up ---------------------------------------------------------------------
    def create(
        self,
        spots: int = 2,
        *,
        policy: str = "broadcast",
        timeout_min: int = 30,
        publish: bool = True,
        release_unconfirmed: bool = False,
    ) -> str:
        form = ApplicationForm(
            name="Уборка парка",
            day=date(2026, 3, 10),
            start=time(14, 0),
            end=time(18, 0),
            spots=spots,
            description="Помощь в уборке территории парка",
            policy=policy,  # type: ignore[arg-type]
            offer_timeout_min=timeout_min,
            release_unconfirmed=release_unconfirmed,
        )
        self.app = self.engine.create_application(form, publish=publish)
        return self.app

    # -- volunteer side -----------------------------------------------------------------
    def deliver(
        self,
        body: dict[str, Any] | bytes,
        *,
        mid: str | None = None,
        exchange: str = m.RESPONSE_EXCHANGE,
        key: str = "",
        app_id: str | None = None,
    ) -> Result:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        delivery = Delivery(raw, exchange, key, mid or str(uuid.uuid4()), app_id)
        [result] = self.engine.handle([delivery])
        return result

    def respond(
        self, vid: int | str, status: str = "accepted", *, mid: str | None = None, app: Any = None
    ) -> Result:
        target = self.app if app is None else app
        body = {
            "action": "volunteer_response",
            "data": {
                "volunteer_id": vid,
                "volunteer_application_id": int(target) if str(target).isdigit() else target,
                "status": status,
            },
        }
        return self.deliver(body, mid=mid, key=m.response_key(self.fund, str(target)))

    def accept(self, *vids: int | str) -> None:
        for vid in vids:
            result = self.respond(vid)
            assert result.outcome == "applied", result

    def decline(self, vid: int | str) -> Result:
        return self.respond(vid, "declined")

    def wait_request(self, body: dict[str, Any], *, mid: str | None = None) -> Result:
        return self.deliver(
            body, mid=mid, exchange=m.WAITING_EXCHANGE, key=m.waiting_key(self.fund, self.app)
        )

    # -- the clock ----------------------------------------------------------------------
    def tick_at(self, when: datetime) -> None:
        """The clock set to `when` and the engine's deadlines run there."""
        self.clock.set(when)
        self.engine.tick()

    # -- reading results ----------------------------------------------------------------
    def sent(self) -> list[tuple[str, str, Any]]:
        """Outbound messages committed since the last read, as (routing key, action, gist)."""
        return [
            (r.routing_key, r.action, _gist(r.action, json.loads(r.body))) for r in self._unread()
        ]

    def notifications(self) -> list[tuple[str, str, str | None]]:
        """(volunteer, status, confirm_by) of every notification committed since the last read."""
        return [
            (str(body["user_id"]), body["status"], body.get("confirm_by"))
            for r in self._unread()
            if r.action == "volunteer_notification"
            for body in [json.loads(r.body)]
        ]

    def _unread(self) -> list[OutboxRow]:
        rows = self.engine.store.pending_outbox(limit=10_000, after_seq=self._seq)
        if rows:
            self._seq = rows[-1].seq
        return rows

    def counts(self) -> tuple[int, int, int]:
        """(signed up S, held H, free F); asserts S + H + F = C with all of them >= 0."""
        st = self.engine.state(self.app)
        assert st is not None
        s, h, f = st.signed_count, st.held, st.free
        assert min(s, h, f) >= 0 and s + h + f == st.capacity
        return s, h, f

    def roster(self) -> list[str]:
        st = self.engine.state(self.app)
        assert st is not None
        return sorted(p.volunteer_id for p in st.participants.values() if p.state == "signed")

    def waitlist(self) -> list[str]:
        st = self.engine.state(self.app)
        assert st is not None
        return st.waitlist()

    def status(self) -> str:
        st = self.engine.state(self.app)
        assert st is not None
        return st.status

    def offers(self) -> dict[str, str]:
        st = self.engine.state(self.app)
        assert st is not None
        return {v: o.state for v, o in st.round.offers.items()} if st.round else {}

    # -- expected tuples ----------------------------------------------------------------
    def note(self, vid: int | str, status: str) -> tuple[str, str, Any]:
        return (f"fund.{self.fund}.volunteer.{vid}", "volunteer_notification", (str(vid), status))

    def waits(self, vid: int | str, position: int) -> tuple[str, str, Any]:
        return (f"fund.{self.fund}.waiting.{self.app}", "volunteer_waiting", (str(vid), position))

    def free_spot(self, spots: int, waiting: list[int]) -> tuple[str, str, Any]:
        return (
            f"fund.{self.fund}.free_spot.{self.app}",
            "notify_free_spot",
            (spots, tuple(str(v) for v in waiting)),
        )

    def created(self, spots: int) -> tuple[str, str, Any]:
        return (f"fund.{self.fund}.application.created", "create_volunteer_application", spots)

    def updated(self, spots: int, status: str) -> tuple[str, str, Any]:
        return (
            f"fund.{self.fund}.application.updated",
            "update_volunteer_application",
            (spots, status),
        )

    def cancelled(self) -> tuple[str, str, Any]:
        return (f"fund.{self.fund}.application.cancelled", "cancel_volunteer_application", None)


def refusal(call: Callable[[], object]) -> RefusalKind:
    """The kind of the refusal `call` raises; the test fails when it is not refused."""
    with pytest.raises(ActionRefused) as refused:
        call()
    return refused.value.kind


def _gist(action: str, body: dict[str, Any]) -> Any:
    data = body.get("data", {})
    if action == "volunteer_notification":
        return (str(body["user_id"]), body["status"])
    if action == "volunteer_waiting":
        return (str(body["user_id"]), data["position"])
    if action == "notify_free_spot":
        return (data["available_spots"], tuple(str(v) for v in data["waiting_volunteers"]))
    if action == "create_volunteer_application":
        return data["available_spots"]
    if action == "update_volunteer_application":
        return (data["available_spots"], data["application_status"])
    return None
