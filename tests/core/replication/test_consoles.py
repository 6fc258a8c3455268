"""Several running consoles of one fund on the shared broker: one decides, the others follow."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.cli import console_status, parse_args, run_app_command
from core.clock import SystemClock
from core.config import DB_NAME
from core.engine import Engine
from core.kinds import RefusalKind
from core.replication.actions import CommandQueued, Outcome
from core.replication.changes import CHANGES, RowBuffer
from core.replication.log import LogWriteFailed, LogWriter
from core.replication.records import EPOCH, LogRecord
from core.service import ConsoleCore
from core.storage import Store
from tests.helpers.broker import (
    BROKER_URL,
    VolunteerClient,
    books,
    broker_available,
    intact,
    outcomes_seen,
    run_with_fund,
    wait_until,
)
from tests.helpers.factories import a_form
from tests.helpers.replicated import table_rows as replicated_rows

pytestmark = [
    pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672"),
    pytest.mark.timeout(180),
]


def console(tmp_path: Path, fund: str, name: str) -> ConsoleCore:
    return ConsoleCore(tmp_path / name, fund, BROKER_URL, console_name=name)


async def deciding(core: ConsoleCore) -> None:
    """Wait until the console holds the lease and its queues are declared and consumed."""
    await wait_until(
        lambda: (
            core.replication is not None
            and core.replication.deciding
            and core.transport.status.state == "connected"
        ),
        20,
        "the console to decide",
    )


async def caught_up(*cores: ConsoleCore) -> None:
    """Wait until every console's tables equal the first one's (the arbiter's)."""
    first, *rest = cores

    def same() -> bool:
        want = replicated_rows(first.store.path)
        return all(replicated_rows(c.store.path) == want for c in rest)

    await wait_until(same, 30, "the replicas' tables to equal the arbiter's")


def signed(core: ConsoleCore, app: str) -> list[str]:
    state = core.engine.state(app)
    return sorted(
        v for v, p in (state.participants if state else {}).items() if p.state == "signed"
    )


def answered(vol: VolunteerClient) -> int:
    return len(vol.notifications) + len(vol.waiting)


def test_a_second_console_follows_the_first_and_takes_over_when_it_stops(
    tmp_path: Path,
) -> None:
    async def scenario(fund: str) -> None:
        a = console(tmp_path, fund, "A")
        await a.start()
        await deciding(a)
        b = console(tmp_path, fund, "B")
        await b.start()
        assert a.replication is not None and b.replication is not None
        try:
            app = await a.writer.call(
                a.engine.create_application, a_form(SystemClock(), spots=3, policy="auto")
            )
            async with VolunteerClient(fund) as vol:
                for v in range(1, 8):
                    await vol.respond(app, v, "accepted")
                await wait_until(lambda: answered(vol) >= 7, 20, "seven answers")
                await caught_up(a, b)
                assert b.replication.status()["role"] == "following"
                assert b.replication.status()["holder_name"] == "A"

                await a.stop()
                await deciding(b)
                await vol.respond(app, 2, "declined")  # the first on the waitlist moves up
                await wait_until(lambda: signed(b, app) == ["1", "3", "4"], 20, "B's decision")
            state = b.engine.state(app)
            assert state is not None and state.waitlist() == ["5", "6", "7"]
            assert b.replication.status()["epoch"] == 1
        finally:
            await b.stop()
            await a.stop()

    run_with_fund(scenario, 120)


def test_a_deposed_arbiter_undoes_what_never_reached_the_log(tmp_path: Path) -> None:
    """A decides offline (its broker gone), B takes over and decides; when A's log reader
    meets B's records, A's own offline decision is undone and A shows B's state."""

    async def scenario(fund: str) -> None:
        a = console(tmp_path, fund, "A")
        await a.start()
        assert a.replication is not None
        await deciding(a)
        app = await a.writer.call(a.engine.create_application, a_form(SystemClock(), spots=2))
        await a.stop()
        # A's directory, opened again with no broker: it was the last holder, so it decides.
        offline = ConsoleCore(
            tmp_path / "A", fund, "amqp://guest:guest@127.0.0.1:1/", console_name="A"
        )
        await offline.start()
        await offline.writer.call(offline.engine.set_capacity, app, 4)
        await offline.stop()

        b = console(tmp_path, fund, "B")
        await b.start()
        assert b.replication is not None
        try:
            await deciding(b)
            await b.writer.call(b.engine.set_capacity, app, 6)
            a = console(tmp_path, fund, "A")
            await a.start()
            await caught_up(b, a)
            state = a.engine.state(app)
            assert state is not None and state.capacity == 6
            assert a.replication is not None and a.replication.undone > 0
        finally:
            await a.stop()
            await b.stop()

    run_with_fund(scenario, 120)


def test_an_action_on_a_replica_is_a_command_the_arbiter_decides_once(tmp_path: Path) -> None:
    async def scenario(fund: str) -> None:
        a = console(tmp_path, fund, "A")
        await a.start()
        await deciding(a)
        b = console(tmp_path, fund, "B")
        await b.start()
        assert a.replication is not None and b.replication is not None
        settled: list[Outcome] = []
        b.replication.on_outcome(settled.append)
        try:
            app = await a.writer.call(a.engine.create_application, a_form(SystemClock(), spots=2))
            await caught_up(a, b)
            with pytest.raises(CommandQueued) as queued:
                await b.writer.call(b.engine.set_capacity, app, 5)
            with pytest.raises(CommandQueued) as too_low:
                await b.writer.call(b.engine.set_capacity, app, 0)
            await wait_until(lambda: len(settled) == 2, 20, "both outcomes")
            await caught_up(a, b)
            outcomes = {o.command_id: o for o in settled}
            assert outcomes[queued.value.command_id].status == "applied"
            refused = outcomes[too_low.value.command_id]
            assert (refused.status, refused.kind) == ("refused", RefusalKind.CAPACITY_RANGE)
            state = a.engine.state(app)
            assert state is not None and state.capacity == 5
            # The activity feed says whose console it came from.
            actors = [
                r[0]
                for r in sqlite3.connect(a.store.path).execute(
                    "SELECT actor FROM activity WHERE kind = 'capacity_changed'"
                )
            ]
            assert actors == ["coordinator B"]
            assert b.replication.status()["pending_commands"] == 0
            assert a.replication.commands_decided == 2
        finally:
            await b.stop()
            await a.stop()

    run_with_fund(scenario, 120)


def test_status_says_who_decides_and_a_dead_first_node_is_skipped(tmp_path: Path) -> None:
    """`--broker` names two nodes, the first one dead: the console carries on through the
    second; `status` on each data directory says deciding / following, from the running
    console's status file."""

    async def scenario(fund: str) -> None:
        nodes = f"amqp://guest:guest@127.0.0.1:1/,{BROKER_URL}"
        a = ConsoleCore(tmp_path / "A", fund, nodes, console_name="A")
        await a.start()
        await deciding(a)
        b = ConsoleCore(tmp_path / "B", fund, nodes, console_name="B")
        await b.start()
        try:
            assert b.replication is not None
            await wait_until(lambda: b.replication is not None and b.replication.holder_name == "A")
            await wait_until(
                lambda: console_status(tmp_path / "B", fund).get("holder_name") == "A", 10
            )
            status_a = console_status(tmp_path / "A", fund)
            status_b = console_status(tmp_path / "B", fund)
            assert (status_a["running"], status_a["role"]) == (True, "deciding")
            assert (status_b["role"], status_b["holder_name"]) == ("following", "A")
            assert status_b["pending_commands"] == 0 and status_b["epoch"] == 0
            # The command line on B's directory sends its change to A as a command too.
            app = await a.writer.call(a.engine.create_application, a_form(SystemClock(), spots=2))
            await caught_up(a, b)
            out = io.StringIO()
            args = parse_args(["app", "capacity", app, "4", "--data-dir", str(tmp_path / "B")])
            args.fund_id = fund
            assert await asyncio.to_thread(run_app_command, args, out) == 0
            assert "sent to the deciding console (A) as command" in out.getvalue()
            await wait_until(lambda: getattr(a.engine.state(app), "capacity", 0) == 4, 20, "A")
            await caught_up(a, b)
        finally:
            await b.stop()
            await a.stop()
        after = console_status(tmp_path / "B", fund)
        assert (after["running"], after["role"]) == (False, "offline")

    run_with_fund(scenario, 120)


@pytest.mark.slow
def test_the_arbiter_killed_mid_stream_another_takes_over_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    """Two headless services of one fund; the deciding one is SIGKILLed mid-stream. The other
    takes over and answers everyone; nobody is told twice (distinct message ids), nothing is
    overbooked or lost, and the killed one, started again, follows and holds the same rows."""
    capacity, n = 150, 600

    async def scenario(fund: str) -> None:
        dirs = {name: tmp_path / name for name in ("A", "B")}
        for d in dirs.values():
            d.mkdir()
        store = Store(dirs["A"] / DB_NAME)  # the application exists before the services start
        app = Engine(store, fund, SystemClock()).create_application(
            a_form(SystemClock(), spots=capacity)
        )
        store.close()
        root = Path(__file__).resolve().parents[3]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}

        def start(name: str) -> subprocess.Popen[bytes]:
            cmd = [sys.executable, "-m", "tests.helpers.broker", str(dirs[name]), fund, BROKER_URL]
            with (tmp_path / f"{name}.log").open("ab") as log_file:  # a file, never a pipe
                return subprocess.Popen(cmd, cwd=root, env=env, stderr=log_file)

        def has_app(name: str) -> bool:
            db = dirs[name] / DB_NAME
            if not db.exists():
                return False
            with contextlib.closing(sqlite3.connect(db)) as c, contextlib.suppress(sqlite3.Error):
                row = c.execute("SELECT 1 FROM application WHERE id = ?", (app,)).fetchone()
                return row is not None
            return False

        children: dict[str, subprocess.Popen[bytes]] = {}
        async with VolunteerClient(fund) as vol:
            try:
                children["A"] = start("A")
                await wait_until(lambda: len(vol.announcements) == 1, 30, "A's announcement")
                children["B"] = start("B")
                await wait_until(lambda: has_app("B"), 30, "B to hold the application")
                volunteers = list(range(1, n + 1))
                ids = [await vol.respond(int(app), v, "accepted") for v in volunteers]
                await wait_until(lambda: len(outcomes_seen(vol)) >= n // 4, 30, "a quarter")
                children["A"].send_signal(signal.SIGKILL)
                children["A"].wait(10)
                assert len(outcomes_seen(vol)) < n, "killed too late to prove anything"
                await wait_until(lambda: len(outcomes_seen(vol)) == n, 60, "B to answer the rest")
                children["A"] = start("A")  # back, it follows B

                def equal() -> bool:
                    try:
                        return replicated_rows(dirs["A"] / DB_NAME) == replicated_rows(
                            dirs["B"] / DB_NAME
                        )
                    except sqlite3.Error:
                        return False

                await wait_until(equal, 60, "A's tables to equal B's")
                for child in children.values():
                    child.send_signal(signal.SIGTERM)
                for name, child in children.items():
                    assert child.wait(30) == 0, (tmp_path / f"{name}.log").read_text()[-3000:]
            finally:
                for child in children.values():
                    if child.poll() is None:
                        child.kill()
                        child.wait(10)
            assert books(dirs["B"] / DB_NAME, app, capacity, volunteers, ids) == intact(capacity, n)
            assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
            assert replicated_rows(dirs["A"] / DB_NAME) == replicated_rows(dirs["B"] / DB_NAME)

    run_with_fund(scenario, 240)


def test_without_coordinators_names_the_feed_still_says_which_console_decided(
    tmp_path: Path,
) -> None:
    """No console has a coordinator's name: A alone records plain "coordinator"; once B has
    followed A and then decided, each one's decisions carry its console's name, and A keeps
    doing so after a restart."""

    async def scenario(fund: str) -> None:
        a = console(tmp_path, fund, "A")
        await a.start()
        await deciding(a)
        app = await a.writer.call(a.engine.create_application, a_form(SystemClock(), spots=2))
        b = console(tmp_path, fund, "B")
        await b.start()
        try:
            await caught_up(a, b)
            # B names itself on its writer thread once it has read A's epoch record, which
            # may be just after the rows that made the tables equal
            await wait_until(lambda: b.engine.actor == "coordinator B", 20, "B to name itself")
            assert a.engine.actor == "coordinator"
            await a.stop()
            await deciding(b)
            await b.writer.call(b.engine.set_capacity, app, 5)
            a = console(tmp_path, fund, "A")
            await a.start()
            await caught_up(b, a)
            await wait_until(lambda: a.engine.actor == "coordinator A", 20, "A to name itself")
            await b.stop()
            await deciding(a)
            await a.writer.call(a.engine.set_capacity, app, 3)
            await a.stop()
            a = console(tmp_path, fund, "A")  # restarted alone: it remembers there are several
            assert a.engine.actor == "coordinator A"
            rows = sqlite3.connect(a.store.path).execute(
                "SELECT kind, actor FROM activity WHERE kind IN ('created', 'capacity_changed')"
                " ORDER BY id"
            )
            assert rows.fetchall() == [
                ("created", "coordinator"),
                ("capacity_changed", "coordinator B"),
                ("capacity_changed", "coordinator A"),
            ]
        finally:
            await a.stop()
            await b.stop()

    run_with_fund(scenario, 150)


def test_a_replica_offline_while_decisions_pass_catches_up_and_equals_the_arbiter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B follows A and stops; A decides 2,000 responses meanwhile; B back reads them all
    (several decisions a record, several records a transaction). Its first transaction
    fails after writing part of its rows, as if B stopped mid-batch: rolled back, the batch
    is read again, and B's tables equal A's (nothing lost, nothing written twice)."""
    n = 2000
    failed: list[int] = []
    write = RowBuffer._write

    def write_then_fail_once(self: RowBuffer, conn: Any, tbl: str, key: Any, run: Any) -> None:
        write(self, conn, tbl, key, run)
        if not failed and len(run) > 1:
            failed.append(len(run))
            raise sqlite3.OperationalError("injected: the replica stops mid-batch")

    def decided(core: ConsoleCore) -> int:
        with contextlib.closing(sqlite3.connect(core.store.path)) as c:
            return int(c.execute("SELECT COUNT(*) FROM participation").fetchone()[0])

    async def scenario(fund: str) -> None:
        a = console(tmp_path, fund, "A")
        await a.start()
        await deciding(a)
        app = await a.writer.call(a.engine.create_application, a_form(SystemClock(), spots=n))
        b = console(tmp_path, fund, "B")
        await b.start()
        try:
            await caught_up(a, b)
            await b.stop()
            async with VolunteerClient(fund) as vol:
                for v in range(n):
                    await vol.respond(app, v, "accepted")
            await wait_until(lambda: decided(a) == n, 120, "A to decide every response")
            assert decided(b) == 0
            monkeypatch.setattr(RowBuffer, "_write", write_then_fail_once)
            b = console(tmp_path, fund, "B")
            await b.start()
            await caught_up(a, b)
            assert failed  # the injected stop happened, with rows already written
            assert decided(b) == n
        finally:
            await b.stop()
            await a.stop()

    run_with_fund(scenario, 240)


def test_a_record_lost_inside_the_pipeline_voids_the_rest_of_its_epoch_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pipelines its `changes` records; one of them never reaches the log (dropped before
    the broker, then failed as a nack would) while the ones sent after it are stored: a hole
    in the stream. A gives the lease up, every reader voids the rest of A's epoch, the next
    epoch's record names the last record before the hole, and the next arbiter decides those
    responses again: everyone is told once, nothing is lost or overbooked, both consoles hold
    the same rows."""
    capacity, n = 6, 40
    armed: list[bool] = []
    dropped: list[LogRecord] = []
    confirmed = LogWriter._confirmed

    async def drop_one(self: LogWriter, record: LogRecord, body: bytes, by: Any) -> None:
        if armed and not dropped and record.kind == CHANGES:
            dropped.append(record)
            await asyncio.sleep(0.5)  # the records sent after it reach the stream meanwhile
            self.failed = self.failed or RuntimeError("injected")
            raise LogWriteFailed(f"record {record.message_id} not confirmed (injected)")
        await confirmed(self, record, body, by)

    monkeypatch.setattr(LogWriter, "_confirmed", drop_one)
    epochs: list[LogRecord] = []

    def note_epoch(record: LogRecord, what: str) -> None:
        if record.kind == EPOCH and what == "apply" and record.epoch > 0:
            epochs.append(record)

    async def scenario(fund: str) -> None:
        a = console(tmp_path, fund, "A")
        await a.start()
        await deciding(a)
        app = await a.writer.call(
            a.engine.create_application, a_form(SystemClock(), spots=capacity, policy="auto")
        )
        b = console(tmp_path, fund, "B")
        await b.start()
        cores = [a, b]
        try:
            await caught_up(a, b)
            for core in cores:
                assert core.replication is not None and core.replication.reader is not None
                core.replication.reader.subscribe(note_epoch)
            voids = [core.replication.reader for core in cores]  # type: ignore[union-attr]
            async with VolunteerClient(fund) as vol:
                armed.append(True)
                ids = []
                for v in range(1, n + 1):
                    ids.append(await vol.respond(app, v, "accepted"))
                    await asyncio.sleep(0.02)  # decisions in several records, some in flight
                await wait_until(lambda: len(outcomes_seen(vol)) == n, 60, "everyone answered")
                await wait_until(lambda: bool(epochs), 30, "the next epoch")
                deciding_now = next(c for c in cores if c.replication and c.replication.deciding)
                await caught_up(deciding_now, *(c for c in cores if c is not deciding_now))
                assert all(len(mids) == 1 for mids in outcomes_seen(vol).values())
            assert dropped and sum(r.counts["void"] for r in voids if r is not None) > 0
            hole = dropped[0]
            assert epochs[0].payload["after"] == [hole.epoch, hole.seq - 1]
            db = deciding_now.store.path
            assert books(db, app, capacity, list(range(1, n + 1)), ids) == intact(capacity, n)
            assert replicated_rows(a.store.path) == replicated_rows(b.store.path)
        finally:
            await b.stop()
            await a.stop()

    run_with_fund(scenario, 180)
