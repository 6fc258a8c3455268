"""Benchmark: malformed messages among valid traffic, through a real console and broker.

    .venv/bin/python -m tests.bench.hostile [--bad 10000] [--valid 1000]

Publishes a catalogue of hostile bodies (not JSON, deep nesting, out-of-range dates and
integers, lone surrogates, wrong types, unknown statuses, another application) cycled to
--bad messages, interleaved with --valid accepts of distinct volunteers, to a console of a new
fund on the shared broker. Prints what was refused, dead-lettered and applied, and the rates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from datetime import time as dtime
from pathlib import Path

import aio_pika

from core import messages as m
from core.broker.topology import queue_names
from core.engine import ApplicationForm
from core.service import ConsoleCore
from tests.helpers.broker import BROKER_URL, delete_fund_queues, wait_until


def hostile(app: int) -> list[tuple[str, bytes, str | None]]:
    """(what, body, app_id) of each kind of bad message; app_id None: the usual sender."""

    def response(**data: object) -> bytes:
        body = {"volunteer_id": 1, "volunteer_application_id": app, "status": "accepted"}
        return json.dumps({"action": "volunteer_response", "data": {**body, **data}}).encode()

    deep = "[" * 5000 + "]" * 5000
    return [
        ("not JSON", b"{bad", None),
        ("empty body", b"", None),
        ("JSON nested 5,000 deep", deep.encode(), None),
        ("year 1 at +14:00", response(timestamp="0001-01-01T00:00:00+14:00"), None),
        ("integer of 5,000 digits", response(volunteer_id=0).replace(b"0", b"9" * 5000, 1), None),
        ("integer past 2^53", response(volunteer_id=2**60), None),
        ("lone surrogate", b'{"action":"volunteer_response","data":{"status":"\\ud800"}}', None),
        ("volunteer id a list", response(volunteer_id=[1]), None),
        ("unknown status", response(status="maybe"), None),
        ("unknown action", json.dumps({"action": "drop_tables", "data": {}}).encode(), None),
        ("another application", response(volunteer_application_id=app + 1), None),
    ]


def valid(app: int, volunteer: int) -> bytes:
    data = {"volunteer_id": volunteer, "volunteer_application_id": app, "status": "accepted"}
    return json.dumps({"action": "volunteer_response", "data": data}).encode()


def traffic(app: int, bad: int, good: int) -> Iterator[tuple[str, bytes, str | None]]:
    kinds = hostile(app)
    every = max(1, bad // max(1, good))
    volunteer = 0
    for i in range(bad):
        yield kinds[i % len(kinds)]
        if i % every == 0 and volunteer < good:
            volunteer += 1
            yield "valid", valid(app, volunteer), None
    while volunteer < good:
        volunteer += 1
        yield "valid", valid(app, volunteer), None


async def run(bad: int, good: int, url: str) -> None:
    fund = f"b{uuid.uuid4().hex[:8]}"
    data_dir = Path(tempfile.mkdtemp(prefix="hostile-"))
    core = ConsoleCore(data_dir, fund, url)
    await core.start()
    try:
        await wait_until(lambda: core.transport.status.state == "connected", 30, "connected")
        form = ApplicationForm(
            "Hostile", date.today() + timedelta(days=7), dtime(14), dtime(18), good // 2
        )
        app = int(await core.writer.call(core.engine.create_application, form))
        key = m.response_key(fund, str(app))
        conn = await aio_pika.connect(url)
        sent = {"valid": 0, "bad": 0}
        kind_of: dict[str, str] = {}
        started = time.monotonic()
        try:
            ch = await conn.channel(publisher_confirms=True)
            ex = await ch.get_exchange(m.RESPONSE_EXCHANGE, ensure=False)
            for what, body, sender in traffic(app, bad, good):
                mid = uuid.uuid4().hex
                kind_of[mid] = what
                await ex.publish(
                    aio_pika.Message(body, message_id=mid, app_id=sender),
                    routing_key=key,
                )
                sent["valid" if what == "valid" else "bad"] += 1
            published = time.monotonic() - started

            def handled() -> int:
                return core.transport.consumed["responses"]

            await wait_until(lambda: handled() >= bad + good, 600, "everything handled")
            took = time.monotonic() - started
            await asyncio.sleep(2)  # the dead-letter copies leave through the outbox
            dead = await ch.declare_queue(queue_names(fund)["dead_letters"], passive=True)
            dead_count = dead.declaration_result.message_count or 0
        finally:
            await conn.close()

        def count(sql: str, *args: object) -> int:
            return int(core.store.conn.execute(sql, args).fetchone()[0])

        rejected = await core.writer.call(count, "SELECT count(*) FROM rejected")
        internal = await core.writer.call(
            count, "SELECT count(*) FROM rejected WHERE reason LIKE 'internal%'"
        )
        placed = await core.writer.call(
            count, "SELECT count(*) FROM participation WHERE application_id = ?", str(app)
        )
        refused_ids = await core.writer.call(
            lambda: [r[0] for r in core.store.conn.execute("SELECT message_id FROM rejected")]
        )
        refused_by_kind = Counter(kind_of.get(mid, "?") for mid in refused_ids)
        sent_by_kind = Counter(kind_of.values())
        for what, n in sorted(sent_by_kind.items()):
            print(f"  {what:28} sent {n:6}  refused {refused_by_kind.get(what, 0):6}")
        print(f"published {sent['bad']} malformed + {sent['valid']} valid in {published:.1f} s")
        print(f"handled all in {took:.1f} s: {(bad + good) / took:.0f} msg/s")
        print(f"refused with a reason: {rejected} (internal errors: {internal})")
        print(f"dead-lettered on the broker: {dead_count}")
        print(f"valid applied (signed up or waitlisted): {placed} of {sent['valid']}")
    finally:
        await core.stop()
        await delete_fund_queues(fund, url)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.hostile", description=__doc__)
    ap.add_argument("--bad", type=int, default=10000)
    ap.add_argument("--valid", type=int, default=1000)
    ap.add_argument("--broker", default=BROKER_URL)
    args = ap.parse_args(argv)
    asyncio.run(run(args.bad, args.valid, args.broker))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
