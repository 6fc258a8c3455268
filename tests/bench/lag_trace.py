"""Where a replica's lag goes: timestamps along one decision's way, for several_consoles --trace.

The arbiter (the bench's process) and the replica (a child process started through this
module's main) are patched, not changed: each stage's start is stamped with time.monotonic(),
one clock for every process of the machine, and each decision is followed by its volunteer id
from the arbiter's commit to its row in the replica's file.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import statistics
import sys
import time
from typing import Any

from core.replication.log import LogReader, LogWriter
from core.replication.member import FundReplication

STAGES = [
    ("commit -> publisher reads", "commit", "read0"),
    ("read of the captured rows", "read0", "read1"),
    ("read -> append", "read1", "pub"),
    ("append -> confirm", "pub", "conf"),
    ("append -> replica delivery", "pub", "deliv"),
    ("delivery -> batch to writer (FLUSH_DELAY)", "deliv", "submit"),
    ("writer queue", "submit", "begin"),
    ("apply + commit", "begin", "end"),
    ("commit -> seen (5 ms polling)", "end", "seen"),
]


def volunteers(payload: dict[str, Any]) -> list[str]:
    """The volunteer ids of a `changes` payload's participation rows (format 2: runs of
    [table, columns, [[rowid, *values]]]; format 1: rows of [table, op, rowid, row])."""
    out = []
    for tbl, columns, rows in payload.get("runs", []):
        if tbl == "participation" and columns and "volunteer_id" in columns:
            at = 1 + columns.index("volunteer_id")
            out += [str(row[at]) for row in rows if len(row) > at]
    for row in payload.get("rows", []):
        if row[0] == "participation" and isinstance(row[3], dict):
            out.append(str(row[3]["volunteer_id"]))
    return out


def install_arbiter(trace: dict[str, Any]) -> None:
    """Stamp the arbiter's reads of captured rows and its appends (by volunteer id)."""
    read_pending = FundReplication._read_pending
    send_json = LogWriter.send_json
    trace.setdefault("records", {})
    last_read: list[float] = [0.0, 0.0]

    def _read_pending(self: FundReplication, after: int) -> Any:
        t0 = time.monotonic()
        result = read_pending(self, after)
        last_read[:] = [t0, time.monotonic()]
        return result

    def _send_json(self: LogWriter, kind: str, payload: str, by: Any = None) -> Any:
        seq = self.next_seq
        read0, read1 = last_read
        t0 = time.monotonic()
        confirm = send_json(self, kind, payload, by)
        vids = volunteers(json.loads(payload))
        entry = {"read0": read0, "read1": read1, "pub": t0, "conf": 0.0, "vids": vids}
        trace["records"][f"{self.epoch}.{seq}"] = entry
        confirm.add_done_callback(lambda _f: entry.update(conf=time.monotonic()))
        return confirm

    FundReplication._read_pending = _read_pending  # type: ignore[method-assign]
    LogWriter.send_json = _send_json  # type: ignore[method-assign]


def install_replica(trace: dict[str, dict[str, float]]) -> None:
    """Stamp a replica's deliveries, its batches' hand-over to the writer thread and commits."""
    watchers: list[asyncio.Future[None]] = []
    on_delivered = LogReader._on_delivered
    handle_batch = LogReader._handle_batch
    start = LogReader.start

    def key(message: Any) -> str:
        h = message.header.properties.headers or {}
        return f"{h.get('epoch')}.{h.get('seq')}"

    def stamp(batch: list[Any], what: str, at: float) -> None:
        for m in batch:
            trace.setdefault(key(m), {}).setdefault(what, at)

    async def _on_delivered(self: LogReader, message: Any) -> None:
        stamp([message], "deliv", time.monotonic())
        await on_delivered(self, message)

    def _handle_batch(self: LogReader, batch: list[Any]) -> Any:
        stamp(batch, "begin", time.monotonic())
        done = handle_batch(self, batch)
        stamp(batch, "end", time.monotonic())
        return done

    async def watch_loop() -> None:
        # the loop's stalls: a 5 ms sleep that took much longer (GIL, CPU starvation)
        stalls: list[list[float]] = trace.setdefault("stalls", {})  # type: ignore[assignment]
        while True:
            t0 = time.monotonic()
            await asyncio.sleep(0.005)
            gap = time.monotonic() - t0
            if gap > 0.05:
                stalls.setdefault(str(t0), gap)  # type: ignore[attr-defined]

    async def _start(self: LogReader) -> None:
        if "stalls" not in trace:
            trace["stalls"] = {}
            watcher = asyncio.ensure_future(watch_loop())
            watchers.append(watcher)
        commit = self.commit
        if commit is not None:

            async def timed(fn: Any, batch: list[Any]) -> Any:
                stamp(batch, "submit", time.monotonic())
                return await commit(fn, batch)

            self.commit = timed
        await start(self)

    from contextlib import contextmanager

    from core.replication.state import ReplicaState
    from core.storage import Store

    slow: dict[str, list[float]] = trace.setdefault("slow", {})  # type: ignore[assignment]
    checkpoint_idle = Store.checkpoint_idle

    def _checkpoint_idle(self: Store) -> Any:
        t0 = time.monotonic()
        try:
            return checkpoint_idle(self)
        finally:
            slow.setdefault("checkpoint", []).append(time.monotonic() - t0)

    @contextmanager
    def transaction(self: ReplicaState) -> Any:  # ReplicaState.transaction, its COMMIT timed
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        t0 = time.monotonic()
        self.conn.execute("COMMIT")
        slow.setdefault("commit", []).append(time.monotonic() - t0)

    Store.checkpoint_idle = _checkpoint_idle  # type: ignore[method-assign]
    ReplicaState.transaction = transaction  # type: ignore[method-assign]
    LogReader._on_delivered = _on_delivered  # type: ignore[method-assign]
    LogReader._handle_batch = _handle_batch  # type: ignore[method-assign]
    LogReader.start = _start  # type: ignore[method-assign]


