"""Fuzzing inbound bodies and AMQP properties: every message applies or is refused with a
reason, never raises and never becomes an internal error; through the engine and the broker."""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import messages as m
from core.clock import ManualClock
from core.engine import ApplicationForm, Delivery, Engine, console_app_id
from core.service import ConsoleCore
from core.storage import Store
from tests.helpers.broker import BROKER_URL, broker_available, delete_fund_queues, wait_until
from tests.helpers.raw_amqp import raw_short_strings

NOW = datetime(2026, 3, 2, 9, 0, 0)
FUND = "fz"
OUTCOMES = {"applied", "duplicate", "rejected", "ignored"}

# ---- strategies: bodies ------------------------------------------------------------------

# Lone surrogates are what json.loads makes of "\ud800"; hypothesis leaves them out of text
# by default, so they are mixed in on purpose.
surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
texts = st.text(max_size=20) | st.text(st.characters() | surrogates, max_size=8)
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats()
    | texts
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
timestamps = (
    st.datetimes().map(lambda d: d.isoformat(timespec="seconds"))
    | st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(), st.datetimes(), offsets)
    | st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-03-02T09:00:00.999999Z",
            "2026-03-02",
            "",
            "yesterday",
        ]
    )
    | json_values
)


def ids(app: str) -> st.SearchStrategy[Any]:
    return st.sampled_from([app, int(app)]) | st.integers() | texts | json_values


def response(app: str) -> st.SearchStrategy[dict[str, Any]]:
    data = st.fixed_dictionaries(
        {
            "volunteer_id": st.integers(1, 30) | ids(app),
            "volunteer_application_id": st.just(int(app)) | ids(app),
            "status": st.sampled_from(["accepted", "declined"]) | json_values,
        },
        optional={"timestamp": timestamps},
    )
    return st.fixed_dictionaries(
        {"action": st.just("volunteer_response"), "data": data | json_values},
        optional={"timestamp": timestamps},
    )


def waiting(app: str) -> st.SearchStrategy[dict[str, Any]]:
    data = st.fixed_dictionaries(
        {"volunteer_id": st.integers(1, 30) | ids(app), "volunteer_application_id": ids(app)},
        optional={"status": st.just("waiting") | json_values, "timestamp": timestamps},
    )
    envelope = st.fixed_dictionaries(
        {"action": st.just("volunteer_waiting"), "data": data},
        optional={"user_id": ids(app), "application_id": ids(app), "timestamp": timestamps},
    )
    flat = st.fixed_dictionaries(
        {"user_id": st.integers(1, 30) | ids(app), "application_id": ids(app)},
        optional={"timestamp": timestamps, "status": json_values},
    )
    return envelope | flat


def encoded(value: Any, ascii_only: bool) -> bytes:
    # surrogatepass: a lone surrogate written raw is invalid UTF-8, itself a case to refuse.
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def hostile() -> st.SearchStrategy[bytes]:
    deep = st.builds(
        lambda n, inner: b'{"action":"volunteer_response","data":' + b"[" * n + inner + b"]" * n,
        st.integers(1, 40_000),
        st.sampled_from([b"", b"1", b'"x"']),
    ).map(lambda b: b + b"}")
    long_number = st.integers(20, 20_000).map(
        lambda n: (
            b'{"action":"volunteer_response","data":{"volunteer_id":'
            + b"9" * n
            + b',"volunteer_application_id":1,"status":"accepted"}}'
        )
    )
    quotes = st.integers(1, 30_000).map(lambda n: b'"' + b'\\"' * n)
    constants = st.sampled_from([b"NaN", b'{"action":Infinity}', b'{"a":-Infinity}'])
    return deep | long_number | quotes | constants | st.binary(max_size=200)


def bodies(app: str) -> st.SearchStrategy[bytes]:
    shaped = st.builds(encoded, response(app) | waiting(app) | json_values, st.booleans())
    truncated = st.builds(lambda b, cut: b[:cut], shaped, st.integers(0, 200))
    return shaped | shaped | truncated | hostile()


# ---- strategies: AMQP properties ---------------------------------------------------------

