"""The transport against the real broker: the seed's story, offline start, faults, poison."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from core.engine import ApplicationForm
from core.service import ConsoleCore
from tests.core.broker_helpers import (
    BROKER_URL,
    VolunteerClient,
    broker_available,
    delete_fund_queues,
    wait_until,
)

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672"),
]


def new_fund() -> str:
    return f"t{uuid4().hex[:8]}"


def form(spots: int, name: str = "Помощь в уборке территории") -> ApplicationForm:
    return ApplicationForm(
        name=name,
        day=date.today() + timedelta(days=7),
        start=time(14, 0),
        end=time(18, 0),
        spots=spots,
        description="Помощь в уборке территории парка",
    )


def run(scenario: Callable[[str], Awaitable[None]]) -> None:
    """Run one scenario on a fresh loop with a unique fund; always delete its queues."""
    fund = new_fund()

    async def main() -> None:
        try:
            await asyncio.wait_for(scenario(fund), 90)
        finally:
            await delete_fund_queues(fund)

    asyncio.run(main())


async def connected(core: ConsoleCore) -> None:
    await wait_until(lambda: core.transport.status.state == "connected", 20, "connected")


def test_seed_story_through_the_broker(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL)
        await core.start()
        await connected(core)
        async with VolunteerClient(fund) as vol:
            app = core.engine.create_application(form(2))
            aid = int(app)
            await wait_until(lambda: len(vol.announcements) == 1, what="announcement")
            created = vol.announcements[0]
            assert created == {
                "action": "create_volunteer_application",
                "data": {
                    "fund_id": fund,
                    "volunteer_application_id": aid,
                    "available_spots": 2,
                    "application_description": "Помощь в уборке территории парка",
                    "application_name": "Помощь в уборке территории",
                    "application_date": (date.today() + timedelta(days=7)).isoformat(),
                    "application_starttime": "14:00:00",
                    "application_endtime": "18:00:00",
                },
            }
            # Two sign up and fill the application.
            await vol.respond(aid, 101, "accepted")
            await vol.respond(aid, 102, "accepted")
            await wait_until(lambda: vol.to(101) == ["записан"] and vol.to(102) == ["записан"])
            # Three more: a response, a type-3 waitlist request, a flat queue-1 request.
            await vol.respond(aid, 103, "accepted")
            await wait_until(lambda: len(vol.waiting) == 1, what="first waiting")
            await vol.ask_waiting(aid, 104, flat=False)
            await wait_until(lambda: len(vol.waiting) == 2, what="second waiting")
            await vol.ask_waiting(aid, 105, flat=True)
            await wait_until(lambda: len(vol.waiting) == 3, what="third waiting")
            for body, (vid, pos) in zip(vol.waiting, [(103, 1), (104, 2), (105, 3)], strict=True):
                # both field sets: the seed's type 3 data and the flat queue-1 contract
                assert body["action"] == "volunteer_waiting"
                assert body["data"]["volunteer_id"] == vid == body["user_id"]
                assert body["data"]["volunteer_application_id"] == aid == body["application_id"]
                assert body["data"]["status"] == "waiting"
                assert body["data"]["position"] == pos
                assert body["timestamp"] == body["data"]["timestamp"]
            # 101 withdraws: the spot is offered to the whole waitlist.
            await vol.respond(aid, 101, "declined")
            await wait_until(
                lambda: all(vol.to(v) == ["место доступно"] for v in (103, 104, 105)),
                what="offers",
            )
            free = vol.of_action("notify_free_spot")
            assert free == [
                {
                    "action": "notify_free_spot",
                    "data": {
                        "volunteer_application_id": aid,
                        "available_spots": 1,
                        "waiting_volunteers": [103, 104, 105],
                    },
                }
            ]
            # First claim wins; the others are told they were not chosen.
            await vol.respond(aid, 104, "accepted")
            await vol.respond(aid, 103, "accepted")  # too late: the round is closed
            await wait_until(lambda: vol.to(104) == ["место доступно", "записан"], what="won")
            await wait_until(
                lambda: vol.to(105) == ["место доступно", "не выбрал"] and len(vol.to(103)) >= 2,
                what="not chosen",
            )
            assert vol.to(103)[:2] == ["место доступно", "не выбрал"]
            st = core.engine.state(app)
            assert st is not None
            signed = sorted(p.volunteer_id for p in st.participants.values() if p.state == "signed")
            assert signed == ["102", "104"]
            assert len(set(vol.message_ids)) == len(vol.message_ids)
            assert core.queries.rejected() == []
        await core.stop()
        assert core.transport.status.state == "offline"

    run(scenario)
