"""Console throughput and latency vs the raw client: `.venv/bin/python -m tests.bench.throughput`.

Run from the repository root with RabbitMQ on localhost. (a) raw aio-pika consume+ack of N
pre-published responses, (b) the console end to end on the same N (rules applied, committed,
acked, notifications published and confirmed), both on plain asyncio and (c) under qasync;
(d) publish-to-notification latency at a steady offered load against the headless service
(and a raw-client echo as the floor). Each figure is the median of --repeat runs (3); a
summary compares them with the targets: b/a >= 0.5 (asyncio), p99 <= 50 ms at 200/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import aio_pika

from core import messages as m
from core.broker import consumer_queue_arguments, queue_names
from core.config import DB_NAME
from core.engine import ApplicationForm, Engine
from core.service import ConsoleCore
from core.storage import Store
from tests.helpers.broker import BROKER_URL, delete_fund_queues

ROOT = Path(__file__).resolve().parents[2]
PREFETCH = 500  # ConsoleCore's default: the baseline consumes with the same
RATIO_TARGET = 0.5
P99_TARGET_MS = 50.0


def new_fund() -> str:
    return f"bench{uuid.uuid4().hex[:8]}"


def response_body(app_id: str, volunteer: str, status: str = "accepted") -> bytes:
    return json.dumps(
        {
            "action": "volunteer_response",
            "data": {
                "volunteer_id": volunteer,
                "volunteer_application_id": int(app_id),
                "status": status,
            },
        }
    ).encode()


def make_application(data_dir: Path, fund: str, spots: int) -> str:
    store = Store(data_dir / DB_NAME)
    try:
        form = ApplicationForm(
            "Benchmark shift", date.today() + timedelta(days=7), dtime(9), dtime(17), spots
        )
        return Engine(store, fund).create_application(form)
    finally:
        store.close()


async def declare_console_queues(channel: aio_pika.abc.AbstractChannel, fund: str) -> None:
    """The console's own queues, declared alike, so responses can wait there before it starts."""
    names = queue_names(fund)
    ex = {}
    for name in m.EXCHANGES:
        ex[name] = await channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
    dead = await channel.declare_exchange(
        "volunteer_console.dead_letter", aio_pika.ExchangeType.TOPIC, durable=True
    )
    q = await channel.declare_queue(
        names["responses"], durable=True, arguments=consumer_queue_arguments()
    )
    await q.bind(ex[m.RESPONSE_EXCHANGE], f"fund.{fund}.response.#")
    q = await channel.declare_queue(
        names["waiting"], durable=True, arguments=consumer_queue_arguments()
    )
    await q.bind(ex[m.WAITING_EXCHANGE], f"fund.{fund}.waiting.#")
    q = await channel.declare_queue(
        names["dead_letters"], durable=True, arguments={"x-queue-type": "quorum"}
    )
    await q.bind(dead, f"fund.{fund}.#")


async def prepublish(url: str, fund: str, app_id: str, n: int) -> None:
    """N accepted responses from N volunteers, 100 confirms in flight, into the fund's queue."""
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel(publisher_confirms=True)
        await declare_console_queues(ch, fund)
        ex = await ch.get_exchange(m.RESPONSE_EXCHANGE)
        key = m.response_key(fund, app_id)
        for start in range(0, n, 100):
            await asyncio.gather(
                *(
                    ex.publish(
                        aio_pika.Message(
                            response_body(app_id, f"v{i}"),
                            content_type="application/json",
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            message_id=str(uuid.uuid4()),
                            app_id="bench",
                        ),
                        key,
                    )
                    for i in range(start, min(n, start + 100))
                )
            )
    finally:
        await conn.close()


async def queue_depth(url: str, name: str) -> int:
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel()
        q = await ch.declare_queue(name, passive=True)
        return int(q.declaration_result.message_count or 0)
    finally:
        await conn.close()


# ---- (a) the raw client ---------------------------------------------------------------------


async def bench_raw(url: str, n: int) -> dict[str, Any]:
    fund = new_fund()
    try:
        await prepublish(url, fund, "1", n)
        conn = await aio_pika.connect(url)
        try:
            ch = await conn.channel()
            await ch.set_qos(prefetch_count=PREFETCH)
            q = await ch.declare_queue(
                queue_names(fund)["responses"], durable=True, arguments=consumer_queue_arguments()
            )
            done = asyncio.Event()
            count = 0

            async def on_message(msg: aio_pika.abc.AbstractIncomingMessage) -> None:
                nonlocal count
                await msg.ack()
                count += 1
                if count == n:
                    done.set()

            t0, c0 = time.perf_counter(), time.process_time()
            await q.consume(on_message)
            await asyncio.wait_for(done.wait(), 300)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        finally:
            await conn.close()
        return {"messages": n, "seconds": elapsed, "rate": n / elapsed, "cpu_us": cpu / n * 1e6}
    finally:
        await delete_fund_queues(fund, url)