FIXED_IDS = ["dup-1", "dup-2"]  # reused across deliveries, so duplicates and clashes happen
message_ids = st.none() | st.just("") | st.sampled_from(FIXED_IDS) | st.text(max_size=60)
app_ids = (
    st.none()
    | st.just("")
    | st.sampled_from([console_app_id(FUND), "volunteer-app"])
    | st.text(max_size=40)
)
exchanges = st.sampled_from([m.RESPONSE_EXCHANGE, m.WAITING_EXCHANGE])
keys = st.sampled_from([f"fund.{FUND}.response.1", f"fund.{FUND}.waiting.1", ""]) | st.text(
    max_size=40
)


def deliveries(app: str) -> st.SearchStrategy[Delivery]:
    return st.builds(Delivery, bodies(app), exchanges, keys, message_ids, app_ids)


# ---- through the engine ------------------------------------------------------------------


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _open_engine(data_dir: Path) -> tuple[Engine, str]:
    engine = Engine(Store(data_dir / "console.db"), FUND, ManualClock(NOW))
    form = ApplicationForm("Уборка", date(2026, 3, 10), time(14), time(18), spots=3)
    return engine, engine.create_application(form)


def _check(results: list[Any], batch: list[Delivery]) -> None:
    assert len(results) == len(batch)
    for r, d in zip(results, batch, strict=True):
        assert r.outcome in OUTCOMES, r
        if r.outcome == "rejected":
            assert r.reason and not r.reason.startswith("internal error"), (r, d)


def test_any_batch_applies_or_is_refused_with_a_reason_and_never_fails() -> None:
    errors = _Errors()
    logging.getLogger("core").addHandler(errors)
    with tempfile.TemporaryDirectory() as tmp:
        engine, app = _open_engine(Path(tmp))
        seen: dict[str, int] = {o: 0 for o in OUTCOMES}

        @settings(
            max_examples=300,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.lists(deliveries(app), min_size=1, max_size=8))
        def batch_is_handled(batch: list[Delivery]) -> None:
            results = engine.handle(batch)
            _check(results, batch)
            assert errors.records == [], errors.records[0].getMessage()
            st_ = engine.state(app)
            assert st_ is not None
            assert st_.signed_count + st_.held + st_.free == st_.capacity
            for r in results:
                seen[r.outcome] += 1

        try:
            batch_is_handled()
        finally:
            logging.getLogger("core").removeHandler(errors)
            engine.store.close()
    # The fuzz reached every outcome, so it tested the rules and not only the parser.
    assert all(seen[o] > 0 for o in OUTCOMES), seen


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"action":"volunteer_response","data":' + b"[" * 5000 + b"]" * 5000 + b"}", "nests"),
        (
            json.dumps(
                {
                    "action": "volunteer_response",
                    "data": {
                        "volunteer_id": 1,
                        "volunteer_application_id": 2,
                        "status": "accepted",
                        "timestamp": "0001-01-01T00:00:00+14:00",
                    },
                }
            ).encode(),
            "out of range",
        ),
        (b'{"action":"volunteer_response","data":{"volunteer_id":' + b"9" * 5000 + b"}}", "number"),
        (b'{"action":"volunteer_response","data":{"volunteer_id":"\\udc00"}}', "surrogate"),
    ],
    ids=["nested 5000 deep", "year 0 in UTC", "5000-digit integer", "lone surrogate"],
)
def test_a_cheap_hostile_body_is_refused_alone_and_its_batch_still_commits_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, raw: bytes, reason: str
) -> None:
    engine, app = _open_engine(tmp_path)
    key = m.response_key(FUND, app)

    def accept(vid: int) -> Delivery:
        body = {
            "action": "volunteer_response",
            "data": {
                "volunteer_id": vid,
                "volunteer_application_id": int(app),
                "status": "accepted",
            },
        }
        return Delivery(json.dumps(body).encode(), routing_key=key, message_id=str(uuid.uuid4()))

    batch = [accept(1), Delivery(raw, routing_key=key, message_id="bad"), accept(2)]
    with caplog.at_level(logging.ERROR):
        results = engine.handle(batch)
    assert [r.outcome for r in results] == ["applied", "rejected", "applied"]
    assert reason in results[1].reason and "internal" not in results[1].reason
    assert caplog.records == []  # no rollback, no one-by-one retry
    [row] = engine.store.conn.execute("SELECT reason FROM rejected").fetchall()
    assert row[0] == results[1].reason


