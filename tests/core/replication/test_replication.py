"""The decision log, the lease and the commands queue against a private RabbitMQ node."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import aio_pika
import pytest

from core.clock import ManualClock, SystemClock
from core.config import DB_NAME
from core.engine import Engine
from core.replication.arbiter import Decision, FundMember
from core.replication.changes import (
    ChangesetPublisher,
    apply_changeset,
    install_capture,
)
from core.replication.commands import Command, CommandSender
from core.replication.lease import HEARTBEAT
from core.replication.log import LogReader, LogWriter, _publish, declare_log
from core.replication.records import COMMAND, EPOCH, SYNC, LogRecord
from core.replication.state import ReplicaState
from core.service import ConsoleCore
from core.storage import Store
from tests.helpers.broker import TcpProxy, VolunteerClient
from tests.helpers.factories import a_form, response
from tests.helpers.rabbit_node import RabbitNode, private_cluster, private_node
from tests.helpers.replicated import table_rows

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def node():
    with private_node() as n:
        yield n


def new_fund() -> str:
    return f"r{uuid4().hex[:8]}"


async def wait_until(predicate: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)


async def read_whole_log(url: str, fund: str, db: Path) -> list[LogRecord]:
    """Every applied record of a fund's log, read by a fresh replica."""
    seen: list[LogRecord] = []
    state = ReplicaState(db, fund)
    conn = await aio_pika.connect(url)
    try:
        reader = LogReader(await conn.channel(), fund, state, lambda _db, r: seen.append(r))
        await reader.start()
        await reader.read_to_end(await conn.channel(publisher_confirms=True))
        await reader.stop()
    finally:
        await conn.close()
        state.close()
    return seen


async def first_record(
    conn: aio_pika.abc.AbstractConnection,
    fund: str,
    retention: dict[str, Any],
    *,
    markers: bool = False,
) -> LogRecord:
    """The first record the fund's log still keeps (retention drops the oldest), with its
    offset; sync markers skipped unless markers."""
    ch = await conn.channel()
    # never acknowledged (an ack racing the channel's close is a connection error): sync
    # markers come a few in a row at most, far fewer than the prefetch lets through
    await ch.set_qos(prefetch_count=100)
    queue = await declare_log(ch, fund, retention)
    got: asyncio.Future[LogRecord] = asyncio.get_running_loop().create_future()

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        offset = int((message.headers or {})["x-stream-offset"])  # type: ignore[arg-type]
        record = LogRecord.decode(message.body, offset)
        if (markers or record.kind != SYNC) and not got.done():
            got.set_result(record)

    await queue.consume(on_message, arguments={"x-stream-offset": 0})
    try:
        return await asyncio.wait_for(got, 30)
    finally:
        await ch.close()


def test_log_is_read_in_order_and_resumes_from_the_offset_stored_in_sqlite(
    node: RabbitNode, tmp_path: Path
) -> None:
    fund = new_fund()
    db = tmp_path / "replica.db"

    async def scenario() -> tuple[list[LogRecord], list[LogRecord], float]:
        conn = await aio_pika.connect(node.url)
        try:
            ch = await conn.channel(publisher_confirms=True)
            await declare_log(ch, fund)
            writer = LogWriter(ch, fund, epoch=1)
            for i in range(10):
                await writer.append("decision", {"i": i})

            first: list[LogRecord] = []
            state = ReplicaState(db, fund)
            reader = LogReader(await conn.channel(), fund, state, lambda _db, r: first.append(r))
            await reader.start()
            await reader.read_to_end(ch)
            await reader.stop()
            state.close()

            # The replica is away while more is decided, then resumes from its stored offset.
            for i in range(10, 15):
                await writer.append("decision", {"i": i})
            second: list[LogRecord] = []
            state = ReplicaState(db, fund)
            reader = LogReader(await conn.channel(), fund, state, lambda _db, r: second.append(r))
            resumed_at = state.position().next_offset
            await reader.start()
            await reader.read_to_end(ch)
            await reader.stop()
            state.close()
        finally:
            await conn.close()
        return first, second, resumed_at

    first, second, resumed_at = asyncio.run(scenario())

    assert [(r.epoch, r.seq, r.payload["i"]) for r in first] == [(1, i, i) for i in range(10)]
    assert [r.offset for r in first] == list(range(10))
    assert resumed_at == 11  # after the ten records and the first reader's sync marker
    assert [(r.seq, r.payload["i"]) for r in second] == [(i, i) for i in range(10, 15)]
    assert [r.offset for r in second] == list(range(11, 16))