# ---- (b) the console end to end ----------------------------------------------------------------


async def bench_console(url: str, n: int, profile: str | None = None) -> dict[str, Any]:
    fund = new_fund()
    waitlisted = max(1, n // 10)
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        data_dir = Path(tmp)
        app_id = make_application(data_dir, fund, n - waitlisted)
        sink_conn = await aio_pika.connect(url)
        try:
            sink_ch = await sink_conn.channel()
            # A volunteer-side queue, so notifications are routed as in production.
            sink = await sink_ch.declare_queue(exclusive=True, auto_delete=True)
            await sink.bind(m.NOTIFICATION_EXCHANGE, f"fund.{fund}.volunteer.*")
            await prepublish(url, fund, app_id, n)
            core = ConsoleCore(data_dir, fund, url, prefetch=PREFETCH)
            applied = 0

            def count(change: Any) -> None:
                nonlocal applied
                applied += change.responses

            core.engine.subscribe(count)
            profiler = None
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            connected = asyncio.Event()
            core.transport.subscribe_status(
                lambda st: connected.set() if st.state == "connected" else None
            )
            await core.start()
            await asyncio.wait_for(connected.wait(), 30)
            # Timed from the connection, as the raw consumer is: setup is not throughput.
            t0, c0 = time.perf_counter(), time.process_time()
            while applied < n or core.queries.backlog() > 0:
                await asyncio.sleep(0.005)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
            await core.stop()
            left = await queue_depth(url, queue_names(fund)["responses"])
            await asyncio.sleep(0.3)  # the last notifications land in the sink queue
            again = await sink_ch.declare_queue(sink.name, passive=True)
            notified = int(again.declaration_result.message_count or 0)
        finally:
            await sink_conn.close()
            await delete_fund_queues(fund, url)
    return {
        "messages": n,
        "seconds": elapsed,
        "rate": n / elapsed,
        "cpu_us": cpu / n * 1e6,
        "left_in_queue": left,
        "notified": notified,
        "expected_notified": n - waitlisted,
    }


# ---- (e) the relay alone, and what the one-frame fast path buys ------------------------------


async def bench_relay(url: str, n: int) -> dict[str, Any]:
    """N committed outbox rows (notifications, routed to a sink queue) drained by the relay."""
    fund = new_fund()
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        data_dir = Path(tmp)
        store = Store(data_dir / DB_NAME)
        with store.transaction():
            store.add_outbox(
                (
                    out.message_id,
                    "2026-12-01T09:00:00",
                    out.exchange,
                    out.routing_key,
                    out.action,
                    "1",
                    f"v{i}",
                    out.encoded().decode(),
                )
                for i in range(n)
                for out in [
                    m.volunteer_notification(fund, "1", f"v{i}", m.STATUS_SIGNED_UP, datetime.now())
                ]
            )
        store.close()
        sink_conn = await aio_pika.connect(url)
        try:
            sink_ch = await sink_conn.channel()
            sink = await sink_ch.declare_queue(exclusive=True, auto_delete=True)
            await sink.bind(m.NOTIFICATION_EXCHANGE, f"fund.{fund}.volunteer.*")
            core = ConsoleCore(data_dir, fund, url)
            t0, c0 = time.perf_counter(), time.process_time()
            await core.start()
            while core.queries.backlog() > 0:
                await asyncio.sleep(0.002)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            await core.stop()
        finally:
            await sink_conn.close()
            await delete_fund_queues(fund, url)
    return {"rate": n / elapsed, "cpu_us": cpu / n * 1e6}


def fast_path_compare(url: str, n: int, repeat: int) -> None:
    """The relay and the console end to end with the fast path on and off, alternating runs in
    this one process (so both see the same machine load)."""
    from core.broker import fast_publish

    if not fast_publish.enabled:
        print(f"aiormq {fast_publish.installed_aiormq()} is not {fast_publish.TESTED_AIORMQ}:"
              " the fast path is off here, nothing to compare")  # fmt: skip
        return
    results: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    for _ in range(repeat):
        for on in (True, False):
            fast_publish.enabled = on
            results.setdefault(("relay", on), []).append(asyncio.run(bench_relay(url, n)))
            results.setdefault(("console", on), []).append(asyncio.run(bench_console(url, n)))
    fast_publish.enabled = True
    print()
    print(f"fast path on/off, asyncio, {n} messages, median of {repeat} alternating runs")
    print(f"{'what':<28} {'on msg/s':>9} {'off msg/s':>10} {'on/off':>7} {'cpu us/msg on/off':>18}")
    for what in ("relay", "console"):
        on = statistics.median(r["rate"] for r in results[(what, True)])
        off = statistics.median(r["rate"] for r in results[(what, False)])
        cpu_on = statistics.median(r["cpu_us"] for r in results[(what, True)])
        cpu_off = statistics.median(r["cpu_us"] for r in results[(what, False)])
        label = "(e) relay alone" if what == "relay" else "(b) console end to end"
        print(
            f"{label:<28} {on:>9,.0f} {off:>10,.0f} {on / off:>7.2f} {cpu_on:>9.0f}/{cpu_off:<8.0f}"
        )


# ---- (d) latency at a steady offered load ----------------------------------------------------


async def under_load(
    url: str, argv: list[str], data_dir: Path, fund: str, app_id: str, total: int, rate: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Run `python argv` (a service of the fund) while total responses are offered at rate;
    when each was sent and its notification received, by volunteer. The service's stderr
    goes to data_dir/service.log; a service that did not stop cleanly raises with its end."""
    # stderr to a file, not a pipe: the service logs a line per decision, and a pipe nobody
    # reads until the end fills (64 KiB) and blocks the service's writer thread mid-run
    log_path = data_dir / "service.log"
    with log_path.open("wb") as log_file:
        service = subprocess.Popen(
            [sys.executable, *argv], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file
        )
        try:
            got, sent = await offered_load(url, fund, app_id, total, rate)
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=60)
            await delete_fund_queues(fund, url)
    if service.returncode != 0:
        raise RuntimeError(f"the service failed:\n{log_path.read_bytes().decode()[-3000:]}")
    return got, sent


async def bench_latency(url: str, rate: float, seconds: float, *, echo: bool) -> dict[str, Any]:
    """Offered load against the headless service (or, with echo, the raw-client floor)."""
    fund = new_fund()
    total = int(rate * seconds)
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        data_dir = Path(tmp)
        app_id = make_application(data_dir, fund, max(1, total // 2))
        if echo:
            argv = ["-m", "tests.bench.throughput", "--echo", fund, "--broker", url]
        else:
            argv = ["main.py", "--headless", "--data-dir", str(data_dir), "--fund-id", fund]
            argv += ["--broker", url]
        got, sent = await under_load(url, argv, data_dir, fund, app_id, total, rate)
    lat_ms = sorted((got[v] - sent[v]) * 1000 for v in got)
    q = statistics.quantiles(lat_ms, n=100) if len(lat_ms) >= 2 else lat_ms * 99
    return {
        "sent": total,
        "received": len(lat_ms),
        "p50": q[49],
        "p90": q[89],
        "p99": q[98],
        "max": lat_ms[-1] if lat_ms else float("nan"),
    }


async def offered_load(
    url: str, fund: str, app_id: str, total: int, rate: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Publish `total` responses at `rate`; when each volunteer's answer arrived, and was sent."""
    conn = await aio_pika.connect(url)
    try:
        await wait_for_consumer(conn, queue_names(fund)["responses"])
        ch = await conn.channel()
        sent: dict[str, float] = {}
        got: dict[str, float] = {}
        all_in = asyncio.Event()
        q = await ch.declare_queue(exclusive=True, auto_delete=True)
        await q.bind(m.NOTIFICATION_EXCHANGE, f"fund.{fund}.volunteer.*")
        await q.bind(m.WAITING_EXCHANGE, f"fund.{fund}.waiting.*")

        async def on_message(msg: aio_pika.abc.AbstractIncomingMessage) -> None:
            now = time.monotonic()
            vid = str(json.loads(msg.body).get("user_id"))
            if vid in sent and vid not in got:
                got[vid] = now
                if len(got) == total:
                    all_in.set()

        await q.consume(on_message, no_ack=True)
        pub = await conn.channel(publisher_confirms=True)
        ex = await pub.get_exchange(m.RESPONSE_EXCHANGE)
        key = m.response_key(fund, app_id)
        pending: set[asyncio.Future[Any]] = set()
        interval = 1.0 / rate
        t_next = time.monotonic()
        for i in range(total):
            delay = t_next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            t_next += interval
            vid = f"lat{i}"
            message = aio_pika.Message(
                response_body(app_id, vid),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(uuid.uuid4()),
                app_id="bench",
            )
            sent[vid] = time.monotonic()
            fut = asyncio.ensure_future(ex.publish(message, key))
            pending.add(fut)
            fut.add_done_callback(pending.discard)
        if pending:
            await asyncio.gather(*pending)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), 30)
        return got, sent
    finally:
        await conn.close()


