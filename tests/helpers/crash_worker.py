"""Crash-test worker: applies a fixed, seeded stream to one SQLite file, from the start each time.

Run as ``python -m tests.helpers.crash_worker DB SEED [PACE_S]``. It prints ``resume <batch>``
once it knows how far an earlier (killed) run got, ``batch <n> delivered <count>`` after each
batch is committed, and ``done`` at the end. The clock is set from the batch index, so every
run decides at the same instants; replaying the stream from the beginning relies on the inbox
to skip what was already committed.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from core import messages as m
from core.clock import ManualClock, format_ts
from core.engine import ActionRefused, ApplicationForm, Delivery, Engine, scoped_id
from core.storage import Store

FUND = "crash"
START = datetime(2026, 3, 2, 9, 0, 0)
STEP = timedelta(seconds=9)  # clock time per batch: several batches per offer timeout
MESSAGES = 400
VOLUNTEERS = [str(v) for v in range(500, 512)] + ["v-13"]
APPS = (  # name, capacity, policy
    ("A", 3, "broadcast"),
    ("B", 2, "timed"),
    ("C", 4, "auto"),
)


@dataclass(frozen=True)
class Action:
    """A coordinator action between two message batches: re-running it at once changes nothing."""

    op: str
    app: str
    arg: object = None


Batch = list[Delivery] | Action


def ensure_apps(engine: Engine, store: Store) -> dict[str, str]:
    """Create the applications a killed run did not get to; names are the stable handle."""
    have = {
        name: app_id
        for app_id, name in store.conn.execute("SELECT id, name FROM application").fetchall()
    }
    for name, spots, policy in APPS:
        if name not in have:
            form = ApplicationForm(
                name=name,
                day=date(2026, 4, 1),
                start=clock_time(10, 0),
                end=clock_time(12, 0),
                spots=spots,
                policy=policy,  # type: ignore[arg-type]
                offer_timeout_min=1,
            )
            have[name] = engine.create_application(form)
    return have


def build_stream(seed: int, ids: dict[str, str]) -> list[Batch]:
    """The same batches for the same seed: a fresh message first in every message batch."""
    rng = random.Random(seed)
    sent: list[Delivery] = []
    batches: list[Batch] = []
    n = 0
    while n < MESSAGES:
        b = len(batches)
        now = START + STEP * (b + 1)
        batch: list[Delivery] = []
        for k in range(rng.randint(1, 6)):
            roll = rng.random()
            if k > 0 and sent and roll < 0.12:
                batch.append(rng.choice(sent[-30:]))  # a redelivery of a recent message
                continue
            n += 1
            if k > 0 and roll < 0.16:
                body = rng.choice([b"{", b"[1]", b'{"action":"volunteer_response","data":{}}'])
                batch.append(Delivery(body, message_id=f"crash-{seed}-{n}"))
                continue
            name = rng.choice("AABBC")
            app_id, vid = ids[name], rng.choice(VOLUNTEERS)
            kind = rng.choices(["accepted", "declined", "envelope", "flat"], [50, 25, 12, 13])[0]
            ts = format_ts(now - timedelta(seconds=rng.randint(0, 90)))
            stamped = rng.random() < 0.3
            wid = int(vid) if vid.isdigit() else vid
            if kind in ("accepted", "declined"):
                data: dict[str, object] = {
                    "volunteer_id": wid,
                    "volunteer_application_id": int(app_id),
                    "status": kind,
                }
                if stamped:
                    data["timestamp"] = ts
                body = json.dumps({"action": "volunteer_response", "data": data}).encode()
                exchange, key = m.RESPONSE_EXCHANGE, m.response_key(FUND, app_id)
            elif kind == "envelope":
                data = {"volunteer_id": wid, "volunteer_application_id": int(app_id)}
                if stamped:
                    data["timestamp"] = ts
                body = json.dumps({"action": "volunteer_waiting", "data": data}).encode()
                exchange, key = m.WAITING_EXCHANGE, m.waiting_key(FUND, app_id)
            else:
                flat: dict[str, object] = {"user_id": wid, "application_id": int(app_id)}
                if stamped:
                    flat["timestamp"] = ts
                body = json.dumps(flat).encode()
                exchange, key = m.WAITING_EXCHANGE, m.waiting_key(FUND, app_id)
            d = Delivery(body, exchange, key, f"crash-{seed}-{n}")
            batch.append(d)
            sent.append(d)
        batches.append(batch)
        # Never two actions in a row: re-running the one action after the last committed
        # message batch then meets exactly the state it left, where it changes nothing.
        if rng.random() < 0.3:
            name = rng.choice("ABC")
            op = rng.choices(
                ["capacity", "remove", "promote", "close", "reopen", "policy", "tick"],
                [30, 15, 15, 6, 8, 6, 20],
            )[0]
            arg: object = None
            if op == "capacity":
                arg = rng.randint(1, 6)
            elif op in ("remove", "promote"):
                arg = rng.choice(VOLUNTEERS)
            elif op == "policy":
                arg = rng.choice(["broadcast", "auto", "timed"])
            batches.append(Action(op, name, arg))
    return batches


def apply_action(engine: Engine, ids: dict[str, str], a: Action) -> None:
    app_id = ids[a.app]
    try:
        if a.op == "capacity":
            engine.set_capacity(app_id, int(a.arg))  # type: ignore[call-overload]
        elif a.op == "remove":
            engine.remove_volunteer(app_id, str(a.arg))
        elif a.op == "promote":
            engine.promote(app_id, str(a.arg))
        elif a.op == "close":
            engine.close(app_id)
        elif a.op == "reopen":
            engine.reopen(app_id)
        elif a.op == "policy":
            engine.set_policy(app_id, a.arg, 1)  # type: ignore[arg-type]
        else:
            engine.tick()
    except ActionRefused:
        pass  # a refusal changes nothing, the first time or on a replay


def first_fresh(batches: list[Batch]) -> dict[int, str]:
    """Batch index -> the id of its first message, which no earlier batch carries."""
    return {
        b: batch[0].message_id or "" for b, batch in enumerate(batches) if isinstance(batch, list)
    }


def main(argv: list[str]) -> int:
    path, seed = argv[0], int(argv[1])
    # Like a broker's arrival rate: spreads the test's kill points over the stream.
    pace = float(argv[2]) if len(argv) > 2 else 0.0
    clock = ManualClock(START)
    store = Store(path)
    engine = Engine(store, FUND, clock)
    ids = ensure_apps(engine, store)
    batches = build_stream(seed, ids)
    fresh = first_fresh(batches)
    seen = store.seen_inbox_keys([scoped_id("", mid) for mid in fresh.values()])
    resume = max((b for b, mid in fresh.items() if scoped_id("", mid) in seen), default=-1)
    print(f"resume {resume}", flush=True)
    delivered = 0
    for b, batch in enumerate(batches):
        clock.set(START + STEP * (b + 1))
        if isinstance(batch, Action):
            if b < resume:
                continue  # ran before the last committed message batch: already in effect
            apply_action(engine, ids, batch)
        else:
            engine.handle(batch)
            delivered += len(batch)
        print(f"batch {b} delivered {delivered}", flush=True)  # both committed
        if pace:
            time.sleep(pace)
    print(f"done {len(batches)}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