def test_own_records_are_read_from_their_headers_and_commit_quietly(
    node: RabbitNode, tmp_path: Path
) -> None:
    """A reader's own records (the by header) reach apply with the header fields only and,
    in a batch of nothing else, commit through the quiet transaction; another console's
    record commits through the reader's own, in order, with its whole payload."""
    fund = new_fund()
    db = tmp_path / "replica.db"
    mode = ["state"]

    async def scenario() -> tuple[list[tuple[int, dict, str]], object]:
        state = ReplicaState(db, fund)

        @contextlib.contextmanager
        def quiet():  # type: ignore[no-untyped-def]
            with state.transaction() as c:
                mode[0] = "quiet"
                try:
                    yield c
                finally:
                    mode[0] = "state"

        seen: list[tuple[int, dict, str]] = []
        conn = await aio_pika.connect(node.url)
        try:
            ch = await conn.channel(publisher_confirms=True)
            await declare_log(ch, fund)
            writer = LogWriter(ch, fund, epoch=0)
            for i in range(3):
                by = {"by": "me", "upto": i + 1, "at": 1.5}
                await writer.append("changes", {**by, "rows": [["t", "put", i, {}]]}, by)
            reader = LogReader(
                await conn.channel(),
                fund,
                state,
                lambda _db, r: seen.append((r.seq, r.payload, mode[0])),
            )
            reader.own = "me"
            reader.quiet_transaction = quiet
            await reader.start()
            await reader.read_to_end(ch)
            other = {"by": "other", "upto": 9, "at": 2.5}
            await writer.append("changes", {**other, "rows": [["t", "put", 7, {}]]}, other)
            await writer.append("changes", {"by": "me", "upto": 4, "rows": []}, {"by": "me"})
            await reader.read_to_end(ch)
            await reader.stop()
            position = state.position()
        finally:
            await conn.close()
            state.close()
        return seen, position

    seen, position = asyncio.run(scenario())

    assert [(seq, payload) for seq, payload, _ in seen] == [
        (0, {"by": "me", "upto": 1, "at": 1.5}),
        (1, {"by": "me", "upto": 2, "at": 1.5}),
        (2, {"by": "me", "upto": 3, "at": 1.5}),
        (3, {"by": "other", "upto": 9, "at": 2.5, "rows": [["t", "put", 7, {}]]}),
        (4, {"by": "me"}),
    ]
    assert [m for _, _, m in seen[:3]] == ["quiet"] * 3  # they were read before the other
    assert seen[3][2] == "state"
    assert (position.epoch, position.seq) == (0, 4)


def test_a_deposed_epoch_is_fenced_and_a_resent_record_applied_once(
    node: RabbitNode, tmp_path: Path
) -> None:
    fund = new_fund()

    async def scenario() -> tuple[list[tuple[int, int, str]], dict[str, int]]:
        conn = await aio_pika.connect(node.url)
        try:
            ch = await conn.channel(publisher_confirms=True)
            await declare_log(ch, fund)
            old = LogWriter(ch, fund, epoch=1)
            await old.append(EPOCH, {"holder": "A"})
            await old.append("decision", {"by": "A"})
            new = LogWriter(ch, fund, epoch=2)
            await new.append(EPOCH, {"holder": "B"})
            # A, deposed but not yet aware of it, still writes; B resends a record whose
            # confirm it did not see.
            await old.append("decision", {"by": "A, late"})
            await _publish(ch, fund, LogRecord(2, 0, EPOCH, {"holder": "B"}))
            await new.append("decision", {"by": "B"})

            applied: list[tuple[int, int, str]] = []
            state = ReplicaState(tmp_path / "replica.db", fund)
            reader = LogReader(
                await conn.channel(),
                fund,
                state,
                lambda _db, r: applied.append((r.epoch, r.seq, r.payload.get("by", r.kind))),
            )
            await reader.start()
            await reader.read_to_end(ch)
            await reader.stop()
            state.close()
        finally:
            await conn.close()
        return applied, dict(reader.counts)

    applied, counts = asyncio.run(scenario())

    assert applied == [(1, 0, "epoch"), (1, 1, "A"), (2, 0, "epoch"), (2, 1, "B")]
    assert counts == {"apply": 4, "fenced": 1, "duplicate": 1, "marker": 1}


