"""Where a notification's time goes in the headless service, with the decision log and without.

`python -m tests.bench.notify_trace [--rate 200] [--seconds 10] [--repeat 2]`: the headless
service (a child process, ConsoleCore as `--headless` runs it) answers an offered load of
responses, alternating runs with its fund's decision log and without it (`replicate=False`).
The child is patched, not changed: each stage is stamped with time.monotonic() (the writer's
tasks, the log's confirms, the relay's publishes), and its threads' CPU is read from /proc at
the end. Printed: the end-to-end latency and, by outbox seq, the stages after the commit;
the writer thread's tasks (how busy it is) and every thread's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.bench.throughput import make_application, new_fund, under_load
from tests.helpers.broker import BROKER_URL as URL

Event = tuple[Any, ...]  # (monotonic time, kind, *details)


def outbox_top(store: Any) -> int:
    """The newest outbox row's seq (what the commit just made sendable, at most)."""
    return int(store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0])


def install(events: list[Event]) -> None:
    """Stamp the child's stages into events (the consumer's commits, the log's confirms, the
    relay's publishes and marks, every writer task)."""
    from core import writer as writer_module
    from core.broker import consumer, relay
    from core.replication import member

    def stamp(kind: str, *details: Any) -> None:
        events.append((time.monotonic(), kind, *details))

    handle_marked = consumer.Consumer._handle_marked

    def _handle_marked(self: Any, gate: Any, deliveries: list[Any]) -> int:
        result = handle_marked(self, gate, deliveries)
        stamp("committed", outbox_top(self.engine.store))
        return result

    consumer.Consumer._handle_marked = _handle_marked  # type: ignore[method-assign]

    settle = member.FundReplication._settle_confirms

    def _settle_confirms(self: Any) -> None:
        before = self.outbox_limit
        settle(self)
        if self.outbox_limit != before:
            stamp("logged", self.outbox_limit)

    member.FundReplication._settle_confirms = _settle_confirms  # type: ignore[method-assign]

    publish_window = relay.Relay.publish_window

    async def _publish_window(self: Any, channel: Any, window: Any, at: Any) -> Any:
        stamp("publishing", window[0].seq, window[-1].seq)
        outcomes = await publish_window(self, channel, window, at)
        stamp("published", window[0].seq, window[-1].seq)
        return outcomes

    relay.Relay.publish_window = _publish_window  # type: ignore[method-assign]

    task = writer_module.Writer._task

    def _task(self: Any, fn: Any, args: tuple[Any, ...]) -> Any:
        t0 = time.monotonic()
        try:
            return task(self, fn, args)
        finally:
            events.append(
                (t0, "writer", getattr(fn, "__qualname__", repr(fn)), time.monotonic() - t0)
            )

    writer_module.Writer._task = _task  # type: ignore[method-assign]


def thread_cpu() -> dict[str, float]:
    """Each live thread's CPU seconds (user + system), by its Python name."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for thread in threading.enumerate():
        try:
            with open(f"/proc/self/task/{thread.native_id}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[thread.name] = (int(fields[11]) + int(fields[12])) / tick
    return out


def child(trace: str, data_dir: str, fund: str, replicate: str) -> None:
    """The traced headless service; its events go to trace when it stops."""
    events: list[Event] = []
    install(events)
    from core.service import ConsoleCore, run_headless

    async def serve() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        core = ConsoleCore(Path(data_dir), fund, URL, replicate=replicate == "1")
        if replicate != "1":
            # without a gate the consumer commits through engine.handle itself
            handle = core.engine.handle

            def traced(deliveries: list[Any]) -> Any:
                result = handle(deliveries)
                events.append((time.monotonic(), "committed", outbox_top(core.engine.store)))
                return result

            core.engine.handle = traced  # type: ignore[method-assign]

        async def at_stop() -> None:
            await stop.wait()
            events.append((0.0, "cpu", thread_cpu()))

        ending = asyncio.ensure_future(at_stop())
        await run_headless(core, stop)
        await ending

    asyncio.run(serve())
    Path(trace).write_text(json.dumps(events))


def first(events: list[Event], kind: str, seq: int) -> float | None:
    """When the first event of kind covered seq (a top seq, or a [low, high] window)."""
    for e in events:
        if e[1] != kind:
            continue
        if (len(e) == 3 and e[2] >= seq) or (len(e) == 4 and e[2] <= seq <= e[3]):
            return float(e[0])
    return None


def p50_p90(values: list[float]) -> str:
    if len(values) < 2:
        return "-"
    p50, p90 = statistics.median(values), statistics.quantiles(values, n=10)[8]
    return f"{p50 * 1000:6.1f} ms ({p90 * 1000:5.1f})"


def report(events: list[Event], replicate: bool, seconds: float) -> list[str]:
    lines = []
    top = max((e[2] for e in events if e[1] == "committed"), default=0)
    stages: dict[str, list[float]] = collections.defaultdict(list)
    for seq in range(max(1, top // 10), top, 7):  # a sample, past the start
        committed = first(events, "committed", seq)
        logged = first(events, "logged", seq) if replicate else committed
        publishing = first(events, "publishing", seq)
        published = first(events, "published", seq)
        if None in (committed, logged, publishing, published):
            continue
        assert committed is not None and logged is not None
        assert publishing is not None and published is not None
        if replicate:
            stages["commit -> confirmed by the log"].append(logged - committed)
        stages["-> the relay publishes"].append(publishing - logged)
        stages["publish -> its confirm"].append(published - publishing)
    for name, values in stages.items():
        lines.append(f"  {name:34} p50 (p90) {p50_p90(values)}")
    tasks: dict[str, list[float]] = collections.defaultdict(list)
    for e in events:
        if e[1] == "writer":
            tasks[e[2]].append(e[3])
    busy = sum(sum(v) for v in tasks.values())
    lines.append(f"  writer thread busy {busy:.2f} s in a {seconds:g} s run; its tasks:")
    for name, values in sorted(tasks.items(), key=lambda kv: -sum(kv[1]))[:6]:
        lines.append(
            f"    {name[:44]:44} n={len(values):5} {sum(values):6.2f} s, p50 {p50_p90(values)}"
        )
    cpu = next((e[2] for e in events if e[1] == "cpu"), {})
    lines.append("  thread CPU s: " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
    return lines


async def one_run(replicate: bool, rate: float, seconds: float) -> list[str]:
    fund = new_fund()
    total = int(rate * seconds)
    with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
        app_id = make_application(Path(tmp), fund, max(1, total // 2))
        trace = Path(tmp) / "trace.json"
        argv = ["-m", "tests.bench.notify_trace", "--child", str(trace), tmp, fund]
        argv.append("1" if replicate else "0")
        got, sent = await under_load(URL, argv, Path(tmp), fund, app_id, total, rate)
        events = json.loads(trace.read_text())
    latencies = sorted(got[v] - sent[v] for v in got)
    q = statistics.quantiles(latencies, n=100)
    head = (
        f"{'with the log' if replicate else 'without it'}: {len(latencies)}/{total} answered,"
        f" response -> notification p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f},"
        f" p99 {q[98] * 1000:.1f}"
    )
    return [head, *report(events, replicate, seconds)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        child(*args[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=2, help="alternating pairs of runs")
    options = parser.parse_args(args)
    for _ in range(options.repeat):
        for replicate in (True, False):
            lines = asyncio.run(one_run(replicate, options.rate, options.seconds))
            print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