def decompose(
    arbiter: dict[str, Any],
    replica: dict[str, dict[str, float]],
    committed: dict[str, float],
    seen: dict[str, float],
) -> list[str]:
    """Lines: each stage's p50/p99 over the decisions, and its mean share of the slowest 1%."""
    rows: list[dict[str, float]] = []
    stalls = replica.pop("stalls", {})
    slow: dict[str, list[float]] = replica.pop("slow", {})  # type: ignore[assignment]
    for rkey, rec in arbiter["records"].items():
        at = replica.get(rkey, {})
        for vid in rec["vids"]:
            if vid in committed and vid in seen:
                rows.append({**rec, **at, "commit": committed[vid], "seen": seen[vid]})
    if len(rows) < 2:
        return ["  (too few traced decisions)"]
    rows.sort(key=lambda r: r["seen"] - r["commit"])
    tail = rows[-max(1, len(rows) // 100) :]
    lines = [f"  {'stage':44} {'p50 ms':>8} {'p99 ms':>8} {'slowest 1%':>10}"]
    for name, a, b in [*STAGES, ("total", "commit", "seen")]:
        d = [(r[b] - r[a]) * 1000 for r in rows if a in r and b in r and r[a] and r[b]]
        t = [(r[b] - r[a]) * 1000 for r in tail if a in r and b in r and r[a] and r[b]]
        if len(d) < 2:
            continue
        q = statistics.quantiles(d, n=100)
        mean_tail = statistics.fmean(t) if t else float("nan")
        lines.append(f"  {name:44} {q[49]:8.1f} {q[98]:8.1f} {mean_tail:10.1f}")
    lines.append(
        f"  replica loop stalls > 50 ms: {len(stalls)}, longest"
        f" {max(stalls.values(), default=0) * 1000:.0f} ms, in all"
        f" {sum(stalls.values()) * 1000:.0f} ms"
    )
    for what, times in sorted(slow.items()):
        long = sorted(times)[-3:]
        lines.append(
            f"  replica {what}s: {len(times)}, in all {sum(times) * 1000:.0f} ms, longest"
            f" {', '.join(f'{t * 1000:.0f}' for t in long)} ms"
        )
    sizes = [len(r["vids"]) for r in arbiter["records"].values()]
    lines.append(
        f"  {len(arbiter['records'])} records, {statistics.fmean(sizes):.1f} decisions a record"
    )
    return lines


def troubles(service_log: str) -> list[str]:
    """The replica's log lines that tell of a restart or a failure (each a lag spike)."""
    words = ("again", "WARNING", "ERROR", "failed", "Traceback")
    return [line[:200] for line in service_log.splitlines() if any(w in line for w in words)]


def replica_main(argv: list[str]) -> None:
    """`python -m tests.bench.lag_trace TRACE_FILE DATA_DIR FUND URL`: a traced replica."""
    trace: dict[str, dict[str, float]] = {}
    path = argv[0]

    def dump() -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(trace, f)

    atexit.register(dump)
    install_replica(trace)
    from tests.helpers.broker import headless_main

    headless_main(argv[1:])


if __name__ == "__main__":
    replica_main(sys.argv[1:])