class Worker:
    """A lease contender in its own process (tests/helpers/lease_worker.py)."""

    def __init__(self, url: str, fund: str, db: Path, holder: str, heartbeat: int) -> None:
        beat = str(heartbeat)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.lease_worker", url, fund, str(db), holder, beat],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait(30)


@pytest.mark.parametrize(("fault", "beat"), [("SIGKILL", HEARTBEAT), ("SIGSTOP", HEARTBEAT)])
def test_one_of_two_contenders_holds_the_lease_and_the_other_takes_over_when_it_dies(
    node: RabbitNode, tmp_path: Path, fault: str, beat: int
) -> None:
    """SIGKILL: the kernel closes the holder's socket. SIGSTOP: the holder hangs with its
    connection open, and only the missed heartbeats (HEARTBEAT, 1 s) end it."""
    fund = new_fund()
    figures: dict[str, float] = {}

    async def scenario() -> FundMember:
        worker = Worker(node.url, fund, tmp_path / "a.db", "A", heartbeat=beat)
        state = ReplicaState(tmp_path / "b.db", fund)
        b = FundMember(node.url, fund, state, lambda _c: Decision(True), holder="B", heartbeat=beat)
        try:
            await wait_until(lambda: "holding 0" in worker.lines, 60, "A holds the lease")
            await b.start()
            await wait_until(lambda: b.lease.refusals >= 2, 30, "B refused the lease twice")
            assert not b.holding.is_set()

            hit = time.monotonic()
            os.kill(worker.proc.pid, getattr(signal, fault))
            await asyncio.wait_for(b.holding.wait(), 60)
            assert b.became_holder_at is not None
            figures["failover_s"] = b.became_holder_at - hit
            return b
        finally:
            await b.stop()
            state.close()
            worker.close()

    b = asyncio.run(scenario())

    assert b.decided == []
    records = asyncio.run(read_whole_log(node.url, fund, tmp_path / "check.db"))
    assert [(r.epoch, r.kind, r.payload) for r in records] == [
        (0, EPOCH, {"holder": "A", "after": [-1, -1]}),
        (1, EPOCH, {"holder": "B", "after": [0, 0]}),
    ]
    print(f"lease failover after {fault} of the holder (heartbeat {beat} s): {figures}")


def test_a_command_takes_effect_once_across_resends_and_a_failover(
    node: RabbitNode, tmp_path: Path
) -> None:
    fund = new_fund()
    decided: list[tuple[str, str]] = []

    def decide_as(holder: str) -> Callable[[Command], Decision]:
        def decide(command: Command) -> Decision:
            decided.append((holder, command.command_id))
            if command.payload.get("spots", 0) < 0:
                return Decision(False, "spots must not be negative")
            return Decision(True, details={"decided_by": holder})

        return decide

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        proxy = TcpProxy("127.0.0.1", node.port)
        await proxy.reserve()
        await proxy.open()
        sa, sb = ReplicaState(tmp_path / "a.db", fund), ReplicaState(tmp_path / "b.db", fund)
        a = FundMember(proxy.url, fund, sa, decide_as("A"), holder="A")
        b = FundMember(node.url, fund, sb, decide_as("B"), holder="B")
        conn = await aio_pika.connect(node.url)
        try:
            await a.start()
            await asyncio.wait_for(a.holding.wait(), 30)
            await b.start()
            await wait_until(lambda: b.lease.refusals >= 1, 30, "B refused the lease")
            sender = CommandSender(conn, fund, "C")
            c1 = await sender.send("change_capacity", {"spots": 5})
            await sender.send(c1.action, c1.payload, command_id=c1.command_id)  # resent
            c2 = await sender.send("change_capacity", {"spots": -1})
            await wait_until(lambda: sb.command_outcome(c2.command_id) is not None, 30, "c2")

            await proxy.close()  # A is cut off from the broker
            await asyncio.wait_for(b.holding.wait(), 30)
            await sender.send(c1.action, c1.payload, command_id=c1.command_id)  # resent again
            c3 = await sender.send("change_capacity", {"spots": 7})
            await wait_until(lambda: sb.command_outcome(c3.command_id) is not None, 30, "c3")
            outcomes = [
                str((sb.command_outcome(c.command_id) or {}).get("status")) for c in (c1, c2, c3)
            ]
            return [c1.command_id, c2.command_id, c3.command_id], outcomes, a.decided + b.decided
        finally:
            await a.stop()
            await b.stop()
            await conn.close()
            await proxy.close()
            sa.close()
            sb.close()

    ids, outcomes, _ = asyncio.run(scenario())
    c1, c2, c3 = ids

    assert decided == [("A", c1), ("A", c2), ("B", c3)]
    assert outcomes == ["applied", "refused", "applied"]
    records = asyncio.run(read_whole_log(node.url, fund, tmp_path / "check.db"))
    assert [(r.epoch, r.kind, r.payload.get("command_id")) for r in records] == [
        (0, EPOCH, None),
        (0, COMMAND, c1),
        (0, COMMAND, c2),
        (1, EPOCH, None),
        (1, COMMAND, c3),
    ]
    assert records[2].payload["reason"] == "spots must not be negative"