# ---- through the real transport and broker -------------------------------------------------


@pytest.mark.broker
@pytest.mark.skipif(not broker_available(), reason="needs RabbitMQ on 127.0.0.1:5672")
def test_fuzzed_messages_through_the_broker_are_applied_or_dead_lettered_with_a_reason(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    examples: list[int] = []

    @settings(
        max_examples=5,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def through_the_broker(data: st.DataObject) -> None:
        fund = f"t{uuid.uuid4().hex[:8]}"
        data_dir = tmp_path_factory.mktemp("fuzz")
        asyncio.run(_broker_round(fund, data_dir, data))
        examples.append(1)

    through_the_broker()
    assert len(examples) >= 5


raw_text = st.none() | st.none() | st.binary(min_size=4, max_size=32)


async def _broker_round(fund: str, data_dir: Path, data: st.DataObject) -> None:
    core = ConsoleCore(data_dir, fund, BROKER_URL)
    states: list[str] = []
    core.transport.subscribe_status(lambda status: states.append(status.state))
    try:
        await core.start()
        await wait_until(lambda: core.transport.status.state == "connected", 20, "connected")
        form = ApplicationForm("Уборка", date.today() + timedelta(days=7), time(14), time(18), 3)
        app = core.engine.create_application(form)
        batch = data.draw(st.lists(deliveries(app), min_size=20, max_size=40), label="batch")
        conn = await aio_pika.connect(BROKER_URL)
        try:
            ch = await conn.channel(publisher_confirms=True)
            for d in batch:
                ex = await ch.get_exchange(d.exchange, ensure=False)
                # Now and then the ids go out as raw bytes (any, not only UTF-8), which a
                # well-behaved client never sends: each swapped in for a same-length token.
                mid, sender, swaps = d.message_id, d.app_id, {}
                raw_mid = data.draw(raw_text, label="raw message_id")
                raw_app = data.draw(raw_text, label="raw app_id")
                if raw_mid is not None:
                    mid = uuid.uuid4().hex[: len(raw_mid)]
                    swaps[mid] = raw_mid
                if raw_app is not None:
                    sender = uuid.uuid4().hex[: len(raw_app)]
                    swaps[sender] = raw_app
                with raw_short_strings(swaps):
                    await ex.publish(
                        aio_pika.Message(
                            d.body,
                            content_type="application/json",
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            message_id=mid,
                            app_id=sender,
                            timestamp=datetime.now(UTC),
                        ),
                        # Routed into this fund's queues whatever the fuzzed key was.
                        routing_key=_fund_key(fund, d),
                    )
        finally:
            await conn.close()

        def handled() -> int:
            return core.transport.consumed["responses"] + core.transport.consumed["waiting"]

        # Queue 1 carries the console's own announcements too (skipped by app_id).
        await wait_until(lambda: handled() >= len(batch), 60, f"{len(batch)} handled")
        reasons = [r[0] for r in core.store.conn.execute("SELECT reason FROM rejected")]
        assert all(reason and not reason.startswith("internal error") for reason in reasons)
        outcomes = [r[0] for r in core.store.conn.execute("SELECT outcome FROM inbox")]
        assert set(outcomes) <= OUTCOMES
        await wait_until(
            lambda: core.transport.dead_lettered >= len(reasons), 20, "dead letters sent"
        )
        # no message may cost the connection (a non-UTF-8 id once did, on every redelivery)
        assert "reconnecting" not in states
    finally:
        await core.stop()
        await delete_fund_queues(fund)


def _fund_key(fund: str, d: Delivery) -> str:
    kind = "response" if d.exchange == m.RESPONSE_EXCHANGE else "waiting"
    return f"fund.{fund}.{kind}.1"
