"""The window as a user starts it: main.py in its own process, offscreen, closed by a signal."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.launch import close_by_signal

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_window_starts_offline_and_a_signal_closes_it_cleanly(tmp_path, sig):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    # Port 1 answers nothing: the console must open anyway, offline.
    args = [sys.executable, "main.py", "--data-dir", str(tmp_path / "data"), "--create"]
    args += ["--fund-id", "t1"]
    proc = subprocess.Popen(
        [*args, "--broker", "amqp://guest:guest@127.0.0.1:1/", "-v"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err = close_by_signal(proc, tmp_path / "data" / "console.db", sig=sig, settle=1.5)
    assert "closing the window" in err
    assert "guest:guest" not in err


FIRST_PAINT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])


class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            heavy = ("pydantic", "aio_pika", "aiormq", "core.messages", "core.replication.member")
            heavy += ("gui.app_dialog", "gui.settings_dialog", "gui.volunteer_view")
            heavy += ("gui.export", "gui.sheets", "gui.directory_view", "gui.checkin_view")
            print("LOADED", [m for m in heavy if m in sys.modules], flush=True)
            QTimer.singleShot(0, lambda: [w.close() for w in app.topLevelWidgets()])
        return False


watch = FirstPaint()
app.installEventFilter(watch)
import main

sys.exit(main.main(sys.argv[1:]))
"""


def test_the_window_paints_before_pydantic_and_the_broker_client_are_loaded(tmp_path):
    # what the coordinator waits for comes first: the broker client, the decision log and
    # the message models (a third of the start) are loaded after the first paint, and the
    # dialogs when first opened
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    args = ["--data-dir", str(tmp_path / "data"), "--create", "--fund-id", "t1"]
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, *args, "--broker", "amqp://guest:guest@127.0.0.1:1/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout, done.stdout + done.stderr
