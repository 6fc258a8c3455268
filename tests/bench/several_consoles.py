"""Several consoles of one fund: `.venv/bin/python -m tests.bench.several_consoles`.

On the broker at --broker (the shared one by default; each run uses fresh fund ids and
deletes what it declared), in one process and one run:
(a) a single console without a decision log (the console as it was) consumes N pre-published
    responses; (b) the arbiter with the log, a replica (a headless console in a process of its own)
    following it, on the same N: the ratio
    b/a is the log's cost (target >= 0.8); (c) replica lag at an offered load of --rate
    responses/s: from the arbiter's commit of a decision to its row in the replica's file (the
    replica in its own process), p50/p99
    (target p99 <= 200 ms); (d) catch-up: --backlog decisions (each a decision's rows:
    participation, activity, outbox, inbox), --per-record of them to a log record as the
    arbiter writes them, appended while no replica reads, then a fresh replica console reads
    them all into its SQLite; decisions/s and seconds (target 100,000 in < 10 s); (d') the
    same for --worst decisions written one a record (a trickle of decisions). CPU seconds of
    this process are printed beside the wall-clock figures: the machine is shared, so
    wall-clock figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aio_pika

from core.broker.topology import queue_names
from core.config import DB_NAME
from core.replication import STATUS_FILE
from core.replication.changes import FORMAT, runs_json
from core.replication.log import LogWriter, declare_log
from core.replication.names import log_stream
from core.replication.records import EPOCH, SNAPSHOT
from core.service import ConsoleCore
from tests.bench.throughput import make_application, prepublish, queue_depth
from tests.helpers.broker import BROKER_URL, delete_fund_queues

RATIO_TARGET = 0.8
LAG_P99_TARGET_MS = 200.0
CATCH_UP_TARGET_S = 10.0
# Decisions in one `changes` record when the arbiter decides 200 responses/s: it appends all
# it captured since its last append, each confirmed before the next (measured here at load 8:
# 59 rows a record, about 15 decisions of 4 rows; at full speed, 945 rows)
PER_RECORD = 15


ROOT = Path(__file__).resolve().parents[2]


def replica_process(
    data_dir: Path, fund: str, url: str, trace: Path | None = None
) -> subprocess.Popen[bytes]:
    """A headless console of the fund in a child process (it follows the arbiter); with
    trace, its stages are stamped into that file (lag_trace)."""
    data_dir.mkdir()
    module = ["tests.helpers.broker"] if trace is None else ["tests.bench.lag_trace", str(trace)]
    with (data_dir / "service.log").open("wb") as log_file:  # a file, never a pipe
        return subprocess.Popen(
            [sys.executable, "-m", *module, str(data_dir), fund, url],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )


def count_rows(db: Path) -> int:
    """Participation rows in a console's file (0 while it is not there yet)."""
    try:
        with contextlib.closing(sqlite3.connect(db)) as c:
            return int(c.execute("SELECT COUNT(*) FROM participation").fetchone()[0])
    except sqlite3.Error:
        return 0