def test_log_read_rate(node: RabbitNode, tmp_path: Path) -> None:
    """Not a speed assertion: 2,000 records appended and read back whole, rate printed."""
    fund = new_fund()
    count = 2000

    async def scenario() -> tuple[int, float, float]:
        conn = await aio_pika.connect(node.url)
        try:
            ch = await conn.channel(publisher_confirms=True)
            await declare_log(ch, fund)
            writer = LogWriter(ch, fund, epoch=0)
            began = time.monotonic()
            for i in range(count):
                await writer.append("decision", {"i": i, "rows": [["participation", i, "x"]]})
            wrote = time.monotonic() - began
            applied: list[int] = []
            state = ReplicaState(tmp_path / "replica.db", fund)
            reader = LogReader(
                await conn.channel(), fund, state, lambda _db, r: applied.append(r.payload["i"])
            )
            began = time.monotonic()
            await reader.start()
            await reader.read_to_end(ch, timeout=120)
            read = time.monotonic() - began
            await reader.stop()
            state.close()
            assert applied == list(range(count))
        finally:
            await conn.close()
        return len(applied), wrote, read

    n, wrote, read = asyncio.run(scenario())
    assert n == count
    print(
        f"log: {count} appends awaited one by one {count / wrote:.0f}/s; "
        f"read+applied (one SQLite transaction each) {count / read:.0f}/s"
    )


