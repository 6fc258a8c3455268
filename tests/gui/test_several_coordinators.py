"""Three consoles of one fund (a window, two headless) under kills and cuts lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from PySide6.QtCore import QSettings

from core import messages as m
from core.cli import parse_args, run_app_command
from core.clock import SystemClock
from core.config import DB_NAME
from core.engine import Engine
from core.replication import STATUS_FILE
from core.replication.log import declare_log
from core.replication.records import EPOCH, BadRecord, LogRecord
from core.service import ConsoleCore
from core.storage import Store
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.broker import TcpProxy, VolunteerClient
from tests.helpers.factories import a_form, unique_fund
from tests.helpers.qt import run_coro
from tests.helpers.rabbit_node import private_node
from tests.helpers.replicated import table_rows

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = 5000
AUTO_SPOTS, AUTO_POOL = 120, 2500  # an auto application: the first in line moves up at once
ROUND_SPOTS, ROUND_POOL = 8, 30  # a broadcast one: offer rounds, first claim wins
PACE = 0.1  # s between bursts of BURST responses: ~150/s, the arbiter keeps up between faults
BURST = 15
# (fault, responses published before it): three kills and two cuts while the stream runs
FAULTS = (("kill", 500), ("cut", 1300), ("kill", 2100), ("cut", 2900), ("kill", 3700))
AHEAD = 400  # responses the stream runs ahead of a fault still to come, at most


class Headless:
    """A headless console in its own process (tests/helpers/broker.py), on its own data
    directory, reaching the broker through its own proxy so its link can be cut."""

    def __init__(self, name: str, data_dir: Path, fund: str, proxy: TcpProxy) -> None:
        self.name = name
        self.data_dir = data_dir
        self.fund = fund
        self.proxy = proxy
        self.log = data_dir.parent / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "tests.helpers.broker",
            str(self.data_dir),
            self.fund,
            self.proxy.url,
            self.name,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as log_file:  # a file, never a pipe nobody reads
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file
            )

    def kill(self) -> None:
        assert self.proc is not None and self.proc.poll() is None, self.tail()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def status(self) -> dict[str, Any]:
        """Its replication status file (written every second), {} before the first."""
        with contextlib.suppress(OSError, ValueError):
            return json.loads((self.data_dir / STATUS_FILE).read_text(encoding="utf-8"))
        return {}

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


class Outside:
    """The world beyond the window (the proxies, the volunteers, a log watcher) on an asyncio
    loop of its own thread: on the window's qasync loop every frame the headless consoles
    send through their proxies waited for Qt (5,000 responses took 320 s instead of ~40)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def submit(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        """Run coro there; a future for the window's loop to await."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def run(self, coro: Coroutine[Any, Any, Any], what: str, timeout: float = 60) -> Any:
        """Run coro there and wait for it, failing with what when it hangs."""
        try:
            return await asyncio.wait_for(self.submit(coro), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out: {what}") from None

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class EpochWatcher:
    """Reads the fund's decision log from its start, noting every epoch record: the console
    named by the highest one is the arbiter (a holder appends it after reading the log to its
    end, and before it decides anything)."""

    def __init__(self, url: str, fund: str) -> None:
        self.url = url
        self.fund = fund
        self.epochs: list[tuple[int, str]] = []
        self._conn: aio_pika.abc.AbstractConnection | None = None

    async def start(self) -> None:
        self._conn = await aio_pika.connect(self.url)
        channel = await self._conn.channel()
        await channel.set_qos(prefetch_count=1000)
        queue = await declare_log(channel, self.fund)
        await queue.consume(self._on_record, arguments={"x-stream-offset": 0})

    async def _on_record(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        offset = int((message.headers or {}).get("x-stream-offset", -1))  # type: ignore[arg-type]
        with contextlib.suppress(BadRecord):
            record = LogRecord.decode(message.body, offset)
            if record.kind == EPOCH:
                self.epochs.append((record.epoch, str(record.payload.get("name"))))
        await message.ack()

    @property
    def arbiter(self) -> str | None:
        return max(self.epochs)[1] if self.epochs else None

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()


async def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
        return conn.execute(sql, args).fetchall()


def safe(check: Callable[[], bool]) -> Callable[[], bool]:
    """A predicate over a database another process writes: busy or half-made is False."""

    def run() -> bool:
        try:
            return check()
        except sqlite3.Error:
            return False

    return run


class Volunteers:
    """Volunteers who answer as people do: most apply once, some withdraw, and whoever is
    offered a freed spot claims it (seeded, so a failure can be run again)."""

    def __init__(self, client: VolunteerClient, auto_app: str, round_app: str) -> None:
        self.client = client
        self.apps = (auto_app, round_app)
        self.rng = random.Random(11)
        self.told: dict[tuple[str, str], str] = {}
        self.seen = 0
        self.joined: list[str] = []  # of the auto application, in order
        self.sent: list[str] = []  # response message ids

    def _catch_up(self) -> None:
        received = self.client.received
        for _, _, body in received[self.seen :]:
            if body.get("action") == "volunteer_notification":
                self.told[(str(body["application_id"]), str(body["user_id"]))] = body["status"]
        self.seen = len(received)

    def next(self) -> tuple[str, str, str]:
        self._catch_up()
        auto_app, round_app = self.apps
        if self.rng.random() < 0.3:
            v = str(self.rng.randrange(ROUND_POOL))
            offered = self.told.get((round_app, v)) == m.STATUS_SPOT_AVAILABLE
            status = "accepted" if offered or self.rng.random() < 0.65 else "declined"
            return round_app, f"r{v}", status
        if self.joined and self.rng.random() < 0.2:
            return auto_app, self.rng.choice(self.joined), "declined"
        v = f"a{self.rng.randrange(AUTO_POOL)}"
        self.joined.append(v)
        return auto_app, v, "accepted"

    async def answer(self, count: int) -> None:
        # published together: one confirm awaited at a time would pace the stream by it
        batch = [self.next() for _ in range(count)]
        self.sent.extend(await asyncio.gather(*(self.client.respond(*b) for b in batch)))


def contradictions(db: Path, client: VolunteerClient) -> Counter[str]:
    """What the volunteers were told against what the fund's database holds.

    phantom: a message nobody's database sent (a decision made and then discarded leaked);
    unsent: a sent message nobody received; both: told signed up and then not selected for
    the same offer; last: the last thing told disagrees with where the volunteer stands."""
    found: Counter[str] = Counter()
    sent = {
        mid: (seq, app, vol, json.loads(body))
        for seq, mid, app, vol, body in rows(
            db,
            "SELECT seq, message_id, application_id, volunteer_id, body FROM outbox"
            " WHERE sent_at IS NOT NULL AND action IN ('volunteer_notification',"
            " 'volunteer_waiting')",
        )
    }
    received = {
        mid
        for mid, (_, _, body) in zip(client.message_ids, client.received, strict=True)
        if body.get("action") in ("volunteer_notification", "volunteer_waiting")
    }
    found["phantom"] = len(received - set(sent))
    found["unsent"] = len(set(sent) - received)
    told: dict[tuple[str, str], list[str]] = {}
    for _seq, app, vol, body in sorted(sent[mid] for mid in received & set(sent)):
        status = body.get("status") if body.get("action") == "volunteer_notification" else "wait"
        if status in (m.STATUS_REMINDER, m.STATUS_CONFIRMED, m.STATUS_NOT_CONFIRMED):
            continue
        told.setdefault((str(app), str(vol)), []).append(str(status))
    for statuses in told.values():
        for a, b in itertools.pairwise(statuses):
            if a == m.STATUS_SIGNED_UP and b == m.STATUS_NOT_SELECTED:
                found["both"] += 1
    stands = {
        (str(a), str(v)): s
        for a, v, s in rows(db, "SELECT application_id, volunteer_id, state FROM participation")
    }
    for key, statuses in told.items():
        # a withdrawal is not answered: one who left may have been told anything last
        where, last = stands.get(key), statuses[-1]
        if where is not None and (where == "signed") != (last == m.STATUS_SIGNED_UP):
            found["last"] += 1
    return found


def books(db: Path, sent: list[str]) -> dict[str, int]:
    """Responses lost or applied twice, and spots overbooked, in one console's database."""
    inbox = {r[0] for r in rows(db, "SELECT message_id FROM inbox")}
    twice = rows(
        db,
        "SELECT COUNT(*) FROM (SELECT 1 FROM activity WHERE cause IS NOT NULL"
        " GROUP BY cause, kind, volunteer_id HAVING COUNT(*) > 1)",
    )[0][0]
    overbooked = rows(
        db,
        "SELECT COALESCE(SUM(MAX(0, s - capacity)), 0) FROM (SELECT a.capacity,"
        " (SELECT COUNT(*) FROM participation p WHERE p.application_id = a.id"
        " AND p.state = 'signed') AS s FROM application a)",
    )[0][0]
    return {
        "lost": sum(mid not in inbox for mid in sent),
        "applied_twice": int(twice),
        "overbooked": int(overbooked),
    }


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_three_consoles_under_kills_and_cuts_lose_nothing_and_agree(qtbot, qloop, tmp_path):
    """Two headless consoles and a window, one fund, a private broker node; 5,000 volunteer
    responses; the arbiter is killed with -9 three times and cut off from the broker twice
    (its proxy closed while it runs; it comes back as a replica). A coordinator action on
    each console while it follows goes to the arbiter as a command.

    The headless consoles start first (H1 decides from the start), the window joins after.
    The window runs in this test's process and cannot be killed: when it holds the lease at
    a fault's turn, its own link is cut first until a headless console takes over, and the
    fault then hits that one. At the end: nothing lost or applied twice, nobody told two
    contradictory things, no spot overbooked, every command applied once, and the three
    databases equal."""
    began = time.monotonic()
    with private_node() as node:
        print(f"private node up in {time.monotonic() - began:.1f} s")
        run_coro(qtbot, scenario(qtbot, node.url, node.port, tmp_path), timeout=400_000)


async def scenario(qtbot, url: str, port: int, tmp_path: Path) -> None:
    fund = unique_fund()
    clock = SystemClock()
    dirs = {name: tmp_path / name for name in ("H1", "H2", "W")}
    for d in dirs.values():
        d.mkdir()
    # The applications are H1's before the consoles start (it brings them in its snapshot);
    # ten days ahead, so no reminder falls due meanwhile, and offers that last longer than the
    # test: a deadline passing as the consoles stop would be decided by whichever still runs,
    # and the databases compared after the stop would differ by it (one run did).
    day = clock.now().date() + timedelta(days=10)
    store = Store(dirs["H1"] / DB_NAME)
    engine = Engine(store, fund, clock)
    auto_app = engine.create_application(
        a_form(clock, spots=AUTO_SPOTS, policy="auto", day=day, name="Warehouse")
    )
    round_app = engine.create_application(
        a_form(clock, spots=ROUND_SPOTS, policy="broadcast", day=day, offer_timeout_min=30)
    )
    store.close()

    outside = Outside()
    proxies = {name: TcpProxy("127.0.0.1", port) for name in dirs}
    for proxy in proxies.values():
        await outside.run(proxy.reserve(), "a proxy port")
        await outside.run(proxy.open(), "a proxy to open")
    heads = {name: Headless(name, dirs[name], fund, proxies[name]) for name in ("H1", "H2")}
    watcher = EpochWatcher(url, fund)
    client = VolunteerClient(fund, url)
    await outside.run(client.start(), "the volunteers to connect")
    core: ConsoleCore | None = None
    bridge: Bridge | None = None
    done: Counter[str] = Counter()
    try:
        heads["H1"].start()
        await outside.run(watcher.start(), "the log watcher")
        await wait_for(lambda: watcher.arbiter == "H1", 60, "H1 to decide")
        heads["H2"].start()
        core = ConsoleCore(dirs["W"], fund, proxies["W"].url, console_name="W")
        bridge = Bridge(core)
        window = MainWindow(
            bridge,
            confirm=lambda _title, _text: True,
            alert=lambda _text: None,
            qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        )
        qtbot.addWidget(window)
        window.show()
        await core.start()
        await wait_for(
            lambda: window.role_label.text().startswith("Following H1"), 60, "W to follow"
        )
        await wait_for(
            lambda: heads["H2"].status().get("holder_name") == "H1", 60, "H2 to follow H1"
        )
        volunteers = Volunteers(client, auto_app, round_app)

        # The stream waits for a fault that is late (a slow takeover on a loaded machine), so
        # every fault still hits it mid-way.
        limit = [FAULTS[0][1] + AHEAD]

        async def answer_all() -> None:
            while len(volunteers.sent) < RESPONSES:
                room = min(BURST, RESPONSES - len(volunteers.sent), limit[0] - len(volunteers.sent))
                if room > 0:
                    await volunteers.answer(room)
                await asyncio.sleep(PACE)

        answering = outside.submit(answer_all())
        t0 = time.monotonic()
        marks: dict[str, float] = {}

        # A coordinator action on each replica: the window's through its bridge, each headless
        # one's through the command line on its data directory, as its coordinator would.
        op = bridge.set_capacity(auto_app, AUTO_SPOTS + 10)
        await wait_for(op.done, 30, "the window's action")
        assert op.result().ok and op.result().pending is not None
        commands = [op.result().pending]

        async def on_command_line(name: str, app: str, spots: int) -> None:
            args = parse_args(["app", "capacity", app, str(spots), "--data-dir", str(dirs[name])])
            args.fund_id = fund
            out = io.StringIO()
            assert await asyncio.to_thread(run_app_command, args, out) == 0
            said = out.getvalue()
            assert "sent to the deciding console" in said, said
            commands.append(said.split(" as command ")[1].split(":")[0])

        await on_command_line("H2", round_app, ROUND_SPOTS + 2)

        async def taken_over(epochs: int, what: str) -> None:
            await wait_for(lambda: len(watcher.epochs) > epochs, 30, what)

        async def arbiter() -> Headless:
            """The headless console deciding now (the window handing the lease over first)."""
            await wait_for(lambda: watcher.arbiter is not None, 30, "an arbiter")
            if watcher.arbiter == "W":
                done["window_handovers"] += 1
                n = len(watcher.epochs)
                await outside.run(proxies["W"].close(), "W's cut")
                await taken_over(n, "a headless console to take over")
                await outside.run(proxies["W"].open(), "W's link back")
            name = watcher.arbiter
            assert name in heads, watcher.epochs
            return heads[name]

        for fault, at in FAULTS:
            await wait_for(lambda at=at: len(volunteers.sent) >= at, 120, f"{at} responses")
            target = await arbiter()
            n = len(watcher.epochs)
            if fault == "kill":
                target.kill()
                await taken_over(n, "a takeover after a kill")
                target.start()  # back, it follows
            else:
                await outside.run(target.proxy.close(), "the cut")
                await taken_over(n, "a takeover after a cut")
                # it runs on, cut off, until it has seen its link go; then the link is back
                await wait_for(
                    lambda t=target: t.status().get("log_connected") is False, 30, "the cut"
                )
                await outside.run(target.proxy.open(), "the link back")
            done[fault] += 1
            marks[f"{fault}{done[fault]}"] = time.monotonic() - t0
            later = [a for _f, a in FAULTS if a > at]
            limit[0] = later[0] + AHEAD if later else RESPONSES
            assert len(volunteers.sent) < RESPONSES, "the fault came after the stream"
            if done["kill"] == 1 and fault == "kill":
                # H1, the first arbiter, is back and follows: its coordinator acts there
                assert target.name == "H1"
                await wait_for(
                    lambda: (
                        heads["H1"].status().get("role") == "following"
                        and heads["H1"].status().get("log_connected") is True
                        and heads["H1"].status().get("holder_name") not in ("", "?", "H1")
                    ),
                    60,
                    "H1 to follow",
                )
                await on_command_line("H1", auto_app, AUTO_SPOTS + 25)
        await wait_for(answering.done, 120, "the last responses to be published")
        answering.result()
        marks["published"] = time.monotonic() - t0
        assert done["kill"] == 3 and done["cut"] == 2

        db = {name: d / DB_NAME for name, d in dirs.items()}
        sent = volunteers.sent

        def settled() -> bool:
            inbox = {r[0] for r in rows(db["W"], "SELECT message_id FROM inbox")}
            backlog = rows(db["W"], "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")[0][0]
            decided = rows(db["W"], "SELECT COUNT(*) FROM command_outcome")[0][0]
            return all(mid in inbox for mid in sent) and backlog == 0 and decided == 3

        await wait_for(safe(settled), 180, "every response decided and every message sent")
        outbox = {
            r[0]
            for r in rows(
                db["W"],
                "SELECT message_id FROM outbox WHERE action IN ('volunteer_notification',"
                " 'volunteer_waiting')",
            )
        }
        marks["settled"] = time.monotonic() - t0
        await wait_for(lambda: outbox <= set(client.message_ids), 60, "every message received")
        marks["received"] = time.monotonic() - t0
        await wait_for(
            safe(lambda: table_rows(db["H1"]) == table_rows(db["W"]) == table_rows(db["H2"])),
            60,
            "the three databases to be equal",
        )
        marks["equal"] = time.monotonic() - t0
        for h in heads.values():
            assert h.proc is not None
            h.proc.send_signal(signal.SIGTERM)
        for h in heads.values():
            assert h.proc is not None and h.proc.wait(30) == 0, h.tail()
        bridge.shutdown()
        await asyncio.wait_for(core.stop(), 60)
        core = None
        await outside.run(client.close(), "the volunteers to close")  # still from here

        outcomes = rows(db["W"], "SELECT command_id, status, sender_name FROM command_outcome")
        assert sorted((c, s) for c, s, _ in outcomes) == sorted((c, "applied") for c in commands)
        changed = rows(
            db["W"],
            "SELECT actor, COUNT(*) FROM activity WHERE kind = 'capacity_changed' GROUP BY actor",
        )
        assert sorted(changed) == [
            ("coordinator H1", 1),
            ("coordinator H2", 1),
            ("coordinator W", 1),
        ]
        for name in dirs:
            assert books(db[name], sent) == {"lost": 0, "applied_twice": 0, "overbooked": 0}
        assert contradictions(db["W"], client) == Counter(), contradictions(db["W"], client)
        assert table_rows(db["H1"]) == table_rows(db["W"]) == table_rows(db["H2"])
        told = Counter(n.get("status", n["action"]) for n in client.notifications)
        print(
            f"three consoles: {len(sent)} responses, {len(client.message_ids)} messages"
            f" ({dict(told)}),"
            f" faults {dict(done)}, epochs {watcher.epochs}, at (s) {marks}"
        )
    except BaseException:
        # what each console was doing, for the failure's report
        print(f"faults {dict(done)}, epochs {watcher.epochs}")
        for h in heads.values():
            print(f"--- {h.name}: {h.status()}\n{h.tail()}")
        if core is not None and core.replication is not None:
            print(f"--- W: {core.replication.status()}")
        raise
    finally:
        for h in heads.values():
            if h.proc is not None and h.proc.poll() is None:
                h.proc.kill()
                h.proc.wait(10)
        if bridge is not None:
            bridge.shutdown()
        if core is not None:
            await asyncio.wait_for(core.stop(), 60)
        await outside.run(watcher.close(), "the watcher to close")
        await outside.run(client.close(), "the volunteers to close")
        for proxy in proxies.values():
            await outside.run(proxy.close(), "a proxy to close")
        outside.close()