def following(data_dir: Path, offset: int) -> bool:
    """Whether a console's log reader is connected and has read up to offset (its status
    file, written every second)."""
    try:
        status = json.loads((data_dir / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return False
    return bool(status.get("log_connected")) and int(status.get("log_offset", 0)) >= offset


async def offered_load_elsewhere(
    url: str, fund: str, app_id: str, total: int, rate: float, out: Path
) -> dict[str, float]:
    """throughput.offered_load in a process of its own (the volunteers are not in the
    arbiter's process: there, their publishing and answers took the arbiter's loop)."""
    code = (
        "import asyncio, json, sys\n"
        "from pathlib import Path\n"
        "from tests.bench.throughput import offered_load\n"
        "got, _ = asyncio.run(offered_load(sys.argv[1], sys.argv[2], sys.argv[3],"
        " int(sys.argv[4]), float(sys.argv[5])))\n"
        "Path(sys.argv[6]).write_text(json.dumps(got))\n"
    )
    args = [url, fund, app_id, str(total), str(rate), str(out)]
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT)
    while child.poll() is None:
        await asyncio.sleep(0.05)
    if child.returncode != 0:
        raise RuntimeError(f"the offered load failed ({child.returncode})")
    got: dict[str, float] = json.loads(out.read_text())
    return got


def new_fund() -> str:
    return f"sev{uuid.uuid4().hex[:8]}"


async def until(predicate: Any, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def throughput(url: str, n: int, *, with_log: bool) -> dict[str, Any]:
    """N pre-published responses through one console (with the log: an arbiter + a replica)."""
    fund = new_fund()
    with tempfile.TemporaryDirectory(prefix="bench-several-") as tmp:
        arbiter_dir = Path(tmp) / "arbiter"
        arbiter_dir.mkdir()
        app_id = make_application(arbiter_dir, fund, n - max(1, n // 10))
        await prepublish(url, fund, app_id, n)
        arbiter = ConsoleCore(arbiter_dir, fund, url, replicate=with_log, console_name="arbiter")
        replica: subprocess.Popen[bytes] | None = None
        applied = 0

        def count(change: Any) -> None:
            nonlocal applied
            applied += change.responses

        arbiter.engine.subscribe(count)
        await arbiter.start()
        if with_log:
            assert arbiter.replication is not None
            await until(lambda: arbiter.replication.deciding, 30, "the arbiter")  # type: ignore[union-attr]
            # the replica in a process of its own, as on another machine
            replica = replica_process(Path(tmp) / "replica", fund, url)
        await until(lambda: arbiter.transport.status.state == "connected", 30, "connected")
        t0, c0 = time.perf_counter(), time.process_time()
        await until(lambda: applied >= n and arbiter.queries.backlog() == 0, 600, "all applied")
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        caught = None
        if replica is not None:
            t1 = time.perf_counter()
            want = count_rows(arbiter_dir / DB_NAME)
            await until(lambda: count_rows(Path(tmp) / "replica" / DB_NAME) == want, 120, "replica")
            caught = time.perf_counter() - t1
            replica.terminate()
            replica.wait(30)
        await arbiter.stop()
        left = await queue_depth(url, queue_names(fund)["responses"])
        await delete_fund_queues(fund, url)
    return {"n": n, "seconds": elapsed, "rate": n / elapsed, "cpu_s": cpu, "left": left,
            "replica_after_s": caught}  # fmt: skip


async def lag(url: str, rate: float, seconds: float, trace: bool = False) -> dict[str, Any]:
    """Replica lag at an offered load: from the arbiter's commit of a volunteer's decision to
    its row in the replica's file (a headless console in its own process, its file polled
    every 5 ms by a read-only connection in a third process, row_watch: the figures include
    up to 5 ms of polling; the volunteers publish and read their answers in a fourth). With
    trace, the lag is decomposed into its stages (lag_trace)."""
    fund = new_fund()
    arbiter_trace: dict[str, Any] = {}
    if trace:
        from tests.bench import lag_trace

        lag_trace.install_arbiter(arbiter_trace)
    total = int(rate * seconds)
    with tempfile.TemporaryDirectory(prefix="bench-lag-") as tmp:
        arbiter_dir = Path(tmp) / "arbiter"
        arbiter_dir.mkdir()
        app_id = make_application(arbiter_dir, fund, max(1, total // 2))
        arbiter = ConsoleCore(arbiter_dir, fund, url, console_name="arbiter")
        committed: dict[str, float] = {}

        def on_commit(change: Any) -> None:  # on the arbiter's writer thread, after commit
            now = time.monotonic()
            for p in change.participants:
                committed.setdefault(p.volunteer_id, now)

        arbiter.engine.subscribe(on_commit)
        await arbiter.start()
        assert arbiter.replication is not None
        await until(lambda: arbiter.replication.deciding, 30, "the arbiter")  # type: ignore[union-attr]
        replica_db = Path(tmp) / "replica" / DB_NAME
        trace_file = Path(tmp) / "trace.json" if trace else None
        replica = replica_process(Path(tmp) / "replica", fund, url, trace_file)
        await until(lambda: count_rows(replica_db) >= 0 and replica_db.exists(), 30, "replica")
        await until(lambda: arbiter.transport.status.state == "connected", 30, "connected")
        # The replica follows before the load starts: its reader has read what the arbiter's
        # has (on a loaded machine its start took longer than any fixed wait, and the lag
        # of the first decisions was its start, not a lag)
        logged = arbiter.replication.state.position().next_offset
        await until(lambda: following(Path(tmp) / "replica", logged), 120, "the replica follows")
        await asyncio.sleep(1.0)
        seen_file = Path(tmp) / "seen.json"
        watcher = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.row_watch", str(replica_db), str(seen_file)],
            cwd=ROOT,
        )
        await asyncio.sleep(0.5)  # the watcher has started
        c0 = time.process_time()
        got = await offered_load_elsewhere(url, fund, app_id, total, rate, Path(tmp) / "got.json")
        await asyncio.sleep(2.0)
        watcher.terminate()
        watcher.wait(30)
        seen: dict[str, float] = json.loads(seen_file.read_text())
        cpu = time.process_time() - c0
        replica.terminate()
        replica.wait(30)
        await arbiter.stop()
        await delete_fund_queues(fund, url)
        stages: list[str] = []
        if trace_file is not None:
            from tests.bench import lag_trace

            replica_trace = json.loads(trace_file.read_text())
            stages = lag_trace.decompose(arbiter_trace, replica_trace, committed, seen)
            service_log = (Path(tmp) / "replica" / "service.log").read_text(errors="replace")
            stages += [f"  replica: {line}" for line in lag_trace.troubles(service_log)]
    samples = sorted((seen[v] - committed[v]) * 1000 for v in committed if v in seen)
    q = statistics.quantiles(samples, n=100) if len(samples) >= 2 else samples * 99
    return {"responses": total, "answered": len(got), "records": len(samples),
            "p50": q[49], "p99": q[98], "max": samples[-1] if samples else float("nan"),
            "cpu_s": cpu, "stages": stages}  # fmt: skip


def decision_rows(i: int, app_id: str) -> list[list[Any]]:
    """The rows one response's decision writes (as the capture sends them)."""
    vid = f"v{i}"
    at = "2026-12-01T10:00:00"
    return [
        ["participation", "put", i + 1, {"application_id": app_id, "volunteer_id": vid,
         "state": "signed", "responded_at": at, "seq": i + 1, "since": at}],
        ["activity", "put", i + 1, {"id": i + 1, "application_id": app_id, "at": at,
         "actor": f"volunteer {vid}", "kind": "signed_up", "volunteer_id": vid,
         "cause": f"m{i}", "params": "{}"}],
        ["outbox", "put", i + 1, {"seq": i + 1, "message_id": f"o{i}",
         "exchange": "volunteer_notification_exchange",
         "routing_key": f"fund.x.volunteer.{vid}", "action": "volunteer_notification",
         "body": "{}", "created_at": at, "sent_at": None, "attempts": 0, "last_error": None,
         "application_id": app_id, "volunteer_id": vid, "failed_at": None, "payload": None,
         "properties": None}],
        ["inbox", "put", i + 1, {"key": f"5:bench:m{i}", "message_id": f"m{i}",
         "sender": "bench", "content_hash": None, "received_at": at, "outcome": "applied",
         "exchange": "volunteer_response_exchange", "routing_key": "k",
         "action": "volunteer_response/accepted", "application_id": app_id,
         "volunteer_id": vid, "body": "{}"}],
    ]  # fmt: skip


def record_payload(start: int, end: int, app_id: str, form: int = FORMAT) -> dict[str, Any]:
    """A `changes` payload of decisions start..end-1 in a format: 2 as the arbiter writes it
    (from the rows as its triggers capture them), 1 as the consoles before it wrote it."""
    rows = [row for i in range(start, end) for row in decision_rows(i, app_id)]
    payload: dict[str, Any] = {"upto": end, "by": "bench", "at": time.time()}
    if form == 1:
        return {**payload, "rows": rows}
    captured = [
        (n, tbl, op, rowid, json.dumps([rowid, *row.values()]))
        for n, (tbl, op, rowid, row) in enumerate(rows)
    ]
    columns = {tbl: list(row) for tbl, _op, _rowid, row in rows}
    return {**payload, "format": form, "runs": json.loads(runs_json(captured, columns))}


async def catch_up(
    url: str, backlog: int, verbose: bool = False, per_record: int = 1, form: int = FORMAT
) -> dict[str, Any]:
    """A fresh replica reads a backlog of decisions into its SQLite, per_record decisions to
    a `changes` record (the arbiter puts every row captured since its last append in one),
    of the record format form."""
    fund = new_fund()
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel(publisher_confirms=True)
        await declare_log(ch, fund)
        writer = LogWriter(ch, fund, epoch=0)
        await writer.append(EPOCH, {"holder": "bench", "name": "bench", "after": [-1, -1]})
        await writer.append(SNAPSHOT, {"tables": {}, "by": "bench"})
        app_id = "1"
        t0 = time.perf_counter()
        # Appended in windows of confirms (the reader is what is measured, not the writer).
        window = 500
        ex = ch.default_exchange
        starts = list(range(0, backlog, per_record))
        last_seq = len(starts) + 1
        for w in range(0, len(starts), window):
            futures = []
            for seq, start in enumerate(starts[w : w + window], w + 2):
                end = min(backlog, start + per_record)
                body = json.dumps(
                    {"epoch": 0, "seq": seq, "kind": "changes",
                     "payload": record_payload(start, end, app_id, form)},
                    separators=(",", ":"),
                ).encode()  # fmt: skip
                futures.append(
                    ex.publish(
                        aio_pika.Message(body, message_id=f"0.{seq}.changes"),
                        routing_key=log_stream(fund),
                    )
                )
            await asyncio.gather(*futures)
        appended = time.perf_counter() - t0
    finally:
        await conn.close()
    with tempfile.TemporaryDirectory(prefix="bench-catchup-") as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        replica = ConsoleCore(Path(tmp), fund, url, console_name="replica")
        replica.replication.lease.retry_every = 3600  # type: ignore[union-attr]  # reads only
        await replica.start()
        assert replica.replication is not None
        rep = replica.replication
        marks: list[tuple[float, int]] = []

        def done() -> bool:
            # What the reader committed (its position once a batch's transaction is done):
            # not a query of its connection from this thread, which waits on the writer
            # thread's statements and sees its transaction before the commit. A later epoch
            # (the replica took the lease after the backlog) is past it too.
            position = rep.reader.position if rep.reader is not None else None
            seq = position.seq if position is not None else -1
            if not marks or time.perf_counter() - marks[-1][0] > 1.0:
                marks.append((time.perf_counter(), seq))
            return position is not None and (position.epoch > 0 or seq >= last_seq)

        await until(done, 600, "the backlog")
        if verbose:
            print("  progress:", [(round(t - t0, 1), q) for t, q in marks])
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        await replica.stop()
        db = sqlite3.connect(Path(tmp) / DB_NAME)  # a fresh reader: what the file holds
        rows = db.execute("SELECT COUNT(*) FROM participation").fetchone()[0]
        db.close()
    await delete_fund_queues(fund, url)
    return {"decisions": backlog, "records": len(starts), "seconds": elapsed,
            "rate": backlog / elapsed, "cpu_s": cpu, "rows": rows,
            "append_s": appended}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.several_consoles", description=__doc__)
    ap.add_argument("--broker", default=BROKER_URL)
    ap.add_argument("--messages", type=int, default=5000, help="N for (a) and (b)")
    ap.add_argument("--rate", type=float, default=200, help="offered load for (c), responses/s")
    ap.add_argument("--seconds", type=float, default=10, help="how long (c) runs")
    ap.add_argument("--backlog", type=int, default=100_000, help="decisions for (d)")
    ap.add_argument(
        "--per-record",
        type=int,
        default=PER_RECORD,
        help="decisions a log record holds in (d) (the arbiter's at 200 responses/s)",
    )
    ap.add_argument(
        "--worst",
        type=int,
        default=10_000,
        help="decisions for (d'): one decision a record (a trickle); 0 skips it",
    )
    ap.add_argument("--verbose", action="store_true", help="progress of (d)")
    ap.add_argument("--trace", action="store_true", help="(c) decomposed into its stages")
    ap.add_argument("--skip", default="", help="letters of the parts to skip, e.g. cd")
    ap.add_argument(
        "--format",
        type=int,
        choices=(1, 2),
        default=FORMAT,
        help="the `changes` records' format in (d) (1: as before the compact rows)",
    )
    args = ap.parse_args(argv)
    url = args.broker
    if "a" not in args.skip and "b" not in args.skip:
        single = asyncio.run(throughput(url, args.messages, with_log=False))
        print(f"(a) single console, no log: {single['rate']:.0f} responses/s"
              f" ({single['seconds']:.2f} s, CPU {single['cpu_s']:.2f} s)")  # fmt: skip
        logged = asyncio.run(throughput(url, args.messages, with_log=True))
        print(f"(b) arbiter with the log and a replica: {logged['rate']:.0f} responses/s"
              f" ({logged['seconds']:.2f} s, CPU {logged['cpu_s']:.2f} s); replica equal"
              f" {logged['replica_after_s']:.2f} s after the last")  # fmt: skip
        ratio = logged["rate"] / single["rate"]
        print(f"    ratio b/a = {ratio:.2f} (target >= {RATIO_TARGET})")
    if "c" not in args.skip:
        lagged = asyncio.run(lag(url, args.rate, args.seconds, args.trace))
        print(f"(c) replica lag at {args.rate:.0f} responses/s: p50 {lagged['p50']:.1f} ms,"
              f" p99 {lagged['p99']:.1f} ms, max {lagged['max']:.1f} ms over"
              f" {lagged['records']} decisions ({lagged['answered']}/{lagged['responses']}"
              f" answered; target p99 <= {LAG_P99_TARGET_MS:.0f} ms)")  # fmt: skip
        for line in lagged["stages"]:
            print(line)
    if "d" not in args.skip:
        caught = asyncio.run(
            catch_up(url, args.backlog, args.verbose, args.per_record, args.format)
        )
        print(f"(d) catch-up of {caught['decisions']:,} decisions in {caught['records']:,} log"
              f" records ({args.per_record} a record, format {args.format}):"
              f" {caught['seconds']:.2f} s"
              f" ({caught['rate']:,.0f} decisions/s, CPU {caught['cpu_s']:.2f} s;"
              f" {caught['rows']:,} rows; target < {CATCH_UP_TARGET_S:.0f} s)")  # fmt: skip
        if args.worst:
            caught = asyncio.run(catch_up(url, args.worst, args.verbose, 1, args.format))
            print(f"(d') catch-up of {caught['decisions']:,} decisions, one a record:"
                  f" {caught['seconds']:.2f} s ({caught['rate']:,.0f} records/s,"
                  f" CPU {caught['cpu_s']:.2f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
