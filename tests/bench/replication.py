"""Decision log and lease figures on a private node: `.venv/bin/python -m tests.bench.replication`.

Starts its own RabbitMQ node (tests/helpers/rabbit_node.py; never the shared one) and prints:
node start; log appends (each confirmed before the next); the raw aio-pika consume+ack rate of
the same stream (the baseline) and the LogReader's rate (records applied and committed to
SQLite with their position), with their ratio; changesets of a response stream captured,
published and applied; lease failover after SIGKILL and after SIGSTOP of the holder (a
worker process). Each figure is the median of --repeat runs (3).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import aio_pika

from core.clock import ManualClock
from core.engine import Engine
from core.replication.arbiter import Decision, FundMember
from core.replication.changes import ChangesetPublisher, apply_changeset, install_capture
from core.replication.log import LogReader, LogWriter, declare_log
from core.replication.state import ReplicaState
from core.storage import Store
from tests.helpers.factories import a_form, response
from tests.helpers.rabbit_node import RabbitNode

ROOT = Path(__file__).resolve().parents[2]


async def log_rates(url: str, fund: str, n: int, tmp: Path) -> dict[str, float]:
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel(publisher_confirms=True)
        await declare_log(ch, fund)
        writer = LogWriter(ch, fund, epoch=0)
        began = time.monotonic()
        for i in range(n):
            await writer.append("decision", {"i": i, "rows": [["participation", i, "x"]]})
        append = n / (time.monotonic() - began)

        raw = await conn.channel()
        await raw.set_qos(prefetch_count=500)
        queue = await declare_log(raw, fund)
        got = 0
        done = asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal got
            got += 1
            await message.ack()
            if got >= n:
                done.set()

        began = time.monotonic()
        tag = await queue.consume(on_message, arguments={"x-stream-offset": 0})
        await done.wait()
        baseline = n / (time.monotonic() - began)
        await queue.cancel(tag)

        state = ReplicaState(tmp / f"{fund}.db", fund)
        reader = LogReader(await conn.channel(), fund, state)
        began = time.monotonic()
        await reader.start()
        await reader.read_to_end(ch, timeout=300)
        read = n / (time.monotonic() - began)
        await reader.stop()
        state.close()
    finally:
        await conn.close()
    return {"append": append, "raw_read": baseline, "reader": read}


async def changeset_rate(url: str, fund: str, responses: int, tmp: Path) -> float:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, 0))
    store = Store(tmp / fund / "a.db")
    install_capture(store.conn)
    engine = Engine(store, fund, clock)
    Store(tmp / fund / "b.db").close()
    state = ReplicaState(tmp / fund / "b.db", fund)
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel(publisher_confirms=True)
        await declare_log(ch, fund)
        publisher = ChangesetPublisher(store.conn, LogWriter(ch, fund, epoch=0))
        reader = LogReader(await conn.channel(), fund, state, apply_changeset)
        await reader.start()
        app = engine.create_application(a_form(clock, spots=responses // 2))
        began = time.monotonic()
        for v in range(0, responses, 10):
            engine.handle([response(fund, app, str(v + k)) for k in range(10)])
            await publisher.publish_pending()
        await reader.read_to_end(ch, timeout=300)
        took = time.monotonic() - began
        await reader.stop()
    finally:
        await conn.close()
        state.close()
        store.close()
    return responses / took


async def failover(url: str, fund: str, fault: str, beat: int, tmp: Path) -> float:
    db = str(tmp / f"{fund}a")
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.lease_worker", url, fund, db, "A", str(beat)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    held = threading.Event()

    def read() -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            if line.startswith("holding"):
                held.set()

    threading.Thread(target=read, daemon=True).start()
    state = ReplicaState(tmp / f"{fund}b", fund)
    b = FundMember(url, fund, state, lambda _c: Decision(True), holder="B", heartbeat=beat)
    try:
        await asyncio.to_thread(held.wait, 60)
        await b.start()
        while b.lease.refusals < 2:
            await asyncio.sleep(0.05)
        hit = time.monotonic()
        os.kill(worker.pid, getattr(signal, fault))
        await asyncio.wait_for(b.holding.wait(), 60)
        assert b.became_holder_at is not None
        return b.became_holder_at - hit
    finally:
        await b.stop()
        state.close()
        worker.kill()
        worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    node = RabbitNode.create()
    try:
        start = node.start()
        print(f"private node started in {start:.1f} s")
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            runs = [
                asyncio.run(log_rates(node.url, f"bench{i}", args.records, tmp))
                for i in range(args.repeat)
            ]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(f"log append, each confirmed: {med['append']:.0f} records/s")
            print(f"raw consume+ack of the stream (baseline): {med['raw_read']:.0f} records/s")
            print(
                f"LogReader, applied + committed: {med['reader']:.0f} records/s,"
                f" ratio to baseline {med['reader'] / med['raw_read']:.2f}"
            )
            rate = statistics.median(
                asyncio.run(changeset_rate(node.url, f"cs{i}", args.responses, tmp))
                for i in range(args.repeat)
            )
            print(f"responses decided, captured, logged and applied by a replica: {rate:.0f}/s")
            for fault, beat in (("SIGKILL", 2), ("SIGSTOP", 2), ("SIGSTOP", 1)):
                took = statistics.median(
                    asyncio.run(failover(node.url, f"fo{fault}{beat}{i}", fault, beat, tmp))
                    for i in range(args.repeat)
                )
                print(
                    f"lease failover after {fault} of the holder, heartbeat {beat} s: {took:.2f} s"
                )
    finally:
        node.remove()


if __name__ == "__main__":
    main()
