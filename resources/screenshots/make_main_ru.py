"""Rebuild main-ru.png: the window in Russian over a demo fund (run under xvfb-run, see below).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python resources/screenshots/make_main_ru.py

Needs RabbitMQ on localhost for the "connected" status and the queue tab; the fund's queues
are deleted afterwards. Extra shots of every tab go to the directory given as argv[1].
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
import uuid
from datetime import time, timedelta
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.engine import ApplicationForm, Delivery  # noqa: E402
from core.ids import wire_id  # noqa: E402
from core.messages import RESPONSE_EXCHANGE, response_key  # noqa: E402
from core.service import ConsoleCore  # noqa: E402
from gui.bridge import Bridge  # noqa: E402
from gui.i18n import install_translator  # noqa: E402

BROKER = "amqp://guest:guest@127.0.0.1:5672/"


def answer(fund: str, app_id: str, volunteer: str, status: str = "accepted") -> Delivery:
    body = {
        "action": "volunteer_response",
        "data": {
            "volunteer_application_id": wire_id(app_id),
            "volunteer_id": wire_id(volunteer),
            "status": status,
        },
    }
    return Delivery(
        json.dumps(body).encode(),
        exchange=RESPONSE_EXCHANGE,
        routing_key=response_key(fund, app_id),
        message_id=str(uuid.uuid4()),
    )


def build_state(core: ConsoleCore) -> str:
    """Three applications; the first has a roster, a waitlist and an open offer round."""
    engine, fund = core.engine, core.fund_id
    today = engine.clock.now().date()
    main = engine.create_application(
        ApplicationForm(
            name="Уборка парка Сокольники",
            day=today + timedelta(days=2),
            start=time(10, 0),
            end=time(14, 0),
            spots=4,
            description="Собираем мусор вдоль пруда; перчатки и мешки выдадим.",
            policy="broadcast",
            offer_timeout_min=30,
        )
    )
    for vid in ("10452", "10877", "11203", "11958", "12040", "12311", "12786"):
        engine.handle([answer(fund, main, vid)])
    engine.handle([answer(fund, main, "10877", "declined")])  # a spot frees: a round opens
    food = engine.create_application(
        ApplicationForm(
            name="Раздача продуктовых наборов",
            day=today + timedelta(days=5),
            start=time(9, 30),
            end=time(13, 0),
            spots=3,
            policy="auto",
        )
    )
    for vid in ("20011", "20342", "20517"):
        engine.handle([answer(fund, food, vid)])
    engine.create_application(
        ApplicationForm(
            name="Помощь в приюте для животных",
            day=today + timedelta(days=9),
            start=time(11, 0),
            end=time(16, 0),
            spots=6,
            policy="timed",
            offer_timeout_min=15,
        ),
        publish=False,
    )
    engine.handle([Delivery(b'{"action": "volunteer_response", "data": {}}', message_id="bad-1")])
    return main


async def shoot(out: Path, extra: Path | None) -> None:
    from gui.main_window import MainWindow

    fund = f"shot{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as tmp:
        core = ConsoleCore(Path(tmp), fund, BROKER)
        main = build_state(core)
        bridge = Bridge(core)
        await core.start()
        window = MainWindow(bridge)
        window.resize(1360, 860)
        window.show()
        for _ in range(100):
            if core.transport.status.state == "connected":
                break
            await asyncio.sleep(0.1)
        window.select_application(main)
        await asyncio.sleep(4)  # the outbox drains, the queue monitor polls, timers tick
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        if extra is not None:
            extra.mkdir(parents=True, exist_ok=True)
            for i in range(window.tabs.count()):
                window.tabs.setCurrentIndex(i)
                view = window.tabs.currentWidget()
                table = getattr(view, "table", None)
                if table is not None:
                    table.selectRow(0)
                await asyncio.sleep(0.3)
                window.grab().save(str(extra / f"tab{i}.png"))
            window.tabs.setCurrentIndex(0)
            dlg = window.open_settings()
            if dlg is not None:
                await asyncio.sleep(0.3)
                dlg.grab().save(str(extra / "settings.png"))
                dlg.reject()
        window.close()
        bridge.shutdown()
        await core.stop()
        import aio_pika

        conn = await aio_pika.connect(BROKER)
        for name in core.transport.queues.values():
            ch = await conn.channel()
            with contextlib.suppress(Exception):
                await ch.queue_delete(name)
        await conn.close()


def main() -> None:
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # closing the window must not stop the loop early
    install_translator(app, "ru")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    extra = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    with loop:
        loop.run_until_complete(shoot(ROOT / "resources" / "screenshots" / "main-ru.png", extra))


if __name__ == "__main__":
    main()
