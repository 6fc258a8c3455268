"""Screenshot of the main window with a roster, a waitlist and an open offer round.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.bench.gui_screenshot \
        resources/screenshots/main-en.png [--language en|ru] [--size 1100x700] [--tabs DIR]

The one way to make resources/screenshots/main-en.png and main-ru.png (--language ru uses
Russian demo names). --tabs DIR also saves every tab and the settings dialog there.
--numbers [MONTH] saves the Numbers tab instead, over three past months of shifts filled,
refilled and marked at check-in (MONTH as 2026-11 picks that month; default all months):
resources/screenshots/numbers-en.png (--numbers 2026-11) and numbers-ru.png (--numbers).

Uses the real broker (a throwaway fund whose queues are deleted afterwards) so the status bar
shows a live connection; responses are fed through the engine as the transport would.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from core.clock import ManualClock
from core.config import db_path
from core.engine import ApplicationForm, Engine
from core.queries import Queries
from core.service import ConsoleCore
from core.storage import Store
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.helpers.broker import BROKER_URL, delete_fund_queues
from tests.helpers.factories import response

DEMO = {
    "en": (
        "Park clean-up",
        "Litter picking along the pond; gloves and bags provided.",
        "Food bank sorting",
        "Animal shelter walks",
    ),
    "ru": (
        "Уборка парка Сокольники",
        "Собираем мусор вдоль пруда; перчатки и мешки выдадим.",
        "Раздача продуктовых наборов",
        "Прогулки с собаками из приюта",
    ),
}


PAST = {
    "en": ("Courtyard clean-up", "Park clean-up", "Food bank", "Shelter walks"),
    "ru": ("Уборка двора", "Уборка парка", "Продуктовый склад", "Прогулки с собаками"),
}


CAME = {9: (9, 8, 7, 7), 10: (8, 9, 6, 7), 11: (9, 4, 9, 2)}  # of 8, 8, 8 and 6 spots


def past_months(data: Path, fund: str, language: str) -> None:
    """Four shifts a month in September-November, each filled to its own degree (CAME), those
    with a waitlist losing someone whose spot it refills, every roster marked at check-in."""
    clock = ManualClock(datetime(2026, 9, 1, 8, 0))
    engine = Engine(Store(db_path(data)), fund, clock)
    names = PAST.get(language, PAST["en"])
    people = [str(5000 + i) for i in range(60)]
    for month in (9, 10, 11):
        for k, name in enumerate(names):
            day = date(2026, month, 3 + 6 * k)
            clock.set(datetime(2026, month, 1 + 6 * k, 9, 0))
            spots = (8, 8, 8, 6)[k]
            app_id = engine.create_application(
                ApplicationForm(name, day, time(10), time(13), spots)
            )
            came = CAME[month][k]
            who = people[(month * 7 + k * 5) % 30 :][:came]
            engine.handle([response(fund, app_id, v) for v in who])
            if came > spots:
                clock.advance(minutes=30)
                engine.handle([response(fund, app_id, who[0], "declined")])
                clock.advance(minutes=(month * 3 + k * 4) % 25 + 4)
                engine.handle([response(fund, app_id, who[-1])])
            clock.set(datetime(2026, month, day.day, 13, 30))
            engine.tick()
            q = Queries(engine)
            for i, row in enumerate(q.checkin(app_id)):
                status = "no_show" if (i + k + month) % 9 == 0 else "arrived"
                engine.record_attendance(app_id, row.volunteer_id, status, arrived_at="10:00")
            q.close()
    engine.store.close()


async def stage(
    app: QApplication,
    out: Path,
    language: str,
    size: tuple[int, int],
    tabs: Path | None,
    numbers: str | None = None,
) -> None:
    fund = f"shot{uuid.uuid4().hex[:6]}"
    data = Path(tempfile.mkdtemp())
    if numbers is not None:
        past_months(data, fund, language)
    core = ConsoleCore(data, fund, BROKER_URL)
    bridge = Bridge(core)
    ini = QSettings(str(data / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bridge, qsettings=ini)
    window.resize(*size)
    window.show()
    await core.start()
    for _ in range(100):
        if core.transport.status.state == "connected":
            break
        await asyncio.sleep(0.05)
    today = core.clock.now().date()
    park_name, park_text, food_name, shelter_name = DEMO.get(language, DEMO["en"])
    park = (
        bridge.create_application(
            ApplicationForm(
                park_name,
                today + timedelta(days=1),
                time(10),
                time(13),
                5,
                park_text,
                "broadcast",
                2,
            )
        )
        .wait()
        .value
    )
    food = (
        bridge.create_application(
            ApplicationForm(food_name, today + timedelta(days=3), time(9), time(12), 8)
        )
        .wait()
        .value
    )
    shelter = (
        bridge.create_application(
            ApplicationForm(shelter_name, today + timedelta(days=6), time(15), time(17), 3)
        )
        .wait()
        .value
    )
    assert park and food and shelter
    engine = core.engine
    park_people = ["1042", "1057", "1103", "1121", "1188", "1204", "1230", "1311", "1342"]
    for vid in park_people:
        core.writer.run(engine.handle, [response(fund, park, vid)])
        await asyncio.sleep(0.02)
    core.writer.run(
        engine.handle, [response(fund, park, "1057", "declined")]
    )  # a spot frees: a round opens
    # Reminders: everyone signed up is asked to confirm; two have, the rest are reminded.
    core.writer.run(engine.remind_now, park)
    for vid in ("1042", "1121"):
        core.writer.run(engine.handle, [response(fund, park, vid, "confirmed")])
    for vid in ("2001", "2002", "2003", "2004", "2005"):
        core.writer.run(engine.handle, [response(fund, food, vid)])
    for vid in ("3001", "3002", "3003", "3004"):
        core.writer.run(engine.handle, [response(fund, shelter, vid)])
    await asyncio.sleep(0.3)
    window.select_application(park)
    await asyncio.sleep(2.5)  # the countdown ticks, the outbox drains
    if numbers is not None:
        window.tabs.setCurrentWidget(window.shift.numbers)
        view = window.shift.numbers
        for _ in range(100):  # read off the GUI thread
            if view.report is not None and view.month.count() > 1:
                break
            await asyncio.sleep(0.05)
        if numbers:
            view.month.setCurrentIndex(view.month.findData(numbers))
        await asyncio.sleep(0.5)
    window.grab().save(str(out))
    if tabs is not None:
        tabs.mkdir(parents=True, exist_ok=True)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            await asyncio.sleep(0.3)
            window.grab().save(str(tabs / f"tab{i}.png"))
        window.tabs.setCurrentIndex(0)
        form = window.edit_application()
        if form is not None:
            await asyncio.sleep(0.3)
            form.grab().save(str(tabs / "edit.png"))
            form.reject()
        dlg = window.open_settings()
        if dlg is not None:
            await asyncio.sleep(0.3)
            dlg.grab().save(str(tabs / "settings.png"))
            dlg.reject()
    d = window.detail
    print(
        f"saved {out}: roster {d.roster_model.rowCount()}, waitlist {d.waitlist_model.rowCount()},"
        f" offers {d.offers_model.rowCount()}, {d.countdown.text()!r},"
        f" {window.broker_label.text()!r}, {window.backlog_label.text()!r}"
    )
    bridge.shutdown()
    window.close()
    await core.stop()
    await delete_fund_queues(fund)


def main() -> int:
    import qasync

    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--language", default="en")
    parser.add_argument("--size", default="1380x860", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--tabs", type=Path, default=None, help="also save every tab here")
    parser.add_argument(
        "--numbers",
        nargs="?",
        const="",
        default=None,
        metavar="MONTH",
        help="save the Numbers tab over past months instead (MONTH: 2026-11; default all)",
    )
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    try:
        from gui.i18n import install_translator

        install_translator(app, args.language)
    except ImportError:
        pass
    args.out.parent.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.lower().split("x"))
    qasync.run(stage(app, args.out, args.language, (width, height), args.tabs, args.numbers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
