"""The CLI beside a running console: its changes reach the console and go out on the broker."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from core import cli
from core.clock import ManualClock
from core.config import DB_NAME
from core.engine import ApplicationForm
from core.service import ConsoleCore
from tests.helpers.broker import (
    BROKER_URL,
    VolunteerClient,
    broker_available,
    delete_fund_queues,
    wait_until,
)
from tests.helpers.commands import Commands
from tests.helpers.factories import response

ROOT = Path(__file__).resolve().parents[2]
DAY = (date.today() + timedelta(days=3)).isoformat()


async def cli_run(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.mark.broker
@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")
def test_cli_changes_reach_the_running_console_and_its_relay_sends_them(tmp_path: Path) -> None:
    fund = f"t{uuid4().hex[:8]}"
    common = ("--data-dir", str(tmp_path), "--fund-id", fund)

    async def scenario() -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL)
        await core.start()
        try:
            await wait_until(lambda: core.transport.status.state == "connected", 20)
            async with VolunteerClient(fund) as vol:
                code, out, err = await cli_run(
                    "app", "create", *common, "--name", "Park", "--spots", "1",
                    "--date", DAY, "--start", "10:00", "--end", "12:00",
                )  # fmt: skip
                assert code == 0, err
                app_id = out.strip()
                # The console's cache notices the other process's commit (data_version)...
                await wait_until(
                    lambda: [s.id for s in core.queries.summaries()] == [app_id], 10, "seen"
                )
                # ...and its relay publishes the announcement the CLI left in the outbox.
                await wait_until(lambda: len(vol.announcements) == 1, 20, "announced")
                created = vol.announcements[0]
                assert created["action"] == "create_volunteer_application"
                assert created["data"]["volunteer_application_id"] == int(app_id)
                assert created["data"]["available_spots"] == 1

                # A volunteer answers through the console; the CLI sees the result.
                await vol.respond(int(app_id), 7, "accepted")
                await vol.respond(int(app_id), 8, "accepted")
                await wait_until(lambda: vol.to(7) == ["записан"], 20, "signed up")
                await wait_until(lambda: len(vol.waiting) == 1, 20, "waitlisted")
                code, out, err = await cli_run("app", "show", app_id, "--json", *common)
                assert code == 0, err
                shown = json.loads(out)
                assert [r["volunteer_id"] for r in shown["roster"]] == ["7"]
                assert [w["volunteer_id"] for w in shown["waitlist"]] == ["8"]

                # A coordinator action from the CLI: the console's rules state follows it,
                # and the notifications it caused go out through the console's relay.
                code, out, err = await cli_run("app", "capacity", app_id, "2", *common)
                assert code == 0, err
                await wait_until(lambda: "место доступно" in vol.to(8), 20, "offer sent")
                await vol.respond(int(app_id), 8, "accepted")
                await wait_until(lambda: vol.to(8)[-1:] == ["записан"], 20, "claim won")
                detail = core.queries.detail(app_id)
                assert detail is not None
                assert sorted(r.volunteer_id for r in detail.roster) == ["7", "8"]
                assert detail.summary.capacity == 2

                code, _out, err = await cli_run("app", "capacity", app_id, "1", *common)
                assert code == 1 and "2 volunteers are signed up" in err
                await wait_until(lambda: core.queries.backlog() == 0, 20, "outbox drained")
        finally:
            await core.stop()
            await delete_fund_queues(fund)

    asyncio.run(asyncio.wait_for(scenario(), 120))


def test_the_newest_open_application_is_found_in_the_local_database(tmp_path: Path) -> None:
    args = cli.parse_args(["simulate", "--data-dir", str(tmp_path), "--fund-id", "f1"])
    assert cli.newest_open_application(args) is None
    assert not (tmp_path / DB_NAME).exists(), "looking creates no database"
    engine = cli.open_engine(args)
    try:

        def make(name: str) -> str:
            day = date.today() + timedelta(days=1)
            return engine.create_application(ApplicationForm(name, day, time(9), time(10), 2))

        older = make("older")
        newer = make("newer")
        engine.close(newer)
    finally:
        engine.store.close()
    assert cli.newest_open_application(args) == older


def test_app_reoffer_and_release_act_on_spots_held_for_the_waitlist(tmp_path: Path) -> None:
    run = Commands(tmp_path)
    with run.engine() as engine:
        day = date.today() + timedelta(days=1)
        app_id = engine.create_application(ApplicationForm("Shift", day, time(9), time(10), 1))
        for vid, status in (("7", "accepted"), ("8", "accepted"), ("7", "declined")):
            engine.handle([response("f1", app_id, vid, status)])
        assert run("release", app_id)[0] == cli.EXIT_REFUSED  # a round is open, nothing held
        engine.clock = ManualClock(datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1))
        engine.tick()  # nobody claimed: the spot stays held for the waitlist
    code, shown = run("show", app_id)
    assert code == 0 and "Held for the waitlist: 1 spot(s), unclaimed since" in shown
    assert run("reoffer", app_id) == (
        0,
        f"offered the held spots of {app_id} to the waitlist again:"
        " 0/1 signed up, 1 held, 0 free, 1 waiting\n",
    )
    assert "Offer round (broadcast): 1 spot(s) held" in run("show", app_id)[1]
    assert run("release-after", app_id, "20")[0] == 0
    assert "unclaimed held spots are released after 20 min" in run("show", app_id)[1]


def test_app_signup_duplicate_and_delete(tmp_path: Path) -> None:
    run = Commands(tmp_path)
    with run.engine() as engine:
        day = date.today() + timedelta(days=1)
        app_id = engine.create_application(ApplicationForm("Shift", day, time(22), time(2), 1))
    assert run("signup", app_id, "anna")[0] == 0
    assert run("signup", app_id, "boris")[0] == cli.EXIT_REFUSED  # no free spot
    assert run("signup", app_id, "boris", "--over-capacity") == (
        0,
        f"signed up boris in {app_id} (told «записан»): 2/2 signed up, 0 held, 0 free, 0 waiting\n",
    )
    code, copy = run("duplicate", app_id, "--date", (day + timedelta(days=7)).isoformat())
    copy = copy.strip()
    assert code == 0 and copy != app_id
    shown = run("show", copy)[1]
    assert "status       draft" in shown and "22:00-02:00+1" in shown
    assert run("delete", app_id)[0] == cli.EXIT_REFUSED  # published: cancel it instead
    assert run("delete", copy) == (0, f"deleted the draft {copy}\n")
    assert run("show", copy)[0] == cli.EXIT_REFUSED


def test_a_command_records_the_coordinators_name_given_or_saved(tmp_path: Path, capsys) -> None:
    run = Commands(tmp_path)
    with run.engine() as engine:
        day = date.today() + timedelta(days=1)
        app_id = engine.create_application(ApplicationForm("Shift", day, time(9), time(10), 1))
    (tmp_path / "settings.json").write_text('{"coordinator_name": "Anna"}', encoding="utf-8")
    assert run("capacity", app_id, "2")[0] == 0
    assert run("capacity", app_id, "3", "--coordinator-name", "  Ivan  ")[0] == 0
    with run.engine() as engine:
        actors = engine.store.conn.execute(
            "SELECT actor FROM activity WHERE kind = 'capacity_changed' ORDER BY id"
        ).fetchall()
    assert actors == [("coordinator Anna",), ("coordinator Ivan",)]
    with pytest.raises(SystemExit):
        run("capacity", app_id, "4", "--coordinator-name", "x" * 81)
    assert "--coordinator-name: at most 80 characters (got 81)" in capsys.readouterr().err


def test_app_offer_and_move_on_the_waitlist(tmp_path: Path) -> None:
    run = Commands(tmp_path)
    with run.engine() as engine:
        day = date.today() + timedelta(days=1)
        app_id = engine.create_application(ApplicationForm("Shift", day, time(9), time(10), 1))
        for vid in ("7", "8", "9"):
            engine.handle([response("f1", app_id, vid)])
    assert run("move", app_id, "9", "1", "--reason", "called ahead") == (
        0,
        f"moved 9 to position 1 on the waitlist of {app_id}\n",
    )
    shown = run("show", app_id)[1]
    assert shown.index("  1. 9") < shown.index("  2. 8")
    assert "moved on the waitlist by the coordinator from 2 to 1: called ahead" in shown
    assert run("offer", app_id, "8")[0] == cli.EXIT_REFUSED  # no free spot
    assert run("capacity", app_id, "2")[0] == 0  # the new spot goes to a round for both
    assert run("offer", app_id, "8")[0] == cli.EXIT_REFUSED  # a round is open


def test_a_clusters_nodes_are_given_by_repeating_broker_or_with_commas(tmp_path: Path) -> None:
    common = ["--data-dir", str(tmp_path), "--fund-id", "f1", "--create"]
    repeated = cli.parse_args(
        ["--broker", "amqp://rabbit1/", "--broker", "amqp://rabbit2/", "app", "list", *common]
    )
    commas = cli.parse_args(["app", "list", "--broker", "amqp://rabbit1/,amqp://rabbit2/", *common])
    assert repeated.broker == commas.broker == "amqp://rabbit1/,amqp://rabbit2/"
    assert cli.parse_args(["app", "list", *common]).broker is None


def test_app_reminders_create_set_show_and_send_now(tmp_path: Path) -> None:
    run = Commands(tmp_path)
    day = (date.today() + timedelta(days=5)).isoformat()
    shift = ("--name", "Shift", "--spots", "2", "--date", day, "--start", "10:00", "--end", "12:00")
    assert run("create", *shift, "--remind", "48,soon")[0] == cli.EXIT_USAGE
    code, app_id = run("create", *shift, "--remind", "72,3", "--confirm-by", "12")
    app_id = app_id.strip()
    assert code == 0
    assert (
        "reminders    72 h, 3 h before; confirm by 12 h before; unconfirmed are kept"
        in (run("show", app_id)[1])
    )
    assert run("reminders", app_id, "--release") == (
        0,
        f"reminders of {app_id}: 72 h, 3 h before the start; confirm by 12 h before;"
        " the unconfirmed are released\n",
    )
    assert run("reminders", app_id, "--at", "6", "--release")[0] == cli.EXIT_REFUSED  # 12 > 6
    assert run("remind", app_id)[0] == cli.EXIT_REFUSED  # nobody signed up to remind
    assert run("signup", app_id, "anna")[0] == 0
    assert run("remind", app_id) == (
        0,
        f"reminded the unconfirmed volunteers of {app_id} (told «напоминание»)\n",
    )
    shown = run("show", app_id)[1]
    assert "anna  since" in shown and ", confirm by " in shown
    assert "reminded by the coordinator; asked to confirm by" in shown