async def echo_service(url: str, fund: str) -> None:
    """The floor for (d): consume like the console, answer each response at once, no disk."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel()
        await ch.set_qos(prefetch_count=PREFETCH)
        await declare_console_queues(ch, fund)
        pub = await conn.channel(publisher_confirms=True)
        ex = await pub.get_exchange(m.NOTIFICATION_EXCHANGE)
        q = await ch.declare_queue(
            queue_names(fund)["responses"], durable=True, arguments=consumer_queue_arguments()
        )

        async def on_message(msg: aio_pika.abc.AbstractIncomingMessage) -> None:
            req = m.parse_inbound(msg.body)
            assert isinstance(req, m.VolunteerRequest)
            out = m.volunteer_notification(
                fund, req.application_id, req.volunteer_id, m.STATUS_SIGNED_UP, datetime.now()
            )
            await ex.publish(
                aio_pika.Message(out.encoded(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                out.routing_key,
            )
            await msg.ack()

        await q.consume(on_message)
        await stop.wait()
    finally:
        await conn.close()


async def wait_for_consumer(conn: aio_pika.abc.AbstractConnection, name: str) -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        # A passive declare of a queue not there yet closes its channel: one channel a try.
        ch = await conn.channel()
        with contextlib.suppress(Exception):
            q = await ch.declare_queue(name, passive=True)
            if q.declaration_result.consumer_count:
                await ch.close()
                return
        with contextlib.suppress(Exception):
            await ch.close()
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the headless service never consumed {name}")


# ---- running under either loop ------------------------------------------------------------


def run_on(loop_kind: str, make: Callable[[], Awaitable[Any]]) -> Any:
    if loop_kind == "asyncio":
        return asyncio.run(make())
    from PySide6.QtCore import QCoreApplication
    from qasync import QEventLoop

    app = QCoreApplication.instance() or QCoreApplication([])
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(make())
    finally:
        loop.close()


def throughput_pair(loop_kind: str, url: str, n: int, profile: str | None) -> dict[str, Any]:
    raw = run_on(loop_kind, lambda: bench_raw(url, n))
    console = run_on(loop_kind, lambda: bench_console(url, n, profile))
    return {"raw": raw, "console": console}


def in_child(loop_kind: str, url: str, n: int) -> dict[str, Any]:
    """Run a throughput pair in a fresh interpreter (a qasync loop must own its process)."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.throughput", "--child", loop_kind, "--messages",
         str(n), "--broker", url],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"{loop_kind} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.throughput", description=__doc__)
    ap.add_argument("--messages", type=int, default=5000, help="N for (a)-(c) (default 5000)")
    ap.add_argument("--rate", type=float, default=200, help="offered load for (d), msg/s")
    ap.add_argument("--seconds", type=float, default=10, help="how long (d) runs")
    ap.add_argument("--broker", default=BROKER_URL)
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement; medians shown (3)"
    )
    ap.add_argument("--no-qasync", action="store_true", help="skip (c)")
    ap.add_argument("--no-latency", action="store_true", help="skip (d)")
    ap.add_argument("--profile", metavar="FILE", help="cProfile (b) on asyncio into FILE")
    ap.add_argument(
        "--fast-path",
        action="store_true",
        help="only compare the relay's one-frame fast path on and off (same process)",
    )
    ap.add_argument("--child", choices=["asyncio", "qasync"], help=argparse.SUPPRESS)
    ap.add_argument("--echo", metavar="FUND", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.echo:
        asyncio.run(echo_service(args.broker, args.echo))
        return 0
    if args.fast_path:
        fast_path_compare(args.broker, args.messages, args.repeat)
        return 0
    if args.child:
        print(json.dumps(throughput_pair(args.child, args.broker, args.messages, None)))
        return 0

    rows: list[tuple[str, str, str, str, str]] = []
    ratios: dict[str, float] = {}
    kinds = ["asyncio"] + ([] if args.no_qasync else ["qasync"])
    for kind in kinds:
        runs = []
        for _ in range(args.repeat):
            if kind == "asyncio" and args.profile:
                runs.append(throughput_pair(kind, args.broker, args.messages, args.profile))
            else:
                runs.append(in_child(kind, args.broker, args.messages))
        raw = statistics.median(r["raw"]["rate"] for r in runs)
        con = statistics.median(r["console"]["rate"] for r in runs)
        # CPU per message of this process: much less moved by other load on the machine than
        # the rates are, so a run disturbed by someone else's tests shows as such.
        raw_cpu = statistics.median(r["raw"]["cpu_us"] for r in runs)
        con_cpu = statistics.median(r["console"]["cpu_us"] for r in runs)
        last = runs[-1]["console"]
        ratios[kind] = con / raw
        per_run = " ".join(f"{r['console']['rate'] / r['raw']['rate']:.2f}" for r in runs)
        a, b = ("a", "b") if kind == "asyncio" else ("c", "c")
        rows.append(
            (f"({a}) raw aio-pika consume+ack", kind, str(args.messages), f"{raw:,.0f}",
             f"cpu {raw_cpu:.0f} us/msg; runs "
             + " ".join(f"{r['raw']['rate']:,.0f}" for r in runs))
        )  # fmt: skip
        check = (
            f"cpu {con_cpu:.0f} us/msg; left {last['left_in_queue']},"
            f" notified {last['notified']}/{last['expected_notified']}"
        )
        rows.append(
            (f"({b}) console end to end", kind, str(args.messages), f"{con:,.0f}", check)
        )  # fmt: skip
        verdict = "ok" if ratios[kind] >= RATIO_TARGET else "BELOW TARGET"
        target = f"target >= {RATIO_TARGET} {verdict}" if kind == "asyncio" else "(shown)"
        rows.append(
            ("    ratio console/raw", kind, "", f"{ratios[kind]:.2f}",
             f"{target}; per run {per_run}")
        )  # fmt: skip
        rows.append(
            ("    cpu ratio raw/console per msg", kind, "", f"{raw_cpu / con_cpu:.2f}",
             "the same ratio from CPU time (less noisy on a shared machine)")
        )  # fmt: skip
    print()
    print(f"throughput, median of {args.repeat} runs, prefetch {PREFETCH}")
    print(f"{'what':<34} {'loop':<8} {'msgs':>6} {'msg/s':>8}  notes")
    for what, loop, n, rate, note in rows:
        print(f"{what:<34} {loop:<8} {n:>6} {rate:>8}  {note}")
    service_p99: float | None = None
    if not args.no_latency:
        print()
        print(
            f"(d) latency at {args.rate:g} responses/s for {args.seconds:g} s, median of"
            f" {args.repeat} runs: response published -> its notification received"
        )
        print(f"{'who answers':<34} {'answered':>10} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}")
        for label, echo in (("raw client echo (floor)", True), ("headless service", False)):
            lats = [
                asyncio.run(bench_latency(args.broker, args.rate, args.seconds, echo=echo))
                for _ in range(args.repeat)
            ]
            lat = {k: statistics.median(x[k] for x in lats) for k in ("p50", "p90", "p99", "max")}
            received = min(x["received"] for x in lats)
            note = ""
            if not echo:
                service_p99 = lat["p99"]
                ok = lat["p99"] <= P99_TARGET_MS
                runs_p99 = " ".join(f"{x['p99']:.1f}" for x in lats)
                note = (
                    f"  target p99 <= {P99_TARGET_MS:g} ms {'ok' if ok else 'ABOVE TARGET'};"
                    f" p99 per run {runs_p99}"
                )
            print(
                f"{label:<34} {received:>5}/{lats[0]['sent']:<4} {lat['p50']:>5.1f}ms"
                f" {lat['p90']:>5.1f}ms {lat['p99']:>5.1f}ms {lat['max']:>5.1f}ms{note}"
            )
    print()
    print("summary")
    print(f"  {'target':<44} {'measured':>9}  verdict")
    r = ratios["asyncio"]
    ok = "ok" if r >= RATIO_TARGET else "BELOW TARGET"
    print(f"  {f'console/raw on asyncio >= {RATIO_TARGET}':<44} {r:>9.2f}  {ok}")
    if "qasync" in ratios:
        print(f"  {'console/raw on qasync (no target)':<44} {ratios['qasync']:>9.2f}")
    if service_p99 is not None:
        ok = "ok" if service_p99 <= P99_TARGET_MS else "ABOVE TARGET"
        what = f"p99 at {args.rate:g}/s <= {P99_TARGET_MS:g} ms"
        print(f"  {what:<44} {service_p99:>7.1f}ms  {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