def test_a_replica_reading_the_log_holds_the_arbiters_rows_after_a_stream_of_responses(
    node: RabbitNode, tmp_path: Path
) -> None:
    fund = new_fund()
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, 0))
    arbiter_db, replica_db = tmp_path / "a" / "console.db", tmp_path / "b" / "console.db"
    store = Store(arbiter_db)
    install_capture(store.conn)
    engine = Engine(store, fund, clock)
    Store(replica_db).close()

    async def scenario() -> tuple[int, dict[str, int]]:
        conn = await aio_pika.connect(node.url)
        state = ReplicaState(replica_db, fund)
        try:
            ch = await conn.channel(publisher_confirms=True)
            await declare_log(ch, fund)
            publisher = ChangesetPublisher(store.conn, LogWriter(ch, fund, epoch=0))
            reader = LogReader(await conn.channel(), fund, state, apply_changeset)
            await reader.start()  # reading while the arbiter decides
            app = engine.create_application(a_form(clock, spots=4))
            await publisher.publish_pending()
            for v in range(40):
                status = "declined" if v % 7 == 6 else "accepted"
                engine.handle([response(fund, app, str(v // 2), status)])
                await publisher.publish_pending()
            clock.advance(minutes=10)
            engine.tick()
            store.mark_sent([row.seq for row in store.pending_outbox()], clock.now())
            await publisher.publish_pending()
            await reader.read_to_end(ch)
            await reader.stop()
            return publisher.published, dict(reader.counts)
        finally:
            await conn.close()
            state.close()

    try:
        published, counts = asyncio.run(scenario())
        arbiter_rows = table_rows(arbiter_db)
    finally:
        store.close()

    assert counts["apply"] == published > 40
    assert table_rows(replica_db) == arbiter_rows
    assert arbiter_rows["participation"] and arbiter_rows["outbox"]


def test_a_replica_the_retention_left_behind_starts_again_from_a_snapshot(
    node: RabbitNode, tmp_path: Path
) -> None:
    fund = new_fund()
    # A tiny stream: 4 KB segments, 100 KB kept; whole segments go once it is over.
    retention = {
        "x-queue-type": "stream",
        "x-max-length-bytes": 100_000,
        "x-stream-max-segment-size-bytes": 4_000,
    }
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, 0))
    arbiter_db, replica_db = tmp_path / "a" / "console.db", tmp_path / "b" / "console.db"
    store = Store(arbiter_db)
    install_capture(store.conn)
    engine = Engine(store, fund, clock)
    Store(replica_db).close()

    async def scenario() -> tuple[dict[str, int], bool]:
        conn = await aio_pika.connect(node.url)
        state = ReplicaState(replica_db, fund)
        try:
            ch = await conn.channel(publisher_confirms=True)
            await declare_log(ch, fund, retention)
            publisher = ChangesetPublisher(store.conn, LogWriter(ch, fund, epoch=0))
            app = engine.create_application(a_form(clock, spots=500))
            await publisher.publish_pending()
            v = 0
            while (
                await first_record(conn, fund, retention, markers=True)
            ).offset == 0:  # until retention has dropped the first ones
                for _ in range(20):
                    engine.handle([response(fund, app, str(v))])
                    await publisher.publish_pending()
                    v += 1
                assert v < 2000, "the stream never dropped a segment"
            await publisher.publish_snapshot()
            for _ in range(3):
                engine.handle([response(fund, app, str(v))])
                await publisher.publish_pending()
                v += 1
            reader = LogReader(
                await conn.channel(), fund, state, apply_changeset, log_arguments=retention
            )
            await reader.start()
            await reader.read_to_end(ch)
            await reader.stop()
            return dict(reader.counts), reader.behind
        finally:
            await conn.close()
            state.close()

    try:
        counts, behind = asyncio.run(scenario())
        arbiter_rows = table_rows(arbiter_db)
    finally:
        store.close()

    assert not behind
    assert counts["behind"] > 0 and counts["apply"] == 4  # the snapshot, then three sets
    assert table_rows(replica_db) == arbiter_rows


@pytest.mark.slow
def test_on_a_cluster_the_lease_and_the_log_survive_the_loss_of_the_holders_node(
    tmp_path: Path,
) -> None:
    fund = new_fund()
    figures: dict[str, float] = {}
    with private_cluster(3) as nodes:
        figures["cluster_formed_s"] = nodes[0].timings["cluster"]

        async def scenario() -> list[str]:
            sa, sb = ReplicaState(tmp_path / "a.db", fund), ReplicaState(tmp_path / "b.db", fund)
            a = FundMember(nodes[0].url, fund, sa, lambda _c: Decision(True), holder="A")
            b = FundMember(nodes[1].url, fund, sb, lambda _c: Decision(True), holder="B")
            conn = await aio_pika.connect(nodes[2].url)
            try:
                await a.start()
                await asyncio.wait_for(a.holding.wait(), 60)
                await b.start()
                await wait_until(lambda: b.lease.refusals >= 1, 30, "B refused the lease")
                sender = CommandSender(conn, fund, "C")
                sent = [await sender.send("publish", {"n": i}) for i in range(5)]
                await wait_until(
                    lambda: all(sb.command_outcome(c.command_id) for c in sent), 60, "decided"
                )
                hit = time.monotonic()
                await asyncio.to_thread(nodes[0].kill)
                await asyncio.wait_for(b.holding.wait(), 120)
                assert b.became_holder_at is not None
                figures["failover_after_node_kill_s"] = b.became_holder_at - hit
                more = [await sender.send("publish", {"n": i}) for i in range(5, 8)]
                await wait_until(
                    lambda: all(sb.command_outcome(c.command_id) for c in more), 60, "decided"
                )
                return [c.command_id for c in sent + more]
            finally:
                await a.stop()
                await b.stop()
                await conn.close()
                sa.close()
                sb.close()

        ids = asyncio.run(scenario())
        records = asyncio.run(read_whole_log(nodes[2].url, fund, tmp_path / "check.db"))
    commands = [r.payload["command_id"] for r in records if r.kind == COMMAND]
    assert commands == ids
    assert [r.epoch for r in records if r.kind == EPOCH] == [0, 1]
    print(f"cluster lease/log figures: {figures}")


def test_a_console_away_for_longer_than_the_log_keeps_catches_up_from_a_snapshot(
    node: RabbitNode, tmp_path: Path
) -> None:
    """Two running consoles on a stream that keeps ~100 KB. B stops; A decides until the
    records after B's stored offset are gone. B, back, finds the gap, applies nothing and
    says it is behind. A stops as well: B, behind, does not take the lease (it would decide
    on a picture older than what the log lost); A, back, does, and its periodic snapshot
    (the 6-hour timer, brought forward) makes B hold A's rows and follow the log again."""
    fund = new_fund()
    retention = {
        "x-queue-type": "stream",
        "x-max-length-bytes": 100_000,
        "x-stream-max-segment-size-bytes": 4_000,
    }
    options = {"log_arguments": retention, "snapshot_every": 3600.0}

    def console(name: str) -> ConsoleCore:
        return ConsoleCore(
            tmp_path / name, fund, node.url, console_name=name, replication_options=options
        )

    def stored_position(name: str) -> tuple[int, int]:
        with contextlib.closing(sqlite3.connect(tmp_path / name / DB_NAME)) as c:
            epoch, seq = c.execute("SELECT epoch, seq FROM replication_position").fetchone()
            return int(epoch), int(seq)

    def equal() -> bool:
        return table_rows(tmp_path / "A" / DB_NAME) == table_rows(tmp_path / "B" / DB_NAME)

    async def scenario() -> dict[str, Any]:
        a, b = console("A"), console("B")
        conn = await aio_pika.connect(node.url)
        vol = VolunteerClient(fund, node.url)
        await vol.start()
        try:
            await a.start()
            assert a.replication is not None
            await wait_until(lambda: bool(a.replication and a.replication.deciding), 30, "A")
            app = await a.writer.call(
                a.engine.create_application, a_form(SystemClock(), spots=1000, policy="auto")
            )
            await b.start()
            await wait_until(equal, 30, "B to hold A's rows")
            await b.stop()
            epoch, seq = stored_position("B")

            async def kept_what_b_needs() -> bool:
                # By sequence number, not offset: the offset after B's may hold no record (a
                # sync marker, a chunk of the broker's own), so a first offset past it does
                # not mean the record B reads next is gone.
                first = await first_record(conn, fund, retention)
                return first.epoch == epoch and first.seq <= seq + 1

            v = 0
            while await kept_what_b_needs():  # until what B has not read is gone
                for _ in range(25):
                    await vol.respond(app, v, "accepted")
                    v += 1
                await wait_until(lambda n=v: len(vol.notifications) >= n, 60, f"{v} answered")
                assert v < 3000, "the stream never dropped what B had not read"

            b = console("B")
            await b.start()
            assert b.replication is not None
            replica = b.replication
            await wait_until(lambda: replica.status()["behind"], 30, "B to find the gap")
            assert not equal()
            # A goes away too: B must not decide on a picture older than what the log lost
            await a.stop()
            await wait_until(
                lambda: getattr(replica, "held_back", 0) >= 3 or replica.deciding, 30, "B"
            )
            assert not replica.deciding and replica.epoch is None
            a = console("A")  # back, A takes the lease again: B never held it
            await a.start()
            assert a.replication is not None
            await wait_until(lambda: bool(a.replication and a.replication.deciding), 30, "A")
            assert a.replication.epoch == 1
            a.replication.snapshot_every = 0.0  # the periodic snapshot, now
            await wait_until(equal, 30, "B to start again from A's snapshot")
            a.replication.snapshot_every = 3600.0
            assert not replica.status()["behind"]
            await vol.respond(app, v, "accepted")  # and B follows the log from there on
            await wait_until(lambda: len(vol.notifications) > v, 30, "the last answer")
            await wait_until(equal, 30, "B to apply what followed the snapshot")
            assert replica.reader is not None
            return {"answered": v + 1, "away_at_seq": seq, **replica.reader.counts}
        finally:
            await vol.close()
            await b.stop()
            await a.stop()
            await conn.close()

    counts = asyncio.run(scenario())
    assert counts["behind"] > 0 and counts["apply"] >= 2  # the snapshot, then what followed
    print(f"replica back after the log's retention: {counts}")
