"""The volunteer simulator against a real console over the real broker: both sides agree."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from core.config import DB_NAME
from core.engine import ApplicationForm, Engine
from core.service import ConsoleCore
from core.simulator import SimulationReport, simulate
from core.storage import Store
from tests.helpers.broker import (
    BROKER_URL,
    broker_available,
    run_with_fund,
    wait_until,
)

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672"),
]


def form(spots: int) -> ApplicationForm:
    return ApplicationForm(
        name="Park clean-up",
        day=date.today() + timedelta(days=7),
        start=time(14, 0),
        end=time(18, 0),
        spots=spots,
    )


def run(scenario: Callable[[str], Awaitable[None]]) -> None:
    run_with_fund(scenario, 120)


@contextlib.asynccontextmanager
async def running_console(data_dir: Path, fund: str) -> AsyncIterator[ConsoleCore]:
    """A console connected to the broker for the block, stopped after it however it ends."""
    core = ConsoleCore(data_dir, fund, BROKER_URL)
    await core.start()
    try:
        await wait_until(lambda: core.transport.status.state == "connected", 20, "connected")
        yield core
    finally:
        await core.stop()


async def all_applied(report: SimulationReport, core: ConsoleCore) -> None:
    """Wait until the console has applied every message the simulator sent.

    The simulator stops after a quiet second; on a loaded machine its last withdrawal can
    still be in the console's queue then.
    """

    def applied() -> int:
        return sum(
            1
            for m in core.queries.messages(limit=100_000)
            if m.direction == "in" and not m.outcome.startswith("ignored")
        )

    await wait_until(lambda: applied() >= report.responses_sent, 20, "every response applied")


def assert_agrees_with_console(report: SimulationReport, core: ConsoleCore, app_id: str) -> None:
    detail = core.queries.detail(app_id)
    assert detail is not None
    s = detail.summary
    assert s.signed <= s.capacity
    assert s.signed + s.held + s.free == s.capacity
    assert s.held >= 0 and s.free >= 0
    roster = {r.volunteer_id for r in detail.roster}
    waiting = {w.volunteer_id for w in detail.waitlist}
    assert report.roster == roster, "the simulator's roster is the console's"
    assert report.waiting == waiting, "the simulator's waitlist is the console's"
    withdrawn = set(report.withdrawn)
    for vid in report.signed_events:
        assert vid in roster or vid in withdrawn, f"{vid} was told записан but is not signed up"
    assert not roster & withdrawn
    # Every volunteer is accounted for exactly once.
    assert len(roster) + len(waiting) + len(withdrawn) == report.volunteers
    assert report.signed_up == len(report.signed_events)


def test_twelve_simulated_volunteers_on_five_spots_agree_with_the_console(tmp_path: Path) -> None:
    events: list[str] = []

    async def scenario(fund: str) -> None:
        async with running_console(tmp_path, fund) as core:
            app_id = core.engine.create_application(form(5))
            report = await simulate(
                BROKER_URL,
                fund,
                application_id=app_id,
                volunteers=12,
                rate=25,
                seed=3,
                withdraw_ratio=0.3,
                claim_probability=0.9,
                on_event=events.append,
                settle_s=1.0,
            )
            assert report.error is None, report.error
            assert report.finished == "done"
            await wait_until(lambda: core.queries.backlog() == 0, 20, "outbox drained")
            await all_applied(report, core)
            assert_agrees_with_console(report, core, app_id)
            # Only 5 spots, plus one per withdrawal, can spare a volunteer the waitlist.
            assert report.waitlisted >= 12 - 5 - report.withdrawals
            assert report.withdrawals == len(report.withdrawn) > 0
            inbound = [m for m in core.queries.messages() if m.direction == "in"]
            senders = {m.volunteer_id for m in inbound if m.volunteer_id is not None}
            assert len(senders) == 12, "every simulated volunteer reached the console"

    run(scenario)
    assert any("→ записан" in e for e in events)
    assert any("waitlisted at position" in e for e in events)


def test_volunteers_stay_after_their_answers_and_confirm_a_later_reminder(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        async with running_console(tmp_path, fund) as core:
            app_id = core.engine.create_application(form(4))
            loop = asyncio.get_running_loop()
            stop = asyncio.Event()

            def settled() -> None:  # all four signed up: the coordinator's "remind now"
                loop.call_soon(core.engine.remind_now, app_id)

            volunteers = asyncio.ensure_future(
                simulate(
                    BROKER_URL,
                    fund,
                    application_id=app_id,
                    volunteers=4,
                    rate=20,
                    seed=5,
                    withdraw_ratio=0,
                    waitlist_via_queue1=0,
                    confirm_probability=1.0,
                    stop=stop,
                    settle_s=1.0,
                    on_settled=settled,
                )
            )

            def confirmed() -> int:
                return sum(1 for r in core.queries.detail(app_id).roster if r.confirmed_at)

            await wait_until(lambda: confirmed() == 4, 30, "every confirmation applied")
            stop.set()
            report = await volunteers
            assert report.error is None, report.error
            assert report.finished == "stopped"
            assert (report.reminders, report.confirmations) == (4, 4)

    run(scenario)


def test_waitlist_requests_on_queue_1_count_like_responses(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        async with running_console(tmp_path, fund) as core:
            app_id = core.engine.create_application(form(2))
            report = await simulate(
                BROKER_URL,
                fund,
                application_id=app_id,
                volunteers=6,
                rate=30,
                seed=1,
                withdraw_ratio=0,
                waitlist_via_queue1=1.0,
                settle_s=0.5,
            )
            assert report.error is None, report.error
            await all_applied(report, core)
            assert_agrees_with_console(report, core, app_id)
            assert len(report.roster) == 2 and len(report.waiting) == 4
            # The console's own «waitlisted» answers come back on queue 1 and are skipped.
            vias = {
                m.action
                for m in core.queries.messages()
                if m.direction == "in" and m.volunteer_id is not None
            }
            assert vias == {"volunteer_waiting"}

    run(scenario)


def test_without_an_application_id_it_answers_the_next_announced_one(tmp_path: Path) -> None:
    events: list[str] = []

    async def scenario(fund: str) -> None:
        async with running_console(tmp_path, fund) as core:
            sim = asyncio.ensure_future(
                simulate(
                    BROKER_URL,
                    fund,
                    application_id=None,
                    volunteers=3,
                    rate=30,
                    seed=2,
                    withdraw_ratio=0,
                    settle_s=0.5,
                    announce_timeout_s=30,
                    on_event=events.append,
                )
            )
            # Said once its queue is bound and consumed: the announcement cannot miss it.
            await wait_until(
                lambda: any(e.startswith("waiting for fund") for e in events), 20, "bound"
            )
            app_id = core.engine.create_application(form(3))
            report = await sim
            assert report.error is None, report.error
            assert report.application_id == app_id
            assert len(report.roster) == 3
            await all_applied(report, core)
            assert_agrees_with_console(report, core, app_id)

    run(scenario)


def test_started_before_the_console_of_a_fresh_fund_every_volunteer_is_answered(
    tmp_path: Path,
) -> None:
    """The first --demo run of a fund: the simulator is up before the console has declared
    its queues. Nothing it sends may be lost for that (the demo reported 'no answer for
    30 s' and 14 of 15 volunteers reached the console)."""
    events: list[str] = []

    async def scenario(fund: str) -> None:
        store = Store(tmp_path / DB_NAME)
        app_id = Engine(store, fund).create_application(form(5))
        store.close()
        sim = asyncio.ensure_future(
            simulate(
                BROKER_URL,
                fund,
                application_id=app_id,
                volunteers=15,
                rate=50,
                seed=4,
                withdraw_ratio=0.2,
                waitlist_via_queue1=0.4,
                settle_s=1.0,
                on_event=events.append,
            )
        )
        await wait_until(
            lambda: any(e.startswith("waiting for the console") for e in events), 20, "waiting"
        )
        async with running_console(tmp_path, fund) as core:
            report = await sim
            assert report.error is None, report.error
            assert report.finished == "done"
            await wait_until(lambda: core.queries.backlog() == 0, 20, "outbox drained")
            assert_agrees_with_console(report, core, app_id)
            inbound = [m for m in core.queries.messages() if m.direction == "in"]
            senders = {m.volunteer_id for m in inbound if m.volunteer_id is not None}
            assert len(senders) == 15, "every simulated volunteer reached the console"

    run(scenario)


def test_with_no_console_running_it_says_so_instead_of_waiting_forever() -> None:
    async def scenario(fund: str) -> None:
        report = await simulate(
            BROKER_URL,
            fund,
            application_id="42",
            volunteers=2,
            rate=50,
            seed=0,
            idle_timeout_s=1.0,
        )
        assert report.finished == "failed"
        assert report.error is not None and "is a console or service of" in report.error
        assert f"no console consumes the queues of fund {fund}" in report.error
        assert report.responses_sent == 0  # nothing sent where no console would get it

    run(scenario)


def test_a_stop_event_ends_the_simulation_early(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        async with running_console(tmp_path, fund):
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(0.5, stop.set)
            report = await simulate(
                BROKER_URL, fund, application_id="42", volunteers=500, rate=5, seed=0, stop=stop
            )
            assert report.finished == "stopped"
            assert report.error is None
            assert 0 < report.responses_sent < 500


def test_a_stop_event_ends_it_while_it_waits_for_the_console() -> None:
    async def scenario(fund: str) -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.5, stop.set)
        report = await simulate(
            BROKER_URL, fund, application_id="42", volunteers=5, rate=5, seed=0, stop=stop
        )
        assert (report.finished, report.error, report.responses_sent) == ("stopped", None, 0)

    run(scenario)


def test_a_stop_event_ends_it_while_it_waits_for_an_announcement() -> None:
    async def scenario(fund: str) -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.5, stop.set)
        report = await simulate(
            BROKER_URL, fund, application_id=None, volunteers=5, rate=5, seed=0, stop=stop,
            announce_timeout_s=3600,
        )  # fmt: skip
        assert (report.finished, report.error, report.responses_sent) == ("stopped", None, 0)

    run(scenario)


def test_bad_parameters_are_reported_without_touching_the_broker() -> None:
    report = asyncio.run(
        simulate(
            "amqp://guest:guest@127.0.0.1:1/",
            "f",
            application_id="1",
            volunteers=0,
            rate=0,
            seed=None,
            withdraw_ratio=2,
        )
    )
    assert report.error == (
        "volunteers must be at least 1; rate must be above 0;"
        " withdraw ratio must be between 0 and 1"
    )


def test_an_unreachable_broker_is_reported_with_the_password_hidden() -> None:
    report = asyncio.run(
        simulate(
            "amqp://guest:Hidden-Pw@127.0.0.1:1/",
            "f",
            application_id="1",
            volunteers=1,
            rate=1,
            seed=None,
        )
    )
    assert report.error is not None
    assert report.error.startswith("cannot reach the broker at amqp://guest:***@127.0.0.1:1/")
    assert "Hidden-Pw" not in report.error
