"""The consumer and envelopes no well-behaved sender writes: non-UTF-8 or odd AMQP fields."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import aiormq
from pamqp import commands as spec

from core.broker.amqp_text import UNDECODABLE_HEADERS
from core.clock import SystemClock
from core.service import ConsoleCore
from tests.helpers.broker import (
    BROKER_URL,
    RESPONSE_EXCHANGE,
    VolunteerClient,
    run_with_fund,
    wait_until,
)
from tests.helpers.factories import a_form
from tests.helpers.raw_amqp import raw_short_strings


def answer(app: str, volunteer: int) -> bytes:
    data = {"volunteer_id": volunteer, "volunteer_application_id": int(app), "status": "accepted"}
    return json.dumps({"action": "volunteer_response", "data": data}).encode()


def props(**fields: object) -> spec.Basic.Properties:
    base: dict[str, object] = {
        "content_type": "application/json",
        "delivery_mode": 2,
        "message_id": str(uuid.uuid4()),
        "app_id": "volunteer-app",
    }
    return spec.Basic.Properties(**{**base, **fields})


def test_non_utf8_envelope_fields_are_refused_by_name_and_hold_back_nothing(
    tmp_path: Path,
) -> None:
    """Each of these killed aiormq's frame reader before; the message came back after every
    reconnect, so the fund's queue stalled for good. Now each is dead-lettered naming the
    field, odd but valid ids are applied, and the connection is never lost."""

    async def scenario(fund: str) -> None:
        core = ConsoleCore(tmp_path, fund, BROKER_URL)
        states: list[str] = []
        core.transport.subscribe_status(lambda st: states.append(st.state))
        await core.start()
        try:
            await wait_until(lambda: core.transport.status.state == "connected", 30)
            app = await core.writer.call(
                core.engine.create_application, a_form(SystemClock(), spots=10)
            )
            key = f"fund.{fund}.response.{app}"
            conn = await aiormq.connect(BROKER_URL)
            async with VolunteerClient(fund) as vol:
                ch = await conn.channel()
                odd_key = f"fund.{fund}.response.RK"  # a short string is swapped whole
                raw = {"MID1": b"\xff\xfe-1", "APPX": b"v\xe9pp", "TYPE": b"\xc3(ty"}
                raw |= {odd_key: odd_key[:-2].encode() + b"\xed\xa0", "H-NAME": b"h\xff-nme"}
                sent = [
                    (11, key, props(message_id="MID1")),
                    (12, key, props(app_id="APPX")),
                    (13, key, props(message_type="TYPE")),
                    (14, odd_key, props(message_id="rk")),
                    (15, key, props(message_id="hdr", headers={"H-NAME": "x"})),
                    # odd but valid UTF-8: applied
                    (16, key, props(message_id="nul\x00and\x07bell", app_id="")),
                    (17, key, props(message_id="é" * 127)),
                    (18, key, props()),
                ]
                with raw_short_strings(raw):
                    for volunteer, routing_key, p in sent:
                        await ch.basic_publish(
                            answer(app, volunteer),
                            exchange=RESPONSE_EXCHANGE,
                            routing_key=routing_key,
                            properties=p,
                        )
                await wait_until(lambda: len(core.queries.rejected()) == 5, what="5 refused")
                await wait_until(
                    lambda: (st := core.engine.state(app)) is not None and st.signed_count == 3,
                    what="16, 17 and 18 signed up",
                )
                await wait_until(lambda: all(vol.to(v) == ["записан"] for v in (16, 17, 18)))
                letters = await vol.read_dead_letters()
            await conn.close()
            reasons = sorted(r.reason for r in core.queries.rejected())
            assert reasons == sorted(
                [
                    "AMQP message_id is not UTF-8 (got '\\xff\\xfe-1')",
                    "AMQP app_id is not UTF-8 (got 'v\\xe9pp')",
                    "AMQP message_type is not UTF-8 (got '\\xc3(ty')",
                    f"AMQP routing_key is not UTF-8 (got 'fund.{fund}.response.\\xed\\xa0')",
                    "AMQP headers: a header name is not UTF-8 (the table's bytes: "
                    + letters_hex(b"h\xff-nme")
                    + ")",
                ]
            ), reasons
            assert sorted(str(m.headers["x-rejection-reason"]) for m in letters) == reasons
            marked = [m for m in letters if UNDECODABLE_HEADERS in (m.headers or {})]
            assert len(marked) == 1  # the copy keeps the marker instead of the sender's table
            assert "reconnecting" not in states and core.transport.status.state == "connected"
        finally:
            await core.stop()

    run_with_fund(scenario, 120)


def letters_hex(name: bytes) -> str:
    """The marker a header table with a non-UTF-8 name becomes: the table's bytes in hex."""
    table = bytes([len(name)]) + name + b"S" + (1).to_bytes(4, "big") + b"x"
    return table.hex()[:60]
