"""Screenshot of the main window with a roster, a waitlist and an open offer round.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.bench.gui_screenshot \
        resources/screenshots/main-en.png [--language en|ru]

Uses the real broker (a throwaway fund whose queues are deleted afterwards) so the status bar
shows a live connection; responses are fed through the engine as the transport would.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from datetime import time, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from core.engine import ApplicationForm
from core.service import ConsoleCore
from gui.bridge import Bridge
from gui.main_window import MainWindow
from tests.core.broker_helpers import BROKER_URL, delete_fund_queues
from tests.gui.conftest import response


async def stage(app: QApplication, out: Path, language: str) -> None:
    fund = f"shot{uuid.uuid4().hex[:6]}"
    data = Path(tempfile.mkdtemp())
    core = ConsoleCore(data, fund, BROKER_URL)
    bridge = Bridge(core)
    ini = QSettings(str(data / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(bridge, qsettings=ini)
    window.resize(1380, 860)
    window.show()
    await core.start()
    for _ in range(100):
        if core.transport.status.state == "connected":
            break
        await asyncio.sleep(0.05)
    today = core.clock.now().date()
    tr = QApplication.translate
    park = bridge.create_application(
        ApplicationForm(
            tr("demo", "Park clean-up"),
            today + timedelta(days=1),
            time(10),
            time(13),
            5,
            tr("demo", "Litter picking along the pond; gloves and bags provided."),
            "broadcast",
            2,
        )
    )
    food = bridge.create_application(
        ApplicationForm(
            tr("demo", "Food bank sorting"), today + timedelta(days=3), time(9), time(12), 8
        )
    )
    shelter = bridge.create_application(
        ApplicationForm(
            tr("demo", "Animal shelter walks"), today + timedelta(days=6), time(15), time(17), 3
        )
    )
    assert park and food and shelter
    engine = core.engine
    park_people = ["1042", "1057", "1103", "1121", "1188", "1204", "1230", "1311", "1342"]
    for vid in park_people:
        engine.handle([response(fund, park, vid)])
        await asyncio.sleep(0.02)
    engine.handle([response(fund, park, "1057", "declined")])  # a spot frees: a round opens
    for vid in ("2001", "2002", "2003", "2004", "2005"):
        engine.handle([response(fund, food, vid)])
    for vid in ("3001", "3002", "3003", "3004"):
        engine.handle([response(fund, shelter, vid)])
    await asyncio.sleep(0.3)
    window.select_application(park)
    await asyncio.sleep(2.5)  # the countdown ticks, the outbox drains
    window.grab().save(str(out))
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
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    try:
        from gui.i18n import install_translator

        install_translator(app, args.language)
    except ImportError:
        pass
    args.out.parent.mkdir(parents=True, exist_ok=True)
    qasync.run(stage(app, args.out, args.language))
    return 0


if __name__ == "__main__":
    sys.exit(main())
